/*
 * output.c: the one opener for named output files (kh_output_open in
 * khaldun.h has the rules). Images, exported tables and Mentions files all
 * come through here, so every command treats a name the same way: a regular
 * file is replaced only when its new contents are complete and synced, a
 * device or pipe is written in place and never replaced, and a folder, an
 * input of the run or another output of the run is refused before anything
 * is created. Files are compared by device and inode, never by spelling.
 *
 * It does not lock: two processes writing one name both succeed and the last
 * rename wins, each file whole. Nothing here prints or exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

#define KH_OUTPUT_BUF ((size_t)64 << 10) /* bytes buffered before a write(2) */
#define KH_OUTPUT_TRIES 100              /* names tried for the temporary file */

struct kh_output {
    const kh_allocator *alloc;
    char *path;        /* the name as given */
    char *target;      /* the name renamed over (a link's file); NULL when direct */
    char *tmp;         /* the temporary file; NULL when direct */
    int fd;
    int direct;
    int chr;           /* a character device: never compared */
    int exists;        /* id is the target's; else dir_id + base name it */
    kh_file_id id;
    kh_file_id dir_id;
    const char *base;  /* in target */
    int error;         /* errno of the first failed write, 0 when none */
    unsigned char *buf;
    size_t len;
};

static kh_file_id id_of(const struct stat *st)
{
    kh_file_id id = {(uint64_t)st->st_dev, (uint64_t)st->st_ino};
    return id;
}

static int same_id(kh_file_id a, kh_file_id b) { return a.dev == b.dev && a.ino == b.ino; }

int kh_file_id_of_fd(int fd, kh_file_id *id)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return 0;
    *id = id_of(&st);
    return 1;
}

const char *kh_output_path(const kh_output *o) { return o ? o->path : ""; }

int kh_output_is_direct(const kh_output *o) { return o ? o->direct : 0; }

static void output_free(kh_output *o)
{
    if (!o)
        return;
    if (o->fd >= 0)
        close(o->fd);
    if (o->tmp)
        unlink(o->tmp);
    kh_free(o->alloc, o->path);
    kh_free(o->alloc, o->target);
    kh_free(o->alloc, o->tmp);
    kh_free(o->alloc, o->buf);
    kh_free(o->alloc, o);
}

/* /dev/stdout, /dev/stderr, /dev/stdin, /dev/fd/N, /proc/self/fd/N: the
 * descriptor number, or -1 for any other name. */
static int fd_name(const char *path)
{
    if (!strcmp(path, "/dev/stdin"))
        return 0;
    if (!strcmp(path, "/dev/stdout"))
        return 1;
    if (!strcmp(path, "/dev/stderr"))
        return 2;
    const char *p = NULL;
    if (!strncmp(path, "/dev/fd/", 8))
        p = path + 8;
    else if (!strncmp(path, "/proc/self/fd/", 14))
        p = path + 14;
    if (!p || !kh_is_digit((unsigned char)*p))
        return -1;
    long n = 0;
    for (; *p; p++) {
        if (!kh_is_digit((unsigned char)*p) || n > INT_MAX / 10)
            return -1;
        n = n * 10 + (*p - '0');
    }
    return n <= INT_MAX ? (int)n : -1;
}

/* Refuses a target that is one of the inputs or another output. `st` is the
 * target's (existing) status, or NULL for a new name (o->dir_id, o->base). */
