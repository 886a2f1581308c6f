/*
 * coder.c: the heart of khaldun: who did what to whom, when and where.
 *
 * For each story: analyse it (sentences, tokens, tags, chunks, clauses);
 * find every dictionary phrase (actors, countries, agents, places, synsets)
 * by longest match over the trie; then, clause by clause:
 *
 *   1. take the verb group's lemma and try every verb pattern filed under it
 *      (longest pattern wins), matching its words after (and before) the
 *      verb and binding its target slot to a noun phrase;
 *   2. resolve the subject and the target noun phrases to CAMEO actor codes:
 *      a named actor in office on the story's date, else a country (name,
 *      demonym, capital, possessor) combined with an agent ("North Korea's
 *      minister" = PRKGOV), an organisation ("the IAEA chief"), pronouns and
 *      definite descriptions from the story so far ("he", "the two
 *      countries", "the North");
 *   3. apply voice (passive: the "by" phrase is the source), negation (a
 *      negated act is not coded), refusal ("refused to meet" = 125), intent
 *      ("wants to meet" = 036), reported speech (the reported act is coded;
 *      the bare report is not);
 *   4. date the event (resolve/dates.c) and place it from the gazetteer
 *      when the clause names where it happened;
 *
 * and finally merge the story's events per (date, source, target, code),
 * keeping every mention with its sentence and spans.
 */
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "chunks/chunks.h"
#include "dict/dict.h"
#include "analyze/analyze.h"
#include "resolve/resolve.h"

#include "events/coder.h"

/* ---------------------------------------------------------------------- */

void kh_coder_trace(kh_coder *c, size_t sentence, const char *fmt, ...)
{
    if (!c->opt.trace)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    c->opt.trace(c->opt.trace_ctx, sentence, line);
}

kh_status kh_coder_new(const kh_code_options *options, kh_coder **out)
{
    if (!options || !options->dict || !out)
        return KH_ERR_INVALID;
    *out = NULL;
    kh_coder *c = (kh_coder *)kh_calloc(options->alloc, 1, sizeof *c);
    if (!c)
        return KH_ERR_NOMEM;
    c->opt = *options;
    if (options->alloc) {
        c->alloc_copy = *options->alloc;
        c->opt.alloc = &c->alloc_copy;
    }
    kh_limits_fill(&c->opt.limits);
    c->dict = options->dict;
    c->sc = kh_peer_dict(c->dict) ? &kh_peer_coder : &kh_clause_coder;
    kh_clause_coder_setup(c);
    c->opt.peer_options = NULL; /* read by the sentence coder's init, not kept */
    kh_arena_init(&c->arena, c->opt.alloc, 0);
    kh_status st = kh_scratch_new(c->opt.alloc, &c->opt.limits, &c->scratch);
    if (!st) {
        /* Text without case is recased from the dictionary's names too. */
        kh_name_finder names = {kh_actors_name_at, c->dict};
        kh_scratch_set_names(c->scratch, &names);
        st = c->sc->init(c, options->peer_options, &c->sc_state);
    }
    if (st) {
        kh_coder_free(c);
        return st;
    }
    *out = c;
    return KH_OK;
}

void kh_coder_free(kh_coder *c)
{
    if (!c)
        return;
    const kh_allocator *a = c->opt.alloc;
    if (c->sc && c->sc->free)
        c->sc->free(c, c->sc_state);
    kh_scratch_free(c->scratch);
    kh_arena_free(&c->arena);
    kh_free(a, c);
}

const kh_doc *kh_coder_doc(const kh_coder *c) { return c ? c->doc : NULL; }

