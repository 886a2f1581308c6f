/*
 * verbs.c: the peer importers' verb entries: the forms of a verb line
 * (TABARI `ACT_` endings, PETRARCH regular forms) and its patterns turned
 * into kh_elem sequences for the dictionary builder, with synset and
 * alternative expansion. Part of the importer machinery (peer/import.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "peer/import.h"

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
        if (form[i] == '+' && i + 1 < len && !kh_imp_is_blank((unsigned char)form[i + 1])) {
            start = form + i + 1;
            break;
        }
    if (!start) {
        start = form;
        while (start < form + len && (kh_imp_is_blank((unsigned char)*start) || *start == '+'))
            start++;
    }
    const char *e = start;
    while (e < form + len && !kh_imp_is_blank((unsigned char)*e) && *e != '_' && *e != '~' &&
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
        k += kh_imp_is_alnum((unsigned char)s[i]) != 0;
    return k;
}

/* Pattern or verb-form text being scanned (scan() and its steps). */
typedef struct scan_text {
    const char *s;
    size_t len;
    size_t i;              /* the next byte */
    int form;              /* form mode (see scan) */
    int has_mark;          /* form mode: a '+' marks the verb */
    int verb_mark;         /* the next word is '+'-marked */
    const char *verb_word; /* form mode: the verb's spelling, or NULL */
    size_t verb_word_len;
    const pat_t *fp;       /* pattern mode: the verb form, spliced at '*' */
} scan_text;

static kh_status scan(kh_imp *im, const char *s, size_t len, int form, const char *verb_word,
                      size_t verb_word_len, const pat_t *fp, pat_t *p);

/* '*' (or '**', already skipped) at `at`: the verb form's elements, the
 * first taking the marker's flags; at most one per pattern. */
static kh_status scan_verb_marker(kh_imp *im, const scan_text *t, pat_t *p, uint16_t flags,
                                  const char *at)
{
    if (p->have_verb && im->b->lenient) {
        /* "- * COMMIT * AID": the first '*' places the verb. */
        kh_srcpos pos = {im->name, im->lineno, kh_imp_col_in(im, at)};
        kh_bld_remark(im->b, &pos, "a second verb marker '*' ignored");
        return KH_OK;
    }
    if (p->have_verb) {
        IMP_ERR(im, at, "more than one verb marker '*' in a pattern");
        return KH_ERR_FORMAT;
    }
    kh_status st = KH_OK;
    for (size_t k = 0; k < t->fp->n && !st; k++) {
        kh_elem e = t->fp->e[k];
        if (k == 0)
            e.aux = (uint16_t)(e.aux | flags);
        if (e.kind == KH_E_VERB)
            p->verb_pos = p->n;
        st = push_elem(im, p, e.kind, e.aux, e.ref, at);
    }
    p->have_verb = 1;
    return st;
}

/* "&NAME": a synset defined before, with members; its name's length
 * adds to the pattern's weight. */
static kh_status scan_synset(kh_imp *im, scan_text *t, pat_t *p, uint16_t flags)
{
    const char *at = t->s + t->i;
    size_t rest = t->len - t->i - 1;
    size_t nl = kh_imp_syn_name_len(at + 1, rest);
    uint32_t y;
    /* PETRARCH: the longest defined name over '_' ("&FIGHT_OF_WORDS"). */
    for (size_t k = nl; im->dialect == KH_IMP_PETRARCH && k + 2 < rest + 1 && at[1 + k] == '_' &&
                        kh_imp_is_alnum((unsigned char)at[2 + k]);) {
        k += 1 + kh_imp_syn_name_len(at + 2 + k, rest - 1 - k);
        if (kh_imp_syn_find(im, at, k + 1, &y))
            nl = k;
    }
    if (!nl || !kh_imp_syn_find(im, at, nl + 1, &y)) {
        IMP_ERR(im, at, "synset '%.*s' is not defined (define it before it is used)",
                (int)(nl + 1), at);
        return KH_ERR_FORMAT;
    }
    if (!KH_VEC_AT(im->syns, struct imp_syn, y).count) {
        IMP_ERR(im, at, "synset '%.*s' has no members", (int)(nl + 1), at);
        return KH_ERR_FORMAT;
    }
    p->weight += (uint32_t)nl;
    kh_status st = push_elem(im, p, KH_E_SYNSET, flags,
                             KH_VEC_AT(im->syns, struct imp_syn, y).index, at);
    t->i += nl + 1;
    return st;
}

