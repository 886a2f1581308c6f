/*
 * khaldun.h: the one public header of libkhaldun, a political event coder.
 *
 * khaldun reads raw news (scraped text dumps, JSON Lines, TABARI and PETRARCH
 * records), cleans it into stories, splits sentences and tokens, tags them,
 * and codes who did what to whom in the CAMEO ontology. The pipeline, in the
 * order of the source tree:
 *
 *   read -> clean -> sentences -> tokens -> tags/chunks -> actors -> events
 *        -> resolve (dates, places) -> sinks (JSONL, GDELT TSV, SQLite)
 *
 * Conventions, everywhere in this header:
 *   - Every name is prefixed kh_ / KH_. Handles are opaque.
 *   - Text is passed as (pointer, length); it need not be NUL-terminated and
 *     may contain any bytes, including NUL and invalid UTF-8.
 *   - Functions return a kh_status; KH_OK is zero. The library never exits,
 *     aborts or prints: problems come back as a status and, where the caller
 *     passes one, a kh_error record.
 *   - There is no global state. Objects are reentrant: distinct objects may be
 *     used from distinct threads at once. Read-only objects (kh_lexicon,
 *     kh_dict) may be shared by any number of threads at once.
 *   - Every *_free function accepts NULL.
 *   - Pointers handed to callbacks are valid only for the duration of the
 *     callback unless a comment says otherwise.
 */
#ifndef KHALDUN_H
#define KHALDUN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* KH_API marks what libkhaldun.so exports: the functions of this header and
 * nothing else (the library is compiled with -fvisibility=hidden). */
#if defined(__GNUC__)
#define KH_API __attribute__((visibility("default")))
#else
#define KH_API
#endif

#define KH_VERSION_MAJOR 0
#define KH_VERSION_MINOR 1
#define KH_VERSION_PATCH 0
#define KH_VERSION_STRING "0.1.0"

/* Returns KH_VERSION_STRING of the library actually linked. */
KH_API const char *kh_version(void);

/* Writes the first `hex` lowercase hex digits (at most 64) of the SHA-256
 * (FIPS 180-4) of [data, data + len) and a NUL to out, which holds at least
 * hex + 1 bytes. The hash the event store keys stories by; the CLI uses it
 * to check that a gold unit still points at the same story bytes. */
KH_API void kh_sha256_hex(const void *data, size_t len, char *out, size_t hex);

/* Encodes the code point cp (at most 0x10FFFF) as UTF-8 into out, which
 * has room for 4 bytes; returns the bytes written (1 to 4). Checks
 * nothing: a surrogate is encoded as it comes. */
KH_API size_t kh_utf8_encode(uint32_t cp, char *out);

/* ---------------------------------------------------------------------- */
/* Status codes and errors                                                 */
/* ---------------------------------------------------------------------- */

typedef enum kh_status {
    KH_OK = 0,
    KH_ERR_NOMEM,    /* an allocation failed; the object is still usable or freeable */
    KH_ERR_INVALID,  /* a bad argument (NULL where not allowed, unknown flag) */
    KH_ERR_IO,       /* reading or writing a file failed */
    KH_ERR_FORMAT,   /* malformed input: a record or dictionary line was rejected */
    KH_ERR_LIMIT,    /* a named limit (kh_limits) was exceeded */
    KH_ERR_CORRUPT,  /* a binary image failed its checks and was refused */
    KH_ERR_VERSION,  /* a binary image or database from another format version */
    KH_ERR_NOTFOUND, /* a named file, entry or code does not exist */
    KH_ERR_DB        /* the event store failed (see the message) */
} kh_status;

/* A static, English, one-line description of a status. Never NULL. */
KH_API const char *kh_strerror(kh_status status);

/*
 * An optional error record filled by functions that take one. `line` and
 * `col` are 1-based (0 when not applicable); `offset` is a byte offset into
 * the input being processed.
 */
typedef struct kh_error {
    kh_status code;
    size_t line;
    size_t col;
    uint64_t offset;
    char message[1024]; /* whole: paths may be long */
} kh_error;

/* ---------------------------------------------------------------------- */
/* Memory                                                                 */
/* ---------------------------------------------------------------------- */

/*
 * An allocator hook. Every allocation the library makes goes through it when
 * one is given (NULL means the C library's malloc/realloc/free). `free` must
 * accept NULL. Tests use it to fail the Nth allocation.
 */
typedef struct kh_allocator {
    void *(*malloc_fn)(void *ctx, size_t size);
    void *(*realloc_fn)(void *ctx, void *ptr, size_t size);
    void (*free_fn)(void *ctx, void *ptr);
    void *ctx;
} kh_allocator;

/*
 * Named, tunable caps on what one input can make the library hold. Zero in a
 * field means "use the default". kh_limits_default() fills the defaults.
 */
typedef struct kh_limits {
    size_t max_line;      /* longest input line/record kept (default 8 MiB) */
    size_t max_story;     /* largest story text kept (default 8 MiB) */
    size_t max_sentences; /* sentences kept per story (default 20,000) */
    size_t max_tokens;    /* tokens kept per sentence (default 1,000) */
} kh_limits;

KH_API void kh_limits_default(kh_limits *limits);

/* ---------------------------------------------------------------------- */
/* Dates                                                                  */
/* ---------------------------------------------------------------------- */

/* A calendar date. year == 0 means unknown; month/day are then 0 too. */
typedef struct kh_date {
    int16_t year;
    uint8_t month; /* 1..12 */
    uint8_t day;   /* 1..31 */
} kh_date;

/* How much of an event's date the text gives. The date is then a
 * representative day: the first of its month for KH_DATE_MONTH, 1 January
 * for KH_DATE_YEAR, never a day the text did not give without this mark. */
typedef enum kh_date_precision {
    KH_DATE_DAY = 0, /* the story's day, or one the text names or counts ("on Monday") */
    KH_DATE_WEEK,    /* "last week": a day of that week (the story date minus 7) */
    KH_DATE_MONTH,   /* "in May", "earlier this month", "last month" */
    KH_DATE_YEAR     /* "in 2019", "last year", "since 1990" */
} kh_date_precision;

/* "day", "week", "month", "year" (the JSON Lines and store spelling). */
KH_API const char *kh_date_precision_name(kh_date_precision precision);

/* Parses YYYY-MM-DD (also YYYYMMDD, YYMMDD, and ISO 8601 date-times whose
 * date part is one of these). Returns KH_ERR_FORMAT for anything else or an
 * impossible date. */
KH_API kh_status kh_date_parse(const char *text, size_t len, kh_date *out);

/* ---------------------------------------------------------------------- */
/* Diagnostics                                                            */
/* ---------------------------------------------------------------------- */

typedef enum kh_severity { KH_SEV_WARNING = 1, KH_SEV_ERROR = 2 } kh_severity;

/*
 * A diagnostic about the input: a rejected record, a truncated line, a
 * replaced byte. `source` is the input's name as given by the caller (a file
 * name or "-"); `line` is 1-based. Reported once per problem, through the
 * callback the caller set in the options; the library itself never prints.
 */
typedef struct kh_diag {
    kh_severity severity;
    kh_status code;
    const char *source;
    size_t line;
    const char *message;
    size_t col;       /* 1-based column, 0 when not applicable */
} kh_diag;

typedef void (*kh_diag_fn)(void *ctx, const kh_diag *diag);

/* ---------------------------------------------------------------------- */
/* Stage 1-2: reading and cleaning stories                                */
/* ---------------------------------------------------------------------- */

typedef enum kh_input_format {
    KH_INPUT_AUTO = 0, /* detect from the first bytes */
    KH_INPUT_TEXT,     /* scraped plain-text news dumps, one or more stories */
    KH_INPUT_JSONL,    /* one JSON object a line: text | title+body, id, date, url, source */
    KH_INPUT_TABARI,   /* TABARI records: "YYMMDD id" line, text, blank line */
    KH_INPUT_PETRARCH  /* PETRARCH XML: <Sentence date= id=><Text>...</Text> */
} kh_input_format;

