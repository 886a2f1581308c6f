/*
 * match.c: the peer coder's pattern matching: per clause, verbs left to
 * right, patterns by decreasing weight matched forward and backward from the
 * verb with gaps, $ + % ^ slots bound to actor units, and the events they
 * give (default source and target, passive voice, paired codes).
 */
#include "peer/peer.h"

/* ---------------------------------------------------------------------- */
/* Pattern matching                                                       */

static int barrier(const im_sent *s, size_t i)
{
    const im_word *w = &s->w[i];
    return (w->cls == C_COMMA || w->cls == C_CONJ) && !w->incomp;
}

/* Next visible word after i (or before it, dir < 0); SIZE_MAX at the edge.
 * TABARI sees every word: one in a dropped comma clause is type null, no
 * actor or verb, but its literals still match (parser.cp hasLitr). */
static size_t step(const im_sent *s, size_t i, int dir)
{
    for (;;) {
        if (dir > 0) {
            if (i + 1 >= s->n)
                return SIZE_MAX;
            i++;
        } else {
            if (i == 0)
                return SIZE_MAX;
            i--;
        }
        if (!s->w[i].elim || !s->petrarch)
            return i;
    }
}

/* A word of a noun phrase without an actor: a determiner, adjective,
 * noun or number. */
static int np_word(const im_sent *s, size_t i)
{
    const im_word *w = &s->w[i];
    if (w->unit >= 0 || w->elim || (w->cls != C_NONE && w->cls != C_DET && w->cls != C_NOUN))
        return 0;
    uint8_t u = s->c->doc->upos[w->tok];
    return u == KH_UPOS_DET || u == KH_UPOS_ADJ || u == KH_UPOS_NOUN || u == KH_UPOS_PROPN ||
           u == KH_UPOS_NUM;
}

/* PETRARCH `^` where no actor stands: skips a noun phrase ("* THEIR ^
 * ABOUT +" over "their populations about"). Returns its far end in the
 * direction of travel, or SIZE_MAX. */
static size_t skip_np(const im_sent *s, size_t i, int dir)
{
    if (!s->petrarch || !s->c->doc->upos || !np_word(s, i))
        return SIZE_MAX;
    size_t k = i;
    if (dir > 0) {
        while (k + 1 < s->n && np_word(s, k + 1))
            k++;
    } else {
        while (k > 0 && np_word(s, k - 1))
            k--;
    }
    size_t a = dir > 0 ? i : k, b = dir > 0 ? k : i; /* the phrase a..b */
    if (b + 1 < s->n && s->w[b + 1].unit >= 0)
        return SIZE_MAX; /* modifiers of the actor after them ("the Gondor") */
    for (size_t j = a; j <= b; j++) {
        uint8_t u = s->c->doc->upos[s->w[j].tok];
        if (u == KH_UPOS_NOUN || u == KH_UPOS_PROPN || u == KH_UPOS_NUM)
            return k;
    }
    return SIZE_MAX;
}

/* Does element e match at word i (forward: starting there; backward:
 * ending there)? Returns the word past the match in the direction of
 * travel (its far end), or SIZE_MAX. For slots, *unit gets the unit. */
static size_t elem_at(im_sent *s, const kh_elem *e, size_t i, int dir, int32_t *unit)
{
    switch (e->kind) {
    case KH_E_WORD:
    case KH_E_VERB:
        return kh_peer_has_id(s, i, e->ref) ? i : SIZE_MAX;
    case KH_E_SYNSET: {
        if (dir > 0) {
            trie_best b = {0, 0, 0};
            kh_peer_trie_walk(s, 0, i, 0, kh_peer_node_synset, e->ref, 0, &b);
            return b.node ? b.end - 1 : SIZE_MAX;
        }
        for (size_t k = i + 1; k-- > 0 && i - k < IM_MAX_PHRASE;) {
            trie_best b = {0, 0, 0};
            kh_peer_trie_walk(s, 0, k, 0, kh_peer_node_synset, e->ref, 0, &b);
            if (b.node && b.end == i + 1)
                return k;
            if (k == 0)
                break;
        }
        return SIZE_MAX;
    }
    case KH_E_SOURCE:
    case KH_E_TARGET:
    case KH_E_SKIP:
    case KH_E_COMPOUND: {
        int32_t ui = s->w[i].unit;
        if (s->w[i].elim) /* TABARI: a dropped clause's actor is type null */
            return SIZE_MAX;
        if (e->kind == KH_E_SKIP && (ui < 0 || s->u[ui].dead))
            return skip_np(s, i, dir);
        if (ui < 0 || s->u[ui].dead)
            return SIZE_MAX;
        const im_unit *u = &s->u[ui];
        if (e->kind == KH_E_COMPOUND && !u->compound)
            return SIZE_MAX;
        *unit = ui;
        /* TABARI: $ + record the whole actor but pass over its first word
         * only, so "^ $" can meet one actor of several words; ^ passes
         * over all of it (coder.cp compTarget) */
        if (!s->petrarch && (e->kind == KH_E_SOURCE || e->kind == KH_E_TARGET))
            return i;
        return dir > 0 ? u->end - 1 : u->first;
    }
    default:
        return SIZE_MAX;
    }
}

