/*
 * gdelt.c: the GDELT 2.0 sink: Events rows (61 tab-separated columns, as in
 * GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv) and Mentions rows
 * (16 columns), following GDELT's conventions (docs/formats.md):
 * GLOBALEVENTID is a hash of the event's key, so runs, shards and merged
 * stores agree on it; actor codes are split into country, known-group,
 * religion and type columns with GDELT's lookups; every geographic country
 * code is FIPS 10-4 (data/fips.txt, through fips_table.c), country-level
 * places get the country's centroid; what khaldun does not measure (tone,
 * confidence) is left empty, never 0. Text fields have tabs and newlines
 * replaced so every row is well-formed TSV. The rows are built from
 * kh_gdelt_event / kh_gdelt_mention (sinks.h), which the live writer fills
 * from one story and the store's export from merged events.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/sha256.h"
#include "sinks/sinks.h"
#include "sinks/tables.h"

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

uint64_t kh_gdelt_id(kh_date date, const char *source, const char *target, const char *code)
{
    char key[64];
    int n = snprintf(key, sizeof key, "khaldun-event-1\t%04d%02d%02d\t", date.year % 10000,
                     date.month % 100, date.day % 100);
    kh_sha256 c;
    unsigned char d[32];
    kh_sha256_init(&c);
    kh_sha256_update(&c, key, (size_t)n);
    const char *parts[3] = {source ? source : "", target ? target : "", code ? code : ""};
    for (int i = 0; i < 3; i++) /* each part ends in a tab: ("AB","C") != ("A","BC") */
        kh_sha256_update(&c, parts[i], strlen(parts[i])), kh_sha256_update(&c, "\t", 1);
    kh_sha256_final(&c, d);
    uint64_t id = 0;
    for (int i = 0; i < 8; i++)
        id = id << 8 | d[i];
    id &= UINT64_C(0x7fffffffffffffff); /* fits a signed 64-bit column */
    return id ? id : 1;
}

size_t kh_sink_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; n++) {
        uint32_t cp;
        int valid;
        i += kh_utf8_decode((const unsigned char *)s + i, len - i, &cp, &valid);
    }
    return n;
}

/* Rows whose first member is their key string, sorted by it (tables.h). */
static int row_cmp(const void *key, const void *row)
{
    return strcmp((const char *)key, *(const char *const *)row);
}

const void *kh_table_find(const void *rows, size_t n, size_t size, const char *key)
{
    return key ? bsearch(key, rows, n, size, row_cmp) : NULL;
}

const kh_fips_row *kh_fips_of(const char *iso3)
{
    return (const kh_fips_row *)kh_table_find(kh_fips_rows, kh_n_fips_rows, sizeof *kh_fips_rows,
                                              iso3);
}

/* GDELT's lookups (CAMEO.type.txt, CAMEO.knowngroup.txt, CAMEO.religion.txt
 * and CAMEO's regional codes of CAMEO.country.txt), three letters a code. */
static const char regions[] = "AFRASABLKCASCAUCFRCRBEAFEEUEINEURLAMMDTMEANAFNMRPGSSAFSAMSASSCN"
                              "SEAWAFWST";
static const char types[] = "COPGOVINSJUDMILOPPREBSEPSPYUAFAGRBUSCRMCVLDEVEDUELIENVHLHHRILAB"
                            "LEGMEDREFMODRADAMNIRCGRPUNOPKOUISIGOIMGINTMNCNGMNGOSET";
static const char groups[] = "AAMABDACCADBAEUAFBALQAMFAMLAMNAMUANOAPEARLASLASNATDBCABISBTHCEM"
                             "CFACISCMNCOECPACPCCRCCSSCWNDFLEBRECAEECEFTENNFAOFIDFISFLNFTAGCC"
                             "GIAGOEGOSGSPGSSHCHHCRHEZHIPHMSHRWIACIADIAEIAFICCICGICJICOIDBIGC"
                             "IHFILOIMFIOMIPUIRCISJITPJURKDPKIDLBALKDMBRMRZMSFMSPNATNEPNONOAS"
                             "OAUOICOPCPAPPFLPLFPLOPLSPMDPRCPSERCRRNDSAASADSCESHASOTTALUEMUNO"
                             "WADWAMWASWBKWCTWEFWFPWHOWTOXFM";
static const char religions[] = "ADRALEATHBAHBUDCHRCONCPTCTHDOXDRZHINHSDITRJANJEWJHWLDSMOSMRN"
                                "MSHMUSNRMPAGPROSFISHISHNSIKSUNTAOUDXZRO";

