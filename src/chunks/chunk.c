/*
 * chunk.c: the shallow parser of the language layer. Over tagged tokens it
 * finds, sentence by sentence and in linear time:
 *
 *   - noun phrases (determiners, adjectives, numbers, nouns, proper nouns,
 *     possessors joined by 's), their coordination ("Pyongyang and Tehran")
 *     and appositions ("Yun Jung Ho, North Korea's minister ...,");
 *   - prepositional phrases and what they modify;
 *   - verb groups with tense, voice, negation, modality, intent ("wants to
 *     meet", "expressed readiness to travel"), refusal ("refused to meet"),
 *     reporting verbs and phrasal particles ("flew out", "break out of");
 *   - clauses: one per verb group, with subject (skipping appositions,
 *     participial phrases and prepositional objects), object, passive agent
 *     ("by" phrase), relative-clause antecedents and reported speech ("X
 *     said that ...", "\"...\", X said", "according to X", "X quoted Y as
 *     saying"): clause.c, pass 3.
 *
 * It does not build a full tree; it finds what the event coder needs, and
 * says what it found through kh_chunk/kh_clause (khaldun.h). Reporting
 * verbs, modals, negators and intention verbs are the lexicon's word classes
 * (data/lexicon/classes/); month names come from core/months.c; the small
 * syntactic lists below (particles, relatives, subordinators ...) stay here.
 * This file makes the phrases (passes 1 and 2) and drives the passes;
 * chunk_internal.h holds what it shares with clause.c.
 */
#include "chunks/chunk_internal.h"

/* ---------------------------------------------------------------------- */
/* Word classes on lemmas (lower-case ASCII)                              */

static const char *const ATTEMPT[] = {"try", "attempt", "strive", "struggle", "endeavor",
                                      "endeavour", "scramble", "work", NULL};
static const char *const REFUSAL[] = {"refuse", "decline", "reject", NULL};
static const char *const FAILURE[] = {"fail", "cease", "stop", NULL};
/* Nouns of readiness: "expressed readiness to travel". */
static const char *const READY_NOUNS[] = {
    "readiness", "willingness", "desire", "intention", "intent", "wish", "hope", "plan",
    "plans", "interest", "determination", "commitment", "eagerness", "preparedness", NULL};
/* Adjectives of readiness: "is ready to meet". */
static const char *const READY_ADJS[] = {"ready", "willing", "prepared", "eager", "keen",
                                         "determined", "set", "due", "poised", "likely",
                                         "expected", "committed", "open", NULL};
static const char *const PARTICLES[] = {"out", "up", "off", "down", "back", "away", "over",
                                        "in", "on", "around", "through", NULL};
static const char *const RELATIVES[] = {"that", "which", "who", "whom", "whose", "where", NULL};
int kh_chk_relative(const char *w)
{
    return in_list(w, RELATIVES);
}

static const char *const QUANT_PRONOUNS[] = {"both", "all", "each", "either", "neither",
                                             "some", "many", "most", "several", "few", NULL};
/* Heads of time expressions: never objects or subjects of events. */
static const char *const TIME_WORDS[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "yesterday", "tomorrow", "tonight", "week", "weeks", "month", "months", "year", "years",
    "day", "days", "morning", "evening", "night", "weekend", "hours", "hour", "time", NULL};
/* A time word or a full month name ("may" included). */
int kh_chk_time_word(const char *w)
{
    size_t len = w ? strlen(w) : 0;
    if (len < 3 || len > 9) /* no time word or month is shorter or longer */
        return 0;
    return in_list(w, TIME_WORDS) || kh_month_find(w, len, KH_MONTH_FULL);
}

static const char *const TIME_MODIFIERS[] = {"last", "next", "this", "past", "coming",
                                             "previous", "earlier", "later", "same", NULL};
/* Prepositions that also introduce clauses ("until North Korea sealed"). */
static const char *const SUBORDINATORS[] = {"until", "till", "before", "after", "since", "as",
                                            "because", "while", "once", "unless", "whereas",
                                            "though", "although", "if", "when", "whether", NULL};
static const char *const POSS_DETS[] = {"my", "your", "his", "her", "its", "our", "their", NULL};

/* ---------------------------------------------------------------------- */
/* Tokens, chunks                                                         */

/* Lower-cases every token of the document into the arena, once. */
static kh_status lower_all(chunk_ctx *c)
{
    const kh_doc *d = c->doc;
    size_t n = d->n_tokens, bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += (d->tokens[i].norm_len < 63 ? d->tokens[i].norm_len : 63) + 1;
    c->low = (const char **)kh_arena_calloc(c->arena, n ? n : 1, sizeof *c->low);
    char *w = (char *)kh_arena_alloc(c->arena, bytes ? bytes : 1);
    if (!c->low || !w)
        return KH_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const kh_token *t = &d->tokens[i];
        size_t len = t->norm_len < 63 ? t->norm_len : 63;
        c->low[i] = w;
        for (size_t k = 0; k < len; k++)
            w[k] = (char)kh_to_lower((unsigned char)t->norm[k]);
        w[len] = '\0';
        w += len + 1;
    }
    return KH_OK;
}

