/*
 * names.c: actors that a noun phrase names without the dictionary knowing
 * the name, for the actors stage (actors.c): a party named by its own name
 * before a common head ("the opposition Labour party", "Sharon's Likud
 * party"), and the personal name of someone the text introduces by a title
 * ("Interior Minister Abdallah al-Rassi"), so that a later bare surname
 * ("al-Rassi said") is the same person. Reads the story view only; keeps no
 * state.
 */
#include <string.h>

#include "actors/actors.h"

/* Token t is covered by a dictionary phrase that starts before it. */
static int inside_phrase(const kh_story_view *v, size_t first, size_t t)
{
    for (size_t i = first; i < t; i++)
        if (v->mnode[i] && i + v->mlen[i] > t)
            return 1;
    return 0;
}

size_t kh_actors_personal_name(const kh_story_view *v, size_t first, size_t head, size_t *from)
{
    const kh_doc *doc = v->doc;
    if (head <= first || doc->upos[head] != KH_UPOS_PROPN)
        return 0;
    size_t t = head + 1;
    /* Back from the head over the name's own words: proper nouns no
     * dictionary phrase covers ("Minister | Arturo Hernandez Grisanti"). */
    while (t > first && doc->upos[t - 1] == KH_UPOS_PROPN && !v->mnode[t - 1] &&
           !inside_phrase(v, first, t - 1) && (doc->tokens[t - 1].flags & KH_TOK_CAP))
        t--;
    if (t > head || t == first)
        return 0; /* no name, or no title before it */
    *from = t;
    return head + 1 - t;
}

/* The party role words before a party's name say: "opposition" OPP,
 * "ruling"/"governing" GOV, else a party (PTY). */
static const char *party_role(const kh_story_view *v, size_t first, size_t end)
{
    for (size_t i = first; i < end; i++) {
        if (kh_view_word_is(v, i, "opposition"))
            return "OPP";
        if (kh_view_word_is(v, i, "ruling") || kh_view_word_is(v, i, "governing"))
            return "GOV";
    }
    return "PTY";
}

int kh_actors_party(kh_actors *c, const kh_chunk *np, const char *country, actor *out)
{
    const kh_story_view *v = c->v;
    const kh_doc *doc = v->doc;
    size_t h = np->head;
    if (h <= np->first || (!kh_view_word_is(v, h, "party") && !kh_view_word_is(v, h, "parties")))
        return 0;
    /* The name right before the head, capitalised in text that is not all
     * capitals ("Likud party", "the Republican party"); "third party",
     * "a birthday party" name none. */
    const kh_token *name = &doc->tokens[h - 1];
    if (!(name->flags & KH_TOK_CAP) || (name->flags & KH_TOK_UPPER && name->norm_len > 4) ||
        (doc->tokens[h].flags & KH_TOK_UPPER) || h - 1 == doc->sentences[np->sentence].first_token)
        return 0;
    if (doc->upos[h - 1] != KH_UPOS_PROPN && doc->upos[h - 1] != KH_UPOS_ADJ)
        return 0;
    const char *role = party_role(v, np->first, h);
    char *code = (char *)kh_arena_alloc(v->arena, 7);
    if (!code)
        return 0;
    if (country && strlen(country) == 3) {
        memcpy(code, country, 3);
        memcpy(code + 3, role, 4);
    } else {
        memcpy(code, role, 4);
    }
    memset(out, 0, sizeof *out);
    out->code = code;
    out->name = kh_view_text(v, np->first, np->end);
    out->first = np->first;
    out->end = np->end;
    return 1;
}

int kh_actors_spells(const kh_story_view *v, const kh_chunk *np, size_t acr)
{
    const kh_token *a = &v->doc->tokens[acr];
    size_t k = 0, words = 0;
    /* A word of the patterns' classes ("IED") keeps its sense. */
    if (v->mnode[acr] && kh_node_payload(v->dict, v->mnode[acr], KH_P_SYNSET, KH_NONE))
        return 0;
    for (size_t t = np->first; t < np->end && k < a->norm_len; t++) {
        const kh_token *w = &v->doc->tokens[t];
        if (!(w->flags & KH_TOK_CAP) || !w->norm_len)
            continue;
        words++;
        if (kh_to_lower((unsigned char)w->norm[0]) == kh_to_lower((unsigned char)a->norm[k]))
            k++;
        else if (k == 0)
            return 0; /* the name starts with the acronym's first letter */
    }
    if (words < 2 || k != a->norm_len)
        return 0;
    /* A long form the dictionary knows as an actor, a country or a role
     * ("United Arab Emirates (UAE)", "Security Force (SF)") is the meaning
     * it gives the acronym. */
    for (size_t t = np->first; t < np->end; t++) {
        const kh_trie_node *n = v->mnode[t] ? &v->dict->nodes[v->mnode[t]] : NULL;
        for (uint32_t k2 = 0; n && k2 < n->n_payloads; k2++) {
            uint32_t kind = v->dict->payloads[n->first_payload + k2].kind;
            if (kind != KH_P_PLACE && kind != KH_P_SYNSET)
                return 0;
        }
    }
    return 1;
}

void kh_actors_forget_word(const kh_story_view *v, size_t tok)
{
    const kh_token *a = &v->doc->tokens[tok];
    for (size_t t = 0; t < v->doc->n_tokens; t++) {
        const kh_token *w = &v->doc->tokens[t];
        if (v->mnode[t] && v->mlen[t] == 1 && w->norm_len == a->norm_len &&
            !memcmp(w->norm, a->norm, a->norm_len))
            v->mnode[t] = 0, v->mlen[t] = 0;
    }
}

