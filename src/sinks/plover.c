/*
 * plover.c: the PLOVER sink (`khaldun code --format plover`): one JSON
 * object a line per event, in the shape the NGEC pipeline writes for
 * PLOVER/POLECAT: the event type, modes and contexts from the CAMEO code
 * (data/plover.txt, through plover_table.c), the sentence as event_text,
 * and under "attributes" the actor (ACTOR), recipient (RECIP) and place (LOC)
 * with their text, character offsets into event_text, country (ISO3) and
 * sector, and the place's GeoNames id. An event whose CAMEO code PLOVER
 * leaves out (01 statements, 02 appeals) gets no record; the sink counts
 * only the records it writes. docs/formats.md describes every field.
 */
#include <stdio.h>

#include "sinks/sinks.h"
#include "sinks/tables.h"

const kh_plover_row *kh_plover_of(const char *cameo)
{
    return (const kh_plover_row *)kh_table_find(kh_plover_rows, kh_n_plover_rows,
                                                sizeof *kh_plover_rows, cameo);
}

static kh_status put_str(kh_buf *b, const char *key, const char *val)
{
    kh_status st = kh_buf_puts(b, key);
    return st ? st : kh_buf_json_qstr(b, val, val ? strlen(val) : 0);
}

/* A ";"-separated list as a JSON array of strings. */
static kh_status put_list(kh_buf *b, const char *key, const char *list)
{
    kh_status st;
    TRY(kh_buf_puts(b, key));
    TRY(kh_buf_putc(b, '['));
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ";");
        if (p != list)
            TRY(kh_buf_putc(b, ','));
        TRY(kh_buf_json_qstr(b, p, n));
        p += n + (p[n] == ';');
    }
    TRY(kh_buf_putc(b, ']'));
done:
    return st;
}

/* The actor or recipient: [] when absent, else one object with its words,
 * their character offsets in the sentence (end exclusive), the CAMEO code
 * and name, country (ISO3 or CAMEO region) and sector (first role code). */
static kh_status put_actor(kh_buf *b, const char *key, const char *story_text,
                           const kh_mention *m, kh_span sp, const char *code, const char *name)
{
    kh_status st;
    TRY(kh_buf_puts(b, key));
    if (!code) {
        TRY(kh_buf_puts(b, "[]"));
        goto done;
    }
    kh_actor_parts a;
    kh_actor_parts_of(code, &a);
    TRY(kh_buf_putc(b, '['));
    if (sp.len && sp.off >= m->text.off && sp.off + sp.len <= m->text.off + m->text.len) {
        const char *s = story_text + m->text.off;
        size_t start = kh_sink_chars(s, sp.off - m->text.off);
        TRY(kh_buf_puts(b, "{\"text\":"));
        TRY(kh_buf_json_qstr(b, story_text + sp.off, sp.len));
        TRY(kh_buf_printf(b, ",\"qa_start_char\":%zu,\"qa_end_char\":%zu", start,
                          start + kh_sink_chars(story_text + sp.off, sp.len)));
    } else { /* an actor from the story's context, not the sentence's words */
        TRY(kh_buf_puts(b, "{\"text\":null,\"qa_start_char\":null,\"qa_end_char\":null"));
    }
    TRY(put_str(b, ",\"code\":", code));
    TRY(put_str(b, ",\"name\":", name));
    TRY(put_str(b, ",\"country\":", *a.country ? a.country : NULL));
    TRY(put_str(b, ",\"sector\":", *a.type[0] ? a.type[0] : NULL));
    TRY(put_str(b, ",\"code_1\":", a.type[0]));
    TRY(put_str(b, ",\"code_2\":", a.type[1]));
    TRY(put_str(b, ",\"group\":", *a.group ? a.group : NULL));
    TRY(kh_buf_puts(b, "}]"));
done:
    return st;
}

/* The event's place: [] when the sentence names none. */
static kh_status put_loc(kh_buf *b, const kh_place *p)
{
    kh_status st;
    TRY(kh_buf_puts(b, ",\"LOC\":"));
    if (!p) {
        TRY(kh_buf_puts(b, "[]"));
        goto done;
    }
    TRY(put_str(b, "[{\"text\":", p->name));
    TRY(kh_buf_puts(b, ",\"geo\":{\"geonameid\":"));
    if (p->feature_id)
        TRY(kh_buf_put_u64(b, p->feature_id));
    else
        TRY(kh_buf_puts(b, "null"));
    TRY(put_str(b, ",\"place_name\":", p->name));
    TRY(put_str(b, ",\"feature_class\":", p->type == 1 ? "A" : "P"));
    TRY(put_str(b, ",\"admin1_name\":", p->admin1 && *p->admin1 ? p->admin1 : NULL));
    TRY(put_str(b, ",\"country_code3\":", p->country));
    const kh_fips_row *f = p->type == 1 && !p->has_coords ? kh_fips_of(p->country) : NULL;
    if (p->has_coords || f) { /* a country: its centroid (data/fips.txt) */
        TRY(kh_buf_puts(b, ",\"lat\":"));
        TRY(kh_buf_put_num(b, f ? f->lat : p->lat, 4));
        TRY(kh_buf_puts(b, ",\"lon\":"));
        TRY(kh_buf_put_num(b, f ? f->lon : p->lon, 4));
    } else {
        TRY(kh_buf_puts(b, ",\"lat\":null,\"lon\":null"));
    }
    TRY(kh_buf_puts(b, "}}]"));
done:
    return st;
}

