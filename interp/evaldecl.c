#define _POSIX_C_SOURCE 200809L
/* evaldecl.c - channels, datatypes, nametypes and subtypes; dotted values
 * and events; membership and algebra of sets including symbolic ones.
 * Part of the evaluator (see eval_internal.h).
 *
 * Dots (LANGUAGE.md §4.4 "Dots and events"): a dotted value is built from
 * a flat list of atoms; a channel or constructor atom takes as many of the
 * following groups as it has fields, each checked against its declared
 * field set. So `d.X.0.X.1` for `channel d : Complex1.Complex1` is d with
 * the two fields X.0 and X.1, and `c.(1.2) == c.1.2`.
 */
#include "eval_internal.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_ATOMS = EVAL_MAX_ATOMS, MAX_ENUM = 50000000 };

static const char *decl_what(const ValDecl *d) { return d->is_channel ? "channel" : "constructor"; }

/* ---- declarations ---- */

void eval_init_decls(Eval *E)
{
    for (uint32_t i = 0; i < E->n_top; i++) {
        const ResDef *d = res_top_def(E->script, i);
        if (d->kind != RES_DEF_CHANNEL && d->kind != RES_DEF_CONSTRUCTOR) continue;
        ValDecl *vd = ARENA_NEW(E->arena, ValDecl);
        vd->name = d->name;
        vd->order = E->n_decl_order++;
        vd->is_channel = d->kind == RES_DEF_CHANNEL;
        vd->owner = (void *)d;
        E->decls[i] = vd;
        Thunk *t = ARENA_NEW(E->arena, Thunk);
        t->state = TH_DONE;
        t->def = d;
        t->val = vd->is_channel ? val_channel(E->vals, vd) : val_ctor(E->vals, vd);
        E->top[i] = t;
    }
}

/* Is this set a set of plain dotted values of one length m (returned)? */
static uint32_t plain_dot_width(const Val *s)
{
    if (s->kind != V_SET || s->n == 0) return 0;
    uint32_t m = 0;
    for (uint32_t i = 0; i < s->n; i++) {
        const Val *x = s->items[i];
        if (x->kind != V_DOT || (x->flags & VAL_DOT_HEADED)) return 0;
        if (i == 0) m = x->n;
        else if (x->n != m) return 0;
    }
    return m;
}

/* Splits a set of dotted values into its component sets, or fails if it is
 * not their Cartesian product (LANGUAGE.md "Rectangularity"). */
static void split_rectangular(Eval *E, const Val *s, uint32_t m, Vec *out, Span at)
{
    uint64_t product = 1;
    const Val **comp = eval_tmp(E, s->n * sizeof *comp);
    for (uint32_t k = 0; k < m; k++) {
        for (uint32_t i = 0; i < s->n; i++) comp[i] = s->items[i]->items[k];
        const Val *set = val_set(E->vals, comp, s->n);
        product *= val_set_card(set);
        tvec_push(E, out, (void *)set);
    }
    eval_tmp_free(E, comp);
    if (product != s->n)
        eval_fail(E, at, "the type %s is not rectangular: it is not a product of sets "
                  "of fields", "given here");
}

static const Val *type_set(Eval *E, Node *t, Env *env);

enum { MAX_TUPLE_TYPE = 10000000 };   /* values of one tuple type, like the longest sequence */

/* Every tuple with component i from sets[i], i >= k, after the given ones. */
static void tuples(Eval *E, const Val *const *const *items, const uint32_t *n, uint32_t width,
                   uint32_t k, const Val **tuple, Vec *out)
{
    if (k == width) {
        tvec_push(E, out, (void *)val_tuple(E->vals, tuple, width));
        return;
    }
    for (uint32_t i = 0; i < n[k]; i++) {
        tuple[k] = items[k][i];
        tuples(E, items, n, width, k + 1, tuple, out);
    }
}

/* A tuple of types, `(A, B)`, is the set of tuples {(a, b) | a <- A, b <- B};
 * symbolic when a component is infinite (a recursive datatype). */
