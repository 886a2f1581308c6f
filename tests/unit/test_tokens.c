/*
 * test_tokens.c: stage 4, the tokenizer, through the library: one-unit
 * kh_story values built by hand, run through kh_analyze, tokens compared by
 * their norms joined with spaces, and their flags and offsets checked.
 * Covers possessives, contractions, compounds, numbers, acronyms and
 * abbreviations, URLs, non-ASCII letters, normalisation with offsets into
 * the original bytes, invalid UTF-8 and NUL, limits, linearity and failing
 * allocations.
 */
#include <time.h>

#include "tokens/tokens.h"
#include "unit.h"

typedef struct tok_fixture {
    kh_unit unit;
    kh_story story;
    kh_scratch *scratch;
    const kh_doc *doc;
    char out[4096];
} tok_fixture;

static kh_status tok_run(tok_fixture *f, const char *text, size_t len, const kh_limits *lim,
                         const kh_allocator *alloc)
{
    memset(f, 0, sizeof *f);
    f->unit.kind = KH_UNIT_BODY;
    f->unit.span.off = 0;
    f->unit.span.len = len;
    f->story.text = text;
    f->story.text_len = len;
    f->story.units = &f->unit;
    f->story.n_units = 1;
    kh_status s = kh_scratch_new(alloc, lim, &f->scratch);
    if (s)
        return s;
    s = kh_analyze(f->scratch, NULL, &f->story, KH_ANALYZE_TOKENS, &f->doc);
    if (s)
        return s;
    size_t o = 0;
    for (size_t i = 0; i < f->doc->n_tokens; i++) {
        const kh_token *t = &f->doc->tokens[i];
        if (o + t->norm_len + 2 >= sizeof f->out)
            break;
        if (i)
            f->out[o++] = ' ';
        memcpy(f->out + o, t->norm, t->norm_len);
        o += t->norm_len;
    }
    f->out[o] = '\0';
    return KH_OK;
}

static void tok_expect(const char *got, const char *want, const char *file, int line)
{
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "    got:  %s\n    want: %s\n", got, want);
        unit_fail(file, line, "tokens differ");
    }
}

#define TOKENS(text, want)                                                    \
    do {                                                                      \
        tok_fixture *f_ = malloc(sizeof *f_);                                 \
        REQUIRE(f_);                                                          \
        CHECK(tok_run(f_, text, strlen(text), NULL, NULL) == KH_OK);          \
        tok_expect(f_->out, want, __FILE__, __LINE__);                        \
        kh_scratch_free(f_->scratch);                                         \
        free(f_);                                                             \
    } while (0)

/* Runs text into *f (caller frees f->scratch). */
#define RUN(f, text) REQUIRE(tok_run(f, text, sizeof(text) - 1, NULL, NULL) == KH_OK)

TEST(tokens_possessives)
{
    TOKENS("Iran's Iran\xe2\x80\x99s countries\xe2\x80\x99 talks James' car",
           "Iran 's Iran 's countries ' talks James ' car");
    tok_fixture *f = malloc(sizeof *f);
    REQUIRE(f);
    RUN(f, "Iran\xe2\x80\x99s nuclear");
    REQUIRE(f->doc->n_tokens == 3);
    const kh_token *t = &f->doc->tokens[1];
    CHECK_EQ_INT(t->off, 4);
    CHECK_EQ_INT(t->len, 4);
    CHECK(!memcmp(f->story.text + t->off, "\xe2\x80\x99", 3));
    CHECK(t->norm_len == 2 && !memcmp(t->norm, "'s", 2));
    CHECK(t->flags & KH_TOK_POSSESSIVE);
    CHECK(t->flags & KH_TOK_NORMALISED);
    /* the norm was built elsewhere, not in the text */
    CHECK(t->norm < f->story.text || t->norm >= f->story.text + f->story.text_len);
    /* an untouched token's norm is a slice of the text */
    CHECK(f->doc->tokens[0].norm == f->story.text);
    CHECK(!(f->doc->tokens[0].flags & KH_TOK_NORMALISED));
    kh_scratch_free(f->scratch);
    /* it's is a contraction, not a possessive */
    RUN(f, "it's");
    REQUIRE(f->doc->n_tokens == 2);
    CHECK(!(f->doc->tokens[1].flags & KH_TOK_POSSESSIVE));
    kh_scratch_free(f->scratch);
    free(f);
}

TEST(tokens_contractions)
{
    TOKENS("don't won't can't it's I'm we're they've you'll he'd Don\xe2\x80\x99t",
           "do n't wo n't ca n't it 's I 'm we 're they 've you 'll he 'd Do n't");
    TOKENS("O'Brien Qur'an rock'n'roll D\xe2\x80\x99" "Alema", "O'Brien Qur'an rock'n'roll D'Alema");
}

