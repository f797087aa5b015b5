/* w2v training kernel: skip-gram and CBOW with negative sampling and/or
 * hierarchical softmax, on float32 weights shared between threads (Hogwild).
 *
 * The structure follows fastText's split of responsibilities:
 *   - logistic_step() is the one update: given an input vector h and a list of
 *     (output row, sign) pairs, it takes one exact gradient step on
 *     J = -sum_i log sigma(s_i u_i.h), s_i = +1 for a true pair, -1 otherwise.
 *   - predict() decides which pairs: the target with sign +1 plus K negatives
 *     with sign -1 (negative sampling), and/or the target's Huffman path with
 *     sign +1 for code 0 and -1 for code 1 (hierarchical softmax).
 *   - train_block() decides which inputs: one context word's vector
 *     (skip-gram) or the mean of the window's vectors (CBOW).
 *
 * All three passes of logistic_step read the output rows before any of them
 * is written, so a row that appears twice (a negative drawn twice) gets both
 * contributions at the same point: the step equals the gradient step of
 * w2v.reference, to float32 rounding.
 *
 * Randomness (subsampling, window shrink, negatives) comes from a splitmix64
 * stream seeded per block, so a block's result does not depend on which
 * thread ran it or what ran before it.
 *
 * Called from Python through ctypes, which releases the GIL for the call.
 *
 * The contract with the Python side (w2v/engine/kernel.py) is checked, not
 * trusted: w2v_block_size() and the w2v_scratch_*() functions say what the
 * kernel expects, the binding asserts the struct size when it loads the
 * library and allocates scratch from these functions, and w2v_train_block()
 * checks its own preconditions (and the scratch lengths it is given) and
 * returns a negative error code rather than crash.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
/* One build, two code paths: AVX2/FMA where the CPU has it, baseline x86-64
 * elsewhere; glibc picks at load time. */
#define W2V_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define W2V_CLONES
#endif
/* The helpers of the entry points are forced inline, so that each clone compiles them for its
 * own instruction set (a helper left out of line would be built once, for the baseline). */
#define INLINE static inline __attribute__((always_inline))

/* Error codes returned by w2v_train_block (mirrored, with messages, in kernel.py). */
#define W2V_ERR_DIM (-1)       /* dim < 1 */
#define W2V_ERR_WINDOW (-2)    /* window < 1 */
#define W2V_ERR_VOCAB (-3)     /* vocab_size < 2 */
#define W2V_ERR_OBJECTIVE (-4) /* neither negative sampling nor hierarchical softmax, or its matrix missing */
#define W2V_ERR_SCRATCH (-5)   /* work or iwork shorter than w2v_scratch_floats / w2v_scratch_ints */
#define W2V_ERR_ID (-6)        /* a token id >= vocab_size */
#define W2V_ERR_DIVERGED (-7)  /* a score was NaN or infinite: the weights diverged */
#define W2V_ERR_CODE_LEN (-8)  /* a Huffman code length outside 1..max_code_len */
#define W2V_ERR_BATCHED (-9)   /* the batched window needs skip-gram, negative sampling, no hierarchical softmax */

