/*
 * test_stages.c: khaldun's own coder stage by stage, on a fixture
 * dictionary written here (two made-up countries, one person, a few agents
 * and verb patterns) and the default lexicon image for tagging: the actors
 * stage (phrases, names, demonyms, agents, coordination, pronouns), the
 * pattern matcher, the places resolver and the clause coder's handling of
 * voice, negation, intent, modality and dates. The stages are called through their internal
 * headers, the way the coder calls them.
 */
#include <unistd.h>

#include "unit.h"

#include "actors/actors.h"
#include "analyze/analyze.h"
#include "events/patterns.h"
#include "resolve/places.h"

static const char fixture_dict[] =
    "[codes]\n"
    "036 | 4.0 | Express intent to meet or negotiate\n"
    "042 | 1.9 | Make a visit\n"
    "112 | -2.0 | Accuse\n"
    "010 | 0.0 | Make a statement\n"
    "012 | -0.4 | Make pessimistic comment\n"
    "173 | -5.0 | Arrest\n"
    "190 | -10.0 | Use conventional military force\n"
    "183 | -10.0 | Conduct suicide, car, or other non-military bombing\n"
    "0631 | 5.0 | Extradite\n"
    "016 | 3.4 | Deny responsibility\n"
    "106 | -5.0 | Demand a meeting or negotiation\n"
    "145 | -7.5 | Protest violently, riot\n"
    "150 | -7.2 | Demonstrate military or police power\n"
    "191 | -9.5 | Impose blockade, restrict movement\n"
    "[countries]\n"
    "FRD | Freedonia; FDN | Freedonian; Freedonians | Fredville\n"
    "SYL | Sylvania | Sylvanian; Sylvanians | Sylburg\n"
    "[actors]\n"
    "Rufus Firefly; Firefly | FRDGOV 1933-01-01.. | leader of Freedonia\n"
    "Sylvanian Liberation Front | SYLREB | armed group\n"
    "[agents]\n"
    "minister; ministers | GOV |\n"
    "troops; soldiers | MIL |\n"
    "police | COP |\n"
    "people; men | CVL |\n"
    "militants; rebel | REB |\n"
    "[synsets]\n"
    "&STMT_PESSIMISM | worried; concern\n"
    "&INSTR_BOMBING | bomb; car bomb; blast\n"
    "&INSTR_ATTACK | attack; attacks\n"
    "&CLASH | clashes; fighting\n"
    "&STMT_DENIAL | deny; denied\n"
    "&TERRAIN | area; camp\n"
    "[places]\n"
    "Marxton | SYL | Marx | 10.5,20.25 | 50000 | 77\n"
    "[verbs]\n"
    "visit $T | 042 |\n"
    "accuse $T of | 112 |\n"
    "say | 010 |\n"
    "deny | 016 |\n"
    "arrest $T | 173 |\n"
    "kill $T | 190 |\n"
    "$T die in &INSTR_ATTACK | 190 |\n"
    "extradite $T | 0631 |\n"
    "attack $T | 190 |\n"
    "open fire | 190 |\n"
    "storm $T | 145 |\n"
    "besiege $T | 191 |\n";

typedef struct stage_fixture {
    kh_dict *dict;
    kh_lexicon *lex;
    kh_scratch *scratch;
    kh_arena arena;
    kh_story_view view;
    kh_actors ax;
    uint32_t form[256], lemw[256], mnode[256];
    uint16_t mlen[256];
    const kh_doc *doc;
} stage_fixture;

static void ignore_diag(void *ctx, const kh_diag *d) { (void)ctx, (void)d; }

static int fixture_open(stage_fixture *f)
{
    memset(f, 0, sizeof *f);
    char lexpath[1024], tmp[] = "/tmp/kh-stages-XXXXXX";
    snprintf(lexpath, sizeof lexpath, "%s/lexicon.img", unit_data());
    kh_error err;
    if (kh_lexicon_load(lexpath, NULL, &f->lex, &err) != KH_OK) {
        unit_skip("no lexicon image (make data)");
        return 0;
    }
    int fd = mkstemp(tmp);
    if (fd < 0)
        return 0;
    close(fd);
    kh_dict_builder *b;
    if (kh_dict_builder_new(NULL, ignore_diag, NULL, &b) != KH_OK)
        return 0;
    kh_status st = kh_dict_builder_add(b, KH_DICT_KHALDUN, "fixture.txt", fixture_dict,
                                       sizeof fixture_dict - 1);
    if (!st)
        st = kh_dict_builder_finish(b, tmp, &err);
    kh_dict_builder_free(b);
    if (!st)
        st = kh_dict_load(tmp, NULL, &f->dict, &err);
    remove(tmp);
    if (st || kh_scratch_new(NULL, NULL, &f->scratch) != KH_OK)
        return 0;
    kh_arena_init(&f->arena, NULL, 0);
    return 1;
}