/* Alternatives "{ A | B C | &SYN_D }" (g[0, gl) inside the braces): an
 * anonymous synset named by their hash, each alternative expanded into
 * it; the longest adds its letters to the pattern's weight. */
static kh_status scan_alternatives(kh_imp *im, const char *g, size_t gl, pat_t *p,
                                   uint16_t flags, const char *at)
{
    const char *close = g + gl;
    char nm[32];
    snprintf(nm, sizeof nm, "&alt%016llx", (unsigned long long)kh_hash64(g, gl, 0x616c74u));
    uint32_t syn;
    kh_status st = kh_bld_synset(im->b, nm, strlen(nm), &syn);
    uint32_t longest = 0;
    const char *a = g;
    while (!st && a <= close) {
        const char *bar = memchr(a, '|', (size_t)(close - a));
        const char *ae = bar ? bar : close;
        const char *as = a;
        size_t al = (size_t)(ae - a);
        kh_imp_trim(&as, &al);
        if (!al) {
            IMP_ERR(im, a, "empty alternative");
            return KH_ERR_FORMAT;
        }
        uint32_t w = alnum_count(as, al);
        longest = w > longest ? w : longest;
        struct alt_ctx ac = {syn};
        size_t budget = IMP_MAX_EXPAND;
        st = kh_imp_expand(im, as, al, 0, &budget, add_alt, &ac, as);
        a = ae + 1;
    }
    p->weight += longest;
    if (!st)
        st = push_elem(im, p, KH_E_SYNSET, flags, syn, at);
    return st;
}

/* "{...}": alternatives, or (PETRARCH2, without '|') a noun phrase
 * "{FINANCIAL AID}" whose words are marked as one, head last. */
static kh_status scan_group(kh_imp *im, scan_text *t, pat_t *p, uint16_t flags)
{
    const char *at = t->s + t->i;
    const char *close = memchr(at, '}', t->len - t->i);
    /* "{ WILL | WOULD ] *": the 2012 TABARI verbs close some groups with
     * ']' (a code block never stands inside a pattern). */
    if (!close && im->b->lenient)
        close = memchr(at, ']', t->len - t->i);
    if (!close) {
        IMP_ERR(im, at, "'{' without its '}'");
        return KH_ERR_FORMAT;
    }
    const char *g = at + 1;
    size_t gl = (size_t)(close - g);
    kh_status st;
    if (!memchr(g, '|', gl) && im->dialect == KH_IMP_PETRARCH) {
        /* PETRARCH2 noun phrase {FINANCIAL AID}: its words, head last. */
        size_t before = p->n;
        st = scan(im, g, gl, 0, NULL, 0, t->fp, p);
        for (size_t k = before; k < p->n; k++)
            p->e[k].aux = (uint16_t)(p->e[k].aux | KH_EF_NP | (k == before ? flags : 0) |
                                     (k + 1 == p->n ? KH_EF_HEAD : 0));
    } else {
        st = scan_alternatives(im, g, gl, p, flags, at);
    }
    t->i = (size_t)(close - t->s) + 1;
    return st;
}

/* A word, up to a blank, a connector or a bracket: its token ids, stemmed
 * (TABARI) unless followed by '_' or '='. In form mode the verb's word
 * (the '+'-marked one, else the first) becomes KH_E_VERB, spelled
 * verb_word when given; in pattern mode its letters add to the weight. */
static kh_status scan_word(kh_imp *im, scan_text *t, pat_t *p, uint16_t flags)
{
    const char *s = t->s;
    size_t len = t->len, i = t->i, ws = t->i;
    const char *at = s + ws;
    int form = t->form;
    while (i < len && !kh_imp_is_blank((unsigned char)s[i]) && s[i] != '_' && s[i] != '~' &&
           s[i] != '=' && s[i] != '{' && s[i] != '}' && s[i] != '|' && s[i] != '(' &&
           s[i] != ')' && s[i] != '*' && (s[i] != '&' || i == ws) && !(s[i] == '+' && form))
        i++;
    size_t wl = i - ws;
    if (!wl) {
        IMP_ERR(im, at, "unexpected '%c' in a pattern", s[ws]);
        return KH_ERR_FORMAT;
    }
    int mode = W_STEM;
    if (im->dialect == KH_IMP_PETRARCH)
        mode = W_EXACT;
    else if (i < len && (s[i] == '_' || s[i] == '='))
        mode = W_EXACT;
    while (i < len && s[i] == '=')
        i++;
    t->i = i;
    int is_verb = form && !p->have_verb && (t->verb_mark || !t->has_mark);
    const char *w = s + ws;
    if (is_verb && t->verb_word) {
        w = t->verb_word;
        wl = t->verb_word_len;
        mode = W_EXACT;
    }
    if (wl > IMP_MAX_WORD) {
        IMP_ERR(im, at, "word longer than %d bytes", IMP_MAX_WORD);
        return KH_ERR_FORMAT;
    }
    uint32_t ids[8];
    size_t n;
    kh_status st = kh_imp_word_ids(im, w, wl, mode == W_STEM, ids, KH_ARRAY_LEN(ids), &n);
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
    t->verb_mark = 0;
    return st;
}

