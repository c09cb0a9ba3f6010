/* ast.c - node constructors and structural equality; see ast.h. */
#include "ast.h"

#include <stdarg.h>
#include <string.h>

#define AST_AS_NAME(k) #k,
const char *const ast_kind_name[N__COUNT] = { AST_KINDS(AST_AS_NAME) };
#define AST_OP_SPELL(k, s) s,
const char *const ast_op_spelling[OP__COUNT] = { AST_OPS(AST_OP_SPELL) };
#define AST_MODEL_SPELL(k, s) s,
const char *const ast_model_name[MODEL__COUNT] = { AST_MODELS(AST_MODEL_SPELL) };

static void note_child(Ast *a, Node *parent, const Node *child)
{
    if (!child) return;
    if (child->depth + 1 > parent->depth) parent->depth = child->depth + 1;
    if (parent->span.file == UINT32_MAX) parent->span = child->span;
    else parent->span = span_join(parent->span, child->span);
    if (parent->depth > AST_MAX_DEPTH && !a->too_deep) {
        a->too_deep = true;
        diag_error(a->diag, child->span, "expression nested too deeply (more than %d levels)",
                   AST_MAX_DEPTH);
    }
}

/* A node and its n child slots, in one allocation. */
static Node *alloc_node(Ast *a, NodeKind k, int op, Span at, uint32_t n)
{
    Node *x = arena_alloc_small(a->arena, sizeof *x + n * sizeof *x->kid);
    x->kind = (uint8_t)k;
    x->op = (uint8_t)op;
    x->span = at;
    x->depth = 1;
    x->n = n;
    x->cap = n;
    x->kid = n ? (Node **)(x + 1) : NULL;
    return x;
}

Node *ast_new(Ast *a, NodeKind k, int op, Span at, int n, ...)
{
    Node *x = alloc_node(a, k, op, at, (uint32_t)n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        x->kid[i] = va_arg(ap, Node *);
        note_child(a, x, x->kid[i]);
    }
    va_end(ap);
    return x;
}

Node *ast_from_vec(Ast *a, NodeKind k, int op, Span at, const Vec *kids)
{
    Node *x = alloc_node(a, k, op, at, kids->n);
    for (uint32_t i = 0; i < kids->n; i++) {
        x->kid[i] = kids->items[i];
        note_child(a, x, x->kid[i]);
    }
    return x;
}

Node *ast_append(Ast *a, Node *list, Node *item)
{
    if (list->n == list->cap) {
        uint32_t cap = list->cap ? list->cap * 2 : 2;
        Node **kid = arena_alloc_small(a->arena, cap * sizeof *kid);
        if (list->n) memcpy(kid, list->kid, list->n * sizeof *kid);
        list->kid = kid;
        list->cap = cap;
    }
    list->kid[list->n++] = item;
    note_child(a, list, item);
    return list;
}

Node *ast_name(Ast *a, NodeKind k, Span at, const Sym *name)
{
    Node *x = alloc_node(a, k, 0, at, 0);
    x->name = name;
    return x;
}

Node *ast_int(Ast *a, NodeKind k, Span at, int64_t num)
{
    Node *x = alloc_node(a, k, 0, at, 0);
    x->num = num;
    return x;
}

Node *ast_string(Ast *a, Span at, const char *utf8, uint32_t len)
{
    Node *x = alloc_node(a, N_STRING, 0, at, 0);
    x->str = arena_strndup(a->arena, utf8, len);
    x->len = len;
    return x;
}

static bool has_name(NodeKind k)
{
    switch (k) {
    case N_VAR: case N_QUAL: case N_DATATYPE: case N_SUBTYPE: case N_CLAUSE: case N_NAMETYPE:
    case N_FUNCLAUSE: case N_MODULE: case N_INSTANCE: case N_OPTION: case N_TYPE:
        return true;
    default:
        return false;
    }
}

bool ast_equal(const Node *x, const Node *y)
{
    if (x == y) return true;
    if (!x || !y) return false;
    if (x->kind != y->kind || x->op != y->op || x->n != y->n || x->flags != y->flags)
        return false;
    switch (x->kind) {
    case N_INT: case N_CHAR: case N_BOOL: case N_PROPERTY: case N_HASTRACE:
        if (x->num != y->num) return false;
        break;
    case N_STRING:
        if (x->len != y->len || memcmp(x->str, y->str, x->len) != 0) return false;
        break;
    default:
        if (has_name(x->kind) && x->name != y->name) return false;
    }
    for (uint32_t i = 0; i < x->n; i++)
        if (!ast_equal(x->kid[i], y->kid[i])) return false;
    return true;
}

Node *ast_prefix(Ast *a, Node *event, Node *body)
{
    return ast_new(a, N_PREFIX, 0, event->span, 2, event, body);
}

/* Binary process operators at levels 2-8 of LANGUAGE.md §1.6, except linked
 * parallel, which libcspm's transformHideProject leaves alone. */
static bool rotates_under_hiding(const Node *x)
{
    if (x->parenthesized) return false;
    switch (x->kind) {
    case N_BINOP:
        switch (x->op) {
        case OP_SEQ: case OP_TIMEOUT: case OP_INTERRUPT: case OP_EXTCHOICE: case OP_INTCHOICE:
        case OP_INTERLEAVE:
            return true;
        default:
            return false;
        }
    case N_GENPAR: case N_ALPHPAR: case N_EXCEPT: case N_SYNCEXT: case N_SYNCINT:
        return true;
    default:
        return false;
    }
}

Node *ast_hide(Ast *a, int op, Node *p, Node *set)
{
    /* `P \ A op Q` parsed as `P \ (A op Q)` becomes `(P \ A) op Q`, recursively
     * on the left operand, so the set after `\` ends at the next operator. */
    if (rotates_under_hiding(set)) {
        Node *rot = arena_dup(a->arena, set, sizeof *set);
        rot->kid = arena_dup(a->arena, set->kid, set->n * sizeof *set->kid);
        rot->cap = rot->n;
        rot->kid[0] = ast_hide(a, op, p, set->kid[0]);
        rot->span = span_join(p->span, set->span);
        rot->depth = 1;
        for (uint32_t i = 0; i < rot->n; i++)
            if (rot->kid[i] && rot->kid[i]->depth + 1 > rot->depth) rot->depth = rot->kid[i]->depth + 1;
        return rot;
    }
    return ast_new(a, N_BINOP, op, p->span, 2, p, set);
}
