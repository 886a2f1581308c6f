/*
 * targets.c: the parties of an act its own noun phrases do not give, for
 * the events stage's actor choice (events/clause.c): which phrases after a
 * verb are not targets at all (an area the act ran over), the armed force
 * a "when" clause names as an agentless act's author, the clause a "him"
 * or "them" refers back to, and the country of a town before a role word.
 * The actors stage (actors.c) says what actor a phrase names; this file
 * reads the story view and keeps no state.
 */
#include "actors/actors.h"

#include <string.h>

/* "shot them dead along the border", "clashes across the region",
 * "raids throughout the province": a phrase after a preposition of extent
 * says over what area the act happened, never at whom. Prepositions of a
 * point ("in", "at", "near", "outside") are left out: an attack there is
 * often aimed at the place ("a bomb exploded near a police post", "fired
 * rockets in Sderot"), and "into"/"on" name the aim itself. */
int kh_actors_locative(const kh_story_view *v, size_t i)
{
    static const char *const preps[] = {"along", "across", "throughout", "within", NULL};
    for (size_t k = 0; preps[k]; k++)
        if (kh_view_word_is(v, i, preps[k]))
            return 1;
    return 0;
}

/* The role part of `code` names an armed force: MIL, COP, REB, INS, SEP,
 * UAF or SPY alone or after a country or organisation prefix. */
int kh_actors_armed(const char *code)
{
    static const char *const roles[] = {"MIL", "COP", "REB", "INS", "SEP", "UAF", "SPY", NULL};
    size_t n = code ? strlen(code) : 0;
    for (size_t k = 0; roles[k]; k++)
        for (size_t at = 0; at + 3 <= n && at <= 6; at += 3)
            if (!strncmp(code + at, roles[k], 3))
                return 1;
    return 0;
}

/* "Four persons were killed when unidentified militants blew up a tanker",
 * "One soldier died as militants attacked an army vehicle": a violent act
 * with no author in its own clause was done by the armed force the next
 * "when"/"as" clause of its sentence makes the subject (the annotation
 * guide: an author given elsewhere in the sentence is the source). Only an
 * armed force counts: "killed when their bus overturned" names none. Sets
 * *out and returns 1 when it found one. */
int kh_actors_when_author(kh_actors *c, size_t cli, actor *out)
{
    const kh_doc *doc = c->v->doc;
    const kh_clause *cl = &doc->clauses[cli];
    for (size_t k = cli + 1; k < doc->n_clauses && doc->clauses[k].sentence == cl->sentence; k++) {
        int32_t subj = doc->clauses[k].subject;
        if (subj < 0 || doc->chunks[subj].first == 0)
            continue;
        size_t before = doc->chunks[subj].first - 1;
        if (!kh_view_word_is(c->v, before, "when") && !kh_view_word_is(c->v, before, "as"))
            continue;
        actor a[MAX_ACTORS];
        size_t n = kh_actors_resolve_np(c, subj, -1, a);
        if (!n || !kh_actors_armed(a[0].code))
            return 0;
        *out = a[0];
        return 1;
    }
    return 0;
}

/* A pronoun target ("him", "her", "them") that the story context left
 * unresolved, read as a party of the clause before it in its sentence:
 * "a man was wounded when militants opened fire on him" (its subject),
 * "troops stopped three men and shot them" (its object, when its subject
 * is the source again). `src` is the act's source, NULL when none. Returns
 * the number of actors written to outs. */