/* Name of a format ("auto", "text", "jsonl", "tabari", "petrarch"), and back.
 * kh_input_format_parse returns KH_ERR_NOTFOUND for an unknown name. */
KH_API const char *kh_input_format_name(kh_input_format format);
KH_API kh_status kh_input_format_parse(const char *name, kh_input_format *out);

/* What kind of codable unit a paragraph of a story is. */
typedef enum kh_unit_kind {
    KH_UNIT_HEADLINE = 1,
    KH_UNIT_BODY = 2
} kh_unit_kind;

/* A slice of a story's text: text[off .. off+len). */
typedef struct kh_span {
    size_t off;
    size_t len;
} kh_span;

/* A codable paragraph: sentences never cross a unit's boundary. */
typedef struct kh_unit {
    kh_unit_kind kind;
    kh_span span;
} kh_unit;

/*
 * A story as the reader hands it over, cleaned. All strings are
 * NUL-terminated, owned by the reader, and valid until the story callback
 * returns. Optional strings are NULL when absent.
 *
 * `text` holds the story's text. For plain-text and TABARI input it is the
 * input's bytes exactly (so `input_offset + span.off` is a byte offset in the
 * input file); for JSON Lines and XML it is the decoded string value. Units,
 * captions and every later offset are byte offsets into `text`.
 */
typedef struct kh_story {
    const char *id;         /* the record's id, else "<source>:<line>" */
    const char *source;     /* the input's name, as given to the reader */
    size_t line;            /* 1-based line where the story starts */
    uint64_t input_offset;  /* byte offset of text[0] in the input, when raw */
    int raw;                /* 1 when text is the input's bytes exactly */
    kh_date date;           /* the record's date, else the default, else unknown */
    const char *title;      /* the headline, kept once */
    const char *url;
    const char *publisher;  /* the record's "source" field (outlet name) */
    const char *dateline;   /* place of the dateline, "TEHRAN" in "TEHRAN (Reuters) -" */
    const char *text;
    size_t text_len;
    const kh_unit *units;   /* headline first (when there is one), then body paragraphs */
    size_t n_units;
    const kh_span *captions; /* photo captions and credit lines, kept as metadata */
    size_t n_captions;
} kh_story;

/* Called once per story, in input order. A non-KH_OK return stops reading
 * and is returned by kh_reader_push / kh_reader_finish. */
typedef kh_status (*kh_story_fn)(void *ctx, const kh_story *story);

/* Fills *story as a one-paragraph body story over text[0..len), using *unit
 * for its paragraph (both must outlive the story): for coding a sentence
 * given on a command line, a dictionary phrase, or text from another
 * program. No date; id and source "-". */
KH_API void kh_story_from_text(kh_story *story, kh_unit *unit, const char *text, size_t len);

typedef struct kh_read_options {
    kh_input_format format;      /* KH_INPUT_AUTO to detect */
    kh_date default_date;        /* used when a record has no date (--date) */
    kh_limits limits;            /* zero fields take the defaults */
    const kh_allocator *alloc;   /* NULL for malloc */
    kh_diag_fn diag;             /* NULL to drop diagnostics */
    void *diag_ctx;
} kh_read_options;

typedef struct kh_reader kh_reader;

/* Creates a streaming reader for one input named `source` (copied). */
KH_API kh_status kh_reader_new(const kh_read_options *options, const char *source,
                               kh_reader **out);

/* Feeds the next `len` bytes of the input. Complete stories are delivered to
 * `fn` before this returns; a partial record is kept for the next call.
 * Memory stays bounded by the limits whatever the input. */
KH_API kh_status kh_reader_push(kh_reader *reader, const char *data, size_t len,
                                kh_story_fn fn, void *ctx);

/* Signals the end of input and delivers the last story. */
KH_API kh_status kh_reader_finish(kh_reader *reader, kh_story_fn fn, void *ctx);

/* The format in use (after detection; KH_INPUT_AUTO before any byte). */
KH_API kh_input_format kh_reader_format(const kh_reader *reader);

/* Counts so far: stories delivered and records rejected. */
KH_API void kh_reader_counts(const kh_reader *reader, size_t *stories, size_t *rejected);
/* 1 once the reader ignores the rest of its input (already reported as a
 * rejected record): UTF-16 or UTF-32 text, or a line with no line end within
 * KH_READ_GIVE_UP times limits.max_line bytes (/dev/zero). The caller may
 * stop reading; kh_reader_finish still delivers the stories before it. */
#define KH_READ_GIVE_UP 128
KH_API int kh_reader_done(const kh_reader *reader);

KH_API void kh_reader_free(kh_reader *reader);

/* ---------------------------------------------------------------------- */
/* Stage 3-4: sentences and tokens                                        */
/* ---------------------------------------------------------------------- */

/* Token flags (bit set). */
enum {
    KH_TOK_WORD = 1u << 0,      /* letters (maybe with digits, hyphens, apostrophes) */
    KH_TOK_NUMBER = 1u << 1,    /* 12, 3.5, 1,000, 2024-04-21 */
    KH_TOK_PUNCT = 1u << 2,     /* punctuation, one token per mark (ellipsis kept whole) */
    KH_TOK_CAP = 1u << 3,       /* starts with an upper-case letter */
    KH_TOK_UPPER = 1u << 4,     /* all letters upper-case (acronyms, headline caps) */
    KH_TOK_ABBREV = 1u << 5,    /* abbreviation or initial ending in '.' (U.S., Gen.) */
    KH_TOK_POSSESSIVE = 1u << 6,/* the 's / ' split from a possessive */
    KH_TOK_QUOTE = 1u << 7,     /* a quotation mark (any style, normalised to ") */
    KH_TOK_NORMALISED = 1u << 8,/* norm differs from the original bytes */
    KH_TOK_REPLACED = 1u << 9,  /* held invalid UTF-8 or NUL, replaced in norm */
    KH_TOK_SENT_START = 1u << 10/* first token of its sentence */
};

/*
 * A token: a slice of the story text (off, len), plus its normalised form
 * for matching (curly quotes -> ' ", dashes -> -, invalid bytes -> U+FFFD).
 * `norm` points into the story text when nothing was normalised, else into
 * the document's own memory. Not NUL-terminated; use norm_len.
 */
typedef struct kh_token {
    uint32_t off;
    uint32_t len;
    const char *norm;
    uint32_t norm_len;
    uint32_t flags;
} kh_token;

typedef struct kh_sentence {
    kh_span span;        /* bytes of the sentence in the story text */
    size_t unit;         /* index of the unit (paragraph) it belongs to */
    kh_unit_kind kind;   /* headline or body */
    size_t first_token;  /* index of its first token in the document */
    size_t n_tokens;
} kh_sentence;

/* ---------------------------------------------------------------------- */
/* Stage 5: language layer (lexicon, tags, chunks, clauses)               */
/* ---------------------------------------------------------------------- */

/* Universal POS tags. */
typedef enum kh_upos {
    KH_UPOS_X = 0, KH_UPOS_ADJ, KH_UPOS_ADP, KH_UPOS_ADV, KH_UPOS_AUX,
    KH_UPOS_CCONJ, KH_UPOS_DET, KH_UPOS_INTJ, KH_UPOS_NOUN, KH_UPOS_NUM,
    KH_UPOS_PART, KH_UPOS_PRON, KH_UPOS_PROPN, KH_UPOS_PUNCT, KH_UPOS_SCONJ,
    KH_UPOS_SYM, KH_UPOS_VERB,
    KH_UPOS_COUNT
} kh_upos;

/* "NOUN", "VERB", ... ; "X" for out-of-range values. */
KH_API const char *kh_upos_name(kh_upos upos);

/* The lexicon: word forms -> lemmas and parts of speech, built from WordNet
 * plus khaldun's closed-class lists. Immutable once loaded; share freely. */
typedef struct kh_lexicon kh_lexicon;

