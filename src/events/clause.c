/*
 * clause.c: khaldun's own sentence coder (kh_clause_coder), clause by
 * clause over the language layer:
 *
 *   1. take the verb group's lemma and match its verb patterns
 *      (patterns.c; longest pattern wins), binding the target slot;
 *   2. resolve the subject and the target noun phrases to actor codes
 *      (the actors stage, src/actors/);
 *   3. apply voice (passive: the "by" phrase is the source), negation (a
 *      negated act is not coded), refusal ("refused to meet" = 125), intent
 *      ("wants to meet" = 036), reported speech (the reported act is coded;
 *      the bare report is not);
 *   4. date the event (resolve/dates.c) and place it (resolve/places.c),
 *
 * handing each event to the coder (coder.c), which merges them per story.
 */
#include <string.h>
#include <strings.h>

#include "events/coder.h"
#include "events/patterns.h"
#include "events/statement.h"
#include "resolve/places.h"

static const kh_code_rec *code_named(kh_coder *c, const char *code)
{
    return kh_dict_code(c->dict, code, strlen(code));
}

static const kh_code_rec *intent_code(kh_coder *c, const kh_code_rec *rec)
{
    const char *code = kh_dict_str(c->dict, rec->code);
    int root = (code[0] - '0') * 10 + (code[1] - '0');
    const char *to = NULL;
    switch (root) {
    case 3: case 1: case 2: case 9: case 10: case 11: case 12: case 13:
        return rec; /* already verbal: "wants to criticise" is criticism */
    case 4: to = "036"; break;
    case 5: to = "032"; break;
    case 6: to = "031"; break;
    case 7: to = "033"; break;
    case 8: to = !strncmp(code, "081", 3) || !strncmp(code, "083", 3) ? "034" : "035"; break;
    case 14: to = "130"; break;
    case 15: case 16: case 17: to = "130"; break;
    case 18: case 19: case 20: to = "138"; break;
    default: return rec;
    }
    const kh_code_rec *r = code_named(c, to);
    return r ? r : rec;
}

static const kh_code_rec *refusal_code(kh_coder *c, const kh_code_rec *rec)
{
    const char *code = kh_dict_str(c->dict, rec->code);
    int root = (code[0] - '0') * 10 + (code[1] - '0');
    const char *to = "120";
    if (root == 4 || !strcmp(code, "036"))
        to = "125";
    else if (root == 6)
        to = "121";
    else if (root == 7)
        to = "122";
    else if (root == 8)
        to = "124";
    else if (root >= 9)
        return NULL; /* refusing to attack is not a rejection event */
    const kh_code_rec *r = code_named(c, to);
    return r ? r : rec;
}

/* What did it, when a violent verb's subject is a weapon or an attack and
 * no one is named: the kind of attack decides the code (synsets of
 * data/verbs.txt). */
static const struct {
    const char *synset, *code;
} instrument_kinds[] = {
    {"&INSTR_BOMBING", "183"}, {"&INSTR_AIRSTRIKE", "195"}, {"&INSTR_SHELLING", "194"},
    {"&INSTR_ATTACK", "190"},
};

void kh_clause_coder_setup(kh_coder *c)
{
    kh_statement_setup(c);
    for (size_t k = 0; k < KH_ARRAY_LEN(c->instr_syn); k++)
        c->instr_syn[k] = KH_NONE;
    c->clash_syn = KH_NONE;
    for (size_t i = 0; i < c->dict->n_synsets; i++) {
        const char *name = kh_dict_str(c->dict, c->dict->synsets[i].name);
        if (!strcasecmp(name, "&CLASH"))
            c->clash_syn = (uint32_t)i;
        for (size_t k = 0; k < KH_ARRAY_LEN(instrument_kinds); k++)
            if (!strcasecmp(name, instrument_kinds[k].synset))
                c->instr_syn[k] = (uint32_t)i;
    }
    kh_nominal_setup(c);
}

/* The attack code of a subject phrase naming a weapon or an attack (its
 * head covered by an &INSTR_ synset), NULL when it names none. */
static const kh_code_rec *instrument_code(kh_coder *c, int32_t np)
{
    if (np < 0)
        return NULL;
    const kh_dict *d = c->dict;
    const kh_chunk *ch = &c->doc->chunks[np];
    for (size_t t = ch->first; t <= ch->head; t++) {
        uint32_t node = c->view.mnode[t];
        if (!node || t + c->view.mlen[t] <= ch->head)
            continue;
        for (size_t k = 0; k < KH_ARRAY_LEN(instrument_kinds); k++)
            if (c->instr_syn[k] != KH_NONE && kh_node_payload(d, node, KH_P_SYNSET, c->instr_syn[k]))
                return code_named(c, instrument_kinds[k].code);
    }
    return NULL;
}

