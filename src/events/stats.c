/*
 * stats.c: per-stage statistics of the coder (kh_coder_stats in khaldun.h),
 * for `khaldun code --stats` and `make bench`: where a story's time goes.
 *
 * The untimed coder calls kh_analyze once for tokens, tags and chunks. With
 * KH_CODE_STATS it calls kh_stats_analyze instead, which runs the same three
 * stages separately so that each can be timed: kh_analyze for sentences and
 * tokens only, kh_tag_sentence over each sentence (as analyze.c's tag_doc
 * does), then kh_chunk_doc. The document is the same either way;
 * tests/sh/parallel.sh checks that `code --stats` writes the same bytes as
 * `code`. Only this file reads the clock, and only when asked.
 */
#include <time.h>

#include "chunks/chunks.h"
#include "events/stats.h"
#include "tags/tags.h"

uint64_t kh_clock_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void kh_coder_stats_add(kh_coder_stats *sum, const kh_coder_stats *add)
{
    if (!sum || !add)
        return;
    sum->analyze_ns += add->analyze_ns;
    sum->tags_ns += add->tags_ns;
    sum->chunks_ns += add->chunks_ns;
    sum->coding_ns += add->coding_ns;
    sum->stories += add->stories;
    sum->sentences += add->sentences;
    sum->tokens += add->tokens;
    sum->events += add->events;
}

kh_status kh_stats_analyze(kh_scratch *scratch, const kh_lexicon *lexicon, kh_arena *arena,
                           const kh_story *story, unsigned flags, kh_doc *doc_buf,
                           kh_coder_stats *stats, const kh_doc **out)
{
    const kh_doc *tok_doc;
    uint64_t t0 = kh_clock_ns();
    kh_status st = kh_analyze(scratch, lexicon, story, KH_ANALYZE_TOKENS, &tok_doc);
    uint64_t t1 = kh_clock_ns();
    stats->analyze_ns += t1 - t0;
    *out = NULL;
    if (st)
        return st;
    if (!lexicon || !(flags & KH_ANALYZE_TAGS)) {
        *out = tok_doc;
        return KH_OK;
    }
    *doc_buf = *tok_doc;
    size_t n = doc_buf->n_tokens ? doc_buf->n_tokens : 1;
    uint8_t *upos = (uint8_t *)kh_arena_calloc(arena, n, 1);
    const char **lemma = (const char **)kh_arena_calloc(arena, n, sizeof *lemma);
    if (!upos || !lemma)
        return KH_ERR_NOMEM;
    kh_tag_cache *cache;
    if ((st = kh_scratch_tag_cache(scratch, &cache)) != KH_OK)
        return st;
    for (size_t i = 0; i < doc_buf->n_sentences; i++) {
        const kh_sentence *se = &doc_buf->sentences[i];
        st = kh_tag_sentence(cache, lexicon, arena, story->text,
                                    doc_buf->tokens + se->first_token, se->n_tokens, se->kind,
                                    0, upos + se->first_token, lemma + se->first_token);
        if (st)
            return st;
    }
    doc_buf->upos = upos;
    doc_buf->lemma = lemma;
    uint64_t t2 = kh_clock_ns();
    stats->tags_ns += t2 - t1;
    if (flags & KH_ANALYZE_CHUNKS) {
        st = kh_chunk_doc(arena, lexicon, doc_buf);
        stats->chunks_ns += kh_clock_ns() - t2;
        if (st)
            return st;
    }
    *out = doc_buf;
    return KH_OK;
}
