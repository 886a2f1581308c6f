/*
 * serve_stats.c: the aggregations of `khaldun serve`'s API (docs/serve.md),
 * built on kh_store_stats and kh_store_query_events: a series per period
 * (events, Goldstein sum and mean, events per QuadClass), top actors and
 * codes, the network's edges and nodes, and the event places. Each reads
 * at most SERVE_SCAN_MAX rows from the store and says so ("truncated") when
 * there were more. A client of the public API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

/* ---- series ---- */

typedef struct period_row {
    char period[16];
    size_t quad[5]; /* events per QuadClass 1..4 (0: none) */
    double goldstein;
} period_row;

typedef struct series_ctx {
    period_row *rows;
    size_t n, cap, scanned, undated;
    int quad;
    int full;
} series_ctx;

/* The row of `period`, inserted in order when new; NULL when full. */
static period_row *period_find(series_ctx *c, const char *period)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int cmp = strcmp(c->rows[mid].period, period);
        if (!cmp)
            return &c->rows[mid];
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (c->n == SERVE_PERIODS_MAX)
        return NULL;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        period_row *g = (period_row *)realloc(c->rows, cap * sizeof *g);
        if (!g)
            return NULL;
        c->rows = g, c->cap = cap;
    }
    memmove(&c->rows[lo + 1], &c->rows[lo], (c->n - lo) * sizeof *c->rows);
    c->n++;
    period_row *r = &c->rows[lo];
    memset(r, 0, sizeof *r);
    snprintf(r->period, sizeof r->period, "%s", period);
    return r;
}

static kh_status series_row(void *ctx, const kh_store_stat *st)
{
    series_ctx *c = (series_ctx *)ctx;
    if (++c->scanned > SERVE_SCAN_MAX) {
        c->full = 1;
        return KH_ERR_LIMIT;
    }
    if (!st->period[0]) {
        c->undated += st->events;
        return KH_OK;
    }
    period_row *r = period_find(c, st->period);
    if (!r) {
        c->full = 1;
        return KH_ERR_LIMIT;
    }
    r->quad[c->quad] += st->events;
    r->goldstein += st->goldstein;
    return KH_OK;
}

kh_status serve_series(kh_store *s, const kh_store_query *q, kh_store_period period, sbuf *b,
                       char *why, size_t why_size)
{
    static const char *const names[] = {"all", "day", "week", "month", "year"};
    series_ctx c;
    memset(&c, 0, sizeof c);
    kh_store_query f = *q;
    f.limit = SERVE_SCAN_MAX + 1;
    kh_status st = KH_OK;
    /* One pass per QuadClass: each event has one, so the four add up. */
    for (int quad = 1; quad <= 4 && !st; quad++) {
        if (q->quad && q->quad != quad)
            continue;
        f.quad = c.quad = quad;
        st = kh_store_stats(s, &f, KH_GROUP_CODE, period, series_row, &c);
    }
    if (c.full) {
        free(c.rows);
        snprintf(why, why_size, "more than %d periods or %d rows: narrow the filter or use a "
                 "longer period", SERVE_PERIODS_MAX, SERVE_SCAN_MAX);
        return KH_ERR_LIMIT;
    }
    sbuf_printf(b, "{\"period\":\"%s\",\"series\":[", names[period]);
    for (size_t i = 0; i < c.n && !st; i++) {
        const period_row *r = &c.rows[i];
        size_t n = r->quad[1] + r->quad[2] + r->quad[3] + r->quad[4];
        sbuf_puts(b, i ? ",{\"period\":" : "{\"period\":");
        sbuf_json_str(b, r->period);
        sbuf_printf(b, ",\"events\":%zu,\"goldstein_sum\":", n);
        sbuf_json_num(b, r->goldstein, 2);
        sbuf_puts(b, ",\"goldstein_mean\":");
        sbuf_json_num(b, n ? r->goldstein / (double)n : 0.0, 3);
        sbuf_printf(b, ",\"quad\":[%zu,%zu,%zu,%zu],\"quad_share\":[", r->quad[1], r->quad[2],
                    r->quad[3], r->quad[4]);
        for (int k = 1; k <= 4; k++) {
            if (k > 1)
                sbuf_put(b, ",", 1);
            sbuf_json_num(b, n ? (double)r->quad[k] / (double)n : 0.0, 4);
        }
        sbuf_puts(b, "]}");
    }
    sbuf_printf(b, "],\"undated\":%zu}\n", c.undated);
    free(c.rows);
    return st;
}

