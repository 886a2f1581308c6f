/*
 * dates.c: relative and explicit date expressions in a sentence, applied to
 * the story date. Recognised (case-insensitive, on token norms):
 *
 *   today, tonight, yesterday, tomorrow
 *   on Monday .. Sunday, last Monday, this Monday
 *   last week / month / year, this week / month / year,
 *   earlier this week / month / year, next week / month / year
 *   in May, last May, in May 2019, May 3 (2019), 3 May (2019)
 *   in 2019, in August 2019
 *
 * A month without a day resolves to its first day, a year to 1 January,
 * and the precision (kh_date_precision) says so: the date is a
 * representative one, marked, never a day the text did not give. Past
 * events are never dated after the story date (a bare "in May" in a story
 * of April means last May).
 *
 * kh_resolve_clause_date picks the expressions an event's clause may take
 * its date from: its own, then those of the clauses that report it, then
 * the sentence's fronted ones; never those of a sibling clause.
 */
#include "resolve/resolve.h"

static const char *const DAYS[7] = {"monday", "tuesday", "wednesday", "thursday",
                                    "friday", "saturday", "sunday"};

typedef struct tok {
    char w[16];
} tok;

static void lower_tok(const kh_doc *doc, size_t i, tok *t)
{
    const kh_token *k = &doc->tokens[i];
    size_t n = k->norm_len < sizeof t->w - 1 ? k->norm_len : sizeof t->w - 1;
    for (size_t j = 0; j < n; j++)
        t->w[j] = (char)kh_to_lower((unsigned char)k->norm[j]);
    t->w[n] = '\0';
    if (k->norm_len >= sizeof t->w)
        t->w[0] = '\0';
}

static int month_of(const tok *t, int capitalised)
{
    size_t l = strlen(t->w);
    int m = kh_month_find(t->w, l, KH_MONTH_FULL);
    if (m || !capitalised)
        return m;
    /* Abbreviations only with their period or capital ("Aug." is one token);
     * never "mar" and "may", which are words. */
    if (l && t->w[l - 1] == '.')
        l--;
    m = kh_month_find(t->w, l, KH_MONTH_ABBR);
    return m == 3 || m == 5 ? 0 : m;
}

static int day_of(const tok *t)
{
    for (int d = 0; d < 7; d++)
        if (!strcmp(t->w, DAYS[d]))
            return d;
    return -1;
}

static int number(const tok *t, int *v)
{
    int n = 0;
    size_t i = 0;
    for (; t->w[i]; i++) {
        if (!kh_is_digit((unsigned char)t->w[i]) || i >= 4)
            return 0;
        n = n * 10 + (t->w[i] - '0');
    }
    if (i == 0)
        return 0;
    *v = n;
    return 1;
}

static kh_date add_days(kh_date d, int64_t n) { return kh_date_from_days(kh_date_to_days(d) + n); }

static kh_date month_start(int y, int m)
{
    while (m < 1) {
        m += 12;
        y--;
    }
    while (m > 12) {
        m -= 12;
        y++;
    }
    kh_date d = {(int16_t)y, (uint8_t)m, 1};
    return d;
}

/* The tokens around the one being read, lower-cased: two before it, itself
 * and one after (empty before the range and at its end). */
typedef struct window {
    tok prev2, prev, cur, next;
} window;

/* "yesterday", "tomorrow", "today", "tonight": the day before, after or of
 * the story. */
static int deictic_day(const window *w, kh_date story, kh_date_shift *m)
{
    if (!strcmp(w->cur.w, "yesterday")) {
        m->date = add_days(story, -1);
        m->rule = "yesterday";
    } else if (!strcmp(w->cur.w, "tomorrow")) {
        m->date = add_days(story, 1);
        m->rule = "tomorrow";
    } else if (!strcmp(w->cur.w, "today") || !strcmp(w->cur.w, "tonight")) {
        m->rule = "today";
    }
    m->precision = KH_DATE_DAY;
    return m->rule != NULL;
}

/* A weekday at token i: the nearest such day up to the story date ("last
 * Monday" a week back when the story is a Monday), or, for the future
 * only, the next one after it. "on", "last" or "this" before it joins the
 * expression. */
