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
    SEC_PATTERNS, SEC_ELEMS, SEC_ALTS,
    SEC_OPTIONS /* optional: the peer coder's settings (a TABARI .options file) */
};

static size_t pow2_at_least(size_t n)
{
    size_t p = 16;
    while (p < n)
        p *= 2;
    return p;
}

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

/* The tables being compiled (the runtime's layout), owned by
 * kh_dict_builder_finish until it returns. */
typedef struct dict_tables {
    size_t nc, np;          /* codes, patterns the sources gave */
    uint32_t *cidx;         /* codes in sorted order (old indexes) */
    uint32_t *crank;        /* old code index -> new */
    uint32_t *pidx;         /* patterns in sorted order */
    kh_code_rec *codes;
    kh_pattern *pats;
    size_t kept;            /* patterns with a known code */
    uint8_t *synset_defined;
    size_t edge_slots, word_slots;
    kh_trie_edge *edges;
    uint32_t *wslots;       /* word id + 1 by hash, 0 empty */
    kh_trie_node *nodes;
    kh_payload *payloads;
    size_t np_out;          /* payloads written */
} dict_tables;

/* Allocates every table of t, sized from b. Returns 0 when one is
 * missing (out of memory); tables_free then frees the others. */
static int tables_alloc(const kh_dict_builder *b, dict_tables *t)
{
    const kh_allocator *a = b->alloc;
    memset(t, 0, sizeof *t);
    t->nc = b->codes.n;
    t->np = b->patterns.n;
    t->cidx = (uint32_t *)kh_calloc(a, t->nc + 1, sizeof *t->cidx);
    t->crank = (uint32_t *)kh_calloc(a, t->nc + 1, sizeof *t->crank);
    t->pidx = (uint32_t *)kh_calloc(a, t->np + 1, sizeof *t->pidx);
    t->codes = (kh_code_rec *)kh_calloc(a, t->nc + 1, sizeof *t->codes);
    t->pats = (kh_pattern *)kh_calloc(a, t->np + 1, sizeof *t->pats);
    t->synset_defined = (uint8_t *)kh_calloc(a, b->synsets.n + 1, 1);
    size_t n_edges = b->nodes.n ? b->nodes.n - 1 : 0;
    t->edge_slots = pow2_at_least(n_edges * 2 + 1);
    t->word_slots = pow2_at_least(b->words.n * 2 + 1);
    t->edges = (kh_trie_edge *)kh_calloc(a, t->edge_slots, sizeof *t->edges);
    t->wslots = (uint32_t *)kh_calloc(a, t->word_slots, sizeof *t->wslots);
    t->nodes = (kh_trie_node *)kh_calloc(a, b->nodes.n + 1, sizeof *t->nodes);
    t->payloads = (kh_payload *)kh_calloc(a, b->bpayloads.n + 1, sizeof *t->payloads);
    return t->cidx && t->crank && t->pidx && t->codes && t->pats && t->synset_defined &&
           t->edges && t->wslots && t->nodes && t->payloads;
}

static void tables_free(const kh_allocator *a, dict_tables *t)
{
    kh_free(a, t->cidx);
    kh_free(a, t->crank);
    kh_free(a, t->pidx);
    kh_free(a, t->codes);
    kh_free(a, t->pats);
    kh_free(a, t->synset_defined);
    kh_free(a, t->edges);
    kh_free(a, t->wslots);
    kh_free(a, t->nodes);
    kh_free(a, t->payloads);
}

/* Codes, sorted by their string; crank maps old index -> new. */
static void sort_codes(const kh_dict_builder *b, dict_tables *t, const sort_ctx *sc)
{
    for (uint32_t i = 0; i < t->nc; i++)
        t->cidx[i] = i;
    sort_idx(b->alloc, t->cidx, t->nc, sc, code_less);
    for (uint32_t i = 0; i < t->nc; i++) {
        t->codes[i] = KH_VEC_AT(b->codes, kh_code_rec, t->cidx[i]);
        t->crank[t->cidx[i]] = i;
    }
}

/* Payloads: flatten per node, in the order the sources gave them; notes
 * which synsets have members. */
static void flatten_payloads(const kh_dict_builder *b, dict_tables *t)
{
    size_t np_out = 0;
    for (size_t i = 0; i < b->nodes.n; i++) {
        const kh_bnode *nd = &KH_VEC_AT(b->nodes, kh_bnode, i);
        t->nodes[i].first_payload = (uint32_t)np_out;
        t->nodes[i].n_payloads = nd->count;
        size_t k = np_out + nd->count;
        for (uint32_t p = nd->head; p != KH_NONE;) {
            const kh_bpayload *bp = &KH_VEC_AT(b->bpayloads, kh_bpayload, p);
            t->payloads[--k] = (kh_payload){bp->kind, bp->ref};
            if (bp->kind == KH_P_SYNSET && bp->ref < b->synsets.n)
                t->synset_defined[bp->ref] = 1;
            p = bp->next;
        }
        np_out += nd->count;
    }
    t->np_out = np_out;
}

/* The hash tables the coder probes: trie edges (from the builder's map)
 * and words, both open-addressed with linear probing. */
