/*
 * tagger.h: options of the tagger beyond tags.h's kh_tag_sentence, for the
 * evaluation command and the tests (choosing the rule-based tagger even when
 * the lexicon carries a trained model).
 */
#ifndef KH_TAGS_TAGGER_H
#define KH_TAGS_TAGGER_H

#include "core/core.h"

enum {
    KH_TAG_RULES = 1u << 0 /* ignore the trained model: lexicon + context rules only */
};

kh_status kh_tag_sentence_ex(const kh_lexicon *lex, kh_arena *arena, const char *text,
                             const kh_token *toks, size_t n, kh_unit_kind kind,
                             unsigned flags, uint8_t *upos, const char **lemma);

#endif
