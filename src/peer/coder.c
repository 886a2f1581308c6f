/*
 * imported.c: codes sentences with imported TABARI and PETRARCH
 * dictionaries by those coders' own rules, not khaldun's clause rules.
 * coder.c calls kh_code_imported_sentence() for each sentence when the
 * dictionary holds patterns flagged KH_PAT_TABARI or KH_PAT_PETRARCH.
 *
 * The algorithm is TABARI's shallow parse (manual chapters 5-7) over
 * khaldun's tokens:
 *   1. the words TABARI sees (possessive 's, final stops and hyphens
 *      kh_peer_dropped), each with its candidate word ids: the folded form and
 *      every "prefix*" stem the dictionary holds (longest first);
 *   2. actors and agents by longest trie match (stems included); null
 *      coded actors become nouns, ### discards the sentence, +++ sets it
 *      aside; verbs are words with patterns, shifted to nouns after
 *      THE/A/AN or when capitalised mid-sentence;
 *   3. agents join an actor next to them or after OF/IN ("PRESIDENT OF
 *      ISRAEL"), the agent code before or after per KH_AGENT_PREFIX;
 *      parsed compounds ("A, B and C") and coded ones ("A/B") become one
 *      unit with several codes; pronouns take their referent's codes;
 *   4. comma-delimited clauses of 2..10 words are dropped (TABARI pairs the
 *      commas), the rest is split into clauses at conjunctions outside
 *      compounds;
 *   5. per clause, verbs left to right: patterns by decreasing weight,
 *      matched forward to the clause's end and backward to the sentence's
 *      start with gaps (PETRARCH: never across a comma or conjunction
 *      unless the pattern names it), $ + % ^ slots; the first coded match
 *      codes the clause (subordinate codes only when nothing else is
 *      found, dominant codes always);
 *   6. default source (first actor of the clause, kept across clauses)
 *      and target (first actor after the verb with another code, else
 *      before it), passive voice (WAS/WERE/BEEN ... verb ... BY) swaps
 *      them, paired codes add the reverse event.
 * PETRARCH patterns are matched the same way, except that the verb must
 * be tagged as a verb by khaldun's tagger.
 */
#include "peer/peer.h"

/* ---------------------------------------------------------------------- */
/* The sentence                                                           */

/* The story and sentence numbers of a record id by a FORWARD: format
 * (TABARI 8.4.1: ^ leading blanks, * any character, N story, S sentence). */
static void forward_ids(const char *fmt, const char *id, char *story, size_t cap, long *sent)
{
    size_t k = 0;
    *sent = -1;
    while (*fmt == '^')
        fmt++;
    while (*id == ' ' || *id == '\t')
        id++;
    for (; *fmt && *id; fmt++, id++) {
        if (*fmt == 'N' && k + 1 < cap)
            story[k++] = *id;
        else if (*fmt == 'S' && kh_is_digit((unsigned char)*id))
            *sent = (*sent < 0 ? 0 : *sent * 10) + (*id - '0');
    }
    story[k] = '\0';
}

/* FORWARD: the code a leading pronoun stands for, when this sentence
 * follows the last one coded in the same story (the next record of the
 * story by its id, or the next sentence of the record). */
static const char *forwarded(kh_coder *c, size_t si)
{
    if (!PEER(c)->opts.forward)
        return NULL;
    /* A copy: events keep it after PEER(c)->fwd moves on. */
    if (si > 0)
        return PEER(c)->fwd.code[0] ? kh_arena_strndup(&c->arena, PEER(c)->fwd.code, strlen(PEER(c)->fwd.code))
                               : NULL;
    char story[32];
    long sent;
    forward_ids(PEER(c)->opts.fwd_fmt, c->story->id ? c->story->id : "", story, sizeof story, &sent);
    int next = PEER(c)->fwd.code[0] && sent >= 0 && PEER(c)->fwd.sent >= 0 && sent == PEER(c)->fwd.sent + 1 &&
               !strcmp(story, PEER(c)->fwd.story);
    snprintf(PEER(c)->fwd.story, sizeof PEER(c)->fwd.story, "%s", story);
    PEER(c)->fwd.sent = sent;
    return next ? kh_arena_strndup(&c->arena, PEER(c)->fwd.code, strlen(PEER(c)->fwd.code)) : NULL;
}

