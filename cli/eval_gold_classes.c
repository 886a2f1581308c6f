/*
 * eval_gold_classes.c: the error classes of `khaldun eval --gold`
 * (cli/cmd_eval_gold.c), read off the events and the coder's trace.
 *
 * Error classes, for each miss and false event at root+dyad. They are
 * heuristics over the events and the trace of the unit's sentences, in this
 * order (the first that applies):
 *   a miss (gold event not found at root+dyad), over all units holding it —
 *     1. a khaldun event of the same root in the unit: the gold has a
 *        target and the event none: "target dropped"; else the side that
 *        differs is a pronoun or a definite description ("the minister"):
 *        "coreference"; else "no actor" (actor unknown, or without its
 *        country);
 *     2. a khaldun event with the same dyad but another root: "sense";
 *     3. a clause of the unit whose pattern has the gold root, by what the
 *        trace says came of it: no target actor / source and target the
 *        same: "target dropped"; no source actor: "parse" when the parser
 *        found no subject, "coreference" when the subject is a pronoun or
 *        definite description, else "no actor";
 *        negated or not a fact: "hypothetical" (modality misread); a report of other
 *        clauses, a statement by an unidentified speaker: "statement";
 *        special code, refusal: "sense"; a phrase that is not an event of
 *        its own: "parse"; coded but with other actors: "no actor";
 *     4. the gold event is a statement or appeal (root 01 or 02), or a
 *        demand, disapproval, rejection or threat (roots 10-13) in a unit
 *        with a reporting clause (said, told, warned, urged, denied ...):
 *        "statement";
 *     5. a clause with no pattern for its verb: "no pattern";
 *     6. no clause in the unit, or a clause the coder set aside as not an
 *        event of its own: "parse";
 *     7. otherwise "no pattern".
 *   a false event (khaldun event not right at root+dyad) —
 *     1. its verb group holds a modal, or "if", "whether" or "unless" comes
 *        before the verb in the sentence, or the sentence is a question:
 *        "hypothetical";
 *     2. its source or target words are a pronoun or definite description:
 *        "coreference";
 *     3. a gold event of the same root in the unit: "target dropped" when
 *        the gold has a target and the event none, else "no actor";
 *     4. a gold event of the same dyad in the unit: "sense";
 *     5. a statement (root 01): "statement";
 *     6. otherwise "sense" (not an event, or another sense of the verb).
 * The trace lines are read by their wording (src/events/coder.c); a line
 * not understood is ignored, so a changed wording weakens the classes, not
 * the scores.
 */
#include <string.h>

#include "eval_gold.h"

/* ---------------------------------------------------------------------- */
/* The trace: what the coder considered in each clause                    */

void gold_on_trace(void *ctx, size_t sentence, const char *line)
{
    trace_buf *tb = (trace_buf *)ctx;
    while (*line == ' ')
        line++;
    if (!strncmp(line, "clause ", 7)) {
        if (tb->n == tb->cap) {
            tb->cap = tb->cap ? 2 * tb->cap : 64;
            tb->cl = gold_realloc(tb->cl, tb->cap * sizeof *tb->cl);
        }
        tclause *c = &tb->cl[tb->n++];
        memset(c, 0, sizeof *c);
        c->sentence = sentence;
        const char *l = strstr(line, "(lemma ");
        if (l) {
            l += 7;
            size_t n = strcspn(l, ")");
            snprintf(c->lemma, sizeof c->lemma, "%.*s", (int)n, l);
        }
        return;
    }
    if (!tb->n || tb->cl[tb->n - 1].sentence != sentence)
        return;
    tclause *c = &tb->cl[tb->n - 1];
    static const struct {
        const char *start;
        outcome out;
    } lines[] = {
        {"EVENT ", O_EVENT},
        {"no pattern for", O_NO_PATTERN},
        {"patterns for the verbs of this group, none matched", O_NO_PATTERN},
        {"pattern for the verbs of this group, none matched", O_NO_PATTERN},
        {"part of the pattern of an earlier verb", O_PARSE},
        {"participial phrase", O_PARSE},
        {"gerund after a preposition", O_PARSE},
        {"infinitive complement", O_PARSE},
        {"special code", O_SPECIAL},
        {"a report of other clauses", O_REPORT},
        {"negated", O_NEGATED},
        {"not a fact", O_NEGATED}, /* modality (src/events/modality.c) */
        {"refusal of", O_REFUSAL},
        {"no source actor", O_NO_SOURCE},
        {"no target actor", O_NO_TARGET},
        {"source and target are both", O_SAME},
        {"statement by an unidentified", O_UNIDENTIFIED},
    };
    if (!strncmp(line, "pattern '", 9)) {
        const char *a = strstr(line, "' -> ");
        if (a && a[5] >= '0' && a[5] <= '2' && a[6] >= '0' && a[6] <= '9') {
            c->root[0] = a[5];
            c->root[1] = a[6];
            c->root[2] = '\0';
        }
        return;
    }
    for (size_t k = 0; k < sizeof lines / sizeof lines[0]; k++) {
        const char *hit = strstr(line, lines[k].start);
        /* "N patterns for ..., none matched" has its count first. */
        if (!hit || (hit != line && lines[k].out != O_NO_PATTERN))
            continue;
        if (c->out == O_EVENT && lines[k].out == O_SAME)
            return; /* one pair of a compound was the same actor; others were coded */
        c->out = lines[k].out;
        if (lines[k].out == O_NO_SOURCE) {
            const char *s = strstr(line, "(subject ");
            if (s) {
                s += 9;
                size_t n = strlen(s);
                if (n && s[n - 1] == ')')
                    n--;
                snprintf(c->subject, sizeof c->subject, "%.*s", (int)n, s);
            }
        }
        return;
    }
}

