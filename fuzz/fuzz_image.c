/*
 * fuzz_image.c: libFuzzer harness for the dictionary image loader
 * (kh_dict_from_memory, src/image/ and src/dict/dict.c). A corrupted or
 * truncated image must be refused, never trusted; an accepted one must be
 * safe to use. The first byte picks the mode:
 *   even: the rest is an image as it stands. Almost always refused at the
 *         magic or the checksum: this covers the container checks.
 *   odd:  the rest is a list of edits (5 bytes each: op, 4-byte argument)
 *         applied to a REAL small image, built once from a tiny khaldun
 *         source with kh_dict_builder_* into a temporary file. Then, unless
 *         bit 1 of the mode byte is set, the header's size and checksum are
 *         recomputed, so the edits get past the container and exercise every
 *         field check of dict.c.
 * An accepted image is then walked with every lookup the coder makes (words,
 * trie, codes, patterns, actor roles) and used to code a fixed story (with
 * the real lexicon from $KHALDUN_DATA when present, else none).
 *
 *   sh fuzz/run.sh build-fuzz 60     (builds with the whole library)
 *   build-fuzz/fuzz_image -dict=fuzz/dict/image.dict fuzz/corpus/image
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dict/dict.h"
#include "image/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
    if (!cond)
        abort();
}

static const char tiny_source[] =
    "[codes]\n"
    "040 | 1.0 | Consult\n"
    "042 | 1.9 | Make a visit\n"
    "0712 | 7.4 | Provide military aid\n"
    "111 | -2.0 | Criticize or denounce\n"
    "[countries]\n"
    "IRN | Iran; Islamic Republic of Iran | Iranian; Iranians | Tehran\n"
    "RUS | Russia; Russian Federation | Russian; Russians | Moscow; Kremlin\n"
    "[actors]\n"
    "Masoud Pezeshkian; Pezeshkian | IRNGOV 2024-07-28.. ; IRNLEG 2008-05-27..2024-07-27 | "
    "President of Iran\n"
    "Vladimir Putin; Putin | RUSGOV | President of Russia\n"
    "International Atomic Energy Agency; IAEA | IGOUNOIAE | UN agency\n"
    "[agents]\n"
    "minister; ministers | GOV |\n"
    "troops; soldiers | MIL |\n"
    "chief; head | * |\n"
    "[places]\n"
    "Tehran | IRN | Tehran | 35.6944,51.4215 | 7153309 | 112931\n"
    "Moscow | RUS | Moscow | 55.7522,37.6156 | 10381222 | 524901\n"
    "[synsets]\n"
    "&WEAPON | weapon; weapons; missile; missiles\n"
    "[verbs]\n"
    "visit $T | 042 |\n"
    "meet with $T | 040 |\n"
    "provide $T with &WEAPON | 0712 |\n"
    "criticize $T | 111 |\n"
    "accuse $T of {war,crimes} | 111 |\n";

static const char story_text[] =
    "Pezeshkian visits Moscow\n\n"
    "TEHRAN - Iranian President Masoud Pezeshkian visited Russia on Tuesday and met with "
    "Putin in the Kremlin. Russia provided Iran with missiles, the IAEA chief said. "
    "Russian troops criticized Iranian ministers.\n";

typedef struct harness {
    unsigned char *image; /* the real small image, or NULL when it could not be built */
    size_t image_len;
    kh_lexicon *lexicon;
} harness;

static harness *state(void)
{
    static int ready;
    static harness h;
    if (ready)
        return &h;
    ready = 1;
    const char *dir = getenv("KHALDUN_DATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/lexicon.img", dir && *dir ? dir : "build/data");
    if (kh_lexicon_load(path, NULL, &h.lexicon, NULL) != KH_OK)
        h.lexicon = NULL;
    kh_dict_builder *b = NULL;
    if (kh_dict_builder_new(NULL, NULL, NULL, &b) != KH_OK)
        return &h;
    char tmp[] = "/tmp/khaldun-fuzz-image-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd >= 0) {
        close(fd);
        kh_status st = kh_dict_builder_add(b, KH_DICT_KHALDUN, "tiny.txt", tiny_source,
                                           sizeof tiny_source - 1);
        if (st == KH_OK)
            st = kh_dict_builder_finish(b, tmp, NULL);
        FILE *f = st == KH_OK ? fopen(tmp, "rb") : NULL;
        if (f) {
            if (fseek(f, 0, SEEK_END) == 0) {
                long n = ftell(f);
                if (n > 0 && fseek(f, 0, SEEK_SET) == 0) {
                    h.image = (unsigned char *)malloc((size_t)n);
                    if (h.image && fread(h.image, 1, (size_t)n, f) == (size_t)n)
                        h.image_len = (size_t)n;
                }
            }
            fclose(f);
        }
        unlink(tmp);
    }
    kh_dict_builder_free(b);
    if (!h.image_len) {
        fprintf(stderr, "fuzz_image: could not build the small image; raw mode only\n");
    } else {
        kh_dict *d = NULL;
        kh_error err;
        if (kh_dict_from_memory(h.image, h.image_len, NULL, &d, &err) != KH_OK) {
            fprintf(stderr, "fuzz_image: the small image is refused: %s\n", err.message);
            abort();
        }
        kh_dict_free(d);
    }
    return &h;
}