/* Builds the lexicon image at `out_path` from a WordNet database directory
 * (Debian's wordnet-base: /usr/share/wordnet) and khaldun's closed-class
 * word lists (data/lexicon/). Errors in the lists come back with their line.
 * The image is written by kh_output_open's rules (a regular file replaced
 * only when complete, a device written in place); an `out_path` that is one
 * of the files the build reads is refused with KH_ERR_INVALID. */
KH_API kh_status kh_lexicon_build(const char *wordnet_dir, const char *closed_dir,
                                  const char *out_path, kh_error *err);

/* The same, with the tagger's weights: read from a weights file (model,
 * khaldun's shipped data/model/tagger.txt), or learned from a gold CoNLL-U
 * file (train_conllu) and optionally saved as such a file (save_model).
 * Neither: the rule-based tagger. A weights file trained against another
 * lexicon is refused (KH_ERR_VERSION) unless flags has
 * KH_LEXICON_STALE_MODEL_OK. Training and saving the same data again gives
 * a byte-identical weights file and image. */
enum { KH_LEXICON_STALE_MODEL_OK = 1u << 0 };
typedef struct kh_lexicon_build_options {
    const char *wordnet_dir;  /* required */
    const char *closed_dir;   /* every *.txt in it; NULL for none */
    const char *train_conllu; /* NULL: no training */
    unsigned train_epochs;    /* 0: the default */
    const char *save_model;   /* with train_conllu: write the weights file here; NULL: don't */
    const char *model;        /* weights file to use instead of training; NULL: none */
    unsigned flags;           /* KH_LEXICON_* */
} kh_lexicon_build_options;
KH_API kh_status kh_lexicon_build_with(const kh_lexicon_build_options *options,
                                       const char *out_path, kh_error *err);

/* Maps a lexicon image read-only after verifying it. */
KH_API kh_status kh_lexicon_load(const char *path, const kh_allocator *alloc,
                                 kh_lexicon **out, kh_error *err);

/* Counts for `khaldun lex info`: word forms and lemmas held. */
KH_API void kh_lexicon_counts(const kh_lexicon *lex, size_t *forms, size_t *lemmas);

KH_API void kh_lexicon_free(kh_lexicon *lex);

/* 1 when the image carries a trained tagger model. */
KH_API int kh_lexicon_has_model(const kh_lexicon *lex);
/* The image's checksum and the hash of its sources. */
KH_API void kh_lexicon_hashes(const kh_lexicon *lex, uint64_t *checksum, uint64_t *source_hash);

/* What the lexicon knows of a word form (khaldun lex lookup). */
enum {
    KH_LEXF_CLOSED = 1u << 0,  /* from khaldun's closed-class lists */
    KH_LEXF_REPORT = 1u << 1,  /* reporting verb */
    KH_LEXF_MODAL = 1u << 2,
    KH_LEXF_NEG = 1u << 3,
    KH_LEXF_AUX = 1u << 4,
    KH_LEXF_QUANT = 1u << 5,
    KH_LEXF_NUMWORD = 1u << 6,
    KH_LEXF_WORDNET = 1u << 7, /* from WordNet */
    KH_LEXF_IRREG = 1u << 8,   /* an irregular form (WordNet exception lists) */
    KH_LEXF_INFL = 1u << 9,    /* a regular inflection */
    KH_LEXF_PROPER = 1u << 10, /* a proper noun */
    KH_LEXF_NEWS = 1u << 11    /* from the news-word corrections list */
};
typedef struct kh_lexicon_entry {
    const char *lemma;  /* NUL-terminated, in the image */
    uint32_t upos_set;  /* bit u set for each possible kh_upos u */
    uint32_t flags;     /* KH_LEXF_* */
    uint32_t freq;      /* WordNet tag count (0 unknown) */
} kh_lexicon_entry;
/* Writes at most max entries of a form; returns how many it has (0 unknown). */
KH_API size_t kh_lexicon_lookup(const kh_lexicon *lex, const char *word, size_t len,
                                kh_lexicon_entry *out, size_t max);


/* Chunks: noun phrases, prepositional phrases and verb groups. Token
 * indexes are document-wide, [first, end). */
typedef enum kh_chunk_kind {
    KH_CHUNK_NP = 1, /* noun phrase (with determiners, adjectives, possessor) */
    KH_CHUNK_PP,     /* preposition + its noun phrase (`attach`: the chunk it modifies) */
    KH_CHUNK_VG      /* verb group: auxiliaries, negation, adverbs, main verb, particle */
} kh_chunk_kind;

/* Noun-phrase flags. */
enum {
    KH_NP_POSSESSOR = 1u << 0, /* contains a possessor ("North Korea's minister") */
    KH_NP_PRONOUN = 1u << 1,   /* a personal pronoun */
    KH_NP_COORD = 1u << 2,     /* coordinated ("Pyongyang and Tehran"): see `member` */
    KH_NP_APPOSITION = 1u << 3,/* followed by an apposition (`attach` of that NP points here) */
    KH_NP_RELATIVE = 1u << 4   /* antecedent of a relative clause */
};

/* Verb-group flags. */
enum {
    KH_VG_NEGATED = 1u << 0,   /* not, n't, never, failed to */
    KH_VG_PASSIVE = 1u << 1,   /* be/get + participle, or a reduced participle ("a group led by") */
    KH_VG_MODAL = 1u << 2,     /* can, could, may, might, must, should, would */
    KH_VG_FUTURE = 1u << 3,    /* will, shall, going to */
    KH_VG_PAST = 1u << 4,      /* past tense or past perfect */
    KH_VG_PERFECT = 1u << 5,   /* have + participle */
    KH_VG_INTENT = 1u << 6,    /* wants/intends/plans/hopes/is ready to + verb */
    KH_VG_REFUSAL = 1u << 7,   /* refused/declined/rejected to + verb */
    KH_VG_REPORTING = 1u << 8, /* main verb reports speech (said, told, announced) */
    KH_VG_PARTICIPLE = 1u << 9,/* a bare participle clause ("including...", "led by") */
    KH_VG_ATTEMPT = 1u << 10   /* tries/attempts/seeks to + verb */
};

typedef struct kh_chunk {
    kh_chunk_kind kind;
    uint32_t sentence;
    uint32_t first;      /* first token */
    uint32_t end;        /* one past the last token */
    uint32_t head;       /* head token: noun of an NP, preposition of a PP, main verb of a VG */
    uint32_t flags;
    int32_t attach;      /* PP: chunk it modifies; NP: the NP it is an apposition of; else -1 */
    int32_t member;      /* coordinated NP: next member's chunk, else -1 */
    const char *lemma;   /* VG: lemma of the main verb (after to-infinitive chains); else NULL */
    uint32_t aux_first;  /* VG: first token of the whole chain ("wants to meet" starts at wants) */
    uint32_t particle;   /* VG: phrasal particle token ("out" in "flew out"), or UINT32_MAX */
} kh_chunk;

/* Clause flags. */
enum {
    KH_CL_REPORTED = 1u << 0,  /* content reported by `reporter` ("X said that ...") */
    KH_CL_RELATIVE = 1u << 1,  /* relative clause; subject is the antecedent */
    KH_CL_PARTICIPIAL = 1u << 2,
    KH_CL_COORD = 1u << 3,     /* second conjunct sharing the subject */
    KH_CL_QUOTE = 1u << 4      /* inside quotation marks */
};

typedef struct kh_clause {
    uint32_t sentence;
    uint32_t first, end;  /* tokens */
    int32_t verb;         /* VG chunk */
    int32_t subject;      /* NP chunk, or -1 */
    int32_t object;       /* first NP chunk after the verb, or -1 */
    int32_t agent;        /* passive: the NP after "by", or -1 */
    int32_t reporter;     /* reported content: the NP who reported it, or -1 */
    int32_t parent;       /* clause that reports or governs this one, or -1 */
    uint32_t flags;
} kh_clause;

