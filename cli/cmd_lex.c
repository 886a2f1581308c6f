/*
 * cmd_lex.c: `khaldun lex build|info|lookup`: compiles the lexicon image from
 * WordNet and khaldun's closed-class lists with the tagger's weights (read
 * from the shipped weights file, or trained on a CoNLL-U file), describes an
 * image, and looks words up in it. The image is
 * what the tagging stage and every later stage read.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

static const char lex_usage[] =
    "khaldun lex build [--wordnet DIR] [--closed DIR] [--model WEIGHTS [--stale-model-ok]]\n"
    "                         [--train CONLLU [--epochs N] [--save-model WEIGHTS]] -o FILE\n"
    "       khaldun lex info [FILE]\n"
    "       khaldun lex lookup [--lexicon FILE] WORD...";

static void lex_help(void)
{
    printf("usage: %s\n\n"
           "build   compiles the lexicon image: every inflected form of WordNet's verbs,\n"
           "        nouns and adjectives with lemmas, parts of speech and frequency hints,\n"
           "        plus the closed-class lists of DIR (data/lexicon), and the part-of-speech\n"
           "        tagger's weights: read from a weights file (--model, set-up uses the\n"
           "        shipped data/model/tagger.txt) or trained on a CoNLL-U file (--train;\n"
           "        `make model` trains on UD English-EWT dev and saves data/model/tagger.txt).\n"
           "        Neither: the rule-based tagger.\n"
           "          --wordnet DIR         WordNet database (default /usr/share/wordnet)\n"
           "          --closed DIR          closed-class lists (default data/lexicon)\n"
           "          --model FILE          the tagger's weights file to use\n"
           "          --stale-model-ok      use it even if it was trained against another lexicon\n"
           "          --train FILE          CoNLL-U file to train the tagger on\n"
           "          --epochs N            training passes (default 12)\n"
           "          --save-model FILE     with --train: write the weights file too\n"
           "          -o FILE               the image to write\n"
           "info    counts, hashes and load time of an image (default: the installed one)\n"
           "lookup  the entries of each WORD: lemma, parts of speech, flags, frequency\n",
           lex_usage);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *default_image(void)
{
    const char *p = cli_data_path("lexicon.img");
    if (!p)
        cli_data_missing("lexicon image", "lexicon.img", "a FILE");
    return p;
}

static kh_lexicon *load_or_die(const char *path)
{
    kh_lexicon *lex = NULL;
    kh_error err;
    memset(&err, 0, sizeof err);
    kh_status st = kh_lexicon_load(path, NULL, &lex, &err);
    if (st)
        fatal("%s", err.message[0] ? err.message : kh_strerror(st));
    return lex;
}

static int lex_build(int argc, char **argv)
{
    kh_lexicon_build_options opt;
    memset(&opt, 0, sizeof opt);
    opt.wordnet_dir = "/usr/share/wordnet";
    opt.closed_dir = "data/lexicon";
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            lex_help();
            return EXIT_OK;
        } else if (!strcmp(a, "--wordnet") && more) {
            opt.wordnet_dir = argv[++i];
        } else if (!strcmp(a, "--closed") && more) {
            opt.closed_dir = argv[++i];
        } else if (!strcmp(a, "--model") && more) {
            opt.model = argv[++i];
        } else if (!strcmp(a, "--stale-model-ok")) {
            opt.flags |= KH_LEXICON_STALE_MODEL_OK;
        } else if (!strcmp(a, "--save-model") && more) {
            opt.save_model = argv[++i];
        } else if (!strcmp(a, "--train") && more) {
            opt.train_conllu = argv[++i];
        } else if (!strcmp(a, "--epochs") && more) {
            long n = strtol(argv[++i], NULL, 10);
            if (n < 1 || n > 100)
                usage_error(lex_usage, "--epochs takes 1..100");
            opt.train_epochs = (unsigned)n;
        } else if (!strcmp(a, "-o") && more) {
            out = argv[++i];
        } else {
            usage_error(lex_usage, "unknown option '%s'", a);
        }
    }
    if (!out)
        usage_error(lex_usage, "lex build needs -o FILE");
    if (opt.model && opt.train_conllu)
        usage_error(lex_usage, "--model and --train exclude each other");
    if (opt.save_model && !opt.train_conllu)
        usage_error(lex_usage, "--save-model needs --train");
    kh_error err;
    memset(&err, 0, sizeof err);
    double t0 = now_s();
    kh_status st = kh_lexicon_build_with(&opt, out, &err);
    if (st)
        fatal("%s", err.message[0] ? err.message : kh_strerror(st));
    double t1 = now_s();
    struct stat sb;
    if (stat(out, &sb) != 0 || !S_ISREG(sb.st_mode)) { /* a device or pipe: written in place */
        fprintf(stderr, "khaldun: wrote %s in %.2f s\n", out, t1 - t0);
        return EXIT_OK;
    }
    kh_lexicon *lex = load_or_die(out);
    size_t forms, lemmas;
    kh_lexicon_counts(lex, &forms, &lemmas);
    fprintf(stderr, "khaldun: wrote %s: %zu forms, %zu lemmas, %s%s in %.2f s\n", out, forms,
            lemmas, !kh_lexicon_has_model(lex) ? "rule-based tagger"
                    : opt.model                ? "tagger weights from "
                                               : "trained tagger",
            opt.model ? opt.model : "", t1 - t0);
    if (opt.save_model)
        fprintf(stderr, "khaldun: wrote %s: the tagger's weights\n", opt.save_model);
    kh_lexicon_free(lex);
    return EXIT_OK;
}

