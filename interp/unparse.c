/* unparse.c - canonical printer and tree dump; see unparse.h. */
#include "unparse.h"

#include <inttypes.h>
#include <stdlib.h>

typedef struct {
    FILE *out;
    int indent;
    UnparseVar var;         /* optional */
    UnparseRep rep;         /* optional, minimal mode: replicated operators expanded */
    void *var_ctx;
    bool minimal;           /* brackets only where precedence needs them (values) */
    int ctx;                /* minimal: the binding level an operand needs to go bare */
} Printer;

static void expr(Printer *p, const Node *e);
static void decl(Printer *p, const Node *d);
static void opnd(Printer *p, const Node *e, int at);
static void atom(Printer *p, const Node *e);

static void put(Printer *p, const char *s) { fputs(s, p->out); }

static void newline(Printer *p)
{
    fputc('\n', p->out);
    for (int i = 0; i < p->indent; i++) fputs("    ", p->out);
}

static void put_char_escaped(Printer *p, const unsigned char *s, uint32_t n, char quote)
{
    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == '\n') put(p, "\\n");
        else if (c == '\t') put(p, "\\t");
        else if (c == '\r') put(p, "\\r");
        else if (c == '\\') put(p, "\\\\");
        else if (c == (unsigned char)quote) { fputc('\\', p->out); fputc(c, p->out); }
        else fputc(c, p->out);
    }
}

static void put_codepoint(Printer *p, int64_t cp)
{
    unsigned char u[4];
    uint32_t n, c = (uint32_t)cp;
    if (c < 0x80) { u[0] = (unsigned char)c; n = 1; }
    else if (c < 0x800) { u[0] = (unsigned char)(0xC0 | c >> 6); u[1] = (unsigned char)(0x80 | (c & 0x3F)); n = 2; }
    else if (c < 0x10000) {
        u[0] = (unsigned char)(0xE0 | c >> 12); u[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (c & 0x3F)); n = 3;
    } else {
        u[0] = (unsigned char)(0xF0 | c >> 18); u[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
        u[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F)); u[3] = (unsigned char)(0x80 | (c & 0x3F)); n = 4;
    }
    put_char_escaped(p, u, n, '\'');
}

static bool is_atomic(const Node *e)
{
    switch (e->kind) {
    case N_INT: case N_CHAR: case N_STRING: case N_BOOL: case N_VAR: case N_QUAL: case N_WILD:
    case N_TUPLE: case N_SEQ: case N_SET: case N_RANGE: case N_COMP: case N_PROD: case N_MAP:
    case N_APPLY: case N_RENAME:
        return true;
    default:
        return false;
    }
}

/* How tightly an expression binds, after the grammar's precedence table
 * (grammar.y; higher binds tighter): for the minimal brackets of values. */
enum { LV_OPEN = 1, LV_HIDE, LV_INTERLEAVE, LV_PAR, LV_INTCHOICE, LV_EXTCHOICE, LV_INTERRUPT,
       LV_TIMEOUT, LV_SEQ, LV_PREFIX, LV_FIELD, LV_ATAT, LV_DOT, LV_RESTRICT, LV_OR, LV_AND,
       LV_NOT, LV_COMPARE, LV_ADD, LV_MUL, LV_LEN, LV_CAT, LV_APPLY, LV_ATOM };

static int binop_level(int op)
{
    switch (op) {
    case OP_HIDE: case OP_PROJECT: return LV_HIDE;
    case OP_INTERLEAVE: return LV_INTERLEAVE;
    case OP_INTCHOICE: return LV_INTCHOICE;
    case OP_EXTCHOICE: return LV_EXTCHOICE;
    case OP_INTERRUPT: return LV_INTERRUPT;
    case OP_TIMEOUT: return LV_TIMEOUT;
    case OP_SEQ: return LV_SEQ;
    case OP_GUARD: return LV_PREFIX;
    case OP_OR: return LV_OR;
    case OP_AND: return LV_AND;
    case OP_EQ: case OP_NE: case OP_LT: case OP_GT: case OP_LE: case OP_GE: return LV_COMPARE;
    case OP_ADD: case OP_SUB: return LV_ADD;
    case OP_MUL: case OP_DIV: case OP_MOD: return LV_MUL;
    case OP_CAT: return LV_CAT;
    default: return LV_OPEN;
    }
}

