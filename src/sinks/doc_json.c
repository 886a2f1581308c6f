/*
 * doc_json.c: the JSON view of an analysed document (`khaldun read`,
 * `khaldun parse`): one line per story with its metadata, units, captions
 * and sentences. Formatting goes through a kh_buf and is handed to the
 * caller's write callback once per document; output is valid JSON whatever
 * bytes the input held.
 */
#include "sinks/sinks.h"

static const char *unit_kind_name(kh_unit_kind k)
{
    return k == KH_UNIT_HEADLINE ? "headline" : "body";
}

static kh_status put_key_str(kh_buf *b, const char *key, const char *val)
{
    kh_status st = kh_buf_putc(b, ',');
    if (!st) st = kh_buf_json_qstr(b, key, strlen(key));
    if (!st) st = kh_buf_putc(b, ':');
    if (!st) st = kh_buf_json_qstr(b, val, val ? strlen(val) : 0);
    return st;
}

/* Opens the object of item k of a list: a comma after the first, then {"i":k. */
static kh_status open_item(kh_buf *b, int *first, size_t k)
{
    kh_status st = *first ? KH_OK : kh_buf_putc(b, ',');
    *first = 0;
    if (!st)
        st = kh_buf_puts(b, "{\"i\":");
    return st ? st : kh_buf_put_u64(b, k);
}

static kh_status put_range(kh_buf *b, const char *key, uint32_t first, uint32_t end)
{
    kh_status st = kh_buf_puts(b, key);
    if (!st) st = kh_buf_putc(b, '[');
    if (!st) st = kh_buf_put_u64(b, first);
    if (!st) st = kh_buf_putc(b, ',');
    if (!st) st = kh_buf_put_u64(b, end);
    if (!st) st = kh_buf_putc(b, ']');
    return st;
}

static kh_status put_int(kh_buf *b, const char *key, int32_t v)
{
    kh_status st = kh_buf_puts(b, key);
    if (st)
        return st;
    return v < 0 ? kh_buf_puts(b, "null") : kh_buf_put_u64(b, (uint64_t)v);
}

/* Chunks and clauses of sentence si; token indexes are document-wide,
 * chunk indexes index the document's chunk list. */
static kh_status put_chunks(kh_buf *b, const kh_doc *doc, size_t si)
{
    static const char *const kinds[] = {"", "NP", "PP", "VG"};
    static const char *const np_flags[] = {"possessor", "pronoun", "coordinated", "apposition",
                                           "relative"};
    static const char *const vg_flags[] = {"negated", "passive", "modal", "future", "past",
                                           "perfect", "intent", "refusal", "reporting",
                                           "participle", "attempt"};
    static const char *const cl_flags[] = {"reported", "relative", "participial", "coordinated",
                                           "quote"};
    kh_status st = kh_buf_puts(b, ",\"chunks\":[");
    int first = 1;
    for (size_t k = 0; !st && k < doc->n_chunks; k++) {
        const kh_chunk *c = &doc->chunks[k];
        if (c->sentence != si)
            continue;
        if ((st = open_item(b, &first, k)) ||
            (st = kh_buf_puts(b, ",\"kind\":\"")) || (st = kh_buf_puts(b, kinds[c->kind <= 3 ? c->kind : 0])) ||
            (st = kh_buf_putc(b, '"')) || (st = put_range(b, ",\"tokens\":", c->first, c->end)) ||
            (st = kh_buf_puts(b, ",\"head\":")) || (st = kh_buf_put_u64(b, c->head)))
            break;
        if (c->kind == KH_CHUNK_VG) {
            if ((st = kh_buf_puts(b, ",\"lemma\":")) ||
                (st = kh_buf_json_qstr(b, c->lemma, c->lemma ? strlen(c->lemma) : 0)) ||
                (st = put_range(b, ",\"chain\":", c->aux_first, c->end)) ||
                (st = kh_buf_puts(b, ",\"flags\":")) ||
                (st = kh_json_put_names(b, c->flags, vg_flags, KH_ARRAY_LEN(vg_flags))))
                break;
            if (c->particle != UINT32_MAX &&
                ((st = kh_buf_puts(b, ",\"particle\":")) || (st = kh_buf_put_u64(b, c->particle))))
                break;
        } else if (c->kind == KH_CHUNK_NP) {
            if ((st = kh_buf_puts(b, ",\"flags\":")) ||
                (st = kh_json_put_names(b, c->flags, np_flags, KH_ARRAY_LEN(np_flags))) ||
                (c->member >= 0 && (st = put_int(b, ",\"and\":", c->member))))
                break;
        }
        if (c->attach >= 0 && (st = put_int(b, ",\"attach\":", c->attach)))
            break;
        st = kh_buf_putc(b, '}');
    }
    if (!st)
        st = kh_buf_puts(b, "],\"clauses\":[");
    first = 1;
    for (size_t k = 0; !st && k < doc->n_clauses; k++) {
        const kh_clause *c = &doc->clauses[k];
        if (c->sentence != si)
            continue;
        if ((st = open_item(b, &first, k)) ||
            (st = put_range(b, ",\"tokens\":", c->first, c->end)) ||
            (st = put_int(b, ",\"verb\":", c->verb)) || (st = put_int(b, ",\"subject\":", c->subject)) ||
            (st = put_int(b, ",\"object\":", c->object)) || (st = put_int(b, ",\"by\":", c->agent)) ||
            (st = put_int(b, ",\"reporter\":", c->reporter)) || (st = put_int(b, ",\"parent\":", c->parent)) ||
            (st = kh_buf_puts(b, ",\"flags\":")) ||
            (st = kh_json_put_names(b, c->flags, cl_flags, KH_ARRAY_LEN(cl_flags))))
            break;
        st = kh_buf_putc(b, '}');
    }
    if (!st)
        st = kh_buf_putc(b, ']');
    return st;
}

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
    TRY(kh_json_put_date(&b, s->date));
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
        if ((flags & KH_JSON_CHUNKS) && doc->chunks)
            TRY(put_chunks(&b, doc, i));
        TRY(kh_buf_putc(&b, '}'));
    }
    TRY(kh_buf_puts(&b, "]}\n"));
    st = write(ctx, b.data, b.len);
done:
    kh_buf_free(&b);
    return st;
}