static void hash_tables(const kh_dict_builder *b, dict_tables *t)
{
    for (size_t i = 0; i < b->edge_map.n_slots; i++) {
        const kh_map_slot *s = &b->edge_map.slots[i];
        if (!s->used)
            continue;
        uint32_t parent = (uint32_t)(s->key >> 32), word = (uint32_t)s->key;
        size_t j = kh_dict_edge_hash(parent, word) & (t->edge_slots - 1);
        while (t->edges[j].child)
            j = (j + 1) & (t->edge_slots - 1);
        t->edges[j] = (kh_trie_edge){parent, word, s->val, 0};
    }
    for (uint32_t id = 0; id < b->words.n; id++) {
        const kh_word_rec *w = &KH_VEC_AT(b->words, kh_word_rec, id);
        size_t j = kh_dict_word_hash(b->pool.data + w->str, w->len) & (t->word_slots - 1);
        while (t->wslots[j])
            j = (j + 1) & (t->word_slots - 1);
        t->wslots[j] = id + 1;
    }
}

/* Patterns: resolve codes (an unknown one is an error and drops the
 * pattern), report synsets never defined, sort by verb (stable). */
static void resolve_patterns(kh_dict_builder *b, dict_tables *t, const sort_ctx *sc)
{
    const char *pool = b->pool.data;
    for (uint32_t i = 0; i < t->np; i++) {
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
            if (el->kind == KH_E_SYNSET && !t->synset_defined[el->ref])
                kh_bld_diag(b, &pos, KH_SEV_ERROR,
                            "pattern '%s' can never match: synset '%s' is not defined",
                            pool + bp->p.text,
                            pool + KH_VEC_AT(b->synsets, kh_synset_rec, el->ref).name);
        }
        bp->p.code = ci == KH_NONE ? KH_NONE : t->crank[ci];
        t->pidx[i] = i;
    }
    sort_idx(b->alloc, t->pidx, t->np, sc, pattern_less);
    t->kept = 0;
    for (uint32_t i = 0; i < t->np; i++) {
        const kh_bpattern *bp = &KH_VEC_AT(b->patterns, kh_bpattern, t->pidx[i]);
        if (bp->p.code != KH_NONE)
            t->pats[t->kept++] = bp->p;
    }
}

/* Writes the "DIC1" image of the compiled tables to out_path, never over
 * one of the sources the builder read (b->inputs). */
static kh_status write_image(const kh_dict_builder *b, const dict_tables *t,
                             const char *out_path, kh_error *err)
{
    kh_image_section_in secs[] = {
        {SEC_STRINGS, b->pool.data, b->pool.len},
        {SEC_WORDS, b->words.p, b->words.n * sizeof(kh_word_rec)},
        {SEC_WORD_SLOTS, t->wslots, t->word_slots * sizeof *t->wslots},
        {SEC_NODES, t->nodes, b->nodes.n * sizeof *t->nodes},
        {SEC_EDGES, t->edges, t->edge_slots * sizeof *t->edges},
        {SEC_PAYLOADS, t->payloads, t->np_out * sizeof *t->payloads},
        {SEC_ACTORS, b->actors.p, b->actors.n * sizeof(kh_actor_rec)},
        {SEC_ROLES, b->roles.p, b->roles.n * sizeof(kh_role)},
        {SEC_COUNTRIES, b->countries.p, b->countries.n * sizeof(kh_country_rec)},
        {SEC_AGENTS, b->agents.p, b->agents.n * sizeof(kh_agent_rec)},
        {SEC_PLACES, b->places.p, b->places.n * sizeof(kh_place_rec)},
        {SEC_SYNSETS, b->synsets.p, b->synsets.n * sizeof(kh_synset_rec)},
        {SEC_CODES, t->codes, t->nc * sizeof *t->codes},
        {SEC_PATTERNS, t->pats, t->kept * sizeof *t->pats},
        {SEC_ELEMS, b->elems.p, b->elems.n * sizeof(kh_elem)},
        {SEC_ALTS, b->alts.p, b->alts.n * sizeof(uint32_t)},
        {SEC_OPTIONS, b->options.data, b->options.len},
    };
    /* The options section only when an options file was read (and then
     * NUL-terminated by the reader, tabari.c). */
    size_t n_secs = KH_ARRAY_LEN(secs) - (b->options.len ? 0 : 1);
    return kh_image_write(out_path, kh_fourcc("DIC1"), KH_DICT_VERSION, b->source_hash, secs,
                          n_secs, (const kh_file_id *)b->inputs.p, b->inputs.n,
                          "a source this build reads", b->alloc, err);
}

/* Compiles what the sources added: the checks and tables above, then the
 * image at out_path (none when NULL: a check only). */
kh_status kh_dict_builder_finish(kh_dict_builder *b, const char *out_path, kh_error *err)
{
    if (!b)
        return KH_ERR_INVALID;
    sort_ctx sc = {b->pool.data, (const kh_code_rec *)b->codes.p,
                   (const kh_bpattern *)b->patterns.p};
    dict_tables t;
    kh_status st = KH_OK;
    if (!tables_alloc(b, &t)) {
        st = kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory compiling the dictionary");
    } else {
        sort_codes(b, &t, &sc);
        flatten_payloads(b, &t);
        hash_tables(b, &t);
        b->lenient = b->sum.peer && !(b->flags & KH_DICT_STRICT);
        resolve_patterns(b, &t, &sc);
        b->lenient = 0;
        if (b->errors)
            st = kh_error_set(err, KH_ERR_FORMAT, 0, 0, "%zu error%s in the dictionary sources",
                              b->errors, b->errors == 1 ? "" : "s");
        else if (b->sum.peer && (!b->actors.n || !t.kept))
            /* Imported dictionaries that load no actor or no pattern code
             * nothing: refused, never a silent success. */
            st = kh_error_set(err, KH_ERR_FORMAT, 0, 0,
                              "the dictionary sources hold no %s: the image could code no event",
                              !b->actors.n ? "actors" : "verb patterns");
        else if (out_path)
            st = write_image(b, &t, out_path, err);
    }
    tables_free(b->alloc, &t);
    return st;
}
