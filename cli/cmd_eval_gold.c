/*
 * cmd_eval_gold.c: `khaldun eval --gold FILE...`: scores khaldun's own coder
 * on real-news gold (docs/annotation.md, sections 9 and 10), the development
 * loop of issue 11.
 *
 * Each gold line names a unit of a corpus record by address only (corpus,
 * record, off, len, sha). The record is fetched from the shared corpora and
 * turned into the JSON Lines story `khaldun read` would read for it (as
 * tools/gold-units.py builds it):
 *   reuters  the line of reuters21578/reuters21578.jsonl whose newid is the
 *            record, as is;
 *   satp     the line of satp/satp.jsonl whose id is the record, as is;
 *   agnews   data row N (1-based, the header is row 0) of
 *            ag_news_subset/test.csv, CSV-unquoted, written as
 *            {"id": "agnews-N", "title": column 2, "body": column 3} the way
 *            Python's json.dumps writes it.
 * The story is read by a kh_reader (JSON Lines) and coded with the default
 * images (or --dict/--lexicon), with a trace hook collecting what the coder
 * considered in each sentence (the lines `khaldun explain` prints).
 *
 * Units. A unit's sha is the first 8 hex digits of SHA-256 of the story
 * bytes [off, off+len). The same digits over those bytes with every byte
 * outside a sentence written as a space (how tools/gold-units.py --span
 * rebuilds the text) are accepted too. On a mismatch the unit is looked for
 * elsewhere in the story: first a sentence (as `khaldun read` splits them)
 * with that sha, then any stretch of the same length; if found it is scored
 * there ("relocated"), else it is reported as "FILE:LINE: unit moved" and
 * left out of the scores.
 *
 * Scoring: events, not mentions. Gold events count once per story, source,
 * target and code, however many units repeat them. A khaldun event (merged
 * per story, maybe with several mentions) counts once; it lies in a unit
 * when one of its mentions' verb span starts inside it (the sentence start
 * when there is no verb span). Khaldun events in no annotated unit are not
 * scored. A khaldun event is right at a level when it lies in a unit that
 * holds a gold event it matches there; a gold event is found at a level
 * when some khaldun event lying in one of its units matches it:
 *   found      any event (the unit holds a gold event);
 *   root+dyad  same root (first two digits of the code), and source and
 *              target each agree on their first three letters (the
 *              country); a missing side matches only a missing side;
 *   full       same code, same full actor codes.
 * Precision = right khaldun events / scored khaldun events; recall = found
 * gold events / gold events. Several khaldun events may be right against
 * one gold event (there is no one-to-one assignment).
 *
 * Confusion: for each gold event, the khaldun event in its units that
 * matches it best (full, then root+dyad, then same root, then the first)
 * gives a (gold root, khaldun root) pair; "--" counts gold events with no
 * khaldun event in their units, and khaldun events in units with no gold
 * event.
 *
 * Error classes, for each miss and false event at root+dyad. They are
 * heuristics over the events and the trace of the unit's sentences, in this
 * order (the first that applies):
 *   a miss (gold event not found at root+dyad), over all units holding it —
 *     1. a khaldun event of the same root in the unit: the gold has a
 *        target and the event none: "target dropped"; else the side that
 *        differs is a pronoun or a definite description ("the minister"):
 *        "coreference"; else "no actor" (actor unknown, or without its
 *        country);
 *     2. a khaldun event with the same dyad but another root: "sense";
 *     3. a clause of the unit whose pattern has the gold root, by what the
 *        trace says came of it: no target actor / source and target the
 *        same: "target dropped"; no source actor: "parse" when the parser
 *        found no subject, "coreference" when the subject is a pronoun or
 *        definite description, else "no actor";
 *        negated: "hypothetical" (modality misread); a report of other
 *        clauses, a statement by an unidentified speaker: "statement";
 *        special code, refusal: "sense"; a phrase that is not an event of
 *        its own: "parse"; coded but with other actors: "no actor";
 *     4. the gold event is a statement or appeal (root 01 or 02), or a
 *        demand, disapproval, rejection or threat (roots 10-13) in a unit
 *        with a reporting clause (said, told, warned, urged, denied ...):
 *        "statement";
 *     5. a clause with no pattern for its verb: "no pattern";
 *     6. no clause in the unit, or a clause the coder set aside as not an
 *        event of its own: "parse";
 *     7. otherwise "no pattern".
 *   a false event (khaldun event not right at root+dyad) —
 *     1. its verb group holds a modal, or "if", "whether" or "unless" comes
 *        before the verb in the sentence, or the sentence is a question:
 *        "hypothetical";
 *     2. its source or target words are a pronoun or definite description:
 *        "coreference";
 *     3. a gold event of the same root in the unit: "target dropped" when
 *        the gold has a target and the event none, else "no actor";
 *     4. a gold event of the same dyad in the unit: "sense";
 *     5. a statement (root 01): "statement";
 *     6. otherwise "sense" (not an event, or another sense of the verb).
 * The trace lines are read by their wording (src/events/coder.c); a line
 * not understood is ignored, so a changed wording weakens the classes, not
 * the scores.
 *
 * Splits: a story is dev or test (its lines' "split"). By default both are
 * scored separately and together; the confusion and error counts cover the
 * selected split (all by default), and --errors lists dev units only unless
 * --split test is given, so the test part's errors are not read while
 * tuning (issue 11). Floors apply to the selected split.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "sha256.h"

static const char gold_usage[] =
    "khaldun eval --gold [--split dev|test|all] [--errors] [--shared DIR]\n"
    "             [--min-root-dyad-recall PCT] [--min-root-dyad-precision PCT] FILE|DIR...";

enum { SPLIT_DEV, SPLIT_TEST, N_SPLIT, SPLIT_ALL = N_SPLIT };
static const char *const split_names[] = {"dev", "test", "all"};

enum { C_REUTERS, C_AGNEWS, C_SATP, N_CORPUS };
static const char *const corpus_names[] = {"reuters", "agnews", "satp"};

enum { L_FOUND, L_ROOTDYAD, L_FULL, N_LEVEL };
static const char *const level_names[] = {"found", "root+dyad", "full"};

enum { E_NO_ACTOR, E_NO_PATTERN, E_PARSE, E_TARGET, E_STATEMENT, E_HYPO, E_COREF, E_SENSE, N_CLASS };
static const char *const class_names[] = {"no actor",  "no pattern",   "parse",       "target dropped",
                                          "statement", "hypothetical", "coreference", "sense"};

#define CODE_CAP 48 /* actor and event codes, with their NUL */

