/*
 * store.c: the event store, the SQLite sink at the end of the pipeline
 * (read -> ... -> events -> resolve -> sinks). Coded stories go in with
 * their text (so they can be re-coded), the sentences that carry evidence,
 * and their events merged across stories: one row per (date, source,
 * target, code) with GDELT's NumMentions / NumSources / NumArticles kept up
 * to date and every mention kept. Queries and statistics read it back;
 * writers for JSON Lines, CSV and GDELT 2.0 turn rows into output.
 *
 * Safety: a file is checked through a read-only connection before the
 * writable one is opened, so a foreign or newer database is never touched.
 * Writes run in batches in WAL mode; each story is added under a savepoint
 * so a failure (full disk, read-only file) drops that story whole. Every
 * statement uses bound parameters; the only SQL built at run time is the
 * WHERE clause of a query, from fixed fragments. The schema is documented
 * in docs/store.md; keep the two in step and bump KH_STORE_SCHEMA_VERSION
 * when it changes. Nothing here prints or exits.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/core.h"
#include "sinks/store.h"

kh_status kh_buf_put_num(kh_buf *b, double v, int decimals); /* events_json.c */

/* Stories per transaction are the caller's choice; this caps the words of a
 * --text query and the size of a built query. */
#define KH_STORE_MAX_WORDS 16
#define KH_STORE_MAX_SQL 4096
#define KH_STORE_MAX_BINDS 64

/* ---------------------------------------------------------------------- */
/* SHA-256 (FIPS 180-4), for the stories' content hash                     */
/* ---------------------------------------------------------------------- */

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

static uint32_t ror32(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static void sha_block(kh_sha256 *c, const unsigned char *p)
{
    uint32_t w[64], a, b, d, e, f, g, h, cc;
    for (size_t i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (size_t i = 16; i < 64; i++) {
        uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3];
    e = c->h[4], f = c->h[5], g = c->h[6], h = c->h[7];
    for (size_t i = 0; i < 64; i++) {
        uint32_t t1 = h + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) +
                      sha_k[i] + w[i];
        uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
        h = g, g = f, f = e, e = d + t1, d = cc, cc = b, b = a, a = t1 + t2;
    }
    c->h[0] += a, c->h[1] += b, c->h[2] += cc, c->h[3] += d;
    c->h[4] += e, c->h[5] += f, c->h[6] += g, c->h[7] += h;
}

void kh_sha256_init(kh_sha256 *c)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, iv, sizeof iv);
    c->bytes = 0;
    c->fill = 0;
}

void kh_sha256_update(kh_sha256 *c, const void *data, size_t len)
{
    const unsigned char *p = (const unsigned char *)data;
    c->bytes += len;
    while (len) {
        size_t take = 64 - c->fill < len ? 64 - c->fill : len;
        memcpy(c->block + c->fill, p, take);
        c->fill += take, p += take, len -= take;
        if (c->fill == 64) {
            sha_block(c, c->block);
            c->fill = 0;
        }
    }
}

void kh_sha256_final(kh_sha256 *c, unsigned char out[32])
{
    uint64_t bits = c->bytes * 8;
    unsigned char pad = 0x80, zero = 0, len8[8];
    kh_sha256_update(c, &pad, 1);
    while (c->fill != 56)
        kh_sha256_update(c, &zero, 1);
    for (size_t i = 0; i < 8; i++)
        len8[i] = (unsigned char)(bits >> (56 - 8 * i));
    kh_sha256_update(c, len8, 8);
    for (size_t i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(c->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)c->h[i];
    }
}

/* The content hash of a story, as 64 hex digits: SHA-256 over the 8-byte
 * little-endian length of the id, the id, and the text. */
