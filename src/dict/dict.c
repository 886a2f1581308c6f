/*
 * dict.c: loading a compiled dictionary image and the lookups the coder
 * makes in its hot loop: word ids, trie steps, event codes, verb patterns,
 * and an actor's role on a date. Every offset and index in the image is
 * checked once at load (kh_dict_from_memory), so lookups need no checks.
 */
#include <math.h>
#include <stdio.h>

#include "dict/dict.h"

enum {
    SEC_STRINGS = 1, SEC_WORDS, SEC_WORD_SLOTS, SEC_NODES, SEC_EDGES, SEC_PAYLOADS,
    SEC_ACTORS, SEC_ROLES, SEC_COUNTRIES, SEC_AGENTS, SEC_PLACES, SEC_SYNSETS, SEC_CODES,
    SEC_PATTERNS, SEC_ELEMS, SEC_ALTS,
    SEC_OPTIONS /* optional: the peer coder's settings (a TABARI .options file) */
};

uint64_t kh_dict_word_hash(const char *s, size_t len) { return kh_hash64(s, len, 0x776f7264u); }

uint64_t kh_dict_edge_hash(uint32_t parent, uint32_t word)
{
    uint64_t x = (uint64_t)parent << 32 | word;
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ULL;
    x ^= x >> 27;
    x *= 0x81dadef4bc2dd44dULL;
    x ^= x >> 33;
    return x;
}

size_t kh_dict_fold(const char *s, size_t len, char *out)
{
    for (size_t i = 0; i < len; i++)
        out[i] = (char)kh_to_lower((unsigned char)s[i]);
    return len;
}

uint32_t kh_dict_word(const kh_dict *d, const char *s, size_t len)
{
    char small[128];
    if (!d->n_word_slots || len == 0 || len > sizeof small)
        return KH_NONE;
    kh_dict_fold(s, len, small);
    size_t mask = d->n_word_slots - 1;
    size_t j = kh_dict_word_hash(small, len) & mask;
    for (size_t probes = 0; probes <= mask; probes++) {
        uint32_t v = d->word_slots[j];
        if (!v)
            return KH_NONE;
        const kh_word_rec *w = &d->words[v - 1];
        if (w->len == len && memcmp(d->strings + w->str, small, len) == 0)
            return v - 1;
        j = (j + 1) & mask;
    }
    return KH_NONE;
}

uint32_t kh_dict_child(const kh_dict *d, uint32_t node, uint32_t word)
{
    if (!d->n_edges || word == KH_NONE)
        return 0;
    if (node == 0 && d->root_child)
        return word < d->n_words ? d->root_child[word] : 0;
    size_t mask = d->n_edges - 1;
    size_t j = kh_dict_edge_hash(node, word) & mask;
    for (size_t probes = 0; probes <= mask; probes++) {
        const kh_trie_edge *e = &d->edges[j];
        if (!e->child)
            return 0;
        if (e->parent == node && e->word == word)
            return e->child;
        j = (j + 1) & mask;
    }
    return 0;
}

const kh_code_rec *kh_dict_code(const kh_dict *d, const char *code, size_t len)
{
    size_t lo = 0, hi = d->n_codes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *s = d->strings + d->codes[mid].code;
        size_t sl = strlen(s);
        int c = memcmp(s, code, sl < len ? sl : len);
        if (c == 0)
            c = sl < len ? -1 : sl > len ? 1 : 0;
        if (c == 0)
            return &d->codes[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

size_t kh_dict_patterns(const kh_dict *d, uint32_t word, size_t *first)
{
    if (d->pat_first && word < d->n_words) {
        *first = d->pat_first[word];
        return d->pat_first[word + 1] - d->pat_first[word];
    }
    size_t lo = 0, hi = d->n_patterns;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->patterns[mid].verb < word)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < d->n_patterns && d->patterns[end].verb == word)
        end++;
    *first = lo;
    return end - lo;
}

const kh_role *kh_dict_actor_role(const kh_dict *d, const kh_actor_rec *a, int64_t days)
{
    const kh_role *r = d->roles + a->first_role;
    if (days == KH_DAYS_MIN) {
        /* Unknown date: the role that is open at the end (current), else the
         * one without a range, else the first. */
        for (uint32_t i = 0; i < a->n_roles; i++)
            if (r[i].to == KH_DAYS_MAX)
                return &r[i];
        return &r[0];
    }
    for (uint32_t i = 0; i < a->n_roles; i++)
        if (r[i].from <= days && days <= r[i].to)
            return &r[i];
    return NULL;
}

