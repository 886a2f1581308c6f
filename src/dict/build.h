/*
 * build.h: the dictionary builder's internals, shared by the khaldun source
 * parser (source.c), the peer importers (src/peer/), and the compiler that
 * lays out the image (compile.c). Entries are added through the kh_bld_*
 * functions, which intern strings and words and extend the
 * phrase trie; nothing here is visible outside the library.
 */
#ifndef KH_DICT_BUILD_H
#define KH_DICT_BUILD_H

#include "dict/dict.h"

#define KH_MAX_PHRASE 24     /* words in one name or synset member */
#define KH_MAX_PATTERN 32    /* elements in one verb pattern */
#define KH_MAX_LIST 65536    /* names or synset members in one column of one line */

typedef struct kh_bnode {
    uint32_t head;   /* first payload (linked through kh_bpayload.next) */
    uint32_t count;
} kh_bnode;

typedef struct kh_bpayload {
    uint32_t kind;
    uint32_t ref;
    uint32_t next;
} kh_bpayload;

typedef struct kh_bpattern {
    kh_pattern p;      /* code holds the code STRING offset until finish */
    uint32_t file;     /* string: file name, for messages at finish */
    uint32_t line;
} kh_bpattern;

/* Where an entry came from, for messages. */
typedef struct kh_srcpos {
    const char *file;
    size_t line;
    size_t col;
} kh_srcpos;

struct kh_dict_builder {
    const kh_allocator *alloc;
    kh_diag_fn diag;
    void *diag_ctx;
    size_t errors, warnings;
    uint64_t source_hash;
    kh_scratch *scratch;     /* tokenises phrases like the runtime does */
    kh_buf pool;             /* string pool */
    kh_buf srchash;
    kh_buf options;          /* TABARI .options text read, NUL-terminated when not empty */
    kh_map str_map;          /* hash -> pool offset */
    kh_map word_map;         /* pool offset of folded form -> word id */
    kh_map edge_map;         /* (parent << 32 | word) -> child */
    kh_map country_map;      /* pool offset of code -> country index */
    kh_map synset_map;       /* pool offset of name -> synset index */
    kh_map code_map;         /* pool offset of code -> code index */
    kh_map pattern_map;      /* hash of pattern text + code -> pattern index */
    kh_vec words, nodes, bpayloads, actors, roles, countries, agents, places, synsets, codes,
        patterns, elems, alts;
    kh_vec inputs;           /* kh_file_id of every source file read: never written over */
    unsigned flags;          /* KH_DICT_* */
    int lenient;             /* a peer importer runs, not strict: errors skip the line */
    kh_dict_build_summary sum;
    int entry_kind;          /* KH_ENTRY_* of the line being read (peer importers) */
    const char *skip_file;   /* the last line skipped, counted once */
    size_t skip_line;
};

/* Reports at pos. While a peer importer reads leniently (b->lenient), an
 * error is reported as a warning that the line was skipped, and counted. */
void kh_bld_diag(kh_dict_builder *b, const kh_srcpos *pos, kh_severity sev, const char *fmt,
                 ...) KH_PRINTF(4, 5);
/* A remark the peer itself would not make (a duplicate, a code outside the
 * table): a warning when strict, else only counted in the summary. */
void kh_bld_remark(kh_dict_builder *b, const kh_srcpos *pos, const char *fmt, ...)
    KH_PRINTF(3, 4);
/* Reads a whole source file (from b's allocator) and notes its identity in
 * b->inputs, so the image is never written over it. KH_ERR_NOTFOUND /
 * KH_ERR_IO with errno set on failure. */
kh_status kh_bld_read_file(kh_dict_builder *b, const char *path, char **data, size_t *len);
kh_status kh_bld_str(kh_dict_builder *b, const char *s, size_t len, uint32_t *out);
/* Word id of a form (folded to lower case). */
kh_status kh_bld_word(kh_dict_builder *b, const char *s, size_t len, uint32_t *out);
/* Tokenises s as the runtime would and returns word ids (at most max). */
kh_status kh_bld_tokenize(kh_dict_builder *b, const char *s, size_t len, uint32_t *ids,
                          size_t max, size_t *n);
/* The trie node of a word-id sequence, created (with its parents) when absent. */
kh_status kh_bld_trie_node(kh_dict_builder *b, const uint32_t *ids, size_t n, uint32_t *node);
/* Adds a phrase meaning (kind, ref). KH_ERR_FORMAT (reported) for an empty
 * or over-long phrase. */
kh_status kh_bld_phrase(kh_dict_builder *b, const char *s, size_t len, uint32_t kind,
                        uint32_t ref, const kh_srcpos *pos);

/* Entry helpers shared by the parsers. Each validates, reports through
 * kh_bld_diag, and returns KH_ERR_FORMAT for a rejected entry. */
int kh_bld_actor_code_ok(const char *s, size_t len);
kh_status kh_bld_country(kh_dict_builder *b, const char *code, size_t len, uint32_t *index);
/* The index of synset `name` (folded), added when new. */
kh_status kh_bld_synset(kh_dict_builder *b, const char *name, size_t len, uint32_t *index);
/* Adds a pattern from parsed elements; `code` is the event code string. */
kh_status kh_bld_pattern(kh_dict_builder *b, const kh_elem *elems, size_t n, size_t verb_pos,
                         const char *code, size_t code_len, const char *text, size_t text_len,
                         const kh_srcpos *pos);

/* Source formats: one row per format a dictionary source may be written in
 * (dict/formats.c), found by kh_dict_format. A parser adds the entries of
 * one file, reporting through kh_bld_diag. */
typedef kh_status (*kh_src_parse_fn)(kh_dict_builder *b, const char *name, const char *data,
                                     size_t len);
typedef struct kh_src_format {
    kh_dict_format format;
    kh_src_parse_fn parse;
} kh_src_format;
extern const kh_src_format kh_src_formats[];
extern const size_t kh_src_n_formats;

/* khaldun's own source format (source.c). */
kh_status kh_src_khaldun(kh_dict_builder *b, const char *name, const char *data, size_t len);

/* Parses a date range "FROM..TO" (either end open, YYYY[-MM[-DD]]); a plain
 * date is a one-day... no: a plain date D means D..D. Returns 0 on error. */
int kh_parse_range(const char *s, size_t len, int32_t *from, int32_t *to);

#endif
