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

int cmd_eval_pos(int argc, char **argv, const char *conllu)
{
    const char *lexpath = NULL;
    unsigned flags = 0;
    long n_errors = 15, n_show = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            eval_pos_help();
            return EXIT_OK;
        } else if (!strcmp(a, "--pos") && i + 1 < argc) {
            i++; /* the caller passed it as `conllu` */
        } else if (!strcmp(a, "--lexicon") && i + 1 < argc) {
            lexpath = argv[++i];
        } else if (!strcmp(a, "--rules")) {
            flags |= KH_TAG_RULES_ONLY;
        } else if (!strcmp(a, "--errors") && i + 1 < argc) {
            n_errors = strtol(argv[++i], NULL, 10);
        } else if (!strcmp(a, "--show") && i + 1 < argc) {
            n_show = strtol(argv[++i], NULL, 10);
        } else {
            usage_error(eval_pos_usage, "unknown option '%s'", a);
        }
    }
    if (!conllu)
        usage_error(eval_pos_usage, "eval --pos needs a CoNLL-U file");
    if (!lexpath && !(lexpath = cli_data_path("lexicon.img")))
        cli_data_missing("lexicon image", "lexicon.img", "--lexicon FILE");
    kh_lexicon *lex = NULL;
    kh_error err;
    memset(&err, 0, sizeof err);
    if (kh_lexicon_load(lexpath, NULL, &lex, &err))
        fatal("%s", err.message);

    size_t len;
    char *text = slurp(conllu, &len);
    /* Gold tokens and sentence starts. */
    size_t cap = 65536, n = 0, scap = 4096, ns = 0;
    gold_tok *g = malloc(cap * sizeof *g);
    size_t *sent = malloc((scap + 1) * sizeof *sent);
    if (!g || !sent)
        fatal("out of memory");
    sent[0] = 0;
    size_t pos = 0, lineno = 0;
    while (pos <= len) {
        char *line = text + pos;
        char *nl = memchr(line, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - line) : len - pos;
        pos += ll + 1;
        lineno++;
        if (ll && line[ll - 1] == '\r')
            ll--;
        if (ll == 0) {
            if (n > sent[ns]) {
                if (++ns == scap) {
                    scap *= 2;
                    size_t *grown = realloc(sent, (scap + 1) * sizeof *sent);
                    if (!grown)
                        fatal("out of memory");
                    sent = grown;
                }
                sent[ns] = n;
            }
            if (!nl)
                break;
            continue;
        }
        if (line[0] == '#')
            continue;
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
            continue;
        uint8_t u;
        if (!parse_upos(fld[3], fl[3], &u))
            fatal("%s:%zu: unknown UPOS", conllu, lineno);
        if (n == cap) {
            cap *= 2;
            gold_tok *grown = realloc(g, cap * sizeof *g);
            if (!grown)
                fatal("out of memory");
            g = grown;
        }
        g[n].form = (size_t)(fld[1] - text);
        g[n].form_len = fl[1];
        g[n].lemma = (size_t)(fld[2] - text);
        g[n].lemma_len = fl[2];
        g[n].upos = u;
        n++;
    }
    if (n > sent[ns])
        sent[++ns] = n;
    if (n == 0)
        fatal("%s: no tokens", conllu);

    kh_token *toks = calloc(n, sizeof *toks);
    uint8_t *upos = calloc(n, 1);
    const char **lemma = calloc(n, sizeof *lemma);
    if (!toks || !upos || !lemma)
        fatal("out of memory");
    for (size_t s = 0; s < ns; s++)
        for (size_t i = sent[s]; i < sent[s + 1]; i++) {
            toks[i].off = (uint32_t)g[i].form;
            toks[i].len = (uint32_t)g[i].form_len;
            toks[i].norm = text + g[i].form;
            toks[i].norm_len = (uint32_t)g[i].form_len;
            toks[i].flags = tok_flags(text + g[i].form, g[i].form_len, i == sent[s]);
        }

    kh_scratch *scratch = NULL;
    if (kh_scratch_new(NULL, NULL, &scratch) != KH_OK)
        fatal("out of memory");
    /* One pass for accuracy (lemmas copied before the arena is reset)... */
    size_t ok_upos = 0, ok_lemma = 0;
    size_t gold_n[KH_UPOS_COUNT] = {0}, pred_n[KH_UPOS_COUNT] = {0}, hit[KH_UPOS_COUNT] = {0};
    size_t lem_n[KH_UPOS_COUNT] = {0}, lem_hit[KH_UPOS_COUNT] = {0};
    size_t (*conf)[KH_UPOS_COUNT] = calloc(KH_UPOS_COUNT, sizeof *conf);
    if (!conf)
        fatal("out of memory");
    long shown = 0;
    for (size_t s = 0; s < ns; s++) {
        size_t a = sent[s], m = sent[s + 1] - a;
        kh_status st = kh_tag_tokens(lex, scratch, text, toks + a, m, KH_UNIT_BODY, flags,
                                          upos + a, lemma + a);
        if (st)
            fatal("tagging: %s", kh_strerror(st));
        for (size_t i = a; i < a + m; i++) {
            uint8_t gu = g[i].upos, pu = upos[i];
            gold_n[gu]++;
            pred_n[pu < KH_UPOS_COUNT ? pu : 0]++;
            if (gu == pu) {
                ok_upos++;
                hit[gu]++;
            } else {
                conf[gu][pu < KH_UPOS_COUNT ? pu : 0]++;
                if (shown < n_show) {
                    shown++;
                    printf("  %-5s->%-5s %.*s  |", kh_upos_name((kh_upos)gu),
                           kh_upos_name((kh_upos)pu), (int)g[i].form_len, text + g[i].form);
                    for (size_t j = a; j < a + m; j++)
                        printf(j == i ? " [%.*s]" : " %.*s", (int)g[j].form_len, text + g[j].form);
                    printf("\n");
                }
            }
            size_t pl = strlen(lemma[i]);
            lem_n[gu]++;
            if (pl == g[i].lemma_len && !strncasecmp(lemma[i], text + g[i].lemma, pl)) {
                ok_lemma++;
                lem_hit[gu]++;
            }
        }
    }
    /* ... then timed passes for speed. */
    size_t tagged = 0;
    double t0 = now_s(), t1 = t0;
    while (t1 - t0 < 0.5) {
        for (size_t s = 0; s < ns; s++) {
            kh_tag_tokens(lex, scratch, text, toks + sent[s], sent[s + 1] - sent[s],
                               KH_UNIT_BODY, flags, upos + sent[s], lemma + sent[s]);
        }
        tagged += n;
        t1 = now_s();
    }

    printf("eval --pos %s\n", conllu);
    printf("  lexicon    %s (%s)\n", lexpath,
           (flags & KH_TAG_RULES_ONLY) ? "rules forced" : "as built");
    printf("  sentences  %zu\n  tokens     %zu\n", ns, n);
    printf("  UPOS accuracy   %.2f%% (%zu/%zu)\n", 100.0 * (double)ok_upos / (double)n, ok_upos, n);
    printf("  lemma accuracy  %.2f%% (%zu/%zu)\n", 100.0 * (double)ok_lemma / (double)n, ok_lemma,
           n);
    printf("  speed           %.0f tokens/s (%zu tokens tagged in %.2f s)\n",
           (double)tagged / (t1 - t0), tagged, t1 - t0);
    printf("\n  tag      gold   pred  recall  precision  lemma\n");
    for (int u = 0; u < KH_UPOS_COUNT; u++) {
        if (!gold_n[u] && !pred_n[u])
            continue;
        printf("  %-6s %6zu %6zu  %6.2f  %9.2f  %5.2f\n", kh_upos_name((kh_upos)u), gold_n[u],
               pred_n[u], gold_n[u] ? 100.0 * (double)hit[u] / (double)gold_n[u] : 0.0,
               pred_n[u] ? 100.0 * (double)hit[u] / (double)pred_n[u] : 0.0,
               lem_n[u] ? 100.0 * (double)lem_hit[u] / (double)lem_n[u] : 0.0);
    }
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
    kh_scratch_free(scratch);
    free(conf);
    free(toks);
    free(upos);
    free(lemma);
    free(g);
    free(sent);
    free(text);
    kh_lexicon_free(lex);
    return EXIT_OK;
}
