"""The C library, loaded with cffi in ABI mode (no compiler needed).

The declarations given to cffi are taken from the public header itself
(include/khaldun.h, installed beside the library by `make install`), so a
struct such as kh_error always has the layout the library was built with.
Where things are looked for:

  library  $KHALDUN_LIB; else the source tree's build/libkhaldun.so.* when
           this package sits in <repo>/python/khaldun; else
           <prefix>/lib/libkhaldun.so when installed under <prefix>; else
           the system's libkhaldun.so (ld.so's search path).
  header   $KHALDUN_HEADER; else <lib>/../include/khaldun.h (<prefix>/include
           or <repo>/include).
  images   as the CLI: $KHALDUN_DATA alone when set; else next to the
           library (<repo>/build/data; <prefix>/share/khaldun).
"""
import glob
import os
import re

import cffi

_HERE = os.path.dirname(os.path.abspath(__file__))

# The declarations the binding uses, by name, in the header's order of need.
_TYPES = ["kh_status", "kh_error", "kh_allocator", "kh_limits", "kh_date", "kh_date_precision",
          "kh_severity",
          "kh_diag", "kh_diag_fn", "kh_input_format", "kh_unit_kind", "kh_span", "kh_unit",
          "kh_story", "kh_story_fn", "kh_read_options", "kh_reader", "kh_lexicon", "kh_dict",
          "kh_place", "kh_mention", "kh_event", "kh_trace_fn", "kh_code_options", "kh_coder",
          "kh_write_fn", "kh_store", "kh_store_query", "kh_store_mention", "kh_store_event",
          "kh_store_event_fn", "kh_store_group", "kh_store_period", "kh_store_stat",
          "kh_store_stat_fn"]
_FUNCS = ["kh_version", "kh_strerror", "kh_date_parse", "kh_input_format_parse",
          "kh_story_from_text", "kh_reader_new", "kh_reader_push", "kh_reader_finish",
          "kh_reader_counts", "kh_reader_free", "kh_lexicon_load", "kh_lexicon_free",
          "kh_dict_load", "kh_dict_free", "kh_dict_hash", "kh_coder_new", "kh_coder_code",
          "kh_coder_free", "kh_events_write_json", "kh_store_open", "kh_store_close",
          "kh_store_errmsg", "kh_store_begin", "kh_store_commit", "kh_store_rollback",
          "kh_store_has_story", "kh_store_add_story", "kh_store_counts",
          "kh_store_query_events", "kh_store_stats"]
# Declared when the header has them (newer libraries): shards and merging.
_OPTIONAL_TYPES = ["kh_store_merge_counts"]
_OPTIONAL_FUNCS = ["kh_story_shard", "kh_store_merge", "kh_store_set_default_date"]


class LibraryNotFound(ImportError):
    """libkhaldun.so or khaldun.h could not be found (the message says where it looked)."""


def _candidates():
    env = os.environ.get("KHALDUN_LIB")
    if env:
        return [env]
    out = []
    repo = os.path.dirname(os.path.dirname(_HERE))  # <repo>/python/khaldun -> <repo>
    out += sorted(glob.glob(os.path.join(repo, "build", "libkhaldun.so.*.*.*")))
    # Installed: <prefix>/lib/python3/dist-packages/khaldun (or site-packages).
    p = _HERE
    for _ in range(4):
        p = os.path.dirname(p)
        out.append(os.path.join(p, "lib", "libkhaldun.so"))
    out.append("libkhaldun.so")
    return out


def _extract(header, kind, name):
    """The declaration of `name` in the header's text, or None."""
    if kind == "type":
        pats = [r"typedef\s+(?:struct|enum)\s+%s\s*\{.*?\}\s*%s\s*;" % (name, name),
                r"typedef\s+struct\s+%s\s+%s\s*;" % (name, name),
                r"typedef\s+[^;{}]*\(\s*\*\s*%s\s*\)\s*\([^;]*\)\s*;" % name]
    else:
        for decl in re.findall(r"\bKH_API\s+([^;{}#]*;)", header):
            m = re.match(r"[^(]*?\b(\w+)\s*\(", decl)
            if m and m.group(1) == name:
                return decl
        return None
    for p in pats:
        m = re.search(p, header, re.S)
        if m:
            return m.group(0).replace("KH_API", "")
    return None


