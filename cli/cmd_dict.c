/*
 * cmd_dict.c: `khaldun dict build|check|info`: compile dictionary sources
 * (khaldun's format, or TABARI / PETRARCH through the importers) into the
 * versioned image the coder maps, report every source error as
 * FILE:LINE:COL, and print an image's counts and hash.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char dict_usage[] =
    "khaldun dict build [-o IMAGE] [--format khaldun|tabari|petrarch] [--strict] SOURCE...\n"
    "       khaldun dict check [--format FORMAT] [--strict] SOURCE...\n"
    "       khaldun dict info [--time] [IMAGE]\n"
    "       khaldun dict lookup [--image FILE] [--date YYYY-MM-DD] PHRASE...\n"
    "       khaldun dict codes [IMAGE]";

static void dict_help(void)
{
    printf("usage: %s\n\n"
           "build   compile the sources into one image (default build/data/khaldun.dict)\n"
           "check   report every error as FILE:LINE:COL without writing an image\n"
           "info    counts by kind, size and hash of an image (default: the installed one);\n"
           "        --time adds the time kh_dict_load took, in milliseconds\n"
           "lookup  every meaning of each phrase: phrase, kind, code on the date, name\n"
           "codes   each CAMEO code, Goldstein value, QuadClass and its number of patterns\n\n"
           "A SOURCE is a file or a directory (all *.txt files in it, recursively, in\n"
           "name order). --format tabari|petrarch reads the peers' dictionary formats;\n"
           "khaldun's CAMEO code table (data/cameo.txt) is then added automatically\n"
           "when found, so imported verb codes have names and Goldstein values. A\n"
           "TABARI directory is read by TABARI's extensions (.actors .agents .verbs\n"
           ".options), or through its .project file when it holds one.\n\n"
           "The peers' files are read as the peers read them: a line the peer would\n"
           "skip is skipped with a warning, the image is still written (exit 0), and\n"
           "a summary counts what was read and loaded. --strict makes every such line\n"
           "an error (exit 1, no image), for people who write new dictionaries.\n", dict_usage);
}

/* Loads a dictionary image (fatal with its message on failure). */
static kh_dict *load_image(const char *path)
{
    kh_dict *d;
    kh_error err;
    memset(&err, 0, sizeof err);
    kh_status s = kh_dict_load(path, NULL, &d, &err);
    if (s)
        fatal("%s", err.message[0] ? err.message : kh_strerror(s));
    return d;
}

typedef struct dict_run {
    kh_dict_builder *b;
    kh_dict_format format;
    size_t files;
} dict_run;

static void add_path(dict_run *r, const char *path)
{
    r->files += cli_dict_add(r->b, r->format, path);
}

/* data/cameo.txt next to the executable, for imported dictionaries. */
static const char *cameo_source(void)
{
    static char path[4096];
    const char *env = getenv("KHALDUN_SOURCE_DATA");
    snprintf(path, sizeof path, "%s/cameo.txt", env && *env ? env : "data");
    struct stat st;
    return stat(path, &st) == 0 ? path : NULL;
}

static int dict_build(int argc, char **argv, int check_only)
{
    const char *out = NULL;
    dict_run r = {NULL, KH_DICT_KHALDUN, 0};
    int i = 1, strict = 0;
    int end = argc;
    for (; i < end; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (++i >= end)
                usage_error(dict_usage, "%s needs a file", a);
            out = argv[i];
        } else if (!strcmp(a, "--format")) {
            if (++i >= end)
                usage_error(dict_usage, "--format needs a value");
            if (!strcmp(argv[i], "khaldun")) r.format = KH_DICT_KHALDUN;
            else if (!strcmp(argv[i], "tabari")) r.format = KH_DICT_TABARI;
            else if (!strcmp(argv[i], "petrarch")) r.format = KH_DICT_PETRARCH;
            else usage_error(dict_usage, "unknown dictionary format '%s'", argv[i]);
        } else if (!strcmp(a, "--strict")) {
            strict = 1;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            dict_help();
            return EXIT_OK;
        } else if (a[0] == '-' && a[1]) {
            usage_error(dict_usage, "unknown option '%s'", a);
        } else {
            cli_operand_defer(argc, argv, i--, &end);
        }
    }
    i = end;
    if (i >= argc)
        usage_error(dict_usage, "no dictionary sources given");
    if (!out && !check_only)
        out = "build/data/khaldun.dict";
    cli_diag diag = {0, 0, 0, 1};
    kh_status s = kh_dict_builder_new(NULL, cli_diag_print, &diag, &r.b);
    if (s)
        fatal("%s", kh_strerror(s));
    kh_dict_builder_set_flags(r.b, strict ? KH_DICT_STRICT : 0);
    if (r.format != KH_DICT_KHALDUN) {
        const char *cameo = cameo_source();
        if (cameo) {
            s = kh_dict_builder_add(r.b, KH_DICT_KHALDUN, cameo, NULL, 0);
            if (s && s != KH_ERR_FORMAT)
                fatal("%s: %s", cameo, kh_strerror(s));
        }
    }
    for (; i < argc; i++)
        add_path(&r, argv[i]);
    kh_error err;
    memset(&err, 0, sizeof err);
    s = kh_dict_builder_finish(r.b, check_only ? NULL : out, &err);
    if (!strict)
        cli_dict_summary(r.b);
    kh_dict_builder_free(r.b);
    if (s == KH_ERR_FORMAT && !diag.errors && err.message[0])
        fatal("%s%s", err.message, check_only ? "" : "; no image written");
    if (s == KH_ERR_FORMAT || diag.errors) {
        fprintf(stderr, "khaldun: %zu error%s, %zu warning%s in %zu file%s%s\n", diag.errors,
                diag.errors == 1 ? "" : "s", diag.warnings, diag.warnings == 1 ? "" : "s", r.files,
                r.files == 1 ? "" : "s", check_only ? "" : "; no image written");
        return EXIT_REJECTED;
    }
    if (s)
        fatal("%s", err.message[0] ? err.message : kh_strerror(s));
    if (check_only)
        fprintf(stderr, "khaldun: %zu file%s checked, no errors, %zu warning%s\n", r.files,
                r.files == 1 ? "" : "s", diag.warnings, diag.warnings == 1 ? "" : "s");
    return EXIT_OK;
}

