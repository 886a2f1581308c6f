/*
 * image.h: the container every compiled khaldun image uses (the lexicon and
 * the dictionary): a fixed header, a section table, and sections, written in
 * one go and mapped read-only at load time. Nothing in an image is trusted
 * before the header, the table and the checksum are verified.
 *
 * Layout (all integers little-endian, sections 8-byte aligned):
 *   0   magic "KHALDUN\0"           8 bytes
 *   8   kind   (fourcc: "LEX1", "DIC1")
 *   12  format version              u32
 *   16  total size in bytes         u64
 *   24  checksum of bytes [48, size) u64
 *   32  hash of the sources          u64
 *   40  number of sections          u32
 *   44  reserved (0)                u32
 *   48  section table: n x { u32 id, u32 reserved, u64 offset, u64 length }
 *   ... section data
 */
#ifndef KH_IMAGE_H
#define KH_IMAGE_H

#include "core/core.h"

#define KH_IMAGE_MAGIC "KHALDUN"
#define KH_IMAGE_HEADER 48u
#define KH_IMAGE_MAX_SECTIONS 64u

typedef struct kh_image {
    const unsigned char *base;
    size_t size;
    uint32_t kind;
    uint32_t version;
    uint64_t checksum;
    uint64_t source_hash;
    uint32_t n_sections;
    const kh_allocator *alloc;
    void *owned;  /* heap copy when not mapped */
    int mapped;
} kh_image;

static inline uint32_t kh_fourcc(const char s[4])
{
    return (uint32_t)(unsigned char)s[0] | (uint32_t)(unsigned char)s[1] << 8 |
           (uint32_t)(unsigned char)s[2] << 16 | (uint32_t)(unsigned char)s[3] << 24;
}

/* Fast 64-bit checksum (word-at-a-time multiply-xor), stable across builds. */
uint64_t kh_image_checksum(const unsigned char *p, size_t len);

/* Maps `path` read-only and verifies it is an image of `kind` at `version`. */
kh_status kh_image_open(const char *path, uint32_t kind, uint32_t version,
                        const kh_allocator *alloc, kh_image *out, kh_error *err);
/* Verifies an image held in memory (not copied: `data` must outlive it). */
kh_status kh_image_from_memory(const void *data, size_t size, uint32_t kind,
                               uint32_t version, kh_image *out, kh_error *err);
void kh_image_close(kh_image *img);

/* The section with `id`, or NULL (and *len 0) when absent. */
const void *kh_image_section(const kh_image *img, uint32_t id, size_t *len);

/* Writing: the caller fills sections as kh_bufs; the image is laid out in
 * one buffer from `alloc` (NULL: malloc). */
typedef struct kh_image_section_in {
    uint32_t id;
    const void *data;
    size_t len;
} kh_image_section_in;

/* Lays the image out in memory: *out (free with kh_free(alloc)) of *size
 * bytes, ready for kh_image_from_memory. */
kh_status kh_image_build(uint32_t kind, uint32_t version, uint64_t source_hash,
                         const kh_image_section_in *sections, size_t n,
                         const kh_allocator *alloc, unsigned char **out, size_t *size,
                         kh_error *err);
/* Writes the image to `path` through the one output opener (kh_output_open's
 * rules: a regular file is replaced atomically once complete, a device or
 * pipe written in place, a folder refused) and never over one of `inputs`,
 * the files the build read (`inputs_role` names them in the message). */
kh_status kh_image_write(const char *path, uint32_t kind, uint32_t version,
                         uint64_t source_hash, const kh_image_section_in *sections, size_t n,
                         const kh_file_id *inputs, size_t n_inputs, const char *inputs_role,
                         const kh_allocator *alloc, kh_error *err);

/* Little-endian readers for section parsing; the caller checks bounds. */
static inline uint32_t kh_rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t kh_rd64(const unsigned char *p)
{
    return (uint64_t)kh_rd32(p) | (uint64_t)kh_rd32(p + 4) << 32;
}
static inline void kh_wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}
static inline void kh_wr64(unsigned char *p, uint64_t v)
{
    kh_wr32(p, (uint32_t)v);
    kh_wr32(p + 4, (uint32_t)(v >> 32));
}

#endif
