/*
 * output.c: the command line's named outputs. Every file a subcommand
 * writes (export --events/--mentions, code --mentions) is opened through the
 * library's one opener, kh_output_open, with the run's inputs and its other
 * outputs, so the same rules hold everywhere: a regular file is replaced only
 * when complete, a device or pipe is written in place, and an input, the
 * store, a folder or another output of the run is refused. An output still
 * open when the process exits (through fatal()) is discarded: a failed run
 * leaves neither a half-written file nor a temporary behind.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CLI_MAX_OUTPUTS 8

static kh_output *open_outputs[CLI_MAX_OUTPUTS];
static size_t n_open;

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
