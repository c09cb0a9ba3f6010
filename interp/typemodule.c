/* typemodule.c - modules and their instances, for the type checker: a
 * module's parameters typed once, each instance's map of the module's
 * types to its own (parameters' variables and datatypes), its arguments
 * checked against them, and the instances that cannot be: module instances
 * instantiating each other forever, a module using an instance of itself.
 * typedecl.c calls these while it collects and types the definitions; a
 * use `I::f` reads the map through tc_use_def_type (typecheck.c).
 */
#include "types_internal.h"

#include "interp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- module parameters and instances ----
 * A module's parameters are typed once, as variables of level 0 (never
 * generalised), which its members' types share: inside the module a
 * parameter has one type, as in each of FDR's instances. An instance
 * `I = M(args)` gives those variables (and those of the instance its
 * module is reached through, `X1::N(0)`) fresh copies, with their
 * classes, checks its arguments against them, and a use `I::f` reads f's
 * type with the copies (tc_use_def_type). */

void tc_module_params(Ck *c, Node *d)
{
    Node *ps = d->kid[0];
    if (!ps || !ps->n || !d->res || !d->res->def) return;
    Type *t = ty_new(c->T, TT_TUPLE, ps->n);
    bool failed = c->failed;
    c->failed = false;
    for (uint32_t i = 0; i < ps->n; i++) t->kid[i] = tc_pat(c, ps->kid[i]);
    c->failed = failed;
    info(c, d->res->def)->params = t;
}

/* The instance a module is reached through in an instance's target
 * (X1 in `instance X2 = X1::N(0)`), or NULL. */
static const ResDef *outer_instance(const Node *target)
{
    for (const Node *q = target; q->kind == N_QUAL; ) {
        q = q->kid[0];
        const ResDef *d = q->res ? q->res->def : NULL;
        if (d && d->kind == RES_DEF_INSTANCE) return d;
        if (!d || d->kind != RES_DEF_MODULE) return NULL;
    }
    return NULL;
}

static const ResDef *inst_def_of(const Node *d) { return d->res->def; }

static void open_fields_of(Ck *c, Node *d, const ResDef *m, const DefInfo *ii)
{
    const DefInfo *fi = ty_find(c->T, m);
    for (uint32_t f = 0; fi && f < fi->n_fields && !c->failed; f++) {
        Type *t = ty_resolve(ty_subst(c->T, fi->fields[f], ii->map_from, ii->map_to, ii->n_map));
        bool ours = false;  /* one the instance's arguments were to fix */
        for (uint32_t k = 0; t->kind == TT_VAR && k < ii->n_map; k++)
            if (ty_resolve(ii->map_to[k]) == t) ours = true;
        if (!ours) continue;
        bool empty = false;
        for (uint32_t a = 0; d->n > 1 && d->kid[1] && a < d->kid[1]->n; a++)
            if (tc_is_empty_set(d->kid[1]->kid[a])) empty = true;
        tc_report(c, d->span, empty ? "an argument {} is an empty set of no known type; write "
                  "one whose type is known, such as {0..-1} for no integers" : NULL,
                  "in instance '%s', the type of field %u of %s '%s' cannot be worked out: the "
                  "arguments leave it open", d->res->def->name->name, f + 1,
                  m->kind == RES_DEF_CHANNEL ? "channel" : "constructor", m->name->name);
    }
}

/* Each datatype of the module (and of the modules inside it) is the
 * instance's own: from[] gets the module's, to[] the instance's copy. */
static void own_datatypes(Ck *c, const ResDef *inst, const ResDef *mod, Type **from, Type **to,
                          uint32_t *n, uint32_t cap, uint32_t depth)
{
    for (uint32_t i = 0; mod && i < mod->n_members && depth < AST_MAX_DEPTH; i++) {
        const ResDef *m = mod->members[i];
        if (m->kind == RES_DEF_MODULE) own_datatypes(c, inst, m, from, to, n, cap, depth + 1);
        if (m->kind != RES_DEF_DATATYPE || *n == cap) continue;
        from[*n] = ty_data(c->T, m);
        to[*n] = ty_data(c->T, m);
        to[(*n)++]->inst = inst;
    }
}

