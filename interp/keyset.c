/* keyset.c - a set of 64-bit state keys (or of pairs of a key and a
 * node); see keyset.h. */
#include "keyset.h"

#include "hugemem.h"

#include <string.h>

/* The slots again, for ncap slots, from the keys (which stay as they are):
 * the old slots go first, so the peak is the new index alone; each key's
 * slot is fetched AHEAD keys before it goes in. */
void keyset_rebuild(KeySet *s, uint32_t ncap)
{
    enum { AHEAD = 32 };   /* a power of two */
    huge_free(s->slots, (size_t)s->n_slots * sizeof *s->slots);
    uint32_t *slots = s->slots = huge_alloc((size_t)ncap * sizeof *s->slots);
    s->n_slots = ncap;
    /* An index + 1 is below 3/4 of the slots (keyset_add_pair rebuilds
     * before): the tag has the bits above it. */
    uint64_t top = ((uint64_t)ncap * 3 + 3) / 4;
    s->id_bits = 64 - (uint32_t)__builtin_clzll(top | 1);
    s->id_mask = s->id_bits >= 32 ? UINT32_MAX : (1u << s->id_bits) - 1;
    uint64_t hashes[AHEAD];
    for (uint64_t e = 0; e < (uint64_t)s->n + AHEAD; e++) {
        uint64_t *h = &hashes[e % AHEAD];
        if (e >= AHEAD) {
            uint32_t j = keyset_first_slot(ncap, *h);
            while (slots[j]) j = j + 1 == ncap ? 0 : j + 1;
            slots[j] = (uint32_t)(e - AHEAD + 1) | keyset_tag(s, *h);
        }
        if (e < s->n) {
            *h = keyset_hash(s->keys[e], keyset_node(s, (uint32_t)e));
            __builtin_prefetch(&slots[keyset_first_slot(ncap, *h)]);
        }
    }
}

void keyset_grow_slots(KeySet *s)
{
    uint64_t ncap = s->n_slots ? (uint64_t)s->n_slots + s->n_slots / 2 : 1024;
    if (ncap > UINT32_MAX) xmalloc(SIZE_MAX);   /* prints "out of memory", exits 70 */
    keyset_rebuild(s, (uint32_t)ncap);
}

void keyset_grow_keys(KeySet *s)
{
    /* Unreachable while the index holds (n < 3/4 of 2^32 slots). */
    if (s->cap > UINT32_MAX / 3 * 2) xmalloc(SIZE_MAX);
    uint32_t ncap = s->cap ? s->cap + s->cap / 2 : 1024;
    s->keys = huge_realloc(s->keys, (size_t)s->cap * sizeof *s->keys, (size_t)ncap * sizeof *s->keys);
    if (s->paired)
        s->nodes = huge_realloc(s->nodes, (size_t)s->cap * sizeof *s->nodes, (size_t)ncap * sizeof *s->nodes);
    s->cap = ncap;
}

/* The hash of member i of words (keys, or pairs when paired). */
static uint64_t hash_at(const uint64_t *words, size_t i, bool paired)
{
    return paired ? keyset_hash(words[2 * i], (uint32_t)words[2 * i + 1]) : keyset_mix(words[i]);
}

void keyset_add_all(KeySet *s, const uint64_t *words, size_t n)
{
    enum { AHEAD = 16 };   /* a slot is fetched AHEAD members early, the key it names AHEAD / 2 */
    bool paired = s->paired;
    for (size_t i = 0; i < n; i++) {
        if (i + AHEAD < n && s->n_slots)
            __builtin_prefetch(&s->slots[keyset_first_slot(s->n_slots, hash_at(words, i + AHEAD, paired))]);
        if (i + AHEAD / 2 < n && s->n_slots) {
            uint64_t h = hash_at(words, i + AHEAD / 2, paired);
            uint32_t e = keyset_entry(s, s->slots[keyset_first_slot(s->n_slots, h)], h);
            if (e != UINT32_MAX) __builtin_prefetch(&s->keys[e]);
        }
        if (paired) keyset_add_pair(s, words[2 * i], (uint32_t)words[2 * i + 1], hash_at(words, i, true));
        else keyset_add(s, words[i], keyset_mix(words[i]));
    }
}

uint32_t keyset_find_pair(const KeySet *s, uint64_t key, uint32_t node, uint64_t h)
{
    if (!s->n_slots) return UINT32_MAX;
    uint32_t tag = keyset_tag(s, h);
    for (uint32_t j = keyset_first_slot(s->n_slots, h), v; (v = s->slots[j]) != 0; j = j + 1 == s->n_slots ? 0 : j + 1)
        if ((v & ~s->id_mask) == tag) {
            uint32_t e = (v & s->id_mask) - 1;
            if (s->keys[e] == key && keyset_node(s, e) == node) return e;
        }
    return UINT32_MAX;
}

void keyset_clear(KeySet *s)
{
    huge_free(s->keys, (size_t)s->cap * sizeof *s->keys);
    huge_free(s->nodes, (size_t)s->cap * sizeof *s->nodes);
    huge_free(s->slots, (size_t)s->n_slots * sizeof *s->slots);
    memset(s, 0, sizeof *s);
}

size_t keyset_bytes(const KeySet *s)
{
    return (size_t)s->cap * (s->paired ? 12 : 8) + (size_t)s->n_slots * sizeof *s->slots;
}
