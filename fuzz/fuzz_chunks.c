/*
 * fuzz_chunks.c: libFuzzer harness for the language layer: kh_analyze with
 * TAGS | CHUNKS (src/analyze, src/tags, src/chunks) on arbitrary text, with
 * the real lexicon ($KHALDUN_DATA/lexicon.img, else build/data, else none:
 * the tagger's rules alone). The first byte picks small or default limits
 * (so the max_tokens / max_sentences cuts are reached) and whether the text
 * starts with a headline unit. Checks every index the document holds:
 * sentences and tokens inside the text, tags in range, lemmas present, each
 * chunk's tokens inside its sentence with its head among them, attach /
 * member / clause links pointing at real chunks and clauses of the right
 * kind.
 *
 *   sh fuzz/run.sh build-fuzz 60     (builds with the whole library)
 *   build-fuzz/fuzz_chunks -dict=fuzz/dict/chunks.dict fuzz/corpus/chunks
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khaldun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_at(int cond, int line)
{
    if (!cond) {
        fprintf(stderr, "fuzz_chunks: check failed at line %d\n", line);
        abort();
    }
}
#define check(c) check_at((c) ? 1 : 0, __LINE__)

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

static void check_chunk_ref(const kh_doc *d, int32_t ref, int nullable)
{
    if (ref == -1 && nullable)
        return;
    check(ref >= 0 && (size_t)ref < d->n_chunks);
}

static void check_doc(const kh_doc *d, const kh_story *s, int tagged, int chunked)
{
    size_t prev_end = 0;
    for (size_t i = 0; i < d->n_sentences; i++) {
        const kh_sentence *se = &d->sentences[i];
        check(se->span.off <= s->text_len && se->span.len <= s->text_len - se->span.off);
        check(se->first_token <= d->n_tokens && se->n_tokens <= d->n_tokens - se->first_token);
        check(se->first_token == prev_end); /* sentences tile the tokens in order */
        prev_end = se->first_token + se->n_tokens;
        check(se->unit < s->n_units);
        for (size_t t = se->first_token; t < prev_end; t++) {
            const kh_token *tk = &d->tokens[t];
            check(tk->off >= se->span.off && tk->len <= se->span.off + se->span.len - tk->off);
            check(tk->norm != NULL || tk->norm_len == 0);
            volatile unsigned sum = 0;
            for (uint32_t k = 0; k < tk->norm_len; k++)
                sum += (unsigned char)tk->norm[k];
            (void)sum;
        }
    }
    check(prev_end == d->n_tokens);
    if (tagged && d->n_tokens) {
        check(d->upos != NULL && d->lemma != NULL);
        for (size_t t = 0; t < d->n_tokens; t++) {
            check(d->upos[t] < KH_UPOS_COUNT);
            check(d->lemma[t] != NULL);
            (void)strlen(d->lemma[t]);
        }
    }
    if (!chunked)
        return;
    for (size_t i = 0; i < d->n_chunks; i++) {
        const kh_chunk *c = &d->chunks[i];
        check(c->kind == KH_CHUNK_NP || c->kind == KH_CHUNK_PP || c->kind == KH_CHUNK_VG);
        /* in token order, as the header says (the coder binary-searches them) */
        if (i)
            check(c->first >= d->chunks[i - 1].first && c->sentence >= d->chunks[i - 1].sentence);
        check(c->sentence < d->n_sentences);
        const kh_sentence *se = &d->sentences[c->sentence];
        check(c->first < c->end);
        check(c->first >= se->first_token && c->end <= se->first_token + se->n_tokens);
        check(c->head >= c->first && c->head < c->end);
        check_chunk_ref(d, c->attach, 1);
        check_chunk_ref(d, c->member, 1);
        if (c->member >= 0)
            check(d->chunks[c->member].kind == KH_CHUNK_NP);
        if (c->kind == KH_CHUNK_VG) {
            check(c->aux_first <= c->head && c->aux_first >= se->first_token);
            check(c->particle == UINT32_MAX ||
                  (c->particle >= se->first_token && c->particle < se->first_token + se->n_tokens));
            if (c->lemma)
                (void)strlen(c->lemma);
        }
    }
    for (size_t i = 0; i < d->n_clauses; i++) {
        const kh_clause *cl = &d->clauses[i];
        check(cl->sentence < d->n_sentences);
        const kh_sentence *se = &d->sentences[cl->sentence];
        check(cl->first <= cl->end);
        check(cl->first >= se->first_token && cl->end <= se->first_token + se->n_tokens);
        check_chunk_ref(d, cl->verb, 0);
        check(d->chunks[cl->verb].kind == KH_CHUNK_VG);
        check_chunk_ref(d, cl->subject, 1);
        check_chunk_ref(d, cl->object, 1);
        check_chunk_ref(d, cl->agent, 1);
        check_chunk_ref(d, cl->reporter, 1);
        check(cl->parent == -1 || (cl->parent >= 0 && (size_t)cl->parent < d->n_clauses));
        if (cl->subject >= 0)
            check(d->chunks[cl->subject].kind == KH_CHUNK_NP);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned mode = data[0];
    data++;
    size--;
    char *text = (char *)malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    kh_story s;
    memset(&s, 0, sizeof s);
    s.id = "fuzz";
    s.source = "fuzz";
    s.line = 1;
    s.raw = 1;
    s.text = text;
    s.text_len = size;
    kh_unit units[2];
    size_t head = 0;
    if (mode & 2) {
        const char *nl = (const char *)memchr(text, '\n', size);
        head = nl ? (size_t)(nl - text) : size / 2;
    }
    s.n_units = 0;
    if (head)
        units[s.n_units++] = (kh_unit){KH_UNIT_HEADLINE, {0, head}};
    units[s.n_units++] = (kh_unit){KH_UNIT_BODY, {head, size - head}};
    s.units = units;
    kh_limits lim;
    memset(&lim, 0, sizeof lim); /* zero: the defaults */
    if (mode & 4) {
        lim.max_tokens = 1 + (mode >> 4);
        lim.max_sentences = 1 + (mode >> 5);
    }
    kh_scratch *sc = NULL;
    if (kh_scratch_new(NULL, &lim, &sc) != KH_OK) {
        free(text);
        return 0;
    }
    const kh_lexicon *lex = (mode & 8) ? NULL : real_lexicon();
    unsigned flags = KH_ANALYZE_TOKENS | KH_ANALYZE_TAGS | KH_ANALYZE_CHUNKS;
    const kh_doc *doc = NULL;
    kh_status st = kh_analyze(sc, lex, &s, flags, &doc);
    check(st == KH_OK || st == KH_ERR_LIMIT);
    if (st == KH_OK) {
        check(doc != NULL && doc->story == &s);
        check_doc(doc, &s, lex != NULL, 1);
        /* a second story on the same scratch: the arena reset path */
        if (mode & 1) {
            kh_story s2 = s;
            s2.text_len = size / 2;
            units[0] = (kh_unit){KH_UNIT_BODY, {0, size / 2}};
            s2.n_units = 1;
            st = kh_analyze(sc, lex, &s2, flags, &doc);
            check(st == KH_OK || st == KH_ERR_LIMIT);
            if (st == KH_OK)
                check_doc(doc, &s2, lex != NULL, 1);
        }
    }
    kh_scratch_free(sc);
    free(text);
    return 0;
}
