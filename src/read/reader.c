/*
 * reader.c: stage 1 of the pipeline, the front of the reader. Takes the
 * input in whatever chunks the caller has (a record may be cut anywhere:
 * inside a UTF-8 sequence, between \r and \n), detects the format from the
 * first bytes, cuts the stream into lines and hands each whole line to the
 * format's back end (text.c, jsonl.c, tabari.c, petrarch.c). Lines end
 * with \n or \r\n, or with a lone \r when the first bytes show an old Mac
 * file (decided once, with the format). Lines longer than limits.max_line
 * are never buffered: one diagnostic, then the reader skips to the next line
 * end, and gives the input up when none comes within KH_READ_GIVE_UP times
 * the limit (/dev/zero would be read forever). UTF-16 and UTF-32 text (a
 * byte order mark) is refused whole. Complete stories go through
 * kh_read_emit, which runs stage 2 (src/clean/) and calls the caller's story
 * callback; a NUL byte in a story's text becomes a space there, so that no
 * later C string (the stored evidence sentence) ends short of its spans,
 * and a lone-CR file's \r becomes \n, so stage 2 sees its paragraphs.
 *
 * Lines that lie wholly inside a chunk are handed over in place; only the
 * line that straddles two chunks is copied (into `carry`).
 */
#include <stdarg.h>
#include <stdio.h>

#include "read/read.h"

/* Bytes held for format detection; also the window of the binary check. */
#define DETECT_CAP ((size_t)64 << 10)
#define BINARY_WINDOW ((size_t)4096)

/* The format table: detection asks the rows in this order; text is the
 * fallback, never detected by itself. */
static const kh_read_format *const FORMATS[] = {&kh_read_jsonl, &kh_read_petrarch,
                                                &kh_read_tabari, &kh_read_text};

static const kh_read_format *format_of(kh_input_format id)
{
    for (size_t i = 0; i < KH_ARRAY_LEN(FORMATS); i++)
        if (FORMATS[i]->id == id)
            return FORMATS[i];
    return NULL;
}

const char *kh_input_format_name(kh_input_format format)
{
    if (format == KH_INPUT_AUTO)
        return "auto";
    const kh_read_format *f = format_of(format);
    return f ? f->name : "unknown";
}

kh_status kh_input_format_parse(const char *name, kh_input_format *out)
{
    if (!name || !out)
        return KH_ERR_INVALID;
    if (!strcmp(name, "auto")) {
        *out = KH_INPUT_AUTO;
        return KH_OK;
    }
    for (size_t i = 0; i < KH_ARRAY_LEN(FORMATS); i++) {
        const kh_read_format *f = FORMATS[i];
        int hit = !strcmp(name, f->name);
        for (const char *const *al = f->aliases; al && *al && !hit; al++)
            hit = !strcmp(name, *al);
        if (hit) {
            *out = f->id;
            return KH_OK;
        }
    }
    return KH_ERR_NOTFOUND;
}

/* ---------------------------------------------------------------------- */
/* Services for the back ends                                              */
/* ---------------------------------------------------------------------- */

static void vdiag(kh_reader *r, kh_severity sev, kh_status code, size_t line,
                  const char *fmt, va_list ap) KH_PRINTF(5, 0);
static void vdiag(kh_reader *r, kh_severity sev, kh_status code, size_t line,
                  const char *fmt, va_list ap)
{
    if (!r->opt.diag)
        return;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    kh_diag d;
    d.severity = sev;
    d.code = code;
    d.source = r->source;
    d.line = line;
    d.message = msg;
    r->opt.diag(r->opt.diag_ctx, &d);
}

void kh_read_diag(kh_reader *r, kh_severity sev, kh_status code, size_t line,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(r, sev, code, line, fmt, ap);
    va_end(ap);
}

void kh_read_reject(kh_reader *r, size_t line, const char *fmt, ...)
{
    r->rejected++;
    va_list ap;
    va_start(ap, fmt);
    vdiag(r, KH_SEV_ERROR, KH_ERR_FORMAT, line, fmt, ap);
    va_end(ap);
}

