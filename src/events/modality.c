/*
 * modality.c: whether a clause asserts its act as a fact (stage 7, read by
 * the clause coder, events/clause.c, before it resolves the actors).
 *
 * The answer comes from the clause's structure, never from words anywhere
 * in the sentence:
 *   - the mood of its verb group: a modal auxiliary of possibility ("could
 *     impose", "may attack") or obligation ("should be hunted down and
 *     killed", "must boost"). The main clause of a condition ("may cut
 *     aid if the rebels advance", "would meet the envoy if ...") is a threat or a
 *     promise, which the coder codes as an intent, as CAMEO does; so is
 *     "would" in a report ("said it would send aid");
 *   - what introduces it: a conditional subordinator ("if they defy
 *     him", "unless"), "whether" (an embedded question), "until" (a
 *     boundary in time: "had ties until X sealed its borders" tells the
 *     background, not a new act), "that" after a noun ("reports that the
 *     militia had shelled the town": the content of a claim);
 *   - the sentence it is in: a question ("Will Iran attack?"), except the
 *     clause that reports it ("he asked");
 *   - what it is embedded in: the content of a denial ("denied that its
 *     troops fired", by the dictionary's &STMT_DENIAL words on the verb
 *     it is the object of, or that reports it), or of a clause that is
 *     itself not a fact; a second
 *     conjunct without an auxiliary of its own shares the first's mood
 *     ("should be hunted down and killed").
 * Negation is not decided here: CAMEO's rules for it (a negated act is not
 * coded, a refusal is a 12x event) stay in clause.c.
 *
 * The word lists below are closed grammatical classes (modal auxiliaries,
 * subordinators), compared by the token's lower-cased form.
 *
 * kh_demand_code, last, is what the coder makes of an obligation a speaker
 * states ("X said Y must meet Z"): X's demand of Y, CAMEO 10x.
 */
#include <string.h>

#include "events/coder.h"
#include "resolve/resolve.h"

static const char *const POSSIBILITY[] = {"can", "could", "may", "might", NULL};
static const char *const OBLIGATION[] = {"must", "should", "ought", NULL};
static const char *const CONDITIONAL[] = {"if", "unless", "lest", NULL};
static const char *const BOUNDARY[] = {"until", "till", NULL};

static int word_in(const kh_story_view *v, size_t t, const char *const *list)
{
    for (size_t k = 0; list[k]; k++)
        if (kh_view_word_is(v, t, list[k]))
            return 1;
    return 0;
}

/* The first token of clause k: its subject when that stands before the
 * verb and after the sentence's previous verb (not a relative clause's
 * antecedent), else the first token of its verb group. */
static size_t clause_start(const kh_doc *doc, size_t k)
{
    const kh_clause *cl = &doc->clauses[k];
    const kh_chunk *vg = &doc->chunks[cl->verb];
    size_t s0 = vg->aux_first;
    size_t floor = doc->sentences[cl->sentence].first_token;
    if (k > 0 && doc->clauses[k - 1].sentence == cl->sentence)
        floor = doc->chunks[doc->clauses[k - 1].verb].end;
    if (cl->subject >= 0 && !(cl->flags & KH_CL_RELATIVE)) {
        const kh_chunk *sub = &doc->chunks[cl->subject];
        if (sub->first < s0 && sub->first >= floor)
            s0 = sub->first;
    }
    return s0;
}

/* What introduces clause k: the word before its first token. */
static const char *subordinator(const kh_coder *c, size_t k)
{
    const kh_doc *doc = c->doc;
    const kh_clause *cl = &doc->clauses[k];
    size_t s0 = clause_start(doc, k);
    size_t sf = doc->sentences[cl->sentence].first_token;
    if (s0 <= sf)
        return NULL;
    size_t t = s0 - 1;
    if (word_in(&c->view, t, CONDITIONAL))
        return "conditional";
    if (kh_view_word_is(&c->view, t, "whether"))
        return "whether";
    if (word_in(&c->view, t, BOUNDARY))
        return "background";
    /* "reports that the militia had shelled the town": a that-clause with
     * its own subject and object after a noun is the noun's content, not
     * an act the text asserts. Not when it lacks its object ("the rules
     * that parliament must pass": a relative clause with a gap), nor after
     * the person a report is made to ("told the site that", "confirmed
     * reports that") or a date ("told reporters on Monday that"):
     * then it is what the reporter says. */
    if (kh_view_word_is(&c->view, t, "that") && t > sf && s0 != doc->chunks[cl->verb].aux_first &&
        doc->upos[t - 1] == KH_UPOS_NOUN && cl->object >= 0) {
        for (size_t a = k; a-- > 0 && doc->clauses[a].sentence == cl->sentence;) {
            const kh_clause *p = &doc->clauses[a];
            if (p->object >= 0 && doc->chunks[p->object].end == t &&
                (doc->chunks[p->verb].flags & KH_VG_REPORTING))
                return NULL;
        }
        kh_date any = {2000, 1, 1};
        size_t from = t >= sf + 3 ? t - 3 : sf;
        if (kh_resolve_date(doc, from, t, any, 1, 0).rule)
            return NULL;
        return "claim";
    }
    return NULL;
}

