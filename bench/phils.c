/* bench/phils.c - a hand-specialised explorer of TPC's dining philosophers,
 * the peer bench/check.sh measures `cspi check --workers 1` against. Not
 * part of cspi: nothing here is general, and the product never links it.
 *
 * The model is bench/check.sh's: philosopher i goes thinks.i, sits.i,
 * picks.i.i, picks.i.(i+1), eats.i, putsdown.i.(i+1), putsdown.i.i,
 * getsup.i; fork i is free, held by philosopher i, or held by philosopher
 * i-1. A state is 5 bits per philosopher (3 for the philosopher's place in
 * his cycle, 2 for his left fork) in one 64-bit word. The search is
 * breadth-first: a queue of states (8 bytes each) and an open-addressing
 * set of 64-bit states (linear probing, doubled at 3/4 full, so 1/0.375 to
 * 1/0.75 slots of 8 bytes per state): 19 to 29 bytes per state. Successors
 * wait in a ring of RING while their slots are prefetched, so that a probe
 * seldom waits for memory on its own: the same trick cspi uses, done by
 * hand for one model. It prints the states and transitions found (they
 * must be cspi's: N = 8 has 6,627,583 states and 48,396,280 transitions).
 *
 * Usage: phils N   (2 <= N <= 12)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { BITS = 5, RING = 16 };
#define FULL ((uint64_t)1 << 63)   /* a used slot: the state with this bit set */

static uint64_t *slots, *queue;
static uint64_t cap, used, n_queue, cap_queue;

/* Fibonacci hashing: the product's high bits pick the slot (tables are
 * powers of two, indexed by the bits from the top down). */
static uint64_t mix(uint64_t s) { return (s * 0x9E3779B97F4A7C15u) >> 20; }

static void *zeroed(uint64_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) {
        fputs("phils: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static void put(uint64_t *table, uint64_t tcap, uint64_t s)
{
    uint64_t j = mix(s) & (tcap - 1);
    while (table[j]) j = (j + 1) & (tcap - 1);
    table[j] = s | FULL;
}

static void grow(void)
{
    uint64_t ncap = cap * 2, *nslots = zeroed(ncap, sizeof *nslots);
    for (uint64_t j = 0; j < cap; j++)
        if (slots[j]) put(nslots, ncap, slots[j] & ~FULL);
    free(slots);
    slots = nslots;
    cap = ncap;
}

/* Adds s to the set and the queue if it is new. */
static void visit(uint64_t s, uint64_t h)
{
    uint64_t j = h & (cap - 1);
    for (uint64_t t; (t = slots[j]) != 0; j = (j + 1) & (cap - 1))
        if (t == (s | FULL)) return;
    slots[j] = s | FULL;
    if (n_queue == cap_queue) {
        cap_queue *= 2;
        queue = realloc(queue, cap_queue * sizeof *queue);
        if (!queue) {
            fputs("phils: out of memory\n", stderr);
            exit(1);
        }
    }
    queue[n_queue++] = s;
    if (++used * 4 >= cap * 3) grow();
}

static uint64_t ring_s[RING], ring_h[RING], n_ring, transitions;

/* Successor s waits in the ring while its slot arrives; the oldest one
 * goes in. */
static void successor(uint64_t s)
{
    transitions++;
    uint64_t k = n_ring++ % RING;
    if (n_ring > RING) visit(ring_s[k], ring_h[k]);
    ring_s[k] = s;
    ring_h[k] = mix(s);
    __builtin_prefetch(&slots[ring_h[k] & (cap - 1)]);
}

static void flush(void)
{
    uint64_t from = n_ring > RING ? n_ring - RING : 0;
    for (uint64_t i = from; i < n_ring; i++) visit(ring_s[i % RING], ring_h[i % RING]);
    n_ring = 0;
}

static unsigned phil(uint64_t s, unsigned i) { return (unsigned)(s >> (BITS * i)) & 7; }
static unsigned fork_of(uint64_t s, unsigned i) { return (unsigned)(s >> (BITS * i + 3)) & 3; }

static uint64_t with(uint64_t s, unsigned i, unsigned p, unsigned f)
{
    uint64_t m = (uint64_t)31 << (BITS * i);
    return (s & ~m) | (uint64_t)(p | f << 3) << (BITS * i);
}

/* Fork states: 0 free, 1 held by its own philosopher, 2 by the one before. */
static void expand(uint64_t s, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        unsigned p = phil(s, i), r = (i + 1) % n, next = (p + 1) & 7;
        uint64_t t = with(s, i, next, fork_of(s, i));
        switch (p) {
        case 2:   /* picks.i.i: with fork i */
            if (fork_of(s, i) == 0) successor(with(s, i, next, 1));
            break;
        case 3:   /* picks.i.(i+1): with fork i+1 */
            if (fork_of(s, r) == 0) successor(with(t, r, phil(t, r), 2));
            break;
        case 5:   /* putsdown.i.(i+1) */
            successor(with(t, r, phil(t, r), 0));
            break;
        case 6:   /* putsdown.i.i */
            successor(with(s, i, next, 0));
            break;
        default:  /* thinks, sits, eats, getsup: alone */
            successor(t);
        }
    }
}

int main(int argc, char **argv)
{
    unsigned n = argc == 2 ? (unsigned)atoi(argv[1]) : 0;
    if (n < 2 || n > 12) {
        fputs("usage: phils N (2 <= N <= 12)\n", stderr);
        return 64;
    }
    cap = 1024;
    cap_queue = 1024;
    slots = zeroed(cap, sizeof *slots);
    queue = zeroed(cap_queue, sizeof *queue);
    visit(0, mix(0));
    for (uint64_t head = 0; head < n_queue;) {
        expand(queue[head++], n);
        if (head == n_queue) flush();   /* the next level waits in the ring */
    }
    flush();
    printf("Visited States: %llu\nVisited Transitions: %llu\n", (unsigned long long)n_queue,
           (unsigned long long)transitions);
    return 0;
}
