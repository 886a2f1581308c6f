/*
 * test_oom.c: out-of-memory injection (issue 8). An allocator hook
 * (kh_allocator) fails the Nth allocation; each test loops N = 1, 2, ...
 * over one small job until a run completes with no failure injected. Every
 * failed run must come back as KH_ERR_NOMEM (never a crash, an abort or
 * another status), every object must then be freeable, and the hook counts
 * live allocations so a leak shows even without LeakSanitizer (under
 * `make asan` LeakSanitizer checks the rest). The jobs: the dictionary
 * builder on a small khaldun source, loading the lexicon and dictionary
 * images, and a coding run (reader -> coder -> JSON sink) of a short story
 * with a fixture dictionary built here and the real lexicon when present.
 * A failure the library absorbed (status KH_OK although an allocation
 * failed) is counted and printed, not failed: the object is still usable.
 */
#include <stdint.h>
#include <unistd.h>

#include "unit.h"

#define OOM_MAX_RUNS 200000u

typedef struct oom {
    size_t count;   /* allocations made in this run */
    size_t fail_at; /* the one that fails (1-based); 0: none */
    size_t failed;  /* failures injected */
    long live;      /* allocations not yet freed */
} oom;

static void *oom_malloc(void *ctx, size_t size)
{
    oom *o = (oom *)ctx;
    if (++o->count == o->fail_at) {
        o->failed++;
        return NULL;
    }
    void *p = malloc(size ? size : 1);
    if (p)
        o->live++;
    return p;
}

static void *oom_realloc(void *ctx, void *ptr, size_t size)
{
    oom *o = (oom *)ctx;
    if (++o->count == o->fail_at) {
        o->failed++;
        return NULL;
    }
    void *p = realloc(ptr, size ? size : 1);
    if (p && !ptr)
        o->live++;
    return p;
}

static void oom_free(void *ctx, void *ptr)
{
    oom *o = (oom *)ctx;
    if (ptr)
        o->live--;
    free(ptr);
}

typedef kh_status (*oom_job)(const kh_allocator *a, void *arg);

typedef struct oom_result {
    size_t points;   /* allocation points exercised (runs with a failure) */
    size_t absorbed; /* failed allocations the library absorbed (KH_OK) */
    size_t bad;      /* runs that returned something other than NOMEM/OK */
    size_t leaks;    /* runs that left allocations behind */
    int completed;
} oom_result;

/* Runs `job` with the Nth allocation failing, N = 1.. until a clean run. */
static oom_result oom_loop(const char *name, oom_job job, void *arg)
{
    oom_result r;
    memset(&r, 0, sizeof r);
    for (size_t n = 1; n <= OOM_MAX_RUNS; n++) {
        oom o;
        memset(&o, 0, sizeof o);
        o.fail_at = n;
        kh_allocator a = {oom_malloc, oom_realloc, oom_free, &o};
        kh_status st = job(&a, arg);
        if (o.live != 0) {
            if (r.leaks++ < 5)
                fprintf(stderr, "  %s: run %zu: %ld allocations left (status %s)\n", name, n,
                        o.live, kh_strerror(st));
        }
        if (!o.failed) {
            if (st != KH_OK)
                fprintf(stderr, "  %s: the clean run returned %s\n", name, kh_strerror(st));
            r.completed = st == KH_OK;
            break;
        }
        r.points++;
        if (st == KH_OK) {
            if (r.absorbed++ < 5)
                fprintf(stderr, "  %s: allocation %zu failed and was absorbed (status ok)\n", name, n);
        } else if (st != KH_ERR_NOMEM) {
            if (r.bad++ < 5)
                fprintf(stderr, "  %s: allocation %zu failed, status %s (expected %s)\n", name, n,
                        kh_strerror(st), kh_strerror(KH_ERR_NOMEM));
        }
    }
    fprintf(stderr, "  %s: %zu allocation points failed in turn, %zu absorbed, %zu wrong status, "
                    "%zu leaking\n",
            name, r.points, r.absorbed, r.bad, r.leaks);
    return r;
}

static void oom_check(const oom_result *r)
{
    CHECK(r->completed);
    CHECK(r->points > 0);
    CHECK_EQ_INT(r->bad, 0);
    CHECK_EQ_INT(r->leaks, 0);
}

/* ---- the fixture dictionary -------------------------------------------- */

static const char oom_source[] =
    "[codes]\n"
    "040 | 1.0 | Consult\n"
    "042 | 1.9 | Make a visit\n"
    "0712 | 7.4 | Provide military aid\n"
    "111 | -2.0 | Criticize or denounce\n"
    "[countries]\n"
    "IRN | Iran; Islamic Republic of Iran | Iranian; Iranians | Tehran\n"
    "RUS | Russia | Russian; Russians | Moscow; Kremlin\n"
    "[actors]\n"
    "Masoud Pezeshkian; Pezeshkian | IRNGOV 2024-07-28.. ; IRNLEG ..2024-07-27 | President\n"
    "Vladimir Putin; Putin | RUSGOV |\n"
    "[agents]\n"
    "minister; ministers | GOV |\n"
    "troops | MIL |\n"
    "[places]\n"
    "Tehran | IRN | Tehran | 35.6944,51.4215 | 7153309 | 112931\n"
    "[synsets]\n"
    "&WEAPON | weapon; weapons; missile; missiles\n"
    "[verbs]\n"
    "visit $T | 042 |\n"
    "meet with $T | 040 |\n"
    "provide $T with &WEAPON | 0712 |\n"
    "criticize $T | 111 |\n";

