/*
 * wcache.c: a per-thread cache in front of kh_dict_word, the coder's most
 * frequent dictionary lookup (every token's form and lemma, every story).
 * The image's word table is large and probed at random, so on news text
 * most lookups missed the CPU caches; the words of news are few and repeat,
 * so a small direct-mapped table of recent answers (hits and misses alike)
 * keeps them in the first-level caches. The cache holds the folded form
 * itself and compares it word by word: an answer from it is always the
 * one kh_dict_word gives. Forms longer than KH_WCACHE_MAX go to the image.
 */
#include "dict/dict.h"

#define KH_WCACHE_SLOTS 4096u /* a power of two; 32 bytes each */
#define KH_WCACHE_MAX 24u     /* three words */

typedef struct wc_entry {
    uint64_t w[3]; /* the folded form, zero-padded */
    uint32_t id;   /* kh_dict_word's answer, KH_NONE included */
    uint32_t len;  /* 0: empty */
} wc_entry;

struct kh_word_cache {
    const kh_dict *dict; /* the dictionary the answers are from */
    const kh_allocator *alloc;
    wc_entry e[KH_WCACHE_SLOTS];
};

kh_word_cache *kh_word_cache_new(const kh_allocator *alloc)
{
    kh_word_cache *wc = (kh_word_cache *)kh_calloc(alloc, 1, sizeof *wc);
    if (wc)
        wc->alloc = alloc;
    return wc;
}

void kh_word_cache_free(kh_word_cache *wc)
{
    if (wc)
        kh_free(wc->alloc, wc);
}

/* kh_dict_fold of eight bytes at once: 'A'..'Z' to 'a'..'z', every other
 * byte (UTF-8 included) as it is. */
static uint64_t fold8(uint64_t x)
{
    uint64_t h = x & 0x7f7f7f7f7f7f7f7fULL;
    uint64_t ge_a = h + 0x3f3f3f3f3f3f3f3fULL; /* top bit: byte >= 'A' */
    uint64_t gt_z = h + 0x2525252525252525ULL; /* top bit: byte > 'Z' */
    uint64_t upper = ge_a & ~gt_z & ~x & 0x8080808080808080ULL;
    return x | upper >> 2;
}

uint32_t kh_dict_word_cached(const kh_dict *d, kh_word_cache *wc, const char *s, size_t len)
{
    if (!wc || len == 0 || len > KH_WCACHE_MAX)
        return kh_dict_word(d, s, len);
    if (wc->dict != d) {
        memset(wc->e, 0, sizeof wc->e);
        wc->dict = d;
    }
    uint64_t w[3] = {0, 0, 0};
    memcpy(w, s, len);
    w[0] = fold8(w[0]);
    w[1] = fold8(w[1]);
    w[2] = fold8(w[2]);
    /* The slot: the form's words and length, mixed (not the image's hash,
     * which goes a byte at a time). */
    uint64_t x = (w[0] ^ (w[1] * 0x9e3779b97f4a7c15ULL) ^ (w[2] * 0xc2b2ae3d27d4eb4fULL) ^ len) *
                 0xff51afd7ed558ccdULL;
    wc_entry *e = &wc->e[(size_t)(x >> 52) & (KH_WCACHE_SLOTS - 1)];
    if (e->len == len && e->w[0] == w[0] && e->w[1] == w[1] && e->w[2] == w[2])
        return e->id;
    e->id = kh_dict_word(d, (const char *)w, len);
    e->len = (uint32_t)len;
    memcpy(e->w, w, sizeof w);
    return e->id;
}
