/*
 * fuzz_store.c: libFuzzer harness for the store opener (kh_store_open,
 * src/sinks/store.c): a file that is not an intact khaldun store must be
 * refused before anything is written to it, and an accepted one must be
 * safe to query. The first byte picks the mode:
 *   bit 0 clear: the rest is the database file as it stands;
 *   bit 0 set:   the rest is a list of edits (5 bytes each: op, 4-byte
 *                argument: flip a byte, set a byte, truncate) applied to a
 *                REAL store, made once with kh_store_open(KH_STORE_CREATE)
 *                and given two stories, an event and its mentions through
 *                SQLite, so the edits reach the header, the schema, the
 *                application id and the rows;
 *   bit 1 set:   a name instead of a file (the rest picks one of "", ":memory:",
 *                "file:NAME", a folder, a missing folder): always refused.
 * Checks: opening read-write either succeeds or leaves the file's bytes as
 * they were (no WAL switch, no schema added, no application id written); an
 * accepted store answers counts and a query with mentions without crashing.
 *
 *   sh fuzz/run.sh build-fuzz 60     (builds with the whole library)
 *   build-fuzz/fuzz_store fuzz/corpus/store
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "khaldun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FILE ((size_t)1 << 20)

static void check(int cond)
{
    if (!cond)
        abort();
}

static char dir[64];    /* this process's folder for its files */
static char path[128];  /* the database file */
static unsigned char *real;
static size_t real_len;

static void remove_db(void)
{
    static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
    char p[160];
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        snprintf(p, sizeof p, "%s%s", path, ext[i]);
        unlink(p);
    }
}

static unsigned char *slurp(const char *name, size_t *len)
{
    FILE *f = fopen(name, "rb");
    if (!f)
        return NULL;
    unsigned char *b = malloc(MAX_FILE);
    check(b != NULL);
    *len = fread(b, 1, MAX_FILE, f);
    fclose(f);
    return b;
}

static void spit(const unsigned char *p, size_t len)
{
    remove_db();
    FILE *f = fopen(path, "wb");
    check(f != NULL);
    check(fwrite(p, 1, len, f) == len);
    check(fclose(f) == 0);
}

