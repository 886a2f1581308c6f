/*
 * store_migrate.c: upgrading an event store written by an older khaldun to
 * the schema this one writes (KH_STORE_SCHEMA_VERSION, docs/store.md). Runs
 * when kh_store_open opens an older store for writing, in one transaction:
 * if anything fails (a full disk, a kill), the file is the old version
 * still, and every later open tries again. A store opened read-only is
 * never upgraded; queries read both versions.
 */
#include <stdio.h>

#include "sinks/store.h"

/* Version 1 to 2, the columns: events are rebuilt with a missing target as
 * NULL (it was ''), Goldstein rounded to its one decimal (the float noise
 * of 1.89999997615814 goes), and place_story, the story that gave the
 * place (the first story in version 1: the first place any story gave);
 * stories get the lexicon image that coded them ('' when unknown) and
 * date_given (0: the date is the record's, or unknown in version 1). The
 * text index of the evidence sentences (sentence_fts) is built after the
 * stories are re-hashed (rehash_stories). */
static const char v2_sql[] =
    KH_STORE_EVENTS_TABLE("events_v2")
    "INSERT INTO events_v2(id, date, source, target, code, root, quad, goldstein, name,"
    " source_name, target_name, flags, place_name, place_country, place_admin1, place_lat,"
    " place_lon, place_type, place_feature, place_story, num_mentions, num_sources,"
    " num_articles, first_story, dict_hash)"
    " SELECT id, date, source, nullif(target, ''), code, root, quad, round(goldstein, 1), name,"
    " source_name, CASE WHEN target = '' THEN NULL ELSE target_name END, flags, place_name,"
    " place_country, place_admin1, place_lat, place_lon, place_type, place_feature,"
    " CASE WHEN place_name IS NOT NULL THEN first_story END, num_mentions, num_sources,"
    " num_articles, first_story, dict_hash FROM events;\n"
    "DROP TABLE events;\n"
    "ALTER TABLE events_v2 RENAME TO events;\n"
    KH_STORE_EVENTS_INDEXES
    "ALTER TABLE stories ADD COLUMN lexicon_hash TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE stories ADD COLUMN date_given INTEGER NOT NULL DEFAULT 0;\n";

/* The counts, from the mentions: what ingestion keeps up to date story by
 * story (NumSources from the stories' src_key). */
#define RECOUNT_EVENTS \
    "UPDATE events SET num_mentions = (SELECT count(*) FROM mentions WHERE event = events.id)," \
    " num_articles = (SELECT count(DISTINCT story) FROM mentions WHERE event = events.id)," \
    " num_sources = (SELECT count(*) FROM event_sources WHERE event = events.id)"
static const char recount_sql[] =
    "DELETE FROM event_sources;\n"
    "INSERT INTO event_sources(event, src) SELECT DISTINCT m.event, s.src_key FROM mentions m"
    " JOIN stories s ON s.id = m.story;\n"
    RECOUNT_EVENTS ";\n";

