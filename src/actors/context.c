/*
 * context.c: the country of an actor the text gives without one ("police",
 * "government troops", "villagers"), inferred from evidence in the story,
 * in this order:
 *
 *   1. the place of the event's own clause ("in Ahmedabad", "near Kirkuk");
 *   2. the only country the event's sentence names ("Sudanese troops
 *      recaptured the town from the paramilitary forces");
 *   3. the story's dateline ("TEHRAN (Reuters) -");
 *   4. the story's dominant country: the only country the story names (by
 *      name, demonym, capital or a gazetteer place, first-level regions
 *      included), or the one named at least twice and in at least half of
 *      all its country mentions; in a story that names none, the same
 *      counted over the countries of the actors it names ("the Times of
 *      India", "Tehrik-i-Taliban Pakistan").
 *
 * Only a bare role code (COP, MIL, CVL, ...) is completed; an actor the text
 * gives a country or an organisation to is never changed, and international
 * codes (IGO, NGO, ...) never take a country. When none of the four has
 * evidence, the code stays as it is. The coder marks every completed code as
 * inferred in the event's flags.
 *
 * Every code, given or inferred, then takes the country code of its story's
 * date (kh_actors_dated_country): the dictionary names states as they are
 * now ("Moscow", "German", a gazetteer town in Slovakia), and CAMEO codes a
 * story by the states of its day (USR before the Soviet Union's end, GMW
 * for West Germany, CZA, YUG, FRY, SCG).
 */
#include <strings.h>

#include "actors/actors.h"

/* Role codes that stand for an actor of some country (CAMEO table 3.1). */
static const char *const country_roles[] = {
    "GOV", "MIL", "REB", "OPP", "COP", "JUD", "LEG", "CVL", "BUS", "MED", "EDU", "HLH",
    "HRI", "LAB", "REF", "SPY", "ELI", "REL", "AGR", "ENV", "CRM", "UAF", "INS", "SEP",
    "PTY", "MOD", "RAD", "DEV", NULL};

int kh_actors_code_needs_country(const char *code)
{
    if (!code || strlen(code) < 3 || strlen(code) % 3 != 0)
        return 0;
    for (size_t i = 0; country_roles[i]; i++)
        if (!strncmp(code, country_roles[i], 3))
            return 1;
    return 0;
}

/* The country of a country-prefixed actor code ("INDMED", "PAKREBTTP"), as
 * the dictionary's string; NULL for international codes and bare roles. */
static const char *code_country(const kh_dict *d, const char *code)
{
    if (!code || strlen(code) < 3)
        return NULL;
    for (size_t k = 0; k < d->n_countries; k++) {
        const char *cc = kh_dict_str(d, d->countries[k].code);
        if (!strncmp(cc, code, 3))
            return cc;
    }
    return NULL;
}

/* The country a trie node names, as a name, demonym, capital or the most
 * populous gazetteer place of that name; NULL when none. */
static const char *node_country(const kh_dict *d, uint32_t node, int places)
{
    const kh_trie_node *n = &d->nodes[node];
    const kh_place_rec *best = NULL;
    if (kh_node_is_role_word(d, node))
        return NULL;
    for (uint32_t k = 0; k < n->n_payloads; k++) {
        const kh_payload *pl = &d->payloads[n->first_payload + k];
        if (pl->kind == KH_P_COUNTRY || pl->kind == KH_P_DEMONYM || pl->kind == KH_P_CAPITAL)
            return kh_dict_str(d, d->countries[pl->ref].code);
        if (pl->kind == KH_P_PLACE && places &&
            (!best || d->places[pl->ref].population > best->population))
            best = &d->places[pl->ref];
    }
    return best ? kh_dict_str(d, best->country) : NULL;
}

/* The country of a dateline ("KUALA LUMPUR", "SALVADOR, Feb 26 -"): the
 * longest run of its first words that the dictionary knows as a place. */
static const char *dateline_country(const kh_dict *d, const char *dl)
{
    if (!dl)
        return NULL;
    uint32_t node = 0;
    const char *found = NULL;
    const char *p = dl;
    for (int words = 0; words < 4; words++) {
        while (*p == ' ')
            p++;
        size_t n = 0;
        while (p[n] && p[n] != ' ' && p[n] != ',' && p[n] != '-' && p[n] != '(')
            n++;
        if (!n)
            break;
        uint32_t w = kh_dict_word(d, p, n);
        node = w == KH_NONE ? 0 : kh_dict_child(d, node, w);
        if (!node)
            break;
        const char *c = d->nodes[node].n_payloads ? node_country(d, node, 1) : NULL;
        if (c)
            found = c;
        p += n;
        if (*p != ' ')
            break;
    }
    return found;
}

/* The next country named in tokens [*i, end) (by name, demonym, capital or
 * a gazetteer place), moving *i past it; NULL when there is none. */
