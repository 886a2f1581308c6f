/*
 * cmd_query.c: the analyst's side of the event store (stage 9):
 * `khaldun query` (events matching filters, as a table for people or JSON
 * Lines, CSV, GDELT TSV for programs), `khaldun stats` (counts and Goldstein
 * sums per dyad per day/week/month, top actors, top event types) and
 * `khaldun export` (the whole store, or a selection, as GDELT 2.0 Events +
 * Mentions TSV or JSON Lines with the evidence). Opens the store read-only;
 * a client of the public API only.
 */
#include <string.h>

#include "store_cli.h"

static void store_die(kh_store *s, const char *what, kh_status st)
{
    char msg[1100];
    snprintf(msg, sizeof msg, "%s", kh_store_errmsg(s));
    kh_store_close(s);
    fatal("%s: %s", what, msg[0] ? msg : kh_strerror(st));
}

/* At most `max` bytes of s, cut at a UTF-8 boundary, newlines as spaces. */
static void put_clipped(const char *s, size_t max)
{
    if (!s)
        return;
    size_t n = strlen(s);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++)
        putchar(s[i] == '\n' || s[i] == '\t' || s[i] == '\r' ? ' ' : s[i]);
    if (n < strlen(s))
        fputs("...", stdout);
}

/* ---- khaldun query ---- */

static const char query_usage[] =
    "khaldun query --db FILE [filters] [--format table|jsonl|csv|gdelt] [--evidence]";

enum { FMT_TABLE, FMT_JSONL, FMT_CSV, FMT_GDELT };

static int parse_format(const char *v, const char *usage, int table_ok)
{
    if (table_ok && !strcmp(v, "table"))
        return FMT_TABLE;
    if (!strcmp(v, "jsonl"))
        return FMT_JSONL;
    if (!strcmp(v, "csv"))
        return FMT_CSV;
    if (!strcmp(v, "gdelt"))
        return FMT_GDELT;
    usage_error(usage, "unknown format '%s'", v);
}

typedef struct query_out {
    int format;
    size_t rows;
} query_out;

static kh_status print_event(void *ctx, const kh_store_event *e)
{
    query_out *o = (query_out *)ctx;
    o->rows++;
    if (o->format == FMT_JSONL)
        return kh_store_write_event(e, KH_STORE_JSONL, cli_write_stdout, NULL);
    if (o->format == FMT_CSV)
        return kh_store_write_event(e, KH_STORE_CSV, cli_write_stdout, NULL);
    if (o->format == FMT_GDELT)
        return kh_store_write_event(e, KH_STORE_GDELT, cli_write_stdout, NULL);
    char date[16] = "-";
    if (e->date.year)
        snprintf(date, sizeof date, "%04d-%02d-%02d", e->date.year, e->date.month, e->date.day);
    printf("%-10s  %-12s  %-12s  %-4s  %d  %5.1f  %3zu  %3zu  %3zu  %-14.14s  ", date, e->source,
           e->target ? e->target : "-", e->code, e->quad, e->goldstein, e->num_mentions,
           e->num_sources, e->num_articles, e->place ? e->place->name : "-");
    put_clipped(e->text, 70);
    putchar('\n');
    return KH_OK;
}