static int level(const Node *e)
{
    if (is_atomic(e)) return LV_ATOM;
    switch (e->kind) {
    case N_BINOP: return binop_level(e->op);
    case N_UNOP: return e->op == OP_NOT ? LV_NOT : LV_LEN;
    case N_GENPAR: case N_EXCEPT: case N_ALPHPAR: case N_LINKPAR: return LV_PAR;
    case N_SYNCEXT: return LV_EXTCHOICE;
    case N_SYNCINT: return LV_INTERRUPT;
    case N_PREFIX: return LV_PREFIX;
    case N_FIELD: return LV_FIELD;
    case N_ATAT: return LV_ATAT;
    case N_DOT: return LV_DOT;
    case N_RESTRICT: return LV_RESTRICT;
    default: return LV_OPEN;   /* lambda, let, if, replicated operators: they extend right */
    }
}

/* ---- replicated operators as the operator trees FDR evaluated ---- */

static bool is_replicated(const Node *e)
{
    return (e->kind == N_REP || e->kind == N_REPGENPAR || e->kind == N_REPSYNCEXT);
}

/* How many operands e expands to (ctxs: their variables' contexts), or -1. */
static int expansion_of(Printer *p, const Node *e, void ***ctxs)
{
    *ctxs = NULL;
    if (!p->minimal || !p->rep || !is_replicated(e)) return -1;
    return p->rep(p->var_ctx, e, ctxs);
}

static const Node *rep_body(const Node *e)
{
    return e->kind == N_REP ? e->kid[1] : e->kid[2];
}

/* The operator an expansion of two or more operands prints, its level. */
static int rep_level(const Node *e)
{
    if (e->kind == N_REPGENPAR) return LV_PAR;
    if (e->kind == N_REPSYNCEXT) return LV_EXTCHOICE;
    return e->op == OP_PAR ? LV_PAR : binop_level(e->op);
}

/* How tightly e's expansion binds: its unit is an atom; otherwise the
 * operator's, even around one operand (FDR's operator of one operand,
 * bracketed as the operator: `b -> (a.2 -> STOP)`), except that `;` of
 * one is that operand (as it expands in its context); three or more `||`
 * are FDR's `|| (a, p) : {...} @ [a] p`. */
static int expanded_level(Printer *p, const Node *e, int n, void **ctxs)
{
    if (n == 0) return LV_ATOM;
    if (e->kind == N_REP && e->op == OP_PAR) return n >= 3 ? LV_OPEN : LV_PAR;
    if (n >= 2 || !(e->kind == N_REP && e->op == OP_SEQ)) return rep_level(e);
    const Node *body = rep_body(e);
    void *outer = p->var_ctx, **inner = NULL;
    p->var_ctx = ctxs[0];
    int m = expansion_of(p, body, &inner);
    int lv = m >= 0 ? expanded_level(p, body, m, inner) : level(body);
    p->var_ctx = outer;
    free(inner);
    return lv;
}

/* Operand i of an expansion, printed with its own variables. */
static void rep_operand(Printer *p, const Node *e, void *ctx, int at)
{
    void *outer = p->var_ctx;
    p->var_ctx = ctx;
    opnd(p, e, at);
    p->var_ctx = outer;
}

