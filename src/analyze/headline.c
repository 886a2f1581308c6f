/*
 * headline.c: headline grammar, after tags (src/tags/) and before chunks
 * (src/chunks/). Headlines drop articles and write past acts in the
 * present, so a plural noun after the subject reads as well as a verb
 * ("US forces bomb Falluja": "forces" or "bomb"?), and a headline can come
 * out of the tagger with no verb at all ("Russian jets strike Idlib").
 * Headlines are often all an analyst's feed holds (issue 11, capability
 * 2.9), so in a sentence of a headline unit:
 *
 *   - a trailing attribution after a dash or colon ("... - report",
 *     "...: officials") is a noun, not the headline's verb;
 *   - when the headline has no verb, or its only verbs are plural nouns
 *     ("forces", "positions") the tagger took for verbs, the first noun
 *     that is a verb's base form, comes right after a noun phrase and
 *     before one ("jets STRIKE Idlib", "forces BOMB Falluja", "troops
 *     SHELL Kurdish positions") is the verb, and those plural nouns are
 *     nouns again.
 *
 * A re-tagged token gets the lexicon's lemma for its new part of speech.
 * Body sentences and headlines with a verb of their own are left alone, as
 * are the tags of every other word.
 */
#include "analyze/analyze.h"
#include "lexicon/lexicon.h"

static int is_punct_tok(const kh_token *t, char c)
{
    return t->norm_len == 1 && t->norm[0] == c;
}

/* The lexicon's lemma of t as `upos`, or NULL. */
static const char *lemma_as(const kh_lexicon *lex, const kh_token *t, kh_upos upos)
{
    return kh_lex_lemma(lex, t->norm, t->norm_len, upos, NULL);
}

/* t is a verb's base form ("bomb", "strike"): its verb lemma is itself. */
static int base_verb(const kh_lexicon *lex, const kh_token *t)
{
    const char *l = lemma_as(lex, t, KH_UPOS_VERB);
    return l && strlen(l) == t->norm_len && kh_eq_nocase(l, t->norm_len, t->norm, t->norm_len);
}

/* t, tagged VERB, is also a plural noun ("forces", "positions"). */
static int plural_noun(const kh_lexicon *lex, const kh_token *t)
{
    const char *l = lemma_as(lex, t, KH_UPOS_NOUN);
    return l && t->norm_len > 1 && kh_to_lower((unsigned char)t->norm[t->norm_len - 1]) == 's' &&
           !(strlen(l) == t->norm_len && kh_eq_nocase(l, t->norm_len, t->norm, t->norm_len));
}

static int nominal(uint8_t u)
{
    return u == KH_UPOS_NOUN || u == KH_UPOS_PROPN || u == KH_UPOS_NUM;
}

/* Where a noun phrase may start. */
static int np_start(uint8_t u)
{
    return u == KH_UPOS_NOUN || u == KH_UPOS_PROPN || u == KH_UPOS_NUM || u == KH_UPOS_ADJ ||
           u == KH_UPOS_DET || u == KH_UPOS_PRON;
}

static void retag(const kh_lexicon *lex, const kh_token *toks, uint8_t *upos, const char **lemma,
                  size_t i, kh_upos to)
{
    const char *l = lemma_as(lex, &toks[i], to);
    upos[i] = (uint8_t)to;
    if (l)
        lemma[i] = l;
}

static void headline_sentence(const kh_lexicon *lex, const kh_token *toks, size_t a, size_t e,
                              uint8_t *upos, const char **lemma)
{
    /* "... - report", "...: officials": the attribution is a noun. */
    for (size_t i = e; i > a + 2 && i + 3 > e; i--) {
        size_t k = i - 1;
        if ((is_punct_tok(&toks[k - 1], '-') || is_punct_tok(&toks[k - 1], ':')) &&
            upos[k] == KH_UPOS_VERB && lemma_as(lex, &toks[k], KH_UPOS_NOUN))
            retag(lex, toks, upos, lemma, k, KH_UPOS_NOUN);
    }
    /* The verbs the tagger chose: none, or only plural nouns. */
    size_t n_verbs = 0, n_plural = 0;
    for (size_t i = a; i < e; i++)
        if (upos[i] == KH_UPOS_VERB || upos[i] == KH_UPOS_AUX) {
            n_verbs++;
            n_plural += upos[i] == KH_UPOS_VERB && i > a && nominal(upos[i - 1]) &&
                        plural_noun(lex, &toks[i]);
        }
    if (n_verbs != n_plural)
        return;
    /* The first noun that is a verb's base form, after a noun phrase (or a
     * plural noun taken for a verb) and before another. */
    for (size_t i = a + 1; i + 1 < e; i++) {
        uint8_t prev = upos[i - 1];
        int after_np = nominal(prev) || (prev == KH_UPOS_VERB && plural_noun(lex, &toks[i - 1]));
        if (upos[i] != KH_UPOS_NOUN || !after_np || !np_start(upos[i + 1]) ||
            !base_verb(lex, &toks[i]))
            continue;
        for (size_t k = a; k < e; k++)
            if (upos[k] == KH_UPOS_VERB)
                retag(lex, toks, upos, lemma, k, KH_UPOS_NOUN);
        retag(lex, toks, upos, lemma, i, KH_UPOS_VERB);
        return;
    }
}

void kh_headline_retag(const kh_lexicon *lex, const kh_token *toks, const kh_sentence *sents,
                       size_t n_sents, uint8_t *upos, const char **lemma)
{
    for (size_t s = 0; s < n_sents; s++)
        if (sents[s].kind == KH_UNIT_HEADLINE && sents[s].n_tokens >= 3)
            headline_sentence(lex, toks, sents[s].first_token,
                              sents[s].first_token + sents[s].n_tokens, upos, lemma);
}
