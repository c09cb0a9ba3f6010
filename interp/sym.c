/* sym.c - open-addressing intern table of names; see sym.h. */
#include "sym.h"

#include "arena.h"

#include <stdlib.h>
#include <string.h>

struct SymTable {
    Arena *arena;
    Sym **slots;    /* power-of-two open addressing, linear probing */
    uint32_t cap, n;
};

uint32_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;   /* FNV-1a */
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 16777619u;
    }
    return h;
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
    free(t->slots);
    free(t);
}

static void grow(SymTable *t)
{
    uint32_t cap = t->cap * 2;
    Sym **slots = xcalloc(cap, sizeof *slots);
    for (uint32_t i = 0; i < t->cap; i++) {
        Sym *s = t->slots[i];
        if (!s) continue;
        uint32_t j = s->hash & (cap - 1);
        while (slots[j]) j = (j + 1) & (cap - 1);
        slots[j] = s;
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
}

const Sym *sym_intern(SymTable *t, const char *name, size_t len)
{
    uint32_t h = hash_bytes(name, len);
    uint32_t i = h & (t->cap - 1);
    for (Sym *s; (s = t->slots[i]); i = (i + 1) & (t->cap - 1))
        if (s->hash == h && s->len == len && memcmp(s->name, name, len) == 0) return s;
    Sym *s = ARENA_NEW(t->arena, Sym);
    s->name = arena_strndup(t->arena, name, len);
    s->len = (uint32_t)len;
    s->hash = h;
    s->id = t->n;
    t->slots[i] = s;
    if (++t->n * 2 > t->cap) grow(t);
    return s;
}

const Sym *sym_intern_cstr(SymTable *t, const char *name)
{
    return sym_intern(t, name, strlen(name));
}

uint32_t sym_count(const SymTable *t) { return t->n; }