TEST(tokens_hyphens_compounds)
{
    TOKENS("high-level rubber-stamp COVID-19 Al-Qaeda F-16 10-year well-known -- a - b",
           "high-level rubber-stamp COVID-19 Al-Qaeda F-16 10-year well-known -- a - b");
    /* non-breaking hyphen joins, and normalises */
    TOKENS("high\xe2\x80\x91level", "high-level");
    /* dashes are their own tokens, normalised */
    TOKENS("Iran\xe2\x80\x93Iraq war \xe2\x80\x94 and \xe2\x80\x92 \xe2\x88\x92",
           "Iran - Iraq war - and - -");
}

TEST(tokens_numbers)
{
    TOKENS("1,000 3.5 -2 2024-04-21 15:30 50% $1,000.50 10/07/2024 (-3) x-2",
           "1,000 3.5 -2 2024-04-21 15:30 50 % $ 1,000.50 10/07/2024 ( -3 ) x-2");
    tok_fixture *f = malloc(sizeof *f);
    REQUIRE(f);
    RUN(f, "1,000 in 2023.");
    REQUIRE(f->doc->n_tokens == 4);
    CHECK(f->doc->tokens[0].flags & KH_TOK_NUMBER);
    CHECK(!(f->doc->tokens[0].flags & KH_TOK_WORD));
    CHECK(f->doc->tokens[2].flags & KH_TOK_NUMBER);
    CHECK(f->doc->tokens[3].flags & KH_TOK_PUNCT);
    kh_scratch_free(f->scratch);
    free(f);
}

TEST(tokens_acronyms_abbreviations)
{
    TOKENS("The U.S. and U.N. and IAEA met Gen. Smith and Mr. Jones in Calif. today.",
           "The U.S. and U.N. and IAEA met Gen. Smith and Mr. Jones in Calif. today .");
    TOKENS("J.R.R. Tolkien, George W. Bush, e.g. this, No. 3, No more.",
           "J.R.R. Tolkien , George W. Bush , e.g. this , No. 3 , No more .");
    TOKENS("He went home.", "He went home .");
    tok_fixture *f = malloc(sizeof *f);
    REQUIRE(f);
    RUN(f, "U.S. IAEA Gen. home.");
    REQUIRE(f->doc->n_tokens == 5);
    uint32_t us = f->doc->tokens[0].flags, iaea = f->doc->tokens[1].flags,
             gen = f->doc->tokens[2].flags;
    CHECK((us & KH_TOK_ABBREV) && (us & KH_TOK_UPPER) && (us & KH_TOK_CAP) && (us & KH_TOK_WORD));
    CHECK((us & KH_TOK_SENT_START));
    CHECK(!(iaea & KH_TOK_ABBREV) && (iaea & KH_TOK_UPPER));
    CHECK((gen & KH_TOK_ABBREV) && (gen & KH_TOK_CAP) && !(gen & KH_TOK_UPPER));
    CHECK(!(f->doc->tokens[3].flags & KH_TOK_ABBREV));
    CHECK(!(f->doc->tokens[1].flags & KH_TOK_SENT_START));
    kh_scratch_free(f->scratch);
    free(f);
}

TEST(tokens_abbreviation_table)
{
    static const char *const title[] = {"Mr", "Mrs", "Ms", "Dr", "Gen", "Lt", "Col", "Maj",
                                        "Capt", "Sgt", "Adm", "Gov", "Sen", "Rep", "Rev",
                                        "Prof", "St", "Mt", "Ft", "vs", "approx", "est"};
    static const char *const end[] = {"Jan", "Feb", "Aug", "Sept", "Oct", "Nov", "Dec",
                                      "Jr", "Sr", "etc", "Inc", "Corp", "Co", "Ltd",
                                      "Dept", "Univ", "Ave", "Calif", "Wash", "al"};
    static const char *const num[] = {"No", "Nos", "Vol", "p", "pp"};
    for (size_t i = 0; i < sizeof title / sizeof *title; i++)
        CHECK_EQ_INT(kh_abbrev_class(title[i], strlen(title[i])), KH_ABBR_TITLE);
    for (size_t i = 0; i < sizeof end / sizeof *end; i++)
        CHECK_EQ_INT(kh_abbrev_class(end[i], strlen(end[i])), KH_ABBR_END);
    for (size_t i = 0; i < sizeof num / sizeof *num; i++)
        CHECK_EQ_INT(kh_abbrev_class(num[i], strlen(num[i])), KH_ABBR_NUM);
    CHECK_EQ_INT(kh_abbrev_class("ill", 3), KH_ABBR_NONE);
    CHECK_EQ_INT(kh_abbrev_class("home", 4), KH_ABBR_NONE);
    CHECK_EQ_INT(kh_abbrev_class("M", 1), KH_ABBR_NONE);
    CHECK_EQ_INT(kh_abbrev_class("", 0), KH_ABBR_NONE);
}

