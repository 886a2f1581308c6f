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
