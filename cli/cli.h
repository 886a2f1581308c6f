/*
 * cli.h: shared pieces of the khaldun command line, a client of the public
 * API (include/khaldun.h) only. One cmd_*.c file a subcommand; main.c holds
 * the dispatch table. Only the CLI prints or exits, through fatal().
 */
#ifndef KH_CLI_H
#define KH_CLI_H

#include <stdatomic.h>
#include <stdio.h>

#include "khaldun.h"

/* Exit codes (documented in docs/khaldun.1 and the README). */
enum { EXIT_OK = 0, EXIT_REJECTED = 1, EXIT_FATAL = 2 };

/* Prints "khaldun: message" to stderr and exits with EXIT_FATAL. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Prints "khaldun: message" to stderr. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a usage error and the subcommand's usage line, exits 2. */
void usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* A diagnostic callback printing "khaldun: FILE:LINE: message" and counting. */
typedef struct cli_diag {
    size_t errors;
    size_t warnings;
    int quiet_warnings;
    int columns; /* print FILE:LINE:COL (dictionaries) rather than FILE:LINE (input records) */
} cli_diag;
void cli_diag_print(void *ctx, const kh_diag *diag);

/* A progress line on standard error, redrawn at most 4 times a second
 * (cli/progress.c). */
typedef struct cli_progress {
    int on;                /* drawing (stderr is a terminal and not --quiet) */
    uint64_t total;        /* input bytes when every input is a regular file, else 0 */
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

/* Options shared by the subcommands that read stories. */
typedef struct cli_input {
    kh_read_options read;
    cli_diag diag;
    size_t stories;
    size_t rejected;
    cli_progress *progress; /* NULL, or counts bytes and stories read */
    size_t shard, shards;   /* --shard I/N: only stories of shard I-1 of N (N 0: all) */
    size_t out_of_shard;    /* stories read that fell in other shards */
} cli_input;

void cli_input_init(cli_input *in);
/* Handles --input FORMAT, --date YYYY-MM-DD, --max-line N, --shard I/N; returns the
 * number of argv entries consumed (0 when argv[i] is not one of them). */
int cli_input_option(cli_input *in, int argc, char **argv, int i, const char *usage);
/* The reading loop: reads each file (or "-" / none for stdin) in fixed-size
 * chunks and calls fn per story, ticking in->progress when set. A file that
 * cannot be opened is reported and counted as rejected. Returns the first
 * non-OK status fn returned, else KH_OK. */
kh_status cli_input_run(cli_input *in, int nfiles, char **files, kh_story_fn fn, void *ctx);

/* Operands (file names) anywhere among the options, as in
 * `khaldun code FILE --format gdelt`: an option loop runs to `end` (at
 * first argc, and the bound for every option's value) and, on an operand,
 * calls cli_operand_defer(argc, argv, i--, &end), which moves it behind the
 * arguments still to be read; at "--" it calls cli_operands_rest(argc, argv,
 * i, &end) and stops. Afterwards the operands are argv[end..argc), in the
 * order given. */
void cli_operand_defer(int argc, char **argv, int i, int *end);
void cli_operands_rest(int argc, char **argv, int i, int *end);

/* Locates a compiled data file: $KHALDUN_DATA/NAME when KHALDUN_DATA is
 * set, else <dir of the executable>/build/data/NAME (a source checkout),
 * <dir>/data/NAME, then <dir>/../share/khaldun/NAME (installed). Returns a
 * static buffer, or NULL when not found. */
const char *cli_data_path(const char *name);
/* Dies with "no WHAT: no NAME in DIR, DIR, ..." naming every folder that was
 * searched, and OPTION as the way to give a file instead. */
void cli_data_missing(const char *what, const char *name, const char *option)
    __attribute__((noreturn));
extern const char *cli_argv0;

/* The lexicon and dictionary a coding subcommand uses: --lexicon FILE,
 * --dict FILE (an image, or sources in --dict-format; repeatable). */
typedef struct cli_models {
    const char *lexicon_path;
    const char *dict_paths[64];
    size_t n_dict_paths;
    kh_dict_format dict_format;
    kh_lexicon *lexicon;
    kh_dict *dict;
} cli_models;

void cli_models_init(cli_models *m);
int cli_models_option(cli_models *m, int argc, char **argv, int i, const char *usage);
/* The options `parse` and `explain` share: -e TEXT (into *text), the input
 * options and the model options. Returns how many arguments were used,
 * 0 when argv[i] is none of them. */
int cli_text_option(cli_input *in, cli_models *m, const char **text, int argc, char **argv, int i,
                    const char *usage);
/* Adds a dictionary source to b: a file, or a folder (its files the
 * format reads, recursively, in name order; a TABARI folder with a
 * .project file reads that). Fatal on I/O failure; returns the number of
 * files read. */
size_t cli_dict_add(kh_dict_builder *b, kh_dict_format format, const char *path);
/* After a build: what the peers' importers read and loaded (stderr). */
void cli_dict_summary(const kh_dict_builder *b);
/* Loads both (fatal on failure). */
void cli_models_load(cli_models *m);
void cli_models_free(cli_models *m);

/* Subcommands. */
int cmd_read(int argc, char **argv);
int cmd_dict(int argc, char **argv);
int cmd_code(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_lex(int argc, char **argv);
int cmd_query(int argc, char **argv), cmd_stats(int argc, char **argv), cmd_export(int argc, char **argv), cmd_recode(int argc, char **argv); /* event store */
int cmd_merge(int argc, char **argv);
int cmd_eval_pos(int argc, char **argv, const char *conllu);
int cmd_eval_gold(int argc, char **argv), cmd_eval_conflibert(int argc, char **argv); /* real news */

/* Named output files (cli/output.c), through kh_output_open: `inputs` are
 * the files the run reads (described as `inputs_role` in messages), and the
 * outputs already open are passed along, so two outputs cannot be one file.
 * Fatal when refused. An output not closed when the process exits is
 * discarded (its temporary removed, the name left as it was). */
kh_output *cli_output_open(const char *path, const char *const *inputs, size_t n_inputs,
                           const char *inputs_role);
/* Commits the output (renames the finished file into place); fatal on failure. */
void cli_output_close(kh_output *o);
/* Fatal with the reason when a write to the output has failed. */
void cli_output_check(const kh_output *o);
/* For a command whose data goes to standard output: fatal when it is
 * closed, and from then on no named output may be the same file. */
void cli_stdout_claim(void);
/* At start: a closed descriptor 0, 1 or 2 gets /dev/null, so that no file
 * of the run takes it (standard input write-only and standard output
 * read-only, so that using them fails as a closed descriptor would). */
void cli_std_fds(void);

/* Writes buf to stdout; fatal on a write error (EPIPE, full disk). */
void cli_write(const char *data, size_t len);
/* The same as a kh_write_fn for the library's sinks (ctx unused). */
kh_status cli_write_stdout(void *ctx, const char *data, size_t len);
/* The readable tree of a document's sentences, tags and clauses (parse --pretty). */
void cli_print_tree(const kh_doc *doc);

#endif