TEST(tokens_urls_emails)
{
    TOKENS("See https://www.example.com/a?b=1&c=2. Or www.reuters.com, mail a.b@c.org.",
           "See https://www.example.com/a?b=1&c=2 . Or www.reuters.com , mail a.b@c.org .");
    TOKENS("the Axios.com site", "the Axios.com site");
}

TEST(tokens_non_ascii_letters)
{
    TOKENS("Pezeshkian Zelenskyy S\xc3\xa3o Paulo Erdo\xc4\x9f" "an \xc3\x9cr\xc3\xbcmqi \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0",
           "Pezeshkian Zelenskyy S\xc3\xa3o Paulo Erdo\xc4\x9f" "an \xc3\x9cr\xc3\xbcmqi \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0");
    tok_fixture *f = malloc(sizeof *f);
    REQUIRE(f);
    RUN(f, "\xc3\x9cr\xc3\xbcmqi \xc3\xa9t\xc3\xa9 \xe2\x80\x9cok\xe2\x80\x9d");
    REQUIRE(f->doc->n_tokens == 5);
    CHECK(f->doc->tokens[0].flags & KH_TOK_CAP);
    CHECK(!(f->doc->tokens[0].flags & KH_TOK_NORMALISED));
    CHECK(!(f->doc->tokens[1].flags & KH_TOK_CAP));
    const kh_token *q = &f->doc->tokens[2];
    CHECK((q->flags & KH_TOK_QUOTE) && (q->flags & KH_TOK_NORMALISED));
    CHECK(q->norm_len == 1 && q->norm[0] == '"');
    CHECK(q->len == 3 && !memcmp(f->story.text + q->off, "\xe2\x80\x9c", 3));
    kh_scratch_free(f->scratch);
    free(f);
}

TEST(tokens_quotes_normalised)
{
    TOKENS("\xe2\x80\x98x\xe2\x80\x99 \xe2\x80\x9cy\xe2\x80\x9d \"z\" 'w' 5\xe2\x80\xb2 \xc2\xabq\xc2\xbb \xe2\x80\xa6 ...",
           "' x ' \" y \" \" z \" ' w ' 5 ' \" q \" ... ...");
    tok_fixture *f = malloc(sizeof *f);
    REQUIRE(f);
    RUN(f, "a\xe2\x80\xa6");
    REQUIRE(f->doc->n_tokens == 2);
    CHECK(f->doc->tokens[1].flags & KH_TOK_NORMALISED);
    CHECK(f->doc->tokens[1].len == 3);
    kh_scratch_free(f->scratch);
    free(f);
}

TEST(tokens_invalid_utf8_and_nul)
{
    tok_fixture *f = malloc(sizeof *f);
    REQUIRE(f);
    /* a stray continuation byte inside a word, a lone 0xFF, a NUL, a truncated
     * 3-byte sequence at the very end */
    static const char text[] = "Erdo\x9f" "an \xff x\0y \xe2\x80";
    REQUIRE(tok_run(f, text, sizeof text - 1, NULL, NULL) == KH_OK);
    tok_expect(f->out, "Erdo\xef\xbf\xbd" "an \xef\xbf\xbd x\xef\xbf\xbdy \xef\xbf\xbd\xef\xbf\xbd",
               __FILE__, __LINE__);
    REQUIRE(f->doc->n_tokens == 4);
    for (size_t i = 0; i < 4; i++) {
        const kh_token *t = &f->doc->tokens[i];
        CHECK(t->flags & KH_TOK_REPLACED);
        CHECK(t->flags & KH_TOK_NORMALISED);
        CHECK(t->norm_len > 0);
        CHECK(t->off + t->len <= sizeof text - 1);
    }
    CHECK_EQ_INT(f->doc->tokens[0].len, 7);
    CHECK_EQ_INT(f->doc->tokens[2].off, 10);
    CHECK_EQ_INT(f->doc->tokens[2].len, 3);
    CHECK_EQ_INT(f->doc->tokens[3].len, 2);
    kh_scratch_free(f->scratch);
    /* a unit ending in the middle of a character never reads past it */
    static const char cut[] = "ab\xc3";
    char *heap = malloc(3);
    REQUIRE(heap);
    memcpy(heap, cut, 3);
    REQUIRE(tok_run(f, heap, 3, NULL, NULL) == KH_OK);
    CHECK_EQ_INT(f->doc->n_tokens, 1);
    kh_scratch_free(f->scratch);
    free(heap);
    free(f);
}

