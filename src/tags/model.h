/*
 * model.h: the tagger's internals shared by tagging (tagger.c), the model
 * reader (model.c) and training at set-up time (train.c): per-token feature
 * inputs, the feature templates, and the averaged-perceptron weights stored
 * in the lexicon image (section TGMD).
 *
 * Model section layout (little-endian, 8-byte aligned): 0.75 MB for the
 * shipped weights (the 16-byte slots before it took 2.4 MB), so
 * that the probes of tagging stay in the cache:
 *   0  magic "PCP2"  u32       4  n_classes (KH_UPOS_COUNT) u32
 *   8  n_slots (power of two)  12 max_probe   16 n_over   20 feature set version
 *   24 reserved (8 bytes)
 *   32 slots: n_slots x {u32 check, u32 payload}, a feature key k at slot
 *      (k mod n_slots) or after it (linear probing), check = k >> 32;
 *      payload 0 = empty slot, else either
 *        bit 31 clear (inline): bits 26-30 class a, 21-25 class b, 0-15 an
 *          int16 w: the weights are +w on a and -w on b;
 *        bit 31 set (KH_MODEL_OVER): bits 26-30 count, 0-25 first: the
 *          feature's weights are over[first .. first + count), u32 each =
 *          class << 27 | (weight & 0x7ffffff), a 27-bit two's complement
 *          number; count KH_MODEL_DENSE: over[first ..) is a dense row of
 *          KH_TAG_VEC int16 (KH_MODEL_ROW_WORDS words), the weight of every
 *          class, for features with KH_MODEL_DENSE_MIN weights or more
 *   .. over: n_over u32 words
 * Every weight is the averaged weight x KH_MODEL_SCALE, an integer, so this
 * layout holds the trained weights exactly. ("PCP1", 16-byte slots with the
 * whole key and every weight out of line, is refused: rebuild the lexicon.)
 */
#ifndef KH_TAGS_MODEL_H
#define KH_TAGS_MODEL_H

#include "core/core.h"
#include "lexicon/lexicon.h"

#define KH_MODEL_MAGIC KH_SEC('P', 'C', 'P', '2')
#define KH_MODEL_MAGIC_V1 KH_SEC('P', 'C', 'P', '1')
#define KH_MODEL_OVER 0x80000000u
#define KH_MODEL_DENSE 31u
#define KH_MODEL_DENSE_MIN 5u
#define KH_MODEL_ROW_WORDS (KH_TAG_VEC / 2u)
#define KH_MODEL_HEADER 32u
#define KH_MODEL_FEATURE_VERSION 3u
#define KH_MODEL_SCALE 1024.0
#define KH_TAG_MAX_FEATURES 48u

/* Per-token inputs of the feature templates, computed once per sentence. */
typedef struct kh_tagtok {
    const char *s;       /* the normalised form */
    size_t len;
    uint64_t wh;         /* hash of the lower-cased form */
    uint64_t suf[4];     /* hashes of the last 1..4 bytes (0 when too short) */
    uint64_t pre[3];     /* hashes of the first 1..3 bytes */
    uint32_t pos;        /* lexicon POS set (0: unknown word) */
    uint32_t lflags;     /* lexicon flags */
    uint16_t shape;      /* shape class bits (see tagger.c) */
    uint8_t capcls;      /* 0 lower, 1 Title, 2 UPPER, 3 mIxed (after headline folding) */
    uint8_t best;        /* lexicon's most frequent POS */
    uint8_t first;       /* first token of the sentence */
    uint8_t punct;       /* no letters or digits */
    uint8_t digit;       /* 1 all digits and separators, 2 some digits */
    kh_lex_form form;    /* the lexicon's form record (n == 0: unknown word), kept
                          * so that lemmas need no second lookup */
} kh_tagtok;

/* Fills t[0..n) from the tokens. Never fails. */
void kh_tag_prepare(const kh_lexicon *lex, const kh_token *toks, size_t n, kh_unit_kind kind,
                    kh_tagtok *t);

/* The feature keys of token i given the tags already chosen for tokens < i.
 * Returns how many were written (at most KH_TAG_MAX_FEATURES). */
size_t kh_tag_features(const kh_tagtok *t, size_t n, size_t i, const uint8_t *tags,
                       uint64_t *keys);

/*
 * A score vector: one int32 per class, padded to a multiple of 4 so that
 * adding two of them compiles to a few vector instructions. Scores are
 * integer sums of weights, so the order of additions never changes a result.
 */
#define KH_TAG_VEC 20u
#define KH_TAG_N_P1 (KH_UPOS_COUNT + 1u) /* previous tag: a class or START */
#define KH_TAG_N_P2 (KH_UPOS_COUNT + 2u) /* tag before it: a class, START or START2 */

/* Sentence-edge contributions precomputed at load (kh_model_view.edge). */
enum { KH_EDGE_M1, KH_EDGE_M2, KH_EDGE_P1, KH_EDGE_P2, KH_EDGE_COUNT };

