/* typecheck.c - the inference walk over expressions, patterns and dotted
 * events, and the messages (see types.h; the definitions and their order
 * are typedecl.c's).
 *
 * An expression is inferred bottom-up (tc_infer) or checked against what
 * its context expects (tc_check, which reports at the expression itself).
 * A dotted value, pattern or event is flattened into its operands and
 * consumed against the fields its head (a channel or constructor)
 * declares; where an operand's shape is unknown the rest is left to run
 * time. Error paths are COLD functions, so the recursion's frames stay
 * small (the tree may be AST_MAX_DEPTH deep).
 */
#include "types_internal.h"

#include "interp.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>


/* ---- messages ---- */

const char *tc_text_of(Ck *c, const Node *x, char *buf, size_t cap)
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

void tc_report(Ck *c, Span at, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void tc_report(Ck *c, Span at, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(c, at, hint, fmt, ap);
    va_end(ap);
}

/* "a process (Proc)": the type with CSP words in front. */
void tc_describe(char *buf, size_t cap, const Type *t, TyNames *nm)
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
    case TT_DOTABLE: {
        const Type *r = t;  /* `Int=>a`, a = `Int=>Event`: an incomplete event too */
        for (int depth = 0; r->kind == TT_DOTABLE && depth < 64; depth++)
            r = ty_resolve(r->kid[r->n - 1]);
        w = r->kind == TT_EVENT ? "an incomplete event"
          : r->kind == TT_VAR ? "something still needing fields" : "a constructor without its fields";
        break;
    }
    default: break;
    }
    if (w) snprintf(buf, cap, "%s (%s)", w, ty);
    else snprintf(buf, cap, "%s", ty);
}

/* A datatype lacks a class because a constructor's field does: which one
 * (`D` has no Eq: its `X` holds Proc). The hint goes to buf; NULL if none
 * is found. */
static const char *data_class_hint(Ck *c, const Type *t, uint8_t cls, char *buf, size_t cap)
{
    const ResDef *d = t->data;
    /* a field of another type first: a datatype field may only lack it through us */
    for (uint32_t k = 0; k < 2 * d->n_members; k++) {
        uint32_t i = k % d->n_members;
        const DefInfo *ci = ty_find(c->T, d->members[i]);
        for (uint32_t f = 0; ci && f < ci->n_fields; f++) {
            Type *ft = ty_resolve(ci->fields[f]);
            if (ft->kind == TT_VAR || (ft->kind == TT_DATA) != (k >= d->n_members)) continue;
            if (ty_require(c->T, ft, cls)) continue;
            char ty[200];
            TyNames nm = { .n = 0 };
            ty_print(ty, sizeof ty, ft, &nm, false);
            snprintf(buf, cap, "a datatype is in class %s only if every field of its constructors "
                     "is; field %u of '%s' is of type %s", ty_class_name(cls), f + 1,
                     d->members[i]->name->name, ty);
            return buf;
        }
    }
    return NULL;
}

/* A rigid variable of the last failure named after a definition that is no
 * type (a nametype, say): FDR reads such a name in an annotation as a type
 * variable, which surprises. The hint goes to buf; NULL if none. */
static const char *rigid_hint(Ck *c, char *buf, size_t cap)
{
    Type *ts[2] = { ty_resolve(c->T->why_a), ty_resolve(c->T->why_b) };
    for (int i = 0; i < 2; i++) {
        Type *t = ts[i];
        if (!t || t->kind != TT_VAR || !t->rigid || !t->name) continue;
        const ResDef *d = res_top_lookup(c->script, sym_intern_cstr(c->in->syms, t->name));
        if (!d) continue;
        snprintf(buf, cap, "'%s' names %s %s, not a type, so the annotation reads it as a "
                 "type variable; write the type of its values instead (Int, {Int}, ...)",
                 t->name, strchr("aeiou", res_def_kind_name[d->kind][0]) ? "an" : "a",
                 res_def_kind_name[d->kind]);
        return buf;
    }
    return NULL;
}

/* Reports why the last unification or class check failed, at `at`;
 * expected/found are the outer types; op names the operation for classes. */