static int nominal(kh_upos u) { return u == KH_UPOS_NOUN || u == KH_UPOS_PROPN || u == KH_UPOS_NUM; }

static int np_inner(chunk_ctx *c, size_t i)
{
    kh_upos u = tag(c, i);
    if (nominal(u) || u == KH_UPOS_ADJ || u == KH_UPOS_DET || is_possessive(c, i))
        return 1;
    if (u == KH_UPOS_PRON && in_list(low(c, i), POSS_DETS))
        return 1;
    /* Capitalised unknown words inside names ("Korean Central News Agency"). */
    if (u == KH_UPOS_X && (c->doc->tokens[i].flags & KH_TOK_CAP))
        return 1;
    return 0;
}

/* A participle form: the form differs from the verb lemma and is not -ing or -s. */
static int participle_form(chunk_ctx *c, size_t i)
{
    const char *l = lem(c, i);
    const char *f = low(c, i);
    size_t fl = strlen(f);
    if (!strcmp(f, l))
        return 0;
    if (fl > 3 && !strcmp(f + fl - 3, "ing"))
        return 0;
    if (fl > 1 && f[fl - 1] == 's' && strncmp(f, l, fl - 1) == 0)
        return 0;
    return 1;
}

static int past_form(chunk_ctx *c, size_t i)
{
    const char *f = low(c, i);
    static const char *const past_aux[] = {"was", "were", "had", "did", "said", NULL};
    if (in_list(f, past_aux))
        return 1;
    return tag(c, i) == KH_UPOS_VERB && participle_form(c, i);
}

static kh_status push_chunk(chunk_ctx *c, const kh_chunk *ch, int32_t *index)
{
    if (c->n_chunks == c->cap_chunks) {
        size_t cap = c->cap_chunks ? c->cap_chunks * 2 : 64;
        kh_chunk *p = (kh_chunk *)kh_arena_grow(c->arena, c->chunks, c->cap_chunks * sizeof *p,
                                                cap * sizeof *p);
        if (!p)
            return KH_ERR_NOMEM;
        c->chunks = p;
        c->cap_chunks = cap;
    }
    if (c->n_chunks >= INT32_MAX)
        return KH_ERR_LIMIT;
    c->chunks[c->n_chunks] = *ch;
    if (index)
        *index = (int32_t)c->n_chunks;
    c->n_chunks++;
    return KH_OK;
}

static kh_chunk new_chunk(kh_chunk_kind kind, uint32_t sent, size_t first, size_t end,
                          size_t head)
{
    kh_chunk ch;
    memset(&ch, 0, sizeof ch);
    ch.kind = kind;
    ch.sentence = sent;
    ch.first = (uint32_t)first;
    ch.end = (uint32_t)end;
    ch.head = (uint32_t)head;
    ch.attach = -1;
    ch.member = -1;
    ch.aux_first = (uint32_t)first;
    ch.particle = UINT32_MAX;
    return ch;
}

/* ---------------------------------------------------------------------- */
/* Verb groups                                                            */

static int vg_inner(chunk_ctx *c, size_t i)
{
    kh_upos u = tag(c, i);
    if (u == KH_UPOS_AUX || u == KH_UPOS_VERB)
        return 1;
    if (u == KH_UPOS_PART && (negator(c, low(c, i)) || !strcmp(low(c, i), "to")))
        return 1;
    if (u == KH_UPOS_ADV) {
        const char *w = low(c, i);
        return negator(c, w) || !strcmp(w, "also") || !strcmp(w, "already") ||
               !strcmp(w, "still") || !strcmp(w, "just") || !strcmp(w, "reportedly") ||
               !strcmp(w, "allegedly") || !strcmp(w, "repeatedly") || !strcmp(w, "recently") ||
               !strcmp(w, "officially") || !strcmp(w, "publicly") || !strcmp(w, "formally") ||
               !strcmp(w, "once") || !strcmp(w, "again") || !strcmp(w, "further") ||
               !strcmp(w, "yet") || !strcmp(w, "ever") || !strcmp(w, "now") ||
               !strcmp(w, "jointly") || !strcmp(w, "strongly") || !strcmp(w, "firmly");
    }
    return 0;
}

