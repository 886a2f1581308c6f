/* test_import.c: the TABARI and PETRARCH importers, through the public
 * builder API: both peers' suite dictionaries load with no error and
 * compile to an image whose counts match an independent count of the
 * files; dated actors, patterns with words before the verb, agents; and
 * the fixtures' odd cases with their FILE:LINE:COL messages. */
#include <unistd.h>

#include "unit.h"
#include "core/core.h"
#include "dict/dict.h"

typedef struct diags {
    size_t n;
    char text[64][320];
} diags;

static void collect(void *ctx, const kh_diag *d)
{
    diags *g = (diags *)ctx;
    if (g->n < 64)
        snprintf(g->text[g->n], sizeof g->text[0], "%s:%zu:%zu: %s%s", d->source, d->line, d->col,
                 d->severity == KH_SEV_WARNING ? "warning: " : "", d->message);
    g->n++;
}

static int has_diag(const diags *g, const char *needle)
{
    for (size_t i = 0; i < g->n && i < 64; i++)
        if (strstr(g->text[i], needle))
            return 1;
    return 0;
}

static void dump(const diags *g)
{
    for (size_t i = 0; i < g->n && i < 64; i++)
        if (!strstr(g->text[i], "not in the CAMEO table"))
            fprintf(stderr, "    %s\n", g->text[i]);
}

/* Builds the sources into a temporary image and loads it. */
static kh_dict *build(kh_dict_format fmt, const char *const *paths, size_t n, diags *g,
                      size_t *errors)
{
    kh_dict_builder *b;
    if (kh_dict_builder_new(NULL, collect, g, &b) != KH_OK)
        return NULL;
    for (size_t i = 0; i < n; i++)
        kh_dict_builder_add(b, fmt, paths[i], NULL, 0);
    char tmp[] = "/tmp/kh-import-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd >= 0)
        close(fd);
    kh_error err;
    memset(&err, 0, sizeof err);
    kh_status st = kh_dict_builder_finish(b, tmp, &err);
    kh_dict_builder_counts(b, errors, NULL);
    kh_dict_builder_free(b);
    kh_dict *d = NULL;
    if (st == KH_OK && kh_dict_load(tmp, NULL, &d, &err) != KH_OK)
        d = NULL;
    unlink(tmp);
    return d;
}

/* The actor a phrase (given as its word ids' strings) leads to. */
static const kh_actor_rec *actor_of(const kh_dict *d, const char *const *words, size_t n)
{
    uint32_t node = 0;
    for (size_t i = 0; i < n; i++) {
        node = kh_dict_child(d, node, kh_dict_word(d, words[i], strlen(words[i])));
        if (!node)
            return NULL;
    }
    const kh_trie_node *nd = &d->nodes[node];
    for (uint32_t k = 0; k < nd->n_payloads; k++) {
        const kh_payload *p = &d->payloads[nd->first_payload + k];
        if (p->kind == KH_P_ACTOR)
            return &d->actors[p->ref];
    }
    return NULL;
}

static const kh_agent_rec *agent_of(const kh_dict *d, const char *const *words, size_t n)
{
    uint32_t node = 0;
    for (size_t i = 0; i < n; i++) {
        node = kh_dict_child(d, node, kh_dict_word(d, words[i], strlen(words[i])));
        if (!node)
            return NULL;
    }
    const kh_trie_node *nd = &d->nodes[node];
    for (uint32_t k = 0; k < nd->n_payloads; k++) {
        const kh_payload *p = &d->payloads[nd->first_payload + k];
        if (p->kind == KH_P_AGENT)
            return &d->agents[p->ref];
    }
    return NULL;
}

static const char *role_on(const kh_dict *d, const kh_actor_rec *a, int y, int m, int day)
{
    kh_date dt = {(int16_t)y, (uint8_t)m, (uint8_t)day};
    const kh_role *r = kh_dict_actor_role(d, a, kh_date_to_days(dt));
    return r ? kh_dict_str(d, r->code) : "(none)";
}

static const kh_pattern *pattern_by_text(const kh_dict *d, const char *text)
{
    for (size_t i = 0; i < d->n_patterns; i++)
        if (!strcmp(kh_dict_str(d, d->patterns[i].text), text))
            return &d->patterns[i];
    return NULL;
}

