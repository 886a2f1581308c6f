/* test_read.c: stages 1-2, reading and cleaning, through the public API:
 * each input format, chunk boundaries, the seed, the peer suites, the
 * cleaning rules, and every bad input of the foundation issue. */
#include <stdarg.h>
#include <stdint.h>

#include "unit.h"
#include "clean/clean.h"

/* ---- a story collector: each story serialised to one text block ---- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p)
            abort();
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_fmt(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_fmt(sbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sb_add(b, tmp, n < 0 ? 0 : (size_t)n >= sizeof tmp ? sizeof tmp - 1 : (size_t)n);
}

typedef struct run {
    sbuf out;             /* serialised stories */
    sbuf diags;           /* "LINE:SEV:message\n" */
    size_t n_diag, n_err, n_warn;
    size_t stories, rejected;
    kh_status st;
    /* per-story checks */
    size_t n_seen;
    int unit_has_caption; /* a caption's text found inside a unit */
    int bad_offsets;      /* a span out of the text */
    const char *input;    /* for raw checks */
    size_t input_len;
    int raw_mismatch;
} run;

static void on_diag(void *ctx, const kh_diag *d)
{
    run *r = (run *)ctx;
    r->n_diag++;
    if (d->severity == KH_SEV_ERROR)
        r->n_err++;
    else
        r->n_warn++;
    sb_fmt(&r->diags, "%zu:%s:%s\n", d->line, d->severity == KH_SEV_ERROR ? "E" : "W", d->message);
}

static int span_ok(const kh_story *s, kh_span sp)
{
    return sp.off <= s->text_len && sp.len <= s->text_len - sp.off;
}


/* A raw story's text is the input's bytes, but for a NUL, which the reader
 * turns into a space (issue 17, case 17), and a lone-CR file's \r, which it
 * turns into \n. */
static int same_raw(const char *in, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = in[i] == '\0' ? ' ' : in[i];
        if (c != text[i] && !(c == '\r' && text[i] == '\n'))
            return 0;
    }
    return 1;
}

static kh_status on_story(void *ctx, const kh_story *s)
{
    run *r = (run *)ctx;
    r->n_seen++;
    sbuf *b = &r->out;
    sb_fmt(b, "story id=%s line=%zu raw=%d off=%llu date=%d-%d-%d\n", s->id ? s->id : "(null)",
           s->line, s->raw, (unsigned long long)s->input_offset, s->date.year, s->date.month, s->date.day);
    sb_fmt(b, " title=%s dateline=%s url=%s pub=%s\n", s->title ? s->title : "-",
           s->dateline ? s->dateline : "-", s->url ? s->url : "-", s->publisher ? s->publisher : "-");
    sb_add(b, " text=", 6);
    sb_add(b, s->text, s->text_len);
    sb_add(b, "\n", 1);
    if (s->text[s->text_len] != '\0')
        r->bad_offsets = 1;
    if (s->raw && r->input) {
        if (s->input_offset > r->input_len || s->text_len > r->input_len - s->input_offset ||
            !same_raw(r->input + s->input_offset, s->text, s->text_len))
            r->raw_mismatch = 1;
    }
    for (size_t i = 0; i < s->n_units; i++) {
        kh_span u = s->units[i].span;
        if (!span_ok(s, u)) {
            r->bad_offsets = 1;
            continue;
        }
        sb_fmt(b, " unit %c ", s->units[i].kind == KH_UNIT_HEADLINE ? 'H' : 'B');
        sb_add(b, s->text + u.off, u.len);
        sb_add(b, "\n", 1);
        for (size_t c = 0; c < s->n_captions; c++) {
            kh_span cs = s->captions[c];
            if (!span_ok(s, cs))
                continue;
            for (size_t k = u.off; cs.len && k + cs.len <= u.off + u.len; k++)
                if (!memcmp(s->text + k, s->text + cs.off, cs.len))
                    r->unit_has_caption = 1;
        }
    }
    for (size_t c = 0; c < s->n_captions; c++) {
        if (!span_ok(s, s->captions[c])) {
            r->bad_offsets = 1;
            continue;
        }
        sb_add(b, " caption ", 9);
        sb_add(b, s->text + s->captions[c].off, s->captions[c].len);
        sb_add(b, "\n", 1);
    }
    return KH_OK;
}

static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7fff;
}

/* Feeds `in` with chunk sizes: 0 = all at once, 1 = byte by byte, else
 * pseudo-random sizes 1..chunk seeded by chunk. */
static void run_input(run *r, const char *in, size_t len, const kh_read_options *base, size_t chunk)
{
    memset(r, 0, sizeof *r);
    r->input = in;
    r->input_len = len;
    kh_read_options o;
    if (base)
        o = *base;
    else
        memset(&o, 0, sizeof o);
    o.diag = on_diag;
    o.diag_ctx = r;
    kh_reader *rd = NULL;
    r->st = kh_reader_new(&o, "t", &rd);
    if (r->st)
        return;
    uint32_t seed = (uint32_t)chunk;
    size_t pos = 0;
    while (pos < len && !r->st) {
        size_t n = len - pos;
        if (chunk == 1)
            n = 1;
        else if (chunk > 1) {
            size_t k = 1 + lcg(&seed) % chunk;
            if (k < n)
                n = k;
        }
        r->st = kh_reader_push(rd, in + pos, n, on_story, r);
        pos += n;
    }
    if (!r->st)
        r->st = kh_reader_finish(rd, on_story, r);
    kh_reader_counts(rd, &r->stories, &r->rejected);
    kh_reader_free(rd);
}

static void run_free(run *r)
{
    free(r->out.p);
    free(r->diags.p);
}

static const char *S(const run *r) { return r->out.p ? r->out.p : ""; }
static const char *D(const run *r) { return r->diags.p ? r->diags.p : ""; }

