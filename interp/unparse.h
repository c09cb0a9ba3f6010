/* unparse.h - syntax trees back to text.
 * unparse_script prints canonical CSPM: every compound expression in
 * brackets, one declaration per line, includes already inlined, so the
 * output parses back to an equal tree (ast_equal). unparse_tree prints the
 * tree itself as an s-expression without spans (for tests and debugging).
 * Both write to a FILE and never fail on a well-formed tree.
 */
#ifndef CSP_UNPARSE_H
#define CSP_UNPARSE_H

#include "ast.h"

#include <stdbool.h>
#include <stdio.h>

void unparse_script(FILE *out, const Node *script);
void unparse_expr(FILE *out, const Node *e);
/* The same, letting var(ctx, out, v) print a variable v instead (e.g. its
 * value in a process state); it returns false to print the name. */
typedef bool (*UnparseVar)(void *ctx, FILE *out, const Node *var);
void unparse_expr_with(FILE *out, const Node *e, UnparseVar var, void *ctx);
/* The same with brackets only where precedence needs them, as FDR prints a
 * process value (`a.1 -> STOP ||| STOP`); it need not parse back to the
 * same tree as exactly as unparse_expr's output does. */
void unparse_value_with(FILE *out, const Node *e, UnparseVar var, void *ctx);
/* The same, printing a replicated operator (`[] x : S @ P(x)`, `|~|`,
 * `|||`, `;`, `||`, `[| A |]`, `[+ A +]`) as the operator tree FDR
 * evaluated (`a.0 -> STOP [] a.1 -> STOP`): rep(ctx, e, &ctxs) returns how
 * many operands e has, with in *ctxs (malloc'd, freed by the printer) the
 * context var prints the i-th one's variables with; or -1 to print e as
 * written. */
typedef int (*UnparseRep)(void *ctx, const Node *rep, void ***ctxs);
void unparse_value_expanded(FILE *out, const Node *e, UnparseVar var, UnparseRep rep, void *ctx);
void unparse_tree(FILE *out, const Node *script);

#endif
