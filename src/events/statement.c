/*
 * statement.c: what a report says when it reports no act (the clause coder,
 * events/clause.c, asks once a sentence's other clauses are coded). "X said
 * ...", "X told reporters ..." whose content gives no event of its own is a
 * statement of the kind its content shows (statement_kinds: denial,
 * sympathy, accusation, criticism, praise, pessimism, optimism; else a plain
 * comment, 010), made by a political speaker, about the actor its content
 * names; routine attribution of a fact ("police said") is no event.
 *
 * The words of each kind are the dictionary's &STMT_ synsets (data/verbs.txt).
 */
#include <string.h>
#include <strings.h>

#include "events/coder.h"
#include "events/patterns.h"
#include "events/statement.h"

static const kh_code_rec *code_named(kh_coder *c, const char *code)
{
    return kh_dict_code(c->dict, code, strlen(code));
}

/* A media actor: a code whose role after the country (or alone) is MED. */
int kh_is_media(const char *code)
{
    if (!code)
        return 0;
    size_t n = strlen(code);
    return (n == 3 && !strcmp(code, "MED")) || (n >= 6 && !strncmp(code + 3, "MED", 3));
}

/* A role code with no country or organisation: "GOV", "BUS", "MIL", a bare
 * "IGO" (but not "IGOUNOWFP"). */
int kh_is_bare_role(const char *code)
{
    return code && (!strcmp(code, "IGO") || !strcmp(code, "NGO") || kh_actors_code_needs_country(code));
}

/* A speaker whose words attribute facts: the police, the media,
 * civilians, schools, hospitals, refugees, criminals, unknown gunmen (a
 * role anywhere in the code). */
static int routine_speaker(const char *code)
{
    static const char *const routine[] = {"COP", "MED", "CVL", "EDU", "HLH", "REF", "CRM", "UAF", NULL};
    for (size_t n = strlen(code), at = 0; at + 3 <= n; at += 3)
        for (size_t k = 0; routine[k]; k++)
            if (!strncmp(code + at, routine[k], 3))
                return 1;
    return 0;
}

/* A speaker whose plain comments are political statements (CAMEO 010): a
 * named actor, a government, party, legislature, court, armed force or
 * organisation; not the police, the media, civilians, schools, hospitals,
 * refugees or criminals, whose words attribute facts. */
int kh_political_speaker(const char *code)
{
    return code && !kh_is_bare_role(code) && !routine_speaker(code);
}

/* Whether `speaker` makes a statement event: not one whose words
 * attribute facts ("police said", "a witness said"); for a plain comment
 * (010, `plain`) a political speaker named in the clause, not a pronoun
 * or a bare role ("he said", "officials said" with nothing of a kind are
 * too often attribution to be coded). */
int kh_statement_speaker(const kh_coder *c, int plain, const actor *speaker)
{
    if (!speaker->code || routine_speaker(speaker->code))
        return 0;
    return !plain || (kh_political_speaker(speaker->code) && c->doc->upos[speaker->first] != KH_UPOS_PRON);
}

/* What a statement says, by the synsets of data/verbs.txt, in the order a
 * content is classified (the first that matches wins): denial, sympathy,
 * accusation, criticism, praise, pessimism, optimism; else a plain
 * statement (010). */
static const struct {
    const char *synset, *code;
    int feeling; /* its words also name a speaker's feeling (kh_statement_state) */
} statement_kinds[] = {
    {"&STMT_DENIAL", "016", 0},    {"&STMT_SYMPATHY", "018", 1},  {"&STMT_ACCUSATION", "112", 0},
    {"&STMT_CRITICISM", "111", 1}, {"&STMT_PRAISE", "051", 0},    {"&STMT_PESSIMISM", "012", 1},
    {"&STMT_OPTIMISM", "013", 1},
};

void kh_statement_setup(kh_coder *c)
{
    for (size_t k = 0; k < KH_ARRAY_LEN(c->stmt_syn); k++)
        c->stmt_syn[k] = KH_NONE;
    for (size_t i = 0; i < c->dict->n_synsets; i++) {
        const char *name = kh_dict_str(c->dict, c->dict->synsets[i].name);
        for (size_t k = 0; k < KH_ARRAY_LEN(statement_kinds); k++)
            if (!strcasecmp(name, statement_kinds[k].synset))
                c->stmt_syn[k] = (uint32_t)i;
    }
}

