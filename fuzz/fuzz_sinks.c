/*
 * fuzz_sinks.c: libFuzzer harness for the output writers (src/sinks/): the
 * JSON Lines events sink, the GDELT 2.0 Events and Mentions TSV sink, and
 * the document JSON of `khaldun read`. A story and its events are built by
 * hand from the input, with arbitrary bytes (quotes, tabs, newlines, control
 * characters, invalid UTF-8, odd numbers) in the text, names, codes and
 * places, so the writers see what no dictionary would give them. Checks:
 *   - every JSON line parses under a strict RFC 8259 validator (written
 *     here: UTF-8 checked, no raw control characters, one object a line);
 *   - every Events row has exactly 61 tab-separated fields, every Mentions
 *     row 16, one row a line, no stray newline inside a row.
 * Spans and sentence indexes stay inside the story, as the coder promises;
 * everything else is arbitrary.
 *
 *   sh fuzz/run.sh build-fuzz 60     (builds with the whole library)
 *   build-fuzz/fuzz_sinks -dict=fuzz/dict/sinks.dict fuzz/corpus/sinks
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khaldun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_EVENTS 8
#define MAX_MENTIONS 4

static void check(int cond)
{
    if (!cond)
        abort();
}

/* ---- input consumer ---------------------------------------------------- */

typedef struct input {
    const uint8_t *p;
    size_t n;
} input;

static unsigned take_u8(input *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

static uint32_t take_u32(input *in)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)take_u8(in) << (8 * i);
    return v;
}

/* Strings live in one arena of NUL-terminated copies (freed per input). */
typedef struct strs {
    char *mem;
    size_t len, cap;
} strs;

/* A length byte then that many bytes (NUL-terminated copy); 0xFF: NULL. */
static const char *take_str(input *in, strs *s, int nullable)
{
    unsigned len = take_u8(in);
    if (len == 0xFF && nullable)
        return NULL;
    if (len == 0xFF)
        len = 0;
    if (len > in->n)
        len = (unsigned)in->n;
    if (s->len + len + 1 > s->cap)
        return ""; /* the arena is sized for the whole input: never happens */
    char *out = s->mem + s->len;
    memcpy(out, in->p, len);
    out[len] = '\0';
    s->len += len + 1;
    in->p += len;
    in->n -= len;
    return out;
}

static double take_num(input *in, unsigned mode)
{
    if (mode & 0x10) { /* raw bits: NaN, infinities, huge values */
        uint64_t bits = (uint64_t)take_u32(in) | (uint64_t)take_u32(in) << 32;
        double d;
        memcpy(&d, &bits, sizeof d);
        return d;
    }
    return (double)(int16_t)take_u32(in) / 10.0;
}

static kh_date take_date(input *in)
{
    kh_date d;
    uint32_t v = take_u32(in);
    d.year = (int16_t)(v & 0xFFFF);
    d.month = (uint8_t)(v >> 16);
    d.day = (uint8_t)(v >> 24);
    return d;
}

static kh_span take_span(input *in, size_t text_len)
{
    kh_span s;
    s.off = take_u32(in) % (text_len + 1);
    s.len = take_u32(in) % (text_len - s.off + 1);
    return s;
}

/* ---- a strict JSON validator --------------------------------------------- */

typedef struct json {
    const unsigned char *p, *end;
    int depth;
} json;

static int j_ws(json *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
        j->p++;
    return 1;
}

static int j_lit(json *j, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
        return 0;
    j->p += n;
    return 1;
}

static int j_hex4(json *j, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        if (j->p >= j->end)
            return 0;
        unsigned c = *j->p++, d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return 0;
        *v = *v << 4 | d;
    }
    return 1;
}

