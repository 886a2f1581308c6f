/*
 * parallel.c: `khaldun code -j N`, and the progress line on standard error.
 *
 * Threads, for N >= 2 (-j 1 stays on cmd_code.c's plain loop):
 *
 *   reader (the main thread)  kh_reader -> copies each story into a batch
 *   N workers                 one kh_coder each (per-thread state), sharing
 *                             the read-only kh_dict and kh_lexicon; code a
 *                             batch and format its JSON Lines into the
 *                             batch's own output buffer
 *   writer                    writes the batches in input order, with the
 *                             coder's warnings for stories not coded
 *
 * Story pointers die when the reader's callback returns, so the reader copies
 * each kh_story, its strings, units and captions into batch-owned buffers
 * (offsets, turned back into pointers by the worker). A fixed pool of
 * batches bounds the memory whatever the input size: the reader waits for
 * a free batch when the workers or the writer fall behind. Output is
 * byte-identical to -j 1 because each story is coded by a fresh call of
 * kh_coder_code (no state crosses stories) and batches are written in
 * sequence. What may differ is the interleaving on standard error of the
 * reader's diagnostics (printed at once) with the coder's warnings
 * (printed by the writer, in order).
 *
 * The reading loop (par_input_run) is cli_input_run's plus a count of bytes
 * for the progress line.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parallel.h"

#define READ_CHUNK (256u << 10)
#define BATCH_STORIES 32          /* stories per batch */
#define BATCH_BYTES (256u << 10)  /* or this much story text, whichever first */
#define BATCH_KEEP (1u << 20)     /* buffers larger than this are freed after use */
#define NO_STR SIZE_MAX

/* ---------------------------------------------------------------------- */
/* Progress                                                               */

void cli_progress_init(cli_progress *p, int enabled, int nfiles, char **files)
{
    memset(p, 0, sizeof *p);
    atomic_init(&p->events, 0);
    p->on = enabled && isatty(2);
    if (!p->on)
        return;
    p->start_ns = p->last_ns = kh_clock_ns();
    uint64_t total = 0;
    for (int i = 0; i < nfiles; i++) {
        struct stat st;
        if (!strcmp(files[i], "-") || stat(files[i], &st) != 0 || !S_ISREG(st.st_mode))
            return; /* size unknown: no time left */
        total += (uint64_t)st.st_size;
    }
    p->total = nfiles > 0 ? total : 0;
}

static void progress_draw(cli_progress *p, uint64_t now)
{
    double secs = (double)(now - p->start_ns) / 1e9;
    double mb = (double)p->bytes / 1e6;
    double rate = secs > 0 ? mb / secs : 0;
    char eta[64] = "";
    if (p->total && rate > 0 && p->bytes <= p->total) {
        double left = ((double)(p->total - p->bytes) / 1e6) / rate;
        unsigned long s = (unsigned long)(left + 0.5);
        snprintf(eta, sizeof eta, ", %3.0f%%, %lu:%02lu:%02lu left",
                 100.0 * (double)p->bytes / (double)p->total, s / 3600, s / 60 % 60, s % 60);
    }
    fprintf(stderr, "\rkhaldun: %zu stories, %.1f MB, %zu events, %.1f MB/s%s\033[K", p->stories,
            mb, (size_t)atomic_load(&p->events), rate, eta);
    fflush(stderr);
    p->drawn = 1;
}

void cli_progress_tick(cli_progress *p)
{
    if (!p || !p->on)
        return;
    uint64_t now = kh_clock_ns();
    if (now - p->last_ns < 250000000u)
        return;
    p->last_ns = now;
    progress_draw(p, now);
}

void cli_progress_done(cli_progress *p)
{
    if (!p || !p->on || !p->drawn)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    p->drawn = 0;
}

/* ---------------------------------------------------------------------- */
/* Reading with a byte count                                              */

