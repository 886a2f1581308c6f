/*
 * text.c: how the peer importers read the bytes of the peers' files as the
 * peers do: 8-bit text (TABARI's verbs and options files hold Latin-1 and
 * Windows-1252 bytes, read by TABARI as plain chars) decoded to UTF-8, so
 * it matches the text khaldun codes; the dates of date restrictions by
 * each peer's own rules; and raw lines for guessing a file's kind. Part
 * of the importer machinery (peer/import.h).
 */
#include <stdlib.h>

#include "peer/import.h"

/* Windows-1252's characters for 0x80-0x9f; 0 where it defines none (the
 * byte is then read as the Latin-1 control character of the same value). */
static const uint16_t cp1252[32] = {
    0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
    0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
    0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

kh_status kh_imp_decode(kh_dict_builder *b, const char *data, size_t len, char **out,
                        size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    /* Line by line: a file may mix UTF-8 lines with 8-bit ones. */
    int any = 0;
    for (size_t i = 0; i < len && !any;) {
        size_t e = i;
        while (e < len && data[e] != '\n')
            e++;
        any = !kh_utf8_valid(data + i, e - i);
        i = e + 1;
    }
    if (!any)
        return KH_OK;
    if (len > ((size_t)1 << 30))
        return KH_ERR_LIMIT;
    char *o = (char *)kh_malloc(b->alloc, len * 3 + 1);
    if (!o)
        return KH_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && data[e] != '\n')
            e++;
        if (kh_utf8_valid(data + i, e - i)) {
            memcpy(o + n, data + i, e - i);
            n += e - i;
        } else {
            for (size_t k = i; k < e; k++) {
                unsigned char c = (unsigned char)data[k];
                uint32_t cp = c >= 0x80 && c < 0xa0 && cp1252[c - 0x80] ? cp1252[c - 0x80] : c;
                n += kh_utf8_encode(cp, o + n);
            }
        }
        if (e < len)
            o[n++] = '\n';
        i = e + 1;
    }
    o[n] = '\0';
    *out = o;
    *out_len = n;
    return KH_OK;
}

/*
 * A date restriction's date to days, as the peer reads it. Both take
 * YY 00-30 as 20YY, else 19YY.
 * TABARI: YYMMDD (or YYYYMMDD), month 1-12, day 1-31 in any month: its
 * files write 31 for "end of month" (040931 is 30 September + 1, as its
 * day count gives), so a day past the month's end runs into the next.
 * PETRARCH (dstr_to_ordate): up to 7 digits is YYMMDD from the first six,
 * more is YYYYMMDD from the first eight; the day must exist.
 */
int kh_imp_date(kh_imp_dialect dialect, const char *s, size_t n, int32_t *out)
{
    int v[8] = {0};
    size_t use = n;
    if (dialect == KH_IMP_PETRARCH) {
        if (n < 6)
            return 0;
        use = n <= 7 ? 6 : 8;
    } else if (n != 6 && n != 8) {
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (!kh_is_digit((unsigned char)s[i]))
            return 0;
    for (size_t i = 0; i < use; i++)
        v[i] = s[i] - '0';
    int y, k = 0;
    if (use == 6) {
        y = v[0] * 10 + v[1];
        y += y <= 30 ? 2000 : 1900;
        k = 2;
    } else {
        y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
        k = 4;
    }
    int m = v[k] * 10 + v[k + 1], d = v[k + 2] * 10 + v[k + 3];
    if (dialect == KH_IMP_PETRARCH ? !kh_date_valid(y, m, d) : (m < 1 || m > 12 || d < 1 || d > 31))
        return 0;
    kh_date first = {(int16_t)y, (uint8_t)m, 1};
    *out = (int32_t)kh_date_to_days(first) + d - 1;
    return 1;
}

int kh_imp_raw_line(const char *data, size_t len, size_t *i, const char **t, size_t *tl)
{
    if (*i >= len)
        return 0;
    const char *l = data + *i;
    size_t ll = 0;
    while (*i + ll < len && data[*i + ll] != '\n')
        ll++;
    *i += ll + 1;
    *t = l;
    *tl = ll;
    kh_imp_trim(t, tl);
    return 1;
}
