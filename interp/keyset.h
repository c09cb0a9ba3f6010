/* keyset.h - a set of 64-bit state keys in the order they came, for the
 * explorers that keep keys instead of the network's dense ids (ranks.c
 * across processes): the keys in an array (so each breadth-first level is
 * a range of it) and an open-addressing index of slots holding key index
 * + 1, with a tag of the hash in the high bits while indexes are few
 * enough (as net.c's pairs). A set made paired (keyset_pair) keeps a
 * 32-bit node beside each key (refinement: a state is a pair of a
 * normal-form node and a key), and a member is the pair. Big tables come
 * from hugemem. Also the hash of a key (or a pair) and the owner it names
 * among n parts, which every explorer must compute alike. Depends on
 * arena.h (its hash) and hugemem.h.
 */
#ifndef CSP_KEYSET_H
#define CSP_KEYSET_H

#include "arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t *keys;
    uint32_t *nodes;            /* paired: each key's node (else NULL) */
    bool paired;
    uint32_t n, cap;
    uint32_t *slots;
    uint32_t n_slots;
    uint32_t id_mask;
} KeySet;

/* Below this many slots, a slot's high bits hold a tag of the hash. */
#define KEYSET_TAGGED_IDS 0x07FFFFFFu

/* The hash of a key (a 64-bit finaliser: every bit counts). */
static inline uint64_t keyset_mix(uint64_t k) { return hash_mix64(k); }

/* The hash of a pair (node, key); node 0 leaves the key's alone (the
 * threads of workers.c mix a pair so too). */
static inline uint64_t keyset_mix_pair(uint64_t k, uint32_t node)
{
    return hash_mix64(k ^ (uint64_t)node * 0x9E3779B97F4A7C15ULL);
}

/* Which of n parts owns the key with hash h (its high 32 bits). */
static inline unsigned keyset_owner(uint64_t h, unsigned n) { return (unsigned)(((h >> 32) * n) >> 32); }

/* The slot a hash is looked for first (its low 32 bits), and its tag. */
static inline uint32_t keyset_first_slot(uint32_t cap, uint64_t h)
{
    return (uint32_t)(((uint64_t)(uint32_t)h * cap) >> 32);
}
static inline uint32_t keyset_tag(const KeySet *s, uint64_t h)
{
    return s->id_mask == KEYSET_TAGGED_IDS ? ((uint32_t)h << 27) & ~KEYSET_TAGGED_IDS : 0;
}

/* The index made larger (ncap slots), the keys' array made larger:
 * keyset_add calls them. */
void keyset_rebuild(KeySet *s, uint32_t ncap);
void keyset_grow_keys(KeySet *s);

/* An empty set becomes paired: it keeps a node beside each key. */
void keyset_pair(KeySet *s);

/* The node of member i (0 in a set that is not paired). */
static inline uint32_t keyset_node(const KeySet *s, uint32_t i) { return s->nodes ? s->nodes[i] : 0; }

/* Stores the pair (node, key) (hash h, keyset_mix_pair) in a paired set
 * if it is new; true if it was. */
static inline bool keyset_add_pair(KeySet *s, uint64_t key, uint32_t node, uint64_t h)
{
    if ((uint64_t)(s->n + 1) * 4 >= (uint64_t)s->n_slots * 3)
        keyset_rebuild(s, s->n_slots ? s->n_slots + s->n_slots / 2 : 1024);
    uint32_t tag = keyset_tag(s, h);
    uint32_t j = keyset_first_slot(s->n_slots, h);
    for (uint32_t v; (v = s->slots[j]) != 0; j = j + 1 == s->n_slots ? 0 : j + 1) {
        uint32_t e = (v & s->id_mask) - 1;
        if ((v & ~s->id_mask) == tag && s->keys[e] == key && s->nodes[e] == node) return false;
    }
    if (s->n == s->cap) keyset_grow_keys(s);
    s->keys[s->n] = key;
    s->nodes[s->n] = node;
    s->slots[j] = (s->n + 1) | tag;
    s->n++;
    return true;
}

/* Stores key (hash h) if it is new, in a set that is not paired; true if
 * it was. */
static inline bool keyset_add(KeySet *s, uint64_t key, uint64_t h)
{
    if ((uint64_t)(s->n + 1) * 4 >= (uint64_t)s->n_slots * 3)
        keyset_rebuild(s, s->n_slots ? s->n_slots + s->n_slots / 2 : 1024);
    uint32_t tag = keyset_tag(s, h);
    uint32_t j = keyset_first_slot(s->n_slots, h);
    for (uint32_t v; (v = s->slots[j]) != 0; j = j + 1 == s->n_slots ? 0 : j + 1)
        if ((v & ~s->id_mask) == tag && s->keys[(v & s->id_mask) - 1] == key) return false;
    if (s->n == s->cap) keyset_grow_keys(s);
    s->keys[s->n] = key;
    s->slots[j] = (s->n + 1) | tag;
    s->n++;
    return true;
}

/* Stores each of keys[0, n) that is new, fetching the slots of the keys
 * a few places ahead while it stores one (each probe would otherwise wait
 * for memory alone). In a paired set, words holds n pairs, each a key and
 * then its node. */
void keyset_add_all(KeySet *s, const uint64_t *words, size_t n);

/* The index of key (hash h) in a set that is not paired, UINT32_MAX if it
 * is not there; of the pair (node, key) (hash keyset_mix_pair) in a paired
 * one. */
uint32_t keyset_find(const KeySet *s, uint64_t key, uint64_t h);
uint32_t keyset_find_pair(const KeySet *s, uint64_t key, uint32_t node, uint64_t h);

/* Frees everything; the set is empty again (and no longer paired). */
void keyset_clear(KeySet *s);

/* The bytes the set holds. */
size_t keyset_bytes(const KeySet *s);

#endif
