/*
 * words.c: the peer coder's view of one sentence, as TABARI's shallow
 * parse builds it (manual chapters 5-7): the words TABARI sees with their
 * candidate word ids, actors and agents by longest trie match, actor units
 * (compounds, agents joined to actors, pronouns) and the comma-delimited
 * clauses kh_peer_dropped before matching.
 */
#include "peer/peer.h"

/* ---------------------------------------------------------------------- */
/* Words                                                                  */

static int tok_is(const kh_token *t, const char *w)
{
    size_t n = strlen(w);
    return t->norm_len == n && kh_eq_nocase(t->norm, n, w, n);
}

/* Tokens TABARI would not see as words: the possessive 's (an ending to
 * TABARI), sentence stops, hyphens and dashes, quotation marks. */
int kh_peer_dropped(const kh_token *t)
{
    if (t->flags & (KH_TOK_POSSESSIVE | KH_TOK_QUOTE))
        return 1;
    if (t->flags & KH_TOK_PUNCT) {
        if (t->norm_len == 1 && strchr(".?!-\"'()[]", t->norm[0]))
            return 1;
        if (t->norm_len >= 2 && (t->norm[0] == '-' || t->norm[0] == '.'))
            return 1;
    }
    return 0;
}

static kh_status push_id(im_sent *s, size_t *cap, uint32_t id)
{
    if (s->n_ids == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        uint32_t *p = (uint32_t *)kh_arena_grow(&s->c->arena, s->ids, *cap * sizeof *p,
                                                nc * sizeof *p);
        if (!p)
            return KH_ERR_NOMEM;
        s->ids = p;
        *cap = nc;
    }
    s->ids[s->n_ids++] = id;
    return KH_OK;
}

/* The candidate ids of a token: its folded form, then each stem
 * "prefix*" the dictionary holds, longest first (its form, index.c). */
kh_status kh_peer_candidates(im_sent *s, im_word *w, size_t *cap)
{
    const kh_token *t = &s->c->doc->tokens[w->tok];
    char buf[130];
    w->id0 = (uint32_t)s->n_ids;
    w->nid = 0;
    const char *form = t->norm + w->off;
    size_t flen = w->len ? w->len : t->norm_len;
    if (flen == 0 || flen > 120)
        return KH_OK;
    size_t len = kh_dict_fold(form, flen, buf);
    const peer_form *f = kh_peer_form(s->c, buf, len);
    if (!f)
        return KH_ERR_NOMEM;
    w->form = f;
    for (uint32_t k = 0; k < f->nid; k++) {
        kh_status st = push_id(s, cap, f->ids[k]);
        if (st)
            return st;
    }
    w->nid = f->nid;
    return KH_OK;
}

