/*
 * targets.c: which noun phrase after a verb is the party an act is done
 * to, for the events stage's target choice (events/clause.c). The actors
 * stage (actors.c) says what actor a phrase names; this file says which
 * phrases are candidates at all. It reads the story view and keeps no
 * state.
 */
#include "actors/actors.h"

/* "shot them dead along the border", "clashes across the region",
 * "raids throughout the province": a phrase after a preposition of extent
 * says over what area the act happened, never at whom. Prepositions of a
 * point ("in", "at", "near", "outside") are left out: an attack there is
 * often aimed at the place ("a bomb exploded near a police post", "fired
 * rockets in Sderot"), and "into"/"on" name the aim itself. */
int kh_actors_locative(const kh_story_view *v, size_t i)
{
    static const char *const preps[] = {"along", "across", "throughout", "within", NULL};
    for (size_t k = 0; preps[k]; k++)
        if (kh_view_word_is(v, i, preps[k]))
            return 1;
    return 0;
}