static kh_status read_one(cli_input *in, const char *name, FILE *f, kh_story_fn fn, void *ctx,
                          cli_progress *p)
{
    kh_reader *r = NULL;
    kh_status st = kh_reader_new(&in->read, name, &r);
    if (st)
        fatal("%s: %s", name, kh_strerror(st));
    char *buf = malloc(READ_CHUNK);
    if (!buf)
        fatal("out of memory");
    size_t n, stories = 0, rejected = 0;
    while (st == KH_OK && (n = fread(buf, 1, READ_CHUNK, f)) > 0) {
        st = kh_reader_push(r, buf, n, fn, ctx);
        if (p && p->on) {
            p->bytes += n;
            kh_reader_counts(r, &stories, &rejected);
            p->stories = in->stories + stories;
            cli_progress_tick(p);
        }
    }
    if (st == KH_OK && ferror(f)) {
        warn("%s: read error: %s", name, strerror(errno));
        in->rejected++;
    }
    if (st == KH_OK)
        st = kh_reader_finish(r, fn, ctx);
    kh_reader_counts(r, &stories, &rejected);
    in->stories += stories;
    in->rejected += rejected;
    if (p)
        p->stories = in->stories;
    kh_reader_free(r);
    free(buf);
    return st;
}

kh_status par_input_run(cli_input *in, int nfiles, char **files, kh_story_fn fn, void *ctx,
                        cli_progress *p)
{
    if (nfiles == 0)
        return read_one(in, "-", stdin, fn, ctx, p);
    for (int i = 0; i < nfiles; i++) {
        kh_status st;
        if (!strcmp(files[i], "-")) {
            st = read_one(in, "-", stdin, fn, ctx, p);
        } else {
            FILE *f = fopen(files[i], "rb");
            if (!f) {
                warn("%s: %s", files[i], strerror(errno));
                in->rejected++;
                continue;
            }
            st = read_one(in, files[i], f, fn, ctx, p);
            fclose(f);
        }
        if (st)
            return st;
    }
    return KH_OK;
}

int par_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > 256 ? 256 : (int)n;
}

/* ---------------------------------------------------------------------- */
/* Batches                                                                */

/* One story of a batch: the story's scalar fields, its strings as offsets
 * into the batch's data, and what coding it gave. */
typedef struct par_rec {
    kh_story story; /* pointer fields unused (NULL) */
    size_t id, source, title, url, publisher, dateline, text;
    size_t unit0, cap0;
    size_t out_off, out_len;
    size_t events;
    kh_status status;
} par_rec;

typedef struct par_batch {
    uint64_t seq;
    par_rec *recs;
    size_t n, recs_cap;
    char *data;
    size_t data_len, data_cap;
    kh_unit *units;
    size_t n_units, units_cap;
    kh_span *caps;
    size_t n_caps, caps_cap;
    char *out;
    size_t out_len, out_cap;
    uint64_t format_ns;
} par_batch;

/* Grows *p (elements of `size`) to hold `need`; fatal when out of memory. */
static void grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 4 / size)
            fatal("out of memory");
        ncap *= 2;
    }
    void *q = realloc(*p, ncap * size);
    if (!q)
        fatal("out of memory");
    *p = q;
    *cap = ncap;
}

static size_t put_bytes(par_batch *b, const char *s, size_t len)
{
    if (len > SIZE_MAX - b->data_len - 1)
        fatal("out of memory");
    grow((void **)&b->data, &b->data_cap, b->data_len + len + 1, 1);
    size_t off = b->data_len;
    if (len)
        memcpy(b->data + off, s, len);
    b->data[off + len] = '\0';
    b->data_len += len + 1;
    return off;
}

static size_t put_str(par_batch *b, const char *s)
{
    return s ? put_bytes(b, s, strlen(s)) : NO_STR;
}

