/*
 * cmd_eval.c: `khaldun eval PATH`: runs a validation suite and prints pass
 * or fail per record, then totals, strict (the set of produced
 * source/target/code triples equals the expected set) and lenient (every
 * expected triple was produced). Reads the peers' suites unedited:
 *
 *   TABARI    a folder with a .project file (or the .project itself): its
 *             dictionaries through the TABARI importer, its text file's
 *             records, expectations in { SRC / TGT / CODE } comments;
 *   PETRARCH  a folder with PETR.*.xml records (or the .xml itself): the
 *             PETR.Validate.*.txt dictionaries through the PETRARCH
 *             importer, expectations in <EventCoding> elements;
 *   khaldun   a .jsonl gold file: {"id","date","text","events":[{"source",
 *             "target","code"}]}, coded with the default dictionaries.
 *
 * `khaldun eval --pos FILE.conllu` measures the tagger instead.
 *
 * How records are counted: TABARI records that only set options ({ OPTION
 * ... }) and those after "end of the standard validation records" are not
 * counted; {---}, {###} and {+++} (no events, discard, complex) all expect
 * no events; a record marked -{...} ("do not check additional records") is
 * checked leniently only; its placeholder "-{ --- / --- / 000 }" names no event. PETRARCH records expecting an error
 * (bad_input_parse, dateline, sentence/story discard) or noevents expect no
 * events; sentence="false" records are counted like the others. PETRARCH
 * <Config> settings between records (require_dyad, comma_*) are passed to
 * the coder as peer options before the next record, and stay in force.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char eval_usage[] =
    "khaldun eval [--verbose] [--min-strict PCT] SUITE_DIR|FILE\n"
    "       khaldun eval --pos FILE.conllu\n"
    "       khaldun eval --gold [options] FILE|DIR...   (real-news gold, --gold --help)\n"
    "       khaldun eval --conflibert DIR [options]     (--conflibert --help)";

#define MAX_TRIPLES 32
#define MAX_OPTIONS 8    /* { OPTION: ... } commands of one TABARI record, <Config> of a PETRARCH one */

typedef struct triple {
    char src[40], tgt[40], code[8];
} triple;

typedef struct record {
    char id[64];
    triple want[MAX_TRIPLES];
    size_t n_want;
    int lenient_only;
    int counted;
    char options[MAX_OPTIONS][160]; /* applied, in order, before the record is coded */
    size_t n_options;
    int seen;
} record;

typedef struct suite {
    record *recs;
    size_t n, cap;
} suite;

static record *suite_add(suite *s, const char *id, size_t idlen)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->recs = realloc(s->recs, s->cap * sizeof *s->recs);
        if (!s->recs)
            fatal("out of memory");
    }
    record *r = &s->recs[s->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%.*s", (int)idlen, id);
    r->counted = 1;
    return r;
}

static record *suite_find(suite *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->recs[i].id, id) && !s->recs[i].seen)
            return &s->recs[i];
    return NULL;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fatal("%s: cannot open", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            cap *= 2;
            char *grown = realloc(buf, cap + 1);
            if (!grown)
                free(buf);
            buf = grown;
        }
    }
    fclose(f);
    if (!buf)
        fatal("out of memory");
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void trim_copy(char *dst, size_t cap, const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t' || *s == '"' || *s == '\''))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '"' || s[len - 1] == '\''))
        len--;
    snprintf(dst, cap, "%.*s", (int)len, s);
}

/* ---------------------------------------------------------------------- */
/* TABARI: expectations from the text file                                */

static int is_header(const char *p, const char *end)
{
    for (int i = 0; i < 6; i++)
        if (p + i >= end || p[i] < '0' || p[i] > '9')
            return 0;
    return p + 6 < end && (p[6] == ' ' || p[6] == '\t');
}

static int contains(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (!memcmp(s + i, needle, n))
            return 1;
    return 0;
}

