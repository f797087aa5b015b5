/* w2v's vocabulary pass in compiled code: whitespace tokenising, counting and encoding of
 * UTF-8 text, fed a chunk at a time.
 *
 * It reads text exactly as w2v.corpus.TextCorpus does, so that the vocabulary and the encoded
 * corpus are the same whichever reads them:
 *   - a line ("\n") is a sentence; tokens are separated by what Python's str.split() calls
 *     whitespace: the ASCII characters \t \n \v \f \r \x1c-\x1f and space, and the Unicode
 *     spaces U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000
 *     (as UTF-8 byte sequences; bytes that are not valid UTF-8 are token bytes, and the caller
 *     decodes each distinct token with U+FFFD replacement, as the reader does);
 *   - a line is cut into pieces of at most limit1 tokens (the corpus' max_sentence_length), and
 *     each of those into pieces of at most limit2 (the model's);
 *   - a piece of fewer than 2 tokens is counted but not stored (it has no pair to train on).
 * Tokens get ids in order of first appearance; each is counted as it ends.
 *
 * The caller feeds whole UTF-8 sequences (it holds back a chunk's unfinished last character),
 * so a multi-byte space never straddles two chunks. A token still unfinished at the end of a
 * chunk is kept (copied) until it ends. Errors are returned as negative codes, never by
 * crashing: out of memory, or an unfinished token longer than max_token characters at the end
 * of a chunk (the reader's sign of a binary file).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "_strtable.h"

#define SCAN_ERR_MEMORY (-1)
#define SCAN_ERR_LONG_TOKEN (-2)
#define SCAN_ERR_ARGUMENT (-3)

typedef struct {
    int64_t limit1, limit2, max_token;
    strtable words; /* in order of first appearance, with their counts */
    /* the token being read when a chunk ended */
    char *partial;
    int64_t partial_len, partial_cap, partial_chars;
    /* the piece being read */
    int64_t in1, in2;   /* tokens so far in the current limit1 piece and limit2 piece */
    int32_t held;       /* a limit2 piece's first token, emitted once a second one arrives */
    int64_t stored;     /* tokens stored so far (the end of the last stored piece) */
    int64_t sentences;  /* limit1 pieces with at least one token */
    int64_t tokens;     /* every token read */
} w2v_scanner;

void w2v_scanner_free(w2v_scanner *s) {
    if (!s) return;
    st_free(&s->words);
    free(s->partial);
    free(s);
}

w2v_scanner *w2v_scanner_new(int64_t limit1, int64_t limit2, int64_t max_token) {
    if (limit1 < 1 || limit2 < 1 || max_token < 1) return NULL;
    w2v_scanner *s = calloc(1, sizeof(w2v_scanner));
    if (!s) return NULL;
    s->limit1 = limit1, s->limit2 = limit2, s->max_token = max_token;
    s->held = -1;
    if (st_init(&s->words)) {
        free(s);
        return NULL;
    }
    return s;
}

/* The piece being read ends (a line break, a cut, the end of a document). */
static void end_piece(w2v_scanner *s, int64_t *ends, int64_t *n_ends) {
    if (s->in2 >= 2) ends[(*n_ends)++] = s->stored;
    s->held = -1;
    s->in2 = 0;
}

/* One token ends: count it, and store it if its piece will be stored. */
static int add_token(w2v_scanner *s, const char *tok, int64_t n, int32_t *ids, int64_t *n_ids, int64_t *ends,
                     int64_t *n_ends) {
    const int64_t id = st_add(&s->words, tok, n);
    if (id < 0) return SCAN_ERR_MEMORY;
    s->words.counts[id]++;
    s->tokens++;
    if (s->in1 == s->limit1) { /* the line's piece is full: a new sentence */
        end_piece(s, ends, n_ends);
        s->in1 = 0;
    } else if (s->in2 == s->limit2) {
        end_piece(s, ends, n_ends);
    }
    if (s->in1 == 0) s->sentences++;
    s->in1++;
    if (s->in2 == 0) {
        s->held = (int32_t)id;
    } else {
        if (s->in2 == 1) ids[(*n_ids)++] = s->held, s->stored++;
        ids[(*n_ids)++] = (int32_t)id, s->stored++;
    }
    s->in2++;
    return 0;
}

static void end_line(w2v_scanner *s, int64_t *ends, int64_t *n_ends) {
    end_piece(s, ends, n_ends);
    s->in1 = 0;
}