/* Remembers the sentence's first actor (not a pronoun) for FORWARD. */
static void forward_remember(const im_sent *s)
{
    kh_coder *c = s->c;
    PEER(c)->fwd.code[0] = '\0';
    size_t best = SIZE_MAX;
    for (size_t k = 0; k < s->nu; k++) {
        const im_unit *u = &s->u[k];
        if (u->dead || u->pron || u->deflt || !u->n || u->first >= best)
            continue;
        best = u->first;
        snprintf(PEER(c)->fwd.code, sizeof PEER(c)->fwd.code, "%s", u->base ? u->base : u->codes[0]);
    }
    if (s->si > 0 && PEER(c)->fwd.sent >= 0)
        PEER(c)->fwd.sent++;
}

/* A verb for the complexity filter (TABARI 8.7). TABARI: a verb whose root
 * phrase stands in the text ("TO_POST_" is no verb at "to" alone), unless
 * it is null-coded and has no pattern: those are type NULL and do not
 * count; whether a pattern matches does not matter. PETRARCH: its first
 * matching pattern has a code. */
static int verb_live(im_sent *s, size_t v)
{
    const pref *pats;
    size_t np = kh_peer_verb_patterns(s, v, &pats);
    if (!s->petrarch) {
        /* live: the form's; its own entries stand last (match.c pref_cmp) */
        if (!np || !s->w[v].form->live)
            return 0;
        for (size_t k = s->w[v].form->bare0; k < np; k++) {
            mstate m;
            if (kh_peer_pref_may(s, &pats[k]) && kh_peer_match_pattern(s, pats[k].p, v, &m))
                return 1;
        }
        return 0;
    }
    for (size_t k = 0; k < np; k++) {
        mstate m;
        if (kh_peer_pref_may(s, &pats[k]) && kh_peer_match_pattern(s, pats[k].p, v, &m))
            return !(pats[k].p->flags & KH_PAT_NULL);
    }
    return 0;
}

/* COMPLEX: (TABARI 8.7): why the sentence is set aside, or NULL. */
static const char *complex_why(im_sent *s)
{
    const kh_peer_opts *o = &PEER(s->c)->opts;
    if (!o->cx_verbs && !o->cx_conj && !o->cx_actors && !o->cx_pron && !o->cx_comma &&
        !o->cx_lateverb && !(o->cx_flags & PEER_CX_MASK))
        return NULL;
    size_t verbs = 0, conj = 0, actors = 0, pron = 0, commas = 0, first_verb = SIZE_MAX;
    for (size_t i = 0; i < s->n; i++) {
        const im_word *w = &s->w[i];
        if (w->cls == C_VERB && !w->elim && verb_live(s, i)) {
            verbs++;
            if (first_verb == SIZE_MAX)
                first_verb = i;
        }
        if (w->cls == C_CONJ && !w->incomp)
            conj++;
        if (w->cls == C_PRON)
            pron++;
        if (w->elim && w->cls == C_COMMA)
            commas++;
    }
    int prior = 0, after = 0;
    for (size_t k = 0; k < s->nu; k++) {
        const im_unit *u = &s->u[k];
        if (u->dead || u->deflt || s->w[u->first].elim)
            continue;
        actors++;
        if (first_verb != SIZE_MAX && u->first < first_verb)
            prior = 1;
        if (first_verb != SIZE_MAX && u->first > first_verb)
            after = 1;
    }
    if (o->cx_verbs && verbs >= o->cx_verbs)
        return "VERBS";
    if (o->cx_conj && conj >= o->cx_conj)
        return "CONJ";
    if (o->cx_actors && actors >= o->cx_actors)
        return "ACTORS";
    if (o->cx_pron && pron >= o->cx_pron)
        return "PRONOUNS";
    if (o->cx_comma && commas >= o->cx_comma)
        return "COMMA";
    if (o->cx_lateverb && (first_verb == SIZE_MAX || first_verb >= o->cx_lateverb))
        return "LATEVERB";
    if ((o->cx_flags & PEER_CX_NOVERB) && first_verb == SIZE_MAX)
        return "NOVERB";
    if ((o->cx_flags & PEER_CX_NOACTPRIOR) && first_verb != SIZE_MAX && !prior)
        return "NOACTPRIOR";
    if ((o->cx_flags & PEER_CX_NOACTAFTER) && first_verb != SIZE_MAX && !after)
        return "NOACTAFTER";
    return NULL;
}

int kh_peer_dict(const kh_dict *d)
{
    for (size_t i = 0; i < d->n_patterns; i++)
        if (d->patterns[i].flags & (KH_PAT_TABARI | KH_PAT_PETRARCH))
            return 1;
    return 0;
}

