/*
 * build.c: the dictionary builder. Sources (khaldun text, and TABARI and
 * PETRARCH through the importers) add entries to in-memory tables here; a
 * finish step cross-checks them (unknown codes, undefined synsets,
 * duplicates) and lays them out as the sections of one "DIC1" image that
 * dict.c maps and reads (see dict.h for the records).
 *
 * Phrases are tokenised with the runtime tokenizer (kh_analyze on a
 * one-paragraph story), so a name matches exactly the tokens khaldun will
 * see in text: "Iran's" is "iran" + "'s", "U.S." stays one token.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "dict/build.h"

/* ---------------------------------------------------------------------- */
/* Strings and words                                                      */

/* Interns a string (exact bytes) in the pool; returns its offset. Strings
 * are keyed by a 64-bit hash and verified against the pool. */
kh_status kh_bld_str(kh_dict_builder *b, const char *s, size_t len, uint32_t *out)
{
    uint64_t h = kh_hash64(s, len, 0x5354u);
    for (uint64_t probe = 0;; probe++) {
        uint32_t off;
        if (!kh_map_get(&b->str_map, h + probe, &off))
            break;
        if (strlen(b->pool.data + off) == len && memcmp(b->pool.data + off, s, len) == 0) {
            *out = off;
            return KH_OK;
        }
    }
    if (b->pool.len + len + 1 > UINT32_MAX)
        return KH_ERR_LIMIT;
    uint32_t off = (uint32_t)b->pool.len;
    kh_status st = kh_buf_append(&b->pool, s, len);
    if (!st)
        st = kh_buf_putc(&b->pool, '\0');
    if (st)
        return st;
    for (uint64_t probe = 0;; probe++) {
        uint32_t got;
        int found;
        st = kh_map_get_or_put(b->alloc, &b->str_map, h + probe, off, &got, &found);
        if (st || !found)
            break;
    }
    *out = off;
    return st;
}

kh_status kh_bld_word(kh_dict_builder *b, const char *s, size_t len, uint32_t *out)
{
    char small[256];
    char *folded = len <= sizeof small ? small : (char *)kh_malloc(b->alloc, len);
    if (!folded)
        return KH_ERR_NOMEM;
    size_t n = kh_dict_fold(s, len, folded);
    uint32_t off;
    kh_status st = kh_bld_str(b, folded, n, &off);
    if (folded != small)
        kh_free(b->alloc, folded);
    if (st)
        return st;
    uint32_t id;
    int found;
    st = kh_map_get_or_put(b->alloc, &b->word_map, off, (uint32_t)b->words.n, &id, &found);
    if (st)
        return st;
    if (!found) {
        kh_word_rec w = {off, (uint32_t)n};
        st = kh_vec_push(b->alloc, &b->words, &w);
        if (st)
            return st;
    }
    *out = id;
    return KH_OK;
}

/* ---------------------------------------------------------------------- */
/* Phrases: tokenise, walk/extend the trie, attach a payload              */

kh_status kh_bld_tokenize(kh_dict_builder *b, const char *s, size_t len, uint32_t *ids,
                          size_t max, size_t *n)
{
    kh_unit unit;
    kh_story story;
    kh_story_from_text(&story, &unit, s, len);
    const kh_doc *doc;
    kh_status st = kh_analyze(b->scratch, NULL, &story, KH_ANALYZE_TOKENS, &doc);
    if (st)
        return st;
    *n = 0;
    for (size_t i = 0; i < doc->n_tokens; i++) {
        if (*n == max)
            return KH_ERR_LIMIT;
        st = kh_bld_word(b, doc->tokens[i].norm, doc->tokens[i].norm_len, &ids[*n]);
        if (st)
            return st;
        (*n)++;
    }
    return KH_OK;
}

kh_status kh_bld_trie_node(kh_dict_builder *b, const uint32_t *ids, size_t n, uint32_t *node)
{
    uint32_t cur = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t key = (uint64_t)cur << 32 | ids[i];
        uint32_t child;
        int found;
        kh_status st = kh_map_get_or_put(b->alloc, &b->edge_map, key, (uint32_t)b->nodes.n,
                                         &child, &found);
        if (st)
            return st;
        if (!found) {
            kh_bnode nd = {KH_NONE, 0};
            st = kh_vec_push(b->alloc, &b->nodes, &nd);
            if (st)
                return st;
        }
        cur = child;
    }
    *node = cur;
    return KH_OK;
}