/* One clause being coded: what the steps below find and hand on. */
typedef struct clause_job {
    size_t cli, si;
    const kh_clause *cl;
    const kh_chunk *vg;
    const kh_sentence *se;
    int passive;
    pmatch best;             /* the pattern that won */
    size_t best_tok;         /* its verb token (a chain verb or the head) */
    const kh_code_rec *code;
    uint32_t flags;          /* KH_EV_* */
    actor src[MAX_ACTORS], tgt[MAX_ACTORS];
    size_t ns, nt;
    int statement;           /* a report coded by what it says: 1, or 2 for a plain comment (010) */
    int future;              /* a headline's "X to VERB" */
    const char *modality;    /* why the clause is not a fact (modality.c), NULL if it is */
    int demand;              /* "X said Y must ...": X demands of Y */
    const char *how;         /* what coded it when no pattern did (a mention's "pattern") */
    kh_date_precision date_precision;
    const kh_noun_event *noun; /* an event told by a noun (nominal.c), NULL for a verb's */
} clause_job;

/* Clauses that are not events of their own: verbs an earlier pattern used,
 * participial phrases, gerunds after a preposition, infinitive complements. */
static int clause_is_own_event(kh_coder *c, clause_job *j)
{
    const kh_doc *doc = c->doc;
    const kh_chunk *vg = j->vg;
    size_t si = j->si;
    if (c->consumed && c->consumed[j->cli]) {
        kh_coder_trace(c, si, "  part of the pattern of an earlier verb: not an event of its own");
        return 0;
    }
    if (vg->flags & KH_VG_PARTICIPLE && !(vg->flags & KH_VG_PASSIVE) && j->cl->subject < 0) {
        kh_coder_trace(c, si, "  participial phrase: not an event of its own");
        return 0;
    }
    if (vg->aux_first > j->se->first_token && doc->upos[vg->aux_first - 1] == KH_UPOS_ADP) {
        kh_coder_trace(c, si, "  gerund after a preposition: not an event of its own");
        return 0;
    }
    if ((kh_view_word_is(&c->view, vg->aux_first, "to") && vg->aux_first != vg->head) ||
        (vg->aux_first > j->se->first_token && kh_view_word_is(&c->view, vg->aux_first - 1, "to") &&
         doc->upos[vg->aux_first - 1] == KH_UPOS_PART)) {
        /* "Minister to Visit North Korea": an infinitive no verb governs,
         * after its subject, is the future act of a headline. */
        int governed = 0;
        for (size_t k = j->cli; k-- > 0 && doc->clauses[k].sentence == si;)
            if (doc->chunks[doc->clauses[k].verb].end <= vg->aux_first)
                governed = 1;
        if (!governed && j->cl->subject >= 0 && doc->chunks[j->cl->subject].end <= vg->aux_first) {
            kh_coder_trace(c, si, "  \"X to VERB\" with no governing verb: a future act");
            j->future = 1;
            return 1;
        }
        kh_coder_trace(c, si, "  infinitive complement (\"urged X to ...\"): not an event of its own");
        return 0;
    }
    return 1;
}

/* The main verb's own pattern ("extradite $T", "agree") when none of its
 * patterns matched in full: the act is the verb's, whatever stands where
 * the pattern looked for its words; the target is then looked for in the
 * clause (clause_target). */
static int bare_pattern(kh_coder *c, clause_job *j)
{
    const kh_dict *d = c->dict;
    const char *lemma = j->vg->lemma ? j->vg->lemma : "";
    uint32_t w = kh_dict_word(d, lemma, strlen(lemma));
    size_t first = 0, n = w == KH_NONE ? 0 : kh_dict_patterns(d, w, &first);
    for (size_t k = 0; k < n; k++) {
        const kh_pattern *p = &d->patterns[first + k];
        const kh_elem *els = d->elems + p->first_elem;
        const char *code = kh_dict_str(d, d->codes[p->code].code);
        if (p->verb_pos != 0 || p->n_elems > 2 ||
            (p->n_elems == 2 && els[1].kind != KH_E_TARGET) || !strncmp(code, "01", 2))
            continue; /* a statement is coded by its content, never by a bare verb */
        memset(&j->best, 0, sizeof j->best);
        j->best.pat = p;
        j->best.target_np = -1;
        j->best.source_np = -1;
        j->best.last = (uint32_t)j->vg->head;
        j->best.score = 1;
        j->best_tok = j->vg->head;
        return 1;
    }
    return 0;
}

/* The best pattern of the clause's verbs: the chain verbs of the group first
 * ("refused" in "refused to meet", "threatened" in "threatened to impose"),
 * whose own patterns name the infinitive, then the main verb. Returns 0
 * (traced) when no pattern matched; marks later clauses whose verbs the
 * pattern used as part of this event. */