static void batch_add(par_batch *b, const kh_story *s)
{
    grow((void **)&b->recs, &b->recs_cap, b->n + 1, sizeof *b->recs);
    par_rec *r = &b->recs[b->n++];
    memset(r, 0, sizeof *r);
    r->story = *s;
    r->story.id = r->story.source = r->story.title = r->story.url = NULL;
    r->story.publisher = r->story.dateline = r->story.text = NULL;
    r->story.units = NULL;
    r->story.captions = NULL;
    r->id = put_str(b, s->id);
    r->source = put_str(b, s->source);
    r->title = put_str(b, s->title);
    r->url = put_str(b, s->url);
    r->publisher = put_str(b, s->publisher);
    r->dateline = put_str(b, s->dateline);
    r->text = s->text ? put_bytes(b, s->text, s->text_len) : NO_STR;
    r->unit0 = b->n_units;
    if (s->n_units) {
        grow((void **)&b->units, &b->units_cap, b->n_units + s->n_units, sizeof *b->units);
        memcpy(b->units + b->n_units, s->units, s->n_units * sizeof *s->units);
        b->n_units += s->n_units;
    }
    r->cap0 = b->n_caps;
    if (s->n_captions) {
        grow((void **)&b->caps, &b->caps_cap, b->n_caps + s->n_captions, sizeof *b->caps);
        memcpy(b->caps + b->n_caps, s->captions, s->n_captions * sizeof *s->captions);
        b->n_caps += s->n_captions;
    }
}

static const char *str_at(const par_batch *b, size_t off)
{
    return off == NO_STR ? NULL : b->data + off;
}

/* The story of record i, its pointers into the batch. */
static void batch_story(const par_batch *b, size_t i, kh_story *s)
{
    const par_rec *r = &b->recs[i];
    *s = r->story;
    s->id = str_at(b, r->id);
    s->source = str_at(b, r->source);
    s->title = str_at(b, r->title);
    s->url = str_at(b, r->url);
    s->publisher = str_at(b, r->publisher);
    s->dateline = str_at(b, r->dateline);
    s->text = str_at(b, r->text);
    s->units = s->n_units ? b->units + r->unit0 : NULL;
    s->captions = s->n_captions ? b->caps + r->cap0 : NULL;
}

static void batch_clear(par_batch *b)
{
    b->n = b->data_len = b->n_units = b->n_caps = b->out_len = 0;
    b->format_ns = 0;
    /* One huge story must not pin its memory for the rest of the run. */
    if (b->data_cap > BATCH_KEEP) {
        free(b->data);
        b->data = NULL;
        b->data_cap = 0;
    }
    if (b->out_cap > BATCH_KEEP) {
        free(b->out);
        b->out = NULL;
        b->out_cap = 0;
    }
}

static void batch_free(par_batch *b)
{
    free(b->recs);
    free(b->data);
    free(b->units);
    free(b->caps);
    free(b->out);
}

static kh_status batch_write(void *ctx, const char *data, size_t len)
{
    par_batch *b = (par_batch *)ctx;
    if (len > SIZE_MAX - b->out_len)
        return KH_ERR_NOMEM;
    grow((void **)&b->out, &b->out_cap, b->out_len + len, 1);
    memcpy(b->out + b->out_len, data, len);
    b->out_len += len;
    return KH_OK;
}

/* ---------------------------------------------------------------------- */
/* The pipeline                                                           */

typedef struct par_run par_run;

typedef struct par_worker {
    par_run *run;
    kh_coder *coder;
    pthread_t thread;
} par_worker;

struct par_run {
    const par_options *opt;
    pthread_mutex_t mu;
    pthread_cond_t cv_free, cv_work, cv_done;
    par_batch *batches;
    size_t pool;
    par_batch **free_stack;
    size_t n_free;
    par_batch **work; /* ring of pool entries */
    uint64_t work_head, work_tail;
    par_batch **slot; /* coded batches, by seq % pool */
    uint64_t next_seq, next_write;
    int eof;
    par_batch *cur;   /* the batch the reader fills */
    par_worker *workers;
    pthread_t writer;
    size_t events;    /* writer only */
    uint64_t write_ns;
};

