/*
 * util.c: status strings, version, limits, UTF-8, case-insensitive hashing,
 * dates and whole-file reading: the small pieces every stage leans on.
 */
#include <errno.h>
#include <stdio.h>

#include "core.h"

const char *kh_version(void) { return KH_VERSION_STRING; }

const char *kh_strerror(kh_status status)
{
    switch (status) {
    case KH_OK: return "success";
    case KH_ERR_NOMEM: return "out of memory";
    case KH_ERR_INVALID: return "invalid argument";
    case KH_ERR_IO: return "input/output error";
    case KH_ERR_FORMAT: return "malformed input";
    case KH_ERR_LIMIT: return "limit exceeded";
    case KH_ERR_CORRUPT: return "corrupt or truncated image";
    case KH_ERR_VERSION: return "unsupported format version";
    case KH_ERR_NOTFOUND: return "not found";
    case KH_ERR_DB: return "event store error";
    }
    return "unknown status";
}

void kh_limits_fill(kh_limits *l)
{
    if (!l->max_line) l->max_line = KH_DEFAULT_MAX_LINE;
    if (!l->max_story) l->max_story = KH_DEFAULT_MAX_STORY;
    if (!l->max_sentences) l->max_sentences = KH_DEFAULT_MAX_SENTENCES;
    if (!l->max_tokens) l->max_tokens = KH_DEFAULT_MAX_TOKENS;
}

void kh_limits_default(kh_limits *limits)
{
    if (!limits)
        return;
    memset(limits, 0, sizeof *limits);
    kh_limits_fill(limits);
}

kh_status kh_error_set(kh_error *err, kh_status code, size_t line, size_t col,
                       const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->line = line;
    err->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

size_t kh_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp, int *valid)
{
    unsigned char c = s[0];
    *valid = 1;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if ((c & 0xE0) == 0xC0) { n = 2; v = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { n = 3; v = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { n = 4; v = c & 0x07; min = 0x10000; }
    else goto bad;
    if (n > len)
        goto bad;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            goto bad;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        goto bad;
    *cp = v;
    return n;
bad:
    *valid = 0;
    *cp = 0xFFFD;
    return 1;
}

size_t kh_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int kh_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (p[i] == 0)
            return 0;
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        int valid;
        i += kh_utf8_decode(p + i, len - i, &cp, &valid);
        if (!valid)
            return 0;
    }
    return 1;
}

uint64_t kh_hash64_lower(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = (const unsigned char *)data;
    uint64_t h = 0xcbf29ce484222325ULL ^ seed;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)kh_to_lower(p[i]);
        h *= 0x100000001b3ULL;
    }
    return h;
}

int kh_eq_nocase(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return 0;
    for (size_t i = 0; i < alen; i++)
        if (kh_to_lower((unsigned char)a[i]) != kh_to_lower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* ---------------------------------------------------------------------- */

int kh_date_valid(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int max = mdays[m - 1] + (m == 2 && leap);
    return d <= max;
}

int64_t kh_date_to_days(kh_date dt)
{
    /* Howard Hinnant's days_from_civil. */
    int64_t y = dt.year;
    int64_t m = dt.month, d = dt.day;
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

kh_date kh_date_from_days(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    kh_date out;
    out.year = (int16_t)(y + (m <= 2));
    out.month = (uint8_t)m;
    out.day = (uint8_t)d;
    return out;
}

int kh_date_weekday(kh_date d)
{
    int64_t days = kh_date_to_days(d); /* 1970-01-01 was a Thursday (3) */
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

static int parse_digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!kh_is_digit((unsigned char)s[i]))
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

kh_status kh_date_parse(const char *text, size_t len, kh_date *out)
{
    int y, m, d;
    if (!text || !out)
        return KH_ERR_INVALID;
    while (len && kh_is_space((unsigned char)*text)) {
        text++;
        len--;
    }
    while (len && kh_is_space((unsigned char)text[len - 1]))
        len--;
    if (len >= 10 && text[4] == '-' && text[7] == '-' && parse_digits(text, 4, &y) &&
        parse_digits(text + 5, 2, &m) && parse_digits(text + 8, 2, &d) &&
        (len == 10 || text[10] == 'T' || text[10] == ' ')) {
        /* YYYY-MM-DD, possibly followed by a time */
    } else if (len == 8 && parse_digits(text, 4, &y) && parse_digits(text + 4, 2, &m) &&
               parse_digits(text + 6, 2, &d)) {
        /* YYYYMMDD */
    } else if (len == 6 && parse_digits(text, 2, &y) && parse_digits(text + 2, 2, &m) &&
               parse_digits(text + 4, 2, &d)) {
        /* YYMMDD, TABARI's convention: 00-29 are 20xx, the rest 19xx */
        y += y < 30 ? 2000 : 1900;
    } else {
        return KH_ERR_FORMAT;
    }
    if (!kh_date_valid(y, m, d))
        return KH_ERR_FORMAT;
    out->year = (int16_t)y;
    out->month = (uint8_t)m;
    out->day = (uint8_t)d;
    return KH_OK;
}

void kh_story_from_text(kh_story *story, kh_unit *unit, const char *text, size_t len)
{
    memset(story, 0, sizeof *story);
    unit->kind = KH_UNIT_BODY;
    unit->span.off = 0;
    unit->span.len = len;
    story->id = "-";
    story->source = "-";
    story->text = text ? text : "";
    story->text_len = text ? len : 0;
    story->units = unit;
    story->n_units = text && len ? 1 : 0;
}

kh_status kh_file_read(const kh_allocator *a, const char *path, size_t cap, char **data,
                       size_t *len)
{
    return kh_file_read_id(a, path, cap, data, len, NULL);
}

kh_status kh_file_read_id(const kh_allocator *a, const char *path, size_t cap, char **data,
                          size_t *len, kh_file_id *id)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? KH_ERR_NOTFOUND : KH_ERR_IO;
    if (id && !kh_file_id_of_fd(fileno(f), id)) {
        int e = errno;
        fclose(f);
        errno = e;
        return KH_ERR_IO;
    }
    kh_buf buf;
    kh_buf_init(&buf, a, cap);
    char chunk[65536];
    size_t n;
    kh_status st = KH_OK;
    while (!st && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        st = kh_buf_append(&buf, chunk, n);
    if (!st && ferror(f))
        st = KH_ERR_IO;
    fclose(f);
    if (!st && !buf.data)
        st = kh_buf_reserve(&buf, 1);
    if (st) {
        kh_buf_free(&buf);
        return st;
    }
    *data = buf.data;
    *len = buf.len;
    return KH_OK;
}
