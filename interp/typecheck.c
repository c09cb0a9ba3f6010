/* typecheck.c - the inference walk: definitions in dependency order,
 * expressions, patterns, dotted events, and the messages (see types.h).
 *
 * The algorithm: the script's declarations (modules' and Timed sections'
 * flattened into it) become units (one function's clauses, one pattern
 * binding, one channel declaration, ...); the units' dependency graph is cut
 * into strongly connected components (Tarjan, iterative), which are typed in
 * order: each component's definitions get fresh variables one level deeper,
 * are inferred, and are generalised when done. `let` definitions are not
 * generalised unless annotated. A unit stops reporting after its first
 * error, and its definitions are then treated as of unknown type, so one
 * mistake gives one message.
 */
#include "types_internal.h"

#include "interp.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The error paths keep their buffers off the recursion's frames. */
#define COLD __attribute__((noinline, cold))

/* At most this many operands in one dotted chain are followed statically. */
enum { MAX_DOT_OPS = 64 };

typedef struct {
    Span at;
    uint32_t seq;
    char *msg, *hint;
} TyErr;

typedef struct {
    Node **decls;
    uint32_t n_decls;
    const ResDef *fn;       /* FUNCTION: the function; else NULL */
    bool in_timed;          /* declared inside a Timed section */
    uint32_t *deps;
    uint32_t n_deps;
    uint32_t index, low;    /* Tarjan; index 0: unvisited */
    bool on_stack;
} Unit;

typedef struct {
    Interp *in;
    Types *T;
    uint32_t level;
    Unit *units;
    uint32_t n_units, cap_units;
    bool failed;            /* the current unit has reported its error */
    TyErr *errs;
    uint32_t n_errs, cap_errs;
    const Node *script;
    bool absorbed;          /* consume: an operand of unknown shape may fill the rest */
    const char *ctx;        /* the function whose arguments are being checked, for messages */
    bool in_timed;          /* checking a definition of a Timed section */
    bool in_event;          /* consume: the dotted value is a prefix's event */
} Ck;

static Type *infer(Ck *c, Node *x);
static Type *pat(Ck *c, Node *p);
static Type *own_type(Ck *c, DefInfo *di);
static Type *field_type(Ck *c, Node *x);
static void check_decl(Ck *c, Node *d);

/* ---- messages ---- */

static const char *text_of(Ck *c, const Node *x, char *buf, size_t cap)
{
    const char *src = src_text(c->in->src, x->span.file);
    size_t n = x->span.end > x->span.start ? x->span.end - x->span.start : 0;
    diag_shorten(buf, cap, src ? src + x->span.start : "", src ? n : 0);
    return buf;
}

static void vreport(Ck *c, Span at, const char *hint, const char *fmt, va_list ap)
{
    if (c->failed) return;
    c->failed = true;
    char msg[DIAG_MESSAGE_MAX + 1];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (c->n_errs == c->cap_errs) {
        c->cap_errs = c->cap_errs ? 2 * c->cap_errs : 16;
        c->errs = xrealloc(c->errs, c->cap_errs * sizeof *c->errs);
    }
    TyErr *e = &c->errs[c->n_errs];
    e->at = at;
    e->seq = c->n_errs++;
    e->msg = arena_strndup(c->T->arena, msg, strlen(msg));
    e->hint = hint ? arena_strndup(c->T->arena, hint, strlen(hint)) : NULL;
}

