"""khaldun's errors as Python exceptions."""


class KhaldunError(Exception):
    """A failure reported by the C library, with its message, file and line.

    Attributes: message (khaldun's text), file (the input or image named, or
    None), line (1-based, 0 when not applicable), code (the kh_status name,
    "KH_ERR_FORMAT"), diagnostics (for a coded file: every rejected record as
    (file, line, message) tuples).
    """

    def __init__(self, message, file=None, line=0, code=None, diagnostics=()):
        self.message = message
        self.file = file
        self.line = line or 0
        self.code = code
        self.diagnostics = list(diagnostics)
        where = ""
        if file and not message.startswith(file + ":"):  # khaldun's own messages often name it
            where = "%s:%d: " % (file, self.line) if self.line else "%s: " % file
        super().__init__("khaldun: " + where + message)


class KhaldunWarning(UserWarning):
    """A warning about the input (a truncated line, a replaced byte)."""


_STATUS = ["KH_OK", "KH_ERR_NOMEM", "KH_ERR_INVALID", "KH_ERR_IO", "KH_ERR_FORMAT",
           "KH_ERR_LIMIT", "KH_ERR_CORRUPT", "KH_ERR_VERSION", "KH_ERR_NOTFOUND", "KH_ERR_DB"]


def status_name(st):
    return _STATUS[st] if 0 <= st < len(_STATUS) else "status %d" % st
