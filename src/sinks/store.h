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

/* The events table (version 2), for the schema and the upgrade. A missing
 * target is NULL; events are one row per (date, source, target, code), the
 * UNIQUE index taking a missing target as '' (NULLs would all differ). */
#define KH_STORE_EVENTS_TABLE(name) \
    "CREATE TABLE " name "(\n" \
    "  id INTEGER PRIMARY KEY,\n" \
    "  date TEXT NOT NULL, source TEXT NOT NULL, target TEXT, code TEXT NOT NULL,\n" \
    "  root TEXT NOT NULL, quad INTEGER NOT NULL, goldstein REAL NOT NULL, name TEXT,\n" \
    "  source_name TEXT, target_name TEXT, flags INTEGER NOT NULL,\n" \
    "  place_name TEXT, place_country TEXT, place_admin1 TEXT, place_lat REAL, place_lon REAL,\n" \
    "  place_type INTEGER, place_feature INTEGER, place_story INTEGER,\n" \
    "  num_mentions INTEGER NOT NULL, num_sources INTEGER NOT NULL,\n" \
    "  num_articles INTEGER NOT NULL,\n" \
    "  first_story INTEGER NOT NULL REFERENCES stories(id),\n" \
    "  dict_hash TEXT NOT NULL,\n" \
    "  date_precision TEXT);\n"
#define KH_STORE_EVENTS_INDEXES \
    "CREATE UNIQUE INDEX events_key ON events(date, source, ifnull(target, ''), code);\n" \
    "CREATE INDEX events_date ON events(date);\n" \
    "CREATE INDEX events_dyad ON events(source, target, date);\n" \
    "CREATE INDEX events_target ON events(target, date);\n" \
    "CREATE INDEX events_code ON events(code, date);\n" \
    "CREATE INDEX events_root ON events(root, date);\n" \
    "CREATE INDEX events_country ON events(place_country, date);\n"

/* The order in which stories count as "first" for an event (its first
 * story, the names as first seen, its place): by date, undated last, then
 * by content hash. Not the order of reading, so one run and the merge of
 * its shards (khaldun merge) agree. KH_STORE_STORY_KEY is the key of story
 * row `id`; KH_STORE_FIRST_STORY the earliest story among the mentions of
 * the event being updated. */
#define KH_STORE_STORY_KEY(id) \
    "(SELECT coalesce(date, '~') || content_hash FROM stories WHERE id = " id ")"
#define KH_STORE_FIRST_STORY \
    "(SELECT s.id FROM mentions m JOIN stories s ON s.id = m.story WHERE m.event = events.id" \
    " ORDER BY coalesce(s.date, '~'), s.content_hash LIMIT 1)"

/* The text index of the evidence sentences (version 2), for `query
 * --text`: an FTS5 table without content of its own (the text is in
 * sentences), its rowid naming the sentence: story << 24 | sentence index.
 * Sentences past KH_STORE_FTS_MAX_SENTENCE (beyond any --max-sentences in
 * use) are stored but not indexed. */
#define KH_STORE_FTS_TABLE \
    "CREATE VIRTUAL TABLE sentence_fts USING fts5(text, content = '',\n" \
    "  tokenize = 'unicode61 remove_diacritics 2');\n"
#define KH_STORE_FTS_MAX_SENTENCE 16777215u
#define KH_STORE_FTS_FILL \
    "INSERT INTO sentence_fts(rowid, text) SELECT (story << 24) | idx, text FROM sentences" \
    " WHERE idx <= 16777215;\n"

/* Goldstein as stored: the scale has one decimal, and the dictionary's
 * float (1.9f is 1.89999997615814) rounded to the nearest double of that
 * decimal reads back as 1.9 in SQL and every client. */
static inline double kh_store_goldstein(double g)
{
    double t = g * 10.0;
    double r = (double)(long long)(t < 0 ? t - 0.5 : t + 0.5);
    return r / 10.0;
}

/* The cached statements (SQL in store.c). */
enum {
    ST_HAS, ST_INS_STORY, ST_FIND_EVENT, ST_INS_EVENT, ST_UPD_EVENT, ST_UPD_PLACE, ST_UPD_FIRST,
    ST_INS_SRC,
    ST_SEEN, ST_INS_MENTION, ST_INS_SENTENCE, ST_MENTIONS, ST_LOAD_STORY, ST_INS_FTS,
    ST_SET_DICT,
    ST_COUNT
};

/* How many built queries a store keeps prepared (least recently used goes). */
#define KH_STORE_QCACHE 8

struct kh_store {
    sqlite3 *db;
    int writable;
    int in_batch;
    int version;    /* the schema version of the file (read-only: may be older) */
    char lexicon_hash[17]; /* recorded with each story added (kh_store_set_lexicon) */
    kh_date default_date;  /* the run's --date (kh_store_set_default_date); year 0: none */
    sqlite3_stmt *st[ST_COUNT];
    /* Queries built at run time (store_query.c), kept prepared by their SQL
     * text: a server asking the same query again skips the parse. */
    sqlite3_stmt *qc_st[KH_STORE_QCACHE];
    char *qc_sql[KH_STORE_QCACHE];
    unsigned long qc_used[KH_STORE_QCACHE], qc_clock;
    unsigned char qc_busy[KH_STORE_QCACHE]; /* running: a nested query must not take it */
    kh_arena arena; /* per-event memory for loaded mentions */
    char msg[1024];
};

/* 1 when a story's date is the run's --date (so the record gave none). */
static inline int kh_store_date_given(const kh_store *s, kh_date d)
{
    return s->default_date.year && d.year == s->default_date.year &&
           d.month == s->default_date.month && d.day == s->default_date.day;
}

/* Removes stored story `sid` with its mentions and evidence; its events
 * are counted again, lose it as their first story (and as their place's,
 * which then is the new first story's), and go when no mention is left
 * (store_migrate.c). */
kh_status kh_store_remove_story(kh_store *s, sqlite3_int64 sid);

/* Upgrades a writable store from schema version `from` to
 * KH_STORE_SCHEMA_VERSION in one transaction (store_migrate.c). */
kh_status kh_store_migrate(kh_store *s, int from);
/* Counts NumMentions, NumSources and NumArticles of every event again from
 * the mentions, and event_sources with them (merge, upgrades). */
kh_status kh_store_recount(kh_store *s);
/* The SQLite URI of a path, "file:PATH?QUERY" with PATH percent-encoded
 * (so no character of a name can be read as URI syntax). Returns 0 when it
 * does not fit in `size`. */
int kh_store_uri(const char *path, const char *query, char *out, size_t size);
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
