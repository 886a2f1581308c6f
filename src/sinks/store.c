/*
 * store.c: the event store, the SQLite sink at the end of the pipeline
 * (read -> ... -> events -> resolve -> sinks): its schema, opening, and
 * ingestion. Coded stories go in with their text (so they can be re-coded),
 * the sentences that carry evidence, and their events merged across
 * stories: one row per (date, source, target, code) with GDELT's
 * NumMentions / NumSources / NumArticles kept up to date and every mention
 * kept. Queries and statistics (store_query.c), re-coding (store_recode.c)
 * and the export writers (store_write.c) live beside it; the store as a
 * kh_sink is in sink.c.
 *
 * Safety: a file is checked through a read-only connection before the
 * writable one is opened, so a foreign or newer database is never touched;
 * kh_store_open is the one way in. Writes run in batches in WAL mode; each
 * story is added under a savepoint so a failure (full disk, read-only file)
 * drops that story whole. Every statement uses bound parameters. The schema
 * is documented in docs/store.md; keep the two in step and bump
 * KH_STORE_SCHEMA_VERSION when it changes. Nothing here prints or exits.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sinks/store.h"

/* ---------------------------------------------------------------------- */
/* Statements, schema and errors                                          */
/* ---------------------------------------------------------------------- */

static const char *const stmt_sql[ST_COUNT] = {
    /* ST_HAS */ "SELECT id, date, date_given FROM stories WHERE content_hash = ?1",
    /* ST_INS_STORY */
    "INSERT INTO stories(story_id, date, title, publisher, url, dateline, source_file, line,"
    " input_offset, raw, content_hash, dict_hash, src_key, units, captions, text, lexicon_hash,"
    " date_given)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    /* ST_FIND_EVENT */
    "SELECT id FROM events WHERE date = ?1 AND source = ?2 AND ifnull(target, '') = ifnull(?3, '')"
    " AND code = ?4",
    /* ST_INS_EVENT */
    "INSERT INTO events(date, source, target, code, root, quad, goldstein, name, source_name,"
    " target_name, flags, num_mentions, num_sources, num_articles, first_story, dict_hash,"
    " date_precision)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, 0, 0, 0, ?11, ?12, ?13)",
    /* ST_UPD_EVENT */
    "UPDATE events SET num_mentions = num_mentions + ?1, num_articles = num_articles + ?2,"
    " num_sources = num_sources + ?3, flags = flags | ?4, dict_hash = ?5 WHERE id = ?6",
    /* ST_UPD_PLACE: the place of the earliest story that gave one (KH_STORE_STORY_KEY) */
    "UPDATE events SET place_name = ?1, place_country = ?2, place_admin1 = ?3, place_lat = ?4,"
    " place_lon = ?5, place_type = ?6, place_feature = ?7, place_story = ?9 WHERE id = ?8 AND"
    " (place_name IS NULL OR " KH_STORE_STORY_KEY("?9") " < " KH_STORE_STORY_KEY("place_story") ")",
    /* ST_UPD_FIRST: the earliest story that reported the event, and its names */
    "UPDATE events SET first_story = ?1, source_name = ?2, target_name = ?3 WHERE id = ?4 AND"
    " " KH_STORE_STORY_KEY("?1") " < " KH_STORE_STORY_KEY("first_story"),
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
    "SELECT m.event, s.story_id, s.url, s.publisher, s.date, length(CAST(s.text AS TEXT)), m.sentence,"
    " m.kind, m.text_off, m.text_len, m.source_off, m.source_len, m.target_off, m.target_len,"
    " m.verb_off, m.verb_len, se.text, m.pattern, s.dict_hash,"
    " length(CAST(substr(CAST(s.text AS BLOB), 1, m.text_off) AS TEXT))"
    " FROM mentions m JOIN stories s ON s.id = m.story"
    " LEFT JOIN sentences se ON se.story = m.story AND se.idx = m.sentence"
    " WHERE m.event = ?1 ORDER BY m.id",
    /* ST_LOAD_STORY */
    "SELECT story_id, date, title, publisher, url, dateline, source_file, line, input_offset,"
    " raw, units, captions, text, src_key, date_given FROM stories WHERE id = ?1",
    /* ST_INS_FTS */ "INSERT INTO sentence_fts(rowid, text) VALUES((?1 << 24) | ?2, ?3)",
    /* ST_SET_DICT */
    "UPDATE stories SET dict_hash = ?1, lexicon_hash = ?3, date = ?4, date_given = ?5"
    " WHERE id = ?2",
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
    "  text BLOB NOT NULL,\n"
    "  lexicon_hash TEXT NOT NULL DEFAULT '',\n"
    "  date_given INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE sentences(\n"
    "  story INTEGER NOT NULL REFERENCES stories(id),\n"
    "  idx INTEGER NOT NULL, kind INTEGER NOT NULL, off INTEGER NOT NULL, len INTEGER NOT NULL,\n"
    "  text TEXT NOT NULL,\n"
    "  PRIMARY KEY(story, idx)) WITHOUT ROWID;\n"
    KH_STORE_EVENTS_TABLE("events")
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
    KH_STORE_EVENTS_INDEXES
    "CREATE INDEX mentions_event ON mentions(event, story);\n"
    "CREATE INDEX mentions_story ON mentions(story);\n"
    KH_STORE_FTS_TABLE;

kh_status kh_store_fail(kh_store *s, kh_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    va_end(ap);
    return code;
}

/* Maps an SQLite failure to a status and a message that says what to do. */
kh_status kh_store_db_fail(kh_store *s, int rc, const char *what)
{
    int base = rc & 0xff;
    const char *m = sqlite3_errmsg(s->db);
    if (base == SQLITE_FULL)
        return kh_store_fail(s, KH_ERR_IO, "%s: disk full (the last batch was not stored)", what);
    if (base == SQLITE_READONLY)
        return kh_store_fail(s, KH_ERR_IO, "%s: the database is read-only (%s)", what, m);
    if (base == SQLITE_IOERR || base == SQLITE_CANTOPEN)
        return kh_store_fail(s, KH_ERR_IO, "%s: %s", what, m);
    if (base == SQLITE_NOMEM)
        return kh_store_fail(s, KH_ERR_NOMEM, "%s: out of memory", what);
    if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
        return kh_store_fail(s, KH_ERR_DB, "%s: the database is locked by another process", what);
    if (base == SQLITE_CORRUPT || base == SQLITE_NOTADB)
        return kh_store_fail(s, KH_ERR_CORRUPT, "%s: %s", what, m);
    return kh_store_fail(s, KH_ERR_DB, "%s: %s", what, m);
}

kh_status kh_store_exec(kh_store *s, const char *sql)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    /* A short statement names itself ("COMMIT"); a script is not printed. */
    return rc == SQLITE_OK ? KH_OK
           : kh_store_db_fail(s, rc, strlen(sql) <= 40 && !strchr(sql, '\n') ? sql
                                                                           : "updating the store");
}

