/*
 * rules.c: the rule-based tagger, used when the lexicon image carries no
 * trained model (built without --train, e.g. on a machine without the UD
 * data). Each token takes a part of speech among its lexicon candidates,
 * chosen by a few context rules of English word order (determiner + noun,
 * to + verb, modal + verb, subject + verb, auxiliary chains); unknown words
 * are guessed from their shape and suffix. Cruder than the perceptron, but
 * it needs nothing beyond WordNet and data/lexicon/.
 */
#include "tags/model.h"

#define B(u) KH_POS_BIT(KH_UPOS_##u)

static int eq(const kh_tagtok *x, const char *w)
{
    size_t l = strlen(w);
    return x->len == l && kh_eq_nocase(x->s, l, w, l);
}

static int ends(const kh_tagtok *x, const char *suf)
{
    size_t l = strlen(suf);
    return x->len > l + 1 && kh_eq_nocase(x->s + x->len - l, l, suf, l);
}

/* Unknown words: shape and suffix. */
static kh_upos guess(const kh_tagtok *x)
{
    if (x->punct)
        return x->len == 1 && (x->s[0] == '$' || x->s[0] == '%' || x->s[0] == '+' ||
                               x->s[0] == '=' || x->s[0] == '<' || x->s[0] == '>')
                   ? KH_UPOS_SYM
                   : KH_UPOS_PUNCT;
    if (x->digit == 1)
        return KH_UPOS_NUM;
    if (x->capcls != 0)
        return KH_UPOS_PROPN;
    if (ends(x, "ly"))
        return KH_UPOS_ADV;
    if (ends(x, "ing") || ends(x, "ed") || ends(x, "ize") || ends(x, "ise"))
        return KH_UPOS_VERB;
    if (ends(x, "ous") || ends(x, "ful") || ends(x, "ive") || ends(x, "able") ||
        ends(x, "ible") || ends(x, "al") || ends(x, "ic") || ends(x, "ish") ||
        ends(x, "less") || ends(x, "ary") || ends(x, "ian"))
        return KH_UPOS_ADJ;
    return KH_UPOS_NOUN;
}

static kh_upos first_of(uint32_t set)
{
    static const kh_upos order[] = {KH_UPOS_NOUN, KH_UPOS_VERB, KH_UPOS_ADJ, KH_UPOS_ADV,
                                    KH_UPOS_PROPN, KH_UPOS_PRON, KH_UPOS_DET, KH_UPOS_ADP,
                                    KH_UPOS_AUX, KH_UPOS_PART, KH_UPOS_CCONJ, KH_UPOS_SCONJ,
                                    KH_UPOS_NUM, KH_UPOS_INTJ, KH_UPOS_SYM, KH_UPOS_PUNCT};
    for (size_t i = 0; i < KH_ARRAY_LEN(order); i++)
        if (set & KH_POS_BIT(order[i]))
            return order[i];
    return KH_UPOS_X;
}

/* The next token that could be a verb, skipping adverbs and negators. */
static int verb_follows(const kh_tagtok *t, size_t n, size_t i)
{
    for (size_t j = i + 1; j < n && j <= i + 3; j++) {
        if (t[j].pos & (B(VERB) | B(AUX)))
            return !(t[j].pos & (B(DET) | B(PRON))) ;
        if (!(t[j].pos & (B(ADV) | B(PART))))
            return 0;
    }
    return 0;
}

static int possessive(const kh_tagtok *x)
{
    static const char *const w[] = {"my", "your", "his", "her", "its", "our", "their"};
    for (size_t i = 0; i < KH_ARRAY_LEN(w); i++)
        if (eq(x, w[i]))
            return 1;
    return 0;
}

static int subject(const kh_tagtok *x)
{
    static const char *const w[] = {"i", "you", "he", "she", "we", "they", "it", "who"};
    for (size_t i = 0; i < KH_ARRAY_LEN(w); i++)
        if (eq(x, w[i]))
            return 1;
    return 0;
}

static int participle(const kh_tagtok *x)
{
    return (x->pos & B(VERB)) && (ends(x, "ed") || ends(x, "en") || ends(x, "ing") ||
                                  (x->lflags & KH_LEX_IRREG));
}