/* A copy of text[0..len) with every NUL as a space and, in a lone-CR file,
 * every \r as \n (same length, same offsets), in the story's arena; the
 * text itself when there is nothing to change. */
static const char *normalized(kh_reader *r, const char *text, size_t len)
{
    int cr = r->eol == '\r';
    if (!len || (!memchr(text, '\0', len) && !(cr && memchr(text, '\r', len))))
        return text;
    char *t = (char *)kh_arena_alloc(&r->arena, len + 1);
    if (!t)
        return NULL;
    for (size_t i = 0; i < len; i++)
        t[i] = !text[i] ? ' ' : cr && text[i] == '\r' ? '\n' : text[i];
    t[len] = '\0';
    return t;
}

kh_status kh_read_emit(kh_reader *r, kh_story *s, const kh_clean_in *in_raw)
{
    kh_clean_in in_copy = *in_raw;
    const kh_clean_in *in = &in_copy;
    in_copy.text = normalized(r, in_raw->text, in_raw->len);
    if (!in_copy.text) {
        kh_arena_reset(&r->arena);
        return r->status = KH_ERR_NOMEM;
    }
    kh_clean_out co;
    kh_status st = kh_clean(&r->arena, in, &co);
    if (st) {
        kh_arena_reset(&r->arena);
        return r->status = st;
    }
    s->source = r->source;
    if (!s->id) {
        char tmp[32];
        int n = snprintf(tmp, sizeof tmp, ":%zu", s->line);
        size_t sl = strlen(r->source);
        char *id = (char *)kh_arena_alloc(&r->arena, sl + (size_t)n + 1);
        if (!id) {
            kh_arena_reset(&r->arena);
            return r->status = KH_ERR_NOMEM;
        }
        memcpy(id, r->source, sl);
        memcpy(id + sl, tmp, (size_t)n + 1);
        s->id = id;
    }
    s->text = in->text;
    s->text_len = in->len;
    s->units = co.units;
    s->n_units = co.n_units;
    s->captions = co.captions;
    s->n_captions = co.n_captions;
    if (co.has_title && !s->title)
        s->title = kh_arena_strndup(&r->arena, in->text + co.title.off, co.title.len);
    if (co.has_dateline && !s->dateline)
        s->dateline = kh_arena_strndup(&r->arena, in->text + co.dateline.off, co.dateline.len);
    if ((co.has_title && !s->title) || (co.has_dateline && !s->dateline)) {
        kh_arena_reset(&r->arena);
        return r->status = KH_ERR_NOMEM;
    }
    if (!s->date.year)
        s->date = r->opt.default_date;
    r->stories++;
    st = r->fn ? r->fn(r->fn_ctx, s) : KH_OK;
    kh_arena_reset(&r->arena);
    if (st)
        r->status = st;
    return st;
}

/* ---------------------------------------------------------------------- */
/* Lines                                                                   */
/* ---------------------------------------------------------------------- */

/* Hands over one line: p[0..len) without its '\n'; `nl` is 1 when a '\n'
 * ended it. */
static kh_status deliver_line(kh_reader *r, const char *p, size_t len, int nl, uint64_t off)
{
    kh_line ln;
    ln.p = p;
    ln.full = len + (size_t)nl;
    ln.len = len && p[len - 1] == '\r' && r->eol == '\n' ? len - 1 : len;
    ln.off = off;
    ln.no = r->line_no;
    kh_status st = r->format->line(r, &ln);
    r->line_no++;
    return st;
}

/* The end of an over-long line: one diagnostic, and the back end hears
 * that a line of its record went missing. */
static kh_status end_skip(kh_reader *r, int nl)
{
    r->skipping = 0;
    kh_read_reject(r, r->skip_no, "line too long (%llu bytes > max %zu), record skipped",
                   (unsigned long long)r->skip_len, r->opt.limits.max_line);
    kh_status st = r->format->drop ? r->format->drop(r, r->skip_no) : KH_OK;
    if (nl)
        r->line_no++;
    return st;
}

/* No line end within KH_READ_GIVE_UP times the limit: not line-based input
 * (/dev/zero, a binary file); the rest of it is ignored. */
