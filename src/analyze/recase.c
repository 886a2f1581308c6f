/*
 * recase.c: the recasing stage, between tokens (src/tokens/) and tags
 * (src/tags/): text that carries no case information gets the case normal
 * text would give it, so the tagger and the proper-noun tests of the later
 * stages (names must look like names, months are capitalised) work on it.
 * Feeds without capitals (police reports), wires in capitals and
 * title-case headlines are common, and a headline is often all an analyst's
 * feed holds (issue 11, capability 2.9).
 *
 * Each sentence gets a regime (kh_case_regime_of) from its tokens' flags:
 * no capital at all is LOWER; mostly all-capital words is UPPER; every
 * content word capitalised is TITLE; a sentence too short to tell takes the
 * story's regime. A NORMAL sentence is left alone, so ordinary text costs
 * one pass over the token flags.
 *
 * In a LOWER or UPPER sentence every word is recased from what is known of
 * it, without regard to its case: a dictionary name (the coder's name
 * finder: actors, countries and demonyms, capitals, places) is written as a
 * name, a word the lexicon knows only as a proper noun too ("jeddah",
 * "tuesday"); in capitals, a word the lexicon knows as a common word is
 * lower-cased and an unknown one kept as an acronym (four letters or fewer)
 * or written as a name. A name that is also a common word ("nice", "male",
 * "reading") is recased only as part of a longer name. "us" is the country
 * only before an agent or a name ("us forces") or after "the". The first
 * word of a sentence is capitalised, as in normal text. A TITLE sentence is
 * left as it is (see kh_recase_doc).
 *
 * What it changes: the tokens' norm (a new copy in the arena, the old one
 * may point into the story text, which is never written) and their
 * KH_TOK_CAP / KH_TOK_UPPER flags; KH_TOK_NORMALISED is set on a changed
 * token. Offsets stay, so spans and evidence point at the text as written.
 * What it does not do: guess unknown names in lower-case text (nothing
 * tells "ahmed" from a common word the lexicon lacks), or change the case
 * of non-ASCII letters.
 */
#include "analyze/analyze.h"
#include "lexicon/lexicon.h"

/* Function words a title leaves lower-case; they count for no regime. */
static int small_word(const kh_token *t)
{
    static const char *const small[] = {"a",    "an",  "the", "of", "in",  "on",  "at",  "to",
                                        "for",  "by",  "and", "or", "but", "as",  "with", "from",
                                        "into", "over", "vs", "via", "per", "up", "off", "is"};
    for (size_t i = 0; i < KH_ARRAY_LEN(small); i++) {
        size_t n = strlen(small[i]);
        if (t->norm_len == n && kh_eq_nocase(t->norm, n, small[i], n))
            return 1;
    }
    return 0;
}

static int is_word(const kh_token *t) { return (t->flags & KH_TOK_WORD) != 0; }

static int is_punct_tok(const kh_token *t, char c) { return t->norm_len == 1 && t->norm[0] == c; }

/* Counts of one stretch of tokens. */
typedef struct case_counts {
    uint32_t words;   /* word tokens */
    uint32_t caps;    /* ... starting with a capital */
    uint32_t uppers;  /* ... of two letters or more, all capitals */
    uint32_t long_w;  /* ... of two letters or more */
} case_counts;

/* Counts toks[0..n) (the hot part: every sentence of every story passes
 * here once, so locals and no function-word test). */
static case_counts count_case(const kh_token *toks, size_t n)
{
    uint32_t words = 0, caps = 0, uppers = 0, long_w = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t f = toks[i].flags;
        if (!(f & KH_TOK_WORD))
            continue;
        words++;
        caps += (f & KH_TOK_CAP) != 0;
        if (toks[i].norm_len >= 2) {
            long_w++;
            uppers += (f & KH_TOK_UPPER) != 0;
        }
    }
    case_counts c = {words, caps, uppers, long_w};
    return c;
}

/* Title case: 85% of the words that are not function words capitalised,
 * three of them at least. */
static int title_case(const kh_token *toks, size_t n)
{
    size_t content = 0, caps = 0;
    for (size_t i = 0; i < n; i++)
        if (is_word(&toks[i]) && !small_word(&toks[i])) {
            content++;
            caps += (toks[i].flags & KH_TOK_CAP) != 0;
        }
    return content >= 3 && caps * 100 >= content * 85;
}

