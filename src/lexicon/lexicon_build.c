/*
 * lexicon_build.c: compiles the lexicon image ("LEX1", version 1) at set-up
 * time from WordNet's database files (index.*, *.exc, cntlist.rev, data.noun)
 * and khaldun's hand-written closed-class lists (data/lexicon/\*.txt).
 *
 * WordNet gives lemmas only; this file generates their inflected forms (verbs:
 * 3sg -s/-es/-ies, -ed, -ing; nouns: plurals; adjectives: -er/-est, by the
 * rules of inflect.c) and adds the irregular forms of the exception lists.
 * Sense tag counts (cntlist.rev) become frequency hints; nouns written
 * capitalised in every WordNet synset become proper nouns. A form listed in
 * khaldun's own lists takes only the entries listed there: the lists
 * correct what WordNet over-generates for function words.
 *
 * The result is one hash table from lower-cased form to form records, each
 * pointing at its entries {lemma, POS set, flags, frequency}, with every
 * string in one pool. The tagger's weights go into the same image
 * (lexicon_write.c). Nothing here runs at tagging time.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "lexicon/lexicon.h"

/* Caps on what the builder accepts from its source files. */
#define BUILD_MAX_FILE ((size_t)256 << 20)
#define BUILD_MAX_STRINGS ((size_t)4 << 20)
#define BUILD_MAX_ENTRIES_PER_FORM 255u

enum { WN_NOUN = 0, WN_VERB, WN_ADJ, WN_ADV, WN_NPOS };

/* An interned string and what the builder knows about it. */
typedef struct bstr {
    uint32_t off;          /* in the pool */
    uint32_t len;
    uint32_t freq[WN_NPOS];/* WordNet tag counts as a lemma, per WordNet POS */
    uint32_t caps, lows;   /* noun synsets writing it capitalised / lower-case */
    uint32_t head;         /* first raw entry +1 as a form (0: not a form) */
    uint32_t tail;         /* last raw entry +1 */
    uint8_t lemma_pos;     /* WordNet POS it is a lemma of (bits of WN_*) */
    uint8_t irreg;         /* verb: 1 has irregular past, 2 has irregular -ing */
    uint8_t closed;        /* listed in khaldun's lists */
    uint8_t used_as_lemma;
} bstr;

typedef struct rawent {
    uint32_t lemma;        /* bstr index */
    uint32_t flags;
    uint32_t freq;
    uint32_t next;         /* next raw entry of the same form +1 */
    uint8_t upos;
} rawent;

typedef struct builder {
    kh_buf pool;
    bstr *strs;
    size_t n_strs, cap_strs;
    uint32_t *table;       /* interning table: bstr index +1 */
    size_t table_size;
    rawent *ents;
    size_t n_ents, cap_ents;
    uint64_t source_hash;
    kh_error *err;
    kh_buf inputs;         /* kh_file_id of every file read: the image never replaces one */
} builder;

/* ---- interning ---- */

static kh_status b_grow_table(builder *b)
{
    size_t nsize = b->table_size ? b->table_size * 2 : 1u << 16;
    uint32_t *nt = (uint32_t *)kh_calloc(NULL, nsize, sizeof *nt);
    if (!nt)
        return KH_ERR_NOMEM;
    for (size_t i = 0; i < b->n_strs; i++) {
        const char *s = b->pool.data + b->strs[i].off;
        size_t j = (size_t)kh_hash64(s, b->strs[i].len, 0) & (nsize - 1);
        while (nt[j])
            j = (j + 1) & (nsize - 1);
        nt[j] = (uint32_t)i + 1;
    }
    kh_free(NULL, b->table);
    b->table = nt;
    b->table_size = nsize;
    return KH_OK;
}

/* Interns s[0..len) (lower-cased when `lower`); returns its index or -1. */
static long b_intern(builder *b, const char *s, size_t len, int lower)
{
    char tmp[KH_LEX_MAX_WORD + 1];
    if (len == 0 || len > KH_LEX_MAX_WORD)
        return -1;
    if (lower) {
        for (size_t i = 0; i < len; i++)
            tmp[i] = (char)kh_to_lower((unsigned char)s[i]);
        s = tmp;
    }
    if ((b->n_strs + 1) * 2 > b->table_size && b_grow_table(b))
        return -1;
    size_t mask = b->table_size - 1;
    size_t j = (size_t)kh_hash64(s, len, 0) & mask;
    while (b->table[j]) {
        bstr *e = &b->strs[b->table[j] - 1];
        if (e->len == len && memcmp(b->pool.data + e->off, s, len) == 0)
            return (long)(b->table[j] - 1);
        j = (j + 1) & mask;
    }
    if (b->n_strs >= BUILD_MAX_STRINGS)
        return -1;
    if (kh_array_reserve(NULL, (void **)&b->strs, &b->cap_strs, b->n_strs + 1, sizeof *b->strs))
        return -1;
    bstr *e = &b->strs[b->n_strs];
    memset(e, 0, sizeof *e);
    e->off = (uint32_t)b->pool.len;
    e->len = (uint32_t)len;
    if (kh_buf_append(&b->pool, s, len) || kh_buf_putc(&b->pool, '\0'))
        return -1;
    b->table[j] = (uint32_t)b->n_strs + 1;
    return (long)b->n_strs++;
}

