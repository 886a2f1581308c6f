/*
 * peer.h: the peer coder's internals, shared by its files and by nothing
 * else: words and actor units of a sentence (words.c), pattern matching
 * and events (match.c), the sentence loop and the sentence-coder interface
 * (coder.c), and the TABARI .options / PETRARCH config settings
 * (options.c).
 */
#ifndef KH_PEER_H
#define KH_PEER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict/dict.h"
#include "events/coder.h"

/* The imported dictionaries' coder settings (TABARI .options; parsed and
 * applied here, kh_coder_set_peer_option). */
enum { PEER_BY_CLAUSE = 0, PEER_BY_SENTENCE, PEER_CODE_ALL };
enum {
    PEER_CX_NOACTPRIOR = 1u << 0, PEER_CX_NOACTAFTER = 1u << 1, PEER_CX_NOVERB = 1u << 2,
    PEER_CX_NOSOURCE = 1u << 3, PEER_CX_NOTARGET = 1u << 4, PEER_CX_NOEVENT = 1u << 5
};
typedef struct kh_peer_opts {
    uint8_t code_by;          /* PEER_BY_* */
    uint8_t convert_agents;   /* SET: CONVERT AGENTS: lone agents become actors "~GOV" */
    uint8_t time_shift;       /* SET: TIME SHIFTING (on unless turned off) */
    uint8_t comma_off;        /* COMMA: OFF */
    uint16_t min_words;       /* SET: MINIMUM WORDS (TABARI: 8); 0 for PETRARCH */
    uint16_t comma[6];        /* COMMA: MIN MAX EMIN EMAX BMIN BMAX */
    uint16_t cx_verbs, cx_conj, cx_actors, cx_pron, cx_comma, cx_lateverb; /* COMPLEX: [n] */
    uint32_t cx_flags;        /* PEER_CX_* */
    char def_src[16], def_tgt[16]; /* DEFAULT: SOURCE [..] TARGET [..]; "" none */
    uint8_t def_prior, def_after;
    uint8_t forward;          /* FORWARD: active */
    char fwd_fmt[64];         /* its sequence format (^ * N S) */
} kh_peer_opts;

/* Pronoun forwarding between records (FORWARD:), kept across stories. */
typedef struct kh_peer_fwd {
    char story[32];           /* story number of the last record coded */
    long sent;                /* its sentence number, -1 none */
    char code[48];            /* its first actor's code, "" none */
} kh_peer_fwd;

/* A pattern to try, in TABARI's order (match.c). need: two of the word
 * ids it needs besides its verb's (index.c; the sentinel d->n_words is
 * always present), read before the pattern itself (kh_peer_pref_may). */
typedef struct pref {
    const kh_pattern *p;
    int line;
    int bare;
    uint32_t need[2];
} pref;

/* One word form the coder has met (index.c): its candidate word ids and
 * the patterns they give, in the order they are tried, made once per form
 * rather than for every word of every sentence. */
typedef struct peer_form {
    const char *key;      /* the folded form (not NUL-terminated) */
    uint32_t len;
    uint32_t *ids, nid;   /* the form's id, then its stems longest first */
    uint32_t *root;       /* per id, its child of the trie's root (0: none) */
    pref *verb;           /* verb patterns (TABARI's order; at most IM_MAX_PATS) */
    pref *time;           /* <TIME> patterns (at most IM_MAX_PATS) */
    uint32_t nverb, ntime;
    uint32_t bare0;       /* verb[bare0 ..]: the verb's own entries (sorted last) */
    uint8_t live;         /* a verb pattern that is not a null-coded own entry */
    uint8_t has_time;     /* a TABARI or PETRARCH <TIME> pattern */
} peer_form;

/* One slot of the forms' table: the hash's high half and the form's
 * length (read before the form), and the form; e NULL: empty. */
typedef struct peer_slot {
    uint64_t tag;
    peer_form *e;
} peer_slot;

/* The coder's forms: an open-addressing table over an array. */
typedef struct peer_forms {
    peer_form **e;        /* each one block: the form, its key and ids */
    size_t n, cap;
    peer_slot *slot;
    size_t nslot;         /* a power of two */
} peer_forms;

