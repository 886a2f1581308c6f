/*
 * test_nominal.c: events told by a noun (src/events/nominal.c), through the
 * public API on a fixture dictionary of invented countries: "talks between
 * X and Y", "X, Y in <noun>", "the abduction of X by Y", victims before
 * "dead in", the object of the verb an attack is the subject of, the author
 * of a claimed act, the subject of a light verb ("mounted an attack"), a
 * town's name before the noun, and the
 * limits (a weapon is no act, an attack by no one named is none, the
 * sentence's verb wins); -ing nouns the tagger reads as verbs; and three
 * reaches of the verb patterns' matcher (src/events/patterns.c) that the
 * same sentences need: a measure before the pattern word ("700 tons of
 * medicine"), a pattern word inside the object's phrase ("set ablaze"), two
 * objects in one phrase ("gave Sylvania a grant"),
 * and the subject an -ing aside separates from its verb (events/aside.c).
 */
#include <unistd.h>

#include "unit.h"

static const char nominal_dict[] =
    "[codes]\n"
    "010 | 0.0 | Make a statement\n"
    "042 | 1.9 | Make a visit\n"
    "046 | 7.0 | Negotiate\n"
    "071 | 7.4 | Provide economic aid\n"
    "073 | 7.4 | Provide humanitarian aid\n"
    "0841 | 7.0 | Release people\n"
    "141 | -6.5 | Demonstrate or rally\n"
    "173 | -5.0 | Arrest\n"
    "181 | -9.0 | Abduct\n"
    "183 | -10.0 | Non-military bombing\n"
    "190 | -10.0 | Use conventional military force\n"
    "194 | -10.0 | Fight with artillery and tanks\n"
    "1712 | -9.2 | Destroy property\n"
    "[countries]\n"
    "FRD | Freedonia | Freedonian; Freedonians | Fredville\n"
    "SYL | Sylvania | Sylvanian; Sylvanians | Sylburg\n"
    "[actors]\n"
    "Sylvanian Liberation Front | SYLREB | armed group\n"
    "[agents]\n"
    "troops; soldiers | MIL |\n"
    "police; policemen | COP |\n"
    "people; engineers; students | CVL |\n"
    "militants | INS |\n"
    "[synsets]\n"
    "&CLASH | clashes\n"
    "&NOM_VICTIM | dead; killed; injured\n"
    "&NOM_HIT | halts; killed\n"
    "&NOM_AUTHOR | claimed; involved; took part\n"
    "&NOM_DOER | mounted\n"
    "&NOM_UNREAL | threat; calls\n"
    "&NOM_042 | visit; trip\n"
    "&NOM_046 | talks\n"
    "&NOM_0841 | prisoner swap\n"
    "&NOM_181 | abduction\n"
    "&NOM_183 | bombing; blast\n"
    "&NOM_190 | attack; attacks; firing\n"
    "&NOM_194 | shelling\n"
    "&NOM_1712 | sabotage\n"
    "&INSTR_BOMBING | bomb\n"
    "&HUMAID | medicine; food\n"
    "&ECONAID | grant\n"
    "&INSTR_ATTACK | firing\n"
    "[places]\n"
    "Marxton | SYL | Marx | 10.5,20.25 | 50000 | 77\n"
    "[verbs]\n"
    "say | 010 |\n"
    "arrest $T | 173 |\n"
    "kill $T | 190 |\n"
    "set ablaze $T | 1712 |\n"
    "send &HUMAID to $T | 073 |\n"
    "give $T &ECONAID | 071 |\n";

typedef struct nominal_case {
    const char *text;
    size_t n;                           /* events expected */
    const char *source, *target, *code; /* of the first event */
} nominal_case;

