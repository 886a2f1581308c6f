/*
 * test_lexicon.c: the lexicon builder and loader on a tiny hand-written
 * WordNet (tests/fixtures/wordnet/) and closed-class list
 * (tests/fixtures/lexicon/): generated inflections and irregular forms,
 * lemmas per part of speech, flags, case-insensitive lookup, and refusal of
 * damaged images (flipped byte, truncation, forged offsets, bad lists).
 */
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"
#include "image/image.h"
#include "lexicon/lexicon.h"

#define FIX_WN "tests/fixtures/wordnet"
#define FIX_LEX "tests/fixtures/lexicon"

static char *tmp_image(char *path, size_t size)
{
    snprintf(path, size, "/tmp/khaldun-lex-%ld.img", (long)getpid());
    return path;
}

static kh_lexicon *build_fixture(char *path, size_t size)
{
    kh_error err;
    memset(&err, 0, sizeof err);
    tmp_image(path, size);
    kh_status st = kh_lexicon_build(FIX_WN, FIX_LEX, path, &err);
    if (st) {
        fprintf(stderr, "  build: %s\n", err.message);
        return NULL;
    }
    kh_lexicon *lex = NULL;
    if (kh_lexicon_load(path, NULL, &lex, &err)) {
        fprintf(stderr, "  load: %s\n", err.message);
        return NULL;
    }
    return lex;
}

static int has_entry(const kh_lexicon *lex, const char *form, const char *lemma, kh_upos upos)
{
    kh_lex_entry e[16];
    size_t n = kh_lex_lookup(lex, form, strlen(form), e, 16, NULL);
    for (size_t i = 0; i < n && i < 16; i++)
        if (!strcmp(e[i].lemma, lemma) && (e[i].pos & KH_POS_BIT(upos)))
            return 1;
    return 0;
}

static uint32_t pos_of(const kh_lexicon *lex, const char *form)
{
    uint32_t pos = 0;
    kh_lex_lookup(lex, form, strlen(form), NULL, 0, &pos);
    return pos;
}

TEST(lexicon_forms)
{
    char path[256];
    kh_lexicon *lex = build_fixture(path, sizeof path);
    REQUIRE(lex);
    size_t forms = 0, lemmas = 0;
    kh_lexicon_counts(lex, &forms, &lemmas);
    CHECK(forms > 40);
    CHECK(lemmas > 15);
    /* regular verb inflections */
    CHECK(has_entry(lex, "visited", "visit", KH_UPOS_VERB));
    CHECK(has_entry(lex, "visiting", "visit", KH_UPOS_VERB));
    CHECK(has_entry(lex, "visits", "visit", KH_UPOS_VERB));
    CHECK(has_entry(lex, "accused", "accuse", KH_UPOS_VERB));
    CHECK(has_entry(lex, "accusing", "accuse", KH_UPOS_VERB));
    CHECK(has_entry(lex, "tries", "try", KH_UPOS_VERB));
    CHECK(has_entry(lex, "tried", "try", KH_UPOS_VERB));
    CHECK(!has_entry(lex, "visitted", "visit", KH_UPOS_VERB));
    /* talks: noun plural and verb 3sg */
    CHECK_EQ_INT(pos_of(lex, "talks"), KH_POS_BIT(KH_UPOS_NOUN) | KH_POS_BIT(KH_UPOS_VERB));
    /* irregulars from the exception lists; no regular forms beside them */
    CHECK(has_entry(lex, "flew", "fly", KH_UPOS_VERB));
    CHECK(has_entry(lex, "flown", "fly", KH_UPOS_VERB));
    CHECK(has_entry(lex, "flies", "fly", KH_UPOS_VERB));
    CHECK(has_entry(lex, "sent", "send", KH_UPOS_VERB));
    /* A verb with irregular forms keeps a regular one only when it is not a
     * word of its own: "seed" is not see + -ed. */
    CHECK(has_entry(lex, "saw", "see", KH_UPOS_VERB));
    CHECK(!has_entry(lex, "seed", "see", KH_UPOS_VERB));
    CHECK(has_entry(lex, "seed", "seed", KH_UPOS_NOUN));
    CHECK(has_entry(lex, "stopped", "stop", KH_UPOS_VERB));
    CHECK(has_entry(lex, "men", "man", KH_UPOS_NOUN));
    CHECK(has_entry(lex, "better", "good", KH_UPOS_ADJ));
    /* noun plurals, adjective degrees */
    CHECK(has_entry(lex, "countries", "country", KH_UPOS_NOUN));
    CHECK(has_entry(lex, "boxes", "box", KH_UPOS_NOUN));
    CHECK(has_entry(lex, "bigger", "big", KH_UPOS_ADJ));
    CHECK(has_entry(lex, "biggest", "big", KH_UPOS_ADJ));
    /* case-insensitive lookup; lemma per part of speech */
    CHECK(has_entry(lex, "VISITED", "visit", KH_UPOS_VERB));
    CHECK_EQ_STR(kh_lex_lemma(lex, "Flew", 4, KH_UPOS_VERB, NULL), "fly");
    CHECK_EQ_STR(kh_lex_lemma(lex, "attacks", 7, KH_UPOS_NOUN, NULL), "attack");
    CHECK(kh_lex_lemma(lex, "flew", 4, KH_UPOS_NOUN, NULL) == NULL);
    CHECK(pos_of(lex, "nkorea") == 0);
    /* frequency hints: attack is counted more often as a noun */
    kh_lex_form f;
    REQUIRE(kh_lex_find(lex, "attack", 6, &f));
    CHECK_EQ_INT(f.best, KH_UPOS_NOUN);
    REQUIRE(kh_lex_find(lex, "visit", 5, &f));
    CHECK_EQ_INT(f.best, KH_UPOS_VERB);
    /* the closed lists: flags, lemma case, and overriding WordNet */
    REQUIRE(kh_lex_find(lex, "said", 4, &f));
    CHECK(f.flags & KH_LEX_REPORT);
    CHECK(kh_lex_find(lex, "not", 3, &f) && (f.flags & KH_LEX_NEG));
    CHECK(kh_lex_find(lex, "will", 4, &f) && (f.flags & KH_LEX_MODAL) && f.best == KH_UPOS_AUX);
    /* word classes (classes/): listed words only, as written; absent classes are empty */
    CHECK(kh_lex_in_class(lex, KH_WC_REPORTING, "say"));
    CHECK(kh_lex_in_class(lex, KH_WC_REPORTING, "tell"));
    CHECK(!kh_lex_in_class(lex, KH_WC_REPORTING, "said"));
    CHECK(!kh_lex_in_class(lex, KH_WC_REPORTING, "Say"));
    CHECK(kh_lex_in_class(lex, KH_WC_NEGATOR, "never"));
    CHECK(!kh_lex_in_class(lex, KH_WC_NEGATOR, "say"));
    CHECK(!kh_lex_in_class(lex, KH_WC_MODAL, "can"));
    CHECK(!kh_lex_in_class(lex, KH_WC_COUNT, "say"));
    CHECK(!kh_lex_in_class(NULL, KH_WC_REPORTING, "say"));
    CHECK(has_entry(lex, "us", "US", KH_UPOS_PROPN));
    CHECK(has_entry(lex, "us", "we", KH_UPOS_PRON));
    CHECK_EQ_INT(pos_of(lex, "the"), KH_POS_BIT(KH_UPOS_DET));
    /* limits: empty and over-long words */
    CHECK(pos_of(lex, "") == 0);
    char longw[200];
    memset(longw, 'a', sizeof longw);
    CHECK(kh_lex_lookup(lex, longw, sizeof longw, NULL, 0, NULL) == 0);
    kh_lexicon_free(lex);
    remove(path);
}

