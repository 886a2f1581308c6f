/*
 * jsonl.c: stage 1 back end for JSON Lines, one story a line, and the small
 * JSON parser it needs. The parser is strict about syntax (RFC 8259: no
 * trailing commas, no comments, no raw control bytes in strings, escapes
 * checked, \uXXXX with surrogate pairs) but keeps invalid UTF-8 inside
 * strings as bytes, like every other reader. It allocates nothing of its
 * own: the values of the fields a story needs are decoded into the reader's
 * scratch buffer (capped at max_line; a decoded string is never longer than
 * its source), everything else is checked and skipped. Nesting is capped.
 *
 * Fields: text (else title/headline + body/content/article), id (string or
 * number; else Reuters' newid), date (ISO 8601, YYYYMMDD, or Reuters'
 * "26-FEB-1987 15:01:01.79"), url, source (the publisher), dateline (its
 * place is kept). The story text is title + "\n\n" + body, so that the
 * headline unit and the body share one string (raw = 0); the body is then
 * cleaned like plain text (captions, markers, dateline). A bad line is
 * rejected with "invalid JSON at column N: why" and the next line is read.
 */
#include "read/read.h"

#define JSON_MAX_DEPTH 128

/* byte classes: 1 = ends a run of plain string bytes ('"', '\\', < 0x20) */
static const unsigned char str_stop[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* '\\' */
};

enum { J_NONE = 0, J_STRING, J_NUMBER, J_OTHER };

enum {
    F_TEXT, F_TITLE, F_BODY, F_HEADLINE, F_CONTENT, F_ARTICLE, F_ID, F_NEWID,
    F_DATE, F_URL, F_SOURCE, F_DATELINE, F_COUNT
};

static const char *const field_names[F_COUNT] = {
    "text", "title", "body", "headline", "content", "article", "id", "newid",
    "date", "url", "source", "dateline",
};

typedef struct jfield {
    int type;
    size_t off, len; /* in scratch */
} jfield;

typedef struct jp {
    const unsigned char *s;
    size_t n, i;
    const char *err;
    size_t err_at;
    kh_status st; /* NOMEM while decoding */
} jp;

static int fail(jp *j, size_t at, const char *why)
{
    if (!j->err) {
        j->err = why;
        j->err_at = at;
    }
    return 0;
}

