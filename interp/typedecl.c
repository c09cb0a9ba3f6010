/* typedecl.c - the definitions: annotations, declarations (channels,
 * datatypes, nametypes, subtypes, functions, pattern bindings, assertions,
 * let blocks), the order they are typed in (units and their strongly
 * connected components), and the entry points of types.h (modules'
 * parameters and instances are typemodule.c's).
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

#include <stdlib.h>
#include <string.h>

/* ---- annotations ---- */

typedef struct {
    const Sym *name[26];
    Type *var[26];
    uint32_t n;
    const ResDef *mod;      /* the innermost module the annotation is written in, or NULL */
    bool quiet;             /* the annotation's errors were reported for its first name */
} AnnVars;

/* An error in the annotation itself (not part of a unit's check): the
 * message, then `at` as written, then tail. */
static void ann_error(Ck *c, const AnnVars *av, const Node *at, const char *msg, const char *tail)
{
    if (av->quiet) return;
    char text[256];
    c->failed = false;
    tc_report(c, at->span, NULL, "%s%s%s", msg, tc_text_of(c, at, text, sizeof text), tail);
}

/* The innermost module among list's (and its modules') declarations whose
 * text contains at. */
static const ResDef *module_around(const Node *list, Span at)
{
    for (uint32_t i = 0; list && i < list->n; i++) {
        const Node *d = list->kid[i];
        if (d->kind != N_MODULE || d->span.file != at.file || at.start < d->span.start ||
            at.end > d->span.end)
            continue;
        const ResDef *inner = module_around(d->kid[1], at);
        if (!inner) inner = module_around(d->kid[2], at);
        return inner ? inner : d->res ? d->res->def : NULL;
    }
    return NULL;
}

static const ResDef *member_named(const ResDef *m, const Sym *name)
{
    for (uint32_t i = 0; m && i < m->n_members; i++)
        if (m->members[i]->name == name) return m->members[i];
    return NULL;
}

/* What an annotation's name stands for where it is written: a member of an
 * enclosing module (innermost first), else a top-level definition. */
static const ResDef *name_in_scope(Ck *c, const ResDef *mod, const Sym *name)
{
    for (const ResDef *m = mod; m && m->kind == RES_DEF_MODULE; m = m->owner) {
        const ResDef *d = member_named(m, name);
        if (d) return d;
    }
    return res_top_lookup(c->script, name);
}

static bool is_type_def(const ResDef *d)
{
    return d && (d->kind == RES_DEF_DATATYPE || d->kind == RES_DEF_SUBTYPE);
}

/* `M::T` in an annotation: T must be a datatype of module M (or of the
 * module instance M; those stay of unknown type). NULL after a report. */
static Type *qualified_type(Ck *c, const Node *t, AnnVars *av)
{
    const Node *q = t;
    while (q->n && q->kid[0]) q = q->kid[0];
    const ResDef *d = name_in_scope(c, av->mod, q->name);
    bool through_instance = false, private_ = false;
    while (d && q != t) {
        const Node *next = t;
        while (next->kid[0] != q) next = next->kid[0];
        const ResDef *m = d->kind == RES_DEF_INSTANCE ? d->module : d;
        if (d->kind == RES_DEF_INSTANCE) through_instance = true;
        d = m && (m->kind == RES_DEF_MODULE) ? member_named(m, next->name) : NULL;
        if (d && !d->is_exported) {
            private_ = true;    /* FDR: even from inside the module */
            d = NULL;
        }
        q = next;
    }
    if (is_type_def(d)) {
        if (through_instance) return dyn(c);
        if (d->kind == RES_DEF_SUBTYPE) d = tc_subtype_parent(d);
        return d ? ty_data(c->T, d) : dyn(c);
    }
    ann_error(c, av, t, "'", private_ ? "' is not in scope: it is private to its module (move it "
              "to the exports part)" : "' is not a type in scope (a type variable cannot be qualified)");
    return dyn(c);
}

