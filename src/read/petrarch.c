/*
 * petrarch.c: stage 1 back end for PETRARCH XML (the format of the PETRARCH
 * unit-test records): <Sentence date="19950101" id="DEMO-01" ...> elements,
 * each with a <Text> child whose content is the story; <Parse>,
 * <EventCoding> and everything else are skipped. A small streaming scanner,
 * not a validating XML parser: it is fed line by line (the reader's lines),
 * keeps one tag at a time (capped at 64 KiB), and decodes the five named
 * entities and &#NN; / &#xNN; in text and attribute values (an unknown or
 * broken entity is kept as written). Comments, CDATA, processing
 * instructions and DOCTYPE are understood well enough to be skipped (CDATA
 * inside <Text> is text).
 *
 * The story text is the decoded <Text> content, trimmed (raw = 0); units
 * are its paragraphs. A <Sentence> left open at a new <Sentence> or at the
 * end of input, or without a <Text>, is rejected with a diagnostic naming
 * its line.
 */
#include "read/read.h"

/* The scanner's state. */
typedef enum xml_mode {
    XML_CONTENT = 0, /* between tags */
    XML_TAG,         /* inside <...>, collecting the tag */
    XML_COMMENT,     /* inside <!-- ... --> */
    XML_CDATA,       /* inside <![CDATA[ ... ]]> */
    XML_PI           /* inside <? ... ?> or <!DOCTYPE ...> */
} xml_mode;

typedef struct xml_state {
    xml_mode mode;
    char quote;          /* inside a quoted attribute value in a tag, else 0 */
    int tag_overflow;    /* the tag outgrew its buffer: ignore it */
    int end_match;       /* bytes of the closing "-->" / "]]>" / "?>" seen */
    int in_sentence;     /* between <Sentence> and </Sentence> */
    int in_text;         /* between <Text> and </Text> */
    int had_text;        /* the current sentence had a <Text> */
    int bad;             /* the current sentence is being rejected */
    size_t sent_line;    /* line of the current <Sentence> */
    size_t ent_len;      /* bytes of a pending &entity; */
    char ent[16];
    kh_buf tag;          /* the tag being collected (capped) */
    char *id;            /* attributes of the current <Sentence> (owned) */
    kh_date date;
    int has_date;
} xml_state;

#define ATTR_MAX 256

static int name_is(const char *p, size_t len, const char *name)
{
    size_t n = strlen(name);
    return len == n && !memcmp(p, name, n);
}

/* Decodes one entity body (between & and ;) into out (4 bytes room).
 * Returns the bytes written, 0 when the entity is not known. */
static size_t decode_entity(const char *e, size_t n, char *out)
{
    if (name_is(e, n, "amp")) { out[0] = '&'; return 1; }
    if (name_is(e, n, "lt")) { out[0] = '<'; return 1; }
    if (name_is(e, n, "gt")) { out[0] = '>'; return 1; }
    if (name_is(e, n, "quot")) { out[0] = '"'; return 1; }
    if (name_is(e, n, "apos")) { out[0] = '\''; return 1; }
    if (n >= 2 && e[0] == '#') {
        uint32_t cp = 0;
        size_t i = 1;
        int hex = e[1] == 'x' || e[1] == 'X';
        if (hex)
            i = 2;
        if (i == n)
            return 0;
        for (; i < n; i++) {
            unsigned char c = (unsigned char)e[i];
            uint32_t v;
            if (kh_is_digit(c))
                v = (uint32_t)(c - '0');
            else if (hex && c >= 'a' && c <= 'f')
                v = (uint32_t)(c - 'a' + 10);
            else if (hex && c >= 'A' && c <= 'F')
                v = (uint32_t)(c - 'A' + 10);
            else
                return 0;
            cp = cp * (hex ? 16u : 10u) + v;
            if (cp > 0x10FFFF)
                return 0;
        }
        if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
            cp = 0xFFFD;
        return kh_utf8_encode(cp, out);
    }
    return 0;
}

/* Decodes an attribute value into out (cap bytes, NUL-terminated). */
static void decode_value(const char *v, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < cap; i++) {
        if (v[i] == '&') {
            size_t k = i + 1;
            while (k < n && k - i <= 12 && v[k] != ';')
                k++;
            char tmp[4];
            size_t w;
            if (k < n && v[k] == ';' && (w = decode_entity(v + i + 1, k - i - 1, tmp)) > 0) {
                memcpy(out + o, tmp, w);
                o += w;
                i = k;
                continue;
            }
        }
        out[o++] = v[i];
    }
    out[o] = '\0';
}

