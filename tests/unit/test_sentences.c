/*
 * test_sentences.c: stage 3, the sentence splitter, through the library:
 * kh_story values are built by hand (units split at blank lines), run
 * through kh_analyze, and the sentence texts compared joined by " | ".
 * Covers abbreviations, initials, numbers, quotes and brackets, ellipses,
 * paragraph boundaries, limits and pathological inputs.
 */
#include <time.h>

#include "unit.h"

typedef struct sent_fixture {
    kh_unit units[64];
    kh_story story;
    kh_scratch *scratch;
    const kh_doc *doc;
    char out[8192];
} sent_fixture;

/* Analyses text (units at blank lines) and writes the sentences into f->out. */
static kh_status sent_run(sent_fixture *f, const char *text, size_t len, const kh_limits *lim)
{
    memset(f, 0, sizeof *f);
    size_t nu = 0, i = 0;
    while (i < len && nu < 64) {
        while (i < len && text[i] == '\n')
            i++;
        if (i >= len)
            break;
        size_t st = i;
        while (i < len && !(text[i] == '\n' && i + 1 < len && text[i + 1] == '\n'))
            i++;
        f->units[nu].kind = nu == 0 ? KH_UNIT_HEADLINE : KH_UNIT_BODY;
        f->units[nu].span.off = st;
        f->units[nu].span.len = i - st;
        nu++;
    }
    f->story.text = text;
    f->story.text_len = len;
    f->story.units = f->units;
    f->story.n_units = nu;
    kh_status s = kh_scratch_new(NULL, lim, &f->scratch);
    if (s)
        return s;
    s = kh_analyze(f->scratch, NULL, &f->story, KH_ANALYZE_TOKENS, &f->doc);
    if (s)
        return s;
    size_t o = 0;
    for (size_t k = 0; k < f->doc->n_sentences && o + 8 < sizeof f->out; k++) {
        const kh_sentence *se = &f->doc->sentences[k];
        if (k) {
            memcpy(f->out + o, " | ", 3);
            o += 3;
        }
        size_t n = se->span.len;
        if (n > sizeof f->out - o - 4)
            n = sizeof f->out - o - 4;
        memcpy(f->out + o, text + se->span.off, n);
        o += n;
    }
    f->out[o] = '\0';
    return KH_OK;
}

static void sent_done(sent_fixture *f) { kh_scratch_free(f->scratch); }

static void sent_expect(const char *got, const char *want, const char *file, int line)
{
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "    got:  %s\n    want: %s\n", got, want);
        unit_fail(file, line, "sentences differ");
    }
}

/* Checks that `text` splits into `want` (sentences joined by " | "). */
#define SPLITS(text, want)                                                    \
    do {                                                                      \
        sent_fixture *f_ = malloc(sizeof *f_);                                \
        REQUIRE(f_);                                                          \
        CHECK(sent_run(f_, text, strlen(text), NULL) == KH_OK);               \
        sent_expect(f_->out, want, __FILE__, __LINE__);                       \
        sent_done(f_);                                                        \
        free(f_);                                                             \
    } while (0)

TEST(sentences_basic)
{
    SPLITS("He left. She stayed! Did they? Yes.", "He left. | She stayed! | Did they? | Yes.");
    SPLITS("  Leading and trailing blanks.  \n", "Leading and trailing blanks.");
    SPLITS("No terminal punctuation", "No terminal punctuation");
    SPLITS("What?! Really.", "What?! | Really.");
    SPLITS("It fell 5. 3 people died.", "It fell 5. | 3 people died.");
}