static void tabari_expect(suite *s, const char *text, size_t len)
{
    const char *end = text + len, *p = text;
    record *cur = NULL;
    int stop = 0;
    while (p < end && !stop) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        if (is_header(p, eol)) {
            const char *id = p + 6;
            while (id < eol && (*id == ' ' || *id == '\t'))
                id++;
            const char *ide = id;
            while (ide < eol && *ide != ' ' && *ide != '\t' && *ide != '\r')
                ide++;
            cur = suite_add(s, id, (size_t)(ide - id));
        } else if (cur) {
            if (contains(p, (size_t)(eol - p), "This is the end of the standard validation records")) {
                cur->counted = 0;
                stop = 1;
                break;
            }
            for (const char *q = p; q < eol; q++) {
                if (*q != '{')
                    continue;
                const char *close = memchr(q, '}', (size_t)(eol - q));
                const char *op = q + 1;
                while (op < eol && (*op == ' ' || *op == '\t'))
                    op++;
                int option = eol - op >= 7 && !strncmp(op, "OPTION:", 7);
                if (!close && option) {
                    /* "{ OPTION: SET: MINIMUM WORDS = 4" unclosed: it ends where the comment does */
                    close = op;
                    while (close < eol && !(close[0] == '*' && close + 1 < eol && close[1] == '/'))
                        close++;
                }
                if (!close)
                    break;
                if (option) {
                    cur->counted = 0;
                    if (cur->n_options < MAX_OPTIONS)
                        trim_copy(cur->options[cur->n_options++], sizeof cur->options[0], op + 7,
                                  (size_t)(close - op - 7));
                    q = close;
                    continue;
                }
                int dash = q > p && q[-1] == '-';
                char body[160];
                trim_copy(body, sizeof body, q + 1, (size_t)(close - q - 1));
                if (!strncmp(body, "OPTION", 6)) {
                    cur->counted = 0;
                } else if (!strcmp(body, "---") || !strcmp(body, "###") || !strcmp(body, "+++") ||
                           !strcmp(body, "- - -")) {
                    /* expects no events */
                } else {
                    char *s1 = strchr(body, '/');
                    char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
                    if (s1 && s2 && cur->n_want < MAX_TRIPLES) {
                        triple *t = &cur->want[cur->n_want++];
                        trim_copy(t->src, sizeof t->src, body, (size_t)(s1 - body));
                        trim_copy(t->tgt, sizeof t->tgt, s1 + 1, (size_t)(s2 - s1 - 1));
                        trim_copy(t->code, sizeof t->code, s2 + 1, strlen(s2 + 1));
                        if (dash)
                            cur->lenient_only = 1;
                        /* "-{ --- / --- / 000 }" is a placeholder: no event named. */
                        if (!strcmp(t->src, "---") && !strcmp(t->tgt, "---") &&
                            !strcmp(t->code, "000"))
                            cur->n_want--;
                    }
                }
                q = close;
            }
        }
        p = eol + 1;
    }
    /* Records that stated nothing at all are not validation records. */
    (void)stop;
}

/* ---------------------------------------------------------------------- */
/* PETRARCH: expectations from the XML                                    */

static const char *attr(const char *tag, const char *tag_end, const char *name, size_t *len)
{
    size_t nl = strlen(name);
    for (const char *p = tag; p + nl < tag_end; p++) {
        if (memcmp(p, name, nl) != 0 || (p > tag && p[-1] != ' ' && p[-1] != '\t'))
            continue;
        const char *q = p + nl;
        while (q < tag_end && *q == ' ')
            q++;
        if (q >= tag_end || *q != '=')
            continue;
        q++;
        while (q < tag_end && *q == ' ')
            q++;
        if (q >= tag_end || (*q != '"' && *q != '\''))
            continue;
        char quote = *q++;
        const char *v = q;
        while (q < tag_end && *q != quote)
            q++;
        *len = (size_t)(q - v);
        return v;
    }
    return NULL;
}

/* A PETRARCH <Config option=... value=...> as a peer option line (TABARI
 * .options syntax, kh_coder_set_peer_option), or 0 when it does not change
 * coding here (stop_on_error, new_actor_length). */
