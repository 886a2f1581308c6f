/*
 * clause.c: the clauses of the shallow parser (pass 3, after chunk.c has
 * made the noun phrases, prepositional phrases and verb groups of a
 * sentence): one clause per verb group, with its subject (skipping
 * appositions, participial phrases and prepositional objects), object,
 * passive agent ("by" phrase), relative-clause antecedents, and reported
 * speech ("X said that ...", "\"...\", X said", "according to X", "X
 * quoted Y as saying"). What the event coder reads as kh_clause.
 */
#include "chunks/chunk_internal.h"

/* ---------------------------------------------------------------------- */
/* Word classes on lemmas (lower-case ASCII)                              */

static const char *const COGNITION[] = {"think", "believe", "know", "hope", "fear", "expect",
                                        "feel", "suspect", "assume", "understand", "see",
                                        "show", "find", "learn", "hear", "doubt", NULL};

/* Verbs whose object is the subject of the infinitive after it. */
static int is_control_lemma(const char *lemma)
{
    static const char *const control[] = {
        "urge", "ask", "tell", "order", "call", "invite", "encourage", "force", "press", "push",
        "allow", "permit", "persuade", "warn", "advise", "instruct", "request", "require",
        "help", "enable", "authorize", "authorise", "pressure", "pressing", "appeal", "want",
        "expect", "compel", "oblige", "direct", "command", "beg", "challenge", "empower", NULL};
    return in_list(lemma, control);
}

static kh_status push_clause(chunk_ctx *c, const kh_clause *cl)
{
    if (c->n_clauses == c->cap_clauses) {
        size_t cap = c->cap_clauses ? c->cap_clauses * 2 : 32;
        kh_clause *p = (kh_clause *)kh_arena_grow(c->arena, c->clauses,
                                                  c->cap_clauses * sizeof *p, cap * sizeof *p);
        if (!p)
            return KH_ERR_NOMEM;
        c->clauses = p;
        c->cap_clauses = cap;
    }
    c->clauses[c->n_clauses++] = *cl;
    return KH_OK;
}

/* ---------------------------------------------------------------------- */
/* Clauses                                                                */

/* Is chunk k the object of a PP (i.e. preceded by its PP wrapper)? */
static int in_pp(const chunk_ctx *c, size_t k, size_t first_chunk)
{
    return k > first_chunk && c->chunks[k - 1].kind == KH_CHUNK_PP &&
           c->chunks[k - 1].end == c->chunks[k].end;
}

/* Subject of the verb group at chunk v: the nearest NP on its left that is
 * not a prepositional object, an apposition, or inside a participial phrase
 * or a comma-enclosed aside; stops at a clause boundary. */
static int32_t find_subject(chunk_ctx *c, size_t v, size_t first_chunk, size_t s, int *relative)
{
    *relative = 0;
    size_t pos = c->chunks[v].aux_first;
    size_t k = v;
    int depth_guard = 0;
    while (k-- > first_chunk) {
        kh_chunk *ch = &c->chunks[k];
        if (ch->end > pos)
            continue;
        /* Tokens between this chunk and pos. */
        int boundary = 0, comma = 0, rel = 0;
        for (size_t t = ch->end; t < pos; t++) {
            const char *w = low(c, t);
            if (is_punct(c, t, ','))
                comma = 1;
            else if (is_punct(c, t, ';') || is_punct(c, t, ':') || is_quote(c, t) ||
                     tag(c, t) == KH_UPOS_SCONJ || tag(c, t) == KH_UPOS_CCONJ)
                boundary = 1;
            if (kh_chk_relative(w) && (tag(c, t) == KH_UPOS_PRON || tag(c, t) == KH_UPOS_DET ||
                                          tag(c, t) == KH_UPOS_SCONJ))
                rel = 1;
        }
        if (rel && ch->kind == KH_CHUNK_NP) {
            *relative = 1;
            /* The antecedent of "which"/"who"/"that" is the head of a phrase,
             * not the object of a preposition inside it: "a message [to the
             * president-elect], which stated", "the governments [in the
             * world] that support". Walk back over PP objects. */
            if (in_pp(c, k, first_chunk) && k >= first_chunk + 2 &&
                c->chunks[k - 2].kind == KH_CHUNK_NP &&
                c->chunks[k - 2].end == c->chunks[k - 1].first)
                k -= 2;
            return (int32_t)k;
        }
        if (boundary && !comma)
            return -1;
        if (ch->kind == KH_CHUNK_VG) {
            /* A participial phrase or an aside between subject and verb:
             * skip it; any other verb ends the search. */
            if (!(ch->flags & KH_VG_PARTICIPLE))
                return -1;
            pos = ch->aux_first;
            continue;
        }
        if (ch->kind == KH_CHUNK_PP) {
            pos = ch->first;
            continue;
        }
        if (in_pp(c, k, first_chunk) || ch->attach >= 0 ||
            (ch->kind == KH_CHUNK_NP && kh_chk_time_word(low(c, ch->head)))) {
            pos = ch->first;
            continue;
        }
        if (comma && !(ch->flags & KH_NP_APPOSITION) && ++depth_guard < 4) {
            /* "NP, aside, VERB": keep looking left for the NP before the aside
             * unless this NP starts the sentence. */
            if (ch->first == s)
                return (int32_t)k;
            pos = ch->first;
            continue;
        }
        /* The object of an earlier verb is not the subject of a later one
         * ("North Korea sent senior officials to Iran was ..."), except after
         * verbs of saying and thinking ("said Iran was ready"). */
        if (ch->kind == KH_CHUNK_NP && k > first_chunk && c->chunks[k - 1].kind == KH_CHUNK_VG &&
            c->chunks[k - 1].end == ch->first && !(c->chunks[k - 1].flags & KH_VG_REPORTING) &&
            !in_list(c->chunks[k - 1].lemma, COGNITION))
            return -1;
        /* The first member of a coordination is the subject, unless that
         * coordination is the object of a preposition ("between A and B"). */
        size_t k0 = k;
        while (k > first_chunk && c->chunks[k - 1].kind == KH_CHUNK_NP && c->chunks[k - 1].member == (int32_t)k)
            k--;
        if (k != k0 && in_pp(c, k, first_chunk)) {
            pos = c->chunks[k - 1].first;
            continue;
        }
        return (int32_t)k;
    }
    return -1;
}

