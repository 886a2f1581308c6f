/*
 * store_write.c: stored events as output (`khaldun query`, `khaldun
 * export`): JSON Lines (with the evidence when the mentions are loaded), CSV
 * (RFC 4180), and GDELT 2.0 Events and Mentions. The place and flag blocks
 * of the JSON and every GDELT column come from the live writers'
 * functions (sinks.h), fed with the store's merged counts.
 */
#include <stdio.h>

#include "sinks/sinks.h"

/* ---------------------------------------------------------------------- */
/* Writers                                                                */
/* ---------------------------------------------------------------------- */

static kh_status put_kv(kh_buf *b, const char *key, const char *val)
{
    kh_status st = kh_buf_puts(b, key);
    return st ? st : kh_buf_json_qstr(b, val, val ? strlen(val) : 0);
}

static kh_status put_span(kh_buf *b, const char *key, kh_span sp)
{
    kh_status st = KH_OK;
    TRY(kh_buf_puts(b, key));
    if (!sp.len)
        return kh_buf_puts(b, "null");
    TRY(kh_buf_putc(b, '['));
    TRY(kh_buf_put_u64(b, sp.off));
    TRY(kh_buf_putc(b, ','));
    TRY(kh_buf_put_u64(b, sp.off + sp.len));
    TRY(kh_buf_putc(b, ']'));
done:
    return st;
}

/* The part flags of an event: one not paged is the whole event. */
static unsigned parts(const kh_store_event *e)
{
    return e->part & KH_PART_PAGED ? e->part : KH_PART_FIRST | KH_PART_LAST;
}

int kh_store_event_first(const kh_store_event *e) { return e && (parts(e) & KH_PART_FIRST); }

static kh_status write_evidence(kh_buf *b, const kh_store_event *e)
{
    kh_status st = KH_OK;
    for (size_t k = 0; k < e->n_mentions; k++) {
        const kh_store_mention *m = &e->mentions[k];
        TRY(put_kv(b, k + e->mention_base ? ",{\"story\":" : "{\"story\":", m->story));
        TRY(kh_buf_puts(b, ",\"date\":"));
        TRY(kh_json_put_date(b, m->story_date));
        TRY(put_kv(b, ",\"publisher\":", m->publisher));
        TRY(put_kv(b, ",\"url\":", m->url));
        TRY(kh_buf_puts(b, ",\"sentence\":"));
        TRY(kh_buf_put_u64(b, m->sentence));
        TRY(put_kv(b, ",\"kind\":", m->kind == KH_UNIT_HEADLINE ? "headline" : "body"));
        TRY(put_kv(b, ",\"text\":", m->sentence_text));
        TRY(put_span(b, ",\"spans\":{\"text\":", m->text));
        TRY(put_span(b, ",\"source\":", m->source));
        TRY(put_span(b, ",\"target\":", m->target));
        TRY(put_span(b, ",\"verb\":", m->verb));
        TRY(put_kv(b, "},\"pattern\":", m->pattern));
        TRY(put_kv(b, ",\"dict\":", m->dict_hash));
        TRY(kh_buf_putc(b, '}'));
    }
done:
    return st;
}

/* One part of an event's line: the head with the first part, this part's
 * evidence, the tail with the last. */