/* A word of punctuation alone (index.c's table). */
static int punct_word(const im_sent *s, uint32_t id)
{
    return id < s->d->n_words && PEER(s->c)->punct[id];
}

static int is_slot(const kh_elem *e)
{
    return e->kind == KH_E_SOURCE || e->kind == KH_E_TARGET || e->kind == KH_E_SKIP ||
           e->kind == KH_E_COMPOUND;
}

/* Is synset `syn` the alternatives { A | B } of one TABARI pattern (the
 * importer names those "&alt" and a hash), not a named &SYNSET? Only
 * alternatives count what they matched in a pattern's length (5.7.1). */
static int alt_synset(const kh_dict *d, uint32_t syn)
{
    if (syn >= d->n_synsets)
        return 0;
    const char *nm = kh_dict_str(d, d->synsets[syn].name);
    return !strncmp(nm, "&alt", 4) && strlen(nm) == 20;
}

/* Letters and digits of the words first..last (inclusive). */
static uint32_t words_alnum(const im_sent *s, size_t first, size_t last)
{
    uint32_t n = 0;
    for (size_t i = first; i <= last && i < s->n; i++) {
        const kh_token *t = &s->c->doc->tokens[s->w[i].tok];
        const char *f = t->norm + s->w[i].off;
        size_t fl = s->w[i].len ? s->w[i].len : t->norm_len;
        for (size_t b = 0; b < fl; b++)
            n += kh_is_alpha((unsigned char)f[b]) || kh_is_digit((unsigned char)f[b]);
    }
    return n;
}



static void bind(const im_sent *s, mstate *m, const kh_elem *e, int32_t ui)
{
    /* TABARI: a slot at a pronoun binds its referent, agents and all
     * (coder.cp compTarget, getActorHead) */
    if (!s->petrarch && ui >= 0 && s->u[ui].pron && s->u[ui].ref1)
        ui = s->u[ui].ref1 - 1;
    if (e->kind == KH_E_SOURCE)
        m->src = ui;
    else if (e->kind == KH_E_TARGET)
        m->tgt = ui;
    else if (e->kind == KH_E_COMPOUND)
        m->comp = ui;
}

/* Matches elements k.. (forward, dir > 0, k up to n) or k.. down to 0
 * (backward), `from` being the last word matched by the previous element. */
static int match_dir(im_sent *s, const kh_elem *el, size_t n, size_t k, size_t from, int dir,
                     mstate *m)
{
    if (dir > 0 ? k >= n : k == SIZE_MAX) {
        if (dir > 0)
            m->hi = from;
        else
            m->lo = from;
        return 1;
    }
    if (--s->budget < 0)
        return 0;
    const kh_elem *e = &el[k];
    size_t next_k = dir > 0 ? k + 1 : (k == 0 ? SIZE_MAX : k - 1);
    /* A word of punctuation alone ("ANTI-" gives "anti" "-"): TABARI
     * blanks hyphens in text and dictionaries alike, so it matches nothing. */
    if (e->kind == KH_E_WORD && punct_word(s, e->ref))
        return match_dir(s, el, n, next_k, from, dir, m);
    /* Adjacency: forward, this element's flag; backward, the flag of the
     * element after it. */
    int adj = dir > 0 ? (e->aux & KH_EF_ADJ) != 0 : (el[k + 1].aux & KH_EF_ADJ) != 0;
    /* TABARI: 's ends a word, so it breaks a connected phrase ("plan's to
     * expel" is not PLAN_TO_*). */
    if (adj && !s->petrarch) {
        size_t first = step(s, from, dir);
        if (first != SIZE_MAX && s->w[dir > 0 ? first : from].poss)
            return 0;
    }
    for (size_t i = step(s, from, dir); i != SIZE_MAX; i = step(s, i, dir)) {
        /* TABARI matches forward to the clause's end and backward to the
         * sentence's start, across commas (coder.cp checkPattern);
         * PETRARCH's phrases end at a comma or conjunction */
        if (!s->petrarch && dir > 0 && i >= s->clause_hi)
            return 0;
        int32_t ui = IM_NONE;
        /* Inside a unit, only its first (forward) / last (backward) word starts a slot. */
        size_t at = elem_at(s, e, i, dir, &ui);
        if (is_slot(e) && ui >= 0) {
            const im_unit *u = &s->u[ui];
            /* TABARI: any word of an actor's own name (not its agent's) */
            if (!s->petrarch && e->kind != KH_E_COMPOUND) {
                if (s->w[i].cls != C_ACTOR && !u->pron)
                    at = SIZE_MAX;
            } else if ((dir > 0 && i != u->first) || (dir < 0 && i != u->end - 1)) {
                at = SIZE_MAX;
            }
        }
        if (at != SIZE_MAX) {
            mstate save = *m;
            bind(s, m, e, ui);
            if (e->kind == KH_E_SYNSET && alt_synset(s->d, e->ref))
                m->alt_len += words_alnum(s, i < at ? i : at, i < at ? at : i);
            if (match_dir(s, el, n, next_k, at, dir, m))
                return 1;
            *m = save;
            /* A slot takes the first actor met, not a later one. */
            if (is_slot(e))
                return 0;
        } else if (is_slot(e) && s->w[i].unit >= 0 && !s->u[s->w[i].unit].dead &&
                   e->kind != KH_E_COMPOUND && !s->w[i].elim &&
                   (s->petrarch || s->w[i].cls == C_ACTOR)) {
            return 0;
        }
        if (adj)
            return 0;
        if (s->petrarch && barrier(s, i))
            return 0;
    }
    return 0;
}

