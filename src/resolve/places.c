/*
 * places.c: where an event happened, from its own clause: the first place
 * or country named in a prepositional phrase of location ("in", "at",
 * "near", "to" ...) or the object of a visit, looked up in the gazetteer
 * the dictionary image carries. A clause that names no place gives none:
 * the story's dateline is not stamped on its events.
 */
#include "resolve/places.h"

const kh_place *kh_place_of(const kh_story_view *c, const kh_clause *cl, const kh_chunk *vg)
{
    const kh_doc *doc = c->doc;
    const kh_dict *d = c->dict;
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
                pl = (kh_place *)kh_arena_calloc(c->arena, 1, sizeof *pl);
                if (!pl)
                    return NULL;
                pl->name = cty->name ? kh_dict_str(d, cty->name) : kh_dict_str(d, cty->code);
                pl->country = kh_dict_str(d, cty->code);
                pl->admin1 = "";
                pl->type = 1;
            } else if (best) {
                pl = (kh_place *)kh_arena_calloc(c->arena, 1, sizeof *pl);
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