static const char *word_str(const kh_dict *d, uint32_t id)
{
    return id < d->n_words ? kh_dict_str(d, d->words[id].str) : "";
}

/* ---------------------------------------------------------------------- */
/* Independent counts of the files' entries                               */

typedef struct counts {
    size_t actors, agents, synsets;
} counts;

static counts count_tabari(const char *dir)
{
    counts c = {0, 0, 0};
    char path[1200];
    snprintf(path, sizeof path, "%s/TABARI.Demo.actors", dir);
    char *s = unit_read_file(path, NULL);
    int skip = 0;
    for (char *l = s ? strtok(s, "\n") : NULL; l; l = strtok(NULL, "\n")) {
        if (!strncmp(l, "~~", 2))
            break;
        if (!strncmp(l, "<NOUN>", 6) || !strncmp(l, "<ADJECTIVE>", 11))
            skip = 1;
        else if (!strncmp(l, "</", 2))
            skip = 0;
        else if (!skip && l[0] != ' ' && l[0] != '\t' && l[0] != '+' && l[0] != '#' &&
                 l[0] != '\r' && l[0] != '<' && l[0])
            c.actors++;
    }
    free(s);
    snprintf(path, sizeof path, "%s/Validate.agents", dir);
    s = unit_read_file(path, NULL);
    for (char *l = s ? strtok(s, "\n") : NULL; l; l = strtok(NULL, "\n"))
        c.agents += strchr(l, '[') != NULL && l[0] != '#';
    free(s);
    snprintf(path, sizeof path, "%s/TABARI.Demo.verbs", dir);
    s = unit_read_file(path, NULL);
    int in_syn = 0;
    for (char *l = s ? strtok(s, "\n") : NULL; l; l = strtok(NULL, "\n")) {
        if (!strncmp(l, "<SYNSETS>", 9))
            in_syn = 1;
        else if (!strncmp(l, "</SYNSETS>", 10))
            in_syn = 0;
        else
            c.synsets += in_syn && l[0] == '&';
    }
    free(s);
    return c;
}

static counts count_petrarch(const char *dir)
{
    counts c = {0, 0, 0};
    char path[1200];
    snprintf(path, sizeof path, "%s/PETR.Validate.actors.txt", dir);
    char *s = unit_read_file(path, NULL);
    int in_comment = 0;
    for (char *l = s ? strtok(s, "\n") : NULL; l; l = strtok(NULL, "\n")) {
        int opens = strstr(l, "<!") != NULL, closes = strstr(l, "-->") != NULL;
        if (in_comment || opens) {
            in_comment = !closes;
            continue;
        }
        if (l[0] != ' ' && l[0] != '\t' && l[0] != '+' && l[0] != '#' && l[0] != '\r' && l[0])
            c.actors++;
    }
    free(s);
    snprintf(path, sizeof path, "%s/PETR.Validate.discards.txt", dir);
    s = unit_read_file(path, NULL);
    for (char *l = s ? strtok(s, "\n") : NULL; l; l = strtok(NULL, "\n"))
        c.actors += l[0] != '#' && l[0] != '\r' && l[0] != ' ';
    free(s);
    snprintf(path, sizeof path, "%s/PETR.Validate.agents.txt", dir);
    s = unit_read_file(path, NULL);
    for (char *l = s ? strtok(s, "\n") : NULL; l; l = strtok(NULL, "\n"))
        c.agents += strchr(l, '[') != NULL && l[0] != '#';
    free(s);
    snprintf(path, sizeof path, "%s/PETR.Validate.verbs.txt", dir);
    s = unit_read_file(path, NULL);
    for (char *l = s ? strtok(s, "\n") : NULL; l; l = strtok(NULL, "\n"))
        c.synsets += l[0] == '&';
    free(s);
    return c;
}

/* Anonymous synsets made from { a | b } alternatives are named &alt...  */
static size_t named_synsets(const kh_dict *d)
{
    size_t n = 0;
    /* Anonymous alternatives and TABARI's reserved <noun>/<adjective> lists
     * are not synsets the file names. */
    for (size_t i = 0; i < d->n_synsets; i++) {
        const char *name = kh_dict_str(d, d->synsets[i].name);
        n += strncmp(name, "&alt", 4) != 0 && strcmp(name, KH_SYN_NOUN) != 0 &&
             strcmp(name, KH_SYN_ADJECTIVE) != 0;
    }
    return n;
}