static int dict_info(int argc, char **argv)
{
    const char *path = NULL;
    int timed = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            dict_help();
            return EXIT_OK;
        }
        if (!strcmp(argv[i], "--time")) {
            timed = 1;
            continue;
        }
        path = argv[i];
    }
    if (!path)
        path = cli_data_path("khaldun.dict");
    if (!path)
        cli_data_missing("dictionary image", "khaldun.dict", "a FILE");
    uint64_t t0 = kh_clock_ns();
    kh_dict *d = load_image(path);
    uint64_t load_ns = kh_clock_ns() - t0;
    kh_dict_stats st;
    kh_dict_stats_get(d, &st);
    printf("image      %s\nhash       %s\nbytes      %zu\n"
           "codes      %zu\ncountries  %zu\nactors     %zu (%zu dated roles)\nagents     %zu\n"
           "places     %zu\nsynsets    %zu\npatterns   %zu\nwords      %zu\nphrases    %zu\n",
           path, kh_dict_hash(d), st.bytes, st.codes, st.countries, st.actors, st.roles, st.agents,
           st.places, st.synsets, st.patterns, st.words, st.phrases);
    if (timed)
        printf("load_ms    %.3f\n", (double)load_ns / 1e6);
    kh_dict_free(d);
    return EXIT_OK;
}

static void print_phrase(void *ctx, const kh_phrase_info *info)
{
    static const char *const kinds[] = {"", "actor", "country", "demonym", "capital",
                                        "agent", "place", "synset"};
    const char *phrase = (const char *)ctx;
    printf("%s\t%s\t%s\t%s\n", phrase, kinds[info->kind <= 7 ? info->kind : 0],
           info->code[0] ? info->code : "-", info->name);
}

/* khaldun dict lookup [--image FILE] [--date D] PHRASE...: what each phrase
 * means, one line per meaning: phrase, kind, code, name. */
static int dict_lookup(int argc, char **argv)
{
    const char *path = NULL;
    kh_date date = {0, 0, 0};
    int i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--image") && i + 1 < argc) {
            path = argv[++i];
        } else if (!strcmp(argv[i], "--date") && i + 1 < argc) {
            i++;
            if (kh_date_parse(argv[i], strlen(argv[i]), &date) != KH_OK)
                usage_error(dict_usage, "--date wants YYYY-MM-DD");
        } else {
            break;
        }
    }
    if (!path)
        path = cli_data_path("khaldun.dict");
    if (!path)
        cli_data_missing("dictionary image", "khaldun.dict", "--image FILE");
    kh_dict *d = load_image(path);
    kh_scratch *scratch;
    if (kh_scratch_new(NULL, NULL, &scratch) != KH_OK)
        fatal("out of memory");
    int missing = 0;
    for (; i < argc; i++)
        if (!kh_dict_lookup(d, scratch, argv[i], strlen(argv[i]), date, print_phrase, argv[i])) {
            printf("%s\t-\t-\t-\n", argv[i]);
            missing = 1;
        }
    kh_scratch_free(scratch);
    kh_dict_free(d);
    return missing ? EXIT_REJECTED : EXIT_OK;
}

/* khaldun dict codes [IMAGE]: each CAMEO code, its Goldstein value, QuadClass
 * and how many verb patterns code to it. */
static int dict_codes(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : cli_data_path("khaldun.dict");
    if (!path)
        cli_data_missing("dictionary image", "khaldun.dict", "a FILE");
    kh_dict *d = load_image(path);
    kh_dict_stats st;
    kh_dict_stats_get(d, &st);
    for (size_t i = 0; i < st.codes; i++) {
        kh_code_info ci;
        if (kh_dict_code_info(d, i, &ci) == KH_OK)
            printf("%s\t%.1f\t%d\t%zu\t%s\n", ci.code, ci.goldstein, ci.quad, ci.patterns, ci.name);
    }
    kh_dict_free(d);
    return EXIT_OK;
}

int cmd_dict(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "lookup"))
        return dict_lookup(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "codes"))
        return dict_codes(argc - 1, argv + 1);
    if (argc < 2)
        usage_error(dict_usage, "dict needs an action: build, check or info");
    if (!strcmp(argv[1], "build"))
        return dict_build(argc - 1, argv + 1, 0);
    if (!strcmp(argv[1], "check"))
        return dict_build(argc - 1, argv + 1, 1);
    if (!strcmp(argv[1], "info"))
        return dict_info(argc - 1, argv + 1);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        dict_help();
        return EXIT_OK;
    }
    usage_error(dict_usage, "unknown dict action '%s'", argv[1]);
}
