/*
 * clean.c: stage 2, cleaning one story (see clean.h). The rules, general
 * and table-driven, never tuned to one file:
 *
 *   lines      a line is trimmed of spaces, tabs, \r and no-break spaces;
 *              a paragraph is a run of non-blank lines (and, with
 *              KH_CLEAN_INDENT, an indented line starts a new one, as in
 *              wire copy, unless every line is indented);
 *   headline   with KH_CLEAN_HEADLINE, the first line when it is
 *              headline-like (kh_clean_headline_like: short, 2-30 words,
 *              starts with a capital, digit or quote, does not end in . , ;
 *              : or a dash, no credit) and more text follows;
 *   filter     with KH_CLEAN_FILTER, each other line is
 *              - dropped when it repeats the headline;
 *              - dropped when it is a site marker (1-3 capitals like "TT",
 *                or "Advertisement", "Read more", "Share", the wire's
 *                "Reuter" sign-off, ...);
 *              - a caption when it ends in a photo credit ("(Photo by ... /
 *                AFP)", "(Reuters)", "(AP Photo/...)", "Getty Images",
 *                "/ Reuters", "(Reporting by ...)") or starts "Photo:";
 *              - a caption when the same line (20 bytes or more) repeats on
 *                the next line (then every occurrence is one): scraped pages
 *                print photo captions twice in a row;
 *              - else body text;
 *   units      the headline, then each run of body lines of a paragraph; a
 *              dropped or caption line ends a run, so a unit never holds
 *              one and a sentence never crosses one;
 *   dateline   the first body unit loses a leading dateline ("TEHRAN
 *              (Reuters) -", "WASHINGTON, March 3 (AP) --", "SALVADOR, Feb
 *              26 -") and its place becomes the story's dateline;
 *   captions   each distinct caption once, in text order.
 */
#include <stdlib.h>

#include "clean/clean.h"

enum { L_BLANK = 0, L_BODY, L_TITLE, L_DROP, L_CAPTION };

typedef struct cl_line {
    size_t off, len; /* trimmed content */
    uint64_t hash;
    unsigned char kind;
    unsigned char indent;
    unsigned char dup; /* a caption seen before: not listed again */
} cl_line;

typedef struct cl_key {
    uint64_t hash;
    size_t idx;
} cl_key;

/* ---- small byte helpers ---- */

/* Spaces and control bytes other than NUL and \n: a line holding only
 * those (wire copy ends with "\x03") is blank. */
static int is_hspace(unsigned char c)
{
    return c == ' ' || (c < 0x20 && c != 0 && c != '\n') || c == 0x7f;
}

/* Trims spaces, control bytes and U+00A0 (C2 A0) from both ends. */
static void trim(const char *p, size_t *off, size_t *len)
{
    size_t a = *off, b = *off + *len;
    for (;;) {
        if (a < b && is_hspace((unsigned char)p[a]))
            a++;
        else if (a + 1 < b && (unsigned char)p[a] == 0xC2 && (unsigned char)p[a + 1] == 0xA0)
            a += 2;
        else
            break;
    }
    for (;;) {
        if (b > a && is_hspace((unsigned char)p[b - 1]))
            b--;
        else if (b >= a + 2 && (unsigned char)p[b - 2] == 0xC2 && (unsigned char)p[b - 1] == 0xA0)
            b -= 2;
        else
            break;
    }
    *off = a;
    *len = b - a;
}

static void trim_slice(const char **p, size_t *len)
{
    size_t off = 0, l = *len;
    trim(*p, &off, &l);
    *p += off;
    *len = l;
}

static int starts_nocase(const char *p, size_t len, const char *s)
{
    /* The first byte first: most lines differ there, and strlen costs more. */
    if (len && s[0] && kh_to_lower((unsigned char)p[0]) != kh_to_lower((unsigned char)s[0]))
        return 0;
    size_t n = strlen(s);
    return len >= n && kh_eq_nocase(p, n, s, n);
}

static int contains_nocase(const char *p, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= len; i++)
        if (kh_to_lower((unsigned char)p[i]) == kh_to_lower((unsigned char)s[0]) &&
            kh_eq_nocase(p + i, n, s, n))
            return 1;
    return 0;
}

/* ---- the line tests ---- */