/* Every lookup the coder makes, over everything the image holds. */
static void walk(const kh_dict *d)
{
    volatile size_t sum = 0;
    kh_dict_stats s;
    kh_dict_stats_get(d, &s);
    sum += s.words + strlen(kh_dict_hash(d));
    for (size_t i = 0; i < d->n_words; i++) {
        const char *w = d->strings + d->words[i].str;
        size_t len = d->words[i].len;
        uint32_t id = kh_dict_word(d, w, len);
        sum += id;
        sum += kh_dict_child(d, 0, id);
        size_t first;
        size_t n = kh_dict_patterns(d, (uint32_t)i, &first);
        for (size_t k = 0; k < n; k++) {
            const kh_pattern *p = &d->patterns[first + k];
            check(first + k < d->n_patterns && p->first_elem + p->n_elems <= d->n_elems);
            sum += strlen(kh_dict_str(d, p->text)) + strlen(kh_dict_str(d, p->src));
        }
    }
    for (size_t i = 0; i < d->n_edges; i++)
        if (d->edges[i].child)
            sum += kh_dict_child(d, d->edges[i].parent, d->edges[i].word);
    for (size_t i = 0; i < d->n_codes; i++) {
        const char *c = kh_dict_str(d, d->codes[i].code);
        const kh_code_rec *r = kh_dict_code(d, c, strlen(c));
        sum += r ? strlen(kh_dict_str(d, r->name)) : 0;
    }
    for (size_t i = 0; i < d->n_actors; i++) {
        const kh_actor_rec *a = &d->actors[i];
        const kh_role *r = kh_dict_actor_role(d, a, KH_DAYS_MIN);
        sum += r ? strlen(kh_dict_str(d, r->code)) : 0;
        r = kh_dict_actor_role(d, a, 19900);
        sum += r ? strlen(kh_dict_str(d, r->code)) : 0;
        sum += strlen(kh_dict_str(d, a->name)) + strlen(kh_dict_str(d, a->note));
    }
    for (size_t i = 0; i < d->n_places; i++)
        sum += strlen(kh_dict_str(d, d->places[i].name));
    (void)sum;
}

static void span_in(kh_span sp, size_t len)
{
    check(sp.off <= len && sp.len <= len - sp.off);
}

/* Codes the fixed story with the accepted image; every span must lie in the text. */
static void code_story(const kh_dict *d, const kh_lexicon *lex)
{
    kh_code_options o;
    memset(&o, 0, sizeof o);
    o.dict = d;
    o.lexicon = lex;
    kh_coder *c = NULL;
    if (kh_coder_new(&o, &c) != KH_OK)
        return;
    kh_unit units[2] = {{KH_UNIT_HEADLINE, {0, 24}}, {KH_UNIT_BODY, {26, sizeof story_text - 27}}};
    kh_story s;
    memset(&s, 0, sizeof s);
    s.id = "fuzz";
    s.source = "fuzz";
    s.line = 1;
    s.raw = 1;
    s.date.year = 2024;
    s.date.month = 8;
    s.date.day = 1;
    s.title = "Pezeshkian visits Moscow";
    s.text = story_text;
    s.text_len = sizeof story_text - 1;
    s.units = units;
    s.n_units = 2;
    const kh_event *ev = NULL;
    size_t n = 0;
    if (kh_coder_code(c, &s, &ev, &n) == KH_OK) {
        for (size_t i = 0; i < n; i++) {
            check(ev[i].source && ev[i].code && ev[i].n_mentions > 0);
            for (size_t k = 0; k < ev[i].n_mentions; k++) {
                const kh_mention *m = &ev[i].mentions[k];
                span_in(m->text, s.text_len);
                span_in(m->source, s.text_len);
                span_in(m->target, s.text_len);
                span_in(m->verb, s.text_len);
            }
        }
    }
    kh_coder_free(c);
}