static const Val *tuple_type(Eval *E, Node *t, Env *env)
{
    uint32_t w = t->n;
    const Val **sets = eval_tmp(E, w * sizeof *sets);
    bool finite = true;
    uint64_t size = 1;
    for (uint32_t i = 0; i < w; i++) {
        sets[i] = type_set(E, t->kid[i], env);
        if (!val_is_finite_set(sets[i])) finite = false;
        else if (size < MAX_TUPLE_TYPE) size *= val_set_card(sets[i]);
    }
    const Val *r;
    if (!finite) {
        r = eval_symset(E, SY_TUPLE, val_tuple(E->vals, sets, w), NULL);
    } else {
        if (size > MAX_TUPLE_TYPE)
            eval_fail(E, t->span, "this tuple type has more than %d values", MAX_TUPLE_TYPE);
        const Val ***items = eval_tmp(E, w * sizeof *items);
        uint32_t *n = eval_tmp(E, w * sizeof *n);
        for (uint32_t i = 0; i < w; i++) items[i] = eval_set_items(E, sets[i], &n[i], t->span, "a tuple type");
        const Val **tuple = eval_tmp(E, w * sizeof *tuple);
        Vec out = { 0 };
        tuples(E, (const Val *const *const *)items, n, w, 0, tuple, &out);
        r = val_set(E->vals, (const Val *const *)out.items, out.n);
        tvec_free(E, &out);
        for (uint32_t i = 0; i < w; i++) eval_tmp_free(E, items[i]);
        eval_tmp_free(E, tuple);
        eval_tmp_free(E, n);
        eval_tmp_free(E, items);
    }
    eval_tmp_free(E, sets);
    return r;
}

/* The field sets of a type expression: `A.B` gives A's and B's fields. */
static void type_fields(Eval *E, Node *t, Vec *out, Env *env)
{
    if (t->kind == N_DOT && !t->parenthesized) {
        type_fields(E, t->kid[0], out, env);
        type_fields(E, t->kid[1], out, env);
        return;
    }
    const Val *s = t->kind == N_TUPLE ? tuple_type(E, t, env) : eval_expr(E, t, env);
    if (!val_is_set(s)) eval_fail(E, t->span, "a field type must be a set");
    uint32_t m = plain_dot_width(s);
    if (m > 1) split_rectangular(E, s, m, out, t->span);
    else tvec_push(E, out, (void *)s);
}

void eval_decl_fields(Eval *E, const ValDecl *cd, Span at)
{
    (void)at;
    if (cd->fields) return;
    ValDecl *d = (ValDecl *)cd;
    const ResDef *rd = d->owner;
    Node *type = d->is_channel ? rd->decl->kid[1] : rd->decl->kid[0];
    Vec fields = { 0 };
    if (type) type_fields(E, type, &fields, d->env);
    if (fields.n >= MAX_ATOMS) {
        uint32_t n = fields.n;
        tvec_free(E, &fields);
        eval_fail(E, type->span, "%s '%s' has %u fields; cspi allows at most %d", decl_what(d),
                  d->name->name, n, MAX_ATOMS - 1);
    }
    d->arity = fields.n;
    d->fields = (const Val **)vec_to_arena(&fields, E->arena);
    if (!d->fields) d->fields = arena_alloc(E->arena, sizeof *d->fields);
    tvec_free(E, &fields);
}

/* ---- dots ---- */

uint32_t eval_dot_atoms(const Val *v, const Val **out, uint32_t cap)
{
    bool split = v->kind == V_DOT && (!(v->flags & VAL_DOT_HEADED) || (v->flags & VAL_DOT_INCOMPLETE));
    if (!split) {
        if (cap) out[0] = v;
        return 1;
    }
    /* An unfinished last field (c.Ctor with Ctor missing fields) is split
     * too, so that what follows continues into it: (c.Ctor).1 = c.(Ctor.1). */
    uint32_t n = 0;
    for (uint32_t i = 0; i < v->n; i++) {
        const Val *f = v->items[i];
        if (f->kind == V_DOT && (f->flags & VAL_DOT_INCOMPLETE)) n += eval_dot_atoms(f, out + n, cap > n ? cap - n : 0);
        else if (n++ < cap) out[n - 1] = f;
    }
    return n;
}

