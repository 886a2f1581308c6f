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
 *
 * Neither changes which actors the phrases name for other events.
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

/* The speaker NP `ci` is a surname (a proper-noun head no dictionary phrase
 * covers, with no determiner: "the Community" is a description) that an earlier, longer phrase of the story gave with the
 * person's title or organisation: that phrase's actor, into *out, spanning
 * the speaker's own tokens. Returns 1 when found. Looks back at most
 * KH_SPEAKER_LOOKBACK noun phrases; the nearest wins. Returns 2 when the
 * actor's country was inferred from the story at the full mention. */
#define KH_SPEAKER_LOOKBACK 400
int kh_speaker_by_surname(kh_coder *c, int32_t ci, actor *out)
{
    const kh_doc *doc = c->doc;
    if (ci < 0)
        return 0;
    const kh_chunk *np = &doc->chunks[ci];
    if ((np->flags & (KH_NP_PRONOUN | KH_NP_COORD)) || doc->upos[np->first] != KH_UPOS_PROPN ||
        !names_person(&c->view, np))
        return 0;
    size_t seen = 0;
    for (int32_t k = ci; k-- > 0 && seen < KH_SPEAKER_LOOKBACK;) {
        const kh_chunk *ch = &doc->chunks[k];
        if (ch->kind != KH_CHUNK_NP)
            continue;
        seen++;
        if (ch->end - ch->first <= np->end - np->first || !np_has_word(doc, ch, np->head) ||
            (ch->flags & KH_NP_COORD) || doc->upos[ch->head] != KH_UPOS_PROPN)
            continue;
        actor a[MAX_ACTORS];
        if (kh_actors_resolve_np(&c->ax, k, -1, a) != 1 || !a[0].code)
            continue;
        *out = a[0];
        out->first = np->first;
        out->end = np->end;
        /* A role without a country takes it from where the person was
         * named in full ("In Dar es Salaam, Tanzania's ... Minister Paul
         * Bomani": the place of a clause there), not from the surname's
         * sentence. */
        const char *why = NULL, *code = out->code;
        actor head[MAX_ACTORS];
        if (kh_actors_code_needs_country(code) && k > 0 && doc->chunks[k - 1].member == k &&
            kh_actors_resolve_np(&c->ax, k - 1, -1, head) && head[0].code && strlen(head[0].code) == 3 &&
            head[0].country) {
            /* "Tanzania's Agriculture and Livestock Development Minister
             * Paul Bomani": the possessor is the whole title's. */
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
    return 0;
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
