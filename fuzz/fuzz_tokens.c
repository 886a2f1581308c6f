/*
 * fuzz_tokens.c: libFuzzer harness for stages 3-4 (sentences and tokens).
 * Builds a story from the input: the first byte chooses a small
 * max_tokens/max_sentences and whether to cut the text into units at blank
 * lines; runs kh_analyze(TOKENS) and checks the invariants: every sentence
 * inside its unit, every token inside its sentence and the text, sentences
 * in order, first tokens flagged SENT_START, norms non-empty.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DKH_ARENA_MALLOC \
 *       -Iinclude -Isrc fuzz/fuzz_tokens.c src/analyze/*.c src/tokens/*.c \
 *       src/sentences/*.c src/tags/*.c src/core/*.c -o fuzz_tokens
 *   ./fuzz_tokens -dict=fuzz/dict/tokens.dict fuzz/corpus/tokens
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "khaldun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_UNITS 256

static void check(int cond)
{
    if (!cond)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    /* a heap copy of exactly `size` bytes so ASan sees any over-read */
    char *text = (char *)malloc(size ? size : 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);

    kh_unit units[MAX_UNITS];
    size_t nu = 0;
    if (mode & 1) {
        size_t i = 0;
        while (i < size && nu < MAX_UNITS) {
            size_t st = i;
            while (i < size && !(text[i] == '\n' && i + 1 < size && text[i + 1] == '\n'))
                i++;
            units[nu].kind = nu == 0 ? KH_UNIT_HEADLINE : KH_UNIT_BODY;
            units[nu].span.off = st;
            units[nu].span.len = i - st;
            nu++;
            i += 2;
        }
    } else {
        units[0].kind = KH_UNIT_BODY;
        units[0].span.off = 0;
        units[0].span.len = size;
        nu = 1;
    }
    kh_story story;
    memset(&story, 0, sizeof story);
    story.text = text;
    story.text_len = size;
    story.units = units;
    story.n_units = nu;

    kh_limits lim = {0, 0, 0, 0};
    if (mode & 2)
        lim.max_tokens = (size_t)(mode >> 4) + 1;
    if (mode & 4)
        lim.max_sentences = (size_t)((mode >> 3) & 7) + 1;
    kh_scratch *scratch = NULL;
    if (kh_scratch_new(NULL, &lim, &scratch) != KH_OK) {
        free(text);
        return 0;
    }
    const kh_doc *doc = NULL;
    kh_status st = kh_analyze(scratch, NULL, &story, KH_ANALYZE_TOKENS, &doc);
    check(st == KH_OK && doc != NULL);
    size_t max_tokens = lim.max_tokens ? lim.max_tokens : 1000;
    size_t max_sents = lim.max_sentences ? lim.max_sentences : 20000;
    check(doc->n_sentences <= max_sents);
    size_t next_token = 0, prev_end = 0, prev_unit = 0;
    for (size_t k = 0; k < doc->n_sentences; k++) {
        const kh_sentence *se = &doc->sentences[k];
        check(se->unit < nu);
        const kh_unit *u = &units[se->unit];
        check(se->kind == u->kind);
        check(se->span.len > 0);
        check(se->span.off >= u->span.off);
        check(se->span.off + se->span.len <= u->span.off + u->span.len);
        check(se->span.off + se->span.len <= size);
        if (k && se->unit == prev_unit)
            check(se->span.off >= prev_end);
        check(se->unit >= prev_unit);
        prev_unit = se->unit;
        prev_end = se->span.off + se->span.len;
        check(se->first_token == next_token);
        check(se->n_tokens >= 1 && se->n_tokens <= max_tokens);
        next_token += se->n_tokens;
        size_t tprev = se->span.off;
        for (size_t t = 0; t < se->n_tokens; t++) {
            const kh_token *tk = &doc->tokens[se->first_token + t];
            check(tk->len > 0);
            check(tk->off >= tprev);
            tprev = (size_t)tk->off + tk->len;
            check(tk->off >= se->span.off);
            check((size_t)tk->off + tk->len <= se->span.off + se->span.len);
            check(tk->norm != NULL && tk->norm_len > 0);
            check(((tk->flags & KH_TOK_SENT_START) != 0) == (t == 0));
            if (!(tk->flags & KH_TOK_NORMALISED))
                check(tk->norm_len == tk->len && !memcmp(tk->norm, text + tk->off, tk->len));
            /* touch every norm byte so ASan checks it */
            volatile char sink = 0;
            for (size_t b = 0; b < tk->norm_len; b++)
                sink ^= tk->norm[b];
            (void)sink;
        }
    }
    check(next_token == doc->n_tokens);
    kh_scratch_free(scratch);
    free(text);
    return 0;
}