/* ---------------------------------------------------------------------- */

#define GET(id, field, count, T)                                                  \
    do {                                                                          \
        size_t len_;                                                              \
        const void *p_ = kh_image_section(&d->img, (id), &len_);                  \
        if (!p_ || len_ % sizeof(T)) {                                            \
            st = kh_error_set(err, KH_ERR_CORRUPT, 0, 0, "dictionary image: bad section %d", (id)); \
            goto fail;                                                            \
        }                                                                         \
        d->field = (const T *)p_;                                                 \
        d->count = len_ / sizeof(T);                                              \
    } while (0)

#define BAD(...)                                                                  \
    do {                                                                          \
        st = kh_error_set(err, KH_ERR_CORRUPT, 0, 0, __VA_ARGS__);                \
        goto fail;                                                                \
    } while (0)

static int str_ok(const kh_dict *d, uint32_t off) { return off < d->strings_len; }

/* kh_dict.pat_first and pat_need, from patterns (sorted by verb) and
 * elements already checked. */
static void pattern_needs(kh_dict *d)
{
    d->pat_first = (uint32_t *)kh_calloc(d->alloc, d->n_words + 1, sizeof *d->pat_first);
    for (size_t w = 0, i = 0; d->pat_first && w <= d->n_words; w++) {
        while (i < d->n_patterns && d->patterns[i].verb < w)
            i++;
        d->pat_first[w] = (uint32_t)i;
    }
    d->pat_need = d->n_patterns ? (uint32_t *)kh_calloc(d->alloc, d->n_patterns, sizeof *d->pat_need) : NULL;
    for (size_t i = 0; d->pat_need && i < d->n_patterns; i++) {
        const kh_pattern *p = &d->patterns[i];
        uint32_t need = 0, n = 0;
        for (uint32_t k = 0; k < p->n_elems && n < 3; k++) {
            const kh_elem *e = &d->elems[p->first_elem + k];
            if (k != p->verb_pos && e->kind == KH_E_WORD)
                need |= (uint32_t)kh_word_bit(e->ref) << (8 * n++);
        }
        d->pat_need[i] = need | n << 24;
    }
}

/* Maps each section of the image onto its table and checks the string pool and table sizes. */
static kh_status map_sections(kh_dict *d, kh_error *err)
{
    kh_status st = KH_OK;
    size_t slen;
    d->strings = (const char *)kh_image_section(&d->img, SEC_STRINGS, &slen);
    if (!d->strings || slen == 0 || d->strings[slen - 1] != '\0')
        BAD("dictionary image: bad string pool");
    d->strings_len = slen;
    GET(SEC_WORDS, words, n_words, kh_word_rec);
    GET(SEC_WORD_SLOTS, word_slots, n_word_slots, uint32_t);
    GET(SEC_NODES, nodes, n_nodes, kh_trie_node);
    GET(SEC_EDGES, edges, n_edges, kh_trie_edge);
    GET(SEC_PAYLOADS, payloads, n_payloads, kh_payload);
    GET(SEC_ACTORS, actors, n_actors, kh_actor_rec);
    GET(SEC_ROLES, roles, n_roles, kh_role);
    GET(SEC_COUNTRIES, countries, n_countries, kh_country_rec);
    GET(SEC_AGENTS, agents, n_agents, kh_agent_rec);
    GET(SEC_PLACES, places, n_places, kh_place_rec);
    GET(SEC_SYNSETS, synsets, n_synsets, kh_synset_rec);
    GET(SEC_CODES, codes, n_codes, kh_code_rec);
    GET(SEC_PATTERNS, patterns, n_patterns, kh_pattern);
    GET(SEC_ELEMS, elems, n_elems, kh_elem);
    GET(SEC_ALTS, alts, n_alts, uint32_t);
    size_t olen;
    const char *opts = (const char *)kh_image_section(&d->img, SEC_OPTIONS, &olen);
    if (opts && (!olen || opts[olen - 1] != '\0'))
        BAD("dictionary image: bad options section");
    d->peer_options = opts;
    if (d->n_word_slots & (d->n_word_slots - 1) || d->n_edges & (d->n_edges - 1))
        BAD("dictionary image: hash table sizes are not powers of two");
    if (d->n_nodes == 0)
        BAD("dictionary image: no trie root");
    return KH_OK;
fail:
    return st;
}

/* Every index in the word, trie and payload tables points inside its table;
 * builds the root's child table on the way. */
