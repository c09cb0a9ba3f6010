/* types_internal.h - shared by types.c (type terms, unification, classes,
 * printing), typecheck.c (the inference walk over expressions, patterns and
 * dotted events, and the messages), typedecl.c (definitions in
 * dependency order, annotations, the entry points) and typemodule.c
 * (modules' parameters and instances). Private to the types
 * module. Depends on types.h, interp.h, resolve.h, diag.h.
 */
#ifndef CSP_TYPES_INTERNAL_H
#define CSP_TYPES_INTERNAL_H

#include "interp.h"
#include "resolve.h"
#include "types.h"

#include <stdbool.h>
#include <stdint.h>

/* Type terms. Children per kind:
 *  VAR      -            a unification variable (link set once bound)
 *  DYN      -            "some type": a dotted value cspi does not type statically;
 *                        unifies with everything and binds nothing
 *  INT BOOL CHAR EVENT PROC
 *  DATA     -            a datatype (data = its DATATYPE definition)
 *  SET SEQ  elem
 *  TUPLE    elems...
 *  MAP      key value
 *  FUN      args... result
 *  DOT      fields...    a dotted value `1.true :: Int.Bool` (n >= 2)
 *  DOTABLE  fields... result   `c :: Int=>Bool=>Event`: dot with the fields to get result */
#define TYPE_KINDS(X) X(VAR) X(DYN) X(INT) X(BOOL) X(CHAR) X(EVENT) X(PROC) X(DATA) X(SET) \
    X(SEQ) X(TUPLE) X(MAP) X(FUN) X(DOT) X(DOTABLE)
#define TYPE_AS_ENUM(k) TT_##k,
typedef enum { TYPE_KINDS(TYPE_AS_ENUM) TT__COUNT } TypeKind;

/* Type classes, as bits. Eq implies Set. */
enum { C_EQ = 1, C_ORD = 2, C_SET = 4, C_COMPLETE = 8, C_YIELD = 16, C_ALL = 31 };

/* A variable's level: the let-depth at which it was made; GENERIC marks a
 * variable quantified in a type scheme (copied afresh at every use). */
#define LEVEL_GENERIC UINT32_MAX

typedef struct Type Type;
struct Type {
    uint8_t kind;       /* TypeKind */
    uint8_t cls;        /* VAR: the classes it must belong to */
    bool rigid;         /* VAR: from an annotation; binds only to itself */
    bool only_dot;      /* DOT: a pattern `x.y` whose head is a variable (FDR's a.b): it
                         * matches dotted values only, never an event, a datatype's value,
                         * a constructor or any other single value */
    uint32_t n;
    Type **kid;
    Type *link;         /* VAR: what it was unified with, or NULL */
    uint32_t level;     /* VAR */
    uint32_t id;        /* VAR: creation number (stable names when printed) */
    const ResDef *data; /* DATA */
    const ResDef *inst; /* DATA: the module instance whose copy of the datatype this is
                         * (each instance has its own, as in FDR), or NULL */
    const char *name;   /* VAR from an annotation: its written name */
};

/* Why a unification failed. */
typedef enum { UF_OK, UF_MISMATCH, UF_INFINITE, UF_CLASS, UF_RIGID } UnifyFail;

typedef struct Types Types;
struct Types {
    Arena *arena;           /* every Type, owned */
    uint32_t next_var;
    /* ResDef -> DefInfo, open addressing on the pointer */
    struct DefInfo **slots;
    uint32_t cap, n;
    /* datatypes' class masks, computed after their constructors are typed */
    bool classes_stale;
    /* the last failure (for messages) */
    UnifyFail why;
    Type *why_a, *why_b;    /* the clashing parts (expected, found) */
    uint8_t why_cls;        /* UF_CLASS: the class that is missing */
    const Node *script;     /* the script checked (for types_of_expr) */
    Type base[TT__COUNT];
    Type *builtin[RES_BI__COUNT];   /* the built-ins' schemes, parsed on first use */   /* the childless types (INT ... PROC, DYN), shared */
};