int kh_peer_match_pattern(im_sent *s, const kh_pattern *p, size_t verb, mstate *m)
{
    const kh_elem *el = &s->d->elems[p->first_elem];
    size_t n = p->n_elems, v = p->verb_pos;
    if (v >= n || !kh_peer_has_id(s, verb, el[v].ref) || !kh_peer_may_match(s, p))
        return 0;
    m->src = m->tgt = m->comp = IM_NONE;
    m->alt_len = 0;
    s->budget = IM_BUDGET;
    if (!match_dir(s, el, n, v + 1, verb, 1, m))
        return 0;
    if (v == 0) {
        m->lo = verb;
        return 1;
    }
    return match_dir(s, el, n, v - 1, verb, -1, m);
}

/* ---------------------------------------------------------------------- */
/* Events                                                                 */

/* Are units a and b the same actor? TABARI compares the actor's code and
 * the agent's apart (coder.cp actorEqual, checkSameActors): "German
 * Chancellor" (DEU, GOV) is not "Helmut Kohl" (DEUGOV), both DEUGOV. */
static int same_actor(const im_sent *s, const im_unit *a, const im_unit *b, const char *ac,
                      const char *bc)
{
    return !strcmp(ac, bc) && (s->petrarch || a->agented == b->agented);
}

static const kh_code_rec *code_of(const kh_dict *d, uint32_t off)
{
    const char *s = kh_dict_str(d, off);
    return kh_dict_code(d, s, strlen(s));
}

static void add_event(im_sent *s, const char *src, const char *tgt, const kh_code_rec *code,
                      const kh_pattern *p, const im_unit *su, const im_unit *tu, size_t verb)
{
    if (!code || s->n_ev == IM_MAX_EVENTS || (tgt && same_actor(s, su, tu, src, tgt)))
        return;
    for (size_t k = 0; k < s->n_ev; k++)
        if (s->ev[k].ev.code == code && !strcmp(s->ev[k].ev.source, src) &&
            ((!tgt && !s->ev[k].ev.target) ||
             (tgt && s->ev[k].ev.target && !strcmp(s->ev[k].ev.target, tgt))))
            return;
    kh_coder *c = s->c;
    const kh_sentence *se = &c->doc->sentences[s->si];
    im_event *ie = &s->ev[s->n_ev++];
    memset(ie, 0, sizeof *ie);
    ie->pflags = p->flags;
    raw_event *ev = &ie->ev;
    ev->date = c->story->date;
    ev->source = src;
    ev->target = tgt;
    ev->source_name = kh_view_text(&c->view, s->w[su->first].tok, s->w[su->end - 1].tok + 1);
    ev->target_name = tu ? kh_view_text(&c->view, s->w[tu->first].tok, s->w[tu->end - 1].tok + 1) : NULL;
    ev->code = code;
    ev->mention.sentence = s->si;
    ev->mention.text = se->span;
    ev->mention.kind = se->kind;
    ev->mention.source = kh_coder_span(c, s->w[su->first].tok, s->w[su->end - 1].tok + 1);
    if (tu)
        ev->mention.target = kh_coder_span(c, s->w[tu->first].tok, s->w[tu->end - 1].tok + 1);
    ev->mention.verb = kh_coder_span(c, s->w[verb].tok, s->w[verb].tok + 1);
    ev->mention.pattern = kh_dict_str(s->d, p->src);
}