#define KH_LIT(s) {s, sizeof s - 1}
static const struct {
    const char *s;
    size_t n; /* its length */
} markers[] = {
    KH_LIT("advertisement"), KH_LIT("advertisements"), KH_LIT("sponsored"),
    KH_LIT("sponsored content"), KH_LIT("read more"), KH_LIT("read also"), KH_LIT("see also"),
    KH_LIT("share"), KH_LIT("share this"), KH_LIT("share this article"),
    KH_LIT("share on facebook"), KH_LIT("share on twitter"), KH_LIT("continue reading"),
    KH_LIT("skip advertisement"), KH_LIT("story continues below advertisement"),
    KH_LIT("scroll to continue with content"), KH_LIT("related"), KH_LIT("related articles"),
    KH_LIT("related stories"), KH_LIT("related news"), KH_LIT("more"), KH_LIT("print"),
    KH_LIT("email"), KH_LIT("tweet"), KH_LIT("subscribe"), KH_LIT("listen"),
    KH_LIT("listen to this article"), KH_LIT("comments"), KH_LIT("show comments"),
    KH_LIT("click here"), KH_LIT("most read"), KH_LIT("trending"), KH_LIT("reuter"), /* the last: Reuters' sign-off */
};

int kh_clean_is_marker(const char *p, size_t len)
{
    trim_slice(&p, &len);
    if (len == 0)
        return 0;
    if (len <= 3) {
        size_t i = 0;
        while (i < len && kh_is_upper((unsigned char)p[i]))
            i++;
        if (i == len)
            return 1;
    }
    while (len && (p[len - 1] == ':' || p[len - 1] == '.' || p[len - 1] == '>'))
        len--;
    while (len && is_hspace((unsigned char)p[len - 1]))
        len--;
    if (len >= 3 && (unsigned char)p[len - 3] == 0xE2 && (unsigned char)p[len - 2] == 0x80 &&
        (unsigned char)p[len - 1] == 0xA6) /* a trailing ellipsis: "Read more..." */
        len -= 3;
    for (size_t i = 0; i < KH_ARRAY_LEN(markers); i++)
        if (len == markers[i].n && kh_eq_nocase(p, len, markers[i].s, len))
            return 1;
    return 0;
}

/* Credit names that, alone in final parentheses, mark a caption or credit. */
static const char *const agencies[] = {
    "reuters", "afp", "ap", "epa", "epa-efe", "efe", "xinhua", "anadolu", "anadolu agency",
    "aa", "dpa", "upi", "ansa", "getty", "getty images", "shutterstock", "irna", "wana",
    "sana", "kcna", "yonhap", "tass", "sputnik", "ria novosti", "file", "handout",
    "pool", "file photo", "ap photo", "reuters photo", "afp photo",
};

/* Line endings that are credits without parentheses, each with its length
 * (they are tested on every line of every story). */
static const struct {
    const char *s;
    size_t n;
} credit_ends[] = {
    KH_LIT("getty images"), KH_LIT("/ reuters"), KH_LIT("/reuters"), KH_LIT("/ afp"),
    KH_LIT("/afp"), KH_LIT("/ ap"), KH_LIT("/ap"), KH_LIT("/ epa"), KH_LIT("/epa"),
    KH_LIT("/ xinhua"), KH_LIT("/ anadolu"), KH_LIT("via reuters"), KH_LIT("via ap"),
    KH_LIT("via afp"), KH_LIT("photo: reuters"), KH_LIT("photo: afp"), KH_LIT("photo: ap"),
    KH_LIT("shutterstock"),
};
#undef KH_LIT

static int is_agency(const char *p, size_t len)
{
    trim_slice(&p, &len);
    for (size_t i = 0; i < KH_ARRAY_LEN(agencies); i++) {
        size_t n = strlen(agencies[i]);
        if (len == n && kh_eq_nocase(p, len, agencies[i], n))
            return 1;
    }
    return 0;
}

