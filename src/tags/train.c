/*
 * train.c: trains the tagger's averaged perceptron at set-up time, from a
 * CoNLL-U file (the FORM and UPOS columns), against the lexicon just built,
 * and hands back the averaged weights in their canonical order
 * (kh_model_weights), which weights.c writes to the shipped weights file and
 * packs into the lexicon image. Runs inside `khaldun lex build --train FILE`
 * (what `make model` runs); the training file is read where it lies and
 * never copied, only the learned weights are.
 *
 * Decoding during training is the same greedy left-to-right pass as at
 * tagging time, with the tagger's own previous predictions as history.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "tags/model.h"

#define TRAIN_DEFAULT_EPOCHS 12u
#define TRAIN_MAX_FILE ((size_t)512 << 20)
#define TRAIN_MAX_SENT 1000u

typedef struct row {
    int32_t w[KH_UPOS_COUNT];
    uint32_t stamp[KH_UPOS_COUNT];
    int64_t total[KH_UPOS_COUNT];
} row;

typedef struct trainer {
    uint64_t *keys;      /* open addressing: key -> rows index +1 in idx */
    uint32_t *idx;
    size_t size;         /* slots, a power of two */
    row *rows;
    size_t n_rows, cap_rows;
    uint32_t now;        /* instances seen */
} trainer;

static row *tr_find(const trainer *tr, uint64_t key)
{
    size_t mask = tr->size - 1, i = (size_t)key & mask;
    while (tr->keys[i]) {
        if (tr->keys[i] == key)
            return &tr->rows[tr->idx[i] - 1];
        i = (i + 1) & mask;
    }
    return NULL;
}

static kh_status tr_grow(trainer *tr)
{
    size_t nsize = tr->size * 2;
    uint64_t *nk = (uint64_t *)kh_calloc(NULL, nsize, sizeof *nk);
    uint32_t *ni = (uint32_t *)kh_calloc(NULL, nsize, sizeof *ni);
    if (!nk || !ni) {
        kh_free(NULL, nk);
        kh_free(NULL, ni);
        return KH_ERR_NOMEM;
    }
    for (size_t i = 0; i < tr->size; i++) {
        if (!tr->keys[i])
            continue;
        size_t j = (size_t)tr->keys[i] & (nsize - 1);
        while (nk[j])
            j = (j + 1) & (nsize - 1);
        nk[j] = tr->keys[i];
        ni[j] = tr->idx[i];
    }
    kh_free(NULL, tr->keys);
    kh_free(NULL, tr->idx);
    tr->keys = nk;
    tr->idx = ni;
    tr->size = nsize;
    return KH_OK;
}

static row *tr_get(trainer *tr, uint64_t key)
{
    row *r = tr_find(tr, key);
    if (r)
        return r;
    if ((tr->n_rows + 1) * 2 > tr->size && tr_grow(tr))
        return NULL;
    if (kh_array_reserve(NULL, (void **)&tr->rows, &tr->cap_rows, tr->n_rows + 1, sizeof *tr->rows))
        return NULL;
    size_t mask = tr->size - 1, i = (size_t)key & mask;
    while (tr->keys[i])
        i = (i + 1) & mask;
    tr->keys[i] = key;
    tr->idx[i] = (uint32_t)++tr->n_rows;
    r = &tr->rows[tr->n_rows - 1];
    memset(r, 0, sizeof *r);
    return r;
}

static void tr_bump(row *r, int c, int32_t d, uint32_t now)
{
    r->total[c] += (int64_t)(now - r->stamp[c]) * r->w[c];
    r->stamp[c] = now;
    r->w[c] += d;
}

/* ---- the training file ---- */

typedef struct corpus {
    char *text;
    kh_token *toks;
    uint8_t *gold;
    size_t n_toks, cap_toks;
    size_t *sent;        /* start token of each sentence; sent[n_sent] = n_toks */
    size_t n_sent, cap_sent;
} corpus;

static int upos_from(const char *s, size_t n, uint8_t *out)
{
    for (int u = 0; u < KH_UPOS_COUNT; u++) {
        const char *name = kh_upos_name((kh_upos)u);
        if (strlen(name) == n && memcmp(name, s, n) == 0) {
            *out = (uint8_t)u;
            return 1;
        }
    }
    return 0;
}

static kh_status push_sent(corpus *c)
{
    kh_status st = kh_array_reserve(NULL, (void **)&c->sent, &c->cap_sent, c->n_sent + 2,
                                    sizeof *c->sent);
    if (st)
        return st;
    c->sent[c->n_sent + 1] = c->n_toks;
    if (c->sent[c->n_sent + 1] > c->sent[c->n_sent])
        c->n_sent++;
    return KH_OK;
}