static kh_status check_lookup(kh_dict *d, kh_error *err)
{
    kh_status st = KH_OK;
    size_t slen = d->strings_len;
    for (size_t i = 0; i < d->n_words; i++)
        if (!str_ok(d, d->words[i].str) || d->words[i].len > slen - 1 - d->words[i].str)
            BAD("dictionary image: word %zu out of bounds", i);
    for (size_t i = 0; i < d->n_word_slots; i++)
        if (d->word_slots[i] > d->n_words)
            BAD("dictionary image: word slot %zu out of bounds", i);
    /* The root's children by word, for kh_dict_child (its most frequent step). */
    d->root_child = d->n_words ? (uint32_t *)kh_calloc(d->alloc, d->n_words, sizeof *d->root_child) : NULL;
    for (size_t i = 0; i < d->n_edges; i++) {
        const kh_trie_edge *e = &d->edges[i];
        if (e->child && (e->child >= d->n_nodes || e->parent >= d->n_nodes || e->word >= d->n_words))
            BAD("dictionary image: trie edge %zu out of bounds", i);
        if (e->child && e->parent == 0 && d->root_child)
            d->root_child[e->word] = e->child;
    }
    for (size_t i = 0; i < d->n_nodes; i++) {
        const kh_trie_node *n = &d->nodes[i];
        if (n->first_payload > d->n_payloads || n->n_payloads > d->n_payloads - n->first_payload)
            BAD("dictionary image: trie node %zu out of bounds", i);
    }
    for (size_t i = 0; i < d->n_payloads; i++) {
        const kh_payload *p = &d->payloads[i];
        size_t lim;
        switch (p->kind) {
        case KH_P_ACTOR: lim = d->n_actors; break;
        case KH_P_COUNTRY: case KH_P_DEMONYM: case KH_P_CAPITAL: lim = d->n_countries; break;
        case KH_P_AGENT: lim = d->n_agents; break;
        case KH_P_PLACE: lim = d->n_places; break;
        case KH_P_SYNSET: lim = d->n_synsets; break;
        default: BAD("dictionary image: payload %zu has an unknown kind", i);
        }
        if (p->ref >= lim)
            BAD("dictionary image: payload %zu out of bounds", i);
    }
    return KH_OK;
fail:
    return st;
}

/* Every actor, role, country, agent, place, synset and event code names strings in the pool. */
static kh_status check_records(const kh_dict *d, kh_error *err)
{
    kh_status st = KH_OK;
    for (size_t i = 0; i < d->n_actors; i++) {
        const kh_actor_rec *a = &d->actors[i];
        if (!str_ok(d, a->name) || !str_ok(d, a->note) || !str_ok(d, a->src) || a->n_roles == 0 ||
            a->first_role > d->n_roles || a->n_roles > d->n_roles - a->first_role)
            BAD("dictionary image: actor %zu out of bounds", i);
    }
    for (size_t i = 0; i < d->n_roles; i++)
        if (!str_ok(d, d->roles[i].code))
            BAD("dictionary image: role %zu out of bounds", i);
    for (size_t i = 0; i < d->n_countries; i++)
        if (!str_ok(d, d->countries[i].code) || !str_ok(d, d->countries[i].name))
            BAD("dictionary image: country %zu out of bounds", i);
    for (size_t i = 0; i < d->n_agents; i++)
        if ((d->agents[i].code != KH_NONE && !str_ok(d, d->agents[i].code)) ||
            !str_ok(d, d->agents[i].name))
            BAD("dictionary image: agent %zu out of bounds", i);
    for (size_t i = 0; i < d->n_places; i++)
        if (!str_ok(d, d->places[i].name) || !str_ok(d, d->places[i].country) ||
            !str_ok(d, d->places[i].admin1) || !isfinite(d->places[i].lat) ||
            !isfinite(d->places[i].lon))
            BAD("dictionary image: place %zu out of bounds", i);
    for (size_t i = 0; i < d->n_synsets; i++)
        if (!str_ok(d, d->synsets[i].name))
            BAD("dictionary image: synset %zu out of bounds", i);
    for (size_t i = 0; i < d->n_codes; i++)
        if (!str_ok(d, d->codes[i].code) || !str_ok(d, d->codes[i].name) || d->codes[i].quad > 4 ||
            !isfinite(d->codes[i].goldstein))
            BAD("dictionary image: event code %zu out of bounds", i);
    return KH_OK;
fail:
    return st;
}