/* WAL mode. Switching to it takes the file for a moment; while another
 * writer holds it (two writers creating one store at once) SQLite answers
 * BUSY at once, without the busy handler (waiting there could deadlock), so
 * it is tried again for up to the busy timeout (10 s). */
static kh_status set_wal(kh_store *s)
{
    int rc = SQLITE_BUSY;
    for (int tries = 0; tries < 200; tries++) {
        rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
        if ((rc & 0xff) != SQLITE_BUSY)
            break;
        sqlite3_sleep(50);
    }
    return rc == SQLITE_OK ? KH_OK : kh_store_db_fail(s, rc, "PRAGMA journal_mode = WAL");
}

/* The cached statement `id`, reset and unbound, or NULL on failure. */
sqlite3_stmt *kh_store_stmt(kh_store *s, int id)
{
    if (!s->st[id]) {
        int rc = sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                    &s->st[id], NULL);
        if (rc != SQLITE_OK) {
            kh_store_db_fail(s, rc, "preparing a statement");
            return NULL;
        }
    } else {
        sqlite3_reset(s->st[id]);
        sqlite3_clear_bindings(s->st[id]);
    }
    return s->st[id];
}


void kh_store_reset_all(kh_store *s)
{
    for (size_t i = 0; i < ST_COUNT; i++)
        if (s->st[i])
            sqlite3_reset(s->st[i]);
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

int kh_store_uri(const char *path, const char *query, char *out, size_t size)
{
    size_t k = (size_t)snprintf(out, size, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (k + 4 >= size)
            return 0;
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '/' || *p == '.' || *p == '_' || *p == '-')
            out[k++] = (char)*p;
        else
            k += (size_t)snprintf(out + k, size - k, "%%%02X", *p);
    }
    return snprintf(out + k, size - k, "?%s", query) < (int)(size - k);
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
    sqlite3_close(*db);
    *db = NULL;
    if (!kh_store_uri(path, "immutable=1", uri, sizeof uri))
        return SQLITE_CANTOPEN;
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
static kh_status check_file(const char *path, int for_writing, int *empty, int *version,
                            kh_error *err)
{
    sqlite3 *db = NULL;
    *empty = 0;
    *version = 0;
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
        *version = ver > 0 && ver <= KH_STORE_SCHEMA_VERSION ? (int)ver : 0;
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

/* Creates the schema, unless another writer did while this one waited for
 * the lock (two runs creating one new store at once): the write lock is
 * taken first, and the file looked at again under it. */
static kh_status create_schema(kh_store *s)
{
    kh_status st = kh_store_exec(s, "BEGIN IMMEDIATE");
    if (st)
        return st;
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master", -1, &q, NULL);
    int tables = rc == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
    sqlite3_finalize(q);
    if (tables != 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return tables > 0 ? KH_OK : kh_store_db_fail(s, rc, "reading the schema");
    }
    char sql[256];
    if ((st = kh_store_exec(s, schema_sql)))
        goto fail;
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
             KH_STORE_APPLICATION_ID, KH_STORE_SCHEMA_VERSION);
    if ((st = kh_store_exec(s, sql)))
        goto fail;
    snprintf(sql, sizeof sql,
             "INSERT INTO meta(key, value) VALUES('schema_version', '%d'), "
             "('application', 'khaldun'), ('created_by', 'khaldun %s')",
             KH_STORE_SCHEMA_VERSION, KH_VERSION_STRING);
    if ((st = kh_store_exec(s, sql)))
        goto fail;
    if ((st = kh_store_exec(s, "COMMIT")))
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
    if (!path || !out || (flags & ~(unsigned)(KH_STORE_READONLY | KH_STORE_CREATE |
                                              KH_STORE_SCRATCH)) ||
        ((flags & KH_STORE_READONLY) && (flags & KH_STORE_CREATE)) ||
        ((flags & KH_STORE_SCRATCH) && !(flags & KH_STORE_CREATE)))
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "kh_store_open: bad arguments");
    *out = NULL;
    kh_status name_st = check_name(path, err);
    if (name_st)
        return name_st;
    int readonly = (flags & KH_STORE_READONLY) != 0;
    int exists, empty = 1, version = 0;
    if (file_nonempty(path, &exists)) {
        kh_status st = check_file(path, !readonly, &empty, &version, err);
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
        struct stat db;
        if (stat(dir, &db) != 0 || !S_ISDIR(db.st_mode))
            return kh_error_set(err, KH_ERR_NOTFOUND, 0, 0, "%s: no such folder (%s); nothing was "
                                "written", path, dir);
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
        /* WAL (a scratch store: none): readers never block the writer, and a killed
         * writer leaves the last committed batch. NORMAL sync is crash-safe for the process. */
        if ((st = (flags & KH_STORE_SCRATCH) ? KH_OK : set_wal(s)) ||
            (st = kh_store_exec(s, (flags & KH_STORE_SCRATCH)
                                       ? "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;"
                                         " PRAGMA mmap_size = 1073741824"
                                       : "PRAGMA synchronous = NORMAL")) ||
            (empty && (st = create_schema(s)))) {
            kh_error_set(err, st, 0, 0, "%s: %s", path, s->msg);
            goto fail;
        }
        if (empty) { /* re-check what we wrote, as any other opener would */
            int e2;
            if ((st = check_file(path, 0, &e2, &version, err)))
                goto fail;
        } else if (version < KH_STORE_SCHEMA_VERSION &&
                   (st = kh_store_migrate(s, version))) {
            kh_error_set(err, st, 0, 0, "%s: upgrading the event store from schema version %d "
                                        "failed, the file is as it was: %s", path, version, s->msg);
            goto fail;
        }
    }
    s->version = readonly ? version : KH_STORE_SCHEMA_VERSION;
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
    for (size_t i = 0; i < KH_STORE_QCACHE; i++) {
        sqlite3_finalize(s->qc_st[i]);
        free(s->qc_sql[i]);
    }
    sqlite3_close(s->db);
    kh_arena_free(&s->arena);
    free(s);
}

