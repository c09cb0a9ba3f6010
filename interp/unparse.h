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

#include <stdio.h>

void unparse_script(FILE *out, const Node *script);
void unparse_expr(FILE *out, const Node *e);
void unparse_tree(FILE *out, const Node *script);

#endif
