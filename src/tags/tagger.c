/*
 * tagger.c: the tagging stage: a Universal POS tag and a lemma for every
 * token of a sentence, in context. Sits between tokens and chunks in the
 * pipeline; kh_analyze calls kh_tag_sentence once per sentence.
 *
 * Candidates come from the lexicon (WordNet forms plus khaldun's lists); the
 * choice among them is made by an averaged perceptron trained at set-up time
 * (train.c; weights in the lexicon image), decoding greedily left to right
 * with word, affix, shape, lexicon and previous-tag features. A lexicon built
 * without training falls back to lexicon candidates and hand-written context
 * rules (rules.c). Either way a few news-specific rules run last: headline
 * title case, US vs us, numbers, punctuation. Lemmas follow from the chosen
 * tag: the lexicon's lemma for that part of speech, else suffix rules; proper
 * nouns, numbers and punctuation keep their form.
 *
 * Memory: one arena allocation of per-token scratch and one for lemma copies
 * per sentence; nothing is malloc'ed per token.
 */
#include "tags/model.h"
#include "tags/tagger.h"
#include "tags/tags.h"

/* Shape bits of kh_tagtok.shape. */
enum {
    SH_CAP_MASK = 3u,      /* capitalisation class */
    SH_DIGIT_SHIFT = 2,    /* 2 bits: 1 all digits, 2 some digits */
    SH_PUNCT = 1u << 4,
    SH_HYPHEN = 1u << 5,
    SH_PERIOD = 1u << 6,
    SH_APOS = 1u << 7,
    SH_URL = 1u << 8,
    SH_LEN_SHIFT = 9       /* 2 bits: length 1, 2-3, 4-7, 8+ */
};

enum { TAG_START = KH_UPOS_COUNT, TAG_START2 = KH_UPOS_COUNT + 1 };

static uint64_t hlow(const char *s, size_t n) { return kh_hash64_lower(s, n, 0x7467); }

void kh_tag_prepare(const kh_lexicon *lex, const kh_token *toks, size_t n, kh_unit_kind kind,
                    kh_tagtok *t)
{
    size_t upper_words = 0, words = 0;
    for (size_t i = 0; i < n; i++) {
        kh_tagtok *x = &t[i];
        const char *s = toks[i].norm;
        size_t len = s ? toks[i].norm_len : 0;
        memset(x, 0, sizeof *x);
        x->s = s ? s : "";
        x->len = len;
        x->first = i == 0;
        x->wh = hlow(x->s, len);
        for (size_t k = 1; k <= 4; k++)
            if (len > k)
                x->suf[k - 1] = hlow(x->s + len - k, k);
        for (size_t k = 1; k <= 3; k++)
            if (len > k)
                x->pre[k - 1] = hlow(x->s, k);
        size_t letters = 0, uppers = 0, digits = 0, alnum = 0;
        unsigned shape = 0;
        for (size_t k = 0; k < len; k++) {
            unsigned char c = (unsigned char)x->s[k];
            if (kh_is_alpha(c) || c >= 0x80) {
                letters++;
                alnum++;
                uppers += kh_is_upper(c) != 0;
            } else if (kh_is_digit(c)) {
                digits++;
                alnum++;
            } else if (c == '-') {
                shape |= SH_HYPHEN;
            } else if (c == '.') {
                shape |= SH_PERIOD;
            } else if (c == '\'') {
                shape |= SH_APOS;
            } else if (c == '@' || c == '/' || c == ':') {
                if (len > 4)
                    shape |= SH_URL;
            }
        }
        unsigned cap = 0;
        if (uppers && len && kh_is_upper((unsigned char)x->s[0]))
            cap = uppers == 1 ? 1 : uppers == letters && letters > 1 ? 2 : 3;
        else if (uppers)
            cap = 3;
        x->punct = alnum == 0;
        if (x->punct)
            shape |= SH_PUNCT;
        if (digits)
            x->digit = letters == 0 ? 1 : 2;
        shape |= (unsigned)x->digit << SH_DIGIT_SHIFT;
        shape |= (len <= 1 ? 0u : len <= 3 ? 1u : len <= 7 ? 2u : 3u) << SH_LEN_SHIFT;
        kh_lex_form f;
        if (kh_lex_find(lex, x->s, len, &f)) {
            x->pos = f.pos;
            x->lflags = f.flags;
            x->best = (uint8_t)f.best;
        } else {
            x->best = KH_UPOS_X;
        }
        x->capcls = (uint8_t)cap;
        x->shape = (uint16_t)(shape | cap);
        if (letters > 1) {
            words++;
            upper_words += cap == 2;
        }
    }
    if (kind != KH_UNIT_HEADLINE)
        return;
    /* Headline case: a capital says nothing about a word the lexicon knows as
     * a common word, and in an all-capitals headline neither does UPPER. */
    int shouting = words >= 3 && upper_words * 10 >= words * 6;
    for (size_t i = 0; i < n; i++) {
        kh_tagtok *x = &t[i];
        if (!x->pos || (x->pos & ~KH_POS_BIT(KH_UPOS_PROPN)) == 0 ||
            (x->lflags & KH_LEX_PROPER))
            continue;
        if (x->capcls == 1 || (shouting && x->capcls == 2)) {
            x->capcls = 0;
            x->shape = (uint16_t)(x->shape & ~SH_CAP_MASK);
        }
    }
}

