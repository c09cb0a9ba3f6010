/* test_run.c - the walker's random choices (run.h): splitmix64 numbers
 * reproduced for a seed, and run_uniform's choices in range and equally
 * likely, including for bounds where rejection matters.
 */
#include <criterion/criterion.h>

#include "run.h"

#include <stdint.h>

Test(run, random_is_reproducible_per_seed)
{
    uint64_t a = 7, b = 7, c = 8;
    for (int i = 0; i < 100; i++) {
        uint64_t x = run_random(&a);
        cr_assert_eq(x, run_random(&b));
        if (i == 0) cr_assert_neq(x, run_random(&c));
    }
}

Test(run, uniform_one_choice_is_always_zero)
{
    uint64_t s = 1;
    for (int i = 0; i < 1000; i++) cr_assert_eq(run_uniform(&s, 1), 0);
}

Test(run, uniform_small_bounds_are_even)
{
    /* 60,000 draws over 3 and over 6: each count within 3% of its share. */
    static const uint64_t bounds[] = { 3, 6 };
    for (int b = 0; b < 2; b++) {
        uint64_t n = bounds[b], s = 42, count[6] = { 0 };
        for (int i = 0; i < 60000; i++) {
            uint64_t x = run_uniform(&s, n);
            cr_assert_lt(x, n);
            count[x]++;
        }
        for (uint64_t k = 0; k < n; k++) {
            double share = 60000.0 / (double)n;
            cr_assert(count[k] > share * 0.97 && count[k] < share * 1.03,
                      "bound %llu: value %llu drawn %llu times", (unsigned long long)n,
                      (unsigned long long)k, (unsigned long long)count[k]);
        }
    }
}

Test(run, uniform_huge_bound_rejects_the_uneven_products)
{
    /* n about 2/3 of 2^64: 2^64 random numbers cannot fall evenly on it,
     * some values have two preimages and others one. Taken by remainder
     * the low half would come up twice as often as the high half; taken by
     * the high word of a product, evens twice as often as odds. Rejection
     * keeps both even. */
    uint64_t n = UINT64_C(0xAAAAAAAAAAAAAAAB), s = 5, low = 0, even = 0;
    for (int i = 0; i < 30000; i++) {
        uint64_t x = run_uniform(&s, n);
        cr_assert_lt(x, n);
        low += x < n / 2;
        even += x % 2 == 0;
    }
    cr_assert(low > 14400 && low < 15600, "%llu of 30000 in the low half", (unsigned long long)low);
    cr_assert(even > 14400 && even < 15600, "%llu of 30000 even", (unsigned long long)even);
}
