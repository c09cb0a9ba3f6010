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
 * too deep"), and evaluation steps (0: unlimited). */
void eval_set_limits(Eval *E, size_t stack_bytes, uint64_t max_steps);

/* A flag an interrupt handler sets (Ctrl-C in the REPL): evaluation then
 * stops with a limit error. NULL: none. Borrowed. */
void eval_set_interrupt(Eval *E, volatile int *flag);
bool eval_interrupted(const Eval *E);

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