static void story_hash(const kh_story *s, char hex[65])
{
    kh_sha256 c;
    unsigned char d[32], n8[8];
    size_t idlen = s->id ? strlen(s->id) : 0;
    for (size_t i = 0; i < 8; i++)
        n8[i] = (unsigned char)((uint64_t)idlen >> (8 * i));
    kh_sha256_init(&c);
    kh_sha256_update(&c, n8, 8);
    if (idlen)
        kh_sha256_update(&c, s->id, idlen);
    if (s->text_len)
        kh_sha256_update(&c, s->text, s->text_len);
    kh_sha256_final(&c, d);
    for (size_t i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* ---------------------------------------------------------------------- */
/* The handle, errors and statements                                      */
/* ---------------------------------------------------------------------- */

enum {
    ST_HAS, ST_INS_STORY, ST_FIND_EVENT, ST_INS_EVENT, ST_UPD_EVENT, ST_UPD_PLACE, ST_INS_SRC,
    ST_SEEN, ST_INS_MENTION, ST_INS_SENTENCE, ST_MENTIONS, ST_LOAD_STORY, ST_SET_DICT,
    ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    /* ST_HAS */ "SELECT id FROM stories WHERE content_hash = ?1",
    /* ST_INS_STORY */
    "INSERT INTO stories(story_id, date, title, publisher, url, dateline, source_file, line,"
    " input_offset, raw, content_hash, dict_hash, src_key, units, captions, text)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    /* ST_FIND_EVENT */
    "SELECT id FROM events WHERE date = ?1 AND source = ?2 AND target = ?3 AND code = ?4",
    /* ST_INS_EVENT */
    "INSERT INTO events(date, source, target, code, root, quad, goldstein, name, source_name,"
    " target_name, flags, num_mentions, num_sources, num_articles, first_story, dict_hash)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, 0, 0, 0, ?11, ?12)",
    /* ST_UPD_EVENT */
    "UPDATE events SET num_mentions = num_mentions + ?1, num_articles = num_articles + ?2,"
    " num_sources = num_sources + ?3, flags = flags | ?4, dict_hash = ?5 WHERE id = ?6",
    /* ST_UPD_PLACE */
    "UPDATE events SET place_name = ?1, place_country = ?2, place_admin1 = ?3, place_lat = ?4,"
    " place_lon = ?5, place_type = ?6, place_feature = ?7 WHERE id = ?8 AND place_name IS NULL",
    /* ST_INS_SRC */ "INSERT OR IGNORE INTO event_sources(event, src) VALUES(?1, ?2)",
    /* ST_SEEN */ "SELECT 1 FROM mentions WHERE event = ?1 AND story = ?2 LIMIT 1",
    /* ST_INS_MENTION */
    "INSERT INTO mentions(event, story, sentence, kind, text_off, text_len, source_off,"
    " source_len, target_off, target_len, verb_off, verb_len, pattern)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    /* ST_INS_SENTENCE */
    "INSERT OR IGNORE INTO sentences(story, idx, kind, off, len, text)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    /* ST_MENTIONS */
    "SELECT m.event, s.story_id, s.url, s.publisher, s.date, length(s.text), m.sentence,"
    " m.kind, m.text_off, m.text_len, m.source_off, m.source_len, m.target_off, m.target_len,"
    " m.verb_off, m.verb_len, se.text, m.pattern, s.dict_hash"
    " FROM mentions m JOIN stories s ON s.id = m.story"
    " LEFT JOIN sentences se ON se.story = m.story AND se.idx = m.sentence"
    " WHERE m.event = ?1 ORDER BY m.id",
    /* ST_LOAD_STORY */
    "SELECT story_id, date, title, publisher, url, dateline, source_file, line, input_offset,"
    " raw, units, captions, text, src_key FROM stories WHERE id = ?1",
    /* ST_SET_DICT */ "UPDATE stories SET dict_hash = ?1 WHERE id = ?2",
};

struct kh_store {
    sqlite3 *db;
    int writable;
    int in_batch;
    sqlite3_stmt *st[ST_COUNT];
    kh_arena arena; /* per-event memory for loaded mentions */
    char msg[512];
};

static const char schema_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE stories(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  story_id TEXT NOT NULL,\n"
    "  date TEXT,\n"
    "  title TEXT, publisher TEXT, url TEXT, dateline TEXT,\n"
    "  source_file TEXT, line INTEGER, input_offset INTEGER, raw INTEGER NOT NULL,\n"
    "  content_hash TEXT NOT NULL UNIQUE,\n"
    "  dict_hash TEXT NOT NULL,\n"
    "  src_key TEXT NOT NULL,\n"
    "  units TEXT NOT NULL, captions TEXT NOT NULL,\n"
    "  text BLOB NOT NULL);\n"
    "CREATE TABLE sentences(\n"
    "  story INTEGER NOT NULL REFERENCES stories(id),\n"
    "  idx INTEGER NOT NULL, kind INTEGER NOT NULL, off INTEGER NOT NULL, len INTEGER NOT NULL,\n"
    "  text TEXT NOT NULL,\n"
    "  PRIMARY KEY(story, idx)) WITHOUT ROWID;\n"
    "CREATE TABLE events(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  date TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, code TEXT NOT NULL,\n"
    "  root TEXT NOT NULL, quad INTEGER NOT NULL, goldstein REAL NOT NULL, name TEXT,\n"
    "  source_name TEXT, target_name TEXT, flags INTEGER NOT NULL,\n"
    "  place_name TEXT, place_country TEXT, place_admin1 TEXT, place_lat REAL, place_lon REAL,\n"
    "  place_type INTEGER, place_feature INTEGER,\n"
    "  num_mentions INTEGER NOT NULL, num_sources INTEGER NOT NULL,\n"
    "  num_articles INTEGER NOT NULL,\n"
    "  first_story INTEGER NOT NULL REFERENCES stories(id),\n"
    "  dict_hash TEXT NOT NULL,\n"
    "  UNIQUE(date, source, target, code));\n"
    "CREATE TABLE mentions(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  event INTEGER NOT NULL REFERENCES events(id),\n"
    "  story INTEGER NOT NULL REFERENCES stories(id),\n"
    "  sentence INTEGER NOT NULL, kind INTEGER NOT NULL,\n"
    "  text_off INTEGER NOT NULL, text_len INTEGER NOT NULL,\n"
    "  source_off INTEGER NOT NULL, source_len INTEGER NOT NULL,\n"
    "  target_off INTEGER NOT NULL, target_len INTEGER NOT NULL,\n"
    "  verb_off INTEGER NOT NULL, verb_len INTEGER NOT NULL,\n"
    "  pattern TEXT);\n"
    "CREATE TABLE event_sources(event INTEGER NOT NULL, src TEXT NOT NULL,\n"
    "  PRIMARY KEY(event, src)) WITHOUT ROWID;\n"
    "CREATE INDEX events_date ON events(date);\n"
    "CREATE INDEX events_dyad ON events(source, target, date);\n"
    "CREATE INDEX events_target ON events(target, date);\n"
    "CREATE INDEX events_code ON events(code, date);\n"
    "CREATE INDEX events_root ON events(root, date);\n"
    "CREATE INDEX events_country ON events(place_country, date);\n"
    "CREATE INDEX mentions_event ON mentions(event, story);\n"
    "CREATE INDEX mentions_story ON mentions(story);\n";

static kh_status fail(kh_store *s, kh_status code, const char *fmt, ...) KH_PRINTF(3, 4);
static kh_status fail(kh_store *s, kh_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    va_end(ap);
    return code;
}

/* Maps an SQLite failure to a status and a message that says what to do. */
static kh_status db_fail(kh_store *s, int rc, const char *what)
{
    int base = rc & 0xff;
    const char *m = sqlite3_errmsg(s->db);
    if (base == SQLITE_FULL)
        return fail(s, KH_ERR_IO, "%s: disk full (the last batch was not stored)", what);
    if (base == SQLITE_READONLY)
        return fail(s, KH_ERR_IO, "%s: the database is read-only (%s)", what, m);
    if (base == SQLITE_IOERR || base == SQLITE_CANTOPEN)
        return fail(s, KH_ERR_IO, "%s: %s", what, m);
    if (base == SQLITE_NOMEM)
        return fail(s, KH_ERR_NOMEM, "%s: out of memory", what);
    if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
        return fail(s, KH_ERR_DB, "%s: the database is locked by another process", what);
    if (base == SQLITE_CORRUPT || base == SQLITE_NOTADB)
        return fail(s, KH_ERR_CORRUPT, "%s: %s", what, m);
    return fail(s, KH_ERR_DB, "%s: %s", what, m);
}

static kh_status exec(kh_store *s, const char *sql)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? KH_OK : db_fail(s, rc, sql);
}

/* The cached statement `id`, reset and unbound, or NULL on failure. */
static sqlite3_stmt *stmt(kh_store *s, int id)
{
    if (!s->st[id]) {
        int rc = sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                    &s->st[id], NULL);
        if (rc != SQLITE_OK) {
            db_fail(s, rc, "preparing a statement");
            return NULL;
        }
    } else {
        sqlite3_reset(s->st[id]);
        sqlite3_clear_bindings(s->st[id]);
    }
    return s->st[id];
}

static int bind_text(sqlite3_stmt *q, int i, const char *v, size_t len)
{
    if (!v)
        return sqlite3_bind_null(q, i);
    if (len > INT_MAX)
        return SQLITE_TOOBIG;
    return sqlite3_bind_text(q, i, v, (int)len, SQLITE_STATIC);
}

static int bind_str(sqlite3_stmt *q, int i, const char *v)
{
    return bind_text(q, i, v, v ? strlen(v) : 0);
}

static int bind_size(sqlite3_stmt *q, int i, size_t v)
{
    return sqlite3_bind_int64(q, i, (sqlite3_int64)v);
}

static size_t col_size(sqlite3_stmt *q, int i)
{
    sqlite3_int64 v = sqlite3_column_int64(q, i);
    return v > 0 ? (size_t)v : 0;
}

static const char *col_str(sqlite3_stmt *q, int i)
{
    return (const char *)sqlite3_column_text(q, i);
}

static void date_text(kh_date d, char out[16])
{
    if (!d.year) {
        out[0] = '\0';
        return;
    }
    snprintf(out, 16, "%04d-%02d-%02d", d.year, d.month, d.day);
}

static kh_date date_parse_col(const char *t)
{
    kh_date d = {0, 0, 0};
    if (t && *t)
        (void)kh_date_parse(t, strlen(t), &d);
    return d;
}

/* ---------------------------------------------------------------------- */
/* Opening                                                                */
/* ---------------------------------------------------------------------- */

static int file_nonempty(const char *path, int *exists)
{
    struct stat sb;
    *exists = stat(path, &sb) == 0;
    return *exists && sb.st_size > 0;
}

/* Opens `path` read-only. A WAL database in a folder we cannot write (no
 * PATH-shm can be made) is opened as immutable instead: nobody can be
 * writing it then, since a writer would need the same files. */
static int open_readonly(const char *path, sqlite3 **db)
{
    int rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_exec(*db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    int base = rc & 0xff;
    if (base != SQLITE_READONLY && base != SQLITE_CANTOPEN)
        return SQLITE_OK; /* other problems are reported by the caller's own query */
    char uri[8192];
    size_t k = (size_t)snprintf(uri, sizeof uri, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p && k + 4 < sizeof uri; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '/' || *p == '.' || *p == '_' || *p == '-')
            uri[k++] = (char)*p;
        else
            k += (size_t)snprintf(uri + k, sizeof uri - k, "%%%02X", *p);
    }
    snprintf(uri + k, sizeof uri - k, "?immutable=1");
    sqlite3_close(*db);
    *db = NULL;
    return sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                           NULL);
}

/* PRAGMA quick_check through the read-only connection: KH_OK when it
 * answers "ok", else KH_ERR_CORRUPT with its first complaint. */
static kh_status quick_check(sqlite3 *db, const char *path, kh_error *err)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &q, NULL);
    kh_status st = KH_OK;
    if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *r = (const char *)sqlite3_column_text(q, 0);
        if (!r || strcmp(r, "ok") != 0) {
            /* Its first complaint on one line, without the "*** in database
             * main ***" heading. */
            char why[128];
            size_t n = 0;
            if (r && !strncmp(r, "*** ", 4) && strchr(r, '\n'))
                r = strchr(r, '\n') + 1;
            for (; r && *r && n + 1 < sizeof why; r++)
                why[n++] = *r == '\n' || *r == '\r' ? ' ' : *r;
            why[n] = '\0';
            st = kh_error_set(err, KH_ERR_CORRUPT, 0, 0,
                              "%s: the event store is damaged (PRAGMA quick_check: %s); "
                              "refusing to write into it. The file was not modified",
                              path, n ? why : "no answer");
        }
    } else {
        st = kh_error_set(err, KH_ERR_CORRUPT, 0, 0,
                          "%s: the event store is damaged (PRAGMA quick_check: %s); refusing "
                          "to write into it. The file was not modified", path, sqlite3_errmsg(db));
    }
    sqlite3_finalize(q);
    return st;
}

/* Checks an existing file through a read-only connection. Sets *empty when
 * the file holds no schema at all (a run killed while creating it). With
 * `for_writing`, a store must also pass PRAGMA quick_check. */
