/*
 * serve_api.c: the JSON API of `khaldun serve` (docs/serve.md) over the
 * event store: events (paginated), one event with its evidence, series per
 * period with QuadClass counts, top actors and codes, network edges, places,
 * and exports. Every parameter is checked against a table before anything
 * runs (unknown, repeated, empty or malformed ones are a 400 with a JSON
 * error); values reach the store only through kh_store_query, whose SQL is
 * bound. Every answer is bounded (rows, scanned rows, bytes). The store is
 * opened read-only (serve_pool) and only read. A client of the public API.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

/* ---------------------------------------------------------------------- */
/* Buffers                                                                */
/* ---------------------------------------------------------------------- */

void sbuf_init(sbuf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

void sbuf_free(sbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void sbuf_put(sbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (n > b->max || b->len > b->max - n) {
        b->failed = 1;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = (char *)realloc(b->data, cap);
        if (!d) {
            b->failed = 1;
            return;
        }
        b->data = d, b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* Makes room for `n` more bytes now (a hint: failing here fails nothing). */
static void sbuf_reserve(sbuf *b, size_t n)
{
    if (b->failed || b->len + n + 1 <= b->cap || n > b->max)
        return;
    char *d = (char *)realloc(b->data, b->len + n + 1);
    if (d)
        b->data = d, b->cap = b->len + n + 1;
}

void sbuf_puts(sbuf *b, const char *s) { sbuf_put(b, s, strlen(s)); }

void sbuf_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        b->failed = 1;
    else
        sbuf_put(b, tmp, (size_t)n);
}

void sbuf_json_str(sbuf *b, const char *s)
{
    if (!s) {
        sbuf_puts(b, "null");
        return;
    }
    sbuf_put(b, "\"", 1);
    const char *run = s;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p != '"' && *p != '\\' && *p >= 0x20 && *p != '<' && *p != '>' && *p != '&')
            continue;
        sbuf_put(b, run, (size_t)((const char *)p - run));
        /* <, > and & as \u escapes: an answer shown as HTML by mistake
         * carries no markup. */
        char e[8];
        if (*p == '"' || *p == '\\')
            e[0] = '\\', e[1] = (char)*p, e[2] = '\0';
        else
            snprintf(e, sizeof e, "\\u%04x", *p);
        sbuf_puts(b, e);
        run = (const char *)p + 1;
    }
    sbuf_puts(b, run);
    sbuf_put(b, "\"", 1);
}

void sbuf_json_num(sbuf *b, double v, int decimals)
{
    char t[64];
    snprintf(t, sizeof t, "%.*f", decimals, v);
    if (strchr(t, '.')) {
        size_t n = strlen(t);
        while (n > 0 && t[n - 1] == '0')
            t[--n] = '\0';
        if (n > 0 && t[n - 1] == '.')
            t[--n] = '\0';
    }
    if (!strcmp(t, "-0"))
        strcpy(t, "0");
    sbuf_puts(b, t);
}

static kh_status sbuf_write(void *ctx, const char *data, size_t len)
{
    sbuf *b = (sbuf *)ctx;
    sbuf_put(b, data, len);
    return b->failed ? KH_ERR_LIMIT : KH_OK;
}

/* ---------------------------------------------------------------------- */
/* Parameters                                                             */
/* ---------------------------------------------------------------------- */

enum { E_EVENTS = 1, E_EVENT = 2, E_SERIES = 4, E_TOP = 8, E_NETWORK = 16, E_PLACES = 32,
       E_EXPORT = 64, E_INFO = 128 };
#define E_FILTERED (E_EVENTS | E_SERIES | E_TOP | E_NETWORK | E_PLACES | E_EXPORT)

enum { P_ACTOR, P_SOURCE, P_TARGET, P_DYAD, P_CODE, P_ROOT, P_QUAD, P_FROM, P_TO, P_COUNTRY,
       P_PLACE, P_TEXT, P_LIMIT, P_OFFSET, P_PERIOD, P_BY, P_ID, P_FORMAT, P_COUNT };

static const struct {
    const char *name;
    unsigned endpoints;
} param_spec[P_COUNT] = {
    {"actor", E_FILTERED}, {"source", E_FILTERED}, {"target", E_FILTERED},
    {"dyad", E_FILTERED}, {"code", E_FILTERED}, {"root", E_FILTERED}, {"quad", E_FILTERED},
    {"from", E_FILTERED}, {"to", E_FILTERED}, {"country", E_FILTERED},
    {"place", E_FILTERED}, {"text", E_FILTERED},
    {"limit", E_EVENTS | E_TOP | E_NETWORK | E_PLACES | E_EXPORT}, {"offset", E_EVENTS},
    {"period", E_SERIES}, {"by", E_TOP}, {"id", E_EVENT}, {"format", E_EXPORT},
};

/* A request's checked parameters. */
typedef struct req {
    kh_store_query q;
    char dyad[2][72];
    size_t limit, offset;
    int has_limit;
    kh_store_period period;
    kh_store_group group;
    long long id;
    kh_store_format format;
    const char *seen[P_COUNT];
    char err[300];
} req;

static int bad(req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(req *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    return -1;
}

static int utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
        if (!n || (n == 2 && *p < 0xC2) || (n == 4 && *p > 0xF4))
            return 0;
        for (size_t i = 1; i < n; i++)
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        if ((n == 3 && *p == 0xE0 && p[1] < 0xA0) || (n == 3 && *p == 0xED && p[1] >= 0xA0) ||
            (n == 4 && *p == 0xF0 && p[1] < 0x90) || (n == 4 && *p == 0xF4 && p[1] >= 0x90))
            return 0;
        p += n;
    }
    return 1;
}

