/*
 * lexicon.c: loading and looking up the compiled lexicon (the "LEX1" image
 * written by lexicon_build.c). Loading verifies the container (image.c) and
 * then every count, offset and index in the lexicon's own sections before the
 * first lookup, so a damaged or hostile file is refused with KH_ERR_CORRUPT
 * instead of being trusted. Lookups are read-only and reentrant: one loaded
 * lexicon serves every thread of the tagger and the later stages.
 */
#include <stdio.h>

#include "lexicon/lexicon.h"
#include "tags/model.h"

static kh_status corrupt(kh_error *err, const char *what)
{
    return kh_error_set(err, KH_ERR_CORRUPT, 0, 0, "lexicon image: %s", what);
}

/* Checks the lexicon's sections once the container is verified. */
static kh_status lex_verify(kh_lexicon *lex, kh_error *err)
{
    size_t len;
    const unsigned char *meta = kh_image_section(&lex->img, KH_LEX_SEC_META, &len);
    if (!meta || len < KH_LEX_META_SIZE)
        return corrupt(err, "missing header section");
    uint32_t n_forms = kh_rd32(meta), n_entries = kh_rd32(meta + 4);
    uint32_t n_slots = kh_rd32(meta + 8), max_probe = kh_rd32(meta + 12);
    uint32_t n_lemmas = kh_rd32(meta + 16);

    lex->strs = kh_image_section(&lex->img, KH_LEX_SEC_STRS, &lex->strs_len);
    if (!lex->strs || lex->strs_len == 0 || lex->strs[lex->strs_len - 1] != '\0' ||
        lex->strs_len > UINT32_MAX)
        return corrupt(err, "bad string pool");

    lex->slots = kh_image_section(&lex->img, KH_LEX_SEC_SLOT, &len);
    if (!lex->slots || n_slots == 0 || (n_slots & (n_slots - 1)) != 0 ||
        len != (size_t)n_slots * 8 || max_probe == 0 || max_probe > n_slots)
        return corrupt(err, "bad hash table");
    lex->forms = kh_image_section(&lex->img, KH_LEX_SEC_FORM, &len);
    if (!lex->forms || len != (size_t)n_forms * KH_LEX_FORM_SIZE || n_forms >= n_slots)
        return corrupt(err, "bad form table");
    lex->entries = kh_image_section(&lex->img, KH_LEX_SEC_ENTR, &len);
    if (!lex->entries || len != (size_t)n_entries * KH_LEX_ENTRY_SIZE)
        return corrupt(err, "bad entry table");

    for (uint32_t i = 0; i < n_slots; i++) {
        uint32_t f = kh_rd32(lex->slots + (size_t)i * 8 + 4);
        if (f > n_forms)
            return corrupt(err, "hash slot out of range");
    }
    for (uint32_t i = 0; i < n_forms; i++) {
        const unsigned char *f = lex->forms + (size_t)i * KH_LEX_FORM_SIZE;
        uint32_t off = kh_rd32(f), first = kh_rd32(f + 4), pos = kh_rd32(f + 8);
        uint32_t n = f[14], best = f[15];
        if (off >= lex->strs_len || first > n_entries || n > n_entries - first || n == 0 ||
            (pos & ~KH_POS_ALL) || best >= KH_UPOS_COUNT)
            return corrupt(err, "form record out of range");
    }
    for (uint32_t i = 0; i < n_entries; i++) {
        const unsigned char *e = lex->entries + (size_t)i * KH_LEX_ENTRY_SIZE;
        if (kh_rd32(e) >= lex->strs_len || (kh_rd32(e + 4) & ~KH_POS_ALL))
            return corrupt(err, "entry out of range");
    }
    lex->n_slots = n_slots;
    lex->max_probe = max_probe;
    lex->n_forms = n_forms;
    lex->n_entries = n_entries;
    lex->n_lemmas = n_lemmas;

    const unsigned char *cls = kh_image_section(&lex->img, KH_LEX_SEC_CLASS, &len);
    if (kh_lex_classes_open(lex, cls, len))
        return corrupt(err, "bad or missing word classes");

    const unsigned char *model = kh_image_section(&lex->img, KH_LEX_SEC_MODEL, &len);
    if (model && len) {
        lex->model.data = model;
        lex->model.len = len;
        kh_status st = kh_model_open(model, len, lex->alloc, &lex->model_view, err);
        if (st)
            return st;
    }
    return KH_OK;
}

