/* resolve.h - binds names before anything is evaluated.
 * res_resolve walks a parsed script once and reports, all at once, in
 * source order and each with its span: undefined names (with "did you
 * mean"), duplicate definitions, clauses of one function with different
 * arities, misused channels, pattern-only syntax in expressions, malformed
 * patterns. It annotates nodes through Node.res; every annotation and every
 * ResDef lives in the interp's load arena (the script's lifetime), so they
 * die with the tree. Callers must not modify them. Depends on ast.h.
 *
 * What a later stage finds on the tree:
 *  - every VAR that names something: res->def is what it names, res->role
 *    says how (a use, a pattern variable it binds, a constructor or channel
 *    a pattern matches, a declaration);
 *  - QUAL `M::x`: res->def is the member x (its kid VAR M names M);
 *  - declarations (FUNCLAUSE, DATATYPE, CLAUSE, NAMETYPE, SUBTYPE, MODULE,
 *    INSTANCE, and PATBIND `x = e`): res->def is the definition they make
 *    (a SUBTYPE's CLAUSE: the constructor it refers to; INSTANCE's target
 *    VAR: the module); `external`/`transparent` names: the built-in;
 *  - closure nodes: res->free lists the local variables the node needs
 *    from outside (see "Free variables" below);
 *  - SCRIPT and LET: res->defs lists the definitions of that block.
 */
#ifndef CSP_RESOLVE_H
#define CSP_RESOLVE_H

#include "ast.h"
#include "library.h"

struct Interp;

/* ---- built-ins: CSPM's library (stdlib/library.h), one table for the
 * resolver, the evaluator and the type checker ---- */
#define RES_BUILTINS(X) CSPM_LIBRARY(X)

#define RES_BI_ENUM(name, cls, type) RES_BI_##name,
typedef enum { RES_BUILTINS(RES_BI_ENUM) RES_BI__COUNT } ResBuiltinId;

/* What a built-in is: a constant, a set, a process, a function; EXTERNAL and
 * TRANSPARENT are functions that `external`/`transparent` may declare. */
typedef enum { RES_BC_CONST, RES_BC_SET, RES_BC_PROC, RES_BC_FUN, RES_BC_EXTERNAL,
               RES_BC_TRANSPARENT } ResBuiltinClass;

typedef struct ResBuiltin {
    const char *name;
    ResBuiltinClass cls;
    const char *type;       /* FDR's type, as the table writes it (read by types.c) */
} ResBuiltin;

/* Indexed by ResBuiltinId. */
extern const ResBuiltin res_builtins[RES_BI__COUNT];

/* ---- definitions ---- */

/* What declared a name. */
#define RES_DEF_KINDS(X) \
    X(BUILTIN, "built-in") \
    X(FUNCTION, "function")                 /* FUNCLAUSE group (top level, module or let) */ \
    X(VALUE, "value")                       /* a variable of a PATBIND */ \
    X(CHANNEL, "channel") \
    X(DATATYPE, "datatype") \
    X(CONSTRUCTOR, "datatype constructor") \
    X(SUBTYPE, "subtype") \
    X(NAMETYPE, "nametype") \
    X(MODULE, "module") \
    X(INSTANCE, "module instance") \
    X(MODPARAM, "module parameter") \
    X(PARAM, "parameter")                   /* function clause or lambda argument variable */ \
    X(GENVAR, "generator variable")         /* bound by `p <- e` / `p : e` in a statement list */ \
    X(INPUT, "input variable")              /* bound by `c?p` or `c$p` in a prefix */

#define RES_DEF_ENUM(k, s) RES_DEF_##k,
typedef enum { RES_DEF_KINDS(RES_DEF_ENUM) RES_DEF__COUNT } ResDefKind;
/* Human names, "function", "datatype constructor", ... (for :browse). */
extern const char *const res_def_kind_name[RES_DEF__COUNT];

/* Where a definition lives. LET and LOCAL are local: their values differ
 * from one evaluation to the next, so closures capture them (free
 * variables); the others have one value per script (per instance for
 * MODULE). Module parameters are MODULE level. */
typedef enum { RES_LEVEL_BUILTIN, RES_LEVEL_TOP, RES_LEVEL_MODULE, RES_LEVEL_LET,
               RES_LEVEL_LOCAL } ResLevel;

