/*
 * eval_gold_read.c: reading the gold of `khaldun eval --gold`
 * (cli/cmd_eval_gold.c): its JSON Lines files (docs/annotation.md), one unit
 * a line, into the units and stories of a gold_run, and the index of each
 * story's distinct gold events. A small JSON reader of its own: the lines
 * are flat, and a bad line is told by file and line, never fatal.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "eval_gold.h"

/* ---------------------------------------------------------------------- */
/* A small JSON reader for gold lines                                     */

typedef struct jcur {
    const char *p, *end;
} jcur;

static void jws(jcur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
        c->p++;
}

static int jlit(jcur *c, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
        return 0;
    c->p += n;
    return 1;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* A string at c (after whitespace). Decoded into out (cap bytes with the
 * NUL) when out is non-NULL; *too_long set when it did not fit. */
static int jstring(jcur *c, char *out, size_t cap, int *too_long)
{
    size_t n = 0;
    jws(c);
    if (c->p >= c->end || *c->p != '"')
        return 0;
    c->p++;
    while (c->p < c->end && *c->p != '"') {
        char tmp[4];
        size_t k = 1;
        unsigned char ch = (unsigned char)*c->p++;
        if (ch < 0x20)
            return 0;
        tmp[0] = (char)ch;
        if (ch == '\\') {
            if (c->p >= c->end)
                return 0;
            char e = *c->p++;
            switch (e) {
            case '"': case '\\': case '/': tmp[0] = e; break;
            case 'b': tmp[0] = '\b'; break;
            case 'f': tmp[0] = '\f'; break;
            case 'n': tmp[0] = '\n'; break;
            case 'r': tmp[0] = '\r'; break;
            case 't': tmp[0] = '\t'; break;
            case 'u': {
                uint32_t cp = 0;
                for (int i = 0; i < 4; i++) {
                    int h = c->p < c->end ? hexval((unsigned char)*c->p++) : -1;
                    if (h < 0)
                        return 0;
                    cp = cp * 16 + (uint32_t)h;
                }
                k = kh_utf8_encode(cp, tmp); /* surrogates are kept as they come: codes are ASCII */
                break;
            }
            default:
                return 0;
            }
        }
        if (out) {
            if (n + k < cap) {
                memcpy(out + n, tmp, k);
                n += k;
            } else if (too_long) {
                *too_long = 1;
            }
        }
    }
    if (c->p >= c->end)
        return 0;
    c->p++;
    if (out && cap)
        out[n] = '\0';
    return 1;
}

/* A non-negative integer. */
static int jsize(jcur *c, size_t *v)
{
    jws(c);
    size_t n = 0;
    const char *s = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        if (n > ((size_t)-1 - 9) / 10)
            return 0;
        n = n * 10 + (size_t)(*c->p++ - '0');
    }
    if (c->p == s || (c->p < c->end && (*c->p == '.' || *c->p == 'e' || *c->p == 'E')))
        return 0;
    *v = n;
    return 1;
}

static int jskip(jcur *c, int depth)
{
    jws(c);
    if (c->p >= c->end || depth > 32)
        return 0;
    char ch = *c->p;
    if (ch == '"')
        return jstring(c, NULL, 0, NULL);
    if (ch == '{' || ch == '[') {
        char close = ch == '{' ? '}' : ']';
        c->p++;
        jws(c);
        if (c->p < c->end && *c->p == close) {
            c->p++;
            return 1;
        }
        for (;;) {
            if (ch == '{') {
                if (!jstring(c, NULL, 0, NULL))
                    return 0;
                jws(c);
                if (!jlit(c, ":"))
                    return 0;
            }
            if (!jskip(c, depth + 1))
                return 0;
            jws(c);
            if (jlit(c, ","))
                continue;
            return jlit(c, close == '}' ? "}" : "]");
        }
    }
    if (jlit(c, "null") || jlit(c, "true") || jlit(c, "false"))
        return 1;
    const char *s = c->p;
    while (c->p < c->end && strchr("+-0123456789.eE", *c->p))
        c->p++;
    return c->p > s;
}

