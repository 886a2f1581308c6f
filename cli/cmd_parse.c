/*
 * cmd_parse.c: `khaldun parse [options] [FILE...]`: the language layer made
 * visible. Per story, one JSON object with each sentence's tokens
 * ([form, offset, length, UPOS, lemma]), chunks (noun phrases, prepositional
 * phrases, verb groups with their flags) and clauses (subject, verb group,
 * object, passive agent, reporter); or with --pretty a readable tree.
 */
#include <string.h>

#include "cli.h"

static const char parse_usage[] =
    "khaldun parse [--pretty] [--lexicon FILE] [--input FORMAT] [--date DATE] (-e TEXT | FILE...)";

typedef struct parse_state {
    kh_scratch *scratch;
    const kh_lexicon *lex;
    int pretty;
} parse_state;

static void print_words(const kh_doc *doc, uint32_t first, uint32_t end)
{
    for (uint32_t t = first; t < end; t++)
        printf("%s%.*s", t > first ? " " : "", (int)doc->tokens[t].norm_len, doc->tokens[t].norm);
}

static void print_np(const kh_doc *doc, const char *label, int32_t ci)
{
    if (ci < 0)
        return;
    const kh_chunk *np = &doc->chunks[ci];
    printf("      %-9s ", label);
    print_words(doc, np->first, np->end);
    for (int32_t m = np->member; m >= 0; m = doc->chunks[m].member) {
        printf(" + ");
        print_words(doc, doc->chunks[m].first, doc->chunks[m].end);
    }
    printf("   (head: %.*s)\n", (int)doc->tokens[np->head].norm_len, doc->tokens[np->head].norm);
}

void cli_print_tree(const kh_doc *doc)
{
    static const char *const vg_flags[] = {"negated", "passive", "modal", "future", "past",
                                           "perfect", "intent", "refusal", "reporting",
                                           "participle", "attempt"};
    static const char *const cl_flags[] = {"reported", "relative", "participial", "coordinated",
                                           "quote"};
    const kh_story *st = doc->story;
    printf("story %s\n", st->id);
    for (size_t si = 0; si < doc->n_sentences; si++) {
        const kh_sentence *se = &doc->sentences[si];
        printf("  sentence %zu (%s): %.*s\n    ", si, se->kind == KH_UNIT_HEADLINE ? "headline" : "body",
               (int)se->span.len, st->text + se->span.off);
        for (size_t t = se->first_token; t < se->first_token + se->n_tokens; t++)
            printf("%.*s/%s ", (int)doc->tokens[t].norm_len, doc->tokens[t].norm,
                   doc->upos ? kh_upos_name((kh_upos)doc->upos[t]) : "?");
        printf("\n");
        for (size_t c = 0; c < doc->n_clauses; c++) {
            const kh_clause *cl = &doc->clauses[c];
            if (cl->sentence != si)
                continue;
            const kh_chunk *vg = &doc->chunks[cl->verb];
            printf("    clause %zu", c);
            for (size_t f = 0; f < sizeof cl_flags / sizeof cl_flags[0]; f++)
                if (cl->flags & (1u << f))
                    printf(" [%s]", cl_flags[f]);
            printf("\n      verb      ");
            print_words(doc, vg->aux_first, vg->end);
            printf("   (lemma: %s", vg->lemma ? vg->lemma : "?");
            for (size_t f = 0; f < sizeof vg_flags / sizeof vg_flags[0]; f++)
                if (vg->flags & (1u << f))
                    printf(", %s", vg_flags[f]);
            printf(")\n");
            print_np(doc, "subject", cl->subject);
            print_np(doc, "object", cl->object);
            print_np(doc, "by", cl->agent);
            print_np(doc, "reporter", cl->reporter);
        }
    }
}

static kh_status on_story(void *ctx, const kh_story *story)
{
    parse_state *ps = (parse_state *)ctx;
    const kh_doc *doc;
    kh_status st = kh_analyze(ps->scratch, ps->lex, story,
                              KH_ANALYZE_TOKENS | KH_ANALYZE_TAGS | KH_ANALYZE_CHUNKS, &doc);
    if (st)
        fatal("%s:%zu: %s", story->source, story->line, kh_strerror(st));
    if (ps->pretty) {
        cli_print_tree(doc);
        return KH_OK;
    }
    return kh_doc_write_json(doc, KH_JSON_TAGS | KH_JSON_CHUNKS, cli_write_stdout, NULL);
}

int cmd_parse(int argc, char **argv)
{
    cli_input in;
    cli_input_init(&in);
    cli_models models;
    cli_models_init(&models);
    parse_state ps = {NULL, NULL, 0};
    const char *text = NULL;
    int i = 1;
    int end = argc;
    for (; i < end; i++) {
        const char *a = argv[i];
        int used;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: %s\n\nPrints, per sentence, tokens with parts of speech and lemmas, the\n"
                   "chunks (NP, PP, VG) and each clause's subject, verb group (lemma, tense,\n"
                   "voice, negation, modality, intent), object, passive agent and reporter.\n"
                   "JSON Lines by default; --pretty prints a readable tree.\n", parse_usage);
            return EXIT_OK;
        } else if (!strcmp(a, "--pretty")) {
            ps.pretty = 1;
        } else if ((used = cli_text_option(&in, &models, &text, end, argv, i, parse_usage)) > 0) {
            i += used - 1;
        } else if (a[0] == '-' && a[1]) {
            usage_error(parse_usage, "unknown option '%s'", a);
        } else {
            cli_operand_defer(argc, argv, i--, &end);
        }
    }
    i = end;
    kh_error err;
    memset(&err, 0, sizeof err);
    const char *lex = models.lexicon_path ? models.lexicon_path : cli_data_path("lexicon.img");
    if (!lex)
        cli_data_missing("lexicon image", "lexicon.img", "--lexicon FILE");
    kh_lexicon *lexicon;
    kh_status st = kh_lexicon_load(lex, NULL, &lexicon, &err);
    if (st)
        fatal("%s", err.message[0] ? err.message : kh_strerror(st));
    ps.lex = lexicon;
    st = kh_scratch_new(NULL, &in.read.limits, &ps.scratch);
    if (st)
        fatal("%s", kh_strerror(st));
    if (text) {
        kh_unit unit;
        kh_story story;
        kh_story_from_text(&story, &unit, text, strlen(text));
        st = on_story(&ps, &story);
    } else {
        st = cli_input_run(&in, argc - i, argv + i, on_story, &ps);
    }
    kh_scratch_free(ps.scratch);
    kh_lexicon_free(lexicon);
    if (st)
        fatal("%s", kh_strerror(st));
    return in.rejected || in.diag.errors ? EXIT_REJECTED : EXIT_OK;
}