/* The flag a chain verb gives the infinitive it governs. */
static uint32_t chain_flag(const chunk_ctx *c, const char *lemma)
{
    if (in_list(lemma, REFUSAL))
        return KH_VG_REFUSAL;
    if (in_list(lemma, FAILURE))
        return KH_VG_NEGATED;
    if (in_list(lemma, ATTEMPT))
        return KH_VG_ATTEMPT;
    if (kh_lex_in_class(c->lex, KH_WC_INTENT, lemma))
        return KH_VG_INTENT;
    return 0;
}

/* Builds the verb group starting at token i (which is vg_inner); returns
 * one past its last token. Follows to-infinitive chains ("wants to meet",
 * "expressed readiness to travel", "is ready to sign"): the infinitive
 * becomes the main verb and the chain sets INTENT / REFUSAL / ATTEMPT. */
static size_t verb_group(chunk_ctx *c, uint32_t sent, size_t i, size_t e, kh_chunk *out)
{
    size_t start = i;
    uint32_t flags = 0;
    size_t main = SIZE_MAX;
    int saw_be = 0, saw_have = 0;
    size_t j = i;
    for (;;) {
        for (; j < e && vg_inner(c, j); j++) {
            kh_upos u = tag(c, j);
            const char *w = low(c, j);
            /* A second lexical verb right after the main verb is its object
             * mis-tagged ("resume talks"); participle chains use auxiliaries. */
            if (u == KH_UPOS_VERB && main != SIZE_MAX && main + 1 == j &&
                tag(c, main) == KH_UPOS_VERB && !participle_form(c, j))
                break;
            /* A participle after a lexical verb with no auxiliary before it
             * that premodifies a noun phrase is the object's adjective:
             * "extradited suspected militant X", "freed wounded soldiers". */
            if (u == KH_UPOS_VERB && main != SIZE_MAX && main + 1 == j && tag(c, main) == KH_UPOS_VERB &&
                !saw_be && !saw_have && j + 1 < e &&
                (nominal(tag(c, j + 1)) || tag(c, j + 1) == KH_UPOS_ADJ))
                break;
            if (!strcmp(w, "to") && u == KH_UPOS_PART) {
                if (main != SIZE_MAX && j + 1 < e &&
                    (tag(c, j + 1) == KH_UPOS_VERB || tag(c, j + 1) == KH_UPOS_AUX)) {
                    flags |= chain_flag(c, lem(c, main));
                    flags &= ~(uint32_t)(KH_VG_PASSIVE | KH_VG_PERFECT);
                    saw_be = saw_have = 0;
                    continue;
                }
                break;
            }
            if (negator(c, w))
                flags |= KH_VG_NEGATED;
            else if (kh_lex_in_class(c->lex, KH_WC_MODAL, w))
                flags |= KH_VG_MODAL;
            else if (!strcmp(w, "will") || !strcmp(w, "shall") || !strcmp(w, "'ll"))
                flags |= KH_VG_FUTURE;
            if (u == KH_UPOS_AUX || u == KH_UPOS_VERB) {
                const char *l = lem(c, j);
                if (main == SIZE_MAX && past_form(c, j) && !(flags & KH_VG_FUTURE))
                    flags |= KH_VG_PAST;
                if (u == KH_UPOS_VERB && saw_be && participle_form(c, j))
                    flags |= KH_VG_PASSIVE;
                if (u == KH_UPOS_VERB && saw_have && participle_form(c, j))
                    flags |= KH_VG_PERFECT;
                if (!strcmp(l, "be") || !strcmp(l, "get"))
                    saw_be = 1;
                else if (!strcmp(l, "have"))
                    saw_have = 1;
                main = j;
            }
        }
        if (main == SIZE_MAX)
            break;
        /* VERB (a/my) readiness to VERB ; be ready/willing to VERB */
        size_t k = j;
        if (k < e && tag(c, k) == KH_UPOS_DET)
            k++;
        else if (k < e && tag(c, k) == KH_UPOS_PRON && in_list(low(c, k), POSS_DETS))
            k++;
        if (k + 2 < e &&
            ((tag(c, k) == KH_UPOS_NOUN && in_list(lem(c, k), READY_NOUNS)) ||
             (tag(c, k) == KH_UPOS_ADJ && in_list(low(c, k), READY_ADJS))) &&
            !strcmp(low(c, k + 1), "to") &&
            (tag(c, k + 2) == KH_UPOS_VERB || tag(c, k + 2) == KH_UPOS_AUX)) {
            flags |= KH_VG_INTENT;
            flags &= ~(uint32_t)(KH_VG_PASSIVE | KH_VG_PERFECT);
            saw_be = saw_have = 0;
            j = k + 2;
            continue;
        }
        break;
    }
    if (main == SIZE_MAX)
        return start + 1 > j ? start + 1 : j;
    *out = new_chunk(KH_CHUNK_VG, sent, start, j, main);
    out->aux_first = (uint32_t)start;
    out->lemma = lem(c, main);
    if (kh_lex_in_class(c->lex, KH_WC_REPORTING, out->lemma))
        flags |= KH_VG_REPORTING;
    /* Phrasal particle right after the verb: "flew out", "break out of". */
    if (j < e && (tag(c, j) == KH_UPOS_ADP || tag(c, j) == KH_UPOS_ADV || tag(c, j) == KH_UPOS_PART) &&
        in_list(low(c, j), PARTICLES)) {
        int next_np = j + 1 < e && (nominal(tag(c, j + 1)) || tag(c, j + 1) == KH_UPOS_DET);
        if (!next_np || (j + 1 < e && tag(c, j + 1) == KH_UPOS_ADP) ||
            !strcmp(low(c, j), "out") || !strcmp(low(c, j), "off") || !strcmp(low(c, j), "up")) {
            out->particle = (uint32_t)j;
            j++;
            out->end = (uint32_t)j;
        }
    }
    out->flags = flags;
    return j;
}

