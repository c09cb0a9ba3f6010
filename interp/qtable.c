/* qtable.c - the compact table of packed state keys; see qtable.h.
 * A slot: its distance from its home in the top QT_DIST_BITS bits, then
 * id + 1, then the rest of H (the bits below the part's and the home's):
 * rest bits = w - QT_PART_BITS - log, id bits = 64 - QT_DIST_BITS - rest.
 * In a part the keys lie in the order of their H, each at or after its
 * home with no empty slot between: a lookup stops at the first slot whose
 * H is larger, and a part grows by one walk over its slots in order.
 */
#include "qtable.h"

#include "hugemem.h"

#include <string.h>

#define SLOT_BITS 64
#define LOW_BITS (SLOT_BITS - QT_DIST_BITS)   /* id and rest */
#define LOW_MASK (((uint64_t)1 << LOW_BITS) - 1)
#define ONE_STEP ((uint64_t)1 << LOW_BITS)      /* one more slot from home */
#define FIRST_IDS 1024
#define GROW UINT64_MAX              /* room's answer: no room */
#define FIRST_LOW_LOG 12            /* the newest 4096 keys' low bits kept at first */
#define LOW_SHARE 2                 /* and at most a quarter (>> 2) of the keys' */

/* The inverse of odd c modulo 2^64 (Newton's steps, each doubling the
 * bits that are right: c is its own inverse modulo 8). */
static uint64_t inverse(uint64_t c)
{
    uint64_t x = c;
    for (int i = 0; i < 5; i++) x *= 2 - c * x;
    return x;
}

static size_t part_slots(uint32_t log) { return ((size_t)1 << log) + QT_MAX_DIST + 1; }
static uint32_t max_log(const QTable *q) { return q->w - QT_PART_BITS; }

void qt_init(QTable *q, uint32_t w)
{
    memset(q, 0, sizeof *q);
    q->w = w;
    q->part_shift = w - QT_PART_BITS;
    q->top_shift = 64 - w;
    q->mask = w == 64 ? UINT64_MAX : ((uint64_t)1 << w) - 1;
    q->half = (w + 1) / 2;
    q->inv1 = inverse(QT_MUL1);
    q->inv2 = inverse(QT_MUL2);
    if (w > 32) {
        q->low_log = FIRST_LOW_LOG;
        q->low = huge_alloc(sizeof *q->low << q->low_log);
    }
    for (uint32_t i = 0; i < QT_PARTS; i++) {
        q->part[i].log = QT_FIRST_LOG;
        q->part[i].rest = w - QT_PART_BITS - QT_FIRST_LOG;
        q->part[i].slots = huge_alloc(part_slots(QT_FIRST_LOG) * sizeof(uint64_t));
    }
}

void qt_free(QTable *q)
{
    for (uint32_t i = 0; i < QT_PARTS; i++)
        huge_free(q->part[i].slots, part_slots(q->part[i].log) * sizeof(uint64_t));
    huge_free(q->top, (size_t)q->cap_top * sizeof *q->top);
    if (q->low) huge_free(q->low, sizeof *q->low << q->low_log);
    memset(q, 0, sizeof *q);
}

uint64_t qt_unhash(const QTable *q, uint64_t h)
{
    uint64_t x = h * q->inv2 & q->mask;
    x ^= x >> q->half;   /* 2 * half >= w: one step undoes it */
    return x * q->inv1 & q->mask;
}

static uint64_t in_part(const QTable *q, uint64_t h) { return h & (q->mask >> QT_PART_BITS); }

/* A slot's H within its part, at position j. */
static uint64_t slot_hash(uint64_t v, uint64_t j, uint32_t rest)
{
    return (j - (v >> LOW_BITS)) << rest | (v & (((uint64_t)1 << rest) - 1));
}

static uint64_t slot_id1(uint64_t v, uint32_t rest) { return (v & LOW_MASK) >> rest; }

/* The part's slots again with 2^log homes; false (nothing changed) if a
 * key would lie too far from its home or past the end. */
static bool regrow(const QTable *q, QPart *p, uint32_t log)
{
    uint32_t rest = p->rest, nrest = q->w - QT_PART_BITS - log;
    size_t size = part_slots(p->log), nsize = part_slots(log);
    uint64_t *to = huge_alloc(nsize * sizeof *to);
    uint64_t next = 0;   /* the first free position */
    for (size_t j = 0; j < size; j++) {
        uint64_t v = p->slots[j];
        if (!v) continue;
        uint64_t hp = slot_hash(v, j, rest);
        uint64_t home = hp >> nrest, at = home > next ? home : next;
        if (at - home > QT_MAX_DIST || at + 1 >= nsize) {
            huge_free(to, nsize * sizeof *to);
            return false;
        }
        to[at] = (at - home) << LOW_BITS | slot_id1(v, rest) << nrest | (hp & (((uint64_t)1 << nrest) - 1));
        next = at + 1;
    }
    huge_free(p->slots, size * sizeof *p->slots);
    p->slots = to;
    p->log = log;
    p->rest = nrest;
    return true;
}

static void grow(const QTable *q, QPart *p)
{
    for (uint32_t log = p->log + 1; log <= max_log(q); log++)
        if (regrow(q, p, log)) return;
}

/* Where key id + 1 goes in at position j (home home): the first empty
 * slot from j (the keys up to it move up), or GROW when p must grow first:
 * too full, the id too wide, too far from home, or a key moved too far
 * (or the last slot, which stays empty so that every lookup ends). */