/* ---------------------------------------------------------------------- */

TEST(import_tabari_suite)
{
    char dir[1024], project[1100];
    snprintf(dir, sizeof dir, "%s/suites/tabari-validate", unit_shared());
    snprintf(project, sizeof project, "%s/Validate.project", dir);
    if (access(project, R_OK) != 0) {
        unit_skip("no shared");
        return;
    }
    diags *g = calloc(1, sizeof *g);
    REQUIRE(g);
    size_t errors = 99;
    const char *paths[] = {project};
    kh_dict *d = build(KH_DICT_TABARI, paths, 1, g, &errors);
    CHECK_EQ_INT(errors, 0);
    if (errors)
        dump(g);
    REQUIRE(d);
    counts c = count_tabari(dir);
    CHECK_EQ_INT(d->n_actors, c.actors);
    CHECK_EQ_INT(d->n_agents, c.agents);
    CHECK_EQ_INT(named_synsets(d), c.synsets);
    CHECK(d->n_patterns > 600);

    /* GOLLUM: [HOB <950601] [HOBGOV 950601-990815] [HOBREB >990816]. */
    const char *gollum[] = {"gollum*"};
    const kh_actor_rec *a = actor_of(d, gollum, 1);
    REQUIRE(a);
    CHECK_EQ_STR(role_on(d, a, 1994, 1, 1), "HOB");
    CHECK_EQ_STR(role_on(d, a, 1997, 6, 1), "HOBGOV");
    CHECK_EQ_STR(role_on(d, a, 2003, 1, 1), "HOBREB");
    const char *smeagol[] = {"smeagol*"};
    CHECK(actor_of(d, smeagol, 1) == a);
    /* ALBRIGHT [USAGOV 991201-010114] [---]: the default after the range. */
    const char *albright[] = {"albright*"};
    a = actor_of(d, albright, 1);
    REQUIRE(a);
    CHECK_EQ_STR(role_on(d, a, 2000, 1, 1), "USAGOV");
    CHECK_EQ_STR(role_on(d, a, 2005, 1, 1), KH_CODE_NULL);
    /* A coded compound and a stem. */
    const char *lorien[] = {"lorien*"};
    a = actor_of(d, lorien, 1);
    REQUIRE(a);
    CHECK_EQ_STR(role_on(d, a, 2000, 1, 1), "ELR/GAL");

    /* Words before the verb: CLASH - UNEXPECTEDLY &NEGATVAUXVRB * OVER EFFORTS [906]. */
    const kh_pattern *p = pattern_by_text(d, "CLASH: UNEXPECTEDLY &NEGATVAUXVRB * OVER EFFORTS");
    REQUIRE(p);
    CHECK_EQ_INT(p->verb_pos, 2);
    CHECK_EQ_INT(p->n_elems, 5);
    const kh_elem *e = &d->elems[p->first_elem];
    CHECK_EQ_INT(e[0].kind, KH_E_WORD);
    CHECK_EQ_STR(word_str(d, e[0].ref), "unexpectedly*");
    CHECK_EQ_INT(e[1].kind, KH_E_SYNSET);
    CHECK_EQ_INT(e[2].kind, KH_E_VERB);
    CHECK_EQ_STR(word_str(d, p->verb), "clash*");
    CHECK_EQ_STR(kh_dict_str(d, d->codes[p->code].code), "906");
    CHECK(p->flags & KH_PAT_TABARI);
    /* Connectors, slots and a paired code: EXTRADITE-like WARN - + HAVE BEEN * $ [161]. */
    p = pattern_by_text(d, "WARN: + HAVE BEEN * $");
    REQUIRE(p);
    CHECK_EQ_INT(d->elems[p->first_elem].kind, KH_E_TARGET);
    CHECK_EQ_INT(p->verb_pos, 3);
    p = pattern_by_text(d, "ARRIVE");
    REQUIRE(p);
    CHECK(p->flags & KH_PAT_PAIRED);
    CHECK_EQ_STR(kh_dict_str(d, p->code2), "033");
    p = pattern_by_text(d, "CELEBRATE: * IFTAR AT ^ ^ +");
    REQUIRE(p);
    CHECK_EQ_INT(d->elems[p->first_elem + 3].kind, KH_E_SKIP);
    p = pattern_by_text(d, "ACCORD: IN_*");
    REQUIRE(p);
    CHECK(d->elems[p->first_elem + 1].aux & KH_EF_ADJ);
    p = pattern_by_text(d, "<TIME> LAST_WEEK");
    REQUIRE(p);
    CHECK(p->flags & KH_PAT_TIME);
    CHECK_EQ_INT(p->shift, -7);
    /* An irregular form shares the root's patterns. */
    CHECK(pattern_by_text(d, "BROKE_: * TREATY") != NULL);

    /* Agents: PRESIDENT_ [~GOVPRS] and HUMAN_RIGHTS_BODY_ [NGO~]. */
    const char *pres[] = {"president"};
    const kh_agent_rec *ag = agent_of(d, pres, 1);
    REQUIRE(ag);
    CHECK_EQ_STR(kh_dict_str(d, ag->code), "GOVPRS");
    CHECK_EQ_INT(ag->flags, 0);
    const char *presidents[] = {"presidents"};
    CHECK(agent_of(d, presidents, 1) == ag);
    const char *body[] = {"human", "rights", "body"};
    ag = agent_of(d, body, 3);
    REQUIRE(ag);
    CHECK_EQ_STR(kh_dict_str(d, ag->code), "NGO");
    CHECK_EQ_INT(ag->flags, KH_AGENT_PREFIX);
    kh_dict_free(d);
    free(g);
}