static void fixture_close(stage_fixture *f)
{
    kh_arena_free(&f->arena);
    kh_scratch_free(f->scratch);
    kh_dict_free(f->dict);
    kh_lexicon_free(f->lex);
}

/* Analyses `text` as a one-unit story dated 2024-01-01 and finds its phrases. */
static int fixture_story(stage_fixture *f, kh_story *story, kh_unit *unit, const char *text)
{
    memset(story, 0, sizeof *story);
    memset(unit, 0, sizeof *unit);
    unit->kind = KH_UNIT_BODY;
    unit->span.len = strlen(text);
    story->text = text;
    story->text_len = strlen(text);
    story->units = unit;
    story->n_units = 1;
    story->date.year = 2024, story->date.month = 1, story->date.day = 1;
    if (kh_analyze_timed(f->scratch, f->lex, story, KH_ANALYZE_TOKENS | KH_ANALYZE_TAGS |
                         KH_ANALYZE_CHUNKS, NULL, &f->doc) != KH_OK ||
        f->doc->n_tokens > 256)
        return 0;
    kh_arena_reset(&f->arena);
    for (size_t i = 0; i < f->doc->n_tokens; i++) {
        f->form[i] = kh_dict_word(f->dict, f->doc->tokens[i].norm, f->doc->tokens[i].norm_len);
        const char *l = f->doc->lemma[i];
        f->lemw[i] = l ? kh_dict_word(f->dict, l, strlen(l)) : KH_NONE;
    }
    f->view = (kh_story_view){f->dict, f->doc, &f->arena, text,
                              kh_date_to_days(story->date), f->form, f->lemw, f->mnode, f->mlen, NULL};
    kh_actors_find_phrases(&f->view);
    kh_actors_reset(&f->ax, &f->view);
    return 1;
}

/* The NP chunk whose text starts at byte `off`. */
static int32_t np_at(const kh_doc *doc, size_t off)
{
    for (size_t k = 0; k < doc->n_chunks; k++)
        if (doc->chunks[k].kind == KH_CHUNK_NP && doc->tokens[doc->chunks[k].first].off == off)
            return (int32_t)k;
    return -1;
}

TEST(stage_actors_names_demonyms_agents)
{
    stage_fixture f;
    if (!fixture_open(&f))
        return;
    kh_story s;
    kh_unit u;
    const char *text = "Freedonian troops and Sylvanian ministers met Firefly in Marxton.";
    REQUIRE(fixture_story(&f, &s, &u, text));
    actor a[MAX_ACTORS];
    size_t n = kh_actors_resolve_np(&f.ax, np_at(f.doc, 0), -1, a);
    REQUIRE(n == 2); /* coordination: each member */
    CHECK_EQ_STR(a[0].code, "FRDMIL");
    CHECK_EQ_STR(a[1].code, "SYLGOV");
    n = kh_actors_resolve_np(&f.ax, np_at(f.doc, (size_t)(strstr(text, "Firefly") - text)), -1, a);
    REQUIRE(n == 1);
    CHECK_EQ_STR(a[0].code, "FRDGOV"); /* in office on the story's date */
    CHECK(a[0].person);
    fixture_close(&f);
}

TEST(stage_actors_pronoun_refers_back)
{
    stage_fixture f;
    if (!fixture_open(&f))
        return;
    kh_story s;
    kh_unit u;
    const char *text = "Firefly arrived on Monday. He accused Sylvania of lying.";
    REQUIRE(fixture_story(&f, &s, &u, text));
    kh_actors_remember_sentence(&f.ax, 0);
    actor a[MAX_ACTORS];
    size_t n = kh_actors_resolve_np(&f.ax, np_at(f.doc, (size_t)(strstr(text, "He") - text)), -1, a);
    REQUIRE(n == 1);
    CHECK_EQ_STR(a[0].code, "FRDGOV");
    fixture_close(&f);
}

TEST(stage_patterns_bind_target)
{
    stage_fixture f;
    if (!fixture_open(&f))
        return;
    kh_story s;
    kh_unit u;
    const char *text = "Sylvania accused Freedonia of spying.";
    REQUIRE(fixture_story(&f, &s, &u, text));
    REQUIRE(f.doc->n_clauses >= 1);
    const kh_clause *cl = &f.doc->clauses[0];
    const kh_chunk *vg = &f.doc->chunks[cl->verb];
    size_t first = 0, np = kh_dict_patterns(f.dict, f.lemw[vg->head], &first);
    REQUIRE(np == 1);
    pmatch m;
    REQUIRE(kh_try_pattern(&f.view, &f.dict->patterns[first], cl, vg, vg->head, 0, &m));
    CHECK_EQ_INT(m.target_np, np_at(f.doc, (size_t)(strstr(text, "Freedonia") - text)));
    CHECK(m.last > vg->head); /* "of" was matched too */
    fixture_close(&f);
}