static int lex_info(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            lex_help();
            return EXIT_OK;
        }
        if (path)
            usage_error(lex_usage, "lex info takes one FILE");
        path = argv[i];
    }
    if (!path)
        path = default_image();
    double t0 = now_s();
    kh_lexicon *lex = load_or_die(path);
    double t1 = now_s();
    size_t forms, lemmas;
    uint64_t sum, src;
    kh_lexicon_counts(lex, &forms, &lemmas);
    kh_lexicon_hashes(lex, &sum, &src);
    printf("lexicon %s\n", path);
    printf("  forms        %zu\n", forms);
    printf("  lemmas       %zu\n", lemmas);
    printf("  tagger       %s\n", kh_lexicon_has_model(lex) ? "averaged perceptron (trained)"
                                                            : "rules (no trained model)");
    printf("  image hash   %016llx\n", (unsigned long long)sum);
    printf("  source hash  %016llx\n", (unsigned long long)src);
    printf("  load time    %.2f ms\n", (t1 - t0) * 1e3);
    kh_lexicon_free(lex);
    return EXIT_OK;
}

static void print_flags(uint32_t f)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        {KH_LEXF_CLOSED, "closed"}, {KH_LEXF_REPORT, "report"}, {KH_LEXF_MODAL, "modal"},
        {KH_LEXF_NEG, "neg"},       {KH_LEXF_AUX, "aux"},       {KH_LEXF_QUANT, "quant"},
        {KH_LEXF_NUMWORD, "num"},   {KH_LEXF_WORDNET, "wordnet"}, {KH_LEXF_IRREG, "irregular"},
        {KH_LEXF_INFL, "inflected"}, {KH_LEXF_PROPER, "proper"}, {KH_LEXF_NEWS, "news"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (f & names[i].bit)
            printf(" %s", names[i].name);
}

static int lex_lookup(int argc, char **argv)
{
    const char *path = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--lexicon") && i + 1 < argc)
            path = argv[++i];
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            lex_help();
            return EXIT_OK;
        } else
            usage_error(lex_usage, "unknown option '%s'", argv[i]);
    }
    kh_lexicon *lex = load_or_die(path ? path : default_image());
    int rc = EXIT_OK;
    for (; i < argc; i++) {
        kh_lexicon_entry e[64];
        size_t n = kh_lexicon_lookup(lex, argv[i], strlen(argv[i]), e, 64);
        if (!n) {
            printf("%s\t(unknown)\n", argv[i]);
            rc = EXIT_REJECTED;
            continue;
        }
        for (size_t k = 0; k < n && k < 64; k++) {
            printf("%s\t%s\t", argv[i], e[k].lemma);
            const char *sep = "";
            for (int u = 0; u < KH_UPOS_COUNT; u++)
                if (e[k].upos_set & (1u << u)) {
                    printf("%s%s", sep, kh_upos_name((kh_upos)u));
                    sep = "|";
                }
            printf("\tfreq=%u", e[k].freq);
            print_flags(e[k].flags);
            printf("\n");
        }
    }
    kh_lexicon_free(lex);
    return rc;
}

int cmd_lex(int argc, char **argv)
{
    if (argc < 2) {
        usage_error(lex_usage, "lex needs an action");
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        lex_help();
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "build"))
        return lex_build(argc - 1, argv + 1);
    if (!strcmp(argv[1], "info"))
        return lex_info(argc - 1, argv + 1);
    if (!strcmp(argv[1], "lookup"))
        return lex_lookup(argc - 1, argv + 1);
    usage_error(lex_usage, "unknown lex action '%s'", argv[1]);
}