static kh_status check_clash(const kh_output *o, const struct stat *st,
                             const kh_output_options *opt, const kh_file_id *ids, size_t n_ids,
                             const char *ids_role, kh_error *err)
{
    if (st && S_ISCHR(st->st_mode))
        return KH_OK;
    if (st) {
        kh_file_id me = id_of(st);
        for (size_t i = 0; opt && i < opt->n_inputs; i++) {
            struct stat is;
            if (!opt->inputs[i] || stat(opt->inputs[i], &is) != 0 || S_ISCHR(is.st_mode))
                continue;
            if (same_id(me, id_of(&is)))
                return kh_error_set(err, KH_ERR_INVALID, 0, 0,
                                    "%s: the same file as %s, %s; refusing to write over it",
                                    o->path, opt->inputs[i],
                                    opt->inputs_role ? opt->inputs_role : "an input of this run");
        }
        for (size_t i = 0; i < n_ids; i++)
            if (same_id(me, ids[i]))
                return kh_error_set(err, KH_ERR_INVALID, 0, 0,
                                    "%s: is %s; refusing to write over it", o->path,
                                    ids_role ? ids_role : "an input of this run");
    }
    for (size_t i = 0; opt && i < opt->n_outputs; i++) {
        const kh_output *x = opt->outputs[i];
        if (!x || x->chr)
            continue;
        int clash = st ? x->exists && same_id(x->id, id_of(st))
                       : !x->exists && same_id(x->dir_id, o->dir_id) && !strcmp(x->base, o->base);
        if (clash)
            return kh_error_set(err, KH_ERR_INVALID, 0, 0,
                                "%s: the same file as %s, another output of this run; refusing "
                                "to write both into one file", o->path, x->path);
    }
    return KH_OK;
}

/* Writes the output in place on descriptor fd (already open, owned). */
static kh_status open_direct(kh_output *o, int fd, const struct stat *st)
{
    o->fd = fd;
    o->direct = 1;
    o->chr = S_ISCHR(st->st_mode);
    o->exists = 1;
    o->id = id_of(st);
    return KH_OK;
}

/* A temporary name beside the target: DIR/.BASE.XXXXXX. */
static kh_status open_temp(kh_output *o, const struct stat *old, kh_error *err)
{
    const char *slash = strrchr(o->target, '/');
    size_t dirlen = slash ? (size_t)(slash - o->target) + 1 : 0;
    o->base = o->target + dirlen;
    size_t n = strlen(o->target) + 16;
    o->tmp = (char *)kh_malloc(o->alloc, n);
    if (!o->tmp)
        return kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t seed = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^ (uint64_t)getpid() << 12 ^
                    (uint64_t)(uintptr_t)o;
    static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (int t = 0; t < KH_OUTPUT_TRIES; t++) {
        uint64_t z = (seed += 0x9E3779B97F4A7C15ULL); /* splitmix64 */
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z ^= z >> 31;
        char suffix[7];
        for (size_t i = 0; i < 6; i++, z /= 36)
            suffix[i] = digits[z % 36];
        suffix[6] = '\0';
        snprintf(o->tmp, n, "%.*s.%s.%s", (int)dirlen, o->target, o->base, suffix);
        o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (o->fd >= 0)
            break;
        if (errno != EEXIST) {
            int e = errno;
            kh_free(o->alloc, o->tmp);
            o->tmp = NULL;
            return kh_error_set(err, KH_ERR_IO, 0, 0,
                                "%s: cannot create a temporary file beside it: %s", o->path,
                                strerror(e));
        }
    }
    if (o->fd < 0) {
        kh_free(o->alloc, o->tmp);
        o->tmp = NULL;
        return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: cannot create a temporary file", o->path);
    }
    if (old) { /* the replacement keeps the permission bits (and owner, when allowed) */
        (void)fchmod(o->fd, old->st_mode & 07777);
        if (fchown(o->fd, old->st_uid, old->st_gid) != 0) {
            /* only root may give a file away; the caller's own file stays its own */
        }
    }
    return KH_OK;
}

/* The clash check's other arguments, passed along the opening steps. */
typedef struct open_args {
    const kh_output_options *opt;
    const kh_file_id *ids;
    size_t n_ids;
    const char *ids_role;
} open_args;

static kh_status clash(const kh_output *o, const struct stat *st, const open_args *oa,
                       kh_error *err)
{
    return check_clash(o, st, oa->opt, oa->ids, oa->n_ids, oa->ids_role, err);
}

/* /dev/stdout, /dev/fd/N...: a descriptor the caller set up (a shell
 * redirection), written in place through a duplicate. */
