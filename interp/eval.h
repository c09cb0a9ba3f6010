/* eval.h - evaluating CSPM expressions (LANGUAGE.md §1.2-§1.4, §2, §4.4).
 * An Eval evaluates the expressions of one resolved script lazily: a
 * top-level binding is computed on first use and remembered; function
 * arguments and let bindings are thunks; `<a..>` is a lazy stream; `Int`,
 * `{a..}` and `Seq(A)` are symbolic sets. Values come from the session's
 * ValTable (hash-consed). Process expressions evaluate to process values
 * that the process layer unfolds. A runtime error is reported to the
 * interp's Diag with its location and the chain of calls that led there;
 * the entry points then return false. Depends on val.h, resolve.h, interp.h.
 * The second part is what the process layer (procbuild.c) needs to evaluate
 * process expressions one operator at a time; the evaluator's own state is
 * in eval_internal.h, for eval.c, evaldecl.c and stdlib/builtins.c only.
 */
#ifndef CSP_EVAL_H
#define CSP_EVAL_H

#include "interp.h"
#include "watch.h"
#include "resolve.h"
#include "val.h"

typedef struct Eval Eval;

/* The most atoms (heads and plain fields, nested values flattened) one
 * dotted value or event may have, and so the most fields a channel or
 * constructor may declare: longer ones are located errors. */
enum { EVAL_MAX_ATOMS = 256 };

typedef enum { EVAL_OK, EVAL_ERROR, EVAL_LIMIT } EvalStatus;

/* An evaluator for `script` (parsed and resolved without errors in `in`).
 * Values live in in's value table; the evaluator's own data in its arena. */
Eval *eval_new(Interp *in, Node *script);
void eval_free(Eval *E);

/* Limits: stack bytes the evaluator may use below its entry (for "recursion
 * too deep"), and evaluation steps (0: unlimited) of one evaluation (each
 * call of an entry point, from outside the evaluator, counts afresh). */
void eval_set_limits(Eval *E, size_t stack_bytes, uint64_t max_steps);

/* Recursion counted in levels rather than stack bytes, for a stack the
 * evaluator cannot measure (a browser's: web/api.c, Recursion): at most
 * this many evaluations nested in one another, each an expression whose
 * value waits on another's (a tail position does not nest: an `if`'s
 * branch, a `let`'s body, the body of a function applied); deeper is
 * "recursion too deep". 0: no bound but the stack's (the default). */
void eval_set_max_depth(Eval *E, uint32_t levels);
/* Recursion elsewhere on the same stack (the process layer's unfoldings)
 * takes levels of that budget while it runs: false, and nothing taken,
 * when they are not left; eval_discharge gives them back (an error
 * unwinding to eval_guard gives back what was taken inside it). */
bool eval_charge(Eval *E, uint32_t levels);
void eval_discharge(Eval *E, uint32_t levels);

/* The limits watched while evaluating (and while the layers above work
 * with this evaluator): when the watch asks to stop (Ctrl-C, memory, time),
 * evaluation stops with a limit error naming it. NULL: none. Borrowed. */
void eval_set_watch(Eval *E, Watch *w);
Watch *eval_watch(const Eval *E);
/* Has the watch asked the work to stop? */
bool eval_interrupted(const Eval *E);
/* How the last failed evaluation failed (EVAL_ERROR or EVAL_LIMIT): for
 * the layers above, whose own failures come from the evaluator. */
EvalStatus eval_failure(const Eval *E);

/* The value of a top-level definition, or of an expression of the script
 * (a node of `script`'s tree). On failure the error has been reported. */
EvalStatus eval_def(Eval *E, const ResDef *def, const Val **out);
EvalStatus eval_node(Eval *E, Node *expr, const Val **out);
/* Forces a value completely (streams become sequences), for printing. */
EvalStatus eval_deep(Eval *E, const Val *v, const Val **out);

/* Prints a value in CSPM syntax, including closures and process values. */
void eval_print(Eval *E, FILE *out, const Val *v);
/* The same for a value the user asked for (`cspi eval`, `print`, the
 * REPL): printing a process may evaluate (a replicated operator's set,
 * which FDR prints as the operators it made); an error there is reported
 * and returned, and nothing is printed. */
EvalStatus eval_print_value(Eval *E, FILE *out, const Val *v);

/* Runs every `print e` declaration of the script in order, printing to out.
 * Stops at the first runtime error. */
EvalStatus eval_prints(Eval *E, FILE *out);

/* The ValTable values come from. */
ValTable *eval_values(Eval *E);
/* The Diag runtime errors go to (the interp's). */
Diag *eval_diag(Eval *E);

/* The printed form of a value, as eval_print shows it, in a malloc'd
 * string for messages (at most about a kilobyte, "..." where it was cut);
 * caller frees. */
char *eval_to_string(const Val *v);

/* ---- evaluating inside a guarded computation (the process layer) ----
 * The functions below report a runtime error and unwind (longjmp) to the
 * innermost eval_guard, which returns the failure: call them only from a
 * function eval_guard runs. Memory they hand out comes from eval_tmp, so an
 * error does not leak it. */

/* An environment: the local bindings an expression is evaluated in
 * (opaque outside the evaluator). */
typedef struct Env Env;

/* A process value (the payload of a V_PROC): the process expression and
 * its environment, or a built-in process and its arguments. The process
 * layer turns it into a term. */
