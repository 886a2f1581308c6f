/*
 * source.c: the parser of khaldun's own dictionary format
 * (docs/dictionary-format.md): `[section]` lines, then one entry a line,
 * columns split by `|`, alternatives by `;`, `#` comments. Each problem is
 * reported as FILE:LINE:COL and the entry skipped; parsing always goes on.
 * Also the entry helpers the importers share (codes, countries, synsets,
 * patterns).
 */
#include <stdio.h>
#include <stdlib.h>

#include "dict/build.h"

typedef enum section {
    SEC_NONE, SEC_CODES, SEC_COUNTRIES, SEC_ACTORS, SEC_AGENTS, SEC_PLACES, SEC_SYNSETS, SEC_VERBS
} section;

typedef struct slice {
    const char *s;
    size_t len;
} slice;

static slice trim(const char *s, size_t len)
{
    while (len && kh_is_space((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && kh_is_space((unsigned char)s[len - 1]))
        len--;
    return (slice){s, len};
}

/* Splits [s, s+len) on `sep` into at most max trimmed pieces; returns how
 * many there were (which may exceed max: the rest are not stored). */
static size_t split(const char *s, size_t len, char sep, slice *out, size_t max)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == sep) {
            if (n < max)
                out[n] = trim(s + start, i - start);
            n++;
            start = i + 1;
        }
    }
    return n;
}

static size_t col_of(const char *line, const char *p) { return (size_t)(p - line) + 1; }

/* ---------------------------------------------------------------------- */
/* Dates                                                                  */

static int parse_date_part(const char *s, size_t len, int end, int32_t *out)
{
    int y = 0, m = 1, d = 1;
    size_t i = 0;
    for (; i < len && i < 4; i++) {
        if (!kh_is_digit((unsigned char)s[i]))
            return 0;
        y = y * 10 + (s[i] - '0');
    }
    if (i != 4)
        return 0;
    int have_m = 0, have_d = 0;
    if (len > 4) {
        if (len < 7 || s[4] != '-' || !kh_is_digit((unsigned char)s[5]) ||
            !kh_is_digit((unsigned char)s[6]))
            return 0;
        m = (s[5] - '0') * 10 + (s[6] - '0');
        have_m = 1;
        if (len > 7) {
            if (len != 10 || s[7] != '-' || !kh_is_digit((unsigned char)s[8]) ||
                !kh_is_digit((unsigned char)s[9]))
                return 0;
            d = (s[8] - '0') * 10 + (s[9] - '0');
            have_d = 1;
        }
    }
    if (!kh_date_valid(y, m, d))
        return 0;
    kh_date dt = {(int16_t)y, (uint8_t)m, (uint8_t)d};
    if (end && !have_d) {
        /* The end of a year or month is its last day. */
        if (!have_m)
            dt.month = 12, dt.day = 31;
        else {
            kh_date next = dt;
            next.month = (uint8_t)(m == 12 ? 1 : m + 1);
            next.year = (int16_t)(m == 12 ? y + 1 : y);
            *out = (int32_t)(kh_date_to_days(next) - 1);
            return 1;
        }
    }
    *out = (int32_t)kh_date_to_days(dt);
    return 1;
}

int kh_parse_range(const char *s, size_t len, int32_t *from, int32_t *to)
{
    slice t = trim(s, len);
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < t.len; i++)
        if (t.s[i] == '.' && t.s[i + 1] == '.') {
            dots = t.s + i;
            break;
        }
    if (!dots) {
        return parse_date_part(t.s, t.len, 0, from) && parse_date_part(t.s, t.len, 1, to);
    }
    slice a = trim(t.s, (size_t)(dots - t.s));
    slice b = trim(dots + 2, t.len - (size_t)(dots - t.s) - 2);
    *from = KH_DAYS_MIN;
    *to = KH_DAYS_MAX;
    if (a.len && !parse_date_part(a.s, a.len, 0, from))
        return 0;
    if (b.len && !parse_date_part(b.s, b.len, 1, to))
        return 0;
    return *from <= *to;
}

/* ---------------------------------------------------------------------- */
/* Shared entry helpers                                                   */