/* A gold event; "" stands for a missing (null) side. */
typedef struct gevent {
    char src[CODE_CAP], tgt[CODE_CAP], code[8];
} gevent;

/* One gold line. */
typedef struct gunit {
    size_t story;
    size_t seq;           /* order read, to keep sorting stable */
    const char *file;     /* the gold file's name (argv or directory entry, owned by the run) */
    size_t line;
    size_t off, len;
    char sha[9];
    gevent *ev;           /* as annotated */
    size_t n_ev;
    size_t *ids;          /* the story's distinct events this unit holds */
    size_t n_ids;
    int moved;
    size_t at;            /* where the unit is scored (off, or where it was found) */
} gunit;

typedef struct gstory {
    int corpus;
    char record[64];
    int split;
    size_t first_unit, n_units; /* after sorting */
    gevent *dist;               /* distinct events */
    size_t n_dist;
} gstory;

/* Counts per split. */
typedef struct tally {
    size_t stories, units, relocated, moved;
    size_t g_total, g_ok[N_LEVEL];
    size_t k_total, k_ok[N_LEVEL], k_outside;
    size_t conf[22][22];  /* [gold root][khaldun root]; 21 = none */
    size_t miss[N_CLASS], fals[N_CLASS];
} tally;

/* A clause as the trace tells it. */
typedef enum outcome {
    O_NONE, O_EVENT, O_NO_PATTERN, O_PARSE, O_SPECIAL, O_REPORT, O_NEGATED, O_REFUSAL,
    O_NO_SOURCE, O_NO_TARGET, O_SAME, O_UNIDENTIFIED
} outcome;

typedef struct tclause {
    size_t sentence;
    char lemma[48];
    char root[3];        /* of the pattern that matched, "" when none */
    outcome out;
    char subject[96];    /* O_NO_SOURCE: the subject's words */
} tclause;

typedef struct trace_buf {
    tclause *cl;
    size_t n, cap;
} trace_buf;

typedef struct corpus_file {
    char *data;          /* the whole file, NUL-terminated */
    size_t len;
    /* reuters and satp: id -> line; agnews: row starts */
    const char **keys;   /* id value (not NUL-terminated), or row start */
    size_t *key_len;
    size_t *line_off, *line_len;
    size_t n;
    int loaded;
} corpus_file;

typedef struct gold_run {
    gunit *units;
    size_t n_units, cap_units;
    gstory *stories;
    size_t n_stories, cap_stories;
    char **files;        /* names of the gold files read */
    size_t n_files;
    size_t rejected;
    const char *shared;
    corpus_file corpora[N_CORPUS];
    int split;           /* selected split, SPLIT_ALL for both */
    int errors;
    tally t[N_SPLIT];
    /* the story being scored */
    gstory *cur;
    kh_coder *coder;
    kh_scratch *scratch;
    trace_buf tr;
    int delivered;
} gold_run;

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        fatal("out of memory");
    return q;
}

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

static size_t put_utf8(char *out, unsigned long cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
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
                unsigned long cp = 0;
                for (int i = 0; i < 4; i++) {
                    int h = c->p < c->end ? hexval((unsigned char)*c->p++) : -1;
                    if (h < 0)
                        return 0;
                    cp = cp * 16 + (unsigned long)h;
                }
                k = put_utf8(tmp, cp); /* surrogates are kept as they come: codes are ASCII */
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
                if (!jlit(&c, "[")) {
                    *why = "events must be a list";
                    goto bad;
                }
                have_events = 1;
                jws(&c);
                if (!jlit(&c, "]")) {
                    for (;;) {
                        ev = xrealloc(ev, (n_ev + 1) * sizeof *ev);
                        if (!parse_event(&c, &ev[n_ev], why))
                            goto bad;
                        n_ev++;
                        jws(&c);
                        if (jlit(&c, ","))
                            continue;
                        if (!jlit(&c, "]"))
                            goto bad;
                        break;
                    }
                }
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
        if (!strcmp(corp, corpus_names[k]))
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

static char *slurp_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, k;
    char *buf = xrealloc(NULL, cap + 1);
    while ((k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap + 1);
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
        g->stories = xrealloc(g->stories, g->cap_stories * sizeof *g->stories);
    }
    gstory *s = &g->stories[g->n_stories];
    memset(s, 0, sizeof *s);
    s->corpus = corpus;
    snprintf(s->record, sizeof s->record, "%s", record);
    s->split = split;
    return g->n_stories++;
}