/* Is a field value finished (not a constructor or channel still missing
 * fields)? */
static bool is_complete(const Val *f)
{
    if (f->kind == V_DOT) return !(f->flags & VAL_DOT_INCOMPLETE);
    if (f->kind == V_CHANNEL || f->kind == V_CTOR) return !f->decl->fields || f->decl->arity == 0;
    return true;
}

uint32_t eval_dot_atoms_deep(const Val *v, const Val **out, uint32_t cap)
{
    if (v->kind != V_DOT) {
        if (cap) out[0] = v;
        return 1;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < v->n; i++) n += eval_dot_atoms_deep(v->items[i], out + n, cap > n ? cap - n : 0);
    return n;
}

static const Val *group(Eval *E, const Val *const *atoms, uint32_t n, uint32_t *i, Span at)
{
    const Val *v = atoms[(*i)++];
    if (v->kind != V_CHANNEL && v->kind != V_CTOR) return v;
    eval_decl_fields(E, v->decl, at);
    uint32_t k = v->decl->arity;
    if (k == 0) return v;
    const Val *items[MAX_ATOMS + 1];
    items[0] = v;
    uint32_t m = 0;
    while (m < k && *i < n) {
        const Val *f = group(E, atoms, n, i, at);
        bool complete = is_complete(f);
        if (complete && !eval_member(E, f, v->decl->fields[m], at)) {
            char *fs = eval_to_string(f);
            char *ts = eval_to_string(v->decl->fields[m]);
            char msg[400];
            snprintf(msg, sizeof msg, "%.80s is not in the type of field %u of %s '%s' (%.120s)",
                     fs ? fs : "?", m + 1, decl_what(v->decl), v->decl->name->name, ts ? ts : "?");
            free(fs);
            free(ts);
            eval_fail(E, at, "%s", msg);
        }
        items[1 + m++] = f;
        if (!complete) break;   /* an unfinished field ends the value */
    }
    bool unfinished = m < k || !is_complete(items[m]);
    return val_dot(E->vals, items, 1 + m, VAL_DOT_HEADED | (unfinished ? VAL_DOT_INCOMPLETE : 0));
}

const Val *eval_take_group(Eval *E, const Val *const *atoms, uint32_t n, uint32_t *i, Span at)
{
    return group(E, atoms, n, i, at);
}

const Val *eval_regroup(Eval *E, const Val *const *atoms, uint32_t n, Span at)
{
    const Val *groups[MAX_ATOMS];
    if (n > MAX_ATOMS) eval_fail(E, at, "dotted value too long (more than %d parts)", MAX_ATOMS);
    uint32_t g = 0, i = 0;
    while (i < n) groups[g++] = group(E, atoms, n, &i, at);
    if (g == 1) return groups[0];
    return val_dot(E->vals, groups, g, VAL_DOT_PLAIN);
}

const Val *eval_dot(Eval *E, const Val *a, const Val *b, Span at)
{
    const Val *atoms[2 * MAX_ATOMS];
    uint32_t n = eval_dot_atoms(a, atoms, MAX_ATOMS);
    if (n > MAX_ATOMS) eval_fail(E, at, "dotted value too long");
    uint32_t m = eval_dot_atoms(b, atoms + n, MAX_ATOMS);
    if (m > MAX_ATOMS || n + m > MAX_ATOMS) eval_fail(E, at, "dotted value too long");
    return eval_regroup(E, atoms, n + m, at);
}

/* ---- productions, extensions, Events ---- */

/* Every completion of head + the given fields, into out, field i taking
 * its values from sets[i] (the declared field sets, or a subtype's). A
 * field given unfinished (`m.Data` for `channel m : Msg`) is finished
 * first, keeping only the finished values that its set holds: a field set
 * is any set of values, not only a product. */
