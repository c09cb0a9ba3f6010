/* eval_internal.h - the evaluator's state, shared by eval.c, evaldecl.c and
 * stdlib/builtins.c. Not for other modules: they use eval.h.
 */
#ifndef CSP_EVAL_INTERNAL_H
#define CSP_EVAL_INTERNAL_H

#include "eval.h"

#include <setjmp.h>

typedef struct Env Env;

/* A suspended computation: an expression in an environment, computed at
 * most once. Also used for already-known values (expr NULL). */
typedef enum { TH_PENDING, TH_RUNNING, TH_DONE } ThunkState;
typedef struct Thunk Thunk;
struct Thunk {
    uint8_t state;
    const Val *val;
    Node *expr;             /* PENDING: what to evaluate */
    Env *env;
    const struct PatCell *cell;  /* PENDING pattern variable: the binding it comes from */
    const ResDef *def;      /* the variable, for "infinite loop" messages */
};

/* A frame of local bindings; lookups walk outwards. */
struct Env {
    Env *up;
    uint32_t n;
    const ResDef **defs;
    Thunk **vals;
};

/* A pattern binding `p = e` whose variables are computed together. */
typedef struct PatCell {
    Node *pat, *expr;
    Env *env;
} PatCell;

/* Closures: a function definition or lambda with its environment and the
 * argument groups collected so far (currying). */
typedef struct Func {
    const ResDef *def;      /* FUNCTION, or NULL for a lambda */
    Node *lambda;           /* LAMBDA node, or NULL */
    Env *env;
    uint32_t n_groups;      /* groups needed */
    uint32_t n_done;        /* groups collected */
    Thunk ***groups;        /* collected argument groups */
    uint32_t *group_sizes;
    const Val *builtin;     /* a partially applied curried built-in, or NULL */
} Func;

/* A process value: the process expression and its environment. The process
 * layer (a later stage) turns it into a term. */
typedef struct ProcVal {
    Node *node;
    Env *env;
    int builtin;            /* RES_BI_STOP, ... for built-in processes, else -1 */
    const Val *arg;         /* RUN(A)/CHAOS(A): the set; loop(P): P; prioritise: P */
    const Val *arg2;        /* prioritise(P, <A1, ...>): the sequence of sets */
} ProcVal;

/* Lazy sequences: a cell is NIL, CONS, or a suspension computing one. */
typedef enum { ST_NIL, ST_CONS, ST_FROM, ST_COMP, ST_CAT, ST_TAIL, ST_DELAY, ST_LIST } StreamKind;
typedef struct Stream {
    uint8_t kind;
    const Val *head;        /* CONS */
    const Val *tail;        /* CONS: a SEQ or STREAM; CAT: the second part */
    const Val *first;       /* CAT: the first part (a STREAM) */
    int64_t next;           /* FROM: the next integer */
    Node *comp;             /* COMP: the comprehension; DELAY: the expression */
    Env *env;
    const Val *source;      /* COMP: the rest of the first generator's sequence */
    uint32_t index;         /* TAIL: elements to drop; LIST: the next element of comp */
} Stream;

/* Symbolic sets that cannot be listed. */
typedef enum { SY_SEQ, SY_UNION, SY_INTER, SY_DIFF, SY_DATATYPE, SY_SET, SY_ALL, SY_TUPLE } SymKind;
typedef struct SymSet {
    uint8_t kind;
    const Val *a, *b;       /* SEQ: a is the element set; UNION/INTER/DIFF: operands;
                             * TUPLE: a is a tuple of the component sets */
    const ValDecl *datatype;    /* DATATYPE: any constructor of it */
    const char *name;       /* for printing: "Char", "Proc", "Events" */
} SymSet;

/* The printed form of a value, as eval_print shows it, in a malloc'd
 * string (for messages); caller frees. */
char *eval_to_string(const Val *v);

typedef struct CallFrame {
    const char *name;
    Span at;
    Thunk **args;
    uint32_t n_args;
} CallFrame;

struct Eval {
    Interp *in;
    ValTable *vals;
    Arena *arena;           /* thunks, environments, closures */
    Node *script;
    Thunk **top;            /* one per top-level definition (res_top_def index) */
    uint32_t n_top;
    ValDecl **decls;        /* channel/constructor declarations, by top index (or NULL) */
    Env **modules;          /* by top index of a module or instance: its members' frame, once made */
    jmp_buf *on_error;
    EvalStatus failure;
    CallFrame *frames;
    uint32_t n_frames, cap_frames;
    const char *stack_base;
    size_t stack_limit;
    uint64_t steps, max_steps;
    Watch *watch;           /* Ctrl-C, memory, time: checked every few steps */
    Span here;              /* the expression evaluated last (where a built-in's loop stops) */
    const Val *events;      /* Events, once computed */
    struct {                /* heap temporaries: an error frees those made since its entry */
        void **items;
        uint32_t n, cap;
    } tmps;
    struct {                /* thunks being computed: an error resets them to PENDING */
        Thunk **items;
        uint32_t n, cap;
    } running;
    uint32_t n_decl_order;
};

/* Heap temporaries that an error (a longjmp) must not leak: memory from
 * eval_tmp, and Vecs grown with tvec_push. Free them as usual when done. */
