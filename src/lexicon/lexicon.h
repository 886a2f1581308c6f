/*
 * lexicon.h: the lexicon's internal interface, used by the tagger and the
 * later stages (chunks, verb groups, the coder). The lexicon maps a
 * lower-cased word form to its entries: {lemma, parts of speech, flags,
 * frequency}. It is compiled once (lexicon_build.c) from WordNet and
 * khaldun's closed-class lists (data/lexicon/) into one "LEX1" image, and
 * mapped read-only (lexicon.c); every offset in the image is verified at load
 * time, so lookups never leave the image however the file was damaged.
 *
 * The same image may carry the tagger's trained model (section TGMD, see
 * tags/model.h); the lexicon only verifies and hands it over.
 *
 * Ownership: strings returned by lookups point into the image and stay valid
 * until kh_lexicon_free.
 */
#ifndef KH_LEXICON_H
#define KH_LEXICON_H

#include "core/core.h"
#include "image/image.h"

#define KH_LEX_VERSION 2u  /* 2: word classes (section LXWC) */
#define KH_SEC(a, b, c, d)                                                    \
    ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define KH_LEX_SEC_META KH_SEC('L', 'X', 'H', 'D')  /* counts, table geometry */
#define KH_LEX_SEC_STRS KH_SEC('L', 'X', 'S', 'T')  /* NUL-terminated strings */
#define KH_LEX_SEC_SLOT KH_SEC('L', 'X', 'S', 'L')  /* hash slots: {u32 hash, u32 form+1} */
#define KH_LEX_SEC_FORM KH_SEC('L', 'X', 'F', 'M')  /* form records, 16 bytes */
#define KH_LEX_SEC_ENTR KH_SEC('L', 'X', 'E', 'N')  /* entries, 16 bytes */
#define KH_LEX_SEC_MODEL KH_SEC('T', 'G', 'M', 'D') /* the tagger's weights (optional) */
#define KH_LEX_SEC_CLASS KH_SEC('L', 'X', 'W', 'C') /* word classes (classes.c) */

#define KH_LEX_META_SIZE 32u
#define KH_LEX_FORM_SIZE 16u
#define KH_LEX_ENTRY_SIZE 16u
#define KH_LEX_MAX_WORD 64u    /* longer forms are never in the lexicon */
#define KH_LEX_HASH_SEED 0x6b68616c64756eULL

/* A POS set: bit (1u << upos) for each kh_upos. */
#define KH_POS_BIT(u) (1u << (unsigned)(u))
#define KH_POS_ALL ((1u << KH_UPOS_COUNT) - 1u)

/* Entry flags. */
enum {
    KH_LEX_CLOSED = 1u << 0,  /* from khaldun's closed-class lists */
    KH_LEX_REPORT = 1u << 1,  /* reporting verb: said, told, announced */
    KH_LEX_MODAL = 1u << 2,   /* will, would, may, must ... */
    KH_LEX_NEG = 1u << 3,     /* not, n't, never, no */
    KH_LEX_AUX = 1u << 4,     /* be/have/do forms */
    KH_LEX_QUANT = 1u << 5,   /* quantifier: all, some, many, several */
    KH_LEX_NUMWORD = 1u << 6, /* a number in words */
    KH_LEX_WORDNET = 1u << 7, /* from WordNet */
    KH_LEX_IRREG = 1u << 8,   /* irregular form (a WordNet exception list) */
    KH_LEX_INFL = 1u << 9,    /* an inflected form, not the lemma itself */
    KH_LEX_PROPER = 1u << 10, /* a WordNet noun written capitalised in every sense */
    KH_LEX_NEWS = 1u << 11    /* from the news-word corrections list */
};

/* The word classes the chunker reads (data/lexicon/classes/NAME.txt). */
typedef enum kh_word_class {
    KH_WC_REPORTING = 0, /* reporting verbs, by lemma: say, tell, announce */
    KH_WC_MODAL,         /* modal auxiliaries, by form: can, could, may */
    KH_WC_NEGATOR,       /* negators, by form: not, n't, never */
    KH_WC_INTENT,        /* verbs of intention before a to-infinitive, by lemma */
    KH_WC_COUNT
} kh_word_class;

/* One entry of a word form. */
typedef struct kh_lex_entry {
    const char *lemma;  /* NUL-terminated, in the image */
    size_t lemma_len;
    uint32_t pos;       /* POS set (KH_POS_BIT) */
    uint32_t flags;     /* KH_LEX_* */
    uint32_t freq;      /* WordNet tag count of the lemma for these POS (0 = unknown) */
} kh_lex_entry;

/* A form's summary, for the tagger's hot path. */
typedef struct kh_lex_form {
    uint32_t pos;       /* union of its entries' POS sets */
    uint32_t flags;     /* union of its entries' flags */
    uint32_t first;     /* first entry index */
    uint32_t n;         /* number of entries */
    kh_upos best;       /* the most frequent POS (by WordNet counts), else the first */
} kh_lex_form;

/* The tagger's model as found in the image (see tags/model.h). */
typedef struct kh_lex_model {
    const unsigned char *data;
    size_t len;
} kh_lex_model;

