/* evaltimed.c - Timed sections (tock-CSP, MANUAL §5.9): which section an
 * expression is written in, that section's `tock` event and how many tocks
 * an event takes (the section's function, `\_ @ 1` without one). The
 * translation of the process operators is the process layer's
 * (procbuild.c); the resolver has already made STOP and SKIP inside a
 * section TSTOP and TSKIP. Part of the evaluator (eval.h, second part).
 */
#include "eval_internal.h"

#include <string.h>

struct EvalTimed {
    Node *node;             /* the TIMED declaration */
    bool in_module;         /* written inside a module or a let: its values are not cached */
    const Val *tock;        /* its tock event, once asked for (top-level sections) */
    const Val *fn;          /* its function, once asked for (top-level sections), or NULL */
};

struct EvalTimedTable {
    EvalTimed *items;
    uint32_t n;
    Span *asserts;          /* the assertions written inside sections */
    uint32_t n_asserts;
};

/* Every section of the tree (at the top level, in modules, in `let`s), and
 * the assertions written in sections. A section inside a module or a let
 * reads its tock and function in the environment of what is built there. */
static void collect(Eval *E, Node *x, bool local, bool in_timed, Vec *out, Vec *asserts, int depth)
{
    if (!x || depth > AST_MAX_DEPTH) return;
    if (x->kind == N_TIMED) {
        EvalTimed *s = ARENA_NEW(E->arena, EvalTimed);
        s->node = x;
        s->in_module = local;
        vec_push(out, s);
        collect(E, x->kid[0], local, true, out, asserts, depth + 1);
        return;
    }
    if (x->kind == N_ASSERT) {
        if (in_timed) {
            Span *at = ARENA_NEW(E->arena, Span);
            *at = x->span;
            vec_push(asserts, at);
        }
        return;
    }
    bool inner = local || x->kind == N_MODULE || x->kind == N_LET;
    for (uint32_t i = 0; i < x->n; i++) collect(E, x->kid[i], inner, in_timed && x->kind == N_LIST, out,
                                                 asserts, depth + 1);
}

static const struct EvalTimedTable *table(Eval *E)
{
    if (E->timed) return E->timed;
    struct EvalTimedTable *t = ARENA_NEW(E->arena, struct EvalTimedTable);
    Vec v = { 0 }, a = { 0 };
    collect(E, E->script, false, false, &v, &a, 0);
    t->n = v.n;
    t->items = arena_alloc(E->arena, (v.n ? v.n : 1) * sizeof *t->items);
    for (uint32_t i = 0; i < v.n; i++) t->items[i] = *(EvalTimed *)v.items[i];
    t->n_asserts = a.n;
    t->asserts = arena_alloc(E->arena, (a.n ? a.n : 1) * sizeof *t->asserts);
    for (uint32_t i = 0; i < a.n; i++) t->asserts[i] = *(Span *)a.items[i];
    vec_free(&v);
    vec_free(&a);
    E->timed = t;
    return t;
}

const EvalTimed *eval_timed_at(Eval *E, Span at)
{
    const struct EvalTimedTable *t = table(E);
    const EvalTimed *best = NULL;
    for (uint32_t i = 0; i < t->n; i++) {
        Span s = t->items[i].node->span;
        if (s.file != at.file || at.start < s.start || at.end > s.end) continue;
        if (!best || s.end - s.start < best->node->span.end - best->node->span.start) best = &t->items[i];
    }
    return best;
}

bool eval_timed_in_assertion(Eval *E, Span at)
{
    const struct EvalTimedTable *t = table(E);
    for (uint32_t i = 0; i < t->n_asserts; i++) {
        Span s = t->asserts[i];
        if (s.file == at.file && at.start >= s.start && at.end <= s.end) return true;
    }
    return false;
}

const Val *eval_timed_tock(Eval *E, const EvalTimed *s, Env *env)
{
    if (s->tock) return s->tock;
    const ResDef *d = s->node->res ? s->node->res->def : NULL;
    if (!d) eval_fail(E, s->node->span, "this Timed section has no 'tock' channel");
    const Val *v = eval_local(E, d, s->in_module ? env : NULL, s->node->span);
    if (!s->in_module) ((EvalTimed *)s)->tock = v;
    return v;
}

int64_t eval_timed_duration(Eval *E, const EvalTimed *s, Env *env, const Val *event, Span at)
{
    Node *f = s->node->kid[1];
    if (!f) return 1;
    const Val *fn = s->fn;
    if (!fn) {
        fn = eval_strict(E, eval_expr(E, f, s->in_module ? env : NULL), f->span);
        if (!s->in_module) ((EvalTimed *)s)->fn = fn;
    }
    Thunk *arg = eval_thunk_of(E, event);
    const Val *n = eval_strict(E, eval_apply(E, fn, &arg, 1, at), at);
    if (n->kind != V_INT)
        eval_fail(E, at, "the Timed section's function must give each event a number of tocks");
    if (n->num < 0)
        eval_fail(E, at, "the Timed section's function gives this event %lld tocks; it must be "
                  "0 or more", (long long)n->num);
    return n->num;
}

const Val *eval_timed_tock_at(Eval *E, Span at, Env *env, const char *what)
{
    const EvalTimed *s = eval_timed_at(E, at);
    if (!s) eval_fail(E, at, "'%s' is only defined inside a Timed section", what);
    return eval_timed_tock(E, s, env);
}