static int petrarch_config(const char *tag, const char *tag_end, char *out, size_t cap)
{
    size_t ol, vl;
    const char *o = attr(tag, tag_end, "option", &ol);
    const char *v = attr(tag, tag_end, "value", &vl);
    if (!o || !v)
        return 0;
    static const char *const comma[][2] = {{"comma_min", "MIN"},   {"comma_max", "MAX"},
                                           {"comma_emin", "EMIN"}, {"comma_emax", "EMAX"},
                                           {"comma_bmin", "BMIN"}, {"comma_bmax", "BMAX"}};
    for (size_t k = 0; k < sizeof comma / sizeof comma[0]; k++)
        if (ol == strlen(comma[k][0]) && !memcmp(o, comma[k][0], ol)) {
            snprintf(out, cap, "COMMA: %s %.*s", comma[k][1], (int)vl, v);
            return 1;
        }
    if (ol == 12 && !memcmp(o, "require_dyad", 12)) {
        snprintf(out, cap, "SET: REQUIRE DYAD = %.*s", (int)vl, v);
        return 1;
    }
    return 0;
}

static void petrarch_expect(suite *s, const char *text, size_t len)
{
    const char *end = text + len, *p = text;
    record *cur = NULL;
    char pending[MAX_OPTIONS][160]; /* <Config> lines seen since the last record */
    size_t n_pending = 0;
    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        const char *te = memchr(p, '>', (size_t)(end - p));
        if (!te)
            break;
        size_t vl;
        const char *v;
        if (!strncmp(p, "<Config ", 8)) {
            /* Settings switched between records apply from the next one on. */
            char line[160];
            if (petrarch_config(p, te, line, sizeof line)) {
                if (n_pending == MAX_OPTIONS) {
                    memmove(pending[0], pending[1], sizeof pending[0] * (MAX_OPTIONS - 1));
                    n_pending--;
                }
                memcpy(pending[n_pending++], line, sizeof line);
            }
        } else if (!strncmp(p, "<Sentence ", 10) || !strncmp(p, "<Sentence\t", 10)) {
            v = attr(p, te, "id", &vl);
            cur = suite_add(s, v ? v : "", v ? vl : 0);
            for (size_t k = 0; k < n_pending; k++)
                memcpy(cur->options[k], pending[k], sizeof pending[k]);
            cur->n_options = n_pending;
            n_pending = 0;
        } else if (cur && !strncmp(p, "<EventCoding", 12)) {
            const char *sc = attr(p, te, "sourcecode", &vl);
            size_t sl = vl;
            size_t tl = 0, cl = 0;
            const char *tc = attr(p, te, "targetcode", &tl);
            const char *ec = attr(p, te, "eventcode", &cl);
            if (sc && tc && ec && cur->n_want < MAX_TRIPLES) {
                triple *t = &cur->want[cur->n_want++];
                trim_copy(t->src, sizeof t->src, sc, sl);
                trim_copy(t->tgt, sizeof t->tgt, tc, tl);
                trim_copy(t->code, sizeof t->code, ec, cl);
                /* "###" source: a discard, no events. */
                if (!strcmp(t->src, "###"))
                    cur->n_want--;
            }
        }
        p = te + 1;
    }
}

/* ---------------------------------------------------------------------- */
/* khaldun's own gold: one JSON object a line, {"id": ..., "date": ...,
 * "text": ..., "events": [{"source": ..., "target": ..., "code": ...}]}.
 * Only the id and the flat event objects are read here; the reader reads
 * the story itself. Strings hold no escaped quotes in these fields.       */

static int json_str_field(const char *obj, const char *obj_end, const char *key, char *out,
                          size_t cap)
{
    char pat[32];
    snprintf(pat, sizeof pat, "\"%s\"", key);
    size_t pl = strlen(pat);
    for (const char *p = obj; p + pl < obj_end; p++) {
        if (memcmp(p, pat, pl) != 0)
            continue;
        const char *q = p + pl;
        while (q < obj_end && (*q == ' ' || *q == ':'))
            q++;
        if (q < obj_end && *q == 'n') {
            snprintf(out, cap, "---");
            return 1;
        }
        if (q >= obj_end || *q != '"')
            return 0;
        const char *v = ++q;
        while (q < obj_end && *q != '"')
            q++;
        snprintf(out, cap, "%.*s", (int)(q - v), v);
        return 1;
    }
    return 0;
}