/* Mirrors w2v.engine.kernel.Block (ctypes); its size is checked at load (w2v_block_size). */
typedef struct {
    float *w_in;              /* (V, d) input vectors */
    float *w_out_ns;          /* (V, d) output vectors for negative sampling, or NULL */
    float *w_out_hs;          /* (V - 1, d) inner-node vectors for hierarchical softmax, or NULL */
    int64_t dim;              /* d */
    const int32_t *ids;       /* token ids of the block's sentences; -1 = not in the vocabulary */
    const int64_t *offsets;   /* sentence s is ids[offsets[s] - offsets[0] .. offsets[s+1] - offsets[0]) */
    int64_t n_sentences;
    const double *keep;       /* (V,) probability that an occurrence survives subsampling */
    const uint32_t *alias_threshold; /* (V,) alias table of the unigram^alpha distribution ... */
    const int32_t *alias_index;      /* (V,) ... (Vose's method; see w2v.tables.alias_table) */
    int64_t vocab_size;
    int32_t negative;         /* K, 0 for none */
    int32_t hs;               /* 1: hierarchical softmax */
    const int32_t *points;    /* (V, max_code_len) inner nodes from the root */
    const uint8_t *codes;     /* (V, max_code_len) branch codes */
    const int32_t *code_lens; /* (V,) */
    int32_t max_code_len;
    int32_t sg;               /* 1: skip-gram, 0: CBOW */
    int32_t window;
    int32_t cbow_mean;        /* CBOW input: 1 mean, 0 sum */
    int32_t shrink;           /* 1: each window shrinks to a random reach in 1..window (one draw); 0: never */
    int32_t batched;          /* 1: skip-gram's window as one minibatch, its K negatives shared (see sg_window) */
    float lr_start;           /* learning rate at the block's first token ... */
    float lr_end;             /* ... and after its last (linear in between) */
    uint64_t seed;            /* this block's random stream */
    float *work;              /* w2v_scratch_floats(dim, negative, max_code_len, window) floats */
    int64_t work_len;
    int32_t *iwork;           /* w2v_scratch_ints(longest sentence, negative, max_code_len, window) ints */
    int64_t iwork_len;
    double *stats;            /* out: loss sum, predictions, words seen, words kept */
} w2v_block;

int64_t w2v_block_size(void) { return (int64_t)sizeof(w2v_block); }

/* neu1 and neu1e (d each), then signs and g (K + L + 1 each); then, for the batched window,
 * the input deltas (2 window x d), the gradients (2 window x (K + 1)) and one column of them. */
int64_t w2v_scratch_floats(int64_t dim, int32_t negative, int32_t max_code_len, int32_t window) {
    const int64_t batch = 2 * (int64_t)(window > 0 ? window : 0);
    return 2 * dim + 2 * ((int64_t)negative + max_code_len + 1) + batch * (dim + (int64_t)negative + 2);
}

#define PLANS 2 /* positions planned ahead of the math, plus the one being computed */

/* the subsampled sentence, a batched window's context (2 window), then PLANS position plans
 * (see plan_position), each up to 2 window predictions of K + 1 output rows. */
int64_t w2v_scratch_ints(int64_t longest_sentence, int32_t negative, int32_t max_code_len, int32_t window) {
    (void)max_code_len;
    const int64_t reach = 2 * (int64_t)(window > 0 ? window : 0);
    return longest_sentence + reach + PLANS * reach * ((int64_t)(negative > 0 ? negative : 0) + 1);
}

INLINE uint64_t next_u64(uint64_t *state) { /* splitmix64 */
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

INLINE double next_unit(uint64_t *state) { /* uniform in [0, 1) */
    return (double)(next_u64(state) >> 11) * (1.0 / 9007199254740992.0);
}

/* log(1 + e) for e in [0, 1] by linear interpolation in a 1024-bin table:
 * |error| <= (1/1024)^2 / 8 * max|f''| = 1.2e-7, for the loss tally only
 * (the gradient uses the exact expf). Filled when the library is loaded. */
#define LOG1P_BINS 1024
static float log1p_table[LOG1P_BINS + 2];

__attribute__((constructor)) static void fill_log1p_table(void) {
    for (int i = 0; i <= LOG1P_BINS + 1; i++) log1p_table[i] = (float)log1p((double)i / LOG1P_BINS);
}

INLINE float log1p_unit(float e) {
    const float x = e * (float)LOG1P_BINS;
    const int i = (int)x;
    return log1p_table[i] + (x - (float)i) * (log1p_table[i + 1] - log1p_table[i]);
}

/* The small dense products of the updates, on rows of length d, 8 floats at a time with GCC's
 * vector extensions (AVX registers in the x86-64-v3 clone, pairs of SSE registers in the
 * baseline) and several independent accumulators, so that no dot product is one long chain of
 * dependent additions; rows are picked by index (rows_k = w + idx[k] d). */
typedef float v8f __attribute__((vector_size(32)));

INLINE v8f ld8(const float *p) {
    v8f v;
    memcpy(&v, p, sizeof v);
    return v;
}

INLINE void st8(float *p, v8f v) { memcpy(p, &v, sizeof v); }

INLINE float hsum8(v8f v) { return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7])); }

