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
 * A month without a day resolves to its first day, a year to 1 January:
 * the precision is the expression's, the date a representative one. Past
 * events are never dated after the story date (a bare "in May" in a story
 * of April means last May).
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

kh_date_shift kh_resolve_date(const kh_doc *doc, size_t first, size_t end, kh_date story, int past,
                              int future)
{
    kh_date_shift r;
    r.date = story;
    r.first = r.end = first;
    r.rule = NULL;
    if (!story.year || first >= end)
        return r;
    tok prev2 = {{0}}, prev = {{0}}, cur, next;
    for (size_t i = first; i < end; i++) {
        lower_tok(doc, i, &cur);
        if (i + 1 < end)
            lower_tok(doc, i + 1, &next);
        else
            next.w[0] = '\0';
        int cap = (doc->tokens[i].flags & KH_TOK_CAP) != 0;
        int y;
        kh_date d = story;
        const char *rule = NULL;
        size_t ex_first = i, ex_end = i + 1;
        int wd = day_of(&cur);
        int mo = month_of(&cur, cap);
        if (!strcmp(cur.w, "yesterday")) {
            d = add_days(story, -1);
            rule = "yesterday";
        } else if (!strcmp(cur.w, "tomorrow")) {
            d = add_days(story, 1);
            rule = "tomorrow";
        } else if (!strcmp(cur.w, "today") || !strcmp(cur.w, "tonight")) {
            rule = "today";
        } else if (wd >= 0) {
            int sw = kh_date_weekday(story);
            int back = (sw - wd + 7) % 7;
            if (future && !past) {
                int fwd = (wd - sw + 7) % 7;
                d = add_days(story, fwd ? fwd : 7);
            } else {
                if (!strcmp(prev.w, "last") && back == 0)
                    back = 7;
                d = add_days(story, -back);
            }
            rule = "weekday";
            if (!strcmp(prev.w, "on") || !strcmp(prev.w, "last") || !strcmp(prev.w, "this"))
                ex_first = i - 1;
        } else if ((!strcmp(cur.w, "week") || !strcmp(cur.w, "month") || !strcmp(cur.w, "year")) &&
                   (!strcmp(prev.w, "last") || !strcmp(prev.w, "this") || !strcmp(prev.w, "next") ||
                    !strcmp(prev.w, "past"))) {
            int unit = cur.w[0] == 'w' ? 0 : cur.w[0] == 'm' ? 1 : 2;
            ex_first = i - 1;
            if (!strcmp(prev.w, "last") || !strcmp(prev.w, "past")) {
                if (unit == 0) d = add_days(story, -7);
                else if (unit == 1) d = month_start(story.year, story.month - 1);
                else d = month_start(story.year - 1, 1);
                rule = unit == 0 ? "last week" : unit == 1 ? "last month" : "last year";
                if (!strcmp(prev.w, "past"))
                    d = story, rule = "the past period";
            } else if (!strcmp(prev.w, "next")) {
                if (unit == 0) d = add_days(story, 7);
                else if (unit == 1) d = month_start(story.year, story.month + 1);
                else d = month_start(story.year + 1, 1);
                rule = "next period";
            } else {
                /* "this month", "earlier this month": within the story's period. */
                rule = !strcmp(prev2.w, "earlier") ? "earlier this period" : "this period";
                if (!strcmp(prev2.w, "earlier"))
                    ex_first = i - 2;
            }
        } else if (mo && (cap || strlen(cur.w) > 3) &&
                   (!strcmp(prev.w, "in") || !strcmp(prev.w, "last") || !strcmp(prev.w, "since") ||
                    !strcmp(prev.w, "early") || !strcmp(prev.w, "late") || !strcmp(prev.w, "mid") ||
                    !strcmp(prev.w, "until") || !strcmp(prev.w, "on") || number(&next, &y) ||
                    number(&prev, &y))) {
            int day = 0, year = 0;
            if (number(&next, &y) && y >= 1 && y <= 31) {
                day = y;
                ex_end = i + 2;
                if (i + 2 < end) {
                    tok after;
                    lower_tok(doc, i + 2, &after);
                    if (!strcmp(after.w, ",") && i + 3 < end) {
                        lower_tok(doc, i + 3, &after);
                        if (number(&after, &y) && y >= 1000) {
                            year = y;
                            ex_end = i + 4;
                        }
                    } else if (number(&after, &y) && y >= 1000) {
                        year = y;
                        ex_end = i + 3;
                    }
                }
            } else if (number(&next, &y) && y >= 1000) {
                year = y;
                ex_end = i + 2;
            } else if (number(&prev, &y) && y >= 1 && y <= 31) {
                day = y;
                ex_first = i - 1;
                if (number(&next, &y) && y >= 1000) {
                    year = y;
                    ex_end = i + 2;
                }
            }
            if (!strcmp(prev.w, "in") || !strcmp(prev.w, "last") || !strcmp(prev.w, "since"))
                ex_first = i - 1;
            if (!year) {
                year = story.year;
                /* A past event in a month after the story's month: last year. */
                if ((past || !future) && (mo > story.month || (mo == story.month && day > story.day)))
                    year--;
                if (!strcmp(prev.w, "last") && mo >= story.month && year == story.year)
                    year--;
            }
            if (day && !kh_date_valid(year, mo, day))
                day = 0;
            d = month_start(year, mo);
            if (day)
                d.day = (uint8_t)day;
            rule = day ? "date" : "month";
        } else if (number(&cur, &y) && y >= 1900 && y <= story.year + 1 &&
                   (!strcmp(prev.w, "in") || !strcmp(prev.w, "since")) && strlen(cur.w) == 4 &&
                   !month_of(&prev2, 1)) {
            d = month_start(y, 1);
            rule = "year";
            ex_first = i - 1;
        }
        if (rule) {
            if (past && kh_date_to_days(d) > kh_date_to_days(story))
                d = story;
            r.date = d;
            r.first = ex_first;
            r.end = ex_end;
            r.rule = rule;
            return r;
        }
        prev2 = prev;
        prev = cur;
    }
    return r;
}
