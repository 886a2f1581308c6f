/*
 * fuzz_read.c: libFuzzer harness for stages 1-2 (reading and cleaning). The
 * first byte picks the input format (auto, text, jsonl, tabari, petrarch)
 * and the chunk size the rest is pushed in; small limits make the limit
 * paths (over-long lines, too-large stories) reachable. Every story is
 * checked: spans inside the text, text NUL-terminated, and raw text equal to
 * the input's bytes at input_offset.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *       fuzz/fuzz_read.c src/read/[a-z]*.c src/clean/[a-z]*.c src/core/[a-z]*.c \
 *       -o fuzz-read
 *   ./fuzz-read -dict=fuzz/dict/read.dict fuzz/corpus/read
 */
#include <stdlib.h>
#include <string.h>

#include "khaldun.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

typedef struct fz {
    const char *in;
    size_t len;
} fz;

static int span_ok(const kh_story *s, kh_span sp)
{
    return sp.off <= s->text_len && sp.len <= s->text_len - sp.off;
}

static kh_status on_story(void *ctx, const kh_story *s)
{
    fz *f = (fz *)ctx;
    volatile unsigned sum = 0;
    if (!s->text || s->text[s->text_len] != '\0' || !s->id || !s->source)
        abort();
    for (size_t i = 0; i < s->n_units; i++) {
        if (!span_ok(s, s->units[i].span))
            abort();
        for (size_t k = 0; k < s->units[i].span.len; k++)
            sum += (unsigned char)s->text[s->units[i].span.off + k];
    }
    for (size_t i = 0; i < s->n_captions; i++)
        if (!span_ok(s, s->captions[i]))
            abort();
    if (s->raw && (s->input_offset > f->len || s->text_len > f->len - s->input_offset ||
                   memcmp(f->in + s->input_offset, s->text, s->text_len) != 0))
        abort();
    if (s->title)
        sum += (unsigned)strlen(s->title);
    if (s->dateline)
        sum += (unsigned)strlen(s->dateline);
    (void)sum;
    return KH_OK;
}

static void on_diag(void *ctx, const kh_diag *d)
{
    (void)ctx;
    if (!d->message || !d->source)
        abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1)
        return 0;
    kh_read_options o;
    memset(&o, 0, sizeof o);
    o.format = (kh_input_format)(data[0] % 5);
    size_t chunk = (size_t)(data[0] >> 3) + 1; /* 1..32 */
    if (chunk == 32)
        chunk = size; /* all at once */
    o.limits.max_line = 512;
    o.limits.max_story = 2048;
    o.diag = on_diag;
    const char *in = (const char *)data + 1;
    size_t len = size - 1;
    fz f = {in, len};
    kh_reader *r = NULL;
    if (kh_reader_new(&o, "fuzz", &r) != KH_OK)
        return 0;
    kh_status st = KH_OK;
    for (size_t pos = 0; pos < len && st == KH_OK; pos += chunk)
        st = kh_reader_push(r, in + pos, len - pos < chunk ? len - pos : chunk, on_story, &f);
    if (st == KH_OK)
        kh_reader_finish(r, on_story, &f);
    size_t stories, rejected;
    kh_reader_counts(r, &stories, &rejected);
    kh_reader_free(r);
    return 0;
}
