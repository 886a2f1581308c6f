/*
 * cmd_code.c: `khaldun code [options] [FILE...]`: the main job. Reads
 * stories, codes events with the lexicon and dictionary image, and gives
 * them to the sinks the options ask for: JSON Lines (default) or GDELT 2.0
 * Events (and Mentions) TSV on standard output, and/or the event store
 * (--db). The driver loop (cli/parallel.c) is the same for every -j and
 * every sink. Ends with a summary on standard error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parallel.h"
#include "store_cli.h"

/* Stories per store transaction: large enough that commits are cheap,
 * small enough that a killed run loses little work. */
#define STORE_BATCH 500

static const char code_usage[] =
    "khaldun code [--format jsonl|gdelt|plover|tabari] [--mentions FILE] [--db FILE] [--dict FILE]\n"
    "                    [--dict-format F] [--input FORMAT] [--date YYYY-MM-DD] [-j N] [--stats]\n"
    "                    [--shard I/N] [--quiet] [FILE...]";

static void code_help(void)
{
    printf("usage: %s\n\n"
           "Codes political events (CAMEO) in news stories. One JSON object per event:\n"
           "story, sentence, date, source, target, names, code, root, quad, goldstein,\n"
           "place, mentions, text, spans (byte offsets), dict (image hash).\n\n"
           "options:\n"
           "  --format F        jsonl (default), gdelt (GDELT 2.0 Events, 61 columns),\n"
           "                    plover (PLOVER/POLECAT records as NGEC writes them) or\n"
           "                    tabari (TABARI's event lines: date, source, target, code,\n"
           "                    name, record id)\n"
           "  --mentions FILE   with --format gdelt, write the GDELT Mentions table there\n"
           "  --dict FILE       a dictionary image, or sources (repeatable) with --dict-format\n"
           "  --dict-format F   khaldun (default), tabari, petrarch: import the peers' dictionaries\n"
           "  --lexicon FILE    the lexicon image (default: the installed one)\n"
           "  --db FILE         store stories and events in an SQLite event store (docs/store.md);\n"
           "                    re-running adds only what is new. Nothing is printed unless\n"
           "                    --format is given too: then every story read is also printed\n"
           "  --input FORMAT    auto (default), text, jsonl, tabari, petrarch\n"
           "  --date DATE       date for stories whose record has none\n"
           "  --shard I/N       code only the stories in shard I of N (by kh_story_shard: the\n"
           "                    story's identity hash modulo N), so N machines share one\n"
           "                    archive; `khaldun merge` joins their stores (docs/store.md)\n"
           "  -j, --jobs N      coding threads (default: every core); output order and bytes,\n"
           "                    and the store, are the same for any N\n"
           "  --stats           time each stage and print the shares on standard error\n"
           "  --quiet           no progress line and no summary on standard error\n\n"
           "Exit status: 0 ok, 1 some input records were rejected, 2 fatal error.\n", code_usage);
}

/* What the options ask for. */
typedef struct code_args {
    int format;               /* 0 none given, 1 jsonl, 2 gdelt, 3 plover, 4 tabari */
    const char *mentions_path;
    const char *db_path;
    int quiet;
    int threads;              /* 0: every core */
    int stats;
} code_args;

/* The run's sinks and the store behind --db. */
typedef struct code_run {
    const code_args *args;
    kh_sink *sinks[2];
    size_t n_sinks;
    size_t store_sink;        /* index of the store's sink, when db */
    kh_store *store;
    kh_output *mentions;      /* --mentions FILE, or NULL */
    size_t known;             /* stories skipped because the store has them */
    kh_date default_date;     /* --date, recorded with the stories it dates */
} code_run;

/* A store failure: the open batch is rolled back when the store closes, so
 * the store stays consistent and a re-run resumes. */
static void store_die(code_run *c, const char *what, kh_status st)
{
    const char *m = kh_store_errmsg(c->store);
    char msg[1100];
    snprintf(msg, sizeof msg, "%s", m && *m ? m : kh_strerror(st));
    kh_store_close(c->store);
    fatal("%s: %s (the stories of the last batch were not stored; re-run to resume)", what, msg);
}

static void sink_failed(void *ctx, size_t sink, kh_status st)
{
    code_run *c = (code_run *)ctx;
    if (c->store && sink == c->store_sink)
        store_die(c, "event store", st);
    cli_output_check(c->mentions); /* the Mentions file, with its reason */
    fatal("writing output: %s", st == KH_ERR_IO ? strerror(errno) : kh_strerror(st));
}

