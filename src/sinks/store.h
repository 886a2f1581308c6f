/*
 * store.h: internals of the event store sink (src/sinks/store.c), the last
 * stage of the pipeline: coded stories and events go into an SQLite
 * database (docs/store.md). Only the SHA-256 used for the stories' content
 * hash is shared, so unit tests can check it against known vectors.
 */
#ifndef KH_SINKS_STORE_H
#define KH_SINKS_STORE_H

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
/* Writes the 32-byte digest. */
void kh_sha256_final(kh_sha256 *c, unsigned char out[32]);

#endif
