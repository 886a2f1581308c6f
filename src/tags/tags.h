/*
 * tags.h: the tagging stage's internal interface: parts of speech (UPOS) and
 * lemmas for the tokens of one sentence, in context, from the lexicon.
 * Called by kh_analyze when KH_ANALYZE_TAGS is asked for.
 */
#ifndef KH_TAGS_H
#define KH_TAGS_H

#include "core/core.h"

/*
 * Tags the n tokens of one sentence of `text` (the story text the tokens
 * slice). Fills upos[i] (a kh_upos) and lemma[i] (NUL-terminated; pointing
 * into the lexicon image or allocated from `arena`) for every i < n.
 * `kind` tells headlines (title case) from body text. Never fails except for
 * KH_ERR_NOMEM from the arena.
 */
kh_status kh_tag_sentence(const kh_lexicon *lex, kh_arena *arena, const char *text,
                          const kh_token *toks, size_t n, kh_unit_kind kind,
                          uint8_t *upos, const char **lemma);

#endif