static kh_status load_corpus(const char *path, corpus *c, uint64_t *hash, kh_error *err)
{
    size_t size;
    kh_status st = kh_file_read(NULL, path, TRAIN_MAX_FILE, &c->text, &size);
    if (st == KH_ERR_NOTFOUND || st == KH_ERR_IO)
        return kh_error_set(err, st, 0, 0, "%s: %s", path, strerror(errno));
    if (st)
        return kh_error_set(err, st, 0, 0, "%s: %s", path, kh_strerror(st));
    *hash = kh_hash64(c->text, size, 0);
    if ((st = push_sent(c)) != KH_OK)
        return kh_error_set(err, st, 0, 0, "out of memory");
    c->sent[0] = 0;
    size_t pos = 0, lineno = 0;
    while (pos < size) {
        char *line = c->text + pos;
        char *nl = memchr(line, '\n', size - pos);
        size_t n = nl ? (size_t)(nl - line) : size - pos;
        pos += n + 1;
        lineno++;
        if (n && line[n - 1] == '\r')
            n--;
        if (n == 0) {
            if ((st = push_sent(c)) != KH_OK)
                return kh_error_set(err, st, 0, 0, "out of memory");
            continue;
        }
        if (line[0] == '#')
            continue;
        const char *fld[5];
        size_t fl[5], k = 0, s = 0;
        for (size_t i = 0; i <= n && k < 5; i++)
            if (i == n || line[i] == '\t') {
                fld[k] = line + s;
                fl[k] = i - s;
                k++;
                s = i + 1;
            }
        if (k < 4)
            return kh_error_set(err, KH_ERR_FORMAT, lineno, 1, "%s:%zu: not a CoNLL-U token line",
                                path, lineno);
        if (memchr(fld[0], '-', fl[0]) || memchr(fld[0], '.', fl[0]))
            continue; /* multi-word ranges and empty nodes */
        uint8_t u;
        if (!upos_from(fld[3], fl[3], &u))
            return kh_error_set(err, KH_ERR_FORMAT, lineno, 1, "%s:%zu: unknown UPOS '%.*s'",
                                path, lineno, (int)fl[3], fld[3]);
        if (c->n_toks - c->sent[c->n_sent] >= TRAIN_MAX_SENT)
            continue;
        size_t cap_gold = c->cap_toks;
        if (kh_array_reserve(NULL, (void **)&c->toks, &c->cap_toks, c->n_toks + 1, sizeof *c->toks) ||
            kh_array_reserve(NULL, (void **)&c->gold, &cap_gold, c->n_toks + 1, 1))
            return kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
        kh_token *t = &c->toks[c->n_toks];
        memset(t, 0, sizeof *t);
        t->norm = fld[1];
        t->norm_len = (uint32_t)fl[1];
        t->len = (uint32_t)fl[1];
        c->gold[c->n_toks++] = u;
    }
    if ((st = push_sent(c)) != KH_OK)
        return kh_error_set(err, st, 0, 0, "out of memory");
    if (c->n_toks == 0)
        return kh_error_set(err, KH_ERR_FORMAT, 0, 0, "%s: no tokens", path);
    return KH_OK;
}

/* ---- the averaged weights ---- */

/* Averages and quantises the weights into *m, features in the trainer's
 * table order (the canonical order of the weights file); features left
 * with no non-zero weight are dropped. */
static kh_status average(const trainer *tr, kh_model_weights *m)
{
    size_t n_feat = 0, n_w = 0;
    int32_t *q = (int32_t *)kh_calloc(NULL, tr->n_rows ? tr->n_rows : 1,
                                      sizeof(int32_t) * KH_UPOS_COUNT);
    if (!q)
        return KH_ERR_NOMEM;
    for (size_t r = 0; r < tr->n_rows; r++) {
        const row *x = &tr->rows[r];
        size_t nz = 0;
        for (int c = 0; c < KH_UPOS_COUNT; c++) {
            int64_t tot = x->total[c] + (int64_t)(tr->now - x->stamp[c]) * x->w[c];
            double avg = (double)tot / (double)(tr->now ? tr->now : 1);
            double v = avg * KH_MODEL_SCALE;
            if (v > 60000000.0)
                v = 60000000.0;
            if (v < -60000000.0)
                v = -60000000.0;
            int32_t iv = (int32_t)(v < 0 ? v - 0.5 : v + 0.5);
            q[r * KH_UPOS_COUNT + (size_t)c] = iv;
            nz += iv != 0;
        }
        if (nz) {
            n_feat++;
            n_w += nz;
        }
    }
    m->keys = (uint64_t *)kh_calloc(NULL, n_feat ? n_feat : 1, sizeof *m->keys);
    m->counts = (uint8_t *)kh_calloc(NULL, n_feat ? n_feat : 1, 1);
    m->w = (uint32_t *)kh_calloc(NULL, n_w ? n_w : 1, sizeof *m->w);
    if (!m->keys || !m->counts || !m->w) {
        kh_free(NULL, q);
        return KH_ERR_NOMEM;
    }
    size_t f = 0, wi = 0;
    for (size_t i = 0; i < tr->size; i++) {
        if (!tr->keys[i])
            continue;
        const int32_t *qr = q + (size_t)(tr->idx[i] - 1) * KH_UPOS_COUNT;
        uint8_t cnt = 0;
        for (int c = 0; c < KH_UPOS_COUNT; c++)
            if (qr[c]) {
                m->w[wi++] = (uint32_t)c << 27 | ((uint32_t)qr[c] & 0x7ffffffu);
                cnt++;
            }
        if (!cnt)
            continue;
        m->keys[f] = tr->keys[i];
        m->counts[f++] = cnt;
    }
    m->n_feats = f;
    m->n_w = wi;
    kh_free(NULL, q);
    return KH_OK;
}