void tc_explain(Ck *c, Span at, Type *expected, Type *found, const char *op, const char *hint)
{
    Types *T = c->T;
    TyNames nm = { .n = 0 };
    char a[500], b[500], ia[300], ib[300];
    switch (T->why) {
    case UF_INFINITE:
        ty_print(a, sizeof a, T->why_a, &nm, false);
        ty_print(b, sizeof b, T->why_b, &nm, false);
        tc_report(c, at, hint, "cannot construct the infinite type %s = %s", a, b);
        return;
    case UF_CLASS: {
        Type *t = ty_resolve(T->why_a);
        const char *cls = ty_class_name(T->why_cls);
        char hb[600];
        if (t->kind == TT_DATA && !hint) hint = data_class_hint(c, t, T->why_cls, hb, sizeof hb);
        ty_print(a, sizeof a, t, &nm, false);
        if (t->kind == TT_PROC && (T->why_cls & C_EQ) && op)
            tc_report(c, at, hint, "%s cannot compare processes (Proc has no equality, Eq)", op);
        else if (t->kind == TT_PROC && (T->why_cls & C_EQ) && c->ctx)
            tc_report(c, at, hint, "'%s' compares its values, and processes cannot be compared "
                   "(Proc has no equality, Eq)", c->ctx);
        else if (t->kind == TT_FUN && (T->why_cls & (C_EQ | C_SET)))
            tc_report(c, at, hint, "functions cannot be compared or put in sets: %s is not in class %s",
                   a, cls);
        else if ((T->why_cls & C_ORD) && op)
            tc_report(c, at, hint, "%s cannot order values of type %s (it is not in class Ord)", op, a);
        else if (t->kind == TT_VAR)
            tc_report(c, at, hint, "the type variable %s of the annotation needs the constraint %s "
                   "(add `%s %s =>` to it)", a, cls, cls, a);
        else if (op)
            tc_report(c, at, hint, "%s needs values of class %s; the type %s is not in it", op, cls, a);
        else
            tc_report(c, at, hint, "the type %s does not have the constraint %s", a, cls);
        return;
    }
    default: {
        Type *ra = ty_resolve(T->why_a ? T->why_a : expected), *rb = ty_resolve(T->why_b ? T->why_b : found);
        if (!hint && ((ra->kind == TT_DOT && ra->only_dot) || (rb->kind == TT_DOT && rb->only_dot)))
            hint = "a pattern whose first part is a variable (x.y) matches only dotted values such as "
                   "1.true; to take an event or a datatype value apart, start the pattern with its "
                   "channel or constructor (c.y)";
        tc_describe(a, sizeof a, expected, &nm);
        tc_describe(b, sizeof b, found, &nm);
        Type *wa = T->why_a, *wb = T->why_b;
        bool inner = wa && wb && ty_resolve(wa) != ty_resolve(expected) &&
                     ty_resolve(wb) != ty_resolve(found);
        if (inner) {
            ty_print(ia, sizeof ia, wa, &nm, false);
            ty_print(ib, sizeof ib, wb, &nm, false);
            tc_report(c, at, hint, "expected %s, found %s (%s does not match %s)", a, b, ia, ib);
        } else if (T->why == UF_RIGID) {
            if (!hint) hint = rigid_hint(c, ib, sizeof ib);
            tc_report(c, at, hint, "expected %s, found %s (the type annotation allows any type here)",
                   a, b);
        } else {
            tc_report(c, at, hint, "expected %s, found %s", a, b);
        }
    }
    }
}

/* ---- helpers ---- */


bool tc_unify_at(Ck *c, Span at, Type *expected, Type *found, const char *hint)
{
    if (ty_unify(c->T, expected, found)) return true;
    tc_explain(c, at, expected, found, NULL, hint);
    return false;
}

/* Infers x and unifies it with `expected`, reporting at x. */
Type *tc_check(Ck *c, Node *x, Type *expected)
{
    Type *t = tc_infer(c, x);
    tc_unify_at(c, x->span, expected, t, NULL);
    return t;
}

void tc_need_class(Ck *c, Span at, Type *t, uint8_t cls, const char *op)
{
    if (!ty_require(c->T, t, cls)) tc_explain(c, at, t, t, op, NULL);
}


/* The element type of a set expression x (reported if x is no set). */
Type *tc_elem_of_set(Ck *c, Node *x)
{
    Type *e = fresh(c);
    tc_check(c, x, set_of(c, e));
    return e;
}


static Type *builtin_type(Ck *c, uint32_t id)
{
    Type **b = &c->T->builtin[id];
    if (!*b) *b = ty_parse_builtin(c->T, res_builtins[id].type);
    return ty_instantiate(c->T, *b, c->level);
}

/* The datatype a SUBTYPE declaration takes its values from, or NULL. */
const ResDef *tc_subtype_parent(const ResDef *d)
{
    Node *decl = d->decl;
    for (uint32_t i = 0; decl && i < decl->n; i++) {
        Node *cl = decl->kid[i];
        if (cl->res && cl->res->def && cl->res->def->owner) return cl->res->def->owner;
    }
    return NULL;
}

/* The type of a use of definition d. */
int tc_alias_builtin(const ResDef *d)
{
    if (d->kind != RES_DEF_VALUE || !d->decl ||
        (d->decl->kind != N_EXTERNAL && d->decl->kind != N_TRANSPARENT))
        return -1;
    return res_builtin_lookup(d->name->name, d->name->len);
}

Type *tc_def_type(Ck *c, const ResDef *d)
{
    switch ((ResDefKind)d->kind) {
    case RES_DEF_BUILTIN:
        return builtin_type(c, d->index);
    case RES_DEF_DATATYPE:
        return set_of(c, ty_data(c->T, d));
    case RES_DEF_SUBTYPE: {
        const ResDef *p = tc_subtype_parent(d);
        return p ? set_of(c, ty_data(c->T, p)) : dyn(c);
    }
    case RES_DEF_MODPARAM: {
        /* its module's parameters are typed once (typedecl.c's module_params) */
        DefInfo *di = ty_find(c->T, d);
        return di && di->type ? di->type : dyn(c);
    }
    default: {
        int alias = tc_alias_builtin(d);
        if (alias >= 0) return builtin_type(c, (uint32_t)alias);
        DefInfo *di = ty_find(c->T, d);
        if (!di || !di->type || di->broken) return dyn(c);
        return ty_instantiate(c->T, di->type, c->level);
    }
    }
}