/*
 * A verified view of the weights in an image, plus what the tagger derives
 * from them once at load time so that tagging probes less: the score vector
 * of every (previous tag, tag before it) pair, bias included, and of the
 * features that stand for a missing neighbour at a sentence's edges.
 * Immutable once kh_model_open returns.
 */
typedef struct kh_model_view {
    const unsigned char *slots;
    uint32_t n_slots;
    uint32_t max_probe;
    const unsigned char *over;
    uint32_t n_over;
    int32_t tags[KH_TAG_N_P1 * KH_TAG_N_P2][KH_TAG_VEC]; /* [p1 * KH_TAG_N_P2 + p2] */
    int32_t edge[KH_EDGE_COUNT][KH_TAG_VEC];
} kh_model_view;

/* Fills m->tags and m->edge from the weights (tagger.c). */
void kh_tag_model_derive(kh_model_view *m);

kh_status kh_model_open(const unsigned char *data, size_t len, const kh_allocator *alloc,
                        void **view, kh_error *err);
void kh_model_close(void *view, const kh_allocator *alloc);

/* Adds the weights of `keys` to scores[KH_TAG_VEC]. */
void kh_model_score(const kh_model_view *m, const uint64_t *keys, size_t nk, int32_t *scores);

/* Asks for the cache line of key's home slot (a hint: no effect on results). */
static inline void kh_model_prefetch(const kh_model_view *m, uint64_t key)
{
#if defined(__GNUC__)
    __builtin_prefetch(m->slots + (size_t)((uint32_t)key & (m->n_slots - 1)) * 8);
#else
    (void)m;
    (void)key;
#endif
}

/*
 * The trained weights in their canonical order, independent of the TGMD
 * hash table: what training produces, what the shipped weights file
 * (data/model/tagger.txt, written and read by weights.c) holds, and what
 * kh_model_pack lays out into the section. Feature i has counts[i] weights,
 * the next ones in w[]; each weight is packed as in the section
 * (class << 27 | 27-bit two's complement value), classes ascending within a
 * feature, none zero. The arrays are malloc'ed and freed by
 * kh_model_weights_free.
 */
#define KH_MODEL_FILE_VERSION 1u
#define KH_MODEL_MAX_FEATURES ((size_t)1 << 24)
#define KH_MODEL_MAX_FILE ((size_t)256 << 20)
typedef struct kh_model_weights {
    uint64_t *keys;
    uint8_t *counts;
    uint32_t *w;
    size_t n_feats, n_w;
    uint64_t train_hash;   /* kh_hash64 of the training file's bytes */
    uint64_t lexicon_hash; /* source hash of the lexicon it was trained against */
    unsigned epochs;
    char train_name[128];  /* the training file's base name (no directories) */
} kh_model_weights;

void kh_model_weights_free(kh_model_weights *m);

/* Appends the TGMD section for `m` to `out`. The layout depends only on
 * the canonical order, so the same weights always give the same bytes. */
kh_status kh_model_pack(const kh_model_weights *m, kh_buf *out);

/* The weights file (text, one feature a line; format in weights.c).
 * kh_model_weights_write writes `path` through the one output opener
 * (kh_output_open's rules: a regular file replaced only when complete),
 * never over one of `inputs` (described as `inputs_role`);
 * kh_model_weights_read fills *m, which the caller frees with
 * kh_model_weights_free (also on error). Errors carry FILE:LINE:COL. */
kh_status kh_model_weights_write(const kh_model_weights *m, const char *path,
                                 const kh_file_id *inputs, size_t n_inputs,
                                 const char *inputs_role, kh_error *err);
kh_status kh_model_weights_read(const char *path, kh_model_weights *m, kh_error *err);

/* Trains the tagger on a CoNLL-U file (FORM and UPOS columns) with `lex` as
 * its lexicon and fills *out (freed by the caller with
 * kh_model_weights_free). epochs 0 = the default. */
kh_status kh_model_train(const kh_lexicon *lex, const char *conllu_path, unsigned epochs,
                         kh_model_weights *out, kh_error *err);

/* Fills lemma[0..n) for the tags upos[0..n) (lemma.c): pointers into the
 * lexicon image or into buf, which holds t[i].len + 2 bytes per token. */
void kh_tag_lemmas(const kh_lexicon *lex, const kh_tagtok *t, size_t n, const uint8_t *upos,
                   const char **lemma, char *buf);

/* The rule-based tagger (no model, or a lexicon built without training):
 * fills upos[0..n) from lexicon candidates and context rules. */
void kh_tag_rules(const kh_tagtok *t, size_t n, kh_unit_kind kind, uint8_t *upos);

/* Mixes a template id and a value into a feature key (never 0). */
static inline uint64_t kh_feat_key(uint32_t tmpl, uint64_t v)
{
    uint64_t x = v ^ ((uint64_t)tmpl * 0x9E3779B97F4A7C15ULL);
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    x ^= x >> 31;
    return x ? x : 1;
}

#endif