static void emit(im_sent *s, const kh_pattern *p, int32_t su, int32_t tu, size_t verb, int split)
{
    const kh_dict *d = s->d;
    const kh_code_rec *code = &d->codes[p->code];
    const kh_code_rec *code2 = (p->flags & KH_PAT_PAIRED) ? code_of(d, p->code2) : NULL;
    const im_unit *a = &s->u[su];
    if (tu < 0) {
        for (uint32_t i = 0; i < a->n; i++)
            add_event(s, a->codes[i], NULL, code, p, a, NULL, verb);
        return;
    }
    const im_unit *b = &s->u[tu];
    /* A compound both source and target (no other actor): PETRARCH, its
     * first member acts on the others, "Bree and Arnor restore ties" BRE ->
     * ARN; TABARI, every member on every other (makeEvent's loops,
     * expandCompoundCodes; checkSameActors drops a member on itself). */
    if (!s->petrarch)
        split = 0;
    uint32_t na = split ? 1 : a->n;
    for (uint32_t i = 0; i < na; i++)
        for (uint32_t j = split ? 1 : 0; j < b->n; j++) {
            add_event(s, a->codes[i], b->codes[j], code, p, a, b, verb);
            if (code2)
                add_event(s, b->codes[j], a->codes[i], code2, p, b, a, verb);
        }
}

/* A DEFAULT: actor (TABARI 8.5) for the verb at word v: a unit that
 * covers no word (its spans are the verb's). */
static int32_t default_unit(im_sent *s, const char *code, size_t v)
{
    if (!code[0] || s->nu == IM_MAX_UNITS)
        return IM_NONE;
    im_unit *u = &s->u[s->nu];
    memset(u, 0, sizeof *u);
    u->first = (uint32_t)v;
    u->end = (uint32_t)v + 1;
    u->deflt = 1;
    char *c = kh_arena_strndup(&s->c->arena, code, strlen(code));
    if (!c)
        return IM_NONE;
    kh_peer_unit_add_code(u, c);
    return (int32_t)s->nu++;
}

/* Member k of parsed compound ui alone: a unit over the same words. */
static int32_t member_unit(im_sent *s, int32_t ui, uint32_t k)
{
    if (s->nu == IM_MAX_UNITS)
        return IM_NONE;
    im_unit *u = &s->u[s->nu];
    memset(u, 0, sizeof *u);
    u->first = s->u[ui].first;
    u->end = s->u[ui].end;
    u->agented = s->u[ui].agented;
    u->dead = 3; /* names no word: never met by a scan */
    kh_peer_unit_add_code(u, s->u[ui].codes[k]);
    return (int32_t)s->nu++;
}

/* The unit starting at word i when its first code differs from
 * not_unit's, else IM_NONE. TABARI sees a parsed compound's members as
 * actors of their own: when the first is not_unit's, the next other one
 * is the actor found, alone (coder.cp findActor, makeEvent). */
static int32_t unit_starting(im_sent *s, size_t i, int32_t not_unit)
{
    int32_t ui = s->w[i].unit;
    if (ui < 0 || s->u[ui].dead || s->w[i].elim || s->u[ui].first != i || !s->u[ui].n)
        return IM_NONE;
    if (not_unit < 0)
        return ui;
    const im_unit *u = &s->u[ui], *nu = &s->u[not_unit];
    if (!same_actor(s, u, nu, u->codes[0], nu->codes[0]))
        return ui;
    if (s->petrarch || !u->parsed)
        return IM_NONE;
    for (uint32_t k = 1; k < u->n; k++)
        if (!same_actor(s, u, nu, u->codes[k], nu->codes[0]))
            return member_unit(s, ui, k);
    return IM_NONE;
}

/* First unit in words [lo, hi) whose first code differs from `not`. */
static int32_t first_unit(im_sent *s, size_t lo, size_t hi, int32_t not_unit)
{
    for (size_t i = lo; i < hi && i < s->n; i++) {
        int32_t ui = unit_starting(s, i, not_unit);
        if (ui >= 0)
            return ui;
    }
    return IM_NONE;
}

/* Last unit lying wholly in words [lo, hi), or IM_NONE. */
static int32_t last_unit(const im_sent *s, size_t lo, size_t hi)
{
    for (size_t i = hi; i-- > lo;) {
        int32_t ui = s->w[i].unit;
        if (ui < 0 || s->u[ui].dead || s->w[i].elim || !s->u[ui].n)
            continue;
        return s->u[ui].first >= lo ? ui : IM_NONE;
    }
    return IM_NONE;
}

static int line_of(const kh_dict *d, const kh_pattern *p)
{
    const char *src = kh_dict_str(d, p->src);
    const char *colon = strrchr(src, ':');
    return colon ? atoi(colon + 1) : 0;
}


/* A verb's own entry ("CALLED_ON [094]"), not one of its "- ..." patterns:
 * TABARI codes it only when none of the patterns matches. */
static int pat_bare(const kh_dict *d, const kh_pattern *p)
{
    return !(p->flags & KH_PAT_PETRARCH) && !strchr(kh_dict_str(d, p->text), ':');
}