static kh_status code_sentence(im_sent *s);
static uint32_t find_synset(const kh_dict *d, const char *name);

/* TABARI's words are what blanks delimit (manual 7.3): a ticker
 * "<CHV>", three tokens to khaldun, is one word to TABARI, and one that
 * no dictionary entry names. Returns the last token of such a run glued
 * together from "<" to ">" starting at token t (before `end`), or t when
 * none starts there. */
static size_t ticker_run(const kh_doc *doc, size_t t, size_t end)
{
    const kh_token *a = &doc->tokens[t];
    if (a->norm_len != 1 || a->norm[0] != '<')
        return t;
    for (size_t k = t + 1; k < end && k <= t + 4; k++) {
        const kh_token *p = &doc->tokens[k - 1], *q = &doc->tokens[k];
        if (p->off + p->len != q->off)
            return t;
        if (q->norm_len == 1 && q->norm[0] == '>')
            return k;
    }
    return t;
}

static kh_status peer_sentence(kh_coder *c, void *state, size_t si)
{
    (void)state; /* reached through PEER(c) by the helpers */
    const kh_doc *doc = c->doc;
    const kh_sentence *se = &doc->sentences[si];
    im_sent *s = (im_sent *)kh_arena_calloc(&c->arena, 1, sizeof *s);
    if (!s)
        return KH_ERR_NOMEM;
    s->c = c;
    s->d = c->dict;
    s->si = si;
    s->gap = kh_dict_word(c->dict, KH_WORD_GAP, 1);
    s->syn_noun = PEER(c)->syn_noun;
    s->syn_adj = PEER(c)->syn_adj;
    kh_peer_forms_trim(c);
    /* a token may give several words ("snow-capped", "Dol_Amroth") */
    size_t cap = 0;
    for (size_t t = se->first_token; t < se->first_token + se->n_tokens; t++) {
        cap++;
        for (size_t b = 0; b < doc->tokens[t].norm_len; b++)
            cap += doc->tokens[t].norm[b] == '-' || doc->tokens[t].norm[b] == '_';
    }
    if (cap > IM_MAX_WORDS)
        cap = IM_MAX_WORDS;
    s->w = (im_word *)kh_arena_calloc(&c->arena, cap + 1, sizeof *s->w);
    s->u = (im_unit *)kh_arena_calloc(&c->arena, IM_MAX_UNITS, sizeof *s->u);
    if (!s->w || !s->u || !PEER(c)->pats)
        return KH_ERR_NOMEM;
    int lower = 0, petr = 0;
    for (size_t i = 0; i < c->dict->n_patterns && i < 64; i++)
        if (c->dict->patterns[i].flags & KH_PAT_PETRARCH)
            petr = 1;
    s->petrarch = petr;
    s->clause_hi = SIZE_MAX; /* a clause sets its own end (match.c) */
    if (petr)
        (void)kh_peer_upos(s); /* PETRARCH reads the tags throughout */
    size_t id_cap = 0;
    for (size_t t = se->first_token; t < se->first_token + se->n_tokens && s->n < cap; t++) {
        const kh_token *tk = &doc->tokens[t];
        for (size_t b = 0; b < tk->norm_len && !lower; b++)
            lower = kh_is_lower((unsigned char)tk->norm[b]);
        size_t tick = petr ? t : ticker_run(doc, t, se->first_token + se->n_tokens);
        if (tick != t) {
            im_word *w = &s->w[s->n++];
            w->tok = (uint32_t)t;
            w->unit = IM_NONE;
            w->agent = IM_NONE;
            w->id0 = (uint32_t)s->n_ids; /* no candidates: it names nothing */
            t = tick;
            continue;
        }
        /* TABARI's filter reads ( ) : ; as commas (parser.cp filterText) */
        int tcomma = !petr && (tk->flags & KH_TOK_PUNCT) && tk->norm_len == 1 &&
                     strchr("():", tk->norm[0]);
        /* and keeps a quotation mark as a word of its own, naming nothing */
        if (!petr && (tk->flags & KH_TOK_QUOTE) && tk->norm_len == 1 && tk->norm[0] == '"') {
            im_word *w = &s->w[s->n++];
            w->tok = (uint32_t)t;
            w->unit = IM_NONE;
            w->agent = IM_NONE;
            w->id0 = (uint32_t)s->n_ids;
            continue;
        }
        if (kh_peer_dropped(tk) && !tcomma) {
            if ((tk->flags & KH_TOK_POSSESSIVE) && s->n < cap)
                s->w[s->n].poss = 1;
            continue;
        }
        /* TABARI joins words with `_` in texts as in dictionaries:
         * "Dol_Amroth" is the words DOL AMROTH; and it blanks hyphens in
         * the text (manual 5.2, since 0.7.3): "Cuban-backed" is CUBAN
         * BACKED. PETRARCH keeps its parser's tokens. */
        size_t from = 0;
        for (size_t b = 0; b <= tk->norm_len && s->n < cap; b++) {
            if (b < tk->norm_len && tk->norm[b] != '_' && (tk->norm[b] != '-' || petr))
                continue;
            if (b == from || tk->norm_len > 60000) {
                from = b + 1;
                continue;
            }
            im_word *w = &s->w[s->n++];
            w->tok = (uint32_t)t;
            w->unit = IM_NONE;
            w->agent = IM_NONE;
            if (from || b < tk->norm_len) {
                w->off = (uint16_t)from;
                w->len = (uint16_t)(b - from);
            }
            kh_status st = kh_peer_candidates(s, w, &id_cap);
            if (st)
                return st;
            from = b + 1;
        }
    }
    s->allcaps = !lower;
    kh_peer_mark_ids(s);
    kh_coder_trace(c, si, "imported dictionary (%s rules): %zu words",
                   petr ? "PETRARCH" : "TABARI", s->n);
    s->fwd = forwarded(c, si);
    kh_status st = code_sentence(s);
    if (!st && PEER(c)->opts.forward)
        forward_remember(s);
    return st;
}