kh_status kh_model_train(const kh_lexicon *lex, const char *conllu_path, unsigned epochs,
                         kh_model_weights *out, kh_error *err)
{
    corpus c;
    memset(&c, 0, sizeof c);
    trainer tr;
    memset(&tr, 0, sizeof tr);
    kh_tagtok *tt = NULL;
    uint8_t *pred = NULL;
    size_t *order = NULL;
    memset(out, 0, sizeof *out);
    kh_status st = load_corpus(conllu_path, &c, &out->train_hash, err);
    if (st)
        goto done;
    const char *base = strrchr(conllu_path, '/');
    base = base ? base + 1 : conllu_path;
    if (strlen(base) >= sizeof out->train_name || strpbrk(base, " \t\r\n")) {
        st = kh_error_set(err, KH_ERR_INVALID, 0, 0,
                          "%s: the training file's name must be under %zu bytes, without spaces",
                          conllu_path, sizeof out->train_name);
        goto done;
    }
    memcpy(out->train_name, base, strlen(base) + 1);
    out->lexicon_hash = lex->img.source_hash;
    tr.size = 1u << 16;
    tr.keys = (uint64_t *)kh_calloc(NULL, tr.size, sizeof *tr.keys);
    tr.idx = (uint32_t *)kh_calloc(NULL, tr.size, sizeof *tr.idx);
    tt = (kh_tagtok *)kh_calloc(NULL, TRAIN_MAX_SENT, sizeof *tt);
    pred = (uint8_t *)kh_calloc(NULL, TRAIN_MAX_SENT, 1);
    order = (size_t *)kh_calloc(NULL, c.n_sent, sizeof *order);
    if (!tr.keys || !tr.idx || !tt || !pred || !order) {
        st = kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
        goto done;
    }
    for (size_t s = 0; s < c.n_sent; s++)
        order[s] = s;
    uint64_t rng = 0x2545F4914F6CDD1DULL;
    if (!epochs)
        epochs = TRAIN_DEFAULT_EPOCHS;
    out->epochs = epochs;
    uint64_t keys[KH_TAG_MAX_FEATURES];
    for (unsigned ep = 0; ep < epochs; ep++) {
        for (size_t s = c.n_sent; s > 1; s--) { /* Fisher-Yates, fixed seed */
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            size_t j = (size_t)(rng % s), tmp = order[s - 1];
            order[s - 1] = order[j];
            order[j] = tmp;
        }
        for (size_t si = 0; si < c.n_sent; si++) {
            size_t s = order[si], a = c.sent[s], n = c.sent[s + 1] - a;
            kh_tag_prepare(lex, c.toks + a, n, KH_UNIT_BODY, tt);
            for (size_t i = 0; i < n; i++) {
                size_t nk = kh_tag_features(tt, n, i, pred, keys);
                int64_t scores[KH_UPOS_COUNT] = {0};
                for (size_t k = 0; k < nk; k++) {
                    const row *r = tr_find(&tr, keys[k]);
                    if (r)
                        for (int cl = 0; cl < KH_UPOS_COUNT; cl++)
                            scores[cl] += r->w[cl];
                }
                int guess = 0;
                for (int cl = 1; cl < KH_UPOS_COUNT; cl++)
                    if (scores[cl] > scores[guess])
                        guess = cl;
                int gold = c.gold[a + i];
                tr.now++;
                if (guess != gold) {
                    for (size_t k = 0; k < nk; k++) {
                        row *r = tr_get(&tr, keys[k]);
                        if (!r) {
                            st = kh_error_set(err, KH_ERR_NOMEM, 0, 0, "out of memory");
                            goto done;
                        }
                        tr_bump(r, gold, 1, tr.now);
                        tr_bump(r, guess, -1, tr.now);
                    }
                }
                pred[i] = (uint8_t)guess;
            }
        }
    }
    if ((st = average(&tr, out)) != KH_OK)
        st = kh_error_set(err, st, 0, 0, "averaging the weights: %s", kh_strerror(st));
done:
    kh_free(NULL, c.text);
    kh_free(NULL, c.toks);
    kh_free(NULL, c.gold);
    kh_free(NULL, c.sent);
    kh_free(NULL, tr.keys);
    kh_free(NULL, tr.idx);
    kh_free(NULL, tr.rows);
    kh_free(NULL, tt);
    kh_free(NULL, pred);
    kh_free(NULL, order);
    return st;
}
