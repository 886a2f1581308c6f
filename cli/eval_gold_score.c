/*
 * eval_gold_score.c: scoring one story of `khaldun eval --gold`
 * (cli/cmd_eval_gold.c): its units checked against the story, the story
 * coded, and its khaldun and gold events counted into the tally of its split.
 *
 * Units. A unit's sha is the first 8 hex digits of SHA-256 of the story
 * bytes [off, off+len). The same digits over those bytes with every byte
 * outside a sentence written as a space (how tools/gold-units.py --span
 * rebuilds the text) are accepted too. On a mismatch the unit is looked for
 * elsewhere in the story: first a sentence (as `khaldun read` splits them)
 * with that sha, then any stretch of the same length; if found it is scored
 * there ("relocated"), else it is reported as "FILE:LINE: unit moved" and
 * left out of the scores.
 *
 * Scoring: events, not mentions. Gold events count once per story, source,
 * target and code, however many units repeat them. A khaldun event (merged
 * per story, maybe with several mentions) counts once; it lies in a unit
 * when one of its mentions' verb span starts inside it (the sentence start
 * when there is no verb span). Khaldun events in no annotated unit are not
 * scored. A khaldun event is right at a level when it lies in a unit that
 * holds a gold event it matches there; a gold event is found at a level
 * when some khaldun event lying in one of its units matches it:
 *   found      any event (the unit holds a gold event);
 *   root+dyad  same root (first two digits of the code), and source and
 *              target each agree on their first three letters (the
 *              country); a missing side matches only a missing side;
 *   full       same code, same full actor codes.
 * Precision = right khaldun events / scored khaldun events; recall = found
 * gold events / gold events. Several khaldun events may be right against
 * one gold event (there is no one-to-one assignment).
 *
 * Confusion: for each gold event, the khaldun event in its units that
 * matches it best (full, then root+dyad, then same root, then the first)
 * gives a (gold root, khaldun root) pair; "--" counts gold events with no
 * khaldun event in their units, and khaldun events in units with no gold
 * event.
 */
#include <stdlib.h>
#include <string.h>

#include "eval_gold.h"

/* ---------------------------------------------------------------------- */
/* Matching                                                               */

int gold_same_side(const char *gold, const char *kh, size_t n)
{
    int gnull = !gold || !gold[0], knull = !kh || !kh[0];
    if (gnull || knull)
        return gnull && knull;
    return n ? strncmp(gold, kh, n) == 0 : strcmp(gold, kh) == 0;
}

int gold_same_root(const gevent *g, const kh_event *k)
{
    return g->code[0] == k->code[0] && g->code[1] == k->code[1];
}

int gold_same_dyad(const gevent *g, const kh_event *k)
{
    return gold_same_side(g->src, k->source, 3) && gold_same_side(g->tgt, k->target, 3);
}

int gold_matches(int level, const gevent *g, const kh_event *k)
{
    switch (level) {
    case L_FOUND:
        return 1;
    case L_ROOTDYAD:
        return gold_same_root(g, k) && gold_same_dyad(g, k);
    default:
        return !strcmp(g->code, k->code) && gold_same_side(g->src, k->source, 0) &&
               gold_same_side(g->tgt, k->target, 0);
    }
}

/* The mention of k lying in u (its verb span starts inside u), or NULL. */
const kh_mention *gold_mention_in(const kh_event *k, const gunit *u)
{
    if (u->moved)
        return NULL;
    for (size_t m = 0; m < k->n_mentions; m++) {
        const kh_mention *mm = &k->mentions[m];
        size_t pos = mm->verb.len ? mm->verb.off : mm->text.off;
        if (pos >= u->at && pos - u->at < u->len)
            return mm;
    }
    return NULL;
}

int gold_root_index(const char *code)
{
    if (!code || code[0] < '0' || code[0] > '2' || code[1] < '0' || code[1] > '9')
        return 0;
    int r = (code[0] - '0') * 10 + (code[1] - '0');
    return r >= 1 && r <= 20 ? r : 0;
}

/* ---------------------------------------------------------------------- */
/* Units: where each is scored                                            */

/* Whether u's sha is that of the story bytes where its gold line puts it:
 * as they are (spaced 0), or with every gap between the sentences of rdoc
 * written as a space (spaced 1; how tools/gold-units.py --span rebuilds the
 * text). */