/* The peer coder's state (kh_coder.sc_state). */
typedef struct peer_state {
    kh_peer_opts opts;
    kh_peer_fwd fwd;
    peer_forms forms;     /* index.c */
    struct pref *pats;    /* 2 * IM_MAX_PATS: a new form's two lists (index.c) */
    uint32_t syn_noun, syn_adj; /* KH_SYN_NOUN, KH_SYN_ADJECTIVE synsets, KH_NONE when none */
    /* Per word id, made at init (index.c): 1 when the word is punctuation
     * alone (it matches nothing); and the sentence that last held the id
     * among its candidates (seen[id] == sent: present in this one;
     * seen[n_words], the sentinel, always is). */
    uint8_t *punct;
    uint32_t *seen;
    uint8_t *inner;       /* per trie node: PEER_NODE_* */
    /* The trie's edges below the root, (parent, word) hashed into bits: a
     * pair whose bit is clear is no edge (kh_peer_child). */
    uint64_t *edge_bits;
    uint64_t edge_mask;   /* bits - 1, a power of two */
    uint32_t sent;
    /* Per pattern: the word ids it needs somewhere in the sentence
     * (need[need_at[i] .. need_at[i + 1])). */
    uint32_t *need_at, *need;
} peer_state;
#define PEER(c) ((peer_state *)(c)->sc_state)
enum { PEER_NODE_KIDS = 1, PEER_NODE_GAP = 2 }; /* has children; has a gap child */

#define IM_MAX_WORDS 400   /* words of one sentence looked at */
#define IM_MAX_CODES 24    /* codes of one actor unit (compounds) */
#define IM_MAX_UNITS 96    /* actor units of one sentence */
#define IM_MAX_PATS 8192   /* patterns tried for one verb (TABARI 2012: SAID has 1,467) */
#define IM_MAX_EVENTS 64   /* events of one sentence (TABARI's MAX_EVENTS) */
#define IM_BUDGET 4000     /* matching steps for one pattern */
#define IM_MAX_PHRASE 24   /* words of one dictionary phrase (IM_MAX_PHRASE) */
#define IM_NONE (-1)
#define IM_MAX_LEAD 4      /* agents joined by "and" before one actor */

/* PETRARCH's require_dyad = false (SET: REQUIRE DYAD = FALSE): a verb with
 * a source and no target yields a source-only event (target "---"). Kept
 * in a high bit of kh_peer_opts.cx_flags, clear of the PEER_CX_* bits,
 * which the complexity filter reads through PEER_CX_MASK. */
#define PEER_NO_DYAD (1u << 16)
#define PEER_CX_MASK 0xffffu

enum {
    C_NONE = 0, C_ACTOR, C_AGENT, C_VERB, C_NOUN, C_CONJ, C_COMMA, C_DET, C_PRON, C_BY,
    C_AUX, C_OFIN, C_FORMER
};

typedef struct im_word {
    uint32_t tok;
    uint32_t id0, nid;   /* candidate word ids: ids[id0 .. id0+nid) */
    uint8_t cls;
    uint8_t elim;        /* inside a dropped comma-delimited clause */
    uint8_t incomp;      /* a comma or conjunction inside a compound */
    uint8_t upper;       /* capitalised */
    uint8_t poss;        /* a possessive 's (dropped) stands just before the word */
    int32_t unit;        /* actor unit covering the word */
    int32_t agent;       /* agent index when cls == C_AGENT (first word) */
    uint32_t span_end;   /* one past the last word of the actor/agent phrase starting here */
    uint16_t off, len;   /* part of the token's form ("Dol_Amroth" is two words); len 0: all */
    const peer_form *form; /* its ids and patterns (index.c), NULL: none */
} im_word;