int kh_clean_is_caption(const char *p, size_t len)
{
    trim_slice(&p, &len);
    if (len < 3)
        return 0;
    if (starts_nocase(p, len, "photo:") || starts_nocase(p, len, "photo by ") ||
        starts_nocase(p, len, "file photo:") || starts_nocase(p, len, "(photo") ||
        starts_nocase(p, len, "photograph:"))
        return 1;
    if (p[len - 1] == ')') {
        size_t open = len - 1;
        while (open > 0 && p[open] != '(')
            open--;
        if (p[open] == '(') {
            const char *in = p + open + 1;
            size_t n = len - 2 - open;
            if (n <= 120) {
                if (contains_nocase(in, n, "photo") || contains_nocase(in, n, "getty") ||
                    starts_nocase(in, n, "reporting by") || starts_nocase(in, n, "writing by") ||
                    starts_nocase(in, n, "editing by") || starts_nocase(in, n, "credit:") ||
                    is_agency(in, n))
                    return 1;
                const char *slash = NULL;
                for (size_t i = 0; i < n; i++)
                    if (in[i] == '/')
                        slash = in + i;
                if (slash && is_agency(slash + 1, (size_t)(in + n - slash - 1)))
                    return 1;
            }
        }
    }
    /* len >= 3 here; the credit ends are lower case */
    int last = kh_to_lower((unsigned char)p[len - 1]);
    for (size_t i = 0; i < KH_ARRAY_LEN(credit_ends); i++) {
        size_t n = credit_ends[i].n;
        if (len >= n && last == credit_ends[i].s[n - 1] &&
            kh_eq_nocase(p + len - n, n, credit_ends[i].s, n))
            return 1;
    }
    return 0;
}

/* Bytes that may close a headline after its last word: quotes, brackets. */
static size_t strip_closers(const char *p, size_t len)
{
    for (;;) {
        if (len && (p[len - 1] == '"' || p[len - 1] == '\'' || p[len - 1] == ')' ||
                    p[len - 1] == ']' || p[len - 1] == '*'))
            len--;
        else if (len >= 3 && (unsigned char)p[len - 3] == 0xE2 && (unsigned char)p[len - 2] == 0x80 &&
                 ((unsigned char)p[len - 1] == 0x99 || (unsigned char)p[len - 1] == 0x9D))
            len -= 3; /* ’ ” */
        else if (len >= 2 && (unsigned char)p[len - 2] == 0xC2 && (unsigned char)p[len - 1] == 0xBB)
            len -= 2; /* » */
        else
            return len;
    }
}

int kh_clean_headline_like(const char *p, size_t len)
{
    trim_slice(&p, &len);
    if (len < 2 || len > 200)
        return 0;
    unsigned char c0 = (unsigned char)p[0];
    if (!(kh_is_upper(c0) || kh_is_digit(c0) || c0 == '"' || c0 == '\'' || c0 >= 0x80))
        return 0;
    size_t words = 0, letters = 0;
    int in_word = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 && c != '\t')
            return 0; /* control bytes, NUL: binary junk is no headline */
        if (kh_is_alpha(c) || c >= 0x80)
            letters++;
        if (c == ' ' || c == '\t') {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            words++;
        }
    }
    if (words < 2 || words > 30 || letters < 2)
        return 0;
    size_t l = strip_closers(p, len);
    if (!l)
        return 0;
    unsigned char last = (unsigned char)p[l - 1];
    if (last == '.' || last == ',' || last == ';' || last == ':' || last == '-')
        return 0;
    if (l >= 3 && (unsigned char)p[l - 3] == 0xE2 && (unsigned char)p[l - 2] == 0x80 &&
        ((unsigned char)p[l - 1] == 0x94 || (unsigned char)p[l - 1] == 0x93))
        return 0; /* ends in a dash: a dateline or a cut line */
    if (kh_clean_is_caption(p, len) || kh_clean_is_marker(p, len))
        return 0;
    kh_span place;
    size_t skip;
    if (kh_clean_dateline(p, len, 1, &place, &skip))
        return 0;
    return 1;
}

/* ---- datelines ---- */

/* A month name (full or abbreviated, optional '.') and a day: returns the
 * bytes used, 0 when there is none. */
