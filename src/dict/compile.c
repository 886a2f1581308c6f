/*
 * compile.c: the last step of building a dictionary: cross-check what the
 * sources added (event codes that exist, synsets that are defined), sort
 * and flatten the tables, build the hash tables the coder probes, and write
 * the "DIC1" image (see dict.h) through the image container.
 */
#include "dict/build.h"

enum {
    SEC_STRINGS = 1, SEC_WORDS, SEC_WORD_SLOTS, SEC_NODES, SEC_EDGES, SEC_PAYLOADS,
    SEC_ACTORS, SEC_ROLES, SEC_COUNTRIES, SEC_AGENTS, SEC_PLACES, SEC_SYNSETS, SEC_CODES,
    SEC_PATTERNS, SEC_ELEMS, SEC_ALTS
};

static size_t pow2_at_least(size_t n)
{
    size_t p = 16;
    while (p < n)
        p *= 2;
    return p;
}

uint64_t kh_dict_word_hash(const char *s, size_t len);
uint64_t kh_dict_edge_hash(uint32_t parent, uint32_t word);

/* Sorting with a context, for codes (by string) and patterns (by verb). */
typedef struct sort_ctx {
    const char *pool;
    const kh_code_rec *codes;
    const kh_bpattern *patterns;
} sort_ctx;

static void sort_idx(const kh_allocator *a, uint32_t *idx, size_t n, const sort_ctx *c,
                     int (*less)(const sort_ctx *, uint32_t, uint32_t))
{
    /* A bottom-up merge sort (stable); insertion sort when memory is short. */
    uint32_t *tmp = (uint32_t *)kh_calloc(a, n + 1, sizeof *tmp);
    if (!tmp) {
        /* Fall back to stable insertion sort (small n in practice). */
        for (size_t i = 1; i < n; i++) {
            uint32_t v = idx[i];
            size_t j = i;
            while (j > 0 && less(c, v, idx[j - 1])) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = v;
        }
        return;
    }
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = less(c, idx[j], idx[i]) ? idx[j++] : idx[i++];
            while (i < mid)
                tmp[k++] = idx[i++];
            while (j < hi)
                tmp[k++] = idx[j++];
        }
        memcpy(idx, tmp, n * sizeof *idx);
    }
    kh_free(a, tmp);
}

static int code_less(const sort_ctx *c, uint32_t a, uint32_t b)
{
    return strcmp(c->pool + c->codes[a].code, c->pool + c->codes[b].code) < 0;
}

static int pattern_less(const sort_ctx *c, uint32_t a, uint32_t b)
{
    return c->patterns[a].p.verb < c->patterns[b].p.verb;
}