int kh_peer_has_id(const im_sent *s, size_t i, uint32_t id)
{
    const im_word *w = &s->w[i];
    for (uint32_t k = 0; k < w->nid; k++)
        if (s->ids[w->id0 + k] == id)
            return 1;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Trie matching over candidate ids                                       */

#define IM_MAX_GAP 4 /* words a blank in a TABARI actor name may skip */

/* May a gap in a name skip word i? Not a comma, a conjunction, or a stop. */
static int gap_word(const im_sent *s, size_t i)
{
    const kh_token *t = &s->c->doc->tokens[s->w[i].tok];
    if ((t->flags & KH_TOK_PUNCT) && t->norm_len == 1 && strchr(",;:", t->norm[0]))
        return 0;
    return !tok_is(t, "and") && !tok_is(t, "or") && !tok_is(t, "but") && !tok_is(t, "nor");
}

void kh_peer_trie_walk(const im_sent *s, uint32_t node, size_t i, size_t spec, node_ok_fn ok,
                      uint32_t ref, size_t depth, trie_best *best)
{
    if (i >= s->n || depth >= IM_MAX_PHRASE)
        return;
    if (node && !PEER(s->c)->inner[node])
        return; /* a leaf: nothing to walk (index.c) */
    /* TABARI: 's is a noun ending, so a phrase ends at it ("ithilen's
     * government radio" is not ITHILEN_GOVERNMENT_RADIO_). */
    if (depth > 0 && s->w[i].poss && !s->petrarch)
        return;
    if (s->gap != KH_NONE && depth > 0 && (PEER(s->c)->inner[node] & PEER_NODE_GAP)) {
        /* A gap: the rest of the name after 0..IM_MAX_GAP skipped words,
         * a little less specific than the same words together. */
        uint32_t g = kh_dict_child(s->d, node, s->gap);
        if (g)
            for (size_t k = 0; k <= IM_MAX_GAP && i + k < s->n; k++) {
                kh_peer_trie_walk(s, g, i + k, spec ? spec - 1 : 0, ok, ref, depth + 1, best);
                if (!gap_word(s, i + k))
                    break;
            }
    }
    const im_word *w = &s->w[i];
    for (uint32_t k = 0; k < w->nid; k++) {
        uint32_t id = s->ids[w->id0 + k];
        /* the root's children of a form are in its index entry */
        uint32_t child = node == 0 && w->form ? w->form->root[k] : kh_peer_child(s, node, id);
        if (!child)
            continue;
        const kh_word_rec *wr = &s->d->words[id];
        size_t sp = spec + (wr->len && s->d->strings[wr->str + wr->len - 1] == KH_WORD_STEM
                                ? wr->len - 1 : 1000);
        if (ok(s->d, child, ref) &&
            (i + 1 > best->end || (i + 1 == best->end && sp > best->spec))) {
            best->node = child;
            best->end = i + 1;
            best->spec = sp;
        }
        kh_peer_trie_walk(s, child, i + 1, sp, ok, ref, depth + 1, best);
    }
}

static int node_actorish(const kh_dict *d, uint32_t node, uint32_t ref)
{
    (void)ref;
    const kh_trie_node *n = &d->nodes[node];
    for (uint32_t k = 0; k < n->n_payloads; k++) {
        uint32_t kind = d->payloads[n->first_payload + k].kind;
        if (kind == KH_P_ACTOR || kind == KH_P_AGENT)
            return 1;
    }
    return 0;
}

int kh_peer_node_synset(const kh_dict *d, uint32_t node, uint32_t ref)
{
    const kh_trie_node *n = &d->nodes[node];
    for (uint32_t k = 0; k < n->n_payloads; k++) {
        const kh_payload *p = &d->payloads[n->first_payload + k];
        if (p->kind == KH_P_SYNSET && p->ref == ref)
            return 1;
    }
    return 0;
}

static const kh_payload *node_payload(const kh_dict *d, uint32_t node, uint32_t kind)
{
    const kh_trie_node *n = &d->nodes[node];
    for (uint32_t k = 0; k < n->n_payloads; k++)
        if (d->payloads[n->first_payload + k].kind == kind)
            return &d->payloads[n->first_payload + k];
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Actor units                                                            */

static int code_has(const im_unit *u, const char *code)
{
    for (uint32_t k = 0; k < u->n; k++)
        if (!strcmp(u->codes[k], code))
            return 1;
    return 0;
}

void kh_peer_unit_add_code(im_unit *u, const char *code)
{
    if (!u->n && !u->base)
        u->base = code;
    if (u->n < IM_MAX_CODES && !code_has(u, code))
        u->codes[u->n++] = code;
}

/* Adds an actor code, splitting a coded compound "A/B". */
static void unit_add_codes(im_sent *s, im_unit *u, const char *code)
{
    const char *slash = strchr(code, '/');
    if (!slash) {
        kh_peer_unit_add_code(u, code);
        return;
    }
    u->compound = 1;
    while (*code) {
        slash = strchr(code, '/');
        size_t len = slash ? (size_t)(slash - code) : strlen(code);
        if (len) {
            char *part = kh_arena_strndup(&s->c->arena, code, len);
            if (part)
                kh_peer_unit_add_code(u, part);
        }
        code = slash ? slash + 1 : code + len;
    }
}

/* Actor code + agent code, the agent first with KH_AGENT_PREFIX; a code
 * already present on a 3-letter boundary is not added again. */
static const char *join_agent(im_sent *s, const char *base, const char *agent, int prefix)
{
    size_t al = strlen(base), gl = strlen(agent);
    for (size_t k = 0; k + gl <= al; k += 3)
        if (!memcmp(base + k, agent, gl))
            return base;
    char *out = (char *)kh_arena_alloc(&s->c->arena, al + gl + 1);
    if (!out)
        return base;
    if (prefix) {
        memcpy(out, agent, gl);
        memcpy(out + gl, base, al + 1);
    } else {
        memcpy(out, base, al);
        memcpy(out + al, agent, gl + 1);
    }
    return out;
}

static int32_t new_unit(im_sent *s, size_t first, size_t end)
{
    if (s->nu == IM_MAX_UNITS)
        return IM_NONE;
    im_unit *u = &s->u[s->nu];
    memset(u, 0, sizeof *u);
    u->first = (uint32_t)first;
    u->end = (uint32_t)end;
    for (size_t i = first; i < end; i++)
        s->w[i].unit = (int32_t)s->nu;
    return (int32_t)s->nu++;
}

static void unit_cover(im_sent *s, int32_t ui, size_t first, size_t end)
{
    im_unit *u = &s->u[ui];
    if (first < u->first)
        u->first = (uint32_t)first;
    if (end > u->end)
        u->end = (uint32_t)end;
    for (size_t i = u->first; i < u->end; i++)
        s->w[i].unit = ui;
}

/* Applies an agent to a unit. */
static void apply_agent(im_sent *s, int32_t ui, const kh_agent_rec *ag, int former)
{
    im_unit *u = &s->u[ui];
    const char *acode = ag->code == KH_NONE ? "" : kh_dict_str(s->d, ag->code);
    if (former)
        acode = "ELI";
    if (!*acode)
        return;
    u->agented = 1;
    for (uint32_t k = 0; k < u->n; k++)
        u->codes[k] = join_agent(s, u->codes[k], acode, (ag->flags & KH_AGENT_PREFIX) != 0);
}

/* ---------------------------------------------------------------------- */
/* Classification                                                         */

static int is_conj(const kh_token *t)
{
    return tok_is(t, "and") || tok_is(t, "but") || tok_is(t, "or") || tok_is(t, "nor");
}

/* TABARI's pronouns are HE HIM SHE HER IT, THEM THEIR THEY (its roots'
 * table): ITS and HIS are no pronouns to it. PETRARCH reads those too. */
static int is_pronoun(const kh_token *t, int petrarch)
{
    static const char *const p[] = {"he", "she", "it", "her", "him", "they", "them", "their",
                                    "its", "his", NULL};
    for (size_t i = 0; p[i]; i++)
        if (tok_is(t, p[i]))
            return petrarch || i < 8;
    return 0;
}

/* Patterns of a word (over its candidate ids) that are not <TIME>
 * (time: that are <TIME>). */
int kh_peer_word_has_verb_patterns(const im_sent *s, size_t i, int time)
{
    const peer_form *f = s->w[i].form;
    return f && (time ? f->has_time : f->nverb > 0);
}

/* A past participle right after HAVE/HAS/HAD ("have cordoned off"), or
 * any form right after a modal ("will bargain"): a verb whatever the
 * tagger says, as the parse's VP under the auxiliary. */
static int after_have(const im_sent *s, size_t i)
{
    if (i == 0)
        return 0;
    const kh_token *t = &s->c->doc->tokens[s->w[i].tok];
    const kh_token *p = &s->c->doc->tokens[s->w[i - 1].tok];
    static const char *const modal[] = {"will", "would", "can", "could", "may",
                                        "might", "shall", "should", "must", NULL};
    if (s->c->doc->upos[s->w[i - 1].tok] == KH_UPOS_AUX)
        for (size_t k = 0; modal[k]; k++)
            if (tok_is(p, modal[k]))
                return 1; /* "will bargain" */
    if (t->norm_len < 4 || (!tok_is(p, "have") && !tok_is(p, "has") && !tok_is(p, "had")))
        return 0;
    const char *e = t->norm + t->norm_len - 2;
    return (e[0] == 'e' || e[0] == 'E') && strchr("dDnN", e[1]) != NULL;
}

/* Returns 1 when the sentence is discarded or set aside. */
int kh_peer_classify(im_sent *s)
{
    const kh_dict *d = s->d;
    const kh_token *toks = s->c->doc->tokens;
    for (size_t i = 0; i < s->n;) {
        im_word *w = &s->w[i];
        const kh_token *t = &toks[w->tok];
        trie_best best = {0, 0, 0};
        kh_peer_trie_walk(s, 0, i, 0, node_actorish, 0, 0, &best);
        if (best.node) {
            const kh_payload *pa = node_payload(d, best.node, KH_P_ACTOR);
            const kh_payload *pg = node_payload(d, best.node, KH_P_AGENT);
            if (pa) {
                const kh_actor_rec *a = &d->actors[pa->ref];
                const kh_role *r = kh_dict_actor_role(d, a, s->c->days);
                const char *code = r ? kh_dict_str(d, r->code) : KH_CODE_NULL;
                if (!strcmp(code, KH_CODE_DISCARD) || !strcmp(code, KH_CODE_DISCARD_STORY) ||
                    !strcmp(code, KH_CODE_COMPLEX)) {
                    kh_coder_trace(s->c, s->si, "  actor '%s' codes %s: sentence not coded",
                                   kh_view_text(&s->c->view, w->tok, s->w[best.end - 1].tok + 1), code);
                    return 1;
                }
                if (!strcmp(code, KH_CODE_NULL)) {
                    for (size_t k = i; k < best.end; k++)
                        s->w[k].cls = C_NOUN;
                } else {
                    int32_t ui = new_unit(s, i, best.end);
                    if (ui != IM_NONE)
                        unit_add_codes(s, &s->u[ui], code);
                    for (size_t k = i; k < best.end; k++)
                        s->w[k].cls = C_ACTOR;
                }
            } else if (pg) {
                for (size_t k = i; k < best.end; k++)
                    s->w[k].cls = C_AGENT;
                w->agent = (int32_t)pg->ref;
            }
            w->span_end = (uint32_t)best.end;
            i = best.end;
            continue;
        }
        if (t->flags & KH_TOK_PUNCT) {
            if (t->norm_len == 1 && strchr(",;():", t->norm[0]))
                w->cls = C_COMMA;
        } else if (is_conj(t)) {
            w->cls = C_CONJ;
        } else if (tok_is(t, "the") || tok_is(t, "a") || tok_is(t, "an")) {
            w->cls = C_DET;
        } else if (is_pronoun(t, s->petrarch)) {
            w->cls = C_PRON;
        } else if (tok_is(t, "by")) {
            w->cls = C_BY;
        } else if (tok_is(t, "was") || tok_is(t, "were") || tok_is(t, "been")) {
            w->cls = C_AUX;
        } else if (tok_is(t, "of") || tok_is(t, "in")) {
            w->cls = C_OFIN;
        } else if (tok_is(t, "former")) {
            w->cls = C_FORMER;
        }
        if (w->cls == C_NONE && kh_peer_word_has_verb_patterns(s, i, 0)) {
            int noun = i > 0 && s->w[i - 1].cls == C_DET;
            int cap = (t->flags & KH_TOK_CAP) != 0;
            const kh_story *st = s->c->doc->story;
            /* TABARI blanks hyphens first: "Cuban-backed" is CUBAN and a
             * lower-case BACKED, a verb */
            if (!s->petrarch && w->off && w->off < t->len && st && st->text &&
                t->off + w->off < st->text_len)
                cap = kh_is_upper((unsigned char)st->text[t->off + w->off]);
            if (!s->allcaps && cap && i > 0 && !(t->flags & KH_TOK_SENT_START))
                noun = 1;
            if (s->petrarch && s->c->doc->upos &&
                s->c->doc->upos[w->tok] != KH_UPOS_VERB && !after_have(s, i))
                noun = 1;
            w->cls = (uint8_t)(noun ? C_NOUN : C_VERB);
        }
        i++;
    }
    return 0;
}

/* Applies several agents to a unit (PETRARCH "lawmakers and officials in
 * A"): each code becomes one code per agent, AGOV and ALEG. */
static void apply_agents(im_sent *s, int32_t ui, const int32_t *ags, size_t n, int former)
{
    im_unit *u = &s->u[ui];
    if (n == 1) {
        apply_agent(s, ui, &s->d->agents[ags[0]], former);
        return;
    }
    const char *base[IM_MAX_CODES];
    uint32_t nb = u->n;
    memcpy(base, u->codes, nb * sizeof *base);
    u->n = 0;
    for (uint32_t k = 0; k < nb; k++)
        for (size_t j = 0; j < n; j++) {
            const kh_agent_rec *ag = &s->d->agents[ags[j]];
            const char *acode = ag->code == KH_NONE ? "" : kh_dict_str(s->d, ag->code);
            u->agented |= *acode != 0;
            kh_peer_unit_add_code(u, *acode ? join_agent(s, base[k], acode,
                                                 (ag->flags & KH_AGENT_PREFIX) != 0)
                                    : base[k]);
        }
}

/* PETRARCH: the agents written before a compound's first member go to
 * every member ("the ambassadors of A, B and C": AGOV BGOV CGOV). */
void kh_peer_spread_agents(im_sent *s)
{
    for (size_t ui = 0; ui < s->nu; ui++) {
        im_unit *u = &s->u[ui];
        if (u->dead || !u->n_lead || u->n <= u->nbase)
            continue;
        const char *rest[IM_MAX_CODES];
        uint32_t nr = u->n - u->nbase;
        memcpy(rest, u->codes + u->nbase, nr * sizeof *rest);
        u->n = u->nbase;
        for (uint32_t k = 0; k < nr; k++)
            for (size_t j = 0; j < u->n_lead; j++) {
                const kh_agent_rec *ag = &s->d->agents[u->lead[j]];
                const char *acode = ag->code == KH_NONE ? "" : kh_dict_str(s->d, ag->code);
                kh_peer_unit_add_code(u, *acode ? join_agent(s, rest[k], acode,
                                                     (ag->flags & KH_AGENT_PREFIX) != 0)
                                        : rest[k]);
            }
    }
}

/* A tag that may stand between a possessor and its agent ("Dagolath's
 * first Deputy Prime Minister"). */
static int premod(uint8_t upos)
{
    return upos == KH_UPOS_ADJ || upos == KH_UPOS_NOUN || upos == KH_UPOS_PROPN;
}

/* What kh_peer_attach_agents carries from one agent to the next. */
typedef struct agent_walk {
    int32_t chain[IM_MAX_LEAD]; /* PETRARCH: "lawmakers and" waiting for their actor */
    size_t n_chain;
    /* PETRARCH: the actor codes before the last agent joined ("Danish" in
     * "Danish media and government"), and where that agent ended */
    const char *prev[IM_MAX_CODES];
    uint32_t n_prev;
    size_t prev_end;
} agent_walk;

/* PETRARCH: the possessor before an adjective phrase ("Ithilen's awful
 * and evil minister Calimehtar" is ITHGOV): adjectives and the
 * conjunctions between them stay in the agent's noun phrase, and the
 * possessor comes before a name after it. Returns the possessor's unit
 * (*from: where the agent's phrase begins) or IM_NONE. */
static int32_t possessor_unit(const im_sent *s, size_t i, size_t *from)
{
    const uint8_t *upos = s->c->doc->upos;
    size_t k = i, seen = 0;
    while (k > 0 && seen < 6 && s->w[k - 1].unit < 0 && !s->w[k].poss &&
           ((s->w[k - 1].cls == C_NONE && premod(upos[s->w[k - 1].tok])) ||
            (s->w[k - 1].cls == C_CONJ && k < i && k > 1 &&
             upos[s->w[k - 2].tok] == KH_UPOS_ADJ))) {
        k--;
        seen++;
    }
    if (seen && k > 0 && s->w[k - 1].unit >= 0 && s->w[k - 1].cls == C_ACTOR &&
        premod(upos[s->w[k].tok]) && s->w[k].poss) {
        *from = k;
        return s->w[k - 1].unit;
    }
    return IM_NONE;
}

/* The actor the agent at [i, end) joins: a possessor (PETRARCH), the
 * actor right before it (or before FORMER), the actor starting right
 * after it, or the one after OF/IN (PETRARCH: after any preposition).
 * *from: where the joined span begins; *before: the actor came before the
 * agent. IM_NONE when none. */
static int32_t agent_actor(const im_sent *s, size_t i, size_t end, int former, size_t *from,
                           int *before)
{
    int32_t ui = IM_NONE;
    *before = 1;
    if (s->petrarch && i > 0 && s->c->doc->upos)
        ui = possessor_unit(s, i, from);
    if (ui != IM_NONE)
        return ui;
    /* TABARI: "immediately after an actor" (manual 5.4), the actor's own
     * word, not an agent already joined to it ("Japanese television
     * manufacturers" is JPNMED) */
    if (i > 0 && s->w[i - 1].unit >= 0 && (s->petrarch || s->w[i - 1].cls == C_ACTOR))
        return s->w[i - 1].unit; /* ISRAELI PRESIDENT */
    if (former && i > 1 && s->w[i - 2].unit >= 0) {
        *from = i - 1;
        return s->w[i - 2].unit; /* ISRAELI FORMER PRESIDENT */
    }
    *before = 0;
    if (end < s->n && s->w[end].unit >= 0 && s->u[s->w[end].unit].first == end)
        return s->w[end].unit; /* PRESIDENT PERES */
    if (end + 1 < s->n &&
        (s->w[end].cls == C_OFIN ||
         (s->petrarch && s->c->doc->upos && s->w[end].cls == C_NONE &&
          s->c->doc->upos[s->w[end].tok] == KH_UPOS_ADP))) {
        /* PETRARCH: a noun phrase without an actor of its own takes the
         * one in its prepositional phrase ("Troops in Iraq" IRQMIL,
         * "Soldiers from Gondor" GONMIL). */
        size_t k = end + 1;
        while (k < s->n && s->w[k].cls == C_DET)
            k++;
        if (k < s->n && s->w[k].unit >= 0 && s->u[s->w[k].unit].first == k)
            return s->w[k].unit; /* PRESIDENT OF ISRAEL */
    }
    return IM_NONE;
}

/* What became of an agent without an actor next to it. */
enum { LONE_NONE, LONE_UNIT, LONE_SKIP, LONE_CONVERTED };

/* An agent at [i, end) without an actor: a unit of its own (*ui) when
 * PETRARCH codes it (the second agent of "Danish media and government"
 * takes the first one's actor; else ---GOV) (LONE_UNIT), or under SET:
 * CONVERT AGENTS an actor coded as the agent is written, its words
 * actors now (LONE_CONVERTED). LONE_SKIP when no unit could be made,
 * LONE_NONE when the agent stays alone. */
static int lone_agent(im_sent *s, const agent_walk *wk, size_t i, size_t end,
                      const kh_agent_rec *ag, int32_t *ui)
{
    if (s->petrarch && wk->n_prev && i >= 2 && wk->prev_end == i - 1 &&
        s->w[i - 1].cls == C_CONJ && ag->code != KH_NONE &&
        !(end < s->n && s->w[end].cls == C_OFIN)) {
        /* PETRARCH: "Danish media and government": the second agent
         * of a compound noun takes the same actor (DNKMED, DNKGOV). */
        *ui = new_unit(s, i, end);
        if (*ui == IM_NONE)
            return LONE_SKIP;
        for (uint32_t k = 0; k < wk->n_prev; k++)
            kh_peer_unit_add_code(&s->u[*ui], wk->prev[k]);
        return LONE_UNIT;
    }
    if (s->petrarch && ag->code != KH_NONE) {
        /* PETRARCH codes an agent alone with an unknown actor: ---GOV. */
        *ui = new_unit(s, i, end);
        if (*ui == IM_NONE)
            return LONE_SKIP;
        kh_peer_unit_add_code(&s->u[*ui], KH_CODE_NULL);
        return LONE_UNIT;
    }
    if (PEER(s->c)->opts.convert_agents && ag->code != KH_NONE) {
        /* SET: CONVERT AGENTS (TABARI 8.2.6): a lone agent is an actor
         * coded as the agent is written, "~GOV" (or "NGO~"). */
        const char *gc = kh_dict_str(s->d, ag->code);
        size_t gl = strlen(gc);
        char *code = (char *)kh_arena_alloc(&s->c->arena, gl + 2);
        *ui = new_unit(s, i, end);
        if (!code || *ui == IM_NONE)
            return LONE_SKIP;
        int pre = (ag->flags & KH_AGENT_PREFIX) != 0;
        memcpy(code + (pre ? 0 : 1), gc, gl);
        code[pre ? gl : 0] = '~';
        code[gl + 1] = '\0';
        kh_peer_unit_add_code(&s->u[*ui], code);
        for (size_t k = i; k < end; k++)
            s->w[k].cls = C_ACTOR;
        return LONE_CONVERTED;
    }
    return LONE_NONE;
}

/* Applies the agent at [i, end) (and the agents waiting in the chain) to
 * unit ui, which then covers [from, end); remembers the unit's codes for
 * a second agent (PETRARCH) and, when the actor comes after (lead), the
 * agents for a compound's other members. */
static void attach_to_unit(im_sent *s, agent_walk *wk, int32_t ui, size_t i, size_t end,
                           size_t from, int lead, int former)
{
    int32_t agent = s->w[i].agent;
    if (i > 0 && s->u[ui].first > 0 && s->w[s->u[ui].first - 1].cls == C_FORMER)
        former = 1;
    wk->n_prev = 0;
    if (s->petrarch && !s->u[ui].compound &&
        !(s->u[ui].first > 0 && s->w[s->u[ui].first - 1].cls == C_DET)) {
        /* a flat noun phrase only: "the Danish media and government"
         * is two (DNKMED, ---GOV) */
        wk->n_prev = s->u[ui].n;
        memcpy(wk->prev, s->u[ui].codes, wk->n_prev * sizeof *wk->prev);
        wk->prev_end = end;
    }
    if (wk->n_chain) {
        /* the waiting agents and this one, each with the actor */
        wk->chain[wk->n_chain++] = agent;
        size_t c0 = i;
        for (size_t k = wk->n_chain - 1; k-- > 0;) /* back over "AGENT and" */
            while (c0 > 0 && (s->w[c0 - 1].cls == C_CONJ || s->w[c0 - 1].cls == C_AGENT))
                c0--;
        from = c0;
        apply_agents(s, ui, wk->chain, wk->n_chain, former);
    } else {
        wk->chain[0] = agent;
        wk->n_chain = 1;
        apply_agent(s, ui, &s->d->agents[agent], former);
    }
    if (s->petrarch && lead && !s->u[ui].n_lead) {
        im_unit *u = &s->u[ui];
        for (size_t k = 0; k < wk->n_chain; k++)
            u->lead[u->n_lead++] = wk->chain[k];
        u->nbase = (uint8_t)u->n;
    }
    wk->n_chain = 0;
    unit_cover(s, ui, from, end);
}

/* Agents join the actor next to them, or after OF/IN. */
void kh_peer_attach_agents(im_sent *s)
{
    agent_walk wk;
    wk.n_chain = 0;
    wk.n_prev = 0;
    wk.prev_end = 0;
    for (size_t i = 0; i < s->n; i++) {
        im_word *w = &s->w[i];
        if (w->cls != C_AGENT || w->agent < 0 || !w->span_end)
            continue;
        const kh_agent_rec *ag = &s->d->agents[w->agent];
        size_t end = w->span_end;
        int former = i > 0 && s->w[i - 1].cls == C_FORMER;
        if (s->petrarch && end + 1 < s->n && s->w[end].cls == C_CONJ &&
            s->w[end + 1].cls == C_AGENT && s->w[end + 1].agent >= 0 &&
            wk.n_chain + 1 < IM_MAX_LEAD && !(i > 0 && s->w[i - 1].unit >= 0)) {
            wk.chain[wk.n_chain++] = w->agent; /* its actor comes after the next agent */
            i = end;
            continue;
        }
        size_t from = i;
        int before;
        int32_t ui = agent_actor(s, i, end, former, &from, &before);
        if (ui != IM_NONE && before)
            wk.n_chain = 0;
        int lead = ui != IM_NONE && s->u[ui].first >= end;
        if (ui == IM_NONE) {
            int lone = lone_agent(s, &wk, i, end, ag, &ui);
            if (lone == LONE_SKIP)
                continue;
            if (lone == LONE_CONVERTED) {
                i = end - 1;
                continue;
            }
            if (lone == LONE_NONE) {
                wk.n_chain = 0;
                continue;
            }
        }
        attach_to_unit(s, &wk, ui, i, end, from, lead, former);
        /* TABARI 5.4: an agent codes the actor immediately before it and
         * the one immediately after it ("Japanese Finance Minister Kiichi
         * Miyazawa": JPNGOV, JPNELIGOV) */
        if (!s->petrarch && before && end < s->n && s->w[end].unit >= 0 &&
            s->w[end].unit != ui && s->u[s->w[end].unit].first == end)
            apply_agent(s, s->w[end].unit, ag, former);
        i = end - 1;
    }
}

/* A word that may modify a compound's member: an unclassified word in
 * lower case that the tagger does not take for a verb. */
int kh_peer_modifier(const im_sent *s, size_t k)
{
    const im_word *w = &s->w[k];
    if (w->cls != C_NONE || w->unit >= 0)
        return 0;
    const kh_token *t = &s->c->doc->tokens[w->tok];
    if ((t->flags & KH_TOK_CAP) && !s->allcaps)
        return 0;
    if (t->flags & (KH_TOK_PUNCT | KH_TOK_NUMBER))
        return 0;
    const uint8_t *upos = kh_peer_upos(s);
    return !upos || upos[w->tok] == KH_UPOS_ADJ || upos[w->tok] == KH_UPOS_NOUN;
}

/* Parsed compounds: unit (, unit)* (,) and unit, with determiners and
 * adjectives before each member. */
void kh_peer_find_compounds(im_sent *s)
{
    for (size_t ui = 0; ui < s->nu; ui++) {
        if (s->u[ui].dead)
            continue;
        size_t members[IM_MAX_UNITS];
        size_t nm = 0, conj_seen = 0, last_conj = 0;
        members[nm++] = ui;
        size_t cur = ui;
        for (;;) {
            size_t k = s->u[cur].end;
            int comma = 0, conj = 0;
            while (k < s->n && (s->w[k].cls == C_COMMA || s->w[k].cls == C_CONJ)) {
                if (s->w[k].cls == C_COMMA)
                    comma = 1;
                else
                    conj = 1;
                k++;
            }
            if (!comma && !conj && !conj_seen)
                break; /* what the modifiers below are does not matter */
            size_t mods = k;
            while (k < s->n && s->w[k].unit < 0 && k - mods < 4 &&
                   (s->w[k].cls == C_DET || kh_peer_modifier(s, k)))
                k++;
            /* "and the evil Arnor awful Gondor": after an "and", actors
             * separated only by modifiers go on the list. */
            if (!comma && !conj && (!conj_seen || k == mods))
                break;
            if (k >= s->n || s->w[k].unit < 0 || s->u[s->w[k].unit].first != k)
                break;
            cur = (size_t)s->w[k].unit;
            if (nm == IM_MAX_UNITS)
                break;
            members[nm++] = cur;
            if (conj) {
                conj_seen = 1;
                last_conj = nm;
            }
        }
        if (!conj_seen || nm < 2)
            continue;
        nm = last_conj; /* the list ends at its last "and" member */
        im_unit *u = &s->u[ui];
        for (size_t m = 1; m < nm; m++) {
            im_unit *v = &s->u[members[m]];
            for (uint32_t k = 0; k < v->n; k++)
                kh_peer_unit_add_code(u, v->codes[k]);
            v->dead = 1;
        }
        size_t end = s->u[members[nm - 1]].end;
        for (size_t k = u->end; k < end; k++)
            if (s->w[k].cls == C_COMMA || s->w[k].cls == C_CONJ)
                s->w[k].incomp = 1;
        u->compound = u->n > 1;
        u->parsed = u->compound;
        unit_cover(s, (int32_t)ui, u->first, end);
        ui = members[nm - 1];
    }
}

/* Pronouns: HE/SHE/IT/HIM the first actor of the sentence, ITS/HIS/HER the
 * first actor before them, THEY/THEM/THEIR the first compound, else the
 * first actor. TABARI: a referent stands before its pronoun (7.7: the
 * pronoun refers back to an actor's index), so "He denied a suggestion by
 * a dealer at one Vienna bank" leaves HE without a referent. */
void kh_peer_resolve_pronouns(im_sent *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->w[i].cls != C_PRON)
            continue;
        const kh_token *t = &s->c->doc->tokens[s->w[i].tok];
        int32_t ref = IM_NONE;
        size_t nu = s->nu;
        int before = 0; /* an actor before the pronoun */
        for (size_t k = 0; k < nu; k++)
            if (!s->u[k].dead && !s->u[k].pron && s->u[k].first < i)
                before = 1;
        /* Actors of kh_peer_dropped comma clauses are not referents. */
        for (size_t k = 0; k < nu; k++)
            if (s->w[s->u[k].first].elim && !s->u[k].dead) {
                s->u[k].dead = 2;
            }
        if (s->fwd && !before) {
            /* FORWARD (TABARI 8.4): a pronoun before any actor stands for
             * the previous sentence's first actor (its actor code, no agent). */
            int32_t ui = new_unit(s, i, i + 1);
            if (ui < 0)
                return;
            kh_peer_unit_add_code(&s->u[ui], s->fwd);
            s->u[ui].pron = 1;
            continue;
        }
        if (tok_is(t, "he") || tok_is(t, "she") || tok_is(t, "it") || tok_is(t, "him") ||
            (!s->petrarch && tok_is(t, "her"))) {
            /* TABARI: the first actor before it that is no parsed compound */
            for (size_t k = 0; k < nu && ref < 0; k++)
                if (!s->u[k].dead && (s->petrarch || (s->u[k].end <= i && !s->u[k].parsed)))
                    ref = (int32_t)k;
        } else if (tok_is(t, "its") || tok_is(t, "his") || tok_is(t, "her")) {
            for (size_t k = 0; k < nu && ref < 0; k++)
                if (!s->u[k].dead && s->u[k].end <= i)
                    ref = (int32_t)k;
            /* PETRARCH binds a possessive to the subject of its own clause
             * (the S above it): the nearest actor before it. */
            for (size_t k = 0; k < nu && s->petrarch; k++)
                if (!s->u[k].dead && !s->u[k].pron && s->u[k].end <= i &&
                    s->u[k].first > s->u[ref].first)
                    ref = (int32_t)k;
        } else {
            for (size_t k = 0; k < nu && ref < 0; k++)
                if (!s->u[k].dead && s->u[k].compound && (s->petrarch || s->u[k].end <= i))
                    ref = (int32_t)k;
            for (size_t k = 0; k < nu && ref < 0; k++)
                if (!s->u[k].dead && (s->petrarch || s->u[k].end <= i))
                    ref = (int32_t)k;
        }
        for (size_t k = 0; k < nu; k++)
            if (s->u[k].dead == 2)
                s->u[k].dead = 0;
        if (ref < 0)
            continue;
        int32_t ui = new_unit(s, i, i + 1);
        if (ui < 0)
            return;
        im_unit *r = &s->u[ref], *u = &s->u[ui];
        /* TABARI codes a pronoun from its referent's root, agents found
         * next to the pronoun, not the referent's (coder.cp findActor):
         * "the U.S. Court of Appeals ruled against it" is USAJUD and USA.
         * A compound referent is coded member by member, agents and all;
         * a pattern's slot takes the referent itself (match.c bind). */
        if (!s->petrarch && !r->compound && r->base)
            kh_peer_unit_add_code(u, r->base);
        else {
            for (uint32_t k = 0; k < r->n; k++)
                kh_peer_unit_add_code(u, r->codes[k]);
            u->agented = r->agented;
        }
        u->base = r->base;
        u->compound = r->compound;
        u->pron = 1;
        u->ref1 = ref + 1;
    }
}

