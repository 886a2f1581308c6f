/*
 * chunk_internal.h: what the two halves of the shallow parser share: the
 * phrases (chunk.c: noun phrases, prepositional phrases, verb groups, and
 * the driver kh_chunk_doc) and the clauses (clause.c: subjects, objects,
 * passive agents, reported speech). The parsing context of one document
 * and its views of the tokens; nothing here is visible outside the library.
 */
#ifndef KH_CHUNK_INTERNAL_H
#define KH_CHUNK_INTERNAL_H

#include "chunks/chunks.h"
#include "lexicon/lexicon.h"

/* The parser's state over one document: its chunks and clauses so far,
 * grown in the arena. */
typedef struct chunk_ctx {
    kh_arena *arena;
    const kh_lexicon *lex; /* its word classes: reporting, modal, negator, intent */
    kh_doc *doc;
    kh_chunk *chunks;
    size_t n_chunks, cap_chunks;
    kh_clause *clauses;
    size_t n_clauses, cap_clauses;
    const char **low; /* each token's form lower-cased (at most 63 bytes) */
} chunk_ctx;

/* w (lower-case ASCII, may be NULL) is one of list[] (NULL-terminated). */
static inline int in_list(const char *w, const char *const *list)
{
    if (!w)
        return 0;
    /* The first byte rules out almost every entry without a call. */
    for (; *list; list++)
        if (w[0] == (*list)[0] && !strcmp(w, *list))
            return 1;
    return 0;
}

static inline kh_upos tag(const chunk_ctx *c, size_t i) { return (kh_upos)c->doc->upos[i]; }
static inline const char *lem(const chunk_ctx *c, size_t i)
{
    return c->doc->lemma[i] ? c->doc->lemma[i] : "";
}

/* The token's form, lower-cased (truncated to 63 bytes); lower-cased once
 * per document by lower_all. */
static inline const char *low(const chunk_ctx *c, size_t i) { return c->low[i]; }

static inline int negator(const chunk_ctx *c, const char *w)
{
    return kh_lex_in_class(c->lex, KH_WC_NEGATOR, w);
}

static inline int is_punct(const chunk_ctx *c, size_t i, char ch)
{
    const kh_token *t = &c->doc->tokens[i];
    return t->norm_len == 1 && t->norm[0] == ch;
}

static inline int is_quote(const chunk_ctx *c, size_t i)
{
    return (c->doc->tokens[i].flags & KH_TOK_QUOTE) != 0;
}

static inline int is_possessive(const chunk_ctx *c, size_t i)
{
    return (c->doc->tokens[i].flags & KH_TOK_POSSESSIVE) != 0;
}

/* chunk.c */
/* A relative pronoun: "that", "which", "who", "whom", "whose", "where". */
int kh_chk_relative(const char *w);
/* A time word or a full month name ("may" included). */
int kh_chk_time_word(const char *w);
/* A to-infinitive: "to" right before the group (or opening it). */
int kh_chk_infinitive(chunk_ctx *c, const kh_chunk *vg, size_t s);

/* clause.c */
/* Pass 3 over the sentence sent, tokens [s, e), whose chunks start at
 * first_chunk: one clause per verb group, with subject, object, passive
 * agent and who reports it, appended to c->clauses. */
kh_status kh_chk_clauses(chunk_ctx *c, uint32_t sent, size_t s, size_t e, size_t first_chunk);

#endif
