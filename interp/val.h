/* val.h - CSPM values, hash-consed.
 * A ValTable owns every value of a session. Structural values (integers,
 * booleans, characters, tuples, dotted values, sequences, sets, maps,
 * channels, constructors, built-ins) are interned: equal values are the
 * same pointer with a dense id, so equality is ==. Closures, process
 * values, lazy streams and symbolic sets are not structural; each is its
 * own value (a fresh id), and CSPM gives them no equality anyway. Values
 * are immutable and live as long as their table.
 *
 * Canonical forms: a set of integers is a V_INTSET (sorted disjoint closed
 * intervals, so `{0..999999}` and `Int` are small and exact); every other
 * finite set is a V_SET whose items are sorted by val_cmp and distinct;
 * the empty set is the V_SET with no items. A map is a V_MAP whose items
 * alternate key, value, sorted by key. A dotted value is a V_DOT whose
 * items are a head and its fields (see eval's dot rules); its print form
 * is `a.b.c`. Depends on arena.h, sym.h.
 */
#ifndef CSP_VAL_H
#define CSP_VAL_H

#include "arena.h"
#include "sym.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define VAL_KINDS(X) \
    X(INT) X(BOOL) X(CHAR) X(TUPLE) X(DOT) X(SEQ) X(SET) X(INTSET) X(MAP) \
    X(CHANNEL) X(CTOR) X(BUILTIN) X(FUNC) X(PROC) X(STREAM) X(SYMSET)
#define VAL_AS_ENUM(k) V_##k,
typedef enum { VAL_KINDS(VAL_AS_ENUM) V__COUNT } ValKind;
extern const char *const val_kind_name[V__COUNT];

typedef struct Val Val;
struct Node;

/* A declared channel or datatype constructor (owned by the evaluator). */
typedef struct ValDecl {
    const Sym *name;
    uint32_t order;         /* declaration order: sorts channels and constructors */
    uint32_t arity;         /* number of fields; valid once fields are known */
    bool is_channel;
    const Val **fields;     /* one set per field (NULL until evaluated) */
    const struct ValDecl *datatype_of;  /* constructors: unused placeholder for grouping */
    void *owner;            /* evaluator bookkeeping: the declaring definition */
    void *env;              /* evaluator bookkeeping: the module frame its types are read in */
} ValDecl;

struct Val {
    uint8_t kind;           /* ValKind */
    uint8_t flags;          /* DOT: VAL_DOT_* ; SYMSET: its operator */
    uint16_t extra;         /* BUILTIN: id; TUPLE, SEQ, DOT, MAP: VAL_HOLDS_STREAM */
    uint32_t id;            /* dense, in order of creation */
    uint32_t hash;
    uint32_t n;             /* number of items (INTSET: number of intervals) */
    union {
        int64_t num;                /* INT, BOOL (0/1), CHAR (code point) */
        const ValDecl *decl;        /* CHANNEL, CTOR */
        void *ptr;                  /* FUNC, PROC, STREAM, SYMSET: owner-defined payload */
    };
    union {
        const Val *items[1];        /* TUPLE, DOT, SEQ, SET, MAP: n items (flexible) */
        int64_t bounds[1];          /* INTSET: 2*n bounds lo0, hi0, lo1, hi1, ... */
    };
};

/* Flags of a V_DOT. */
enum { VAL_DOT_PLAIN = 0, VAL_DOT_HEADED = 1, VAL_DOT_INCOMPLETE = 2 };
/* A tuple, sequence, dotted value or map with a STREAM among its items, at
 * any depth through such containers (sets are always strict): worked out
 * once when the value is made, so forcing a value never walks it first. */
enum { VAL_HOLDS_STREAM = 1 };
static inline bool val_holds_stream(const Val *v)
{
    return v->kind == V_STREAM || ((v->kind == V_TUPLE || v->kind == V_SEQ || v->kind == V_DOT ||
                                    v->kind == V_MAP) && (v->extra & VAL_HOLDS_STREAM));
}

/* An INTSET's ends are unbounded when its flags say so: {0..} is the last
 * bound INT64_MAX with VAL_INTSET_OPEN_HI, while {0..9223372036854775807}
 * has the same bound, no flag, and is finite. */
#define VAL_INF INT64_MAX
#define VAL_NEG_INF INT64_MIN
enum { VAL_INTSET_OPEN_HI = 1, VAL_INTSET_OPEN_LO = 2 };