static void complete(Eval *E, const Val *head, const Val *const *sets, uint32_t k,
                     const Val **fields, uint32_t have, Vec *out, Span at)
{
    if (have > 0 && !is_complete(fields[have - 1])) {
        const Val *done = eval_productions(E, fields[have - 1], at);
        uint32_t nd;
        const Val **ds = eval_set_items(E, done, &nd, at, "the fields of an event");
        for (uint32_t j = 0; j < nd; j++) {
            if (!eval_member(E, ds[j], sets[have - 1], at)) continue;
            fields[have - 1] = ds[j];
            complete(E, head, sets, k, fields, have, out, at);
        }
        eval_tmp_free(E, ds);
        return;
    }
    if (have == k) {
        const Val *items[MAX_ATOMS + 1];
        items[0] = head;
        memcpy(items + 1, fields, have * sizeof *fields);
        tvec_push(E, out, (void *)(k ? val_dot(E->vals, items, k + 1, VAL_DOT_HEADED) : head));
        if (out->n > MAX_ENUM) eval_limit(E, at, "too many events or values to list");
        return;
    }
    uint32_t n;
    const Val **vals = eval_set_items(E, sets[have], &n, at, "the fields of an event");
    for (uint32_t i = 0; i < n; i++) {
        fields[have] = vals[i];
        complete(E, head, sets, k, fields, have + 1, out, at);
    }
    eval_tmp_free(E, vals);
}

static const Val *head_and_fields(Eval *E, const Val *prefix, const Val **fields, uint32_t *have,
                                  Span at)
{
    const Val *head = prefix;
    *have = 0;
    if (prefix->kind == V_DOT && (prefix->flags & VAL_DOT_HEADED)) {
        head = prefix->items[0];
        *have = prefix->n - 1;
        memcpy(fields, prefix->items + 1, *have * sizeof *fields);
    }
    if (head->kind != V_CHANNEL && head->kind != V_CTOR) return NULL;
    eval_decl_fields(E, head->decl, at);
    return head;
}

const Val *eval_productions(Eval *E, const Val *prefix, Span at)
{
    const Val *fields[MAX_ATOMS];
    uint32_t have;
    const Val *head = head_and_fields(E, prefix, fields, &have, at);
    if (!head) return val_set(E->vals, &prefix, 1);
    Vec out = { 0 };
    complete(E, head, head->decl->fields, head->decl->arity, fields, have, &out, at);
    const Val *r = val_set(E->vals, (const Val *const *)out.items, out.n);
    tvec_free(E, &out);
    return r;
}

const Val *eval_extensions(Eval *E, const Val *prefix, Span at)
{
    /* The completions of the prefix, less the prefix's own atoms. */
    const Val *fields[MAX_ATOMS];
    uint32_t have;
    if (!head_and_fields(E, prefix, fields, &have, at)) return val_set(E->vals, NULL, 0);
    const Val *pre[MAX_ATOMS], *full[MAX_ATOMS];
    uint32_t np = eval_dot_atoms_deep(prefix, pre, MAX_ATOMS);
    if (np > MAX_ATOMS) eval_fail(E, at, "dotted value too long (more than %d parts)", MAX_ATOMS);
    uint32_t n;
    const Val **all = eval_set_items(E, eval_productions(E, prefix, at), &n, at, "extensions");
    Vec tails = { 0 };
    for (uint32_t i = 0; i < n; i++) {
        uint32_t nf = eval_dot_atoms_deep(all[i], full, MAX_ATOMS);
        if (nf > MAX_ATOMS) eval_fail(E, at, "dotted value too long (more than %d parts)", MAX_ATOMS);
        if (nf > np) tvec_push(E, &tails, (void *)eval_regroup(E, full + np, nf - np, at));
    }
    eval_tmp_free(E, all);
    const Val *r = val_set(E->vals, (const Val *const *)tails.items, tails.n);
    tvec_free(E, &tails);
    return r;
}