/* The first clause of clause cl's sentence: a report's content may come
 * before it ("..., officials said"). */
size_t kh_sentence_clause0(const kh_doc *doc, size_t cl)
{
    while (cl > 0 && doc->clauses[cl - 1].sentence == doc->clauses[cl].sentence)
        cl--;
    return cl;
}

/* Clause k is cl or reported (at any depth) by it. */
int kh_reported_by(const kh_doc *doc, size_t k, size_t cl)
{
    for (int32_t p = (int32_t)k, depth = 0; p >= 0 && depth < 16; p = doc->clauses[p].parent, depth++)
        if ((size_t)p == cl)
            return 1;
    return 0;
}

/* The content of report `cli` has a clause one of whose verb patterns
 * matches in full: it reports an act (that the coder could not code, for
 * want of actors or by its mood), not a comment. */
static int content_names_act(kh_coder *c, size_t cli)
{
    const kh_doc *doc = c->doc;
    for (size_t k = kh_sentence_clause0(doc, cli); k < doc->n_clauses && doc->clauses[k].sentence == doc->clauses[cli].sentence; k++) {
        if (k == cli || !kh_reported_by(doc, k, cli))
            continue;
        const kh_clause *cl = &doc->clauses[k];
        const kh_chunk *vg = &doc->chunks[cl->verb];
        uint32_t w = vg->lemma ? kh_dict_word(c->dict, vg->lemma, strlen(vg->lemma)) : KH_NONE;
        size_t first = 0, n = w == KH_NONE ? 0 : kh_dict_patterns(c->dict, w, &first);
        /* A verb that names acts ("agree", "free", "extradite") names one
         * even where none of its patterns matched; light and copular verbs
         * name acts only through their patterns. */
        static const char *const light[] = {"be", "have", "do", "make", "take", "give", "get", "go",
                                            "come", "keep", "use", "remain", "continue", "need",
                                            "want", "see", "put", "set", "hold", "become", NULL};
        int is_light = 0;
        for (size_t q = 0; light[q] && !is_light; q++)
            is_light = !strcmp(vg->lemma, light[q]);
        if (n && !is_light)
            return 1;
        for (size_t q = 0; q < n; q++) {
            pmatch m;
            if (kh_try_pattern(&c->view, &c->dict->patterns[first + q], cl, vg, vg->head,
                               (vg->flags & KH_VG_PASSIVE) != 0, &m))
                return 1;
        }
    }
    return 0;
}

/* The content of report `cli` only reports facts: each of its finite
 * clauses is a past or perfect assertion ("police said the militants had
 * planted bombs", "a spokesman confirmed an adviser was among the dead"),
 * none a present, future, modal, negated or intended one, none in the
 * first person, none an assessment ("the border was calm"). A plain
 * comment on such a content is routine attribution, not a statement; an
 * opinion or a position ("said the talks will fail", "said we do not
 * know", "...is a commitment of honour") is one. */
static int content_only_facts(kh_coder *c, size_t cli)
{
    const kh_doc *doc = c->doc;
    int finite = 0;
    for (size_t k = kh_sentence_clause0(doc, cli); k < doc->n_clauses && doc->clauses[k].sentence == doc->clauses[cli].sentence; k++) {
        if (k == cli || !kh_reported_by(doc, k, cli))
            continue;
        const kh_clause *cl = &doc->clauses[k];
        const kh_chunk *vg = &doc->chunks[cl->verb];
        size_t a = vg->aux_first;
        if ((vg->flags & KH_VG_PARTICIPLE) || (cl->subject < 0 && a == vg->head) ||
            kh_view_word_is(&c->view, a, "to") ||
            (a > 0 && (kh_view_word_is(&c->view, a - 1, "to") || doc->upos[a - 1] == KH_UPOS_ADP)))
            continue; /* no finite verb: an infinitive, a participle ("his pledge made
                       * during the campaign"), a gerund */
        if (!(vg->flags & (KH_VG_PAST | KH_VG_PERFECT)) ||
            (vg->flags & (KH_VG_MODAL | KH_VG_FUTURE | KH_VG_NEGATED | KH_VG_INTENT | KH_VG_REPORTING)))
            return 0;
        /* "was calm", "was already widespread": an assessment, not a fact. */
        size_t t = vg->end;
        while (t < doc->n_tokens && doc->upos[t] == KH_UPOS_ADV)
            t++;
        if (vg->lemma && !strcmp(vg->lemma, "be") && t < doc->n_tokens && doc->upos[t] == KH_UPOS_ADJ)
            return 0;
        if (cl->subject >= 0 && (doc->chunks[cl->subject].flags & KH_NP_PRONOUN)) {
            size_t f = doc->chunks[cl->subject].first;
            if (kh_view_word_is(&c->view, f, "i") || kh_view_word_is(&c->view, f, "we"))
                return 0;
        }
        finite = 1;
    }
    return finite;
}