static void try_image(const unsigned char *img, size_t len, const kh_lexicon *lex)
{
    kh_dict *d = NULL;
    kh_error err;
    kh_status st = kh_dict_from_memory(img, len, NULL, &d, &err);
    if (st != KH_OK) {
        check(d == NULL);
        check(st == KH_ERR_CORRUPT || st == KH_ERR_VERSION);
        check(memchr(err.message, '\0', sizeof err.message) != NULL);
        return;
    }
    walk(d);
    code_story(d, lex);
    kh_dict_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    harness *h = state();
    unsigned mode = data[0];
    data++;
    size--;
    if (!(mode & 1) || !h->image_len) {
        /* an exact-size heap copy, 8-aligned like a mapping, so ASan sees over-reads */
        unsigned char *buf = (unsigned char *)malloc(size ? size : 1);
        if (!buf)
            return 0;
        if (size)
            memcpy(buf, data, size);
        try_image(buf, size, h->lexicon);
        free(buf);
        return 0;
    }
    size_t len = h->image_len;
    unsigned char *buf = (unsigned char *)malloc(len);
    if (!buf)
        return 0;
    memcpy(buf, h->image, len);
    for (size_t i = 0; i + 5 <= size; i += 5) {
        unsigned op = data[i];
        uint32_t arg = (uint32_t)data[i + 1] | (uint32_t)data[i + 2] << 8 |
                       (uint32_t)data[i + 3] << 16 | (uint32_t)data[i + 4] << 24;
        if (len == 0)
            break;
        /* positions mostly past the header, where the sections are */
        size_t pos = (op & 0x80) ? arg % len : KH_IMAGE_HEADER + arg % (len > 48 ? len - 48 : 1);
        if (pos >= len)
            pos = len - 1;
        switch (op & 7) {
        case 0: buf[pos] ^= (unsigned char)(arg >> 24 ? arg >> 24 : 1); break;
        case 1: buf[pos] = (unsigned char)(arg >> 16); break;
        case 2: /* a 32-bit field set to a small or huge value */
            pos &= ~(size_t)3;
            if (pos + 4 <= len)
                kh_wr32(buf + pos, (op & 0x40) ? arg >> 16 : ~(arg >> 20));
            break;
        case 3: /* a 32-bit field nudged by one */
            pos &= ~(size_t)3;
            if (pos + 4 <= len)
                kh_wr32(buf + pos, kh_rd32(buf + pos) + ((op & 0x40) ? 1u : UINT32_MAX));
            break;
        case 4: /* truncate (8-aligned, so the checksum fix keeps it loadable) */
            len = pos & ~(size_t)7;
            break;
        case 5: /* copy a 4-byte field from elsewhere in the image */
        {
            size_t from = (arg >> 12) % len & ~(size_t)3;
            pos &= ~(size_t)3;
            if (pos + 4 <= len && from + 4 <= len)
                memmove(buf + pos, buf + from, 4);
            break;
        }
        case 6: /* zero 8 bytes */
            pos &= ~(size_t)7;
            if (pos + 8 <= len)
                memset(buf + pos, 0, 8);
            break;
        default: /* a float field set to something odd */
        {
            static const uint32_t odd[] = {0x7fc00000u, 0x7f800000u, 0xff800000u, 0x7f7fffffu,
                                           0x80000000u, 0x00000001u, 0xc2c80000u, 0x42c80000u};
            pos &= ~(size_t)3;
            if (pos + 4 <= len)
                kh_wr32(buf + pos, odd[arg & 7]);
            break;
        }
        }
    }
    if (!(mode & 2) && len >= KH_IMAGE_HEADER) {
        kh_wr64(buf + 16, len);
        kh_wr64(buf + 24, kh_image_checksum(buf + 48, len - 48));
    }
    /* re-copy at the exact length so a read past a truncated end is caught */
    unsigned char *exact = (unsigned char *)malloc(len ? len : 1);
    if (exact) {
        if (len)
            memcpy(exact, buf, len);
        try_image(exact, len, h->lexicon);
        free(exact);
    }
    free(buf);
    return 0;
}
