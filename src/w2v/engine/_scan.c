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

#define SCAN_ERR_MEMORY (-1)
#define SCAN_ERR_LONG_TOKEN (-2)
#define SCAN_ERR_ARGUMENT (-3)
#define EMPTY UINT64_MAX
#define HIGH(h) ((h) & 0xFFFFFFFF00000000ULL)

typedef struct {
    int64_t limit1, limit2, max_token;
    /* the words: bytes in order of first appearance, each followed by '\n' (never a token byte) */
    char *arena;
    int64_t arena_len, arena_cap;
    int64_t *word_start; /* (n_words + 1): word i is arena[word_start[i] .. word_start[i + 1] - 1) */
    int64_t *counts;
    uint64_t *hashes;
    int64_t n_words, words_cap;
    uint64_t *slots; /* open addressing, linear probing: the hash's high 32 bits | word id, or EMPTY */
    int64_t n_slots;
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

static uint64_t hash_bytes(const char *s, int64_t n) { /* 8 bytes a step, multiply-xorshift mixing */
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        h = (h ^ x) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
    }
    uint64_t x = 0;
    memcpy(&x, s + i, (size_t)(n - i));
    h = (h ^ x) * 0x94d049bb133111ebULL;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 32);
}

static int grow(void **p, int64_t *cap, int64_t need, size_t item) {
    if (need <= *cap) return 0;
    int64_t n = *cap > 0 ? *cap : 1024;
    while (n < need) n *= 2;
    void *q = realloc(*p, (size_t)n * item);
    if (!q) return SCAN_ERR_MEMORY;
    *p = q;
    *cap = n;
    return 0;
}

/* Room for `need` entries in word_start, counts and hashes. */
static int grow_words(w2v_scanner *s, int64_t need) {
    if (need <= s->words_cap) return 0;
    int64_t n = s->words_cap > 0 ? s->words_cap : 1024;
    while (n < need) n *= 2;
    int64_t *start = realloc(s->word_start, (size_t)n * sizeof(int64_t));
    if (start) s->word_start = start;
    int64_t *counts = realloc(s->counts, (size_t)n * sizeof(int64_t));
    if (counts) s->counts = counts;
    uint64_t *hashes = realloc(s->hashes, (size_t)n * sizeof(uint64_t));
    if (hashes) s->hashes = hashes;
    if (!start || !counts || !hashes) return SCAN_ERR_MEMORY;
    s->words_cap = n;
    return 0;
}

static int rehash(w2v_scanner *s, int64_t n_slots) {
    uint64_t *slots = malloc((size_t)n_slots * sizeof(uint64_t));
    if (!slots) return SCAN_ERR_MEMORY;
    memset(slots, 0xff, (size_t)n_slots * sizeof(uint64_t));
    for (int64_t i = 0; i < s->n_words; i++) {
        int64_t j = (int64_t)(s->hashes[i] & (uint64_t)(n_slots - 1));
        while (slots[j] != EMPTY) j = (j + 1) & (n_slots - 1);
        slots[j] = HIGH(s->hashes[i]) | (uint64_t)i;
    }
    free(s->slots);
    s->slots = slots;
    s->n_slots = n_slots;
    return 0;
}

void w2v_scanner_free(w2v_scanner *s) {
    if (!s) return;
    free(s->arena);
    free(s->word_start);
    free(s->counts);
    free(s->hashes);
    free(s->slots);
    free(s->partial);
    free(s);
}

w2v_scanner *w2v_scanner_new(int64_t limit1, int64_t limit2, int64_t max_token) {
    if (limit1 < 1 || limit2 < 1 || max_token < 1) return NULL;
    w2v_scanner *s = calloc(1, sizeof(w2v_scanner));
    if (!s) return NULL;
    s->limit1 = limit1, s->limit2 = limit2, s->max_token = max_token;
    s->held = -1;
    if (grow_words(s, 1) || rehash(s, 1 << 12)) {
        w2v_scanner_free(s);
        return NULL;
    }
    s->word_start[0] = 0;
    return s;
}

/* The id of the token s[0..n), added (count 0) if new; or a negative error code. */
static int64_t lookup(w2v_scanner *s, const char *tok, int64_t n) {
    const uint64_t h = hash_bytes(tok, n);
    int64_t j = (int64_t)(h & (uint64_t)(s->n_slots - 1));
    for (uint64_t slot; (slot = s->slots[j]) != EMPTY; j = (j + 1) & (s->n_slots - 1)) {
        const int64_t id = (int64_t)(slot & 0xFFFFFFFFULL);
        if (HIGH(slot) == HIGH(h) && s->word_start[id + 1] - 1 - s->word_start[id] == n &&
            memcmp(s->arena + s->word_start[id], tok, (size_t)n) == 0)
            return id;
    }
    if (s->n_words >= INT32_MAX - 1 || grow_words(s, s->n_words + 2)) return SCAN_ERR_MEMORY;
    if (grow((void **)&s->arena, &s->arena_cap, s->arena_len + n + 1, 1)) return SCAN_ERR_MEMORY;
    const int64_t id = s->n_words++;
    memcpy(s->arena + s->arena_len, tok, (size_t)n);
    s->arena[s->arena_len + n] = '\n';
    s->arena_len += n + 1;
    s->word_start[id + 1] = s->arena_len;
    s->counts[id] = 0;
    s->hashes[id] = h;
    s->slots[j] = HIGH(h) | (uint64_t)id;
    if (2 * s->n_words > s->n_slots && rehash(s, 2 * s->n_slots)) return SCAN_ERR_MEMORY;
    return id;
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
    const int64_t id = lookup(s, tok, n);
    if (id < 0) return (int)id;
    s->counts[id]++;
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
    if (grow((void **)&s->partial, &s->partial_cap, s->partial_len + n, 1)) return SCAN_ERR_MEMORY;
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
    out[0] = s->n_words, out[1] = s->arena_len, out[2] = s->tokens, out[3] = s->sentences;
}

/* The words in order of first appearance, each followed by '\n', and their counts. */
void w2v_scanner_export(const w2v_scanner *s, char *bytes, int64_t *counts) {
    if (s->arena_len) memcpy(bytes, s->arena, (size_t)s->arena_len);
    if (s->n_words) memcpy(counts, s->counts, (size_t)s->n_words * sizeof(int64_t));
}