static void instance_map(Ck *c, Node *d, DefInfo *ii, const DefInfo *mi)
{
    enum { MAX_MODULE_VARS = 256 };
    Type *from[MAX_MODULE_VARS], *to[MAX_MODULE_VARS];
    uint32_t n = 0;
    const ResDef *outer = outer_instance(d->kid[0]);
    const DefInfo *oi = outer ? ty_find(c->T, outer) : NULL;
    for (uint32_t i = 0; oi && i < oi->n_map && n < MAX_MODULE_VARS; i++, n++) {
        from[n] = oi->map_from[i];
        to[n] = oi->map_to[i];
    }
    uint32_t own = n;
    if (mi && mi->params) ty_free_vars(mi->params, from, &n, MAX_MODULE_VARS);
    for (uint32_t i = own; i < n; i++) to[i] = ty_var(c->T, 0, from[i]->cls);
    own_datatypes(c, inst_def_of(d), d->res->def->module, from, to, &n, MAX_MODULE_VARS, 0);
    ii->n_map = n;
    ii->map_from = n ? arena_dup(c->T->arena, from, n * sizeof *from) : NULL;
    ii->map_to = n ? arena_dup(c->T->arena, to, n * sizeof *to) : NULL;
}

/* FDR rejects an instance that leaves a channel's or constructor's field
 * of no known type (`M({})` for `channel c : X`): such a field could not
 * be listed or compared. */
static void open_fields(Ck *c, Node *d, const ResDef *mod, const DefInfo *ii, uint32_t depth)
{
    for (uint32_t i = 0; mod && i < mod->n_members && !c->failed && depth < AST_MAX_DEPTH; i++) {
        const ResDef *m = mod->members[i];
        if (m->kind == RES_DEF_MODULE) open_fields(c, d, m, ii, depth + 1);
        if (m->kind == RES_DEF_DATATYPE)
            for (uint32_t k = 0; k < m->n_members; k++)
                open_fields_of(c, d, m->members[k], ii);
        if (m->kind == RES_DEF_CHANNEL) open_fields_of(c, d, m, ii);
    }
}

