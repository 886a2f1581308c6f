/*
 * patterns.c: matching a clause against the verb patterns filed under its
 * verb's lemma (the events stage's first step). A pattern's words are looked
 * for after (and before) the verb with small gaps, synsets and alternatives
 * expand in place, and its source and target slots bind to noun phrases;
 * the words may run past the clause into the complement it governs, never
 * past the sentence. The coder (clause.c) tries every pattern of the verb
 * and keeps the best match.
 */
#include <strings.h>

#include "events/patterns.h"


static int skippable(const kh_story_view *c, size_t i)
{
    kh_upos u = (kh_upos)c->doc->upos[i];
    /* Infinitival "to" is never written in patterns ("refuse meet $T"). */
    if (u == KH_UPOS_PART && kh_view_word_is(c, i, "to"))
        return 1;
    return u == KH_UPOS_DET || u == KH_UPOS_ADJ || u == KH_UPOS_ADV || u == KH_UPOS_NUM ||
           u == KH_UPOS_PRON || u == KH_UPOS_AUX || (c->doc->tokens[i].flags & KH_TOK_POSSESSIVE);
}

/* Token i is part of a measure before what is measured: the unit after a
 * number and its "of" ("5 million dollars of aid", "700 kg of medicine",
 * "$50,000 worth of goods"), so the pattern word is the thing measured. */
static int measure_at(const kh_story_view *c, size_t i, size_t end)
{
    const uint8_t *u = c->doc->upos;
    if (u[i] == KH_UPOS_SYM) /* a currency sign before its number */
        return i + 1 < end && u[i + 1] == KH_UPOS_NUM;
    if (kh_view_word_is(c, i, "of"))
        return i >= 2 && (u[i - 2] == KH_UPOS_NUM || kh_view_word_is(c, i - 1, "worth")) &&
               (u[i - 1] == KH_UPOS_NOUN || kh_view_word_is(c, i - 1, "worth"));
    return i >= 1 && i + 1 < end && u[i - 1] == KH_UPOS_NUM &&
           (u[i] == KH_UPOS_NOUN || kh_view_word_is(c, i, "worth")) && kh_view_word_is(c, i + 1, "of");
}

static int word_at(const kh_story_view *c, size_t i, uint32_t w)
{
    return c->form[i] == w || c->lemw[i] == w;
}

static int synset_at(const kh_story_view *c, size_t i, size_t end, uint32_t ref, size_t *len)
{
    /* Longest synset member starting at i. */
    uint32_t node = 0;
    *len = 0;
    for (size_t j = i; j < end && j - i < 8; j++) {
        uint32_t nd = kh_dict_child(c->dict, node, c->form[j]);
        if (!nd)
            nd = kh_dict_child(c->dict, node, c->lemw[j]);
        if (!nd)
            break;
        node = nd;
        const kh_trie_node *n = &c->dict->nodes[node];
        for (uint32_t k = 0; k < n->n_payloads; k++) {
            const kh_payload *p = &c->dict->payloads[n->first_payload + k];
            if (p->kind == KH_P_SYNSET && p->ref == ref)
                *len = j + 1 - i;
        }
    }
    return *len > 0;
}

static int elem_at(const kh_story_view *c, const kh_elem *el, size_t i, size_t end, size_t *len)
{
    *len = 1;
    switch (el->kind) {
    case KH_E_WORD:
        return word_at(c, i, el->ref);
    case KH_E_ALT:
        for (uint32_t k = 0; k < el->aux; k++)
            if (word_at(c, i, c->dict->alts[el->ref + k]))
                return 1;
        return 0;
    case KH_E_SYNSET:
        return synset_at(c, i, end, el->ref, len);
    default:
        return 0;
    }
}

/* The NP chunk starting at or after token i (before `end`), or -1. An NP
 * that a pattern word before i opened ("set ablaze eight vehicles": the
 * chunker put the adjective in the object's phrase) is the one from i on,
 * when its head is still ahead. */
static int32_t np_at_or_after(const kh_story_view *c, size_t i, size_t end, size_t max_skip)
{
    const kh_doc *doc = c->doc;
    size_t from = kh_chunk_from(doc, i);
    if (from > 0 && doc->chunks[from - 1].kind == KH_CHUNK_NP && doc->chunks[from - 1].head >= i &&
        doc->chunks[from - 1].end <= end)
        return (int32_t)(from - 1);
    for (size_t k = from; k < doc->n_chunks; k++) {
        const kh_chunk *ch = &doc->chunks[k];
        if (ch->kind != KH_CHUNK_NP || ch->first < i)
            continue;
        if (ch->first >= end || ch->first - i > max_skip)
            return -1;
        return (int32_t)k;
    }
    return -1;
}



/* 0 when some word of pattern p (kh_dict.pat_need) is neither the form nor
 * the lemma of any token of sentence si, where every element is looked
 * for: p cannot match there. 1 when it may. */