int kh_bld_actor_code_ok(const char *s, size_t len)
{
    if (len < 3 || len % 3 != 0 || len > 30)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!kh_is_upper((unsigned char)s[i]) && !kh_is_digit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int event_code_ok(const char *s, size_t len)
{
    if (len < 2 || len > 4)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!kh_is_digit((unsigned char)s[i]))
            return 0;
    return 1;
}

kh_status kh_bld_country(kh_dict_builder *b, const char *code, size_t len, uint32_t *index)
{
    uint32_t off;
    kh_status st = kh_bld_str(b, code, len, &off);
    if (st)
        return st;
    int found;
    st = kh_map_get_or_put(b->alloc, &b->country_map, off, (uint32_t)b->countries.n, index,
                           &found);
    if (st || found)
        return st;
    kh_country_rec c = {off, 0};
    return kh_vec_push(b->alloc, &b->countries, &c);
}

kh_status kh_bld_synset(kh_dict_builder *b, const char *name, size_t len, uint32_t *index)
{
    char folded[128];
    if (len > sizeof folded)
        return KH_ERR_LIMIT;
    size_t n = kh_dict_fold(name, len, folded);
    uint32_t off;
    kh_status st = kh_bld_str(b, folded, n, &off);
    if (st)
        return st;
    int found;
    st = kh_map_get_or_put(b->alloc, &b->synset_map, off, (uint32_t)b->synsets.n, index,
                           &found);
    if (st || found)
        return st;
    kh_synset_rec s = {off};
    return kh_vec_push(b->alloc, &b->synsets, &s);
}

kh_status kh_bld_pattern(kh_dict_builder *b, const kh_elem *elems, size_t n, size_t verb_pos,
                         const char *code, size_t code_len, const char *text, size_t text_len,
                         const kh_srcpos *pos)
{
    if (n == 0 || n > KH_MAX_PATTERN || verb_pos >= n || elems[verb_pos].kind != KH_E_VERB) {
        kh_bld_diag(b, pos, KH_SEV_ERROR, "pattern has no verb");
        return KH_ERR_FORMAT;
    }
    size_t targets = 0, sources = 0;
    for (size_t i = 0; i < n; i++) {
        targets += elems[i].kind == KH_E_TARGET;
        sources += elems[i].kind == KH_E_SOURCE;
    }
    if (targets > 1 || sources > 1) {
        kh_bld_diag(b, pos, KH_SEV_ERROR, "pattern has more than one %s slot",
                    targets > 1 ? "target" : "source");
        return KH_ERR_FORMAT;
    }
    uint32_t code_off, text_off, file_off;
    kh_status st = kh_bld_str(b, code, code_len, &code_off);
    if (!st)
        st = kh_bld_str(b, text, text_len, &text_off);
    if (!st)
        st = kh_bld_str(b, pos->file, strlen(pos->file), &file_off);
    if (st)
        return st;
    /* The same pattern twice is a duplicate: an error when the codes differ. */
    uint64_t key = kh_hash64(text, text_len, 0x7061u);
    uint32_t prev;
    int found;
    st = kh_map_get_or_put(b->alloc, &b->pattern_map, key, (uint32_t)b->patterns.n, &prev,
                           &found);
    if (st)
        return st;
    if (found) {
        const kh_bpattern *p = &KH_VEC_AT(b->patterns, kh_bpattern, prev);
        if (p->p.text == text_off) {
            int same = p->p.code == code_off;
            kh_bld_diag(b, pos, same ? KH_SEV_WARNING : KH_SEV_ERROR,
                        "duplicate pattern '%.*s' (also at %s:%u%s)", (int)text_len, text,
                        b->pool.data + p->file, p->line, same ? "" : " with another code");
            return same ? KH_OK : KH_ERR_FORMAT;
        }
    }
    kh_bpattern bp;
    memset(&bp, 0, sizeof bp);
    bp.p.verb = elems[verb_pos].ref;
    bp.p.first_elem = (uint32_t)b->elems.n;
    bp.p.n_elems = (uint16_t)n;
    bp.p.verb_pos = (uint16_t)verb_pos;
    bp.p.code = code_off;
    bp.p.flags = targets ? 0 : KH_PAT_NO_TARGET;
    bp.p.text = text_off;
    bp.file = file_off;
    bp.line = (uint32_t)pos->line;
    char where[600];
    int wn = snprintf(where, sizeof where, "%s:%zu", pos->file, pos->line);
    st = kh_bld_str(b, where, wn > 0 ? (size_t)wn : 0, &bp.p.src);
    for (size_t i = 0; !st && i < n; i++)
        st = kh_vec_push(b->alloc, &b->elems, &elems[i]);
    if (!st)
        st = kh_vec_push(b->alloc, &b->patterns, &bp);
    return st;
}

