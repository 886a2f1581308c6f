/*
 * store_cli.c: the command line's side of the event store (stage 9):
 * opening a store (the one place the CLI does), `khaldun recode`, and the
 * filter options query, stats and export share. `khaldun code --db` goes
 * through the driver loop like every other output (cmd_code.c). A client of the
 * public API only; it prints and exits, the library does neither.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_cli.h"

const char store_filter_help[] =
    "filters (all optional; CODE* is a prefix: IRN* = IRN, IRNGOV, ...):\n"
    "  --actor CODE      either side is CODE\n"
    "  --source CODE     the source actor\n"
    "  --target CODE     the target actor\n"
    "  --dyad X,Y        X to Y or Y to X\n"
    "  --code C          event code (042, or 04*)\n"
    "  --root R          root code (01..20)\n"
    "  --quad N          QuadClass 1..4\n"
    "  --from DATE       on or after YYYY-MM-DD\n"
    "  --to DATE         on or before YYYY-MM-DD\n"
    "  --country ISO3    the event's place is in this country\n"
    "  --place NAME      the event's place (case-insensitive)\n"
    "  --text WORDS      whole words that all appear in one evidence sentence (nucl* for\n"
    "                    a prefix; case and accents ignored)\n"
    "  --limit N         at most N rows\n";

kh_store *store_open_or_die(const char *path, unsigned flags)
{
    kh_store *s = NULL;
    kh_error err;
    memset(&err, 0, sizeof err);
    kh_status st = kh_store_open(path, flags, &s, &err);
    if (st)
        fatal("%s", err.message[0] ? err.message : kh_strerror(st));
    return s;
}

void store_files_of(const char *db, store_files *f)
{
    static const char *const ext[3] = {"-wal", "-shm", "-journal"};
    f->list[0] = db;
    for (size_t i = 0; i < 3; i++) {
        snprintf(f->names[i], sizeof f->names[i], "%s%s", db, ext[i]);
        f->list[i + 1] = f->names[i];
    }
}

void store_json_str(const char *s)
{
    if (!s) {
        cli_write("null", 4);
        return;
    }
    char buf[8];
    cli_write("\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            buf[0] = '\\', buf[1] = (char)*p;
            cli_write(buf, 2);
        } else if (*p < 0x20) {
            snprintf(buf, sizeof buf, "\\u%04x", *p);
            cli_write(buf, 6);
        } else {
            cli_write((const char *)p, 1);
        }
    }
    cli_write("\"", 1);
}

static const char *code_arg(const char *v, const char *usage, const char *opt)
{
    size_t n = strlen(v);
    if (!n || n > 64)
        usage_error(usage, "%s wants an actor code, not '%s'", opt, v);
    for (size_t i = 0; i < n; i++)
        if (!((v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= '0' && v[i] <= '9') ||
              (v[i] == '*' && i == n - 1)))
            usage_error(usage, "%s: '%s' is not an actor code (A-Z, 0-9, a final *)", opt, v);
    return v;
}

int store_query_option(kh_store_query *q, int argc, char **argv, int i, const char *usage)
{
    static const char *const opts[] = {"--actor", "--source", "--target", "--dyad", "--code",
                                       "--root", "--quad", "--from", "--to", "--country",
                                       "--place", "--text", "--limit", NULL};
    const char *a = argv[i];
    size_t k = 0;
    while (opts[k] && strcmp(a, opts[k]) != 0)
        k++;
    if (!opts[k])
        return 0;
    if (i + 1 >= argc)
        usage_error(usage, "%s needs a value", a);
    char *v = argv[i + 1];
    char *end;
    switch (k) {
    case 0: q->actor = code_arg(v, usage, a); break;
    case 1: q->source = code_arg(v, usage, a); break;
    case 2: q->target = code_arg(v, usage, a); break;
    case 3: {
        char *comma = strchr(v, ',');
        if (!comma)
            usage_error(usage, "--dyad wants X,Y (two actor codes), not '%s'", v);
        *comma = '\0';
        q->dyad_a = code_arg(v, usage, a);
        q->dyad_b = code_arg(comma + 1, usage, a);
        break;
    }
    case 4:
    case 5:
        for (const char *p = v; *p; p++)
            if (!((*p >= '0' && *p <= '9') || (*p == '*' && !p[1])))
                usage_error(usage, "%s wants a CAMEO code (digits, a final *), not '%s'", a, v);
        if (!*v)
            usage_error(usage, "%s needs a value", a);
        if (k == 4)
            q->code = v;
        else
            q->root = v;
        break;
    case 6: {
        long n = strtol(v, &end, 10);
        if (*end || n < 1 || n > 4)
            usage_error(usage, "--quad wants 1, 2, 3 or 4, not '%s'", v);
        q->quad = (int)n;
        break;
    }
    case 7:
    case 8:
        if (kh_date_parse(v, strlen(v), k == 7 ? &q->from : &q->to) != KH_OK)
            usage_error(usage, "%s wants YYYY-MM-DD, not '%s'", a, v);
        break;
    case 9: q->country = v; break;
    case 10: q->place = v; break;
    case 11: q->text = v; break;
    default: {
        errno = 0;
        unsigned long long n = strtoull(v, &end, 10);
        if (errno || *end || end == v || n == 0)
            usage_error(usage, "--limit wants a positive number, not '%s'", v);
        q->limit = (size_t)n;
        break;
    }
    }
    return 2;
}

/* ---- khaldun recode ---- */