static const char oom_story[] =
    "{\"id\":\"a\",\"date\":\"2024-08-01\",\"title\":\"Pezeshkian visits Moscow\","
    "\"text\":\"Iranian President Masoud Pezeshkian visited Russia on Tuesday and met with "
    "Putin in the Kremlin. Russia provided Iran with missiles, the minister said.\"}\n"
    "{\"id\":\"b\",\"text\":\"Russian troops criticized Iranian ministers in Tehran.\"}\n";

typedef struct build_arg {
    char path[64];
} build_arg;

static kh_status job_build(const kh_allocator *a, void *arg)
{
    build_arg *ba = (build_arg *)arg;
    kh_dict_builder *b = NULL;
    kh_status st = kh_dict_builder_new(a, NULL, NULL, &b);
    if (st == KH_OK)
        st = kh_dict_builder_add(b, KH_DICT_KHALDUN, "oom.txt", oom_source, sizeof oom_source - 1);
    if (st == KH_OK)
        st = kh_dict_builder_finish(b, ba->path, NULL);
    kh_dict_builder_free(b);
    return st;
}

/* Builds the fixture image into a temporary file (no hook). */
static int build_fixture(build_arg *ba)
{
    snprintf(ba->path, sizeof ba->path, "/tmp/khaldun-oom-XXXXXX");
    int fd = mkstemp(ba->path);
    if (fd < 0)
        return 0;
    close(fd);
    return job_build(NULL, ba) == KH_OK;
}

TEST(oom_dict_builder)
{
    build_arg ba;
    REQUIRE(build_fixture(&ba));
    oom_result r = oom_loop("dict builder", job_build, &ba);
    oom_check(&r);
    unlink(ba.path);
}

static kh_status job_dict_load(const kh_allocator *a, void *arg)
{
    kh_dict *d = NULL;
    kh_status st = kh_dict_load((const char *)arg, a, &d, NULL);
    if (st == KH_OK) {
        kh_dict_stats s;
        kh_dict_stats_get(d, &s);
    }
    kh_dict_free(d);
    return st;
}

TEST(oom_dict_load)
{
    build_arg ba;
    REQUIRE(build_fixture(&ba));
    oom_result r = oom_loop("dict load", job_dict_load, ba.path);
    oom_check(&r);
    unlink(ba.path);
}

static kh_status job_lexicon_load(const kh_allocator *a, void *arg)
{
    kh_lexicon *lex = NULL;
    kh_status st = kh_lexicon_load((const char *)arg, a, &lex, NULL);
    kh_lexicon_free(lex);
    return st;
}

TEST(oom_lexicon_load)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/lexicon.img", unit_data());
    if (access(path, R_OK) != 0) {
        unit_skip("no lexicon image (make data)");
        return;
    }
    oom_result r = oom_loop("lexicon load", job_lexicon_load, path);
    oom_check(&r);
}

/* ---- a coding run ------------------------------------------------------- */

typedef struct code_arg {
    const kh_dict *dict;
    const kh_lexicon *lex;
    kh_coder *coder;
    size_t events;
    size_t bytes;
} code_arg;

static kh_status count_bytes(void *ctx, const char *data, size_t len)
{
    (void)data;
    ((code_arg *)ctx)->bytes += len;
    return KH_OK;
}

static kh_status code_story(void *ctx, const kh_story *story)
{
    code_arg *ca = (code_arg *)ctx;
    const kh_event *ev = NULL;
    size_t n = 0;
    kh_status st = kh_coder_code(ca->coder, story, &ev, &n);
    if (st)
        return st;
    ca->events += n;
    return kh_events_write_json(story, ev, n, kh_dict_hash(ca->dict), count_bytes, ca);
}

static kh_status job_code(const kh_allocator *a, void *arg)
{
    code_arg *ca = (code_arg *)arg;
    ca->events = 0;
    ca->coder = NULL;
    kh_code_options co;
    memset(&co, 0, sizeof co);
    co.dict = ca->dict;
    co.lexicon = ca->lex;
    co.alloc = a;
    kh_status st = kh_coder_new(&co, &ca->coder);
    kh_reader *r = NULL;
    if (st == KH_OK) {
        kh_read_options ro;
        memset(&ro, 0, sizeof ro);
        ro.format = KH_INPUT_AUTO;
        ro.alloc = a;
        st = kh_reader_new(&ro, "oom.jsonl", &r);
    }
    if (st == KH_OK)
        st = kh_reader_push(r, oom_story, sizeof oom_story - 1, code_story, ca);
    if (st == KH_OK)
        st = kh_reader_finish(r, code_story, ca);
    kh_reader_free(r);
    kh_coder_free(ca->coder);
    return st;
}

TEST(oom_coding_run)
{
    build_arg ba;
    REQUIRE(build_fixture(&ba));
    kh_dict *d = NULL;
    REQUIRE(kh_dict_load(ba.path, NULL, &d, NULL) == KH_OK);
    unlink(ba.path); /* the mapping stays valid */
    char path[4096];
    snprintf(path, sizeof path, "%s/lexicon.img", unit_data());
    kh_lexicon *lex = NULL;
    if (kh_lexicon_load(path, NULL, &lex, NULL) != KH_OK)
        lex = NULL; /* no tags then: the coder still runs */
    code_arg ca;
    memset(&ca, 0, sizeof ca);
    ca.dict = d;
    ca.lex = lex;
    /* the job itself codes events when nothing fails */
    CHECK(job_code(NULL, &ca) == KH_OK);
    if (lex)
        CHECK(ca.events > 0);
    oom_result r = oom_loop("coding run", job_code, &ca);
    oom_check(&r);
    kh_lexicon_free(lex);
    kh_dict_free(d);
}
