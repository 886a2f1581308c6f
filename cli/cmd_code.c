/*
 * cmd_code.c: `khaldun code [options] [FILE...]`: the main job. Reads
 * stories, codes events with the lexicon and dictionary image, and writes
 * them as JSON Lines (default) or GDELT 2.0 Events (and Mentions) TSV.
 * Ends with a summary on standard error: stories read, rejected, events.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "store_cli.h"
#include "parallel.h"

static const char code_usage[] =
    "khaldun code [--format jsonl|gdelt] [--mentions FILE] [--dict FILE] [--dict-format F]\n"
    "                    [--input FORMAT] [--date YYYY-MM-DD] [-j N] [--stats] [--quiet] [FILE...]";

static void code_help(void)
{
    printf("usage: %s\n\n"
           "Codes political events (CAMEO) in news stories. One JSON object per event:\n"
           "story, sentence, date, source, target, names, code, root, quad, goldstein,\n"
           "place, mentions, text, spans (byte offsets), dict (image hash).\n\n"
           "options:\n"
           "  --format F        jsonl (default) or gdelt (GDELT 2.0 Events, 61 columns)\n"
           "  --mentions FILE   with --format gdelt, write the GDELT Mentions table there\n"
           "  --dict FILE       a dictionary image, or sources (repeatable) with --dict-format\n"
           "  --dict-format F   khaldun (default), tabari, petrarch: import the peers' dictionaries\n"
           "  --lexicon FILE    the lexicon image (default: the installed one)\n"
           "  --db FILE         store stories and events in an SQLite event store (docs/store.md)\n"
           "                    instead of printing them; re-running adds only what is new\n"
           "  --input FORMAT    auto (default), text, jsonl, tabari, petrarch\n"
           "  --date DATE       date for stories whose record has none\n"
           "  -j, --jobs N      coding threads (default: every core); output order and bytes\n"
           "                    are the same for any N (--format gdelt runs on one thread)\n"
           "  --stats           time each stage and print the shares on standard error\n"
           "  --quiet           no progress line and no summary on standard error\n\n"
           "Exit status: 0 ok, 1 some input records were rejected, 2 fatal error.\n", code_usage);
}

typedef struct code_state {
    kh_coder *coder;
    const kh_dict *dict;
    int gdelt;
    kh_output *mentions;     /* --mentions FILE, or NULL */
    uint64_t next_id;
    size_t events;
    int stats;               /* --stats: time the output too */
    uint64_t output_ns;
    cli_progress *progress;
} code_state;

static kh_status on_story(void *ctx, const kh_story *story)
{
    code_state *cs = (code_state *)ctx;
    const kh_event *ev;
    size_t n;
    kh_status st = kh_coder_code(cs->coder, story, &ev, &n);
    if (st == KH_ERR_LIMIT || st == KH_ERR_FORMAT) {
        warn("%s:%zu: story not coded: %s", story->source, story->line, kh_strerror(st));
        return KH_OK;
    }
    if (st)
        fatal("%s:%zu: %s", story->source, story->line, kh_strerror(st));
    cs->events += n;
    atomic_fetch_add(&cs->progress->events, n);
    uint64_t t0 = cs->stats ? kh_clock_ns() : 0;
    if (cs->gdelt)
        st = kh_events_write_gdelt(story, ev, n, &cs->next_id, cli_write_stdout, NULL,
                                   cs->mentions ? kh_output_write : NULL, cs->mentions);
    else
        st = kh_events_write_json(story, ev, n, kh_dict_hash(cs->dict), cli_write_stdout, NULL);
    if (cs->stats)
        cs->output_ns += kh_clock_ns() - t0;
    return st;
}

/* --stats: where the time went, on standard error. Stage times are summed
 * over the coding threads; "read+other" is what the wall clock spent
 * outside them (reading and cleaning with -j 1). */
static void print_stats(const kh_coder_stats *s, uint64_t output_ns, uint64_t wall_ns, int threads)
{
    double a = (double)s->analyze_ns / 1e9, t = (double)s->tags_ns / 1e9;
    double c = (double)s->chunks_ns / 1e9, k = (double)s->coding_ns / 1e9;
    double o = (double)output_ns / 1e9, w = (double)wall_ns / 1e9;
    double staged = a + t + c + k + o;
    double other = w * threads - staged;
    if (threads > 1 || other < 0)
        other = 0;
    double all = staged + other > 0 ? staged + other : 1;
    fprintf(stderr,
            "khaldun: stats: threads=%d wall_s=%.3f stories=%zu sentences=%zu tokens=%zu "
            "events=%zu analyze_s=%.3f tags_s=%.3f chunks_s=%.3f coding_s=%.3f output_s=%.3f "
            "read_other_s=%.3f\n",
            threads, w, s->stories, s->sentences, s->tokens, s->events, a, t, c, k, o, other);
    fprintf(stderr,
            "khaldun: stats: share: tokens %.1f%%, tags %.1f%%, chunks %.1f%%, phrases+coding "
            "%.1f%%, output %.1f%%%s\n",
            100 * a / all, 100 * t / all, 100 * c / all, 100 * k / all, 100 * o / all,
            threads > 1 ? " (of the workers' time)" : "");
    if (threads == 1)
        fprintf(stderr, "khaldun: stats: share: read+clean+other %.1f%%\n", 100 * other / all);
}

