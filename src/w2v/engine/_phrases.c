/* Phrase detection in compiled code: gensim's Phrases counting and phrase decisions on tokens
 * given as bytes, and word2vec.c's word2phrase on raw text.
 *
 * gensim's model (w2v.phrases documents it for users): one table of string keys holds the
 * unigrams (connector words excluded) and the joined candidates "a_x_y_b" (a and b not
 * connector words, x, y the connector words between them, "_" the delimiter); a sentence adds
 * one to each. When the table holds more than max_vocab_size keys after a sentence, keys counted
 * less than min_reduce are dropped and min_reduce goes up by one. Keys are strings, so the token
 * "new_york" and the pair ("new", "york") are one key, as in gensim.
 *
 * word2phrase's model (word2phrase.c, Mikolov 2013) differs on purpose in every detail that
 * shows in its output, and w2v_w2p_* reproduces them: see the comments there.
 *
 * Tokens come in batches: the bytes of the tokens, each followed by one separator byte (any
 * value: only the offsets count), token_ends[t] the offset of token t's separator (so token t
 * is data[token_ends[t - 1] + 1 .. token_ends[t])), and the end of each sentence counted in
 * tokens (sentence_ends). Results come back in
 * caller-provided arrays; errors are negative codes, never a crash.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "_strtable.h"

#define PH_ERR_MEMORY (-1)
#define PH_ERR_ARGUMENT (-2)

typedef struct {
    strtable vocab;      /* unigrams and joined candidates, with their counts */
    strtable connectors; /* connector words (counts unused) */
    char *delim;
    int64_t delim_len;
    int64_t max_vocab_size, min_reduce;
    int64_t total_words; /* every token learned from, connector words included */
    char *buf;           /* a joined candidate being built */
    int64_t buf_cap;
    /* The phrases alone (export_phrases' keys and scores) for one scoring setting: a table small
     * enough for the caches, which decides a candidate whose end words hold no delimiter exactly
     * as the full counts do. Rebuilt when the counts or the setting change. */
    strtable frozen;
    double *frozen_scores;
    int64_t frozen_cap;
    int frozen_valid;
    int32_t frozen_scoring;
    double frozen_threshold;
    int64_t frozen_min_count;
    int frozen_only; /* a FrozenPhrases: no counts, every candidate decided by the phrase table */
} w2v_phrases;

void w2v_phrases_free(w2v_phrases *p) {
    if (!p) return;
    st_free(&p->vocab);
    st_free(&p->connectors);
    st_free(&p->frozen);
    free(p->frozen_scores);
    free(p->delim);
    free(p->buf);
    free(p);
}

w2v_phrases *w2v_phrases_new(const char *delim, int64_t delim_len, int64_t max_vocab_size) {
    if (delim_len < 0 || max_vocab_size < 0) return NULL;
    w2v_phrases *p = calloc(1, sizeof(w2v_phrases));
    if (!p) return NULL;
    p->delim = malloc((size_t)delim_len + 1);
    if (!p->delim || st_init(&p->vocab) || st_init(&p->connectors) || st_init(&p->frozen)) {
        w2v_phrases_free(p);
        return NULL;
    }
    memcpy(p->delim, delim, (size_t)delim_len);
    p->delim_len = delim_len;
    p->max_vocab_size = max_vocab_size;
    p->min_reduce = 1;
    return p;
}

int64_t w2v_phrases_add_connector(w2v_phrases *p, const char *word, int64_t n) {
    return st_add(&p->connectors, word, n) < 0 ? PH_ERR_MEMORY : 0;
}

static inline int is_connector(const w2v_phrases *p, const char *w, int64_t n) {
    return p->connectors.n > 0 && st_find(&p->connectors, w, n, st_hash(w, n), NULL) >= 0;
}

