/* parse.c - the parser driver, syntax errors and node builders; see parse.h. */
#include "parse_internal.h"

#include "grammar.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* lemon's generated entry points (grammar.c). */
void *CspLemonAlloc(void *(*alloc)(size_t), Parser *ps);
void CspLemonFree(void *p, void (*dealloc)(void *));
void CspLemonInit(void *p, Parser *ps);
void CspLemonFinalize(void *p);
void CspLemon(void *p, int code, Token tok);

/* ---- bracket tracking, for "expected ')' to close '(' at 3:7" ---- */

static int closer_of(int opener)
{
    switch (opener) {
    case TK_LPAREN: return TK_RPAREN;
    case TK_LBRACE: return TK_RBRACE;
    case TK_LPROD: return TK_RPROD;
    case TK_LMAP: return TK_RMAP;
    case TK_LSEQ: return TK_RSEQ;
    case TK_LBRACKET: return TK_RBRACKET;
    case TK_LRENAME: return TK_RRENAME;
    case TK_LPAR: return TK_RPAR;
    case TK_LSYNC: return TK_RSYNC;
    case TK_LSYNCINT: return TK_RSYNCINT;
    case TK_IF: return TK_ELSE;
    case TK_LET: return TK_WITHIN;
    default: return 0;
    }
}

static bool is_closer(int code)
{
    switch (code) {
    case TK_RPAREN: case TK_RBRACE: case TK_RPROD: case TK_RMAP: case TK_RSEQ:
    case TK_RBRACKET: case TK_RRENAME: case TK_RPAR: case TK_EXCEPTR: case TK_RSYNC:
    case TK_RSYNCINT: case TK_ELSE: case TK_WITHIN:
        return true;
    default:
        return false;
    }
}

static void track_brackets(Parser *ps, const Token *t)
{
    if (closer_of(t->code)) {
        if (ps->n_open == ps->cap_open) {
            ps->cap_open = ps->cap_open ? ps->cap_open * 2 : 32;
            ps->open = xrealloc(ps->open, ps->cap_open * sizeof *ps->open);
        }
        ps->open[ps->n_open++] = *t;
    } else if (is_closer(t->code) && ps->n_open) {
        int want = closer_of(ps->open[ps->n_open - 1].code);
        if (want == t->code || (t->code == TK_EXCEPTR && want == TK_RPAR)) ps->n_open--;
        if (t->code == TK_RPAR || t->code == TK_EXCEPTR || t->code == TK_RBRACKET)
            ps->par_depth = (int32_t)ps->n_open;
    } else if (t->code == TK_NL && ps->n_open == 0) {
        ps->par_depth = -1;
    }
}

/* ---- syntax errors ---- */

/* "identifier 'x'", "integer 42", or the token's name. */
static void describe_token(const Token *tok, int code, char *buf, size_t size)
{
    if (code == TK_ID) {
        char name[DIAG_NAME_MAX + 1];
        diag_shorten(name, sizeof name, tok->name->name, tok->name->len);
        snprintf(buf, size, "identifier '%s'", name);
    }
    else if (code == TK_INT) snprintf(buf, size, "integer %lld", (long long)tok->num);
    else snprintf(buf, size, "%s", lex_token_name(code));
}

void parse_syntax_error(Parser *ps, const Token *tok, int code)
{
    if (ps->error) return;
    ps->error = true;
    if (code == TK_BADTOKEN) {
        diag_error(ps->diag, tok->span, "%s", tok->msg);
        return;
    }
    /* The offending opener was already counted by track_brackets. */
    if ((code == TK_LPAR || code == TK_LBRACKET) && ps->par_depth == (int32_t)ps->n_open - 1) {
        diag_error(ps->diag, tok->span,
                   "unexpected %s: parallel operators do not associate; add brackets, "
                   "as in '(P [| A |] Q) [| A |] R'", lex_token_name(code));
        return;
    }
    if (code == TK_PROPARG) {
        diag_error(ps->diag, tok->span, "unknown model or option '[%s]'; the models are [T], "
                   "[F], [FD], [R], [RD], [V] and [VD]", tok->name->name);
        return;
    }
    char what[160];
    describe_token(tok, code, what, sizeof what);
    if (ps->n_open && (code == 0 || code == TK_NL || is_closer(code))) {
        const Token *o = &ps->open[ps->n_open - 1];
        char at[32];
        diag_linecol(ps->diag, o->span, at, sizeof at);
        const char *verb = (o->code == TK_IF || o->code == TK_LET) ? "complete" : "close";
        diag_error(ps->diag, tok->span, "unexpected %s; expected %s to %s %s at %s", what,
                   lex_token_name(closer_of(o->code)), verb, lex_token_name(o->code), at);
        return;
    }
    if (code == 0 || code == TK_NL)
        diag_error(ps->diag, tok->span, "unexpected %s: the definition is incomplete", what);
    else
        diag_error(ps->diag, tok->span, "unexpected %s", what);
}