TEST(stage_places_from_the_clause)
{
    stage_fixture f;
    if (!fixture_open(&f))
        return;
    kh_story s;
    kh_unit u;
    REQUIRE(fixture_story(&f, &s, &u, "Freedonian troops visited Sylvania near Marxton."));
    const kh_clause *cl = &f.doc->clauses[0];
    const kh_place *p = kh_place_of(&f.view, cl, &f.doc->chunks[cl->verb]);
    REQUIRE(p != NULL);
    CHECK_EQ_STR(p->country, "SYL"); /* the visit's object names the country first */
    REQUIRE(fixture_story(&f, &s, &u, "Freedonian troops arrived near Marxton."));
    cl = &f.doc->clauses[0];
    p = kh_place_of(&f.view, cl, &f.doc->chunks[cl->verb]);
    REQUIRE(p != NULL);
    CHECK_EQ_STR(p->name, "Marxton");
    CHECK(p->has_coords && p->lat > 10.4 && p->lat < 10.6);
    fixture_close(&f);
}

/* Codes `text` as a one-paragraph body story dated 2024-01-01 and checks
 * that it gives one event source -> target code, or none when code is
 * NULL. */
static void check_one_event(kh_coder *c, const char *text, const char *source, const char *target,
                            const char *code)
{
    kh_story s;
    kh_unit u;
    kh_story_from_text(&s, &u, text, strlen(text));
    s.date.year = 2024, s.date.month = 1, s.date.day = 1;
    const kh_event *ev;
    size_t n;
    REQUIRE(kh_coder_code(c, &s, &ev, &n) == KH_OK);
    if (!code) {
        CHECK_EQ_INT(n, 0);
        return;
    }
    CHECK_EQ_INT(n, 1);
    if (n != 1)
        return;
    CHECK_EQ_STR(ev[0].source, source);
    CHECK_EQ_STR(ev[0].target, target);
    CHECK_EQ_STR(ev[0].code, code);
}

/* The clause coder through the public API: voice, negation, intent, and
 * text without case. */
TEST(stage_clause_coder_voice_negation_intent)
{
    stage_fixture f;
    if (!fixture_open(&f))
        return;
    static const struct {
        const char *text;
        const char *source, *target, *code;
    } cases[] = {
        {"Firefly visited Sylvania.", "FRDGOV", "SYL", "042"},
        {"Sylvania was visited by Freedonian ministers.", "FRDGOV", "SYL", "042"},
        {"Firefly did not visit Sylvania.", NULL, NULL, NULL},
        {"Firefly wants to visit Sylvania.", "FRDGOV", "SYL", "036"},
        /* text without case (recase.c): the events of normal text */
        {"police arrested five men in marxton on tuesday.", "SYLCOP", "SYLCVL", "173"},
        {"POLICE ARRESTED FIVE MEN IN MARXTON ON TUESDAY.", "SYLCOP", "SYLCVL", "173"},
        {"freedonian troops killed five people.", "FRDMIL", "FRDCVL", "190"},
        {"rufus firefly accused sylvania of lying.", "FRDGOV", "SYL", "112"},
    };
    kh_code_options o;
    memset(&o, 0, sizeof o);
    o.dict = f.dict;
    o.lexicon = f.lex;
    kh_coder *c;
    REQUIRE(kh_coder_new(&o, &c) == KH_OK);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_one_event(c, cases[i].text, cases[i].source, cases[i].target, cases[i].code);
    kh_coder_free(c);
    fixture_close(&f);
}

/* The mechanisms that find events in real news: country from context,
 * agentless passives, statements by what they say, headline futures,
 * coordinated demonyms, targets the pattern's slot missed, targets named by an
 * armed role before their head, authors named by a "when" clause, pronoun
 * targets, places of extent, a town before a role word. */
