/* A counting hash table of byte strings, shared by the vocabulary scanner (_scan.c) and the
 * phrase counter (_phrases.c).
 *
 * Entries get ids in order of insertion; their bytes live in one arena, each followed by a
 * '\n' (the scanner's words never contain one; the phrase counter does not rely on it).
 * Open addressing with linear probing; a slot holds the hash's high 32 bits and the id, so a
 * probe rarely touches the arena. Every function returns 0 or ST_ERR_MEMORY, never crashes.
 */
#ifndef W2V_STRTABLE_H
#define W2V_STRTABLE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ST_ERR_MEMORY (-1)
#define ST_EMPTY UINT64_MAX
#define ST_HIGH(h) ((h) & 0xFFFFFFFF00000000ULL)

typedef struct {
    char *arena;
    int64_t arena_len, arena_cap;
    int64_t *start; /* (n + 1): entry i is arena[start[i] .. start[i + 1] - 1) */
    int64_t *counts;
    uint64_t *hashes;
    int64_t n, cap;
    uint64_t *slots;
    int64_t n_slots;
} strtable;

static uint64_t st_hash(const char *s, int64_t n) { /* 8 bytes a step, multiply-xorshift mixing */
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

static int st_grow_bytes(char **p, int64_t *cap, int64_t need) {
    if (need <= *cap) return 0;
    int64_t n = *cap > 0 ? *cap : 4096;
    while (n < need) n *= 2;
    char *q = realloc(*p, (size_t)n);
    if (!q) return ST_ERR_MEMORY;
    *p = q;
    *cap = n;
    return 0;
}

static int st_grow_entries(strtable *t, int64_t need) {
    if (need <= t->cap) return 0;
    int64_t n = t->cap > 0 ? t->cap : 1024;
    while (n < need) n *= 2;
    int64_t *start = realloc(t->start, (size_t)n * sizeof(int64_t));
    if (start) t->start = start;
    int64_t *counts = realloc(t->counts, (size_t)n * sizeof(int64_t));
    if (counts) t->counts = counts;
    uint64_t *hashes = realloc(t->hashes, (size_t)n * sizeof(uint64_t));
    if (hashes) t->hashes = hashes;
    if (!start || !counts || !hashes) return ST_ERR_MEMORY;
    t->cap = n;
    return 0;
}

static int st_rehash(strtable *t, int64_t n_slots) {
    uint64_t *slots = malloc((size_t)n_slots * sizeof(uint64_t));
    if (!slots) return ST_ERR_MEMORY;
    memset(slots, 0xff, (size_t)n_slots * sizeof(uint64_t));
    for (int64_t i = 0; i < t->n; i++) {
        int64_t j = (int64_t)(t->hashes[i] & (uint64_t)(n_slots - 1));
        while (slots[j] != ST_EMPTY) j = (j + 1) & (n_slots - 1);
        slots[j] = ST_HIGH(t->hashes[i]) | (uint64_t)i;
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = n_slots;
    return 0;
}

static void st_free(strtable *t) {
    free(t->arena);
    free(t->start);
    free(t->counts);
    free(t->hashes);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static int st_init(strtable *t) {
    memset(t, 0, sizeof *t);
    if (st_grow_entries(t, 1) || st_rehash(t, 1 << 12)) {
        st_free(t);
        return ST_ERR_MEMORY;
    }
    t->start[0] = 0;
    return 0;
}

static inline int64_t st_len(const strtable *t, int64_t id) { return t->start[id + 1] - 1 - t->start[id]; }

static inline const char *st_bytes(const strtable *t, int64_t id) { return t->arena + t->start[id]; }

/* The id of s[0..n) (hash h = st_hash(s, n)), or -1; *slot_out (if not NULL) gets the slot
 * where it is or would go. */
static inline int64_t st_find(const strtable *t, const char *s, int64_t n, uint64_t h, int64_t *slot_out) {
    if (t->n_slots == 0) return -1; /* a table whose (re)allocation failed: empty */
    int64_t j = (int64_t)(h & (uint64_t)(t->n_slots - 1));
    for (uint64_t slot; (slot = t->slots[j]) != ST_EMPTY; j = (j + 1) & (t->n_slots - 1)) {
        const int64_t id = (int64_t)(slot & 0xFFFFFFFFULL);
        if (ST_HIGH(slot) == ST_HIGH(h) && st_len(t, id) == n && memcmp(st_bytes(t, id), s, (size_t)n) == 0) {
            if (slot_out) *slot_out = j;
            return id;
        }
    }
    if (slot_out) *slot_out = j;
    return -1;
}

/* The id of s[0..n), added with count 0 if new; or ST_ERR_MEMORY. */
static int64_t st_add(strtable *t, const char *s, int64_t n) {
    const uint64_t h = st_hash(s, n);
    int64_t j;
    const int64_t found = st_find(t, s, n, h, &j);
    if (found >= 0) return found;
    if (t->n >= INT32_MAX - 1 || st_grow_entries(t, t->n + 2)) return ST_ERR_MEMORY;
    if (st_grow_bytes(&t->arena, &t->arena_cap, t->arena_len + n + 1)) return ST_ERR_MEMORY;
    const int64_t id = t->n++;
    if (n) memcpy(t->arena + t->arena_len, s, (size_t)n);
    t->arena[t->arena_len + n] = '\n';
    t->arena_len += n + 1;
    t->start[id + 1] = t->arena_len;
    t->counts[id] = 0;
    t->hashes[id] = h;
    t->slots[j] = ST_HIGH(h) | (uint64_t)id;
    if (2 * t->n > t->n_slots && st_rehash(t, 2 * t->n_slots)) return ST_ERR_MEMORY;
    return id;
}

/* The count of s[0..n), 0 if absent. */
static inline int64_t st_count(const strtable *t, const char *s, int64_t n) {
    const int64_t id = st_find(t, s, n, st_hash(s, n), NULL);
    return id < 0 ? 0 : t->counts[id];
}

/* Drop the entries counted less than min_count, keeping the others' order (ids change). */
static int st_prune(strtable *t, int64_t min_count) {
    int64_t kept = 0, bytes = 0;
    for (int64_t i = 0; i < t->n; i++) {
        if (t->counts[i] < min_count) continue;
        const int64_t len = st_len(t, i) + 1, from = t->start[i];
        memmove(t->arena + bytes, t->arena + from, (size_t)len);
        t->counts[kept] = t->counts[i];
        t->hashes[kept] = t->hashes[i];
        t->start[kept] = bytes;
        bytes += len;
        kept++;
    }
    t->n = kept;
    t->start[kept] = bytes;
    t->arena_len = bytes;
    int64_t n_slots = 1 << 12;
    while (n_slots < 2 * kept) n_slots *= 2;
    return st_rehash(t, n_slots);
}

#endif
