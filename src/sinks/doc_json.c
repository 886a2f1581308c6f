/*
 * doc_json.c: the JSON view of an analysed document (`khaldun read`,
 * `khaldun parse`): one line per story with its metadata, units, captions
 * and sentences. Formatting goes through a kh_buf and is handed to the
 * caller's write callback once per document; output is valid JSON whatever
 * bytes the input held.
 */
#include "core/core.h"

static const char *unit_kind_name(kh_unit_kind k)
{
    return k == KH_UNIT_HEADLINE ? "headline" : "body";
}

static kh_status put_date(kh_buf *b, kh_date d)
{
    if (!d.year)
        return kh_buf_append(b, "null", 4);
    char tmp[16];
    tmp[0] = '"';
    tmp[1] = (char)('0' + d.year / 1000 % 10);
    tmp[2] = (char)('0' + d.year / 100 % 10);
    tmp[3] = (char)('0' + d.year / 10 % 10);
    tmp[4] = (char)('0' + d.year % 10);
    tmp[5] = '-';
    tmp[6] = (char)('0' + d.month / 10);
    tmp[7] = (char)('0' + d.month % 10);
    tmp[8] = '-';
    tmp[9] = (char)('0' + d.day / 10);
    tmp[10] = (char)('0' + d.day % 10);
    tmp[11] = '"';
    return kh_buf_append(b, tmp, 12);
}

static kh_status put_key_str(kh_buf *b, const char *key, const char *val)
{
    kh_status st = kh_buf_putc(b, ',');
    if (!st) st = kh_buf_json_qstr(b, key, strlen(key));
    if (!st) st = kh_buf_putc(b, ':');
    if (!st) st = kh_buf_json_qstr(b, val, val ? strlen(val) : 0);
    return st;
}

#define TRY(x) do { st = (x); if (st) goto done; } while (0)

kh_status kh_doc_write_json(const kh_doc *doc, unsigned flags, kh_write_fn write, void *ctx)
{
    if (!doc || !doc->story || !write)
        return KH_ERR_INVALID;
    const kh_story *s = doc->story;
    kh_buf b;
    kh_buf_init(&b, NULL, 0);
    kh_status st;
    TRY(kh_buf_puts(&b, "{\"id\":"));
    TRY(kh_buf_json_qstr(&b, s->id, s->id ? strlen(s->id) : 0));
    TRY(put_key_str(&b, "source", s->source));
    TRY(kh_buf_puts(&b, ",\"line\":"));
    TRY(kh_buf_put_u64(&b, s->line));
    TRY(kh_buf_puts(&b, ",\"date\":"));
    TRY(put_date(&b, s->date));
    TRY(put_key_str(&b, "title", s->title));
    TRY(put_key_str(&b, "dateline", s->dateline));
    TRY(put_key_str(&b, "url", s->url));
    TRY(put_key_str(&b, "publisher", s->publisher));
    TRY(kh_buf_puts(&b, ",\"captions\":["));
    for (size_t i = 0; i < s->n_captions; i++) {
        if (i)
            TRY(kh_buf_putc(&b, ','));
        kh_span c = s->captions[i];
        TRY(kh_buf_json_qstr(&b, s->text + c.off, c.len));
    }
    TRY(kh_buf_puts(&b, "],\"units\":["));
    for (size_t i = 0; i < s->n_units; i++) {
        if (i)
            TRY(kh_buf_putc(&b, ','));
        TRY(kh_buf_puts(&b, "{\"kind\":\""));
        TRY(kh_buf_puts(&b, unit_kind_name(s->units[i].kind)));
        TRY(kh_buf_puts(&b, "\",\"off\":"));
        TRY(kh_buf_put_u64(&b, s->units[i].span.off));
        TRY(kh_buf_puts(&b, ",\"len\":"));
        TRY(kh_buf_put_u64(&b, s->units[i].span.len));
        TRY(kh_buf_putc(&b, '}'));
    }
    TRY(kh_buf_puts(&b, "],\"sentences\":["));
    for (size_t i = 0; i < doc->n_sentences; i++) {
        const kh_sentence *se = &doc->sentences[i];
        if (i)
            TRY(kh_buf_putc(&b, ','));
        TRY(kh_buf_puts(&b, "{\"kind\":\""));
        TRY(kh_buf_puts(&b, unit_kind_name(se->kind)));
        TRY(kh_buf_puts(&b, "\",\"unit\":"));
        TRY(kh_buf_put_u64(&b, se->unit));
        TRY(kh_buf_puts(&b, ",\"off\":"));
        TRY(kh_buf_put_u64(&b, se->span.off));
        TRY(kh_buf_puts(&b, ",\"len\":"));
        TRY(kh_buf_put_u64(&b, se->span.len));
        TRY(kh_buf_puts(&b, ",\"text\":"));
        TRY(kh_buf_json_qstr(&b, s->text + se->span.off, se->span.len));
        if (flags & (KH_JSON_TOKENS | KH_JSON_TAGS)) {
            TRY(kh_buf_puts(&b, ",\"tokens\":["));
            for (size_t t = 0; t < se->n_tokens; t++) {
                const kh_token *tk = &doc->tokens[se->first_token + t];
                if (t)
                    TRY(kh_buf_putc(&b, ','));
                TRY(kh_buf_putc(&b, '['));
                TRY(kh_buf_json_qstr(&b, tk->norm, tk->norm_len));
                TRY(kh_buf_putc(&b, ','));
                TRY(kh_buf_put_u64(&b, tk->off));
                TRY(kh_buf_putc(&b, ','));
                TRY(kh_buf_put_u64(&b, tk->len));
                if ((flags & KH_JSON_TAGS) && doc->upos && doc->lemma) {
                    size_t k = se->first_token + t;
                    TRY(kh_buf_puts(&b, ",\""));
                    TRY(kh_buf_puts(&b, kh_upos_name((kh_upos)doc->upos[k])));
                    TRY(kh_buf_puts(&b, "\","));
                    const char *lem = doc->lemma[k];
                    TRY(kh_buf_json_qstr(&b, lem, lem ? strlen(lem) : 0));
                }
                TRY(kh_buf_putc(&b, ']'));
            }
            TRY(kh_buf_putc(&b, ']'));
        }
        TRY(kh_buf_putc(&b, '}'));
    }
    TRY(kh_buf_puts(&b, "]}\n"));
    st = write(ctx, b.data, b.len);
done:
    kh_buf_free(&b);
    return st;
}
