/*
 * resolve.h: stage 8, resolving when an event happened: the story date
 * shifted by the date expressions of its sentence ("on Wednesday", "last
 * month", "in May", "in August 2019", "earlier this month", "yesterday").
 * Places are resolved by the coder from the gazetteer (events/coder.c).
 */
#ifndef KH_RESOLVE_H
#define KH_RESOLVE_H

#include "core/core.h"

typedef struct kh_date_shift {
    kh_date date;       /* the resolved date (unknown when the story date is) */
    size_t first, end;  /* tokens of the expression used; first == end when none */
    const char *rule;   /* a word for explain: "weekday", "last month", ... */
} kh_date_shift;

/*
 * Resolves the date of an event told in tokens [first, end) of `doc`,
 * relative to `story_date`. `past` says the verb is in the past tense (so
 * "on Wednesday" is the Wednesday before the story date, and the result is
 * never later than the story date); `future` picks the next one instead.
 */
kh_date_shift kh_resolve_date(const kh_doc *doc, size_t first, size_t end, kh_date story_date,
                              int past, int future);

#endif
