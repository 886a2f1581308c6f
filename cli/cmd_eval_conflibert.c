/*
 * cmd_eval_conflibert.c: `khaldun eval --conflibert DIR`: scores the coder
 * on the ConfliBERT CAMEO development set (../shared/corpora/
 * conflibert-cameo-dev), as DIR/README.md defines the figures:
 *
 *   - each line of penta.tsv (SENTENCE<TAB>CLASS) is coded as its own story
 *     (kh_story_from_text: one body paragraph, no date) with the default
 *     images, or --dict/--lexicon;
 *   - coverage: share of sentences with at least one event;
 *   - penta accuracy: the class of the FIRST event khaldun emits (roots
 *     01-02 -> 0, 03-05 -> 1, 06-08 -> 2, 09-13 -> 3, 14-20 -> 4) against
 *     CLASS, over all sentences and over the coded ones;
 *   - span agreement: spans.bio holds the same sentences, one token a line
 *     with B-S/I-S (source), B-T/I-T (target) or O, a blank line between
 *     sentences. Its tokens are matched, in order, to byte offsets in the
 *     sentence. Among sentences with a marked source, the share where some
 *     event's source span shares a content word with the marked source and,
 *     when a target is marked, that same event's target span shares one
 *     with the marked target. Words are runs of letters and digits (and
 *     non-ASCII bytes), lower-cased; "the", "of", "and", "a", "s" do not
 *     count.
 *
 * The sentences are read and coded, never printed: the set is for measuring
 * only (its README). --verbose prints one line per sentence with its line
 * number and the classes, not its text.
 */
#include <stdlib.h>
#include <string.h>

#include "eval_gold.h"

static const char conflibert_usage[] =
    "khaldun eval --conflibert DIR [--verbose] [--min-coverage PCT] [--min-penta PCT]\n"
    "             [--min-penta-coded PCT] [--min-spans PCT] [--case MODE] [--dict FILE]\n"
    "             [--lexicon FILE]";

typedef struct cb_text {
    char *data;
    size_t len;
} cb_text;

