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

/* Version 1 to 2: events remember which story gave their place (the first
 * story had it in version 1: the first place any story gave); stories the
 * lexicon image that coded them ('' when unknown). */
static const char v2_sql[] =
    "ALTER TABLE events ADD COLUMN place_story INTEGER;\n"
    "ALTER TABLE stories ADD COLUMN lexicon_hash TEXT NOT NULL DEFAULT '';\n"
    "UPDATE events SET place_story = first_story WHERE place_name IS NOT NULL;\n";

kh_status kh_store_migrate(kh_store *s, int from)
{
    if (from < 1 || from >= KH_STORE_SCHEMA_VERSION)
        return kh_store_fail(s, KH_ERR_VERSION, "no upgrade from schema version %d", from);
    kh_status st = kh_store_exec(s, "BEGIN IMMEDIATE");
    if (st)
        return st;
    char sql[256];
    if (from < 2 && (st = kh_store_exec(s, v2_sql)))
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