struct kh_lexicon {
    const kh_allocator *alloc;
    kh_image img;
    const unsigned char *strs;
    size_t strs_len;
    const unsigned char *slots;
    uint32_t n_slots;        /* a power of two */
    uint32_t max_probe;      /* longest probe sequence any form needs */
    const unsigned char *forms;
    uint32_t n_forms;
    const unsigned char *entries;
    uint32_t n_entries;
    uint32_t n_lemmas;
    kh_lex_model model;      /* len 0 when the image has no trained model */
    void *model_view;        /* tags' verified view of the model (owned) */
    const char *classes[KH_WC_COUNT]; /* each class's first word in LXWC; NULL: empty */
    uint64_t class_first[KH_WC_COUNT][4]; /* each class's first bytes, a 256-bit set: a word
                                           * whose first byte is not in it is not looked for */
};

/* Options of the internal builder (the public kh_lexicon_build uses none). */
typedef struct kh_lex_build_options {
    const char *wordnet_dir;  /* required */
    const char *closed_dir;   /* khaldun's lists: every *.txt in it; NULL for none */
    const char *train_path;   /* CoNLL-U file to train the tagger on; NULL for none */
    unsigned train_epochs;    /* 0 = default */
    const char *save_model;   /* with train_path: also write the weights file here */
    const char *model_path;   /* the tagger's weights file to add (instead of training) */
    unsigned flags;           /* KH_LEXICON_* of khaldun.h */
} kh_lex_build_options;

kh_status kh_lexicon_build_ex(const kh_lex_build_options *opt, const char *out_path,
                              kh_error *err);
/* lexicon_write.c: the build's last step. Writes the image of `secs` (the
 * six lexicon sections) to out_path with the tagger's weights that `opt`
 * asks for (read, or trained and saved to opt->save_model), never over one
 * of `inputs` (the files the build read). */
kh_status kh_lex_write_image(const kh_lex_build_options *opt, uint64_t source_hash,
                             const kh_file_id *inputs, size_t n_inputs,
                             const kh_image_section_in secs[6], const char *out_path,
                             kh_error *err);

/* Verifies an image held in memory (not copied; `data` must outlive the
 * lexicon). For the fuzzer and tests. */
kh_status kh_lexicon_from_memory(const void *data, size_t size, const kh_allocator *alloc,
                                 kh_lexicon **out, kh_error *err);

/* The image's checksum and source hash (for `khaldun lex info` and for
 * stamping outputs). */
void kh_lexicon_hashes(const kh_lexicon *lex, uint64_t *checksum, uint64_t *source_hash);
/* 1 when the image carries a trained tagger model. */
int kh_lexicon_has_model(const kh_lexicon *lex);

/* 1 when `word` (NUL-terminated, compared as written: the classes are
 * lower-case) is in class `wc`; 0 otherwise, and for a NULL lexicon. */
int kh_lex_in_class(const kh_lexicon *lex, kh_word_class wc, const char *word);

/* classes.c: compiles every DIR/NAME.txt (name order; none when DIR does not
 * exist) into the LXWC section `out`, mixing the sources into *hash; and
 * points lex->classes into a loaded section (KH_ERR_CORRUPT when its shape
 * is wrong or it is missing). The kh_file_id of every file read is appended
 * to `inputs`. */
kh_status kh_lex_classes_build(const char *dir, kh_buf *out, uint64_t *hash, kh_buf *inputs,
                               kh_error *err);
kh_status kh_lex_classes_open(kh_lexicon *lex, const unsigned char *sec, size_t len);

/* inflect.c: regular inflection of the word w[0..n) (lower-case ASCII, n >=
 * 1, at most KH_LEX_MAX_WORD bytes). kh_lex_inflect_s: -s/-es/-ies;
 * kh_lex_inflect_v: suf, a suffix beginning with a vowel ("ed", "ing",
 * "er", "est"). Each writes up to 2 forms (NUL-terminated) into out and
 * their lengths into len, and returns how many. */
int kh_lex_inflect_s(const char *w, size_t n, char out[2][KH_LEX_MAX_WORD + 8], size_t len[2]);
int kh_lex_inflect_v(const char *w, size_t n, const char *suf,
                     char out[2][KH_LEX_MAX_WORD + 8], size_t len[2]);
/* Vowel groups in w[0..n): a rough syllable count. */
int kh_lex_syllables(const char *w, size_t n);
/* 1 when w[0..n) ends with the NUL-terminated suf. */
int kh_lex_ends_with(const char *w, size_t n, const char *suf);

/* Finds a form case-insensitively (ASCII). Returns 1 and fills *out when
 * found, else 0. */
int kh_lex_find(const kh_lexicon *lex, const char *word, size_t len, kh_lex_form *out);

/* Entry i of a form found by kh_lex_find (i < form->n). */
void kh_lex_entry_get(const kh_lexicon *lex, const kh_lex_form *form, uint32_t i,
                      kh_lex_entry *out);

/* Looks a word form up: writes at most `max` entries to out and returns the
 * number the form has (0 when unknown). *pos_union gets their POS set when
 * non-NULL. */
size_t kh_lex_lookup(const kh_lexicon *lex, const char *word, size_t len,
                     kh_lex_entry *out, size_t max, uint32_t *pos_union);

/* The lemma of `word` as a `upos` (the most frequent such entry), or NULL
 * when the lexicon has no entry of that part of speech. AUX falls back to
 * VERB entries. *lemma_len gets its length when non-NULL. */
const char *kh_lex_lemma(const kh_lexicon *lex, const char *word, size_t len, kh_upos upos,
                         size_t *lemma_len);

/* The same for a form already found by kh_lex_find (no second lookup). */
const char *kh_lex_form_lemma(const kh_lexicon *lex, const kh_lex_form *form, kh_upos upos,
                              size_t *lemma_len);

#endif