Type *tc_use_def_type(Ck *c, const Node *x)
{
    Type *t = tc_def_type(c, x->res->def);
    if (x->kind != N_QUAL) return t;
    const Node *q = x->kid[0];
    while (q->kind == N_QUAL && q->res && q->res->def && q->res->def->kind == RES_DEF_MODULE)
        q = q->kid[0];
    const ResDef *inst = q->res ? q->res->def : NULL;
    DefInfo *ii = inst && inst->kind == RES_DEF_INSTANCE ? ty_find(c->T, inst) : NULL;
    return ii ? ty_subst(c->T, t, ii->map_from, ii->map_to, ii->n_map) : t;
}

/* The type of a name used in an expression: a module is no value. (The
 * resolver reports tock-CSP's names used outside Timed sections, and `$`
 * and linked parallel inside them.) */
static Type *use_type(Ck *c, Node *x)
{
    const ResDef *d = x->res->def;
    if (d->kind == RES_DEF_MODULE || d->kind == RES_DEF_INSTANCE) {
        tc_report(c, x->span, NULL, "'%s' is a module%s, not a value: name one of its members, "
               "'%s::name'", d->name->name, d->kind == RES_DEF_INSTANCE ? " instance" : "",
               d->name->name);
        return dyn(c);
    }
    return tc_use_def_type(c, x);
}

/* ---- dotted values and events ---- */

uint32_t tc_flatten_dot(Node *x, bool is_pat, Op *ops, uint32_t n)
{
    if (x->kind == N_DOT && n < MAX_DOT_OPS) {
        n = tc_flatten_dot(x->kid[0], is_pat, ops, n);
        return tc_flatten_dot(x->kid[1], is_pat, ops, n);
    }
    if (n < MAX_DOT_OPS) ops[n++] = (Op){ x, is_pat, NULL, 0, 0, false };
    return n;
}

/* Flattens an event `c.x?y!z` into its operands; false if it has more
 * operands than are followed. */
static uint32_t flatten_event(Node *e, Op *ops, uint32_t n)
{
    if (e->kind != N_FIELD) return tc_flatten_dot(e, false, ops, n);
    n = flatten_event(e->kid[0], ops, n);
    uint32_t first = n;
    n = tc_flatten_dot(e->kid[1], e->op != FIELD_OUT, ops, n);
    for (uint32_t i = first; i < n; i++) {
        ops[i].field = first + 1;
        ops[i].input = e->op != FIELD_OUT;
    }
    if (n > first && e->kid[2]) {
        ops[n - 1].restrict_ = e->kid[2];
        ops[n - 1].restrict_ops = n - first;
    }
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
            tc_unify_at(c, p->span, di->type, t, NULL);
        } else {
            di->type = t;
            di->state = 2;
        }
    }
}

static Type *op_type(Ck *c, Op *o)
{
    return o->is_pat ? tc_pat(c, o->x) : tc_infer(c, o->x);
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
    tc_text_of(c, range, r, sizeof r);
    tc_report(c, lit->span, NULL, "'%s' carries %s; %lld is outside it", chan->name->name, r,
           (long long)lit->num);
}

/* `?x:S`: S is a set of x's values. `?x.y:S` restricts x.y, whose fields
 * are not collected here: S is only typed as a set. */
static void restriction(Ck *c, Op *o, Type *t)
{
    if (!o->restrict_) return;
    if (o->restrict_ops > 1) tc_elem_of_set(c, o->restrict_);
    else tc_check(c, o->restrict_, set_of(c, t));
}

/* `?x:S` before other fields, where S holds dotted values: x may take
 * several fields (FDR counts them by S's type); x is typed as S's
 * elements and the rest of the event is left to run time. True if so. */
static bool restricted_several(Ck *c, Op *o, Op *rest, uint32_t n)
{
    Type *el = ty_resolve(tc_elem_of_set(c, o->restrict_));
    if (el->kind != TT_DOT) return false;
    bind_pat(c, o->x, el);
    for (uint32_t j = 0; j < n; j++) {
        if (rest[j].is_pat && is_binder(rest[j].x)) bind_pat(c, rest[j].x, fresh(c));
        else op_type(c, &rest[j]);
    }
    c->absorbed = true;
    return true;
}

/* `?Data` where Data still takes fields: FDR's "does not have the
 * constraint Complete". */
static COLD void incomplete_input(Ck *c, Node *x, Type *t)
{
    char ty[300], u[200];
    TyNames nm = { .n = 0 };
    ty_print(ty, sizeof ty, t, &nm, false);
    tc_report(c, x->span, NULL, "an input binds whole values, but '%s' here still takes "
              "fields (%s): give them in the same '?' (`?%s.x`)",
              tc_text_of(c, x, u, sizeof u), ty, u);
}

/* Dots a value of type `head` with the operands ops[0..n) as far as its
 * fields go; *used says how many operands were taken. chan: the channel
 * `head` names directly (for constant checks), else NULL. */