static kh_case_regime regime_of(const kh_token *toks, size_t n, const case_counts *c,
                                kh_case_regime story_regime)
{
    if (!c->words)
        return KH_CASE_NORMAL;
    if (!c->caps)
        return KH_CASE_LOWER;
    if (c->long_w >= 3 && (uint64_t)c->uppers * 10 >= (uint64_t)c->long_w * 6)
        return KH_CASE_UPPER;
    if (c->words < 3)
        return story_regime;
    /* A sentence with fewer than half its words capitalised is no title. */
    if ((uint64_t)c->caps * 2 >= c->words && title_case(toks, n))
        return KH_CASE_TITLE;
    return story_regime == KH_CASE_LOWER ? KH_CASE_LOWER : KH_CASE_NORMAL;
}

kh_case_regime kh_case_regime_of(const kh_token *toks, size_t n, kh_case_regime story_regime)
{
    case_counts c = count_case(toks, n);
    return regime_of(toks, n, &c, story_regime);
}

/* The story as a whole, from the sum of its sentences' counts: lower-case
 * when at most one word in 25 is capitalised (a lower-cased feed that kept
 * an odd acronym), capitals when seven words in ten are. Stories of fewer
 * than 8 words say nothing. */
static kh_case_regime story_regime(const case_counts *c)
{
    if (c->words < 8)
        return KH_CASE_NORMAL;
    if ((uint64_t)c->caps * 25 <= c->words)
        return KH_CASE_LOWER;
    if ((uint64_t)c->uppers * 10 >= (uint64_t)c->long_w * 7)
        return KH_CASE_UPPER;
    return KH_CASE_NORMAL;
}

/* ---------------------------------------------------------------------- */
/* Writing a token's case                                                 */

typedef enum { W_LOWER, W_TITLE, W_UPPER } wcase;

/* Rewrites t's norm as `how` (ASCII letters only; a copy in the arena when
 * anything changes) and its CAP / UPPER flags from the new form. */
static kh_status set_case(kh_arena *arena, kh_token *t, wcase how)
{
    const char *s = t->norm;
    size_t n = t->norm_len, changed = 0;
    int first = 1;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if (!kh_is_alpha(c))
            continue;
        int want_up = how == W_UPPER || (how == W_TITLE && first);
        first = 0;
        changed += (size_t)(want_up ? kh_is_lower(c) : kh_is_upper(c));
    }
    if (changed) {
        char *p = (char *)kh_arena_alloc(arena, n ? n : 1);
        if (!p)
            return KH_ERR_NOMEM;
        first = 1;
        for (size_t k = 0; k < n; k++) {
            unsigned char c = (unsigned char)s[k];
            if (kh_is_alpha(c)) {
                int want_up = how == W_UPPER || (how == W_TITLE && first);
                first = 0;
                c = (unsigned char)(want_up ? kh_to_upper(c) : kh_to_lower(c));
            }
            p[k] = (char)c;
        }
        t->norm = p;
        t->flags |= KH_TOK_NORMALISED;
    }
    size_t up = 0, low = 0;
    for (size_t k = 0; k < n; k++) {
        up += kh_is_upper((unsigned char)t->norm[k]) != 0;
        low += kh_is_lower((unsigned char)t->norm[k]) != 0;
    }
    t->flags &= ~(uint32_t)(KH_TOK_CAP | KH_TOK_UPPER);
    if (n && kh_is_upper((unsigned char)t->norm[0]))
        t->flags |= KH_TOK_CAP;
    if (up && !low)
        t->flags |= KH_TOK_UPPER;
    return KH_OK;
}

/* Capitalises the first letter of t, leaving the rest. */
static kh_status cap_first(kh_arena *arena, kh_token *t)
{
    if (!t->norm_len || !kh_is_lower((unsigned char)t->norm[0]))
        return KH_OK;
    if (t->flags & KH_TOK_UPPER)
        return KH_OK;
    int rest_upper = 0;
    for (size_t k = 1; k < t->norm_len; k++)
        rest_upper |= kh_is_upper((unsigned char)t->norm[k]);
    return rest_upper ? KH_OK : set_case(arena, t, W_TITLE);
}

