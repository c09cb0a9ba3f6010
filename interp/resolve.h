/* resolve.h - binds names before anything is evaluated.
 * res_resolve walks a parsed script once and reports, all at once and each
 * with its span: undefined names (with "did you mean"), duplicate
 * definitions, clauses of one function with different arities, misused
 * channels, pattern-only syntax in expressions. It annotates nodes through
 * Node.res (owned by the interp's load arena). Depends on ast.h, interp.h.
 */
#ifndef CSP_RESOLVE_H
#define CSP_RESOLVE_H

#include "ast.h"

struct Interp;

struct ResInfo {
    int unused;
};

/* Returns the number of errors reported. */
int res_resolve(struct Interp *in, Node *script);

#endif