/* ---------------------------------------------------------------------- */
/* The document: one story analysed by a per-thread scratch area          */
/* ---------------------------------------------------------------------- */

/*
 * Scratch memory for one thread. All per-story memory (sentences, tokens,
 * tags, chunks, events) lives in its arena and is reset by the next
 * kh_analyze on the same scratch. Never share one scratch between threads.
 */
typedef struct kh_scratch kh_scratch;

KH_API kh_status kh_scratch_new(const kh_allocator *alloc, const kh_limits *limits,
                                kh_scratch **out);
KH_API void kh_scratch_free(kh_scratch *scratch);

/* How far kh_analyze goes. */
enum {
    KH_ANALYZE_TOKENS = 1u << 0, /* sentences and tokens only */
    KH_ANALYZE_TAGS = 1u << 1,   /* + parts of speech and lemmas (needs a lexicon) */
    KH_ANALYZE_CHUNKS = 1u << 2  /* + noun phrases, verb groups, clauses */
};

/* The result of analysing one story. Owned by the scratch; valid until the
 * next kh_analyze or kh_scratch_free on that scratch. The story passed in
 * must outlive the document. */
typedef struct kh_doc {
    const kh_story *story;
    const kh_sentence *sentences;
    size_t n_sentences;
    const kh_token *tokens;
    size_t n_tokens;
    const uint8_t *upos;      /* one kh_upos per token, NULL unless tagged */
    const char *const *lemma; /* one lemma per token (NUL-terminated), NULL unless tagged */
    const kh_chunk *chunks;   /* in token order; NULL unless chunked */
    size_t n_chunks;
    const kh_clause *clauses; /* in order of their verbs; NULL unless chunked */
    size_t n_clauses;
    size_t n_truncated;       /* sentences cut at max_tokens, stories cut at max_sentences */
} kh_doc;

KH_API kh_status kh_analyze(kh_scratch *scratch, const kh_lexicon *lexicon,
                            const kh_story *story, unsigned flags, const kh_doc **out);

/* Tagging flags. */
enum { KH_TAG_RULES_ONLY = 1u << 0 /* ignore the trained model */ };

/* Tags n tokens of one sentence of `text` in context: fills upos[i] and
 * lemma[i] (valid until the scratch's next use). Uses the scratch's memory,
 * so it ends the validity of the scratch's last document. */
KH_API kh_status kh_tag_tokens(const kh_lexicon *lex, kh_scratch *scratch, const char *text,
                               const kh_token *toks, size_t n, kh_unit_kind kind, unsigned flags,
                               uint8_t *upos, const char **lemma);

/* ---------------------------------------------------------------------- */
/* Stage 6: dictionaries                                                  */
/* ---------------------------------------------------------------------- */

/* A compiled dictionary image: immutable, memory-mapped, share freely. */
typedef struct kh_dict kh_dict;
/* Collects dictionary sources and compiles them into an image. */
typedef struct kh_dict_builder kh_dict_builder;

/* Source formats a builder reads. */
typedef enum kh_dict_format {
    KH_DICT_KHALDUN = 0, /* khaldun's own (docs/dictionary-format.md) */
    KH_DICT_TABARI,      /* TABARI .actors/.agents/.verbs (kind from the content) */
    KH_DICT_PETRARCH     /* PETRARCH actors/agents/verbs/discards text files */
} kh_dict_format;

KH_API kh_status kh_dict_builder_new(const kh_allocator *alloc, kh_diag_fn diag, void *diag_ctx,
                                     kh_dict_builder **out);
/* Parses one source file (`path` is read; `data` NULL) or an in-memory
 * source (`data`, `len`; `path` names it in messages). Every problem is
 * reported through the diag callback as FILE:LINE:COL; the entry is skipped
 * and parsing goes on. Returns KH_ERR_FORMAT when any line was rejected,
 * KH_ERR_IO/KH_ERR_NOMEM on failure. */
KH_API kh_status kh_dict_builder_add(kh_dict_builder *b, kh_dict_format format, const char *path,
                                     const char *data, size_t len);
/* Cross-checks (unknown codes, undefined synsets, duplicates) and writes
 * the image by kh_output_open's rules (a regular file is replaced only when
 * complete, a device written in place, a folder refused). With out_path
 * NULL, only checks. Returns KH_ERR_FORMAT when the checks found errors (the
 * image is then not written), KH_ERR_INVALID when out_path is one of the
 * source files the builder read. */
KH_API kh_status kh_dict_builder_finish(kh_dict_builder *b, const char *out_path, kh_error *err);
/* Errors and warnings reported so far. */
KH_API void kh_dict_builder_counts(const kh_dict_builder *b, size_t *errors, size_t *warnings);
/*
 * Builder flags (kh_dict_builder_set_flags), set before the first add.
 * By default the peers' formats (TABARI, PETRARCH) are read as the peers
 * read them: a line the peer would skip is skipped with a warning and the
 * image is still written; remarks the peer does not make (a duplicate
 * pattern, a code outside the CAMEO table) are only counted. With
 * KH_DICT_STRICT every such line is an error, for people who write new
 * dictionaries. khaldun's own format is always strict.
 */
enum { KH_DICT_STRICT = 1u << 0 };
KH_API void kh_dict_builder_set_flags(kh_dict_builder *b, unsigned flags);
/* What the peer importers read and loaded, by kind of entry. */
enum { KH_ENTRY_ACTOR = 0, KH_ENTRY_AGENT, KH_ENTRY_PATTERN, KH_ENTRY_SYNSET, KH_ENTRY_KINDS };
typedef struct kh_dict_build_summary {
    size_t read[KH_ENTRY_KINDS];    /* entries in the sources */
    size_t skipped[KH_ENTRY_KINDS]; /* of those, skipped (a warning each) */
    size_t skipped_lines;           /* lines skipped, of any kind */
    size_t remarks;                 /* counted, not reported (see KH_DICT_STRICT) */
    int peer;                       /* a peer format was read */
} kh_dict_build_summary;
KH_API void kh_dict_builder_summary(const kh_dict_builder *b, kh_dict_build_summary *out);
KH_API void kh_dict_builder_free(kh_dict_builder *b);

KH_API kh_status kh_dict_load(const char *path, const kh_allocator *alloc, kh_dict **out,
                              kh_error *err);
/* Verifies an image held in memory (not copied: it must outlive the dict). */
KH_API kh_status kh_dict_from_memory(const void *data, size_t len, const kh_allocator *alloc,
                                     kh_dict **out, kh_error *err);
KH_API void kh_dict_free(kh_dict *dict);

/* The image's hash: 16 hex digits, stamped into every output record. */
KH_API const char *kh_dict_hash(const kh_dict *dict);

/* What a phrase means in a dictionary (khaldun dict lookup). */
typedef enum kh_phrase_kind {
    KH_PHRASE_ACTOR = 1, KH_PHRASE_COUNTRY, KH_PHRASE_DEMONYM, KH_PHRASE_CAPITAL,
    KH_PHRASE_AGENT, KH_PHRASE_PLACE, KH_PHRASE_SYNSET
} kh_phrase_kind;

typedef struct kh_phrase_info {
    kh_phrase_kind kind;
    const char *code;   /* actor code on the date (actors), country code (countries,
                         * demonyms, capitals, places), role code or "*" (agents), synset name */
    const char *name;   /* the entry's first name */
    const char *note;   /* actors: the note; "" otherwise */
} kh_phrase_info;

typedef void (*kh_phrase_fn)(void *ctx, const kh_phrase_info *info);

/* Every meaning of the whole phrase `text` (tokenised like news text), with
 * actors resolved on `date` (year 0: their current role). An actor with no
 * role on that date is reported with code "". Returns the number of
 * meanings reported. `scratch` tokenises the phrase. */
KH_API size_t kh_dict_lookup(const kh_dict *dict, kh_scratch *scratch, const char *text, size_t len,
                             kh_date date, kh_phrase_fn fn, void *ctx);