static uint64_t room(const QTable *q, const QPart *p, uint64_t j, uint64_t home, uint64_t id1)
{
    bool can_grow = p->log < max_log(q);   /* else a home per key: nothing moves */
    uint32_t rest = p->rest;
    if (can_grow && ((uint64_t)(p->n + 1) * QT_LOAD_DEN > (uint64_t)QT_LOAD_NUM << p->log ||
                     id1 >> (LOW_BITS - rest) || j - home > QT_MAX_DIST))
        return GROW;
    size_t last = part_slots(p->log) - 1;
    uint64_t v;
    for (; (v = p->slots[j]) != 0; j++)
        if (v >> LOW_BITS == QT_MAX_DIST && can_grow) return GROW;
    return j < last || !can_grow ? j : GROW;
}

/* Key h goes in as id: it is not in part p, where a lookup ended at j. */
static void place(QTable *q, QPart *p, uint64_t h, uint32_t id, uint64_t j)
{
    uint64_t hp = in_part(q, h), id1 = (uint64_t)id + 1;
    for (;;) {
        uint32_t rest = p->rest;
        uint64_t home = hp >> rest, e = room(q, p, j, home, id1);
        if (e == GROW) {
            grow(q, p);
            rest = p->rest;
            for (j = hp >> rest; p->slots[j] && slot_hash(p->slots[j], j, rest) < hp; j++) continue;
            continue;
        }
        for (uint64_t k = e; k > j; k--) p->slots[k] = p->slots[k - 1] + ONE_STEP;
        p->slots[j] = (j - home) << LOW_BITS | id1 << rest | (hp & (((uint64_t)1 << rest) - 1));
        p->n++;
        return;
    }
}

uint32_t qt_id(QTable *q, uint64_t h)
{
    QPart *p = &q->part[qt_part(q, h)];
    uint64_t hp = in_part(q, h);
    uint32_t rest = p->rest;
    uint64_t j = hp >> rest;
    for (uint64_t v; (v = p->slots[j]) != 0; j++) {
        uint64_t at = slot_hash(v, j, rest);
        if (at == hp) return (uint32_t)(slot_id1(v, rest) - 1);
        if (at > hp) break;
    }
    place(q, p, h, q->n, j);
    if (q->n == q->cap_top) {
        uint32_t ncap = q->cap_top ? 2 * q->cap_top : FIRST_IDS;
        q->top = huge_realloc(q->top, (size_t)q->cap_top * sizeof *q->top, (size_t)ncap * sizeof *q->top);
        q->cap_top = ncap;
    }
    q->top[q->n] = qt_top(q, h);
    if (q->low) q->low[q->n & ((1u << q->low_log) - 1)] = (uint32_t)(h & (((uint64_t)1 << (q->w - 32)) - 1));
    return q->n++;
}

/* Where the slot of the key with these top bits is looked for from: its
 * home, or below it when the part has more home bits than top keeps. */
static uint64_t home_of_top(const QPart *p, uint32_t top)
{
    return ((uint64_t)(uint32_t)(top << QT_PART_BITS) << 32) >> (64 - p->log);
}

/* Whether id's low bits are kept (so its slot need not be read). */
static bool low_kept(const QTable *q, uint32_t id)
{
    return q->w <= 32 || (id >= q->low_from && q->n - id <= (1u << q->low_log));
}

/* The newest keys' low bits, twice as many. */
static void keep_more(QTable *q)
{
    uint32_t log = q->low_log + 1, had = 1u << q->low_log;
    uint32_t *low = huge_alloc(sizeof *low << log);
    if (q->n > had && q->n - had > q->low_from) q->low_from = q->n - had;   /* those before were lost */
    for (uint32_t id = q->low_from; id < q->n; id++)
        low[id & ((1u << log) - 1)] = q->low[id & (had - 1)];
    huge_free(q->low, sizeof *q->low << q->low_log);
    q->low = low;
    q->low_log = log;
}

const void *qt_key_slot(const QTable *q, uint32_t id)
{
    if (low_kept(q, id)) return NULL;
    uint32_t top = q->top[id];
    const QPart *p = &q->part[top >> (32 - QT_PART_BITS)];
    return &p->slots[home_of_top(p, top)];
}

uint64_t qt_key(QTable *q, uint32_t id)
{
    if (q->w <= 32) return qt_unhash(q, q->top[id] >> (32 - q->w));
    if (low_kept(q, id)) return qt_unhash(q, (uint64_t)q->top[id] << (q->w - 32) | q->low[id & ((1u << q->low_log) - 1)]);
    while (q->n - id > (1u << q->low_log) && (uint64_t)2 << q->low_log <= q->n >> LOW_SHARE) keep_more(q);
    uint32_t top = q->top[id];
    uint32_t pi = top >> (32 - QT_PART_BITS);
    const QPart *p = &q->part[pi];
    uint32_t rest = p->rest;
    uint64_t j = home_of_top(p, top);
    uint64_t v;
    while ((v = p->slots[j]) == 0 || slot_id1(v, rest) != (uint64_t)id + 1) j++;
    uint64_t h = (uint64_t)pi << (q->w - QT_PART_BITS) | slot_hash(v, j, rest);
    return qt_unhash(q, h);
}

size_t qt_bytes(const QTable *q)
{
    size_t b = (size_t)q->cap_top * sizeof *q->top + (q->low ? sizeof *q->low << q->low_log : 0);
    for (uint32_t i = 0; i < QT_PARTS; i++) b += part_slots(q->part[i].log) * sizeof(uint64_t);
    return b;
}
