/* eval.h - evaluating CSPM expressions (LANGUAGE.md §1.2-§1.4, §2, §4.4).
 * An Eval evaluates the expressions of one resolved script lazily: a
 * top-level binding is computed on first use and remembered; function
 * arguments and let bindings are thunks; `<a..>` is a lazy stream; `Int`,
 * `{a..}` and `Seq(A)` are symbolic sets. Values come from the session's
 * ValTable (hash-consed). Process expressions evaluate to process values
 * that the process layer unfolds. A runtime error is reported to the
 * interp's Diag with its location and the chain of calls that led there;
 * the entry points then return false. Depends on val.h, resolve.h, interp.h.
 */
#ifndef CSP_EVAL_H
#define CSP_EVAL_H

#include "interp.h"
#include "watch.h"
#include "resolve.h"
#include "val.h"

typedef struct Eval Eval;

typedef enum { EVAL_OK, EVAL_ERROR, EVAL_LIMIT } EvalStatus;

/* An evaluator for `script` (parsed and resolved without errors in `in`).
 * Values live in in's value table; the evaluator's own data in its arena. */
Eval *eval_new(Interp *in, Node *script);
void eval_free(Eval *E);

/* Limits: stack bytes the evaluator may use below its entry (for "recursion
 * too deep"), and evaluation steps (0: unlimited) of one evaluation (each
 * call of an entry point, from outside the evaluator, counts afresh). */
void eval_set_limits(Eval *E, size_t stack_bytes, uint64_t max_steps);

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

/* Runs every `print e` declaration of the script in order, printing to out.
 * Stops at the first runtime error. */
EvalStatus eval_prints(Eval *E, FILE *out);

/* The ValTable values come from. */
ValTable *eval_values(Eval *E);

#endif