static int weekday_date(const window *w, kh_date story, int past, int future, size_t i,
                        kh_date_shift *m)
{
    int wd = day_of(&w->cur);
    if (wd < 0)
        return 0;
    m->precision = KH_DATE_DAY;
    int sw = kh_date_weekday(story);
    int back = (sw - wd + 7) % 7;
    if (future && !past) {
        int fwd = (wd - sw + 7) % 7;
        m->date = add_days(story, fwd ? fwd : 7);
    } else {
        if (!strcmp(w->prev.w, "last") && back == 0)
            back = 7;
        m->date = add_days(story, -back);
    }
    m->rule = "weekday";
    if (!strcmp(w->prev.w, "on") || !strcmp(w->prev.w, "last") || !strcmp(w->prev.w, "this"))
        m->first = i - 1;
    return 1;
}

/* "last / past / this / next week, month, year" ("earlier this month"),
 * ending at token i: the start of the period before or after the story's,
 * or the story date itself for "past" and "this". */
static int period(const window *w, kh_date story, size_t i, kh_date_shift *m)
{
    const char *u = w->cur.w, *p = w->prev.w;
    if (!((!strcmp(u, "week") || !strcmp(u, "month") || !strcmp(u, "year")) &&
          (!strcmp(p, "last") || !strcmp(p, "this") || !strcmp(p, "next") || !strcmp(p, "past"))))
        return 0;
    int unit = u[0] == 'w' ? 0 : u[0] == 'm' ? 1 : 2;
    m->first = i - 1;
    m->precision = unit == 0 ? KH_DATE_WEEK : unit == 1 ? KH_DATE_MONTH : KH_DATE_YEAR;
    if (!strcmp(p, "last") || !strcmp(p, "past")) {
        if (unit == 0) m->date = add_days(story, -7);
        else if (unit == 1) m->date = month_start(story.year, story.month - 1);
        else m->date = month_start(story.year - 1, 1);
        m->rule = unit == 0 ? "last week" : unit == 1 ? "last month" : "last year";
        if (!strcmp(p, "past"))
            m->date = story, m->rule = "the past period";
    } else if (!strcmp(p, "next")) {
        if (unit == 0) m->date = add_days(story, 7);
        else if (unit == 1) m->date = month_start(story.year, story.month + 1);
        else m->date = month_start(story.year + 1, 1);
        m->rule = "next period";
    } else {
        /* "this month", "earlier this month": within the story's period. */
        m->rule = !strcmp(w->prev2.w, "earlier") ? "earlier this period" : "this period";
        if (!strcmp(w->prev2.w, "earlier"))
            m->first = i - 2;
    }
    return 1;
}

/* The day and year written around the month name at token i (end: the end
 * of the range): "May 3", "May 3, 2019", "May 3 2019", "May 2019", "3 May",
 * "3 May 2019". Sets *day and *year (0 when absent) and widens m's extent
 * over them. */
static void day_and_year(const kh_doc *doc, const window *w, size_t i, size_t end, int *day,
                         int *year, kh_date_shift *m)
{
    int y;
    *day = *year = 0;
    if (number(&w->next, &y) && y >= 1 && y <= 31) {
        *day = y;
        m->end = i + 2;
        if (i + 2 < end) {
            tok after;
            lower_tok(doc, i + 2, &after);
            if (!strcmp(after.w, ",") && i + 3 < end) {
                lower_tok(doc, i + 3, &after);
                if (number(&after, &y) && y >= 1000) {
                    *year = y;
                    m->end = i + 4;
                }
            } else if (number(&after, &y) && y >= 1000) {
                *year = y;
                m->end = i + 3;
            }
        }
    } else if (number(&w->next, &y) && y >= 1000) {
        *year = y;
        m->end = i + 2;
    } else if (number(&w->prev, &y) && y >= 1 && y <= 31) {
        *day = y;
        m->first = i - 1;
        if (number(&w->next, &y) && y >= 1000) {
            *year = y;
            m->end = i + 2;
        }
    }
}

/* A month name at token i (capitalised: cap; lower-case only when longer
 * than three letters) after "in", "last", "since", "early", "late",
 * "mid", "until" or "on", or next to a number: its first day, or the day
 * written with it. Without a year, the story's year, the year before for
 * a past event in a later month or for "last May". */
