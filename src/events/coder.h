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

/* The imported dictionaries' coder settings (TABARI .options; parsed and
 * applied in imported.c, kh_coder_set_peer_option). */
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
    char buf[512];
    /* per-stage statistics (src/events/stats.c) */
    kh_coder_stats stats;
    kh_doc doc_buf;          /* the document when analysed stage by stage */
    /* imported dictionaries (imported.c) */
    int8_t imported;         /* -1 not yet known, 0 khaldun's own, 1 TABARI/PETRARCH patterns */
    kh_peer_opts peer;       /* their coder's settings */
    kh_peer_fwd fwd;
};


void kh_coder_trace(kh_coder *c, size_t sentence, const char *fmt, ...) KH_PRINTF(3, 4);
/* The source bytes of tokens [first, end) (tabs and newlines as spaces), in the story arena. */
const char *kh_coder_text(kh_coder *c, size_t first, size_t end);
kh_status kh_coder_add_event(kh_coder *c, const raw_event *ev);
kh_span kh_coder_span(kh_coder *c, size_t first, size_t end);
/* Actors of an NP chunk: itself, coordinated members, or a pronoun/definite
 * reference; returns how many (at most MAX_ACTORS). */
size_t kh_coder_resolve_np(kh_coder *c, int32_t ci, int32_t reporter_np, actor *outs);

/* imported.c: the peer defaults, then options->peer_options (kh_coder_new). */
kh_status kh_coder_peer_init(kh_coder *c, const char *text);
/* imported.c: 1 when the dictionary holds TABARI or PETRARCH patterns. */
int kh_coder_dict_imported(const kh_dict *d);
/* Codes sentence `si` of c->doc by the rules of the imported dictionary's
 * own coder (TABARI's shallow parse; PETRARCH's with khaldun's tags),
 * adding its events with kh_coder_add_event. */
kh_status kh_code_imported_sentence(kh_coder *c, size_t si);

#endif
