"""khaldun.Coder: the C coder behind a Python object.

Thread safety (as the C library): the images (dictionary, lexicon) are
read-only and shared by every Coder of a process that names the same files,
so a second Coder costs only its scratch memory. One Coder holds one
kh_coder, which is not reentrant: its methods take the Coder's own lock, so
a Coder shared between threads is safe but codes one story at a time. For
parallel coding give each thread its own Coder (the C calls release the GIL,
so threads then run on separate cores).
"""
import datetime
import json
import os
import threading
import warnings

from ._errors import KhaldunError, KhaldunWarning, status_name
from ._lib import ffi, has, lib, data_path

CHUNK = 1 << 20  # bytes read at a time, as the CLI


def _s(p):
    return ffi.string(p).decode("utf-8", "replace") if p != ffi.NULL else None


def _check(st, file=None, err=None, what=None):
    if st == 0:
        return
    msg = _s(lib.kh_strerror(st))
    line = 0
    if err is not None and err.message[0] != b"\0":
        msg = _s(err.message)
        line = err.line
    if what:
        msg = "%s: %s" % (what, msg)
    raise KhaldunError(msg, file=file, line=line, code=status_name(st))


def parse_date(date):
    """A kh_date from "YYYY-MM-DD" (the formats kh_date_parse takes), a datetime.date or None."""
    d = ffi.new("kh_date *")
    if date is None:
        return d[0]
    if isinstance(date, (datetime.date, datetime.datetime)):
        date = date.strftime("%Y-%m-%d")
    b = str(date).encode("utf-8")
    if lib.kh_date_parse(b, len(b), d) != 0:
        raise KhaldunError("bad date '%s' (YYYY-MM-DD)" % date, code="KH_ERR_FORMAT")
    return d[0]


class _Images:
    """A dictionary and lexicon image, loaded (memory-mapped) once per process."""

    _cache = {}
    _cache_lock = threading.Lock()

    def __init__(self, dict_path, lex_path):
        err = ffi.new("kh_error *")
        out = ffi.new("kh_lexicon **")
        _check(lib.kh_lexicon_load(lex_path.encode(), ffi.NULL, out, err), lex_path, err)
        self.lexicon = ffi.gc(out[0], lib.kh_lexicon_free)
        out = ffi.new("kh_dict **")
        _check(lib.kh_dict_load(dict_path.encode(), ffi.NULL, out, err), dict_path, err)
        self.dict = ffi.gc(out[0], lib.kh_dict_free)
        self.dict_hash = lib.kh_dict_hash(self.dict)  # owned by the dict
        self.paths = (dict_path, lex_path)

    @classmethod
    def get(cls, dict_path, lex_path):
        key = []
        for p in (dict_path, lex_path):
            try:
                st = os.stat(p)
                key.append((os.path.realpath(p), st.st_mtime_ns, st.st_size))
            except OSError:
                key.append((p,))
        key = tuple(key)
        with cls._cache_lock:
            img = cls._cache.get(key)
            if img is None:
                img = cls._cache[key] = cls(dict_path, lex_path)
            return img


class _Run:
    """State of one call into the reader: events, diagnostics and a pending exception."""

    def __init__(self, coder, source, shard=None):
        self.coder = coder
        self.source = source
        self.shard = shard
        self.out = []
        self.diags = []
        self.error = None
        self.store = None
        self.counts = {"stories": 0, "known": 0, "out_of_shard": 0, "events": 0}


@ffi.callback("kh_status(void *, const char *, size_t)")
def _on_write(ctx, data, n):
    ffi.from_handle(ctx).append(ffi.buffer(data, n)[:])
    return 0


@ffi.callback("void(void *, const kh_diag *)")
def _on_diag(ctx, d):
    run = ffi.from_handle(ctx)
    run.diags.append((d.severity, _s(d.source) or run.source, d.line, _s(d.message)))


@ffi.callback("void(void *, size_t, const char *)")
def _on_trace(ctx, sentence, line):
    ffi.from_handle(ctx).append("    " + _s(line))


@ffi.callback("kh_status(void *, const kh_story *)")
def _on_story(ctx, story):
    run = ffi.from_handle(ctx)
    try:
        return run.coder._story(run, story)
    except BaseException as e:  # handed back to the caller after the C call returns
        run.error = e
        return 2  # KH_ERR_INVALID: stops the reader


