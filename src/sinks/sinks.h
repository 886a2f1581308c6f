/*
 * sinks.h: what the sinks (the last stage: JSON Lines, GDELT TSV, the event
 * store) share inside the library. One early-exit macro, one date format,
 * the number format, the JSON blocks of an event that the live writer
 * (events_json.c) and the store's export (store_write.c) both write, and
 * the GDELT rows (gdelt.c) that the live writer and the store's export
 * fill from their own records. Not public; include only from src/sinks/.
 */
#ifndef KH_SINKS_H
#define KH_SINKS_H

#include "core/core.h"

/* Runs x; on a non-KH_OK status keeps it in `st` and jumps to `done`. */
#define TRY(x) do { st = (x); if (st) goto done; } while (0)

/* "YYYY-MM-DD", or "" for an unknown date (year 0). */
void kh_sink_date_text(kh_date d, char out[16]);

/* A date as a JSON string, or null when unknown. */
kh_status kh_json_put_date(kh_buf *b, kh_date d);

/* A double with up to `decimals` decimals, trailing zeros dropped ("1.9",
 * "-10", "3.4"); JSON null for NaN and infinities. */
kh_status kh_buf_put_num(kh_buf *b, double v, int decimals);

/* An event's place as a JSON object (name, country, admin1, type, lat, lon,
 * feature_id), or null. */
kh_status kh_json_put_place(kh_buf *b, const kh_place *place);

/* The names of the bits set in `flags` (bit i: names[i], i < n) as a JSON array. */
kh_status kh_json_put_names(kh_buf *b, uint32_t flags, const char *const *names, size_t n);

/* KH_EV_* flags as a JSON array of names ("intent", "refusal", ...). */
kh_status kh_json_put_flags(kh_buf *b, uint32_t flags);

/* GLOBALEVENTID: the first 63 bits of SHA-256 over the event's key (date,
 * source, target, code), never 0; the same event gets the same id in every
 * run, shard and merged store (docs/formats.md). */
uint64_t kh_gdelt_id(kh_date date, const char *source, const char *target, const char *code);

/* Characters (UTF-8 code points; an invalid byte counts as one) in s[0..len). */
size_t kh_sink_chars(const char *s, size_t len);

/* An actor code read three letters at a time, as GDELT does: a country or
 * CAMEO region first, then each part by GDELT's lookup that lists it
 * (known groups before types, so UNO, AMN and IRC are groups; the last
 * group wins: IGOUNOHCR is HCR, with type IGO). A part no lookup lists
 * (khaldun's own group codes, REL) stays only in the whole code. Empty
 * strings where there is none. */
typedef struct kh_actor_parts {
    char country[4], group[4], religion[2][4], type[3][4];
} kh_actor_parts;
void kh_actor_parts_of(const char *code, kh_actor_parts *out);

/* What one GDELT 2.0 Events row says: the event (its key gives the
 * GLOBALEVENTID) and the counts and source that the live writer (one story)
 * and the store (merged stories) each know in their own way. */
typedef struct kh_gdelt_event {
    kh_date date;
    kh_date_precision date_precision; /* SQLDATE's 00 for a month or day not given */
    const char *source, *source_name, *target, *target_name;
    const char *code;         /* never NULL */
    const char *root;
    int quad;
    double goldstein;
    const kh_place *place;    /* NULL when none */
    const kh_place *source_place, *target_place; /* Actor1Geo, Actor2Geo; NULL when none */
    size_t first_sentence;    /* IsRootEvent: the first mention is in the lead */
    size_t num_mentions, num_sources, num_articles;
    kh_date added;            /* DATEADDED: the (first) story's date */
    const char *url;          /* SOURCEURL: the URL, else the story id */
} kh_gdelt_event;

/* What one GDELT 2.0 Mentions row says. */
typedef struct kh_gdelt_mention {
    uint64_t event_id;
    kh_date event_added, added; /* EventTimeDate, MentionTimeDate */
    int has_url;                /* MentionType 1 (web) or 2 (citation only) */
    const char *publisher;      /* "" when none */
    const char *url;            /* MentionIdentifier */
    size_t sentence;            /* 0-based; written 1-based */
    kh_span source, target, verb; /* byte offsets into the story */
    /* The story's bytes [doc_at, doc_at + doc_bytes), with chars_before
     * characters before them: the whole story, or the mention's sentence.
     * Offsets inside are written in characters; doc NULL: the offsets are
     * written as the bytes they are. */
    const char *doc;
    size_t doc_at, doc_bytes, chars_before;
    size_t doc_chars;           /* MentionDocLen: the story's length in characters */
} kh_gdelt_mention;

/* Appends the 61 tab-separated columns and a newline. */
kh_status kh_gdelt_event_row(kh_buf *b, const kh_gdelt_event *e);
/* Appends the 16 tab-separated columns and a newline. */
kh_status kh_gdelt_mention_row(kh_buf *b, const kh_gdelt_mention *m);

/* kh_events_write_gdelt with `seen` (NULL: none), the ids of the events
 * whose Events row a run has written: a repeated event gets Mentions rows
 * only, as in GDELT, where an event's row comes from the first report. */
kh_status kh_gdelt_write_story(const kh_story *story, const kh_event *events, size_t n,
                               kh_map *seen, kh_write_fn write_events, void *events_ctx,
                               kh_write_fn write_mentions, void *mentions_ctx);

/* The sink interface (khaldun.h): each implementation puts a struct kh_sink
 * first in its own struct and fills `ops`. */
typedef struct kh_sink_ops {
    kh_status (*begin)(kh_sink *sink);
    kh_status (*story)(kh_sink *sink, const kh_story *story);
    kh_status (*event)(kh_sink *sink, const kh_event *event);
    kh_status (*finish)(kh_sink *sink);
    void (*free)(kh_sink *sink);
} kh_sink_ops;

struct kh_sink {
    const kh_sink_ops *ops;
    const kh_story *story; /* the story whose events come next */
    kh_sink_counts counts;
};

#endif
