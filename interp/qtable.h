/* qtable.h - a compact (quotient) table of packed state keys, numbered in
 * order of arrival, for the network's table of states (net.c).
 *
 * A key of W bits (QT_MIN_BITS <= W <= QT_MAX_BITS) is mixed by a
 * bijection of W-bit words, its hash H. H's top QT_PART_BITS bits pick a
 * part, the next bits the home slot in the part (a power of two of them),
 * and the slot stores the rest of H exactly, with the key's id and the
 * slot's distance from its home (linear probing, slots kept in the order
 * of H: Robin Hood). So a lookup compares within the slots it reads, one
 * line of memory at random, and never reads an entry elsewhere; a key is
 * given back from its slot (home and rest make H, the inverse mix the
 * key). An array by id keeps the top 32 bits of each key's H: enough to
 * find its part and home whatever the parts' sizes, where its slot is
 * looked for by id. Parts grow one at a time (doubled, past QT_LOAD_NUM /
 * QT_LOAD_DEN full), so growing costs a part's old slots at most beside
 * the new ones. Memory: 8 bytes per slot, 4 per key, and up to 4 more for
 * a quarter of the keys (the newest: see qt_key).
 * Depends on hugemem only.
 */
#ifndef CSP_QTABLE_H
#define CSP_QTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QT_MIN_BITS 20      /* narrower keys: few states, the general table does */
#define QT_MAX_BITS 55      /* wider: too few bits left in a slot for id and distance */
#define QT_PART_BITS 4      /* 16 parts */
#define QT_PARTS (1u << QT_PART_BITS)
#define QT_FIRST_LOG 4      /* a part's first size: 2^4 slots */
#define QT_DIST_BITS 8      /* a slot's distance from its home: its top bits */
#define QT_MAX_DIST ((1u << QT_DIST_BITS) - 1)
#define QT_LOAD_NUM 7       /* a part doubles past 7/8 full */
#define QT_LOAD_DEN 8

typedef struct {
    uint64_t *slots;        /* (1 << log) + QT_MAX_DIST + 1 of them: no wrapping; 0 empty */
    uint32_t log;           /* homes: 1 << log */
    uint32_t rest;          /* the bits of H below the home's: w - QT_PART_BITS - log */
    uint32_t n;             /* keys held */
} QPart;

typedef struct {
    QPart part[QT_PARTS];
    uint32_t *top;          /* by id: the top 32 bits of the key's H, left-aligned */
    uint32_t n, cap_top;
    uint32_t *low;          /* the newest ids' bits of H below top's (w > 32), by id modulo */
    uint32_t low_log;       /* 1 << low_log of them: ids [n - that, n) */
    uint32_t low_from;      /* and none below this id (those before the last growth) */
    uint32_t w;             /* key bits */
    uint32_t part_shift;    /* w - QT_PART_BITS: H's part is H >> part_shift */
    uint32_t top_shift;     /* 64 - w */
    uint64_t mask;          /* (1 << w) - 1 */
    uint32_t half;          /* the mix's shift */
    uint64_t inv1, inv2;    /* the inverses of the mix's multipliers */
} QTable;

static inline bool qt_fits(uint32_t w) { return w >= QT_MIN_BITS && w <= QT_MAX_BITS; }

void qt_init(QTable *q, uint32_t w);
void qt_free(QTable *q);
#define QT_MUL1 0x9E3779B97F4A7C15u   /* the mix's multipliers: odd, so invertible modulo 2^w */
#define QT_MUL2 0xD6E8FEB86659FD93u

/* Key's H (a bijection of w-bit words) and back. */
static inline uint64_t qt_hash(const QTable *q, uint64_t key)
{
    uint64_t x = key * QT_MUL1 & q->mask;
    x ^= x >> q->half;
    return x * QT_MUL2 & q->mask;
}
uint64_t qt_unhash(const QTable *q, uint64_t h);
/* The top 32 bits of H, left-aligned (for caches indexed by hash). */
static inline uint32_t qt_top(const QTable *q, uint64_t h) { return (uint32_t)((h << q->top_shift) >> 32); }
static inline uint32_t qt_part(const QTable *q, uint64_t h) { return (uint32_t)(h >> q->part_shift); }

/* H's home slot, for the caller to prefetch. (Not a function that
 * prefetches: GCC takes a static one that only reads memory and
 * prefetches for pure, and drops its calls, prefetch and all.) */
static inline const void *qt_home(const QTable *q, uint64_t h)
{
    const QPart *p = &q->part[qt_part(q, h)];
    return &p->slots[(h & (q->mask >> QT_PART_BITS)) >> p->rest];
}
/* The id of the key of hash h (= qt_hash(key)), added as id q->n if new. */
uint32_t qt_id(QTable *q, uint64_t h);
/* The key of id (< q->n), and where it is read from (NULL: nothing in
 * the table), for the caller to prefetch. The newest
 * ids' keys come without reading their slots: an explorer expands states
 * a little after it found them (breadth first: a level's width after). A
 * key older than that is found from its slot, and the newest kept grow
 * to take it in (up to a quarter of the keys, 4 bytes each). */
uint64_t qt_key(QTable *q, uint32_t id);
const void *qt_key_slot(const QTable *q, uint32_t id);
/* Bytes held. */
size_t qt_bytes(const QTable *q);

#endif