void *eval_tmp(Eval *E, size_t bytes);
void eval_tmp_free(Eval *E, void *p);
void tvec_push(Eval *E, Vec *v, void *item);
void tvec_free(Eval *E, Vec *v);

/* Runs fn(ctx) under an error handler: EVAL_OK, or the failure reported. */
EvalStatus eval_guard(Eval *E, void (*fn)(void *ctx), void *ctx);
/* The value of a local variable in env (forcing it). */
const Val *eval_local(Eval *E, const ResDef *d, Env *env, Span at);
/* A new frame of bindings collected by matching pat against v; false when
 * the pattern does not match. */
bool eval_match(Eval *E, Node *pat, const Val *v, Env *up, Env **out);
/* The environment a `let` node's body sees (its bindings are lazy). */
Env *eval_let_env(Eval *E, Node *let, Env *env);
/* Every environment the statements of a replicated operator or
 * comprehension produce, in order (an eval_tmp array; eval_tmp_free it). */
Env **eval_bindings(Eval *E, Node *stmts, Env *env, uint32_t *n);

/* Reports a runtime error at `at` (with the call chain) and unwinds to the
 * entry point. */
_Noreturn void eval_fail(Eval *E, Span at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same, for a limit (exit 75 rather than 70). */
_Noreturn void eval_limit(Eval *E, Span at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Stops with a limit error saying why the watch asked to stop. */
_Noreturn void eval_stop(Eval *E, Span at);
/* One step of work: the step limit, and every 1024 steps the watch. For
 * loops in C that may run long (listing a big set, a built-in over one). */
static inline void eval_tick(Eval *E, Span at)
{
    if (E->max_steps && ++E->steps > E->max_steps)
        eval_limit(E, at, "evaluation step limit reached (%llu steps)", (unsigned long long)E->max_steps);
    if ((E->steps & 1023) == 0 && watch_stopped(E->watch)) eval_stop(E, at);
}

const Val *eval_expr(Eval *E, Node *e, Env *env);
const Val *eval_force(Eval *E, Thunk *t);
Thunk *eval_thunk_of(Eval *E, const Val *v);
Thunk *eval_delay(Eval *E, Node *e, Env *env);
/* Applies a function value to one group of argument thunks. */
const Val *eval_apply(Eval *E, const Val *f, Thunk **args, uint32_t n, Span at);
/* A value with streams forced into sequences (bounded by the step limit). */
const Val *eval_strict(Eval *E, const Val *v, Span at);
/* The first cell of a sequence value: false if empty, else head and tail. */
bool eval_uncons(Eval *E, const Val *seq, Span at, const Val **head, const Val **tail);

/* Sets, including symbolic ones. */
bool eval_member(Eval *E, const Val *x, const Val *set, Span at);
const Val *eval_set_op(Eval *E, int op, const Val *a, const Val *b, Span at);  /* 0 ∪ 1 ∩ 2 \ */
/* Is a set empty (symbolic sets answered where that is decidable)? */
bool eval_set_empty(Eval *E, const Val *set, Span at);
/* The elements of a finite set, in order (error for an infinite set). */
const Val *eval_finite(Eval *E, const Val *set, Span at, const char *why);
/* The items of a finite SET or INTSET as an eval_tmp array (eval_tmp_free it). */
const Val **eval_set_items(Eval *E, const Val *set, uint32_t *n, Span at, const char *why);
const Val *eval_symset(Eval *E, SymKind kind, const Val *a, const Val *b);

/* Dots and events (evaldecl.c). */
const Val *eval_dot(Eval *E, const Val *a, const Val *b, Span at);
const Val *eval_productions(Eval *E, const Val *prefix, Span at);
const Val *eval_extensions(Eval *E, const Val *prefix, Span at);
const Val *eval_all_events(Eval *E, Span at);
/* Makes sure a channel's or constructor's field sets are known. */
void eval_decl_fields(Eval *E, const ValDecl *d, Span at);
/* Flat components of a dotted value (a plain DOT's items, else the value). */
uint32_t eval_dot_atoms(const Val *v, const Val **out, uint32_t cap);
/* Every atom of a dotted value, nested fields flattened too. */
uint32_t eval_dot_atoms_deep(const Val *v, const Val **out, uint32_t cap);
const Val *eval_regroup(Eval *E, const Val *const *atoms, uint32_t n, Span at);
/* The next group of atoms from *i: an atom, or a constructor or channel with
 * the fields that follow it. */
const Val *eval_take_group(Eval *E, const Val *const *atoms, uint32_t n, uint32_t *i, Span at);
void eval_init_decls(Eval *E);
const Val *eval_decl_set(Eval *E, const ResDef *d, Span at);   /* datatype/nametype/subtype */

/* Built-ins (stdlib/builtins.c): apply built-in `id` to evaluated args. */
const Val *bi_apply(Eval *E, int id, Thunk **args, uint32_t n, Span at);
const Val *bi_constant(Eval *E, int id, Span at);
int bi_arity(int id);

/* Helpers for built-ins. */
int64_t eval_to_int(Eval *E, const Val *v, Span at);
bool eval_to_bool(Eval *E, const Val *v, Span at);
const Val *eval_need_set(Eval *E, const Val *v, Span at);
const Val *eval_need_seq(Eval *E, const Val *v, Span at);
const Val *eval_show(Eval *E, const Val *v, Span at);
bool eval_equal(Eval *E, const Val *a, const Val *b, Span at);

#endif
