/*
 * clean.h: stage 2 of the pipeline, cleaning. Given one story's text (raw
 * input bytes or a decoded string), finds its headline, its paragraphs
 * (the codable units), and keeps what is not news text out of them: photo
 * captions and credit lines (kept as metadata), site markers (dropped), the
 * repeated headline (dropped) and the dateline (stripped, its place kept).
 * It never copies or rewrites the text: everything it returns is a span
 * into it, so offsets stay offsets into the input.
 *
 * The reader (src/read/) calls it once per story; it has no state.
 */
#ifndef KH_CLEAN_H
#define KH_CLEAN_H

#include "core/core.h"

enum {
    KH_CLEAN_HEADLINE = 1u << 0, /* the first line, when headline-like, is the title */
    KH_CLEAN_FILTER = 1u << 1,   /* captions, markers, repeated headline, dateline */
    KH_CLEAN_INDENT = 1u << 2    /* an indented line starts a paragraph (wire copy) */
};

typedef struct kh_clean_in {
    const char *text;
    size_t len;
    unsigned flags;        /* KH_CLEAN_* */
    int has_title;         /* the caller knows the headline: text[title) */
    kh_span title;         /* paragraphs are looked for after it */
    const kh_unit *units;  /* when non-NULL: the units, already known */
    size_t n_units;
} kh_clean_in;

typedef struct kh_clean_out {
    kh_unit *units;        /* headline first, then body paragraphs (arena) */
    size_t n_units;
    kh_span *captions;     /* each distinct caption once, in text order (arena) */
    size_t n_captions;
    int has_title;
    kh_span title;
    int has_dateline;
    kh_span dateline;      /* the dateline's place, "TEHRAN" */
} kh_clean_out;

/* Cleans one story; every array lives in `arena`. KH_ERR_NOMEM on failure. */
kh_status kh_clean(kh_arena *arena, const kh_clean_in *in, kh_clean_out *out);

/* The line tests the rules are made of (p/len: one line, untrimmed). */
int kh_clean_headline_like(const char *p, size_t len);
int kh_clean_is_marker(const char *p, size_t len);
int kh_clean_is_caption(const char *p, size_t len);

/*
 * A dateline at the start of p: "TEHRAN (Reuters) -", "WASHINGTON, March 3
 * (AP) --", "SALVADOR, Feb 26 -", "(Reuters) -". Returns 1 and sets *place
 * (relative to p; len 0 when there is only an agency) and *skip (bytes up to
 * the text after the dash); 0 when p does not start with one. With
 * `need_dash` 0, the trailing dash may be missing (a dateline field).
 */
int kh_clean_dateline(const char *p, size_t len, int need_dash, kh_span *place, size_t *skip);

#endif /* KH_CLEAN_H */
