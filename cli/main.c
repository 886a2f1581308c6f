/*
 * main.c: `khaldun SUBCOMMAND [options] [FILE...]`. Dispatches to the
 * subcommands and holds the helpers every subcommand shares: fatal errors,
 * diagnostics, input files, data lookup (named output files have their own
 * helpers, in output.c). The CLI is a client of the public API only.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const char *cli_argv0 = "khaldun";

void fatal(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("khaldun: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(EXIT_FATAL);
}

void warn(const char *fmt, ...)
{
    va_list ap;
    fputs("khaldun: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    fputs("khaldun: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: %s\n", usage);
    exit(EXIT_FATAL);
}

void cli_write(const char *data, size_t len)
{
    if (len && fwrite(data, 1, len, stdout) != len)
        fatal("writing output: %s", errno == EBADF ? "standard output is closed" : strerror(errno));
}

kh_status cli_write_stdout(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    cli_write(data, len);
    return KH_OK;
}

void cli_diag_print(void *ctx, const kh_diag *d)
{
    cli_diag *cd = (cli_diag *)ctx;
    if (d->severity == KH_SEV_ERROR)
        cd->errors++;
    else
        cd->warnings++;
    if (d->severity == KH_SEV_WARNING && cd && cd->quiet_warnings)
        return;
    /* Warnings (an empty record, a replaced byte) can come by the thousand
     * from a large archive: show the first ten, then say how to see all. */
    if (d->severity == KH_SEV_WARNING && cd->warnings > 10 && !getenv("KHALDUN_ALL_WARNINGS")) {
        if (cd->warnings == 11)
            fprintf(stderr, "khaldun: further warnings are not shown (set KHALDUN_ALL_WARNINGS=1)\n");
        return;
    }
    if (d->line && d->col && cd->columns)
        fprintf(stderr, "khaldun: %s:%zu:%zu: %s%s\n", d->source ? d->source : "-", d->line,
                d->col, d->severity == KH_SEV_WARNING ? "warning: " : "", d->message);
    else if (d->line)
        fprintf(stderr, "khaldun: %s:%zu: %s%s\n", d->source ? d->source : "-", d->line,
                d->severity == KH_SEV_WARNING ? "warning: " : "", d->message);
    else
        fprintf(stderr, "khaldun: %s: %s%s\n", d->source ? d->source : "-",
                d->severity == KH_SEV_WARNING ? "warning: " : "", d->message);
}

/*
 * Where the compiled images are looked for, in order: $KHALDUN_DATA alone
 * when it is set; otherwise next to the executable, as in a source checkout
 * (<dir>/build/data, <dir>/data), then relative to its prefix as installed by
 * `make install` (<dir>/../share/khaldun). The executable's directory comes
 * from /proc/self/exe, so symlinks to it and moved prefixes both work.
 */
#define DATA_MAX_DIRS 4
#define DATA_DIR_MAX (PATH_MAX + 32)
static size_t data_dirs(char dirs[DATA_MAX_DIRS][DATA_DIR_MAX])
{
    const char *env = getenv("KHALDUN_DATA");
    if (env && *env) {
        snprintf(dirs[0], DATA_DIR_MAX, "%s", env);
        return 1;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return 0;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    size_t k = 0;
    snprintf(dirs[k++], DATA_DIR_MAX, "%s/build/data", exe);
    snprintf(dirs[k++], DATA_DIR_MAX, "%s/data", exe);
    slash = strrchr(exe, '/');
    if (slash) {
        *slash = '\0'; /* the prefix: <prefix>/bin/khaldun */
        snprintf(dirs[k++], DATA_DIR_MAX, "%s/share/khaldun", exe);
    }
    return k;
}

const char *cli_data_path(const char *name)
{
    static char path[DATA_DIR_MAX + 256];
    char dirs[DATA_MAX_DIRS][DATA_DIR_MAX];
    size_t n = data_dirs(dirs);
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(path, sizeof path, "%s/%s", dirs[i], name);
        if (w > 0 && (size_t)w < sizeof path && access(path, R_OK) == 0)
            return path;
    }
    return NULL;
}

void cli_data_missing(const char *what, const char *name, const char *option)
{
    const char *env = getenv("KHALDUN_DATA");
    if (env && *env)
        fatal("no %s: KHALDUN_DATA is %s, which has no %s (fix KHALDUN_DATA, or give %s)", what,
              env, name, option);
    char dirs[DATA_MAX_DIRS][DATA_DIR_MAX];
    char where[DATA_MAX_DIRS * (DATA_DIR_MAX + 2)];
    size_t n = data_dirs(dirs), len = 0;
    where[0] = '\0';
    for (size_t i = 0; i < n && len < sizeof where; i++) {
        int w = snprintf(where + len, sizeof where - len, "%s%s", i ? ", " : "", dirs[i]);
        if (w > 0)
            len += (size_t)w;
    }
    fatal("no %s: looked for %s in %s (run `make data` in the source tree or `make install`, "
          "set KHALDUN_DATA, or give %s)",
          what, name, n ? where : "no folder (the executable's folder is unknown)", option);
}

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"read", cmd_read, "read stories and print them cleaned, with sentences and tokens (JSON Lines)"},
    {"parse", cmd_parse, "print tags, chunks and clauses (subject, verb group, object)"},
    {"code", cmd_code, "code political events (CAMEO) as JSON Lines or GDELT 2.0 TSV"},
    {"explain", cmd_explain, "show each step that led to each event, or to none"},
    {"dict", cmd_dict, "build, check and describe dictionary images"},
    {"lex", cmd_lex, "build, describe and query the lexicon image (WordNet + data/lexicon)"},
    {"query", cmd_query, "list stored events by actor, dyad, code, date, place, text (table, jsonl, csv, gdelt)"}, {"stats", cmd_stats, "event counts and Goldstein sums per dyad per day/week/month; top actors, codes"}, {"export", cmd_export, "the event store as GDELT 2.0 Events + Mentions TSV or JSON Lines"}, {"recode", cmd_recode, "re-code the stored stories with another dictionary image"},
    {"merge", cmd_merge, "merge event stores (the shards of code --shard I/N) into a new one"},
    {"eval", cmd_eval, "run a validation suite (TABARI, PETRARCH) or measure tagging (--pos)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: khaldun SUBCOMMAND [options] [FILE...]\n"
               "       khaldun --version | --help\n\n"
               "Reads news text and codes political events (CAMEO).\n\nsubcommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun `khaldun SUBCOMMAND --help` for its options. FILE \"-\" or none reads standard input.\n"
               "Exit status: 0 ok, 1 some input records were rejected, 2 usage or fatal error.\n");
}

int main(int argc, char **argv)
{
    cli_std_fds();
    if (argc > 0 && argv[0])
        cli_argv0 = argv[0];
    if (argc < 2) {
        usage(stderr);
        return EXIT_FATAL;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("khaldun %s\n", kh_version());
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) {
            int rc = commands[i].run(argc - 1, argv + 1);
            if (fflush(stdout) != 0)
                fatal("writing output: %s",
                      errno == EBADF ? "standard output is closed" : strerror(errno));
            return rc;
        }
    fprintf(stderr, "khaldun: unknown subcommand '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_FATAL;
}
