/*
 * actors.c: the actors stage: which CAMEO actors the noun phrases of a story
 * name. First every dictionary phrase is found by longest match over the
 * trie (actors, countries, agents, places, synsets; kh_actors_find_phrases);
 * then a noun phrase resolves to a named actor in office on the story's
 * date, else a country (name, demonym, capital, possessor) combined with an
 * agent ("North Korea's minister" = PRKGOV), an organisation ("the IAEA
 * chief"), coordinated members, or a pronoun or definite description that
 * refers back to the story so far ("he", "the two countries", "the North").
 * The story context (who was named last) is kept in kh_actors and updated
 * sentence by sentence (kh_actors_remember_sentence).
 */
#include <stdio.h>
#include <strings.h>

#include "actors/actors.h"
#include "analyze/analyze.h"

/* ---------------------------------------------------------------------- */
/* Phrase matching                                                        */

/* Names of actors, countries and places must look like names in the text:
 * some token capitalised, and a one-word lower-case form ("us") never. */
static int looks_like_name(kh_story_view *c, size_t first, size_t end)
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

static int node_acceptable(kh_story_view *c, uint32_t node, size_t first, size_t end)
{
    const kh_dict *d = c->dict;
    const kh_trie_node *n = &d->nodes[node];
    if (!n->n_payloads)
        return 0;
    if (kh_node_payload(d, node, KH_P_AGENT, KH_NONE) || kh_node_payload(d, node, KH_P_SYNSET, KH_NONE))
        return 1;
    return looks_like_name(c, first, end);
}

void kh_actors_find_phrases(kh_story_view *c)
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

/* The recasing stage's name finder (analyze.h, kh_name_finder; ctx is the
 * kh_dict): the longest phrase of the trie starting at toks[i] that names
 * an actor, a country, a capital, a place or an agent, matched without
 * regard to case, as text without case information needs. */