TEST(import_petrarch_suite)
{
    char dir[1024], p1[1100], p2[1100], p3[1100], p4[1100];
    snprintf(dir, sizeof dir, "%s/suites/petrarch-unittest", unit_shared());
    snprintf(p1, sizeof p1, "%s/PETR.Validate.actors.txt", dir);
    snprintf(p2, sizeof p2, "%s/PETR.Validate.agents.txt", dir);
    snprintf(p3, sizeof p3, "%s/PETR.Validate.verbs.txt", dir);
    snprintf(p4, sizeof p4, "%s/PETR.Validate.discards.txt", dir);
    if (access(p1, R_OK) != 0) {
        unit_skip("no shared");
        return;
    }
    diags *g = calloc(1, sizeof *g);
    REQUIRE(g);
    size_t errors = 99;
    const char *paths[] = {p1, p2, p3, p4};
    kh_dict *d = build(KH_DICT_PETRARCH, paths, 4, g, &errors);
    CHECK_EQ_INT(errors, 0);
    if (errors)
        dump(g);
    REQUIRE(d);
    counts c = count_petrarch(dir);
    CHECK_EQ_INT(d->n_actors, c.actors);
    CHECK_EQ_INT(d->n_agents, c.agents);
    CHECK_EQ_INT(named_synsets(d), c.synsets);
    CHECK(d->n_patterns > 1000);

    /* SAM_GAMGEE: ranges in order (the first satisfied wins), default last. */
    const char *sam[] = {"sam", "gamgee"};
    const kh_actor_rec *a = actor_of(d, sam, 2);
    REQUIRE(a);
    CHECK_EQ_STR(role_on(d, a, 2007, 1, 1), "HOBCIV");
    CHECK_EQ_STR(role_on(d, a, 2010, 1, 10), "ORCHOB");
    CHECK_EQ_STR(role_on(d, a, 2011, 1, 1), "HOBMIL");
    CHECK_EQ_STR(role_on(d, a, 2014, 1, 1), "HOBELI");
    const char *usa[] = {"u.s."};
    a = actor_of(d, usa, 1);
    REQUIRE(a);
    CHECK_EQ_STR(role_on(d, a, 2014, 1, 1), "USA");
    /* Discards are actors whose code discards. */
    const char *mu[] = {"manchester", "united*"};
    a = actor_of(d, mu, 2);
    REQUIRE(a);
    CHECK_EQ_STR(role_on(d, a, 2014, 1, 1), KH_CODE_DISCARD_STORY);

    /* Words before the verb, with connectors: KILLED - MILITARY_WING_WERE_* [224]. */
    const kh_pattern *p = pattern_by_text(d, "KILLED / KILLED: MILITARY_WING_WERE_*");
    REQUIRE(p);
    CHECK_EQ_INT(p->verb_pos, 3);
    CHECK(d->elems[p->first_elem + 3].aux & KH_EF_ADJ);
    CHECK_EQ_STR(word_str(d, d->elems[p->first_elem].ref), "military");
    CHECK(p->flags & KH_PAT_PETRARCH);
    /* A block's patterns hold for its other verbs and their forms. */
    CHECK(pattern_by_text(d, "POSTPONE / POSTPONED: SAID WOULD NOT *") != NULL);
    p = pattern_by_text(d, "DOWNPLAY / DOWNPLAYS");
    REQUIRE(p);
    CHECK_EQ_STR(kh_dict_str(d, d->codes[p->code].code), "014");
    /* A multi-word verb marked with +: KLM_NOP_+RST. */
    p = pattern_by_text(d, "KLM_NOP_+RST / RST");
    REQUIRE(p);
    CHECK_EQ_INT(p->verb_pos, 2);

    /* Agents: plurals, substitution markers, a prefix code. */
    const char *pres[] = {"presidents"};
    const kh_agent_rec *ag = agent_of(d, pres, 1);
    REQUIRE(ag);
    CHECK_EQ_STR(kh_dict_str(d, ag->code), "GOV");
    const char *walks[] = {"ministries", "of", "silly", "walks"};
    CHECK(agent_of(d, walks, 4) != NULL);
    const char *geese[] = {"golden", "geese"};
    CHECK(agent_of(d, geese, 2) != NULL);
    const char *msf[] = {"msf"};
    ag = agent_of(d, msf, 1);
    REQUIRE(ag);
    CHECK_EQ_INT(ag->flags, KH_AGENT_PREFIX);
    kh_dict_free(d);
    free(g);
}