static void report(Ck *c, Span at, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(Ck *c, Span at, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(c, at, hint, fmt, ap);
    va_end(ap);
}

/* "a process (Proc)": the type with CSP words in front. */
static void describe(char *buf, size_t cap, const Type *t, TyNames *nm)
{
    char ty[400];
    ty_print(ty, sizeof ty, t, nm, false);
    t = ty_resolve((Type *)t);
    const char *w = NULL;
    switch (t->kind) {
    case TT_PROC: w = "a process"; break;
    case TT_EVENT: w = "an event"; break;
    case TT_INT: w = "an integer"; break;
    case TT_BOOL: w = "a boolean"; break;
    case TT_CHAR: w = "a character"; break;
    case TT_SET: w = "a set"; break;
    case TT_SEQ: w = "a sequence"; break;
    case TT_TUPLE: w = "a tuple"; break;
    case TT_MAP: w = "a map"; break;
    case TT_FUN: w = "a function"; break;
    case TT_DATA: w = "a datatype value"; break;
    case TT_DOT: w = "a dotted value"; break;
    case TT_DOTABLE:
        w = ty_resolve(t->kid[t->n - 1])->kind == TT_EVENT ? "an incomplete event"
                                                             : "a constructor without its fields";
        break;
    default: break;
    }
    if (w) snprintf(buf, cap, "%s (%s)", w, ty);
    else snprintf(buf, cap, "%s", ty);
}

/* Reports why the last unification or class check failed, at `at`;
 * expected/found are the outer types; op names the operation for classes. */
static void explain(Ck *c, Span at, Type *expected, Type *found, const char *op, const char *hint)
{
    Types *T = c->T;
    TyNames nm = { .n = 0 };
    char a[500], b[500], ia[300], ib[300];
    switch (T->why) {
    case UF_INFINITE:
        ty_print(a, sizeof a, T->why_a, &nm, false);
        ty_print(b, sizeof b, T->why_b, &nm, false);
        report(c, at, hint, "cannot construct the infinite type %s = %s", a, b);
        return;
    case UF_CLASS: {
        Type *t = ty_resolve(T->why_a);
        const char *cls = ty_class_name(T->why_cls);
        ty_print(a, sizeof a, t, &nm, false);
        if (t->kind == TT_PROC && (T->why_cls & C_EQ) && op)
            report(c, at, hint, "%s cannot compare processes (Proc has no equality, Eq)", op);
        else if (t->kind == TT_PROC && (T->why_cls & C_EQ) && c->ctx)
            report(c, at, hint, "'%s' compares its values, and processes cannot be compared "
                   "(Proc has no equality, Eq)", c->ctx);
        else if (t->kind == TT_FUN && (T->why_cls & (C_EQ | C_SET)))
            report(c, at, hint, "functions cannot be compared or put in sets: %s is not in class %s",
                   a, cls);
        else if ((T->why_cls & C_ORD) && op)
            report(c, at, hint, "%s cannot order values of type %s (it is not in class Ord)", op, a);
        else if (t->kind == TT_VAR)
            report(c, at, hint, "the type variable %s of the annotation needs the constraint %s "
                   "(add `%s %s =>` to it)", a, cls, cls, a);
        else if (op)
            report(c, at, hint, "%s needs values of class %s; the type %s is not in it", op, cls, a);
        else
            report(c, at, hint, "the type %s does not have the constraint %s", a, cls);
        return;
    }
    default: {
        describe(a, sizeof a, expected, &nm);
        describe(b, sizeof b, found, &nm);
        Type *wa = T->why_a, *wb = T->why_b;
        bool inner = wa && wb && ty_resolve(wa) != ty_resolve(expected) &&
                     ty_resolve(wb) != ty_resolve(found);
        if (inner) {
            ty_print(ia, sizeof ia, wa, &nm, false);
            ty_print(ib, sizeof ib, wb, &nm, false);
            report(c, at, hint, "expected %s, found %s (%s does not match %s)", a, b, ia, ib);
        } else if (T->why == UF_RIGID) {
            report(c, at, hint, "expected %s, found %s (the type annotation allows any type here)",
                   a, b);
        } else {
            report(c, at, hint, "expected %s, found %s", a, b);
        }
    }
    }
}

/* ---- helpers ---- */

static Type *fresh(Ck *c) { return ty_var(c->T, c->level, 0); }
static Type *base(Ck *c, TypeKind k) { return ty_base(c->T, k); }
static Type *dyn(Ck *c) { return ty_base(c->T, TT_DYN); }

static bool unify_at(Ck *c, Span at, Type *expected, Type *found, const char *hint)
{
    if (ty_unify(c->T, expected, found)) return true;
    explain(c, at, expected, found, NULL, hint);
    return false;
}

/* Infers x and unifies it with `expected`, reporting at x. */
static Type *check(Ck *c, Node *x, Type *expected)
{
    Type *t = infer(c, x);
    unify_at(c, x->span, expected, t, NULL);
    return t;
}

static void need_class(Ck *c, Span at, Type *t, uint8_t cls, const char *op)
{
    if (!ty_require(c->T, t, cls)) explain(c, at, t, t, op, NULL);
}

static Type *set_of(Ck *c, Type *t) { return ty_one(c->T, TT_SET, t); }
static Type *seq_of(Ck *c, Type *t) { return ty_one(c->T, TT_SEQ, t); }

/* The element type of a set expression x (reported if x is no set). */
static Type *elem_of_set(Ck *c, Node *x)
{
    Type *e = fresh(c);
    check(c, x, set_of(c, e));
    return e;
}

static DefInfo *info(Ck *c, const ResDef *d) { return ty_info(c->T, d); }

static Type *builtin_type(Ck *c, uint32_t id)
{
    Type **b = &c->T->builtin[id];
    if (!*b) *b = ty_parse_builtin(c->T, res_builtins[id].type);
    return ty_instantiate(c->T, *b, c->level);
}

/* The datatype a SUBTYPE declaration takes its values from, or NULL. */
static const ResDef *subtype_parent(const ResDef *d)
{
    Node *decl = d->decl;
    for (uint32_t i = 0; decl && i < decl->n; i++) {
        Node *cl = decl->kid[i];
        if (cl->res && cl->res->def && cl->res->def->owner) return cl->res->def->owner;
    }
    return NULL;
}

/* The type of a use of definition d. */
static Type *def_type(Ck *c, const ResDef *d)
{
    switch ((ResDefKind)d->kind) {
    case RES_DEF_BUILTIN:
        return builtin_type(c, d->index);
    case RES_DEF_DATATYPE:
        return set_of(c, ty_data(c->T, d));
    case RES_DEF_SUBTYPE: {
        const ResDef *p = subtype_parent(d);
        return p ? set_of(c, ty_data(c->T, p)) : dyn(c);
    }
    case RES_DEF_MODPARAM:
        return dyn(c);
    default: {
        DefInfo *di = ty_find(c->T, d);
        if (!di || !di->type || di->broken) return dyn(c);
        return ty_instantiate(c->T, di->type, c->level);
    }
    }
}

/* The type of a name used in an expression: a module is no value, and
 * WAIT exists only inside Timed sections. */
static Type *use_type(Ck *c, Node *x)
{
    const ResDef *d = x->res->def;
    if (d->kind == RES_DEF_MODULE || d->kind == RES_DEF_INSTANCE) {
        report(c, x->span, NULL, "'%s' is a module%s, not a value: name one of its members, "
               "'%s::name'", d->name->name, d->kind == RES_DEF_INSTANCE ? " instance" : "",
               d->name->name);
        return dyn(c);
    }
    if (d->kind == RES_DEF_BUILTIN && d->index == RES_BI_WAIT && !c->in_timed) {
        report(c, x->span, NULL, "WAIT is only available inside a Timed section");
        return dyn(c);
    }
    return def_type(c, d);
}

/* ---- dotted values and events ---- */

typedef struct {
    Node *x;
    bool is_pat;        /* a pattern (an input, or a function argument) */
    Node *restrict_;    /* `?x:S`: S */
} Op;

static uint32_t flatten_dot(Node *x, bool is_pat, Op *ops, uint32_t n)
{
    if (x->kind == N_DOT && n < MAX_DOT_OPS) {
        n = flatten_dot(x->kid[0], is_pat, ops, n);
        return flatten_dot(x->kid[1], is_pat, ops, n);
    }
    if (n < MAX_DOT_OPS) ops[n++] = (Op){ x, is_pat, NULL };
    return n;
}

/* Flattens an event `c.x?y!z` into its operands; false if it has more
 * operands than are followed. */
static uint32_t flatten_event(Node *e, Op *ops, uint32_t n)
{
    if (e->kind != N_FIELD) return flatten_dot(e, false, ops, n);
    n = flatten_event(e->kid[0], ops, n);
    uint32_t first = n;
    n = flatten_dot(e->kid[1], e->op != FIELD_OUT, ops, n);
    if (n > first && e->kid[2]) ops[n - 1].restrict_ = e->kid[2];
    return n;
}

static bool is_binder(const Node *p)
{
    return p->kind == N_WILD ||
           (p->kind == N_VAR && p->res && p->res->role == RES_ROLE_BIND);
}

/* Binds a pattern variable (or `_`) to t. */
static void bind_pat(Ck *c, Node *p, Type *t)
{
    if (p->kind == N_VAR && p->res && p->res->def) {
        DefInfo *di = info(c, p->res->def);
        if (di->state == 1 && di->type) {
            unify_at(c, p->span, di->type, t, NULL);
        } else {
            di->type = t;
            di->state = 2;
        }
    }
}

static Type *op_type(Ck *c, Op *o)
{
    return o->is_pat ? pat(c, o->x) : infer(c, o->x);
}

/* A field written as a literal integer outside a channel's literal range
 * `{a..b}` (or set of literals): `c!5` with `channel c : {0..2}`. */
static void check_constant(Ck *c, const Node *range, const Node *lit, const ResDef *chan)
{
    if (!range || !lit || lit->kind != N_INT) return;
    bool inside = false;
    if (range->kind == N_RANGE && range->op == RANGE_SET && range->n == 2 && range->kid[1] &&
        range->kid[0]->kind == N_INT && range->kid[1]->kind == N_INT) {
        inside = lit->num >= range->kid[0]->num && lit->num <= range->kid[1]->num;
    } else if (range->kind == N_SET && range->n) {
        for (uint32_t i = 0; i < range->n; i++) {
            if (range->kid[i]->kind != N_INT) return;
            if (range->kid[i]->num == lit->num) inside = true;
        }
    } else {
        return;
    }
    if (inside) return;
    char r[200];
    text_of(c, range, r, sizeof r);
    report(c, lit->span, NULL, "'%s' carries %s; %lld is outside it", chan->name->name, r,
           (long long)lit->num);
}

/* Dots a value of type `head` with the operands ops[0..n) as far as its
 * fields go; *used says how many operands were taken. chan: the channel
 * `head` names directly (for constant checks), else NULL. */
static Type *consume(Ck *c, Type *head, Op *ops, uint32_t n, uint32_t *used, const ResDef *chan,
                     bool absorb)
{
    Type *h = ty_resolve(head);
    *used = 0;
    if (h->kind != TT_DOTABLE) return h;
    uint32_t nf = h->n - 1, i = 0, j = 0;
    Type *R = h->kid[nf];
    bool unknown = false;
    DefInfo *ci = chan ? ty_find(c->T, chan) : NULL;
    while (i < nf && j < n) {
        Op *o = &ops[j];
        bool last = j + 1 == n;
        if (o->is_pat && is_binder(o->x)) {
            Type *t = h->kid[i];
            if (last && !absorb) {
                /* the last input inside a constructor's fields: it may take the
                 * outer fields too (`dd.DD.0?x`); its shape is left to run time */
                bind_pat(c, o->x, fresh(c));
                c->absorbed = true;
                i = nf;
                j++;
                continue;
            }
            if (last && absorb && nf - i > 1) {
                t = ty_new(c->T, TT_DOT, nf - i);
                memcpy(t->kid, h->kid + i, (nf - i) * sizeof *t->kid);
                i = nf;
            } else {
                i++;
            }
            bind_pat(c, o->x, t);
            if (o->restrict_) check(c, o->restrict_, set_of(c, t));
            j++;
            continue;
        }
        Type *t = ty_resolve(op_type(c, o));
        Type *f = ty_resolve(h->kid[i]);
        if (o->restrict_) check(c, o->restrict_, set_of(c, t));
        if (t->kind == TT_DOTABLE && f->kind != TT_DOTABLE && f->kind != TT_DYN &&
            (f->kind != TT_VAR || f->rigid)) {
            uint32_t u;
            Type *sub = ty_resolve(consume(c, t, ops + j + 1, n - j - 1, &u, NULL, false));
            j += 1 + u;
            if (c->absorbed) {
                *used = j;
                return R;
            }
            if (sub->kind == TT_DOTABLE && j == n) {
                /* `c.C` with C a constructor still needing fields: they come first */
                unify_at(c, o->x->span, f, sub->kid[sub->n - 1], NULL);
                Type *rest = ty_new(c->T, TT_DOTABLE, sub->n - 1 + nf - i);
                memcpy(rest->kid, sub->kid, (sub->n - 1) * sizeof *rest->kid);
                memcpy(rest->kid + sub->n - 1, h->kid + i + 1, (nf - i) * sizeof *rest->kid);
                *used = j;
                return rest;
            }
            unify_at(c, o->x->span, f, sub, NULL);
            i++;
        } else if (t->kind == TT_DOT) {
            for (uint32_t k = 0; k < t->n && i < nf; k++, i++)
                if (!unify_at(c, o->x->span, h->kid[i], t->kid[k], NULL)) break;
            j++;
        } else if (t->kind == TT_VAR && !t->rigid && last && absorb && nf - i > 1 &&
                   c->in_event) {
            /* the event `b.x` with b : Int.Int: x is the dotted rest, Int.Int (outside
             * an event, as in `{| b.x |}`, x may be a prefix: left alone below) */
            Type *d = ty_new(c->T, TT_DOT, nf - i);
            memcpy(d->kid, h->kid + i, (nf - i) * sizeof *d->kid);
            unify_at(c, o->x->span, d, t, NULL);
            i = nf;
            j++;
        } else if ((t->kind == TT_VAR && !t->rigid && (!last || !c->in_event)) ||
                   t->kind == TT_DYN || (t->kind == TT_VAR && !absorb)) {
            /* of unknown shape: it may fill one field or several (run time decides) */
            unknown = true;
            c->absorbed = true;
            if (last) c->absorbed = true;
            i++;
            j++;
        } else {
            if (ci && ci->field_nodes && i < ci->n_fields && i < nf)
                check_constant(c, ci->field_nodes[i], o->x, chan);
            unify_at(c, o->x->span, h->kid[i], t, NULL);
            i++;
            j++;
        }
    }
    *used = j;
    if (i == nf || (unknown && j == n)) return R;   /* unknown: may be dotted values */
    Type *rest = ty_new(c->T, TT_DOTABLE, nf - i + 1);
    memcpy(rest->kid, h->kid + i, (nf - i + 1) * sizeof *rest->kid);
    return rest;
}

/* Whether a type can take no more fields (so extra operands are an error). */
static bool closed_field(Type *t)
{
    t = ty_resolve(t);
    switch (t->kind) {
    case TT_INT: case TT_BOOL: case TT_CHAR: case TT_SET: case TT_SEQ: case TT_TUPLE:
    case TT_MAP: case TT_PROC:
        return true;
    default:
        return false;
    }
}

static const ResDef *channel_named(const Node *x)
{
    if ((x->kind == N_VAR || x->kind == N_QUAL) && x->res && x->res->def &&
        x->res->def->kind == RES_DEF_CHANNEL)
        return x->res->def;
    return NULL;
}

static COLD void too_many(Ck *c, Span at, Node *head, Node *extra)
{
    char t[200], u[200];
    report(c, at, NULL, "too many fields: '%s' is complete before '%s'",
           text_of(c, head, t, sizeof t), text_of(c, extra, u, sizeof u));
}

/* A dot chain (expression, pattern or event operands), its head first. */
static Type *dotted(Ck *c, Op *ops, uint32_t n, Span at, bool in_event)
{
    Type *h = ty_resolve(op_type(c, &ops[0]));
    if (n == 1) return h;
    if (h->kind == TT_VAR || h->kind == TT_DYN) {
        for (uint32_t j = 1; j < n; j++) {
            if (ops[j].is_pat && is_binder(ops[j].x)) bind_pat(c, ops[j].x, fresh(c));
            else op_type(c, &ops[j]);
        }
        return dyn(c);
    }
    if (h->kind != TT_DOTABLE && in_event) {
        /* `2?x`: only a channel takes fields in an event */
        for (uint32_t j = 1; j < n; j++) {
            if (ops[j].is_pat && is_binder(ops[j].x)) bind_pat(c, ops[j].x, fresh(c));
            else op_type(c, &ops[j]);
        }
        if (h->kind != TT_EVENT && h->kind != TT_DATA) {
            char ty[300], t[200];
            TyNames nm = { .n = 0 };
            describe(ty, sizeof ty, h, &nm);
            report(c, ops[0].x->span, NULL, "'%s' is not a channel: it is %s",
                   text_of(c, ops[0].x, t, sizeof t), ty);
        } else if (h->kind == TT_EVENT && ops[1].x->kind != N_DOT) {
            too_many(c, at, ops[0].x, ops[1].x);
        }
        return dyn(c);
    }
    if (h->kind != TT_DOTABLE) {
        /* a plain dotted value such as 1.2: its fields' types, flattened */
        Type *d = ty_new(c->T, TT_DOT, n);
        d->kid[0] = h;
        for (uint32_t j = 1; j < n; j++) {
            if (ops[j].is_pat && is_binder(ops[j].x)) {
                d->kid[j] = fresh(c);
                bind_pat(c, ops[j].x, d->kid[j]);
            } else {
                d->kid[j] = op_type(c, &ops[j]);
            }
        }
        return d;
    }
    uint32_t used;
    Type *last_field = h->kid[h->n - 2];
    c->absorbed = false;
    bool outer_event = c->in_event;
    c->in_event = in_event;
    Type *r = consume(c, h, ops + 1, n - 1, &used, channel_named(ops[0].x), true);
    c->in_event = outer_event;
    if (used + 1 < n) {
        /* `c.0.0.D` is a dotted value Event.C; as an event it has too many fields */
        Type *lf = ty_resolve(last_field);
        bool strict = in_event && ty_resolve(r)->kind == TT_EVENT && !c->absorbed &&
                      (closed_field(lf) || lf->kind == TT_DATA);
        for (uint32_t j = used + 1; j < n; j++) {
            if (ops[j].is_pat && is_binder(ops[j].x)) bind_pat(c, ops[j].x, fresh(c));
            else op_type(c, &ops[j]);
        }
        if (strict) too_many(c, at, ops[0].x, ops[used + 1].x);
        return dyn(c);
    }
    return r;
}

/* A dotted expression or pattern `x.y.z`. */
static __attribute__((noinline)) Type *dot_expr(Ck *c, Node *x, bool is_pat)
{
    Op ops[MAX_DOT_OPS];
    uint32_t n = flatten_dot(x, is_pat, ops, 0);
    return dotted(c, ops, n, x->span, false);
}

/* ---- patterns ---- */

static Type *pat(Ck *c, Node *p)
{
    switch ((NodeKind)p->kind) {
    case N_VAR: {
        if (!p->res || !p->res->def) return dyn(c);
        if (p->res->role == RES_ROLE_BIND) {
            DefInfo *di = info(c, p->res->def);
            if (di->annotated) return own_type(c, di);
            if (di->state == 1 && di->type) return di->type;
            Type *t = fresh(c);
            di->type = t;
            di->state = 2;
            return t;
        }
        return def_type(c, p->res->def);
    }
    case N_QUAL:
        return p->res && p->res->def ? def_type(c, p->res->def) : dyn(c);
    case N_WILD: return fresh(c);
    case N_INT: return base(c, TT_INT);
    case N_CHAR: return base(c, TT_CHAR);
    case N_BOOL: return base(c, TT_BOOL);
    case N_STRING: return seq_of(c, base(c, TT_CHAR));
    case N_TUPLE: {
        Type *t = ty_new(c->T, TT_TUPLE, p->n);
        for (uint32_t i = 0; i < p->n; i++) t->kid[i] = pat(c, p->kid[i]);
        return t;
    }
    case N_SEQ: case N_SET: {
        Type *e = fresh(c);
        for (uint32_t i = 0; i < p->n; i++) unify_at(c, p->kid[i]->span, e, pat(c, p->kid[i]), NULL);
        if (p->kind == N_SET) need_class(c, p->span, e, C_EQ, "a set pattern");
        return p->kind == N_SEQ ? seq_of(c, e) : set_of(c, e);
    }
    case N_BINOP:
        if (p->op == OP_CAT) {
            Type *s = seq_of(c, fresh(c));
            unify_at(c, p->kid[0]->span, s, pat(c, p->kid[0]), NULL);
            unify_at(c, p->kid[1]->span, s, pat(c, p->kid[1]), NULL);
            return s;
        }
        return dyn(c);
    case N_ATAT: {
        Type *t = pat(c, p->kid[0]);
        unify_at(c, p->kid[1]->span, t, pat(c, p->kid[1]), NULL);
        return t;
    }
    case N_DOT: return dot_expr(c, p, true);
    default:
        return dyn(c);
    }
}

/* ---- statements (generators and guards) ---- */

enum { FROM_SET, FROM_SEQ, FROM_EITHER };

/* Types a statement list; generators draw from sets or sequences (from:
 * FROM_*; replicated operators take either, as cspi runs them). */
static void stmts(Ck *c, Node *list, int from)
{
    if (!list) return;
    for (uint32_t i = 0; i < list->n; i++) {
        Node *s = list->kid[i];
        if (s->kind != N_GEN) {
            check(c, s, base(c, TT_BOOL));
            continue;
        }
        Type *e = fresh(c);
        if (from == FROM_EITHER) {
            Type *src = ty_resolve(infer(c, s->kid[1]));
            Type *want = src->kind == TT_SEQ ? seq_of(c, e) : set_of(c, e);
            unify_at(c, s->kid[1]->span, want, src, NULL);
        } else {
            check(c, s->kid[1], from == FROM_SEQ ? seq_of(c, e) : set_of(c, e));
        }
        unify_at(c, s->kid[0]->span, e, pat(c, s->kid[0]), NULL);
    }
}

/* ---- expressions ---- */

static bool is_event_type(Type *t)
{
    t = ty_resolve(t);
    return t->kind == TT_EVENT;
}

/* A process operand: with the hint for an event where a process belongs. */

static COLD void proc_error(Ck *c, Node *x, const char *op, Node *prefix_event, Type *t)
{
    char hint[1400], a[200], b[200];
    const char *h = NULL;
    if (is_event_type(t)) {
        text_of(c, x, a, sizeof a);
        if (!op) {
            snprintf(hint, sizeof hint, "'%s' is an event; did you mean '%s -> STOP'?", a, a);
        } else if (prefix_event) {
            text_of(c, prefix_event, b, sizeof b);
            snprintf(hint, sizeof hint, "'%s' is an event, but '->' needs a process after it; "
                     "did you mean '%s -> %s -> STOP'?", a, b, a);
        } else {
            snprintf(hint, sizeof hint, "'%s' is an event, but '%s' combines processes; did you "
                     "mean '%s -> STOP'?", a, op, a);
        }
        h = hint;
    }
    explain(c, x->span, base(c, TT_PROC), t, NULL, h);
}

static void check_proc(Ck *c, Node *x, const char *op, Node *prefix_event)
{
    Type *t = infer(c, x);
    if (!ty_unify(c->T, base(c, TT_PROC), t)) proc_error(c, x, op, prefix_event, t);
}

static void check_events(Ck *c, Node *x)
{
    check(c, x, set_of(c, base(c, TT_EVENT)));
}

/* `{| a, b |}`: the values a channel or constructor yields. */
static Type *production(Ck *c, Node *x)
{
    if (x->n > 1) stmts(c, x->kid[1], FROM_SET);
    Type *r = NULL;
    Node *items = x->kid[0];
    for (uint32_t i = 0; i < items->n; i++) {
        Type *t = ty_resolve(infer(c, items->kid[i]));
        if (t->kind == TT_DOTABLE) t = ty_resolve(t->kid[t->n - 1]);
        if (t->kind == TT_VAR || t->kind == TT_DYN) continue;   /* extendable: not followed */
        if (!r) r = t;
        else unify_at(c, items->kid[i]->span, r, t, NULL);
    }
    return set_of(c, r ? r : fresh(c));
}

static COLD void apply_error(Ck *c, Node *x, Type *f)
{
    Node *fn = x->kid[0];
    char t[200], d[300];
    if (f->kind != TT_FUN) {
        TyNames nm = { .n = 0 };
        describe(d, sizeof d, f, &nm);
        report(c, fn->span, NULL, "'%s' is not a function: it is %s", text_of(c, fn, t, sizeof t), d);
        return;
    }
    uint32_t want = f->n - 1, given = x->kid[1]->n;
    report(c, x->span, NULL, "'%s' takes %u argument%s, given %u", text_of(c, fn, t, sizeof t),
           want, want == 1 ? "" : "s", given);
}

/* extensions(x) and productions(x) of a channel or constructor of known
 * fields: the values of its remaining fields (dotted), or of its result. */
static Type *yields(Ck *c, Node *x, int id)
{
    Type *t = ty_resolve(infer(c, x->kid[1]->kid[0]));
    if (t->kind != TT_DOTABLE) return set_of(c, id == RES_BI_productions && t->kind != TT_VAR &&
                                                t->kind != TT_DYN ? t : dyn(c));
    if (id == RES_BI_productions) return set_of(c, t->kid[t->n - 1]);
    if (t->n == 2) return set_of(c, t->kid[0]);
    Type *d = ty_new(c->T, TT_DOT, t->n - 1);
    memcpy(d->kid, t->kid, (t->n - 1) * sizeof *d->kid);
    return set_of(c, d);
}

static Type *apply(Ck *c, Node *x)
{
    Node *fn = x->kid[0], *args = x->kid[1];
    if (fn->kind == N_VAR && fn->res && fn->res->def && args->n == 1 &&
        fn->res->def->kind == RES_DEF_BUILTIN &&
        (fn->res->def->index == RES_BI_extensions || fn->res->def->index == RES_BI_productions))
        return yields(c, x, (int)fn->res->def->index);
    Type *f = ty_resolve(infer(c, fn));
    if (f->kind == TT_VAR) {
        Type *g = ty_new(c->T, TT_FUN, args->n + 1);
        for (uint32_t i = 0; i <= args->n; i++) g->kid[i] = fresh(c);
        unify_at(c, fn->span, g, f, NULL);
        f = g;
    }
    if (f->kind != TT_FUN) {
        for (uint32_t i = 0; i < args->n; i++) infer(c, args->kid[i]);
        if (f->kind != TT_DYN) apply_error(c, x, f);
        return dyn(c);
    }
    uint32_t want = f->n - 1;
    if (want != args->n) {
        apply_error(c, x, f);
        for (uint32_t i = 0; i < args->n; i++) infer(c, args->kid[i]);
        return f->kid[want];
    }
    const char *outer = c->ctx;
    char name[120];
    c->ctx = text_of(c, fn, name, sizeof name);
    for (uint32_t i = 0; i < args->n; i++) check(c, args->kid[i], f->kid[i]);
    c->ctx = outer;
    return f->kid[want];
}

static Type *binop(Ck *c, Node *x)
{
    Node *l = x->kid[0], *r = x->kid[1];
    const char *sp = ast_op_spelling[x->op];
    char opq[16];
    snprintf(opq, sizeof opq, "'%s'", sp);
    switch ((AstOp)x->op) {
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD:
        check(c, l, base(c, TT_INT));
        check(c, r, base(c, TT_INT));
        return base(c, TT_INT);
    case OP_EQ: case OP_NE: case OP_LT: case OP_GT: case OP_LE: case OP_GE: {
        Type *t = infer(c, l);
        check(c, r, t);
        need_class(c, x->span, t, x->op == OP_EQ || x->op == OP_NE ? C_EQ : C_ORD, opq);
        return base(c, TT_BOOL);
    }
    case OP_AND: case OP_OR:
        check(c, l, base(c, TT_BOOL));
        check(c, r, base(c, TT_BOOL));
        return base(c, TT_BOOL);
    case OP_CAT: {
        Type *s = seq_of(c, fresh(c));
        check(c, l, s);
        check(c, r, s);
        return s;
    }
    case OP_GUARD:
        check(c, l, base(c, TT_BOOL));
        check_proc(c, r, sp, NULL);
        return base(c, TT_PROC);
    case OP_HIDE: case OP_PROJECT:
        check_proc(c, l, sp, NULL);
        check_events(c, r);
        return base(c, TT_PROC);
    case OP_EXTCHOICE: case OP_INTCHOICE: case OP_INTERLEAVE: case OP_SEQ: case OP_TIMEOUT:
    case OP_INTERRUPT: case OP_PAR:
        check_proc(c, l, sp, NULL);
        check_proc(c, r, sp, NULL);
        return base(c, TT_PROC);
    default:
        infer(c, l);
        infer(c, r);
        return dyn(c);
    }
}

static COLD void event_error(Ck *c, Node *e, Type *t)
{
    {
        char hint[1000], a[200];
        const char *h = NULL;
        Type *r = ty_resolve(t);
        if (r->kind == TT_DOTABLE && ty_resolve(r->kid[r->n - 1])->kind == TT_EVENT) {
            TyNames nm = { .n = 0 };
            char rest[200];
            ty_print(rest, sizeof rest, r, &nm, false);
            snprintf(hint, sizeof hint, "'%s' still needs fields (%s): give them with '.', '!' "
                     "or '?'", text_of(c, e, a, sizeof a), rest);
            h = hint;
        }
        explain(c, e->span, base(c, TT_EVENT), t, NULL, h);
    }
}

static __attribute__((noinline)) Type *event_type(Ck *c, Node *e)
{
    Op ops[MAX_DOT_OPS];
    uint32_t n = flatten_event(e, ops, 0);
    return dotted(c, ops, n, e->span, true);
}

/* FDR's Timed sections have no nondeterministic input `$` (nor linked
 * parallel, see infer_node). */
static void timed_syntax(Ck *c, Node *e)
{
    for (Node *f = e; f->kind == N_FIELD; f = f->kid[0])
        if (f->op == FIELD_NDIN) {
            report(c, f->kid[1]->span, NULL, "a nondeterministic input '$' is not allowed in a "
                   "Timed section");
            return;
        }
}

static Type *prefix(Ck *c, Node *x)
{
    Node *e = x->kid[0];
    if (c->in_timed) timed_syntax(c, e);
    Type *t = event_type(c, e);
    if (!ty_unify(c->T, base(c, TT_EVENT), t)) event_error(c, e, t);
    check_proc(c, x->kid[1], "->", e);
    return base(c, TT_PROC);
}

/* Renaming pairs and link ties: both sides of one type. */
static void pairs(Ck *c, Node *list)
{
    for (uint32_t i = 0; list && i < list->n; i++) {
        Node *p = list->kid[i];
        if (p->kind != N_PAIR) {
            infer(c, p);
            continue;
        }
        Type *a = infer(c, p->kid[0]);
        check(c, p->kid[1], a);
    }
}

static Type *comprehension(Ck *c, Node *x)
{
    bool seq = x->op == RANGE_SEQ;
    stmts(c, x->kid[1], seq ? FROM_SEQ : FROM_SET);
    Type *e;
    Node *items = x->kid[0];
    if (items->kind == N_RANGE) {
        check(c, items->kid[0], base(c, TT_INT));
        if (items->n > 1 && items->kid[1]) check(c, items->kid[1], base(c, TT_INT));
        e = base(c, TT_INT);
    } else {
        e = fresh(c);
        for (uint32_t i = 0; i < items->n; i++) check(c, items->kid[i], e);
    }
    if (!seq) need_class(c, x->span, e, C_SET, "a set's elements");
    return seq ? seq_of(c, e) : set_of(c, e);
}

static void let_block(Ck *c, Node *decls, const ResInfo *ri);

static Type *infer_node(Ck *c, Node *x)
{
    switch ((NodeKind)x->kind) {
    case N_INT: return base(c, TT_INT);
    case N_CHAR: return base(c, TT_CHAR);
    case N_BOOL: return base(c, TT_BOOL);
    case N_STRING: return seq_of(c, base(c, TT_CHAR));
    case N_VAR: case N_QUAL:
        return x->res && x->res->def ? use_type(c, x) : dyn(c);
    case N_WILD: return fresh(c);
    case N_TUPLE: {
        Type *t = ty_new(c->T, TT_TUPLE, x->n);
        for (uint32_t i = 0; i < x->n; i++) t->kid[i] = infer(c, x->kid[i]);
        return t;
    }
    case N_SEQ: case N_SET: {
        Type *e = fresh(c);
        for (uint32_t i = 0; i < x->n; i++) check(c, x->kid[i], e);
        if (x->kind == N_SET && x->n) need_class(c, x->span, e, C_SET, "a set's elements");
        return x->kind == N_SEQ ? seq_of(c, e) : set_of(c, e);
    }
    case N_RANGE:
        check(c, x->kid[0], base(c, TT_INT));
        if (x->n > 1 && x->kid[1]) check(c, x->kid[1], base(c, TT_INT));
        return x->op == RANGE_SEQ ? seq_of(c, base(c, TT_INT)) : set_of(c, base(c, TT_INT));
    case N_COMP: return comprehension(c, x);
    case N_PROD: return production(c, x);
    case N_MAP: {
        Type *k = fresh(c), *v = fresh(c);
        for (uint32_t i = 0; i < x->n; i++) {
            Node *p = x->kid[i];
            if (p->kind != N_PAIR) continue;
            check(c, p->kid[0], k);
            check(c, p->kid[1], v);
        }
        need_class(c, x->span, k, C_SET, "a map's keys");
        return ty_two(c->T, TT_MAP, k, v);
    }
    case N_DOT: return dot_expr(c, x, false);
    case N_APPLY: return apply(c, x);
    case N_LAMBDA: {
        Node *ps = x->kid[0];
        Type *f = ty_new(c->T, TT_FUN, ps->n + 1);
        for (uint32_t i = 0; i < ps->n; i++) f->kid[i] = pat(c, ps->kid[i]);
        f->kid[ps->n] = infer(c, x->kid[1]);
        return f;
    }
    case N_LET:
        let_block(c, x->kid[0], x->res);
        return infer(c, x->kid[1]);
    case N_IF: {
        check(c, x->kid[0], base(c, TT_BOOL));
        Type *t = infer(c, x->kid[1]);
        check(c, x->kid[2], t);
        return t;
    }
    case N_BINOP: return binop(c, x);
    case N_UNOP:
        if (x->op == OP_NEG) return check(c, x->kid[0], base(c, TT_INT)), base(c, TT_INT);
        if (x->op == OP_NOT) return check(c, x->kid[0], base(c, TT_BOOL)), base(c, TT_BOOL);
        check(c, x->kid[0], seq_of(c, fresh(c)));
        return base(c, TT_INT);
    case N_PREFIX: return prefix(c, x);
    case N_GENPAR: case N_EXCEPT: case N_SYNCEXT: case N_SYNCINT:
        check_proc(c, x->kid[0], "[| |]", NULL);
        check_events(c, x->kid[1]);
        check_proc(c, x->kid[2], "[| |]", NULL);
        return base(c, TT_PROC);
    case N_ALPHPAR:
        check_proc(c, x->kid[0], "[ || ]", NULL);
        check_events(c, x->kid[1]);
        check_events(c, x->kid[2]);
        check_proc(c, x->kid[3], "[ || ]", NULL);
        return base(c, TT_PROC);
    case N_LINKPAR:
        if (c->in_timed)
            report(c, x->span, NULL, "the linked parallel operator is not allowed in a Timed "
                   "section");
        stmts(c, x->n > 3 ? x->kid[2] : NULL, FROM_EITHER);
        pairs(c, x->kid[1]);
        check_proc(c, x->kid[0], "[ <-> ]", NULL);
        check_proc(c, x->kid[x->n - 1], "[ <-> ]", NULL);
        return base(c, TT_PROC);
    case N_RENAME:
        check_proc(c, x->kid[0], "[[ ]]", NULL);
        stmts(c, x->n > 2 ? x->kid[2] : NULL, FROM_EITHER);
        pairs(c, x->kid[1]);
        return base(c, TT_PROC);
    case N_REP:
        stmts(c, x->kid[0], x->op == OP_SEQ ? FROM_SEQ : FROM_EITHER);
        if (x->kid[1]->kind == N_ALPHA) {
            check_events(c, x->kid[1]->kid[0]);
            check_proc(c, x->kid[1]->kid[1], "||", NULL);
        } else {
            check_proc(c, x->kid[1], ast_op_spelling[x->op], NULL);
        }
        return base(c, TT_PROC);
    case N_REPGENPAR: case N_REPSYNCEXT:
        stmts(c, x->kid[1], FROM_EITHER);
        check_events(c, x->kid[0]);
        check_proc(c, x->kid[2], "[| |]", NULL);
        return base(c, TT_PROC);
    case N_REPLINK:
        if (c->in_timed)
            report(c, x->span, NULL, "the linked parallel operator is not allowed in a Timed "
                   "section");
        stmts(c, x->kid[x->n - 2], FROM_SEQ);   /* FDR: linked over a sequence */
        if (x->n > 3 && x->kid[1]) stmts(c, x->kid[1], FROM_EITHER);
        pairs(c, x->kid[0]);
        check_proc(c, x->kid[x->n - 1], "[ <-> ]", NULL);
        return base(c, TT_PROC);
    case N_ALPHA:
        check_events(c, x->kid[0]);
        check_proc(c, x->kid[1], "||", NULL);
        return base(c, TT_PROC);
    case N_RESTRICT:
        infer(c, x->kid[0]);
        infer(c, x->kid[1]);
        return dyn(c);
    default:
        /* pattern-only or unexpected syntax (reported by the resolver): its
         * parts are still typed for their own mistakes */
        for (uint32_t i = 0; i < x->n; i++)
            if (x->kid[i] && x->kid[i]->kind != N_TYPE) infer(c, x->kid[i]);
        return dyn(c);
    }
}

static Type *infer(Ck *c, Node *x)
{
    if (!x) return dyn(c);
    return infer_node(c, x);
}

/* ---- annotations ---- */

typedef struct {
    const Sym *name[26];
    Type *var[26];
    uint32_t n;
} AnnVars;

static const ResDef *datatype_named(Ck *c, const Sym *name)
{
    const ResDef *d = res_top_lookup(c->script, name);
    return d && (d->kind == RES_DEF_DATATYPE || d->kind == RES_DEF_SUBTYPE) ? d : NULL;
}

static Type *ann(Ck *c, const Node *t, AnnVars *av)
{
    if (!t || t->kind != N_TYPE) return dyn(c);
    switch (t->op) {
    case TY_NAME: {
        if (t->n && t->kid[0]) return dyn(c);   /* M::T */
        const char *s = t->name->name;
        static const struct { const char *s; TypeKind k; } bases[] = {
            { "Int", TT_INT }, { "Bool", TT_BOOL }, { "Char", TT_CHAR }, { "Event", TT_EVENT },
            { "Proc", TT_PROC },
        };
        for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++)
            if (strcmp(s, bases[i].s) == 0) return base(c, bases[i].k);
        const ResDef *d = datatype_named(c, t->name);
        if (d) {
            if (d->kind == RES_DEF_SUBTYPE) d = subtype_parent(d);
            return d ? ty_data(c->T, d) : dyn(c);
        }
        if (s[0] < 'a' || s[0] > 'z') return dyn(c);
        for (uint32_t i = 0; i < av->n; i++)
            if (av->name[i] == t->name) return av->var[i];
        if (av->n == 26) return dyn(c);
        Type *v = ty_var(c->T, LEVEL_GENERIC, 0);
        v->name = s;
        av->name[av->n] = t->name;
        av->var[av->n++] = v;
        return v;
    }
    case TY_SEQ: return seq_of(c, ann(c, t->kid[0], av));
    case TY_SET: return set_of(c, ann(c, t->kid[0], av));
    case TY_MAP: return ty_two(c->T, TT_MAP, ann(c, t->kid[0], av), ann(c, t->kid[1], av));
    case TY_TUPLE: {
        Type *r = ty_new(c->T, TT_TUPLE, t->n);
        for (uint32_t i = 0; i < t->n; i++) r->kid[i] = ann(c, t->kid[i], av);
        return r;
    }
    case TY_FUN: {
        const Node *args = t->kid[0];
        Type *r = ty_new(c->T, TT_FUN, args->n + 1);
        for (uint32_t i = 0; i < args->n; i++) r->kid[i] = ann(c, args->kid[i], av);
        r->kid[args->n] = ann(c, t->kid[1], av);
        return r;
    }
    case TY_DOTABLE: {
        Type *l = ann(c, t->kid[0], av), *r = ty_resolve(ann(c, t->kid[1], av));
        uint32_t n = r->kind == TT_DOTABLE ? r->n : 1;
        Type *d = ty_new(c->T, TT_DOTABLE, n + 1);
        d->kid[0] = l;
        if (r->kind == TT_DOTABLE) memcpy(d->kid + 1, r->kid, n * sizeof *d->kid);
        else d->kid[1] = r;
        return d;
    }
    case TY_DOT: {
        Type *l = ty_resolve(ann(c, t->kid[0], av)), *r = ty_resolve(ann(c, t->kid[1], av));
        uint32_t nl = l->kind == TT_DOT ? l->n : 1, nr = r->kind == TT_DOT ? r->n : 1;
        Type *d = ty_new(c->T, TT_DOT, nl + nr);
        if (l->kind == TT_DOT) memcpy(d->kid, l->kid, nl * sizeof *d->kid);
        else d->kid[0] = l;
        if (r->kind == TT_DOT) memcpy(d->kid + nl, r->kid, nr * sizeof *d->kid);
        else d->kid[nl] = r;
        return d;
    }
    case TY_SCHEME: {
        const Node *cls = t->kid[0];
        Type *body = ann(c, t->kid[1], av);
        for (uint32_t i = 0; i < cls->n; i++) {
            const Node *k = cls->kid[i];
            uint32_t known = av->n;
            Type *v = ty_resolve(ann(c, k->kid[0], av));
            if (v->kind != TT_VAR || av->n != known) {
                c->failed = false;
                report(c, k->span, NULL, v->kind != TT_VAR
                       ? "a constraint applies to a type variable, not to a type"
                       : "the constraint's type variable does not appear in the type");
                continue;
            }
            const char *n = k->name->name;
            uint8_t b = !strcmp(n, "Eq") ? C_EQ | C_SET : !strcmp(n, "Ord") ? C_ORD | C_EQ | C_SET
                      : !strcmp(n, "Set") ? C_SET : !strcmp(n, "Complete") ? C_COMPLETE : C_YIELD;
            v->cls |= b;
        }
        return body;
    }
    default:
        return dyn(c);
    }
}