void kh_tag_rules(const kh_tagtok *t, size_t n, kh_unit_kind kind, uint8_t *upos)
{
    KH_UNUSED(kind);
    for (size_t i = 0; i < n; i++) {
        const kh_tagtok *x = &t[i];
        uint32_t c = x->pos;
        kh_upos prev = i ? (kh_upos)upos[i - 1] : KH_UPOS_X;
        uint32_t next = i + 1 < n ? t[i + 1].pos : 0;
        kh_upos u;
        if (x->punct || x->digit == 1) {
            u = guess(x);
        } else if (!c) {
            u = guess(x);
        } else if (x->capcls != 0 && !x->first && !(x->lflags & KH_LEX_CLOSED) &&
                   ((c & B(PROPN)) || (i + 1 < n && t[i + 1].capcls && !t[i + 1].punct) ||
                    (i && t[i - 1].capcls && !t[i - 1].first && !t[i - 1].punct))) {
            u = KH_UPOS_PROPN; /* capitalised inside a name */
        } else if ((c & (c - 1)) == 0) {
            u = first_of(c);
        } else if (eq(x, "to")) {
            u = (next & B(VERB)) && !(next & (B(DET) | B(PRON) | B(PROPN) | B(NUM))) &&
                        !(t[i + 1].capcls && !t[i + 1].first)
                    ? KH_UPOS_PART
                    : KH_UPOS_ADP;
        } else if (eq(x, "that")) {
            if (next & (B(NOUN) | B(ADJ)) && !(next & (B(VERB) | B(AUX) | B(DET) | B(PRON))))
                u = KH_UPOS_DET;
            else if (prev == KH_UPOS_VERB || prev == KH_UPOS_ADJ || prev == KH_UPOS_NOUN ||
                     (next & (B(DET) | B(PRON) | B(PROPN))))
                u = prev == KH_UPOS_NOUN && (next & (B(VERB) | B(AUX))) ? KH_UPOS_PRON
                                                                       : KH_UPOS_SCONJ;
            else
                u = KH_UPOS_PRON;
        } else if ((c & B(AUX)) && (c & B(VERB))) {
            /* have / do / get: auxiliary when a verb follows */
            u = verb_follows(t, n, i) || (i + 1 < n && participle(&t[i + 1])) ? KH_UPOS_AUX
                                                                               : KH_UPOS_VERB;
        } else if (eq(x, "'s") || eq(x, "s")) {
            u = prev == KH_UPOS_PRON || (i + 1 < n && participle(&t[i + 1])) ? KH_UPOS_AUX
                                                                             : KH_UPOS_PART;
        } else if ((c & B(VERB)) && i &&
                   ((t[i - 1].lflags & (KH_LEX_MODAL | KH_LEX_NEG)) || eq(&t[i - 1], "to") ||
                    (eq(&t[i - 1], "do") || eq(&t[i - 1], "does") || eq(&t[i - 1], "did")) ||
                    subject(&t[i - 1]))) {
            u = KH_UPOS_VERB;
        } else if (x->lflags & KH_LEX_CLOSED) {
            u = (c & KH_POS_BIT(x->best)) ? (kh_upos)x->best : first_of(c);
        } else if ((c & (B(NOUN) | B(ADJ))) &&
                   (prev == KH_UPOS_DET || prev == KH_UPOS_ADJ || prev == KH_UPOS_NUM ||
                    prev == KH_UPOS_ADP || (i && possessive(&t[i - 1])))) {
            /* determiner + (adjective) noun */
            if ((c & B(ADJ)) && (!(c & B(NOUN)) || ((next & B(NOUN)) && x->best == KH_UPOS_ADJ)))
                u = KH_UPOS_ADJ;
            else
                u = (c & B(NOUN)) ? KH_UPOS_NOUN : first_of(c);
        } else if ((c & B(ADJ)) && (prev == KH_UPOS_ADV || prev == KH_UPOS_AUX) &&
                   x->best != KH_UPOS_VERB) {
            u = KH_UPOS_ADJ;
        } else if ((c & B(VERB)) && (prev == KH_UPOS_PROPN || prev == KH_UPOS_NOUN ||
                                     prev == KH_UPOS_PRON) &&
                   (ends(x, "ed") || (x->lflags & KH_LEX_IRREG) ||
                    (ends(x, "s") && !ends(x, "ss")) || x->best == KH_UPOS_VERB)) {
            u = KH_UPOS_VERB;
        } else if ((c & B(ADJ)) && (next & B(NOUN)) && x->best == KH_UPOS_ADJ) {
            u = KH_UPOS_ADJ;
        } else {
            u = (c & KH_POS_BIT(x->best)) ? (kh_upos)x->best : first_of(c);
        }
        upos[i] = (uint8_t)u;
    }
}