static kh_status give_up(kh_reader *r)
{
    r->skipping = 0;
    r->gave_up = 1;
    kh_read_reject(r, r->skip_no,
                   "line too long: no line end in %llu bytes (max %zu); the rest of the input "
                   "is not read",
                   (unsigned long long)r->skip_len, r->opt.limits.max_line);
    return r->format->drop ? r->format->drop(r, r->skip_no) : KH_OK;
}

static void start_skip(kh_reader *r, uint64_t already)
{
    r->skipping = 1;
    r->skip_len = already;
    r->skip_no = r->line_no;
}

/* Cuts p[0..n) into lines; the caller has detected the format. */
static kh_status feed(kh_reader *r, const char *p, size_t n)
{
    const size_t max_line = r->opt.limits.max_line;
    kh_status st = KH_OK;
    while (n > 0 && st == KH_OK && r->status == KH_OK && !r->gave_up) {
        const char *nl = (const char *)memchr(p, r->eol, n);
        size_t k = nl ? (size_t)(nl - p) : n; /* bytes before the line end */
        if (r->skipping) {
            r->skip_len += k;
            if (!nl) {
                r->offset += n;
                if (r->skip_len / KH_READ_GIVE_UP > max_line)
                    st = give_up(r);
                break;
            }
            r->offset += k + 1;
            p += k + 1;
            n -= k + 1;
            st = end_skip(r, 1);
            continue;
        }
        if (r->carry.len || !nl) {
            /* the line straddles chunks: collect it in carry */
            if (r->carry.len + k > max_line) {
                start_skip(r, r->carry.len);
                kh_buf_clear(&r->carry);
                continue;
            }
            if (!r->carry.len)
                r->carry_off = r->offset;
            /* the '\n' goes in too: raw back ends keep the line's bytes */
            size_t take = k + (nl ? 1 : 0);
            st = kh_buf_append(&r->carry, p, take);
            if (st)
                return r->status = st;
            r->offset += take;
            p += take;
            n -= take;
            if (nl) {
                st = deliver_line(r, r->carry.data, r->carry.len - 1, 1, r->carry_off);
                kh_buf_clear(&r->carry);
            }
            continue;
        }
        if (k > max_line) {
            start_skip(r, 0);
            continue;
        }
        uint64_t off = r->offset;
        r->offset += k + 1;
        st = deliver_line(r, p, k, 1, off);
        p += k + 1;
        n -= k + 1;
    }
    if (st && !r->status)
        r->status = st;
    return r->status;
}

/* ---------------------------------------------------------------------- */
/* Detection                                                              */
/* ---------------------------------------------------------------------- */

/* One warning when the first bytes look like binary data (many NULs, or
 * mostly bytes that are neither printable ASCII nor valid UTF-8). */
static void binary_check(kh_reader *r, const char *p, size_t n)
{
    size_t nul = 0, odd = 0;
    if (n > BINARY_WINDOW)
        n = BINARY_WINDOW;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x80) {
            if (c == 0)
                nul++;
            else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b)
                odd++;
            i++;
            continue;
        }
        uint32_t cp;
        int valid;
        size_t l = kh_utf8_decode((const unsigned char *)p + i, n - i, &cp, &valid);
        if (!valid && n - i >= 4)
            odd++;
        i += l;
    }
    int binary = nul >= 4 && nul * 64 >= n;
    if (n >= 16 && odd * 10 > n * 3)
        binary = 1;
    if (binary)
        kh_read_diag(r, KH_SEV_WARNING, KH_ERR_FORMAT, 1,
                     "binary input? (%zu NUL and %zu other non-text bytes in the first %zu); "
                     "reading it as text, line by line",
                     nul, odd, n);
    r->binary_seen = binary;
}

/* UTF-16 and UTF-32 text, known by its byte order mark: refused whole
 * (khaldun reads UTF-8; decoding it here would make every offset an offset
 * into another text than the file). Returns 1 when refused. */
