/*
 * build.h: the dictionary builder's internals, shared by the khaldun source
 * parser (source.c), the TABARI and PETRARCH importers (import_*.c), and the
 * compiler that lays out the image (compile.c). Entries are added through
 * the kh_bld_* functions, which intern strings and words and extend the
 * phrase trie; nothing here is visible outside the library.
 */
#ifndef KH_DICT_BUILD_H
#define KH_DICT_BUILD_H

#include "dict/dict.h"

#define KH_MAX_PHRASE 24     /* words in one name or synset member */
#define KH_MAX_PATTERN 32    /* elements in one verb pattern */
#define KH_MAX_LIST 65536    /* names or synset members in one column of one line */

typedef struct kh_vec {
    void *p;
    size_t n, cap, elem;
} kh_vec;

#define KH_VEC_AT(v, T, i) (((T *)(v).p)[i])

typedef struct kh_map_slot {
    uint64_t key;
    uint32_t val;
    uint32_t used;
} kh_map_slot;

typedef struct kh_map {
    kh_map_slot *slots;
    size_t n_slots, count;
} kh_map;

kh_status kh_vec_push(const kh_allocator *a, kh_vec *v, const void *item);
kh_status kh_map_get_or_put(const kh_allocator *a, kh_map *m, uint64_t key, uint32_t val,
                            uint32_t *out, int *found);
int kh_map_get(const kh_map *m, uint64_t key, uint32_t *out);

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
};

void kh_bld_diag(kh_dict_builder *b, const kh_srcpos *pos, kh_severity sev, const char *fmt,
                 ...) KH_PRINTF(4, 5);
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
kh_status kh_bld_synset(kh_dict_builder *b, const char *name, size_t len, int define,
                        uint32_t *index);
/* Adds a pattern from parsed elements; `code` is the event code string. */
kh_status kh_bld_pattern(kh_dict_builder *b, const kh_elem *elems, size_t n, size_t verb_pos,
                         const char *code, size_t code_len, const char *text, size_t text_len,
                         const kh_srcpos *pos);

/* Source parsers. */
kh_status kh_src_khaldun(kh_dict_builder *b, const char *name, const char *data, size_t len);
kh_status kh_src_tabari(kh_dict_builder *b, const char *name, const char *data, size_t len);
kh_status kh_src_petrarch(kh_dict_builder *b, const char *name, const char *data, size_t len);

/* Parses a date range "FROM..TO" (either end open, YYYY[-MM[-DD]]); a plain
 * date is a one-day... no: a plain date D means D..D. Returns 0 on error. */
int kh_parse_range(const char *s, size_t len, int32_t *from, int32_t *to);

/* ---------------------------------------------------------------------- */
/* Importers (added with import_tabari.c / import_petrarch.c)             */

/* Makes sure an event code exists in the code table. A code not there yet
 * (not in data/cameo.txt, which the CLI adds before any import) is added
 * with Goldstein 0, an empty name and the QuadClass of its CAMEO root (0
 * when it has none), with a warning at `pos` (may be NULL). The special
 * codes KH_CODE_* are added silently with quad 0. Defined in
 * import_tabari.c. */
kh_status kh_bld_code_ensure(kh_dict_builder *b, const char *code, size_t len,
                             const kh_srcpos *pos);

/* The dialect an importer reads: decides word modes (TABARI stems),
 * comment syntax and the form/plural rules. */
typedef enum kh_imp_dialect { KH_IMP_TABARI = 1, KH_IMP_PETRARCH = 2 } kh_imp_dialect;

/* One importer run over one file: its position for messages and the
 * synsets it defined (members kept as text for nested expansion). Every
 * pointer into the file's data is valid only during the run. */
typedef struct kh_imp {
    kh_dict_builder *b;
    const char *name;       /* the file's name, for messages */
    kh_imp_dialect dialect;
    const char *line;       /* start of the current line */
    size_t lineno;
    kh_vec syns;            /* struct imp_syn (import_tabari.c) */
    kh_vec mems;            /* struct imp_mem: offsets of member texts in `text` */
    kh_buf text;            /* expanded synset members */
} kh_imp;

/* A parsed code block "[...]". */
typedef struct kh_imp_code {
    char code[40];          /* the event code, or KH_CODE_* */
    char code2[40];         /* the paired code, when flags has KH_PAT_PAIRED */
    uint32_t flags;         /* KH_PAT_* */
    int32_t shift;          /* KH_PAT_TIME */
} kh_imp_code;