/* ---------------------------------------------------------------------- */
/* Sections                                                               */

typedef struct parser {
    kh_dict_builder *b;
    const char *name;
    const char *line;  /* start of the current line */
    size_t lineno;
} parser;

static kh_srcpos at(const parser *ps, const char *p)
{
    kh_srcpos pos = {ps->name, ps->lineno, p ? col_of(ps->line, p) : 1};
    return pos;
}

#define REJECT(p, ...)                                                        \
    do {                                                                      \
        kh_srcpos pos_ = at(ps, (p));                                         \
        kh_bld_diag(ps->b, &pos_, KH_SEV_ERROR, __VA_ARGS__);                 \
        return KH_ERR_FORMAT;                                                 \
    } while (0)

static kh_status want_cols(const parser *ps, const slice *cols, size_t got, size_t min,
                           size_t max, const char *what)
{
    if (got < min || got > max) {
        kh_srcpos pos = at(ps, cols[0].s);
        kh_bld_diag(ps->b, &pos, KH_SEV_ERROR, "%s: expected %zu%s columns separated by '|', found %zu",
                    what, min, max > min ? " or more" : "", got);
        return KH_ERR_FORMAT;
    }
    return KH_OK;
}

/* Adds every `;`-separated phrase of a column with one meaning. The
 * pieces are walked in place, so a column may hold any number of them up to
 * KH_MAX_LIST; past it the whole column is refused (before anything of it is
 * added) at the first piece over the limit, never cut short silently. */
static kh_status add_phrases(parser *ps, slice col, uint32_t kind, uint32_t ref)
{
    size_t n = 0;
    for (size_t i = 0; i <= col.len; i++)
        if (i == col.len || col.s[i] == ';') {
            if (++n > KH_MAX_LIST)
                REJECT(col.s + (i == col.len ? i : i + 1),
                       "more than %d names or members in one column (split the entry)",
                       KH_MAX_LIST);
        }
    kh_status worst = KH_OK;
    const char *p = col.s, *end = col.s + col.len;
    for (;;) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        slice alt = trim(p, (size_t)((semi ? semi : end) - p));
        if (alt.len) {
            kh_srcpos pos = at(ps, alt.s);
            if (kind == KH_P_SYNSET && alt.s[0] == '&')
                kh_bld_diag(ps->b, &pos, KH_SEV_WARNING,
                            "'%.*s' in a synset is the literal word '%.*s': synsets do not nest "
                            "(list its members here instead)",
                            (int)alt.len, alt.s, (int)alt.len, alt.s);
            kh_status st = kh_bld_phrase(ps->b, alt.s, alt.len, kind, ref, &pos);
            if (st == KH_ERR_FORMAT)
                worst = st;
            else if (st)
                return st;
        }
        if (!semi)
            break;
        p = semi + 1;
    }
    return worst;
}

static kh_status sec_codes(parser *ps, const slice *c, size_t n)
{
    kh_status st = want_cols(ps, c, n, 3, 3, "code");
    if (st)
        return st;
    if (!event_code_ok(c[0].s, c[0].len))
        REJECT(c[0].s, "bad CAMEO event code '%.*s' (2 to 4 digits)", (int)c[0].len, c[0].s);
    char tmp[32];
    if (c[1].len == 0 || c[1].len >= sizeof tmp)
        REJECT(c[1].s, "missing Goldstein value");
    memcpy(tmp, c[1].s, c[1].len);
    tmp[c[1].len] = '\0';
    char *end;
    double g = strtod(tmp, &end);
    if (*end || !(g >= -10.0 && g <= 10.0)) /* NaN fails too */
        REJECT(c[1].s, "bad Goldstein value '%s' (a number from -10 to 10)", tmp);
    kh_code_rec rec;
    memset(&rec, 0, sizeof rec);
    st = kh_bld_str(ps->b, c[0].s, c[0].len, &rec.code);
    if (!st)
        st = kh_bld_str(ps->b, c[2].s, c[2].len, &rec.name);
    if (st)
        return st;
    int root = (c[0].s[0] - '0') * 10 + (c[0].s[1] - '0');
    if (root < 1 || root > 20)
        REJECT(c[0].s, "event code '%.*s' has no CAMEO root (01-20)", (int)c[0].len, c[0].s);
    rec.goldstein = (float)g;
    rec.quad = root <= 5 ? 1u : root <= 8 ? 2u : root <= 13 ? 3u : 4u;
    uint32_t idx;
    int found;
    st = kh_map_get_or_put(ps->b->alloc, &ps->b->code_map, rec.code, (uint32_t)ps->b->codes.n,
                           &idx, &found);
    if (st)
        return st;
    if (found)
        REJECT(c[0].s, "duplicate event code '%.*s'", (int)c[0].len, c[0].s);
    return kh_vec_push(ps->b->alloc, &ps->b->codes, &rec);
}

