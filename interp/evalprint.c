/* evalprint.c - how closures and process values print, as FDR names them.
 * FDR prints a function by the definitions that made it (libcspm's frames):
 * `f1`, a partial application `g(1)`, a member of an instance `I::r`, a
 * lambda `(\x @ …)`, and a function made inside another one after its
 * maker's arguments, `h(1, _)::k`, `m(3)::(\y @ …)`, where the maker's
 * variables the function does not use print as `_`. A process that is
 * the body of a named process prints as the call, `P(1)`. See eval.h.
 */
#include "eval_internal.h"

#include "unparse.h"

/* The values a frame's patterns print with: a variable bound in env that
 * the innermost function uses (one of `used`) prints its value, another
 * prints `_`; with no `used`, every variable prints its value. */
typedef struct {
    Eval *E;
    Env *env;
    const ResDef *const *used;
    uint32_t n_used;
    bool filter;
} FrameVars;

static Thunk *bound_in(Env *env, const ResDef *d)
{
    for (Env *e = env; e; e = e->up)
        for (uint32_t i = 0; i < e->n; i++)
            if (e->defs[i] == d) return e->vals[i];
    return NULL;
}

static void print_thunk(Eval *E, FILE *out, const Thunk *t)
{
    if (t && t->state == TH_DONE) eval_print(E, out, t->val);
    else fputs("_", out);   /* not computed: printing computes nothing */
}

static bool frame_var(void *ctx, FILE *out, const Node *var)
{
    FrameVars *fv = ctx;
    if (!var->res || var->res->role != RES_ROLE_BIND) return false;
    const ResDef *d = var->res->def;
    bool used = !fv->filter;
    for (uint32_t i = 0; i < fv->n_used && !used; i++) used = fv->used[i] == d;
    if (!used) {
        fputs("_", out);
        return true;
    }
    print_thunk(fv->E, out, bound_in(fv->env, d));
    return true;
}

/* Does expression e use definition d? */
static bool uses(const Node *e, const ResDef *d)
{
    if (!e) return false;
    if (e->kind == N_VAR && e->res && e->res->def == d && e->res->role == RES_ROLE_USE) return true;
    for (uint32_t i = 0; i < e->n; i++)
        if (uses(e->kid[i], d)) return true;
    return false;
}

/* A lambda's own patterns: a variable its body never uses prints `_`,
 * except inside a sequence pattern, which FDR prints as written. */
typedef struct {
    const Node *body, *pats;
} OwnPats;

static bool in_sequence_pattern(const Node *p, const Node *var, bool inside)
{
    if (p == var) return inside;
    bool seq = p->kind == N_SEQ || (p->kind == N_BINOP && p->op == OP_CAT) || p->kind == N_STRING;
    for (uint32_t i = 0; i < p->n; i++)
        if (p->kid[i] && in_sequence_pattern(p->kid[i], var, inside || seq)) return true;
    return false;
}

static bool own_var(void *ctx, FILE *out, const Node *var)
{
    const OwnPats *op = ctx;
    if (!var->res || var->res->role != RES_ROLE_BIND || uses(op->body, var->res->def) ||
        in_sequence_pattern(op->pats, var, false))
        return false;
    fputs("_", out);
    return true;
}

static void print_patterns(FILE *out, const Node *pats, UnparseVar var, void *ctx)
{
    for (uint32_t i = 0; i < pats->n; i++) {
        if (i) fputs(", ", out);
        unparse_expr_with(out, pats->kid[i], var, ctx);
    }
}

/* The innermost call whose arguments env binds: a function clause or a
 * lambda (NULL at the top level), and in *at the frame that binds them. */
static const Node *maker_of(Env *env, Env **at)
{
    for (Env *e = env; e; e = e->up)
        for (uint32_t i = 0; i < e->n; i++) {
            const ResDef *d = e->defs[i];
            if ((d->level == RES_LEVEL_LOCAL || d->level == RES_LEVEL_LET) && d->decl && d->binder &&
                (d->decl->kind == N_FUNCLAUSE || d->decl->kind == N_LAMBDA)) {
                *at = e;
                return d->decl;
            }
        }
    return NULL;
}

/* The module or instance whose members' frame env is (or is inside). */
static const ResDef *module_of(Eval *E, Env *env)
{
    if (!E) return NULL;
    for (Env *e = env; e; e = e->up)
        for (uint32_t i = 0; i < E->n_top; i++)
            if (E->modules && E->modules[i] == e) return res_top_def(E->script, i);
    return NULL;
}