void parse_too_deep(Parser *ps)
{
    if (ps->error) return;
    ps->error = true;
    diag_error(ps->diag, ps->at, "expression nested too deeply (the parser's stack is full)");
}

/* Reports a construct-level error found by an action (once per declaration). */
static void action_error(Parser *ps, Span at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void action_error(Parser *ps, Span at, const char *fmt, ...)
{
    if (ps->error) return;
    ps->error = true;
    va_list ap;
    va_start(ap, fmt);
    diag_verror(ps->diag, at, fmt, ap);
    va_end(ap);
}

/* ---- the driver ---- */

static void parser_init(Parser *ps, SymTable *syms, Diag *diag, Arena *arena)
{
    memset(ps, 0, sizeof *ps);
    ps->ast.arena = arena;
    ps->ast.diag = diag;
    ps->syms = syms;
    ps->diag = diag;
    ps->par_depth = -1;
}

/* Feeds tokens from lx (after the given prefix tokens) until the end of the
 * text or the first error, which is reported; returns false on error. */
static bool parse_one(Parser *ps, Lexer *lx, const Token *prefix, uint32_t n_prefix)
{
    void *lp = CspLemonAlloc(xmalloc, ps);
    for (uint32_t i = 0; i < n_prefix; i++) CspLemon(lp, prefix[i].code, prefix[i]);
    Token t;
    do {
        lex_next(lx, &t);
        track_brackets(ps, &t);
        ps->at = t.span;
        CspLemon(lp, t.code, t);
    } while (t.code != 0 && !ps->error && !ps->ast.too_deep);
    CspLemonFree(lp, free);
    return !ps->error && !ps->ast.too_deep;
}

Node *parse_expr_decl(SrcSet *src, SymTable *syms, Diag *diag, Arena *arena, uint32_t file,
                      const Sym *name)
{
    Parser ps;
    parser_init(&ps, syms, diag, arena);
    Span none = { file, 0, 0 };
    Token prefix[2] = { { .code = TK_ID, .span = none, .name = name }, { .code = TK_EQ, .span = none } };
    Lexer *lx = lex_new(src, syms, diag, arena, file);
    bool ok = parse_one(&ps, lx, prefix, 2);
    lex_free(lx);
    free(ps.open);
    Node *d = ok && ps.decls.n == 1 ? ps.decls.items[0] : NULL;
    if (ok && !d) diag_error(diag, none, "expected one expression");
    vec_free(&ps.decls);
    return d;
}

Node *parse_script(SrcSet *src, SymTable *syms, Diag *diag, Arena *arena, uint32_t file)
{
    Parser ps;
    parser_init(&ps, syms, diag, arena);
    Lexer *lx = lex_new(src, syms, diag, arena, file);
    void *lp = CspLemonAlloc(xmalloc, &ps);
    Token t;
    lex_next(lx, &t);
    for (;;) {
        track_brackets(&ps, &t);
        ps.at = t.span;
        CspLemon(lp, t.code, t);
        if (ps.ast.too_deep) ps.error = true;
        if (ps.error) {
            /* Resynchronise: skip to the first token that starts a line after
             * a declaration boundary, and start the parser afresh there (in
             * place: its stack is 200 KB, and a script may hold 100,000
             * errors). */
            CspLemonFinalize(lp);
            while (t.code != 0) {
                bool boundary = t.code == TK_NL;
                lex_next(lx, &t);
                if (boundary && lex_at_line_start(lx)) break;
            }
            ps.error = false;
            ps.ast.too_deep = false;
            ps.n_open = 0;
            ps.par_depth = -1;
            CspLemonInit(lp, &ps);
            if (t.code == 0) {
                CspLemon(lp, 0, t);
                break;
            }
            continue;
        }
        if (t.code == 0) break;
        lex_next(lx, &t);
    }
    CspLemonFree(lp, free);
    lex_free(lx);
    Span whole = { file, 0, (uint32_t)src_len(src, file) };
    Node *script = ast_from_vec(&ps.ast, N_SCRIPT, 0, whole, &ps.decls);
    script->span = whole;
    vec_free(&ps.decls);
    free(ps.open);
    return script;
}

void parse_add_decl(Parser *ps, Node *decl) { vec_push(&ps->decls, decl); }

/* ---- builders ---- */

Node *parse_list0(Parser *ps) { return ast_new(&ps->ast, N_LIST, 0, SPAN_NONE, 0); }

Node *parse_list1(Parser *ps, Node *item)
{
    Node *l = ast_new(&ps->ast, N_LIST, 0, SPAN_NONE, 0);
    return ast_append(&ps->ast, l, item);
}

Node *parse_prepend(Parser *ps, Node *item, Node *list)
{
    Node *l = parse_list1(ps, item);
    for (uint32_t i = 0; i < list->n; i++) ast_append(&ps->ast, l, list->kid[i]);
    return l;
}

Node *parse_relist(Parser *ps, NodeKind k, Span at, Node *list)
{
    Node *x = ast_new(&ps->ast, k, 0, at, 0);
    for (uint32_t i = 0; i < list->n; i++) ast_append(&ps->ast, x, list->kid[i]);
    x->span = span_join(at, list->span);
    return x;
}

Node *parse_var(Parser *ps, const Token *id) { return ast_name(&ps->ast, N_VAR, id->span, id->name); }

Node *parse_qual(Parser *ps, Node *module, const Token *id)
{
    if (module->kind != N_VAR && module->kind != N_QUAL)
        action_error(ps, module->span, "only a module name may stand before '::'");
    Node *q = ast_new(&ps->ast, N_QUAL, 0, id->span, 1, module);
    q->name = id->name;
    return q;
}

Node *parse_paren(Parser *ps, Node *e, Span open, Span close)
{
    (void)ps;
    e->parenthesized = 1;   /* brackets stop the hiding rotation (ast_hide) */
    e->span = span_join(span_join(e->span, open), close);
    return e;
}

Node *parse_tuple(Parser *ps, Node *first, Node *rest, Span open, Span close)
{
    Node *t = ast_new(&ps->ast, N_TUPLE, 0, span_join(open, close), 1, first);
    for (uint32_t i = 0; i < rest->n; i++) ast_append(&ps->ast, t, rest->kid[i]);
    return t;
}

Node *parse_range(Parser *ps, int kind, Node *from, Node *to, Span open, Span close)
{
    return ast_new(&ps->ast, N_RANGE, kind, span_join(open, close), 2, from, to);
}

Node *parse_comp(Parser *ps, int kind, Node *elems, Node *stmts, Span open, Span close)
{
    return ast_new(&ps->ast, N_COMP, kind, span_join(open, close), 2, elems, stmts);
}

Node *parse_prod(Parser *ps, Node *exps, Node *stmts, Span open, Span close)
{
    return ast_new(&ps->ast, N_PROD, 0, span_join(open, close), 2, exps, stmts);
}

Node *parse_apply(Parser *ps, Node *fn, Node *args, Span close)
{
    return ast_new(&ps->ast, N_APPLY, 0, span_join(fn->span, close), 2, fn, args);
}

Node *parse_rename(Parser *ps, Node *proc, Node *pairs, Node *stmts, Span close)
{
    return ast_new(&ps->ast, N_RENAME, 0, span_join(proc->span, close), 3, proc, pairs, stmts);
}

Node *parse_binop(Parser *ps, int op, Node *l, Node *r)
{
    return ast_new(&ps->ast, N_BINOP, op, l->span, 2, l, r);
}

Node *parse_unop(Parser *ps, int op, const Token *t, Node *e)
{
    return ast_new(&ps->ast, N_UNOP, op, t->span, 1, e);
}

Node *parse_field(Parser *ps, int op, Node *head, Node *operand)
{
    /* ':' binds tighter than '.', so c?x.y:S parsed as c?x.(y:S); the
     * restriction belongs to the whole pattern x.y (as in FDR). */
    if (op != FIELD_OUT && operand->kind == N_DOT && !operand->parenthesized) {
        Node *at = operand;
        while (at->kid[1]->kind == N_DOT && !at->kid[1]->parenthesized) at = at->kid[1];
        Node *r = at->kid[1];
        if (r->kind == N_RESTRICT && !r->parenthesized) {
            at->kid[1] = r->kid[0];
            return ast_new(&ps->ast, N_FIELD, op, head->span, 3, head, operand, r->kid[1]);
        }
    }
    if (operand->kind == N_RESTRICT && op != FIELD_OUT)
        return ast_new(&ps->ast, N_FIELD, op, head->span, 3, head, operand->kid[0], operand->kid[1]);
    return ast_new(&ps->ast, N_FIELD, op, head->span, 3, head, operand, NULL);
}

Node *parse_stmt(Parser *ps, Node *e)
{
    if (e->kind == N_RESTRICT)
        return ast_new(&ps->ast, N_GEN, GEN_COLON, e->span, 2, e->kid[0], e->kid[1]);
    return e;
}

static const char *decl_word(const Node *d)
{
    switch (d->kind) {
    case N_CHANNEL: return "'channel'";
    case N_DATATYPE: return "'datatype'";
    case N_SUBTYPE: return "'subtype'";
    case N_NAMETYPE: return "'nametype'";
    case N_ASSERT: return "'assert'";
    case N_PRINT: return "'print'";
    case N_MODULE: return "'module'";
    case N_INSTANCE: return "'instance'";
    case N_TIMED: return "'Timed'";
    default: return "this";
    }
}

/* A Timed section holds any declaration but print (libcspm). */
static void check_timed_block(Parser *ps, const Node *decls)
{
    for (uint32_t i = 0; i < decls->n; i++)
        if (decls->kid[i]->kind == N_PRINT)
            action_error(ps, decls->kid[i]->span, "'print' is not allowed inside a 'Timed' section");
}

/* Reports declarations not allowed in a nested block (LANGUAGE.md §1.2). */
static void check_block(Parser *ps, const Node *decls, const char *where, bool allow_types)
{
    for (uint32_t i = 0; i < decls->n; i++) {
        const Node *d = decls->kid[i];
        bool ok;
        switch (d->kind) {
        case N_FUNCLAUSE: case N_PATBIND: case N_EXTERNAL: case N_TRANSPARENT: case N_TYPESIG:
        case N_TIMED:
            ok = true;
            break;
        case N_CHANNEL: case N_DATATYPE: case N_SUBTYPE: case N_NAMETYPE: case N_MODULE:
        case N_INSTANCE:
            ok = allow_types;
            break;
        default:
            ok = false;
        }
        if (!ok) action_error(ps, d->span, "%s declarations are not allowed inside %s",
                              decl_word(d), where);
    }
}

Node *parse_let(Parser *ps, const Token *t, Node *decls, Node *body)
{
    check_block(ps, decls, "'let'", false);
    return ast_new(&ps->ast, N_LET, 0, t->span, 2, decls, body);
}

Node *parse_binding(Parser *ps, Node *lhs, Node *rhs)
{
    /* f(a)(b) = e is a function clause; anything else binds a pattern. */
    Node *root = lhs;
    uint32_t groups = 0;
    while (root->kind == N_APPLY) {
        root = root->kid[0];
        groups++;
    }
    if (groups == 0 || root->kind != N_VAR)
        return ast_new(&ps->ast, N_PATBIND, 0, lhs->span, 2, lhs, rhs);
    Node *args = ast_new(&ps->ast, N_LIST, 0, SPAN_NONE, 0);
    args->kid = arena_alloc(ps->ast.arena, groups * sizeof *args->kid);
    args->n = args->cap = groups;
    Node *a = lhs;
    for (uint32_t i = groups; i-- > 0; a = a->kid[0]) args->kid[i] = a->kid[1];
    for (uint32_t i = 0; i < groups; i++) {
        if (args->kid[i]->depth + 1 > args->depth) args->depth = args->kid[i]->depth + 1;
        args->span = args->span.file == UINT32_MAX ? args->kid[i]->span
                                                   : span_join(args->span, args->kid[i]->span);
    }
    Node *f = ast_new(&ps->ast, N_FUNCLAUSE, 0, root->span, 2, args, rhs);
    f->name = root->name;
    return f;
}

Node *parse_named(Parser *ps, NodeKind k, Span at, const Token *id, Node *list)
{
    Node *x = parse_relist(ps, k, at, list);
    x->name = id->name;
    x->span = span_join(x->span, id->span);
    return x;
}

Node *parse_clause(Parser *ps, const Token *id, Node *fields)
{
    Node *c = ast_new(&ps->ast, N_CLAUSE, 0, id->span, 1, fields);
    c->name = id->name;
    return c;
}

Node *parse_typesig(Parser *ps, Node *names, Node *type)
{
    for (uint32_t i = 0; i < names->n; i++)
        if (names->kid[i]->kind != N_VAR)
            action_error(ps, names->kid[i]->span, "expected a name before '::'");
    return ast_new(&ps->ast, N_TYPESIG, 0, names->span, 2, names, type);
}

Node *parse_module(Parser *ps, Span at, const Token *id, Node *params, Node *priv, Node *pub,
                   Span end)
{
    check_block(ps, priv, "a module", true);
    check_block(ps, pub, "a module", true);
    Node *m = ast_new(&ps->ast, N_MODULE, 0, span_join(at, end), 3, params, priv, pub);
    m->name = id->name;
    return m;
}

Node *parse_instance(Parser *ps, Span at, const Token *id, Node *target)
{
    Node *args = NULL;
    if (target->kind == N_APPLY) {
        args = target->kid[1];
        target = target->kid[0];
    }
    if (target->kind != N_VAR && target->kind != N_QUAL)
        action_error(ps, target->span, "expected a module name after '='");
    Node *x = ast_new(&ps->ast, N_INSTANCE, 0, at, 2, target, args);
    x->name = id->name;
    return x;
}

Node *parse_timed(Parser *ps, Span at, Node *decls, Node *fn, Span end)
{
    check_timed_block(ps, decls);
    return ast_new(&ps->ast, N_TIMED, 0, span_join(at, end), 2, decls, fn);
}

Node *parse_property(Parser *ps, Node *proc, Token prop, Node *options)
{
    int kind = prop.code == TK_P_DEADLOCK ? PROP_DEADLOCK
             : prop.code == TK_P_DIVERGENCE ? PROP_DIVERGENCE : PROP_DETERMINISTIC;
    Node *x = ast_new(&ps->ast, N_PROPERTY, kind, proc->span, 2, proc, options);
    x->num = prop.num2;
    x->span = span_join(x->span, prop.span);
    return x;
}

Node *parse_hastrace(Parser *ps, Node *proc, const Token *kw, int model, Node *trace,
                     Node *options)
{
    Node *x = ast_new(&ps->ast, N_HASTRACE, 0, kw->span, 3, proc, trace, options);
    x->num = model;
    return x;
}

static int option_class(int op) { return op == OPT_POR ? OPT_POR : OPT_TAU; }

Node *parse_add_option(Parser *ps, Node *options, Node *option)
{
    for (uint32_t i = 0; i < options->n; i++)
        if (option_class(options->kid[i]->op) == option_class(option->op))
            action_error(ps, option->span, "this option is given twice in one assertion");
    return ast_append(&ps->ast, options, option);
}

Node *parse_por(Parser *ps, const Token *kw, const Token *mode, const Token *close)
{
    Node *x = ast_new(&ps->ast, N_OPTION, OPT_POR, span_join(kw->span, close->span), 0);
    x->name = mode->name;
    return x;
}

Node *parse_type(Parser *ps, int op, int n, ...)
{
    Node *x = ast_new(&ps->ast, N_TYPE, op, SPAN_NONE, 0);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) ast_append(&ps->ast, x, va_arg(ap, Node *));
    va_end(ap);
    return x;
}

Node *parse_tclass(Parser *ps, const Token *cls, const Token *var)
{
    Node *x = parse_type(ps, TY_CLASS, 1, parse_tname(ps, var));
    x->name = cls->name;
    x->span = span_join(cls->span, x->span);
    return x;
}

Node *parse_tname(Parser *ps, const Token *id)
{
    Node *x = ast_new(&ps->ast, N_TYPE, TY_NAME, id->span, 0);
    x->name = id->name;
    return x;
}

Node *parse_tqual(Parser *ps, Node *qualifier, const Token *id)
{
    Node *x = ast_new(&ps->ast, N_TYPE, TY_NAME, id->span, 1, qualifier);
    x->name = id->name;
    return x;
}

Node *parse_ttuple(Parser *ps, Node *types)
{
    if (types->n == 1) return types->kid[0];
    Node *x = ast_new(&ps->ast, N_TYPE, TY_TUPLE, types->span, 0);
    for (uint32_t i = 0; i < types->n; i++) ast_append(&ps->ast, x, types->kid[i]);
    return x;
}
