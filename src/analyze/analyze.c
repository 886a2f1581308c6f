/*
 * analyze.c: the document, stages 3-4 (and the call into stage 5): turns a
 * cleaned kh_story into a kh_doc of sentences and tokens, using a per-thread
 * kh_scratch. For each unit (paragraph) it runs the tokenizer
 * (src/tokens/) and pushes each token through the sentence splitter
 * (src/sentences/), so a sentence never spans two units; then, when asked
 * and given a lexicon, it recases text that carries no case information
 * (recase.c) and tags each sentence (src/tags/).
 *
 * Memory: the scratch owns an arena (norms, tags) reset at each kh_analyze,
 * and two arrays (tokens, sentences) that grow by doubling through the
 * caller's allocator and are reused from story to story, so a steady stream
 * of stories makes no allocation at all. Limits: at most max_sentences
 * sentences per story and max_tokens tokens kept per sentence (the rest of
 * an over-long sentence is still scanned, linearly, to find its end, but not
 * kept); each cut counts once in n_truncated.
 */
#include "chunks/chunks.h"
#include "sentences/sentences.h"
#include "analyze/analyze.h"
#include "tags/tags.h"
#include "tokens/tokens.h"

struct kh_scratch {
    kh_allocator alloc_copy; /* the caller's hook, copied */
    const kh_allocator *alloc;
    kh_limits limits;
    kh_arena arena;
    kh_token *toks;
    size_t toks_cap;
    kh_sentence *sents;
    size_t sents_cap;
    kh_doc doc;
    kh_tag_cache *tagcache; /* the tagger's word cache, made at the first tagging */
    kh_name_finder names;   /* known names for the recasing stage; find NULL: none */
    /* kh_analyze_tag_sentence: the sentences tagged (NULL: none yet) and the
     * doc's upos and lemma arrays, writable */
    uint8_t *tagged, *upos;
    const char **lemma;
};

void kh_scratch_set_names(kh_scratch *scratch, const kh_name_finder *names)
{
    if (!scratch)
        return;
    if (names)
        scratch->names = *names;
    else
        memset(&scratch->names, 0, sizeof scratch->names);
}

kh_status kh_scratch_new(const kh_allocator *alloc, const kh_limits *limits, kh_scratch **out)
{
    if (!out)
        return KH_ERR_INVALID;
    *out = NULL;
    kh_scratch *s = (kh_scratch *)kh_calloc(alloc, 1, sizeof *s);
    if (!s)
        return KH_ERR_NOMEM;
    if (alloc) {
        s->alloc_copy = *alloc;
        s->alloc = &s->alloc_copy;
    }
    if (limits)
        s->limits = *limits;
    kh_limits_fill(&s->limits);
    kh_arena_init(&s->arena, s->alloc, 0);
    *out = s;
    return KH_OK;
}

void kh_scratch_free(kh_scratch *scratch)
{
    if (!scratch)
        return;
    const kh_allocator *a = scratch->alloc;
    kh_arena_free(&scratch->arena);
    kh_tag_cache_free(scratch->tagcache);
    kh_free(a, scratch->toks);
    kh_free(a, scratch->sents);
    kh_free(a, scratch);
}

/* The sentence being built. */
typedef struct open_sent {
    int open;
    int truncated;
    size_t off;
    size_t end;
    size_t first;
    size_t n;
} open_sent;

static kh_status close_sentence(kh_scratch *s, open_sent *cur, size_t unit, kh_unit_kind kind)
{
    if (!cur->open)
        return KH_OK;
    kh_doc *d = &s->doc;
    kh_status st = kh_array_reserve(s->alloc, (void **)&s->sents, &s->sents_cap,
                                    d->n_sentences + 1, sizeof *s->sents);
    if (st)
        return st;
    kh_sentence *se = &s->sents[d->n_sentences++];
    se->span.off = cur->off;
    se->span.len = cur->end - cur->off;
    se->unit = unit;
    se->kind = kind;
    se->first_token = cur->first;
    se->n_tokens = cur->n;
    cur->open = 0;
    return KH_OK;
}

