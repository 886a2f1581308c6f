/*
 * cmd_eval_gold.c: `khaldun eval --gold FILE...`: scores khaldun's own coder
 * on real-news gold (docs/annotation.md, sections 9 and 10), the development
 * loop of issue 11.
 *
 * Each gold line names a unit of a corpus record by address only (corpus,
 * record, off, len, sha). The record is fetched from the shared corpora and
 * turned into the JSON Lines story `khaldun read` would read for it, as
 * tools/gold-units.py builds it (eval_gold_corpus.c).
 * The story is read by a kh_reader (JSON Lines) and coded with the default
 * images (or --dict/--lexicon), with a trace hook collecting what the coder
 * considered in each sentence (the lines `khaldun explain` prints).
 *
 * Units are checked and scored as eval_gold_score.c tells: precision, recall
 * and F1 at three levels (found, root+dyad, full), a per-root confusion, and
 * the error classes of misses and false events (eval_gold_classes.c).
 *
 * Splits: a story is dev or test (its lines' "split"). By default both are
 * scored separately and together; the confusion and error counts cover the
 * selected split (all by default), and --errors lists dev units only unless
 * --split test is given, so the test part's errors are not read while
 * tuning (issue 11). Floors apply to the selected split.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "eval_gold.h"

static const char gold_usage[] =
    "khaldun eval --gold [--split dev|test|all] [--errors] [--shared DIR] [--case MODE]\n"
    "             [--min-root-dyad-recall PCT] [--min-root-dyad-precision PCT] FILE|DIR...";

const char *const gold_split_names[] = {"dev", "test", "all"};
const char *const gold_corpus_names[] = {"reuters", "agnews", "satp"};
const char *const gold_level_names[] = {"found", "root+dyad", "full"};
const char *const gold_class_names[] = {"no actor",  "no pattern",   "parse",       "target dropped",
                                        "statement", "hypothetical", "coreference", "sense"};

void *gold_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        fatal("out of memory");
    return q;
}

/* ---------------------------------------------------------------------- */
/* Reports                                                                */

static double pct(size_t a, size_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0.0;
}

static double f1(double p, double r)
{
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

static void tally_add(tally *sum, const tally *t)
{
    sum->stories += t->stories;
    sum->units += t->units;
    sum->relocated += t->relocated;
    sum->moved += t->moved;
    sum->g_total += t->g_total;
    sum->k_total += t->k_total;
    sum->k_outside += t->k_outside;
    for (int l = 0; l < N_LEVEL; l++) {
        sum->g_ok[l] += t->g_ok[l];
        sum->k_ok[l] += t->k_ok[l];
    }
    for (size_t a = 0; a < 22; a++)
        for (size_t b = 0; b < 22; b++)
            sum->conf[a][b] += t->conf[a][b];
    for (int c = 0; c < N_CLASS; c++) {
        sum->miss[c] += t->miss[c];
        sum->fals[c] += t->fals[c];
    }
}

static void print_scores(const char *name, const tally *t)
{
    printf("%-5s %-4s stories %zu, units %zu (%zu relocated, %zu moved), gold events %zu, "
           "khaldun events %zu (+%zu outside the units)\n",
           "split", name, t->stories, t->units, t->relocated, t->moved, t->g_total, t->k_total,
           t->k_outside);
    for (int l = 0; l < N_LEVEL; l++) {
        double p = pct(t->k_ok[l], t->k_total), r = pct(t->g_ok[l], t->g_total);
        char ps[48], rs[48], fs[16];
        /* "-" where there is nothing to count: no events coded, no gold. */
        snprintf(ps, sizeof ps, t->k_total ? "%zu/%zu = %5.1f%%" : "%zu/%zu =     -", t->k_ok[l],
                 t->k_total, p);
        snprintf(rs, sizeof rs, t->g_total ? "%zu/%zu = %5.1f%%" : "%zu/%zu =     -", t->g_ok[l],
                 t->g_total, r);
        snprintf(fs, sizeof fs, t->k_total && t->g_total ? "%5.1f%%" : "    -", f1(p, r));
        printf("  %-4s %-10s precision %-20s recall %-20s F1 %s\n", name, gold_level_names[l], ps, rs, fs);
    }
}

static void print_confusion(const char *name, const tally *t)
{
    int rows[22] = {0}, cols[22] = {0};
    for (size_t a = 0; a < 22; a++)
        for (size_t b = 0; b < 22; b++)
            if (t->conf[a][b])
                rows[a] = cols[b] = 1;
    printf("confusion (%s; gold root down, khaldun root across, for each gold event the best khaldun "
           "event in its units; -- none)\n  gold\\kh",
           name);
    for (size_t b = 0; b < 22; b++)
        if (cols[b]) {
            if (b == 21)
                printf("  --");
            else
                printf("  %02zu", b);
        }
    printf("\n");
    for (size_t a = 0; a < 22; a++) {
        if (!rows[a])
            continue;
        if (a == 21)
            printf("  --     ");
        else
            printf("  %02zu     ", a);
        for (size_t b = 0; b < 22; b++)
            if (cols[b]) {
                if (t->conf[a][b])
                    printf(" %3zu", t->conf[a][b]);
                else
                    printf("   .");
            }
        printf("\n");
    }
}

static void print_classes(const char *name, const tally *t)
{
    printf("errors at root+dyad (%s)   misses  false\n", name);
    for (int c = 0; c < N_CLASS; c++)
        printf("  %-24s %6zu %6zu\n", gold_class_names[c], t->miss[c], t->fals[c]);
}

static void free_run(gold_run *g)
{
    for (size_t i = 0; i < g->n_units; i++) {
        free(g->units[i].ev);
        free(g->units[i].ids);
    }
    free(g->units);
    for (size_t i = 0; i < g->n_stories; i++)
        free(g->stories[i].dist);
    free(g->stories);
    for (size_t i = 0; i < g->n_files; i++)
        free(g->files[i]);
    free(g->files);
    for (int c = 0; c < N_CORPUS; c++) {
        corpus_file *cf = &g->corpora[c];
        free(cf->data);
        free(cf->keys);
        free(cf->key_len);
        free(cf->line_off);
        free(cf->line_len);
    }
    free(g->tr.cl);
}

static double parse_pct(const char *v, const char *opt)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || d < 0 || d > 100)
        usage_error(gold_usage, "%s wants a percentage from 0 to 100, not '%s'", opt, v);
    return d;
}

