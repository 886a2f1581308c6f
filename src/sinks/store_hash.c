/*
 * store_hash.c: who a story is. The identity the event store keys stories
 * by (kh_story_hash) and the shard a story falls in (kh_story_shard), so
 * that N machines coding one archive with `khaldun code --shard I/N` split
 * it the same way whatever the files are called, and `khaldun merge` puts
 * the pieces back together by the same key.
 *
 * A story is its text together with its own metadata, the record id, URL
 * and publisher its record gives, and never the name of the file that held
 * it: the same file read as seed.txt, ./seed.txt, an absolute path or
 * standard input is one story, while two outlets' copies of one wire story
 * (another URL or publisher) stay two. The date is not part of it, so a
 * corrected --date finds the stories already stored. (docs/store.md)
 */
#include <stdio.h>

#include "core/sha256.h"
#include "sinks/store.h"

/* 1 when the story's id is the reader's "SOURCE:LINE" (the record gave
 * none): it names the file, so it is not part of the story. */
static int id_is_position(const kh_story *s)
{
    if (!s->id || !s->source)
        return s->id == NULL;
    size_t n = strlen(s->source);
    if (strncmp(s->id, s->source, n) != 0 || s->id[n] != ':')
        return 0;
    char line[32];
    snprintf(line, sizeof line, "%zu", s->line);
    return strcmp(s->id + n + 1, line) == 0;
}

/* A field: its 8-byte little-endian length, then its bytes. */
static void put_field(kh_sha256 *c, const char *v, size_t len)
{
    unsigned char n8[8];
    for (size_t i = 0; i < 8; i++)
        n8[i] = (unsigned char)((uint64_t)len >> (8 * i));
    kh_sha256_update(c, n8, 8);
    if (len)
        kh_sha256_update(c, v, len);
}

void kh_story_hash(const kh_story *story, char hex[65])
{
    static const char tag[] = "khaldun story 2";
    kh_sha256 c;
    unsigned char d[32];
    const char *id = id_is_position(story) ? NULL : story->id;
    kh_sha256_init(&c);
    put_field(&c, tag, sizeof tag - 1);
    put_field(&c, story->text, story->text ? story->text_len : 0);
    put_field(&c, id, id ? strlen(id) : 0);
    put_field(&c, story->url, story->url ? strlen(story->url) : 0);
    put_field(&c, story->publisher, story->publisher ? strlen(story->publisher) : 0);
    kh_sha256_final(&c, d);
    for (size_t i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

size_t kh_story_shard(const kh_story *story, size_t n)
{
    if (n < 2)
        return 0;
    char hex[65];
    kh_story_hash(story, hex);
    uint64_t v = 0;
    for (size_t i = 0; i < 16; i++) {
        char ch = hex[i];
        v = v << 4 | (uint64_t)(ch <= '9' ? ch - '0' : ch - 'a' + 10);
    }
    return (size_t)(v % n);
}