int cmd_query(int argc, char **argv)
{
    kh_store_query q;
    memset(&q, 0, sizeof q);
    const char *db = NULL;
    int format = FMT_TABLE;
    unsigned flags = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int used;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: %s\n\n"
                   "Lists the stored events that match every filter, by date. A table for\n"
                   "people (date, source, target, code, QuadClass, Goldstein, NumMentions,\n"
                   "NumSources, NumArticles, place, first evidence sentence), or JSON Lines,\n"
                   "CSV or GDELT 2.0 Events TSV for programs.\n\n"
                   "options:\n"
                   "  --db FILE         the event store (required)\n"
                   "  --format F        table (default), jsonl, csv, gdelt\n"
                   "  --evidence        with jsonl: every mention (story, sentence, spans)\n\n%s",
                   query_usage, store_filter_help);
            return EXIT_OK;
        } else if (!strcmp(a, "--db")) {
            if (++i >= argc)
                usage_error(query_usage, "--db needs a file");
            db = argv[i];
        } else if (!strcmp(a, "--format")) {
            if (++i >= argc)
                usage_error(query_usage, "--format needs a value");
            format = parse_format(argv[i], query_usage, 1);
        } else if (!strcmp(a, "--evidence")) {
            flags |= KH_QUERY_MENTIONS;
        } else if ((used = store_query_option(&q, argc, argv, i, query_usage)) > 0) {
            i += used - 1;
        } else {
            usage_error(query_usage, "unknown argument '%s'", a);
        }
    }
    if (!db)
        usage_error(query_usage, "--db FILE is required");
    kh_store *s = store_open_or_die(db, KH_STORE_READONLY);
    query_out o = {format, 0};
    if (format == FMT_TABLE)
        printf("%-10s  %-12s  %-12s  %-4s  %s  %5s  %3s  %3s  %3s  %-14s  %s\n", "DATE", "SOURCE",
               "TARGET", "CODE", "Q", "GOLD", "MEN", "SRC", "ART", "PLACE", "EVIDENCE");
    if (format == FMT_CSV)
        kh_store_write_csv_header(cli_write_stdout, NULL);
    kh_status st = kh_store_query_events(s, &q, flags, print_event, &o);
    if (st)
        store_die(s, db, st);
    kh_store_close(s);
    return EXIT_OK;
}

/* ---- khaldun stats ---- */

static const char stats_usage[] =
    "khaldun stats --db FILE [--by day|week|month|year] [--top actors|codes] [filters]\n"
    "                     [--format table|jsonl|csv]";

typedef struct stats_out {
    int format;
    kh_store_group group;
} stats_out;

static kh_status print_stat(void *ctx, const kh_store_stat *r)
{
    stats_out *o = (stats_out *)ctx;
    const char *k2name = o->group == KH_GROUP_DYAD ? "target" : "name";
    if (o->format == FMT_JSONL) {
        printf("{\"period\":");
        store_json_str(r->period);
        printf(",\"%s\":", o->group == KH_GROUP_DYAD ? "source"
                           : o->group == KH_GROUP_ACTOR ? "actor" : "code");
        store_json_str(r->key);
        if (o->group != KH_GROUP_ACTOR) {
            printf(",\"%s\":", k2name);
            store_json_str(r->key2 && *r->key2 ? r->key2 : NULL);
        }
        printf(",\"events\":%zu,\"mentions\":%zu,\"goldstein\":%.1f}\n", r->events, r->mentions,
               r->goldstein);
    } else if (o->format == FMT_CSV) {
        printf("%s,%s,", r->period, r->key);
        if (o->group != KH_GROUP_ACTOR) {
            const char *k2 = r->key2 ? r->key2 : "";
            if (k2[strcspn(k2, ",\"\n")]) {
                putchar('"');
                for (const char *p = k2; *p; p++) {
                    if (*p == '"')
                        putchar('"');
                    putchar(*p);
                }
                putchar('"');
            } else {
                fputs(k2, stdout);
            }
            putchar(',');
        }
        printf("%zu,%zu,%.1f\n", r->events, r->mentions, r->goldstein);
    } else {
        printf("%-10s  %-12s  ", r->period[0] ? r->period : "all", r->key);
        if (o->group != KH_GROUP_ACTOR)
            printf("%-12s  ", r->key2 && *r->key2 ? r->key2 : "-");
        printf("%6zu  %8zu  %9.1f\n", r->events, r->mentions, r->goldstein);
    }
    return KH_OK;
}

