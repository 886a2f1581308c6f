/*
 * test_statement.c: statements (src/events/statement.c) on a fixture
 * dictionary of invented countries: what kind a report's content shows,
 * the feeling a clause states of its subject, who may make a statement
 * and who a surname or a headline's "Speaker:" is (speaker.c).
 * Every sentence is invented for this test.
 */
#include "unit.h"

static const char stmt_dict[] =
    "[codes]\n"
    "010 | 0.0 | Make a statement\n"
    "012 | -0.4 | Make pessimistic comment\n"
    "013 | 0.4 | Make optimistic comment\n"
    "051 | 3.4 | Praise or endorse\n"
    "111 | -2.0 | Criticize or denounce\n"
    "112 | -2.0 | Accuse\n"
    "016 | 3.4 | Deny responsibility\n"
    "018 | 3.4 | Make empathetic comment\n"
    "130 | -4.4 | Threaten\n"
    "[countries]\n"
    "FRD | Freedonia | Freedonian; Freedonians | Fredville\n"
    "SYL | Sylvania | Sylvanian; Sylvanians | Sylburg\n"
    "[actors]\n"
    "Rufus Firefly; Firefly | FRDGOV 1933-01-01.. | leader of Freedonia\n"
    "[agents]\n"
    "minister; ministers | GOV |\n"
    "police | COP |\n"
    "villagers | CVL |\n"
    "[synsets]\n"
    "&STMT_PESSIMISM | worried; concerned; disappointed; dismay; misgivings\n"
    "&STMT_OPTIMISM | hope; upbeat; satisfied\n"
    "&STMT_SYMPATHY | saddened; shocked\n"
    "&STMT_CRITICISM | tyrant; flawed; unjustified\n"
    "&STMT_ACCUSATION | accuse; to blame; involved\n"
    "&STMT_DENIAL | deny; denied\n"
    "&STMT_PRAISE | praise\n"
    "[verbs]\n"
    "say | 010 |\n"
    "threaten $T | 130 |\n"
    "be upbeat | 013 |\n";

/* A coder over the fixture dictionary and the built lexicon; NULL on
 * failure, with *skipped set (and the test skipped) when there is no
 * lexicon image. */
static kh_coder *stmt_coder(kh_dict **dict, kh_lexicon **lex, int *skipped)
{
    kh_coder *c = unit_fixture_coder("stmt.txt", stmt_dict, sizeof stmt_dict - 1, dict, lex);
    *skipped = !c && !*lex;
    return c;
}

/* Codes `text` as one story dated 2024-01-01: its sentences (ended by
 * ". ") as body units, or, without a full stop, one headline; returns how
 * many events, (size_t)-1 on failure. */
static size_t code_story(kh_coder *c, const char *text, const kh_event **ev)
{
    kh_unit u[8];
    size_t nu = 0, len = strlen(text);
    for (size_t off = 0; off < len && nu < 8;) {
        const char *stop = strstr(text + off, ". ");
        size_t end = stop ? (size_t)(stop - text) + 1 : len;
        u[nu++] = (kh_unit){.kind = strchr(text, '.') ? KH_UNIT_BODY : KH_UNIT_HEADLINE,
                            .span = {.off = off, .len = end - off}};
        off = stop ? end + 1 : len;
    }
    kh_story s;
    memset(&s, 0, sizeof s);
    s.text = text, s.text_len = len, s.units = u, s.n_units = nu;
    s.date = (kh_date){.year = 2024, .month = 1, .day = 1};
    size_t n = 0;
    return kh_coder_code(c, &s, ev, &n) == KH_OK ? n : (size_t)-1;
}

