/* arena.h - memory by lifetime.
 * An Arena hands out zeroed, max-aligned blocks that all die together with
 * arena_free (or are forgotten with arena_reset). Nothing is freed singly.
 * xmalloc/xrealloc are the only other allocators: on exhaustion they print
 * "cspi: out of memory" and exit 70. Vec is a growable array for builders.
 */
#ifndef CSP_ARENA_H
#define CSP_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct Arena Arena;

Arena *arena_new(size_t block_bytes);
void *arena_alloc(Arena *a, size_t bytes);          /* zeroed, aligned for max_align_t */
/* Zeroed, aligned for pointers and 64-bit integers only: for the many small
 * objects (syntax nodes) whose size matters. */
void *arena_alloc_small(Arena *a, size_t bytes);
void *arena_dup(Arena *a, const void *p, size_t bytes);
char *arena_strndup(Arena *a, const char *s, size_t n); /* NUL-terminated copy */
void arena_reset(Arena *a);                         /* keep the blocks, forget the contents */
void arena_free(Arena *a);                          /* release everything at once */
size_t arena_bytes_used(const Arena *a);
/* Zeroed, aligned as align (a power of two) asks. */
void *arena_alloc_aligned(Arena *a, size_t bytes, size_t align);
/* One zeroed T, aligned for T only: most structs need 8 bytes, not 16. */
#define ARENA_NEW(a, T) ((T *)arena_alloc_aligned((a), sizeof(T), _Alignof(T)))

void *xmalloc(size_t bytes);
void *xrealloc(void *p, size_t bytes);
void *xcalloc(size_t n, size_t size);
/* Zeroed by writing: for a table that is read before it is written (hash
 * probes). calloc's fresh pages fault twice there, once to map the shared
 * zero page on the first read and again on the first write. */
void *xzeroed(size_t bytes);

/* The slot array of an open-addressing hash table (linear probing, a
 * power-of-two capacity), shared by the intern tables. */
typedef struct {
    uint32_t hash;
    void *item;             /* NULL: empty */
} HashSlot;
/* Doubles the capacity and reinserts every item by its stored hash. Big
 * slot arrays are on huge pages (hugemem.h): free them with slots_free
 * (small ones start as xcalloc's, which slots_free also takes). */
void slots_grow(HashSlot **slots, uint32_t *cap);
void slots_free(HashSlot *slots, uint32_t cap);

/* Mixes a 64-bit hash into 64 well-spread bits (a murmur3 finaliser), or
 * 32 of them. */
static inline uint64_t hash_mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDu;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53u;
    h ^= h >> 33;
    return h;
}
static inline uint32_t hash_mix(uint64_t h) { return (uint32_t)hash_mix64(h); }

/* A growable array of pointers, heap-backed; vec_free releases it. */
typedef struct {
    void **items;
    uint32_t n, cap;
} Vec;
void vec_push(Vec *v, void *item);
void vec_free(Vec *v);
/* Copies the items into arena a (so the vector can be freed). */
void **vec_to_arena(const Vec *v, Arena *a);

#endif
