/*
 * gdelt.c: the GDELT 2.0 sink: Events rows (61 tab-separated columns, as in
 * GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv) and Mentions rows
 * (16 columns). Actor codes are split into country, known-group and role
 * columns the way GDELT does; text fields have tabs and newlines replaced so
 * every row is well-formed TSV. Geo country codes are khaldun's (ISO 3166
 * alpha-3 / CAMEO), not FIPS 10-4 as in GDELT's own files. The rows are
 * built from kh_gdelt_event / kh_gdelt_mention (sinks.h), which the live
 * writer fills from one story and the store's export from merged events.
 */
#include <math.h>
#include <stdio.h>

#include "sinks/sinks.h"
#include "core/core.h"

/* A number column: empty for NaN and infinities (kh_buf_put_num writes JSON null). */
static kh_status put_num(kh_buf *b, double v, int decimals)
{
    return isfinite(v) ? kh_buf_put_num(b, v, decimals) : KH_OK;
}

/* Text with tabs and newlines replaced by spaces, so it stays one TSV field. */
static kh_status text(kh_buf *b, const char *s)
{
    kh_status st = KH_OK;
    if (!s)
        return st;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (c == '\t' || c == '\n' || c == '\r')
            c = ' ';
        if ((st = kh_buf_putc(b, c)))
            return st;
    }
    return KH_OK;
}

static kh_status field(kh_buf *b, const char *s)
{
    kh_status st = kh_buf_putc(b, '\t');
    return st ? st : text(b, s);
}

static kh_status field_u(kh_buf *b, uint64_t v)
{
    kh_status st = kh_buf_putc(b, '\t');
    return st ? st : kh_buf_put_u64(b, v);
}

static int is_group(const char *code)
{
    static const char *const groups[] = {"IGO", "NGO", "IMG", "NGM", "MNC", "UIS", "INT", NULL};
    for (size_t i = 0; groups[i]; i++)
        if (!strncmp(code, groups[i], 3))
            return 1;
    return 0;
}

/* Actor columns: Code, Name, CountryCode, KnownGroupCode, EthnicCode,
 * Religion1Code, Religion2Code, Type1Code, Type2Code, Type3Code. */
static kh_status actor_fields(kh_buf *b, const char *code, const char *name)
{
    kh_status st;
    char country[4] = "", group[16] = "", types[3][4] = {"", "", ""};
    if (code) {
        size_t len = strlen(code), pos = 0;
        if (is_group(code)) {
            snprintf(group, sizeof group, "%.*s", (int)(len < 9 ? len : 9), code);
            pos = len; /* the whole code is the group */
        } else if (len >= 3) {
            memcpy(country, code, 3);
            pos = 3;
            /* A three-letter role code alone (no country): "GOV". */
            static const char *const roles[] = {"GOV", "MIL", "REB", "OPP", "COP", "JUD", "LEG",
                                                "CVL", "BUS", "MED", "EDU", "HLH", "HRI", "LAB",
                                                "REF", "SPY", "ELI", "REL", "AGR", "ENV", "CRM",
                                                "UAF", "INS", "SEP", "PTY", "MOD", "RAD", NULL};
            for (size_t i = 0; roles[i]; i++)
                if (!strcmp(country, roles[i]) && len == 3) {
                    memcpy(types[0], country, 4);
                    country[0] = '\0';
                }
        }
        for (int t = 0; t < 3 && pos + 3 <= len; t++, pos += 3)
            if (!types[t][0])
                memcpy(types[t], code + pos, 3), types[t][3] = '\0';
    }
    if ((st = field(b, code)) || (st = field(b, name)) || (st = field(b, country)) ||
        (st = field(b, group)) || (st = field(b, "")) || (st = field(b, "")) ||
        (st = field(b, "")) || (st = field(b, types[0])) || (st = field(b, types[1])) ||
        (st = field(b, types[2])))
        return st;
    return KH_OK;
}

/* Geo columns: Type, FullName, CountryCode, ADM1Code, ADM2Code, Lat, Long, FeatureID. */
static kh_status geo_fields(kh_buf *b, const kh_place *p)
{
    kh_status st;
    if (!p) {
        for (int i = 0; i < 8; i++)
            if ((st = kh_buf_putc(b, '\t')))
                return st;
        return KH_OK;
    }
    char full[512];
    if (p->admin1 && *p->admin1)
        snprintf(full, sizeof full, "%s, %s, %s", p->name, p->admin1, p->country);
    else
        snprintf(full, sizeof full, "%s", p->name);
    if ((st = field_u(b, (uint64_t)p->type)) || (st = field(b, full)) || (st = field(b, p->country)) ||
        (st = field(b, "")) || (st = field(b, "")))
        return st;
    if ((st = kh_buf_putc(b, '\t')))
        return st;
    if (p->has_coords && (st = put_num(b, p->lat, 4)))
        return st;
    if ((st = kh_buf_putc(b, '\t')))
        return st;
    if (p->has_coords && (st = put_num(b, p->lon, 4)))
        return st;
    if ((st = kh_buf_putc(b, '\t')))
        return st;
    if (p->feature_id)
        return kh_buf_put_u64(b, p->feature_id);
    return text(b, p->country);
}

/* "YYYYMMDD000000", or "" for an unknown date. */
static void stamp(kh_date d, char out[32])
{
    out[0] = '\0';
    if (d.year)
        snprintf(out, 32, "%04d%02d%02d000000", d.year % 10000, d.month % 100, d.day % 100);
}