static int sha_in_place(const kh_story *story, const gunit *u, const kh_doc *rdoc, int spaced)
{
    char sha[9];
    if (u->off > story->text_len || u->len > story->text_len - u->off)
        return 0;
    if (!spaced) {
        kh_sha256_hex(story->text + u->off, u->len, sha, 8);
        return !strcmp(sha, u->sha);
    }
    char *buf = gold_realloc(NULL, u->len);
    memset(buf, ' ', u->len);
    for (size_t k = 0; k < rdoc->n_sentences; k++) {
        const kh_span *sp = &rdoc->sentences[k].span;
        size_t a = sp->off > u->off ? sp->off : u->off;
        size_t b = sp->off + sp->len < u->off + u->len ? sp->off + sp->len : u->off + u->len;
        if (a < b)
            memcpy(buf + (a - u->off), story->text + a, b - a);
    }
    kh_sha256_hex(buf, u->len, sha, 8);
    free(buf);
    return !strcmp(sha, u->sha);
}

/* Looks for u's sha elsewhere in the story: first a sentence of rdoc, then
 * any stretch of u's length. Sets u->at (and u->len to the sentence's);
 * returns 0 when it is nowhere. */
static int relocate(const kh_story *story, gunit *u, const kh_doc *rdoc)
{
    char sha[9];
    for (size_t k = 0; k < rdoc->n_sentences; k++) {
        const kh_span *sp = &rdoc->sentences[k].span;
        kh_sha256_hex(story->text + sp->off, sp->len, sha, 8);
        if (!strcmp(sha, u->sha)) {
            u->at = sp->off;
            u->len = sp->len;
            return 1;
        }
    }
    for (size_t at = 0; u->len <= story->text_len && at <= story->text_len - u->len; at++) {
        kh_sha256_hex(story->text + at, u->len, sha, 8);
        if (!strcmp(sha, u->sha)) {
            u->at = at;
            return 1;
        }
    }
    return 0;
}

/* Checks the sha of each unit of g->cur, relocates the ones that moved and
 * marks those it cannot find (left out of the scores). */