/* ---------------------------------------------------------------------- */
/* One sentence                                                           */

/* The NP ends at i, or only noun-phrase words lie between its end and i
 * ("the two countries' first | known talks"). */
static int np_reaches(chunk_ctx *c, const kh_chunk *np, size_t i)
{
    if (np->end > i)
        return 0;
    for (size_t t = np->end; t < i; t++)
        if (!np_inner(c, t))
            return 0;
    return 1;
}

/* Start of the run of determiners and adjectives ending at i (i itself
 * when there is none, or when the run already belongs to a chunk). */
static size_t modifier_run(chunk_ctx *c, size_t s, size_t i)
{
    size_t b = i;
    while (b > s && (tag(c, b - 1) == KH_UPOS_DET || tag(c, b - 1) == KH_UPOS_ADJ))
        b--;
    if (b < i && c->n_chunks && c->chunks[c->n_chunks - 1].end > b)
        return i;
    return b;
}

/* A to-infinitive: "to" right before the group (or opening it). */
int kh_chk_infinitive(chunk_ctx *c, const kh_chunk *vg, size_t s)
{
    if (!strcmp(low(c, vg->aux_first), "to"))
        return 1;
    return vg->aux_first > s && tag(c, vg->aux_first - 1) == KH_UPOS_PART &&
           !strcmp(low(c, vg->aux_first - 1), "to");
}

/* The last chunk pass 1 has made in this sentence, or NULL when it has made
 * none yet. The pointer lasts until the next push_chunk. */
static kh_chunk *last_chunk(chunk_ctx *c, size_t first_chunk)
{
    return c->n_chunks > first_chunk ? &c->chunks[c->n_chunks - 1] : NULL;
}

/* The noun phrase of this sentence that reaches i (np_reaches), or NULL. */
static kh_chunk *np_reaching(chunk_ctx *c, size_t first_chunk, size_t i)
{
    kh_chunk *prev = last_chunk(c, first_chunk);
    return prev && prev->kind == KH_CHUNK_NP && np_reaches(c, prev, i) ? prev : NULL;
}

/* "state media", "state television": "state" tagged as a verb before a
 * media noun is a noun modifier, not a verb. */
static int state_media(chunk_ctx *c, size_t i, size_t e)
{
    static const char *const media[] = {"media", "television", "radio", "tv", "news",
                                        "broadcaster", NULL};
    return tag(c, i) == KH_UPOS_VERB && !strcmp(low(c, i), "state") && i + 1 < e &&
           in_list(low(c, i + 1), media);
}

/* Two lexical verbs in a row ("resume talks", "sign deals"): the verb at i,
 * right after a verb group of this sentence headed by a plain verb with no
 * particle, is the object noun the tagger took for a verb. */
static int verb_as_object(chunk_ctx *c, size_t first_chunk, size_t i)
{
    const kh_chunk *prev = last_chunk(c, first_chunk);
    return tag(c, i) == KH_UPOS_VERB && prev && prev->kind == KH_CHUNK_VG && prev->end == i &&
           tag(c, prev->head) == KH_UPOS_VERB && prev->particle == UINT32_MAX &&
           !participle_form(c, i);
}

/* The object noun phrase of verb_as_object: the verb at i and the nouns
 * after it, up to a number. Sets *next past it. */
static kh_status object_np(chunk_ctx *c, uint32_t sent, size_t i, size_t e, size_t *next)
{
    size_t j = i + 1;
    while (j < e && (nominal(tag(c, j)) && tag(c, j) != KH_UPOS_NUM))
        j++;
    kh_chunk np = new_chunk(KH_CHUNK_NP, sent, i, j, j - 1);
    *next = j;
    return push_chunk(c, &np, NULL);
}

/* "the first known talks", "its expanding military cooperation", "the
 * North's alleged transfers": the verb at i, between a determiner,
 * adjective, number or possessor and a noun or adjective, is a participle
 * that modifies the noun, when a noun phrase reaches it or a run of
 * modifiers can open one. */
