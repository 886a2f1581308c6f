/*
 * import.c: the machinery both peer importers share (declared in
 * peer/import.h): reading their files line by line with FILE:LINE:COL
 * messages, code blocks, phrases with TABARI word modes, synsets with
 * nested expansion, actor entries with dated codes, agents, and verb
 * patterns turned into kh_elem sequences. tabari.c and petrarch.c read the
 * two peers' file layouts and call in here; everything lands in the
 * dictionary builder (dict/build.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "peer/import.h"

#define IMP_MAX_NAMES 65536  /* phrases of one actor entry (Phoenix has 400 and more) */

struct imp_span {
    const char *s;
    size_t len;
    size_t lineno;
    size_t col;
};

struct imp_role {
    kh_role role;
    int dated;
};

/* ---------------------------------------------------------------------- */
/* Small helpers                                                          */

int kh_imp_is_blank(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

void kh_imp_trim(const char **s, size_t *n)
{
    while (*n && kh_is_space((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && kh_is_space((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

int kh_imp_is_alnum(int c) { return kh_is_alpha(c) || kh_is_digit(c); }

int kh_imp_has_prefix_ci(const char *s, size_t n, const char *p)
{
    size_t pl = strlen(p);
    if (n < pl)
        return 0;
    for (size_t i = 0; i < pl; i++)
        if (kh_to_upper((unsigned char)s[i]) != kh_to_upper((unsigned char)p[i]))
            return 0;
    return 1;
}

void kh_imp_init(kh_imp *im, kh_dict_builder *b, const char *name, kh_imp_dialect dialect)
{
    memset(im, 0, sizeof *im);
    im->b = b;
    im->name = name;
    im->dialect = dialect;
    im->syns.elem = sizeof(struct imp_syn);
    im->mems.elem = sizeof(struct imp_mem);
    kh_buf_init(&im->text, b->alloc, (size_t)64 << 20);
}

void kh_imp_free(kh_imp *im)
{
    kh_free(im->b->alloc, im->syns.p);
    kh_free(im->b->alloc, im->mems.p);
    kh_buf_free(&im->text);
    im->syns.p = im->mems.p = NULL;
}

/* 1-based column of `at` in the current line (1 when it lies elsewhere). */
size_t kh_imp_col_in(const kh_imp *im, const char *at)
{
    uintptr_t a = (uintptr_t)at, l = (uintptr_t)im->line;
    if (!at || !im->line || a < l || a - l > ((size_t)1 << 24))
        return 1;
    return (size_t)(a - l) + 1;
}

void kh_imp_diag(kh_imp *im, const char *at, kh_severity sev, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    kh_srcpos pos = {im->name, im->lineno, kh_imp_col_in(im, at)};
    kh_bld_diag(im->b, &pos, sev, "%s", msg);
}


int kh_imp_next_line(kh_imp *im, const char *data, size_t len, size_t *pos, const char **s,
                     size_t *n)
{
    if (*pos >= len)
        return 0;
    const char *line = data + *pos;
    size_t ll = 0;
    while (*pos + ll < len && data[*pos + ll] != '\n')
        ll++;
    *pos += ll + (*pos + ll < len);
    if (ll && line[ll - 1] == '\r')
        ll--;
    im->line = line;
    im->lineno++;
    *s = line;
    *n = ll;
    return 1;
}

int kh_imp_line_ok(kh_imp *im, const char *s, size_t n)
{
    const char *z = memchr(s, '\0', n);
    if (z) {
        IMP_ERR(im, z, "NUL byte in a dictionary line");
        return 0;
    }
    if (!kh_utf8_valid(s, n)) {
        IMP_ERR(im, s, "invalid UTF-8");
        return 0;
    }
    return 1;
}

/* ---------------------------------------------------------------------- */
/* Codes                                                                  */

static int special_code(const char *s, size_t n)
{
    return (n == 3 && (!memcmp(s, "---", 3) || !memcmp(s, "###", 3) || !memcmp(s, "+++", 3))) ||
           (n == 8 && !memcmp(s, KH_CODE_DISCARD_STORY, 8));
}

kh_status kh_bld_code_ensure(kh_dict_builder *b, const char *code, size_t len,
                             const kh_srcpos *pos)
{
    uint32_t off;
    kh_status st = kh_bld_str(b, code, len, &off);
    if (st)
        return st;
    uint32_t idx;
    if (kh_map_get(&b->code_map, off, &idx))
        return KH_OK;
    kh_code_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.code = off;
    const char *name = "";
    int special = special_code(code, len);
    if (special)
        name = code[0] == '-' ? "null code (no event)" : code[0] == '+' ? "complex (set aside)"
                                                                      : "discard";
    st = kh_bld_str(b, name, strlen(name), &rec.name);
    if (st)
        return st;
    if (!special && len >= 2 && kh_is_digit((unsigned char)code[0]) &&
        kh_is_digit((unsigned char)code[1])) {
        int root = (code[0] - '0') * 10 + (code[1] - '0');
        if (root >= 1 && root <= 20)
            rec.quad = root <= 5 ? 1u : root <= 8 ? 2u : root <= 13 ? 3u : 4u;
    }
    int found;
    st = kh_map_get_or_put(b->alloc, &b->code_map, off, (uint32_t)b->codes.n, &idx, &found);
    if (!st)
        st = kh_vec_push(b->alloc, &b->codes, &rec);
    if (!st && !special)
        kh_bld_remark(b, pos,
                    "event code '%.*s' is not in the CAMEO table: added with Goldstein 0%s",
                    (int)len, code, rec.quad ? "" : " and no QuadClass");
    return st;
}

static int code_chars_ok(const char *s, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!kh_imp_is_alnum((unsigned char)s[i]))
            return 0;
    return 1;
}

int kh_imp_split_code(const char *s, size_t len, const char **text, size_t *text_len,
                      const char **code, size_t *code_len)
{
    const char *lb = memchr(s, '[', len);
    if (!lb) {
        *text = s;
        *text_len = len;
        kh_imp_trim(text, text_len);
        return 0;
    }
    const char *rb = memchr(lb, ']', len - (size_t)(lb - s));
    *text = s;
    *text_len = (size_t)(lb - s);
    kh_imp_trim(text, text_len);
    *code = lb + 1;
    *code_len = rb ? (size_t)(rb - lb - 1) : len - (size_t)(lb - s) - 1;
    return rb ? 1 : -1;
}

kh_status kh_imp_code_parse(kh_imp *im, const char *s, size_t len, int time, kh_imp_code *out)
{
    memset(out, 0, sizeof *out);
    char c[40];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (kh_imp_is_blank((unsigned char)s[i]))
            continue;
        if (n + 1 >= sizeof c) {
            IMP_ERR(im, s, "code too long");
            return KH_ERR_FORMAT;
        }
        c[n++] = s[i];
    }
    c[n] = '\0';
    kh_srcpos pos = {im->name, im->lineno, kh_imp_col_in(im, s)};
    if (!n) {
        IMP_ERR(im, s, "no code in [...]");
        return KH_ERR_FORMAT;
    }
    if (special_code(c, n)) {
        memcpy(out->code, c, n + 1);
        out->flags = c[0] == '-' ? KH_PAT_NULL : c[0] == '+' ? KH_PAT_COMPLEX : KH_PAT_DISCARD;
        if (time)
            out->flags |= KH_PAT_TIME;
        return kh_bld_code_ensure(im->b, c, n, &pos);
    }
    if (time) {
        size_t i = c[0] == '+' || c[0] == '-';
        long v = 0;
        if (i == n) {
            IMP_ERR(im, s, "bad time shift '%s' (days, like -7 or +30)", c);
            return KH_ERR_FORMAT;
        }
        for (; i < n; i++) {
            if (!kh_is_digit((unsigned char)c[i])) {
                IMP_ERR(im, s, "bad time shift '%s' (days, like -7 or +30)", c);
                return KH_ERR_FORMAT;
            }
            if (v < 100000)
                v = v * 10 + (c[i] - '0');
        }
        if (v > 8192) {
            IMP_WARN(im, s, "time shift '%s' is over 8192 days: taken as 0", c);
            v = 0;
        }
        out->shift = (int32_t)(c[0] == '-' ? -v : v);
        out->flags = KH_PAT_TIME | KH_PAT_NULL;
        memcpy(out->code, KH_CODE_NULL, sizeof KH_CODE_NULL);
        return kh_bld_code_ensure(im->b, KH_CODE_NULL, 3, NULL);
    }
    if (c[n - 1] == '?' || c[n - 1] == '!') {
        out->flags |= c[n - 1] == '?' ? KH_PAT_SUBORDINATE : KH_PAT_DOMINANT;
        c[--n] = '\0';
    }
    /* PETRARCH2's combined codes "[:173]": the code the verb's meaning
     * combines into, with no code of its own before the colon. */
    if (n > 1 && c[0] == ':' && im->dialect == KH_IMP_PETRARCH) {
        memmove(c, c + 1, n);
        n--;
    }
    char *colon = memchr(c, ':', n);
    size_t n1 = colon ? (size_t)(colon - c) : n;
    if (!code_chars_ok(c, n1) || (colon && !code_chars_ok(colon + 1, n - n1 - 1))) {
        IMP_ERR(im, s, "bad event code '%.*s' (letters and digits; CODE:CODE for a pair)",
                (int)len, s);
        return KH_ERR_FORMAT;
    }
    memcpy(out->code, c, n1);
    out->code[n1] = '\0';
    kh_status st = kh_bld_code_ensure(im->b, c, n1, &pos);
    if (!st && colon) {
        out->flags |= KH_PAT_PAIRED;
        memcpy(out->code2, colon + 1, n - n1 - 1);
        out->code2[n - n1 - 1] = '\0';
        st = kh_bld_code_ensure(im->b, colon + 1, n - n1 - 1, &pos);
    }
    return st;
}

/* ---------------------------------------------------------------------- */
/* Words and phrases                                                      */


/* Id of token word `id` with the stem marker appended. */
static kh_status stem_id(kh_dict_builder *b, uint32_t id, uint32_t *out)
{
    const kh_word_rec *w = &KH_VEC_AT(b->words, kh_word_rec, id);
    char tmp[IMP_MAX_WORD + 2];
    if (w->len > IMP_MAX_WORD) {
        *out = id;
        return KH_OK;
    }
    memcpy(tmp, b->pool.data + w->str, w->len);
    tmp[w->len] = KH_WORD_STEM;
    return kh_bld_word(b, tmp, w->len + 1, out);
}

/* Tokenises one dictionary word as the runtime would; the last token gets
 * the stem marker when `stem`. */
kh_status kh_imp_word_ids(kh_imp *im, const char *w, size_t wl, int stem, uint32_t *ids,
                          size_t max, size_t *n)
{
    *n = 0;
    if (!wl)
        return KH_OK;
    kh_status st = KH_OK;
    /* TABARI reads a hyphen in a dictionary word as `_` (manual 5.2), as
     * it blanks hyphens in the text: "AL-ASSAD" is AL ASSAD, adjacent. */
    for (size_t a = 0; im->dialect == KH_IMP_TABARI && a < wl && !st;) {
        size_t e = a;
        while (e < wl && w[e] != '-')
            e++;
        size_t got = 0;
        if (e > a)
            st = kh_bld_tokenize(im->b, w + a, e - a, ids + *n, max - *n, &got);
        *n += got;
        a = e + 1;
    }
    if (im->dialect != KH_IMP_TABARI)
        st = kh_bld_tokenize(im->b, w, wl, ids, max, n);
    if (st)
        return st;
    if (stem && *n)
        st = stem_id(im->b, ids[*n - 1], &ids[*n - 1]);
    return st;
}

static kh_status trie_add(kh_dict_builder *b, const uint32_t *ids, size_t n, uint32_t kind,
                          uint32_t ref)
{
    uint32_t cur;
    kh_status st0 = kh_bld_trie_node(b, ids, n, &cur);
    if (st0)
        return st0;
    kh_bnode *nd = &KH_VEC_AT(b->nodes, kh_bnode, cur);
    for (uint32_t p = nd->head; p != KH_NONE;) {
        const kh_bpayload *bp = &KH_VEC_AT(b->bpayloads, kh_bpayload, p);
        if (bp->kind == kind && bp->ref == ref)
            return KH_OK; /* the same name twice (often a generated form): once is enough */
        p = bp->next;
    }
    kh_bpayload bp = {kind, ref, nd->head};
    kh_status st = kh_vec_push(b->alloc, &b->bpayloads, &bp);
    if (st)
        return st;
    nd = &KH_VEC_AT(b->nodes, kh_bnode, cur);
    nd->head = (uint32_t)(b->bpayloads.n - 1);
    nd->count++;
    return KH_OK;
}

struct pword {
    const char *s;
    size_t len;
    int mode;
};

/* Splits a phrase into words on blanks, `_` and `~`; a word's mode follows
 * from what ends it (TABARI 5.2.2). Returns the count (0 on overflow). */
static size_t phrase_words(kh_imp_dialect d, const char *s, size_t len, struct pword *w,
                           size_t max)
{
    size_t n = 0, i = 0;
    while (i < len) {
        while (i < len && (kh_imp_is_blank((unsigned char)s[i]) || s[i] == '_' || s[i] == '~'))
            i++;
        if (i >= len)
            break;
        size_t st = i;
        while (i < len && !kh_imp_is_blank((unsigned char)s[i]) && s[i] != '_' && s[i] != '~' &&
               s[i] != '=')
            i++;
        if (n == max)
            return 0;
        w[n].s = s + st;
        w[n].len = i - st;
        if (d == KH_IMP_PETRARCH)
            w[n].mode = W_EXACT;
        else if (i < len && s[i] == '=')
            w[n].mode = W_NOEND;
        else if (i < len && s[i] == '_')
            w[n].mode = W_EXACT;
        else
            w[n].mode = W_STEM;
        while (i < len && s[i] == '=')
            i++;
        n++;
    }
    return n;
}

/* Regular plural / ending forms of a final word (upper or lower case as
 * given). TABARI: the S and 'S noun endings (the tokenizer splits 's);
 * PETRARCH: S, IES after Y, ES after SS (and S, X, CH, SH). */
static size_t plural_forms(kh_imp_dialect d, const char *w, size_t n, char out[][64], size_t max)
{
    size_t k = 0;
    if (!n || n + 4 >= 64 || max < 2)
        return 0;
    char last = (char)kh_to_upper((unsigned char)w[n - 1]);
    char prev = n > 1 ? (char)kh_to_upper((unsigned char)w[n - 2]) : 0;
    int lower = kh_is_lower((unsigned char)w[n - 1]);
    if (d == KH_IMP_PETRARCH && last == 'Y' && n > 1 && !strchr("AEIOU", prev)) {
        snprintf(out[k++], 64, "%.*s%s", (int)(n - 1), w, lower ? "ies" : "IES");
    } else if (last == 'S' || last == 'X' || (last == 'H' && (prev == 'C' || prev == 'S'))) {
        snprintf(out[k++], 64, "%.*s%s", (int)n, w, lower ? "es" : "ES");
    } else {
        snprintf(out[k++], 64, "%.*s%s", (int)n, w, lower ? "s" : "S");
    }
    return k;
}

kh_status kh_imp_phrase(kh_imp *im, const char *s, size_t len, uint32_t kind, uint32_t ref,
                        int plural, int stem_last)
{
    struct pword w[KH_MAX_PHRASE];
    size_t nw = phrase_words(im->dialect, s, len, w, KH_ARRAY_LEN(w));
    if (!nw) {
        IMP_ERR(im, s, len ? "phrase '%.*s' is too long (at most %d words)" : "empty phrase%.*s",
                (int)len, s, KH_MAX_PHRASE);
        return KH_ERR_FORMAT;
    }
    if (stem_last)
        w[nw - 1].mode = W_STEM;
    for (size_t i = 0; i < nw; i++)
        if (w[i].len > IMP_MAX_WORD) {
            IMP_ERR(im, w[i].s, "word longer than %d bytes", IMP_MAX_WORD);
            return KH_ERR_FORMAT;
        }
    /* The forms of the final word: as written, plus its endings. */
    char forms[4][64];
    size_t nf = 1;
    snprintf(forms[0], 64, "%.*s", (int)w[nw - 1].len, w[nw - 1].s);
    if (plural && w[nw - 1].mode == W_EXACT)
        nf += plural_forms(im->dialect, w[nw - 1].s, w[nw - 1].len, forms + 1, 3);
    for (size_t f = 0; f < nf; f++) {
        uint32_t ids[KH_MAX_PHRASE * 2];
        size_t n = 0;
        kh_status st = KH_OK;
        /* TABARI actor names, synset members and alternatives: a blank
         * between two words lets words come between them (KH_WORD_GAP);
         * `_` keeps them together. */
        int gaps = im->dialect == KH_IMP_TABARI && (kind == KH_P_ACTOR || kind == KH_P_SYNSET);
        for (size_t i = 0; i < nw && !st; i++) {
            size_t got;
            int last = i + 1 == nw;
            st = kh_imp_word_ids(im, last ? forms[f] : w[i].s, last ? strlen(forms[f]) : w[i].len,
                          w[i].mode == W_STEM && !(last && f > 0), ids + n,
                          KH_ARRAY_LEN(ids) - n, &got);
            n += got;
            if (!st && gaps && !last && w[i].mode == W_STEM && n < KH_ARRAY_LEN(ids))
                st = kh_bld_word(im->b, KH_WORD_GAP, 1, &ids[n++]);
        }
        if (st == KH_ERR_LIMIT || n > KH_MAX_PHRASE) {
            IMP_ERR(im, s, "phrase '%.*s' has more than %d words", (int)len, s, KH_MAX_PHRASE);
            return KH_ERR_FORMAT;
        }
        if (st)
            return st;
        if (!n) {
            IMP_ERR(im, s, "phrase '%.*s' holds no word", (int)len, s);
            return KH_ERR_FORMAT;
        }
        st = trie_add(im->b, ids, n, kind, ref);
        if (st)
            return st;
    }
    return KH_OK;
}

/* ---------------------------------------------------------------------- */
/* Synsets                                                                */

int kh_imp_syn_find(kh_imp *im, const char *name, size_t len, uint32_t *at)
{
    char folded[128];
    if (len > sizeof folded)
        return 0;
    kh_dict_fold(name, len, folded);
    for (size_t i = 0; i < im->syns.n; i++) {
        const struct imp_syn *y = &KH_VEC_AT(im->syns, struct imp_syn, i);
        const char *nm = im->b->pool.data + y->name;
        if (strlen(nm) == len && !memcmp(nm, folded, len)) {
            *at = (uint32_t)i;
            return 1;
        }
    }
    return 0;
}

/* Length of a synset designator's name at s (after '&'): letters, digits. */
size_t kh_imp_syn_name_len(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && kh_imp_is_alnum((unsigned char)s[i]))
        i++;
    return i;
}

kh_status kh_imp_synset_define(kh_imp *im, const char *name, size_t len, uint32_t *syn)
{
    int plural = im->dialect == KH_IMP_PETRARCH;
    if (len && name[len - 1] == '_') {
        plural = 0;
        len--;
    }
    size_t nl = len > 1 ? kh_imp_syn_name_len(name + 1, len - 1) : 0;
    /* PETRARCH names may join words with '_' ("&FIGHT_OF_WORDS"). */
    while (im->dialect == KH_IMP_PETRARCH && nl + 2 < len && name[1 + nl] == '_' &&
           kh_imp_is_alnum((unsigned char)name[2 + nl]))
        nl += 1 + kh_imp_syn_name_len(name + 2 + nl, len - 2 - nl);
    if (len < 2 || name[0] != '&' || nl != len - 1) {
        IMP_ERR(im, name, "bad synset name '%.*s' (& and letters or digits)", (int)len, name);
        return KH_ERR_FORMAT;
    }
    uint32_t at;
    if (kh_imp_syn_find(im, name, len, &at)) {
        IMP_WARN(im, name, "synset '%.*s' defined again: members added to the first", (int)len,
                 name);
        *syn = at;
        return KH_OK;
    }
    struct imp_syn y;
    memset(&y, 0, sizeof y);
    y.plural = plural;
    y.first = (uint32_t)im->mems.n;
    char folded[128];
    if (len > sizeof folded) {
        IMP_ERR(im, name, "synset name too long");
        return KH_ERR_FORMAT;
    }
    kh_dict_fold(name, len, folded);
    kh_status st = kh_bld_str(im->b, folded, len, &y.name);
    if (!st)
        st = kh_bld_synset(im->b, name, len, &y.index);
    if (!st)
        st = kh_vec_push(im->b->alloc, &im->syns, &y);
    *syn = (uint32_t)(im->syns.n - 1);
    return st;
}

/* Expands the first synset designator in s with each member of that
 * synset, recursively; calls add() on each plain result. */

kh_status kh_imp_expand(kh_imp *im, const char *s, size_t len, int depth, size_t *budget,
                        expand_fn add, void *ctx, const char *at)
{
    const char *amp = memchr(s, '&', len);
    if (!amp)
        return add(im, ctx, s, len);
    size_t nl = kh_imp_syn_name_len(amp + 1, len - (size_t)(amp - s) - 1);
    uint32_t y;
    if (!nl || !kh_imp_syn_find(im, amp, nl + 1, &y)) {
        IMP_ERR(im, at, "synset '%.*s' is not defined (define it before it is used)",
                (int)(nl + 1), amp);
        return KH_ERR_FORMAT;
    }
    if (depth > 6) {
        IMP_ERR(im, at, "synsets nested too deeply");
        return KH_ERR_FORMAT;
    }
    const struct imp_syn *sy = &KH_VEC_AT(im->syns, struct imp_syn, y);
    size_t pre = (size_t)(amp - s), post_off = pre + 1 + nl;
    (void)sy;
    /* Members are kept in definition order, tagged with their synset. */
    size_t n_mems = im->mems.n;
    for (size_t m = 0; m < n_mems; m++) {
        const struct imp_mem mem = KH_VEC_AT(im->mems, struct imp_mem, m);
        if (mem.syn != y)
            continue;
        if (*budget == 0) {
            IMP_ERR(im, at, "synset expansion too large (over %d phrases)", IMP_MAX_EXPAND);
            return KH_ERR_FORMAT;
        }
        (*budget)--;
        size_t tl = pre + mem.len + (len - post_off);
        char *tmp = (char *)kh_malloc(im->b->alloc, tl + 1);
        if (!tmp)
            return KH_ERR_NOMEM;
        memcpy(tmp, s, pre);
        memcpy(tmp + pre, im->text.data + mem.off, mem.len);
        memcpy(tmp + pre + mem.len, s + post_off, len - post_off);
        kh_status st = kh_imp_expand(im, tmp, tl, depth + 1, budget, add, ctx, at);
        kh_free(im->b->alloc, tmp);
        if (st)
            return st;
    }
    return KH_OK;
}

struct member_ctx {
    uint32_t syn;
    const char *at;
};

static kh_status add_member(kh_imp *im, void *vctx, const char *s, size_t len)
{
    struct member_ctx *c = (struct member_ctx *)vctx;
    struct imp_syn *sy = &KH_VEC_AT(im->syns, struct imp_syn, c->syn);
    /* PETRARCH: a member ending in _ takes no plural. */
    int plural = sy->plural;
    size_t l = len;
    while (l && kh_imp_is_blank((unsigned char)s[l - 1]))
        l--;
    if (im->dialect == KH_IMP_PETRARCH && l && s[l - 1] == '_')
        plural = 0;
    if (im->text.len + len > UINT32_MAX)
        return KH_ERR_LIMIT;
    struct imp_mem mem = {c->syn, (uint32_t)im->text.len, (uint32_t)len};
    kh_status st = kh_buf_append(&im->text, s, len);
    if (!st)
        st = kh_vec_push(im->b->alloc, &im->mems, &mem);
    if (st)
        return st;
    sy = &KH_VEC_AT(im->syns, struct imp_syn, c->syn);
    sy->count++;
    st = kh_imp_phrase(im, s, len, KH_P_SYNSET, sy->index, plural, 0);
    return st == KH_ERR_FORMAT ? KH_OK : st;
}

kh_status kh_imp_synset_member(kh_imp *im, uint32_t syn, const char *s, size_t len)
{
    kh_imp_trim(&s, &len);
    for (size_t i = 0; i < len; i++)
        if (s[i] == '$' || s[i] == '%' || s[i] == '^' || s[i] == '*' || s[i] == '{' ||
            s[i] == '|' || s[i] == '(') {
            IMP_WARN(im, s + i, "'%c' in a synset member is not supported: member skipped", s[i]);
            return KH_OK;
        }
    if (!len) {
        IMP_ERR(im, s, "empty synset member");
        return KH_ERR_FORMAT;
    }
    struct member_ctx c = {syn, s};
    size_t budget = IMP_MAX_EXPAND;
    return kh_imp_expand(im, s, len, 0, &budget, add_member, &c, s);
}

/* ---------------------------------------------------------------------- */
/* Actors                                                                 */

void kh_imp_actor_init(kh_imp_actor *a)
{
    memset(a, 0, sizeof *a);
    a->phrases.elem = sizeof(struct imp_span);
    a->roles.elem = sizeof(struct imp_role);
}

void kh_imp_actor_free(kh_imp *im, kh_imp_actor *a)
{
    kh_free(im->b->alloc, a->phrases.p);
    kh_free(im->b->alloc, a->roles.p);
    kh_imp_actor_init(a);
}

kh_status kh_imp_actor_phrase(kh_imp *im, kh_imp_actor *a, const char *s, size_t len)
{
    kh_imp_trim(&s, &len);
    if (!a->open) {
        a->open = 1;
        a->lineno = im->lineno;
    }
    if (!len) {
        IMP_ERR(im, s, "empty actor phrase");
        return KH_ERR_FORMAT;
    }
    if (a->phrases.n >= IMP_MAX_NAMES) {
        IMP_ERR(im, s, "too many synonyms (at most %d)", IMP_MAX_NAMES);
        return KH_ERR_FORMAT;
    }
    if (!a->phrases.n)
        im->b->sum.read[KH_ENTRY_ACTOR]++;
    struct imp_span sp = {s, len, im->lineno, kh_imp_col_in(im, s)};
    return kh_vec_push(im->b->alloc, &a->phrases, &sp);
}

static int actor_code_ok(const char *s, size_t n)
{
    if (special_code(s, n))
        return 1;
    size_t part = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '/') {
            if (!part)
                return 0;
            part = 0;
        } else if (kh_imp_is_alnum((unsigned char)s[i])) {
            part++;
        } else {
            return 0;
        }
    }
    return part > 0;
}

kh_status kh_imp_actor_role(kh_imp *im, kh_imp_actor *a, const char *s, size_t len)
{
    kh_imp_trim(&s, &len);
    size_t k = 0;
    while (k < len && !kh_imp_is_blank((unsigned char)s[k]) && s[k] != '<' && s[k] != '>')
        k++;
    const char *code = s;
    size_t cl = k;
    /* "- - -" written with blanks is the null code. */
    if (len >= 5 && !memcmp(s, "- - -", 5)) {
        code = KH_CODE_NULL;
        cl = 3;
        k = 5;
    }
    if (!cl || !actor_code_ok(code, cl) || (cl && kh_is_digit((unsigned char)code[0]) &&
                                            k == len && kh_imp_date(im->dialect, code, cl, &(int32_t){0}))) {
        IMP_ERR(im, s, cl ? "bad actor code '%.*s' (letters and digits, A/B for a compound, or ---, ###, +++)"
                          : "no code in [...]%.*s",
                (int)cl, code);
        return KH_ERR_FORMAT;
    }
    struct imp_role r;
    memset(&r, 0, sizeof r);
    r.role.from = KH_DAYS_MIN;
    r.role.to = KH_DAYS_MAX;
    const char *p = s + k, *end = s + len;
    while (p < end && kh_imp_is_blank((unsigned char)*p))
        p++;
    /* PETRARCH: a block with neither '<', '>' nor '-' after its code is a
     * default code ("[RUSGOV 19820101]"): what follows the code is not read. */
    if (p < end && im->dialect == KH_IMP_PETRARCH && !memchr(p, '<', (size_t)(end - p)) &&
        !memchr(p, '>', (size_t)(end - p)) && !memchr(p, '-', (size_t)(end - p)))
        p = end;
    if (p < end) {
        r.dated = 1;
        const char *rs = p;
        if (*p == '<' || *p == '>') {
            char op = *p++;
            while (p < end && kh_imp_is_blank((unsigned char)*p))
                p++;
            const char *ds = p;
            while (p < end && kh_is_digit((unsigned char)*p))
                p++;
            int32_t d;
            if (p != end || !kh_imp_date(im->dialect, ds, (size_t)(p - ds), &d)) {
                IMP_ERR(im, rs, "bad date restriction '%.*s' (<YYMMDD, >YYMMDD or YYMMDD-YYMMDD)",
                        (int)(end - rs), rs);
                return KH_ERR_FORMAT;
            }
            if (op == '<')
                r.role.to = d;
            else
                r.role.from = d;
        } else {
            const char *d1 = p;
            while (p < end && kh_is_digit((unsigned char)*p))
                p++;
            const char *d1e = p;
            while (p < end && kh_imp_is_blank((unsigned char)*p))
                p++;
            int ok = p < end && *p == '-';
            if (ok)
                p++;
            while (p < end && kh_imp_is_blank((unsigned char)*p))
                p++;
            const char *d2 = p;
            while (p < end && kh_is_digit((unsigned char)*p))
                p++;
            /* PETRARCH skips an interval that ends before it starts; TABARI
             * keeps it (it never applies), and so does khaldun unless strict. */
            if (!ok || p != end || !kh_imp_date(im->dialect, d1, (size_t)(d1e - d1), &r.role.from) ||
                !kh_imp_date(im->dialect, d2, (size_t)(p - d2), &r.role.to) ||
                (r.role.from > r.role.to &&
                 (im->dialect == KH_IMP_PETRARCH || (im->b->flags & KH_DICT_STRICT)))) {
                IMP_ERR(im, rs, "bad date restriction '%.*s' (<YYMMDD, >YYMMDD or YYMMDD-YYMMDD, the first not after the second)",
                        (int)(end - rs), rs);
                return KH_ERR_FORMAT;
            }
        }
    }
    kh_status st = kh_bld_str(im->b, code, cl, &r.role.code);
    if (!st)
        st = kh_vec_push(im->b->alloc, &a->roles, &r);
    return st;
}

kh_status kh_imp_actor_end(kh_imp *im, kh_imp_actor *a)
{
    kh_dict_builder *b = im->b;
    kh_status st = KH_OK;
    if (!a->open)
        return KH_OK;
    if (!a->phrases.n)
        goto out;
    size_t save_line = im->lineno;
    const char *save_ptr = im->line;
    const struct imp_span *first = &KH_VEC_AT(a->phrases, struct imp_span, 0);
    if (!a->roles.n) {
        /* The peers pass over a line without a code that no code line
         * follows ("Source: MNC.MLH.actors"): free text to them. */
        kh_srcpos pos = {im->name, a->lineno, first->col};
        if (b->lenient)
            kh_bld_remark(b, &pos, "actor '%.*s' has no code: ignored", (int)first->len,
                          first->s);
        else
            kh_bld_diag(b, &pos, KH_SEV_ERROR, "actor '%.*s' has no code", (int)first->len,
                        first->s);
        goto out;
    }
    kh_actor_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.first_role = (uint32_t)b->roles.n;
    /* Restricted codes first, in the order given (the first satisfied
     * wins), then the default: TABARI applies it only when no restriction
     * holds, wherever it is written. */
    size_t defaults = 0;
    for (int pass = 0; pass < 2 && !st; pass++)
        for (size_t i = 0; i < a->roles.n && !st; i++) {
            const struct imp_role *r = &KH_VEC_AT(a->roles, struct imp_role, i);
            if (r->dated == !pass)
                st = kh_vec_push(b->alloc, &b->roles, &r->role);
            defaults += pass == 1 && !r->dated;
        }
    if (st)
        goto out;
    if (defaults > 1) {
        kh_srcpos pos = {im->name, a->lineno, first->col};
        kh_bld_remark(b, &pos,
                    "actor '%.*s' has %zu codes without a date: the first is used",
                    (int)first->len, first->s, defaults);
    }
    rec.n_roles = (uint32_t)(b->roles.n - rec.first_role);
    char name[256];
    size_t nl = 0;
    for (size_t i = 0; i < first->len && nl + 1 < sizeof name; i++) {
        char c = first->s[i];
        if (c == '_' || kh_imp_is_blank((unsigned char)c)) {
            if (nl && name[nl - 1] != ' ')
                name[nl++] = ' ';
        } else if (c != '=') {
            name[nl++] = c;
        }
    }
    while (nl && name[nl - 1] == ' ')
        nl--;
    char where[600];
    int wn = snprintf(where, sizeof where, "%s:%zu", im->name, a->lineno);
    st = kh_bld_str(b, name, nl, &rec.name);
    if (!st)
        st = kh_bld_str(b, where, wn > 0 ? (size_t)wn : 0, &rec.src);
    uint32_t idx = (uint32_t)b->actors.n;
    if (!st)
        st = kh_vec_push(b->alloc, &b->actors, &rec);
    for (size_t i = 0; i < a->phrases.n && !st; i++) {
        const struct imp_span *sp = &KH_VEC_AT(a->phrases, struct imp_span, i);
        im->lineno = sp->lineno;
        im->line = sp->s - (sp->col - 1);
        st = kh_imp_phrase(im, sp->s, sp->len, KH_P_ACTOR, idx,
                           im->dialect == KH_IMP_TABARI, 0);
        if (st == KH_ERR_FORMAT)
            st = KH_OK;
    }
    im->lineno = save_line;
    im->line = save_ptr;
out:
    a->phrases.n = 0;
    a->roles.n = 0;
    a->open = 0;
    return st;
}

/* ---------------------------------------------------------------------- */
/* Agents                                                                 */

kh_status kh_imp_agent(kh_imp *im, const char *const *names, const size_t *name_lens,
                       size_t n_names, const int *plural, const char *code, size_t code_len,
                       const char *code_at)
{
    const char *c = code;
    size_t cl = code_len;
    kh_imp_trim(&c, &cl);
    kh_agent_rec rec = {KH_NONE, 0, 0};
    int tilde_first = cl && c[0] == '~', tilde_last = cl && c[cl - 1] == '~';
    if (tilde_first == tilde_last || cl < 2 || !code_chars_ok(c + tilde_first, cl - 1)) {
        IMP_ERR(im, code_at, "bad agent code '%.*s' (~CODE, or CODE~ to put it first)",
                (int)cl, c);
        return KH_ERR_FORMAT;
    }
    if (tilde_last)
        rec.flags = KH_AGENT_PREFIX;
    kh_status st = kh_bld_str(im->b, c + tilde_first, cl - 1, &rec.code);
    if (st)
        return st;
    char name[256];
    size_t nl = 0;
    for (size_t i = 0; i < name_lens[0] && nl + 1 < sizeof name; i++) {
        char ch = names[0][i];
        if (ch == '_' || kh_imp_is_blank((unsigned char)ch)) {
            if (nl && name[nl - 1] != ' ')
                name[nl++] = ' ';
        } else if (ch != '=') {
            name[nl++] = ch;
        }
    }
    while (nl && name[nl - 1] == ' ')
        nl--;
    st = kh_bld_str(im->b, name, nl, &rec.name);
    uint32_t idx = (uint32_t)im->b->agents.n;
    if (!st)
        st = kh_vec_push(im->b->alloc, &im->b->agents, &rec);
    for (size_t i = 0; i < n_names && !st; i++) {
        st = kh_imp_phrase(im, names[i], name_lens[i], KH_P_AGENT, idx, plural[i], 0);
        if (st == KH_ERR_FORMAT)
            st = KH_OK;
    }
    return st;
}

void kh_imp_actor_drop(kh_imp_actor *a)
{
    a->open = 0;
    a->phrases.n = a->roles.n = 0;
}

kh_status kh_imp_actor_close(kh_imp *im, kh_imp_actor *a, kh_status st)
{
    if (!st)
        st = kh_imp_actor_end(im, a);
    kh_imp_actor_free(im, a);
    return st;
}

static const char *imp_at(kh_imp_at_fn at, const void *ctx, const char *p)
{
    return at ? at(ctx, p) : p;
}

kh_status kh_imp_role_blocks(kh_imp *im, kh_imp_actor *a, const char *p, const char *end,
                             kh_imp_at_fn at, const void *ctx)
{
    kh_status worst = KH_OK;
    while (p < end) {
        while (p < end && kh_imp_is_blank((unsigned char)*p))
            p++;
        if (p >= end)
            break;
        if (*p != '[' && im->b->lenient) {
            /* The peers read the [...] blocks and pass over the text around
             * them ("[MNCMED] Newspapers/Magazines"). */
            const char *nb = memchr(p, '[', (size_t)(end - p));
            kh_srcpos pos = {im->name, im->lineno, kh_imp_col_in(im, imp_at(at, ctx, p))};
            kh_bld_remark(im->b, &pos, "text after the code blocks ignored");
            if (!nb)
                break;
            p = nb;
        }
        if (*p != '[') {
            IMP_ERR(im, imp_at(at, ctx, p), "expected a code block [CODE] here");
            return KH_ERR_FORMAT;
        }
        const char *rb = memchr(p, ']', (size_t)(end - p));
        if (!rb) {
            IMP_ERR(im, imp_at(at, ctx, p), "missing ']'");
            return KH_ERR_FORMAT;
        }
        /* The role is read (and its errors reported) in the original line. */
        kh_status st = kh_imp_actor_role(im, a, imp_at(at, ctx, p + 1), (size_t)(rb - p - 1));
        if (st && st != KH_ERR_FORMAT)
            return st;
        worst = worst ? worst : st;
        p = rb + 1;
    }
    return worst;
}

int kh_imp_pattern_split(kh_imp *im, const char *t, size_t tl, const char **txt, size_t *txl,
                         const char **code, size_t *cl, kh_imp_at_fn at, const void *ctx)
{
    int has = kh_imp_split_code(t + 1, tl - 1, txt, txl, code, cl);
    if (has <= 0) {
        IMP_ERR(im, imp_at(at, ctx, has < 0 ? *code - 1 : t), "%s",
                has < 0 ? "missing ']'" : "pattern without a code [...]");
        return 0;
    }
    return 1;
}
