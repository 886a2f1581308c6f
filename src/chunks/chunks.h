/*
 * chunks.h: the language layer's last stage: noun phrases, prepositional
 * phrases, verb groups (tense, voice, negation, modality, intent, particles)
 * and clauses (subject, object, passive agent, reported speech), built over
 * tagged tokens by a deterministic shallow parser. kh_analyze calls it when
 * KH_ANALYZE_CHUNKS is asked for; the coder reads its output.
 */
#ifndef KH_CHUNKS_H
#define KH_CHUNKS_H

#include "core/core.h"

/* Chunks and clauses for every sentence of `doc` (tokens, upos and lemma
 * must be filled), with the word classes of `lex` (reporting verbs, modals,
 * negators, intention verbs). Arrays are allocated from `arena` and stored
 * in *doc. */
kh_status kh_chunk_doc(kh_arena *arena, const kh_lexicon *lex, kh_doc *doc);

#endif