static int clause_pattern(kh_coder *c, clause_job *j)
{
    const kh_doc *doc = c->doc;
    const kh_dict *d = c->dict;
    const kh_chunk *vg = j->vg;
    const char *lemma = vg->lemma ? vg->lemma : "";
    size_t cands[8];
    size_t nc = 0;
    for (size_t t = vg->aux_first; t < vg->head && nc + 1 < KH_ARRAY_LEN(cands); t++)
        if (doc->upos[t] == KH_UPOS_VERB)
            cands[nc++] = t;
    cands[nc++] = vg->head;
    memset(&j->best, 0, sizeof j->best);
    int have = 0;
    size_t total = 0;
    j->best_tok = vg->head;
    for (size_t ci = 0; ci < nc; ci++) {
        size_t t = cands[ci];
        uint32_t w = t == vg->head ? kh_dict_word(d, lemma, strlen(lemma)) : c->lemw[t];
        size_t first = 0, n = w == KH_NONE ? 0 : kh_dict_patterns(d, w, &first);
        total += n;
        for (size_t k = 0; k < n; k++) {
            pmatch m;
            /* A chain verb's pattern must reach past the verb itself. */
            if (kh_try_pattern(&c->view, &d->patterns[first + k], j->cl, vg, t,
                               j->passive && t == vg->head, &m) &&
                (t == vg->head || m.score >= 2) && (!have || m.score > j->best.score)) {
                j->best = m;
                j->best_tok = t;
                have = 1;
            }
        }
    }
    if (!total) {
        kh_coder_trace(c, j->si, "  no pattern for '%s'", lemma);
        return 0;
    }
    if (!have && bare_pattern(c, j)) {
        have = 1;
        kh_coder_trace(c, j->si, "  %zu pattern%s for the verbs of this group, none matched in full:"
                       " the main verb's own pattern, its target looked for in the clause",
                       total, total == 1 ? "" : "s");
    }
    if (!have) {
        kh_coder_trace(c, j->si, "  %zu pattern%s for the verbs of this group, none matched", total,
                       total == 1 ? "" : "s");
        return 0;
    }
    for (size_t k = j->cli + 1; c->consumed && k < doc->n_clauses && doc->clauses[k].sentence == j->si; k++)
        if (doc->chunks[doc->clauses[k].verb].head <= j->best.last)
            c->consumed[k] = 1;
    return 1;
}

/* The event code and flags the pattern gives under the verb group's mood:
 * special codes, bare reports and negated acts are not coded; refusals
 * and intents change the code. Returns 0 (traced) when nothing is coded. */
static int clause_code(kh_coder *c, clause_job *j)
{
    const kh_dict *d = c->dict;
    const kh_chunk *vg = j->vg;
    size_t si = j->si;
    const kh_pattern *p = j->best.pat;
    const kh_code_rec *code = &d->codes[p->code];
    kh_coder_trace(c, si, "  pattern '%s' -> %s (%s)", kh_dict_str(d, p->text), kh_dict_str(d, code->code),
          kh_dict_str(d, p->src));
    /* Imported dictionaries' special codes: null (---), discard (###) and
     * complex (+++) patterns match in order to suppress coding. */
    const char *cs = kh_dict_str(d, code->code);
    if (cs[0] == '-' || cs[0] == '#' || cs[0] == '+' || code->quad == 0) {
        kh_coder_trace(c, si, "  special code '%s': nothing coded", cs);
        return 0;
    }
    /* A bare report ("X said ...") is not an event when what it reports is
     * coded in its own right. */
    int statement = 0;
    /* "X said ...", "X told reporters ...": a report whose pattern is a
     * plain statement. */
    int plain_report = ((p->flags & KH_PAT_NO_TARGET) && p->n_elems == 1) || !strcmp(cs, "010");
    if ((vg->flags & KH_VG_REPORTING) && plain_report && kh_has_reported_children(c, j->cli)) {
        if (!c->statement_pass) {
            kh_coder_trace(c, si, "  a report of other clauses: the reported acts are coded instead"
                                  " (a statement if they give none)");
            c->pending_report[j->cli] = 1;
            return 0;
        }
        const char *kind;
        const kh_code_rec *r = kh_statement_code(c, j->cli, &kind);
        if (!r) {
            kh_coder_trace(c, si, "  the report's content names %s: no statement", kind);
            return 0;
        }
        code = r;
        statement = strcmp(kind, "no other kind") ? 1 : 2;
        kh_coder_trace(c, si, "  the report's content gives no event: a statement (%s) -> %s", kind,
                       kh_dict_str(d, code->code));
    }
    if (vg->flags & KH_VG_NEGATED) {
        kh_coder_trace(c, si, "  negated: not coded");
        return 0;
    }
    uint32_t flags = 0;
    if (j->best_tok != vg->head) {
        /* The chain verb's own pattern names the act ("threaten impose
         * sanctions"): its code stands as written. */
    } else if (vg->flags & KH_VG_REFUSAL) {
        const kh_code_rec *r = refusal_code(c, code);
        if (!r) {
            kh_coder_trace(c, si, "  refusal of a conflictual act: not coded");
            return 0;
        }
        code = r;
        flags |= KH_EV_REFUSAL;
    } else if (((vg->flags & (KH_VG_INTENT | KH_VG_ATTEMPT | KH_VG_FUTURE | KH_VG_MODAL)) || j->future) &&
               !j->modality) {
        const kh_code_rec *r = intent_code(c, code);
        if (r != code)
            flags |= KH_EV_INTENT;
        code = r;
    }
    if (j->cl->flags & KH_CL_REPORTED)
        flags |= KH_EV_REPORTED;
    j->statement = statement;
    j->code = code;
    j->flags = flags;
    return 1;
}