TEST(sentences_titles_never_end)
{
    SPLITS("Mr. Smith met Mrs. Jones and Ms. Lee. Dr. Who came.",
           "Mr. Smith met Mrs. Jones and Ms. Lee. | Dr. Who came.");
    SPLITS("Gen. Lt. Col. Maj. Capt. Sgt. Adm. Gov. Sen. Rep. Rev. Prof. St. Louis spoke.",
           "Gen. Lt. Col. Maj. Capt. Sgt. Adm. Gov. Sen. Rep. Rev. Prof. St. Louis spoke.");
    SPLITS("He met Gen. The Reverend.", "He met Gen. The Reverend.");
    SPLITS("Talks with Sen. John Smith ended. They resume Monday.",
           "Talks with Sen. John Smith ended. | They resume Monday.");
}

TEST(sentences_months_and_others)
{
    SPLITS("On Jan. 5 and Feb. 6 and Aug. 7, Sept. 8, Oct. 9, Nov. 10 and Dec. 11 they met.",
           "On Jan. 5 and Feb. 6 and Aug. 7, Sept. 8, Oct. 9, Nov. 10 and Dec. 11 they met.");
    SPLITS("It is resolution No. 3 vs. No. 4. Nos. 5 and 6 failed.",
           "It is resolution No. 3 vs. No. 4. | Nos. 5 and 6 failed.");
    SPLITS("He said No. Then he left.", "He said No. | Then he left.");
    SPLITS("Apples, pears, etc. The list goes on.", "Apples, pears, etc. | The list goes on.");
    SPLITS("Apple Inc. said profit rose. Acme Corp. Chief Executive Tim Cook spoke.",
           "Apple Inc. said profit rose. | Acme Corp. Chief Executive Tim Cook spoke.");
    SPLITS("He works for Acme Co. Ltd. in Tokyo.", "He works for Acme Co. Ltd. in Tokyo.");
    SPLITS("It cost approx. 5 dollars, est. 6 by the Dept. of Labor at the Univ. of Iowa.",
           "It cost approx. 5 dollars, est. 6 by the Dept. of Labor at the Univ. of Iowa.");
    SPLITS("They met on Fifth Ave. near Mt. Kenya and Ft. Worth.",
           "They met on Fifth Ave. near Mt. Kenya and Ft. Worth.");
    SPLITS("Martin Luther King Jr. spoke. Frank Sinatra Sr. sang.",
           "Martin Luther King Jr. spoke. | Frank Sinatra Sr. sang.");
    SPLITS("SACRAMENTO, Calif., Feb. 3 - Officials in Calif. said so.",
           "SACRAMENTO, Calif., Feb. 3 - Officials in Calif. said so.");
}

TEST(sentences_countries)
{
    SPLITS("The U.S. and U.K. met at the U.N. with the E.U. and the U.S.S.R. today.",
           "The U.S. and U.K. met at the U.N. with the E.U. and the U.S.S.R. today.");
    SPLITS("Sanctions were imposed by the U.S. The talks failed.",
           "Sanctions were imposed by the U.S. | The talks failed.");
    SPLITS("U.S. President Joe Biden and U.S. Army officials met U.N. Secretary-General Guterres.",
           "U.S. President Joe Biden and U.S. Army officials met U.N. Secretary-General Guterres.");
    SPLITS("He returned to the U.K. He said it was cold.",
           "He returned to the U.K. | He said it was cold.");
    SPLITS("It was approved by the E.U. But France objected.",
           "It was approved by the E.U. | But France objected.");
    SPLITS("U.S.-led forces withdrew.", "U.S.-led forces withdrew.");
}

TEST(sentences_initials)
{
    SPLITS("George W. Bush met J.R.R. Tolkien fans and John F. Kennedy Jr. in 2001.",
           "George W. Bush met J.R.R. Tolkien fans and John F. Kennedy Jr. in 2001.");
    SPLITS("They chose plan B. The others left.", "They chose plan B. | The others left.");
    SPLITS("At 10 a.m. EST, i.e. early, talks began. At 5 p.m. They ended.",
           "At 10 a.m. EST, i.e. early, talks began. | At 5 p.m. | They ended.");
}