/* Records `names :: type` for each name of a TYPESIG. */
static void annotate(Ck *c, Node *sig)
{
    Node *names = sig->kid[0];
    for (uint32_t i = 0; i < names->n; i++) {
        Node *v = names->kid[i];
        if (!v->res || !v->res->def) continue;
        DefInfo *di = info(c, v->res->def);
        ResDefKind k = (ResDefKind)v->res->def->kind;
        if (k != RES_DEF_FUNCTION && k != RES_DEF_VALUE && k != RES_DEF_CHANNEL &&
            k != RES_DEF_CONSTRUCTOR && k != RES_DEF_NAMETYPE) {
            c->failed = false;
            report(c, v->span, NULL, "'%s' is %s %s: only functions, values, channels and "
                   "constructors (and nametypes) take a type annotation", v->name->name,
                   strchr("aeiou", res_def_kind_name[k][0]) ? "an" : "a", res_def_kind_name[k]);
            continue;
        }
        if (di->annotated) {
            c->failed = false;
            report(c, v->span, NULL, "a second type annotation for '%s'", v->name->name);
            continue;
        }
        AnnVars av = { .n = 0 };
        di->type = ann(c, sig->kid[1], &av);
        di->annotated = true;
    }
}

/* ---- declarations ---- */

/* Whether x is `{}`, or a name bound to `{}` at the top level. */
static bool is_empty_set(const Node *x)
{
    if (x->kind == N_SET) return x->n == 0;
    if (x->kind != N_VAR || !x->res || !x->res->def) return false;
    const ResDef *d = x->res->def;
    return d->kind == RES_DEF_VALUE && d->level == RES_LEVEL_TOP && d->decl &&
           d->decl->kind == N_PATBIND && d->decl->kid[0] == d->binder &&
           d->decl->kid[1]->kind == N_SET && d->decl->kid[1]->n == 0;
}