/* Finds attribute `name` in a start tag; returns 1 and decodes it. */
static int get_attr(const char *t, size_t n, const char *name, char *out, size_t cap)
{
    size_t i = 0;
    while (i < n && !kh_is_space((unsigned char)t[i]))
        i++; /* the element name */
    while (i < n) {
        while (i < n && (kh_is_space((unsigned char)t[i]) || t[i] == '/'))
            i++;
        size_t a = i;
        while (i < n && t[i] != '=' && !kh_is_space((unsigned char)t[i]))
            i++;
        size_t an = i - a;
        while (i < n && kh_is_space((unsigned char)t[i]))
            i++;
        if (i >= n || t[i] != '=') {
            if (i == a)
                i++;
            continue;
        }
        i++;
        while (i < n && kh_is_space((unsigned char)t[i]))
            i++;
        if (i >= n)
            break;
        size_t vs, ve;
        if (t[i] == '"' || t[i] == '\'') {
            char q = t[i++];
            vs = i;
            while (i < n && t[i] != q)
                i++;
            ve = i;
            if (i < n)
                i++;
        } else {
            vs = i;
            while (i < n && !kh_is_space((unsigned char)t[i]))
                i++;
            ve = i;
        }
        if (name_is(t + a, an, name)) {
            decode_value(t + vs, ve - vs, out, cap);
            return 1;
        }
    }
    return 0;
}

static kh_status text_bytes(kh_reader *r, const char *p, size_t n)
{
    xml_state *x = (xml_state *)r->state;
    if (!x->in_text || x->bad || !n)
        return KH_OK;
    kh_status st = kh_buf_append(&r->story, p, n);
    if (st == KH_ERR_LIMIT) {
        kh_read_reject(r, x->sent_line, "<Sentence> text too large (more than %zu bytes), record skipped",
                       r->opt.limits.max_story);
        x->bad = 1;
        return KH_OK;
    }
    return st;
}

static kh_status flush_entity(kh_reader *r)
{
    xml_state *x = (xml_state *)r->state;
    size_t n = x->ent_len;
    x->ent_len = 0;
    return text_bytes(r, x->ent, n);
}

static kh_status end_sentence(kh_reader *r)
{
    xml_state *x = (xml_state *)r->state;
    x->in_sentence = 0;
    x->in_text = 0;
    kh_status st = KH_OK;
    if (x->bad) {
        /* already reported */
    } else if (!x->had_text) {
        kh_read_reject(r, x->sent_line, "<Sentence> without <Text>, record skipped");
    } else {
        char *t = r->story.data ? r->story.data : (char *)"";
        size_t a = 0, b = r->story.len;
        while (a < b && kh_is_space((unsigned char)t[a]))
            a++;
        while (b > a && kh_is_space((unsigned char)t[b - 1]))
            b--;
        if (r->story.data)
            t[b] = '\0';
        kh_story s;
        memset(&s, 0, sizeof s);
        s.id = x->id && x->id[0] ? x->id : NULL;
        s.line = x->sent_line;
        s.raw = 0;
        if (x->has_date)
            s.date = x->date;
        kh_clean_in in;
        memset(&in, 0, sizeof in);
        in.text = t + a;
        in.len = b - a;
        in.flags = 0;
        st = kh_read_emit(r, &s, &in);
    }
    kh_buf_clear(&r->story);
    return st;
}

static kh_status start_sentence(kh_reader *r, const char *t, size_t n, size_t no)
{
    xml_state *x = (xml_state *)r->state;
    kh_status st = KH_OK;
    if (x->in_sentence) {
        if (!x->bad)
            kh_read_reject(r, x->sent_line, "<Sentence> not closed before the next one, record skipped");
        x->bad = 1;
        st = end_sentence(r);
        if (st)
            return st;
    }
    x->in_sentence = 1;
    x->in_text = 0;
    x->had_text = 0;
    x->bad = 0;
    x->sent_line = no;
    x->has_date = 0;
    kh_buf_clear(&r->story);
    char val[ATTR_MAX];
    if (!x->id) {
        x->id = (char *)kh_malloc(r->alloc, ATTR_MAX);
        if (!x->id)
            return r->status = KH_ERR_NOMEM;
    }
    x->id[0] = '\0';
    if (get_attr(t, n, "id", val, sizeof val))
        memcpy(x->id, val, strlen(val) + 1);
    if (get_attr(t, n, "date", val, sizeof val)) {
        if (kh_date_parse(val, strlen(val), &x->date) == KH_OK)
            x->has_date = 1;
        else
            kh_read_diag(r, KH_SEV_WARNING, KH_ERR_FORMAT, no,
                         "<Sentence> date '%.40s' is not a date; using the default date", val);
    }
    return KH_OK;
}

