/*
 * tokenize.c: stage 4 of the pipeline, the tokenizer. Walks one unit
 * (paragraph) of a story and cuts it into tokens: slices (off, len) of the
 * story text, with a normalised form for matching and flags. Driven, like
 * sqlite's tokenize.c, by a 256-entry byte-class table and a switch; bytes
 * >= 0x80 are decoded as UTF-8 and classed by code point (cp_class), so
 * non-ASCII letters are letters and curly quotes, primes and dashes are
 * punctuation that normalises to ' " and -.
 *
 * Rules, in the order a word is scanned: URLs (http://, https://, www.) are
 * one token; letters and digits run together; a hyphen between word
 * characters stays inside (high-level, COVID-19, 2024-04-21); , : / between
 * digits of a number stay inside (1,000.50, 15:30); '.' between digits is a
 * decimal point; a single letter before '.' is an initial or a dotted
 * acronym (W., J.R.R., U.S., e.g.); a word in the abbreviation table keeps
 * its period (abbrev.c); '.' before a lower-case letter inside a word is a
 * domain (reuters.com); @ and _ join e-mail addresses. Apostrophes: 's 'm 'd
 * 're 've 'll and n't split off (Iran's -> Iran 's, don't -> do n't), a
 * trailing apostrophe after s is a plural possessive (countries'), other
 * apostrophes stay inside (O'Brien).
 *
 * The norm is built in the arena only when a token holds something to
 * normalise (curly quote, dash, ellipsis, invalid UTF-8, NUL); otherwise it
 * points into the text. Every look-ahead is bounded by the unit's end and
 * by a constant, except the skip of blanks after "No" (each blank is looked
 * at twice at most), so the work is linear in the unit's length.
 */
#include "tokens/tokens.h"

/* Byte classes. */
enum {
    C_SPC, /* whitespace and other C0 controls: separators, never tokens */
    C_UPR, C_LOW, C_DIG,
    C_DOT, /* . */
    C_APO, /* ' */
    C_DQT, /* " */
    C_HYP, /* - */
    C_NSP, /* , : / : inside numbers */
    C_JON, /* @ _ : inside e-mail addresses and identifiers */
    C_BNG, /* ! ? */
    C_OPN, /* ( [ { */
    C_CLS, /* ) ] } */
    C_PUN, /* other ASCII punctuation and symbols */
    C_HI,  /* a UTF-8 lead byte: decode */
    C_BAD  /* NUL, stray continuation bytes, bytes never valid in UTF-8 */
};

static const uint8_t cc[256] = {
    /* 00 */ C_BAD, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC,
    /* 10 */ C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC, C_SPC,
    /* 20 */ C_SPC, C_BNG, C_DQT, C_PUN, C_PUN, C_PUN, C_PUN, C_APO, C_OPN, C_CLS, C_PUN, C_PUN, C_NSP, C_HYP, C_DOT, C_NSP,
    /* 30 */ C_DIG, C_DIG, C_DIG, C_DIG, C_DIG, C_DIG, C_DIG, C_DIG, C_DIG, C_DIG, C_NSP, C_PUN, C_PUN, C_PUN, C_PUN, C_BNG,
    /* 40 */ C_JON, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR,
    /* 50 */ C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_UPR, C_OPN, C_PUN, C_CLS, C_PUN, C_JON,
    /* 60 */ C_PUN, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW,
    /* 70 */ C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_LOW, C_OPN, C_PUN, C_CLS, C_PUN, C_SPC,
    /* 80 */ C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD,
    /* 90 */ C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD,
    /* A0 */ C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD,
    /* B0 */ C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD,
    /* C0 */ C_BAD, C_BAD, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI,
    /* D0 */ C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI,
    /* E0 */ C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI, C_HI,
    /* F0 */ C_HI, C_HI, C_HI, C_HI, C_HI, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD,
};