/* Splits and tokenizes one unit. Sets *full when max_sentences was reached. */
static kh_status analyze_unit(kh_scratch *s, const kh_story *story, size_t ui, int *full)
{
    const kh_unit *u = &story->units[ui];
    kh_doc *d = &s->doc;
    kh_tokenizer tz;
    kh_splitter sp;
    kh_token tok;
    kh_tokinfo info;
    open_sent cur = {0, 0, 0, 0, 0, 0};
    kh_status st;
    int r;

    kh_tokenizer_init(&tz, story->text, u->span.off, u->span.off + u->span.len, &s->arena);
    kh_splitter_init(&sp);
    while ((r = kh_tokenizer_next(&tz, &tok, &info)) > 0) {
        if (kh_splitter_push(&sp, &tok, &info)) {
            st = close_sentence(s, &cur, ui, u->kind);
            if (st)
                return st;
            if (d->n_sentences >= s->limits.max_sentences) {
                d->n_truncated++;
                *full = 1;
                return KH_OK;
            }
            cur.open = 1;
            cur.truncated = 0;
            cur.off = tok.off;
            cur.first = d->n_tokens;
            cur.n = 0;
            tok.flags |= KH_TOK_SENT_START;
        }
        cur.end = (size_t)tok.off + tok.len;
        if (cur.n < s->limits.max_tokens) {
            if (KH_UNLIKELY(d->n_tokens == s->toks_cap)) {
                st = kh_array_reserve(s->alloc, (void **)&s->toks, &s->toks_cap,
                                      d->n_tokens + 1, sizeof *s->toks);
                if (st)
                    return st;
            }
            s->toks[d->n_tokens++] = tok;
            cur.n++;
        } else if (!cur.truncated) {
            cur.truncated = 1;
            d->n_truncated++;
        }
    }
    if (r < 0)
        return KH_ERR_NOMEM;
    return close_sentence(s, &cur, ui, u->kind);
}

/* The scratch's tagger cache, made on first use. */
static kh_status tag_cache(kh_scratch *s)
{
    return s->tagcache ? KH_OK : kh_tag_cache_new(s->alloc, &s->tagcache);
}

kh_status kh_scratch_tag_cache(kh_scratch *scratch, kh_tag_cache **out)
{
    kh_status st = tag_cache(scratch);
    *out = scratch->tagcache;
    return st;
}

static kh_status tag_doc(kh_scratch *s, const kh_lexicon *lexicon, const kh_story *story)
{
    kh_doc *d = &s->doc;
    kh_status st = tag_cache(s);
    if (st)
        return st;
    uint8_t *upos = (uint8_t *)kh_arena_calloc(&s->arena, d->n_tokens ? d->n_tokens : 1, 1);
    const char **lemma = (const char **)kh_arena_calloc(&s->arena, d->n_tokens ? d->n_tokens : 1,
                                                         sizeof *lemma);
    if (!upos || !lemma)
        return KH_ERR_NOMEM;
    for (size_t i = 0; i < d->n_sentences; i++) {
        const kh_sentence *se = &s->sents[i];
        st = kh_tag_sentence(s->tagcache, lexicon, &s->arena, story->text,
                             s->toks + se->first_token, se->n_tokens, se->kind, 0,
                             upos + se->first_token, lemma + se->first_token);
        if (st)
            return st;
    }
    kh_headline_retag(lexicon, s->toks, s->sents, d->n_sentences, upos, lemma);
    d->upos = upos;
    d->lemma = lemma;
    return KH_OK;
}

kh_status kh_analyze_tag_sentence(kh_scratch *s, const kh_lexicon *lexicon, size_t si)
{
    kh_doc *d = &s->doc;
    if (!lexicon || !d->story || si >= d->n_sentences)
        return KH_ERR_INVALID;
    if (!s->tagged) {
        kh_status st = tag_cache(s);
        if (st)
            return st;
        size_t nt = d->n_tokens ? d->n_tokens : 1;
        uint8_t *upos = (uint8_t *)kh_arena_calloc(&s->arena, nt, 1);
        const char **lemma = (const char **)kh_arena_calloc(&s->arena, nt, sizeof *lemma);
        s->tagged = (uint8_t *)kh_arena_calloc(&s->arena, d->n_sentences, 1);
        if (!upos || !lemma || !s->tagged) {
            s->tagged = NULL;
            return KH_ERR_NOMEM;
        }
        d->upos = s->upos = upos;
        d->lemma = s->lemma = lemma;
    }
    if (s->tagged[si])
        return KH_OK;
    const kh_sentence *se = &s->sents[si];
    uint8_t *upos = s->upos;
    const char **lemma = s->lemma;
    kh_status st = kh_tag_sentence(s->tagcache, lexicon, &s->arena, d->story->text,
                                   s->toks + se->first_token, se->n_tokens, se->kind, 0,
                                   upos + se->first_token, lemma + se->first_token);
    if (st)
        return st;
    kh_headline_retag(lexicon, s->toks, se, 1, upos, lemma);
    s->tagged[si] = 1;
    return KH_OK;
}