static int participle_modifier(chunk_ctx *c, size_t first_chunk, size_t s, size_t i, size_t e)
{
    if (tag(c, i) != KH_UPOS_VERB || i <= s || i + 1 >= e)
        return 0;
    kh_upos before = tag(c, i - 1);
    /* "extradited suspected militant X": a participle right after a
     * lexical verb with no auxiliary of its own, before a noun. */
    if (before == KH_UPOS_VERB && participle_form(c, i) && strcmp(lem(c, i - 1), "be") &&
        strcmp(lem(c, i - 1), "have") && strcmp(lem(c, i - 1), "get") &&
        (i - 1 == s || (tag(c, i - 2) != KH_UPOS_AUX)) &&
        (nominal(tag(c, i + 1)) || tag(c, i + 1) == KH_UPOS_ADJ))
        return 1;
    if (!(before == KH_UPOS_DET || before == KH_UPOS_ADJ || before == KH_UPOS_NUM ||
          is_possessive(c, i - 1) ||
          (before == KH_UPOS_PRON && in_list(low(c, i - 1), POSS_DETS))))
        return 0;
    if (tag(c, i + 1) != KH_UPOS_NOUN && tag(c, i + 1) != KH_UPOS_ADJ)
        return 0;
    return np_reaching(c, first_chunk, i) || modifier_run(c, s, i) < i;
}

/* Carries a noun phrase over the participle at i (participle_modifier):
 * re-opens the phrase that stopped before it, or opens one at its
 * determiner ("The last known time"), then extends it to the last noun of
 * the noun-phrase words after the participle. Sets *next past the phrase,
 * and always past i, even when no noun followed the participle. */
static kh_status np_over_participle(chunk_ctx *c, uint32_t sent, size_t first_chunk, size_t s,
                                    size_t i, size_t e, size_t *next)
{
    kh_status st;
    if (!np_reaching(c, first_chunk, i)) {
        size_t b = modifier_run(c, s, i);
        kh_chunk fresh = new_chunk(KH_CHUNK_NP, sent, b, i, i);
        if ((st = push_chunk(c, &fresh, NULL)))
            return st;
    }
    kh_chunk *np = &c->chunks[c->n_chunks - 1];
    size_t j = i + 1;
    size_t head = np->head;
    while (j < e && np_inner(c, j)) {
        if (nominal(tag(c, j)))
            head = j;
        j++;
        if (j < e && head == j - 1 && tag(c, j - 1) == KH_UPOS_NOUN &&
            tag(c, j) == KH_UPOS_PROPN && kh_chk_time_word(low(c, j - 1)))
            break;
    }
    np->end = (uint32_t)(head + 1);
    np->head = (uint32_t)head;
    *next = head + 1 > i ? head + 1 : i + 1;
    return KH_OK;
}

/* A bare participle (a verb group of one verb, past the sentence start) is
 * a participial phrase after a comma (", including ...") or a reduced
 * passive relative before "by" ("a group led by"); flags vg so. j is where
 * the group ends. */
static void mark_bare_participle(chunk_ctx *c, kh_chunk *vg, size_t first_chunk, size_t s, size_t j,
                                 size_t e)
{
    if (!(vg->aux_first == vg->head && tag(c, vg->head) == KH_UPOS_VERB && vg->head > s))
        return;
    const char *f = low(c, vg->head);
    size_t fl = strlen(f);
    int ing = fl > 3 && !strcmp(f + fl - 3, "ing");
    const kh_chunk *prev = last_chunk(c, first_chunk);
    int prev_np = prev && prev->kind == KH_CHUNK_NP && prev->end == vg->head;
    int after_comma = is_punct(c, vg->head - 1, ',');
    if (ing && after_comma)
        vg->flags |= KH_VG_PARTICIPLE;
    else if ((prev_np || after_comma) && participle_form(c, vg->head) && j < e &&
             !strcmp(low(c, j), "by"))
        vg->flags |= KH_VG_PARTICIPLE | KH_VG_PASSIVE;
}

/* The verb group from i (verb_group), flagged when it is a bare participle
 * and pushed when there is one. Sets *next past what verb_group read, and
 * always past i. */
static kh_status verb_group_chunk(chunk_ctx *c, uint32_t sent, size_t first_chunk, size_t s,
                                  size_t i, size_t e, size_t *next)
{
    kh_chunk vg;
    memset(&vg, 0, sizeof vg);
    size_t j = verb_group(c, sent, i, e, &vg);
    *next = j > i ? j : i + 1;
    if (vg.kind != KH_CHUNK_VG)
        return KH_OK;
    mark_bare_participle(c, &vg, first_chunk, s, j, e);
    return push_chunk(c, &vg, NULL);
}

