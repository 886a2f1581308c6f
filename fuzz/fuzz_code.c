/*
 * fuzz_code.c: libFuzzer harness for the coder end to end (src/events and
 * everything under it: sentences, tokens, tags, chunks, actors, patterns,
 * dates, places, per-story merge). Needs the real images: the lexicon and
 * the dictionary from $KHALDUN_DATA (else build/data); without them every
 * input is skipped. The first byte picks how the story is made:
 *   bit 0: through the reader (plain text, or JSON Lines with bit 1), so
 *          units and captions are the reader's; else by hand: the text cut
 *          into units at blank lines, the first a headline with bit 1;
 *   bit 2: a story date (from bytes 1-2) or none;
 *   bit 3: small limits (max_tokens / max_sentences reached);
 *   bit 4: the real dictionary, else a small one with verb patterns built
 *          here from a khaldun source (the real image may have no verbs
 *          yet, and events are what this harness is about).
 * Every event is checked: codes and names present, QuadClass 0..4, at
 * least one mention, and every mention's sentence index and spans (text,
 * source, target, verb) inside the document and the story text.
 *
 *   sh fuzz/run.sh build-fuzz 60     (builds with the whole library)
 *   build-fuzz/fuzz_code -dict=fuzz/dict/code.dict fuzz/corpus/code
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "khaldun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_at(int cond, int line)
{
    if (!cond) {
        fprintf(stderr, "fuzz_code: check failed at line %d\n", line);
        abort();
    }
}
#define check(c) check_at((c) ? 1 : 0, __LINE__)

typedef struct models {
    kh_lexicon *lex;
    kh_dict *dict;
    kh_dict *verbs_dict;   /* the small dictionary with verb patterns */
    kh_coder *coder[4];    /* [small dict?][small limits?] */
} models;

static const char verbs_source[] =
    "[codes]\n"
    "036 | 4.0 | Express intent to meet or negotiate\n"
    "040 | 1.0 | Consult\n"
    "042 | 1.9 | Make a visit\n"
    "0712 | 7.4 | Provide military aid\n"
    "111 | -2.0 | Criticize or denounce\n"
    "112 | -2.0 | Accuse\n"
    "1241 | -5.0 | Refuse to meet\n"
    "190 | -10.0 | Use conventional military force\n"
    "[countries]\n"
    "IRN | Iran; Islamic Republic of Iran | Iranian; Iranians | Tehran\n"
    "RUS | Russia | Russian; Russians | Moscow; Kremlin\n"
    "USA | United States; U.S.; America | American; Americans | Washington; White House\n"
    "ISR | Israel | Israeli; Israelis | Jerusalem\n"
    "PRK | North Korea; DPRK | North Korean | Pyongyang\n"
    "[actors]\n"
    "Masoud Pezeshkian; Pezeshkian | IRNGOV 2024-07-28.. ; IRNLEG ..2024-07-27 | President\n"
    "Vladimir Putin; Putin | RUSGOV |\n"
    "International Atomic Energy Agency; IAEA | IGOUNOIAE |\n"
    "Hamas | PSENGO |\n"
    "[agents]\n"
    "minister; ministers; president | GOV |\n"
    "troops; soldiers; army | MIL |\n"
    "chief; head | * |\n"
    "[places]\n"
    "Gaza | PSE | Gaza | 31.5,34.46 | 410000 | 281133\n"
    "Tehran | IRN | Tehran | 35.6944,51.4215 | 7153309 | 112931\n"
    "[synsets]\n"
    "&WEAPON | weapon; weapons; missile; missiles\n"
    "[verbs]\n"
    "visit $T | 042 |\n"
    "meet with $T | 040 |\n"
    "meet $T | 040 |\n"
    "provide $T with &WEAPON | 0712 |\n"
    "criticize $T | 111 |\n"
    "accuse $T of | 112 |\n"
    "attack $T | 190 |\n"
    "negotiate with $T | 036 |\n"
    "refuse meet $T | 1241 |\n";

static kh_dict *build_verbs_dict(void)
{
    kh_dict_builder *b = NULL;
    kh_dict *d = NULL;
    char tmp[] = "/tmp/khaldun-fuzz-code-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd < 0)
        return NULL;
    close(fd);
    if (kh_dict_builder_new(NULL, NULL, NULL, &b) == KH_OK &&
        kh_dict_builder_add(b, KH_DICT_KHALDUN, "verbs.txt", verbs_source,
                            sizeof verbs_source - 1) == KH_OK &&
        kh_dict_builder_finish(b, tmp, NULL) == KH_OK &&
        kh_dict_load(tmp, NULL, &d, NULL) != KH_OK)
        d = NULL;
    kh_dict_builder_free(b);
    unlink(tmp); /* the mapping stays valid */
    return d;
}

static kh_coder *new_coder(const models *m, const kh_dict *dict, size_t max_tokens,
                           size_t max_sentences)
{
    kh_code_options o;
    memset(&o, 0, sizeof o);
    o.dict = dict;
    o.lexicon = m->lex;
    o.limits.max_tokens = max_tokens;
    o.limits.max_sentences = max_sentences;
    kh_coder *c = NULL;
    if (kh_coder_new(&o, &c) != KH_OK)
        return NULL;
    return c;
}

