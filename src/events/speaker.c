/*
 * speaker.c: who makes a statement, where the actors stage (actors/) leaves
 * the speaker unknown or without a country. The clause coder (clause.c)
 * asks for clauses that speak: reports ("said", "told"), appeals, criticism,
 * threats (speech_code).
 *
 *   - A later surname names the person an earlier phrase of the story gave
 *     in full: "Miyazawa said" after "Finance Minister Kiichi Miyazawa",
 *     "De Clercq told journalists" after "EC Trade Commissioner Willy De
 *     Clercq" (kh_speaker_by_surname).
 *   - The speaker of a statement of a kind (worry, criticism: an opinion,
 *     not a fact) given as a bare role ("an official said ...") takes its
 *     country from the story's evidence (actors/context.c) before the coder
 *     decides whether the speaker is identified (kh_speaker_country). A
 *     plain comment's speaker does not: "officials said" is attribution.
 *   - A headline "Speaker: what was said" ("Minister: Talks Will Resume")
 *     whose clauses gave no event is a statement of the speaker, when a
 *     named political speaker (a person or an organisation's actor, not a
 *     country or a place, which before a colon is the story's topic:
 *     "Iraq: ...") (kh_speaker_headline).
 *
 * None changes which actors the phrases name for other events.
 */
#include <string.h>

#include "events/coder.h"
#include "events/statement.h"
#include "resolve/places.h"

/* Codes of speech acts: statements (01), appeals (02), demands (10),
 * disapproval (11), rejection (12), threats (13). */
int kh_speech_code(const char *code)
{
    if (!code || strlen(code) < 2 || code[0] < '0' || code[0] > '1')
        return 0;
    int root = (code[0] - '0') * 10 + (code[1] - '0');
    return root == 1 || root == 2 || (root >= 10 && root <= 13);
}

/* Token t is covered by a dictionary phrase (an agent, a country, an
 * actor) starting at or before it in [first, t]. */
static int covered(const kh_story_view *v, size_t first, size_t t)
{
    for (size_t i = first; i <= t; i++)
        if (v->mnode[i] && i + v->mlen[i] > t)
            return 1;
    return 0;
}

/* The NP names a person by a proper name of its own: its head is a
 * capitalised proper noun no dictionary phrase covers ("Finance Minister
 * Kiichi Miyazawa", "Miyazawa"), not a role word ("a ministry official")
 * nor an acronym or a word of an all-capitals headline ("UAW SAYS"). */
static int names_person(const kh_story_view *v, const kh_chunk *np)
{
    const kh_doc *doc = v->doc;
    size_t h = np->head;
    return doc->upos[h] == KH_UPOS_PROPN && (doc->tokens[h].flags & KH_TOK_CAP) &&
           !(doc->tokens[h].flags & KH_TOK_UPPER) && !covered(v, np->first, h);
}

/* Whether the NP's tokens hold a token spelt as token `t` (ignoring case). */
static int np_has_word(const kh_doc *doc, const kh_chunk *np, size_t t)
{
    const kh_token *w = &doc->tokens[t];
    for (size_t i = np->first; i < np->end; i++) {
        const kh_token *x = &doc->tokens[i];
        if (i != t && x->norm_len == w->norm_len && kh_eq_nocase(x->norm, x->norm_len, w->norm, w->norm_len))
            return 1;
    }
    return 0;
}

/* The nearest NP before chunk `ci` (or, with KH_SPEAKER_LATER, after it: a
 * headline names people before its story introduces them) that gives the
 * surname NP ci in full: a longer phrase, headed by a proper noun, holding
 * ci's head word, naming one actor. Its chunk index, or -1. Looks at most
 * KH_SPEAKER_LOOKBACK noun phrases away. */
#define KH_SPEAKER_LOOKBACK 400
static int32_t full_mention(kh_coder *c, int32_t ci, unsigned how, actor *a)
{
    int forward = (how & KH_SPEAKER_LATER) != 0;
    const kh_doc *doc = c->doc;
    const kh_chunk *np = &doc->chunks[ci];
    size_t seen = 0;
    for (int32_t k = forward ? ci + 1 : ci - 1; k >= 0 && (size_t)k < doc->n_chunks && seen < KH_SPEAKER_LOOKBACK;
         k += forward ? 1 : -1) {
        const kh_chunk *ch = &doc->chunks[k];
        if (ch->kind != KH_CHUNK_NP)
            continue;
        seen++;
        if (ch->end - ch->first <= np->end - np->first || !np_has_word(doc, ch, np->head) ||
            (ch->flags & KH_NP_COORD) || doc->upos[ch->head] != KH_UPOS_PROPN)
            continue;
        if (kh_actors_resolve_np(&c->ax, k, -1, a) == 1 && a[0].code)
            return k;
    }
    return -1;
}

/* The speaker NP `ci` is a surname (a proper-noun head no dictionary phrase
 * covers, with no determiner: "the Community" is a description) that an
 * earlier, longer phrase of the story gave with the person's title or
 * organisation (or a later one, with KH_SPEAKER_LATER): that phrase's actor, into
 * *out, spanning the speaker's own tokens. Returns 1 when found, 2 when
 * found and the actor's country inferred from the story at the full
 * mention, 0 when not. */