static int pref_cmp(const void *a, const void *b)
{
    const pref *x = (const pref *)a, *y = (const pref *)b;
    if (x->bare != y->bare)
        return x->bare ? 1 : -1;
    if (x->p->weight != y->p->weight)
        return x->p->weight > y->p->weight ? -1 : 1;
    /* TABARI 5.7.1: a pattern's length counts letters and digits only,
     * slots and blanks not; equal lengths keep the file's order. Verb roots
     * alone: the longer phrase first (CALLED_UPON before CALL). */
    if (x->p->n_elems != y->p->n_elems && (!(x->p->flags & KH_PAT_TABARI) || x->bare))
        return x->p->n_elems > y->p->n_elems ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->p < y->p ? -1 : x->p > y->p;
}

size_t kh_peer_collect(const kh_dict *d, const uint32_t *ids, size_t nid, int time, pref *out,
                       size_t cap)
{
    size_t n = 0;
    for (size_t k = 0; k < nid; k++) {
        size_t first;
        size_t np = kh_dict_patterns(d, ids[k], &first);
        for (size_t j = 0; j < np && n < cap; j++) {
            const kh_pattern *p = &d->patterns[first + j];
            if (time ? !(p->flags & KH_PAT_TIME)
                     : !(p->flags & (KH_PAT_TABARI | KH_PAT_PETRARCH)) || (p->flags & KH_PAT_TIME))
                continue;
            out[n].p = p;
            out[n].line = line_of(d, p);
            out[n].bare = time ? 0 : pat_bare(d, p);
            n++;
        }
    }
    qsort(out, n, sizeof *out, pref_cmp);
    return n;
}

/* The patterns of a verb word (each of its candidate ids), in the order
 * they are tried: its form's list (index.c). */
size_t kh_peer_verb_patterns(const im_sent *s, size_t i, const pref **out)
{
    const peer_form *f = s->w[i].form;
    *out = f ? f->verb : NULL;
    return f ? f->nverb : 0;
}

/* Passive voice (TABARI 7.9, coder.cp checkPassive): WAS/WERE/BEEN one or
 * two words before the verb, BY one, two or three words after it ("was
 * criticized earlier by"), every word counted (commas, dropped ones). */
static int passive_at(const im_sent *s, size_t verb)
{
    int by = 0, aux = 0;
    for (size_t k = 1; k <= 3 && verb + k < s->n; k++)
        by |= s->w[verb + k].cls == C_BY;
    for (size_t k = 1; k <= 2 && k <= verb; k++)
        aux |= s->w[verb - k].cls == C_AUX;
    return by && aux;
}

/* TABARI 5.7.1: a pattern with alternatives or synsets weighs the fixed
 * text plus its longest alternative; once it matches, its weight is the
 * fixed text plus what the alternatives actually matched, and the patterns
 * after it that weigh more are tried before it is accepted. Returns the
 * pattern to code (pats[*k], *m its match). */
static uint32_t pat_fixed_len(const kh_dict *d, const kh_pattern *p, int *alts)
{
    const kh_elem *el = &d->elems[p->first_elem];
    uint32_t n = 0;
    *alts = 0;
    for (size_t i = 0; i < p->n_elems; i++) {
        if (el[i].kind == KH_E_SYNSET && alt_synset(d, el[i].ref))
            *alts = 1;
        if (el[i].kind != KH_E_WORD || el[i].ref >= d->n_words)
            continue;
        const kh_word_rec *w = &d->words[el[i].ref];
        for (uint32_t b = 0; b < w->len; b++) {
            unsigned char ch = (unsigned char)d->strings[w->str + b];
            n += kh_is_alpha(ch) || kh_is_digit(ch);
        }
    }
    return n;
}

static const kh_pattern *longer_match(im_sent *s, const pref *pats, size_t np, size_t v,
                                      size_t *k, mstate *m)
{
    int alts;
    uint32_t actual = pat_fixed_len(s->d, pats[*k].p, &alts) + m->alt_len;
    for (size_t j = *k + 1; alts && j < np; j++) {
        const kh_pattern *q = pats[j].p;
        if (pats[j].bare || q->weight <= actual || !kh_peer_pref_may(s, &pats[j]))
            continue;
        mstate m2;
        if (!kh_peer_match_pattern(s, q, v, &m2))
            continue;
        *k = j;
        *m = m2;
        actual = pat_fixed_len(s->d, q, &alts) + m2.alt_len;
    }
    return pats[*k].p;
}

/* One clause's coding in progress (kh_peer_code_clause and its steps). */
typedef struct clause_run {
    size_t lo, hi;       /* the clause's words [lo, hi) */
    int first_clause;
    clause_state *cs;
    int done;            /* an event was coded (and CODE ALL is off) */
    size_t done_hi;      /* last word of the last coded match */
    size_t sub_from;     /* first event of a subordinate match, or SIZE_MAX */
} clause_run;

/* The actors of one event; split: a compound source coded member against
 * member. */
typedef struct ev_actors {
    int32_t src, tgt;
    int split;
    int passive; /* swapped for the passive voice */
} ev_actors;