TEST(import_tabari_fixtures)
{
    diags *g = calloc(1, sizeof *g);
    REQUIRE(g);
    kh_dict_builder *b;
    REQUIRE(kh_dict_builder_new(NULL, collect, g, &b) == KH_OK);
    kh_dict_builder_set_flags(b, KH_DICT_STRICT);
    CHECK(kh_dict_builder_add(b, KH_DICT_TABARI, "tests/fixtures/tabari/mini.project", NULL, 0) ==
          KH_ERR_FORMAT);
    size_t errors, warnings;
    kh_dict_builder_counts(b, &errors, &warnings);
    CHECK_EQ_INT(errors, 8);
    CHECK(has_diag(g, "odd.actors:10:18: bad date restriction '991301-000101'"));
    CHECK(has_diag(g, "odd.actors:11:1: actor 'NOCODE_ACTOR' has no code"));
    CHECK(has_diag(g, "odd.actors:12:11: missing ']'"));
    CHECK(has_diag(g, "odd.actors:14:11: bad actor code 'A-B'"));
    CHECK(has_diag(g, "odd.verbs:19:3: pattern without the verb marker"));
    CHECK(has_diag(g, "odd.verbs:21:5: synset '&MISSING' is not defined"));
    CHECK(has_diag(g, "odd.agents:3:11: bad agent code 'GOV'"));
    CHECK(has_diag(g, "mini.project:5:15: cannot read"));
    CHECK(has_diag(g, "warning: event code 'sdf' is not in the CAMEO table"));
    if (unit_failed_now())
        dump(g);
    kh_dict_builder_free(b);

    /* Without the bad lines the rest compiles. */
    static const char actors[] = "NORTHLAND [NTH]\nELDER_KING_\n+OLD_KING\n"
                                 "\t[NTHGOV 990101-051231]\n\t[NTHELI]\n";
    static const char verbs[] = "<SYNSETS>\n&FOES\n+RAIDERS\n+ORC_BAND\n&FOESX\n+BIG_&FOES\n"
                                "</SYNSETS>\nPARLEY [031:032]\n- $ * WITH + [036]\n"
                                "- LATE_ &FOESX * [111?]\n- { NEVER | NOT_EVER } * [112!]\n"
                                "BREAK_ [172]\n{ BROKE_ BROKEN_ }\n- * TRUCE [174]\n";
    g->n = 0;
    REQUIRE(kh_dict_builder_new(NULL, collect, g, &b) == KH_OK);
    CHECK(kh_dict_builder_add(b, KH_DICT_TABARI, "x.actors", actors, sizeof actors - 1) == KH_OK);
    CHECK(kh_dict_builder_add(b, KH_DICT_TABARI, "x.verbs", verbs, sizeof verbs - 1) == KH_OK);
    kh_error err;
    memset(&err, 0, sizeof err);
    char tmp[] = "/tmp/kh-import-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd >= 0)
        close(fd);
    CHECK(kh_dict_builder_finish(b, tmp, &err) == KH_OK);
    kh_dict_builder_free(b);
    kh_dict *d = NULL;
    CHECK(kh_dict_load(tmp, NULL, &d, &err) == KH_OK);
    unlink(tmp);
    REQUIRE(d);
    const char *old_king[] = {"old", "king*"};
    const kh_actor_rec *a = actor_of(d, old_king, 2);
    REQUIRE(a);
    CHECK_EQ_STR(role_on(d, a, 2000, 1, 1), "NTHGOV");
    CHECK_EQ_STR(role_on(d, a, 2010, 1, 1), "NTHELI");
    const kh_pattern *p = pattern_by_text(d, "PARLEY: LATE_ &FOESX *");
    REQUIRE(p);
    CHECK(p->flags & KH_PAT_SUBORDINATE);
    CHECK(p->flags & KH_PAT_PAIRED ? 0 : 1);
    CHECK_EQ_INT(p->verb_pos, 2);
    p = pattern_by_text(d, "PARLEY: { NEVER | NOT_EVER } *");
    REQUIRE(p);
    CHECK(p->flags & KH_PAT_DOMINANT);
    CHECK_EQ_INT(d->elems[p->first_elem].kind, KH_E_SYNSET);
    /* BREAK_ takes the regular endings, BROKE_ is an irregular form. */
    CHECK(pattern_by_text(d, "BREAK_ / breaking: * TRUCE") == NULL); /* forms keep the case */
    CHECK(pattern_by_text(d, "BREAK_ / BREAKING: * TRUCE") != NULL);
    CHECK(pattern_by_text(d, "BROKEN_: * TRUCE") != NULL);
    p = pattern_by_text(d, "BREAK_ / BREAKS");
    REQUIRE(p);
    CHECK_EQ_STR(word_str(d, p->verb), "breaks");
    kh_dict_free(d);
    free(g);
}

