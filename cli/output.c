/*
 * output.c: the command line's named outputs. Every file a subcommand
 * writes (export --events/--mentions, code --mentions) is opened through the
 * library's one opener, kh_output_open, with the run's inputs and its other
 * outputs, so the same rules hold everywhere: a regular file is replaced only
 * when complete, a device or pipe is written in place, and an input, the
 * store, a folder or another output of the run is refused. An output still
 * open when the process exits (through fatal()) is discarded: a failed run
 * leaves neither a half-written file nor a temporary behind. Also the
 * guard that keeps descriptors 0, 1 and 2 taken, so that no file opened by
 * the run becomes standard output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define CLI_MAX_OUTPUTS 8

static kh_output *open_outputs[CLI_MAX_OUTPUTS];
static size_t n_open;
static int stdout_closed; /* descriptor 1 was closed at start (see cli_std_fds) */

static void discard_all(void)
{
    while (n_open)
        kh_output_discard(open_outputs[--n_open]);
}

static void remember(kh_output *o)
{
    static int registered;
    if (!registered) {
        atexit(discard_all);
        registered = 1;
    }
    open_outputs[n_open++] = o;
}

kh_output *cli_output_open(const char *path, const char *const *inputs, size_t n_inputs,
                           const char *inputs_role)
{
    if (n_open >= CLI_MAX_OUTPUTS)
        fatal("%s: too many output files", path);
    kh_output_options opt;
    memset(&opt, 0, sizeof opt);
    opt.inputs = inputs;
    opt.n_inputs = n_inputs;
    opt.inputs_role = inputs_role;
    opt.outputs = (const kh_output *const *)open_outputs;
    opt.n_outputs = n_open;
    kh_output *o = NULL;
    kh_error err;
    memset(&err, 0, sizeof err);
    kh_status st = kh_output_open(path, &opt, &o, &err);
    if (st)
        fatal("%s", err.message[0] ? err.message : kh_strerror(st));
    remember(o);
    return o;
}

static void forget(const kh_output *o)
{
    for (size_t i = 0; i < n_open; i++)
        if (open_outputs[i] == o) {
            memmove(open_outputs + i, open_outputs + i + 1, (n_open - i - 1) * sizeof *open_outputs);
            n_open--;
            return;
        }
}

void cli_output_close(kh_output *o)
{
    if (!o)
        return;
    /* What went to standard output is delivered first: a run that fails
     * there must not have replaced any file. */
    if (fflush(stdout) != 0)
        fatal("writing output: %s", cli_stdout_error(errno));
    forget(o);
    kh_error err;
    memset(&err, 0, sizeof err);
    kh_status st = kh_output_commit(o, &err);
    if (st)
        fatal("%s", err.message[0] ? err.message : kh_strerror(st));
}

void cli_output_check(const kh_output *o)
{
    kh_error err;
    memset(&err, 0, sizeof err);
    if (o && kh_output_status(o, &err) != KH_OK)
        fatal("%s", err.message);
}

void cli_stdout_claim(void)
{
    if (stdout_closed)
        fatal("standard output is closed: the output has nowhere to go");
    /* Opened, never written: later outputs of the run are compared with it,
     * so a file that is also standard output is refused. */
    kh_output *o = cli_output_open("/dev/stdout", NULL, 0, NULL);
    (void)o;
}

void cli_std_fds(void)
{
    /* A descriptor 0, 1 or 2 left closed by the caller (`>&-`) would be
     * taken by the next file opened, and standard output would go into it.
     * Each gets /dev/null, opened the wrong way round for standard input and
     * output so that using them still fails (EBADF) as on a closed
     * descriptor, rather than reading nothing or writing into the void. */
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        int n = open("/dev/null", fd == 1 ? O_RDONLY : O_WRONLY);
        if (n < 0)
            exit(EXIT_FATAL);
        if (n != fd) { /* a lower descriptor was closed too and took it */
            if (dup2(n, fd) < 0)
                exit(EXIT_FATAL);
            close(n);
        }
        if (fd == 1)
            stdout_closed = 1;
    }
}

