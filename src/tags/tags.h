/*
 * tags.h: the tagging stage's internal interface: parts of speech (UPOS) and
 * lemmas for the tokens of one sentence, in context, from the lexicon.
 * Called by kh_analyze when KH_ANALYZE_TAGS is asked for.
 */
#ifndef KH_TAGS_H
#define KH_TAGS_H

#include "core/core.h"

/*
 * A per-thread cache of what the tagger learns about each distinct word
 * (lexicon record, affix hashes, the model's score vectors), so that a word
 * seen before costs one lookup instead of some thirty. Bounded (a fixed
 * number of entries, about 7.5 MB), owned by one thread's kh_scratch, allocated
 * through `alloc`; it never changes a result, and empties itself when used
 * with another lexicon. kh_tag_cache_free accepts NULL.
 */
typedef struct kh_tag_cache kh_tag_cache;
kh_status kh_tag_cache_new(const kh_allocator *alloc, kh_tag_cache **out);
void kh_tag_cache_free(kh_tag_cache *cache);

/* The cache of a scratch (analyze.c), made on first use; it lives as long
 * as the scratch. For callers that tag sentence by sentence (the coder's
 * timed path, events/stats.c). */
kh_status kh_scratch_tag_cache(kh_scratch *scratch, kh_tag_cache **out);

/*
 * Tags the n tokens of one sentence of `text` (the story text the tokens
 * slice). Fills upos[i] (a kh_upos) and lemma[i] (NUL-terminated; pointing
 * into the lexicon image or allocated from `arena`) for every i < n.
 * `kind` tells headlines (title case) from body text; `flags` takes
 * KH_TAG_RULES_ONLY (khaldun.h: ignore the trained model, lexicon and
 * context rules only); `cache` may be NULL. Never fails except for
 * KH_ERR_NOMEM from the arena.
 */
kh_status kh_tag_sentence(kh_tag_cache *cache, const kh_lexicon *lex, kh_arena *arena,
                          const char *text, const kh_token *toks, size_t n, kh_unit_kind kind,
                          unsigned flags, uint8_t *upos, const char **lemma);

#endif