/* The object of "according to X" in this sentence (the chunk after the
 * last such PP), whose speaker reports the whole sentence; -1 if none. */
static int32_t according_source(chunk_ctx *c, size_t first_chunk, size_t last)
{
    int32_t according = -1;
    for (size_t k = first_chunk; k < last; k++)
        if (c->chunks[k].kind == KH_CHUNK_PP && !strcmp(low(c, c->chunks[k].first), "according") &&
            k + 1 < last)
            according = (int32_t)(k + 1);
    return according;
}

/* The subject of a relative clause whose antecedent is subject: "X are
 * among the few governments that support Y", "X is one of the countries
 * that ...": the relative clause is said of X, the subject of the "be"
 * clause before it; otherwise subject itself. */
static int32_t relative_subject(chunk_ctx *c, size_t first_chunk, size_t first_clause,
                                int32_t subject)
{
    if (subject < 0 || !in_pp(c, (size_t)subject, first_chunk) || c->n_clauses <= first_clause)
        return subject;
    const kh_chunk *pp = &c->chunks[subject - 1];
    const char *prep = low(c, pp->head);
    const kh_clause *prev = &c->clauses[c->n_clauses - 1];
    const kh_chunk *pvg = &c->chunks[prev->verb];
    if ((!strcmp(prep, "among") || !strcmp(prep, "of")) && pvg->lemma &&
        !strcmp(pvg->lemma, "be") && prev->subject >= 0 && pp->first >= pvg->end &&
        pp->first <= pvg->end + 1)
        return prev->subject;
    return subject;
}

/* The subject of the participial clause of the verb group at chunk k: the
 * noun phrase it follows (", occupied by" too, when passive); else, when
 * active (", killing three civilians"), the previous clause's subject;
 * else subject unchanged. */
static int32_t participial_subject(chunk_ctx *c, size_t first_chunk, size_t first_clause, size_t k,
                                   int32_t subject)
{
    const kh_chunk *vg = &c->chunks[k];
    if (k > first_chunk && c->chunks[k - 1].kind == KH_CHUNK_NP &&
        (c->chunks[k - 1].end == vg->first ||
         ((vg->flags & KH_VG_PASSIVE) && c->chunks[k - 1].end + 1 == vg->first &&
          is_punct(c, vg->first - 1, ','))))
        return (int32_t)(k - 1);
    if (!(vg->flags & KH_VG_PASSIVE) && c->n_clauses > first_clause)
        return c->clauses[c->n_clauses - 1].subject;
    return subject;
}

/* Is token t inside a quotation? Counts quote marks from the sentence
 * start s. */
static int inside_quote(const chunk_ctx *c, size_t s, size_t t)
{
    int in_quote = 0;
    for (size_t q = s; q < t; q++)
        if (is_quote(c, q))
            in_quote = !in_quote;
    return in_quote;
}