static long b_find(const builder *b, const char *s, size_t len)
{
    if (!b->table_size || len == 0 || len > KH_LEX_MAX_WORD)
        return -1;
    size_t mask = b->table_size - 1;
    size_t j = (size_t)kh_hash64(s, len, 0) & mask;
    while (b->table[j]) {
        const bstr *e = &b->strs[b->table[j] - 1];
        if (e->len == len && memcmp(b->pool.data + e->off, s, len) == 0)
            return (long)(b->table[j] - 1);
        j = (j + 1) & mask;
    }
    return -1;
}

/* Adds a raw entry form -> lemma as upos. Both strings lower-cased for the
 * form; the lemma is kept as given when `keep_case`. */
static kh_status b_add(builder *b, const char *form, size_t flen, const char *lemma,
                       size_t llen, kh_upos upos, uint32_t flags, uint32_t freq)
{
    long f = b_intern(b, form, flen, 1);
    long l = b_intern(b, lemma, llen, !(flags & KH_LEX_CLOSED));
    if (f < 0 || l < 0)
        return KH_ERR_NOMEM;
    /* Skip exact duplicates (same lemma and POS). */
    for (uint32_t k = b->strs[f].head; k; k = b->ents[k - 1].next) {
        rawent *r = &b->ents[k - 1];
        if (r->lemma == (uint32_t)l && r->upos == (uint8_t)upos) {
            r->flags |= flags;
            if (freq > r->freq)
                r->freq = freq;
            return KH_OK;
        }
    }
    if (kh_array_reserve(NULL, (void **)&b->ents, &b->cap_ents, b->n_ents + 1, sizeof *b->ents))
        return KH_ERR_NOMEM;
    rawent *r = &b->ents[b->n_ents++];
    r->lemma = (uint32_t)l;
    r->flags = flags;
    r->freq = freq;
    r->next = 0;
    r->upos = (uint8_t)upos;
    bstr *fs = &b->strs[f];
    if (fs->tail)
        b->ents[fs->tail - 1].next = (uint32_t)b->n_ents;
    else
        fs->head = (uint32_t)b->n_ents;
    fs->tail = (uint32_t)b->n_ents;
    if (flags & KH_LEX_CLOSED)
        fs->closed = 1;
    return KH_OK;
}

/* ---- files ---- */

static kh_status read_file(builder *b, const char *dir, const char *name, int optional,
                           char **out, size_t *len)
{
    char path[4096];
    *out = NULL;
    *len = 0;
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return kh_error_set(b->err, KH_ERR_INVALID, 0, 0, "path too long: %s", dir);
    char *data;
    size_t n;
    kh_file_id id;
    kh_status st = kh_file_read_id(NULL, path, BUILD_MAX_FILE, &data, &n, &id);
    if (st == KH_ERR_NOTFOUND && optional)
        return KH_OK;
    if (st == KH_ERR_NOTFOUND || st == KH_ERR_IO)
        return kh_error_set(b->err, st, 0, 0, "%s: %s", path, strerror(errno));
    if (st)
        return kh_error_set(b->err, st, 0, 0, "%s: %s", path, kh_strerror(st));
    if (kh_buf_append(&b->inputs, (const char *)&id, sizeof id) != KH_OK) {
        kh_free(NULL, data);
        return kh_error_set(b->err, KH_ERR_NOMEM, 0, 0, "out of memory");
    }
    b->source_hash = kh_hash64(data, n, b->source_hash);
    b->source_hash = kh_hash64(name, strlen(name), b->source_hash);
    *out = data;
    *len = n;
    return KH_OK;
}

/* Splits the next line off text[*pos..len); returns 0 at the end. */
static int next_line(const char *text, size_t len, size_t *pos, const char **line,
                     size_t *llen)
{
    if (*pos >= len)
        return 0;
    const char *s = text + *pos;
    const char *nl = memchr(s, '\n', len - *pos);
    size_t n = nl ? (size_t)(nl - s) : len - *pos;
    *line = s;
    *llen = n;
    *pos += n + (nl ? 1 : 0);
    if (n && s[n - 1] == '\r')
        (*llen)--;
    return 1;
}

