/* parse.h - tokens to syntax tree.
 * Drives the lemon parser generated from grammar/grammar.y over the lexer's
 * token stream. Owns syntax errors: the first error in a declaration is
 * reported (what was found, what was expected, which bracket is open), then
 * parsing resumes at the next line that starts in column 1, so each broken
 * declaration gets one message. Depends on lex.h and ast.h.
 */
#ifndef CSP_PARSE_H
#define CSP_PARSE_H

#include "ast.h"

/* Parses text `file` of src (and what it includes) into a SCRIPT node whose
 * declarations are those that parsed. Nodes live in `arena`; errors go to
 * diag (check diag->n_errors). Never returns NULL. */
Node *parse_script(SrcSet *src, SymTable *syms, Diag *diag, Arena *arena, uint32_t file);

/* Parses text `file` as one expression and returns the declaration
 * `name = <expression>` (for `cspi eval` and the REPL), or NULL after
 * reporting a syntax error. */
Node *parse_expr_decl(SrcSet *src, SymTable *syms, Diag *diag, Arena *arena, uint32_t file,
                      const Sym *name);

#endif