/* A complete tag (between < and >). */
static kh_status on_tag(kh_reader *r, size_t no)
{
    xml_state *x = (xml_state *)r->state;
    const char *t = x->tag.data ? x->tag.data : "";
    size_t n = x->tag.len;
    if (x->tag_overflow) {
        kh_read_diag(r, KH_SEV_WARNING, KH_ERR_LIMIT, no, "XML tag longer than %zu bytes ignored",
                     x->tag.cap);
        return KH_OK;
    }
    int end = n && t[0] == '/';
    size_t a = end ? 1 : 0, b = a;
    while (b < n && !kh_is_space((unsigned char)t[b]) && t[b] != '/')
        b++;
    int self_close = n && t[n - 1] == '/';
    if (name_is(t + a, b - a, "Sentence")) {
        if (end)
            return x->in_sentence ? end_sentence(r) : KH_OK;
        kh_status st = start_sentence(r, t, n, no);
        if (!st && self_close) {
            if (!x->bad)
                kh_read_reject(r, no, "<Sentence> without <Text>, record skipped");
            x->in_sentence = 0;
        }
        return st;
    }
    if (name_is(t + a, b - a, "Text") && x->in_sentence) {
        if (end) {
            x->in_text = 0;
        } else if (!self_close) {
            if (x->had_text) {
                x->in_text = 1; /* a second <Text> continues the first */
                return text_bytes(r, "\n\n", 2);
            }
            x->in_text = 1;
            x->had_text = 1;
        }
    }
    return KH_OK;
}

/* One byte c of an entity being collected in x->ent. ';' ends it: decoded
 * into text, or kept as written when unknown. '&', '<', a space or a full
 * buffer end it as written, and c is then not taken (*taken = 0) but read
 * afresh; any other byte joins the entity. */
static kh_status entity_byte(kh_reader *r, char c, int *taken)
{
    xml_state *x = (xml_state *)r->state;
    *taken = 1;
    if (c == ';') {
        char tmp[4];
        size_t w = decode_entity(x->ent + 1, x->ent_len - 1, tmp);
        if (w) {
            x->ent_len = 0;
            return text_bytes(r, tmp, w);
        }
        x->ent[x->ent_len++] = c;
        return flush_entity(r);
    }
    if (c == '&' || c == '<' || kh_is_space((unsigned char)c) || x->ent_len + 1 >= sizeof x->ent) {
        *taken = 0;
        return flush_entity(r);
    }
    x->ent[x->ent_len++] = c;
    return KH_OK;
}

/* Content between tags, from p[*i] (i < n): a byte of an entity, the '<'
 * that opens a tag, the '&' that opens an entity, or a run of plain text up
 * to the next of those. Moves *i past what it took. */
static kh_status content_bytes(kh_reader *r, const char *p, size_t n, size_t *i)
{
    xml_state *x = (xml_state *)r->state;
    char c = p[*i];
    if (x->ent_len) {
        int taken;
        kh_status st = entity_byte(r, c, &taken);
        *i += (size_t)taken;
        return st;
    }
    if (c == '<') {
        x->mode = XML_TAG;
        x->quote = 0;
        x->tag_overflow = 0;
        kh_buf_clear(&x->tag);
        (*i)++;
        return KH_OK;
    }
    if (c == '&') {
        x->ent[0] = '&';
        x->ent_len = 1;
        (*i)++;
        return KH_OK;
    }
    size_t k = *i;
    while (k < n && p[k] != '<' && p[k] != '&')
        k++;
    kh_status st = text_bytes(r, p + *i, k - *i);
    *i = k;
    return st;
}

/* One byte c inside <...> on line no: '>' outside quotes completes the tag
 * (on_tag); any other byte joins it (quotes tracked, except in <!...> and
 * <?...>), and a tag that turns out to open a comment, a CDATA section or a
 * processing instruction switches to that mode. */
static kh_status tag_byte(kh_reader *r, char c, size_t no)
{
    xml_state *x = (xml_state *)r->state;
    if (x->quote) {
        if (c == x->quote)
            x->quote = 0;
    } else if (c == '>') {
        x->mode = XML_CONTENT;
        return on_tag(r, no);
    } else if ((c == '"' || c == '\'') && x->tag.len && x->tag.data[0] != '!' &&
               x->tag.data[0] != '?') {
        x->quote = c;
    }
    if (!x->tag_overflow && kh_buf_append(&x->tag, &c, 1) != KH_OK)
        x->tag_overflow = 1;
    if (!x->tag_overflow) {
        const char *t = x->tag.data;
        size_t tl = x->tag.len;
        if (tl == 3 && !memcmp(t, "!--", 3)) {
            x->mode = XML_COMMENT;
            x->end_match = 0;
        } else if (tl == 8 && !memcmp(t, "![CDATA[", 8)) {
            x->mode = XML_CDATA;
            x->end_match = 0;
        } else if (tl == 1 && t[0] == '?') {
            x->mode = XML_PI;
            x->end_match = 0;
        }
    }
    return KH_OK;
}