/* The next whitespace-separated field of line[*i..n). */
static int next_field(const char *line, size_t n, size_t *i, const char **f, size_t *flen)
{
    while (*i < n && kh_is_space((unsigned char)line[*i]))
        (*i)++;
    if (*i >= n)
        return 0;
    size_t s = *i;
    while (*i < n && !kh_is_space((unsigned char)line[*i]))
        (*i)++;
    *f = line + s;
    *flen = *i - s;
    return 1;
}

/* Plain single words only: letters, digits, hyphens, apostrophes, periods. */
static int simple_word(const char *s, size_t n)
{
    if (n == 0 || n > KH_LEX_MAX_WORD - 4)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(kh_is_alpha(c) || kh_is_digit(c) || c == '-' || c == '\'' || c == '.'))
            return 0;
    }
    return 1;
}

static const char *const wn_names[WN_NPOS] = {"noun", "verb", "adj", "adv"};
static const kh_upos wn_upos[WN_NPOS] = {KH_UPOS_NOUN, KH_UPOS_VERB, KH_UPOS_ADJ, KH_UPOS_ADV};

/* cntlist.rev: "lemma%ss_type:..:..:..:.. sense_number tag_cnt". */
static kh_status load_counts(builder *b, const char *dir)
{
    char *text;
    size_t len, pos = 0, n;
    const char *line;
    kh_status st = read_file(b, dir, "cntlist.rev", 1, &text, &len);
    if (st || !text)
        return st;
    while (next_line(text, len, &pos, &line, &n)) {
        const char *pct = memchr(line, '%', n);
        if (!pct || (size_t)(pct - line) + 2 > n)
            continue;
        size_t llen = (size_t)(pct - line);
        int wp;
        switch (pct[1]) {
        case '1': wp = WN_NOUN; break;
        case '2': wp = WN_VERB; break;
        case '3': case '5': wp = WN_ADJ; break;
        case '4': wp = WN_ADV; break;
        default: continue;
        }
        const char *sp = memchr(line, ' ', n);
        const char *last = line + n;
        while (last > line && last[-1] != ' ')
            last--;
        if (!sp || last <= sp)
            continue;
        unsigned long cnt = strtoul(last, NULL, 10);
        if (!simple_word(line, llen))
            continue;
        long id = b_intern(b, line, llen, 1);
        if (id < 0) {
            st = KH_ERR_NOMEM;
            break;
        }
        uint32_t *fq = &b->strs[id].freq[wp];
        *fq = (uint32_t)((uint64_t)*fq + cnt > UINT32_MAX ? UINT32_MAX : *fq + cnt);
    }
    kh_free(NULL, text);
    return st ? kh_error_set(b->err, st, 0, 0, "out of memory") : KH_OK;
}

/* data.noun: which noun lemmas WordNet writes capitalised (Iran, March). */
static kh_status load_noun_case(builder *b, const char *dir)
{
    char *text;
    size_t len, pos = 0, n;
    const char *line;
    kh_status st = read_file(b, dir, "data.noun", 1, &text, &len);
    if (st || !text)
        return st;
    while (next_line(text, len, &pos, &line, &n)) {
        size_t i = 0;
        const char *f;
        size_t fl;
        if (n == 0 || line[0] == ' ')
            continue;
        /* offset lex_filenum ss_type w_cnt (hex) then w_cnt x {word lex_id} */
        if (!next_field(line, n, &i, &f, &fl) || !next_field(line, n, &i, &f, &fl) ||
            !next_field(line, n, &i, &f, &fl) || !next_field(line, n, &i, &f, &fl))
            continue;
        unsigned long w_cnt = strtoul(f, NULL, 16);
        for (unsigned long k = 0; k < w_cnt && k < 256; k++) {
            const char *w, *lid;
            size_t wl, ll;
            if (!next_field(line, n, &i, &w, &wl) || !next_field(line, n, &i, &lid, &ll))
                break;
            if (!simple_word(w, wl))
                continue;
            long id = b_intern(b, w, wl, 1);
            if (id < 0) {
                kh_free(NULL, text);
                return kh_error_set(b->err, KH_ERR_NOMEM, 0, 0, "out of memory");
            }
            if (kh_is_upper((unsigned char)w[0]))
                b->strs[id].caps++;
            else
                b->strs[id].lows++;
        }
    }
    kh_free(NULL, text);
    return KH_OK;
}

