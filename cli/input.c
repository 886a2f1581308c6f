/*
 * input.c: the CLI's one reading loop: options every reading subcommand
 * shares (--input, --date, --max-line), and feeding files or standard input
 * to a kh_reader in fixed-size chunks so memory stays bounded whatever the
 * size of the input, counting bytes for the progress line when asked, and
 * passing on only the stories of one shard with --shard I/N.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CHUNK (256u << 10)

void cli_operand_defer(int argc, char **argv, int i, int *end)
{
    char *op = argv[i];
    memmove(argv + i, argv + i + 1, (size_t)(argc - i - 1) * sizeof *argv);
    argv[argc - 1] = op;
    (*end)--;
}

static void reverse(char **v, int from, int to)
{
    for (to--; from < to; from++, to--) {
        char *t = v[from];
        v[from] = v[to];
        v[to] = t;
    }
}

void cli_operands_rest(int argc, char **argv, int i, int *end)
{
    /* argv[i+1..end) came after "--", argv[end..argc) were deferred before it:
     * rotate the deferred ones first. */
    reverse(argv, i + 1, *end);
    reverse(argv, *end, argc);
    reverse(argv, i + 1, argc);
    *end = i + 1;
}

void cli_input_init(cli_input *in)
{
    memset(in, 0, sizeof *in);
    in->read.format = KH_INPUT_AUTO;
    in->read.diag = cli_diag_print;
    in->read.diag_ctx = &in->diag;
}

static size_t parse_size(const char *s, const char *usage, const char *opt)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || v == 0)
        usage_error(usage, "%s wants a positive number, not '%s'", opt, s);
    if (*end == 'k' || *end == 'K') { v <<= 10; end++; }
    else if (*end == 'm' || *end == 'M') { v <<= 20; end++; }
    else if (*end == 'g' || *end == 'G') { v <<= 30; end++; }
    if (*end)
        usage_error(usage, "%s: bad size '%s'", opt, s);
    return (size_t)v;
}

int cli_input_option(cli_input *in, int argc, char **argv, int i, const char *usage)
{
    const char *a = argv[i];
    if (!strcmp(a, "--shard")) {
        if (i + 1 >= argc)
            usage_error(usage, "--shard needs I/N");
        char *end;
        errno = 0;
        unsigned long long k = strtoull(argv[i + 1], &end, 10), n = 0;
        if (!errno && *end == '/' && end[1] >= '0' && end[1] <= '9')
            n = strtoull(end + 1, &end, 10);
        if (errno || *end || argv[i + 1][0] == '-' || k < 1 || n < 1 || k > n || n > 1000000)
            usage_error(usage, "--shard wants I/N with 1 <= I <= N (3/8: the third of eight), "
                               "not '%s'", argv[i + 1]);
        in->shard = (size_t)k - 1;
        in->shards = (size_t)n;
        return 2;
    }
    if (!strcmp(a, "--input") || !strcmp(a, "--date") || !strcmp(a, "--max-line") ||
        !strcmp(a, "--max-tokens") || !strcmp(a, "--max-sentences")) {
        if (i + 1 >= argc)
            usage_error(usage, "%s needs a value", a);
        const char *v = argv[i + 1];
        if (!strcmp(a, "--input")) {
            if (kh_input_format_parse(v, &in->read.format) != KH_OK)
                usage_error(usage, "unknown input format '%s' (auto, text, jsonl, tabari, petrarch)", v);
        } else if (!strcmp(a, "--date")) {
            if (kh_date_parse(v, strlen(v), &in->read.default_date) != KH_OK)
                usage_error(usage, "--date wants YYYY-MM-DD, not '%s'", v);
        } else if (!strcmp(a, "--max-line")) {
            in->read.limits.max_line = parse_size(v, usage, a);
        } else if (!strcmp(a, "--max-tokens")) {
            in->read.limits.max_tokens = parse_size(v, usage, a);
        } else {
            in->read.limits.max_sentences = parse_size(v, usage, a);
        }
        return 2;
    }
    return 0;
}

/* --shard: passes on the stories of the chosen shard only. */
typedef struct shard_filter {
    cli_input *in;
    kh_story_fn fn;
    void *ctx;
} shard_filter;

static kh_status shard_story(void *ctx, const kh_story *story)
{
    shard_filter *f = (shard_filter *)ctx;
    if (kh_story_shard(story, f->in->shards) != f->in->shard) {
        f->in->out_of_shard++;
        return KH_OK;
    }
    return f->fn(f->ctx, story);
}

static kh_status run_one(cli_input *in, const char *name, FILE *f, kh_story_fn fn, void *ctx)
{
    shard_filter sf = {in, fn, ctx};
    if (in->shards > 1)
        fn = shard_story, ctx = &sf;
    size_t skipped = in->out_of_shard;
    kh_reader *r = NULL;
    kh_status st = kh_reader_new(&in->read, name, &r);
    if (st)
        fatal("%s: %s", name, kh_strerror(st));
    char *buf = malloc(CHUNK);
    if (!buf)
        fatal("out of memory");
    cli_progress *p = in->progress;
    size_t n, stories = 0, rejected = 0;
    while (st == KH_OK && (n = fread(buf, 1, CHUNK, f)) > 0) {
        st = kh_reader_push(r, buf, n, fn, ctx);
        if (p && p->on) {
            p->bytes += n;
            kh_reader_counts(r, &stories, &rejected);
            p->stories = in->stories + stories - (in->out_of_shard - skipped);
            cli_progress_tick(p);
        }
    }
    if (st == KH_OK && ferror(f)) {
        warn("%s: read error: %s", name, strerror(errno));
        in->rejected++;
    }
    if (st == KH_OK)
        st = kh_reader_finish(r, fn, ctx);
    kh_reader_counts(r, &stories, &rejected);
    in->stories += stories - (in->out_of_shard - skipped); /* this shard's */
    in->rejected += rejected;
    if (p)
        p->stories = in->stories;
    kh_reader_free(r);
    free(buf);
    return st;
}

kh_status cli_input_run(cli_input *in, int nfiles, char **files, kh_story_fn fn, void *ctx)
{
    if (nfiles == 0)
        return run_one(in, "-", stdin, fn, ctx);
    for (int i = 0; i < nfiles; i++) {
        kh_status st;
        if (!strcmp(files[i], "-")) {
            st = run_one(in, "-", stdin, fn, ctx);
        } else {
            FILE *f = fopen(files[i], "rb");
            if (!f) {
                warn("%s: %s", files[i], strerror(errno));
                in->rejected++;
                continue;
            }
            st = run_one(in, files[i], f, fn, ctx);
            fclose(f);
        }
        if (st)
            return st;
    }
    return KH_OK;
}