static kh_status write_jsonl(kh_buf *b, const kh_store_event *e)
{
    kh_status st = KH_OK;
    if (!(parts(e) & KH_PART_FIRST))
        goto evidence;
    TRY(kh_buf_puts(b, "{\"id\":"));
    TRY(kh_buf_put_i64(b, e->id));
    TRY(kh_buf_puts(b, ",\"date\":"));
    TRY(kh_json_put_date(b, e->date));
    TRY(put_kv(b, ",\"date_precision\":",
               e->date.year ? kh_date_precision_name(e->date_precision) : NULL));
    TRY(put_kv(b, ",\"source\":", e->source));
    TRY(put_kv(b, ",\"target\":", e->target));
    TRY(put_kv(b, ",\"source_name\":", e->source_name));
    TRY(put_kv(b, ",\"target_name\":", e->target_name));
    TRY(put_kv(b, ",\"code\":", e->code));
    TRY(put_kv(b, ",\"code_name\":", e->name));
    TRY(put_kv(b, ",\"root\":", e->root));
    TRY(kh_buf_puts(b, ",\"quad\":"));
    TRY(kh_buf_put_i64(b, e->quad));
    TRY(kh_buf_puts(b, ",\"goldstein\":"));
    TRY(kh_buf_put_num(b, e->goldstein, 1));
    TRY(kh_buf_puts(b, ",\"place\":"));
    TRY(kh_json_put_place(b, e->place));
    TRY(kh_buf_puts(b, ",\"flags\":"));
    TRY(kh_json_put_flags(b, e->flags));
    TRY(kh_buf_puts(b, ",\"num_mentions\":"));
    TRY(kh_buf_put_u64(b, e->num_mentions));
    TRY(kh_buf_puts(b, ",\"num_sources\":"));
    TRY(kh_buf_put_u64(b, e->num_sources));
    TRY(kh_buf_puts(b, ",\"num_articles\":"));
    TRY(kh_buf_put_u64(b, e->num_articles));
    TRY(put_kv(b, ",\"first_story\":", e->first_story));
    TRY(put_kv(b, ",\"url\":", e->first_url));
    TRY(put_kv(b, ",\"text\":", e->text));
    TRY(put_kv(b, ",\"dict\":", e->dict_hash));
    if (e->mentions)
        TRY(kh_buf_puts(b, ",\"evidence\":["));
evidence:
    if (e->mentions)
        TRY(write_evidence(b, e));
    if (parts(e) & KH_PART_LAST)
        TRY(kh_buf_puts(b, e->mentions ? "]}\n" : "}\n"));
done:
    return st;
}

/* One CSV field (RFC 4180): quoted when it holds a comma, quote or line
 * break; NULL is empty. */
static kh_status csv_field(kh_buf *b, const char *v, int first)
{
    kh_status st = first ? KH_OK : kh_buf_putc(b, ',');
    if (st || !v)
        return st;
    if (!v[strcspn(v, ",\"\r\n")])
        return kh_buf_puts(b, v);
    TRY(kh_buf_putc(b, '"'));
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            TRY(kh_buf_putc(b, '"'));
        TRY(kh_buf_putc(b, *p));
    }
    TRY(kh_buf_putc(b, '"'));
done:
    return st;
}

kh_status kh_store_write_csv_header(kh_write_fn write, void *ctx)
{
    static const char h[] =
        "id,date,date_precision,source,target,source_name,target_name,code,code_name,root,quad,"
        "goldstein,"
        "num_mentions,num_sources,num_articles,place,country,lat,lon,first_story,url,dict,text\n";
    return write ? write(ctx, h, sizeof h - 1) : KH_ERR_INVALID;
}

static kh_status write_csv(kh_buf *b, const kh_store_event *e)
{
    kh_status st;
    char date[16];
    kh_sink_date_text(e->date, date);
    TRY(kh_buf_printf(b, "%lld", (long long)e->id));
    TRY(csv_field(b, date, 0));
    TRY(csv_field(b, e->date.year ? kh_date_precision_name(e->date_precision) : NULL, 0));
    TRY(csv_field(b, e->source, 0));
    TRY(csv_field(b, e->target, 0));
    TRY(csv_field(b, e->source_name, 0));
    TRY(csv_field(b, e->target_name, 0));
    TRY(csv_field(b, e->code, 0));
    TRY(csv_field(b, e->name, 0));
    TRY(csv_field(b, e->root, 0));
    TRY(kh_buf_printf(b, ",%d,", e->quad));
    TRY(kh_buf_put_num(b, e->goldstein, 1));
    TRY(kh_buf_printf(b, ",%zu,%zu,%zu", e->num_mentions, e->num_sources, e->num_articles));
    TRY(csv_field(b, e->place ? e->place->name : NULL, 0));
    TRY(csv_field(b, e->place ? e->place->country : NULL, 0));
    TRY(kh_buf_putc(b, ','));
    if (e->place && e->place->has_coords)
        TRY(kh_buf_put_num(b, e->place->lat, 4));
    TRY(kh_buf_putc(b, ','));
    if (e->place && e->place->has_coords)
        TRY(kh_buf_put_num(b, e->place->lon, 4));
    TRY(csv_field(b, e->first_story, 0));
    TRY(csv_field(b, e->first_url, 0));
    TRY(csv_field(b, e->dict_hash, 0));
    TRY(csv_field(b, e->text, 0));
    TRY(kh_buf_putc(b, '\n'));
done:
    return st;
}