TEST(statement_kinds)
{
    kh_dict *dict = NULL;
    kh_lexicon *lex = NULL;
    int skipped = 0;
    kh_coder *c = stmt_coder(&dict, &lex, &skipped);
    if (!c) {
        kh_dict_free(dict);
        kh_lexicon_free(lex);
        CHECK(skipped);
        return;
    }
    static const struct {
        const char *text;
        size_t n;
        const char *source, *target, *code;
    } cases[] = {
        /* the content's words give the kind; the actor it names is the target */
        {"Freedonia said there was a tyrant in Sylvania.", 1, "FRD", "SYL", "111"},
        {"Sylvania said the plan was flawed.", 1, "SYL", NULL, "111"},
        {"Firefly said the ministers had misgivings about the border.", 1, "FRDGOV", NULL, "012"},
        /* a feeling the clause states of a political subject */
        {"Sylvania was disappointed by the talks.", 1, "SYL", NULL, "012"},
        {"Sylvania was deeply concerned about Freedonia.", 1, "SYL", "FRD", "012"},
        {"Sylvania is satisfied with the result.", 1, "SYL", NULL, "013"},
        {"SYLVANIA SHOCKED BY FLOODS", 1, "SYL", NULL, "018"},
        /* not of a political speaker, not a feeling, or an act done to the subject */
        {"Villagers were shocked by the floods.", 0, NULL, NULL, NULL},
        {"Sylvania was threatened by Freedonia.", 1, "FRD", "SYL", "130"},
        {"Sylvania is dangerous.", 0, NULL, NULL, NULL},
        {"Sylvania is involved in the talks.", 0, NULL, NULL, NULL},
        {"Sylvania was not disappointed by the talks.", 0, NULL, NULL, NULL},
        /* a statement of a kind needs a political speaker too */
        {"Police said the plan was flawed.", 0, NULL, NULL, NULL},
        /* a later surname is the person named in full earlier (speaker.c) */
        {"Freedonian Trade Minister Otto Grummel arrived on Monday. Grummel said the plan was flawed.", 1,
         "FRDGOV", NULL, "111"},
        {"Freedonian Trade Minister Otto Grummel arrived on Monday. Grummel said the talks will go on.", 1,
         "FRDGOV", NULL, "010"},
        /* the unnamed speaker of a statement of a kind takes the story's
         * country, not that of a plain comment, too often attribution */
        {"Freedonia held talks on Monday. The minister said the plan was flawed.", 1, "FRDGOV", NULL, "111"},
        {"Freedonia held talks on Monday. The minister said the talks will go on.", 0, NULL, NULL, NULL},
        /* a plain comment that only reports past facts is routine attribution */
        {"Rufus Firefly said the villagers had left the town.", 0, NULL, NULL, NULL},
        {"Rufus Firefly said the villagers will leave the town.", 1, "FRDGOV", NULL, "010"},
        /* a headline's speaker before a colon; a country there is the topic */
        {"Firefly: Talks With Sylvania Will Resume", 1, "FRDGOV", NULL, "010"},
        {"Firefly: Sylvanian Plan Is Flawed", 1, "FRDGOV", NULL, "111"},
        {"Freedonia: Talks With Sylvania Will Resume", 0, NULL, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const kh_event *ev;
        size_t n = code_story(c, cases[i].text, &ev);
        if (n != cases[i].n)
            fprintf(stderr, "  case: %s\n", cases[i].text);
        CHECK_EQ_INT(n, cases[i].n);
        if (!n || n != cases[i].n)
            continue;
        CHECK_EQ_STR(ev[0].source, cases[i].source);
        if (cases[i].target ? !ev[0].target || strcmp(ev[0].target, cases[i].target) : ev[0].target != NULL)
            fprintf(stderr, "  case: %s (target %s)\n", cases[i].text, ev[0].target ? ev[0].target : "none");
        CHECK(cases[i].target ? ev[0].target && !strcmp(ev[0].target, cases[i].target) : !ev[0].target);
        CHECK_EQ_STR(ev[0].code, cases[i].code);
    }
    kh_coder_free(c);
    kh_dict_free(dict);
    kh_lexicon_free(lex);
}