/* The first statement kind (an index of statement_kinds, below `best`)
 * whose words stand in tokens [first, end), else `best`. */
static size_t kind_in(const kh_coder *c, size_t first, size_t end, size_t best)
{
    for (size_t t = first; t < end; t++) {
        uint32_t node = c->view.mnode[t];
        if (!node)
            continue;
        for (size_t s = 0; s < best; s++)
            if (c->stmt_syn[s] != KH_NONE && kh_node_payload(c->dict, node, KH_P_SYNSET, c->stmt_syn[s]))
                best = s;
    }
    return best;
}

/* The code record of statement kind `best` (an index of statement_kinds,
 * or its length for a plain comment, 010); *kind names it. */
static const kh_code_rec *kind_code(kh_coder *c, size_t best, const char **kind)
{
    *kind = best < KH_ARRAY_LEN(statement_kinds) ? statement_kinds[best].synset : "no other kind";
    const kh_code_rec *r = code_named(c, best < KH_ARRAY_LEN(statement_kinds) ? statement_kinds[best].code : "010");
    return r ? r : code_named(c, "010");
}

/* The kind of statement the content of report `cli` makes (its reported
 * clauses' words), as an event code record. */
const kh_code_rec *kh_statement_code(kh_coder *c, size_t cli, const char **kind)
{
    const kh_doc *doc = c->doc;
    size_t best = KH_ARRAY_LEN(statement_kinds);
    for (size_t k = kh_sentence_clause0(doc, cli); k < doc->n_clauses && doc->clauses[k].sentence == doc->clauses[cli].sentence; k++) {
        if (k == cli || !kh_reported_by(doc, k, cli))
            continue;
        best = kind_in(c, doc->clauses[k].first, doc->clauses[k].end, best);
    }
    if (best == KH_ARRAY_LEN(statement_kinds) && content_names_act(c, cli)) {
        *kind = "an act it could not code";
        return NULL;
    }
    if (best == KH_ARRAY_LEN(statement_kinds) && content_only_facts(c, cli)) {
        *kind = "only facts of the past (routine attribution)";
        return NULL;
    }
    return kind_code(c, best, kind);
}

/* The statement tokens [first, end) make by their words (the kinds of
 * statement_kinds, else a plain comment, 010); *kind says which. */
const kh_code_rec *kh_statement_words(kh_coder *c, size_t first, size_t end, const char **kind)
{
    return kind_code(c, kind_in(c, first, end, KH_ARRAY_LEN(statement_kinds)), kind);
}

int kh_has_reported_children(kh_coder *c, size_t cli)
{
    for (size_t k = 0; k < c->doc->n_clauses; k++)
        if (c->doc->clauses[k].parent == (int32_t)cli)
            return 1;
    return 0;
}

/* The statement a clause makes by its subject's state of mind: a
 * participle naming a feeling of one of the kinds ("Uganda was
 * disappointed by the stalemate", "Tokyo is concerned about the move",
 * a headline's "MINISTER ALARMED AT ..."), of a verb that names no act (it
 * has no pattern: "threatened", "attacked" are acts done to the subject).
 * NULL when the clause is no such statement; *kind names the kind. */