kh_status kh_bld_phrase(kh_dict_builder *b, const char *s, size_t len, uint32_t kind,
                        uint32_t ref, const kh_srcpos *pos)
{
    uint32_t ids[KH_MAX_PHRASE];
    size_t n;
    kh_status st = kh_bld_tokenize(b, s, len, ids, KH_MAX_PHRASE, &n);
    if (st == KH_ERR_LIMIT) {
        kh_bld_diag(b, pos, KH_SEV_ERROR, "phrase '%.*s' has more than %d words", (int)len, s,
                    KH_MAX_PHRASE);
        return KH_ERR_FORMAT;
    }
    if (st)
        return st;
    if (n == 0) {
        kh_bld_diag(b, pos, KH_SEV_ERROR, "empty name");
        return KH_ERR_FORMAT;
    }
    uint32_t node;
    st = kh_bld_trie_node(b, ids, n, &node);
    if (st)
        return st;
    /* Same phrase, same meaning twice: a duplicate entry. */
    kh_bnode *nd = &((kh_bnode *)b->nodes.p)[node];
    for (uint32_t p = nd->head; p != KH_NONE;) {
        kh_bpayload *bp = &((kh_bpayload *)b->bpayloads.p)[p];
        if (bp->kind == kind && bp->ref == ref) {
            /* Country entries from several sources merge: a repeated name
             * there is expected. Elsewhere it is a slip worth a warning. */
            if (kind != KH_P_COUNTRY && kind != KH_P_DEMONYM && kind != KH_P_CAPITAL &&
                kind != KH_P_PLACE)
                kh_bld_diag(b, pos, KH_SEV_WARNING, "duplicate name '%.*s' in the same entry",
                            (int)len, s);
            return KH_OK;
        }
        p = bp->next;
    }
    kh_bpayload bp = {kind, ref, nd->head};
    st = kh_vec_push(b->alloc, &b->bpayloads, &bp);
    if (st)
        return st;
    nd = &((kh_bnode *)b->nodes.p)[node];
    nd->head = (uint32_t)(b->bpayloads.n - 1);
    nd->count++;
    return KH_OK;
}

/* ---------------------------------------------------------------------- */
/* Diagnostics                                                            */

void kh_bld_diag(kh_dict_builder *b, const kh_srcpos *pos, kh_severity sev, const char *fmt,
                 ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (sev == KH_SEV_ERROR && b->lenient) {
        /* Read as the peer reads: the line is skipped, the build goes on. */
        sev = KH_SEV_WARNING;
        size_t ml = strlen(msg);
        snprintf(msg + ml, sizeof msg - ml, "; line skipped");
        const char *file = pos ? pos->file : "";
        size_t line = pos ? pos->line : 0;
        /* One warning a line: a pattern line fails once per verb spelling. */
        if (line && file == b->skip_file && line == b->skip_line)
            return;
        b->skip_file = file;
        b->skip_line = line;
        b->sum.skipped_lines++;
        b->sum.skipped[b->entry_kind]++;
    }
    if (sev == KH_SEV_ERROR)
        b->errors++;
    else
        b->warnings++;
    if (!b->diag)
        return;
    kh_diag d;
    memset(&d, 0, sizeof d);
    d.severity = sev;
    d.code = sev == KH_SEV_ERROR ? KH_ERR_FORMAT : KH_OK;
    d.source = pos ? pos->file : "";
    d.line = pos ? pos->line : 0;
    d.col = pos ? pos->col : 0;
    d.message = msg;
    b->diag(b->diag_ctx, &d);
}

void kh_bld_remark(kh_dict_builder *b, const kh_srcpos *pos, const char *fmt, ...)
{
    if (b->lenient) {
        b->sum.remarks++;
        return;
    }
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    kh_bld_diag(b, pos, KH_SEV_WARNING, "%s", msg);
}

void kh_dict_builder_set_flags(kh_dict_builder *b, unsigned flags)
{
    if (b)
        b->flags = flags;
}

void kh_dict_builder_summary(const kh_dict_builder *b, kh_dict_build_summary *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (b)
        *out = b->sum;
}

/* ---------------------------------------------------------------------- */
/* Lifetime                                                               */

kh_status kh_dict_builder_new(const kh_allocator *alloc, kh_diag_fn diag, void *diag_ctx,
                              kh_dict_builder **out)
{
    if (!out)
        return KH_ERR_INVALID;
    *out = NULL;
    kh_dict_builder *b = (kh_dict_builder *)kh_calloc(alloc, 1, sizeof *b);
    if (!b)
        return KH_ERR_NOMEM;
    b->alloc = alloc;
    b->diag = diag;
    b->diag_ctx = diag_ctx;
    kh_buf_init(&b->pool, alloc, (size_t)UINT32_MAX - 1);
    kh_buf_init(&b->srchash, alloc, 0);
    kh_buf_init(&b->options, alloc, (size_t)1 << 20);
    b->words.elem = sizeof(kh_word_rec);
    b->nodes.elem = sizeof(kh_bnode);
    b->bpayloads.elem = sizeof(kh_bpayload);
    b->actors.elem = sizeof(kh_actor_rec);
    b->roles.elem = sizeof(kh_role);
    b->countries.elem = sizeof(kh_country_rec);
    b->agents.elem = sizeof(kh_agent_rec);
    b->places.elem = sizeof(kh_place_rec);
    b->synsets.elem = sizeof(kh_synset_rec);
    b->codes.elem = sizeof(kh_code_rec);
    b->patterns.elem = sizeof(kh_bpattern);
    b->elems.elem = sizeof(kh_elem);
    b->alts.elem = sizeof(uint32_t);
    b->inputs.elem = sizeof(kh_file_id);
    b->source_hash = 0x6b68616c64756eULL;
    kh_limits lim;
    kh_limits_default(&lim);
    lim.max_tokens = KH_MAX_PHRASE + 1;
    kh_status st = kh_scratch_new(alloc, &lim, &b->scratch);
    uint32_t off;
    if (!st)
        st = kh_bld_str(b, "", 0, &off); /* offset 0 is the empty string */
    kh_bnode root = {KH_NONE, 0};
    if (!st)
        st = kh_vec_push(alloc, &b->nodes, &root);
    if (st) {
        kh_dict_builder_free(b);
        return st;
    }
    *out = b;
    return KH_OK;
}

