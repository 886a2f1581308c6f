/*
 * nominal.c: events told by a noun rather than a verb, for the clause
 * coder (clause.c), which calls it once a sentence's clauses are coded:
 *
 *   "talks between India and Pakistan"             IND <-> PAK    046
 *   "an abduction of two engineers by militants"   INS  -> CVL    181
 *   "Israeli shelling of Gaza"                     ISRMIL -> PSE  194
 *   "Israel, Egypt in prisoner swap"               ISR <-> EGY    0841
 *   "20 dead in car bombing"                       -    -> CVL    183
 *
 * The event nouns are dictionary data: every synset of data/verbs.txt named
 * &NOM_<CAMEO code>, and &CLASH (190, "between" only). Their actors come
 * from the noun phrase itself (a demonym, a named owner: kh_actors_owner; a
 * town's name is where it was done), from the prepositional phrases after
 * it ("by X" the doer; "on", "against" the target; "of" the target of
 * coercion and violence; "to" of visits and aid; "with" of talks; "from"
 * the source of threats), from "between X and Y" and "X, Y in <noun>"
 * (each to the other), from the victims before "dead in", "killed in"
 * (&NOM_VICTIM), the object of the verb it is the subject of ("sabotage
 * halts exports", &NOM_HIT) and the subject of a claim (&NOM_AUTHOR).
 *
 * A noun is read only where the sentence's verbs gave no event (a verb's
 * pattern knows its sentence better), except "between X and Y", which
 * names both sides whatever the verb, and a claimed act. It is not read in
 * a clause that is not a fact, after "the threat of" (&NOM_UNREAL), nor
 * after "the", "this", "that": a definite phrase tells again an act the
 * story named, or a background one. What it does not do: nouns as the
 * objects of verbs with a pattern ("concluded their talks"), possessive
 * pronouns ("their talks"), nouns the tagger took for verbs except a
 * headline's first word ("Talks between ...").
 */
#include <string.h>
#include <strings.h>

#include "events/coder.h"
#include "resolve/places.h"

void kh_nominal_setup(kh_coder *c)
{
    const kh_dict *d = c->dict;
    c->n_nom = 0;
    c->victim_syn = c->hit_syn = c->author_syn = c->doer_syn = c->unreal_syn = KH_NONE;
    for (size_t i = 0; i < d->n_synsets; i++) {
        const char *name = kh_dict_str(d, d->synsets[i].name);
        if (strncasecmp(name, "&NOM_", 5))
            continue;
        uint32_t *role = !strcasecmp(name, "&NOM_VICTIM") ? &c->victim_syn
                         : !strcasecmp(name, "&NOM_HIT")  ? &c->hit_syn
                         : !strcasecmp(name, "&NOM_AUTHOR") ? &c->author_syn
                         : !strcasecmp(name, "&NOM_DOER") ? &c->doer_syn
                         : !strcasecmp(name, "&NOM_UNREAL") ? &c->unreal_syn : NULL;
        if (role) {
            *role = (uint32_t)i;
            continue;
        }
        const kh_code_rec *code = kh_dict_code(d, name + 5, strlen(name + 5));
        if (code && c->n_nom < KH_MAX_NOUN_KINDS) {
            c->nom_syn[c->n_nom] = (uint32_t)i;
            c->nom_code[c->n_nom++] = code;
        }
    }
}

static int in_synset(const kh_coder *c, uint32_t node, uint32_t syn)
{
    return syn != KH_NONE && kh_node_payload(c->dict, node, KH_P_SYNSET, syn) != NULL;
}

/* The event code NP chunk np's head names (a phrase covering the head),
 * NULL when none; *clash is set when it names fighting (&CLASH) only. */
static const kh_code_rec *noun_code(kh_coder *c, size_t np, int *clash)
{
    const kh_chunk *ch = &c->doc->chunks[np];
    *clash = 0;
    for (size_t t = ch->first; t <= ch->head; t++) {
        uint32_t node = c->view.mnode[t];
        if (!node || t + c->view.mlen[t] <= ch->head)
            continue;
        /* One pass over the phrase's payloads: most have no synset. */
        const kh_trie_node *n = &c->dict->nodes[node];
        for (uint32_t q = 0; q < n->n_payloads; q++) {
            const kh_payload *pl = &c->dict->payloads[n->first_payload + q];
            if (pl->kind != KH_P_SYNSET)
                continue;
            for (size_t k = 0; k < c->n_nom; k++)
                if (pl->ref == c->nom_syn[k])
                    return c->nom_code[k];
            if (pl->ref == c->clash_syn) {
                *clash = 1;
                return kh_dict_code(c->dict, "190", 3);
            }
        }
    }
    return NULL;
}