int kh_speaker_by_surname(kh_coder *c, int32_t ci, unsigned how, actor *out)
{
    const kh_doc *doc = c->doc;
    if (ci < 0)
        return 0;
    const kh_chunk *np = &doc->chunks[ci];
    if ((np->flags & (KH_NP_PRONOUN | KH_NP_COORD)) || doc->upos[np->first] != KH_UPOS_PROPN ||
        !names_person(&c->view, np))
        return 0;
    actor a[MAX_ACTORS];
    int32_t k = full_mention(c, ci, how, a);
    if (k < 0)
        return 0;
    const kh_chunk *ch = &doc->chunks[k];
    *out = a[0];
    out->first = np->first;
    out->end = np->end;
    /* A role without a country takes it from where the person was named
     * in full ("In Dar es Salaam, Tanzania's ... Minister Paul Bomani": the
     * place of a clause there), not from the surname's sentence. */
    const char *why = NULL, *code = out->code;
    actor head[MAX_ACTORS];
    if (kh_actors_code_needs_country(code) && k > 0 && doc->chunks[k - 1].member == k &&
        kh_actors_resolve_np(&c->ax, k - 1, -1, head) && head[0].code && strlen(head[0].code) == 3 &&
        head[0].country) {
        /* "Tanzania's Agriculture and Livestock Development Minister Paul
         * Bomani": the possessor is the whole title's. */
        char *joined = kh_arena_alloc(c->view.arena, 3 + strlen(code) + 1);
        if (joined) {
            memcpy(joined, head[0].code, 3);
            memcpy(joined + 3, code, strlen(code) + 1);
            out->code = joined;
            return 1;
        }
    }
    if (kh_actors_code_needs_country(code)) {
        const kh_place *place = NULL;
        for (size_t q = 0; q < doc->n_clauses && !place; q++)
            if (doc->clauses[q].sentence == ch->sentence)
                place = kh_place_of(&c->view, &doc->clauses[q], &doc->chunks[doc->clauses[q].verb]);
        code = kh_actors_with_country(&c->ax, code, place, ch->sentence, NULL, &why);
    }
    if (!why)
        return 1;
    out->code = code;
    return 2;
}

/* The speaker of a statement of a kind (worry, criticism, praise: an
 * opinion, not the attribution of a fact) whose code is a bare role ("a
 * Labour Ministry official said it is difficult to foresee the situation
 * improving") takes the country the story gives evidence for, as the coder
 * would give it later (clause.c, infer_countries), before the coder asks
 * whether the speaker is identified; *why says from what. Returns 1 when
 * the code changed. A plain comment (010) keeps its bare role: measured on
 * the dev gold, "Minister X said" with a plain content is as often routine
 * attribution as a statement. */
int kh_speaker_country(kh_coder *c, size_t cli, actor *speaker, const char **why)
{
    const kh_doc *doc = c->doc;
    *why = NULL;
    if (!speaker->code || !kh_actors_code_needs_country(speaker->code))
        return 0;
    const kh_clause *cl = &doc->clauses[cli];
    const kh_place *place = kh_place_of(&c->view, cl, &doc->chunks[cl->verb]);
    const char *code = kh_actors_with_country(&c->ax, speaker->code, place, cl->sentence, NULL, why);
    if (!*why || code == speaker->code)
        return 0;
    speaker->code = code;
    return 1;
}

/* A headline "Speaker: what was said" (see the top of the file). */
kh_status kh_speaker_headline(kh_coder *c, size_t si, size_t first_clause)
{
    const kh_doc *doc = c->doc;
    const kh_sentence *se = &doc->sentences[si];
    if (se->kind != KH_UNIT_HEADLINE)
        return KH_OK;
    for (size_t k = first_clause; k < doc->n_clauses && doc->clauses[k].sentence == si; k++)
        if (c->clause_nev[k])
            return KH_OK;
    size_t q = kh_chunk_from(doc, se->first_token), end = se->first_token + se->n_tokens;
    if (q >= doc->n_chunks || doc->chunks[q].kind != KH_CHUNK_NP || doc->chunks[q].first != se->first_token)
        return KH_OK;
    size_t colon = doc->chunks[q].end;
    if (colon + 1 >= end || !kh_view_word_is(&c->view, colon, ":"))
        return KH_OK;
    actor a[MAX_ACTORS];
    int named = kh_actors_resolve_np(&c->ax, (int32_t)q, -1, a) == 1 && a[0].code;
    /* "Bush:" before "President Bush" in the story: a person. */
    int surname = !named && kh_speaker_by_surname(c, (int32_t)q, KH_SPEAKER_LATER, &a[0]);
    if ((!named && !surname) || !kh_political_speaker(a[0].code) ||
        (!surname && !a[0].person && a[0].country && strlen(a[0].code) == 3))
        return KH_OK;
    const char *kind;
    kh_noun_event ne;
    memset(&ne, 0, sizeof ne);
    ne.sentence = si;
    ne.clause = -1;
    ne.code = kh_statement_words(c, colon + 1, end, &kind);
    if (!ne.code)
        return KH_OK;
    ne.src = a[0];
    ne.first = doc->chunks[q].first;
    ne.end = colon + 1;
    ne.note = "a headline's speaker before a colon (a statement)";
    kh_coder_trace(c, si, "  headline \"%s:\": a statement (%s) by %s -> %s",
                   kh_view_text(&c->view, ne.first, colon), kind, a[0].code,
                   kh_dict_str(c->dict, ne.code->code));
    return kh_clause_noun_event(c, &ne);
}
