/*
 * resolve.h: stage 8, resolving when an event happened: the story date
 * shifted by the date expressions of the event's own clause ("on
 * Wednesday", "last month", "in May", "in August 2019", "earlier this
 * month", "yesterday"), with the precision the expression gives. Places
 * are resolved by the coder from the gazetteer (events/coder.c).
 */
#ifndef KH_RESOLVE_H
#define KH_RESOLVE_H

#include "core/core.h"

typedef struct kh_date_shift {
    kh_date date;       /* the resolved date (unknown when the story date is) */
    size_t first, end;  /* tokens of the expression used; first == end when none */
    const char *rule;   /* a word for explain: "weekday", "last month", ... */
    kh_date_precision precision; /* of the expression; KH_DATE_DAY when none */
} kh_date_shift;

/*
 * Resolves the date of an event told in tokens [first, end) of `doc`,
 * relative to `story_date`. `past` says the verb is in the past tense (so
 * "on Wednesday" is the Wednesday before the story date, and the result is
 * never later than the story date); `future` picks the next one instead.
 */
kh_date_shift kh_resolve_date(const kh_doc *doc, size_t first, size_t end, kh_date story_date,
                              int past, int future);

/* How the event of a clause is told (kh_resolve_clause_date). */
enum {
    KH_WHEN_PAST = 1u << 0,   /* its verb is in the past tense */
    KH_WHEN_FUTURE = 1u << 1, /* its verb is in the future tense */
    KH_WHEN_INTENT = 1u << 2  /* coded as an intent (036, 130, ...): dated when stated */
};

/*
 * The date of the event of clause `cli` of `doc` (chunked), from the date
 * expressions in this order, the first that gives one:
 *   1. the clause's own words (from the end of the clause before it in
 *      the sentence, so its subject and a fronted "In 2023," count), and
 *      for a second conjunct sharing a subject, the first's ("visited
 *      Russia on Tuesday and met Putin");
 *   2. the clauses that report it, nearest first ("Last week, officials
 *      said that ..." dates what they said);
 *   3. the words before the sentence's first clause ("In May, ...");
 *   4. the story date.
 * Never a date from another clause of the sentence that does not govern
 * it ("until X sealed its borders ..., before a reopening in 2023").
 * An intent is an act of the day it is stated: a future expression in its
 * own clause ("would travel next week") dates the intended act, not the
 * intent, and is skipped; a past one ("offered on Monday to mediate")
 * dates it. *which (may be NULL) says where the date came from: "own
 * clause", "first conjunct", "reporting clause", "sentence front", "story".
 */
kh_date_shift kh_resolve_clause_date(const kh_doc *doc, size_t cli, kh_date story_date,
                                     unsigned how, const char **which);

#endif