static const char *next_country(const kh_story_view *v, size_t *i, size_t end)
{
    while (*i < end) {
        size_t t = *i;
        if (!v->mnode[t]) {
            (*i)++;
            continue;
        }
        size_t len = v->mlen[t] ? v->mlen[t] : 1;
        *i += len;
        const char *c = node_country(v->dict, v->mnode[t],
                                     kh_view_place_words(v, t, len) && !kh_view_inside_longer_name(v, t));
        if (c)
            return c;
    }
    return NULL;
}

/* The next named actor of some country in tokens [*i, end) ("the Times of
 * India", "Tehrik-i-Taliban Pakistan"), moving *i past it: that country,
 * with the actor's code at the story's date. */
static const char *next_actor_country(const kh_story_view *v, size_t *i, size_t end)
{
    const kh_dict *d = v->dict;
    while (*i < end) {
        size_t t = *i;
        if (!v->mnode[t]) {
            (*i)++;
            continue;
        }
        *i += v->mlen[t] ? v->mlen[t] : 1;
        const kh_payload *pl = kh_node_payload(d, v->mnode[t], KH_P_ACTOR, KH_NONE);
        const kh_role *r = pl ? kh_dict_actor_role(d, &d->actors[pl->ref], v->days) : NULL;
        const char *c = r ? code_country(d, kh_dict_str(d, r->code)) : NULL;
        if (c)
            return c;
    }
    return NULL;
}

/* The country named most in the story, when the evidence is clear: by its
 * names, demonyms, capitals and places; when it names none, by the
 * countries of the actors it names. */
static const char *dominant_country(const kh_story_view *v)
{
    enum { MAX_SEEN = 16 };
    const char *seen[MAX_SEEN];
    size_t count[MAX_SEEN], n_seen = 0, total = 0;
    const char *c;
    for (size_t i = 0, pass = 0; pass < 2; pass++, i = 0) {
        if (pass == 1 && n_seen)
            break;
        while ((c = (pass ? next_actor_country : next_country)(v, &i, v->doc->n_tokens)) != NULL) {
            total++;
            size_t k = 0;
            while (k < n_seen && strcmp(seen[k], c))
                k++;
            if (k == n_seen) {
                if (n_seen == MAX_SEEN)
                    continue;
                seen[n_seen] = c, count[n_seen++] = 0;
            }
            count[k]++;
        }
    }
    size_t best = 0;
    for (size_t k = 1; k < n_seen; k++)
        if (count[k] > count[best])
            best = k;
    if (!n_seen || (n_seen > 1 && (count[best] < 2 || count[best] * 2 < total)))
        return NULL;
    for (size_t k = 0; k < n_seen; k++)
        if (k != best && count[k] == count[best])
            return NULL; /* a tie is no evidence */
    return seen[best];
}

/* States of another day: a code of `now` in a story dated in [from, until)
 * is one of `then` (a zero year is an open end). A state that passed through
 * several predecessors has one row per period. Dates: the USSR's end
 * (1991-12-26; the Baltic states' recognition 1991-09-06), German
 * reunification (1990-10-03), Czechoslovakia's split (1993-01-01), the
 * Yugoslav republics' independence (Slovenia and Croatia 1991-06-25,
 * Macedonia 1991-09-08, Bosnia 1992-03-03), the Federal Republic of
 * Yugoslavia (1992-04-27; "Yugoslavia" then names it) and Serbia and
 * Montenegro (2003-02-04 to Montenegro's independence, 2006-06-03),
 * Kosovo's independence (2008-02-17), Yemen's unification (1990-05-22:
 * North Yemen, whose capital was Sanaa, was the state most stories meant)
 * and South Sudan's independence (2011-07-09). */
