/*
 * text.c: stage 1 back end for plain-text news dumps (pages scraped from
 * news sites, one or more stories a file). It finds where stories begin and
 * keeps the current story's raw bytes, so that the story text is exactly
 * the input's bytes (raw = 1) and every offset is an offset into the file;
 * stage 2 (src/clean/) then finds the headline, paragraphs, captions and
 * dateline inside it.
 *
 * Story boundaries (the rule, general, not tuned to any one file): a new
 * story starts at a non-blank line L when
 *   (a) two or more blank lines precede L and L is headline-like (see
 *       kh_clean_headline_like: short, no final period, not a credit), and
 *       L is not the current story's own headline repeated; or
 *   (b) one or more blank lines precede L, L is headline-like, and the same
 *       line already began one of the last few paragraphs of the current
 *       story (not its first line): scraped pages print the headline, the
 *       photo captions, then the headline again, so a repeated headline
 *       marks where the story began, and the boundary is placed before its
 *       first occurrence.
 * Leading blank lines are not part of a story; trailing ones are trimmed.
 * A story has no date unless options.default_date is set; its id is
 * "<source>:<line>".
 */
#include "read/read.h"

/* The story state. */
#define TEXT_RING 8
typedef struct text_state {
    int in_story;        /* a story has its first non-blank line */
    size_t start_line;   /* line of the story's first line */
    uint64_t start_off;  /* input offset of the story's first byte */
    size_t blank_run;    /* blank lines just before the current line */
    int bad;             /* the story is being rejected (too large) */
    /* the last few paragraph-first lines (trimmed offset and length in the
     * story buffer, line number, offset of the line's first byte), for the
     * repeated-headline boundary rule */
    struct {
        size_t off, len, no, line_off;
    } ring[TEXT_RING];
    size_t n_ring;
} text_state;

static void trim_span(const char *p, size_t *off, size_t *len)
{
    while (*len && kh_is_space((unsigned char)p[*off])) {
        (*off)++;
        (*len)--;
    }
    while (*len && kh_is_space((unsigned char)p[*off + *len - 1]))
        (*len)--;
}

static int is_blank(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!kh_is_space((unsigned char)p[i]))
            return 0;
    return 1;
}

/* Delivers story[0..end) (raw bytes; trailing blank lines trimmed). */
static kh_status emit(kh_reader *r, size_t end)
{
    text_state *ts = (text_state *)r->state;
    char *d = r->story.data;
    while (end && kh_is_space((unsigned char)d[end - 1]))
        end--;
    if (!end)
        return KH_OK;
    char saved = d[end];
    d[end] = '\0'; /* text must be NUL-terminated; the tail is restored below */
    kh_story s;
    memset(&s, 0, sizeof s);
    s.line = ts->start_line;
    s.input_offset = ts->start_off;
    s.raw = 1;
    kh_clean_in in;
    memset(&in, 0, sizeof in);
    in.text = d;
    in.len = end;
    in.flags = KH_CLEAN_HEADLINE | KH_CLEAN_FILTER | KH_CLEAN_INDENT;
    kh_status st = kh_read_emit(r, &s, &in);
    d[end] = saved;
    return st;
}

static void start_story(kh_reader *r, const kh_line *ln)
{
    text_state *ts = (text_state *)r->state;
    kh_buf_clear(&r->story);
    ts->in_story = 1;
    ts->bad = 0;
    ts->start_line = ln->no;
    ts->start_off = ln->off;
    ts->blank_run = 0;
    ts->n_ring = 0;
}

static kh_status add_line(kh_reader *r, const kh_line *ln)
{
    text_state *ts = (text_state *)r->state;
    kh_status st = kh_buf_append(&r->story, ln->p, ln->full);
    if (st == KH_ERR_LIMIT) {
        kh_read_reject(r, ts->start_line, "story too large (more than %zu bytes), record skipped",
                       r->opt.limits.max_story);
        ts->bad = 1;
        ts->in_story = 0;
        kh_buf_clear(&r->story);
        return KH_OK;
    }
    return st;
}

/* Is the line equal (trimmed) to story[off, off+len)? */
static int same_as(kh_reader *r, size_t off, size_t len, const char *p, size_t plen)
{
    size_t o = 0;
    trim_span(p, &o, &plen);
    return len == plen && !memcmp(r->story.data + off, p + o, len);
}

/* Rule (b): the repeated-headline boundary. Returns the ring slot of the
 * earlier occurrence, or -1. */
static long find_repeat(kh_reader *r, const kh_line *ln)
{
    text_state *ts = (text_state *)r->state;
    size_t n = ts->n_ring < TEXT_RING ? ts->n_ring : TEXT_RING;
    for (size_t k = 0; k < n; k++) {
        size_t slot = (ts->n_ring - 1 - k) % TEXT_RING;
        if (same_as(r, ts->ring[slot].off, ts->ring[slot].len, ln->p, ln->len))
            return (long)slot;
    }
    return -1;
}