/* The same stories and diagnostics whatever the chunking. */
static void check_chunking(const char *in, size_t len, const kh_read_options *o)
{
    run whole, part;
    run_input(&whole, in, len, o, 0);
    static const size_t sizes[] = {1, 2, 3, 7, 64, 4096};
    for (size_t i = 0; i < KH_ARRAY_LEN(sizes); i++) {
        run_input(&part, in, len, o, sizes[i]);
        CHECK_EQ_INT(part.st, whole.st);
        CHECK_EQ_INT(part.stories, whole.stories);
        CHECK_EQ_INT(part.rejected, whole.rejected);
        CHECK_EQ_STR(S(&part), S(&whole));
        CHECK_EQ_STR(D(&part), D(&whole));
        run_free(&part);
    }
    run_free(&whole);
}

#define STR_AND_LEN(s) s, sizeof(s) - 1

/* memmem is a GNU extension: a portable one. */
static const void *find_mem(const void *h, size_t hn, const void *n, size_t nn)
{
    for (size_t i = 0; nn <= hn && i <= hn - nn; i++)
        if (!memcmp((const char *)h + i, n, nn))
            return (const char *)h + i;
    return NULL;
}

/* ---- formats ---- */

TEST(read_format_names)
{
    kh_input_format f;
    CHECK(kh_input_format_parse("jsonl", &f) == KH_OK && f == KH_INPUT_JSONL);
    CHECK(kh_input_format_parse("petrarch", &f) == KH_OK && f == KH_INPUT_PETRARCH);
    CHECK(kh_input_format_parse("tabari", &f) == KH_OK && f == KH_INPUT_TABARI);
    CHECK(kh_input_format_parse("text", &f) == KH_OK && f == KH_INPUT_TEXT);
    CHECK(kh_input_format_parse("auto", &f) == KH_OK && f == KH_INPUT_AUTO);
    CHECK(kh_input_format_parse("yaml", &f) == KH_ERR_NOTFOUND);
    CHECK_EQ_STR(kh_input_format_name(KH_INPUT_TABARI), "tabari");
    CHECK_EQ_STR(kh_input_format_name((kh_input_format)99), "unknown");
    kh_reader *r = NULL;
    CHECK(kh_reader_new(NULL, NULL, &r) == KH_OK);
    CHECK(kh_reader_format(r) == KH_INPUT_AUTO);
    CHECK(kh_reader_push(r, NULL, 1, NULL, NULL) == KH_ERR_INVALID);
    CHECK(kh_reader_finish(r, NULL, NULL) == KH_OK);
    kh_reader_free(r);
    kh_reader_free(NULL);
}

static const char jsonl_in[] =
    "{\"id\":\"r1\",\"title\":\"Iran and Iraq sign border accord\",\"body\":\"BAGHDAD (Reuters) - Iran and "
    "Iraq signed an accord on Monday.\\n\\nThe deal ends a long dispute.\",\"date\":\"2024-04-24T08:00:00Z\","
    "\"url\":\"https://example.com/a\",\"source\":\"Example Wire\",\"extra\":{\"a\":[1,2,{\"b\":null}],\"c\":true}}\n"
    "{\"newid\": 7, \"date\": \"26-FEB-1987 15:01:01.79\", \"title\": \"BAHIA COCOA REVIEW\", \"dateline\": "
    "\"SALVADOR, Feb 26 -\", \"body\": \"Showers continued throughout the week in\\nthe Bahia cocoa zone.\\n    "
    "The dry period means the temporao will be late.\"}\r\n"
    "\n"
    "{\"text\":\"Caf\\u00e9 owners protest in Paris \\ud83d\\ude00.\",\"id\":12.5e1}\n"
    "{\"headline\":\"Talks resume\",\"content\":\"Envoys met again.\",\"id\":\"h\"}\n";

TEST(read_jsonl)
{
    run r;
    run_input(&r, STR_AND_LEN(jsonl_in), NULL, 0);
    CHECK_EQ_INT(r.st, KH_OK);
    CHECK_EQ_INT(r.stories, 4);
    CHECK_EQ_INT(r.rejected, 0);
    CHECK_EQ_INT(r.n_diag, 0);
    CHECK(!r.bad_offsets);
    const char *out = S(&r);
    /* title + "\n\n" + body, the dateline stripped from the first body unit */
    CHECK(strstr(out, "story id=r1 line=1 raw=0 off=0 date=2024-4-24\n title=Iran and Iraq sign border accord "
                      "dateline=BAGHDAD url=https://example.com/a pub=Example Wire\n") != NULL);
    CHECK(strstr(out, " unit H Iran and Iraq sign border accord\n unit B Iran and Iraq signed an accord on "
                      "Monday.\n unit B The deal ends a long dispute.\n") != NULL);
    /* Reuters: newid, date form, dateline field, indented paragraphs */
    CHECK(strstr(out, "story id=7 line=2 raw=0") != NULL);
    CHECK(strstr(out, "date=1987-2-26\n title=BAHIA COCOA REVIEW dateline=SALVADOR ") != NULL);
    CHECK(strstr(out, " unit B Showers continued throughout the week in\nthe Bahia cocoa zone.\n unit B The dry "
                      "period means the temporao will be late.\n") != NULL);
    /* escapes, surrogate pair, numeric id */
    CHECK(strstr(out, "story id=12.5e1 line=4") != NULL);
    CHECK(strstr(out, " unit B Caf\xc3\xa9 owners protest in Paris \xf0\x9f\x98\x80.\n") != NULL);
    CHECK(strstr(out, "story id=h line=5") != NULL);
    CHECK(strstr(out, " unit H Talks resume\n unit B Envoys met again.\n") != NULL);
    run_free(&r);
    check_chunking(STR_AND_LEN(jsonl_in), NULL);
}

TEST(read_jsonl_cut_line)
{
    static const char in[] = "{\"id\":\"a\",\"text\":\"First story is fine.\"}\n"
                             "{\"id\":\"b\",\"text\":\"This line was cut in ha\n"
                             "{\"id\":\"c\",\"text\":\"Third story is read.\"}\n";
    run r;
    run_input(&r, STR_AND_LEN(in), NULL, 0);
    CHECK_EQ_INT(r.st, KH_OK);
    CHECK_EQ_INT(r.stories, 2);
    CHECK_EQ_INT(r.rejected, 1);
    CHECK_EQ_STR(D(&r), "2:E:invalid JSON at column 18: unterminated string\n");
    CHECK(strstr(S(&r), "story id=c line=3") != NULL);
    run_free(&r);
}