typedef struct im_unit {
    uint32_t first, end;          /* words */
    const char *codes[IM_MAX_CODES];
    uint32_t n;
    const char *base;             /* the first actor's code before any agent (FORWARD) */
    uint8_t compound;
    uint8_t parsed;               /* a parsed compound ("A, B and C"), not a coded one */
    uint8_t agented;              /* its codes carry an agent's (TABARI tells USA+GOV from USAGOV) */
    uint8_t dead;                 /* merged into another unit */
    uint8_t pron;                 /* a pronoun standing for another unit */
    int32_t ref1;                 /* TABARI pronoun: its referent's index + 1 (0: none) */
    uint8_t deflt;                /* a DEFAULT: actor (covers no word) */
    /* PETRARCH: agents written before the actor ("the ambassadors of A",
     * "lawmakers and officials in A"), passed on to the members a compound
     * adds after codes[0 .. nbase) (spread_agents) */
    uint8_t n_lead, nbase;
    int32_t lead[IM_MAX_LEAD];
} im_unit;

typedef struct im_event {
    raw_event ev;
    uint32_t pflags;
} im_event;

typedef struct im_sent {
    kh_coder *c;
    const kh_dict *d;
    size_t si;
    im_word *w;
    size_t n;
    uint32_t *ids;
    size_t n_ids;
    im_unit *u;
    size_t nu;
    int allcaps;
    int petrarch;
    /* match state */
    int32_t src_unit, tgt_unit, comp_unit;
    uint32_t last_word;
    long budget;
    im_event ev[IM_MAX_EVENTS];
    size_t n_ev;
    int discard;
    int32_t shift;
    int have_shift;
    const char *fwd;     /* FORWARD: the previous sentence's first actor, or NULL */
    uint32_t gap;        /* word id of KH_WORD_GAP, KH_NONE when the dictionary has none */
    int stop;            /* CODE BY SENTENCE: an event was found */
    uint32_t syn_noun;   /* TABARI <NOUN> list (synset KH_SYN_NOUN), KH_NONE when none */
    uint32_t syn_adj;    /* TABARI <ADJECTIVE> list, KH_NONE when none */
    size_t clause_hi;    /* TABARI: forward matching stops here (the clause's end) */
} im_sent;

/* The longest trie match over candidate ids (words.c). */
typedef struct trie_best {
    uint32_t node;
    size_t end;
    size_t spec;
} trie_best;

typedef int (*node_ok_fn)(const kh_dict *d, uint32_t node, uint32_t ref);

/* One pattern's match in progress (match.c). */
typedef struct mstate {
    int32_t src, tgt, comp;
    size_t lo, hi; /* words matched */
    uint32_t alt_len; /* letters of the words synsets and alternatives matched */
} mstate;

/* One clause being matched (match.c). */
typedef struct clause_state {
    int32_t source;   /* carried over from earlier clauses */
    int regular;      /* TABARI: the default search found a source in this
                       * sentence (a slot's source is carried only then) */
} clause_state;

#define PEER_LINE_MAX 512

/* Agents join the actor next to them, or after OF/IN. */
void kh_peer_attach_agents(im_sent *s);

/* The candidate ids of a token: its folded form, then each stem
 * "prefix*" the dictionary holds, longest first. */
kh_status kh_peer_candidates(im_sent *s, im_word *w, size_t *cap);

/* Returns 1 when the sentence is discarded or set aside. */
int kh_peer_classify(im_sent *s);

/* Codes one clause [lo, hi). Returns 1 when a discard or complex code
 * was met. */
int kh_peer_code_clause(im_sent *s, size_t lo, size_t hi, int first_clause, clause_state *cs);

/* Drops comma-delimited clauses (TABARI 7.8, COMMA: 8.6): from a comma to
 * the next, MIN..MAX words, or to the end, EMIN..EMAX; before the first
 * comma, BMIN..BMAX (by default never). TABARI: a closing comma opens no
 * phrase. Commas inside compounds do not count. */
void kh_peer_drop_comma_clauses(im_sent *s);

/* Tokens TABARI would not see as words: the possessive 's (an ending to
 * TABARI), sentence stops, hyphens and dashes, quotation marks. */
int kh_peer_dropped(const kh_token *t);

/* Parsed compounds: unit (, unit)* (,) and unit, with determiners and
 * adjectives before each member. */
