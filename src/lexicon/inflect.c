/*
 * inflect.c: English regular inflection for the lexicon builder
 * (lexicon_build.c). WordNet gives lemmas only; these rules make their
 * regular forms: -s/-es/-ies (3sg verbs, noun plurals), and the suffixes
 * that begin with a vowel (-ed, -ing, -er, -est) with e-dropping, y to i
 * and consonant doubling. Irregular forms come from WordNet's exception
 * lists, not from here. Pure functions over ASCII lower-case words.
 */
#include "lexicon/lexicon.h"

static int is_vowel(int c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

int kh_lex_ends_with(const char *w, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(w + n - k, suf, k) == 0;
}

/* Vowel groups: a rough syllable count. */
int kh_lex_syllables(const char *w, size_t n)
{
    int groups = 0, in = 0;
    for (size_t i = 0; i < n; i++) {
        int v = is_vowel(w[i]) || (w[i] == 'y' && i > 0 && !is_vowel(w[i - 1]));
        if (v && !in)
            groups++;
        in = v;
    }
    return groups;
}

/* Monosyllable ending consonant-vowel-consonant (not w/x/y): stop, plan, big. */
static int doubles(const char *w, size_t n)
{
    if (n < 3 || kh_lex_syllables(w, n) != 1)
        return 0;
    int c1 = w[n - 3], v = w[n - 2], c2 = w[n - 1];
    return kh_is_alpha(c1) && !is_vowel(c1) && is_vowel(v) && kh_is_alpha(c2) &&
           !is_vowel(c2) && c2 != 'w' && c2 != 'x' && c2 != 'y' &&
           !(c1 == 'u' && n >= 4 && w[n - 4] == 'q');
}

static int cons_y(const char *w, size_t n)
{
    return n >= 2 && w[n - 1] == 'y' && !is_vowel(w[n - 2]);
}

static int sibilant(const char *w, size_t n)
{
    return kh_lex_ends_with(w, n, "s") || kh_lex_ends_with(w, n, "x") ||
           kh_lex_ends_with(w, n, "z") || kh_lex_ends_with(w, n, "ch") ||
           kh_lex_ends_with(w, n, "sh");
}

/* Writes stem w[0..keep) + suffix into out; returns its length. */
static size_t mk(char *out, const char *w, size_t keep, const char *suf)
{
    memcpy(out, w, keep);
    size_t k = strlen(suf);
    memcpy(out + keep, suf, k);
    out[keep + k] = '\0';
    return keep + k;
}

/* -s / -es / -ies (3sg verbs and noun plurals); returns up to 2 forms. */
int kh_lex_inflect_s(const char *w, size_t n, char out[2][KH_LEX_MAX_WORD + 8], size_t len[2])
{
    if (cons_y(w, n)) {
        len[0] = mk(out[0], w, n - 1, "ies");
        return 1;
    }
    if (sibilant(w, n)) {
        len[0] = mk(out[0], w, n, "es");
        return 1;
    }
    if (n >= 2 && w[n - 1] == 'o' && !is_vowel(w[n - 2])) {
        len[0] = mk(out[0], w, n, "es");
        len[1] = mk(out[1], w, n, "s");
        return 2;
    }
    len[0] = mk(out[0], w, n, "s");
    return 1;
}

/* A suffix beginning with a vowel (-ed, -ing, -er, -est). */
int kh_lex_inflect_v(const char *w, size_t n, const char *suf,
                     char out[2][KH_LEX_MAX_WORD + 8], size_t len[2])
{
    int k = 0;
    if (suf[0] == 'i' && kh_lex_ends_with(w, n, "ie")) { /* die -> dying */
        len[0] = mk(out[0], w, n - 2, "ying");
        return 1;
    }
    if (w[n - 1] == 'e') {
        if (suf[0] == 'i' && (kh_lex_ends_with(w, n, "ee") ||
                              kh_lex_ends_with(w, n, "ye") || kh_lex_ends_with(w, n, "oe"))) {
            len[0] = mk(out[0], w, n, suf);
            return 1;
        }
        len[0] = mk(out[0], w, n - 1, suf);
        return 1;
    }
    if (suf[0] != 'i' && cons_y(w, n)) {
        char tmp[8];
        tmp[0] = 'i';
        size_t sl = strlen(suf);
        memcpy(tmp + 1, suf, sl + 1);
        len[0] = mk(out[0], w, n - 1, tmp);
        return 1;
    }
    if (doubles(w, n)) {
        char dbl[KH_LEX_MAX_WORD + 2];
        memcpy(dbl, w, n);
        dbl[n] = w[n - 1];
        len[k] = mk(out[k], dbl, n + 1, suf);
        k++;
    } else {
        len[k] = mk(out[k], w, n, suf);
        k++;
    }
    return k;
}