kh_status kh_dict_builder_finish(kh_dict_builder *b, const char *out_path, kh_error *err)
{
    if (!b)
        return KH_ERR_INVALID;
    const kh_allocator *a = b->alloc;
    kh_status st = KH_OK;
    const char *pool = b->pool.data;
    sort_ctx sc = {pool, (const kh_code_rec *)b->codes.p, (const kh_bpattern *)b->patterns.p};

    /* Codes, sorted by their string; map old index -> new. */
    size_t nc = b->codes.n, np = b->patterns.n;
    uint32_t *cidx = (uint32_t *)kh_calloc(a, nc + 1, sizeof *cidx);
    uint32_t *crank = (uint32_t *)kh_calloc(a, nc + 1, sizeof *crank);
    uint32_t *pidx = (uint32_t *)kh_calloc(a, np + 1, sizeof *pidx);
    kh_code_rec *codes = (kh_code_rec *)kh_calloc(a, nc + 1, sizeof *codes);
    kh_pattern *pats = (kh_pattern *)kh_calloc(a, np + 1, sizeof *pats);
    uint8_t *synset_defined = (uint8_t *)kh_calloc(a, b->synsets.n + 1, 1);
    size_t n_edges = b->nodes.n ? b->nodes.n - 1 : 0;
    size_t edge_slots = pow2_at_least(n_edges * 2 + 1);
    size_t word_slots = pow2_at_least(b->words.n * 2 + 1);
    kh_trie_edge *edges = (kh_trie_edge *)kh_calloc(a, edge_slots, sizeof *edges);
    uint32_t *wslots = (uint32_t *)kh_calloc(a, word_slots, sizeof *wslots);
    kh_trie_node *nodes = (kh_trie_node *)kh_calloc(a, b->nodes.n + 1, sizeof *nodes);
    kh_payload *payloads = (kh_payload *)kh_calloc(a, b->bpayloads.n + 1, sizeof *payloads);
    if (!cidx || !crank || !pidx || !codes || !pats || !synset_defined || !edges || !wslots ||
        !nodes || !payloads) {
        st = kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory compiling the dictionary");
        goto done;
    }
    for (uint32_t i = 0; i < nc; i++)
        cidx[i] = i;
    sort_idx(a, cidx, nc, &sc, code_less);
    for (uint32_t i = 0; i < nc; i++) {
        codes[i] = KH_VEC_AT(b->codes, kh_code_rec, cidx[i]);
        crank[cidx[i]] = i;
    }

    /* Payloads: flatten per node, in the order the sources gave them. */
    size_t np_out = 0;
    for (size_t i = 0; i < b->nodes.n; i++) {
        const kh_bnode *nd = &KH_VEC_AT(b->nodes, kh_bnode, i);
        nodes[i].first_payload = (uint32_t)np_out;
        nodes[i].n_payloads = nd->count;
        size_t k = np_out + nd->count;
        for (uint32_t p = nd->head; p != KH_NONE;) {
            const kh_bpayload *bp = &KH_VEC_AT(b->bpayloads, kh_bpayload, p);
            payloads[--k] = (kh_payload){bp->kind, bp->ref};
            if (bp->kind == KH_P_SYNSET && bp->ref < b->synsets.n)
                synset_defined[bp->ref] = 1;
            p = bp->next;
        }
        np_out += nd->count;
    }

    /* Edges, from the builder's map, into the runtime's open-addressed table. */
    for (size_t i = 0; i < b->edge_map.n_slots; i++) {
        const kh_map_slot *s = &b->edge_map.slots[i];
        if (!s->used)
            continue;
        uint32_t parent = (uint32_t)(s->key >> 32), word = (uint32_t)s->key;
        size_t j = kh_dict_edge_hash(parent, word) & (edge_slots - 1);
        while (edges[j].child)
            j = (j + 1) & (edge_slots - 1);
        edges[j] = (kh_trie_edge){parent, word, s->val, 0};
    }
    for (uint32_t id = 0; id < b->words.n; id++) {
        const kh_word_rec *w = &KH_VEC_AT(b->words, kh_word_rec, id);
        size_t j = kh_dict_word_hash(pool + w->str, w->len) & (word_slots - 1);
        while (wslots[j])
            j = (j + 1) & (word_slots - 1);
        wslots[j] = id + 1;
    }

    /* Patterns: resolve codes, check synsets, sort by verb (stable). */
    for (uint32_t i = 0; i < np; i++) {
        kh_bpattern *bp = &KH_VEC_AT(b->patterns, kh_bpattern, i);
        kh_srcpos pos = {pool + bp->file, bp->line, 1};
        uint32_t ci;
        if (!kh_map_get(&b->code_map, bp->p.code, &ci)) {
            kh_bld_diag(b, &pos, KH_SEV_ERROR, "unknown event code '%s' (not in any [codes] section)",
                        pool + bp->p.code);
            ci = KH_NONE;
        }
        for (uint32_t e = 0; e < bp->p.n_elems; e++) {
            const kh_elem *el = &KH_VEC_AT(b->elems, kh_elem, bp->p.first_elem + e);
            if (el->kind == KH_E_SYNSET && !synset_defined[el->ref])
                kh_bld_diag(b, &pos, KH_SEV_ERROR,
                            "pattern '%s' can never match: synset '%s' is not defined",
                            pool + bp->p.text,
                            pool + KH_VEC_AT(b->synsets, kh_synset_rec, el->ref).name);
        }
        bp->p.code = ci == KH_NONE ? KH_NONE : crank[ci];
        pidx[i] = i;
    }
    sort_idx(a, pidx, np, &sc, pattern_less);
    size_t kept = 0;
    for (uint32_t i = 0; i < np; i++) {
        const kh_bpattern *bp = &KH_VEC_AT(b->patterns, kh_bpattern, pidx[i]);
        if (bp->p.code != KH_NONE)
            pats[kept++] = bp->p;
    }
    if (b->errors) {
        st = kh_error_set(err, KH_ERR_FORMAT, 0, 0, "%zu error%s in the dictionary sources",
                          b->errors, b->errors == 1 ? "" : "s");
        goto done;
    }
    if (!out_path)
        goto done;
    {
        kh_image_section_in secs[] = {
            {SEC_STRINGS, b->pool.data, b->pool.len},
            {SEC_WORDS, b->words.p, b->words.n * sizeof(kh_word_rec)},
            {SEC_WORD_SLOTS, wslots, word_slots * sizeof *wslots},
            {SEC_NODES, nodes, b->nodes.n * sizeof *nodes},
            {SEC_EDGES, edges, edge_slots * sizeof *edges},
            {SEC_PAYLOADS, payloads, np_out * sizeof *payloads},
            {SEC_ACTORS, b->actors.p, b->actors.n * sizeof(kh_actor_rec)},
            {SEC_ROLES, b->roles.p, b->roles.n * sizeof(kh_role)},
            {SEC_COUNTRIES, b->countries.p, b->countries.n * sizeof(kh_country_rec)},
            {SEC_AGENTS, b->agents.p, b->agents.n * sizeof(kh_agent_rec)},
            {SEC_PLACES, b->places.p, b->places.n * sizeof(kh_place_rec)},
            {SEC_SYNSETS, b->synsets.p, b->synsets.n * sizeof(kh_synset_rec)},
            {SEC_CODES, codes, nc * sizeof *codes},
            {SEC_PATTERNS, pats, kept * sizeof *pats},
            {SEC_ELEMS, b->elems.p, b->elems.n * sizeof(kh_elem)},
            {SEC_ALTS, b->alts.p, b->alts.n * sizeof(uint32_t)},
        };
        st = kh_image_write(out_path, kh_fourcc("DIC1"), KH_DICT_VERSION, b->source_hash, secs,
                            KH_ARRAY_LEN(secs), (const kh_file_id *)b->inputs.p, b->inputs.n,
                            "a source this build reads", b->alloc, err);
    }
done:
    kh_free(a, cidx);
    kh_free(a, crank);
    kh_free(a, pidx);
    kh_free(a, codes);
    kh_free(a, pats);
    kh_free(a, synset_defined);
    kh_free(a, edges);
    kh_free(a, wslots);
    kh_free(a, nodes);
    kh_free(a, payloads);
    return st;
}
