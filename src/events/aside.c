/*
 * aside.c: the subject of a verb that a participial aside separates from
 * it, for the clause coder (clause.c): "Militants claiming to hold three
 * UN workers met Afghan officials" gives the chunker a clause "claiming to
 * hold ..." with the subject and a clause "met ..." without one; the
 * subject of "met" is the aside's. The chunker flags the passive asides
 * itself ("fighters backed by Ankara attacked"); this is the -ing kind.
 * What it does not do: asides in commas after a relative pronoun ("who"),
 * coordinated verbs (the chunker gives those their subject), or any
 * clause whose aside has an auxiliary ("are holding" is a verb of its own).
 */
#include <string.h>

#include "events/coder.h"

/* The tokens between the aside's verb and the verb (first, end) hold no
 * verb, conjunction or relative word: the aside's object and modifiers. */
static int only_phrases(kh_coder *c, size_t first, size_t end)
{
    const kh_doc *doc = c->doc;
    for (size_t t = first; t < end; t++) {
        kh_upos u = (kh_upos)doc->upos[t];
        if (u == KH_UPOS_VERB || u == KH_UPOS_AUX || u == KH_UPOS_CCONJ || u == KH_UPOS_SCONJ ||
            (u == KH_UPOS_PUNCT && !kh_view_word_is(&c->view, t, ",")) || kh_view_word_is(&c->view, t, "who") ||
            kh_view_word_is(&c->view, t, "which") || kh_view_word_is(&c->view, t, "that"))
            return 0;
    }
    return 1;
}

int32_t kh_aside_subject(kh_coder *c, size_t cli)
{
    const kh_doc *doc = c->doc;
    const kh_clause *cl = &doc->clauses[cli];
    if (cl->subject >= 0 || cli == 0 || (cl->flags & (KH_CL_COORD | KH_CL_RELATIVE)))
        return -1;
    const kh_clause *p = &doc->clauses[cli - 1];
    if (p->sentence != cl->sentence || p->subject < 0)
        return -1;
    const kh_chunk *pv = &doc->chunks[p->verb], *vg = &doc->chunks[cl->verb];
    const kh_token *w = &doc->tokens[pv->aux_first];
    if (doc->chunks[p->subject].end != pv->aux_first || doc->upos[pv->aux_first] != KH_UPOS_VERB ||
        w->norm_len < 5 || memcmp(w->norm + w->norm_len - 3, "ing", 3) || pv->end > vg->aux_first ||
        !only_phrases(c, pv->end, vg->aux_first))
        return -1;
    return p->subject;
}