/* One UTF-8 sequence, strictly (no overlongs, surrogates or > U+10FFFF). */
static int j_utf8(json *j)
{
    unsigned c = *j->p;
    size_t n;
    unsigned cp;
    if (c < 0x80) {
        j->p++;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 1, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3, cp = c & 0x07;
    } else {
        return 0;
    }
    if ((size_t)(j->end - j->p) < n + 1)
        return 0;
    for (size_t i = 1; i <= n; i++) {
        unsigned cc = j->p[i];
        if ((cc & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (cc & 0x3F);
    }
    if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    j->p += n + 1;
    return 1;
}

static int j_string(json *j)
{
    if (j->p >= j->end || *j->p != '"')
        return 0;
    j->p++;
    while (j->p < j->end) {
        unsigned c = *j->p;
        if (c == '"') {
            j->p++;
            return 1;
        }
        if (c < 0x20)
            return 0;
        if (c == '\\') {
            j->p++;
            if (j->p >= j->end)
                return 0;
            c = *j->p++;
            if (c == 'u') {
                unsigned v, w;
                if (!j_hex4(j, &v))
                    return 0;
                if (v >= 0xDC00 && v <= 0xDFFF)
                    return 0; /* a lone low surrogate */
                if (v >= 0xD800 && v <= 0xDBFF) {
                    if (!j_lit(j, "\\u") || !j_hex4(j, &w) || w < 0xDC00 || w > 0xDFFF)
                        return 0;
                }
            } else if (!strchr("\"\\/bfnrt", (int)c) || c == 0) {
                return 0;
            }
        } else if (!j_utf8(j)) {
            return 0;
        }
    }
    return 0;
}

static int j_digits(json *j)
{
    const unsigned char *s = j->p;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
        j->p++;
    return j->p > s;
}

static int j_number(json *j)
{
    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p < j->end && *j->p == '0')
        j->p++;
    else if (!j_digits(j))
        return 0;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (!j_digits(j))
            return 0;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (!j_digits(j))
            return 0;
    }
    return 1;
}

static int j_value(json *j)
{
    j_ws(j);
    if (j->p >= j->end || ++j->depth > 64)
        return 0;
    int ok;
    switch (*j->p) {
    case '{':
        j->p++;
        j_ws(j);
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            ok = 1;
            break;
        }
        for (;;) {
            j_ws(j);
            if (!j_string(j))
                return 0;
            j_ws(j);
            if (j->p >= j->end || *j->p++ != ':' || !j_value(j))
                return 0;
            j_ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == '}') {
                j->p++;
                break;
            }
            return 0;
        }
        ok = 1;
        break;
    case '[':
        j->p++;
        j_ws(j);
        if (j->p < j->end && *j->p == ']') {
            j->p++;
            ok = 1;
            break;
        }
        for (;;) {
            if (!j_value(j))
                return 0;
            j_ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == ']') {
                j->p++;
                break;
            }
            return 0;
        }
        ok = 1;
        break;
    case '"': ok = j_string(j); break;
    case 't': ok = j_lit(j, "true"); break;
    case 'f': ok = j_lit(j, "false"); break;
    case 'n': ok = j_lit(j, "null"); break;
    default: ok = j_number(j); break;
    }
    j->depth--;
    return ok;
}

/* Every line of `buf` is one JSON object; `lines` of them. */
static void check_json_lines(const char *buf, size_t len, size_t lines)
{
    size_t seen = 0;
    check(len == 0 || buf[len - 1] == '\n');
    for (size_t pos = 0; pos < len;) {
        const char *nl = (const char *)memchr(buf + pos, '\n', len - pos);
        check(nl != NULL);
        json j = {(const unsigned char *)buf + pos, (const unsigned char *)nl, 0};
        j_ws(&j);
        check(j.p < j.end && *j.p == '{');
        if (!j_value(&j)) {
            fprintf(stderr, "invalid JSON line: %.*s\n", (int)(nl - buf - (long)pos), buf + pos);
            abort();
        }
        j_ws(&j);
        check(j.p == j.end);
        seen++;
        pos = (size_t)(nl - buf) + 1;
    }
    check(seen == lines);
}

/* Every row of `buf` has `fields` tab-separated fields; `rows` rows. */
static void check_tsv(const char *buf, size_t len, size_t fields, size_t rows)
{
    size_t seen = 0;
    check(len == 0 || buf[len - 1] == '\n');
    for (size_t pos = 0; pos < len;) {
        const char *nl = (const char *)memchr(buf + pos, '\n', len - pos);
        check(nl != NULL);
        size_t tabs = 0;
        for (const char *c = buf + pos; c < nl; c++) {
            tabs += *c == '\t';
            check(*c != '\r');
        }
        if (tabs + 1 != fields) {
            fprintf(stderr, "row with %zu fields, expected %zu: ", tabs + 1, fields);
            for (const char *c = buf + pos; c < nl; c++)
                fputs(*c == '\t' ? "<TAB>" : "", stderr), fputc(*c == '\t' ? '|' : *c, stderr);
            fputc('\n', stderr);
            abort();
        }
        seen++;
        pos = (size_t)(nl - buf) + 1;
    }
    check(seen == rows);
}

