/*
 * cmd_serve.c: `khaldun serve --db FILE`, the local web explorer over the
 * event store (docs/serve.md). An HTTP server on libmicrohttpd that answers
 * the JSON API (serve_api.c) and serves the pages from the data folder
 * (web/, copied there with their JavaScript libraries by `make web`). It
 * binds to the loopback address unless told otherwise, refuses requests whose
 * Host is not the address it serves (DNS rebinding), opens the store
 * read-only (it sees what an ingest commits while it runs), logs one line per
 * request on standard error, and stops cleanly on Ctrl-C or SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "serve.h"

static const char serve_usage[] =
    "khaldun serve --db FILE [--port N] [--bind ADDRESS] [--web DIR] [--threads N] [--quiet]";

/* ---------------------------------------------------------------------- */
/* The store pool                                                         */
/* ---------------------------------------------------------------------- */

kh_store *serve_pool_get(serve_pool *p, char *msg, size_t msg_size)
{
    kh_store *s = NULL;
    pthread_mutex_lock(&p->lock);
    if (p->n_free)
        s = p->free[--p->n_free];
    pthread_mutex_unlock(&p->lock);
    if (s)
        return s;
    kh_error err;
    memset(&err, 0, sizeof err);
    kh_status st = kh_store_open(p->path, KH_STORE_READONLY, &s, &err);
    if (st) {
        snprintf(msg, msg_size, "opening the store: %s",
                 err.message[0] ? err.message : kh_strerror(st));
        return NULL;
    }
    return s;
}

void serve_pool_put(serve_pool *p, kh_store *s)
{
    pthread_mutex_lock(&p->lock);
    if (p->n_free < SERVE_STORES_MAX) {
        p->free[p->n_free++] = s;
        s = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    kh_store_close(s);
}

/* ---------------------------------------------------------------------- */
/* Requests                                                               */
/* ---------------------------------------------------------------------- */

typedef struct server {
    serve_pool pool;
    char web[4096];     /* the pages' folder; "" when none was found */
    char host[80];      /* the address served, as a Host header names it */
    int loopback;       /* bound to a loopback address: check Host */
    int quiet;
} server;

/* The request's parameters, in order. */
typedef struct params {
    serve_param p[SERVE_MAX_PARAMS + 1];
    size_t n;
} params;

static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    params *ps = (params *)cls;
    if (ps->n > SERVE_MAX_PARAMS)
        return MHD_NO;
    ps->p[ps->n].key = key;
    ps->p[ps->n].value = value;
    ps->n++;
    return MHD_YES;
}

/* Appends s to the log line, bytes below 0x20 and 0x7f as '?', cut at the
 * line's size. */
static void log_put(char *line, size_t size, size_t *len, const char *s)
{
    for (; s && *s && *len + 1 < size; s++)
        line[(*len)++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
    line[*len] = '\0';
}

static void log_request(const server *sv, struct MHD_Connection *c, const char *method,
                        const char *url, const params *ps, unsigned status, size_t bytes,
                        const struct timespec *t0)
{
    if (sv->quiet)
        return;
    char line[1024], addr[64] = "-";
    size_t len = 0;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr,
                      sizeof addr);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                      addr, sizeof addr);
    }
    line[0] = '\0';
    log_put(line, 600, &len, url);
    for (size_t i = 0; ps && i < ps->n; i++) {
        log_put(line, 600, &len, i ? "&" : "?");
        log_put(line, 600, &len, ps->p[i].key);
        log_put(line, 600, &len, "=");
        log_put(line, 600, &len, ps->p[i].value);
    }
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
    fprintf(stderr, "serve: %s %s %s %u %zu %.1fms\n", addr, method, line, status, bytes, ms);
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, struct MHD_Response *r,
                            const char *type, int api)
{
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    /* The pages load nothing from anywhere but this server, and run no
     * inline script: a story's text can never become code. */
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self' "
                            "'unsafe-inline'; script-src 'self'; connect-src 'self'; "
                            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
    MHD_add_response_header(r, "Cache-Control", api ? "no-store" : "no-cache");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* A small JSON error (API) answer. */
static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg,
                                  size_t *bytes)
{
    sbuf b;
    sbuf_init(&b, 4096);
    sbuf_puts(&b, "{\"error\":");
    sbuf_json_str(&b, msg);
    sbuf_puts(&b, "}\n");
    *bytes = b.len;
    struct MHD_Response *r =
        MHD_create_response_from_buffer_with_free_callback(b.len, b.data, free);
    if (!r) {
        sbuf_free(&b);
        return MHD_NO;
    }
    return respond(c, status, r, "application/json", 1);
}

