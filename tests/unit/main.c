/*
 * main.c: the unit-test runner. Runs every registered test (or those whose
 * name contains the first argument), one "ok|FAIL|skip unit/NAME" line each
 * (a skip with its reason: "(no shared)" when ../shared is missing), and
 * ends with "N passed, N failed, N skipped".
 */
#include <unistd.h>

#include "unit.h"

#define MAX_TESTS 1024

static struct {
    const char *name;
    unit_fn fn;
} tests[MAX_TESTS];
static size_t n_tests;
static int current_failed;
static int current_skipped;
static char current_why[128];

void unit_register(const char *name, unit_fn fn)
{
    if (n_tests < MAX_TESTS) {
        tests[n_tests].name = name;
        tests[n_tests].fn = fn;
        n_tests++;
    }
}

void unit_fail(const char *file, int line, const char *expr)
{
    fprintf(stderr, "  %s:%d: check failed: %s\n", file, line, expr);
    current_failed = 1;
}

int unit_failed_now(void) { return current_failed; }

void unit_skip(const char *why)
{
    snprintf(current_why, sizeof current_why, "%s", why);
    current_skipped = 1;
}

const char *unit_shared(void)
{
    const char *s = getenv("KHALDUN_SHARED");
    return s && *s ? s : "../shared";
}

const char *unit_data(void)
{
    const char *s = getenv("KHALDUN_DATA");
    return s && *s ? s : "build/data";
}

kh_coder *unit_fixture_coder(const char *name, const char *src, size_t len, kh_dict **dict,
                             kh_lexicon **lex)
{
    char lexpath[1024], tmp[] = "/tmp/kh-fixture-XXXXXX";
    kh_error err;
    *dict = NULL;
    *lex = NULL;
    snprintf(lexpath, sizeof lexpath, "%s/lexicon.img", unit_data());
    if (kh_lexicon_load(lexpath, NULL, lex, &err) != KH_OK) {
        *lex = NULL;
        unit_skip("no lexicon image (make data)");
        return NULL;
    }
    int fd = mkstemp(tmp);
    if (fd < 0)
        return NULL;
    close(fd);
    kh_dict_builder *b = NULL;
    kh_status st = kh_dict_builder_new(NULL, NULL, NULL, &b);
    if (!st)
        st = kh_dict_builder_add(b, KH_DICT_KHALDUN, name, src, len);
    if (!st)
        st = kh_dict_builder_finish(b, tmp, &err);
    kh_dict_builder_free(b);
    if (!st)
        st = kh_dict_load(tmp, NULL, dict, &err);
    remove(tmp);
    if (st) {
        *dict = NULL;
        return NULL;
    }
    kh_code_options o;
    memset(&o, 0, sizeof o);
    o.dict = *dict;
    o.lexicon = *lex;
    kh_coder *c;
    return kh_coder_new(&o, &c) == KH_OK ? c : NULL;
}

char *unit_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t size = 0, cap = 65536;
    char *buf = malloc(cap + 1);
    size_t n;
    while (buf && (n = fread(buf + size, 1, cap - size, f)) > 0) {
        size += n;
        if (size == cap) {
            char *p = realloc(buf, cap * 2 + 1);
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[size] = '\0';
    if (len)
        *len = size;
    return buf;
}

static int cmp_tests(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    return strcmp(x, y);
}

int main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    int passed = 0, failed = 0, skipped = 0;
    qsort(tests, n_tests, sizeof tests[0], cmp_tests);
    for (size_t i = 0; i < n_tests; i++) {
        if (filter && !strstr(tests[i].name, filter))
            continue;
        current_failed = 0;
        current_skipped = 0;
        tests[i].fn();
        if (current_failed) {
            printf("FAIL unit/%s\n", tests[i].name);
            failed++;
        } else if (current_skipped) {
            printf("skip unit/%s (%s)\n", tests[i].name, current_why);
            skipped++;
        } else {
            printf("ok   unit/%s\n", tests[i].name);
            passed++;
        }
        fflush(stdout);
    }
    printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed ? 1 : 0;
}