/* The subject of the to-infinitive at chunk k, given the clauses before it
 * in this sentence (there is at least one): the object of the verb before
 * it when that verb is a control verb ("urged Israel to release"), else
 * that verb's subject ("North Korea has made efforts to boost"), else the
 * nearest earlier clause's subject; -1 if none has one. */
static int32_t infinitive_subject(chunk_ctx *c, size_t first_chunk, size_t first_clause, size_t k)
{
    const kh_chunk *vg = &c->chunks[k];
    const kh_clause *prev = &c->clauses[c->n_clauses - 1];
    const kh_chunk *pvg = &c->chunks[prev->verb];
    int32_t obj = -1;
    for (size_t q = (size_t)prev->verb + 1; q < k; q++)
        if (c->chunks[q].kind == KH_CHUNK_NP && c->chunks[q].end + 1 >= vg->aux_first &&
            !in_pp(c, q, first_chunk))
            obj = (int32_t)q;
    int32_t subject = obj >= 0 && pvg->lemma && is_control_lemma(pvg->lemma) ? obj : prev->subject;
    for (size_t q = c->n_clauses; subject < 0 && q-- > first_clause;)
        subject = c->clauses[q].subject;
    return subject;
}

/* The clause of the verb group at chunk k, up to the sentence end e: its
 * subject and its flags (relative, participial, quoted, coordinated); its
 * object, agent, reporter and extent come later, from all the clauses of
 * the sentence. */
static kh_clause verb_clause(chunk_ctx *c, uint32_t sent, size_t s, size_t e, size_t first_chunk,
                             size_t first_clause, size_t k)
{
    const kh_chunk *vg = &c->chunks[k];
    kh_clause cl;
    memset(&cl, 0, sizeof cl);
    cl.sentence = sent;
    cl.first = vg->aux_first;
    cl.end = (uint32_t)e;
    cl.verb = (int32_t)k;
    cl.object = cl.agent = cl.reporter = cl.parent = -1;
    int relative;
    cl.subject = find_subject(c, k, first_chunk, s, &relative);
    if (relative) {
        cl.flags |= KH_CL_RELATIVE;
        cl.subject = relative_subject(c, first_chunk, first_clause, cl.subject);
    }
    if (vg->flags & KH_VG_PARTICIPLE) {
        cl.flags |= KH_CL_PARTICIPIAL;
        cl.subject = participial_subject(c, first_chunk, first_clause, k, cl.subject);
    }
    if (inside_quote(c, s, vg->first))
        cl.flags |= KH_CL_QUOTE;
    /* A gerund after a preposition ("in Growing Effort") has no subject
     * of its own; a to-infinitive ("to break", "to boost") takes it from
     * the clause before. */
    if (vg->aux_first > s && tag(c, vg->aux_first - 1) == KH_UPOS_ADP &&
        !(vg->flags & KH_VG_PASSIVE))
        cl.subject = -1;
    else if (kh_chk_infinitive(c, vg, s) && c->n_clauses > first_clause)
        cl.subject = infinitive_subject(c, first_chunk, first_clause, k);
    /* Second conjunct: "X met Y and signed Z" shares X. */
    if (cl.subject < 0 && vg->aux_first > s && tag(c, vg->aux_first - 1) == KH_UPOS_CCONJ &&
        c->n_clauses > first_clause) {
        cl.subject = c->clauses[c->n_clauses - 1].subject;
        cl.flags |= KH_CL_COORD;
    }
    return cl;
}

/* Extents: each clause of cls[0..nc) ends where the next one's subject (or
 * verb) begins; the last keeps the sentence end. */
static void clause_extents(chunk_ctx *c, kh_clause *cls, size_t nc)
{
    for (size_t a = 0; a + 1 < nc; a++) {
        uint32_t next = c->chunks[cls[a + 1].verb].aux_first;
        if (cls[a + 1].subject >= 0 && !(cls[a + 1].flags & KH_CL_RELATIVE) &&
            c->chunks[cls[a + 1].subject].first < next &&
            c->chunks[cls[a + 1].subject].first >= c->chunks[cls[a].verb].end)
            next = c->chunks[cls[a + 1].subject].first;
        cls[a].end = next;
    }
}

/* Object and passive agent of each clause of cls[0..nc): the first NPs
 * after its verb, within its extent and before the next verb group (last
 * is the sentence's chunk end); time expressions are neither, an agent is
 * the object of "by" after a passive verb. */