static kh_status sec_countries(parser *ps, const slice *c, size_t n)
{
    kh_status st = want_cols(ps, c, n, 2, 4, "country");
    if (st)
        return st;
    if (c[0].len != 3 || !kh_bld_actor_code_ok(c[0].s, c[0].len))
        REJECT(c[0].s, "bad country code '%.*s' (three capital letters)", (int)c[0].len, c[0].s);
    uint32_t idx;
    st = kh_bld_country(ps->b, c[0].s, c[0].len, &idx);
    if (st)
        return st;
    kh_country_rec *rec = &KH_VEC_AT(ps->b->countries, kh_country_rec, idx);
    if (!rec->name && c[1].len) {
        slice first;
        split(c[1].s, c[1].len, ';', &first, 1);
        st = kh_bld_str(ps->b, first.s, first.len, &rec->name);
        if (st)
            return st;
    }
    kh_status worst = add_phrases(ps, c[1], KH_P_COUNTRY, idx);
    if (worst && worst != KH_ERR_FORMAT)
        return worst;
    if (n > 2) {
        st = add_phrases(ps, c[2], KH_P_DEMONYM, idx);
        if (st && st != KH_ERR_FORMAT)
            return st;
        worst = worst ? worst : st;
    }
    if (n > 3) {
        st = add_phrases(ps, c[3], KH_P_CAPITAL, idx);
        if (st && st != KH_ERR_FORMAT)
            return st;
        worst = worst ? worst : st;
    }
    return worst;
}

static kh_status sec_actors(parser *ps, const slice *c, size_t n)
{
    kh_status st = want_cols(ps, c, n, 2, 3, "actor");
    if (st)
        return st;
    kh_dict_builder *b = ps->b;
    kh_actor_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.first_role = (uint32_t)b->roles.n;
    /* Roles: CODE [RANGE] ; CODE [RANGE] ... */
    if (!c[1].len)
        REJECT(c[1].s, "actor without a code (NAMES | CODES | NOTE)");
    slice roles[64];
    size_t nr = split(c[1].s, c[1].len, ';', roles, KH_ARRAY_LEN(roles));
    if (nr > KH_ARRAY_LEN(roles))
        REJECT(c[1].s, "too many codes (at most %zu)", KH_ARRAY_LEN(roles));
    for (size_t i = 0; i < nr; i++) {
        slice r = roles[i];
        size_t k = 0;
        while (k < r.len && !kh_is_space((unsigned char)r.s[k]))
            k++;
        if (!kh_bld_actor_code_ok(r.s, k))
            REJECT(r.s, "bad actor code '%.*s' (groups of three capital letters)", (int)k, r.s);
        kh_role role = {0, KH_DAYS_MIN, KH_DAYS_MAX};
        if (k < r.len && !kh_parse_range(r.s + k, r.len - k, &role.from, &role.to)) {
            slice rg = trim(r.s + k, r.len - k);
            REJECT(rg.s, "bad date range '%.*s' (FROM..TO, dates YYYY[-MM[-DD]], FROM <= TO)",
                   (int)rg.len, rg.s);
        }
        st = kh_bld_str(b, r.s, k, &role.code);
        if (st)
            return st;
        for (uint32_t j = rec.first_role; j < b->roles.n; j++) {
            const kh_role *o = &KH_VEC_AT(b->roles, kh_role, j);
            if (o->from <= role.to && role.from <= o->to) {
                kh_srcpos pos = at(ps, r.s);
                kh_bld_diag(b, &pos, KH_SEV_WARNING,
                            "date range of '%.*s' overlaps an earlier code of this actor (the earlier wins)",
                            (int)k, r.s);
                break;
            }
        }
        st = kh_vec_push(b->alloc, &b->roles, &role);
        if (st)
            return st;
    }
    rec.n_roles = (uint32_t)(b->roles.n - rec.first_role);
    if (!rec.n_roles)
        REJECT(c[1].s, "actor without a code");
    slice first;
    split(c[0].s, c[0].len, ';', &first, 1);
    st = kh_bld_str(b, first.s, first.len, &rec.name);
    if (!st && n > 2)
        st = kh_bld_str(b, c[2].s, c[2].len, &rec.note);
    char where[600];
    int wn = snprintf(where, sizeof where, "%s:%zu", ps->name, ps->lineno);
    if (!st)
        st = kh_bld_str(b, where, wn > 0 ? (size_t)wn : 0, &rec.src);
    if (st)
        return st;
    uint32_t idx = (uint32_t)b->actors.n;
    st = kh_vec_push(b->alloc, &b->actors, &rec);
    if (st)
        return st;
    return add_phrases(ps, c[0], KH_P_ACTOR, idx);
}

