/*
 * fuzz_output.c: libFuzzer harness for the one output-file opener
 * (kh_output_open and friends, src/core/output.c). Every input is a small
 * scenario in a private folder: what the name is (a new name, a regular
 * file, a link to one, a dangling link, a folder, a name in a missing
 * folder, a hard link to an input, a second output onto the first), then a
 * run of writes of arbitrary sizes, then a commit or a discard. Checks:
 *   - a refused name leaves the folder exactly as it was;
 *   - a committed output holds exactly the bytes written, through its link
 *     when the name was a link (which stays a link);
 *   - a discarded output, or a commit after a failed write, leaves the old
 *     bytes (or no file) and no temporary behind.
 * Never a device or a pipe: the harness only touches its own folder.
 *
 *   sh fuzz/run.sh build-fuzz 60     (builds with the whole library)
 *   build-fuzz/fuzz_output fuzz/corpus/output
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "khaldun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OUT ((size_t)1 << 20)

static void check(int cond)
{
    if (!cond)
        abort();
}

static char dir[64];

static void name(char *buf, size_t n, const char *base)
{
    snprintf(buf, n, "%s/%s", dir, base);
}

/* Empties the folder (one level, plus the "sub" folder). */
static void clean(void)
{
    DIR *d = opendir(dir);
    check(d != NULL);
    struct dirent *e;
    char p[160];
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        name(p, sizeof p, e->d_name);
        if (unlink(p) != 0)
            rmdir(p);
    }
    closedir(d);
}

/* The names in the folder, sorted into one string, to compare before and after. */
static void listing(char *out, size_t n)
{
    char names[16][64];
    size_t k = 0;
    DIR *d = opendir(dir);
    check(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL && k < 16)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            snprintf(names[k++], sizeof names[0], "%s", e->d_name);
    closedir(d);
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char t[64];
            memcpy(t, names[j], sizeof t);
            memcpy(names[j], names[j - 1], sizeof t);
            memcpy(names[j - 1], t, sizeof t);
        }
    out[0] = '\0';
    for (size_t i = 0; i < k; i++) {
        strncat(out, names[i], n - strlen(out) - 1);
        strncat(out, "/", n - strlen(out) - 1);
    }
}

static void put(const char *p, const char *text)
{
    FILE *f = fopen(p, "wb");
    check(f != NULL);
    fputs(text, f);
    check(fclose(f) == 0);
}

/* The file's bytes (NULL when missing), into a malloc'ed buffer. */
static unsigned char *slurp(const char *p, size_t *len)
{
    FILE *f = fopen(p, "rb");
    if (!f)
        return NULL;
    unsigned char *b = malloc(MAX_OUT + 1);
    check(b != NULL);
    *len = fread(b, 1, MAX_OUT + 1, f);
    fclose(f);
    return b;
}

enum { NEW, REGULAR, LINK, DANGLING, FOLDER, MISSING_DIR, INPUT_LINK, TWICE, N_KINDS };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/khaldun-fuzz-output-%ld", (long)getpid());
        mkdir(dir, 0700);
    }
    if (size < 2)
        return 0;
    clean();
    int kind = data[0] % N_KINDS, commit = data[1] & 1, bad_write = data[1] & 2;
    data += 2, size -= 2;
    char target[160], file[160], input[160], old_list[512], new_list[512];
    name(target, sizeof target, "out");
    name(file, sizeof file, "real");
    name(input, sizeof input, "in.txt");
    put(input, "an input\n");
    const char *old = NULL; /* the bytes the target's file held before, when any */
    switch (kind) {
    case REGULAR: put(target, "old bytes\n"), old = "old bytes\n"; break;
    case LINK: put(file, "old bytes\n"), old = "old bytes\n"; check(symlink("real", target) == 0); break;
    case DANGLING: check(symlink("nowhere", target) == 0); break;
    case FOLDER: check(mkdir(target, 0700) == 0); break;
    case MISSING_DIR: name(target, sizeof target, "no/out"); break;
    case INPUT_LINK: check(link(input, target) == 0); break;
    default: break;
    }
    listing(old_list, sizeof old_list);
    const char *inputs[1] = {input};
    kh_output_options opt;
    memset(&opt, 0, sizeof opt);
    opt.inputs = inputs;
    opt.n_inputs = 1;
    kh_output *first = NULL, *o = NULL;
    kh_error err;
    if (kind == TWICE) {
        check(kh_output_open(target, &opt, &first, &err) == KH_OK);
        const kh_output *outs[1] = {first};
        opt.outputs = outs;
        opt.n_outputs = 1;
        check(kh_output_open(target, &opt, &o, &err) != KH_OK && o == NULL);
        kh_output_discard(first);
        listing(new_list, sizeof new_list);
        check(!strcmp(old_list, new_list));
        return 0;
    }
    kh_status st = kh_output_open(target, &opt, &o, &err);
    int refused = kind == DANGLING || kind == FOLDER || kind == MISSING_DIR || kind == INPUT_LINK;
    check(refused == (st != KH_OK));
    if (st != KH_OK) {
        check(o == NULL);
        listing(new_list, sizeof new_list);
        check(!strcmp(old_list, new_list));
        return 0;
    }
    /* Writes: a length byte (0..255, times 1 or 4096 by its top bit's partner), then bytes. */
    unsigned char *want = malloc(MAX_OUT);
    check(want != NULL);
    size_t wlen = 0;
    while (size >= 2 && wlen < MAX_OUT / 2) {
        size_t n = data[0] & 0x7F, rep = data[0] & 0x80 ? 4096 : 1;
        data++, size--;
        if (n > size)
            n = size;
        for (size_t r = 0; r < rep && wlen + n <= MAX_OUT; r++) {
            check(kh_output_write(o, (const char *)data, n) == KH_OK);
            memcpy(want + wlen, data, n);
            wlen += n;
        }
        data += n, size -= n;
    }
    if (bad_write) /* a NULL buffer with a length: refused, and the output stays usable */
        check(kh_output_write(o, NULL, 1) == KH_ERR_INVALID);
    const char *where = kind == LINK ? file : target;
    if (commit) {
        check(kh_output_commit(o, &err) == KH_OK);
        size_t len = 0;
        unsigned char *got = slurp(where, &len);
        check(got != NULL && len == wlen && (!wlen || !memcmp(got, want, wlen)));
        free(got);
        struct stat ls;
        check(lstat(target, &ls) == 0 && (kind == LINK) == S_ISLNK(ls.st_mode));
    } else {
        kh_output_discard(o);
        size_t len = 0;
        unsigned char *got = slurp(where, &len);
        if (old)
            check(got != NULL && len == strlen(old) && !memcmp(got, old, len));
        else
            check(got == NULL);
        free(got);
    }
    listing(new_list, sizeof new_list);
    /* No temporary left: the same names as before, plus the new file when committed. */
    if (!commit || kind != NEW)
        check(!strcmp(old_list, new_list));
    free(want);
    return 0;
}
