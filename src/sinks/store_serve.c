/*
 * store_serve.c: event-store reads that the web explorer (`khaldun serve`)
 * needs beside kh_store_query_events and kh_store_stats (store_query.c):
 * one event by its id, with every mention. The event's key is read by id and
 * the event is then loaded through kh_store_query_events with that exact key,
 * so its fields and mentions come from the one reading path the query, the
 * export and the CLI share. Bound parameters only; nothing here writes.
 */
#include <stdio.h>

#include "sinks/store.h"

/* Passes on the one row of the key's query whose id is the one asked for. */
typedef struct event_pick {
    int64_t id;
    int found;
    kh_store_event_fn fn;
    void *ctx;
} event_pick;

static kh_status pick_event(void *ctx, const kh_store_event *event)
{
    event_pick *p = (event_pick *)ctx;
    if (event->id != p->id)
        return KH_OK;
    p->found = 1;
    return p->fn(p->ctx, event);
}

kh_status kh_store_event_get(kh_store *s, int64_t id, unsigned flags, kh_store_event_fn fn,
                             void *ctx)
{
    if (!s || !fn)
        return KH_ERR_INVALID;
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(s->db, "SELECT date, source, coalesce(target, ''), code"
                                       " FROM events WHERE id = ?1", -1, &q, NULL);
    if (rc != SQLITE_OK)
        return kh_store_db_fail(s, rc, "preparing an event lookup");
    sqlite3_bind_int64(q, 1, id);
    rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(q);
        if (rc == SQLITE_DONE)
            return kh_store_fail(s, KH_ERR_NOTFOUND, "no event %lld", (long long)id);
        return kh_store_db_fail(s, rc, "looking up an event");
    }
    /* Codes are A-Z and 0-9 (no '*'), so each is an exact filter. */
    char key[3][160];
    for (int i = 0; i < 3; i++)
        snprintf(key[i], sizeof key[i], "%s", col_str(q, i + 1) ? col_str(q, i + 1) : "");
    kh_store_query f;
    memset(&f, 0, sizeof f);
    f.from = f.to = date_parse_col(col_str(q, 0));
    sqlite3_finalize(q);
    f.source = key[0];
    f.target = key[1];
    f.code = key[2];
    event_pick p = {id, 0, fn, ctx};
    kh_status st = kh_store_query_events(s, &f, flags, pick_event, &p);
    if (!st && !p.found)
        return kh_store_fail(s, KH_ERR_NOTFOUND, "no event %lld", (long long)id);
    return st;
}
