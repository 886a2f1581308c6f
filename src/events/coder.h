/*
 * coder.h: the event coder's internals: the story loop and event merging
 * (coder.c) and the sentence coders it drives through one interface,
 * khaldun's own clause coder (clause.c) and the peers' rules for imported
 * TABARI / PETRARCH dictionaries (peer/coder.c).
 */
#ifndef KH_EVENTS_CODER_H
#define KH_EVENTS_CODER_H

#include "actors/actors.h"
#include "resolve/resolve.h"




#define KH_MAX_NOUN_KINDS 48 /* &NOM_ synsets read; more are ignored */

/* An event a noun tells ("talks between X and Y", "an abduction of two
 * engineers by militants"): nominal.c finds it, clause.c dates, places and
 * adds it (kh_clause_noun_event). */
typedef struct kh_noun_event {
    size_t sentence;
    int32_t clause;          /* the clause it stands in, -1 in a verbless sentence */
    const kh_code_rec *code;
    actor src, tgt;          /* code NULL: the side is not named */
    size_t first, end;       /* the noun phrase's tokens */
    const char *note;        /* what told it, for the mention's pattern (static) */
} kh_noun_event;

typedef struct raw_event {
    kh_date date;
    kh_date_precision date_precision;
    const char *modality;   /* kh_event.modality */
    const char *source, *target, *source_name, *target_name;
    const kh_code_rec *code;
    const kh_place *place;
    const kh_place *source_place, *target_place; /* the actors' own places, NULL if none */
    uint32_t flags;
    kh_mention mention;
    size_t order; /* first appearance */
} raw_event;

/* A sentence coder: how the events of one sentence are found. khaldun's own
 * clause rules (events/clause.c) or the peers' rules for imported TABARI and
 * PETRARCH dictionaries (peer/coder.c); kh_coder_new chooses one, once, from
 * the dictionary's kind (kh_sentence_coder_for). */
typedef struct kh_sentence_coder {
    const char *name;
    /* Sets up the coder's state from kh_code_options.peer_options (may be
     * NULL); *state is freed by `free`. */
    kh_status (*init)(kh_coder *c, const char *options, void **state);
    void (*free)(kh_coder *c, void *state);
    /* One option line (kh_coder_set_peer_option); NULL: takes none. */
    kh_status (*option)(kh_coder *c, void *state, const char *line);
    /* Codes sentence `si` of c->doc, adding events with kh_coder_add_event. */
    kh_status (*sentence)(kh_coder *c, void *state, size_t si);
    /* KH_SC_LAZY_TAGS: c->doc comes recased but neither tagged nor
     * chunked, and the clause coder's per-story tables are not made; the
     * sentence coder tags what it needs (kh_analyze_tag_sentence). */
    unsigned flags;
} kh_sentence_coder;
#define KH_SC_LAZY_TAGS 1u

extern const kh_sentence_coder kh_clause_coder; /* events/clause.c */
extern const kh_sentence_coder kh_peer_coder;   /* peer/coder.c */
/* clause.c: looks up the dictionary's statement synsets (kh_coder_new). */
void kh_clause_coder_setup(kh_coder *c);
/* clause.c: dates, places and adds an event nominal.c found. */
kh_status kh_clause_noun_event(kh_coder *c, const kh_noun_event *ne);
/* nominal.c: looks up the dictionary's event-noun synsets (from
 * kh_clause_coder_setup). */
void kh_nominal_setup(kh_coder *c);
/* nominal.c: the events the nouns of sentence `si` tell; `first_clause` is
 * the sentence's first clause, already coded. */
kh_status kh_nominal_sentence(kh_coder *c, size_t si, size_t first_clause);

struct kh_coder {
    kh_code_options opt;
    kh_allocator alloc_copy;
    kh_scratch *scratch;
    kh_arena arena;          /* per story */
    const kh_dict *dict;
    const kh_doc *doc;
    const kh_story *story;
    int64_t days;            /* story date in days, KH_DAYS_MIN when unknown */
    uint32_t *form, *lemw;   /* per token: word ids of form and lemma (c->view's, writable) */
    kh_story_view view;      /* what the stages see of the story */
    kh_actors ax;            /* the actors stage's story context */
    size_t tok_cap;
    /* events */
    raw_event *raw;
    size_t n_raw, raw_cap;
    kh_event *events;
    size_t n_events;
    uint8_t *consumed;       /* per clause: its verb was used by an earlier clause's pattern */
    uint16_t *clause_nev;    /* per clause: events it gave */
    uint8_t *pending_report; /* per clause: a bare report, a statement if its content gives no event */
    int statement_pass;      /* coding pending reports as statements (clause.c) */
    uint32_t stmt_syn[8];    /* synsets of what statements say (clause.c), KH_NONE when absent */
    uint32_t instr_syn[4];   /* synsets of weapons and attacks as subjects (clause.c) */
    uint32_t clash_syn;      /* &CLASH: fighting between two sides (nominal.c), KH_NONE when absent */
    uint32_t nom_syn[KH_MAX_NOUN_KINDS]; /* &NOM_<code> synsets: event nouns (nominal.c) */
    const kh_code_rec *nom_code[KH_MAX_NOUN_KINDS];
    size_t n_nom;
    uint32_t victim_syn;     /* &NOM_VICTIM ("dead", "killed"), KH_NONE when absent */
    uint32_t hit_syn;        /* &NOM_HIT ("killed", "halts"): what an attack did */
    uint32_t author_syn;     /* &NOM_AUTHOR ("claimed"): who did the act its object names */
    uint32_t unreal_syn;     /* &NOM_UNREAL ("threat of", "calls for"): no act happened */
    size_t next_clause;      /* the clause sentence coding goes on from */
    char buf[512];
    /* per-stage statistics (src/events/stats.c) */
    kh_coder_stats stats;
    /* the sentence coder chosen for the dictionary, and its state */
    const kh_sentence_coder *sc;
    void *sc_state;
};


void kh_coder_trace(kh_coder *c, size_t sentence, const char *fmt, ...) KH_PRINTF(3, 4);
kh_status kh_coder_add_event(kh_coder *c, const raw_event *ev);
kh_span kh_coder_span(kh_coder *c, size_t first, size_t end);

/* modality.c: NULL when clause `cli` of c->doc asserts its act; else why
 * not ("conditional", "question", "whether", "possibility", "obligation",
 * "denied", "claim", "background"), a static string. */
const char *kh_clause_modality(const kh_coder *c, size_t cli);
/* modality.c: the demand (CAMEO 10x) of the act `rec` ("X said Y must
 * meet Z": 106), NULL for acts CAMEO has no demand for (conflict). */
const kh_code_rec *kh_demand_code(const kh_coder *c, const kh_code_rec *rec);

/* peer/coder.c: 1 when the dictionary holds TABARI or PETRARCH patterns,
 * which the peers' rules code (kh_peer_coder). */
int kh_peer_dict(const kh_dict *d);

#endif