/* ---- top actors and codes ---- */

typedef struct top_ctx {
    sbuf *b;
    size_t n;
    int codes;
} top_ctx;

static kh_status top_row(void *ctx, const kh_store_stat *st)
{
    top_ctx *c = (top_ctx *)ctx;
    sbuf *b = c->b;
    sbuf_puts(b, c->n++ ? ",{\"key\":" : "{\"key\":");
    sbuf_json_str(b, st->key);
    if (c->codes) {
        sbuf_puts(b, ",\"name\":");
        sbuf_json_str(b, st->key2);
    }
    sbuf_printf(b, ",\"events\":%zu,\"mentions\":%zu,\"goldstein_sum\":", st->events,
                st->mentions);
    sbuf_json_num(b, st->goldstein, 2);
    sbuf_puts(b, ",\"goldstein_mean\":");
    sbuf_json_num(b, st->events ? st->goldstein / (double)st->events : 0.0, 3);
    sbuf_put(b, "}", 1);
    return KH_OK;
}

kh_status serve_top(kh_store *s, const kh_store_query *q, kh_store_group group, sbuf *b)
{
    top_ctx c = {b, 0, group == KH_GROUP_CODE};
    sbuf_printf(b, "{\"by\":\"%s\",\"rows\":[", c.codes ? "codes" : "actors");
    kh_status st = kh_store_stats(s, q, group, KH_PERIOD_ALL, top_row, &c);
    sbuf_puts(b, "]}\n");
    return st;
}

/* ---- network ---- */

typedef struct edge {
    char *source, *target;
    size_t events, mentions;
    double goldstein;
} edge;

typedef struct edge_list {
    edge *e;
    size_t n, cap, scanned;
    int truncated, nomem;
} edge_list;

static kh_status edge_row(void *ctx, const kh_store_stat *st)
{
    edge_list *l = (edge_list *)ctx;
    if (++l->scanned > SERVE_SCAN_MAX) {
        l->truncated = 1;
        return KH_ERR_LIMIT;
    }
    if (!st->key2 || !*st->key2)
        return KH_OK; /* a source-only event has no edge */
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        edge *g = (edge *)realloc(l->e, cap * sizeof *g);
        if (!g) {
            l->nomem = 1;
            return KH_ERR_NOMEM;
        }
        l->e = g, l->cap = cap;
    }
    edge *e = &l->e[l->n];
    e->source = strdup(st->key);
    e->target = strdup(st->key2);
    if (!e->source || !e->target) {
        free(e->source), free(e->target);
        l->nomem = 1;
        return KH_ERR_NOMEM;
    }
    e->events = st->events, e->mentions = st->mentions, e->goldstein = st->goldstein;
    l->n++;
    return KH_OK;
}

/* The order of edges and places: most events first, then by two names. */
static int events_then_names(size_t ex, size_t ey, const char *x1, const char *y1,
                             const char *x2, const char *y2)
{
    if (ex != ey)
        return ex > ey ? -1 : 1;
    int c = strcmp(x1, y1);
    return c ? c : strcmp(x2, y2);
}

static int edge_cmp(const void *a, const void *b)
{
    const edge *x = (const edge *)a, *y = (const edge *)b;
    return events_then_names(x->events, y->events, x->source, y->source, x->target, y->target);
}