static void check_units(gold_run *g, const kh_story *story)
{
    gstory *s = g->cur;
    tally *t = &g->t[s->split];
    const kh_doc *rdoc = NULL;
    for (size_t i = 0; i < s->n_units; i++) {
        gunit *u = &g->units[s->first_unit + i];
        if (sha_in_place(story, u, NULL, 0))
            continue;
        if (!rdoc) {
            /* Sentences as `khaldun read` splits them. */
            kh_status st = kh_analyze(g->scratch, NULL, story, KH_ANALYZE_TOKENS, &rdoc);
            if (st)
                fatal("%s:%s: %s", gold_corpus_names[s->corpus], s->record, kh_strerror(st));
        }
        if (sha_in_place(story, u, rdoc, 1))
            continue;
        if (relocate(story, u, rdoc)) {
            t->relocated++;
        } else {
            u->moved = 1;
            t->moved++;
            warn("%s:%zu: unit moved (%s:%s:%zu, sha %s)", u->file, u->line,
                 gold_corpus_names[s->corpus], s->record, u->off, u->sha);
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Scoring one story                                                      */

static int list_errors(const gold_run *g, int split)
{
    if (!g->errors)
        return 0;
    if (g->split == SPLIT_ALL)
        return split == SPLIT_DEV;
    return split == g->split;
}

static void print_side(const char *s)
{
    printf("%s", s && s[0] ? s : "-");
}

/* Precision: khaldun event k of the story, counted when it lies in a unit. */
static void score_khaldun_event(const story_ctx *sc, const kh_event *k)
{
    gold_run *g = sc->g;
    const gstory *s = g->cur;
    const gunit *units = &g->units[s->first_unit];
    tally *t = &g->t[s->split];
    int scored = 0, ok[N_LEVEL] = {0, 0, 0}, with_gold = 0;
    const kh_mention *first_m = NULL;
    const gunit *first_u = NULL;
    for (size_t j = 0; j < s->n_units; j++) {
        const kh_mention *m = gold_mention_in(k, &units[j]);
        if (!m)
            continue;
        if (!scored) {
            first_m = m;
            first_u = &units[j];
        }
        scored = 1;
        for (size_t e = 0; e < units[j].n_ids; e++) {
            with_gold = 1;
            for (int l = 0; l < N_LEVEL; l++)
                ok[l] |= gold_matches(l, &s->dist[units[j].ids[e]], k);
        }
    }
    if (!scored) {
        t->k_outside++;
        return;
    }
    t->k_total++;
    for (int l = 0; l < N_LEVEL; l++)
        t->k_ok[l] += (size_t)ok[l];
    if (!with_gold)
        t->conf[21][gold_root_index(k->code)]++;
    if (ok[L_ROOTDYAD])
        return;
    int cls = gold_false_class(sc, k, first_m, first_u, s);
    t->fals[cls]++;
    if (list_errors(g, s->split)) {
        printf("false %-4s %-14s %s:%s:%zu  khaldun ", gold_split_names[s->split],
               gold_class_names[cls], gold_corpus_names[s->corpus], s->record, first_u->at);
        print_side(k->source);
        printf(" -> ");
        print_side(k->target);
        printf(" %s  (%s:%zu)\n", k->code, first_u->file, first_u->line);
    }
}

/* The --errors line of a missed gold event gd, with the best khaldun event
 * of its units (NULL when none). */
static void print_miss(const gold_run *g, int cls, const gevent *gd, const kh_event *best,
                       const gunit *first_u)
{
    const gstory *s = g->cur;
    printf("miss  %-4s %-14s %s:%s:%zu  gold ", gold_split_names[s->split], gold_class_names[cls],
           gold_corpus_names[s->corpus], s->record, first_u->at);
    print_side(gd->src);
    printf(" -> ");
    print_side(gd->tgt);
    printf(" %s", gd->code);
    if (best) {
        printf("  got ");
        print_side(best->source);
        printf(" -> ");
        print_side(best->target);
        printf(" %s", best->code);
    }
    printf("  (%s:%zu)\n", first_u->file, first_u->line);
}

/* Recall, confusion and misses: distinct gold event d of the story. held
 * has room for the story's units. */
static void score_gold_event(const story_ctx *sc, size_t d, const gunit **held)
{
    gold_run *g = sc->g;
    const gstory *s = g->cur;
    const gunit *units = &g->units[s->first_unit];
    tally *t = &g->t[s->split];
    const kh_event *ev = sc->ev;
    const gevent *gd = &s->dist[d];
    int ok[N_LEVEL] = {0, 0, 0};
    int best = -1, best_rank = -1;
    size_t nh = 0;
    for (size_t j = 0; j < s->n_units; j++) {
        const gunit *u = &units[j];
        int holds = 0;
        for (size_t e = 0; e < u->n_ids; e++)
            holds |= u->ids[e] == d;
        if (!holds || u->moved)
            continue;
        held[nh++] = u;
        for (size_t i = 0; i < sc->n_ev; i++) {
            if (!gold_mention_in(&ev[i], u))
                continue;
            for (int l = 0; l < N_LEVEL; l++)
                ok[l] |= gold_matches(l, gd, &ev[i]);
            int rank = gold_matches(L_FULL, gd, &ev[i])       ? 3
                       : gold_matches(L_ROOTDYAD, gd, &ev[i]) ? 2
                       : gold_same_root(gd, &ev[i])           ? 1
                                                              : 0;
            if (rank > best_rank) {
                best_rank = rank;
                best = (int)i;
            }
        }
    }
    t->g_total++;
    for (int l = 0; l < N_LEVEL; l++)
        t->g_ok[l] += (size_t)ok[l];
    t->conf[gold_root_index(gd->code)][best >= 0 ? gold_root_index(ev[best].code) : 21]++;
    if (ok[L_ROOTDYAD])
        return;
    int cls = gold_miss_class(sc, gd, held, nh);
    t->miss[cls]++;
    if (list_errors(g, s->split))
        print_miss(g, cls, gd, best >= 0 ? &ev[best] : NULL, held[0]);
}

kh_status gold_on_story(void *ctx, const kh_story *story)
{
    gold_run *g = (gold_run *)ctx;
    gstory *s = g->cur;
    if (g->delivered++)
        return KH_OK; /* one record, one story */
    gunit *units = &g->units[s->first_unit];
    tally *t = &g->t[s->split];
    check_units(g, story);

    /* Code the story, collecting the trace. */
    g->tr.n = 0;
    const kh_event *ev;
    size_t n;
    kh_story recased;
    char *bufs[3];
    const kh_story *coded = eval_case_story(g->casing, story, &recased, bufs);
    kh_status st = kh_coder_code(g->coder, coded, &ev, &n);
    if (st)
        fatal("%s:%s: %s", gold_corpus_names[s->corpus], s->record, kh_strerror(st));
    story_ctx sc = {g, story, kh_coder_doc(g->coder), ev, n};

    /* Gold events held by at least one unit that is scored. */
    size_t nd = s->n_dist;
    unsigned char *active = gold_realloc(NULL, nd + 1);
    memset(active, 0, nd + 1);
    t->stories++;
    for (size_t i = 0; i < s->n_units; i++)
        if (!units[i].moved) {
            t->units++;
            for (size_t k = 0; k < units[i].n_ids; k++)
                active[units[i].ids[k]] = 1;
        }

    for (size_t i = 0; i < n; i++)
        score_khaldun_event(&sc, &ev[i]);
    const gunit **held = gold_realloc(NULL, (s->n_units ? s->n_units : 1) * sizeof *held);
    for (size_t d = 0; d < nd; d++)
        if (active[d])
            score_gold_event(&sc, d, held);
    free(held);
    free(active);
    for (int i = 0; i < 3; i++)
        free(bufs[i]);
    return KH_OK;
}