/* The reserved synset `name` (KH_SYN_NOUN, KH_SYN_ADJECTIVE), KH_NONE when
 * the dictionary has none. */
static uint32_t find_synset(const kh_dict *d, const char *name)
{
    for (size_t i = 0; i < d->n_synsets; i++)
        if (!strcmp(kh_dict_str(d, d->synsets[i].name), name))
            return (uint32_t)i;
    return KH_NONE;
}

/* Does a phrase of list `syn` start at word i (forward) or end at word i
 * (backward)? Returns the word past it in that direction (SIZE_MAX when
 * it runs off the sentence: callers check bounds), or i itself when none. */
static size_t list_phrase(const im_sent *s, size_t i, uint32_t syn, int dir)
{
    if (syn == KH_NONE || i >= s->n)
        return i;
    if (dir > 0) {
        trie_best b = {0, 0, 0};
        kh_peer_trie_walk(s, 0, i, 0, kh_peer_node_synset, syn, 0, &b);
        return b.node ? b.end : i;
    }
    for (size_t k = i + 1; k-- > 0 && i - k < IM_MAX_PHRASE;) {
        trie_best b = {0, 0, 0};
        kh_peer_trie_walk(s, 0, k, 0, kh_peer_node_synset, syn, 0, &b);
        if (b.node && b.end == i + 1)
            return k == 0 ? SIZE_MAX : k - 1;
        if (k == 0)
            break;
    }
    return i;
}

/* TABARI 7.5.1: is the conjunction at word i inside a compound noun
 * phrase <noun> <conj> <adjective>* <noun> or a compound adjective phrase
 * <adjective> <conj> <adjective>, by the dictionary's <NOUN> and
 * <ADJECTIVE> lists? Such a conjunction does not split clauses. */
static int compound_phrase_conj(const im_sent *s, size_t i)
{
    if (i == 0 || i + 1 >= s->n)
        return 0;
    int noun_before = list_phrase(s, i - 1, s->syn_noun, -1) != i - 1;
    int adj_before = list_phrase(s, i - 1, s->syn_adj, -1) != i - 1;
    size_t k = i + 1;
    if (adj_before && list_phrase(s, k, s->syn_adj, 1) != k)
        return 1;
    if (!noun_before)
        return 0;
    for (size_t j = 0; j < IM_MAX_PHRASE && k < s->n; j++) {
        size_t e = list_phrase(s, k, s->syn_adj, 1);
        if (e == k)
            break;
        k = e;
    }
    return k < s->n && list_phrase(s, k, s->syn_noun, 1) != k;
}

/* The parse as TABARI displays it (manual 7.2), for `khaldun explain`:
 * each word with its class (A actor, G agent, V verb, N noun, C
 * conjunction, P pronoun, x eliminated) and, at a unit's first word, its
 * codes. */