/* What coding a verb leaves for the rest of the clause. */
enum { VERB_NEXT, VERB_DISCARD, VERB_STOP };

/* A later clause's own subject, which becomes cs->source when found:
 * TABARI, an actor right after its conjunction; PETRARCH, the actor
 * right after it past determiners and dropped words. */
static void clause_subject(im_sent *s, size_t lo, size_t hi, clause_state *cs)
{
    size_t f = lo;
    if (!s->petrarch) {
        /* TABARI: only an actor right after the conjunction (coder.cp
         * checkVerbs); else the source found before carries on */
        int32_t ui = unit_starting(s, lo + 1 < hi ? lo + 1 : lo, IM_NONE);
        if (lo + 1 < hi && ui >= 0)
            cs->source = ui;
        return;
    }
    while (f < hi && (s->w[f].elim || s->w[f].cls == C_CONJ || s->w[f].cls == C_DET))
        f++;
    if (f < hi && s->w[f].unit >= 0 && !s->u[s->w[f].unit].dead)
        cs->source = s->w[f].unit;
}

/* PETRARCH codes each verb phrase with its own subject: after a coded
 * verb, a later verb with an actor of its own between them ("..., the
 * official news agency said") is coded too, that actor its source. Returns
 * that actor (the last between done_hi and verb v) when it opens a
 * comma-delimited part of the sentence (its own clause, not a phrase of the
 * last verb), else IM_NONE. */
static int32_t verb_phrase_subject(const im_sent *s, size_t done_hi, size_t v)
{
    int32_t subj = last_unit(s, done_hi + 1, v);
    size_t b = subj >= 0 ? s->u[subj].first : 0;
    while (b > 0 && (s->w[b - 1].cls == C_DET || kh_peer_modifier(s, b - 1)))
        b--;
    if (subj >= 0 && (b == 0 || s->w[b - 1].cls != C_COMMA || s->w[b - 1].incomp))
        subj = IM_NONE;
    return subj;
}

/* TABARI's source when no slot gave one: the clause's carried-over source
 * or the first actor before verb v (another one when it has the target's
 * code); then DEFAULT SOURCE PRIOR; then, with defaults set, the first
 * actor after the verb (8.5, note 3; *after set); then the default. */
static int32_t find_source(im_sent *s, const clause_run *r, size_t v,
                           int32_t tgt, int *after)
{
    const kh_peer_opts *o = &PEER(s->c)->opts;
    size_t from = r->first_clause ? 0 : r->lo;
    int32_t src;
    if (r->cs->source >= 0 && !r->first_clause)
        src = r->cs->source;
    else
        src = first_unit(s, from, v, tgt);
    if (src >= 0 && tgt >= 0 &&
        same_actor(s, &s->u[src], &s->u[tgt], s->u[src].codes[0], s->u[tgt].codes[0]))
        src = first_unit(s, from, v, tgt);
    /* DEFAULT: SOURCE [..] PRIOR: whenever no actor precedes the verb */
    if (src < 0 && o->def_src[0] && o->def_prior)
        src = default_unit(s, o->def_src, v);
    /* else TABARI looks after the verb (8.5, note 3), then the default.
     * It does so with or without a DEFAULT: COMPLEX: NOACTPRIOR exists to
     * set aside the sentences it would code that way (5.8, note 18). */
    if (src < 0 && (tgt < 0 || !s->petrarch) && (!s->petrarch || o->def_src[0] || o->def_tgt[0])) {
        /* TABARI: whether or not a + slot gave the target ("the envoy
         * had discussed the deployment of Iranian missiles ... with
         * Kuwaiti ...", DISCUSS - * WITH_ +: IRN KWT), an actor with
         * another code than the target's */
        /* from the verb on, not from the end of the match: the phrase's
         * words may stand around the source ("signed with Britain Export
         * Credits ... Nigeria", SIGN - * EXPORT: GBR NGA) */
        src = first_unit(s, v + 1, r->hi, tgt);
        *after = src >= 0;
    }
    if (src < 0 && o->def_src[0])
        src = default_unit(s, o->def_src, v);
    return src;
}

/* The unit nearest before word hi (down to lo) whose first code differs
 * from not_unit's, or IM_NONE. */
static int32_t nearest_unit_before(im_sent *s, size_t lo, size_t hi, int32_t not_unit)
{
    for (size_t i = hi; i-- > lo;) {
        int32_t ui = unit_starting(s, i, not_unit);
        if (ui >= 0)
            return ui;
    }
    return IM_NONE;
}

/* TABARI's target for source src when no slot gave one: the first other
 * actor after the verb (after the source when that came after the verb),
 * DEFAULT TARGET AFTER, an actor before the verb, the source itself when a
 * compound (*split set), then the default target. IM_NONE when none. */
