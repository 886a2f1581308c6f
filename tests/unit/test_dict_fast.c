/*
 * test_dict_fast.c: the dictionary's speed paths give the answers of the
 * slow ones, on the default dictionary image (build/data/khaldun.dict):
 * the tables built at load (root children, pattern ranges, pattern needs)
 * against the probed edges and the binary search of a copy of the handle
 * without them, and against the patterns' own elements.
 */
#include <stdlib.h>

#include "unit.h"
#include "dict/dict.h"

static kh_dict *open_default(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/khaldun.dict", unit_data());
    kh_dict *d = NULL;
    kh_error err;
    memset(&err, 0, sizeof err);
    if (kh_dict_load(path, NULL, &d, &err) != KH_OK)
        return NULL;
    return d;
}

TEST(dict_load_tables_same_answers)
{
    kh_dict *d = open_default();
    REQUIRE(d != NULL);
    REQUIRE(d->root_child != NULL && d->pat_first != NULL && d->pat_need != NULL);
    kh_dict slow = *d;
    slow.root_child = NULL;
    slow.pat_first = NULL;
    size_t wrong = 0, children = 0, with_patterns = 0;
    for (uint32_t w = 0; w < d->n_words; w++) {
        uint32_t c = kh_dict_child(d, 0, w);
        children += c != 0;
        wrong += c != kh_dict_child(&slow, 0, w);
        size_t f1 = 0, f2 = 0;
        size_t n1 = kh_dict_patterns(d, w, &f1), n2 = kh_dict_patterns(&slow, w, &f2);
        with_patterns += n1 != 0;
        wrong += n1 != n2 || (n1 && f1 != f2);
    }
    CHECK_EQ_INT(wrong, 0);
    CHECK(children > 1000);
    CHECK(with_patterns > 100);
    /* A pattern needs as many bits as it has word elements besides the verb
     * (three at most), each the bit of one of them. */
    size_t bad_need = 0;
    for (size_t p = 0; p < d->n_patterns; p++) {
        const kh_pattern *pt = &d->patterns[p];
        const kh_elem *els = d->elems + pt->first_elem;
        uint32_t need = d->pat_need[p], words = 0;
        uint64_t bits[4] = {0, 0, 0, 0};
        for (uint32_t k = 0; k < pt->n_elems; k++)
            if (els[k].kind == KH_E_WORD && k != pt->verb_pos) {
                unsigned b = kh_word_bit(els[k].ref);
                bits[b >> 6] |= 1ULL << (b & 63);
                words++;
            }
        bad_need += need >> 24 != (words < 3 ? words : 3);
        for (uint32_t k = 0; k < need >> 24; k++) {
            unsigned b = need >> (8 * k) & 0xffu;
            bad_need += !(bits[b >> 6] >> (b & 63) & 1);
        }
    }
    CHECK_EQ_INT(bad_need, 0);
    kh_dict_free(d);
}
