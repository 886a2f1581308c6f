/*
 * test_tagger.c: the tagging stage on wire-copy sentences with the news
 * ambiguities it must resolve (talks, visit, attack, support, warning, state,
 * US vs us, headline title case, sentence-initial capitals) and the lemmas
 * the coder relies on (sent -> send, accused -> accuse, flew -> fly). Uses
 * the real lexicon image (KHALDUN_DATA/lexicon.img) and skips without it.
 */
#include <stdlib.h>

#include "unit.h"
#include "lexicon/lexicon.h"
#include "tags/model.h"
#include "tags/tags.h"

#define MAXT 64

typedef struct tagged {
    kh_token toks[MAXT];
    uint8_t upos[MAXT];
    const char *lemma[MAXT];
    size_t n;
} tagged;

static kh_lexicon *real_lexicon(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/lexicon.img", unit_data());
    kh_lexicon *lex = NULL;
    kh_error err;
    if (kh_lexicon_load(path, NULL, &lex, &err) != KH_OK) {
        unit_skip("no lexicon image (make data)");
        return NULL;
    }
    return lex;
}

/* Tags a sentence given as space-separated tokens. */
static void tag(const kh_lexicon *lex, kh_arena *arena, const char *text, kh_unit_kind kind,
                unsigned flags, tagged *out)
{
    out->n = 0;
    for (size_t i = 0; text[i] && out->n < MAXT;) {
        while (text[i] == ' ')
            i++;
        size_t s = i;
        while (text[i] && text[i] != ' ')
            i++;
        if (i == s)
            break;
        kh_token *t = &out->toks[out->n++];
        memset(t, 0, sizeof *t);
        t->off = (uint32_t)s;
        t->len = (uint32_t)(i - s);
        t->norm = text + s;
        t->norm_len = t->len;
    }
    kh_status st = kh_tag_sentence(NULL, lex, arena, text, out->toks, out->n, kind, flags,
                                   out->upos, out->lemma);
    CHECK(st == KH_OK);
}

static void expect(const tagged *t, size_t i, kh_upos upos, const char *lemma)
{
    if (i >= t->n) {
        unit_fail(__FILE__, __LINE__, "token index out of range");
        return;
    }
    if (t->upos[i] != upos || (lemma && strcmp(t->lemma[i], lemma) != 0)) {
        char m[256];
        snprintf(m, sizeof m, "token %zu '%.*s': %s/%s, expected %s/%s", i,
                 (int)t->toks[i].norm_len, t->toks[i].norm, kh_upos_name((kh_upos)t->upos[i]),
                 t->lemma[i], kh_upos_name(upos), lemma ? lemma : "*");
        unit_fail(__FILE__, __LINE__, m);
    }
}

