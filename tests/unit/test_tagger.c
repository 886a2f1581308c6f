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
