/*
 * imported.c: codes sentences with imported TABARI and PETRARCH
 * dictionaries by those coders' own rules, not khaldun's clause rules.
 * coder.c calls kh_code_imported_sentence() for each sentence when the
 * dictionary holds patterns flagged KH_PAT_TABARI or KH_PAT_PETRARCH.
 *
 * The algorithm is TABARI's shallow parse (manual chapters 5-7) over
 * khaldun's tokens:
 *   1. the words TABARI sees (possessive 's, final stops and hyphens
 *      dropped), each with its candidate word ids: the folded form and
 *      every "prefix*" stem the dictionary holds (longest first);
 *   2. actors and agents by longest trie match (stems included); null
 *      coded actors become nouns, ### discards the sentence, +++ sets it
 *      aside; verbs are words with patterns, shifted to nouns after
 *      THE/A/AN or when capitalised mid-sentence;
 *   3. agents join an actor next to them or after OF/IN ("PRESIDENT OF
 *      ISRAEL"), the agent code before or after per KH_AGENT_PREFIX;
 *      parsed compounds ("A, B and C") and coded ones ("A/B") become one
 *      unit with several codes; pronouns take their referent's codes;
 *   4. comma-delimited clauses of 3..10 words are dropped, the rest is
 *      split into clauses at conjunctions outside compounds;
 *   5. per clause, verbs left to right: patterns by decreasing weight,
 *      matched forward and backward from the verb with gaps (never across
 *      a comma or conjunction unless the pattern names it), $ + % ^ slots;
 *      the first coded match codes the clause (subordinate codes only
 *      when nothing else is found, dominant codes always);
 *   6. default source (first actor before the verb, kept across clauses)
 *      and target (first actor after the verb with another code, else
 *      before it), passive voice (WAS/WERE/BEEN ... verb BY) swaps them,
 *      paired codes add the reverse event.
 * PETRARCH patterns are matched the same way, except that the verb must
 * be tagged as a verb by khaldun's tagger.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict/dict.h"
#include "events/coder.h"

/* The imported dictionaries' coder settings (TABARI .options; parsed and
 * applied here, kh_coder_set_peer_option). */
enum { PEER_BY_CLAUSE = 0, PEER_BY_SENTENCE, PEER_CODE_ALL };
enum {
    PEER_CX_NOACTPRIOR = 1u << 0, PEER_CX_NOACTAFTER = 1u << 1, PEER_CX_NOVERB = 1u << 2,
    PEER_CX_NOSOURCE = 1u << 3, PEER_CX_NOTARGET = 1u << 4, PEER_CX_NOEVENT = 1u << 5
};
typedef struct kh_peer_opts {
    uint8_t code_by;          /* PEER_BY_* */
    uint8_t convert_agents;   /* SET: CONVERT AGENTS: lone agents become actors "~GOV" */
    uint8_t time_shift;       /* SET: TIME SHIFTING (on unless turned off) */
    uint8_t comma_off;        /* COMMA: OFF */
    uint16_t min_words;       /* SET: MINIMUM WORDS (TABARI: 8); 0 for PETRARCH */
    uint16_t comma[6];        /* COMMA: MIN MAX EMIN EMAX BMIN BMAX */
    uint16_t cx_verbs, cx_conj, cx_actors, cx_pron, cx_comma, cx_lateverb; /* COMPLEX: [n] */
    uint32_t cx_flags;        /* PEER_CX_* */
    char def_src[16], def_tgt[16]; /* DEFAULT: SOURCE [..] TARGET [..]; "" none */
    uint8_t def_prior, def_after;
    uint8_t forward;          /* FORWARD: active */
    char fwd_fmt[64];         /* its sequence format (^ * N S) */
} kh_peer_opts;

/* Pronoun forwarding between records (FORWARD:), kept across stories. */
typedef struct kh_peer_fwd {
    char story[32];           /* story number of the last record coded */
    long sent;                /* its sentence number, -1 none */
    char code[48];            /* its first actor's code, "" none */
} kh_peer_fwd;

/* The peer coder's state (kh_coder.sc_state). */
typedef struct peer_state {
    kh_peer_opts opts;
    kh_peer_fwd fwd;
} peer_state;
#define PEER(c) ((peer_state *)(c)->sc_state)

#define IM_MAX_WORDS 400   /* words of one sentence looked at */
#define IM_MAX_CODES 24    /* codes of one actor unit (compounds) */
#define IM_MAX_UNITS 96    /* actor units of one sentence */
#define IM_MAX_PATS 512    /* patterns tried for one verb */
#define IM_MAX_EVENTS 64   /* events of one sentence (TABARI's MAX_EVENTS) */
#define IM_BUDGET 4000     /* matching steps for one pattern */
#define IM_ALT_WEIGHT(x) (x)
#define IM_MAX_PHRASE 24   /* words of one dictionary phrase (IM_MAX_PHRASE) */
#define IM_NONE (-1)
#define IM_MAX_LEAD 4      /* agents joined by "and" before one actor */

/* PETRARCH's require_dyad = false (SET: REQUIRE DYAD = FALSE): a verb with
 * a source and no target yields a source-only event (target "---"). Kept
 * in a high bit of kh_peer_opts.cx_flags, clear of the PEER_CX_* bits,
 * which the complexity filter reads through PEER_CX_MASK. */
#define PEER_NO_DYAD (1u << 16)
#define PEER_CX_MASK 0xffffu

enum {
    C_NONE = 0, C_ACTOR, C_AGENT, C_VERB, C_NOUN, C_CONJ, C_COMMA, C_DET, C_PRON, C_BY,
    C_AUX, C_OFIN, C_FORMER
};

typedef struct im_word {
    uint32_t tok;
    uint32_t id0, nid;   /* candidate word ids: ids[id0 .. id0+nid) */
    uint8_t cls;
    uint8_t elim;        /* inside a dropped comma-delimited clause */
    uint8_t incomp;      /* a comma or conjunction inside a compound */
    uint8_t upper;       /* capitalised */
    uint8_t poss;        /* a possessive 's (dropped) stands just before the word */
    int32_t unit;        /* actor unit covering the word */
    int32_t agent;       /* agent index when cls == C_AGENT (first word) */
    uint32_t span_end;   /* one past the last word of the actor/agent phrase starting here */
    uint16_t off, len;   /* part of the token's form ("Dol_Amroth" is two words); len 0: all */
} im_word;

typedef struct im_unit {
    uint32_t first, end;          /* words */
    const char *codes[IM_MAX_CODES];
    uint32_t n;
    const char *base;             /* the first actor's code before any agent (FORWARD) */
    uint8_t compound;
    uint8_t dead;                 /* merged into another unit */
    uint8_t pron;                 /* a pronoun standing for another unit */
    uint8_t deflt;                /* a DEFAULT: actor (covers no word) */
    /* PETRARCH: agents written before the actor ("the ambassadors of A",
     * "lawmakers and officials in A"), passed on to the members a compound
     * adds after codes[0 .. nbase) (spread_agents) */
    uint8_t n_lead, nbase;
    int32_t lead[IM_MAX_LEAD];
} im_unit;

typedef struct im_event {
    raw_event ev;
    uint32_t pflags;
} im_event;

typedef struct im_sent {
    kh_coder *c;
    const kh_dict *d;
    size_t si;
    im_word *w;
    size_t n;
    uint32_t *ids;
    size_t n_ids;
    im_unit *u;
    size_t nu;
    int allcaps;
    int petrarch;
    /* match state */
    int32_t src_unit, tgt_unit, comp_unit;
    uint32_t last_word;
    long budget;
    im_event ev[IM_MAX_EVENTS];
    size_t n_ev;
    int discard;
    int32_t shift;
    int have_shift;
    const char *fwd;     /* FORWARD: the previous sentence's first actor, or NULL */
    uint32_t gap;        /* word id of KH_WORD_GAP, KH_NONE when the dictionary has none */
    int stop;            /* CODE BY SENTENCE: an event was found */
    uint32_t syn_noun;   /* TABARI <NOUN> list (synset KH_SYN_NOUN), KH_NONE when none */
    uint32_t syn_adj;    /* TABARI <ADJECTIVE> list, KH_NONE when none */
} im_sent;

/* ---------------------------------------------------------------------- */
/* Words                                                                  */

static int tok_is(const kh_token *t, const char *w)
{
    size_t n = strlen(w);
    return t->norm_len == n && kh_eq_nocase(t->norm, n, w, n);
}

/* Tokens TABARI would not see as words: the possessive 's (an ending to
 * TABARI), sentence stops, hyphens and dashes, quotation marks. */