/* A code or null ("" then). */
static int jcode(jcur *c, char *out, size_t cap, const char **why)
{
    jws(c);
    if (jlit(c, "null")) {
        out[0] = '\0';
        return 1;
    }
    int too_long = 0;
    if (!jstring(c, out, cap, &too_long)) {
        *why = "a code must be a string or null";
        return 0;
    }
    if (too_long) {
        *why = "a code is too long";
        return 0;
    }
    return 1;
}

static int parse_event(jcur *c, gevent *e, const char **why)
{
    memset(e, 0, sizeof *e);
    int have_code = 0;
    jws(c);
    if (!jlit(c, "{")) {
        *why = "an event must be an object";
        return 0;
    }
    jws(c);
    if (jlit(c, "}")) {
        *why = "an event needs a code";
        return 0;
    }
    for (;;) {
        char key[32];
        int too_long = 0;
        if (!jstring(c, key, sizeof key, &too_long))
            return 0;
        jws(c);
        if (!jlit(c, ":"))
            return 0;
        if (!too_long && !strcmp(key, "source")) {
            if (!jcode(c, e->src, sizeof e->src, why))
                return 0;
        } else if (!too_long && !strcmp(key, "target")) {
            if (!jcode(c, e->tgt, sizeof e->tgt, why))
                return 0;
        } else if (!too_long && !strcmp(key, "code")) {
            if (!jcode(c, e->code, sizeof e->code, why))
                return 0;
            have_code = 1;
        } else if (!jskip(c, 1)) {
            return 0;
        }
        jws(c);
        if (jlit(c, ","))
            continue;
        if (!jlit(c, "}"))
            return 0;
        break;
    }
    size_t cl = strlen(e->code);
    if (!have_code || cl < 2 || e->code[0] < '0' || e->code[0] > '2' || e->code[1] < '0' ||
        e->code[1] > '9') {
        *why = "an event's code must be a CAMEO code (\"190\")";
        return 0;
    }
    return 1;
}

/* Parses a unit's list of events, appending to *ev. Returns 0 with *why set
 * on a bad list; *ev then holds what was read, for the caller to free. */
static int parse_events(jcur *c, gevent **ev, size_t *n_ev, const char **why)
{
    if (!jlit(c, "[")) {
        *why = "events must be a list";
        return 0;
    }
    jws(c);
    if (jlit(c, "]"))
        return 1;
    for (;;) {
        *ev = gold_realloc(*ev, (*n_ev + 1) * sizeof **ev);
        if (!parse_event(c, &(*ev)[*n_ev], why))
            return 0;
        (*n_ev)++;
        jws(c);
        if (jlit(c, ","))
            continue;
        return jlit(c, "]");
    }
}

/* Parses one gold line into *u and *corpus, *record, *split. Returns 0 with
 * *why set on a bad line. */