static size_t month_day(const char *p, size_t len)
{
    size_t i = 0;
    while (i < len && kh_is_alpha((unsigned char)p[i]))
        i++;
    if (!kh_month_find(p, i, KH_MONTH_FULL | KH_MONTH_ABBR | KH_MONTH_SEPT) ||
        !kh_is_upper((unsigned char)p[0]))
        return 0;
    if (i < len && p[i] == '.')
        i++;
    while (i < len && p[i] == ' ')
        i++;
    size_t d = i;
    while (i < len && kh_is_digit((unsigned char)p[i]) && i - d < 2)
        i++;
    if (i == d || (i < len && kh_is_digit((unsigned char)p[i])))
        return 0;
    /* an optional ", 1987" */
    if (i + 6 <= len && p[i] == ',' && p[i + 1] == ' ' && kh_is_digit((unsigned char)p[i + 2]) &&
        kh_is_digit((unsigned char)p[i + 3]) && kh_is_digit((unsigned char)p[i + 4]) &&
        kh_is_digit((unsigned char)p[i + 5]) && (i + 6 == len || !kh_is_digit((unsigned char)p[i + 6])))
        i += 6;
    return i;
}

/* A place word of a dateline: capitals (and . ' - & and UTF-8), no
 * lower-case ASCII letter. Returns its length and counts its capitals. */
static size_t place_word(const char *p, size_t len, size_t *caps)
{
    size_t i = 0;
    if (!len || !(kh_is_upper((unsigned char)p[0]) || (unsigned char)p[0] >= 0xC0))
        return 0;
    while (i < len) {
        unsigned char c = (unsigned char)p[i];
        if (kh_is_upper(c)) {
            (*caps)++;
        } else if (kh_is_lower(c)) {
            return 0;
        } else if (!(c == '.' || c == '\'' || c == '-' || c == '&' || c >= 0x80)) {
            break;
        }
        i++;
    }
    return i;
}

/* A capitalised region word after a comma: "Lebanon", "Calif." */
static size_t region_word(const char *p, size_t len)
{
    size_t i = 0;
    if (!len || !kh_is_upper((unsigned char)p[0]))
        return 0;
    i = 1;
    while (i < len && (kh_is_alpha((unsigned char)p[i]) || p[i] == '.' || p[i] == '\'' || p[i] == '-'))
        i++;
    return i;
}

static size_t dash_at(const char *p, size_t len)
{
    if (len >= 2 && p[0] == '-' && p[1] == '-')
        return 2;
    if (len >= 1 && p[0] == '-')
        return 1;
    if (len >= 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
        ((unsigned char)p[2] == 0x94 || (unsigned char)p[2] == 0x93))
        return 3;
    return 0;
}

int kh_clean_dateline(const char *p, size_t len, int need_dash, kh_span *place, size_t *skip)
{
    size_t i = 0, caps = 0;
    while (i < len && (p[i] == ' ' || p[i] == '\t'))
        i++;
    size_t ps = i, pe = i;
    for (;;) {
        size_t w = place_word(p + i, len - i, &caps);
        if (!w)
            break;
        i += w;
        pe = i;
        if (i + 1 < len && p[i] == ' ' && (kh_is_upper((unsigned char)p[i + 1]) ||
                                            (unsigned char)p[i + 1] >= 0xC0)) {
            size_t save = caps;
            size_t w2 = place_word(p + i + 1, len - i - 1, &caps);
            caps = save;
            if (w2 && !(w2 == 1 && !kh_is_upper((unsigned char)p[i + 1])))
                i++;
            else
                break;
        } else {
            break;
        }
    }
    while (pe > ps && (p[pe - 1] == '.' || p[pe - 1] == '-' || p[pe - 1] == '\''))
        pe--;
    i = pe;
    int has_place = pe > ps && caps >= 2;
    if (pe > ps && !has_place)
        return 0;
    int date = 0, agency = 0, region = 0;
    for (int g = 0; g < 3 && has_place && i < len && p[i] == ','; g++) {
        size_t j = i + 1;
        while (j < len && p[j] == ' ')
            j++;
        size_t m = month_day(p + j, len - j);
        if (m) {
            date = 1;
            i = j + m;
            continue;
        }
        size_t w = region_word(p + j, len - j);
        if (!w)
            return 0;
        j += w;
        while (j + 1 < len && p[j] == ' ' && kh_is_upper((unsigned char)p[j + 1])) {
            size_t w2 = region_word(p + j + 1, len - j - 1);
            if (!w2)
                break;
            j += 1 + w2;
        }
        region = 1;
        i = j;
    }
    size_t j = i;
    while (j < len && p[j] == ' ')
        j++;
    if (j < len && p[j] == '(') {
        size_t k = j + 1;
        while (k < len && k - j <= 40 && p[k] != ')' && p[k] != '(' && p[k] != '\n')
            k++;
        if (k < len && p[k] == ')' && k > j + 1) {
            agency = 1;
            i = k + 1;
        }
    }
    if (!has_place && !agency)
        return 0;
    j = i;
    while (j < len && p[j] == ' ')
        j++;
    size_t d = dash_at(p + j, len - j);
    if (d) {
        j += d;
        if (j < len && !kh_is_space((unsigned char)p[j]))
            return 0; /* "TEHRAN-based": no dateline */
        while (j < len && kh_is_space((unsigned char)p[j]))
            j++;
    } else {
        if (need_dash)
            return 0;
        j = i;
    }
    /* a bare "PLACE -" needs a place of some length and text after it */
    if (need_dash && !agency && !date && !region) {
        if (pe - ps < 3 || j >= len)
            return 0;
    }
    if (region && !agency && !date && need_dash)
        return 0; /* "PARIS, Texas -" is too weak without an agency or a date */
    place->off = has_place ? ps : 0;
    place->len = has_place ? pe - ps : 0;
    *skip = j;
    return 1;
}