/* What the checker knows of one definition. */
typedef struct DefInfo {
    const ResDef *def;
    Type *type;             /* its type (a scheme when it has generic variables) */
    uint32_t unit;          /* top-level unit that defines it, or UINT32_MAX */
    uint8_t state;          /* 0 not yet typed, 1 being typed, 2 done */
    bool annotated;         /* type comes from `name :: type` */
    const Node *sig;        /* that annotation (TYPESIG), or NULL */
    uint32_t seen_by;       /* the module walk (self_instance) that reached it last, from 1 */
    Type *params;           /* MODULE with parameters: their types, a TUPLE (typed once) */
    Type **map_from, **map_to;  /* INSTANCE: its module's variables (those of its
                             * parameters' types) and what they are in this instance */
    uint32_t n_map;
    bool broken;            /* its definition had a type error: uses are not checked */
    Node **field_nodes;     /* CHANNEL: the set expression of each field (NULL: spliced) */
    Type **fields;          /* CHANNEL, CONSTRUCTOR: field types; NAMETYPE: the fields its
                             * set's values have when dotted (channel c : N) */
    uint32_t n_fields;
    uint8_t data_cls;       /* DATATYPE: the classes its values belong to, once known */
    bool data_cls_known, data_busy;
} DefInfo;

/* ---- types.c ---- */
Type *ty_new(Types *T, TypeKind k, uint32_t n);
Type *ty_var(Types *T, uint32_t level, uint8_t cls);
Type *ty_base(Types *T, TypeKind k);        /* INT ... PROC, DYN: shared */
Type *ty_one(Types *T, TypeKind k, Type *a); /* SET, SEQ */
Type *ty_two(Types *T, TypeKind k, Type *a, Type *b);
Type *ty_data(Types *T, const ResDef *d);
Type *ty_resolve(Type *t);                  /* follows VAR links */
bool ty_unify(Types *T, Type *expected, Type *found);   /* false: T->why says why */
bool ty_require(Types *T, Type *t, uint8_t cls);        /* t in the classes */
Type *ty_instantiate(Types *T, Type *scheme, uint32_t level);
/* A copy of t with the (unbound) variables from[i] replaced by to[i]; a
 * from[i] that is a datatype stands for every use of that datatype. */
Type *ty_subst(Types *T, Type *t, Type *const *from, Type *const *to, uint32_t n);
/* Appends t's unbound non-generic variables not yet in vars[0..*n) (at most cap). */
void ty_free_vars(Type *t, Type **vars, uint32_t *n, uint32_t cap);
/* The same with rigid variables: checking a definition against its annotation. */
Type *ty_skolemise(Types *T, Type *scheme, uint32_t level);
void ty_generalise(Type *t, uint32_t level);
DefInfo *ty_info(Types *T, const ResDef *d);            /* made on first ask */
DefInfo *ty_find(const Types *T, const ResDef *d);      /* NULL if none */
const char *ty_class_name(uint8_t cls);
/* Parses a built-in's type as written in resolve.h's table. */
Type *ty_parse_builtin(Types *T, const char *text);

/* Printing with consistent variable names across several types of one message. */
typedef struct TyNames {
    const Type *vars[26];
    uint32_t n;
} TyNames;
/* Appends t to buf (cap bytes, NUL kept). with_classes: "Eq a => " first. */
void ty_print(char *buf, size_t cap, const Type *t, TyNames *names, bool with_classes);

/* ---- the checker's state, shared by typecheck.c (expressions) and
 * typedecl.c (definitions) ---- */

/* The error paths keep their buffers off the recursion's frames. */
#define COLD __attribute__((noinline, cold))

/* At most this many operands in one dotted chain are followed statically. */
enum { MAX_DOT_OPS = 64 };

typedef struct {
    Span at;
    uint32_t seq;
    char *msg, *hint;
} TyErr;

typedef struct {
    Node **decls;
    uint32_t n_decls;
    const ResDef *fn;       /* FUNCTION: the function; else NULL */
    bool in_timed;          /* declared inside a Timed section */
    uint32_t *deps;
    uint32_t n_deps;
    uint32_t index, low;    /* Tarjan; index 0: unvisited */
    bool on_stack;
} Unit;

