/* sym.c - open-addressing intern table of names; see sym.h. */
#include "sym.h"

#include "arena.h"

#include <stdlib.h>
#include <string.h>

/* The hash sits next to the pointer so a probe rarely touches a Sym. */
typedef HashSlot Slot;   /* item: the Sym */

struct SymTable {
    Arena *arena;
    Slot *slots;    /* power-of-two open addressing, linear probing */
    uint32_t cap, n;
};

uint32_t hash_bytes(const void *p, size_t n)
{
    /* Eight bytes at a time, multiply-xorshift mixing; names are short. */
    const unsigned char *s = p;
    uint64_t h = 0x9E3779B97F4A7C15u ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9u;
        h ^= h >> 31;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0x94D049BB133111EBu;
    h ^= h >> 29;
    return (uint32_t)(h ^ (h >> 32));
}

SymTable *sym_table_new(void)
{
    SymTable *t = xcalloc(1, sizeof *t);
    t->arena = arena_new(64 * 1024);
    t->cap = 1024;
    t->slots = xcalloc(t->cap, sizeof *t->slots);
    return t;
}

void sym_table_free(SymTable *t)
{
    if (!t) return;
    arena_free(t->arena);
    slots_free(t->slots, t->cap);
    free(t);
}

static void grow(SymTable *t) { slots_grow(&t->slots, &t->cap); }

const Sym *sym_intern(SymTable *t, const char *name, size_t len)
{
    uint32_t h = hash_bytes(name, len);
    uint32_t i = h & (t->cap - 1);
    for (; t->slots[i].item; i = (i + 1) & (t->cap - 1)) {
        Sym *s = t->slots[i].item;
        if (t->slots[i].hash == h && s->len == len && memcmp(s->name, name, len) == 0) return s;
    }
    Sym *s = ARENA_NEW(t->arena, Sym);
    s->name = arena_strndup(t->arena, name, len);
    s->len = (uint32_t)len;
    s->hash = h;
    s->id = t->n;
    t->slots[i] = (Slot){ h, s };
    if (++t->n * 2 > t->cap) grow(t);
    return s;
}

const Sym *sym_intern_cstr(SymTable *t, const char *name)
{
    return sym_intern(t, name, strlen(name));
}

uint32_t sym_count(const SymTable *t) { return t->n; }
