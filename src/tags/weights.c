/*
 * weights.c: the tagger's shipped weights file (data/model/tagger.txt) and
 * the layout of the weights into the lexicon image's TGMD section.
 *
 * `make model` trains the tagger once (train.c) and writes the averaged
 * weights here; set-up (tools/build-data.sh) reads them back and packs them
 * into the lexicon image, so a clone needs no training data. The file is
 * plain text, so that a retrained model shows up in a diff:
 *
 *   # comment lines
 *   khaldun-tagger-weights 1          file format version (first line that is not a comment)
 *   feature-set 3                     KH_MODEL_FEATURE_VERSION the keys were made with
 *   scale 1024                        weight = value / scale
 *   trained-on NAME HASH              the training file's base name and kh_hash64 of its bytes
 *   epochs 12
 *   lexicon HASH                      source hash of the lexicon trained against
 *   features N                        lines that follow
 *   weights N                         CLASS:VALUE pairs on them
 *   KEY CLASS:VALUE ...               one feature a line, in canonical order:
 *                                     16 hex digits, then its non-zero weights,
 *                                     classes (UPOS names) in kh_upos order
 *
 * Everything is written in one canonical form (no dates, no paths), so the
 * same weights give the same bytes, and the reader accepts only that form:
 * reading and writing a file gives it back unchanged. Nothing here runs at
 * tagging time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "tags/model.h"

void kh_model_weights_free(kh_model_weights *m)
{
    if (!m)
        return;
    kh_free(NULL, m->keys);
    kh_free(NULL, m->counts);
    kh_free(NULL, m->w);
    m->keys = NULL;
    m->counts = NULL;
    m->w = NULL;
    m->n_feats = m->n_w = 0;
}

/* A feature whose two weights cancel (w on one class, -w on another, |w| <
 * 2^15: most of them, since each perceptron update moves one class up and
 * one down) fits in its slot; *payload gets the inline form of model.h. */
static int pack_inline(const uint32_t *w, uint8_t count, uint32_t *payload)
{
    if (count != 2)
        return 0;
    int32_t a = (int32_t)((w[0] & 0x7ffffffu) ^ 0x4000000u) - 0x4000000;
    int32_t b = (int32_t)((w[1] & 0x7ffffffu) ^ 0x4000000u) - 0x4000000;
    if (a != -b || a > 32767 || a < -32767)
        return 0;
    *payload = (w[0] >> 27) << 26 | (w[1] >> 27) << 21 | (uint32_t)(uint16_t)(int16_t)a;
    return 1;
}

/* A feature with many weights, all within int16, is stored as a dense row
 * of KH_TAG_VEC int16 (KH_MODEL_ROW_WORDS u32 words), added with a few
 * vector instructions. Returns 1 and fills row when it qualifies. */
static int pack_dense(const uint32_t *w, uint8_t count, unsigned char *row)
{
    if (count < KH_MODEL_DENSE_MIN)
        return 0;
    int32_t v[KH_TAG_VEC] = {0};
    for (uint8_t k = 0; k < count; k++) {
        int32_t a = (int32_t)((w[k] & 0x7ffffffu) ^ 0x4000000u) - 0x4000000;
        if (a > 32767 || a < -32767)
            return 0;
        v[w[k] >> 27] = a;
    }
    if (row)
        for (size_t c = 0; c < KH_TAG_VEC; c++) {
            uint16_t u = (uint16_t)(int16_t)v[c];
            row[2 * c] = (unsigned char)u;
            row[2 * c + 1] = (unsigned char)(u >> 8);
        }
    return 1;
}

/* How many u32 words of the `over` area feature w[0..count) takes (0: it
 * fits in its slot). */
static size_t over_words(const uint32_t *w, uint8_t count)
{
    uint32_t payload;
    if (pack_inline(w, count, &payload))
        return 0;
    return pack_dense(w, count, NULL) ? KH_MODEL_ROW_WORDS : count;
}