/* An act the clause does not assert (modality.c) is not coded, or, when
 * the caller asked for such acts (KH_CODE_HYPOTHETICAL), flagged. */
static int clause_modality(kh_coder *c, clause_job *j)
{
    if (!j->modality)
        return 1;
    /* "The minister said the rebels must join the talks": what the
     * reporter says the subject must do is the reporter's demand of it. */
    const kh_code_rec *dem = !strcmp(j->modality, "obligation") && j->cl->reporter >= 0 &&
                             j->cl->subject >= 0 && !j->passive ? kh_demand_code(c, j->code) : NULL;
    if (dem) {
        kh_coder_trace(c, j->si, "  an obligation the reporter states: a demand of the subject -> %s",
                       kh_dict_str(c->dict, dem->code));
        j->code = dem;
        j->best.source_np = j->cl->reporter;
        j->best.target_np = j->cl->subject;
        j->modality = NULL;
        j->demand = 1;
        return 1;
    }
    if (!(c->opt.flags & KH_CODE_HYPOTHETICAL)) {
        kh_coder_trace(c, j->si, "  not a fact (%s): not coded", j->modality);
        return 0;
    }
    kh_coder_trace(c, j->si, "  not a fact (%s): coded, flagged hypothetical", j->modality);
    j->flags |= KH_EV_HYPOTHETICAL;
    return 1;
}

static void clause_target(kh_coder *c, clause_job *j)
{
    const kh_doc *doc = c->doc;
    const kh_clause *cl = j->cl;
    size_t after = j->best.last + 1 > j->vg->end ? j->best.last + 1 : j->vg->end;
    for (size_t k = kh_chunk_from(doc, after); k < doc->n_chunks && !j->nt; k++) {
        const kh_chunk *ch = &doc->chunks[k];
        if (ch->first >= cl->end || ch->sentence != j->si)
            break;
        if (ch->kind != KH_CHUNK_NP)
            continue;
        /* "(Reuters)", "(AP)": a credit in parentheses is not a party; an
         * area the act ran over ("along the Gaza Strip's border") is not
         * one either. */
        if (ch->first > 0 && (kh_view_word_is(&c->view, ch->first - 1, "(") ||
                              kh_actors_locative(&c->view, ch->first - 1)))
            continue;
        j->nt = kh_actors_resolve_target(&c->ax, (int32_t)k, cl->reporter, j->tgt);
        if (j->nt && j->src[0].code && !strcmp(j->tgt[0].code, j->src[0].code))
            j->nt = 0;
        if (j->nt)
            kh_coder_trace(c, j->si, "  target from the clause after the verb: %s", j->tgt[0].code);
    }
}

/* A violent act with no source, done "in"/"during"/"under" an attack the
 * clause names after its verb ("were killed in Israeli air strikes", "died
 * in a Taliban attack"): the attack's owner is the source, and its kind
 * the code when the pattern's code is the general one (190). */
static void attack_in_clause(kh_coder *c, clause_job *j)
{
    static const char *const preps[] = {"in", "during", "under", "by", "from", NULL};
    const kh_doc *doc = c->doc;
    for (size_t k = kh_chunk_from(doc, j->vg->aux_first); k < doc->n_chunks; k++) {
        const kh_chunk *np = &doc->chunks[k];
        if (np->first >= j->cl->end || np->sentence != j->si)
            break;
        /* The preposition may be a PP's or the verb group's particle
         * ("killed in"). */
        if (np->kind != KH_CHUNK_NP || np->first <= j->vg->head)
            continue;
        int prep = 0;
        for (size_t q = 0; preps[q] && !prep; q++)
            prep = kh_view_word_is(&c->view, np->first - 1, preps[q]);
        const kh_code_rec *kind = prep ? instrument_code(c, (int32_t)k) : NULL;
        if (!kind)
            continue;
        if (!strcmp(kh_dict_str(c->dict, j->code->code), "190"))
            j->code = kind;
        if (kh_actors_owner(&c->ax, (int32_t)k, &j->src[0])) {
            kh_coder_trace(c, j->si, "  done in an attack the clause names: its owner %s is the source",
                           j->src[0].code);
            return;
        }
        break;
    }
    if (kh_actors_when_author(&c->ax, j->cli, &j->src[0]))
        kh_coder_trace(c, j->si, "  done when %s acted: the source", j->src[0].code);
}