/* ---------------------------------------------------------------------- */
/* What is known of a word                                                */

typedef struct word_info {
    int found;     /* the lexicon knows the form */
    int proper;    /* ... only as a proper noun */
    int common;    /* ... as some other part of speech */
    const char *cased; /* a capitalised lemma of the same length ("UN", "May"), else NULL */
} word_info;

static void word_info_of(const kh_lexicon *lex, const kh_token *t, word_info *w)
{
    kh_lex_form f;
    memset(w, 0, sizeof *w);
    if (!lex || !kh_lex_find(lex, t->norm, t->norm_len, &f))
        return;
    w->found = 1;
    w->proper = f.pos == KH_POS_BIT(KH_UPOS_PROPN);
    w->common = !w->proper;
    for (uint32_t k = 0; k < f.n && !w->cased; k++) {
        kh_lex_entry e;
        kh_lex_entry_get(lex, &f, k, &e);
        if (e.pos == KH_POS_BIT(KH_UPOS_PROPN) && e.lemma_len == t->norm_len &&
            kh_is_upper((unsigned char)e.lemma[0]))
            w->cased = e.lemma;
    }
}

static size_t letters_of(const kh_token *t)
{
    size_t n = 0;
    for (size_t k = 0; k < t->norm_len; k++)
        n += kh_is_alpha((unsigned char)t->norm[k]) != 0;
    return n;
}

static int word_is(const kh_token *t, const char *w)
{
    size_t n = strlen(w);
    return t->norm_len == n && kh_eq_nocase(t->norm, n, w, n);
}

static int is_number(const kh_token *t) { return (t->flags & KH_TOK_NUMBER) != 0; }

/* Whether the dictionary phrase toks[i, i+len) of `kinds` is written as a
 * name. */
static int takes_name(const kh_lexicon *lex, const kh_token *toks, size_t i, size_t len,
                      unsigned kinds)
{
    unsigned named = kinds & (KH_NAME_ACTOR | KH_NAME_COUNTRY | KH_NAME_CAPITAL | KH_NAME_PLACE);
    if (!named)
        return 0;
    if (len == 1 && word_is(&toks[i], "us"))
        return 0; /* the pronoun, unless its neighbours say otherwise (us_country) */
    if (len == 1 && (kinds & KH_NAME_COUNTRY))
        return 1;
    if (len > 1 && (kinds & (KH_NAME_ACTOR | KH_NAME_COUNTRY | KH_NAME_CAPITAL)))
        return 1;
    /* A place, a capital or a one-word actor: some word of it must be no
     * common word ("male", "reading" and "nice" are towns too). */
    for (size_t j = i; j < i + len; j++) {
        word_info w;
        if (!is_word(&toks[j]) || small_word(&toks[j]))
            continue;
        word_info_of(lex, &toks[j], &w);
        if (!w.common)
            return 1;
    }
    return 0;
}

static kh_status write_name(kh_arena *arena, kh_token *toks, size_t i, size_t len)
{
    for (size_t j = i; j < i + len; j++) {
        kh_token *t = &toks[j];
        if (!is_word(t))
            continue;
        wcase how = W_TITLE;
        if (len == 1 && letters_of(t) <= 3)
            how = W_UPPER; /* "un", "eu", "pkk", "u.s." */
        else if (j > i && small_word(t))
            how = W_LOWER;
        kh_status st = set_case(arena, t, how);
        if (st)
            return st;
    }
    return KH_OK;
}

/* "us" is the country before an agent or a name, after a hyphen-joined
 * compound's hyphen ("us-led") or after "the". */
static int us_country(const kh_name_finder *names, const kh_token *toks, size_t i, size_t end,
                      size_t start)
{
    if (i > start && word_is(&toks[i - 1], "the"))
        return 1;
    if (i + 1 >= end)
        return 0;
    const kh_token *nx = &toks[i + 1];
    if (nx->norm_len && nx->norm[0] == '-')
        return 1;
    unsigned kinds = 0;
    return names && names->find(names->ctx, toks, i + 1, end, &kinds) && kinds != 0;
}