kh_status kh_model_pack(const kh_model_weights *m, kh_buf *out)
{
    if (m->n_feats > KH_MODEL_MAX_FEATURES || m->n_w > m->n_feats * KH_UPOS_COUNT)
        return KH_ERR_LIMIT;
    /* At most 70% full: an absent key (most probes) ends at an empty slot
     * after about three slots, in the same cache line as a rule. */
    uint32_t n_slots = 1024;
    while ((size_t)n_slots * 7 < m->n_feats * 10 + 1)
        n_slots *= 2;
    size_t n_over = 0, wi = 0;
    uint32_t payload;
    for (size_t f = 0; f < m->n_feats; wi += m->counts[f], f++)
        n_over += over_words(m->w + wi, m->counts[f]);
    if (n_over > 0x3ffffffu)
        return KH_ERR_LIMIT;
    size_t total = KH_MODEL_HEADER + (size_t)n_slots * 8 + n_over * 4;
    kh_status st = kh_buf_reserve(out, total);
    if (st)
        return st;
    unsigned char *base = (unsigned char *)out->data + out->len;
    memset(base, 0, total);
    unsigned char *slots = base + KH_MODEL_HEADER;
    unsigned char *over = slots + (size_t)n_slots * 8;
    uint32_t max_probe = 1, first = 0;
    wi = 0;
    for (size_t f = 0; f < m->n_feats; wi += m->counts[f], f++) {
        uint64_t key = m->keys[f];
        uint32_t s = (uint32_t)key & (n_slots - 1), probe = 1;
        while (kh_rd32(slots + (size_t)s * 8 + 4)) {
            s = (s + 1) & (n_slots - 1);
            probe++;
        }
        if (pack_inline(m->w + wi, m->counts[f], &payload)) {
            /* in the slot */
        } else if (pack_dense(m->w + wi, m->counts[f], over + (size_t)first * 4)) {
            payload = KH_MODEL_OVER | KH_MODEL_DENSE << 26 | first;
            first += KH_MODEL_ROW_WORDS;
        } else {
            payload = KH_MODEL_OVER | (uint32_t)m->counts[f] << 26 | first;
            for (uint8_t k = 0; k < m->counts[f]; k++)
                kh_wr32(over + (size_t)(first + k) * 4, m->w[wi + k]);
            first += m->counts[f];
        }
        kh_wr32(slots + (size_t)s * 8, (uint32_t)(key >> 32));
        kh_wr32(slots + (size_t)s * 8 + 4, payload);
        if (probe > max_probe)
            max_probe = probe;
    }
    kh_wr32(base, KH_MODEL_MAGIC);
    kh_wr32(base + 4, KH_UPOS_COUNT);
    kh_wr32(base + 8, n_slots);
    kh_wr32(base + 12, max_probe);
    kh_wr32(base + 16, (uint32_t)n_over);
    kh_wr32(base + 20, KH_MODEL_FEATURE_VERSION);
    out->len += total;
    return KH_OK;
}

/* ---- writing ---- */

static kh_status write_text(const kh_model_weights *m, kh_buf *b)
{
    kh_status st = kh_buf_printf(
        b,
        "# khaldun part-of-speech tagger: averaged-perceptron weights, written by\n"
        "# `khaldun lex build --train FILE --save-model FILE` (what `make model` runs).\n"
        "# One feature a line: its key (a hash of the feature), then CLASS:VALUE for each\n"
        "# non-zero weight (weight = VALUE / scale). Provenance and licence: README.md\n"
        "# in this folder.\n"
        "khaldun-tagger-weights %u\nfeature-set %u\nscale %u\ntrained-on %s %016llx\n"
        "epochs %u\nlexicon %016llx\nfeatures %zu\nweights %zu\n",
        KH_MODEL_FILE_VERSION, KH_MODEL_FEATURE_VERSION, (unsigned)KH_MODEL_SCALE, m->train_name,
        (unsigned long long)m->train_hash, m->epochs, (unsigned long long)m->lexicon_hash,
        m->n_feats, m->n_w);
    size_t wi = 0;
    for (size_t f = 0; f < m->n_feats && !st; f++) {
        st = kh_buf_printf(b, "%016llx", (unsigned long long)m->keys[f]);
        for (uint8_t k = 0; k < m->counts[f] && !st; k++, wi++) {
            uint32_t v = m->w[wi];
            int32_t wt = (int32_t)((v & 0x7ffffffu) ^ 0x4000000u) - 0x4000000;
            st = kh_buf_printf(b, " %s:%ld", kh_upos_name((kh_upos)(v >> 27)), (long)wt);
        }
        if (!st)
            st = kh_buf_putc(b, '\n');
    }
    return st;
}

kh_status kh_model_weights_write(const kh_model_weights *m, const char *path,
                                 const kh_file_id *inputs, size_t n_inputs,
                                 const char *inputs_role, kh_error *err)
{
    kh_buf b;
    kh_buf_init(&b, NULL, KH_MODEL_MAX_FILE);
    kh_status st = write_text(m, &b);
    if (st) {
        kh_buf_free(&b);
        return kh_error_set(err, st, 0, 0, "%s: %s", path, kh_strerror(st));
    }
    kh_output *out = NULL;
    st = kh_output_open_ex(path, NULL, inputs, n_inputs, inputs_role, NULL, &out, err);
    if (!st && kh_output_write(out, b.data, b.len) != KH_OK) {
        st = kh_output_status(out, err);
        kh_output_discard(out);
    } else if (!st) {
        st = kh_output_commit(out, err);
    }
    kh_buf_free(&b);
    return st;
}