/* The sense of a verb of force from its actors: "Troops stormed the police
 * station" (an armed force storming a place is a military assault, not a
 * riot); "fight for his agenda", "poison the atmosphere" (force is used on
 * someone; an object naming nothing known is another sense of the verb:
 * 0, not coded); "cordoned off the area" (a blockade of a place, no party
 * named, shows force: 150). */
static int force_sense(kh_coder *c, clause_job *j)
{
    const kh_dict *d = c->dict;
    size_t si = j->si;
    if (j->ns && j->src[0].code && kh_actors_armed(j->src[0].code) &&
        !strncmp(kh_dict_str(d, j->code->code), "145", 3) && code_named(c, "190")) {
        kh_coder_trace(c, si, "  a violent protest by an armed force (%s): coded as 190", j->src[0].code);
        j->code = code_named(c, "190");
    }
    int none = !j->nt && !j->passive && kh_actors_code_needs_target(kh_dict_str(d, j->code->code))
                   ? kh_actors_names_no_one(&c->view, j->best.target_np) : 0;
    if (none && !strncmp(kh_dict_str(d, j->code->code), "191", 3) && code_named(c, "150")) {
        kh_coder_trace(c, si, "  a blockade of a place, no party named: a show of force (150)");
        j->code = code_named(c, "150");
    } else if (none == 2) {
        kh_coder_trace(c, si, "  an act of force whose object names no one: not coded");
        return 0;
    }
    return 1;
}

/* Source and target actors: by voice, the pattern's slots, a slotless
 * pattern running through an actor's noun phrase, with statements to the
 * media and by unidentified roles left out. Returns 0 (traced) when the
 * clause gives no event. */
static int clause_actors(kh_coder *c, clause_job *j)
{
    const kh_doc *doc = c->doc;
    const kh_dict *d = c->dict;
    const kh_clause *cl = j->cl;
    const kh_pattern *p = j->best.pat;
    size_t si = j->si;
    int32_t reporter = cl->reporter;
    const kh_elem *els = d->elems + p->first_elem;
    if (p->verb_pos == 1 && els[0].kind == KH_E_TARGET && !j->passive) {
        /* "$T die in &INSTR_BOMBING": the subject is who it was done to;
         * the doer, if any, is named by the attack (attack_in_clause). */
        j->nt = kh_actors_resolve_target(&c->ax, cl->subject, reporter, j->tgt);
        if (!j->nt) {
            kh_coder_trace(c, si, "  no actor for the subject the act was done to: not coded");
            return 0;
        }
        memset(&j->src[0], 0, sizeof j->src[0]);
        j->ns = 1;
    } else if (j->passive) {
        j->flags |= KH_EV_PASSIVE;
        j->ns = kh_actors_resolve_np(&c->ax, cl->agent, reporter, j->src);
        if (!(p->flags & KH_PAT_NO_TARGET))
            j->nt = kh_actors_resolve_target(&c->ax, cl->subject, reporter, j->tgt);
    } else {
        j->ns = kh_actors_resolve_np(&c->ax, j->best.source_np >= 0 ? j->best.source_np : cl->subject,
                                     reporter, j->src);
        j->nt = kh_actors_resolve_target(&c->ax, j->best.target_np, reporter, j->tgt);
        if (!j->nt)
            j->nt = kh_actors_antecedent(&c->ax, j->cli, j->best.target_np, j->ns ? &j->src[0] : NULL, j->tgt);
    }
    const char *jc = kh_dict_str(d, j->code->code);
    int violent = jc[0] == '1' && jc[1] >= '8' && jc[1] <= '9';
    const kh_code_rec *instr = !j->ns && !j->passive && violent ? instrument_code(c, cl->subject) : NULL;
    if (instr) {
        /* "A car bomb killed seven": the act happened, by no one the
         * clause names; the weapon says what kind of act. */
        kh_coder_trace(c, si, "  the subject is a weapon or an attack: coded without a source as %s",
                       kh_dict_str(d, instr->code));
        memset(&j->src[0], 0, sizeof j->src[0]);
        j->ns = 1;
        j->code = instr;
        /* "Israeli air strikes", "a Taliban attack": whose weapon it is. */
        if (kh_actors_owner(&c->ax, cl->subject, &j->src[0]))
            kh_coder_trace(c, si, "  the attack's owner: %s", j->src[0].code);
    }
    if (!j->ns && j->passive && cl->agent < 0 && j->nt) {
        /* "Four villagers were killed": the act happened, by no one the
         * clause names. */
        kh_coder_trace(c, si, "  passive without an agent: coded without a source");
        memset(&j->src[0], 0, sizeof j->src[0]);
        j->ns = 1;
    }
    if (j->ns && !j->src[0].code && violent)
        attack_in_clause(c, j);
    if (!j->ns) {
        kh_coder_trace(c, si, "  no source actor (subject %s)",
              cl->subject >= 0 ? kh_view_text(&c->view, doc->chunks[cl->subject].first, doc->chunks[cl->subject].end)
                               : "none");
        return 0;
    }
    if (j->demand && !j->nt) {
        kh_coder_trace(c, si, "  no actor is asked to act: no demand coded");
        return 0;
    }
    if (!(p->flags & KH_PAT_NO_TARGET) && !j->nt)
        kh_coder_trace(c, si, "  no target actor for the pattern's slot: coded without a target");
    /* A pattern without a slot whose words run through a noun phrase naming
     * an actor: "expelled two British diplomats", "summoned the Japanese
     * ambassador": that actor is the target. */
    if ((p->flags & KH_PAT_NO_TARGET) && !j->nt && !j->passive) {
        for (size_t k = 0; k < doc->n_chunks && !j->nt; k++) {
            const kh_chunk *ch = &doc->chunks[k];
            if (ch->kind != KH_CHUNK_NP || ch->sentence != si || ch->first <= j->best_tok ||
                ch->first > j->best.last)
                continue;
            j->nt = kh_actors_resolve_target(&c->ax, (int32_t)k, reporter, j->tgt);
            if (j->nt == 1 && j->ns && j->src[0].code && !strcmp(j->tgt[0].code, j->src[0].code))
                j->nt = 0;
        }
    }
    /* Talking to the press is not an act towards the press: "told
     * reporters", "told Reuters" make a statement without a target. */
    int verbal = j->code->code < d->strings_len && !strncmp(kh_dict_str(d, j->code->code), "01", 2);
    /* An act whose pattern gave no target is done to the first actor its
     * clause names after the verb ("clashed with insurgents in Mosul",
     * "opened fire on police"); statements keep no target. */
    if (!j->nt && !j->passive && !verbal && !j->statement)
        clause_target(c, j);
    if (!j->nt && j->statement == 1)
        j->nt = kh_statement_target(c, j->cli, &j->src[0], j->tgt);
    if (!force_sense(c, j))
        return 0;
    if (verbal && j->nt && kh_is_media(j->tgt[0].code)) {
        kh_coder_trace(c, si, "  said to the media (%s): a statement without a target", j->tgt[0].code);
        j->nt = 0;
    }
    /* A bare role with no country or organisation ("officials said") says
     * nothing about who acted: such statements are not coded. */
    if (!j->nt && verbal && kh_is_bare_role(j->src[0].code)) {
        kh_coder_trace(c, si, "  statement by an unidentified %s: not coded", j->src[0].code);
        return 0;
    }
    /* A plain comment is a statement event only from a political speaker;
     * "police said", "a witness said" attribute a fact. */
    if (j->statement && !kh_statement_speaker(c, j->statement == 2, &j->src[0])) {
        kh_coder_trace(c, si, "  a comment by %s, not a political speaker: not coded",
                       j->src[0].code ? j->src[0].code : "no one");
        return 0;
    }
    return 1;
}