static int listed(const char *list, const char *c3)
{
    for (const char *p = list; *p; p += 3)
        if (!memcmp(p, c3, 3))
            return 1;
    return 0;
}

void kh_actor_parts_of(const char *code, kh_actor_parts *out)
{
    memset(out, 0, sizeof *out);
    size_t len = code ? strlen(code) : 0, n_rel = 0, n_type = 0;
    for (size_t pos = 0; pos + 3 <= len; pos += 3) {
        char c3[4];
        memcpy(c3, code + pos, 3);
        c3[3] = '\0';
        if (!pos && (kh_fips_of(c3) || listed(regions, c3)))
            memcpy(out->country, c3, 4);
        else if (listed(groups, c3))
            memcpy(out->group, c3, 4);
        else if (listed(religions, c3) && n_rel < 2)
            memcpy(out->religion[n_rel++], c3, 4);
        else if (listed(types, c3) && n_type < 3)
            memcpy(out->type[n_type++], c3, 4);
    }
}

/* Actor columns: Code, Name, CountryCode, KnownGroupCode, EthnicCode,
 * Religion1Code, Religion2Code, Type1Code, Type2Code, Type3Code. */
static kh_status actor_fields(kh_buf *b, const char *code, const char *name)
{
    kh_status st;
    kh_actor_parts a;
    kh_actor_parts_of(code, &a);
    if ((st = field(b, code)) || (st = field(b, name)) || (st = field(b, a.country)) ||
        (st = field(b, a.group)) || (st = field(b, "")) || (st = field(b, a.religion[0])) ||
        (st = field(b, a.religion[1])) || (st = field(b, a.type[0])) ||
        (st = field(b, a.type[1])) || (st = field(b, a.type[2])))
        return st;
    return KH_OK;
}

/* Geo columns: Type, FullName, CountryCode, ADM1Code, ADM2Code, Lat, Long,
 * FeatureID. Type 1 country (FullName the country's name, ADM1Code and
 * FeatureID its FIPS code, Lat/Long its centroid), 3 US city, 4 world city
 * ("City, ADM1, Country name", FeatureID the GeoNames id). */
static kh_status geo_fields(kh_buf *b, const kh_place *p)
{
    kh_status st;
    if (!p)
        return kh_buf_puts(b, "\t\t\t\t\t\t\t\t");
    const kh_fips_row *f = kh_fips_of(p->country);
    const char *fips = f ? f->fips : "";
    const char *cname = f ? f->name : p->country ? p->country : "";
    if (p->country && !strcmp(p->country, "PSE") && p->admin1 && !strncmp(p->admin1, "Gaza", 4))
        fips = "GZ", cname = "Gaza Strip"; /* FIPS codes the two territories apart (data/fips.txt) */
    const char *name = p->name ? p->name : "";
    int country_level = p->type == 1;
    int type = country_level ? 1 : p->country && !strcmp(p->country, "USA") ? 3 : 4;
    char full[512];
    if (country_level)
        snprintf(full, sizeof full, "%s", cname);
    else if (p->admin1 && *p->admin1)
        snprintf(full, sizeof full, "%s, %s, %s", name, p->admin1, cname);
    else
        snprintf(full, sizeof full, "%s, %s", name, cname);
    double lat = p->lat, lon = p->lon;
    int coords = p->has_coords;
    if (!coords && country_level && f)
        lat = f->lat, lon = f->lon, coords = 1;
    TRY(field_u(b, (uint64_t)type));
    TRY(field(b, full));
    TRY(field(b, fips));
    TRY(field(b, country_level ? fips : "")); /* ADM1Code: no ADM1 codes in the gazetteer yet */
    TRY(field(b, ""));
    TRY(kh_buf_putc(b, '\t'));
    if (coords)
        TRY(put_num(b, lat, 4));
    TRY(kh_buf_putc(b, '\t'));
    if (coords)
        TRY(put_num(b, lon, 4));
    TRY(kh_buf_putc(b, '\t'));
    if (country_level)
        TRY(text(b, fips));
    else if (p->feature_id)
        TRY(kh_buf_put_u64(b, p->feature_id));
done:
    return st;
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
    TRY(kh_buf_put_u64(b, kh_gdelt_id(e->date, e->source, e->target, e->code)));
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
    TRY(field(b, ""));          /* AvgTone: not measured, so empty (NaN), never 0 */
    TRY(geo_fields(b, e->source_place)); /* Actor1Geo: where the actor's words place it */
    TRY(geo_fields(b, e->target_place));
    TRY(geo_fields(b, e->place));
    TRY(field(b, added));
    TRY(field(b, e->url));
    TRY(kh_buf_putc(b, '\n'));
done:
    return st;
}

