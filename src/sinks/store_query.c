/*
 * store_query.c: reading the event store back: kh_store_query_events (events
 * matching a filter, with their mentions on request) and kh_store_stats
 * (counts by dyad, actor or code per period). The only SQL built at run
 * time is the WHERE clause, from fixed fragments with bound values.
 */
#include <stdio.h>

#include "sinks/store.h"

/* Caps on the words of a --text query and the size of a built query. */
#define KH_STORE_MAX_WORDS 16
#define KH_STORE_MAX_WORD 100
#define KH_STORE_MAX_SQL 4096
#define KH_STORE_MAX_BINDS 64

/* ---------------------------------------------------------------------- */
/* Queries                                                                */
/* ---------------------------------------------------------------------- */

/* A WHERE clause built from fixed fragments, and the values bound to it. */
typedef struct qbuild {
    char sql[KH_STORE_MAX_SQL];
    size_t len;
    const char *bind[KH_STORE_MAX_BINDS];
    int is_int[KH_STORE_MAX_BINDS];
    sqlite3_int64 ival[KH_STORE_MAX_BINDS];
    int nb;
    char strs[KH_STORE_MAX_BINDS][160]; /* computed values: prefix bounds, dates */
    int ns;
    int overflow;
    const char *error; /* a --text the index cannot take, for the message */
    char match[KH_STORE_MAX_WORDS * (2 * KH_STORE_MAX_WORD + 4) + 1]; /* the FTS5 query */
} qbuild;

static void qb_sql(qbuild *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n + 1 > sizeof b->sql) {
        b->overflow = 1;
        return;
    }
    memcpy(b->sql + b->len, s, n + 1);
    b->len += n;
}

static void qb_str(qbuild *b, const char *v)
{
    if (b->nb >= KH_STORE_MAX_BINDS) {
        b->overflow = 1;
        return;
    }
    b->is_int[b->nb] = 0;
    b->bind[b->nb++] = v;
}

static void qb_int(qbuild *b, sqlite3_int64 v)
{
    if (b->nb >= KH_STORE_MAX_BINDS) {
        b->overflow = 1;
        return;
    }
    b->is_int[b->nb] = 1;
    b->ival[b->nb++] = v;
}

static char *qb_tmp(qbuild *b)
{
    if (b->ns >= KH_STORE_MAX_BINDS) {
        b->overflow = 1;
        return NULL;
    }
    return b->strs[b->ns++];
}

/* col = code, or for "CODE*" a prefix range: col >= CODE AND col < CODE+1. */
static void qb_code(qbuild *b, const char *col, const char *code)
{
    size_t n = strlen(code);
    if (n && code[n - 1] == '*') {
        n--;
        char *lo = qb_tmp(b), *hi = qb_tmp(b);
        if (!lo || !hi || n >= 160) {
            b->overflow = 1;
            return;
        }
        if (n == 0) {
            qb_sql(b, "1");
            return;
        }
        memcpy(lo, code, n), lo[n] = '\0';
        memcpy(hi, code, n), hi[n] = '\0';
        if ((unsigned char)hi[n - 1] == 0xff) { /* no successor: compare the prefix */
            qb_sql(b, "substr("), qb_sql(b, col), qb_sql(b, ", 1, length(?)) = ?");
            qb_str(b, lo), qb_str(b, lo);
            return;
        }
        hi[n - 1] = (char)((unsigned char)hi[n - 1] + 1);
        qb_sql(b, "("), qb_sql(b, col), qb_sql(b, " >= ? AND "), qb_sql(b, col);
        qb_sql(b, " < ?)");
        qb_str(b, lo), qb_str(b, hi);
        return;
    }
    qb_sql(b, col), qb_sql(b, " = ?");
    qb_str(b, code);
}

static void qb_and(qbuild *b) { qb_sql(b, " AND "); }

