/*
 * petrarch.c: PETRARCH (1 and 2) dictionaries into the dictionary
 * builder: the actors, agents, verbs and discards text files, so the
 * dictionaries of a PETRARCH installation compile unchanged into khaldun's
 * image. The shared machinery (codes, phrases, synsets, actor entries,
 * patterns) is in import.c; this file knows PETRARCH's layout:
 *
 *   comments      # and ; (outside [...]), <!-- ... --> even across lines
 *   actors        PHRASE [CODE] / +SYNONYM / <tab>[CODE <DATE|>DATE|D-D]
 *                 (dates YYMMDD or YYYYMMDD); words match whole
 *   agents        PHRASE {PLURALS} [~CODE], !MARK! = A, B substitutions,
 *                 regular plurals generated unless {} is given
 *   verbs         &SYNSET +member blocks; "--- NAME [CODE] ---" verb blocks
 *                 whose verbs (VERB {FORMS} [CODE], +MULTI_WORD, PRE_+VERB)
 *                 share the block's "- pattern [CODE]" lines
 *   discards      PHRASE (sentence) / +PHRASE (story): actors whose only
 *                 code is KH_CODE_DISCARD / KH_CODE_DISCARD_STORY
 *
 * The kind of a file comes from its name (*actors*, *agents*, *verbs*,
 * *discards*), else from its content. Every problem is reported as
 * FILE:LINE:COL and the entry skipped.
 */
#include <stdio.h>

#include "peer/import.h"


/* A line without its comments: the kept part is copied to out (a line
 * may lose a middle <!-- --> part). `in_xml` carries an open <!-- across
 * lines. Returns the kept length; out holds at most cap bytes. */
static size_t strip(const char *s, size_t n, int *in_xml, char *out, size_t cap,
                    size_t *map_col, size_t map_cap)
{
    size_t k = 0, depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (*in_xml) {
            if (i + 2 < n && s[i] == '-' && s[i + 1] == '-' && s[i + 2] == '>') {
                *in_xml = 0;
                i += 2;
            }
            continue;
        }
        if (s[i] == '<' && i + 1 < n && s[i + 1] == '!') {
            *in_xml = 1;
            i++;
            continue;
        }
        if (s[i] == '[')
            depth++;
        else if (s[i] == ']' && depth)
            depth--;
        else if ((s[i] == '#' || s[i] == ';') && !depth)
            break;
        if (k < cap) {
            if (k < map_cap)
                map_col[k] = i;
            out[k++] = s[i];
        }
    }
    return k;
}

/* The stripped line with a map back to columns of the original. */
typedef struct pline {
    char text[2048];
    size_t col[2048];
    size_t len;
    const char *orig;
} pline;

static const char *orig_at(const pline *l, const char *p)
{
    size_t k = (size_t)(p - l->text);
    if (k >= l->len)
        k = l->len ? l->len - 1 : 0;
    return l->len ? l->orig + l->col[k] : l->orig;
}

/* Re-points the importer's line at the stripped copy so columns come out
 * right: kh_imp_diag computes (at - line) + 1; we report through orig. */
#define PERR(im, l, p, ...) kh_imp_diag((im), orig_at((l), (p)), KH_SEV_ERROR, __VA_ARGS__)
#define PWARN(im, l, p, ...) kh_imp_diag((im), orig_at((l), (p)), KH_SEV_WARNING, __VA_ARGS__)

static int next(kh_imp *im, const char *data, size_t len, size_t *pos, int *in_xml, pline *l)
{
    const char *s;
    size_t n;
    while (kh_imp_next_line(im, data, len, pos, &s, &n)) {
        const char *z = memchr(s, '\0', n);
        if (z) {
            kh_imp_diag(im, z, KH_SEV_ERROR, "NUL byte in a dictionary line");
            continue;
        }
        if (!kh_utf8_valid(s, n)) {
            kh_imp_diag(im, s, KH_SEV_ERROR, "invalid UTF-8");
            continue;
        }
        if (n >= sizeof l->text) {
            kh_imp_diag(im, s, KH_SEV_ERROR, "line longer than %zu bytes", sizeof l->text - 1);
            continue;
        }
        l->orig = s;
        l->len = strip(s, n, in_xml, l->text, sizeof l->text - 1, l->col, KH_ARRAY_LEN(l->col));
        l->text[l->len] = '\0';
        return 1;
    }
    return 0;
}

