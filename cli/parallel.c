/*
 * parallel.c: the driver loop of `khaldun code`, the one place where stories
 * are read, coded and handed to the sinks (JSON Lines, GDELT, the store;
 * see kh_sink in khaldun.h), whatever -j, --format and --db say.
 *
 * Every story goes through the same two steps: code it (kh_coder_code), then
 * deliver it (deliver(): warn when it could not be coded, else give it and
 * its events to each sink, in input order). The reading loop is
 * cli_input_run's. Only the schedule depends on -j:
 *
 *   -j 1   the reading thread codes each story as it is read and delivers it.
 *   -j N   reader (the main thread)  copies each story into a batch
 *          N workers                 one kh_coder each, sharing the read-only
 *                                    kh_dict and kh_lexicon; code a batch and
 *                                    copy each story's events into it
 *          writer                    delivers the batches in input order
 *
 * Story and event pointers die with the reader's callback and the next
 * kh_coder_code, so the batch keeps copies: strings as offsets into its own
 * buffers, turned back into pointers once the batch stops growing. A fixed
 * pool of batches bounds the memory whatever the input size: the reader
 * waits for a free batch when the workers or the writer fall behind. The
 * sinks see the same calls in the same order for any N, so the output is
 * byte-identical; only the interleaving on standard error of the reader's
 * diagnostics with the writer's warnings may differ. The skip hook (stories
 * already stored) runs in the reader, under the lock that also covers the
 * writer's sink calls, since both may use one store connection.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parallel.h"

#define BATCH_STORIES 32          /* stories per batch */
#define BATCH_BYTES (256u << 10)  /* or this much story text, whichever first */
#define BATCH_KEEP (1u << 20)     /* buffers larger than this are freed after use */
#define NO_STR SIZE_MAX

int par_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > 256 ? 256 : (int)n;
}

/* ---------------------------------------------------------------------- */
/* Delivering a coded story                                               */

typedef struct par_state par_state;

struct par_state {
    const par_options *opt;
    size_t events;
    uint64_t output_ns;
    kh_coder *coder;  /* -j 1 */
    /* -j N */
    pthread_mutex_t mu, sink_mu;
    pthread_cond_t cv_free, cv_work, cv_done;
    struct par_batch *batches;
    size_t pool;
    struct par_batch **free_stack;
    size_t n_free;
    struct par_batch **work; /* ring of pool entries */
    uint64_t work_head, work_tail;
    struct par_batch **slot; /* coded batches, by seq % pool */
    uint64_t next_seq, next_write;
    int eof;
    struct par_batch *cur;   /* the batch the reader fills */
    struct par_worker *workers;
    size_t n_workers;
    pthread_t writer;
};

/* The second step of every story: a warning when it was not coded, else
 * the story and its events to each sink. */
static void deliver(par_state *r, const kh_story *s, kh_status st, const kh_event *ev, size_t n)
{
    const par_options *opt = r->opt;
    const char *source = s->source ? s->source : "-";
    if (st == KH_ERR_LIMIT || st == KH_ERR_FORMAT) {
        warn("%s:%zu: story not coded: %s", source, s->line, kh_strerror(st));
        return;
    }
    if (st) {
        fflush(stdout);
        fatal("%s:%zu: %s", source, s->line, kh_strerror(st));
    }
    uint64_t t0 = opt->stats ? kh_clock_ns() : 0;
    for (size_t k = 0; k < opt->n_sinks; k++) {
        st = kh_sink_story(opt->sinks[k], s);
        for (size_t i = 0; !st && i < n; i++)
            st = kh_sink_event(opt->sinks[k], &ev[i]);
        if (st)
            opt->sink_failed(opt->fail_ctx, k, st);
    }
    if (opt->stats)
        r->output_ns += kh_clock_ns() - t0;
    r->events += n;
    if (opt->progress)
        atomic_fetch_add(&opt->progress->events, n);
}

