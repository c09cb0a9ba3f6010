/* test_numarg.c - whole numbers typed by a person (numarg.h): digits only,
 * the range checked before anything wraps round, messages naming the option.
 */
#include <criterion/criterion.h>

#include "numarg.h"

#include <stdint.h>

static char msg[200];

static bool reads(const char *text, uint64_t min, uint64_t max, uint64_t *n)
{
    msg[0] = 0;
    return numarg_parse("--opt", text, min, max, n, msg, sizeof msg);
}

Test(numarg, digits_in_range_are_read)
{
    uint64_t n;
    cr_assert(reads("0", 0, 10, &n) && n == 0);
    cr_assert(reads("007", 0, 10, &n) && n == 7);
    cr_assert(reads("18446744073709551615", 0, UINT64_MAX, &n) && n == UINT64_MAX);
    cr_assert(reads("4294967295", 1, UINT32_MAX, &n) && n == UINT32_MAX);
}

Test(numarg, past_2_to_the_64_is_refused_not_wrapped)
{
    uint64_t n = 5;
    cr_assert(!reads("18446744073709551616", 0, UINT64_MAX, &n));
    cr_assert(!reads("99999999999999999999999", 0, UINT64_MAX, &n));
    cr_assert(n == 5);
    cr_assert_str_eq(msg, "--opt needs a whole number from 0 to 18446744073709551615, "
                          "not '99999999999999999999999'");
}

Test(numarg, out_of_range_names_the_range)
{
    uint64_t n;
    cr_assert(!reads("4294967297", 1, UINT32_MAX, &n));
    cr_assert_str_eq(msg, "--opt needs a whole number from 1 to 4294967295, not '4294967297'");
    cr_assert(!reads("0", 1, 9, &n));
}

Test(numarg, signs_blanks_junk_and_nothing_are_refused)
{
    uint64_t n;
    const char *bad[] = { "-5", "+5", " 5", "5 ", "5x", "0x10", "1e3", "", "-0", "5.0" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert(!reads(bad[i], 0, UINT64_MAX, &n), "accepted '%s'", bad[i]);
    cr_assert(!reads(NULL, 0, 9, &n));
    cr_assert_str_eq(msg, "--opt needs a whole number from 0 to 9");
}

Test(numarg, a_long_bad_value_is_cut_in_the_message)
{
    uint64_t n;
    cr_assert(!reads("123456789012345678901234567890123456789012345678901234567890x", 0, 9, &n));
    cr_assert_str_eq(msg, "--opt needs a whole number from 0 to 9, "
                          "not '1234567890123456789012345678901234567890...'");
}
