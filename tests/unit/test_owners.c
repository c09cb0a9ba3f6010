/* test_owners.c - choosing the components that name a state's owner
 * (owners.h): a window of components whose fields share the sample
 * evenly and keep the most moves with their owner, or none. */
#include <criterion/criterion.h>

#include "owners.h"

#include <stdlib.h>

TestSuite(owners);

/* Keys of three 4-bit components: component 0 counts k % 16, component 1
 * is constant (5), component 2 is k / 16 % 16. */
static uint64_t key_of(unsigned k) { return (uint64_t)(k % 16) | 5u << 4 | (uint64_t)(k / 16 % 16) << 8; }

static const uint64_t leaf_bits[] = { 0xF, 0xF0, 0xF00 };

/* n keys, and a move from each key to the one with component c + 1 (mod 16). */
static OwnerSample sample(unsigned n, unsigned c, unsigned parts, uint64_t *keys, uint64_t *moves)
{
    for (unsigned k = 0; k < n; k++) {
        keys[k] = key_of(k);
        uint64_t f = (keys[k] >> (4 * c) & 0xF) + 1;
        moves[2 * k] = keys[k];
        moves[2 * k + 1] = (keys[k] & ~leaf_bits[c]) | (f % 16) << (4 * c);
    }
    return (OwnerSample){ keys, n, moves, n, leaf_bits, 3, parts };
}

/* The choice over sample(n, c, parts). */
static uint64_t chosen(unsigned n, unsigned c, unsigned parts)
{
    uint64_t keys[256], moves[512];
    OwnerSample s = sample(n, c, parts, keys, moves);
    return owners_choose(&s);
}

Test(owners, the_component_that_stays)
{
    /* Component 0 moves: component 2 (even, and still) names the owners. */
    cr_expect_eq(chosen(256, 0, 2), 0xF00);
    /* Component 2 moves: component 0 does. */
    cr_expect_eq(chosen(256, 2, 2), 0xF);
    /* On three parts, never the component that moves. */
    cr_expect_eq(chosen(256, 2, 3) & 0xF00, 0);
}

Test(owners, none_when_uneven_or_no_gain)
{
    /* Only 16 keys: component 2 is constant (uneven), component 0 moves
     * (no gain), component 1 is constant: nothing beats the whole key. */
    cr_expect_eq(chosen(16, 0, 2), 0);
    /* One part, or nothing to judge by. */
    cr_expect_eq(chosen(256, 0, 1), 0);
    uint64_t keys[256], moves[512];
    OwnerSample s = sample(256, 0, 2, keys, moves);
    s.n_moves = 0;
    cr_expect_eq(owners_choose(&s), 0);
}