/* The events of the clause: each source to each target (a cooperative act
 * of a compound subject with no other party is done by each to each),
 * dated and placed, with their mention. */
static kh_status clause_events(kh_coder *c, clause_job *j, kh_date date, const kh_place *place)
{
    const kh_dict *d = c->dict;
    const kh_pattern *p = j->best.pat;
    size_t si = j->si;
    /* "Vietnam and the Philippines signed an agreement". */
    if (!j->nt && j->ns >= 2) {
        const char *cc = kh_dict_str(d, j->code->code);
        int root = (cc[0] - '0') * 10 + (cc[1] - '0');
        if (root >= 3 && root <= 8) {
            for (size_t k = 0; k < j->ns; k++)
                j->tgt[k] = j->src[k];
            j->nt = j->ns;
            kh_coder_trace(c, si, "  compound subject, no other party: coded between its members");
        }
    }
    if (!j->nt) {
        memset(&j->tgt[0], 0, sizeof j->tgt[0]);
        j->nt = 1;
    }
    for (size_t a = 0; a < j->ns; a++)
        for (size_t b = 0; b < j->nt; b++) {
            const actor *s = &j->src[a], *t = &j->tgt[b];
            if (t->code && s->code && !strcmp(s->code, t->code)) {
                kh_coder_trace(c, si, "  source and target are both %s: not coded", s->code);
                continue;
            }
            raw_event ev;
            memset(&ev, 0, sizeof ev);
            ev.date = date;
            ev.date_precision = j->date_precision;
            ev.modality = j->modality;
            ev.source = s->code;
            ev.source_name = s->name;
            ev.target = t->code;
            ev.target_name = t->name;
            ev.code = j->code;
            ev.place = place;
            ev.flags = j->flags;
            ev.mention.sentence = si;
            ev.mention.text = j->se->span;
            ev.mention.kind = j->se->kind;
            if (s->code)
                ev.mention.source = kh_coder_span(c, s->first, s->end);
            if (t->code)
                ev.mention.target = kh_coder_span(c, t->first, t->end);
            ev.source_place = s->code ? kh_actor_place_of(&c->view, s->first, s->end) : NULL;
            ev.target_place = t->code ? kh_actor_place_of(&c->view, t->first, t->end) : NULL;
            if (j->noun)
                ev.mention.verb = kh_coder_span(c, j->noun->first, j->noun->end);
            else
                ev.mention.verb = kh_coder_span(c, j->vg->aux_first,
                                                j->vg->end > j->best.last + 1 ? j->vg->end : j->best.last + 1);
            ev.mention.pattern = j->noun ? j->noun->note : p ? kh_dict_str(d, p->src) : j->how ? j->how : "";
            kh_coder_trace(c, si, "  EVENT %s -> %s %s (%s)", ev.source ? ev.source : "-",
                           ev.target ? ev.target : "-",
                  kh_dict_str(d, j->code->code), kh_dict_str(d, j->code->name));
            kh_status st = kh_coder_add_event(c, &ev);
            if (st)
                return st;
            if (j->cl)
                c->clause_nev[j->cli]++;
        }
    return KH_OK;
}