static kh_status open_fd_name(kh_output *o, int fdn, const open_args *oa, kh_error *err)
{
    struct stat sb;
    int fl = fcntl(fdn, F_GETFL);
    if (fl < 0)
        return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: descriptor %d is not open", o->path, fdn);
    if ((fl & O_ACCMODE) == O_RDONLY)
        return kh_error_set(err, KH_ERR_INVALID, 0, 0,
                            "%s: descriptor %d is not open for writing%s", o->path, fdn,
                            fdn == 1 ? " (standard output is closed)" : "");
    if (fstat(fdn, &sb) != 0)
        return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: %s", o->path, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "%s: is a folder", o->path);
    kh_status st = clash(o, &sb, oa, err);
    if (st)
        return st;
    int fd = fcntl(fdn, F_DUPFD_CLOEXEC, 3);
    if (fd < 0)
        return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: %s", o->path, strerror(errno));
    return open_direct(o, fd, &sb);
}

/* A name that does not exist yet: its folder must, and the new file is
 * known by folder and name until it is created. */
static kh_status open_new_name(kh_output *o, const open_args *oa, kh_error *err)
{
    o->target = kh_strndup(o->alloc, o->path, strlen(o->path));
    if (!o->target)
        return kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    char *slash = strrchr(o->target, '/');
    struct stat ds;
    int dok;
    if (!slash) {
        dok = stat(".", &ds);
    } else if (slash == o->target) {
        dok = stat("/", &ds);
    } else {
        *slash = '\0';
        dok = stat(o->target, &ds);
        *slash = '/';
    }
    if (dok != 0 || !S_ISDIR(ds.st_mode))
        return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: %s", o->path,
                            dok != 0 ? strerror(errno) : "its folder is not a folder");
    o->dir_id = id_of(&ds);
    o->base = slash ? slash + 1 : o->target;
    if (!*o->base)
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "%s: is a folder", o->path);
    kh_status st = clash(o, NULL, oa, err);
    return st ? st : open_temp(o, NULL, err);
}

/* An existing name (sb: what it points to; linked: the name is a symbolic
 * link): a device or pipe is written in place, a regular file replaced on
 * commit, anything else refused. */
static kh_status open_existing(kh_output *o, const struct stat *sb, int linked,
                               const open_args *oa, kh_error *err)
{
    const char *path = o->path;
    if (S_ISDIR(sb->st_mode))
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "%s: is a folder", path);
    if (!S_ISREG(sb->st_mode) && !S_ISCHR(sb->st_mode) && !S_ISFIFO(sb->st_mode))
        return kh_error_set(err, KH_ERR_INVALID, 0, 0,
                            "%s: not a regular file, character device or pipe; refusing to "
                            "write to it", path);
    kh_status st = clash(o, sb, oa, err);
    if (st)
        return st;
    if (!S_ISREG(sb->st_mode)) {
        int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
            return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: %s", path, strerror(errno));
        return open_direct(o, fd, sb);
    }
    /* A regular file: replaced on commit, as fopen(path, "w") would need
     * write permission to change it. */
    if (access(path, W_OK) != 0)
        return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: %s", path, strerror(errno));
    if (linked) {
        char *real = realpath(path, NULL);
        if (!real)
            return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: %s", path, strerror(errno));
        o->target = kh_strndup(o->alloc, real, strlen(real));
        free(real);
    } else {
        o->target = kh_strndup(o->alloc, path, strlen(path));
    }
    if (!o->target)
        return kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    o->exists = 1;
    o->id = id_of(sb);
    return open_temp(o, sb, err);
}