/* CAMEO event codes of a dictionary, with the number of verb patterns that
 * code to each (i < kh_dict_stats.codes). */
typedef struct kh_code_info {
    const char *code;
    const char *name;
    double goldstein;
    int quad;
    size_t patterns;
} kh_code_info;
KH_API kh_status kh_dict_code_info(const kh_dict *dict, size_t i, kh_code_info *out);

typedef struct kh_dict_stats {
    size_t codes, countries, actors, roles, agents, places, synsets, patterns;
    size_t words, phrases, bytes;
} kh_dict_stats;
KH_API void kh_dict_stats_get(const kh_dict *dict, kh_dict_stats *out);

/* ---------------------------------------------------------------------- */
/* Stage 7-8: coding events, dates and places                             */
/* ---------------------------------------------------------------------- */

/* Where an event happened, from the gazetteer (NULL place when the
 * sentence does not say; never guessed from the actors). */
typedef struct kh_place {
    const char *name;     /* as in the gazetteer, or the country's name */
    const char *country;  /* ISO3 / CAMEO country code */
    const char *admin1;   /* region, "" when unknown */
    double lat, lon;      /* valid only when has_coords */
    int has_coords;
    int type;             /* GDELT geo type: 1 country, 4 city or town */
    uint32_t feature_id;  /* GeoNames id, 0 for a country */
} kh_place;

/* One sentence that reports an event, with the evidence. Spans are byte
 * offsets into the story text; len 0 when absent. */
typedef struct kh_mention {
    size_t sentence;      /* index of the sentence in the document */
    kh_span text;         /* the sentence */
    kh_span source;       /* the source actor's words */
    kh_span target;
    kh_span verb;         /* the verb group (or pattern words) */
    kh_unit_kind kind;    /* headline or body */
    const char *pattern;  /* the dictionary pattern that matched, "file:line" */
} kh_mention;

/* Event flags. */
enum {
    KH_EV_INTENT = 1u << 0,   /* coded as intent from "wants to"/"will"/"ready to" */
    KH_EV_REFUSAL = 1u << 1,  /* coded as rejection from "refused to" */
    KH_EV_REPORTED = 1u << 2, /* from reported speech */
    KH_EV_PASSIVE = 1u << 3,  /* from a passive clause */
    KH_EV_SOURCE_INFERRED = 1u << 4, /* the source's country was inferred from the story */
    KH_EV_TARGET_INFERRED = 1u << 5, /* the target's country was inferred from the story */
    KH_EV_HYPOTHETICAL = 1u << 6     /* not asserted as a fact (see kh_event.modality);
                                        coded only with KH_CODE_HYPOTHETICAL */
};

/*
 * One event of a story, after per-story deduplication: one per (date,
 * source, target, code), with every mention kept. Owned by the coder; valid
 * until the next kh_coder_code or kh_coder_free.
 */
typedef struct kh_event {
    kh_date date;            /* the story date shifted by the event clause's expressions */
    kh_date_precision date_precision; /* how much of `date` the text gives */
    /* NULL for an act the text asserts (or an intent, a threat, a refusal);
     * else why it is not a fact, with KH_EV_HYPOTHETICAL: "conditional"
     * ("if they defy him"), "question", "whether" (embedded question),
     * "possibility" (could, may, might), "obligation" (should, must),
     * "denied" (the content of a denial), "background" ("until X sealed
     * its borders"). Static strings. */
    const char *modality;
    const char *source;      /* CAMEO actor code */
    const char *target;      /* NULL for a source-only event */
    const char *source_name; /* the dictionary name of the actor, or the words */
    const char *target_name;
    const char *code;        /* CAMEO event code, "042" */
    const char *name;        /* the code's name */
    char root[3];            /* "04" */
    int quad;                /* QuadClass 1..4 */
    double goldstein;
    const kh_place *place;   /* NULL when the text names none */
    uint32_t flags;
    const kh_mention *mentions;
    size_t n_mentions;
    /* The actors' own places, where their words name one ("Tehran said":
     * Tehran; "Kabul police": Kabul); NULL otherwise. GDELT's Actor1Geo and
     * Actor2Geo. Not kept by the event store. */
    const kh_place *source_place, *target_place;
} kh_event;

/* A line of explanation: what the coder considered and why (khaldun explain). */
typedef void (*kh_trace_fn)(void *ctx, size_t sentence, const char *line);

typedef struct kh_code_options {
    const kh_dict *dict;       /* required */
    const kh_lexicon *lexicon; /* required for tags and chunks */
    kh_limits limits;
    const kh_allocator *alloc;
    kh_trace_fn trace;         /* NULL: no tracing (the fast path) */
    void *trace_ctx;
    unsigned flags;            /* KH_CODE_STATS: time each stage (kh_coder_stats_get) */
    /* Settings of the imported dictionaries' own coder, in TABARI .options
     * syntax, one command a line ("COMPLEX: VERBS[5] NOACTPRIOR",
     * "SET: CODE ALL", "DEFAULT: SOURCE [SRC] PRIOR", "COMMA: OFF", ...;
     * manual chapter 8). Read once by kh_coder_new (the text need not
     * outlive the call; lines it does not understand are skipped, as an
     * .options file may hold other TABARI versions' commands); NULL: the
     * peer's defaults. Only the matcher
     * for TABARI/PETRARCH dictionaries reads them; khaldun's own
     * dictionaries ignore them. */
    const char *peer_options;
} kh_code_options;

/* A coder: per-thread state (scratch memory, story context). The dict and
 * lexicon are shared read-only between coders. */
typedef struct kh_coder kh_coder;

KH_API kh_status kh_coder_new(const kh_code_options *options, kh_coder **out);
/* Codes one story. *events (n of them) stay valid until the next call. */
KH_API kh_status kh_coder_code(kh_coder *coder, const kh_story *story, const kh_event **events,
                               size_t *n);
/* The document of the last story coded (sentences, tokens, tags, chunks). */
KH_API const kh_doc *kh_coder_doc(const kh_coder *coder);
/*
 * Applies one line of peer options (TABARI .options syntax, as in
 * kh_code_options.peer_options) from the next kh_coder_code on, the way
 * TABARI applies the { OPTION: ... } commands of its validation records:
 * COMPLEX: replaces the complexity filter; DEFAULT: OFF clears the default
 * actors; FORWARD: ... OFF stops pronoun forwarding. Blank lines, comments
 * ("//") and commands without effect on coding (LABEL:, OUTPUT:) are
 * accepted and ignored. KH_ERR_FORMAT for a line that is not understood
 * (the coder is then unchanged); KH_ERR_INVALID for NULL arguments.
 */
KH_API kh_status kh_coder_set_peer_option(kh_coder *coder, const char *line);
KH_API void kh_coder_free(kh_coder *coder);

/* ---- Per-stage statistics (khaldun code --stats, make bench) ---------- */
/*
 * Counts are always kept. Times (nanoseconds of the coder's thread, from
 * CLOCK_MONOTONIC) are taken only when the coder was created with
 * KH_CODE_STATS in kh_code_options.flags; otherwise they stay zero and the
 * coder reads no clock. Timing splits kh_analyze into its stages, which
 * gives the same document as the untimed path.
 */
enum {
    KH_CODE_STATS = 1u << 0,
    /* Also code acts the text does not assert (conditionals, questions,
     * obligations, possibilities, denied or background acts), flagged
     * KH_EV_HYPOTHETICAL with kh_event.modality. Without it they are not
     * coded (khaldun code --hypothetical sets it). */
    KH_CODE_HYPOTHETICAL = 1u << 1
};

typedef struct kh_coder_stats {
    uint64_t analyze_ns; /* sentences and tokens */
    uint64_t tags_ns;    /* parts of speech and lemmas */
    uint64_t chunks_ns;  /* noun phrases, verb groups, clauses */
    uint64_t coding_ns;  /* phrase lookup, patterns, actors, dates, places, merge */
    size_t stories;      /* stories coded (including those refused with an error) */
    size_t sentences;
    size_t tokens;
    size_t events;       /* after per-story merging */
} kh_coder_stats;

