/*
 * index.c: the peer wing's indexes over an imported dictionary, so that
 * the cost of a sentence does not grow with the dictionary. Kept by each
 * coder (its peer_state), not in the image, and made at init or on first
 * use:
 *   - word forms: a form's candidate ids (its folded form and each stem
 *     "prefix*" the dictionary holds) and the verb and <TIME> patterns
 *     they give in the order they are tried (match.c's kh_peer_collect),
 *     looked up once per distinct form rather than per word met;
 *   - per pattern, the word ids it names: a pattern one of whose words
 *     stands nowhere in the sentence is not tried (kh_peer_may_match);
 *   - per word id, whether it is punctuation alone.
 * None of this changes what matches: a form's lists are what the sentence
 * loop computed for each word, and a pattern skipped could not match.
 */
#include "peer/peer.h"
#include "analyze/analyze.h"

#define PEER_FORMS_MAX 131072u /* forms kept before the table starts over */
#define PEER_FORM_LEN 120     /* longer words have no candidates (as before) */

static void forms_clear(kh_coder *c, peer_forms *f)
{
    for (size_t i = 0; i < f->n; i++) {
        kh_free(c->opt.alloc, f->e[i]->verb);
        kh_free(c->opt.alloc, f->e[i]);
    }
    f->n = 0;
    if (f->slot)
        memset(f->slot, 0, f->nslot * sizeof *f->slot);
}

void kh_peer_forms_trim(kh_coder *c)
{
    peer_forms *f = &PEER(c)->forms;
    if (f->n >= PEER_FORMS_MAX)
        forms_clear(c, f);
}

static uint64_t form_hash(const char *s, size_t len) { return kh_hash64(s, len, 0x70656572u); }

static uint64_t form_tag(uint64_t h, size_t len) { return (h & ~(uint64_t)UINT32_MAX) | len; }

/* Doubles the slots (the table stays at most half full). */
static kh_status forms_grow(kh_coder *c, peer_forms *f)
{
    size_t ns = f->nslot ? f->nslot * 2 : 1024;
    peer_slot *slot = (peer_slot *)kh_calloc(c->opt.alloc, ns, sizeof *slot);
    if (!slot)
        return KH_ERR_NOMEM;
    for (size_t i = 0; i < f->n; i++) {
        uint64_t h = form_hash(f->e[i]->key, f->e[i]->len);
        size_t j = h & (ns - 1);
        while (slot[j].e)
            j = (j + 1) & (ns - 1);
        slot[j].tag = form_tag(h, f->e[i]->len);
        slot[j].e = f->e[i];
    }
    kh_free(c->opt.alloc, f->slot);
    f->slot = slot;
    f->nslot = ns;
    return KH_OK;
}

/* Each pattern's two needed ids that are not the form's own (always
 * present where the form stands), the sentinel n_words when fewer. */
static void pref_needs(kh_coder *c, const uint32_t *ids, size_t nid, pref *r, size_t n)
{
    const peer_state *ps = PEER(c);
    const kh_dict *d = c->dict;
    for (size_t j = 0; j < n; j++) {
        size_t i = (size_t)(r[j].p - d->patterns), got = 0;
        r[j].need[0] = r[j].need[1] = (uint32_t)d->n_words;
        for (uint32_t k = ps->need_at[i]; k < ps->need_at[i + 1] && got < 2; k++) {
            size_t own = 0;
            while (own < nid && ids[own] != ps->need[k])
                own++;
            if (own == nid)
                r[j].need[got++] = ps->need[k];
        }
    }
}

