/*
 * dict.h: the dictionaries, between their sources and the coder. Sources
 * (khaldun's own text format, and the TABARI and PETRARCH formats through
 * the importers) are parsed into a kh_dict_builder; the builder compiles one
 * immutable image (kind "DIC1"); the coder reads the image through the
 * lookup functions below, from any number of threads at once.
 *
 * Everything matchable (actor names, country names, adjectives, capitals,
 * agents, places, synset members) is a phrase: a sequence of word ids, held
 * in a trie keyed by (node, word). A trie node carries payloads: what the
 * phrase ending there means. Verb patterns are indexed by their verb lemma.
 */
#ifndef KH_DICT_H
#define KH_DICT_H

#include "core/core.h"
#include "image/image.h"

#define KH_DICT_VERSION 2u
#define KH_NONE UINT32_MAX
#define KH_DAYS_MIN INT32_MIN
#define KH_DAYS_MAX INT32_MAX

/* What a phrase means (a payload's kind). */
typedef enum kh_pkind {
    KH_P_ACTOR = 1,   /* ref: actor index */
    KH_P_COUNTRY,     /* ref: country index; the phrase is its name */
    KH_P_DEMONYM,     /* ref: country index; adjective or demonym */
    KH_P_CAPITAL,     /* ref: country index; capital or metonym */
    KH_P_AGENT,       /* ref: agent index */
    KH_P_PLACE,       /* ref: place index */
    KH_P_SYNSET       /* ref: synset index */
} kh_pkind;

typedef struct kh_payload {
    uint32_t kind;
    uint32_t ref;
} kh_payload;

typedef struct kh_trie_node {
    uint32_t first_payload;
    uint32_t n_payloads;
} kh_trie_node;

typedef struct kh_trie_edge {
    uint32_t parent;
    uint32_t word;
    uint32_t child;
    uint32_t pad;
} kh_trie_edge;

typedef struct kh_word_rec {
    uint32_t str;   /* offset in the string pool (lower-cased form) */
    uint32_t len;
} kh_word_rec;

typedef struct kh_role {
    uint32_t code;  /* string: the CAMEO actor code */
    int32_t from;   /* days since 1970-01-01, KH_DAYS_MIN when open */
    int32_t to;     /* inclusive; KH_DAYS_MAX when open */
} kh_role;

typedef struct kh_actor_rec {
    uint32_t name;  /* string: the first name listed */
    uint32_t note;  /* string */
    uint32_t first_role;
    uint32_t n_roles;
    uint32_t src;   /* string: "file:line" of the entry */
    uint32_t pad;
} kh_actor_rec;

typedef struct kh_country_rec {
    uint32_t code;  /* string: ISO3 / CAMEO country code */
    uint32_t name;  /* string: its name */
} kh_country_rec;

typedef struct kh_agent_rec {
    uint32_t code;  /* string: role code ("GOV"); KH_NONE for "*" (same as the actor it qualifies) */
    uint32_t name;  /* string */
    uint32_t flags; /* added for the importers: KH_AGENT_* (0 for khaldun's own agents) */
} kh_agent_rec;

enum {
    KH_AGENT_PREFIX = 1u << 0 /* TABARI/PETRARCH "NGO~": the agent code goes BEFORE the
                               * actor's code (NGO + ISR = NGOISR); without it ("~GOV") after.
                               * Either way a code already present on a 3-letter boundary is
                               * not added twice (TABARI 5.4) */
};

typedef struct kh_place_rec {
    uint32_t name;
    uint32_t country; /* string: ISO3 */
    uint32_t admin1;  /* string */
    float lat;
    float lon;
    uint32_t population;
    uint32_t feature_id;
} kh_place_rec;

typedef struct kh_synset_rec {
    uint32_t name;  /* string, with its & */
} kh_synset_rec;

typedef struct kh_code_rec {
    uint32_t code;  /* string: "042" */
    uint32_t name;  /* string */
    float goldstein;
    uint32_t quad;  /* 1..4; 0 for the special codes (KH_CODE_*) and for imported codes
                     * with no CAMEO root 01-20 ("345", "sdf"): added by kh_bld_code_ensure */
} kh_code_rec;

