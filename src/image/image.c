/*
 * image.c: verify, map and write compiled images (see image.h for the
 * layout). A truncated, corrupted or foreign file is refused with
 * KH_ERR_CORRUPT or KH_ERR_VERSION before any offset in it is used. Images
 * are written through the one output opener (core/output.c), never over a
 * file the build read, a device or a folder.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image.h"

uint64_t kh_image_checksum(const unsigned char *p, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w = kh_rd64(p + i);
        h ^= w * 0xC2B2AE3D27D4EB4FULL;
        h = (h << 31 | h >> 33) * 0x9E3779B97F4A7C15ULL;
    }
    for (; i < len; i++) {
        h ^= p[i] * 0x165667B19E3779F9ULL;
        h = (h << 23 | h >> 41) * 0x9E3779B97F4A7C15ULL;
    }
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 32;
    return h;
}

kh_status kh_image_from_memory(const void *data, size_t size, uint32_t kind,
                               uint32_t version, kh_image *out, kh_error *err)
{
    const unsigned char *p = (const unsigned char *)data;
    memset(out, 0, sizeof *out);
    if (!p || size < KH_IMAGE_HEADER || memcmp(p, KH_IMAGE_MAGIC, 8) != 0)
        return kh_error_set(err, KH_ERR_CORRUPT, 0, 0, "not a khaldun image (bad magic)");
    if (kh_rd32(p + 8) != kind)
        return kh_error_set(err, KH_ERR_CORRUPT, 0, 0, "image is of another kind (%.4s)",
                            (const char *)p + 8);
    uint32_t v = kh_rd32(p + 12);
    if (v != version)
        return kh_error_set(err, KH_ERR_VERSION, 0, 0,
                            "image format version %u, this build reads version %u", v, version);
    uint64_t total = kh_rd64(p + 16);
    if (total != size)
        return kh_error_set(err, KH_ERR_CORRUPT, 0, 0,
                            "image is %zu bytes, its header says %llu (truncated?)", size,
                            (unsigned long long)total);
    uint32_t n = kh_rd32(p + 40);
    if (n > KH_IMAGE_MAX_SECTIONS || KH_IMAGE_HEADER + (size_t)n * 24 > size)
        return kh_error_set(err, KH_ERR_CORRUPT, 0, 0, "bad section count %u", n);
    for (uint32_t i = 0; i < n; i++) {
        const unsigned char *s = p + KH_IMAGE_HEADER + (size_t)i * 24;
        uint64_t off = kh_rd64(s + 8), len = kh_rd64(s + 16);
        if (off > size || len > size - off || off < KH_IMAGE_HEADER + (size_t)n * 24 || (off & 7))
            return kh_error_set(err, KH_ERR_CORRUPT, 0, 0, "section %u out of bounds", i);
    }
    uint64_t sum = kh_image_checksum(p + 48, size - 48);
    if (sum != kh_rd64(p + 24))
        return kh_error_set(err, KH_ERR_CORRUPT, 0, 0, "image checksum mismatch (corrupted)");
    out->base = p;
    out->size = size;
    out->kind = kind;
    out->version = version;
    out->checksum = sum;
    out->source_hash = kh_rd64(p + 32);
    out->n_sections = n;
    return KH_OK;
}

kh_status kh_image_open(const char *path, uint32_t kind, uint32_t version,
                        const kh_allocator *alloc, kh_image *out, kh_error *err)
{
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return kh_error_set(err, errno == ENOENT ? KH_ERR_NOTFOUND : KH_ERR_IO, 0, 0,
                            "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: not a regular file", path);
    }
    size_t size = (size_t)st.st_size;
    if (size < KH_IMAGE_HEADER) {
        close(fd);
        return kh_error_set(err, KH_ERR_CORRUPT, 0, 0, "%s: too short to be an image", path);
    }
    void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: cannot map: %s", path, strerror(errno));
    kh_status stt = kh_image_from_memory(map, size, kind, version, out, err);
    if (stt) {
        munmap(map, size);
        if (err) {
            char msg[sizeof err->message];
            int n = snprintf(msg, sizeof msg, "%s: %s", path, err->message);
            if (n < 0 || (size_t)n >= sizeof msg) /* too long: the path, then what fits */
                memcpy(msg + sizeof msg - 4, "...", 4);
            memcpy(err->message, msg, sizeof msg);
        }
        return stt;
    }
    out->mapped = 1;
    out->alloc = alloc;
    return KH_OK;
}

