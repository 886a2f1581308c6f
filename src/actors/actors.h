/*
 * actors.h: the actors stage (actors.c), as the events stage and the
 * places resolver see it: which CAMEO actors a noun phrase names, with the
 * story context that pronouns and definite descriptions refer back to.
 * Internal to the library.
 */
#ifndef KH_ACTORS_H
#define KH_ACTORS_H

#include "chunks/chunks.h"
#include "dict/dict.h"

#define MAX_ACTORS 8     /* actors of one noun phrase (coordination) */

typedef struct actor {
    const char *code;   /* arena or image string */
    const char *name;
    uint32_t first, end; /* tokens */
    uint8_t person;     /* a named individual (for he/she) */
    uint8_t country;    /* a state or its government (for it/the country) */
} actor;

/* What the coding stages see of the story being coded: its analysed
 * document, the dictionary, the story arena (reset per story) and the
 * per-token word ids and phrase matches. Filled by the coder per story; the
 * pointers stay valid until the next story. */
typedef struct kh_story_view {
    const kh_dict *dict;
    const kh_doc *doc;
    kh_arena *arena;
    const char *text;        /* the story text token offsets point into */
    int64_t days;            /* story date in days, KH_DAYS_MIN when unknown */
    const uint32_t *form;    /* per token: word id of the form */
    const uint32_t *lemw;    /* per token: word id of the lemma */
    uint32_t *mnode;         /* per token: node of the longest acceptable phrase starting here, 0 none */
    uint16_t *mlen;          /* per token: its length in tokens */
    const uint64_t *wset;    /* per sentence: four words, the kh_word_bit set of its forms
                              * and lemmas (kh_try_pattern's quick test); NULL: none */
} kh_story_view;

/* The story context references resolve against: who was named last. */
typedef struct kh_actors {
    const kh_story_view *v;
    actor last_person, last_actor, last_country, last_org;
    actor pair[2];
    int have_pair;
    actor people[32];        /* persons named so far, for "Kim" after "Kim Jong Un" */
    size_t n_people;
    const char *dateline_country;  /* the dateline's country, NULL none (context.c) */
    struct {
        size_t tok;                  /* the token of an acronym the story defines */
        actor a;                     /* the actor its long form names */
    } aliases[16];
    size_t n_aliases;
    const char *story_country;     /* the story's dominant country, NULL none */
} kh_actors;

/* The first chunk whose first token is at or after `tok`: chunks are in
 * token order, so a binary search; scans start there instead of at chunk
 * 0, which made coding quadratic in the sentences of a story. */