/* Pattern elements. */
typedef enum kh_ekind {
    KH_E_WORD = 1,  /* ref: word id (a lemma or form) */
    KH_E_SYNSET,    /* ref: synset index */
    KH_E_ALT,       /* ref: index into the alt table, aux: count */
    KH_E_TARGET,    /* the target slot */
    KH_E_SOURCE,    /* the source slot */
    KH_E_VERB,      /* the verb itself (position of the verb in the pattern) */
    /* Added for the TABARI / PETRARCH importers (import_*.c): */
    KH_E_SKIP,      /* `^`: matches one actor (a parsed or coded compound counts as one)
                     * at this position and assigns it to neither slot; TABARI 5.7.3 */
    KH_E_COMPOUND   /* `%`: a compound actor (parsed "Syria and Jordan" or coded "A/B")
                     * at this position becomes both source and target: one event per
                     * ordered pair of distinct members. No compound there: the
                     * pattern fails and shorter patterns are tried. TABARI 5.7.3 */
} kh_ekind;

/*
 * Element flags, in kh_elem.aux, for every kind except KH_E_ALT (whose aux
 * is its count; the importers never emit KH_E_ALT: their alternatives
 * become anonymous synsets). Only the importers set them; khaldun's own
 * patterns leave aux 0.
 */
enum {
    KH_EF_ADJ = 1u << 0,  /* must match the token right after the previous element's
                           * last token, no word skipped (TABARI/PETRARCH `_` or `~`
                           * connector: "IN_*", "*_HELICOPTERS", "NEW_&TIETYPES"). Without
                           * it, imported patterns may skip any words between elements
                           * (TABARI 5.5.3), but never cross a conjunction or a comma. */
    KH_EF_NP = 1u << 1,   /* PETRARCH2 `{FINANCIAL AID}`: the words must all lie in one noun
                           * phrase, in order; */
    KH_EF_HEAD = 1u << 2, /* ... and the element so flagged (the last) is its head */
    KH_EF_PP = 1u << 3    /* PETRARCH2 `(FOR AID)`: part of one prepositional phrase; the
                           * first element so flagged is the preposition */
};

/*
 * Word match modes of imported dictionaries. TABARI matches a word as a
 * STEM unless it ends in `_` or `=` (manual 5.2.2): "ARGENTIN" matches
 * "Argentina" and "Argentinian". The importers intern such a word with a
 * trailing KH_WORD_STEM ("argentin*"), in phrases (trie edges) and pattern
 * elements alike. A token matches a word id when the id is the token's
 * folded form, or the id of some prefix of that form (1..len bytes) plus
 * "*". The coder prefers the longest match. Exact words with TABARI's
 * regular endings (`ACT_`) or PETRARCH's generated forms and plurals are
 * expanded by the importers into separate exact words: no marker.
 */
#define KH_WORD_STEM '*'

/*
 * The gap word: a phrase edge by the word " " (one blank, never a token)
 * means that any few words may come between the words on either side, none
 * included. The TABARI importer puts it where an actor phrase joins two
 * words with a blank rather than `_` (TABARI 5.2: "PRINCE DOL_AMROTH"
 * matches "Prince of Dol_Amroth", "AL GORE" matches `Al "The Weasel"
 * Gore`). Only the imported matcher (imported.c) follows it; khaldun's own
 * phrase matching never meets it, as its own phrases hold no such word.
 */
#define KH_WORD_GAP " "

/*
 * The TABARI importer keeps an actors file's <NOUN> and <ADJECTIVE> lists
 * as two synsets under these reserved names (no `&`, so no pattern can
 * name them). They carry no code; the imported matcher reads them to find
 * compound noun and adjective phrases, whose conjunctions do not split a
 * sentence into clauses (TABARI manual 7.5.1).
 */
#define KH_SYN_NOUN "<noun>"
#define KH_SYN_ADJECTIVE "<adjective>"