TEST(tagger_news_ambiguities)
{
    kh_lexicon *lex = real_lexicon();
    if (!lex)
        return;
    kh_arena arena;
    kh_arena_init(&arena, NULL, 0);
    tagged t;

    tag(lex, &arena, "Iranian and North Korean officials held talks in Tehran on Monday .",
        KH_UNIT_BODY, 0, &t);
    expect(&t, 5, KH_UPOS_VERB, "hold");
    expect(&t, 6, KH_UPOS_NOUN, "talk");
    expect(&t, 8, KH_UPOS_PROPN, "Tehran");
    expect(&t, 11, KH_UPOS_PUNCT, ".");

    tag(lex, &arena, "The minister talks with reporters every week .", KH_UNIT_BODY, 0, &t);
    expect(&t, 0, KH_UPOS_DET, "the");
    expect(&t, 2, KH_UPOS_VERB, "talk");
    expect(&t, 4, KH_UPOS_NOUN, "reporter");

    tag(lex, &arena, "Kim will visit Tehran next month .", KH_UNIT_BODY, 0, &t);
    expect(&t, 1, KH_UPOS_AUX, "will");
    expect(&t, 2, KH_UPOS_VERB, "visit");
    tag(lex, &arena, "The visit was cancelled after the attack .", KH_UNIT_BODY, 0, &t);
    expect(&t, 1, KH_UPOS_NOUN, "visit");
    expect(&t, 3, KH_UPOS_VERB, "cancel");
    expect(&t, 6, KH_UPOS_NOUN, "attack");

    tag(lex, &arena, "Rebels attack a convoy near the border , killing 12 soldiers .",
        KH_UNIT_BODY, 0, &t);
    expect(&t, 1, KH_UPOS_VERB, "attack");
    expect(&t, 8, KH_UPOS_VERB, "kill");
    expect(&t, 9, KH_UPOS_NUM, "12");
    expect(&t, 10, KH_UPOS_NOUN, "soldier");

    tag(lex, &arena, "The US sent a warning to us , the state news agency said .",
        KH_UNIT_BODY, 0, &t);
    expect(&t, 1, KH_UPOS_PROPN, "US");
    expect(&t, 2, KH_UPOS_VERB, "send");
    expect(&t, 4, KH_UPOS_NOUN, "warning");
    expect(&t, 6, KH_UPOS_PRON, "we");
    expect(&t, 9, KH_UPOS_NOUN, "state");
    expect(&t, 12, KH_UPOS_VERB, "say");

    tag(lex, &arena, "Washington will support the government 's reforms .", KH_UNIT_BODY, 0, &t);
    expect(&t, 0, KH_UPOS_PROPN, "Washington");
    expect(&t, 2, KH_UPOS_VERB, "support");
    expect(&t, 5, KH_UPOS_PART, "'s");
    tag(lex, &arena, "Their support for the plan was welcomed .", KH_UNIT_BODY, 0, &t);
    expect(&t, 1, KH_UPOS_NOUN, "support");

    tag(lex, &arena, "Officials accused the regime of supporting terrorism .", KH_UNIT_BODY, 0,
        &t);
    expect(&t, 1, KH_UPOS_VERB, "accuse");
    expect(&t, 5, KH_UPOS_VERB, "support");

    tag(lex, &arena, "President Raisi flew to Pyongyang on Tuesday .", KH_UNIT_BODY, 0, &t);
    expect(&t, 0, KH_UPOS_PROPN, NULL);
    expect(&t, 1, KH_UPOS_PROPN, "Raisi");
    expect(&t, 2, KH_UPOS_VERB, "fly");
    expect(&t, 4, KH_UPOS_PROPN, "Pyongyang");

    /* headline title case */
    tag(lex, &arena,
        "NKorea Sends Delegation to Iran in Growing Effort to Break Diplomatic Isolation",
        KH_UNIT_HEADLINE, 0, &t);
    expect(&t, 0, KH_UPOS_PROPN, "NKorea");
    expect(&t, 1, KH_UPOS_VERB, "send");
    expect(&t, 2, KH_UPOS_NOUN, "delegation");
    expect(&t, 4, KH_UPOS_PROPN, "Iran");
    expect(&t, 7, KH_UPOS_NOUN, "effort");
    expect(&t, 9, KH_UPOS_VERB, "break");
    expect(&t, 10, KH_UPOS_ADJ, "diplomatic");
    expect(&t, 11, KH_UPOS_NOUN, "isolation");

    /* the rule-based tagger on the easy cases */
    tag(lex, &arena, "The US sent a warning to the rebels .", KH_UNIT_BODY, KH_TAG_RULES_ONLY, &t);
    expect(&t, 1, KH_UPOS_PROPN, "US");
    expect(&t, 2, KH_UPOS_VERB, "send");
    expect(&t, 4, KH_UPOS_NOUN, "warning");
    expect(&t, 7, KH_UPOS_NOUN, "rebel");

    kh_arena_free(&arena);
    kh_lexicon_free(lex);
}

/* The closed lists bound a function word's classes, except that "be"
 * with no verb to help may be VERB (UD's split, made by syntax). */
TEST(tagger_closed_lists_let_be_be_verb)
{
    kh_lexicon *lex = real_lexicon();
    if (!lex)
        return;
    kh_arena arena;
    kh_arena_init(&arena, NULL, 0);
    tagged t;
    tag(lex, &arena, "There are no talks between the two sides .", KH_UNIT_BODY, 0, &t);
    expect(&t, 0, KH_UPOS_PRON, NULL);
    expect(&t, 1, KH_UPOS_VERB, "be");
    expect(&t, 4, KH_UPOS_ADP, "between");
    tag(lex, &arena, "The talks are held in Geneva .", KH_UNIT_BODY, 0, &t);
    expect(&t, 2, KH_UPOS_AUX, "be");
    expect(&t, 4, KH_UPOS_ADP, "in");
    kh_arena_free(&arena);
    kh_lexicon_free(lex);
}

