/*
 * progress.c: the progress line of long runs (`khaldun code`) on standard
 * error: stories and bytes read, events written, rate and time left. Drawn
 * only when standard error is a terminal, at most four times a second; the
 * reading loop (input.c) counts bytes into it, the driver (parallel.c)
 * counts events.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

void cli_progress_init(cli_progress *p, int enabled, int nfiles, char **files)
{
    memset(p, 0, sizeof *p);
    atomic_init(&p->events, 0);
    p->on = enabled && isatty(2);
    if (!p->on)
        return;
    p->start_ns = p->last_ns = kh_clock_ns();
    uint64_t total = 0;
    for (int i = 0; i < nfiles; i++) {
        struct stat st;
        if (!strcmp(files[i], "-") || stat(files[i], &st) != 0 || !S_ISREG(st.st_mode))
            return; /* size unknown: no time left */
        total += (uint64_t)st.st_size;
    }
    p->total = nfiles > 0 ? total : 0;
}

static void progress_draw(cli_progress *p, uint64_t now)
{
    double secs = (double)(now - p->start_ns) / 1e9;
    double mb = (double)p->bytes / 1e6;
    double rate = secs > 0 ? mb / secs : 0;
    char eta[64] = "";
    if (p->total && rate > 0 && p->bytes <= p->total) {
        double left = ((double)(p->total - p->bytes) / 1e6) / rate;
        unsigned long s = (unsigned long)(left + 0.5);
        snprintf(eta, sizeof eta, ", %3.0f%%, %lu:%02lu:%02lu left",
                 100.0 * (double)p->bytes / (double)p->total, s / 3600, s / 60 % 60, s % 60);
    }
    fprintf(stderr, "\rkhaldun: %zu stories, %.1f MB, %zu events, %.1f MB/s%s\033[K", p->stories,
            mb, (size_t)atomic_load(&p->events), rate, eta);
    fflush(stderr);
    p->drawn = 1;
}

void cli_progress_tick(cli_progress *p)
{
    if (!p || !p->on)
        return;
    uint64_t now = kh_clock_ns();
    if (now - p->last_ns < 250000000u)
        return;
    p->last_ns = now;
    progress_draw(p, now);
}

void cli_progress_done(cli_progress *p)
{
    if (!p || !p->on || !p->drawn)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    p->drawn = 0;
}