/* A new form: its ids, then its patterns (one block for both lists). */
static peer_form *form_new(kh_coder *c, const char *folded, size_t len)
{
    const kh_dict *d = c->dict;
    uint32_t ids[PEER_FORM_LEN + 1];
    size_t nid = 0;
    char buf[PEER_FORM_LEN + 2];
    memcpy(buf, folded, len);
    uint32_t id = kh_dict_word(d, buf, len);
    if (id != KH_NONE)
        ids[nid++] = id;
    for (size_t l = len; l >= 1; l--) {
        buf[l] = KH_WORD_STEM;
        id = kh_dict_word(d, buf, l + 1);
        if (id != KH_NONE)
            ids[nid++] = id;
    }
    /* the form, its ids, their children of the root, its key */
    peer_form *e = (peer_form *)kh_malloc(c->opt.alloc, sizeof *e + 2 * nid * sizeof *ids + len);
    if (!e)
        return NULL;
    memset(e, 0, sizeof *e);
    e->ids = (uint32_t *)(void *)(e + 1);
    memcpy(e->ids, ids, nid * sizeof *ids);
    e->nid = (uint32_t)nid;
    e->root = e->ids + nid;
    for (size_t k = 0; k < nid; k++)
        e->root[k] = kh_dict_child(d, 0, ids[k]);
    char *key = (char *)(e->root + nid);
    memcpy(key, folded, len);
    e->key = key;
    e->len = (uint32_t)len;
    /* two lists' room (peer_init) */
    pref *tmp[2] = {PEER(c)->pats, PEER(c)->pats + IM_MAX_PATS};
    size_t nv = kh_peer_collect(d, ids, nid, 0, tmp[0], IM_MAX_PATS);
    size_t nt = kh_peer_collect(d, ids, nid, 1, tmp[1], IM_MAX_PATS);
    for (size_t k = 0; k < nid && !e->has_time; k++) {
        size_t first, np = kh_dict_patterns(d, ids[k], &first);
        for (size_t j = 0; j < np && !e->has_time; j++) {
            uint32_t fl = d->patterns[first + j].flags;
            e->has_time = (fl & KH_PAT_TIME) && (fl & (KH_PAT_TABARI | KH_PAT_PETRARCH));
        }
    }
    pref_needs(c, ids, nid, tmp[0], nv);
    pref_needs(c, ids, nid, tmp[1], nt);
    if (nv + nt) {
        e->verb = (pref *)kh_malloc(c->opt.alloc, (nv + nt) * sizeof *e->verb);
        if (!e->verb) {
            kh_free(c->opt.alloc, e);
            return NULL;
        }
        memcpy(e->verb, tmp[0], nv * sizeof *e->verb);
        memcpy(e->verb + nv, tmp[1], nt * sizeof *e->verb);
        e->time = e->verb + nv;
    }
    e->bare0 = (uint32_t)nv;
    while (e->bare0 > 0 && tmp[0][e->bare0 - 1].bare)
        e->bare0--;
    for (size_t k = 0; k < nv && !e->live; k++)
        e->live = !tmp[0][k].bare || !(tmp[0][k].p->flags & KH_PAT_NULL);
    e->nverb = (uint32_t)nv;
    e->ntime = (uint32_t)nt;
    return e;
}

const peer_form *kh_peer_form(kh_coder *c, const char *folded, size_t len)
{
    peer_forms *f = &PEER(c)->forms;
    if (len == 0 || len > PEER_FORM_LEN)
        return NULL;
    if ((f->n + 1) * 2 > f->nslot && forms_grow(c, f))
        return NULL;
    uint64_t h = form_hash(folded, len), tag = form_tag(h, len);
    size_t mask = f->nslot - 1, j = h & mask;
    for (; f->slot[j].e; j = (j + 1) & mask) {
        if (f->slot[j].tag != tag)
            continue; /* another form: its entry is not read */
        const peer_form *e = f->slot[j].e;
        if (!memcmp(e->key, folded, len))
            return e;
    }
    if (f->n == f->cap &&
        kh_array_reserve(c->opt.alloc, (void **)&f->e, &f->cap, f->n + 1, sizeof *f->e))
        return NULL;
    peer_form *e = form_new(c, folded, len);
    if (!e)
        return NULL;
    f->e[f->n++] = e;
    f->slot[j].tag = tag;
    f->slot[j].e = e;
    return e;
}

void kh_peer_mark_ids(im_sent *s)
{
    peer_state *ps = PEER(s->c);
    if (++ps->sent == 0) { /* wrapped: forget every sentence */
        memset(ps->seen, 0, s->d->n_words * sizeof *ps->seen);
        ps->sent = 1;
    }
    for (size_t k = 0; k < s->n_ids; k++)
        ps->seen[s->ids[k]] = ps->sent;
    ps->seen[s->d->n_words] = ps->sent; /* the sentinel (kh_peer_pref_may) */
}

static uint64_t edge_bit(uint32_t node, uint32_t word, uint64_t mask)
{
    uint64_t h = ((uint64_t)node << 32 | word) * 0x9e3779b97f4a7c15u;
    return (h ^ (h >> 29)) & mask;
}

uint32_t kh_peer_child(const im_sent *s, uint32_t node, uint32_t word)
{
    const peer_state *ps = PEER(s->c);
    uint64_t b = edge_bit(node, word, ps->edge_mask);
    if (!(ps->edge_bits[b >> 6] >> (b & 63) & 1))
        return 0;
    return kh_dict_child(s->d, node, word);
}