/* Patterns are sorted by verb and their elements and alternatives point inside their tables. */
static kh_status check_patterns(const kh_dict *d, kh_error *err)
{
    kh_status st = KH_OK;
    for (size_t i = 0; i < d->n_patterns; i++) {
        const kh_pattern *p = &d->patterns[i];
        if (p->verb >= d->n_words || p->code >= d->n_codes || !str_ok(d, p->src) ||
            !str_ok(d, p->text) || !str_ok(d, p->code2) || p->first_elem > d->n_elems ||
            p->n_elems > d->n_elems - p->first_elem || p->verb_pos >= p->n_elems ||
            (i && d->patterns[i - 1].verb > p->verb))
            BAD("dictionary image: pattern %zu out of bounds", i);
    }
    for (size_t i = 0; i < d->n_elems; i++) {
        const kh_elem *e = &d->elems[i];
        switch (e->kind) {
        case KH_E_WORD: case KH_E_VERB:
            if (e->ref >= d->n_words) BAD("dictionary image: element %zu out of bounds", i);
            break;
        case KH_E_SYNSET:
            if (e->ref >= d->n_synsets) BAD("dictionary image: element %zu out of bounds", i);
            break;
        case KH_E_ALT:
            if (e->ref > d->n_alts || e->aux > d->n_alts - e->ref)
                BAD("dictionary image: element %zu out of bounds", i);
            break;
        case KH_E_TARGET: case KH_E_SOURCE: case KH_E_SKIP: case KH_E_COMPOUND: break;
        default: BAD("dictionary image: element %zu has an unknown kind", i);
        }
    }
    for (size_t i = 0; i < d->n_alts; i++)
        if (d->alts[i] >= d->n_words)
            BAD("dictionary image: alternative %zu out of bounds", i);
    return KH_OK;
fail:
    return st;
}

static kh_status validate(kh_dict *d, kh_error *err)
{
    kh_status st = map_sections(d, err);
    if (!st) st = check_lookup(d, err);
    if (!st) st = check_records(d, err);
    if (!st) st = check_patterns(d, err);
    if (!st)
        pattern_needs(d);
    if (!st)
        snprintf(d->hash_hex, sizeof d->hash_hex, "%016llx", (unsigned long long)d->img.checksum);
    return st;
}

static kh_status finish_load(kh_dict *d, kh_dict **out, kh_error *err)
{
    kh_status st = validate(d, err);
    if (st) {
        kh_dict_free(d);
        return st;
    }
    *out = d;
    return KH_OK;
}

kh_status kh_dict_load(const char *path, const kh_allocator *alloc, kh_dict **out, kh_error *err)
{
    if (!path || !out)
        return KH_ERR_INVALID;
    *out = NULL;
    kh_dict *d = (kh_dict *)kh_calloc(alloc, 1, sizeof *d);
    if (!d)
        return kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    d->alloc = alloc;
    kh_status st = kh_image_open(path, kh_fourcc("DIC1"), KH_DICT_VERSION, alloc, &d->img, err);
    if (st) {
        kh_free(alloc, d);
        return st;
    }
    return finish_load(d, out, err);
}

kh_status kh_dict_from_memory(const void *data, size_t len, const kh_allocator *alloc,
                              kh_dict **out, kh_error *err)
{
    if (!data || !out)
        return KH_ERR_INVALID;
    *out = NULL;
    kh_dict *d = (kh_dict *)kh_calloc(alloc, 1, sizeof *d);
    if (!d)
        return kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    d->alloc = alloc;
    kh_status st = kh_image_from_memory(data, len, kh_fourcc("DIC1"), KH_DICT_VERSION, &d->img, err);
    if (st) {
        kh_free(alloc, d);
        return st;
    }
    return finish_load(d, out, err);
}

void kh_dict_free(kh_dict *d)
{
    if (!d)
        return;
    kh_image_close(&d->img);
    kh_free(d->alloc, d->root_child);
    kh_free(d->alloc, d->pat_need);
    kh_free(d->alloc, d->pat_first);
    kh_free(d->alloc, d);
}

const char *kh_dict_hash(const kh_dict *d) { return d ? d->hash_hex : ""; }

void kh_dict_stats_get(const kh_dict *d, kh_dict_stats *s)
{
    memset(s, 0, sizeof *s);
    if (!d)
        return;
    s->codes = d->n_codes;
    s->countries = d->n_countries;
    s->actors = d->n_actors;
    s->roles = d->n_roles;
    s->agents = d->n_agents;
    s->places = d->n_places;
    s->synsets = d->n_synsets;
    s->patterns = d->n_patterns;
    s->words = d->n_words;
    s->phrases = d->n_payloads;
    s->bytes = d->img.size;
}