static kh_status check_file(const char *path, int for_writing, int *empty, kh_error *err)
{
    sqlite3 *db = NULL;
    *empty = 0;
    int rc = open_readonly(path, &db);
    if (rc != SQLITE_OK) {
        kh_status st = kh_error_set(err, KH_ERR_IO, 0, 0, "%s: cannot open: %s", path,
                                    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return st;
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt *q = NULL;
    long long app = 0, ver = 0, tables = 0;
    rc = sqlite3_prepare_v2(db,
                            "SELECT (SELECT application_id FROM pragma_application_id),"
                            " (SELECT user_version FROM pragma_user_version),"
                            " (SELECT count(*) FROM sqlite_master)",
                            -1, &q, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        app = sqlite3_column_int64(q, 0);
        ver = sqlite3_column_int64(q, 1);
        tables = sqlite3_column_int64(q, 2);
        rc = SQLITE_OK;
    }
    kh_status st = KH_OK;
    if (rc != SQLITE_OK) {
        if ((rc & 0xff) == SQLITE_NOTADB)
            st = kh_error_set(err, KH_ERR_FORMAT, 0, 0,
                              "%s: not an SQLite database, so not a khaldun event store; "
                              "refusing to touch it", path);
        else
            st = kh_error_set(err, KH_ERR_IO, 0, 0, "%s: cannot read: %s", path,
                              sqlite3_errmsg(db));
    } else if (app == 0 && ver == 0 && tables == 0) {
        *empty = 1;
    } else if (app != KH_STORE_APPLICATION_ID) {
        st = kh_error_set(err, KH_ERR_FORMAT, 0, 0,
                          "%s: not a khaldun event store (SQLite application_id 0x%08llx, "
                          "expected 0x%08x); refusing to touch it",
                          path, (unsigned long long)app & 0xffffffffULL,
                          (unsigned)KH_STORE_APPLICATION_ID);
    } else if (ver > KH_STORE_SCHEMA_VERSION) {
        st = kh_error_set(err, KH_ERR_VERSION, 0, 0,
                          "%s: event store schema version %lld is newer than this khaldun "
                          "supports (%d); upgrade khaldun. The file was not modified",
                          path, ver, KH_STORE_SCHEMA_VERSION);
    } else if (ver < 1) {
        st = kh_error_set(err, KH_ERR_FORMAT, 0, 0,
                          "%s: khaldun event store without a schema version; refusing it", path);
    }
    sqlite3_finalize(q);
    if (!st && !*empty && for_writing)
        st = quick_check(db, path, err);
    sqlite3_close(db);
    return st;
}

static kh_status create_schema(kh_store *s)
{
    kh_status st = exec(s, "BEGIN IMMEDIATE");
    if (st)
        return st;
    char sql[256];
    if ((st = exec(s, schema_sql)))
        goto fail;
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
             KH_STORE_APPLICATION_ID, KH_STORE_SCHEMA_VERSION);
    if ((st = exec(s, sql)))
        goto fail;
    snprintf(sql, sizeof sql,
             "INSERT INTO meta(key, value) VALUES('schema_version', '%d'), "
             "('application', 'khaldun'), ('created_by', 'khaldun %s')",
             KH_STORE_SCHEMA_VERSION, KH_VERSION_STRING);
    if ((st = exec(s, sql)))
        goto fail;
    if ((st = exec(s, "COMMIT")))
        goto fail;
    return KH_OK;
fail:
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

/* A store is a regular file named by its path. SQLite gives some names
 * other meanings: "" is a private temporary database and ":memory:" one in
 * memory, both gone at close, so a run would report stories as stored and
 * keep none; "file:..." is a URI. */
static kh_status check_name(const char *path, kh_error *err)
{
    if (!*path)
        return kh_error_set(err, KH_ERR_INVALID, 0, 0,
                            "empty event store name (an unset variable?); give the path of a "
                            "file");
    if (!strcmp(path, ":memory:"))
        return kh_error_set(err, KH_ERR_INVALID, 0, 0,
                            ":memory:: an in-memory database keeps nothing; give the path of a "
                            "file (./:memory: for a file of that name)");
    /* SQLite reads a name beginning "file:" as a URI (Debian enables them
     * for every connection), which would bypass the checks below: the file
     * checked would not be the file opened. */
    if (!strncmp(path, "file:", 5))
        return kh_error_set(err, KH_ERR_INVALID, 0, 0,
                            "%s: looks like an SQLite URI; khaldun takes a path only "
                            "(./%s for a file of that name)", path, path);
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "%s: %s, not an event store", path,
                            S_ISDIR(sb.st_mode) ? "a folder" : "not a regular file");
    return KH_OK;
}

kh_status kh_store_open(const char *path, unsigned flags, kh_store **out, kh_error *err)
{
    if (!path || !out || (flags & ~(unsigned)(KH_STORE_READONLY | KH_STORE_CREATE)) ||
        ((flags & KH_STORE_READONLY) && (flags & KH_STORE_CREATE)))
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "kh_store_open: bad arguments");
    *out = NULL;
    kh_status name_st = check_name(path, err);
    if (name_st)
        return name_st;
    int readonly = (flags & KH_STORE_READONLY) != 0;
    int exists, empty = 1;
    if (file_nonempty(path, &exists)) {
        kh_status st = check_file(path, !readonly, &empty, err);
        if (st)
            return st;
    }
    if (!exists && !(flags & KH_STORE_CREATE))
        return kh_error_set(err, KH_ERR_NOTFOUND, 0, 0, "%s: no such event store", path);
    if (empty && readonly)
        return kh_error_set(err, KH_ERR_FORMAT, 0, 0, "%s: empty file, not an event store", path);
    if (empty && !(flags & KH_STORE_CREATE))
        return kh_error_set(err, KH_ERR_FORMAT, 0, 0, "%s: empty file, not an event store", path);
    if (!readonly) {
        /* WAL needs to create PATH-wal and PATH-shm beside the file. */
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash)
            slash[slash == dir ? 1 : 0] = '\0';
        else
            snprintf(dir, sizeof dir, ".");
        if ((exists && access(path, W_OK) != 0) || access(dir, W_OK) != 0)
            return kh_error_set(err, KH_ERR_IO, 0, 0,
                                "%s: the database is read-only (no write permission on the file "
                                "or its folder); nothing was written", path);
    }
    kh_store *s = (kh_store *)calloc(1, sizeof *s);
    if (!s)
        return kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    kh_arena_init(&s->arena, NULL, 0);
    int rc = readonly ? open_readonly(path, &s->db)
                      : sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                                          SQLITE_OPEN_NOMUTEX, NULL);
    kh_status st = KH_OK;
    if (rc != SQLITE_OK) {
        st = kh_error_set(err, KH_ERR_IO, 0, 0, "%s: cannot open: %s", path,
                          s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 10000);
    s->writable = !readonly;
    if (s->writable && sqlite3_db_readonly(s->db, "main") == 1) {
        st = kh_error_set(err, KH_ERR_IO, 0, 0, "%s: the database is read-only", path);
        goto fail;
    }
    if (s->writable) {
        /* WAL: readers never block the writer, and a killed writer leaves the
         * last committed batch. NORMAL sync is crash-safe for the process. */
        if ((st = exec(s, "PRAGMA journal_mode = WAL")) ||
            (st = exec(s, "PRAGMA synchronous = NORMAL")) ||
            (empty && (st = create_schema(s)))) {
            kh_error_set(err, st, 0, 0, "%s: %s", path, s->msg);
            goto fail;
        }
        if (empty) { /* re-check what we wrote, as any other opener would */
            int e2;
            if ((st = check_file(path, 0, &e2, err)))
                goto fail;
        }
    }
    *out = s;
    return KH_OK;
fail:
    sqlite3_close(s->db);
    kh_arena_free(&s->arena);
    free(s);
    return st;
}

void kh_store_close(kh_store *s)
{
    if (!s)
        return;
    if (s->in_batch)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    for (size_t i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->st[i]);
    sqlite3_close(s->db);
    kh_arena_free(&s->arena);
    free(s);
}

const char *kh_store_errmsg(const kh_store *s) { return s ? s->msg : ""; }

kh_status kh_store_begin(kh_store *s)
{
    if (!s || s->in_batch)
        return KH_ERR_INVALID;
    if (!s->writable)
        return fail(s, KH_ERR_IO, "the store was opened read-only");
    kh_status st = exec(s, "BEGIN IMMEDIATE");
    if (!st)
        s->in_batch = 1;
    return st;
}

kh_status kh_store_commit(kh_store *s)
{
    if (!s || !s->in_batch)
        return KH_ERR_INVALID;
    kh_status st = exec(s, "COMMIT");
    if (st) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    s->in_batch = 0;
    return st;
}

void kh_store_rollback(kh_store *s)
{
    if (!s || !s->in_batch)
        return;
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_batch = 0;
}

/* ---------------------------------------------------------------------- */
/* Ingestion                                                              */
/* ---------------------------------------------------------------------- */

kh_status kh_store_has_story(kh_store *s, const kh_story *story, int *known)
{
    if (!s || !story || !known)
        return KH_ERR_INVALID;
    char hex[65];
    story_hash(story, hex);
    sqlite3_stmt *q = stmt(s, ST_HAS);
    if (!q)
        return KH_ERR_DB;
    bind_text(q, 1, hex, 64);
    int rc = sqlite3_step(q);
    *known = rc == SQLITE_ROW;
    sqlite3_reset(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(s, rc, "looking up a story");
    return KH_OK;
}

/* Who published a story, for NumSources: the publisher, else the URL's
 * host, else the input file. */
static void source_key(const kh_story *story, char *out, size_t size)
{
    if (story->publisher && *story->publisher) {
        snprintf(out, size, "%s", story->publisher);
        return;
    }
    if (story->url && *story->url) {
        const char *h = strstr(story->url, "://");
        h = h ? h + 3 : story->url;
        size_t n = strcspn(h, "/?#");
        snprintf(out, size, "%.*s", (int)(n < 255 ? n : 255), h);
        return;
    }
    snprintf(out, size, "%s", story->source ? story->source : "");
}

#define STEP_DONE(q, what) do { \
        int rc_ = sqlite3_step(q); \
        if (rc_ != SQLITE_DONE) { st = db_fail(s, rc_, what); goto done; } \
    } while (0)

