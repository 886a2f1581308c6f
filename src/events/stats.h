/*
 * stats.h: internal side of the per-stage statistics (src/events/stats.c):
 * the timed, staged analysis the coder runs when KH_CODE_STATS is set.
 */
#ifndef KH_EVENTS_STATS_H
#define KH_EVENTS_STATS_H

#include "core/core.h"

/*
 * Analyses `story` like kh_analyze(scratch, lexicon, story, flags, out), but
 * stage by stage, adding the time of each to `stats`: tokens and sentences
 * through kh_analyze, then tags and chunks into `arena` (the caller's
 * per-story arena, which must outlive the document), the result assembled in
 * `doc_buf`. *out points at doc_buf (or at the scratch's document when no
 * lexicon is given).
 */
kh_status kh_stats_analyze(kh_scratch *scratch, const kh_lexicon *lexicon, kh_arena *arena,
                           const kh_story *story, unsigned flags, kh_doc *doc_buf,
                           kh_coder_stats *stats, const kh_doc **out);

#endif