static cb_text cb_slurp(const char *dir, const char *name)
{
    size_t need = strlen(dir) + strlen(name) + 2;
    char *path = malloc(need);
    if (!path)
        fatal("out of memory");
    snprintf(path, need, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fatal("%s: cannot open", path);
    cb_text t = {NULL, 0};
    size_t cap = 1 << 16, k;
    t.data = malloc(cap + 1);
    while (t.data && (k = fread(t.data + t.len, 1, cap - t.len, f)) > 0) {
        t.len += k;
        if (t.len == cap) {
            cap *= 2;
            char *grown = realloc(t.data, cap + 1);
            if (!grown)
                free(t.data);
            t.data = grown;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (!t.data)
        fatal("out of memory");
    if (err)
        fatal("%s: read error", path);
    free(path);
    t.data[t.len] = '\0';
    return t;
}

/* Byte ranges of the marked source or target words of one sentence. */
#define MAX_MARKS 64
typedef struct marks {
    kh_span s[MAX_MARKS], t[MAX_MARKS];
    size_t ns, nt;
} marks;

static int word_byte(unsigned char ch)
{
    return ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9');
}

static int stop_word(const char *w, size_t n)
{
    static const char *const stop[] = {"the", "of", "and", "a", "s"};
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
        if (strlen(stop[i]) == n && !memcmp(stop[i], w, n))
            return 1;
    return 0;
}

/* The next content word of text[*pos..end), lower-cased into w (cap 64);
 * returns its length, 0 when there is none. */
static size_t next_word(const char *text, size_t *pos, size_t end, char *w)
{
    while (*pos < end) {
        while (*pos < end && !word_byte((unsigned char)text[*pos]))
            (*pos)++;
        size_t st = *pos;
        while (*pos < end && word_byte((unsigned char)text[*pos]))
            (*pos)++;
        size_t n = *pos - st;
        if (!n)
            break;
        if (n > 63)
            n = 63;
        for (size_t k = 0; k < n; k++) {
            char ch = text[st + k];
            w[k] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
        }
        w[n] = '\0';
        if (!stop_word(w, n))
            return n;
    }
    return 0;
}

/* 1 when the span text[sp] shares a content word with any of marks[0..n). */
static int shares_word(const char *text, kh_span sp, const kh_span *m, size_t n)
{
    char a[64], b[64];
    size_t pa = sp.off, la;
    while ((la = next_word(text, &pa, sp.off + sp.len, a)) > 0)
        for (size_t i = 0; i < n; i++) {
            size_t pb = m[i].off, lb;
            while ((lb = next_word(text, &pb, m[i].off + m[i].len, b)) > 0)
                if (la == lb && !memcmp(a, b, la))
                    return 1;
        }
    return 0;
}

static int penta_class(const char *code)
{
    if (!code || code[0] < '0' || code[0] > '2' || code[1] < '0' || code[1] > '9')
        return -1;
    int r = (code[0] - '0') * 10 + (code[1] - '0');
    return r <= 0 ? -1 : r <= 2 ? 0 : r <= 5 ? 1 : r <= 8 ? 2 : r <= 13 ? 3 : r <= 20 ? 4 : -1;
}

static double cb_pct(const char *v, const char *opt)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || d < 0 || d > 100)
        usage_error(conflibert_usage, "%s wants a percentage from 0 to 100, not '%s'", opt, v);
    return d;
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

static int below(const char *what, size_t a, size_t b, double floor_pct)
{
    if (floor_pct < 0 || 100.0 * ratio(a, b) >= floor_pct)
        return 0;
    warn("conflibert %s %.1f%% is below the floor %.1f%%", what, 100.0 * ratio(a, b), floor_pct);
    return 1;
}

/* The command line. */
typedef struct cb_args {
    const char *dir;
    int verbose;
    int casing; /* EVAL_CASE_*: how each sentence is re-cased before coding */
    double min_cov, min_penta, min_coded, min_spans; /* floors in percent; -1: none */
    cli_models models;
} cb_args;

/* Reads the command line into *a; returns 0 when --help was given and
 * printed. */
static int parse_args(int argc, char **argv, cb_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        int used;
        if (!strcmp(opt, "--conflibert")) {
            if (i + 1 < argc && argv[i + 1][0] != '-')
                a->dir = argv[++i];
        } else if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
            printf("usage: %s\n\n"
                   "Codes each sentence of DIR/penta.tsv (the ConfliBERT CAMEO development set,\n"
                   "$KHALDUN_SHARED/corpora/conflibert-cameo-dev) as its own story and prints\n"
                   "coverage, penta-class accuracy of the first event (overall and among coded\n"
                   "sentences) and source/target span agreement with DIR/spans.bio, as DIR/README.md\n"
                   "defines them. Floors are percentages; below one the exit status is 1.\n\n"
                   "  --verbose              one line per sentence: line, class, first event's class, spans\n"
                   "  --min-coverage PCT     --min-penta PCT (overall)\n"
                   "  --min-penta-coded PCT  --min-spans PCT\n"
                   "  --case MODE            re-case each sentence before coding it: lower, upper,\n"
                   "                         title (headline style) or as-is (the default); the\n"
                   "                         span marks are matched in the sentence as written\n",
                   conflibert_usage);
            return 0;
        } else if (!strcmp(opt, "--verbose") || !strcmp(opt, "-v")) {
            a->verbose = 1;
        } else if (!strcmp(opt, "--case")) {
            if (++i >= argc || (a->casing = eval_case_parse(argv[i])) < 0)
                usage_error(conflibert_usage, "--case wants lower, upper, title or as-is");
        } else if (!strcmp(opt, "--min-coverage") || !strcmp(opt, "--min-penta") ||
                   !strcmp(opt, "--min-penta-coded") || !strcmp(opt, "--min-spans")) {
            if (i + 1 >= argc)
                usage_error(conflibert_usage, "%s needs a percentage", opt);
            double v = cb_pct(argv[++i], opt);
            if (!strcmp(opt, "--min-coverage"))
                a->min_cov = v;
            else if (!strcmp(opt, "--min-penta"))
                a->min_penta = v;
            else if (!strcmp(opt, "--min-penta-coded"))
                a->min_coded = v;
            else
                a->min_spans = v;
        } else if ((used = cli_models_option(&a->models, argc, argv, i, conflibert_usage)) > 0) {
            i += used - 1;
        } else if (opt[0] == '-' && opt[1]) {
            usage_error(conflibert_usage, "unknown option '%s'", opt);
        } else if (!a->dir) {
            a->dir = opt;
        } else {
            usage_error(conflibert_usage, "one directory only");
        }
    }
    if (!a->dir)
        usage_error(conflibert_usage, "--conflibert needs the data set's directory");
    return 1;
}