static int dropped(const kh_token *t)
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
 * "prefix*" the dictionary holds, longest first. */
static kh_status candidates(im_sent *s, im_word *w, size_t *cap)
{
    const kh_token *t = &s->c->doc->tokens[w->tok];
    char buf[130];
    w->id0 = (uint32_t)s->n_ids;
    const char *form = t->norm + w->off;
    size_t flen = w->len ? w->len : t->norm_len;
    if (flen == 0 || flen > 120)
        return KH_OK;
    size_t len = kh_dict_fold(form, flen, buf);
    uint32_t id = kh_dict_word(s->d, buf, len);
    kh_status st = KH_OK;
    if (id != KH_NONE)
        st = push_id(s, cap, id);
    for (size_t l = len; l >= 1 && !st; l--) {
        buf[l] = KH_WORD_STEM;
        id = kh_dict_word(s->d, buf, l + 1);
        if (id != KH_NONE)
            st = push_id(s, cap, id);
    }
    w->nid = (uint32_t)(s->n_ids - w->id0);
    return st;
}

static int has_id(const im_sent *s, size_t i, uint32_t id)
{
    const im_word *w = &s->w[i];
    for (uint32_t k = 0; k < w->nid; k++)
        if (s->ids[w->id0 + k] == id)
            return 1;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Trie matching over candidate ids                                       */

typedef struct trie_best {
    uint32_t node;
    size_t end;
    size_t spec;
} trie_best;

typedef int (*node_ok_fn)(const kh_dict *d, uint32_t node, uint32_t ref);

#define IM_MAX_GAP 4 /* words a blank in a TABARI actor name may skip */

/* May a gap in a name skip word i? Not a comma, a conjunction, or a stop. */
static int gap_word(const im_sent *s, size_t i)
{
    const kh_token *t = &s->c->doc->tokens[s->w[i].tok];
    if ((t->flags & KH_TOK_PUNCT) && t->norm_len == 1 && strchr(",;:", t->norm[0]))
        return 0;
    return !tok_is(t, "and") && !tok_is(t, "or") && !tok_is(t, "but") && !tok_is(t, "nor");
}

static void trie_walk(const im_sent *s, uint32_t node, size_t i, size_t spec, node_ok_fn ok,
                      uint32_t ref, size_t depth, trie_best *best)
{
    if (i >= s->n || depth >= IM_MAX_PHRASE)
        return;
    /* TABARI: 's is a noun ending, so a phrase ends at it ("ithilen's
     * government radio" is not ITHILEN_GOVERNMENT_RADIO_). */
    if (depth > 0 && s->w[i].poss && !s->petrarch)
        return;
    if (s->gap != KH_NONE && depth > 0) {
        /* A gap: the rest of the name after 0..IM_MAX_GAP skipped words,
         * a little less specific than the same words together. */
        uint32_t g = kh_dict_child(s->d, node, s->gap);
        if (g)
            for (size_t k = 0; k <= IM_MAX_GAP && i + k < s->n; k++) {
                trie_walk(s, g, i + k, spec ? spec - 1 : 0, ok, ref, depth + 1, best);
                if (!gap_word(s, i + k))
                    break;
            }
    }
    const im_word *w = &s->w[i];
    for (uint32_t k = 0; k < w->nid; k++) {
        uint32_t id = s->ids[w->id0 + k];
        uint32_t child = kh_dict_child(s->d, node, id);
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
        trie_walk(s, child, i + 1, sp, ok, ref, depth + 1, best);
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

static int node_synset(const kh_dict *d, uint32_t node, uint32_t ref)
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

static void unit_add_code(im_unit *u, const char *code)
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
        unit_add_code(u, code);
        return;
    }
    u->compound = 1;
    while (*code) {
        slash = strchr(code, '/');
        size_t len = slash ? (size_t)(slash - code) : strlen(code);
        if (len) {
            char *part = kh_arena_strndup(&s->c->arena, code, len);
            if (part)
                unit_add_code(u, part);
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
    for (uint32_t k = 0; k < u->n; k++)
        u->codes[k] = join_agent(s, u->codes[k], acode, (ag->flags & KH_AGENT_PREFIX) != 0);
}

/* ---------------------------------------------------------------------- */
/* Classification                                                         */

static int is_conj(const kh_token *t)
{
    return tok_is(t, "and") || tok_is(t, "but") || tok_is(t, "or") || tok_is(t, "nor");
}

static int is_pronoun(const kh_token *t)
{
    static const char *const p[] = {"he", "she", "it", "its", "his", "her", "him", "they",
                                    "them", "their", NULL};
    for (size_t i = 0; p[i]; i++)
        if (tok_is(t, p[i]))
            return 1;
    return 0;
}

/* Patterns of a word (over its candidate ids) that are not <TIME>. */
static int word_has_verb_patterns(const im_sent *s, size_t i, int time)
{
    const im_word *w = &s->w[i];
    for (uint32_t k = 0; k < w->nid; k++) {
        size_t first;
        size_t n = kh_dict_patterns(s->d, s->ids[w->id0 + k], &first);
        for (size_t j = 0; j < n; j++) {
            const kh_pattern *p = &s->d->patterns[first + j];
            if (!(p->flags & (KH_PAT_TABARI | KH_PAT_PETRARCH)))
                continue;
            if (((p->flags & KH_PAT_TIME) != 0) == time)
                return 1;
        }
    }
    return 0;
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
static int classify(im_sent *s)
{
    const kh_dict *d = s->d;
    const kh_token *toks = s->c->doc->tokens;
    for (size_t i = 0; i < s->n;) {
        im_word *w = &s->w[i];
        const kh_token *t = &toks[w->tok];
        trie_best best = {0, 0, 0};
        trie_walk(s, 0, i, 0, node_actorish, 0, 0, &best);
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
            if (t->norm_len == 1 && (t->norm[0] == ',' || t->norm[0] == ';'))
                w->cls = C_COMMA;
        } else if (is_conj(t)) {
            w->cls = C_CONJ;
        } else if (tok_is(t, "the") || tok_is(t, "a") || tok_is(t, "an")) {
            w->cls = C_DET;
        } else if (is_pronoun(t)) {
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
        if (w->cls == C_NONE && word_has_verb_patterns(s, i, 0)) {
            int noun = i > 0 && s->w[i - 1].cls == C_DET;
            if (!s->allcaps && (t->flags & KH_TOK_CAP) && i > 0 &&
                !(t->flags & KH_TOK_SENT_START))
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
            unit_add_code(u, *acode ? join_agent(s, base[k], acode,
                                                 (ag->flags & KH_AGENT_PREFIX) != 0)
                                    : base[k]);
        }
}

/* PETRARCH: the agents written before a compound's first member go to
 * every member ("the ambassadors of A, B and C": AGOV BGOV CGOV). */
static void spread_agents(im_sent *s)
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
                unit_add_code(u, *acode ? join_agent(s, rest[k], acode,
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

/* Agents join the actor next to them, or after OF/IN. */
static void attach_agents(im_sent *s)
{
    const kh_dict *d = s->d;
    int32_t chain[IM_MAX_LEAD]; /* PETRARCH: "lawmakers and" waiting for their actor */
    size_t n_chain = 0;
    /* PETRARCH: the actor codes before the last agent joined ("Danish" in
     * "Danish media and government"), and where that agent ended */
    const char *prev[IM_MAX_CODES];
    uint32_t n_prev = 0;
    size_t prev_end = 0;
    for (size_t i = 0; i < s->n; i++) {
        im_word *w = &s->w[i];
        if (w->cls != C_AGENT || w->agent < 0 || !w->span_end)
            continue;
        const kh_agent_rec *ag = &d->agents[w->agent];
        size_t end = w->span_end;
        int former = i > 0 && s->w[i - 1].cls == C_FORMER;
        int32_t ui = IM_NONE;
        size_t from = i, to = end;
        int lead = 0;
        if (s->petrarch && end + 1 < s->n && s->w[end].cls == C_CONJ &&
            s->w[end + 1].cls == C_AGENT && s->w[end + 1].agent >= 0 &&
            n_chain + 1 < IM_MAX_LEAD && !(i > 0 && s->w[i - 1].unit >= 0)) {
            chain[n_chain++] = w->agent; /* its actor comes after the next agent */
            i = end;
            continue;
        }
        if (ui == IM_NONE && s->petrarch && i > 0 && s->c->doc->upos) {
            /* PETRARCH: the possessor before an adjective phrase ("Ithilen's
             * awful and evil minister Calimehtar" is ITHGOV): adjectives and
             * the conjunctions between them stay in the agent's noun
             * phrase, and the possessor comes before a name after it. */
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
                ui = s->w[k - 1].unit;
                from = k;
                n_chain = 0;
            }
        }
        if (ui != IM_NONE) {
            /* found above */
        } else if (i > 0 && s->w[i - 1].unit >= 0) {
            ui = s->w[i - 1].unit; /* ISRAELI PRESIDENT */
            n_chain = 0;
        } else if (former && i > 1 && s->w[i - 2].unit >= 0) {
            ui = s->w[i - 2].unit; /* ISRAELI FORMER PRESIDENT */
            from = i - 1;
            n_chain = 0;
        } else if (end < s->n && s->w[end].unit >= 0 && s->u[s->w[end].unit].first == end) {
            ui = s->w[end].unit; /* PRESIDENT PERES */
        } else if (end + 1 < s->n &&
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
                ui = s->w[k].unit; /* PRESIDENT OF ISRAEL */
        }
        lead = ui != IM_NONE && s->u[ui].first >= end;
        if (ui == IM_NONE && s->petrarch && n_prev && i >= 2 && prev_end == i - 1 &&
            s->w[i - 1].cls == C_CONJ && ag->code != KH_NONE &&
            !(end < s->n && s->w[end].cls == C_OFIN)) {
            /* PETRARCH: "Danish media and government": the second agent
             * of a compound noun takes the same actor (DNKMED, DNKGOV). */
            ui = new_unit(s, i, end);
            if (ui == IM_NONE)
                continue;
            for (uint32_t k = 0; k < n_prev; k++)
                unit_add_code(&s->u[ui], prev[k]);
        } else if (ui == IM_NONE && s->petrarch && ag->code != KH_NONE) {
            /* PETRARCH codes an agent alone with an unknown actor: ---GOV. */
            ui = new_unit(s, i, end);
            if (ui == IM_NONE)
                continue;
            unit_add_code(&s->u[ui], KH_CODE_NULL);
        } else if (ui == IM_NONE && PEER(s->c)->opts.convert_agents && ag->code != KH_NONE) {
            /* SET: CONVERT AGENTS (TABARI 8.2.6): a lone agent is an actor
             * coded as the agent is written, "~GOV" (or "NGO~"). */
            const char *gc = kh_dict_str(d, ag->code);
            size_t gl = strlen(gc);
            char *code = (char *)kh_arena_alloc(&s->c->arena, gl + 2);
            ui = new_unit(s, i, end);
            if (!code || ui == IM_NONE)
                continue;
            int pre = (ag->flags & KH_AGENT_PREFIX) != 0;
            memcpy(code + (pre ? 0 : 1), gc, gl);
            code[pre ? gl : 0] = '~';
            code[gl + 1] = '\0';
            unit_add_code(&s->u[ui], code);
            for (size_t k = i; k < end; k++)
                s->w[k].cls = C_ACTOR;
            i = end - 1;
            continue;
        }
        if (ui == IM_NONE) {
            n_chain = 0;
            continue;
        }
        if (i > 0 && s->u[ui].first > 0 && s->w[s->u[ui].first - 1].cls == C_FORMER)
            former = 1;
        n_prev = 0;
        if (s->petrarch && !s->u[ui].compound &&
            !(s->u[ui].first > 0 && s->w[s->u[ui].first - 1].cls == C_DET)) {
            /* a flat noun phrase only: "the Danish media and government"
             * is two (DNKMED, ---GOV) */
            n_prev = s->u[ui].n;
            memcpy(prev, s->u[ui].codes, n_prev * sizeof *prev);
            prev_end = end;
        }
        if (n_chain) {
            /* the waiting agents and this one, each with the actor */
            chain[n_chain++] = w->agent;
            size_t c0 = i;
            for (size_t k = n_chain - 1; k-- > 0;) /* back over "AGENT and" */
                while (c0 > 0 && (s->w[c0 - 1].cls == C_CONJ || s->w[c0 - 1].cls == C_AGENT))
                    c0--;
            from = c0;
            apply_agents(s, ui, chain, n_chain, former);
        } else {
            chain[0] = w->agent;
            n_chain = 1;
            apply_agent(s, ui, ag, former);
        }
        if (s->petrarch && lead && !s->u[ui].n_lead) {
            im_unit *u = &s->u[ui];
            for (size_t k = 0; k < n_chain; k++)
                u->lead[u->n_lead++] = chain[k];
            u->nbase = (uint8_t)u->n;
        }
        n_chain = 0;
        unit_cover(s, ui, from, to);
        i = end - 1;
    }
}

/* A word that may modify a compound's member: an unclassified word in
 * lower case that the tagger does not take for a verb. */
static int modifier(const im_sent *s, size_t k)
{
    const im_word *w = &s->w[k];
    const uint8_t *upos = s->c->doc->upos;
    if (w->cls != C_NONE || w->unit >= 0)
        return 0;
    const kh_token *t = &s->c->doc->tokens[w->tok];
    if ((t->flags & KH_TOK_CAP) && !s->allcaps)
        return 0;
    if (t->flags & (KH_TOK_PUNCT | KH_TOK_NUMBER))
        return 0;
    return !upos || upos[w->tok] == KH_UPOS_ADJ || upos[w->tok] == KH_UPOS_NOUN;
}

/* Parsed compounds: unit (, unit)* (,) and unit, with determiners and
 * adjectives before each member. */
static void find_compounds(im_sent *s)
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
            size_t mods = k;
            while (k < s->n && s->w[k].unit < 0 && k - mods < 4 &&
                   (s->w[k].cls == C_DET || modifier(s, k)))
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
                unit_add_code(u, v->codes[k]);
            v->dead = 1;
        }
        size_t end = s->u[members[nm - 1]].end;
        for (size_t k = u->end; k < end; k++)
            if (s->w[k].cls == C_COMMA || s->w[k].cls == C_CONJ)
                s->w[k].incomp = 1;
        u->compound = u->n > 1;
        unit_cover(s, (int32_t)ui, u->first, end);
        ui = members[nm - 1];
    }
}

/* Pronouns: HE/SHE/IT/HIM the first actor of the sentence, ITS/HIS/HER the
 * first actor before them, THEY/THEM/THEIR the first compound, else the
 * first actor. */
static void resolve_pronouns(im_sent *s)
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
        /* Actors of dropped comma clauses are not referents. */
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
            unit_add_code(&s->u[ui], s->fwd);
            s->u[ui].pron = 1;
            continue;
        }
        if (tok_is(t, "he") || tok_is(t, "she") || tok_is(t, "it") || tok_is(t, "him")) {
            for (size_t k = 0; k < nu && ref < 0; k++)
                if (!s->u[k].dead)
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
                if (!s->u[k].dead && s->u[k].compound)
                    ref = (int32_t)k;
            for (size_t k = 0; k < nu && ref < 0; k++)
                if (!s->u[k].dead)
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
        for (uint32_t k = 0; k < r->n; k++)
            unit_add_code(u, r->codes[k]);
        u->base = r->base;
        u->compound = r->compound;
        u->pron = 1;
    }
}

/* Drops comma-delimited clauses (TABARI 7.8, COMMA: 8.6): between two
 * commas, of more than MIN and at most MAX words; between the last comma
 * and the end, EMIN/EMAX; before the first comma, BMIN/BMAX (by default
 * never). Commas inside compounds do not count. */
static void drop_comma_clauses(im_sent *s)
{
    const kh_peer_opts *o = &PEER(s->c)->opts;
    if (o->comma_off)
        return;
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

/* ---------------------------------------------------------------------- */
/* Pattern matching                                                       */

static int barrier(const im_sent *s, size_t i)
{
    const im_word *w = &s->w[i];
    return (w->cls == C_COMMA || w->cls == C_CONJ) && !w->incomp;
}

/* Next visible word after i (or before it, dir < 0); SIZE_MAX at the edge. */
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
        if (!s->w[i].elim)
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
        return has_id(s, i, e->ref) ? i : SIZE_MAX;
    case KH_E_SYNSET: {
        if (dir > 0) {
            trie_best b = {0, 0, 0};
            trie_walk(s, 0, i, 0, node_synset, e->ref, 0, &b);
            return b.node ? b.end - 1 : SIZE_MAX;
        }
        for (size_t k = i + 1; k-- > 0 && i - k < IM_MAX_PHRASE;) {
            trie_best b = {0, 0, 0};
            trie_walk(s, 0, k, 0, node_synset, e->ref, 0, &b);
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
        if (e->kind == KH_E_SKIP && (ui < 0 || s->u[ui].dead))
            return skip_np(s, i, dir);
        if (ui < 0 || s->u[ui].dead)
            return SIZE_MAX;
        const im_unit *u = &s->u[ui];
        if (e->kind == KH_E_COMPOUND && !u->compound)
            return SIZE_MAX;
        *unit = ui;
        return dir > 0 ? u->end - 1 : u->first;
    }
    default:
        return SIZE_MAX;
    }
}

static int punct_word(const kh_dict *d, uint32_t id)
{
    if (id >= d->n_words)
        return 0;
    const kh_word_rec *w = &d->words[id];
    for (uint32_t i = 0; i < w->len; i++) {
        unsigned char ch = (unsigned char)d->strings[w->str + i];
        if (kh_is_alpha(ch) || kh_is_digit(ch) || ch >= 0x80)
            return 0;
    }
    return 1;
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

typedef struct mstate {
    int32_t src, tgt, comp;
    size_t lo, hi; /* words matched */
    uint32_t alt_len; /* letters of the words synsets and alternatives matched */
} mstate;

static void bind(mstate *m, const kh_elem *e, int32_t ui)
{
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
    if (e->kind == KH_E_WORD && punct_word(s->d, e->ref))
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
        int32_t ui = IM_NONE;
        /* Inside a unit, only its first (forward) / last (backward) word starts a slot. */
        size_t at = elem_at(s, e, i, dir, &ui);
        if (is_slot(e) && ui >= 0) {
            const im_unit *u = &s->u[ui];
            if ((dir > 0 && i != u->first) || (dir < 0 && i != u->end - 1))
                at = SIZE_MAX;
        }
        if (at != SIZE_MAX) {
            mstate save = *m;
            bind(m, e, ui);
            if (e->kind == KH_E_SYNSET && alt_synset(s->d, e->ref))
                m->alt_len += words_alnum(s, i < at ? i : at, i < at ? at : i);
            if (match_dir(s, el, n, next_k, at, dir, m))
                return 1;
            *m = save;
            /* A slot takes the first actor met, not a later one. */
            if (is_slot(e))
                return 0;
        } else if (is_slot(e) && s->w[i].unit >= 0 && !s->u[s->w[i].unit].dead &&
                   e->kind != KH_E_COMPOUND) {
            return 0;
        }
        if (adj)
            return 0;
        if (barrier(s, i))
            return 0;
    }
    return 0;
}

static int match_pattern(im_sent *s, const kh_pattern *p, size_t verb, mstate *m)
{
    const kh_elem *el = &s->d->elems[p->first_elem];
    size_t n = p->n_elems, v = p->verb_pos;
    if (v >= n || !has_id(s, verb, el[v].ref))
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

static const kh_code_rec *code_of(const kh_dict *d, uint32_t off)
{
    const char *s = kh_dict_str(d, off);
    return kh_dict_code(d, s, strlen(s));
}

static void add_event(im_sent *s, const char *src, const char *tgt, const kh_code_rec *code,
                      const kh_pattern *p, const im_unit *su, const im_unit *tu, size_t verb)
{
    if (!code || s->n_ev == IM_MAX_EVENTS || (tgt && !strcmp(src, tgt)))
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
    /* A compound both source and target (no other actor): its first
     * member acts on the others, "Bree and Arnor restore ties" BRE -> ARN. */
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
    unit_add_code(u, c);
    return (int32_t)s->nu++;
}

/* First unit in words [lo, hi) whose first code differs from `not`. */
static int32_t first_unit(const im_sent *s, size_t lo, size_t hi, int32_t not_unit)
{
    for (size_t i = lo; i < hi && i < s->n; i++) {
        int32_t ui = s->w[i].unit;
        if (ui < 0 || s->u[ui].dead || s->w[i].elim || s->u[ui].first != i || !s->u[ui].n)
            continue;
        if (not_unit >= 0 && !strcmp(s->u[ui].codes[0], s->u[not_unit].codes[0]))
            continue;
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

typedef struct pref {
    const kh_pattern *p;
    int line;
    int bare;
} pref;

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
    if (x->p->n_elems != y->p->n_elems)
        return x->p->n_elems > y->p->n_elems ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->p < y->p ? -1 : x->p > y->p;
}

/* The patterns of a verb word, in the order they are tried. */
static size_t verb_patterns(im_sent *s, size_t i, pref *out, size_t cap)
{
    const im_word *w = &s->w[i];
    size_t n = 0;
    for (uint32_t k = 0; k < w->nid; k++) {
        size_t first;
        size_t np = kh_dict_patterns(s->d, s->ids[w->id0 + k], &first);
        for (size_t j = 0; j < np && n < cap; j++) {
            const kh_pattern *p = &s->d->patterns[first + j];
            if (!(p->flags & (KH_PAT_TABARI | KH_PAT_PETRARCH)) || (p->flags & KH_PAT_TIME))
                continue;
            out[n].p = p;
            out[n].line = line_of(s->d, p);
            out[n].bare = pat_bare(s->d, p);
            n++;
        }
    }
    qsort(out, n, sizeof *out, pref_cmp);
    return n;
}

/* Passive voice: WAS/WERE/BEEN one or two words before the verb, BY right
 * after it or after one untyped word (TABARI PASV-04). */
static int passive_at(const im_sent *s, size_t verb)
{
    size_t a = step(s, verb, -1), b = a == SIZE_MAX ? SIZE_MAX : step(s, a, -1);
    size_t by = step(s, verb, 1);
    /* a modifier may come between: "was opposed earlier by" */
    if (by != SIZE_MAX && s->w[by].cls == C_NONE && s->w[by].unit < 0)
        by = step(s, by, 1);
    int aux = (a != SIZE_MAX && s->w[a].cls == C_AUX) || (b != SIZE_MAX && s->w[b].cls == C_AUX);
    return aux && by != SIZE_MAX && s->w[by].cls == C_BY;
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
    uint32_t actual = pat_fixed_len(s->d, pats[*k].p, &alts) + IM_ALT_WEIGHT(m->alt_len);
    for (size_t j = *k + 1; alts && j < np; j++) {
        const kh_pattern *q = pats[j].p;
        if (pats[j].bare || q->weight <= actual)
            continue;
        mstate m2;
        if (!match_pattern(s, q, v, &m2))
            continue;
        *k = j;
        *m = m2;
        actual = pat_fixed_len(s->d, q, &alts) + IM_ALT_WEIGHT(m2.alt_len);
    }
    return pats[*k].p;
}

typedef struct clause_state {
    int32_t source;   /* carried over from earlier clauses */
} clause_state;

/* Codes one clause [lo, hi). Returns 1 when a discard or complex code
 * was met. */
static int code_clause(im_sent *s, size_t lo, size_t hi, int first_clause, clause_state *cs,
                       pref *pats)
{
    const kh_dict *d = s->d;
    int done = 0;
    size_t done_hi = 0; /* last word of the last coded match */
    size_t sub_from = SIZE_MAX;
    size_t ev_before = s->n_ev;
    /* An actor right after the conjunction is the clause's own subject. */
    if (!first_clause) {
        size_t f = lo;
        while (f < hi && (s->w[f].elim || s->w[f].cls == C_CONJ || s->w[f].cls == C_DET))
            f++;
        /* TABARI: ... or the first actor before the clause's first verb
         * ("and cool minister Calimehtar warned", "and pigs of Gondor
         * warned"), not the object of a preposition ("and shelling
         * offensive against besieged Osgiliath"). */
        const uint8_t *upos = s->c->doc->upos;
        if (!s->petrarch)
            while (f < hi && s->w[f].cls != C_VERB && s->w[f].cls != C_COMMA &&
                   (s->w[f].unit < 0 || s->u[s->w[f].unit].dead || s->w[f].elim) &&
                   !(upos && upos[s->w[f].tok] == KH_UPOS_ADP && s->w[f].cls != C_OFIN))
                f++;
        if (f < hi && s->w[f].unit >= 0 && !s->u[s->w[f].unit].dead)
            cs->source = s->w[f].unit;
    }
    for (size_t v = lo; v < hi; v++) {
        if (s->w[v].cls != C_VERB || s->w[v].elim)
            continue;
        size_t np = verb_patterns(s, v, pats, IM_MAX_PATS);
        for (size_t k = 0; k < np; k++) {
            const kh_pattern *p = pats[k].p;
            mstate m;
            if (!match_pattern(s, p, v, &m))
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
                return 1;
            }
            if (p->flags & KH_PAT_NULL)
                break; /* the match stands and yields nothing */
            /* PETRARCH codes each verb phrase with its own subject: after
             * a coded verb, a later verb with an actor of its own between
             * them ("..., the official news agency said") is coded too,
             * that actor its source, its target only after it. */
            int32_t subj = IM_NONE;
            if (done && s->petrarch && m.src < 0 && m.comp < 0) {
                subj = last_unit(s, done_hi + 1, v);
                /* ... when that actor opens a comma-delimited part of the
                 * sentence (its own clause, not a phrase of the last verb) */
                size_t b = subj >= 0 ? s->u[subj].first : 0;
                while (b > 0 && (s->w[b - 1].cls == C_DET || modifier(s, b - 1)))
                    b--;
                if (subj >= 0 && (b == 0 || s->w[b - 1].cls != C_COMMA || s->w[b - 1].incomp))
                    subj = IM_NONE;
            }
            if (done && !(p->flags & KH_PAT_DOMINANT) && subj < 0)
                break;
            /* Actors. */
            int32_t src = m.src, tgt = m.tgt;
            int split = 0;
            const kh_peer_opts *o = &PEER(s->c)->opts;
            int32_t csrc = IM_NONE;
            if (m.comp >= 0 && s->petrarch && src < 0 && s->u[m.comp].first > v)
                /* PETRARCH: a compound after the verb ("agrees with A and
                 * B") is the target of the verb's subject, member by member */
                csrc = first_unit(s, first_clause ? 0 : lo, v, m.comp);
            if (csrc >= 0) {
                src = csrc;
                tgt = m.comp;
            } else if (m.comp >= 0) {
                src = tgt = m.comp;
            } else if (subj >= 0) {
                src = subj;
                if (tgt < 0) { /* in the verb's own phrase: up to a comma or conjunction */
                    size_t e = v + 1;
                    while (e < hi && (s->w[e].elim || !barrier(s, e)))
                        e++;
                    tgt = first_unit(s, v + 1, e, src);
                }
            } else {
                int slots = src >= 0 || tgt >= 0;
                int src_after = 0;
                if (src < 0) {
                    size_t from = first_clause ? 0 : lo;
                    if (cs->source >= 0 && !first_clause)
                        src = cs->source;
                    else
                        src = first_unit(s, from, v, tgt);
                    if (src >= 0 && tgt >= 0 && !strcmp(s->u[src].codes[0], s->u[tgt].codes[0]))
                        src = first_unit(s, from, v, tgt);
                    /* DEFAULT: SOURCE [..] PRIOR: whenever no actor precedes the verb */
                    if (src < 0 && o->def_src[0] && o->def_prior)
                        src = default_unit(s, o->def_src, v);
                    /* else TABARI looks after the verb (8.5, note 3), then the default */
                    if (src < 0 && tgt < 0 && (o->def_src[0] || o->def_tgt[0])) {
                        src = first_unit(s, m.hi + 1, hi, IM_NONE);
                        src_after = src >= 0;
                    }
                    if (src < 0 && o->def_src[0])
                        src = default_unit(s, o->def_src, v);
                }
                if (tgt < 0 && src >= 0) {
                    size_t from = src_after ? s->u[src].end : v + 1;
                    tgt = first_unit(s, from, hi, src);
                    if (tgt < 0 && o->def_tgt[0] && o->def_after && !src_after)
                        tgt = default_unit(s, o->def_tgt, v);
                    if (tgt < 0 && !src_after)
                        tgt = first_unit(s, lo, v, src);
                    if (tgt < 0 && s->u[src].compound && s->u[src].n > 1) {
                        tgt = src;
                        split = 1;
                    }
                    if (tgt < 0 && o->def_tgt[0])
                        tgt = default_unit(s, o->def_tgt, v);
                }
                if (!slots && src >= 0 && tgt >= 0 && passive_at(s, m.hi)) {
                    int32_t t = src;
                    src = tgt;
                    tgt = t;
                }
            }
            if (src >= 0 && tgt < 0 && (o->cx_flags & PEER_NO_DYAD)) {
                kh_coder_trace(s->c, s->si, "  no target actor: source-only (require_dyad off)");
            } else if (src < 0 || tgt < 0) {
                kh_coder_trace(s->c, s->si, "  no %s actor", src < 0 ? "source" : "target");
                break;
            }
            if (p->flags & KH_PAT_SUBORDINATE) {
                if (sub_from == SIZE_MAX) {
                    sub_from = s->n_ev;
                    emit(s, p, src, tgt, v, split);
                }
                if (first_clause || cs->source < 0)
                    cs->source = src;
                break;
            }
            if (sub_from != SIZE_MAX && !done) {
                s->n_ev = sub_from; /* a real event beats the subordinate one */
                sub_from = SIZE_MAX;
            }
            emit(s, p, src, tgt, v, split);
            if (subj < 0)
                cs->source = src;
            done = o->code_by != PEER_CODE_ALL;
            done_hi = m.hi > v ? m.hi : v;
            if (o->code_by == PEER_BY_SENTENCE) {
                s->stop = 1;
                return 0;
            }
            break;
        }
    }
    if (first_clause && s->n_ev == ev_before && cs->source < 0)
        cs->source = first_unit(s, lo, hi, IM_NONE);
    return 0;
}

/* <TIME> patterns: the first one found shifts the date; ### and +++
 * among them discard. Returns 1 on a discard. */
static int time_shift(im_sent *s, pref *pats)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->w[i].elim || !word_has_verb_patterns(s, i, 1))
            continue;
        const im_word *w = &s->w[i];
        size_t n = 0;
        for (uint32_t k = 0; k < w->nid; k++) {
            size_t first;
            size_t np = kh_dict_patterns(s->d, s->ids[w->id0 + k], &first);
            for (size_t j = 0; j < np && n < IM_MAX_PATS; j++) {
                const kh_pattern *p = &s->d->patterns[first + j];
                if (p->flags & KH_PAT_TIME) {
                    pats[n].p = p;
                    pats[n].line = line_of(s->d, p);
                    pats[n].bare = 0;
                    n++;
                }
            }
        }
        qsort(pats, n, sizeof *pats, pref_cmp);
        for (size_t k = 0; k < n; k++) {
            mstate m;
            if (!match_pattern(s, pats[k].p, i, &m))
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

/* ---------------------------------------------------------------------- */
/* The sentence                                                           */

/* The story and sentence numbers of a record id by a FORWARD: format
 * (TABARI 8.4.1: ^ leading blanks, * any character, N story, S sentence). */
static void forward_ids(const char *fmt, const char *id, char *story, size_t cap, long *sent)
{
    size_t k = 0;
    *sent = -1;
    while (*fmt == '^')
        fmt++;
    while (*id == ' ' || *id == '\t')
        id++;
    for (; *fmt && *id; fmt++, id++) {
        if (*fmt == 'N' && k + 1 < cap)
            story[k++] = *id;
        else if (*fmt == 'S' && kh_is_digit((unsigned char)*id))
            *sent = (*sent < 0 ? 0 : *sent * 10) + (*id - '0');
    }
    story[k] = '\0';
}

/* FORWARD: the code a leading pronoun stands for, when this sentence
 * follows the last one coded in the same story (the next record of the
 * story by its id, or the next sentence of the record). */
static const char *forwarded(kh_coder *c, size_t si)
{
    if (!PEER(c)->opts.forward)
        return NULL;
    /* A copy: events keep it after PEER(c)->fwd moves on. */
    if (si > 0)
        return PEER(c)->fwd.code[0] ? kh_arena_strndup(&c->arena, PEER(c)->fwd.code, strlen(PEER(c)->fwd.code))
                               : NULL;
    char story[32];
    long sent;
    forward_ids(PEER(c)->opts.fwd_fmt, c->story->id ? c->story->id : "", story, sizeof story, &sent);
    int next = PEER(c)->fwd.code[0] && sent >= 0 && PEER(c)->fwd.sent >= 0 && sent == PEER(c)->fwd.sent + 1 &&
               !strcmp(story, PEER(c)->fwd.story);
    snprintf(PEER(c)->fwd.story, sizeof PEER(c)->fwd.story, "%s", story);
    PEER(c)->fwd.sent = sent;
    return next ? kh_arena_strndup(&c->arena, PEER(c)->fwd.code, strlen(PEER(c)->fwd.code)) : NULL;
}

/* Remembers the sentence's first actor (not a pronoun) for FORWARD. */
static void forward_remember(const im_sent *s)
{
    kh_coder *c = s->c;
    PEER(c)->fwd.code[0] = '\0';
    size_t best = SIZE_MAX;
    for (size_t k = 0; k < s->nu; k++) {
        const im_unit *u = &s->u[k];
        if (u->dead || u->pron || u->deflt || !u->n || u->first >= best)
            continue;
        best = u->first;
        snprintf(PEER(c)->fwd.code, sizeof PEER(c)->fwd.code, "%s", u->base ? u->base : u->codes[0]);
    }
    if (s->si > 0 && PEER(c)->fwd.sent >= 0)
        PEER(c)->fwd.sent++;
}

/* A verb for the complexity filter: its first matching pattern has a
 * code; null-coded verbs, and verbs none of whose patterns match (the
 * first word of "HAVE NOTHING TO DO WITH"), do not count (TABARI 8.7). */
static int verb_live(im_sent *s, size_t v, pref *pats)
{
    size_t np = verb_patterns(s, v, pats, IM_MAX_PATS);
    for (size_t k = 0; k < np; k++) {
        mstate m;
        if (match_pattern(s, pats[k].p, v, &m))
            return !(pats[k].p->flags & KH_PAT_NULL);
    }
    return 0;
}

/* COMPLEX: (TABARI 8.7): why the sentence is set aside, or NULL. */
static const char *complex_why(im_sent *s, pref *pats)
{
    const kh_peer_opts *o = &PEER(s->c)->opts;
    if (!o->cx_verbs && !o->cx_conj && !o->cx_actors && !o->cx_pron && !o->cx_comma &&
        !o->cx_lateverb && !(o->cx_flags & PEER_CX_MASK))
        return NULL;
    size_t verbs = 0, conj = 0, actors = 0, pron = 0, commas = 0, first_verb = SIZE_MAX;
    for (size_t i = 0; i < s->n; i++) {
        const im_word *w = &s->w[i];
        if (w->cls == C_VERB && !w->elim && verb_live(s, i, pats)) {
            verbs++;
            if (first_verb == SIZE_MAX)
                first_verb = i;
        }
        if (w->cls == C_CONJ && !w->incomp)
            conj++;
        if (w->cls == C_PRON)
            pron++;
        if (w->elim && w->cls == C_COMMA)
            commas++;
    }
    int prior = 0, after = 0;
    for (size_t k = 0; k < s->nu; k++) {
        const im_unit *u = &s->u[k];
        if (u->dead || u->deflt || s->w[u->first].elim)
            continue;
        actors++;
        if (first_verb != SIZE_MAX && u->first < first_verb)
            prior = 1;
        if (first_verb != SIZE_MAX && u->first > first_verb)
            after = 1;
    }
    if (o->cx_verbs && verbs >= o->cx_verbs)
        return "VERBS";
    if (o->cx_conj && conj >= o->cx_conj)
        return "CONJ";
    if (o->cx_actors && actors >= o->cx_actors)
        return "ACTORS";
    if (o->cx_pron && pron >= o->cx_pron)
        return "PRONOUNS";
    if (o->cx_comma && commas >= o->cx_comma)
        return "COMMA";
    if (o->cx_lateverb && (first_verb == SIZE_MAX || first_verb >= o->cx_lateverb))
        return "LATEVERB";
    if ((o->cx_flags & PEER_CX_NOVERB) && first_verb == SIZE_MAX)
        return "NOVERB";
    if ((o->cx_flags & PEER_CX_NOACTPRIOR) && first_verb != SIZE_MAX && !prior)
        return "NOACTPRIOR";
    if ((o->cx_flags & PEER_CX_NOACTAFTER) && first_verb != SIZE_MAX && !after)
        return "NOACTAFTER";
    return NULL;
}

int kh_peer_dict(const kh_dict *d)
{
    for (size_t i = 0; i < d->n_patterns; i++)
        if (d->patterns[i].flags & (KH_PAT_TABARI | KH_PAT_PETRARCH))
            return 1;
    return 0;
}

static kh_status code_sentence(im_sent *s, pref *pats);
static uint32_t find_synset(const kh_dict *d, const char *name);
static void spread_agents(im_sent *s);

static kh_status peer_sentence(kh_coder *c, void *state, size_t si)
{
    (void)state; /* reached through PEER(c) by the helpers */
    const kh_doc *doc = c->doc;
    const kh_sentence *se = &doc->sentences[si];
    im_sent *s = (im_sent *)kh_arena_calloc(&c->arena, 1, sizeof *s);
    if (!s)
        return KH_ERR_NOMEM;
    s->c = c;
    s->d = c->dict;
    s->si = si;
    s->gap = kh_dict_word(c->dict, KH_WORD_GAP, 1);
    s->syn_noun = find_synset(c->dict, KH_SYN_NOUN);
    s->syn_adj = find_synset(c->dict, KH_SYN_ADJECTIVE);
    size_t cap = se->n_tokens < IM_MAX_WORDS ? se->n_tokens : IM_MAX_WORDS;
    s->w = (im_word *)kh_arena_calloc(&c->arena, cap + 1, sizeof *s->w);
    s->u = (im_unit *)kh_arena_calloc(&c->arena, IM_MAX_UNITS, sizeof *s->u);
    pref *pats = (pref *)kh_arena_alloc(&c->arena, IM_MAX_PATS * sizeof *pats);
    if (!s->w || !s->u || !pats)
        return KH_ERR_NOMEM;
    int lower = 0, petr = 0;
    for (size_t i = 0; i < c->dict->n_patterns && i < 64; i++)
        if (c->dict->patterns[i].flags & KH_PAT_PETRARCH)
            petr = 1;
    s->petrarch = petr;
    size_t id_cap = 0;
    for (size_t t = se->first_token; t < se->first_token + se->n_tokens && s->n < cap; t++) {
        const kh_token *tk = &doc->tokens[t];
        for (size_t b = 0; b < tk->norm_len && !lower; b++)
            lower = kh_is_lower((unsigned char)tk->norm[b]);
        if (dropped(tk)) {
            if ((tk->flags & KH_TOK_POSSESSIVE) && s->n < cap)
                s->w[s->n].poss = 1;
            continue;
        }
        /* TABARI joins words with `_` in texts as in dictionaries:
         * "Dol_Amroth" is the words DOL AMROTH. */
        size_t from = 0;
        for (size_t b = 0; b <= tk->norm_len && s->n < cap; b++) {
            if (b < tk->norm_len && tk->norm[b] != '_')
                continue;
            if (b == from || tk->norm_len > 60000) {
                from = b + 1;
                continue;
            }
            im_word *w = &s->w[s->n++];
            w->tok = (uint32_t)t;
            w->unit = IM_NONE;
            w->agent = IM_NONE;
            if (from || b < tk->norm_len) {
                w->off = (uint16_t)from;
                w->len = (uint16_t)(b - from);
            }
            kh_status st = candidates(s, w, &id_cap);
            if (st)
                return st;
            from = b + 1;
        }
    }
    s->allcaps = !lower;
    kh_coder_trace(c, si, "imported dictionary (%s rules): %zu words",
                   petr ? "PETRARCH" : "TABARI", s->n);
    s->fwd = forwarded(c, si);
    kh_status st = code_sentence(s, pats);
    if (!st && PEER(c)->opts.forward)
        forward_remember(s);
    return st;
}

/* The reserved synset `name` (KH_SYN_NOUN, KH_SYN_ADJECTIVE), KH_NONE when
 * the dictionary has none. */
static uint32_t find_synset(const kh_dict *d, const char *name)
{
    for (size_t i = 0; i < d->n_synsets; i++)
        if (!strcmp(kh_dict_str(d, d->synsets[i].name), name))
            return (uint32_t)i;
    return KH_NONE;
}

/* Does a phrase of list `syn` start at word i (forward) or end at word i
 * (backward)? Returns the word past it in that direction (SIZE_MAX when
 * it runs off the sentence: callers check bounds), or i itself when none. */
static size_t list_phrase(const im_sent *s, size_t i, uint32_t syn, int dir)
{
    if (syn == KH_NONE || i >= s->n)
        return i;
    if (dir > 0) {
        trie_best b = {0, 0, 0};
        trie_walk(s, 0, i, 0, node_synset, syn, 0, &b);
        return b.node ? b.end : i;
    }
    for (size_t k = i + 1; k-- > 0 && i - k < IM_MAX_PHRASE;) {
        trie_best b = {0, 0, 0};
        trie_walk(s, 0, k, 0, node_synset, syn, 0, &b);
        if (b.node && b.end == i + 1)
            return k == 0 ? SIZE_MAX : k - 1;
        if (k == 0)
            break;
    }
    return i;
}

/* TABARI 7.5.1: is the conjunction at word i inside a compound noun
 * phrase <noun> <conj> <adjective>* <noun> or a compound adjective phrase
 * <adjective> <conj> <adjective>, by the dictionary's <NOUN> and
 * <ADJECTIVE> lists? Such a conjunction does not split clauses. */
static int compound_phrase_conj(const im_sent *s, size_t i)
{
    if (i == 0 || i + 1 >= s->n)
        return 0;
    int noun_before = list_phrase(s, i - 1, s->syn_noun, -1) != i - 1;
    int adj_before = list_phrase(s, i - 1, s->syn_adj, -1) != i - 1;
    size_t k = i + 1;
    if (adj_before && list_phrase(s, k, s->syn_adj, 1) != k)
        return 1;
    if (!noun_before)
        return 0;
    for (size_t j = 0; j < IM_MAX_PHRASE && k < s->n; j++) {
        size_t e = list_phrase(s, k, s->syn_adj, 1);
        if (e == k)
            break;
        k = e;
    }
    return k < s->n && list_phrase(s, k, s->syn_noun, 1) != k;
}

static kh_status code_sentence(im_sent *s, pref *pats)
{
    kh_coder *c = s->c;
    size_t si = s->si;
    const kh_doc *doc = c->doc;
    if (PEER(c)->opts.min_words && s->n < PEER(c)->opts.min_words) {
        kh_coder_trace(c, si, "  %zu words, fewer than MINIMUM WORDS %u: not coded", s->n,
                       (unsigned)PEER(c)->opts.min_words);
        return KH_OK;
    }
    if (classify(s))
        return KH_OK;
    attach_agents(s);
    find_compounds(s);
    if (s->petrarch)
        spread_agents(s);
    drop_comma_clauses(s);
    resolve_pronouns(s);
    if (PEER(c)->opts.time_shift && time_shift(s, pats)) {
        kh_coder_trace(c, si, "  <TIME> discard: sentence not coded");
        return KH_OK;
    }
    const char *why = complex_why(s, pats);
    if (why) {
        kh_coder_trace(c, si, "  complex (%s): sentence not coded", why);
        return KH_OK;
    }
    /* Clauses at conjunctions outside compounds; NOUN and (ADJ)* NOUN is
     * a compound noun phrase, not a clause break. */
    clause_state cs = {IM_NONE};
    size_t lo = 0;
    int first = 1;
    const uint8_t *upos = doc->upos;
    for (size_t i = 0; i <= s->n; i++) {
        int brk = i == s->n;
        if (!brk && s->w[i].cls == C_CONJ && !s->w[i].incomp && !s->w[i].elim) {
            brk = 1;
            if (s->syn_noun != KH_NONE || s->syn_adj != KH_NONE)
                brk = !compound_phrase_conj(s, i);
            else if (upos && i > 0 && i + 1 < s->n && s->w[i - 1].cls == C_NONE &&
                upos[s->w[i - 1].tok] == KH_UPOS_NOUN) {
                size_t k = i + 1;
                while (k < s->n && s->w[k].cls == C_NONE && upos[s->w[k].tok] == KH_UPOS_ADJ)
                    k++;
                if (k < s->n && s->w[k].cls == C_NONE && upos[s->w[k].tok] == KH_UPOS_NOUN)
                    brk = 0;
            }
            if (brk && s->petrarch && upos && i > 0 && i + 1 < s->n &&
                s->w[i - 1].cls == C_NONE && s->w[i + 1].cls == C_NONE &&
                upos[s->w[i - 1].tok] == KH_UPOS_ADV && upos[s->w[i + 1].tok] == KH_UPOS_ADV) {
                brk = 0; /* PETRARCH: "heavily and unjustly" is one adverb phrase */
                s->w[i].incomp = 1;
            }
        }
        if (!brk)
            continue;
        if (code_clause(s, lo, i, first, &cs, pats)) {
            kh_coder_trace(c, si, "  sentence not coded");
            return KH_OK;
        }
        if (s->stop)
            break;
        first = 0;
        lo = i;
    }
    /* Subordinate events only when nothing else; dominant ones alone. */
    int dominant = 0, real = 0;
    for (size_t k = 0; k < s->n_ev; k++) {
        dominant |= (s->ev[k].pflags & KH_PAT_DOMINANT) != 0;
        real |= !(s->ev[k].pflags & KH_PAT_SUBORDINATE);
    }
    for (size_t k = 0; k < s->n_ev; k++) {
        uint32_t f = s->ev[k].pflags;
        if ((dominant && !(f & KH_PAT_DOMINANT)) || (real && (f & KH_PAT_SUBORDINATE)))
            continue;
        raw_event *ev = &s->ev[k].ev;
        if (s->have_shift && ev->date.year)
            ev->date = kh_date_from_days(kh_date_to_days(ev->date) + s->shift);
        kh_coder_trace(c, si, "  EVENT %s -> %s %s (%s)", ev->source, ev->target,
                       kh_dict_str(c->dict, ev->code->code), ev->mention.pattern);
        kh_status st = kh_coder_add_event(c, ev);
        if (st)
            return st;
    }
    return KH_OK;
}

/* ---------------------------------------------------------------------- */
/* Peer options (TABARI .options syntax, manual chapter 8)                */

#define PEER_LINE_MAX 512

/* The next blank- or bracket-delimited word of an upper-cased line. */
static size_t peer_word(const char **p, const char **w)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t' || *s == '=')
        s++;
    *w = s;
    if (*s == '[') {
        while (*s && *s != ']')
            s++;
        if (*s)
            s++;
    } else {
        while (*s && *s != ' ' && *s != '\t' && *s != '=' && *s != '[')
            s++;
        if (*s == '[') { /* VERBS[5] */
            while (*s && *s != ']')
                s++;
            if (*s)
                s++;
        }
    }
    *p = s;
    return (size_t)(s - *w);
}

static int peer_is(const char *w, size_t n, const char *kw)
{
    return strlen(kw) == n && !memcmp(w, kw, n);
}

static int peer_prefix(const char *w, size_t n, const char *kw)
{
    size_t k = strlen(kw);
    return n >= k && !memcmp(w, kw, k);
}

/* The number in "NAME[n]" or of a word; 0 when none. */
static uint16_t peer_num(const char *w, size_t n)
{
    unsigned long v = 0;
    for (size_t i = 0; i < n; i++)
        if (kh_is_digit((unsigned char)w[i]))
            v = v * 10 + (unsigned long)(w[i] - '0');
        else if (v)
            break;
    return (uint16_t)(v > 65535 ? 65535 : v);
}

/* "[CODE]" into out (at most cap-1 bytes, blanks dropped). */
static int peer_code(const char *w, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    if (n < 2 || w[0] != '[')
        return 0;
    for (size_t i = 1; i < n && w[i] != ']'; i++)
        if (w[i] != ' ' && w[i] != '\t' && k + 1 < cap)
            out[k++] = w[i];
    out[k] = '\0';
    return k > 0;
}

static int peer_bool(const char *w, size_t n)
{
    return n && (w[0] == 'T' || w[0] == 'Y' || w[0] == '1' || peer_is(w, n, "ON"));
}

static kh_status peer_apply(kh_peer_opts *o, const char *line)
{
    char buf[PEER_LINE_MAX];
    size_t n = 0;
    while (*line == ' ' || *line == '\t')
        line++;
    for (; line[n] && line[n] != '\n' && line[n] != '\r' && n + 1 < sizeof buf; n++)
        buf[n] = (char)kh_to_upper((unsigned char)line[n]);
    buf[n] = '\0';
    while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '}'))
        buf[--n] = '\0';
    if (!n || (buf[0] == '/' && buf[1] == '/') || buf[0] == '~' || buf[0] == '#')
        return KH_OK;
    const char *colon = strchr(buf, ':');
    if (!colon)
        return KH_ERR_FORMAT;
    size_t cl = (size_t)(colon - buf);
    while (cl && buf[cl - 1] == ' ')
        cl--;
    const char *p = colon + 1, *w;
    size_t wl;
    kh_peer_opts t = *o;
    if (peer_is(buf, cl, "COMPLEX")) {
        t.cx_verbs = t.cx_conj = t.cx_actors = t.cx_pron = t.cx_comma = t.cx_lateverb = 0;
        t.cx_flags &= ~PEER_CX_MASK;
        while ((wl = peer_word(&p, &w)) != 0) {
            if (peer_prefix(w, wl, "VERBS"))
                t.cx_verbs = peer_num(w, wl);
            else if (peer_prefix(w, wl, "CONJ"))
                t.cx_conj = peer_num(w, wl);
            else if (peer_prefix(w, wl, "ACTORS"))
                t.cx_actors = peer_num(w, wl);
            else if (peer_prefix(w, wl, "PRONOUNS"))
                t.cx_pron = peer_num(w, wl);
            else if (peer_prefix(w, wl, "COMMA"))
                t.cx_comma = peer_num(w, wl);
            else if (peer_prefix(w, wl, "LATEVERB"))
                t.cx_lateverb = peer_num(w, wl);
            else if (peer_is(w, wl, "NOACTPRIOR"))
                t.cx_flags |= PEER_CX_NOACTPRIOR;
            else if (peer_is(w, wl, "NOACTAFTER"))
                t.cx_flags |= PEER_CX_NOACTAFTER;
            else if (peer_is(w, wl, "NOVERB"))
                t.cx_flags |= PEER_CX_NOVERB;
            else if (peer_is(w, wl, "NOSOURCE"))
                t.cx_flags |= PEER_CX_NOSOURCE;
            else if (peer_is(w, wl, "NOTARGET"))
                t.cx_flags |= PEER_CX_NOTARGET;
            else if (peer_is(w, wl, "NOEVENT"))
                t.cx_flags |= PEER_CX_NOEVENT;
            else if (!peer_is(w, wl, "EXPLAIN") && !peer_is(w, wl, "NOSAVE"))
                return KH_ERR_FORMAT;
        }
    } else if (peer_is(buf, cl, "SET")) {
        /* "NAME WORDS = VALUE" or "CODE BY SENTENCE" */
        const char *eq = strchr(p, '=');
        char name[64];
        size_t k = 0;
        const char *end = eq ? eq : p + strlen(p);
        for (const char *q = p; q < end; q++) { /* the name, blanks collapsed */
            if (*q == ' ' || *q == '\t') {
                if (k && name[k - 1] != ' ' && k + 1 < sizeof name)
                    name[k++] = ' ';
            } else if (k + 1 < sizeof name) {
                name[k++] = *q;
            }
        }
        while (k && name[k - 1] == ' ')
            k--;
        name[k] = '\0';
        const char *v = eq ? eq + 1 : "";
        while (*v == ' ' || *v == '\t')
            v++;
        size_t vl = strlen(v);
        while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
            vl--;
        if (!strcmp(name, "CODE BY CLAUSE"))
            t.code_by = PEER_BY_CLAUSE;
        else if (!strcmp(name, "CODE BY SENTENCE"))
            t.code_by = PEER_BY_SENTENCE;
        else if (!strcmp(name, "CODE ALL") || !strcmp(name, "CODE BY ALL"))
            t.code_by = PEER_CODE_ALL;
        else if (!strcmp(name, "MINIMUM WORDS"))
            t.min_words = peer_num(v, vl);
        else if (!strncmp(name, "CONVERT AGENT", 13))
            t.convert_agents = (uint8_t)peer_bool(v, vl);
        else if (!strncmp(name, "TIME SHIFT", 10))
            t.time_shift = (uint8_t)peer_bool(v, vl);
        else if (!strcmp(name, "REQUIRE DYAD"))
            t.cx_flags = peer_bool(v, vl) ? t.cx_flags & ~PEER_NO_DYAD : t.cx_flags | PEER_NO_DYAD;
        else if (!eq)
            return KH_ERR_FORMAT;
        /* other switches (LABEL, YYYY, FBIS, usage files...) do not change coding here */
    } else if (peer_is(buf, cl, "DEFAULT")) {
        int side = 0; /* 1 source, 2 target */
        while ((wl = peer_word(&p, &w)) != 0) {
            if (peer_is(w, wl, "OFF")) {
                t.def_src[0] = t.def_tgt[0] = '\0';
                t.def_prior = t.def_after = 0;
            } else if (peer_is(w, wl, "SOURCE")) {
                side = 1;
            } else if (peer_is(w, wl, "TARGET")) {
                side = 2;
            } else if (peer_is(w, wl, "PRIOR")) {
                t.def_prior = 1;
            } else if (peer_is(w, wl, "AFTER")) {
                t.def_after = 1;
            } else if (w[0] == '[' && side) {
                char *dst = side == 1 ? t.def_src : t.def_tgt;
                if (!peer_code(w, wl, dst, sizeof t.def_src))
                    return KH_ERR_FORMAT;
            } else {
                return KH_ERR_FORMAT;
            }
        }
    } else if (peer_is(buf, cl, "FORWARD")) {
        t.forward = 1;
        t.fwd_fmt[0] = '\0';
        while ((wl = peer_word(&p, &w)) != 0) {
            if (peer_is(w, wl, "OFF"))
                t.forward = 0;
            else if (peer_is(w, wl, "DOC"))
                continue;
            else if (!t.fwd_fmt[0] && wl < sizeof t.fwd_fmt)
                snprintf(t.fwd_fmt, sizeof t.fwd_fmt, "%.*s", (int)wl, w);
            else
                return KH_ERR_FORMAT;
        }
        if (!t.fwd_fmt[0])
            t.forward = 0;
    } else if (peer_is(buf, cl, "COMMA")) {
        static const char *const keys[6] = {"MIN", "MAX", "EMIN", "EMAX", "BMIN", "BMAX"};
        t.comma_off = 0;
        while ((wl = peer_word(&p, &w)) != 0) {
            if (peer_is(w, wl, "OFF")) {
                t.comma_off = 1;
                continue;
            }
            size_t k = 0;
            while (k < 6 && !peer_is(w, wl, keys[k]))
                k++;
            if (k == 6)
                return KH_ERR_FORMAT;
            wl = peer_word(&p, &w);
            if (!wl || !kh_is_digit((unsigned char)w[0]))
                return KH_ERR_FORMAT;
            t.comma[k] = peer_num(w, wl);
        }
    } else if (!peer_is(buf, cl, "LABEL") && !peer_is(buf, cl, "OUTPUT") &&
               !peer_is(buf, cl, "NONEVENTS") && !peer_is(buf, cl, "ISSUES") &&
               !peer_is(buf, cl, "MATCH")) {
        return KH_ERR_FORMAT;
    }
    *o = t;
    return KH_OK;
}

