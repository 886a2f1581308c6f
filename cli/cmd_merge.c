/*
 * cmd_merge.c: `khaldun merge OUT.db SHARD.db...`: one event store from
 * several (the shards of `khaldun code --shard I/N` coded on N machines),
 * through kh_store_merge. A client of the public API only.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char merge_usage[] = "khaldun merge [--any-images] [--quiet] OUT.db STORE.db...";

int cmd_merge(int argc, char **argv)
{
    unsigned flags = 0;
    int quiet = 0, i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: %s\n\n"
                   "Writes a new event store OUT.db holding every story of the STORE.db files,\n"
                   "typically the stores of `khaldun code --shard I/N --db SHARD.db` run on N\n"
                   "machines. Stories are united by content hash, events by (date, source,\n"
                   "target, code), and NumMentions, NumSources and NumArticles are counted\n"
                   "again: the result has the same tables as one run over all the stories.\n"
                   "The inputs are only read. OUT.db must not exist (or be empty); it is\n"
                   "built beside its name and appears only when complete.\n\n"
                   "options:\n"
                   "  --any-images      merge stores coded with different dictionary or lexicon images\n"
                   "                    (refused by default: their events are not comparable)\n"
                   "  --quiet           no summary on standard error\n",
                   merge_usage);
            return EXIT_OK;
        } else if (!strcmp(a, "--any-images")) {
            flags |= KH_MERGE_ANY_IMAGES;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else if (!strcmp(a, "--")) {
            i++;
            break;
        } else if (a[0] == '-' && a[1]) {
            usage_error(merge_usage, "unknown option '%s'", a);
        } else {
            break;
        }
    }
    if (argc - i < 2)
        usage_error(merge_usage, "give the new store and at least one store to merge");
    const char *out = argv[i];
    for (int k = i + 1; k < argc; k++)
        if (argv[k][0] == '-' && argv[k][1])
            usage_error(merge_usage, "options go before the stores, not '%s'", argv[k]);
    kh_error err;
    memset(&err, 0, sizeof err);
    kh_store_merge_counts c;
    kh_status st = kh_store_merge(out, (const char *const *)argv + i + 1, (size_t)(argc - i - 1),
                                  flags, &c, &err);
    if (st)
        fatal("merge: %s", err.message[0] ? err.message : kh_strerror(st));
    if (!quiet)
        fprintf(stderr, "khaldun: %d store%s merged into %s: %zu stories, %zu events, %zu "
                        "mentions\n", argc - i - 1, argc - i - 1 == 1 ? "" : "s", out, c.stories,
                c.events, c.mentions);
    return EXIT_OK;
}
