/*
 * vec.c: the growable containers every stage shares: kh_array_reserve (an
 * array whose count lives with its owner, like kh_doc's sentences), kh_vec
 * (an array that keeps its own count and element size) and kh_map (an exact
 * 64-bit key -> u32 map, open addressing with linear probing). All memory
 * comes from the caller's allocator; none of them caps what it holds, so a
 * caller with a limit checks it before it grows.
 */
#include "core/core.h"

kh_status kh_array_reserve(const kh_allocator *a, void **arr, size_t *cap, size_t need,
                           size_t elem)
{
    if (need <= *cap)
        return KH_OK;
    size_t ncap = *cap ? *cap : 64, bytes;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return KH_ERR_NOMEM;
        ncap *= 2;
    }
    if (!kh_mul_ok(ncap, elem, &bytes))
        return KH_ERR_NOMEM;
    void *p = kh_realloc(a, *arr, bytes);
    if (!p)
        return KH_ERR_NOMEM;
    *arr = p;
    *cap = ncap;
    return KH_OK;
}

kh_status kh_vec_push(const kh_allocator *a, kh_vec *v, const void *item)
{
    kh_status st = kh_array_reserve(a, &v->p, &v->cap, v->n + 1, v->elem);
    if (st)
        return st;
    memcpy((char *)v->p + v->n * v->elem, item, v->elem);
    v->n++;
    return KH_OK;
}

void kh_vec_free(const kh_allocator *a, kh_vec *v)
{
    kh_free(a, v->p);
    v->p = NULL;
    v->n = v->cap = 0;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static kh_status map_grow(const kh_allocator *a, kh_map *m)
{
    size_t n = m->n_slots ? m->n_slots * 2 : 1024;
    kh_map_slot *s = (kh_map_slot *)kh_calloc(a, n, sizeof *s);
    if (!s)
        return KH_ERR_NOMEM;
    for (size_t i = 0; i < m->n_slots; i++) {
        if (!m->slots[i].used)
            continue;
        size_t j = mix64(m->slots[i].key) & (n - 1);
        while (s[j].used)
            j = (j + 1) & (n - 1);
        s[j] = m->slots[i];
    }
    kh_free(a, m->slots);
    m->slots = s;
    m->n_slots = n;
    return KH_OK;
}

/* Finds key; returns its slot (used == 0 when absent: the place to insert). */
static kh_map_slot *map_find(kh_map *m, uint64_t key)
{
    size_t j = mix64(key) & (m->n_slots - 1);
    while (m->slots[j].used && m->slots[j].key != key)
        j = (j + 1) & (m->n_slots - 1);
    return &m->slots[j];
}

kh_status kh_map_get_or_put(const kh_allocator *a, kh_map *m, uint64_t key, uint32_t val,
                            uint32_t *out, int *found)
{
    if ((m->count + 1) * 2 > m->n_slots) {
        kh_status st = map_grow(a, m);
        if (st)
            return st;
    }
    kh_map_slot *s = map_find(m, key);
    if (s->used) {
        *out = s->val;
        *found = 1;
        return KH_OK;
    }
    s->used = 1;
    s->key = key;
    s->val = val;
    m->count++;
    *out = val;
    *found = 0;
    return KH_OK;
}

int kh_map_get(const kh_map *m, uint64_t key, uint32_t *out)
{
    if (!m->n_slots)
        return 0;
    kh_map_slot *s = map_find((kh_map *)m, key);
    if (!s->used)
        return 0;
    *out = s->val;
    return 1;
}

void kh_map_free(const kh_allocator *a, kh_map *m)
{
    kh_free(a, m->slots);
    memset(m, 0, sizeof *m);
}
