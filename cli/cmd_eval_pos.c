/*
 * cmd_eval_pos.c: `khaldun eval --pos FILE.conllu`: measures the tagging
 * stage against gold Universal Dependencies data. Each gold sentence's FORM
 * column becomes a token array (norm = form, the way the tokenizer would
 * hand it over) and goes through the tagger; UPOS and lemma accuracy
 * (lemmas compared case-insensitively) are printed overall and per tag, with
 * the most frequent confusions and the tagging speed.
 *
 * Tags through the public kh_tag_tokens on the gold tokenisation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"

static const char eval_pos_usage[] =
    "khaldun eval --pos FILE.conllu [--lexicon FILE] [--rules] [--errors N] [--headline]";

static void eval_pos_help(void)
{
    printf("usage: %s\n\n"
           "Tags the gold sentences of a CoNLL-U file and prints UPOS and lemma\n"
           "accuracy, overall and per tag, the most frequent confusions, and speed.\n\n"
           "options:\n"
           "  --lexicon FILE  the lexicon image (default: the installed lexicon.img)\n"
           "  --rules         use the rule-based tagger even if the image has a model\n"
           "  --errors N      how many confusions to list (default 15)\n"
           "  --show N        print the first N mis-tagged tokens in context\n",
           eval_pos_usage);
}

typedef struct gold_tok {
    size_t form;    /* offset in text */
    size_t form_len;
    size_t lemma;
    size_t lemma_len;
    uint8_t upos;
} gold_tok;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_upos(const char *s, size_t n, uint8_t *out)
{
    for (int u = 0; u < KH_UPOS_COUNT; u++) {
        const char *name = kh_upos_name((kh_upos)u);
        if (strlen(name) == n && !memcmp(name, s, n)) {
            *out = (uint8_t)u;
            return 1;
        }
    }
    return 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fatal("%s: %s", path, strerror(errno));
    size_t cap = 1 << 20, n = 0, got;
    char *buf = malloc(cap + 1);
    if (!buf)
        fatal("out of memory");
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb)
                fatal("out of memory");
            buf = nb;
        }
    }
    if (ferror(f))
        fatal("%s: read error", path);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static uint32_t tok_flags(const char *s, size_t n, int first)
{
    uint32_t f = first ? KH_TOK_SENT_START : 0;
    size_t letters = 0, upper = 0, digits = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80)
            letters++;
        if (c >= 'A' && c <= 'Z')
            upper++;
        if (c >= '0' && c <= '9')
            digits++;
    }
    if (letters)
        f |= KH_TOK_WORD;
    else if (digits)
        f |= KH_TOK_NUMBER;
    else
        f |= KH_TOK_PUNCT;
    if (n && s[0] >= 'A' && s[0] <= 'Z')
        f |= KH_TOK_CAP;
    if (letters && upper == letters)
        f |= KH_TOK_UPPER;
    return f;
}

/* The gold data: the file's text, its tokens (offsets into text) and
 * where each sentence starts (sent[ns] == n). */
typedef struct gold_set {
    char *text;
    size_t len;
    gold_tok *g;
    size_t n, cap;
    size_t *sent;
    size_t ns, scap;
} gold_set;

/* Ends the sentence being read, if it has tokens. */
static void gold_sentence_end(gold_set *gs)
{
    if (gs->n > gs->sent[gs->ns]) {
        if (++gs->ns == gs->scap) {
            gs->scap *= 2;
            size_t *grown = realloc(gs->sent, (gs->scap + 1) * sizeof *gs->sent);
            if (!grown)
                fatal("out of memory");
            gs->sent = grown;
        }
        gs->sent[gs->ns] = gs->n;
    }
}

/* One token line (ll bytes, no newline): ID FORM LEMMA UPOS ...; multiword
 * ranges (1-2) and empty nodes (1.1) are skipped. */