/* An actor code: A-Z, 0-9, at most 64, a final '*' for a prefix. */
static int actor_ok(const char *v)
{
    size_t n = strlen(v);
    if (!n || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= '0' && v[i] <= '9') ||
              (v[i] == '*' && i == n - 1 && n > 1)))
            return 0;
    return 1;
}

static int number_ok(const char *v, unsigned long long lo, unsigned long long hi,
                     unsigned long long *out)
{
    if (!*v || strlen(v) > 12)
        return 0;
    unsigned long long n = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        n = n * 10 + (unsigned long long)(*p - '0');
    }
    *out = n;
    return n >= lo && n <= hi;
}

static int word_of(const char *v, const char *const *words, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(v, words[i]))
            return i;
    return -1;
}

/* The largest `limit` per endpoint, and its default. */
static void limit_bounds(unsigned ep, size_t *def, size_t *max)
{
    *def = SERVE_PAGE_DEFAULT, *max = SERVE_PAGE_MAX;
    if (ep == E_TOP)
        *def = 20, *max = 200;
    else if (ep == E_NETWORK)
        *def = 300, *max = 2000;
    else if (ep == E_PLACES)
        *def = 1000, *max = 5000;
    else if (ep == E_EXPORT)
        *def = SERVE_EXPORT_DEFAULT, *max = SERVE_EXPORT_MAX;
}