/* One byte c inside <!-- ... -->: "-->" ends the comment. */
static void comment_byte(xml_state *x, char c)
{
    if (c == '-')
        x->end_match = x->end_match < 2 ? x->end_match + 1 : 2;
    else if (c == '>' && x->end_match == 2)
        x->mode = XML_CONTENT;
    else
        x->end_match = 0;
}

/* One byte c inside <![CDATA[ ... ]]>: "]]>" ends the section; every other
 * byte, and a "]" or "]]" that turned out not to end it, is text. */
static kh_status cdata_byte(kh_reader *r, char c)
{
    xml_state *x = (xml_state *)r->state;
    kh_status st = KH_OK;
    if (c == ']') {
        if (x->end_match == 2)
            st = text_bytes(r, "]", 1); /* "]]]": the first is text */
        else
            x->end_match++;
    } else if (c == '>' && x->end_match == 2) {
        x->mode = XML_CONTENT;
        x->end_match = 0;
    } else {
        if (x->end_match)
            st = text_bytes(r, "]]", (size_t)x->end_match);
        x->end_match = 0;
        if (!st)
            st = text_bytes(r, &c, 1);
    }
    return st;
}

/* One byte c inside <? ... ?> or <!DOCTYPE ...>: "?>" ends it. */
static void pi_byte(xml_state *x, char c)
{
    if (c == '>' && x->end_match)
        x->mode = XML_CONTENT;
    x->end_match = c == '?';
}

/* Runs the scanner over p[0..n) of line no, in the mode it is in. */
static kh_status scan(kh_reader *r, const char *p, size_t n, size_t no)
{
    xml_state *x = (xml_state *)r->state;
    kh_status st = KH_OK;
    size_t i = 0;
    while (i < n && !st) {
        switch (x->mode) {
        case XML_CONTENT:
            st = content_bytes(r, p, n, &i);
            continue;
        case XML_TAG:
            st = tag_byte(r, p[i], no);
            break;
        case XML_COMMENT:
            comment_byte(x, p[i]);
            break;
        case XML_CDATA:
            st = cdata_byte(r, p[i]);
            break;
        case XML_PI:
            pi_byte(x, p[i]);
            break;
        }
        i++;
    }
    return st;
}

static kh_status xml_line(kh_reader *r, const kh_line *ln)
{
    kh_status st = scan(r, ln->p, ln->len, ln->no);
    if (!st && ln->full > ln->len)
        st = scan(r, "\n", 1, ln->no);
    return st;
}

static kh_status xml_drop(kh_reader *r, size_t no)
{
    xml_state *x = (xml_state *)r->state;
    KH_UNUSED(no);
    if (x->in_sentence)
        x->bad = 1; /* already counted as rejected */
    x->mode = XML_CONTENT;
    x->ent_len = 0;
    return KH_OK;
}

static kh_status xml_finish(kh_reader *r)
{
    xml_state *x = (xml_state *)r->state;
    kh_status st = KH_OK;
    if (x->ent_len)
        st = flush_entity(r);
    if (!st && x->in_sentence) {
        if (!x->bad)
            kh_read_reject(r, x->sent_line, "<Sentence> not closed at the end of input, record skipped");
        x->bad = 1;
        st = end_sentence(r);
    }
    return st;
}

static kh_status xml_open(kh_reader *r)
{
    kh_buf_init(&((xml_state *)r->state)->tag, r->alloc, 64u << 10);
    return KH_OK;
}

static void xml_close(kh_reader *r)
{
    xml_state *x = (xml_state *)r->state;
    kh_buf_free(&x->tag);
    kh_free(r->alloc, x->id);
    x->id = NULL;
}

/* Detected by a <Sentence> element in the held bytes, when they start with
 * a tag. */
static int xml_detect(const char *p, size_t n, int final)
{
    if (!n || p[0] != '<')
        return KH_DETECT_NO;
    for (size_t i = 0; i + 9 <= n; i++)
        if (!memcmp(p + i, "<Sentence", 9))
            return KH_DETECT_YES;
    return final ? KH_DETECT_NO : KH_DETECT_MORE;
}

static const char *const xml_aliases[] = {"xml", NULL};

const kh_read_format kh_read_petrarch = {
    KH_INPUT_PETRARCH, "petrarch", xml_aliases, xml_detect, sizeof(xml_state),
    xml_open, xml_line, xml_drop, xml_finish, xml_close,
};
