/* interp.h - one interpreter session.
 * An Interp owns everything a session accumulates: loaded source texts,
 * interned names, the diagnostics sink and the arena of loaded scripts.
 * Each test builds a fresh one; there is no global state. Later stages
 * (values, processes) hang their tables here too.
 */
#ifndef CSP_INTERP_H
#define CSP_INTERP_H

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "src.h"
#include "sym.h"
#include "val.h"

#include <stdio.h>

typedef struct Interp {
    SrcSet *src;
    SymTable *syms;
    Diag diag;
    Arena *load;        /* source-lifetime data: tokens' strings, syntax trees */
    ValTable *vals;     /* every value of the session, hash-consed */
    struct Types *types;    /* the types of the script loaded last (types.h), owned */
    bool skip_types;        /* load without the static type check: only for the
                             * evaluator's unit tests, which feed it ill-typed values
                             * on purpose to test its run-time checks */
} Interp;

/* Outcome of loading a script; main.c maps these to exit codes. */
typedef enum { LOAD_OK, LOAD_STATIC_ERROR, LOAD_IO_ERROR } LoadStatus;

Interp *interp_new(FILE *diag_out);
void interp_free(Interp *in);

/* Reads, parses and resolves a script file. On LOAD_IO_ERROR nothing was
 * read (a message was printed) and *out is NULL; otherwise *out is the
 * syntax tree, complete or partial, and errors were printed. */
LoadStatus interp_load_file(Interp *in, const char *path, Node **out);
/* Loads a script (path NULL: none) together with one expression, which
 * becomes the top-level binding *expr_decl (a PATBIND `name = expr`) so it
 * sees the script's names. Errors in the expression point into a text
 * named "<expression>". */
LoadStatus interp_load_with_expr(Interp *in, const char *path, const char *expr,
                                 Node **out, Node **expr_decl);
/* The same with extra declarations (a REPL session's definitions, in a text
 * named "<session>") and an optional expression (expr NULL: none). */
LoadStatus interp_load_session(Interp *in, const char *path, const char *session,
                               const char *expr, Node **out, Node **expr_decl);
/* interp_load_session for a script whose text is held in memory (the REPL
 * keeps the text it loaded, so editing the file changes nothing until
 * :reload); name is the file's path (includes are found next to it), NULL
 * for none. Each of defs[0..n_defs) is its own text named "<session>", so
 * its errors are located in it as typed. */
LoadStatus interp_load_session_text(Interp *in, const char *name, const char *text, size_t len,
                                    const char *const *defs, uint32_t n_defs, Node **out);
/* Parses one expression (a text named "<expression>") and resolves it
 * against `script`, loaded before in this Interp, without changing the
 * script: *expr_decl is a PATBIND `<expression> = expr`, not part of the
 * script (evaluate its kid[1] with the script's Eval). */
LoadStatus interp_load_expr(Interp *in, const Node *script, const char *expr, Node **expr_decl);
/* The same for text held in memory (REPL input, tests). */
LoadStatus interp_load_text(Interp *in, const char *name, const char *text, size_t len,
                            Node **out);

#endif