static int refuse_wide(kh_reader *r, const unsigned char *p, size_t n)
{
    const char *what = NULL;
    if (n >= 4 && (!memcmp(p, "\xFF\xFE\0\0", 4) || !memcmp(p, "\0\0\xFE\xFF", 4)))
        what = "UTF-32";
    else if (n >= 2 && (!memcmp(p, "\xFF\xFE", 2) || !memcmp(p, "\xFE\xFF", 2)))
        what = "UTF-16";
    if (!what)
        return 0;
    r->gave_up = 1;
    kh_read_reject(r, 1,
                   "%s text (byte order mark %02X %02X): khaldun reads UTF-8; convert it first "
                   "(iconv -f %s -t UTF-8)",
                   what, p[0], p[1], what);
    return 1;
}

/* The line end of the input: a lone \r when lone CRs outnumber \n in the
 * first BINARY_WINDOW bytes (old Mac exports), else \n. Decided on the
 * same bytes however the input was cut into chunks (decide waits for one
 * byte past the window). */
static char line_end_of(const char *p, size_t n, int final)
{
    size_t lf = 0, cr = 0;
    size_t m = n < BINARY_WINDOW ? n : BINARY_WINDOW;
    for (size_t i = 0; i < m; i++) {
        if (p[i] == '\n')
            lf++;
        else if (p[i] == '\r' && (i + 1 < n ? p[i + 1] != '\n' : final))
            cr++;
    }
    return cr > lf ? '\r' : '\n';
}

/* A source named *.jsonl or *.ndjson is JSON Lines whatever its first line
 * holds: a line that is not an object is then an error at FILE:LINE, never
 * coded as text with its JSON. */
static int named_jsonl(const char *source)
{
    static const char *const ext[] = {".jsonl", ".ndjson"};
    size_t n = strlen(source);
    for (size_t i = 0; i < KH_ARRAY_LEN(ext); i++) {
        size_t e = strlen(ext[i]);
        if (n > e && !strcmp(source + n - e, ext[i]))
            return 1;
    }
    return 0;
}

/* Decides the format from the held bytes. Returns 1 when decided; 0 when
 * more bytes are needed (never at the end of input or with a full window). */
static int decide(kh_reader *r, int at_end)
{
    const char *p = r->detect.data ? r->detect.data : "";
    size_t n = r->detect.len;
    int final = at_end || n >= DETECT_CAP;
    if ((n >= 4 || final) && refuse_wide(r, (const unsigned char *)p, n)) {
        r->format = &kh_read_text;
        return 1;
    }
    if (n <= BINARY_WINDOW && !final)
        return 0;
    r->eol = line_end_of(p, n, final);
    if (!r->binary_checked) {
        binary_check(r, p, n);
        r->binary_checked = 1;
    }
    r->format = &kh_read_text;
    if (r->opt.format != KH_INPUT_AUTO) {
        r->format = format_of(r->opt.format);
        return 1;
    }
    if (named_jsonl(r->source)) {
        r->format = &kh_read_jsonl;
        return 1;
    }
    if (r->binary_seen)
        return 1;
    size_t i = 0;
    if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        i = 3;
    /* the first line that is neither blank nor a '#' comment */
    for (;;) {
        while (i < n && kh_is_space((unsigned char)p[i]))
            i++;
        if (i == n)
            return final;
        if (p[i] != '#')
            break;
        const char *nl = (const char *)memchr(p + i, r->eol, n - i);
        if (!nl)
            return final;
        i = (size_t)(nl - p) + 1;
    }
    for (size_t k = 0; k < KH_ARRAY_LEN(FORMATS); k++) {
        if (!FORMATS[k]->detect)
            continue;
        int d = FORMATS[k]->detect(p + i, n - i, final);
        if (d == KH_DETECT_MORE)
            return 0;
        if (d == KH_DETECT_YES) {
            r->format = FORMATS[k];
            return 1;
        }
    }
    return 1;
}

/* Once decided, replays the held bytes through the line cutter. */
static kh_status replay_detect(kh_reader *r)
{
    r->detected = 1;
    r->state = kh_calloc(r->alloc, 1, r->format->state_size);
    if (!r->state)
        return r->status = KH_ERR_NOMEM;
    kh_status st = r->format->open ? r->format->open(r) : KH_OK;
    if (!st && r->detect.len && !r->gave_up)
        st = feed(r, r->detect.data, r->detect.len);
    kh_buf_free(&r->detect);
    return st;
}

