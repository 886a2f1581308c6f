/*
 * clock.c: the monotonic clock behind the per-stage statistics
 * (kh_analyze_timed, khaldun code --stats, make bench). The library reads
 * it only when statistics are asked for.
 */
#include <time.h>

#include "core/core.h"

uint64_t kh_clock_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
