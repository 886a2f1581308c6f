/*
 * read.h: internals of stage 1 (reading), shared by the reader front
 * (reader.c: chunks -> lines, detection, limits, diagnostics, delivery) and
 * the format back ends (text.c, jsonl.c, tabari.c, petrarch.c), each one row
 * of the format table (kh_read_format). Each back end receives whole lines,
 * never chunks, so none of them has to care where the caller cut the input; stage 2 (cleaning, src/clean/) turns a
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
 * end (\n or \r\n, or a lone \r in a file whose lines all end so); `full` counts the line end too, so that raw formats can
 * keep the input's bytes exactly. */
typedef struct kh_line {
    const char *p;
    size_t len;    /* content bytes, without \r\n */
    size_t full;   /* bytes including the line end (len when the input ended) */
    uint64_t off;  /* byte offset of p[0] in the input */
    size_t no;     /* 1-based line number */
} kh_line;

/* One input format: a row of the reader's format table (reader.c), defined
 * by its back end. A new format is one back-end file, one row and one
 * kh_input_format value (the public API names formats). */
enum { KH_DETECT_NO = 0, KH_DETECT_YES, KH_DETECT_MORE };
typedef struct kh_read_format {
    kh_input_format id;
    const char *name;             /* for --from and kh_input_format_name */
    const char *const *aliases;   /* other accepted names, NULL-terminated; may be NULL */
    /* Decides from the held bytes p[0..n), which start at the first line
     * that is neither blank nor a '#' comment: KH_DETECT_YES, KH_DETECT_NO,
     * or KH_DETECT_MORE when more bytes could decide (never when `final`).
     * NULL: never detected (the fallback, or chosen by name). */
    int (*detect)(const char *p, size_t n, int final);
    size_t state_size;            /* bytes of r->state, zeroed at open */
    kh_status (*open)(kh_reader *r);             /* NULL: a zeroed state is ready */
    kh_status (*line)(kh_reader *r, const kh_line *ln);
    kh_status (*drop)(kh_reader *r, size_t no);  /* an over-long line went missing; NULL: nothing */
    kh_status (*finish)(kh_reader *r);           /* the end of input; NULL: nothing */
    void (*close)(kh_reader *r);                 /* frees what the state owns; NULL: nothing */
} kh_read_format;

extern const kh_read_format kh_read_text, kh_read_jsonl, kh_read_tabari, kh_read_petrarch;

struct kh_reader {
    const kh_allocator *alloc;
    kh_read_options opt;    /* limits filled */
    char *source;
    const kh_read_format *format; /* NULL until detected */
    void *state;            /* the format's state (format->state_size bytes, owned) */
    int detected;
    int binary_checked;     /* the first bytes were checked for binary data */
    int binary_seen;
    kh_buf detect;          /* the first bytes, held until detection */
    kh_buf carry;           /* a line split across chunks, with its \n (cap max_line + 1) */
    uint64_t carry_off;     /* input offset of carry[0] */
    char eol;               /* the line end: '\n' (also \r\n), or '\r' in a lone-CR file */
    int gave_up;            /* the rest of the input is ignored (kh_reader_done) */
    int skipping;           /* inside an over-long line, skipping to the line end */
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
};

/* ---- reader.c: services for the back ends ---- */

/* Reports a diagnostic through options->diag (printf-style message). */
void kh_read_diag(kh_reader *r, kh_severity sev, kh_status code, size_t line,
                  const char *fmt, ...) KH_PRINTF(5, 6);
/* An error diagnostic that also counts one rejected record. */
void kh_read_reject(kh_reader *r, size_t line, const char *fmt, ...) KH_PRINTF(3, 4);

/*
 * Cleans `text` (flags: KH_CLEAN_*) and delivers the story built from
 * `base` (id, line, date, ... already set; NULL id means "<source>:<line>").
 * Resets the per-story arena afterwards. Returns the callback's status
 * (also kept sticky in r->status).
 */
kh_status kh_read_emit(kh_reader *r, kh_story *base, const kh_clean_in *in);

/* ---- jsonl.c: the JSON parser, exposed for the tests and the fuzzer ---- */
/* Parses the Reuters date form "26-FEB-1987 15:01:01.79" (date part only). */
kh_status kh_read_reuters_date(const char *s, size_t len, kh_date *out);

#endif /* KH_READ_H */