TEST(sentences_numbers)
{
    SPLITS("Growth was 3.5 percent, or $1,000.50 per head. It rose 0.2.",
           "Growth was 3.5 percent, or $1,000.50 per head. | It rose 0.2.");
    SPLITS("The vote was 2024.5 to 3. Then 1,000 more came.",
           "The vote was 2024.5 to 3. | Then 1,000 more came.");
    SPLITS("Version 2.0.1 shipped at 15:30 on 2024-04-21. Done.",
           "Version 2.0.1 shipped at 15:30 on 2024-04-21. | Done.");
}

TEST(sentences_quotes_brackets)
{
    SPLITS("\"We will win.\" He said it twice.", "\"We will win.\" | He said it twice.");
    SPLITS("\"We will win!\" he said.", "\"We will win!\" he said.");
    SPLITS("\"Why?\" she asked. \"Because.\"", "\"Why?\" she asked. | \"Because.\"");
    SPLITS("\xe2\x80\x9cWe will win.\xe2\x80\x9d He said so.",
           "\xe2\x80\x9cWe will win.\xe2\x80\x9d | He said so.");
    SPLITS("He said \xe2\x80\x98no.\xe2\x80\x99 Then he left.",
           "He said \xe2\x80\x98no.\xe2\x80\x99 | Then he left.");
    SPLITS("(He left early.) Then she came.", "(He left early.) | Then she came.");
    SPLITS("He left (for good). Then she came.", "He left (for good). | Then she came.");
    SPLITS("The talks (held in Jan. and Feb.) failed.", "The talks (held in Jan. and Feb.) failed.");
    SPLITS("He said: \"It is over.\") [Done.] Next.", "He said: \"It is over.\") | [Done.] | Next.");
    SPLITS("\"It's 'over.'\" They left.", "\"It's 'over.'\" | They left.");
}

TEST(sentences_ellipses)
{
    SPLITS("He waited... and waited. Then... Nothing happened.",
           "He waited... and waited. | Then... | Nothing happened.");
    SPLITS("He waited\xe2\x80\xa6 and waited\xe2\x80\xa6 Nobody came.",
           "He waited\xe2\x80\xa6 and waited\xe2\x80\xa6 | Nobody came.");
    SPLITS("It was... 5 days.", "It was... 5 days.");
}

TEST(sentences_units)
{
    sent_fixture *f = malloc(sizeof *f);
    REQUIRE(f);
    const char *text = "Headline Without Stop\n\nFirst para. Second sentence\n\ncontinues not here. Last.";
    CHECK_EQ_INT(sent_run(f, text, strlen(text), NULL), KH_OK);
    sent_expect(f->out, "Headline Without Stop | First para. | Second sentence | "
                        "continues not here. | Last.", __FILE__, __LINE__);
    REQUIRE(f->doc && f->doc->n_sentences == 5);
    CHECK_EQ_INT(f->doc->sentences[0].kind, KH_UNIT_HEADLINE);
    CHECK_EQ_INT(f->doc->sentences[0].unit, 0);
    CHECK_EQ_INT(f->doc->sentences[2].unit, 1);
    CHECK_EQ_INT(f->doc->sentences[3].unit, 2);
    CHECK_EQ_INT(f->doc->sentences[3].kind, KH_UNIT_BODY);
    /* every sentence lies inside its unit; tokens inside their sentence */
    for (size_t k = 0; k < f->doc->n_sentences; k++) {
        const kh_sentence *se = &f->doc->sentences[k];
        const kh_unit *u = &f->units[se->unit];
        CHECK(se->span.off >= u->span.off && se->span.off + se->span.len <= u->span.off + u->span.len);
        for (size_t t = 0; t < se->n_tokens; t++) {
            const kh_token *tk = &f->doc->tokens[se->first_token + t];
            CHECK(tk->off >= se->span.off && tk->off + tk->len <= se->span.off + se->span.len);
            CHECK(((tk->flags & 0x400u) != 0) == (t == 0));
        }
    }
    sent_done(f);
    /* a single newline inside a unit does not split */
    SPLITS("One line\nwraps here. Next.", "One line\nwraps here. | Next.");
    free(f);
}