void kh_dict_builder_counts(const kh_dict_builder *b, size_t *errors, size_t *warnings)
{
    if (errors)
        *errors = b ? b->errors : 0;
    if (warnings)
        *warnings = b ? b->warnings : 0;
}

void kh_dict_builder_free(kh_dict_builder *b)
{
    if (!b)
        return;
    const kh_allocator *a = b->alloc;
    kh_scratch_free(b->scratch);
    kh_buf_free(&b->pool);
    kh_buf_free(&b->srchash);
    kh_buf_free(&b->options);
    kh_map_free(a, &b->str_map);
    kh_map_free(a, &b->word_map);
    kh_map_free(a, &b->edge_map);
    kh_map_free(a, &b->country_map);
    kh_map_free(a, &b->synset_map);
    kh_map_free(a, &b->code_map);
    kh_map_free(a, &b->pattern_map);
    kh_vec *vecs[] = {&b->words, &b->nodes, &b->bpayloads, &b->actors, &b->roles,
                      &b->countries, &b->agents, &b->places, &b->synsets, &b->codes,
                      &b->patterns, &b->elems, &b->alts, &b->inputs};
    for (size_t i = 0; i < KH_ARRAY_LEN(vecs); i++)
        kh_vec_free(a, vecs[i]);
    kh_free(a, b);
}

/* ---------------------------------------------------------------------- */
/* Reading sources                                                        */

kh_status kh_bld_read_file(kh_dict_builder *b, const char *path, char **data, size_t *len)
{
    kh_file_id id;
    kh_status st = kh_file_read_id(b->alloc, path, (size_t)1 << 30, data, len, &id);
    if (st)
        return st;
    if ((st = kh_vec_push(b->alloc, &b->inputs, &id)) != KH_OK) {
        kh_free(b->alloc, *data);
        *data = NULL;
        *len = 0;
    }
    return st;
}

/* Everything a source can add, counted: what a source added is the change. */
static size_t entries(const kh_dict_builder *b)
{
    return b->codes.n + b->countries.n + b->actors.n + b->roles.n + b->agents.n + b->places.n +
           b->synsets.n + b->patterns.n + b->bpayloads.n + b->options.len;
}

kh_status kh_dict_builder_add(kh_dict_builder *b, kh_dict_format format, const char *path,
                              const char *data, size_t len)
{
    if (!b || (!path && !data))
        return KH_ERR_INVALID;
    char *owned = NULL;
    if (!data) {
        kh_status st = kh_bld_read_file(b, path, &owned, &len);
        if (st) {
            kh_srcpos pos = {path, 0, 0};
            kh_bld_diag(b, &pos, KH_SEV_ERROR, "cannot read: %s", strerror(errno));
            return st;
        }
        data = owned;
    }
    const char *name = path ? path : "-";
    b->source_hash = kh_hash64(data, len, b->source_hash);
    size_t errors_before = b->errors, warnings_before = b->warnings;
    size_t entries_before = entries(b);
    kh_status st = KH_ERR_INVALID;
    int peer = format != KH_DICT_KHALDUN;
    b->sum.peer |= peer;
    b->lenient = peer && !(b->flags & KH_DICT_STRICT);
    for (size_t i = 0; i < kh_src_n_formats; i++)
        if (kh_src_formats[i].format == format) {
            st = kh_src_formats[i].parse(b, name, data, len);
            break;
        }
    b->lenient = 0;
    /* A source that added nothing and said nothing is empty or only
     * comments: most likely the wrong file, and an image built from it
     * alone would code nothing while every run reported success. */
    if (!st && b->errors == errors_before && b->warnings == warnings_before &&
        entries(b) == entries_before) {
        kh_srcpos pos = {name, 0, 0};
        kh_bld_diag(b, &pos, KH_SEV_ERROR, "no dictionary entries (the file is empty or "
                                           "holds only comments and section headers)");
    }
    kh_free(b->alloc, owned);
    if (!st && b->errors > errors_before)
        st = KH_ERR_FORMAT;
    return st;
}