/* Feature templates. Changing them means bumping KH_MODEL_FEATURE_VERSION. */
enum {
    F_BIAS = 1, F_W, F_SUF1, F_SUF2, F_SUF3, F_SUF4, F_PRE1, F_PRE2, F_PRE3, F_SHAPE,
    F_SHAPE_FIRST, F_LEXPOS, F_LEXBEST, F_LEXFLAGS, F_P1, F_P2, F_P12, F_P1W, F_P1LEX,
    F_WM1, F_WM2, F_WP1, F_WP2, F_SUFM1, F_SUFP1, F_LEXM1, F_LEXP1, F_LEXP2, F_LEXP1LEX,
    F_CAPP1, F_CAPM1, F_WWP1, F_P1WP1, F_WM1W, F_CAP_FIRST_LEX
};

#define LEXF_MASK (KH_LEX_CLOSED | KH_LEX_REPORT | KH_LEX_MODAL | KH_LEX_NEG | KH_LEX_AUX | \
                   KH_LEX_PROPER | KH_LEX_INFL | KH_LEX_IRREG)

size_t kh_tag_features(const kh_tagtok *t, size_t n, size_t i, const uint8_t *tags,
                       uint64_t *k)
{
    const kh_tagtok *x = &t[i];
    size_t m = 0;
    uint64_t p1 = i >= 1 ? tags[i - 1] : TAG_START;
    uint64_t p2 = i >= 2 ? tags[i - 2] : i == 1 ? TAG_START : TAG_START2;
    uint64_t lexpos = (uint64_t)x->pos | (x->pos ? 0 : (uint64_t)1 << 40);
    k[m++] = kh_feat_key(F_BIAS, 0);
    k[m++] = kh_feat_key(F_W, x->wh);
    for (uint32_t s = 0; s < 4; s++)
        if (x->suf[s])
            k[m++] = kh_feat_key(F_SUF1 + s, x->suf[s]);
    for (uint32_t s = 0; s < 3; s++)
        if (x->pre[s])
            k[m++] = kh_feat_key(F_PRE1 + s, x->pre[s]);
    k[m++] = kh_feat_key(F_SHAPE, x->shape);
    k[m++] = kh_feat_key(F_SHAPE_FIRST, (uint64_t)x->capcls << 1 | x->first);
    k[m++] = kh_feat_key(F_LEXPOS, lexpos);
    k[m++] = kh_feat_key(F_LEXBEST, x->best);
    k[m++] = kh_feat_key(F_LEXFLAGS, x->lflags & LEXF_MASK);
    k[m++] = kh_feat_key(F_P1, p1);
    k[m++] = kh_feat_key(F_P2, p2);
    k[m++] = kh_feat_key(F_P12, p1 << 8 | p2);
    k[m++] = kh_feat_key(F_P1W, x->wh ^ (p1 * 0x51ED27ULL));
    k[m++] = kh_feat_key(F_P1LEX, lexpos ^ (p1 << 48));
    k[m++] = kh_feat_key(F_WM1, i >= 1 ? t[i - 1].wh : 1);
    k[m++] = kh_feat_key(F_WM2, i >= 2 ? t[i - 2].wh : 2);
    k[m++] = kh_feat_key(F_WP1, i + 1 < n ? t[i + 1].wh : 3);
    k[m++] = kh_feat_key(F_WP2, i + 2 < n ? t[i + 2].wh : 4);
    k[m++] = kh_feat_key(F_SUFM1, i >= 1 ? t[i - 1].suf[2] ^ t[i - 1].wh * 3 : 1);
    k[m++] = kh_feat_key(F_SUFP1, i + 1 < n ? t[i + 1].suf[2] ^ t[i + 1].wh * 3 : 3);
    uint64_t lm1 = i >= 1 ? t[i - 1].pos | (uint64_t)1 << 41 : 1;
    uint64_t lp1 = i + 1 < n ? t[i + 1].pos | (uint64_t)1 << 41 : 3;
    uint64_t lp2 = i + 2 < n ? t[i + 2].pos | (uint64_t)1 << 41 : 4;
    k[m++] = kh_feat_key(F_LEXM1, lm1);
    k[m++] = kh_feat_key(F_LEXP1, lp1);
    k[m++] = kh_feat_key(F_LEXP2, lp2);
    k[m++] = kh_feat_key(F_LEXP1LEX, lp1 ^ (lexpos << 20));
    k[m++] = kh_feat_key(F_CAPP1, i + 1 < n ? (uint64_t)t[i + 1].shape : 0xffff);
    k[m++] = kh_feat_key(F_CAPM1, i >= 1 ? (uint64_t)t[i - 1].shape : 0xffff);
    k[m++] = kh_feat_key(F_WWP1, x->wh * 31 ^ (i + 1 < n ? t[i + 1].wh : 3));
    k[m++] = kh_feat_key(F_P1WP1, (i + 1 < n ? t[i + 1].wh : 3) ^ (p1 * 0x51ED27ULL));
    k[m++] = kh_feat_key(F_WM1W, x->wh * 17 ^ (i >= 1 ? t[i - 1].wh : 1));
    k[m++] = kh_feat_key(F_CAP_FIRST_LEX, lexpos ^ ((uint64_t)x->capcls << 44) ^
                                              ((uint64_t)x->first << 47));
    return m;
}