static kh_status sec_agents(parser *ps, const slice *c, size_t n)
{
    kh_status st = want_cols(ps, c, n, 2, 3, "agent");
    if (st)
        return st;
    kh_agent_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.code = KH_NONE;
    if (!(c[1].len == 1 && c[1].s[0] == '*')) {
        if (!kh_bld_actor_code_ok(c[1].s, c[1].len))
            REJECT(c[1].s, "bad agent code '%.*s' (three capital letters, or *)", (int)c[1].len,
                   c[1].s);
        st = kh_bld_str(ps->b, c[1].s, c[1].len, &rec.code);
        if (st)
            return st;
    }
    slice first;
    split(c[0].s, c[0].len, ';', &first, 1);
    st = kh_bld_str(ps->b, first.s, first.len, &rec.name);
    if (st)
        return st;
    uint32_t idx = (uint32_t)ps->b->agents.n;
    st = kh_vec_push(ps->b->alloc, &ps->b->agents, &rec);
    if (st)
        return st;
    return add_phrases(ps, c[0], KH_P_AGENT, idx);
}

static kh_status sec_places(parser *ps, const slice *c, size_t n)
{
    kh_status st = want_cols(ps, c, n, 4, 6, "place");
    if (st)
        return st;
    if (c[1].len != 3 || !kh_bld_actor_code_ok(c[1].s, 3))
        REJECT(c[1].s, "bad country code '%.*s'", (int)c[1].len, c[1].s);
    kh_place_rec rec;
    memset(&rec, 0, sizeof rec);
    char tmp[64];
    if (c[3].len == 0 || c[3].len >= sizeof tmp)
        REJECT(c[3].s, "bad coordinates (LAT,LON)");
    memcpy(tmp, c[3].s, c[3].len);
    tmp[c[3].len] = '\0';
    char *end;
    double lat = strtod(tmp, &end);
    if (*end != ',')
        REJECT(c[3].s, "bad coordinates '%s' (LAT,LON)", tmp);
    double lon = strtod(end + 1, &end);
    if (*end || !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) /* and NaN */
        REJECT(c[3].s, "bad coordinates '%s' (LAT,LON in degrees)", tmp);
    rec.lat = (float)lat;
    rec.lon = (float)lon;
    for (size_t k = 4; k < n && k < 6; k++) {
        if (!c[k].len)
            continue;
        unsigned long long v = 0;
        for (size_t i = 0; i < c[k].len; i++) {
            if (!kh_is_digit((unsigned char)c[k].s[i]) || v > UINT32_MAX / 10)
                REJECT(c[k].s, "bad %s '%.*s'", k == 4 ? "population" : "feature id",
                       (int)c[k].len, c[k].s);
            v = v * 10 + (unsigned)(c[k].s[i] - '0');
        }
        if (v > UINT32_MAX)
            REJECT(c[k].s, "number too large");
        if (k == 4)
            rec.population = (uint32_t)v;
        else
            rec.feature_id = (uint32_t)v;
    }
    slice first;
    split(c[0].s, c[0].len, ';', &first, 1);
    st = kh_bld_str(ps->b, first.s, first.len, &rec.name);
    if (!st)
        st = kh_bld_str(ps->b, c[1].s, 3, &rec.country);
    if (!st)
        st = kh_bld_str(ps->b, c[2].s, c[2].len, &rec.admin1);
    if (st)
        return st;
    uint32_t idx = (uint32_t)ps->b->places.n;
    st = kh_vec_push(ps->b->alloc, &ps->b->places, &rec);
    if (st)
        return st;
    return add_phrases(ps, c[0], KH_P_PLACE, idx);
}