const kh_code_rec *kh_statement_state(kh_coder *c, size_t cli, const char **kind, size_t *tok)
{
    const kh_doc *doc = c->doc;
    const kh_clause *cl = &doc->clauses[cli];
    const kh_chunk *vg = &doc->chunks[cl->verb];
    if ((vg->flags & KH_VG_NEGATED) || cl->subject < 0 || !vg->lemma)
        return NULL;
    /* The word of the feeling: the passive's participle, or what follows
     * a copula ("was deeply concerned", "remains optimistic"). */
    size_t t = vg->head;
    if (!(vg->flags & KH_VG_PASSIVE)) {
        if (strcmp(vg->lemma, "be") && strcmp(vg->lemma, "remain") && strcmp(vg->lemma, "feel"))
            return NULL;
        const kh_sentence *se = &doc->sentences[cl->sentence];
        size_t end = se->first_token + se->n_tokens;
        for (t = vg->end; t < end && doc->upos[t] == KH_UPOS_ADV; t++)
            ;
        /* A participle ("concerned", "dismayed"), not an adjective that
         * describes the subject ("Iran is dangerous" is said of Iran,
         * not by it); "be optimistic" and its like are verb patterns. */
        const kh_token *tk = t < end ? &doc->tokens[t] : NULL;
        if (!tk || (doc->upos[t] != KH_UPOS_ADJ && doc->upos[t] != KH_UPOS_VERB) || tk->norm_len < 3 ||
            strncasecmp(tk->norm + tk->norm_len - 2, "ed", 2))
            return NULL;
    }
    size_t first = 0;
    uint32_t w = c->lemw[t];
    if (w != KH_NONE && kh_dict_patterns(c->dict, w, &first))
        return NULL;
    size_t best = kind_in(c, t, t + 1, KH_ARRAY_LEN(statement_kinds));
    /* Only the kinds that are feelings: "involved", "blamed" say what was
     * said of the subject, not what it feels. */
    if (best == KH_ARRAY_LEN(statement_kinds) || !statement_kinds[best].feeling)
        return NULL;
    *kind = statement_kinds[best].synset;
    *tok = t;
    return code_named(c, statement_kinds[best].code);
}

/* The actors NP chunk q names, into tgt, unless it is the speaker or the
 * speaker's own country ("Soviet" said by a Soviet official is not what
 * the statement is about) or the media; returns how many. */
static size_t about_np(kh_coder *c, size_t q, const actor *speaker, actor *tgt)
{
    size_t nt = kh_actors_resolve_target(&c->ax, (int32_t)q, -1, tgt);
    const char *tc = nt ? tgt[0].code : NULL, *sc = speaker->code;
    if (nt && (!tc || kh_is_media(tc) ||
               (sc && (!strcmp(tc, sc) || (strlen(tc) == 3 && !strncmp(tc, sc, 3))))))
        nt = 0;
    return nt;
}

/* The actor a feeling (kh_statement_state, at token tok) is about: the
 * first its phrase names before the next verb ("concerned about
 * Freedonia", "angry at the ministers"); returns how many, into tgt. */
size_t kh_statement_state_target(kh_coder *c, size_t si, size_t tok, const actor *speaker, actor *tgt)
{
    const kh_doc *doc = c->doc;
    size_t nt = 0;
    for (size_t q = kh_chunk_from(doc, tok + 1); q < doc->n_chunks && !nt; q++) {
        const kh_chunk *ch = &doc->chunks[q];
        if (ch->kind == KH_CHUNK_VG || ch->first <= tok || ch->sentence != si)
            break;
        if (ch->kind == KH_CHUNK_NP && !(ch->flags & KH_NP_PRONOUN))
            nt = about_np(c, q, speaker, tgt);
    }
    return nt;
}

/* The actor a statement of a kind (criticism, accusation, praise,
 * sympathy, worry) is about: the first actor its content names other than
 * the speaker ("North Korea said the tyrant is Bush", "Sylvania said
 * Freedonia's move was unacceptable"). */
size_t kh_statement_target(kh_coder *c, size_t cli, const actor *speaker, actor *tgt)
{
    const kh_doc *doc = c->doc;
    size_t si = doc->clauses[cli].sentence, nt = 0;
    for (size_t k = kh_sentence_clause0(doc, cli); k < doc->n_clauses && doc->clauses[k].sentence == si && !nt; k++) {
        if (k == cli || !kh_reported_by(doc, k, cli))
            continue;
        const kh_clause *cl = &doc->clauses[k];
        for (size_t q = kh_chunk_from(doc, cl->first); q < doc->n_chunks && !nt; q++) {
            const kh_chunk *ch = &doc->chunks[q];
            if (ch->first >= cl->end || ch->sentence != si)
                break;
            if (ch->kind != KH_CHUNK_NP || (ch->flags & KH_NP_PRONOUN))
                continue;
            nt = about_np(c, q, speaker, tgt);
        }
    }
    if (nt)
        kh_coder_trace(c, si, "  the statement is about %s: its target", tgt[0].code);
    return nt;
}