TEST(stage_clause_coder_real_news)
{
    stage_fixture f;
    if (!fixture_open(&f))
        return;
    static const struct {
        const char *text;
        size_t n;
        const char *source, *target, *code;
        uint32_t flags;
    } cases[] = {
        /* the clause's place gives the police and the men their country */
        {"Police arrested five men in Marxton on Tuesday.", 1, "SYLCOP", "SYLCVL", "173",
         KH_EV_SOURCE_INFERRED | KH_EV_TARGET_INFERRED},
        /* the only country the sentence names */
        {"Freedonian troops killed five people.", 1, "FRDMIL", "FRDCVL", "190", KH_EV_TARGET_INFERRED},
        /* an act with no agent is coded without a source */
        {"Five Sylvanian soldiers were killed on Monday.", 1, NULL, "SYLMIL", "190", KH_EV_PASSIVE},
        /* a report whose content holds no event is a statement of what it says */
        {"Sylvania said it was deeply worried about the border.", 1, "SYL", NULL, "012", KH_EV_REPORTED},
        /* the reporter is what "it" refers to */
        {"Sylvania said it would visit Freedonia.", 1, "SYL", "FRD", "036", KH_EV_INTENT | KH_EV_REPORTED},
        /* a headline's "X to VERB" is a future act */
        {"Freedonian Minister to Visit Sylvania", 1, "FRDGOV", "SYL", "036", KH_EV_INTENT},
        /* demonyms coordinated in one phrase are two actors */
        {"Freedonian and Sylvanian troops visited Marxton.", 2, "FRDMIL", "SYL", "042", 0},
        /* a weapon as the subject: no source, the kind of attack from the weapon */
        {"A car bomb killed seven people in Marxton.", 1, NULL, "SYLCVL", "183", KH_EV_TARGET_INFERRED},
        /* an acronym the story defines is the same actor later */
        {"The Sylvanian Liberation Front (SLF) visited Freedonia. The SLF accused Firefly of lying.", 2,
         "SYLREB", "FRD", "042", 0},
        /* an unknown speaker role states nothing */
        {"Police said the border was calm.", 0, NULL, NULL, NULL, 0},
        /* a political speaker's plain comment is a statement; a pronoun's is not */
        {"Firefly said the border was calm.", 1, "FRDGOV", NULL, "010", 0},
        {"It said the border was calm.", 0, NULL, NULL, NULL, 0},
        /* a content naming an act the coder could not code is no comment */
        {"Firefly said the suspects would be extradited.", 0, NULL, NULL, NULL, 0},
        /* a quantity before the subject's number keeps it the subject */
        {"At least five Sylvanian soldiers were killed.", 1, NULL, "SYLMIL", "190", KH_EV_PASSIVE},
        /* the subject the act was done to; the attack's owner is the source */
        {"More than 30 Sylvanian soldiers died in a Freedonian attack.", 1, "FRDMIL", "SYLMIL", "190", 0},
        {"Five Sylvanian soldiers were killed in a Freedonian attack.", 1, "FRDMIL", "SYLMIL", "190",
         KH_EV_PASSIVE},
        /* an organisation named by its head noun is an armed group */
        {"The Popular Resistance Front killed five Sylvanian soldiers.", 1, "SYLREB", "SYLMIL", "190",
         KH_EV_SOURCE_INFERRED},
        /* the content of a report placed after it: an act, so no comment */
        {"The suspects would be extradited, Firefly said.", 0, NULL, NULL, NULL, 0},
        /* a statement of a kind is about the actor its content names */
        {"Firefly said he was worried about Sylvania.", 1, "FRDGOV", "SYL", "012", KH_EV_REPORTED},
        /* fighting between two sides is force each way, whatever the verb */
        {"Clashes between Sylvanian troops (ST) and Freedonian police erupted.", 2, "SYLMIL", "FRDCOP",
         "190", 0},
        /* a participle after a verb modifies the object */
        {"Sylvania extradited suspected Freedonian troops.", 1, "SYL", "FRDMIL", "0631", 0},
        /* what is done to a force's post or a place it holds is done to it */
        {"Freedonian militants attacked a police station.", 1, "FRDREB", "FRDCOP", "190",
         KH_EV_TARGET_INFERRED},
        {"Sylvanian troops attacked rebel-held towns.", 1, "SYLMIL", "SYLREB", "190", KH_EV_TARGET_INFERRED},
        /* ... unless a country is named as where it is: the act is against that country */
        {"Sylvanian troops attacked police stations in Freedonia.", 1, "SYLMIL", "FRD", "190", 0},
        /* an abbreviated country before a demonym and role takes the role */
        {"FDN and Sylvanian troops visited Marxton.", 2, "FRDMIL", "SYL", "042", 0},
        /* the author of an agentless act is the force the "when" clause names */
        {"Five people were killed when Freedonian militants stormed the village.", 1, "FRDREB", "FRDCVL",
         "190", KH_EV_PASSIVE | KH_EV_TARGET_INFERRED},
        /* "them": the object of the clause before, whose subject is the source */
        {"Freedonian troops stopped five men and killed them.", 1, "FRDMIL", "FRDCVL", "190",
         KH_EV_TARGET_INFERRED},
        /* an area the act ran over is not its target */
        {"Freedonian troops opened fire along the Sylvanian border.", 1, "FRDMIL", NULL, "190", 0},
        /* a town right before a role word gives its country */
        {"Marxton police arrested five Freedonian men.", 1, "SYLCOP", "FRDCVL", "173", 0},
        /* an act told without its doer is the story's act told with one: one event */
        {"Freedonian troops killed five Sylvanian soldiers. Five Sylvanian soldiers were killed.", 1,
         "FRDMIL", "SYLMIL", "190", 0},
    };
    kh_code_options o;
    memset(&o, 0, sizeof o);
    o.dict = f.dict;
    o.lexicon = f.lex;
    kh_coder *c;
    REQUIRE(kh_coder_new(&o, &c) == KH_OK);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kh_story s;
        kh_unit u;
        memset(&s, 0, sizeof s);
        memset(&u, 0, sizeof u);
        u.kind = strchr(cases[i].text, '.') ? KH_UNIT_BODY : KH_UNIT_HEADLINE;
        u.span.len = strlen(cases[i].text);
        s.text = cases[i].text;
        s.text_len = u.span.len;
        s.units = &u;
        s.n_units = 1;
        s.date.year = 2024, s.date.month = 1, s.date.day = 1;
        const kh_event *ev;
        size_t n;
        REQUIRE(kh_coder_code(c, &s, &ev, &n) == KH_OK);
        if (n != cases[i].n)
            fprintf(stderr, "  case: %s\n", cases[i].text);
        CHECK_EQ_INT(n, cases[i].n);
        if (!n || n != cases[i].n)
            continue;
        if (cases[i].source)
            CHECK_EQ_STR(ev[0].source, cases[i].source);
        else
            CHECK(ev[0].source == NULL);
        if (cases[i].target)
            CHECK_EQ_STR(ev[0].target, cases[i].target);
        else
            CHECK(ev[0].target == NULL);
        CHECK_EQ_STR(ev[0].code, cases[i].code);
        CHECK_EQ_INT(ev[0].flags, cases[i].flags);
    }
    kh_coder_free(c);
    fixture_close(&f);
}