static void read_gold_file(gold_run *g, const char *path)
{
    size_t len;
    char *text = slurp_file(path, &len);
    if (!text) {
        warn("%s: cannot read", path);
        g->rejected++;
        return;
    }
    g->files = xrealloc(g->files, (g->n_files + 1) * sizeof *g->files);
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
                         lineno, corpus_names[corpus], record, split_names[g->stories[u.story].split]);
                u.file = name;
                u.line = lineno;
                u.seq = g->n_units;
                u.at = u.off;
                if (g->n_units == g->cap_units) {
                    g->cap_units = g->cap_units ? 2 * g->cap_units : 256;
                    g->units = xrealloc(g->units, g->cap_units * sizeof *g->units);
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
static void read_gold_dir(gold_run *g, const char *dir)
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
        char *path = xrealloc(NULL, need);
        snprintf(path, need, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        names = xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = path;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        read_gold_file(g, names[i]);
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
static void index_gold(gold_run *g)
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
            u->ids = xrealloc(NULL, (u->n_ev ? u->n_ev : 1) * sizeof *u->ids);
            for (size_t e = 0; e < u->n_ev; e++) {
                size_t id = s->n_dist;
                for (size_t m = 0; m < s->n_dist; m++)
                    if (same_gevent(&s->dist[m], &u->ev[e]))
                        id = m;
                if (id == s->n_dist) {
                    s->dist = xrealloc(s->dist, (s->n_dist + 1) * sizeof *s->dist);
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

/* ---------------------------------------------------------------------- */
/* Corpora: from a record to the JSON Lines story                          */

static const char *const corpus_paths[] = {"corpora/reuters21578/reuters21578.jsonl",
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
        f->buf = xrealloc(f->buf, f->cap);
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
    size_t need = strlen(g->shared) + strlen(corpus_paths[corpus]) + 2;
    char *path = xrealloc(NULL, need);
    snprintf(path, need, "%s/%s", g->shared, corpus_paths[corpus]);
    cf->data = slurp_file(path, &cf->len);
    if (!cf->data)
        fatal("%s: cannot read (give --shared DIR or set KHALDUN_SHARED)", path);
    free(path);
    const char *p = cf->data, *end = cf->data + cf->len;
    if (corpus == C_AGNEWS) {
        /* Row starts; row 0 is the header. */
        csv_field f[1];
        memset(f, 0, sizeof f);
        while (p < end) {
            cf->line_off = xrealloc(cf->line_off, (cf->n + 1) * sizeof *cf->line_off);
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
                refs = xrealloc(refs, cap * sizeof *refs);
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
    cf->keys = xrealloc(NULL, (n ? n : 1) * sizeof *cf->keys);
    cf->key_len = xrealloc(NULL, (n ? n : 1) * sizeof *cf->key_len);
    cf->line_off = xrealloc(NULL, (n ? n : 1) * sizeof *cf->line_off);
    cf->line_len = xrealloc(NULL, (n ? n : 1) * sizeof *cf->line_len);
    for (size_t i = 0; i < n; i++) {
        cf->keys[i] = refs[i].key;
        cf->key_len[i] = refs[i].key_len;
        cf->line_off[i] = refs[i].off;
        cf->line_len[i] = refs[i].len;
    }
    cf->n = n;
    free(refs);
}

typedef struct dbuf {
    char *p;
    size_t len, cap;
} dbuf;

static void dbuf_add(dbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap)
            b->cap = b->cap ? 2 * b->cap : 1024;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void dbuf_str(dbuf *b, const char *s)
{
    dbuf_add(b, s, strlen(s));
}

/* A JSON string the way Python's json.dumps writes it (ensure_ascii): the
 * bytes are read as UTF-8, a byte that is not is written as U+FFFD. */
static void json_quote_py(dbuf *b, const char *s, size_t n)
{
    dbuf_add(b, "\"", 1);
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)s[i];
        char esc[32];
        if (ch == '"' || ch == '\\') {
            esc[0] = '\\';
            esc[1] = (char)ch;
            dbuf_add(b, esc, 2);
            i++;
        } else if (ch == '\n' || ch == '\r' || ch == '\t' || ch == '\b' || ch == '\f') {
            esc[0] = '\\';
            esc[1] = ch == '\n' ? 'n' : ch == '\r' ? 'r' : ch == '\t' ? 't' : ch == '\b' ? 'b' : 'f';
            dbuf_add(b, esc, 2);
            i++;
        } else if (ch < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", ch);
            dbuf_str(b, esc);
            i++;
        } else if (ch < 0x80) {
            dbuf_add(b, (const char *)&s[i], 1);
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
    dbuf_add(b, "\"", 1);
}

/* The JSON line of a record into *out. Returns 0 when the corpus has no
 * such record. */
static int story_line(gold_run *g, const gstory *s, dbuf *out)
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
    dbuf_add(out, cf->data + cf->line_off[lo], cf->line_len[lo]);
    return 1;
}

/* ---------------------------------------------------------------------- */
/* The trace: what the coder considered in each clause                    */

static void on_trace(void *ctx, size_t sentence, const char *line)
{
    trace_buf *tb = (trace_buf *)ctx;
    while (*line == ' ')
        line++;
    if (!strncmp(line, "clause ", 7)) {
        if (tb->n == tb->cap) {
            tb->cap = tb->cap ? 2 * tb->cap : 64;
            tb->cl = xrealloc(tb->cl, tb->cap * sizeof *tb->cl);
        }
        tclause *c = &tb->cl[tb->n++];
        memset(c, 0, sizeof *c);
        c->sentence = sentence;
        const char *l = strstr(line, "(lemma ");
        if (l) {
            l += 7;
            size_t n = strcspn(l, ")");
            snprintf(c->lemma, sizeof c->lemma, "%.*s", (int)n, l);
        }
        return;
    }
    if (!tb->n || tb->cl[tb->n - 1].sentence != sentence)
        return;
    tclause *c = &tb->cl[tb->n - 1];
    static const struct {
        const char *start;
        outcome out;
    } lines[] = {
        {"EVENT ", O_EVENT},
        {"no pattern for", O_NO_PATTERN},
        {"patterns for the verbs of this group, none matched", O_NO_PATTERN},
        {"pattern for the verbs of this group, none matched", O_NO_PATTERN},
        {"part of the pattern of an earlier verb", O_PARSE},
        {"participial phrase", O_PARSE},
        {"gerund after a preposition", O_PARSE},
        {"infinitive complement", O_PARSE},
        {"special code", O_SPECIAL},
        {"a report of other clauses", O_REPORT},
        {"negated", O_NEGATED},
        {"refusal of", O_REFUSAL},
        {"no source actor", O_NO_SOURCE},
        {"no target actor", O_NO_TARGET},
        {"source and target are both", O_SAME},
        {"statement by an unidentified", O_UNIDENTIFIED},
    };
    if (!strncmp(line, "pattern '", 9)) {
        const char *a = strstr(line, "' -> ");
        if (a && a[5] >= '0' && a[5] <= '2' && a[6] >= '0' && a[6] <= '9') {
            c->root[0] = a[5];
            c->root[1] = a[6];
            c->root[2] = '\0';
        }
        return;
    }
    for (size_t k = 0; k < sizeof lines / sizeof lines[0]; k++) {
        const char *hit = strstr(line, lines[k].start);
        /* "N patterns for ..., none matched" has its count first. */
        if (!hit || (hit != line && lines[k].out != O_NO_PATTERN))
            continue;
        if (c->out == O_EVENT && lines[k].out == O_SAME)
            return; /* one pair of a compound was the same actor; others were coded */
        c->out = lines[k].out;
        if (lines[k].out == O_NO_SOURCE) {
            const char *s = strstr(line, "(subject ");
            if (s) {
                s += 9;
                size_t n = strlen(s);
                if (n && s[n - 1] == ')')
                    n--;
                snprintf(c->subject, sizeof c->subject, "%.*s", (int)n, s);
            }
        }
        return;
    }
}

/* ---------------------------------------------------------------------- */
/* Matching                                                               */

static int same_side(const char *gold, const char *kh, size_t n)
{
    int gnull = !gold || !gold[0], knull = !kh || !kh[0];
    if (gnull || knull)
        return gnull && knull;
    return n ? strncmp(gold, kh, n) == 0 : strcmp(gold, kh) == 0;
}

static int same_root(const gevent *g, const kh_event *k)
{
    return g->code[0] == k->code[0] && g->code[1] == k->code[1];
}

static int same_dyad(const gevent *g, const kh_event *k)
{
    return same_side(g->src, k->source, 3) && same_side(g->tgt, k->target, 3);
}

static int matches(int level, const gevent *g, const kh_event *k)
{
    switch (level) {
    case L_FOUND:
        return 1;
    case L_ROOTDYAD:
        return same_root(g, k) && same_dyad(g, k);
    default:
        return !strcmp(g->code, k->code) && same_side(g->src, k->source, 0) &&
               same_side(g->tgt, k->target, 0);
    }
}

/* The mention of k lying in u (its verb span starts inside u), or NULL. */
static const kh_mention *mention_in(const kh_event *k, const gunit *u)
{
    if (u->moved)
        return NULL;
    for (size_t m = 0; m < k->n_mentions; m++) {
        const kh_mention *mm = &k->mentions[m];
        size_t pos = mm->verb.len ? mm->verb.off : mm->text.off;
        if (pos >= u->at && pos - u->at < u->len)
            return mm;
    }
    return NULL;
}

static int root_index(const char *code)
{
    if (!code || code[0] < '0' || code[0] > '2' || code[1] < '0' || code[1] > '9')
        return 0;
    int r = (code[0] - '0') * 10 + (code[1] - '0');
    return r >= 1 && r <= 20 ? r : 0;
}

/* Lower-case words of text[0..n): runs of letters, digits and non-ASCII
 * bytes. Calls fn for each; stops when it returns non-zero. */
static int each_word(const char *s, size_t n, int (*fn)(void *ctx, const char *w, size_t len),
                     void *ctx)
{
    for (size_t i = 0; i < n;) {
        while (i < n && !((unsigned char)s[i] >= 0x80 || (s[i] >= 'a' && s[i] <= 'z') ||
                          (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            i++;
        size_t st = i;
        while (i < n && ((unsigned char)s[i] >= 0x80 || (s[i] >= 'a' && s[i] <= 'z') ||
                         (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            i++;
        if (i > st) {
            char w[32];
            size_t wl = i - st < sizeof w - 1 ? i - st : sizeof w - 1;
            for (size_t k = 0; k < wl; k++)
                w[k] = (char)(s[st + k] >= 'A' && s[st + k] <= 'Z' ? s[st + k] + 32 : s[st + k]);
            w[wl] = '\0';
            if (fn(ctx, w, wl))
                return 1;
        }
    }
    return 0;
}

static int in_list(const char *w, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(w, list[i]))
            return 1;
    return 0;
}

static const char *const modal_words[] = {"would", "could", "should", "might", "may", "must",
                                          "can", "shall", NULL};

static int word_is_modal(void *ctx, const char *w, size_t len)
{
    (void)ctx;
    (void)len;
    return in_list(w, modal_words);
}

static int word_is_subordinator(void *ctx, const char *w, size_t len)
{
    static const char *const subordinators[] = {"if", "whether", "unless", NULL};
    (void)ctx;
    (void)len;
    return in_list(w, subordinators);
}

/* A pronoun or a definite description that names an actor only through
 * the story: "he", "they", "the minister", "the two countries". */
static int is_reference(const char *s, size_t n)
{
    static const char *const refs[] = {
        "he", "she", "it", "they", "him", "her", "them", "we", "i", "us", "you", "his", "its",
        "their", "both", "the two", "the country", "the government", "the minister", "the group",
        "the president", "the two countries", "both countries", "both sides", "the two sides",
        "the north", "the south", "the official", "the spokesman", "the leader", "the movement",
        "the organisation", "the organization", "the militants", "the rebels", NULL};
    char low[96] = "";
    size_t k = 0;
    while (n && (*s == ' ' || *s == '\n' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t'))
        n--;
    if (!n || n >= sizeof low)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '\n' || ch == '\t')
            ch = ' ';
        if (ch == ' ' && k && low[k - 1] == ' ')
            continue;
        low[k++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    low[k] = '\0';
    return in_list(low, refs);
}

/* ---------------------------------------------------------------------- */
/* Scoring one story                                                      */

typedef struct story_ctx {
    gold_run *g;
    const kh_story *story;
    const kh_doc *doc;       /* the coder's document (trace sentence indexes) */
    const kh_event *ev;
    size_t n_ev;
} story_ctx;

/* Clauses of the coder's sentences that overlap u. */
static int clause_in_unit(const story_ctx *sc, const tclause *c, const gunit *u)
{
    if (c->sentence >= sc->doc->n_sentences)
        return 0;
    const kh_span *sp = &sc->doc->sentences[c->sentence].span;
    return sp->off < u->at + u->len && u->at < sp->off + sp->len;
}

static const char *const reporting_lemmas[] = {"say", "tell", "add", "state", "announce", "declare",
                                               "claim", "report", "warn", "urge", "deny", NULL};

/* The class of a miss of g, which the units us[0..nu) hold. */
static int miss_class(const story_ctx *sc, const gevent *g, const gunit *const *us, size_t nu)
{
    /* 1-2: what khaldun coded in the units */
    int same_dyad_other_root = 0;
    for (size_t j = 0; j < nu; j++)
        for (size_t i = 0; i < sc->n_ev; i++) {
            const kh_event *k = &sc->ev[i];
            const kh_mention *m = mention_in(k, us[j]);
            if (!m)
                continue;
            if (same_root(g, k)) {
                if (g->tgt[0] && !k->target)
                    return E_TARGET;
                int src_ok = same_side(g->src, k->source, 3);
                const kh_span *sp = src_ok ? &m->target : &m->source;
                if (sp->len && is_reference(sc->story->text + sp->off, sp->len))
                    return E_COREF;
                return E_NO_ACTOR;
            }
            if (same_dyad(g, k))
                same_dyad_other_root = 1;
        }
    if (same_dyad_other_root)
        return E_SENSE;
    /* 3: a clause whose pattern has the gold root */
    const trace_buf *tb = &sc->g->tr;
    for (size_t j = 0; j < nu; j++)
        for (size_t i = 0; i < tb->n; i++) {
            const tclause *c = &tb->cl[i];
            if (!clause_in_unit(sc, c, us[j]) || c->root[0] != g->code[0] ||
                c->root[1] != g->code[1])
                continue;
            switch (c->out) {
            case O_NO_TARGET: case O_SAME:
                return E_TARGET;
            case O_NO_SOURCE:
                if (!strcmp(c->subject, "none"))
                    return E_PARSE; /* the parser found no subject */
                return is_reference(c->subject, strlen(c->subject)) ? E_COREF : E_NO_ACTOR;
            case O_NEGATED:
                return E_HYPO;
            case O_REPORT: case O_UNIDENTIFIED:
                return E_STATEMENT;
            case O_SPECIAL: case O_REFUSAL:
                return E_SENSE;
            case O_PARSE: case O_NONE:
                return E_PARSE;
            case O_EVENT:
                return E_NO_ACTOR;
            case O_NO_PATTERN:
                break;
            }
        }
    /* 4: statements */
    int groot = root_index(g->code);
    if (groot == 1 || groot == 2)
        return E_STATEMENT;
    int any = 0, no_pattern = 0, parse = 0, reporting = 0;
    for (size_t j = 0; j < nu; j++)
        for (size_t i = 0; i < tb->n; i++) {
            const tclause *c = &tb->cl[i];
            if (!clause_in_unit(sc, c, us[j]))
                continue;
            any = 1;
            no_pattern |= c->out == O_NO_PATTERN;
            parse |= c->out == O_PARSE;
            reporting |= c->out == O_REPORT || c->out == O_UNIDENTIFIED ||
                         in_list(c->lemma, reporting_lemmas);
        }
    if (reporting && groot >= 10 && groot <= 13)
        return E_STATEMENT;
    if (no_pattern)
        return E_NO_PATTERN;
    if (!any || parse)
        return E_PARSE;
    return E_NO_PATTERN;
}

static int false_class(const story_ctx *sc, const kh_event *k, const kh_mention *m, const gunit *u,
                       const gstory *s)
{
    const char *text = sc->story->text;
    /* 1: modality */
    if (m->verb.len && each_word(text + m->verb.off, m->verb.len, word_is_modal, NULL))
        return E_HYPO;
    /* Only the subordinators count before the verb: a modal there
     * belongs to another clause. */
    if (m->verb.len && m->verb.off > m->text.off &&
        each_word(text + m->text.off, m->verb.off - m->text.off, word_is_subordinator, NULL))
        return E_HYPO;
    size_t e = m->text.off + m->text.len;
    while (e > m->text.off && strchr(" \t\n\"'", text[e - 1]))
        e--;
    if (e > m->text.off && text[e - 1] == '?')
        return E_HYPO;
    /* 2: reference */
    if ((m->source.len && is_reference(text + m->source.off, m->source.len)) ||
        (m->target.len && is_reference(text + m->target.off, m->target.len)))
        return E_COREF;
    /* 3-4: the gold events of the unit */
    int dyad = 0;
    for (size_t i = 0; i < u->n_ids; i++) {
        const gevent *g = &s->dist[u->ids[i]];
        if (same_root(g, k))
            return g->tgt[0] && !k->target ? E_TARGET : E_NO_ACTOR;
        dyad |= same_dyad(g, k);
    }
    if (dyad)
        return E_SENSE;
    if (root_index(k->code) == 1)
        return E_STATEMENT;
    return E_SENSE;
}

static int list_errors(const gold_run *g, int split)
{
    if (!g->errors)
        return 0;
    if (g->split == SPLIT_ALL)
        return split == SPLIT_DEV;
    return split == g->split;
}

static void print_side(const char *s)
{
    printf("%s", s && s[0] ? s : "-");
}

static kh_status on_gold_story(void *ctx, const kh_story *story)
{
    gold_run *g = (gold_run *)ctx;
    gstory *s = g->cur;
    if (g->delivered++)
        return KH_OK; /* one record, one story */
    gunit *units = &g->units[s->first_unit];
    tally *t = &g->t[s->split];

    /* Units: check the sha, relocate when it moved. */
    const kh_doc *rdoc = NULL;
    for (size_t i = 0; i < s->n_units; i++) {
        gunit *u = &units[i];
        char sha[9];
        int ok = 0;
        if (u->off <= story->text_len && u->len <= story->text_len - u->off) {
            cli_sha256_hex(story->text + u->off, u->len, sha, 8);
            ok = !strcmp(sha, u->sha);
        }
        if (ok)
            continue;
        if (!rdoc) {
            /* Sentences as `khaldun read` splits them. */
            kh_status st = kh_analyze(g->scratch, NULL, story, KH_ANALYZE_TOKENS, &rdoc);
            if (st)
                fatal("%s:%s: %s", corpus_names[s->corpus], s->record, kh_strerror(st));
        }
        /* The same bytes with every gap between sentences as spaces (how
         * tools/gold-units.py --span rebuilds the text). */
        if (u->off <= story->text_len && u->len <= story->text_len - u->off) {
            char *buf = xrealloc(NULL, u->len);
            memset(buf, ' ', u->len);
            for (size_t k = 0; k < rdoc->n_sentences; k++) {
                const kh_span *sp = &rdoc->sentences[k].span;
                size_t a = sp->off > u->off ? sp->off : u->off;
                size_t b = sp->off + sp->len < u->off + u->len ? sp->off + sp->len : u->off + u->len;
                if (a < b)
                    memcpy(buf + (a - u->off), story->text + a, b - a);
            }
            cli_sha256_hex(buf, u->len, sha, 8);
            free(buf);
            if (!strcmp(sha, u->sha))
                continue;
        }
        int found = 0;
        for (size_t k = 0; k < rdoc->n_sentences && !found; k++) {
            const kh_span *sp = &rdoc->sentences[k].span;
            cli_sha256_hex(story->text + sp->off, sp->len, sha, 8);
            if (!strcmp(sha, u->sha)) {
                u->at = sp->off;
                u->len = sp->len;
                found = 1;
            }
        }
        for (size_t at = 0; !found && u->len <= story->text_len && at <= story->text_len - u->len;
             at++) {
            cli_sha256_hex(story->text + at, u->len, sha, 8);
            if (!strcmp(sha, u->sha)) {
                u->at = at;
                found = 1;
            }
        }
        if (found) {
            t->relocated++;
        } else {
            u->moved = 1;
            t->moved++;
            warn("%s:%zu: unit moved (%s:%s:%zu, sha %s)", u->file, u->line,
                 corpus_names[s->corpus], s->record, u->off, u->sha);
        }
    }

    /* Code the story, collecting the trace. */
    g->tr.n = 0;
    const kh_event *ev;
    size_t n;
    kh_status st = kh_coder_code(g->coder, story, &ev, &n);
    if (st)
        fatal("%s:%s: %s", corpus_names[s->corpus], s->record, kh_strerror(st));
    story_ctx sc = {g, story, kh_coder_doc(g->coder), ev, n};

    /* Gold events held by at least one unit that is scored. */
    size_t nd = s->n_dist;
    unsigned char *active = xrealloc(NULL, nd + 1);
    memset(active, 0, nd + 1);
    t->stories++;
    for (size_t i = 0; i < s->n_units; i++)
        if (!units[i].moved) {
            t->units++;
            for (size_t k = 0; k < units[i].n_ids; k++)
                active[units[i].ids[k]] = 1;
        }

    /* Khaldun events: precision. */
    for (size_t i = 0; i < n; i++) {
        const kh_event *k = &ev[i];
        int scored = 0, ok[N_LEVEL] = {0, 0, 0}, with_gold = 0;
        const kh_mention *first_m = NULL;
        const gunit *first_u = NULL;
        for (size_t j = 0; j < s->n_units; j++) {
            const kh_mention *m = mention_in(k, &units[j]);
            if (!m)
                continue;
            if (!scored) {
                first_m = m;
                first_u = &units[j];
            }
            scored = 1;
            for (size_t e = 0; e < units[j].n_ids; e++) {
                with_gold = 1;
                for (int l = 0; l < N_LEVEL; l++)
                    ok[l] |= matches(l, &s->dist[units[j].ids[e]], k);
            }
        }
        if (!scored) {
            t->k_outside++;
            continue;
        }
        t->k_total++;
        for (int l = 0; l < N_LEVEL; l++)
            t->k_ok[l] += (size_t)ok[l];
        if (!with_gold)
            t->conf[21][root_index(k->code)]++;
        if (!ok[L_ROOTDYAD]) {
            int cls = false_class(&sc, k, first_m, first_u, s);
            t->fals[cls]++;
            if (list_errors(g, s->split)) {
                printf("false %-4s %-14s %s:%s:%zu  khaldun ", split_names[s->split], class_names[cls],
                       corpus_names[s->corpus], s->record, first_u->at);
                print_side(k->source);
                printf(" -> ");
                print_side(k->target);
                printf(" %s  (%s:%zu)\n", k->code, first_u->file, first_u->line);
            }
        }
    }

    /* Gold events: recall, confusion, misses. */
    const gunit **held = xrealloc(NULL, (s->n_units ? s->n_units : 1) * sizeof *held);
    for (size_t d = 0; d < nd; d++) {
        if (!active[d])
            continue;
        const gevent *gd = &s->dist[d];
        int ok[N_LEVEL] = {0, 0, 0};
        int best = -1, best_rank = -1;
        size_t nh = 0;
        for (size_t j = 0; j < s->n_units; j++) {
            const gunit *u = &units[j];
            int holds = 0;
            for (size_t e = 0; e < u->n_ids; e++)
                holds |= u->ids[e] == d;
            if (!holds || u->moved)
                continue;
            held[nh++] = u;
            for (size_t i = 0; i < n; i++) {
                if (!mention_in(&ev[i], u))
                    continue;
                for (int l = 0; l < N_LEVEL; l++)
                    ok[l] |= matches(l, gd, &ev[i]);
                int rank = matches(L_FULL, gd, &ev[i])        ? 3
                           : matches(L_ROOTDYAD, gd, &ev[i]) ? 2
                           : same_root(gd, &ev[i])           ? 1
                                                             : 0;
                if (rank > best_rank) {
                    best_rank = rank;
                    best = (int)i;
                }
            }
        }
        t->g_total++;
        for (int l = 0; l < N_LEVEL; l++)
            t->g_ok[l] += (size_t)ok[l];
        t->conf[root_index(gd->code)][best >= 0 ? root_index(ev[best].code) : 21]++;
        const gunit *first_u = held[0];
        if (!ok[L_ROOTDYAD]) {
            int cls = miss_class(&sc, gd, held, nh);
            t->miss[cls]++;
            if (list_errors(g, s->split)) {
                printf("miss  %-4s %-14s %s:%s:%zu  gold ", split_names[s->split], class_names[cls],
                       corpus_names[s->corpus], s->record, first_u->at);
                print_side(gd->src);
                printf(" -> ");
                print_side(gd->tgt);
                printf(" %s", gd->code);
                if (best >= 0) {
                    printf("  got ");
                    print_side(ev[best].source);
                    printf(" -> ");
                    print_side(ev[best].target);
                    printf(" %s", ev[best].code);
                }
                printf("  (%s:%zu)\n", first_u->file, first_u->line);
            }
        }
    }
    free(held);
    free(active);
    return KH_OK;
}

/* ---------------------------------------------------------------------- */
/* Reports                                                                */

static double pct(size_t a, size_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0.0;
}

static double f1(double p, double r)
{
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

static void tally_add(tally *sum, const tally *t)
{
    sum->stories += t->stories;
    sum->units += t->units;
    sum->relocated += t->relocated;
    sum->moved += t->moved;
    sum->g_total += t->g_total;
    sum->k_total += t->k_total;
    sum->k_outside += t->k_outside;
    for (int l = 0; l < N_LEVEL; l++) {
        sum->g_ok[l] += t->g_ok[l];
        sum->k_ok[l] += t->k_ok[l];
    }
    for (size_t a = 0; a < 22; a++)
        for (size_t b = 0; b < 22; b++)
            sum->conf[a][b] += t->conf[a][b];
    for (int c = 0; c < N_CLASS; c++) {
        sum->miss[c] += t->miss[c];
        sum->fals[c] += t->fals[c];
    }
}

static void print_scores(const char *name, const tally *t)
{
    printf("%-5s %-4s stories %zu, units %zu (%zu relocated, %zu moved), gold events %zu, "
           "khaldun events %zu (+%zu outside the units)\n",
           "split", name, t->stories, t->units, t->relocated, t->moved, t->g_total, t->k_total,
           t->k_outside);
    for (int l = 0; l < N_LEVEL; l++) {
        double p = pct(t->k_ok[l], t->k_total), r = pct(t->g_ok[l], t->g_total);
        char ps[48], rs[48], fs[16];
        /* "-" where there is nothing to count: no events coded, no gold. */
        snprintf(ps, sizeof ps, t->k_total ? "%zu/%zu = %5.1f%%" : "%zu/%zu =     -", t->k_ok[l],
                 t->k_total, p);
        snprintf(rs, sizeof rs, t->g_total ? "%zu/%zu = %5.1f%%" : "%zu/%zu =     -", t->g_ok[l],
                 t->g_total, r);
        snprintf(fs, sizeof fs, t->k_total && t->g_total ? "%5.1f%%" : "    -", f1(p, r));
        printf("  %-4s %-10s precision %-20s recall %-20s F1 %s\n", name, level_names[l], ps, rs, fs);
    }
}

static void print_confusion(const char *name, const tally *t)
{
    int rows[22] = {0}, cols[22] = {0};
    for (size_t a = 0; a < 22; a++)
        for (size_t b = 0; b < 22; b++)
            if (t->conf[a][b])
                rows[a] = cols[b] = 1;
    printf("confusion (%s; gold root down, khaldun root across, for each gold event the best khaldun "
           "event in its units; -- none)\n  gold\\kh",
           name);
    for (size_t b = 0; b < 22; b++)
        if (cols[b]) {
            if (b == 21)
                printf("  --");
            else
                printf("  %02zu", b);
        }
    printf("\n");
    for (size_t a = 0; a < 22; a++) {
        if (!rows[a])
            continue;
        if (a == 21)
            printf("  --     ");
        else
            printf("  %02zu     ", a);
        for (size_t b = 0; b < 22; b++)
            if (cols[b]) {
                if (t->conf[a][b])
                    printf(" %3zu", t->conf[a][b]);
                else
                    printf("   .");
            }
        printf("\n");
    }
}

static void print_classes(const char *name, const tally *t)
{
    printf("errors at root+dyad (%s)   misses  false\n", name);
    for (int c = 0; c < N_CLASS; c++)
        printf("  %-24s %6zu %6zu\n", class_names[c], t->miss[c], t->fals[c]);
}

static void free_run(gold_run *g)
{
    for (size_t i = 0; i < g->n_units; i++) {
        free(g->units[i].ev);
        free(g->units[i].ids);
    }
    free(g->units);
    for (size_t i = 0; i < g->n_stories; i++)
        free(g->stories[i].dist);
    free(g->stories);
    for (size_t i = 0; i < g->n_files; i++)
        free(g->files[i]);
    free(g->files);
    for (int c = 0; c < N_CORPUS; c++) {
        corpus_file *cf = &g->corpora[c];
        free(cf->data);
        free(cf->keys);
        free(cf->key_len);
        free(cf->line_off);
        free(cf->line_len);
    }
    free(g->tr.cl);
}

static double parse_pct(const char *v, const char *opt)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || d < 0 || d > 100)
        usage_error(gold_usage, "%s wants a percentage from 0 to 100, not '%s'", opt, v);
    return d;
}

int cmd_eval_gold(int argc, char **argv)
{
    gold_run g;
    memset(&g, 0, sizeof g);
    g.split = SPLIT_ALL;
    cli_models models;
    cli_models_init(&models);
    double min_recall = -1, min_precision = -1;
    const char *shared = NULL;
    char **paths = xrealloc(NULL, (size_t)argc * sizeof *paths);
    size_t n_paths = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int used;
        if (!strcmp(a, "--gold")) {
            continue;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: %s\n\n"
                   "Scores the coder on real-news gold (docs/annotation.md): fetches each unit's\n"
                   "record from the shared corpora, codes the story with the default images, and\n"
                   "prints precision, recall and F1 of events at three levels (found, root+dyad\n"
                   "at country level, full), per split, the per-root confusion and the error\n"
                   "classes of misses and false events. A DIR stands for its *.jsonl files.\n\n"
                   "  --split S                      dev, test or all (default: dev, test and all)\n"
                   "  --errors                       one line per miss and false event (dev only\n"
                   "                                 unless --split test)\n"
                   "  --shared DIR                   the shared data (default $KHALDUN_SHARED, else ../shared)\n"
                   "  --min-root-dyad-recall PCT     exit 1 below this recall (selected split)\n"
                   "  --min-root-dyad-precision PCT  exit 1 below this precision\n"
                   "  --dict FILE, --lexicon FILE    other images than the default ones\n",
                   gold_usage);
            free(paths);
            return EXIT_OK;
        } else if (!strcmp(a, "--split")) {
            if (++i >= argc)
                usage_error(gold_usage, "--split needs dev, test or all");
            if (!strcmp(argv[i], "dev"))
                g.split = SPLIT_DEV;
            else if (!strcmp(argv[i], "test"))
                g.split = SPLIT_TEST;
            else if (!strcmp(argv[i], "all"))
                g.split = SPLIT_ALL;
            else
                usage_error(gold_usage, "--split wants dev, test or all, not '%s'", argv[i]);
        } else if (!strcmp(a, "--errors")) {
            g.errors = 1;
        } else if (!strcmp(a, "--shared")) {
            if (++i >= argc)
                usage_error(gold_usage, "--shared needs a directory");
            shared = argv[i];
        } else if (!strcmp(a, "--min-root-dyad-recall") || !strcmp(a, "--min-root-dyad-precision")) {
            if (i + 1 >= argc)
                usage_error(gold_usage, "%s needs a percentage", a);
            double v = parse_pct(argv[i + 1], a);
            *(a[16] == 'r' ? &min_recall : &min_precision) = v;
            i++;
        } else if ((used = cli_models_option(&models, argc, argv, i, gold_usage)) > 0) {
            i += used - 1;
        } else if (a[0] == '-' && a[1]) {
            usage_error(gold_usage, "unknown option '%s'", a);
        } else {
            paths[n_paths++] = argv[i];
        }
    }
    if (!n_paths)
        usage_error(gold_usage, "no gold file given");
    if (!shared) {
        const char *env = getenv("KHALDUN_SHARED");
        shared = env && *env ? env : "../shared";
    }
    g.shared = shared;
    for (size_t i = 0; i < n_paths; i++) {
        struct stat st;
        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
            read_gold_dir(&g, paths[i]);
        else
            read_gold_file(&g, paths[i]);
    }
    free(paths);
    index_gold(&g);

    cli_models_load(&models);
    kh_code_options opt;
    memset(&opt, 0, sizeof opt);
    opt.dict = models.dict;
    opt.lexicon = models.lexicon;
    opt.trace = on_trace;
    opt.trace_ctx = &g.tr;
    kh_status st = kh_coder_new(&opt, &g.coder);
    if (st)
        fatal("%s", kh_strerror(st));
    st = kh_scratch_new(NULL, NULL, &g.scratch);
    if (st)
        fatal("%s", kh_strerror(st));

    dbuf line = {NULL, 0, 0};
    for (size_t i = 0; i < g.n_stories; i++) {
        gstory *s = &g.stories[i];
        const gunit *first = &g.units[s->first_unit];
        if (g.split != SPLIT_ALL && s->split != g.split)
            continue;
        if (!story_line(&g, s, &line)) {
            warn("%s:%zu: no record %s in %s", first->file, first->line, s->record,
                 corpus_names[s->corpus]);
            g.rejected++;
            continue;
        }
        dbuf_add(&line, "\n", 1);
        cli_input in;
        cli_input_init(&in);
        in.read.format = KH_INPUT_JSONL;
        in.diag.quiet_warnings = 1;
        kh_reader *r = NULL;
        st = kh_reader_new(&in.read, corpus_paths[s->corpus], &r);
        if (st)
            fatal("%s", kh_strerror(st));
        g.cur = s;
        g.delivered = 0;
        st = kh_reader_push(r, line.p, line.len, on_gold_story, &g);
        if (st == KH_OK)
            st = kh_reader_finish(r, on_gold_story, &g);
        kh_reader_free(r);
        if (st)
            fatal("%s:%s: %s", corpus_names[s->corpus], s->record, kh_strerror(st));
        if (!g.delivered) {
            warn("%s:%zu: %s:%s: the record gives no story", first->file, first->line,
                 corpus_names[s->corpus], s->record);
            g.rejected++;
        }
    }
    free(line.p);
    kh_coder_free(g.coder);
    kh_scratch_free(g.scratch);
    cli_models_free(&models);

    tally all;
    memset(&all, 0, sizeof all);
    tally_add(&all, &g.t[SPLIT_DEV]);
    tally_add(&all, &g.t[SPLIT_TEST]);
    const tally *sel = g.split == SPLIT_ALL ? &all : &g.t[g.split];
    const char *sel_name = split_names[g.split];
    printf("gold: %zu file%s, %zu units, %zu stories%s\n", g.n_files, g.n_files == 1 ? "" : "s",
           g.n_units, g.n_stories, g.rejected ? " (some lines rejected, see above)" : "");
    if (g.split == SPLIT_ALL) {
        print_scores("dev", &g.t[SPLIT_DEV]);
        print_scores("test", &g.t[SPLIT_TEST]);
    }
    print_scores(sel_name, sel);
    print_confusion(sel_name, sel);
    print_classes(sel_name, sel);
    int rc = g.rejected ? EXIT_REJECTED : EXIT_OK;
    double rec = pct(sel->g_ok[L_ROOTDYAD], sel->g_total);
    double prec = pct(sel->k_ok[L_ROOTDYAD], sel->k_total);
    if (min_recall >= 0 && rec < min_recall) {
        warn("root+dyad recall %.1f%% (%s) is below the floor %.1f%%", rec, sel_name, min_recall);
        rc = EXIT_REJECTED;
    }
    if (min_precision >= 0 && prec < min_precision) {
        warn("root+dyad precision %.1f%% (%s) is below the floor %.1f%%", prec, sel_name,
             min_precision);
        rc = EXIT_REJECTED;
    }
    free_run(&g);
    return rc;
}