/* t is a regular inflection (-s, -es, -ed, -d, -ing, -ly) of a word the
 * lexicon knows as a common word: "cordoned", "shelling", "bombings". */
static int inflects_known(const kh_lexicon *lex, const kh_token *t)
{
    static const char *const suffixes[] = {"ing", "ed", "es", "ly", "s", "d"};
    char w[KH_LEX_MAX_WORD + 2];
    size_t n = t->norm_len;
    if (!lex || n < 5 || n > KH_LEX_MAX_WORD)
        return 0;
    for (size_t k = 0; k < n; k++)
        w[k] = (char)kh_to_lower((unsigned char)t->norm[k]);
    for (size_t x = 0; x < KH_ARRAY_LEN(suffixes); x++) {
        size_t sl = strlen(suffixes[x]), m = n - sl;
        if (memcmp(w + m, suffixes[x], sl) != 0)
            continue;
        kh_lex_form f;
        word_info wi;
        kh_token stem = *t;
        stem.norm = w;
        stem.norm_len = (uint32_t)m;
        /* the stem as it is, with its "e" ("arriv-ed"), or undoubled ("shipp-ed") */
        word_info_of(lex, &stem, &wi);
        if (wi.common)
            return 1;
        if (sl == 3 || sl == 2) {
            char save = w[m];
            w[m] = 'e';
            int found = kh_lex_find(lex, w, m + 1, &f) && f.pos != KH_POS_BIT(KH_UPOS_PROPN);
            w[m] = save;
            if (found)
                return 1;
            if (m >= 3 && w[m - 1] == w[m - 2] && kh_lex_find(lex, w, m - 1, &f) &&
                f.pos != KH_POS_BIT(KH_UPOS_PROPN))
                return 1;
        }
    }
    return 0;
}

/* One word of a LOWER or UPPER sentence, not part of a name. */
static kh_status recase_word(kh_arena *arena, const kh_lexicon *lex, kh_token *toks, size_t i,
                             size_t start, size_t end, kh_case_regime r)
{
    kh_token *t = &toks[i];
    word_info w;
    word_info_of(lex, t, &w);
    if (w.cased) {
        /* A closed-list proper noun ("UN", "March"): as listed when it is
         * the only reading or a date's month ("march 5", "5 may"). */
        int dated = (i + 1 < end && is_number(&toks[i + 1])) ||
                    (i > start && is_number(&toks[i - 1]));
        if (w.proper || dated) {
            int all_caps = kh_is_upper((unsigned char)w.cased[t->norm_len - 1]);
            wcase as_listed = all_caps ? W_UPPER : W_TITLE;
            for (size_t k = 0; k < t->norm_len; k++) {
                unsigned char have = (unsigned char)t->norm[k], want = (unsigned char)w.cased[k];
                if (kh_is_alpha(have) && kh_is_upper(want) != kh_is_upper(have))
                    return set_case(arena, t, as_listed);
            }
            return KH_OK;
        }
    }
    if (w.proper) /* in capitals a short one is an acronym ("EC") */
        return set_case(arena, t, r == KH_CASE_UPPER && letters_of(t) <= 3 ? W_UPPER : W_TITLE);
    if (r == KH_CASE_LOWER) {
        if (t->norm_len == 1 && (t->norm[0] == 'i'))
            return set_case(arena, t, W_UPPER);
        return KH_OK;
    }
    /* Capitals: a common word is lower-cased (an inflection of one too:
     * the lexicon does not list every "cordoned"); an unknown word is an
     * acronym when short, else a name. */
    if (w.found || inflects_known(lex, t))
        return set_case(arena, t, W_LOWER);
    return set_case(arena, t, letters_of(t) <= 4 ? W_UPPER : W_TITLE);
}

