/* test_store_hash.c: a story's identity (kh_story_hash) and shard
 * (kh_story_shard), src/sinks/store_hash.c: the documented byte layout,
 * independent of the file's name, dependent on the record's own metadata. */
#include <stdio.h>

#include "unit.h"
#include "core/sha256.h"

static void field(kh_sha256 *c, const char *v)
{
    unsigned char n8[8] = {0};
    size_t n = v ? strlen(v) : 0;
    for (size_t i = 0; i < 8; i++)
        n8[i] = (unsigned char)((uint64_t)n >> (8 * i));
    kh_sha256_update(c, n8, 8);
    if (n)
        kh_sha256_update(c, v, n);
}

/* The layout docs/store.md gives, written out independently. */
static void expected(const char *text, const char *id, const char *url, const char *pub,
                     char out[65])
{
    kh_sha256 c;
    unsigned char d[32];
    kh_sha256_init(&c);
    field(&c, "khaldun story 2"), field(&c, text), field(&c, id), field(&c, url), field(&c, pub);
    kh_sha256_final(&c, d);
    for (size_t i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

TEST(store_story_hash)
{
    kh_story s;
    memset(&s, 0, sizeof s);
    s.text = "Iran accused the United States.";
    s.text_len = strlen(s.text);
    s.source = "seed.txt", s.id = "seed.txt:12", s.line = 12;
    char a[65], b[65], want[65];
    kh_story_hash(&s, a);
    expected(s.text, NULL, NULL, NULL, want);
    CHECK_EQ_STR(a, want);
    /* Another spelling of the file, or standard input: the same story. */
    s.source = "./seed.txt", s.id = "./seed.txt:12";
    kh_story_hash(&s, b);
    CHECK_EQ_STR(a, b);
    s.source = "-", s.id = "-:12";
    kh_story_hash(&s, b);
    CHECK_EQ_STR(a, b);
    /* A record's own id, URL or publisher make it another story. */
    s.id = "wire-1";
    kh_story_hash(&s, b);
    expected(s.text, "wire-1", NULL, NULL, want);
    CHECK_EQ_STR(b, want);
    CHECK(strcmp(a, b) != 0);
    s.url = "https://example.org/a", s.publisher = "Outlet";
    kh_story_hash(&s, b);
    expected(s.text, "wire-1", s.url, s.publisher, want);
    CHECK_EQ_STR(b, want);
    /* Shards: in range, stable, everything in shard 0 of 1. */
    CHECK(kh_story_shard(&s, 1) == 0);
    CHECK(kh_story_shard(&s, 0) == 0);
    size_t k = kh_story_shard(&s, 7);
    CHECK(k < 7 && kh_story_shard(&s, 7) == k);
}