TEST(read_jsonl_errors)
{
    static const struct {
        const char *line;
        const char *msg;
    } cases[] = {
        {"[1,2]", "invalid JSON at column 1: expected an object"},
        {"{\"text\":\"a\",}", "invalid JSON at column 13: expected a string key"},
        {"{\"text\" \"a\"}", "invalid JSON at column 9: expected ':' after a key"},
        {"{\"text\":\"a\\q\"}", "invalid JSON at column 11: invalid escape in string"},
        {"{\"text\":\"a\\u12G4\"}", "invalid JSON at column 11: invalid \\u escape"},
        {"{\"text\":\"a\tb\"}", "invalid JSON at column 11: control character in string"},
        {"{\"text\":\"a\"} x", "invalid JSON at column 14: trailing characters after the object"},
        {"{\"text\":01}", "invalid JSON at column 10: expected ',' or '}'"},
        {"{\"text\":-}", "invalid JSON at column 9: invalid number"},
        {"{\"text\":tru}", "invalid JSON at column 9: invalid literal"},
        {"{\"text\":\"a\",\"x\":[1,2}", "invalid JSON at column 21: expected ',' or ']'"},
        {"{\"text\":\"a\"", "invalid JSON at column 12: unexpected end of line"},
        {"{\"body\":\"\"}", NULL},
        {"{\"txt\":\"a\"}", "no story text (\"text\", \"title\" or \"body\"), record skipped"},
    };
    for (size_t i = 0; i < KH_ARRAY_LEN(cases); i++) {
        char in[256];
        snprintf(in, sizeof in, "%s\n{\"text\":\"ok\"}\n", cases[i].line);
        kh_read_options o;
        memset(&o, 0, sizeof o);
        o.format = KH_INPUT_JSONL;
        run r;
        run_input(&r, in, strlen(in), &o, 0);
        CHECK_EQ_INT(r.stories, 1);
        if (cases[i].msg) {
            char want[300];
            snprintf(want, sizeof want, "1:E:%s\n", cases[i].msg);
            CHECK_EQ_STR(D(&r), want);
            CHECK_EQ_INT(r.rejected, 1);
        } else {
            CHECK_EQ_STR(D(&r), "1:W:empty story text, record skipped\n");
            CHECK_EQ_INT(r.rejected, 0);
        }
        run_free(&r);
    }
    /* nesting is capped, not recursed without end */
    char deep[2000];
    size_t n = 0;
    n += (size_t)snprintf(deep, sizeof deep, "{\"text\":\"a\",\"x\":");
    for (int k = 0; k < 600; k++)
        deep[n++] = '[';
    deep[n++] = '\n';
    run r;
    run_input(&r, deep, n, NULL, 0);
    CHECK_EQ_INT(r.rejected, 1);
    CHECK(strstr(D(&r), "nesting too deep") != NULL);
    run_free(&r);
}

TEST(read_reuters_date)
{
    static const char in[] = "{\"newid\":\"1\",\"date\":\"26-FEB-1987 15:01:01.79\",\"body\":\"x y.\"}\n"
                             "{\"newid\":\"2\",\"date\":\"1-mar-1987\",\"body\":\"x y.\"}\n"
                             "{\"newid\":\"3\",\"date\":\"31-FEB-1987 00:00:00.00\",\"body\":\"x y.\"}\n";
    kh_read_options o;
    memset(&o, 0, sizeof o);
    o.default_date.year = 2000;
    o.default_date.month = 1;
    o.default_date.day = 2;
    run r;
    run_input(&r, STR_AND_LEN(in), &o, 0);
    CHECK_EQ_INT(r.stories, 3);
    CHECK(strstr(S(&r), "story id=1 line=1 raw=0 off=0 date=1987-2-26\n") != NULL);
    CHECK(strstr(S(&r), "story id=2 line=2 raw=0 off=61 date=1987-3-1\n") != NULL);
    CHECK(strstr(S(&r), "story id=3 line=3 raw=0 off=109 date=2000-1-2\n") != NULL);
    CHECK(strstr(D(&r), "3:W:date '31-FEB-1987 00:00:00.00' not understood") != NULL);
    run_free(&r);
    /* the first record of the corpus itself */
    char path[1024];
    snprintf(path, sizeof path, "%s/corpora/reuters21578/reuters21578.jsonl", unit_shared());
    FILE *f = fopen(path, "rb");
    if (!f) {
        unit_skip("no shared");
        return;
    }
    char *line = malloc(1 << 16);
    REQUIRE(line != NULL);
    if (fgets(line, 1 << 16, f)) {
        run_input(&r, line, strlen(line), NULL, 0);
        CHECK(strstr(S(&r), "story id=1 line=1 raw=0 off=0 date=1987-2-26\n title=BAHIA COCOA REVIEW "
                            "dateline=SALVADOR ") != NULL);
        run_free(&r);
    }
    free(line);
    fclose(f);
}

static const char tabari_in[] =
    "# a comment outside records\n"
    "\n"
    "950101  DEMO-01\n"
    "Arnor is about to restore full diplomatic ties with Gondor almost\n"
    "five years after crowds trashed its embassy.\n"
    "/*\\n--------------\n"
    "\\n{ ARN / GON / 064 } */\n"
    "\n"
    "950103 DEMO-04\n"
    "Dagolath's Prime Minister left for Minas Tirith on Wednesday./*\n"
    "\\n{ DAG / GON / 032 }   /*\n"
    "\n"
    "\n"
    "20150607 YYYY-01\r\n"
    "Fornost restored ties with Gondor.\r\n"
    "/* comment */ and a tail after it\r\n";

