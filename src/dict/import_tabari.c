/*
 * import_tabari.c: TABARI 0.8 dictionaries into the dictionary builder, so
 * a user's existing .actors, .agents and .verbs files (and a .project that
 * names them) compile unchanged into khaldun's image. Also the machinery
 * both importers share (declared in build.h): code blocks, phrases with
 * TABARI word modes, synsets with nested expansion, actor entries with
 * dated codes, agents, and verb patterns turned into kh_elem sequences.
 *
 * Mapping (see dict.h for the semantics the coder gives each flag):
 *   actor + synonyms + [CODE dates]  -> kh_actor_rec, its kh_role list
 *                                       (restricted codes first, in order,
 *                                       then the default), KH_P_ACTOR phrases
 *   agent [~CODE] / [CODE~]          -> kh_agent_rec (+ KH_AGENT_PREFIX)
 *   <SYNSETS> &NAME +member          -> synsets (KH_P_SYNSET phrases)
 *   ROOT [code] {forms} - pattern    -> kh_pattern per verb form, the verb
 *                                       anywhere in it (verb_pos > 0)
 *   <TIME> ... </TIME>               -> KH_PAT_TIME patterns with a shift
 *   <NOUN>, <ADJECTIVE>               -> reserved synsets KH_SYN_NOUN / KH_SYN_ADJECTIVE
 *   .options                         -> read and checked, not stored
 * Every problem is reported as FILE:LINE:COL and the entry skipped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "dict/build.h"

#define IMP_MAX_WORD 63      /* bytes in one dictionary word */
#define IMP_MAX_EXPAND 512   /* phrases one synset member may expand into */
#define IMP_MAX_NAMES 64     /* phrases of one actor entry */

struct imp_syn {
    uint32_t index;   /* builder synset index */
    uint32_t name;    /* pool offset of the folded name */
    uint32_t first;   /* first member in im->mems */
    uint32_t count;
    int plural;
};

struct imp_mem {
    uint32_t syn;     /* index into im->syns */
    uint32_t off;     /* offset of the member text in im->text */
    uint32_t len;
};

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

