/*
 * options.c: the peer coder's settings: TABARI .options commands and
 * PETRARCH's config (kh_code_options.peer_options and
 * kh_coder_set_peer_option), parsed into kh_peer_opts.
 */
#include "peer/peer.h"

/* ---------------------------------------------------------------------- */
/* Peer options (TABARI .options syntax, manual chapter 8)                */


/* The next blank- or bracket-delimited word of an upper-cased line. */
static size_t peer_word(const char **p, const char **w)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t' || *s == '=')
        s++;
    *w = s;
    if (*s == '[') {
        while (*s && *s != ']')
            s++;
        if (*s)
            s++;
    } else {
        while (*s && *s != ' ' && *s != '\t' && *s != '=' && *s != '[')
            s++;
        if (*s == '[') { /* VERBS[5] */
            while (*s && *s != ']')
                s++;
            if (*s)
                s++;
        }
    }
    *p = s;
    return (size_t)(s - *w);
}

static int peer_is(const char *w, size_t n, const char *kw)
{
    return strlen(kw) == n && !memcmp(w, kw, n);
}

static int peer_prefix(const char *w, size_t n, const char *kw)
{
    size_t k = strlen(kw);
    return n >= k && !memcmp(w, kw, k);
}

/* The number in "NAME[n]" or of a word; 0 when none. */
static uint16_t peer_num(const char *w, size_t n)
{
    unsigned long v = 0;
    for (size_t i = 0; i < n; i++)
        if (kh_is_digit((unsigned char)w[i]))
            v = v * 10 + (unsigned long)(w[i] - '0');
        else if (v)
            break;
    return (uint16_t)(v > 65535 ? 65535 : v);
}

/* "[CODE]" into out (at most cap-1 bytes, blanks kh_peer_dropped). */
static int peer_code(const char *w, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    if (n < 2 || w[0] != '[')
        return 0;
    for (size_t i = 1; i < n && w[i] != ']'; i++)
        if (w[i] != ' ' && w[i] != '\t' && k + 1 < cap)
            out[k++] = w[i];
    out[k] = '\0';
    return k > 0;
}

static int peer_bool(const char *w, size_t n)
{
    return n && (w[0] == 'T' || w[0] == 'Y' || w[0] == '1' || peer_is(w, n, "ON"));
}

/* COMPLEX: the complexity limits (VERBS[n], CONJ[n], ...) and the NO...
 * switches that make a sentence complex; every limit not named is reset. */
static kh_status opt_complex(kh_peer_opts *t, const char *p)
{
    const char *w;
    size_t wl;
    t->cx_verbs = t->cx_conj = t->cx_actors = t->cx_pron = t->cx_comma = t->cx_lateverb = 0;
    t->cx_flags &= ~PEER_CX_MASK;
    while ((wl = peer_word(&p, &w)) != 0) {
        if (peer_prefix(w, wl, "VERBS"))
            t->cx_verbs = peer_num(w, wl);
        else if (peer_prefix(w, wl, "CONJ"))
            t->cx_conj = peer_num(w, wl);
        else if (peer_prefix(w, wl, "ACTORS"))
            t->cx_actors = peer_num(w, wl);
        else if (peer_prefix(w, wl, "PRONOUNS"))
            t->cx_pron = peer_num(w, wl);
        else if (peer_prefix(w, wl, "COMMA"))
            t->cx_comma = peer_num(w, wl);
        else if (peer_prefix(w, wl, "LATEVERB"))
            t->cx_lateverb = peer_num(w, wl);
        else if (peer_is(w, wl, "NOACTPRIOR"))
            t->cx_flags |= PEER_CX_NOACTPRIOR;
        else if (peer_is(w, wl, "NOACTAFTER"))
            t->cx_flags |= PEER_CX_NOACTAFTER;
        else if (peer_is(w, wl, "NOVERB"))
            t->cx_flags |= PEER_CX_NOVERB;
        else if (peer_is(w, wl, "NOSOURCE"))
            t->cx_flags |= PEER_CX_NOSOURCE;
        else if (peer_is(w, wl, "NOTARGET"))
            t->cx_flags |= PEER_CX_NOTARGET;
        else if (peer_is(w, wl, "NOEVENT"))
            t->cx_flags |= PEER_CX_NOEVENT;
        else if (!peer_is(w, wl, "EXPLAIN") && !peer_is(w, wl, "NOSAVE"))
            return KH_ERR_FORMAT;
    }
    return KH_OK;
}