/* The next line with text left after stripping, trimmed to [*t, *t + *tl). */
static int next_trimmed(kh_imp *im, const char *data, size_t len, size_t *pos, int *in_xml,
                        pline *l, const char **t, size_t *tl)
{
    while (next(im, data, len, pos, in_xml, l)) {
        *t = l->text;
        *tl = l->len;
        kh_imp_trim(t, tl);
        if (*tl)
            return 1;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Actors                                                                 */

static const char *pline_at(const void *l, const char *p)
{
    return orig_at((const pline *)l, p);
}

/* The "[CODE ...]" blocks in [p, end) of the stripped line; roles are
 * read in the original line, so their errors point there. */
static kh_status role_blocks(kh_imp *im, const pline *l, kh_imp_actor *a, const char *p,
                             const char *end)
{
    return kh_imp_role_blocks(im, a, p, end, pline_at, l);
}

static kh_status petr_actors(kh_imp *im, const char *data, size_t len)
{
    kh_imp_actor a;
    kh_imp_actor_init(&a);
    pline *l = (pline *)kh_malloc(im->b->alloc, sizeof *l);
    if (!l)
        return KH_ERR_NOMEM;
    size_t pos = 0;
    int in_xml = 0, bad = 0;
    kh_status st = KH_OK;
    while (!st && next(im, data, len, &pos, &in_xml, l)) {
        const char *t = l->text;
        size_t tl = l->len;
        int indented = tl && kh_imp_is_blank((unsigned char)t[0]);
        kh_imp_trim(&t, &tl);
        if (!tl)
            continue;
        if (indented && t[0] == '[') {
            if (!a.open) {
                if (!bad)
                    PERR(im, l, t, "code line without an actor before it");
                continue;
            }
            st = role_blocks(im, l, &a, t, t + tl);
        } else if (t[0] == '+') {
            if (!a.open) {
                if (!bad)
                    PERR(im, l, t, "synonym without an actor before it");
                continue;
            }
            const char *txt, *code;
            size_t txl, cl;
            int has = kh_imp_split_code(t + 1, tl - 1, &txt, &txl, &code, &cl);
            st = kh_imp_actor_phrase(im, &a, orig_at(l, txt), txl);
            if (!st && has)
                st = role_blocks(im, l, &a, code - 1, t + tl);
        } else {
            /* PETRARCH: primary phrases without a code share the codes of
             * the entry that follows ("IVO_JOSIPOVIC_" "JOSIPOVIC_" then the
             * dated lines): read_actor_dictionary keeps their code index. */
            if (!(a.open && !a.roles.n && a.phrases.n))
                st = kh_imp_actor_end(im, &a);
            if (st)
                break;
            bad = 0;
            const char *txt, *code;
            size_t txl, cl;
            int has = kh_imp_split_code(t, tl, &txt, &txl, &code, &cl);
            if (has < 0) {
                PERR(im, l, code - 1, "missing ']'");
                bad = 1;
                continue;
            }
            st = kh_imp_actor_phrase(im, &a, orig_at(l, txt), txl);
            if (!st && has)
                st = role_blocks(im, l, &a, code - 1, t + tl);
            if (st == KH_ERR_FORMAT) {
                bad = 1;
                kh_imp_actor_drop(&a);
            }
        }
        if (st == KH_ERR_FORMAT)
            st = KH_OK;
    }
    kh_free(im->b->alloc, l);
    return kh_imp_actor_close(im, &a, st);
}

/* ---------------------------------------------------------------------- */
/* Agents                                                                 */

#define MAX_SUBST 32
#define MAX_SUBST_ITEMS 32

typedef struct subst {
    char mark[64];
    char items[MAX_SUBST_ITEMS][64];
    size_t n;
} subst;

/* "!MARK! = A, B, C": defines substitution marker subs[*n_subs] (eq is the
 * line's '='). Errors are reported as diagnostics and the line dropped. */
static void subst_line(kh_imp *im, const pline *l, const char *t, size_t tl, const char *eq,
                       subst *subs, size_t *n_subs)
{
    const char *me = t;
    size_t ml = (size_t)(eq - t);
    kh_imp_trim(&me, &ml);
    if (ml < 3 || me[ml - 1] != '!' || ml >= 64) {
        PERR(im, l, t, "bad substitution marker (like !PERSON! = MAN, WOMAN)");
        return;
    }
    if (*n_subs == MAX_SUBST) {
        PERR(im, l, t, "too many substitution markers (at most %d)", MAX_SUBST);
        return;
    }
    subst *sb = &subs[*n_subs];
    memset(sb, 0, sizeof *sb);
    memcpy(sb->mark, me, ml);
    const char *p = eq + 1, *end = t + tl;
    while (p < end) {
        const char *c = memchr(p, ',', (size_t)(end - p));
        const char *ie = c ? c : end;
        const char *is = p;
        size_t il = (size_t)(ie - p);
        kh_imp_trim(&is, &il);
        if (il && il < 64 && sb->n < MAX_SUBST_ITEMS) {
            memcpy(sb->items[sb->n], is, il);
            sb->items[sb->n][il] = '\0';
            sb->n++;
        } else if (il) {
            PERR(im, l, is, "substitution item too long or too many items");
        }
        p = ie + 1;
    }
    if (!sb->n)
        PERR(im, l, eq, "substitution marker without items");
    else
        (*n_subs)++;
}

#define AGENT_MAX_NAMES 40

/* The names one agent line gives: its phrase (or the phrases a marker
 * expands it to, in buf) and its plurals; plural[i]: generate a plural. */
typedef struct agent_names {
    char buf[AGENT_MAX_NAMES][160];
    const char *names[AGENT_MAX_NAMES];
    size_t lens[AGENT_MAX_NAMES];
    int plural[AGENT_MAX_NAMES];
    size_t n;
} agent_names;

/* Phrase head[0, hl) with the marker at bang: one name per item of the
 * marker, none with a generated plural. Returns 0 (reported) when the
 * marker is not defined. */
static int marker_names(kh_imp *im, const pline *l, const char *head, size_t hl,
                        const char *bang, const subst *subs, size_t n_subs, agent_names *an)
{
    const char *bang2 = memchr(bang + 1, '!', hl - (size_t)(bang + 1 - head));
    size_t k = 0;
    if (bang2)
        for (; k < n_subs; k++)
            if (strlen(subs[k].mark) == (size_t)(bang2 - bang + 1) &&
                !memcmp(subs[k].mark, bang, (size_t)(bang2 - bang + 1)))
                break;
    if (!bang2 || k == n_subs) {
        PERR(im, l, bang, "undefined substitution marker");
        return 0;
    }
    for (size_t i = 0; i < subs[k].n && an->n < AGENT_MAX_NAMES; i++) {
        size_t nn = an->n;
        int w = snprintf(an->buf[nn], sizeof an->buf[nn], "%.*s%s%.*s", (int)(bang - head), head,
                         subs[k].items[i], (int)(hl - (size_t)(bang2 + 1 - head)), bang2 + 1);
        if (w < 0 || (size_t)w >= sizeof an->buf[nn])
            continue;
        an->names[nn] = an->buf[nn];
        an->lens[nn] = (size_t)w;
        an->plural[nn] = 0; /* "no additional plural formation" */
        an->n++;
    }
    return 1;
}

/* The blank-separated plural forms in plur[0, pl) (from "{FORMS}"). */
static void plural_names(const pline *l, const char *plur, size_t pl, agent_names *an)
{
    const char *p = plur, *end = plur + pl;
    while (p < end && an->n < AGENT_MAX_NAMES) {
        while (p < end && kh_imp_is_blank((unsigned char)*p))
            p++;
        const char *ws = p;
        while (p < end && !kh_imp_is_blank((unsigned char)*p))
            p++;
        if (p > ws) {
            an->names[an->n] = orig_at(l, ws);
            an->lens[an->n] = (size_t)(p - ws);
            an->plural[an->n] = 0;
            an->n++;
        }
    }
}

/* "PHRASE {PLURALS} [CODE]" (a closing } for ] is tolerated: "[~LEG}"):
 * one agent with all its names. Syntax errors are reported as diagnostics
 * and the line dropped (KH_OK); other errors are returned. */
static kh_status agent_line(kh_imp *im, const pline *l, const char *t, size_t tl,
                            const subst *subs, size_t n_subs)
{
    const char *lb = memchr(t, '[', tl);
    if (!lb) {
        PERR(im, l, t, "agent without a code [~CODE]");
        return KH_OK;
    }
    const char *rb = memchr(lb, ']', tl - (size_t)(lb - t));
    if (!rb) {
        rb = memchr(lb, '}', tl - (size_t)(lb - t));
        if (!rb) {
            PERR(im, l, lb, "missing ']'");
            return KH_OK;
        }
    }
    const char *head = t;
    size_t hl = (size_t)(lb - t);
    const char *br = memchr(head, '{', hl);
    const char *plur = NULL;
    size_t pl = 0;
    if (br) {
        const char *bc = memchr(br, '}', hl - (size_t)(br - head));
        if (!bc) {
            PERR(im, l, br, "'{' without its '}'");
            return KH_OK;
        }
        plur = br + 1;
        pl = (size_t)(bc - br - 1);
        hl = (size_t)(br - head);
    }
    kh_imp_trim(&head, &hl);
    if (!hl) {
        PERR(im, l, t, "agent without a phrase");
        return KH_OK;
    }
    /* Names: the phrase (expanded by a marker), and the plurals. */
    agent_names an;
    an.n = 0;
    const char *bang = memchr(head, '!', hl);
    if (bang) {
        if (!marker_names(im, l, head, hl, bang, subs, n_subs, &an))
            return KH_OK;
    } else {
        an.names[0] = orig_at(l, head);
        an.lens[0] = hl;
        an.plural[0] = plur == NULL; /* {} or {FORMS}: no generated plural */
        an.n = 1;
    }
    if (plur)
        plural_names(l, plur, pl, &an);
    if (!an.n)
        return KH_OK;
    kh_status st = kh_imp_agent(im, an.names, an.lens, an.n, an.plural, orig_at(l, lb + 1),
                                (size_t)(rb - lb - 1), orig_at(l, lb + 1));
    return st == KH_ERR_FORMAT ? KH_OK : st;
}

/* A PETRARCH agents file: substitution markers, then agent lines that
 * may use them. */
static kh_status petr_agents(kh_imp *im, const char *data, size_t len)
{
    pline *l = (pline *)kh_malloc(im->b->alloc, sizeof *l);
    subst *subs = (subst *)kh_calloc(im->b->alloc, MAX_SUBST, sizeof *subs);
    if (!l || !subs) {
        kh_free(im->b->alloc, l);
        kh_free(im->b->alloc, subs);
        return KH_ERR_NOMEM;
    }
    size_t n_subs = 0, pos = 0;
    int in_xml = 0;
    kh_status st = KH_OK;
    const char *t;
    size_t tl;
    while (!st && next_trimmed(im, data, len, &pos, &in_xml, l, &t, &tl)) {
        const char *eq = memchr(t, '=', tl);
        if (t[0] == '!' && eq && !memchr(t, '[', tl))
            subst_line(im, l, t, tl, eq, subs, &n_subs);
        else
            im->b->sum.read[KH_ENTRY_AGENT]++, st = agent_line(im, l, t, tl, subs, n_subs);
    }
    kh_free(im->b->alloc, l);
    kh_free(im->b->alloc, subs);
    return st;
}

/* ---------------------------------------------------------------------- */
/* Discards                                                               */

static kh_status petr_discards(kh_imp *im, const char *data, size_t len)
{
    pline *l = (pline *)kh_malloc(im->b->alloc, sizeof *l);
    if (!l)
        return KH_ERR_NOMEM;
    size_t pos = 0;
    int in_xml = 0;
    kh_status st = KH_OK;
    kh_dict_builder *b = im->b;
    const char *t;
    size_t tl;
    while (!st && next_trimmed(im, data, len, &pos, &in_xml, l, &t, &tl)) {
        int story = t[0] == '+';
        if (story) {
            t++;
            tl--;
            kh_imp_trim(&t, &tl);
        }
        if (!tl) {
            PERR(im, l, l->text, "empty discard phrase");
            continue;
        }
        /* An actor whose only code discards: a phrase that ends in _ must
         * end there, else its last word is a stem. */
        kh_role role = {0, KH_DAYS_MIN, KH_DAYS_MAX};
        const char *code = story ? KH_CODE_DISCARD_STORY : KH_CODE_DISCARD;
        kh_actor_rec rec;
        memset(&rec, 0, sizeof rec);
        char where[600];
        int wn = snprintf(where, sizeof where, "%s:%zu", im->name, im->lineno);
        st = kh_bld_str(b, code, strlen(code), &role.code);
        if (!st)
            st = kh_bld_str(b, t, tl, &rec.name);
        if (!st)
            st = kh_bld_str(b, "discard", 7, &rec.note);
        if (!st)
            st = kh_bld_str(b, where, wn > 0 ? (size_t)wn : 0, &rec.src);
        rec.first_role = (uint32_t)b->roles.n;
        rec.n_roles = 1;
        uint32_t idx = (uint32_t)b->actors.n;
        if (!st)
            st = kh_vec_push(b->alloc, &b->roles, &role);
        if (!st)
            st = kh_vec_push(b->alloc, &b->actors, &rec);
        int stem = t[tl - 1] != '_';
        if (!st)
            st = kh_imp_phrase(im, orig_at(l, t), tl, KH_P_ACTOR, idx, 0, stem);
        if (st == KH_ERR_FORMAT)
            st = KH_OK;
    }
    kh_free(b->alloc, l);
    return st;
}

/* ---------------------------------------------------------------------- */
/* Verbs                                                                  */

#define MAX_BLOCK_VERBS 64
#define MAX_BLOCK_PATTERNS 256

typedef struct bverb {
    const char *form;       /* in the original data */
    size_t len;
    const char *forms;      /* inside {...}, or NULL */
    size_t forms_len;
    kh_imp_code code;
    size_t lineno;
    const char *line;
} bverb;

typedef struct bpat {
    const char *text;
    size_t len;
    kh_imp_code code;
    size_t lineno;
    const char *line;
    int bad;                /* reported once: not tried for the other verbs */
} bpat;

typedef struct block {
    int open;
    kh_imp_code code;       /* the block's code */
    bverb verbs[MAX_BLOCK_VERBS];
    size_t n_verbs;
    bpat pats[MAX_BLOCK_PATTERNS];
    size_t n_pats;
} block;

/* One spelling of a verb: the form text (with its + mark) and, for
 * generated forms, the verb word to use. */
static kh_status verb_spellings(kh_imp *im, const bverb *v, const bpat *p)
{
    const char *save_line = im->line;
    size_t save_no = im->lineno;
    im->line = p ? p->line : v->line;
    im->lineno = p ? p->lineno : v->lineno;
    const kh_imp_code *code = p ? &p->code : &v->code;
    const char *pt = p ? p->text : NULL;
    size_t pl = p ? p->len : 0;
    const char *at = p ? p->text : v->form;
    kh_status st = KH_OK;
    size_t errors0 = im->b->errors;
    if (v->forms) {
        /* The form as written, then each listed form (a full spelling). */
        st = kh_imp_pattern(im, v->form, v->len, NULL, 0, pt, pl, code, at);
        const char *q = v->forms, *end = v->forms + v->forms_len;
        while (!st && q < end && im->b->errors == errors0) {
            while (q < end && kh_imp_is_blank((unsigned char)*q))
                q++;
            const char *ws = q;
            while (q < end && !kh_imp_is_blank((unsigned char)*q))
                q++;
            size_t errors = im->b->errors;
            if (q > ws)
                st = kh_imp_pattern(im, ws, (size_t)(q - ws), NULL, 0, pt, pl, code, at);
            if (st == KH_ERR_FORMAT)
                st = KH_OK;
            if (im->b->errors != errors)
                break;
        }
    } else {
        const char *w;
        size_t wl;
        char forms[8][64];
        size_t nf = 0;
        if (kh_imp_verb_word(v->form, v->len, &w, &wl) && wl < 60)
            nf = kh_imp_verb_forms(KH_IMP_PETRARCH, w, wl, forms, 8);
        if (!nf)
            st = kh_imp_pattern(im, v->form, v->len, NULL, 0, pt, pl, code, at);
        size_t errors = im->b->errors;
        for (size_t f = 0; f < nf && !st && im->b->errors == errors; f++) {
            st = kh_imp_pattern(im, v->form, v->len, forms[f], strlen(forms[f]), pt, pl, code, at);
            if (st == KH_ERR_FORMAT)
                st = KH_OK;
        }
    }
    im->line = save_line;
    im->lineno = save_no;
    return st == KH_ERR_FORMAT ? KH_OK : st;
}

static kh_status block_end(kh_imp *im, block *bk)
{
    kh_status st = KH_OK;
    if (!bk->open)
        return KH_OK;
    for (size_t i = 0; i < bk->n_verbs && !st; i++) {
        st = verb_spellings(im, &bk->verbs[i], NULL);
        for (size_t k = 0; k < bk->n_pats && !st; k++) {
            if (bk->pats[k].bad)
                continue;
            size_t errors = im->b->errors;
            st = verb_spellings(im, &bk->verbs[i], &bk->pats[k]);
            bk->pats[k].bad = im->b->errors != errors;
        }
    }
    bk->open = 0;
    bk->n_verbs = bk->n_pats = 0;
    return st;
}

/* "--- NAME [CODE] ---" (PETRARCH-1 also "### NAME ###"): opens a verb
 * block whose verbs take CODE (or the null code) unless they have their
 * own. Returns the status of parsing CODE. */
static kh_status block_header(kh_imp *im, const pline *l, block *bk, const char *t, size_t tl)
{
    bk->open = 1;
    kh_imp_code c;
    memset(&c, 0, sizeof c);
    const char *txt, *code;
    size_t txl, cl;
    kh_status e;
    int has = kh_imp_split_code(t + 3, tl - 3, &txt, &txl, &code, &cl);
    if (has > 0) {
        e = kh_imp_code_parse(im, orig_at(l, code), cl, 0, &c);
        const char *rest = code + cl + 1;
        if (memchr(rest, '[', tl - (size_t)(rest - t)))
            PWARN(im, l, rest, "a second code in a block header is ignored");
    } else {
        e = kh_imp_code_parse(im, KH_CODE_NULL, 3, 0, &c);
    }
    if (e)
        (void)kh_imp_code_parse(im, KH_CODE_NULL, 3, 0, &c);
    bk->code = c;
    return e;
}

/* "- PATTERN [CODE]": a pattern of the open block, kept until the block
 * ends (it points into the original data, which outlives the block). A
 * "~" transformation line is skipped with a warning. Errors are reported
 * as diagnostics; the line is then dropped and KH_OK returned. */
static kh_status block_pattern(kh_imp *im, const pline *l, block *bk, const char *t, size_t tl)
{
    if (t[0] == '~') {
        PWARN(im, l, t, "PETRARCH2 transformations (~ lines) are not imported");
        return KH_OK;
    }
    if (!bk->open || !bk->n_verbs) {
        PERR(im, l, t, "pattern without a verb before it");
        return KH_OK;
    }
    const char *txt, *code;
    size_t txl, cl;
    if (!kh_imp_pattern_split(im, t, tl, &txt, &txl, &code, &cl, pline_at, l))
        return KH_OK;
    if (!memchr(txt, '*', txl)) {
        PERR(im, l, txt, "pattern without the verb marker '*'");
        return KH_OK;
    }
    if (bk->n_pats == MAX_BLOCK_PATTERNS) {
        PERR(im, l, t, "too many patterns in one block (at most %d)", MAX_BLOCK_PATTERNS);
        return KH_OK;
    }
    bpat *p = &bk->pats[bk->n_pats];
    if (kh_imp_code_parse(im, orig_at(l, code), cl, 0, &p->code))
        return KH_OK;
    /* Patterns are checked when the block ends; they point into the
     * original data, which outlives the block. Comments are cut. */
    p->text = orig_at(l, txt);
    p->len = txl;
    /* txl counts stripped text; the original is identical there
     * unless a <!-- --> sat inside the pattern: then refuse it. */
    if (memcmp(p->text, txt, txl) != 0) {
        PERR(im, l, txt, "comment inside a pattern");
        return KH_OK;
    }
    p->lineno = im->lineno;
    p->line = im->line;
    bk->n_pats++;
    return KH_OK;
}

/* "VERB {FORMS} [CODE]": a verb of the open block, with its irregular
 * forms and its own code (else the block's). Errors are reported as
 * diagnostics and the line dropped. */
static void block_verb(kh_imp *im, const pline *l, block *bk, const char *t, size_t tl)
{
    if (!bk->open) {
        PERR(im, l, t, "verb outside a block (start one with --- NAME [CODE] ---)");
        return;
    }
    if (bk->n_verbs == MAX_BLOCK_VERBS) {
        PERR(im, l, t, "too many verbs in one block (at most %d)", MAX_BLOCK_VERBS);
        return;
    }
    bverb *v = &bk->verbs[bk->n_verbs];
    memset(v, 0, sizeof *v);
    const char *txt, *code;
    size_t txl, cl;
    int has = kh_imp_split_code(t, tl, &txt, &txl, &code, &cl);
    if (has < 0) {
        PERR(im, l, code - 1, "missing ']'");
        return;
    }
    v->code = bk->code;
    if (has > 0 && kh_imp_code_parse(im, orig_at(l, code), cl, 0, &v->code))
        return;
    const char *br = memchr(txt, '{', txl);
    if (br) {
        const char *bc = memchr(br, '}', txl - (size_t)(br - txt));
        if (!bc) {
            PERR(im, l, br, "'{' without its '}'");
            return;
        }
        v->forms = orig_at(l, br + 1);
        v->forms_len = (size_t)(bc - br - 1);
        txl = (size_t)(br - txt);
        kh_imp_trim(&txt, &txl);
    }
    if (!txl) {
        PERR(im, l, t, "verb line without a verb");
        return;
    }
    v->form = orig_at(l, txt);
    v->len = txl;
    v->lineno = im->lineno;
    v->line = im->line;
    bk->n_verbs++;
}

/* A PETRARCH verbs file: synsets ("&LABEL" and its "+member" lines) and
 * verb blocks (header, verbs, patterns), each block imported when the
 * next one (or a synset, or the file's end) begins. */
static kh_status petr_verbs(kh_imp *im, const char *data, size_t len)
{
    pline *l = (pline *)kh_malloc(im->b->alloc, sizeof *l);
    block *bk = (block *)kh_calloc(im->b->alloc, 1, sizeof *bk);
    if (!l || !bk) {
        kh_free(im->b->alloc, l);
        kh_free(im->b->alloc, bk);
        return KH_ERR_NOMEM;
    }
    size_t pos = 0;
    int in_xml = 0, in_syn = 0;
    uint32_t syn = 0;
    kh_status st = KH_OK;
    const char *t;
    size_t tl;
    while (!st && next_trimmed(im, data, len, &pos, &in_xml, l, &t, &tl)) {
        kh_status e = KH_OK;
        int syn_line = t[0] == '&' || (t[0] == '+' && in_syn);
        im->b->entry_kind = syn_line ? KH_ENTRY_SYNSET : KH_ENTRY_PATTERN;
        if (t[0] != '&' && !(tl >= 3 && (!memcmp(t, "---", 3) || !memcmp(t, "###", 3))))
            im->b->sum.read[im->b->entry_kind]++;
        if (t[0] == '&') {
            /* A synset label ends the verb block before it. */
            st = block_end(im, bk);
            if (st)
                break;
            e = kh_imp_synset_define(im, orig_at(l, t), tl, &syn);
            in_syn = e == KH_OK;
        } else if (t[0] == '+' && in_syn) {
            e = kh_imp_synset_member(im, syn, orig_at(l, t + 1), tl - 1);
        } else if ((tl >= 3 && !memcmp(t, "---", 3)) || (tl >= 3 && !memcmp(t, "###", 3))) {
            st = block_end(im, bk);
            if (st)
                break;
            in_syn = 0;
            e = block_header(im, l, bk, t, tl);
        } else if (t[0] == '-' || t[0] == '~') {
            in_syn = 0;
            e = block_pattern(im, l, bk, t, tl);
        } else {
            in_syn = 0;
            block_verb(im, l, bk, t, tl);
        }
        if (e && e != KH_ERR_FORMAT)
            st = e;
    }
    if (!st)
        st = block_end(im, bk);
    kh_free(im->b->alloc, l);
    kh_free(im->b->alloc, bk);
    return st;
}

/* ---------------------------------------------------------------------- */

typedef enum pkind { PK_ACTORS = 1, PK_AGENTS, PK_VERBS, PK_DISCARDS } pkind;

static int contains_ci(const char *s, const char *w)
{
    size_t n = strlen(s), m = strlen(w);
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && kh_to_lower((unsigned char)s[i + k]) == w[k])
            k++;
        if (k == m)
            return 1;
    }
    return 0;
}