/* The values a field declared as x takes: x is a set, or a tuple of sets
 * (`c : (A, B)` carries pairs). */
static Type *field_type(Ck *c, Node *x)
{
    if (x->kind != N_TUPLE) return elem_of_set(c, x);
    Type *t = ty_new(c->T, TT_TUPLE, x->n);
    for (uint32_t i = 0; i < x->n; i++) t->kid[i] = field_type(c, x->kid[i]);
    return t;
}

/* The fields of a channel or constructor declared with `e1.e2...` (each a
 * set; a nametype of dotted values gives its fields). */
static void fields_of(Ck *c, Node *e, DefInfo *out)
{
    Op ops[MAX_DOT_OPS];
    uint32_t n = e ? flatten_dot(e, false, ops, 0) : 0;
    Type *fs[MAX_DOT_OPS];
    Node *fn[MAX_DOT_OPS];
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        Node *x = ops[i].x;
        const ResDef *d = (x->kind == N_VAR || x->kind == N_QUAL) && x->res ? x->res->def : NULL;
        DefInfo *ni = d && d->kind == RES_DEF_NAMETYPE ? ty_find(c->T, d) : NULL;
        if (ni && ni->n_fields > 1) {
            for (uint32_t j = 0; j < ni->n_fields && k < MAX_DOT_OPS; j++, k++) {
                fs[k] = ni->fields[j];
                fn[k] = NULL;
            }
            continue;
        }
        Type *t = ty_resolve(field_type(c, x));
        if (t->kind == TT_VAR && !t->rigid && is_empty_set(x))
            report(c, x->span, NULL, "the type of this field cannot be worked out: it is an "
                   "empty set of no known type (write the type, e.g. {0..-1} for no integers)");
        if (t->kind == TT_DOT) {
            for (uint32_t j = 0; j < t->n && k < MAX_DOT_OPS; j++, k++) {
                fs[k] = t->kid[j];
                fn[k] = NULL;
            }
            continue;
        }
        fs[k] = t;
        fn[k++] = x;
    }
    out->n_fields = k;
    out->fields = arena_alloc(c->T->arena, (k + 1) * sizeof *out->fields);
    out->field_nodes = arena_alloc(c->T->arena, (k + 1) * sizeof *out->field_nodes);
    memcpy(out->fields, fs, k * sizeof *fs);
    memcpy(out->field_nodes, fn, k * sizeof *fn);
}

