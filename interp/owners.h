/* owners.h - which worker owns a state: the explorers that share the
 * states out by key (workers.c) name a state's owner by a hash of a few
 * neighbouring components' fields of its packed key rather than of the
 * whole key, when a sample of the state space shows that such a choice
 * keeps the shares even: then a move of any other component keeps the
 * successor with the worker that found it, so most successors are
 * neither sent nor met again by a worker that has not seen their
 * diamond's other half. Depends on keyset.h (the hash and the owner of a
 * hash) and net.h (the components' fields, and a cursor to expand the
 * sample's states).
 */
#ifndef CSP_OWNERS_H
#define CSP_OWNERS_H

#include "keyset.h"
#include "net.h"

#include <stddef.h>
#include <stdint.h>

/* The explorers choose once this many states are stored (a few
 * hundredths of a second of work, done again after the choice). */
enum { OWNERS_SAMPLE_FROM = 1 << 16 };

/* What a choice is made from: keys met so far, moves (a state's key and a
 * successor's) among them, each component's bits of a key (in the key's
 * order of components), and how many parts the states are shared among. */
typedef struct {
    const uint64_t *keys;
    size_t n_keys;
    const uint64_t *moves;      /* pairs: from, to */
    size_t n_moves;
    const uint64_t *leaf_bits;
    uint32_t n_leaves;
    unsigned parts;
} OwnerSample;

/* The bits of a key that name its owner, or 0 when no few components
 * do better than the whole key: the window of neighbouring components
 * (up to OWNER_MAX_LEAVES) whose fields share the sample's keys evenly
 * among the parts (no part above OWNER_SLACK_EIGHTHS eighths over its
 * share) and keep the most moves with their owner. */
uint64_t owners_choose(const OwnerSample *s);

/* owners_choose over the states of sets (all = their keys in all):
 * OWNER_SAMPLE_KEYS of them, evenly spread, and the moves of
 * OWNER_SAMPLE_STATES of them, expanded with cur (those it cannot expand
 * yet are left out). */
uint64_t owners_sample(Net *net, NetCursor *cur, const KeySet *const *sets, unsigned n_sets, unsigned parts);

/* The owner among n parts of a key (hash h, keyset_hash) under mask. */
static inline unsigned owners_of(uint64_t mask, uint64_t key, uint64_t h, unsigned n)
{
    return mask ? keyset_owner(keyset_mix(key & mask), n) : keyset_owner(h, n);
}

#endif
