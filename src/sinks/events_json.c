/*
 * events_json.c: the JSON Lines writer, one object per event of a story
 * (khaldun code's default output, through the JSON sink of sink.c). Field
 * order is fixed and numbers are formatted without locale, so output is
 * byte-identical for the same input and dictionary image. Strings are
 * escaped so the output is valid JSON whatever the input held. The JSON
 * pieces every sink shares (dates, numbers, an event's place and flags; see
 * sinks.h) live here, so the store's export writes them the same way.
 */
#include <stdio.h>

#include "sinks/sinks.h"

void kh_sink_date_text(kh_date d, char out[16])
{
    if (!d.year) {
        out[0] = '\0';
        return;
    }
    snprintf(out, 16, "%04d-%02d-%02d", d.year, d.month, d.day);
}

kh_status kh_json_put_date(kh_buf *b, kh_date d)
{
    if (!d.year)
        return kh_buf_append(b, "null", 4);
    char tmp[32];
    if (d.year > 0 && d.year <= 9999 && d.month <= 99 && d.day <= 99) { /* printf's digits */
        int y = d.year, m = d.month, dd = d.day;
        char q[12] = {'"', (char)('0' + y / 1000), (char)('0' + y / 100 % 10),
                      (char)('0' + y / 10 % 10), (char)('0' + y % 10), '-',
                      (char)('0' + m / 10), (char)('0' + m % 10), '-', (char)('0' + dd / 10),
                      (char)('0' + dd % 10), '"'};
        return kh_buf_append(b, q, sizeof q);
    }
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

kh_status kh_json_put_place(kh_buf *b, const kh_place *p)
{
    kh_status st;
    if (!p)
        return kh_buf_puts(b, "null");
    TRY(put_str(b, "{\"name\":", p->name));
    TRY(put_str(b, ",\"country\":", p->country));
    TRY(put_str(b, ",\"admin1\":", p->admin1 && *p->admin1 ? p->admin1 : NULL));
    TRY(kh_buf_puts(b, ",\"type\":"));
    TRY(kh_buf_put_u64(b, (uint64_t)p->type));
    if (p->has_coords) {
        TRY(kh_buf_puts(b, ",\"lat\":"));
        TRY(kh_buf_put_num(b, p->lat, 4));
        TRY(kh_buf_puts(b, ",\"lon\":"));
        TRY(kh_buf_put_num(b, p->lon, 4));
    } else {
        TRY(kh_buf_puts(b, ",\"lat\":null,\"lon\":null"));
    }
    TRY(kh_buf_puts(b, ",\"feature_id\":"));
    if (p->feature_id)
        TRY(kh_buf_put_u64(b, p->feature_id));
    else
        TRY(kh_buf_puts(b, "null"));
    TRY(kh_buf_putc(b, '}'));
done:
    return st;
}

kh_status kh_json_put_names(kh_buf *b, uint32_t flags, const char *const *names, size_t n)
{
    kh_status st = kh_buf_putc(b, '[');
    int first = 1;
    for (size_t i = 0; !st && i < n; i++)
        if (flags & (1u << i)) {
            if (!first)
                st = kh_buf_putc(b, ',');
            if (!st)
                st = kh_buf_json_qstr(b, names[i], strlen(names[i]));
            first = 0;
        }
    return st ? st : kh_buf_putc(b, ']');
}

kh_status kh_json_put_flags(kh_buf *b, uint32_t flags)
{
    static const char *const names[] = {"intent",   "refusal", "reported", "passive",
                                        "source_country_inferred", "target_country_inferred",
                                        "hypothetical"};
    return kh_json_put_names(b, flags, names, KH_ARRAY_LEN(names));
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
        TRY(kh_json_put_date(&b, e->date));
        TRY(put_str(&b, ",\"date_precision\":",
                    e->date.year ? kh_date_precision_name(e->date_precision) : NULL));
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
        TRY(kh_json_put_place(&b, e->place));
        TRY(kh_buf_puts(&b, ",\"flags\":"));
        TRY(kh_json_put_flags(&b, e->flags));
        TRY(put_str(&b, ",\"modality\":", e->modality));
        TRY(kh_buf_puts(&b, ",\"mentions\":"));
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