const char *kh_actors_country_before(const kh_story_view *v, size_t start, size_t tok, size_t max)
{
    const kh_doc *doc = v->doc;
    for (size_t t = tok; t > start && tok - t < max;) {
        t--;
        if (doc->upos[t] == KH_UPOS_VERB || doc->upos[t] == KH_UPOS_AUX)
            return NULL; /* another clause's words */
        /* The phrase that covers token t, starting at most six tokens
         * before it. */
        for (size_t s = t + 1; s-- > start && t - s < 6;) {
            if (!v->mnode[s] || s + v->mlen[s] <= t)
                continue;
            const kh_payload *pl = kh_node_payload(v->dict, v->mnode[s], KH_P_COUNTRY, KH_NONE);
            if (!pl)
                pl = kh_node_payload(v->dict, v->mnode[s], KH_P_DEMONYM, KH_NONE);
            if (pl && !kh_node_is_role_word(v->dict, v->mnode[s]))
                return kh_dict_str(v->dict, v->dict->countries[pl->ref].code);
            break;
        }
    }
    return NULL;
}

int kh_actors_acronym(const kh_story_view *v, size_t t)
{
    const kh_doc *doc = v->doc;
    const kh_token *w = &doc->tokens[t];
    if (!(w->flags & KH_TOK_UPPER) || w->norm_len < 2 || w->norm_len > 5)
        return 0;
    /* In text that is not all capitals: a neighbouring word in lower or
     * mixed case ("on the ICO to"). */
    for (size_t k = t > 3 ? t - 3 : 0; k < doc->n_tokens && k <= t + 3; k++) {
        const kh_token *n = &doc->tokens[k];
        if (k != t && n->norm_len > 1 && kh_is_alpha((unsigned char)n->norm[0]) && !(n->flags & KH_TOK_UPPER))
            return 1;
    }
    return 0;
}

size_t kh_actors_pair_of(kh_actors *c, int32_t ci, const actor *a, actor *outs)
{
    static const char *const groups[] = {"countries", "nations", "states", "governments",
                                         "sides", NULL};
    const kh_story_view *v = c->v;
    const kh_doc *doc = v->doc;
    size_t al = a->code ? strlen(a->code) : 0;
    if (al != 3 || !kh_actors_code_needs_country(a->code))
        return 0;
    for (size_t k = (size_t)ci + 1; k + 1 < doc->n_chunks && k < (size_t)ci + 3; k++) {
        const kh_chunk *pp = &doc->chunks[k], *obj = &doc->chunks[k + 1];
        if (pp->kind != KH_CHUNK_PP || pp->attach != ci || !kh_view_word_is(v, pp->first, "of") ||
            obj->kind != KH_CHUNK_NP || obj->end - obj->first < 2)
            continue;
        /* "of the two countries", "of both sides" */
        size_t f = obj->first, e = obj->end;
        int two = (e - f == 3 && kh_view_word_is(v, f, "the") && kh_view_word_is(v, f + 1, "two")) ||
                  (e - f == 2 && kh_view_word_is(v, f, "both"));
        int group = 0;
        for (size_t g = 0; groups[g]; g++)
            group |= kh_view_word_is(v, e - 1, groups[g]);
        if (!two || !group)
            return 0;
        /* The pair: two states coordinated earlier in this sentence ("India
         * and Pakistan ... the ministers of the two countries"), else the
         * story's last pair. */
        actor pair[MAX_ACTORS];
        size_t np = 0;
        for (size_t q = kh_chunk_from(doc, doc->sentences[doc->chunks[ci].sentence].first_token);
             q < (size_t)ci && np != 2; q++)
            if (doc->chunks[q].kind == KH_CHUNK_NP && (doc->chunks[q].flags & KH_NP_COORD))
                np = kh_actors_resolve_np(c, (int32_t)q, -1, pair);
        if (np != 2) {
            if (!c->have_pair)
                return 0;
            pair[0] = c->pair[0], pair[1] = c->pair[1];
        }
        size_t n = 0;
        for (size_t q = 0; q < 2; q++) {
            const actor *p = &pair[q];
            if (!p->code || strlen(p->code) != 3)
                return 0; /* the pair must be two states */
            char *code = (char *)kh_arena_alloc(v->arena, 7);
            if (!code)
                return 0;
            memcpy(code, p->code, 3);
            memcpy(code + 3, a->code, 4);
            outs[n] = *a;
            outs[n].code = code;
            outs[n].person = 0;
            n++;
        }
        return n;
    }
    return 0;
}

const char *kh_actors_owner_country(kh_actors *c, const actor *a, const actor *owner)
{
    const kh_story_view *v = c->v;
    if (!a->code || !owner || !owner->code || a->first >= a->end ||
        !kh_actors_code_needs_country(a->code) || strlen(owner->code) < 3 ||
        kh_actors_code_needs_country(owner->code) || !kh_is_upper((unsigned char)owner->code[0]))
        return NULL;
    if (!kh_view_word_is(v, a->first, "his") && !kh_view_word_is(v, a->first, "her") &&
        !kh_view_word_is(v, a->first, "its") && !kh_view_word_is(v, a->first, "their"))
        return NULL;
    /* The owner must be a state's actor: its first three letters a
     * country the dictionary knows ("ISRGOV"), not IGO, NGO, ... */
    for (size_t k = 0; k < v->dict->n_countries; k++) {
        const char *cc = kh_dict_str(v->dict, v->dict->countries[k].code);
        if (strlen(cc) == 3 && !strncmp(cc, owner->code, 3)) {
            size_t n = strlen(a->code);
            char *s = (char *)kh_arena_alloc(v->arena, n + 4);
            if (!s)
                return NULL;
            memcpy(s, cc, 3);
            memcpy(s + 3, a->code, n + 1);
            return s;
        }
    }
    return NULL;
}
