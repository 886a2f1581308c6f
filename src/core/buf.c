/*
 * buf.c: a growable byte buffer with a named cap, used by readers (line
 * assembly), sinks (record formatting) and the dictionary compiler. Every
 * growth is checked against the cap before any arithmetic can overflow;
 * output formatting avoids printf in the hot paths (kh_buf_put_u64).
 */
#include <math.h>
#include <stdio.h>

#include "core.h"

void kh_buf_init(kh_buf *b, const kh_allocator *alloc, size_t cap)
{
    b->alloc = alloc;
    b->data = NULL;
    b->len = 0;
    b->size = 0;
    b->cap = cap ? cap : SIZE_MAX / 2;
}

kh_status kh_buf_reserve(kh_buf *b, size_t extra)
{
    size_t need;
    if (!kh_add_ok(b->len, extra, &need) || need > b->cap)
        return KH_ERR_LIMIT;
    need += 1; /* room for the NUL */
    if (need <= b->size)
        return KH_OK;
    size_t size = b->size ? b->size : 256;
    while (size < need)
        size = size > SIZE_MAX / 4 ? need : size * 2;
    /* Never hold more than the cap allows (doubling could overshoot it). */
    if (b->cap < SIZE_MAX / 2 && size > b->cap + 1)
        size = b->cap + 1;
    char *p = (char *)kh_realloc(b->alloc, b->data, size);
    if (!p)
        return KH_ERR_NOMEM;
    b->data = p;
    b->size = size;
    return KH_OK;
}

kh_status kh_buf_append(kh_buf *b, const char *s, size_t len)
{
    kh_status st = kh_buf_reserve(b, len);
    if (st)
        return st;
    if (len)
        memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
    return KH_OK;
}

kh_status kh_buf_putc(kh_buf *b, char c)
{
    if (KH_LIKELY(b->len + 1 < b->size)) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return KH_OK;
    }
    return kh_buf_append(b, &c, 1);
}

kh_status kh_buf_puts(kh_buf *b, const char *s)
{
    return kh_buf_append(b, s, strlen(s));
}

kh_status kh_buf_printf(kh_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return KH_ERR_INVALID;
    if ((size_t)n < sizeof small)
        return kh_buf_append(b, small, (size_t)n);
    kh_status st = kh_buf_reserve(b, (size_t)n);
    if (st)
        return st;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return KH_OK;
}

/* Writes the decimal digits of v at out (room for 20); returns how many. */
static size_t u64_digits(char *out, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    memcpy(out, tmp + i, sizeof tmp - i);
    return sizeof tmp - i;
}

kh_status kh_buf_put_u64(kh_buf *b, uint64_t v)
{
    char tmp[24];
    return kh_buf_append(b, tmp, u64_digits(tmp, v));
}

kh_status kh_buf_put_i64(kh_buf *b, int64_t v)
{
    if (v < 0) {
        kh_status st = kh_buf_putc(b, '-');
        if (st)
            return st;
        return kh_buf_put_u64(b, (uint64_t)(-(v + 1)) + 1);
    }
    return kh_buf_put_u64(b, (uint64_t)v);
}

/* kh_buf_put_num without printf, for the usual case: a value whose
 * scaled form v * 10^decimals lies well inside the integers and not within
 * a millionth of a rounding tie, so rounding it here gives the digits
 * printf would. Returns 0 (nothing written) otherwise. */
static size_t num_fast(char *out, double v, int decimals)
{
    static const double scale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    if (decimals < 0 || decimals > 6 || !(v > -1e9 && v < 1e9))
        return 0;
    double t = v * scale[decimals];
    double r = floor(t + 0.5);
    if (fabs(t - r) > 0.5 - 1e-6)
        return 0;
    static const uint64_t pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    uint64_t u = (uint64_t)(r < 0 ? -r : r);
    uint64_t ip = u / pow10[decimals], fp = u % pow10[decimals];
    size_t n = 0;
    if (r < 0) /* "-0" is written "0" */
        out[n++] = '-';
    n += u64_digits(out + n, ip);
    if (fp) { /* the fraction's digits without its trailing zeros */
        int d = decimals;
        while (fp % 10 == 0)
            fp /= 10, d--;
        out[n++] = '.';
        for (int i = d; i-- > 0; fp /= 10)
            out[n + (size_t)i] = (char)('0' + fp % 10);
        n += (size_t)d;
    }
    return n;
}

kh_status kh_buf_put_num(kh_buf *b, double v, int decimals)
{
    if (!isfinite(v))
        return kh_buf_append(b, "null", 4);
    char tmp[48];
    size_t fast = num_fast(tmp, v, decimals);
    if (fast)
        return kh_buf_append(b, tmp, fast);
    snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    size_t n = strlen(tmp);
    if (memchr(tmp, '.', n)) {
        while (n > 0 && tmp[n - 1] == '0')
            n--;
        if (n > 0 && tmp[n - 1] == '.')
            n--;
    }
    if (n == 2 && tmp[0] == '-' && tmp[1] == '0')
        tmp[0] = '0', n = 1;
    return kh_buf_append(b, tmp, n);
}

kh_status kh_buf_json_str(kh_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        /* Copy the longest run of bytes that need no escaping at once. */
        size_t run = i;
        while (run < len && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
            run++;
        if (run > i) {
            kh_status st = kh_buf_append(b, s + i, run - i);
            if (st)
                return st;
            i = run;
            continue;
        }
        unsigned char c = p[i];
        char esc[8];
        size_t n = 0;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            n = 2;
        } else if (c < 0x20) {
            esc[0] = '\\';
            switch (c) {
            case '\n': esc[1] = 'n'; n = 2; break;
            case '\r': esc[1] = 'r'; n = 2; break;
            case '\t': esc[1] = 't'; n = 2; break;
            case '\b': esc[1] = 'b'; n = 2; break;
            case '\f': esc[1] = 'f'; n = 2; break;
            default:
                esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
                esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
                n = 6;
            }
        } else {
            uint32_t cp;
            int valid;
            size_t k = kh_utf8_decode(p + i, len - i, &cp, &valid);
            kh_status st;
            if (valid)
                st = kh_buf_append(b, s + i, k);
            else
                st = kh_buf_append(b, "\xEF\xBF\xBD", 3);
            if (st)
                return st;
            i += k;
            continue;
        }
        kh_status st = kh_buf_append(b, esc, n);
        if (st)
            return st;
        i++;
    }
    return KH_OK;
}

kh_status kh_buf_json_qstr(kh_buf *b, const char *s, size_t len)
{
    if (!s)
        return kh_buf_append(b, "null", 4);
    kh_status st = kh_buf_putc(b, '"');
    if (!st)
        st = kh_buf_json_str(b, s, len);
    if (!st)
        st = kh_buf_putc(b, '"');
    return st;
}

void kh_buf_clear(kh_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void kh_buf_free(kh_buf *b)
{
    if (!b)
        return;
    kh_free(b->alloc, b->data);
    b->data = NULL;
    b->len = b->size = 0;
}