/* Byte classes: 0 a token byte, 1 an ASCII space, 2 the first byte of a multi-byte space (or not). */
static const uint8_t byte_class[256] = {
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1,
    [' '] = 1,   [0xC2] = 2, [0xE1] = 2, [0xE2] = 2, [0xE3] = 2,
};

/* The length of the whitespace character at p[0..n), 0 if none. */
static inline int space_at(const uint8_t *p, int64_t n) {
    const uint8_t c = p[0];
    if (byte_class[c] != 2) return byte_class[c];
    if (c == 0xC2) return n >= 2 && (p[1] == 0x85 || p[1] == 0xA0) ? 2 : 0;
    if (c == 0xE1) return n >= 3 && p[1] == 0x9A && p[2] == 0x80 ? 3 : 0;
    if (c == 0xE2 && n >= 3) {
        if (p[1] == 0x80) return (p[2] <= 0x8A && p[2] >= 0x80) || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF ? 3 : 0;
        return p[1] == 0x81 && p[2] == 0x9F ? 3 : 0;
    }
    if (c == 0xE3) return n >= 3 && p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
    return 0;
}

static int append_partial(w2v_scanner *s, const uint8_t *p, int64_t n) {
    if (st_grow_bytes(&s->partial, &s->partial_cap, s->partial_len + n)) return SCAN_ERR_MEMORY;
    memcpy(s->partial + s->partial_len, p, (size_t)n);
    s->partial_len += n;
    for (int64_t i = 0; i < n; i++) s->partial_chars += (p[i] & 0xC0) != 0x80;
    return 0;
}

/* Read data[0..n). ids (capacity n + 2) and ends (capacity n + 2) receive the stored tokens'
 * ids and the stored pieces' ends (counted from the first token ever stored); *n_ids and
 * *n_ends say how many. final: the document ends here (its last line and piece end). Returns 0
 * or a SCAN_ERR_* code. */
int64_t w2v_scanner_feed(w2v_scanner *s, const uint8_t *data, int64_t n, int32_t final, int32_t *ids,
                         int64_t *n_ids, int64_t *ends, int64_t *n_ends) {
    int64_t i = 0, rc;
    *n_ids = 0, *n_ends = 0;
    if (!s || n < 0) return SCAN_ERR_ARGUMENT;
    while (i < n) {
        int w = space_at(data + i, n - i);
        if (w) { /* whitespace: ends the token read so far, if any */
            if (s->partial_len) {
                if ((rc = add_token(s, s->partial, s->partial_len, ids, n_ids, ends, n_ends))) return rc;
                s->partial_len = 0, s->partial_chars = 0;
            }
            if (data[i] == '\n') end_line(s, ends, n_ends);
            i += w;
            continue;
        }
        int64_t j = i + 1; /* a token runs to the next whitespace */
        while (j < n && (byte_class[data[j]] == 0 || (byte_class[data[j]] == 2 && !space_at(data + j, n - j)))) j++;
        if (j == n && !final) { /* it may go on in the next chunk */
            if ((rc = append_partial(s, data + i, j - i))) return rc;
            break;
        }
        if (s->partial_len) {
            if ((rc = append_partial(s, data + i, j - i))) return rc;
            if ((rc = add_token(s, s->partial, s->partial_len, ids, n_ids, ends, n_ends))) return rc;
            s->partial_len = 0, s->partial_chars = 0;
        } else if ((rc = add_token(s, (const char *)data + i, j - i, ids, n_ids, ends, n_ends))) {
            return rc;
        }
        i = j;
    }
    if (final) {
        if (s->partial_len) {
            if ((rc = add_token(s, s->partial, s->partial_len, ids, n_ids, ends, n_ends))) return rc;
            s->partial_len = 0, s->partial_chars = 0;
        }
        end_line(s, ends, n_ends);
    } else if (s->partial_chars > s->max_token) {
        return SCAN_ERR_LONG_TOKEN;
    }
    return 0;
}

/* Sizes for w2v_scanner_export: words, their bytes (each followed by '\n'), and the totals. */
void w2v_scanner_sizes(const w2v_scanner *s, int64_t *out) {
    out[0] = s->words.n, out[1] = s->words.arena_len, out[2] = s->tokens, out[3] = s->sentences;
}

/* The words in order of first appearance, each followed by '\n', and their counts. */
void w2v_scanner_export(const w2v_scanner *s, char *bytes, int64_t *counts) {
    if (s->words.arena_len) memcpy(bytes, s->words.arena, (size_t)s->words.arena_len);
    if (s->words.n) memcpy(counts, s->words.counts, (size_t)s->words.n * sizeof(int64_t));
}