/* The command line, beyond what goes to the run. */
typedef struct gold_args {
    cli_models models;
    double min_recall, min_precision; /* -1: no floor */
    const char *shared;
    char **paths;                     /* gold files and directories, from argv */
    size_t n_paths;
} gold_args;

/* Reads the command line into g and *a (a->paths has room for argc
 * entries). Returns 0 when --help was given and printed. */
static int parse_args(int argc, char **argv, gold_run *g, gold_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        int used;
        if (!strcmp(opt, "--gold")) {
            continue;
        } else if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
            printf("usage: %s\n\n"
                   "Scores the coder on real-news gold (docs/annotation.md): fetches each unit's\n"
                   "record from the shared corpora, codes the story with the default images, and\n"
                   "prints precision, recall and F1 of events at three levels (found, root+dyad\n"
                   "at country level, full), per split, the per-root confusion and the error\n"
                   "classes of misses and false events. A DIR stands for its *.jsonl files.\n\n"
                   "  --split S                      dev, test or all (default: dev, test and all)\n"
                   "  --errors                       one line per miss and false event (dev only\n"
                   "                                 unless --split test)\n"
                   "  --shared DIR                   the shared data (default $KHALDUN_SHARED, else ../shared)\n"
                   "  --case MODE                    re-case the text before coding it: lower, upper,\n"
                   "                                 title (headline style) or as-is (the default)\n"
                   "  --min-root-dyad-recall PCT     exit 1 below this recall (selected split)\n"
                   "  --min-root-dyad-precision PCT  exit 1 below this precision\n"
                   "  --dict FILE, --lexicon FILE    other images than the default ones\n",
                   gold_usage);
            return 0;
        } else if (!strcmp(opt, "--split")) {
            if (++i >= argc)
                usage_error(gold_usage, "--split needs dev, test or all");
            if (!strcmp(argv[i], "dev"))
                g->split = SPLIT_DEV;
            else if (!strcmp(argv[i], "test"))
                g->split = SPLIT_TEST;
            else if (!strcmp(argv[i], "all"))
                g->split = SPLIT_ALL;
            else
                usage_error(gold_usage, "--split wants dev, test or all, not '%s'", argv[i]);
        } else if (!strcmp(opt, "--errors")) {
            g->errors = 1;
        } else if (!strcmp(opt, "--case")) {
            if (++i >= argc || (g->casing = eval_case_parse(argv[i])) < 0)
                usage_error(gold_usage, "--case wants lower, upper, title or as-is");
        } else if (!strcmp(opt, "--shared")) {
            if (++i >= argc)
                usage_error(gold_usage, "--shared needs a directory");
            a->shared = argv[i];
        } else if (!strcmp(opt, "--min-root-dyad-recall") ||
                   !strcmp(opt, "--min-root-dyad-precision")) {
            if (i + 1 >= argc)
                usage_error(gold_usage, "%s needs a percentage", opt);
            double v = parse_pct(argv[i + 1], opt);
            *(opt[16] == 'r' ? &a->min_recall : &a->min_precision) = v;
            i++;
        } else if ((used = cli_models_option(&a->models, argc, argv, i, gold_usage)) > 0) {
            i += used - 1;
        } else if (opt[0] == '-' && opt[1]) {
            usage_error(gold_usage, "unknown option '%s'", opt);
        } else {
            a->paths[a->n_paths++] = argv[i];
        }
    }
    if (!a->n_paths)
        usage_error(gold_usage, "no gold file given");
    if (!a->shared) {
        const char *env = getenv("KHALDUN_SHARED");
        a->shared = env && *env ? env : "../shared";
    }
    return 1;
}

/* Fetches each story of the selected split from its corpus, reads it as
 * `khaldun read` would and scores it (gold_on_story). */