static int32_t find_target(im_sent *s, const clause_run *r, size_t v, int32_t src,
                           int src_after, int *split)
{
    const kh_peer_opts *o = &PEER(s->c)->opts;
    /* TABARI looks from the verb on, passing over the source's code
     * (coder.cp getRegularTarget): a compound source after the verb gives
     * its next member */
    size_t from = src_after && s->petrarch ? s->u[src].end : v + 1;
    int32_t tgt = first_unit(s, from, r->hi, src);
    if (tgt < 0 && o->def_tgt[0] && o->def_after && !src_after)
        tgt = default_unit(s, o->def_tgt, v);
    if (tgt < 0 && !src_after)
        /* TABARI 5.8: "the first actor before the verb", going back from
         * it; PETRARCH: the first of the clause */
        tgt = s->petrarch ? first_unit(s, r->lo, v, src) : nearest_unit_before(s, r->lo, v, src);
    if (tgt < 0 && s->u[src].compound && s->u[src].n > 1) {
        tgt = src;
        *split = 1;
    }
    if (tgt < 0 && o->def_tgt[0])
        tgt = default_unit(s, o->def_tgt, v);
    return tgt;
}

/* The actors of match m of verb v: its $ and + slots, a compound slot
 * (PETRARCH: after the verb, the target of the verb's subject member by
 * member), a verb phrase's own subject, else the actors around the verb,
 * source and target swapped in the passive voice when no slot bound them. */
static void event_actors(im_sent *s, const clause_run *r, size_t v, const mstate *m,
                         int32_t subj, ev_actors *a)
{
    a->src = m->src;
    a->tgt = m->tgt;
    a->split = 0;
    a->passive = 0;
    int32_t csrc = IM_NONE;
    if (m->comp >= 0 && s->petrarch && a->src < 0 && s->u[m->comp].first > v)
        /* PETRARCH: a compound after the verb ("agrees with A and
         * B") is the target of the verb's subject, member by member */
        csrc = first_unit(s, r->first_clause ? 0 : r->lo, v, m->comp);
    if (csrc >= 0) {
        a->src = csrc;
        a->tgt = m->comp;
    } else if (m->comp >= 0) {
        a->src = a->tgt = m->comp;
    } else if (subj >= 0) {
        a->src = subj;
        if (a->tgt < 0) { /* in the verb's own phrase: up to a comma or conjunction */
            size_t e = v + 1;
            while (e < r->hi && (s->w[e].elim || !barrier(s, e)))
                e++;
            a->tgt = first_unit(s, v + 1, e, a->src);
        }
    } else {
        int slots = a->src >= 0 || a->tgt >= 0;
        int src_after = 0;
        if (a->src < 0) {
            a->src = find_source(s, r, v, a->tgt, &src_after);
            r->cs->regular |= a->src >= 0;
        }
        if (a->tgt < 0 && a->src >= 0)
            a->tgt = find_target(s, r, v, a->src, src_after, &a->split);
        if (!slots && a->src >= 0 && a->tgt >= 0 && passive_at(s, v)) {
            int32_t t = a->src;
            a->src = a->tgt;
            a->tgt = t;
            a->passive = 1;
        }
    }
}

/* Emits the event of pattern p at verb v: a subordinate match's event
 * stands only until a real one comes (and only the first); a real one
 * carries its source on to later clauses, marks the clause done and, under
 * CODE BY SENTENCE, stops the sentence (VERB_STOP). */
static int record_event(im_sent *s, clause_run *r, const kh_pattern *p, size_t v,
                        const mstate *m, int32_t subj, const ev_actors *a)
{
    const kh_peer_opts *o = &PEER(s->c)->opts;
    if (p->flags & KH_PAT_SUBORDINATE) {
        if (r->sub_from == SIZE_MAX) {
            r->sub_from = s->n_ev;
            emit(s, p, a->src, a->tgt, v, a->split);
        }
        if (r->first_clause || r->cs->source < 0)
            r->cs->source = a->src;
        return VERB_NEXT;
    }
    if (r->sub_from != SIZE_MAX && !r->done) {
        s->n_ev = r->sub_from; /* a real event beats the subordinate one */
        r->sub_from = SIZE_MAX;
    }
    emit(s, p, a->src, a->tgt, v, a->split);
    /* TABARI erases a pattern's source after its event unless a default
     * search found one earlier in the sentence (coder.cp makeEvent) */
    if (subj < 0)
        r->cs->source = s->petrarch || r->cs->regular ? a->src : IM_NONE;
    /* and a passive verb's source is not the next verb's (doVerb) */
    if (a->passive && !s->petrarch)
        r->cs->source = IM_NONE;
    r->done = o->code_by != PEER_CODE_ALL;
    r->done_hi = m->hi > v ? m->hi : v;
    if (o->code_by == PEER_BY_SENTENCE) {
        s->stop = 1;
        return VERB_STOP;
    }
    return VERB_NEXT;
}