const char *kh_store_errmsg(const kh_store *s) { return s ? s->msg : ""; }

void kh_store_set_lexicon(kh_store *s, const kh_lexicon *lexicon)
{
    if (!s)
        return;
    uint64_t sum = 0;
    if (lexicon)
        kh_lexicon_hashes(lexicon, &sum, NULL);
    if (lexicon)
        snprintf(s->lexicon_hash, sizeof s->lexicon_hash, "%016llx", (unsigned long long)sum);
    else
        s->lexicon_hash[0] = '\0';
}

kh_status kh_store_begin(kh_store *s)
{
    if (!s || s->in_batch)
        return KH_ERR_INVALID;
    if (!s->writable)
        return kh_store_fail(s, KH_ERR_IO, "the store was opened read-only");
    kh_status st = kh_store_exec(s, "BEGIN IMMEDIATE");
    if (!st)
        s->in_batch = 1;
    return st;
}

kh_status kh_store_commit(kh_store *s)
{
    if (!s || !s->in_batch)
        return KH_ERR_INVALID;
    kh_status st = kh_store_exec(s, "COMMIT");
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

/* Looks the story up: *sid its row (0 when not stored), *redate 1 when it
 * is stored with a date that this run's --date corrects (the stored date
 * came from --date, or there was none, and the run gives another). */
static kh_status find_story(kh_store *s, const kh_story *story, sqlite3_int64 *sid, int *redate)
{
    char hex[65], date[16];
    kh_story_hash(story, hex);
    sqlite3_stmt *q = kh_store_stmt(s, ST_HAS);
    if (!q)
        return KH_ERR_DB;
    bind_text(q, 1, hex, 64);
    int rc = sqlite3_step(q);
    *sid = 0, *redate = 0;
    if (rc == SQLITE_ROW) {
        *sid = sqlite3_column_int64(q, 0);
        const char *old = col_str(q, 1);
        kh_sink_date_text(story->date, date);
        *redate = kh_store_date_given(s, story->date) &&
                  (sqlite3_column_int(q, 2) || !old) && (!old || strcmp(old, date) != 0);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return kh_store_db_fail(s, rc, "looking up a story");
    return KH_OK;
}

kh_status kh_store_has_story(kh_store *s, const kh_story *story, int *known)
{
    if (!s || !story || !known)
        return KH_ERR_INVALID;
    sqlite3_int64 sid;
    int redate;
    kh_status st = find_story(s, story, &sid, &redate);
    *known = sid && !redate;
    return st;
}

void kh_store_set_default_date(kh_store *s, kh_date date)
{
    if (s)
        s->default_date = date;
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
        if (rc_ != SQLITE_DONE) { st = kh_store_db_fail(s, rc_, what); goto done; } \
    } while (0)

/* Adds one story's events (already stored as story row `sid`). */
kh_status kh_store_add_events(kh_store *s, sqlite3_int64 sid, const kh_story *story,
                              const kh_event *events, size_t n, const char *dict_hash,
                              const char *src_key)
{
    kh_status st = KH_OK;
    const char *hash = dict_hash ? dict_hash : "";
    for (size_t i = 0; i < n; i++) {
        const kh_event *e = &events[i];
        char date[16];
        kh_sink_date_text(e->date, date);
        const char *target = e->target && *e->target ? e->target : NULL; /* NULL: none */
        sqlite3_stmt *q = kh_store_stmt(s, ST_FIND_EVENT);
        if (!q)
            return KH_ERR_DB;
        bind_str(q, 1, date), bind_str(q, 2, e->source ? e->source : "");
        bind_str(q, 3, target), bind_str(q, 4, e->code ? e->code : "");
        sqlite3_int64 eid = 0;
        int rc = sqlite3_step(q);
        if (rc == SQLITE_ROW)
            eid = sqlite3_column_int64(q, 0);
        else if (rc != SQLITE_DONE)
            return kh_store_db_fail(s, rc, "finding an event");
        sqlite3_reset(q);
        int seen = 0;
        if (!eid) {
            if (!(q = kh_store_stmt(s, ST_INS_EVENT)))
                return KH_ERR_DB;
            bind_str(q, 1, date), bind_str(q, 2, e->source ? e->source : "");
            bind_str(q, 3, target), bind_str(q, 4, e->code ? e->code : "");
            bind_text(q, 5, e->root, strnlen(e->root, sizeof e->root));
            sqlite3_bind_int(q, 6, e->quad);
            sqlite3_bind_double(q, 7, kh_store_goldstein(e->goldstein));
            bind_str(q, 8, e->name), bind_str(q, 9, e->source_name);
            bind_str(q, 10, e->target_name);
            sqlite3_bind_int64(q, 11, sid);
            bind_str(q, 12, hash);
            bind_str(q, 13, e->date.year ? kh_date_precision_name(e->date_precision) : NULL);
            STEP_DONE(q, "adding an event");
            eid = sqlite3_last_insert_rowid(s->db);
        } else {
            if (!(q = kh_store_stmt(s, ST_SEEN)))
                return KH_ERR_DB;
            sqlite3_bind_int64(q, 1, eid), sqlite3_bind_int64(q, 2, sid);
            rc = sqlite3_step(q);
            if (rc == SQLITE_ROW)
                seen = 1;
            else if (rc != SQLITE_DONE)
                return kh_store_db_fail(s, rc, "checking a mention");
            sqlite3_reset(q);
            if (!(q = kh_store_stmt(s, ST_UPD_FIRST)))
                return KH_ERR_DB;
            sqlite3_bind_int64(q, 1, sid), bind_str(q, 2, e->source_name);
            bind_str(q, 3, e->target_name), sqlite3_bind_int64(q, 4, eid);
            STEP_DONE(q, "updating an event's first story");
        }
        if (e->place) {
            const kh_place *p = e->place;
            if (!(q = kh_store_stmt(s, ST_UPD_PLACE)))
                return KH_ERR_DB;
            bind_str(q, 1, p->name ? p->name : ""), bind_str(q, 2, p->country);
            bind_str(q, 3, p->admin1 && *p->admin1 ? p->admin1 : NULL);
            if (p->has_coords)
                sqlite3_bind_double(q, 4, p->lat), sqlite3_bind_double(q, 5, p->lon);
            sqlite3_bind_int(q, 6, p->type);
            if (p->feature_id)
                sqlite3_bind_int64(q, 7, p->feature_id);
            sqlite3_bind_int64(q, 8, eid), sqlite3_bind_int64(q, 9, sid);
            STEP_DONE(q, "setting an event's place");
        }
        if (!(q = kh_store_stmt(s, ST_INS_SRC)))
            return KH_ERR_DB;
        sqlite3_bind_int64(q, 1, eid), bind_str(q, 2, src_key);
        STEP_DONE(q, "counting an event's sources");
        int new_source = sqlite3_changes(s->db) > 0;
        if (!(q = kh_store_stmt(s, ST_UPD_EVENT)))
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
            if (!(q = kh_store_stmt(s, ST_INS_MENTION)))
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
            if (!(q = kh_store_stmt(s, ST_INS_SENTENCE)))
                return KH_ERR_DB;
            sqlite3_bind_int64(q, 1, sid), bind_size(q, 2, m->sentence);
            sqlite3_bind_int(q, 3, (int)m->kind);
            bind_size(q, 4, m->text.off), bind_size(q, 5, m->text.len);
            bind_text(q, 6, story->text + m->text.off, m->text.len);
            STEP_DONE(q, "adding a sentence");
            if (sqlite3_changes(s->db) == 0 || m->sentence > KH_STORE_FTS_MAX_SENTENCE)
                continue; /* stored (and indexed) already, or past what the index can name */
            if (!(q = kh_store_stmt(s, ST_INS_FTS)))
                return KH_ERR_DB;
            sqlite3_bind_int64(q, 1, sid), bind_size(q, 2, m->sentence);
            bind_text(q, 3, story->text + m->text.off, m->text.len);
            STEP_DONE(q, "indexing a sentence");
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

/* Inserts the story row (under the caller's savepoint). */
static kh_status insert_story(kh_store *s, const kh_story *story, const char *dict_hash,
                              const char *src, const kh_buf *units, const kh_buf *caps)
{
    char hex[65], date[16];
    kh_story_hash(story, hex);
    kh_sink_date_text(story->date, date);
    if (story->text_len > INT_MAX)
        return kh_store_fail(s, KH_ERR_LIMIT, "story %s: text too large for the store", story->id);
    sqlite3_stmt *q = kh_store_stmt(s, ST_INS_STORY);
    if (!q)
        return KH_ERR_DB;
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
    bind_str(q, 14, units->data ? units->data : "");
    bind_str(q, 15, caps->data ? caps->data : "");
    sqlite3_bind_blob(q, 16, story->text_len ? story->text : "", (int)story->text_len,
                      SQLITE_STATIC);
    bind_str(q, 17, s->lexicon_hash);
    sqlite3_bind_int(q, 18, kh_store_date_given(s, story->date));
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? KH_OK : kh_store_db_fail(s, rc, "adding a story");
}

/* A story stored with a date this run corrects goes, with its evidence,
 * before it is stored again with the new date (kh_store_remove_story). */
static kh_status drop_redated(kh_store *s, const kh_story *story)
{
    sqlite3_int64 sid;
    int redate;
    kh_status st = find_story(s, story, &sid, &redate);
    return st ? st : sid && redate ? kh_store_remove_story(s, sid) : KH_OK;
}

kh_status kh_store_story_begin(kh_store *s, const kh_story *story, const char *dict_hash,
                               kh_store_story *out)
{
    source_key(story, out->src, sizeof out->src);
    kh_buf units, caps;
    kh_buf_init(&units, NULL, 0);
    kh_buf_init(&caps, NULL, 0);
    kh_status st;
    if ((st = spans_text(&units, story, 1)) || (st = spans_text(&caps, story, 0)) ||
        (st = kh_buf_putc(&units, '\0')) || (st = kh_buf_putc(&caps, '\0')))
        st = kh_store_fail(s, st, "encoding a story's units");
    else if (!(st = kh_store_exec(s, "SAVEPOINT kh_story")) &&
             ((st = drop_redated(s, story)) ||
              (st = insert_story(s, story, dict_hash, out->src, &units, &caps))))
        kh_store_story_end(s, st);
    out->sid = sqlite3_last_insert_rowid(s->db);
    kh_buf_free(&units);
    kh_buf_free(&caps);
    return st;
}

kh_status kh_store_story_end(kh_store *s, kh_status st)
{
    if (!st && !(st = kh_store_exec(s, "RELEASE kh_story"))) {
        kh_store_reset_all(s);
        return KH_OK;
    }
    /* Drop the story whole. When SQLite has already rolled the transaction
     * back (a full disk can do that), the batch is gone too. */
    if (!sqlite3_get_autocommit(s->db)) {
        sqlite3_exec(s->db, "ROLLBACK TO kh_story", NULL, NULL, NULL);
        sqlite3_exec(s->db, "RELEASE kh_story", NULL, NULL, NULL);
    }
    if (sqlite3_get_autocommit(s->db))
        s->in_batch = 0;
    kh_store_reset_all(s);
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
        return kh_store_fail(s, KH_ERR_IO, "the store was opened read-only");
    int known;
    kh_status st = kh_store_has_story(s, story, &known);
    if (st || known)
        return st;
    kh_store_story cur;
    if ((st = kh_store_story_begin(s, story, dict_hash, &cur)))
        return st;
    st = kh_store_story_end(s, kh_store_add_events(s, cur.sid, story, events, n, dict_hash,
                                                   cur.src));
    if (!st && added)
        *added = 1;
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
    return rc == SQLITE_OK ? KH_OK : kh_store_db_fail(s, rc, "counting rows");
}

/* ---------------------------------------------------------------------- */
/* The store as a sink                                                    */
/* ---------------------------------------------------------------------- */

typedef struct store_sink {
    kh_sink base;
    kh_store *store;
    const char *dict_hash;
    size_t batch, in_batch;
    int open;              /* a story is begun and not yet ended */
    int skip;              /* the current story was already stored */
    kh_store_story cur;
} store_sink;

/* Ends the story begun, and commits the batch when it is full. */
static kh_status store_sink_end(store_sink *k)
{
    if (!k->open)
        return KH_OK;
    k->open = 0;
    kh_status st = kh_store_story_end(k->store, KH_OK);
    if (!st && k->batch && ++k->in_batch >= k->batch) {
        if (!(st = kh_store_commit(k->store)))
            st = kh_store_begin(k->store);
        k->in_batch = 0;
    }
    return st;
}

static kh_status store_sink_begin(kh_sink *sink)
{
    return kh_store_begin(((store_sink *)sink)->store);
}

static kh_status store_sink_story(kh_sink *sink, const kh_story *story)
{
    store_sink *k = (store_sink *)sink;
    kh_status st = store_sink_end(k);
    if (st)
        return st;
    if (story->text_len && !story->text)
        return KH_ERR_INVALID;
    int known = 0;
    if ((st = kh_store_has_story(k->store, story, &known)))
        return st;
    k->skip = known;
    if (known) {
        sink->counts.known++;
        return KH_OK;
    }
    if ((st = kh_store_story_begin(k->store, story, k->dict_hash, &k->cur)))
        return st;
    k->open = 1;
    sink->counts.stories++;
    return KH_OK;
}

static kh_status store_sink_event(kh_sink *sink, const kh_event *event)
{
    store_sink *k = (store_sink *)sink;
    if (k->skip)
        return KH_OK;
    if (!k->open)
        return KH_ERR_INVALID;
    kh_status st = kh_store_add_events(k->store, k->cur.sid, sink->story, event, 1,
                                       k->dict_hash, k->cur.src);
    if (st) {
        k->open = 0;
        return kh_store_story_end(k->store, st);
    }
    sink->counts.events++;
    return KH_OK;
}

static kh_status store_sink_finish(kh_sink *sink)
{
    store_sink *k = (store_sink *)sink;
    kh_status st = store_sink_end(k);
    return st ? st : kh_store_commit(k->store);
}

static void store_sink_free(kh_sink *sink)
{
    store_sink *k = (store_sink *)sink;
    if (k->open)
        kh_store_story_end(k->store, KH_ERR_INVALID);
    kh_free(NULL, k);
}

static const kh_sink_ops store_ops = {store_sink_begin, store_sink_story, store_sink_event,
                                      store_sink_finish, store_sink_free};

kh_status kh_sink_store_new(kh_store *store, const char *dict_hash, size_t batch, kh_sink **out)
{
    if (!store || !out)
        return KH_ERR_INVALID;
    if (!store->writable)
        return kh_store_fail(store, KH_ERR_IO, "the store was opened read-only");
    store_sink *k = (store_sink *)kh_calloc(NULL, 1, sizeof *k);
    if (!k)
        return KH_ERR_NOMEM;
    k->base.ops = &store_ops;
    k->store = store;
    k->dict_hash = dict_hash ? dict_hash : "";
    k->batch = batch;
    *out = &k->base;
    return KH_OK;
}