/* out[k] = x . rows_k for k < m: four rows per pass over x. */
INLINE void dots(const float *x, const float *w, const int32_t *idx, int64_t m, int64_t d, float *out) {
    const int64_t d8 = d & ~(int64_t)7;
    int64_t k = 0;
    for (; k + 4 <= m; k += 4) {
        const float *r0 = w + idx[k] * d, *r1 = w + idx[k + 1] * d, *r2 = w + idx[k + 2] * d, *r3 = w + idx[k + 3] * d;
        v8f a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
        for (int64_t i = 0; i < d8; i += 8) {
            const v8f xv = ld8(x + i);
            a0 += xv * ld8(r0 + i);
            a1 += xv * ld8(r1 + i);
            a2 += xv * ld8(r2 + i);
            a3 += xv * ld8(r3 + i);
        }
        float s0 = hsum8(a0), s1 = hsum8(a1), s2 = hsum8(a2), s3 = hsum8(a3);
        for (int64_t i = d8; i < d; i++) {
            s0 += x[i] * r0[i];
            s1 += x[i] * r1[i];
            s2 += x[i] * r2[i];
            s3 += x[i] * r3[i];
        }
        out[k] = s0, out[k + 1] = s1, out[k + 2] = s2, out[k + 3] = s3;
    }
    for (; k < m; k++) { /* the last rows one at a time, two accumulators */
        const float *r = w + idx[k] * d;
        v8f a0 = {0}, a1 = {0};
        int64_t i = 0;
        for (; i + 16 <= d8; i += 16) {
            a0 += ld8(x + i) * ld8(r + i);
            a1 += ld8(x + i + 8) * ld8(r + i + 8);
        }
        for (; i < d8; i += 8) a0 += ld8(x + i) * ld8(r + i);
        float s0 = hsum8(a0 + a1);
        for (; i < d; i++) s0 += x[i] * r[i];
        out[k] = s0;
    }
}

/* y += sum_k a[k] rows_k (a = NULL: all ones), in one pass over y, 32 floats at a time (four
 * independent chains of additions over k). */
INLINE void add_rows(float *y, const float *a, const float *w, const int32_t *idx, int64_t m, int64_t d) {
    int64_t i = 0;
    for (; i + 32 <= d; i += 32) {
        v8f y0 = ld8(y + i), y1 = ld8(y + i + 8), y2 = ld8(y + i + 16), y3 = ld8(y + i + 24);
        for (int64_t k = 0; k < m; k++) {
            const float *r = w + idx[k] * d + i, c = a ? a[k] : 1.0f;
            y0 += c * ld8(r), y1 += c * ld8(r + 8), y2 += c * ld8(r + 16), y3 += c * ld8(r + 24);
        }
        st8(y + i, y0), st8(y + i + 8, y1), st8(y + i + 16, y2), st8(y + i + 24, y3);
    }
    for (; i + 8 <= d; i += 8) {
        v8f y0 = ld8(y + i);
        for (int64_t k = 0; k < m; k++) y0 += (a ? a[k] : 1.0f) * ld8(w + idx[k] * d + i);
        st8(y + i, y0);
    }
    for (; i < d; i++) {
        float acc = y[i];
        for (int64_t k = 0; k < m; k++) acc += (a ? a[k] : 1.0f) * w[idx[k] * d + i];
        y[i] = acc;
    }
}

INLINE void axpy(float a, const float *x, float *y, int64_t n) {
#pragma omp simd
    for (int64_t i = 0; i < n; i++) y[i] += a * x[i];
}

/* One term of J = -log sigma(z): adds it to *loss (float64) and returns sigma(-z) = |dJ/dz|,
 * computed without overflow on either side (z is finite). */