static Type *consume(Ck *c, Type *head, Op *ops, uint32_t n, uint32_t *used, const ResDef *chan,
                     bool absorb)
{
    Type *h = ty_resolve(head);
    bool extendable = c->extendable;   /* this chain only, not the ones inside it */
    c->extendable = false;
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
            if (o->restrict_ && o->restrict_ops == 1 && !last &&
                restricted_several(c, o, ops + j + 1, n - j - 1)) {
                *used = n;
                return R;
            }
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
            restriction(c, o, t);
            j++;
            continue;
        }
        Type *t = ty_resolve(op_type(c, o));
        Type *f = ty_resolve(h->kid[i]);
        restriction(c, o, t);
        if (t->kind == TT_DOTABLE && f->kind != TT_DOTABLE && f->kind != TT_DYN &&
            (f->kind != TT_VAR || f->rigid)) {
            /* a constructor in an input takes its fields from that input
             * only, its last variable the rest of them (`?Data.x`) */
            uint32_t u, lim = n - j - 1;
            if (o->input)
                for (lim = 0; j + 1 + lim < n && ops[j + 1 + lim].field == o->field;) lim++;
            c->extendable = extendable && j + 1 + lim == n;   /* `{| c.C.x |}`: x is C's */
            Type *sub = ty_resolve(consume(c, t, ops + j + 1, lim, &u, NULL, o->input));
            if (o->input && sub->kind == TT_DOTABLE) {
                incomplete_input(c, o->x, sub);
                *used = n;
                return R;
            }
            j += 1 + u;
            if (c->absorbed) {   /* the constructor's value still fills this field */
                if (sub->kind != TT_DOTABLE) tc_unify_at(c, o->x->span, f, sub, NULL);
                *used = j;
                return R;
            }
            if (sub->kind == TT_DOTABLE && j == n) {
                /* `c.C` with C a constructor still needing fields: they come first */
                tc_unify_at(c, o->x->span, f, sub->kid[sub->n - 1], NULL);
                Type *rest = ty_new(c->T, TT_DOTABLE, sub->n - 1 + nf - i);
                memcpy(rest->kid, sub->kid, (sub->n - 1) * sizeof *rest->kid);
                memcpy(rest->kid + sub->n - 1, h->kid + i + 1, (nf - i) * sizeof *rest->kid);
                *used = j;
                return rest;
            }
            tc_unify_at(c, o->x->span, f, sub, NULL);
            i++;
        } else if (t->kind == TT_DOT) {
            for (uint32_t k = 0; k < t->n && i < nf; k++, i++)
                if (!tc_unify_at(c, o->x->span, h->kid[i], t->kid[k], NULL)) break;
            j++;
        } else if (t->kind == TT_VAR && !t->rigid && last && extendable) {
            /* `{| b.x |}`: x is b's next field; the rest stays open (FDR) */
            tc_unify_at(c, o->x->span, h->kid[i], t, NULL);
            i++;
            j++;
        } else if (t->kind == TT_VAR && !t->rigid && last && absorb && nf - i > 1) {
            /* `b.x` with b : Int.Int: x is the dotted rest, Int.Int */
            Type *d = ty_new(c->T, TT_DOT, nf - i);
            memcpy(d->kid, h->kid + i, (nf - i) * sizeof *d->kid);
            tc_unify_at(c, o->x->span, d, t, NULL);
            i = nf;
            j++;
        } else if (t->kind == TT_DYN || (t->kind == TT_VAR && !absorb)) {
            /* of unknown shape: it may fill one field or several (run time decides) */
            unknown = true;
            c->absorbed = true;
            if (last) c->absorbed = true;
            i++;
            j++;
        } else {
            if (ci && ci->field_nodes && i < ci->n_fields && i < nf)
                check_constant(c, ci->field_nodes[i], o->x, chan);
            tc_unify_at(c, o->x->span, h->kid[i], t, NULL);
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
    tc_report(c, at, NULL, "too many fields: '%s' is complete before '%s'",
           tc_text_of(c, head, t, sizeof t), tc_text_of(c, extra, u, sizeof u));
}

/* A plain dotted value such as 1.2 (its fields' types, flattened), or
 * (only_dot) a pattern `x.y.z` whose head is a variable or `_`: FDR types
 * it as a dotted value a.b.c, which no event, datatype value or
 * constructor is. */