/* --text: events with an evidence sentence holding every word, through the
 * FTS5 index sentence_fts (rowid = story << 24 | sentence index; see
 * store.c). Each word becomes an FTS5 string ("..." with quotes doubled),
 * so no input is read as query syntax; a final * keeps its prefix meaning. */
static void qb_text(qbuild *b, const char *text)
{
    size_t words = 0, k = 0;
    for (const char *p = text; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strcspn(p, " \t");
        if (!n)
            break;
        if (++words > KH_STORE_MAX_WORDS) {
            b->error = "at most 16 words of --text";
            return;
        }
        if (n > KH_STORE_MAX_WORD) {
            b->error = "a word of --text has at most 100 bytes";
            return;
        }
        int prefix = n > 1 && p[n - 1] == '*';
        b->match[k++] = '"';
        for (size_t i = 0; i < n - (size_t)prefix; i++) {
            if (p[i] == '"')
                b->match[k++] = '"';
            b->match[k++] = p[i];
        }
        b->match[k++] = '"';
        if (prefix)
            b->match[k++] = '*';
        b->match[k++] = ' ';
        p += n;
    }
    if (!words)
        return;
    b->match[k - 1] = '\0';
    qb_and(b);
    qb_sql(b, "e.id IN (SELECT m.event FROM sentence_fts f JOIN mentions m"
              " ON m.story = (f.rowid >> 24) AND m.sentence = (f.rowid & 16777215)"
              " WHERE sentence_fts MATCH ?)");
    qb_str(b, b->match);
}

static void qb_where(qbuild *b, const kh_store_query *q)
{
    qb_sql(b, " WHERE 1");
    if (!q)
        return;
    if (q->actor && *q->actor) {
        qb_and(b), qb_sql(b, "(");
        qb_code(b, "e.source", q->actor), qb_sql(b, " OR "), qb_code(b, "e.target", q->actor);
        qb_sql(b, ")");
    }
    if (q->source && *q->source)
        qb_and(b), qb_code(b, "e.source", q->source);
    if (q->target && *q->target)
        qb_and(b), qb_code(b, "e.target", q->target);
    if (q->dyad_a && *q->dyad_a && q->dyad_b && *q->dyad_b) {
        qb_and(b), qb_sql(b, "((");
        qb_code(b, "e.source", q->dyad_a), qb_and(b), qb_code(b, "e.target", q->dyad_b);
        qb_sql(b, ") OR (");
        qb_code(b, "e.source", q->dyad_b), qb_and(b), qb_code(b, "e.target", q->dyad_a);
        qb_sql(b, "))");
    }
    if (q->code && *q->code)
        qb_and(b), qb_code(b, "e.code", q->code);
    if (q->root && *q->root)
        qb_and(b), qb_sql(b, "e.root = ?"), qb_str(b, q->root);
    if (q->quad)
        qb_and(b), qb_sql(b, "e.quad = ?"), qb_int(b, q->quad);
    if (q->from.year) {
        char *t = qb_tmp(b);
        if (t) {
            kh_sink_date_text(q->from, t);
            qb_and(b), qb_sql(b, "e.date >= ?"), qb_str(b, t);
        }
    }
    if (q->to.year) {
        char *t = qb_tmp(b);
        if (t) {
            kh_sink_date_text(q->to, t);
            qb_and(b), qb_sql(b, "e.date <> '' AND e.date <= ?"), qb_str(b, t);
        }
    }
    if (q->country && *q->country)
        qb_and(b), qb_sql(b, "e.place_country = ?"), qb_str(b, q->country);
    if (q->place && *q->place)
        qb_and(b), qb_sql(b, "e.place_name = ? COLLATE NOCASE"), qb_str(b, q->place);
    if (q->text && *q->text)
        qb_text(b, q->text);
}

static void qb_limit(qbuild *b, const kh_store_query *q)
{
    if (q && q->limit) {
        qb_sql(b, " LIMIT ?");
        qb_int(b, q->limit > INT64_MAX ? INT64_MAX : (sqlite3_int64)q->limit);
    }
}