/* ---------------------------------------------------------------------- */
/* Words: modals, subordinators, references                               */

/* Lower-case words of text[0..n): runs of letters, digits and non-ASCII
 * bytes. Calls fn for each; stops when it returns non-zero. */
static int each_word(const char *s, size_t n, int (*fn)(void *ctx, const char *w, size_t len),
                     void *ctx)
{
    for (size_t i = 0; i < n;) {
        while (i < n && !((unsigned char)s[i] >= 0x80 || (s[i] >= 'a' && s[i] <= 'z') ||
                          (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            i++;
        size_t st = i;
        while (i < n && ((unsigned char)s[i] >= 0x80 || (s[i] >= 'a' && s[i] <= 'z') ||
                         (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            i++;
        if (i > st) {
            char w[32];
            size_t wl = i - st < sizeof w - 1 ? i - st : sizeof w - 1;
            for (size_t k = 0; k < wl; k++)
                w[k] = (char)(s[st + k] >= 'A' && s[st + k] <= 'Z' ? s[st + k] + 32 : s[st + k]);
            w[wl] = '\0';
            if (fn(ctx, w, wl))
                return 1;
        }
    }
    return 0;
}

static int in_list(const char *w, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(w, list[i]))
            return 1;
    return 0;
}

static const char *const modal_words[] = {"would", "could", "should", "might", "may", "must",
                                          "can", "shall", NULL};

static int word_is_modal(void *ctx, const char *w, size_t len)
{
    (void)ctx;
    (void)len;
    return in_list(w, modal_words);
}

static int word_is_subordinator(void *ctx, const char *w, size_t len)
{
    static const char *const subordinators[] = {"if", "whether", "unless", NULL};
    (void)ctx;
    (void)len;
    return in_list(w, subordinators);
}

/* A pronoun or a definite description that names an actor only through
 * the story: "he", "they", "the minister", "the two countries". */
static int is_reference(const char *s, size_t n)
{
    static const char *const refs[] = {
        "he", "she", "it", "they", "him", "her", "them", "we", "i", "us", "you", "his", "its",
        "their", "both", "the two", "the country", "the government", "the minister", "the group",
        "the president", "the two countries", "both countries", "both sides", "the two sides",
        "the north", "the south", "the official", "the spokesman", "the leader", "the movement",
        "the organisation", "the organization", "the militants", "the rebels", NULL};
    char low[96] = "";
    size_t k = 0;
    while (n && (*s == ' ' || *s == '\n' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t'))
        n--;
    if (!n || n >= sizeof low)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '\n' || ch == '\t')
            ch = ' ';
        if (ch == ' ' && k && low[k - 1] == ' ')
            continue;
        low[k++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    low[k] = '\0';
    return in_list(low, refs);
}

/* ---------------------------------------------------------------------- */
/* Error classes                                                          */

/* Clauses of the coder's sentences that overlap u. */
static int clause_in_unit(const story_ctx *sc, const tclause *c, const gunit *u)
{
    if (c->sentence >= sc->doc->n_sentences)
        return 0;
    const kh_span *sp = &sc->doc->sentences[c->sentence].span;
    return sp->off < u->at + u->len && u->at < sp->off + sp->len;
}

static const char *const reporting_lemmas[] = {"say", "tell", "add", "state", "announce", "declare",
                                               "claim", "report", "warn", "urge", "deny", NULL};

/* The class of a miss of g, which the units us[0..nu) hold. */
int gold_miss_class(const story_ctx *sc, const gevent *g, const gunit *const *us, size_t nu)
{
    /* 1-2: what khaldun coded in the units */
    int same_dyad_other_root = 0;
    for (size_t j = 0; j < nu; j++)
        for (size_t i = 0; i < sc->n_ev; i++) {
            const kh_event *k = &sc->ev[i];
            const kh_mention *m = gold_mention_in(k, us[j]);
            if (!m)
                continue;
            if (gold_same_root(g, k)) {
                if (g->tgt[0] && !k->target)
                    return E_TARGET;
                int src_ok = gold_same_side(g->src, k->source, 3);
                const kh_span *sp = src_ok ? &m->target : &m->source;
                if (sp->len && is_reference(sc->story->text + sp->off, sp->len))
                    return E_COREF;
                return E_NO_ACTOR;
            }
            if (gold_same_dyad(g, k))
                same_dyad_other_root = 1;
        }
    if (same_dyad_other_root)
        return E_SENSE;
    /* 3: a clause whose pattern has the gold root */
    const trace_buf *tb = &sc->g->tr;
    for (size_t j = 0; j < nu; j++)
        for (size_t i = 0; i < tb->n; i++) {
            const tclause *c = &tb->cl[i];
            if (!clause_in_unit(sc, c, us[j]) || c->root[0] != g->code[0] ||
                c->root[1] != g->code[1])
                continue;
            switch (c->out) {
            case O_NO_TARGET: case O_SAME:
                return E_TARGET;
            case O_NO_SOURCE:
                if (!strcmp(c->subject, "none"))
                    return E_PARSE; /* the parser found no subject */
                return is_reference(c->subject, strlen(c->subject)) ? E_COREF : E_NO_ACTOR;
            case O_NEGATED:
                return E_HYPO;
            case O_REPORT: case O_UNIDENTIFIED:
                return E_STATEMENT;
            case O_SPECIAL: case O_REFUSAL:
                return E_SENSE;
            case O_PARSE: case O_NONE:
                return E_PARSE;
            case O_EVENT:
                return E_NO_ACTOR;
            case O_NO_PATTERN:
                break;
            }
        }
    /* 4: statements */
    int groot = gold_root_index(g->code);
    if (groot == 1 || groot == 2)
        return E_STATEMENT;
    int any = 0, no_pattern = 0, parse = 0, reporting = 0;
    for (size_t j = 0; j < nu; j++)
        for (size_t i = 0; i < tb->n; i++) {
            const tclause *c = &tb->cl[i];
            if (!clause_in_unit(sc, c, us[j]))
                continue;
            any = 1;
            no_pattern |= c->out == O_NO_PATTERN;
            parse |= c->out == O_PARSE;
            reporting |= c->out == O_REPORT || c->out == O_UNIDENTIFIED ||
                         in_list(c->lemma, reporting_lemmas);
        }
    if (reporting && groot >= 10 && groot <= 13)
        return E_STATEMENT;
    if (no_pattern)
        return E_NO_PATTERN;
    if (!any || parse)
        return E_PARSE;
    return E_NO_PATTERN;
}

int gold_false_class(const story_ctx *sc, const kh_event *k, const kh_mention *m, const gunit *u,
                       const gstory *s)
{
    const char *text = sc->story->text;
    /* 1: modality */
    if (m->verb.len && each_word(text + m->verb.off, m->verb.len, word_is_modal, NULL))
        return E_HYPO;
    /* Only the subordinators count before the verb: a modal there
     * belongs to another clause. */
    if (m->verb.len && m->verb.off > m->text.off &&
        each_word(text + m->text.off, m->verb.off - m->text.off, word_is_subordinator, NULL))
        return E_HYPO;
    size_t e = m->text.off + m->text.len;
    while (e > m->text.off && strchr(" \t\n\"'", text[e - 1]))
        e--;
    if (e > m->text.off && text[e - 1] == '?')
        return E_HYPO;
    /* 2: reference */
    if ((m->source.len && is_reference(text + m->source.off, m->source.len)) ||
        (m->target.len && is_reference(text + m->target.off, m->target.len)))
        return E_COREF;
    /* 3-4: the gold events of the unit */
    int dyad = 0;
    for (size_t i = 0; i < u->n_ids; i++) {
        const gevent *g = &s->dist[u->ids[i]];
        if (gold_same_root(g, k))
            return g->tgt[0] && !k->target ? E_TARGET : E_NO_ACTOR;
        dyad |= gold_same_dyad(g, k);
    }
    if (dyad)
        return E_SENSE;
    if (gold_root_index(k->code) == 1)
        return E_STATEMENT;
    return E_SENSE;
}
