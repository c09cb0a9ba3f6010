/* hugemem.c - zeroed blocks, large ones on huge pages; see hugemem.h.
 * Kept apart from arena.c: these blocks are not malloc's (but in
 * WebAssembly, below), so they must never meet free() or realloc(). */
#define _GNU_SOURCE   /* mremap */
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

#ifdef __EMSCRIPTEN__
/* WebAssembly (the playground) has no pages to map: emscripten's mmap is a
 * memalign and a memset of the whole block in its libc's C loop, and its
 * munmap frees only a whole mapping, never a part of one nor an address
 * inside it, so each block mapped as below stayed allocated (a check of the
 * philosophers at N = 7 kept 60 MB; one check after another, the page ran
 * out of its 2 GB). There a block is malloc's, zeroed here. */
void *huge_alloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (!p) out_of_memory();
    memset(p, 0, bytes);
    return p;
}

void huge_free(void *p, size_t bytes)
{
    (void)bytes;
    free(p);
}

void *huge_realloc(void *p, size_t old_bytes, size_t new_bytes)
{
    if (!p) return huge_alloc(new_bytes);
    unsigned char *q = realloc(p, new_bytes ? new_bytes : 1);
    if (!q) out_of_memory();
    if (new_bytes > old_bytes) memset(q + old_bytes, 0, new_bytes - old_bytes);
    return q;
}
#else
static size_t rounded(size_t bytes) { return (bytes + HUGEMEM_FROM - 1) & ~(HUGEMEM_FROM - 1); }

/* size bytes (a multiple of HUGEMEM_FROM) of fresh zero pages, aligned
 * to HUGEMEM_FROM (huge pages need 2 MiB alignment): one huge page more
 * is mapped and the aligned part kept. */
static unsigned char *aligned_map(size_t size)
{
    unsigned char *raw = mmap(NULL, size + HUGEMEM_FROM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) out_of_memory();
    unsigned char *p = (unsigned char *)(((uintptr_t)raw + HUGEMEM_FROM - 1) & ~(uintptr_t)(HUGEMEM_FROM - 1));
    if (p > raw) munmap(raw, (size_t)(p - raw));
    if (p + size < raw + size + HUGEMEM_FROM) munmap(p + size, (size_t)(raw + size + HUGEMEM_FROM - (p + size)));
    return p;
}

void *huge_alloc(size_t bytes)
{
    if (bytes < HUGEMEM_FROM) {
        void *p = calloc(1, bytes ? bytes : 1);
        if (!p) out_of_memory();
        return p;
    }
    size_t size = rounded(bytes);
    unsigned char *p = aligned_map(size);
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
        if (rounded(new_bytes) < rounded(old_bytes))   /* the pages past it go back (huge_free frees new_bytes') */
            munmap((unsigned char *)p + rounded(new_bytes), rounded(old_bytes) - rounded(new_bytes));
        return p;
    }
#ifdef MREMAP_FIXED
    if (old_bytes >= HUGEMEM_FROM && new_bytes > old_bytes) {
        /* Growing a block of its own pages: the kernel moves the pages
         * (no copy, and never the old and the new block resident at once)
         * into an aligned place, the rest zero pages. */
        size_t old_size = rounded(old_bytes), size = rounded(new_bytes);
        memset((unsigned char *)p + old_bytes, 0, old_size - old_bytes);
        unsigned char *to = aligned_map(size);
        void *q = mremap(p, old_size, size, MREMAP_MAYMOVE | MREMAP_FIXED, to);
        if (q != MAP_FAILED) {
#ifdef MADV_HUGEPAGE
            madvise(q, size, MADV_HUGEPAGE);
#endif
            return q;
        }
        munmap(to, size);
    }
#endif
    void *q = huge_alloc(new_bytes);
    memcpy(q, p, old_bytes < new_bytes ? old_bytes : new_bytes);
    huge_free(p, old_bytes);
    return q;
}
#endif