static kh_status text_line(kh_reader *r, const kh_line *ln)
{
    text_state *ts = (text_state *)r->state;
    int blank = is_blank(ln->p, ln->len);
    if (ts->bad) {
        /* skipping a story that was too large, up to the next rule (a) */
        if (blank) {
            ts->blank_run++;
            return KH_OK;
        }
        if (ts->blank_run < 2 || !kh_clean_headline_like(ln->p, ln->len)) {
            ts->blank_run = 0;
            return KH_OK;
        }
        start_story(r, ln);
        return add_line(r, ln);
    }
    if (!ts->in_story) {
        if (blank)
            return KH_OK;
        start_story(r, ln);
        return add_line(r, ln);
    }
    if (blank) {
        ts->blank_run++;
        return add_line(r, ln);
    }
    size_t first_len = r->story.len;
    {
        const char *d = r->story.data;
        const char *e = (const char *)memchr(d, '\n', r->story.len);
        first_len = e ? (size_t)(e - d) : r->story.len;
    }
    if (ts->blank_run >= 1 && kh_clean_headline_like(ln->p, ln->len)) {
        size_t off0 = 0, len0 = first_len;
        trim_span(r->story.data, &off0, &len0);
        int own = same_as(r, off0, len0, ln->p, ln->len);
        if (ts->blank_run >= 2 && !own) {
            /* rule (a) */
            kh_status st = emit(r, r->story.len);
            if (st)
                return st;
            start_story(r, ln);
            return add_line(r, ln);
        }
        long slot = own ? -1 : find_repeat(r, ln);
        if (slot >= 0) {
            /* rule (b): the story before the first occurrence is done; the
             * bytes from it on become the new story */
            size_t cut = ts->ring[slot].line_off;
            size_t cut_no = ts->ring[slot].no;
            kh_status st = emit(r, cut);
            if (st)
                return st;
            size_t rest = r->story.len - cut;
            memmove(r->story.data, r->story.data + cut, rest);
            r->story.len = rest;
            r->story.data[rest] = '\0';
            ts->start_line = cut_no;
            ts->start_off += cut;
            /* keep the ring entries after the cut, rebased */
            size_t n = ts->n_ring < TEXT_RING ? ts->n_ring : TEXT_RING;
            struct { size_t off, len, no, line_off; } keep[TEXT_RING];
            size_t nk = 0;
            for (size_t k = n; k > 0; k--) {
                size_t s2 = (ts->n_ring - k) % TEXT_RING;
                if (ts->ring[s2].line_off > cut) {
                    keep[nk].off = ts->ring[s2].off - cut;
                    keep[nk].len = ts->ring[s2].len;
                    keep[nk].no = ts->ring[s2].no;
                    keep[nk].line_off = ts->ring[s2].line_off - cut;
                    nk++;
                }
            }
            for (size_t k = 0; k < nk; k++) {
                ts->ring[k].off = keep[k].off;
                ts->ring[k].len = keep[k].len;
                ts->ring[k].no = keep[k].no;
                ts->ring[k].line_off = keep[k].line_off;
            }
            ts->n_ring = nk;
        }
    }
    if (ts->blank_run >= 1) {
        /* a paragraph's first line: remember it for rule (b) */
        size_t slot = ts->n_ring % TEXT_RING;
        size_t o = 0, l = ln->len;
        trim_span(ln->p, &o, &l);
        ts->ring[slot].line_off = r->story.len;
        ts->ring[slot].off = r->story.len + o;
        ts->ring[slot].len = l;
        ts->ring[slot].no = ln->no;
        ts->n_ring++;
    }
    ts->blank_run = 0;
    return add_line(r, ln);
}

static kh_status text_drop(kh_reader *r, size_t no)
{
    /* an over-long line cuts the story: what came before is delivered, what
     * follows starts a new one (raw text must stay contiguous input) */
    text_state *ts = (text_state *)r->state;
    KH_UNUSED(no);
    kh_status st = KH_OK;
    if (ts->in_story && !ts->bad)
        st = emit(r, r->story.len);
    ts->in_story = 0;
    ts->bad = 0;
    ts->blank_run = 0;
    kh_buf_clear(&r->story);
    return st;
}

static kh_status text_finish(kh_reader *r)
{
    text_state *ts = (text_state *)r->state;
    kh_status st = KH_OK;
    if (ts->in_story && !ts->bad)
        st = emit(r, r->story.len);
    ts->in_story = 0;
    kh_buf_clear(&r->story);
    return st;
}

const kh_read_format kh_read_text = {
    KH_INPUT_TEXT, "text", NULL, NULL, sizeof(text_state),
    NULL, text_line, text_drop, text_finish, NULL,
};