/* A character offset column: empty when the span is absent. */
static kh_status field_char_off(kh_buf *b, const kh_gdelt_mention *m, kh_span sp)
{
    if (!sp.len)
        return kh_buf_putc(b, '\t');
    size_t off = sp.off;
    if (m->doc && sp.off >= m->doc_at && sp.off - m->doc_at <= m->doc_bytes)
        off = m->chars_before + kh_sink_chars(m->doc, sp.off - m->doc_at);
    return field_u(b, off);
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
    TRY(field_char_off(b, m, m->source));
    TRY(field_char_off(b, m, m->target));
    TRY(field_char_off(b, m, m->verb));
    TRY(field_u(b, 1));         /* InRawText: coded from the text as written */
    TRY(field(b, ""));          /* Confidence: not measured */
    TRY(field_u(b, m->doc_chars));
    TRY(field(b, ""));          /* MentionDocTone: not measured */
    TRY(field(b, ""));
    TRY(field(b, ""));
    TRY(kh_buf_putc(b, '\n'));
done:
    return st;
}

kh_status kh_gdelt_write_story(const kh_story *story, const kh_event *events, size_t n,
                               kh_map *seen, kh_write_fn write_events, void *events_ctx,
                               kh_write_fn write_mentions, void *mentions_ctx)
{
    if (!story || (n && !events) || !write_events)
        return KH_ERR_INVALID;
    kh_buf b;
    kh_buf_init(&b, NULL, 0);
    kh_status st = KH_OK;
    const char *url = story->url ? story->url : story->id;
    size_t doc_chars = write_mentions && n ? kh_sink_chars(story->text, story->text_len) : 0;
    for (size_t i = 0; i < n; i++) {
        const kh_event *e = &events[i];
        kh_gdelt_event row = {
            .date = e->date, .date_precision = e->date_precision,
            .source = e->source, .source_name = e->source_name,
            .target = e->target, .target_name = e->target_name,
            .code = e->code, .root = e->root, .quad = e->quad, .goldstein = e->goldstein,
            .place = e->place, .source_place = e->source_place,
            .target_place = e->target_place, .first_sentence = e->mentions[0].sentence,
            .num_mentions = e->n_mentions, .num_sources = 1, .num_articles = 1, /* one story */
            .added = story->date, .url = url};
        uint64_t id = kh_gdelt_id(e->date, e->source, e->target, e->code);
        /* The map keeps each event's first story date (YYYYMMDD): EventTimeDate. */
        kh_date sd = story->date;
        uint32_t first = sd.year > 0 ? (uint32_t)sd.year * 10000u + sd.month * 100u + sd.day : 0;
        int found = 0;
        if (seen)
            TRY(kh_map_get_or_put(NULL, seen, id, first, &first, &found));
        kh_date event_added = {.year = (int16_t)(first / 10000),
                               .month = (uint8_t)(first / 100 % 100), .day = (uint8_t)(first % 100)};
        if (!found) { /* GDELT: an event's row comes once, from the story that first reports it */
            kh_buf_clear(&b);
            TRY(kh_gdelt_event_row(&b, &row));
            TRY(write_events(events_ctx, b.data, b.len));
        }
        for (size_t k = 0; write_mentions && k < e->n_mentions; k++) {
            const kh_mention *m = &e->mentions[k];
            kh_gdelt_mention mr = {
                .event_id = id, .event_added = event_added, .added = story->date,
                .has_url = story->url != NULL,
                .publisher = story->publisher ? story->publisher : "", .url = url,
                .sentence = m->sentence, .source = m->source, .target = m->target,
                .verb = m->verb, .doc = story->text, .doc_bytes = story->text_len,
                .doc_chars = doc_chars};
            kh_buf_clear(&b);
            TRY(kh_gdelt_mention_row(&b, &mr));
            TRY(write_mentions(mentions_ctx, b.data, b.len));
        }
    }
done:
    kh_buf_free(&b);
    return st;
}

kh_status kh_events_write_gdelt(const kh_story *story, const kh_event *events, size_t n,
                                kh_write_fn write_events, void *events_ctx,
                                kh_write_fn write_mentions, void *mentions_ctx)
{
    return kh_gdelt_write_story(story, events, n, NULL, write_events, events_ctx,
                                write_mentions, mentions_ctx);
}
