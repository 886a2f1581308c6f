/* test_sha256.c: the SHA-256 of src/core against the FIPS 180-4 vectors,
 * fed whole and byte by byte (the event store's content hash rests on it). */
#include <stdio.h>

#include "unit.h"
#include "core/sha256.h"

static void hex(const unsigned char d[32], char out[65])
{
    for (size_t i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void digest(const char *s, size_t len, int bytewise, char out[65])
{
    kh_sha256 c;
    unsigned char d[32];
    kh_sha256_init(&c);
    if (bytewise)
        for (size_t i = 0; i < len; i++)
            kh_sha256_update(&c, s + i, 1);
    else
        kh_sha256_update(&c, s, len);
    kh_sha256_final(&c, d);
    hex(d, out);
}

TEST(core_sha256)
{
    static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    char h[65];
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        digest("", 0, bytewise, h);
        CHECK_EQ_STR(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        digest("abc", 3, bytewise, h);
        CHECK_EQ_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        digest(two_blocks, sizeof two_blocks - 1, bytewise, h);
        CHECK_EQ_STR(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }
}

/* The public kh_sha256_hex: the same digest, cut to the digits asked for. */
TEST(core_sha256_hex)
{
    char h[65];
    kh_sha256_hex("abc", 3, h, 64);
    CHECK_EQ_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    kh_sha256_hex("abc", 3, h, 8);
    CHECK_EQ_STR(h, "ba7816bf");
    kh_sha256_hex("", 0, h, 100);
    CHECK_EQ_STR(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