int cmd_stats(int argc, char **argv)
{
    kh_store_query q;
    memset(&q, 0, sizeof q);
    const char *db = NULL;
    int format = FMT_TABLE;
    kh_store_group group = KH_GROUP_DYAD;
    kh_store_period period = KH_PERIOD_ALL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int used;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: %s\n\n"
                   "Aggregates the stored events that match the filters. By default one row per\n"
                   "period and directed dyad (source, target): events, mentions (sum of\n"
                   "NumMentions) and the sum of Goldstein scores, the time series analysts plot.\n"
                   "--top actors ranks actors on either side; --top codes ranks event codes\n"
                   "(20 rows unless --limit says otherwise).\n\n"
                   "options:\n"
                   "  --db FILE         the event store (required)\n"
                   "  --by P            day, week (from Monday), month, year (default: all time)\n"
                   "  --top WHAT        actors or codes\n"
                   "  --format F        table (default), jsonl, csv\n\n%s",
                   stats_usage, store_filter_help);
            return EXIT_OK;
        } else if (!strcmp(a, "--db")) {
            if (++i >= argc)
                usage_error(stats_usage, "--db needs a file");
            db = argv[i];
        } else if (!strcmp(a, "--format")) {
            if (++i >= argc)
                usage_error(stats_usage, "--format needs a value");
            format = parse_format(argv[i], stats_usage, 1);
            if (format == FMT_GDELT)
                usage_error(stats_usage, "stats has no gdelt format");
        } else if (!strcmp(a, "--by")) {
            if (++i >= argc)
                usage_error(stats_usage, "--by needs a period");
            const char *v = argv[i];
            if (!strcmp(v, "day")) period = KH_PERIOD_DAY;
            else if (!strcmp(v, "week")) period = KH_PERIOD_WEEK;
            else if (!strcmp(v, "month")) period = KH_PERIOD_MONTH;
            else if (!strcmp(v, "year")) period = KH_PERIOD_YEAR;
            else usage_error(stats_usage, "--by wants day, week, month or year, not '%s'", v);
        } else if (!strcmp(a, "--top")) {
            if (++i >= argc)
                usage_error(stats_usage, "--top needs actors or codes");
            if (!strcmp(argv[i], "actors"))
                group = KH_GROUP_ACTOR;
            else if (!strcmp(argv[i], "codes"))
                group = KH_GROUP_CODE;
            else
                usage_error(stats_usage, "--top wants actors or codes, not '%s'", argv[i]);
        } else if ((used = store_query_option(&q, argc, argv, i, stats_usage)) > 0) {
            i += used - 1;
        } else {
            usage_error(stats_usage, "unknown argument '%s'", a);
        }
    }
    if (!db)
        usage_error(stats_usage, "--db FILE is required");
    if (group != KH_GROUP_DYAD && !q.limit)
        q.limit = 20;
    kh_store *s = store_open_or_die(db, KH_STORE_READONLY);
    stats_out o = {format, group};
    const char *k1 = group == KH_GROUP_DYAD ? "source" : group == KH_GROUP_ACTOR ? "actor" : "code";
    if (format == FMT_CSV)
        printf("period,%s,%sevents,mentions,goldstein\n", k1,
               group == KH_GROUP_DYAD ? "target," : group == KH_GROUP_CODE ? "name," : "");
    else if (format == FMT_TABLE) {
        printf("%-10s  %-12s  ", "PERIOD", group == KH_GROUP_DYAD ? "SOURCE"
                                           : group == KH_GROUP_ACTOR ? "ACTOR" : "CODE");
        if (group != KH_GROUP_ACTOR)
            printf("%-12s  ", group == KH_GROUP_DYAD ? "TARGET" : "NAME");
        printf("%6s  %8s  %9s\n", "EVENTS", "MENTIONS", "GOLDSTEIN");
    }
    kh_status st = kh_store_stats(s, &q, group, period, print_stat, &o);
    if (st)
        store_die(s, db, st);
    kh_store_close(s);
    return EXIT_OK;
}

/* ---- khaldun export ---- */

static const char export_usage[] =
    "khaldun export --db FILE --format gdelt|jsonl|csv [--events FILE] [--mentions FILE] [filters]";

typedef struct export_out {
    int format;
    kh_output *events;   /* NULL: standard output */
    kh_output *mentions;
    size_t rows;
} export_out;

