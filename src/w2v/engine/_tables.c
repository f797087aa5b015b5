/* w2v table builders: the Huffman tree of hierarchical softmax and Vose's
 * alias table of negative sampling, from the vocabulary's counts.
 *
 * Compiled into the same plain C library as _kernel.c and called through
 * ctypes (w2v/engine/builders.py). As in the kernel, functions take arrays
 * and their sizes, allocate nothing (the caller passes the work arrays, sized
 * by w2v_huffman_work_len / n), check their inputs and return a negative
 * W2V_TABLES_ERR_* code rather than crash.
 *
 * Huffman (two calls, because the widest code is known only once the tree is
 * built and the caller allocates the (V, width) outputs in between):
 *
 *   width = w2v_huffman_tree(counts, n, work, work_len);  // tree -> work
 *   w2v_huffman_fill(n, work, work_len, width, points, codes, code_lens);
 *
 * The tree is the one w2v.reference.tables.huffman_codes defines (and
 * word2vec.c's CreateBinaryTree builds):
 *   - leaves sorted by count ascending; equal counts in descending order of
 *     word index (the reverse of a stable descending sort, as word2vec.c walks
 *     its count-descending vocabulary from the end);
 *   - two queues, leaves and inner nodes (inner nodes are created in
 *     ascending weight, so the queue's front is the lightest); each merge
 *     takes the lighter front twice, a tie going to the inner node; the first
 *     node taken is branch 0, the second branch 1;
 *   - inner nodes numbered 0..n-2 in creation order (the root is n-2);
 *   - points[w] are the inner nodes from the root down to w's parent,
 *     codes[w] the branch taken at each, code_lens[w] their number.
 * Weights are summed exactly in int64 (the counts' total must fit); the
 * reference sums in float64, so the two agree whenever the total is below
 * 2^53, where float64 sums are exact. Codes may be as long as n - 1: nothing
 * here has a fixed maximum length.
 *
 * Alias table: w2v_alias runs Vose's method on probabilities computed by the
 * caller, step for step as the Python loop it replaces (same stack order,
 * same float64 operations), so the tables are bit-identical to it.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

/* Error codes (mirrored, with messages, in builders.py). */
#define W2V_TABLES_ERR_SIZE (-21)  /* Huffman: fewer than 2 words; either: more than INT32_MAX words */
#define W2V_TABLES_ERR_COUNT (-22) /* Huffman: a negative count */
#define W2V_TABLES_ERR_TOTAL (-23) /* Huffman: the counts' total overflows int64 */
#define W2V_TABLES_ERR_WORK (-24)  /* a work array shorter than the builder needs */
#define W2V_TABLES_ERR_WIDTH (-25) /* Huffman: width smaller than the longest code */
#define W2V_TABLES_ERR_PROB (-26)  /* alias: a probability that is negative, NaN or infinite */

/* ---------------------------------------------------------------- Huffman */

/* Work layout, int64 (n leaves, 2n - 1 nodes; leaves are nodes 0..n-1 in
 * ascending count order, inner node i is node n + i):
 *   order[n]       order[pos] = the word at leaf pos
 *   weight[2n]     node weights while building; then each node's depth
 *   up[2n]         2 * parent + branch, for every node but the root
 * Before the tree is built, weight and up serve as the radix sort's buffer. */
int64_t w2v_huffman_work_len(int64_t n) { return n < 0 ? 0 : 5 * n; }

/* Sorts 0..n-1 by counts ascending, equal counts in descending index order,
 * into order[]: a stable LSD radix sort, 8 bits a pass, of the sequence
 * n-1, n-2, ..., 0. passes = bytes in the largest count; hist[p] is byte p's
 * histogram over all counts (the same whatever the order). */
static void sort_leaves(const int64_t *counts, int64_t n, int64_t *order, int64_t *tmp, int passes,
                        int64_t hist[8][256]) {
    int64_t *src = order, *dst = tmp;
    for (int64_t i = 0; i < n; i++) src[i] = n - 1 - i;
    for (int p = 0; p < passes; p++) {
        const int shift = 8 * p;
        int64_t start = 0, single = 0;
        for (int b = 0; b < 256; b++) {
            const int64_t c = hist[p][b];
            if (c == n) single = 1; /* every count has the same byte here: the pass is a no-op */
            hist[p][b] = start;
            start += c;
        }
        if (single) continue;
        for (int64_t i = 0; i < n; i++) {
            const int64_t w = src[i];
            dst[hist[p][(uint64_t)counts[w] >> shift & 0xFF]++] = w;
        }
        int64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != order) memcpy(order, src, (size_t)n * sizeof(int64_t));
}

/* Builds the tree of counts[0..n) into work (w2v_huffman_work_len(n) int64).
 * Returns the longest code's length (>= 1), or a negative W2V_TABLES_ERR_*. */