static void score_stories(gold_run *g)
{
    kh_status st;
    dbuf line = {NULL, 0, 0};
    for (size_t i = 0; i < g->n_stories; i++) {
        gstory *s = &g->stories[i];
        const gunit *first = &g->units[s->first_unit];
        if (g->split != SPLIT_ALL && s->split != g->split)
            continue;
        if (!gold_story_line(g, s, &line)) {
            warn("%s:%zu: no record %s in %s", first->file, first->line, s->record,
                 gold_corpus_names[s->corpus]);
            g->rejected++;
            continue;
        }
        gold_dbuf_add(&line, "\n", 1);
        cli_input in;
        cli_input_init(&in);
        in.read.format = KH_INPUT_JSONL;
        in.diag.quiet_warnings = 1;
        kh_reader *r = NULL;
        st = kh_reader_new(&in.read, gold_corpus_paths[s->corpus], &r);
        if (st)
            fatal("%s", kh_strerror(st));
        g->cur = s;
        g->delivered = 0;
        st = kh_reader_push(r, line.p, line.len, gold_on_story, g);
        if (st == KH_OK)
            st = kh_reader_finish(r, gold_on_story, g);
        kh_reader_free(r);
        if (st)
            fatal("%s:%s: %s", gold_corpus_names[s->corpus], s->record, kh_strerror(st));
        if (!g->delivered) {
            warn("%s:%zu: %s:%s: the record gives no story", first->file, first->line,
                 gold_corpus_names[s->corpus], s->record);
            g->rejected++;
        }
    }
    free(line.p);
}

/* Prints the scores, the confusion and the error classes; returns the exit
 * code (EXIT_REJECTED on a rejected line or a floor not reached). */
static int report(const gold_run *g, double min_recall, double min_precision)
{
    tally all;
    memset(&all, 0, sizeof all);
    tally_add(&all, &g->t[SPLIT_DEV]);
    tally_add(&all, &g->t[SPLIT_TEST]);
    const tally *sel = g->split == SPLIT_ALL ? &all : &g->t[g->split];
    const char *sel_name = gold_split_names[g->split];
    printf("gold: %zu file%s, %zu units, %zu stories%s%s%s\n", g->n_files, g->n_files == 1 ? "" : "s",
           g->n_units, g->n_stories, g->casing ? ", text " : "", eval_case_label(g->casing),
           g->rejected ? " (some lines rejected, see above)" : "");
    if (g->split == SPLIT_ALL) {
        print_scores("dev", &g->t[SPLIT_DEV]);
        print_scores("test", &g->t[SPLIT_TEST]);
    }
    print_scores(sel_name, sel);
    print_confusion(sel_name, sel);
    print_classes(sel_name, sel);
    int rc = g->rejected ? EXIT_REJECTED : EXIT_OK;
    double rec = pct(sel->g_ok[L_ROOTDYAD], sel->g_total);
    double prec = pct(sel->k_ok[L_ROOTDYAD], sel->k_total);
    if (min_recall >= 0 && rec < min_recall) {
        warn("root+dyad recall %.1f%% (%s) is below the floor %.1f%%", rec, sel_name, min_recall);
        rc = EXIT_REJECTED;
    }
    if (min_precision >= 0 && prec < min_precision) {
        warn("root+dyad precision %.1f%% (%s) is below the floor %.1f%%", prec, sel_name,
             min_precision);
        rc = EXIT_REJECTED;
    }
    return rc;
}

int cmd_eval_gold(int argc, char **argv)
{
    gold_run g;
    memset(&g, 0, sizeof g);
    g.split = SPLIT_ALL;
    gold_args a;
    memset(&a, 0, sizeof a);
    cli_models_init(&a.models);
    a.min_recall = a.min_precision = -1;
    a.paths = gold_realloc(NULL, (size_t)argc * sizeof *a.paths);
    if (!parse_args(argc, argv, &g, &a)) {
        free(a.paths);
        return EXIT_OK;
    }
    g.shared = a.shared;
    for (size_t i = 0; i < a.n_paths; i++) {
        struct stat st;
        if (stat(a.paths[i], &st) == 0 && S_ISDIR(st.st_mode))
            gold_read_dir(&g, a.paths[i]);
        else
            gold_read_file(&g, a.paths[i]);
    }
    free(a.paths);
    gold_index(&g);

    cli_models_load(&a.models);
    kh_code_options opt;
    memset(&opt, 0, sizeof opt);
    opt.dict = a.models.dict;
    opt.lexicon = a.models.lexicon;
    opt.trace = gold_on_trace;
    opt.trace_ctx = &g.tr;
    kh_status st = kh_coder_new(&opt, &g.coder);
    if (st)
        fatal("%s", kh_strerror(st));
    st = kh_scratch_new(NULL, NULL, &g.scratch);
    if (st)
        fatal("%s", kh_strerror(st));
    score_stories(&g);
    kh_coder_free(g.coder);
    kh_scratch_free(g.scratch);
    cli_models_free(&a.models);

    int rc = report(&g, a.min_recall, a.min_precision);
    free_run(&g);
    return rc;
}