size_t kh_actors_name_at(const void *ctx, const kh_token *toks, size_t i, size_t end, unsigned *kinds)
{
    const kh_dict *d = (const kh_dict *)ctx;
    static const struct {
        kh_pkind kind;
        unsigned name;
    } named[] = {{KH_P_ACTOR, KH_NAME_ACTOR},     {KH_P_COUNTRY, KH_NAME_COUNTRY},
                 {KH_P_DEMONYM, KH_NAME_COUNTRY}, {KH_P_CAPITAL, KH_NAME_CAPITAL},
                 {KH_P_PLACE, KH_NAME_PLACE},     {KH_P_AGENT, KH_NAME_AGENT}};
    uint32_t node = 0;
    size_t best = 0;
    *kinds = 0;
    for (size_t j = i; j < end && j - i < 24; j++) {
        node = kh_dict_child(d, node, kh_dict_word(d, toks[j].norm, toks[j].norm_len));
        if (!node)
            break;
        unsigned k = 0;
        for (size_t x = 0; x < KH_ARRAY_LEN(named); x++)
            if (kh_node_payload(d, node, named[x].kind, KH_NONE))
                k |= named[x].name;
        if (k) {
            best = j + 1 - i;
            *kinds = k;
        }
    }
    return best;
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
static const char *join_codes(kh_actors *c, const char *base, const char *agent)
{
    size_t bl = strlen(base), al = strlen(agent);
    if (bl >= al && !strcmp(base + bl - al, agent))
        return base;
    if (bl + al > 30)
        return base;
    char *s = (char *)kh_arena_alloc(c->v->arena, bl + al + 1);
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
static void scan_parts(kh_actors *c, size_t first, size_t end, np_parts *p)
{
    const kh_dict *d = c->v->dict;
    for (size_t i = first; i < end;) {
        uint32_t node = c->v->mnode[i];
        size_t len = c->v->mlen[i];
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
                const kh_role *r = kh_dict_actor_role(d, a, c->v->days);
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

/* Token t's normalised form is one of `words` (lower case), ignoring case. */
static int token_in(const kh_token *t, const char *const *words)
{
    if (!t->norm_len)
        return 0;
    int first = kh_to_lower((unsigned char)t->norm[0]);
    for (size_t k = 0; words[k]; k++)
        if (first == kh_to_lower((unsigned char)words[k][0]) && t->norm_len == strlen(words[k]) &&
            kh_eq_nocase(t->norm, t->norm_len, words[k], t->norm_len))
            return 1;
    return 0;
}

/* Resolves one NP chunk (with its "of"/"from" phrases and apposition) to an
 * actor. Returns 1 when it resolved. */
/* Heads that count or group ("dozens of protesters", "a group of
 * soldiers"): the phrase is about what follows "of". */
static int partitive_head(kh_actors *c, const kh_chunk *np)
{
    static const char *const heads[] = {"dozens", "hundreds", "thousands", "millions", "scores",
                                        "number", "group", "groups", "members", "member", "couple",
                                        "handful", "lot", "lots", "team", "unit", "units", "some",
                                        "many", "several", "most", "all", "rest", "majority",
                                        "dozen", "hundred", "thousand", "contingent", "batch", NULL};
    return token_in(&c->v->doc->tokens[np->head], heads);
}

/* An acronym the story defined earlier ("the SDF" after "Syrian Democratic
 * Forces (SDF)"): the phrase's head is the acronym. */
static int alias_of(kh_actors *c, const kh_chunk *np, actor *out)
{
    const kh_token *h = &c->v->doc->tokens[np->head];
    for (size_t k = 0; k < c->n_aliases; k++) {
        const kh_token *t = &c->v->doc->tokens[c->aliases[k].tok];
        if (t->norm_len == h->norm_len && !memcmp(t->norm, h->norm, t->norm_len)) {
            *out = c->aliases[k].a;
            out->first = np->first;
            out->end = np->end;
            return 1;
        }
    }
    return 0;
}

/* A target that is a place the gazetteer knows ("bombed Falluja", "surged
 * into Jabalya") is acted on as its country, as CAMEO coders code it. The
 * place must be the phrase's head, written as a proper name. */
static int place_target(kh_actors *c, const kh_chunk *np, actor *out)
{
    const kh_dict *d = c->v->dict;
    for (size_t t = np->first; t <= np->head; t++) {
        uint32_t node = c->v->mnode[t];
        size_t len = c->v->mlen[t];
        if (!node || t + len <= np->head || kh_node_is_role_word(d, node) ||
            !kh_view_place_words(c->v, t, len) || (len == 1 && kh_actors_acronym(c->v, t)))
            continue;
        const kh_trie_node *n = &d->nodes[node];
        const kh_place_rec *best = NULL;
        for (uint32_t k = 0; k < n->n_payloads; k++) {
            const kh_payload *pl = &d->payloads[n->first_payload + k];
            if (pl->kind == KH_P_PLACE && (!best || d->places[pl->ref].population > best->population))
                best = &d->places[pl->ref];
        }
        if (!best)
            return 0;
        out->code = kh_dict_str(d, best->country);
        out->name = kh_dict_str(d, best->name);
        out->country = 1;
        return 1;
    }
    return 0;
}

/* An organisation the dictionary does not know, named as one: capitalised
 * words ending in a head noun that says what kind it is ("the Garo
 * National Liberation Army", "the Popular Resistance Front", "the Justice
 * and Development Party"). Armed groups are rebels (REB), parties PTY; the
 * country is the one the name gives, else the story's (context.c). A
 * national army with its country's name ("the Pakistan Army") is its
 * military, unless the name says it fights the state. */
static int named_group(kh_actors *c, const kh_chunk *np, const np_parts *p, actor *out)
{
    static const char *const armed[] = {"front", "movement", "brigade", "brigades", "militia",
                                        "battalion", "battalions", "tigers", "mujahideen",
                                        "army", "guerrillas", NULL};
    static const char *const parties[] = {"party", NULL};
    static const char *const rebel_words[] = {"liberation", "revolutionary", "resistance", "rebel",
                                              "islamic", "free", "popular", "salvation", "people's",
                                              "peoples", "national", "united", "democratic", NULL};
    const kh_doc *doc = c->v->doc;
    const kh_token *tok = doc->tokens;
    size_t h = np->head, f = np->first;
    while (f < h && doc->upos[f] == KH_UPOS_DET)
        f++;
    if (f >= h || !(tok[h].flags & KH_TOK_CAP) || (tok[h].flags & KH_TOK_UPPER))
        return 0;
    int is_armed = token_in(&tok[h], armed), is_party = token_in(&tok[h], parties);
    if (!is_armed && !is_party)
        return 0;
    int rebel_word = 0;
    for (size_t i = f; i < h; i++) {
        if (!(tok[i].flags & KH_TOK_CAP) || (tok[i].flags & KH_TOK_UPPER))
            return 0; /* every word of the name is capitalised, in text that is not all capitals */
        rebel_word |= token_in(&tok[i], rebel_words);
    }
    static const char *const army[] = {"army", NULL};
    if (token_in(&tok[h], army) && p->country && !rebel_word)
        return 0;
    const char *role = is_party ? "PTY" : "REB";
    memset(out, 0, sizeof *out);
    out->code = p->country && p->demonym ? join_codes(c, kh_dict_str(c->v->dict, p->country->code), role) : role;
    out->name = kh_view_text(c->v, np->first, np->end);
    out->first = np->first;
    out->end = np->end;
    return 1;
}

/* The armed role (MIL, COP, REB, INS, SEP, UAF, SPY) the one word `w`
 * (`len` bytes) names as an agent on its own, NULL when none. */
static const kh_agent_rec *armed_agent_word(const kh_dict *d, const char *w, size_t len)
{
    uint32_t word = kh_dict_word(d, w, len);
    uint32_t node = word == KH_NONE ? 0 : kh_dict_child(d, 0, word);
    const kh_payload *pl = node ? kh_node_payload(d, node, KH_P_AGENT, KH_NONE) : NULL;
    if (!pl || d->agents[pl->ref].code == KH_NONE)
        return NULL;
    const char *code = kh_dict_str(d, d->agents[pl->ref].code);
    return strlen(code) == 3 && kh_actors_armed(code) ? &d->agents[pl->ref] : NULL;
}

/* A target whose head an armed role modifies ("attacked a police station",
 * "shelled rebel positions", "ambushed an army convoy", "stormed
 * rebel-held towns") is acted on as that force: what is done to its post,
 * vehicle or camp is done to it. The role is a "ROLE-held" word before the
 * head, else the one word right before it. Sets p->agent; returns 1 when
 * it found one. */
static int role_modifier(kh_actors *c, const kh_chunk *np, np_parts *p)
{
    static const char *const held[] = {"-held", "-controlled", "-occupied", "-run", NULL};
    const kh_dict *d = c->v->dict;
    const kh_token *tok = c->v->doc->tokens;
    for (size_t t = np->first; t < np->head; t++)
        for (size_t k = 0; held[k]; k++) {
            size_t hl = strlen(held[k]), n = tok[t].norm_len;
            const kh_agent_rec *a;
            if (n > hl && !strncasecmp(tok[t].norm + n - hl, held[k], hl) &&
                (a = armed_agent_word(d, tok[t].norm, n - hl)) != NULL) {
                p->agent = a;
                return 1;
            }
        }
    if (np->head == np->first || c->v->doc->upos[np->head] != KH_UPOS_NOUN)
        return 0;
    /* "struck military targets in Iran": a country named as where the
     * thing is makes the act one against that country (clause_target). */
    size_t e = np->end;
    if (e + 1 < c->v->doc->n_tokens && kh_view_word_is(c->v, e, "in") && c->v->mnode[e + 1] &&
        kh_node_payload(d, c->v->mnode[e + 1], KH_P_COUNTRY, KH_NONE))
        return 0;
    const kh_token *m = &tok[np->head - 1];
    const kh_agent_rec *a = armed_agent_word(d, m->norm, m->norm_len);
    if (!a)
        return 0;
    p->agent = a;
    return 1;
}

/* "minister of X", "delegation from X": what the PPs attached to the NP
 * ci add to its parts p. */
static void attached_pps(kh_actors *c, int32_t ci, np_parts *p)
{
    const kh_doc *doc = c->v->doc;
    for (size_t k = (size_t)ci + 1; k < doc->n_chunks && k < (size_t)ci + 8; k++) {
        const kh_chunk *ch = &doc->chunks[k];
        if (ch->kind == KH_CHUNK_VG)
            break;
        if (ch->kind != KH_CHUNK_PP || ch->attach != ci)
            continue;
        np_parts q;
        memset(&q, 0, sizeof q);
        scan_parts(c, ch->first + 1, ch->end, &q);
        if (!p->country && q.country)
            p->country = q.country;
        if (!p->named && !p->country && q.named)
            p->org = p->org ? p->org : q.named, p->org_role = p->org_role ? p->org_role : q.role;
        if (!p->org && q.org)
            p->org = q.org, p->org_role = q.org_role;
        /* "minister of external economic relations": an agent phrase
         * running into the PP. */
        if (!p->agent && q.agent)
            p->agent = q.agent;
    }
}

/* Someone the text introduces by a title ("Energy Minister Arturo
 * Hernandez Grisanti"): a person, named by the name after the title, so
 * that "he" and a later "Hernandez" refer to them (names.c). */
static void titled_person(kh_actors *c, const kh_chunk *np, const np_parts *p, actor *out)
{
    size_t from;
    if (!p->agent || (np->flags & KH_NP_POSSESSOR))
        return;
    size_t n = kh_actors_personal_name(c->v, np->first, np->head, &from);
    if (!n)
        return;
    out->name = kh_view_text(c->v, from, from + n);
    out->person = 1;
}

static int resolve_np1(kh_actors *c, int32_t ci, int as_target, actor *out)
{
    const kh_doc *doc = c->v->doc;
    const kh_dict *d = c->v->dict;
    const kh_chunk *np = &doc->chunks[ci];
    if (alias_of(c, np, out))
        return 1;
    np_parts p;
    memset(&p, 0, sizeof p);
    scan_parts(c, np->first, np->end, &p);
    if (!p.named && !p.org &&
        (named_group(c, np, &p, out) ||
         kh_actors_party(c, np, p.country && p.demonym ? kh_dict_str(d, p.country->code) : NULL, out)))
        return 1;
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
            if (c->v->mnode[t] && t + c->v->mlen[t] > np->head) {
                const kh_trie_node *n = &d->nodes[c->v->mnode[t]];
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
            !(as_target && (p.org || (p.named && !actor_is_person(d, p.named)))) &&
            !(as_target && role_modifier(c, np, &p)))
            return 0;
    }
    attached_pps(c, ci, &p);
    /* The apposition of a name: "Yun Jung Ho, North Korea's minister ...";
     * a title of the name's own beats it ("Queensland premier X, a party
     * member"). */
    if (!p.named && !(p.agent && p.agent->code != KH_NONE) && (np->flags & KH_NP_APPOSITION)) {
        for (size_t k = (size_t)ci + 1; k < doc->n_chunks && k < (size_t)ci + 3; k++)
            if (doc->chunks[k].kind == KH_CHUNK_NP && doc->chunks[k].attach == ci) {
                actor ap;
                if (resolve_np1(c, (int32_t)k, 0, &ap)) {
                    *out = ap;
                    out->first = np->first;
                    out->end = np->end;
                    out->name = kh_view_text(c->v, np->first, np->end);
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
            out->name = kh_view_text(c->v, np->first, np->end);
        out->country = 1;
        titled_person(c, np, &p, out);
        return 1;
    }
    if (p.agent && p.agent->code != KH_NONE) {
        /* "Punjab police", "Queensland premier": a place before the role
         * gives its country. */
        const char *pc = doc->upos[np->head] == KH_UPOS_NOUN
                             ? kh_actors_place_country(c->v, np->first, np->head) : NULL;
        out->code = kh_dict_str(d, p.agent->code);
        if (pc)
            out->code = join_codes(c, pc, out->code);
        out->name = kh_view_text(c->v, np->first, np->end);
        titled_person(c, np, &p, out);
        return 1;
    }
    if (as_target)
        return place_target(c, np, out);
    return 0;
}

/* Pronouns and definite descriptions, from the story so far. */
static int is_media_code(const char *code)
{
    size_t n = code ? strlen(code) : 0;
    return n >= 3 && !strcmp(code + n - 3, "MED");
}

static int resolve_reference(kh_actors *c, const kh_chunk *np, int32_t reporter_np, actor *outs,
                             size_t *n)
{
    size_t f = np->first, e = np->end;
    *n = 0;
    int near = np->flags & KH_NP_PRONOUN ? kh_actors_nearest_antecedent(c, np, reporter_np, outs, n) : -1;
    if (near >= 0) {
        /* The sentence gives the antecedent (coref.c), coded or not. */
    } else if (np->flags & KH_NP_PRONOUN) {
        if (kh_view_word_is(c->v, f, "he") || kh_view_word_is(c->v, f, "she") || kh_view_word_is(c->v, f, "him") ||
            kh_view_word_is(c->v, f, "her")) {
            /* "X announced he intends to ...": he is X when X is a person. */
            actor rep;
            if (reporter_np >= 0 && !(c->v->doc->chunks[reporter_np].flags & KH_NP_PRONOUN) &&
                resolve_np1(c, reporter_np, 0, &rep) && rep.person)
                outs[(*n)++] = rep;
            else if (c->last_person.code)
                outs[(*n)++] = c->last_person;
        } else if (kh_view_word_is(c->v, f, "it")) {
            /* "Japan said it had halted aid": it is the reporter when the
             * reporter is a state or an organisation. */
            actor rep;
            if (reporter_np >= 0 && !(c->v->doc->chunks[reporter_np].flags & KH_NP_PRONOUN) &&
                resolve_np1(c, reporter_np, 0, &rep) && !rep.person)
                outs[(*n)++] = rep;
            else if (c->last_org.code)
                outs[(*n)++] = c->last_org;
            else if (c->last_country.code)
                outs[(*n)++] = c->last_country;
        } else if (kh_view_word_is(c->v, f, "they") || kh_view_word_is(c->v, f, "them")) {
            /* "The rebels said they would release ...": the reporter. */
            actor rep;
            if (kh_view_word_is(c->v, f, "they") && reporter_np >= 0 &&
                !(c->v->doc->chunks[reporter_np].flags & KH_NP_PRONOUN) &&
                resolve_np1(c, reporter_np, 0, &rep) && !rep.person)
                outs[(*n)++] = rep;
            else if (c->have_pair) {
                outs[(*n)++] = c->pair[0];
                outs[(*n)++] = c->pair[1];
            }
        } else if ((kh_view_word_is(c->v, f, "i") || kh_view_word_is(c->v, f, "we")) && reporter_np >= 0) {
            /* A news agency reports others' words: its "I" is not its own. */
            actor a;
            memset(&a, 0, sizeof a);
            int known = resolve_np1(c, reporter_np, 0, &a);
            if (known && !is_media_code(a.code))
                outs[(*n)++] = a;
            else if (!known && c->v->doc->chunks[reporter_np].flags & KH_NP_PRONOUN && c->last_person.code)
                outs[(*n)++] = c->last_person;
        }
    } else if (e - f >= 2 && kh_view_word_is(c->v, f, "the")) {
        /* "the two countries", "both countries", "the country", "the North". */
        if ((kh_view_word_is(c->v, f + 1, "two") || kh_view_word_is(c->v, f + 1, "both")) && c->have_pair) {
            outs[(*n)++] = c->pair[0];
            outs[(*n)++] = c->pair[1];
        } else if (e - f == 2 && (kh_view_word_is(c->v, f + 1, "country") || kh_view_word_is(c->v, f + 1, "government")) &&
                   c->last_country.code) {
            outs[(*n)++] = c->last_country;
        } else if (e - f == 2 && (kh_view_word_is(c->v, f + 1, "north") || kh_view_word_is(c->v, f + 1, "south")) &&
                   c->last_country.code) {
            /* The last country whose name begins with that word. */
            const char *want = kh_view_word_is(c->v, f + 1, "north") ? "North" : "South";
            const actor *cands[3] = {&c->last_country, &c->pair[0], &c->pair[1]};
            for (size_t k = 0; k < 3; k++)
                if (cands[k]->code && cands[k]->name && !strncmp(cands[k]->name, want, 5)) {
                    outs[(*n)++] = *cands[k];
                    break;
                }
        }
    } else if (e - f == 1 && kh_view_word_is(c->v, f, "both") && c->have_pair) {
        outs[(*n)++] = c->pair[0];
        outs[(*n)++] = c->pair[1];
    }
    for (size_t k = 0; k < *n; k++) {
        outs[k].first = (uint32_t)f;
        outs[k].end = (uint32_t)e;
    }
    return *n > 0;
}

static void remember(kh_actors *c, const actor *a)
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
static int resolve_part_name(kh_actors *c, const kh_chunk *np, actor *out)
{
    const kh_doc *doc = c->v->doc;
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

static size_t resolve_np_as(kh_actors *c, int32_t ci, int32_t reporter_np, int as_target,
                            actor *outs);

/* All actors of an NP: itself, its coordinated members, or a reference. */
size_t kh_actors_resolve_np(kh_actors *c, int32_t ci, int32_t reporter_np, actor *outs)
{
    return resolve_np_as(c, ci, reporter_np, 0, outs);
}

/* The same for a target, which may also be what an actor owns or does. */
size_t kh_actors_resolve_target(kh_actors *c, int32_t ci, int32_t reporter_np, actor *outs)
{
    return resolve_np_as(c, ci, reporter_np, 1, outs);
}

/* The country of a one-token demonym at token t ("Syrian"), NULL when none. */
static const kh_country_rec *demonym_at(kh_actors *c, size_t t)
{
    const kh_dict *d = c->v->dict;
    uint32_t node = c->v->mnode[t];
    if (!node || c->v->mlen[t] != 1)
        return NULL;
    const kh_payload *pl = kh_node_payload(d, node, KH_P_DEMONYM, KH_NONE);
    return pl ? &d->countries[pl->ref] : NULL;
}

static int covered_by_np(const kh_doc *doc, size_t t)
{
    for (size_t k = kh_chunk_from(doc, t > 8 ? t - 8 : 0); k < doc->n_chunks && doc->chunks[k].first <= t; k++)
        if (doc->chunks[k].kind == KH_CHUNK_NP && doc->chunks[k].end > t)
            return 1;
    return 0;
}

/* Adds the actor of demonym country `a` with `role` after outs[0..n). */
static size_t add_demonym_actor(kh_actors *c, const kh_country_rec *a, const char *role,
                                const actor *like, size_t t, actor *outs, size_t n)
{
    const char *cc = kh_dict_str(c->v->dict, a->code);
    for (size_t q = 0; q < n; q++)
        if (outs[q].code && !strncmp(outs[q].code, cc, strlen(cc)) &&
            !strcmp(outs[q].code + strlen(cc), role))
            return n; /* named already */
    size_t cl = strlen(cc), rl = strlen(role);
    char *code = (char *)kh_arena_alloc(c->v->arena, cl + rl + 1);
    if (!code || n >= MAX_ACTORS)
        return n;
    memcpy(code, cc, cl);
    memcpy(code + cl, role, rl + 1);
    outs[n] = *like;
    outs[n].code = code;
    outs[n].name = kh_view_text(c->v, t, t + 1);
    return n + 1;
}

/* "Syrian and Russian warplanes", "the French, British and West German
 * governments": demonyms listed before a role phrase name one actor each,
 * with the role the phrase gives (the last actor resolved, outs[n-1],
 * carries the role of the last demonym). The chunker may leave the list's
 * first words before the phrase. */
static size_t coordinated_demonyms(kh_actors *c, const kh_chunk *np, actor *outs, size_t n)
{
    const actor *last = &outs[n - 1];
    if (!last->code || strlen(last->code) <= 3)
        return n;
    actor like = *last;
    char role[32];
    snprintf(role, sizeof role, "%s", last->code + 3);
    const kh_doc *doc = c->v->doc;
    size_t start = doc->sentences[np->sentence].first_token;
    /* Backwards over "A, B and" before the phrase, outside other phrases. */
    size_t t = np->first;
    while (t > start) {
        size_t p = t - 1;
        if (covered_by_np(doc, p))
            break;
        if (kh_view_word_is(c->v, p, "and") || kh_view_word_is(c->v, p, ","))
            t = p;
        else if (demonym_at(c, p))
            n = add_demonym_actor(c, demonym_at(c, p), role, &like, p, outs, n), t = p;
        else
            break;
    }
    /* Inside the phrase: a demonym followed by "," or "and". */
    for (size_t q = np->first; q + 1 < np->head; q++) {
        const kh_country_rec *a = demonym_at(c, q);
        if (a && (kh_view_word_is(c->v, q + 1, "and") || kh_view_word_is(c->v, q + 1, ",")))
            n = add_demonym_actor(c, a, role, &like, q, outs, n);
    }
    return n;
}

/* A country written as a short capitalised abbreviation ("US", "U.S.",
 * "UK") in text that is not all capitals: news uses it as a modifier ("US
 * and Iraqi forces"), as it does a demonym, where a full name ("Israel and
 * Palestinian militants") is a party of its own. */
static int abbreviated_country(kh_actors *c, const kh_chunk *np, const actor *a)
{
    const kh_token *t = &c->v->doc->tokens[np->first];
    if (!a->code || strlen(a->code) != 3 || !(t->flags & KH_TOK_UPPER) || t->norm_len > 4)
        return 0;
    /* In a headline written in capitals every word is: the next word says. */
    size_t nx = np->end + 1;
    return nx < c->v->doc->n_tokens && !(c->v->doc->tokens[nx].flags & KH_TOK_UPPER);
}

static size_t resolve_np_as(kh_actors *c, int32_t ci, int32_t reporter_np, int as_target,
                            actor *outs)
{
    if (ci < 0)
        return 0;
    size_t n = 0;
    const kh_chunk *np = &c->v->doc->chunks[ci];
    if (resolve_reference(c, np, reporter_np, outs, &n))
        return n;
    const kh_doc *doc = c->v->doc;
    uint8_t adjective[MAX_ACTORS];
    for (int32_t k = ci; k >= 0 && n < MAX_ACTORS; k = doc->chunks[k].member) {
        actor a;
        if (resolve_np1(c, k, as_target, &a) || resolve_part_name(c, &doc->chunks[k], &a)) {
            size_t pair;
            if (k == ci && !(doc->chunks[k].flags & KH_NP_COORD) &&
                (pair = kh_actors_pair_of(c, k, &a, outs)) > 0)
                return pair; /* "the foreign ministers of the two countries" */
            adjective[n] = doc->chunks[k].end - doc->chunks[k].first == 1 &&
                           (demonym_at(c, doc->chunks[k].first) != NULL ||
                            abbreviated_country(c, &doc->chunks[k], &a));
            outs[n++] = a;
            size_t before = n;
            n = coordinated_demonyms(c, &doc->chunks[k], outs, n);
            for (size_t q = before; q < n; q++)
                adjective[q] = 0;
        }
        if (!(doc->chunks[k].flags & KH_NP_COORD))
            break;
    }
    /* "Freedonian and Sylvanian troops" chunked as two phrases: the lone
     * demonym takes the role of the phrase it is coordinated with. */
    const char *last = n ? outs[n - 1].code : NULL;
    if (n >= 2 && last && strlen(last) > 3)
        for (size_t q = 0; q + 1 < n; q++)
            if (adjective[q] && outs[q].code && strlen(outs[q].code) == 3)
                outs[q].code = join_codes(c, outs[q].code, last + 3);
    return n;
}

void kh_actors_remember_sentence(kh_actors *c, size_t si)
{
    const kh_doc *doc = c->v->doc;
    for (size_t k = kh_chunk_from(doc, doc->sentences[si].first_token); k < doc->n_chunks; k++) {
        const kh_chunk *np = &doc->chunks[k];
        if (np->sentence != si || np->kind != KH_CHUNK_NP || (np->flags & KH_NP_PRONOUN))
            continue;
        actor outs[MAX_ACTORS];
        size_t n = 0;
        if (np->flags & KH_NP_COORD) {
            n = kh_actors_resolve_np(c, (int32_t)k, -1, outs);
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
        for (size_t i = 0; i < n; i++) {
            /* A person named with a title and no country ("Oil Minister
             * X") keeps the country of the sentence that names them, for
             * a later "he" or surname in another sentence. */
            const char *why, *cc;
            if (outs[i].person && kh_actors_code_needs_country(outs[i].code) &&
                (cc = kh_actors_country_before(c->v, doc->sentences[si].first_token, outs[i].first, 8)))
                outs[i].code = join_codes(c, cc, outs[i].code);
            else if (outs[i].person && kh_actors_code_needs_country(outs[i].code))
                outs[i].code = kh_actors_with_country(c, outs[i].code, NULL, si, NULL, &why);
            remember(c, &outs[i]);
        }
    }
}

void kh_actors_reset(kh_actors *a, const kh_story_view *v)
{
    memset(a, 0, sizeof *a);
    a->v = v;
}

const char *kh_view_text(const kh_story_view *c, size_t first, size_t end)
{
    /* The source bytes of tokens [first, end), for names and traces. */
    const kh_token *t = c->doc->tokens;
    if (first >= end)
        return "";
    size_t off = t[first].off, stop = t[end - 1].off + t[end - 1].len;
    size_t len = stop > off ? stop - off : 0;
    char *s = kh_arena_strndup(c->arena, c->text + off, len);
    if (!s)
        return "";
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
            s[i] = ' ';
    return s;
}

void kh_actors_story_aliases(kh_actors *a)
{
    const kh_doc *doc = a->v->doc;
    a->n_aliases = 0;
    for (size_t k = 0; k < doc->n_chunks && a->n_aliases < KH_ARRAY_LEN(a->aliases); k++) {
        const kh_chunk *np = &doc->chunks[k];
        size_t e = np->end;
        if (np->kind != KH_CHUNK_NP || e + 2 >= doc->n_tokens)
            continue;
        const kh_token *open = &doc->tokens[e], *acr = &doc->tokens[e + 1], *close = &doc->tokens[e + 2];
        if (open->norm_len != 1 || open->norm[0] != '(' || close->norm_len != 1 || close->norm[0] != ')' ||
            !(acr->flags & KH_TOK_UPPER) || acr->norm_len < 2 || acr->norm_len > 8)
            continue;
        /* An acronym the dictionary knows keeps its own meaning, unless the
         * story spells it out as another name ("Northern Provincial Council
         * (NPC)" is not China's NPC): then the story's meaning holds. */
        if (a->v->mnode[e + 1] && !kh_actors_spells(a->v, np, e + 1))
            continue;
        if (a->v->mnode[e + 1])
            kh_actors_forget_word(a->v, e + 1);
        actor x;
        if (!resolve_np1(a, (int32_t)k, 0, &x))
            continue;
        a->aliases[a->n_aliases].tok = e + 1;
        a->aliases[a->n_aliases].a = x;
        a->n_aliases++;
    }
}

/* The actor whose weapon or attack noun phrase `ci` names: an actor named
 * among its modifiers ("a Taliban attack"), else the armed forces of the
 * country a demonym or country name before the head gives ("Israeli air
 * strikes"), else the actor of a "by" phrase after it ("an attack by
 * militants"). Returns 1 when it found one. */
int kh_actors_owner(kh_actors *c, int32_t ci, actor *out)
{
    const kh_doc *doc = c->v->doc;
    const kh_dict *d = c->v->dict;
    const kh_chunk *np = &doc->chunks[ci];
    np_parts p;
    memset(&p, 0, sizeof p);
    scan_parts(c, np->first, np->head, &p);
    memset(out, 0, sizeof *out);
    out->first = np->first;
    out->end = np->end;
    out->name = kh_view_text(c->v, np->first, np->end);
    if (p.named && p.role) {
        out->code = kh_dict_str(d, p.role->code);
        return 1;
    }
    if (p.country && p.demonym) {
        out->code = join_codes(c, kh_dict_str(d, p.country->code),
                               p.agent && p.agent->code != KH_NONE ? kh_dict_str(d, p.agent->code) : "MIL");
        return 1;
    }
    size_t k = (size_t)ci + 1;
    if (k + 1 < doc->n_chunks && doc->chunks[k].kind == KH_CHUNK_PP && doc->chunks[k].first == np->end &&
        kh_view_word_is(c->v, doc->chunks[k].first, "by") && doc->chunks[k + 1].kind == KH_CHUNK_NP) {
        actor a[MAX_ACTORS];
        if (kh_actors_resolve_np(c, (int32_t)(k + 1), -1, a)) {
            *out = a[0];
            return 1;
        }
    }
    return 0;
}