/* The prepared statement of `sql`, from the store's cache (reset and
 * unbound) or prepared now and cached in the least recently used slot.
 * Returns an SQLite result code; hand the statement back with qc_put. */
static int qc_get(kh_store *s, const char *sql, sqlite3_stmt **out)
{
    size_t slot = KH_STORE_QCACHE;
    for (size_t i = 0; i < KH_STORE_QCACHE; i++) {
        if (s->qc_busy[i])
            continue;
        if (s->qc_sql[i] && !strcmp(s->qc_sql[i], sql)) {
            s->qc_used[i] = ++s->qc_clock;
            s->qc_busy[i] = 1;
            sqlite3_clear_bindings(s->qc_st[i]);
            *out = s->qc_st[i];
            return SQLITE_OK;
        }
        if (slot == KH_STORE_QCACHE || s->qc_used[i] < s->qc_used[slot])
            slot = i;
    }
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
    size_t n = strlen(sql) + 1;
    /* With every slot running (nested queries) or no memory for the copy,
     * the statement is simply not kept. */
    char *copy = rc == SQLITE_OK && slot < KH_STORE_QCACHE ? (char *)malloc(n) : NULL;
    if (copy) {
        sqlite3_finalize(s->qc_st[slot]);
        free(s->qc_sql[slot]);
        memcpy(copy, sql, n);
        s->qc_st[slot] = *out, s->qc_sql[slot] = copy;
        s->qc_used[slot] = ++s->qc_clock, s->qc_busy[slot] = 1;
    }
    return rc;
}

/* Ends a run of a statement from qc_get: reset (so it holds no read
 * transaction) when cached, finalized when not. */
static void qc_put(kh_store *s, sqlite3_stmt *q)
{
    for (size_t i = 0; i < KH_STORE_QCACHE; i++)
        if (s->qc_st[i] == q) {
            sqlite3_reset(q);
            s->qc_busy[i] = 0;
            return;
        }
    sqlite3_finalize(q);
}

static kh_status qb_prepare(kh_store *s, qbuild *b, sqlite3_stmt **out)
{
    *out = NULL;
    if (b->error)
        return kh_store_fail(s, KH_ERR_LIMIT, "%s", b->error);
    if (b->overflow)
        return kh_store_fail(s, KH_ERR_LIMIT, "query too large");
    if (s->version < 2 && strstr(b->sql, "sentence_fts"))
        return kh_store_fail(s, KH_ERR_VERSION, "--text needs the text index of event store "
                             "version 2, and this store is version %d: any write upgrades it "
                             "(khaldun code --db FILE </dev/null)", s->version);
    int rc = qc_get(s, b->sql, out);
    if (rc != SQLITE_OK)
        return kh_store_db_fail(s, rc, "preparing a query");
    for (int i = 0; i < b->nb; i++) {
        if (b->is_int[i])
            rc = sqlite3_bind_int64(*out, i + 1, b->ival[i]);
        else /* copied: the builder is freed before the statement runs */
            rc = b->bind[i] ? sqlite3_bind_text(*out, i + 1, b->bind[i], -1, SQLITE_TRANSIENT)
                            : sqlite3_bind_null(*out, i + 1);
        if (rc != SQLITE_OK) {
            qc_put(s, *out);
            *out = NULL;
            return kh_store_db_fail(s, rc, "binding a query");
        }
    }
    return KH_OK;
}

typedef kh_status (*qb_row_fn)(void *ctx, sqlite3_stmt *row);

/* Adds the query's LIMIT, frees the builder once the statement is
 * prepared, and calls `row` for each row until it fails. */
