/*
 * cmd_code.c: `khaldun code [options] [FILE...]`: the main job. Reads
 * stories, codes events with the lexicon and dictionary image, and writes
 * them as JSON Lines (default) or GDELT 2.0 Events (and Mentions) TSV.
 * Ends with a summary on standard error: stories read, rejected, events.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"

static const char code_usage[] =
    "khaldun code [--format jsonl|gdelt] [--mentions FILE] [--dict FILE] [--dict-format F]\n"
    "                    [--input FORMAT] [--date YYYY-MM-DD] [--quiet] [FILE...]";

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
           "  --input FORMAT    auto (default), text, jsonl, tabari, petrarch\n"
           "  --date DATE       date for stories whose record has none\n"
           "  --quiet           no summary on standard error\n\n"
           "Exit status: 0 ok, 1 some input records were rejected, 2 fatal error.\n", code_usage);
}

typedef struct code_state {
    kh_coder *coder;
    const kh_dict *dict;
    int gdelt;
    FILE *mentions;
    uint64_t next_id;
    size_t events;
} code_state;

static kh_status write_stdout(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    cli_write(data, len);
    return KH_OK;
}

static kh_status write_file(void *ctx, const char *data, size_t len)
{
    if (fwrite(data, 1, len, (FILE *)ctx) != len)
        fatal("writing mentions: %s", strerror(errno));
    return KH_OK;
}

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
    if (cs->gdelt)
        return kh_events_write_gdelt(story, ev, n, &cs->next_id, write_stdout, NULL,
                                     cs->mentions ? write_file : NULL, cs->mentions);
    return kh_events_write_json(story, ev, n, kh_dict_hash(cs->dict), write_stdout, NULL);
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
    int quiet = 0;
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
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
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
    cs.dict = models.dict;
    if (mentions_path && !(cs.mentions = fopen(mentions_path, "w")))
        fatal("%s: %s", mentions_path, strerror(errno));
    kh_code_options opt;
    memset(&opt, 0, sizeof opt);
    opt.dict = models.dict;
    opt.lexicon = models.lexicon;
    opt.limits = in.read.limits;
    kh_status st = kh_coder_new(&opt, &cs.coder);
    if (st)
        fatal("%s", kh_strerror(st));
    st = cli_input_run(&in, argc - i, argv + i, on_story, &cs);
    kh_coder_free(cs.coder);
    if (cs.mentions && fclose(cs.mentions) != 0)
        fatal("%s: %s", mentions_path, strerror(errno));
    cli_models_free(&models);
    if (st)
        fatal("%s", kh_strerror(st));
    if (!quiet)
        fprintf(stderr, "khaldun: %zu stor%s read, %zu rejected, %zu event%s written\n", in.stories,
                in.stories == 1 ? "y" : "ies", in.rejected, cs.events, cs.events == 1 ? "" : "s");
    return in.rejected || in.diag.errors ? EXIT_REJECTED : EXIT_OK;
}
