/*
 * unit.h: a tiny unit-test framework. TEST(name) defines a test that
 * registers itself at start-up; CHECK(cond) records a failure with file and
 * line and goes on; REQUIRE(cond) stops the test. The runner (main.c) runs
 * every test, or those whose name contains argv[1], and ends with the line
 * "N passed, N failed" that CI reads.
 */
#ifndef KH_UNIT_H
#define KH_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khaldun.h"

typedef void (*unit_fn)(void);
void unit_register(const char *name, unit_fn fn);
void unit_fail(const char *file, int line, const char *expr);
int unit_failed_now(void);
/* Directory of ../shared (KHALDUN_SHARED), and of the compiled data
 * (KHALDUN_DATA); tests that need them skip when absent. */
const char *unit_shared(void);
const char *unit_data(void);
void unit_skip(const char *why);
/* A coder over a fixture dictionary (khaldun's source format, `src` of
 * `len` bytes, named `name` in diagnostics) and the built lexicon. Returns
 * NULL on failure, and skips the test when there is no lexicon image
 * (make data). The caller frees the coder, then *dict and *lex (each NULL
 * when not made). */
kh_coder *unit_fixture_coder(const char *name, const char *src, size_t len, kh_dict **dict,
                             kh_lexicon **lex);
/* Reads a whole file into a malloc'ed buffer (NUL-terminated); NULL on error. */
char *unit_read_file(const char *path, size_t *len);

#define TEST(name)                                                            \
    static void test_##name(void);                                            \
    __attribute__((constructor)) static void register_##name(void)            \
    {                                                                         \
        unit_register(#name, test_##name);                                    \
    }                                                                         \
    static void test_##name(void)

#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond))                                                          \
            unit_fail(__FILE__, __LINE__, #cond);                             \
    } while (0)

#define REQUIRE(cond)                                                         \
    do {                                                                      \
        if (!(cond)) {                                                        \
            unit_fail(__FILE__, __LINE__, #cond);                             \
            return;                                                           \
        }                                                                     \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                    \
    do {                                                                      \
        long long va_ = (long long)(a), vb_ = (long long)(b);                 \
        if (va_ != vb_) {                                                     \
            char m_[256];                                                     \
            snprintf(m_, sizeof m_, "%s == %s (%lld vs %lld)", #a, #b, va_, vb_); \
            unit_fail(__FILE__, __LINE__, m_);                                \
        }                                                                     \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                    \
    do {                                                                      \
        const char *sa_ = (a), *sb_ = (b);                                    \
        if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0) {                          \
            char m_[512];                                                     \
            snprintf(m_, sizeof m_, "%s == %s (\"%s\" vs \"%s\")", #a, #b,    \
                     sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");             \
            unit_fail(__FILE__, __LINE__, m_);                                \
        }                                                                     \
    } while (0)

#endif