/* The real store: khaldun's schema, two stories, one event, two mentions. */
static void make_real(void)
{
    kh_store *s = NULL;
    check(kh_store_open(path, KH_STORE_CREATE, &s, NULL) == KH_OK);
    kh_store_close(s);
    sqlite3 *db = NULL;
    check(sqlite3_open(path, &db) == SQLITE_OK);
    const char *sql =
        "PRAGMA journal_mode=DELETE;"
        "INSERT INTO stories(id, story_id, date, title, publisher, url, dateline, source_file,"
        " line, input_offset, raw, content_hash, dict_hash, src_key, units, captions, text)"
        " VALUES(1,'a','2024-01-02','T','P','u','D','f',1,0,1,'h1','d','k',"
        "'[]','[]','Iran accused the United States.');"
        "INSERT INTO stories(id, story_id, date, title, publisher, url, dateline, source_file,"
        " line, input_offset, raw, content_hash, dict_hash, src_key, units, captions, text)"
        " VALUES(2,'b','2024-01-02',NULL,NULL,NULL,NULL,'f',2,9,1,'h2','d',"
        "'k2','[]','[]','Iran accused America.');"
        "INSERT INTO sentences VALUES(1,0,1,0,31,'Iran accused the United States.');"
        "INSERT INTO sentences VALUES(2,0,1,0,21,'Iran accused America.');"
        "INSERT INTO sentence_fts(rowid, text) SELECT (story << 24) | idx, text FROM sentences;"
        "INSERT INTO events(id, date, source, target, code, root, quad, goldstein, name,"
        " source_name, target_name, flags, place_name, place_country, place_admin1, place_lat,"
        " place_lon, place_type, place_feature, place_story, num_mentions, num_sources,"
        " num_articles, first_story, dict_hash, date_precision)"
        " VALUES(1,'2024-01-02','IRN','USA','112','11',3,-2.0,'Accuse',"
        "'Iran','United States',0,'Tehran','IRN',NULL,35.7,51.4,1,NULL,1,2,1,2,1,'d','day');"
        "INSERT INTO mentions VALUES(1,1,1,0,1,0,31,0,4,17,13,5,25,'p:1');"
        "INSERT INTO mentions VALUES(2,1,2,0,1,0,21,0,4,13,7,5,15,NULL);"
        "INSERT INTO event_sources VALUES(1,'P');"
        "PRAGMA journal_mode=WAL;";
    check(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
    check(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    real = slurp(path, &real_len);
    check(real != NULL && real_len > 0);
    remove_db();
}

static void setup(void)
{
    if (dir[0])
        return;
    snprintf(dir, sizeof dir, "/tmp/khaldun-fuzz-store-%ld", (long)getpid());
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/s.db", dir);
    make_real();
}

static kh_status on_event(void *ctx, const kh_store_event *e)
{
    size_t *n = (size_t *)ctx;
    (*n)++;
    for (size_t i = 0; i < e->n_mentions; i++)
        check(e->mentions[i].story != NULL);
    return KH_OK;
}

static void use(kh_store *s)
{
    size_t stories = 0, events = 0, mentions = 0, n = 0;
    (void)kh_store_counts(s, &stories, &events, &mentions);
    kh_store_query q;
    memset(&q, 0, sizeof q);
    q.limit = 20;
    (void)kh_store_query_events(s, &q, KH_QUERY_MENTIONS, on_event, &n);
    q.text = "Iran";
    (void)kh_store_query_events(s, &q, 0, on_event, &n);
}

static void names(uint8_t pick)
{
    char folder[96], missing[96], uri[160];
    snprintf(folder, sizeof folder, "%s/folder", dir);
    mkdir(folder, 0700);
    snprintf(missing, sizeof missing, "%s/no/such/s.db", dir);
    snprintf(uri, sizeof uri, "file:%s", path);
    const char *const list[] = {"", ":memory:", uri, folder, missing, "file::memory:"};
    kh_store *s = NULL;
    kh_error err;
    spit(real, real_len); /* file:PATH names a real store: still refused */
    kh_status st = kh_store_open(list[pick % 6], KH_STORE_CREATE, &s, &err);
    check(st != KH_OK && s == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    if (!size)
        return 0;
    uint8_t mode = data[0];
    data++, size--;
    if (mode & 2) {
        names(size ? data[0] : 0);
        remove_db();
        return 0;
    }
    unsigned char *file;
    size_t len;
    if (mode & 1) {
        file = malloc(real_len);
        check(file != NULL);
        memcpy(file, real, real_len);
        len = real_len;
        for (size_t i = 0; i + 5 <= size && len; i += 5) {
            uint32_t arg = (uint32_t)data[i + 1] | (uint32_t)data[i + 2] << 8 |
                           (uint32_t)data[i + 3] << 16 | (uint32_t)data[i + 4] << 24;
            size_t at = arg % len;
            switch (data[i] % 3) {
            case 0: file[at] ^= (unsigned char)(1u << (arg >> 29)); break;
            case 1: file[at] = (unsigned char)(arg >> 24); break;
            default: len = at; break;
            }
        }
    } else {
        len = size < MAX_FILE ? size : MAX_FILE;
        file = malloc(len ? len : 1);
        check(file != NULL);
        memcpy(file, data, len);
    }
    spit(file, len);
    kh_store *s = NULL;
    kh_error err;
    if (kh_store_open(path, KH_STORE_READONLY, &s, &err) == KH_OK) {
        use(s);
        kh_store_close(s);
    }
    /* Read-write: refused means untouched. */
    spit(file, len);
    s = NULL;
    if (kh_store_open(path, 0, &s, &err) == KH_OK) {
        use(s);
        kh_store_close(s);
    } else {
        size_t now_len = 0;
        unsigned char *now = slurp(path, &now_len);
        check(now != NULL && now_len == len && (!len || !memcmp(now, file, len)));
        free(now);
    }
    free(file);
    remove_db();
    return 0;
}
