/*
 * lemma.c: the tagger's lemmas, which follow from the chosen tag: the
 * lexicon's lemma for that part of speech, else suffix rules; proper nouns,
 * numbers and punctuation keep their form. Called by kh_tag_sentence
 * (tagger.c) after the tags are chosen.
 */
#include "tags/model.h"

/* Is `w` (lower-case) a lemma of `upos` in the lexicon? */
static int is_lemma(const kh_lexicon *lex, const char *w, size_t len, kh_upos upos)
{
    size_t ll;
    const char *l = kh_lex_lemma(lex, w, len, upos, &ll);
    return l && ll == len && kh_eq_nocase(l, ll, w, len);
}

static int vowel(int c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

/* Suffix rules for words the lexicon does not hold as `upos`. Writes the
 * lemma (lower-case) into out and returns its length. */
static size_t guess_lemma(const kh_lexicon *lex, const char *s, size_t len, kh_upos upos,
                          char *out)
{
    for (size_t k = 0; k < len; k++)
        out[k] = (char)kh_to_lower((unsigned char)s[k]);
    out[len] = '\0';
    if (len > KH_LEX_MAX_WORD)
        return len;
#define ENDS(suf) (len > strlen(suf) + 1 && memcmp(out + len - strlen(suf), suf, strlen(suf)) == 0)
    if (upos == KH_UPOS_NOUN || upos == KH_UPOS_PROPN) {
        if (ENDS("ies")) {
            memcpy(out + len - 3, "y", 2);
            return len - 2;
        }
        if (ENDS("sses") || ENDS("xes") || ENDS("ches") || ENDS("shes") || ENDS("zes")) {
            out[len - 2] = '\0';
            return len - 2;
        }
        if (ENDS("s") && !ENDS("ss") && !ENDS("us") && !ENDS("is") && !ENDS("'s")) {
            out[len - 1] = '\0';
            return len - 1;
        }
        return len;
    }
    if (upos == KH_UPOS_VERB || upos == KH_UPOS_AUX) {
        size_t stem;
        if (ENDS("ies") || ENDS("ied")) {
            memcpy(out + len - 3, "y", 2);
            return len - 2;
        }
        if (ENDS("ing") && len > 5)
            stem = len - 3;
        else if (ENDS("ed") && len > 4)
            stem = len - 2;
        else if (ENDS("es") && !ENDS("ses")) {
            if (is_lemma(lex, out, len - 1, KH_UPOS_VERB)) {
                out[len - 1] = '\0';
                return len - 1;
            }
            out[len - 2] = '\0';
            return len - 2;
        } else if (ENDS("s") && !ENDS("ss")) {
            out[len - 1] = '\0';
            return len - 1;
        } else
            return len;
        /* -ed / -ing: the stem, the stem + e, or the undoubled stem. */
        if (stem >= 2 && out[stem - 1] == out[stem - 2] && !vowel(out[stem - 1]) &&
            out[stem - 1] != 'l' && out[stem - 1] != 's' && out[stem - 1] != 'z' &&
            out[stem - 1] != 'f') {
            out[stem - 1] = '\0';
            return stem - 1;
        }
        out[stem] = 'e';
        out[stem + 1] = '\0';
        if (is_lemma(lex, out, stem + 1, KH_UPOS_VERB))
            return stem + 1;
        out[stem] = '\0';
        if (is_lemma(lex, out, stem, KH_UPOS_VERB))
            return stem;
        /* consonant + vowel + consonant endings usually had an -e (hoped, used) */
        if (stem >= 3 && !vowel(out[stem - 1]) && vowel(out[stem - 2]) &&
            !vowel(out[stem - 3]) && out[stem - 1] != 'w' && out[stem - 1] != 'x' &&
            out[stem - 1] != 'y' && out[stem - 1] != 'r' && out[stem - 1] != 'n' &&
            out[stem - 1] != 'l' && out[stem - 1] != 't' && out[stem - 1] != 'd') {
            out[stem] = 'e';
            out[stem + 1] = '\0';
            return stem + 1;
        }
        return stem;
    }
#undef ENDS
    return len;
}

void kh_tag_lemmas(const kh_lexicon *lex, const kh_tagtok *t, size_t n, const uint8_t *upos,
                   const char **lemma, char *buf)
{
    for (size_t i = 0; i < n; i++) {
        const kh_tagtok *x = &t[i];
        kh_upos u = (kh_upos)upos[i];
        char *out = buf;
        buf += x->len + 2;
        if (u != KH_UPOS_PROPN && u != KH_UPOS_PUNCT && u != KH_UPOS_SYM && u != KH_UPOS_X &&
            x->pos) {
            const char *l = x->form.n ? kh_lex_form_lemma(lex, &x->form, u, NULL) : NULL;
            if (!l && u == KH_UPOS_NUM)
                l = NULL;
            else if (!l && (u == KH_UPOS_ADJ || u == KH_UPOS_ADV || u == KH_UPOS_NOUN) &&
                     (x->pos & KH_POS_BIT(KH_UPOS_VERB)) && x->len > 2 &&
                     (memcmp(x->s + x->len - 2, "ed", 2) == 0))
                l = NULL; /* a participle used as an adjective keeps its form */
            if (l) {
                lemma[i] = l;
                continue;
            }
        }
        if (u == KH_UPOS_PROPN || u == KH_UPOS_PUNCT || u == KH_UPOS_SYM || u == KH_UPOS_NUM ||
            u == KH_UPOS_X) {
            memcpy(out, x->s, x->len);
            out[x->len] = '\0';
        } else {
            guess_lemma(lex, x->s, x->len, u, out);
        }
        lemma[i] = out;
    }
}