/* `|| x : S @ [A(x)] P(x)` as FDR prints its alphabetised parallel. */
static void expanded_alpha(Printer *p, const Node *e, int n, void **ctxs)
{
    const Node *alpha = e->kid[1]->kid[0], *body = e->kid[1]->kid[1];
    if (n <= 2) {
        rep_operand(p, body, ctxs[0], LV_PAR);
        put(p, " [");
        rep_operand(p, alpha, ctxs[0], LV_ATOM);
        put(p, " || ");
        if (n == 2) rep_operand(p, alpha, ctxs[1], LV_ATOM);
        else put(p, "{}");
        put(p, "] ");
        if (n == 2) rep_operand(p, body, ctxs[1], LV_PAR);
        else put(p, "SKIP");
        return;
    }
    put(p, "|| (a, p) : {");
    for (int i = 0; i < n; i++) {
        put(p, i ? ", (" : "(");
        rep_operand(p, alpha, ctxs[i], 0);
        put(p, " , ");
        rep_operand(p, body, ctxs[i], 0);
        put(p, ")");
    }
    put(p, "} @ [a] p");
}

/* The expansion of replicated operator e into n operands. */
static void expanded(Printer *p, const Node *e, int n, void **ctxs)
{
    bool unit_stop = (e->kind == N_REP && e->op == OP_EXTCHOICE) || e->kind == N_REPSYNCEXT;
    if (n == 0) {   /* `[] x : {} @ P` is STOP; `|||`, `;`, `||`, `[| A |]` SKIP */
        put(p, unit_stop ? "STOP" : "SKIP");
        return;
    }
    if (e->kind == N_REP && e->op == OP_PAR) {
        expanded_alpha(p, e, n, ctxs);
        return;
    }
    const Node *body = rep_body(e);
    if (n == 1) {   /* the operand itself, in the context the expansion stands in */
        void *outer = p->var_ctx;
        p->var_ctx = ctxs[0];
        expr(p, body);
        p->var_ctx = outer;
        return;
    }
    int lv = rep_level(e);
    for (int i = 0; i < n; i++) {
        if (i && e->kind == N_REP) {
            fprintf(p->out, " %s ", ast_op_spelling[e->op]);
        } else if (i) {   /* FDR: `[| A |]`, and `[+A+]` without spaces */
            put(p, e->kind == N_REPGENPAR ? " [| " : " [+");
            if (e->kind == N_REPGENPAR) expr(p, e->kid[0]);
            else atom(p, e->kid[0]);
            put(p, e->kind == N_REPGENPAR ? " |] " : "+] ");
        }
        rep_operand(p, body, ctxs[i], lv);
    }
}

/* An operand: atoms as they are, anything else in brackets (in the minimal
 * mode, only what binds more loosely than p->ctx). */
static void atom(Printer *p, const Node *e)
{
    int saved = p->ctx;
    void **ctxs = NULL;
    int n = expansion_of(p, e, &ctxs);
    int lv = n >= 0 ? expanded_level(p, e, n, ctxs) : level(e);
    bool bare = p->minimal ? lv >= p->ctx : is_atomic(e);
    if (!bare) {
        put(p, "(");
        p->ctx = 0;
    }
    if (n >= 0) expanded(p, e, n, ctxs);
    else expr(p, e);
    p->ctx = saved;
    if (!bare) put(p, ")");
    free(ctxs);
}

/* An operand that needs binding level `at` to go without brackets. */
static void opnd(Printer *p, const Node *e, int at)
{
    int saved = p->ctx;
    p->ctx = at;
    atom(p, e);
    p->ctx = saved;
}

static void list(Printer *p, const Node *l, const char *sep)
{
    for (uint32_t i = 0; l && i < l->n; i++) {
        if (i) put(p, sep);
        expr(p, l->kid[i]);
    }
}

/* Elements inside `< >` and `{ }` are operands: a bare `x > 2` would close a
 * sequence and a leading `-` would read as `<-` or `{-`. */
static void elements(Printer *p, const Node *l)
{
    for (uint32_t i = 0; l && i < l->n; i++) {
        if (i) put(p, ", ");
        opnd(p, l->kid[i], level(l->kid[i]) == LV_COMPARE ? LV_ATOM : 0);   /* a `>` closes `<` */
    }
}

static void stmts(Printer *p, const Node *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (i) put(p, ", ");
        const Node *s = l->kid[i];
        if (s->kind == N_GEN) {
            atom(p, s->kid[0]);
            put(p, s->op == GEN_ARROW ? " <- " : " : ");
            atom(p, s->kid[1]);
        } else {
            atom(p, s);
        }
    }
}