static int is_blank(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

static void trim(const char **s, size_t *n)
{
    while (*n && kh_is_space((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && kh_is_space((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

static int is_alnum(int c) { return kh_is_alpha(c) || kh_is_digit(c); }

static int has_prefix_ci(const char *s, size_t n, const char *p)
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
static size_t col_in(const kh_imp *im, const char *at)
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
    kh_srcpos pos = {im->name, im->lineno, col_in(im, at)};
    kh_bld_diag(im->b, &pos, sev, "%s", msg);
}

#define IMP_ERR(im, at, ...) kh_imp_diag((im), (at), KH_SEV_ERROR, __VA_ARGS__)
#define IMP_WARN(im, at, ...) kh_imp_diag((im), (at), KH_SEV_WARNING, __VA_ARGS__)

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

/* Checks bytes a dictionary line may not hold; reports the first. */
static int line_ok(kh_imp *im, const char *s, size_t n)
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
        kh_bld_diag(b, pos, KH_SEV_WARNING,
                    "event code '%.*s' is not in the CAMEO table: added with Goldstein 0%s",
                    (int)len, code, rec.quad ? "" : " and no QuadClass");
    return st;
}

static int code_chars_ok(const char *s, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum((unsigned char)s[i]))
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
        trim(text, text_len);
        return 0;
    }
    const char *rb = memchr(lb, ']', len - (size_t)(lb - s));
    *text = s;
    *text_len = (size_t)(lb - s);
    trim(text, text_len);
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
        if (is_blank((unsigned char)s[i]))
            continue;
        if (n + 1 >= sizeof c) {
            IMP_ERR(im, s, "code too long");
            return KH_ERR_FORMAT;
        }
        c[n++] = s[i];
    }
    c[n] = '\0';
    kh_srcpos pos = {im->name, im->lineno, col_in(im, s)};
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

enum { W_STEM = 1, W_EXACT = 2, W_NOEND = 3 };

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
static kh_status word_ids(kh_imp *im, const char *w, size_t wl, int stem, uint32_t *ids,
                          size_t max, size_t *n)
{
    *n = 0;
    if (!wl)
        return KH_OK;
    kh_status st = kh_bld_tokenize(im->b, w, wl, ids, max, n);
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
        while (i < len && (is_blank((unsigned char)s[i]) || s[i] == '_' || s[i] == '~'))
            i++;
        if (i >= len)
            break;
        size_t st = i;
        while (i < len && !is_blank((unsigned char)s[i]) && s[i] != '_' && s[i] != '~' &&
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
            st = word_ids(im, last ? forms[f] : w[i].s, last ? strlen(forms[f]) : w[i].len,
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

static int syn_find(kh_imp *im, const char *name, size_t len, uint32_t *at)
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
static size_t syn_name_len(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && is_alnum((unsigned char)s[i]))
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
    if (len < 2 || name[0] != '&' || syn_name_len(name + 1, len - 1) != len - 1) {
        IMP_ERR(im, name, "bad synset name '%.*s' (& and letters or digits)", (int)len, name);
        return KH_ERR_FORMAT;
    }
    uint32_t at;
    if (syn_find(im, name, len, &at)) {
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
        st = kh_bld_synset(im->b, name, len, 1, &y.index);
    if (!st)
        st = kh_vec_push(im->b->alloc, &im->syns, &y);
    *syn = (uint32_t)(im->syns.n - 1);
    return st;
}

/* Expands the first synset designator in s with each member of that
 * synset, recursively; calls add() on each plain result. */
typedef kh_status (*expand_fn)(kh_imp *im, void *ctx, const char *s, size_t len);

static kh_status expand(kh_imp *im, const char *s, size_t len, int depth, size_t *budget,
                        expand_fn add, void *ctx, const char *at)
{
    const char *amp = memchr(s, '&', len);
    if (!amp)
        return add(im, ctx, s, len);
    size_t nl = syn_name_len(amp + 1, len - (size_t)(amp - s) - 1);
    uint32_t y;
    if (!nl || !syn_find(im, amp, nl + 1, &y)) {
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
        kh_status st = expand(im, tmp, tl, depth + 1, budget, add, ctx, at);
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
    while (l && is_blank((unsigned char)s[l - 1]))
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
    trim(&s, &len);
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
    return expand(im, s, len, 0, &budget, add_member, &c, s);
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
    trim(&s, &len);
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
    struct imp_span sp = {s, len, im->lineno, col_in(im, s)};
    return kh_vec_push(im->b->alloc, &a->phrases, &sp);
}

/* YYMMDD (00-30 -> 20xx) or YYYYMMDD to days. */
static int tab_date(const char *s, size_t n, int32_t *out)
{
    if (n != 6 && n != 8)
        return 0;
    int v[8] = {0};
    for (size_t i = 0; i < n; i++) {
        if (!kh_is_digit((unsigned char)s[i]))
            return 0;
        v[i] = s[i] - '0';
    }
    int y, k = 0;
    if (n == 6) {
        y = v[0] * 10 + v[1];
        y += y <= 30 ? 2000 : 1900;
        k = 2;
    } else {
        y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
        k = 4;
    }
    int m = v[k] * 10 + v[k + 1], d = v[k + 2] * 10 + v[k + 3];
    if (!kh_date_valid(y, m, d))
        return 0;
    kh_date dt = {(int16_t)y, (uint8_t)m, (uint8_t)d};
    *out = (int32_t)kh_date_to_days(dt);
    return 1;
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
        } else if (is_alnum((unsigned char)s[i])) {
            part++;
        } else {
            return 0;
        }
    }
    return part > 0;
}

kh_status kh_imp_actor_role(kh_imp *im, kh_imp_actor *a, const char *s, size_t len)
{
    trim(&s, &len);
    size_t k = 0;
    while (k < len && !is_blank((unsigned char)s[k]) && s[k] != '<' && s[k] != '>')
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
                                            k == len && tab_date(code, cl, &(int32_t){0}))) {
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
    while (p < end && is_blank((unsigned char)*p))
        p++;
    if (p < end) {
        r.dated = 1;
        const char *rs = p;
        if (*p == '<' || *p == '>') {
            char op = *p++;
            while (p < end && is_blank((unsigned char)*p))
                p++;
            const char *ds = p;
            while (p < end && kh_is_digit((unsigned char)*p))
                p++;
            int32_t d;
            if (p != end || !tab_date(ds, (size_t)(p - ds), &d)) {
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
            while (p < end && is_blank((unsigned char)*p))
                p++;
            int ok = p < end && *p == '-';
            if (ok)
                p++;
            while (p < end && is_blank((unsigned char)*p))
                p++;
            const char *d2 = p;
            while (p < end && kh_is_digit((unsigned char)*p))
                p++;
            if (!ok || p != end || !tab_date(d1, (size_t)(d1e - d1), &r.role.from) ||
                !tab_date(d2, (size_t)(p - d2), &r.role.to) || r.role.from > r.role.to) {
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
        kh_srcpos pos = {im->name, a->lineno, first->col};
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
        kh_bld_diag(b, &pos, KH_SEV_WARNING,
                    "actor '%.*s' has %zu codes without a date: the first is used",
                    (int)first->len, first->s, defaults);
    }
    rec.n_roles = (uint32_t)(b->roles.n - rec.first_role);
    char name[256];
    size_t nl = 0;
    for (size_t i = 0; i < first->len && nl + 1 < sizeof name; i++) {
        char c = first->s[i];
        if (c == '_' || is_blank((unsigned char)c)) {
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
    trim(&c, &cl);
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
        if (ch == '_' || is_blank((unsigned char)ch)) {
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

/* ---------------------------------------------------------------------- */
/* Verb forms and patterns                                                */

size_t kh_imp_verb_forms(kh_imp_dialect dialect, const char *w, size_t n, char forms[][64],
                         size_t max)
{
    size_t k = 0;
    if (!n || n + 5 >= 64 || max < 6)
        return 0;
    int lower = kh_is_lower((unsigned char)w[n - 1]);
    char last = (char)kh_to_upper((unsigned char)w[n - 1]);
    char prev = n > 1 ? (char)kh_to_upper((unsigned char)w[n - 2]) : 0;
#define FORM(cut, suf)                                                                     \
    snprintf(forms[k++], 64, "%.*s%s", (int)(n - (cut)), w, lower ? (suf) : (suf) + 8)
    /* each suffix is given as "lower\0..." padded to 8, then upper */
    snprintf(forms[k++], 64, "%.*s", (int)n, w);
    if (dialect == KH_IMP_TABARI) {
        /* TABARI 5.2.3: S, ED, ES, EN, ING after the word as written; a final
         * E also takes D and drops for ING, so DEPLORE_ meets "deplored". */
        FORM(0, "s\0\0\0\0\0\0\0S");
        FORM(0, "ed\0\0\0\0\0\0ED");
        FORM(0, "es\0\0\0\0\0\0ES");
        FORM(0, "en\0\0\0\0\0\0EN");
        FORM(0, "ing\0\0\0\0\0ING");
        if (last == 'E' && k + 2 <= max) {
            FORM(0, "d\0\0\0\0\0\0\0D");
            FORM(1, "ing\0\0\0\0\0ING");
        }
        return k;
    }
    /* PETRARCH: the regular forms of an English verb. */
    if (last == 'E') {
        FORM(0, "s\0\0\0\0\0\0\0S");
        FORM(0, "d\0\0\0\0\0\0\0D");
        FORM(1, "ing\0\0\0\0\0ING");
    } else if (last == 'Y' && n > 1 && !strchr("AEIOU", prev)) {
        FORM(1, "ies\0\0\0\0\0IES");
        FORM(1, "ied\0\0\0\0\0IED");
        FORM(0, "ing\0\0\0\0\0ING");
    } else if (last == 'S' || last == 'X' || last == 'Z' ||
               (last == 'H' && (prev == 'C' || prev == 'S'))) {
        FORM(0, "es\0\0\0\0\0\0ES");
        FORM(0, "ed\0\0\0\0\0\0ED");
        FORM(0, "ing\0\0\0\0\0ING");
    } else {
        FORM(0, "s\0\0\0\0\0\0\0S");
        FORM(0, "ed\0\0\0\0\0\0ED");
        FORM(0, "ing\0\0\0\0\0ING");
    }
#undef FORM
    return k;
}

int kh_imp_verb_word(const char *form, size_t len, const char **w, size_t *wl)
{
    const char *start = NULL;
    for (size_t i = 0; i < len; i++)
        if (form[i] == '+' && i + 1 < len && !is_blank((unsigned char)form[i + 1])) {
            start = form + i + 1;
            break;
        }
    if (!start) {
        start = form;
        while (start < form + len && (is_blank((unsigned char)*start) || *start == '+'))
            start++;
    }
    const char *e = start;
    while (e < form + len && !is_blank((unsigned char)*e) && *e != '_' && *e != '~' &&
           *e != '=')
        e++;
    *w = start;
    *wl = (size_t)(e - start);
    return *wl > 0;
}

/* A pattern being assembled. */
typedef struct pat_t {
    kh_elem e[KH_MAX_PATTERN];
    size_t n;
    size_t verb_pos;
    int have_verb;
    uint32_t weight;
} pat_t;

static kh_status push_elem(kh_imp *im, pat_t *p, uint16_t kind, uint16_t aux, uint32_t ref,
                           const char *at)
{
    if (p->n == KH_MAX_PATTERN) {
        IMP_ERR(im, at, "pattern longer than %d elements", KH_MAX_PATTERN);
        return KH_ERR_FORMAT;
    }
    p->e[p->n++] = (kh_elem){kind, aux, ref};
    return KH_OK;
}

struct alt_ctx {
    uint32_t syn;
};

static kh_status add_alt(kh_imp *im, void *vctx, const char *s, size_t len)
{
    struct alt_ctx *c = (struct alt_ctx *)vctx;
    kh_status st = kh_imp_phrase(im, s, len, KH_P_SYNSET, c->syn, 0, 0);
    return st == KH_ERR_FORMAT ? KH_OK : st;
}

static uint32_t alnum_count(const char *s, size_t n)
{
    uint32_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += is_alnum((unsigned char)s[i]) != 0;
    return k;
}

/*
 * Scans pattern or verb-form text into elements. In form mode (`form`),
 * the words are the verb phrase itself: the `+`-marked word (PETRARCH) or
 * else the first word is the verb, spelled `verb_word` when given. In
 * pattern mode `*` (or `**`) splices the elements of `fp` (the verb form).
 */
static kh_status scan(kh_imp *im, const char *s, size_t len, int form, const char *verb_word,
                      size_t verb_word_len, const pat_t *fp, pat_t *p)
{
    size_t i = 0;
    int adj = 0, in_pp = 0, verb_mark = 0;
    int has_mark = 0;
    if (form)
        for (size_t k = 0; k + 1 < len; k++)
            if (s[k] == '+' && !is_blank((unsigned char)s[k + 1]))
                has_mark = 1;
    while (i < len) {
        char c = s[i];
        const char *at = s + i;
        if (is_blank((unsigned char)c)) {
            i++;
            adj = 0;
            continue;
        }
        uint16_t flags = (uint16_t)((adj ? KH_EF_ADJ : 0) | (in_pp ? KH_EF_PP : 0));
        kh_status st = KH_OK;
        if (c == '_' || c == '~') {
            i++;
            adj = 1;
            continue;
        }
        if (form && c == '+') {
            verb_mark = 1;
            i++;
            continue;
        }
        if (!form && c == '*') {
            i += (i + 1 < len && s[i + 1] == '*') ? 2 : 1;
            if (p->have_verb) {
                IMP_ERR(im, at, "more than one verb marker '*' in a pattern");
                return KH_ERR_FORMAT;
            }
            for (size_t k = 0; k < fp->n && !st; k++) {
                kh_elem e = fp->e[k];
                if (k == 0)
                    e.aux = (uint16_t)(e.aux | flags);
                if (e.kind == KH_E_VERB)
                    p->verb_pos = p->n;
                st = push_elem(im, p, e.kind, e.aux, e.ref, at);
            }
            p->have_verb = 1;
        } else if (!form && (c == '$' || c == '+' || c == '%' || c == '^')) {
            i++;
            uint16_t kind = c == '$' ? KH_E_SOURCE : c == '+' ? KH_E_TARGET
                          : c == '%' ? KH_E_COMPOUND : KH_E_SKIP;
            st = push_elem(im, p, kind, flags, 0, at);
        } else if (c == '&') {
            size_t nl = syn_name_len(s + i + 1, len - i - 1);
            uint32_t y;
            if (!nl || !syn_find(im, s + i, nl + 1, &y)) {
                IMP_ERR(im, at, "synset '%.*s' is not defined (define it before it is used)",
                        (int)(nl + 1), s + i);
                return KH_ERR_FORMAT;
            }
            if (!KH_VEC_AT(im->syns, struct imp_syn, y).count) {
                IMP_ERR(im, at, "synset '%.*s' has no members", (int)(nl + 1), s + i);
                return KH_ERR_FORMAT;
            }
            p->weight += (uint32_t)nl;
            st = push_elem(im, p, KH_E_SYNSET, flags, KH_VEC_AT(im->syns, struct imp_syn, y).index,
                           at);
            i += nl + 1;
        } else if (c == '{') {
            const char *close = memchr(s + i, '}', len - i);
            if (!close) {
                IMP_ERR(im, at, "'{' without its '}'");
                return KH_ERR_FORMAT;
            }
            const char *g = s + i + 1;
            size_t gl = (size_t)(close - g);
            if (!memchr(g, '|', gl) && im->dialect == KH_IMP_PETRARCH) {
                /* PETRARCH2 noun phrase {FINANCIAL AID}: its words, head last. */
                size_t before = p->n;
                st = scan(im, g, gl, 0, NULL, 0, fp, p);
                for (size_t k = before; k < p->n; k++)
                    p->e[k].aux = (uint16_t)(p->e[k].aux | KH_EF_NP | (k == before ? flags : 0) |
                                             (k + 1 == p->n ? KH_EF_HEAD : 0));
            } else {
                /* Alternatives { A | B C | &SYN_D }: an anonymous synset. */
                char nm[32];
                snprintf(nm, sizeof nm, "&alt%016llx",
                         (unsigned long long)kh_hash64(g, gl, 0x616c74u));
                uint32_t syn;
                st = kh_bld_synset(im->b, nm, strlen(nm), 1, &syn);
                uint32_t longest = 0;
                const char *a = g;
                while (!st && a <= close) {
                    const char *bar = memchr(a, '|', (size_t)(close - a));
                    const char *ae = bar ? bar : close;
                    const char *as = a;
                    size_t al = (size_t)(ae - a);
                    trim(&as, &al);
                    if (!al) {
                        IMP_ERR(im, a, "empty alternative");
                        return KH_ERR_FORMAT;
                    }
                    uint32_t w = alnum_count(as, al);
                    longest = w > longest ? w : longest;
                    struct alt_ctx ac = {syn};
                    size_t budget = IMP_MAX_EXPAND;
                    st = expand(im, as, al, 0, &budget, add_alt, &ac, as);
                    a = ae + 1;
                }
                p->weight += longest;
                if (!st)
                    st = push_elem(im, p, KH_E_SYNSET, flags, syn, at);
            }
            i = (size_t)(close - s) + 1;
        } else if (c == '(' || c == ')') {
            in_pp = c == '(';
            i++;
            if (c == '(') {
                adj = 0;
                continue;
            }
        } else if (c == '}' || c == '|' || c == ']' || c == '[') {
            IMP_ERR(im, at, "unexpected '%c' in a pattern", c);
            return KH_ERR_FORMAT;
        } else {
            /* A word: up to a blank, a connector or a bracket. */
            size_t ws = i;
            while (i < len && !is_blank((unsigned char)s[i]) && s[i] != '_' && s[i] != '~' &&
                   s[i] != '=' && s[i] != '{' && s[i] != '}' && s[i] != '|' && s[i] != '(' &&
                   s[i] != ')' && s[i] != '*' && (s[i] != '&' || i == ws) &&
                   !(s[i] == '+' && form))
                i++;
            size_t wl = i - ws;
            if (!wl) {
                IMP_ERR(im, at, "unexpected '%c' in a pattern", c);
                return KH_ERR_FORMAT;
            }
            int mode = W_STEM;
            if (im->dialect == KH_IMP_PETRARCH)
                mode = W_EXACT;
            else if (i < len && (s[i] == '_' || s[i] == '='))
                mode = W_EXACT;
            while (i < len && s[i] == '=')
                i++;
            int is_verb = form && !p->have_verb && (verb_mark || !has_mark);
            const char *w = s + ws;
            if (is_verb && verb_word) {
                w = verb_word;
                wl = verb_word_len;
                mode = W_EXACT;
            }
            if (wl > IMP_MAX_WORD) {
                IMP_ERR(im, at, "word longer than %d bytes", IMP_MAX_WORD);
                return KH_ERR_FORMAT;
            }
            uint32_t ids[8];
            size_t n;
            st = word_ids(im, w, wl, mode == W_STEM, ids, KH_ARRAY_LEN(ids), &n);
            if (st == KH_ERR_LIMIT) {
                IMP_ERR(im, at, "word '%.*s' splits into too many tokens", (int)wl, w);
                return KH_ERR_FORMAT;
            }
            if (!form)
                p->weight += alnum_count(s + ws, i - ws);
            for (size_t k = 0; k < n && !st; k++) {
                uint16_t kind = KH_E_WORD;
                if (is_verb && k == 0) {
                    kind = KH_E_VERB;
                    p->verb_pos = p->n;
                    p->have_verb = 1;
                }
                st = push_elem(im, p, kind, (uint16_t)(k ? KH_EF_ADJ : flags), ids[k], at);
            }
            verb_mark = 0;
        }
        if (st)
            return st;
        adj = 0;
    }
    return KH_OK;
}

/* Text of a pattern for messages and duplicate detection: "FORM: PATTERN". */
kh_status kh_imp_pattern(kh_imp *im, const char *form, size_t form_len, const char *verb_word,
                         size_t verb_word_len, const char *pattern, size_t pat_len,
                         const kh_imp_code *code, const char *at)
{
    kh_dict_builder *b = im->b;
    pat_t fp, p;
    memset(&fp, 0, sizeof fp);
    memset(&p, 0, sizeof p);
    kh_status st = scan(im, form, form_len, 1, verb_word, verb_word_len, NULL, &fp);
    if (st)
        return st;
    if (!fp.have_verb) {
        IMP_ERR(im, form, "no verb in '%.*s'", (int)form_len, form);
        return KH_ERR_FORMAT;
    }
    if (pattern) {
        st = scan(im, pattern, pat_len, 0, NULL, 0, &fp, &p);
        if (st)
            return st;
        if (!p.have_verb) {
            IMP_ERR(im, at, "pattern without the verb marker '*'");
            return KH_ERR_FORMAT;
        }
    } else {
        p = fp;
        p.weight = 0;
    }
    size_t slots[3] = {0, 0, 0};
    for (size_t k = 0; k < p.n; k++) {
        slots[0] += p.e[k].kind == KH_E_SOURCE;
        slots[1] += p.e[k].kind == KH_E_TARGET;
    }
    if (slots[0] > 1 || slots[1] > 1) {
        IMP_ERR(im, at, "pattern has more than one %s", slots[0] > 1 ? "source $" : "target +");
        return KH_ERR_FORMAT;
    }
    char text[600];
    int tn;
    if (pattern)
        tn = snprintf(text, sizeof text, "%s%.*s%s%.*s: %.*s",
                      code->flags & KH_PAT_TIME ? "<TIME> " : "", (int)form_len, form,
                      verb_word ? " / " : "", (int)verb_word_len, verb_word ? verb_word : "",
                      (int)pat_len, pattern);
    else
        tn = snprintf(text, sizeof text, "%s%.*s%s%.*s", code->flags & KH_PAT_TIME ? "<TIME> " : "",
                      (int)form_len, form, verb_word ? " / " : "", (int)verb_word_len,
                      verb_word ? verb_word : "");
    size_t tl = tn < 0 ? 0 : (size_t)tn >= sizeof text ? sizeof text - 1 : (size_t)tn;
    /* A pattern met twice is a warning (TABARI's DUP WARNING); the first stays. */
    uint32_t text_off, prev;
    st = kh_bld_str(b, text, tl, &text_off);
    if (st)
        return st;
    if (kh_map_get(&b->pattern_map, kh_hash64(text, tl, 0x7061u), &prev) &&
        KH_VEC_AT(b->patterns, kh_bpattern, prev).p.text == text_off) {
        const kh_bpattern *o = &KH_VEC_AT(b->patterns, kh_bpattern, prev);
        IMP_WARN(im, at, "duplicate pattern '%s' (also at %s:%u): the first is kept", text,
                 b->pool.data + o->file, o->line);
        return KH_OK;
    }
    kh_srcpos pos = {im->name, im->lineno, col_in(im, at)};
    size_t before = b->patterns.n;
    st = kh_bld_pattern(b, p.e, p.n, p.verb_pos, code->code, strlen(code->code), text, tl, &pos);
    if (st || b->patterns.n == before)
        return st;
    kh_bpattern *bp = &KH_VEC_AT(b->patterns, kh_bpattern, b->patterns.n - 1);
    bp->p.flags = code->flags |
                  (im->dialect == KH_IMP_TABARI ? KH_PAT_TABARI : KH_PAT_PETRARCH);
    bp->p.shift = code->shift;
    bp->p.weight = p.weight;
    if (code->flags & KH_PAT_PAIRED) {
        uint32_t off;
        st = kh_bld_str(b, code->code2, strlen(code->code2), &off);
        bp = &KH_VEC_AT(b->patterns, kh_bpattern, b->patterns.n - 1);
        bp->p.code2 = off;
    }
    return st;
}

/* ---------------------------------------------------------------------- */
/* TABARI files                                                           */

/* Strips a TABARI comment: a line starting with # or /, or text after ';'
 * outside a [...] block. */
static size_t tab_strip(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && is_blank((unsigned char)s[k]))
        k++;
    if (k < n && (s[k] == '#' || s[k] == '/') && k == 0)
        return 0;
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '[')
            depth++;
        else if (s[i] == ']' && depth)
            depth--;
        else if (s[i] == ';' && !depth)
            return i;
    }
    return n;
}

static int is_finish(const char *s, size_t n) { return n >= 2 && s[0] == '~' && s[1] == '~'; }

/* Tag lines like <NOUN>: returns the tag name (without < / >). */
static int tag_is(const char *s, size_t n, const char *tag)
{
    const char *t = s;
    size_t tl = n;
    trim(&t, &tl);
    size_t l = strlen(tag);
    return tl == l && has_prefix_ci(t, tl, tag);
}

/* Reads "[CODE ...]" blocks on a line into the actor entry. */
static kh_status tab_role_blocks(kh_imp *im, kh_imp_actor *a, const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    kh_status worst = KH_OK;
    while (p < end) {
        while (p < end && is_blank((unsigned char)*p))
            p++;
        if (p >= end)
            break;
        if (*p != '[') {
            IMP_ERR(im, p, "expected a code block [CODE] here");
            return KH_ERR_FORMAT;
        }
        const char *rb = memchr(p, ']', (size_t)(end - p));
        if (!rb) {
            IMP_ERR(im, p, "missing ']'");
            return KH_ERR_FORMAT;
        }
        kh_status st = kh_imp_actor_role(im, a, p + 1, (size_t)(rb - p - 1));
        if (st && st != KH_ERR_FORMAT)
            return st;
        worst = worst ? worst : st;
        p = rb + 1;
    }
    return worst;
}

static kh_status tab_actors(kh_imp *im, const char *data, size_t len)
{
    kh_imp_actor a;
    kh_imp_actor_init(&a);
    size_t pos = 0, n;
    const char *s;
    int section = 0; /* 1 noun, 2 adjective */
    kh_status st = KH_OK;
    int bad_entry = 0;
    while (!st && kh_imp_next_line(im, data, len, &pos, &s, &n)) {
        if (!line_ok(im, s, n))
            continue;
        if (is_finish(s, n))
            break;
        n = tab_strip(s, n);
        const char *t = s;
        size_t tl = n;
        trim(&t, &tl);
        if (!tl)
            continue;
        if (t[0] == '<') {
            if (tag_is(t, tl, "<NOUN>") || tag_is(t, tl, "<NOUNS>"))
                section = 1;
            else if (tag_is(t, tl, "<ADJECTIVE>") || tag_is(t, tl, "<ADJECTIVES>"))
                section = 2;
            else if (tag_is(t, tl, "</NOUN>") || tag_is(t, tl, "</NOUNS>") ||
                     tag_is(t, tl, "</ADJECTIVE>") || tag_is(t, tl, "</ADJECTIVES>"))
                section = 0;
            else
                IMP_WARN(im, t, "unknown tag '%.*s' ignored", (int)tl, t);
            continue;
        }
        if (section) {
            /* Nouns and adjectives carry no code: they tell TABARI's parser
             * which conjunctions join compound noun and adjective phrases
             * (manual 7.5.1). Kept as the reserved synsets KH_SYN_NOUN /
             * KH_SYN_ADJECTIVE, which no TABARI pattern can name. */
            const char *nm = section == 1 ? KH_SYN_NOUN : KH_SYN_ADJECTIVE;
            uint32_t syn;
            st = kh_bld_synset(im->b, nm, strlen(nm), 1, &syn);
            if (!st) {
                st = kh_imp_phrase(im, t, tl, KH_P_SYNSET, syn, 0, 0);
                if (st == KH_ERR_FORMAT)
                    st = KH_OK;
            }
            continue;
        }
        if (is_blank((unsigned char)s[0])) {
            /* A date restriction line of the current entry. */
            if (!a.open) {
                if (!bad_entry)
                    IMP_ERR(im, t, "code line without an actor before it");
                continue;
            }
            st = tab_role_blocks(im, &a, t, tl);
        } else if (t[0] == '+') {
            if (!a.open) {
                if (!bad_entry)
                    IMP_ERR(im, t, "synonym without an actor before it");
                continue;
            }
            const char *ph = t + 1;
            size_t pl = tl - 1;
            const char *txt, *code;
            size_t txl, cl;
            int has = kh_imp_split_code(ph, pl, &txt, &txl, &code, &cl);
            st = kh_imp_actor_phrase(im, &a, txt, txl);
            if (!st && has)
                st = tab_role_blocks(im, &a, code - 1, pl - (size_t)(code - 1 - ph));
        } else {
            st = kh_imp_actor_end(im, &a);
            if (st)
                break;
            bad_entry = 0;
            const char *txt, *code;
            size_t txl, cl;
            int has = kh_imp_split_code(t, tl, &txt, &txl, &code, &cl);
            if (has < 0) {
                IMP_ERR(im, code - 1, "missing ']'");
                bad_entry = 1;
                continue;
            }
            st = kh_imp_actor_phrase(im, &a, txt, txl);
            if (!st && has)
                st = tab_role_blocks(im, &a, code - 1, tl - (size_t)(code - 1 - t));
            if (st == KH_ERR_FORMAT) {
                bad_entry = 1;
                a.open = 0;
                a.phrases.n = a.roles.n = 0;
            }
        }
        if (st == KH_ERR_FORMAT)
            st = KH_OK;
    }
    if (!st)
        st = kh_imp_actor_end(im, &a);
    kh_imp_actor_free(im, &a);
    return st;
}

static kh_status tab_agents(kh_imp *im, const char *data, size_t len)
{
    size_t pos = 0, n;
    const char *s;
    kh_status st = KH_OK;
    while (!st && kh_imp_next_line(im, data, len, &pos, &s, &n)) {
        if (!line_ok(im, s, n))
            continue;
        if (is_finish(s, n))
            break;
        n = tab_strip(s, n);
        const char *t = s;
        size_t tl = n;
        trim(&t, &tl);
        if (!tl)
            continue;
        if (t[0] == '<')
            continue; /* <NOUN> style sections: nothing to keep */
        const char *txt, *code;
        size_t txl, cl;
        int has = kh_imp_split_code(t, tl, &txt, &txl, &code, &cl);
        if (has <= 0) {
            IMP_ERR(im, has < 0 ? code - 1 : t, has < 0 ? "missing ']'" : "agent without a code [~CODE]");
            continue;
        }
        if (!txl) {
            IMP_ERR(im, t, "agent without a phrase");
            continue;
        }
        int plural = 1;
        st = kh_imp_agent(im, &txt, &txl, 1, &plural, code, cl, code);
        if (st == KH_ERR_FORMAT)
            st = KH_OK;
    }
    return st;
}

/* The verbs file: <SYNSETS>, <TIME>, roots with {forms} and - patterns. */
typedef struct tab_root {
    const char *form;      /* the root as written */
    size_t len;
    int open;
    char forms[16][64];    /* spelled verb words (exact), when the root takes endings */
    size_t n_forms;
    int time;
} tab_root;

static void root_forms(kh_imp *im, tab_root *r)
{
    /* A root whose verb word ends in `_` takes the regular endings. */
    const char *w;
    size_t wl;
    r->n_forms = 0;
    if (!kh_imp_verb_word(r->form, r->len, &w, &wl))
        return;
    /* Only a verb word ending the root in `_` ("ACT_"): in "CALLED_ON" the
     * `_` joins words, and <TIME> roots are not verbs. */
    const char *after = w + wl + 1, *end = r->form + r->len;
    if (!r->time && w + wl < end && w[wl] == '_' && (after >= end || is_blank((unsigned char)*after)) &&
        im->dialect == KH_IMP_TABARI)
        r->n_forms = kh_imp_verb_forms(KH_IMP_TABARI, w, wl, r->forms, 16);
}

/* Adds a pattern (or the root alone) for each spelling of the root. */
static kh_status root_pattern(kh_imp *im, tab_root *r, const char *pat, size_t pl,
                              const kh_imp_code *code, const char *at)
{
    kh_status st = KH_OK;
    if (!r->n_forms)
        return kh_imp_pattern(im, r->form, r->len, NULL, 0, pat, pl, code, at);
    size_t errors = im->b->errors;
    /* One report for a bad pattern, not one per spelling. */
    for (size_t f = 0; f < r->n_forms && !st && im->b->errors == errors; f++)
        st = kh_imp_pattern(im, r->form, r->len, r->forms[f], strlen(r->forms[f]), pat, pl, code,
                            at);
    return st;
}

/* Irregular forms of the open roots: each is a separate spelling. */
typedef struct tab_verbs {
    tab_root root;
    tab_root extra[16];    /* irregular forms, as roots sharing the pattern list */
    size_t n_extra;
    kh_imp_code code;      /* the root's own code */
} tab_verbs;

static kh_status tab_verbs_file(kh_imp *im, const char *data, size_t len)
{
    tab_verbs v;
    memset(&v, 0, sizeof v);
    size_t pos = 0, n;
    const char *s;
    kh_status st = KH_OK;
    int in_syn = 0, in_time = 0;
    uint32_t syn = 0;
    int have_syn = 0;
    while (!st && kh_imp_next_line(im, data, len, &pos, &s, &n)) {
        if (!line_ok(im, s, n))
            continue;
        if (is_finish(s, n))
            break;
        n = tab_strip(s, n);
        const char *t = s;
        size_t tl = n;
        trim(&t, &tl);
        if (!tl)
            continue;
        if (t[0] == '<') {
            if (tag_is(t, tl, "<SYNSETS>") || tag_is(t, tl, "<SYNSET>"))
                in_syn = 1, have_syn = 0;
            else if (tag_is(t, tl, "</SYNSETS>") || tag_is(t, tl, "</SYNSET>"))
                in_syn = 0;
            else if (tag_is(t, tl, "<TIME>"))
                in_time = 1, v.root.open = 0;
            else if (tag_is(t, tl, "</TIME>"))
                in_time = 0, v.root.open = 0;
            else
                IMP_WARN(im, t, "unknown tag '%.*s' ignored", (int)tl, t);
            continue;
        }
        kh_status e = KH_OK;
        if (in_syn) {
            if (t[0] == '&') {
                e = kh_imp_synset_define(im, t, tl, &syn);
                have_syn = e == KH_OK;
            } else if (t[0] == '+') {
                if (!have_syn)
                    IMP_ERR(im, t, "synset member without a synset (&NAME) before it");
                else
                    e = kh_imp_synset_member(im, syn, t + 1, tl - 1);
            } else {
                IMP_ERR(im, t, "in <SYNSETS>, a line is &NAME or +member");
            }
        } else if (t[0] == '{') {
            /* Irregular forms of the root just read. */
            if (!v.root.open) {
                IMP_ERR(im, t, "verb forms {...} without a verb before them");
                continue;
            }
            const char *close = memchr(t, '}', tl);
            if (!close) {
                IMP_ERR(im, t, "'{' without its '}'");
                continue;
            }
            const char *p = t + 1;
            size_t first_new = v.n_extra;
            while (p < close) {
                while (p < close && is_blank((unsigned char)*p))
                    p++;
                const char *ws = p;
                while (p < close && !is_blank((unsigned char)*p))
                    p++;
                if (p == ws)
                    break;
                if (v.n_extra == KH_ARRAY_LEN(v.extra)) {
                    IMP_ERR(im, ws, "too many verb forms");
                    break;
                }
                tab_root *x = &v.extra[v.n_extra++];
                memset(x, 0, sizeof *x);
                x->form = ws;
                x->len = (size_t)(p - ws);
                x->open = 1;
                x->time = in_time; /* explicit forms: no endings added */
                /* The root's own code applies to its forms alone too. */
            }
            /* Each form alone codes as the root alone. */
            for (size_t k = first_new; k < v.n_extra && !e; k++)
                e = root_pattern(im, &v.extra[k], NULL, 0, &v.code, v.extra[k].form);
        } else if (t[0] == '-' || t[0] == '_') {
            if (!v.root.open) {
                IMP_ERR(im, t, "pattern without a verb before it");
                continue;
            }
            const char *txt, *code;
            size_t txl, cl;
            int has = kh_imp_split_code(t + 1, tl - 1, &txt, &txl, &code, &cl);
            if (has <= 0) {
                IMP_ERR(im, has < 0 ? code - 1 : t, has < 0 ? "missing ']'" : "pattern without a code [...]");
                continue;
            }
            kh_imp_code c;
            e = kh_imp_code_parse(im, code, cl, in_time, &c);
            if (!e && !memchr(txt, '*', txl)) {
                IMP_ERR(im, txt, "pattern without the verb marker '*'");
                e = KH_ERR_FORMAT;
            }
            size_t errors = im->b->errors;
            if (!e)
                e = root_pattern(im, &v.root, txt, txl, &c, txt);
            for (size_t k = 0; k < v.n_extra && !e && im->b->errors == errors; k++)
                e = root_pattern(im, &v.extra[k], txt, txl, &c, txt);
        } else if (t[0] == '+' || t[0] == '&') {
            IMP_ERR(im, t, "'%c' line outside <SYNSETS>", t[0]);
        } else {
            /* A new root: ROOT [CODE]. */
            v.root.open = 0;
            v.n_extra = 0;
            const char *txt, *code;
            size_t txl, cl;
            int has = kh_imp_split_code(t, tl, &txt, &txl, &code, &cl);
            if (has <= 0) {
                IMP_ERR(im, has < 0 ? code - 1 : t, has < 0 ? "missing ']'" : "verb without a code [...]");
                continue;
            }
            if (!txl) {
                IMP_ERR(im, t, "code without a verb");
                continue;
            }
            kh_imp_code c;
            e = kh_imp_code_parse(im, code, cl, in_time, &c);
            if (e)
                continue;
            v.root.form = txt;
            v.root.len = txl;
            v.root.time = in_time;
            root_forms(im, &v.root);
            e = root_pattern(im, &v.root, NULL, 0, &c, txt);
            v.root.open = e == KH_OK;
            v.code = c; /* the root's code, for its irregular forms alone */
        }
        if (e && e != KH_ERR_FORMAT)
            st = e;
    }
    return st;
}

/* .options: coder settings. Checked line by line; nothing is stored in
 * the image (the coder's own options cover them). */
static kh_status tab_options(kh_imp *im, const char *data, size_t len)
{
    static const char *const cmds[] = {
        "SET:", "LABEL:", "COMPLEX:", "OUTPUT:", "FORWARD:", "DEFAULT:", "COMMA:", "NONEVENTS:",
        "REPLACE:", "ISSUES:", "FREQUENCY:", "ATTRIBUTION:", "DELETE:", "FILTER:", "DOCHEAD:",
    };
    size_t pos = 0, n;
    const char *s;
    while (kh_imp_next_line(im, data, len, &pos, &s, &n)) {
        if (!line_ok(im, s, n))
            continue;
        if (is_finish(s, n))
            break;
        for (size_t i = 0; i + 1 < n; i++)
            if ((s[i] == '/' && s[i + 1] == '/') || s[i] == '#') {
                n = i;
                break;
            }
        if (n && s[n - 1] == '#')
            n--;
        const char *t = s;
        size_t tl = n;
        trim(&t, &tl);
        if (!tl)
            continue;
        size_t k = 0;
        for (; k < KH_ARRAY_LEN(cmds); k++)
            if (has_prefix_ci(t, tl, cmds[k]))
                break;
        if (k == KH_ARRAY_LEN(cmds))
            IMP_WARN(im, t, "unknown .options command '%.*s' ignored", (int)tl, t);
    }
    return KH_OK;
}

typedef enum tab_kind { TK_ACTORS = 1, TK_AGENTS, TK_VERBS, TK_OPTIONS, TK_PROJECT } tab_kind;

static int ends_with_ci(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n >= e && has_prefix_ci(name + n - e, e, ext);
}

static tab_kind tab_kind_of(const char *name, const char *data, size_t len)
{
    if (ends_with_ci(name, ".actors"))
        return TK_ACTORS;
    if (ends_with_ci(name, ".agents"))
        return TK_AGENTS;
    if (ends_with_ci(name, ".verbs"))
        return TK_VERBS;
    if (ends_with_ci(name, ".options"))
        return TK_OPTIONS;
    if (ends_with_ci(name, ".project"))
        return TK_PROJECT;
    /* By content: the first telling line. */
    size_t i = 0;
    int agentish = 0, actorish = 0;
    while (i < len) {
        const char *l = data + i;
        size_t ll = 0;
        while (i + ll < len && data[i + ll] != '\n')
            ll++;
        i += ll + 1;
        const char *t = l;
        size_t tl = ll;
        trim(&t, &tl);
        if (!tl)
            continue;
        if (has_prefix_ci(t, tl, "<actor") || has_prefix_ci(t, tl, "<verb") ||
            has_prefix_ci(t, tl, "<agent") || has_prefix_ci(t, tl, "<textfile") ||
            has_prefix_ci(t, tl, "<optionsfile"))
            return TK_PROJECT;
        if (has_prefix_ci(t, tl, "<SYNSET") || has_prefix_ci(t, tl, "<TIME>") || t[0] == '-')
            return TK_VERBS;
        if (has_prefix_ci(t, tl, "SET:") || has_prefix_ci(t, tl, "LABEL:") ||
            has_prefix_ci(t, tl, "COMPLEX:") || has_prefix_ci(t, tl, "OUTPUT:"))
            return TK_OPTIONS;
        const char *lb = memchr(t, '[', tl);
        if (lb) {
            const char *q = lb + 1;
            while (q < t + tl && is_blank((unsigned char)*q))
                q++;
            const char *rb = memchr(lb, ']', tl - (size_t)(lb - t));
            if ((q < t + tl && *q == '~') || (rb && rb > lb + 1 && rb[-1] == '~'))
                agentish++;
            else
                actorish++;
        }
    }
    return agentish > actorish ? TK_AGENTS : TK_ACTORS;
}

static kh_status tab_file(kh_dict_builder *b, const char *name, const char *data, size_t len,
                          int depth);

/* .project: loads the dictionaries it names, relative to its directory. */
static kh_status tab_project(kh_imp *im, const char *data, size_t len, int depth)
{
    size_t pos = 0, n;
    const char *s;
    kh_status st = KH_OK;
    size_t dir_len = 0;
    const char *slash = strrchr(im->name, '/');
    if (slash)
        dir_len = (size_t)(slash - im->name) + 1;
    while (!st && kh_imp_next_line(im, data, len, &pos, &s, &n)) {
        if (!line_ok(im, s, n))
            continue;
        const char *t = s;
        size_t tl = n;
        trim(&t, &tl);
        if (!tl || t[0] != '<')
            continue;
        const char *gt = memchr(t, '>', tl);
        if (!gt)
            continue;
        /* TABARI reads only the first two letters of the tag. */
        int want = has_prefix_ci(t, tl, "<ac") || has_prefix_ci(t, tl, "<ag") ||
                   has_prefix_ci(t, tl, "<ve") || has_prefix_ci(t, tl, "<op");
        if (!want)
            continue;
        const char *f = gt + 1;
        size_t fl = tl - (size_t)(f - t);
        trim(&f, &fl);
        if (!fl) {
            IMP_ERR(im, gt, "no file name after the tag");
            continue;
        }
        char path[4096];
        int pn = f[0] == '/' ? snprintf(path, sizeof path, "%.*s", (int)fl, f)
                             : snprintf(path, sizeof path, "%.*s%.*s", (int)dir_len, im->name,
                                        (int)fl, f);
        if (pn < 0 || (size_t)pn >= sizeof path) {
            IMP_ERR(im, f, "file name too long");
            continue;
        }
        char *fd = NULL;
        size_t flen = 0;
        kh_status rs = kh_bld_read_file(im->b, path, &fd, &flen);
        if (rs) {
            IMP_ERR(im, f, "cannot read '%s': %s", path, kh_strerror(rs));
            if (rs != KH_ERR_NOTFOUND && rs != KH_ERR_IO)
                st = rs;
            continue;
        }
        im->b->source_hash = kh_hash64(fd, flen, im->b->source_hash);
        /* Its kind from the tag, whatever the file's extension. */
        tab_kind k = has_prefix_ci(t, tl, "<ac") ? TK_ACTORS
                   : has_prefix_ci(t, tl, "<ag") ? TK_AGENTS
                   : has_prefix_ci(t, tl, "<ve") ? TK_VERBS : TK_OPTIONS;
        kh_imp sub;
        kh_imp_init(&sub, im->b, path, KH_IMP_TABARI);
        switch (k) {
        case TK_ACTORS: st = tab_actors(&sub, fd, flen); break;
        case TK_AGENTS: st = tab_agents(&sub, fd, flen); break;
        case TK_VERBS: st = tab_verbs_file(&sub, fd, flen); break;
        default: st = tab_options(&sub, fd, flen); break;
        }
        kh_imp_free(&sub);
        kh_free(im->b->alloc, fd);
        (void)depth;
    }
    return st;
}

static kh_status tab_file(kh_dict_builder *b, const char *name, const char *data, size_t len,
                          int depth)
{
    kh_imp im;
    kh_imp_init(&im, b, name, KH_IMP_TABARI);
    kh_status st;
    switch (tab_kind_of(name, data, len)) {
    case TK_ACTORS: st = tab_actors(&im, data, len); break;
    case TK_AGENTS: st = tab_agents(&im, data, len); break;
    case TK_VERBS: st = tab_verbs_file(&im, data, len); break;
    case TK_OPTIONS: st = tab_options(&im, data, len); break;
    default: st = tab_project(&im, data, len, depth); break;
    }
    kh_imp_free(&im);
    return st;
}

kh_status kh_src_tabari(kh_dict_builder *b, const char *name, const char *data, size_t len)
{
    return tab_file(b, name, data, len, 0);
}