static Type *dotable(Ck *c, DefInfo *fi, Type *result)
{
    if (!fi->n_fields) return result;
    Type *t = ty_new(c->T, TT_DOTABLE, fi->n_fields + 1);
    memcpy(t->kid, fi->fields, fi->n_fields * sizeof *t->kid);
    t->kid[fi->n_fields] = result;
    return t;
}

/* Each field holds complete values (no partly dotted constructor, no
 * function); a channel's fields can also be compared (events are). */
static void need_fields(Ck *c, Node *decl, DefInfo *fi, uint8_t cls)
{
    for (uint32_t i = 0; i < fi->n_fields && !c->failed; i++) {
        Node *at = fi->field_nodes[i] ? fi->field_nodes[i] : decl;
        Type *t = ty_resolve(fi->fields[i]);
        if (ty_require(c->T, t, cls)) continue;
        char ty[300];
        TyNames nm = { .n = 0 };
        ty_print(ty, sizeof ty, t, &nm, false);
        if (t->kind == TT_DOTABLE)
            report(c, at->span, NULL, "a field holds complete values; %s still needs fields", ty);
        else
            report(c, at->span, NULL, "a %s's field cannot hold values of type %s (not in class %s)",
                   cls & C_EQ ? "channel" : "constructor", ty, ty_class_name(c->T->why_cls));
    }
}