static void pairs(Printer *p, const Node *l, const char *arrow)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (i) put(p, ", ");
        atom(p, l->kid[i]->kid[0]);
        put(p, arrow);
        atom(p, l->kid[i]->kid[1]);
    }
}

static void event(Printer *p, const Node *e)
{
    if (e->kind != N_FIELD) {
        opnd(p, e, LV_FIELD);
        return;
    }
    event(p, e->kid[0]);
    put(p, e->op == FIELD_IN ? "?" : e->op == FIELD_OUT ? "!" : "$");
    opnd(p, e->kid[1], LV_ATAT);
    if (e->kid[2]) {
        put(p, ":");
        atom(p, e->kid[2]);
    }
}

static void decls_block(Printer *p, const Node *l)
{
    p->indent++;
    for (uint32_t i = 0; i < l->n; i++) {
        newline(p);
        decl(p, l->kid[i]);
    }
    p->indent--;
}

static void type(Printer *p, const Node *t);

/* A type operand: names and bracketed forms as they are, the rest in brackets. */
static void type_atom(Printer *p, const Node *t)
{
    if (t->op == TY_NAME || t->op == TY_TUPLE || t->op == TY_SEQ || t->op == TY_SET ||
        t->op == TY_MAP) {
        type(p, t);
        return;
    }
    put(p, "(");
    type(p, t);
    put(p, ")");
}

/* The operand of `.`, `=>` and map keys: a dot chain, or an atom. */
static void type_dot(Printer *p, const Node *t)
{
    if (t->op == TY_DOT) type(p, t);
    else type_atom(p, t);
}

static void type(Printer *p, const Node *t)
{
    switch (t->op) {
    case TY_NAME:
        if (t->n) { type(p, t->kid[0]); put(p, "::"); }
        put(p, t->name->name);
        break;
    case TY_TUPLE: put(p, "("); list(p, t, ", "); put(p, ")"); break;
    case TY_SEQ: put(p, "<"); type(p, t->kid[0]); put(p, ">"); break;
    case TY_SET: put(p, "{"); type(p, t->kid[0]); put(p, "}"); break;
    case TY_MAP: put(p, "(| "); type_dot(p, t->kid[0]); put(p, " => "); type(p, t->kid[1]); put(p, " |)"); break;
    case TY_DOT: type_atom(p, t->kid[0]); put(p, "."); type_dot(p, t->kid[1]); break;
    case TY_DOTABLE: case TY_EXTENDABLE:
        type_dot(p, t->kid[0]);
        put(p, t->op == TY_DOTABLE ? " => " : " =>* ");
        type(p, t->kid[1]);
        break;
    case TY_FUN:
        put(p, "(");
        for (uint32_t i = 0; i < t->kid[0]->n; i++) {
            if (i) put(p, ", ");
            type(p, t->kid[0]->kid[i]);
        }
        put(p, ") -> ");
        type(p, t->kid[1]);
        break;
    case TY_SCHEME:
        put(p, "(");
        for (uint32_t i = 0; i < t->kid[0]->n; i++) {
            if (i) put(p, ", ");
            type(p, t->kid[0]->kid[i]);
        }
        put(p, ") => ");
        type(p, t->kid[1]);
        break;
    case TY_CLASS: put(p, t->name->name); put(p, " "); type(p, t->kid[0]); break;
    }
}