/* ---- the cleaner ---- */

static int key_cmp(const void *a, const void *b)
{
    const cl_key *x = (const cl_key *)a, *y = (const cl_key *)b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int same_line(const char *t, const cl_line *a, const cl_line *b)
{
    return a->len == b->len && !memcmp(t + a->off, t + b->off, a->len);
}

/* Marks lines whose content occurs more than once among `keys` (sorted by
 * hash, then position). As captions: every occurrence of a line that at
 * least once repeats on the very next line (scraped pages print a caption
 * twice in a row; wire copy that repeats a paragraph further down is not a
 * caption). As dedupe: the later occurrences are flagged `dup`. Each line is
 * compared with the first of its hash run only, so this stays linear
 * however often a line repeats (a 64-bit hash collision merely misses a
 * repeat). */
static void mark_repeats(const char *t, cl_line *lines, cl_key *keys, size_t n, int as_caption)
{
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && keys[j].hash == keys[i].hash)
            j++;
        cl_line *first = &lines[keys[i].idx];
        int adjacent = 0;
        size_t prev = keys[i].idx;
        for (size_t b = i + 1; b < j; b++) {
            cl_line *lb = &lines[keys[b].idx];
            if (!same_line(t, first, lb))
                continue;
            if (keys[b].idx == prev + 1)
                adjacent = 1;
            prev = keys[b].idx;
            if (!as_caption)
                lb->dup = 1;
        }
        if (as_caption && adjacent) {
            first->kind = L_CAPTION;
            for (size_t b = i + 1; b < j; b++)
                if (same_line(t, first, &lines[keys[b].idx]))
                    lines[keys[b].idx].kind = L_CAPTION;
        }
        i = j;
    }
}

/* Hashes the lines of kind `kind` and at least min_len bytes into keys
 * (room for all of them), sorts them and marks their repeats
 * (mark_repeats, as captions or as dedupe). */
static void find_repeats(const char *t, cl_line *lines, size_t nl, cl_key *keys, unsigned char kind,
                         size_t min_len, int as_caption)
{
    size_t k = 0;
    for (size_t i = 0; i < nl; i++) {
        if (lines[i].kind == kind && lines[i].len >= min_len) {
            keys[k].hash = kh_hash64(t + lines[i].off, lines[i].len, 0);
            keys[k].idx = i;
            k++;
        }
    }
    qsort(keys, k, sizeof *keys, key_cmp);
    mark_repeats(t, lines, keys, k, as_caption);
}

/* The units a back end already knows (TABARI: text minus comment blocks),
 * copied into the arena. */
static kh_status copy_units(kh_arena *arena, const kh_clean_in *in, kh_clean_out *out)
{
    out->units = (kh_unit *)kh_arena_alloc(arena, (in->n_units ? in->n_units : 1) * sizeof(kh_unit));
    if (!out->units)
        return KH_ERR_NOMEM;
    if (in->n_units)
        memcpy(out->units, in->units, in->n_units * sizeof(kh_unit));
    out->n_units = in->n_units;
    return KH_OK;
}

