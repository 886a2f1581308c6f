/*
 * store_merge.c: `khaldun merge OUT.db SHARD.db...`: one event store from
 * several, typically the stores of `khaldun code --shard I/N` run on N
 * machines. Stories are united by content hash (kh_story_hash), events by
 * their key (date, source, target, code), and NumMentions, NumSources and
 * NumArticles are counted again from the merged mentions, so the result has
 * the same tables as one run over all the stories (tests/sh/merge.sh).
 *
 * Safety: every input goes through kh_store_open (read-only: application
 * id, schema version) and PRAGMA quick_check before anything is written.
 * OUT is built as a temporary file in OUT's folder, and appears under its
 * name only once it is complete (link, or rename over an empty file): a
 * failure or a kill leaves no OUT, or the empty file it was. OUT must not
 * hold a store already, so it can never be one of the inputs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sinks/store.h"

/* The inputs are read through a memory map, not a read() per page: a merge
 * reads every page of every input (quick_check, then the copy). */
#define MERGE_MMAP "PRAGMA mmap_size = 1073741824"

/* One input's rows into the store being built, the input attached as
 * "src": new stories (by content hash) with their sentences and mentions,
 * new events (by key), and the earliest story's names and place for the
 * events both hold (the KH_STORE_STORY_KEY order of store.h). */
static const char merge_sql[] =
    "CREATE TEMP TABLE IF NOT EXISTS sm(old INTEGER PRIMARY KEY, new INTEGER NOT NULL,"
    " fresh INTEGER NOT NULL);\n"
    "CREATE TEMP TABLE IF NOT EXISTS em(old INTEGER PRIMARY KEY, new INTEGER NOT NULL);\n"
    "DELETE FROM temp.sm; DELETE FROM temp.em;\n"
    "CREATE TEMP TABLE IF NOT EXISTS mark(n INTEGER);\n"
    "DELETE FROM temp.mark; INSERT INTO temp.mark SELECT coalesce(max(id), 0) FROM main.stories;\n"
    "INSERT INTO main.stories(story_id, date, title, publisher, url, dateline, source_file, line,"
    " input_offset, raw, content_hash, dict_hash, src_key, units, captions, text, lexicon_hash,"
    " date_given)"
    " SELECT story_id, date, title, publisher, url, dateline, source_file, line, input_offset,"
    " raw, content_hash, dict_hash, src_key, units, captions, text, lexicon_hash, date_given"
    " FROM src.stories s"
    " WHERE NOT EXISTS (SELECT 1 FROM main.stories m WHERE m.content_hash = s.content_hash)"
    " ORDER BY s.id;\n"
    "INSERT INTO temp.sm SELECT s.id, m.id, m.id > (SELECT n FROM temp.mark)"
    " FROM src.stories s JOIN main.stories m ON m.content_hash = s.content_hash;\n"
    "INSERT INTO main.sentences(story, idx, kind, off, len, text)"
    " SELECT sm.new, x.idx, x.kind, x.off, x.len, x.text FROM src.sentences x"
    " JOIN temp.sm ON sm.old = x.story WHERE sm.fresh;\n"
    "INSERT INTO main.sentence_fts(rowid, text) SELECT (sm.new << 24) | x.idx, x.text"
    " FROM src.sentences x JOIN temp.sm ON sm.old = x.story WHERE sm.fresh"
    " AND x.idx <= 16777215;\n"
    "INSERT INTO main.events(date, source, target, code, root, quad, goldstein, name,"
    " source_name, target_name, flags, place_name, place_country, place_admin1, place_lat,"
    " place_lon, place_type, place_feature, place_story, num_mentions, num_sources,"
    " num_articles, first_story, dict_hash, date_precision)"
    " SELECT e.date, e.source, e.target, e.code, e.root, e.quad, e.goldstein, e.name,"
    " e.source_name, e.target_name, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0,"
    " (SELECT new FROM temp.sm WHERE old = e.first_story), e.dict_hash, e.date_precision"
    " FROM src.events e"
    " WHERE NOT EXISTS (SELECT 1 FROM main.events m WHERE m.date = e.date"
    " AND m.source = e.source AND ifnull(m.target, '') = ifnull(e.target, '')"
    " AND m.code = e.code)"
    " AND EXISTS (SELECT 1 FROM src.mentions x JOIN temp.sm ON sm.old = x.story AND sm.fresh"
    " WHERE x.event = e.id) ORDER BY e.id;\n"
    "INSERT INTO temp.em SELECT e.id, m.id FROM src.events e JOIN main.events m"
    " ON m.date = e.date AND m.source = e.source AND ifnull(m.target, '') = ifnull(e.target, '') AND m.code = e.code"
    " WHERE EXISTS (SELECT 1 FROM src.mentions x JOIN temp.sm ON sm.old = x.story AND sm.fresh"
    " WHERE x.event = e.id);\n"
    "INSERT INTO main.mentions(event, story, sentence, kind, text_off, text_len, source_off,"
    " source_len, target_off, target_len, verb_off, verb_len, pattern)"
    " SELECT em.new, sm.new, x.sentence, x.kind, x.text_off, x.text_len, x.source_off,"
    " x.source_len, x.target_off, x.target_len, x.verb_off, x.verb_len, x.pattern"
    " FROM src.mentions x JOIN temp.sm ON sm.old = x.story AND sm.fresh"
    " JOIN temp.em ON em.old = x.event ORDER BY x.id;\n"
    "UPDATE main.events AS m SET flags = m.flags | e.flags, dict_hash = e.dict_hash"
    " FROM temp.em JOIN src.events e ON e.id = em.old WHERE m.id = em.new;\n"
    "UPDATE main.events AS m SET first_story = sm.new, source_name = e.source_name,"
    " target_name = e.target_name"
    " FROM temp.em JOIN src.events e ON e.id = em.old JOIN temp.sm ON sm.old = e.first_story"
    " WHERE m.id = em.new AND sm.new <> m.first_story AND"
    " " KH_STORE_STORY_KEY("sm.new") " < " KH_STORE_STORY_KEY("m.first_story") ";\n"
    "UPDATE main.events AS m SET place_name = e.place_name, place_country = e.place_country,"
    " place_admin1 = e.place_admin1, place_lat = e.place_lat, place_lon = e.place_lon,"
    " place_type = e.place_type, place_feature = e.place_feature, place_story = sm.new"
    " FROM temp.em JOIN src.events e ON e.id = em.old JOIN temp.sm ON sm.old = e.place_story"
    " WHERE m.id = em.new AND e.place_name IS NOT NULL AND (m.place_name IS NULL OR"
    " " KH_STORE_STORY_KEY("sm.new") " < " KH_STORE_STORY_KEY("m.place_story") ");\n";