/* Sequences, sets, ranges, comprehensions, {| |} and maps. */
static void collection(Printer *p, const Node *e)
{
    switch ((NodeKind)e->kind) {
    case N_SEQ: put(p, e->n ? "<" : "<>"); elements(p, e); if (e->n) put(p, ">"); break;
    case N_SET: put(p, "{"); elements(p, e); put(p, "}"); break;
    case N_RANGE:
        put(p, e->op == RANGE_SEQ ? "<" : "{");
        atom(p, e->kid[0]);
        put(p, "..");
        if (e->kid[1]) atom(p, e->kid[1]);
        put(p, e->op == RANGE_SEQ ? ">" : "}");
        break;
    case N_COMP: {
        const Node *el = e->kid[0];
        put(p, e->op == RANGE_SEQ ? "<" : "{");
        if (el->kind == N_RANGE) {
            atom(p, el->kid[0]);
            put(p, "..");
            if (el->kid[1]) atom(p, el->kid[1]);
        } else {
            elements(p, el);
        }
        put(p, " | ");
        stmts(p, e->kid[1]);
        put(p, e->op == RANGE_SEQ ? ">" : "}");
        break;
    }
    case N_PROD:
        if (!e->kid[0]->n && !e->kid[1]) { put(p, "{| |}"); break; }   /* no events */
        put(p, "{| ");
        elements(p, e->kid[0]);
        if (e->kid[1]) { put(p, e->kid[0]->n ? " | " : "| "); stmts(p, e->kid[1]); }
        put(p, " |}");
        break;
    case N_MAP:
        put(p, "(| ");
        pairs(p, e, " => ");
        put(p, " |)");
        break;
    default: break;
    }
}

/* The parallel, renaming and replicated process operators. */
static void process_operator(Printer *p, const Node *e)
{
    void **ctxs = NULL;
    int n = expansion_of(p, e, &ctxs);
    if (n >= 0) {
        expanded(p, e, n, ctxs);
        free(ctxs);
        return;
    }
    switch ((NodeKind)e->kind) {
    case N_GENPAR: case N_EXCEPT:
        opnd(p, e->kid[0], LV_PAR + 1);
        put(p, " [| ");
        expr(p, e->kid[1]);
        put(p, e->kind == N_GENPAR ? " |] " : " |> ");
        opnd(p, e->kid[2], LV_PAR + 1);
        break;
    case N_ALPHPAR:
        opnd(p, e->kid[0], LV_PAR + 1);
        put(p, " [");
        atom(p, e->kid[1]);
        put(p, " || ");
        atom(p, e->kid[2]);
        put(p, "] ");
        opnd(p, e->kid[3], LV_PAR + 1);
        break;
    case N_SYNCEXT: case N_SYNCINT:
        opnd(p, e->kid[0], level(e));
        if (p->minimal && e->kind == N_SYNCEXT) {   /* as FDR prints a value: [+{b}+] */
            put(p, " [+");
            atom(p, e->kid[1]);
            put(p, "+] ");
            opnd(p, e->kid[2], level(e) + 1);
            break;
        }
        put(p, e->kind == N_SYNCEXT ? " [+ " : " /+ ");
        expr(p, e->kid[1]);
        put(p, e->kind == N_SYNCEXT ? " +] " : " +\\ ");
        opnd(p, e->kid[2], level(e) + 1);
        break;
    case N_LINKPAR:
        opnd(p, e->kid[0], LV_PAR + 1);
        put(p, " [");
        pairs(p, e->kid[1], " <-> ");
        if (e->kid[2]) { put(p, " | "); stmts(p, e->kid[2]); }
        put(p, "] ");
        opnd(p, e->kid[3], LV_PAR + 1);
        break;
    case N_RENAME:
        opnd(p, e->kid[0], LV_APPLY);
        put(p, "[[");
        pairs(p, e->kid[1], " <- ");
        if (e->kid[2]) { put(p, " | "); stmts(p, e->kid[2]); }
        put(p, "]]");
        break;
    case N_REP:
        if (e->op == OP_PAR) {
            put(p, "|| ");
            stmts(p, e->kid[0]);
            put(p, " @ [");
            atom(p, e->kid[1]->kid[0]);
            put(p, "] ");
            atom(p, e->kid[1]->kid[1]);
        } else {
            fprintf(p->out, "%s ", ast_op_spelling[e->op]);
            stmts(p, e->kid[0]);
            put(p, " @ ");
            opnd(p, e->kid[1], 0);
        }
        break;
    case N_REPGENPAR: case N_REPSYNCEXT:
        put(p, e->kind == N_REPGENPAR ? "[| " : "[+ ");
        expr(p, e->kid[0]);
        put(p, e->kind == N_REPGENPAR ? " |] " : " +] ");
        stmts(p, e->kid[1]);
        put(p, " @ ");
        atom(p, e->kid[2]);
        break;
    case N_REPLINK:
        put(p, "[");
        pairs(p, e->kid[0], " <-> ");
        if (e->kid[1]) { put(p, " | "); stmts(p, e->kid[1]); }
        put(p, "] ");
        stmts(p, e->kid[2]);
        put(p, " @ ");
        atom(p, e->kid[3]);
        break;
    case N_ALPHA: put(p, "["); atom(p, e->kid[0]); put(p, "] "); atom(p, e->kid[1]); break;
    default: break;
    }
}