/* The totals since kh_coder_new. */
KH_API void kh_coder_stats_get(const kh_coder *coder, kh_coder_stats *out);
/* Adds `add` into `sum` (to total the coders of several threads). */
KH_API void kh_coder_stats_add(kh_coder_stats *sum, const kh_coder_stats *add);
/* A monotonic clock in nanoseconds, for callers timing their own stages
 * (output) on the same scale. */
KH_API uint64_t kh_clock_ns(void);
/* ---- end of per-stage statistics -------------------------------------- */

/* ---------------------------------------------------------------------- */
/* Sinks                                                                  */
/* ---------------------------------------------------------------------- */

/* Where formatted output goes: called with consecutive pieces of output. A
 * non-KH_OK return stops the writer, which returns that status. */
typedef kh_status (*kh_write_fn)(void *ctx, const char *data, size_t len);

enum {
    KH_JSON_TOKENS = 1u << 0, /* each sentence's tokens: [norm, off, len] */
    KH_JSON_TAGS = 1u << 1,   /* tokens as [norm, off, len, upos, lemma] */
    KH_JSON_CHUNKS = 1u << 2  /* noun phrases, verb groups, clauses */
};

/*
 * Writes one document as a single line of JSON and a newline: the story's
 * metadata, its units and captions, and its sentences (with text, offsets,
 * and what `flags` asks for). Always valid JSON whatever bytes the story
 * holds (invalid UTF-8 is written as U+FFFD). This is `khaldun read`.
 */
KH_API kh_status kh_doc_write_json(const kh_doc *doc, unsigned flags, kh_write_fn write, void *ctx);

/*
 * Writes the events of one story as JSON Lines, one object per event:
 * story, sentence, date, source, target, source_name, target_name, code,
 * root, quad, goldstein, place, mentions, text, spans, dict (the image
 * hash). Deterministic: the same story and image give the same bytes.
 */
KH_API kh_status kh_events_write_json(const kh_story *story, const kh_event *events, size_t n,
                                      const char *dict_hash, kh_write_fn write, void *ctx);

/*
 * GDELT 2.0 Events (61 tab-separated columns) and Mentions (16 columns)
 * rows for the events of one story. GLOBALEVENTID is a hash of the event's
 * key (date, source, target, code), the same in every run (docs/formats.md).
 * Tabs and newlines in text are replaced by spaces, so every row is
 * well-formed TSV.
 */
KH_API kh_status kh_events_write_gdelt(const kh_story *story, const kh_event *events, size_t n,
                                       kh_write_fn write_events, void *events_ctx,
                                       kh_write_fn write_mentions, void *mentions_ctx);

/*
 * A sink: where coded stories go, one interface for every output (JSON
 * Lines, GDELT, the event store). Calls come in this order, from one thread
 * at a time: kh_sink_begin once; for each story, kh_sink_story and then
 * kh_sink_event for each of its events; kh_sink_finish once. The story must
 * stay valid until its last event has been given; each event during its
 * call. A sink writes what kh_events_write_json / kh_events_write_gdelt
 * would for the same stories, byte for byte (but for the Events row of an
 * event an earlier story reported, which the GDELT sink does not repeat). A non-KH_OK status stops
 * nothing by itself: the caller decides (a store's message is in
 * kh_store_errmsg). Free with kh_sink_free (accepts NULL).
 */
typedef struct kh_sink kh_sink;

/* JSON Lines events, each stamped with `dict_hash`, to `write`. */
kh_status kh_sink_json_new(const char *dict_hash, kh_write_fn write, void *ctx, kh_sink **out);
/* GDELT 2.0 Events rows to `write_events`, one per event of the run (from
 * the first story that reports it; later stories add Mentions rows only),
 * and Mentions rows to `write_mentions` (NULL: none). */
kh_status kh_sink_gdelt_new(kh_write_fn write_events, void *events_ctx,
                            kh_write_fn write_mentions, void *mentions_ctx, kh_sink **out);
/* TABARI's event lines to `write`: date (YYMMDD), source, target ("---"
 * when none), code, code name, record id; tab-separated, one a line. */
kh_status kh_sink_tabari_new(kh_write_fn write, void *ctx, kh_sink **out);
/* PLOVER/POLECAT records (NGEC's shape, docs/formats.md), one JSON object a
 * line, stamped with `dict_hash`, to `write`. Events whose CAMEO code PLOVER
 * leaves out (01, 02) get none; the sink's event count is records written. */
kh_status kh_sink_plover_new(const char *dict_hash, kh_write_fn write, void *ctx, kh_sink **out);

kh_status kh_sink_begin(kh_sink *sink);
kh_status kh_sink_story(kh_sink *sink, const kh_story *story);
kh_status kh_sink_event(kh_sink *sink, const kh_event *event);
kh_status kh_sink_finish(kh_sink *sink);
void kh_sink_free(kh_sink *sink);

/* What a sink took: stories and their events; `known` counts the stories a
 * store already held (left as they were, their events not counted). */
typedef struct kh_sink_counts {
    size_t stories;
    size_t known;
    size_t events;
} kh_sink_counts;
void kh_sink_counts_get(const kh_sink *sink, kh_sink_counts *out);

/* ---- Output files ------------------------------------------------------ */
/*
 * The one way khaldun writes a named file: dictionary and lexicon images,
 * exported Events and Mentions tables. By what the name is:
 *   - a regular file, or a name that does not exist yet: written to a
 *     temporary file in the same folder (".NAME.XXXXXX"), which
 *     kh_output_commit renames over NAME once everything is written and
 *     synced. Until then NAME is untouched, so a failed, refused or killed
 *     run leaves it as it was. A symbolic link keeps the link; the file it
 *     points to is replaced (with its permission bits).
 *   - a character device or a named pipe (/dev/null, a terminal, a FIFO):
 *     written directly, never replaced.
 *   - /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N: the open
 *     descriptor is duplicated and written directly (its offset and append
 *     mode are kept); one not open for writing is refused.
 *   - refused with KH_ERR_INVALID, before anything is created: the empty
 *     name, a folder, a block device or socket, a file that is one of
 *     `options->inputs` (compared by device and inode, so another spelling
 *     or a hard link is caught too), and the target of one of
 *     `options->outputs`. Names that cannot be examined (a missing folder,
 *     no permission) give KH_ERR_IO. Messages name the path.
 * Character devices are never compared (two outputs may both be /dev/null).
 */
typedef struct kh_output kh_output;

typedef struct kh_output_options {
    const char *const *inputs;       /* files the run reads or holds open (its input files,
                                      * an event store and its -wal/-shm): never written.
                                      * Names that do not exist are skipped. */
    size_t n_inputs;
    const char *inputs_role;         /* what they are, for messages ("the event store this
                                      * run reads"); NULL: "an input of this run" */
    const kh_output *const *outputs; /* outputs of the same run opened before this one */
    size_t n_outputs;
} kh_output_options;

/* Opens `path` for writing by the rules above (`options` may be NULL). Free
 * with kh_output_commit or kh_output_discard. */
KH_API kh_status kh_output_open(const char *path, const kh_output_options *options,
                                kh_output **out, kh_error *err);
/* A kh_write_fn (`output` is the kh_output): buffered writing. The first
 * failure is kept: this and every later write return KH_ERR_IO, and
 * kh_output_commit reports it with its reason. */
KH_API kh_status kh_output_write(void *output, const char *data, size_t len);
/* Flushes and closes the output and, for a temporary file, syncs it and
 * renames it over the name. Always frees the output. On any failure
 * (including an earlier write) the temporary is removed and the name is
 * left as it was. */
KH_API kh_status kh_output_commit(kh_output *output, kh_error *err);
/* KH_OK, or KH_ERR_IO with the reason in *err when a write has failed
 * (what kh_output_write keeps). Does not change the output. */