/* The recasing stage (src/analyze/recase.c): a sentence's case regime. */
TEST(stage_recase_regimes)
{
    stage_fixture f;
    if (!fixture_open(&f))
        return;
    static const struct {
        const char *text;
        kh_case_regime want;
    } cases[] = {
        {"Police arrested five men in Marxton.", KH_CASE_NORMAL},
        {"police arrested five men in marxton.", KH_CASE_LOWER},
        {"POLICE ARRESTED FIVE MEN IN MARXTON.", KH_CASE_UPPER},
        {"Police Arrest Five Men in Marxton", KH_CASE_TITLE},
        {"Rufus Firefly met the Sylvanian minister.", KH_CASE_NORMAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* The tokens as written: no lexicon, so no recasing. */
        kh_story s;
        kh_unit u;
        const kh_doc *doc;
        kh_story_from_text(&s, &u, cases[i].text, strlen(cases[i].text));
        REQUIRE(kh_analyze(f.scratch, NULL, &s, KH_ANALYZE_TOKENS, &doc) == KH_OK);
        CHECK_EQ_INT(kh_case_regime_of(doc->tokens, doc->n_tokens, KH_CASE_NORMAL), cases[i].want);
    }
    fixture_close(&f);
}

/* The norm of token i is `want`, byte for byte. */
static int norm_is(const kh_doc *doc, size_t i, const char *want)
{
    return i < doc->n_tokens && doc->tokens[i].norm_len == strlen(want) &&
           !memcmp(doc->tokens[i].norm, want, strlen(want));
}

/* Caseless text gets normal case from the dictionary's names, the lexicon's
 * proper nouns and the acronyms the story defines; it splits into
 * sentences at full stops; normal text is left as written. */
TEST(stage_recase_tokens)
{
    stage_fixture f;
    if (!fixture_open(&f))
        return;
    kh_name_finder names = {kh_actors_name_at, f.dict};
    kh_scratch_set_names(f.scratch, &names);
    kh_story s;
    kh_unit u;
    REQUIRE(fixture_story(&f, &s, &u,
                          "police arrested five men in marxton on tuesday. the sylvanian liberation "
                          "front (slf) said slf fighters told us that us troops left."));
    CHECK_EQ_INT(f.doc->n_sentences, 2);
    CHECK(norm_is(f.doc, 0, "Police"));
    CHECK(norm_is(f.doc, 1, "arrested"));
    CHECK(norm_is(f.doc, 5, "Marxton"));
    CHECK(norm_is(f.doc, 7, "Tuesday"));
    CHECK(norm_is(f.doc, 9, "The"));
    CHECK(norm_is(f.doc, 10, "Sylvanian") && norm_is(f.doc, 11, "Liberation") &&
          norm_is(f.doc, 12, "Front"));
    CHECK(norm_is(f.doc, 14, "SLF") && (f.doc->tokens[14].flags & KH_TOK_UPPER));
    CHECK(norm_is(f.doc, 17, "SLF"));
    CHECK(norm_is(f.doc, 20, "us"));  /* "told us": the pronoun */
    CHECK(norm_is(f.doc, 22, "US"));  /* "us troops": the country */
    /* The text itself is never written. */
    CHECK(s.text[0] == 'p' && f.doc->tokens[5].off == 28);

    REQUIRE(fixture_story(&f, &s, &u, "FREEDONIAN TROOPS KILLED FIVE PEOPLE IN MARXTON."));
    CHECK(norm_is(f.doc, 0, "Freedonian"));
    CHECK(norm_is(f.doc, 1, "troops") && !(f.doc->tokens[1].flags & KH_TOK_CAP));
    CHECK(norm_is(f.doc, 2, "killed"));
    CHECK(norm_is(f.doc, 6, "Marxton"));
    CHECK_EQ_INT(f.doc->upos[6], KH_UPOS_PROPN);

    /* Normal text: as written (a sentence after "us." stays one). */
    REQUIRE(fixture_story(&f, &s, &u, "Sylvanian troops told us. then they left."));
    CHECK(norm_is(f.doc, 3, "us"));
    CHECK_EQ_INT(f.doc->n_sentences, 1);
    fixture_close(&f);
}

/* Headline grammar (src/analyze/headline.c): the plural noun after the
 * subject is a noun and the base-form verb after it the verb; a verbless
 * headline gets its verb; a trailing attribution is a noun. */
TEST(stage_headline_verbs)
{
    stage_fixture f;
    if (!fixture_open(&f))
        return;
    static const struct {
        const char *text;
        size_t verb; /* the token that must be the verb */
        size_t noun; /* a token that must be a noun */
    } cases[] = {
        {"US forces bomb Marxton", 2, 1},
        {"Freedonian jets strike Marxton", 2, 1},
        {"Rebels attack army base in Marxton - report", 1, 7},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kh_story s;
        kh_unit u;
        const kh_doc *doc;
        kh_story_from_text(&s, &u, cases[i].text, strlen(cases[i].text));
        u.kind = KH_UNIT_HEADLINE;
        REQUIRE(kh_analyze(f.scratch, f.lex, &s, KH_ANALYZE_TOKENS | KH_ANALYZE_TAGS, &doc) == KH_OK);
        REQUIRE(doc->n_tokens > cases[i].noun && doc->n_tokens > cases[i].verb);
        CHECK_EQ_INT(doc->upos[cases[i].verb], KH_UPOS_VERB);
        CHECK_EQ_INT(doc->upos[cases[i].noun], KH_UPOS_NOUN);
    }
    /* The same words in a body sentence keep the tagger's choice. */
    kh_story s;
    kh_unit u;
    const kh_doc *doc;
    kh_story_from_text(&s, &u, "He forces them out.", 19);
    REQUIRE(kh_analyze(f.scratch, f.lex, &s, KH_ANALYZE_TOKENS | KH_ANALYZE_TAGS, &doc) == KH_OK);
    CHECK_EQ_INT(doc->upos[1], KH_UPOS_VERB);
    fixture_close(&f);
}

/* Codes `text` (a body unit, or a headline without a period) as a story of
 * 2024-04-24, a Wednesday. */
static kh_status code_text(kh_coder *c, const char *text, const kh_event **ev, size_t *n)
{
    static kh_story s;
    static kh_unit u;
    memset(&s, 0, sizeof s);
    memset(&u, 0, sizeof u);
    u.kind = strchr(text, '.') || strchr(text, '?') ? KH_UNIT_BODY : KH_UNIT_HEADLINE;
    u.span.len = strlen(text);
    s.text = text;
    s.text_len = u.span.len;
    s.units = &u;
    s.n_units = 1;
    s.date.year = 2024, s.date.month = 4, s.date.day = 24;
    return kh_coder_code(c, &s, ev, n);
}

/* A coder over the fixture's images; NULL when it cannot be made. */
static kh_coder *fixture_coder(const stage_fixture *f, unsigned flags)
{
    kh_code_options o;
    memset(&o, 0, sizeof o);
    o.dict = f->dict;
    o.lexicon = f->lex;
    o.flags = flags;
    kh_coder *c = NULL;
    return kh_coder_new(&o, &c) == KH_OK ? c : NULL;
}

static const kh_event *event_coded(const kh_event *ev, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(ev[i].code, code))
            return &ev[i];
    return NULL;
}