static void expr(Printer *p, const Node *e)
{
    switch ((NodeKind)e->kind) {
    case N_INT: fprintf(p->out, "%" PRId64, e->num); break;
    case N_CHAR: put(p, "'"); put_codepoint(p, e->num); put(p, "'"); break;
    case N_STRING:
        put(p, "\"");
        put_char_escaped(p, (const unsigned char *)e->str, e->len, '"');
        put(p, "\"");
        break;
    case N_BOOL: put(p, e->num ? "true" : "false"); break;
    case N_VAR:
        if (!p->var || !p->var(p->var_ctx, p->out, e)) put(p, e->name->name);
        break;
    case N_QUAL: atom(p, e->kid[0]); put(p, "::"); put(p, e->name->name); break;
    case N_WILD: put(p, "_"); break;
    case N_TUPLE: put(p, "("); list(p, e, ", "); put(p, ")"); break;
    case N_SEQ: case N_SET: case N_RANGE: case N_COMP: case N_PROD: case N_MAP:
        collection(p, e);
        break;
    case N_DOT: opnd(p, e->kid[0], LV_DOT + 1); put(p, "."); opnd(p, e->kid[1], LV_DOT); break;
    case N_APPLY: opnd(p, e->kid[0], LV_APPLY); put(p, "("); list(p, e->kid[1], ", "); put(p, ")"); break;
    case N_LAMBDA: put(p, "\\ "); list(p, e->kid[0], ", "); put(p, " @ "); opnd(p, e->kid[1], 0); break;
    case N_LET:
        put(p, "let");
        decls_block(p, e->kid[0]);
        newline(p);
        put(p, "within ");
        opnd(p, e->kid[1], 0);
        break;
    case N_IF:
        put(p, "if ");
        opnd(p, e->kid[0], 0);
        put(p, " then ");
        opnd(p, e->kid[1], 0);
        put(p, " else ");
        opnd(p, e->kid[2], 0);
        break;
    case N_BINOP: {
        int lv = binop_level(e->op);
        bool right = e->op == OP_GUARD, nonassoc = lv == LV_COMPARE;
        /* values: an associative process operator prints flat, as FDR's */
        bool flat = p->minimal && (e->kid[1]->kind == N_BINOP || e->kid[1]->kind == N_REP) &&
                    e->kid[1]->op == e->op &&
                    (e->op == OP_EXTCHOICE || e->op == OP_INTCHOICE || e->op == OP_INTERLEAVE ||
                     e->op == OP_SEQ);
        opnd(p, e->kid[0], right || nonassoc ? lv + 1 : lv);
        fprintf(p->out, " %s ", ast_op_spelling[e->op]);
        opnd(p, e->kid[1], right || flat ? lv : lv + 1);
        break;
    }
    case N_UNOP:
        put(p, ast_op_spelling[e->op]);
        if (e->op == OP_NOT) put(p, " ");
        opnd(p, e->kid[0], level(e));
        break;
    case N_ATAT: opnd(p, e->kid[0], LV_ATAT + 1); put(p, " @@ "); opnd(p, e->kid[1], LV_ATAT + 1); break;
    case N_FIELD: event(p, e); break;
    case N_RESTRICT: atom(p, e->kid[0]); put(p, " : "); atom(p, e->kid[1]); break;
    case N_PREFIX: event(p, e->kid[0]); put(p, " -> "); opnd(p, e->kid[1], LV_PREFIX); break;
    case N_GEN: atom(p, e->kid[0]); put(p, e->op == GEN_ARROW ? " <- " : " : "); atom(p, e->kid[1]); break;
    case N_GENPAR: case N_EXCEPT: case N_ALPHPAR: case N_SYNCEXT: case N_SYNCINT: case N_LINKPAR:
    case N_RENAME: case N_REP: case N_REPGENPAR: case N_REPSYNCEXT: case N_REPLINK: case N_ALPHA:
        process_operator(p, e);
        break;
    case N_TYPE: type(p, e); break;
    case N_LIST: list(p, e, ", "); break;
    default: decl(p, e); break;
    }
}

