/*
 * cmd_read.c: `khaldun read [options] [FILE...]`: reads stories in any input
 * format, cleans them, splits sentences and tokens, and prints one JSON
 * object per story. For inspection and for the golden tests of the first
 * pipeline stages.
 */
#include <string.h>

#include "cli.h"

static const char read_usage[] =
    "khaldun read [--input FORMAT] [--date YYYY-MM-DD] [--no-tokens] [FILE...]";

static void read_help(void)
{
    printf("usage: %s\n\n"
           "Reads news stories and prints each as one JSON object: id, date, title,\n"
           "dateline, captions (kept out of the text to code), units (headline and\n"
           "paragraphs), sentences with byte offsets, and their tokens as\n"
           "[normalised form, offset, length].\n\n"
           "options:\n"
           "  --input FORMAT    auto (default), text, jsonl, tabari, petrarch\n"
           "  --date DATE       date for stories whose record has none\n"
           "  --max-line N      longest input line kept (default 8M); longer lines are rejected\n"
           "  --max-tokens N    tokens kept per sentence (default 1000)\n"
           "  --no-tokens       omit tokens\n", read_usage);
}

typedef struct read_state {
    kh_scratch *scratch;
    unsigned json_flags;
} read_state;

static kh_status on_story(void *ctx, const kh_story *story)
{
    read_state *rs = (read_state *)ctx;
    const kh_doc *doc;
    kh_status st = kh_analyze(rs->scratch, NULL, story, KH_ANALYZE_TOKENS, &doc);
    if (st)
        fatal("%s:%zu: %s", story->source, story->line, kh_strerror(st));
    return kh_doc_write_json(doc, rs->json_flags, cli_write_stdout, NULL);
}

int cmd_read(int argc, char **argv)
{
    cli_input in;
    cli_input_init(&in);
    read_state rs = {NULL, KH_JSON_TOKENS};
    int i = 1;
    int end = argc;
    for (; i < end; i++) {
        const char *a = argv[i];
        int used;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            read_help();
            return EXIT_OK;
        } else if (!strcmp(a, "--no-tokens")) {
            rs.json_flags = 0;
        } else if ((used = cli_input_option(&in, end, argv, i, read_usage)) > 0) {
            i += used - 1;
        } else if (!strcmp(a, "--")) {
            cli_operands_rest(argc, argv, i, &end);
            break;
        } else if (a[0] == '-' && a[1]) {
            usage_error(read_usage, "unknown option '%s'", a);
        } else {
            cli_operand_defer(argc, argv, i--, &end);
        }
    }
    i = end;
    kh_status st = kh_scratch_new(NULL, &in.read.limits, &rs.scratch);
    if (st)
        fatal("%s", kh_strerror(st));
    st = cli_input_run(&in, argc - i, argv + i, on_story, &rs);
    kh_scratch_free(rs.scratch);
    if (st)
        fatal("%s", kh_strerror(st));
    return in.rejected || in.diag.errors ? EXIT_REJECTED : EXIT_OK;
}
