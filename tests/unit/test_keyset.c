/* test_keyset.c - sets of state keys (keyset.h): keys and pairs stored
 * once, in the order they came, found again across many growths of the
 * index; a paired set tells pairs with one key apart; keys whose hashes
 * share the first slot and the tag (or differ only in the tag) are told
 * apart by the key; and an index so large that few bits are left for the
 * tag still finds every key.
 */
#include <criterion/criterion.h>

#include "keyset.h"

#include <stdint.h>

TestSuite(keyset);

static uint64_t key_of(uint64_t i) { return i * 0x2545F4914F6CDD1DULL + 7; }

Test(keyset, keys_in_order_across_growths)
{
    KeySet s = { 0 };
    enum { N = 300000 };
    for (uint64_t i = 0; i < N; i++) cr_assert(keyset_add(&s, key_of(i), keyset_mix(key_of(i))));
    for (uint64_t i = 0; i < N; i += 7) cr_assert_not(keyset_add(&s, key_of(i), keyset_mix(key_of(i))));
    cr_assert_eq(s.n, N);
    for (uint64_t i = 0; i < N; i++) {
        cr_assert_eq(s.keys[i], key_of(i));
        cr_assert_eq(keyset_find(&s, key_of(i), keyset_mix(key_of(i))), (uint32_t)i);
    }
    cr_assert_eq(keyset_find(&s, key_of(N), keyset_mix(key_of(N))), UINT32_MAX);
    cr_assert_geq(keyset_bytes(&s), (size_t)N * 12);
    keyset_clear(&s);
    cr_assert_eq(s.n, 0);
    cr_assert_eq(keyset_find(&s, key_of(1), keyset_mix(key_of(1))), UINT32_MAX);
}

Test(keyset, pairs_with_one_key)
{
    KeySet s = { 0 };
    s.paired = true;
    for (uint32_t node = 0; node < 50; node++)
        for (uint64_t i = 0; i < 2000; i++)
            cr_assert(keyset_add_pair(&s, key_of(i), node, keyset_hash(key_of(i), node)));
    cr_assert_eq(s.n, 100000);
    cr_assert_not(keyset_add_pair(&s, key_of(3), 49, keyset_hash(key_of(3), 49)));
    cr_assert_eq(keyset_find_pair(&s, key_of(5), 2, keyset_hash(key_of(5), 2)), 2 * 2000 + 5);
    cr_assert_eq(keyset_node(&s, 2 * 2000 + 5), 2);
    cr_assert_eq(keyset_find_pair(&s, key_of(5), 50, keyset_hash(key_of(5), 50)), UINT32_MAX);
    cr_assert_eq(keyset_bytes(&s), (size_t)s.cap * 12 + (size_t)s.n_slots * 4);
    cr_assert_eq(keyset_hash(key_of(9), 0), keyset_mix(key_of(9)));
    keyset_clear(&s);
    cr_assert_not(s.paired);
}

/* Keys given one hash (one first slot, one tag), or hashes that differ
 * in the tag alone, are still told apart by their keys (the index is made
 * large enough first: a rebuild hashes the keys again). */
Test(keyset, same_slot_and_tag)
{
    KeySet s = { 0 };
    keyset_rebuild(&s, 4096);
    for (uint64_t i = 0; i < 500; i++) cr_assert(keyset_add(&s, key_of(i), 12345));
    for (uint64_t i = 0; i < 500; i++) cr_assert(keyset_add(&s, key_of(i + 1000), 12345 | (i << 32)));
    for (uint64_t i = 0; i < 500; i++) {
        cr_assert_eq(keyset_find(&s, key_of(i), 12345), (uint32_t)i);
        cr_assert_eq(keyset_find(&s, key_of(i + 1000), 12345 | (i << 32)), (uint32_t)(500 + i));
        cr_assert_not(keyset_add(&s, key_of(i), 12345));
    }
    keyset_clear(&s);
}

/* 2^24 slots: 3/4 of them need 24 bits of index, which leaves 8 for the
 * tag; 3 * 1024 slots leave 20. */
Test(keyset, large_index_few_tag_bits)
{
    KeySet s = { 0 };
    for (uint64_t i = 0; i < 1000; i++) keyset_add(&s, key_of(i), keyset_mix(key_of(i)));
    keyset_rebuild(&s, 1u << 24);
    cr_assert_eq(s.id_mask, (1u << 24) - 1);
    for (uint64_t i = 0; i < 2000; i++)
        cr_assert_eq(keyset_add(&s, key_of(i), keyset_mix(key_of(i))), i >= 1000);
    for (uint64_t i = 0; i < 2000; i++) cr_assert_eq(keyset_find(&s, key_of(i), keyset_mix(key_of(i))), (uint32_t)i);
    keyset_rebuild(&s, 1024 * 3);
    cr_assert_eq(s.id_mask, (1u << 12) - 1);
    for (uint64_t i = 0; i < 2000; i++) cr_assert_eq(keyset_find(&s, key_of(i), keyset_mix(key_of(i))), (uint32_t)i);
    keyset_clear(&s);
}