/* Recases a LOWER or UPPER sentence, tokens [start, end). */
static kh_status recase_sentence(kh_arena *arena, const kh_lexicon *lex,
                                 const kh_name_finder *names, kh_token *toks, size_t start,
                                 size_t end, kh_case_regime r)
{
    kh_status st = KH_OK;
    size_t first_word = end;
    for (size_t i = start; i < end && !st;) {
        kh_token *t = &toks[i];
        if (!is_word(t)) {
            i++;
            continue;
        }
        if (first_word == end)
            first_word = i;
        unsigned kinds = 0;
        size_t len = names ? names->find(names->ctx, toks, i, end, &kinds) : 0;
        if (len && takes_name(lex, toks, i, len, kinds)) {
            st = write_name(arena, toks, i, len);
            i += len;
            continue;
        }
        if (word_is(t, "us")) {
            int country = us_country(names, toks, i, end, start);
            st = set_case(arena, t, country ? W_UPPER : W_LOWER);
        } else {
            st = recase_word(arena, lex, toks, i, start, end, r);
        }
        i++;
    }
    if (!st && first_word < end)
        st = cap_first(arena, &toks[first_word]);
    return st;
}

/* ---------------------------------------------------------------------- */
/* Acronyms the story defines                                             */

/*
 * "the syrian democratic forces (sdf)", "communist party of india maoist
 * (cpi maoist)": a word in parentheses whose letters are the initials of
 * the words before them (function words skipped; words the parentheses
 * repeat at the end set aside) is an acronym, and those words are its long
 * form: a name. Caseless text cannot show either, so the long form is
 * written as a name and the acronym in capitals, there and (unless it is a
 * common word, as "is" for Islamic State) wherever else the story's
 * caseless sentences use it. The actors stage then learns the acronym as it
 * does in normal text (kh_actors_story_aliases).
 */
#define MAX_ACRONYMS 16

typedef struct acronym {
    size_t tok;          /* the acronym's token */
    size_t long_first;   /* its long form: tokens [long_first, long_end) */
    size_t long_end;
    size_t close;        /* the closing parenthesis (words before it repeat the long form's) */
} acronym;

/* An acronym defined at toks[open] == "(" (the sentence ends at `end`,
 * starts at `start`); 1 and *out when there is one. */
static int acronym_at(const kh_token *toks, size_t start, size_t open, size_t end, acronym *out)
{
    size_t close = open + 1;
    while (close < end && close - open <= 4 && !is_punct_tok(&toks[close], ')'))
        close++;
    if (close >= end || close - open < 2 || close - open > 4)
        return 0;
    const kh_token *w = &toks[open + 1];
    size_t nl = letters_of(w);
    if (!is_word(w) || nl < 2 || nl > 6 || nl != w->norm_len)
        return 0;
    /* Words after the acronym inside the parentheses must repeat the words
     * before them: "maoist (cpi maoist)". */
    size_t extra = close - open - 2, last = open; /* the long form's initials end before `last` */
    for (size_t k = 0; k < extra; k++) {
        const kh_token *in = &toks[close - 1 - k];
        if (last == start)
            return 0;
        const kh_token *before = &toks[last - 1];
        if (!kh_eq_nocase(in->norm, in->norm_len, before->norm, before->norm_len))
            return 0;
        last--;
    }
    /* The initials, read backwards from `last`. */
    size_t k = nl, j = last;
    while (k > 0 && j > start) {
        const kh_token *t = &toks[j - 1];
        if (!is_word(t))
            return 0;
        if (small_word(t) && k < nl) {
            j--;
            continue;
        }
        if (kh_to_lower((unsigned char)t->norm[0]) != kh_to_lower((unsigned char)w->norm[k - 1]))
            return 0;
        k--;
        j--;
    }
    if (k)
        return 0;
    out->tok = open + 1;
    out->long_first = j;
    out->long_end = open;
    out->close = close;
    return 1;
}

/* The acronyms the caseless sentences define (regime[s] != NORMAL). */
static size_t find_acronyms(const kh_token *toks, const kh_sentence *sents, size_t n_sents,
                            const uint8_t *regime, acronym *out)
{
    size_t n = 0;
    for (size_t s = 0; s < n_sents && n < MAX_ACRONYMS; s++) {
        if (regime[s] == KH_CASE_NORMAL)
            continue;
        size_t a = sents[s].first_token, e = a + sents[s].n_tokens;
        for (size_t i = a + 1; i + 2 < e && n < MAX_ACRONYMS; i++)
            if (is_punct_tok(&toks[i], '(') && acronym_at(toks, a, i, e, &out[n]))
                n++;
    }
    return n;
}

