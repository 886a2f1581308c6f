/*
 * tabari.c: TABARI 0.8 dictionaries into the dictionary builder, so a
 * user's existing .actors, .agents and .verbs files (and a .project that
 * names them) compile unchanged into khaldun's image. The machinery shared
 * with the PETRARCH importer (code blocks, phrases, synsets, actor entries,
 * agents, verb patterns) is in import.c; this file reads TABARI's file
 * layouts and hands their entries to it.
 *
 * Mapping (see dict/dict.h for the semantics the coder gives each flag):
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peer/import.h"
/* ---------------------------------------------------------------------- */
/* TABARI files                                                           */

/* Strips a TABARI comment: a line starting with # or /, or text after ';'
 * outside a [...] block. */
static size_t tab_strip(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && kh_imp_is_blank((unsigned char)s[k]))
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
    kh_imp_trim(&t, &tl);
    size_t l = strlen(tag);
    return tl == l && kh_imp_has_prefix_ci(t, tl, tag);
}

/* The next non-empty line of a TABARI file without its comment, trimmed
 * to [*t, *t + *tl); *s is the line as read. Skips (and reports) bad
 * lines; returns 0 at the end or at the FINISH line "~~". */
static int tab_next(kh_imp *im, const char *data, size_t len, size_t *pos, const char **s,
                    const char **t, size_t *tl)
{
    size_t n;
    while (kh_imp_next_line(im, data, len, pos, s, &n)) {
        if (!kh_imp_line_ok(im, *s, n))
            continue;
        if (is_finish(*s, n))
            return 0;
        *t = *s;
        *tl = tab_strip(*s, n);
        kh_imp_trim(t, tl);
        if (*tl)
            return 1;
    }
    return 0;
}

/* A word that starts with '&' in an actor phrase ("SAINT_KITTS_&_NEVIS_"):
 * TABARI reads it as a synset, which an actors file cannot define, and
 * skips the line with a message ("NB&T_FINANCIAL_" is a plain word). */
static const char *tab_synset_word(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '&' && (i == 0 || s[i - 1] == '_' || kh_imp_is_blank((unsigned char)s[i - 1])))
            return s + i;
    return NULL;
}

/* Reads "[CODE ...]" blocks in [s, s + n) into the actor entry. */
static kh_status tab_role_blocks(kh_imp *im, kh_imp_actor *a, const char *s, size_t n)
{
    return kh_imp_role_blocks(im, a, s, s + n, NULL, NULL);
}

static kh_status tab_actors(kh_imp *im, const char *data, size_t len)
{
    kh_imp_actor a;
    kh_imp_actor_init(&a);
    size_t pos = 0, tl;
    const char *s, *t;
    int section = 0; /* 1 noun, 2 adjective */
    kh_status st = KH_OK;
    int bad_entry = 0;
    while (!st && tab_next(im, data, len, &pos, &s, &t, &tl)) {
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
            st = kh_bld_synset(im->b, nm, strlen(nm), &syn);
            if (!st) {
                st = kh_imp_phrase(im, t, tl, KH_P_SYNSET, syn, 0, 0);
                if (st == KH_ERR_FORMAT)
                    st = KH_OK;
            }
            continue;
        }
        if (kh_imp_is_blank((unsigned char)s[0])) {
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
            const char *amp = tab_synset_word(txt, txl);
            if (amp) {
                IMP_ERR(im, amp, "'&' starts a synset, which an actors file cannot name");
                continue;
            }
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
            const char *amp = tab_synset_word(txt, txl);
            if (amp) {
                im->b->sum.read[KH_ENTRY_ACTOR]++; /* an entry, though skipped */
                IMP_ERR(im, amp, "'&' starts a synset, which an actors file cannot name");
                bad_entry = 1;
                continue;
            }
            st = kh_imp_actor_phrase(im, &a, txt, txl);
            if (!st && has)
                st = tab_role_blocks(im, &a, code - 1, tl - (size_t)(code - 1 - t));
            if (st == KH_ERR_FORMAT) {
                bad_entry = 1;
                kh_imp_actor_drop(&a);
            }
        }
        if (st == KH_ERR_FORMAT)
            st = KH_OK;
    }
    return kh_imp_actor_close(im, &a, st);
}