static int parse_gold_line(const char *line, size_t len, gunit *u, int *corpus, char *record,
                           size_t record_cap, int *split, const char **why)
{
    jcur c = {line, line + len};
    char corp[32] = "", spl[16] = "", sha[16] = "";
    int have_off = 0, have_len = 0, have_events = 0, have_record = 0;
    gevent *ev = NULL;
    size_t n_ev = 0;
    *why = "not a JSON object";
    jws(&c);
    if (!jlit(&c, "{"))
        return 0;
    jws(&c);
    if (!jlit(&c, "}")) {
        for (;;) {
            char key[32];
            int too_long = 0;
            if (!jstring(&c, key, sizeof key, &too_long))
                goto bad;
            jws(&c);
            if (!jlit(&c, ":"))
                goto bad;
            jws(&c);
            if (too_long) {
                if (!jskip(&c, 1))
                    goto bad;
            } else if (!strcmp(key, "corpus") || !strcmp(key, "split") || !strcmp(key, "sha")) {
                char *dst = key[0] == 'c' ? corp : key[1] == 'p' ? spl : sha;
                size_t cap = key[0] == 'c' ? sizeof corp : key[1] == 'p' ? sizeof spl : sizeof sha;
                if (!jstring(&c, dst, cap, &too_long) || too_long) {
                    *why = "corpus, split and sha must be short strings";
                    goto bad;
                }
            } else if (!strcmp(key, "record")) {
                if (c.p < c.end && *c.p == '"') {
                    if (!jstring(&c, record, record_cap, &too_long) || too_long)
                        goto bad;
                } else {
                    size_t v;
                    if (!jsize(&c, &v))
                        goto bad;
                    snprintf(record, record_cap, "%zu", v);
                }
                have_record = record[0] != '\0';
            } else if (!strcmp(key, "off") || !strcmp(key, "len")) {
                if (!jsize(&c, key[0] == 'o' ? &u->off : &u->len)) {
                    *why = "off and len must be non-negative integers";
                    goto bad;
                }
                *(key[0] == 'o' ? &have_off : &have_len) = 1;
            } else if (!strcmp(key, "events")) {
                if (!parse_events(&c, &ev, &n_ev, why))
                    goto bad;
                have_events = 1;
            } else if (!jskip(&c, 1)) {
                goto bad;
            }
            jws(&c);
            if (jlit(&c, ","))
                continue;
            if (!jlit(&c, "}"))
                goto bad;
            break;
        }
    }
    jws(&c);
    if (c.p != c.end)
        goto bad;
    *corpus = -1;
    for (int k = 0; k < N_CORPUS; k++)
        if (!strcmp(corp, gold_corpus_names[k]))
            *corpus = k;
    if (*corpus < 0) {
        *why = "corpus must be reuters, agnews or satp";
        goto bad;
    }
    if (!have_record || !have_off || !have_len || !have_events) {
        *why = "a unit needs record, off, len and events";
        goto bad;
    }
    if (u->len == 0) {
        *why = "len must be positive";
        goto bad;
    }
    if (strlen(sha) != 8 || strspn(sha, "0123456789abcdef") != 8) {
        *why = "sha must be 8 lower-case hex digits";
        goto bad;
    }
    if (!strcmp(spl, "dev"))
        *split = SPLIT_DEV;
    else if (!strcmp(spl, "test"))
        *split = SPLIT_TEST;
    else {
        *why = "split must be dev or test";
        goto bad;
    }
    memcpy(u->sha, sha, 9);
    u->ev = ev;
    u->n_ev = n_ev;
    return 1;
bad:
    free(ev);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Reading gold files                                                     */

char *gold_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, k;
    char *buf = gold_realloc(NULL, cap + 1);
    while ((k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            cap *= 2;
            buf = gold_realloc(buf, cap + 1);
        }
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static size_t find_story(gold_run *g, int corpus, const char *record, int split)
{
    for (size_t i = 0; i < g->n_stories; i++)
        if (g->stories[i].corpus == corpus && !strcmp(g->stories[i].record, record))
            return i;
    if (g->n_stories == g->cap_stories) {
        g->cap_stories = g->cap_stories ? 2 * g->cap_stories : 64;
        g->stories = gold_realloc(g->stories, g->cap_stories * sizeof *g->stories);
    }
    gstory *s = &g->stories[g->n_stories];
    memset(s, 0, sizeof *s);
    s->corpus = corpus;
    snprintf(s->record, sizeof s->record, "%s", record);
    s->split = split;
    return g->n_stories++;
}

void gold_read_file(gold_run *g, const char *path)
{
    size_t len;
    char *text = gold_slurp(path, &len);
    if (!text) {
        warn("%s: cannot read", path);
        g->rejected++;
        return;
    }
    g->files = gold_realloc(g->files, (g->n_files + 1) * sizeof *g->files);
    char *name = strdup(path);
    if (!name)
        fatal("out of memory");
    g->files[g->n_files++] = name;
    size_t lineno = 0;
    for (const char *p = text, *end = text + len; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        lineno++;
        const char *q = p;
        while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q < eol) {
            gunit u;
            memset(&u, 0, sizeof u);
            int corpus, split;
            char record[64];
            const char *why = NULL;
            if (!parse_gold_line(p, (size_t)(eol - p), &u, &corpus, record, sizeof record, &split,
                                 &why)) {
                warn("%s:%zu: %s", path, lineno, why);
                g->rejected++;
            } else {
                u.story = find_story(g, corpus, record, split);
                if (g->stories[u.story].split != split)
                    warn("%s:%zu: %s:%s is %s elsewhere; the story's first split counts", path,
                         lineno, gold_corpus_names[corpus], record, gold_split_names[g->stories[u.story].split]);
                u.file = name;
                u.line = lineno;
                u.seq = g->n_units;
                u.at = u.off;
                if (g->n_units == g->cap_units) {
                    g->cap_units = g->cap_units ? 2 * g->cap_units : 256;
                    g->units = gold_realloc(g->units, g->cap_units * sizeof *g->units);
                }
                g->units[g->n_units++] = u;
            }
        }
        p = eol + 1;
    }
    free(text);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A directory: its *.jsonl files in name order (not its subdirectories). */
void gold_read_dir(gold_run *g, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        warn("%s: cannot open", dir);
        g->rejected++;
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".jsonl"))
            continue;
        size_t need = strlen(dir) + strlen(e->d_name) + 2;
        char *path = gold_realloc(NULL, need);
        snprintf(path, need, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        names = gold_realloc(names, (n + 1) * sizeof *names);
        names[n++] = path;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        gold_read_file(g, names[i]);
        free(names[i]);
    }
    free(names);
}