/* `name :: type` written for a channel or constructor: it must agree with
 * the declaration. */
static void check_declared(Ck *c, DefInfo *di, Type *declared)
{
    if (!di->annotated) return;
    Type *want = ty_instantiate(c->T, di->type, c->level);
    di->annotated = false;
    di->type = declared;
    if (!ty_unify(c->T, want, declared)) explain(c, di->def->at, want, declared, NULL, NULL);
}

static void check_channel(Ck *c, Node *d)
{
    DefInfo tmp = { 0 };
    fields_of(c, d->n > 1 ? d->kid[1] : NULL, &tmp);
    need_fields(c, d, &tmp, C_EQ | C_COMPLETE);

    Type *t = dotable(c, &tmp, base(c, TT_EVENT));
    Node *names = d->kid[0];
    for (uint32_t i = 0; i < names->n; i++) {
        if (!names->kid[i]->res || !names->kid[i]->res->def) continue;
        DefInfo *di = info(c, names->kid[i]->res->def);
        check_declared(c, di, t);
        di->fields = tmp.fields;
        di->field_nodes = tmp.field_nodes;
        di->n_fields = tmp.n_fields;
        di->type = t;
        di->state = 2;
    }
}

static void check_datatype(Ck *c, Node *d)
{
    const ResDef *dt = d->res ? d->res->def : NULL;
    if (!dt) return;
    for (uint32_t i = 0; i < d->n; i++) {
        Node *cl = d->kid[i];
        if (!cl->res || !cl->res->def) continue;
        DefInfo *ci = info(c, cl->res->def);
        Type *ann_t = ci->annotated ? ci->type : NULL;
        fields_of(c, cl->n ? cl->kid[0] : NULL, ci);
        need_fields(c, cl, ci, C_COMPLETE);
        ci->type = dotable(c, ci, ty_data(c->T, dt));
        ci->state = 2;
        if (ann_t) {
            Type *declared = ci->type;
            ci->type = ann_t;
            check_declared(c, ci, declared);
        }
    }
}

static void check_nametype(Ck *c, Node *d)
{
    if (!d->res || !d->res->def) return;
    DefInfo *di = info(c, d->res->def);
    Type *ann_t = di->annotated ? di->type : NULL;
    Node *e = d->kid[0];
    if (e->kind == N_DOT) {
        fields_of(c, e, di);
        Type *el;
        if (di->n_fields == 1) {
            el = di->fields[0];
        } else {
            el = ty_new(c->T, TT_DOT, di->n_fields);
            memcpy(el->kid, di->fields, di->n_fields * sizeof *el->kid);
        }
        di->type = set_of(c, el);
    } else {
        Type *el = field_type(c, e);
        di->type = set_of(c, el);
        Type *r = ty_resolve(el);
        if (r->kind == TT_DOT) {
            di->fields = r->kid;
            di->n_fields = r->n;
        }
    }
    di->state = 2;
    if (ann_t) {
        Type *declared = di->type;
        di->type = ann_t;
        check_declared(c, di, declared);
    }
}

/* `subtype S = A.e | B`: constructors of one datatype, each given at most
 * its fields, each field a set of its values. */
static void check_subtype(Ck *c, Node *d)
{
    const ResDef *parent = NULL;
    for (uint32_t i = 0; i < d->n && !c->failed; i++) {
        Node *cl = d->kid[i];
        const ResDef *k = cl->res ? cl->res->def : NULL;
        if (!k || k->kind != RES_DEF_CONSTRUCTOR) continue;
        if (parent && k->owner != parent) {
            report(c, cl->span, NULL, "'%s' is a constructor of '%s', not of '%s': a subtype takes "
                   "the constructors of one datatype", k->name->name, k->owner->name->name,
                   parent->name->name);
            return;
        }
        parent = k->owner;
        if (!cl->n || !cl->kid[0]) continue;
        DefInfo tmp = { 0 };
        fields_of(c, cl->kid[0], &tmp);
        DefInfo *ki = ty_find(c->T, k);
        if (!ki || ki->state != 2) continue;
        if (tmp.n_fields > ki->n_fields) {
            report(c, cl->span, NULL, "'%s' has %u field%s; this subtype gives it %u",
                   k->name->name, ki->n_fields, ki->n_fields == 1 ? "" : "s", tmp.n_fields);
            return;
        }
        for (uint32_t f = 0; f < tmp.n_fields; f++)
            if (!unify_at(c, tmp.field_nodes[f] ? tmp.field_nodes[f]->span : cl->span,
                          ki->fields[f], tmp.fields[f], NULL))
                return;
    }
}

/* A Timed section needs `tock` to be an event (a channel without fields). */
static void check_tock(Ck *c, Node *timed)
{
    const ResDef *t = res_top_lookup(c->script, sym_intern_cstr(c->in->syms, "tock"));
    if (!t) return;
    DefInfo *ti = ty_find(c->T, t);
    Type *ty = ti && ti->type ? ty_resolve(ti->type) : NULL;
    if (t->kind == RES_DEF_CHANNEL && (!ty || ty->kind == TT_EVENT || ty->kind == TT_DYN)) return;
    if (t->kind == RES_DEF_CHANNEL)
        report(c, t->at, NULL, "'tock' is a channel with fields; a Timed section needs it "
               "without (channel tock)");
    else
        report(c, t->at, NULL, "'tock' is %s %s; a Timed section needs it to be an event "
               "(channel tock)", strchr("aeiou", res_def_kind_name[t->kind][0]) ? "an" : "a",
               res_def_kind_name[t->kind]);
    (void)timed;
}