/* "M::": the module or instance a top-level-of-module definition belongs to. */
static void print_module(Eval *E, FILE *out, const ResDef *d, Env *env)
{
    if (d->level != RES_LEVEL_MODULE) return;
    const ResDef *m = module_of(E, env);
    if (!m && d->owner) m = d->owner;
    if (m) fprintf(out, "%s::", m->name->name);
}

/* A call of a function clause whose arguments frame `at` binds:
 * `M::f(1, _)`, its patterns printed through fv. */
static void print_clause_call(Eval *E, FILE *out, const Node *clause, Env *at, FrameVars *fv)
{
    const ResDef *fd = clause->res ? clause->res->def : NULL;
    if (fd) print_module(E, out, fd, at->up);
    fputs(clause->name->name, out);
    for (uint32_t g = 0; g < clause->kid[0]->n; g++) {
        fputc('(', out);
        print_patterns(out, clause->kid[0]->kid[g], frame_var, fv);
        fputc(')', out);
    }
}

/* The frames around a function made in env, outermost first, each followed
 * by "::"; `used` are the innermost function's free variables. */
static void print_makers(Eval *E, FILE *out, Env *env, const ResInfo *free)
{
    Env *at;
    const Node *maker = maker_of(env, &at);
    if (!maker) return;
    print_makers(E, out, at->up, free);
    FrameVars fv = { E, at, free ? free->free_defs : NULL, free ? free->n_free : 0, free != NULL };
    if (maker->kind == N_LAMBDA) {
        fputs("(\\", out);
        print_patterns(out, maker->kid[0], frame_var, &fv);
        fputs(" @ …)", out);
    } else {
        print_clause_call(E, out, maker, at, &fv);
    }
    fputs("::", out);
}

static bool contains(Span outer, Span inner)
{
    return outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end;
}

/* The pattern binding of the top level or of a module whose right-hand
 * side holds lambda node x: FDR's frame for `lam = \x @ x`. */
static const ResDef *binding_around(Eval *E, const Node *x)
{
    if (!E) return NULL;
    for (uint32_t i = 0; i < E->n_top; i++) {
        const ResDef *d = res_top_def(E->script, i);
        const ResDef *const *ms = &d;
        uint32_t n = 1;
        if (d->kind == RES_DEF_MODULE || d->kind == RES_DEF_INSTANCE) {
            ms = (const ResDef *const *)d->members;
            n = d->n_members;
        }
        for (uint32_t k = 0; k < n; k++)   /* `<expression>` (cspi eval's) names nothing */
            if (ms[k]->kind == RES_DEF_VALUE && ms[k]->name->name[0] != '<' && ms[k]->decl &&
                ms[k]->decl->kind == N_PATBIND &&
                contains(ms[k]->decl->kid[1]->span, x->span))
                return ms[k];
    }
    return NULL;
}

/* The pattern binding of a `let` whose right-hand side holds lambda node
 * x, between it and the call that made it: `g` in `let g = \x @ x`. */
static const ResDef *let_binding_around(Env *env, const Node *x)
{
    for (Env *e = env; e; e = e->up)
        for (uint32_t i = 0; i < e->n; i++) {
            const ResDef *d = e->defs[i];
            if (d->binder && d->decl && (d->decl->kind == N_FUNCLAUSE || d->decl->kind == N_LAMBDA))
                return NULL;   /* a maker's parameters: print_makers' part */
            if (d->level == RES_LEVEL_LET && d->kind == RES_DEF_VALUE && d->decl &&
                d->decl->kind == N_PATBIND && contains(d->decl->kid[1]->span, x->span))
                return d;
        }
    return NULL;
}

/* relational_image(R) and relational_inverse_image(R): FDR prints both as
 * relational_image of the pairs they map by (the second's transposed). */
static void print_image(Eval *E, FILE *out, const Val *image)
{
    fputs("relational_image({", out);
    bool first = true;
    for (uint32_t k = 0; k < image->n / 2; k++) {   /* n items: key, value, ... */
        const Val *x = image->items[2 * k], *ys = image->items[2 * k + 1];
        for (uint32_t i = 0; i < ys->n; i++) {   /* items, or an INTSET's intervals */
            int64_t lo = 0, hi = 0;
            if (ys->kind == V_INTSET) lo = ys->bounds[2 * i], hi = ys->bounds[2 * i + 1];
            for (int64_t y = lo;; y++) {   /* one pass for a SET's item */
                fputs(first ? "(" : ", (", out);
                first = false;
                eval_print(E, out, x);
                fputs(", ", out);
                if (ys->kind == V_INTSET) fprintf(out, "%lld", (long long)y);
                else eval_print(E, out, ys->items[i]);
                fputc(')', out);
                if (ys->kind != V_INTSET || y >= hi) break;
            }
        }
    }
    fputs("})", out);
}