TEST(read_tabari)
{
    run r;
    run_input(&r, STR_AND_LEN(tabari_in), NULL, 0);
    CHECK_EQ_INT(r.st, KH_OK);
    CHECK_EQ_INT(r.stories, 3);
    CHECK_EQ_INT(r.rejected, 0);
    CHECK_EQ_INT(r.n_diag, 0);
    CHECK(!r.raw_mismatch);
    CHECK(!r.bad_offsets);
    const char *out = S(&r);
    CHECK(strstr(out, "story id=DEMO-01 line=3 raw=1 off=45 date=1995-1-1\n") != NULL);
    CHECK(strstr(out, " text=Arnor is about to restore full diplomatic ties with Gondor almost\nfive years after "
                      "crowds trashed its embassy.\n unit B Arnor") != NULL);
    CHECK(strstr(out, "story id=DEMO-04 line=9 raw=1 off=216 date=1995-1-3\n") != NULL);
    CHECK(strstr(out, " text=Dagolath's Prime Minister left for Minas Tirith on Wednesday.\n") != NULL);
    CHECK(strstr(out, "story id=YYYY-01 line=14 raw=1") != NULL);
    CHECK(strstr(out, "date=2015-6-7") != NULL);
    CHECK(strstr(out, " unit B Fornost restored ties with Gondor.\n unit B and a tail after it\n") != NULL);
    CHECK(strstr(out, "ARN / GON") == NULL);
    run_free(&r);
    check_chunking(STR_AND_LEN(tabari_in), NULL);
}

static const char petr_in[] =
    "<?xml version=\"1.0\"?>\n"
    "<Validation>\n<!-- a <Sentence> in a comment is no sentence -->\n"
    "<Sentences>\n"
    "<Sentence date=\"19950101\" id=\"DEMO-01\" category=\"DEMO\" sentence=\"true\">\n"
    "<EventCoding sourcecode=\"ARN\" targetcode=\"GON\" eventcode=\"064\"></EventCoding>\n"
    "<Text>\n"
    "Arnor &amp; Gondor &lt;really&gt; said &quot;yes&quot; &apos;now&apos; &#65;&#x42; &bogus; R&D.\n"
    "</Text>\n"
    "<Parse>(ROOT (S (NP (NNP Arnor))))</Parse>\n"
    "</Sentence>\n"
    "<Sentence date='19950102' id='DEMO-02'><Text><![CDATA[a <b> ]] c]]></Text></Sentence>\n"
    "<Sentence date=\"19950103\" id=\"DEMO-03\"><Parse>x</Parse></Sentence>\n"
    "<Sentence date=\"19950104\" id=\"DEMO-04\"><Text>open\n"
    "</Sentences>\n";

TEST(read_petrarch)
{
    run r;
    run_input(&r, STR_AND_LEN(petr_in), NULL, 0);
    CHECK_EQ_INT(r.st, KH_OK);
    CHECK_EQ_INT(r.stories, 2);
    CHECK_EQ_INT(r.rejected, 2);
    const char *out = S(&r);
    CHECK(strstr(out, "story id=DEMO-01 line=5 raw=0 off=0 date=1995-1-1\n") != NULL);
    CHECK(strstr(out, " text=Arnor & Gondor <really> said \"yes\" 'now' AB &bogus; R&D.\n") != NULL);
    CHECK(strstr(out, "story id=DEMO-02 line=12 raw=0 off=0 date=1995-1-2\n") != NULL);
    CHECK(strstr(out, " text=a <b> ]] c\n") != NULL);
    CHECK(strstr(D(&r), "13:E:<Sentence> without <Text>, record skipped\n") != NULL);
    CHECK(strstr(D(&r), "14:E:<Sentence> not closed at the end of input, record skipped\n") != NULL);
    run_free(&r);
    check_chunking(STR_AND_LEN(petr_in), NULL);
}

/* Reads `rel` under ../shared, or in the tree when `rel` starts with "./". */
static void read_file_run(run *r, const char *rel, const kh_read_options *o, char **keep)
{
    char path[1024];
    if (strncmp(rel, "./", 2) == 0)
        snprintf(path, sizeof path, "%s", rel);
    else
        snprintf(path, sizeof path, "%s/%s", unit_shared(), rel);
    size_t len = 0;
    char *data = unit_read_file(path, &len);
    memset(r, 0, sizeof *r);
    if (!data) {
        r->st = KH_ERR_NOTFOUND;
        return;
    }
    run_input(r, data, len, o, 0);
    if (keep)
        *keep = data;
    else
        free(data);
}

TEST(read_suites)
{
    run r;
    read_file_run(&r, "suites/tabari-validate/Validate.text", NULL, NULL);
    if (r.st == KH_ERR_NOTFOUND) {
        unit_skip("no shared");
        return;
    }
    CHECK_EQ_INT(r.st, KH_OK);
    /* 475 records with a 6-digit date, 6 more with 7-9 digits */
    CHECK_EQ_INT(r.stories, 481);
    CHECK_EQ_INT(r.rejected, 0);
    CHECK_EQ_INT(r.n_err, 0);
    CHECK(!r.bad_offsets);
    CHECK(strstr(S(&r), "{ ARN / GON") == NULL);
    CHECK(strstr(S(&r), "\n text=/*") == NULL);
    run_free(&r);
    read_file_run(&r, "suites/tabari-validate/TABARI.Demo.text", NULL, NULL);
    CHECK_EQ_INT(r.stories, 46);
    CHECK_EQ_INT(r.rejected, 0);
    CHECK_EQ_INT(r.n_diag, 0);
    CHECK(strstr(S(&r), "story id=INTRO line=1 raw=1") != NULL);
    run_free(&r);
    read_file_run(&r, "suites/petrarch-unittest/PETR.UnitTest.records.xml", NULL, NULL);
    CHECK_EQ_INT(r.stories, 284);
    CHECK_EQ_INT(r.rejected, 0);
    CHECK_EQ_INT(r.n_diag, 0);
    CHECK(strstr(S(&r), "(ROOT") == NULL);
    CHECK(strstr(S(&r), " text=Arnor will abandon full &TIETYPE ties") != NULL);
    run_free(&r);
}