typedef struct node {
    const char *id;
    size_t events;
} node;

static void node_add(node *nodes, size_t *n, const char *id, size_t events)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(nodes[i].id, id)) {
            nodes[i].events += events;
            return;
        }
    nodes[*n].id = id, nodes[*n].events = events;
    (*n)++;
}

kh_status serve_network(kh_store *s, const kh_store_query *q, size_t limit, sbuf *b)
{
    edge_list l;
    memset(&l, 0, sizeof l);
    kh_store_query f = *q;
    f.limit = SERVE_SCAN_MAX + 1;
    kh_status st = kh_store_stats(s, &f, KH_GROUP_DYAD, KH_PERIOD_ALL, edge_row, &l);
    if (st == KH_ERR_LIMIT && l.truncated)
        st = KH_OK;
    size_t n = l.n < limit ? l.n : limit;
    node *nodes = st ? NULL : (node *)calloc(2 * n + 1, sizeof *nodes);
    if (!st && !nodes)
        st = KH_ERR_NOMEM;
    if (!st) {
        qsort(l.e, l.n, sizeof *l.e, edge_cmp);
        size_t nn = 0;
        for (size_t i = 0; i < n; i++) {
            node_add(nodes, &nn, l.e[i].source, l.e[i].events);
            node_add(nodes, &nn, l.e[i].target, l.e[i].events);
        }
        sbuf_puts(b, "{\"nodes\":[");
        for (size_t i = 0; i < nn; i++) {
            sbuf_puts(b, i ? ",{\"id\":" : "{\"id\":");
            sbuf_json_str(b, nodes[i].id);
            sbuf_printf(b, ",\"events\":%zu}", nodes[i].events);
        }
        sbuf_puts(b, "],\"edges\":[");
        for (size_t i = 0; i < n; i++) {
            const edge *e = &l.e[i];
            sbuf_puts(b, i ? ",{\"source\":" : "{\"source\":");
            sbuf_json_str(b, e->source);
            sbuf_puts(b, ",\"target\":");
            sbuf_json_str(b, e->target);
            sbuf_printf(b, ",\"events\":%zu,\"mentions\":%zu,\"goldstein_mean\":", e->events,
                        e->mentions);
            sbuf_json_num(b, e->goldstein / (double)(e->events ? e->events : 1), 3);
            sbuf_put(b, "}", 1);
        }
        sbuf_printf(b, "],\"dyads\":%zu,\"truncated\":%s}\n", l.n,
                    l.truncated || n < l.n ? "true" : "false");
    }
    free(nodes);
    for (size_t i = 0; i < l.n; i++)
        free(l.e[i].source), free(l.e[i].target);
    free(l.e);
    return st;
}

/* ---- places ---- */

typedef struct place_row {
    char *name, *country;
    double lat, lon, goldstein;
    size_t events;
} place_row;

typedef struct place_ctx {
    place_row *rows;
    size_t n, cap;
    size_t *slots, n_slots; /* open addressing: index + 1, 0 = empty */
    size_t scanned, unplaced;
    int truncated;
} place_ctx;

