/*
 * coref.c: the nearest antecedent of a personal pronoun, for the actors
 * stage's references (actors.c, resolve_reference). The story context
 * (actors.h: the last person, organisation, country and coordinated pair
 * named) is the fallback of last resort; before it comes what the
 * pronoun's own sentence gives, and a nearer antecedent wins even when
 * khaldun cannot code it:
 *
 *   - the reporter of the pronoun's clause, when it agrees in number
 *     ("A spokesman said he ...", "Aqazadeh said ... he", "The company
 *     said it ..."): when that phrase names no actor khaldun knows (nor
 *     the last person's surname), the pronoun names none either, instead
 *     of the last person or country met somewhere earlier in the story;
 *     when it names a person, "he" is that person;
 *   - for "they" with no reporter to give it, the nearest plural subject
 *     before it in its sentence ("Ministers issued a statement saying they
 *     were disturbed"): its actors, or none, rather than the last pair the
 *     story coordinated ("Japan and the United States", two sentences
 *     back).
 *
 * Number comes from the phrase's head: coordinated, or a noun whose form is
 * not its lemma and ends in "s" ("ministers", "rebels"). A phrase of
 * neither kind is singular. What this does not do: decide gender, look past
 * the pronoun's sentence, or resolve an antecedent that names no actor.
 */
#include "actors/actors.h"

/* Chunk np is plural: coordinated, or headed by a plural noun. */
static int np_plural(const kh_doc *doc, const kh_chunk *np)
{
    if (np->flags & KH_NP_COORD)
        return 1;
    size_t h = np->head;
    if (doc->upos[h] != KH_UPOS_NOUN && doc->upos[h] != KH_UPOS_PROPN)
        return 0;
    const kh_token *t = &doc->tokens[h];
    const char *lem = doc->lemma ? doc->lemma[h] : NULL;
    if (!lem || t->norm_len < 3 || kh_to_lower((unsigned char)t->norm[t->norm_len - 1]) != 's')
        return 0;
    size_t ll = strlen(lem);
    return !(ll == t->norm_len && kh_eq_nocase(lem, ll, t->norm, t->norm_len));
}

/* The pronoun at token f is plural ("they", "them"), singular ("he",
 * "she", "him", "her", "it"), or neither (-1: "I", "we", "you"). */
static int pronoun_number(const kh_story_view *v, size_t f)
{
    static const char *const plural[] = {"they", "them", NULL};
    static const char *const singular[] = {"he", "she", "him", "her", "it", NULL};
    for (size_t k = 0; plural[k]; k++)
        if (kh_view_word_is(v, f, plural[k]))
            return 1;
    for (size_t k = 0; singular[k]; k++)
        if (kh_view_word_is(v, f, singular[k]))
            return 0;
    return -1;
}

/* The nearest subject before token `before` in sentence si that is no
 * pronoun and is plural; -1 none. */
static int32_t plural_subject_before(const kh_doc *doc, uint32_t si, size_t before)
{
    int32_t best = -1;
    /* Clauses are in sentence order: the sentence's first one by bisection. */
    size_t lo = 0, hi = doc->n_clauses;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (doc->clauses[mid].sentence < si)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < doc->n_clauses && doc->clauses[k].sentence == si; k++) {
        const kh_clause *cl = &doc->clauses[k];
        if (cl->subject < 0)
            continue;
        const kh_chunk *sub = &doc->chunks[cl->subject];
        if (sub->end > before || (sub->flags & KH_NP_PRONOUN) || !np_plural(doc, sub))
            continue;
        if (best < 0 || sub->first > doc->chunks[best].first)
            best = cl->subject;
    }
    return best;
}

/* The last person the story named is written in phrase np too: a
 * proper-noun token of np, or of what follows it up to the next verb (its
 * prepositional phrases), is the last word of that person's name
 * ("Secretary of Commerce Malcolm Baldrige" after "Commerce Secretary
 * Malcolm Baldrige"), so np, which the dictionary does not give, is that
 * person. */
static int names_last_person(const kh_actors *c, const kh_chunk *np)
{
    const char *name = c->last_person.code ? c->last_person.name : NULL;
    if (!name)
        return 0;
    const char *last = strrchr(name, ' ');
    last = last ? last + 1 : name;
    size_t ln = strlen(last);
    const kh_doc *doc = c->v->doc;
    size_t stop = doc->sentences[np->sentence].first_token + doc->sentences[np->sentence].n_tokens;
    for (size_t t = np->first; t < stop && (t < np->end || (doc->upos[t] != KH_UPOS_VERB &&
                                                           doc->upos[t] != KH_UPOS_AUX)); t++)
        if (doc->upos[t] == KH_UPOS_PROPN && kh_eq_nocase(doc->tokens[t].norm, doc->tokens[t].norm_len, last, ln))
            return 1;
    return 0;
}

int kh_actors_nearest_antecedent(kh_actors *c, const kh_chunk *np, int32_t reporter_np, actor *outs,
                                 size_t *n)
{
    const kh_doc *doc = c->v->doc;
    int num = pronoun_number(c->v, np->first);
    *n = 0;
    if (num < 0 || !doc->upos)
        return -1;
    int rep_plain = reporter_np >= 0 && !(doc->chunks[reporter_np].flags & KH_NP_PRONOUN);
    if (rep_plain && np_plural(doc, &doc->chunks[reporter_np]) == num) {
        /* The reporter agrees: it is the antecedent, coded or not. A coded
         * one is left to the caller's own checks (a person for "he"). */
        actor tmp[MAX_ACTORS];
        size_t nr = kh_actors_resolve_np(c, reporter_np, -1, tmp);
        if (nr && num == 0 && tmp[0].person && !kh_view_word_is(c->v, np->first, "it")) {
            /* "Aqazadeh said ... he" after "Iranian Oil Minister Gholamreza
             * Aqazadeh": the reporter, by the part of a name met before. */
            outs[0] = tmp[0];
            *n = 1;
            return 1;
        }
        if (nr || (num == 0 && names_last_person(c, &doc->chunks[reporter_np])))
            return -1;
        return 0;
    }
    /* "they" only: "them" is often the object of a clause whose own
     * subject is the nearest plural ("the rebels accused them"), which it
     * cannot be. */
    if (num == 1 && !rep_plain && kh_view_word_is(c->v, np->first, "they")) {
        int32_t a = plural_subject_before(doc, np->sentence, np->first);
        if (a < 0)
            return -1;
        *n = kh_actors_resolve_np(c, a, -1, outs);
        return (int)*n;
    }
    return -1;
}