/* ---- output collection ------------------------------------------------- */

typedef struct outbuf {
    char *data;
    size_t len, cap;
} outbuf;

static kh_status collect(void *ctx, const char *data, size_t len)
{
    outbuf *o = (outbuf *)ctx;
    if (o->len + len > o->cap) {
        size_t cap = (o->len + len) * 2 + 256;
        char *p = (char *)realloc(o->data, cap);
        if (!p)
            return KH_ERR_NOMEM;
        o->data = p;
        o->cap = cap;
    }
    memcpy(o->data + o->len, data, len);
    o->len += len;
    return KH_OK;
}

static kh_lexicon *real_lexicon(void)
{
    static int tried;
    static kh_lexicon *lex;
    if (!tried) {
        tried = 1;
        const char *dir = getenv("KHALDUN_DATA");
        char path[4096];
        snprintf(path, sizeof path, "%s/lexicon.img", dir && *dir ? dir : "build/data");
        if (kh_lexicon_load(path, NULL, &lex, NULL) != KH_OK)
            lex = NULL;
    }
    return lex;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in = {data, size};
    strs s;
    s.cap = size + 1024;
    s.len = 0;
    s.mem = (char *)malloc(s.cap);
    if (!s.mem)
        return 0;
    unsigned mode = take_u8(&in);

    kh_story st;
    memset(&st, 0, sizeof st);
    st.id = take_str(&in, &s, 0);
    st.source = take_str(&in, &s, 0);
    st.title = take_str(&in, &s, 1);
    st.url = take_str(&in, &s, 1);
    st.publisher = take_str(&in, &s, 1);
    st.dateline = take_str(&in, &s, 1);
    st.date = take_date(&in);
    st.line = take_u32(&in);
    st.raw = (int)(mode & 1);
    st.input_offset = (mode & 0x20) ? (uint64_t)take_u32(&in) << 20 : 0;

    kh_event ev[MAX_EVENTS];
    kh_mention men[MAX_EVENTS][MAX_MENTIONS];
    kh_place places[MAX_EVENTS];
    size_t n_ev = take_u8(&in) % (MAX_EVENTS + 1);
    /* the text: the tail of the input (read last, so events come first) */
    size_t text_len_hint = take_u32(&in) % 4096;
    size_t need_ev = n_ev * 64; /* rough bytes the events take */
    size_t text_len = in.n > need_ev ? in.n - need_ev : in.n / 2;
    if (text_len > text_len_hint + in.n / 2)
        text_len = text_len_hint + in.n / 2 < in.n ? text_len_hint + in.n / 2 : in.n;
    char *text = (char *)malloc(text_len + 1);
    if (!text) {
        free(s.mem);
        return 0;
    }
    memcpy(text, in.p + in.n - text_len, text_len);
    text[text_len] = '\0';
    in.n -= text_len;
    st.text = text;
    st.text_len = text_len;
    kh_unit units[2];
    kh_span caption;
    size_t head = (mode & 2) ? text_len / 3 : 0;
    st.n_units = 0;
    if (head)
        units[st.n_units++] = (kh_unit){KH_UNIT_HEADLINE, {0, head}};
    units[st.n_units++] = (kh_unit){KH_UNIT_BODY, {head, text_len - head}};
    st.units = units;
    if (mode & 4) {
        caption.off = head / 2;
        caption.len = head - head / 2;
        st.captions = &caption;
        st.n_captions = 1;
    }

    for (size_t i = 0; i < n_ev; i++) {
        kh_event *e = &ev[i];
        memset(e, 0, sizeof *e);
        e->date = take_date(&in);
        e->source = take_str(&in, &s, 0);
        e->target = take_str(&in, &s, 1);
        e->source_name = take_str(&in, &s, 1);
        e->target_name = take_str(&in, &s, 1);
        e->code = take_str(&in, &s, 0);
        e->name = take_str(&in, &s, 1);
        e->root[0] = (char)take_u8(&in);
        e->root[1] = (char)take_u8(&in);
        e->root[2] = '\0';
        e->quad = (int)(int8_t)take_u8(&in);
        e->goldstein = take_num(&in, mode);
        e->flags = take_u32(&in);
        unsigned pl = take_u8(&in);
        if (pl & 1) {
            kh_place *p = &places[i];
            memset(p, 0, sizeof *p);
            p->name = take_str(&in, &s, 0);
            p->country = take_str(&in, &s, 0);
            p->admin1 = take_str(&in, &s, 1);
            p->has_coords = (pl >> 1) & 1;
            p->lat = take_num(&in, mode);
            p->lon = take_num(&in, mode);
            p->type = (int)(int8_t)take_u8(&in);
            p->feature_id = take_u32(&in);
            e->place = p;
        }
        e->n_mentions = take_u8(&in) % MAX_MENTIONS + 1;
        for (size_t k = 0; k < e->n_mentions; k++) {
            kh_mention *m = &men[i][k];
            memset(m, 0, sizeof *m);
            m->sentence = take_u32(&in);
            m->text = take_span(&in, text_len);
            m->source = take_span(&in, text_len);
            m->target = take_span(&in, text_len);
            m->verb = take_span(&in, text_len);
            m->kind = (take_u8(&in) & 1) ? KH_UNIT_HEADLINE : KH_UNIT_BODY;
            m->pattern = take_str(&in, &s, 1);
        }
        e->mentions = men[i];
    }
    const char *hash = take_str(&in, &s, 1);

    /* events as JSON Lines */
    outbuf o = {NULL, 0, 0};
    check(kh_events_write_json(&st, ev, n_ev, hash, collect, &o) == KH_OK);
    check_json_lines(o.data, o.len, n_ev);

    /* GDELT Events and Mentions */
    outbuf ge = {NULL, 0, 0}, gm = {NULL, 0, 0};
    (void)take_u32(&in); /* was the first GLOBALEVENTID; ids are now hashes of the key */
    check(kh_events_write_gdelt(&st, ev, n_ev, collect, &ge, (mode & 8) ? NULL : collect,
                                &gm) == KH_OK);
    check_tsv(ge.data, ge.len, 61, n_ev);
    if (!(mode & 8)) {
        size_t rows = 0;
        for (size_t i = 0; i < n_ev; i++)
            rows += ev[i].n_mentions;
        (void)rows; /* one row per mention, or per event: count the lines as they come */
        size_t lines = 0;
        for (size_t i = 0; i < gm.len; i++)
            lines += gm.data[i] == '\n';
        check_tsv(gm.data, gm.len, 16, lines);
        check(lines == 0 || lines >= n_ev);
    }

    /* the document as `khaldun read` writes it */
    kh_scratch *sc = NULL;
    kh_limits lim;
    kh_limits_default(&lim);
    lim.max_tokens = 200;
    lim.max_sentences = 200;
    if (kh_scratch_new(NULL, &lim, &sc) == KH_OK) {
        const kh_lexicon *lex = (mode & 0x40) ? real_lexicon() : NULL;
        unsigned aflags = KH_ANALYZE_TOKENS | (lex ? KH_ANALYZE_TAGS | KH_ANALYZE_CHUNKS : 0);
        const kh_doc *doc = NULL;
        if (kh_analyze(sc, lex, &st, aflags, &doc) == KH_OK) {
            unsigned jflags = (mode >> 7) ? KH_JSON_TOKENS
                              : lex       ? KH_JSON_TAGS | KH_JSON_CHUNKS
                                          : 0;
            outbuf od = {NULL, 0, 0};
            check(kh_doc_write_json(doc, jflags, collect, &od) == KH_OK);
            check_json_lines(od.data, od.len, 1);
            free(od.data);
        }
        kh_scratch_free(sc);
    }
    free(o.data);
    free(ge.data);
    free(gm.data);
    free(text);
    free(s.mem);
    return 0;
}