static kh_status qb_run(kh_store *s, qbuild *b, const kh_store_query *query, const char *what,
                        qb_row_fn row, void *ctx)
{
    qb_limit(b, query);
    sqlite3_stmt *q;
    kh_status st = qb_prepare(s, b, &q);
    free(b);
    if (st)
        return st;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && !(st = row(ctx, q)))
        ;
    if (!st && rc != SQLITE_DONE)
        st = kh_store_db_fail(s, rc, what);
    qc_put(s, q);
    return st;
}

/* The mentions of `ev`, a page (KH_STORE_MENTION_PAGE) at a time, each page
 * passed to fn with the event (kh_store_event.part): memory holds one page,
 * whatever the number of mentions. */
static kh_status stream_mentions(kh_store *s, kh_store_event *ev, kh_store_event_fn fn,
                                 void *ctx)
{
    sqlite3_stmt *q = kh_store_stmt(s, ST_MENTIONS);
    if (!q)
        return KH_ERR_DB;
    sqlite3_bind_int64(q, 1, ev->id);
    const size_t cap = KH_STORE_MENTION_PAGE;
    kh_store_mention *ms = NULL;
    size_t n = 0;
    kh_status st = KH_OK;
    int rc = SQLITE_ROW;
    ev->part = KH_PART_PAGED | KH_PART_FIRST;
    ev->mention_base = 0;
#define DUP(i) (col_str(q, i) ? kh_arena_strndup(&s->arena, col_str(q, i), \
                                                 (size_t)sqlite3_column_bytes(q, i)) : NULL)
    while (!st) {
        if (!ms) {
            kh_arena_reset(&s->arena);
            ms = (kh_store_mention *)kh_arena_calloc(&s->arena, cap, sizeof *ms);
            if (!ms) {
                st = kh_store_fail(s, KH_ERR_NOMEM, "out of memory");
                break;
            }
        }
        if (n < cap && (rc = sqlite3_step(q)) == SQLITE_ROW) {
            kh_store_mention *m = &ms[n++];
            memset(m, 0, sizeof *m);
            m->event_id = sqlite3_column_int64(q, 0);
            m->story = DUP(1);
            m->url = DUP(2);
            m->publisher = DUP(3);
            m->story_date = date_parse_col(col_str(q, 4));
            m->story_len = col_size(q, 5);
            m->sentence = col_size(q, 6);
            m->kind = sqlite3_column_int(q, 7) == KH_UNIT_HEADLINE ? KH_UNIT_HEADLINE : KH_UNIT_BODY;
            m->text.off = col_size(q, 8), m->text.len = col_size(q, 9);
            m->source.off = col_size(q, 10), m->source.len = col_size(q, 11);
            m->target.off = col_size(q, 12), m->target.len = col_size(q, 13);
            m->verb.off = col_size(q, 14), m->verb.len = col_size(q, 15);
            m->sentence_text = DUP(16);
            m->pattern = DUP(17);
            m->dict_hash = DUP(18);
            m->text_chars = col_size(q, 19);
            if (!m->story)
                st = kh_store_fail(s, KH_ERR_NOMEM, "out of memory");
            continue;
        }
        if (n < cap && rc != SQLITE_DONE) {
            st = kh_store_db_fail(s, rc, "loading mentions");
            break;
        }
        /* a full page (more may follow), or the last one */
        if (n < cap)
            ev->part |= KH_PART_LAST;
        ev->mentions = ms;
        ev->n_mentions = n;
        st = fn(ctx, ev);
        if (st || (ev->part & KH_PART_LAST))
            break;
        ev->mention_base += n;
        ev->part = KH_PART_PAGED; /* a middle page: neither first nor last */
        ms = NULL;
        n = 0;
    }
#undef DUP
    sqlite3_reset(q);
    return st;
}

/* What kh_store_query_events passes on, row by row. */
typedef struct event_rows {
    kh_store *store;
    unsigned flags;
    kh_store_event_fn fn;
    void *ctx;
} event_rows;

/* A stored date_precision ("day", "week", "month", "year"; NULL before
 * schema 2). */