/* Sets the bit of every edge below the root, 16 bits per edge or more. */
static kh_status edge_bits_init(kh_coder *c, peer_state *ps)
{
    const kh_dict *d = c->dict;
    uint64_t nbits = 1024;
    while (nbits < (uint64_t)d->n_edges * 16)
        nbits *= 2;
    ps->edge_bits = (uint64_t *)kh_calloc(c->opt.alloc, nbits / 64, sizeof *ps->edge_bits);
    if (!ps->edge_bits)
        return KH_ERR_NOMEM;
    ps->edge_mask = nbits - 1;
    for (size_t i = 0; i < d->n_edges; i++)
        if (d->edges[i].child) {
            uint64_t b = edge_bit(d->edges[i].parent, d->edges[i].word, ps->edge_mask);
            ps->edge_bits[b >> 6] |= (uint64_t)1 << (b & 63);
        }
    return KH_OK;
}

int kh_peer_may_match(const im_sent *s, const kh_pattern *p)
{
    const peer_state *ps = PEER(s->c);
    size_t i = (size_t)(p - s->d->patterns);
    for (uint32_t k = ps->need_at[i]; k < ps->need_at[i + 1]; k++)
        if (ps->seen[ps->need[k]] != ps->sent)
            return 0;
    return 1;
}

static int punct_form(const kh_dict *d, uint32_t id)
{
    const kh_word_rec *w = &d->words[id];
    for (uint32_t i = 0; i < w->len; i++) {
        unsigned char ch = (unsigned char)d->strings[w->str + i];
        if (kh_is_alpha(ch) || kh_is_digit(ch) || ch >= 0x80)
            return 0;
    }
    return 1;
}

/* The word ids a pattern names (word and verb elements but punctuation,
 * which matches nothing): written to out when given; returns how many. */
static size_t pattern_needs(const kh_dict *d, const uint8_t *punct, const kh_pattern *p,
                            uint32_t *out)
{
    const kh_elem *el = &d->elems[p->first_elem];
    size_t n = 0;
    for (size_t k = 0; k < p->n_elems; k++) {
        if ((el[k].kind != KH_E_WORD && el[k].kind != KH_E_VERB) || el[k].ref >= d->n_words ||
            punct[el[k].ref])
            continue;
        if (out)
            out[n] = el[k].ref;
        n++;
    }
    return n;
}

kh_status kh_peer_index_init(kh_coder *c, peer_state *ps)
{
    const kh_dict *d = c->dict;
    const kh_allocator *a = c->opt.alloc;
    ps->punct = (uint8_t *)kh_calloc(a, d->n_words + 1, 1);
    ps->seen = (uint32_t *)kh_calloc(a, d->n_words + 1, sizeof *ps->seen);
    ps->need_at = (uint32_t *)kh_calloc(a, d->n_patterns + 1, sizeof *ps->need_at);
    ps->inner = (uint8_t *)kh_calloc(a, d->n_nodes + 1, 1);
    if (!ps->punct || !ps->seen || !ps->need_at || !ps->inner)
        return KH_ERR_NOMEM;
    if (edge_bits_init(c, ps))
        return KH_ERR_NOMEM;
    uint32_t gap = kh_dict_word(d, KH_WORD_GAP, 1);
    for (size_t i = 0; i < d->n_edges; i++)
        if (d->edges[i].child && d->edges[i].parent < d->n_nodes)
            ps->inner[d->edges[i].parent] |= (uint8_t)(PEER_NODE_KIDS |
                                                       (d->edges[i].word == gap ? PEER_NODE_GAP : 0));
    for (uint32_t i = 0; i < d->n_words; i++)
        ps->punct[i] = (uint8_t)punct_form(d, i);
    size_t total = 0;
    for (size_t i = 0; i < d->n_patterns; i++) {
        if (total > UINT32_MAX - 1024)
            return KH_ERR_LIMIT;
        ps->need_at[i] = (uint32_t)total;
        total += pattern_needs(d, ps->punct, &d->patterns[i], NULL);
    }
    ps->need_at[d->n_patterns] = (uint32_t)total;
    ps->need = (uint32_t *)kh_malloc(a, (total ? total : 1) * sizeof *ps->need);
    if (!ps->need)
        return KH_ERR_NOMEM;
    for (size_t i = 0; i < d->n_patterns; i++)
        pattern_needs(d, ps->punct, &d->patterns[i], ps->need + ps->need_at[i]);
    return KH_OK;
}

void kh_peer_index_free(kh_coder *c, peer_state *ps)
{
    const kh_allocator *a = c->opt.alloc;
    forms_clear(c, &ps->forms);
    kh_free(a, ps->forms.e);
    kh_free(a, ps->forms.slot);
    kh_free(a, ps->punct);
    kh_free(a, ps->inner);
    kh_free(a, ps->edge_bits);
    kh_free(a, ps->seen);
    kh_free(a, ps->need_at);
    kh_free(a, ps->need);
}

const uint8_t *kh_peer_upos(const im_sent *s)
{
    kh_coder *c = s->c;
    if (kh_analyze_tag_sentence(c->scratch, c->opt.lexicon, s->si))
        return NULL;
    return c->doc->upos;
}
