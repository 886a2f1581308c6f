/*
 * tabari.c: the TABARI event-line sink, so pipelines built around TABARI's
 * output keep working: one line per event, tab-separated, as TABARI 0.8
 * writes its events file: date (YYMMDD, the record's date after time
 * shifting), source, target, event code, the code's name, record id. A
 * source-only event has target "---". Streams like the JSON Lines sink.
 */
#include <stdio.h>

#include "sinks/sinks.h"

typedef struct tabari_sink {
    kh_sink base;
    kh_write_fn write;
    void *ctx;
    kh_buf line;
} tabari_sink;

/* A field with its tabs and line ends made blanks: one line per event. */
static kh_status put_field(kh_buf *b, const char *s, int last)
{
    kh_status st = KH_OK;
    for (const char *p = s ? s : ""; *p && !st; p++)
        st = kh_buf_putc(b, *p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p);
    return st ? st : kh_buf_putc(b, last ? '\n' : '\t');
}

static kh_status tabari_event(kh_sink *sink, const kh_event *ev)
{
    tabari_sink *t = (tabari_sink *)sink;
    char date[16] = "";
    if (ev->date.year > 0)
        snprintf(date, sizeof date, "%02d%02d%02d", ev->date.year % 100, ev->date.month,
                 ev->date.day);
    kh_status st = KH_OK;
    t->line.len = 0;
    TRY(put_field(&t->line, date, 0));
    TRY(put_field(&t->line, ev->source, 0));
    TRY(put_field(&t->line, ev->target ? ev->target : "---", 0));
    TRY(put_field(&t->line, ev->code, 0));
    TRY(put_field(&t->line, ev->name, 0));
    TRY(put_field(&t->line, sink->story->id, 1));
    TRY(t->write(t->ctx, t->line.data, t->line.len));
    sink->counts.events++;
done:
    return st;
}

static kh_status tabari_story(kh_sink *sink, const kh_story *story)
{
    KH_UNUSED(story);
    sink->counts.stories++;
    return KH_OK;
}

static void tabari_free(kh_sink *sink)
{
    if (!sink)
        return;
    kh_buf_free(&((tabari_sink *)sink)->line);
    kh_free(NULL, sink);
}

static const kh_sink_ops tabari_ops = {NULL, tabari_story, tabari_event, NULL, tabari_free};

kh_status kh_sink_tabari_new(kh_write_fn write, void *ctx, kh_sink **out)
{
    if (!out || !write)
        return KH_ERR_INVALID;
    tabari_sink *t = (tabari_sink *)kh_calloc(NULL, 1, sizeof *t);
    if (!t)
        return KH_ERR_NOMEM;
    t->base.ops = &tabari_ops;
    t->write = write;
    t->ctx = ctx;
    kh_buf_init(&t->line, NULL, (size_t)1 << 20);
    *out = &t->base;
    return KH_OK;
}