static kh_date_precision precision_col(const char *p)
{
    if (p && !strcmp(p, "week"))
        return KH_DATE_WEEK;
    if (p && !strcmp(p, "month"))
        return KH_DATE_MONTH;
    if (p && !strcmp(p, "year"))
        return KH_DATE_YEAR;
    return KH_DATE_DAY;
}

static kh_status event_row(void *ctx, sqlite3_stmt *q)
{
    event_rows *r = (event_rows *)ctx;
    kh_store_event ev;
    kh_place place;
    memset(&ev, 0, sizeof ev);
    memset(&place, 0, sizeof place);
    ev.id = sqlite3_column_int64(q, 0);
    ev.date = date_parse_col(col_str(q, 1));
    ev.source = col_str(q, 2);
    ev.target = col_str(q, 3);
    if (ev.target && !*ev.target)
        ev.target = NULL;
    ev.source_name = col_str(q, 4), ev.target_name = col_str(q, 5);
    ev.code = col_str(q, 6), ev.name = col_str(q, 7);
    const char *root = col_str(q, 8);
    snprintf(ev.root, sizeof ev.root, "%s", root ? root : "");
    ev.quad = sqlite3_column_int(q, 9);
    ev.goldstein = sqlite3_column_double(q, 10);
    ev.flags = (uint32_t)sqlite3_column_int64(q, 11);
    if (sqlite3_column_type(q, 12) != SQLITE_NULL) {
        place.name = col_str(q, 12);
        place.country = col_str(q, 13);
        place.admin1 = col_str(q, 14) ? col_str(q, 14) : "";
        place.has_coords = sqlite3_column_type(q, 15) != SQLITE_NULL;
        place.lat = sqlite3_column_double(q, 15);
        place.lon = sqlite3_column_double(q, 16);
        place.type = sqlite3_column_int(q, 17);
        place.feature_id = (uint32_t)sqlite3_column_int64(q, 18);
        ev.place = &place;
    }
    ev.num_mentions = col_size(q, 19);
    ev.num_sources = col_size(q, 20);
    ev.num_articles = col_size(q, 21);
    ev.first_story = col_str(q, 22);
    ev.first_url = col_str(q, 23);
    ev.first_story_date = date_parse_col(col_str(q, 24));
    ev.first_sentence = col_size(q, 25);
    ev.text = col_str(q, 26);
    ev.dict_hash = col_str(q, 27);
    ev.date_precision = precision_col(col_str(q, 28));
    if (r->flags & KH_QUERY_MENTIONS)
        return stream_mentions(r->store, &ev, r->fn, r->ctx);
    return r->fn(r->ctx, &ev);
}

kh_status kh_store_query_events(kh_store *s, const kh_store_query *query, unsigned flags,
                                kh_store_event_fn fn, void *ctx)
{
    if (!s || !fn)
        return KH_ERR_INVALID;
    qbuild *b = (qbuild *)calloc(1, sizeof *b);
    if (!b)
        return kh_store_fail(s, KH_ERR_NOMEM, "out of memory");
    qb_sql(b, "SELECT e.id, e.date, e.source, e.target, e.source_name, e.target_name, e.code,"
              " e.name, e.root, e.quad, e.goldstein, e.flags, e.place_name, e.place_country,"
              " e.place_admin1, e.place_lat, e.place_lon, e.place_type, e.place_feature,"
              " e.num_mentions, e.num_sources, e.num_articles, st.story_id, st.url, st.date,"
              " fm.sentence, se.text, e.dict_hash, ");
    /* Schema 1 (a store opened read-only, so not migrated) has no precision. */
    qb_sql(b, s->version >= 2 ? "e.date_precision" : "NULL");
    qb_sql(b, " FROM events e JOIN stories st ON st.id = e.first_story"
              /* The first mention of the event's first story (an order a
               * merge of shards keeps, unlike the order of insertion). */
              " LEFT JOIN mentions fm ON fm.id = coalesce((SELECT id FROM mentions"
              " WHERE event = e.id AND story = e.first_story ORDER BY sentence, id LIMIT 1),"
              " (SELECT min(id) FROM mentions WHERE event = e.id))"
              " LEFT JOIN sentences se ON se.story = fm.story AND se.idx = fm.sentence");
    qb_where(b, query);
    qb_sql(b, " ORDER BY e.date, e.id");
    event_rows rows = {s, flags, fn, ctx};
    return qb_run(s, b, query, "running a query", event_row, &rows);
}