/* One clause `f(p1, p2)(q) = rhs` against f's type ft. */
static void check_clause(Ck *c, Node *cl, Type *ft)
{
    Node *groups = cl->kid[0];
    Type *cur = ft;
    for (uint32_t g = 0; g < groups->n; g++) {
        Node *args = groups->kid[g];
        Type *f = ty_resolve(cur);
        if (f->kind != TT_FUN || f->n != args->n + 1) {
            Type *shape = ty_new(c->T, TT_FUN, args->n + 1);
            for (uint32_t i = 0; i <= args->n; i++) shape->kid[i] = fresh(c);
            if (!unify_at(c, cl->span, cur, shape, NULL)) return;
            f = shape;
        }
        for (uint32_t i = 0; i < args->n; i++)
            unify_at(c, args->kid[i]->span, f->kid[i], pat(c, args->kid[i]), NULL);
        cur = f->kid[args->n];
    }
    check(c, cl->kid[1], cur);
}

/* The type a definition's body is checked against: an annotation's
 * variables are rigid at the top level; in a `let` they may name the
 * enclosing definition's (FDR scopes them), so they are left flexible. */
static Type *own_type(Ck *c, DefInfo *di)
{
    if (!di->annotated) return di->type;
    if (di->def->level >= RES_LEVEL_LET) return ty_instantiate(c->T, di->type, c->level);
    return ty_skolemise(c->T, di->type, c->level);
}

static void check_function(Ck *c, const ResDef *fn)
{
    DefInfo *di = info(c, fn);
    if (!di->type) {
        di->type = fresh(c);
        di->state = 1;
    }
    Type *ft = own_type(c, di);
    for (uint32_t i = 0; i < fn->n_clauses; i++) check_clause(c, fn->clauses[i], ft);
}

static void check_assertion(Ck *c, Node *a)
{
    Node *x = a->kid[0];
    Node *opts = NULL;
    switch (x->kind) {
    case N_REFINE:
        check_proc(c, x->kid[0], NULL, NULL);
        check_proc(c, x->kid[1], NULL, NULL);
        opts = x->kid[2];
        break;
    case N_PROPERTY:
        check_proc(c, x->kid[0], NULL, NULL);
        opts = x->kid[1];
        break;
    case N_HASTRACE:
        check_proc(c, x->kid[0], NULL, NULL);
        check(c, x->kid[1], seq_of(c, base(c, TT_EVENT)));
        opts = x->kid[2];
        break;
    default:
        infer(c, x);
    }
    for (uint32_t i = 0; opts && i < opts->n; i++)
        if (opts->kid[i]->kind == N_OPTION && opts->kid[i]->n && opts->kid[i]->kid[0])
            check_events(c, opts->kid[i]->kid[0]);
}

static void check_decl(Ck *c, Node *d)
{
    switch ((NodeKind)d->kind) {
    case N_FUNCLAUSE:
        if (d->res && d->res->def && d->res->def->clauses && d->res->def->clauses[0] == d)
            check_function(c, d->res->def);
        return;
    case N_PATBIND: {
        Type *t = pat(c, d->kid[0]);
        check(c, d->kid[1], t);
        return;
    }
    case N_CHANNEL: check_channel(c, d); return;
    case N_DATATYPE: check_datatype(c, d); return;
    case N_NAMETYPE: check_nametype(c, d); return;
    case N_SUBTYPE: check_subtype(c, d); return;
    case N_INSTANCE:
        if (d->n > 1 && d->kid[1])
            for (uint32_t i = 0; i < d->kid[1]->n; i++) infer(c, d->kid[1]->kid[i]);
        return;
    case N_TIMED:
        check_tock(c, d);
        if (d->n > 1 && d->kid[1]) {
            Type *f = ty_new(c->T, TT_FUN, 2);
            f->kid[0] = base(c, TT_EVENT);
            f->kid[1] = base(c, TT_INT);
            check(c, d->kid[1], f);
        }
        return;
    case N_ASSERT: check_assertion(c, d); return;
    case N_PRINT: infer(c, d->kid[0]); return;
    default: return;
    }
}

/* A let block: its definitions are not generalised (unless annotated). */
static void let_block(Ck *c, Node *decls, const ResInfo *ri)
{
    for (uint32_t i = 0; i < decls->n; i++)
        if (decls->kid[i]->kind == N_TYPESIG) annotate(c, decls->kid[i]);
    for (uint32_t i = 0; ri && i < ri->n_defs; i++) {
        DefInfo *di = info(c, ri->defs[i]);
        if (di->annotated || di->type) continue;
        if (ri->defs[i]->kind == RES_DEF_FUNCTION || ri->defs[i]->kind == RES_DEF_VALUE) {
            di->type = fresh(c);
            di->state = 1;
        }
    }
    for (uint32_t i = 0; i < decls->n; i++) {
        Node *d = decls->kid[i];
        check_decl(c, d);
        if (d->kind == N_TIMED) let_block(c, d->kid[0], NULL);
    }
}

/* ---- units and their order ---- */

static uint32_t new_unit(Ck *c, Node *d)
{
    if (c->n_units == c->cap_units) {
        c->cap_units = c->cap_units ? 2 * c->cap_units : 64;
        c->units = xrealloc(c->units, c->cap_units * sizeof *c->units);
    }
    Unit *u = &c->units[c->n_units];
    memset(u, 0, sizeof *u);
    u->decls = arena_alloc(c->T->arena, sizeof *u->decls);
    u->decls[0] = d;
    u->n_decls = 1;
    return c->n_units++;
}

static void own(Ck *c, const ResDef *d, uint32_t unit)
{
    if (d) info(c, d)->unit = unit;
}

static void own_pattern(Ck *c, Node *p, uint32_t unit)
{
    if (!p) return;
    if (p->kind == N_VAR && p->res && p->res->role == RES_ROLE_BIND) own(c, p->res->def, unit);
    for (uint32_t i = 0; i < p->n; i++) own_pattern(c, p->kid[i], unit);
}

static void collect(Ck *c, Node *list, bool in_timed)
{
    for (uint32_t i = 0; list && i < list->n; i++) {
        uint32_t first = c->n_units;
        Node *d = list->kid[i];
        const ResDef *def = d->res ? d->res->def : NULL;
        switch ((NodeKind)d->kind) {
        case N_FUNCLAUSE: {
            if (!def || !def->n_clauses || def->clauses[0] != d) break;
            uint32_t u = new_unit(c, d);
            c->units[u].fn = def;
            c->units[u].decls = def->clauses;
            c->units[u].n_decls = def->n_clauses;
            own(c, def, u);
            break;
        }
        case N_PATBIND: own_pattern(c, d->kid[0], new_unit(c, d)); break;
        case N_CHANNEL: {
            uint32_t u = new_unit(c, d);
            for (uint32_t k = 0; k < d->kid[0]->n; k++)
                if (d->kid[0]->kid[k]->res) own(c, d->kid[0]->kid[k]->res->def, u);
            break;
        }
        case N_DATATYPE: {
            uint32_t u = new_unit(c, d);
            own(c, def, u);
            for (uint32_t k = 0; def && k < def->n_members; k++) own(c, def->members[k], u);
            break;
        }
        case N_SUBTYPE: case N_NAMETYPE: case N_INSTANCE:
            own(c, def, new_unit(c, d));
            break;
        case N_MODULE:
            collect(c, d->kid[1], in_timed);
            collect(c, d->kid[2], in_timed);
            break;
        case N_TIMED:
            new_unit(c, d);
            collect(c, d->kid[0], true);
            break;
        case N_TYPESIG:
            annotate(c, d);
            break;
        case N_ASSERT: case N_PRINT:
            new_unit(c, d);
            break;
        default:
            break;
        }
        for (uint32_t u = first; u < c->n_units; u++)
            if (in_timed) c->units[u].in_timed = true;
    }
}

typedef struct {
    uint32_t *items;
    uint32_t n, cap;
} U32s;

static void push_u32(U32s *v, uint32_t x)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 16;
        v->items = xrealloc(v->items, v->cap * sizeof *v->items);
    }
    v->items[v->n++] = x;
}

/* The units the names used in x belong to (datatypes count: their
 * constructors' fields are typed with them). */
static void deps_of(Ck *c, const Node *x, U32s *out, uint32_t self)
{
    if (!x || x->kind == N_TYPE) return;
    if (x->res && x->res->def && x->res->role != RES_ROLE_DECL &&
        x->res->def->level != RES_LEVEL_BUILTIN) {
        DefInfo *di = ty_find(c->T, x->res->def);
        if (di && di->unit != UINT32_MAX && di->unit != self) push_u32(out, di->unit);
    }
    for (uint32_t i = 0; i < x->n; i++) deps_of(c, x->kid[i], out, self);
}

static void unit_deps(Ck *c)
{
    U32s v = { 0 };
    for (uint32_t u = 0; u < c->n_units; u++) {
        v.n = 0;
        Unit *un = &c->units[u];
        for (uint32_t k = 0; k < un->n_decls; k++) {
            Node *d = un->decls[k];
            if (d->kind == N_TIMED) {
                deps_of(c, d->n > 1 ? d->kid[1] : NULL, &v, u);
                continue;
            }
            deps_of(c, d, &v, u);
        }
        un->n_deps = v.n;
        un->deps = v.n ? arena_dup(c->T->arena, v.items, v.n * sizeof *v.items) : NULL;
    }
    free(v.items);
}