const Val *eval_all_events(Eval *E, Span at)
{
    if (E->events) return E->events;
    /* Every channel's events gathered, then one set made of them: a union
     * per channel would intern a growing set each time (quadratic). */
    Vec all = { 0 };
    eval_module_frames(E, at);   /* instances' channels too */
    for (uint32_t i = 0; i < E->n_top + E->module_channels.n; i++) {
        ValDecl *d = i < E->n_top ? E->decls[i] : E->module_channels.items[i - E->n_top];
        if (!d || !d->is_channel) continue;
        const Val *p = eval_productions(E, val_channel(E->vals, d), at);
        for (uint32_t k = 0; k < p->n && p->kind == V_SET; k++) tvec_push(E, &all, (void *)p->items[k]);
    }
    const Val *r = val_set(E->vals, (const Val *const *)all.items, all.n);
    tvec_free(E, &all);
    E->events = r;
    return r;
}

/* ---- datatype, nametype and subtype sets ---- */

static bool mentions_datatype(const Node *n, const ResDef *dt, int depth)
{
    if (!n || depth > 50) return false;
    if (n->kind == N_VAR && n->res && n->res->def) {
        const ResDef *d = n->res->def;
        if (d == dt) return true;
        if (d->kind == RES_DEF_DATATYPE && d->level == RES_LEVEL_TOP)
            for (uint32_t i = 0; i < d->n_members; i++)
                if (mentions_datatype(d->members[i]->decl->kid[0], dt, depth + 1)) return true;
        if (d->kind == RES_DEF_NAMETYPE) return mentions_datatype(d->decl->kid[0], dt, depth + 1);
    }
    for (uint32_t i = 0; i < n->n; i++)
        if (mentions_datatype(n->kid[i], dt, depth)) return true;
    return false;
}

/* A constructor's declaration: top-level ones are the script's, a module's
 * are its instance's (in the frame env). */
static ValDecl *decl_of(Eval *E, const ResDef *ctor, Env *env)
{
    if (ctor->level == RES_LEVEL_TOP) return E->decls[ctor->index];
    const Val *c = eval_local(E, ctor, env, ctor->at);
    return (ValDecl *)c->decl;
}

/* All values of one constructor whose first n_fields fields come from
 * `fields` (a subtype's clause) and the rest from its own declaration
 * (`subtype S = C.X` leaves C's later fields open). */
static void ctor_values(Eval *E, const ValDecl *c, const Val **fields, uint32_t n_fields,
                        Vec *out, Span at)
{
    eval_decl_fields(E, c, at);
    if (n_fields > c->arity)
        eval_fail(E, at, "this clause gives %u fields, but constructor '%s' has %u", n_fields,
                  c->name->name, c->arity);
    const Val **sets = eval_tmp(E, (c->arity ? c->arity : 1) * sizeof *sets);
    for (uint32_t i = 0; i < c->arity; i++) sets[i] = i < n_fields ? fields[i] : c->fields[i];
    const Val *fs[MAX_ATOMS];
    complete(E, val_ctor(E->vals, c), sets, c->arity, fs, 0, out, at);
    eval_tmp_free(E, sets);
}

static bool any_infinite_field(Eval *E, const ValDecl *c, Span at)
{
    eval_decl_fields(E, c, at);
    for (uint32_t i = 0; i < c->arity; i++)
        if (!val_is_finite_set(c->fields[i])) return true;
    return false;
}