/* Read as TABARI reads: the lines TABARI skips are skipped with a warning
 * each, the rest loads, and the summary counts both; what TABARI reads
 * without a word (day 31 in any month, an interval that never applies, a
 * group closed by ']', a second '+', text after the code) loads silently. */
TEST(import_tabari_lenient)
{
    diags *g = calloc(1, sizeof *g);
    REQUIRE(g);
    kh_dict_builder *b;
    REQUIRE(kh_dict_builder_new(NULL, collect, g, &b) == KH_OK);
    static const char actors[] = "NORTHLAND [NTH]\nELDER_KING_\n\t[NTHGOV 030101-040931]\n"
                                 "\t[NTHELI 270101-730717]\nNOTES: free text\n"
                                 "SOUTH_&_WEST_ [SWX]\nACME_ [MNCNTH] Retail $100\n";
    static const char verbs[] = "PARLEY [031]\n- + * TO_ + [036]\n- { WILL | WOULD ] * + [033]\n"
                                "- * MISSION PROTEST } [090]\n- * FOO * BAR [040]\n";
    CHECK(kh_dict_builder_add(b, KH_DICT_TABARI, "x.actors", actors, sizeof actors - 1) == KH_OK);
    CHECK(kh_dict_builder_add(b, KH_DICT_TABARI, "x.verbs", verbs, sizeof verbs - 1) == KH_OK);
    size_t errors, warnings;
    kh_dict_builder_counts(b, &errors, &warnings);
    CHECK_EQ_INT(errors, 0);
    CHECK_EQ_INT(warnings, 1);
    CHECK(has_diag(g, "x.actors:6:7: warning: '&' starts a synset"));
    kh_dict_build_summary s;
    kh_dict_builder_summary(b, &s);
    CHECK_EQ_INT(s.read[KH_ENTRY_ACTOR], 5);
    CHECK_EQ_INT(s.skipped[KH_ENTRY_ACTOR], 1);
    CHECK_EQ_INT(s.read[KH_ENTRY_PATTERN], 5);
    CHECK_EQ_INT(s.skipped[KH_ENTRY_PATTERN], 0);
    CHECK_EQ_INT(s.skipped_lines, 1);
    kh_error err;
    memset(&err, 0, sizeof err);
    CHECK(kh_dict_builder_finish(b, NULL, &err) == KH_OK);
    kh_dict_builder_free(b);
    if (unit_failed_now())
        dump(g);

    /* No actors: an image that could code nothing is refused. */
    g->n = 0;
    REQUIRE(kh_dict_builder_new(NULL, collect, g, &b) == KH_OK);
    CHECK(kh_dict_builder_add(b, KH_DICT_TABARI, "x.verbs", verbs, sizeof verbs - 1) == KH_OK);
    memset(&err, 0, sizeof err);
    CHECK(kh_dict_builder_finish(b, NULL, &err) == KH_ERR_FORMAT);
    CHECK(strstr(err.message, "no actors") != NULL);
    kh_dict_builder_free(b);
    free(g);
}