/* buf = tokens first..last (token indices, inclusive) joined by the delimiter; its length. */
static int64_t join(w2v_phrases *p, const char *data, const int64_t *ends, int64_t first, int64_t last) {
    int64_t len = 0;
    for (int64_t t = first; t <= last; t++) {
        const int64_t lo = t ? ends[t - 1] + 1 : 0, n = ends[t] - lo;
        if (st_grow_bytes(&p->buf, &p->buf_cap, len + n + p->delim_len + 1)) return PH_ERR_MEMORY;
        if (t > first) memcpy(p->buf + len, p->delim, (size_t)p->delim_len), len += p->delim_len;
        memcpy(p->buf + len, data + lo, (size_t)n);
        len += n;
    }
    return len;
}

static int count_key(strtable *t, const char *s, int64_t n) {
    const int64_t id = st_add(t, s, n);
    if (id < 0) return PH_ERR_MEMORY;
    t->counts[id]++;
    return 0;
}

/* gensim's _learn_vocab over a batch of sentences. */
int64_t w2v_phrases_learn(w2v_phrases *p, const char *data, const int64_t *token_ends, const int64_t *sentence_ends,
                          int64_t n_sentences) {
    int64_t t = 0;
    p->frozen_valid = 0;
    for (int64_t s = 0; s < n_sentences; s++) {
        int64_t start = -1; /* the last non-connector token: a candidate's first word */
        for (; t < sentence_ends[s]; t++) {
            const int64_t lo = t ? token_ends[t - 1] + 1 : 0, n = token_ends[t] - lo;
            if (!is_connector(p, data + lo, n)) {
                if (count_key(&p->vocab, data + lo, n)) return PH_ERR_MEMORY;
                if (start >= 0) {
                    const int64_t len = join(p, data, token_ends, start, t);
                    if (len < 0 || count_key(&p->vocab, p->buf, len)) return PH_ERR_MEMORY;
                }
                start = t;
            }
            p->total_words++;
        }
        if (p->vocab.n > p->max_vocab_size) {
            if (st_prune(&p->vocab, p->min_reduce)) return PH_ERR_MEMORY;
            p->min_reduce++;
        }
    }
    return 0;
}

/* gensim's add_vocab merge: src's counts added to p's, then one pruning if p is over its cap. */
int64_t w2v_phrases_merge(w2v_phrases *p, const w2v_phrases *src) {
    p->frozen_valid = 0;
    for (int64_t i = 0; i < src->vocab.n; i++) {
        const int64_t id = st_add(&p->vocab, st_bytes(&src->vocab, i), st_len(&src->vocab, i));
        if (id < 0) return PH_ERR_MEMORY;
        p->vocab.counts[id] += src->vocab.counts[i];
    }
    p->total_words += src->total_words;
    if (src->min_reduce > p->min_reduce) p->min_reduce = src->min_reduce;
    if (p->vocab.n > p->max_vocab_size) {
        if (st_prune(&p->vocab, p->min_reduce)) return PH_ERR_MEMORY;
        p->min_reduce++;
    }
    return 0;
}

/* Scorers: 0 gensim's default (original_scorer), 1 npmi; as gensim computes them, in double. */
static double score(int scoring, int64_t a, int64_t b, int64_t ab, int64_t len_vocab, int64_t min_count,
                    int64_t corpus_words) {
    if (scoring == 0) {
        const int64_t denom = a * b;
        if (denom == 0) return -INFINITY;
        return (double)(ab - min_count) / (double)denom * (double)len_vocab;
    }
    if (ab < min_count) return -INFINITY;
    const double n = (double)corpus_words, pa = (double)a / n, pb = (double)b / n, pab = (double)ab / n;
    if (!(pab > 0.0) || !(pa * pb > 0.0)) return -INFINITY;
    return log(pab / (pa * pb)) / -log(pab);
}

/* gensim's score_candidate for tokens first..last: the score, or NAN if no phrase. */
/* Where str.split(delimiter) cuts s[0..n): the end of its first part and the start of its last
 * (non-overlapping matches, left to right); 0 if the delimiter does not occur. */
static int split_ends(const w2v_phrases *p, const char *s, int64_t n, int64_t *first_end, int64_t *last_start) {
    const int64_t dl = p->delim_len;
    *first_end = -1, *last_start = -1;
    for (int64_t j = 0; dl > 0 && j + dl <= n; j++) {
        if (memcmp(s + j, p->delim, (size_t)dl) == 0) {
            if (*first_end < 0) *first_end = j;
            *last_start = j + dl;
            j += dl - 1;
        }
    }
    return *first_end >= 0;
}

