/*
 * store_recode.c: re-coding the event store (`khaldun recode`): every stored
 * story is loaded back as a kh_story (text, units, captions), coded by a
 * kh_coder exactly as `khaldun code` codes it, and its events are added
 * through the ingestion path (kh_store_add_events) in one transaction that
 * first empties the events, mentions and sentences. A failure or a kill
 * leaves the store as it was.
 */
#include <stdio.h>

#include "sinks/store.h"

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

/* Lists the stored stories' row ids, in order. */
static kh_status list_stories(kh_store *s, sqlite3_int64 **ids, size_t *n)
{
    size_t cap = 0;
    sqlite3_stmt *q = NULL;
    kh_status st = KH_OK;
    int rc = sqlite3_prepare_v2(s->db, "SELECT id FROM stories ORDER BY id", -1, &q, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 1024, bytes;
            sqlite3_int64 *p = kh_mul_ok(ncap, sizeof **ids, &bytes)
                                   ? (sqlite3_int64 *)realloc(*ids, bytes) : NULL;
            if (!p) {
                st = kh_store_fail(s, KH_ERR_NOMEM, "out of memory");
                break;
            }
            *ids = p, cap = ncap;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(q, 0);
        rc = SQLITE_OK;
    }
    if (!st && rc != SQLITE_DONE)
        st = kh_store_db_fail(s, rc, "listing stories");
    sqlite3_finalize(q);
    return st;
}

/* The copies a loaded story points into, reused from story to story. */
typedef struct story_buf {
    kh_unit *units;
    kh_span *caps;
    char *text;
} story_buf;

/* Fills `story` from a ST_LOAD_STORY row (valid until the row is reset). */
static kh_status load_story(kh_store *s, sqlite3_stmt *l, kh_story *story, story_buf *sb)
{
    memset(story, 0, sizeof *story);
    story->id = col_str(l, 0);
    story->date = date_parse_col(col_str(l, 1));
    story->title = col_str(l, 2), story->publisher = col_str(l, 3), story->url = col_str(l, 4);
    story->dateline = col_str(l, 5), story->source = col_str(l, 6);
    story->line = col_size(l, 7);
    story->input_offset = (uint64_t)col_size(l, 8);
    story->raw = sqlite3_column_int(l, 9);
    const char *ut = col_str(l, 10), *ct = col_str(l, 11);
    const void *blob = sqlite3_column_blob(l, 12);
    story->text_len = (size_t)sqlite3_column_bytes(l, 12);
    free(sb->text);
    if (!(sb->text = (char *)malloc(story->text_len + 1)))
        return kh_store_fail(s, KH_ERR_NOMEM, "out of memory");
    if (story->text_len)
        memcpy(sb->text, blob, story->text_len);
    sb->text[story->text_len] = '\0';
    story->text = sb->text;
    size_t nu = count_char(ut, ';') + 1, nc = count_char(ct, ';') + 1;
    free(sb->units), free(sb->caps);
    sb->units = (kh_unit *)calloc(nu, sizeof *sb->units);
    sb->caps = (kh_span *)calloc(nc, sizeof *sb->caps);
    if (!sb->units || !sb->caps)
        return kh_store_fail(s, KH_ERR_NOMEM, "out of memory");
    story->n_units = parse_spans(ut, 1, sb->units, NULL, nu, story->text_len);
    story->n_captions = parse_spans(ct, 0, NULL, sb->caps, nc, story->text_len);
    story->units = sb->units, story->captions = sb->caps;
    return KH_OK;
}