INLINE float logistic_term(float z, double *loss) {
    if (z >= 0.0f) {
        const float e = expf(-z); /* in (0, 1] */
        *loss += log1p_unit(e);
        return e / (1.0f + e);
    }
    const float e = expf(z);
    *loss += (double)(-z) + log1p_unit(e);
    return 1.0f / (1.0f + e);
}

INLINE void prefetch_row(const float *row, int64_t d) {
    for (int64_t i = 0; i < d; i += 16) __builtin_prefetch(row + i, 1, 3);
}

/* One gradient step on J = -sum_i log sigma(s_i x_i), x_i = u_{rows[i]}.h,
 * with signs[i] = s_i = +1 (a true pair) or -1 (a negative / the other branch).
 * Rows are updated in place; neu1e accumulates -lr dJ/dh for the caller to
 * apply to the input vector(s). Returns J before the step (float64), or NaN
 * (and takes no step) if a score is NaN: the caller reports divergence. */
INLINE double logistic_step(const float *h, float *w_out, const int32_t *rows, const float *signs,
                                   int n, int64_t d, float lr, float *neu1e, float *g) {
    double loss = 0.0;
    dots(h, w_out, rows, n, d, g); /* the scores x_i, then in place the gradients */
    for (int i = 0; i < n; i++) {
        const float s = signs[i], z = s * g[i];
        if (!isfinite(z)) return NAN; /* diverged weights: no step (the table lookup needs a number) */
        g[i] = lr * s * logistic_term(z, &loss); /* -lr dJ/dx */
    }
    add_rows(neu1e, g, w_out, rows, n, d); /* from the rows before their update */
    for (int i = 0; i < n; i++) axpy(g[i], h, w_out + (int64_t)rows[i] * d, d);
    return loss;
}

#define MAX_REDRAWS 64 /* a distribution with (nearly) all its mass on the target cannot loop forever */

INLINE int32_t draw_negative(const w2v_block *b, int32_t target, uint64_t *rng) {
    int32_t w = target;
    for (int tries = 0; tries < MAX_REDRAWS; tries++) { /* a draw equal to the target is redrawn ... */
        const uint64_t r = next_u64(rng);
        const int64_t bucket = (int64_t)(((r >> 32) * (uint64_t)b->vocab_size) >> 32);
        w = (uint32_t)r < b->alias_threshold[bucket] || b->alias_threshold[bucket] == 0xFFFFFFFFu
                ? (int32_t)bucket
                : b->alias_index[bucket];
        if (w != target) return w;
    }
    return w; /* ... up to MAX_REDRAWS times; then the target is its own negative (the math allows it) */
}

/* Predict `target` from h: hierarchical softmax and/or negative sampling against ns_rows
 * (target first, then its K negatives, drawn by plan_position). neu1e is zeroed here and holds
 * -lr dJ/dh afterwards. */
INLINE double predict(const w2v_block *b, const float *h, int32_t target, const int32_t *ns_rows, float lr,
                             float *neu1e, float *fwork, int64_t *err) {
    const int64_t d = b->dim;
    float *signs = fwork, *g = fwork + (b->negative + b->max_code_len + 1);
    double loss = 0.0;
    memset(neu1e, 0, (size_t)d * sizeof(float));
    if (b->hs) { /* code 0 is the "true" branch (label 1), code 1 the other */
        const int32_t len = b->code_lens[target];
        if (len < 1 || len > b->max_code_len) {
            *err = W2V_ERR_CODE_LEN;
            return 0.0;
        }
        const int32_t *path = b->points + (int64_t)target * b->max_code_len;
        const uint8_t *code = b->codes + (int64_t)target * b->max_code_len;
        for (int32_t j = 0; j < len; j++) signs[j] = code[j] ? -1.0f : 1.0f;
        loss += logistic_step(h, b->w_out_hs, path, signs, len, d, lr, neu1e, g);
    }
    if (b->negative > 0) {
        signs[0] = 1.0f;
        for (int32_t k = 1; k <= b->negative; k++) signs[k] = -1.0f;
        loss += logistic_step(h, b->w_out_ns, ns_rows, signs, b->negative + 1, d, lr, neu1e, g);
    }
    return loss;
}

