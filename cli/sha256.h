/*
 * sha256.h: SHA-256 (FIPS 180-4) for the command line, where `khaldun eval
 * --gold` checks that a gold unit still points at the same story bytes. The
 * library keeps its own copy for the event store; the CLI, a client of the
 * public API only, cannot reach it.
 */
#ifndef KH_CLI_SHA256_H
#define KH_CLI_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct cli_sha256 {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char buf[64];
    size_t used;
} cli_sha256;

void cli_sha256_init(cli_sha256 *s);
void cli_sha256_update(cli_sha256 *s, const void *data, size_t len);
void cli_sha256_final(cli_sha256 *s, unsigned char out[32]);
/* The first `hex` hex digits (at most 64) of SHA-256(data) into out, NUL-terminated. */
void cli_sha256_hex(const void *data, size_t len, char *out, size_t hex);

#endif