/* Modality from the clause's structure: what the text does not assert is
 * not coded, or flagged with KH_CODE_HYPOTHETICAL; a fact, an intent and a
 * demand stay events. And the sense of a verb of force (events/clause.c,
 * actors/targets.c). */
TEST(stage_clause_coder_modality)
{
    stage_fixture f;
    if (!fixture_open(&f))
        return;
    static const struct {
        const char *text;
        const char *code;     /* the event coded, or NULL */
        const char *absent;   /* a code that must not be coded (the act not asserted) */
        const char *modality; /* why, with KH_CODE_HYPOTHETICAL */
    } cases[] = {
        {"Freedonian troops killed five people.", "190", NULL, NULL},
        {"Freedonian troops could kill five people.", NULL, "190", "possibility"},
        {"Freedonian troops should kill five people.", NULL, "190", "obligation"},
        {"Freedonian troops killed five people?", NULL, "190", "question"},
        {"Sylvania said Freedonian troops might have killed five people.", NULL, "190", "possibility"},
        {"Sylvania asked whether Freedonian troops killed five people.", NULL, "190", "whether"},
        {"Firefly denied that Freedonian troops killed five people.", "016", "190", "denied"},
        {"If Freedonian troops kill five people, Sylvania will visit Freedonia.", "036", "190",
         "conditional"},
        {"Sylvania had ties with Freedonia until Freedonian troops killed five people.", NULL, "190",
         "background"},
        /* the main clause of a condition is a promise or a threat: an intent */
        {"Sylvania may visit Freedonia if Firefly accuses Sylvania of lying.", "036", "112",
         "conditional"},
        /* what a speaker says another must do is the speaker's demand */
        {"Sylvania said Freedonia must visit Marxton.", "106", "042", NULL},
        /* an act of force whose object names nothing known is another
         * sense of its verb; a blockade of a place with no party named
         * shows force (150); an armed force storming a place makes a
         * military assault, not a riot */
        {"Firefly attacked the budget.", NULL, "190", NULL},
        {"Freedonian troops besieged the area.", "150", "191", NULL},
        {"Freedonian troops attacked a camp.", "190", NULL, NULL},
        {"Freedonian troops attacked Sylvanian villages.", "190", NULL, NULL},
        {"Freedonian troops attacked the Marxton market.", "190", NULL, NULL},
        {"Freedonian troops stormed the police station.", "190", "145", NULL},
        {"Sylvanian people stormed the police station.", "145", "190", NULL},
    };
    for (int hyp = 0; hyp < 2; hyp++) {
        kh_coder *c = fixture_coder(&f, hyp ? KH_CODE_HYPOTHETICAL : 0u);
        REQUIRE(c != NULL);
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            const kh_event *ev;
            size_t n;
            REQUIRE(code_text(c, cases[i].text, &ev, &n) == KH_OK);
            const kh_event *want = cases[i].code ? event_coded(ev, n, cases[i].code) : NULL;
            const kh_event *not = cases[i].absent ? event_coded(ev, n, cases[i].absent) : NULL;
            if (cases[i].code) {
                CHECK(want != NULL);
                if (want)
                    CHECK(!(want->flags & KH_EV_HYPOTHETICAL) && !want->modality);
            }
            if (cases[i].code && !strcmp(cases[i].code, "106") && want) {
                CHECK_EQ_STR(want->source, "SYL");
                CHECK_EQ_STR(want->target, "FRD");
            }
            if (!hyp) {
                CHECK(not == NULL);
                if (!cases[i].code)
                    CHECK_EQ_INT(n, 0);
            } else if (cases[i].absent && cases[i].modality) {
                /* flagged, with the reason */
                CHECK(not != NULL);
                if (not) {
                    CHECK(not->flags & KH_EV_HYPOTHETICAL);
                    CHECK_EQ_STR(not->modality, cases[i].modality);
                }
            }
        }
        kh_coder_free(c);
    }
    fixture_close(&f);
}