static void trace_parse(im_sent *s)
{
    static const char cls[] = "-AGVNC,DPbWoF";
    if (!s->c->opt.trace)
        return;
    char line[900];
    size_t n = 0;
    for (size_t i = 0; i < s->n && n + 80 < sizeof line; i++) {
        const im_word *w = &s->w[i];
        const kh_token *t = &s->c->doc->tokens[w->tok];
        size_t fl = w->len ? w->len : t->norm_len;
        n += (size_t)snprintf(line + n, sizeof line - n, " %.*s/%c%s", (int)(fl > 24 ? 24 : fl),
                              t->norm + w->off, w->cls < sizeof cls - 1 ? cls[w->cls] : '?',
                              w->elim ? "x" : "");
        int32_t ui = w->unit;
        if (ui >= 0 && s->u[ui].first == i && !s->u[ui].dead)
            for (uint32_t k = 0; k < s->u[ui].n && n + 40 < sizeof line; k++)
                n += (size_t)snprintf(line + n, sizeof line - n, "%c%s", k ? ',' : '[',
                                      s->u[ui].codes[k]);
        if (ui >= 0 && s->u[ui].first == i && !s->u[ui].dead && s->u[ui].n)
            line[n++] = ']';
        line[n] = '\0';
    }
    kh_coder_trace(s->c, s->si, "  parse:%s", line);
}

static kh_status code_sentence(im_sent *s)
{
    kh_coder *c = s->c;
    size_t si = s->si;
    if (PEER(c)->opts.min_words && s->n < PEER(c)->opts.min_words) {
        kh_coder_trace(c, si, "  %zu words, fewer than MINIMUM WORDS %u: not coded", s->n,
                       (unsigned)PEER(c)->opts.min_words);
        return KH_OK;
    }
    if (kh_peer_classify(s))
        return KH_OK;
    kh_peer_attach_agents(s);
    kh_peer_find_compounds(s);
    if (s->petrarch)
        kh_peer_spread_agents(s);
    kh_peer_drop_comma_clauses(s);
    kh_peer_resolve_pronouns(s);
    trace_parse(s);
    if (PEER(c)->opts.time_shift && kh_peer_time_shift(s)) {
        kh_coder_trace(c, si, "  <TIME> discard: sentence not coded");
        return KH_OK;
    }
    const char *why = complex_why(s);
    if (why) {
        kh_coder_trace(c, si, "  complex (%s): sentence not coded", why);
        return KH_OK;
    }
    /* Clauses at conjunctions outside compounds; NOUN and (ADJ)* NOUN is
     * a compound noun phrase, not a clause break. */
    clause_state cs = {IM_NONE, 0};
    size_t lo = 0;
    int first = 1;
    const uint8_t *upos = NULL; /* tagged at the first conjunction between words */
    for (size_t i = 0; i <= s->n; i++) {
        int brk = i == s->n;
        if (!brk && s->w[i].cls == C_CONJ && !s->w[i].incomp && !s->w[i].elim) {
            brk = 1;
            if (!upos && i > 0 && i + 1 < s->n && s->w[i - 1].cls == C_NONE &&
                s->w[i + 1].cls == C_NONE)
                upos = kh_peer_upos(s); /* the tags decide nothing elsewhere */
            if (s->syn_noun != KH_NONE || s->syn_adj != KH_NONE)
                brk = !compound_phrase_conj(s, i);
            else if (upos && i > 0 && i + 1 < s->n && s->w[i - 1].cls == C_NONE &&
                upos[s->w[i - 1].tok] == KH_UPOS_NOUN) {
                size_t k = i + 1;
                while (k < s->n && s->w[k].cls == C_NONE && upos[s->w[k].tok] == KH_UPOS_ADJ)
                    k++;
                if (k < s->n && s->w[k].cls == C_NONE && upos[s->w[k].tok] == KH_UPOS_NOUN)
                    brk = 0;
            }
            if (brk && s->petrarch && upos && i > 0 && i + 1 < s->n &&
                s->w[i - 1].cls == C_NONE && s->w[i + 1].cls == C_NONE &&
                upos[s->w[i - 1].tok] == KH_UPOS_ADV && upos[s->w[i + 1].tok] == KH_UPOS_ADV) {
                brk = 0; /* PETRARCH: "heavily and unjustly" is one adverb phrase */
                s->w[i].incomp = 1;
            }
        }
        if (!brk)
            continue;
        if (kh_peer_code_clause(s, lo, i, first, &cs)) {
            kh_coder_trace(c, si, "  sentence not coded");
            return KH_OK;
        }
        if (s->stop)
            break;
        first = 0;
        lo = i;
    }
    /* Subordinate events only when nothing else; dominant ones alone. */
    int dominant = 0, real = 0;
    for (size_t k = 0; k < s->n_ev; k++) {
        dominant |= (s->ev[k].pflags & KH_PAT_DOMINANT) != 0;
        real |= !(s->ev[k].pflags & KH_PAT_SUBORDINATE);
    }
    for (size_t k = 0; k < s->n_ev; k++) {
        uint32_t f = s->ev[k].pflags;
        if ((dominant && !(f & KH_PAT_DOMINANT)) || (real && (f & KH_PAT_SUBORDINATE)))
            continue;
        raw_event *ev = &s->ev[k].ev;
        if (s->have_shift && ev->date.year)
            ev->date = kh_date_from_days(kh_date_to_days(ev->date) + s->shift);
        kh_coder_trace(c, si, "  EVENT %s -> %s %s (%s)", ev->source, ev->target,
                       kh_dict_str(c->dict, ev->code->code), ev->mention.pattern);
        kh_status st = kh_coder_add_event(c, ev);
        if (st)
            return st;
    }
    return KH_OK;
}