static int cmp_unit(const void *a, const void *b)
{
    const gunit *x = (const gunit *)a, *y = (const gunit *)b;
    if (x->story != y->story)
        return x->story < y->story ? -1 : 1;
    if (x->off != y->off)
        return x->off < y->off ? -1 : 1;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int same_gevent(const gevent *a, const gevent *b)
{
    return !strcmp(a->src, b->src) && !strcmp(a->tgt, b->tgt) && !strcmp(a->code, b->code);
}

/* Sorts units by story and offset and gives each story its distinct
 * events (one per source, target and code). */
void gold_index(gold_run *g)
{
    if (g->n_units)
        qsort(g->units, g->n_units, sizeof *g->units, cmp_unit);
    for (size_t i = 0; i < g->n_units;) {
        gstory *s = &g->stories[g->units[i].story];
        s->first_unit = i;
        size_t j = i;
        while (j < g->n_units && g->units[j].story == g->units[i].story)
            j++;
        s->n_units = j - i;
        for (size_t k = i; k < j; k++) {
            gunit *u = &g->units[k];
            u->ids = gold_realloc(NULL, (u->n_ev ? u->n_ev : 1) * sizeof *u->ids);
            for (size_t e = 0; e < u->n_ev; e++) {
                size_t id = s->n_dist;
                for (size_t m = 0; m < s->n_dist; m++)
                    if (same_gevent(&s->dist[m], &u->ev[e]))
                        id = m;
                if (id == s->n_dist) {
                    s->dist = gold_realloc(s->dist, (s->n_dist + 1) * sizeof *s->dist);
                    s->dist[s->n_dist++] = u->ev[e];
                }
                int dup = 0;
                for (size_t m = 0; m < u->n_ids; m++)
                    dup |= u->ids[m] == id;
                if (!dup)
                    u->ids[u->n_ids++] = id;
            }
        }
        i = j;
    }
}