typedef struct wn_files {
    char *index[WN_NPOS];
    size_t index_len[WN_NPOS];
    char *exc[WN_NPOS];
    size_t exc_len[WN_NPOS];
} wn_files;

/* The next single-word lemma of index.<p> from *pos, 0 at the end. */
static int next_index_lemma(const wn_files *wf, int p, size_t *pos, const char **w, size_t *wl)
{
    size_t n;
    const char *line;
    while (next_line(wf->index[p], wf->index_len[p], pos, &line, &n)) {
        size_t i = 0;
        if (n == 0 || line[0] == ' ' || !next_field(line, n, &i, w, wl) || !simple_word(*w, *wl))
            continue;
        return 1;
    }
    return 0;
}

/* Pass 1 over index.*: which strings are lemmas, of which WordNet POS. */
static kh_status mark_lemmas(builder *b, const wn_files *wf)
{
    for (int p = 0; p < WN_NPOS; p++) {
        size_t pos = 0;
        const char *w;
        size_t wl;
        while (next_index_lemma(wf, p, &pos, &w, &wl)) {
            long id = b_intern(b, w, wl, 1);
            if (id < 0)
                return kh_error_set(b->err, KH_ERR_NOMEM, 0, 0, "out of memory");
            b->strs[id].lemma_pos |= (uint8_t)(1u << p);
        }
    }
    return KH_OK;
}

/* ---- inflected forms (inflect.c) ---- */

static kh_status add_generated(builder *b, const char *form, size_t flen, const char *lemma,
                               size_t llen, kh_upos upos, uint32_t freq)
{
    return b_add(b, form, flen, lemma, llen, upos, KH_LEX_WORDNET | KH_LEX_INFL, freq);
}

/* Pass 2: base forms and regular inflections of every single-word lemma. */
static kh_status add_index(builder *b, const wn_files *wf)
{
    char out[2][KH_LEX_MAX_WORD + 8];
    size_t olen[2];
    for (int p = 0; p < WN_NPOS; p++) {
        size_t pos = 0;
        const char *w;
        size_t wl;
        while (next_index_lemma(wf, p, &pos, &w, &wl)) {
            long id = b_find(b, w, wl);
            if (id < 0)
                continue;
            const bstr s = b->strs[id];
            uint32_t freq = s.freq[p];
            kh_status st = KH_OK;
            kh_upos up = wn_upos[p];
            if (p == WN_NOUN && s.caps > 0) {
                /* Capitalised in every synset: a proper noun (Iran). */
                st = b_add(b, w, wl, w, wl, KH_UPOS_PROPN, KH_LEX_WORDNET | KH_LEX_PROPER, freq);
                if (!st && s.lows > 0)
                    st = b_add(b, w, wl, w, wl, up, KH_LEX_WORDNET, freq);
            } else {
                st = b_add(b, w, wl, w, wl, up, KH_LEX_WORDNET, freq);
            }
            if (st)
                return kh_error_set(b->err, st, 0, 0, "out of memory");
            int nf;
            int has_dash = memchr(w, '-', wl) != NULL || memchr(w, '.', wl) != NULL;
            switch (p) {
            case WN_NOUN:
                nf = kh_lex_inflect_s(w, wl, out, olen);
                for (int k = 0; k < nf && !st; k++)
                    st = add_generated(b, out[k], olen[k], w, wl,
                                       s.caps > 0 && s.lows == 0 ? KH_UPOS_PROPN : up, freq);
                break;
            case WN_VERB:
                nf = kh_lex_inflect_s(w, wl, out, olen);
                for (int k = 0; k < nf && !st; k++)
                    st = add_generated(b, out[k], olen[k], w, wl, up, freq);
                for (int suf = 0; suf < 2 && !st; suf++) {
                    nf = kh_lex_inflect_v(w, wl, suf ? "ing" : "ed", out, olen);
                    for (int k = 0; k < nf && !st; k++) {
                        /* A verb with irregular forms keeps a regular one only
                         * when it is no word of its own (see -> "seed"). */
                        if ((s.irreg & (suf ? 2 : 1)) && b_find(b, out[k], olen[k]) >= 0 &&
                            b->strs[b_find(b, out[k], olen[k])].lemma_pos)
                            continue;
                        st = add_generated(b, out[k], olen[k], w, wl, up, freq);
                    }
                }
                break;
            case WN_ADJ:
                if (has_dash || kh_lex_syllables(w, wl) > 2)
                    break;
                for (int suf = 0; suf < 2 && !st; suf++) {
                    nf = kh_lex_inflect_v(w, wl, suf ? "est" : "er", out, olen);
                    for (int k = 0; k < nf && !st; k++) {
                        long o = b_find(b, out[k], olen[k]);
                        if (o >= 0 && b->strs[o].lemma_pos) /* numb -> "number" */
                            continue;
                        st = add_generated(b, out[k], olen[k], w, wl, up, freq);
                    }
                }
                break;
            default:
                break;
            }
            if (st)
                return kh_error_set(b->err, st, 0, 0, "out of memory");
        }
    }
    return KH_OK;
}