int cmd_code(int argc, char **argv)
{
    cli_input in;
    cli_input_init(&in);
    cli_models models;
    cli_models_init(&models);
    code_state cs;
    memset(&cs, 0, sizeof cs);
    cs.next_id = 1;
    const char *mentions_path = NULL;
    const char *db_path = NULL; /* --db: into the event store (cli/store_cli.c) */
    int quiet = 0;
    int threads = 0; /* 0: every core */
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        int used;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            code_help();
            return EXIT_OK;
        } else if (!strcmp(a, "--format")) {
            if (++i >= argc)
                usage_error(code_usage, "--format needs a value");
            if (!strcmp(argv[i], "gdelt"))
                cs.gdelt = 1;
            else if (strcmp(argv[i], "jsonl") != 0)
                usage_error(code_usage, "unknown output format '%s' (jsonl, gdelt)", argv[i]);
        } else if (!strcmp(a, "--mentions")) {
            if (++i >= argc)
                usage_error(code_usage, "--mentions needs a file");
            mentions_path = argv[i];
        } else if (!strcmp(a, "--db")) {
            if (++i >= argc)
                usage_error(code_usage, "--db needs a file");
            db_path = argv[i];
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
            char *end;
            if (++i >= argc)
                usage_error(code_usage, "%s needs a number", a);
            long v = strtol(argv[i], &end, 10);
            if (*end || end == argv[i] || v < 1 || v > 256)
                usage_error(code_usage, "%s wants a number from 1 to 256, not '%s'", a, argv[i]);
            threads = (int)v;
        } else if (!strcmp(a, "--stats")) {
            cs.stats = 1;
        } else if ((used = cli_input_option(&in, argc, argv, i, code_usage)) > 0 ||
                   (used = cli_models_option(&models, argc, argv, i, code_usage)) > 0) {
            i += used - 1;
        } else if (!strcmp(a, "--")) {
            i++;
            break;
        } else if (a[0] == '-' && a[1]) {
            usage_error(code_usage, "unknown option '%s'", a);
        } else {
            break;
        }
    }
    if (mentions_path && !cs.gdelt)
        usage_error(code_usage, "--mentions goes with --format gdelt");
    cli_models_load(&models);
    if (db_path)
        return store_code_run(&in, &models, db_path, argc - i, argv + i, quiet);
    cs.dict = models.dict;
    /* The events go to standard output; the Mentions table may be neither
     * that file nor one of the inputs ("-" is standard input). */
    cli_stdout_claim();
    if (mentions_path) {
        int nf = argc - i;
        const char **inputs = malloc(((size_t)nf + 1) * sizeof *inputs);
        if (!inputs)
            fatal("out of memory");
        for (int k = 0; k < nf; k++)
            inputs[k] = strcmp(argv[i + k], "-") ? argv[i + k] : "/dev/stdin";
        inputs[nf] = "/dev/stdin";
        cs.mentions = cli_output_open(mentions_path, inputs, (size_t)nf + (nf == 0), NULL);
        free(inputs);
    }
    kh_code_options opt;
    memset(&opt, 0, sizeof opt);
    opt.dict = models.dict;
    opt.lexicon = models.lexicon;
    opt.limits = in.read.limits;
    if (cs.stats)
        opt.flags |= KH_CODE_STATS;
    if (threads == 0)
        threads = par_default_threads();
    if (cs.gdelt)
        threads = 1; /* GLOBALEVENTIDs are numbered in order */
    cli_progress progress;
    cli_progress_init(&progress, !quiet, argc - i, argv + i);
    cs.progress = &progress;
    kh_coder_stats stats;
    memset(&stats, 0, sizeof stats);
    uint64_t t_start = kh_clock_ns();
    kh_status st;
    if (threads > 1) {
        par_options po = {threads, &opt, kh_dict_hash(models.dict), cs.stats, &progress};
        par_result pr;
        st = par_code_run(&in, argc - i, argv + i, &po, &pr);
        cs.events = pr.events;
        stats = pr.stats;
        cs.output_ns = pr.output_ns;
    } else {
        st = kh_coder_new(&opt, &cs.coder);
        if (st)
            fatal("%s", kh_strerror(st));
        st = par_input_run(&in, argc - i, argv + i, on_story, &cs, &progress);
        kh_coder_stats_get(cs.coder, &stats);
        kh_coder_free(cs.coder);
    }
    if (fflush(stdout) != 0)
        fatal("writing output: %s", errno == EBADF ? "standard output is closed" : strerror(errno));
    uint64_t wall_ns = kh_clock_ns() - t_start;
    cli_progress_done(&progress);
    if (st) {
        cli_output_check(cs.mentions);
        fatal("%s", kh_strerror(st));
    }
    cli_output_close(cs.mentions);
    cli_models_free(&models);
    if (cs.stats)
        print_stats(&stats, cs.output_ns, wall_ns, threads);
    if (!quiet)
        fprintf(stderr, "khaldun: %zu stor%s read, %zu rejected, %zu event%s written\n", in.stories,
                in.stories == 1 ? "y" : "ies", in.rejected, cs.events, cs.events == 1 ? "" : "s");
    return in.rejected || in.diag.errors ? EXIT_REJECTED : EXIT_OK;
}