/* What was counted over the sentences. */
typedef struct cb_counts {
    size_t n, covered, right, with_source, spans_ok, lost_tokens, bad_lines;
    size_t conf[5][6]; /* [penta class][class of the first event; 5 = none] */
} cb_counts;

/* The marks of the next sentence of spans.bio at *bp (< bend), its tokens
 * matched in order to byte offsets of sent[0..slen); *bp moves past the
 * sentence. Tokens not found in the sentence are counted in *lost_tokens. */
static void read_marks(const char **bp, const char *bend, const char *sent, size_t slen, marks *mk,
                       size_t *lost_tokens)
{
    memset(mk, 0, sizeof *mk);
    size_t cursor = 0;
    while (*bp < bend && (**bp == '\n' || **bp == '\r'))
        (*bp)++;
    while (*bp < bend && **bp != '\n' && **bp != '\r') {
        const char *bl = *bp, *be = memchr(*bp, '\n', (size_t)(bend - *bp));
        if (!be)
            be = bend;
        *bp = be < bend ? be + 1 : be;
        const char *te = be;
        if (te > bl && te[-1] == '\r')
            te--;
        const char *sp = te;
        while (sp > bl && sp[-1] != ' ' && sp[-1] != '\t')
            sp--;
        if (sp == bl)
            continue;
        size_t tl = (size_t)(sp - 1 - bl);
        char kind = 0;
        if (te - sp == 3 && (sp[0] == 'B' || sp[0] == 'I') && sp[1] == '-' &&
            (sp[2] == 'S' || sp[2] == 'T'))
            kind = sp[2];
        /* Find the token from the cursor on. */
        size_t at = slen + 1;
        for (size_t k = cursor; tl && k + tl <= slen; k++)
            if (!memcmp(sent + k, bl, tl)) {
                at = k;
                break;
            }
        if (at > slen) {
            (*lost_tokens)++;
            continue;
        }
        cursor = at + tl;
        if (kind == 'S' && mk->ns < MAX_MARKS)
            mk->s[mk->ns++] = (kh_span){at, tl};
        else if (kind == 'T' && mk->nt < MAX_MARKS)
            mk->t[mk->nt++] = (kh_span){at, tl};
    }
}

/* 1 when some event of ev[0..nev) has a source span sharing a content word
 * with the marked source and, when a target is marked, a target span sharing
 * one with it (mk->ns > 0). */
static int span_agrees(const kh_event *ev, size_t nev, const char *sent, const marks *mk)
{
    int span = 0;
    for (size_t i = 0; i < nev && !span; i++) {
        int s_ok = 0, t_ok = mk->nt == 0;
        for (size_t m = 0; m < ev[i].n_mentions; m++) {
            const kh_mention *mm = &ev[i].mentions[m];
            s_ok |= mm->source.len && shares_word(sent, mm->source, mk->s, mk->ns);
            t_ok |= mm->target.len && shares_word(sent, mm->target, mk->t, mk->nt);
        }
        span = s_ok && t_ok;
    }
    return span;
}

/* Prints the figures and the confusion; returns the exit status (1 on a
 * bad line or below a floor). */