static const char *content_type(const char *path)
{
    static const char *const types[][2] = {
        {".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".json", "application/json"},
        {".png", "image/png"}, {".svg", "image/svg+xml"}, {".txt", "text/plain; charset=utf-8"},
        {".ico", "image/x-icon"}};
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(dot, types[i][0]))
            return types[i][1];
    return NULL;
}

/* A page or library file under the web folder: letters, digits, '.', '-',
 * '_' and '/' only, no segment starting with '.', a known type. */
static enum MHD_Result send_file(const server *sv, struct MHD_Connection *c, const char *url,
                                 unsigned *status, size_t *bytes)
{
    const char *rel = strcmp(url, "/") ? url + 1 : "index.html";
    size_t n = strlen(rel);
    int ok = n > 0 && n < 200;
    for (size_t i = 0; ok && i < n; i++) {
        char ch = rel[i];
        ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
             ch == '-' || ch == '_' || ch == '/' || (ch == '.' && i > 0 && rel[i - 1] != '/');
    }
    const char *type = ok ? content_type(rel) : NULL;
    if (!sv->web[0]) {
        *status = 404;
        return send_error(c, 404, "the pages are not installed: run tools/setup.sh (or npm ci "
                                  "&& make web), or give --web DIR", bytes);
    }
    char path[4400];
    int fd = -1;
    struct stat st;
    if (type && snprintf(path, sizeof path, "%s/%s", sv->web, rel) < (int)sizeof path)
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0 && (fstat(fd, &st) || !S_ISREG(st.st_mode))) {
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        *status = 404;
        return send_error(c, 404, "no such page", bytes);
    }
    struct MHD_Response *r = MHD_create_response_from_fd((size_t)st.st_size, fd);
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    *status = 200;
    *bytes = (size_t)st.st_size;
    return respond(c, 200, r, type, 0);
}

static enum MHD_Result send_api(server *sv, struct MHD_Connection *c, const char *url,
                                const params *ps, unsigned *status, size_t *bytes)
{
    serve_reply rep;
    serve_api(&sv->pool, url, ps->p, ps->n, &rep);
    *status = rep.status;
    *bytes = rep.body.len;
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(
        rep.body.len, rep.body.data ? rep.body.data : (void *)"", rep.body.data ? free : NULL);
    if (!r) {
        sbuf_free(&rep.body);
        return MHD_NO;
    }
    if (rep.filename) {
        char disp[128];
        snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", rep.filename);
        MHD_add_response_header(r, "Content-Disposition", disp);
    }
    return respond(c, rep.status, r, rep.content_type, 1);
}

/* Host must name the address served (with any port) when it is loopback,
 * so a page from elsewhere cannot reach the store through a DNS name that
 * resolves to 127.0.0.1. */