void eval_print_func(Eval *E, FILE *out, const Func *f)
{
    if (f->image) {   /* made by relational_image: not a definition */
        print_image(E, out, f->image);
        return;
    }
    if (f->lambda) {
        const ResInfo *free = f->lambda->res && f->lambda->res->is_closure ? f->lambda->res : NULL;
        Env *at;
        const ResDef *b = maker_of(f->env, &at) ? NULL : binding_around(E, f->lambda);
        if (b) {
            print_module(E, out, b, f->env);
            fprintf(out, "%s::", b->name->name);
        }
        print_makers(E, out, f->env, free);
        const ResDef *lb = let_binding_around(f->env, f->lambda);
        if (lb) fprintf(out, "%s::", lb->name->name);
        OwnPats op = { f->lambda->kid[1], f->lambda->kid[0] };
        fputs("(\\", out);
        print_patterns(out, f->lambda->kid[0], own_var, &op);
        fputs(" @ …)", out);
        return;
    }
    const ResDef *d = f->def;
    if (d->level == RES_LEVEL_LET) {
        const Node *c = d->clauses[0];
        print_makers(E, out, f->env, c->res && c->res->is_closure ? c->res : NULL);
    }
    print_module(E, out, d, f->env);
    fputs(d->name->name, out);
    for (uint32_t g = 0; g < f->n_done; g++) {
        fputc('(', out);
        for (uint32_t i = 0; i < f->group_sizes[g]; i++) {
            if (i) fputs(", ", out);
            print_thunk(E, out, f->groups[g][i]);
        }
        fputc(')', out);
    }
}

bool eval_print_proc_call(Eval *E, FILE *out, const ProcVal *p)
{
    Env *at;
    const Node *maker = maker_of(p->env, &at);
    if (!maker) {   /* `Q = a -> STOP` prints as Q */
        const ResDef *b = binding_around(E, p->node);
        if (!b || b->decl->kid[1] != p->node || b->decl->kid[0]->kind != N_VAR) return false;
        print_module(E, out, b, p->env);
        fputs(b->name->name, out);
        return true;
    }
    if (maker->kind != N_FUNCLAUSE || maker->kid[1] != p->node) return false;
    const ResDef *fd = maker->res ? maker->res->def : NULL;
    if (fd && fd->level == RES_LEVEL_LET) return false;   /* FDR names it after its maker too */
    FrameVars fv = { E, at, NULL, 0, false };
    print_clause_call(E, out, maker, at, &fv);
    return true;
}

/* The process values whose expressions are being printed on this thread,
 * innermost first: a let-bound process that refers to itself, `let Q = a ->
 * Q within Q`, holds itself in its environment, so printing its variables'
 * values would unfold it for ever. A variable whose value is one of these,
 * or met below PROC_PRINT_NESTING of them, prints as its name. */
enum { PROC_PRINT_NESTING = 64 };

typedef struct Printing {
    const ProcVal *proc;
    const struct Printing *outer;
    uint32_t depth;
} Printing;

static _Thread_local const Printing *printing;

static bool being_printed(const Val *v)
{
    if (v->kind != V_PROC || !printing) return false;
    if (printing->depth >= PROC_PRINT_NESTING) return true;
    for (const Printing *p = printing; p; p = p->outer)
        if (p->proc == v->ptr) return true;
    return false;
}

/* A variable of a process's expression prints its value where it has one. */
static bool env_var(void *ctx, FILE *out, const Node *var)
{
    FrameVars *fv = ctx;
    if (!var->res || !var->res->def) return false;
    const Thunk *t = bound_in(fv->env, var->res->def);
    if (!t || t->state != TH_DONE || being_printed(t->val)) return false;
    eval_print(fv->E, out, t->val);
    return true;
}

void eval_print_proc_expr(Eval *E, FILE *out, const ProcVal *p)
{
    FrameVars fv = { E, p->env, NULL, 0, false };
    Printing here = { p, printing, printing ? printing->depth + 1 : 1 };
    printing = &here;
    unparse_value_with(out, p->node, env_var, &fv);
    printing = here.outer;
}