void kh_image_close(kh_image *img)
{
    if (!img || !img->base)
        return;
    if (img->mapped)
        munmap((void *)img->base, img->size);
    kh_free(img->alloc, img->owned);
    memset(img, 0, sizeof *img);
}

const void *kh_image_section(const kh_image *img, uint32_t id, size_t *len)
{
    *len = 0;
    for (uint32_t i = 0; i < img->n_sections; i++) {
        const unsigned char *s = img->base + KH_IMAGE_HEADER + (size_t)i * 24;
        if (kh_rd32(s) == id) {
            *len = (size_t)kh_rd64(s + 16);
            return img->base + kh_rd64(s + 8);
        }
    }
    return NULL;
}

kh_status kh_image_build(uint32_t kind, uint32_t version, uint64_t source_hash,
                         const kh_image_section_in *sections, size_t n,
                         const kh_allocator *alloc, unsigned char **out, size_t *size,
                         kh_error *err)
{
    *out = NULL;
    *size = 0;
    if (n > KH_IMAGE_MAX_SECTIONS)
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "too many sections");
    size_t off = KH_IMAGE_HEADER + n * 24;
    size_t total = off;
    for (size_t i = 0; i < n; i++) {
        total = (total + 7) & ~(size_t)7;
        if (!kh_add_ok(total, sections[i].len, &total))
            return kh_error_set(err, KH_ERR_LIMIT, 0, 0, "image too large");
    }
    total = (total + 7) & ~(size_t)7;
    unsigned char *img = (unsigned char *)kh_calloc(alloc, 1, total);
    if (!img)
        return kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory laying out an image");
    memcpy(img, KH_IMAGE_MAGIC, 8);
    kh_wr32(img + 8, kind);
    kh_wr32(img + 12, version);
    kh_wr64(img + 16, total);
    kh_wr64(img + 32, source_hash);
    kh_wr32(img + 40, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        off = (off + 7) & ~(size_t)7;
        unsigned char *s = img + KH_IMAGE_HEADER + i * 24;
        kh_wr32(s, sections[i].id);
        kh_wr64(s + 8, off);
        kh_wr64(s + 16, sections[i].len);
        if (sections[i].len)
            memcpy(img + off, sections[i].data, sections[i].len);
        off += sections[i].len;
    }
    kh_wr64(img + 24, kh_image_checksum(img + 48, total - 48));
    *out = img;
    *size = total;
    return KH_OK;
}

kh_status kh_image_write(const char *path, uint32_t kind, uint32_t version,
                         uint64_t source_hash, const kh_image_section_in *sections, size_t n,
                         const kh_file_id *inputs, size_t n_inputs, const char *inputs_role,
                         const kh_allocator *alloc, kh_error *err)
{
    /* The output is checked (and its temporary made) before the image is
     * laid out, so a refused name costs nothing and leaves no trace. */
    kh_output *out = NULL;
    kh_status st = kh_output_open_ex(path, NULL, inputs, n_inputs, inputs_role, alloc, &out, err);
    if (st)
        return st;
    unsigned char *img = NULL;
    size_t total = 0;
    st = kh_image_build(kind, version, source_hash, sections, n, alloc, &img, &total, err);
    if (!st && kh_output_write(out, (const char *)img, total) != KH_OK)
        st = kh_output_status(out, err);
    kh_free(alloc, img);
    if (st) {
        kh_output_discard(out);
        return st;
    }
    return kh_output_commit(out, err);
}