/* The lines of t[start..n), trimmed, each blank or body, with whether it is
 * indented (a tab or two spaces); *cap is one more than the newlines, the
 * most lines there can be, and *nl the lines found. NULL when out of
 * memory. */
static cl_line *split_lines(kh_arena *arena, const char *t, size_t n, size_t start, size_t *cap,
                            size_t *nl)
{
    *cap = 1;
    for (const char *q = t + start; (q = (const char *)memchr(q, '\n', (size_t)(t + n - q))) != NULL; q++)
        (*cap)++;
    cl_line *lines = (cl_line *)kh_arena_calloc(arena, *cap, sizeof(cl_line));
    *nl = 0;
    if (!lines)
        return NULL;
    for (size_t pos = start; pos <= n && *nl < *cap;) {
        const char *e = (const char *)memchr(t + pos, '\n', n - pos);
        size_t end = e ? (size_t)(e - t) : n;
        cl_line *l = &lines[(*nl)++];
        l->off = pos;
        l->len = end - pos;
        l->indent = (unsigned char)(l->len && (t[pos] == '\t' ||
                                              (l->len >= 2 && t[pos] == ' ' && t[pos + 1] == ' ')));
        trim(t, &l->off, &l->len);
        l->kind = l->len ? L_BODY : L_BLANK;
        if (!e)
            break;
        pos = end + 1;
    }
    return lines;
}

/* With KH_CLEAN_HEADLINE: the first non-blank line is the headline when it
 * is headline-like and another non-blank line follows; marks it L_TITLE
 * and sets *title. Returns whether there is one. */
static int find_headline(const char *t, cl_line *lines, size_t nl, kh_span *title)
{
    size_t i = 0;
    while (i < nl && lines[i].kind == L_BLANK)
        i++;
    size_t k = i + 1;
    while (k < nl && lines[k].kind == L_BLANK)
        k++;
    if (i < nl && k < nl && kh_clean_headline_like(t + lines[i].off, lines[i].len)) {
        lines[i].kind = L_TITLE;
        title->off = lines[i].off;
        title->len = lines[i].len;
        return 1;
    }
    return 0;
}

/* With KH_CLEAN_FILTER: drops the body lines that repeat the headline (when
 * has_title) or are site markers, and makes captions of those that end in
 * a credit or that repeat on the next line (20 bytes or more). */
static kh_status filter_lines(kh_arena *arena, const char *t, cl_line *lines, size_t nl,
                              int has_title, kh_span title)
{
    size_t n_rep = 0;
    for (size_t i = 0; i < nl; i++) {
        cl_line *l = &lines[i];
        if (l->kind != L_BODY)
            continue;
        const char *s = t + l->off;
        if (has_title && l->len == title.len && !memcmp(s, t + title.off, l->len))
            l->kind = L_DROP;
        else if (kh_clean_is_marker(s, l->len))
            l->kind = L_DROP;
        else if (kh_clean_is_caption(s, l->len))
            l->kind = L_CAPTION;
        else if (l->len >= 20)
            n_rep++;
    }
    if (n_rep > 1) {
        cl_key *keys = (cl_key *)kh_arena_alloc(arena, n_rep * sizeof(cl_key));
        if (!keys)
            return KH_ERR_NOMEM;
        find_repeats(t, lines, nl, keys, L_BODY, 20, 1);
    }
    return KH_OK;
}

/* Does an indented line start a paragraph (KH_CLEAN_INDENT)? Only when some
 * body lines are indented and some are not. */
static int indent_breaks_paragraphs(const cl_line *lines, size_t nl)
{
    size_t n_body = 0, n_indented = 0;
    for (size_t i = 0; i < nl; i++) {
        if (lines[i].kind == L_BODY) {
            n_body++;
            n_indented += lines[i].indent;
        }
    }
    return n_indented && n_indented < n_body;
}

/* Appends to units[*nu..] one body unit per run of body lines; any other
 * line ends a run, and so does an indented line when indent_breaks. */
static void body_units(const cl_line *lines, size_t nl, int indent_breaks, kh_unit *units,
                       size_t *nu)
{
    int open = 0;
    for (size_t i = 0; i < nl; i++) {
        const cl_line *l = &lines[i];
        if (l->kind != L_BODY || (open && indent_breaks && l->indent)) {
            open = 0;
            if (l->kind != L_BODY)
                continue;
        }
        if (open) {
            units[*nu - 1].span.len = l->off + l->len - units[*nu - 1].span.off;
        } else {
            units[*nu].kind = KH_UNIT_BODY;
            units[*nu].span.off = l->off;
            units[*nu].span.len = l->len;
            (*nu)++;
            open = 1;
        }
    }
}