/* ---- plain text and cleaning ---- */

TEST(read_seed)
{
    run r;
    char *data = NULL;
    /* ../shared/seeds/000_cf2e950d9dabc652.txt, kept in the tree as the example */
    read_file_run(&r, "./examples/seed-2024.txt", NULL, &data);
    REQUIRE(r.st != KH_ERR_NOTFOUND);
    CHECK_EQ_INT(r.st, KH_OK);
    CHECK_EQ_INT(r.stories, 2);
    CHECK_EQ_INT(r.rejected, 0);
    CHECK_EQ_INT(r.n_diag, 0);
    CHECK(!r.unit_has_caption);
    CHECK(!r.raw_mismatch);
    CHECK(!r.bad_offsets);
    const char *out = S(&r);
    CHECK(strstr(out, "story id=t:1 line=1 raw=1 off=0 date=0-0-0\n title=NKorea Sends Delegation to Iran in "
                      "Growing Effort to Break Diplomatic Isolation dateline=-") != NULL);
    CHECK(strstr(out, "story id=t:28 line=28 raw=1") != NULL);
    CHECK(strstr(out, " title=Grossi Wants to Meet with Iran\xe2\x80\x99s Pezeshkian \xe2\x80\x98"
                      "at Earliest Convenience\xe2\x80\x99 ") != NULL);
    /* each headline once, as the first unit; no marker, no credit in a unit */
    const char *h1 = strstr(out, " unit H NKorea Sends");
    CHECK(h1 && !strstr(h1 + 1, " unit H NKorea") && !strstr(h1 + 1, " unit B NKorea"));
    CHECK(strstr(out, " unit B TT") == NULL && strstr(out, "\nTT\n unit") == NULL);
    for (const char *u = strstr(out, " unit "); u; u = strstr(u + 1, " unit ")) {
        const char *e = strchr(u, '\n');
        size_t n = e ? (size_t)(e - u) : strlen(u);
        CHECK(!find_mem(u, n, "(Photo by", 9) && !find_mem(u, n, "(Reuters)", 9) && !find_mem(u, n, "People buy", 10));
    }
    /* one caption each, listed once */
    size_t caps = 0;
    for (const char *c = strstr(out, " caption "); c; c = strstr(c + 1, " caption "))
        caps++;
    CHECK_EQ_INT(caps, 2);
    CHECK(strstr(out, " caption People buy spices and dried fruits at the Grand Bazaar in Tehran, on April 21, "
                      "2024. (Photo by ATTA KENARE / AFP)\n") != NULL);
    CHECK(strstr(out, " unit B A high-level North Korean economic delegation was in Iran on Wednesday") != NULL);
    run_free(&r);
    check_chunking(data, strlen(data), NULL);
    free(data);
}

static const char wire_in[] =
    "Iran says talks with IAEA will go on\n"
    "\n"
    "Iranian Foreign Minister speaks in Tehran on Monday.\n"
    "Iranian Foreign Minister speaks in Tehran on Monday.\n"
    "AD\n"
    "\n"
    "TEHRAN (Reuters) - Iran said on Monday talks with the U.N. nuclear watchdog would go on.\n"
    "Advertisement\n"
    "The foreign ministry spokesman told reporters the talks were useful.\n"
    "A protester holds a flag in Tehran. (AP Photo/Vahid Salemi)\n"
    "Officials met in Vienna. REUTERS/Leonhard Foeger / Reuters\n"
    "Read more\n"
    "\n"
    "Share\n"
    "The next round is due in May. (AFP)\n"
    "Diplomats expect progress, a source said.\n"
    "\n"
    "\n"
    "\n"
    "U.S. and Cuba restore ties after decades\n"
    "\n"
    "WASHINGTON, March 3 (AP) \xe2\x80\x94 The United States and Cuba restored diplomatic ties.\n"
    "Officials gather in Havana. Getty Images\n"
    "\n"
    "Cuba hails a new era\n"
    "\n"
    "\n"
    "Sugar prices steady in quiet trade\n"
    "\n"
    "SALVADOR, Feb 26 - Sugar prices held steady in quiet trade on Thursday.\n"
    "\n"
    "Markets rally as rates hold\n"
    "\n"
    "Caption of a market photo shown on the page.\n"
    "\n"
    "Markets rally as rates hold\n"
    "\n"
    "Stocks rose on Wednesday after the central bank held rates.\n";

TEST(read_clean_rules)
{
    run r;
    run_input(&r, STR_AND_LEN(wire_in), NULL, 0);
    CHECK_EQ_INT(r.st, KH_OK);
    CHECK_EQ_INT(r.stories, 4);
    CHECK_EQ_INT(r.n_diag, 0);
    CHECK(!r.raw_mismatch);
    CHECK(!r.unit_has_caption);
    const char *out = S(&r);
    /* dateline stripped, its place kept; markers dropped; captions out */
    CHECK(strstr(out, " title=Iran says talks with IAEA will go on dateline=TEHRAN ") != NULL);
    CHECK(strstr(out, " unit H Iran says talks with IAEA will go on\n"
                      " unit B Iran said on Monday talks with the U.N. nuclear watchdog would go on.\n"
                      " unit B The foreign ministry spokesman told reporters the talks were useful.\n"
                      " unit B The next round is due in May. (AFP)\n" /* credit ends a line: a caption */
                      "") == NULL);
    CHECK(strstr(out, " unit B The foreign ministry spokesman told reporters the talks were useful.\n"
                      " unit B Diplomats expect progress, a source said.\n") != NULL);
    CHECK(strstr(out, " caption Iranian Foreign Minister speaks in Tehran on Monday.\n"
                      " caption A protester holds a flag in Tehran. (AP Photo/Vahid Salemi)\n"
                      " caption Officials met in Vienna. REUTERS/Leonhard Foeger / Reuters\n"
                      " caption The next round is due in May. (AFP)\n") != NULL);
    CHECK(strstr(out, "Advertisement\n unit") == NULL && strstr(out, " unit B Read more") == NULL &&
          strstr(out, " unit B Share") == NULL && strstr(out, " unit B AD") == NULL);
    /* AP style dateline with a date; rule (a) boundary after 3 blank lines */
    CHECK(strstr(out, " title=U.S. and Cuba restore ties after decades dateline=WASHINGTON ") != NULL);
    /* one blank line before a headline-like line is no boundary by itself */
    CHECK(strstr(out, " unit B The United States and Cuba restored diplomatic ties.\n unit B Cuba hails a new "
                      "era\n caption Officials gather in Havana. Getty Images\n") != NULL);
    /* Reuters-style dateline with a date */
    CHECK(strstr(out, " title=Sugar prices steady in quiet trade dateline=SALVADOR ") != NULL);
    CHECK(strstr(out, " unit H Sugar prices steady in quiet trade\n unit B Sugar prices held steady in quiet "
                      "trade on Thursday.\n") != NULL);
    /* ...but a repeated headline is (rule b): the story starts at its first occurrence */
    CHECK(strstr(out, " title=Markets rally as rates hold ") != NULL);
    CHECK(strstr(out, " unit H Markets rally as rates hold\n unit B Caption of a market photo shown on the "
                      "page.\n unit B Stocks rose on Wednesday after the central bank held rates.\n") != NULL);
    run_free(&r);
    check_chunking(STR_AND_LEN(wire_in), NULL);
}

