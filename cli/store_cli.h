/*
 * store_cli.h: what the event store's subcommands share (cli/store_cli.c):
 * opening a store, and the filter options of query, stats and export. The CLI reaches the store through the public API only.
 */
#ifndef KH_STORE_CLI_H
#define KH_STORE_CLI_H

#include "cli.h"

/* Options that select events (--actor, --source, --target, --dyad, --code,
 * --root, --quad, --from, --to, --country, --place, --text, --limit).
 * Returns argv entries consumed, 0 when argv[i] is not one of them. */
int store_query_option(kh_store_query *q, int argc, char **argv, int i, const char *usage);

/* Opens a store or dies with its message: the one place the CLI opens a
 * store (kh_store_open checks the file before writing anything). */
kh_store *store_open_or_die(const char *path, unsigned flags);

/* The files of a store a run must never write over: FILE, FILE-wal,
 * FILE-shm, FILE-journal (list[0..3]). */
typedef struct store_files {
    char names[3][4200];
    const char *list[4];
} store_files;
void store_files_of(const char *db, store_files *f);
#define STORE_ROLE "the event store this run reads"

/* Writes a JSON string (quoted, escaped) to stdout; NULL writes null. */
void store_json_str(const char *s);

/* The help text of the filter options. */
extern const char store_filter_help[];

#endif