static kh_status export_event(void *ctx, const kh_store_event *e)
{
    export_out *o = (export_out *)ctx;
    kh_write_fn w = o->events ? kh_output_write : cli_write_stdout;
    kh_store_format f = o->format == FMT_GDELT ? KH_STORE_GDELT
                        : o->format == FMT_CSV ? KH_STORE_CSV : KH_STORE_JSONL;
    kh_status st = kh_store_write_event(e, f, w, o->events);
    if (!st && o->mentions)
        st = kh_store_write_gdelt_mentions(e, kh_output_write, o->mentions);
    o->rows++;
    return st;
}

int cmd_export(int argc, char **argv)
{
    kh_store_query q;
    memset(&q, 0, sizeof q);
    const char *db = NULL, *events_path = NULL, *mentions_path = NULL;
    int format = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int used;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: %s\n\n"
                   "Writes the stored events (all, or those matching the filters) as GDELT 2.0\n"
                   "Events TSV (61 columns, with the store's NumMentions, NumSources and\n"
                   "NumArticles) plus the Mentions table (16 columns, one row per mention), or\n"
                   "as JSON Lines with every mention as evidence, or CSV.\n\n"
                   "options:\n"
                   "  --db FILE         the event store (required)\n"
                   "  --format F        gdelt, jsonl or csv (required)\n"
                   "  --events FILE     where the events go (default: standard output)\n"
                   "  --mentions FILE   with gdelt: where the Mentions table goes\n\n%s",
                   export_usage, store_filter_help);
            return EXIT_OK;
        } else if (!strcmp(a, "--db")) {
            if (++i >= argc)
                usage_error(export_usage, "--db needs a file");
            db = argv[i];
        } else if (!strcmp(a, "--format")) {
            if (++i >= argc)
                usage_error(export_usage, "--format needs a value");
            format = parse_format(argv[i], export_usage, 0);
        } else if (!strcmp(a, "--events") || !strcmp(a, "-o")) {
            if (++i >= argc)
                usage_error(export_usage, "%s needs a file", a);
            events_path = argv[i];
        } else if (!strcmp(a, "--mentions")) {
            if (++i >= argc)
                usage_error(export_usage, "--mentions needs a file");
            mentions_path = argv[i];
        } else if ((used = store_query_option(&q, argc, argv, i, export_usage)) > 0) {
            i += used - 1;
        } else {
            usage_error(export_usage, "unknown argument '%s'", a);
        }
    }
    if (!db)
        usage_error(export_usage, "--db FILE is required");
    if (format < 0)
        usage_error(export_usage, "--format is required (gdelt, jsonl, csv)");
    if (mentions_path && format != FMT_GDELT)
        usage_error(export_usage, "--mentions goes with --format gdelt");
    kh_store *s = store_open_or_die(db, KH_STORE_READONLY);
    export_out o;
    memset(&o, 0, sizeof o);
    o.format = format;
    /* Nothing is written over the store: the outputs are refused when they
     * name it, and a file is replaced only once the export is complete. */
    store_files sf;
    store_files_of(db, &sf);
    if (events_path)
        o.events = cli_output_open(events_path, sf.list, 4, STORE_ROLE);
    else
        cli_stdout_claim();
    if (mentions_path)
        o.mentions = cli_output_open(mentions_path, sf.list, 4, STORE_ROLE);
    if (format == FMT_CSV)
        kh_store_write_csv_header(o.events ? kh_output_write : cli_write_stdout, o.events);
    unsigned flags = format == FMT_CSV ? 0u : (unsigned)KH_QUERY_MENTIONS;
    if (format == FMT_GDELT && !mentions_path)
        flags = 0;
    kh_status st = kh_store_query_events(s, &q, flags, export_event, &o);
    if (st) {
        cli_output_check(o.events);
        cli_output_check(o.mentions);
        store_die(s, db, st);
    }
    kh_store_close(s);
    cli_output_close(o.events);
    cli_output_close(o.mentions);
    return EXIT_OK;
}