static double candidate(w2v_phrases *p, const char *data, const int64_t *ends, int64_t first, int64_t last,
                        int scoring, double threshold, int64_t min_count, int64_t *err) {
    const int64_t lo_a = first ? ends[first - 1] + 1 : 0, lo_b = last ? ends[last - 1] + 1 : 0;
    if (p->frozen_only) { /* FrozenPhrases.score_candidate: the joined key's score, if above threshold */
        const int64_t len = join(p, data, ends, first, last);
        if (len < 0) {
            *err = PH_ERR_MEMORY;
            return NAN;
        }
        const int64_t id = st_find(&p->frozen, p->buf, len, st_hash(p->buf, len), NULL);
        return id >= 0 && p->frozen_scores[id] > threshold ? p->frozen_scores[id] : NAN;
    }
    if (p->frozen_valid) { /* the phrase table decides where export_phrases splits the key into these ends */
        const int64_t len = join(p, data, ends, first, last);
        if (len < 0) {
            *err = PH_ERR_MEMORY;
            return NAN;
        }
        int64_t first_end, last_start;
        if (split_ends(p, p->buf, len, &first_end, &last_start) && first_end == ends[first] - lo_a &&
            last_start == len - (ends[last] - lo_b)) {
            const int64_t id = st_find(&p->frozen, p->buf, len, st_hash(p->buf, len), NULL);
            return id < 0 ? NAN : p->frozen_scores[id];
        }
    }
    const int64_t a = st_count(&p->vocab, data + lo_a, ends[first] - lo_a);
    if (a <= 0) return NAN;
    const int64_t b = st_count(&p->vocab, data + lo_b, ends[last] - lo_b);
    if (b <= 0) return NAN;
    const int64_t len = join(p, data, ends, first, last);
    if (len < 0) {
        *err = PH_ERR_MEMORY;
        return NAN;
    }
    const int64_t ab = st_count(&p->vocab, p->buf, len);
    if (ab <= 0) return NAN;
    const double sc = score(scoring, a, b, ab, p->vocab.n, min_count, p->total_words);
    return sc > threshold ? sc : NAN;
}

/* gensim's analyze_sentence over a batch: out_ends[k] is the end (in tokens) of output token k,
 * out_scores[k] its score (NAN for a single token). Both hold up to n_tokens entries; returns
 * the number of output tokens, or an error. */
static int64_t freeze(w2v_phrases *p, int32_t scoring, double threshold, int64_t min_count);

int64_t w2v_phrases_apply(w2v_phrases *p, const char *data, const int64_t *token_ends, const int64_t *sentence_ends,
                          int64_t n_sentences, int32_t scoring, double threshold, int64_t min_count, int64_t *out_ends,
                          double *out_scores) {
    int64_t t = 0, k = 0, err = 0;
    if (!p->frozen_only && (!p->frozen_valid || p->frozen_scoring != scoring || p->frozen_threshold != threshold ||
        p->frozen_min_count != min_count)) {
        if ((err = freeze(p, scoring, threshold, min_count))) return err;
    }
#define EMIT(end, sc) (out_ends[k] = (end), out_scores[k] = (sc), k++)
    for (int64_t s = 0; s < n_sentences; s++) {
        int64_t start = -1; /* the pending first word; start + 1 .. t - 1 are connector words */
        for (; t < sentence_ends[s]; t++) {
            const int64_t lo = t ? token_ends[t - 1] + 1 : 0, n = token_ends[t] - lo;
            if (is_connector(p, data + lo, n)) {
                if (start < 0) EMIT(t + 1, NAN);
                continue;
            }
            if (start < 0) {
                start = t;
                continue;
            }
            const double sc = candidate(p, data, token_ends, start, t, scoring, threshold, min_count, &err);
            if (err) return err;
            if (sc == sc) { /* a phrase: start .. t */
                EMIT(t + 1, sc);
                start = -1;
            } else { /* the pending words go out alone; t may start the next phrase */
                for (int64_t u = start; u < t; u++) EMIT(u + 1, NAN);
                start = t;
            }
        }
        if (start >= 0)
            for (int64_t u = start; u < t; u++) EMIT(u + 1, NAN);
    }
#undef EMIT
    return k;
}