/* An actor entry being collected (primary phrase, + synonyms, dated codes). */
typedef struct kh_imp_actor {
    int open;
    size_t lineno;
    kh_vec phrases;         /* struct imp_span */
    kh_vec roles;           /* struct imp_role */
} kh_imp_actor;

void kh_imp_init(kh_imp *im, kh_dict_builder *b, const char *name, kh_imp_dialect dialect);
void kh_imp_free(kh_imp *im);
/* Reports at the column of `at` (a pointer into the current line, or NULL). */
void kh_imp_diag(kh_imp *im, const char *at, kh_severity sev, const char *fmt, ...)
    KH_PRINTF(4, 5);
/* Next line of [data, data+len) from *pos (CR stripped); updates im->line
 * and im->lineno. Returns 0 at the end. */
int kh_imp_next_line(kh_imp *im, const char *data, size_t len, size_t *pos, const char **s,
                     size_t *n);
/* Parses the inside of "[...]" into *out; `time` for <TIME> shifts.
 * Reports and returns KH_ERR_FORMAT when malformed; ensures the codes. */
kh_status kh_imp_code_parse(kh_imp *im, const char *s, size_t len, int time, kh_imp_code *out);
/* Splits "TEXT [CODE] rest" at its first '[' ... matching ']'. Returns 0
 * when there is no code block; *text is then the whole trimmed line. */
int kh_imp_split_code(const char *s, size_t len, const char **text, size_t *text_len,
                      const char **code, size_t *code_len);
/* Adds a name (TABARI/PETRARCH phrase syntax: words joined by `_` or
 * blanks) meaning (kind, ref). `plural` adds the final word's regular
 * plural/ending forms; `stem_last` (PETRARCH discards) makes the last word
 * a stem. */
kh_status kh_imp_phrase(kh_imp *im, const char *s, size_t len, uint32_t kind, uint32_t ref,
                        int plural, int stem_last);
/* Synsets: "&NAME" (a trailing `_` turns plurals off) and its "+" members. */
kh_status kh_imp_synset_define(kh_imp *im, const char *name, size_t len, uint32_t *syn);
kh_status kh_imp_synset_member(kh_imp *im, uint32_t syn, const char *s, size_t len);
/* Actor entries. */
void kh_imp_actor_init(kh_imp_actor *a);
void kh_imp_actor_free(kh_imp *im, kh_imp_actor *a);
kh_status kh_imp_actor_phrase(kh_imp *im, kh_imp_actor *a, const char *s, size_t len);
/* Parses one "CODE [<DATE | >DATE | DATE-DATE]" block into the entry. */
kh_status kh_imp_actor_role(kh_imp *im, kh_imp_actor *a, const char *s, size_t len);
/* Writes the collected entry (reports an entry without a code). */
kh_status kh_imp_actor_end(kh_imp *im, kh_imp_actor *a);
/* Adds an agent: NAME [plural forms] with an agent code "~GOV" / "NGO~". */
kh_status kh_imp_agent(kh_imp *im, const char *const *names, const size_t *name_lens,
                       size_t n_names, const int *plural, const char *code, size_t code_len,
                       const char *code_at);
/* Adds the patterns of one verb form: `form` is the verb as written on its
 * line ("ABANDON", "BREAK_DOWN", "KLM_NOP_+RST"), `verb_word` an override
 * of its verb word (a generated form) or NULL; `pat` the pattern text after
 * "-" (NULL: the verb alone); `code` the parsed code. */
kh_status kh_imp_pattern(kh_imp *im, const char *form, size_t form_len, const char *verb_word,
                         size_t verb_word_len, const char *pat, size_t pat_len,
                         const kh_imp_code *code, const char *at);
/* The verb forms of a verb line: writes up to max NUL-terminated words
 * (each < 64 bytes) into forms; returns the count. TABARI `ACT_` gives the
 * regular endings; PETRARCH a bare verb its regular forms. */
size_t kh_imp_verb_forms(kh_imp_dialect dialect, const char *word, size_t len,
                         char forms[][64], size_t max);
/* Finds the verb word of a verb line (PETRARCH `+`, else the first). */
int kh_imp_verb_word(const char *form, size_t len, const char **w, size_t *wl);
/* Reads a file named by a TABARI .project (relative to it) into memory. */
/* Reads a whole source file (from b's allocator) and notes its identity in
 * b->inputs. KH_ERR_NOTFOUND / KH_ERR_IO with errno set on failure. */
kh_status kh_bld_read_file(kh_dict_builder *b, const char *path, char **data, size_t *len);

#endif
