/* types.h - FDR's static type checker (Hindley-Milner with type classes and
 * dot types), run on a resolved script before anything is evaluated.
 * types_check_script infers a type for every definition (top-level ones
 * generalised per group of mutually recursive definitions, `let` ones only
 * when annotated), checks assertions and prints, and reports one located
 * error per broken definition to the Interp's Diag (sorted by position, with
 * a hint for the common beginner's mistakes). What it does not type
 * statically (dotted values of unknown shape) it leaves
 * to the evaluator's run-time checks. The results live in a Types owned by
 * the Interp (in->types), so the REPL can type an expression later.
 * Depends on interp.h, resolve.h.
 */
#ifndef CSP_TYPES_H
#define CSP_TYPES_H

#include "ast.h"

#include <stddef.h>
#include <stdio.h>

struct Interp;
struct Types;
struct ResDef;

/* Type-checks a resolved script; returns the number of errors reported.
 * Replaces in->types. */
int types_check_script(struct Interp *in, const Node *script);

/* Types the expression x (resolved against the script checked last) and
 * writes its type, FDR's way ("Int=>Event", "Eq a => (a) -> Bool"), into
 * buf. Returns false after a reported type error. */
bool types_of_expr(struct Interp *in, const Node *x, char *buf, size_t cap);

/* Whether definition d (a function or a pattern-bound variable), given
 * n_groups groups of arguments, is statically a process: 1 yes, 0 no, -1
 * not known (no type check, or d was not typed). FDR names such a value
 * after the definition that made it (libcspm's PProcCall). */
int types_def_gives_process(struct Interp *in, const struct ResDef *d, uint32_t n_groups);

/* Prints `name :: type` for each top-level definition of the script checked
 * last, in order (modules' exported members as M::name). */
void types_print_script(struct Interp *in, FILE *out);

void types_free(struct Types *T);

#endif
