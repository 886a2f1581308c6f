/*
 * sha256.h: SHA-256 (FIPS 180-4), an internal helper of the library. The
 * event store (src/sinks/) uses it for the stories' content hash; it sits in
 * core because nothing about it is specific to the store. Streaming: init,
 * update any number of times, final. No allocation, no global state.
 */
#ifndef KH_CORE_SHA256_H
#define KH_CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct kh_sha256 {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t fill;
} kh_sha256;

void kh_sha256_init(kh_sha256 *c);
void kh_sha256_update(kh_sha256 *c, const void *data, size_t len);
/* Writes the 32-byte digest. The context must be initialised again before reuse. */
void kh_sha256_final(kh_sha256 *c, unsigned char out[32]);

#endif
