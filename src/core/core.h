/*
 * core.h: internal toolbox shared by every stage of the pipeline: allocation
 * through the caller's hook, a per-document arena, capped growable buffers,
 * UTF-8 decoding, hashing and JSON string escaping. Nothing here is public;
 * the public API is include/khaldun.h.
 *
 * Ownership: an arena owns everything allocated from it until kh_arena_reset
 * or kh_arena_free; a kh_buf owns its bytes until kh_buf_free.
 */
#ifndef KH_CORE_H
#define KH_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "khaldun.h"

#define KH_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define KH_UNUSED(x) ((void)(x))

#if defined(__GNUC__)
#define KH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define KH_LIKELY(x) __builtin_expect(!!(x), 1)
#define KH_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define KH_PRINTF(f, a)
#define KH_LIKELY(x) (x)
#define KH_UNLIKELY(x) (x)
#endif

/* Default limits (see kh_limits in khaldun.h). */
#define KH_DEFAULT_MAX_LINE ((size_t)8 << 20)
#define KH_DEFAULT_MAX_STORY ((size_t)8 << 20)
#define KH_DEFAULT_MAX_SENTENCES ((size_t)20000)
#define KH_DEFAULT_MAX_TOKENS ((size_t)1000)

/* Fills zero fields of *limits with the defaults. */
void kh_limits_fill(kh_limits *limits);

/* ---- allocation through the caller's hook (NULL = libc) ---- */
void *kh_malloc(const kh_allocator *a, size_t size);
void *kh_realloc(const kh_allocator *a, void *ptr, size_t size);
void kh_free(const kh_allocator *a, void *ptr);
/* Allocates n*size bytes, zeroed; NULL on overflow or failure. */
void *kh_calloc(const kh_allocator *a, size_t n, size_t size);
/* Copies len bytes and a NUL; NULL on failure. */
char *kh_strndup(const kh_allocator *a, const char *s, size_t len);

/* Overflow-checked size arithmetic: returns 0 on overflow. */
static inline int kh_mul_ok(size_t a, size_t b, size_t *out)
{
    if (b != 0 && a > SIZE_MAX / b)
        return 0;
    *out = a * b;
    return 1;
}
static inline int kh_add_ok(size_t a, size_t b, size_t *out)
{
    if (a > SIZE_MAX - b)
        return 0;
    *out = a + b;
    return 1;
}

/* ---- arena: bump allocation, reset per document ----
 * Build with -DKH_ARENA_MALLOC to turn every arena allocation into a plain
 * allocation that the arena tracks and frees on reset, so ASan and valgrind
 * see each object's bounds. */
typedef struct kh_arena_block kh_arena_block;
typedef struct kh_arena {
    const kh_allocator *alloc;
    kh_arena_block *head;   /* current block (blocks are kept across resets) */
    kh_arena_block *spare;  /* blocks freed by reset, reused first */
    size_t used_total;      /* bytes handed out since the last reset */
    size_t cap;             /* most bytes it may hand out between resets; 0 = none */
} kh_arena;

void kh_arena_init(kh_arena *arena, const kh_allocator *alloc, size_t cap);
/* Aligned to 16 bytes. NULL on failure or when the cap would be exceeded. */
void *kh_arena_alloc(kh_arena *arena, size_t size);
void *kh_arena_calloc(kh_arena *arena, size_t n, size_t size);
char *kh_arena_strndup(kh_arena *arena, const char *s, size_t len);
/* Grows the last allocation in place when possible, else copies. */
void *kh_arena_grow(kh_arena *arena, void *ptr, size_t old_size, size_t new_size);
void kh_arena_reset(kh_arena *arena);
void kh_arena_free(kh_arena *arena);

/* ---- growable byte buffer with a cap ---- */
typedef struct kh_buf {
    const kh_allocator *alloc;
    char *data;   /* always NUL-terminated when non-NULL */
    size_t len;
    size_t size;  /* allocated bytes */
    size_t cap;   /* most bytes it may hold; 0 = SIZE_MAX/2 */
} kh_buf;

void kh_buf_init(kh_buf *b, const kh_allocator *alloc, size_t cap);
/* Returns KH_ERR_LIMIT when the cap would be exceeded, KH_ERR_NOMEM on
 * allocation failure; the buffer is unchanged in both cases. */
kh_status kh_buf_reserve(kh_buf *b, size_t extra);
kh_status kh_buf_append(kh_buf *b, const char *s, size_t len);
kh_status kh_buf_putc(kh_buf *b, char c);
kh_status kh_buf_puts(kh_buf *b, const char *s);
kh_status kh_buf_printf(kh_buf *b, const char *fmt, ...) KH_PRINTF(2, 3);
kh_status kh_buf_put_u64(kh_buf *b, uint64_t v);
kh_status kh_buf_put_i64(kh_buf *b, int64_t v);
/* A double with at most `decimals` decimals, trailing zeros dropped ("1.9",
 * "-10", "3.4"); JSON null for NaN and infinities, which JSON cannot hold. */
kh_status kh_buf_put_num(kh_buf *b, double v, int decimals);
/* Appends `len` bytes as the inside of a JSON string (no quotes): escapes
 * quotes, backslashes and control bytes; replaces invalid UTF-8 with U+FFFD,
 * so the output is always valid JSON whatever the input. */
kh_status kh_buf_json_str(kh_buf *b, const char *s, size_t len);
/* The same with the surrounding quotes; NULL s writes null. */
kh_status kh_buf_json_qstr(kh_buf *b, const char *s, size_t len);
void kh_buf_clear(kh_buf *b);
void kh_buf_free(kh_buf *b);

