/*
 * alloc.c: every allocation of the library goes through the caller's
 * kh_allocator hook (or libc when none is given), so a test can fail the Nth
 * allocation and check that each caller handles it. Also the per-document
 * arena: bump allocation in blocks, reset between documents. With
 * -DKH_ARENA_MALLOC the arena hands out individually malloc'ed objects so
 * sanitizers see every object's bounds.
 */
#include <stdlib.h>

#include "core.h"

void *kh_malloc(const kh_allocator *a, size_t size)
{
    if (size == 0)
        size = 1;
    if (a && a->malloc_fn)
        return a->malloc_fn(a->ctx, size);
    return malloc(size);
}

void *kh_realloc(const kh_allocator *a, void *ptr, size_t size)
{
    if (size == 0)
        size = 1;
    if (a && a->realloc_fn)
        return a->realloc_fn(a->ctx, ptr, size);
    return realloc(ptr, size);
}

void kh_free(const kh_allocator *a, void *ptr)
{
    if (!ptr)
        return;
    if (a && a->free_fn)
        a->free_fn(a->ctx, ptr);
    else
        free(ptr);
}

/* What the calloc and strndup of the heap and of the arena share: the
 * zeroing of a fresh block, and the copy of a string with its NUL. */
static void *zeroed(void *p, size_t size)
{
    if (p)
        memset(p, 0, size);
    return p;
}