TEST(sentences_only_abbreviations)
{
    SPLITS("U.S. U.K. Gen. Mr. Mrs. Dr. etc. Inc. Jan. vs. U.N. E.U. U.S.S.R. St. Jr.",
           "U.S. U.K. Gen. Mr. Mrs. Dr. etc. Inc. Jan. vs. U.N. E.U. U.S.S.R. St. Jr.");
    /* "No" is a sentence starter: after an abbreviation that may end a
     * sentence ("Jan.") it starts a new one; "No." before no number is
     * "No" + "." */
    SPLITS("Jan. No. Inc.", "Jan. | No. | Inc.");
    SPLITS(". . . ! ? ...", ". | . | . | ! | ? | ...");
}

TEST(sentences_nested_quotes_brackets)
{
    /* 20,000 levels of quotes and brackets: linear, no recursion */
    size_t depth = 20000, len = depth * 4 + 64, o = 0;
    char *t = malloc(len);
    REQUIRE(t);
    for (size_t i = 0; i < depth; i++) {
        t[o++] = '(';
        t[o++] = '"';
    }
    memcpy(t + o, "Deep. Deeper.", 13);
    o += 13;
    for (size_t i = 0; i < depth; i++) {
        t[o++] = '"';
        t[o++] = ')';
    }
    memcpy(t + o, " End.", 5);
    o += 5;
    sent_fixture *f = malloc(sizeof *f);
    REQUIRE(f);
    CHECK_EQ_INT(sent_run(f, t, o, NULL), KH_OK);
    REQUIRE(f->doc);
    CHECK_EQ_INT(f->doc->n_sentences, 3);
    sent_done(f);
    free(f);
    free(t);
}

TEST(sentences_limits)
{
    /* max_sentences: the story is cut and counted once */
    size_t n = 30000, o = 0;
    char *t = malloc(n * 3 + 1);
    REQUIRE(t);
    for (size_t i = 0; i < n; i++) {
        t[o++] = 'A';
        t[o++] = '.';
        t[o++] = ' ';
    }
    sent_fixture *f = malloc(sizeof *f);
    REQUIRE(f);
    kh_limits lim = {0, 0, 100, 0};
    CHECK_EQ_INT(sent_run(f, t, o, &lim), KH_OK);
    REQUIRE(f->doc);
    /* "A." is an initial: all one sentence of 30,000 tokens, cut at 1,000 */
    CHECK_EQ_INT(f->doc->n_sentences, 1);
    CHECK_EQ_INT(f->doc->sentences[0].n_tokens, 1000);
    CHECK_EQ_INT(f->doc->n_truncated, 1);
    sent_done(f);
    o = 0;
    for (size_t i = 0; i < n; i++) {
        t[o++] = 'B';
        t[o++] = '!';
        t[o++] = ' ';
    }
    CHECK_EQ_INT(sent_run(f, t, o, &lim), KH_OK);
    REQUIRE(f->doc);
    CHECK_EQ_INT(f->doc->n_sentences, 100);
    CHECK_EQ_INT(f->doc->n_truncated, 1);
    sent_done(f);
    free(f);
    free(t);
}

