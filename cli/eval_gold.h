/*
 * eval_gold.h: the inner parts of `khaldun eval --gold` (cli/cmd_eval_gold.c),
 * shared by its files: the gold read from the annotation files
 * (eval_gold_read.c), the corpora that give each unit its story
 * (eval_gold_corpus.c), the scoring of one coded story (eval_gold_score.c)
 * and the error classes of misses and false events (eval_gold_classes.c).
 * The CLI's own; nothing here is part of include/khaldun.h.
 */
#ifndef KH_CLI_EVAL_GOLD_H
#define KH_CLI_EVAL_GOLD_H

#include "cli.h"

/* Names by enum value, for the reports (cmd_eval_gold.c). */
enum { SPLIT_DEV, SPLIT_TEST, N_SPLIT, SPLIT_ALL = N_SPLIT };
extern const char *const gold_split_names[];

enum { C_REUTERS, C_AGNEWS, C_SATP, N_CORPUS };
extern const char *const gold_corpus_names[];

enum { L_FOUND, L_ROOTDYAD, L_FULL, N_LEVEL };
extern const char *const gold_level_names[];

enum { E_NO_ACTOR, E_NO_PATTERN, E_PARSE, E_TARGET, E_STATEMENT, E_HYPO, E_COREF, E_SENSE, N_CLASS };
extern const char *const gold_class_names[];

#define CODE_CAP 48 /* actor and event codes, with their NUL */

/* A gold event; "" stands for a missing (null) side. */
typedef struct gevent {
    char src[CODE_CAP], tgt[CODE_CAP], code[8];
} gevent;

/* One gold line. */
typedef struct gunit {
    size_t story;
    size_t seq;           /* order read, to keep sorting stable */
    const char *file;     /* the gold file's name (argv or directory entry, owned by the run) */
    size_t line;
    size_t off, len;
    char sha[9];
    gevent *ev;           /* as annotated */
    size_t n_ev;
    size_t *ids;          /* the story's distinct events this unit holds */
    size_t n_ids;
    int moved;
    size_t at;            /* where the unit is scored (off, or where it was found) */
} gunit;

typedef struct gstory {
    int corpus;
    char record[64];
    int split;
    size_t first_unit, n_units; /* after sorting */
    gevent *dist;               /* distinct events */
    size_t n_dist;
} gstory;

/* Counts per split. */
typedef struct tally {
    size_t stories, units, relocated, moved;
    size_t g_total, g_ok[N_LEVEL];
    size_t k_total, k_ok[N_LEVEL], k_outside;
    size_t conf[22][22];  /* [gold root][khaldun root]; 21 = none */
    size_t miss[N_CLASS], fals[N_CLASS];
} tally;

/* A clause as the trace tells it. */
typedef enum outcome {
    O_NONE, O_EVENT, O_NO_PATTERN, O_PARSE, O_SPECIAL, O_REPORT, O_NEGATED, O_REFUSAL,
    O_NO_SOURCE, O_NO_TARGET, O_SAME, O_UNIDENTIFIED
} outcome;

typedef struct tclause {
    size_t sentence;
    char lemma[48];
    char root[3];        /* of the pattern that matched, "" when none */
    outcome out;
    char subject[96];    /* O_NO_SOURCE: the subject's words */
} tclause;

typedef struct trace_buf {
    tclause *cl;
    size_t n, cap;
} trace_buf;

typedef struct corpus_file {
    char *data;          /* the whole file, NUL-terminated */
    size_t len;
    /* reuters and satp: id -> line; agnews: row starts */
    const char **keys;   /* id value (not NUL-terminated), or row start */
    size_t *key_len;
    size_t *line_off, *line_len;
    size_t n;
    int loaded;
} corpus_file;

