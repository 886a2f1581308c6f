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

/* What one GDELT 2.0 Events row says: the event, its GLOBALEVENTID and the
 * counts and source that the live writer (one story) and the store (merged
 * stories) each know in their own way. */
typedef struct kh_gdelt_event {
    uint64_t id;
    kh_date date;
    kh_date_precision date_precision; /* SQLDATE's 00 for a month or day not given */
    const char *source, *source_name, *target, *target_name;
    const char *code;         /* never NULL */
    const char *root;
    int quad;
    double goldstein;
    const kh_place *place;    /* NULL when none */
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
    kh_span source, target, verb;
    size_t doc_len;
} kh_gdelt_mention;

/* Appends the 61 tab-separated columns and a newline. */
kh_status kh_gdelt_event_row(kh_buf *b, const kh_gdelt_event *e);
/* Appends the 16 tab-separated columns and a newline. */
kh_status kh_gdelt_mention_row(kh_buf *b, const kh_gdelt_mention *m);

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