/* One record; *written is 0 when PLOVER leaves the code out. */
static kh_status plover_record(kh_buf *b, const kh_story *story, const kh_event *e,
                               const char *dict_hash, int *written)
{
    kh_status st = KH_OK;
    const kh_plover_row *r = kh_plover_of(e->code);
    *written = r && *r->type;
    if (!*written)
        return KH_OK;
    const kh_mention *m = &e->mentions[0];
    char id[32];
    snprintf(id, sizeof id, "%llu",
             (unsigned long long)kh_gdelt_id(e->date, e->source, e->target, e->code));
    TRY(put_str(b, "{\"id\":", id));
    TRY(put_str(b, ",\"event_type\":", r->type));
    TRY(put_list(b, ",\"event_mode\":", r->mode));
    TRY(put_list(b, ",\"contexts\":", r->contexts));
    TRY(kh_buf_puts(b, ",\"event_text\":"));
    TRY(kh_buf_json_qstr(b, story->text + m->text.off, m->text.len));
    TRY(kh_buf_puts(b, ",\"date_raw\":"));
    TRY(kh_json_put_date(b, story->date));
    TRY(kh_buf_puts(b, ",\"date_resolved\":"));
    TRY(kh_json_put_date(b, e->date));
    TRY(put_str(b, ",\"story_id\":", story->id));
    TRY(put_str(b, ",\"publisher\":", story->publisher));
    TRY(put_str(b, ",\"headline\":", story->title));
    TRY(put_str(b, ",\"url\":", story->url));
    TRY(kh_buf_puts(b, ",\"pub_date\":"));
    TRY(kh_json_put_date(b, story->date));
    TRY(kh_buf_printf(b, ",\"sentence\":%zu", m->sentence));
    TRY(put_actor(b, ",\"attributes\":{\"ACTOR\":", story->text, m, m->source, e->source,
                  e->source_name));
    TRY(put_actor(b, ",\"RECIP\":", story->text, m, m->target, e->target, e->target_name));
    TRY(put_loc(b, e->place));
    TRY(put_str(b, "},\"cameo\":", e->code));
    TRY(kh_buf_puts(b, ",\"mentions\":"));
    TRY(kh_buf_put_u64(b, e->n_mentions));
    TRY(put_str(b, ",\"dict\":", dict_hash ? dict_hash : ""));
    TRY(kh_buf_puts(b, "}\n"));
done:
    return st;
}

typedef struct plover_sink {
    kh_sink base;
    const char *dict_hash;
    kh_write_fn write;
    void *ctx;
    kh_buf buf;
} plover_sink;

static kh_status plover_story(kh_sink *sink, const kh_story *story)
{
    KH_UNUSED(story);
    sink->counts.stories++;
    return KH_OK;
}

static kh_status plover_event(kh_sink *sink, const kh_event *event)
{
    plover_sink *p = (plover_sink *)sink;
    int written = 0;
    kh_buf_clear(&p->buf);
    kh_status st = plover_record(&p->buf, sink->story, event, p->dict_hash, &written);
    if (!st && written)
        st = p->write(p->ctx, p->buf.data, p->buf.len);
    if (!st && written)
        sink->counts.events++;
    return st;
}

static void plover_free(kh_sink *sink)
{
    kh_buf_free(&((plover_sink *)sink)->buf);
    kh_free(NULL, sink);
}

static const kh_sink_ops plover_ops = {NULL, plover_story, plover_event, NULL, plover_free};

kh_status kh_sink_plover_new(const char *dict_hash, kh_write_fn write, void *ctx, kh_sink **out)
{
    if (!out || !write)
        return KH_ERR_INVALID;
    plover_sink *p = (plover_sink *)kh_calloc(NULL, 1, sizeof *p);
    if (!p)
        return KH_ERR_NOMEM;
    p->base.ops = &plover_ops;
    p->dict_hash = dict_hash;
    p->write = write;
    p->ctx = ctx;
    kh_buf_init(&p->buf, NULL, 0);
    *out = &p->base;
    return KH_OK;
}