/* Bare role codes ("police", "villagers") take the country the story gives
 * evidence for (actors/context.c), marked as inferred. */
static void infer_countries(kh_coder *c, clause_job *j, const kh_place *place)
{
    for (int side = 0; side < 2; side++) {
        actor *as = side ? j->tgt : j->src;
        size_t n = side ? j->nt : j->ns;
        const char *other = side ? (j->ns ? j->src[0].code : NULL) : (j->nt ? j->tgt[0].code : NULL);
        for (size_t k = 0; k < n; k++) {
            const char *why;
            const char *code = kh_actors_with_country(&c->ax, as[k].code, place, j->si, other, &why);
            const char *dated = kh_actors_dated_country(&c->ax, code);
            if (dated != code)
                kh_coder_trace(c, j->si, "  %s %s: the story's date -> %s", side ? "target" : "source",
                               code, dated);
            if (why) {
                kh_coder_trace(c, j->si, "  %s %s: country from %s -> %s",
                               side ? "target" : "source", as[k].code, why, code);
                j->flags |= side ? KH_EV_TARGET_INFERRED : KH_EV_SOURCE_INFERRED;
            }
            as[k].code = dated;
        }
    }
}

static kh_status clause_finish(kh_coder *c, clause_job *j);

/* A clause no pattern codes that states its subject's feeling ("Uganda was
 * disappointed by the stalemate"): a statement of that kind by the subject
 * (statement.c), about the actor its phrase names. */
static kh_status state_statement(kh_coder *c, clause_job *j)
{
    const char *kind;
    size_t tok = 0;
    const kh_code_rec *code = kh_statement_state(c, j->cli, &kind, &tok);
    /* A reported feeling ("X said Y was worried") is Y's, as a reported
     * act is its subject's, and flagged as reported. */
    if (!code || kh_clause_modality(c, j->cli))
        return KH_OK;
    j->ns = kh_actors_resolve_np(&c->ax, j->cl->subject, j->cl->reporter, j->src);
    if (!j->ns || !kh_political_speaker(j->src[0].code)) {
        kh_coder_trace(c, j->si, "  a feeling (%s) of no political speaker: not coded", kind);
        return KH_OK;
    }
    kh_coder_trace(c, j->si, "  the subject's feeling (%s): a statement -> %s", kind,
                   kh_dict_str(c->dict, code->code));
    j->code = code;
    j->how = "a feeling of the subject (a statement)";
    j->best.last = (uint32_t)j->vg->head;
    j->best_tok = j->vg->head;
    j->flags = j->cl->flags & KH_CL_REPORTED ? KH_EV_REPORTED : 0u;
    j->nt = kh_statement_state_target(c, j->si, tok, &j->src[0], j->tgt);
    return clause_finish(c, j);
}

static kh_status code_clause(kh_coder *c, size_t cli)
{
    const kh_doc *doc = c->doc;
    clause_job j;
    memset(&j, 0, sizeof j); /* the steps fill the rest; none reads what it did not set */
    j.cli = cli;
    j.cl = &doc->clauses[cli];
    j.vg = &doc->chunks[j.cl->verb];
    j.se = &doc->sentences[j.cl->sentence];
    j.si = j.cl->sentence;
    const kh_chunk *vg = j.vg;
    j.passive = (vg->flags & KH_VG_PASSIVE) != 0;
    kh_coder_trace(c, j.si, "clause %zu: verb '%s' (lemma %s)%s%s%s%s%s%s", cli,
          kh_view_text(&c->view, vg->aux_first, vg->end), vg->lemma ? vg->lemma : "",
          j.passive ? " passive" : "", vg->flags & KH_VG_NEGATED ? " negated" : "",
          vg->flags & KH_VG_INTENT ? " intent" : "", vg->flags & KH_VG_REFUSAL ? " refusal" : "",
          vg->flags & KH_VG_FUTURE ? " future" : "", j.cl->flags & KH_CL_REPORTED ? " reported" : "");
    if (!clause_is_own_event(c, &j))
        return KH_OK;
    if (!clause_pattern(c, &j))
        return state_statement(c, &j);
    j.modality = kh_clause_modality(c, cli);
    if (!clause_code(c, &j) || !clause_modality(c, &j) || !clause_actors(c, &j))
        return KH_OK;
    return clause_finish(c, &j);
}