static kh_status sec_synsets(parser *ps, const slice *c, size_t n)
{
    kh_status st = want_cols(ps, c, n, 2, 2, "synset");
    if (st)
        return st;
    if (c[0].len < 2 || c[0].s[0] != '&')
        REJECT(c[0].s, "a synset name starts with & (like &WEAPON)");
    uint32_t idx;
    st = kh_bld_synset(ps->b, c[0].s, c[0].len, &idx);
    if (st == KH_ERR_LIMIT)
        REJECT(c[0].s, "synset name too long");
    if (st)
        return st;
    return add_phrases(ps, c[1], KH_P_SYNSET, idx);
}

/* Parses one pattern into elements. */
static kh_status sec_verbs(parser *ps, const slice *c, size_t n)
{
    kh_status st = want_cols(ps, c, n, 2, 3, "verb pattern");
    if (st)
        return st;
    if (!event_code_ok(c[1].s, c[1].len))
        REJECT(c[1].s, "bad CAMEO event code '%.*s' (2 to 4 digits)", (int)c[1].len, c[1].s);
    kh_elem elems[KH_MAX_PATTERN];
    size_t ne = 0, verb_pos = 0;
    const char *p = c[0].s, *end = c[0].s + c[0].len;
    while (p < end) {
        while (p < end && kh_is_space((unsigned char)*p))
            p++;
        if (p >= end)
            break;
        const char *w = p;
        while (p < end && !kh_is_space((unsigned char)*p))
            p++;
        size_t wl = (size_t)(p - w);
        if (ne == KH_MAX_PATTERN)
            REJECT(w, "pattern longer than %d elements", KH_MAX_PATTERN);
        kh_elem e = {0, 0, 0};
        if (wl == 2 && w[0] == '$' && (w[1] == 'T' || w[1] == 't')) {
            e.kind = KH_E_TARGET;
        } else if (wl == 2 && w[0] == '$' && (w[1] == 'S' || w[1] == 's')) {
            e.kind = KH_E_SOURCE;
        } else if (w[0] == '$') {
            REJECT(w, "unknown slot '%.*s' ($T or $S)", (int)wl, w);
        } else if (w[0] == '&') {
            e.kind = KH_E_SYNSET;
            st = kh_bld_synset(ps->b, w, wl, &e.ref);
            if (st == KH_ERR_LIMIT)
                REJECT(w, "synset name too long");
            if (st)
                return st;
        } else if (w[0] == '{') {
            if (w[wl - 1] != '}' || wl < 3)
                REJECT(w, "unclosed alternatives '%.*s' (write {a,b,c} without spaces)", (int)wl, w);
            slice alts[32];
            size_t na = split(w + 1, wl - 2, ',', alts, KH_ARRAY_LEN(alts));
            if (na > KH_ARRAY_LEN(alts))
                REJECT(w, "too many alternatives");
            e.kind = KH_E_ALT;
            e.ref = (uint32_t)ps->b->alts.n;
            e.aux = (uint16_t)na;
            for (size_t i = 0; i < na; i++) {
                if (!alts[i].len)
                    REJECT(w, "empty alternative in '%.*s'", (int)wl, w);
                uint32_t id;
                st = kh_bld_word(ps->b, alts[i].s, alts[i].len, &id);
                if (!st)
                    st = kh_vec_push(ps->b->alloc, &ps->b->alts, &id);
                if (st)
                    return st;
            }
        } else {
            e.kind = ne == verb_pos ? KH_E_VERB : KH_E_WORD;
            for (size_t i = 0; i < wl; i++)
                if (w[i] == '|' || w[i] == ';')
                    REJECT(w + i, "unexpected '%c' in a pattern", w[i]);
            st = kh_bld_word(ps->b, w, wl, &e.ref);
            if (st)
                return st;
        }
        /* "$T die in &INSTR_BOMBING": the subject is the target (the one
         * the act was done to); the verb follows. */
        if (ne == 0 && e.kind == KH_E_TARGET)
            verb_pos = 1;
        else if (ne == verb_pos && e.kind != KH_E_VERB)
            REJECT(w, "a pattern starts with its verb (a lemma such as 'visit'), or with $T and its verb");
        elems[ne++] = e;
    }
    kh_srcpos pos = at(ps, c[0].s);
    if (ne <= verb_pos)
        REJECT(c[0].s, "a pattern needs its verb");
    return kh_bld_pattern(ps->b, elems, ne, verb_pos, c[1].s, c[1].len, c[0].s, c[0].len, &pos);
}