static inline size_t kh_chunk_from(const kh_doc *doc, size_t tok)
{
    size_t lo = 0, hi = doc->n_chunks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (doc->chunks[mid].first < tok)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Token i is the word w (ASCII case folded). */
static inline int kh_view_word_is(const kh_story_view *v, size_t i, const char *w)
{
    const kh_token *t = &v->doc->tokens[i];
    size_t n = strlen(w);
    return t->norm_len == n && kh_eq_nocase(t->norm, n, w, n);
}

/* The source bytes of tokens [first, end) (tabs and newlines as spaces),
 * in the story arena; "" when empty or out of memory. */
const char *kh_view_text(const kh_story_view *v, size_t first, size_t end);
/* The first payload of `kind` at trie node `node` whose reference is `ref`
 * (any reference when ref is KH_NONE); NULL when there is none. */
static inline const kh_payload *kh_node_payload(const kh_dict *d, uint32_t node, uint32_t kind,
                                                uint32_t ref)
{
    const kh_trie_node *n = &d->nodes[node];
    for (uint32_t k = 0; k < n->n_payloads; k++) {
        const kh_payload *pl = &d->payloads[n->first_payload + k];
        if (pl->kind == kind && (ref == KH_NONE || pl->ref == ref))
            return pl;
    }
    return NULL;
}

/* A phrase that is a role word ("Police" is also a town in Poland): never
 * a place. */
static inline int kh_node_is_role_word(const kh_dict *d, uint32_t node)
{
    return kh_node_payload(d, node, KH_P_AGENT, KH_NONE) != NULL;
}

/* Tokens [i, i+len) may name a place: every word a proper noun, so that
 * gazetteer towns named "Federal", "Police" or "Of" are not read into
 * common words; and not a month's name. */
static inline int kh_view_place_words(const kh_story_view *v, size_t i, size_t len)
{
    for (size_t k = i; k < i + len; k++)
        if (v->doc->upos[k] != KH_UPOS_PROPN)
            return 0;
    /* "in March": a month, not the town in England. */
    const kh_token *t = &v->doc->tokens[i];
    return !(len == 1 && kh_month_find(t->norm, t->norm_len, KH_MONTH_FULL | KH_MONTH_ABBR));
}

/* Token t ends a longer name that is no phrase of the dictionary's, so a
 * gazetteer town of its name is not meant: a proper noun the dictionary
 * does not know comes right before it ("Sabzi Mandi", a market, is not the
 * town of Mandi; "Pajhwok Afghan News"). A compass word before it is part
 * of the place ("North Waziristan" when only "Waziristan" is known). */
static inline int kh_view_inside_longer_name(const kh_story_view *v, size_t t)
{
    static const char *const compass[] = {"north", "south", "east", "west", "northern",
                                           "southern", "eastern", "western", "central",
                                           "upper", "lower", "greater", NULL};
    if (t == 0 || v->doc->upos[t - 1] != KH_UPOS_PROPN || v->mnode[t - 1])
        return 0;
    for (size_t k = 0; compass[k]; k++)
        if (kh_view_word_is(v, t - 1, compass[k]))
            return 0;
    return 1;
}

/* The recasing stage's name finder over dictionary `ctx` (a kh_dict): see
 * kh_name_finder in analyze/analyze.h. */
size_t kh_actors_name_at(const void *ctx, const kh_token *toks, size_t i, size_t end,
                         unsigned *kinds);
/* Forgets the previous story's context; `v` is kept for the story. */
void kh_actors_reset(kh_actors *a, const kh_story_view *v);
/* Finds every dictionary phrase by longest match over the trie, filling
 * v->mnode and v->mlen. */
void kh_actors_find_phrases(kh_story_view *v);
/* Actors of an NP chunk: itself, coordinated members, or a pronoun or
 * definite reference; returns how many (at most MAX_ACTORS). A subject
 * pronoun of reported speech resolves against `reporter_np` (-1 none). */
size_t kh_actors_resolve_np(kh_actors *a, int32_t ci, int32_t reporter_np, actor *outs);
/* As kh_actors_resolve_np for a target slot (what an actor owns or does
 * may stand for the actor). */
size_t kh_actors_resolve_target(kh_actors *a, int32_t ci, int32_t reporter_np, actor *outs);
/* The actor whose weapon or attack NP chunk `ci` names ("a Taliban
 * attack", "Israeli air strikes" -> ISRMIL, "an attack by militants");
 * returns 1 when the phrase names one. */
int kh_actors_owner(kh_actors *a, int32_t ci, actor *out);
/* Learns the acronyms the story defines ("the Syrian Democratic Forces
 * (SDF)"), so that a later "SDF" is the same actor. */
void kh_actors_story_aliases(kh_actors *a);
/* context.c: a bare role code (COP, MIL, CVL ...) that stands for an actor
 * of some country. */
int kh_actors_code_needs_country(const char *code);
/* context.c: the story's evidence for countries (its dateline's country,
 * its dominant country), after kh_actors_find_phrases. */
void kh_actors_story_context(kh_actors *a, const char *dateline);
/* context.c: `code` with the country the story gives evidence for when it
 * is a bare role code: the event clause's `place` (may be NULL), else the
 * only country sentence `si` and the event's `other` side (may be NULL)
 * name, else the dateline, else the story's
 * dominant country. *why names the evidence, or is NULL when the code is
 * returned unchanged. */
const char *kh_actors_with_country(kh_actors *a, const char *code, const kh_place *place,
                                   size_t si, const char *other, const char **why);
/* context.c: `code` with the country code of the story's date when its
 * country did not yet exist then (RUS before 1991-12-26 is USR, DEU before
 * 1990-10-03 GMW, ...); `code` itself otherwise, or when the story has no
 * date. A new code is in the story arena. */
const char *kh_actors_dated_country(kh_actors *a, const char *code);
/* The nearest antecedent of the pronoun np in its own sentence (coref.c):
 * -1 when the sentence gives none (the caller falls back on the story
 * context), else the number of actors in outs, 0 when the antecedent names
 * no actor khaldun can code. */
int kh_actors_nearest_antecedent(kh_actors *c, const kh_chunk *np, int32_t reporter_np, actor *outs,
                                 size_t *n);
/* Remembers the actors of every NP of sentence si, for later references. */
void kh_actors_remember_sentence(kh_actors *a, size_t si);

/* Token i is a preposition of extent ("along", "across"): the phrase
 * after it says over what area, not at whom (targets.c). */
int kh_actors_locative(const kh_story_view *v, size_t i);

/* The armed force a "when"/"as" clause after clause `cli` makes its
 * subject ("were killed when militants opened fire"): the author of an act
 * its own clause does not name (targets.c). Returns 1 and sets *out when
 * there is one. */
int kh_actors_when_author(kh_actors *c, size_t cli, actor *out);

/* A "him"/"her"/"them" target (chunk np of clause cli) the context left
 * unresolved, read as the subject or object of the clause before it
 * (targets.c). Returns the number of actors written to outs. */
size_t kh_actors_antecedent(kh_actors *c, size_t cli, int32_t np, const actor *src, actor *outs);

/* The country of a gazetteer place named as proper nouns in tokens
 * [first, end) and ending at `end` ("Punjab police"), NULL when none
 * (targets.c). */
const char *kh_actors_place_country(const kh_story_view *v, size_t first, size_t end);

/* The role part of `code` names an armed force (MIL, COP, REB, INS, SEP,
 * UAF, SPY) (targets.c). */
int kh_actors_armed(const char *code);

/* CAMEO code `code` names an act of force, always done to someone (roots
 * 18-20, code 138) (targets.c). */
int kh_actors_code_needs_target(const char *code);

/* What NP chunk `ci` names: 0 someone, 1 only things of the patterns'
 * word classes ("the area"), 2 nothing known ("his agenda") (targets.c). */
int kh_actors_names_no_one(const kh_story_view *v, int32_t ci);

/* names.c: the personal name that ends an NP after a title ("Interior
 * Minister | Abdallah al-Rassi"): its proper-noun words from the head back
 * to the first word a dictionary phrase covers. Returns its length in
 * tokens and sets *from, or 0 when the NP has no such name or nothing
 * before it. */
size_t kh_actors_personal_name(const kh_story_view *v, size_t first, size_t head, size_t *from);

/* names.c: a party named by its own name before the head "party" ("the
 * opposition Labour party", "the Republican party"): country (may be NULL)
 * + OPP, GOV ("ruling") or PTY. Returns 1 and fills *out when it is one. */
int kh_actors_party(kh_actors *c, const kh_chunk *np, const char *country, actor *out);

/* names.c: the capitalised words of NP np spell the acronym at token acr,
 * from its first word on ("Northern Provincial Council" spells NPC), and
 * no actor, country or role the dictionary knows is among them. */
int kh_actors_spells(const kh_story_view *v, const kh_chunk *np, size_t acr);
/* names.c: forgets the dictionary's one-word phrase at every token of the
 * story written as token tok is (an acronym the story defines anew). */
void kh_actors_forget_word(const kh_story_view *v, size_t tok);

/* names.c: the country a country name or demonym names in the `max`
 * tokens before token tok, back to token `start` and not past a verb
 * ("Tanzania's Agriculture and Livestock Minister X": TZA for X); NULL
 * when none. */
const char *kh_actors_country_before(const kh_story_view *v, size_t start, size_t tok, size_t max);

/* names.c: token t is an acronym: two to five capitals in text that is not
 * all capitals ("the ICO"), so no town of that name is meant. */
int kh_actors_acronym(const kh_story_view *v, size_t t);

/* names.c: "the foreign ministers of the two countries": a bare role `a`
 * (the actor of NP ci) of each of the pair of states the story named last,
 * written to outs; returns 2, or 0 when the NP is no such phrase. */
size_t kh_actors_pair_of(kh_actors *c, int32_t ci, const actor *a, actor *outs);

/* names.c: "rejected his army's request": a bare role `a` whose phrase
 * starts with his/her/its/their belongs to the state of `owner` (the act's
 * other side, a state's actor): that country + the role, in the story
 * arena; NULL when not so. */
const char *kh_actors_owner_country(kh_actors *c, const actor *a, const actor *owner);

#endif