/*
 * Scans pattern or verb-form text into elements. In form mode (`form`),
 * the words are the verb phrase itself: the `+`-marked word (PETRARCH) or
 * else the first word is the verb, spelled `verb_word` when given. In
 * pattern mode `*` (or `**`) splices the elements of `fp` (the verb form).
 * Here: blanks, connectors ('_' '~': the next element is adjacent), slots,
 * parentheses (a prepositional phrase) and the dispatch to the steps above.
 */
static kh_status scan(kh_imp *im, const char *s, size_t len, int form, const char *verb_word,
                      size_t verb_word_len, const pat_t *fp, pat_t *p)
{
    scan_text t = {.s = s, .len = len, .i = 0, .form = form, .has_mark = 0, .verb_mark = 0,
                   .verb_word = verb_word, .verb_word_len = verb_word_len, .fp = fp};
    int adj = 0, in_pp = 0;
    if (form)
        for (size_t k = 0; k + 1 < len; k++)
            if (s[k] == '+' && !kh_imp_is_blank((unsigned char)s[k + 1]))
                t.has_mark = 1;
    while (t.i < len) {
        char c = s[t.i];
        const char *at = s + t.i;
        if (kh_imp_is_blank((unsigned char)c)) {
            t.i++;
            adj = 0;
            continue;
        }
        uint16_t flags = (uint16_t)((adj ? KH_EF_ADJ : 0) | (in_pp ? KH_EF_PP : 0));
        kh_status st = KH_OK;
        if (c == '_' || c == '~') {
            t.i++;
            adj = 1;
            continue;
        }
        if (form && c == '+') {
            t.verb_mark = 1;
            t.i++;
            continue;
        }
        if (!form && c == '*') {
            t.i += (t.i + 1 < len && s[t.i + 1] == '*') ? 2 : 1;
            st = scan_verb_marker(im, &t, p, flags, at);
        } else if (!form && (c == '$' || c == '+' || c == '%' || c == '^')) {
            t.i++;
            uint16_t kind = c == '$' ? KH_E_SOURCE : c == '+' ? KH_E_TARGET
                          : c == '%' ? KH_E_COMPOUND : KH_E_SKIP;
            st = push_elem(im, p, kind, flags, 0, at);
        } else if (c == '&') {
            st = scan_synset(im, &t, p, flags);
        } else if (c == '{') {
            st = scan_group(im, &t, p, flags);
        } else if (c == '(' || c == ')') {
            in_pp = c == '(';
            t.i++;
            if (c == '(') {
                adj = 0;
                continue;
            }
        } else if ((c == '}' || c == ']') && im->b->lenient) {
            /* A stray closing brace ("PROTEST }"): nothing to close. */
            kh_srcpos pos = {im->name, im->lineno, kh_imp_col_in(im, at)};
            kh_bld_remark(im->b, &pos, "a '%c' without its opening ignored", c);
            t.i++;
            continue;
        } else if (c == '}' || c == '|' || c == ']' || c == '[') {
            IMP_ERR(im, at, "unexpected '%c' in a pattern", c);
            return KH_ERR_FORMAT;
        } else {
            st = scan_word(im, &t, p, flags);
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
        int src = p.e[k].kind == KH_E_SOURCE, tgt = p.e[k].kind == KH_E_TARGET;
        /* "- + * TO_ + [173]": the first '+' (or '$') is the slot; a later
         * one still asks for an actor there, as '^' does. */
        if (im->b->lenient && ((src && slots[0]) || (tgt && slots[1]))) {
            p.e[k].kind = KH_E_SKIP;
            continue;
        }
        slots[0] += (size_t)src;
        slots[1] += (size_t)tgt;
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
        kh_srcpos dpos = {im->name, im->lineno, kh_imp_col_in(im, at)};
        kh_bld_remark(b, &dpos, "duplicate pattern '%s' (also at %s:%u): the first is kept",
                      text, b->pool.data + o->file, o->line);
        return KH_OK;
    }
    kh_srcpos pos = {im->name, im->lineno, kh_imp_col_in(im, at)};
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

