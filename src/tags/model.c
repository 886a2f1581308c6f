/*
 * model.c: the tagger's averaged-perceptron weights as stored in the lexicon
 * image (section TGMD, layout in model.h): verification at load time and
 * scoring at tagging time. Every slot and weight is checked once when the
 * lexicon is loaded, so scoring indexes the image without further checks.
 */
#include "tags/model.h"

static kh_status bad(kh_error *err, const char *what)
{
    return kh_error_set(err, KH_ERR_CORRUPT, 0, 0, "tagger model: %s", what);
}

kh_status kh_model_open(const unsigned char *data, size_t len, const kh_allocator *alloc,
                        void **view, kh_error *err)
{
    *view = NULL;
    if (len >= KH_MODEL_HEADER && kh_rd32(data) == KH_MODEL_MAGIC_V1)
        return kh_error_set(err, KH_ERR_VERSION, 0, 0,
                            "tagger model: an older layout; rebuild the lexicon (make data)");
    if (len < KH_MODEL_HEADER || kh_rd32(data) != KH_MODEL_MAGIC)
        return bad(err, "bad header");
    if (kh_rd32(data + 4) != KH_UPOS_COUNT || kh_rd32(data + 20) != KH_MODEL_FEATURE_VERSION)
        return kh_error_set(err, KH_ERR_VERSION, 0, 0,
                            "tagger model: built for another feature set; rebuild the lexicon");
    uint32_t n_slots = kh_rd32(data + 8), max_probe = kh_rd32(data + 12);
    uint32_t n_over = kh_rd32(data + 16);
    if (n_slots == 0 || (n_slots & (n_slots - 1)) || max_probe == 0 || max_probe > n_slots)
        return bad(err, "bad table geometry");
    size_t need = KH_MODEL_HEADER + (size_t)n_slots * 8 + (size_t)n_over * 4;
    if (need != len)
        return bad(err, "size mismatch");
    const unsigned char *slots = data + KH_MODEL_HEADER;
    const unsigned char *over = slots + (size_t)n_slots * 8;
    for (uint32_t i = 0; i < n_slots; i++) {
        uint32_t p = kh_rd32(slots + (size_t)i * 8 + 4);
        if (p & KH_MODEL_OVER) {
            uint32_t first = p & 0x3ffffffu, count = (p >> 26) & 31u;
            if (count == KH_MODEL_DENSE)
                count = KH_MODEL_ROW_WORDS;
            else if (count > KH_UPOS_COUNT)
                return bad(err, "slot out of range");
            if (first > n_over || count > n_over - first)
                return bad(err, "slot out of range");
            for (uint32_t j = 0; ((p >> 26) & 31u) != KH_MODEL_DENSE && j < count; j++)
                if ((kh_rd32(over + (size_t)(first + j) * 4) >> 27) >= KH_UPOS_COUNT)
                    return bad(err, "class out of range");
        } else if (p && ((p >> 26) >= KH_UPOS_COUNT || ((p >> 21) & 31u) >= KH_UPOS_COUNT)) {
            return bad(err, "class out of range");
        }
    }
    kh_model_view *m = (kh_model_view *)kh_calloc(alloc, 1, sizeof *m);
    if (!m)
        return kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    m->slots = slots;
    m->n_slots = n_slots;
    m->max_probe = max_probe;
    m->over = over;
    m->n_over = n_over;
    kh_tag_model_derive(m);
    *view = m;
    return KH_OK;
}

void kh_model_close(void *view, const kh_allocator *alloc) { kh_free(alloc, view); }

/* Adds a dense row of KH_TAG_VEC little-endian int16 to scores. */
static inline void add_row(const unsigned char *row, int32_t *scores)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    typedef int16_t h4 __attribute__((vector_size(8)));
    typedef int32_t w4 __attribute__((vector_size(16)));
    for (size_t c = 0; c < KH_TAG_VEC; c += 4) {
        h4 h;
        w4 s;
        memcpy(&h, row + 2 * c, sizeof h);
        memcpy(&s, scores + c, sizeof s);
        s += __builtin_convertvector(h, w4);
        memcpy(scores + c, &s, sizeof s);
    }
#else
    for (size_t c = 0; c < KH_TAG_VEC; c++)
        scores[c] += (int16_t)(uint16_t)(row[2 * c] | row[2 * c + 1] << 8);
#endif
}

/* Adds the weights of one slot's payload to scores (classes checked at
 * load). */
static inline void add_payload(const kh_model_view *m, uint32_t p, int32_t *scores)
{
    if (!(p & KH_MODEL_OVER)) {
        int32_t w = (int16_t)(uint16_t)(p & 0xffffu);
        scores[p >> 26] += w;
        scores[(p >> 21) & 31u] -= w;
        return;
    }
    const unsigned char *w = m->over + (size_t)(p & 0x3ffffffu) * 4;
    uint32_t count = (p >> 26) & 31u;
    if (count == KH_MODEL_DENSE) {
        add_row(w, scores);
        return;
    }
    for (uint32_t j = 0; j < count; j++) {
        uint32_t v = kh_rd32(w + (size_t)j * 4);
        /* the low 27 bits, sign-extended (two's complement) */
        scores[v >> 27] += (int32_t)((v & 0x7ffffffu) ^ 0x4000000u) - 0x4000000;
    }
}

void kh_model_score(const kh_model_view *m, const uint64_t *keys, size_t nk, int32_t *scores)
{
    uint32_t mask = m->n_slots - 1;
    /* Ask for every slot first so that the cache misses overlap. */
    for (size_t k = 0; k < nk; k++)
        kh_model_prefetch(m, keys[k]);
    for (size_t k = 0; k < nk; k++) {
        uint32_t check = (uint32_t)(keys[k] >> 32);
        uint32_t i = (uint32_t)keys[k] & mask;
        for (uint32_t probe = 0; probe < m->max_probe; probe++, i = (i + 1) & mask) {
            const unsigned char *s = m->slots + (size_t)i * 8;
            uint32_t p = kh_rd32(s + 4);
            if (!p)
                break;
            if (kh_rd32(s) == check) {
                add_payload(m, p, scores);
                break;
            }
        }
    }
}