static void objects_and_agents(chunk_ctx *c, kh_clause *cls, size_t nc, size_t first_chunk,
                               size_t last)
{
    for (size_t a = 0; a < nc; a++) {
        kh_clause *cl = &cls[a];
        const kh_chunk *vg = &c->chunks[cl->verb];
        for (size_t q = (size_t)cl->verb + 1; q < last && c->chunks[q].kind != KH_CHUNK_VG; q++) {
            const kh_chunk *ch = &c->chunks[q];
            if (ch->first >= cl->end)
                break;
            if (ch->kind != KH_CHUNK_NP || kh_chk_time_word(low(c, ch->head)))
                continue;
            if (in_pp(c, q, first_chunk)) {
                if (cl->agent < 0 && (vg->flags & KH_VG_PASSIVE) &&
                    !strcmp(low(c, c->chunks[q - 1].first), "by"))
                    cl->agent = (int32_t)q;
                continue;
            }
            if (cl->object < 0 && ch->attach < 0)
                cl->object = (int32_t)q;
        }
    }
}

/* Marks the clauses cls[from..to) that no reporting clause has claimed yet
 * as reported by speaker, under the reporting clause parent (an index into
 * c->clauses). */
static void mark_reported(kh_clause *cls, size_t from, size_t to, int32_t speaker, size_t parent)
{
    for (size_t b = from; b < to; b++) {
        if (cls[b].parent >= 0)
            continue;
        cls[b].flags |= KH_CL_REPORTED;
        cls[b].reporter = speaker;
        cls[b].parent = (int32_t)parent;
    }
}

/* Reported speech among the clauses cls[0..nc) of the sentence from s,
 * the first of which is c->clauses[first_clause]: each clause of a
 * reporting verb claims the clauses after it ("X said (that) ...") and,
 * after a comma or a quote, those before it ("\"...,\" X said"); a
 * reporting clause with no subject before its verb takes its object as
 * subject ("..., said Grossi"). */
static void reported_speech(chunk_ctx *c, kh_clause *cls, size_t nc, size_t s, size_t first_clause)
{
    for (size_t a = 0; a < nc; a++) {
        const kh_chunk *vg = &c->chunks[cls[a].verb];
        if (!(vg->flags & KH_VG_REPORTING))
            continue;
        /* "X quoted Y as saying": Y is who said it. */
        int32_t speaker = cls[a].subject;
        if (vg->lemma && !strcmp(vg->lemma, "quote") && cls[a].object >= 0)
            speaker = cls[a].object;
        /* Not when the reporting verb itself is inside a quotation. */
        if (!(cls[a].flags & KH_CL_QUOTE))
            mark_reported(cls, a + 1, nc, speaker, first_clause + a);
        if (a > 0 && vg->aux_first > s &&
            (is_punct(c, vg->aux_first - 1, ',') || is_quote(c, vg->aux_first - 1) ||
             (cls[a].subject >= 0 && c->chunks[cls[a].subject].first > s &&
              (is_punct(c, c->chunks[cls[a].subject].first - 1, ',') ||
               is_quote(c, c->chunks[cls[a].subject].first - 1)))))
            mark_reported(cls, 0, a, speaker, first_clause + a);
        if (cls[a].subject < 0 && cls[a].object >= 0)
            cls[a].subject = cls[a].object, cls[a].object = -1;
    }
}

/* Pass 3: one clause per verb group; then their extents, objects and
 * agents, and who reports what. */
kh_status kh_chk_clauses(chunk_ctx *c, uint32_t sent, size_t s, size_t e, size_t first_chunk)
{
    size_t first_clause = c->n_clauses;
    size_t last = c->n_chunks;
    kh_status st;
    int32_t according = according_source(c, first_chunk, last);
    for (size_t k = first_chunk; k < last; k++) {
        if (c->chunks[k].kind != KH_CHUNK_VG)
            continue;
        kh_clause cl = verb_clause(c, sent, s, e, first_chunk, first_clause, k);
        if ((st = push_clause(c, &cl)))
            return st;
    }
    size_t nc = c->n_clauses - first_clause;
    kh_clause *cls = nc ? c->clauses + first_clause : NULL; /* clauses NULL until the first */
    clause_extents(c, cls, nc);
    objects_and_agents(c, cls, nc, first_chunk, last);
    reported_speech(c, cls, nc, s, first_clause);
    /* "according to X": the whole sentence is reported. */
    if (according >= 0)
        for (size_t a = 0; a < nc; a++)
            if (cls[a].reporter < 0) {
                cls[a].flags |= KH_CL_REPORTED;
                cls[a].reporter = according;
            }
    return KH_OK;
}
