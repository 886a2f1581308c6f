/*
 * term.c: story text on a terminal. News is hostile input: a story can
 * carry escape sequences (ESC[2J clears the screen, OSC 52 writes the
 * clipboard, a C1 CSI, U+009B, does what ESC[ does) and bidirectional
 * overrides that make a line read as something else. Every human-readable
 * output (query's table, explain, parse --pretty) prints through
 * cli_term_write or cli_tprintf, which show such characters escaped
 * (\x1b, \u009b, \u202e) rather than hand them to the terminal. Newlines and
 * tabs are layout and pass. Machine formats (JSON Lines, CSV, TSV) have
 * their own escaping and do not come here.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define TERM_LINE 1024 /* bytes formatted on the stack; longer lines are allocated */

/* The length of the valid UTF-8 sequence at s[0..n) (its first byte >= 0x80),
 * or 0 when it is not one; *cp gets the code point. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    size_t len = s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
                 : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
    if (!len || len > n)
        return 0;
    unsigned c = s[0] & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3Fu);
    }
    *cp = c;
    return len;
}

/* Control characters a terminal would act on: C1 controls and the
 * bidirectional embeddings, overrides and isolates. */
static int is_control_cp(unsigned cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

void cli_term_write(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t start = 0, i = 0;
    char esc[16];
    while (i < len) {
        unsigned char c = s[i];
        size_t step = 1;
        int n = 0;
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
                n = snprintf(esc, sizeof esc, "\\x%02x", c);
        } else {
            unsigned cp = 0;
            step = utf8_seq(s + i, len - i, &cp);
            if (!step) {
                step = 1;
                n = snprintf(esc, sizeof esc, "\\x%02x", c);
            } else if (is_control_cp(cp)) {
                n = snprintf(esc, sizeof esc, "\\u%04x", cp);
            }
        }
        if (n > 0) {
            cli_write(text + start, i - start);
            cli_write(esc, (size_t)n);
            start = i + step;
        }
        i += step;
    }
    cli_write(text + start, len - start);
}

void cli_tprintf(const char *fmt, ...)
{
    char line[TERM_LINE];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        fatal("formatting output failed");
    if ((size_t)n < sizeof line) {
        cli_term_write(line, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big)
        fatal("out of memory");
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    cli_term_write(big, (size_t)n);
    free(big);
}