/* Adds one story's events (already stored as story row `sid`). */
static kh_status add_events(kh_store *s, sqlite3_int64 sid, const kh_story *story,
                            const kh_event *events, size_t n, const char *dict_hash,
                            const char *src_key)
{
    kh_status st = KH_OK;
    const char *hash = dict_hash ? dict_hash : "";
    for (size_t i = 0; i < n; i++) {
        const kh_event *e = &events[i];
        char date[16];
        date_text(e->date, date);
        const char *target = e->target ? e->target : "";
        sqlite3_stmt *q = stmt(s, ST_FIND_EVENT);
        if (!q)
            return KH_ERR_DB;
        bind_str(q, 1, date), bind_str(q, 2, e->source ? e->source : "");
        bind_str(q, 3, target), bind_str(q, 4, e->code ? e->code : "");
        sqlite3_int64 eid = 0;
        int rc = sqlite3_step(q);
        if (rc == SQLITE_ROW)
            eid = sqlite3_column_int64(q, 0);
        else if (rc != SQLITE_DONE)
            return db_fail(s, rc, "finding an event");
        sqlite3_reset(q);
        int seen = 0;
        if (!eid) {
            if (!(q = stmt(s, ST_INS_EVENT)))
                return KH_ERR_DB;
            bind_str(q, 1, date), bind_str(q, 2, e->source ? e->source : "");
            bind_str(q, 3, target), bind_str(q, 4, e->code ? e->code : "");
            bind_text(q, 5, e->root, strnlen(e->root, sizeof e->root));
            sqlite3_bind_int(q, 6, e->quad);
            sqlite3_bind_double(q, 7, e->goldstein);
            bind_str(q, 8, e->name), bind_str(q, 9, e->source_name);
            bind_str(q, 10, e->target_name);
            sqlite3_bind_int64(q, 11, sid);
            bind_str(q, 12, hash);
            STEP_DONE(q, "adding an event");
            eid = sqlite3_last_insert_rowid(s->db);
        } else {
            if (!(q = stmt(s, ST_SEEN)))
                return KH_ERR_DB;
            sqlite3_bind_int64(q, 1, eid), sqlite3_bind_int64(q, 2, sid);
            rc = sqlite3_step(q);
            if (rc == SQLITE_ROW)
                seen = 1;
            else if (rc != SQLITE_DONE)
                return db_fail(s, rc, "checking a mention");
            sqlite3_reset(q);
        }
        if (e->place) {
            const kh_place *p = e->place;
            if (!(q = stmt(s, ST_UPD_PLACE)))
                return KH_ERR_DB;
            bind_str(q, 1, p->name ? p->name : ""), bind_str(q, 2, p->country);
            bind_str(q, 3, p->admin1 && *p->admin1 ? p->admin1 : NULL);
            if (p->has_coords)
                sqlite3_bind_double(q, 4, p->lat), sqlite3_bind_double(q, 5, p->lon);
            sqlite3_bind_int(q, 6, p->type);
            if (p->feature_id)
                sqlite3_bind_int64(q, 7, p->feature_id);
            sqlite3_bind_int64(q, 8, eid);
            STEP_DONE(q, "setting an event's place");
        }
        if (!(q = stmt(s, ST_INS_SRC)))
            return KH_ERR_DB;
        sqlite3_bind_int64(q, 1, eid), bind_str(q, 2, src_key);
        STEP_DONE(q, "counting an event's sources");
        int new_source = sqlite3_changes(s->db) > 0;
        if (!(q = stmt(s, ST_UPD_EVENT)))
            return KH_ERR_DB;
        bind_size(q, 1, e->n_mentions);
        sqlite3_bind_int(q, 2, seen ? 0 : 1);
        sqlite3_bind_int(q, 3, new_source);
        sqlite3_bind_int64(q, 4, e->flags);
        bind_str(q, 5, hash);
        sqlite3_bind_int64(q, 6, eid);
        STEP_DONE(q, "updating an event");
        for (size_t k = 0; k < e->n_mentions; k++) {
            const kh_mention *m = &e->mentions[k];
            if (!(q = stmt(s, ST_INS_MENTION)))
                return KH_ERR_DB;
            sqlite3_bind_int64(q, 1, eid), sqlite3_bind_int64(q, 2, sid);
            bind_size(q, 3, m->sentence), sqlite3_bind_int(q, 4, (int)m->kind);
            bind_size(q, 5, m->text.off), bind_size(q, 6, m->text.len);
            bind_size(q, 7, m->source.off), bind_size(q, 8, m->source.len);
            bind_size(q, 9, m->target.off), bind_size(q, 10, m->target.len);
            bind_size(q, 11, m->verb.off), bind_size(q, 12, m->verb.len);
            bind_str(q, 13, m->pattern);
            STEP_DONE(q, "adding a mention");
            if (m->text.off > story->text_len || m->text.len > story->text_len - m->text.off)
                continue; /* never read outside the text */
            if (!(q = stmt(s, ST_INS_SENTENCE)))
                return KH_ERR_DB;
            sqlite3_bind_int64(q, 1, sid), bind_size(q, 2, m->sentence);
            sqlite3_bind_int(q, 3, (int)m->kind);
            bind_size(q, 4, m->text.off), bind_size(q, 5, m->text.len);
            bind_text(q, 6, story->text + m->text.off, m->text.len);
            STEP_DONE(q, "adding a sentence");
        }
    }
done:
    return st;
}

/* Units as "KIND,OFF,LEN;..." and captions as "OFF,LEN;...". */
static kh_status spans_text(kh_buf *b, const kh_story *story, int units)
{
    kh_status st = KH_OK;
    size_t n = units ? story->n_units : story->n_captions;
    for (size_t i = 0; i < n && !st; i++) {
        kh_span sp = units ? story->units[i].span : story->captions[i];
        if (units)
            st = kh_buf_printf(b, "%d,", (int)story->units[i].kind);
        if (!st)
            st = kh_buf_printf(b, "%zu,%zu;", sp.off, sp.len);
    }
    return st;
}

kh_status kh_store_add_story(kh_store *s, const kh_story *story, const kh_event *events,
                             size_t n, const char *dict_hash, int *added)
{
    if (!s || !story || (n && !events) || (story->text_len && !story->text))
        return KH_ERR_INVALID;
    if (added)
        *added = 0;
    if (!s->writable)
        return fail(s, KH_ERR_IO, "the store was opened read-only");
    int known;
    kh_status st = kh_store_has_story(s, story, &known);
    if (st || known)
        return st;
    char hex[65], date[16], src[512];
    story_hash(story, hex);
    date_text(story->date, date);
    source_key(story, src, sizeof src);
    kh_buf units, caps;
    kh_buf_init(&units, NULL, 0);
    kh_buf_init(&caps, NULL, 0);
    if ((st = spans_text(&units, story, 1)) || (st = spans_text(&caps, story, 0)) ||
        (st = kh_buf_putc(&units, '\0')) || (st = kh_buf_putc(&caps, '\0'))) {
        kh_buf_free(&units);
        kh_buf_free(&caps);
        return fail(s, st, "encoding a story's units");
    }
    if ((st = exec(s, "SAVEPOINT kh_story")))
        goto out;
    sqlite3_stmt *q = stmt(s, ST_INS_STORY);
    if (!q) {
        st = KH_ERR_DB;
        goto undo;
    }
    bind_str(q, 1, story->id ? story->id : "");
    bind_str(q, 2, date[0] ? date : NULL);
    bind_str(q, 3, story->title), bind_str(q, 4, story->publisher), bind_str(q, 5, story->url);
    bind_str(q, 6, story->dateline), bind_str(q, 7, story->source);
    bind_size(q, 8, story->line);
    sqlite3_bind_int64(q, 9, (sqlite3_int64)story->input_offset);
    sqlite3_bind_int(q, 10, story->raw ? 1 : 0);
    bind_text(q, 11, hex, 64);
    bind_str(q, 12, dict_hash ? dict_hash : "");
    bind_str(q, 13, src);
    bind_str(q, 14, units.data ? units.data : "");
    bind_str(q, 15, caps.data ? caps.data : "");
    if (story->text_len > INT_MAX) {
        st = fail(s, KH_ERR_LIMIT, "story %s: text too large for the store", story->id);
        goto undo;
    }
    sqlite3_bind_blob(q, 16, story->text_len ? story->text : "", (int)story->text_len,
                      SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_DONE) {
        st = db_fail(s, rc, "adding a story");
        goto undo;
    }
    sqlite3_int64 sid = sqlite3_last_insert_rowid(s->db);
    if ((st = add_events(s, sid, story, events, n, dict_hash, src)))
        goto undo;
    if ((st = exec(s, "RELEASE kh_story")))
        goto undo;
    if (added)
        *added = 1;
    goto out;
undo:
    /* Drop the story whole. When SQLite has already rolled the transaction
     * back (a full disk can do that), the batch is gone too. */
    if (!sqlite3_get_autocommit(s->db)) {
        sqlite3_exec(s->db, "ROLLBACK TO kh_story", NULL, NULL, NULL);
        sqlite3_exec(s->db, "RELEASE kh_story", NULL, NULL, NULL);
    }
    if (sqlite3_get_autocommit(s->db))
        s->in_batch = 0;
out:
    for (size_t i = 0; i < ST_COUNT; i++)
        if (s->st[i])
            sqlite3_reset(s->st[i]);
    kh_buf_free(&units);
    kh_buf_free(&caps);
    return st;
}