/* Dates and places the events of a coded clause job, completes bare role
 * codes with their country, and hands the events on. */
static kh_status clause_finish(kh_coder *c, clause_job *j0)
{
    const kh_doc *doc = c->doc;
    clause_job j = *j0;
    const kh_chunk *vg = j.vg;
    if (!vg) {
        /* A noun's event in a sentence without a verb (a headline): the
         * story's day, no place. */
        infer_countries(c, &j, NULL);
        return clause_events(c, &j, c->story->date, NULL);
    }
    /* The clause's own date expression, else its reporter's, else the
     * sentence's fronted one (resolve/dates.c); an intent keeps the day it
     * was stated. */
    unsigned how = (vg->flags & KH_VG_PAST ? KH_WHEN_PAST : 0u) |
                   (vg->flags & KH_VG_FUTURE ? KH_WHEN_FUTURE : 0u) |
                   ((j.flags & KH_EV_INTENT) || j.future ||
                    (vg->flags & (KH_VG_FUTURE | KH_VG_INTENT | KH_VG_MODAL)) ? KH_WHEN_INTENT : 0u);
    const char *which = NULL;
    kh_date_shift ds = kh_resolve_clause_date(doc, j.cli, c->story->date, how, &which);
    j.date_precision = ds.precision;
    if (ds.rule)
        kh_coder_trace(c, j.si, "  date: %s ('%s', %s) -> %04d-%02d-%02d, %s", ds.rule,
              kh_view_text(&c->view, ds.first, ds.end), which, ds.date.year, ds.date.month,
              ds.date.day, kh_date_precision_name(ds.precision));
    const kh_place *place = kh_place_of(&c->view, j.cl, vg);
    if (place)
        kh_coder_trace(c, j.si, "  place: %s (%s)", place->name, place->country);
    infer_countries(c, &j, place);
    return clause_events(c, &j, ds.date, place);
}

/* An event a noun tells (nominal.c), dated and placed by the clause it
 * stands in (none in a verbless headline). */
kh_status kh_clause_noun_event(kh_coder *c, const kh_noun_event *ne)
{
    const kh_doc *doc = c->doc;
    clause_job j;
    memset(&j, 0, sizeof j);
    j.si = ne->sentence;
    j.se = &doc->sentences[ne->sentence];
    if (ne->clause >= 0) {
        j.cli = (size_t)ne->clause;
        j.cl = &doc->clauses[j.cli];
        j.vg = &doc->chunks[j.cl->verb];
    }
    j.noun = ne;
    j.code = ne->code;
    j.best.last = (uint32_t)(ne->end - 1);
    j.src[0] = ne->src;
    j.tgt[0] = ne->tgt;
    j.ns = j.nt = 1;
    return clause_finish(c, &j);
}

/* ---------------------------------------------------------------------- */
/* Per-story merge and the driver                                         */

/* khaldun's own sentence coder: the sentence's clauses in order, then the
 * sentence's actors are remembered for the next one's references. */
static kh_status clause_sentence(kh_coder *c, void *state, size_t si)
{
    (void)state;
    const kh_doc *doc = c->doc;
    size_t first = c->next_clause;
    for (; c->next_clause < doc->n_clauses && doc->clauses[c->next_clause].sentence == si;
         c->next_clause++) {
        kh_status st = code_clause(c, c->next_clause);
        if (st)
            return st;
    }
    /* Reports whose content gave no event are statements of what they say. */
    for (size_t r = first; r < c->next_clause; r++) {
        if (!c->pending_report[r])
            continue;
        size_t nev = 0;
        for (size_t k = first; k < c->next_clause; k++)
            if (k != r && kh_reported_by(doc, k, r))
                nev += c->clause_nev[k];
        if (nev)
            continue;
        c->statement_pass = 1;
        kh_status st = code_clause(c, r);
        c->statement_pass = 0;
        if (st)
            return st;
    }
    kh_status st = kh_nominal_sentence(c, si, first);
    if (st)
        return st;
    kh_actors_remember_sentence(&c->ax, si);
    return KH_OK;
}

static kh_status clause_init(kh_coder *c, const char *options, void **state)
{
    (void)c, (void)options;
    *state = NULL;
    return KH_OK;
}

const kh_sentence_coder kh_clause_coder = {"clause", clause_init, NULL, NULL, clause_sentence, 0};