static kh_status tab_agents(kh_imp *im, const char *data, size_t len)
{
    size_t pos = 0, tl;
    const char *s, *t;
    kh_status st = KH_OK;
    while (!st && tab_next(im, data, len, &pos, &s, &t, &tl)) {
        if (t[0] == '<')
            continue; /* <NOUN> style sections: nothing to keep */
        im->b->sum.read[KH_ENTRY_AGENT]++;
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
    if (!r->time && w + wl < end && w[wl] == '_' && (after >= end || kh_imp_is_blank((unsigned char)*after)) &&
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

/* A verbs file being read: the open root and its irregular forms (each a
 * separate spelling), and the section the line is in. */
typedef struct tab_verbs {
    tab_root root;
    tab_root extra[16];    /* irregular forms, as roots sharing the pattern list */
    size_t n_extra;
    kh_imp_code code;      /* the root's own code */
    int in_syn, in_time;   /* inside <SYNSETS>, inside <TIME> */
    uint32_t syn;          /* the synset being defined ... */
    int have_syn;          /* ... when one is */
} tab_verbs;

/* A section tag: <SYNSETS>, <TIME> and their ends (a <TIME> boundary
 * closes the open root); other tags are ignored with a warning. */
static void verbs_tag(kh_imp *im, tab_verbs *v, const char *t, size_t tl)
{
    if (tag_is(t, tl, "<SYNSETS>") || tag_is(t, tl, "<SYNSET>"))
        v->in_syn = 1, v->have_syn = 0;
    else if (tag_is(t, tl, "</SYNSETS>") || tag_is(t, tl, "</SYNSET>"))
        v->in_syn = 0;
    else if (tag_is(t, tl, "<TIME>"))
        v->in_time = 1, v->root.open = 0;
    else if (tag_is(t, tl, "</TIME>"))
        v->in_time = 0, v->root.open = 0;
    else
        IMP_WARN(im, t, "unknown tag '%.*s' ignored", (int)tl, t);
}

/* A line inside <SYNSETS>: "&NAME" starts a synset, "+member" adds to it. */
static kh_status verbs_synset_line(kh_imp *im, tab_verbs *v, const char *t, size_t tl)
{
    kh_status e = KH_OK;
    if (t[0] == '&') {
        e = kh_imp_synset_define(im, t, tl, &v->syn);
        v->have_syn = e == KH_OK;
    } else if (t[0] == '+') {
        if (!v->have_syn)
            IMP_ERR(im, t, "synset member without a synset (&NAME) before it");
        else
            e = kh_imp_synset_member(im, v->syn, t + 1, tl - 1);
    } else {
        IMP_ERR(im, t, "in <SYNSETS>, a line is &NAME or +member");
    }
    return e;
}

/* "{FORM FORM ...}": irregular forms of the root just read, each coded
 * alone as the root alone (explicit forms: no endings added). */
static kh_status verbs_forms(kh_imp *im, tab_verbs *v, const char *t, size_t tl)
{
    if (!v->root.open) {
        IMP_ERR(im, t, "verb forms {...} without a verb before them");
        return KH_OK;
    }
    const char *close = memchr(t, '}', tl);
    if (!close) {
        IMP_ERR(im, t, "'{' without its '}'");
        return KH_OK;
    }
    const char *p = t + 1;
    size_t first_new = v->n_extra;
    while (p < close) {
        while (p < close && kh_imp_is_blank((unsigned char)*p))
            p++;
        const char *ws = p;
        while (p < close && !kh_imp_is_blank((unsigned char)*p))
            p++;
        if (p == ws)
            break;
        if (v->n_extra == KH_ARRAY_LEN(v->extra)) {
            IMP_ERR(im, ws, "too many verb forms");
            break;
        }
        tab_root *x = &v->extra[v->n_extra++];
        memset(x, 0, sizeof *x);
        x->form = ws;
        x->len = (size_t)(p - ws);
        x->open = 1;
        x->time = v->in_time; /* explicit forms: no endings added */
        /* The root's own code applies to its forms alone too. */
    }
    /* Each form alone codes as the root alone. */
    kh_status e = KH_OK;
    for (size_t k = first_new; k < v->n_extra && !e; k++)
        e = root_pattern(im, &v->extra[k], NULL, 0, &v->code, v->extra[k].form);
    return e;
}

/* "- PATTERN [CODE]" (or "_ ..."): a pattern of the open root and of each
 * of its irregular forms; a bad pattern is reported once, not per form. */
static kh_status verbs_pattern(kh_imp *im, tab_verbs *v, const char *t, size_t tl)
{
    if (!v->root.open) {
        IMP_ERR(im, t, "pattern without a verb before it");
        return KH_OK;
    }
    const char *txt, *code;
    size_t txl, cl;
    if (!kh_imp_pattern_split(im, t, tl, &txt, &txl, &code, &cl, NULL, NULL))
        return KH_OK;
    kh_imp_code c;
    kh_status e = kh_imp_code_parse(im, code, cl, v->in_time, &c);
    if (!e && !memchr(txt, '*', txl)) {
        IMP_ERR(im, txt, "pattern without the verb marker '*'");
        e = KH_ERR_FORMAT;
    }
    size_t errors = im->b->errors;
    if (!e)
        e = root_pattern(im, &v->root, txt, txl, &c, txt);
    for (size_t k = 0; k < v->n_extra && !e && im->b->errors == errors; k++)
        e = root_pattern(im, &v->extra[k], txt, txl, &c, txt);
    return e;
}

/* "ROOT [CODE]": a new root, closing the one before and its forms; its
 * regular forms are generated and it codes alone with CODE. A line whose
 * code does not parse is dropped (reported, KH_OK). */
static kh_status verbs_root(kh_imp *im, tab_verbs *v, const char *t, size_t tl)
{
    v->root.open = 0;
    v->n_extra = 0;
    const char *txt, *code;
    size_t txl, cl;
    int has = kh_imp_split_code(t, tl, &txt, &txl, &code, &cl);
    if (has <= 0) {
        IMP_ERR(im, has < 0 ? code - 1 : t, has < 0 ? "missing ']'" : "verb without a code [...]");
        return KH_OK;
    }
    if (!txl) {
        IMP_ERR(im, t, "code without a verb");
        return KH_OK;
    }
    kh_imp_code c;
    if (kh_imp_code_parse(im, code, cl, v->in_time, &c))
        return KH_OK;
    v->root.form = txt;
    v->root.len = txl;
    v->root.time = v->in_time;
    root_forms(im, &v->root);
    kh_status e = root_pattern(im, &v->root, NULL, 0, &c, txt);
    v->root.open = e == KH_OK;
    v->code = c; /* the root's code, for its irregular forms alone */
    return e;
}

/* A TABARI verbs file: section tags, synsets, and roots each followed by
 * their irregular forms and patterns; stops at a FINISH line. */
static kh_status tab_verbs_file(kh_imp *im, const char *data, size_t len)
{
    tab_verbs v;
    memset(&v, 0, sizeof v);
    size_t pos = 0, tl;
    const char *s, *t;
    kh_status st = KH_OK;
    while (!st && tab_next(im, data, len, &pos, &s, &t, &tl)) {
        if (t[0] == '<') {
            verbs_tag(im, &v, t, tl);
            continue;
        }
        kh_status e = KH_OK;
        im->b->entry_kind = v.in_syn ? KH_ENTRY_SYNSET : KH_ENTRY_PATTERN;
        if (t[0] != '{' && !(v.in_syn && t[0] == '&'))
            im->b->sum.read[im->b->entry_kind]++; /* a root, a pattern, a member */
        if (v.in_syn)
            e = verbs_synset_line(im, &v, t, tl);
        else if (t[0] == '{')
            e = verbs_forms(im, &v, t, tl);
        else if (t[0] == '-' || t[0] == '_')
            e = verbs_pattern(im, &v, t, tl);
        else if (t[0] == '+' || t[0] == '&')
            IMP_ERR(im, t, "'%c' line outside <SYNSETS>", t[0]);
        else
            e = verbs_root(im, &v, t, tl);
        if (e && e != KH_ERR_FORMAT)
            st = e;
    }
    return st;
}

/* .options: coder settings. Checked line by line and kept whole in the
 * image (its options section), which the peer coder applies when the
 * caller gives none (kh_code_options.peer_options). */
static kh_status tab_options(kh_imp *im, const char *data, size_t len)
{
    static const char *const cmds[] = {
        "SET:", "LABEL:", "COMPLEX:", "OUTPUT:", "FORWARD:", "DEFAULT:", "COMMA:", "NONEVENTS:",
        "REPLACE:", "ISSUES:", "FREQUENCY:", "ATTRIBUTION:", "DELETE:", "FILTER:", "DOCHEAD:",
    };
    size_t pos = 0, n;
    const char *s;
    while (kh_imp_next_line(im, data, len, &pos, &s, &n)) {
        if (!kh_imp_line_ok(im, s, n))
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
        kh_imp_trim(&t, &tl);
        if (!tl)
            continue;
        size_t k = 0;
        for (; k < KH_ARRAY_LEN(cmds); k++)
            if (kh_imp_has_prefix_ci(t, tl, cmds[k]))
                break;
        if (k == KH_ARRAY_LEN(cmds))
            IMP_WARN(im, t, "unknown .options command '%.*s' ignored", (int)tl, t);
    }
    kh_buf *o = &im->b->options;
    if (o->len)
        o->len--; /* the NUL of the file before */
    kh_status st = kh_buf_append(o, data, len);
    if (!st)
        st = kh_buf_append(o, "\n", 2); /* a line end and the NUL */
    return st;
}

typedef enum tab_kind { TK_ACTORS = 1, TK_AGENTS, TK_VERBS, TK_OPTIONS, TK_PROJECT } tab_kind;

static int ends_with_ci(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n >= e && kh_imp_has_prefix_ci(name + n - e, e, ext);
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
    const char *t;
    size_t tl;
    while (kh_imp_raw_line(data, len, &i, &t, &tl)) {
        if (!tl)
            continue;
        if (kh_imp_has_prefix_ci(t, tl, "<actor") || kh_imp_has_prefix_ci(t, tl, "<verb") ||
            kh_imp_has_prefix_ci(t, tl, "<agent") || kh_imp_has_prefix_ci(t, tl, "<textfile") ||
            kh_imp_has_prefix_ci(t, tl, "<optionsfile"))
            return TK_PROJECT;
        if (kh_imp_has_prefix_ci(t, tl, "<SYNSET") || kh_imp_has_prefix_ci(t, tl, "<TIME>") || t[0] == '-')
            return TK_VERBS;
        if (kh_imp_has_prefix_ci(t, tl, "SET:") || kh_imp_has_prefix_ci(t, tl, "LABEL:") ||
            kh_imp_has_prefix_ci(t, tl, "COMPLEX:") || kh_imp_has_prefix_ci(t, tl, "OUTPUT:"))
            return TK_OPTIONS;
        const char *lb = memchr(t, '[', tl);
        if (lb) {
            const char *q = lb + 1;
            while (q < t + tl && kh_imp_is_blank((unsigned char)*q))
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

/* One dictionary file of a known kind; the kind of entry its lines hold
 * is noted for the summary. */
static kh_status tab_kind_file(kh_dict_builder *b, const char *name, tab_kind k, const char *data,
                               size_t len)
{
    kh_imp im;
    kh_imp_init(&im, b, name, KH_IMP_TABARI);
    kh_status st;
    b->entry_kind = k == TK_AGENTS ? KH_ENTRY_AGENT : k == TK_VERBS ? KH_ENTRY_PATTERN
                                                                   : KH_ENTRY_ACTOR;
    switch (k) {
    case TK_ACTORS: st = tab_actors(&im, data, len); break;
    case TK_AGENTS: st = tab_agents(&im, data, len); break;
    case TK_VERBS: st = tab_verbs_file(&im, data, len); break;
    default: st = tab_options(&im, data, len); break;
    }
    kh_imp_free(&im);
    return st;
}

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
        if (!kh_imp_line_ok(im, s, n))
            continue;
        const char *t = s;
        size_t tl = n;
        kh_imp_trim(&t, &tl);
        if (!tl || t[0] != '<')
            continue;
        const char *gt = memchr(t, '>', tl);
        if (!gt)
            continue;
        /* TABARI reads only the first two letters of the tag. */
        int want = kh_imp_has_prefix_ci(t, tl, "<ac") || kh_imp_has_prefix_ci(t, tl, "<ag") ||
                   kh_imp_has_prefix_ci(t, tl, "<ve") || kh_imp_has_prefix_ci(t, tl, "<op");
        if (!want)
            continue;
        const char *f = gt + 1;
        size_t fl = tl - (size_t)(f - t);
        kh_imp_trim(&f, &fl);
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
            /* A file the project names and that is not there is no line
             * to skip: the build is refused, as TABARI stops. */
            int lenient = im->b->lenient;
            im->b->lenient = 0;
            IMP_ERR(im, f, "cannot read '%s': %s", path, kh_strerror(rs));
            im->b->lenient = lenient;
            if (rs != KH_ERR_NOTFOUND && rs != KH_ERR_IO)
                st = rs;
            continue;
        }
        im->b->source_hash = kh_hash64(fd, flen, im->b->source_hash);
        /* Its kind from the tag, whatever the file's extension. */
        tab_kind k = kh_imp_has_prefix_ci(t, tl, "<ac") ? TK_ACTORS
                   : kh_imp_has_prefix_ci(t, tl, "<ag") ? TK_AGENTS
                   : kh_imp_has_prefix_ci(t, tl, "<ve") ? TK_VERBS : TK_OPTIONS;
        char *dec;
        size_t dl;
        st = kh_imp_decode(im->b, fd, flen, &dec, &dl);
        if (!st)
            st = tab_kind_file(im->b, path, k, dec ? dec : fd, dec ? dl : flen);
        kh_free(im->b->alloc, dec);
        kh_free(im->b->alloc, fd);
        (void)depth;
    }
    return st;
}

static kh_status tab_file(kh_dict_builder *b, const char *name, const char *data, size_t len,
                          int depth)
{
    tab_kind k = tab_kind_of(name, data, len);
    if (k != TK_PROJECT)
        return tab_kind_file(b, name, k, data, len);
    kh_imp im;
    kh_imp_init(&im, b, name, KH_IMP_TABARI);
    kh_status st = tab_project(&im, data, len, depth);
    kh_imp_free(&im);
    return st;
}

kh_status kh_src_tabari(kh_dict_builder *b, const char *name, const char *data, size_t len)
{
    char *dec;
    size_t dl;
    kh_status st = kh_imp_decode(b, data, len, &dec, &dl);
    if (!st)
        st = tab_file(b, name, dec ? dec : data, dec ? dl : len, 0);
    kh_free(b->alloc, dec);
    return st;
}