/* Checks an input and collects its images: refuses an older schema (it
 * would be upgraded by a write, and merge never writes its inputs) and a
 * damaged file. Adds its images (dictionary and lexicon hashes) to `images`
 * ("" when none yet), separated by "; ". */
static kh_status check_input(const char *path, char *images, size_t size, kh_error *err)
{
    kh_store *in = NULL;
    kh_status st = kh_store_open(path, KH_STORE_READONLY, &in, err);
    if (st)
        return st;
    if (in->version < KH_STORE_SCHEMA_VERSION) {
        int version = in->version; /* read before the close frees it */
        kh_store_close(in);
        return kh_error_set(err, KH_ERR_VERSION, 0, 0,
                            "%s: event store schema version %d, older than this khaldun's (%d); "
                            "upgrade it first (any write does: khaldun code --db %s </dev/null)",
                            path, version, KH_STORE_SCHEMA_VERSION, path);
    }
    sqlite3_exec(in->db, MERGE_MMAP, NULL, NULL, NULL); /* only faster: failure is harmless */
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(in->db, "PRAGMA quick_check(1)", -1, &q, NULL);
    const char *r = rc == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW
                        ? (const char *)sqlite3_column_text(q, 0) : NULL;
    if (!r || strcmp(r, "ok") != 0)
        st = kh_error_set(err, KH_ERR_CORRUPT, 0, 0, "%s: the event store is damaged (PRAGMA "
                          "quick_check: %.120s); nothing was merged", path,
                          r ? r : sqlite3_errmsg(in->db));
    sqlite3_finalize(q);
    q = NULL;
    rc = st ? SQLITE_OK
            : sqlite3_prepare_v2(in->db, "SELECT DISTINCT 'dictionary ' || dict_hash ||"
                                 " ' with lexicon ' || CASE lexicon_hash WHEN '' THEN 'unknown'"
                                 " ELSE lexicon_hash END FROM stories", -1, &q, NULL);
    while (!st && rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(q, 0);
        rc = SQLITE_OK;
        if (!h || strstr(images, h))
            continue;
        size_t n = strlen(images);
        if (n + strlen(h) + 3 >= size) {
            st = kh_error_set(err, KH_ERR_LIMIT, 0, 0, "%s: too many dictionary images", path);
            break;
        }
        snprintf(images + n, size - n, "%s%s", n ? "; " : "", h);
    }
    if (!st && rc != SQLITE_DONE)
        st = kh_error_set(err, KH_ERR_DB, 0, 0, "%s: %s", path, sqlite3_errmsg(in->db));
    sqlite3_finalize(q);
    kh_store_close(in);
    return st;
}