static void options(Printer *p, const Node *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        const Node *o = l->kid[i];
        if (o->op == OPT_POR) {
            put(p, " :[partial order reduce");
            if (o->name) fprintf(p->out, " [%s]", o->name->name);
            put(p, "]");
        } else {
            put(p, o->op == OPT_TAU ? " :[tau priority]: " : " :[tau priority over]: ");
            atom(p, o->kid[0]);
        }
    }
}

static void model_tag(Printer *p, int64_t model)
{
    if (model != MODEL_NONE) fprintf(p->out, " [%s]", ast_model_name[model]);
}

static void clause_fields(Printer *p, const Node *f)
{
    /* `B.T.T` rather than `B.(T.T)`: the fields form a right-nested dot chain. */
    while (f->kind == N_DOT && !f->parenthesized) {
        atom(p, f->kid[0]);
        put(p, ".");
        f = f->kid[1];
    }
    atom(p, f);
}

static void decl(Printer *p, const Node *d)
{
    switch ((NodeKind)d->kind) {
    case N_FUNCLAUSE:
        put(p, d->name->name);
        for (uint32_t i = 0; i < d->kid[0]->n; i++) {
            put(p, "(");
            list(p, d->kid[0]->kid[i], ", ");
            put(p, ")");
        }
        put(p, " = ");
        expr(p, d->kid[1]);
        break;
    case N_PATBIND: atom(p, d->kid[0]); put(p, " = "); expr(p, d->kid[1]); break;
    case N_CHANNEL:
        put(p, "channel ");
        list(p, d->kid[0], ", ");
        if (d->kid[1]) { put(p, " : "); expr(p, d->kid[1]); }
        break;
    case N_DATATYPE: case N_SUBTYPE:
        fprintf(p->out, "%s %s = ", d->kind == N_DATATYPE ? "datatype" : "subtype", d->name->name);
        for (uint32_t i = 0; i < d->n; i++) {
            const Node *c = d->kid[i];
            if (i) put(p, " | ");
            put(p, c->name->name);
            if (c->kid[0]) { put(p, "."); clause_fields(p, c->kid[0]); }
        }
        break;
    case N_NAMETYPE: fprintf(p->out, "nametype %s = ", d->name->name); expr(p, d->kid[0]); break;
    case N_EXTERNAL: case N_TRANSPARENT:
        put(p, d->kind == N_EXTERNAL ? "external " : "transparent ");
        list(p, d, ", ");
        break;
    case N_TYPESIG: list(p, d->kid[0], ", "); put(p, " :: "); type(p, d->kid[1]); break;
    case N_ASSERT: {
        const Node *a = d->kid[0];
        put(p, d->op ? "assert not " : "assert ");
        if (a->kind == N_REFINE) {
            atom(p, a->kid[0]);
            fprintf(p->out, " [%s= ", ast_model_name[a->op]);
            atom(p, a->kid[1]);
            options(p, a->kid[2]);
        } else if (a->kind == N_PROPERTY) {
            atom(p, a->kid[0]);
            put(p, a->op == PROP_DEADLOCK ? " :[deadlock free"
                   : a->op == PROP_DIVERGENCE ? " :[divergence free" : " :[deterministic");
            model_tag(p, a->num);
            put(p, "]");
            options(p, a->kid[1]);
        } else {
            atom(p, a->kid[0]);
            put(p, " :[has trace");
            model_tag(p, a->num);
            put(p, "]: ");
            atom(p, a->kid[1]);
            options(p, a->kid[2]);
        }
        break;
    }
    case N_PRINT: put(p, "print "); expr(p, d->kid[0]); break;
    case N_MODULE:
        fprintf(p->out, "module %s", d->name->name);
        if (d->kid[0]->n) { put(p, "("); list(p, d->kid[0], ", "); put(p, ")"); }
        decls_block(p, d->kid[1]);
        newline(p);
        put(p, "exports");
        decls_block(p, d->kid[2]);
        newline(p);
        put(p, "endmodule");
        break;
    case N_INSTANCE:
        fprintf(p->out, "instance %s = ", d->name->name);
        expr(p, d->kid[0]);
        if (d->kid[1]) { put(p, "("); list(p, d->kid[1], ", "); put(p, ")"); }
        break;
    case N_TIMED:
        put(p, "Timed");
        if (d->kid[1]) { put(p, "("); expr(p, d->kid[1]); put(p, ")"); }
        if (!d->kid[0]->n) { put(p, " { }"); break; }
        put(p, " {");
        decls_block(p, d->kid[0]);
        newline(p);
        put(p, "}");
        break;
    default:
        expr(p, d);
    }
}