static kh_status peer_option(kh_coder *c, void *state, const char *line)
{
    (void)c;
    return kh_peer_apply(&((peer_state *)state)->opts, line);
}

static void peer_free(kh_coder *c, void *state)
{
    if (state) {
        kh_peer_index_free(c, (peer_state *)state);
        kh_free(c->opt.alloc, ((peer_state *)state)->pats);
    }
    kh_free(c->opt.alloc, state);
}

static kh_status peer_init(kh_coder *c, const char *text, void **state)
{
    peer_state *ps = (peer_state *)kh_calloc(c->opt.alloc, 1, sizeof *ps);
    if (!ps)
        return KH_ERR_NOMEM;
    *state = ps;
    kh_peer_opts *o = &ps->opts;
    ps->fwd.sent = -1;
    ps->syn_noun = find_synset(c->dict, KH_SYN_NOUN);
    ps->syn_adj = find_synset(c->dict, KH_SYN_ADJECTIVE);
    /* room for a new form's two lists (index.c, form_new); a verb's
     * patterns are read in place from its form */
    ps->pats = (pref *)kh_malloc(c->opt.alloc, 2 * IM_MAX_PATS * sizeof(pref));
    if (!ps->pats)
        return KH_ERR_NOMEM;
    kh_status st = kh_peer_index_init(c, ps);
    if (st)
        return st;
    /* Without options of the caller's, those the image was built with
     * (its TABARI .options file), as TABARI codes with its project's. */
    if (!text)
        text = c->dict->peer_options;
    int petr = 0;
    for (size_t i = 0; i < c->dict->n_patterns; i++)
        if (c->dict->patterns[i].flags & (KH_PAT_TABARI | KH_PAT_PETRARCH)) {
            petr = (c->dict->patterns[i].flags & KH_PAT_PETRARCH) != 0;
            break;
        }
    o->time_shift = 1;
    o->min_words = petr ? 0 : 8; /* TABARI 8.2.3 */
    /* COMMA defaults (TABARI 8.6): the initial phrase is never kh_peer_dropped. */
    o->comma[0] = 2, o->comma[1] = 10, o->comma[2] = 2, o->comma[3] = 10;
    o->comma[4] = 128, o->comma[5] = 0;
    if (petr) {
        /* PETRARCH's config.ini: comma_min/max 2..8, comma_emin/emax 2..8,
         * comma_bmin/bmax 0 (never); require_dyad on. */
        o->comma[1] = o->comma[3] = 8;
        o->comma[4] = 0;
    }
    /* Lines not understood are skipped: an .options file may hold
     * commands of other TABARI versions; kh_coder_set_peer_option reports. */
    while (text && *text) {
        const char *eol = strchr(text, '\n');
        size_t len = eol ? (size_t)(eol - text) : strlen(text);
        char line[PEER_LINE_MAX];
        snprintf(line, sizeof line, "%.*s", (int)(len < PEER_LINE_MAX ? len : PEER_LINE_MAX - 1),
                 text);
        if (line[0] == '~')
            break;
        (void)kh_peer_apply(o, line);
        text = eol ? eol + 1 : text + len;
    }
    return KH_OK;
}

const kh_sentence_coder kh_peer_coder = {"peer", peer_init, peer_free, peer_option, peer_sentence,
                                         KH_SC_LAZY_TAGS};