/* Runs SQL without results; a failure says what was being done. */
static kh_status merge_exec(kh_store *s, const char *sql, const char *what)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? KH_OK : kh_store_db_fail(s, rc, what);
}

/* Adds one input (attached read-only as "src") in one transaction. */
static kh_status merge_one(kh_store *out, const char *path, kh_error *err)
{
    char uri[8192];
    if (!kh_store_uri(path, "mode=ro", uri, sizeof uri))
        return kh_error_set(err, KH_ERR_LIMIT, 0, 0, "%s: path too long", path);
    sqlite3_stmt *a = NULL;
    int rc = sqlite3_prepare_v2(out->db, "ATTACH DATABASE ?1 AS src", -1, &a, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(a, 1, uri, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK && (rc = sqlite3_step(a)) == SQLITE_DONE)
        rc = SQLITE_OK;
    sqlite3_finalize(a);
    if (rc != SQLITE_OK)
        return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: cannot attach: %s", path,
                            sqlite3_errmsg(out->db));
    sqlite3_exec(out->db, "PRAGMA src.mmap_size = 1073741824", NULL, NULL, NULL);
    kh_status st = merge_exec(out, "BEGIN IMMEDIATE", "starting a transaction");
    if (!st && !(st = merge_exec(out, merge_sql, "merging its rows")))
        st = merge_exec(out, "COMMIT", "committing its rows");
    if (st) {
        kh_error_set(err, st, 0, 0, "%s: %s", path, out->msg);
        sqlite3_exec(out->db, "ROLLBACK", NULL, NULL, NULL);
    }
    sqlite3_exec(out->db, "DETACH DATABASE src", NULL, NULL, NULL);
    return st;
}

/* Starts the store being built as a copy of the first input, page by page
 * (SQLite's online backup), instead of inserting its rows one by one and
 * updating every index and the text index for each: the rows are the same
 * and a merge of two shards does half the work. The copy's header says WAL,
 * as the input's did: journal_mode = OFF again takes the store out of it. */
static kh_status merge_base(kh_store *out, const char *path, kh_error *err)
{
    kh_store *in = NULL;
    kh_status st = kh_store_open(path, KH_STORE_READONLY, &in, err);
    if (st)
        return st;
    sqlite3_exec(in->db, MERGE_MMAP, NULL, NULL, NULL);
    sqlite3_backup *b = sqlite3_backup_init(out->db, "main", in->db, "main");
    int rc = b ? sqlite3_backup_step(b, -1) : sqlite3_errcode(out->db);
    int done = rc == SQLITE_DONE;
    rc = b ? sqlite3_backup_finish(b) : rc;
    if (!done || rc != SQLITE_OK)
        st = kh_error_set(err, KH_ERR_DB, 0, 0, "%s: cannot copy it: %s", path,
                          sqlite3_errmsg(out->db));
    kh_store_close(in);
    if (!st && (st = merge_exec(out, "PRAGMA journal_mode = OFF", "leaving WAL mode")))
        kh_error_set(err, st, 0, 0, "%s: %s", path, out->msg);
    return st;
}

/* Moves the finished store `tmp` to `path`: link (never over a file that
 * appeared meanwhile), or rename over the empty file that was there. */
static kh_status publish(const char *tmp, const char *path, int was_empty, kh_error *err)
{
    if (was_empty) {
        struct stat sb;
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size != 0)
            return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: changed while merging; the merged "
                                "store was not written", path);
        if (rename(tmp, path) != 0)
            return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: %s", path, strerror(errno));
        return KH_OK;
    }
    if (link(tmp, path) != 0)
        return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: %s%s", path, strerror(errno),
                            errno == EEXIST ? " (created while merging; not replaced)" : "");
    unlink(tmp);
    return KH_OK;
}