static const nominal_case nominal_cases[] = {
    /* "between X and Y": each to the other, whatever the verb */
    {"Talks between Freedonia and Sylvania ended on Friday.", 2, "FRD", "SYL", "046"},
    /* a headline's two actors before "in <noun>" */
    {"Freedonia and Sylvania in prisoner swap", 2, "FRD", "SYL", "0841"},
    /* the doer after "by", the victim after "of" */
    {"An abduction of two Sylvanian engineers by militants angered Sylburg.", 1, "SYLINS", "SYLCVL", "181"},
    /* a definite phrase tells again an act the story named */
    {"The abduction of two Sylvanian engineers by militants angered Sylburg.", 0, NULL, NULL, NULL},
    /* a demonym owns an attack; the target after "on" */
    {"A Freedonian attack on Sylvanian police was reported.", 1, "FRDMIL", "SYLCOP", "190"},
    /* victims before "dead in", "killed in": no one named did it */
    {"Twenty Sylvanian policemen dead in Sylburg blast", 1, NULL, "SYLCOP", "183"},
    /* the object of the verb whose subject the attack is */
    {"Sabotage halts Sylvanian police patrols.", 1, NULL, "SYLCOP", "1712"},
    /* the subject of "claimed" is the author of the act claimed */
    {"The Sylvanian Liberation Front claimed responsibility for the attack on Freedonian police.", 1, "SYLREB",
     "FRDCOP", "190"},
    /* "were involved in", "took part in" the act: its author */
    {"The Sylvanian Liberation Front took part in the abduction of two Freedonian engineers.", 1, "SYLREB",
     "FRDCVL", "181"},
    {"Sylvanian militants were involved in the abduction of two Freedonian engineers.", 1, "SYLINS", "FRDCVL", "181"},
    /* a light verb's subject: the doer of the act its object names */
    {"Sylvanian troops mounted an attack on Freedonian police.", 1, "SYLMIL", "FRDCOP", "190"},
    /* a town's name before the noun: where it was done, its country the target */
    {"A Marxton trip by Freedonian troops ended on Monday.", 1, "FRDMIL", "SYL", "042"},
    /* a threatened act, an act called for, a possible one, did not happen */
    {"Fredville feared the threat of an attack on Sylvanian police by militants.", 0, NULL, NULL, NULL},
    {"An attack on Sylvanian police by militants could follow.", 0, NULL, NULL, NULL},
    /* a weapon is no act; an attack by no one named on no one is none */
    {"A bomb was found near the Sylvanian embassy.", 0, NULL, NULL, NULL},
    {"An attack on the Sylvanian police was reported.", 0, NULL, NULL, NULL},
    /* a definite phrase tells again an attack the story named, with its author */
    {"The attack killed three Sylvanian policemen.", 0, NULL, NULL, NULL},
    /* -ing nouns the tagger reads as verbs: after a modifier (its doer, a
     * demonym: the armed forces), before "of"; "killed in police firing" */
    {"A roadside bombing near Marxton on Sunday killed two Sylvanian soldiers.", 1, NULL, "SYLMIL", "183"},
    {"Freedonian shelling of Sylvanian police posts angered Sylburg.", 1, "FRDMIL", "SYLCOP", "194"},
    {"Three Sylvanian students were killed in police firing on Monday.", 1, "SYLCOP", "SYLCVL", "190"},
    {"A suicide bombing by Sylvanian militants killed two Freedonian soldiers.", 1, "SYLINS", "FRDMIL", "183"},
    /* the victims named are the target rather than where it was done */
    {"Two Freedonian soldiers dead in Marxton bombing", 1, NULL, "FRDMIL", "183"},
    /* a pattern word the chunker put in the object's phrase ("set ablaze") */
    {"Sylvanian Liberation Front militants set ablaze two Freedonian police vehicles.", 1, "SYLREB", "FRDCOP",
     "1712"},
    /* a measure before what the pattern names */
    {"Freedonia sent 700 tons of medicine to Sylvania.", 1, "FRD", "SYL", "073"},
    {"Freedonia sent $5,000 worth of food to Sylvania.", 1, "FRD", "SYL", "073"},
    /* an -ing aside between the subject and its verb */
    {"Freedonian policemen guarding the embassy on Monday arrested two Sylvanian students.", 1, "FRDCOP", "SYLCVL",
     "173"},
    /* two objects the chunker ran into one phrase */
    {"Freedonia gave Sylvania a grant of five million dollars.", 1, "FRD", "SYL", "071"},
    /* the sentence's verb gave an event: the noun adds none */
    {"Freedonian police arrested Sylvanian students after an attack on Fredville.", 1, "FRDCOP", "SYLCVL", "173"},
};

static kh_dict *nominal_fixture(void)
{
    char tmp[] = "/tmp/kh-nominal-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd < 0)
        return NULL;
    close(fd);
    kh_dict_builder *b;
    kh_dict *d = NULL;
    kh_error err;
    if (kh_dict_builder_new(NULL, NULL, NULL, &b) != KH_OK)
        return NULL;
    kh_status st = kh_dict_builder_add(b, KH_DICT_KHALDUN, "nominal.txt", nominal_dict,
                                       sizeof nominal_dict - 1);
    if (!st)
        st = kh_dict_builder_finish(b, tmp, &err);
    kh_dict_builder_free(b);
    if (!st)
        st = kh_dict_load(tmp, NULL, &d, &err);
    remove(tmp);
    return st ? NULL : d;
}

static void check_nominal(kh_coder *c, const nominal_case *k)
{
    kh_story s;
    kh_unit u;
    kh_story_from_text(&s, &u, k->text, strlen(k->text));
    s.date.year = 2024, s.date.month = 1, s.date.day = 1;
    const kh_event *ev;
    size_t n;
    REQUIRE(kh_coder_code(c, &s, &ev, &n) == KH_OK);
    if (n != k->n)
        fprintf(stderr, "  '%s': %zu events\n", k->text, n);
    CHECK_EQ_INT(n, k->n);
    if (!n || n != k->n)
        return;
    int ok = (!ev[0].source && !k->source) || (ev[0].source && k->source && !strcmp(ev[0].source, k->source));
    ok = ok && ((!ev[0].target && !k->target) || (ev[0].target && k->target && !strcmp(ev[0].target, k->target)));
    ok = ok && !strcmp(ev[0].code, k->code);
    if (!ok)
        fprintf(stderr, "  '%s': %s -> %s %s\n", k->text, ev[0].source ? ev[0].source : "-",
                ev[0].target ? ev[0].target : "-", ev[0].code);
    CHECK(ok);
}

TEST(stage_nominal_events)
{
    char lexpath[1024];
    snprintf(lexpath, sizeof lexpath, "%s/lexicon.img", unit_data());
    kh_lexicon *lex;
    kh_error err;
    if (kh_lexicon_load(lexpath, NULL, &lex, &err) != KH_OK) {
        unit_skip("no lexicon image (make data)");
        return;
    }
    kh_dict *d = nominal_fixture();
    CHECK(d != NULL);
    kh_code_options o;
    memset(&o, 0, sizeof o);
    o.dict = d;
    o.lexicon = lex;
    kh_coder *c = NULL;
    if (d && kh_coder_new(&o, &c) == KH_OK) {
        for (size_t i = 0; i < sizeof nominal_cases / sizeof nominal_cases[0]; i++)
            check_nominal(c, &nominal_cases[i]);
    }
    kh_coder_free(c);
    kh_dict_free(d);
    kh_lexicon_free(lex);
}