typedef struct gold_run {
    gunit *units;
    size_t n_units, cap_units;
    gstory *stories;
    size_t n_stories, cap_stories;
    char **files;        /* names of the gold files read */
    size_t n_files;
    size_t rejected;
    const char *shared;
    corpus_file corpora[N_CORPUS];
    int split;           /* selected split, SPLIT_ALL for both */
    int errors;
    int casing;          /* EVAL_CASE_*: how the text is re-cased before coding */
    tally t[N_SPLIT];
    /* the story being scored */
    gstory *cur;
    kh_coder *coder;
    kh_scratch *scratch;
    trace_buf tr;
    int delivered;
} gold_run;

typedef struct dbuf {
    char *p;
    size_t len, cap;
} dbuf;

typedef struct story_ctx {
    gold_run *g;
    const kh_story *story;
    const kh_doc *doc;       /* the coder's document (trace sentence indexes) */
    const kh_event *ev;
    size_t n_ev;
} story_ctx;

/* xrealloc: never NULL (dies on out of memory). */
void *gold_realloc(void *p, size_t n);

/* eval_gold_case.c: re-casing the text before it is coded (--case). */
enum { EVAL_CASE_AS_IS, EVAL_CASE_LOWER, EVAL_CASE_UPPER, EVAL_CASE_TITLE };
/* The mode named lower, upper, title or as-is; -1 for another name. */
int eval_case_parse(const char *name);
/* "lower-cased", "upper-cased", "title-cased"; "" for as-is. */
const char *eval_case_label(int mode);
/* Re-cases p[0..n) in place by `mode`: ASCII letters only, so every byte
 * offset stays valid. */
void eval_case_apply(int mode, char *p, size_t n);
/* The story to code: `in` itself for EVAL_CASE_AS_IS, else *copy with its
 * text, title and dateline re-cased into bufs[0..3) (the caller frees each;
 * NULL where nothing was copied). Offsets into the text stay valid. */
const kh_story *eval_case_story(int mode, const kh_story *in, kh_story *copy, char *bufs[3]);

/* eval_gold_read.c */
/* A whole file, NUL-terminated (*len without the NUL), or NULL when it
 * cannot be read. The caller frees it. */
char *gold_slurp(const char *path, size_t *len);
/* The units of a gold file, or of the *.jsonl files of a directory, into
 * g (bad lines are warned about and counted in g->rejected). */
void gold_read_file(gold_run *g, const char *path);
void gold_read_dir(gold_run *g, const char *dir);
/* After reading: units sorted by story, each story's distinct events. */
void gold_index(gold_run *g);

/* eval_gold_corpus.c */
extern const char *const gold_corpus_paths[]; /* under --shared, by corpus */
void gold_dbuf_add(dbuf *b, const char *s, size_t n);
int gold_story_line(gold_run *g, const gstory *s, dbuf *out);

/* eval_gold_score.c: the matching of a gold and a khaldun event */
int gold_same_side(const char *gold, const char *kh, size_t n);
int gold_same_root(const gevent *g, const kh_event *k);
int gold_same_dyad(const gevent *g, const kh_event *k);
int gold_matches(int level, const gevent *g, const kh_event *k);
const kh_mention *gold_mention_in(const kh_event *k, const gunit *u);
int gold_root_index(const char *code);
/* A kh_story_fn: scores the story of g->cur (ctx is the gold_run). */
kh_status gold_on_story(void *ctx, const kh_story *story);

/* eval_gold_classes.c */
/* A kh_trace_fn: collects the clauses of the trace into the trace_buf ctx. */
void gold_on_trace(void *ctx, size_t sentence, const char *line);
/* The error class (E_...) of a missed gold event g, held by us[0..nu),
 * and of a false khaldun event k, lying in u through its mention m. */
int gold_miss_class(const story_ctx *sc, const gevent *g, const gunit *const *us, size_t nu);
int gold_false_class(const story_ctx *sc, const kh_event *k, const kh_mention *m, const gunit *u,
                     const gstory *s);

#endif