static void gold_token_line(gold_set *gs, char *line, size_t ll, const char *conllu,
                            size_t lineno)
{
    char *fld[5];
    size_t fl[5], k = 0, s = 0;
    for (size_t i = 0; i <= ll && k < 5; i++)
        if (i == ll || line[i] == '\t') {
            fld[k] = line + s;
            fl[k] = i - s;
            k++;
            s = i + 1;
        }
    if (k < 4)
        fatal("%s:%zu: not a CoNLL-U token line", conllu, lineno);
    if (memchr(fld[0], '-', fl[0]) || memchr(fld[0], '.', fl[0]))
        return;
    uint8_t u;
    if (!parse_upos(fld[3], fl[3], &u))
        fatal("%s:%zu: unknown UPOS", conllu, lineno);
    if (gs->n == gs->cap) {
        gs->cap *= 2;
        gold_tok *grown = realloc(gs->g, gs->cap * sizeof *gs->g);
        if (!grown)
            fatal("out of memory");
        gs->g = grown;
    }
    gold_tok *t = &gs->g[gs->n++];
    t->form = (size_t)(fld[1] - gs->text);
    t->form_len = fl[1];
    t->lemma = (size_t)(fld[2] - gs->text);
    t->lemma_len = fl[2];
    t->upos = u;
}

/* Reads the CoNLL-U file: gold tokens and sentence starts (a blank line
 * ends a sentence, # lines are comments). Dies on a malformed file. */
static void read_gold(const char *conllu, gold_set *gs)
{
    gs->text = slurp(conllu, &gs->len);
    gs->cap = 65536;
    gs->n = 0;
    gs->scap = 4096;
    gs->ns = 0;
    gs->g = malloc(gs->cap * sizeof *gs->g);
    gs->sent = malloc((gs->scap + 1) * sizeof *gs->sent);
    if (!gs->g || !gs->sent)
        fatal("out of memory");
    gs->sent[0] = 0;
    size_t pos = 0, lineno = 0, len = gs->len;
    while (pos <= len) {
        char *line = gs->text + pos;
        char *nl = memchr(line, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - line) : len - pos;
        pos += ll + 1;
        lineno++;
        if (ll && line[ll - 1] == '\r')
            ll--;
        if (ll == 0) {
            gold_sentence_end(gs);
            if (!nl)
                break;
            continue;
        }
        if (line[0] == '#')
            continue;
        gold_token_line(gs, line, ll, conllu, lineno);
    }
    if (gs->n > gs->sent[gs->ns])
        gs->sent[++gs->ns] = gs->n;
    if (gs->n == 0)
        fatal("%s: no tokens", conllu);
}

/* The gold tokens as the tokenizer would hand them over (norm = form). */
static kh_token *gold_tokens(const gold_set *gs)
{
    kh_token *toks = calloc(gs->n, sizeof *toks);
    if (!toks)
        return NULL;
    for (size_t s = 0; s < gs->ns; s++)
        for (size_t i = gs->sent[s]; i < gs->sent[s + 1]; i++) {
            const gold_tok *g = &gs->g[i];
            toks[i].off = (uint32_t)g->form;
            toks[i].len = (uint32_t)g->form_len;
            toks[i].norm = gs->text + g->form;
            toks[i].norm_len = (uint32_t)g->form_len;
            toks[i].flags = tok_flags(gs->text + g->form, g->form_len, i == gs->sent[s]);
        }
    return toks;
}

/* Counts of the accuracy pass, per gold tag; conf[gold][tagged]. */
typedef struct pos_score {
    size_t ok_upos, ok_lemma;
    size_t gold_n[KH_UPOS_COUNT], pred_n[KH_UPOS_COUNT], hit[KH_UPOS_COUNT];
    size_t lem_n[KH_UPOS_COUNT], lem_hit[KH_UPOS_COUNT];
    size_t (*conf)[KH_UPOS_COUNT];
} pos_score;

/* Prints mis-tagged token i in its sentence [a, a + m), marked [so]. */
static void show_error(const gold_set *gs, size_t i, size_t a, size_t m, uint8_t gu, uint8_t pu)
{
    const gold_tok *g = gs->g;
    printf("  %-5s->%-5s %.*s  |", kh_upos_name((kh_upos)gu), kh_upos_name((kh_upos)pu),
           (int)g[i].form_len, gs->text + g[i].form);
    for (size_t j = a; j < a + m; j++)
        printf(j == i ? " [%.*s]" : " %.*s", (int)g[j].form_len, gs->text + g[j].form);
    printf("\n");
}

/* Scores token i against its gold tag and lemma (case-insensitive);
 * shows it while *shown < n_show when mis-tagged. */