static int host_ok(const server *sv, struct MHD_Connection *c)
{
    if (!sv->loopback)
        return 1;
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    if (!h)
        return 0;
    static const char *const names[] = {"localhost", "127.0.0.1", "[::1]"};
    for (size_t i = 0; i < 4; i++) {
        const char *name = i < 3 ? names[i] : sv->host;
        size_t n = strlen(name);
        if (n && !strncmp(h, name, n) && (h[n] == '\0' || h[n] == ':'))
            return 1;
    }
    return 0;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    (void)version;
    (void)upload;
    server *sv = (server *)cls;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    params *ps = (params *)calloc(1, sizeof *ps);
    if (!ps)
        return MHD_NO;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_param, ps);
    unsigned status = 0;
    size_t bytes = 0;
    enum MHD_Result ret;
    *state = NULL;
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        status = 405;
        ret = send_error(c, 405, "only GET and HEAD: the server never changes the store", &bytes);
    } else if (*upload_size) {
        status = 400;
        ret = send_error(c, 400, "a GET request carries no body", &bytes);
    } else if (!host_ok(sv, c)) {
        status = 403;
        ret = send_error(c, 403, "the Host header must name the address served", &bytes);
    } else if (ps->n > SERVE_MAX_PARAMS) {
        status = 400;
        ret = send_error(c, 400, "too many parameters", &bytes);
    } else if (!strncmp(url, "/api/", 5)) {
        ret = send_api(sv, c, url, ps, &status, &bytes);
    } else {
        ret = send_file(sv, c, url, &status, &bytes);
    }
    log_request(sv, c, method, url, ps, status, bytes, &t0);
    free(ps);
    return ret;
}

/* Answers go out as soon as they are written: without TCP_NODELAY a
 * keep-alive client waits for the delayed ACK (40 ms) between the
 * header and the body of every answer. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    (void)cls;
    (void)socket_context;
    if (toe != MHD_CONNECTION_NOTIFY_STARTED)
        return;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    int one = 1;
    if (ci)
        (void)setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    fprintf(stderr, "khaldun: serve: %s\n", msg);
}

/* ---------------------------------------------------------------------- */
/* The command                                                            */
/* ---------------------------------------------------------------------- */

/* The pages' folder: --web, else the data folders (cli_data_path). */
static void find_web(server *sv, const char *opt)
{
    char probe[4200];
    if (opt) {
        snprintf(probe, sizeof probe, "%s/index.html", opt);
        if (access(probe, R_OK))
            fatal("--web %s: no index.html there", opt);
        snprintf(sv->web, sizeof sv->web, "%s", opt);
        return;
    }
    const char *p = cli_data_path("web/index.html");
    if (!p) {
        warn("serve: the pages are not installed (run tools/setup.sh, or npm ci && make web); "
             "serving the API only");
        return;
    }
    snprintf(sv->web, sizeof sv->web, "%s", p);
    char *slash = strrchr(sv->web, '/');
    if (slash)
        *slash = '\0';
}

/* The listening address; fatal when it is not an IPv4 or IPv6 address. */
typedef struct listen_addr {
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
    int is_v6;
} listen_addr;

static void parse_bind(server *sv, listen_addr *a, const char *bind, unsigned port)
{
    memset(a, 0, sizeof *a);
    if (inet_pton(AF_INET, bind, &a->v4.sin_addr) == 1) {
        a->v4.sin_family = AF_INET;
        a->v4.sin_port = htons((uint16_t)port);
        sv->loopback = (ntohl(a->v4.sin_addr.s_addr) >> 24) == 127;
        snprintf(sv->host, sizeof sv->host, "%s", bind);
    } else if (inet_pton(AF_INET6, bind, &a->v6.sin6_addr) == 1) {
        a->is_v6 = 1;
        a->v6.sin6_family = AF_INET6;
        a->v6.sin6_port = htons((uint16_t)port);
        sv->loopback = IN6_IS_ADDR_LOOPBACK(&a->v6.sin6_addr);
        snprintf(sv->host, sizeof sv->host, "[%s]", bind);
    } else {
        usage_error(serve_usage, "--bind wants an IPv4 or IPv6 address, not '%s'", bind);
    }
}

static unsigned number_arg(const char *v, const char *opt, unsigned lo, unsigned hi)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (errno || *end || end == v || *v == '-' || n < lo || n > hi)
        usage_error(serve_usage, "%s wants a number from %u to %u, not '%s'", opt, lo, hi, v);
    return (unsigned)n;
}