static const char POSSIBLE[] = "possibility";

/* The mood of clause k's verb group from its modal auxiliaries: POSSIBLE,
 * "obligation", or NULL ("would" is the future of a report, an intent). */
static const char *verb_mood(const kh_coder *c, size_t k)
{
    const kh_doc *doc = c->doc;
    const kh_chunk *vg = &doc->chunks[doc->clauses[k].verb];
    if (!(vg->flags & KH_VG_MODAL))
        return NULL;
    for (size_t t = vg->aux_first; t < vg->head; t++) {
        if (doc->upos[t] != KH_UPOS_AUX)
            continue;
        if (word_in(&c->view, t, POSSIBILITY))
            return POSSIBLE;
        if (word_in(&c->view, t, OBLIGATION))
            return "obligation";
    }
    return NULL;
}

/* The sentence ends with a question mark (before any closing quotes or
 * brackets). */
static int question(const kh_coder *c, const kh_sentence *se)
{
    const kh_doc *doc = c->doc;
    for (size_t t = se->first_token + se->n_tokens; t-- > se->first_token;) {
        const kh_token *tk = &doc->tokens[t];
        if (tk->norm_len == 1 && tk->norm[0] == '?')
            return 1;
        if (doc->upos[t] != KH_UPOS_PUNCT)
            return 0;
    }
    return 0;
}

/* Clause k states a condition: a conditional subordinator within its
 * extent ("may cut aid ... if the talks fail", even when the parser
 * found no clause after it), or another clause of the sentence introduced
 * by one ("If they defy him, he would ..."). */
static int conditional_sentence(const kh_coder *c, size_t k)
{
    const kh_doc *doc = c->doc;
    const kh_clause *cl = &doc->clauses[k];
    for (size_t t = doc->chunks[cl->verb].end; t < cl->end; t++)
        if (doc->upos[t] == KH_UPOS_SCONJ && word_in(&c->view, t, CONDITIONAL))
            return 1;
    uint32_t si = cl->sentence;
    size_t a = k;
    while (a > 0 && doc->clauses[a - 1].sentence == si)
        a--;
    for (; a < doc->n_clauses && doc->clauses[a].sentence == si; a++) {
        const char *s = subordinator(c, a);
        if (s && !strcmp(s, "conditional"))
            return 1;
    }
    return 0;
}

/* The verb of clause p denies (the dictionary's &STMT_DENIAL words). */
static int denies(const kh_coder *c, size_t p)
{
    uint32_t syn = c->stmt_syn[0]; /* &STMT_DENIAL (clause.c's statement_kinds) */
    if (syn == KH_NONE)
        return 0;
    const kh_chunk *vg = &c->doc->chunks[c->doc->clauses[p].verb];
    uint32_t node = c->view.mnode[vg->head];
    return node && kh_node_payload(c->dict, node, KH_P_SYNSET, syn) != NULL;
}

/* Clause k is the object of the verb of the clause before it: it starts
 * right after that verb group, or after a "that" right after it ("denied
 * (that) its forces attacked"). */
static int complement_of_previous(const kh_coder *c, size_t k)
{
    const kh_doc *doc = c->doc;
    if (k == 0 || doc->clauses[k - 1].sentence != doc->clauses[k].sentence)
        return 0;
    size_t vend = doc->chunks[doc->clauses[k - 1].verb].end;
    size_t s0 = clause_start(doc, k);
    return s0 == vend || (s0 == vend + 1 && kh_view_word_is(&c->view, vend, "that"));
}