static int month_date(const kh_doc *doc, const window *w, int cap, kh_date story, int past,
                      int future, size_t i, size_t end, kh_date_shift *m)
{
    const char *p = w->prev.w;
    int mo = month_of(&w->cur, cap);
    int y;
    if (!(mo && (cap || strlen(w->cur.w) > 3) &&
          (!strcmp(p, "in") || !strcmp(p, "last") || !strcmp(p, "since") || !strcmp(p, "early") ||
           !strcmp(p, "late") || !strcmp(p, "mid") || !strcmp(p, "until") || !strcmp(p, "on") ||
           number(&w->next, &y) || number(&w->prev, &y))))
        return 0;
    int day, year;
    day_and_year(doc, w, i, end, &day, &year, m);
    if (!strcmp(p, "in") || !strcmp(p, "last") || !strcmp(p, "since"))
        m->first = i - 1;
    if (!year) {
        year = story.year;
        /* A past event in a month after the story's month: last year. */
        if ((past || !future) && (mo > story.month || (mo == story.month && day > story.day)))
            year--;
        if (!strcmp(p, "last") && mo >= story.month && year == story.year)
            year--;
    }
    if (day && !kh_date_valid(year, mo, day))
        day = 0;
    m->date = month_start(year, mo);
    if (day)
        m->date.day = (uint8_t)day;
    m->rule = day ? "date" : "month";
    m->precision = day ? KH_DATE_DAY : KH_DATE_MONTH;
    return 1;
}

/* "in 2019", "since 1990" at token i (a four-digit year from 1900 to the
 * year after the story's, not after a month name): 1 January. */
static int year_date(const window *w, kh_date story, size_t i, kh_date_shift *m)
{
    int y;
    if (!(number(&w->cur, &y) && y >= 1900 && y <= story.year + 1 &&
          (!strcmp(w->prev.w, "in") || !strcmp(w->prev.w, "since")) && strlen(w->cur.w) == 4 &&
          !month_of(&w->prev2, 1)))
        return 0;
    m->date = month_start(y, 1);
    m->rule = "year";
    m->precision = KH_DATE_YEAR;
    m->first = i - 1;
    return 1;
}

kh_date_shift kh_resolve_date(const kh_doc *doc, size_t first, size_t end, kh_date story, int past,
                              int future)
{
    kh_date_shift r;
    r.date = story;
    r.first = r.end = first;
    r.rule = NULL;
    r.precision = KH_DATE_DAY;
    if (!story.year || first >= end)
        return r;
    window w;
    memset(&w, 0, sizeof w);
    for (size_t i = first; i < end; i++) {
        lower_tok(doc, i, &w.cur);
        if (i + 1 < end)
            lower_tok(doc, i + 1, &w.next);
        else
            w.next.w[0] = '\0';
        int cap = (doc->tokens[i].flags & KH_TOK_CAP) != 0;
        kh_date_shift m;
        m.date = story;
        m.first = i;
        m.end = i + 1;
        m.rule = NULL;
        m.precision = KH_DATE_DAY;
        /* The first rule that applies makes the date. */
        if (deictic_day(&w, story, &m) || weekday_date(&w, story, past, future, i, &m) ||
            period(&w, story, i, &m) ||
            month_date(doc, &w, cap, story, past, future, i, end, &m) ||
            year_date(&w, story, i, &m)) {
            /* A month or a year stands for its first day ("earlier this
             * month" is not the story's day). */
            if (m.precision == KH_DATE_MONTH || m.precision == KH_DATE_YEAR)
                m.date = month_start(m.date.year, m.precision == KH_DATE_YEAR ? 1 : m.date.month);
            if (past && kh_date_to_days(m.date) > kh_date_to_days(story))
                m.date = story, m.precision = KH_DATE_DAY;
            return m;
        }
        w.prev2 = w.prev;
        w.prev = w.cur;
    }
    return r;
}

const char *kh_date_precision_name(kh_date_precision p)
{
    switch (p) {
    case KH_DATE_WEEK: return "week";
    case KH_DATE_MONTH: return "month";
    case KH_DATE_YEAR: return "year";
    case KH_DATE_DAY: break;
    }
    return "day";
}