TEST(read_datelines)
{
    static const struct {
        const char *in;
        const char *place; /* NULL: no dateline */
        const char *rest;
    } cases[] = {
        {"TEHRAN (Reuters) - Iran said", "TEHRAN", "Iran said"},
        {"WASHINGTON, March 3 (AP) \xe2\x80\x94 The", "WASHINGTON", "The"},
        {"SALVADOR, Feb 26 - Showers", "SALVADOR", "Showers"},
        {"UNITED NATIONS (Reuters) -- The council", "UNITED NATIONS", "The council"},
        {"BEIRUT, Lebanon (AP) \xe2\x80\x93 Israeli jets", "BEIRUT", "Israeli jets"},
        {"(Reuters) - Oil prices rose", "", "Oil prices rose"},
        {"MOSCOW - Russia said", "MOSCOW", "Russia said"},
        {"Tehran (Reuters) - Iran", NULL, NULL},
        {"TEHRAN-based firms said", NULL, NULL},
        {"US - China talks", NULL, NULL},
        {"The UN said - again", NULL, NULL},
        {"PARIS, Texas - A man", NULL, NULL},
    };
    for (size_t i = 0; i < KH_ARRAY_LEN(cases); i++) {
        kh_span place;
        size_t skip = 0;
        int ok = kh_clean_dateline(cases[i].in, strlen(cases[i].in), 1, &place, &skip);
        if (!cases[i].place) {
            if (ok)
                fprintf(stderr, "  case %zu: unexpected dateline\n", i);
            CHECK(!ok);
            continue;
        }
        CHECK(ok);
        if (!ok)
            continue;
        CHECK_EQ_INT(place.len, strlen(cases[i].place));
        CHECK(!strncmp(cases[i].in + place.off, cases[i].place, place.len));
        CHECK_EQ_STR(cases[i].in + skip, cases[i].rest);
    }
    /* a dateline field without a dash */
    kh_span place;
    size_t skip;
    CHECK(kh_clean_dateline("NEW YORK, March 2", 17, 0, &place, &skip) && place.len == 8);
}

TEST(read_clean_lines)
{
    CHECK(kh_clean_is_marker("TT", 2));
    CHECK(kh_clean_is_marker("  Advertisement ", 16));
    CHECK(kh_clean_is_marker("Read more:", 10));
    CHECK(!kh_clean_is_marker("Tt", 2));
    CHECK(!kh_clean_is_marker("ABCD", 4));
    CHECK(kh_clean_is_caption("X. (Photo by ATTA KENARE / AFP)", 31));
    CHECK(kh_clean_is_caption("X, March 15, 2023. (Reuters)", 28));
    CHECK(kh_clean_is_caption("Y (AP Photo/Vahid Salemi)", 25));
    CHECK(kh_clean_is_caption("Z. Getty Images", 15));
    CHECK(kh_clean_is_caption("Z. AFP via Getty Images", 23));
    CHECK(kh_clean_is_caption("Z. REUTERS/Someone / Reuters", 28));
    CHECK(kh_clean_is_caption("Talks end. (Reporting by A; Editing by B)", 41));
    CHECK(!kh_clean_is_caption("The deal (signed in May) holds.", 31));
    CHECK(!kh_clean_is_caption("He cited the report (2023)", 26));
    CHECK(kh_clean_headline_like("NKorea Sends Delegation to Iran", 31));
    CHECK(kh_clean_headline_like("Will Iran talk? \xe2\x80\x9cMaybe\xe2\x80\x9d", 23));
    CHECK(!kh_clean_headline_like("A sentence that ends with a period.", 35));
    CHECK(!kh_clean_headline_like("lower case start of a line", 26));
    CHECK(!kh_clean_headline_like("Single", 6));
    CHECK(!kh_clean_headline_like("He said: \xe2\x80\x9cWe will.\xe2\x80\x9d", 20));
}