/* ---------------------------------------------------------------------- */
/* Public API                                                             */
/* ---------------------------------------------------------------------- */

kh_status kh_reader_new(const kh_read_options *options, const char *source, kh_reader **out)
{
    if (!out)
        return KH_ERR_INVALID;
    *out = NULL;
    kh_read_options opt;
    if (options)
        opt = *options;
    else
        memset(&opt, 0, sizeof opt);
    if (opt.format != KH_INPUT_AUTO && !format_of(opt.format))
        return KH_ERR_INVALID;
    kh_limits_fill(&opt.limits);
    const kh_allocator *a = opt.alloc;
    kh_reader *r = (kh_reader *)kh_calloc(a, 1, sizeof *r);
    if (!r)
        return KH_ERR_NOMEM;
    if (!source)
        source = "-";
    r->source = kh_strndup(a, source, strlen(source));
    if (!r->source) {
        kh_free(a, r);
        return KH_ERR_NOMEM;
    }
    r->alloc = a;
    r->opt = opt;
    r->line_no = 1;
    r->eol = '\n';
    kh_buf_init(&r->detect, a, DETECT_CAP);
    kh_buf_init(&r->carry, a, opt.limits.max_line + 1);
    kh_buf_init(&r->story, a, opt.limits.max_story);
    kh_arena_init(&r->arena, a, 0);
    *out = r;
    return KH_OK;
}

kh_status kh_reader_push(kh_reader *r, const char *data, size_t len, kh_story_fn fn, void *ctx)
{
    if (!r || (!data && len))
        return KH_ERR_INVALID;
    if (r->status)
        return r->status;
    if (r->finished)
        return KH_ERR_INVALID;
    r->fn = fn;
    r->fn_ctx = ctx;
    while (!r->detected && len) {
        size_t take = DETECT_CAP - r->detect.len;
        if (take > len)
            take = len;
        kh_status st = kh_buf_append(&r->detect, data, take);
        if (st)
            return r->status = st;
        data += take;
        len -= take;
        if (decide(r, 0)) {
            st = replay_detect(r);
            if (st)
                return st;
        }
    }
    if (!len)
        return r->status;
    return feed(r, data, len);
}

kh_status kh_reader_finish(kh_reader *r, kh_story_fn fn, void *ctx)
{
    if (!r)
        return KH_ERR_INVALID;
    if (r->status || r->finished)
        return r->status;
    r->fn = fn;
    r->fn_ctx = ctx;
    kh_status st = KH_OK;
    if (!r->detected) {
        if (!r->detect.len) {
            r->finished = 1;
            return KH_OK; /* an empty input: nothing, and no complaint */
        }
        decide(r, 1);
        st = replay_detect(r);
    }
    if (!st && r->skipping)
        st = end_skip(r, 0);
    if (!st && r->carry.len) {
        st = deliver_line(r, r->carry.data, r->carry.len, 0, r->carry_off);
        kh_buf_clear(&r->carry);
    }
    if (!st && !r->status && r->format->finish)
        st = r->format->finish(r);
    r->finished = 1;
    if (st && !r->status)
        r->status = st;
    return r->status;
}

int kh_reader_done(const kh_reader *r) { return r ? r->gave_up : 0; }

kh_input_format kh_reader_format(const kh_reader *r)
{
    return r && r->detected ? r->format->id : KH_INPUT_AUTO;
}

void kh_reader_counts(const kh_reader *r, size_t *stories, size_t *rejected)
{
    if (stories)
        *stories = r ? r->stories : 0;
    if (rejected)
        *rejected = r ? r->rejected : 0;
}

void kh_reader_free(kh_reader *r)
{
    if (!r)
        return;
    const kh_allocator *a = r->alloc;
    kh_buf_free(&r->detect);
    kh_buf_free(&r->carry);
    kh_buf_free(&r->story);
    if (r->format && r->state && r->format->close)
        r->format->close(r);
    kh_free(a, r->state);
    kh_arena_free(&r->arena);
    kh_free(a, r->source);
    kh_free(a, r);
}