class Coder:
    """Codes stories with the C library's coder.

    dictionary, lexicon: image paths (khaldun.dict, lexicon.img); None takes
    the installed defaults, found as the CLI finds them ($KHALDUN_DATA, else
    beside the library). See the module docstring on threads.
    """

    def __init__(self, dictionary=None, lexicon=None):
        dictionary = dictionary or data_path("khaldun.dict", "dictionary")
        lexicon = lexicon or data_path("lexicon.img", "lexicon")
        self._images = _Images.get(os.fspath(dictionary), os.fspath(lexicon))
        self._lock = threading.Lock()
        self._coder = self._new_coder()
        self._explainer = None
        self._trace = []
        self.dict_hash = _s(self._images.dict_hash)

    def _new_coder(self, trace_ctx=None):
        opt = ffi.new("kh_code_options *")
        opt.dict = self._images.dict
        opt.lexicon = self._images.lexicon
        if trace_ctx is not None:
            opt.trace = _on_trace
            opt.trace_ctx = trace_ctx
        out = ffi.new("kh_coder **")
        _check(lib.kh_coder_new(opt, out), what="coder")
        return ffi.gc(out[0], lib.kh_coder_free)

    # ---- one text ------------------------------------------------------
    @staticmethod
    def _text_story(text, date, id):
        if isinstance(text, str):
            text = text.encode("utf-8", "surrogateescape")
        keep = [ffi.new("char[]", text)]
        story = ffi.new("kh_story *")
        unit = ffi.new("kh_unit *")
        keep.append(unit)
        lib.kh_story_from_text(story, unit, keep[0], len(text))
        story.date = parse_date(date)
        if id is not None:
            keep.append(ffi.new("char[]", str(id).encode("utf-8")))
            story.id = keep[-1]
        return story, keep

    def _events_json(self, coder, story, sink):
        ev = ffi.new("kh_event **")
        n = ffi.new("size_t *")
        _check(lib.kh_coder_code(coder, story, ev, n), _s(story.source), what="coding")
        if n[0]:
            h = ffi.new_handle(sink)
            _check(lib.kh_events_write_json(story, ev[0], n[0], self._images.dict_hash,
                                            _on_write, h))
        return ev[0], n[0]

    def code(self, text, date=None, id=None):
        """The events of one story (a str or bytes) as a list of dicts, the
        JSON Lines records of `khaldun code` (same keys and values)."""
        story, keep = self._text_story(text, date, id)
        chunks = []
        with self._lock:
            self._events_json(self._coder, story, chunks)
        del keep
        return _records(chunks)

    def explain(self, sentence, date=None):
        """How the coder handled the text, as `khaldun explain -e` prints it
        (the trace and the events; without the CLI's parse tree)."""
        story, keep = self._text_story(sentence, date, None)
        with self._lock:
            if self._explainer is None:
                self._trace_handle = ffi.new_handle(self._trace)
                self._explainer = self._new_coder(self._trace_handle)
            del self._trace[:]
            ev, n = self._events_json(self._explainer, story, [])
            d = story.date
            lines = ["story %s (date %04d-%02d-%02d)" % (_s(story.id), d.year, d.month, d.day)]
            lines += self._trace
            lines.append("")
            lines.append("events after merging (%d):" % n)
            for i in range(n):
                e = ev[i]
                lines.append("  %04d-%02d-%02d  %-12s %-12s %-5s %s  (%d mention%s)" % (
                    e.date.year, e.date.month, e.date.day, _s(e.source), _s(e.target) or "-",
                    _s(e.code), _s(e.name), e.n_mentions, "" if e.n_mentions == 1 else "s"))
        del keep
        return "\n".join(lines) + "\n"

    # ---- files ---------------------------------------------------------
    def _story(self, run, story):
        if run.shard is not None:
            if lib.kh_story_shard(story, run.shard[1]) != run.shard[0] - 1:
                run.counts["out_of_shard"] += 1
                return 0
        run.counts["stories"] += 1
        if run.store is not None:
            known = ffi.new("int *")
            self._store_check(run, lib.kh_store_has_story(run.store, story, known))
            if known[0]:
                run.counts["known"] += 1
                return 0
            ev = ffi.new("kh_event **")
            n = ffi.new("size_t *")
            _check(lib.kh_coder_code(self._coder, story, ev, n), _s(story.source),
                   what="coding")
            self._store_check(run, lib.kh_store_add_story(run.store, story, ev[0], n[0],
                                                          self._images.dict_hash, ffi.NULL))
            run.counts["events"] += n[0]
            run.added += 1
            if run.added % run.batch == 0:
                self._store_check(run, lib.kh_store_commit(run.store))
                self._store_check(run, lib.kh_store_begin(run.store))
            return 0
        self._events_json(self._coder, story, run.out)
        return 0

    @staticmethod
    def _store_check(run, st):
        if st:
            raise KhaldunError(_s(lib.kh_store_errmsg(run.store)) or _s(lib.kh_strerror(st)),
                               file=run.db, code=status_name(st))

    def _read(self, run, path, date, format, raise_rejected=True):
        """Feeds the file to the reader; yields after each chunk (events in run.out)."""
        opt = ffi.new("kh_read_options *")
        if format:
            fmt = ffi.new("kh_input_format *")
            if lib.kh_input_format_parse(format.encode(), fmt) != 0:
                raise KhaldunError("unknown input format '%s' (auto, text, jsonl, tabari, "
                                   "petrarch)" % format, code="KH_ERR_NOTFOUND")
            opt.format = fmt[0]
        opt.default_date = parse_date(date)
        h = ffi.new_handle(run)
        opt.diag = _on_diag
        opt.diag_ctx = h
        try:
            f = open(path, "rb")
        except OSError as e:
            raise KhaldunError(e.strerror, file=path, code="KH_ERR_IO") from None
        out = ffi.new("kh_reader **")
        with f:
            _check(lib.kh_reader_new(opt, path.encode("utf-8", "surrogateescape"), out),
                   file=path)
            reader = ffi.gc(out[0], lib.kh_reader_free)
            while True:
                data = f.read(CHUNK)
                with self._lock:
                    st = lib.kh_reader_push(reader, data, len(data), _on_story, h) if data \
                        else lib.kh_reader_finish(reader, _on_story, h)
                if run.error is not None:
                    raise run.error
                _check(st, file=path)
                yield
                if not data:
                    break
        self._report(run, raise_rejected)

    @staticmethod
    def _report(run, raise_rejected):
        errors = [d for d in run.diags if d[0] == 2]
        for sev, src, line, msg in run.diags:
            if sev != 2:
                warnings.warn("khaldun: %s:%d: warning: %s" % (src, line, msg), KhaldunWarning,
                              stacklevel=4)
        run.counts["rejected"] = [e[1:] for e in errors]
        if errors and raise_rejected:
            _, src, line, msg = errors[0]
            more = " (and %d more rejected records)" % (len(errors) - 1) if len(errors) > 1 else ""
            raise KhaldunError(msg + more, file=src, line=line, code="KH_ERR_FORMAT",
                               diagnostics=[e[1:] for e in errors])

    def code_file(self, path, date=None, format=None, shard=None):
        """Iterates over the events of a file (any input format khaldun reads),
        as dicts identical to `khaldun code`'s JSON Lines records. `date`: for
        stories whose record has none (--date). `shard` (I, N): only shard I of
        N, as `--shard I/N`. Records the reader rejects are skipped, as the
        CLI does, and raised as one KhaldunError (file, line, message of the
        first; all in .diagnostics) after the last event."""
        path = os.fspath(path)
        run = _Run(self, path, _shard(shard))
        for _ in self._read(run, path, date, format):
            chunks, run.out = run.out, []
            yield from _records(chunks)

    def code_to_store(self, path, db, date=None, format=None, shard=None, batch=500,
                      raise_rejected=True, scratch=False):
        """Codes a file into the event store `db` (created when missing), as
        `khaldun code --db` would: stories already stored are skipped, a batch
        is committed every `batch` stories. Returns counts (stories, known,
        out_of_shard, events, rejected: (file, line, message) of each record
        the reader rejected). Rejected records raise KhaldunError after the
        store is committed, unless raise_rejected is False. scratch: `db` is
        an intermediate written once, e.g. a shard to merge (KH_STORE_SCRATCH:
        cheaper to write, but a kill while writing can leave it damaged;
        ignored by a library without it)."""
        path, db = os.fspath(path), os.fspath(db)
        run = _Run(self, path, _shard(shard))
        run.db, run.batch, run.added = db, max(1, batch), 0
        err = ffi.new("kh_error *")
        out = ffi.new("kh_store **")
        for flags in ((2 | 4, 2) if scratch else (2,)):  # KH_STORE_CREATE (| KH_STORE_SCRATCH)
            st = lib.kh_store_open(db.encode(), flags, out, err)
            if st != lib.KH_ERR_INVALID:  # a library without KH_STORE_SCRATCH refuses it
                break
        _check(st, file=db, err=err)
        run.store = out[0]
        try:
            if date is not None and has("kh_store_set_default_date"):
                lib.kh_store_set_default_date(run.store, parse_date(date))
            self._store_check(run, lib.kh_store_begin(run.store))
            try:
                for _ in self._read(run, path, date, format, raise_rejected):
                    pass
            finally:
                if run.error is None:
                    self._store_check(run, lib.kh_store_commit(run.store))
        finally:
            lib.kh_store_close(run.store)  # rolls back an open batch
            run.store = None
        return run.counts


def _shard(shard):
    if shard is None:
        return None
    if isinstance(shard, str):
        shard = tuple(int(x) for x in shard.split("/"))
    i, n = shard
    if not (1 <= i <= n):
        raise ValueError("shard %d/%d: I must be 1..N" % (i, n))
    if n > 1 and not has("kh_story_shard"):
        raise KhaldunError("this libkhaldun has no kh_story_shard (shards need a newer library)",
                           code="KH_ERR_INVALID")
    return (i, n) if n > 1 else None


def _records(chunks):
    if not chunks:
        return []
    return [json.loads(line) for line in b"".join(chunks).decode("utf-8").splitlines() if line]
