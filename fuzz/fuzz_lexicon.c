/*
 * fuzz_lexicon.c: libFuzzer harness for the lexicon loader and the tagger.
 * The first byte picks the mode:
 *   even: the rest is a lexicon image, loaded from memory
 *         (kh_lexicon_from_memory); a refused image is fine, a crash or an
 *         out-of-bounds read is not. An accepted image is then used for
 *         lookups and tagging of words taken from the image itself.
 *   odd:  the rest is a sentence, cut at blanks into tokens and tagged with
 *         the real lexicon ($KHALDUN_DATA/lexicon.img, else none), as body
 *         or headline, by the model or the rules (bits 1-2 of the byte);
 *         every token must get a valid tag and a NUL-terminated lemma.
 *
 * Build with clang -fsanitize=fuzzer,address,undefined -DKH_ARENA_MALLOC
 * -Iinclude -Isrc, this file and every .c file of src/lexicon, src/tags,
 * src/image and src/core (fuzz/run.sh does it); then
 *   ./fuzz_lexicon -dict=fuzz/dict/lexicon.dict fuzz/corpus/lexicon
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexicon/lexicon.h"
#include "tags/tags.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TOKS 1000

static void check(int cond)
{
    if (!cond)
        abort();
}

/* The harness's one lexicon, loaded on first use (harness state, not library). */
static kh_lexicon *real_lexicon(void)
{
    static int tried;
    static kh_lexicon *lex;
    if (!tried) {
        tried = 1;
        const char *dir = getenv("KHALDUN_DATA");
        char path[4096];
        snprintf(path, sizeof path, "%s/lexicon.img", dir && *dir ? dir : "build/data");
        if (kh_lexicon_load(path, NULL, &lex, NULL) != KH_OK)
            lex = NULL;
    }
    return lex;
}

static void tag_text(const kh_lexicon *lex, const char *text, size_t size, unsigned mode)
{
    static kh_token toks[MAX_TOKS];
    static uint8_t upos[MAX_TOKS];
    static const char *lemma[MAX_TOKS];
    size_t n = 0;
    for (size_t i = 0; i < size && n < MAX_TOKS;) {
        while (i < size && (text[i] == ' ' || text[i] == '\n'))
            i++;
        size_t s = i;
        while (i < size && text[i] != ' ' && text[i] != '\n')
            i++;
        if (i == s)
            break;
        memset(&toks[n], 0, sizeof toks[n]);
        toks[n].off = (uint32_t)s;
        toks[n].len = (uint32_t)(i - s);
        toks[n].norm = text + s;
        toks[n].norm_len = (uint32_t)(i - s);
        n++;
    }
    kh_arena arena;
    kh_arena_init(&arena, NULL, 0);
    kh_status st = kh_tag_sentence(NULL, lex, &arena, text, toks, n,
                                   (mode & 2) ? KH_UNIT_HEADLINE : KH_UNIT_BODY,
                                   (mode & 4) ? KH_TAG_RULES_ONLY : 0, upos, lemma);
    check(st == KH_OK);
    for (size_t i = 0; i < n; i++) {
        check(upos[i] < KH_UPOS_COUNT);
        check(lemma[i] != NULL);
        (void)strlen(lemma[i]);
    }
    kh_arena_free(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned mode = data[0];
    data++;
    size--;
    /* a heap copy of exactly `size` bytes so ASan sees any over-read */
    char *buf = (char *)malloc(size ? size : 1);
    if (!buf)
        return 0;
    if (size)
        memcpy(buf, data, size);
    if (!(mode & 1)) {
        kh_lexicon *lex = NULL;
        kh_error err;
        if (kh_lexicon_from_memory(buf, size, NULL, &lex, &err) == KH_OK) {
            size_t forms, lemmas;
            kh_lexicon_counts(lex, &forms, &lemmas);
            /* look up every string of the pool, and tag them as a sentence */
            for (size_t off = 0; off < lex->strs_len;) {
                const char *w = (const char *)lex->strs + off;
                size_t wl = strlen(w);
                kh_lex_entry e[8];
                kh_lex_lookup(lex, w, wl, e, 8, NULL);
                for (int u = 0; u < KH_UPOS_COUNT; u++)
                    (void)kh_lex_lemma(lex, w, wl, (kh_upos)u, NULL);
                off += wl + 1;
            }
            tag_text(lex, (const char *)lex->strs, lex->strs_len ? lex->strs_len - 1 : 0, mode);
            kh_lexicon_free(lex);
        } else {
            check(lex == NULL);
        }
    } else {
        tag_text(real_lexicon(), buf, size, mode);
    }
    free(buf);
    return 0;
}