static void lock(par_run *r)
{
    if (pthread_mutex_lock(&r->mu) != 0)
        fatal("pthread_mutex_lock failed");
}

static void unlock(par_run *r)
{
    pthread_mutex_unlock(&r->mu);
}

static void wait_on(pthread_cond_t *cv, par_run *r)
{
    if (pthread_cond_wait(cv, &r->mu) != 0)
        fatal("pthread_cond_wait failed");
}

static void code_batch(par_worker *w, par_batch *b)
{
    const par_options *opt = w->run->opt;
    for (size_t i = 0; i < b->n; i++) {
        par_rec *r = &b->recs[i];
        kh_story s;
        batch_story(b, i, &s);
        const kh_event *ev;
        size_t n;
        r->out_off = b->out_len;
        r->status = kh_coder_code(w->coder, &s, &ev, &n);
        if (r->status == KH_OK) {
            r->events = n;
            uint64_t t0 = opt->stats ? kh_clock_ns() : 0;
            r->status = kh_events_write_json(&s, ev, n, opt->dict_hash, batch_write, b);
            if (opt->stats)
                b->format_ns += kh_clock_ns() - t0;
        }
        r->out_len = b->out_len - r->out_off;
    }
}

static void *worker_main(void *arg)
{
    par_worker *w = (par_worker *)arg;
    par_run *r = w->run;
    for (;;) {
        lock(r);
        while (r->work_head == r->work_tail && !r->eof)
            wait_on(&r->cv_work, r);
        if (r->work_head == r->work_tail) {
            unlock(r);
            break;
        }
        par_batch *b = r->work[r->work_head++ % r->pool];
        unlock(r);
        code_batch(w, b);
        lock(r);
        r->slot[b->seq % r->pool] = b;
        if (b->seq == r->next_write)
            pthread_cond_signal(&r->cv_done);
        unlock(r);
    }
    return NULL;
}

/* Writes a coded batch: output in order, warnings for stories not coded,
 * and the end of the program (in order, as -j 1 would) on a fatal error. */
static void emit(par_run *r, par_batch *b)
{
    uint64_t t0 = r->opt->stats ? kh_clock_ns() : 0;
    size_t from = 0; /* output not yet written starts here */
    size_t events = 0;
    for (size_t i = 0; i < b->n; i++) {
        par_rec *rec = &b->recs[i];
        if (rec->status == KH_OK) {
            events += rec->events;
            continue;
        }
        cli_write(b->out + from, rec->out_off - from);
        from = rec->out_off + rec->out_len;
        const char *source = str_at(b, rec->source);
        if (rec->status == KH_ERR_LIMIT || rec->status == KH_ERR_FORMAT)
            warn("%s:%zu: story not coded: %s", source ? source : "-", rec->story.line,
                 kh_strerror(rec->status));
        else {
            fflush(stdout);
            fatal("%s:%zu: %s", source ? source : "-", rec->story.line, kh_strerror(rec->status));
        }
    }
    cli_write(b->out + from, b->out_len - from);
    r->events += events;
    if (r->opt->progress)
        atomic_fetch_add(&r->opt->progress->events, events);
    if (r->opt->stats)
        r->write_ns += kh_clock_ns() - t0 + b->format_ns;
}

static void *writer_main(void *arg)
{
    par_run *r = (par_run *)arg;
    for (;;) {
        lock(r);
        par_batch *b;
        while (!(b = r->slot[r->next_write % r->pool]) || b->seq != r->next_write) {
            if (r->eof && r->next_write == r->next_seq) {
                unlock(r);
                return NULL;
            }
            wait_on(&r->cv_done, r);
        }
        r->slot[r->next_write % r->pool] = NULL;
        unlock(r);
        emit(r, b);
        batch_clear(b);
        lock(r);
        r->next_write++;
        r->free_stack[r->n_free++] = b;
        pthread_cond_signal(&r->cv_free);
        unlock(r);
    }
}