/* PETRARCH's comma phrases (its config.ini limits): chained from comma to
 * comma, more than MIN and at most MAX words, the commas dropped too. */
static void petrarch_comma_clauses(im_sent *s, const kh_peer_opts *o)
{
    /* The end phrase runs from the last comma to the sentence's stop: a
     * text that ends without one (a truncated lead) has no end phrase. */
    const kh_sentence *se = &s->c->doc->sentences[s->si];
    const kh_token *last = se->n_tokens ? &s->c->doc->tokens[se->first_token + se->n_tokens - 1]
                                        : NULL;
    int stop = last && (last->flags & KH_TOK_PUNCT) && last->norm_len == 1 &&
               strchr(".!?", last->norm[0]);
    size_t prev = SIZE_MAX;
    for (size_t i = 0; i <= s->n; i++) {
        int comma = i < s->n && s->w[i].cls == C_COMMA && !s->w[i].incomp;
        int end = i == s->n;
        if (!comma && !end)
            continue;
        size_t words = prev == SIZE_MAX ? i : i - prev - 1;
        size_t lim = prev == SIZE_MAX ? 4 : end ? 2 : 0;
        if ((prev != SIZE_MAX || !end) && (!end || stop) && words > o->comma[lim] &&
            words <= o->comma[lim + 1]) {
            for (size_t k = prev == SIZE_MAX ? 0 : prev + 1; k < i; k++)
                s->w[k].elim = 1;
            /* the clause goes with its commas: "A, which ..., B" reads "A B" */
            if (prev != SIZE_MAX)
                s->w[prev].elim = 1;
            if (!end)
                s->w[i].elim = 1;
        }
        if (comma)
            prev = i;
    }
}