/* A name of an annotation that is not a type in scope is a type variable
 * (FDR's rule, whatever its case). */
static Type *type_var(Ck *c, const Node *t, AnnVars *av)
{
    for (uint32_t i = 0; i < av->n; i++)
        if (av->name[i] == t->name) return av->var[i];
    if (av->n == 26) return dyn(c);
    Type *v = ty_var(c->T, LEVEL_GENERIC, 0);
    v->name = t->name->name;
    av->name[av->n] = t->name;
    av->var[av->n++] = v;
    return v;
}

static Type *ann(Ck *c, const Node *t, AnnVars *av);

/* `a =>* b`: FDR wants a type variable right before `=>*` (a dot binds
 * more loosely: `Int.a =>* b` is `Int.(a =>* b)`). */
static Type *extendable(Ck *c, const Node *t, AnnVars *av)
{
    const Node *l = t->kid[0];
    while (l->kind == N_TYPE && l->op == TY_DOT) l = l->kid[1];
    Type *v = ty_resolve(ann(c, l, av));
    if (v->kind != TT_VAR && l->op == TY_NAME)
        ann_error(c, av, l, "the left side of '=>*' must be a type variable, not ", "");
    else if (v->kind != TT_VAR)
        ann_error(c, av, t, "the left side of '=>*' must be a type variable: ", "");
    ann(c, t->kid[1], av);
    return dyn(c);
}

static Type *ann(Ck *c, const Node *t, AnnVars *av)
{
    if (!t || t->kind != N_TYPE) return dyn(c);
    switch (t->op) {
    case TY_NAME: {
        if (t->n && t->kid[0]) return qualified_type(c, t, av);
        const char *s = t->name->name;
        static const struct { const char *s; TypeKind k; } bases[] = {
            { "Int", TT_INT }, { "Bool", TT_BOOL }, { "Char", TT_CHAR }, { "Event", TT_EVENT },
            { "Proc", TT_PROC },
        };
        for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++)
            if (strcmp(s, bases[i].s) == 0) return base(c, bases[i].k);
        const ResDef *d = name_in_scope(c, av->mod, t->name);
        if (is_type_def(d)) {
            if (d->kind == RES_DEF_SUBTYPE) d = tc_subtype_parent(d);
            return d ? ty_data(c->T, d) : dyn(c);
        }
        return type_var(c, t, av);
    }
    case TY_EXTENDABLE: return extendable(c, t, av);
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
                tc_report(c, k->span, NULL, v->kind != TT_VAR
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
            tc_report(c, v->span, NULL, "'%s' is %s %s: only functions, values, channels and "
                   "constructors (and nametypes) take a type annotation", v->name->name,
                   strchr("aeiou", res_def_kind_name[k][0]) ? "an" : "a", res_def_kind_name[k]);
            continue;
        }
        if (di->annotated) {
            c->failed = false;
            tc_report(c, v->span, NULL, "a second type annotation for '%s'", v->name->name);
            continue;
        }
        AnnVars av = { .n = 0, .mod = module_around(c->script, sig->span), .quiet = i > 0 };
        di->type = ann(c, sig->kid[1], &av);
        di->annotated = true;
        di->sig = sig;
    }
}

/* ---- declarations ---- */

/* Whether x is `{}`, or a name bound to `{}` at the top level. */
bool tc_is_empty_set(const Node *x)
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
    if (x->kind != N_TUPLE) return tc_elem_of_set(c, x);
    Type *t = ty_new(c->T, TT_TUPLE, x->n);
    for (uint32_t i = 0; i < x->n; i++) t->kid[i] = field_type(c, x->kid[i]);
    return t;
}

/* The fields of a channel or constructor declared with `e1.e2...` (each a
 * set; a nametype of dotted values gives its fields). */