kh_status kh_src_khaldun(kh_dict_builder *b, const char *name, const char *data, size_t len)
{
    parser ps = {b, name, data, 0};
    section sec = SEC_NONE;
    size_t i = 0;
    while (i < len) {
        const char *line = data + i;
        size_t ll = 0;
        while (i + ll < len && data[i + ll] != '\n')
            ll++;
        i += ll + (i + ll < len);
        ps.line = line;
        ps.lineno++;
        /* Strip the comment and the CR. */
        size_t cl = 0;
        while (cl < ll && line[cl] != '#')
            cl++;
        slice t = trim(line, cl);
        if (!t.len)
            continue;
        if (memchr(t.s, '\0', t.len)) {
            kh_srcpos pos = at(&ps, memchr(t.s, '\0', t.len));
            kh_bld_diag(b, &pos, KH_SEV_ERROR, "NUL byte in a dictionary line");
            continue;
        }
        if (!kh_utf8_valid(t.s, t.len)) {
            kh_srcpos pos = at(&ps, t.s);
            kh_bld_diag(b, &pos, KH_SEV_ERROR, "invalid UTF-8");
            continue;
        }
        if (t.s[0] == '[') {
            static const struct { const char *name; section sec; } secs[] = {
                {"[codes]", SEC_CODES},     {"[countries]", SEC_COUNTRIES},
                {"[actors]", SEC_ACTORS},   {"[agents]", SEC_AGENTS},
                {"[places]", SEC_PLACES},   {"[synsets]", SEC_SYNSETS},
                {"[verbs]", SEC_VERBS},
            };
            section found = SEC_NONE;
            for (size_t k = 0; k < KH_ARRAY_LEN(secs); k++)
                if (strlen(secs[k].name) == t.len && !memcmp(secs[k].name, t.s, t.len))
                    found = secs[k].sec;
            if (found == SEC_NONE) {
                kh_srcpos pos = at(&ps, t.s);
                kh_bld_diag(b, &pos, KH_SEV_ERROR,
                            "unknown section '%.*s' (codes, countries, actors, agents, places, synsets, verbs)",
                            (int)t.len, t.s);
            }
            sec = found;
            continue;
        }
        slice cols[8];
        size_t n = split(t.s, t.len, '|', cols, KH_ARRAY_LEN(cols));
        if (n > KH_ARRAY_LEN(cols))
            n = KH_ARRAY_LEN(cols) + 1;
        kh_status st = KH_OK;
        switch (sec) {
        case SEC_NONE: {
            kh_srcpos pos = at(&ps, t.s);
            kh_bld_diag(b, &pos, KH_SEV_ERROR, "entry outside any section (start with [actors], [verbs], ...)");
            break;
        }
        case SEC_CODES: st = sec_codes(&ps, cols, n); break;
        case SEC_COUNTRIES: st = sec_countries(&ps, cols, n); break;
        case SEC_ACTORS: st = sec_actors(&ps, cols, n); break;
        case SEC_AGENTS: st = sec_agents(&ps, cols, n); break;
        case SEC_PLACES: st = sec_places(&ps, cols, n); break;
        case SEC_SYNSETS: st = sec_synsets(&ps, cols, n); break;
        case SEC_VERBS: st = sec_verbs(&ps, cols, n); break;
        }
        if (st && st != KH_ERR_FORMAT)
            return st;
    }
    return KH_OK;
}