/* Types one strongly connected component of units. */
static void check_component(Ck *c, const uint32_t *comp, uint32_t n)
{
    c->level++;
    for (uint32_t k = 0; k < n; k++) {
        Unit *u = &c->units[comp[k]];
        if (u->fn) {
            DefInfo *di = info(c, u->fn);
            if (!di->annotated) {
                di->type = fresh(c);
                di->state = 1;
            }
        } else if (u->decls[0]->kind == N_PATBIND) {
            /* its variables: fresh, so uses inside the component see them */
            Node *p = u->decls[0]->kid[0];
            if (p->kind == N_VAR && p->res && p->res->def) {
                DefInfo *di = info(c, p->res->def);
                if (!di->annotated) di->type = fresh(c);
                di->state = 1;
            }
        }
    }
    for (uint32_t k = 0; k < n; k++) {
        Unit *u = &c->units[comp[k]];
        c->failed = false;
        c->in_timed = u->in_timed;
        for (uint32_t i = 0; i < u->n_decls && !c->failed; i++) {
            if (u->fn) {
                check_function(c, u->fn);
                break;
            }
            check_decl(c, u->decls[i]);
        }
        if (c->failed && u->fn) info(c, u->fn)->broken = true;
        if (c->failed && u->decls[0]->kind == N_PATBIND) {
            Node *p = u->decls[0]->kid[0];
            if (p->kind == N_VAR && p->res && p->res->def) info(c, p->res->def)->broken = true;
        }
    }
    c->level--;
    for (uint32_t k = 0; k < n; k++) {
        Unit *u = &c->units[comp[k]];
        if (u->fn) {
            DefInfo *di = info(c, u->fn);
            if (!di->annotated) ty_generalise(di->type, c->level);
            di->state = 2;
        } else if (u->decls[0]->kind == N_PATBIND) {
            Node *p = u->decls[0]->kid[0];
            if (p->kind == N_VAR && p->res && p->res->def) {
                DefInfo *di = info(c, p->res->def);
                if (!di->annotated && di->type) ty_generalise(di->type, c->level);
                di->state = 2;
            }
        }
    }
}

/* Tarjan's algorithm without recursion: components come out in dependency
 * order (a component after every component it uses). */
static void check_units(Ck *c)
{
    uint32_t next = 1;
    U32s stack = { 0 }, comp = { 0 };
    typedef struct { uint32_t u, edge; } Frame;
    Frame *frames = xmalloc((c->n_units + 1) * sizeof *frames);
    for (uint32_t root = 0; root < c->n_units; root++) {
        if (c->units[root].index) continue;
        uint32_t depth = 0;
        frames[depth++] = (Frame){ root, 0 };
        c->units[root].index = c->units[root].low = next++;
        push_u32(&stack, root);
        c->units[root].on_stack = true;
        while (depth) {
            Frame *f = &frames[depth - 1];
            Unit *u = &c->units[f->u];
            if (f->edge < u->n_deps) {
                uint32_t w = u->deps[f->edge++];
                Unit *uw = &c->units[w];
                if (!uw->index) {
                    uw->index = uw->low = next++;
                    push_u32(&stack, w);
                    uw->on_stack = true;
                    frames[depth++] = (Frame){ w, 0 };
                } else if (uw->on_stack && uw->index < u->low) {
                    u->low = uw->index;
                }
                continue;
            }
            if (u->low == u->index) {
                comp.n = 0;
                uint32_t w;
                do {
                    w = stack.items[--stack.n];
                    c->units[w].on_stack = false;
                    push_u32(&comp, w);
                } while (w != f->u);
                check_component(c, comp.items, comp.n);
            }
            uint32_t low = u->low;
            depth--;
            if (depth) {
                Unit *parent = &c->units[frames[depth - 1].u];
                if (low < parent->low) parent->low = low;
            }
        }
    }
    free(frames);
    free(stack.items);
    free(comp.items);
}

/* ---- module instances ---- */

typedef struct {
    const Node **mods;
    uint8_t *color;     /* 0 unvisited, 1 on the current path, 2 done */
    uint32_t n, cap;
} Mods;

static void gather_modules(Mods *m, const Node *list)
{
    for (uint32_t i = 0; list && i < list->n; i++) {
        const Node *d = list->kid[i];
        if (d->kind != N_MODULE) continue;
        if (m->n == m->cap) {
            m->cap = m->cap ? 2 * m->cap : 16;
            m->mods = xrealloc(m->mods, m->cap * sizeof *m->mods);
        }
        m->mods[m->n++] = d;
        gather_modules(m, d->kid[1]);
        gather_modules(m, d->kid[2]);
    }
}

static uint32_t module_index(const Mods *m, const Node *d)
{
    for (uint32_t i = 0; i < m->n; i++)
        if (m->mods[i] == d) return i;
    return UINT32_MAX;
}

/* Depth-first over "module M declares an instance of module N": a cycle
 * would instantiate forever (FDR rejects it). */
static bool instance_cycle(Ck *c, Mods *m, uint32_t k, uint32_t depth)
{
    m->color[k] = 1;
    const Node *mod = m->mods[k];
    for (uint32_t part = 1; part <= 2; part++) {
        const Node *list = mod->kid[part];
        for (uint32_t i = 0; list && i < list->n; i++) {
            const Node *d = list->kid[i];
            if (d->kind != N_INSTANCE || !d->res || !d->res->def || !d->res->def->module) continue;
            uint32_t w = module_index(m, d->res->def->module->decl);
            if (w == UINT32_MAX || m->color[w] == 2) continue;
            if (m->color[w] == 1 || depth > AST_MAX_DEPTH) {
                c->failed = false;
                report(c, d->span, NULL, "module instances recurse forever: '%s' instantiates "
                       "'%s', which is being instantiated", mod->name->name,
                       d->res->def->module->name->name);
                return true;
            }
            if (instance_cycle(c, m, w, depth + 1)) return true;
        }
    }
    m->color[k] = 2;
    return false;
}

static void check_instances(Ck *c, const Node *script)
{
    Mods m = { 0 };
    gather_modules(&m, script);
    m.color = m.n ? xcalloc(m.n, 1) : NULL;
    for (uint32_t k = 0; k < m.n; k++)
        if (!m.color[k] && instance_cycle(c, &m, k, 0)) break;
    free(m.mods);
    free(m.color);
}

/* ---- entry points ---- */

static int by_position(const void *pa, const void *pb)
{
    const TyErr *a = pa, *b = pb;
    if (a->at.file != b->at.file) return a->at.file < b->at.file ? -1 : 1;
    if (a->at.start != b->at.start) return a->at.start < b->at.start ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int flush(Ck *c)
{
    qsort(c->errs, c->n_errs, sizeof *c->errs, by_position);
    for (uint32_t i = 0; i < c->n_errs; i++) {
        diag_error(&c->in->diag, c->errs[i].at, "%s", c->errs[i].msg);
        if (c->errs[i].hint) diag_note(&c->in->diag, c->errs[i].at, "%s", c->errs[i].hint);
    }
    int n = (int)c->n_errs;
    free(c->errs);
    free(c->units);
    return n;
}

static Types *types_new(void)
{
    Types *T = xcalloc(1, sizeof *T);
    T->arena = arena_new(1 << 16);
    return T;
}

void types_free(Types *T)
{
    if (!T) return;
    slots_free((HashSlot *)T->slots, T->cap);
    arena_free(T->arena);
    free(T);
}

int types_check_script(Interp *in, const Node *script)
{
    types_free(in->types);
    in->types = types_new();
    in->types->script = script;
    Ck c = { .in = in, .T = in->types, .script = script };
    check_instances(&c, script);
    collect(&c, (Node *)script, false);
    unit_deps(&c);
    check_units(&c);
    return flush(&c);
}

bool types_of_expr(Interp *in, const Node *x, char *buf, size_t cap)
{
    if (!in->types) return false;
    Ck c = { .in = in, .T = in->types, .script = in->types->script, .level = 1 };
    Type *t = infer(&c, (Node *)x);
    bool ok = c.n_errs == 0;
    flush(&c);
    if (!ok) return false;
    ty_generalise(t, 0);
    TyNames nm = { .n = 0 };
    ty_print(buf, cap, t, &nm, true);
    return true;
}

static void print_def(Ck *c, FILE *out, const ResDef *d, const char *qual)
{
    Type *t = NULL;
    switch ((ResDefKind)d->kind) {
    case RES_DEF_FUNCTION: case RES_DEF_VALUE: case RES_DEF_CHANNEL: case RES_DEF_CONSTRUCTOR:
    case RES_DEF_NAMETYPE: {
        DefInfo *di = ty_find(c->T, d);
        t = di && di->type && !di->broken ? di->type : dyn(c);
        break;
    }
    case RES_DEF_DATATYPE: case RES_DEF_SUBTYPE:
        t = def_type(c, d);
        break;
    case RES_DEF_MODULE:
        for (uint32_t i = 0; i < d->n_members; i++)
            if (d->members[i]->is_exported) {
                char q[256];
                snprintf(q, sizeof q, "%s%s::", qual, d->name->name);
                print_def(c, out, d->members[i], q);
            }
        return;
    default:
        return;
    }
    char buf[2000];
    TyNames nm = { .n = 0 };
    ty_print(buf, sizeof buf, t, &nm, true);
    fprintf(out, "%s%s :: %s\n", qual, d->name->name, buf);
}

void types_print_script(Interp *in, FILE *out)
{
    if (!in->types) return;
    Ck c = { .in = in, .T = in->types, .script = in->types->script };
    for (uint32_t i = 0; i < res_top_count(c.script); i++)
        print_def(&c, out, res_top_def(c.script, i), "");
}