/* A type expression as a set: `A.B` of sets is the set of dotted values. */
static const Val *type_set(Eval *E, Node *t, Env *env)
{
    if (t->kind == N_DOT && !t->parenthesized) {
        const Val *a = type_set(E, t->kid[0], env), *b = type_set(E, t->kid[1], env);
        uint32_t na, nb;
        const Val **xs = eval_set_items(E, a, &na, t->span, "a dotted type");
        const Val **ys = eval_set_items(E, b, &nb, t->span, "a dotted type");
        Vec out = { 0 };
        for (uint32_t i = 0; i < na; i++)
            for (uint32_t j = 0; j < nb; j++) tvec_push(E, &out, (void *)eval_dot(E, xs[i], ys[j], t->span));
        eval_tmp_free(E, xs);
        eval_tmp_free(E, ys);
        const Val *r = val_set(E->vals, (const Val *const *)out.items, out.n);
        tvec_free(E, &out);
        return r;
    }
    if (t->kind == N_TUPLE) return tuple_type(E, t, env);
    const Val *s = eval_expr(E, t, env);
    if (!val_is_set(s)) eval_fail(E, t->span, "expected a set in this type");
    return s;
}

const Val *eval_decl_set(Eval *E, const ResDef *d, Span at, Env *env)
{
    switch (d->kind) {
    case RES_DEF_NAMETYPE:
        return type_set(E, d->decl->kid[0], env);
    case RES_DEF_DATATYPE: {
        bool symbolic = mentions_datatype(d->decl, d, 0) && false;
        for (uint32_t i = 0; i < d->n_members; i++) {
            Node *fields = d->members[i]->decl->kid[0];
            if (fields && mentions_datatype(fields, d, 0)) symbolic = true;
        }
        for (uint32_t i = 0; i < d->n_members && !symbolic; i++)
            if (any_infinite_field(E, decl_of(E, d->members[i], env), at)) symbolic = true;
        if (symbolic) {
            const Val *s = eval_symset(E, SY_DATATYPE, NULL, NULL);
            ((SymSet *)s->ptr)->datatype = decl_of(E, d->members[0], env);
            ((SymSet *)s->ptr)->name = d->name->name;
            ((SymSet *)s->ptr)->a = (const Val *)(void *)d;   /* the datatype's ResDef */
            return s;
        }
        Vec out = { 0 };
        for (uint32_t i = 0; i < d->n_members; i++)
            ctor_values(E, decl_of(E, d->members[i], env), NULL, 0, &out, at);
        const Val *r = val_set(E->vals, (const Val *const *)out.items, out.n);
        tvec_free(E, &out);
        return r;
    }
    case RES_DEF_SUBTYPE: {
        Vec out = { 0 };
        for (uint32_t i = 0; i < d->decl->n; i++) {
            Node *clause = d->decl->kid[i];
            const ResDef *ctor = clause->res ? clause->res->def : NULL;
            if (!ctor || ctor->kind != RES_DEF_CONSTRUCTOR) continue;
            Vec fields = { 0 };
            if (clause->kid[0]) type_fields(E, clause->kid[0], &fields, env);
            ctor_values(E, decl_of(E, ctor, env), clause->kid[0] ? (const Val **)fields.items : NULL,
                        fields.n, &out, at);
            tvec_free(E, &fields);
        }
        const Val *r = val_set(E->vals, (const Val *const *)out.items, out.n);
        tvec_free(E, &out);
        return r;
    }
    default:
        eval_fail(E, at, "'%s' (a %s) is not supported yet", d->name->name,
                  res_def_kind_name[d->kind]);
    }
}

/* ---- sets ---- */

const Val *eval_symset(Eval *E, SymKind kind, const Val *a, const Val *b)
{
    SymSet *s = ARENA_NEW(E->arena, SymSet);
    s->kind = (uint8_t)kind;
    s->a = a;
    s->b = b;
    return val_opaque(E->vals, V_SYMSET, s, kind);
}

/* Whether x is a value of datatype dt, but for its last field, which is
 * left in *last with its set in *last_set (NULL when x has no fields) for
 * the caller to check: a value nested in its last field, as a list is
 * (Cons.1.Cons.2.Nil), is checked without recursion as deep as it is. */