/* gensim's export_phrases: every key holding the delimiter whose parts score as a phrase.
 * Writes their ids and scores (up to vocab.n each); returns how many. */
int64_t w2v_phrases_export(w2v_phrases *p, int32_t scoring, double threshold, int64_t min_count, int64_t *ids,
                           double *scores) {
    int64_t k = 0;
    const strtable *v = &p->vocab;
    for (int64_t i = 0; i < v->n; i++) {
        const char *s = st_bytes(v, i);
        const int64_t n = st_len(v, i);
        int64_t first_end, last_start; /* an empty delimiter (refused in Python) splits nothing */
        if (!split_ends(p, s, n, &first_end, &last_start)) continue;
        const int64_t a = st_count(v, s, first_end), b = st_count(v, s + last_start, n - last_start);
        if (a <= 0 || b <= 0 || v->counts[i] <= 0) continue;
        const double sc = score(scoring, a, b, v->counts[i], v->n, min_count, p->total_words);
        if (sc > threshold) ids[k] = i, scores[k] = sc, k++;
    }
    return k;
}

static int64_t freeze(w2v_phrases *p, int32_t scoring, double threshold, int64_t min_count) {
    st_free(&p->frozen);
    p->frozen_valid = 0;
    if (st_init(&p->frozen)) return PH_ERR_MEMORY;
    int64_t *ids = malloc((size_t)(p->vocab.n + 1) * sizeof(int64_t));
    double *scores = malloc((size_t)(p->vocab.n + 1) * sizeof(double));
    if (!ids || !scores) {
        free(ids), free(scores);
        return PH_ERR_MEMORY;
    }
    const int64_t k = w2v_phrases_export(p, scoring, threshold, min_count, ids, scores);
    free(p->frozen_scores);
    p->frozen_scores = scores;
    for (int64_t i = 0; i < k; i++) {
        const int64_t id = st_add(&p->frozen, st_bytes(&p->vocab, ids[i]), st_len(&p->vocab, ids[i]));
        if (id < 0) {
            free(ids);
            return PH_ERR_MEMORY;
        }
        scores[id] = scores[i]; /* id <= i: keys are distinct, so each gets the next id */
    }
    free(ids);
    p->frozen_valid = 1, p->frozen_scoring = scoring, p->frozen_threshold = threshold;
    p->frozen_min_count = min_count;
    return 0;
}

/* The table's size, bytes and totals, for export; then its keys ('\n' after each) and counts. */
void w2v_phrases_sizes(const w2v_phrases *p, int64_t *out) {
    out[0] = p->vocab.n, out[1] = p->vocab.arena_len, out[2] = p->total_words, out[3] = p->min_reduce;
}

void w2v_phrases_keys(const w2v_phrases *p, char *bytes, int64_t *starts, int64_t *counts) {
    if (p->vocab.arena_len) memcpy(bytes, p->vocab.arena, (size_t)p->vocab.arena_len);
    memcpy(starts, p->vocab.start, (size_t)(p->vocab.n + 1) * sizeof(int64_t));
    if (p->vocab.n) memcpy(counts, p->vocab.counts, (size_t)p->vocab.n * sizeof(int64_t));
}

/* Make p a FrozenPhrases: the phrases (keys each followed by one byte; starts say where) and
 * their scores; candidates are decided by them alone. */
int64_t w2v_phrases_set_frozen(w2v_phrases *p, const char *bytes, const int64_t *starts, const double *scores,
                               int64_t n) {
    st_free(&p->frozen);
    p->frozen_only = 1; /* from here on, a failure leaves an empty phrase table: nothing joins */
    if (st_init(&p->frozen)) return PH_ERR_MEMORY;
    free(p->frozen_scores);
    p->frozen_scores = malloc((size_t)(n + 1) * sizeof(double));
    if (!p->frozen_scores) {
        st_free(&p->frozen);
        return PH_ERR_MEMORY;
    }
    for (int64_t i = 0; i < n; i++) {
        const int64_t id = st_add(&p->frozen, bytes + starts[i], starts[i + 1] - 1 - starts[i]);
        if (id < 0) return PH_ERR_MEMORY;
        p->frozen_scores[id] = scores[i]; /* a repeated key keeps its last score, as a dict would */
    }
    return 0;
}

