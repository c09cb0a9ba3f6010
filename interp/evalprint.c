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

static Thunk *bound_in(Env *env, const ResDef *d)
{
    for (Env *e = env; e; e = e->up)
        for (uint32_t i = 0; i < e->n; i++)
            if (e->defs[i] == d) return e->vals[i];
    return NULL;
}

/* A thunk's value if it is known without computing: computed, or a
 * variable passed on (`(\y @ d.y -> STOP)(x)`'s y is x) whose value is. */
enum { PEEK_HOPS = 16 };
static const Val *known(const Thunk *t)
{
    for (int hop = 0; t && hop < PEEK_HOPS; hop++) {
        if (t->state == TH_DONE) return t->val;
        if (t->state != TH_PENDING || !t->expr || t->expr->kind != N_VAR || !t->expr->res ||
            !t->expr->res->def)
            return NULL;
        t = bound_in(t->env, t->expr->res->def);
    }
    return NULL;
}

static void print_thunk(Eval *E, FILE *out, const Thunk *t)
{
    const Val *v = known(t);
    if (v) eval_print(E, out, v);
    else fputs("_", out);   /* not computed: printing computes nothing */
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

/* ---- frames: the definitions around a node, as FDR names what it makes ---- */

/* A frame is a function clause, a lambda, or the binding of one variable
 * (top-level, a module's, a let's): libcspm's FunctionFrame and
 * LambdaFrame. (cspi eval's `<expression>` is none.) */
static bool is_frame(const Node *n)
{
    if (n->kind == N_FUNCLAUSE || n->kind == N_LAMBDA) return true;
    return n->kind == N_PATBIND && n->kid[0]->kind == N_VAR && n->kid[0]->name->name[0] != '<';
}

enum { MAX_NAME_FRAMES = 64 };   /* frames printed around a name; deeper ones are left out */
typedef struct {
    const Node *frame[MAX_NAME_FRAMES];
    uint32_t n;
} Frames;

static bool find_frames(const Node *n, const Node *x, Frames *fs, uint32_t *depth);

/* FDR's VariableFrame (printed ANNON(p)): a generator `p <- S` binds p for
 * the statements after it and the body, an input `?p` (or `$p`) for the
 * fields after it and what follows the prefix. Pushes the binders of
 * list[0..n) and searches `then` below them. */
static bool below_binders(const Node *const *list, uint32_t n, const Node *then, const Node *x,
                          Frames *fs, uint32_t *depth)
{
    uint32_t at = *depth;
    for (uint32_t i = 0; i < n && *depth < MAX_NAME_FRAMES; i++) fs->frame[(*depth)++] = list[i];
    if (then && find_frames(then, x, fs, depth)) return true;
    *depth = at;
    return false;
}

/* The statements of a comprehension or replicated operator, each below
 * the generators before it, then its body below all of them. */
static bool find_in_stmts(const Node *stmts, const Node *body, const Node *x, Frames *fs,
                          uint32_t *depth)
{
    const Node *gens[MAX_NAME_FRAMES];
    uint32_t n = 0;
    for (uint32_t i = 0; i < stmts->n; i++) {
        if (below_binders(gens, n, stmts->kid[i], x, fs, depth)) return true;
        if (stmts->kid[i]->kind == N_GEN && n < MAX_NAME_FRAMES) gens[n++] = stmts->kid[i];
    }
    return below_binders(gens, n, body, x, fs, depth);
}

/* A prefix: its event's fields, then what follows below its inputs. */
static bool find_in_prefix(const Node *p, const Node *x, Frames *fs, uint32_t *depth)
{
    const Node *ins[MAX_NAME_FRAMES];
    uint32_t n = 0;
    const Node *e = p->kid[0];
    while (e->kind == N_FIELD) {   /* `d?x!y`: FIELD(FIELD(d, x), y), the last field outermost */
        if (e->op != FIELD_OUT && n < MAX_NAME_FRAMES) ins[n++] = e;
        e = e->kid[0];
    }
    for (uint32_t i = 0; i < n / 2; i++) {   /* leftmost first */
        const Node *t = ins[i];
        ins[i] = ins[n - 1 - i];
        ins[n - 1 - i] = t;
    }
    return find_frames(p->kid[0], x, fs, depth) || below_binders(ins, n, p->kid[1], x, fs, depth);
}

/* Pushes the frames on the way from n down to x (outermost first); false
 * if x is not below n. Trees are bounded by AST_MAX_DEPTH. */
static bool find_frames(const Node *n, const Node *x, Frames *fs, uint32_t *depth)
{
    if (n == x) return true;
    switch (n->kind) {
    case N_COMP: return find_in_stmts(n->kid[1], n->kid[0], x, fs, depth);
    case N_REP: return find_in_stmts(n->kid[0], n->kid[1], x, fs, depth);
    case N_REPGENPAR: case N_REPSYNCEXT:
        return find_frames(n->kid[0], x, fs, depth) || find_in_stmts(n->kid[1], n->kid[2], x, fs, depth);
    case N_PREFIX: return find_in_prefix(n, x, fs, depth);
    default: break;
    }
    bool fr = is_frame(n) && *depth < MAX_NAME_FRAMES;
    if (fr) fs->frame[(*depth)++] = n;
    for (uint32_t i = 0; i < n->n; i++)
        if (n->kid[i] && find_frames(n->kid[i], x, fs, depth)) return true;
    if (fr) (*depth)--;
    return false;
}

/* The frames around definition node x in E's script (none without E). */
static void frames_around(Eval *E, const Node *x, Frames *fs)
{
    fs->n = 0;
    uint32_t depth = 0;
    if (E && E->script && find_frames(E->script, x, fs, &depth)) fs->n = depth;
}

/* What a name's patterns print with: a variable that the innermost
 * definition's bodies use prints its value in env, another prints `_`. */
typedef struct {
    Eval *E;
    Env *env;
    const Node *const *bodies;
    uint32_t n_bodies;
} NameVars;

static bool relevant(const NameVars *nv, const ResDef *d)
{
    for (uint32_t i = 0; i < nv->n_bodies; i++)
        if (uses(nv->bodies[i], d)) return true;
    return false;
}

static void pat_list(const NameVars *nv, FILE *out, const Node *ps, uint32_t from, uint32_t to);

/* A pattern as FDR prints a frame's: `<1>^_`, `(x, _)`, `C.1`. */
static void name_pat(const NameVars *nv, FILE *out, const Node *p)
{
    switch (p->kind) {
    case N_VAR:
        if (p->res && p->res->role == RES_ROLE_BIND && p->res->def) {
            if (relevant(nv, p->res->def)) print_thunk(nv->E, out, bound_in(nv->env, p->res->def));
            else fputs("_", out);
        } else {
            fputs(p->name->name, out);   /* a constructor, a channel */
        }
        return;
    case N_WILD: fputs("_", out); return;
    case N_ATAT: name_pat(nv, out, p->kid[0]); return;   /* FDR: the first */
    case N_DOT:
        name_pat(nv, out, p->kid[0]);
        fputc('.', out);
        name_pat(nv, out, p->kid[1]);
        return;
    case N_TUPLE: case N_SET: case N_SEQ:
        fputc(p->kind == N_TUPLE ? '(' : p->kind == N_SET ? '{' : '<', out);
        pat_list(nv, out, p, 0, p->n);
        fputc(p->kind == N_TUPLE ? ')' : p->kind == N_SET ? '}' : '>', out);
        return;
    case N_BINOP:
        if (p->op == OP_CAT) {   /* FDR's <xs>^middle^<ends> */
            const Node *parts[3] = { p->kid[0], p->kid[1], NULL };
            if (p->kid[1]->kind == N_BINOP && p->kid[1]->op == OP_CAT)
                parts[1] = p->kid[1]->kid[0], parts[2] = p->kid[1]->kid[1];
            uint32_t k = 0;
            if (parts[0]->kind != N_SEQ) fputs("<>^", out);
            for (; k < 3 && parts[k]; k++) {
                if (k) fputc('^', out);
                name_pat(nv, out, parts[k]);
            }
            return;
        }
        break;
    default:
        break;
    }
    unparse_expr_with(out, p, NULL, NULL);   /* literals */
}

static void pat_list(const NameVars *nv, FILE *out, const Node *ps, uint32_t from, uint32_t to)
{
    for (uint32_t i = from; i < to; i++) {
        if (i > from) fputs(", ", out);
        name_pat(nv, out, ps->kid[i]);
    }
}

/* The definition a frame names (none for a lambda). */
static const ResDef *frame_def(const Node *fr)
{
    const Node *n = fr->kind == N_PATBIND ? fr->kid[0] : fr;
    return fr->kind != N_LAMBDA && n->res ? n->res->def : NULL;
}

/* One frame: `M::f(1, _)`, `P`, `(\x @ …)`; the outermost gets its module. */
static void print_frame(const NameVars *nv, FILE *out, const Node *fr, bool outermost)
{
    if (fr->kind == N_GEN || fr->kind == N_FIELD) {   /* a generator's or an input's */
        fputs("ANNON(", out);
        name_pat(nv, out, fr->kid[fr->kind == N_GEN ? 0 : 1]);
        fputc(')', out);
        return;
    }
    if (fr->kind == N_LAMBDA) {
        fputs("(\\", out);
        pat_list(nv, out, fr->kid[0], 0, fr->kid[0]->n);
        fputs(" @ …)", out);
        return;
    }
    const ResDef *d = frame_def(fr);
    if (outermost && d) print_module(nv->E, out, d, nv->env);
    fputs(fr->kind == N_PATBIND ? fr->kid[0]->name->name : fr->name->name, out);
    if (fr->kind == N_FUNCLAUSE)
        for (uint32_t g = 0; g < fr->kid[0]->n; g++) {
            fputc('(', out);
            pat_list(nv, out, fr->kid[0]->kid[g], 0, fr->kid[0]->kid[g]->n);
            fputc(')', out);
        }
}

/* The frames around x, outermost first, each followed by "::". */
static void print_frames(const NameVars *nv, FILE *out, const Node *x)
{
    Frames fs;
    frames_around(nv->E, x, &fs);
    for (uint32_t i = 0; i < fs.n; i++) {
        print_frame(nv, out, fs.frame[i], i == 0);
        fputs("::", out);
    }
}

void eval_print_proc_name(Eval *E, FILE *out, const ProcVal *p)
{
    NameVars nv = { E, p->name_env, (const Node *const *)&p->name->kid[1], 1 };
    Frames fs;
    frames_around(E, p->name, &fs);
    print_frames(&nv, out, p->name);
    print_frame(&nv, out, p->name, fs.n == 0);
}

void eval_force_name_args(Eval *E, const Node *by, Env *env)
{
    if (by->kind != N_FUNCLAUSE || !env) return;
    for (uint32_t i = 0; i < env->n; i++)   /* the clause's own variables */
        if (env->vals[i]->state == TH_PENDING && uses(by->kid[1], env->defs[i]))
            eval_force(E, env->vals[i]);
}

int eval_proc_name_key(Eval *E, const ProcVal *p, const Node **clause, const Env **frame,
                       const Val **vals, uint32_t cap)
{
    const Node *c = p->name;
    Env *env = p->name_env;
    if (!c || c->kind != N_FUNCLAUSE || !env || !c->res || !c->res->def) return -1;
    const ResDef *fn = c->res->def;
    if (fn->level != RES_LEVEL_TOP && fn->level != RES_LEVEL_MODULE &&
        !(fn->level == RES_LEVEL_LET && c->res->is_closure))
        return -1;
    uint32_t n_free = fn->level == RES_LEVEL_LET ? c->res->n_free : 0;
    if (env->n + n_free > cap) return -1;
    *clause = c;
    *frame = fn->level == RES_LEVEL_MODULE ? env->up : NULL;   /* one per instance */
    uint32_t n = 0;
    /* the clause's own variables: naming it forced those its body uses
     * (eval_force_name_args); one still pending is one it does not use */
    for (uint32_t i = 0; i < env->n; i++)
        vals[n++] = env->vals[i]->state == TH_DONE ? env->vals[i]->val : NULL;
    for (uint32_t i = 0; i < n_free; i++)   /* a local clause's outer variables */
        vals[n++] = eval_local(E, c->res->free_defs[i], env, c->span);
    return (int)n;
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
        NameVars nv = { E, f->env, (const Node *const *)&f->lambda->kid[1], 1 };
        print_frames(&nv, out, f->lambda);
        OwnPats op = { f->lambda->kid[1], f->lambda->kid[0] };
        fputs("(\\", out);
        print_patterns(out, f->lambda->kid[0], own_var, &op);
        fputs(" @ …)", out);
        return;
    }
    const ResDef *d = f->def;
    if (d->level == RES_LEVEL_LET) {   /* its frames: what its clauses use */
        NameVars nv = { E, f->env, (const Node *const *)d->clauses, d->n_clauses };
        print_frames(&nv, out, d->clauses[0]);
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

/* A variable of a process's expression prints its value where it has one;
 * an unnamed process only PRINT_PROC_DEPTH deep, else its name: the value
 * of `let (P, Q) = (a -> P [] b -> P, ...)` holds itself, and each level
 * of the unfolding may branch. */
enum { PRINT_PROC_DEPTH = 4 };
typedef struct {
    Eval *E;
    Env *env;
    const Node *failed;     /* a replicated operator whose set failed here: as written */
} ExprVars;

static bool env_var(void *ctx, FILE *out, const Node *var)
{
    ExprVars *ev = ctx;
    if (!var->res || !var->res->def) return false;
    const Val *v = known(bound_in(ev->env, var->res->def));
    if (!v) return false;
    bool deep = v->kind == V_PROC && !((const ProcVal *)v->ptr)->name;
    if (deep && (!ev->E || ev->E->print_depth >= PRINT_PROC_DEPTH)) return false;
    if (deep) {   /* in brackets: it stands where a name did */
        ev->E->print_depth++;
        fputc('(', out);
    }
    eval_print(ev->E, out, v);
    if (deep) {
        fputc(')', out);
        ev->E->print_depth--;
    }
    return true;
}

/* A replicated operator's bindings, worked out under a guard. */
typedef struct {
    Eval *E;
    Node *stmts;
    Env *env, **envs;
    uint32_t n;
} Bindings;

static void bind_all(void *ctx)
{
    Bindings *b = ctx;
    b->envs = eval_bindings(b->E, b->stmts, b->env, &b->n);
}

/* FDR prints a replicated operator as the tree it evaluated: one operand
 * per binding, each printed with its variables' values (a context of its
 * own). In a Timed section the operators are timed ones: as written. The
 * bindings are worked out here: under eval_print_value an error unwinds
 * to it; elsewhere (a message, a counterexample) it is reported once and
 * the operator printed as written. */
static int rep_operands(void *ctx, const Node *rep, void ***out)
{
    ExprVars *ev = ctx;
    Eval *E = ev->E;
    if (!E || rep == ev->failed ||
        (eval_timed_at(E, rep->span) && !eval_timed_in_assertion(E, rep->span)))
        return -1;
    Bindings b = { E, rep->kid[rep->kind == N_REP ? 0 : 1], ev->env, NULL, 0 };
    if (E->print_strict) {
        bind_all(&b);
    } else if (eval_guard(E, bind_all, &b) != EVAL_OK) {
        ev->failed = rep;
        return -1;
    }
    void **ctxs = xmalloc((b.n ? b.n : 1) * (sizeof *ctxs + sizeof(ExprVars)));
    ExprVars *vars = (ExprVars *)(ctxs + (b.n ? b.n : 1));
    for (uint32_t i = 0; i < b.n; i++) {
        vars[i] = (ExprVars){ E, b.envs[i], NULL };
        ctxs[i] = &vars[i];
    }
    eval_tmp_free(E, b.envs);
    *out = ctxs;
    return (int)b.n;
}

void eval_print_proc_expr(Eval *E, FILE *out, const ProcVal *p)
{
    ExprVars ev = { E, p->env, NULL };
    unparse_value_expanded(out, p->node, env_var, rep_operands, &ev);
}
