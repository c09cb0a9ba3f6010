/* eval_internal.h - the evaluator's state, shared by eval.c, evaldecl.c and
 * stdlib/builtins.c (the eval module). Not for other modules: they use
 * eval.h, whose second part (Env, ProcVal, eval_guard, eval_fail, eval_tmp,
 * eval_expr, ...) is the evaluator's interface to the process layer.
 */
#ifndef CSP_EVAL_INTERNAL_H
#define CSP_EVAL_INTERNAL_H

#include "eval.h"

#include <setjmp.h>

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
    const Val *image;       /* relational_image(R): a MAP from each x to {y | (x, y) <- R}
                             * (the function's value at x; {} elsewhere), or NULL */
    int8_t gives_proc;      /* its clauses' bodies are of type Proc: 1, 0, or -1 not known
                             * (then a process it returns is named after it) */
} Func;

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

typedef struct CallFrame {
    const char *name;
    Span at;
    Thunk **args;
    uint32_t n_args;
} CallFrame;

/* A deferred call's frame, and its process once worked out (a cache,
 * written once): see ProcVal.deferred. */
struct DeferredCall {
    CallFrame frame;
    const Val *resolved;
};

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
    bool print_strict;      /* eval_print_value: an error while printing unwinds to it */
    bool calls_now;         /* eval_process_now: process-valued calls are not deferred */
    CallFrame *frames;
    uint32_t n_frames, cap_frames;
    const char *stack_base;
    size_t stack_limit;
    uint32_t depth;         /* eval_expr frames open, and levels charged by eval_charge */
    uint32_t max_depth;     /* their bound (eval_set_max_depth; UINT32_MAX: the stack's only) */
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
    struct EvalTimedTable *timed;   /* the Timed sections, once asked for (evaltimed.c) */
    Vec module_channels;    /* ValDecl *: the channels of module frames made so far */
    Vec nested;             /* (outer frame, ResDef, frame, its name Sym): modules inside modules */
    uint32_t print_depth;   /* unnamed processes being printed inside one another (evalprint.c) */
    uint32_t naming_at;     /* the depth of the eval_expr frame whose tail calls an outer
                             * call names already (named_call), or 0 */
    const Val *last_proc;   /* the process value made last, unless a thunk keeps it since */
    const Node *call_names; /* set by applying a function: the clause chosen if its value,
                             * a process, is named after it (FDR), else NULL */
};

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

const Val *eval_force(Eval *E, Thunk *t);
/* Recursion outside eval_expr that a deep value can drive (eval_member
 * over a nested datatype value): w levels of eval_set_max_depth's budget
 * while it runs, "recursion too deep" at `at` when they are not left. */
static inline void eval_enter(Eval *E, uint32_t w, Span at)
{
    if (E->depth > E->max_depth || w > E->max_depth - E->depth) eval_fail(E, at, "recursion too deep");
    E->depth += w;
}
static inline void eval_leave(Eval *E, uint32_t w) { E->depth -= w; }
Thunk *eval_thunk_of(Eval *E, const Val *v);
Thunk *eval_delay(Eval *E, Node *e, Env *env);
/* Applies a function value to one group of argument thunks. */
const Val *eval_apply(Eval *E, const Val *f, Thunk **args, uint32_t n, Span at);
/* The first cell of a sequence value: false if empty, else head and tail. */
bool eval_uncons(Eval *E, const Val *seq, Span at, const Val **head, const Val **tail);

/* Sets, including symbolic ones. */
const Val *eval_set_op(Eval *E, int op, const Val *a, const Val *b, Span at);  /* 0 ∪ 1 ∩ 2 \ */
/* Is a set empty (symbolic sets answered where that is decidable)? */
bool eval_set_empty(Eval *E, const Val *set, Span at);
/* The elements of a finite set, in order (error for an infinite set). */
const Val *eval_finite(Eval *E, const Val *set, Span at, const char *why);
const Val *eval_symset(Eval *E, SymKind kind, const Val *a, const Val *b);

/* Dots and events (evaldecl.c). */
const Val *eval_productions(Eval *E, const Val *prefix, Span at);
/* Every atom of a dotted value, nested fields flattened too. */
uint32_t eval_dot_atoms_deep(const Val *v, const Val **out, uint32_t cap);
/* The next group of atoms from *i: an atom, or a constructor or channel with
 * the fields that follow it. */
const Val *eval_take_group(Eval *E, const Val *const *atoms, uint32_t n, uint32_t *i, Span at);
void eval_init_decls(Eval *E);
const Val *eval_decl_set(Eval *E, const ResDef *d, Span at, Env *env);
/* Makes the frame of every top-level instance and parameterless module
 * (their channels belong to Events). */
void eval_module_frames(Eval *E, Span at);   /* datatype/nametype/subtype */

/* Built-ins (stdlib/builtins.c): apply built-in `id` to evaluated args. */
const Val *bi_apply(Eval *E, int id, Thunk **args, uint32_t n, Span at);
const Val *bi_constant(Eval *E, int id, Span at);
/* A built-in process value: id, its argument(s) (see ProcVal). */
const Val *bi_process(Eval *E, int id, const Val *arg, const Val *arg2);
/* The tock of the Timed section `at` is in; outside one, an error naming `what`. */
const Val *eval_timed_tock_at(Eval *E, Span at, Env *env, const char *what);
int bi_arity(int id);
/* Whether a built-in needs the values of all its arguments, whatever they
 * are (union, card, head, ...): eval_expr then evaluates them before the
 * call, left to right, in its own frame rather than from the built-in's
 * (a level of recursion through them costs one C frame). */
bool bi_strict(int id);

/* Helpers for built-ins. */
int64_t eval_to_int(Eval *E, const Val *v, Span at);
const Val *eval_need_seq(Eval *E, const Val *v, Span at);
const Val *eval_show(Eval *E, const Val *v, Span at);
bool eval_equal(Eval *E, const Val *a, const Val *b, Span at);

/* evalprint.c: a closure printed as FDR names it (f1, g(1), h(1, _)::k,
 * (\x @ …)). E may be NULL: then a module member is named after its
 * module, not its instance. */
void eval_print_func(Eval *E, FILE *out, const Func *f);
/* A process with a name (p->name): FDR's name, P, F(1), G(_)::g(2). */
void eval_print_proc_name(Eval *E, FILE *out, const ProcVal *p);
/* Forces the arguments a name made by clause or binding `by` in env
 * prints (those its body uses), so that printing computes nothing. */
void eval_force_name_args(Eval *E, const Node *by, Env *env);
/* Any other process value: its expression with the values of its
 * variables, bracketed only where precedence needs it. */
void eval_print_proc_expr(Eval *E, FILE *out, const ProcVal *p);

#endif
