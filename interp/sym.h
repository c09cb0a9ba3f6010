/* sym.h - interned names.
 * A SymTable gives each distinct name one Sym, so names compare with ==.
 * Syms live as long as their table. Ids are dense, in order of first use.
 */
#ifndef CSP_SYM_H
#define CSP_SYM_H

#include <stddef.h>
#include <stdint.h>

typedef struct Sym {
    const char *name;   /* NUL-terminated */
    uint32_t len, id, hash;
} Sym;

typedef struct SymTable SymTable;

SymTable *sym_table_new(void);
void sym_table_free(SymTable *t);
const Sym *sym_intern(SymTable *t, const char *name, size_t len);
const Sym *sym_intern_cstr(SymTable *t, const char *name);
uint32_t sym_count(const SymTable *t);

uint32_t hash_bytes(const void *p, size_t n);

#endif