TEST(read_crlf_and_bytes)
{
    /* CRLF copy reads like LF copy (offsets aside), whatever the chunks */
    static const char lf[] = "Iran and Iraq sign accord\n\nBAGHDAD (Reuters) - They signed.\nAgain.\n";
    static const char crlf[] = "Iran and Iraq sign accord\r\n\r\nBAGHDAD (Reuters) - They signed.\r\nAgain.\r\n";
    run a, b;
    run_input(&a, STR_AND_LEN(lf), NULL, 0);
    run_input(&b, STR_AND_LEN(crlf), NULL, 1);
    CHECK_EQ_INT(a.stories, 1);
    CHECK_EQ_INT(b.stories, 1);
    CHECK(strstr(S(&b), " unit H Iran and Iraq sign accord\n unit B They signed.\r\nAgain.\n") != NULL);
    CHECK(strstr(S(&a), " unit H Iran and Iraq sign accord\n unit B They signed.\nAgain.\n") != NULL);
    CHECK(!b.raw_mismatch);
    run_free(&a);
    run_free(&b);
    check_chunking(STR_AND_LEN(crlf), NULL);
    /* invalid UTF-8 stays in the text as it was; a NUL becomes a space */
    static const char bad[] = "Caf\xc3 owners \xff\xfe protest\n\nThe \0police\xe2\x80 said so.\n";
    run c;
    run_input(&c, STR_AND_LEN(bad), NULL, 0);
    CHECK_EQ_INT(c.st, KH_OK);
    CHECK_EQ_INT(c.stories, 1);
    CHECK_EQ_INT(c.n_diag, 0);
    CHECK(!c.raw_mismatch);
    CHECK(find_mem(S(&c), c.out.len, "The  police\xe2\x80 said so.", 22) != NULL);
    run_free(&c);
    check_chunking(STR_AND_LEN(bad), NULL);
}

TEST(read_empty_and_blank)
{
    run r;
    run_input(&r, "", 0, NULL, 0);
    CHECK_EQ_INT(r.st, KH_OK);
    CHECK_EQ_INT(r.stories, 0);
    CHECK_EQ_INT(r.n_diag, 0);
    run_free(&r);
    run_input(&r, STR_AND_LEN("\n\n  \r\n\t\n"), NULL, 0);
    CHECK_EQ_INT(r.stories, 0);
    CHECK_EQ_INT(r.n_diag, 0);
    run_free(&r);
    static const kh_input_format fmts[] = {KH_INPUT_TEXT, KH_INPUT_JSONL, KH_INPUT_TABARI, KH_INPUT_PETRARCH};
    for (size_t i = 0; i < KH_ARRAY_LEN(fmts); i++) {
        kh_read_options o;
        memset(&o, 0, sizeof o);
        o.format = fmts[i];
        run_input(&r, "", 0, &o, 0);
        CHECK_EQ_INT(r.stories + r.n_diag, 0);
        run_free(&r);
    }
}

TEST(read_binary)
{
    char bin[8192];
    uint32_t seed = 42;
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (char)(lcg(&seed) % 7 == 0 ? 0 : lcg(&seed) & 0xff);
    static const kh_input_format fmts[] = {KH_INPUT_AUTO, KH_INPUT_TEXT, KH_INPUT_JSONL, KH_INPUT_TABARI,
                                           KH_INPUT_PETRARCH};
    for (size_t i = 0; i < KH_ARRAY_LEN(fmts); i++) {
        kh_read_options o;
        memset(&o, 0, sizeof o);
        o.format = fmts[i];
        run r;
        run_input(&r, bin, sizeof bin, &o, 0);
        CHECK_EQ_INT(r.st, KH_OK);
        CHECK(!strncmp(D(&r), "1:W:binary input?", 17));
        CHECK(!r.bad_offsets);
        CHECK(!r.raw_mismatch);
        run_free(&r);
        check_chunking(bin, sizeof bin, &o);
    }
}

/* ---- limits and memory ---- */

typedef struct count_alloc {
    size_t live, peak;
    size_t n, fail_at; /* fail the fail_at-th allocation (1-based; 0 = never) */
} count_alloc;

static void *ca_malloc(void *ctx, size_t size)
{
    count_alloc *c = (count_alloc *)ctx;
    if (c->fail_at && ++c->n == c->fail_at)
        return NULL;
    size_t *p = malloc(size + 16);
    if (!p)
        return NULL;
    p[0] = size;
    c->live += size;
    if (c->live > c->peak)
        c->peak = c->live;
    return (char *)p + 16;
}

static void ca_free(void *ctx, void *ptr)
{
    count_alloc *c = (count_alloc *)ctx;
    if (!ptr)
        return;
    size_t *p = (size_t *)(void *)((char *)ptr - 16);
    c->live -= p[0];
    free(p);
}

static void *ca_realloc(void *ctx, void *ptr, size_t size)
{
    count_alloc *c = (count_alloc *)ctx;
    if (!ptr)
        return ca_malloc(ctx, size);
    if (c->fail_at && ++c->n == c->fail_at)
        return NULL;
    size_t *p = (size_t *)(void *)((char *)ptr - 16);
    size_t old = p[0];
    size_t *q = realloc(p, size + 16);
    if (!q)
        return NULL;
    q[0] = size;
    c->live = c->live - old + size;
    if (c->live > c->peak)
        c->peak = c->live;
    return (char *)q + 16;
}