/*
 * Special codes of the TABARI and PETRARCH dictionaries. As actor role
 * codes (kh_role.code) and as event codes (a kh_code_rec with quad 0,
 * Goldstein 0; patterns carrying them also have a KH_PAT_NULL /
 * KH_PAT_DISCARD / KH_PAT_COMPLEX flag):
 *   "---"       null: the actor or phrase is recognised but yields nothing;
 *               an actor with it is ignored by the source/target searches.
 *   "###"       discard: a sentence holding it is not coded at all.
 *   "###STORY"  discard the whole story (PETRARCH discards with a leading +).
 *   "+++"       complex: the sentence is set aside as too complex (not coded;
 *               report it as such).
 * An actor role code may also be a coded compound "ELR/GAL" (TABARI 6.5.1):
 * the actor stands for each of the parts, like a parsed compound.
 */
#define KH_CODE_NULL "---"
#define KH_CODE_DISCARD "###"
#define KH_CODE_DISCARD_STORY "###STORY"
#define KH_CODE_COMPLEX "+++"

typedef struct kh_elem {
    uint16_t kind;
    uint16_t aux;
    uint32_t ref;
} kh_elem;

enum {
    KH_PAT_NO_TARGET = 1u << 0, /* pattern has no target slot: source-only event */
    /* Added for the importers (never set on khaldun's own patterns): */
    KH_PAT_NULL = 1u << 1,      /* null code "---": the match stands (longer/earlier patterns
                                 * of the verb are not tried after it) but yields no event */
    KH_PAT_DISCARD = 1u << 2,   /* "###": the sentence is discarded (no event from it) */
    KH_PAT_COMPLEX = 1u << 3,   /* "+++": the sentence is set aside as complex */
    KH_PAT_SUBORDINATE = 1u << 4, /* "023?": coded only if the sentence yields no other,
                                 * non-subordinate event (TABARI 6.6.1) */
    KH_PAT_DOMINANT = 1u << 5,  /* "111!": when any dominant event is found in a clause, only
                                 * dominant events of it are kept (TABARI 6.6.2) */
    KH_PAT_TIME = 1u << 6,      /* a TABARI <TIME> pattern: its "verb" is any token; it yields
                                 * no event but shifts the date of the sentence's events by
                                 * `shift` days; the first one found wins (TABARI 10.5). With
                                 * KH_PAT_NULL/DISCARD/COMPLEX it acts as those instead. */
    KH_PAT_PAIRED = 1u << 7,    /* "032:033": a second event, target -> source, with code2 */
    KH_PAT_TABARI = 1u << 8,    /* from a TABARI .verbs file: the verb element matches any token
                                 * (TABARI has no tagger), elements before the verb match before
                                 * it in the clause, gaps allowed unless KH_EF_ADJ, and without
                                 * $/+ slots the TABARI default searches find source (first
                                 * actor before the verb) and target (first actor after it with
                                 * another code, else before). Patterns of a verb are tried by
                                 * decreasing `weight`, ties in file order. */
    KH_PAT_PETRARCH = 1u << 9   /* from a PETRARCH verbs file: as KH_PAT_TABARI but the verb
                                 * element must be tagged as a verb, and words match whole */
};

typedef struct kh_pattern {
    uint32_t verb;       /* word id of the verb lemma */
    uint32_t first_elem;
    uint16_t n_elems;
    uint16_t verb_pos;   /* index of the KH_E_VERB element */
    uint32_t code;       /* index into the code table */
    uint32_t flags;
    uint32_t src;        /* string: "file:line" */
    uint32_t text;       /* string: the pattern as written */
    /* Added for the importers (zero on khaldun's own patterns): */
    uint32_t code2;      /* string: the second code of a paired code (KH_PAT_PAIRED), else 0;
                          * look it up with kh_dict_code (it is in the code table) */
    int32_t shift;       /* KH_PAT_TIME: days added to the event date (-8192..8192) */
    uint32_t weight;     /* TABARI's pattern length (5.7.1): letters and digits of the
                          * pattern, tokens and blanks not counted, alternatives counted
                          * by their longest; higher is tried first */
} kh_pattern;

