/* parse_internal.h - what grammar.y's actions see: the Parser state and the
 * node builders its one-line actions call. Only parse.c and the generated
 * grammar.c include this header.
 */
#ifndef CSP_PARSE_INTERNAL_H
#define CSP_PARSE_INTERNAL_H

#include "ast.h"
#include "lex.h"
#include "parse.h"

typedef struct Parser {
    Ast ast;
    SymTable *syms;     /* borrowed */
    Diag *diag;         /* borrowed */
    Vec decls;          /* top-level declarations, in order */
    bool error;         /* a syntax error was reported in this declaration */
    Span at;            /* the token being parsed, for errors without one */
    int32_t par_depth;  /* bracket depth at which a parallel operator last closed, or -1 */
    Token *open;        /* open brackets and if/let, innermost last */
    uint32_t n_open, cap_open;
} Parser;

void parse_syntax_error(Parser *ps, const Token *tok, int code);
void parse_too_deep(Parser *ps);
void parse_add_decl(Parser *ps, Node *decl);

Node *parse_list0(Parser *ps);
Node *parse_list1(Parser *ps, Node *item);
Node *parse_prepend(Parser *ps, Node *item, Node *list);
Node *parse_relist(Parser *ps, NodeKind k, Span at, Node *list);
Node *parse_var(Parser *ps, const Token *id);
Node *parse_qual(Parser *ps, Node *module, const Token *id);
Node *parse_paren(Parser *ps, Node *e, Span open, Span close);
Node *parse_tuple(Parser *ps, Node *first, Node *rest, Span open, Span close);
Node *parse_range(Parser *ps, int kind, Node *from, Node *to, Span open, Span close);
Node *parse_comp(Parser *ps, int kind, Node *elems, Node *stmts, Span open, Span close);
Node *parse_prod(Parser *ps, Node *exps, Node *stmts, Span open, Span close);
Node *parse_apply(Parser *ps, Node *fn, Node *args, Span close);
Node *parse_rename(Parser *ps, Node *proc, Node *pairs, Node *stmts, Span close);
Node *parse_binop(Parser *ps, int op, Node *l, Node *r);
Node *parse_unop(Parser *ps, int op, const Token *t, Node *e);
Node *parse_field(Parser *ps, int op, Node *head, Node *operand);
Node *parse_stmt(Parser *ps, Node *e);
Node *parse_let(Parser *ps, const Token *t, Node *decls, Node *body);

Node *parse_binding(Parser *ps, Node *lhs, Node *rhs);
Node *parse_named(Parser *ps, NodeKind k, Span at, const Token *id, Node *list);
Node *parse_clause(Parser *ps, const Token *id, Node *fields);
Node *parse_typesig(Parser *ps, Node *names, Node *type);
Node *parse_module(Parser *ps, Span at, const Token *id, Node *params, Node *priv, Node *pub,
                   Span end);
Node *parse_instance(Parser *ps, Span at, const Token *id, Node *target);
Node *parse_timed(Parser *ps, Span at, Node *decls, Node *fn, Span end);

Node *parse_property(Parser *ps, Node *proc, Token prop, Node *options);
Node *parse_hastrace(Parser *ps, Node *proc, const Token *kw, int model, Node *trace,
                     Node *options);
Node *parse_add_option(Parser *ps, Node *options, Node *option);
Node *parse_por(Parser *ps, const Token *kw, const Token *mode, const Token *close);

Node *parse_type(Parser *ps, int op, int n, ...);
Node *parse_tclass(Parser *ps, const Token *cls, const Token *var);
Node *parse_tname(Parser *ps, const Token *id);
Node *parse_tqual(Parser *ps, Node *qualifier, const Token *id);   /* `M::T` */
Node *parse_ttuple(Parser *ps, Node *types);

#endif
