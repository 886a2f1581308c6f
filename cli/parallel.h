/*
 * parallel.h: `khaldun code -j N` and the progress line (cli/parallel.c).
 *
 * The reading loop here is cli_input_run's, plus a count of the bytes read,
 * so that a progress line can show MB, rate and time left. par_code_run
 * codes with N worker threads sharing one read-only kh_dict and kh_lexicon,
 * each with its own kh_coder, and writes the JSON Lines in input order:
 * the output is byte-identical to the single-threaded path.
 */
#ifndef KH_CLI_PARALLEL_H
#define KH_CLI_PARALLEL_H

#include <stdatomic.h>

#include "cli.h"

/* A progress line on standard error, redrawn at most 4 times a second. */
typedef struct cli_progress {
    int on;                /* drawing (stderr is a terminal and not --quiet) */
    uint64_t total;        /* input bytes when every input is a regular file, else 0 */
    uint64_t done_before;  /* bytes of the inputs already finished */
    uint64_t bytes;        /* bytes read so far, all inputs */
    size_t stories;        /* stories read so far */
    atomic_size_t events;  /* events written so far (updated by the writer) */
    uint64_t start_ns;
    uint64_t last_ns;
    int drawn;
} cli_progress;

/* Enables the line when `enabled` and standard error is a terminal, and
 * sums the sizes of `files` for the time left. */
void cli_progress_init(cli_progress *p, int enabled, int nfiles, char **files);
/* Redraws when a quarter second has passed since the last drawing. */
void cli_progress_tick(cli_progress *p);
/* Erases the line (before the summary). */
void cli_progress_done(cli_progress *p);

/* cli_input_run, counting bytes into `p` (may be NULL) and ticking it. */
kh_status par_input_run(cli_input *in, int nfiles, char **files, kh_story_fn fn, void *ctx,
                        cli_progress *p);

/* The number of cores online (at least 1): the default of -j. */
int par_default_threads(void);

typedef struct par_options {
    int threads;                 /* worker threads, >= 2 (-j 1 is the plain path) */
    const kh_code_options *code; /* each worker's coder is made from it */
    const char *dict_hash;       /* stamped into every record */
    int stats;                   /* time output formatting and writing */
    cli_progress *progress;      /* may be NULL */
} par_options;

typedef struct par_result {
    size_t events;
    kh_coder_stats stats;  /* the workers' coders, summed */
    uint64_t output_ns;    /* formatting (workers) + writing (writer), when stats */
} par_result;

/* Reads `files` (as cli_input_run does), codes with opt->threads workers and
 * writes JSON Lines to standard output in input order. Returns the status
 * of the reading (fatal errors of coding end the program, in order). */
kh_status par_code_run(cli_input *in, int nfiles, char **files, const par_options *opt,
                       par_result *out);

#endif