/* The loaded dictionary (immutable; share between threads). */
struct kh_dict {
    kh_image img;
    const char *strings;
    size_t strings_len;
    const kh_word_rec *words; size_t n_words;
    const uint32_t *word_slots; size_t n_word_slots;     /* power of two; word id + 1, 0 empty */
    const kh_trie_node *nodes; size_t n_nodes;
    const kh_trie_edge *edges; size_t n_edges;           /* open-addressed table; child 0 = empty */
    const kh_payload *payloads; size_t n_payloads;
    const kh_actor_rec *actors; size_t n_actors;
    const kh_role *roles; size_t n_roles;
    const kh_country_rec *countries; size_t n_countries;
    const kh_agent_rec *agents; size_t n_agents;
    const kh_place_rec *places; size_t n_places;
    const kh_synset_rec *synsets; size_t n_synsets;
    const kh_code_rec *codes; size_t n_codes;            /* sorted by code string */
    const kh_pattern *patterns; size_t n_patterns;       /* sorted by verb word id */
    const kh_elem *elems; size_t n_elems;
    const uint32_t *alts; size_t n_alts;
    const char *peer_options;  /* the imported .options text (NUL-terminated), or NULL */
    uint32_t *root_child;      /* per word id: the root's child by it, 0 none (built at load
                                * from the edges, so kh_dict_child(d, 0, w) needs no probe;
                                * NULL when out of memory: the edges are probed) */
    uint32_t *pat_first;       /* per word id w (and n_words): the first pattern whose verb
                                * is >= w, so w's patterns are [pat_first[w], pat_first[w + 1]);
                                * built at load, NULL when out of memory (binary search) */
    uint32_t *pat_need;        /* per pattern: kh_word_bit of up to three of its words
                                * (KH_E_WORD elements, the verb not counted) in bytes 0-2,
                                * how many in byte 3; built at load, NULL when out of memory */
    char hash_hex[17];
    const kh_allocator *alloc;
};

/* String at offset (always NUL-terminated: checked at load). */
static inline const char *kh_dict_str(const kh_dict *d, uint32_t off)
{
    return off < d->strings_len ? d->strings + off : "";
}

/* Word id of a form (lower-cased here), or KH_NONE. */
uint32_t kh_dict_word(const kh_dict *d, const char *s, size_t len);
/* A word id's bit in a 256-bit set of words (four uint64_t): a sentence's
 * set holds the bits of its forms and lemmas, so a pattern one of whose
 * words has its bit clear cannot match there (kh_dict.pat_need). */
static inline unsigned kh_word_bit(uint32_t w) { return (unsigned)((w * 0x9e3779b1u) >> 24); }
/* Child of trie node `node` by `word`, or 0 (the root is never a child). */
uint32_t kh_dict_child(const kh_dict *d, uint32_t node, uint32_t word);
/* The code record for an event code string, or NULL. */
const kh_code_rec *kh_dict_code(const kh_dict *d, const char *code, size_t len);
/* Patterns whose verb lemma is `word`: [*first, *first + count). */
size_t kh_dict_patterns(const kh_dict *d, uint32_t word, size_t *first);
/* The role of an actor on a date (days since epoch; KH_DAYS_MIN = unknown
 * date: the last open-ended role, else the first), or NULL. */
const kh_role *kh_dict_actor_role(const kh_dict *d, const kh_actor_rec *a, int64_t days);

/* Lower-cases a token form into out (ASCII letters only; UTF-8 bytes pass
 * through); returns the length (<= len). */
size_t kh_dict_fold(const char *s, size_t len, char *out);

/* The image's hashes of a folded word form and of a trie edge: the builder
 * (compile.c) lays tables out by them and the reader (dict.c) probes them. */
uint64_t kh_dict_word_hash(const char *s, size_t len);
uint64_t kh_dict_edge_hash(uint32_t parent, uint32_t word);

#endif