/* The noun phrase from i: noun-phrase words up to a time expression ("to
 * Tehran last month", "met Putin on Tuesday") or a name after a time noun
 * ("the last time North Korea sent"), each of which starts a phrase of its
 * own; the phrase ends at its last noun. A run with no noun makes no
 * phrase, except a lone quantifier before a verb ("Both have been
 * accused", "all agreed"), which stands as a pronoun. Sets *next past what
 * it read, and always past i. */
static kh_status noun_phrase(chunk_ctx *c, uint32_t sent, size_t i, size_t e, size_t *next)
{
    size_t j = i, head = SIZE_MAX;
    uint32_t flags = 0;
    while (j < e && np_inner(c, j)) {
        if (j > i && ((in_list(low(c, j), TIME_MODIFIERS) && j + 1 < e &&
                       kh_chk_time_word(low(c, j + 1))) ||
                      (tag(c, j - 1) == KH_UPOS_PROPN && kh_chk_time_word(low(c, j)))))
            break;
        if (is_possessive(c, j))
            flags |= KH_NP_POSSESSOR;
        else if (nominal(tag(c, j)) || tag(c, j) == KH_UPOS_X)
            head = j;
        j++;
        if (j < e && head == j - 1 && tag(c, j - 1) == KH_UPOS_NOUN &&
            tag(c, j) == KH_UPOS_PROPN && kh_chk_time_word(low(c, j - 1)))
            break;
    }
    if (head == SIZE_MAX) {
        *next = j > i ? j : i + 1;
        if (j == i + 1 && j < e && (tag(c, j) == KH_UPOS_AUX || tag(c, j) == KH_UPOS_VERB) &&
            in_list(low(c, i), QUANT_PRONOUNS)) {
            kh_chunk np = new_chunk(KH_CHUNK_NP, sent, i, j, i);
            np.flags = KH_NP_PRONOUN;
            return push_chunk(c, &np, NULL);
        }
        return KH_OK;
    }
    kh_chunk np = new_chunk(KH_CHUNK_NP, sent, i, head + 1, head);
    np.flags = flags;
    *next = head + 1;
    return push_chunk(c, &np, NULL);
}

/* Pass 1: noun phrases and verb groups, left to right, into c->chunks.
 * Each step reads the phrase that starts at i and says where the next one
 * starts; the order of the tests is their precedence. */
static kh_status raw_chunks(chunk_ctx *c, uint32_t sent, size_t s, size_t e)
{
    size_t first_chunk = c->n_chunks;
    size_t i = s;
    while (i < e) {
        kh_upos u = tag(c, i);
        int bare_to = u == KH_UPOS_PART && !strcmp(low(c, i), "to") &&
                      !(i + 1 < e && (tag(c, i + 1) == KH_UPOS_VERB || tag(c, i + 1) == KH_UPOS_AUX));
        kh_status st = KH_OK;
        size_t next = i + 1;
        if (state_media(c, i, e)) {
            kh_chunk np = new_chunk(KH_CHUNK_NP, sent, i, i + 2, i + 1);
            st = push_chunk(c, &np, NULL);
            next = i + 2;
        } else if (i + 1 < e && !strcmp(low(c, i), "according") && !strcmp(low(c, i + 1), "to")) {
            /* "according to": a preposition, not a verb. */
        } else if (verb_as_object(c, first_chunk, i)) {
            st = object_np(c, sent, i, e, &next);
        } else if (participle_modifier(c, first_chunk, s, i, e)) {
            st = np_over_participle(c, sent, first_chunk, s, i, e, &next);
        } else if (vg_inner(c, i) && !bare_to) {
            st = verb_group_chunk(c, sent, first_chunk, s, i, e, &next);
        } else if (u == KH_UPOS_PRON && !in_list(low(c, i), POSS_DETS)) {
            if (!kh_chk_relative(low(c, i))) {
                kh_chunk np = new_chunk(KH_CHUNK_NP, sent, i, i + 1, i);
                np.flags = KH_NP_PRONOUN;
                st = push_chunk(c, &np, NULL);
            }
        } else if (np_inner(c, i)) {
            st = noun_phrase(c, sent, i, e, &next);
        }
        if (st)
            return st;
        i = next;
    }
    return KH_OK;
}

static int attaches_to_np(const char *prep)
{
    static const char *const preps[] = {"of", "from", "for", "with", "between", "against",
                                        "on", "in", "at", NULL};
    return in_list(prep, preps);
}

/* Where an NP starts once a quantity phrase before its number is taken in:
 * "at least 12 people", "more than 30 rebels", "up to 40 villagers", "as
 * many as 50 soldiers" are noun phrases, not prepositional objects. */