/* Strips a leading dateline from the body unit units[first_body] (there is
 * one), its place becoming out's dateline; a unit left empty is removed
 * from units[..*nu). */
static void strip_dateline(const char *t, kh_unit *units, size_t first_body, size_t *nu,
                           kh_clean_out *out)
{
    kh_unit *u = &units[first_body];
    kh_span place;
    size_t skip;
    if (!kh_clean_dateline(t + u->span.off, u->span.len, 1, &place, &skip))
        return;
    if (place.len) {
        out->has_dateline = 1;
        out->dateline.off = u->span.off + place.off;
        out->dateline.len = place.len;
    }
    u->span.off += skip;
    u->span.len -= skip;
    trim(t, &u->span.off, &u->span.len);
    if (!u->span.len) {
        memmove(u, u + 1, (*nu - first_body - 1) * sizeof *u);
        (*nu)--;
    }
}

/* out's captions: each distinct caption line once, in text order. */
static kh_status collect_captions(kh_arena *arena, const char *t, cl_line *lines, size_t nl,
                                  kh_clean_out *out)
{
    size_t n_caption = 0;
    for (size_t i = 0; i < nl; i++)
        n_caption += lines[i].kind == L_CAPTION;
    if (!n_caption)
        return KH_OK;
    cl_key *keys = (cl_key *)kh_arena_alloc(arena, n_caption * sizeof(cl_key));
    kh_span *caps = (kh_span *)kh_arena_alloc(arena, n_caption * sizeof(kh_span));
    if (!keys || !caps)
        return KH_ERR_NOMEM;
    find_repeats(t, lines, nl, keys, L_CAPTION, 0, 0);
    size_t nc = 0;
    for (size_t i = 0; i < nl; i++) {
        if (lines[i].kind == L_CAPTION && !lines[i].dup) {
            caps[nc].off = lines[i].off;
            caps[nc].len = lines[i].len;
            nc++;
        }
    }
    out->captions = caps;
    out->n_captions = nc;
    return KH_OK;
}

kh_status kh_clean(kh_arena *arena, const kh_clean_in *in, kh_clean_out *out)
{
    memset(out, 0, sizeof *out);
    const char *t = in->text;
    size_t n = in->len;
    if (in->units)
        return copy_units(arena, in, out);
    size_t start = 0;
    if (in->has_title) {
        start = in->title.off + in->title.len;
        if (start > n)
            start = n;
    }
    size_t cap, nl;
    cl_line *lines = split_lines(arena, t, n, start, &cap, &nl);
    kh_unit *units = (kh_unit *)kh_arena_alloc(arena, (cap + 1) * sizeof(kh_unit));
    if (!lines || !units)
        return KH_ERR_NOMEM;
    /* headline */
    int has_title = in->has_title;
    kh_span title = in->title;
    if (has_title) {
        trim(t, &title.off, &title.len);
        if (!title.len)
            has_title = 0;
    } else if (in->flags & KH_CLEAN_HEADLINE) {
        has_title = find_headline(t, lines, nl, &title);
    }
    kh_status st;
    if ((in->flags & KH_CLEAN_FILTER) && (st = filter_lines(arena, t, lines, nl, has_title, title)))
        return st;
    int indent_breaks = (in->flags & KH_CLEAN_INDENT) && indent_breaks_paragraphs(lines, nl);
    /* units: the headline, then the paragraphs */
    size_t nu = 0;
    if (has_title) {
        units[nu].kind = KH_UNIT_HEADLINE;
        units[nu].span = title;
        nu++;
    }
    size_t first_body = nu;
    body_units(lines, nl, indent_breaks, units, &nu);
    if ((in->flags & KH_CLEAN_FILTER) && first_body < nu)
        strip_dateline(t, units, first_body, &nu, out);
    out->units = units;
    out->n_units = nu;
    out->has_title = has_title;
    out->title = title;
    return collect_captions(arena, t, lines, nl, out);
}