static const char recode_usage[] =
    "khaldun recode --db FILE [--dict IMAGE] [--dict-format F] [--lexicon FILE]\n"
    "                      [--date YYYY-MM-DD] [--quiet]";

int cmd_recode(int argc, char **argv)
{
    cli_models models;
    cli_models_init(&models);
    const char *db = NULL;
    int quiet = 0;
    kh_date date = {0, 0, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int used;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: %s\n\n"
                   "Re-codes every story stored in the event store with a dictionary image\n"
                   "(default: the installed one) and replaces all events and mentions with the\n"
                   "new ones in one transaction: if it fails or is killed, the store is as it\n"
                   "was. Each event and story records the new image's hash.\n\n"
                   "options:\n"
                   "  --db FILE         the event store (required)\n"
                   "  --dict FILE       the dictionary image, or sources with --dict-format\n"
                   "  --lexicon FILE    the lexicon image\n"
                   "  --date DATE       the date of every stored story whose record gave none (it\n"
                   "                    had --date, or no date): a corrected --date\n"
                   "  --quiet           no summary on standard error\n",
                   recode_usage);
            return EXIT_OK;
        } else if (!strcmp(a, "--db")) {
            if (++i >= argc)
                usage_error(recode_usage, "--db needs a file");
            db = argv[i];
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else if (!strcmp(a, "--date")) {
            if (++i >= argc || kh_date_parse(argv[i], strlen(argv[i]), &date) != KH_OK ||
                !date.day)
                usage_error(recode_usage, "--date wants YYYY-MM-DD");
        } else if ((used = cli_models_option(&models, argc, argv, i, recode_usage)) > 0) {
            i += used - 1;
        } else {
            usage_error(recode_usage, "unknown argument '%s'", a);
        }
    }
    if (!db)
        usage_error(recode_usage, "--db FILE is required");
    kh_store *s = store_open_or_die(db, 0);
    kh_store_set_default_date(s, date);
    cli_models_load(&models);
    kh_code_options opt;
    memset(&opt, 0, sizeof opt);
    opt.dict = models.dict;
    opt.lexicon = models.lexicon;
    kh_limits_default(&opt.limits);
    size_t stories = 0, events = 0, n_events = 0;
    kh_status st = kh_store_recode(s, &opt, &stories, &events);
    if (st) {
        char msg[1100];
        snprintf(msg, sizeof msg, "%s", kh_store_errmsg(s));
        kh_store_close(s);
        fatal("%s: recode failed, the store is unchanged: %s", db, msg[0] ? msg : kh_strerror(st));
    }
    kh_store_counts(s, NULL, &n_events, NULL);
    if (!quiet)
        fprintf(stderr, "khaldun: %zu stor%s re-coded with dictionary %s: %zu events coded, %zu "
                        "events stored\n",
                stories, stories == 1 ? "y" : "ies", kh_dict_hash(models.dict), events, n_events);
    kh_store_close(s);
    cli_models_free(&models);
    return EXIT_OK;
}