static void gold_expect(suite *s, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        char id[64];
        const char *ev = p;
        while (ev + 8 < eol && memcmp(ev, "\"events\"", 8) != 0)
            ev++;
        if (json_str_field(p, ev, "id", id, sizeof id)) {
            record *r = suite_add(s, id, strlen(id));
            for (const char *q = ev; q < eol; q++) {
                if (*q != '{')
                    continue;
                const char *close = memchr(q, '}', (size_t)(eol - q));
                if (!close || r->n_want >= MAX_TRIPLES)
                    break;
                triple *t = &r->want[r->n_want];
                if (json_str_field(q, close, "source", t->src, sizeof t->src) &&
                    json_str_field(q, close, "code", t->code, sizeof t->code)) {
                    if (!json_str_field(q, close, "target", t->tgt, sizeof t->tgt))
                        snprintf(t->tgt, sizeof t->tgt, "---");
                    r->n_want++;
                }
                q = close;
            }
        }
        p = eol + 1;
    }
}

/* ---------------------------------------------------------------------- */
/* Running                                                                */

typedef struct run {
    suite *s;
    kh_coder *coder;
    int verbose;
    size_t counted, strict, lenient, events;
} run;

static int has_triple(const triple *set, size_t n, const char *src, const char *tgt, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(set[i].src, src) && !strcmp(set[i].tgt, tgt) && !strcmp(set[i].code, code))
            return 1;
    return 0;
}