KH_API kh_status kh_output_status(const kh_output *output, kh_error *err);
/* Gives up: removes the temporary file (the name is left as it was), or
 * closes a direct output. Accepts NULL. */
KH_API void kh_output_discard(kh_output *output);
/* The name given to kh_output_open. */
KH_API const char *kh_output_path(const kh_output *output);
/* 1 when the output is written in place (a device, pipe or descriptor), 0
 * when a temporary file replaces the name on commit. */
KH_API int kh_output_is_direct(const kh_output *output);

/* ---------------------------------------------------------------------- */
/* Stage 9: the event store                                               */
/* ---------------------------------------------------------------------- */

/*
 * An embedded SQLite database of stories, evidence sentences, events and
 * mentions (schema: docs/store.md). Events reported by several stories
 * (same date, source, target, code) are one row with GDELT-style counts.
 * Ingestion is idempotent: a story is identified by kh_story_hash (its text
 * and its own metadata) and is never stored twice. Writes run in
 * batches (kh_store_begin/commit) in WAL mode, so a process killed at any
 * point leaves the last committed batch; re-running the same input then
 * completes the store. Every statement uses bound parameters.
 *
 * One kh_store is one connection: use it from one thread at a time. Several
 * processes may read while one writes (WAL).
 */
typedef struct kh_store kh_store;

/*
 * A story's identity: 64 lowercase hex digits and a NUL into hex. SHA-256
 * over the tag "khaldun story 2" and the story's text, record id, URL and
 * publisher, each field preceded by its 8-byte little-endian length (an
 * absent field is length 0). The id counts only when the record gave it:
 * the reader's "SOURCE:LINE" names a file, not a story. So the same story
 * read under another path (or from standard input) has the same identity,
 * and two outlets' copies of one wire story have two. The date is not part
 * of it. The event store keys stories by it (stories.content_hash).
 */
KH_API void kh_story_hash(const kh_story *story, char hex[65]);

/*
 * The shard of a story among n (0 .. n-1; 0 when n < 2): the first 16 hex
 * digits of kh_story_hash read as a 64-bit number, modulo n. Stable across
 * machines, runs, file names and input formats, so `khaldun code --shard
 * I/N` (which takes shard I-1) on N machines splits one archive with no
 * splitting step, and the shards' stores merge into one run's store.
 */
KH_API size_t kh_story_shard(const kh_story *story, size_t n);

/* Flags for kh_store_open. */
enum {
    KH_STORE_READONLY = 1u << 0, /* never write; the file must exist */
    KH_STORE_CREATE = 1u << 1,   /* create the file and schema when missing or empty */
    /* With KH_STORE_CREATE: a store written once as an intermediate, such as
     * a shard to be merged (khaldun.dask): the journal is kept in memory and
     * nothing is synced, which saves writing each page twice; a kill or crash
     * while writing can leave the file damaged (write it again), where a
     * store opened without it keeps every committed batch. */
    KH_STORE_SCRATCH = 1u << 2
};

/* The schema version this library writes (PRAGMA user_version) and the
 * SQLite application id that marks a khaldun store ("KHDN"). */
#define KH_STORE_SCHEMA_VERSION 2
#define KH_STORE_APPLICATION_ID 0x4B48444E

/*
 * Opens (or, with KH_STORE_CREATE, creates) the store at `path`. Before
 * anything is written the file is checked read-only: a database with another
 * application id, or no khaldun schema, is refused with KH_ERR_FORMAT; one
 * from a newer schema version with KH_ERR_VERSION; the file is then never
 * modified. A store opened for writing on a read-only file or folder is
 * refused with KH_ERR_IO. A store opened for writing must also pass
 * PRAGMA quick_check (else KH_ERR_CORRUPT, the file untouched). `path` is a
 * path only: "" and ":memory:" (databases that vanish at close), names
 * beginning "file:" (SQLite URIs, which would dodge the checks) and anything
 * but a regular file (a folder, a device) are refused with KH_ERR_INVALID.
 * Messages go to *err when given. Free with kh_store_close.
 */
KH_API kh_status kh_store_open(const char *path, unsigned flags, kh_store **out, kh_error *err);

/* Closes the store; an open batch is rolled back (never half-applied).
 * Accepts NULL. */
KH_API void kh_store_close(kh_store *store);

/* The message of the last failure on this store ("" when none). Valid until
 * the next call on the store. */
KH_API const char *kh_store_errmsg(const kh_store *store);

/* Sets the lexicon image recorded with each story added from now on
 * (stories.lexicon_hash, 16 hex digits of its checksum; NULL: none), so
 * kh_store_merge can tell stores coded with different images apart.
 * kh_store_recode sets it from its options. */
KH_API void kh_store_set_lexicon(kh_store *store, const kh_lexicon *lexicon);

/* A batch: everything added between begin and commit becomes durable at
 * once, or not at all. kh_store_rollback drops an open batch (no-op when
 * none is open). Without a batch each kh_store_add_story is its own. */
KH_API kh_status kh_store_begin(kh_store *store);
KH_API kh_status kh_store_commit(kh_store *store);
KH_API void kh_store_rollback(kh_store *store);

/*
 * Sets the run's default date (the --date of `khaldun code`, for stories
 * whose record gives none): stories added with it record that their date
 * was given (stories.date_given). A story stored with a given date, or with
 * none, that comes again with another default date is dated again: it is
 * not "known" (kh_store_has_story), and adding it replaces the stored one
 * and its events. kh_store_recode gives this date to every such stored
 * story. A record's own date is never replaced. Year 0: no default.
 */
KH_API void kh_store_set_default_date(kh_store *store, kh_date date);

/* Sets *known to 1 when a story with the same content hash is stored (and
 * is not to be dated again, above), so a caller can skip coding it. */
KH_API kh_status kh_store_has_story(kh_store *store, const kh_story *story, int *known);

/*
 * Stores a story (metadata, text, units, captions), the sentences that carry
 * evidence, and its events merged into the store's events: a new (date,
 * source, target, code) makes a new event; a known one gets the mentions
 * appended and NumMentions, NumSources (distinct publishers; the URL's host
 * or the source file when the story names none) and NumArticles (distinct
 * stories) updated. `dict_hash` (kh_dict_hash) is recorded with the story
 * and its events. The story is identified by kh_story_hash (its text and
 * its own metadata, not its file's name). A story already stored is left as
 * it is and *added (when non-NULL) set to 0; else 1. A failure leaves
 * nothing of the story behind.
 */
KH_API kh_status kh_store_add_story(kh_store *store, const kh_story *story, const kh_event *events,
                                    size_t n, const char *dict_hash, int *added);

/*
 * Re-codes every stored story with `options` (dictionary, lexicon) and
 * replaces all events and mentions with the new ones, in one transaction:
 * a failure or a kill leaves the store as it was. Each event and story then
 * records the new image's hash. Counts go to *stories and *events. A
 * dictionary without verb patterns (which would delete every event) is
 * refused with KH_ERR_INVALID before anything changes.
 */
KH_API kh_status kh_store_recode(kh_store *store, const kh_code_options *options, size_t *stories,
                                 size_t *events);

/*
 * The store as a kh_sink: kh_sink_begin opens a batch, each story is added
 * as kh_store_add_story would (a stored story is left as it was and counted
 * as known), the batch is committed every `batch` stories added (0: one
 * batch) and by kh_sink_finish. On a failure the open batch is rolled back
 * when the store is closed. The store must outlive the sink.
 */
kh_status kh_sink_store_new(kh_store *store, const char *dict_hash, size_t batch, kh_sink **out);

/* What kh_store_merge built. */
typedef struct kh_store_merge_counts {
    size_t stories, events, mentions;
} kh_store_merge_counts;

/* Flags for kh_store_merge. */
enum {
    KH_MERGE_ANY_IMAGES = 1u << 0 /* merge stores coded with different dictionary/lexicon images */
};