void tc_check_instance(Ck *c, Node *d)
{
    Node *args = d->n > 1 ? d->kid[1] : NULL;
    const ResDef *inst = d->res ? d->res->def : NULL;
    const DefInfo *mi = inst && inst->module ? ty_find(c->T, inst->module) : NULL;
    if (inst) instance_map(c, d, info(c, inst), mi);
    const DefInfo *ii = inst ? ty_find(c->T, inst) : NULL;
    for (uint32_t i = 0; args && i < args->n; i++) {
        Type *at = tc_infer(c, args->kid[i]);
        if (!mi || !mi->params || i >= mi->params->n || c->failed) continue;
        Type *want = ty_subst(c->T, mi->params->kid[i], ii->map_from, ii->map_to, ii->n_map);
        if (ty_unify(c->T, want, at)) continue;
        char hint[400], p[200];
        snprintf(hint, sizeof hint, "module '%s' takes this argument as its parameter '%s'",
                 inst->module->name->name,
                 tc_text_of(c, inst->module->decl->kid[0]->kid[i], p, sizeof p));
        tc_explain(c, args->kid[i]->span, want, at, NULL, hint);
    }
    if (ii && ii->n_map && !c->failed) open_fields(c, d, inst->module, ii, 0);
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
                tc_report(c, d->span, NULL, "module instances recurse forever: '%s' instantiates "
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

/* The definitions a module's members use, followed through the script:
 * reaching a member of an instance of the module itself is an error (FDR:
 * "The module M uses a definition in an instance M1 of itself"). A
 * breadth-first walk over definitions; each definition's text is walked
 * once per module (DefInfo.seen_by). */
typedef struct {
    const ResDef *def;
    uint32_t parent;    /* index of the definition whose text uses it; UINT32_MAX: a member */
} Reach;

typedef struct {
    Reach *items;
    uint32_t n, cap;
    uint32_t stamp;
    const ResDef *mod;
} Walk;

static void reach(Ck *c, Walk *w, const ResDef *d, uint32_t parent)
{
    if (d->level != RES_LEVEL_TOP && d->level != RES_LEVEL_MODULE) return;
    switch ((ResDefKind)d->kind) {
    case RES_DEF_FUNCTION: case RES_DEF_VALUE: case RES_DEF_CHANNEL: case RES_DEF_CONSTRUCTOR:
    case RES_DEF_DATATYPE: case RES_DEF_SUBTYPE: case RES_DEF_NAMETYPE: case RES_DEF_INSTANCE:
    case RES_DEF_MODULE:
        break;
    default:
        return;
    }
    DefInfo *di = info(c, d);
    if (di->seen_by == w->stamp) return;
    di->seen_by = w->stamp;
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 64;
        w->items = xrealloc(w->items, w->cap * sizeof *w->items);
    }
    w->items[w->n++] = (Reach){ d, parent };
}

COLD static void self_instance_error(Ck *c, Walk *w, const Node *q, uint32_t from)
{
    enum { SHOWN = 6 };     /* the path's steps named before "..." */
    const ResDef *root = NULL, *near[SHOWN];
    uint32_t n = 0, total = 0;
    for (uint32_t k = from; k != UINT32_MAX; k = w->items[k].parent, total++) {
        if (n < SHOWN) near[n++] = w->items[k].def;
        root = w->items[k].def;
    }
    char path[700], t[200];
    size_t len = (size_t)snprintf(path, sizeof path, "%s::%s", w->mod->name->name,
                                  root->name->name);
    if (total > n) len += (size_t)snprintf(path + len, sizeof path - len, " uses ..., which");
    for (uint32_t i = total > n ? n : n - 1; i-- > 0 && len < sizeof path;)
        len += (size_t)snprintf(path + len, sizeof path - len, " uses %s, which", near[i]->name->name);
    if (len < sizeof path) snprintf(path + len, sizeof path - len, " uses %s",
                                    tc_text_of(c, q, t, sizeof t));
    c->failed = false;
    tc_report(c, q->span, NULL, "module '%s' depends on its own instance '%s' (%s); a module "
              "cannot use an instance of itself", w->mod->name->name,
              q->kid[0]->res->def->name->name, path);
}

/* Walks one definition's text (x); true after reporting. */
static bool walk_uses(Ck *c, Walk *w, const Node *x, uint32_t from)
{
    if (!x || x->kind == N_TYPE) return false;
    if (x->kind == N_QUAL && x->kid[0]->res && x->kid[0]->res->def &&
        x->kid[0]->res->def->kind == RES_DEF_INSTANCE && x->kid[0]->res->def->module == w->mod) {
        self_instance_error(c, w, x, from);
        return true;
    }
    if ((x->kind == N_VAR || x->kind == N_QUAL) && x->res && x->res->def &&
        x->res->role == RES_ROLE_USE)
        reach(c, w, x->res->def, from);
    if (x->kind == N_QUAL) return false;    /* M::x uses x, not all of M */
    for (uint32_t i = 0; i < x->n; i++)
        if (walk_uses(c, w, x->kid[i], from)) return true;
    return false;
}

static void self_instance(Ck *c, const ResDef *mod, uint32_t stamp)
{
    Walk w = { .stamp = stamp, .mod = mod };
    for (uint32_t i = 0; i < mod->n_members; i++) reach(c, &w, mod->members[i], UINT32_MAX);
    for (uint32_t k = 0; k < w.n; k++) {
        const ResDef *d = w.items[k].def;
        bool found = false;
        if (d->kind == RES_DEF_FUNCTION)
            for (uint32_t i = 0; i < d->n_clauses && !found; i++)
                found = walk_uses(c, &w, d->clauses[i], k);
        else if (d->kind != RES_DEF_MODULE || d->decl != mod->decl)
            found = walk_uses(c, &w, d->decl, k);
        if (found) break;
    }
    free(w.items);
}

void tc_check_instances(Ck *c, const Node *script)
{
    Mods m = { 0 };
    gather_modules(&m, script);
    m.color = m.n ? xcalloc(m.n, 1) : NULL;
    for (uint32_t k = 0; k < m.n; k++)
        if (!m.color[k] && instance_cycle(c, &m, k, 0)) break;
    for (uint32_t k = 0; k < m.n; k++)
        if (m.mods[k]->res && m.mods[k]->res->def) self_instance(c, m.mods[k]->res->def, k + 1);
    free(m.mods);
    free(m.color);
}