static size_t quantity_start(chunk_ctx *c, size_t s, const kh_chunk *np)
{
    size_t f = np->first;
    size_t num = tag(c, f) == KH_UPOS_NUM ? f : f + 1 < np->end && tag(c, f + 1) == KH_UPOS_NUM ? f + 1 : 0;
    if (!num || f < s + 1)
        return f;
    const char *p = low(c, f - 1);
    if (num == f + 1 && !strcmp(p, "at") && (!strcmp(low(c, f), "least") || !strcmp(low(c, f), "most")))
        return f - 1;
    if (num != f || f < s + 2)
        return f;
    const char *q = low(c, f - 2);
    static const char *const comparatives[] = {"more", "less", "fewer", NULL};
    if ((!strcmp(p, "than") && in_list(q, comparatives)) || (!strcmp(p, "to") && !strcmp(q, "up")))
        return f - 2;
    if (!strcmp(p, "as") && !strcmp(q, "many") && f >= s + 3 && !strcmp(low(c, f - 3), "as"))
        return f - 3;
    return f;
}

/* Pass 2: rebuild the list in token order with a PP before each NP that a
 * preposition introduces; then coordination, apposition and attachment. */
static kh_status structure(chunk_ctx *c, uint32_t sent, size_t s, size_t e, size_t first_chunk)
{
    size_t n_raw = c->n_chunks - first_chunk;
    kh_chunk *raw = (kh_chunk *)kh_arena_alloc(c->arena, (n_raw + 1) * sizeof *raw);
    if (!raw)
        return KH_ERR_NOMEM;
    if (n_raw) /* chunks is NULL until the first chunk: NULL + 0 is undefined */
        memcpy(raw, c->chunks + first_chunk, n_raw * sizeof *raw);
    c->n_chunks = first_chunk;
    kh_status st;
    for (size_t k = 0; k < n_raw; k++) {
        kh_chunk ch = raw[k];
        /* "until North Korea sealed", "as Kim attempts": the preposition
         * introduces a clause whose subject this NP is; "stave off the
         * pandemic": the particle belongs to the verb. Neither is a PP. */
        int subordinate = k + 1 < n_raw && raw[k + 1].kind == KH_CHUNK_VG &&
                          raw[k + 1].aux_first == ch.end && !(raw[k + 1].flags & KH_VG_PARTICIPLE) &&
                          ch.first > s && in_list(low(c, ch.first - 1), SUBORDINATORS);
        int particle = k > 0 && raw[k - 1].kind == KH_CHUNK_VG && raw[k - 1].end >= ch.first;
        if (ch.kind == KH_CHUNK_NP)
            ch.first = (uint32_t)quantity_start(c, s, &ch);
        if (ch.kind == KH_CHUNK_NP && ch.first > s && tag(c, ch.first - 1) == KH_UPOS_ADP &&
            !subordinate && !particle) {
            size_t p = ch.first - 1;
            kh_chunk pp = new_chunk(KH_CHUNK_PP, sent, p, ch.end, p);
            if (p > s && !strcmp(low(c, p), "to") && !strcmp(low(c, p - 1), "according"))
                pp.first = (uint32_t)(p - 1);
            /* Attach to the NP right before it ("minister of", "delegation
             * from"), else to the nearest verb group on the left. */
            for (size_t q = c->n_chunks; q-- > first_chunk;) {
                const kh_chunk *prev = &c->chunks[q];
                if (prev->kind == KH_CHUNK_PP)
                    continue;
                if (prev->kind == KH_CHUNK_NP && prev->end == p && attaches_to_np(low(c, p))) {
                    pp.attach = (int32_t)q;
                    break;
                }
                if (prev->kind == KH_CHUNK_VG) {
                    pp.attach = (int32_t)q;
                    break;
                }
            }
            if ((st = push_chunk(c, &pp, NULL)))
                return st;
        }
        if ((st = push_chunk(c, &ch, NULL)))
            return st;
    }
    size_t last = c->n_chunks;
    for (size_t k = first_chunk; k < last; k++) {
        kh_chunk *np = &c->chunks[k];
        if (np->kind != KH_CHUNK_NP)
            continue;
        /* Next NP chunk index (skipping the PP wrapper if any). */
        size_t nk = k + 1;
        if (nk < last && c->chunks[nk].kind == KH_CHUNK_PP)
            nk++;
        /* "A, B and C": the comma list joins the coordination. */
        if (np->end + 1 < e && is_punct(c, np->end, ',') && k + 1 < last &&
            c->chunks[k + 1].kind == KH_CHUNK_NP && c->chunks[k + 1].first == np->end + 1 &&
            tag(c, np->head) == KH_UPOS_PROPN && tag(c, c->chunks[k + 1].head) == KH_UPOS_PROPN) {
            /* Only when the list ends in "and"/"or" + NP, all names. */
            size_t q = k + 1;
            while (q + 1 < last && c->chunks[q].kind == KH_CHUNK_NP && c->chunks[q].end + 1 < e &&
                   is_punct(c, c->chunks[q].end, ',') && c->chunks[q + 1].kind == KH_CHUNK_NP &&
                   c->chunks[q + 1].first == c->chunks[q].end + 1)
                q++;
            const kh_chunk *lastm = &c->chunks[q];
            if (lastm->end + 1 < e && tag(c, lastm->end) == KH_UPOS_CCONJ && q + 1 < last &&
                c->chunks[q + 1].kind == KH_CHUNK_NP && c->chunks[q + 1].first == lastm->end + 1 &&
                tag(c, c->chunks[q + 1].head) == KH_UPOS_PROPN) {
                np->flags |= KH_NP_COORD;
                np->member = (int32_t)(k + 1);
                for (size_t r = k + 1; r < q; r++) {
                    c->chunks[r].flags |= KH_NP_COORD;
                    c->chunks[r].member = (int32_t)(r + 1);
                }
            }
        }
        /* NP and NP (not across a verb): coordination. */
        if (np->end + 1 < e && tag(c, np->end) == KH_UPOS_CCONJ &&
            (!strcmp(low(c, np->end), "and") || !strcmp(low(c, np->end), "or")) && k + 1 < last &&
            c->chunks[k + 1].kind == KH_CHUNK_NP && c->chunks[k + 1].first == np->end + 1) {
            np->flags |= KH_NP_COORD;
            np->member = (int32_t)(k + 1);
        }
        /* "Security Forces (SFs) and militants": an acronym in parentheses
         * between the first member and "and". */
        if (np->end + 4 < e && is_punct(c, np->end, '(') && k + 2 < last &&
            c->chunks[k + 1].kind == KH_CHUNK_NP && c->chunks[k + 1].first == np->end + 1 &&
            c->chunks[k + 1].end + 2 < e && is_punct(c, c->chunks[k + 1].end, ')') &&
            tag(c, c->chunks[k + 1].end + 1) == KH_UPOS_CCONJ &&
            (!strcmp(low(c, c->chunks[k + 1].end + 1), "and") || !strcmp(low(c, c->chunks[k + 1].end + 1), "or")) &&
            c->chunks[k + 2].kind == KH_CHUNK_NP && c->chunks[k + 2].first == c->chunks[k + 1].end + 2) {
            np->flags |= KH_NP_COORD;
            np->member = (int32_t)(k + 2);
        }
        /* NAME , NP [PP]* ( , | . | verb ): apposition. */
        if (np->end + 1 < e && is_punct(c, np->end, ',') && tag(c, np->head) == KH_UPOS_PROPN &&
            k + 1 < last && c->chunks[k + 1].kind == KH_CHUNK_NP &&
            c->chunks[k + 1].first == np->end + 1 && !(np->flags & KH_NP_PRONOUN)) {
            size_t q = k + 1;
            size_t after = c->chunks[q].end;
            while (q + 2 < last && c->chunks[q + 1].kind == KH_CHUNK_PP &&
                   c->chunks[q + 1].first == after && c->chunks[q + 2].kind == KH_CHUNK_NP) {
                q += 2;
                after = c->chunks[q].end;
            }
            if (after >= e || is_punct(c, after, ',') || is_punct(c, after, '.')) {
                c->chunks[k + 1].attach = (int32_t)k;
                np->flags |= KH_NP_APPOSITION;
            }
        }
    }
    return KH_OK;
}

