/*
 * events_json.c: the JSON Lines sink, one object per event of a story
 * (khaldun code's default output). Field order is fixed and numbers are
 * formatted without locale, so output is byte-identical for the same input
 * and dictionary image. Strings are escaped so the output is valid JSON
 * whatever the input held.
 */
#include <stdio.h>

#include "core/core.h"

#define TRY(x) do { st = (x); if (st) goto done; } while (0)

static kh_status put_date(kh_buf *b, kh_date d)
{
    if (!d.year)
        return kh_buf_append(b, "null", 4);
    char tmp[32];
    snprintf(tmp, sizeof tmp, "\"%04d-%02d-%02d\"", d.year, d.month, d.day);
    return kh_buf_puts(b, tmp);
}

static kh_status put_str(kh_buf *b, const char *key, const char *val)
{
    kh_status st = kh_buf_puts(b, key);
    if (!st)
        st = kh_buf_json_qstr(b, val, val ? strlen(val) : 0);
    return st;
}

static kh_status put_span(kh_buf *b, const char *key, kh_span s, uint64_t base)
{
    kh_status st = kh_buf_puts(b, key);
    if (st)
        return st;
    if (!s.len)
        return kh_buf_puts(b, "null");
    st = kh_buf_putc(b, '[');
    if (!st) st = kh_buf_put_u64(b, base + s.off);
    if (!st) st = kh_buf_putc(b, ',');
    if (!st) st = kh_buf_put_u64(b, base + s.off + s.len);
    if (!st) st = kh_buf_putc(b, ']');
    return st;
}

kh_status kh_events_write_json(const kh_story *story, const kh_event *events, size_t n,
                               const char *dict_hash, kh_write_fn write, void *ctx)
{
    if (!story || (n && !events) || !write)
        return KH_ERR_INVALID;
    kh_buf b;
    kh_buf_init(&b, NULL, 0);
    kh_status st = KH_OK;
    /* Offsets in "spans" are into the input file when the story text is its
     * raw bytes, else into the story text. */
    uint64_t base = story->raw ? story->input_offset : 0;
    for (size_t i = 0; i < n; i++) {
        const kh_event *e = &events[i];
        const kh_mention *m = &e->mentions[0];
        kh_buf_clear(&b);
        TRY(put_str(&b, "{\"story\":", story->id));
        TRY(kh_buf_puts(&b, ",\"sentence\":"));
        TRY(kh_buf_put_u64(&b, m->sentence));
        TRY(kh_buf_puts(&b, ",\"date\":"));
        TRY(put_date(&b, e->date));
        TRY(put_str(&b, ",\"source\":", e->source));
        TRY(put_str(&b, ",\"target\":", e->target));
        TRY(put_str(&b, ",\"source_name\":", e->source_name));
        TRY(put_str(&b, ",\"target_name\":", e->target_name));
        TRY(put_str(&b, ",\"code\":", e->code));
        TRY(put_str(&b, ",\"code_name\":", e->name));
        TRY(put_str(&b, ",\"root\":", e->root));
        TRY(kh_buf_puts(&b, ",\"quad\":"));
        TRY(kh_buf_put_u64(&b, (uint64_t)e->quad));
        TRY(kh_buf_puts(&b, ",\"goldstein\":"));
        TRY(kh_buf_put_num(&b, e->goldstein, 1));
        TRY(kh_buf_puts(&b, ",\"place\":"));
        if (e->place) {
            const kh_place *p = e->place;
            TRY(put_str(&b, "{\"name\":", p->name));
            TRY(put_str(&b, ",\"country\":", p->country));
            TRY(put_str(&b, ",\"admin1\":", p->admin1 && *p->admin1 ? p->admin1 : NULL));
            TRY(kh_buf_puts(&b, ",\"type\":"));
            TRY(kh_buf_put_u64(&b, (uint64_t)p->type));
            if (p->has_coords) {
                TRY(kh_buf_puts(&b, ",\"lat\":"));
                TRY(kh_buf_put_num(&b, p->lat, 4));
                TRY(kh_buf_puts(&b, ",\"lon\":"));
                TRY(kh_buf_put_num(&b, p->lon, 4));
            } else {
                TRY(kh_buf_puts(&b, ",\"lat\":null,\"lon\":null"));
            }
            TRY(kh_buf_puts(&b, ",\"feature_id\":"));
            if (p->feature_id)
                TRY(kh_buf_put_u64(&b, p->feature_id));
            else
                TRY(kh_buf_puts(&b, "null"));
            TRY(kh_buf_putc(&b, '}'));
        } else {
            TRY(kh_buf_puts(&b, "null"));
        }
        TRY(kh_buf_puts(&b, ",\"flags\":["));
        {
            const char *names[] = {"intent", "refusal", "reported", "passive"};
            int first = 1;
            for (size_t f = 0; f < 4; f++)
                if (e->flags & (1u << f)) {
                    if (!first)
                        TRY(kh_buf_putc(&b, ','));
                    TRY(kh_buf_json_qstr(&b, names[f], strlen(names[f])));
                    first = 0;
                }
        }
        TRY(kh_buf_puts(&b, "],\"mentions\":"));
        TRY(kh_buf_put_u64(&b, e->n_mentions));
        TRY(kh_buf_puts(&b, ",\"text\":"));
        TRY(kh_buf_json_qstr(&b, story->text + m->text.off, m->text.len));
        TRY(kh_buf_puts(&b, ",\"spans\":{"));
        TRY(put_span(&b, "\"source\":", m->source, base));
        TRY(put_span(&b, ",\"target\":", m->target, base));
        TRY(put_span(&b, ",\"verb\":", m->verb, base));
        TRY(kh_buf_puts(&b, "},\"evidence\":["));
        for (size_t k = 0; k < e->n_mentions; k++) {
            const kh_mention *mk = &e->mentions[k];
            if (k)
                TRY(kh_buf_putc(&b, ','));
            TRY(kh_buf_puts(&b, "{\"sentence\":"));
            TRY(kh_buf_put_u64(&b, mk->sentence));
            TRY(put_str(&b, ",\"kind\":", mk->kind == KH_UNIT_HEADLINE ? "headline" : "body"));
            TRY(put_span(&b, ",\"text\":", mk->text, base));
            TRY(put_span(&b, ",\"source\":", mk->source, base));
            TRY(put_span(&b, ",\"target\":", mk->target, base));
            TRY(put_span(&b, ",\"verb\":", mk->verb, base));
            TRY(put_str(&b, ",\"pattern\":", mk->pattern));
            TRY(kh_buf_putc(&b, '}'));
        }
        TRY(put_str(&b, "],\"dict\":", dict_hash ? dict_hash : ""));
        TRY(kh_buf_puts(&b, "}\n"));
        TRY(write(ctx, b.data, b.len));
    }
done:
    kh_buf_free(&b);
    return st;
}