/* Dates: the precision the text gives, from the event's own clause (or the
 * clause reporting it, or a first conjunct), an intent dated when stated. */
TEST(stage_clause_coder_dates)
{
    stage_fixture f;
    if (!fixture_open(&f))
        return;
    static const struct {
        const char *text, *code, *date;
        kh_date_precision precision;
    } cases[] = {
        {"In 2019, Firefly visited Sylvania.", "042", "2019-01-01", KH_DATE_YEAR},
        {"Firefly visited Sylvania in May.", "042", "2023-05-01", KH_DATE_MONTH},
        {"Firefly visited Sylvania in August 2019.", "042", "2019-08-01", KH_DATE_MONTH},
        {"Earlier this month, Firefly visited Sylvania.", "042", "2024-04-01", KH_DATE_MONTH},
        {"Firefly visited Sylvania last week.", "042", "2024-04-17", KH_DATE_WEEK},
        {"Firefly visited Sylvania last year.", "042", "2023-01-01", KH_DATE_YEAR},
        {"Firefly visited Sylvania on Monday.", "042", "2024-04-22", KH_DATE_DAY},
        /* a second conjunct shares the first's date */
        {"Firefly visited Sylvania on Monday and accused Sylvania of lying.", "112", "2024-04-22",
         KH_DATE_DAY},
        /* a date of another clause that does not govern it is not the event's */
        {"Firefly visited Sylvania, which Freedonian troops left in 2019.", "042", "2024-04-24",
         KH_DATE_DAY},
        /* the reporting clause dates what it reports */
        {"On Monday, Sylvania said Firefly visited Freedonia.", "042", "2024-04-22", KH_DATE_DAY},
        /* an intent is dated when stated, never by the intended act */
        {"Firefly said on Monday he would visit Sylvania next week.", "036", "2024-04-22",
         KH_DATE_DAY},
        {"Firefly wants to visit Sylvania next month.", "036", "2024-04-24", KH_DATE_DAY},
    };
    kh_coder *c = fixture_coder(&f, 0);
    REQUIRE(c != NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const kh_event *ev;
        size_t n;
        REQUIRE(code_text(c, cases[i].text, &ev, &n) == KH_OK);
        const kh_event *e = event_coded(ev, n, cases[i].code);
        CHECK(e != NULL);
        if (!e)
            continue;
        char d[16];
        snprintf(d, sizeof d, "%04d-%02d-%02d", e->date.year, e->date.month, e->date.day);
        CHECK_EQ_STR(d, cases[i].date);
        CHECK_EQ_INT(e->date_precision, cases[i].precision);
    }
    CHECK_EQ_STR(kh_date_precision_name(KH_DATE_YEAR), "year");
    CHECK_EQ_STR(kh_date_precision_name(KH_DATE_DAY), "day");
    kh_coder_free(c);
    fixture_close(&f);
}

