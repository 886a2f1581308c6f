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
 * title case, US vs us, numbers, punctuation. Lemmas (lemma.c) follow from the chosen
 * tag: the lexicon's lemma for that part of speech, else suffix rules; proper
 * nouns, numbers and punctuation keep their form.
 *
 * Scoring is grouped by what each feature depends on (see "grouped
 * scoring" below): a word's own and neighbour features come from a
 * per-thread word cache (kh_tag_cache, owned by the kh_scratch), the
 * previous-tag features from tables built when the lexicon is loaded, so a
 * known word costs one cache lookup and six weight probes.
 *
 * Memory: arena allocations per sentence (per-token scratch, score vectors,
 * lemma copies); the word cache is allocated once per scratch and bounded;
 * nothing is malloc'ed per token.
 */
#include "tags/model.h"
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

/* Scans token i: its form, hash, shape and capitalisation; no lexicon and
 * no affix hashes yet. Sets *letters (for the headline test). */
static void scan_token(const kh_token *tok, size_t i, kh_tagtok *x, size_t *letters_out)
{
    const char *s = tok->norm;
    size_t len = s ? tok->norm_len : 0;
    memset(x, 0, sizeof *x);
    x->s = s ? s : "";
    x->len = len;
    x->first = i == 0;
    s = x->s;
    size_t letters = 0, uppers = 0, digits = 0, alnum = 0;
    unsigned shape = 0;
    uint64_t h = 0xcbf29ce484222325ULL ^ 0x7467; /* kh_hash64_lower(s, len, 0x7467) */
    for (size_t k = 0; k < len; k++) {
        unsigned char c = (unsigned char)s[k];
        h ^= (unsigned char)kh_to_lower(c);
        h *= 0x100000001b3ULL;
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
    x->wh = h;
    unsigned cap = 0;
    if (uppers && len && kh_is_upper((unsigned char)s[0]))
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
    x->capcls = (uint8_t)cap;
    x->shape = (uint16_t)(shape | cap);
    *letters_out = letters;
}

/* The affix hashes of a scanned token (features of the word itself; a
 * token found in the word cache skips them). */
static void affixes(kh_tagtok *x)
{
    size_t len = x->len;
    for (size_t k = 1; k <= 4; k++)
        if (len > k)
            x->suf[k - 1] = hlow(x->s + len - k, k);
    for (size_t k = 1; k <= 3; k++)
        if (len > k)
            x->pre[k - 1] = hlow(x->s, k);
}

/* The affix hashes and the lexicon's record of a scanned token. */
static void lex_token(const kh_lexicon *lex, kh_tagtok *x)
{
    affixes(x);
    if (kh_lex_find(lex, x->s, x->len, &x->form)) {
        x->pos = x->form.pos;
        x->lflags = x->form.flags;
        x->best = (uint8_t)x->form.best;
    } else {
        memset(&x->form, 0, sizeof x->form);
        x->best = KH_UPOS_X;
    }
}

/* Headline case: a capital says nothing about a word the lexicon knows as a
 * common word, and in an all-capitals headline neither does UPPER. */
static void fold_headline(kh_tagtok *t, size_t n, size_t words, size_t upper_words)
{
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

void kh_tag_prepare(const kh_lexicon *lex, const kh_token *toks, size_t n, kh_unit_kind kind,
                    kh_tagtok *t)
{
    size_t upper_words = 0, words = 0, letters;
    for (size_t i = 0; i < n; i++) {
        scan_token(&toks[i], i, &t[i], &letters);
        lex_token(lex, &t[i]);
        if (letters > 1) {
            words++;
            upper_words += t[i].capcls == 2;
        }
    }
    if (kind == KH_UNIT_HEADLINE)
        fold_headline(t, n, words, upper_words);
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

/*
 * The feature keys, one function per template, written once and used both
 * by kh_tag_features (training, one token at a time) and by the tagger's
 * grouped scoring below. `prev`, `prev2`, `next`, `next2` are the
 * neighbouring tokens, NULL past the sentence's edges; p1 and p2 the
 * previous tags (TAG_START / TAG_START2 before the first token).
 */
static inline uint64_t lexpos_of(const kh_tagtok *x)
{
    return (uint64_t)x->pos | (x->pos ? 0 : (uint64_t)1 << 40);
}
static inline uint64_t lexnb(const kh_tagtok *y, uint64_t none)
{
    return y ? y->pos | (uint64_t)1 << 41 : none;
}
static inline uint64_t whnb(const kh_tagtok *y, uint64_t none) { return y ? y->wh : none; }
static inline uint64_t sufnb(const kh_tagtok *y, uint64_t none)
{
    return y ? y->suf[2] ^ y->wh * 3 : none;
}
static inline uint64_t shapenb(const kh_tagtok *y) { return y ? (uint64_t)y->shape : 0xffff; }

static inline uint64_t fk_bias(void) { return kh_feat_key(F_BIAS, 0); }
static inline uint64_t fk_w(const kh_tagtok *x) { return kh_feat_key(F_W, x->wh); }
static inline uint64_t fk_shape(const kh_tagtok *x) { return kh_feat_key(F_SHAPE, x->shape); }
static inline uint64_t fk_shape_first(const kh_tagtok *x)
{
    return kh_feat_key(F_SHAPE_FIRST, (uint64_t)x->capcls << 1 | x->first);
}
static inline uint64_t fk_lexpos(const kh_tagtok *x) { return kh_feat_key(F_LEXPOS, lexpos_of(x)); }
static inline uint64_t fk_lexbest(const kh_tagtok *x) { return kh_feat_key(F_LEXBEST, x->best); }
static inline uint64_t fk_lexflags(const kh_tagtok *x)
{
    return kh_feat_key(F_LEXFLAGS, x->lflags & LEXF_MASK);
}
static inline uint64_t fk_p1(uint64_t p1) { return kh_feat_key(F_P1, p1); }
static inline uint64_t fk_p2(uint64_t p2) { return kh_feat_key(F_P2, p2); }
static inline uint64_t fk_p12(uint64_t p1, uint64_t p2) { return kh_feat_key(F_P12, p1 << 8 | p2); }
static inline uint64_t fk_p1w(const kh_tagtok *x, uint64_t p1)
{
    return kh_feat_key(F_P1W, x->wh ^ (p1 * 0x51ED27ULL));
}
static inline uint64_t fk_p1lex(const kh_tagtok *x, uint64_t p1)
{
    return kh_feat_key(F_P1LEX, lexpos_of(x) ^ (p1 << 48));
}
static inline uint64_t fk_wm1(const kh_tagtok *prev) { return kh_feat_key(F_WM1, whnb(prev, 1)); }
static inline uint64_t fk_wm2(const kh_tagtok *prev2) { return kh_feat_key(F_WM2, whnb(prev2, 2)); }
static inline uint64_t fk_wp1(const kh_tagtok *next) { return kh_feat_key(F_WP1, whnb(next, 3)); }
static inline uint64_t fk_wp2(const kh_tagtok *next2) { return kh_feat_key(F_WP2, whnb(next2, 4)); }
static inline uint64_t fk_sufm1(const kh_tagtok *prev) { return kh_feat_key(F_SUFM1, sufnb(prev, 1)); }
static inline uint64_t fk_sufp1(const kh_tagtok *next) { return kh_feat_key(F_SUFP1, sufnb(next, 3)); }
static inline uint64_t fk_lexm1(const kh_tagtok *prev) { return kh_feat_key(F_LEXM1, lexnb(prev, 1)); }
static inline uint64_t fk_lexp1(const kh_tagtok *next) { return kh_feat_key(F_LEXP1, lexnb(next, 3)); }
static inline uint64_t fk_lexp2(const kh_tagtok *next2) { return kh_feat_key(F_LEXP2, lexnb(next2, 4)); }
static inline uint64_t fk_lexp1lex(const kh_tagtok *x, const kh_tagtok *next)
{
    return kh_feat_key(F_LEXP1LEX, lexnb(next, 3) ^ (lexpos_of(x) << 20));
}
static inline uint64_t fk_capp1(const kh_tagtok *next) { return kh_feat_key(F_CAPP1, shapenb(next)); }
static inline uint64_t fk_capm1(const kh_tagtok *prev) { return kh_feat_key(F_CAPM1, shapenb(prev)); }
static inline uint64_t fk_wwp1(const kh_tagtok *x, const kh_tagtok *next)
{
    return kh_feat_key(F_WWP1, x->wh * 31 ^ whnb(next, 3));
}
static inline uint64_t fk_p1wp1(const kh_tagtok *next, uint64_t p1)
{
    return kh_feat_key(F_P1WP1, whnb(next, 3) ^ (p1 * 0x51ED27ULL));
}
static inline uint64_t fk_wm1w(const kh_tagtok *x, const kh_tagtok *prev)
{
    return kh_feat_key(F_WM1W, x->wh * 17 ^ whnb(prev, 1));
}
static inline uint64_t fk_cap_first_lex(const kh_tagtok *x)
{
    return kh_feat_key(F_CAP_FIRST_LEX,
                       lexpos_of(x) ^ ((uint64_t)x->capcls << 44) ^ ((uint64_t)x->first << 47));
}

/* The features of the word itself (form, affixes, shape, lexicon classes). */
static size_t keys_local(const kh_tagtok *x, uint64_t *k)
{
    size_t m = 0;
    k[m++] = fk_w(x);
    for (uint32_t s = 0; s < 4; s++)
        if (x->suf[s])
            k[m++] = kh_feat_key(F_SUF1 + s, x->suf[s]);
    for (uint32_t s = 0; s < 3; s++)
        if (x->pre[s])
            k[m++] = kh_feat_key(F_PRE1 + s, x->pre[s]);
    k[m++] = fk_shape(x);
    k[m++] = fk_shape_first(x);
    k[m++] = fk_lexpos(x);
    k[m++] = fk_lexbest(x);
    k[m++] = fk_lexflags(x);
    k[m++] = fk_cap_first_lex(x);
    return m;
}

size_t kh_tag_features(const kh_tagtok *t, size_t n, size_t i, const uint8_t *tags,
                       uint64_t *k)
{
    const kh_tagtok *x = &t[i];
    const kh_tagtok *prev = i >= 1 ? &t[i - 1] : NULL, *prev2 = i >= 2 ? &t[i - 2] : NULL;
    const kh_tagtok *next = i + 1 < n ? &t[i + 1] : NULL;
    const kh_tagtok *next2 = i + 2 < n ? &t[i + 2] : NULL;
    size_t m = 0;
    uint64_t p1 = i >= 1 ? tags[i - 1] : TAG_START;
    uint64_t p2 = i >= 2 ? tags[i - 2] : i == 1 ? TAG_START : TAG_START2;
    k[m++] = fk_bias();
    m += keys_local(x, k + m);
    k[m++] = fk_p1(p1);
    k[m++] = fk_p2(p2);
    k[m++] = fk_p12(p1, p2);
    k[m++] = fk_p1w(x, p1);
    k[m++] = fk_p1lex(x, p1);
    k[m++] = fk_wm1(prev);
    k[m++] = fk_wm2(prev2);
    k[m++] = fk_wp1(next);
    k[m++] = fk_wp2(next2);
    k[m++] = fk_sufm1(prev);
    k[m++] = fk_sufp1(next);
    k[m++] = fk_lexm1(prev);
    k[m++] = fk_lexp1(next);
    k[m++] = fk_lexp2(next2);
    k[m++] = fk_lexp1lex(x, next);
    k[m++] = fk_capp1(next);
    k[m++] = fk_capm1(prev);
    k[m++] = fk_wwp1(x, next);
    k[m++] = fk_p1wp1(next, p1);
    k[m++] = fk_wm1w(x, prev);
    return m;
}

/*
 * ---- grouped scoring ----
 *
 * The same features as kh_tag_features, grouped by what they depend on, so
 * that most of a token's score is looked up once per distinct word instead
 * of once per token:
 *   - the word's own features (form, affixes, shape, lexicon classes);
 *   - the word's features as the neighbour at -2, -1, +1, +2 of another
 *     token (its form, suffix, lexicon classes or shape at that offset);
 *   - pairs of the word and a neighbour (per token, probed);
 *   - the previous tags alone (a table built at load time) and with the
 *     word (probed while decoding).
 * Scores are integer sums, so the grouping gives exactly kh_tag_features'
 * results.
 */
enum { V_LOCAL, V_M1, V_M2, V_P1, V_P2, V_COUNT };


/* The features a token y (NULL: none, past an edge) gives the token at
 * offset `v` from it: V_M1 when y is that token's previous one, etc. */
static size_t keys_neighbour(const kh_tagtok *y, int v, uint64_t *k)
{
    size_t m = 0;
    switch (v) {
    case V_M1:
        k[m++] = fk_wm1(y);
        k[m++] = fk_sufm1(y);
        k[m++] = fk_lexm1(y);
        k[m++] = fk_capm1(y);
        break;
    case V_M2:
        k[m++] = fk_wm2(y);
        break;
    case V_P1:
        k[m++] = fk_wp1(y);
        k[m++] = fk_sufp1(y);
        k[m++] = fk_lexp1(y);
        k[m++] = fk_capp1(y);
        break;
    case V_P2:
        k[m++] = fk_wp2(y);
        k[m++] = fk_lexp2(y);
        break;
    default:
        break;
    }
    return m;
}

static const int EDGE_OF[KH_EDGE_COUNT] = {V_M1, V_M2, V_P1, V_P2};

void kh_tag_model_derive(kh_model_view *m)
{
    uint64_t k[8];
    for (uint32_t p1 = 0; p1 < KH_TAG_N_P1; p1++)
        for (uint32_t p2 = 0; p2 < KH_TAG_N_P2; p2++) {
            k[0] = fk_bias();
            k[1] = fk_p1(p1);
            k[2] = fk_p2(p2);
            k[3] = fk_p12(p1, p2);
            kh_model_score(m, k, 4, m->tags[p1 * KH_TAG_N_P2 + p2]);
        }
    for (int e = 0; e < KH_EDGE_COUNT; e++)
        kh_model_score(m, k, keys_neighbour(NULL, EDGE_OF[e], k), m->edge[e]);
}

static inline void vadd(int32_t *restrict a, const int32_t *restrict b)
{
    for (size_t c = 0; c < KH_TAG_VEC; c++)
        a[c] += b[c];
}

static inline void vsum(int32_t *restrict out, const int32_t *restrict a,
                        const int32_t *restrict b)
{
    for (size_t c = 0; c < KH_TAG_VEC; c++)
        out[c] = a[c] + b[c];
}

/* The allowed class of highest score, the lowest on ties; -1 when none is
 * allowed. */
static inline int argmax(const int32_t *scores, uint32_t allowed)
{
    int best = -1;
    int32_t top = 0;
    if (allowed == KH_POS_ALL) {
        best = 0;
        top = scores[0];
        for (int cl = 1; cl < KH_UPOS_COUNT; cl++)
            if (scores[cl] > top) {
                top = scores[cl];
                best = cl;
            }
        return best;
    }
    for (int cl = 0; cl < KH_UPOS_COUNT; cl++)
        if ((allowed & KH_POS_BIT(cl)) && (best < 0 || scores[cl] > top)) {
            top = scores[cl];
            best = cl;
        }
    return best;
}

/*
 * The per-thread word cache: for each recent distinct (lower-cased form,
 * shape), its affix hashes, lexicon record and V_COUNT score vectors.
 * Direct-mapped, KH_TAG_CACHE_WORDS entries; a collision replaces the old
 * entry, so the cache never grows and never changes a result.
 */
#define KH_TAG_CACHE_WORDS 16384u /* entries, in sets of two (7.5 MB a thread) */
#define KH_TAG_CACHE_LEN 21u      /* longer forms are not cached */

/* About 450 bytes; what tc_find compares comes first, next to the vectors. */
typedef struct tc_entry {
    uint64_t wh;
    uint16_t shape;
    uint8_t len;  /* 0: empty */
    char w[KH_TAG_CACHE_LEN]; /* the form, lower-cased */
    kh_lex_form form;
    int32_t v[V_COUNT][KH_TAG_VEC];
} tc_entry;

struct kh_tag_cache {
    const kh_allocator *alloc;
    const void *owner;      /* the model view the vectors came from */
    uint64_t owner_stamp;   /* and its lexicon's checksum */
    tc_entry *e;
};

kh_status kh_tag_cache_new(const kh_allocator *alloc, kh_tag_cache **out)
{
    *out = NULL;
    kh_tag_cache *c = (kh_tag_cache *)kh_calloc(alloc, 1, sizeof *c);
    if (!c)
        return KH_ERR_NOMEM;
    c->e = (tc_entry *)kh_calloc(alloc, KH_TAG_CACHE_WORDS, sizeof *c->e);
    if (!c->e) {
        kh_free(alloc, c);
        return KH_ERR_NOMEM;
    }
    c->alloc = alloc;
    *out = c;
    return KH_OK;
}

void kh_tag_cache_free(kh_tag_cache *c)
{
    if (!c)
        return;
    kh_free(c->alloc, c->e);
    kh_free(c->alloc, c);
}

/* Empties the cache when it holds vectors of another model. */
static void tc_own(kh_tag_cache *c, const kh_lexicon *lex, const kh_model_view *m)
{
    if (c->owner == m && c->owner_stamp == lex->img.checksum)
        return;
    for (size_t i = 0; i < KH_TAG_CACHE_WORDS; i++)
        c->e[i].len = 0;
    c->owner = m;
    c->owner_stamp = lex->img.checksum;
}

/* The first entry of the two-entry set where (wh, shape) may be. */
static tc_entry *tc_set(kh_tag_cache *c, uint64_t wh, unsigned shape)
{
    uint64_t h = (wh ^ shape) * 0x9E3779B97F4A7C15ULL;
    return &c->e[(size_t)(h >> 40) & (KH_TAG_CACHE_WORDS - 2)];
}

static int tc_match(const tc_entry *e, const kh_tagtok *x, unsigned shape)
{
    if (e->len != x->len || e->shape != shape || e->wh != x->wh)
        return 0;
    for (size_t k = 0; k < x->len; k++)
        if (e->w[k] != (char)kh_to_lower((unsigned char)x->s[k]))
            return 0;
    return 1;
}

/* Asks for the lines tc_find will read for x (the head of each entry of
 * its set), and for the vectors of an entry found. Hints only. */
static inline void tc_prefetch(kh_tag_cache *c, const kh_tagtok *x)
{
#if defined(__GNUC__)
    const tc_entry *e = tc_set(c, x->wh, x->shape);
    __builtin_prefetch(&e[0]);
    __builtin_prefetch(&e[1]);
#else
    KH_UNUSED(c);
    KH_UNUSED(x);
#endif
}

static inline void tc_prefetch_vectors(const tc_entry *e)
{
#if defined(__GNUC__)
    const char *v = (const char *)e->v;
    for (size_t off = 0; off < sizeof e->v; off += 64)
        __builtin_prefetch(v + off);
#else
    KH_UNUSED(e);
#endif
}

static const tc_entry *tc_find(kh_tag_cache *c, const kh_tagtok *x)
{
    tc_entry *e = tc_set(c, x->wh, x->shape);
    if (tc_match(&e[0], x, x->shape))
        return &e[0];
    if (tc_match(&e[1], x, x->shape))
        return &e[1];
    return NULL;
}

/* Fills e's vectors from the weights for token x (as a non-first token). */
static void tc_fill(tc_entry *e, const kh_model_view *m, const kh_tagtok *x)
{
    uint64_t k[KH_TAG_MAX_FEATURES];
    kh_tagtok y = *x;
    y.first = 0;
    affixes(&y); /* x may have come from the cache under another shape */
    memset(e->v, 0, sizeof e->v);
    kh_model_score(m, k, keys_local(&y, k), e->v[V_LOCAL]);
    for (int v = V_M1; v <= V_P2; v++)
        kh_model_score(m, k, keys_neighbour(&y, v, k), e->v[v]);
}

/* What the word's own features change when it opens a sentence: the two
 * templates that read `first`, with it set minus without it. */
static void add_first(const kh_model_view *m, const kh_tagtok *x, int32_t *scores)
{
    uint64_t k[2];
    int32_t minus[KH_TAG_VEC] = {0};
    kh_tagtok y = *x;
    y.first = 0;
    k[0] = fk_shape_first(&y);
    k[1] = fk_cap_first_lex(&y);
    kh_model_score(m, k, 2, minus);
    y.first = 1;
    k[0] = fk_shape_first(&y);
    k[1] = fk_cap_first_lex(&y);
    kh_model_score(m, k, 2, scores);
    for (size_t c = 0; c < KH_TAG_VEC; c++)
        scores[c] -= minus[c];
}

/* kh_tag_prepare through the cache: known words skip the affix hashes and
 * the lexicon lookup. hit[i] is token i's entry (NULL: none) when it was
 * found: a hint for decoding, which checks it again. */
static void prepare_cached(kh_tag_cache *c, const kh_lexicon *lex, const kh_token *toks,
                           size_t n, kh_unit_kind kind, kh_tagtok *t, const tc_entry **hit)
{
    size_t upper_words = 0, words = 0, letters;
    /* Scanning every token first lets the cache lines of their entries be
     * asked for at once (the cache is megabytes: most lookups miss the
     * processor's caches). */
    for (size_t i = 0; i < n; i++) {
        kh_tagtok *x = &t[i];
        scan_token(&toks[i], i, x, &letters);
        if (letters > 1) {
            words++;
            upper_words += x->capcls == 2;
        }
        tc_prefetch(c, x);
    }
    for (size_t i = 0; i < n; i++) {
        kh_tagtok *x = &t[i];
        const tc_entry *e = x->len ? tc_find(c, x) : NULL;
        hit[i] = e;
        if (e) {
            tc_prefetch_vectors(e);
            x->form = e->form;
            if (e->form.n) {
                x->pos = e->form.pos;
                x->lflags = e->form.flags;
                x->best = (uint8_t)e->form.best;
            } else {
                x->best = KH_UPOS_X;
            }
        } else {
            lex_token(lex, x);
        }
    }
    if (kind == KH_UNIT_HEADLINE)
        fold_headline(t, n, words, upper_words);
}

/* The word's entry (`hit` when it still holds the word, else found, or
 * filled in the cache, or in *tmp when the word cannot be cached). A fill
 * for an earlier token of the sentence may have replaced or moved the entry
 * `hit` points to, and headline folding may have changed the shape: so the
 * hit is checked in full, like any cache entry. */
static const tc_entry *entry_of(kh_tag_cache *c, const kh_model_view *m, const kh_tagtok *x,
                                const tc_entry *hit, tc_entry *tmp)
{
    if (hit && tc_match(hit, x, x->shape))
        return hit;
    tc_entry *e = tmp;
    if (c && x->len && x->len <= KH_TAG_CACHE_LEN) {
        const tc_entry *found = tc_find(c, x);
        if (found)
            return found;
        /* The newer entry of the set moves to the second place. */
        e = tc_set(c, x->wh, x->shape);
        if (e[0].len)
            e[1] = e[0];
    }
    tc_fill(e, m, x);
    if (e != tmp) {
        e->wh = x->wh;
        e->form = x->form;
        e->shape = x->shape;
        e->len = (uint8_t)x->len;
        for (size_t k = 0; k < x->len; k++)
            e->w[k] = (char)kh_to_lower((unsigned char)x->s[k]);
    }
    return e;
}

/* The classes the model may choose for x: khaldun's closed lists are
 * authoritative for function words, except for the split UD makes by
 * syntax, which a word list cannot: "be" that is neither a helper nor a
 * copula ("there are no talks") is VERB. (Letting a preposition be SCONJ
 * when it heads a clause, UD's other such split, tags EWT better but codes
 * one ConfliBERT sentence fewer.) */
static inline uint32_t closed_allowed(const kh_tagtok *x)
{
    if (!(x->lflags & KH_LEX_CLOSED))
        return KH_POS_ALL;
    uint32_t a = x->pos;
    if (a & KH_POS_BIT(KH_UPOS_AUX))
        a |= KH_POS_BIT(KH_UPOS_VERB);
    return a;
}

/* Tags t[0..n) with the model: the tag-independent part of every token's
 * score first (base), then greedy decoding left to right. */
static kh_status decode(kh_tag_cache *c, const kh_model_view *m, kh_arena *arena,
                        const kh_tagtok *t, size_t n, const tc_entry *const *hit, uint8_t *upos)
{
    int32_t(*base)[KH_TAG_VEC] = (int32_t(*)[KH_TAG_VEC])kh_arena_calloc(arena, n, sizeof *base);
    if (!base)
        return KH_ERR_NOMEM;
    uint64_t k[KH_TAG_MAX_FEATURES];
    tc_entry tmp;
    for (size_t i = 0; i < n; i++) {
        const tc_entry *e = entry_of(c, m, &t[i], hit ? hit[i] : NULL, &tmp);
        vadd(base[i], e->v[V_LOCAL]);
        if (i + 1 < n)
            vadd(base[i + 1], e->v[V_M1]);
        if (i + 2 < n)
            vadd(base[i + 2], e->v[V_M2]);
        if (i >= 1)
            vadd(base[i - 1], e->v[V_P1]);
        if (i >= 2)
            vadd(base[i - 2], e->v[V_P2]);
    }
    /* The word-pair features do not depend on the tags chosen: their keys
     * for the whole sentence first, each slot asked for at once, so that the
     * cache misses overlap instead of queueing behind each decision. */
    uint64_t *pair = (uint64_t *)kh_arena_alloc(arena, n * 3 * sizeof *pair);
    if (!pair)
        return KH_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const kh_tagtok *prev = i >= 1 ? &t[i - 1] : NULL;
        const kh_tagtok *next = i + 1 < n ? &t[i + 1] : NULL;
        pair[3 * i] = fk_lexp1lex(&t[i], next);
        pair[3 * i + 1] = fk_wwp1(&t[i], next);
        pair[3 * i + 2] = fk_wm1w(&t[i], prev);
        for (size_t j = 3 * i; j < 3 * i + 3; j++)
            kh_model_prefetch(m, pair[j]);
    }
    for (size_t i = 0; i < n; i++)
        kh_model_score(m, pair + 3 * i, 3, base[i]);
    add_first(m, &t[0], base[0]);
    vadd(base[0], m->edge[KH_EDGE_M1]);
    vadd(base[0], m->edge[KH_EDGE_M2]);
    vadd(base[n - 1], m->edge[KH_EDGE_P1]);
    vadd(base[n - 1], m->edge[KH_EDGE_P2]);
    if (n > 1) {
        vadd(base[1], m->edge[KH_EDGE_M2]);
        vadd(base[n - 2], m->edge[KH_EDGE_P2]);
    }
    /* The previous-tag features are probed while decoding, one token after
     * the other; their slots are asked for beforehand under a guess of the
     * previous tag (its best class on the tag-independent score alone),
     * which is usually the tag chosen. A wrong guess costs only the hint. */
    for (size_t i = 0; i < n; i++) {
        const kh_tagtok *next = i + 1 < n ? &t[i + 1] : NULL;
        uint64_t p1 = TAG_START;
        if (i >= 1) {
            int g = argmax(base[i - 1], closed_allowed(&t[i - 1]));
            p1 = g < 0 ? 0 : (uint64_t)g;
        }
        kh_model_prefetch(m, fk_p1w(&t[i], p1));
        kh_model_prefetch(m, fk_p1lex(&t[i], p1));
        kh_model_prefetch(m, fk_p1wp1(next, p1));
    }
    for (size_t i = 0; i < n; i++) {
        const kh_tagtok *x = &t[i];
        const kh_tagtok *next = i + 1 < n ? &t[i + 1] : NULL;
        uint64_t p1 = i >= 1 ? upos[i - 1] : TAG_START;
        uint64_t p2 = i >= 2 ? upos[i - 2] : i == 1 ? TAG_START : TAG_START2;
        int32_t scores[KH_TAG_VEC];
        vsum(scores, base[i], m->tags[p1 * KH_TAG_N_P2 + p2]);
        k[0] = fk_p1w(x, p1);
        k[1] = fk_p1lex(x, p1);
        k[2] = fk_p1wp1(next, p1);
        kh_model_score(m, k, 3, scores);
        uint32_t allowed = closed_allowed(x);
        upos[i] = (uint8_t)argmax(scores, allowed);
    }
    return KH_OK;
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
    /* Bytes that were not text (NUL, invalid UTF-8, replaced by U+FFFD) are
     * symbols, never part of a phrase. */
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k + 3 <= t[i].len && !memcmp(t[i].s + k, "\xEF\xBF\xBD", 3))
            k += 3;
        if (k && k == t[i].len)
            upos[i] = KH_UPOS_SYM;
    }
    /* A word with letters is never punctuation ("rubber-stamp"). */
    for (size_t i = 0; i < n; i++)
        if (upos[i] == KH_UPOS_PUNCT && !t[i].punct)
            upos[i] = (uint8_t)(i + 1 < n && (upos[i + 1] == KH_UPOS_NOUN || upos[i + 1] == KH_UPOS_PROPN)
                                    ? KH_UPOS_ADJ
                                    : KH_UPOS_NOUN);
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

kh_status kh_tag_sentence(kh_tag_cache *cache, const kh_lexicon *lex, kh_arena *arena,
                          const char *text, const kh_token *toks, size_t n, kh_unit_kind kind,
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
    const kh_model_view *m = lex && !(flags & KH_TAG_RULES_ONLY) ? (const kh_model_view *)lex->model_view
                                                           : NULL;
    const tc_entry **hit = NULL;
    if (m && cache) {
        if (!(hit = (const tc_entry **)kh_arena_alloc(arena, n * sizeof *hit)))
            return KH_ERR_NOMEM;
        tc_own(cache, lex, m);
        prepare_cached(cache, lex, toks, n, kind, t, hit);
    } else {
        kh_tag_prepare(lex, toks, n, kind, t);
    }
    if (m) {
        kh_status st = decode(cache, m, arena, t, n, hit, upos);
        if (st)
            return st;
    } else {
        kh_tag_rules(t, n, kind, upos);
    }
    news_rules(t, n, upos);
    kh_tag_lemmas(lex, t, n, upos, lemma, buf);
    return KH_OK;
}