/* Codes stored story `id` again and adds its events, as ingestion does. */
static kh_status recode_story(kh_store *s, kh_coder *coder, sqlite3_int64 id, const char *hash,
                              story_buf *sb, size_t *n_events)
{
    sqlite3_stmt *l = kh_store_stmt(s, ST_LOAD_STORY);
    if (!l)
        return KH_ERR_DB;
    sqlite3_bind_int64(l, 1, id);
    int rc = sqlite3_step(l);
    if (rc != SQLITE_ROW)
        return kh_store_db_fail(s, rc, "loading a story");
    kh_story story;
    kh_status st = load_story(s, l, &story, sb);
    if (st)
        return st;
    /* src_key stays valid: add_events runs other statements meanwhile, but
     * l is not stepped again until reset. */
    const char *src = col_str(l, 13);
    int given = sqlite3_column_int(l, 14);
    if (s->default_date.year && (given || !story.date.year)) /* recode --date */
        story.date = s->default_date, given = 1;
    /* The story's row first: the events' "earliest story" reads its date. */
    char date[16];
    kh_sink_date_text(story.date, date);
    sqlite3_stmt *d = kh_store_stmt(s, ST_SET_DICT);
    if (!d)
        return KH_ERR_DB;
    bind_str(d, 1, hash), sqlite3_bind_int64(d, 2, id), bind_str(d, 3, s->lexicon_hash);
    bind_str(d, 4, date[0] ? date : NULL), sqlite3_bind_int(d, 5, given);
    if ((rc = sqlite3_step(d)) != SQLITE_DONE)
        return kh_store_db_fail(s, rc, "recording the dictionary");
    sqlite3_reset(d);
    const kh_event *ev = NULL;
    size_t nev = 0;
    st = kh_coder_code(coder, &story, &ev, &nev);
    if (st == KH_ERR_LIMIT || st == KH_ERR_FORMAT)
        nev = 0; /* not codable now: the story keeps no events */
    else if (st)
        return kh_store_fail(s, st, "coding story %s: %s", story.id, kh_strerror(st));
    if ((st = kh_store_add_events(s, id, &story, ev, nev, hash, src ? src : "")))
        return st;
    sqlite3_reset(l);
    *n_events += nev;
    return KH_OK;
}

kh_status kh_store_recode(kh_store *s, const kh_code_options *options, size_t *n_stories,
                          size_t *n_events)
{
    if (!s || !options || !options->dict || s->in_batch)
        return KH_ERR_INVALID;
    if (!s->writable)
        return kh_store_fail(s, KH_ERR_IO, "the store was opened read-only");
    kh_dict_stats ds;
    kh_dict_stats_get(options->dict, &ds);
    if (!ds.patterns) /* it would replace every event with none */
        return kh_store_fail(s, KH_ERR_INVALID, "the dictionary has no verb patterns: re-coding "
                                                "with it would delete every event");
    kh_coder *coder = NULL;
    kh_status st = kh_coder_new(options, &coder);
    if (st)
        return kh_store_fail(s, st, "creating a coder: %s", kh_strerror(st));
    const char *hash = kh_dict_hash(options->dict);
    kh_store_set_lexicon(s, options->lexicon);
    sqlite3_int64 *ids = NULL;
    size_t nids = 0, done = 0, events = 0;
    story_buf sb = {NULL, NULL, NULL};
    if ((st = kh_store_exec(s, "BEGIN IMMEDIATE")))
        goto out;
    s->in_batch = 1;
    if ((st = kh_store_exec(s, "DELETE FROM mentions; DELETE FROM event_sources;"
                               " DELETE FROM events; DELETE FROM sentences;"
                               " INSERT INTO sentence_fts(sentence_fts) VALUES('delete-all')")) ||
        (st = list_stories(s, &ids, &nids)))
        goto out;
    for (; done < nids; done++)
        if ((st = recode_story(s, coder, ids[done], hash, &sb, &events)))
            goto out;
    st = kh_store_commit(s);
out:
    if (st)
        kh_store_rollback(s);
    kh_store_reset_all(s);
    kh_coder_free(coder);
    free(ids), free(sb.units), free(sb.caps), free(sb.text);
    if (n_stories) *n_stories = st ? 0 : done;
    if (n_events) *n_events = st ? 0 : events;
    return st;
}