static Type *plain_dot(Ck *c, Type *h, Op *ops, uint32_t n, bool only_dot)
{
    Type *d = ty_new(c->T, TT_DOT, n);
    d->only_dot = only_dot;
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

/* A dot chain (expression, pattern or event operands), its head first. */
static Type *dotted(Ck *c, Op *ops, uint32_t n, Span at, bool in_event)
{
    uint32_t rest = c->dot_rest;   /* for this chain only */
    c->dot_rest = 0;
    Type *h = ty_resolve(op_type(c, &ops[0]));
    if (rest && h->kind == TT_DOTABLE && h->n - 1 > rest) {
        /* the chain must stop `rest` fields short (`[[a <- c.p]]`, a : Int=>Event,
         * c : T.Int): type it as if its head yielded that incomplete event, so an
         * operand of unknown type takes one field, not the rest (FDR) */
        uint32_t nf = h->n - 1, k = nf - rest;
        Type *tail = ty_new(c->T, TT_DOTABLE, rest + 1);
        memcpy(tail->kid, h->kid + k, (rest + 1) * sizeof *tail->kid);
        Type *cut = ty_new(c->T, TT_DOTABLE, k + 1);
        memcpy(cut->kid, h->kid, k * sizeof *cut->kid);
        cut->kid[k] = tail;
        h = cut;
    }
    if (n == 1) return h;
    if (h->kind == TT_VAR && ops[0].is_pat && is_binder(ops[0].x))
        return plain_dot(c, h, ops, n, true);
    if (h->kind == TT_VAR && !h->rigid && (h->cls & C_YIELD)) {
        /* it yields: one field per operand, then what it yields */
        Type *d = ty_new(c->T, TT_DOTABLE, n);
        for (uint32_t j = 0; j + 1 < n; j++) d->kid[j] = fresh(c);
        d->kid[n - 1] = ty_var(c->T, c->level, C_YIELD);
        ty_unify(c->T, h, d);
        h = ty_resolve(h);
    }
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
            tc_describe(ty, sizeof ty, h, &nm);
            tc_report(c, ops[0].x->span, NULL, "'%s' is not a channel: it is %s",
                   tc_text_of(c, ops[0].x, t, sizeof t), ty);
        } else if (h->kind == TT_EVENT && ops[1].x->kind != N_DOT) {
            too_many(c, at, ops[0].x, ops[1].x);
        }
        return dyn(c);
    }
    if (h->kind != TT_DOTABLE) return plain_dot(c, h, ops, n, false);
    uint32_t used;
    Type *last_field = h->kid[h->n - 2];
    c->absorbed = false;
    Type *r = consume(c, h, ops + 1, n - 1, &used, channel_named(ops[0].x), true);
    if (used + 1 < n) {
        /* `c.0.0.D` is a dotted value Event.C; as an event it has too many fields */
        Type *lf = ty_resolve(last_field);
        bool strict = in_event && ty_resolve(r)->kind == TT_EVENT && !c->absorbed &&
                      (closed_field(lf) || lf->kind == TT_DATA);
        /* outside an event: a dotted value, the complete part first (T.(Int=>T)) */
        Type *d = ty_new(c->T, TT_DOT, n - used);
        d->kid[0] = r;
        for (uint32_t j = used + 1; j < n; j++) {
            if (ops[j].is_pat && is_binder(ops[j].x)) bind_pat(c, ops[j].x, d->kid[j - used] = fresh(c));
            else d->kid[j - used] = op_type(c, &ops[j]);
        }
        if (strict) too_many(c, at, ops[0].x, ops[used + 1].x);
        return in_event || c->absorbed ? dyn(c) : d;
    }
    return r;
}

/* A dotted expression or pattern `x.y.z`. */
static __attribute__((noinline)) Type *dot_expr(Ck *c, Node *x, bool is_pat)
{
    Op ops[MAX_DOT_OPS];
    uint32_t n = tc_flatten_dot(x, is_pat, ops, 0);
    return dotted(c, ops, n, x->span, false);
}

/* ---- patterns ---- */

Type *tc_pat(Ck *c, Node *p)
{
    switch ((NodeKind)p->kind) {
    case N_VAR: {
        if (!p->res || !p->res->def) return dyn(c);
        if (p->res->role == RES_ROLE_BIND) {
            DefInfo *di = info(c, p->res->def);
            if (di->annotated) return tc_own_type(c, di);
            if (di->state == 1 && di->type) return di->type;
            Type *t = fresh(c);
            di->type = t;
            di->state = 2;
            return t;
        }
        return tc_def_type(c, p->res->def);
    }
    case N_QUAL:
        return p->res && p->res->def ? tc_use_def_type(c, p) : dyn(c);
    case N_WILD: return fresh(c);
    case N_INT: return base(c, TT_INT);
    case N_CHAR: return base(c, TT_CHAR);
    case N_BOOL: return base(c, TT_BOOL);
    case N_STRING: return seq_of(c, base(c, TT_CHAR));
    case N_TUPLE: {
        Type *t = ty_new(c->T, TT_TUPLE, p->n);
        for (uint32_t i = 0; i < p->n; i++) t->kid[i] = tc_pat(c, p->kid[i]);
        return t;
    }
    case N_SEQ: case N_SET: {
        Type *e = fresh(c);
        for (uint32_t i = 0; i < p->n; i++) tc_unify_at(c, p->kid[i]->span, e, tc_pat(c, p->kid[i]), NULL);
        if (p->kind == N_SET) tc_need_class(c, p->span, e, C_EQ, "a set pattern");
        return p->kind == N_SEQ ? seq_of(c, e) : set_of(c, e);
    }
    case N_BINOP:
        if (p->op == OP_CAT) {
            Type *s = seq_of(c, fresh(c));
            tc_unify_at(c, p->kid[0]->span, s, tc_pat(c, p->kid[0]), NULL);
            tc_unify_at(c, p->kid[1]->span, s, tc_pat(c, p->kid[1]), NULL);
            return s;
        }
        return dyn(c);
    case N_ATAT: {
        Type *t = tc_pat(c, p->kid[0]);
        tc_unify_at(c, p->kid[1]->span, t, tc_pat(c, p->kid[1]), NULL);
        return t;
    }
    case N_DOT: return dot_expr(c, p, true);
    case N_UNOP:   /* a negative literal, `f(-1)` */
        if (p->op == OP_NEG && p->kid[0]->kind == N_INT) return base(c, TT_INT);
        return dyn(c);
    default:
        return dyn(c);
    }
}

/* ---- statements (generators and guards) ---- */

enum { FROM_SET, FROM_SEQ };