kh_status kh_chunk_doc(kh_arena *arena, const kh_lexicon *lex, kh_doc *doc)
{
    if (!doc->upos || !doc->lemma) {
        doc->chunks = NULL;
        doc->n_chunks = 0;
        doc->clauses = NULL;
        doc->n_clauses = 0;
        return KH_OK;
    }
    chunk_ctx c;
    memset(&c, 0, sizeof c);
    c.arena = arena;
    c.lex = lex;
    c.doc = doc;
    if (lower_all(&c) != KH_OK)
        return KH_ERR_NOMEM;
    for (size_t si = 0; si < doc->n_sentences; si++) {
        const kh_sentence *se = &doc->sentences[si];
        size_t s = se->first_token, e = s + se->n_tokens;
        size_t first_chunk = c.n_chunks;
        kh_status st = raw_chunks(&c, (uint32_t)si, s, e);
        if (!st)
            st = structure(&c, (uint32_t)si, s, e, first_chunk);
        if (!st)
            st = kh_chk_clauses(&c, (uint32_t)si, s, e, first_chunk);
        if (st)
            return st;
    }
    doc->chunks = c.chunks;
    doc->n_chunks = c.n_chunks;
    doc->clauses = c.clauses;
    doc->n_clauses = c.n_clauses;
    return KH_OK;
}
