/* hugemem.c - zeroed blocks, large ones on huge pages; see hugemem.h.
 * Kept apart from arena.c: these blocks are not malloc's, so they must
 * never meet free() or realloc(). */
#define _DEFAULT_SOURCE
#include "hugemem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void out_of_memory(void)
{
    fputs("cspi: out of memory\n", stderr);
    exit(70);
}

static size_t rounded(size_t bytes) { return (bytes + HUGEMEM_FROM - 1) & ~(HUGEMEM_FROM - 1); }

void *huge_alloc(size_t bytes)
{
    if (bytes < HUGEMEM_FROM) {
        void *p = calloc(1, bytes ? bytes : 1);
        if (!p) out_of_memory();
        return p;
    }
    size_t size = rounded(bytes);
    /* Map one huge page more and keep the aligned part: huge pages need
     * 2 MiB alignment. */
    unsigned char *raw = mmap(NULL, size + HUGEMEM_FROM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) out_of_memory();
    unsigned char *p = (unsigned char *)(((uintptr_t)raw + HUGEMEM_FROM - 1) & ~(uintptr_t)(HUGEMEM_FROM - 1));
    if (p > raw) munmap(raw, (size_t)(p - raw));
    if (p + size < raw + size + HUGEMEM_FROM) munmap(p + size, (size_t)(raw + size + HUGEMEM_FROM - (p + size)));
#ifdef MADV_HUGEPAGE
    madvise(p, size, MADV_HUGEPAGE);
#endif
    return p;
}

void huge_free(void *p, size_t bytes)
{
    if (!p) return;
    if (bytes < HUGEMEM_FROM) free(p);
    else munmap(p, rounded(bytes));
}

void *huge_realloc(void *p, size_t old_bytes, size_t new_bytes)
{
    if (!p) return huge_alloc(new_bytes);
    if (old_bytes < HUGEMEM_FROM && new_bytes < HUGEMEM_FROM) {
        unsigned char *q = realloc(p, new_bytes ? new_bytes : 1);
        if (!q) out_of_memory();
        if (new_bytes > old_bytes) memset(q + old_bytes, 0, new_bytes - old_bytes);
        return q;
    }
    if (old_bytes >= HUGEMEM_FROM && rounded(old_bytes) >= new_bytes && new_bytes >= HUGEMEM_FROM) {
        if (new_bytes > old_bytes) memset((unsigned char *)p + old_bytes, 0, new_bytes - old_bytes);
        return p;
    }
    void *q = huge_alloc(new_bytes);
    memcpy(q, p, old_bytes < new_bytes ? old_bytes : new_bytes);
    huge_free(p, old_bytes);
    return q;
}