/* Types a statement list; generators draw from sets or sequences (from:
 * FROM_*): as in FDR, replicated operators and the statements of a
 * renaming or of linked ties from sets, `;` and a replicated linked
 * parallel from sequences. */
static void stmts(Ck *c, Node *list, int from)
{
    if (!list) return;
    for (uint32_t i = 0; i < list->n; i++) {
        Node *s = list->kid[i];
        if (s->kind != N_GEN) {
            tc_check(c, s, base(c, TT_BOOL));
            continue;
        }
        Type *e = fresh(c);
        tc_check(c, s->kid[1], from == FROM_SEQ ? seq_of(c, e) : set_of(c, e));
        tc_unify_at(c, s->kid[0]->span, e, tc_pat(c, s->kid[0]), NULL);
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
        tc_text_of(c, x, a, sizeof a);
        if (!op) {
            snprintf(hint, sizeof hint, "'%s' is an event; did you mean '%s -> STOP'?", a, a);
        } else if (prefix_event) {
            tc_text_of(c, prefix_event, b, sizeof b);
            snprintf(hint, sizeof hint, "'%s' is an event, but '->' needs a process after it; "
                     "did you mean '%s -> %s -> STOP'?", a, b, a);
        } else {
            snprintf(hint, sizeof hint, "'%s' is an event, but '%s' combines processes; did you "
                     "mean '%s -> STOP'?", a, op, a);
        }
        h = hint;
    }
    tc_explain(c, x->span, base(c, TT_PROC), t, NULL, h);
}

void tc_check_proc(Ck *c, Node *x, const char *op, Node *prefix_event)
{
    Type *t = tc_infer(c, x);
    if (!ty_unify(c->T, base(c, TT_PROC), t)) proc_error(c, x, op, prefix_event, t);
}

void tc_check_events(Ck *c, Node *x)
{
    tc_check(c, x, set_of(c, base(c, TT_EVENT)));
}

/* `{| a, b |}`: the values a channel or constructor yields. */
static Type *production(Ck *c, Node *x)
{
    if (x->n > 1) stmts(c, x->kid[1], FROM_SET);
    Type *r = NULL;
    Node *items = x->kid[0];
    for (uint32_t i = 0; i < items->n; i++) {
        c->extendable = items->kid[i]->kind == N_DOT;
        Type *t = ty_resolve(tc_infer(c, items->kid[i]));
        c->extendable = false;
        if (t->kind == TT_VAR && !t->rigid && items->kid[i]->kind != N_DOT)
            t->cls |= C_YIELD;  /* `{| x |}`: x yields events or values, dotted (FDR) */
        if (t->kind == TT_DOTABLE) t = ty_resolve(t->kid[t->n - 1]);
        if (t->kind == TT_VAR || t->kind == TT_DYN) continue;   /* extendable: not followed */
        if (!r) r = t;
        else tc_unify_at(c, items->kid[i]->span, r, t, NULL);
    }
    return set_of(c, r ? r : fresh(c));
}

static COLD void apply_error(Ck *c, Node *x, Type *f)
{
    Node *fn = x->kid[0];
    char t[200], d[300];
    if (f->kind != TT_FUN) {
        TyNames nm = { .n = 0 };
        tc_describe(d, sizeof d, f, &nm);
        tc_report(c, fn->span, NULL, "'%s' is not a function: it is %s", tc_text_of(c, fn, t, sizeof t), d);
        return;
    }
    uint32_t want = f->n - 1, given = x->kid[1]->n;
    tc_report(c, x->span, NULL, "'%s' takes %u argument%s, given %u", tc_text_of(c, fn, t, sizeof t),
           want, want == 1 ? "" : "s", given);
}

/* extensions(x) and productions(x) of a channel or constructor of known
 * fields: the values of its remaining fields (dotted), or of its result. */