static pkind kind_of(const char *name, const char *data, size_t len)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    if (contains_ci(base, "discard"))
        return PK_DISCARDS;
    if (contains_ci(base, "agent"))
        return PK_AGENTS;
    if (contains_ci(base, "verb"))
        return PK_VERBS;
    if (contains_ci(base, "actor"))
        return PK_ACTORS;
    /* By content. */
    size_t codes = 0, agent_codes = 0, plain = 0;
    size_t i = 0, tl;
    const char *t;
    while (kh_imp_raw_line(data, len, &i, &t, &tl)) {
        if (!tl || t[0] == '#' || t[0] == '<')
            continue;
        if ((tl >= 3 && !memcmp(t, "---", 3)) || t[0] == '-')
            return PK_VERBS;
        const char *lb = memchr(t, '[', tl);
        if (lb && memchr(lb, '~', tl - (size_t)(lb - t)))
            agent_codes++;
        else if (lb)
            codes++;
        else if (t[0] != '+' && t[0] != '&')
            plain++;
    }
    if (agent_codes > codes)
        return PK_AGENTS;
    return codes ? PK_ACTORS : plain ? PK_DISCARDS : PK_ACTORS;
}

kh_status kh_src_petrarch(kh_dict_builder *b, const char *name, const char *data, size_t len)
{
    char *dec;
    size_t dl;
    kh_status st = kh_imp_decode(b, data, len, &dec, &dl);
    if (st)
        return st;
    if (dec)
        data = dec, len = dl;
    kh_imp im;
    kh_imp_init(&im, b, name, KH_IMP_PETRARCH);
    pkind k = kind_of(name, data, len);
    b->entry_kind = k == PK_AGENTS ? KH_ENTRY_AGENT : k == PK_VERBS ? KH_ENTRY_PATTERN
                                                                  : KH_ENTRY_ACTOR;
    switch (k) {
    case PK_AGENTS: st = petr_agents(&im, data, len); break;
    case PK_VERBS: st = petr_verbs(&im, data, len); break;
    case PK_DISCARDS: st = petr_discards(&im, data, len); break;
    default: st = petr_actors(&im, data, len); break;
    }
    kh_imp_free(&im);
    kh_free(b->alloc, dec);
    return st;
}
