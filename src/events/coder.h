/*
 * coder.h: the event coder's internals, shared by the coder proper
 * (coder.c: khaldun's own dictionaries, clause by clause over the language
 * layer) and the matcher for imported TABARI / PETRARCH dictionaries
 * (imported.c), which follow their peers' own matching rules.
 */
#ifndef KH_EVENTS_CODER_H
#define KH_EVENTS_CODER_H

#include "chunks/chunks.h"
#include "dict/dict.h"
#include "resolve/resolve.h"

#define MAX_ACTORS 8     /* actors of one noun phrase (coordination) */
#define PATTERN_GAP 6    /* tokens a pattern word may be looked for ahead */

typedef struct actor {
    const char *code;   /* arena or image string */
    const char *name;
    uint32_t first, end; /* tokens */
    uint8_t person;     /* a named individual (for he/she) */
    uint8_t country;    /* a state or its government (for it/the country) */
} actor;

typedef struct raw_event {
    kh_date date;
    const char *source, *target, *source_name, *target_name;
    const kh_code_rec *code;
    const kh_place *place;
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
} kh_sentence_coder;

extern const kh_sentence_coder kh_clause_coder; /* events/clause.c */
extern const kh_sentence_coder kh_peer_coder;   /* peer/coder.c */

struct kh_coder {
    kh_code_options opt;
    kh_allocator alloc_copy;
    kh_scratch *scratch;
    kh_arena arena;          /* per story */
    const kh_dict *dict;
    const kh_doc *doc;
    const kh_story *story;
    int64_t days;            /* story date in days, KH_DAYS_MIN when unknown */
    /* per token */
    uint32_t *form;          /* word id of the form */
    uint32_t *lemw;          /* word id of the lemma */
    uint32_t *mnode;         /* node of the longest acceptable phrase starting here, 0 none */
    uint16_t *mlen;
    size_t tok_cap;
    /* events */
    raw_event *raw;
    size_t n_raw, raw_cap;
    kh_event *events;
    size_t n_events;
    /* story context for pronouns and definite descriptions */
    actor last_person, last_actor, last_country, last_org;
    actor pair[2];
    int have_pair;
    actor people[32];        /* persons named so far, for "Kim" after "Kim Jong Un" */
    size_t n_people;
    uint8_t *consumed;       /* per clause: its verb was used by an earlier clause's pattern */
    size_t next_clause;      /* the clause sentence coding goes on from */
    char buf[512];
    /* per-stage statistics (src/events/stats.c) */
    kh_coder_stats stats;
    kh_doc doc_buf;          /* the document when analysed stage by stage */
    /* the sentence coder chosen for the dictionary, and its state */
    const kh_sentence_coder *sc;
    void *sc_state;
};


void kh_coder_trace(kh_coder *c, size_t sentence, const char *fmt, ...) KH_PRINTF(3, 4);
/* The source bytes of tokens [first, end) (tabs and newlines as spaces), in the story arena. */
const char *kh_coder_text(kh_coder *c, size_t first, size_t end);
kh_status kh_coder_add_event(kh_coder *c, const raw_event *ev);
kh_span kh_coder_span(kh_coder *c, size_t first, size_t end);
/* Actors of an NP chunk: itself, coordinated members, or a pronoun/definite
 * reference; returns how many (at most MAX_ACTORS). */
size_t kh_coder_resolve_np(kh_coder *c, int32_t ci, int32_t reporter_np, actor *outs);

/* peer/coder.c: 1 when the dictionary holds TABARI or PETRARCH patterns,
 * which the peers' rules code (kh_peer_coder). */
int kh_peer_dict(const kh_dict *d);

#endif
