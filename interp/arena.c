/* arena.c - bump allocation in chained blocks; see arena.h. */
#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Block {
    struct Block *next;
    size_t size, used;
    _Alignas(max_align_t) unsigned char data[];
} Block;

struct Arena {
    Block *head;        /* current block; older blocks follow */
    size_t block_bytes;
    size_t total;
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

static Block *block_new(size_t size)
{
    Block *b = xmalloc(sizeof *b + size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

void *arena_alloc(Arena *a, size_t bytes)
{
    const size_t align = _Alignof(max_align_t);
    bytes = (bytes + align - 1) & ~(align - 1);
    if (bytes == 0) bytes = align;
    Block *b = a->head;
    if (!b || b->size - b->used < bytes) {
        /* Reuse a block kept by arena_reset when it is big enough. */
        if (b && b->next && b->next->size >= bytes && b->next->used == 0) {
            Block *spare = b->next;
            b->next = spare->next;
            spare->next = b;
            a->head = b = spare;
        } else {
            size_t size = bytes > a->block_bytes ? bytes : a->block_bytes;
            Block *nb = block_new(size);
            nb->next = b;
            a->head = b = nb;
        }
    }
    void *p = b->data + b->used;
    b->used += bytes;
    a->total += bytes;
    memset(p, 0, bytes);
    return p;
}

void *arena_dup(Arena *a, const void *p, size_t bytes)
{
    void *q = arena_alloc(a, bytes);
    if (bytes) memcpy(q, p, bytes);
    return q;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *q = arena_alloc(a, n + 1);
    memcpy(q, s, n);
    q[n] = 0;
    return q;
}

void arena_reset(Arena *a)
{
    for (Block *b = a->head; b; b = b->next) b->used = 0;
    a->total = 0;
}

void arena_free(Arena *a)
{
    if (!a) return;
    Block *b = a->head;
    while (b) {
        Block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

size_t arena_bytes_used(const Arena *a) { return a->total; }

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
