/*
 * lookup.c: asking a dictionary what a phrase means (khaldun dict lookup,
 * the dictionary tests, and the explorer and Python clients to come) and
 * which event codes its verb patterns cover. Not on the coder's hot path.
 */
#include "dict/dict.h"

size_t kh_dict_lookup(const kh_dict *d, kh_scratch *scratch, const char *text, size_t len,
                      kh_date date, kh_phrase_fn fn, void *ctx)
{
    if (!d || !scratch || !text || !fn)
        return 0;
    kh_unit unit;
    kh_story story;
    kh_story_from_text(&story, &unit, text, len);
    const kh_doc *doc;
    if (kh_analyze(scratch, NULL, &story, KH_ANALYZE_TOKENS, &doc) != KH_OK || !doc->n_tokens)
        return 0;
    uint32_t node = 0;
    for (size_t i = 0; i < doc->n_tokens && node != KH_NONE; i++) {
        uint32_t w = kh_dict_word(d, doc->tokens[i].norm, doc->tokens[i].norm_len);
        node = kh_dict_child(d, node, w);
        if (!node)
            return 0;
    }
    int64_t days = date.year ? kh_date_to_days(date) : KH_DAYS_MIN;
    const kh_trie_node *n = &d->nodes[node];
    for (uint32_t k = 0; k < n->n_payloads; k++) {
        const kh_payload *p = &d->payloads[n->first_payload + k];
        kh_phrase_info info;
        memset(&info, 0, sizeof info);
        info.note = "";
        info.kind = (kh_phrase_kind)p->kind;
        switch (p->kind) {
        case KH_P_ACTOR: {
            const kh_actor_rec *a = &d->actors[p->ref];
            const kh_role *r = kh_dict_actor_role(d, a, days);
            info.code = r ? kh_dict_str(d, r->code) : "";
            info.name = kh_dict_str(d, a->name);
            info.note = kh_dict_str(d, a->note);
            break;
        }
        case KH_P_COUNTRY: case KH_P_DEMONYM: case KH_P_CAPITAL:
            info.code = kh_dict_str(d, d->countries[p->ref].code);
            info.name = kh_dict_str(d, d->countries[p->ref].name);
            break;
        case KH_P_AGENT:
            info.code = d->agents[p->ref].code == KH_NONE ? "*" : kh_dict_str(d, d->agents[p->ref].code);
            info.name = kh_dict_str(d, d->agents[p->ref].name);
            break;
        case KH_P_PLACE:
            info.code = kh_dict_str(d, d->places[p->ref].country);
            info.name = kh_dict_str(d, d->places[p->ref].name);
            break;
        case KH_P_SYNSET:
            info.code = kh_dict_str(d, d->synsets[p->ref].name);
            info.name = info.code;
            break;
        default:
            continue;
        }
        fn(ctx, &info);
    }
    return n->n_payloads;
}

kh_status kh_dict_code_info(const kh_dict *d, size_t i, kh_code_info *out)
{
    if (!d || !out || i >= d->n_codes)
        return KH_ERR_INVALID;
    const kh_code_rec *c = &d->codes[i];
    out->code = kh_dict_str(d, c->code);
    out->name = kh_dict_str(d, c->name);
    out->goldstein = c->goldstein;
    out->quad = (int)c->quad;
    out->patterns = 0;
    for (size_t p = 0; p < d->n_patterns; p++)
        if (d->patterns[p].code == i)
            out->patterns++;
    return KH_OK;
}