/* -j 1: code and deliver as the story is read. */
static kh_status on_story_inline(void *ctx, const kh_story *story)
{
    par_state *r = (par_state *)ctx;
    if (r->opt->skip && r->opt->skip(r->opt->skip_ctx, story))
        return KH_OK;
    const kh_event *ev = NULL;
    size_t n = 0;
    kh_status st = kh_coder_code(r->coder, story, &ev, &n);
    deliver(r, story, st, ev, n);
    return KH_OK;
}

static kh_status run_inline(par_state *r, cli_input *in, int nfiles, char **files,
                            par_result *out)
{
    kh_status st = kh_coder_new(r->opt->code, &r->coder);
    if (st)
        fatal("%s", kh_strerror(st));
    st = cli_input_run(in, nfiles, files, on_story_inline, r);
    kh_coder_stats_get(r->coder, &out->stats);
    kh_coder_free(r->coder);
    return st;
}

/* ---------------------------------------------------------------------- */
/* Batches                                                                */

/* Growable text: strings as offsets (NO_STR for NULL). */
typedef struct par_text {
    char *data;
    size_t len, cap;
} par_text;

/* One story of a batch: the story's scalar fields, its strings as offsets,
 * and what coding it gave. */
typedef struct par_rec {
    kh_story story; /* pointer fields unused (NULL) */
    size_t id, source, title, url, publisher, dateline, text;
    size_t unit0, cap0;
    size_t ev0, n_events;
    kh_status status;
} par_rec;

/* The strings of a kept event (offsets into the batch's event text). */
typedef struct par_evx {
    size_t source, target, source_name, target_name, code, name;
    size_t place, source_place, target_place; /* indexes into places, or NO_STR */
    size_t mention0; /* index into mentions */
} par_evx;

typedef struct par_placex {
    size_t name, country, admin1;
} par_placex;