TEST(tagger_edge_cases)
{
    /* No lexicon at all, empty sentences, odd bytes: never fails or crashes. */
    kh_arena arena;
    kh_arena_init(&arena, NULL, 0);
    tagged t;
    tag(NULL, &arena, "Tehran 12 , \xff\xfe Foo", KH_UNIT_BODY, 0, &t);
    expect(&t, 0, KH_UPOS_PROPN, "Tehran");
    expect(&t, 1, KH_UPOS_NUM, "12");
    expect(&t, 2, KH_UPOS_PUNCT, ",");
    CHECK(kh_tag_sentence(NULL, NULL, &arena, "", NULL, 0, KH_UNIT_BODY, 0, NULL, NULL) == KH_OK);
    kh_arena_free(&arena);
}

/* One packed weight (weights.c's canonical form). */
static uint32_t wt(kh_upos cl, int32_t v) { return (uint32_t)cl << 27 | ((uint32_t)v & 0x7ffffffu); }

TEST(tagger_model_layout)
{
    /* The TGMD layout keeps every weight exactly, whichever way a feature
     * is stored: in its slot (two weights that cancel), as a dense int16
     * row (five or more), or out of line (the rest, and any weight past
     * int16). A key not in the model adds nothing; a slot naming a class
     * past the classes is refused at load. */
    uint64_t keys[5] = {0x1111222233334444ULL, 0x5555666677778888ULL, 0x9999aaaabbbbccccULL,
                        0xddddeeeeffff0001ULL, 0x0123456789abcdefULL};
    uint8_t counts[5] = {2, 5, 3, 2, 2};
    uint32_t w[14] = {wt(KH_UPOS_ADJ, -993), wt(KH_UPOS_ADV, 993),
                      wt(KH_UPOS_ADJ, 7), wt(KH_UPOS_NOUN, -32767), wt(KH_UPOS_PROPN, 32767),
                      wt(KH_UPOS_VERB, 1), wt(KH_UPOS_X, -2),
                      wt(KH_UPOS_ADP, -1770), wt(KH_UPOS_ADV, 1842), wt(KH_UPOS_AUX, 40000),
                      wt(KH_UPOS_DET, 5), wt(KH_UPOS_PRON, 6),
                      wt(KH_UPOS_NOUN, 50000), wt(KH_UPOS_VERB, -50000)};
    kh_model_weights m;
    memset(&m, 0, sizeof m);
    m.keys = keys;
    m.counts = counts;
    m.w = w;
    m.n_feats = 5;
    m.n_w = 14;
    kh_buf b;
    kh_buf_init(&b, NULL, 0);
    REQUIRE(kh_model_pack(&m, &b) == KH_OK);
    void *view = NULL;
    kh_error err;
    REQUIRE(kh_model_open((const unsigned char *)b.data, b.len, NULL, &view, &err) == KH_OK);
    const kh_model_view *mv = (const kh_model_view *)view;
    for (size_t f = 0, wi = 0; f < 5; wi += counts[f], f++) {
        int32_t got[KH_TAG_VEC] = {0}, want[KH_TAG_VEC] = {0};
        for (size_t k = wi; k < wi + counts[f]; k++)
            want[w[k] >> 27] += (int32_t)((w[k] & 0x7ffffffu) ^ 0x4000000u) - 0x4000000;
        kh_model_score(mv, &keys[f], 1, got);
        CHECK(memcmp(got, want, sizeof got) == 0);
    }
    int32_t none[KH_TAG_VEC] = {0}, zero[KH_TAG_VEC] = {0};
    uint64_t absent = 0x1111222233334445ULL;
    kh_model_score(mv, &absent, 1, none);
    CHECK(memcmp(none, zero, sizeof none) == 0);
    kh_model_close(view, NULL);
    /* The first feature's slot, its class a made 31: refused. */
    unsigned char *slots = (unsigned char *)b.data + KH_MODEL_HEADER;
    uint32_t n_slots = kh_rd32((const unsigned char *)b.data + 8);
    int corrupted = 0;
    for (uint32_t i = 0; i < n_slots && !corrupted; i++)
        if (kh_rd32(slots + (size_t)i * 8) == (uint32_t)(keys[0] >> 32)) {
            kh_wr32(slots + (size_t)i * 8 + 4, kh_rd32(slots + (size_t)i * 8 + 4) | 31u << 26);
            corrupted = 1;
        }
    CHECK(corrupted);
    CHECK(kh_model_open((const unsigned char *)b.data, b.len, NULL, &view, &err) == KH_ERR_CORRUPT);
    kh_buf_free(&b);
}