/* Drops comma-delimited clauses (TABARI 7.8, COMMA: 8.6): a phrase runs
 * from a comma to the next comma (MIN..MAX words) or, when no comma
 * follows, to the end (EMIN..EMAX); before the first comma, BMIN..BMAX
 * (by default never). The comma that closes a phrase, dropped or not,
 * opens none: "A, B, C" tests B, never C. Commas inside compounds do not
 * count. The opening comma stays; the words and the closing comma go. */
void kh_peer_drop_comma_clauses(im_sent *s)
{
    const kh_peer_opts *o = &PEER(s->c)->opts;
    if (o->comma_off)
        return;
    if (s->petrarch) {
        petrarch_comma_clauses(s, o);
        return;
    }
    size_t first = SIZE_MAX;
    for (size_t i = 0; i < s->n; i++)
        if (s->w[i].cls == C_COMMA && !s->w[i].incomp) {
            first = i;
            break;
        }
    if (first == SIZE_MAX)
        return;
    if (first >= (size_t)o->comma[4] && first <= (size_t)o->comma[5])
        for (size_t k = 0; k < first; k++)
            s->w[k].elim = 1;
    for (size_t open = first; open < s->n;) {
        size_t close = open + 1;
        while (close < s->n && !(s->w[close].cls == C_COMMA && !s->w[close].incomp))
            close++;
        size_t words = close - open - 1, lim = close == s->n ? 2 : 0;
        if (words >= (size_t)o->comma[lim] && words <= (size_t)o->comma[lim + 1])
            for (size_t k = open + 1; k <= close && k < s->n; k++)
                s->w[k].elim = 1;
        if (close == s->n)
            break;
        open = close + 1;
        while (open < s->n && !(s->w[open].cls == C_COMMA && !s->w[open].incomp))
            open++;
    }
}
