/*
 * split.c: stage 3 of the pipeline, sentence boundaries over the token
 * stream of one unit (see sentences.h). The heuristic, decided once per
 * token with no look-back beyond one pending state:
 *
 *   - A candidate end is a token the tokenizer marked: '.', '!', '?', an
 *     ellipsis, or an abbreviation/initial that may end a sentence (U.S.,
 *     Inc., Jan., W.). Titles (Mr., Gen., Dr.) and No./Vol. before a number
 *     are never candidates; decimals and dotted numbers are one token.
 *   - Closing quotes and brackets right after a candidate, and further
 *     '.' '!' '?' glued to it ("?!"), stay in the sentence and keep it
 *     pending: `"We will win." He said` ends after the quote.
 *   - The next other token decides:
 *       '.' '!' '?'  end unless it starts with a lower-case letter or is
 *                    , ; : (so `"Why?" he asked` stays whole);
 *       ellipsis     ends only before a capitalised word or an opening quote;
 *       abbreviation ends only before a capitalised sentence-starter word
 *                    (The, He, But, In, ...): "in the U.S. The talks" ends,
 *                    "the U.S. Army" and "George W. Bush" do not.
 *   - The end of the unit always ends the sentence.
 */
#include "sentences/sentences.h"

/* Capitalised words that usually start a sentence. Sorted by bytes. */
static const char *const starters[] = {
    "A", "About", "According", "Across", "After", "Again", "Against", "All", "Also",
    "Although", "Among", "An", "And", "Another", "Any", "As", "At", "Because", "Before",
    "Being", "Both", "But", "By", "Can", "Could", "Despite", "During", "Each",
    "Earlier", "Either", "Even", "Every", "Few", "For", "From", "Further", "He", "Her",
    "Here", "His", "How", "However", "I", "If", "In", "Instead", "It", "Its", "Last",
    "Late", "Later", "Many", "May", "Meanwhile", "More", "Moreover", "Most", "Much",
    "My", "Neither", "Nevertheless", "Next", "No", "Nor", "Not", "Nothing", "Now", "On",
    "Once", "One", "Only", "Or", "Other", "Others", "Our", "Over", "Several", "She",
    "Should", "Since", "So", "Some", "Still", "Such", "That", "The", "Their", "Them",
    "Then", "There", "Therefore", "These", "They", "This", "Those", "Though", "Thus",
    "To", "Today", "Under", "Unlike", "Until", "Upon", "We", "What", "When", "Where",
    "Whether", "Which", "While", "Who", "Why", "Will", "With", "Within", "Without",
    "Would", "Yet", "You", "Your",
};

int kh_sentence_starter(const char *s, size_t len)
{
    size_t lo = 0, hi = KH_ARRAY_LEN(starters);
    if (len == 0 || len > 16 || !kh_is_upper((unsigned char)s[0]))
        return 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *w = starters[mid];
        size_t wl = strlen(w);
        size_t n = wl < len ? wl : len;
        int c = memcmp(w, s, n);
        if (c == 0)
            c = wl < len ? -1 : wl > len ? 1 : 0;
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

void kh_splitter_init(kh_splitter *sp)
{
    sp->started = 0;
    sp->pending = KH_TERM_NONE;
    sp->words = sp->caps = 0;
}

/* A unit without case information so far: at least four words, at most one
 * in 25 capitalised. */
static int caseless(const kh_splitter *sp)
{
    return sp->words >= 4 && (uint64_t)sp->caps * 25 <= sp->words;
}

/* kh_sentence_starter on the word as it would be capitalised. */
static int starter_folded(const kh_token *tok)
{
    char w[16];
    size_t n = tok->norm_len;
    if (n == 0 || n > sizeof w)
        return 0;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)tok->norm[k];
        w[k] = (char)(k ? kh_to_lower(c) : kh_to_upper(c));
    }
    return kh_sentence_starter(w, n);
}

static int is_comma_like(const kh_token *tok)
{
    if (tok->norm_len != 1)
        return 0;
    char c = tok->norm[0];
    return c == ',' || c == ';' || c == ':';
}

int kh_splitter_push(kh_splitter *sp, const kh_token *tok, const kh_tokinfo *info)
{
    if (tok->flags & KH_TOK_WORD) {
        sp->words++;
        sp->caps += (tok->flags & KH_TOK_CAP) != 0;
    }
    if (!sp->started) {
        sp->started = 1;
        sp->pending = info->term;
        return 1;
    }
    if (sp->pending == KH_TERM_NONE) {
        sp->pending = info->term;
        return 0;
    }
    /* a candidate end is pending */
    if (info->closer)
        return 0;
    if (!info->space_before &&
        (info->term == KH_TERM_STOP || info->term == KH_TERM_BANG || info->term == KH_TERM_ELLIPSIS)) {
        if (sp->pending != KH_TERM_ELLIPSIS || info->term != KH_TERM_ELLIPSIS)
            sp->pending = info->term == KH_TERM_ELLIPSIS ? KH_TERM_ELLIPSIS : KH_TERM_STOP;
        return 0;
    }
    int end;
    switch (sp->pending) {
    case KH_TERM_STOP:
    case KH_TERM_BANG:
        end = (!info->lower || caseless(sp)) && !is_comma_like(tok);
        break;
    case KH_TERM_ELLIPSIS:
        end = (tok->flags & KH_TOK_CAP) || info->opener || (caseless(sp) && starter_folded(tok));
        break;
    default: /* KH_TERM_ABBREV */
        end = ((tok->flags & KH_TOK_CAP) && kh_sentence_starter(tok->norm, tok->norm_len)) ||
              (caseless(sp) && starter_folded(tok));
        break;
    }
    sp->pending = info->term;
    return end;
}