/* What kh_store_stats passes on, row by row. */
typedef struct stat_rows {
    kh_store_stat_fn fn;
    void *ctx;
} stat_rows;

static kh_status stat_row(void *ctx, sqlite3_stmt *q)
{
    stat_rows *rows = (stat_rows *)ctx;
    kh_store_stat r;
    r.period = col_str(q, 0) ? col_str(q, 0) : "";
    r.key = col_str(q, 1) ? col_str(q, 1) : "";
    r.key2 = col_str(q, 2);
    r.events = col_size(q, 3);
    r.mentions = col_size(q, 4);
    r.goldstein = sqlite3_column_double(q, 5);
    return rows->fn(rows->ctx, &r);
}

kh_status kh_store_stats(kh_store *s, const kh_store_query *query, kh_store_group group,
                         kh_store_period period, kh_store_stat_fn fn, void *ctx)
{
    if (!s || !fn || group < KH_GROUP_DYAD || group > KH_GROUP_CODE ||
        period < KH_PERIOD_ALL || period > KH_PERIOD_YEAR)
        return KH_ERR_INVALID;
    static const char *const pexpr[] = {
        "''", "e.date",
        "CASE WHEN e.date = '' THEN '' ELSE date(e.date, 'weekday 0', '-6 days') END",
        "substr(e.date, 1, 7)", "substr(e.date, 1, 4)"};
    const char *p = pexpr[period];
    qbuild *b = (qbuild *)calloc(1, sizeof *b);
    if (!b)
        return kh_store_fail(s, KH_ERR_NOMEM, "out of memory");
    if (group == KH_GROUP_DYAD) {
        qb_sql(b, "SELECT "), qb_sql(b, p);
        qb_sql(b, " AS p, e.source, coalesce(e.target, ''), count(*) AS n, sum(e.num_mentions),"
                  " sum(e.goldstein) FROM events e");
        qb_where(b, query);
        qb_sql(b, " GROUP BY p, e.source, e.target ORDER BY p, e.source, e.target");
    } else if (group == KH_GROUP_CODE) {
        qb_sql(b, "SELECT "), qb_sql(b, p);
        qb_sql(b, " AS p, e.code, max(e.name), count(*) AS n, sum(e.num_mentions),"
                  " sum(e.goldstein) FROM events e");
        qb_where(b, query);
        qb_sql(b, " GROUP BY p, e.code ORDER BY p, n DESC, e.code");
    } else {
        qb_sql(b, "WITH f AS (SELECT e.* FROM events e");
        qb_where(b, query);
        qb_sql(b, ") SELECT p, k, NULL, count(*) AS n, sum(nm), sum(g) FROM (SELECT ");
        qb_sql(b, p);
        qb_sql(b, " AS p, e.source AS k, e.num_mentions AS nm, e.goldstein AS g FROM f e"
                  " UNION ALL SELECT ");
        qb_sql(b, p);
        qb_sql(b, " AS p, e.target AS k, e.num_mentions AS nm, e.goldstein AS g FROM f e"
                  " WHERE coalesce(e.target, '') <> '') GROUP BY p, k ORDER BY p, n DESC, k");
    }
    stat_rows rows = {fn, ctx};
    return qb_run(s, b, query, "running statistics", stat_row, &rows);
}