/* ---- news rules, run after either tagger ---- */

static int is_exact(const kh_tagtok *x, const char *w)
{
    size_t l = strlen(w);
    return x->len == l && memcmp(x->s, w, l) == 0;
}

static int verb_form(const kh_tagtok *x)
{
    if (!(x->pos & KH_POS_BIT(KH_UPOS_VERB)) || x->len < 3)
        return 0;
    char a = (char)kh_to_lower((unsigned char)x->s[x->len - 2]);
    char b = (char)kh_to_lower((unsigned char)x->s[x->len - 1]);
    return (b == 's' && a != 's' && a != '\'') || (a == 'e' && b == 'd') ||
           (x->lflags & KH_LEX_IRREG);
}

static void news_rules(const kh_tagtok *t, size_t n, uint8_t *upos)
{
    /* A clause needs a verb: when none was found, a -s/-ed/irregular form
     * after a noun phrase is the verb ("The minister talks with ...",
     * "NKorea Sends Delegation ..."). */
    int has_verb = 0;
    for (size_t i = 0; i < n; i++)
        has_verb |= upos[i] == KH_UPOS_VERB || upos[i] == KH_UPOS_AUX;
    if (!has_verb && n >= 3)
        for (size_t i = 1; i + 1 < n; i++)
            if ((upos[i] == KH_UPOS_NOUN || upos[i] == KH_UPOS_PROPN) && verb_form(&t[i]) &&
                (upos[i - 1] == KH_UPOS_NOUN || upos[i - 1] == KH_UPOS_PROPN ||
                 upos[i - 1] == KH_UPOS_PRON) &&
                !(t[i].capcls && upos[i] == KH_UPOS_PROPN && !(t[i].pos & ~KH_POS_BIT(KH_UPOS_PROPN)))) {
                upos[i] = KH_UPOS_VERB;
                break;
            }
    /* A capitalised word the model tagged as a function word that the
     * closed lists do not know as one ("Turkey offered ...") is a name. */
    for (size_t i = 0; i < n; i++) {
        kh_upos u = (kh_upos)upos[i];
        if (t[i].capcls == 1 && !(t[i].lflags & KH_LEX_CLOSED) && !t[i].punct &&
            (u == KH_UPOS_PART || u == KH_UPOS_ADP || u == KH_UPOS_CCONJ || u == KH_UPOS_SCONJ ||
             u == KH_UPOS_DET || u == KH_UPOS_AUX || u == KH_UPOS_INTJ || u == KH_UPOS_PRON))
            upos[i] = KH_UPOS_PROPN;
    }
    for (size_t i = 1; i < n; i++) {
        /* determiner + verb is a noun ("a warning", "the attack") */
        if (upos[i] == KH_UPOS_VERB && upos[i - 1] == KH_UPOS_DET &&
            (t[i].pos & KH_POS_BIT(KH_UPOS_NOUN)) &&
            (t[i - 1].lflags & KH_LEX_CLOSED) && t[i - 1].len <= 3)
            upos[i] = KH_UPOS_NOUN;
        /* a capitalised title before a name ("President Raisi") */
        if (upos[i] == KH_UPOS_PROPN && upos[i - 1] == KH_UPOS_NOUN && t[i - 1].capcls == 1 &&
            t[i].capcls == 1)
            upos[i - 1] = KH_UPOS_PROPN;
    }
    for (size_t i = 0; i < n; i++) {
        const kh_tagtok *x = &t[i];
        if (is_exact(x, "US") || is_exact(x, "U.S.") || is_exact(x, "UK") ||
            is_exact(x, "U.K.") || is_exact(x, "UN") || is_exact(x, "U.N.")) {
            /* "US" the country, unless the whole sentence is in capitals and
             * the word follows a verb or preposition ("HELP US"). */
            int shouting = x->capcls == 0;
            if (!shouting)
                upos[i] = KH_UPOS_PROPN;
        } else if (is_exact(x, "us")) {
            upos[i] = KH_UPOS_PRON;
        } else if (x->punct && upos[i] != KH_UPOS_SYM && upos[i] != KH_UPOS_PUNCT) {
            upos[i] = KH_UPOS_PUNCT;
        } else if (x->digit == 1 && !x->punct && upos[i] != KH_UPOS_NUM &&
                   upos[i] != KH_UPOS_PROPN && upos[i] != KH_UPOS_NOUN &&
                   upos[i] != KH_UPOS_SYM && upos[i] != KH_UPOS_X) {
            upos[i] = KH_UPOS_NUM;
        }
    }
}