kh_status kh_analyze(kh_scratch *scratch, const kh_lexicon *lexicon, const kh_story *story,
                     unsigned flags, const kh_doc **out)
{
    return kh_analyze_timed(scratch, lexicon, story, flags, NULL, out);
}

/* The clock is read only when `times` is given (khaldun code --stats). */
static void lap(kh_coder_stats *times, uint64_t *t, uint64_t *field)
{
    if (!times)
        return;
    uint64_t now = kh_clock_ns();
    *field += now - *t;
    *t = now;
}

kh_status kh_analyze_timed(kh_scratch *scratch, const kh_lexicon *lexicon, const kh_story *story,
                           unsigned flags, kh_coder_stats *times, const kh_doc **out)
{
    if (out)
        *out = NULL;
    if (!scratch || !story || !out)
        return KH_ERR_INVALID;
    if (flags & ~(unsigned)(KH_ANALYZE_TOKENS | KH_ANALYZE_TAGS | KH_ANALYZE_CHUNKS |
                            KH_ANALYZE_RECASE))
        return KH_ERR_INVALID;
    if ((!story->text && story->text_len) || (!story->units && story->n_units))
        return KH_ERR_INVALID;
    /* token offsets are 32-bit */
    if (story->text_len > UINT32_MAX)
        return KH_ERR_LIMIT;
    for (size_t i = 0; i < story->n_units; i++) {
        kh_span sp = story->units[i].span;
        if (sp.off > story->text_len || sp.len > story->text_len - sp.off)
            return KH_ERR_INVALID;
    }

    uint64_t t = times ? kh_clock_ns() : 0;
    kh_arena_reset(&scratch->arena);
    scratch->tagged = NULL;
    kh_doc *d = &scratch->doc;
    memset(d, 0, sizeof *d);
    d->story = story;
    int full = 0;
    kh_status st = KH_OK;
    for (size_t i = 0; i < story->n_units && !full; i++) {
        st = analyze_unit(scratch, story, i, &full);
        if (st)
            break;
    }
    lap(times, &t, times ? &times->analyze_ns : NULL);
    if (!st && (flags & (KH_ANALYZE_TAGS | KH_ANALYZE_RECASE)) && lexicon) {
        /* Text without case information is recased first (recase.c). */
        st = kh_recase_doc(&scratch->arena, lexicon, scratch->names.find ? &scratch->names : NULL,
                           scratch->toks, scratch->sents, d->n_sentences);
        if (!st && (flags & KH_ANALYZE_TAGS))
            st = tag_doc(scratch, lexicon, story);
        lap(times, &t, times ? &times->tags_ns : NULL);
    }
    d->sentences = scratch->sents;
    d->tokens = scratch->toks;
    if (!st && (flags & KH_ANALYZE_CHUNKS) && d->upos) {
        st = kh_chunk_doc(&scratch->arena, lexicon, d);
        lap(times, &t, times ? &times->chunks_ns : NULL);
    }
    if (st) {
        memset(d, 0, sizeof *d);
        return st;
    }
    *out = d;
    return KH_OK;
}

kh_status kh_tag_tokens(const kh_lexicon *lex, kh_scratch *scratch, const char *text,
                        const kh_token *toks, size_t n, kh_unit_kind kind, unsigned flags,
                        uint8_t *upos, const char **lemma)
{
    if (!lex || !scratch || (n && (!toks || !upos || !lemma)))
        return KH_ERR_INVALID;
    kh_arena_reset(&scratch->arena);
    scratch->tagged = NULL;
    memset(&scratch->doc, 0, sizeof scratch->doc);
    kh_status st = tag_cache(scratch);
    if (st)
        return st;
    return kh_tag_sentence(scratch->tagcache, lex, &scratch->arena, text, toks, n, kind,
                           flags & KH_TAG_RULES_ONLY, upos, lemma);
}