static int code_root(const kh_coder *c, const kh_code_rec *code)
{
    const char *s = kh_dict_str(c->dict, code->code);
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Chunk k is a preposition (PP chunk) right after chunk k-1, followed by an
 * NP chunk; returns its word's index in `preps`, -1 when none. */
static int prep_at(kh_coder *c, size_t k, const char *const *preps)
{
    const kh_doc *doc = c->doc;
    if (k == 0 || k + 1 >= doc->n_chunks || doc->chunks[k].kind != KH_CHUNK_PP ||
        doc->chunks[k].first != doc->chunks[k - 1].end || doc->chunks[k + 1].kind != KH_CHUNK_NP)
        return -1;
    for (int q = 0; preps[q]; q++)
        if (kh_view_word_is(&c->view, doc->chunks[k].first, preps[q]))
            return q;
    return -1;
}

/* The clause of sentence si that token tok stands in, -1 when the sentence
 * has none. */
static int32_t clause_of(kh_coder *c, size_t si, size_t tok)
{
    const kh_doc *doc = c->doc;
    int32_t cli = -1;
    for (size_t q = c->next_clause; q-- > 0 && doc->clauses[q].sentence == si;)
        if (cli < 0 || doc->clauses[q].end > tok)
            cli = (int32_t)q;
    return cli;
}

static kh_status emit(kh_coder *c, kh_noun_event *ne, const actor *src, const actor *tgt)
{
    if (src)
        ne->src = *src;
    else
        memset(&ne->src, 0, sizeof ne->src);
    if (tgt)
        ne->tgt = *tgt;
    else
        memset(&ne->tgt, 0, sizeof ne->tgt);
    if (ne->src.code && ne->tgt.code && !strcmp(ne->src.code, ne->tgt.code))
        return KH_OK;
    kh_coder_trace(c, ne->sentence, "  noun '%s' (%s): %s -> %s %s",
                   kh_view_text(&c->view, ne->first, ne->end), ne->note,
                   ne->src.code ? ne->src.code : "-", ne->tgt.code ? ne->tgt.code : "-",
                   kh_dict_str(c->dict, ne->code->code));
    return kh_clause_noun_event(c, ne);
}

/* "X and Y" resolved to two actors: the act each way. */
static kh_status each_way(kh_coder *c, kh_noun_event *ne, const actor *sides, size_t n)
{
    if (n < 2 || !sides[0].code || !sides[1].code)
        return KH_OK;
    kh_status st = emit(c, ne, &sides[0], &sides[1]);
    return st ? st : emit(c, ne, &sides[1], &sides[0]);
}

/* The victims of NP chunk np: "20 dead in <np>", "three were killed during
 * <np>": the phrase before a &NOM_VICTIM word that comes right before the
 * preposition in front of np. */
static int victims_of(kh_coder *c, size_t np, actor *out)
{
    static const char *const preps[] = {"in", "during", NULL};
    const kh_doc *doc = c->doc;
    if (np < 2 || c->victim_syn == KH_NONE || doc->chunks[np - 1].kind != KH_CHUNK_PP)
        return 0;
    size_t w = doc->chunks[np - 1].first;
    if (!kh_view_word_is(&c->view, w, preps[0]) && !kh_view_word_is(&c->view, w, preps[1]))
        return 0;
    if (w == 0 || !c->view.mnode[w - 1] || !in_synset(c, c->view.mnode[w - 1], c->victim_syn))
        return 0;
    /* "were killed in": the subject of that verb's clause; "20 dead in":
     * the phrase right before the adjective; "the injured in" is no
     * victim's phrase. */
    size_t v = w - 1, k = np - 1;
    while (k > 0 && doc->chunks[k - 1].first > v)
        k--;
    if (k == 0 || doc->chunks[k - 1].sentence != doc->chunks[np].sentence)
        return 0;
    const kh_chunk *at = &doc->chunks[k - 1];
    int32_t victims = -1;
    if (at->kind == KH_CHUNK_VG && at->end > v) {
        for (size_t q = c->next_clause; q-- > 0 && doc->clauses[q].sentence == at->sentence;)
            if (doc->clauses[q].verb == (int32_t)(k - 1))
                victims = doc->clauses[q].subject;
    } else if (at->kind == KH_CHUNK_NP && at->end == v) {
        victims = (int32_t)(k - 1);
    }
    return victims >= 0 && kh_actors_resolve_target(&c->ax, victims, -1, out) > 0;
}

/* The prepositional phrases after NP chunk np: the doer ("by"), the target
 * by the kind of act, "between X and Y". Returns how many sides "between"
 * named (in sides), 0 when it is not there. */
static size_t after_noun(kh_coder *c, size_t np, int root, actor *src, actor *tgt, actor *sides)
{
    static const char *const preps[] = {"by", "between", "on", "against", "of", "to", "with", "from", NULL};
    actor a[MAX_ACTORS];
    for (size_t k = np + 1, hops = 0; hops < 3; k += 2, hops++) {
        int q = prep_at(c, k, preps);
        if (q < 0)
            break;
        if (q == 1)
            return kh_actors_resolve_np(&c->ax, (int32_t)(k + 1), -1, sides);
        int to_target = q == 2 || q == 3 || (q == 4 && (root >= 15 || root == 8)) ||
                        (q == 5 && (root == 4 || root == 7 || root == 8)) || (q == 6 && root >= 3 && root <= 6);
        if ((q == 0 || (q == 7 && root == 13)) && !src->code &&
            kh_actors_resolve_np(&c->ax, (int32_t)(k + 1), -1, a))
            *src = a[0];
        else if (to_target && !tgt->code && kh_actors_resolve_target(&c->ax, (int32_t)(k + 1), -1, a))
            *tgt = a[0];
    }
    return 0;
}

/* "Israel, Egypt in prisoner swap": a phrase of two actors right before
 * "in" <np>. */
static size_t pair_before(kh_coder *c, size_t np, actor *sides)
{
    static const char *const preps[] = {"in", NULL};
    const kh_doc *doc = c->doc;
    if (np < 2 || prep_at(c, np - 1, preps) < 0 || doc->chunks[np - 2].kind != KH_CHUNK_NP)
        return 0;
    size_t n = kh_actors_resolve_np(&c->ax, (int32_t)(np - 2), -1, sides);
    /* "Israel and Egypt", a headline's "Israel, Egypt": two phrases, a
     * comma or "and" between; the first resolves to both when coordinated. */
    const kh_chunk *a = np >= 3 ? &doc->chunks[np - 3] : NULL, *b = &doc->chunks[np - 2];
    if (n <= 1 && a && a->kind == KH_CHUNK_NP && a->sentence == b->sentence && a->end + 1 == b->first &&
        (kh_view_word_is(&c->view, a->end, ",") || kh_view_word_is(&c->view, a->end, "and"))) {
        actor first[MAX_ACTORS];
        size_t m = kh_actors_resolve_np(&c->ax, (int32_t)(np - 3), -1, first);
        if (m >= 2)
            memcpy(sides, first, 2 * sizeof *sides);
        else if (m == 1 && n == 1)
            sides[1] = first[0];
        n = m >= 2 || (m == 1 && n == 1) ? 2 : 0;
    }
    return n;
}

/* The clause after VG chunk np with no subject whose verb comes after
 * nothing but prepositional phrases ("near the town on Sunday"); NULL
 * when none. */
static const kh_clause *subjectless_after(kh_coder *c, size_t si, size_t np)
{
    const kh_doc *doc = c->doc;
    for (size_t q = c->next_clause; q-- > 0 && doc->clauses[q].sentence == si;) {
        const kh_clause *cl = &doc->clauses[q];
        if (cl->verb <= (int32_t)np || cl->subject >= 0)
            continue;
        size_t k = np + 1;
        while (k + 1 < (size_t)cl->verb && doc->chunks[k].kind == KH_CHUNK_PP && doc->chunks[k + 1].kind == KH_CHUNK_NP)
            k += 2;
        if (k == (size_t)cl->verb)
            return cl;
    }
    return NULL;
}

/* What an attack did it to when nothing after the noun says: the object
 * of the clause whose subject it is (or of its clause, when that has no
 * subject), the verb an &NOM_HIT one ("sabotage halts Iraq's oil exports":
 * returns 1, the victim is told), else the
 * place after it ("a U.S. offensive in Iraq": returns 0). */
static int what_it_hit(kh_coder *c, size_t si, size_t np, int32_t cli, actor *tgt, int no_source)
{
    static const char *const preps[] = {"in", NULL};
    const kh_doc *doc = c->doc;
    actor a[MAX_ACTORS];
    const kh_clause *cl = cli >= 0 ? &doc->clauses[cli] : NULL;
    /* An -ing noun the chunker took for a verb left the verb after it
     * without its subject ("a roadside bombing near X killed three"). */
    if (doc->chunks[np].kind == KH_CHUNK_VG)
        cl = subjectless_after(c, si, np);
    const kh_chunk *vg = cl ? &doc->chunks[cl->verb] : NULL;
    if (cl && (cl->subject == (int32_t)np || cl->subject < 0) && cl->object >= 0 &&
        !(vg->flags & (KH_VG_NEGATED | KH_VG_MODAL | KH_VG_FUTURE)) && c->view.mnode[vg->head] &&
        in_synset(c, c->view.mnode[vg->head], c->hit_syn) &&
        kh_actors_resolve_target(&c->ax, cl->object, -1, a)) {
        *tgt = a[0];
        return 1;
    }
    if (no_source)
        return 0; /* "an attack in Iraq" by no one named is no act to code */
    for (size_t k = np + 1; k + 1 < doc->n_chunks && doc->chunks[k].sentence == si && k <= np + 4; k++)
        if (prep_at(c, k, preps) >= 0 && kh_view_place_words(&c->view, doc->chunks[k + 1].first,
                                                             doc->chunks[k + 1].end - doc->chunks[k + 1].first) &&
            kh_actors_resolve_target(&c->ax, (int32_t)(k + 1), -1, a)) {
            *tgt = a[0];
            return 0;
        }
    return 0;
}

/* Both sides private (companies, unions, people): their talks and deals
 * are not political acts. */
static int private_pair(const actor *sides)
{
    static const char *const roles[] = {"BUS", "LAB", "CVL", "EDU", "HLH", "MED", "REL", NULL};
    int n = 0;
    for (int k = 0; k < 2; k++) {
        const char *code = sides[k].code;
        size_t len = strlen(code);
        for (size_t q = 0; roles[q]; q++)
            if (len >= 3 && !strcmp(code + len - 3, roles[q]))
                n++;
    }
    return n == 2;
}

/* "Mosul killings", "a Moscow visit": a town's or region's name before
 * the noun is where the act was done, its country the target of force and
 * of visits. A country's name before it ("U.S. offensive") is its owner,
 * left to kh_actors_owner. */
static int place_before(kh_coder *c, size_t first, size_t head, actor *tgt)
{
    const kh_doc *doc = c->doc;
    for (size_t t = first; t < head; t++) {
        size_t e = t;
        while (e < head && doc->upos[e] == KH_UPOS_PROPN)
            e++;
        const kh_place *pl = e > t ? kh_actor_place_of(&c->view, t, e) : NULL;
        if (pl && pl->type != 1 && pl->country && *pl->country) {
            memset(tgt, 0, sizeof *tgt);
            tgt->code = pl->country;
            tgt->name = kh_view_text(&c->view, t, e);
            tgt->first = (uint32_t)t;
            tgt->end = (uint32_t)e;
            return 1;
        }
        t = e > t ? e - 1 : t;
    }
    return 0;
}

/* "The group claimed the killings", "claimed responsibility for the
 * attack", "were involved in the abduction", "took part in the attack":
 * the subject of an &NOM_AUTHOR verb whose object (or the object's
 * "for"/"of"/"in" phrase, or an "in" phrase right after the verb) is NP
 * chunk np did the act. */
static int author_of(kh_coder *c, size_t si, size_t np, actor *src)
{
    static const char *const preps[] = {"for", "of", "in", NULL};
    const kh_doc *doc = c->doc;
    actor a[MAX_ACTORS];
    for (size_t q = c->next_clause; q-- > 0 && doc->clauses[q].sentence == si;) {
        const kh_clause *cl = &doc->clauses[q];
        const kh_chunk *vg = &doc->chunks[cl->verb];
        int32_t obj = cl->object;
        /* "in" right after the verb, or after one word that follows it
         * ("were involved in": the tagger's adjective is the author word). */
        size_t p = np >= 1 ? doc->chunks[np - 1].first : 0;
        int after_verb = np >= 1 && doc->chunks[np - 1].kind == KH_CHUNK_PP && kh_view_word_is(&c->view, p, "in") &&
                         (p == vg->end || p == vg->end + 1);
        if (cl->subject < 0 || (vg->flags & (KH_VG_NEGATED | KH_VG_MODAL)) ||
            (obj != (int32_t)np && !(obj >= 0 && obj + 2 == (int32_t)np && prep_at(c, np - 1, preps) >= 0) &&
             !after_verb))
            continue;
        uint32_t node = c->view.mnode[vg->head];
        /* A light verb ("mounted an invasion") tells the act only where
         * its own pattern gave no event ("launched an attack on X" did). */
        int doer = obj == (int32_t)np && node && !c->clause_nev[q] && in_synset(c, node, c->doer_syn);
        if (!doer && !(node && in_synset(c, node, c->author_syn)) && after_verb)
            node = kh_dict_child(c->dict, 0, c->form[p - 1]); /* the word alone, not "involved in" */
        if ((doer || (node && in_synset(c, node, c->author_syn))) && kh_actors_resolve_np(&c->ax, cl->subject, -1, a)) {
            *src = a[0];
            return 1;
        }
    }
    return 0;
}

/* The noun names no act that happened: its clause is not a fact
 * (modality.c: conditional, question, possibility...), or it follows an
 * &NOM_UNREAL word and "of", "for" or "to" ("the threat of a strike",
 * "calls for talks"). */
static int unreal(kh_coder *c, size_t t, int32_t cli)
{
    if (cli >= 0 && kh_clause_modality(c, (size_t)cli))
        return 1;
    if (t < 2 || c->unreal_syn == KH_NONE ||
        !(kh_view_word_is(&c->view, t - 1, "of") || kh_view_word_is(&c->view, t - 1, "for") ||
          kh_view_word_is(&c->view, t - 1, "to")))
        return 0;
    uint32_t node = c->view.mnode[t - 2];
    return node && in_synset(c, node, c->unreal_syn);
}

/* Who did the act an -ing noun names, from the noun phrase before it
 * (pre, -1 when none: "police firing", "Israeli tank shelling"), or where
 * ("the Kirkuk bombing": returns 0, the place's country in *tgt). */
static int before_ing(kh_coder *c, int32_t pre, int root, actor *src, actor *tgt)
{
    const kh_chunk *p = &c->doc->chunks[pre];
    actor a[MAX_ACTORS];
    if ((root >= 18 || root == 4) && place_before(c, p->first, p->end, tgt))
        return 0;
    if (kh_actors_owner(&c->ax, pre, src) && src->first == p->first)
        return 1; /* "Israeli tank shelling": ISRMIL */
    if (!kh_actors_resolve_np(&c->ax, pre, -1, a))
        return 0;
    *src = a[0];
    /* A country's attack is its armed forces' ("U.S. shelling"). */
    char *mil = root >= 18 && src->code && strlen(src->code) == 3 ? kh_arena_alloc(&c->arena, 7) : NULL;
    if (mil) {
        memcpy(mil, src->code, 3);
        memcpy(mil + 3, "MIL", 4);
        src->code = mil;
    }
    return 1;
}

/* One event noun at NP chunk np of sentence si (or an -ing noun read as a
 * verb, VG chunk np, after the noun phrase pre, -1 when none); `others`:
 * the sentence's verbs gave events. */
static kh_status noun_events(kh_coder *c, size_t si, size_t np, int32_t pre, int others)
{
    const kh_chunk *ch = &c->doc->chunks[np];
    size_t first = pre >= 0 ? c->doc->chunks[pre].first : ch->first, mod = pre >= 0 ? (size_t)pre : np;
    int clash;
    const kh_code_rec *code = noun_code(c, np, &clash);
    if (!code)
        return KH_OK;
    int root = code_root(c, code);
    if (unreal(c, first, clause_of(c, si, ch->first))) {
        kh_coder_trace(c, si, "  noun '%s': no act that happened", kh_view_text(&c->view, first, ch->end));
        return KH_OK;
    }
    kh_noun_event ne;
    memset(&ne, 0, sizeof ne);
    ne.sentence = si;
    ne.clause = clause_of(c, si, ch->first);
    ne.code = code;
    ne.first = first;
    ne.end = ch->end;
    actor src, tgt, sides[MAX_ACTORS];
    memset(&src, 0, sizeof src);
    memset(&tgt, 0, sizeof tgt);
    size_t n = after_noun(c, np, root, &src, &tgt, sides);
    if (n >= 2 && !(root <= 8 && sides[0].code && sides[1].code && private_pair(sides))) {
        ne.note = clash ? "clashes between $S and $T (a noun phrase)" : "<event noun> between $S and $T";
        return each_way(c, &ne, sides, n);
    }
    /* An author's claim is an event of its own (015); the act it claims
     * is another. */
    int authored = root >= 18 && author_of(c, si, mod, &src);
    if ((others && !authored) || clash)
        return KH_OK;
    n = pair_before(c, mod, sides);
    if (n >= 2 && root <= 8) {
        ne.note = "$S, $T in <event noun>";
        return each_way(c, &ne, sides, n);
    }
    int placed = 0;
    if (pre >= 0 && !src.code && !tgt.code)
        placed = !before_ing(c, pre, root, &src, &tgt) && tgt.code;
    else if (pre < 0 && !tgt.code && (root >= 18 || root == 4))
        placed = place_before(c, ch->first, ch->head, &tgt);
    if (!src.code && pre < 0 && kh_actors_owner(&c->ax, (int32_t)np, &src) && placed && src.first == first &&
        !strncmp(src.code, tgt.code, 3))
        memset(&src, 0, sizeof src); /* the owner it found is the place */
    else if (src.code && src.first == first && root < 18) {
        /* A demonym makes an attack's owner the armed forces; talks,
         * protests and arrests are the country's. */
        if (strlen(src.code) == 6 && !strcmp(src.code + 3, "MIL"))
            src.code = kh_arena_strndup(&c->arena, src.code, 3);
    }
    /* Who did it may go unsaid only where the sentence is about what was
     * done to whom ("20 dead in a bombing", "a bombing killed three"); a
     * bare "attack on X" leaves its author to the story, not to no one.
     * A target is needed but for protests. */
    int hit = 0;
    if ((!tgt.code || placed) && root >= 17) {
        /* The victims named ("20 dead in the Kirkuk bombing") are the
         * target rather than where it was done. */
        actor v;
        memset(&v, 0, sizeof v);
        hit = victims_of(c, mod, &v) || what_it_hit(c, si, np, ne.clause, &v, !src.code);
        if (v.code)
            tgt = v;
    }
    /* "The attack left three injured", "condemned the attack on the
     * embassy": a definite phrase tells again an act the story has named
     * (where it was coded, with its author), or one in the background;
     * but a claim ("claimed the attack") tells its author anew. */
    if (!authored && (kh_view_word_is(&c->view, first, "the") || kh_view_word_is(&c->view, first, "this") ||
                      kh_view_word_is(&c->view, first, "that")))
        return KH_OK;
    if ((!src.code && !hit) || (!tgt.code && root != 14))
        return KH_OK;
    ne.note = pre >= 0 ? "<-ing event noun> (by $S) (on/of/to/with $T)" : "<event noun> (by $S) (on/of/to/with $T)";
    return emit(c, &ne, src.code ? &src : NULL, tgt.code ? &tgt : NULL);
}

/* A verb group that is a headline's noun the tagger read as a verb
 * ("Talks between ...", "... in Kirkuk bombing"): one word, no auxiliary,
 * no subject, first in its sentence or after a preposition or determiner. */
static int noun_as_verb(kh_coder *c, size_t k)
{
    const kh_doc *doc = c->doc;
    const kh_chunk *vg = &doc->chunks[k];
    if (vg->aux_first != vg->first || vg->end != vg->first + 1)
        return 0;
    for (size_t q = c->next_clause; q-- > 0 && doc->clauses[q].sentence == vg->sentence;)
        if (doc->clauses[q].verb == (int32_t)k && doc->clauses[q].subject >= 0)
            return 0;
    size_t t = vg->first;
    return t == doc->sentences[vg->sentence].first_token || doc->upos[t - 1] == KH_UPOS_ADP ||
           doc->upos[t - 1] == KH_UPOS_DET;
}

/* A verb group that is an -ing noun whatever its tag ("the Kirkuk
 * bombing", "police firing", "shelling of Gaza"): one -ing word, no
 * auxiliary, after a determiner, possessive or modifier of a noun, or
 * before "of" or "by"; never with an object right after it ("police
 * firing tear gas" is a verb). */
static int ing_noun(kh_coder *c, size_t k)
{
    const kh_doc *doc = c->doc;
    const kh_chunk *vg = &doc->chunks[k];
    const kh_token *w = &doc->tokens[vg->first];
    if (vg->aux_first != vg->first || vg->end != vg->first + 1 || w->norm_len < 5 ||
        memcmp(w->norm + w->norm_len - 3, "ing", 3))
        return 0;
    const kh_sentence *se = &doc->sentences[vg->sentence];
    size_t t = vg->first, end = se->first_token + se->n_tokens;
    if (t + 1 < end && (kh_view_word_is(&c->view, t + 1, "of") || kh_view_word_is(&c->view, t + 1, "by")))
        return 1;
    if (t == se->first_token)
        return 0;
    if (t + 1 < end) {
        kh_upos next = (kh_upos)doc->upos[t + 1];
        if (next == KH_UPOS_DET || next == KH_UPOS_NOUN || next == KH_UPOS_PROPN || next == KH_UPOS_NUM ||
            next == KH_UPOS_PRON || next == KH_UPOS_ADJ)
            return 0;
    }
    kh_upos prev = (kh_upos)doc->upos[t - 1];
    return prev == KH_UPOS_DET || prev == KH_UPOS_ADJ || prev == KH_UPOS_NOUN || prev == KH_UPOS_PROPN ||
           (doc->tokens[t - 1].flags & KH_TOK_POSSESSIVE) || kh_view_word_is(&c->view, t - 1, "its") ||
           kh_view_word_is(&c->view, t - 1, "their") || kh_view_word_is(&c->view, t - 1, "his") ||
           kh_view_word_is(&c->view, t - 1, "her");
}

int kh_nominal_ing_noun(kh_coder *c, size_t k)
{
    return c->doc->chunks[k].kind == KH_CHUNK_VG && ing_noun(c, k);
}

int32_t kh_nominal_ing_after(kh_coder *c, size_t np)
{
    const kh_doc *doc = c->doc;
    size_t k = np + 1;
    return k < doc->n_chunks && doc->chunks[k].kind == KH_CHUNK_VG && doc->chunks[k].first == doc->chunks[np].end &&
                   doc->chunks[k].sentence == doc->chunks[np].sentence && ing_noun(c, k)
               ? (int32_t)k
               : -1;
}

kh_status kh_nominal_sentence(kh_coder *c, size_t si, size_t first_clause)
{
    const kh_doc *doc = c->doc;
    const kh_sentence *se = &doc->sentences[si];
    size_t end = se->first_token + se->n_tokens;
    int others = 0;
    for (size_t k = first_clause; k < c->next_clause; k++)
        others |= c->clause_nev[k] != 0;
    for (size_t k = kh_chunk_from(doc, se->first_token); k < doc->n_chunks; k++) {
        const kh_chunk *np = &doc->chunks[k];
        if (np->first >= end)
            break;
        int32_t pre = -1;
        if (np->kind == KH_CHUNK_VG) {
            if (!noun_as_verb(c, k) && !ing_noun(c, k))
                continue;
            /* The noun phrase right before it modifies it. */
            if (k > 0 && doc->chunks[k - 1].kind == KH_CHUNK_NP && doc->chunks[k - 1].end == np->first &&
                doc->chunks[k - 1].sentence == np->sentence)
                pre = (int32_t)(k - 1);
        } else if (np->kind != KH_CHUNK_NP) {
            continue;
        }
        kh_status st = noun_events(c, si, k, pre, others);
        if (st)
            return st;
    }
    return KH_OK;
}