static Type *yields(Ck *c, Node *x, int id)
{
    Node *arg = x->kid[1]->kid[0];
    Type *t = ty_resolve(tc_infer(c, arg));
    if (t->kind == TT_EVENT && id == RES_BI_extensions) {
        char a[200];
        tc_report(c, arg->span, NULL, "'%s' is a complete event: it has no fields to extend it "
                  "with (extensions needs a channel with fields)", tc_text_of(c, arg, a, sizeof a));
        return dyn(c);
    }
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
    Type *f = ty_resolve(tc_infer(c, fn));
    if (f->kind == TT_VAR) {
        Type *g = ty_new(c->T, TT_FUN, args->n + 1);
        for (uint32_t i = 0; i <= args->n; i++) g->kid[i] = fresh(c);
        tc_unify_at(c, fn->span, g, f, NULL);
        f = g;
    }
    if (f->kind != TT_FUN) {
        for (uint32_t i = 0; i < args->n; i++) tc_infer(c, args->kid[i]);
        if (f->kind != TT_DYN) apply_error(c, x, f);
        return dyn(c);
    }
    uint32_t want = f->n - 1;
    if (want != args->n) {
        apply_error(c, x, f);
        for (uint32_t i = 0; i < args->n; i++) tc_infer(c, args->kid[i]);
        return f->kid[want];
    }
    const char *outer = c->ctx;
    char name[120];
    c->ctx = tc_text_of(c, fn, name, sizeof name);
    for (uint32_t i = 0; i < args->n; i++) tc_check(c, args->kid[i], f->kid[i]);
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
        tc_check(c, l, base(c, TT_INT));
        tc_check(c, r, base(c, TT_INT));
        return base(c, TT_INT);
    case OP_EQ: case OP_NE: case OP_LT: case OP_GT: case OP_LE: case OP_GE: {
        Type *t = tc_infer(c, l);
        tc_check(c, r, t);
        tc_need_class(c, x->span, t, x->op == OP_EQ || x->op == OP_NE ? C_EQ : C_ORD, opq);
        return base(c, TT_BOOL);
    }
    case OP_AND: case OP_OR:
        tc_check(c, l, base(c, TT_BOOL));
        tc_check(c, r, base(c, TT_BOOL));
        return base(c, TT_BOOL);
    case OP_CAT: {
        Type *s = seq_of(c, fresh(c));
        tc_check(c, l, s);
        tc_check(c, r, s);
        return s;
    }
    case OP_GUARD:
        tc_check(c, l, base(c, TT_BOOL));
        tc_check_proc(c, r, sp, NULL);
        return base(c, TT_PROC);
    case OP_HIDE: case OP_PROJECT:
        tc_check_proc(c, l, sp, NULL);
        tc_check_events(c, r);
        return base(c, TT_PROC);
    case OP_EXTCHOICE: case OP_INTCHOICE: case OP_INTERLEAVE: case OP_SEQ: case OP_TIMEOUT:
    case OP_INTERRUPT: case OP_PAR:
        tc_check_proc(c, l, sp, NULL);
        tc_check_proc(c, r, sp, NULL);
        return base(c, TT_PROC);
    default:
        tc_infer(c, l);
        tc_infer(c, r);
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
                     "or '?'", tc_text_of(c, e, a, sizeof a), rest);
            h = hint;
        }
        tc_explain(c, e->span, base(c, TT_EVENT), t, NULL, h);
    }
}

static __attribute__((noinline)) Type *event_type(Ck *c, Node *e)
{
    Op ops[MAX_DOT_OPS];
    uint32_t n = flatten_event(e, ops, 0);
    return dotted(c, ops, n, e->span, true);
}

static Type *prefix(Ck *c, Node *x)
{
    Node *e = x->kid[0];
    Type *t = event_type(c, e);
    if (!ty_unify(c->T, base(c, TT_EVENT), t)) event_error(c, e, t);
    tc_check_proc(c, x->kid[1], "->", e);
    return base(c, TT_PROC);
}

/* A renaming's or tie's side `x.e` whose head x is a variable of unknown
 * type: x yields (events), as FDR's `Int=>(a=>*Event)` says, so the dot is
 * typed field by field (dotted). */
static void side_yields(Ck *c, Node *side)
{
    Node *h = side;
    while (h->kind == N_DOT) h = h->kid[0];
    if (h == side || h->kind != N_VAR || !h->res || !h->res->def) return;
    Type *t = ty_resolve(tc_def_type(c, h->res->def));
    if (t->kind == TT_VAR && !t->rigid) t->cls |= C_YIELD;
}

/* Renaming pairs and link ties: both sides of one type. */
static void pairs(Ck *c, Node *list)
{
    for (uint32_t i = 0; list && i < list->n; i++) {
        Node *p = list->kid[i];
        if (p->kind != N_PAIR) {
            tc_infer(c, p);
            continue;
        }
        side_yields(c, p->kid[0]);
        side_yields(c, p->kid[1]);
        Type *a = tc_infer(c, p->kid[0]);
        Type *ra = ty_resolve(a);
        if (p->kid[1]->kind == N_DOT && ra->kind == TT_DOTABLE) c->dot_rest = ra->n - 1;
        tc_check(c, p->kid[1], a);
        c->dot_rest = 0;
    }
}

