/*
 * parallel.h: the driver loop of `khaldun code` (cli/parallel.c): read,
 * code, and hand each coded story to the sinks, at any -j.
 */
#ifndef KH_CLI_PARALLEL_H
#define KH_CLI_PARALLEL_H

#include "cli.h"

typedef struct par_options {
    int threads;                 /* 1: code in the reading thread; N >= 2: N coding threads */
    const kh_code_options *code; /* each coder is made from it */
    kh_sink *const *sinks;       /* each coded story goes to every sink, in input order */
    size_t n_sinks;
    /* Stories not to code (already stored), asked by the reading thread
     * before coding; never at the same time as a sink call. NULL: code all. */
    int (*skip)(void *ctx, const kh_story *story);
    void *skip_ctx;
    /* Called when sinks[sink] fails; must not return (it ends the program). */
    void (*sink_failed)(void *ctx, size_t sink, kh_status st);
    void *fail_ctx;
    int stats;                   /* time the sinks (output_ns) */
    cli_progress *progress;      /* may be NULL */
} par_options;

typedef struct par_result {
    size_t events;          /* events given to the sinks */
    kh_coder_stats stats;   /* the coders', summed */
    uint64_t output_ns;     /* time in the sinks, when stats */
} par_result;

/* Reads `files` (cli_input_run), codes every story not skipped, and gives
 * the coded stories and their events to the sinks in input order, warning
 * about stories that could not be coded. The sinks are begun and finished
 * by the caller. Returns the status of the reading; a coder's fatal error
 * ends the program at that story, as it would with -j 1. */
kh_status par_run(cli_input *in, int nfiles, char **files, const par_options *opt,
                  par_result *out);

/* The number of cores online (at least 1, at most 256): the default of -j. */
int par_default_threads(void);
/* -j is capped at this many threads per core (issue 17, case 18: every
 * thread holds a coder's scratch, so -j 256 cost 1.27 GB for nothing). */
#define PAR_THREADS_PER_CORE 4

#endif
