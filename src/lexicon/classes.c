/*
 * classes.c: the lexicon's word classes, the one source the chunker reads
 * (src/chunks/) to tell reporting verbs, modals, negators and intention
 * verbs. They are written as plain lists, data/lexicon/classes/NAME.txt, one
 * lower-case word a line, and compiled into the lexicon image's section
 * LXWC: for each class in name order, "name\0word\0word\0...\0\0". Loading
 * checks the section's shape; a class the image lacks is empty. Month names
 * are not here: the reader and the cleaner run without a lexicon, so they
 * live in core (core/months.c).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "lexicon/lexicon.h"

static const char *const CLASS_NAMES[KH_WC_COUNT] = {"reporting", "modal", "negator",
                                                     "intent"};

#define CLASSES_MAX_FILE ((size_t)1 << 20)

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends one class file's words ("word\0" each) to out. */
static kh_status add_class_words(const char *path, const char *text, size_t len, kh_buf *out,
                                 kh_error *err)
{
    size_t pos = 0, lineno = 0;
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = (const char *)memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + 1;
        lineno++;
        const char *hash = (const char *)memchr(line, '#', n);
        if (hash)
            n = (size_t)(hash - line);
        while (n && kh_is_space((unsigned char)line[n - 1]))
            n--;
        size_t i = 0;
        while (i < n && kh_is_space((unsigned char)line[i]))
            i++;
        if (i == n)
            continue;
        for (size_t k = i; k < n; k++)
            if (kh_is_space((unsigned char)line[k]) || kh_is_upper((unsigned char)line[k]))
                return kh_error_set(err, KH_ERR_FORMAT, lineno, k + 1,
                                    "%s:%zu:%zu: one lower-case word a line", path, lineno,
                                    k + 1);
        if (n - i >= KH_LEX_MAX_WORD)
            return kh_error_set(err, KH_ERR_FORMAT, lineno, i + 1, "%s:%zu:%zu: word too long",
                                path, lineno, i + 1);
        if (kh_buf_append(out, line + i, n - i) || kh_buf_putc(out, '\0'))
            return kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    }
    return KH_OK;
}

/* Compiles one class file into out: "name\0words...\0". */
static kh_status add_class(const char *dir, const char *file, kh_buf *out, uint64_t *hash,
                           kh_buf *inputs, kh_error *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path)
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "path too long: %s", dir);
    char *text;
    size_t len;
    kh_file_id id;
    kh_status st = kh_file_read_id(NULL, path, CLASSES_MAX_FILE, &text, &len, &id);
    if (st)
        return kh_error_set(err, st, 0, 0, "%s: %s", path,
                            st == KH_ERR_LIMIT ? kh_strerror(st) : strerror(errno));
    if (kh_buf_append(inputs, (const char *)&id, sizeof id)) {
        kh_free(NULL, text);
        return kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    }
    *hash = kh_hash64(text, len, kh_hash64(file, strlen(file), *hash));
    size_t name_len = strlen(file) - 4; /* without ".txt" */
    if (kh_buf_append(out, file, name_len) || kh_buf_putc(out, '\0'))
        st = kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    if (!st)
        st = add_class_words(path, text, len, out, err);
    if (!st && kh_buf_putc(out, '\0'))
        st = kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    kh_free(NULL, text);
    return st;
}

kh_status kh_lex_classes_build(const char *dir, kh_buf *out, uint64_t *hash, kh_buf *inputs,
                               kh_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? KH_OK : kh_error_set(err, KH_ERR_IO, 0, 0, "%s: %s", dir,
                                                      strerror(errno));
    char *names[64] = {NULL};
    size_t nn = 0;
    struct dirent *de;
    kh_status st = KH_OK;
    while (!st && (de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".txt") != 0 || de->d_name[0] == '.')
            continue;
        if (nn == KH_ARRAY_LEN(names))
            st = kh_error_set(err, KH_ERR_LIMIT, 0, 0, "%s: too many classes", dir);
        else if (!(names[nn++] = kh_strndup(NULL, de->d_name, l)))
            st = kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    }
    closedir(d);
    if (nn)
        qsort(names, nn, sizeof names[0], cmp_names);
    for (size_t i = 0; i < nn; i++) {
        if (!st)
            st = add_class(dir, names[i], out, hash, inputs, err);
        kh_free(NULL, names[i]);
    }
    return st;
}

kh_status kh_lex_classes_open(kh_lexicon *lex, const unsigned char *sec, size_t len)
{
    memset(lex->classes, 0, sizeof lex->classes);
    memset(lex->class_first, 0, sizeof lex->class_first);
    if (!sec)
        return KH_ERR_CORRUPT;
    size_t i = 0;
    while (i < len) {
        /* a class: its name, then words, then an empty word */
        const char *name = (const char *)sec + i;
        const char *end = (const char *)memchr(name, '\0', len - i);
        if (!end || end == name)
            return KH_ERR_CORRUPT;
        i += (size_t)(end - name) + 1;
        size_t first = i;
        for (;;) {
            if (i >= len)
                return KH_ERR_CORRUPT;
            const char *w = (const char *)sec + i;
            const char *we = (const char *)memchr(w, '\0', len - i);
            if (!we)
                return KH_ERR_CORRUPT;
            i += (size_t)(we - w) + 1;
            if (we == w)
                break;
        }
        for (int k = 0; k < KH_WC_COUNT; k++)
            if (!strcmp(name, CLASS_NAMES[k])) {
                lex->classes[k] = (const char *)sec + first;
                for (size_t w = first; sec[w]; w += strlen((const char *)sec + w) + 1)
                    lex->class_first[k][sec[w] >> 6] |= 1ULL << (sec[w] & 63);
            }
    }
    return KH_OK;
}

int kh_lex_in_class(const kh_lexicon *lex, kh_word_class wc, const char *word)
{
    if (!lex || !word || (unsigned)wc >= KH_WC_COUNT || !lex->classes[wc])
        return 0;
    unsigned char b = (unsigned char)word[0];
    if (!(lex->class_first[wc][b >> 6] >> (b & 63) & 1))
        return 0; /* no word of the class starts so (nor is empty) */
    /* One pass over the list: each entry is compared as far as it agrees
     * with the word (almost always not past the first byte), then skipped
     * to its NUL; no call per entry. */
    for (const char *w = lex->classes[wc]; *w; w++) {
        const char *q = word;
        while (*w && *w == *q) {
            w++;
            q++;
        }
        if (!*w && !*q)
            return 1;
        while (*w)
            w++;
    }
    return 0;
}