static void score_token(const gold_set *gs, size_t i, size_t a, size_t m, uint8_t pu,
                        const char *lemma, pos_score *sc, long n_show, long *shown)
{
    const gold_tok *g = &gs->g[i];
    uint8_t gu = g->upos;
    sc->gold_n[gu]++;
    sc->pred_n[pu < KH_UPOS_COUNT ? pu : 0]++;
    if (gu == pu) {
        sc->ok_upos++;
        sc->hit[gu]++;
    } else {
        sc->conf[gu][pu < KH_UPOS_COUNT ? pu : 0]++;
        if (*shown < n_show) {
            (*shown)++;
            show_error(gs, i, a, m, gu, pu);
        }
    }
    size_t pl = strlen(lemma);
    sc->lem_n[gu]++;
    if (pl == g->lemma_len && !strncasecmp(lemma, gs->text + g->lemma, pl)) {
        sc->ok_lemma++;
        sc->lem_hit[gu]++;
    }
}

/* Options of `eval --pos`. */
typedef struct pos_opts {
    const char *lexpath;
    unsigned flags;  /* kh_tag_tokens flags */
    long n_errors;   /* confusions to list */
    long n_show;     /* mis-tagged tokens to print */
} pos_opts;

/* Tags every sentence once, scoring each token (lemmas are compared
 * before the scratch arena is reused). */
static void accuracy_pass(const kh_lexicon *lex, kh_scratch *scratch, const gold_set *gs,
                          kh_token *toks, const pos_opts *o, uint8_t *upos, const char **lemma,
                          pos_score *sc)
{
    long shown = 0;
    for (size_t s = 0; s < gs->ns; s++) {
        size_t a = gs->sent[s], m = gs->sent[s + 1] - a;
        kh_status st = kh_tag_tokens(lex, scratch, gs->text, toks + a, m, KH_UNIT_BODY, o->flags,
                                     upos + a, lemma + a);
        if (st)
            fatal("tagging: %s", kh_strerror(st));
        for (size_t i = a; i < a + m; i++)
            score_token(gs, i, a, m, upos[i], lemma[i], sc, o->n_show, &shown);
    }
}

/* Tags the whole set again and again for at least half a second. Returns
 * the tokens tagged; *secs the time taken. */
static size_t timed_passes(const kh_lexicon *lex, kh_scratch *scratch, const gold_set *gs,
                           kh_token *toks, unsigned flags, uint8_t *upos, const char **lemma,
                           double *secs)
{
    size_t tagged = 0;
    double t0 = now_s(), t1 = t0;
    while (t1 - t0 < 0.5) {
        for (size_t s = 0; s < gs->ns; s++) {
            kh_tag_tokens(lex, scratch, gs->text, toks + gs->sent[s], gs->sent[s + 1] - gs->sent[s],
                          KH_UNIT_BODY, flags, upos + gs->sent[s], lemma + gs->sent[s]);
        }
        tagged += gs->n;
        t1 = now_s();
    }
    *secs = t1 - t0;
    return tagged;
}

/* The report: totals, speed, and recall, precision and lemma accuracy
 * per tag. */
static void print_scores(const char *conllu, const pos_opts *o, const gold_set *gs,
                         const pos_score *sc, size_t tagged, double secs)
{
    size_t n = gs->n;
    printf("eval --pos %s\n", conllu);
    printf("  lexicon    %s (%s)\n", o->lexpath,
           (o->flags & KH_TAG_RULES_ONLY) ? "rules forced" : "as built");
    printf("  sentences  %zu\n  tokens     %zu\n", gs->ns, n);
    printf("  UPOS accuracy   %.2f%% (%zu/%zu)\n", 100.0 * (double)sc->ok_upos / (double)n,
           sc->ok_upos, n);
    printf("  lemma accuracy  %.2f%% (%zu/%zu)\n", 100.0 * (double)sc->ok_lemma / (double)n,
           sc->ok_lemma, n);
    printf("  speed           %.0f tokens/s (%zu tokens tagged in %.2f s)\n",
           (double)tagged / secs, tagged, secs);
    printf("\n  tag      gold   pred  recall  precision  lemma\n");
    for (int u = 0; u < KH_UPOS_COUNT; u++) {
        size_t gn = sc->gold_n[u], pn = sc->pred_n[u];
        if (!gn && !pn)
            continue;
        printf("  %-6s %6zu %6zu  %6.2f  %9.2f  %5.2f\n", kh_upos_name((kh_upos)u), gn, pn,
               gn ? 100.0 * (double)sc->hit[u] / (double)gn : 0.0,
               pn ? 100.0 * (double)sc->hit[u] / (double)pn : 0.0,
               sc->lem_n[u] ? 100.0 * (double)sc->lem_hit[u] / (double)sc->lem_n[u] : 0.0);
    }
}