/* Codes verb v: the first of its patterns that matches (TABARI: or a
 * heavier one that matches after it) is coded with its actors; a null
 * pattern, a verb after a coded one (unless dominant or with its own
 * subject) and a match without actors give nothing. Returns VERB_DISCARD
 * on a discard or complex pattern, VERB_STOP when the sentence is done. */
static int code_verb(im_sent *s, clause_run *r, size_t v)
{
    const kh_dict *d = s->d;
    const pref *pats;
    size_t np = kh_peer_verb_patterns(s, v, &pats);
    for (size_t k = 0; k < np; k++) {
        const kh_pattern *p = pats[k].p;
        mstate m;
        if (!kh_peer_pref_may(s, &pats[k]) || !kh_peer_match_pattern(s, p, v, &m))
            continue;
        if (!s->petrarch)
            p = longer_match(s, pats, np, v, &k, &m);
        const char *cs_code = kh_dict_str(d, d->codes[p->code].code);
        kh_coder_trace(s->c, s->si, "  verb '%s': pattern '%s' -> %s (%s)",
                       kh_view_text(&s->c->view, s->w[v].tok, s->w[v].tok + 1),
                       kh_dict_str(d, p->text), cs_code, kh_dict_str(d, p->src));
        if (p->flags & (KH_PAT_DISCARD | KH_PAT_COMPLEX)) {
            kh_coder_trace(s->c, s->si, "  %s: sentence not coded",
                           p->flags & KH_PAT_DISCARD ? "discard" : "complex");
            return VERB_DISCARD;
        }
        if (p->flags & KH_PAT_NULL)
            return VERB_NEXT; /* the match stands and yields nothing */
        int32_t subj = IM_NONE;
        if (r->done && s->petrarch && m.src < 0 && m.comp < 0)
            subj = verb_phrase_subject(s, r->done_hi, v);
        if (r->done && !(p->flags & KH_PAT_DOMINANT) && subj < 0)
            return VERB_NEXT;
        ev_actors a;
        event_actors(s, r, v, &m, subj, &a);
        if (a.src >= 0 && a.tgt < 0 && (PEER(s->c)->opts.cx_flags & PEER_NO_DYAD)) {
            kh_coder_trace(s->c, s->si, "  no target actor: source-only (require_dyad off)");
        } else if (a.src < 0 || a.tgt < 0) {
            kh_coder_trace(s->c, s->si, "  no %s actor", a.src < 0 ? "source" : "target");
            /* TABARI keeps the source it found for the verbs and clauses
             * after (coder.cp makeEvent returns before erasing it) */
            if (!s->petrarch && a.src >= 0 && subj < 0)
                r->cs->source = a.src;
            return VERB_NEXT;
        }
        return record_event(s, r, p, v, &m, subj, &a);
    }
    kh_coder_trace(s->c, s->si, "  verb '%s': none of its %zu patterns matches",
                   kh_view_text(&s->c->view, s->w[v].tok, s->w[v].tok + 1), np);
    return VERB_NEXT;
}

/* Codes one clause [lo, hi): its own subject, then each verb left to
 * right. Returns 1 when a discard or complex code was met. */
int kh_peer_code_clause(im_sent *s, size_t lo, size_t hi, int first_clause, clause_state *cs)
{
    clause_run r = {.lo = lo, .hi = hi, .first_clause = first_clause, .cs = cs,
                    .done = 0, .done_hi = 0, .sub_from = SIZE_MAX};
    size_t ev_before = s->n_ev;
    s->clause_hi = hi;
    if (!first_clause)
        clause_subject(s, lo, hi, cs);
    for (size_t v = lo; v < hi; v++) {
        if (s->w[v].cls != C_VERB || s->w[v].elim)
            continue;
        int st = code_verb(s, &r, v);
        if (st == VERB_DISCARD)
            return 1;
        if (st == VERB_STOP)
            return 0;
    }
    if (s->petrarch && first_clause && s->n_ev == ev_before && cs->source < 0)
        cs->source = first_unit(s, lo, hi, IM_NONE);
    return 0;
}

/* <TIME> patterns: the first one found shifts the date; ### and +++
 * among them discard. Returns 1 on a discard. */
int kh_peer_time_shift(im_sent *s)
{
    s->clause_hi = s->n;
    for (size_t i = 0; i < s->n; i++) {
        if (s->w[i].elim || !kh_peer_word_has_verb_patterns(s, i, 1))
            continue;
        const pref *pats = s->w[i].form->time;
        size_t n = s->w[i].form->ntime;
        for (size_t k = 0; k < n; k++) {
            mstate m;
            if (!kh_peer_pref_may(s, &pats[k]) || !kh_peer_match_pattern(s, pats[k].p, i, &m))
                continue;
            if (pats[k].p->flags & (KH_PAT_DISCARD | KH_PAT_COMPLEX))
                return 1;
            if (!s->have_shift && pats[k].p->shift) {
                s->shift = pats[k].p->shift;
                s->have_shift = 1;
            }
            break;
        }
    }
    return 0;
}