kh_status kh_store_counts(kh_store *s, size_t *stories, size_t *events, size_t *mentions)
{
    if (!s)
        return KH_ERR_INVALID;
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT (SELECT count(*) FROM stories), (SELECT count(*) FROM "
                                "events), (SELECT count(*) FROM mentions)",
                                -1, &q, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (stories) *stories = col_size(q, 0);
        if (events) *events = col_size(q, 1);
        if (mentions) *mentions = col_size(q, 2);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(q);
    return rc == SQLITE_OK ? KH_OK : db_fail(s, rc, "counting rows");
}

/* ---------------------------------------------------------------------- */
/* Re-coding                                                              */
/* ---------------------------------------------------------------------- */

/* Parses "KIND,OFF,LEN;..." (units) or "OFF,LEN;..." into arrays. */
static size_t parse_spans(const char *t, int units, kh_unit *u, kh_span *c, size_t cap,
                          size_t text_len)
{
    size_t n = 0;
    while (t && *t && n < cap) {
        char *end;
        unsigned long kind = units ? strtoul(t, &end, 10) : 0;
        if (units) {
            if (*end != ',')
                break;
            t = end + 1;
        }
        unsigned long long off = strtoull(t, &end, 10);
        if (*end != ',')
            break;
        unsigned long long len = strtoull(end + 1, &end, 10);
        if (*end != ';')
            break;
        t = end + 1;
        if (off > text_len || len > text_len - off)
            continue;
        kh_span sp = {(size_t)off, (size_t)len};
        if (units) {
            u[n].kind = kind == 1 ? KH_UNIT_HEADLINE : KH_UNIT_BODY;
            u[n].span = sp;
        } else {
            c[n] = sp;
        }
        n++;
    }
    return n;
}

static size_t count_char(const char *t, char ch)
{
    size_t n = 0;
    for (; t && *t; t++)
        n += *t == ch;
    return n;
}

kh_status kh_store_recode(kh_store *s, const kh_code_options *options, size_t *n_stories,
                          size_t *n_events)
{
    if (!s || !options || !options->dict || s->in_batch)
        return KH_ERR_INVALID;
    if (!s->writable)
        return fail(s, KH_ERR_IO, "the store was opened read-only");
    if (n_stories) *n_stories = 0;
    if (n_events) *n_events = 0;
    kh_dict_stats ds;
    kh_dict_stats_get(options->dict, &ds);
    if (!ds.patterns) /* it would replace every event with none */
        return fail(s, KH_ERR_INVALID, "the dictionary has no verb patterns: re-coding with it "
                                       "would delete every event");
    kh_coder *coder = NULL;
    kh_status st = kh_coder_new(options, &coder);
    if (st)
        return fail(s, st, "creating a coder: %s", kh_strerror(st));
    const char *hash = kh_dict_hash(options->dict);
    sqlite3_int64 *ids = NULL;
    size_t nids = 0, cap = 0;
    kh_unit *units = NULL;
    kh_span *caps = NULL;
    char *text = NULL;
    sqlite3_stmt *q = NULL;
    if ((st = exec(s, "BEGIN IMMEDIATE")))
        goto out;
    s->in_batch = 1;
    if ((st = exec(s, "DELETE FROM mentions; DELETE FROM event_sources; DELETE FROM events;"
                      " DELETE FROM sentences")))
        goto out;
    int rc = sqlite3_prepare_v2(s->db, "SELECT id FROM stories ORDER BY id", -1, &q, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (nids == cap) {
            size_t ncap = cap ? cap * 2 : 1024, bytes;
            if (!kh_mul_ok(ncap, sizeof *ids, &bytes)) {
                st = fail(s, KH_ERR_NOMEM, "out of memory");
                goto out;
            }
            sqlite3_int64 *p = (sqlite3_int64 *)realloc(ids, bytes);
            if (!p) {
                st = fail(s, KH_ERR_NOMEM, "out of memory");
                goto out;
            }
            ids = p, cap = ncap;
        }
        ids[nids++] = sqlite3_column_int64(q, 0);
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE) {
        st = db_fail(s, rc, "listing stories");
        goto out;
    }
    for (size_t i = 0; i < nids; i++) {
        sqlite3_stmt *l = stmt(s, ST_LOAD_STORY);
        if (!l) {
            st = KH_ERR_DB;
            goto out;
        }
        sqlite3_bind_int64(l, 1, ids[i]);
        if ((rc = sqlite3_step(l)) != SQLITE_ROW) {
            st = db_fail(s, rc, "loading a story");
            goto out;
        }
        kh_story story;
        memset(&story, 0, sizeof story);
        story.id = col_str(l, 0);
        story.date = date_parse_col(col_str(l, 1));
        story.title = col_str(l, 2), story.publisher = col_str(l, 3), story.url = col_str(l, 4);
        story.dateline = col_str(l, 5), story.source = col_str(l, 6);
        story.line = col_size(l, 7);
        story.input_offset = (uint64_t)col_size(l, 8);
        story.raw = sqlite3_column_int(l, 9);
        const char *ut = col_str(l, 10), *ct = col_str(l, 11);
        const void *blob = sqlite3_column_blob(l, 12);
        story.text_len = (size_t)sqlite3_column_bytes(l, 12);
        free(text);
        if (!(text = (char *)malloc(story.text_len + 1))) {
            st = fail(s, KH_ERR_NOMEM, "out of memory");
            goto out;
        }
        if (story.text_len)
            memcpy(text, blob, story.text_len);
        text[story.text_len] = '\0';
        story.text = text;
        size_t nu = count_char(ut, ';') + 1, nc = count_char(ct, ';') + 1;
        free(units), free(caps);
        units = (kh_unit *)calloc(nu, sizeof *units);
        caps = (kh_span *)calloc(nc, sizeof *caps);
        if (!units || !caps) {
            st = fail(s, KH_ERR_NOMEM, "out of memory");
            goto out;
        }
        story.n_units = parse_spans(ut, 1, units, NULL, nu, story.text_len);
        story.n_captions = parse_spans(ct, 0, NULL, caps, nc, story.text_len);
        story.units = units, story.captions = caps;
        /* src_key is copied: add_events runs other statements meanwhile,
         * but l is not stepped again until reset, so its text stays valid. */
        const char *src = col_str(l, 13);
        const kh_event *ev = NULL;
        size_t nev = 0;
        st = kh_coder_code(coder, &story, &ev, &nev);
        if (st == KH_ERR_LIMIT || st == KH_ERR_FORMAT) {
            nev = 0; /* not codable now: the story keeps no events */
        } else if (st) {
            fail(s, st, "coding story %s: %s", story.id, kh_strerror(st));
            goto out;
        }
        if ((st = add_events(s, ids[i], &story, ev, nev, hash, src ? src : "")))
            goto out;
        sqlite3_stmt *d = stmt(s, ST_SET_DICT);
        if (!d) {
            st = KH_ERR_DB;
            goto out;
        }
        bind_str(d, 1, hash), sqlite3_bind_int64(d, 2, ids[i]);
        if ((rc = sqlite3_step(d)) != SQLITE_DONE) {
            st = db_fail(s, rc, "recording the dictionary");
            goto out;
        }
        sqlite3_reset(d);
        sqlite3_reset(l);
        if (n_stories) (*n_stories)++;
        if (n_events) *n_events += nev;
    }
    sqlite3_finalize(q);
    q = NULL;
    st = kh_store_commit(s);
out:
    sqlite3_finalize(q);
    if (st)
        kh_store_rollback(s);
    for (size_t i = 0; i < ST_COUNT; i++)
        if (s->st[i])
            sqlite3_reset(s->st[i]);
    kh_coder_free(coder);
    free(ids), free(units), free(caps), free(text);
    return st;
}

/* ---------------------------------------------------------------------- */
/* Queries                                                                */
/* ---------------------------------------------------------------------- */

/* A WHERE clause built from fixed fragments, and the values bound to it. */
typedef struct qbuild {
    char sql[KH_STORE_MAX_SQL];
    size_t len;
    const char *bind[KH_STORE_MAX_BINDS];
    int is_int[KH_STORE_MAX_BINDS];
    sqlite3_int64 ival[KH_STORE_MAX_BINDS];
    int nb;
    char strs[KH_STORE_MAX_BINDS][160]; /* computed values: prefix bounds, LIKE patterns */
    int ns;
    int overflow;
} qbuild;

static void qb_sql(qbuild *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n + 1 > sizeof b->sql) {
        b->overflow = 1;
        return;
    }
    memcpy(b->sql + b->len, s, n + 1);
    b->len += n;
}

static void qb_str(qbuild *b, const char *v)
{
    if (b->nb >= KH_STORE_MAX_BINDS) {
        b->overflow = 1;
        return;
    }
    b->is_int[b->nb] = 0;
    b->bind[b->nb++] = v;
}

static void qb_int(qbuild *b, sqlite3_int64 v)
{
    if (b->nb >= KH_STORE_MAX_BINDS) {
        b->overflow = 1;
        return;
    }
    b->is_int[b->nb] = 1;
    b->ival[b->nb++] = v;
}

static char *qb_tmp(qbuild *b)
{
    if (b->ns >= KH_STORE_MAX_BINDS) {
        b->overflow = 1;
        return NULL;
    }
    return b->strs[b->ns++];
}