/* Skip-gram's window as one minibatch (pWord2Vec's "HogBatch", Ji et al. 2016): the n context
 * rows ctx[] of w_in each predict rows[0] (the centre word, sign +1) against rows[1..m-1] (the
 * negatives, sign -1) of w_out, the same m rows for the whole window. Every score and gradient
 * comes from the weights as they were before the window; then the output rows and the input
 * rows are updated: one gradient step on the window's loss Σ_j J(v_{ctx[j]} -> rows[0]), the
 * sum of the pair losses. A row that occurs twice (a negative drawn twice, the target among the
 * negatives, a context word twice) gets each of its contributions. delta is n d floats of
 * scratch, g n m, col n. Returns the loss before the step, or NaN (and no step) if a score is not finite. */
INLINE double sg_window_step(float *w_in, float *w_out, int64_t d, const int32_t *ctx, int64_t n,
                                    const int32_t *rows, int64_t m, float lr, float *delta, float *g, float *col) {
    double loss = 0.0;
    for (int64_t j = 0; j < n; j++) { /* scores and gradients, g[j][k] = -lr dJ/dx_jk */
        float *gj = g + j * m;
        dots(w_in + (int64_t)ctx[j] * d, w_out, rows, m, d, gj);
        for (int64_t k = 0; k < m; k++) {
            const float s = k == 0 ? 1.0f : -1.0f, z = s * gj[k];
            if (!isfinite(z)) return NAN;
            gj[k] = lr * s * logistic_term(z, &loss);
        }
    }
    for (int64_t j = 0; j < n; j++) { /* input deltas, from the output rows before their update */
        memset(delta + j * d, 0, (size_t)d * sizeof(float));
        add_rows(delta + j * d, g + j * m, w_out, rows, m, d);
    }
    for (int64_t k = 0; k < m; k++) { /* output rows, from the input rows before their update */
        for (int64_t j = 0; j < n; j++) col[j] = g[j * m + k];
        add_rows(w_out + (int64_t)rows[k] * d, col, w_in, ctx, n, d);
    }
    for (int64_t j = 0; j < n; j++) axpy(1.0f, delta + j * d, w_in + (int64_t)ctx[j] * d, d);
    return loss;
}

/* Everything position `pos` of a subsampled sentence draws from the random stream, drawn one
 * position ahead of its math (the stream's order is unchanged: position by position, the reach,
 * then each prediction's K negatives), so that the rows it will touch can be fetched from memory
 * while the position before it computes. */
typedef struct {
    int64_t lo, hi; /* the window: positions lo..hi-1 except pos */
    int64_t n_pred; /* predictions: one per context word (skip-gram), else one if the window has context */
    int32_t *rows;  /* n_pred x (K + 1): the centre word, then the prediction's K negatives */
} plan_t;

INLINE void plan_position(const w2v_block *b, const int32_t *sentence, int64_t n, int64_t pos, plan_t *p,
                                 int64_t fetched_hi, uint64_t *rng) {
    const int64_t d = b->dim, K = b->negative;
    const int64_t reach = b->shrink ? b->window - (int64_t)(next_u64(rng) % (uint64_t)b->window) : b->window;
    const int32_t center = sentence[pos];
    p->lo = pos - reach < 0 ? 0 : pos - reach;
    p->hi = pos + reach + 1 > n ? n : pos + reach + 1;
    const int64_t n_ctx = p->hi - p->lo - 1;
    p->n_pred = b->sg && !b->batched ? n_ctx : (n_ctx > 0);
    if (K > 0 && p->n_pred > 0) {
        for (int64_t i = 0; i < p->n_pred; i++) {
            int32_t *r = p->rows + i * (K + 1);
            r[0] = center;
            for (int64_t k = 1; k <= K; k++) r[k] = draw_negative(b, center, rng);
        }
        prefetch_row(b->w_out_ns + (int64_t)center * d, d);
        for (int64_t i = 0; i < p->n_pred; i++)
            for (int64_t k = 1; k <= K; k++) prefetch_row(b->w_out_ns + (int64_t)p->rows[i * (K + 1) + k] * d, d);
    }
    if (b->hs && p->n_pred > 0) {
        const int32_t len = b->code_lens[center];
        const int32_t *path = b->points + (int64_t)center * b->max_code_len;
        for (int32_t j = 0; j < len && j < b->max_code_len; j++) prefetch_row(b->w_out_hs + (int64_t)path[j] * d, d);
    }
    for (int64_t j = p->lo > fetched_hi ? p->lo : fetched_hi; j < p->hi; j++) /* the context rows not yet fetched */
        if (j != pos) prefetch_row(b->w_in + (int64_t)sentence[j] * d, d);
}