static const struct former_state {
    char now[4], then[4];
    kh_date from, until;
} former_states[] = {
#define KH_UNTIL(y, m, d) {0, 0, 0}, {y, m, d}
    {"RUS", "USR", KH_UNTIL(1991, 12, 26)}, {"UKR", "USR", KH_UNTIL(1991, 12, 26)},
    {"BLR", "USR", KH_UNTIL(1991, 12, 26)}, {"MDA", "USR", KH_UNTIL(1991, 12, 26)},
    {"GEO", "USR", KH_UNTIL(1991, 12, 26)}, {"ARM", "USR", KH_UNTIL(1991, 12, 26)},
    {"AZE", "USR", KH_UNTIL(1991, 12, 26)}, {"KAZ", "USR", KH_UNTIL(1991, 12, 26)},
    {"UZB", "USR", KH_UNTIL(1991, 12, 26)}, {"TKM", "USR", KH_UNTIL(1991, 12, 26)},
    {"KGZ", "USR", KH_UNTIL(1991, 12, 26)}, {"TJK", "USR", KH_UNTIL(1991, 12, 26)},
    {"EST", "USR", KH_UNTIL(1991, 9, 6)},   {"LVA", "USR", KH_UNTIL(1991, 9, 6)},
    {"LTU", "USR", KH_UNTIL(1991, 9, 6)},   {"DEU", "GMW", KH_UNTIL(1990, 10, 3)},
    {"CZE", "CZA", KH_UNTIL(1993, 1, 1)},   {"SVK", "CZA", KH_UNTIL(1993, 1, 1)},
    {"SVN", "YUG", KH_UNTIL(1991, 6, 25)},  {"HRV", "YUG", KH_UNTIL(1991, 6, 25)},
    {"MKD", "YUG", KH_UNTIL(1991, 9, 8)},   {"BIH", "YUG", KH_UNTIL(1992, 3, 3)},
    {"YEM", "YMN", KH_UNTIL(1990, 5, 22)},  {"SSD", "SDN", KH_UNTIL(2011, 7, 9)},
    {"SRB", "YUG", KH_UNTIL(1992, 4, 27)},  {"MNE", "YUG", KH_UNTIL(1992, 4, 27)},
    {"KSV", "YUG", KH_UNTIL(1992, 4, 27)},
#undef KH_UNTIL
    {"SRB", "FRY", {1992, 4, 27}, {2003, 2, 4}}, {"MNE", "FRY", {1992, 4, 27}, {2003, 2, 4}},
    {"KSV", "FRY", {1992, 4, 27}, {2003, 2, 4}}, {"YUG", "FRY", {1992, 4, 27}, {2003, 2, 4}},
    {"SRB", "SCG", {2003, 2, 4}, {2006, 6, 3}},  {"MNE", "SCG", {2003, 2, 4}, {2006, 6, 3}},
    {"KSV", "SCG", {2003, 2, 4}, {2006, 6, 3}},  {"YUG", "SCG", {2003, 2, 4}, {2006, 6, 3}},
    {"KSV", "SRB", {2006, 6, 3}, {2008, 2, 17}},
};

const char *kh_actors_dated_country(kh_actors *a, const char *code)
{
    int64_t days = a->v->days;
    if (days == KH_DAYS_MIN || !code || strlen(code) < 3)
        return code;
    const struct former_state *hit = NULL;
    for (size_t i = 0; i < KH_ARRAY_LEN(former_states) && !hit; i++) {
        const struct former_state *f = &former_states[i];
        if (!strncmp(code, f->now, 3) && (!f->from.year || days >= kh_date_to_days(f->from)) &&
            days < kh_date_to_days(f->until))
            hit = f;
    }
    /* Only a dictionary that lists the former state codes with it: one with
     * its own conventions (a peer's, a test's) keeps its codes. */
    if (!hit || !code_country(a->v->dict, hit->then))
        return code;
    size_t n = strlen(code);
    char *s = (char *)kh_arena_alloc(a->v->arena, n + 1);
    if (!s)
        return code;
    memcpy(s, code, n + 1);
    memcpy(s, hit->then, 3);
    return s;
}

void kh_actors_story_context(kh_actors *a, const char *dateline)
{
    a->dateline_country = dateline_country(a->v->dict, dateline);
    a->story_country = dominant_country(a->v);
}

/* The one country sentence si names; NULL when none, "" when several. */
static const char *sentence_country_of(const kh_story_view *v, size_t si)
{
    const kh_sentence *se = &v->doc->sentences[si];
    const char *found = NULL, *c;
    for (size_t i = se->first_token; (c = next_country(v, &i, se->first_token + se->n_tokens)) != NULL;) {
        if (found && strcmp(c, found))
            return "";
        found = c;
    }
    return found;
}

const char *kh_actors_with_country(kh_actors *a, const char *code, const kh_place *place,
                                   size_t si, const char *other, const char **why)
{
    const char *sentence_country = NULL;
    *why = NULL;
    if (!kh_actors_code_needs_country(code))
        return code;
    const char *cc = NULL;
    if (!(place && place->country && strlen(place->country) == 3)) {
        /* The sentence's own names, and the country of the event's other
         * side (which the text gave it): one country between them. */
        sentence_country = sentence_country_of(a->v, si);
        if (other && strlen(other) >= 3 && !kh_actors_code_needs_country(other) &&
            kh_is_upper((unsigned char)other[0]) && strncmp(other, "IGO", 3) &&
            strncmp(other, "NGO", 3) && strncmp(other, "IMG", 3) && strncmp(other, "NGM", 3) &&
            strncmp(other, "MNC", 3)) {
            if (!sentence_country)
                sentence_country = other;
            else if (*sentence_country && strncmp(sentence_country, other, 3))
                sentence_country = "";
        }
    }
    if (place && place->country && strlen(place->country) == 3)
        cc = place->country, *why = "the clause's place";
    else if (sentence_country && *sentence_country)
        cc = sentence_country, *why = "the only country its sentence names";
    else if (a->dateline_country)
        cc = a->dateline_country, *why = "the dateline";
    else if (a->story_country)
        cc = a->story_country, *why = "the story's country";

    if (!cc)
        return code;
    size_t cl = strlen(code);
    char *s = (char *)kh_arena_alloc(a->v->arena, 3 + cl + 1);
    if (!s) {
        *why = NULL;
        return code;
    }
    memcpy(s, cc, 3);
    memcpy(s + 3, code, cl + 1);
    return s;
}