/* col = code, or for "CODE*" a prefix range: col >= CODE AND col < CODE+1. */
static void qb_code(qbuild *b, const char *col, const char *code)
{
    size_t n = strlen(code);
    if (n && code[n - 1] == '*') {
        n--;
        char *lo = qb_tmp(b), *hi = qb_tmp(b);
        if (!lo || !hi || n >= 160) {
            b->overflow = 1;
            return;
        }
        if (n == 0) {
            qb_sql(b, "1");
            return;
        }
        memcpy(lo, code, n), lo[n] = '\0';
        memcpy(hi, code, n), hi[n] = '\0';
        if ((unsigned char)hi[n - 1] == 0xff) { /* no successor: compare the prefix */
            qb_sql(b, "substr("), qb_sql(b, col), qb_sql(b, ", 1, length(?)) = ?");
            qb_str(b, lo), qb_str(b, lo);
            return;
        }
        hi[n - 1] = (char)((unsigned char)hi[n - 1] + 1);
        qb_sql(b, "("), qb_sql(b, col), qb_sql(b, " >= ? AND "), qb_sql(b, col);
        qb_sql(b, " < ?)");
        qb_str(b, lo), qb_str(b, hi);
        return;
    }
    qb_sql(b, col), qb_sql(b, " = ?");
    qb_str(b, code);
}

static void qb_and(qbuild *b) { qb_sql(b, " AND "); }

static void qb_where(qbuild *b, const kh_store_query *q)
{
    qb_sql(b, " WHERE 1");
    if (!q)
        return;
    if (q->actor && *q->actor) {
        qb_and(b), qb_sql(b, "(");
        qb_code(b, "e.source", q->actor), qb_sql(b, " OR "), qb_code(b, "e.target", q->actor);
        qb_sql(b, ")");
    }
    if (q->source && *q->source)
        qb_and(b), qb_code(b, "e.source", q->source);
    if (q->target && *q->target)
        qb_and(b), qb_code(b, "e.target", q->target);
    if (q->dyad_a && *q->dyad_a && q->dyad_b && *q->dyad_b) {
        qb_and(b), qb_sql(b, "((");
        qb_code(b, "e.source", q->dyad_a), qb_and(b), qb_code(b, "e.target", q->dyad_b);
        qb_sql(b, ") OR (");
        qb_code(b, "e.source", q->dyad_b), qb_and(b), qb_code(b, "e.target", q->dyad_a);
        qb_sql(b, "))");
    }
    if (q->code && *q->code)
        qb_and(b), qb_code(b, "e.code", q->code);
    if (q->root && *q->root)
        qb_and(b), qb_sql(b, "e.root = ?"), qb_str(b, q->root);
    if (q->quad)
        qb_and(b), qb_sql(b, "e.quad = ?"), qb_int(b, q->quad);
    if (q->from.year) {
        char *t = qb_tmp(b);
        if (t) {
            date_text(q->from, t);
            qb_and(b), qb_sql(b, "e.date >= ?"), qb_str(b, t);
        }
    }
    if (q->to.year) {
        char *t = qb_tmp(b);
        if (t) {
            date_text(q->to, t);
            qb_and(b), qb_sql(b, "e.date <> '' AND e.date <= ?"), qb_str(b, t);
        }
    }
    if (q->country && *q->country)
        qb_and(b), qb_sql(b, "e.place_country = ?"), qb_str(b, q->country);
    if (q->place && *q->place)
        qb_and(b), qb_sql(b, "e.place_name = ? COLLATE NOCASE"), qb_str(b, q->place);
    if (q->text && *q->text) {
        qb_and(b);
        qb_sql(b, "EXISTS (SELECT 1 FROM mentions m JOIN sentences s ON s.story = m.story"
                  " AND s.idx = m.sentence WHERE m.event = e.id");
        const char *p = q->text;
        size_t words = 0;
        while (*p) {
            while (*p == ' ' || *p == '\t')
                p++;
            size_t n = strcspn(p, " \t");
            if (!n)
                break;
            if (++words > KH_STORE_MAX_WORDS || n > 70) {
                b->overflow = 1;
                break;
            }
            char *pat = qb_tmp(b);
            if (!pat)
                break;
            size_t k = 0;
            pat[k++] = '%';
            for (size_t i = 0; i < n; i++) {
                if (p[i] == '%' || p[i] == '_' || p[i] == '\\')
                    pat[k++] = '\\';
                pat[k++] = p[i];
            }
            pat[k++] = '%', pat[k] = '\0';
            qb_sql(b, " AND s.text LIKE ? ESCAPE '\\'");
            qb_str(b, pat);
            p += n;
        }
        qb_sql(b, ")");
    }
}

static void qb_limit(qbuild *b, const kh_store_query *q)
{
    if (q && q->limit) {
        qb_sql(b, " LIMIT ?");
        qb_int(b, q->limit > INT64_MAX ? INT64_MAX : (sqlite3_int64)q->limit);
    }
}

static kh_status qb_prepare(kh_store *s, qbuild *b, sqlite3_stmt **out)
{
    *out = NULL;
    if (b->overflow)
        return fail(s, KH_ERR_LIMIT, "query too large (at most %d words of text)",
                    KH_STORE_MAX_WORDS);
    int rc = sqlite3_prepare_v2(s->db, b->sql, -1, out, NULL);
    if (rc != SQLITE_OK)
        return db_fail(s, rc, "preparing a query");
    for (int i = 0; i < b->nb; i++) {
        if (b->is_int[i])
            rc = sqlite3_bind_int64(*out, i + 1, b->ival[i]);
        else /* copied: the builder is freed before the statement runs */
            rc = b->bind[i] ? sqlite3_bind_text(*out, i + 1, b->bind[i], -1, SQLITE_TRANSIENT)
                            : sqlite3_bind_null(*out, i + 1);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(*out);
            *out = NULL;
            return db_fail(s, rc, "binding a query");
        }
    }
    return KH_OK;
}

static kh_status load_mentions(kh_store *s, kh_store_event *ev)
{
    sqlite3_stmt *q = stmt(s, ST_MENTIONS);
    if (!q)
        return KH_ERR_DB;
    kh_arena_reset(&s->arena);
    sqlite3_bind_int64(q, 1, ev->id);
    size_t cap = ev->num_mentions ? ev->num_mentions : 1, n = 0;
    kh_store_mention *ms = (kh_store_mention *)kh_arena_calloc(&s->arena, cap, sizeof *ms);
    if (!ms)
        return fail(s, KH_ERR_NOMEM, "out of memory");
    int rc;
#define DUP(i) (col_str(q, i) ? kh_arena_strndup(&s->arena, col_str(q, i), \
                                                 (size_t)sqlite3_column_bytes(q, i)) : NULL)
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n == cap) {
            kh_store_mention *g = (kh_store_mention *)kh_arena_grow(
                &s->arena, ms, cap * sizeof *ms, 2 * cap * sizeof *ms);
            if (!g)
                return fail(s, KH_ERR_NOMEM, "out of memory");
            ms = g, cap *= 2;
        }
        kh_store_mention *m = &ms[n++];
        memset(m, 0, sizeof *m);
        m->event_id = sqlite3_column_int64(q, 0);
        m->story = DUP(1);
        m->url = DUP(2);
        m->publisher = DUP(3);
        m->story_date = date_parse_col(col_str(q, 4));
        m->story_len = col_size(q, 5);
        m->sentence = col_size(q, 6);
        m->kind = sqlite3_column_int(q, 7) == KH_UNIT_HEADLINE ? KH_UNIT_HEADLINE : KH_UNIT_BODY;
        m->text.off = col_size(q, 8), m->text.len = col_size(q, 9);
        m->source.off = col_size(q, 10), m->source.len = col_size(q, 11);
        m->target.off = col_size(q, 12), m->target.len = col_size(q, 13);
        m->verb.off = col_size(q, 14), m->verb.len = col_size(q, 15);
        m->sentence_text = DUP(16);
        m->pattern = DUP(17);
        m->dict_hash = DUP(18);
        if (!m->story)
            return fail(s, KH_ERR_NOMEM, "out of memory");
    }
#undef DUP
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return db_fail(s, rc, "loading mentions");
    ev->mentions = ms;
    ev->n_mentions = n;
    return KH_OK;
}

