/*
 * places.h: where an event happened (places.c), for the clause coder.
 */
#ifndef KH_RESOLVE_PLACES_H
#define KH_RESOLVE_PLACES_H

#include "actors/actors.h"

/* The place clause cl names for its event (verb group vg): a country or a
 * gazetteer place in a phrase of location, or the object of a visit; NULL
 * when it names none (or out of memory). Allocated in v->arena. */
const kh_place *kh_place_of(const kh_story_view *v, const kh_clause *cl, const kh_chunk *vg);

/* The place an actor's own words name, tokens [first, end): a city or
 * country ("Tehran said", "Kabul police"); NULL when they name none (a
 * demonym or a person's name is no place) or out of memory. */
const kh_place *kh_actor_place_of(const kh_story_view *v, size_t first, size_t end);

#endif
