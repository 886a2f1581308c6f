/*
 * tabari.c: stage 1 back end for TABARI record files (the format of the
 * TABARI validation suite). A record is a header line "YYMMDD id" (or
 * YYYYMMDD; the date and id separated by blanks or '*'), then its text
 * lines, then a blank line. Outside records, lines starting with '#' are
 * comments. Inside a record, comment blocks (slash-star to star-slash) hold
 * the expected codings;
 * they are kept out of the story: the text ends where the last text before
 * a comment ends, and units never cover a comment. A comment left open
 * (the suite has some) ends with its record, at the blank line.
 *
 * The story text is the input's bytes from the first text line (raw = 1);
 * the record's date is the story's date, its id the story's id.
 */
#include "read/read.h"

/* The record state. */
typedef struct tabari_state {
    int in_record;
    int bad;             /* the record is being rejected */
    int in_comment;      /* inside a comment block of the current record */
    size_t rec_line;     /* line of the "YYMMDD id" header */
    size_t text_line;    /* line of the first text line */
    uint64_t text_off;   /* input offset of the first text byte */
    int has_text;
    char id[128];
    kh_date date;
    int has_date;
    int stray;           /* a stray line outside records was reported */
    /* comment spans in the story buffer, kept out of the units; capped */
    kh_span *comments;
    size_t n_comments, cap_comments;
} tabari_state;

static int tabari_header(const char *p, size_t len)
{
    size_t i = 0;
    while (i < len && kh_is_digit((unsigned char)p[i]))
        i++;
    if (i < 6 || i > 10)
        return 0;
    size_t j = i;
    while (j < len && (p[j] == ' ' || p[j] == '\t' || p[j] == '*'))
        j++;
    if (j == i || j == len)
        return 0;
    return !kh_is_space((unsigned char)p[j]);
}

static void start_record(kh_reader *r, const kh_line *ln)
{
    tabari_state *ts = (tabari_state *)r->state;
    const char *p = ln->p;
    size_t len = ln->len, i = 0;
    while (i < len && kh_is_digit((unsigned char)p[i]))
        i++;
    ts->in_record = 1;
    ts->bad = 0;
    ts->in_comment = 0;
    ts->rec_line = ln->no;
    ts->has_text = 0;
    ts->n_comments = 0;
    ts->stray = 0;
    ts->has_date = 0;
    memset(&ts->date, 0, sizeof ts->date);
    if (i == 6 || i == 8) {
        if (kh_date_parse(p, i, &ts->date) == KH_OK)
            ts->has_date = 1;
    }
    if (!ts->has_date)
        kh_read_diag(r, KH_SEV_WARNING, KH_ERR_FORMAT, ln->no,
                     "record date '%.*s' is not YYMMDD or YYYYMMDD; using the default date",
                     (int)(i > 16 ? 16 : i), p);
    size_t j = i;
    while (j < len && (p[j] == ' ' || p[j] == '\t' || p[j] == '*'))
        j++;
    size_t k = j;
    while (k < len && !kh_is_space((unsigned char)p[k]))
        k++;
    size_t n = k - j;
    if (n >= sizeof ts->id)
        n = sizeof ts->id - 1;
    memcpy(ts->id, p + j, n);
    ts->id[n] = '\0';
    kh_buf_clear(&r->story);
}

static kh_status add_comment(kh_reader *r, size_t off)
{
    tabari_state *ts = (tabari_state *)r->state;
    kh_status st = kh_array_reserve(r->alloc, (void **)&ts->comments, &ts->cap_comments,
                                    ts->n_comments + 1, sizeof *ts->comments);
    if (st)
        return st;
    ts->comments[ts->n_comments].off = off;
    ts->comments[ts->n_comments].len = 0;
    ts->n_comments++;
    return KH_OK;
}

/* Appends a text line and tracks the comment blocks in it. */
static kh_status add_line(kh_reader *r, const kh_line *ln)
{
    tabari_state *ts = (tabari_state *)r->state;
    size_t base = r->story.len;
    if (!ts->has_text) {
        ts->has_text = 1;
        ts->text_line = ln->no;
        ts->text_off = ln->off;
    }
    kh_status st = kh_buf_append(&r->story, ln->p, ln->full);
    if (st == KH_ERR_LIMIT) {
        kh_read_reject(r, ts->rec_line, "record too large (more than %zu bytes), record skipped",
                       r->opt.limits.max_story);
        ts->bad = 1;
        return KH_OK;
    }
    if (st)
        return st;
    const char *p = ln->p;
    size_t i = 0;
    while (i < ln->len) {
        if (ts->in_comment) {
            const char *e = NULL;
            for (size_t k = i; k + 1 < ln->len; k++) {
                if (p[k] == '*' && p[k + 1] == '/') {
                    e = p + k;
                    break;
                }
            }
            if (!e)
                break;
            i = (size_t)(e - p) + 2;
            ts->in_comment = 0;
            kh_span *c = &ts->comments[ts->n_comments - 1];
            c->len = base + i - c->off;
        } else {
            size_t k = i;
            while (k + 1 < ln->len && !(p[k] == '/' && p[k + 1] == '*'))
                k++;
            if (k + 1 >= ln->len)
                break;
            st = add_comment(r, base + k);
            if (st)
                return st;
            ts->in_comment = 1;
            i = k + 2;
        }
    }
    if (ts->in_comment) {
        kh_span *c = &ts->comments[ts->n_comments - 1];
        c->len = r->story.len - c->off;
    }
    return KH_OK;
}