kh_status kh_store_recount(kh_store *s)
{
    int rc = sqlite3_exec(s->db, recount_sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? KH_OK : kh_store_db_fail(s, rc, "counting mentions, sources, articles");
}

/* Version 1 to 2, identities: version 1 hashed the story id with the text,
 * and the id was "FILE:LINE" when the record gave none, so one story read
 * under two paths was stored twice. Every story gets its kh_story_hash; of
 * stories that now share one, the first stays and the others go with their
 * mentions and evidence; events then take their earliest story as first
 * (KH_STORE_FIRST_STORY of store.h), those left without mentions go, and the counts
 * are taken again. */
static kh_status rehash_stories(kh_store *s)
{
    kh_status st = kh_store_exec(s, "CREATE TEMP TABLE rehash(id INTEGER PRIMARY KEY, "
                                    "hash TEXT NOT NULL)");
    if (st)
        return st;
    sqlite3_stmt *q = NULL, *ins = NULL;
    int rc = sqlite3_prepare_v2(s->db, "SELECT id, story_id, source_file, line, url, publisher,"
                                " text FROM stories ORDER BY id", -1, &q, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, "INSERT INTO temp.rehash(id, hash) VALUES(?1, ?2)", -1,
                                &ins, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        kh_story story;
        memset(&story, 0, sizeof story);
        story.id = col_str(q, 1), story.source = col_str(q, 2), story.line = col_size(q, 3);
        story.url = col_str(q, 4), story.publisher = col_str(q, 5);
        story.text = (const char *)sqlite3_column_blob(q, 6);
        story.text_len = (size_t)sqlite3_column_bytes(q, 6);
        char hex[65];
        kh_story_hash(&story, hex);
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, sqlite3_column_int64(q, 0));
        sqlite3_bind_text(ins, 2, hex, 64, SQLITE_TRANSIENT);
        rc = sqlite3_step(ins) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
    }
    sqlite3_finalize(q);
    sqlite3_finalize(ins);
    if (rc != SQLITE_DONE)
        return kh_store_db_fail(s, rc, "hashing the stored stories");
    if ((st = kh_store_exec(s,
            "CREATE TEMP TABLE dup AS SELECT r.id FROM temp.rehash r WHERE EXISTS (SELECT 1"
            " FROM temp.rehash o WHERE o.hash = r.hash AND o.id < r.id);\n"
            "DELETE FROM mentions WHERE story IN (SELECT id FROM temp.dup);\n"
            "DELETE FROM sentences WHERE story IN (SELECT id FROM temp.dup);\n"
            "DELETE FROM stories WHERE id IN (SELECT id FROM temp.dup);\n"
            "UPDATE stories SET content_hash = (SELECT hash FROM temp.rehash r"
            " WHERE r.id = stories.id);\n"
            "DELETE FROM events WHERE NOT EXISTS (SELECT 1 FROM mentions WHERE event = events.id);\n"
            "UPDATE events SET first_story = " KH_STORE_FIRST_STORY ";\n"
            "UPDATE events SET place_story = first_story WHERE place_name IS NOT NULL AND"
            " NOT EXISTS (SELECT 1 FROM stories WHERE id = events.place_story);\n"
            "DROP TABLE temp.dup; DROP TABLE temp.rehash;")))
        return st;
    return kh_store_recount(s);
}

kh_status kh_store_remove_story(kh_store *s, sqlite3_int64 sid)
{
    char sql[2048];
    long long id = (long long)sid;
    snprintf(sql, sizeof sql,
             "CREATE TEMP TABLE IF NOT EXISTS touched(event INTEGER PRIMARY KEY);\n"
             "DELETE FROM temp.touched;\n"
             "INSERT OR IGNORE INTO temp.touched SELECT event FROM mentions WHERE story = %lld;\n"
             "INSERT INTO sentence_fts(sentence_fts, rowid, text) SELECT 'delete',"
             " (story << 24) | idx, text FROM sentences WHERE story = %lld AND idx <= 16777215;\n"
             "DELETE FROM sentences WHERE story = %lld;\n"
             "DELETE FROM mentions WHERE story = %lld;\n"
             "DELETE FROM event_sources WHERE event IN (SELECT event FROM temp.touched);\n"
             "INSERT INTO event_sources(event, src) SELECT DISTINCT m.event, s.src_key"
             " FROM mentions m JOIN stories s ON s.id = m.story"
             " WHERE m.event IN (SELECT event FROM temp.touched);\n"
             RECOUNT_EVENTS " WHERE id IN (SELECT event FROM temp.touched);\n"
             "DELETE FROM events WHERE id IN (SELECT event FROM temp.touched) AND num_mentions = 0;\n"
             "UPDATE events SET first_story = " KH_STORE_FIRST_STORY
             " WHERE id IN (SELECT event FROM temp.touched) AND first_story = %lld;\n"
             "UPDATE events SET place_story = first_story"
             " WHERE id IN (SELECT event FROM temp.touched) AND place_story = %lld;\n"
             "DELETE FROM stories WHERE id = %lld;\n",
             id, id, id, id, id, id, id);
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? KH_OK : kh_store_db_fail(s, rc, "removing a story to date it again");
}

kh_status kh_store_migrate(kh_store *s, int from)
{
    if (from < 1 || from >= KH_STORE_SCHEMA_VERSION)
        return kh_store_fail(s, KH_ERR_VERSION, "no upgrade from schema version %d", from);
    kh_status st = kh_store_exec(s, "BEGIN IMMEDIATE");
    if (st)
        return st;
    char sql[256];
    if (from < 2 && ((st = kh_store_exec(s, v2_sql)) || (st = rehash_stories(s)) ||
                     (st = kh_store_exec(s, KH_STORE_FTS_TABLE KH_STORE_FTS_FILL))))
        goto fail;
    snprintf(sql, sizeof sql,
             "PRAGMA user_version = %d; UPDATE meta SET value = '%d' WHERE key = "
             "'schema_version'", KH_STORE_SCHEMA_VERSION, KH_STORE_SCHEMA_VERSION);
    if ((st = kh_store_exec(s, sql)) || (st = kh_store_exec(s, "COMMIT")))
        goto fail;
    return KH_OK;
fail:
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}