/* The preconditions the loops below rely on; 0 or an error code. */
static int64_t check_block(const w2v_block *b, int64_t longest) {
    if (b->dim < 1) return W2V_ERR_DIM;
    if (b->window < 1) return W2V_ERR_WINDOW;
    if (b->vocab_size < 2) return W2V_ERR_VOCAB;
    if (b->negative < 0 || (b->negative == 0 && !b->hs)) return W2V_ERR_OBJECTIVE;
    if ((b->negative > 0 && !b->w_out_ns) || (b->hs && !b->w_out_hs)) return W2V_ERR_OBJECTIVE;
    if (b->max_code_len < 1) return W2V_ERR_CODE_LEN;
    if (b->batched && (!b->sg || b->negative < 1 || b->hs)) return W2V_ERR_BATCHED;
    if (b->work_len < w2v_scratch_floats(b->dim, b->negative, b->max_code_len, b->window) ||
        b->iwork_len < w2v_scratch_ints(longest, b->negative, b->max_code_len, b->window))
        return W2V_ERR_SCRATCH;
    return 0;
}

/* Train on one block of sentences. Returns the number of predictions made
 * (>= 0), with stats[] filled, or a negative W2V_ERR_* code. */
W2V_CLONES
int64_t w2v_train_block(const w2v_block *b) {
    const int64_t d = b->dim;
    float *neu1 = b->work, *neu1e = b->work + d, *fwork = b->work + 2 * d;
    float *batch_delta = fwork + 2 * ((int64_t)b->negative + b->max_code_len + 1);
    float *batch_g = batch_delta + 2 * (int64_t)b->window * d;
    float *batch_col = batch_g + 2 * (int64_t)b->window * ((int64_t)b->negative + 1);
    int32_t *sentence = b->iwork;
    const int64_t base = b->offsets[0], total = b->offsets[b->n_sentences] - base;
    uint64_t rng = b->seed;
    double loss = 0.0, predictions = 0.0, seen = 0.0, kept = 0.0;
    int64_t longest = 0, err = 0;
    for (int64_t s = 0; s < b->n_sentences; s++)
        if (b->offsets[s + 1] - b->offsets[s] > longest) longest = b->offsets[s + 1] - b->offsets[s];
    if ((err = check_block(b, longest)) != 0) return err;
    for (int64_t t = 0; t < total; t++)
        if (b->ids[t] >= b->vocab_size) return W2V_ERR_ID;
    const int64_t K1 = (int64_t)b->negative + 1, plan_ints = 2 * (int64_t)b->window * K1;
    int32_t *ctx = sentence + longest;
    plan_t plans[PLANS];
    for (int i = 0; i < PLANS; i++) plans[i].rows = ctx + 2 * b->window + i * plan_ints;

    for (int64_t s = 0; s < b->n_sentences; s++) {
        const int64_t start = b->offsets[s] - base, stop = b->offsets[s + 1] - base;
        const float progress = total > 0 ? (float)start / (float)total : 0.0f;
        const float lr = b->lr_start + (b->lr_end - b->lr_start) * progress;
        int64_t n = 0;
        for (int64_t t = start; t < stop; t++) { /* drop unknown words, subsample */
            const int32_t w = b->ids[t];
            if (w < 0) continue;
            seen += 1.0;
            if (b->keep[w] < 1.0 && next_unit(&rng) >= b->keep[w]) continue;
            sentence[n++] = w;
        }
        kept += (double)n;
        for (int64_t pos = 0, hi = 0; pos < PLANS - 1 && pos < n; hi = plans[pos].hi, pos++)
            plan_position(b, sentence, n, pos, &plans[pos], hi, &rng);
        for (int64_t pos = 0; pos < n; pos++) {
            const plan_t *p = &plans[pos % PLANS];
            if (pos + PLANS - 1 < n)
                plan_position(b, sentence, n, pos + PLANS - 1, &plans[(pos + PLANS - 1) % PLANS],
                              plans[(pos + PLANS - 2) % PLANS].hi, &rng);
            if (p->n_pred == 0) continue;
            const int64_t lo = p->lo, hi = p->hi;
            const int32_t center = sentence[pos];
            if (b->batched) { /* the window as one minibatch: ctx[] is the context, in order */
                int64_t n_ctx = 0;
                for (int64_t j = lo; j < hi; j++)
                    if (j != pos) ctx[n_ctx++] = sentence[j];
                loss += sg_window_step(b->w_in, b->w_out_ns, d, ctx, n_ctx, p->rows, K1, lr, batch_delta, batch_g,
                                       batch_col);
                if (loss != loss) return W2V_ERR_DIVERGED;
                predictions += (double)n_ctx;
            } else if (b->sg) { /* each context word's vector predicts the centre word */
                const int32_t *rows = p->rows;
                for (int64_t j = lo; j < hi; j++) {
                    if (j == pos) continue;
                    float *v = b->w_in + (int64_t)sentence[j] * d;
                    loss += predict(b, v, center, rows, lr, neu1e, fwork, &err);
                    if (err) return err;
                    if (loss != loss) return W2V_ERR_DIVERGED;
                    predictions += 1.0;
                    rows += K1;
                    axpy(1.0f, neu1e, v, d);
                }
            } else { /* the window's mean (or sum) predicts the centre word */
                int64_t count = 0;
                for (int64_t j = lo; j < hi; j++)
                    if (j != pos) ctx[count++] = sentence[j];
                memset(neu1, 0, (size_t)d * sizeof(float));
                add_rows(neu1, NULL, b->w_in, ctx, count, d);
                if (b->cbow_mean) {
                    const float inv = 1.0f / (float)count;
                    for (int64_t i = 0; i < d; i++) neu1[i] *= inv;
                }
                loss += predict(b, neu1, center, p->rows, lr, neu1e, fwork, &err);
                if (err) return err;
                if (loss != loss) return W2V_ERR_DIVERGED;
                predictions += 1.0;
                /* word2vec.c's convention: each context vector gets the whole
                 * input error, undivided, also with the mean. */
                for (int64_t j = 0; j < count; j++) axpy(1.0f, neu1e, b->w_in + (int64_t)ctx[j] * d, d);
            }
        }
    }
    b->stats[0] = loss;
    b->stats[1] = predictions;
    b->stats[2] = seen;
    b->stats[3] = kept;
    return (int64_t)predictions;
}

/* The shared update step alone, for tests that feed it given rows and signs (+1/-1). */
W2V_CLONES
double w2v_logistic_step(const float *h, float *w_out, const int32_t *rows, const float *signs, int32_t n,
                         int64_t d, float lr, float *neu1e, float *g) {
    memset(neu1e, 0, (size_t)d * sizeof(float));
    return logistic_step(h, w_out, rows, signs, n, d, lr, neu1e, g);
}

/* The batched window step alone, for tests that feed it given rows (target first, then negatives). */
W2V_CLONES
double w2v_sg_window_step(float *w_in, float *w_out, int64_t d, const int32_t *ctx, int64_t n, const int32_t *rows,
                          int64_t m, float lr, float *delta, float *g, float *col) {
    return sg_window_step(w_in, w_out, d, ctx, n, rows, m, lr, delta, g, col);
}
