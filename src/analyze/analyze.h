/*
 * analyze.h: the language layer's one pipeline (analyze.c) with its timing
 * hooks, for the coder's per-stage statistics (khaldun code --stats).
 */
#ifndef KH_ANALYZE_H
#define KH_ANALYZE_H

#include "core/core.h"

/* kh_analyze, adding the time of each stage (sentences and tokens, tags,
 * chunks) to `times` when it is not NULL; the document is the same either
 * way. */
kh_status kh_analyze_timed(kh_scratch *scratch, const kh_lexicon *lexicon, const kh_story *story,
                           unsigned flags, kh_coder_stats *times, const kh_doc **out);

/* For a sentence coder that tags only the sentences it needs (the peer
 * wing): KH_ANALYZE_RECASE, an internal flag beside the public
 * KH_ANALYZE_*, recases as KH_ANALYZE_TAGS does but tags nothing; then
 * kh_analyze_tag_sentence tags sentence si of the scratch's document (once;
 * a later call returns at once), exactly as KH_ANALYZE_TAGS would have:
 * the tagger reads one sentence at a time. The document's upos and lemma
 * arrays appear at the first call; entries of sentences not tagged are 0
 * and NULL. */
#define KH_ANALYZE_RECASE (1u << 8)
kh_status kh_analyze_tag_sentence(kh_scratch *scratch, const kh_lexicon *lexicon, size_t si);

/*
 * The recasing stage (recase.c), between tokens and tags: a sentence whose
 * letters carry no case information (all lower-case, all capitals, or a
 * title-case headline) gets the case normal text would give it, in its
 * tokens' norms and KH_TOK_CAP / KH_TOK_UPPER flags, so the tagger and the
 * proper-noun tests of later stages see normal text. Offsets and the story
 * text are untouched.
 */
typedef enum kh_case_regime {
    KH_CASE_NORMAL = 0, /* case as written means something: nothing changes */
    KH_CASE_LOWER,      /* no capitals at all ("police arrested five men in ahmedabad") */
    KH_CASE_UPPER,      /* capitals throughout ("US FORCES BOMB FALLUJA") */
    KH_CASE_TITLE       /* every content word capitalised ("Police Arrest Five Men") */
} kh_case_regime;

/* What a name finder found (kh_name_finder, bits). */
enum {
    KH_NAME_ACTOR = 1u << 0,   /* a named actor or organisation */
    KH_NAME_COUNTRY = 1u << 1, /* a country's name or demonym */
    KH_NAME_CAPITAL = 1u << 2, /* a capital or metonym */
    KH_NAME_PLACE = 1u << 3,   /* a place of the gazetteer */
    KH_NAME_AGENT = 1u << 4    /* an agent word ("forces", "police") */
};

/* Known names, matched without regard to case: the length in tokens of the
 * longest dictionary phrase starting at toks[i] (i < end) and its kinds
 * (KH_NAME_*) in *kinds; 0 when none starts there. The coder gives one that
 * reads its dictionary (kh_actors_name_at); without one only the lexicon's
 * proper nouns are recased. */
typedef struct kh_name_finder {
    size_t (*find)(const void *ctx, const kh_token *toks, size_t i, size_t end, unsigned *kinds);
    const void *ctx;
} kh_name_finder;

/* Sets the name finder kh_analyze uses on this scratch (copied; NULL for
 * none). */
void kh_scratch_set_names(kh_scratch *scratch, const kh_name_finder *names);

/* The regime of tokens toks[0..n) (a sentence), given the story's own share
 * of capitalised words (story_regime: the regime of the story as a whole,
 * used for sentences too short to tell). */
kh_case_regime kh_case_regime_of(const kh_token *toks, size_t n, kh_case_regime story_regime);

/* Recases every sentence of doc whose regime is not KH_CASE_NORMAL. New
 * norms are allocated in `arena`; tokens are changed in place (toks is the
 * doc's own token array). names may be NULL. */
kh_status kh_recase_doc(kh_arena *arena, const kh_lexicon *lex, const kh_name_finder *names,
                        kh_token *toks, const kh_sentence *sents, size_t n_sents);

/* Headline grammar after tagging (headline.c): in the sentences of
 * headline units, a trailing attribution ("- report") is a noun, and a
 * headline with no verb, or whose only verbs are plural nouns ("US forces
 * bomb Falluja"), gets its verb from the first noun that is a verb's base
 * form between two noun phrases. upos and lemma are the doc's, changed in
 * place. */
void kh_headline_retag(const kh_lexicon *lex, const kh_token *toks, const kh_sentence *sents,
                       size_t n_sents, uint8_t *upos, const char **lemma);

#endif