/* Exception lists: "form lemma [lemma...]". With `mark_only`, records which
 * verbs have irregular forms (before the regular ones are generated). */
static kh_status add_exc(builder *b, const wn_files *wf, int mark_only)
{
    for (int p = 0; p < WN_NPOS; p++) {
        size_t pos = 0, n;
        const char *line;
        while (next_line(wf->exc[p], wf->exc_len[p], &pos, &line, &n)) {
            size_t i = 0;
            const char *form, *lem;
            size_t fl, ll;
            if (!next_field(line, n, &i, &form, &fl) || !simple_word(form, fl))
                continue;
            while (next_field(line, n, &i, &lem, &ll)) {
                if (!simple_word(lem, ll))
                    continue;
                long id = b_intern(b, lem, ll, 1);
                if (id < 0)
                    return kh_error_set(b->err, KH_ERR_NOMEM, 0, 0, "out of memory");
                if (mark_only) {
                    if (p == WN_VERB)
                        b->strs[id].irreg |= (uint8_t)(kh_lex_ends_with(form, fl, "ing") ? 2 :
                                                       kh_lex_ends_with(form, fl, "s") ? 0 : 1);
                    continue;
                }
                bstr s = b->strs[id];
                kh_upos up = wn_upos[p];
                if (p == WN_NOUN && s.caps > 0 && s.lows == 0)
                    up = KH_UPOS_PROPN;
                kh_status st = b_add(b, form, fl, lem, ll, up,
                                     KH_LEX_WORDNET | KH_LEX_IRREG | KH_LEX_INFL, s.freq[p]);
                if (st)
                    return kh_error_set(b->err, st, 0, 0, "out of memory");
            }
        }
    }
    return KH_OK;
}

/* ---- khaldun's closed-class lists ---- */

static int parse_upos(const char *s, size_t n, kh_upos *out)
{
    for (int u = 0; u < KH_UPOS_COUNT; u++) {
        const char *name = kh_upos_name((kh_upos)u);
        if (strlen(name) == n && memcmp(name, s, n) == 0) {
            *out = (kh_upos)u;
            return 1;
        }
    }
    return 0;
}

static const struct {
    const char *name;
    uint32_t flag;
} flag_names[] = {
    {"report", KH_LEX_REPORT}, {"modal", KH_LEX_MODAL}, {"neg", KH_LEX_NEG},
    {"aux", KH_LEX_AUX},       {"quant", KH_LEX_QUANT}, {"num", KH_LEX_NUMWORD},
    {"news", KH_LEX_NEWS},     {"infl", KH_LEX_INFL},
};