kh_status kh_store_query_events(kh_store *s, const kh_store_query *query, unsigned flags,
                                kh_store_event_fn fn, void *ctx)
{
    if (!s || !fn)
        return KH_ERR_INVALID;
    qbuild *b = (qbuild *)calloc(1, sizeof *b);
    if (!b)
        return fail(s, KH_ERR_NOMEM, "out of memory");
    qb_sql(b, "SELECT e.id, e.date, e.source, e.target, e.source_name, e.target_name, e.code,"
              " e.name, e.root, e.quad, e.goldstein, e.flags, e.place_name, e.place_country,"
              " e.place_admin1, e.place_lat, e.place_lon, e.place_type, e.place_feature,"
              " e.num_mentions, e.num_sources, e.num_articles, st.story_id, st.url, st.date,"
              " fm.sentence, se.text, e.dict_hash"
              " FROM events e JOIN stories st ON st.id = e.first_story"
              " LEFT JOIN mentions fm ON fm.id = (SELECT min(id) FROM mentions"
              " WHERE event = e.id)"
              " LEFT JOIN sentences se ON se.story = fm.story AND se.idx = fm.sentence");
    qb_where(b, query);
    qb_sql(b, " ORDER BY e.date, e.id");
    qb_limit(b, query);
    sqlite3_stmt *q;
    kh_status st = qb_prepare(s, b, &q);
    free(b);
    if (st)
        return st;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        kh_store_event ev;
        kh_place place;
        memset(&ev, 0, sizeof ev);
        memset(&place, 0, sizeof place);
        ev.id = sqlite3_column_int64(q, 0);
        ev.date = date_parse_col(col_str(q, 1));
        ev.source = col_str(q, 2);
        ev.target = col_str(q, 3);
        if (ev.target && !*ev.target)
            ev.target = NULL;
        ev.source_name = col_str(q, 4), ev.target_name = col_str(q, 5);
        ev.code = col_str(q, 6), ev.name = col_str(q, 7);
        const char *root = col_str(q, 8);
        snprintf(ev.root, sizeof ev.root, "%s", root ? root : "");
        ev.quad = sqlite3_column_int(q, 9);
        ev.goldstein = sqlite3_column_double(q, 10);
        ev.flags = (uint32_t)sqlite3_column_int64(q, 11);
        if (sqlite3_column_type(q, 12) != SQLITE_NULL) {
            place.name = col_str(q, 12);
            place.country = col_str(q, 13);
            place.admin1 = col_str(q, 14) ? col_str(q, 14) : "";
            place.has_coords = sqlite3_column_type(q, 15) != SQLITE_NULL;
            place.lat = sqlite3_column_double(q, 15);
            place.lon = sqlite3_column_double(q, 16);
            place.type = sqlite3_column_int(q, 17);
            place.feature_id = (uint32_t)sqlite3_column_int64(q, 18);
            ev.place = &place;
        }
        ev.num_mentions = col_size(q, 19);
        ev.num_sources = col_size(q, 20);
        ev.num_articles = col_size(q, 21);
        ev.first_story = col_str(q, 22);
        ev.first_url = col_str(q, 23);
        ev.first_story_date = date_parse_col(col_str(q, 24));
        ev.first_sentence = col_size(q, 25);
        ev.text = col_str(q, 26);
        ev.dict_hash = col_str(q, 27);
        if ((flags & KH_QUERY_MENTIONS) && (st = load_mentions(s, &ev)))
            break;
        if ((st = fn(ctx, &ev)))
            break;
    }
    if (!st && rc != SQLITE_DONE)
        st = db_fail(s, rc, "running a query");
    sqlite3_finalize(q);
    return st;
}

kh_status kh_store_stats(kh_store *s, const kh_store_query *query, kh_store_group group,
                         kh_store_period period, kh_store_stat_fn fn, void *ctx)
{
    if (!s || !fn || group < KH_GROUP_DYAD || group > KH_GROUP_CODE ||
        period < KH_PERIOD_ALL || period > KH_PERIOD_YEAR)
        return KH_ERR_INVALID;
    static const char *const pexpr[] = {
        "''", "e.date",
        "CASE WHEN e.date = '' THEN '' ELSE date(e.date, 'weekday 0', '-6 days') END",
        "substr(e.date, 1, 7)", "substr(e.date, 1, 4)"};
    const char *p = pexpr[period];
    qbuild *b = (qbuild *)calloc(1, sizeof *b);
    if (!b)
        return fail(s, KH_ERR_NOMEM, "out of memory");
    if (group == KH_GROUP_DYAD) {
        qb_sql(b, "SELECT "), qb_sql(b, p);
        qb_sql(b, " AS p, e.source, e.target, count(*) AS n, sum(e.num_mentions),"
                  " sum(e.goldstein) FROM events e");
        qb_where(b, query);
        qb_sql(b, " GROUP BY p, e.source, e.target ORDER BY p, e.source, e.target");
    } else if (group == KH_GROUP_CODE) {
        qb_sql(b, "SELECT "), qb_sql(b, p);
        qb_sql(b, " AS p, e.code, max(e.name), count(*) AS n, sum(e.num_mentions),"
                  " sum(e.goldstein) FROM events e");
        qb_where(b, query);
        qb_sql(b, " GROUP BY p, e.code ORDER BY p, n DESC, e.code");
    } else {
        qb_sql(b, "WITH f AS (SELECT e.* FROM events e");
        qb_where(b, query);
        qb_sql(b, ") SELECT p, k, NULL, count(*) AS n, sum(nm), sum(g) FROM (SELECT ");
        qb_sql(b, p);
        qb_sql(b, " AS p, e.source AS k, e.num_mentions AS nm, e.goldstein AS g FROM f e"
                  " UNION ALL SELECT ");
        qb_sql(b, p);
        qb_sql(b, " AS p, e.target AS k, e.num_mentions AS nm, e.goldstein AS g FROM f e"
                  " WHERE e.target <> '') GROUP BY p, k ORDER BY p, n DESC, k");
    }
    qb_limit(b, query);
    sqlite3_stmt *q;
    kh_status st = qb_prepare(s, b, &q);
    free(b);
    if (st)
        return st;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        kh_store_stat r;
        r.period = col_str(q, 0) ? col_str(q, 0) : "";
        r.key = col_str(q, 1) ? col_str(q, 1) : "";
        r.key2 = col_str(q, 2);
        r.events = col_size(q, 3);
        r.mentions = col_size(q, 4);
        r.goldstein = sqlite3_column_double(q, 5);
        if ((st = fn(ctx, &r)))
            break;
    }
    if (!st && rc != SQLITE_DONE)
        st = db_fail(s, rc, "running statistics");
    sqlite3_finalize(q);
    return st;
}

/* ---------------------------------------------------------------------- */
/* Writers                                                                */
/* ---------------------------------------------------------------------- */

#define TRY(x) do { st = (x); if (st) goto done; } while (0)

static kh_status put_date(kh_buf *b, kh_date d)
{
    if (!d.year)
        return kh_buf_puts(b, "null");
    char t[16];
    date_text(d, t);
    return kh_buf_printf(b, "\"%s\"", t);
}

static kh_status put_kv(kh_buf *b, const char *key, const char *val)
{
    kh_status st = kh_buf_puts(b, key);
    return st ? st : kh_buf_json_qstr(b, val, val ? strlen(val) : 0);
}

static kh_status put_span(kh_buf *b, const char *key, kh_span sp)
{
    kh_status st = kh_buf_puts(b, key);
    if (st)
        return st;
    if (!sp.len)
        return kh_buf_puts(b, "null");
    return kh_buf_printf(b, "[%zu,%zu]", sp.off, sp.off + sp.len);
}

static kh_status write_jsonl(kh_buf *b, const kh_store_event *e)
{
    kh_status st;
    TRY(kh_buf_puts(b, "{\"id\":"));
    TRY(kh_buf_put_i64(b, e->id));
    TRY(kh_buf_puts(b, ",\"date\":"));
    TRY(put_date(b, e->date));
    TRY(put_kv(b, ",\"source\":", e->source));
    TRY(put_kv(b, ",\"target\":", e->target));
    TRY(put_kv(b, ",\"source_name\":", e->source_name));
    TRY(put_kv(b, ",\"target_name\":", e->target_name));
    TRY(put_kv(b, ",\"code\":", e->code));
    TRY(put_kv(b, ",\"code_name\":", e->name));
    TRY(put_kv(b, ",\"root\":", e->root));
    TRY(kh_buf_printf(b, ",\"quad\":%d,\"goldstein\":", e->quad));
    TRY(kh_buf_put_num(b, e->goldstein, 1));
    TRY(kh_buf_puts(b, ",\"place\":"));
    if (e->place) {
        const kh_place *p = e->place;
        TRY(put_kv(b, "{\"name\":", p->name));
        TRY(put_kv(b, ",\"country\":", p->country));
        TRY(put_kv(b, ",\"admin1\":", p->admin1 && *p->admin1 ? p->admin1 : NULL));
        TRY(kh_buf_printf(b, ",\"type\":%d", p->type));
        if (p->has_coords) {
            TRY(kh_buf_puts(b, ",\"lat\":"));
            TRY(kh_buf_put_num(b, p->lat, 4));
            TRY(kh_buf_puts(b, ",\"lon\":"));
            TRY(kh_buf_put_num(b, p->lon, 4));
        } else {
            TRY(kh_buf_puts(b, ",\"lat\":null,\"lon\":null"));
        }
        if (p->feature_id)
            TRY(kh_buf_printf(b, ",\"feature_id\":%u}", (unsigned)p->feature_id));
        else
            TRY(kh_buf_puts(b, ",\"feature_id\":null}"));
    } else {
        TRY(kh_buf_puts(b, "null"));
    }
    TRY(kh_buf_puts(b, ",\"flags\":["));
    {
        static const char *const names[] = {"intent", "refusal", "reported", "passive"};
        int first = 1;
        for (unsigned f = 0; f < 4; f++)
            if (e->flags & (1u << f)) {
                TRY(kh_buf_printf(b, "%s\"%s\"", first ? "" : ",", names[f]));
                first = 0;
            }
    }
    TRY(kh_buf_printf(b, "],\"num_mentions\":%zu,\"num_sources\":%zu,\"num_articles\":%zu",
                      e->num_mentions, e->num_sources, e->num_articles));
    TRY(put_kv(b, ",\"first_story\":", e->first_story));
    TRY(put_kv(b, ",\"url\":", e->first_url));
    TRY(put_kv(b, ",\"text\":", e->text));
    TRY(put_kv(b, ",\"dict\":", e->dict_hash));
    if (e->mentions) {
        TRY(kh_buf_puts(b, ",\"evidence\":["));
        for (size_t k = 0; k < e->n_mentions; k++) {
            const kh_store_mention *m = &e->mentions[k];
            TRY(put_kv(b, k ? ",{\"story\":" : "{\"story\":", m->story));
            TRY(kh_buf_puts(b, ",\"date\":"));
            TRY(put_date(b, m->story_date));
            TRY(put_kv(b, ",\"publisher\":", m->publisher));
            TRY(put_kv(b, ",\"url\":", m->url));
            TRY(kh_buf_printf(b, ",\"sentence\":%zu", m->sentence));
            TRY(put_kv(b, ",\"kind\":", m->kind == KH_UNIT_HEADLINE ? "headline" : "body"));
            TRY(put_kv(b, ",\"text\":", m->sentence_text));
            TRY(put_span(b, ",\"spans\":{\"text\":", m->text));
            TRY(put_span(b, ",\"source\":", m->source));
            TRY(put_span(b, ",\"target\":", m->target));
            TRY(put_span(b, ",\"verb\":", m->verb));
            TRY(put_kv(b, "},\"pattern\":", m->pattern));
            TRY(put_kv(b, ",\"dict\":", m->dict_hash));
            TRY(kh_buf_putc(b, '}'));
        }
        TRY(kh_buf_putc(b, ']'));
    }
    TRY(kh_buf_puts(b, "}\n"));
done:
    return st;
}

