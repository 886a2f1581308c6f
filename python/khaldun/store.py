"""khaldun.store: an event store (khaldun code --db) read into pandas.

    from khaldun import store
    with store.open("news.db") as s:
        ev = s.events(dyad=("USA", "IRN"))          # one row an event
        m = s.dyads(period="month")                  # per month, source, target
        g = s.events(gdelt=True)                     # GDELT 2.0 codebook column names

The store is opened read-only through the C library (kh_store_open with
KH_STORE_READONLY): it is never written, and a file that is not a khaldun
store is refused with khaldun's message. One Store is one connection: use it
from one thread at a time (open one per thread).
"""
import os

import pandas as pd

from ._coder import _check, _s, parse_date
from ._errors import KhaldunError, status_name
from ._lib import ffi, lib

# khaldun's column names -> the GDELT 2.0 Events codebook's. ActionGeo_CountryCode
# holds khaldun's ISO3/CAMEO country code, not GDELT's FIPS code.
GDELT_COLUMNS = {
    "id": "GLOBALEVENTID", "sqldate": "SQLDATE", "source": "Actor1Code", "target": "Actor2Code",
    "source_name": "Actor1Name", "target_name": "Actor2Name", "code": "EventCode",
    "root": "EventRootCode", "quad": "QuadClass", "goldstein": "GoldsteinScale",
    "num_mentions": "NumMentions", "num_sources": "NumSources", "num_articles": "NumArticles",
    "place": "ActionGeo_FullName", "country": "ActionGeo_CountryCode",
    "admin1": "ActionGeo_ADM1Code", "lat": "ActionGeo_Lat", "lon": "ActionGeo_Long",
    "feature_id": "ActionGeo_FeatureID", "first_url": "SOURCEURL",
}
EVENT_COLUMNS = ["id", "date", "sqldate", "source", "target", "source_name", "target_name",
                 "code", "name", "root", "quad", "goldstein", "num_mentions", "num_sources",
                 "num_articles", "place", "country", "admin1", "lat", "lon", "feature_id",
                 "first_story", "first_url", "text", "dict"]
_GROUPS = {"dyad": 1, "actor": 2, "code": 3}
_PERIODS = {"all": 0, "day": 1, "week": 2, "month": 3, "year": 4}


def _date(d):
    return pd.Timestamp(d.year, d.month, d.day) if d.year else pd.NaT


@ffi.callback("kh_status(void *, const kh_store_event *)")
def _on_event(ctx, e):
    p = e.place
    has_place = p != ffi.NULL
    ffi.from_handle(ctx).append((
        e.id, _date(e.date), e.date.year * 10000 + e.date.month * 100 + e.date.day,
        _s(e.source), _s(e.target), _s(e.source_name), _s(e.target_name), _s(e.code),
        _s(e.name), ffi.string(e.root, 3).decode(), e.quad, e.goldstein, e.num_mentions,
        e.num_sources, e.num_articles, _s(p.name) if has_place else None,
        _s(p.country) if has_place else None, _s(p.admin1) if has_place else None,
        p.lat if has_place and p.has_coords else None,
        p.lon if has_place and p.has_coords else None,
        p.feature_id if has_place else None, _s(e.first_story), _s(e.first_url), _s(e.text),
        _s(e.dict_hash)))
    return 0


@ffi.callback("kh_status(void *, const kh_store_stat *)")
def _on_stat(ctx, s):
    ffi.from_handle(ctx).append((_s(s.period), _s(s.key), _s(s.key2), s.events, s.mentions,
                                 s.goldstein))
    return 0


class Store:
    """A khaldun event store, open read-only. Use open(path)."""

    def __init__(self, path):
        self._store = None
        self.path = os.fspath(path)
        err = ffi.new("kh_error *")
        out = ffi.new("kh_store **")
        _check(lib.kh_store_open(self.path.encode(), 1, out, err), file=self.path, err=err)
        self._store = out[0]

    def close(self):
        if self._store is not None:
            lib.kh_store_close(self._store)
            self._store = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def _handle(self):
        if self._store is None:
            raise KhaldunError("the store is closed", file=self.path, code="KH_ERR_INVALID")
        return self._store

    def _query(self, keep, actor=None, source=None, target=None, dyad=None, code=None, root=None,
               quad=0, start=None, end=None, country=None, place=None, text=None, limit=0):
        q = ffi.new("kh_store_query *")

        def cs(v):
            keep.append(ffi.new("char[]", str(v).encode("utf-8")))
            return keep[-1]
        for name, v in (("actor", actor), ("source", source), ("target", target), ("code", code),
                        ("root", root), ("country", country), ("place", place), ("text", text)):
            if v is not None:
                setattr(q, name, cs(v))
        if dyad is not None:
            q.dyad_a, q.dyad_b = cs(dyad[0]), cs(dyad[1])
        q.quad = quad or 0
        q.limit = limit or 0
        setattr(q, "from", parse_date(start))  # a Python keyword
        q.to = parse_date(end)
        return q

    def _fail(self, st):
        if st:
            raise KhaldunError(_s(lib.kh_store_errmsg(self._store)) or _s(lib.kh_strerror(st)),
                               file=self.path, code=status_name(st))

    def events(self, gdelt=False, **query):
        """The events matching the query (actor, source, target, dyad=(A, B),
        code, root, quad, start, end, country, place, text, limit; the
        filters of `khaldun query`) as a DataFrame, by date then id. With
        gdelt=True the columns carry the GDELT 2.0 codebook's names."""
        keep, rows = [], []
        q = self._query(keep, **query)
        h = ffi.new_handle(rows)
        self._fail(lib.kh_store_query_events(self._handle(), q, 0, _on_event, h))
        df = pd.DataFrame.from_records(rows, columns=EVENT_COLUMNS)
        return df.rename(columns=GDELT_COLUMNS) if gdelt else df

    def _stats(self, group, period, **query):
        if period not in _PERIODS:
            raise ValueError("period must be one of %s" % ", ".join(_PERIODS))
        keep, rows = [], []
        q = self._query(keep, **query)
        h = ffi.new_handle(rows)
        self._fail(lib.kh_store_stats(self._handle(), q, _GROUPS[group], _PERIODS[period],
                                      _on_stat, h))
        return rows

    def dyads(self, period="month", **query):
        """Per period, source and target: events, mentions and the Goldstein
        sum (the series analysts plot; `khaldun query --stats dyad`)."""
        rows = self._stats("dyad", period, **query)
        return pd.DataFrame.from_records(
            [(r[0], r[1], r[2] or None, r[3], r[4], r[5]) for r in rows],
            columns=["period", "source", "target", "events", "mentions", "goldstein"])

    def stats(self, by="actor", period="all", **query):
        """Counts per actor (either side) or per event code, most events first."""
        if by not in ("actor", "code"):
            raise ValueError("by must be 'actor' or 'code'")
        rows = self._stats(by, period, **query)
        cols = ["period", by, "name" if by == "code" else "_", "events", "mentions", "goldstein"]
        df = pd.DataFrame.from_records(rows, columns=cols)
        return df.drop(columns="_") if by == "actor" else df

    def counts(self):
        """(stories, events, mentions)."""
        n = ffi.new("size_t[3]")
        self._fail(lib.kh_store_counts(self._handle(), n, n + 1, n + 2))
        return {"stories": n[0], "events": n[1], "mentions": n[2]}


def open(path):  # noqa: A001 - the module's verb, as sqlite3.connect
    """Opens the store at `path` read-only."""
    return Store(path)
