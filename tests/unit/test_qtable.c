/* test_qtable.c - the compact table of packed keys (qtable.h): the mix is
 * a bijection of w-bit words; keys get ids in order of arrival and are
 * found again across many growths of the parts, and given back by id,
 * the newest from the kept bits of their hashes and the older from their
 * slots; keys at the narrowest and the widest widths, keys in runs (which
 * share most bits), every key of a narrow width (parts at their largest,
 * a home per key), and the memory counted.
 */
#include <criterion/criterion.h>

#include "qtable.h"

#include <stdint.h>

TestSuite(qtable);

static uint64_t mask_of(uint32_t w) { return ((uint64_t)1 << w) - 1; }

/* A pseudo-random w-bit key for i (distinct for distinct i < 2^32). */
static uint64_t scattered(uint64_t i, uint32_t w)
{
    return (i * 0x2545F4914F6CDD1DULL + 0x9E37ULL) & mask_of(w);
}

static uint64_t in_runs(uint64_t i, uint32_t w)   /* runs of 64 keys, a long stride apart */
{
    return ((i >> 6) << (w - 24) | (i & 63)) & mask_of(w);
}

/* Adds n keys of width w, checks their ids, finds them again and gives
 * them back by id. */
static void fill_and_check(uint32_t w, uint64_t (*key_of)(uint64_t, uint32_t), uint32_t n)
{
    QTable q;
    qt_init(&q, w);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t k = key_of(i, w);
        cr_assert_eq(qt_id(&q, qt_hash(&q, k)), i, "w %u: key %u is new", w, i);
    }
    cr_assert_eq(q.n, n);
    for (uint32_t i = 0; i < n; i += 3) {
        uint64_t k = key_of(i, w);
        cr_assert_eq(qt_id(&q, qt_hash(&q, k)), i, "w %u: key %u found again", w, i);
    }
    cr_assert_eq(q.n, n, "w %u: nothing added by finding", w);
    for (uint32_t i = n; i-- > 0;)   /* the newest first: then the older, from their slots */
        cr_assert_eq(qt_key(&q, i), key_of(i, w), "w %u: key of id %u", w, i);
    for (uint32_t i = 0; i < n; i += 7) cr_assert_eq(qt_key(&q, i), key_of(i, w), "w %u: id %u again", w, i);
    cr_assert_geq(qt_bytes(&q), (size_t)n * 12, "w %u: 8 bytes a slot, 4 an id at least", w);
    qt_free(&q);
}

Test(qtable, mix_is_a_bijection)
{
    uint32_t widths[] = { QT_MIN_BITS, 33, 48, QT_MAX_BITS };
    for (uint32_t k = 0; k < sizeof widths / sizeof *widths; k++) {
        QTable q;
        qt_init(&q, widths[k]);
        for (uint64_t i = 0; i < 100000; i++) {
            uint64_t key = scattered(i, widths[k]);
            uint64_t h = qt_hash(&q, key);
            cr_assert_eq(h & ~mask_of(widths[k]), 0, "w %u: H has w bits", widths[k]);
            cr_assert_eq(qt_unhash(&q, h), key, "w %u: key %llu", widths[k], (unsigned long long)key);
        }
        cr_assert_eq(qt_unhash(&q, qt_hash(&q, mask_of(widths[k]))), mask_of(widths[k]));
        qt_free(&q);
    }
}

Test(qtable, keys_in_order_across_growths)
{
    fill_and_check(40, scattered, 300000);
    fill_and_check(40, in_runs, 300000);
}

Test(qtable, keys_at_the_widths_limits)
{
    fill_and_check(QT_MAX_BITS, scattered, 200000);
    fill_and_check(QT_MAX_BITS, in_runs, 200000);
    fill_and_check(QT_MIN_BITS, scattered, 200000);
    fill_and_check(32, scattered, 100000);   /* the top bits kept are the whole hash */
    fill_and_check(33, scattered, 100000);   /* one bit below them */
    cr_assert(qt_fits(QT_MIN_BITS) && qt_fits(QT_MAX_BITS));
    cr_assert(!qt_fits(QT_MIN_BITS - 1) && !qt_fits(QT_MAX_BITS + 1));
}

static uint64_t every(uint64_t i, uint32_t w) { return i & mask_of(w); }

Test(qtable, every_key_of_a_narrow_width)
{
    /* 2^20 keys in 2^20 homes: the parts grow to a home per key, fuller
     * than any load limit, and nothing moves. */
    fill_and_check(QT_MIN_BITS, every, 1u << QT_MIN_BITS);
}