static kh_status load_list(builder *b, const char *dir, const char *name)
{
    char *text;
    size_t len, pos = 0, n, lineno = 0;
    const char *line;
    kh_status st = read_file(b, dir, name, 0, &text, &len);
    if (st)
        return st;
    while (!st && next_line(text, len, &pos, &line, &n)) {
        lineno++;
        /* '#' at the start of a line or after a blank starts a comment. */
        for (size_t k = 0; k < n; k++)
            if (line[k] == '#' && (k == 0 || kh_is_space((unsigned char)line[k - 1]))) {
                n = k;
                break;
            }
        size_t i = 0;
        const char *form, *up, *lem, *fl;
        size_t formn, upn, lemn, fln;
        if (!next_field(line, n, &i, &form, &formn))
            continue;
        if (!next_field(line, n, &i, &up, &upn) || !next_field(line, n, &i, &lem, &lemn)) {
            st = kh_error_set(b->err, KH_ERR_FORMAT, lineno, (size_t)(form - line) + 1,
                              "%s/%s:%zu: expected FORM UPOS LEMMA [FLAG...]", dir, name,
                              lineno);
            break;
        }
        kh_upos u;
        if (!parse_upos(up, upn, &u)) {
            st = kh_error_set(b->err, KH_ERR_FORMAT, lineno, (size_t)(up - line) + 1,
                              "%s/%s:%zu:%zu: unknown part of speech '%.*s'", dir, name,
                              lineno, (size_t)(up - line) + 1, (int)upn, up);
            break;
        }
        if (formn > KH_LEX_MAX_WORD || lemn > KH_LEX_MAX_WORD) {
            st = kh_error_set(b->err, KH_ERR_FORMAT, lineno, 1, "%s/%s:%zu: word too long",
                              dir, name, lineno);
            break;
        }
        uint32_t flags = KH_LEX_CLOSED;
        while (next_field(line, n, &i, &fl, &fln)) {
            size_t k = 0;
            for (; k < KH_ARRAY_LEN(flag_names); k++)
                if (strlen(flag_names[k].name) == fln && !memcmp(flag_names[k].name, fl, fln))
                    break;
            if (k == KH_ARRAY_LEN(flag_names)) {
                st = kh_error_set(b->err, KH_ERR_FORMAT, lineno, (size_t)(fl - line) + 1,
                                  "%s/%s:%zu:%zu: unknown flag '%.*s'", dir, name, lineno,
                                  (size_t)(fl - line) + 1, (int)fln, fl);
                break;
            }
            flags |= flag_names[k].flag;
        }
        if (st)
            break;
        char low[KH_LEX_MAX_WORD + 1];
        for (size_t k = 0; k < lemn; k++)
            low[k] = (char)kh_to_lower((unsigned char)lem[k]);
        long lowid = b_find(b, low, lemn);
        uint32_t freq = 0;
        if (lowid >= 0 && (u == KH_UPOS_VERB || u == KH_UPOS_AUX))
            freq = b->strs[lowid].freq[WN_VERB];
        else if (lowid >= 0 && u == KH_UPOS_NOUN)
            freq = b->strs[lowid].freq[WN_NOUN];
        else if (lowid >= 0 && u == KH_UPOS_ADJ)
            freq = b->strs[lowid].freq[WN_ADJ];
        else if (lowid >= 0 && u == KH_UPOS_ADV)
            freq = b->strs[lowid].freq[WN_ADV];
        if (b_add(b, form, formn, lem, lemn, u, flags, freq))
            st = kh_error_set(b->err, KH_ERR_NOMEM, 0, 0, "out of memory");
    }
    kh_free(NULL, text);
    return st;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static kh_status load_lists(builder *b, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return kh_error_set(b->err, errno == ENOENT ? KH_ERR_NOTFOUND : KH_ERR_IO, 0, 0,
                            "%s: %s", dir, strerror(errno));
    char *names[256] = {NULL};
    size_t nn = 0;
    struct dirent *de;
    kh_status st = KH_OK;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".txt") != 0 || de->d_name[0] == '.')
            continue;
        if (nn == KH_ARRAY_LEN(names)) {
            st = kh_error_set(b->err, KH_ERR_LIMIT, 0, 0, "%s: too many lists", dir);
            break;
        }
        if (!(names[nn] = kh_strndup(NULL, de->d_name, l))) {
            st = kh_error_set(b->err, KH_ERR_NOMEM, 0, 0, "out of memory");
            break;
        }
        nn++;
    }
    closedir(d);
    if (nn)
        qsort(names, nn, sizeof names[0], cmp_names);
    for (size_t i = 0; i < nn; i++) {
        if (!st)
            st = load_list(b, dir, names[i]);
        kh_free(NULL, names[i]);
    }
    return st;
}

/* The word classes of DIR/classes/ (classes.c). */
static kh_status lex_classes(builder *b, const char *dir, kh_buf *out)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/classes", dir) >= (int)sizeof path)
        return kh_error_set(b->err, KH_ERR_INVALID, 0, 0, "path too long: %s", dir);
    return kh_lex_classes_build(path, out, &b->source_hash, &b->inputs, b->err);
}

/* ---- output ---- */

typedef struct out_sections {
    kh_buf meta, slots, forms, entries, classes;
} out_sections;