/* SET: "NAME WORDS = VALUE" or "CODE BY SENTENCE"; the switches that do
 * not change coding here (LABEL, YYYY, FBIS, usage files...) are accepted
 * and ignored when they have a value. */
static kh_status opt_set(kh_peer_opts *t, const char *p)
{
    const char *eq = strchr(p, '=');
    char name[64];
    size_t k = 0;
    const char *end = eq ? eq : p + strlen(p);
    for (const char *q = p; q < end; q++) { /* the name, blanks collapsed */
        if (*q == ' ' || *q == '\t') {
            if (k && name[k - 1] != ' ' && k + 1 < sizeof name)
                name[k++] = ' ';
        } else if (k + 1 < sizeof name) {
            name[k++] = *q;
        }
    }
    while (k && name[k - 1] == ' ')
        k--;
    name[k] = '\0';
    const char *v = eq ? eq + 1 : "";
    while (*v == ' ' || *v == '\t')
        v++;
    size_t vl = strlen(v);
    while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
        vl--;
    if (!strcmp(name, "CODE BY CLAUSE"))
        t->code_by = PEER_BY_CLAUSE;
    else if (!strcmp(name, "CODE BY SENTENCE"))
        t->code_by = PEER_BY_SENTENCE;
    else if (!strcmp(name, "CODE ALL") || !strcmp(name, "CODE BY ALL"))
        t->code_by = PEER_CODE_ALL;
    else if (!strcmp(name, "MINIMUM WORDS"))
        t->min_words = peer_num(v, vl);
    else if (!strncmp(name, "CONVERT AGENT", 13))
        t->convert_agents = (uint8_t)peer_bool(v, vl);
    else if (!strncmp(name, "TIME SHIFT", 10))
        t->time_shift = (uint8_t)peer_bool(v, vl);
    else if (!strcmp(name, "REQUIRE DYAD"))
        t->cx_flags = peer_bool(v, vl) ? t->cx_flags & ~PEER_NO_DYAD : t->cx_flags | PEER_NO_DYAD;
    else if (!eq)
        return KH_ERR_FORMAT;
    return KH_OK;
}

/* DEFAULT: SOURCE [code] / TARGET [code], PRIOR and AFTER (when a default
 * applies), or OFF. */
static kh_status opt_default(kh_peer_opts *t, const char *p)
{
    const char *w;
    size_t wl;
    int side = 0; /* 1 source, 2 target */
    while ((wl = peer_word(&p, &w)) != 0) {
        if (peer_is(w, wl, "OFF")) {
            t->def_src[0] = t->def_tgt[0] = '\0';
            t->def_prior = t->def_after = 0;
        } else if (peer_is(w, wl, "SOURCE")) {
            side = 1;
        } else if (peer_is(w, wl, "TARGET")) {
            side = 2;
        } else if (peer_is(w, wl, "PRIOR")) {
            t->def_prior = 1;
        } else if (peer_is(w, wl, "AFTER")) {
            t->def_after = 1;
        } else if (w[0] == '[' && side) {
            char *dst = side == 1 ? t->def_src : t->def_tgt;
            if (!peer_code(w, wl, dst, sizeof t->def_src))
                return KH_ERR_FORMAT;
        } else {
            return KH_ERR_FORMAT;
        }
    }
    return KH_OK;
}

/* FORWARD: the format of forwarded sentences (DOC is a no-op), or OFF;
 * forwarding is on only with a format. */