/* Stories the store already holds are not coded again (--db alone). */
static int skip_stored(void *ctx, const kh_story *story)
{
    code_run *c = (code_run *)ctx;
    int known = 0;
    kh_status st = kh_store_has_story(c->store, story, &known);
    if (st)
        store_die(c, "event store", st);
    c->known += (size_t)known;
    return known;
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

/* Parses the options; returns the index of the first file. */
static int parse_args(int argc, char **argv, code_args *a, cli_input *in, cli_models *models)
{
    int i = 1;
    int end = argc;
    for (; i < end; i++) {
        const char *o = argv[i];
        int used;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            code_help();
            exit(EXIT_OK);
        } else if (!strcmp(o, "--format")) {
            if (++i >= end)
                usage_error(code_usage, "--format needs a value");
            if (!strcmp(argv[i], "gdelt"))
                a->format = 2;
            else if (!strcmp(argv[i], "jsonl"))
                a->format = 1;
            else if (!strcmp(argv[i], "plover"))
                a->format = 3;
            else if (!strcmp(argv[i], "tabari"))
                a->format = 4;
            else
                usage_error(code_usage, "unknown output format '%s' (jsonl, gdelt, plover, tabari)",
                            argv[i]);
        } else if (!strcmp(o, "--mentions")) {
            if (++i >= end)
                usage_error(code_usage, "--mentions needs a file");
            a->mentions_path = argv[i];
        } else if (!strcmp(o, "--db")) {
            if (++i >= end)
                usage_error(code_usage, "--db needs a file");
            a->db_path = argv[i];
        } else if (!strcmp(o, "--quiet") || !strcmp(o, "-q")) {
            a->quiet = 1;
        } else if (!strcmp(o, "-j") || !strcmp(o, "--jobs")) {
            char *stop;
            if (++i >= end)
                usage_error(code_usage, "%s needs a number", o);
            long v = strtol(argv[i], &stop, 10);
            if (*stop || stop == argv[i] || v < 1 || v > 256)
                usage_error(code_usage, "%s wants a number from 1 to 256, not '%s'", o, argv[i]);
            a->threads = (int)v;
        } else if (!strcmp(o, "--stats")) {
            a->stats = 1;
        } else if ((used = cli_input_option(in, end, argv, i, code_usage)) > 0 ||
                   (used = cli_models_option(models, end, argv, i, code_usage)) > 0) {
            i += used - 1;
        } else if (!strcmp(o, "--")) {
            cli_operands_rest(argc, argv, i, &end);
            break;
        } else if (o[0] == '-' && o[1]) {
            usage_error(code_usage, "unknown option '%s'", o);
        } else {
            cli_operand_defer(argc, argv, i--, &end);
        }
    }
    i = end;
    if (a->mentions_path && a->format != 2)
        usage_error(code_usage, "--mentions goes with --format gdelt");
    return i;
}

/* Opens --mentions FILE through the one output opener: it may be neither
 * standard output (claimed before), nor an input ("-" and no file at all
 * are standard input), nor the store of --db. */
static kh_output *open_mentions(const char *path, const char *db_path, int n_files,
                                char **files)
{
    size_t n = (size_t)n_files;
    const char **inputs = malloc((n + 5) * sizeof *inputs);
    if (!inputs)
        fatal("out of memory");
    for (size_t k = 0; k < n; k++)
        inputs[k] = strcmp(files[k], "-") ? files[k] : "/dev/stdin";
    if (!n)
        inputs[n++] = "/dev/stdin";
    store_files sf;
    if (db_path) {
        store_files_of(db_path, &sf);
        for (size_t k = 0; k < 4; k++)
            inputs[n++] = sf.list[k];
    }
    kh_output *o = cli_output_open(path, inputs, n, db_path ? "an input or the event store of "
                                                              "this run" : NULL);
    free(inputs);
    return o;
}

/* Makes the sinks: standard output unless --db alone, and the store. */
static void open_sinks(code_run *c, const kh_dict *dict, const kh_lexicon *lexicon, int n_files,
                       char **files)
{
    const code_args *a = c->args;
    kh_status st = KH_OK;
    if (a->format || !a->db_path)
        cli_stdout_claim(); /* fatal when closed; no named output may be it */
    if (a->format == 2) {
        if (a->mentions_path)
            c->mentions = open_mentions(a->mentions_path, a->db_path, n_files, files);
        st = kh_sink_gdelt_new(cli_write_stdout, NULL, c->mentions ? kh_output_write : NULL,
                               c->mentions, &c->sinks[c->n_sinks++]);
    } else if (a->format == 3) {
        st = kh_sink_plover_new(kh_dict_hash(dict), cli_write_stdout, NULL,
                                &c->sinks[c->n_sinks++]);
    } else if (a->format == 4) {
        st = kh_sink_tabari_new(cli_write_stdout, NULL, &c->sinks[c->n_sinks++]);
    } else if (a->format == 1 || !a->db_path) {
        st = kh_sink_json_new(kh_dict_hash(dict), cli_write_stdout, NULL, &c->sinks[c->n_sinks++]);
    }
    if (st)
        fatal("%s", kh_strerror(st));
    if (a->db_path) {
        c->store = store_open_or_die(a->db_path, KH_STORE_CREATE);
        kh_store_set_lexicon(c->store, lexicon);
        kh_store_set_default_date(c->store, c->default_date);
        c->store_sink = c->n_sinks;
        if ((st = kh_sink_store_new(c->store, kh_dict_hash(dict), STORE_BATCH,
                                    &c->sinks[c->n_sinks++])))
            store_die(c, a->db_path, st);
    }
    for (size_t k = 0; k < c->n_sinks; k++)
        if ((st = kh_sink_begin(c->sinks[k])))
            sink_failed(c, k, st);
}

