/*
 * eval_gold_case.c: `khaldun eval --gold ... --case MODE` and `khaldun eval
 * --conflibert DIR --case MODE`: the text is re-cased before it is coded, to
 * measure the coder on feeds that carry no case information (issue 11,
 * capability 2.9). The scores are counted as usual; the units and the
 * ConfliBERT span marks are found in the text as it was, so only the coder
 * sees the change.
 *
 *   lower  every letter lower-case ("police arrested five men in ahmedabad")
 *   upper  every letter upper-case (wire feeds in capitals)
 *   title  headline style: each word starts with a capital, the rest as
 *          written ("Police Arrested Five Men In Ahmedabad"), short function
 *          words (a, of, in, to ...) lower-case except first in a sentence
 *
 * Only ASCII letters change, one byte for one byte, so every offset (units,
 * spans, evidence) stays where it was.
 */
#include <string.h>

#include "eval_gold.h"

int eval_case_parse(const char *name)
{
    if (!strcmp(name, "as-is") || !strcmp(name, "none"))
        return EVAL_CASE_AS_IS;
    if (!strcmp(name, "lower"))
        return EVAL_CASE_LOWER;
    if (!strcmp(name, "upper"))
        return EVAL_CASE_UPPER;
    if (!strcmp(name, "title"))
        return EVAL_CASE_TITLE;
    return -1;
}

const char *eval_case_label(int mode)
{
    static const char *const labels[] = {"", "lower-cased", "upper-cased", "title-cased"};
    return mode > EVAL_CASE_AS_IS && mode <= EVAL_CASE_TITLE ? labels[mode] : "";
}

static int ascii_alpha(unsigned char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }

/* Words a headline writer leaves lower-case inside a title. */
static int small_word(const char *w, size_t n)
{
    static const char *const small[] = {"a",   "an",  "the", "of", "in",  "on",   "at",
                                        "to",  "for", "by",  "and", "or", "but", "as",
                                        "with", "from", "into", "over"};
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++)
        if (strlen(small[i]) == n && !strncmp(small[i], w, n))
            return 1;
    return 0;
}

void eval_case_apply(int mode, char *p, size_t n)
{
    if (mode == EVAL_CASE_LOWER || mode == EVAL_CASE_UPPER) {
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)p[i];
            if (ascii_alpha(c))
                p[i] = (char)(mode == EVAL_CASE_LOWER ? c | 32 : c & ~32);
        }
        return;
    }
    if (mode != EVAL_CASE_TITLE)
        return;
    int starts = 1; /* at the start of the text or of a sentence */
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)p[i];
        if (!ascii_alpha(c) && c < 0x80) {
            if (c == '.' || c == '!' || c == '?' || c == '\n' || c == ':')
                starts = 1;
            i++;
            continue;
        }
        /* A word: letters, digits, apostrophes and non-ASCII bytes. */
        size_t j = i;
        while (j < n && (ascii_alpha((unsigned char)p[j]) || (unsigned char)p[j] >= 0x80 ||
                         (p[j] >= '0' && p[j] <= '9') || p[j] == '\''))
            j++;
        int keep_small = !starts && small_word(p + i, j - i);
        if (ascii_alpha(c) && !keep_small)
            p[i] = (char)(c & ~32);
        starts = 0;
        i = j;
    }
}

static char *recased_copy(int mode, const char *s, size_t n)
{
    char *p = gold_realloc(NULL, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    eval_case_apply(mode, p, n);
    return p;
}

const kh_story *eval_case_story(int mode, const kh_story *in, kh_story *copy, char *bufs[3])
{
    bufs[0] = bufs[1] = bufs[2] = NULL;
    if (mode == EVAL_CASE_AS_IS)
        return in;
    *copy = *in;
    copy->text = bufs[0] = recased_copy(mode, in->text ? in->text : "", in->text_len);
    if (in->title)
        copy->title = bufs[1] = recased_copy(mode, in->title, strlen(in->title));
    if (in->dateline)
        copy->dateline = bufs[2] = recased_copy(mode, in->dateline, strlen(in->dateline));
    return copy;
}