/* ---- reading ---- */

typedef struct reader {
    const char *path;
    const char *text;
    size_t len, pos;
    const char *line;   /* the current line */
    size_t llen;
    size_t lineno;
    kh_error *err;
} reader;

static kh_status bad(reader *r, const char *at, const char *what)
{
    size_t col = at ? (size_t)(at - r->line) + 1 : 1;
    return kh_error_set(r->err, KH_ERR_FORMAT, r->lineno, col, "%s:%zu:%zu: %s", r->path,
                        r->lineno, col, what);
}

/* The next line that is not a comment; 0 at the end of the file. */
static int next_line(reader *r, int skip_comments)
{
    while (r->pos < r->len) {
        const char *s = r->text + r->pos;
        const char *nl = memchr(s, '\n', r->len - r->pos);
        size_t n = nl ? (size_t)(nl - s) : r->len - r->pos;
        r->pos += n + (nl ? 1 : 0);
        r->lineno++;
        r->line = s;
        r->llen = n;
        if (!(skip_comments && n > 0 && s[0] == '#'))
            return 1;
    }
    return 0;
}

/* Parses an unsigned decimal or (hex) 16-digit number at *p, up to end. */
static int parse_u64(const char **p, const char *end, int hex, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    size_t digits = 0;
    for (; s < end; s++, digits++) {
        unsigned c = (unsigned char)*s, d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (hex && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else
            break;
        if (hex) {
            v = v << 4 | d;
        } else {
            if (v > (UINT64_MAX - d) / 10)
                return 0;
            v = v * 10 + d;
        }
    }
    if (hex ? digits != 16 : (digits == 0 || digits > 19 || (digits > 1 && **p == '0')))
        return 0;
    *p = s;
    *out = v;
    return 1;
}

/* A header line "NAME VALUE" (VALUE decimal, or 16 hex digits when hex). */
static kh_status header_num(reader *r, const char *name, int hex, uint64_t *out)
{
    char msg[96];
    snprintf(msg, sizeof msg, "expected '%s %s'", name, hex ? "HASH" : "NUMBER");
    if (!next_line(r, 1))
        return bad(r, NULL, msg);
    size_t nl = strlen(name);
    if (r->llen <= nl + 1 || memcmp(r->line, name, nl) != 0 || r->line[nl] != ' ')
        return bad(r, r->line, msg);
    const char *end = r->line + r->llen, *p = r->line + nl + 1;
    if (!parse_u64(&p, end, hex, out) || p != end)
        return bad(r, r->line + nl + 1, msg);
    return KH_OK;
}

static int class_from(const char *s, size_t n)
{
    for (int u = 0; u < KH_UPOS_COUNT; u++) {
        const char *name = kh_upos_name((kh_upos)u);
        if (strlen(name) == n && memcmp(name, s, n) == 0)
            return u;
    }
    return -1;
}

/* One feature line: KEY CLASS:VALUE ... */
static kh_status feature_line(reader *r, kh_model_weights *m, size_t n_w_max)
{
    const char *p = r->line, *end = r->line + r->llen;
    uint64_t key;
    if (!parse_u64(&p, end, 1, &key) || key == 0)
        return bad(r, r->line, "expected a feature key (16 hex digits, not all zero)");
    int last = -1;
    uint8_t cnt = 0;
    while (p < end) {
        if (*p != ' ' || p + 1 >= end)
            return bad(r, p, "expected ' CLASS:VALUE'");
        const char *c = ++p;
        while (p < end && *p != ':')
            p++;
        int cl = class_from(c, (size_t)(p - c));
        if (cl < 0 || p >= end)
            return bad(r, c, "unknown part-of-speech class");
        if (cl <= last)
            return bad(r, c, "classes out of order or repeated");
        last = cl;
        p++;
        int neg = p < end && *p == '-';
        if (neg)
            p++;
        uint64_t v;
        const char *vs = p;
        if (!parse_u64(&p, end, 0, &v) || v == 0 || v > 0x3ffffffu || (p < end && *p != ' '))
            return bad(r, vs, "expected a non-zero weight of at most 26 bits");
        if (m->n_w >= n_w_max)
            return bad(r, c, "more weights than the header says");
        int32_t wt = neg ? -(int32_t)v : (int32_t)v;
        m->w[m->n_w++] = (uint32_t)cl << 27 | ((uint32_t)wt & 0x7ffffffu);
        cnt++;
    }
    if (!cnt)
        return bad(r, end, "a feature without weights");
    m->keys[m->n_feats] = key;
    m->counts[m->n_feats++] = cnt;
    return KH_OK;
}

static kh_status parse(reader *r, kh_model_weights *m)
{
    uint64_t v, n_feats, n_w;
    kh_status st;
    if ((st = header_num(r, "khaldun-tagger-weights", 0, &v)) != KH_OK)
        return st;
    if (v != KH_MODEL_FILE_VERSION)
        return kh_error_set(r->err, KH_ERR_VERSION, r->lineno, 1,
                            "%s:%zu: weights file version %llu; this khaldun reads version %u",
                            r->path, r->lineno, (unsigned long long)v, KH_MODEL_FILE_VERSION);
    if ((st = header_num(r, "feature-set", 0, &v)) != KH_OK)
        return st;
    if (v != KH_MODEL_FEATURE_VERSION)
        return kh_error_set(r->err, KH_ERR_VERSION, r->lineno, 1,
                            "%s:%zu: weights for feature set %llu; this tagger uses set %u "
                            "(retrain: make model)",
                            r->path, r->lineno, (unsigned long long)v, KH_MODEL_FEATURE_VERSION);
    if ((st = header_num(r, "scale", 0, &v)) != KH_OK)
        return st;
    if (v != (uint64_t)KH_MODEL_SCALE)
        return bad(r, r->line, "unsupported scale");
    /* trained-on NAME HASH */
    if (!next_line(r, 1) || r->llen < 11 + 1 + 17 || memcmp(r->line, "trained-on ", 11) != 0)
        return bad(r, r->line, "expected 'trained-on NAME HASH'");
    const char *name = r->line + 11, *end = r->line + r->llen, *hp = end - 16;
    size_t name_len = (size_t)(hp - 1 - name);
    if (hp[-1] != ' ' || !parse_u64(&hp, end, 1, &m->train_hash) || name_len == 0 ||
        name_len >= sizeof m->train_name || memchr(name, ' ', name_len))
        return bad(r, name, "expected 'trained-on NAME HASH'");
    memcpy(m->train_name, name, name_len);
    m->train_name[name_len] = '\0';
    if ((st = header_num(r, "epochs", 0, &v)) != KH_OK)
        return st;
    if (v == 0 || v > 1000)
        return bad(r, r->line, "epochs out of range");
    m->epochs = (unsigned)v;
    if ((st = header_num(r, "lexicon", 1, &m->lexicon_hash)) != KH_OK)
        return st;
    if ((st = header_num(r, "features", 0, &n_feats)) != KH_OK)
        return st;
    if (n_feats == 0 || n_feats > KH_MODEL_MAX_FEATURES)
        return bad(r, r->line, "feature count out of range");
    if ((st = header_num(r, "weights", 0, &n_w)) != KH_OK)
        return st;
    if (n_w < n_feats || n_w > n_feats * KH_UPOS_COUNT)
        return bad(r, r->line, "weight count out of range");
    m->keys = (uint64_t *)kh_calloc(NULL, (size_t)n_feats, sizeof *m->keys);
    m->counts = (uint8_t *)kh_calloc(NULL, (size_t)n_feats, 1);
    m->w = (uint32_t *)kh_calloc(NULL, (size_t)n_w, sizeof *m->w);
    if (!m->keys || !m->counts || !m->w)
        return kh_error_set(r->err, KH_ERR_NOMEM, 0, 0, "out of memory");
    while (next_line(r, 0)) {
        if (m->n_feats == n_feats)
            return bad(r, r->line, "more features than the header says");
        if ((st = feature_line(r, m, (size_t)n_w)) != KH_OK)
            return st;
    }
    if (m->n_feats != n_feats || m->n_w != n_w)
        return kh_error_set(r->err, KH_ERR_FORMAT, r->lineno, 1,
                            "%s: %zu features and %zu weights, the header says %llu and %llu",
                            r->path, m->n_feats, m->n_w, (unsigned long long)n_feats,
                            (unsigned long long)n_w);
    return KH_OK;
}

kh_status kh_model_weights_read(const char *path, kh_model_weights *m, kh_error *err)
{
    memset(m, 0, sizeof *m);
    char *text = NULL;
    size_t len = 0;
    kh_status st = kh_file_read(NULL, path, KH_MODEL_MAX_FILE, &text, &len);
    if (st)
        return kh_error_set(err, st, 0, 0, "%s: %s", path,
                            st == KH_ERR_IO || st == KH_ERR_NOTFOUND ? strerror(errno)
                                                                   : kh_strerror(st));
    if (len == 0 || text[len - 1] != '\n') {
        kh_free(NULL, text);
        return kh_error_set(err, KH_ERR_FORMAT, 0, 0, "%s: empty or cut short (no final newline)",
                            path);
    }
    reader r;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.text = text;
    r.len = len;
    r.err = err;
    st = parse(&r, m);
    kh_free(NULL, text);
    return st;
}