static int report(const cb_args *a, const cb_counts *c)
{
    printf("conflibert %s: %zu sentences%s%s%s", a->dir, c->n, a->casing ? " (" : "",
           eval_case_label(a->casing), a->casing ? ")" : "");
    if (c->lost_tokens)
        printf(" (%zu spans.bio tokens not found in their sentence)", c->lost_tokens);
    printf("\n");
    printf("  coverage           %4zu/%-4zu = %.3f\n", c->covered, c->n, ratio(c->covered, c->n));
    printf("  penta overall      %4zu/%-4zu = %.3f\n", c->right, c->n, ratio(c->right, c->n));
    printf("  penta among coded  %4zu/%-4zu = %.3f\n", c->right, c->covered,
           ratio(c->right, c->covered));
    printf("  spans              %4zu/%-4zu = %.3f  (sentences with a marked source)\n",
           c->spans_ok, c->with_source, ratio(c->spans_ok, c->with_source));
    printf("  penta class (rows) x class of khaldun's first event (columns; - none)\n"
           "  class     0    1    2    3    4    -\n");
    for (int r = 0; r < 5; r++) {
        printf("  %d    ", r);
        for (int k = 0; k < 6; k++)
            printf(" %4zu", c->conf[r][k]);
        printf("\n");
    }
    int rc = c->bad_lines ? EXIT_REJECTED : EXIT_OK;
    if (below("coverage", c->covered, c->n, a->min_cov) |
        below("penta accuracy", c->right, c->n, a->min_penta) |
        below("penta accuracy among coded", c->right, c->covered, a->min_coded) |
        below("span agreement", c->spans_ok, c->with_source, a->min_spans))
        rc = EXIT_REJECTED;
    return rc;
}

int cmd_eval_conflibert(int argc, char **argv)
{
    cb_args a;
    memset(&a, 0, sizeof a);
    a.min_cov = a.min_penta = a.min_coded = a.min_spans = -1;
    cli_models_init(&a.models);
    if (!parse_args(argc, argv, &a))
        return EXIT_OK;
    const char *dir = a.dir;
    cb_text penta = cb_slurp(dir, "penta.tsv");
    cb_text bio = cb_slurp(dir, "spans.bio");
    cli_models_load(&a.models);
    kh_code_options opt;
    memset(&opt, 0, sizeof opt);
    opt.dict = a.models.dict;
    opt.lexicon = a.models.lexicon;
    kh_coder *coder = NULL;
    kh_status st = kh_coder_new(&opt, &coder);
    if (st)
        fatal("%s", kh_strerror(st));

    cb_counts c;
    memset(&c, 0, sizeof c);
    const char *bp = bio.data, *bend = bio.data + bio.len;
    char *recased = NULL; /* the sentence re-cased (--case) */
    size_t lineno = 0;
    for (const char *p = penta.data, *end = penta.data + penta.len; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *line = p;
        p = eol + 1;
        lineno++;
        const char *le = eol;
        if (le > line && le[-1] == '\r')
            le--;
        if (le == line)
            continue;
        const char *tab = le;
        while (tab > line && tab[-1] != '\t')
            tab--;
        if (tab == line || tab + 1 != le || *tab < '0' || *tab > '4') {
            warn("%s/penta.tsv:%zu: not SENTENCE<TAB>CLASS", dir, lineno);
            c.bad_lines++;
            continue;
        }
        int want = *tab - '0';
        size_t slen = (size_t)(tab - 1 - line);
        const char *sent = line;

        /* The sentence's tokens in spans.bio, matched to byte offsets. */
        marks mk;
        read_marks(&bp, bend, sent, slen, &mk, &c.lost_tokens);

        kh_story story;
        kh_unit unit;
        if (a.casing) {
            recased = gold_realloc(recased, slen + 1);
            memcpy(recased, sent, slen);
            eval_case_apply(a.casing, recased, slen);
        }
        kh_story_from_text(&story, &unit, a.casing ? recased : sent, slen);
        const kh_event *ev;
        size_t nev;
        st = kh_coder_code(coder, &story, &ev, &nev);
        if (st)
            fatal("%s/penta.tsv:%zu: %s", dir, lineno, kh_strerror(st));
        c.n++;
        int got = nev ? penta_class(ev[0].code) : -1;
        c.covered += nev > 0;
        c.right += got == want;
        c.conf[want][got < 0 ? 5 : got]++;
        int span = -1;
        if (mk.ns) {
            c.with_source++;
            span = span_agrees(ev, nev, sent, &mk);
            c.spans_ok += (size_t)span;
        }
        if (a.verbose) {
            printf("penta.tsv:%zu class %d khaldun ", lineno, want);
            if (got < 0)
                printf("-");
            else
                printf("%d (%s)", got, ev[0].code);
            printf(" spans %s\n", span < 0 ? "-" : span ? "ok" : "miss");
        }
    }
    kh_coder_free(coder);
    cli_models_free(&a.models);
    free(recased);
    free(penta.data);
    free(bio.data);
    return report(&a, &c);
}