static kh_status emit(builder *b, out_sections *o)
{
    kh_buf_init(&o->meta, NULL, 0);
    kh_buf_init(&o->slots, NULL, 0);
    kh_buf_init(&o->forms, NULL, 0);
    kh_buf_init(&o->entries, NULL, 0);
    size_t n_forms = 0;
    for (size_t i = 0; i < b->n_strs; i++)
        if (b->strs[i].head)
            n_forms++;
    if (n_forms == 0)
        return kh_error_set(b->err, KH_ERR_FORMAT, 0, 0, "no word forms: empty sources?");
    uint32_t n_slots = 1024;
    while (n_slots < n_forms * 2 + 1)
        n_slots *= 2;
    if (kh_buf_reserve(&o->slots, (size_t)n_slots * 8) ||
        kh_buf_reserve(&o->forms, n_forms * KH_LEX_FORM_SIZE))
        return kh_error_set(b->err, KH_ERR_NOMEM, 0, 0, "out of memory");
    memset(o->slots.data, 0, (size_t)n_slots * 8);
    o->slots.len = (size_t)n_slots * 8;
    uint32_t max_probe = 1, n_entries = 0, form_no = 0;
    unsigned char rec[KH_LEX_FORM_SIZE], ent[KH_LEX_ENTRY_SIZE];

    for (size_t i = 0; i < b->n_strs; i++) {
        bstr *s = &b->strs[i];
        if (!s->head)
            continue;
        /* Merge this form's raw entries by lemma; the lists override WordNet. */
        uint32_t first = n_entries, n = 0, pos_union = 0, flag_union = 0;
        uint32_t best_freq = 0;
        int best = -1;
        uint32_t lemmas[BUILD_MAX_ENTRIES_PER_FORM], epos[BUILD_MAX_ENTRIES_PER_FORM],
            eflags[BUILD_MAX_ENTRIES_PER_FORM], efreq[BUILD_MAX_ENTRIES_PER_FORM];
        for (uint32_t k = s->head; k; k = b->ents[k - 1].next) {
            const rawent *r = &b->ents[k - 1];
            if (s->closed && !(r->flags & KH_LEX_CLOSED))
                continue;
            /* The lists give their most frequent use first; WordNet's counts
             * decide for the rest. */
            if (best < 0 || (!s->closed && r->freq > best_freq)) {
                best = r->upos;
                best_freq = r->freq;
            }
            uint32_t j = 0;
            for (; j < n; j++)
                if (lemmas[j] == r->lemma)
                    break;
            if (j == n) {
                if (n == BUILD_MAX_ENTRIES_PER_FORM)
                    continue;
                lemmas[n] = r->lemma;
                epos[n] = eflags[n] = efreq[n] = 0;
                n++;
            }
            epos[j] |= KH_POS_BIT(r->upos);
            eflags[j] |= r->flags;
            if (r->freq > efreq[j])
                efreq[j] = r->freq;
        }
        for (uint32_t j = 0; j < n; j++) {
            kh_wr32(ent, b->strs[lemmas[j]].off);
            kh_wr32(ent + 4, epos[j]);
            kh_wr32(ent + 8, eflags[j]);
            kh_wr32(ent + 12, efreq[j]);
            if (kh_buf_append(&o->entries, (const char *)ent, sizeof ent))
                return kh_error_set(b->err, KH_ERR_NOMEM, 0, 0, "out of memory");
            pos_union |= epos[j];
            flag_union |= eflags[j];
            b->strs[lemmas[j]].used_as_lemma = 1;
        }
        n_entries += n;
        kh_wr32(rec, s->off);
        kh_wr32(rec + 4, first);
        kh_wr32(rec + 8, pos_union);
        rec[12] = (unsigned char)(flag_union & 0xff);
        rec[13] = (unsigned char)((flag_union >> 8) & 0xff);
        rec[14] = (unsigned char)n;
        rec[15] = (unsigned char)(best < 0 ? 0 : best);
        if (kh_buf_append(&o->forms, (const char *)rec, sizeof rec))
            return kh_error_set(b->err, KH_ERR_NOMEM, 0, 0, "out of memory");
        uint64_t h = kh_hash64_lower(b->pool.data + s->off, s->len, KH_LEX_HASH_SEED);
        uint32_t slot = (uint32_t)h & (n_slots - 1), probe = 1;
        unsigned char *sl = (unsigned char *)o->slots.data;
        while (kh_rd32(sl + (size_t)slot * 8 + 4)) {
            slot = (slot + 1) & (n_slots - 1);
            probe++;
        }
        kh_wr32(sl + (size_t)slot * 8, (uint32_t)(h >> 32));
        kh_wr32(sl + (size_t)slot * 8 + 4, ++form_no);
        if (probe > max_probe)
            max_probe = probe;
    }
    uint32_t n_lemmas = 0;
    for (size_t i = 0; i < b->n_strs; i++)
        n_lemmas += b->strs[i].used_as_lemma;
    unsigned char meta[KH_LEX_META_SIZE] = {0};
    kh_wr32(meta, form_no);
    kh_wr32(meta + 4, n_entries);
    kh_wr32(meta + 8, n_slots);
    kh_wr32(meta + 12, max_probe);
    kh_wr32(meta + 16, n_lemmas);
    if (kh_buf_append(&o->meta, (const char *)meta, sizeof meta))
        return kh_error_set(b->err, KH_ERR_NOMEM, 0, 0, "out of memory");
    return KH_OK;
}