TEST(lexicon_refuses_damage)
{
    char path[256];
    kh_lexicon *lex = build_fixture(path, sizeof path);
    REQUIRE(lex);
    kh_lexicon_free(lex);
    size_t len = 0;
    char *img = unit_read_file(path, &len);
    REQUIRE(img && len > 200);
    kh_error err;
    /* intact, from memory */
    CHECK(kh_lexicon_from_memory(img, len, NULL, &lex, &err) == KH_OK);
    kh_lexicon_free(lex);
    /* one flipped byte anywhere */
    for (size_t at = 0; at < len; at += len / 7 + 1) {
        img[at] ^= 0x5a;
        lex = NULL;
        CHECK(kh_lexicon_from_memory(img, len, NULL, &lex, &err) != KH_OK);
        CHECK(lex == NULL);
        img[at] ^= 0x5a;
    }
    /* truncated */
    CHECK(kh_lexicon_from_memory(img, len - 8, NULL, &lex, &err) != KH_OK);
    CHECK(kh_lexicon_from_memory(img, 40, NULL, &lex, &err) != KH_OK);
    /* a forged form record (checksum recomputed): offset far out of the pool */
    kh_image im;
    REQUIRE(kh_image_from_memory(img, len, kh_fourcc("LEX1"), KH_LEX_VERSION, &im, &err) ==
            KH_OK);
    size_t flen;
    unsigned char *forms = (unsigned char *)kh_image_section(&im, KH_LEX_SEC_FORM, &flen);
    REQUIRE(forms && flen >= KH_LEX_FORM_SIZE);
    kh_wr32(forms, 0x7fffffff);
    kh_wr64((unsigned char *)img + 24,
            kh_image_checksum((const unsigned char *)img + 48, len - 48));
    memset(&err, 0, sizeof err);
    CHECK(kh_lexicon_from_memory(img, len, NULL, &lex, &err) == KH_ERR_CORRUPT);
    CHECK(strstr(err.message, "form") != NULL);
    /* the file on disk, truncated */
    FILE *f = fopen(path, "wb");
    REQUIRE(f);
    fwrite(img, 1, len / 2, f);
    fclose(f);
    CHECK(kh_lexicon_load(path, NULL, &lex, &err) == KH_ERR_CORRUPT);
    CHECK(kh_lexicon_load("/nonexistent/lexicon.img", NULL, &lex, &err) == KH_ERR_NOTFOUND);
    free(img);
    remove(path);
}

TEST(lexicon_bad_list)
{
    char dir[] = "/tmp/khaldun-lexlist-XXXXXX";
    REQUIRE(mkdtemp(dir));
    char file[300], out[300];
    snprintf(file, sizeof file, "%s/bad.txt", dir);
    snprintf(out, sizeof out, "%s/out.img", dir);
    FILE *f = fopen(file, "w");
    REQUIRE(f);
    fputs("# fine\nthe DET the\nfoo NOUNISH foo\n", f);
    fclose(f);
    kh_error err;
    memset(&err, 0, sizeof err);
    CHECK(kh_lexicon_build(FIX_WN, dir, out, &err) == KH_ERR_FORMAT);
    CHECK_EQ_INT(err.line, 3);
    CHECK(strstr(err.message, "bad.txt:3:5") != NULL);
    f = fopen(file, "w");
    REQUIRE(f);
    fputs("said VERB say reportish\n", f);
    fclose(f);
    CHECK(kh_lexicon_build(FIX_WN, dir, out, &err) == KH_ERR_FORMAT);
    CHECK(kh_lexicon_build("/nonexistent", dir, out, &err) == KH_ERR_NOTFOUND);
    remove(file);
    remove(out);
    rmdir(dir);
}