typedef struct ProcVal {
    Node *node;
    Env *env;
    int builtin;            /* RES_BI_STOP, ... for built-in processes, else -1 */
    const Val *arg;         /* RUN(A)/CHAOS(A): the set; loop(P): P; prioritise: P */
    const Val *arg2;        /* prioritise(P, <A1, ...>): the sequence of sets */
    Span at;                /* compressions: the application, where their errors point */
    const Node *name;       /* the function clause or pattern binding (`P = ...`) of type
                             * Proc whose body made it, the outermost one: FDR's name for
                             * it (F(1), G(_)::P), for printing only; NULL: none */
    Env *name_env;          /* the clause's arguments' frame, or the binding's */
    /* A call of a process-valued function, named (FDR's PProcCall) but its
     * body not evaluated yet: node and env are the clause's body and
     * bindings, and `deferred` (the evaluator's) keeps the call for its
     * messages; NULL otherwise. The process layer asks eval_proc_resolve
     * for the process. */
    struct DeferredCall *deferred;
} ProcVal;

/* Runs fn(ctx) under an error handler: EVAL_OK, or the failure reported. */
EvalStatus eval_guard(Eval *E, void (*fn)(void *ctx), void *ctx);

/* Reports a runtime error at `at` (with the call chain) and unwinds to the
 * entry point. */
_Noreturn void eval_fail(Eval *E, Span at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Like eval_fail, for a limit (exit 75 rather than 70). */
_Noreturn void eval_limit(Eval *E, Span at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Stops with a limit error at `at` if the watch asked to stop (Ctrl-C,
 * memory, time): for long loops of the process layer. */
void eval_poll(Eval *E, Span at);

/* Heap temporaries that an error (a longjmp) must not leak: memory from
 * eval_tmp, and Vecs grown with tvec_push. Free them as usual when done. */
void *eval_tmp(Eval *E, size_t bytes);
void eval_tmp_free(Eval *E, void *p);
void tvec_push(Eval *E, Vec *v, void *item);
void tvec_free(Eval *E, Vec *v);

const Val *eval_expr(Eval *E, Node *e, Env *env);
/* v itself, or for a deferred call (ProcVal.deferred) the process its body
 * makes, worked out once, the call's frame pushed for its errors. */
const Val *eval_proc_resolve(Eval *E, const Val *v, Span at);
/* eval_expr for the process layer, which needs the process: a call of a
 * process-valued function met on the way is worked out at once, not
 * deferred (as the value of a call that is printed is). */
const Val *eval_process_now(Eval *E, Node *e, Env *env);
/* A value with streams forced into sequences (bounded by the step limit). */
const Val *eval_strict(Eval *E, const Val *v, Span at);
/* The value of a local variable in env (forcing it). */
const Val *eval_local(Eval *E, const ResDef *d, Env *env, Span at);
/* What names a process value p made by a function clause, as FDR's
 * PProcCall does: *clause and *frame (the module instance's frame around
 * it, NULL at the top) and, in vals, the values of the clause's variables
 * (NULL for one its body does not use) and of the outer variables a local
 * clause uses. Returns how many values, or -1 when p has no such
 * name or more than cap values (errors unwind). */
int eval_proc_name_key(Eval *E, const ProcVal *p, const Node **clause, const Env **frame,
                       const Val **vals, uint32_t cap);
/* A new frame of bindings collected by matching pat against v; false when
 * the pattern does not match. */
bool eval_match(Eval *E, Node *pat, const Val *v, Env *up, Env **out);
enum { MAX_DOT_PATTERN_PARTS = 64 };   /* parts of one dot pattern, c.x.y.z */
/* The parts of a dot pattern `x.1.y` in order (a pattern that is no dot:
 * itself); the count may exceed cap. */
uint32_t eval_dot_pattern_parts(Node *p, Node **out, uint32_t cap);
/* The environment a `let` node's body sees (its bindings are lazy). */
Env *eval_let_env(Eval *E, Node *let, Env *env);
/* Every environment the statements of a replicated operator or
 * comprehension produce, in order (an eval_tmp array; eval_tmp_free it). */
Env **eval_bindings(Eval *E, Node *stmts, Env *env, uint32_t *n);

bool eval_to_bool(Eval *E, const Val *v, Span at);
const Val *eval_need_set(Eval *E, const Val *v, Span at);
bool eval_member(Eval *E, const Val *x, const Val *set, Span at);
/* The items of a finite SET or INTSET as an eval_tmp array (eval_tmp_free it). */
const Val **eval_set_items(Eval *E, const Val *set, uint32_t *n, Span at, const char *why);

/* Dots and events (evaldecl.c). */
const Val *eval_dot(Eval *E, const Val *a, const Val *b, Span at);
const Val *eval_extensions(Eval *E, const Val *prefix, Span at);
const Val *eval_all_events(Eval *E, Span at);
/* Makes sure a channel's or constructor's field sets are known. */
void eval_decl_fields(Eval *E, const ValDecl *d, Span at);
/* Flat components of a dotted value (a plain DOT's items, else the value). */
uint32_t eval_dot_atoms(const Val *v, const Val **out, uint32_t cap);
const Val *eval_regroup(Eval *E, const Val *const *atoms, uint32_t n, Span at);

/* Timed sections (evaltimed.c): the innermost section the expression at
 * `at` is written in (NULL: none; cheap when the script has none), its
 * tock event, and how many tocks an event takes there (the section's
 * function applied to it; 1 without one). env: the expression's, for a
 * section inside a module. */
typedef struct EvalTimed EvalTimed;
const EvalTimed *eval_timed_at(Eval *E, Span at);
/* Whether `at` is inside an assertion written in a Timed section: FDR
 * translates the names there (STOP, SKIP, WAIT, timed_priority) and
 * prefixes, but not the operators. */
bool eval_timed_in_assertion(Eval *E, Span at);
const Val *eval_timed_tock(Eval *E, const EvalTimed *s, Env *env);
int64_t eval_timed_duration(Eval *E, const EvalTimed *s, Env *env, const Val *event, Span at);

#endif