void unparse_script(FILE *out, const Node *script)
{
    Printer p = { out, 0, NULL, NULL, NULL, false, 0 };
    for (uint32_t i = 0; i < script->n; i++) {
        decl(&p, script->kid[i]);
        fputc('\n', out);
    }
}

void unparse_expr(FILE *out, const Node *e)
{
    unparse_expr_with(out, e, NULL, NULL);
}

void unparse_expr_with(FILE *out, const Node *e, UnparseVar var, void *ctx)
{
    Printer p = { out, 0, var, NULL, ctx, false, 0 };
    expr(&p, e);
}

void unparse_value_with(FILE *out, const Node *e, UnparseVar var, void *ctx)
{
    unparse_value_expanded(out, e, var, NULL, ctx);
}

void unparse_value_expanded(FILE *out, const Node *e, UnparseVar var, UnparseRep rep, void *ctx)
{
    Printer p = { out, 0, var, rep, ctx, true, 0 };
    expr(&p, e);
}

/* ---- s-expression dump ---- */

static void tree(FILE *out, const Node *x)
{
    if (!x) {
        fputs("_", out);
        return;
    }
    fprintf(out, "(%s", ast_kind_name[x->kind]);
    switch (x->kind) {
    case N_INT: case N_CHAR: case N_BOOL: fprintf(out, " %" PRId64, x->num); break;
    case N_STRING:
        fputs(" \"", out);
        for (uint32_t i = 0; i < x->len; i++) {
            unsigned char c = (unsigned char)x->str[i];
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7F) fprintf(out, "\\x%02X", c);
            else fputc(c, out);
        }
        fputc('"', out);
        break;
    case N_PROPERTY: case N_HASTRACE: fprintf(out, " model=%" PRId64, x->num); break;
    default: break;
    }
    if (x->op) {
        if (x->kind == N_BINOP || x->kind == N_UNOP || x->kind == N_REP)
            fprintf(out, " '%s'", ast_op_spelling[x->op]);
        else
            fprintf(out, " op=%d", x->op);
    }
    switch (x->kind) {
    case N_VAR: case N_QUAL: case N_DATATYPE: case N_SUBTYPE: case N_CLAUSE: case N_NAMETYPE:
    case N_FUNCLAUSE: case N_MODULE: case N_INSTANCE: case N_OPTION: case N_TYPE:
        if (x->name) fprintf(out, " %s", x->name->name);
        break;
    default: break;
    }
    for (uint32_t i = 0; i < x->n; i++) {
        fputc(' ', out);
        tree(out, x->kid[i]);
    }
    fputc(')', out);
}

void unparse_tree(FILE *out, const Node *script)
{
    for (uint32_t i = 0; i < script->n; i++) {
        tree(out, script->kid[i]);
        fputc('\n', out);
    }
}