static void fields_of(Ck *c, Node *e, DefInfo *out)
{
    Op ops[MAX_DOT_OPS];
    uint32_t n = e ? tc_flatten_dot(e, false, ops, 0) : 0;
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
        if (t->kind == TT_VAR && !t->rigid && tc_is_empty_set(x))
            tc_report(c, x->span, NULL, "the type of this field cannot be worked out: it is an "
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
            tc_report(c, at->span, NULL, "a field holds complete values; %s still needs fields", ty);
        else
            tc_report(c, at->span, NULL, "a %s's field cannot hold values of type %s (not in class %s)",
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
    if (!ty_unify(c->T, want, declared)) tc_explain(c, di->def->at, want, declared, NULL, NULL);
}

/* The names of one channel declaration share one annotation (FDR: "has
 * multiple type annotations"). */
static void one_annotation(Ck *c, Node *d)
{
    Node *names = d->kid[0];
    const DefInfo *first = NULL;
    for (uint32_t i = 0; i < names->n; i++) {
        const ResDef *def = names->kid[i]->res ? names->kid[i]->res->def : NULL;
        const DefInfo *di = def ? ty_find(c->T, def) : NULL;
        if (!di || !di->annotated || !di->sig) continue;
        if (!first) {
            first = di;
            continue;
        }
        if (di->sig == first->sig) continue;
        uint32_t l1, l2, col;
        src_position(c->in->src, first->sig->span.file, first->sig->span.start, &l1, &col);
        src_position(c->in->src, di->sig->span.file, di->sig->span.start, &l2, &col);
        char hint[300];
        snprintf(hint, sizeof hint, "annotate them together: %s, %s :: type",
                 first->def->name->name, def->name->name);
        tc_report(c, d->span, hint, "'%s' and '%s' are declared together, so they take one type "
                  "annotation, not two (lines %u and %u)", first->def->name->name,
                  def->name->name, l1, l2);
        return;
    }
}

static void check_channel(Ck *c, Node *d)
{
    one_annotation(c, d);
    if (c->failed) return;
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
        need_fields(c, d, di, C_COMPLETE);
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
        if (!ty_require(c->T, r, C_COMPLETE)) {
            char ty[300];
            TyNames nm = { .n = 0 };
            ty_print(ty, sizeof ty, r, &nm, false);
            tc_report(c, e->span, NULL, r->kind == TT_DOTABLE
                      ? "a nametype holds complete values; %s still needs fields"
                      : "a nametype cannot hold values of type %s (not in class Complete)", ty);
        }
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
            tc_report(c, cl->span, NULL, "'%s' is a constructor of '%s', not of '%s': a subtype takes "
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
            tc_report(c, cl->span, NULL, "'%s' has %u field%s; this subtype gives it %u",
                   k->name->name, ki->n_fields, ki->n_fields == 1 ? "" : "s", tmp.n_fields);
            return;
        }
        for (uint32_t f = 0; f < tmp.n_fields; f++)
            if (!tc_unify_at(c, tmp.field_nodes[f] ? tmp.field_nodes[f]->span : cl->span,
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
    if (t->kind != RES_DEF_CHANNEL || !ty || ty->kind == TT_EVENT || ty->kind == TT_DYN)
        return;   /* a tock that is no channel: the resolver's error */
    tc_report(c, t->at, NULL, "'tock' is a channel with fields; a Timed section needs it "
              "without (channel tock)");
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
            if (!tc_unify_at(c, cl->span, cur, shape, NULL)) return;
            f = shape;
        }
        for (uint32_t i = 0; i < args->n; i++)
            tc_unify_at(c, args->kid[i]->span, f->kid[i], tc_pat(c, args->kid[i]), NULL);
        cur = f->kid[args->n];
    }
    tc_check(c, cl->kid[1], cur);
}

/* The type a definition's body is checked against: an annotation's
 * variables are rigid at the top level; in a `let` they may name the
 * enclosing definition's (FDR scopes them), so they are left flexible. */
Type *tc_own_type(Ck *c, DefInfo *di)
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
    Type *ft = tc_own_type(c, di);
    for (uint32_t i = 0; i < fn->n_clauses; i++) check_clause(c, fn->clauses[i], ft);
}

static void check_assertion(Ck *c, Node *a)
{
    Node *x = a->kid[0];
    Node *opts = NULL;
    switch (x->kind) {
    case N_REFINE:
        tc_check_proc(c, x->kid[0], NULL, NULL);
        tc_check_proc(c, x->kid[1], NULL, NULL);
        opts = x->kid[2];
        break;
    case N_PROPERTY:
        tc_check_proc(c, x->kid[0], NULL, NULL);
        opts = x->kid[1];
        break;
    case N_HASTRACE:
        tc_check_proc(c, x->kid[0], NULL, NULL);
        tc_check(c, x->kid[1], seq_of(c, base(c, TT_EVENT)));
        opts = x->kid[2];
        break;
    default:
        tc_infer(c, x);
    }
    for (uint32_t i = 0; opts && i < opts->n; i++)
        if (opts->kid[i]->kind == N_OPTION && opts->kid[i]->n && opts->kid[i]->kid[0])
            tc_check_events(c, opts->kid[i]->kid[0]);
}

static void check_decl(Ck *c, Node *d)
{
    switch ((NodeKind)d->kind) {
    case N_FUNCLAUSE:
        if (d->res && d->res->def && d->res->def->clauses && d->res->def->clauses[0] == d)
            check_function(c, d->res->def);
        return;
    case N_PATBIND: {
        Type *t = tc_pat(c, d->kid[0]);
        tc_check(c, d->kid[1], t);
        return;
    }
    case N_CHANNEL: check_channel(c, d); return;
    case N_DATATYPE: check_datatype(c, d); return;
    case N_NAMETYPE: check_nametype(c, d); return;
    case N_SUBTYPE: check_subtype(c, d); return;
    case N_INSTANCE: tc_check_instance(c, d); return;
    case N_TIMED:
        check_tock(c, d);
        if (d->n > 1 && d->kid[1]) {
            Type *f = ty_new(c->T, TT_FUN, 2);
            f->kid[0] = base(c, TT_EVENT);
            f->kid[1] = base(c, TT_INT);
            tc_check(c, d->kid[1], f);
        }
        return;
    case N_ASSERT: check_assertion(c, d); return;
    case N_PRINT: tc_infer(c, d->kid[0]); return;
    default: return;
    }
}

/* A let block: its definitions are not generalised (unless annotated). */
/* What FDR's grammar does not allow where it stands, though cspi's parser
 * reads it: inside a Timed section, the declarations a `let` (or a module)
 * cannot hold. Reported at the first, as FDR does. */
static void misplaced_in_timed(Ck *c, const Node *timed, bool in_let)
{
    const Node *list = timed->kid[0];
    for (uint32_t i = 0; list && i < list->n; i++) {
        const Node *d = list->kid[i];
        const char *what = NULL;
        switch ((NodeKind)d->kind) {
        case N_ASSERT: what = "an assertion"; break;
        case N_PRINT: what = "a print statement"; break;
        case N_CHANNEL: what = in_let ? "a channel declaration" : NULL; break;
        case N_DATATYPE: what = in_let ? "a datatype declaration" : NULL; break;
        case N_SUBTYPE: what = in_let ? "a subtype declaration" : NULL; break;
        case N_NAMETYPE: what = in_let ? "a nametype declaration" : NULL; break;
        case N_MODULE: what = in_let ? "a module" : NULL; break;
        case N_INSTANCE: what = in_let ? "a module instance" : NULL; break;
        case N_TIMED: misplaced_in_timed(c, d, in_let); break;
        default: break;
        }
        if (what) {
            if (!in_let) c->failed = false;   /* a module's: not part of a unit */
            tc_report(c, d->span, NULL, "%s is not a valid declaration in %s (here inside its "
                      "Timed section)", what, in_let ? "a let expression" : "a module");
            return;
        }
    }
}

void tc_let_block(Ck *c, Node *decls, const ResInfo *ri)
{
    for (uint32_t i = 0; i < decls->n; i++)
        if (decls->kid[i]->kind == N_TIMED) misplaced_in_timed(c, decls->kid[i], true);
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
        if (d->kind == N_TIMED) tc_let_block(c, d->kid[0], NULL);
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
            for (uint32_t part = 1; part <= 2; part++)
                for (uint32_t k = 0; d->kid[part] && k < d->kid[part]->n; k++)
                    if (d->kid[part]->kid[k]->kind == N_TIMED)
                        misplaced_in_timed(c, d->kid[part]->kid[k], false);
            tc_module_params(c, d);
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

/* An instance is checked after every member of its module (and of the
 * modules inside it) is typed: they constrain the parameters' types. */
static void module_deps(Ck *c, const ResDef *mod, U32s *out, uint32_t self, uint32_t depth)
{
    for (uint32_t i = 0; mod && i < mod->n_members && depth < AST_MAX_DEPTH; i++) {
        const ResDef *m = mod->members[i];
        if (m->kind == RES_DEF_MODULE) {
            module_deps(c, m, out, self, depth + 1);
            continue;
        }
        DefInfo *di = ty_find(c->T, m);
        if (di && di->unit != UINT32_MAX && di->unit != self) push_u32(out, di->unit);
    }
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
            if (d->kind == N_INSTANCE && d->res && d->res->def)
                module_deps(c, d->res->def->module, &v, u, 0);
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
    /* datatypes first: a value of the group may need their classes (Eq), which
     * their constructors' fields decide */
    for (uint32_t k = 0; k < 2 * n; k++) {
        Unit *u = &c->units[comp[k % n]];
        if ((u->decls[0]->kind == N_DATATYPE) != (k < n)) continue;
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
    if (c->n_errs > 1) qsort(c->errs, c->n_errs, sizeof *c->errs, by_position);
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
    tc_check_instances(&c, script);
    collect(&c, (Node *)script, false);
    unit_deps(&c);
    check_units(&c);
    return flush(&c);
}

bool types_of_expr(Interp *in, const Node *x, char *buf, size_t cap)
{
    if (!in->types) return false;
    Ck c = { .in = in, .T = in->types, .script = in->types->script, .level = 1 };
    Type *t = tc_infer(&c, (Node *)x);
    bool ok = c.n_errs == 0;
    flush(&c);
    if (!ok) return false;
    ty_generalise(t, 0);
    TyNames nm = { .n = 0 };
    ty_print(buf, cap, t, &nm, true);
    return true;
}

int types_def_gives_process(Interp *in, const ResDef *d, uint32_t n_groups)
{
    DefInfo *di = in->types ? ty_find(in->types, d) : NULL;
    if (!di || !di->type || di->broken || di->state != 2) return -1;
    Type *t = ty_resolve(di->type);
    for (uint32_t g = 0; g < n_groups && t->kind == TT_FUN; g++) t = ty_resolve(t->kid[t->n - 1]);
    return t->kind == TT_PROC;
}

static void print_def(Ck *c, FILE *out, const ResDef *d, const char *qual)
{
    Type *t = NULL;
    switch ((ResDefKind)d->kind) {
    case RES_DEF_FUNCTION: case RES_DEF_VALUE: case RES_DEF_CHANNEL: case RES_DEF_CONSTRUCTOR:
    case RES_DEF_NAMETYPE: {
        DefInfo *di = ty_find(c->T, d);
        t = di && di->type && !di->broken ? di->type : dyn(c);
        if (tc_alias_builtin(d) >= 0) t = tc_def_type(c, d);   /* a module's `transparent normal` */
        break;
    }
    case RES_DEF_DATATYPE: case RES_DEF_SUBTYPE:
        t = tc_def_type(c, d);
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