TEST(tokens_sentence_of_a_million_tokens)
{
    size_t n = 1000000, o = 0;
    char *t = malloc(n * 2 + 2);
    REQUIRE(t);
    for (size_t i = 0; i < n; i++) {
        t[o++] = 'w';
        t[o++] = ' ';
    }
    t[o++] = '.';
    tok_fixture *f = malloc(sizeof *f);
    REQUIRE(f);
    clock_t c0 = clock();
    REQUIRE(tok_run(f, t, o, NULL, NULL) == KH_OK);
    double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    CHECK_EQ_INT(f->doc->n_sentences, 1);
    CHECK_EQ_INT(f->doc->n_tokens, 1000);
    CHECK_EQ_INT(f->doc->sentences[0].n_tokens, 1000);
    CHECK_EQ_INT(f->doc->n_truncated, 1);
    /* the sentence still spans its whole text */
    CHECK_EQ_INT(f->doc->sentences[0].span.len, o);
    CHECK(secs < 2.0);
    kh_scratch_free(f->scratch);
    /* and with a limit of 3 tokens */
    kh_limits lim = {0, 0, 0, 3};
    REQUIRE(tok_run(f, "a b c d e. F g.", 15, &lim, NULL) == KH_OK);
    tok_expect(f->out, "a b c F g .", __FILE__, __LINE__);
    CHECK_EQ_INT(f->doc->n_truncated, 1);
    kh_scratch_free(f->scratch);
    free(f);
    free(t);
}

TEST(tokens_repeated_name_linear)
{
    static const char piece[] = "Pezeshkian\xe2\x80\x99s ";
    size_t n = 100000, pl = sizeof piece - 1, o = 0;
    char *t = malloc(n * pl + 1);
    REQUIRE(t);
    for (size_t i = 0; i < n; i++) {
        memcpy(t + o, piece, pl);
        o += pl;
    }
    tok_fixture *f = malloc(sizeof *f);
    REQUIRE(f);
    kh_limits lim = {0, 0, 0, 1000000};
    clock_t c0 = clock();
    REQUIRE(tok_run(f, t, o, &lim, NULL) == KH_OK);
    double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    CHECK_EQ_INT(f->doc->n_tokens, 2 * n);
    CHECK(secs < 2.0);
    kh_scratch_free(f->scratch);
    /* one giant word is cut into pieces of at most KH_TOK_MAX_LEN bytes */
    memset(t, 'a', o);
    REQUIRE(tok_run(f, t, o, &lim, NULL) == KH_OK);
    CHECK(f->doc->n_tokens >= o / KH_TOK_MAX_LEN);
    for (size_t i = 0; i < f->doc->n_tokens; i++)
        CHECK(f->doc->tokens[i].len <= KH_TOK_MAX_LEN);
    kh_scratch_free(f->scratch);
    free(f);
    free(t);
}

/* An allocator that fails the Nth allocation. */
typedef struct fail_ctx {
    size_t n;
    size_t fail_at;
} fail_ctx;

static void *fail_malloc(void *ctx, size_t size)
{
    fail_ctx *c = (fail_ctx *)ctx;
    if (++c->n == c->fail_at)
        return NULL;
    return malloc(size);
}

static void *fail_realloc(void *ctx, void *p, size_t size)
{
    fail_ctx *c = (fail_ctx *)ctx;
    if (++c->n == c->fail_at)
        return NULL;
    return realloc(p, size);
}

static void fail_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

TEST(tokens_failing_allocations)
{
    /* enough tokens to grow the arrays, and norms to fill the arena; with
     * -DKH_ARENA_MALLOC every norm is an allocation of its own, hence the
     * high bound of the loop */
    size_t n = 600, o = 0;
    char *t = malloc(n * 8 + 1);
    REQUIRE(t);
    for (size_t i = 0; i < n; i++) {
        memcpy(t + o, "X\xe2\x80\x99s. ", 7);
        o += 7;
    }
    int saw_nomem = 0, saw_ok = 0;
    for (size_t k = 1; k < 5000 && !saw_ok; k++) {
        fail_ctx c = {0, k};
        kh_allocator a = {fail_malloc, fail_realloc, fail_free, &c};
        tok_fixture *f = malloc(sizeof *f);
        REQUIRE(f);
        kh_status st = tok_run(f, t, o, NULL, &a);
        if (st == KH_ERR_NOMEM) {
            saw_nomem = 1;
            /* the scratch is still usable once memory is back */
            c.fail_at = 0;
            if (f->scratch) {
                const kh_doc *d = NULL;
                CHECK_EQ_INT(kh_analyze(f->scratch, NULL, &f->story, KH_ANALYZE_TOKENS, &d), KH_OK);
                CHECK(d && d->n_sentences == n);
            }
        } else {
            CHECK_EQ_INT(st, KH_OK);
            saw_ok = 1;
        }
        kh_scratch_free(f->scratch);
        free(f);
    }
    CHECK(saw_nomem && saw_ok);
    free(t);
}
