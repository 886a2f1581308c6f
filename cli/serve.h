/*
 * serve.h: what the files of `khaldun serve` share: cmd_serve.c (options,
 * the HTTP daemon on libmicrohttpd, static pages, logging, stopping) and
 * serve_api.c (the JSON API over the event store: parameters, queries,
 * answers). A client of the public API only; docs/serve.md documents the API.
 */
#ifndef KH_SERVE_H
#define KH_SERVE_H

#include <pthread.h>
#include <stddef.h>

#include "cli.h"

/* Caps: the most bytes of one answer, of the parameters of one request, of
 * the rows an endpoint may return or scan (documented in docs/serve.md). */
#define SERVE_MAX_BODY (64u << 20)
#define SERVE_MAX_PARAMS 24
#define SERVE_PAGE_DEFAULT 100
#define SERVE_PAGE_MAX 1000
#define SERVE_OFFSET_MAX 100000
#define SERVE_EXPORT_DEFAULT 10000
#define SERVE_EXPORT_MAX 100000
#define SERVE_SCAN_MAX 200000
#define SERVE_PERIODS_MAX 20000
#define SERVE_STORES_MAX 64

/* A growable byte buffer with a cap; a failed append sets `failed` and
 * keeps what was there. Free with sbuf_free. */
typedef struct sbuf {
    char *data;
    size_t len, cap, max;
    int failed;
} sbuf;

void sbuf_init(sbuf *b, size_t max);
void sbuf_free(sbuf *b);
void sbuf_put(sbuf *b, const char *s, size_t n);
void sbuf_puts(sbuf *b, const char *s);
void sbuf_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string, quoted and escaped; NULL gives null. */
void sbuf_json_str(sbuf *b, const char *s);
/* A number with up to `decimals` decimals, without a trailing ".0..". */
void sbuf_json_num(sbuf *b, double v, int decimals);

/* Read-only store connections, one per request at a time (a kh_store is for
 * one thread), opened on demand and kept for the next request. */
typedef struct serve_pool {
    const char *path;
    pthread_mutex_t lock;
    kh_store *free[SERVE_STORES_MAX];
    size_t n_free;
} serve_pool;

/* A store from the pool, or NULL with the message in msg (msg_size bytes). */
kh_store *serve_pool_get(serve_pool *p, char *msg, size_t msg_size);
/* Hands the store back (closes it when the pool is full). */
void serve_pool_put(serve_pool *p, kh_store *s);

/* One API request's answer. */
typedef struct serve_reply {
    unsigned status;           /* HTTP status */
    const char *content_type;  /* static */
    const char *filename;      /* for Content-Disposition: attachment, or NULL */
    sbuf body;
} serve_reply;

/* A parameter of the request's query string (decoded). */
typedef struct serve_param {
    const char *key, *value;
} serve_param;

/*
 * Answers the API request `path` ("/api/...") with its parameters. Sets
 * reply->status (200, or 4xx/5xx with {"error": "..."}), the content type
 * and the body. Reads the store only.
 */
void serve_api(serve_pool *pool, const char *path, const serve_param *params, size_t n_params,
               serve_reply *reply);

/* The aggregations (serve_stats.c); each writes one JSON object to b. A
 * series that would pass the caps fails with KH_ERR_LIMIT and says why. */
kh_status serve_series(kh_store *s, const kh_store_query *q, kh_store_period period, sbuf *b,
                       char *why, size_t why_size);
kh_status serve_top(kh_store *s, const kh_store_query *q, kh_store_group group, sbuf *b);
kh_status serve_network(kh_store *s, const kh_store_query *q, size_t limit, sbuf *b);
kh_status serve_places(kh_store *s, const kh_store_query *q, size_t limit, sbuf *b);

#endif
