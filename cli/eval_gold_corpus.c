/*
 * eval_gold_corpus.c: from a gold story's address (corpus, record) to the
 * JSON Lines story `khaldun read` would read for it, as tools/gold-units.py
 * builds it, from the shared corpora:
 *   reuters  the line of reuters21578/reuters21578.jsonl whose newid is the
 *            record, as is;
 *   satp     the line of satp/satp.jsonl whose id is the record, as is;
 *   agnews   data row N (1-based, the header is row 0) of
 *            ag_news_subset/test.csv, CSV-unquoted, written as
 *            {"id": "agnews-N", "title": column 2, "body": column 3} the way
 *            Python's json.dumps writes it.
 * Each corpus file is read whole once, the first time a story needs it,
 * and indexed (ids sorted, or CSV row starts).
 */
#include <stdlib.h>
#include <string.h>

#include "eval_gold.h"

/* ---------------------------------------------------------------------- */
/* Corpora: from a record to the JSON Lines story                          */

const char *const gold_corpus_paths[] = {"corpora/reuters21578/reuters21578.jsonl",
                                           "corpora/ag_news_subset/test.csv",
                                           "corpora/satp/satp.jsonl"};

/* One CSV field being unquoted. */
typedef struct csv_field {
    char *buf;
    size_t len, cap;
} csv_field;

static void csv_put(csv_field *f, char ch)
{
    if (f->len + 1 >= f->cap) {
        f->cap = f->cap ? 2 * f->cap : 256;
        f->buf = gold_realloc(f->buf, f->cap);
    }
    f->buf[f->len++] = ch;
    f->buf[f->len] = '\0';
}

/* Reads one row from p (< end) the way Python's csv reader does (default
 * dialect, not strict: "" in a quoted field is a quote, text after a
 * closing quote is kept, a blank line is a row with no fields). The first
 * `max` fields go, unquoted, to fields[] (cleared first); *n is the number
 * of fields. Returns where the next row starts. */
static const char *csv_row(const char *p, const char *end, csv_field *fields, size_t max, size_t *n)
{
    enum { START, FIELD, QUOTED, QUOTE_IN_QUOTED } st = START;
    size_t nf = 0;
    for (size_t i = 0; i < max; i++) {
        fields[i].len = 0;
        if (fields[i].buf)
            fields[i].buf[0] = '\0';
    }
    int any = 0; /* a row of its own, even when empty ("\n" gives []) */
    while (p < end) {
        char ch = *p++;
        if (st == QUOTED) {
            if (ch == '"')
                st = QUOTE_IN_QUOTED;
            else if (nf < max)
                csv_put(&fields[nf], ch);
            continue;
        }
        if (ch == '\r' || ch == '\n') {
            if (ch == '\r' && p < end && *p == '\n')
                p++;
            if (any || st != START)
                nf++;
            *n = nf;
            return p;
        }
        any = 1;
        if (ch == ',') {
            nf++;
            st = START;
        } else if (st == START && ch == '"') {
            st = QUOTED;
        } else if (st == QUOTE_IN_QUOTED && ch == '"') {
            if (nf < max)
                csv_put(&fields[nf], '"');
            st = QUOTED;
        } else {
            if (nf < max)
                csv_put(&fields[nf], ch);
            st = FIELD;
        }
    }
    if (any || st != START)
        nf++;
    *n = nf;
    return p;
}

static int cmp_key(const char *a, size_t al, const char *b, size_t bl)
{
    size_t m = al < bl ? al : bl;
    int r = memcmp(a, b, m);
    return r ? r : (al < bl ? -1 : al > bl);
}

typedef struct key_ref {
    const char *key;
    size_t key_len, off, len;
} key_ref;

static int cmp_key_ref(const void *a, const void *b)
{
    const key_ref *x = (const key_ref *)a, *y = (const key_ref *)b;
    int r = cmp_key(x->key, x->key_len, y->key, y->key_len);
    if (r)
        return r;
    return x->off < y->off ? -1 : x->off > y->off; /* the first line wins, as in gold-units.py */
}

static void load_corpus(gold_run *g, int corpus)
{
    corpus_file *cf = &g->corpora[corpus];
    if (cf->loaded)
        return;
    cf->loaded = 1;
    size_t need = strlen(g->shared) + strlen(gold_corpus_paths[corpus]) + 2;
    char *path = gold_realloc(NULL, need);
    snprintf(path, need, "%s/%s", g->shared, gold_corpus_paths[corpus]);
    cf->data = gold_slurp(path, &cf->len);
    if (!cf->data)
        fatal("%s: cannot read (give --shared DIR or set KHALDUN_SHARED)", path);
    free(path);
    const char *p = cf->data, *end = cf->data + cf->len;
    if (corpus == C_AGNEWS) {
        /* Row starts; row 0 is the header. */
        csv_field f[1];
        memset(f, 0, sizeof f);
        while (p < end) {
            cf->line_off = gold_realloc(cf->line_off, (cf->n + 1) * sizeof *cf->line_off);
            cf->line_off[cf->n++] = (size_t)(p - cf->data);
            size_t nf;
            p = csv_row(p, end, f, 0, &nf);
        }
        free(f[0].buf);
        return;
    }
    const char *field = corpus == C_REUTERS ? "\"newid\": \"" : "\"id\": \"";
    size_t fl = strlen(field);
    key_ref *refs = NULL;
    size_t n = 0, cap = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        /* The first `"newid": "` of the line gives its id. */
        for (const char *q = p; q + fl <= eol; q++) {
            if (memcmp(q, field, fl) != 0)
                continue;
            const char *v = q + fl, *ve = v;
            while (ve < eol && *ve != '"')
                ve++;
            if (n == cap) {
                cap = cap ? 2 * cap : 4096;
                refs = gold_realloc(refs, cap * sizeof *refs);
            }
            refs[n].key = v;
            refs[n].key_len = (size_t)(ve - v);
            refs[n].off = (size_t)(p - cf->data);
            refs[n].len = (size_t)(eol - p);
            n++;
            break;
        }
        p = eol + 1;
    }
    if (n)
        qsort(refs, n, sizeof *refs, cmp_key_ref);
    cf->keys = gold_realloc(NULL, (n ? n : 1) * sizeof *cf->keys);
    cf->key_len = gold_realloc(NULL, (n ? n : 1) * sizeof *cf->key_len);
    cf->line_off = gold_realloc(NULL, (n ? n : 1) * sizeof *cf->line_off);
    cf->line_len = gold_realloc(NULL, (n ? n : 1) * sizeof *cf->line_len);
    for (size_t i = 0; i < n; i++) {
        cf->keys[i] = refs[i].key;
        cf->key_len[i] = refs[i].key_len;
        cf->line_off[i] = refs[i].off;
        cf->line_len[i] = refs[i].len;
    }
    cf->n = n;
    free(refs);
}