/* The images, loaded once (harness state, not library state). */
static models *get_models(void)
{
    static int tried;
    static models m;
    if (tried)
        return m.coder[0] ? &m : NULL;
    tried = 1;
    m.verbs_dict = build_verbs_dict();
    if (!m.verbs_dict) {
        fprintf(stderr, "fuzz_code: the small dictionary does not build\n");
        abort();
    }
    const char *dir = getenv("KHALDUN_DATA");
    if (!dir || !*dir)
        dir = "build/data";
    char path[4096];
    snprintf(path, sizeof path, "%s/lexicon.img", dir);
    if (kh_lexicon_load(path, NULL, &m.lex, NULL) != KH_OK)
        m.lex = NULL;
    snprintf(path, sizeof path, "%s/khaldun.dict", dir);
    if (!m.lex || kh_dict_load(path, NULL, &m.dict, NULL) != KH_OK) {
        fprintf(stderr, "fuzz_code: no images in %s: every input is skipped\n", dir);
        return NULL;
    }
    for (int i = 0; i < 4; i++) {
        m.coder[i] = new_coder(&m, (i & 2) ? m.verbs_dict : m.dict, (i & 1) ? 12 : 0,
                               (i & 1) ? 4 : 0);
        if (!m.coder[i])
            return NULL;
    }
    return &m;
}

static void span_in(kh_span sp, size_t len)
{
    check(sp.off <= len && sp.len <= len - sp.off);
}

static kh_status code_one(void *ctx, const kh_story *s)
{
    kh_coder *c = (kh_coder *)ctx;
    const kh_event *ev = NULL;
    size_t n = 0;
    kh_status st = kh_coder_code(c, s, &ev, &n);
    if (st == KH_ERR_LIMIT || st == KH_ERR_FORMAT)
        return KH_OK;
    check(st == KH_OK);
    const kh_doc *doc = kh_coder_doc(c);
    check(n == 0 || ev != NULL);
    for (size_t i = 0; i < n; i++) {
        const kh_event *e = &ev[i];
        check(e->source && e->code && e->name);
        (void)strlen(e->source);
        (void)strlen(e->code);
        (void)strlen(e->name);
        if (e->target)
            (void)strlen(e->target);
        if (e->source_name)
            (void)strlen(e->source_name);
        if (e->target_name)
            (void)strlen(e->target_name);
        check(e->quad >= 0 && e->quad <= 4);
        check(e->root[2] == '\0');
        check(e->date.year == 0 || (e->date.month >= 1 && e->date.month <= 12 &&
                                    e->date.day >= 1 && e->date.day <= 31));
        if (e->place) {
            check(e->place->name && e->place->country);
            (void)strlen(e->place->name);
        }
        check(e->n_mentions >= 1 && e->mentions);
        for (size_t k = 0; k < e->n_mentions; k++) {
            const kh_mention *m = &e->mentions[k];
            check(doc && m->sentence < doc->n_sentences);
            span_in(m->text, s->text_len);
            span_in(m->source, s->text_len);
            span_in(m->target, s->text_len);
            span_in(m->verb, s->text_len);
            /* the evidence lies in its sentence */
            const kh_span se = doc->sentences[m->sentence].span;
            check(m->text.off >= se.off && m->text.off + m->text.len <= se.off + se.len);
            if (m->pattern)
                (void)strlen(m->pattern);
        }
    }
    return KH_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    models *m = get_models();
    if (!m || size < 3)
        return 0;
    unsigned mode = data[0];
    kh_date date = {0, 0, 0};
    if (mode & 4) {
        date.year = (int16_t)(1990 + data[1] % 40);
        date.month = (uint8_t)(1 + data[2] % 12);
        date.day = (uint8_t)(1 + (data[1] ^ data[2]) % 28);
    }
    kh_coder *coder = m->coder[((mode & 16) ? 0 : 2) | ((mode & 8) ? 1 : 0)];
    data += 3;
    size -= 3;
    char *text = (char *)malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (mode & 1) {
        kh_read_options o;
        memset(&o, 0, sizeof o);
        o.format = (mode & 2) ? KH_INPUT_JSONL : KH_INPUT_TEXT;
        o.default_date = date;
        kh_reader *r = NULL;
        if (kh_reader_new(&o, "fuzz", &r) == KH_OK) {
            if (kh_reader_push(r, text, size, code_one, coder) == KH_OK)
                kh_reader_finish(r, code_one, coder);
            kh_reader_free(r);
        }
        free(text);
        return 0;
    }
    /* units at blank lines */
    kh_unit units[64];
    size_t n_units = 0, start = 0;
    for (size_t i = 0; i <= size && n_units < 64; i++) {
        int end = i == size || (text[i] == '\n' && i + 1 < size && text[i + 1] == '\n');
        if (!end)
            continue;
        if (i > start) {
            units[n_units].kind = (n_units == 0 && (mode & 2)) ? KH_UNIT_HEADLINE : KH_UNIT_BODY;
            units[n_units].span.off = start;
            units[n_units].span.len = i - start;
            n_units++;
        }
        start = i + 2;
    }
    kh_story s;
    memset(&s, 0, sizeof s);
    s.id = "fuzz";
    s.source = "fuzz";
    s.line = 1;
    s.raw = 1;
    s.date = date;
    s.text = text;
    s.text_len = size;
    s.units = units;
    s.n_units = n_units;
    code_one(coder, &s);
    free(text);
    return 0;
}
