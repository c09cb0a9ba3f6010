/* keyset.c - a set of 64-bit state keys (or of pairs of a node and a
 * key); see keyset.h. */
#include "keyset.h"

#include "hugemem.h"

#include <string.h>

void keyset_rebuild(KeySet *s, uint32_t ncap)
{
    huge_free(s->slots, (size_t)s->n_slots * sizeof *s->slots);
    s->slots = huge_alloc((size_t)ncap * sizeof *s->slots);
    s->n_slots = ncap;
    s->id_mask = ncap <= KEYSET_TAGGED_IDS ? KEYSET_TAGGED_IDS : UINT32_MAX;
    for (uint32_t e = 0; e < s->n; e++) {
        uint64_t h = keyset_mix_pair(s->keys[e], keyset_node(s, e));
        uint32_t j = keyset_first_slot(ncap, h);
        while (s->slots[j]) j = j + 1 == ncap ? 0 : j + 1;
        s->slots[j] = (e + 1) | keyset_tag(s, h);
    }
}

void keyset_grow_keys(KeySet *s)
{
    uint32_t ncap = s->cap ? s->cap + s->cap / 2 : 1024;
    s->keys = huge_realloc(s->keys, (size_t)s->cap * sizeof *s->keys, (size_t)ncap * sizeof *s->keys);
    if (s->paired)
        s->nodes = huge_realloc(s->nodes, (size_t)s->cap * sizeof *s->nodes, (size_t)ncap * sizeof *s->nodes);
    s->cap = ncap;
}

void keyset_pair(KeySet *s) { s->paired = true; }

/* The hash of the i-th member of words (keys, or pairs when paired). */
static uint64_t hash_at(const uint64_t *words, size_t i, bool paired)
{
    return paired ? keyset_mix_pair(words[2 * i], (uint32_t)words[2 * i + 1]) : keyset_mix(words[i]);
}

void keyset_add_all(KeySet *s, const uint64_t *words, size_t n)
{
    enum { AHEAD = 16 };   /* a slot is fetched AHEAD keys early, the key it names AHEAD / 2 */
    bool paired = s->paired;
    for (size_t i = 0; i < n; i++) {
        if (i + AHEAD < n && s->n_slots)
            __builtin_prefetch(&s->slots[keyset_first_slot(s->n_slots, hash_at(words, i + AHEAD, paired))]);
        if (i + AHEAD / 2 < n && s->n_slots) {
            uint64_t h = hash_at(words, i + AHEAD / 2, paired);
            uint32_t v = s->slots[keyset_first_slot(s->n_slots, h)];
            if (v && (v & ~s->id_mask) == keyset_tag(s, h)) __builtin_prefetch(&s->keys[(v & s->id_mask) - 1]);
        }
        if (paired) keyset_add_pair(s, words[2 * i], (uint32_t)words[2 * i + 1], hash_at(words, i, true));
        else keyset_add(s, words[i], keyset_mix(words[i]));
    }
}

uint32_t keyset_find(const KeySet *s, uint64_t key, uint64_t h)
{
    if (!s->n_slots) return UINT32_MAX;
    uint32_t tag = keyset_tag(s, h);
    for (uint32_t j = keyset_first_slot(s->n_slots, h), v; (v = s->slots[j]) != 0; j = j + 1 == s->n_slots ? 0 : j + 1)
        if ((v & ~s->id_mask) == tag && s->keys[(v & s->id_mask) - 1] == key) return (v & s->id_mask) - 1;
    return UINT32_MAX;
}

uint32_t keyset_find_pair(const KeySet *s, uint64_t key, uint32_t node, uint64_t h)
{
    if (!s->n_slots) return UINT32_MAX;
    uint32_t tag = keyset_tag(s, h);
    for (uint32_t j = keyset_first_slot(s->n_slots, h), v; (v = s->slots[j]) != 0; j = j + 1 == s->n_slots ? 0 : j + 1) {
        uint32_t e = (v & s->id_mask) - 1;
        if ((v & ~s->id_mask) == tag && s->keys[e] == key && keyset_node(s, e) == node) return e;
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

size_t keyset_bytes(const KeySet *s) { return (size_t)s->cap * (s->paired ? 12 : 8) + (size_t)s->n_slots * 4; }