void gold_dbuf_add(dbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap)
            b->cap = b->cap ? 2 * b->cap : 1024;
        b->p = gold_realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void dbuf_str(dbuf *b, const char *s)
{
    gold_dbuf_add(b, s, strlen(s));
}

/* A JSON string the way Python's json.dumps writes it (ensure_ascii): the
 * bytes are read as UTF-8, a byte that is not is written as U+FFFD. */
static void json_quote_py(dbuf *b, const char *s, size_t n)
{
    gold_dbuf_add(b, "\"", 1);
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)s[i];
        char esc[32];
        if (ch == '"' || ch == '\\') {
            esc[0] = '\\';
            esc[1] = (char)ch;
            gold_dbuf_add(b, esc, 2);
            i++;
        } else if (ch == '\n' || ch == '\r' || ch == '\t' || ch == '\b' || ch == '\f') {
            esc[0] = '\\';
            esc[1] = ch == '\n' ? 'n' : ch == '\r' ? 'r' : ch == '\t' ? 't' : ch == '\b' ? 'b' : 'f';
            gold_dbuf_add(b, esc, 2);
            i++;
        } else if (ch < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", ch);
            dbuf_str(b, esc);
            i++;
        } else if (ch < 0x80) {
            gold_dbuf_add(b, (const char *)&s[i], 1);
            i++;
        } else {
            unsigned long cp = 0xFFFD;
            size_t k = ch >= 0xF0 && ch < 0xF5 ? 4 : ch >= 0xE0 ? 3 : ch >= 0xC2 && ch < 0xE0 ? 2 : 1;
            if (ch >= 0xF5)
                k = 1;
            int ok = k > 1 && i + k <= n;
            for (size_t j = 1; ok && j < k; j++)
                ok = ((unsigned char)s[i + j] & 0xC0) == 0x80;
            if (ok) {
                cp = k == 2 ? ch & 0x1Fu : k == 3 ? ch & 0x0Fu : ch & 0x07u;
                for (size_t j = 1; j < k; j++)
                    cp = cp << 6 | ((unsigned char)s[i + j] & 0x3Fu);
                /* overlong forms and surrogates are not UTF-8 */
                if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
                    (cp >= 0xD800 && cp < 0xE000))
                    ok = 0;
            }
            if (!ok) {
                cp = 0xFFFD;
                k = 1;
            }
            if (cp >= 0x10000) {
                unsigned long v = cp - 0x10000;
                snprintf(esc, sizeof esc, "\\u%04lx\\u%04lx", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
            } else {
                snprintf(esc, sizeof esc, "\\u%04lx", cp);
            }
            dbuf_str(b, esc);
            i += k;
        }
    }
    gold_dbuf_add(b, "\"", 1);
}

/* The JSON line of a record into *out. Returns 0 when the corpus has no
 * such record. */
int gold_story_line(gold_run *g, const gstory *s, dbuf *out)
{
    load_corpus(g, s->corpus);
    corpus_file *cf = &g->corpora[s->corpus];
    out->len = 0;
    if (s->corpus == C_AGNEWS) {
        char *end;
        unsigned long row = strtoul(s->record, &end, 10);
        if (*end || !s->record[0] || row == 0 || row >= cf->n)
            return 0;
        csv_field f[3];
        memset(f, 0, sizeof f);
        size_t nf;
        csv_row(cf->data + cf->line_off[row], cf->data + cf->len, f, 3, &nf);
        int ok = nf >= 3;
        if (ok) {
            dbuf_str(out, "{\"id\": \"agnews-");
            dbuf_str(out, s->record);
            dbuf_str(out, "\", \"title\": ");
            json_quote_py(out, f[1].buf ? f[1].buf : "", f[1].len);
            dbuf_str(out, ", \"body\": ");
            json_quote_py(out, f[2].buf ? f[2].buf : "", f[2].len);
            dbuf_str(out, "}");
        }
        for (size_t i = 0; i < 3; i++)
            free(f[i].buf);
        return ok;
    }
    size_t lo = 0, hi = cf->n, rl = strlen(s->record);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_key(cf->keys[mid], cf->key_len[mid], s->record, rl) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= cf->n || cmp_key(cf->keys[lo], cf->key_len[lo], s->record, rl) != 0)
        return 0;
    gold_dbuf_add(out, cf->data + cf->line_off[lo], cf->line_len[lo]);
    return 1;
}