kh_status kh_coder_set_peer_option(kh_coder *c, const char *line)
{
    if (!c || !line || !c->sc->option)
        return KH_ERR_INVALID;
    return c->sc->option(c, c->sc_state, line);
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

void kh_coder_stats_get(const kh_coder *c, kh_coder_stats *out)
{
    if (!out)
        return;
    if (c)
        *out = c->stats;
    else
        memset(out, 0, sizeof *out);
}

kh_status kh_coder_add_event(kh_coder *c, const raw_event *ev)
{
    if (c->n_raw == c->raw_cap) {
        size_t cap = c->raw_cap ? c->raw_cap * 2 : 32;
        raw_event *p = (raw_event *)kh_arena_grow(&c->arena, c->raw, c->raw_cap * sizeof *p,
                                                  cap * sizeof *p);
        if (!p)
            return KH_ERR_NOMEM;
        c->raw = p;
        c->raw_cap = cap;
    }
    c->raw[c->n_raw] = *ev;
    c->raw[c->n_raw].order = c->n_raw;
    c->n_raw++;
    return KH_OK;
}

kh_span kh_coder_span(kh_coder *c, size_t first, size_t end)
{
    kh_span s = {0, 0};
    if (first >= end)
        return s;
    const kh_token *t = c->doc->tokens;
    s.off = t[first].off;
    s.len = t[end - 1].off + t[end - 1].len - s.off;
    return s;
}

static int same_key(const raw_event *a, const raw_event *b)
{
    return a->date.year == b->date.year && a->date.month == b->date.month &&
           a->date.day == b->date.day && a->date_precision == b->date_precision &&
           a->code == b->code &&
           ((!a->source && !b->source) || (a->source && b->source && !strcmp(a->source, b->source))) &&
           ((!a->target && !b->target) || (a->target && b->target && !strcmp(a->target, b->target)));
}

/* An act told without its doer ("Suspects arrested in X", "five soldiers
 * were killed") is the act the story tells elsewhere with one ("police
 * arrested three suspects"): the same date, code and target, and one doer
 * among the story's events of that act. It takes that source and so merges
 * with it; with no such event, or with two doers, it stays source-less. */
static void adopt_sources(kh_coder *c)
{
    for (size_t i = 0; i < c->n_raw; i++) {
        raw_event *r = &c->raw[i];
        if (r->source || !r->target || !(r->flags & KH_EV_PASSIVE))
            continue;
        const raw_event *doer = NULL;
        int several = 0;
        for (size_t k = 0; k < c->n_raw && k < 4096 && !several; k++) {
            const raw_event *o = &c->raw[k];
            if (!o->source || o->code != r->code || strcmp(o->target ? o->target : "", r->target) ||
                memcmp(&o->date, &r->date, sizeof o->date) || o->date_precision != r->date_precision)
                continue;
            several = doer && strcmp(doer->source, o->source);
            doer = o;
        }
        if (doer && !several) {
            r->source = doer->source;
            r->source_name = doer->source_name;
            r->source_place = doer->source_place;
            r->flags |= doer->flags & KH_EV_SOURCE_INFERRED;
        }
    }
}

static kh_status merge(kh_coder *c)
{
    c->n_events = 0;
    adopt_sources(c);
    if (!c->n_raw) {
        c->events = NULL;
        return KH_OK;
    }
    size_t *group = (size_t *)kh_arena_alloc(&c->arena, c->n_raw * sizeof *group);
    kh_event *evs = (kh_event *)kh_arena_calloc(&c->arena, c->n_raw, sizeof *evs);
    kh_mention *ms = (kh_mention *)kh_arena_alloc(&c->arena, c->n_raw * sizeof *ms);
    size_t *count = (size_t *)kh_arena_calloc(&c->arena, c->n_raw, sizeof *count);
    if (!group || !evs || !ms || !count)
        return KH_ERR_NOMEM;
    size_t ng = 0;
    /* Quadratic in the events of one story, which are few (bounded by the
     * clauses of a story; a story of 20,000 sentences has at most a few
     * thousand events and this runs once). */
    for (size_t i = 0; i < c->n_raw; i++) {
        size_t g = ng;
        for (size_t k = 0; k < i && k < 4096; k++)
            if (same_key(&c->raw[k], &c->raw[i])) {
                g = group[k];
                break;
            }
        if (g == ng)
            ng++;
        group[i] = g;
        count[g]++;
    }
    size_t pos = 0;
    for (size_t g = 0; g < ng; g++) {
        evs[g].mentions = ms + pos;
        pos += count[g];
        count[g] = 0;
    }
    for (size_t i = 0; i < c->n_raw; i++) {
        size_t g = group[i];
        const raw_event *r = &c->raw[i];
        kh_event *e = &evs[g];
        if (!count[g]) {
            e->date = r->date;
            e->date_precision = r->date_precision;
            e->modality = r->modality;
            e->source = r->source;
            e->target = r->target;
            e->source_name = r->source_name;
            e->target_name = r->target_name;
            e->code = kh_dict_str(c->dict, r->code->code);
            e->name = kh_dict_str(c->dict, r->code->name);
            e->root[0] = e->code[0];
            e->root[1] = e->code[1];
            e->root[2] = '\0';
            e->quad = (int)r->code->quad;
            e->goldstein = r->code->goldstein;
            e->place = r->place;
            e->source_place = r->source_place;
            e->target_place = r->target_place;
            e->flags = r->flags;
        } else {
            if (!e->place)
                e->place = r->place;
            if (!e->source_place)
                e->source_place = r->source_place;
            if (!e->target_place)
                e->target_place = r->target_place;
            /* One mention that asserts the act makes it a fact. */
            if ((e->flags & KH_EV_HYPOTHETICAL) && !(r->flags & KH_EV_HYPOTHETICAL)) {
                e->flags &= ~(uint32_t)KH_EV_HYPOTHETICAL;
                e->modality = NULL;
            }
        }
        ((kh_mention *)e->mentions)[count[g]++] = r->mention;
        e->n_mentions = count[g];
    }
    c->events = evs;
    c->n_events = ng;
    return KH_OK;
}

static kh_status grow_tokens(kh_coder *c, size_t n)
{
    if (n <= c->tok_cap)
        return KH_OK;
    /* Per-story arrays live in the arena (reset per story). */
    c->form = (uint32_t *)kh_arena_alloc(&c->arena, n * sizeof *c->form);
    c->lemw = (uint32_t *)kh_arena_alloc(&c->arena, n * sizeof *c->lemw);
    c->view.mnode = (uint32_t *)kh_arena_alloc(&c->arena, n * sizeof *c->view.mnode);
    c->view.mlen = (uint16_t *)kh_arena_alloc(&c->arena, n * sizeof *c->view.mlen);
    c->view.form = c->form;
    c->view.lemw = c->lemw;
    if (!c->form || !c->lemw || !c->view.mnode || !c->view.mlen)
        return KH_ERR_NOMEM;
    return KH_OK;
}

/* Per sentence, the kh_word_bit set of its tokens' form and lemma ids (four
 * words a sentence), for kh_try_pattern's quick test; NULL when out of
 * memory, and the patterns are then tried in full. */
static const uint64_t *sentence_word_sets(kh_coder *c, const kh_doc *doc)
{
    uint64_t *set = (uint64_t *)kh_arena_calloc(&c->arena, doc->n_sentences * 4 + 1, sizeof *set);
    for (size_t si = 0; set && si < doc->n_sentences; si++) {
        uint64_t *w = set + 4 * si;
        size_t t = doc->sentences[si].first_token, end = t + doc->sentences[si].n_tokens;
        for (; t < end; t++) {
            unsigned b = kh_word_bit(c->form[t]), l = kh_word_bit(c->lemw[t]);
            if (c->form[t] != KH_NONE)
                w[b >> 6] |= 1ULL << (b & 63);
            if (c->lemw[t] != KH_NONE)
                w[l >> 6] |= 1ULL << (l & 63);
        }
    }
    return set;
}

/* The clause coder's per-story tables: word ids of forms and lemmas,
 * dictionary phrases, the story's context, per-clause marks. */
static kh_status prepare_story(kh_coder *c, const kh_doc *doc, const kh_story *story)
{
    kh_status st = grow_tokens(c, doc->n_tokens + 1);
    if (st)
        return st;
    for (size_t i = 0; i < doc->n_tokens; i++) {
        c->form[i] = kh_dict_word(c->dict, doc->tokens[i].norm, doc->tokens[i].norm_len);
        const char *l = doc->lemma[i];
        /* Most lemmas are the word itself: reuse its id rather than hash
         * again (kh_dict_word was 6% of the run; see bench/run.sh). */
        size_t ll = l ? strlen(l) : 0;
        if (!l)
            c->lemw[i] = KH_NONE;
        else if (ll == doc->tokens[i].norm_len && memcmp(l, doc->tokens[i].norm, ll) == 0)
            c->lemw[i] = c->form[i];
        else
            c->lemw[i] = kh_dict_word(c->dict, l, ll);
    }
    c->view.wset = sentence_word_sets(c, doc);
    kh_actors_find_phrases(&c->view);
    kh_actors_story_context(&c->ax, story->dateline);
    kh_actors_story_aliases(&c->ax);
    if (c->ax.dateline_country || c->ax.story_country)
        kh_coder_trace(c, 0, "story context: dateline country %s, story country %s",
                       c->ax.dateline_country ? c->ax.dateline_country : "-",
                       c->ax.story_country ? c->ax.story_country : "-");
    c->consumed = (uint8_t *)kh_arena_calloc(&c->arena, doc->n_clauses + 1, 1);
    c->pending_report = (uint8_t *)kh_arena_calloc(&c->arena, doc->n_clauses + 1, 1);
    c->clause_nev = (uint16_t *)kh_arena_calloc(&c->arena, doc->n_clauses + 1, sizeof *c->clause_nev);
    if (!c->consumed || !c->pending_report || !c->clause_nev)
        return KH_ERR_NOMEM;
    return KH_OK;
}

kh_status kh_coder_code(kh_coder *c, const kh_story *story, const kh_event **events, size_t *n)
{
    if (!c || !story || !events || !n)
        return KH_ERR_INVALID;
    *events = NULL;
    *n = 0;
    kh_arena_reset(&c->arena);
    c->tok_cap = 0;
    c->consumed = NULL;
    c->raw = NULL;
    c->n_raw = c->raw_cap = 0;
    c->n_events = 0;
    c->story = story;
    c->days = story->date.year ? kh_date_to_days(story->date) : KH_DAYS_MIN;
    memset(&c->view, 0, sizeof c->view);
    c->view.dict = c->dict;
    c->view.arena = &c->arena;
    c->view.days = c->days;
    c->view.text = story->text;
    kh_actors_reset(&c->ax, &c->view);
    const kh_doc *doc;
    unsigned flags = KH_ANALYZE_TOKENS;
    int lazy = (c->sc->flags & KH_SC_LAZY_TAGS) != 0;
    if (c->opt.lexicon)
        flags |= lazy ? KH_ANALYZE_RECASE : KH_ANALYZE_TAGS | KH_ANALYZE_CHUNKS;
    kh_status st;
    uint64_t t_coding = 0;
    c->stats.stories++;
    int timed = (c->opt.flags & KH_CODE_STATS) != 0;
    st = kh_analyze_timed(c->scratch, c->opt.lexicon, story, flags, timed ? &c->stats : NULL, &doc);
    if (timed)
        t_coding = kh_clock_ns();
    if (st)
        return st;
    c->doc = doc;
    c->view.doc = doc;
    c->stats.sentences += doc->n_sentences;
    c->stats.tokens += doc->n_tokens;
    if (!c->opt.lexicon || (!lazy && (!doc->upos || !doc->chunks)))
        return KH_OK; /* without a lexicon there is nothing to code */
    if (!lazy) {
        st = prepare_story(c, doc, story);
        if (st)
            return st;
    }
    c->next_clause = 0;
    for (size_t si = 0; si < doc->n_sentences; si++) {
        st = c->sc->sentence(c, c->sc_state, si);
        if (st)
            return st;
    }
    st = merge(c);
    if (st)
        return st;
    *events = c->events;
    *n = c->n_events;
    c->stats.events += c->n_events;
    if (t_coding)
        c->stats.coding_ns += kh_clock_ns() - t_coding;
    return KH_OK;
}
