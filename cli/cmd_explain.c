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

static void print_sentence(const kh_doc *doc, size_t si)
{
    const kh_sentence *se = &doc->sentences[si];
    const kh_story *st = doc->story;
    printf("\nsentence %zu (%s): %.*s\n  tags:", si, se->kind == KH_UNIT_HEADLINE ? "headline" : "body",
           (int)se->span.len, st->text + se->span.off);
    for (size_t t = se->first_token; t < se->first_token + se->n_tokens; t++)
        printf(" %.*s/%s", (int)doc->tokens[t].norm_len, doc->tokens[t].norm,
               doc->upos ? kh_upos_name((kh_upos)doc->upos[t]) : "?");
    printf("\n");
    for (size_t c = 0; c < doc->n_clauses; c++) {
        const kh_clause *cl = &doc->clauses[c];
        if (cl->sentence != si)
            continue;
        const kh_chunk *vg = &doc->chunks[cl->verb];
        printf("  clause %zu: verb [", c);
        for (size_t t = vg->aux_first; t < vg->end; t++)
            printf("%s%.*s", t > vg->aux_first ? " " : "", (int)doc->tokens[t].norm_len, doc->tokens[t].norm);
        printf("]");
        int32_t parts[4] = {cl->subject, cl->object, cl->agent, cl->reporter};
        const char *names[4] = {"subject", "object", "by", "reported by"};
        for (int p = 0; p < 4; p++) {
            if (parts[p] < 0)
                continue;
            const kh_chunk *np = &doc->chunks[parts[p]];
            printf(" %s [", names[p]);
            for (size_t t = np->first; t < np->end; t++)
                printf("%s%.*s", t > np->first ? " " : "", (int)doc->tokens[t].norm_len, doc->tokens[t].norm);
            printf("]");
        }
        printf("\n");
    }
}

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
    if (doc)
        for (size_t si = 0; si < doc->n_sentences; si++)
            print_sentence(doc, si);
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
    for (; i < argc; i++) {
        const char *a = argv[i];
        int used;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            explain_help();
            return EXIT_OK;
        } else if (!strcmp(a, "-e")) {
            if (++i >= argc)
                usage_error(explain_usage, "-e needs a sentence");
            text = argv[i];
        } else if ((used = cli_input_option(&in, argc, argv, i, explain_usage)) > 0 ||
                   (used = cli_models_option(&models, argc, argv, i, explain_usage)) > 0) {
            i += used - 1;
        } else if (a[0] == '-' && a[1]) {
            usage_error(explain_usage, "unknown option '%s'", a);
        } else {
            break;
        }
    }
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
        kh_unit unit = {KH_UNIT_BODY, {0, strlen(text)}};
        kh_story story;
        memset(&story, 0, sizeof story);
        story.id = "-e";
        story.source = "-e";
        story.text = text;
        story.text_len = strlen(text);
        story.units = &unit;
        story.n_units = 1;
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