typedef struct {
    Interp *in;
    Types *T;
    uint32_t level;
    Unit *units;
    uint32_t n_units, cap_units;
    bool failed;            /* the current unit has reported its error */
    TyErr *errs;
    uint32_t n_errs, cap_errs;
    const Node *script;
    bool absorbed;          /* consume: an operand of unknown shape may fill the rest */
    bool extendable;        /* the dot chain typed next is an item of `{| |}` */
    uint32_t dot_rest;      /* the dot chain typed next must still take this many
                             * fields (a renaming's right side, typed against its
                             * left as FDR does); 0: no expectation */
    const char *ctx;        /* the function whose arguments are being checked, for messages */
    bool in_timed;          /* checking a definition of a Timed section */
} Ck;

/* One operand of a dotted chain `c.x?y!z`, flattened. */
typedef struct {
    Node *x;
    bool is_pat;        /* a pattern (an input, or a function argument) */
    Node *restrict_;    /* `?x:S`: S */
    uint32_t restrict_ops;  /* how many operands S restricts (`?x.y:S`: 2), on the last */
    uint32_t field;     /* 1 + the index of the event's first operand of its `?`, `$` or
                         * `!` field; 0 before the first field and outside events */
    bool input;         /* in a `?` or `$` field, which binds whole values (FDR: Complete) */
} Op;

static inline Type *fresh(Ck *c) { return ty_var(c->T, c->level, 0); }
static inline Type *base(Ck *c, TypeKind k) { return ty_base(c->T, k); }
static inline Type *dyn(Ck *c) { return ty_base(c->T, TT_DYN); }
static inline Type *set_of(Ck *c, Type *t) { return ty_one(c->T, TT_SET, t); }
static inline Type *seq_of(Ck *c, Type *t) { return ty_one(c->T, TT_SEQ, t); }
static inline DefInfo *info(Ck *c, const ResDef *d) { return ty_info(c->T, d); }

/* typecheck.c: the built-in a module's member `transparent f` or
 * `external f` stands for (libcspm's alias), else -1 */
int tc_alias_builtin(const ResDef *d);

/* typecheck.c: messages (the current unit's first error only) */
const char *tc_text_of(Ck *c, const Node *x, char *buf, size_t cap);   /* x as written */
void tc_report(Ck *c, Span at, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void tc_describe(char *buf, size_t cap, const Type *t, TyNames *nm);  /* "a set ({Int})" */
/* Reports why the last unification or class check failed. */
void tc_explain(Ck *c, Span at, Type *expected, Type *found, const char *op, const char *hint);
bool tc_unify_at(Ck *c, Span at, Type *expected, Type *found, const char *hint);
void tc_need_class(Ck *c, Span at, Type *t, uint8_t cls, const char *op);
/* typecheck.c: the walk */
Type *tc_infer(Ck *c, Node *x);
Type *tc_check(Ck *c, Node *x, Type *expected);   /* infer, then unify, reported at x */
Type *tc_pat(Ck *c, Node *p);                     /* a pattern; binds its variables */
Type *tc_elem_of_set(Ck *c, Node *x);
/* Appends the operands of x (a DOT chain, or one operand) to ops[0..n). */
uint32_t tc_flatten_dot(Node *x, bool is_pat, Op *ops, uint32_t n);
Type *tc_def_type(Ck *c, const ResDef *d);        /* the type of a use of d */
/* The type of a use x (VAR or QUAL) of its definition: through a module
 * instance (I::f), with the instance's types for its module's parameters. */
Type *tc_use_def_type(Ck *c, const Node *x);
const ResDef *tc_subtype_parent(const ResDef *d);
void tc_check_proc(Ck *c, Node *x, const char *op, Node *prefix_event);
void tc_check_events(Ck *c, Node *x);
/* typemodule.c (modules and instances) */
void tc_module_params(Ck *c, Node *module);         /* while collecting the module */
void tc_check_instance(Ck *c, Node *instance);      /* its map, its arguments */
void tc_check_instances(Ck *c, const Node *script); /* cycles, self-instances */
/* typedecl.c */
bool tc_is_empty_set(const Node *x);    /* `{}`, or a top-level name bound to it */
Type *tc_own_type(Ck *c, DefInfo *di);   /* what a definition's body is checked against */
void tc_let_block(Ck *c, Node *decls, const ResInfo *ri);

#endif