static size_t place_hash(const char *name, const char *country, double lat, double lon)
{
    size_t h = 1469598103934665603u;
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211u;
    for (const char *p = country; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211u;
    return h ^ (size_t)(int64_t)(lat * 1e4) * 31u ^ (size_t)(int64_t)(lon * 1e4);
}

static int place_grow(place_ctx *c)
{
    size_t ns = c->n_slots ? 2 * c->n_slots : 1024;
    size_t *slots = (size_t *)calloc(ns, sizeof *slots);
    place_row *rows = (place_row *)realloc(c->rows, ns / 2 * sizeof *rows);
    if (!slots || !rows) {
        free(slots);
        if (rows)
            c->rows = rows;
        return -1;
    }
    c->rows = rows, c->cap = ns / 2;
    for (size_t i = 0; i < c->n; i++) {
        const place_row *r = &rows[i];
        size_t h = place_hash(r->name, r->country, r->lat, r->lon) & (ns - 1);
        while (slots[h])
            h = (h + 1) & (ns - 1);
        slots[h] = i + 1;
    }
    free(c->slots);
    c->slots = slots, c->n_slots = ns;
    return 0;
}

static kh_status place_event(void *ctx, const kh_store_event *e)
{
    place_ctx *c = (place_ctx *)ctx;
    if (++c->scanned > SERVE_SCAN_MAX) {
        c->truncated = 1;
        return KH_ERR_LIMIT;
    }
    const kh_place *p = e->place;
    if (!p || !p->has_coords || !p->name) {
        c->unplaced++;
        return KH_OK;
    }
    const char *country = p->country ? p->country : "";
    if (c->n == c->cap && place_grow(c))
        return KH_ERR_NOMEM;
    size_t h = place_hash(p->name, country, p->lat, p->lon) & (c->n_slots - 1);
    while (c->slots[h]) {
        place_row *r = &c->rows[c->slots[h] - 1];
        if (r->lat == p->lat && r->lon == p->lon && !strcmp(r->name, p->name) &&
            !strcmp(r->country, country)) {
            r->events++, r->goldstein += e->goldstein;
            return KH_OK;
        }
        h = (h + 1) & (c->n_slots - 1);
    }
    place_row *r = &c->rows[c->n];
    r->name = strdup(p->name), r->country = strdup(country);
    if (!r->name || !r->country) {
        free(r->name), free(r->country);
        return KH_ERR_NOMEM;
    }
    r->lat = p->lat, r->lon = p->lon, r->events = 1, r->goldstein = e->goldstein;
    c->slots[h] = ++c->n;
    return KH_OK;
}

static int place_cmp(const void *a, const void *b)
{
    const place_row *x = (const place_row *)a, *y = (const place_row *)b;
    return events_then_names(x->events, y->events, x->name, y->name, x->country, y->country);
}

kh_status serve_places(kh_store *s, const kh_store_query *q, size_t limit, sbuf *b)
{
    place_ctx c;
    memset(&c, 0, sizeof c);
    kh_store_query f = *q;
    f.limit = SERVE_SCAN_MAX + 1;
    kh_status st = kh_store_query_events(s, &f, 0, place_event, &c);
    if (st == KH_ERR_LIMIT && c.truncated)
        st = KH_OK;
    if (!st) {
        qsort(c.rows, c.n, sizeof *c.rows, place_cmp);
        size_t n = c.n < limit ? c.n : limit;
        sbuf_puts(b, "{\"places\":[");
        for (size_t i = 0; i < n; i++) {
            const place_row *r = &c.rows[i];
            sbuf_puts(b, i ? ",{\"name\":" : "{\"name\":");
            sbuf_json_str(b, r->name);
            sbuf_puts(b, ",\"country\":");
            sbuf_json_str(b, r->country);
            sbuf_puts(b, ",\"lat\":");
            sbuf_json_num(b, r->lat, 4);
            sbuf_puts(b, ",\"lon\":");
            sbuf_json_num(b, r->lon, 4);
            sbuf_printf(b, ",\"events\":%zu,\"goldstein_mean\":", r->events);
            sbuf_json_num(b, r->goldstein / (double)r->events, 3);
            sbuf_put(b, "}", 1);
        }
        sbuf_printf(b, "],\"events\":%zu,\"unplaced\":%zu,\"truncated\":%s}\n",
                    c.scanned - (c.truncated ? 1u : 0u), c.unplaced,
                    c.truncated || n < c.n ? "true" : "false");
    }
    for (size_t i = 0; i < c.n; i++)
        free(c.rows[i].name), free(c.rows[i].country);
    free(c.rows);
    free(c.slots);
    return st;
}