int64_t w2v_huffman_tree(const int64_t *counts, int64_t n, int64_t *work, int64_t work_len) {
    if (n < 2 || n > INT32_MAX) return W2V_TABLES_ERR_SIZE;
    if (work_len < w2v_huffman_work_len(n)) return W2V_TABLES_ERR_WORK;
    int64_t *order = work, *weight = work + n, *up = work + 3 * n;
    int64_t hist[8][256];
    memset(hist, 0, sizeof hist);
    int64_t total = 0, largest = 0;
    for (int64_t i = 0; i < n; i++) {
        const int64_t c = counts[i];
        if (c < 0) return W2V_TABLES_ERR_COUNT;
        if (c > INT64_MAX - total) return W2V_TABLES_ERR_TOTAL; /* then no inner weight overflows */
        total += c;
        if (c > largest) largest = c;
        for (int p = 0; p < 8; p++) hist[p][(uint64_t)c >> (8 * p) & 0xFF]++;
    }
    int passes = 0;
    while (passes < 8 && (largest >> (8 * passes)) != 0) passes++;
    sort_leaves(counts, n, order, weight, passes, hist); /* weight (2n) is the spare buffer */

    for (int64_t pos = 0; pos < n; pos++) weight[pos] = counts[order[pos]];
    int64_t leaf = 0, inner = n; /* fronts of the two queues */
    for (int64_t node = n; node < 2 * n - 1; node++) {
        int64_t pick[2];
        for (int k = 0; k < 2; k++) {
            if (leaf < n && (inner >= node || weight[leaf] < weight[inner]))
                pick[k] = leaf++;
            else
                pick[k] = inner++;
        }
        weight[node] = weight[pick[0]] + weight[pick[1]];
        up[pick[0]] = 2 * node;
        up[pick[1]] = 2 * node + 1;
    }
    /* Depths, from the root down (a parent is always created after its
     * children, so it has the higher index); they replace the weights. */
    int64_t *depth = weight, width = 0;
    depth[2 * n - 2] = 0;
    for (int64_t node = 2 * n - 3; node >= 0; node--) depth[node] = depth[up[node] >> 1] + 1;
    for (int64_t pos = 0; pos < n; pos++)
        if (depth[pos] > width) width = depth[pos];
    return width;
}

/* Writes every word's path from the tree w2v_huffman_tree left in work:
 * points and codes are (n, width) row-major, fully written (zero past each
 * code's end), code_lens (n,). width must be at least the value
 * w2v_huffman_tree returned. Returns 0 or a negative W2V_TABLES_ERR_*. */
int64_t w2v_huffman_fill(int64_t n, const int64_t *work, int64_t work_len, int64_t width, int32_t *points,
                         uint8_t *codes, int32_t *code_lens) {
    if (n < 2 || n > INT32_MAX) return W2V_TABLES_ERR_SIZE;
    if (work_len < w2v_huffman_work_len(n)) return W2V_TABLES_ERR_WORK;
    const int64_t *order = work, *depth = work + n, *up = work + 3 * n;
    for (int64_t pos = 0; pos < n; pos++)
        if (depth[pos] > width) return W2V_TABLES_ERR_WIDTH;
    for (int64_t pos = 0; pos < n; pos++) {
        const int64_t w = order[pos], len = depth[pos];
        int32_t *point = points + w * width;
        uint8_t *code = codes + w * width;
        memset(point + len, 0, (size_t)(width - len) * sizeof(int32_t));
        memset(code + len, 0, (size_t)(width - len));
        int64_t node = pos;
        for (int64_t d = len - 1; d >= 0; d--) { /* from w up to the root, filled from the end */
            const int64_t u = up[node];
            code[d] = (uint8_t)(u & 1);
            node = u >> 1;
            point[d] = (int32_t)(node - n);
        }
        code_lens[w] = (int32_t)len;
    }
    return 0;
}

/* ------------------------------------------------------------ alias table */

#define FULL_BUCKET 4294967295.0 /* 2^32 - 1: a threshold that keeps its bucket always */

/* Vose's alias table for probabilities p[0..n) (summing to 1): threshold (n)
 * uint32 and alias (n) int32, as w2v.tables.alias_table defines them. Work:
 * scaled (n) float64, the buckets' masses, and stack (n) int32, which holds
 * both stacks: "small" (mass < 1) grows up from stack[0], "large" down from
 * stack[n-1]; an index is in at most one, so they never meet. Both start in
 * ascending index order with the highest index on top and are popped and
 * pushed as the Python loop popped and appended its lists.
 * Returns 0 or a negative W2V_TABLES_ERR_*. */
int64_t w2v_alias(const double *p, int64_t n, uint32_t *threshold, int32_t *alias, double *scaled,
                  int32_t *stack) {
    if (n < 0 || n > INT32_MAX) return W2V_TABLES_ERR_SIZE;
    int64_t n_small = 0, n_large = 0;
    for (int64_t i = 0; i < n; i++) {
        if (!(p[i] >= 0.0) || !isfinite(p[i])) return W2V_TABLES_ERR_PROB;
        scaled[i] = p[i] * (double)n; /* a bucket holds mass 1 */
        alias[i] = (int32_t)i;
        if (scaled[i] < 1.0)
            stack[n_small++] = (int32_t)i;
        else
            stack[n - 1 - n_large++] = (int32_t)i;
    }
    while (n_small > 0 && n_large > 0) {
        const int32_t s = stack[--n_small], g = stack[n - n_large--];
        alias[s] = g; /* s's threshold is scaled[s], which no longer changes */
        scaled[g] -= 1.0 - scaled[s];
        if (scaled[g] < 1.0)
            stack[n_small++] = g;
        else
            stack[n - 1 - n_large++] = g;
    }
    /* Buckets never paired (alias still themselves) keep mass 1 up to
     * rounding: they are full. The others keep scaled[i] of 2^32, rounded to
     * nearest, ties to even (np.round), capped at FULL_BUCKET. */
    for (int64_t i = 0; i < n; i++) {
        double t = alias[i] == i ? 4294967296.0 : nearbyint(scaled[i] * 4294967296.0);
        threshold[i] = (uint32_t)(t > FULL_BUCKET ? FULL_BUCKET : t);
    }
    return 0;
}