typedef struct par_batch {
    uint64_t seq;
    par_rec *recs;
    size_t n, recs_cap;
    par_text text;      /* story strings */
    kh_unit *units;
    size_t n_units, units_cap;
    kh_span *caps;
    size_t n_caps, caps_cap;
    par_text evtext;    /* event strings */
    kh_event *events;
    par_evx *evx;
    size_t n_events, events_cap, evx_cap;
    kh_mention *mentions;
    size_t *patterns;   /* each mention's pattern string */
    size_t n_mentions, mentions_cap, patterns_cap;
    kh_place *places;
    par_placex *plx;
    size_t n_places, places_cap, plx_cap;
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

static size_t put_bytes(par_text *t, const char *s, size_t len)
{
    if (len > SIZE_MAX - t->len - 1)
        fatal("out of memory");
    grow((void **)&t->data, &t->cap, t->len + len + 1, 1);
    size_t off = t->len;
    if (len)
        memcpy(t->data + off, s, len);
    t->data[off + len] = '\0';
    t->len += len + 1;
    return off;
}

static size_t put_str(par_text *t, const char *s)
{
    return s ? put_bytes(t, s, strlen(s)) : NO_STR;
}

static const char *str_at(const par_text *t, size_t off)
{
    return off == NO_STR ? NULL : t->data + off;
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
    r->id = put_str(&b->text, s->id);
    r->source = put_str(&b->text, s->source);
    r->title = put_str(&b->text, s->title);
    r->url = put_str(&b->text, s->url);
    r->publisher = put_str(&b->text, s->publisher);
    r->dateline = put_str(&b->text, s->dateline);
    r->text = s->text ? put_bytes(&b->text, s->text, s->text_len) : NO_STR;
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

/* The story of record i, its pointers into the batch. */
static void batch_story(const par_batch *b, size_t i, kh_story *s)
{
    const par_rec *r = &b->recs[i];
    *s = r->story;
    s->id = str_at(&b->text, r->id);
    s->source = str_at(&b->text, r->source);
    s->title = str_at(&b->text, r->title);
    s->url = str_at(&b->text, r->url);
    s->publisher = str_at(&b->text, r->publisher);
    s->dateline = str_at(&b->text, r->dateline);
    s->text = str_at(&b->text, r->text);
    s->units = s->n_units ? b->units + r->unit0 : NULL;
    s->captions = s->n_captions ? b->caps + r->cap0 : NULL;
}

static size_t keep_place(par_batch *b, const kh_place *p)
{
    grow((void **)&b->places, &b->places_cap, b->n_places + 1, sizeof *b->places);
    grow((void **)&b->plx, &b->plx_cap, b->n_places + 1, sizeof *b->plx);
    size_t i = b->n_places++;
    b->places[i] = *p;
    b->plx[i].name = put_str(&b->evtext, p->name);
    b->plx[i].country = put_str(&b->evtext, p->country);
    b->plx[i].admin1 = put_str(&b->evtext, p->admin1);
    return i;
}

/* Copies a story's events (valid only until the coder's next story). */
static void keep_events(par_batch *b, par_rec *r, const kh_event *ev, size_t n)
{
    r->ev0 = b->n_events;
    r->n_events = n;
    grow((void **)&b->events, &b->events_cap, b->n_events + n, sizeof *b->events);
    grow((void **)&b->evx, &b->evx_cap, b->n_events + n, sizeof *b->evx);
    for (size_t i = 0; i < n; i++) {
        const kh_event *e = &ev[i];
        par_evx *x = &b->evx[b->n_events];
        b->events[b->n_events++] = *e;
        x->source = put_str(&b->evtext, e->source);
        x->target = put_str(&b->evtext, e->target);
        x->source_name = put_str(&b->evtext, e->source_name);
        x->target_name = put_str(&b->evtext, e->target_name);
        x->code = put_str(&b->evtext, e->code);
        x->name = put_str(&b->evtext, e->name);
        x->place = e->place ? keep_place(b, e->place) : NO_STR;
        x->source_place = e->source_place ? keep_place(b, e->source_place) : NO_STR;
        x->target_place = e->target_place ? keep_place(b, e->target_place) : NO_STR;
        x->mention0 = b->n_mentions;
        size_t m = b->n_mentions + e->n_mentions;
        grow((void **)&b->mentions, &b->mentions_cap, m, sizeof *b->mentions);
        grow((void **)&b->patterns, &b->patterns_cap, m, sizeof *b->patterns);
        for (size_t k = 0; k < e->n_mentions; k++) {
            b->mentions[b->n_mentions] = e->mentions[k];
            b->patterns[b->n_mentions++] = put_str(&b->evtext, e->mentions[k].pattern);
        }
    }
}

/* Turns the kept events' offsets back into pointers (the batch no longer grows). */
static void fix_events(par_batch *b)
{
    const par_text *t = &b->evtext;
    for (size_t i = 0; i < b->n_places; i++) {
        b->places[i].name = str_at(t, b->plx[i].name);
        b->places[i].country = str_at(t, b->plx[i].country);
        b->places[i].admin1 = str_at(t, b->plx[i].admin1);
    }
    for (size_t i = 0; i < b->n_mentions; i++)
        b->mentions[i].pattern = str_at(t, b->patterns[i]);
    for (size_t i = 0; i < b->n_events; i++) {
        kh_event *e = &b->events[i];
        const par_evx *x = &b->evx[i];
        e->source = str_at(t, x->source);
        e->target = str_at(t, x->target);
        e->source_name = str_at(t, x->source_name);
        e->target_name = str_at(t, x->target_name);
        e->code = str_at(t, x->code);
        e->name = str_at(t, x->name);
        e->place = x->place == NO_STR ? NULL : &b->places[x->place];
        e->source_place = x->source_place == NO_STR ? NULL : &b->places[x->source_place];
        e->target_place = x->target_place == NO_STR ? NULL : &b->places[x->target_place];
        e->mentions = &b->mentions[x->mention0];
    }
}

static void text_clear(par_text *t)
{
    t->len = 0;
    /* One huge story must not pin its memory for the rest of the run. */
    if (t->cap > BATCH_KEEP) {
        free(t->data);
        t->data = NULL;
        t->cap = 0;
    }
}

static void batch_clear(par_batch *b)
{
    b->n = b->n_units = b->n_caps = 0;
    b->n_events = b->n_mentions = b->n_places = 0;
    text_clear(&b->text);
    text_clear(&b->evtext);
}

static void batch_free(par_batch *b)
{
    free(b->recs);
    free(b->text.data);
    free(b->units);
    free(b->caps);
    free(b->evtext.data);
    free(b->events);
    free(b->evx);
    free(b->mentions);
    free(b->patterns);
    free(b->places);
    free(b->plx);
}

/* ---------------------------------------------------------------------- */
/* -j N: reader, workers, writer                                          */

typedef struct par_worker {
    par_state *run;
    kh_coder *coder;
    pthread_t thread;
} par_worker;

static void lock(pthread_mutex_t *mu)
{
    if (pthread_mutex_lock(mu) != 0)
        fatal("pthread_mutex_lock failed");
}

static void unlock(pthread_mutex_t *mu)
{
    pthread_mutex_unlock(mu);
}

static void wait_on(pthread_cond_t *cv, par_state *r)
{
    if (pthread_cond_wait(cv, &r->mu) != 0)
        fatal("pthread_cond_wait failed");
}

static void code_batch(par_worker *w, par_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        par_rec *r = &b->recs[i];
        kh_story s;
        batch_story(b, i, &s);
        const kh_event *ev;
        size_t n;
        r->status = kh_coder_code(w->coder, &s, &ev, &n);
        if (r->status == KH_OK)
            keep_events(b, r, ev, n);
    }
}

static void *worker_main(void *arg)
{
    par_worker *w = (par_worker *)arg;
    par_state *r = w->run;
    for (;;) {
        lock(&r->mu);
        while (r->work_head == r->work_tail && !r->eof)
            wait_on(&r->cv_work, r);
        if (r->work_head == r->work_tail) {
            unlock(&r->mu);
            break;
        }
        par_batch *b = r->work[r->work_head++ % r->pool];
        unlock(&r->mu);
        code_batch(w, b);
        lock(&r->mu);
        r->slot[b->seq % r->pool] = b;
        if (b->seq == r->next_write)
            pthread_cond_signal(&r->cv_done);
        unlock(&r->mu);
    }
    return NULL;
}

/* Delivers a coded batch, story by story, in input order. */
static void emit(par_state *r, par_batch *b)
{
    fix_events(b);
    lock(&r->sink_mu);
    for (size_t i = 0; i < b->n; i++) {
        const par_rec *rec = &b->recs[i];
        kh_story s;
        batch_story(b, i, &s);
        deliver(r, &s, rec->status, rec->status ? NULL : &b->events[rec->ev0], rec->n_events);
    }
    unlock(&r->sink_mu);
}

static void *writer_main(void *arg)
{
    par_state *r = (par_state *)arg;
    for (;;) {
        lock(&r->mu);
        par_batch *b;
        while (!(b = r->slot[r->next_write % r->pool]) || b->seq != r->next_write) {
            if (r->eof && r->next_write == r->next_seq) {
                unlock(&r->mu);
                return NULL;
            }
            wait_on(&r->cv_done, r);
        }
        r->slot[r->next_write % r->pool] = NULL;
        unlock(&r->mu);
        emit(r, b);
        batch_clear(b);
        lock(&r->mu);
        r->next_write++;
        r->free_stack[r->n_free++] = b;
        pthread_cond_signal(&r->cv_free);
        unlock(&r->mu);
    }
}

static void submit(par_state *r)
{
    par_batch *b = r->cur;
    r->cur = NULL;
    if (!b)
        return;
    lock(&r->mu);
    b->seq = r->next_seq++;
    r->work[r->work_tail++ % r->pool] = b;
    pthread_cond_signal(&r->cv_work);
    unlock(&r->mu);
}

static kh_status on_story_batched(void *ctx, const kh_story *story)
{
    par_state *r = (par_state *)ctx;
    if (r->opt->skip) {
        lock(&r->sink_mu);
        int skip = r->opt->skip(r->opt->skip_ctx, story);
        unlock(&r->sink_mu);
        if (skip)
            return KH_OK;
    }
    if (!r->cur) {
        lock(&r->mu);
        while (r->n_free == 0)
            wait_on(&r->cv_free, r);
        r->cur = r->free_stack[--r->n_free];
        unlock(&r->mu);
    }
    batch_add(r->cur, story);
    if (r->cur->n >= BATCH_STORIES || r->cur->text.len >= BATCH_BYTES)
        submit(r);
    return KH_OK;
}

/* Allocates the pool, makes the coders and starts the threads. */
static void start_threads(par_state *r)
{
    size_t nw = r->n_workers = (size_t)r->opt->threads;
    r->pool = 4 * nw + 2;
    r->batches = calloc(r->pool, sizeof *r->batches);
    r->free_stack = calloc(r->pool, sizeof *r->free_stack);
    r->work = calloc(r->pool, sizeof *r->work);
    r->slot = calloc(r->pool, sizeof *r->slot);
    r->workers = calloc(nw, sizeof *r->workers);
    if (!r->batches || !r->free_stack || !r->work || !r->slot || !r->workers)
        fatal("out of memory");
    for (size_t i = 0; i < r->pool; i++)
        r->free_stack[r->n_free++] = &r->batches[i];
    if (pthread_mutex_init(&r->mu, NULL) || pthread_mutex_init(&r->sink_mu, NULL) ||
        pthread_cond_init(&r->cv_free, NULL) || pthread_cond_init(&r->cv_work, NULL) ||
        pthread_cond_init(&r->cv_done, NULL))
        fatal("cannot initialise threads");
    for (size_t i = 0; i < nw; i++) {
        r->workers[i].run = r;
        kh_status st = kh_coder_new(r->opt->code, &r->workers[i].coder);
        if (st)
            fatal("%s", kh_strerror(st));
    }
    for (size_t i = 0; i < nw; i++)
        if (pthread_create(&r->workers[i].thread, NULL, worker_main, &r->workers[i]) != 0)
            fatal("cannot start a thread: %s", strerror(errno));
    if (pthread_create(&r->writer, NULL, writer_main, r) != 0)
        fatal("cannot start a thread: %s", strerror(errno));
}

/* Sends the last batch, waits for every thread, and frees the pool. */
static void stop_threads(par_state *r, par_result *out)
{
    submit(r);
    lock(&r->mu);
    r->eof = 1;
    pthread_cond_broadcast(&r->cv_work);
    pthread_cond_broadcast(&r->cv_done);
    unlock(&r->mu);
    for (size_t i = 0; i < r->n_workers; i++)
        pthread_join(r->workers[i].thread, NULL);
    /* The workers are done: wake the writer for the last batches. */
    lock(&r->mu);
    pthread_cond_broadcast(&r->cv_done);
    unlock(&r->mu);
    pthread_join(r->writer, NULL);
    for (size_t i = 0; i < r->n_workers; i++) {
        kh_coder_stats s;
        kh_coder_stats_get(r->workers[i].coder, &s);
        kh_coder_stats_add(&out->stats, &s);
        kh_coder_free(r->workers[i].coder);
    }
    for (size_t i = 0; i < r->pool; i++)
        batch_free(&r->batches[i]);
    pthread_mutex_destroy(&r->mu);
    pthread_mutex_destroy(&r->sink_mu);
    pthread_cond_destroy(&r->cv_free);
    pthread_cond_destroy(&r->cv_work);
    pthread_cond_destroy(&r->cv_done);
    free(r->batches);
    free(r->free_stack);
    free(r->work);
    free(r->slot);
    free(r->workers);
}

kh_status par_run(cli_input *in, int nfiles, char **files, const par_options *opt,
                  par_result *out)
{
    memset(out, 0, sizeof *out);
    par_state r;
    memset(&r, 0, sizeof r);
    r.opt = opt;
    in->progress = opt->progress;
    kh_status st;
    if (opt->threads <= 1) {
        st = run_inline(&r, in, nfiles, files, out);
    } else {
        start_threads(&r);
        st = cli_input_run(in, nfiles, files, on_story_batched, &r);
        stop_threads(&r, out);
    }
    out->events = r.events;
    out->output_ns = r.output_ns;
    return st;
}
