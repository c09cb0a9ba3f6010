/* keyset.h - a set of 64-bit state keys in the order they came, for the
 * explorers that keep keys instead of the network's dense ids (workers.c
 * on threads, ranks.c across processes): the keys in an array (so each
 * breadth-first level is a range of it), optionally a 32-bit node beside
 * each key (a paired set: its members are the pairs (key, node), as
 * refinement's states are), and an open-addressing index of slots holding
 * key index + 1 in their low bits and a tag of the hash in the bits the
 * index leaves (the more slots, the fewer: 9 bits at 2^22 slots, 4 at
 * 2^28), so that a probe seldom reads a key that is not the one it looks
 * for. Big tables come from hugemem. Also the hash of a key (and of a
 * pair) and the owner it names among n parts, which every explorer must
 * compute alike. Depends on arena.h (its hash) and hugemem.h.
 */
#ifndef CSP_KEYSET_H
#define CSP_KEYSET_H

#include "arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t *keys;
    uint32_t *nodes;            /* paired: each key's node (NULL until the first is stored) */
    bool paired;                /* set by the owner on an empty set: nodes are kept */
    uint32_t n, cap;
    uint32_t *slots;
    uint32_t n_slots;
    uint32_t id_mask;           /* the bits of a slot holding key index + 1 */
    uint32_t id_bits;           /* how many (the rest hold the tag) */
} KeySet;

/* The hash of a key (a 64-bit finaliser: every bit counts). */
static inline uint64_t keyset_mix(uint64_t k) { return hash_mix64(k); }

/* The hash of the pair (key, node); node 0 gives keyset_mix(key). */
static inline uint64_t keyset_hash(uint64_t key, uint32_t node)
{
    return hash_mix64(key ^ (uint64_t)node * 0x9E3779B97F4A7C15ULL);
}

/* Which of n parts owns the key with hash h (its high 32 bits). */
static inline unsigned keyset_owner(uint64_t h, unsigned n) { return (unsigned)(((h >> 32) * n) >> 32); }

/* The slot a hash is looked for first (its low 32 bits' high ones, scaled),
 * and its tag: the high half's low bits, which pick neither the slot nor
 * (for a few parts) the owner, moved above the index. */
static inline uint32_t keyset_first_slot(uint32_t cap, uint64_t h)
{
    return (uint32_t)(((uint64_t)(uint32_t)h * cap) >> 32);
}
static inline uint32_t keyset_tag(const KeySet *s, uint64_t h) { return (uint32_t)((h >> 32) << s->id_bits); }

/* The node of entry i (0 in a set that is not paired). */
static inline uint32_t keyset_node(const KeySet *s, uint32_t i) { return s->nodes ? s->nodes[i] : 0; }

/* The index made larger (ncap slots; by half: keyset_grow_slots), the
 * keys' array made larger: keyset_add_pair calls them. Past 2^32 slots
 * the set is out of memory (exit 70, as xmalloc). */
void keyset_rebuild(KeySet *s, uint32_t ncap);
void keyset_grow_slots(KeySet *s);
void keyset_grow_keys(KeySet *s);

/* The entry slot v names if its tag is h's, else UINT32_MAX (v may be 0). */
static inline uint32_t keyset_entry(const KeySet *s, uint32_t v, uint64_t h)
{
    return v && (v & ~s->id_mask) == keyset_tag(s, h) ? (v & s->id_mask) - 1 : UINT32_MAX;
}

/* Stores the pair (key, node) (hash h: keyset_hash) if it is new; true if
 * it was. In a set that is not paired, node must be 0. */
static inline bool keyset_add_pair(KeySet *s, uint64_t key, uint32_t node, uint64_t h)
{
    if ((uint64_t)(s->n + 1) * 4 >= (uint64_t)s->n_slots * 3) keyset_grow_slots(s);
    uint32_t tag = keyset_tag(s, h);
    uint32_t j = keyset_first_slot(s->n_slots, h);
    for (uint32_t v; (v = s->slots[j]) != 0; j = j + 1 == s->n_slots ? 0 : j + 1)
        if ((v & ~s->id_mask) == tag) {
            uint32_t e = (v & s->id_mask) - 1;
            if (s->keys[e] == key && keyset_node(s, e) == node) return false;
        }
    if (s->n == s->cap) keyset_grow_keys(s);
    s->keys[s->n] = key;
    if (s->nodes) s->nodes[s->n] = node;
    s->slots[j] = (s->n + 1) | tag;
    s->n++;
    return true;
}

/* Stores key (hash h: keyset_mix) if it is new; true if it was. */
static inline bool keyset_add(KeySet *s, uint64_t key, uint64_t h) { return keyset_add_pair(s, key, 0, h); }

/* An empty set becomes paired: it keeps a node beside each key. */
static inline void keyset_pair(KeySet *s) { s->paired = true; }

/* Stores each of the n members of words that is new, fetching the slots
 * of the members a few places ahead while it stores one (each probe would
 * otherwise wait for memory alone). A member is a key, or in a paired set
 * two words: a key, then its node. */
void keyset_add_all(KeySet *s, const uint64_t *words, size_t n);

/* The index of the pair (key, node) (hash h), of key (node 0), in the
 * set; UINT32_MAX if it is not there. */
uint32_t keyset_find_pair(const KeySet *s, uint64_t key, uint32_t node, uint64_t h);
static inline uint32_t keyset_find(const KeySet *s, uint64_t key, uint64_t h) { return keyset_find_pair(s, key, 0, h); }

/* Frees everything; the set is empty again, and no longer paired. */
void keyset_clear(KeySet *s);

/* The bytes the set holds. */
size_t keyset_bytes(const KeySet *s);

#endif