static void submit(par_run *r)
{
    par_batch *b = r->cur;
    r->cur = NULL;
    if (!b)
        return;
    lock(r);
    b->seq = r->next_seq++;
    r->work[r->work_tail++ % r->pool] = b;
    pthread_cond_signal(&r->cv_work);
    unlock(r);
}

static kh_status on_story(void *ctx, const kh_story *story)
{
    par_run *r = (par_run *)ctx;
    if (!r->cur) {
        lock(r);
        while (r->n_free == 0)
            wait_on(&r->cv_free, r);
        r->cur = r->free_stack[--r->n_free];
        unlock(r);
    }
    batch_add(r->cur, story);
    if (r->cur->n >= BATCH_STORIES || r->cur->data_len >= BATCH_BYTES)
        submit(r);
    return KH_OK;
}

kh_status par_code_run(cli_input *in, int nfiles, char **files, const par_options *opt,
                       par_result *out)
{
    memset(out, 0, sizeof *out);
    par_run r;
    memset(&r, 0, sizeof r);
    r.opt = opt;
    size_t nw = opt->threads > 1 ? (size_t)opt->threads : 2;
    r.pool = 4 * nw + 2;
    r.batches = calloc(r.pool, sizeof *r.batches);
    r.free_stack = calloc(r.pool, sizeof *r.free_stack);
    r.work = calloc(r.pool, sizeof *r.work);
    r.slot = calloc(r.pool, sizeof *r.slot);
    r.workers = calloc(nw, sizeof *r.workers);
    if (!r.batches || !r.free_stack || !r.work || !r.slot || !r.workers)
        fatal("out of memory");
    for (size_t i = 0; i < r.pool; i++)
        r.free_stack[r.n_free++] = &r.batches[i];
    if (pthread_mutex_init(&r.mu, NULL) || pthread_cond_init(&r.cv_free, NULL) ||
        pthread_cond_init(&r.cv_work, NULL) || pthread_cond_init(&r.cv_done, NULL))
        fatal("cannot initialise threads");
    for (size_t i = 0; i < nw; i++) {
        r.workers[i].run = &r;
        kh_status st = kh_coder_new(opt->code, &r.workers[i].coder);
        if (st)
            fatal("%s", kh_strerror(st));
    }
    for (size_t i = 0; i < nw; i++)
        if (pthread_create(&r.workers[i].thread, NULL, worker_main, &r.workers[i]) != 0)
            fatal("cannot start a thread: %s", strerror(errno));
    if (pthread_create(&r.writer, NULL, writer_main, &r) != 0)
        fatal("cannot start a thread: %s", strerror(errno));

    kh_status st = par_input_run(in, nfiles, files, on_story, &r, opt->progress);

    submit(&r);
    lock(&r);
    r.eof = 1;
    pthread_cond_broadcast(&r.cv_work);
    pthread_cond_broadcast(&r.cv_done);
    unlock(&r);
    for (size_t i = 0; i < nw; i++)
        pthread_join(r.workers[i].thread, NULL);
    /* The workers are done: wake the writer for the last batches. */
    lock(&r);
    pthread_cond_broadcast(&r.cv_done);
    unlock(&r);
    pthread_join(r.writer, NULL);

    out->events = r.events;
    out->output_ns = r.write_ns;
    for (size_t i = 0; i < nw; i++) {
        kh_coder_stats s;
        kh_coder_stats_get(r.workers[i].coder, &s);
        kh_coder_stats_add(&out->stats, &s);
        kh_coder_free(r.workers[i].coder);
    }
    for (size_t i = 0; i < r.pool; i++)
        batch_free(&r.batches[i]);
    pthread_mutex_destroy(&r.mu);
    pthread_cond_destroy(&r.cv_free);
    pthread_cond_destroy(&r.cv_work);
    pthread_cond_destroy(&r.cv_done);
    free(r.batches);
    free(r.free_stack);
    free(r.work);
    free(r.slot);
    free(r.workers);
    return st;
}