static bool datatype_member(Eval *E, const ResDef *dt, const Val *x, Span at, const Val **last,
                            const Val **last_set)
{
    *last = NULL;
    const Val *head = x->kind == V_DOT && (x->flags & VAL_DOT_HEADED) ? x->items[0] : x;
    if (head->kind != V_CTOR) return false;
    const ResDef *c = head->decl->owner;
    if (c->owner != dt) return false;
    if (x->kind == V_DOT && (x->flags & VAL_DOT_INCOMPLETE)) return false;
    eval_decl_fields(E, head->decl, at);
    uint32_t have = x->kind == V_DOT ? x->n - 1 : 0;
    if (have != head->decl->arity) return false;
    for (uint32_t i = 0; i + 1 < have; i++)
        if (!eval_member(E, x->items[i + 1], head->decl->fields[i], at)) return false;
    if (have) {
        *last = x->items[have];
        *last_set = head->decl->fields[have - 1];
    }
    return true;
}

/* What one level of eval_member costs a browser's stack, in levels of
 * eval_expr (web/api.c: Recursion: measured there with bench/webdepth.mjs,
 * shape "tail"). */
enum { MEMBER_LEVELS = 3 };

static bool member(Eval *E, const Val *x, const Val *set, Span at);

bool eval_member(Eval *E, const Val *x, const Val *set, Span at)
{
    eval_enter(E, MEMBER_LEVELS, at);
    bool in = member(E, x, set, at);
    eval_leave(E, MEMBER_LEVELS);
    return in;
}

static bool member(Eval *E, const Val *x, const Val *set, Span at)
{
  again:
    x = eval_strict(E, x, at);
    if (set->kind == V_SET || set->kind == V_INTSET) return val_set_member(set, x);
    if (set->kind != V_SYMSET) eval_fail(E, at, "expected a set");
    const SymSet *s = set->ptr;
    switch ((SymKind)s->kind) {
    case SY_UNION: return eval_member(E, x, s->a, at) || eval_member(E, x, s->b, at);
    case SY_INTER: return eval_member(E, x, s->a, at) && eval_member(E, x, s->b, at);
    case SY_DIFF: return eval_member(E, x, s->a, at) && !eval_member(E, x, s->b, at);
    case SY_SEQ:
        if (x->kind != V_SEQ) return false;
        for (uint32_t i = 0; i < x->n; i++)
            if (!eval_member(E, x->items[i], s->a, at)) return false;
        return true;
    case SY_DATATYPE: {
        const Val *last, *last_set;
        if (!datatype_member(E, (const ResDef *)(const void *)s->a, x, at, &last, &last_set)) return false;
        if (!last) return true;
        x = last;
        set = last_set;
        goto again;
    }
    case SY_SET:
        if (!val_is_set(x) || x->kind == V_SYMSET) return false;
        return val_set_subset(x, s->a);
    case SY_ALL:
        return strcmp(s->name, "Char") == 0 ? x->kind == V_CHAR : x->kind == V_PROC;
    case SY_TUPLE:
        if (x->kind != V_TUPLE || x->n != s->a->n) return false;
        for (uint32_t i = 0; i < x->n; i++)
            if (!eval_member(E, x->items[i], s->a->items[i], at)) return false;
        return true;
    }
    return false;
}