static Type *comprehension(Ck *c, Node *x)
{
    bool seq = x->op == RANGE_SEQ;
    stmts(c, x->kid[1], seq ? FROM_SEQ : FROM_SET);
    Type *e;
    Node *items = x->kid[0];
    if (items->kind == N_RANGE) {
        tc_check(c, items->kid[0], base(c, TT_INT));
        if (items->n > 1 && items->kid[1]) tc_check(c, items->kid[1], base(c, TT_INT));
        e = base(c, TT_INT);
    } else {
        e = fresh(c);
        for (uint32_t i = 0; i < items->n; i++) tc_check(c, items->kid[i], e);
    }
    if (!seq) tc_need_class(c, x->span, e, C_SET, "a set's elements");
    return seq ? seq_of(c, e) : set_of(c, e);
}

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
        for (uint32_t i = 0; i < x->n; i++) t->kid[i] = tc_infer(c, x->kid[i]);
        return t;
    }
    case N_SEQ: case N_SET: {
        Type *e = fresh(c);
        for (uint32_t i = 0; i < x->n; i++) tc_check(c, x->kid[i], e);
        /* FDR: `{}` too is `Set a => {a}` */
        if (x->kind == N_SET) tc_need_class(c, x->span, e, C_SET, "a set's elements");
        return x->kind == N_SEQ ? seq_of(c, e) : set_of(c, e);
    }
    case N_RANGE:
        tc_check(c, x->kid[0], base(c, TT_INT));
        if (x->n > 1 && x->kid[1]) tc_check(c, x->kid[1], base(c, TT_INT));
        return x->op == RANGE_SEQ ? seq_of(c, base(c, TT_INT)) : set_of(c, base(c, TT_INT));
    case N_COMP: return comprehension(c, x);
    case N_PROD: return production(c, x);
    case N_MAP: {
        Type *k = fresh(c), *v = fresh(c);
        for (uint32_t i = 0; i < x->n; i++) {
            Node *p = x->kid[i];
            if (p->kind != N_PAIR) continue;
            tc_check(c, p->kid[0], k);
            tc_check(c, p->kid[1], v);
        }
        /* FDR puts no class on a literal's keys: (| |) :: (| a => b |) */
        return ty_two(c->T, TT_MAP, k, v);
    }
    case N_DOT: return dot_expr(c, x, false);
    case N_APPLY: return apply(c, x);
    case N_LAMBDA: {
        Node *ps = x->kid[0];
        Type *f = ty_new(c->T, TT_FUN, ps->n + 1);
        for (uint32_t i = 0; i < ps->n; i++) f->kid[i] = tc_pat(c, ps->kid[i]);
        f->kid[ps->n] = tc_infer(c, x->kid[1]);
        return f;
    }
    case N_LET:
        tc_let_block(c, x->kid[0], x->res);
        return tc_infer(c, x->kid[1]);
    case N_IF: {
        tc_check(c, x->kid[0], base(c, TT_BOOL));
        Type *t = tc_infer(c, x->kid[1]);
        tc_check(c, x->kid[2], t);
        return t;
    }
    case N_BINOP: return binop(c, x);
    case N_UNOP:
        if (x->op == OP_NEG) return tc_check(c, x->kid[0], base(c, TT_INT)), base(c, TT_INT);
        if (x->op == OP_NOT) return tc_check(c, x->kid[0], base(c, TT_BOOL)), base(c, TT_BOOL);
        tc_check(c, x->kid[0], seq_of(c, fresh(c)));
        return base(c, TT_INT);
    case N_PREFIX: return prefix(c, x);
    case N_GENPAR: case N_EXCEPT: case N_SYNCEXT: case N_SYNCINT:
        tc_check_proc(c, x->kid[0], "[| |]", NULL);
        tc_check_events(c, x->kid[1]);
        tc_check_proc(c, x->kid[2], "[| |]", NULL);
        return base(c, TT_PROC);
    case N_ALPHPAR:
        tc_check_proc(c, x->kid[0], "[ || ]", NULL);
        tc_check_events(c, x->kid[1]);
        tc_check_events(c, x->kid[2]);
        tc_check_proc(c, x->kid[3], "[ || ]", NULL);
        return base(c, TT_PROC);
    case N_LINKPAR:
        stmts(c, x->n > 3 ? x->kid[2] : NULL, FROM_SET);
        pairs(c, x->kid[1]);
        tc_check_proc(c, x->kid[0], "[ <-> ]", NULL);
        tc_check_proc(c, x->kid[x->n - 1], "[ <-> ]", NULL);
        return base(c, TT_PROC);
    case N_RENAME:
        tc_check_proc(c, x->kid[0], "[[ ]]", NULL);
        stmts(c, x->n > 2 ? x->kid[2] : NULL, FROM_SET);
        pairs(c, x->kid[1]);
        return base(c, TT_PROC);
    case N_REP:
        stmts(c, x->kid[0], x->op == OP_SEQ ? FROM_SEQ : FROM_SET);
        if (x->kid[1]->kind == N_ALPHA) {
            tc_check_events(c, x->kid[1]->kid[0]);
            tc_check_proc(c, x->kid[1]->kid[1], "||", NULL);
        } else {
            tc_check_proc(c, x->kid[1], ast_op_spelling[x->op], NULL);
        }
        return base(c, TT_PROC);
    case N_REPGENPAR: case N_REPSYNCEXT:
        stmts(c, x->kid[1], FROM_SET);
        tc_check_events(c, x->kid[0]);
        tc_check_proc(c, x->kid[2], "[| |]", NULL);
        return base(c, TT_PROC);
    case N_REPLINK:
        stmts(c, x->kid[x->n - 2], FROM_SEQ);   /* FDR: linked over a sequence */
        if (x->n > 3 && x->kid[1]) stmts(c, x->kid[1], FROM_SET);
        pairs(c, x->kid[0]);
        tc_check_proc(c, x->kid[x->n - 1], "[ <-> ]", NULL);
        return base(c, TT_PROC);
    case N_ALPHA:
        tc_check_events(c, x->kid[0]);
        tc_check_proc(c, x->kid[1], "||", NULL);
        return base(c, TT_PROC);
    case N_RESTRICT:
        tc_infer(c, x->kid[0]);
        tc_infer(c, x->kid[1]);
        return dyn(c);
    default:
        /* pattern-only or unexpected syntax (reported by the resolver): its
         * parts are still typed for their own mistakes */
        for (uint32_t i = 0; i < x->n; i++)
            if (x->kid[i] && x->kid[i]->kind != N_TYPE) tc_infer(c, x->kid[i]);
        return dyn(c);
    }
}

Type *tc_infer(Ck *c, Node *x)
{
    if (!x) return dyn(c);
    return infer_node(c, x);
}