/* GDELT Events: the event as first seen, with the store's counts. */
static kh_status write_gdelt(kh_buf *out, const kh_store_event *e)
{
    kh_gdelt_event row = {
        .date = e->date, .date_precision = e->date_precision,
        .source = e->source, .source_name = e->source_name,
        .target = e->target, .target_name = e->target_name,
        .code = e->code ? e->code : "", .root = e->root, .quad = e->quad,
        .goldstein = e->goldstein, .place = e->place, .first_sentence = e->first_sentence,
        .num_mentions = e->num_mentions, .num_sources = e->num_sources,
        .num_articles = e->num_articles, .added = e->first_story_date,
        .url = e->first_url ? e->first_url : e->first_story ? e->first_story : ""};
    return kh_gdelt_event_row(out, &row);
}

kh_status kh_store_write_gdelt_mentions(const kh_store_event *e, kh_write_fn write, void *ctx)
{
    if (!e || !write)
        return KH_ERR_INVALID;
    kh_buf b;
    kh_buf_init(&b, NULL, 0);
    kh_status st = KH_OK;
    for (size_t k = 0; k < e->n_mentions; k++) {
        const kh_store_mention *m = &e->mentions[k];
        kh_gdelt_mention row = {
            .event_id = kh_gdelt_id(e->date, e->source, e->target, e->code),
            .event_added = e->first_story_date,
            .added = m->story_date, .has_url = m->url != NULL,
            .publisher = m->publisher ? m->publisher : "", .url = m->url ? m->url : m->story,
            .sentence = m->sentence, .source = m->source, .target = m->target,
            .verb = m->verb, .doc = m->sentence_text, .doc_at = m->text.off,
            .doc_bytes = m->sentence_text ? strlen(m->sentence_text) : 0,
            .chars_before = m->text_chars, .doc_chars = m->story_len};
        kh_buf_clear(&b);
        TRY(kh_gdelt_mention_row(&b, &row));
        TRY(write(ctx, b.data, b.len));
    }
done:
    kh_buf_free(&b);
    return st;
}

kh_status kh_store_write_event(const kh_store_event *e, kh_store_format format,
                               kh_write_fn write, void *ctx)
{
    if (!e || !write)
        return KH_ERR_INVALID;
    kh_buf b;
    kh_buf_init(&b, NULL, 0);
    kh_status st = kh_buf_reserve(&b, 1500); /* one allocation for a usual record */
    if (st)
        return st;
    int first = kh_store_event_first(e); /* CSV and GDELT rows: one per event */
    switch (format) {
    case KH_STORE_JSONL: st = write_jsonl(&b, e); break;
    case KH_STORE_CSV: st = first ? write_csv(&b, e) : KH_OK; break;
    case KH_STORE_GDELT: st = first ? write_gdelt(&b, e) : KH_OK; break;
    default: st = KH_ERR_INVALID; break;
    }
    if (!st && b.len) /* a later page of a CSV or GDELT event writes nothing */
        st = write(ctx, b.data, b.len);
    kh_buf_free(&b);
    return st;
}
