/*
 * import.h: the peer importers' shared machinery (import.c), used by the
 * TABARI importer (tabari.c) and the PETRARCH importer (petrarch.c) and by
 * nothing else. The importers turn the peers' dictionary files into entries
 * of khaldun's dictionary builder (dict/build.h); the builder reaches them
 * only through the source-format table (dict/formats.c).
 */
#ifndef KH_PEER_IMPORT_H
#define KH_PEER_IMPORT_H

#include "dict/build.h"

/* Makes sure an event code exists in the code table. A code not there yet
 * (not in data/cameo.txt, which the CLI adds before any import) is added
 * with Goldstein 0, an empty name and the QuadClass of its CAMEO root (0
 * when it has none), with a warning at `pos` (may be NULL). The special
 * codes KH_CODE_* are added silently with quad 0. Defined in
 * import.c. */
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
    kh_vec syns;            /* struct imp_syn (import.c) */
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
/* A synset an importer run defined, and its members' texts. */
struct imp_syn {
    uint32_t index;   /* builder synset index */
    uint32_t name;    /* pool offset of the folded name */
    uint32_t first;   /* first member in im->mems */
    uint32_t count;
    int plural;
};

struct imp_mem {
    uint32_t syn;     /* index into im->syns */
    uint32_t off;     /* offset of the member text in im->text */
    uint32_t len;
};

/* Limits and word modes shared by the importer files. */
#define IMP_MAX_WORD 63      /* bytes in one dictionary word */
#define IMP_MAX_EXPAND 512   /* phrases one synset member may expand into */
enum { W_STEM = 1, W_EXACT = 2, W_NOEND = 3 };
typedef kh_status (*expand_fn)(kh_imp *im, void *ctx, const char *s, size_t len);

#define IMP_ERR(im, at, ...) kh_imp_diag((im), (at), KH_SEV_ERROR, __VA_ARGS__)
#define IMP_WARN(im, at, ...) kh_imp_diag((im), (at), KH_SEV_WARNING, __VA_ARGS__)
/* Small text helpers of the peers' line formats. */
int kh_imp_is_blank(int c);
int kh_imp_is_alnum(int c);
void kh_imp_trim(const char **s, size_t *n);
int kh_imp_has_prefix_ci(const char *s, size_t n, const char *p);
/* Checks bytes a dictionary line may not hold (NUL, invalid UTF-8); reports the first. */
int kh_imp_line_ok(kh_imp *im, const char *s, size_t n);
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
/* Forgets the entry being collected (after a malformed line). */
void kh_imp_actor_drop(kh_imp_actor *a);
/* Ends an actors file: writes the last entry unless `st` is already an
 * error, frees the entry and returns the first error. */
kh_status kh_imp_actor_close(kh_imp *im, kh_imp_actor *a, kh_status st);
/* Maps a pointer into a line an importer rewrote (PETRARCH's stripped
 * copy) back to the original line, for messages; NULL: no rewrite. */
typedef const char *(*kh_imp_at_fn)(const void *ctx, const char *p);
/* Reads the "[CODE ...]" blocks in [p, end) into the entry; errors at
 * at(ctx, p). Returns the first KH_ERR_FORMAT after reading on, or
 * another error at once. */
kh_status kh_imp_role_blocks(kh_imp *im, kh_imp_actor *a, const char *p, const char *end,
                             kh_imp_at_fn at, const void *ctx);
/* Splits a pattern line "- PATTERN [CODE]" (t[0] is the dash) like
 * kh_imp_split_code, reporting a missing code block; returns 0 then. */
int kh_imp_pattern_split(kh_imp *im, const char *t, size_t tl, const char **txt, size_t *txl,
                         const char **code, size_t *cl, kh_imp_at_fn at, const void *ctx);
/* The next line of [data, len) from *i ('\n' ends it, nothing stripped)
 * trimmed of blanks, for guessing a file's kind. Returns 0 at the end. */
int kh_imp_raw_line(const char *data, size_t len, size_t *i, const char **t, size_t *tl);
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


/* A file's bytes as UTF-8 (text.c): lines that are not UTF-8 are read as
 * Windows-1252 (Latin-1 where it defines nothing), as the peers read 8-bit
 * text. *out is NULL when the data is UTF-8 already, else a copy (from
 * b's allocator; the caller frees it) with the same lines. */
kh_status kh_imp_decode(kh_dict_builder *b, const char *data, size_t len, char **out,
                        size_t *out_len);
/* A date restriction's date (YYMMDD, YYYYMMDD) to days by the dialect's
 * rules (text.c). Returns 0 when the peer would not read it. */
int kh_imp_date(kh_imp_dialect dialect, const char *s, size_t n, int32_t *out);

/* The two source formats (tabari.c, petrarch.c), listed in dict/formats.c. */
kh_status kh_src_tabari(kh_dict_builder *b, const char *name, const char *data, size_t len);
kh_status kh_src_petrarch(kh_dict_builder *b, const char *name, const char *data, size_t len);

/* 1-based column of `at` in the current line (1 when it lies elsewhere). */
size_t kh_imp_col_in(const kh_imp *im, const char *at);

/* Expands the first synset designator in s with each member of that
 * synset, recursively; calls add() on each plain result. */
kh_status kh_imp_expand(kh_imp *im, const char *s, size_t len, int depth, size_t *budget,
                        expand_fn add, void *ctx, const char *at);

/* Synsets                                                                */
int kh_imp_syn_find(kh_imp *im, const char *name, size_t len, uint32_t *at);

/* Length of a synset designator's name at s (after '&'): letters, digits. */
size_t kh_imp_syn_name_len(const char *s, size_t n);

/* Tokenises one dictionary word as the runtime would; the last token gets
 * the stem marker when `stem`. */
kh_status kh_imp_word_ids(kh_imp *im, const char *w, size_t wl, int stem, uint32_t *ids,
                          size_t max, size_t *n);

#endif
