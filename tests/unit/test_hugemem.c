/* test_hugemem.c - blocks for large tables (hugemem.h): a block grown
 * keeps its bytes and its new bytes are zero, whether it grows within its
 * pages, into moved pages (past HUGEMEM_FROM) or from a small block; a
 * block shrunk and grown again reads zero past what it kept; a large
 * block is aligned for huge pages.
 */
#include <criterion/criterion.h>

#include "hugemem.h"

#include <stdint.h>

TestSuite(hugemem);

static void fill(unsigned char *p, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) p[i] = (unsigned char)(i * 131 + 7);
}

static void expect(const unsigned char *p, size_t kept, size_t zero_to)
{
    for (size_t i = 0; i < kept; i++)
        if (p[i] != (unsigned char)(i * 131 + 7)) cr_assert_fail("byte %zu lost", i);
    for (size_t i = kept; i < zero_to; i++)
        if (p[i]) cr_assert_fail("byte %zu not zero", i);
}

Test(hugemem, grown_blocks_keep_their_bytes)
{
    size_t small = 1000, big = 3 * HUGEMEM_FROM + 12345, bigger = 7 * HUGEMEM_FROM + 5;
    unsigned char *p = huge_alloc(small);
    expect(p, 0, small);
    fill(p, 0, small);
    p = huge_realloc(p, small, big);   /* from malloc's to its own pages */
    expect(p, small, big);
    cr_assert_eq((uintptr_t)p % HUGEMEM_FROM, 0);
    fill(p, 0, big);
    p = huge_realloc(p, big, bigger);  /* moved pages */
    cr_assert_eq((uintptr_t)p % HUGEMEM_FROM, 0);
    expect(p, big, bigger);
    fill(p, 0, bigger);
    p = huge_realloc(p, bigger, big - 100);   /* shrunk: the same pages */
    expect(p, big - 100, big - 100);
    p = huge_realloc(p, big - 100, bigger + HUGEMEM_FROM);   /* what was cut reads zero */
    expect(p, big - 100, bigger + HUGEMEM_FROM);
    p = huge_realloc(p, bigger + HUGEMEM_FROM, small);
    expect(p, small, small);
    huge_free(p, small);
}