typedef struct ResDef ResDef;
struct ResDef {
    const Sym *name;
    uint8_t kind;           /* ResDefKind */
    uint8_t level;          /* ResLevel */
    bool is_exported;       /* MODULE-level definitions: in the `exports` part */
    bool in_timed;          /* declared inside a `Timed` section */
    uint32_t index;         /* BUILTIN: its ResBuiltinId; TOP: its position in
                             * res_top_def; other levels: a dense id among the
                             * script's non-top definitions (for evaluator tables) */
    Span at;                /* where the name is written */
    Node *decl;             /* the declaring node: FUNCLAUSE (first clause), PATBIND,
                             * CHANNEL, DATATYPE, CLAUSE (constructor), SUBTYPE, NAMETYPE,
                             * MODULE, INSTANCE; for parameters, generator and input
                             * variables: the FUNCLAUSE, LAMBDA, GEN, FIELD, MODULE that
                             * binds them. NULL for built-ins. */
    Node *binder;           /* the VAR node that binds the name (patterns, channel and
                             * module-parameter names), else NULL */
    const ResDef *owner;    /* CONSTRUCTOR: its DATATYPE (in a module too); other module members: their MODULE */
    const ResDef *module;   /* INSTANCE: the module it instantiates (NULL if unknown) */
    ResDef **members;       /* DATATYPE: constructors; MODULE and INSTANCE: the module's
                             * definitions, private and exported, in order */
    uint32_t n_members;
    Node **clauses;         /* FUNCTION: its FUNCLAUSE nodes in order */
    uint32_t n_clauses;
    /* resolver-private bookkeeping */
    uint32_t scope_, seq_, key_, cap_;
    uint32_t free_mark_;    /* stamp of the innermost open closure it is free in */
    ResDef **sorted_;       /* MODULE: members sorted by Sym id, for `M::x` */
};

/* ---- annotations ---- */

/* How a VAR (or QUAL) relates to its def. */
typedef enum {
    RES_ROLE_NONE,
    RES_ROLE_USE,       /* an expression naming def */
    RES_ROLE_BIND,      /* a pattern variable: matching binds def */
    RES_ROLE_MATCH,     /* a pattern name that matches the constant def (a constructor,
                         * a channel, True/False) instead of binding */
    RES_ROLE_DECL,      /* a declaration introducing def (also channel names) */
} ResRole;

/* Free variables: for each closure node, the LET- and LOCAL-level
 * definitions from outside the node that the node uses, in order of first
 * use. Top-level, module-level and built-in names are never free. Closure
 * nodes and what "outside" means for each:
 *  - LAMBDA, LET, and FUNCLAUSE/PATBIND inside a let: the whole node (a
 *    lambda's own parameters and a let's own bindings are not free; a let
 *    clause's sibling let bindings are);
 *  - REP, REPGENPAR, REPSYNCEXT, REPLINK: the body (and REP's ALPHA), which
 *    sees this node's generator variables, so those are free in it;
 *  - PREFIX: the body `P` of `e -> P`, so the input variables of e are free
 *    in it (recorded on every PREFIX, with or without input fields). */
typedef struct ResInfo {
    const ResDef *def;          /* see the header comment; NULL if unresolved */
    uint8_t role;               /* ResRole */
    bool is_closure;            /* free/free_defs below are filled in */
    uint32_t n_free;
    const Sym *const *free;             /* names of the free variables */
    const ResDef *const *free_defs;     /* their definitions, same order */
    const ResDef *const *defs;  /* SCRIPT: top-level definitions; LET: its bindings */
    uint32_t n_defs;
} ResInfo;

/* Resolves `script` (as parse_script built it) against the built-ins and
 * annotates it. Reports every problem to in->diag, sorted by position, and
 * returns the number of errors reported. Run it once per tree. */
int res_resolve(struct Interp *in, Node *script);

/* Resolves one expression x (not part of the script) against the top-level
 * definitions of a script resolved before, as the REPL evaluates a line in
 * a loaded session. Reports problems like res_resolve and returns their
 * number; the script's annotations are left as they were. */
int res_resolve_expr(struct Interp *in, const Node *script, Node *x);

/* The top-level definitions of a resolved script, in order of definition
 * (built-ins excluded; constructors follow their datatype, module members
 * are reached through their MODULE def). i < res_top_count(script). */
uint32_t res_top_count(const Node *script);
const ResDef *res_top_def(const Node *script, uint32_t i);

/* The definition with this name among the top-level definitions, or NULL.
 * Linear; for REPL commands, not for evaluation. */
const ResDef *res_top_lookup(const Node *script, const Sym *name);

/* The built-in with this name, or -1. */
int res_builtin_lookup(const char *name, size_t len);

#endif