static int set_param(req *r, unsigned ep, int k, const char *v)
{
    const char *name = param_spec[k].name;
    unsigned long long n;
    switch (k) {
    case P_ACTOR: case P_SOURCE: case P_TARGET:
        if (!actor_ok(v))
            return bad(r, "%s wants an actor code (A-Z, 0-9, a final *)", name);
        *(k == P_ACTOR ? &r->q.actor : k == P_SOURCE ? &r->q.source : &r->q.target) = v;
        return 0;
    case P_DYAD: {
        const char *comma = strchr(v, ',');
        size_t a = comma ? (size_t)(comma - v) : 0;
        if (!comma || a >= sizeof r->dyad[0] || strlen(comma + 1) >= sizeof r->dyad[1])
            return bad(r, "dyad wants X,Y (two actor codes)");
        memcpy(r->dyad[0], v, a), r->dyad[0][a] = '\0';
        strcpy(r->dyad[1], comma + 1);
        if (!actor_ok(r->dyad[0]) || !actor_ok(r->dyad[1]))
            return bad(r, "dyad wants X,Y (two actor codes)");
        r->q.dyad_a = r->dyad[0], r->q.dyad_b = r->dyad[1];
        return 0;
    }
    case P_CODE: case P_ROOT: {
        size_t len = strlen(v);
        int ok = len > 0 && len <= (k == P_ROOT ? 2u : 8u);
        for (size_t i = 0; ok && i < len; i++)
            ok = (v[i] >= '0' && v[i] <= '9') || (k == P_CODE && v[i] == '*' && i == len - 1 && i);
        if (!ok)
            return bad(r, "%s wants a CAMEO code (%s)", name,
                       k == P_ROOT ? "two digits" : "digits, a final * for a prefix");
        *(k == P_CODE ? &r->q.code : &r->q.root) = v;
        return 0;
    }
    case P_QUAD:
        if (!number_ok(v, 1, 4, &n))
            return bad(r, "quad wants 1, 2, 3 or 4");
        r->q.quad = (int)n;
        return 0;
    case P_FROM: case P_TO:
        if (strlen(v) != 10 || kh_date_parse(v, 10, k == P_FROM ? &r->q.from : &r->q.to))
            return bad(r, "%s wants a date YYYY-MM-DD", name);
        return 0;
    case P_COUNTRY:
        if (strlen(v) != 3 || !actor_ok(v) || strchr(v, '*'))
            return bad(r, "country wants an ISO 3166 alpha-3 code (3 capitals)");
        r->q.country = v;
        return 0;
    case P_PLACE: case P_TEXT:
        if (!utf8_ok(v) || strlen(v) > (k == P_PLACE ? 200u : 300u))
            return bad(r, "%s wants UTF-8 text of at most %u bytes", name,
                       k == P_PLACE ? 200u : 300u);
        *(k == P_PLACE ? &r->q.place : &r->q.text) = v;
        return 0;
    case P_LIMIT: {
        size_t def, max;
        limit_bounds(ep, &def, &max);
        if (!number_ok(v, 1, max, &n))
            return bad(r, "limit wants a number from 1 to %zu", max);
        r->limit = (size_t)n, r->has_limit = 1;
        return 0;
    }
    case P_OFFSET:
        if (!number_ok(v, 0, SERVE_OFFSET_MAX, &n))
            return bad(r, "offset wants a number from 0 to %d", SERVE_OFFSET_MAX);
        r->offset = (size_t)n;
        return 0;
    case P_PERIOD: {
        static const char *const w[] = {"day", "week", "month", "year"};
        static const kh_store_period p[] = {KH_PERIOD_DAY, KH_PERIOD_WEEK, KH_PERIOD_MONTH,
                                            KH_PERIOD_YEAR};
        int i = word_of(v, w, 4);
        if (i < 0)
            return bad(r, "period wants day, week, month or year");
        r->period = p[i];
        return 0;
    }
    case P_BY: {
        static const char *const w[] = {"actors", "codes"};
        int i = word_of(v, w, 2);
        if (i < 0)
            return bad(r, "by wants actors or codes");
        r->group = i ? KH_GROUP_CODE : KH_GROUP_ACTOR;
        return 0;
    }
    case P_ID:
        if (!number_ok(v, 1, 999999999999ull, &n))
            return bad(r, "id wants a positive event id");
        r->id = (long long)n;
        return 0;
    default: {
        static const char *const w[] = {"jsonl", "csv", "gdelt"};
        static const kh_store_format f[] = {KH_STORE_JSONL, KH_STORE_CSV, KH_STORE_GDELT};
        int i = word_of(v, w, 3);
        if (i < 0)
            return bad(r, "format wants csv, gdelt or jsonl");
        r->format = f[i];
        return 0;
    }
    }
}