static kh_status lex_finish(kh_lexicon *lex, kh_status st, kh_lexicon **out)
{
    if (st) {
        kh_lexicon_free(lex);
        return st;
    }
    *out = lex;
    return KH_OK;
}

kh_status kh_lexicon_load(const char *path, const kh_allocator *alloc, kh_lexicon **out,
                          kh_error *err)
{
    if (!out)
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "no output handle");
    *out = NULL;
    if (!path)
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "no lexicon path");
    kh_lexicon *lex = (kh_lexicon *)kh_calloc(alloc, 1, sizeof *lex);
    if (!lex)
        return kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    lex->alloc = alloc;
    kh_status st = kh_image_open(path, kh_fourcc("LEX1"), KH_LEX_VERSION, alloc, &lex->img, err);
    if (!st)
        st = lex_verify(lex, err);
    return lex_finish(lex, st, out);
}

kh_status kh_lexicon_from_memory(const void *data, size_t size, const kh_allocator *alloc,
                                 kh_lexicon **out, kh_error *err)
{
    if (!out)
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "no output handle");
    *out = NULL;
    kh_lexicon *lex = (kh_lexicon *)kh_calloc(alloc, 1, sizeof *lex);
    if (!lex)
        return kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    lex->alloc = alloc;
    kh_status st = kh_image_from_memory(data, size, kh_fourcc("LEX1"), KH_LEX_VERSION,
                                        &lex->img, err);
    if (!st)
        st = lex_verify(lex, err);
    return lex_finish(lex, st, out);
}

void kh_lexicon_free(kh_lexicon *lex)
{
    if (!lex)
        return;
    kh_model_close(lex->model_view, lex->alloc);
    kh_image_close(&lex->img);
    kh_free(lex->alloc, lex);
}

void kh_lexicon_counts(const kh_lexicon *lex, size_t *forms, size_t *lemmas)
{
    if (forms)
        *forms = lex ? lex->n_forms : 0;
    if (lemmas)
        *lemmas = lex ? lex->n_lemmas : 0;
}

void kh_lexicon_hashes(const kh_lexicon *lex, uint64_t *checksum, uint64_t *source_hash)
{
    if (checksum)
        *checksum = lex ? lex->img.checksum : 0;
    if (source_hash)
        *source_hash = lex ? lex->img.source_hash : 0;
}

int kh_lexicon_has_model(const kh_lexicon *lex) { return lex && lex->model_view != NULL; }

int kh_lex_find(const kh_lexicon *lex, const char *word, size_t len, kh_lex_form *out)
{
    if (!lex || !word || len == 0 || len > KH_LEX_MAX_WORD)
        return 0;
    uint64_t h = kh_hash64_lower(word, len, KH_LEX_HASH_SEED);
    uint32_t tag = (uint32_t)(h >> 32);
    uint32_t mask = lex->n_slots - 1;
    uint32_t i = (uint32_t)h & mask;
    for (uint32_t probe = 0; probe < lex->max_probe; probe++, i = (i + 1) & mask) {
        const unsigned char *s = lex->slots + (size_t)i * 8;
        uint32_t f = kh_rd32(s + 4);
        if (f == 0)
            return 0;
        if (kh_rd32(s) != tag)
            continue;
        const unsigned char *fr = lex->forms + (size_t)(f - 1) * KH_LEX_FORM_SIZE;
        size_t off = kh_rd32(fr);
        /* The pool ends with a NUL, so off + len < strs_len bounds the compare. */
        if (len >= lex->strs_len - off || lex->strs[off + len] != '\0' ||
            !kh_eq_nocase((const char *)lex->strs + off, len, word, len))
            continue;
        out->first = kh_rd32(fr + 4);
        out->pos = kh_rd32(fr + 8);
        out->flags = (uint32_t)fr[12] | (uint32_t)fr[13] << 8;
        out->n = fr[14];
        out->best = (kh_upos)fr[15];
        return 1;
    }
    return 0;
}

void kh_lex_entry_get(const kh_lexicon *lex, const kh_lex_form *form, uint32_t i,
                      kh_lex_entry *out)
{
    const unsigned char *e = lex->entries + (size_t)(form->first + i) * KH_LEX_ENTRY_SIZE;
    uint32_t off = kh_rd32(e);
    out->lemma = (const char *)lex->strs + off;
    out->lemma_len = strlen(out->lemma); /* terminated: the pool ends with NUL */
    out->pos = kh_rd32(e + 4);
    out->flags = kh_rd32(e + 8);
    out->freq = kh_rd32(e + 12);
}

