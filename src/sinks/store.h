/*
 * store.h: internals of the event store, the SQLite sink at the end of the
 * pipeline, shared by its files: store.c (schema, opening, ingestion, the
 * store sink), store_query.c (queries and statistics), store_recode.c
 * (re-coding the stored stories) and store_write.c (JSON Lines, CSV and
 * GDELT rows of stored events). Include only from those files.
 */
#ifndef KH_SINKS_STORE_H
#define KH_SINKS_STORE_H

#include <limits.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "sinks/sinks.h"

/* The cached statements (SQL in store.c). */
enum {
    ST_HAS, ST_INS_STORY, ST_FIND_EVENT, ST_INS_EVENT, ST_UPD_EVENT, ST_UPD_PLACE, ST_INS_SRC,
    ST_SEEN, ST_INS_MENTION, ST_INS_SENTENCE, ST_MENTIONS, ST_LOAD_STORY, ST_SET_DICT,
    ST_COUNT
};

struct kh_store {
    sqlite3 *db;
    int writable;
    int in_batch;
    int version;    /* the file's schema version (PRAGMA user_version) */
    sqlite3_stmt *st[ST_COUNT];
    kh_arena arena; /* per-event memory for loaded mentions */
    char msg[512];
};

/* Sets the store's message from a printf format and returns `code`. */
kh_status kh_store_fail(kh_store *s, kh_status code, const char *fmt, ...) KH_PRINTF(3, 4);
/* Maps an SQLite failure to a status and a message that says what to do. */
kh_status kh_store_db_fail(kh_store *s, int rc, const char *what);
/* Runs SQL without results. */
kh_status kh_store_exec(kh_store *s, const char *sql);
/* The cached statement `id` (ST_*), reset and unbound, or NULL on failure. */
sqlite3_stmt *kh_store_stmt(kh_store *s, int id);
/* Resets every cached statement, so none holds a read lock or stale row. */
void kh_store_reset_all(kh_store *s);
/* Adds one story's events, the story being stored as row `sid`; `src_key`
 * is its publisher key (NumSources). Shared by ingestion and re-coding. */
kh_status kh_store_add_events(kh_store *s, sqlite3_int64 sid, const kh_story *story,
                              const kh_event *events, size_t n, const char *dict_hash,
                              const char *src_key);
/* A story being added: its row and its publisher key (NumSources). */
typedef struct kh_store_story {
    sqlite3_int64 sid;
    char src[512];
} kh_store_story;

/* Opens a savepoint and adds the story's row; its events then go in with
 * kh_store_add_events, and kh_store_story_end closes it. On failure nothing
 * of the story is left and no savepoint stays open. */
kh_status kh_store_story_begin(kh_store *s, const kh_story *story, const char *dict_hash,
                               kh_store_story *out);
/* Keeps the story begun when `st` is KH_OK (returns the release's status),
 * else drops it whole and returns `st`. */
kh_status kh_store_story_end(kh_store *s, kh_status st);

static inline int bind_text(sqlite3_stmt *q, int i, const char *v, size_t len)
{
    if (!v)
        return sqlite3_bind_null(q, i);
    if (len > INT_MAX)
        return SQLITE_TOOBIG;
    return sqlite3_bind_text(q, i, v, (int)len, SQLITE_STATIC);
}

static inline int bind_str(sqlite3_stmt *q, int i, const char *v)
{
    return bind_text(q, i, v, v ? strlen(v) : 0);
}

static inline int bind_size(sqlite3_stmt *q, int i, size_t v)
{
    return sqlite3_bind_int64(q, i, (sqlite3_int64)v);
}

static inline size_t col_size(sqlite3_stmt *q, int i)
{
    sqlite3_int64 v = sqlite3_column_int64(q, i);
    return v > 0 ? (size_t)v : 0;
}

static inline const char *col_str(sqlite3_stmt *q, int i)
{
    return (const char *)sqlite3_column_text(q, i);
}

static inline kh_date date_parse_col(const char *t)
{
    kh_date d = {0, 0, 0};
    if (t && *t)
        (void)kh_date_parse(t, strlen(t), &d);
    return d;
}

#endif