/* Writes each acronym's long form as a name and the acronym in capitals,
 * in its definition and in the caseless sentences' other uses of it. */
static kh_status apply_acronyms(kh_arena *arena, const kh_lexicon *lex, kh_token *toks,
                                const kh_sentence *sents, size_t n_sents, const uint8_t *regime,
                                const acronym *ac, size_t n_ac)
{
    kh_status st = KH_OK;
    for (size_t k = 0; k < n_ac && !st; k++) {
        for (size_t j = ac[k].long_first; j < ac[k].long_end && !st; j++) {
            int small = j > ac[k].long_first && small_word(&toks[j]);
            if (is_word(&toks[j]))
                st = set_case(arena, &toks[j], small ? W_LOWER : W_TITLE);
        }
        if (!st)
            st = set_case(arena, &toks[ac[k].tok], W_UPPER);
        for (size_t j = ac[k].tok + 1; j < ac[k].close && !st; j++)
            st = set_case(arena, &toks[j], W_TITLE);
    }
    for (size_t s = 0; s < n_sents && !st; s++) {
        if (regime[s] == KH_CASE_NORMAL)
            continue;
        size_t a = sents[s].first_token, e = a + sents[s].n_tokens;
        for (size_t i = a; i < e && !st; i++) {
            kh_token *t = &toks[i];
            if (!is_word(t) || (t->flags & KH_TOK_UPPER))
                continue;
            for (size_t k = 0; k < n_ac; k++) {
                const kh_token *d = &toks[ac[k].tok];
                word_info w;
                if (!kh_eq_nocase(t->norm, t->norm_len, d->norm, d->norm_len))
                    continue;
                word_info_of(lex, t, &w);
                if (!w.common)
                    st = set_case(arena, t, W_UPPER);
                break;
            }
        }
    }
    return st;
}

kh_status kh_recase_doc(kh_arena *arena, const kh_lexicon *lex, const kh_name_finder *names,
                        kh_token *toks, const kh_sentence *sents, size_t n_sents)
{
    if (!n_sents)
        return KH_OK;
    /* One pass over the tokens: each sentence's counts, and their sum. */
    case_counts *counts = (case_counts *)kh_arena_alloc(arena, n_sents * sizeof *counts);
    if (!counts)
        return KH_ERR_NOMEM;
    case_counts sum = {0, 0, 0, 0};
    for (size_t s = 0; s < n_sents; s++) {
        counts[s] = count_case(toks + sents[s].first_token, sents[s].n_tokens);
        sum.words += counts[s].words;
        sum.caps += counts[s].caps;
        sum.uppers += counts[s].uppers;
        sum.long_w += counts[s].long_w;
    }
    kh_case_regime story = story_regime(&sum);
    uint8_t *regime = NULL;
    size_t n_caseless = 0;
    for (size_t s = 0; s < n_sents; s++) {
        size_t a = sents[s].first_token, e = a + sents[s].n_tokens;
        kh_case_regime r = regime_of(toks + a, e - a, &counts[s], story);
        /* Title case is left as written: taking the capitals off its common
         * words also took them off names the dictionary lacks ("the
         * Opposition Labour Party"), and lost more than it gained on the
         * development gold (recall at root+dyad 39 -> 33 of 381 with every
         * word title-cased). The tagger folds a headline's capitals itself. */
        if (r == KH_CASE_NORMAL || r == KH_CASE_TITLE)
            continue;
        if (!regime) {
            regime = (uint8_t *)kh_arena_calloc(arena, n_sents, 1);
            if (!regime)
                return KH_ERR_NOMEM;
        }
        regime[s] = (uint8_t)r;
        n_caseless++;
        kh_status st = recase_sentence(arena, lex, names, toks, a, e, r);
        if (st)
            return st;
    }
    if (!n_caseless)
        return KH_OK;
    acronym ac[MAX_ACRONYMS];
    size_t n_ac = find_acronyms(toks, sents, n_sents, regime, ac);
    return n_ac ? apply_acronyms(arena, lex, toks, sents, n_sents, regime, ac, n_ac) : KH_OK;
}