/* Checks every parameter against the endpoint's table; 0 or -1 (r->err). */
static int parse_params(req *r, unsigned ep, const serve_param *ps, size_t n)
{
    if (n > SERVE_MAX_PARAMS)
        return bad(r, "too many parameters (at most %d)", SERVE_MAX_PARAMS);
    for (size_t i = 0; i < n; i++) {
        int k = 0;
        while (k < P_COUNT && strcmp(ps[i].key, param_spec[k].name) != 0)
            k++;
        if (k == P_COUNT || !(param_spec[k].endpoints & ep))
            return bad(r, "unknown parameter '%.60s' for this endpoint", ps[i].key);
        if (r->seen[k])
            return bad(r, "parameter '%s' given twice", param_spec[k].name);
        if (!ps[i].value || !*ps[i].value)
            return bad(r, "parameter '%s' needs a value", param_spec[k].name);
        r->seen[k] = ps[i].value;
        if (set_param(r, ep, k, ps[i].value))
            return -1;
    }
    size_t def, max;
    limit_bounds(ep, &def, &max);
    if (!r->has_limit)
        r->limit = def;
    if (r->q.from.year && r->q.to.year &&
        (r->q.from.year * 10000 + r->q.from.month * 100 + r->q.from.day) >
            (r->q.to.year * 10000 + r->q.to.month * 100 + r->q.to.day))
        return bad(r, "from is after to");
    if (ep == E_TOP && !r->seen[P_BY])
        return bad(r, "by is required (actors or codes)");
    if (ep == E_EVENT && !r->seen[P_ID])
        return bad(r, "id is required");
    if (ep == E_EXPORT && !r->seen[P_FORMAT])
        return bad(r, "format is required (csv, gdelt or jsonl)");
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Answers                                                                */
/* ---------------------------------------------------------------------- */

/* A callback's way to stop a query early without an error. */
#define STOP KH_ERR_LIMIT

static void reply_error(serve_reply *rep, unsigned status, const char *msg)
{
    sbuf_free(&rep->body);
    sbuf_init(&rep->body, SERVE_MAX_BODY);
    rep->status = status;
    rep->content_type = "application/json";
    rep->filename = NULL;
    sbuf_puts(&rep->body, "{\"error\":");
    sbuf_json_str(&rep->body, msg);
    sbuf_puts(&rep->body, "}\n");
}

/* Maps a store failure to a status: a query too large for the store's caps
 * is the client's (400); a missing event 404; a busy store 503. */
static void reply_store_error(serve_reply *rep, kh_store *s, kh_status st)
{
    const char *m = kh_store_errmsg(s);
    char msg[600];
    snprintf(msg, sizeof msg, "%s", m && *m && st != KH_ERR_NOMEM ? m : kh_strerror(st));
    unsigned status = st == KH_ERR_LIMIT || st == KH_ERR_INVALID ? 400
                      : st == KH_ERR_NOTFOUND ? 404
                      : strstr(msg, "locked") ? 503 : 500;
    reply_error(rep, status, msg);
}

typedef struct events_ctx {
    sbuf *b;
    size_t seen, rows, offset, limit;
    int more;
} events_ctx;

/* kh_store_write_event's object without its newline. */
static kh_status put_event(sbuf *b, const kh_store_event *e)
{
    size_t start = b->len;
    kh_status st = kh_store_write_event(e, KH_STORE_JSONL, sbuf_write, b);
    if (!st && b->len > start && b->data[b->len - 1] == '\n')
        b->data[--b->len] = '\0';
    return st;
}

static kh_status events_row(void *ctx, const kh_store_event *e)
{
    events_ctx *c = (events_ctx *)ctx;
    if (c->seen++ < c->offset)
        return KH_OK;
    if (c->rows == c->limit) {
        c->more = 1;
        return STOP;
    }
    if (c->rows++)
        sbuf_put(c->b, ",", 1);
    return put_event(c->b, e);
}

static kh_status api_events(kh_store *s, req *r, sbuf *b)
{
    r->q.limit = r->offset + r->limit + 1;
    sbuf_reserve(b, r->limit * 600); /* an event is ~500 bytes: no growing on the way */
    events_ctx c = {b, 0, 0, r->offset, r->limit, 0};
    sbuf_printf(b, "{\"offset\":%zu,\"limit\":%zu,\"events\":[", r->offset, r->limit);
    kh_status st = kh_store_query_events(s, &r->q, 0, events_row, &c);
    if (st == STOP && c.more)
        st = KH_OK;
    sbuf_printf(b, "],\"count\":%zu,\"more\":%s}\n", c.rows, c.more ? "true" : "false");
    return st;
}

static kh_status event_one(void *ctx, const kh_store_event *e)
{
    return kh_store_write_event(e, KH_STORE_JSONL, sbuf_write, ctx);
}

typedef struct export_ctx {
    sbuf *b;
    kh_store_format format;
} export_ctx;

static kh_status export_row(void *ctx, const kh_store_event *e)
{
    export_ctx *c = (export_ctx *)ctx;
    return kh_store_write_event(e, c->format, sbuf_write, c->b);
}

static kh_status api_export(kh_store *s, req *r, serve_reply *rep)
{
    r->q.limit = r->limit;
    static const char *const types[] = {"", "application/x-ndjson; charset=utf-8",
                                        "text/csv; charset=utf-8",
                                        "text/tab-separated-values; charset=utf-8"};
    static const char *const names[] = {"", "khaldun-events.jsonl", "khaldun-events.csv",
                                        "khaldun-events.gdelt.tsv"};
    rep->content_type = types[r->format];
    rep->filename = names[r->format];
    if (r->format == KH_STORE_CSV)
        kh_store_write_csv_header(sbuf_write, &rep->body);
    export_ctx c = {&rep->body, r->format};
    return kh_store_query_events(s, &r->q, r->format == KH_STORE_JSONL ? KH_QUERY_MENTIONS : 0,
                                 export_row, &c);
}

static kh_status api_info(kh_store *s, sbuf *b)
{
    size_t stories = 0, events = 0, mentions = 0;
    kh_status st = kh_store_counts(s, &stories, &events, &mentions);
    sbuf_printf(b, "{\"version\":\"%s\",\"stories\":%zu,\"events\":%zu,\"mentions\":%zu}\n",
                kh_version(), stories, events, mentions);
    return st;
}

static const struct {
    const char *path;
    unsigned ep;
} routes[] = {
    {"/api/events", E_EVENTS}, {"/api/event", E_EVENT}, {"/api/series", E_SERIES},
    {"/api/top", E_TOP}, {"/api/network", E_NETWORK}, {"/api/places", E_PLACES},
    {"/api/export", E_EXPORT}, {"/api/info", E_INFO},
};

void serve_api(serve_pool *pool, const char *path, const serve_param *params, size_t n_params,
               serve_reply *rep)
{
    sbuf_init(&rep->body, SERVE_MAX_BODY);
    rep->status = 200;
    rep->content_type = "application/json";
    rep->filename = NULL;
    unsigned ep = 0;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (!strcmp(path, routes[i].path))
            ep = routes[i].ep;
    if (!ep) {
        reply_error(rep, 404, "no such API endpoint (see docs/serve.md)");
        return;
    }
    req *r = (req *)calloc(1, sizeof *r);
    if (!r) {
        reply_error(rep, 503, "out of memory");
        return;
    }
    r->period = KH_PERIOD_MONTH;
    if (parse_params(r, ep, params, n_params)) {
        reply_error(rep, 400, r->err);
        free(r);
        return;
    }
    char msg[300];
    kh_store *s = serve_pool_get(pool, msg, sizeof msg);
    if (!s) {
        reply_error(rep, 503, msg);
        free(r);
        return;
    }
    kh_status st;
    sbuf *b = &rep->body;
    switch (ep) {
    case E_EVENTS: st = api_events(s, r, b); break;
    case E_EVENT: st = kh_store_event_get(s, r->id, KH_QUERY_MENTIONS, event_one, b); break;
    case E_SERIES: st = serve_series(s, &r->q, r->period, b, r->err, sizeof r->err); break;
    case E_TOP:
        r->q.limit = r->limit;
        st = serve_top(s, &r->q, r->group, b);
        break;
    case E_NETWORK: st = serve_network(s, &r->q, r->limit, b); break;
    case E_PLACES: st = serve_places(s, &r->q, r->limit, b); break;
    case E_EXPORT: st = api_export(s, r, rep); break;
    default: st = api_info(s, b); break;
    }
    if (b->failed)
        reply_error(rep, 413, "the answer is larger than the server's cap: narrow the filter "
                              "or lower limit");
    else if (st && r->err[0])
        reply_error(rep, 400, r->err);
    else if (st)
        reply_store_error(rep, s, st);
    serve_pool_put(pool, s);
    free(r);
}
