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
#include "events/stats.h"
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

const char *kh_coder_text(kh_coder *c, size_t first, size_t end)
{
    /* The source bytes of tokens [first, end), for names and traces. */
    const kh_token *t = c->doc->tokens;
    if (first >= end)
        return "";
    size_t off = t[first].off, stop = t[end - 1].off + t[end - 1].len;
    size_t len = stop > off ? stop - off : 0;
    char *s = kh_arena_strndup(&c->arena, c->story->text + off, len);
    if (!s)
        return "";
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
            s[i] = ' ';
    return s;
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
    c->opt.peer_options = NULL; /* read by the sentence coder's init, not kept */
    kh_arena_init(&c->arena, c->opt.alloc, 0);
    kh_status st = kh_scratch_new(c->opt.alloc, &c->opt.limits, &c->scratch);
    if (!st)
        st = c->sc->init(c, options->peer_options, &c->sc_state);
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

void kh_coder_stats_get(const kh_coder *c, kh_coder_stats *out)
{
    if (!out)
        return;
    if (c)
        *out = c->stats;
    else
        memset(out, 0, sizeof *out);
}

/* ---------------------------------------------------------------------- */
/* Phrase matching                                                        */

static int node_has(const kh_dict *d, uint32_t node, uint32_t kind)
{
    const kh_trie_node *n = &d->nodes[node];
    for (uint32_t k = 0; k < n->n_payloads; k++)
        if (d->payloads[n->first_payload + k].kind == kind)
            return 1;
    return 0;
}

/* Names of actors, countries and places must look like names in the text:
 * some token capitalised, and a one-word lower-case form ("us") never. */
static int looks_like_name(kh_coder *c, size_t first, size_t end)
{
    const kh_token *t = c->doc->tokens;
    int cap = 0;
    for (size_t i = first; i < end; i++)
        if (t[i].flags & (KH_TOK_CAP | KH_TOK_UPPER))
            cap = 1;
    if (!cap)
        return 0;
    /* A one-word name written in capitals elsewhere than a headline must be
     * capitalised itself ("US", not "us"). */
    return 1;
}

static int node_acceptable(kh_coder *c, uint32_t node, size_t first, size_t end)
{
    const kh_dict *d = c->dict;
    const kh_trie_node *n = &d->nodes[node];
    if (!n->n_payloads)
        return 0;
    if (node_has(d, node, KH_P_AGENT) || node_has(d, node, KH_P_SYNSET))
        return 1;
    return looks_like_name(c, first, end);
}

static void find_phrases(kh_coder *c)
{
    const kh_doc *doc = c->doc;
    for (size_t si = 0; si < doc->n_sentences; si++) {
        const kh_sentence *se = &doc->sentences[si];
        size_t s = se->first_token, e = s + se->n_tokens;
        for (size_t i = s; i < e; i++) {
            uint32_t node = 0, best = 0;
            size_t best_len = 0;
            for (size_t j = i; j < e && j - i < 24; j++) {
                node = kh_dict_child(c->dict, node, c->form[j]);
                if (!node)
                    break;
                if (c->dict->nodes[node].n_payloads && node_acceptable(c, node, i, j + 1)) {
                    best = node;
                    best_len = j + 1 - i;
                }
            }
            c->mnode[i] = best;
            c->mlen[i] = (uint16_t)best_len;
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Actors                                                                 */

static int is_country_code(const char *code) { return code && strlen(code) == 3; }

static int code_is_international(const char *code)
{
    return code && (!strncmp(code, "IGO", 3) || !strncmp(code, "NGO", 3) || !strncmp(code, "IMG", 3) ||
                    !strncmp(code, "NGM", 3) || !strncmp(code, "MNC", 3));
}

/* Joins a country (or actor) code and an agent code, without repeating a
 * role the code already ends with ("IRNGOV" + "GOV"). */
static const char *join_codes(kh_coder *c, const char *base, const char *agent)
{
    size_t bl = strlen(base), al = strlen(agent);
    if (bl >= al && !strcmp(base + bl - al, agent))
        return base;
    if (bl + al > 30)
        return base;
    char *s = (char *)kh_arena_alloc(&c->arena, bl + al + 1);
    if (!s)
        return base;
    memcpy(s, base, bl);
    memcpy(s + bl, agent, al + 1);
    return s;
}

typedef struct np_parts {
    const kh_actor_rec *named;
    const kh_role *role;
    uint32_t named_first, named_end;
    const kh_country_rec *country;
    const kh_agent_rec *agent;
    const kh_actor_rec *org;     /* an organisation or bloc named in the phrase */
    const kh_role *org_role;
    uint32_t first, end;
    uint32_t covered_end;        /* one past the last token some actor-ish phrase covers */
    int demonym;                 /* the country came from a demonym ("Russian") */
} np_parts;

/* A person, not an organisation: some office of theirs has dates. */
static int actor_is_person(const kh_dict *d, const kh_actor_rec *a)
{
    for (uint32_t k = 0; k < a->n_roles; k++) {
        const kh_role *r = &d->roles[a->first_role + k];
        if (r->from != KH_DAYS_MIN || r->to != KH_DAYS_MAX)
            return 1;
    }
    return 0;
}

/* Scans tokens [first, end) for phrases and fills what the NP says. The
 * first-found country and agent closest to the head win. */
static void scan_parts(kh_coder *c, size_t first, size_t end, np_parts *p)
{
    const kh_dict *d = c->dict;
    for (size_t i = first; i < end;) {
        uint32_t node = c->mnode[i];
        size_t len = c->mlen[i];
        if (!node) {
            i++;
            continue;
        }
        /* A name may run past the chunk ("The International Court | of
         * Justice"): it starts here, so it is this phrase's. */
        const kh_trie_node *n = &d->nodes[node];
        for (uint32_t k = 0; k < n->n_payloads; k++) {
            uint32_t kind = d->payloads[n->first_payload + k].kind;
            if (kind != KH_P_PLACE && kind != KH_P_SYNSET && i + len > p->covered_end)
                p->covered_end = (uint32_t)(i + len);
        }
        for (uint32_t k = 0; k < n->n_payloads; k++) {
            const kh_payload *pl = &d->payloads[n->first_payload + k];
            switch (pl->kind) {
            case KH_P_ACTOR: {
                const kh_actor_rec *a = &d->actors[pl->ref];
                const kh_role *r = kh_dict_actor_role(d, a, c->days);
                if (!r)
                    break;
                /* The later name wins when it is a person or the earlier one
                 * an organisation: "IAEA Director General Rafael Grossi". */
                if (!p->named || actor_is_person(d, a) ||
                    code_is_international(kh_dict_str(d, p->role->code))) {
                    if (p->named && !p->org && code_is_international(kh_dict_str(d, p->role->code)))
                        p->org = p->named, p->org_role = p->role;
                    p->named = a;
                    p->role = r;
                    p->named_first = (uint32_t)i;
                    p->named_end = (uint32_t)(i + len);
                }
                break;
            }
            case KH_P_COUNTRY:
            case KH_P_DEMONYM:
            case KH_P_CAPITAL:
                if (!p->country) {
                    p->country = &d->countries[pl->ref];
                    /* A capital as a modifier ("the Paris accord") names an
                     * event, not a party; a country name or demonym does. */
                    p->demonym = pl->kind != KH_P_CAPITAL;
                }
                break;
            case KH_P_AGENT:
                p->agent = &d->agents[pl->ref]; /* the last (closest to the head) wins */
                break;
            default:
                break;
            }
        }
        i += len ? len : 1;
    }
}

/* Titles that name an office outright ("Iranian President X"): they may
 * override a dated role the dictionary gives X on the story's date. */
static int strong_title(const kh_dict *d, const kh_agent_rec *agent)
{
    static const char *const titles[] = {
        "president", "prime minister", "premier", "chancellor", "king", "queen", "emir",
        "sultan", "supreme leader", "president-elect", "foreign minister", "defence minister",
        "defense minister", "head of state", "crown prince", NULL};
    const char *name = kh_dict_str(d, agent->name);
    for (size_t i = 0; titles[i]; i++)
        if (!strcasecmp(name, titles[i]))
            return 1;
    return 0;
}

/* Resolves one NP chunk (with its "of"/"from" phrases and apposition) to an
 * actor. Returns 1 when it resolved. */
/* Heads that count or group ("dozens of protesters", "a group of
 * soldiers"): the phrase is about what follows "of". */
static int partitive_head(kh_coder *c, const kh_chunk *np)
{
    static const char *const heads[] = {"dozens", "hundreds", "thousands", "millions", "scores",
                                        "number", "group", "groups", "members", "member", "couple",
                                        "handful", "lot", "lots", "team", "unit", "units", "some",
                                        "many", "several", "most", "all", "rest", "majority",
                                        "dozen", "hundred", "thousand", "contingent", "batch", NULL};
    const kh_token *t = &c->doc->tokens[np->head];
    for (size_t i = 0; heads[i]; i++)
        if (t->norm_len == strlen(heads[i]) && kh_eq_nocase(t->norm, t->norm_len, heads[i], t->norm_len))
            return 1;
    return 0;
}

static int resolve_np1(kh_coder *c, int32_t ci, int as_target, actor *out)
{
    const kh_doc *doc = c->doc;
    const kh_dict *d = c->dict;
    const kh_chunk *np = &doc->chunks[ci];
    np_parts p;
    memset(&p, 0, sizeof p);
    scan_parts(c, np->first, np->end, &p);
    /* The phrase must be about an actor: its head a name, a demonym or a
     * role word. "Taiwan's trade surplus", "the Paris accord", "West German
     * moves" name no actor, whatever the words before the head. */
    /* A proper-noun head nobody knows, with only a demonym or place before
     * it, is an organisation's own name ("American Express", "American
     * Motors"), not that country; with a role word it is a person ("Iranian
     * diplomat Ali Bagheri"). */
    if (doc->upos[np->head] == KH_UPOS_PROPN && p.covered_end <= np->head && !p.agent &&
        !p.named && p.country && (np->flags & KH_NP_POSSESSOR) == 0)
        return 0;
    if (doc->upos[np->head] == KH_UPOS_NOUN && p.covered_end <= np->head &&
        !partitive_head(c, np)) {
        int covered = 0;
        for (size_t t = np->first; t <= np->head && !covered; t++)
            if (c->mnode[t] && t + c->mlen[t] > np->head) {
                const kh_trie_node *n = &d->nodes[c->mnode[t]];
                for (uint32_t k = 0; k < n->n_payloads; k++)
                    if (d->payloads[n->first_payload + k].kind != KH_P_PLACE &&
                        d->payloads[n->first_payload + k].kind != KH_P_SYNSET)
                        covered = 1;
            }
        /* A target may be what an actor owns or does ("condemned the Russian
         * invasion", "Iran's nuclear programme"): the demonym or possessor
         * names it. A capital or country used as a plain modifier ("the
         * Paris accord") does not. */
        if (!covered && !(as_target && (p.demonym || (np->flags & KH_NP_POSSESSOR)) && p.country) &&
            !(as_target && (p.org || (p.named && !actor_is_person(d, p.named)))))
            return 0;
    }
    /* "minister of X", "delegation from X": the PPs attached to this NP. */
    for (size_t k = (size_t)ci + 1; k < doc->n_chunks && k < (size_t)ci + 8; k++) {
        const kh_chunk *ch = &doc->chunks[k];
        if (ch->kind == KH_CHUNK_VG)
            break;
        if (ch->kind == KH_CHUNK_PP && ch->attach == ci) {
            np_parts q;
            memset(&q, 0, sizeof q);
            scan_parts(c, ch->first + 1, ch->end, &q);
            if (!p.country && q.country)
                p.country = q.country;
            if (!p.named && !p.country && q.named)
                p.org = p.org ? p.org : q.named, p.org_role = p.org_role ? p.org_role : q.role;
            if (!p.org && q.org)
                p.org = q.org, p.org_role = q.org_role;
            /* "minister of external economic relations": an agent phrase
             * running into the PP. */
            if (!p.agent && q.agent)
                p.agent = q.agent;
        }
    }
    /* The apposition of a name: "Yun Jung Ho, North Korea's minister ...". */
    if (!p.named && (np->flags & KH_NP_APPOSITION)) {
        for (size_t k = (size_t)ci + 1; k < doc->n_chunks && k < (size_t)ci + 3; k++)
            if (doc->chunks[k].kind == KH_CHUNK_NP && doc->chunks[k].attach == ci) {
                actor ap;
                if (resolve_np1(c, (int32_t)k, 0, &ap)) {
                    *out = ap;
                    out->first = np->first;
                    out->end = np->end;
                    out->name = kh_coder_text(c, np->first, np->end);
                    out->person = 1;
                    return 1;
                }
            }
    }
    memset(out, 0, sizeof *out);
    out->first = np->first;
    out->end = np->end;
    if (p.named) {
        const char *code = kh_dict_str(d, p.role->code);
        /* An explicit title of the same country beats a dated role that
         * says otherwise ("Iranian President X" while X's office starts
         * later in the dictionary). */
        if (p.country && p.agent && p.agent->code != KH_NONE && strong_title(d, p.agent) &&
            !strncmp(code, kh_dict_str(d, p.country->code), 3) && strlen(code) >= 3)
            code = join_codes(c, kh_dict_str(d, p.country->code), kh_dict_str(d, p.agent->code));
        out->code = code;
        out->name = kh_dict_str(d, p.named->name);
        out->person = (uint8_t)actor_is_person(d, p.named);
        out->country = (uint8_t)is_country_code(code);
        return 1;
    }
    if (p.org) {
        out->code = kh_dict_str(d, p.org_role->code);
        out->name = kh_dict_str(d, p.org->name);
        return 1;
    }
    if (p.country) {
        const char *cc = kh_dict_str(d, p.country->code);
        out->code = p.agent && p.agent->code != KH_NONE ? join_codes(c, cc, kh_dict_str(d, p.agent->code)) : cc;
        out->name = p.country->name ? kh_dict_str(d, p.country->name) : cc;
        if (p.agent && p.agent->code != KH_NONE)
            out->name = kh_coder_text(c, np->first, np->end);
        out->country = 1;
        return 1;
    }
    if (p.agent && p.agent->code != KH_NONE) {
        out->code = kh_dict_str(d, p.agent->code);
        out->name = kh_coder_text(c, np->first, np->end);
        return 1;
    }
    return 0;
}

static int lower_is(kh_coder *c, size_t i, const char *w)
{
    const kh_token *t = &c->doc->tokens[i];
    size_t n = strlen(w);
    return t->norm_len == n && kh_eq_nocase(t->norm, n, w, n);
}

/* Pronouns and definite descriptions, from the story so far. */
static int resolve_reference(kh_coder *c, const kh_chunk *np, int32_t reporter_np, actor *outs,
                             size_t *n)
{
    size_t f = np->first, e = np->end;
    *n = 0;
    if (np->flags & KH_NP_PRONOUN) {
        if (lower_is(c, f, "he") || lower_is(c, f, "she") || lower_is(c, f, "him") ||
            lower_is(c, f, "her")) {
            /* "X announced he intends to ...": he is X when X is a person. */
            actor rep;
            if (reporter_np >= 0 && !(c->doc->chunks[reporter_np].flags & KH_NP_PRONOUN) &&
                resolve_np1(c, reporter_np, 0, &rep) && rep.person)
                outs[(*n)++] = rep;
            else if (c->last_person.code)
                outs[(*n)++] = c->last_person;
        } else if (lower_is(c, f, "it")) {
            if (c->last_org.code)
                outs[(*n)++] = c->last_org;
            else if (c->last_country.code)
                outs[(*n)++] = c->last_country;
        } else if (lower_is(c, f, "they") || lower_is(c, f, "them")) {
            if (c->have_pair) {
                outs[(*n)++] = c->pair[0];
                outs[(*n)++] = c->pair[1];
            }
        } else if ((lower_is(c, f, "i") || lower_is(c, f, "we")) && reporter_np >= 0) {
            actor a;
            if (resolve_np1(c, reporter_np, 0, &a))
                outs[(*n)++] = a;
            else if (c->doc->chunks[reporter_np].flags & KH_NP_PRONOUN && c->last_person.code)
                outs[(*n)++] = c->last_person;
        }
    } else if (e - f >= 2 && lower_is(c, f, "the")) {
        /* "the two countries", "both countries", "the country", "the North". */
        if ((lower_is(c, f + 1, "two") || lower_is(c, f + 1, "both")) && c->have_pair) {
            outs[(*n)++] = c->pair[0];
            outs[(*n)++] = c->pair[1];
        } else if (e - f == 2 && (lower_is(c, f + 1, "country") || lower_is(c, f + 1, "government")) &&
                   c->last_country.code) {
            outs[(*n)++] = c->last_country;
        } else if (e - f == 2 && (lower_is(c, f + 1, "north") || lower_is(c, f + 1, "south")) &&
                   c->last_country.code) {
            /* The last country whose name begins with that word. */
            const char *want = lower_is(c, f + 1, "north") ? "North" : "South";
            const actor *cands[3] = {&c->last_country, &c->pair[0], &c->pair[1]};
            for (size_t k = 0; k < 3; k++)
                if (cands[k]->code && cands[k]->name && !strncmp(cands[k]->name, want, 5)) {
                    outs[(*n)++] = *cands[k];
                    break;
                }
        }
    } else if (e - f == 1 && lower_is(c, f, "both") && c->have_pair) {
        outs[(*n)++] = c->pair[0];
        outs[(*n)++] = c->pair[1];
    }
    for (size_t k = 0; k < *n; k++) {
        outs[k].first = (uint32_t)f;
        outs[k].end = (uint32_t)e;
    }
    return *n > 0;
}

static void remember(kh_coder *c, const actor *a)
{
    c->last_actor = *a;
    if (a->person) {
        c->last_person = *a;
        int known = 0;
        for (size_t i = 0; i < c->n_people; i++)
            if (c->people[i].name == a->name)
                known = 1;
        if (!known && c->n_people < KH_ARRAY_LEN(c->people))
            c->people[c->n_people++] = *a;
    }
    if (code_is_international(a->code))
        c->last_org = *a;
    else if (a->code && strlen(a->code) >= 3) {
        actor cty = *a;
        /* Remember the state behind a government actor too. */
        if (a->country || is_country_code(a->code))
            c->last_country = cty;
    }
}

/* A proper name that is part of a person's name met earlier in the story:
 * "Kim" after "North Korean leader Kim Jong Un". Every proper-noun token of
 * the NP must occur in that person's dictionary name. */
static int resolve_part_name(kh_coder *c, const kh_chunk *np, actor *out)
{
    const kh_doc *doc = c->doc;
    size_t n_prop = 0;
    for (size_t t = np->first; t < np->end; t++)
        if (doc->upos[t] == KH_UPOS_PROPN)
            n_prop++;
    if (!n_prop || doc->upos[np->head] != KH_UPOS_PROPN)
        return 0;
    for (size_t i = c->n_people; i-- > 0;) {
        const char *name = c->people[i].name;
        size_t hits = 0;
        for (size_t t = np->first; t < np->end; t++) {
            if (doc->upos[t] != KH_UPOS_PROPN)
                continue;
            const kh_token *tk = &doc->tokens[t];
            /* Whole-word occurrence in the name. */
            for (const char *p = name; *p; p++) {
                if ((p == name || p[-1] == ' ') && !strncasecmp(p, tk->norm, tk->norm_len) &&
                    (p[tk->norm_len] == ' ' || p[tk->norm_len] == '\0')) {
                    hits++;
                    break;
                }
            }
        }
        if (hits == n_prop) {
            *out = c->people[i];
            out->first = np->first;
            out->end = np->end;
            return 1;
        }
    }
    return 0;
}

static size_t resolve_np_as(kh_coder *c, int32_t ci, int32_t reporter_np, int as_target,
                            actor *outs);

/* All actors of an NP: itself, its coordinated members, or a reference. */
size_t kh_coder_resolve_np(kh_coder *c, int32_t ci, int32_t reporter_np, actor *outs)
{
    return resolve_np_as(c, ci, reporter_np, 0, outs);
}

/* The same for a target, which may also be what an actor owns or does. */
static size_t resolve_target(kh_coder *c, int32_t ci, int32_t reporter_np, actor *outs)
{
    return resolve_np_as(c, ci, reporter_np, 1, outs);
}

static size_t resolve_np_as(kh_coder *c, int32_t ci, int32_t reporter_np, int as_target,
                            actor *outs)
{
    if (ci < 0)
        return 0;
    size_t n = 0;
    const kh_chunk *np = &c->doc->chunks[ci];
    if (resolve_reference(c, np, reporter_np, outs, &n))
        return n;
    for (int32_t k = ci; k >= 0 && n < MAX_ACTORS; k = c->doc->chunks[k].member) {
        actor a;
        if (resolve_np1(c, k, as_target, &a) || resolve_part_name(c, &c->doc->chunks[k], &a))
            outs[n++] = a;
        if (!(c->doc->chunks[k].flags & KH_NP_COORD))
            break;
    }
    return n;
}

/* Remembers the actors of every NP of a sentence, for later references. */
/* The first chunk whose first token is at or after `tok`: chunks are in token
 * order, so a binary search; the scans below start there instead of at chunk
 * 0, which made coding quadratic in the sentences of a story. */
static size_t chunk_from(const kh_doc *doc, size_t tok)
{
    size_t lo = 0, hi = doc->n_chunks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (doc->chunks[mid].first < tok)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void remember_sentence(kh_coder *c, size_t si)
{
    const kh_doc *doc = c->doc;
    for (size_t k = chunk_from(doc, doc->sentences[si].first_token); k < doc->n_chunks; k++) {
        const kh_chunk *np = &doc->chunks[k];
        if (np->sentence != si || np->kind != KH_CHUNK_NP || (np->flags & KH_NP_PRONOUN))
            continue;
        actor outs[MAX_ACTORS];
        size_t n = 0;
        if (np->flags & KH_NP_COORD) {
            n = kh_coder_resolve_np(c, (int32_t)k, -1, outs);
            if (n >= 2) {
                c->pair[0] = outs[0];
                c->pair[1] = outs[1];
                c->have_pair = 1;
            }
        } else if (!(k > 0 && doc->chunks[k - 1].member == (int32_t)k)) {
            actor a;
            if (resolve_np1(c, (int32_t)k, 0, &a))
                outs[n++] = a;
        }
        for (size_t i = 0; i < n; i++)
            remember(c, &outs[i]);
    }
}

/* ---------------------------------------------------------------------- */
/* Patterns                                                               */

static int skippable(kh_coder *c, size_t i)
{
    kh_upos u = (kh_upos)c->doc->upos[i];
    /* Infinitival "to" is never written in patterns ("refuse meet $T"). */
    if (u == KH_UPOS_PART && lower_is(c, i, "to"))
        return 1;
    return u == KH_UPOS_DET || u == KH_UPOS_ADJ || u == KH_UPOS_ADV || u == KH_UPOS_NUM ||
           u == KH_UPOS_PRON || u == KH_UPOS_AUX || (c->doc->tokens[i].flags & KH_TOK_POSSESSIVE);
}

static int word_at(kh_coder *c, size_t i, uint32_t w)
{
    return c->form[i] == w || c->lemw[i] == w;
}

static int synset_at(kh_coder *c, size_t i, size_t end, uint32_t ref, size_t *len)
{
    /* Longest synset member starting at i. */
    uint32_t node = 0;
    *len = 0;
    for (size_t j = i; j < end && j - i < 8; j++) {
        uint32_t nd = kh_dict_child(c->dict, node, c->form[j]);
        if (!nd)
            nd = kh_dict_child(c->dict, node, c->lemw[j]);
        if (!nd)
            break;
        node = nd;
        const kh_trie_node *n = &c->dict->nodes[node];
        for (uint32_t k = 0; k < n->n_payloads; k++) {
            const kh_payload *p = &c->dict->payloads[n->first_payload + k];
            if (p->kind == KH_P_SYNSET && p->ref == ref)
                *len = j + 1 - i;
        }
    }
    return *len > 0;
}

static int elem_at(kh_coder *c, const kh_elem *el, size_t i, size_t end, size_t *len)
{
    *len = 1;
    switch (el->kind) {
    case KH_E_WORD:
        return word_at(c, i, el->ref);
    case KH_E_ALT:
        for (uint32_t k = 0; k < el->aux; k++)
            if (word_at(c, i, c->dict->alts[el->ref + k]))
                return 1;
        return 0;
    case KH_E_SYNSET:
        return synset_at(c, i, end, el->ref, len);
    default:
        return 0;
    }
}

/* The NP chunk starting at or after token i (before `end`), or -1. */
static int32_t np_at_or_after(kh_coder *c, size_t i, size_t end, size_t max_skip)
{
    const kh_doc *doc = c->doc;
    for (size_t k = chunk_from(doc, i); k < doc->n_chunks; k++) {
        const kh_chunk *ch = &doc->chunks[k];
        if (ch->kind != KH_CHUNK_NP || ch->first < i)
            continue;
        if (ch->first >= end || ch->first - i > max_skip)
            return -1;
        return (int32_t)k;
    }
    return -1;
}

typedef struct pmatch {
    const kh_pattern *pat;
    int32_t target_np;   /* -1 when the pattern has no target or it was unbound */
    int32_t source_np;
    uint32_t last;       /* last token the pattern used */
    size_t score;
} pmatch;

/* Tries one pattern on a clause. `passive`: the target slot is the clause's
 * subject, so $T is skipped after the verb. */
static int try_pattern(kh_coder *c, const kh_pattern *p, const kh_clause *cl, const kh_chunk *vg,
                       size_t verb_tok, int passive, pmatch *m)
{
    const kh_elem *els = c->dict->elems + p->first_elem;
    /* Pattern words may run past the clause into the complement it governs
     * ("urged Israel to release the prisoners", "accused India of violating
     * the ceasefire"), never past the sentence. */
    size_t end = c->doc->sentences[cl->sentence].first_token + c->doc->sentences[cl->sentence].n_tokens;
    m->pat = p;
    m->target_np = -1;
    m->source_np = -1;
    m->last = (uint32_t)verb_tok;
    m->score = p->n_elems;
    size_t cur = verb_tok + 1;
    /* After the verb. */
    for (uint16_t k = (uint16_t)(p->verb_pos + 1); k < p->n_elems; k++) {
        const kh_elem *el = &els[k];
        if (el->kind == KH_E_TARGET || el->kind == KH_E_SOURCE) {
            if (passive && el->kind == KH_E_TARGET)
                continue;
            int32_t np = np_at_or_after(c, cur, end, 4);
            if (np < 0)
                return 0;
            /* Only adverbs and punctuation-free modifiers may stand between:
             * "occupied by Egypt" has no object, "Egypt" is the agent. */
            for (size_t t = cur; t < c->doc->chunks[np].first; t++)
                if (c->doc->upos[t] != KH_UPOS_ADV && c->doc->upos[t] != KH_UPOS_PART &&
                    c->doc->upos[t] != KH_UPOS_DET)
                    return 0;
            if (el->kind == KH_E_TARGET)
                m->target_np = np;
            else
                m->source_np = np;
            /* Skip the NP and its coordinated members. */
            int32_t last = np;
            while (c->doc->chunks[last].member >= 0)
                last = c->doc->chunks[last].member;
            cur = c->doc->chunks[last].end;
            m->last = (uint32_t)(cur - 1);
            continue;
        }
        size_t found = SIZE_MAX, len = 1;
        for (size_t i = cur; i < end && i < cur + PATTERN_GAP; i++) {
            if (elem_at(c, el, i, end, &len)) {
                found = i;
                break;
            }
            /* Modifiers, and nouns or names modifying a noun ("a mutual
             * defence pact", "the Arab League summit"). */
            if (!skippable(c, i) &&
                !((c->doc->upos[i] == KH_UPOS_NOUN || c->doc->upos[i] == KH_UPOS_PROPN) &&
                  i + 1 < end &&
                  (c->doc->upos[i + 1] == KH_UPOS_NOUN || c->doc->upos[i + 1] == KH_UPOS_PROPN)))
                break;
        }
        if (found == SIZE_MAX)
            return 0;
        cur = found + len;
        m->last = (uint32_t)(cur - 1);
    }
    /* Before the verb (imported dictionaries): backwards from the group. */
    size_t back = vg->aux_first;
    size_t start = c->doc->sentences[cl->sentence].first_token;
    for (size_t k = p->verb_pos; k-- > 0;) {
        const kh_elem *el = &els[k];
        if (el->kind == KH_E_TARGET || el->kind == KH_E_SOURCE)
            continue; /* the subject fills a slot before the verb */
        size_t found = SIZE_MAX, len = 1;
        for (size_t i = back; i-- > start && back - i <= PATTERN_GAP;) {
            if (elem_at(c, el, i, back, &len)) {
                found = i;
                break;
            }
        }
        if (found == SIZE_MAX)
            return 0;
        back = found;
    }
    return 1;
}

/* ---------------------------------------------------------------------- */
/* Modality: intent and refusal versions of a code (CAMEO 03x and 12x)     */

static const kh_code_rec *code_named(kh_coder *c, const char *code)
{
    return kh_dict_code(c->dict, code, strlen(code));
}

static const kh_code_rec *intent_code(kh_coder *c, const kh_code_rec *rec)
{
    const char *code = kh_dict_str(c->dict, rec->code);
    int root = (code[0] - '0') * 10 + (code[1] - '0');
    const char *to = NULL;
    switch (root) {
    case 3: case 1: case 2: case 9: case 10: case 11: case 12: case 13:
        return rec; /* already verbal: "wants to criticise" is criticism */
    case 4: to = "036"; break;
    case 5: to = "032"; break;
    case 6: to = "031"; break;
    case 7: to = "033"; break;
    case 8: to = !strncmp(code, "081", 3) || !strncmp(code, "083", 3) ? "034" : "035"; break;
    case 14: to = "130"; break;
    case 15: case 16: case 17: to = "130"; break;
    case 18: case 19: case 20: to = "138"; break;
    default: return rec;
    }
    const kh_code_rec *r = code_named(c, to);
    return r ? r : rec;
}

static const kh_code_rec *refusal_code(kh_coder *c, const kh_code_rec *rec)
{
    const char *code = kh_dict_str(c->dict, rec->code);
    int root = (code[0] - '0') * 10 + (code[1] - '0');
    const char *to = "120";
    if (root == 4 || !strcmp(code, "036"))
        to = "125";
    else if (root == 6)
        to = "121";
    else if (root == 7)
        to = "122";
    else if (root == 8)
        to = "124";
    else if (root >= 9)
        return NULL; /* refusing to attack is not a rejection event */
    const kh_code_rec *r = code_named(c, to);
    return r ? r : rec;
}

/* ---------------------------------------------------------------------- */
/* Places                                                                 */

static const kh_place *place_of(kh_coder *c, const kh_clause *cl, const kh_chunk *vg)
{
    const kh_doc *doc = c->doc;
    const kh_dict *d = c->dict;
    for (size_t k = chunk_from(doc, cl->first); k < doc->n_chunks; k++) {
        const kh_chunk *pp = &doc->chunks[k];
        if (pp->sentence != cl->sentence || pp->first < cl->first || pp->first >= cl->end)
            continue;
        int object_np = pp->kind == KH_CHUNK_NP && (int32_t)k == cl->object && vg->lemma &&
                        (!strcmp(vg->lemma, "visit") || !strcmp(vg->lemma, "tour"));
        if (pp->kind != KH_CHUNK_PP && !object_np)
            continue;
        size_t from = pp->first;
        if (pp->kind == KH_CHUNK_PP) {
            if (!(lower_is(c, pp->head, "in") || lower_is(c, pp->head, "at") ||
                  lower_is(c, pp->head, "to") || lower_is(c, pp->head, "near") ||
                  lower_is(c, pp->head, "inside") || lower_is(c, pp->head, "outside")))
                continue;
            from = pp->head + 1;
        }
        for (size_t i = from; i < pp->end; i++) {
            uint32_t node = c->mnode[i];
            if (!node || i + c->mlen[i] > pp->end)
                continue;
            const kh_trie_node *n = &d->nodes[node];
            const kh_place_rec *best = NULL;
            const kh_country_rec *cty = NULL;
            for (uint32_t q = 0; q < n->n_payloads; q++) {
                const kh_payload *pl = &d->payloads[n->first_payload + q];
                if (pl->kind == KH_P_PLACE) {
                    const kh_place_rec *pr = &d->places[pl->ref];
                    if (!best || pr->population > best->population)
                        best = pr;
                } else if (pl->kind == KH_P_COUNTRY && !cty) {
                    cty = &d->countries[pl->ref];
                }
            }
            kh_place *pl = NULL;
            if (cty) {
                pl = (kh_place *)kh_arena_calloc(&c->arena, 1, sizeof *pl);
                if (!pl)
                    return NULL;
                pl->name = cty->name ? kh_dict_str(d, cty->name) : kh_dict_str(d, cty->code);
                pl->country = kh_dict_str(d, cty->code);
                pl->admin1 = "";
                pl->type = 1;
            } else if (best) {
                pl = (kh_place *)kh_arena_calloc(&c->arena, 1, sizeof *pl);
                if (!pl)
                    return NULL;
                pl->name = kh_dict_str(d, best->name);
                pl->country = kh_dict_str(d, best->country);
                pl->admin1 = kh_dict_str(d, best->admin1);
                pl->lat = best->lat;
                pl->lon = best->lon;
                pl->has_coords = 1;
                pl->type = 4;
                pl->feature_id = best->feature_id;
            }
            if (pl)
                return pl;
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Coding a clause                                                        */

/* A media actor: a code whose role after the country (or alone) is MED. */
static int is_media(const char *code)
{
    if (!code)
        return 0;
    size_t n = strlen(code);
    return (n == 3 && !strcmp(code, "MED")) || (n >= 6 && !strncmp(code + 3, "MED", 3));
}

/* A role code with no country or organisation: "GOV", "BUS", "MIL". */
static int is_bare_role(const char *code)
{
    static const char *const roles[] = {"GOV", "MIL", "REB", "OPP", "COP", "JUD", "LEG", "CVL",
                                        "BUS", "MED", "EDU", "HLH", "HRI", "LAB", "REF", "SPY",
                                        "ELI", "REL", "AGR", "ENV", "CRM", "UAF", "INS", "SEP",
                                        "PTY", "MOD", "RAD", "IGO", "NGO", NULL};
    if (!code || strlen(code) % 3 != 0)
        return 0;
    for (size_t i = 0; roles[i]; i++)
        if (!strncmp(code, roles[i], 3))
            return 1;
    return 0;
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

static int has_reported_children(kh_coder *c, size_t cli)
{
    for (size_t k = 0; k < c->doc->n_clauses; k++)
        if (c->doc->clauses[k].parent == (int32_t)cli)
            return 1;
    return 0;
}

static kh_status code_clause(kh_coder *c, size_t cli)
{
    const kh_doc *doc = c->doc;
    const kh_dict *d = c->dict;
    const kh_clause *cl = &doc->clauses[cli];
    const kh_chunk *vg = &doc->chunks[cl->verb];
    const kh_sentence *se = &doc->sentences[cl->sentence];
    size_t si = cl->sentence;
    const char *lemma = vg->lemma ? vg->lemma : "";
    int passive = (vg->flags & KH_VG_PASSIVE) != 0;
    kh_coder_trace(c, si, "clause %zu: verb '%s' (lemma %s)%s%s%s%s%s%s", cli, kh_coder_text(c, vg->aux_first, vg->end),
          lemma, passive ? " passive" : "", vg->flags & KH_VG_NEGATED ? " negated" : "",
          vg->flags & KH_VG_INTENT ? " intent" : "", vg->flags & KH_VG_REFUSAL ? " refusal" : "",
          vg->flags & KH_VG_FUTURE ? " future" : "", cl->flags & KH_CL_REPORTED ? " reported" : "");
    if (c->consumed && c->consumed[cli]) {
        kh_coder_trace(c, si, "  part of the pattern of an earlier verb: not an event of its own");
        return KH_OK;
    }
    if (vg->flags & KH_VG_PARTICIPLE && !(vg->flags & KH_VG_PASSIVE) && cl->subject < 0) {
        kh_coder_trace(c, si, "  participial phrase: not an event of its own");
        return KH_OK;
    }
    if (vg->aux_first > se->first_token && doc->upos[vg->aux_first - 1] == KH_UPOS_ADP) {
        kh_coder_trace(c, si, "  gerund after a preposition: not an event of its own");
        return KH_OK;
    }
    if ((lower_is(c, vg->aux_first, "to") && vg->aux_first != vg->head) ||
        (vg->aux_first > se->first_token && lower_is(c, vg->aux_first - 1, "to") &&
         doc->upos[vg->aux_first - 1] == KH_UPOS_PART)) {
        kh_coder_trace(c, si, "  infinitive complement (\"urged X to ...\"): not an event of its own");
        return KH_OK;
    }
    /* Candidate verbs: the chain verbs of the group first ("refused" in
     * "refused to meet", "threatened" in "threatened to impose"), whose own
     * patterns name the infinitive, then the main verb. */
    size_t cands[8];
    size_t nc = 0;
    for (size_t t = vg->aux_first; t < vg->head && nc + 1 < KH_ARRAY_LEN(cands); t++)
        if (doc->upos[t] == KH_UPOS_VERB)
            cands[nc++] = t;
    cands[nc++] = vg->head;
    pmatch best;
    memset(&best, 0, sizeof best);
    int have = 0;
    size_t best_tok = vg->head, total = 0;
    for (size_t ci = 0; ci < nc; ci++) {
        size_t t = cands[ci];
        const char *lem = doc->lemma[t] ? doc->lemma[t] : "";
        uint32_t w = t == vg->head ? kh_dict_word(d, lemma, strlen(lemma)) : c->lemw[t];
        (void)lem;
        size_t first = 0, n = w == KH_NONE ? 0 : kh_dict_patterns(d, w, &first);
        total += n;
        for (size_t k = 0; k < n; k++) {
            pmatch m;
            /* A chain verb's pattern must reach past the verb itself. */
            if (try_pattern(c, &d->patterns[first + k], cl, vg, t, passive && t == vg->head, &m) &&
                (t == vg->head || m.score >= 2) && (!have || m.score > best.score)) {
                best = m;
                best_tok = t;
                have = 1;
            }
        }
    }
    if (!total) {
        kh_coder_trace(c, si, "  no pattern for '%s'", lemma);
        return KH_OK;
    }
    if (!have) {
        kh_coder_trace(c, si, "  %zu pattern%s for the verbs of this group, none matched", total,
                       total == 1 ? "" : "s");
        return KH_OK;
    }
    /* Later clauses whose verbs the pattern used are part of this event. */
    for (size_t k = cli + 1; c->consumed && k < doc->n_clauses && doc->clauses[k].sentence == si; k++)
        if (doc->chunks[doc->clauses[k].verb].head <= best.last)
            c->consumed[k] = 1;
    int explicit_chain = best_tok != vg->head;
    const kh_pattern *p = best.pat;
    const kh_code_rec *code = &d->codes[p->code];
    kh_coder_trace(c, si, "  pattern '%s' -> %s (%s)", kh_dict_str(d, p->text), kh_dict_str(d, code->code),
          kh_dict_str(d, p->src));
    /* Imported dictionaries' special codes: null (---), discard (###) and
     * complex (+++) patterns match in order to suppress coding. */
    const char *cs = kh_dict_str(d, code->code);
    if (cs[0] == '-' || cs[0] == '#' || cs[0] == '+' || code->quad == 0) {
        kh_coder_trace(c, si, "  special code '%s': nothing coded", cs);
        return KH_OK;
    }
    /* A bare report ("X said ...") is not an event when what it reports is
     * coded in its own right. */
    if ((vg->flags & KH_VG_REPORTING) && (p->flags & KH_PAT_NO_TARGET) && p->n_elems == 1 &&
        has_reported_children(c, cli)) {
        kh_coder_trace(c, si, "  a report of other clauses: the reported acts are coded instead");
        return KH_OK;
    }
    if (vg->flags & KH_VG_NEGATED) {
        kh_coder_trace(c, si, "  negated: not coded");
        return KH_OK;
    }
    uint32_t flags = 0;
    if (explicit_chain) {
        /* The chain verb's own pattern names the act ("threaten impose
         * sanctions"): its code stands as written. */
    } else if (vg->flags & KH_VG_REFUSAL) {
        const kh_code_rec *r = refusal_code(c, code);
        if (!r) {
            kh_coder_trace(c, si, "  refusal of a conflictual act: not coded");
            return KH_OK;
        }
        code = r;
        flags |= KH_EV_REFUSAL;
    } else if (vg->flags & (KH_VG_INTENT | KH_VG_ATTEMPT | KH_VG_FUTURE | KH_VG_MODAL)) {
        const kh_code_rec *r = intent_code(c, code);
        if (r != code)
            flags |= KH_EV_INTENT;
        code = r;
    }
    if (cl->flags & KH_CL_REPORTED)
        flags |= KH_EV_REPORTED;
    /* Actors. */
    actor src[MAX_ACTORS], tgt[MAX_ACTORS];
    size_t ns = 0, nt = 0;
    int32_t reporter = cl->reporter;
    if (passive) {
        flags |= KH_EV_PASSIVE;
        ns = kh_coder_resolve_np(c, cl->agent, reporter, src);
        if (!(p->flags & KH_PAT_NO_TARGET))
            nt = resolve_target(c, cl->subject, reporter, tgt);
    } else {
        ns = kh_coder_resolve_np(c, best.source_np >= 0 ? best.source_np : cl->subject, reporter, src);
        nt = resolve_target(c, best.target_np, reporter, tgt);
    }
    if (!ns) {
        kh_coder_trace(c, si, "  no source actor (subject %s)",
              cl->subject >= 0 ? kh_coder_text(c, doc->chunks[cl->subject].first, doc->chunks[cl->subject].end)
                               : "none");
        return KH_OK;
    }
    if (!(p->flags & KH_PAT_NO_TARGET) && !nt) {
        kh_coder_trace(c, si, "  no target actor for the pattern's slot");
        return KH_OK;
    }
    /* A pattern without a slot whose words run through a noun phrase naming
     * an actor: "expelled two British diplomats", "summoned the Japanese
     * ambassador": that actor is the target. */
    if ((p->flags & KH_PAT_NO_TARGET) && !nt && !passive) {
        for (size_t k = 0; k < doc->n_chunks && !nt; k++) {
            const kh_chunk *ch = &doc->chunks[k];
            if (ch->kind != KH_CHUNK_NP || ch->sentence != si || ch->first <= best_tok ||
                ch->first > best.last)
                continue;
            nt = resolve_target(c, (int32_t)k, reporter, tgt);
            if (nt == 1 && ns && !strcmp(tgt[0].code, src[0].code))
                nt = 0;
        }
    }
    /* Talking to the press is not an act towards the press: "told
     * reporters", "told Reuters" make a statement without a target. */
    int verbal = code->code < d->strings_len && !strncmp(kh_dict_str(d, code->code), "01", 2);
    if (verbal && nt && is_media(tgt[0].code)) {
        kh_coder_trace(c, si, "  said to the media (%s): a statement without a target", tgt[0].code);
        nt = 0;
    }
    /* A bare role with no country or organisation ("officials said") says
     * nothing about who acted: such statements are not coded. */
    if (!nt && verbal && is_bare_role(src[0].code)) {
        kh_coder_trace(c, si, "  statement by an unidentified %s: not coded", src[0].code);
        return KH_OK;
    }
    /* The clause's own date expression first ("sent a warning last month"),
     * else the sentence's ("Last week, officials said that ..."). */
    kh_date_shift ds = kh_resolve_date(doc, cl->first, cl->end, c->story->date,
                                       (vg->flags & KH_VG_PAST) != 0, (vg->flags & KH_VG_FUTURE) != 0);
    if (!ds.rule)
        ds = kh_resolve_date(doc, se->first_token, se->first_token + se->n_tokens, c->story->date,
                             (vg->flags & KH_VG_PAST) != 0, (vg->flags & KH_VG_FUTURE) != 0);
    if (ds.rule)
        kh_coder_trace(c, si, "  date: %s ('%s') -> %04d-%02d-%02d", ds.rule, kh_coder_text(c, ds.first, ds.end),
              ds.date.year, ds.date.month, ds.date.day);
    const kh_place *place = place_of(c, cl, vg);
    if (place)
        kh_coder_trace(c, si, "  place: %s (%s)", place->name, place->country);
    /* "Vietnam and the Philippines signed an agreement": a cooperative act
     * of a compound subject with no other party is done by each to each. */
    if (!nt && ns >= 2) {
        const char *cc = kh_dict_str(d, code->code);
        int root = (cc[0] - '0') * 10 + (cc[1] - '0');
        if (root >= 3 && root <= 8) {
            for (size_t k = 0; k < ns; k++)
                tgt[k] = src[k];
            nt = ns;
            kh_coder_trace(c, si, "  compound subject, no other party: coded between its members");
        }
    }
    if (!nt) {
        tgt[0].code = NULL;
        tgt[0].name = NULL;
        tgt[0].first = tgt[0].end = 0;
        nt = 1;
    }
    for (size_t a = 0; a < ns; a++)
        for (size_t b = 0; b < nt; b++) {
            if (tgt[b].code && !strcmp(src[a].code, tgt[b].code)) {
                kh_coder_trace(c, si, "  source and target are both %s: not coded", src[a].code);
                continue;
            }
            raw_event ev;
            memset(&ev, 0, sizeof ev);
            ev.date = ds.date;
            ev.source = src[a].code;
            ev.source_name = src[a].name;
            ev.target = tgt[b].code;
            ev.target_name = tgt[b].name;
            ev.code = code;
            ev.place = place;
            ev.flags = flags;
            ev.mention.sentence = si;
            ev.mention.text = se->span;
            ev.mention.kind = se->kind;
            ev.mention.source = kh_coder_span(c, src[a].first, src[a].end);
            if (tgt[b].code)
                ev.mention.target = kh_coder_span(c, tgt[b].first, tgt[b].end);
            ev.mention.verb = kh_coder_span(c, vg->aux_first, vg->end > best.last + 1 ? vg->end : best.last + 1);
            ev.mention.pattern = kh_dict_str(d, p->src);
            kh_coder_trace(c, si, "  EVENT %s -> %s %s (%s)", ev.source, ev.target ? ev.target : "-",
                  kh_dict_str(d, code->code), kh_dict_str(d, code->name));
            kh_status st = kh_coder_add_event(c, &ev);
            if (st)
                return st;
        }
    return KH_OK;
}

/* ---------------------------------------------------------------------- */
/* Per-story merge and the driver                                         */

/* khaldun's own sentence coder: the sentence's clauses in order, then the
 * sentence's actors are remembered for the next one's references. */
static kh_status clause_sentence(kh_coder *c, void *state, size_t si)
{
    (void)state;
    const kh_doc *doc = c->doc;
    for (; c->next_clause < doc->n_clauses && doc->clauses[c->next_clause].sentence == si;
         c->next_clause++) {
        kh_status st = code_clause(c, c->next_clause);
        if (st)
            return st;
    }
    remember_sentence(c, si);
    return KH_OK;
}

static kh_status clause_init(kh_coder *c, const char *options, void **state)
{
    (void)c, (void)options;
    *state = NULL;
    return KH_OK;
}

const kh_sentence_coder kh_clause_coder = {"clause", clause_init, NULL, NULL, clause_sentence};

static int same_key(const raw_event *a, const raw_event *b)
{
    return a->date.year == b->date.year && a->date.month == b->date.month &&
           a->date.day == b->date.day && a->code == b->code && !strcmp(a->source, b->source) &&
           ((!a->target && !b->target) || (a->target && b->target && !strcmp(a->target, b->target)));
}

static kh_status merge(kh_coder *c)
{
    c->n_events = 0;
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
            e->flags = r->flags;
        } else if (!e->place && r->place) {
            e->place = r->place;
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
    c->mnode = (uint32_t *)kh_arena_alloc(&c->arena, n * sizeof *c->mnode);
    c->mlen = (uint16_t *)kh_arena_alloc(&c->arena, n * sizeof *c->mlen);
    if (!c->form || !c->lemw || !c->mnode || !c->mlen)
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
    memset(&c->last_person, 0, sizeof c->last_person);
    memset(&c->last_actor, 0, sizeof c->last_actor);
    memset(&c->last_country, 0, sizeof c->last_country);
    memset(&c->last_org, 0, sizeof c->last_org);
    memset(c->pair, 0, sizeof c->pair);
    c->have_pair = 0;
    c->n_people = 0;
    c->story = story;
    c->days = story->date.year ? kh_date_to_days(story->date) : KH_DAYS_MIN;
    const kh_doc *doc;
    unsigned flags = KH_ANALYZE_TOKENS;
    if (c->opt.lexicon)
        flags |= KH_ANALYZE_TAGS | KH_ANALYZE_CHUNKS;
    kh_status st;
    uint64_t t_coding = 0;
    c->stats.stories++;
    if (c->opt.flags & KH_CODE_STATS) {
        st = kh_stats_analyze(c->scratch, c->opt.lexicon, &c->arena, story, flags, &c->doc_buf,
                              &c->stats, &doc);
        t_coding = kh_clock_ns();
    } else {
        st = kh_analyze(c->scratch, c->opt.lexicon, story, flags, &doc);
    }
    if (st)
        return st;
    c->doc = doc;
    c->stats.sentences += doc->n_sentences;
    c->stats.tokens += doc->n_tokens;
    if (!doc->upos || !doc->chunks)
        return KH_OK; /* without a lexicon there is nothing to code */
    st = grow_tokens(c, doc->n_tokens + 1);
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
    find_phrases(c);
    c->consumed = (uint8_t *)kh_arena_calloc(&c->arena, doc->n_clauses + 1, 1);
    if (!c->consumed)
        return KH_ERR_NOMEM;
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