/* A unit of the text between comments; a piece with no letter or digit
 * (the suite has "* /    :") is no text. */
static void push_unit(kh_unit *u, size_t *n, const char *t, size_t a, size_t b)
{
    while (a < b && kh_is_space((unsigned char)t[a]))
        a++;
    while (b > a && kh_is_space((unsigned char)t[b - 1]))
        b--;
    int alnum = 0;
    for (size_t i = a; i < b && !alnum; i++)
        alnum = kh_is_alpha((unsigned char)t[i]) || kh_is_digit((unsigned char)t[i]) ||
                (unsigned char)t[i] >= 0x80;
    if (alnum) {
        u[*n].kind = KH_UNIT_BODY;
        u[*n].span.off = a;
        u[*n].span.len = b - a;
        (*n)++;
    }
}

static kh_status end_record(kh_reader *r)
{
    tabari_state *ts = (tabari_state *)r->state;
    ts->in_record = 0;
    if (ts->bad)
        return KH_OK;
    const char *t = r->story.data ? r->story.data : "";
    size_t len = r->story.len;
    /* units: the text between comment blocks */
    kh_unit *units = (kh_unit *)kh_arena_alloc(&r->arena, (ts->n_comments + 1) * sizeof(kh_unit));
    if (!units)
        return r->status = KH_ERR_NOMEM;
    size_t nu = 0, pos = 0;
    for (size_t c = 0; c < ts->n_comments; c++) {
        push_unit(units, &nu, t, pos, ts->comments[c].off);
        pos = ts->comments[c].off + ts->comments[c].len;
    }
    push_unit(units, &nu, t, pos, len);
    size_t end = nu ? units[nu - 1].span.off + units[nu - 1].span.len : 0;
    char saved = r->story.data ? r->story.data[end] : 0;
    if (r->story.data)
        r->story.data[end] = '\0';
    kh_story s;
    memset(&s, 0, sizeof s);
    s.id = ts->id[0] ? ts->id : NULL;
    s.line = ts->rec_line;
    s.input_offset = ts->has_text ? ts->text_off : 0;
    s.raw = 1;
    if (ts->has_date)
        s.date = ts->date;
    kh_clean_in in;
    memset(&in, 0, sizeof in);
    in.text = t;
    in.len = end;
    in.units = units;
    in.n_units = nu;
    kh_status st = kh_read_emit(r, &s, &in);
    if (r->story.data)
        r->story.data[end] = saved;
    kh_buf_clear(&r->story);
    return st;
}

static kh_status tabari_line(kh_reader *r, const kh_line *ln)
{
    tabari_state *ts = (tabari_state *)r->state;
    int blank = 1;
    for (size_t i = 0; i < ln->len && blank; i++)
        blank = kh_is_space((unsigned char)ln->p[i]);
    if (!ts->in_record) {
        if (blank || ln->p[0] == '#')
            return KH_OK;
        if (tabari_header(ln->p, ln->len)) {
            start_record(r, ln);
            return KH_OK;
        }
        if (!ts->stray) {
            ts->stray = 1;
            kh_read_diag(r, KH_SEV_WARNING, KH_ERR_FORMAT, ln->no,
                         "text outside a TABARI record (no \"YYMMDD id\" line before it), ignored");
        }
        return KH_OK;
    }
    if (blank)
        return end_record(r);
    if (ts->bad)
        return KH_OK;
    return add_line(r, ln);
}

static kh_status tabari_drop(kh_reader *r, size_t no)
{
    tabari_state *ts = (tabari_state *)r->state;
    KH_UNUSED(no);
    if (ts->in_record)
        ts->bad = 1; /* already counted as rejected */
    return KH_OK;
}

static kh_status tabari_finish(kh_reader *r)
{
    if (((tabari_state *)r->state)->in_record)
        return end_record(r);
    return KH_OK;
}

static void tabari_close(kh_reader *r)
{
    tabari_state *ts = (tabari_state *)r->state;
    kh_free(r->alloc, ts->comments);
    ts->comments = NULL;
}

/* Detected by a record header on the first line (which must be whole). */
static int tabari_detect(const char *p, size_t n, int final)
{
    const char *nl = (const char *)memchr(p, '\n', n);
    if (!nl && !final)
        return KH_DETECT_MORE;
    return tabari_header(p, nl ? (size_t)(nl - p) : n) ? KH_DETECT_YES : KH_DETECT_NO;
}

const kh_read_format kh_read_tabari = {
    KH_INPUT_TABARI, "tabari", NULL, tabari_detect, sizeof(tabari_state),
    NULL, tabari_line, tabari_drop, tabari_finish, tabari_close,
};