TEST(sentences_bad_arguments)
{
    kh_scratch *s = NULL;
    CHECK_EQ_INT(kh_scratch_new(NULL, NULL, NULL), KH_ERR_INVALID);
    REQUIRE(kh_scratch_new(NULL, NULL, &s) == KH_OK);
    const kh_doc *d = NULL;
    kh_story st;
    memset(&st, 0, sizeof st);
    CHECK_EQ_INT(kh_analyze(s, NULL, NULL, KH_ANALYZE_TOKENS, &d), KH_ERR_INVALID);
    CHECK_EQ_INT(kh_analyze(s, NULL, &st, 1u << 12, &d), KH_ERR_INVALID);
    kh_unit u = {KH_UNIT_BODY, {3, 10}};
    st.text = "abcdef";
    st.text_len = 6;
    st.units = &u;
    st.n_units = 1;
    CHECK_EQ_INT(kh_analyze(s, NULL, &st, KH_ANALYZE_TOKENS, &d), KH_ERR_INVALID);
    u.span.len = 3;
    CHECK_EQ_INT(kh_analyze(s, NULL, &st, KH_ANALYZE_TOKENS, &d), KH_OK);
    REQUIRE(d);
    CHECK_EQ_INT(d->n_sentences, 1);
    /* empty story */
    st.n_units = 0;
    CHECK_EQ_INT(kh_analyze(s, NULL, &st, KH_ANALYZE_TOKENS, &d), KH_OK);
    REQUIRE(d);
    CHECK_EQ_INT(d->n_sentences, 0);
    kh_scratch_free(s);
    kh_scratch_free(NULL);
}

/* Seed golden list, through the library: the body paragraphs of the seed's
 * two stories, split as a reader would hand them over (headline first). */
TEST(sentences_seed_bodies)
{
    /* ../shared/seeds/000_cf2e950d9dabc652.txt, kept in the tree as the example */
    size_t len;
    char *text = unit_read_file("examples/seed-2024.txt", &len);
    REQUIRE(text);
    sent_fixture *f = malloc(sizeof *f);
    REQUIRE(f);
    CHECK_EQ_INT(sent_run(f, text, len, NULL), KH_OK);
    REQUIRE(f->doc);
    /* paragraph-level expectations that do not depend on the cleaner */
    int saw_quote_split = 0, saw_pyongyang = 0;
    for (size_t k = 0; k < f->doc->n_sentences; k++) {
        const kh_sentence *se = &f->doc->sentences[k];
        const char *s = text + se->span.off;
        if (se->span.len > 14 && !memcmp(s, "I am confident", 14))
            saw_quote_split = 1;
        if (se->span.len > 20 && !memcmp(s, "Pyongyang's delegation", 22)) {
            saw_pyongyang = 1;
            CHECK(!memcmp(s + se->span.len - 5, "said.", 5));
        }
    }
    CHECK(saw_quote_split);
    CHECK(saw_pyongyang);
    sent_done(f);
    free(f);
    free(text);
}

TEST(sentences_linear_huge_paragraph)
{
    /* 16 MiB paragraph of short sentences: must finish fast (linear) */
    size_t n = (size_t)16 << 20, o = 0;
    char *t = malloc(n + 32);
    REQUIRE(t);
    static const char piece[] = "The U.S. envoy met Gen. Smith on Jan. 5. ";
    while (o + sizeof piece < n) {
        memcpy(t + o, piece, sizeof piece - 1);
        o += sizeof piece - 1;
    }
    kh_unit u = {KH_UNIT_BODY, {0, o}};
    kh_story st;
    memset(&st, 0, sizeof st);
    st.text = t;
    st.text_len = o;
    st.units = &u;
    st.n_units = 1;
    kh_scratch *s = NULL;
    kh_limits lim = {0, 0, (size_t)1 << 30, 0};
    REQUIRE(kh_scratch_new(NULL, &lim, &s) == KH_OK);
    const kh_doc *d = NULL;
    clock_t c0 = clock();
    CHECK_EQ_INT(kh_analyze(s, NULL, &st, KH_ANALYZE_TOKENS, &d), KH_OK);
    double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    REQUIRE(d);
    CHECK_EQ_INT(d->n_sentences, o / (sizeof piece - 1));
    CHECK(secs < 5.0);
    kh_scratch_free(s);
    free(t);
}
