/*
 * cmd_explain.c: `khaldun explain [options] [FILE...]` or `khaldun explain
 * -e "SENTENCE"`: shows, for each sentence, the tokens with their tags, the
 * clauses the parser found, and each step that led to an event or to none
 * (pattern tried, actors resolved, negation, intent, date shift, place).
 * How users debug their dictionaries.
 */
#include <string.h>

#include "cli.h"

static const char explain_usage[] =
    "khaldun explain [--date YYYY-MM-DD] [--dict FILE] [--dict-format F] (-e SENTENCE | FILE...)";

static void explain_help(void)
{
    printf("usage: %s\n\n"
           "Explains how each sentence was coded: tags, clauses (subject, verb group,\n"
           "object, flags), the pattern matched, actor resolution, date and place, and\n"
           "the events that resulted, or why none did.\n\n"
           "  -e TEXT           explain this text instead of reading files\n"
           "  --date DATE       story date (default: none, so dated roles use the current one)\n", explain_usage);
}

typedef struct explain_state {
    kh_coder *coder;
    size_t last_sentence;
    const kh_story *story;
    int header_done;
} explain_state;

static void on_trace(void *ctx, size_t sentence, const char *line)
{
    explain_state *es = (explain_state *)ctx;
    (void)sentence;
    (void)es;
    printf("    %s\n", line);
}

static kh_status on_story(void *ctx, const kh_story *story)
{
    explain_state *es = (explain_state *)ctx;
    const kh_event *ev;
    size_t n;
    printf("story %s (date %04d-%02d-%02d)\n", story->id, story->date.year, story->date.month,
           story->date.day);
    kh_status st = kh_coder_code(es->coder, story, &ev, &n);
    if (st)
        fatal("%s:%zu: %s", story->source, story->line, kh_strerror(st));
    const kh_doc *doc = kh_coder_doc(es->coder);
    if (doc) {
        printf("\n");
        cli_print_tree(doc);
    }
    printf("\nevents after merging (%zu):\n", n);
    for (size_t i = 0; i < n; i++)
        printf("  %04d-%02d-%02d  %-12s %-12s %-5s %s  (%zu mention%s)\n", ev[i].date.year,
               ev[i].date.month, ev[i].date.day, ev[i].source, ev[i].target ? ev[i].target : "-",
               ev[i].code, ev[i].name, ev[i].n_mentions, ev[i].n_mentions == 1 ? "" : "s");
    return KH_OK;
}

int cmd_explain(int argc, char **argv)
{
    cli_input in;
    cli_input_init(&in);
    cli_models models;
    cli_models_init(&models);
    const char *text = NULL;
    int i = 1;
    int end = argc;
    for (; i < end; i++) {
        const char *a = argv[i];
        int used;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            explain_help();
            return EXIT_OK;
        } else if ((used = cli_text_option(&in, &models, &text, end, argv, i, explain_usage)) > 0) {
            i += used - 1;
        } else if (a[0] == '-' && a[1]) {
            usage_error(explain_usage, "unknown option '%s'", a);
        } else {
            cli_operand_defer(argc, argv, i--, &end);
        }
    }
    i = end;
    cli_models_load(&models);
    explain_state es;
    memset(&es, 0, sizeof es);
    kh_code_options opt;
    memset(&opt, 0, sizeof opt);
    opt.dict = models.dict;
    opt.lexicon = models.lexicon;
    opt.trace = on_trace;
    opt.trace_ctx = &es;
    kh_status st = kh_coder_new(&opt, &es.coder);
    if (st)
        fatal("%s", kh_strerror(st));
    if (text) {
        kh_unit unit;
        kh_story story;
        kh_story_from_text(&story, &unit, text, strlen(text));
        story.date = in.read.default_date;
        st = on_story(&es, &story);
    } else {
        st = cli_input_run(&in, argc - i, argv + i, on_story, &es);
    }
    kh_coder_free(es.coder);
    cli_models_free(&models);
    if (st)
        fatal("%s", kh_strerror(st));
    return in.rejected ? EXIT_REJECTED : EXIT_OK;
}