def _strip_comments(text):
    """The header without comments and preprocessor lines."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return re.sub(r"(?m)^[ \t]*#.*(?:\\\n.*)*$", " ", text)


def _load():
    tried = []
    for cand in _candidates():
        if os.path.sep in cand and not os.path.exists(cand):
            tried.append(cand)
            continue
        path = cand
        break
    else:
        raise LibraryNotFound("khaldun: no libkhaldun.so (looked for %s; build it with `make lib`, "
                              "install it with `make install`, or set KHALDUN_LIB)"
                              % ", ".join(tried))
    real = os.path.realpath(path) if os.path.sep in path else None
    hdr = os.environ.get("KHALDUN_HEADER")
    if not hdr:
        base = os.path.dirname(os.path.dirname(real)) if real else "/usr"
        hdr = os.path.join(base, "include", "khaldun.h")
        if not os.path.exists(hdr):
            hdr = "/usr/include/khaldun.h" if os.path.exists("/usr/include/khaldun.h") else \
                "/usr/local/include/khaldun.h"
    try:
        with open(hdr, encoding="utf-8") as f:
            header = _strip_comments(f.read())
    except OSError as e:
        raise LibraryNotFound("khaldun: %s: cannot read the header khaldun.h (%s; set "
                              "KHALDUN_HEADER)" % (hdr, e.strerror)) from None
    decls = []
    for kind, names, required in (("type", _TYPES, True), ("func", _FUNCS, True),
                                  ("type", _OPTIONAL_TYPES, False),
                                  ("func", _OPTIONAL_FUNCS, False)):
        for n in names:
            d = _extract(header, kind, n)
            if d is None and required:
                raise LibraryNotFound("khaldun: %s has no declaration of %s (an older header?)"
                                      % (hdr, n))
            if d is not None:
                decls.append(d)
    ffi = cffi.FFI()
    ffi.cdef("\n".join(decls))
    try:
        lib = ffi.dlopen(real or path)
    except OSError as e:
        raise LibraryNotFound("khaldun: cannot load %s: %s" % (real or path, e)) from None
    return ffi, lib, real or path, hdr


ffi, lib, LIB_PATH, HEADER_PATH = _load()


def has(name):
    """True when the loaded library exports `name` (e.g. kh_store_merge)."""
    try:
        getattr(lib, name)
        return True
    except AttributeError:
        return False


def data_dirs():
    """Where the images are looked for, as the CLI does (see the module docstring)."""
    env = os.environ.get("KHALDUN_DATA")
    if env:
        return [env]
    libdir = os.path.dirname(LIB_PATH) if os.path.sep in LIB_PATH else ""
    if not libdir:  # found by ld.so: the usual prefixes
        return ["/usr/local/share/khaldun", "/usr/share/khaldun"]
    return [os.path.join(libdir, "data"), os.path.join(os.path.dirname(libdir), "share", "khaldun")]


def data_path(name, option):
    for d in data_dirs():
        p = os.path.join(d, name)
        if os.access(p, os.R_OK):
            return p
    from ._errors import KhaldunError
    env = os.environ.get("KHALDUN_DATA")
    if env:
        msg = "no %s: KHALDUN_DATA is %s, which has no %s (fix KHALDUN_DATA, or give %s=)" % (
            name, env, name, option)
    else:
        msg = "no %s: looked in %s (run `make data` in the source tree or `make install`, set " \
              "KHALDUN_DATA, or give %s=)" % (name, ", ".join(data_dirs()) or "no folder", option)
    raise KhaldunError(msg, code="KH_ERR_NOTFOUND")