static void out_free(out_sections *o)
{
    kh_buf_free(&o->meta);
    kh_buf_free(&o->slots);
    kh_buf_free(&o->forms);
    kh_buf_free(&o->entries);
    kh_buf_free(&o->classes);
}

static void builder_free(builder *b)
{
    kh_buf_free(&b->pool);
    kh_buf_free(&b->inputs);
    kh_free(NULL, b->strs);
    kh_free(NULL, b->table);
    kh_free(NULL, b->ents);
}

kh_status kh_lexicon_build_ex(const kh_lex_build_options *opt, const char *out_path,
                              kh_error *err)
{
    if (!opt || !opt->wordnet_dir || !out_path)
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "no WordNet directory or output path");
    if (opt->train_path && opt->model_path)
        return kh_error_set(err, KH_ERR_INVALID, 0, 0,
                            "train the tagger or read its weights, not both");
    if (opt->save_model && !opt->train_path)
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "saving the weights needs training");
    builder b;
    memset(&b, 0, sizeof b);
    b.err = err;
    kh_buf_init(&b.pool, NULL, (size_t)UINT32_MAX);
    kh_buf_init(&b.inputs, NULL, 0);
    /* The training or weights file is read later (by the trainer or the
     * weights reader); the image must not replace it either. */
    const char *later = opt->train_path ? opt->train_path : opt->model_path;
    struct stat ls;
    if (later && stat(later, &ls) == 0) {
        kh_file_id id = {(uint64_t)ls.st_dev, (uint64_t)ls.st_ino};
        if (kh_buf_append(&b.inputs, (const char *)&id, sizeof id) != KH_OK) {
            builder_free(&b);
            return kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
        }
    }
    wn_files wf;
    memset(&wf, 0, sizeof wf);
    out_sections o;
    memset(&o, 0, sizeof o);
    kh_status st = KH_OK;
    char name[32];

    for (int p = 0; p < WN_NPOS && !st; p++) {
        snprintf(name, sizeof name, "index.%s", wn_names[p]);
        st = read_file(&b, opt->wordnet_dir, name, 0, &wf.index[p], &wf.index_len[p]);
        snprintf(name, sizeof name, "%s.exc", wn_names[p]);
        if (!st)
            st = read_file(&b, opt->wordnet_dir, name, 1, &wf.exc[p], &wf.exc_len[p]);
    }
    if (!st)
        st = load_counts(&b, opt->wordnet_dir);
    if (!st)
        st = load_noun_case(&b, opt->wordnet_dir);
    if (!st)
        st = mark_lemmas(&b, &wf);
    if (!st)
        st = add_exc(&b, &wf, 1);
    /* The lists first: their entries come first in each form (tie-breaks). */
    if (!st && opt->closed_dir)
        st = load_lists(&b, opt->closed_dir);
    if (!st)
        st = add_exc(&b, &wf, 0);
    if (!st)
        st = add_index(&b, &wf);
    if (!st)
        st = emit(&b, &o);
    kh_buf_init(&o.classes, NULL, 0);
    if (!st && opt->closed_dir)
        st = lex_classes(&b, opt->closed_dir, &o.classes);
    /* an empty section still says "no classes" (NUL-terminated, length 0) */
    if (!st && kh_buf_reserve(&o.classes, 1))
        st = kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    if (!st) {
        kh_image_section_in secs[6] = {
            {KH_LEX_SEC_META, o.meta.data, o.meta.len},
            {KH_LEX_SEC_STRS, b.pool.data, b.pool.len},
            {KH_LEX_SEC_SLOT, o.slots.data, o.slots.len},
            {KH_LEX_SEC_FORM, o.forms.data, o.forms.len},
            {KH_LEX_SEC_ENTR, o.entries.data, o.entries.len},
            {KH_LEX_SEC_CLASS, o.classes.data, o.classes.len},
        };
        st = kh_lex_write_image(opt, b.source_hash, (const kh_file_id *)(const void *)b.inputs.data,
                                b.inputs.len / sizeof(kh_file_id), secs, out_path, err);
    }
    for (int p = 0; p < WN_NPOS; p++) {
        kh_free(NULL, wf.index[p]);
        kh_free(NULL, wf.exc[p]);
    }
    out_free(&o);
    builder_free(&b);
    return st;
}

kh_status kh_lexicon_build(const char *wordnet_dir, const char *closed_dir,
                           const char *out_path, kh_error *err)
{
    kh_lex_build_options opt;
    memset(&opt, 0, sizeof opt);
    opt.wordnet_dir = wordnet_dir;
    opt.closed_dir = closed_dir;
    return kh_lexicon_build_ex(&opt, out_path, err);
}
