/*
 * months.c: the one table of month names, for every stage that reads a
 * month: the JSON Lines reader (Reuters dates, "26-FEB-1987"), the cleaner
 * (datelines, "Feb 26"), the tokenizer's abbreviations ("Feb."), the chunker
 * (time words are never actors) and the dates stage ("in May 2019").
 * Stages differ in which forms they accept (full names, three-letter
 * abbreviations, "Sept") and in case; they say so through the flags of
 * kh_month_find, and keep their own rules on capitals and periods.
 */
#include "core/core.h"

static const char *const NAMES[12] = {"january", "february", "march",     "april",
                                      "may",     "june",     "july",      "august",
                                      "september", "october", "november", "december"};
static const char *const ABBRS[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                      "jul", "aug", "sep", "oct", "nov", "dec"};

static const unsigned char NAME_LEN[12] = {7, 8, 5, 5, 3, 4, 4, 6, 9, 7, 8, 8};

int kh_month_find(const char *s, size_t len, unsigned flags)
{
    /* Most callers ask about every word: lengths no month form has, and a
     * first letter none starts with, answer without a comparison. */
    if (!s || len < 3 || len > 9 || !strchr("jfmasond", kh_to_lower((unsigned char)s[0])))
        return 0;
    for (int m = 0; m < 12; m++) {
        if ((flags & KH_MONTH_FULL) && len == NAME_LEN[m] && kh_eq_nocase(s, len, NAMES[m], len))
            return m + 1;
        if ((flags & KH_MONTH_ABBR) && len == 3 && kh_eq_nocase(s, 3, ABBRS[m], 3))
            return m + 1;
    }
    if ((flags & KH_MONTH_SEPT) && len == 4 && kh_eq_nocase(s, 4, "sept", 4))
        return 9;
    return 0;
}
