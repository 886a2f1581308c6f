/*
 * patterns.h: matching one verb pattern against a clause (patterns.c),
 * for the clause coder (clause.c). Internal to the events stage.
 */
#ifndef KH_EVENTS_PATTERNS_H
#define KH_EVENTS_PATTERNS_H

#include "actors/actors.h"

#define PATTERN_GAP 6    /* tokens a pattern word may be looked for ahead */

typedef struct pmatch {
    const kh_pattern *pat;
    int32_t target_np;   /* -1 when the pattern has no target or it was unbound */
    int32_t source_np;
    uint32_t last;       /* last token the pattern used */
    size_t score;
} pmatch;

/* Tries pattern p on clause cl whose verb group vg has its verb at
 * verb_tok. `passive`: the target slot is the clause's subject, so $T is
 * skipped after the verb. Returns 1 and fills *m on a match. */
int kh_try_pattern(const kh_story_view *v, const kh_pattern *p, const kh_clause *cl,
                   const kh_chunk *vg, size_t verb_tok, int passive, pmatch *m);

#endif