static kh_status opt_forward(kh_peer_opts *t, const char *p)
{
    const char *w;
    size_t wl;
    t->forward = 1;
    t->fwd_fmt[0] = '\0';
    while ((wl = peer_word(&p, &w)) != 0) {
        if (peer_is(w, wl, "OFF"))
            t->forward = 0;
        else if (peer_is(w, wl, "DOC"))
            continue;
        else if (!t->fwd_fmt[0] && wl < sizeof t->fwd_fmt)
            snprintf(t->fwd_fmt, sizeof t->fwd_fmt, "%.*s", (int)wl, w);
        else
            return KH_ERR_FORMAT;
    }
    if (!t->fwd_fmt[0])
        t->forward = 0;
    return KH_OK;
}

/* COMMA: the comma-clause limits (MIN n, MAX n, EMIN, EMAX, BMIN, BMAX)
 * or OFF. */
static kh_status opt_comma(kh_peer_opts *t, const char *p)
{
    static const char *const keys[6] = {"MIN", "MAX", "EMIN", "EMAX", "BMIN", "BMAX"};
    const char *w;
    size_t wl;
    t->comma_off = 0;
    while ((wl = peer_word(&p, &w)) != 0) {
        if (peer_is(w, wl, "OFF")) {
            t->comma_off = 1;
            continue;
        }
        size_t k = 0;
        while (k < 6 && !peer_is(w, wl, keys[k]))
            k++;
        if (k == 6)
            return KH_ERR_FORMAT;
        wl = peer_word(&p, &w);
        if (!wl || !kh_is_digit((unsigned char)w[0]))
            return KH_ERR_FORMAT;
        t->comma[k] = peer_num(w, wl);
    }
    return KH_OK;
}

/* One options line: upper-cased into buf (cap bytes), trailing blanks and
 * braces dropped. Returns its length, 0 for a blank or comment line. */
static size_t opt_line(const char *line, char *buf, size_t cap)
{
    size_t n = 0;
    while (*line == ' ' || *line == '\t')
        line++;
    for (; line[n] && line[n] != '\n' && line[n] != '\r' && n + 1 < cap; n++)
        buf[n] = (char)kh_to_upper((unsigned char)line[n]);
    buf[n] = '\0';
    while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '}'))
        buf[--n] = '\0';
    if (!n || (buf[0] == '/' && buf[1] == '/') || buf[0] == '~' || buf[0] == '#')
        return 0;
    return n;
}

/* Applies one "COMMAND: arguments" line to *o, all or nothing: on an
 * error *o is left as it was. */
kh_status kh_peer_apply(kh_peer_opts *o, const char *line)
{
    char buf[PEER_LINE_MAX];
    if (!opt_line(line, buf, sizeof buf))
        return KH_OK;
    const char *colon = strchr(buf, ':');
    if (!colon)
        return KH_ERR_FORMAT;
    size_t cl = (size_t)(colon - buf);
    while (cl && buf[cl - 1] == ' ')
        cl--;
    const char *p = colon + 1;
    kh_peer_opts t = *o;
    kh_status st = KH_OK;
    if (peer_is(buf, cl, "COMPLEX"))
        st = opt_complex(&t, p);
    else if (peer_is(buf, cl, "SET"))
        st = opt_set(&t, p);
    else if (peer_is(buf, cl, "DEFAULT"))
        st = opt_default(&t, p);
    else if (peer_is(buf, cl, "FORWARD"))
        st = opt_forward(&t, p);
    else if (peer_is(buf, cl, "COMMA"))
        st = opt_comma(&t, p);
    else if (!peer_is(buf, cl, "LABEL") && !peer_is(buf, cl, "OUTPUT") &&
             !peer_is(buf, cl, "NONEVENTS") && !peer_is(buf, cl, "ISSUES") &&
             !peer_is(buf, cl, "MATCH"))
        st = KH_ERR_FORMAT;
    if (st != KH_OK)
        return st;
    *o = t;
    return KH_OK;
}