static void skip_ws(jp *j)
{
    while (j->i < j->n) {
        unsigned char c = j->s[j->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        j->i++;
    }
}

static int put(jp *j, kh_buf *out, const void *p, size_t len)
{
    if (!out)
        return 1;
    kh_status st = kh_buf_append(out, (const char *)p, len);
    if (st) {
        j->st = st;
        return fail(j, j->i, st == KH_ERR_NOMEM ? "out of memory" : "value too long");
    }
    return 1;
}

static int hex4(const unsigned char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        unsigned char c = s[k];
        v <<= 4;
        if (kh_is_digit(c))
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

/* A string at s[i] == '"'; decoded into out when non-NULL. */
static int parse_string(jp *j, kh_buf *out)
{
    const unsigned char *s = j->s;
    size_t open = j->i;
    size_t i = j->i + 1;
    for (;;) {
        size_t k = i;
        while (k < j->n && !str_stop[s[k]])
            k++;
        if (k > i && !put(j, out, s + i, k - i))
            return 0;
        if (k >= j->n)
            return fail(j, open, "unterminated string");
        unsigned char c = s[k];
        if (c == '"') {
            j->i = k + 1;
            return 1;
        }
        if (c != '\\')
            return fail(j, k, "control character in string");
        if (k + 1 >= j->n)
            return fail(j, open, "unterminated string");
        unsigned char e = s[k + 1];
        char one;
        switch (e) {
        case '"': one = '"'; break;
        case '\\': one = '\\'; break;
        case '/': one = '/'; break;
        case 'b': one = '\b'; break;
        case 'f': one = '\f'; break;
        case 'n': one = '\n'; break;
        case 'r': one = '\r'; break;
        case 't': one = '\t'; break;
        case 'u': {
            uint32_t cp;
            if (k + 6 > j->n || !hex4(s + k + 2, &cp))
                return fail(j, k, "invalid \\u escape");
            i = k + 6;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t lo;
                if (i + 6 <= j->n && s[i] == '\\' && s[i + 1] == 'u' && hex4(s + i + 2, &lo) &&
                    lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                } else {
                    cp = 0xFFFD; /* a lone surrogate: valid JSON, not valid text */
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            char u8[4];
            if (!put(j, out, u8, kh_utf8_encode(cp, u8)))
                return 0;
            continue;
        }
        default:
            return fail(j, k, "invalid escape in string");
        }
        if (!put(j, out, &one, 1))
            return 0;
        i = k + 2;
    }
}

static int parse_number(jp *j)
{
    const unsigned char *s = j->s;
    size_t i = j->i, start = i;
    if (i < j->n && s[i] == '-')
        i++;
    if (i >= j->n || !kh_is_digit(s[i]))
        return fail(j, start, "invalid number");
    if (s[i] == '0')
        i++;
    else
        while (i < j->n && kh_is_digit(s[i]))
            i++;
    if (i < j->n && s[i] == '.') {
        i++;
        if (i >= j->n || !kh_is_digit(s[i]))
            return fail(j, start, "invalid number");
        while (i < j->n && kh_is_digit(s[i]))
            i++;
    }
    if (i < j->n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < j->n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= j->n || !kh_is_digit(s[i]))
            return fail(j, start, "invalid number");
        while (i < j->n && kh_is_digit(s[i]))
            i++;
    }
    j->i = i;
    return 1;
}

static int parse_value(jp *j, kh_buf *out, int *type, size_t depth);

static int parse_container(jp *j, size_t depth)
{
    unsigned char close = j->s[j->i] == '{' ? '}' : ']';
    if (depth >= JSON_MAX_DEPTH)
        return fail(j, j->i, "nesting too deep");
    j->i++;
    skip_ws(j);
    if (j->i < j->n && j->s[j->i] == close) {
        j->i++;
        return 1;
    }
    for (;;) {
        skip_ws(j);
        if (close == '}') {
            if (j->i >= j->n || j->s[j->i] != '"')
                return fail(j, j->i, j->i >= j->n ? "unexpected end of line" : "expected a string key");
            if (!parse_string(j, NULL))
                return 0;
            skip_ws(j);
            if (j->i >= j->n || j->s[j->i] != ':')
                return fail(j, j->i, "expected ':' after a key");
            j->i++;
        }
        int type;
        if (!parse_value(j, NULL, &type, depth + 1))
            return 0;
        skip_ws(j);
        if (j->i < j->n && j->s[j->i] == ',') {
            j->i++;
            continue;
        }
        if (j->i < j->n && j->s[j->i] == close) {
            j->i++;
            return 1;
        }
        return fail(j, j->i, j->i >= j->n ? "unexpected end of line"
                             : close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

/* Any value; strings are decoded into out, numbers copied there as written. */
static int parse_value(jp *j, kh_buf *out, int *type, size_t depth)
{
    skip_ws(j);
    *type = J_OTHER;
    if (j->i >= j->n)
        return fail(j, j->i, "unexpected end of line");
    unsigned char c = j->s[j->i];
    if (c == '"') {
        *type = J_STRING;
        return parse_string(j, out);
    }
    if (c == '{' || c == '[')
        return parse_container(j, depth);
    if (c == '-' || kh_is_digit(c)) {
        size_t start = j->i;
        *type = J_NUMBER;
        return parse_number(j) && put(j, out, j->s + start, j->i - start);
    }
    static const char *const lits[] = {"true", "false", "null"};
    for (size_t k = 0; k < 3; k++) {
        size_t l = strlen(lits[k]);
        if (c == (unsigned char)lits[k][0]) {
            if (j->n - j->i >= l && !memcmp(j->s + j->i, lits[k], l)) {
                j->i += l;
                *type = k == 2 ? J_NONE : J_OTHER;
                return 1;
            }
            return fail(j, j->i, "invalid literal");
        }
    }
    return fail(j, j->i, "expected a value");
}

static int field_of(const char *k, size_t len)
{
    for (int f = 0; f < F_COUNT; f++) {
        size_t n = strlen(field_names[f]);
        if (n == len && !memcmp(k, field_names[f], n))
            return f;
    }
    return -1;
}

/* The top-level object: fills fields[] with spans into scratch. */
static int parse_record(jp *j, kh_buf *scratch, jfield *fields)
{
    skip_ws(j);
    if (j->i >= j->n || j->s[j->i] != '{')
        return fail(j, j->i, "expected an object");
    j->i++;
    skip_ws(j);
    if (j->i < j->n && j->s[j->i] == '}') {
        j->i++;
    } else {
        for (;;) {
            skip_ws(j);
            if (j->i >= j->n)
                return fail(j, j->i, "unexpected end of line");
            if (j->s[j->i] != '"')
                return fail(j, j->i, "expected a string key");
            size_t mark = scratch->len;
            if (!parse_string(j, scratch))
                return 0;
            int f = field_of(scratch->data + mark, scratch->len - mark);
            scratch->len = mark;
            scratch->data[mark] = '\0';
            skip_ws(j);
            if (j->i >= j->n || j->s[j->i] != ':')
                return fail(j, j->i, j->i >= j->n ? "unexpected end of line" : "expected ':' after a key");
            j->i++;
            int type;
            if (!parse_value(j, f >= 0 ? scratch : NULL, &type, 1))
                return 0;
            if (f >= 0) {
                fields[f].type = type;
                fields[f].off = mark;
                fields[f].len = scratch->len - mark;
            }
            skip_ws(j);
            if (j->i < j->n && j->s[j->i] == ',') {
                j->i++;
                continue;
            }
            if (j->i < j->n && j->s[j->i] == '}') {
                j->i++;
                break;
            }
            return fail(j, j->i, j->i >= j->n ? "unexpected end of line" : "expected ',' or '}'");
        }
    }
    skip_ws(j);
    if (j->i < j->n)
        return fail(j, j->i, "trailing characters after the object");
    return 1;
}

kh_status kh_read_reuters_date(const char *s, size_t len, kh_date *out)
{
    size_t i = 0;
    while (i < len && s[i] == ' ')
        i++;
    int d = 0;
    size_t d0 = i;
    while (i < len && kh_is_digit((unsigned char)s[i]) && i - d0 < 2)
        d = d * 10 + (s[i++] - '0');
    if (i == d0 || i + 9 > len || s[i] != '-' || s[i + 4] != '-')
        return KH_ERR_FORMAT;
    int m = kh_month_find(s + i + 1, 3, KH_MONTH_ABBR);
    int y = 0;
    for (size_t k = i + 5; k < i + 9; k++) {
        if (!kh_is_digit((unsigned char)s[k]))
            return KH_ERR_FORMAT;
        y = y * 10 + (s[k] - '0');
    }
    if (i + 9 < len && s[i + 9] != ' ' && s[i + 9] != 'T')
        return KH_ERR_FORMAT;
    if (!m || !kh_date_valid(y, m, d))
        return KH_ERR_FORMAT;
    out->year = (int16_t)y;
    out->month = (uint8_t)m;
    out->day = (uint8_t)d;
    return KH_OK;
}

static int has_text(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!kh_is_space((unsigned char)p[i]))
            return 1;
    return 0;
}

static const jfield *first_string(const jfield *f, const int *which, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (f[which[k]].type == J_STRING)
            return &f[which[k]];
    return NULL;
}

/* The decoded field values of the current line (capped at max_line). */
typedef struct jsonl_state {
    kh_buf scratch;
} jsonl_state;

/* The story text into r->story: title "\n\n" body, of the parts that hold
 * text (title_ok, body_ok), decoded in sd. KH_ERR_LIMIT when it would pass
 * max_story. */
static kh_status story_text(kh_reader *r, const char *sd, const jfield *tf, int title_ok,
                            const jfield *bf, int body_ok)
{
    kh_buf *t = &r->story;
    kh_buf_clear(t);
    kh_status st = kh_buf_append(t, "", 0);
    if (!st && title_ok)
        st = kh_buf_append(t, sd + tf->off, tf->len);
    if (!st && title_ok && body_ok)
        st = kh_buf_append(t, "\n\n", 2);
    if (!st && body_ok)
        st = kh_buf_append(t, sd + bf->off, bf->len);
    return st;
}

/* The place in a dateline field dl[0..*dn): what kh_clean_dateline finds
 * there, else the text before the first ',', '(' or " -", trimmed. Returns
 * its start and sets *dn to its length (0 when there is none). */
static const char *dateline_place(const char *dl, size_t *dn)
{
    size_t skip;
    kh_span place;
    if (kh_clean_dateline(dl, *dn, 0, &place, &skip) && place.len) {
        *dn = place.len;
        return dl + place.off;
    }
    size_t n = *dn, k = 0;
    while (k < n && dl[k] != ',' && dl[k] != '(' && !(dl[k] == ' ' && k + 1 < n && dl[k + 1] == '-'))
        k++;
    n = k;
    while (n && kh_is_space((unsigned char)dl[n - 1]))
        n--;
    while (n && kh_is_space((unsigned char)*dl)) {
        dl++;
        n--;
    }
    *dn = n;
    return dl;
}

/* The story's id (id, else Reuters' newid; a string or a number), url,
 * publisher (source) and dateline place, copied from the fields decoded in
 * sd into the arena a. Returns nonzero when out of memory. */
static int story_meta(kh_arena *a, const char *sd, const jfield *fields, kh_story *s)
{
    const jfield *idf = fields[F_ID].type == J_STRING || fields[F_ID].type == J_NUMBER
                            ? &fields[F_ID]
                            : fields[F_NEWID].type == J_STRING || fields[F_NEWID].type == J_NUMBER
                                  ? &fields[F_NEWID]
                                  : NULL;
    int nomem = 0;
    if (idf && idf->len) {
        s->id = kh_arena_strndup(a, sd + idf->off, idf->len);
        nomem |= !s->id;
    }
    if (fields[F_URL].type == J_STRING && fields[F_URL].len) {
        s->url = kh_arena_strndup(a, sd + fields[F_URL].off, fields[F_URL].len);
        nomem |= !s->url;
    }
    if (fields[F_SOURCE].type == J_STRING && fields[F_SOURCE].len) {
        s->publisher = kh_arena_strndup(a, sd + fields[F_SOURCE].off, fields[F_SOURCE].len);
        nomem |= !s->publisher;
    }
    if (fields[F_DATELINE].type == J_STRING && has_text(sd + fields[F_DATELINE].off, fields[F_DATELINE].len)) {
        size_t dn = fields[F_DATELINE].len;
        const char *dl = dateline_place(sd + fields[F_DATELINE].off, &dn);
        if (dn) {
            s->dateline = kh_arena_strndup(a, dl, dn);
            nomem |= !s->dateline;
        }
    }
    return nomem;
}

/* The story's date from the date field df (decoded in sd): ISO 8601 or
 * YYYYMMDD, else Reuters' form; one not understood leaves the default date,
 * with a warning for line no. */
static void story_date(kh_reader *r, size_t no, const char *sd, const jfield *df, kh_date *date)
{
    if (df->type != J_STRING || !has_text(sd + df->off, df->len))
        return;
    const char *ds = sd + df->off;
    size_t dn = df->len;
    if (kh_date_parse(ds, dn, date) != KH_OK && kh_read_reuters_date(ds, dn, date) != KH_OK) {
        memset(date, 0, sizeof *date);
        kh_read_diag(r, KH_SEV_WARNING, KH_ERR_FORMAT, no,
                     "date '%.*s' not understood; using the default date", (int)(dn > 40 ? 40 : dn), ds);
    }
}

static kh_status jsonl_line(kh_reader *r, const kh_line *ln)
{
    const char *p = ln->p;
    size_t len = ln->len;
    if (ln->no == 1 && len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
        p += 3;
        len -= 3;
    }
    if (!has_text(p, len))
        return KH_OK;
    kh_buf *sc = &((jsonl_state *)r->state)->scratch;
    kh_buf_clear(sc);
    if (kh_buf_append(sc, "", 0))
        return r->status = KH_ERR_NOMEM;
    jfield fields[F_COUNT];
    memset(fields, 0, sizeof fields);
    jp j;
    memset(&j, 0, sizeof j);
    j.s = (const unsigned char *)p;
    j.n = len;
    if (!parse_record(&j, sc, fields)) {
        if (j.st == KH_ERR_NOMEM)
            return r->status = KH_ERR_NOMEM;
        kh_read_reject(r, ln->no, "invalid JSON at column %zu: %s", j.err_at + 1, j.err);
        return KH_OK;
    }
    static const int title_f[] = {F_TITLE, F_HEADLINE};
    static const int body_f[] = {F_TEXT, F_BODY, F_CONTENT, F_ARTICLE};
    const jfield *tf = first_string(fields, title_f, 2);
    const jfield *bf = first_string(fields, body_f, 4);
    const char *sd = sc->data;
    int title_ok = tf && has_text(sd + tf->off, tf->len);
    int body_ok = bf && has_text(sd + bf->off, bf->len);
    if (!title_ok && !body_ok) {
        /* no text field at all is a schema mismatch (rejected); empty ones
         * are an empty story, skipped with a warning */
        if (tf || bf)
            kh_read_diag(r, KH_SEV_WARNING, KH_ERR_FORMAT, ln->no, "empty story text, record skipped");
        else
            kh_read_reject(r, ln->no, "no story text (\"text\", \"title\" or \"body\"), record skipped");
        return KH_OK;
    }
    kh_status st = story_text(r, sd, tf, title_ok, bf, body_ok);
    if (st == KH_ERR_LIMIT) {
        kh_read_reject(r, ln->no, "story too large (more than %zu bytes), record skipped",
                       r->opt.limits.max_story);
        return KH_OK;
    }
    if (st)
        return r->status = st;
    kh_story s;
    memset(&s, 0, sizeof s);
    s.line = ln->no;
    s.input_offset = ln->off;
    s.raw = 0;
    if (story_meta(&r->arena, sd, fields, &s)) {
        kh_arena_reset(&r->arena);
        return r->status = KH_ERR_NOMEM;
    }
    story_date(r, ln->no, sd, &fields[F_DATE], &s.date);
    kh_clean_in in;
    memset(&in, 0, sizeof in);
    in.text = r->story.data;
    in.len = r->story.len;
    in.flags = KH_CLEAN_FILTER | KH_CLEAN_INDENT;
    if (title_ok) {
        in.has_title = 1;
        in.title.off = 0;
        in.title.len = tf->len;
    } else {
        in.flags |= KH_CLEAN_HEADLINE;
    }
    return kh_read_emit(r, &s, &in);
}

static kh_status jsonl_open(kh_reader *r)
{
    kh_buf_init(&((jsonl_state *)r->state)->scratch, r->alloc, r->opt.limits.max_line);
    return KH_OK;
}

static void jsonl_close(kh_reader *r) { kh_buf_free(&((jsonl_state *)r->state)->scratch); }

/* Detected by a '{' opening the first line. */
static int jsonl_detect(const char *p, size_t n, int final)
{
    KH_UNUSED(final);
    return n && p[0] == '{' ? KH_DETECT_YES : KH_DETECT_NO;
}

static const char *const jsonl_aliases[] = {"json", "ndjson", NULL};

const kh_read_format kh_read_jsonl = {
    KH_INPUT_JSONL, "jsonl", jsonl_aliases, jsonl_detect, sizeof(jsonl_state),
    jsonl_open, jsonl_line, NULL, NULL, jsonl_close,
};
