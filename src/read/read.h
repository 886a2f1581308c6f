/*
 * read.h: internals of stage 1 (reading), shared by the reader front
 * (reader.c: chunks -> lines, detection, limits, diagnostics, delivery) and
 * the four format back ends (text.c, jsonl.c, tabari.c, petrarch.c). Each
 * back end receives whole lines, never chunks, so none of them has to care
 * where the caller cut the input; stage 2 (cleaning, src/clean/) turns a
 * story's text into units, captions, title and dateline.
 *
 * Memory: the reader holds at most one partial line (capped at max_line),
 * one story under construction (capped at max_story), and the per-story
 * arena for the metadata of the story being delivered (units, captions,
 * strings: proportional to the story). Nothing grows with the input.
 */
#ifndef KH_READ_H
#define KH_READ_H

#include "clean/clean.h"
#include "core/core.h"

/* A line handed to a format back end. `p` is the content without its line
 * end (\n or \r\n); `full` counts the line end too, so that raw formats can
 * keep the input's bytes exactly. */
typedef struct kh_line {
    const char *p;
    size_t len;    /* content bytes, without \r\n */
    size_t full;   /* bytes including the line end (len when the input ended) */
    uint64_t off;  /* byte offset of p[0] in the input */
    size_t no;     /* 1-based line number */
} kh_line;

/* The PETRARCH XML scanner's state (petrarch.c). */
typedef enum kh_xml_mode {
    KH_XML_CONTENT = 0, /* between tags */
    KH_XML_TAG,         /* inside <...>, collecting the tag */
    KH_XML_COMMENT,     /* inside <!-- ... --> */
    KH_XML_CDATA,       /* inside <![CDATA[ ... ]]> */
    KH_XML_PI           /* inside <? ... ?> or <!DOCTYPE ...> */
} kh_xml_mode;

typedef struct kh_xml_state {
    kh_xml_mode mode;
    char quote;          /* inside a quoted attribute value in a tag, else 0 */
    int tag_overflow;    /* the tag outgrew its buffer: ignore it */
    int end_match;       /* bytes of the closing "-->" / "]]>" / "?>" seen */
    int in_sentence;     /* between <Sentence> and </Sentence> */
    int in_text;         /* between <Text> and </Text> */
    int had_text;        /* the current sentence had a <Text> */
    int bad;             /* the current sentence is being rejected */
    size_t sent_line;    /* line of the current <Sentence> */
    size_t ent_len;      /* bytes of a pending &entity; */
    char ent[16];
    kh_buf tag;          /* the tag being collected (capped) */
    char *id;            /* attributes of the current <Sentence> (owned) */
    kh_date date;
    int has_date;
} kh_xml_state;

/* The TABARI record state (tabari.c). */
typedef struct kh_tabari_state {
    int in_record;
    int bad;             /* the record is being rejected */
    int in_comment;      /* inside a comment block of the current record */
    size_t rec_line;     /* line of the "YYMMDD id" header */
    size_t text_line;    /* line of the first text line */
    uint64_t text_off;   /* input offset of the first text byte */
    int has_text;
    char id[128];
    kh_date date;
    int has_date;
    int stray;           /* a stray line outside records was reported */
    /* comment spans in the story buffer, kept out of the units; capped */
    kh_span *comments;
    size_t n_comments, cap_comments;
} kh_tabari_state;

/* The plain-text story state (text.c). */
#define KH_TEXT_RING 8
typedef struct kh_text_state {
    int in_story;        /* a story has its first non-blank line */
    size_t start_line;   /* line of the story's first line */
    uint64_t start_off;  /* input offset of the story's first byte */
    size_t blank_run;    /* blank lines just before the current line */
    int bad;             /* the story is being rejected (too large) */
    /* the last few paragraph-first lines (trimmed offset and length in the
     * story buffer, line number, offset of the line's first byte), for the
     * repeated-headline boundary rule */
    struct {
        size_t off, len, no, line_off;
    } ring[KH_TEXT_RING];
    size_t n_ring;
} kh_text_state;

struct kh_reader {
    const kh_allocator *alloc;
    kh_read_options opt;    /* limits filled */
    char *source;
    kh_input_format format; /* KH_INPUT_AUTO until detected */
    int detected;
    int binary_checked;     /* the first bytes were checked for binary data */
    int binary_seen;
    kh_buf detect;          /* the first bytes, held until detection */
    kh_buf carry;           /* a line split across chunks, with its \n (cap max_line + 1) */
    uint64_t carry_off;     /* input offset of carry[0] */
    int skipping;           /* inside an over-long line, skipping to \n */
    uint64_t skip_len;
    size_t skip_no;
    uint64_t offset;        /* input offset of the next byte */
    size_t line_no;         /* number of the line the next byte belongs to */
    int finished;
    size_t stories, rejected;
    kh_status status;       /* sticky status of the story callback */
    kh_story_fn fn;
    void *fn_ctx;
    kh_arena arena;         /* per-story metadata, reset after delivery */
    kh_buf story;           /* story text being built (cap max_story) */
    kh_buf scratch;         /* JSONL: decoded field values (cap max_line) */
    kh_text_state text;
    kh_tabari_state tab;
    kh_xml_state xml;
};

/* ---- reader.c: services for the back ends ---- */

/* Reports a diagnostic through options->diag (printf-style message). */
void kh_read_diag(kh_reader *r, kh_severity sev, kh_status code, size_t line,
                  const char *fmt, ...) KH_PRINTF(5, 6);
/* An error diagnostic that also counts one rejected record. */
void kh_read_reject(kh_reader *r, size_t line, const char *fmt, ...) KH_PRINTF(3, 4);
/* Appends to a buffer growing it at most to its cap (+1 for the NUL), so a
 * capped buffer never holds more than its cap. */
kh_status kh_read_append(kh_buf *b, const char *s, size_t len);

/*
 * Cleans `text` (flags: KH_CLEAN_*) and delivers the story built from
 * `base` (id, line, date, ... already set; NULL id means "<source>:<line>").
 * Resets the per-story arena afterwards. Returns the callback's status
 * (also kept sticky in r->status).
 */
kh_status kh_read_emit(kh_reader *r, kh_story *base, const kh_clean_in *in);

/* ---- back ends: a line, a dropped (over-long) line, the end of input ---- */
kh_status kh_text_line(kh_reader *r, const kh_line *ln);
kh_status kh_text_drop(kh_reader *r, size_t no);
kh_status kh_text_finish(kh_reader *r);

kh_status kh_jsonl_line(kh_reader *r, const kh_line *ln);

kh_status kh_tabari_line(kh_reader *r, const kh_line *ln);
kh_status kh_tabari_drop(kh_reader *r, size_t no);
kh_status kh_tabari_finish(kh_reader *r);
void kh_tabari_free(kh_reader *r);
/* 1 when a line is a TABARI record header: >= 6 digits, blanks or '*', an id. */
int kh_tabari_header(const char *p, size_t len);

kh_status kh_xml_line(kh_reader *r, const kh_line *ln);
kh_status kh_xml_drop(kh_reader *r, size_t no);
kh_status kh_xml_finish(kh_reader *r);
void kh_xml_free(kh_reader *r);

/* ---- jsonl.c: the JSON parser, exposed for the tests and the fuzzer ---- */
/* Parses the Reuters date form "26-FEB-1987 15:01:01.79" (date part only). */
kh_status kh_read_reuters_date(const char *s, size_t len, kh_date *out);

#endif /* KH_READ_H */