/* gensim keeps the min_reduce of a model's first add_vocab nowhere: a merge starts from 1. */
void w2v_phrases_set_min_reduce(w2v_phrases *p, int64_t min_reduce) { p->min_reduce = min_reduce; }

/* The count of one key (0 if absent). */
int64_t w2v_phrases_count(const w2v_phrases *p, const char *s, int64_t n) { return st_count(&p->vocab, s, n); }

/* Restore a saved table: keys (each followed by '\n'... or any one byte: starts say where) and
 * counts, then the totals. */
int64_t w2v_phrases_restore(w2v_phrases *p, const char *bytes, const int64_t *starts, const int64_t *counts, int64_t n,
                            int64_t total_words, int64_t min_reduce) {
    p->frozen_valid = 0;
    for (int64_t i = 0; i < n; i++) {
        const int64_t id = st_add(&p->vocab, bytes + starts[i], starts[i + 1] - 1 - starts[i]);
        if (id < 0) return PH_ERR_MEMORY;
        p->vocab.counts[id] += counts[i];
    }
    p->total_words = total_words;
    p->min_reduce = min_reduce;
    return 0;
}

/* -- word2vec.c's word2phrase, byte for byte ------------------------------------------------
 *
 * What word2phrase.c does, and so what this does:
 *   - words are separated by ' ', '\t' and '\n'; every '\r' byte is deleted (even inside a
 *     word); a word longer than 58 bytes keeps its first 58; a line break (or a word that is
 *     literally "</s>") ends a line; a word that runs into the end of the input is dropped;
 *   - counting: every word, and every pair "previous_word" + "_" + "word" cut to 59 bytes, the
 *     previous word being the last word read, across line breaks too (the first word's
 *     previous word is empty here; word2phrase reads uninitialised memory there);
 *   - a word or pair is known if counted at least min_count times;
 *   - output: each word is written after " ", or after "_" when it joins the word before; a
 *     line break as "\n". A pair joins if both words and the pair are known, the word before
 *     did not itself join, it is not the first word of a line, and
 *     (count(pair) - min_count) / count(a) / count(b) * words > threshold in float32
 *     arithmetic, words being every word counted.
 * One difference is kept on purpose: when every word and pair is counted at least min_count
 * times (min_count <= 1 on a small text), word2phrase's sort forgets one of the least counted;
 * here none is forgotten.
 */
#define W2P_WORD 58 /* bytes of a word kept (word2phrase's MAX_STRING - 2) */
#define W2P_PAIR 59 /* bytes of a pair kept (MAX_STRING - 1) */

typedef struct {
    strtable vocab;
    int64_t min_count;
    float threshold;
    int64_t train_words, written, joined;
    char word[W2P_WORD + 1];
    int64_t word_len;
    char last[W2P_WORD + 5]; /* the previous word ("</s>" after a line break) */
    int64_t last_len;
    int emitting; /* 0 counting, 1 writing */
    int64_t pa, pb;
    int prev_known;
    char pair[W2P_WORD * 2 + 2];
} w2v_w2p;

void w2v_w2p_free(w2v_w2p *w) {
    if (!w) return;
    st_free(&w->vocab);
    free(w);
}

w2v_w2p *w2v_w2p_new(int64_t min_count, float threshold) {
    w2v_w2p *w = calloc(1, sizeof(w2v_w2p));
    if (!w) return NULL;
    if (st_init(&w->vocab)) {
        free(w);
        return NULL;
    }
    w->min_count = min_count, w->threshold = threshold;
    return w;
}

static int64_t w2p_pair(w2v_w2p *w) { /* pair = last + "_" + word, cut to W2P_PAIR bytes */
    int64_t n = 0;
    memcpy(w->pair, w->last, (size_t)w->last_len), n = w->last_len;
    w->pair[n++] = '_';
    memcpy(w->pair + n, w->word, (size_t)w->word_len), n += w->word_len;
    return n < W2P_PAIR ? n : W2P_PAIR;
}