/* ---- growable arrays and an integer map (vec.c), on the caller's allocator ---- */
/* Grows *arr (*cap elements of `elem` bytes) to hold at least `need`,
 * doubling; for arrays whose count lives with their owner. The array is
 * unchanged on failure. */
kh_status kh_array_reserve(const kh_allocator *a, void **arr, size_t *cap, size_t need,
                           size_t elem);

/* An array that keeps its count; set `elem` (the element size) before use. */
typedef struct kh_vec {
    void *p;
    size_t n, cap, elem;
} kh_vec;
#define KH_VEC_AT(v, T, i) (((T *)(v).p)[i])
kh_status kh_vec_push(const kh_allocator *a, kh_vec *v, const void *item);
void kh_vec_free(const kh_allocator *a, kh_vec *v);

/* Exact 64-bit key -> u32 map. */
typedef struct kh_map_slot {
    uint64_t key;
    uint32_t val;
    uint32_t used;
} kh_map_slot;
typedef struct kh_map {
    kh_map_slot *slots;
    size_t n_slots, count;
} kh_map;
/* Finds key: sets *found and *out to its value; else inserts val and sets
 * *out = val, *found = 0. */
kh_status kh_map_get_or_put(const kh_allocator *a, kh_map *m, uint64_t key, uint32_t val,
                            uint32_t *out, int *found);
/* 1 and *out when key is present, else 0. */
int kh_map_get(const kh_map *m, uint64_t key, uint32_t *out);
void kh_map_free(const kh_allocator *a, kh_map *m);

/* ---- UTF-8 ---- */
/* Decodes one code point at s[0..len). Returns its length in bytes (1..4) and
 * sets *cp; on invalid or truncated sequences returns 1 and sets *cp to
 * 0xFFFD (the caller decides to replace). len must be >= 1. */
size_t kh_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp, int *valid);
/* kh_utf8_encode is public (khaldun.h). */
/* 1 when the whole slice is valid UTF-8 without NUL bytes. */
int kh_utf8_valid(const char *s, size_t len);

/* ---- hashing ---- */
/* 64-bit FNV-1a. */
static inline uint64_t kh_hash64(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = (const unsigned char *)data;
    uint64_t h = 0xcbf29ce484222325ULL ^ seed;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}
/* The same over ASCII-lower-cased bytes (used for case-insensitive lookup). */
uint64_t kh_hash64_lower(const void *data, size_t len, uint64_t seed);

/* ---- ASCII helpers (locale-independent) ---- */
static inline int kh_is_digit(int c) { return c >= '0' && c <= '9'; }
static inline int kh_is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int kh_is_lower(int c) { return c >= 'a' && c <= 'z'; }
static inline int kh_is_alpha(int c) { return kh_is_upper(c) || kh_is_lower(c); }
static inline int kh_is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
static inline int kh_to_lower(int c) { return kh_is_upper(c) ? c + 32 : c; }
static inline int kh_to_upper(int c) { return kh_is_lower(c) ? c - 32 : c; }
/* Case-insensitive ASCII comparison of two slices: 1 when equal. */
int kh_eq_nocase(const char *a, size_t alen, const char *b, size_t blen);

/* ---- files ---- */
/* A file's identity: device and inode. */
typedef struct kh_file_id {
    uint64_t dev;
    uint64_t ino;
} kh_file_id;
/* Reads the whole file `path` (at most `cap` bytes) into *data, allocated
 * through `a` and NUL-terminated (never NULL on success; the caller frees
 * it with kh_free). KH_ERR_NOTFOUND or KH_ERR_IO (errno tells why) when it
 * cannot be opened or read, KH_ERR_LIMIT when larger than cap. */
kh_status kh_file_read(const kh_allocator *a, const char *path, size_t cap, char **data,
                       size_t *len);
/* The same, and the identity of the file read in *id (taken from the open
 * descriptor, so it is the file whose bytes came back), so that a builder
 * never writes its output over one of its sources. */
kh_status kh_file_read_id(const kh_allocator *a, const char *path, size_t cap, char **data,
                          size_t *len, kh_file_id *id);

/* ---- month names: the one table (months.c) ---- */
enum {
    KH_MONTH_FULL = 1u << 0, /* "january" */
    KH_MONTH_ABBR = 1u << 1, /* "jan", three letters */
    KH_MONTH_SEPT = 1u << 2  /* "sept" */
};
/* The month (1..12) that s[0..len) names, ASCII case-insensitively, in the
 * forms `flags` allows; 0 when none. A trailing period is not accepted. */
int kh_month_find(const char *s, size_t len, unsigned flags);

/* ---- errors ---- */
/* Fills *err (when non-NULL) and returns code. */
kh_status kh_error_set(kh_error *err, kh_status code, size_t line, size_t col,
                       const char *fmt, ...) KH_PRINTF(5, 6);

/* ---- output files (core/output.c; the rules are kh_output_open's) ---- */
/* The identity of an open descriptor (what a builder read); 0 on failure. */
int kh_file_id_of_fd(int fd, kh_file_id *id);
/* kh_output_open, with files known by identity too (`ids`, described as
 * `ids_role` in messages: the sources a builder read) and an allocator. */
kh_status kh_output_open_ex(const char *path, const kh_output_options *options,
                            const kh_file_id *ids, size_t n_ids, const char *ids_role,
                            const kh_allocator *alloc, kh_output **out, kh_error *err);

/* ---- dates ---- */
int kh_date_valid(int year, int month, int day);
/* Days since 1970-01-01 (proleptic Gregorian), and back. */
int64_t kh_date_to_days(kh_date d);
kh_date kh_date_from_days(int64_t days);
/* 0 = Monday .. 6 = Sunday. */
int kh_date_weekday(kh_date d);

#endif /* KH_CORE_H */