size_t kh_lex_lookup(const kh_lexicon *lex, const char *word, size_t len,
                     kh_lex_entry *out, size_t max, uint32_t *pos_union)
{
    kh_lex_form f;
    if (pos_union)
        *pos_union = 0;
    if (!kh_lex_find(lex, word, len, &f))
        return 0;
    if (pos_union)
        *pos_union = f.pos;
    for (uint32_t i = 0; i < f.n && i < max; i++)
        kh_lex_entry_get(lex, &f, i, &out[i]);
    return f.n;
}

const char *kh_lex_form_lemma(const kh_lexicon *lex, const kh_lex_form *f, kh_upos upos,
                              size_t *lemma_len)
{
    for (int pass = 0; pass < 2; pass++) {
        uint32_t want = KH_POS_BIT(upos);
        if (pass == 1) {
            if (upos == KH_UPOS_AUX)
                want = KH_POS_BIT(KH_UPOS_VERB);
            else if (upos == KH_UPOS_VERB)
                want = KH_POS_BIT(KH_UPOS_AUX);
            else
                break;
        }
        if (!(f->pos & want))
            continue;
        /* The most frequent entry of that part of speech; the first on ties. */
        const unsigned char *best = NULL;
        uint32_t best_freq = 0;
        for (uint32_t i = 0; i < f->n; i++) {
            const unsigned char *e = lex->entries + (size_t)(f->first + i) * KH_LEX_ENTRY_SIZE;
            uint32_t freq = kh_rd32(e + 12);
            if ((kh_rd32(e + 4) & want) && (!best || freq > best_freq)) {
                best = e;
                best_freq = freq;
            }
        }
        if (best) {
            const char *l = (const char *)lex->strs + kh_rd32(best);
            if (lemma_len)
                *lemma_len = strlen(l); /* terminated: the pool ends with NUL */
            return l;
        }
    }
    return NULL;
}

const char *kh_lex_lemma(const kh_lexicon *lex, const char *word, size_t len, kh_upos upos,
                         size_t *lemma_len)
{
    kh_lex_form f;
    if (!kh_lex_find(lex, word, len, &f))
        return NULL;
    return kh_lex_form_lemma(lex, &f, upos, lemma_len);
}

/* ---------------------------------------------------------------------- */
/* Public wrappers (khaldun.h): the CLI and other clients use these.      */

_Static_assert((unsigned)KH_LEXF_CLOSED == (unsigned)KH_LEX_CLOSED &&
                   (unsigned)KH_LEXF_NEWS == (unsigned)KH_LEX_NEWS &&
                   (unsigned)KH_LEXF_PROPER == (unsigned)KH_LEX_PROPER &&
                   (unsigned)KH_LEXF_REPORT == (unsigned)KH_LEX_REPORT,
               "public lexicon flags mirror the internal ones");

kh_status kh_lexicon_build_with(const kh_lexicon_build_options *options, const char *out_path,
                                kh_error *err)
{
    if (!options || !out_path)
        return KH_ERR_INVALID;
    kh_lex_build_options opt;
    memset(&opt, 0, sizeof opt);
    opt.wordnet_dir = options->wordnet_dir;
    opt.closed_dir = options->closed_dir;
    opt.train_path = options->train_conllu;
    opt.train_epochs = options->train_epochs;
    opt.save_model = options->save_model;
    opt.model_path = options->model;
    opt.flags = options->flags;
    return kh_lexicon_build_ex(&opt, out_path, err);
}

size_t kh_lexicon_lookup(const kh_lexicon *lex, const char *word, size_t len,
                         kh_lexicon_entry *out, size_t max)
{
    kh_lex_entry e[64];
    if (!lex || !word)
        return 0;
    size_t n = kh_lex_lookup(lex, word, len, e, KH_ARRAY_LEN(e), NULL);
    for (size_t i = 0; i < n && i < max && i < KH_ARRAY_LEN(e); i++) {
        out[i].lemma = e[i].lemma;
        out[i].upos_set = e[i].pos;
        out[i].flags = e[i].flags;
        out[i].freq = e[i].freq;
    }
    return n;
}