/*
 * Writes a new event store at `path` holding every story of the `n` stores
 * `inputs` (typically the shards of `khaldun code --shard I/N`): stories
 * united by content hash (kh_story_hash), events by (date, source, target,
 * code), NumMentions, NumSources and NumArticles counted again, an event's
 * first story, names and place from its earliest story (by date, then
 * content hash), as one run over all the stories would store them. Inputs
 * are opened read-only (kh_store_open), must be of this schema version and
 * pass PRAGMA quick_check, and are never written. Stores coded with
 * different dictionary or lexicon images are refused with KH_ERR_INVALID unless
 * `flags` has KH_MERGE_ANY_IMAGES. `path` must not exist (or be an empty
 * file): the store is built in a temporary file beside it and appears
 * under the name only when complete, so a failure leaves nothing. Counts
 * go to *counts (may be NULL); messages to *err.
 */
KH_API kh_status kh_store_merge(const char *path, const char *const *inputs, size_t n,
                                unsigned flags, kh_store_merge_counts *counts, kh_error *err);

/* Row counts: stories, events, mentions (any may be NULL). */
KH_API kh_status kh_store_counts(kh_store *store, size_t *stories, size_t *events,
                                 size_t *mentions);

/*
 * What a query selects. Zero/NULL fields do not filter. An actor code
 * ending in '*' is a prefix ("IRN*" matches IRN, IRNGOV, ...). `actor`
 * matches either side; `dyad_a`/`dyad_b` match a pair in either direction;
 * `source`/`target` one direction. `text` holds words that must all appear
 * in one evidence sentence, matched as whole words (case- and accent-
 * insensitively; "word*" is a prefix) through the store's FTS5 index; at
 * most 16 words of 100 bytes (KH_ERR_LIMIT).
 */
typedef struct kh_store_query {
    const char *actor;
    const char *source;
    const char *target;
    const char *dyad_a, *dyad_b;
    const char *code;      /* "042", or a prefix "04*" */
    const char *root;      /* "04" */
    int quad;              /* 1..4, 0 = any */
    kh_date from, to;      /* inclusive; year 0 = open */
    const char *country;   /* the place's ISO3 code */
    const char *place;     /* the place's name (case-insensitive) */
    const char *text;
    size_t limit;          /* most rows; 0 = all */
} kh_store_query;

/* A mention of a stored event: one sentence of one story. Spans are byte
 * offsets into the story's text (not the input file). */
typedef struct kh_store_mention {
    int64_t event_id;
    const char *story;       /* the story's id */
    const char *url;         /* NULL when none */
    const char *publisher;   /* NULL when none */
    kh_date story_date;
    size_t story_len;        /* characters of story text */
    size_t sentence;
    kh_unit_kind kind;
    kh_span text, source, target, verb;
    const char *sentence_text;
    const char *pattern;
    const char *dict_hash;   /* the image that coded the story */
    size_t text_chars;       /* characters of the story before the sentence (text.off bytes) */
} kh_store_mention;

/* A stored event. Strings are NUL-terminated and valid during the callback;
 * target is NULL for a source-only event. */
typedef struct kh_store_event {
    int64_t id;              /* stable until a recode; GLOBALEVENTID in exports */
    kh_date date;
    kh_date_precision date_precision; /* KH_DATE_DAY for stores before schema 2 */
    const char *source, *target, *source_name, *target_name;
    const char *code, *name;
    char root[3];
    int quad;
    double goldstein;
    const kh_place *place;   /* NULL when none */
    uint32_t flags;          /* KH_EV_*, or-ed over its stories */
    size_t num_mentions, num_sources, num_articles;
    const char *first_story; /* the id of the first story that reported it */
    const char *first_url;   /* its URL, NULL when none */
    kh_date first_story_date;
    size_t first_sentence;   /* the first mention's sentence index */
    const char *text;        /* the first mention's sentence */
    const char *dict_hash;   /* the image of the latest story that reported it */
    const kh_store_mention *mentions; /* with KH_QUERY_MENTIONS, else NULL */
    size_t n_mentions;
    /* With KH_QUERY_MENTIONS the mentions come a page at a time (at most
     * KH_STORE_MENTION_PAGE), so memory stays bounded whatever their number:
     * the event is passed once per page, `part` saying which (KH_PART_PAGED
     * on every page, with KH_PART_FIRST on the first and KH_PART_LAST on the
     * last, both when one page holds them all), `mention_base` the index of
     * mentions[0]. `part` 0 (no mentions, or an event built by hand) is the
     * whole event. The writers below write the event's head with its first
     * part and its tail with its last; a caller printing one line per event
     * acts on kh_store_event_first(event) only. */
    unsigned part;
    size_t mention_base;
} kh_store_event;

enum { KH_PART_FIRST = 1u << 0, KH_PART_LAST = 1u << 1, KH_PART_PAGED = 1u << 2 };
#define KH_STORE_MENTION_PAGE 4096
/* 1 when `event` is the whole event or its first page (see part). */
KH_API int kh_store_event_first(const kh_store_event *event);

typedef kh_status (*kh_store_event_fn)(void *ctx, const kh_store_event *event);

enum {
    KH_QUERY_MENTIONS = 1u << 0 /* load every mention of each event */
};

/* Calls fn for each matching event, by date then id. A non-KH_OK return
 * from fn stops the query and is returned. */
KH_API kh_status kh_store_query_events(kh_store *store, const kh_store_query *query, unsigned flags,
                                       kh_store_event_fn fn, void *ctx);

/* Calls fn once for the event with this id (KH_QUERY_MENTIONS: with every
 * mention). KH_ERR_NOTFOUND when there is none. Reads only. */
KH_API kh_status kh_store_event_get(kh_store *store, int64_t id, unsigned flags,
                                    kh_store_event_fn fn, void *ctx);

/* Output formats of a stored event (kh_store_write_event). */
typedef enum kh_store_format {
    KH_STORE_JSONL = 1, /* one object a line, with "evidence" when mentions are loaded */
    KH_STORE_CSV,       /* RFC 4180, header from kh_store_write_csv_header */
    KH_STORE_GDELT      /* GDELT 2.0 Events, 61 columns, with the real counts */
} kh_store_format;

KH_API kh_status kh_store_write_event(const kh_store_event *event, kh_store_format format,
                                      kh_write_fn write, void *ctx);
KH_API kh_status kh_store_write_csv_header(kh_write_fn write, void *ctx);
/* GDELT 2.0 Mentions rows (16 columns) for the event's loaded mentions. */
KH_API kh_status kh_store_write_gdelt_mentions(const kh_store_event *event, kh_write_fn write,
                                               void *ctx);

/* Aggregations for kh_store_stats. */
typedef enum kh_store_group {
    KH_GROUP_DYAD = 1, /* per period, source, target: the time series analysts plot */
    KH_GROUP_ACTOR,    /* per actor on either side, most events first */
    KH_GROUP_CODE      /* per event code, most events first */
} kh_store_group;

typedef enum kh_store_period {
    KH_PERIOD_ALL = 0, KH_PERIOD_DAY, KH_PERIOD_WEEK /* starting Monday */, KH_PERIOD_MONTH,
    KH_PERIOD_YEAR
} kh_store_period;

/* One row of statistics. `period` is "YYYY-MM-DD" (day, week), "YYYY-MM",
 * "YYYY", or "" for KH_PERIOD_ALL and unknown dates. */
typedef struct kh_store_stat {
    const char *period;
    const char *key;         /* source (dyad), actor, or code */
    const char *key2;        /* target (dyad; "" for none), code name, or NULL */
    size_t events;           /* event rows */
    size_t mentions;         /* sum of NumMentions */
    double goldstein;        /* sum of Goldstein over events */
} kh_store_stat;

typedef kh_status (*kh_store_stat_fn)(void *ctx, const kh_store_stat *stat);

/* Aggregates the events matching `query` (its limit caps the rows). */
KH_API kh_status kh_store_stats(kh_store *store, const kh_store_query *query, kh_store_group group,
                                kh_store_period period, kh_store_stat_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* KHALDUN_H */