/* The checks before anything is created: OUT is new (or an empty file). */
static kh_status check_out(const char *path, int *was_empty, kh_error *err)
{
    struct stat sb;
    *was_empty = 0;
    if (!*path)
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "empty output name");
    if (stat(path, &sb) == 0) {
        if (!S_ISREG(sb.st_mode) || sb.st_size > 0)
            return kh_error_set(err, KH_ERR_INVALID, 0, 0,
                                "%s: exists; merge writes a new store and replaces nothing "
                                "(name an existing store as an input to include it)", path);
        *was_empty = 1;
    } else if (errno != ENOENT) {
        return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: %s", path, strerror(errno));
    }
    return KH_OK;
}

static void remove_store_files(const char *path)
{
    static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
    char name[4200];
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        snprintf(name, sizeof name, "%s%s", path, ext[i]);
        unlink(name);
    }
}

kh_status kh_store_merge(const char *path, const char *const *inputs, size_t n, unsigned flags,
                         kh_store_merge_counts *counts, kh_error *err)
{
    if (!path || (n && !inputs) || (flags & ~(unsigned)KH_MERGE_ANY_IMAGES))
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "kh_store_merge: bad arguments");
    if (counts)
        memset(counts, 0, sizeof *counts);
    int was_empty;
    kh_status st = check_out(path, &was_empty, err);
    char images[1024] = "";
    const char *second = NULL;
    for (size_t i = 0; i < n && !st; i++) {
        size_t before = strlen(images);
        st = check_input(inputs[i], images, sizeof images, err);
        if (!st && before && strlen(images) > before && !second)
            second = inputs[i];
    }
    if (!st && second && !(flags & KH_MERGE_ANY_IMAGES))
        st = kh_error_set(err, KH_ERR_INVALID, 0, 0,
                          "the inputs were coded with different images (%s: %s "
                          "brings a new one): their events would not be comparable. Recode "
                          "them with one image, or merge anyway with --any-images", images,
                          second);
    if (st)
        return st;
    /* The store is built beside OUT, so that the last step is a link. */
    char tmp[4200];
    const char *slash = strrchr(path, '/');
    int dl = slash ? (int)(slash - path + 1) : 0;
    if (snprintf(tmp, sizeof tmp, "%.*s.%s.merge-XXXXXX", dl, path, slash ? slash + 1 : path) >=
        (int)sizeof tmp)
        return kh_error_set(err, KH_ERR_LIMIT, 0, 0, "%s: path too long", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: cannot create a temporary file beside "
                            "it: %s", path, strerror(errno));
    close(fd);
    kh_store *out = NULL;
    st = kh_store_open(tmp, KH_STORE_CREATE, &out, err);
    /* The store being built is a temporary file until it is published:
     * written without a journal and without syncs (a failure discards it
     * whole), so each page is written once, not once to the WAL and again
     * by each checkpoint; one fsync before it is published. */
    if (!st && (st = merge_exec(out, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                                " PRAGMA temp_store = MEMORY; " MERGE_MMAP, "setting up the merge")))
        kh_error_set(err, st, 0, 0, "%s: %s", path, out->msg);
    if (!st && n)
        st = merge_base(out, inputs[0], err);
    for (size_t i = 1; i < n && !st; i++)
        st = merge_one(out, inputs[i], err);
    if (!st && ((st = merge_exec(out, "BEGIN IMMEDIATE", "starting a transaction")) ||
                (st = kh_store_recount(out)) ||
                (st = merge_exec(out, "COMMIT", "committing the counts")) ||
                (st = merge_exec(out, "PRAGMA journal_mode = WAL", "switching to WAL")) ||
                (counts && (st = kh_store_counts(out, &counts->stories, &counts->events,
                                                 &counts->mentions))))) {
        kh_error_set(err, st, 0, 0, "%s: %s", path, out->msg);
        sqlite3_exec(out->db, "ROLLBACK", NULL, NULL, NULL);
    }
    kh_store_close(out); /* the last connection: the WAL is checkpointed into the file */
    if (!st) { /* written unsynced (above): on disk before it gets its name */
        fd = open(tmp, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) != 0)
            st = kh_error_set(err, KH_ERR_IO, 0, 0, "%s: syncing: %s", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    if (!st)
        st = publish(tmp, path, was_empty, err);
    remove_store_files(tmp);
    return st;
}