/* One CSV field (RFC 4180): quoted when it holds a comma, quote or line
 * break; NULL is empty. */
static kh_status csv_field(kh_buf *b, const char *v, int first)
{
    kh_status st = first ? KH_OK : kh_buf_putc(b, ',');
    if (st || !v)
        return st;
    if (!v[strcspn(v, ",\"\r\n")])
        return kh_buf_puts(b, v);
    TRY(kh_buf_putc(b, '"'));
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            TRY(kh_buf_putc(b, '"'));
        TRY(kh_buf_putc(b, *p));
    }
    TRY(kh_buf_putc(b, '"'));
done:
    return st;
}

kh_status kh_store_write_csv_header(kh_write_fn write, void *ctx)
{
    static const char h[] =
        "id,date,source,target,source_name,target_name,code,code_name,root,quad,goldstein,"
        "num_mentions,num_sources,num_articles,place,country,lat,lon,first_story,url,dict,text\n";
    return write ? write(ctx, h, sizeof h - 1) : KH_ERR_INVALID;
}

static kh_status write_csv(kh_buf *b, const kh_store_event *e)
{
    kh_status st;
    char date[16];
    date_text(e->date, date);
    TRY(kh_buf_printf(b, "%lld", (long long)e->id));
    TRY(csv_field(b, date, 0));
    TRY(csv_field(b, e->source, 0));
    TRY(csv_field(b, e->target, 0));
    TRY(csv_field(b, e->source_name, 0));
    TRY(csv_field(b, e->target_name, 0));
    TRY(csv_field(b, e->code, 0));
    TRY(csv_field(b, e->name, 0));
    TRY(csv_field(b, e->root, 0));
    TRY(kh_buf_printf(b, ",%d,", e->quad));
    TRY(kh_buf_put_num(b, e->goldstein, 1));
    TRY(kh_buf_printf(b, ",%zu,%zu,%zu", e->num_mentions, e->num_sources, e->num_articles));
    TRY(csv_field(b, e->place ? e->place->name : NULL, 0));
    TRY(csv_field(b, e->place ? e->place->country : NULL, 0));
    TRY(kh_buf_putc(b, ','));
    if (e->place && e->place->has_coords)
        TRY(kh_buf_put_num(b, e->place->lat, 4));
    TRY(kh_buf_putc(b, ','));
    if (e->place && e->place->has_coords)
        TRY(kh_buf_put_num(b, e->place->lon, 4));
    TRY(csv_field(b, e->first_story, 0));
    TRY(csv_field(b, e->first_url, 0));
    TRY(csv_field(b, e->dict_hash, 0));
    TRY(csv_field(b, e->text, 0));
    TRY(kh_buf_putc(b, '\n'));
done:
    return st;
}

static kh_status buf_sink(void *ctx, const char *data, size_t len)
{
    return kh_buf_append((kh_buf *)ctx, data, len);
}

/* GDELT Events: the row of the story sink (gdelt.c) for the event as first
 * seen, with NumSources and NumArticles (columns 33, 34) set to the store's
 * counts. */
static kh_status write_gdelt(kh_buf *out, const kh_store_event *e)
{
    kh_story story;
    kh_event ev;
    kh_mention m;
    memset(&story, 0, sizeof story);
    memset(&ev, 0, sizeof ev);
    memset(&m, 0, sizeof m);
    story.id = e->first_story ? e->first_story : "";
    story.url = e->first_url;
    story.date = e->first_story_date;
    story.text = "";
    m.sentence = e->first_sentence;
    ev.date = e->date;
    ev.source = e->source, ev.target = e->target;
    ev.source_name = e->source_name, ev.target_name = e->target_name;
    ev.code = e->code ? e->code : "", ev.name = e->name;
    memcpy(ev.root, e->root, sizeof ev.root);
    ev.quad = e->quad, ev.goldstein = e->goldstein;
    ev.place = e->place;
    ev.mentions = &m;
    ev.n_mentions = e->num_mentions;
    uint64_t id = (uint64_t)e->id;
    kh_buf row;
    kh_buf_init(&row, NULL, 0);
    kh_status st = kh_events_write_gdelt(&story, &ev, 1, &id, buf_sink, &row, NULL, NULL);
    if (st)
        goto done;
    /* Copy the row, replacing fields 32 and 33 (0-based). */
    size_t field = 0;
    for (size_t i = 0; i < row.len; i++) {
        char c = row.data[i];
        if (c == '\t') {
            field++;
            TRY(kh_buf_putc(out, c));
            if (field == 32)
                TRY(kh_buf_printf(out, "%zu", e->num_sources));
            else if (field == 33)
                TRY(kh_buf_printf(out, "%zu", e->num_articles));
            continue;
        }
        if (field == 32 || field == 33)
            continue;
        TRY(kh_buf_putc(out, c));
    }
done:
    kh_buf_free(&row);
    return st;
}

static kh_status tsv_field(kh_buf *b, const char *v)
{
    kh_status st = kh_buf_putc(b, '\t');
    for (const char *p = v; !st && p && *p; p++)
        st = kh_buf_putc(b, *p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p);
    return st;
}

kh_status kh_store_write_gdelt_mentions(const kh_store_event *e, kh_write_fn write, void *ctx)
{
    if (!e || !write)
        return KH_ERR_INVALID;
    kh_buf b;
    kh_buf_init(&b, NULL, 0);
    kh_status st = KH_OK;
    char event_added[32] = "";
    if (e->first_story_date.year)
        snprintf(event_added, sizeof event_added, "%04d%02d%02d000000",
                 e->first_story_date.year % 10000, e->first_story_date.month % 100,
                 e->first_story_date.day % 100);
    for (size_t k = 0; k < e->n_mentions; k++) {
        const kh_store_mention *m = &e->mentions[k];
        char added[32] = "";
        if (m->story_date.year)
            snprintf(added, sizeof added, "%04d%02d%02d000000", m->story_date.year % 10000,
                     m->story_date.month % 100, m->story_date.day % 100);
        kh_buf_clear(&b);
        TRY(kh_buf_printf(&b, "%lld", (long long)e->id));
        TRY(tsv_field(&b, event_added));
        TRY(tsv_field(&b, added));
        TRY(kh_buf_printf(&b, "\t%d", m->url ? 1 : 2));
        TRY(tsv_field(&b, m->publisher ? m->publisher : ""));
        TRY(tsv_field(&b, m->url ? m->url : m->story));
        TRY(kh_buf_printf(&b, "\t%zu\t%zu\t", m->sentence + 1, m->source.len ? m->source.off : 0));
        if (m->target.len)
            TRY(kh_buf_printf(&b, "%zu", m->target.off));
        else
            TRY(kh_buf_puts(&b, "-1"));
        TRY(kh_buf_printf(&b, "\t%zu\t1\t100\t%zu\t0\t\t\n", m->verb.off, m->story_len));
        TRY(write(ctx, b.data, b.len));
    }
done:
    kh_buf_free(&b);
    return st;
}

kh_status kh_store_write_event(const kh_store_event *e, kh_store_format format,
                               kh_write_fn write, void *ctx)
{
    if (!e || !write)
        return KH_ERR_INVALID;
    kh_buf b;
    kh_buf_init(&b, NULL, 0);
    kh_status st;
    switch (format) {
    case KH_STORE_JSONL: st = write_jsonl(&b, e); break;
    case KH_STORE_CSV: st = write_csv(&b, e); break;
    case KH_STORE_GDELT: st = write_gdelt(&b, e); break;
    default: st = KH_ERR_INVALID; break;
    }
    if (!st)
        st = write(ctx, b.data, b.len);
    kh_buf_free(&b);
    return st;
}