/* Finishes the sinks (the store's last commit) and closes the outputs. */
static void close_sinks(code_run *c)
{
    for (size_t k = 0; k < c->n_sinks; k++) {
        kh_status st = kh_sink_finish(c->sinks[k]);
        if (st && c->store && k == c->store_sink)
            store_die(c, c->args->db_path, st);
        if (st)
            sink_failed(c, k, st);
    }
    if (fflush(stdout) != 0)
        fatal("writing output: %s", errno == EBADF ? "standard output is closed" : strerror(errno));
    cli_output_close(c->mentions); /* only now that standard output is delivered */
}

static void print_summary(const code_run *c, const cli_input *in, size_t events)
{
    if (in->shards > 1)
        fprintf(stderr, "khaldun: shard %zu/%zu: %zu stor%s left to the other shards\n",
                in->shard + 1, in->shards, in->out_of_shard, in->out_of_shard == 1 ? "y" : "ies");
    if (c->args->format == 3) { /* PLOVER leaves some codes out: say how many */
        kh_sink_counts pc;
        kh_sink_counts_get(c->sinks[0], &pc);
        if (pc.events < events)
            fprintf(stderr, "khaldun: %zu event%s left out: PLOVER drops CAMEO 01 and 02\n",
                    events - pc.events, events - pc.events == 1 ? "" : "s");
        events = pc.events;
    }
    if (!c->store) {
        fprintf(stderr, "khaldun: %zu stor%s read, %zu rejected, %zu event%s written\n",
                in->stories, in->stories == 1 ? "y" : "ies", in->rejected, events,
                events == 1 ? "" : "s");
        return;
    }
    kh_sink_counts sc;
    kh_sink_counts_get(c->sinks[c->store_sink], &sc);
    size_t n_stories = 0, n_events = 0;
    kh_store_counts(c->store, &n_stories, &n_events, NULL);
    if (c->n_sinks > 1)
        fprintf(stderr, "khaldun: %zu event%s written\n", events, events == 1 ? "" : "s");
    fprintf(stderr,
            "khaldun: %zu stor%s read, %zu rejected, %zu added (%zu already stored), "
            "%zu event%s coded; %s now holds %zu stories, %zu events\n",
            in->stories, in->stories == 1 ? "y" : "ies", in->rejected, sc.stories,
            sc.known + c->known, sc.events, sc.events == 1 ? "" : "s", c->args->db_path,
            n_stories, n_events);
}

int cmd_code(int argc, char **argv)
{
    cli_input in;
    cli_input_init(&in);
    cli_models models;
    cli_models_init(&models);
    code_args args;
    memset(&args, 0, sizeof args);
    int i = parse_args(argc, argv, &args, &in, &models);
    cli_models_load(&models);
    code_run c;
    memset(&c, 0, sizeof c);
    c.args = &args;
    c.default_date = in.read.default_date;
    open_sinks(&c, models.dict, models.lexicon, argc - i, argv + i);
    kh_code_options opt;
    memset(&opt, 0, sizeof opt);
    opt.dict = models.dict;
    opt.lexicon = models.lexicon;
    opt.limits = in.read.limits;
    if (args.stats)
        opt.flags |= KH_CODE_STATS;
    int threads = args.threads ? args.threads : par_default_threads();
    cli_progress progress;
    cli_progress_init(&progress, !args.quiet, argc - i, argv + i);
    par_options po = {threads, &opt, c.sinks, c.n_sinks,
                      c.store && c.n_sinks == 1 ? skip_stored : NULL, &c,
                      sink_failed, &c, args.stats, &progress};
    par_result pr;
    uint64_t t_start = kh_clock_ns();
    kh_status st = par_run(&in, argc - i, argv + i, &po, &pr);
    if (st && c.store)
        store_die(&c, args.db_path, st);
    if (st) { /* a failed run replaces no file: the Mentions output is discarded at exit */
        cli_progress_done(&progress);
        cli_output_check(c.mentions);
        fatal("%s", kh_strerror(st));
    }
    close_sinks(&c);
    uint64_t wall_ns = kh_clock_ns() - t_start;
    cli_progress_done(&progress);
    if (args.stats)
        print_stats(&pr.stats, pr.output_ns, wall_ns, threads);
    if (!args.quiet)
        print_summary(&c, &in, pr.events);
    for (size_t k = 0; k < c.n_sinks; k++)
        kh_sink_free(c.sinks[k]);
    kh_store_close(c.store);
    cli_models_free(&models);
    return in.rejected || in.diag.errors ? EXIT_REJECTED : EXIT_OK;
}