static inline int64_t w2p_known(const w2v_w2p *w, const char *s, int64_t n) { /* its count, or -1 */
    const int64_t c = st_count(&w->vocab, s, n);
    return c >= w->min_count && (c > 0 || st_find(&w->vocab, s, n, st_hash(s, n), NULL) >= 0) ? c : -1;
}

static int w2p_word(w2v_w2p *w, char *out, int64_t *k) {
    const int64_t pn = w2p_pair(w);
    if (!w->emitting) {
        w->train_words++;
        const int64_t a = st_add(&w->vocab, w->word, w->word_len);
        if (a < 0) return PH_ERR_MEMORY;
        w->vocab.counts[a]++;
        if (w->last_len > 0) { /* the first word's pair (with uninitialised memory in word2phrase) is not kept */
            const int64_t b = st_add(&w->vocab, w->pair, pn);
            if (b < 0) return PH_ERR_MEMORY;
            w->vocab.counts[b]++;
        }
    } else {
        int oov = 0;
        const int64_t cw = w2p_known(w, w->word, w->word_len);
        if (cw < 0) oov = 1;
        else w->pb = cw;
        if (!w->prev_known) oov = 1;
        w->prev_known = cw >= 0;
        const int64_t cp = w2p_known(w, w->pair, pn);
        if (cp < 0) oov = 1;
        if (w->pa < w->min_count || w->pb < w->min_count) oov = 1;
        float score = 0.0f;
        if (!oov) score = (float)(cp - w->min_count) / (float)w->pa / (float)w->pb * (float)w->train_words;
        w->written++;
        if (score > w->threshold) {
            out[(*k)++] = '_';
            w->pb = 0;
            w->joined++;
        } else {
            out[(*k)++] = ' ';
        }
        memcpy(out + *k, w->word, (size_t)w->word_len), *k += w->word_len;
        w->pa = w->pb;
    }
    memcpy(w->last, w->word, (size_t)w->word_len), w->last_len = w->word_len;
    return 0;
}

/* A line break while writing: "\n", and the next word's previous word is "</s>" (so it never
 * joins). Counting ignores line breaks: its previous word is the last real word. */
static void w2p_line(w2v_w2p *w, char *out, int64_t *k) {
    out[(*k)++] = '\n';
    memcpy(w->last, "</s>", 4), w->last_len = 4;
}

/* Read data[0..n): counting if out is NULL, else writing into out (capacity 2 n + 64) with
 * *out_len bytes written. Start writing only after the whole input was counted. */
int64_t w2v_w2p_feed(w2v_w2p *w, const uint8_t *data, int64_t n, char *out, int64_t *out_len) {
    int64_t k = 0;
    if (out && !w->emitting) { /* the writing pass starts: word2phrase's TrainModel state */
        w->emitting = 1, w->word_len = 0, w->last_len = 0, w->pa = w->pb = 0, w->prev_known = 0;
    }
    for (int64_t i = 0; i < n; i++) {
        const uint8_t c = data[i];
        if (c == '\r') continue;
        if (c == ' ' || c == '\t' || c == '\n') {
            if (w->word_len > 0) {
                if (w->word_len == 4 && memcmp(w->word, "</s>", 4) == 0) {
                    if (w->emitting) w2p_line(w, out, &k);
                } else if (w2p_word(w, out, &k)) {
                    return PH_ERR_MEMORY;
                }
                w->word_len = 0;
            }
            if (c == '\n' && w->emitting) w2p_line(w, out, &k);
            continue;
        }
        if (w->word_len < W2P_WORD) w->word[w->word_len++] = (char)c;
    }
    if (out_len) *out_len = k;
    return 0;
}

/* train_words, table size, words written, words joined to the one before. */
void w2v_w2p_stats(const w2v_w2p *w, int64_t *out) {
    out[0] = w->train_words, out[1] = w->vocab.n, out[2] = w->written, out[3] = w->joined;
}