static const char *modality(const kh_coder *c, size_t k, int depth)
{
    const kh_doc *doc = c->doc;
    const kh_clause *cl = &doc->clauses[k];
    const kh_chunk *vg = &doc->chunks[cl->verb];
    if (question(c, &doc->sentences[cl->sentence]) && !(vg->flags & KH_VG_REPORTING))
        return "question";
    const char *why = subordinator(c, k);
    if (why)
        return why;
    /* "may cut aid if the rebels advance", "would meet the envoy if ...": the main
     * clause of a condition is a threat or a promise, coded as the intent
     * (clause.c) as CAMEO does; without a condition "may" and "could" only
     * say what is possible. */
    if ((why = verb_mood(c, k)) && !(why == POSSIBLE && conditional_sentence(c, k)))
        return why;
    if (depth >= 8)
        return NULL;
    /* "should be hunted down and killed": the second conjunct, without an
     * auxiliary of its own, shares the first's mood. */
    if ((cl->flags & KH_CL_COORD) && vg->aux_first == vg->head && k > 0 &&
        doc->clauses[k - 1].sentence == cl->sentence && (why = modality(c, k - 1, depth + 1)))
        return why;
    if (complement_of_previous(c, k) && denies(c, k - 1))
        return "denied";
    if (cl->parent >= 0 && (size_t)cl->parent < doc->n_clauses) {
        if (denies(c, (size_t)cl->parent))
            return "denied";
        return modality(c, (size_t)cl->parent, depth + 1);
    }
    return NULL;
}

const char *kh_clause_modality(const kh_coder *c, size_t cli)
{
    if (!c->doc->upos || cli >= c->doc->n_clauses)
        return NULL;
    return modality(c, cli, 0);
}

/* Clause k tells of a scheduled act: in a body sentence (a headline's
 * present is its past), its verb group neither past nor perfect nor a bare
 * participle ("leaves for Moscow on Tuesday", "talks are due later this
 * month"), and its own words hold a time expression that, read forward,
 * falls after the story's date ("on Tuesday" in a Sunday story, "on April
 * 19" in an April 17 one, "next week", "tomorrow"), or is "later this
 * week / month / year"; or its verb group is "scheduled / set / slated to"
 * an act. Such an act has not happened yet: the coder codes
 * the intent (clause.c). Not for "will" and the like, which the verb
 * group's mood already marks, nor for a date the text gives in the past
 * tense. */
int kh_clause_scheduled(const kh_coder *c, size_t k)
{
    const kh_doc *doc = c->doc;
    if (!doc->upos || k >= doc->n_clauses)
        return 0;
    const kh_clause *cl = &doc->clauses[k];
    const kh_chunk *vg = &doc->chunks[cl->verb];
    if (doc->sentences[cl->sentence].kind == KH_UNIT_HEADLINE ||
        (vg->flags & (KH_VG_PAST | KH_VG_PERFECT | KH_VG_PARTICIPLE | KH_VG_FUTURE | KH_VG_MODAL)))
        return 0;
    /* "is scheduled to visit", "is set to arrive", "is slated to meet". */
    static const char *const SCHEDULE[] = {"scheduled", "slated", "set", NULL};
    for (size_t t = vg->aux_first; t + 1 < vg->head; t++)
        if (word_in(&c->view, t, SCHEDULE) && kh_view_word_is(&c->view, t + 1, "to"))
            return 1;
    size_t first = clause_start(doc, k), end = cl->end;
    if (first >= end || !c->story->date.year)
        return 0;
    kh_date_shift ds = kh_resolve_date(doc, first, end, c->story->date, 0, 1);
    if (!ds.rule)
        return 0;
    if (kh_date_to_days(ds.date) > kh_date_to_days(c->story->date))
        return 1;
    /* "later this month": the rule takes "this month", the word before says. */
    return ds.first > first && ds.precision != KH_DATE_DAY && kh_view_word_is(&c->view, ds.first - 1, "later");
}

/* What demanding an act is (CAMEO 10x), for "X said Y must <act>": NULL
 * when the act is not one CAMEO has a demand for (conflict acts). */
const kh_code_rec *kh_demand_code(const kh_coder *c, const kh_code_rec *rec)
{
    const char *code = kh_dict_str(c->dict, rec->code);
    int root = (code[0] - '0') * 10 + (code[1] - '0');
    const char *to = NULL;
    char same[8];
    switch (root) {
    case 3: /* the intents and the demands share their third digit: 034 -> 104 */
        same[0] = '1';
        same[1] = '0';
        for (size_t k = 0; k < 5; k++)
            if (!(same[k + 2] = code[2 + k]))
                break;
        same[7] = '\0';
        to = same;
        break;
    case 5: to = !strncmp(code, "057", 3) ? "107" : "100"; break;
    case 4: to = !strncmp(code, "045", 3) ? "108" : "106"; break;
    case 6: to = "101"; break;
    case 7: to = "103"; break;
    case 8:
        to = !strncmp(code, "081", 3) ? "1051" : !strncmp(code, "084", 3) ? "1053"
           : !strncmp(code, "085", 3) ? "1054" : !strncmp(code, "087", 3) ? "1056"
           : !strncmp(code, "083", 3) ? "104" : "105";
        break;
    default: return NULL;
    }
    const kh_code_rec *r = kh_dict_code(c->dict, to, strlen(to));
    return r ? r : kh_dict_code(c->dict, "100", 3);
}