TEST(import_petrarch_fixtures)
{
    diags *g = calloc(1, sizeof *g);
    REQUIRE(g);
    kh_dict_builder *b;
    REQUIRE(kh_dict_builder_new(NULL, collect, g, &b) == KH_OK);
    kh_dict_builder_set_flags(b, KH_DICT_STRICT);
    const char *files[] = {"tests/fixtures/petrarch/odd.actors.txt",
                           "tests/fixtures/petrarch/odd.agents.txt",
                           "tests/fixtures/petrarch/odd.verbs.txt",
                           "tests/fixtures/petrarch/odd.discards.txt"};
    for (size_t i = 0; i < 4; i++)
        kh_dict_builder_add(b, KH_DICT_PETRARCH, files[i], NULL, 0);
    size_t errors;
    kh_dict_builder_counts(b, &errors, NULL);
    CHECK_EQ_INT(errors, 4);
    CHECK(has_diag(g, "odd.actors.txt:9:7: bad date restriction '2005-01-01'"));
    CHECK(has_diag(g, "odd.actors.txt:8:1: actor 'BAD_DATE' has no code"));
    CHECK(has_diag(g, "odd.agents.txt:7:5: undefined substitution marker"));
    CHECK(has_diag(g, "odd.verbs.txt:11:5: synset '&UNKNOWN' is not defined"));
    if (unit_failed_now())
        dump(g);
    kh_dict_builder_free(b);
    free(g);
}

TEST(import_hostile_input)
{
    /* Odd bytes never crash; everything comes back as diagnostics. */
    static const char *const inputs[] = {
        "[", "]", "\t[", "+", "-", "- *", "- * [", "{", "{ a | }", "&", "+&X", "<SYNSETS>\n+x\n&\n",
        "A [B <", "A [B 990101-]", "A [B -990101]", "--- [", "--- X [1] ---\nV {\n- * (", "!X! =",
        "X!Y! [~A]", "V [1]\n- * {a|b|c|d} &", "V [1]\n- ** ** [2]", "A\0B [C]", "\xff\xfe [X]",
        "<TIME>\nX [+99999999]\n", "V [1:]\n", "V [:1]\n", "V [1?!]\n",
    };
    for (size_t f = 0; f < 2; f++)
        for (size_t i = 0; i < KH_ARRAY_LEN(inputs); i++) {
            kh_dict_builder *b;
            REQUIRE(kh_dict_builder_new(NULL, NULL, NULL, &b) == KH_OK);
            size_t len = i == 21 ? 7 : strlen(inputs[i]);
            const char *names[] = {"h.verbs", "h.actors", "h.agents", "h.txt"};
            for (size_t k = 0; k < 4; k++)
                kh_dict_builder_add(b, f ? KH_DICT_PETRARCH : KH_DICT_TABARI, names[k], inputs[i],
                                    len);
            kh_dict_builder_finish(b, NULL, NULL);
            kh_dict_builder_free(b);
        }
}