kh_status kh_gdelt_event_row(kh_buf *b, const kh_gdelt_event *e)
{
    kh_status st;
    char added[32];
    stamp(e->added, added);
    TRY(kh_buf_put_u64(b, e->id));
    if (e->date.year) {
        /* A date known to the month or the year writes 00 for what the
         * text did not give (docs/dates-and-modality.md): SQLDATE 20190800 or
         * 20190000, MonthYear 201900; never 1 January unmarked. */
        uint64_t month = e->date_precision == KH_DATE_YEAR ? 0u : e->date.month;
        uint64_t day = e->date_precision >= KH_DATE_MONTH ? 0u : e->date.day;
        TRY(field_u(b, (uint64_t)e->date.year * 10000u + month * 100u + day));
        TRY(field_u(b, (uint64_t)e->date.year * 100u + month));
        TRY(field_u(b, (uint64_t)e->date.year));
        TRY(kh_buf_putc(b, '\t'));
        TRY(put_num(b, (double)e->date.year + (double)(month * 30u + day) / 365.0, 4));
    } else {
        TRY(kh_buf_puts(b, "\t\t\t\t"));
    }
    TRY(actor_fields(b, e->source, e->source_name));
    TRY(actor_fields(b, e->target, e->target_name));
    TRY(field_u(b, (uint64_t)(e->first_sentence <= 1)));
    char base[4];
    snprintf(base, sizeof base, "%.3s", e->code);
    TRY(field(b, e->code));
    TRY(field(b, base));
    TRY(field(b, e->root));
    TRY(field_u(b, (uint64_t)e->quad));
    TRY(kh_buf_putc(b, '\t'));
    TRY(put_num(b, e->goldstein, 1));
    TRY(field_u(b, e->num_mentions));
    TRY(field_u(b, e->num_sources));
    TRY(field_u(b, e->num_articles));
    TRY(field(b, "0"));         /* AvgTone: not measured */
    TRY(geo_fields(b, NULL));   /* Actor1Geo: where the actor is from: not guessed */
    TRY(geo_fields(b, NULL));
    TRY(geo_fields(b, e->place));
    TRY(field(b, added));
    TRY(field(b, e->url));
    TRY(kh_buf_putc(b, '\n'));
done:
    return st;
}

kh_status kh_gdelt_mention_row(kh_buf *b, const kh_gdelt_mention *m)
{
    kh_status st;
    char event_added[32], added[32];
    stamp(m->event_added, event_added);
    stamp(m->added, added);
    TRY(kh_buf_put_u64(b, m->event_id));
    TRY(field(b, event_added));
    TRY(field(b, added));
    TRY(field_u(b, m->has_url ? 1 : 2));
    TRY(field(b, m->publisher));
    TRY(field(b, m->url));
    TRY(field_u(b, m->sentence + 1));
    TRY(field_u(b, m->source.len ? m->source.off : 0));
    TRY(m->target.len ? field_u(b, m->target.off) : field(b, "-1"));
    TRY(field_u(b, m->verb.off));
    TRY(field_u(b, 1));
    TRY(field_u(b, 100));
    TRY(field_u(b, m->doc_len));
    TRY(field(b, "0"));
    TRY(field(b, ""));
    TRY(field(b, ""));
    TRY(kh_buf_putc(b, '\n'));
done:
    return st;
}

kh_status kh_events_write_gdelt(const kh_story *story, const kh_event *events, size_t n,
                                uint64_t *first_id, kh_write_fn write_events, void *events_ctx,
                                kh_write_fn write_mentions, void *mentions_ctx)
{
    if (!story || (n && !events) || !first_id || !write_events)
        return KH_ERR_INVALID;
    kh_buf b;
    kh_buf_init(&b, NULL, 0);
    kh_status st = KH_OK;
    const char *url = story->url ? story->url : story->id;
    for (size_t i = 0; i < n; i++) {
        const kh_event *e = &events[i];
        kh_gdelt_event row = {
            .id = (*first_id)++, .date = e->date, .date_precision = e->date_precision,
            .source = e->source, .source_name = e->source_name,
            .target = e->target, .target_name = e->target_name,
            .code = e->code, .root = e->root, .quad = e->quad, .goldstein = e->goldstein,
            .place = e->place, .first_sentence = e->mentions[0].sentence,
            .num_mentions = e->n_mentions, .num_sources = 1, .num_articles = 1, /* one story */
            .added = story->date, .url = url};
        kh_buf_clear(&b);
        TRY(kh_gdelt_event_row(&b, &row));
        TRY(write_events(events_ctx, b.data, b.len));
        for (size_t k = 0; write_mentions && k < e->n_mentions; k++) {
            const kh_mention *m = &e->mentions[k];
            kh_gdelt_mention mr = {
                .event_id = row.id, .event_added = story->date, .added = story->date,
                .has_url = story->url != NULL,
                .publisher = story->publisher ? story->publisher : "", .url = url,
                .sentence = m->sentence, .source = m->source, .target = m->target,
                .verb = m->verb, .doc_len = story->text_len};
            kh_buf_clear(&b);
            TRY(kh_gdelt_mention_row(&b, &mr));
            TRY(write_mentions(mentions_ctx, b.data, b.len));
        }
    }
done:
    kh_buf_free(&b);
    return st;
}