kh_status kh_output_open_ex(const char *path, const kh_output_options *opt,
                            const kh_file_id *ids, size_t n_ids, const char *ids_role,
                            const kh_allocator *alloc, kh_output **out, kh_error *err)
{
    if (!out)
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "kh_output_open: bad arguments");
    *out = NULL;
    if (!path || !*path)
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "empty output file name");
    kh_output *o = (kh_output *)kh_calloc(alloc, 1, sizeof *o);
    if (!o)
        return kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    o->alloc = alloc;
    o->fd = -1;
    o->path = kh_strndup(alloc, path, strlen(path));
    o->buf = (unsigned char *)kh_malloc(alloc, KH_OUTPUT_BUF);
    open_args oa = {opt, ids, n_ids, ids_role};
    kh_status st;
    int fdn = fd_name(path);
    struct stat sb, lsb;
    int linked = lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode);
    if (!o->path || !o->buf) {
        st = kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
    } else if (fdn >= 0) {
        st = open_fd_name(o, fdn, &oa, err);
    } else if (stat(path, &sb) == 0) {
        st = open_existing(o, &sb, linked, &oa, err);
    } else if (errno == ENOENT && !linked) {
        st = open_new_name(o, &oa, err);
    } else {
        st = kh_error_set(err, KH_ERR_IO, 0, 0, "%s: %s", path,
                          linked && errno == ENOENT ? "a symbolic link to a missing file"
                                                    : strerror(errno));
    }
    if (st) {
        output_free(o);
        return st;
    }
    *out = o;
    return KH_OK;
}

kh_status kh_output_open(const char *path, const kh_output_options *options, kh_output **out,
                         kh_error *err)
{
    return kh_output_open_ex(path, options, NULL, 0, NULL, NULL, out, err);
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno ? errno : EIO;
        }
        if (w == 0)
            return EIO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int flush(kh_output *o)
{
    if (!o->error && o->len)
        o->error = write_all(o->fd, o->buf, o->len);
    o->len = 0;
    return o->error;
}

kh_status kh_output_write(void *output, const char *data, size_t len)
{
    kh_output *o = (kh_output *)output;
    if (!o || (!data && len))
        return KH_ERR_INVALID;
    if (o->error)
        return KH_ERR_IO;
    if (!len) /* nothing to copy (data may be NULL) */
        return KH_OK;
    if (len > KH_OUTPUT_BUF - o->len) {
        if (flush(o))
            return KH_ERR_IO;
        if (len >= KH_OUTPUT_BUF) {
            o->error = write_all(o->fd, (const unsigned char *)data, len);
            return o->error ? KH_ERR_IO : KH_OK;
        }
    }
    memcpy(o->buf + o->len, data, len);
    o->len += len;
    return KH_OK;
}

kh_status kh_output_commit(kh_output *o, kh_error *err)
{
    if (!o)
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "kh_output_commit: no output");
    kh_status st = KH_OK;
    if (flush(o)) {
        st = kh_error_set(err, KH_ERR_IO, 0, 0, "%s: write failed: %s%s", o->path,
                          strerror(o->error), o->tmp ? " (the file was left as it was)" : "");
    } else if (!o->direct && fsync(o->fd) != 0) {
        st = kh_error_set(err, KH_ERR_IO, 0, 0, "%s: %s (the file was left as it was)", o->path,
                          strerror(errno));
    }
    int fd = o->fd;
    o->fd = -1;
    if (close(fd) != 0 && !st && errno != EINTR)
        st = kh_error_set(err, KH_ERR_IO, 0, 0, "%s: %s%s", o->path, strerror(errno),
                          o->tmp ? " (the file was left as it was)" : "");
    if (!st && o->tmp) {
        if (rename(o->tmp, o->target) != 0) {
            st = kh_error_set(err, KH_ERR_IO, 0, 0, "%s: cannot replace it: %s", o->path,
                              strerror(errno));
        } else {
            kh_free(o->alloc, o->tmp);
            o->tmp = NULL; /* renamed: nothing to remove */
        }
    }
    output_free(o);
    return st;
}

kh_status kh_output_status(const kh_output *o, kh_error *err)
{
    if (!o)
        return kh_error_set(err, KH_ERR_INVALID, 0, 0, "kh_output_status: no output");
    if (o->error)
        return kh_error_set(err, KH_ERR_IO, 0, 0, "%s: write failed: %s", o->path,
                            strerror(o->error));
    return KH_OK;
}

void kh_output_discard(kh_output *o) { output_free(o); }