static kh_status peer_option(kh_coder *c, void *state, const char *line)
{
    (void)c;
    return peer_apply(&((peer_state *)state)->opts, line);
}

static void peer_free(kh_coder *c, void *state) { kh_free(c->opt.alloc, state); }

static kh_status peer_init(kh_coder *c, const char *text, void **state)
{
    peer_state *ps = (peer_state *)kh_calloc(c->opt.alloc, 1, sizeof *ps);
    if (!ps)
        return KH_ERR_NOMEM;
    *state = ps;
    kh_peer_opts *o = &ps->opts;
    ps->fwd.sent = -1;
    int petr = 0;
    for (size_t i = 0; i < c->dict->n_patterns; i++)
        if (c->dict->patterns[i].flags & (KH_PAT_TABARI | KH_PAT_PETRARCH)) {
            petr = (c->dict->patterns[i].flags & KH_PAT_PETRARCH) != 0;
            break;
        }
    o->time_shift = 1;
    o->min_words = petr ? 0 : 8; /* TABARI 8.2.3 */
    /* COMMA defaults (TABARI 8.6): the initial phrase is never dropped. */
    o->comma[0] = 2, o->comma[1] = 10, o->comma[2] = 2, o->comma[3] = 10;
    o->comma[4] = 128, o->comma[5] = 0;
    if (petr) {
        /* PETRARCH's config.ini: comma_min/max 2..8, comma_emin/emax 2..8,
         * comma_bmin/bmax 0 (never); require_dyad on. */
        o->comma[1] = o->comma[3] = 8;
        o->comma[4] = 0;
    }
    /* Lines not understood are skipped: an .options file may hold
     * commands of other TABARI versions; kh_coder_set_peer_option reports. */
    while (text && *text) {
        const char *eol = strchr(text, '\n');
        size_t len = eol ? (size_t)(eol - text) : strlen(text);
        char line[PEER_LINE_MAX];
        snprintf(line, sizeof line, "%.*s", (int)(len < PEER_LINE_MAX ? len : PEER_LINE_MAX - 1),
                 text);
        if (line[0] == '~')
            break;
        (void)peer_apply(o, line);
        text = eol ? eol + 1 : text + len;
    }
    return KH_OK;
}

const kh_sentence_coder kh_peer_coder = {"peer", peer_init, peer_free, peer_option, peer_sentence};