static void print_help(void)
{
    printf("usage: %s\n\n"
           "Serves a local web explorer over an event store: timeline, network, map and\n"
           "table pages, and a JSON API (docs/serve.md). The store is opened read-only and\n"
           "the server sees events an ingest adds while it runs. One log line per request\n"
           "goes to standard error; Ctrl-C stops it.\n\n"
           "options:\n"
           "  --db FILE         the event store (required)\n"
           "  --port N          the TCP port (default 8080; 0 picks a free one)\n"
           "  --bind ADDRESS    the address to listen on (default 127.0.0.1, loopback only)\n"
           "  --web DIR         the pages' folder (default: web/ in the data folder)\n"
           "  --threads N       worker threads (default 4)\n"
           "  --quiet           no log line per request\n",
           serve_usage);
}

int cmd_serve(int argc, char **argv)
{
    static server sv;
    const char *db = NULL, *bind = "127.0.0.1", *web = NULL;
    unsigned port = 8080, threads = 4;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            print_help();
            return EXIT_OK;
        }
        if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            sv.quiet = 1;
            continue;
        }
        if (strcmp(a, "--db") && strcmp(a, "--port") && strcmp(a, "--bind") &&
            strcmp(a, "--web") && strcmp(a, "--threads"))
            usage_error(serve_usage, "unknown argument '%s'", a);
        if (++i >= argc)
            usage_error(serve_usage, "%s needs a value", a);
        if (!strcmp(a, "--db")) db = argv[i];
        else if (!strcmp(a, "--port")) port = number_arg(argv[i], a, 0, 65535);
        else if (!strcmp(a, "--bind")) bind = argv[i];
        else if (!strcmp(a, "--web")) web = argv[i];
        else threads = number_arg(argv[i], a, 1, 64);
    }
    if (!db)
        usage_error(serve_usage, "--db FILE is required");
    listen_addr la;
    parse_bind(&sv, &la, bind, port);
    sv.pool.path = db;
    pthread_mutex_init(&sv.pool.lock, NULL);
    char msg[300];
    kh_store *first = serve_pool_get(&sv.pool, msg, sizeof msg);
    if (!first)
        fatal("%s: %s", db, msg);
    serve_pool_put(&sv.pool, first);
    find_web(&sv, web);

    /* Ctrl-C and SIGTERM are taken by sigwait below, in this thread only:
     * the daemon's threads inherit the blocked mask. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Answers are built in buffers of tens of KiB, freed as they are sent.
     * By default glibc hands the freed top of a thread's heap back to the
     * kernel (madvise) after nearly every request, and every page of the
     * next answer then faults in again, with a TLB flush on every core:
     * that cost as much as the query. Keep up to 64 MiB for reuse. */
#ifdef M_TRIM_THRESHOLD
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_MMAP_THRESHOLD, 8 << 20);
#endif
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     (la.is_v6 ? MHD_USE_IPv6 : 0);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, handle, &sv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
        NULL, MHD_OPTION_SOCK_ADDR,
        la.is_v6 ? (struct sockaddr *)&la.v6 : (struct sockaddr *)&la.v4,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT, 512u,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
        MHD_OPTION_END);
    if (!d)
        fatal("serve: cannot listen on %s port %u (in use, or not an address of this machine)",
              bind, port);
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned bound = di ? di->port : port;
    fprintf(stderr, "khaldun: serving %s on http://%s:%u/ (Ctrl-C stops)\n", db, sv.host, bound);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "khaldun: serve: %s, stopping\n", sig == SIGINT ? "interrupted" : "terminated");
    MHD_stop_daemon(d);
    while (sv.pool.n_free)
        kh_store_close(sv.pool.free[--sv.pool.n_free]);
    pthread_mutex_destroy(&sv.pool.lock);
    fprintf(stderr, "khaldun: serve: stopped\n");
    return EXIT_OK;
}