const Val *eval_set_op(Eval *E, int op, const Val *a, const Val *b, Span at)
{
    eval_need_set(E, a, at);
    eval_need_set(E, b, at);
    if (op == 2 && a->kind == V_INTSET && b->kind == V_INTSET) {
        /* An unbounded end stands for integers past the extreme one, which
         * cspi cannot hold: taking the extreme out would leave a set it
         * cannot write (FDR refuses such differences too). */
        unsigned open = a->flags & ~b->flags;
        int64_t end = (open & VAL_INTSET_OPEN_HI) && val_intset_member(b, INT64_MAX) ? INT64_MAX
                    : (open & VAL_INTSET_OPEN_LO) && val_intset_member(b, INT64_MIN) ? INT64_MIN : 0;
        if (end) eval_fail(E, at, "cannot take %lld out of an unbounded set of integers", (long long)end);
    }
    if (a->kind != V_SYMSET && b->kind != V_SYMSET) {
        const Val *r = op == 0 ? val_set_union(E->vals, a, b) : op == 1 ? val_set_inter(E->vals, a, b)
                                                                         : val_set_diff(E->vals, a, b);
        if (r) return r;
        return eval_symset(E, SY_UNION, a, b);   /* an infinite range with other values */
    }
    /* A finite side filtered by membership stays finite. */
    const Val *fin = NULL, *other = NULL;
    if (op == 1 && val_is_finite_set(a)) { fin = a; other = b; }
    else if (op == 1 && val_is_finite_set(b)) { fin = b; other = a; }
    else if (op == 2 && val_is_finite_set(a)) { fin = a; other = b; }
    if (fin) {
        uint32_t n;
        const Val **xs = eval_set_items(E, fin, &n, at, "a set operation");
        uint32_t m = 0;
        for (uint32_t i = 0; i < n; i++) {
            bool in = eval_member(E, xs[i], other, at);
            if (in == (op == 1)) xs[m++] = xs[i];
        }
        const Val *r = val_set(E->vals, xs, m);
        eval_tmp_free(E, xs);
        return r;
    }
    if (op == 0 && a->kind == V_SET && a->n == 0) return b;
    if (op == 0 && b->kind == V_SET && b->n == 0) return a;
    return eval_symset(E, op == 0 ? SY_UNION : op == 1 ? SY_INTER : SY_DIFF, a, b);
}

bool eval_set_empty(Eval *E, const Val *set, Span at)
{
    if (set->kind == V_SET) return set->n == 0;
    if (set->kind == V_INTSET) return false;
    const SymSet *s = set->ptr;
    switch ((SymKind)s->kind) {
    case SY_SEQ: case SY_SET: case SY_ALL: case SY_DATATYPE: return false;   /* <>, {}, ... */
    case SY_UNION: return eval_set_empty(E, s->a, at) && eval_set_empty(E, s->b, at);
    case SY_TUPLE:
        for (uint32_t i = 0; i < s->a->n; i++)
            if (eval_set_empty(E, s->a->items[i], at)) return true;
        return false;
    default: {
        uint32_t n;
        eval_tmp_free(E, eval_set_items(E, set, &n, at, "empty"));
        return n == 0;
    }
    }
}

const Val **eval_set_items(Eval *E, const Val *set, uint32_t *n, Span at, const char *why)
{
    if (set->kind == V_SET) {
        *n = set->n;
        const Val **items = eval_tmp(E, (set->n ? set->n : 1) * sizeof *items);
        memcpy(items, set->items, set->n * sizeof *items);
        return items;
    }
    if (set->kind == V_INTSET && val_is_finite_set(set)) {
        uint64_t card = val_set_card(set);
        if (card > MAX_ENUM) eval_limit(E, at, "the set has %llu elements, too many to list for %s",
                                        (unsigned long long)card, why);
        const Val **items = eval_tmp(E, (card ? card : 1) * sizeof *items);
        uint32_t k = 0;
        for (uint32_t i = 0; i < set->n; i++)
            for (int64_t x = set->bounds[2 * i];; x++) {
                items[k++] = val_int(E->vals, x);
                if (x == set->bounds[2 * i + 1]) break;
            }
        *n = k;
        return items;
    }
    if (!val_is_set(set)) eval_fail(E, at, "expected a set for %s", why);
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    if (f) {
        eval_print(E, f, set);
        fclose(f);
    }
    char msg[200];
    snprintf(msg, sizeof msg, "%.80s", s ? s : "this set");
    free(s);
    eval_fail(E, at, "cannot list the infinite set %s (needed for %s)", msg, why);
}

const Val *eval_finite(Eval *E, const Val *set, Span at, const char *why)
{
    if (val_is_finite_set(set)) return set;
    uint32_t n;
    eval_tmp_free(E, eval_set_items(E, set, &n, at, why));   /* reports the error */
    return set;
}
