/*
 * places.c: where an event happened, from its own clause: the first place
 * or country named in a prepositional phrase of location ("in", "at",
 * "near", "to" ...) or the object of a visit, looked up in the gazetteer
 * the dictionary image carries. A clause that names no place gives none:
 * the story's dateline is not stamped on its events.
 */
#include "resolve/places.h"

/* A capital's name names a gazetteer place of its country only when that
 * place has at least this many people (the capital itself, not a namesake). */
#define CAPITAL_MIN_POPULATION 100000u

/* The first country or gazetteer place named in tokens [from, end) (a role
 * word is no place); NULL when none, with *failed set when out of memory.
 * A capital's name with no gazetteer place of its own is its country when
 * `capital_country`, else only when the gazetteer's places of that name
 * are all namesakes elsewhere. */
static const kh_place *place_in(const kh_story_view *c, size_t from, size_t end,
                                int capital_country, int *failed)
{
    const kh_dict *d = c->dict;
    *failed = 0;
    for (size_t i = from; i < end; i++) {
        uint32_t node = c->mnode[i];
        if (!node || i + c->mlen[i] > end || kh_node_is_role_word(d, node))
            continue;
        int place_words = kh_view_place_words(c, i, c->mlen[i] ? c->mlen[i] : 1) &&
                          !kh_view_inside_longer_name(c, i);
        const kh_trie_node *n = &d->nodes[node];
        const kh_place_rec *best = NULL;
        const kh_country_rec *cty = NULL, *capital_of = NULL;
        for (uint32_t q = 0; q < n->n_payloads; q++) {
            const kh_payload *pl = &d->payloads[n->first_payload + q];
            if (pl->kind == KH_P_CAPITAL && !capital_of)
                capital_of = &d->countries[pl->ref];
            else if (pl->kind == KH_P_COUNTRY && !cty)
                cty = &d->countries[pl->ref];
        }
        /* The largest place of the name; a capital's name means the capital:
         * the place of that name in its country when it is a city of some
         * size, else the country ("Washington": neither the town in England
         * nor the one in Utah, as the gazetteer calls the capital "Washington
         * D.C."). */
        int namesakes = 0;
        for (uint32_t q = 0; place_words && q < n->n_payloads; q++) {
            const kh_payload *pl = &d->payloads[n->first_payload + q];
            if (pl->kind != KH_P_PLACE)
                continue;
            const kh_place_rec *pr = &d->places[pl->ref];
            namesakes = 1;
            if (capital_of && strcmp(kh_dict_str(d, pr->country), kh_dict_str(d, capital_of->code)))
                continue;
            if (!best || pr->population > best->population)
                best = pr;
        }
        if (best && capital_of && best->population < CAPITAL_MIN_POPULATION)
            best = NULL;
        if (!best && capital_of && place_words && (capital_country || namesakes))
            cty = capital_of; /* the capital's gazetteer name differs ("Washington D.C."): the country */
        if (!cty && !best)
            continue;
        kh_place *pl = (kh_place *)kh_arena_calloc(c->arena, 1, sizeof *pl);
        if (!pl) {
            *failed = 1;
            return NULL;
        }
        if (cty) {
            pl->name = cty->name ? kh_dict_str(d, cty->name) : kh_dict_str(d, cty->code);
            pl->country = kh_dict_str(d, cty->code);
            pl->admin1 = "";
            pl->type = 1;
        } else {
            pl->name = kh_dict_str(d, best->name);
            pl->country = kh_dict_str(d, best->country);
            pl->admin1 = kh_dict_str(d, best->admin1);
            pl->lat = best->lat;
            pl->lon = best->lon;
            pl->has_coords = 1;
            pl->type = 4;
            pl->feature_id = best->feature_id;
        }
        return pl;
    }
    return NULL;
}

const kh_place *kh_actor_place_of(const kh_story_view *v, size_t first, size_t end)
{
    int failed;
    return first < end ? place_in(v, first, end, 1, &failed) : NULL;
}

const kh_place *kh_place_of(const kh_story_view *c, const kh_clause *cl, const kh_chunk *vg)
{
    const kh_doc *doc = c->doc;
    int failed;
    for (size_t k = kh_chunk_from(doc, cl->first); k < doc->n_chunks; k++) {
        const kh_chunk *pp = &doc->chunks[k];
        if (pp->sentence != cl->sentence || pp->first < cl->first || pp->first >= cl->end)
            continue;
        int object_np = pp->kind == KH_CHUNK_NP && (int32_t)k == cl->object && vg->lemma &&
                        (!strcmp(vg->lemma, "visit") || !strcmp(vg->lemma, "tour"));
        if (pp->kind != KH_CHUNK_PP && !object_np)
            continue;
        size_t from = pp->first;
        if (pp->kind == KH_CHUNK_PP) {
            if (!(kh_view_word_is(c, pp->head, "in") || kh_view_word_is(c, pp->head, "at") ||
                  kh_view_word_is(c, pp->head, "to") || kh_view_word_is(c, pp->head, "near") ||
                  kh_view_word_is(c, pp->head, "inside") || kh_view_word_is(c, pp->head, "outside")))
                continue;
            from = pp->head + 1;
        }
        const kh_place *pl = place_in(c, from, pp->end, 0, &failed);
        if (pl || failed)
            return pl;
    }
    return NULL;
}