size_t kh_actors_antecedent(kh_actors *c, size_t cli, int32_t np, const actor *src, actor *outs)
{
    const kh_doc *doc = c->v->doc;
    if (np < 0 || !(doc->chunks[np].flags & KH_NP_PRONOUN))
        return 0;
    size_t f = doc->chunks[np].first;
    if (!kh_view_word_is(c->v, f, "him") && !kh_view_word_is(c->v, f, "her") &&
        !kh_view_word_is(c->v, f, "them"))
        return 0;
    const kh_clause *cl = &doc->clauses[cli];
    if (cli == 0 || doc->clauses[cli - 1].sentence != cl->sentence)
        return 0;
    const kh_clause *prev = &doc->clauses[cli - 1];
    const int32_t cands[2] = {prev->subject, prev->object};
    for (size_t k = 0; k < 2; k++) {
        if (cands[k] < 0 || cands[k] == np || (doc->chunks[cands[k]].flags & KH_NP_PRONOUN))
            continue;
        size_t n = kh_actors_resolve_target(c, cands[k], -1, outs);
        if (!n)
            continue;
        if (src && src->code && outs[0].code && !strcmp(src->code, outs[0].code))
            continue; /* the source acting again: the other party is meant */
        for (size_t q = 0; q < n; q++)
            outs[q].first = (uint32_t)f, outs[q].end = doc->chunks[np].end;
        return n;
    }
    return 0;
}

/* The country of a place the gazetteer knows, named as proper nouns in
 * tokens [first, end) and ending right at `end` ("Karachi police"; `end`
 * is the role word), when every place of that name is in that one
 * country. A place further left is a person's name as often ("President
 * Leon Febres Cordero"). NULL when none; a role word ("Police", a town in
 * Poland) is never a place. */
const char *kh_actors_place_country(const kh_story_view *v, size_t first, size_t end)
{
    const kh_dict *d = v->dict;
    for (size_t t = first; t < end;) {
        uint32_t node = v->mnode[t];
        size_t len = v->mlen[t] ? v->mlen[t] : 1;
        if (!node || t + len != end || kh_node_is_role_word(d, node) || !kh_view_place_words(v, t, len)) {
            t += len;
            continue;
        }
        /* A name places of several countries share ("Punjab") is left to
         * the story's context (context.c). */
        const kh_trie_node *n = &d->nodes[node];
        const char *cc = NULL;
        for (uint32_t k = 0; k < n->n_payloads; k++) {
            const kh_payload *pl = &d->payloads[n->first_payload + k];
            if (pl->kind != KH_P_PLACE)
                continue;
            const char *pcc = kh_dict_str(d, d->places[pl->ref].country);
            if (cc && strcmp(cc, pcc))
                return NULL;
            cc = pcc;
        }
        if (cc)
            return cc;
        t += len;
    }
    return NULL;
}

/* CAMEO code `code` names an act of force, always done to someone:
 * assault (18), fighting (19), mass violence (20) and the threat of
 * military force (138, what an intended act of force is coded as). */
int kh_actors_code_needs_target(const char *code)
{
    if (!code || !code[0] || !code[1])
        return 0;
    return (code[0] == '1' && (code[1] == '8' || code[1] == '9')) ||
           (code[0] == '2' && code[1] == '0') || !strncmp(code, "138", 3);
}

/* What NP chunk `ci` names: 0 someone (its head a pronoun, a proper noun,
 * or a dictionary phrase of an actor, a role or a place in it), 1 only
 * things of the verb patterns' word classes ("the area", "a camp"), 2
 * nothing the dictionary knows ("his political agenda", "the
 * atmosphere"): the object of a verb of force read in another sense
 * ("fight for an agenda", "poison the atmosphere"). */
int kh_actors_names_no_one(const kh_story_view *v, int32_t ci)
{
    if (ci < 0 || (size_t)ci >= v->doc->n_chunks)
        return 0;
    const kh_chunk *ch = &v->doc->chunks[ci];
    if (ch->kind != KH_CHUNK_NP || v->doc->upos[ch->head] == KH_UPOS_PRON)
        return 0;
    const kh_dict *d = v->dict;
    int known = 0;
    for (size_t k = ch->first; k < ch->end; k++) {
        if (v->doc->upos[k] == KH_UPOS_PROPN)
            return 0;
        const kh_trie_node *n = v->mnode[k] ? &d->nodes[v->mnode[k]] : NULL;
        for (uint32_t p = 0; n && p < n->n_payloads; p++) {
            if (d->payloads[n->first_payload + p].kind != KH_P_SYNSET)
                return 0;
            known = 1;
        }
    }
    return known ? 1 : 2;
}