static char *nul_copy(char *p, const char *s, size_t len)
{
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void *kh_calloc(const kh_allocator *a, size_t n, size_t size)
{
    size_t total;
    return kh_mul_ok(n, size, &total) ? zeroed(kh_malloc(a, total), total) : NULL;
}

char *kh_strndup(const kh_allocator *a, const char *s, size_t len)
{
    size_t total;
    return kh_add_ok(len, 1, &total) ? nul_copy((char *)kh_malloc(a, total), s, len) : NULL;
}

/* ---------------------------------------------------------------------- */

#define KH_ARENA_ALIGN 16
#define KH_ARENA_BLOCK ((size_t)64 << 10)

struct kh_arena_block {
    kh_arena_block *next;
    size_t size; /* usable bytes after the header */
    size_t used;
    /* payload follows, aligned */
};

#define KH_BLOCK_HDR ((sizeof(kh_arena_block) + KH_ARENA_ALIGN - 1) & ~(size_t)(KH_ARENA_ALIGN - 1))

static inline unsigned char *block_data(kh_arena_block *b)
{
    return (unsigned char *)b + KH_BLOCK_HDR;
}

void kh_arena_init(kh_arena *arena, const kh_allocator *alloc, size_t cap)
{
    memset(arena, 0, sizeof *arena);
    arena->alloc = alloc;
    arena->cap = cap;
}

/* Grows an object by allocating anew and copying its old bytes. */
static void *grow_by_copy(kh_arena *arena, void *ptr, size_t old_size, size_t new_size)
{
    void *p = kh_arena_alloc(arena, new_size);
    if (p && ptr && old_size)
        memcpy(p, ptr, old_size);
    return p;
}

#ifdef KH_ARENA_MALLOC
/* Debug arena: each object is its own block, freed on reset. */
void *kh_arena_alloc(kh_arena *arena, size_t size)
{
    size_t total;
    if (size > SIZE_MAX / 2 || !kh_add_ok(KH_BLOCK_HDR, size, &total))
        return NULL;
    if (arena->cap && arena->used_total + size > arena->cap)
        return NULL;
    kh_arena_block *b = (kh_arena_block *)kh_malloc(arena->alloc, total);
    if (!b)
        return NULL;
    b->size = size;
    b->used = size;
    b->next = arena->head;
    arena->head = b;
    arena->used_total += size;
    return block_data(b);
}

void *kh_arena_grow(kh_arena *arena, void *ptr, size_t old_size, size_t new_size)
{
    if (new_size <= old_size)
        return ptr;
    return grow_by_copy(arena, ptr, old_size, new_size);
}

void kh_arena_reset(kh_arena *arena)
{
    kh_arena_block *b = arena->head;
    while (b) {
        kh_arena_block *next = b->next;
        kh_free(arena->alloc, b);
        b = next;
    }
    arena->head = NULL;
    arena->used_total = 0;
}
#else
static size_t round_up(size_t n)
{
    return (n + KH_ARENA_ALIGN - 1) & ~(size_t)(KH_ARENA_ALIGN - 1);
}

static kh_arena_block *new_block(kh_arena *arena, size_t need)
{
    kh_arena_block **pp = &arena->spare;
    while (*pp) {
        if ((*pp)->size >= need) {
            kh_arena_block *b = *pp;
            *pp = b->next;
            b->used = 0;
            return b;
        }
        pp = &(*pp)->next;
    }
    size_t size = need > KH_ARENA_BLOCK ? need : KH_ARENA_BLOCK;
    size_t total;
    if (!kh_add_ok(KH_BLOCK_HDR, size, &total))
        return NULL;
    kh_arena_block *b = (kh_arena_block *)kh_malloc(arena->alloc, total);
    if (!b)
        return NULL;
    b->size = size;
    b->used = 0;
    b->next = NULL;
    return b;
}

void *kh_arena_alloc(kh_arena *arena, size_t size)
{
    if (size > SIZE_MAX / 2)
        return NULL;
    size_t need = round_up(size ? size : 1);
    if (arena->cap && arena->used_total + need > arena->cap)
        return NULL;
    kh_arena_block *b = arena->head;
    if (!b || b->size - b->used < need) {
        b = new_block(arena, need);
        if (!b)
            return NULL;
        b->next = arena->head;
        arena->head = b;
    }
    void *p = block_data(b) + b->used;
    b->used += need;
    arena->used_total += need;
    return p;
}

void *kh_arena_grow(kh_arena *arena, void *ptr, size_t old_size, size_t new_size)
{
    if (new_size <= old_size)
        return ptr;
    kh_arena_block *b = arena->head;
    size_t old_r = round_up(old_size ? old_size : 1);
    size_t new_r = round_up(new_size);
    if (ptr && b && (unsigned char *)ptr + old_r == block_data(b) + b->used &&
        b->size - b->used >= new_r - old_r &&
        !(arena->cap && arena->used_total + (new_r - old_r) > arena->cap)) {
        b->used += new_r - old_r;
        arena->used_total += new_r - old_r;
        return ptr;
    }
    return grow_by_copy(arena, ptr, old_size, new_size);
}

void kh_arena_reset(kh_arena *arena)
{
    /* Keep the largest block as head, the rest as spares; this keeps the
     * steady state allocation-free across documents. */
    kh_arena_block *b = arena->head;
    while (b) {
        kh_arena_block *next = b->next;
        b->used = 0;
        b->next = arena->spare;
        arena->spare = b;
        b = next;
    }
    arena->head = NULL;
    arena->used_total = 0;
}
#endif

void *kh_arena_calloc(kh_arena *arena, size_t n, size_t size)
{
    size_t total;
    return kh_mul_ok(n, size, &total) ? zeroed(kh_arena_alloc(arena, total), total) : NULL;
}

char *kh_arena_strndup(kh_arena *arena, const char *s, size_t len)
{
    size_t total;
    return kh_add_ok(len, 1, &total) ? nul_copy((char *)kh_arena_alloc(arena, total), s, len)
                                     : NULL;
}

void kh_arena_free(kh_arena *arena)
{
    if (!arena)
        return;
    kh_arena_reset(arena);
    kh_arena_block *b = arena->spare;
    while (b) {
        kh_arena_block *next = b->next;
        kh_free(arena->alloc, b);
        b = next;
    }
    arena->spare = NULL;
}