static kh_status on_story(void *ctx, const kh_story *story)
{
    run *r = (run *)ctx;
    record *rec = suite_find(r->s, story->id);
    if (!rec)
        return KH_OK;
    rec->seen = 1;
    /* TABARI validation records switch options as the file is read. */
    for (size_t i = 0; i < rec->n_options; i++)
        if (kh_coder_set_peer_option(r->coder, rec->options[i]) != KH_OK)
            fprintf(stderr, "khaldun: %s: option '%s' not understood, ignored\n", rec->id,
                    rec->options[i]);
    const kh_event *ev;
    size_t n;
    kh_status st = kh_coder_code(r->coder, story, &ev, &n);
    if (st)
        fatal("%s: %s", story->id, kh_strerror(st));
    triple got[MAX_TRIPLES];
    size_t ng = 0;
    for (size_t i = 0; i < n && ng < MAX_TRIPLES; i++) {
        triple t;
        snprintf(t.src, sizeof t.src, "%s", ev[i].source);
        snprintf(t.tgt, sizeof t.tgt, "%s", ev[i].target ? ev[i].target : "---");
        snprintf(t.code, sizeof t.code, "%s", ev[i].code);
        if (!has_triple(got, ng, t.src, t.tgt, t.code))
            got[ng++] = t;
    }
    r->events += n;
    if (!rec->counted)
        return KH_OK;
    int lenient = 1;
    for (size_t i = 0; i < rec->n_want; i++)
        if (!has_triple(got, ng, rec->want[i].src, rec->want[i].tgt, rec->want[i].code))
            lenient = 0;
    int strict = lenient && !rec->lenient_only;
    if (strict)
        for (size_t i = 0; i < ng; i++)
            if (!has_triple(rec->want, rec->n_want, got[i].src, got[i].tgt, got[i].code))
                strict = 0;
    if (rec->lenient_only)
        strict = lenient;
    r->counted++;
    r->strict += (size_t)strict;
    r->lenient += (size_t)lenient;
    if (r->verbose || !strict) {
        printf("%s %s  want:", strict ? "pass" : lenient ? "LENIENT" : "FAIL", rec->id);
        for (size_t i = 0; i < rec->n_want; i++)
            printf(" %s/%s/%s", rec->want[i].src, rec->want[i].tgt, rec->want[i].code);
        if (!rec->n_want)
            printf(" none");
        printf("  got:");
        for (size_t i = 0; i < ng; i++)
            printf(" %s/%s/%s", got[i].src, got[i].tgt, got[i].code);
        if (!ng)
            printf(" none");
        printf("\n");
    }
    return KH_OK;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

/* Finds in `dir` a file whose name ends with `suffix` (first in order).
 * Returns 0 when there is none, or when its path does not fit in out. */
static int find_in(const char *dir, const char *suffix, const char *contains, char *out, size_t cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    char best[1024] = "";
    while ((e = readdir(d)) != NULL)
        if (ends_with(e->d_name, suffix) && (!contains || strstr(e->d_name, contains)) &&
            (!best[0] || strcmp(e->d_name, best) < 0))
            snprintf(best, sizeof best, "%s", e->d_name);
    closedir(d);
    if (!best[0])
        return 0;
    int n = snprintf(out, cap, "%s/%s", dir, best);
    return n >= 0 && (size_t)n < cap;
}

/* The file a TABARI project names under `tag` ("<textfile>"), relative to
 * its folder. Returns 0 when the project names none. */
static int project_file(const char *project, const char *tag, char *out, size_t cap)
{
    size_t len;
    char *p = slurp(project, &len);
    char *t = strstr(p, tag);
    if (!t) {
        free(p);
        return 0;
    }
    t += strlen(tag);
    while (*t == ' ' || *t == '\t')
        t++;
    char *e = t;
    while (*e && *e != '\n' && *e != '\r' && *e != ' ' && *e != '\t')
        e++;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", project);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    snprintf(out, cap, "%.2048s/%.*s", dir, (int)(e - t), t);
    free(p);
    return 1;
}

/* A suite's records and how to code them. */
typedef struct suite_files {
    const char *kind;   /* "TABARI", "PETRARCH" or "khaldun" */
    char text[4096];    /* the file of records to code */
    char *peer_options; /* a TABARI project's .options text, or NULL; the caller frees it */
} suite_files;

/* Finds what path names (a TABARI project or its folder, a PETRARCH .xml
 * or its folder, a khaldun .jsonl gold file; is_dir when a folder), reads
 * its expectations into *s, and sets the suite's dictionaries in *models
 * and its input format in *in. Dies when path is none of these. */
static void load_suite(const char *path, int is_dir, suite *s, suite_files *sf, cli_models *models,
                       cli_input *in)
{
    char file[4096];
    if ((is_dir && find_in(path, ".project", "Validate", file, sizeof file)) ||
        (is_dir && find_in(path, ".project", NULL, file, sizeof file)) ||
        ends_with(path, ".project")) {
        if (!is_dir)
            snprintf(file, sizeof file, "%s", path);
        sf->kind = "TABARI";
        models->dict_format = KH_DICT_TABARI;
        models->dict_paths[models->n_dict_paths++] = strdup(file);
        if (!project_file(file, "<textfile>", sf->text, sizeof sf->text))
            fatal("%s: no <textfile> in the project", file);
        /* The project's .options: the settings TABARI codes the suite with. */
        char optf[4096];
        struct stat ost;
        if (project_file(file, "<optionsfile>", optf, sizeof optf) && stat(optf, &ost) == 0) {
            size_t olen;
            sf->peer_options = slurp(optf, &olen);
        }
        in->read.format = KH_INPUT_TABARI;
        size_t len;
        char *t = slurp(sf->text, &len);
        tabari_expect(s, t, len);
        free(t);
    } else if ((is_dir && find_in(path, ".xml", "PETR", sf->text, sizeof sf->text)) ||
               ends_with(path, ".xml")) {
        if (!is_dir)
            snprintf(sf->text, sizeof sf->text, "%s", path);
        sf->kind = "PETRARCH";
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", sf->text);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        else
            snprintf(dir, sizeof dir, ".");
        models->dict_format = KH_DICT_PETRARCH;
        const char *kinds[] = {"verbs", "actors", "agents", "discards"};
        for (size_t k = 0; k < 4; k++)
            if (find_in(dir, ".txt", kinds[k], file, sizeof file))
                models->dict_paths[models->n_dict_paths++] = strdup(file);
        in->read.format = KH_INPUT_PETRARCH;
        size_t len;
        char *t = slurp(sf->text, &len);
        petrarch_expect(s, t, len);
        free(t);
    } else if (ends_with(path, ".jsonl")) {
        sf->kind = "khaldun";
        snprintf(sf->text, sizeof sf->text, "%s", path);
        in->read.format = KH_INPUT_JSONL;
        size_t len;
        char *t = slurp(sf->text, &len);
        gold_expect(s, t, len);
        free(t);
    } else {
        fatal("%s: not a TABARI or PETRARCH suite, nor a khaldun .jsonl gold file", path);
    }
}

int cmd_eval(int argc, char **argv)
{
    int verbose = 0;
    double min_strict = -1;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: %s\n\nRuns a validation suite (TABARI, PETRARCH, or khaldun JSON Lines gold)\n"
                   "and prints each failing record, then strict and lenient pass rates.\n"
                   "  --verbose          print passing records too\n"
                   "  --min-strict PCT   exit 1 when the strict pass rate is below PCT\n", eval_usage);
            return EXIT_OK;
        } else if (!strcmp(a, "--gold")) {
            return cmd_eval_gold(argc, argv);
        } else if (!strcmp(a, "--conflibert")) {
            return cmd_eval_conflibert(argc, argv);
        } else if (!strcmp(a, "--pos")) {
            return cmd_eval_pos(argc, argv, i + 1 < argc ? argv[i + 1] : NULL);
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            verbose = 1;
        } else if (!strcmp(a, "--min-strict")) {
            if (++i >= argc)
                usage_error(eval_usage, "--min-strict needs a percentage");
            min_strict = atof(argv[i]);
        } else if (a[0] == '-' && a[1]) {
            usage_error(eval_usage, "unknown option '%s'", a);
        } else {
            path = a;
        }
    }
    if (!path)
        usage_error(eval_usage, "no suite given");
    struct stat stt;
    if (stat(path, &stt) != 0)
        fatal("%s: no such file or directory", path);
    cli_models models;
    cli_models_init(&models);
    cli_input in;
    cli_input_init(&in);
    in.diag.quiet_warnings = 1;
    suite s;
    memset(&s, 0, sizeof s);
    suite_files sf;
    memset(&sf, 0, sizeof sf);
    load_suite(path, S_ISDIR(stt.st_mode), &s, &sf, &models, &in);
    cli_models_load(&models);
    kh_code_options opt;
    memset(&opt, 0, sizeof opt);
    opt.dict = models.dict;
    opt.lexicon = models.lexicon;
    opt.peer_options = sf.peer_options;
    run r;
    memset(&r, 0, sizeof r);
    r.s = &s;
    r.verbose = verbose;
    kh_status st = kh_coder_new(&opt, &r.coder);
    free(sf.peer_options);
    if (st)
        fatal("%s", kh_strerror(st));
    char *files[1] = {sf.text};
    st = cli_input_run(&in, 1, files, on_story, &r);
    kh_coder_free(r.coder);
    cli_models_free(&models);
    if (st)
        fatal("%s", kh_strerror(st));
    size_t not_found = 0;
    for (size_t i = 0; i < s.n; i++)
        if (s.recs[i].counted && !s.recs[i].seen)
            not_found++;
    double sp = r.counted ? 100.0 * (double)r.strict / (double)r.counted : 0;
    double lp = r.counted ? 100.0 * (double)r.lenient / (double)r.counted : 0;
    printf("%s suite %s: %zu records counted (%zu not read), strict %zu/%zu = %.1f%%, lenient %zu/%zu = %.1f%%\n",
           sf.kind, path, r.counted, not_found, r.strict, r.counted, sp, r.lenient, r.counted, lp);
    free(s.recs);
    for (size_t i = 0; i < models.n_dict_paths; i++)
        free((char *)models.dict_paths[i]);
    if (min_strict >= 0 && sp < min_strict) {
        fprintf(stderr, "khaldun: strict pass rate %.1f%% is below the floor %.1f%%\n", sp, min_strict);
        return EXIT_REJECTED;
    }
    return EXIT_OK;
}
