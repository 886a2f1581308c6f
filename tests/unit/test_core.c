/* test_core.c: the core toolbox: buffers and their caps, JSON escaping,
 * UTF-8, dates, the arena. */
#include "unit.h"
#include "core/core.h"

TEST(core_buf_cap)
{
    kh_buf b;
    kh_buf_init(&b, NULL, 8);
    CHECK(kh_buf_append(&b, "12345678", 8) == KH_OK);
    CHECK(kh_buf_append(&b, "9", 1) == KH_ERR_LIMIT);
    CHECK_EQ_INT(b.len, 8);
    kh_buf_free(&b);
}

TEST(core_json_escape)
{
    kh_buf b;
    kh_buf_init(&b, NULL, 0);
    const char in[] = "a\"b\\c\n\t\x01\xff\xe2\x80\x99z";
    CHECK(kh_buf_json_str(&b, in, sizeof in - 1) == KH_OK);
    CHECK_EQ_STR(b.data, "a\\\"b\\\\c\\n\\t\\u0001\xEF\xBF\xBD\xe2\x80\x99z");
    kh_buf_clear(&b);
    CHECK(kh_buf_json_str(&b, "x\0y", 3) == KH_OK);
    CHECK_EQ_STR(b.data, "x\\u0000y");
    kh_buf_free(&b);
}

/* kh_buf_put_num writes what "%.*f" with its trailing zeros cut would,
 * whether it takes its printf-free path or not. */
TEST(core_put_num)
{
    static const double fixed[] = {0, -0.0, 1.9, -1.9, 10, -10, 0.05, -0.05, 0.5, -0.5, 2.5,
                                   -1.25, 1e-7, -1e-7, 0.00005, 99999.99999, 123.45678, 1e12};
    unsigned seed = 7;
    for (int i = 0; i < 200000; i++) {
        int d = i % 7;
        double v;
        if (i < (int)(sizeof fixed / sizeof fixed[0]) * 7) {
            v = fixed[i / 7];
        } else {
            seed = seed * 1103515245u + 12345u;
            int k = (int)(seed >> 16) % 1000001 - 500000;
            v = i % 3 == 0 ? k / 10.0 : i % 3 == 1 ? k / 1e4 : k * 3.0e3 / 7.0;
        }
        char want[64];
        snprintf(want, sizeof want, "%.*f", d, v);
        size_t n = strlen(want);
        if (strchr(want, '.')) {
            while (want[n - 1] == '0')
                n--;
            if (want[n - 1] == '.')
                n--;
        }
        want[n] = '\0';
        if (!strcmp(want, "-0"))
            strcpy(want, "0");
        kh_buf b;
        kh_buf_init(&b, NULL, 0);
        CHECK(kh_buf_put_num(&b, v, d) == KH_OK);
        CHECK_EQ_STR(b.data, want);
        kh_buf_free(&b);
    }
}

TEST(core_utf8)
{
    uint32_t cp;
    int valid;
    CHECK_EQ_INT(kh_utf8_decode((const unsigned char *)"\xe2\x80\x99", 3, &cp, &valid), 3);
    CHECK_EQ_INT(cp, 0x2019);
    CHECK(valid);
    CHECK_EQ_INT(kh_utf8_decode((const unsigned char *)"\xe2\x80", 2, &cp, &valid), 1);
    CHECK(!valid);
    CHECK(!kh_utf8_valid("\xc0\xaf", 2)); /* overlong */
    CHECK(!kh_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
    CHECK(kh_utf8_valid("Tehran \xe2\x80\x93 Iran", 15));
}

TEST(core_dates)
{
    kh_date d;
    CHECK(kh_date_parse("2024-04-24", 10, &d) == KH_OK);
    CHECK_EQ_INT(d.year, 2024);
    CHECK_EQ_INT(d.month, 4);
    CHECK_EQ_INT(d.day, 24);
    CHECK_EQ_INT(kh_date_weekday(d), 2); /* a Wednesday */
    CHECK(kh_date_parse("950101", 6, &d) == KH_OK);
    CHECK_EQ_INT(d.year, 1995);
    CHECK(kh_date_parse("20240230", 8, &d) == KH_ERR_FORMAT);
    CHECK(kh_date_parse("2024-07-10T08:00:00Z", 20, &d) == KH_OK);
    CHECK_EQ_INT(d.day, 10);
    kh_date back = kh_date_from_days(kh_date_to_days(d) + 25);
    CHECK_EQ_INT(back.month, 8);
    CHECK_EQ_INT(back.day, 4);
}

TEST(core_arena)
{
    kh_arena a;
    kh_arena_init(&a, NULL, 1 << 20);
    char *p = kh_arena_alloc(&a, 10);
    REQUIRE(p != NULL);
    memcpy(p, "0123456789", 10);
    char *q = kh_arena_grow(&a, p, 10, 200000);
    REQUIRE(q != NULL);
    CHECK(memcmp(q, "0123456789", 10) == 0);
    CHECK(kh_arena_alloc(&a, 2 << 20) == NULL); /* over the cap */
    kh_arena_reset(&a);
    CHECK(kh_arena_alloc(&a, 100) != NULL);
    kh_arena_free(&a);
}