/* ---- lemmas ---- */

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

static void set_lemmas(const kh_lexicon *lex, const kh_tagtok *t, size_t n, const uint8_t *upos,
                       const char **lemma, char *buf)
{
    for (size_t i = 0; i < n; i++) {
        const kh_tagtok *x = &t[i];
        kh_upos u = (kh_upos)upos[i];
        char *out = buf;
        buf += x->len + 2;
        if (u != KH_UPOS_PROPN && u != KH_UPOS_PUNCT && u != KH_UPOS_SYM && u != KH_UPOS_X &&
            x->pos) {
            const char *l = kh_lex_lemma(lex, x->s, x->len, u, NULL);
            if (!l && u == KH_UPOS_NUM)
                l = NULL;
            else if (!l && (u == KH_UPOS_ADJ || u == KH_UPOS_ADV || u == KH_UPOS_NOUN) &&
                     (x->pos & KH_POS_BIT(KH_UPOS_VERB)) && x->suf[1] &&
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

kh_status kh_tag_sentence_ex(const kh_lexicon *lex, kh_arena *arena, const char *text,
                             const kh_token *toks, size_t n, kh_unit_kind kind,
                             unsigned flags, uint8_t *upos, const char **lemma)
{
    KH_UNUSED(text);
    if (n == 0)
        return KH_OK;
    size_t chars = 0, bytes;
    for (size_t i = 0; i < n; i++)
        if (!kh_add_ok(chars, (size_t)toks[i].norm_len + 2, &chars))
            return KH_ERR_NOMEM;
    kh_tagtok *t = NULL;
    char *buf = NULL;
    if (!kh_mul_ok(n, sizeof *t, &bytes) || !(t = (kh_tagtok *)kh_arena_alloc(arena, bytes)) ||
        !(buf = (char *)kh_arena_alloc(arena, chars)))
        return KH_ERR_NOMEM;
    kh_tag_prepare(lex, toks, n, kind, t);
    const kh_model_view *m = lex && !(flags & KH_TAG_RULES) ? (const kh_model_view *)lex->model_view
                                                           : NULL;
    if (m) {
        uint64_t keys[KH_TAG_MAX_FEATURES];
        for (size_t i = 0; i < n; i++) {
            int32_t scores[KH_UPOS_COUNT] = {0};
            size_t nk = kh_tag_features(t, n, i, upos, keys);
            kh_model_score(m, keys, nk, scores);
            /* khaldun's closed lists are authoritative for function words. */
            uint32_t allowed = (t[i].lflags & KH_LEX_CLOSED) ? t[i].pos : KH_POS_ALL;
            int best = -1;
            for (int c = 0; c < KH_UPOS_COUNT; c++)
                if ((allowed & KH_POS_BIT(c)) && (best < 0 || scores[c] > scores[best]))
                    best = c;
            upos[i] = (uint8_t)best;
        }
    } else {
        kh_tag_rules(t, n, kind, upos);
    }
    news_rules(t, n, upos);
    set_lemmas(lex, t, n, upos, lemma, buf);
    return KH_OK;
}

kh_status kh_tag_sentence(const kh_lexicon *lex, kh_arena *arena, const char *text,
                          const kh_token *toks, size_t n, kh_unit_kind kind, uint8_t *upos,
                          const char **lemma)
{
    return kh_tag_sentence_ex(lex, arena, text, toks, n, kind, 0, upos, lemma);
}