/* Code-point classes for non-ASCII characters. */
enum {
    P_LETTER,   /* a letter without case (or one we do not case) */
    P_UPPER,
    P_LOWER,
    P_SPACE,    /* no-break and other spaces, zero-width characters, BOM */
    P_APOS,     /* ’ ʼ : apostrophe or closing single quote -> ' */
    P_OPEN1,    /* ‘ ‚ ‛ : opening single quote -> ' */
    P_PRIME1,   /* ′ -> ' */
    P_DQOPEN,   /* “ „ ‟ « -> " */
    P_DQCLOSE,  /* ” » -> " */
    P_PRIME2,   /* ″ -> " */
    P_HYPHEN,   /* ‐ ‑ : may join a compound -> - */
    P_DASH,     /* ‒ – — ― − -> - */
    P_ELLIPSIS, /* … -> ... */
    P_STOP,     /* 。 ۔ : a full stop */
    P_BANG,     /* ؟ ！ ？ */
    P_PUNCT     /* other punctuation and symbols: one token each */
};

static int cp_class(uint32_t cp)
{
    if (cp < 0x0250) {
        if (cp < 0x00C0) {
            switch (cp) {
            case 0x00A0: return P_SPACE;
            case 0x00AB: return P_DQOPEN;
            case 0x00BB: return P_DQCLOSE;
            case 0x00AA: case 0x00BA: case 0x00B5: case 0x00AD: return P_LETTER;
            default: return P_PUNCT; /* C1 controls, ¡ ¢ £ ... ¿ */
            }
        }
        if (cp == 0x00D7 || cp == 0x00F7)
            return P_PUNCT;
        if (cp <= 0x00DE)
            return P_UPPER;
        if (cp <= 0x00FF)
            return P_LOWER;
        if (cp <= 0x017F) { /* Latin Extended-A: pairs, with two shifts */
            if (cp == 0x0130) return P_UPPER;
            if (cp == 0x0131 || cp == 0x0138 || cp == 0x0149 || cp == 0x017F) return P_LOWER;
            if ((cp >= 0x0139 && cp <= 0x0148) || (cp >= 0x0179 && cp <= 0x017E))
                return (cp & 1) ? P_UPPER : P_LOWER;
            if (cp == 0x0178) return P_UPPER;
            return (cp & 1) ? P_LOWER : P_UPPER;
        }
        return P_LETTER;
    }
    if (cp < 0x2000) {
        if (cp == 0x02BC) return P_APOS;
        if (cp >= 0x0391 && cp <= 0x03A9) return P_UPPER;
        if (cp >= 0x03B1 && cp <= 0x03C9) return P_LOWER;
        if (cp >= 0x0400 && cp <= 0x042F) return P_UPPER;
        if (cp >= 0x0430 && cp <= 0x045F) return P_LOWER;
        if (cp == 0x061F) return P_BANG;
        if (cp == 0x06D4) return P_STOP;
        if (cp == 0x060C || cp == 0x061B || (cp >= 0x066A && cp <= 0x066D)) return P_PUNCT;
        if (cp == 0x1680) return P_SPACE;
        return P_LETTER;
    }
    if (cp <= 0x206F) {
        switch (cp) {
        case 0x2010: case 0x2011: return P_HYPHEN;
        case 0x2012: case 0x2013: case 0x2014: case 0x2015: return P_DASH;
        case 0x2018: case 0x201A: case 0x201B: return P_OPEN1;
        case 0x2019: return P_APOS;
        case 0x201C: case 0x201E: case 0x201F: return P_DQOPEN;
        case 0x201D: return P_DQCLOSE;
        case 0x2026: return P_ELLIPSIS;
        case 0x2032: return P_PRIME1;
        case 0x2033: return P_PRIME2;
        case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x2060: return P_SPACE;
        default:
            return cp <= 0x200D ? P_SPACE : P_PUNCT;
        }
    }
    if (cp == 0x2212) return P_DASH;
    if (cp <= 0x2BFF) return P_PUNCT; /* currency, letterlike, arrows, math, shapes */
    if (cp >= 0x2E00 && cp <= 0x2E7F) return P_PUNCT;
    if (cp == 0x3000 || cp == 0xFEFF) return P_SPACE;
    if (cp == 0x3002) return P_STOP;
    if (cp >= 0x3001 && cp <= 0x303F) return P_PUNCT;
    if (cp == 0xFF01 || cp == 0xFF1F) return P_BANG;
    if ((cp >= 0xFE10 && cp <= 0xFE6F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
        (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
        (cp >= 0xFF5B && cp <= 0xFF65) || (cp >= 0xFFF0 && cp <= 0xFFFF))
        return P_PUNCT;
    if (cp >= 0x1F000 && cp <= 0x1FAFF) return P_PUNCT; /* emoji and pictographs */
    return P_LETTER;
}

static inline int is_letter_class(int k) { return k <= P_LOWER; }

/* Decodes the character at s[p] (p < end); returns its length. */
static inline size_t decode_at(const unsigned char *s, size_t p, size_t end, uint32_t *cp, int *valid)
{
    return kh_utf8_decode(s + p, end - p, cp, valid);
}

/* 1 when s[p] (p < end) starts a letter or a digit. */
static int is_wordch(const unsigned char *s, size_t p, size_t end)
{
    int k = cc[s[p]];
    if (k == C_UPR || k == C_LOW || k == C_DIG)
        return 1;
    if (k == C_HI) {
        uint32_t cp;
        int valid;
        decode_at(s, p, end, &cp, &valid);
        return valid && is_letter_class(cp_class(cp));
    }
    return 0;
}

static inline int is_alpha(unsigned char c) { return cc[c] == C_UPR || cc[c] == C_LOW; }

/* ---- norms ---- */

/* Copies text[start..end) into the arena with quotes, apostrophes, dashes and
 * the ellipsis normalised and invalid bytes and NUL replaced by U+FFFD. */
static int build_norm(kh_tokenizer *tz, kh_token *tok, size_t start, size_t end)
{
    const unsigned char *s = tz->text;
    size_t n = end - start, size;
    if (!kh_mul_ok(n, 3, &size))
        return -1;
    char *out = (char *)kh_arena_alloc(tz->arena, size);
    if (!out)
        return -1;
    size_t o = 0;
    int replaced = 0;
    for (size_t i = start; i < end;) {
        unsigned char c = s[i];
        if (c && c < 0x80) {
            out[o++] = (char)c;
            i++;
            continue;
        }
        uint32_t cp;
        int valid;
        size_t len = c ? decode_at(s, i, end, &cp, &valid) : 1;
        if (!c || !valid) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            replaced = 1;
            i++;
            continue;
        }
        switch (cp_class(cp)) {
        case P_APOS: case P_OPEN1: case P_PRIME1:
            out[o++] = '\'';
            break;
        case P_DQOPEN: case P_DQCLOSE: case P_PRIME2:
            out[o++] = '"';
            break;
        case P_HYPHEN: case P_DASH:
            out[o++] = '-';
            break;
        case P_ELLIPSIS:
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        default:
            memcpy(out + o, s + i, len);
            o += len;
            break;
        }
        i += len;
    }
    tok->norm = out;
    tok->norm_len = (uint32_t)o;
    if (o != n || memcmp(out, s + start, n) != 0)
        tok->flags |= KH_TOK_NORMALISED;
    if (replaced)
        tok->flags |= KH_TOK_REPLACED;
    return 1;
}

/* Fills *tok for text[start..end); builds a norm when asked. */
static int emit(kh_tokenizer *tz, kh_token *tok, size_t start, size_t end, uint32_t flags,
                int needs_norm)
{
    tok->off = (uint32_t)start;
    tok->len = (uint32_t)(end - start);
    tok->flags = flags;
    tz->pos = end;
    if (!needs_norm) {
        tok->norm = (const char *)tz->text + start;
        tok->norm_len = tok->len;
        return 1;
    }
    return build_norm(tz, tok, start, end);
}

static int has_high(const unsigned char *s, size_t start, size_t end)
{
    for (size_t i = start; i < end; i++)
        if (s[i] >= 0x80 || s[i] == 0)
            return 1;
    return 0;
}

/* ---- words ---- */

/* Words whose 's is "is"/"has", not a possessive. */
static int is_pronoun_s(const unsigned char *s, size_t len)
{
    static const char *const words[] = {
        "it", "he", "she", "that", "there", "what", "who", "where", "here", "how",
        "let", "this", "when", "why", "everyone", "everybody", "someone", "somebody",
        "nobody", "nothing", "something", "everything",
    };
    for (size_t i = 0; i < KH_ARRAY_LEN(words); i++)
        if (kh_eq_nocase((const char *)s, len, words[i], strlen(words[i])))
            return 1;
    return 0;
}

static int url_prefix(const unsigned char *s, size_t n)
{
    static const char *const pre[] = {"http://", "https://", "ftp://", "www."};
    int c = kh_to_lower(s[0]);
    if (c != 'h' && c != 'f' && c != 'w')
        return 0; /* every word is asked: most answer here */
    for (size_t i = 0; i < KH_ARRAY_LEN(pre); i++) {
        size_t l = strlen(pre[i]);
        if (n > l && kh_eq_nocase((const char *)s, l, pre[i], l) && s[l] > ' ' && s[l] < 0x7F)
            return 1;
    }
    return 0;
}

static int scan_url(kh_tokenizer *tz, kh_token *tok, size_t p)
{
    const unsigned char *s = tz->text;
    size_t q = p, end = tz->end;
    while (q < end && q - p < KH_TOK_MAX_LEN) {
        unsigned char c = s[q];
        if (c > ' ' && c < 0x7F && c != '"' && c != '<' && c != '>') {
            q++;
            continue;
        }
        if (cc[c] == C_HI) {
            uint32_t cp;
            int valid;
            size_t n = decode_at(s, q, end, &cp, &valid);
            if (valid && is_letter_class(cp_class(cp))) {
                q += n;
                continue;
            }
        }
        break;
    }
    while (q > p + 4 && strchr(".,;:!?)]'", s[q - 1]))
        q--;
    int up = kh_is_upper(s[p]);
    return emit(tz, tok, p, q, KH_TOK_WORD | (up ? KH_TOK_CAP : 0u), has_high(s, p, q));
}

/* 1 when blanks and then a digit follow s[p..end). */
static int digit_follows(const unsigned char *s, size_t p, size_t end)
{
    while (p < end && (s[p] == ' ' || s[p] == '\t'))
        p++;
    return p < end && kh_is_digit(s[p]);
}

/* A word, number, URL or e-mail address being scanned by scan_word: where
 * it starts, how far it has got, and what it holds so far. */
typedef struct word_scan {
    size_t p, q;                             /* start; the next byte to look at */
    size_t n_up, n_low, n_letter, n_digit;   /* letters by case, digits */
    int needs_norm;                          /* holds something to normalise */
    int abbrev;                              /* ends in an abbreviation's period */
    int numeric;                             /* starts with a digit or '-' */
} word_scan;

/* The '.' at w->q: a decimal point, an initial or a dotted acronym (W.
 * J.R.R. U.S.S.R. e.g., with "U.S.-led" going on), a domain's dot
 * (reuters.com), or the period of an abbreviation in the table, which it
 * takes and sets info->term for. Returns 1 when the word goes on after it,
 * 0 when the word ends (w->q past a period it took). */
static int word_dot(const kh_tokenizer *tz, word_scan *w, kh_tokinfo *info)
{
    const unsigned char *s = tz->text;
    size_t end = tz->end, p = w->p, q = w->q;
    size_t wl = q - p;
    if (w->numeric && !w->n_letter && q + 1 < end && kh_is_digit(s[q + 1])) {
        w->q++; /* decimal point */
        return 1;
    }
    if (wl == 1 && is_alpha(s[p]) &&
        (kh_is_upper(s[p]) || (q + 2 < end && is_alpha(s[q + 1]) && s[q + 2] == '.'))) {
        /* initial or dotted acronym: W. J.R.R. U.S.S.R. e.g. */
        q++;
        while (q + 1 < end && is_alpha(s[q]) && s[q + 1] == '.') {
            if (kh_is_upper(s[q])) w->n_up++; else w->n_low++;
            w->n_letter++;
            q += 2;
        }
        if (q + 1 < end && s[q] == '-' && is_wordch(s, q + 1, end)) {
            w->q = q + 1; /* U.S.-led */
            return 1;
        }
        w->q = q;
        w->abbrev = 1;
        info->term = KH_TERM_ABBREV;
        return 0;
    }
    if (w->n_letter && q + 1 < end && (kh_is_lower(s[q + 1]) || kh_is_digit(s[q + 1]))) {
        w->q++; /* reuters.com, news.az */
        return 1;
    }
    if (w->n_letter && !w->numeric && wl <= 8) {
        int cls = kh_abbrev_class((const char *)s + p, wl);
        if (cls == KH_ABBR_TITLE || cls == KH_ABBR_END ||
            (cls == KH_ABBR_NUM && digit_follows(s, q + 1, end))) {
            w->q++;
            w->abbrev = 1;
            info->term = cls == KH_ABBR_END ? KH_TERM_ABBREV : KH_TERM_NONE;
        }
    }
    return 0;
}

/* The flags of the clitic that an apostrophe at q splits off the word that
 * starts at p, when the apostrophe is followed by the letters s[r..r+sl)
 * (sl <= 3) and no more word: 's (possessive, except after a pronoun),
 * 'm 'd 're 've 'll, and n't, which takes the "n" along (*split = q - 1;
 * else *split = q). 0 when it is none of those. */
static uint32_t clitic_flags(const unsigned char *s, size_t p, size_t q, size_t r, size_t sl,
                             size_t *split)
{
    int c0 = kh_to_lower(s[r]), c1 = sl > 1 ? kh_to_lower(s[r + 1]) : 0;
    uint32_t sf = 0;
    *split = q;
    if (sl == 1 && c0 == 't' && q - p >= 2 && kh_to_lower(s[q - 1]) == 'n') {
        *split = q - 1; /* do|n't, ca|n't, wo|n't */
        sf = KH_TOK_WORD;
    } else if (sl == 1 && c0 == 's') {
        sf = KH_TOK_WORD;
        if (!is_pronoun_s(s + p, q - p))
            sf |= KH_TOK_POSSESSIVE;
    } else if ((sl == 1 && (c0 == 'm' || c0 == 'd')) ||
               (sl == 2 && ((c0 == 'r' && c1 == 'e') || (c0 == 'v' && c1 == 'e') ||
                            (c0 == 'l' && c1 == 'l')))) {
        sf = KH_TOK_WORD;
    }
    return sf;
}

/* The apostrophe at w->q, alen bytes long, after letters of the word: a
 * clitic it ends the word before (Iran|'s, do|n't), which is left pending
 * in tz->sfx_* for the next call; a plural possessive after s
 * (countries'), pending likewise unless a single quote is open; else,
 * before a letter, part of the word (O'Brien, Qur'an). Returns 1 when the
 * word goes on after it. */
static int word_apostrophe(kh_tokenizer *tz, word_scan *w, size_t alen)
{
    const unsigned char *s = tz->text;
    size_t end = tz->end, p = w->p, q = w->q;
    size_t r = q + alen;
    if (q == p || !w->n_letter)
        return 0;
    if (r < end && is_alpha(s[r])) {
        size_t e = r;
        while (e < end && is_alpha(s[e]) && e - r < 3)
            e++;
        if (e >= end || !is_wordch(s, e, end)) {
            size_t split;
            uint32_t sf = clitic_flags(s, p, q, r, e - r, &split);
            if (sf) {
                tz->sfx_end = e;
                tz->sfx_flags = sf;
                tz->pos = split;
                w->q = split;
                return 0;
            }
        }
        if (alen > 1)
            w->needs_norm = 1;
        w->q = r; /* O'Brien, Qur'an */
        return 1;
    }
    if (!tz->open_single && (s[q - 1] == 's' || s[q - 1] == 'S') &&
        !(r < end && is_wordch(s, r, end))) {
        tz->sfx_end = r; /* countries' */
        tz->sfx_flags = KH_TOK_WORD | KH_TOK_POSSESSIVE;
        tz->pos = q;
    }
    return 0;
}

/* The UTF-8 character at w->q: a letter, an invalid sequence (kept, to be
 * normalised), a hyphen between word characters, or an apostrophe
 * (word_apostrophe). Returns 1 when the word goes on after it. */
static int word_high(kh_tokenizer *tz, word_scan *w)
{
    const unsigned char *s = tz->text;
    size_t end = tz->end, q = w->q;
    uint32_t cp;
    int valid;
    size_t n = decode_at(s, q, end, &cp, &valid);
    if (!valid) {
        w->needs_norm = 1;
        w->q++;
        return 1;
    }
    switch (cp_class(cp)) {
    case P_UPPER: w->n_up++; w->n_letter++; w->q += n; return 1;
    case P_LOWER: w->n_low++; w->n_letter++; w->q += n; return 1;
    case P_LETTER: w->n_letter++; w->q += n; return 1;
    case P_HYPHEN:
        if (q > w->p && q + n < end && is_wordch(s, q + n, end)) {
            w->needs_norm = 1;
            w->q += n;
            return 1;
        }
        return 0;
    case P_APOS:
        return word_apostrophe(tz, w, n);
    default:
        return 0;
    }
}

/* Takes the character at w->q into the word, or some characters from it
 * (a run of lower-case letters, an acronym's dots, an apostrophe and what
 * follows). Returns 0 when the word ends before it, or with it. */
static int word_char(kh_tokenizer *tz, word_scan *w, kh_tokinfo *info)
{
    const unsigned char *s = tz->text;
    size_t end = tz->end, p = w->p, q = w->q;
    switch (cc[s[q]]) {
    case C_UPR:
        w->n_up++;
        w->n_letter++;
        w->q++;
        return 1;
    case C_LOW: {
        size_t stop = end - p > KH_TOK_MAX_LEN ? p + KH_TOK_MAX_LEN : end;
        q++;
        while (q < stop && cc[s[q]] == C_LOW)
            q++; /* the common run: lower-case letters */
        w->n_low += q - w->q;
        w->n_letter += q - w->q;
        w->q = q;
        return 1;
    }
    case C_DIG:
        w->n_digit++;
        w->q++;
        return 1;
    case C_HYP: /* between word characters: high-level, 2024-04-21 */
        if (!(q > p && q + 1 < end && is_wordch(s, q + 1, end)))
            return 0;
        w->q++;
        return 1;
    case C_NSP: /* between the digits of a number: 1,000, 15:30 */
        if (!(w->numeric && !w->n_letter && q + 1 < end && kh_is_digit(s[q + 1])))
            return 0;
        w->q++;
        return 1;
    case C_JON: /* inside an e-mail address or an identifier */
        if (!(q > p && q + 1 < end && (is_alpha(s[q + 1]) || kh_is_digit(s[q + 1]))))
            return 0;
        w->q++;
        return 1;
    case C_BAD:
        w->needs_norm = 1;
        w->q++;
        return 1;
    case C_DOT:
        return word_dot(tz, w, info);
    case C_APO:
        return word_apostrophe(tz, w, 1);
    case C_HI:
        return word_high(tz, w);
    default:
        return 0;
    }
}

/*
 * Scans the word, number, URL or e-mail address starting at p. The first
 * character is a letter, a digit, an invalid byte, or a '-' before a digit.
 */
static int scan_word(kh_tokenizer *tz, kh_token *tok, kh_tokinfo *info, size_t p)
{
    const unsigned char *s = tz->text;
    size_t end = tz->end;
    word_scan w;
    memset(&w, 0, sizeof w);
    w.p = w.q = p;
    w.numeric = kh_is_digit(s[p]) || s[p] == '-';
    int cap = 0;

    if ((cc[s[p]] == C_LOW || cc[s[p]] == C_UPR) && url_prefix(s + p, end - p))
        return scan_url(tz, tok, p);
    if (s[p] == '-')
        w.q++;
    if (kh_is_upper(s[w.q])) {
        cap = 1;
    } else if (kh_is_lower(s[w.q])) {
        info->lower = 1;
    } else if (cc[s[w.q]] == C_HI) {
        uint32_t cp;
        int valid;
        decode_at(s, w.q, end, &cp, &valid);
        cap = valid && cp_class(cp) == P_UPPER;
        info->lower = valid && cp_class(cp) == P_LOWER;
    }
    while (w.q < end && w.q - p < KH_TOK_MAX_LEN)
        if (!word_char(tz, &w, info))
            break;
    if (w.q == p)
        w.q = p + 1; /* cannot happen: the first character is always taken */
    uint32_t flags = 0;
    if (w.n_letter)
        flags |= KH_TOK_WORD;
    else if (w.n_digit)
        flags |= KH_TOK_NUMBER;
    else
        flags |= KH_TOK_PUNCT;
    if (cap)
        flags |= KH_TOK_CAP;
    if (w.n_up && !w.n_low)
        flags |= KH_TOK_UPPER;
    if (w.abbrev)
        flags |= KH_TOK_ABBREV;
    return emit(tz, tok, p, w.q, flags, w.needs_norm);
}

/* ---- the dispatcher ---- */

void kh_tokenizer_init(kh_tokenizer *tz, const char *text, size_t start, size_t end,
                       kh_arena *arena)
{
    memset(tz, 0, sizeof *tz);
    tz->text = (const unsigned char *)text;
    tz->pos = start;
    tz->end = end;
    tz->unit_start = start;
    tz->arena = arena;
}

/* An ASCII quote is an opener after a blank, the unit start or an opening
 * bracket, else a closer. */
static int opens_here(const kh_tokenizer *tz, size_t p)
{
    if (p == tz->unit_start)
        return 1;
    int k = cc[tz->text[p - 1]];
    return k == C_SPC || k == C_OPN;
}

/* Where the next token starts: p moved past blanks, ASCII or Unicode
 * spaces; end when none is left. */
static size_t skip_blanks(const kh_tokenizer *tz, size_t p)
{
    const unsigned char *s = tz->text;
    size_t end = tz->end;
    while (p < end) {
        int k = cc[s[p]];
        if (k == C_SPC) {
            p++;
            continue;
        }
        if (k == C_HI) {
            uint32_t cp;
            int valid;
            size_t n = decode_at(s, p, end, &cp, &valid);
            if (valid && cp_class(cp) == P_SPACE) {
                p += n;
                continue;
            }
        }
        break;
    }
    return p;
}

/* The ASCII quote c (" or ') at p: an opener or a closer (opens_here);
 * single quotes are counted in tz->open_single, so that a trailing
 * apostrophe is not taken for a possessive inside one. */
static int ascii_quote(kh_tokenizer *tz, kh_token *tok, kh_tokinfo *info, size_t p, unsigned char c)
{
    if (opens_here(tz, p)) {
        info->opener = 1;
        if (c == '\'')
            tz->open_single++;
    } else {
        info->closer = 1;
        if (c == '\'' && tz->open_single)
            tz->open_single--;
    }
    return emit(tz, tok, p, p + 1, KH_TOK_PUNCT | KH_TOK_QUOTE, 0);
}

/* The token at p that starts with a UTF-8 lead byte: a word when it is a
 * letter or invalid, else one mark by its class (curly quotes and primes,
 * dashes, ellipsis, sentence ends, other punctuation), normalised when it
 * has an ASCII form. */
static int high_token(kh_tokenizer *tz, kh_token *tok, kh_tokinfo *info, size_t p)
{
    uint32_t cp;
    int valid;
    size_t n = decode_at(tz->text, p, tz->end, &cp, &valid);
    if (!valid)
        return scan_word(tz, tok, info, p);
    switch (cp_class(cp)) {
    case P_LETTER:
    case P_UPPER:
    case P_LOWER:
        return scan_word(tz, tok, info, p);
    case P_APOS:
        info->closer = 1;
        if (tz->open_single)
            tz->open_single--;
        return emit(tz, tok, p, p + n, KH_TOK_PUNCT | KH_TOK_QUOTE, 1);
    case P_OPEN1:
        info->opener = 1;
        tz->open_single++;
        return emit(tz, tok, p, p + n, KH_TOK_PUNCT | KH_TOK_QUOTE, 1);
    case P_DQOPEN:
        info->opener = 1;
        return emit(tz, tok, p, p + n, KH_TOK_PUNCT | KH_TOK_QUOTE, 1);
    case P_DQCLOSE:
        info->closer = 1;
        return emit(tz, tok, p, p + n, KH_TOK_PUNCT | KH_TOK_QUOTE, 1);
    case P_PRIME1:
    case P_PRIME2:
        if (opens_here(tz, p))
            info->opener = 1;
        else
            info->closer = 1;
        return emit(tz, tok, p, p + n, KH_TOK_PUNCT | KH_TOK_QUOTE, 1);
    case P_HYPHEN:
    case P_DASH:
        return emit(tz, tok, p, p + n, KH_TOK_PUNCT, 1);
    case P_ELLIPSIS:
        info->term = KH_TERM_ELLIPSIS;
        return emit(tz, tok, p, p + n, KH_TOK_PUNCT, 1);
    case P_STOP:
        info->term = KH_TERM_STOP;
        return emit(tz, tok, p, p + n, KH_TOK_PUNCT, 0);
    case P_BANG:
        info->term = KH_TERM_BANG;
        return emit(tz, tok, p, p + n, KH_TOK_PUNCT, 0);
    default:
        return emit(tz, tok, p, p + n, KH_TOK_PUNCT, 0);
    }
}

int kh_tokenizer_next(kh_tokenizer *tz, kh_token *tok, kh_tokinfo *info)
{
    const unsigned char *s = tz->text;
    size_t end = tz->end;

    memset(info, 0, sizeof *info);
    if (tz->sfx_end) {
        /* the clitic or possessive scan_word split off the last word */
        size_t p = tz->pos, e = tz->sfx_end;
        uint32_t f = tz->sfx_flags;
        tz->sfx_end = 0;
        return emit(tz, tok, p, e, f, has_high(s, p, e));
    }
    size_t p = skip_blanks(tz, tz->pos);
    if (p >= end) {
        tz->pos = end;
        return 0;
    }
    info->space_before = p > tz->pos || p == tz->unit_start;

    unsigned char c = s[p];
    switch (cc[c]) {
    case C_UPR:
    case C_LOW:
    case C_DIG:
    case C_BAD:
        return scan_word(tz, tok, info, p);
    case C_DOT: {
        size_t q = p;
        while (q < end && s[q] == '.' && q - p < KH_TOK_MAX_LEN)
            q++;
        info->term = q - p >= 2 ? KH_TERM_ELLIPSIS : KH_TERM_STOP;
        return emit(tz, tok, p, q, KH_TOK_PUNCT, 0);
    }
    case C_BNG:
        info->term = KH_TERM_BANG;
        return emit(tz, tok, p, p + 1, KH_TOK_PUNCT, 0);
    case C_OPN:
        info->opener = 1;
        return emit(tz, tok, p, p + 1, KH_TOK_PUNCT, 0);
    case C_CLS:
        info->closer = 1;
        return emit(tz, tok, p, p + 1, KH_TOK_PUNCT, 0);
    case C_DQT:
    case C_APO:
        return ascii_quote(tz, tok, info, p, c);
    case C_HYP: {
        if (p + 1 < end && kh_is_digit(s[p + 1]) &&
            (p == tz->unit_start || !is_wordch(s, p - 1, end)))
            return scan_word(tz, tok, info, p); /* -2 */
        size_t q = p;
        while (q < end && s[q] == '-' && q - p < KH_TOK_MAX_LEN)
            q++;
        return emit(tz, tok, p, q, KH_TOK_PUNCT, 0);
    }
    case C_HI:
        return high_token(tz, tok, info, p);
    default: /* C_NSP, C_JON, C_PUN: one mark, one token */
        return emit(tz, tok, p, p + 1, KH_TOK_PUNCT, 0);
    }
}