/* ---------------------------------------------------------------------- */
/* Which words date a clause's event                                      */

/* The tokens of clause k's own words: from the end of the sentence's
 * clause before it (so its subject and what stands before it count) to
 * its end. Clause extents (chunks/clause.c) never overlap, so neither do
 * these. */
static void clause_words(const kh_doc *doc, size_t k, size_t *first, size_t *end)
{
    const kh_clause *cl = &doc->clauses[k];
    const kh_sentence *se = &doc->sentences[cl->sentence];
    size_t f = se->first_token;
    if (k > 0 && doc->clauses[k - 1].sentence == cl->sentence && doc->clauses[k - 1].end > f)
        f = doc->clauses[k - 1].end;
    *first = f < cl->first ? f : cl->first;
    *end = cl->end > cl->first ? cl->end : cl->first;
}

/* The tense of clause k's verb group as kh_resolve_date's past, future. */
static void clause_tense(const kh_doc *doc, size_t k, int *past, int *future)
{
    uint32_t f = doc->chunks[doc->clauses[k].verb].flags;
    *past = (f & KH_VG_PAST) != 0;
    *future = (f & KH_VG_FUTURE) != 0;
}

kh_date_shift kh_resolve_clause_date(const kh_doc *doc, size_t cli, kh_date story, unsigned how,
                                     const char **which)
{
    const kh_clause *cl = &doc->clauses[cli];
    int past = (how & KH_WHEN_PAST) != 0, future = (how & KH_WHEN_FUTURE) != 0;
    size_t first, end;
    kh_date_shift ds;
    clause_words(doc, cli, &first, &end);
    if (how & KH_WHEN_INTENT) {
        /* Read as told of the future unless the verb is past; a date after
         * the story's is the intended act's. */
        ds = kh_resolve_date(doc, first, end, story, past, !past);
        if (ds.rule && kh_date_to_days(ds.date) > kh_date_to_days(story))
            ds.rule = NULL;
    } else {
        ds = kh_resolve_date(doc, first, end, story, past, future);
    }
    if (ds.rule) {
        if (which)
            *which = "own clause";
        return ds;
    }
    /* A second conjunct shares the first's ("visited Russia on Tuesday and
     * met Putin"). */
    if ((cl->flags & KH_CL_COORD) && cli > 0 && doc->clauses[cli - 1].sentence == cl->sentence) {
        ds = kh_resolve_clause_date(doc, cli - 1, story, how, which);
        if (ds.rule) {
            if (which)
                *which = "first conjunct";
            return ds;
        }
    }
    /* The clauses that report it, nearest first. */
    int32_t p = cl->parent;
    for (int depth = 0; p >= 0 && (size_t)p < doc->n_clauses && depth < 8;
         p = doc->clauses[p].parent, depth++) {
        int ppast, pfuture;
        clause_tense(doc, (size_t)p, &ppast, &pfuture);
        clause_words(doc, (size_t)p, &first, &end);
        ds = kh_resolve_date(doc, first, end, story, ppast, pfuture);
        if (ds.rule) {
            if (which)
                *which = "reporting clause";
            return ds;
        }
    }
    /* What stands before the sentence's first clause ("In May, ..."). */
    size_t k0 = cli;
    while (k0 > 0 && doc->clauses[k0 - 1].sentence == cl->sentence)
        k0--;
    if (k0 != cli) {
        const kh_clause *c0 = &doc->clauses[k0];
        first = doc->sentences[cl->sentence].first_token;
        end = c0->first;
        if (c0->subject >= 0 && doc->chunks[c0->subject].first < end)
            end = doc->chunks[c0->subject].first;
        ds = kh_resolve_date(doc, first, end, story, past, future);
        if (ds.rule && (how & KH_WHEN_INTENT) && kh_date_to_days(ds.date) > kh_date_to_days(story))
            ds.rule = NULL;
        if (ds.rule) {
            if (which)
                *which = "sentence front";
            return ds;
        }
    }
    if (which)
        *which = "story";
    ds.date = story;
    ds.first = ds.end = cl->first;
    ds.rule = NULL;
    ds.precision = KH_DATE_DAY;
    return ds;
}