void kh_peer_find_compounds(im_sent *s);

int kh_peer_match_pattern(im_sent *s, const kh_pattern *p, size_t verb, mstate *m);

int kh_peer_node_synset(const kh_dict *d, uint32_t node, uint32_t ref);

/* Pronouns: HE/SHE/IT/HIM the first actor of the sentence, ITS/HIS/HER the
 * first actor before them, THEY/THEM/THEIR the first compound, else the
 * first actor. */
void kh_peer_resolve_pronouns(im_sent *s);

/* PETRARCH: the agents written before a compound's first member go to
 * every member ("the ambassadors of A, B and C": AGOV BGOV CGOV). */
void kh_peer_spread_agents(im_sent *s);

/* <TIME> patterns: the first one found shifts the date; ### and +++
 * among them discard. Returns 1 on a discard. */
int kh_peer_time_shift(im_sent *s);

/* kh_dict_child below the root, a pair that is no edge mostly answered
 * from the coder's edge bits (index.c). */
uint32_t kh_peer_child(const im_sent *s, uint32_t node, uint32_t word);

void kh_peer_trie_walk(const im_sent *s, uint32_t node, size_t i, size_t spec, node_ok_fn ok,
                      uint32_t ref, size_t depth, trie_best *best);

/* The patterns of word ids ids[0 .. nid) in the order they are tried
 * (match.c): <TIME> ones (time) or verb ones, the first `cap` in the
 * dictionary's order, sorted. Returns how many were written to out. */
size_t kh_peer_collect(const kh_dict *d, const uint32_t *ids, size_t nid, int time, pref *out,
                       size_t cap);

/* The form of a word (folded, len bytes) with its ids and patterns, made
 * on first use (index.c); NULL when memory is short. Valid until the next
 * kh_peer_forms_trim. */
const peer_form *kh_peer_form(kh_coder *c, const char *folded, size_t len);

/* At a sentence's start: empties the forms when they grew past their cap
 * (index.c). */
void kh_peer_forms_trim(kh_coder *c);

/* Makes the per-word and per-pattern tables of the coder (index.c). */
kh_status kh_peer_index_init(kh_coder *c, peer_state *ps);

/* Frees what index.c made. */
void kh_peer_index_free(kh_coder *c, peer_state *ps);

/* The document's tags, with the sentence's own made on first use (the
 * peer coder asks the analysis for none: TABARI's rules need them only at
 * conjunctions and compounds); NULL when tagging failed (index.c). */
const uint8_t *kh_peer_upos(const im_sent *s);

/* Marks the sentence's candidate ids as present (index.c). */
void kh_peer_mark_ids(im_sent *s);

/* 0 when pattern p cannot match in the sentence: one of the words it
 * names stands nowhere in it (index.c). */
int kh_peer_may_match(const im_sent *s, const kh_pattern *p);

/* The patterns of a verb word, in the order they are tried (its form's
 * list, *out; none when NULL). Returns how many. */
size_t kh_peer_verb_patterns(const im_sent *s, size_t i, const pref **out);

/* 0 when pattern r cannot match: one of its pref's two needed ids stands
 * nowhere in the sentence (what kh_peer_may_match would find, without
 * reading the pattern). */
static inline int kh_peer_pref_may(const im_sent *s, const pref *r)
{
    const peer_state *ps = PEER(s->c);
    return ps->seen[r->need[0]] == ps->sent && ps->seen[r->need[1]] == ps->sent;
}

kh_status kh_peer_apply(kh_peer_opts *o, const char *line);

int kh_peer_has_id(const im_sent *s, size_t i, uint32_t id);

void kh_peer_unit_add_code(im_unit *u, const char *code);

/* A word that may modify a compound's member: an unclassified word in
 * lower case that the tagger does not take for a verb. */
int kh_peer_modifier(const im_sent *s, size_t k);

/* Patterns of a word (over its candidate ids) that are not <TIME>. */
int kh_peer_word_has_verb_patterns(const im_sent *s, size_t i, int time);

#endif