TEST(read_huge_line)
{
    /* 100 MB without a newline, then a story: one diagnostic naming line 2,
     * the story after it still read, memory below 2 * max_line */
    static const kh_input_format fmts[] = {KH_INPUT_AUTO, KH_INPUT_JSONL, KH_INPUT_TABARI, KH_INPUT_PETRARCH};
    const size_t chunk = 1 << 20, total = (size_t)100 << 20;
    char *buf = malloc(chunk);
    REQUIRE(buf != NULL);
    memset(buf, 'x', chunk);
    for (size_t f = 0; f < KH_ARRAY_LEN(fmts); f++) {
        count_alloc ca = {0, 0, 0, 0};
        kh_allocator al = {ca_malloc, ca_realloc, ca_free, &ca};
        kh_read_options o;
        memset(&o, 0, sizeof o);
        o.format = fmts[f];
        o.alloc = &al;
        o.limits.max_line = (size_t)1 << 20;
        run r;
        memset(&r, 0, sizeof r);
        o.diag = on_diag;
        o.diag_ctx = &r;
        kh_reader *rd = NULL;
        REQUIRE(kh_reader_new(&o, "t", &rd) == KH_OK);
        static const char *const head[] = {
            "First story line is fine.\n\n\nThe huge one\n\n",
            "{\"text\":\"first\"}\n{\"text\":\"",
            "950101 A\nFirst record.\n\n950102 B\n",
            "<Sentences>\n<Sentence id=\"a\"><Text>first</Text></Sentence>\n<Sentence id=\"b\"><Text>",
        };
        static const char *const tail[] = {
            "\n\n\nAfter the huge line\n\nIt is read.\n",
            "\n{\"text\":\"after\"}\n",
            "\n\n950103 C\nAfter.\n",
            "\n</Text></Sentence><Sentence id=\"c\"><Text>after</Text></Sentence></Sentences>\n",
        };
        kh_status st = kh_reader_push(rd, head[f], strlen(head[f]), on_story, &r);
        size_t line_no = 1;
        for (const char *q = head[f]; *q; q++)
            line_no += *q == '\n';
        for (size_t sent = 0; sent < total && !st; sent += chunk)
            st = kh_reader_push(rd, buf, chunk, on_story, &r);
        if (!st)
            st = kh_reader_push(rd, tail[f], strlen(tail[f]), on_story, &r);
        if (!st)
            st = kh_reader_finish(rd, on_story, &r);
        CHECK_EQ_INT(st, KH_OK);
        kh_reader_counts(rd, &r.stories, &r.rejected);
        kh_reader_free(rd);
        CHECK_EQ_INT(r.n_err, 1);
        CHECK_EQ_INT(r.rejected, 1);
        char want[128];
        snprintf(want, sizeof want, "%zu:E:line too long (%zu bytes > max 1048576), record skipped\n", line_no,
                 total + (f == 1 ? 9 : f == 3 ? 23 : 0));
        CHECK_EQ_STR(D(&r), want);
        CHECK(r.stories >= 2);
        CHECK(strstr(S(&r), "first") || strstr(S(&r), "First"));
        CHECK(strstr(S(&r), "fter"));
        if (ca.peak >= 2 * o.limits.max_line)
            fprintf(stderr, "  format %zu: peak %zu bytes\n", f, ca.peak);
        CHECK(ca.peak < 2 * o.limits.max_line);
        CHECK_EQ_INT(ca.live, 0);
        run_free(&r);
    }
    free(buf);
}

TEST(read_story_limits)
{
    kh_read_options o;
    memset(&o, 0, sizeof o);
    o.limits.max_story = 64;
    static const char in[] = "A short story here\n\nIt has a body.\n\n\n"
                             "A long story follows now\n\n"
                             "Its body is much longer than the sixty-four bytes allowed by the limit.\n"
                             "More of it.\n\n\nThe next story is fine\n\nShort body.\n";
    run r;
    run_input(&r, STR_AND_LEN(in), &o, 0);
    CHECK_EQ_INT(r.stories, 2);
    CHECK_EQ_INT(r.rejected, 1);
    CHECK_EQ_STR(D(&r), "6:E:story too large (more than 64 bytes), record skipped\n");
    CHECK(strstr(S(&r), " title=The next story is fine ") != NULL);
    run_free(&r);
    check_chunking(STR_AND_LEN(in), &o);
}

TEST(read_many_sentences)
{
    /* a story of 10,000 sentences: 1,000 paragraphs of 10, and one
     * paragraph holding them all */
    sbuf in = {0};
    sb_add(&in, STR_AND_LEN("A headline for a long story\n\n"));
    for (int p = 0; p < 1000; p++) {
        for (int s = 0; s < 10; s++)
            sb_fmt(&in, "Sentence %d of paragraph %d is here. ", s, p);
        sb_add(&in, "\n\n", 2);
    }
    run r;
    run_input(&r, in.p, in.len, NULL, 0);
    CHECK_EQ_INT(r.st, KH_OK);
    CHECK_EQ_INT(r.stories, 1);
    CHECK_EQ_INT(r.n_diag, 0);
    size_t units = 0;
    for (const char *u = strstr(S(&r), " unit B "); u; u = strstr(u + 1, " unit B "))
        units++;
    CHECK_EQ_INT(units, 1000);
    run_free(&r);
    sbuf one = {0};
    sb_add(&one, STR_AND_LEN("{\"text\":\""));
    for (int s = 0; s < 10000; s++)
        sb_fmt(&one, "Sentence %d is here. ", s);
    sb_add(&one, STR_AND_LEN("\"}\n"));
    run_input(&r, one.p, one.len, NULL, 0);
    CHECK_EQ_INT(r.stories, 1);
    CHECK(strstr(S(&r), "Sentence 9999 is here.\n") != NULL);
    run_free(&r);
    free(in.p);
    free(one.p);
}

TEST(read_alloc_failures)
{
    /* fail each allocation in turn: a status comes back, nothing leaks */
    static const struct {
        const char *in;
        size_t len;
    } inputs[] = {{STR_AND_LEN(wire_in)}, {STR_AND_LEN(jsonl_in)}, {STR_AND_LEN(tabari_in)}, {STR_AND_LEN(petr_in)}};
    for (size_t i = 0; i < KH_ARRAY_LEN(inputs); i++) {
        for (size_t n = 1; n < 200; n++) {
            count_alloc ca = {0, 0, 0, n};
            kh_allocator al = {ca_malloc, ca_realloc, ca_free, &ca};
            kh_read_options o;
            memset(&o, 0, sizeof o);
            o.alloc = &al;
            kh_reader *rd = NULL;
            kh_status st = kh_reader_new(&o, "t", &rd);
            run r;
            memset(&r, 0, sizeof r);
            for (size_t pos = 0; !st && pos < inputs[i].len; pos += 5) {
                size_t k = inputs[i].len - pos < 5 ? inputs[i].len - pos : 5;
                st = kh_reader_push(rd, inputs[i].in + pos, k, on_story, &r);
            }
            if (!st)
                st = kh_reader_finish(rd, on_story, &r);
            CHECK(st == KH_OK || st == KH_ERR_NOMEM);
            kh_reader_free(rd);
            CHECK_EQ_INT(ca.live, 0);
            run_free(&r);
            if (ca.n < n)
                break; /* every allocation succeeded: done */
        }
    }
}