static int may_match(const kh_story_view *c, const kh_pattern *p, size_t si)
{
    if (!c->wset || !c->dict->pat_need)
        return 1;
    uint32_t need = c->dict->pat_need[p - c->dict->patterns];
    const uint64_t *w = c->wset + 4 * si;
    for (uint32_t k = 0; k < need >> 24; k++) {
        unsigned b = (need >> (8 * k)) & 0xffu;
        if (!(w[b >> 6] >> (b & 63) & 1))
            return 0;
    }
    return 1;
}

/* Tries one pattern on a clause. `passive`: the target slot is the clause's
 * subject, so $T is skipped after the verb. */
int kh_try_pattern(const kh_story_view *c, const kh_pattern *p, const kh_clause *cl, const kh_chunk *vg,
                       size_t verb_tok, int passive, pmatch *m)
{
    /* First, before the pattern itself is read: most patterns fail here. */
    if (!may_match(c, p, cl->sentence))
        return 0;
    const kh_elem *els = c->dict->elems + p->first_elem;
    /* Pattern words may run past the clause into the complement it governs
     * ("urged Israel to release the prisoners", "accused India of violating
     * the ceasefire"), never past the sentence. */
    size_t end = c->doc->sentences[cl->sentence].first_token + c->doc->sentences[cl->sentence].n_tokens;
    m->pat = p;
    m->target_np = -1;
    m->source_np = -1;
    m->last = (uint32_t)verb_tok;
    m->score = p->n_elems;
    size_t cur = verb_tok + 1;
    /* After the verb. */
    for (uint16_t k = (uint16_t)(p->verb_pos + 1); k < p->n_elems; k++) {
        const kh_elem *el = &els[k];
        if (el->kind == KH_E_TARGET || el->kind == KH_E_SOURCE) {
            if (passive && el->kind == KH_E_TARGET)
                continue;
            int32_t np = np_at_or_after(c, cur, end, 4);
            if (np < 0)
                return 0;
            /* Only adverbs and punctuation-free modifiers may stand between:
             * "occupied by Egypt" has no object, "Egypt" is the agent. */
            for (size_t t = cur; t < c->doc->chunks[np].first; t++)
                if (c->doc->upos[t] != KH_UPOS_ADV && c->doc->upos[t] != KH_UPOS_PART &&
                    c->doc->upos[t] != KH_UPOS_DET)
                    return 0;
            if (el->kind == KH_E_TARGET)
                m->target_np = np;
            else
                m->source_np = np;
            /* Skip the NP and its coordinated members. */
            int32_t last = np;
            while (c->doc->chunks[last].member >= 0)
                last = c->doc->chunks[last].member;
            cur = c->doc->chunks[last].end;
            /* Two objects the chunker ran into one phrase, a name and
             * what it is given ("give Tanzania a grant"): the next
             * pattern word is looked for from the determiner on. */
            const kh_chunk *t = &c->doc->chunks[np];
            if (last == np && k + 1 < p->n_elems && c->doc->upos[t->first] == KH_UPOS_PROPN) {
                size_t d = t->first + 1;
                while (d < t->end && c->doc->upos[d] == KH_UPOS_PROPN)
                    d++;
                if (d < t->end && c->doc->upos[d] == KH_UPOS_DET)
                    cur = d;
            }
            m->last = (uint32_t)(cur - 1);
            continue;
        }
        size_t found = SIZE_MAX, len = 1;
        for (size_t i = cur; i < end && i < cur + PATTERN_GAP; i++) {
            if (elem_at(c, el, i, end, &len)) {
                found = i;
                break;
            }
            /* Modifiers, and nouns or names modifying a noun ("a mutual
             * defence pact", "the Arab League summit"). */
            if (!skippable(c, i) && !measure_at(c, i, end) &&
                !((c->doc->upos[i] == KH_UPOS_NOUN || c->doc->upos[i] == KH_UPOS_PROPN) &&
                  i + 1 < end &&
                  (c->doc->upos[i + 1] == KH_UPOS_NOUN || c->doc->upos[i + 1] == KH_UPOS_PROPN)))
                break;
        }
        if (found == SIZE_MAX)
            return 0;
        cur = found + len;
        m->last = (uint32_t)(cur - 1);
    }
    /* Before the verb (imported dictionaries): backwards from the group. */
    size_t back = vg->aux_first;
    size_t start = c->doc->sentences[cl->sentence].first_token;
    for (size_t k = p->verb_pos; k-- > 0;) {
        const kh_elem *el = &els[k];
        if (el->kind == KH_E_TARGET || el->kind == KH_E_SOURCE)
            continue; /* the subject fills a slot before the verb */
        size_t found = SIZE_MAX, len = 1;
        for (size_t i = back; i-- > start && back - i <= PATTERN_GAP;) {
            if (elem_at(c, el, i, back, &len)) {
                found = i;
                break;
            }
        }
        if (found == SIZE_MAX)
            return 0;
        back = found;
    }
    return 1;
}

/* ---------------------------------------------------------------------- */
/* Modality: intent and refusal versions of a code (CAMEO 03x and 12x)     */