/* The n_errors most frequent confusions, most frequent first (consumes
 * conf). */
static void print_confusions(size_t (*conf)[KH_UPOS_COUNT], long n_errors)
{
    printf("\n  top confusions (gold -> tagged)\n");
    for (long k = 0; k < n_errors; k++) {
        size_t best = 0;
        int bg = -1, bp = -1;
        for (int a = 0; a < KH_UPOS_COUNT; a++)
            for (int b = 0; b < KH_UPOS_COUNT; b++)
                if (conf[a][b] > best) {
                    best = conf[a][b];
                    bg = a;
                    bp = b;
                }
        if (bg < 0)
            break;
        printf("  %-6s -> %-6s %5zu\n", kh_upos_name((kh_upos)bg), kh_upos_name((kh_upos)bp),
               best);
        conf[bg][bp] = 0;
    }
}

/* Reads the options into o. Returns 0 when --help was printed. */
static int pos_args(int argc, char **argv, pos_opts *o)
{
    o->lexpath = NULL;
    o->flags = 0;
    o->n_errors = 15;
    o->n_show = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            eval_pos_help();
            return 0;
        } else if (!strcmp(a, "--pos") && i + 1 < argc) {
            i++; /* the caller passed it as `conllu` */
        } else if (!strcmp(a, "--lexicon") && i + 1 < argc) {
            o->lexpath = argv[++i];
        } else if (!strcmp(a, "--rules")) {
            o->flags |= KH_TAG_RULES_ONLY;
        } else if (!strcmp(a, "--errors") && i + 1 < argc) {
            o->n_errors = strtol(argv[++i], NULL, 10);
        } else if (!strcmp(a, "--show") && i + 1 < argc) {
            o->n_show = strtol(argv[++i], NULL, 10);
        } else {
            usage_error(eval_pos_usage, "unknown option '%s'", a);
        }
    }
    return 1;
}

int cmd_eval_pos(int argc, char **argv, const char *conllu)
{
    pos_opts o;
    if (!pos_args(argc, argv, &o))
        return EXIT_OK;
    if (!conllu)
        usage_error(eval_pos_usage, "eval --pos needs a CoNLL-U file");
    if (!o.lexpath && !(o.lexpath = cli_data_path("lexicon.img")))
        cli_data_missing("lexicon image", "lexicon.img", "--lexicon FILE");
    kh_lexicon *lex = NULL;
    kh_error err;
    memset(&err, 0, sizeof err);
    if (kh_lexicon_load(o.lexpath, NULL, &lex, &err))
        fatal("%s", err.message);

    gold_set gs;
    read_gold(conllu, &gs);
    kh_token *toks = gold_tokens(&gs);
    uint8_t *upos = calloc(gs.n, 1);
    const char **lemma = calloc(gs.n, sizeof *lemma);
    if (!toks || !upos || !lemma)
        fatal("out of memory");

    kh_scratch *scratch = NULL;
    if (kh_scratch_new(NULL, NULL, &scratch) != KH_OK)
        fatal("out of memory");
    /* One pass for accuracy, then timed passes for speed. */
    pos_score sc;
    memset(&sc, 0, sizeof sc);
    sc.conf = calloc(KH_UPOS_COUNT, sizeof *sc.conf);
    if (!sc.conf)
        fatal("out of memory");
    accuracy_pass(lex, scratch, &gs, toks, &o, upos, lemma, &sc);
    double secs;
    size_t tagged = timed_passes(lex, scratch, &gs, toks, o.flags, upos, lemma, &secs);

    print_scores(conllu, &o, &gs, &sc, tagged, secs);
    print_confusions(sc.conf, o.n_errors);
    kh_scratch_free(scratch);
    free(sc.conf);
    free(toks);
    free(upos);
    free(lemma);
    free(gs.g);
    free(gs.sent);
    free(gs.text);
    kh_lexicon_free(lex);
    return EXIT_OK;
}
