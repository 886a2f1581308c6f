/*
 * tokens.h: stage 4 of the pipeline, the tokenizer's internal interface.
 * kh_analyze (src/analyze/) walks each unit (paragraph) of a story with a
 * kh_tokenizer, one token at a time, and feeds each token to the sentence
 * splitter (src/sentences/), which decides where sentences end. Tokens are
 * slices of the story text; a normalised form is built in the document's
 * arena only when it differs from the original bytes.
 *
 * The tokenizer also tells the splitter, through kh_tokinfo, what it knows
 * from the bytes around a token: whether it ends a sentence candidate (a
 * period, '!' or '?', an ellipsis, an abbreviation that may end one), whether
 * it is an opening or closing quote/bracket, and whether whitespace came
 * before it. Abbreviations are decided here, because whether "Gen." keeps
 * its period is a tokenization question.
 */
#ifndef KH_TOKENS_H
#define KH_TOKENS_H

#include "core/core.h"

/* What a token may end. */
enum {
    KH_TERM_NONE = 0,
    KH_TERM_STOP,     /* a lone '.': ends a sentence unless a lower-case word or , ; : follows */
    KH_TERM_BANG,     /* '!' or '?': the same rule */
    KH_TERM_ELLIPSIS, /* "..." or U+2026: ends only before a capitalised word */
    KH_TERM_ABBREV    /* an abbreviation or initial that may end a sentence
                       * (U.S., Inc., Jan., W.): ends only before a word of
                       * the sentence-starter list (The, He, But, ...) */
};

typedef struct kh_tokinfo {
    uint8_t term;         /* KH_TERM_* */
    uint8_t opener;       /* opening quote or bracket */
    uint8_t closer;       /* closing quote or bracket */
    uint8_t space_before; /* whitespace (or the unit start) right before it */
    uint8_t lower;        /* starts with a lower-case letter */
} kh_tokinfo;

/* Longest token kept whole, in bytes; longer runs are cut (at a character
 * boundary) so norms stay small whatever the input. */
#define KH_TOK_MAX_LEN ((size_t)4096)

/* Walks text[pos .. end): one unit. Never reads outside it. */
typedef struct kh_tokenizer {
    const unsigned char *text;
    size_t pos;
    size_t end;
    size_t unit_start;
    kh_arena *arena;
    size_t sfx_end;      /* > 0: a split suffix ('s, n't, ') waits at pos */
    uint32_t sfx_flags;
    size_t open_single;  /* opening single quotes not yet closed in the unit */
} kh_tokenizer;

void kh_tokenizer_init(kh_tokenizer *tz, const char *text, size_t start, size_t end,
                       kh_arena *arena);

/* Produces the next token of the unit. Returns 1 with *tok and *info filled,
 * 0 at the end of the unit, -1 when the arena is out of memory (for a norm).
 * tok->flags never has KH_TOK_SENT_START (the caller sets it). */
int kh_tokenizer_next(kh_tokenizer *tz, kh_token *tok, kh_tokinfo *info);

/* Abbreviation classes of the table in abbrev.c. */
enum {
    KH_ABBR_NONE = 0,
    KH_ABBR_TITLE, /* precedes a name, never ends a sentence: Mr. Gen. Dr. St. */
    KH_ABBR_END,   /* may end a sentence: Inc. etc. Jan. Jr. Calif. */
    KH_ABBR_NUM    /* an abbreviation only before a number: No. 3, Vol. 2, p. 5 */
};

/* Class of the word s[0..len) (without its period), matched case-sensitively. */
int kh_abbrev_class(const char *s, size_t len);

#endif
