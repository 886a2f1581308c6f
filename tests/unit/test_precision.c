/*
 * test_precision.c: false events the coder must not make (issue 11,
 * precision), on a fixture dictionary of invented countries: a pronoun
 * whose nearest antecedent in its own sentence names no actor khaldun
 * knows stays unresolved (src/actors/coref.c) instead of taking the last
 * person or pair the story named; an act told of a time after the story's
 * date is an intent, not the act (src/events/modality.c). Every sentence
 * is invented for this test.
 */
#include "unit.h"

static const char prec_dict[] =
    "[codes]\n"
    "010 | 0.0 | Make a statement\n"
    "036 | 4.0 | Express intent to meet or negotiate\n"
    "040 | 1.0 | Consult\n"
    "042 | 1.9 | Make a visit\n"
    "046 | 7.0 | Engage in negotiation\n"
    "057 | 8.0 | Sign formal agreement\n"
    "111 | -2.0 | Criticize or denounce\n"
    "190 | -10.0 | Use conventional military force\n"
    "[countries]\n"
    "FRD | Freedonia | Freedonian; Freedonians | Fredville\n"
    "SYL | Sylvania | Sylvanian; Sylvanians | Sylburg\n"
    "[actors]\n"
    "Rufus Firefly; Firefly | FRDGOV 1933-01-01.. | leader of Freedonia\n"
    "[agents]\n"
    "minister; ministers | GOV |\n"
    "rebels | REB |\n"
    "[verbs]\n"
    "say | 010 |\n"
    "sign $T | 057 |\n"
    "attack $T | 190 |\n"
    "criticise $T | 111 |\n"
    "visit $T | 042 |\n"
    "meet $T | 040 |\n";

/* Codes `text` as a one-unit body story dated 2024-01-03 (a Wednesday);
 * returns how many events, (size_t)-1 on failure. */
static size_t code_story(kh_coder *c, const char *text, const kh_event **ev)
{
    kh_unit u = {.kind = KH_UNIT_BODY, .span = {.off = 0, .len = strlen(text)}};
    kh_story s;
    memset(&s, 0, sizeof s);
    s.text = text, s.text_len = u.span.len, s.units = &u, s.n_units = 1;
    s.date = (kh_date){.year = 2024, .month = 1, .day = 3};
    size_t n = 0;
    return kh_coder_code(c, &s, ev, &n) == KH_OK ? n : (size_t)-1;
}

typedef struct prec_case {
    const char *text;
    size_t n;                       /* events of the last sentence's code */
    const char *code, *source, *target;
} prec_case;

/* Codes each case with a coder over the fixture dictionary: exactly n
 * events carry `code`, the first of them with the source and target given
 * (NULL: none). */
static void run_cases(const prec_case *cases, size_t n_cases)
{
    kh_dict *dict;
    kh_lexicon *lex;
    kh_coder *c = unit_fixture_coder("prec.txt", prec_dict, sizeof prec_dict - 1, &dict, &lex);
    if (!c) {
        CHECK(!lex); /* skipped: no lexicon image */
        kh_dict_free(dict);
        kh_lexicon_free(lex);
        return;
    }
    for (size_t i = 0; i < n_cases; i++) {
        const kh_event *ev;
        size_t n = code_story(c, cases[i].text, &ev);
        CHECK(n != (size_t)-1);
        if (n == (size_t)-1)
            continue;
        size_t hits = 0, first = 0;
        for (size_t k = 0; k < n; k++)
            if (!strcmp(ev[k].code, cases[i].code) && !hits++)
                first = k;
        if (hits != cases[i].n)
            fprintf(stderr, "  case: %s (%zu events %s)\n", cases[i].text, hits, cases[i].code);
        CHECK_EQ_INT(hits, cases[i].n);
        if (!hits || hits != cases[i].n)
            continue;
        const kh_event *e = &ev[first];
        if (cases[i].source ? !e->source || strcmp(e->source, cases[i].source) : e->source != NULL)
            fprintf(stderr, "  case: %s (source %s)\n", cases[i].text, e->source ? e->source : "none");
        CHECK(cases[i].source ? e->source && !strcmp(e->source, cases[i].source) : !e->source);
        if (cases[i].target ? !e->target || strcmp(e->target, cases[i].target) : e->target != NULL)
            fprintf(stderr, "  case: %s (target %s)\n", cases[i].text, e->target ? e->target : "none");
        CHECK(cases[i].target ? e->target && !strcmp(e->target, cases[i].target) : !e->target);
    }
    kh_coder_free(c);
    kh_dict_free(dict);
    kh_lexicon_free(lex);
}

TEST(coref_nearest_antecedent)
{
    static const prec_case cases[] = {
        /* the reporter is the antecedent, coded or not */
        {"Rufus Firefly visited Sylburg. Trentino said he attacked the rebels.", 0, "190", NULL, NULL},
        {"Freedonia and Sylvania met in Fredville. Witnesses said they attacked the rebels.", 0, "190",
         NULL, NULL},
        {"Rufus Firefly visited Sylburg. The company said it criticised Sylvania.", 0, "111", NULL, NULL},
        /* "they" with no reporter: the nearest plural subject of its sentence */
        {"Freedonia and Sylvania met in Fredville. Farmers marched to the square and then they attacked "
         "the rebels.", 0, "190", NULL, NULL},
        /* what still resolves: a coded reporter, the story's person or pair */
        {"Rufus Firefly said he attacked the rebels.", 1, "190", "FRDGOV", "FRDREB"},
        {"Sylvania said it attacked the rebels.", 1, "190", "SYL", "SYLREB"},
        {"The rebels said they attacked Freedonia.", 1, "190", "FRDREB", "FRD"},
        {"Rufus Firefly visited Sylburg. Later he criticised Sylvania.", 1, "111", "FRDGOV", "SYL"},
        {"Rufus Firefly visited Sylburg. Secretary of Commerce Rufus Firefly said he criticised Sylvania.", 1, "111",
         "FRDGOV", "SYL"},
        {"Freedonia and Sylvania met in Fredville. Later they signed a pact.", 2, "057", "FRD", "SYL"},
        {"Freedonian ministers met on Monday, but they criticised Sylvania.", 1, "111", "FRDGOV", "SYL"},
    };
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

TEST(scheduled_acts_are_intents)
{
    /* The story is dated Wednesday 3 January 2024. */
    static const prec_case cases[] = {
        /* a present-tense act dated after the story: not done yet, an intent */
        {"Rufus Firefly visits Sylvania on Friday.", 1, "036", "FRDGOV", "SYL"},
        {"Rufus Firefly visits Sylvania on Friday.", 0, "042", NULL, NULL},
        {"Rufus Firefly meets the Sylvanian minister next week.", 1, "036", "FRDGOV", "SYLGOV"},
        {"Rufus Firefly, who visits Sylvania on 9 January, criticised the rebels.", 1, "036", "FRDGOV",
         "SYL"},
        {"Rufus Firefly is scheduled to visit Sylvania.", 1, "036", "FRDGOV", "SYL"},
        {"Rufus Firefly is set to visit Sylvania.", 1, "036", "FRDGOV", "SYL"},
        /* done, or done today: the act itself */
        {"Rufus Firefly visited Sylvania on Friday.", 1, "042", "FRDGOV", "SYL"},
        {"Rufus Firefly visits Sylvania today.", 1, "042", "FRDGOV", "SYL"},
        {"Rufus Firefly has visited Sylvania in March.", 1, "042", "FRDGOV", "SYL"},
    };
    run_cases(cases, sizeof cases / sizeof cases[0]);
}
