/* arena.c - bump allocation in chained blocks; see arena.h. */
#include "arena.h"

#include "hugemem.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Block {
    struct Block *next;
    size_t size, used;
    bool reused;        /* handed out before an arena_reset: must be zeroed on use */
    _Alignas(max_align_t) unsigned char data[];
} Block;

struct Arena {
    Block *head;        /* current block; older full blocks follow */
    Block *spare;       /* blocks kept by arena_reset, for reuse */
    size_t block_bytes;
    size_t total;
    uint32_t blocks_taken;  /* new blocks so far */
};

static void out_of_memory(void)
{
    fputs("cspi: out of memory\n", stderr);
    exit(70);
}

void *xmalloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (!p) out_of_memory();
    return p;
}

void *xrealloc(void *p, size_t bytes)
{
    void *q = realloc(p, bytes ? bytes : 1);
    if (!q) out_of_memory();
    return q;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) out_of_memory();
    return p;
}

Arena *arena_new(size_t block_bytes)
{
    Arena *a = xcalloc(1, sizeof *a);
    a->block_bytes = block_bytes < 1024 ? 1024 : block_bytes;
    return a;
}

/* A block of at least `size` bytes: a spare one if it fits, else a new one. */
static Block *take_block(Arena *a, size_t size)
{
    for (Block **pb = &a->spare; *pb; pb = &(*pb)->next) {
        if ((*pb)->size >= size) {
            Block *b = *pb;
            *pb = b->next;
            return b;
        }
    }
    /* An arena that outgrows its first block takes large ones as whole
     * huge pages (a big system's terms fill tens of megabytes: a fault per
     * 2 MiB, not per 4 KiB); small scripts keep ordinary pages. Blocks
     * arrive zeroed. */
    size_t bytes = sizeof(Block) + size;
    if (a->blocks_taken++ > 0 && bytes >= HUGEMEM_FROM / 4)
        bytes = (bytes + HUGEMEM_FROM - 1) & ~(HUGEMEM_FROM - 1);
    Block *b = huge_alloc(bytes);
    b->size = bytes - sizeof(Block);
    return b;
}

static void *alloc_aligned(Arena *a, size_t bytes, size_t align)
{
    Block *b = a->head;
    size_t off = b ? (b->used + align - 1) & ~(align - 1) : 0;
    if (!b || off + bytes > b->size) {
        /* The first block is a quarter: most arenas of a small script
         * never need more, and a big one soon moves to huge pages. */
        size_t block = a->blocks_taken ? a->block_bytes : a->block_bytes / 4;
        size_t want = bytes > block ? bytes : block;
        b = take_block(a, want);
        b->next = a->head;
        a->head = b;
        off = 0;
    }
    void *p = b->data + off;
    b->used = off + bytes;
    a->total += bytes;
    if (b->reused) memset(p, 0, bytes);   /* fresh blocks are already zero */
    return p;
}

void *arena_alloc(Arena *a, size_t bytes) { return alloc_aligned(a, bytes, _Alignof(max_align_t)); }

void *arena_alloc_small(Arena *a, size_t bytes) { return alloc_aligned(a, bytes, 8); }

void *arena_alloc_aligned(Arena *a, size_t bytes, size_t align) { return alloc_aligned(a, bytes, align); }

void *arena_dup(Arena *a, const void *p, size_t bytes)
{
    void *q = arena_alloc(a, bytes);
    if (bytes) memcpy(q, p, bytes);
    return q;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *q = arena_alloc(a, n + 1);
    if (n) memcpy(q, s, n);
    q[n] = 0;
    return q;
}

void arena_reset(Arena *a)
{
    while (a->head) {
        Block *b = a->head;
        a->head = b->next;
        b->used = 0;
        b->reused = true;
        b->next = a->spare;
        a->spare = b;
    }
    a->total = 0;
}

static void free_blocks(Block *b)
{
    while (b) {
        Block *next = b->next;
        huge_free(b, sizeof(Block) + b->size);
        b = next;
    }
}

void arena_free(Arena *a)
{
    if (!a) return;
    free_blocks(a->head);
    free_blocks(a->spare);
    free(a);
}

size_t arena_bytes_used(const Arena *a) { return a->total; }

void *xzeroed(size_t bytes)
{
    void *p = xmalloc(bytes);
    memset(p, 0, bytes);
    return p;
}

void slots_grow(HashSlot **slots, uint32_t *cap)
{
    uint32_t ncap = *cap * 2;
    HashSlot *grown = huge_alloc(ncap * sizeof *grown);   /* zeroed */
    for (uint32_t i = 0; i < *cap; i++) {
        if (!(*slots)[i].item) continue;
        uint32_t j = (*slots)[i].hash & (ncap - 1);
        while (grown[j].item) j = (j + 1) & (ncap - 1);
        grown[j] = (*slots)[i];
    }
    slots_free(*slots, *cap);
    *slots = grown;
    *cap = ncap;
}

void slots_free(HashSlot *slots, uint32_t cap) { huge_free(slots, (size_t)cap * sizeof *slots); }

void vec_push(Vec *v, void *item)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        v->items = xrealloc(v->items, v->cap * sizeof *v->items);
    }
    v->items[v->n++] = item;
}

void vec_free(Vec *v)
{
    free(v->items);
    v->items = NULL;
    v->n = v->cap = 0;
}

void **vec_to_arena(const Vec *v, Arena *a)
{
    return arena_dup(a, v->items, v->n * sizeof *v->items);
}
