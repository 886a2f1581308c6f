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

#endif