typedef struct ValTable ValTable;

ValTable *val_table_new(void);
void val_table_free(ValTable *t);
uint32_t val_count(const ValTable *t);
size_t val_bytes(const ValTable *t);

/* ---- constructors (all return interned values, never NULL) ---- */
const Val *val_int(ValTable *t, int64_t n);
const Val *val_bool(ValTable *t, bool b);
const Val *val_char(ValTable *t, uint32_t cp);
const Val *val_tuple(ValTable *t, const Val *const *items, uint32_t n);
const Val *val_seq(ValTable *t, const Val *const *items, uint32_t n);
/* A string as a sequence of characters (UTF-8 input). */
const Val *val_string(ValTable *t, const char *utf8, size_t len);
/* A set from any items (sorted and deduplicated here; ints become an INTSET). */
const Val *val_set(ValTable *t, const Val *const *items, uint32_t n);
const Val *val_empty_set(ValTable *t);
/* The integers lo..hi, a finite set (lo > hi: empty); val_int_from and
 * val_int_all give the unbounded ones. */
const Val *val_int_range(ValTable *t, int64_t lo, int64_t hi);
/* {lo..} and Int: the unbounded integer sets. */
const Val *val_int_from(ValTable *t, int64_t lo);
const Val *val_int_all(ValTable *t);
/* An INTSET from sorted, disjoint, non-adjacent intervals. */
const Val *val_intset(ValTable *t, const int64_t *bounds, uint32_t n_intervals);
/* A map from n key/value pairs (kv[2i], kv[2i+1]); later keys win. */
const Val *val_map(ValTable *t, const Val *const *kv, uint32_t n_pairs);
/* The value a MAP gives key, or NULL when key is not in it. */
const Val *val_map_find(const Val *m, const Val *key);
/* A dotted value with the given flags; items[0] is the head. */
const Val *val_dot(ValTable *t, const Val *const *items, uint32_t n, int flags);
const Val *val_channel(ValTable *t, const ValDecl *d);
const Val *val_ctor(ValTable *t, const ValDecl *d);
const Val *val_builtin(ValTable *t, int id);
/* A non-structural value with a fresh id and the given payload. */
const Val *val_opaque(ValTable *t, ValKind k, void *payload, int flags);

/* ---- queries ---- */
/* Total order used for sets and printing: numbers numerically, sequences and
 * tuples lexicographically, channels and constructors by declaration. */
int val_cmp(const Val *a, const Val *b);
bool val_is_set(const Val *v);          /* SET, INTSET or SYMSET */
bool val_is_finite_set(const Val *v);   /* SET or bounded INTSET */
/* Number of elements of a finite set (SET or bounded INTSET). */
uint64_t val_set_card(const Val *v);
bool val_intset_member(const Val *v, int64_t n);

/* ---- set algebra on SET and INTSET (symbolic sets are the evaluator's) ----
 * val_set_union returns NULL for an infinite INTSET united with a set of
 * other values (no canonical form); the evaluator makes it symbolic. */
const Val *val_set_union(ValTable *t, const Val *a, const Val *b);
const Val *val_set_inter(ValTable *t, const Val *a, const Val *b);
const Val *val_set_diff(ValTable *t, const Val *a, const Val *b);
/* Membership in a SET or INTSET. */
bool val_set_member(const Val *set, const Val *x);
/* Is a a subset of b (SET/INTSET)? */
bool val_set_subset(const Val *a, const Val *b);

/* ---- printing, in CSPM syntax ---- */
/* Prints what val.c cannot: closures, processes, streams, symbolic sets. */
typedef void (*ValPrintHook)(FILE *out, const Val *v, void *ctx);
void val_print(FILE *out, const Val *v, ValPrintHook hook, void *ctx);
/* The printed form in a malloc'd, NUL-terminated string; caller frees. */
char *val_to_string(const Val *v, ValPrintHook hook, void *ctx, size_t *len);
/* At most max bytes of the printed form (max >= 4), in a malloc'd string
 * ending in "..." when the value printed longer: for messages, where a set
 * of a million values must not become a million values of text. */
char *val_to_string_max(const Val *v, ValPrintHook hook, void *ctx, size_t max);
/* True if every item is a CHAR (a non-empty string prints as "..."). */
bool val_is_string(const Val *v);

#endif
