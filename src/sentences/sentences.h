/*
 * sentences.h: stage 3 of the pipeline, the sentence splitter's internal
 * interface. kh_analyze (src/analyze/) tokenizes each unit (paragraph) with
 * src/tokens/ and pushes every token through a kh_splitter, which answers
 * whether a new sentence starts at that token. A sentence never spans two
 * units: the analyzer starts a fresh splitter for each unit. Working on the
 * token stream (not on bytes) lets the tokenizer decide what is an
 * abbreviation, a decimal or an initial, and keeps splitting linear: each
 * decision looks at one pending state and the next token only.
 */
#ifndef KH_SENTENCES_H
#define KH_SENTENCES_H

#include "tokens/tokens.h"

typedef struct kh_splitter {
    uint8_t started; /* a token has been seen in this unit */
    uint8_t pending; /* KH_TERM_* of the last candidate end, 0 when none */
    uint32_t words;  /* word tokens of the unit so far */
    uint32_t caps;   /* ... starting with a capital: when hardly any does, the
                      * unit is caseless (a lower-cased feed) and a full stop
                      * before a lower-case word ends a sentence too */
} kh_splitter;

void kh_splitter_init(kh_splitter *sp);

/* Feeds the next token of the unit (tok->norm is read for the starter-word
 * test). Returns 1 when a new sentence starts at this token (always for the
 * unit's first token), 0 when it continues the current one. */
int kh_splitter_push(kh_splitter *sp, const kh_token *tok, const kh_tokinfo *info);

/* 1 when s[0..len) is a capitalised word that usually begins a sentence
 * (The, He, But, However, ...): the test after an abbreviation such as U.S.
 * Case-sensitive. */
int kh_sentence_starter(const char *s, size_t len);

#endif
