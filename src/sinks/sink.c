/*
 * sink.c: the one sink interface (begin, story, event, finish) and its two
 * streaming implementations: JSON Lines (events_json.c's writer) and GDELT
 * 2.0 Events + Mentions (gdelt.c's writer, remembering which events it
 * has written a row for); the PLOVER sink is in plover.c, the event
 * store's in store.c. A driver
 * (the CLI's `code`, at any -j) calls these from one thread, in input
 * order, so every output is the same whatever the number of coders.
 */
#include "sinks/sinks.h"

kh_status kh_sink_begin(kh_sink *sink)
{
    if (!sink)
        return KH_ERR_INVALID;
    return sink->ops->begin ? sink->ops->begin(sink) : KH_OK;
}

kh_status kh_sink_story(kh_sink *sink, const kh_story *story)
{
    if (!sink || !story)
        return KH_ERR_INVALID;
    sink->story = story;
    return sink->ops->story ? sink->ops->story(sink, story) : KH_OK;
}

kh_status kh_sink_event(kh_sink *sink, const kh_event *event)
{
    if (!sink || !event || !sink->story || !event->n_mentions)
        return KH_ERR_INVALID;
    return sink->ops->event(sink, event);
}

kh_status kh_sink_finish(kh_sink *sink)
{
    if (!sink)
        return KH_ERR_INVALID;
    kh_status st = sink->ops->finish ? sink->ops->finish(sink) : KH_OK;
    sink->story = NULL;
    return st;
}

void kh_sink_counts_get(const kh_sink *sink, kh_sink_counts *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (sink)
        *out = sink->counts;
}

void kh_sink_free(kh_sink *sink)
{
    if (sink)
        sink->ops->free(sink);
}

/* Counts a story for the streaming sinks (they take every story). */
static kh_status count_story(kh_sink *sink, const kh_story *story)
{
    KH_UNUSED(story);
    sink->counts.stories++;
    return KH_OK;
}

/* ---- JSON Lines ---- */

typedef struct json_sink {
    kh_sink base;
    const char *dict_hash;
    kh_write_fn write;
    void *ctx;
} json_sink;

static kh_status json_event(kh_sink *sink, const kh_event *event)
{
    json_sink *j = (json_sink *)sink;
    kh_status st = kh_events_write_json(sink->story, event, 1, j->dict_hash, j->write, j->ctx);
    if (!st)
        sink->counts.events++;
    return st;
}

static void plain_free(kh_sink *sink)
{
    kh_free(NULL, sink);
}

static const kh_sink_ops json_ops = {NULL, count_story, json_event, NULL, plain_free};

kh_status kh_sink_json_new(const char *dict_hash, kh_write_fn write, void *ctx, kh_sink **out)
{
    if (!out || !write)
        return KH_ERR_INVALID;
    json_sink *j = (json_sink *)kh_calloc(NULL, 1, sizeof *j);
    if (!j)
        return KH_ERR_NOMEM;
    j->base.ops = &json_ops;
    j->dict_hash = dict_hash;
    j->write = write;
    j->ctx = ctx;
    *out = &j->base;
    return KH_OK;
}

/* ---- GDELT 2.0 Events and Mentions ---- */

typedef struct gdelt_sink {
    kh_sink base;
    kh_map seen; /* GLOBALEVENTIDs written -> first story date */
    kh_write_fn write_events, write_mentions;
    void *events_ctx, *mentions_ctx;
} gdelt_sink;

static kh_status gdelt_event(kh_sink *sink, const kh_event *event)
{
    gdelt_sink *g = (gdelt_sink *)sink;
    kh_status st = kh_gdelt_write_story(sink->story, event, 1, &g->seen, g->write_events,
                                        g->events_ctx, g->write_mentions, g->mentions_ctx);
    if (!st)
        sink->counts.events++;
    return st;
}

static void gdelt_free(kh_sink *sink)
{
    kh_map_free(NULL, &((gdelt_sink *)sink)->seen);
    kh_free(NULL, sink);
}

static const kh_sink_ops gdelt_ops = {NULL, count_story, gdelt_event, NULL, gdelt_free};

kh_status kh_sink_gdelt_new(kh_write_fn write_events, void *events_ctx,
                            kh_write_fn write_mentions, void *mentions_ctx, kh_sink **out)
{
    if (!out || !write_events)
        return KH_ERR_INVALID;
    gdelt_sink *g = (gdelt_sink *)kh_calloc(NULL, 1, sizeof *g);
    if (!g)
        return KH_ERR_NOMEM;
    g->base.ops = &gdelt_ops;
    g->write_events = write_events;
    g->events_ctx = events_ctx;
    g->write_mentions = write_mentions;
    g->mentions_ctx = mentions_ctx;
    *out = &g->base;
    return KH_OK;
}
