/*
 * test_output.c: the one output opener (kh_output_open, src/core/output.c)
 * through the public API: a name is replaced only on commit, a discarded or
 * failed output leaves it as it was, devices are written in place, and
 * folders, inputs and a second output of the same file are refused.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static int has(const char *path, const char *text)
{
    size_t len = 0;
    char *got = unit_read_file(path, &len);
    int same = got && len == strlen(text) && !memcmp(got, text, len);
    free(got);
    return same;
}

/* Entries in dir other than . and .. */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static void cleanup(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            remove(p);
        }
    if (d)
        closedir(d);
    rmdir(dir);
}

TEST(output_replace_on_commit)
{
    char dir[] = "/tmp/khaldun-out-XXXXXX";
    REQUIRE(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/out.tsv", dir);
    kh_output *o = NULL;
    kh_error err;
    /* A new name: nothing appears under it before the commit. */
    REQUIRE(kh_output_open(path, NULL, &o, &err) == KH_OK);
    CHECK(!kh_output_is_direct(o));
    CHECK(kh_output_write(o, "new\n", 4) == KH_OK);
    CHECK(access(path, F_OK) != 0);
    CHECK(kh_output_commit(o, &err) == KH_OK);
    CHECK(has(path, "new\n"));
    CHECK_EQ_INT(entries(dir), 1);
    /* An existing file keeps its bytes until the commit, and when discarded. */
    chmod(path, 0640);
    REQUIRE(kh_output_open(path, NULL, &o, &err) == KH_OK);
    CHECK(kh_output_write(o, "newer\n", 6) == KH_OK);
    CHECK(has(path, "new\n"));
    kh_output_discard(o);
    CHECK(has(path, "new\n"));
    CHECK_EQ_INT(entries(dir), 1);
    REQUIRE(kh_output_open(path, NULL, &o, &err) == KH_OK);
    CHECK(kh_output_write(o, "newer\n", 6) == KH_OK);
    CHECK(kh_output_commit(o, &err) == KH_OK);
    CHECK(has(path, "newer\n"));
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
    /* Through a symbolic link: the link stays, its file is replaced. */
    char link[256];
    snprintf(link, sizeof link, "%s/link", dir);
    REQUIRE(symlink("out.tsv", link) == 0);
    REQUIRE(kh_output_open(link, NULL, &o, &err) == KH_OK);
    CHECK(kh_output_write(o, "linked\n", 7) == KH_OK);
    CHECK(kh_output_commit(o, &err) == KH_OK);
    CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(has(path, "linked\n"));
    CHECK_EQ_INT(entries(dir), 2);
    cleanup(dir);
}

TEST(output_refusals)
{
    char dir[] = "/tmp/khaldun-out-XXXXXX";
    REQUIRE(mkdtemp(dir));
    char in[256], other[256], spelled[256];
    snprintf(in, sizeof in, "%s/in.txt", dir);
    snprintf(spelled, sizeof spelled, "%s/./in.txt", dir);
    snprintf(other, sizeof other, "%s/new.tsv", dir);
    put(in, "source\n");
    kh_output *o = NULL, *o2 = NULL;
    kh_error err;
    memset(&err, 0, sizeof err);
    CHECK(kh_output_open("", NULL, &o, &err) == KH_ERR_INVALID);
    CHECK(kh_output_open(dir, NULL, &o, &err) == KH_ERR_INVALID);
    CHECK(strstr(err.message, "folder") != NULL);
    /* An input, under another spelling. */
    const char *inputs[] = {in};
    kh_output_options opt;
    memset(&opt, 0, sizeof opt);
    opt.inputs = inputs;
    opt.n_inputs = 1;
    opt.inputs_role = "the test's input";
    CHECK(kh_output_open(spelled, &opt, &o, &err) == KH_ERR_INVALID);
    CHECK(strstr(err.message, "the test's input") != NULL);
    CHECK(has(in, "source\n"));
    /* Two outputs of one new name. */
    REQUIRE(kh_output_open(other, NULL, &o, &err) == KH_OK);
    const kh_output *outs[] = {o};
    memset(&opt, 0, sizeof opt);
    opt.outputs = outs;
    opt.n_outputs = 1;
    CHECK(kh_output_open(other, &opt, &o2, &err) == KH_ERR_INVALID);
    CHECK(o2 == NULL);
    kh_output_discard(o);
    CHECK(access(other, F_OK) != 0);
    CHECK_EQ_INT(entries(dir), 1);
    /* A missing folder. */
    snprintf(other, sizeof other, "%s/no/such.tsv", dir);
    CHECK(kh_output_open(other, NULL, &o, &err) == KH_ERR_IO);
    cleanup(dir);
}

TEST(output_devices)
{
    kh_output *o = NULL;
    kh_error err;
    struct stat st;
    /* Written in place, never replaced; two outputs may both be /dev/null. */
    REQUIRE(kh_output_open("/dev/null", NULL, &o, &err) == KH_OK);
    CHECK(kh_output_is_direct(o));
    const kh_output *outs[] = {o};
    kh_output_options opt;
    memset(&opt, 0, sizeof opt);
    opt.outputs = outs;
    opt.n_outputs = 1;
    kh_output *o2 = NULL;
    CHECK(kh_output_open("/dev/null", &opt, &o2, &err) == KH_OK);
    CHECK(kh_output_write(o, "x", 1) == KH_OK);
    CHECK(kh_output_commit(o, &err) == KH_OK);
    CHECK(kh_output_commit(o2, &err) == KH_OK);
    CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
    /* A failed write is kept and reported by the commit. */
    if (access("/dev/full", W_OK) == 0) {
        REQUIRE(kh_output_open("/dev/full", NULL, &o, &err) == KH_OK);
        static char big[1 << 17];
        CHECK(kh_output_write(o, big, sizeof big) == KH_ERR_IO);
        CHECK(kh_output_status(o, &err) == KH_ERR_IO);
        CHECK(kh_output_write(o, "x", 1) == KH_ERR_IO);
        CHECK(kh_output_commit(o, &err) == KH_ERR_IO);
        CHECK(strstr(err.message, "/dev/full") != NULL);
    }
    kh_output_discard(NULL);
}