/* The peer wing tags only the sentences it reads the tags of
 * (kh_analyze_tag_sentence after KH_ANALYZE_RECASE): each sentence gets
 * exactly the tags and lemmas the whole document's tagging gives it, in
 * whatever order it is asked for, a headline's retagging and a recased
 * sentence included. */
TEST(stage_lazy_tags_as_full_tagging)
{
    stage_fixture f;
    if (!fixture_open(&f))
        return;
    static const char text[] = "US FORCES BOMB MARXTON\n"
                               "Freedonian troops shelled Marxton on Monday, and the minister "
                               "said talks would resume. POLICE ARRESTED FIVE MEN IN FREDVILLE. "
                               "Rebels attack army base in Marxton - report.";
    size_t head = strlen("US FORCES BOMB MARXTON");
    kh_story s;
    kh_unit u[2];
    memset(&s, 0, sizeof s);
    memset(u, 0, sizeof u);
    u[0].kind = KH_UNIT_HEADLINE;
    u[0].span.len = head;
    u[1].kind = KH_UNIT_BODY;
    u[1].span.off = head + 1;
    u[1].span.len = strlen(text) - head - 1;
    s.text = text;
    s.text_len = strlen(text);
    s.units = u;
    s.n_units = 2;
    const kh_doc *doc;
    REQUIRE(kh_analyze(f.scratch, f.lex, &s, KH_ANALYZE_TOKENS | KH_ANALYZE_TAGS, &doc) == KH_OK);
    size_t n = doc->n_tokens, ns = doc->n_sentences;
    REQUIRE(n < 256 && ns >= 4);
    uint8_t upos[256];
    char norm[256][32], lemma[256][32];
    for (size_t i = 0; i < n; i++) {
        upos[i] = doc->upos[i];
        snprintf(norm[i], sizeof norm[i], "%.*s", (int)doc->tokens[i].norm_len, doc->tokens[i].norm);
        snprintf(lemma[i], sizeof lemma[i], "%s", doc->lemma[i] ? doc->lemma[i] : "");
    }
    REQUIRE(kh_analyze_timed(f.scratch, f.lex, &s, KH_ANALYZE_TOKENS | KH_ANALYZE_RECASE, NULL,
                             &doc) == KH_OK);
    REQUIRE(doc->n_tokens == n && !doc->upos && !doc->chunks);
    for (size_t k = ns; k-- > 0;) { /* last sentence first; the third twice */
        REQUIRE(kh_analyze_tag_sentence(f.scratch, f.lex, k) == KH_OK);
        if (k == 2)
            REQUIRE(kh_analyze_tag_sentence(f.scratch, f.lex, k) == KH_OK);
    }
    CHECK_EQ_INT(kh_analyze_tag_sentence(f.scratch, f.lex, ns), KH_ERR_INVALID);
    REQUIRE(doc->upos && doc->lemma);
    for (size_t i = 0; i < n; i++) {
        char got[32];
        snprintf(got, sizeof got, "%.*s", (int)doc->tokens[i].norm_len, doc->tokens[i].norm);
        CHECK_EQ_STR(got, norm[i]);
        CHECK_EQ_INT(doc->upos[i], upos[i]);
        CHECK_EQ_STR(doc->lemma[i] ? doc->lemma[i] : "", lemma[i]);
    }
    fixture_close(&f);
}
