/* procbuild.c - from process values to terms: what a process expression of
 * the script stands for, one operator level at a time (LANGUAGE.md §1.5).
 * Runs inside the evaluator, so a runtime error unwinds to the caller's
 * eval_guard. Part of the process layer (proc.h).
 */
#include "proc_internal.h"
#include "compress.h"

#include <stdlib.h>
#include <string.h>

/* loop(P) = P ; loop(P): a CALL on this marker node whose one free value is P. */
static Node loop_marker = { .kind = N_LIST };
/* tock-CSP's built-in processes, CALLs on marker nodes whose free values
 * are the tock event (and WAIT's count): TSTOP = tock -> TSTOP,
 * TSKIP = tock -> TSKIP [] SKIP, WAIT(n) = tock -> WAIT(n-1), WAIT(0) = TSKIP. */
static Node tstop_marker = { .kind = N_LIST }, tskip_marker = { .kind = N_LIST },
            wait_marker = { .kind = N_LIST };

static const Proc *build(ProcTable *t, Node *e, Env *env);

/* ---- free variables of a process expression ---- */


static bool binds_inside(const ResDef *d, const Node *root)
{
    return d->at.file == root->span.file && d->at.start >= root->span.start &&
           d->at.end <= root->span.end;
}

static void collect(const Node *n, const Node *root, Vec *out)
{
    if (!n) return;
    if ((n->kind == N_VAR || n->kind == N_QUAL) && n->res && n->res->def &&
        n->res->role == RES_ROLE_USE) {
        const ResDef *d = n->res->def;
        /* A module's names differ from instance to instance: inside it they
         * are variables of its frame. */
        bool local = d->level == RES_LEVEL_LET || d->level == RES_LEVEL_LOCAL ||
                     (d->level == RES_LEVEL_MODULE && n->kind == N_VAR);
        if (local && !binds_inside(d, root)) {
            for (uint32_t i = 0; i < out->n; i++)
                if (out->items[i] == d) return;
            vec_push(out, (void *)d);
        }
    }
    for (uint32_t i = 0; i < n->n; i++) collect(n->kid[i], root, out);
}

/* The local variables a node uses from outside itself (cached per node). */
const FreeVars *proc_free_vars(ProcTable *t, Node *node)
{
    uint32_t h = (uint32_t)(((uintptr_t)node >> 4) * 0x9E3779B9u);
    uint32_t cap = t->free_vars.cap, i = h & (cap - 1);
    for (; t->free_vars.slots[i].item; i = (i + 1) & (cap - 1)) {
        const FreeVars *f = t->free_vars.slots[i].item;
        if (f->node == node) return f;
    }
    Vec defs = { 0 };
    collect(node, node, &defs);
    FreeVars *f = ARENA_NEW(t->arena, FreeVars);
    f->node = node;
    f->n = defs.n;
    f->defs = (const ResDef **)vec_to_arena(&defs, t->arena);
    vec_free(&defs);
    t->free_vars.slots[i] = (ProcSlot){ h, f };
    if (++t->free_vars.n * 2 > cap) slots_grow(&t->free_vars.slots, &t->free_vars.cap);
    return f;
}

/* What a process value is known by (see same_process), and the first
 * value seen with it: a named value by its clause, module frame and
 * variables' values; another by its term (clause NULL, frame its term). */
typedef struct {
    const Val *first;
    const void *clause, *frame;
    uint32_t n;
    const Val *vals[];
} ProcAsVal;

/* Process values inside process values are compared this deep at most
 * (beyond it: by the value itself), and a named one by this many values. */
enum { SAME_PROCESS_DEPTH = 32, SAME_PROCESS_VALS = 64 };

/* The slot of key (clause, frame, vals): its entry, or the empty slot
 * where it goes. */
static ProcSlot *find_key(ProcTable *t, uint32_t h, const void *clause, const void *frame,
                          const Val *const *vals, uint32_t n)
{
    uint32_t cap = t->proc_vals.cap, i = h & (cap - 1);
    for (; t->proc_vals.slots[i].item; i = (i + 1) & (cap - 1)) {
        const ProcAsVal *k = t->proc_vals.slots[i].item;
        if (t->proc_vals.slots[i].hash == h && k->clause == clause && k->frame == frame &&
            k->n == n && (n == 0 || !memcmp(k->vals, vals, (size_t)n * sizeof *vals)))
            return &t->proc_vals.slots[i];
    }
    return &t->proc_vals.slots[i];
}

static uint32_t key_hash(const void *clause, const void *frame, const Val *const *vals, uint32_t n)
{
    uint64_t h = hash_mix64((uint64_t)(uintptr_t)clause * 31 + (uint64_t)(uintptr_t)frame);
    for (uint32_t i = 0; i < n; i++) h = hash_mix64(h * 31 + (uint64_t)(uintptr_t)vals[i]);
    return (uint32_t)h;
}

/* Adds the key (clause, frame, vals) standing for `first`. */
static void add_key(ProcTable *t, uint32_t h, const void *clause, const void *frame,
                    const Val *const *vals, uint32_t n, const Val *first)
{
    ProcSlot *slot = find_key(t, h, clause, frame, vals, n);
    if (slot->item) return;
    ProcAsVal *k = arena_alloc(t->arena, sizeof *k + (size_t)n * sizeof *vals);
    k->first = first;
    k->clause = clause;
    k->frame = frame;
    k->n = n;
    if (n) memcpy(k->vals, vals, (size_t)n * sizeof *vals);
    *slot = (ProcSlot){ h, k };
    if (++t->proc_vals.n * 2 > t->proc_vals.cap) slots_grow(&t->proc_vals.slots, &t->proc_vals.cap);
}

/* Marks the keys that remember a value's answer (clause == &memo_marker,
 * frame the value): each value is looked into once. */
static const char memo_marker;

/* The value standing for process value v: the first value seen that is
 * the same process, as FDR compares processes (a call by its name and
 * arguments, PProcCall; another by its term). A process passed to a
 * function (TimeOut_1(P, Q) = P [] tock -> Q, as RoboChart's timed
 * semantics writes it) is built afresh at each call, and without this
 * each call would be a new state. */
static const Val *same_process(ProcTable *t, const Val *v, Span at)
{
    uint32_t hm = key_hash(&memo_marker, v, NULL, 0);
    const ProcAsVal *memo = find_key(t, hm, &memo_marker, v, NULL, 0)->item;
    if (memo) return memo->first;
    if (t->same_depth >= SAME_PROCESS_DEPTH) return v;
    eval_poll(t->E, at);
    const ProcVal *pv = v->ptr;
    const Val *vals[SAME_PROCESS_VALS];
    const Node *clause = NULL;
    const Env *frame = NULL;
    const void *key_frame;
    t->same_depth++;
    int n = pv->builtin == -1 && pv->name
            ? eval_proc_name_key(t->E, pv, &clause, &frame, vals, SAME_PROCESS_VALS) : -1;
    if (n >= 0) {
        for (int i = 0; i < n; i++)
            if (vals[i] && vals[i]->kind == V_PROC) vals[i] = same_process(t, vals[i], at);
        key_frame = frame;
    } else {
        n = 0;
        clause = NULL;
        key_frame = proc_term(t, v, at);
    }
    t->same_depth--;
    uint32_t h = key_hash(clause, key_frame, vals, (uint32_t)n);
    const ProcAsVal *k = find_key(t, h, clause, key_frame, vals, (uint32_t)n)->item;
    const Val *first = k ? k->first : v;
    if (!k) add_key(t, h, clause, key_frame, vals, (uint32_t)n, v);
    add_key(t, hm, &memo_marker, v, NULL, 0, first);
    return first;
}

/* A body expression in its environment, unfolded only when it is reached:
 * the expression plus the values of its free variables (a process among
 * them by its term). A name or a call is looked up at once, so every
 * occurrence of `P` is the same state. */
static const Proc *lazy(ProcTable *t, Node *e, Env *env)
{
    if (e->kind == N_VAR || e->kind == N_APPLY || e->kind == N_QUAL)
        return proc_term(t, eval_process_now(t->E, e, env), e->span);
    const FreeVars *f = proc_free_vars(t, e);
    const Val *fv[64];
    const Val **vals = f->n <= 64 ? fv : eval_tmp(t->E, f->n * sizeof *vals);
    for (uint32_t i = 0; i < f->n; i++) {
        vals[i] = eval_local(t->E, f->defs[i], env, e->span);
        if (vals[i]->kind == V_PROC) vals[i] = same_process(t, vals[i], e->span);
    }
    const Proc *p = proc_call(t, e, vals, f->n, env);
    if (vals != fv) eval_tmp_free(t->E, vals);
    return p;
}

/* ---- events ---- */

static uint32_t event_of(ProcTable *t, const Val *v, Span at)
{
    if (!event_is_complete(v)) {
        if (v->kind == V_CHANNEL) eval_decl_fields(t->E, v->decl, at);
        if (!event_is_complete(v)) {
            char *s = eval_to_string(v);
            char buf[160];
            snprintf(buf, sizeof buf, "%.140s", s ? s : "?");
            free(s);
            eval_fail(t->E, at, "%s is not an event (a channel with all its fields)", buf);
        }
    }
    return event_id(t->events, v);
}

const EventSet *proc_events_of(ProcTable *t, const Val *set, Span at)
{
    uint32_t n;
    const Val **items = eval_set_items(t->E, eval_need_set(t->E, set, at), &n, at, "a set of events");
    uint32_t *ev = eval_tmp(t->E, (n ? n : 1) * sizeof *ev);
    for (uint32_t i = 0; i < n; i++) ev[i] = event_of(t, items[i], at);
    const EventSet *s = proc_sorted_set(t, ev, n);
    eval_tmp_free(t->E, ev);
    eval_tmp_free(t->E, items);
    return s;
}

static const EventSet *all_events(ProcTable *t, Span at)
{
    return proc_events_of(t, eval_all_events(t->E, at), at);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static uint32_t tied_twice(ProcTable *t, const uint32_t *w, uint32_t n_pairs);

/* Pairs `a <- b` (or ties `a <-> b`), each extended over the extensions of
 * a when a is a channel or an unfinished prefix; with statements, once per
 * binding. *twice (when asked): an event written more than once on one side
 * of the pairs as given, before equal pairs are merged, or UINT32_MAX. */
static const EventRel *relation(ProcTable *t, Node *pairs, Node *stmts, Env *env, Span at,
                                uint32_t *twice)
{
    Env *one[1] = { env };
    uint32_t n_env = 1;
    Env **envs = stmts ? eval_bindings(t->E, stmts, env, &n_env) : one;
    Vec out = { 0 };
    for (uint32_t k = 0; k < n_env; k++) {
        for (uint32_t i = 0; i < pairs->n; i++) {
            Node *pr = pairs->kid[i];
            const Val *a = eval_strict(t->E, eval_expr(t->E, pr->kid[0], envs[k]), pr->span);
            const Val *b = eval_strict(t->E, eval_expr(t->E, pr->kid[1], envs[k]), pr->span);
            if (a->kind == V_CHANNEL) eval_decl_fields(t->E, a->decl, pr->span);   /* its arity */
            if (event_is_complete(a) || (a->kind == V_CHANNEL && a->decl->fields && a->decl->arity == 0)) {
                tvec_push(t->E, &out, (void *)(uintptr_t)event_of(t, a, pr->span));
                tvec_push(t->E, &out, (void *)(uintptr_t)event_of(t, b, pr->span));
                continue;
            }
            uint32_t n;
            const Val **ext = eval_set_items(t->E, eval_extensions(t->E, a, pr->span), &n, pr->span,
                                             "a renaming");
            for (uint32_t j = 0; j < n; j++) {
                tvec_push(t->E, &out, (void *)(uintptr_t)event_of(t, eval_dot(t->E, a, ext[j], pr->span), pr->span));
                tvec_push(t->E, &out, (void *)(uintptr_t)event_of(t, eval_dot(t->E, b, ext[j], pr->span), pr->span));
            }
            eval_tmp_free(t->E, ext);
        }
    }
    if (stmts) eval_tmp_free(t->E, envs);
    uint32_t *w = eval_tmp(t->E, (out.n ? out.n : 1) * sizeof *w);
    for (uint32_t i = 0; i < out.n; i++) w[i] = (uint32_t)(uintptr_t)out.items[i];
    if (twice) *twice = tied_twice(t, w, out.n / 2);
    const EventRel *r = proc_relation(t, w, out.n / 2);
    eval_tmp_free(t->E, w);
    tvec_free(t->E, &out);
    (void)at;
    return r;
}

/* An event that appears twice among the lefts, or among the rights, of
 * n_pairs pairs (from0, to0, ...), or UINT32_MAX. */
static uint32_t tied_twice(ProcTable *t, const uint32_t *w, uint32_t n_pairs)
{
    uint32_t *side = eval_tmp(t->E, (n_pairs ? n_pairs : 1) * sizeof *side), twice = UINT32_MAX;
    for (uint32_t s = 0; s < 2 && twice == UINT32_MAX; s++) {
        for (uint32_t i = 0; i < n_pairs; i++) side[i] = w[2 * i + s];
        qsort(side, n_pairs, sizeof *side, cmp_u32);
        for (uint32_t i = 1; i < n_pairs && twice == UINT32_MAX; i++)
            if (side[i] == side[i - 1]) twice = side[i];
    }
    eval_tmp_free(t->E, side);
    return twice;
}

/* The ties of a linked parallel: each event may be written at most once on
 * each side, even in the same tie twice (FDR: "mentioned several times in a
 * linked-parallel expression"). */
static const EventRel *links(ProcTable *t, Node *pairs, Node *stmts, Env *env, Span at)
{
    uint32_t twice;
    const EventRel *r = relation(t, pairs, stmts, env, at, &twice);
    if (twice != UINT32_MAX) {
        char *s = eval_to_string(event_value(t->events, twice));
        char buf[160];
        snprintf(buf, sizeof buf, "%.140s", s ? s : "?");
        free(s);
        eval_fail(t->E, at, "the event %s is linked more than once on one side of this linked "
                  "parallel; each event may be linked at most once", buf);
    }
    return r;
}

/* ---- prefixes ---- */

/* The fields of `c?x!y$z`, outermost last, and the head `c`. */
static uint32_t prefix_fields(Node *ev, Node **fields, uint32_t cap, Node **head)
{
    uint32_t n = 0;
    while (ev->kind == N_FIELD) {
        if (n < cap) fields[n] = ev;
        n++;
        ev = ev->kid[0];
    }
    *head = ev;
    for (uint32_t i = 0; i < n / 2 && n <= cap; i++) {
        Node *x = fields[i];
        fields[i] = fields[n - 1 - i];
        fields[n - 1 - i] = x;
    }
    return n;
}

/* A Timed section an operator is written in: the section and its tock. */
typedef struct {
    const EvalTimed *s;
    uint32_t tock;
} Timed;

typedef struct {
    ProcTable *t;
    Node **fields;
    uint32_t n_fields;
    Node *body;
    const Timed *timed;     /* in a Timed section: each event is followed by its tocks */
} PrefixCtx;

/* The type of the next field to fill in v (a channel or constructor with
 * some of its fields), looking into an unfinished last field first, so
 * that c.Ctor?x inputs Ctor's first field; NULL when v is finished. */
static const Val *next_field(Eval *E, const Val *v, Span at)
{
    const Val *head = v->kind == V_DOT && (v->flags & VAL_DOT_HEADED) ? v->items[0] : v;
    if (head->kind != V_CHANNEL && head->kind != V_CTOR) return NULL;
    eval_decl_fields(E, head->decl, at);
    uint32_t have = v->kind == V_DOT ? v->n - 1 : 0;
    if (have > 0) {
        const Val *inner = next_field(E, v->items[have], at);
        if (inner) return inner;
    }
    return have < head->decl->arity ? head->decl->fields[have] : NULL;
}

/* The event so far, checked to have a field left to input; *next is that
 * field's type. */
static const Val *open_event(Eval *E, const Val *const *atoms, uint32_t na, const Val **next, Span at)
{
    const Val *sofar = eval_regroup(E, atoms, na, at);
    const Val *head = sofar->kind == V_DOT && (sofar->flags & VAL_DOT_HEADED) ? sofar->items[0] : sofar;
    if (head->kind != V_CHANNEL && head->kind != V_CTOR)
        eval_fail(E, at, "an input needs a channel before it");
    *next = next_field(E, sofar, at);
    if (!*next) eval_fail(E, at, "this event has no field left to input");
    return sofar;
}

/* The values field `i` may take after the atoms so far. */
static const Val *field_choices(PrefixCtx *c, uint32_t i, const Val *const *atoms, uint32_t na,
                                Span at)
{
    Eval *E = c->t->E;
    const Val *next;
    const Val *sofar = open_event(E, atoms, na, &next, at);
    if (i == c->n_fields - 1) return eval_extensions(E, sofar, at);   /* the rest of the event */
    return next;
}

/* `ev -> body`; in a Timed section `ev -> tock -> ... -> body`, with as
 * many tocks as the section's function gives ev. */
static const Proc *prefix_to(ProcTable *t, const Timed *timed, const Val *ev, Span at, Node *body,
                             Env *env)
{
    uint32_t e = event_of(t, ev, at);
    const Proc *next = lazy(t, body, env);
    if (timed) {
        int64_t n = eval_timed_duration(t->E, timed->s, env, ev, at);
        if (n >= PROC_MAX_DEPTH)
            eval_fail(t->E, at, "this event takes %lld tocks; at most %d are allowed", (long long)n,
                      PROC_MAX_DEPTH - 1);
        for (int64_t k = 0; k < n; k++) next = proc_prefix(t, timed->tock, next);
    }
    return proc_prefix(t, e, next);
}

static const Proc *prefix_rest(PrefixCtx *c, uint32_t i, const Val **atoms, uint32_t na, Env *env);

/* The choice among the m processes after input field f: external, or
 * internal for `$` (which needs one at least); frees kids (a tvec when
 * vec is given, else an eval_tmp array). */
static const Proc *input_choice(PrefixCtx *c, Node *f, const Proc **kids, uint32_t m, Vec *vec)
{
    Eval *E = c->t->E;
    if (f->op == FIELD_NDIN && m == 0) eval_fail(E, f->span, "'$' over an empty set of values");
    const Proc *r = proc_choice(c->t, f->op == FIELD_NDIN ? PROC_INT : PROC_EXT, kids, m);
    if (vec) tvec_free(E, vec);
    else eval_tmp_free(E, kids);
    return r;
}

/* The atoms so far with v's appended, in more (EVAL_MAX_ATOMS long). */
static uint32_t atoms_with(Eval *E, const Val *const *atoms, uint32_t na, const Val *v, const Val **more,
                           Span at)
{
    memcpy(more, atoms, na * sizeof *atoms);
    uint32_t j = eval_dot_atoms(v, more + na, EVAL_MAX_ATOMS - na);
    if (na + j > EVAL_MAX_ATOMS) eval_fail(E, at, "event too long");
    return na + j;
}

/* Input field i with a dotted pattern and no set, `?x.1.z`, from its part
 * k on: as in FDR, each part takes one field (the last part of the last
 * field the rest of the event) and a constructor part is put in as it is
 * (`t?B.x` inputs B's field). The processes after it go to out. */
static void input_parts(PrefixCtx *c, uint32_t i, Node *const *parts, uint32_t np, uint32_t k,
                        const Val **atoms, uint32_t na, Env *env, Vec *out)
{
    Eval *E = c->t->E;
    const Val *more[EVAL_MAX_ATOMS];
    if (k == np) {
        tvec_push(E, out, (void *)prefix_rest(c, i + 1, atoms, na, env));
        return;
    }
    Node *p = parts[k];
    if ((p->kind == N_VAR || p->kind == N_QUAL) && p->res && p->res->role != RES_ROLE_BIND) {
        const Val *v = eval_strict(E, eval_expr(E, p, env), p->span);
        if (v->kind == V_CTOR) {
            input_parts(c, i, parts, np, k + 1, more, atoms_with(E, atoms, na, v, more, p->span), env, out);
            return;
        }
    }
    const Val *next;
    const Val *sofar = open_event(E, atoms, na, &next, p->span);
    const Val *choices = i == c->n_fields - 1 && k == np - 1 ? eval_extensions(E, sofar, p->span) : next;
    uint32_t n;
    const Val **vals = eval_set_items(E, choices, &n, p->span, "an input field");
    for (uint32_t m = 0; m < n; m++) {
        Env *inner;
        if (!eval_match(E, p, vals[m], env, &inner)) continue;
        input_parts(c, i, parts, np, k + 1, more, atoms_with(E, atoms, na, vals[m], more, p->span), inner,
                    out);
    }
    eval_tmp_free(E, vals);
}

static const Proc *prefix_rest(PrefixCtx *c, uint32_t i, const Val **atoms, uint32_t na, Env *env)
{
    ProcTable *t = c->t;
    Eval *E = t->E;
    if (i == c->n_fields) {
        const Val *ev = eval_regroup(E, atoms, na, c->body->span);
        return prefix_to(t, c->timed, ev, c->fields[0]->kid[0]->span, c->body, env);
    }
    Node *f = c->fields[i];
    Node *operand = f->kid[1];
    if (f->op == FIELD_OUT) {
        const Val *v = eval_strict(E, eval_expr(E, operand, env), operand->span);
        uint32_t k = eval_dot_atoms(v, atoms + na, EVAL_MAX_ATOMS - na);
        if (na + k > EVAL_MAX_ATOMS) eval_fail(E, f->span, "event too long");
        return prefix_rest(c, i + 1, atoms, na + k, env);
    }
    if (!f->kid[2] && operand->kind == N_DOT) {
        Node *parts[MAX_DOT_PATTERN_PARTS];
        uint32_t np = eval_dot_pattern_parts(operand, parts, MAX_DOT_PATTERN_PARTS);
        if (np > MAX_DOT_PATTERN_PARTS) eval_fail(E, operand->span, "this pattern has too many parts");
        Vec kids = { 0 };
        input_parts(c, i, parts, np, 0, atoms, na, env, &kids);
        return input_choice(c, f, (const Proc **)kids.items, kids.n, &kids);
    }
    /* `c?x:S` inputs exactly the values of S, as FDR does: each is checked
     * against the channel's field types when the event is put together (a
     * value outside them is an error, not skipped), and S may be a finite
     * part of an infinite type such as Int. Without S, the field's type. */
    uint32_t n;
    const Val **vals;
    if (f->kid[2]) {
        const Val *only = eval_need_set(E, eval_strict(E, eval_expr(E, f->kid[2], env), f->kid[2]->span),
                                        f->kid[2]->span);
        const Val *next;
        (void)open_event(E, atoms, na, &next, f->span);
        vals = eval_set_items(E, only, &n, f->kid[2]->span, "the set of an input field");
    } else {
        vals = eval_set_items(E, field_choices(c, i, atoms, na, f->span), &n, operand->span,
                              "an input field");
    }
    const Proc **kids = eval_tmp(E, (n ? n : 1) * sizeof *kids);
    uint32_t m = 0;
    for (uint32_t k = 0; k < n; k++) {
        Env *inner;
        if (!eval_match(E, operand, vals[k], env, &inner)) continue;
        const Val *more[EVAL_MAX_ATOMS];
        memcpy(more, atoms, na * sizeof *atoms);
        uint32_t j = eval_dot_atoms(vals[k], more + na, EVAL_MAX_ATOMS - na);
        if (na + j > EVAL_MAX_ATOMS) eval_fail(E, f->span, "event too long");
        if (f->kid[2]) (void)eval_regroup(E, more, na + j, f->kid[2]->span);   /* in the field types */
        kids[m++] = prefix_rest(c, i + 1, more, na + j, inner);
    }
    eval_tmp_free(E, vals);
    return input_choice(c, f, kids, m, NULL);
}

static const Proc *build_prefix(ProcTable *t, Node *e, Env *env, const Timed *timed)
{
    Node *fields[64], *head;
    uint32_t n = prefix_fields(e->kid[0], fields, 64, &head);
    if (n > 64) eval_fail(t->E, e->span, "too many fields in one prefix");
    const Val *hv = eval_strict(t->E, eval_expr(t->E, head, env), head->span);
    if (n == 0) return prefix_to(t, timed, hv, head->span, e->kid[1], env);
    const Val *atoms[EVAL_MAX_ATOMS];
    uint32_t na = eval_dot_atoms(hv, atoms, EVAL_MAX_ATOMS);
    if (na > EVAL_MAX_ATOMS) eval_fail(t->E, head->span, "event too long");
    PrefixCtx c = { t, fields, n, e->kid[1], timed };
    return prefix_rest(&c, 0, atoms, na, env);
}

/* ---- Timed sections (tock-CSP, as FDR translates them) ---- */

/* The Timed section e is written in, if any (*out: it and its tock). The
 * operators of an assertion written in a section stay untimed, as in FDR
 * (which evaluates assertions outside the section); its prefixes do not. */
static bool timed_at(ProcTable *t, Node *e, Env *env, Timed *out)
{
    const EvalTimed *s = eval_timed_at(t->E, e->span);
    if (!s || (e->kind != N_PREFIX && eval_timed_in_assertion(t->E, e->span))) return false;
    out->s = s;
    out->tock = event_of(t, eval_timed_tock(t->E, s, env), e->span);
    return true;
}

static const Proc *timed_builtin(ProcTable *t, Node *marker, uint32_t tock, int64_t n)
{
    const Val *fv[2] = { event_value(t->events, tock), val_int(eval_values(t->E), n) };
    return proc_call(t, marker, fv, marker == &wait_marker ? 2 : 1, NULL);
}

static const Proc *tstop(ProcTable *t, const Timed *T) { return timed_builtin(t, &tstop_marker, T->tock, 0); }

/* e -> P in a Timed section: X where X = tock -> X [] e -> tock^f(e) -> P
 * (X is the CALL of the prefix itself, so waiting returns to this term). */
static const Proc *build_timed_prefix(ProcTable *t, Node *e, Env *env, const Timed *T)
{
    const Proc *kids[2] = { proc_prefix(t, T->tock, lazy(t, e, env)), build_prefix(t, e, env, T) };
    return proc_choice(t, PROC_EXT, kids, 2);
}

static const EventSet *with_tock(ProcTable *t, const EventSet *a, uint32_t tock)
{
    if (proc_in_set(a, tock)) return a;
    uint32_t *ev = eval_tmp(t->E, (a->n + 1) * sizeof *ev);
    memcpy(ev, a->ev, a->n * sizeof *ev);
    ev[a->n] = tock;
    const EventSet *r = proc_sorted_set(t, ev, a->n + 1);
    eval_tmp_free(t->E, ev);
    return r;
}

/* The events of a set expression; in a Timed section with tock added (every
 * synchronisation set and alphabet there gains tock). */
static const EventSet *sync_set(ProcTable *t, Node *x, Env *env, const Timed *T)
{
    const EventSet *a = proc_events_of(t, eval_expr(t->E, x, env), x->span);
    return T ? with_tock(t, a, T->tock) : a;
}

/* ---- replicated operators ---- */

static const Proc *par2(ProcTable *t, ProcKind kind, const Proc *l, const Proc *r, const EventSet *a);

static const Proc *build_rep(ProcTable *t, Node *e, Env *env, const Timed *T)
{
    Eval *E = t->E;
    uint32_t n;
    Env **envs = eval_bindings(E, e->kid[0], env, &n);
    const Proc **kids = eval_tmp(E, (n ? n : 1) * sizeof *kids);
    const EventSet **alphas = eval_tmp(E, (n ? n : 1) * sizeof *alphas);
    Node *body = e->kid[1];
    for (uint32_t i = 0; i < n; i++) {
        if (e->op == OP_PAR) {
            alphas[i] = sync_set(t, body->kid[0], envs[i], T);
            kids[i] = build(t, body->kid[1], envs[i]);
        } else {
            kids[i] = build(t, body, envs[i]);
        }
    }
    const Proc *r;
    switch (e->op) {
    case OP_EXTCHOICE:
        /* In a Timed section `[+{tock}+]`: waiting does not choose. */
        if (T) {
            r = kids[0];
            for (uint32_t i = 1; i < n; i++) r = par2(t, PROC_SYNCEXT, r, kids[i], proc_eventset(t, &T->tock, 1));
            if (n == 0) r = tstop(t, T);
        } else {
            r = proc_choice(t, PROC_EXT, kids, n);
        }
        break;
    case OP_INTCHOICE:
        if (n == 0) eval_fail(E, e->span, "internal choice |~| over an empty set");
        r = proc_choice(t, PROC_INT, kids, n);
        break;
    case OP_INTERLEAVE:
        r = n == 0 ? (T ? tstop(t, T) : proc_leaf(t, PROC_SKIP)) : n == 1 ? kids[0]
            : proc_op(t, PROC_PAR, kids, n, T ? proc_eventset(t, &T->tock, 1) : proc_eventset(t, NULL, 0),
                      NULL, NULL);
        break;
    case OP_SEQ:
        r = T ? timed_builtin(t, &tskip_marker, T->tock, 0) : proc_leaf(t, PROC_SKIP);
        for (uint32_t i = n; i-- > 0;) {
            const Proc *pair[2] = { kids[i], r };
            r = i == n - 1 ? kids[i] : proc_op(t, PROC_SEQ, pair, 2, NULL, NULL, NULL);
        }
        break;
    default:   /* || x : S @ [A(x)] P(x) */
        r = n == 0 ? (T ? tstop(t, T) : proc_leaf(t, PROC_SKIP))
            : proc_op(t, PROC_ALPHA, kids, n, NULL, alphas, NULL);
    }
    eval_tmp_free(E, alphas);
    eval_tmp_free(E, kids);
    eval_tmp_free(E, envs);
    return r;
}

/* The replicated operators with one event set, `[|A|] x : S @ P(x)` (PAR)
 * and `[+A+] x : S @ P(x)` (SYNCEXT): one operator over every P(x); `empty`
 * (SKIP, STOP; TSTOP in a Timed section) when S is empty, P(x) itself when
 * it is one process. */
static const Proc *build_rep_with_set(ProcTable *t, Node *e, Env *env, ProcKind kind, ProcKind empty,
                                      const Timed *T)
{
    Eval *E = t->E;
    const EventSet *a = sync_set(t, e->kid[0], env, T);
    uint32_t n;
    Env **envs = eval_bindings(E, e->kid[1], env, &n);
    const Proc **kids = eval_tmp(E, (n ? n : 1) * sizeof *kids);
    for (uint32_t i = 0; i < n; i++) kids[i] = build(t, e->kid[2], envs[i]);
    const Proc *r = n == 0 ? (T ? tstop(t, T) : proc_leaf(t, empty)) : n == 1 ? kids[0]
                    : proc_op(t, kind, kids, n, a, NULL, NULL);
    eval_tmp_free(E, kids);
    eval_tmp_free(E, envs);
    return r;
}

static const Proc *build_replink(ProcTable *t, Node *e, Env *env)
{
    Eval *E = t->E;
    uint32_t n;
    Env **envs = eval_bindings(E, e->kid[2], env, &n);
    if (n == 0) eval_fail(E, e->span, "replicated linked parallel over an empty sequence");
    const Proc *r = build(t, e->kid[3], envs[n - 1]);
    for (uint32_t i = n - 1; i-- > 0;) {
        const Proc *pair[2] = { build(t, e->kid[3], envs[i]), r };
        r = proc_op(t, PROC_LINK, pair, 2, NULL, NULL, links(t, e->kid[0], e->kid[1], envs[i], e->span));
    }
    eval_tmp_free(E, envs);
    return r;
}

/* ---- operators ---- */

/* `[|A|]` (PAR) and `[+A+]` (SYNCEXT) with one set are associative: nested
 * ones over the same set flatten into one n-ary node. */
static const Proc *par2(ProcTable *t, ProcKind kind, const Proc *l, const Proc *r, const EventSet *a)
{
    bool fl = l->kind == kind && l->set == a, fr = r->kind == kind && r->set == a;
    uint32_t nl = fl ? l->n : 1, nr = fr ? r->n : 1;
    const Proc **kids = eval_tmp(t->E, (nl + nr) * sizeof *kids);   /* proc_op may unwind */
    if (fl) memcpy(kids, l->kids, nl * sizeof *kids);
    else kids[0] = l;
    if (fr) memcpy(kids + nl, r->kids, nr * sizeof *kids);
    else kids[nl] = r;
    const Proc *p = proc_op(t, kind, kids, nl + nr, a, NULL, NULL);
    eval_tmp_free(t->E, kids);
    return p;
}

static const Proc *hide(ProcTable *t, const Proc *p, const EventSet *a)
{
    if (a->n == 0) return p;
    if (p->kind == PROC_HIDE) {
        /* (P \ A) \ B = P \ (A ∪ B) */
        uint32_t *ev = xmalloc((a->n + p->set->n) * sizeof *ev);
        memcpy(ev, a->ev, a->n * sizeof *ev);
        memcpy(ev + a->n, p->set->ev, p->set->n * sizeof *ev);
        a = proc_sorted_set(t, ev, a->n + p->set->n);
        free(ev);
        p = p->kids[0];
    }
    return proc_op(t, PROC_HIDE, &p, 1, a, NULL, NULL);
}

/* P [] Q in a Timed section: P [+{tock}+] Q. An untimed STOP among the
 * operands (USTOP = STOP from outside the section) is kept: it stops time,
 * as tock-CSP libraries mean it to. (FDR also keeps a named one; it leaves
 * out only the built-in STOP itself, passed in from outside a section.) */
static const Proc *timed_choice(ProcTable *t, const Proc *l, const Proc *r, const Timed *T)
{
    return par2(t, PROC_SYNCEXT, l, r, proc_eventset(t, &T->tock, 1));
}

static const Proc *build_binop(ProcTable *t, Node *e, Env *env, const Timed *T)
{
    Eval *E = t->E;
    if (e->op == OP_GUARD)
        return eval_to_bool(E, eval_expr(E, e->kid[0], env), e->kid[0]->span)
               ? build(t, e->kid[1], env) : T ? tstop(t, T) : proc_leaf(t, PROC_STOP);
    const Proc *l = build(t, e->kid[0], env);
    if (e->op == OP_HIDE || e->op == OP_PROJECT) {
        const EventSet *a = proc_events_of(t, eval_expr(E, e->kid[1], env), e->kid[1]->span);
        if (e->op == OP_PROJECT) {
            const EventSet *all = all_events(t, e->span);
            uint32_t *ev = xmalloc((all->n ? all->n : 1) * sizeof *ev), m = 0;
            for (uint32_t i = 0; i < all->n; i++)
                if (!proc_in_set(a, all->ev[i])) ev[m++] = all->ev[i];
            a = proc_eventset(t, ev, m);
            free(ev);
        }
        return hide(t, l, a);
    }
    const Proc *r = build(t, e->kid[1], env);
    const Proc *pair[2] = { l, r };
    const EventSet *tock = T ? proc_eventset(t, &T->tock, 1) : NULL;
    switch (e->op) {
    case OP_EXTCHOICE: return T ? timed_choice(t, l, r, T) : proc_choice(t, PROC_EXT, pair, 2);
    case OP_INTCHOICE: return proc_choice(t, PROC_INT, pair, 2);
    case OP_INTERLEAVE: return par2(t, PROC_PAR, l, r, T ? tock : proc_eventset(t, NULL, 0));
    case OP_SEQ: return proc_op(t, PROC_SEQ, pair, 2, NULL, NULL, NULL);
    case OP_TIMEOUT: return proc_op(t, PROC_TIMEOUT, pair, 2, NULL, NULL, NULL);
    case OP_INTERRUPT:
        return T ? proc_op(t, PROC_SYNCINT, pair, 2, tock, NULL, NULL)
                 : proc_op(t, PROC_INTERRUPT, pair, 2, NULL, NULL, NULL);
    default: eval_fail(E, e->span, "'%s' is not a process operator", ast_op_spelling[e->op]);
    }
}

/* Whether the operator at e reads differently in a Timed section. */
static bool timed_kind(const Node *e)
{
    switch ((NodeKind)e->kind) {
    case N_PREFIX: case N_BINOP: case N_GENPAR: case N_ALPHPAR: case N_SYNCEXT: case N_SYNCINT:
    case N_REP: case N_REPGENPAR: case N_REPSYNCEXT:
        return true;
    default:
        return false;
    }
}

static const Proc *build(ProcTable *t, Node *e, Env *env)
{
    Eval *E = t->E;
    Timed timed, *T = timed_kind(e) && timed_at(t, e, env, &timed) ? &timed : NULL;
    switch ((NodeKind)e->kind) {
    case N_PREFIX: return T ? build_timed_prefix(t, e, env, T) : build_prefix(t, e, env, NULL);
    case N_BINOP: return build_binop(t, e, env, T);
    case N_GENPAR: {
        const Proc *l = build(t, e->kid[0], env), *r = build(t, e->kid[2], env);
        return par2(t, PROC_PAR, l, r, sync_set(t, e->kid[1], env, T));
    }
    case N_ALPHPAR: {
        const Proc *kids[2] = { build(t, e->kid[0], env), build(t, e->kid[3], env) };
        const EventSet *sets[2] = { sync_set(t, e->kid[1], env, T), sync_set(t, e->kid[2], env, T) };
        return proc_op(t, PROC_ALPHA, kids, 2, NULL, sets, NULL);
    }
    case N_EXCEPT: {
        const Proc *kids[2] = { build(t, e->kid[0], env), build(t, e->kid[2], env) };
        return proc_op(t, PROC_EXCEPT, kids, 2,
                       proc_events_of(t, eval_expr(E, e->kid[1], env), e->kid[1]->span), NULL, NULL);
    }
    case N_LINKPAR: {
        const Proc *kids[2] = { build(t, e->kid[0], env), build(t, e->kid[3], env) };
        return proc_op(t, PROC_LINK, kids, 2, NULL, NULL, links(t, e->kid[1], e->kid[2], env, e->span));
    }
    case N_RENAME: {
        const Proc *p = build(t, e->kid[0], env);
        const EventRel *r = relation(t, e->kid[1], e->kid[2], env, e->span, NULL);
        return r->n ? proc_op(t, PROC_RENAME, &p, 1, NULL, NULL, r) : p;
    }
    case N_REP: return build_rep(t, e, env, T);
    case N_REPGENPAR: return build_rep_with_set(t, e, env, PROC_PAR, PROC_SKIP, T);
    case N_REPLINK: return build_replink(t, e, env);
    case N_SYNCEXT: case N_SYNCINT: {
        const Proc *kids[2] = { build(t, e->kid[0], env), build(t, e->kid[2], env) };
        return proc_op(t, e->kind == N_SYNCEXT ? PROC_SYNCEXT : PROC_SYNCINT, kids, 2,
                       sync_set(t, e->kid[1], env, T), NULL, NULL);
    }
    case N_REPSYNCEXT: return build_rep_with_set(t, e, env, PROC_SYNCEXT, PROC_STOP, T);
    case N_IF:
        return build(t, eval_to_bool(E, eval_expr(E, e->kid[0], env), e->kid[0]->span)
                        ? e->kid[1] : e->kid[2], env);
    case N_LET: return build(t, e->kid[1], eval_let_env(E, e, env));
    default:
        return proc_term(t, eval_process_now(E, e, env), e->span);
    }
}

/* ---- prioritisepo ---- */

static void po_event_name(ProcTable *t, uint32_t ev, char *buf, size_t size)
{
    if (ev == EVENT_TAU || ev == EVENT_TICK) {
        snprintf(buf, size, "%s", ev == EVENT_TAU ? "tau" : "tick");
        return;
    }
    char *s = eval_to_string(event_value(t->events, ev));
    snprintf(buf, size, "%.100s", s ? s : "?");
    free(s);
}

/* prioritisepo(P, A, order, maximal) as FDR reads it: every event of the
 * order and of maximal must be in A; (x, y) in order puts x above y; tau
 * and tick are above every event of A that is not maximal; the order
 * closes transitively, must have no cycle, and nothing may be above a
 * maximal event. The result: pairs (event, what is above it). */
static const EventRel *po_order(ProcTable *t, const Val *a_set, const Val *order, const Val *maximal, Span at)
{
    Eval *E = t->E;
    const EventSet *a = proc_events_of(t, a_set, at), *m = proc_events_of(t, maximal, at);
    uint32_t n_pairs;
    const Val **pairs = eval_set_items(E, order, &n_pairs, at, "the order of prioritisepo");
    /* Nodes: tau, tick, then the events of A (the others are reported). */
    uint32_t nn = 2 + a->n;
    uint32_t *node = eval_tmp(E, nn * sizeof *node);
    node[0] = EVENT_TAU;
    node[1] = EVENT_TICK;
    memcpy(node + 2, a->ev, a->n * sizeof *node);
    char name[128];
    /* Edges x above y as (x, y) node pairs, then sorted into adjacency lists. */
    uint32_t n_edges = 0, cap_edges = 2 * (n_pairs + 2 * a->n) + 2;
    uint32_t *edges = eval_tmp(E, cap_edges * sizeof *edges);
    for (uint32_t i = 0; i < n_pairs + m->n; i++) {
        uint32_t ev[2];
        if (i < n_pairs) {
            const Val *p = pairs[i];
            if (p->kind != V_TUPLE || p->n != 2)
                eval_fail(E, at, "the order of prioritisepo must be a set of pairs of events");
            const Val *const *pair = p->items;   /* through a pointer: clang reads items[1] as past the end */
            ev[0] = event_of(t, pair[0], at);
            ev[1] = event_of(t, pair[1], at);
        } else {
            ev[0] = ev[1] = m->ev[i - n_pairs];
        }
        uint32_t x[2];
        for (int s = 0; s < 2; s++) {
            const uint32_t *f = bsearch(&ev[s], a->ev, a->n, sizeof *a->ev, cmp_u32);
            if (!f) {
                po_event_name(t, ev[s], name, sizeof name);
                eval_fail(E, at, "prioritisepo: the event %s is in the order or the maximal events "
                          "but not in the set of events it prioritises", name);
            }
            x[s] = 2 + (uint32_t)(f - a->ev);
        }
        if (i < n_pairs) {
            edges[2 * n_edges] = x[0];
            edges[2 * n_edges++ + 1] = x[1];
        }
    }
    for (uint32_t y = 2; y < nn; y++)
        if (!proc_in_set(m, node[y]))
            for (uint32_t x = 0; x < 2; x++) {
                edges[2 * n_edges] = x;
                edges[2 * n_edges++ + 1] = y;
            }
    qsort(edges, n_edges, 2 * sizeof *edges, cmp_u32);   /* by the node above */
    uint32_t *first = eval_tmp(E, (nn + 1) * sizeof *first);
    for (uint32_t x = 0, e = 0; x <= nn; x++) {
        while (e < n_edges && edges[2 * e] < x) e++;
        first[x] = e;
    }
    /* What each node is above: a depth-first search from it. */
    uint32_t *seen = eval_tmp(E, nn * sizeof *seen), *stack = eval_tmp(E, (n_edges + 1) * sizeof *stack);
    for (uint32_t x = 0; x < nn; x++) seen[x] = UINT32_MAX;
    Vec out = { 0 };
    for (uint32_t x = 0; x < nn; x++) {
        uint32_t sp = 0;
        for (uint32_t e = first[x]; e < first[x + 1]; e++) stack[sp++] = edges[2 * e + 1];
        while (sp) {
            uint32_t y = stack[--sp];
            if (seen[y] == x) continue;
            seen[y] = x;
            if (y == x) {
                po_event_name(t, node[x], name, sizeof name);
                eval_fail(E, at, "prioritisepo: the order has a cycle through %s", name);
            }
            tvec_push(E, &out, (void *)(uintptr_t)node[y]);
            tvec_push(E, &out, (void *)(uintptr_t)node[x]);
            for (uint32_t e = first[y]; e < first[y + 1]; e++) stack[sp++] = edges[2 * e + 1];
        }
    }
    for (uint32_t i = 0; i < out.n; i += 2) {   /* after the cycles, as FDR reports them */
        uint32_t y = (uint32_t)(uintptr_t)out.items[i];
        if (proc_in_set(m, y)) {
            po_event_name(t, y, name, sizeof name);
            eval_fail(E, at, "prioritisepo: %s is given as maximal, but the order puts an event "
                      "above it", name);
        }
    }
    eval_tmp_free(E, stack);
    eval_tmp_free(E, seen);
    eval_tmp_free(E, first);
    uint32_t *w = eval_tmp(E, (out.n ? out.n : 1) * sizeof *w);
    for (uint32_t i = 0; i < out.n; i++) w[i] = (uint32_t)(uintptr_t)out.items[i];
    const EventRel *r = proc_relation(t, w, out.n / 2);
    eval_tmp_free(E, w);
    tvec_free(E, &out);
    eval_tmp_free(E, edges);
    eval_tmp_free(E, node);
    eval_tmp_free(E, pairs);
    return r;
}

/* ---- values to terms ---- */

const char *proc_builtin_call(const Proc *call)
{
    return call->node == &loop_marker ? "loop" : call->node == &tstop_marker ? "TSTOP"
         : call->node == &tskip_marker ? "TSKIP" : call->node == &wait_marker ? "WAIT" : NULL;
}

const Proc *proc_term(ProcTable *t, const Val *v, Span at)
{
    Eval *E = t->E;
    v = eval_proc_resolve(E, v, at);   /* a call named but not computed: its body now */
    if (v->kind != V_PROC) {
        char *s = eval_to_string(v);
        char buf[120];
        snprintf(buf, sizeof buf, "%.100s", s ? s : "?");
        free(s);
        eval_fail(E, at, "%s is not a process", buf);
    }
    const ProcVal *pv = v->ptr;
    switch (pv->builtin) {
    case -1: {
        if (pv->node->kind == N_VAR || pv->node->kind == N_APPLY)
            return proc_term(t, eval_process_now(E, pv->node, pv->env), at);
        return lazy(t, pv->node, pv->env);
    }
    case RES_BI_STOP: return proc_leaf(t, PROC_STOP);
    case RES_BI_SKIP: return proc_leaf(t, PROC_SKIP);
    case RES_BI_DIV: return proc_leaf(t, PROC_DIV);
    case RES_BI_RUN: case RES_BI_CHAOS:
        return proc_op(t, pv->builtin == RES_BI_RUN ? PROC_RUN : PROC_CHAOS, NULL, 0,
                       proc_events_of(t, pv->arg, at), NULL, NULL);
    case RES_BI_loop: {
        const Val *fv[1] = { pv->arg };
        return proc_call(t, &loop_marker, fv, 1, NULL);
    }
    case RES_BI_TSTOP: case RES_BI_TSKIP: case RES_BI_WAIT:
        return timed_builtin(t, pv->builtin == RES_BI_TSTOP ? &tstop_marker : pv->builtin == RES_BI_TSKIP
                             ? &tskip_marker : &wait_marker, event_of(t, pv->arg, at),
                             pv->arg2 ? pv->arg2->num : 0);
    case RES_BI_prioritise: {
        /* prioritise(P, <A1, ..., An>): pairs (level, event) for the sets. */
        const Proc *p = proc_term(t, pv->arg, at);
        Vec pairs = { 0 };
        for (uint32_t i = 0; i < pv->arg2->n; i++) {
            const EventSet *s = proc_events_of(t, pv->arg2->items[i], at);
            for (uint32_t k = 0; k < s->n; k++) {
                tvec_push(E, &pairs, (void *)(uintptr_t)(i + 1));
                tvec_push(E, &pairs, (void *)(uintptr_t)s->ev[k]);
            }
        }
        uint32_t *w = eval_tmp(E, (pairs.n ? pairs.n : 1) * sizeof *w);
        for (uint32_t i = 0; i < pairs.n; i++) w[i] = (uint32_t)(uintptr_t)pairs.items[i];
        const EventRel *r = proc_relation(t, w, pairs.n / 2);
        eval_tmp_free(E, w);
        tvec_free(E, &pairs);
        return proc_op(t, PROC_PRIO, &p, 1, NULL, NULL, r);
    }
    case RES_BI_prioritisepo: {
        const Proc *p = proc_term(t, pv->arg, at);
        const Val *const *sets = pv->arg2->items;   /* (A, order, maximal) */
        const EventRel *r = po_order(t, sets[0], sets[1], sets[2], at);
        return proc_op(t, PROC_PRIOPO, &p, 1, NULL, NULL, r);
    }
    case RES_BI_chase: case RES_BI_chase_nocache: {
        return proc_chase(t, proc_term(t, pv->arg, at), pv->at);
    }
    default: {
        int c = compress_of_builtin(pv->builtin);
        if (c >= 0) return compress_term(t, (Compression)c, proc_term(t, pv->arg, at), pv->at);
        eval_fail(E, at, "the built-in process '%s' is not supported yet", res_builtins[pv->builtin].name);
    }
    }
}

/* Unfoldings nested in one another while terms are built, at most; each
 * also takes BUILD_LEVELS of the evaluator's budget in levels, which
 * bounds them far sooner on a browser's small stack (web/api.c: Recursion,
 * where the cost of a level, build to proc_unfold, was measured). */
enum { MAX_BUILD_DEPTH = 10000, BUILD_LEVELS = 4 };

const Proc *proc_unfold(ProcTable *t, const Proc *call)
{
    if (call->node == &loop_marker) {
        const Proc *pair[2] = { proc_term(t, call->fv[0], SPAN_NONE), call };
        return proc_op(t, PROC_SEQ, pair, 2, NULL, NULL, NULL);
    }
    if (call->node == &tstop_marker || call->node == &tskip_marker || call->node == &wait_marker) {
        uint32_t tock = event_of(t, call->fv[0], SPAN_NONE);
        if (call->node == &wait_marker && call->fv[1]->num > 0)
            return proc_prefix(t, tock, timed_builtin(t, &wait_marker, tock, call->fv[1]->num - 1));
        if (call->node == &wait_marker) return timed_builtin(t, &tskip_marker, tock, 0);
        const Proc *wait = proc_prefix(t, tock, call);
        if (call->node == &tstop_marker) return wait;
        const Proc *kids[2] = { wait, proc_leaf(t, PROC_SKIP) };
        return proc_choice(t, PROC_EXT, kids, 2);
    }
    Proc *c = (Proc *)call;   /* the unfolding cache is mutable, like the transition cache */
    if (c->unfolded == c) {
        Span at = c->node->span;
        eval_fail(t->E, at, "unguarded recursion: this process is part of its own definition "
                  "before any event");
    }
    if (c->unfolded) return c->unfolded;
    if (++t->build_depth > MAX_BUILD_DEPTH || !eval_charge(t->E, BUILD_LEVELS + PROC_LEAF_LEVELS)) {
        uint32_t most = t->build_depth > MAX_BUILD_DEPTH ? MAX_BUILD_DEPTH
                                                         : t->build_depth - 1 + t->unfold_depth;
        t->build_depth = 0;
        eval_fail(t->E, c->node->span, "process nested too deeply to unfold (more than %u levels)", most);
    }
    eval_discharge(t->E, PROC_LEAF_LEVELS);   /* only asked to be there */
    c->unfolded = c;   /* in progress (proc_state_form leaves it alone) */
    const Proc *outer = t->calling;   /* where errors while building point */
    t->calling = c;
    c->unfolded = build(t, c->node, c->env);
    t->calling = outer;
    t->build_depth--;
    eval_discharge(t->E, BUILD_LEVELS);
    return c->unfolded;
}

const Proc *proc_state_form(ProcTable *t, const Proc *p)
{
    for (int hops = 0; p->kind == PROC_CALL && p->unfolded != p && hops < 1000; hops++)
        p = proc_unfold(t, p);
    return p;
}

const Proc *proc_state_in(ProcTable *t, const Proc *p) { return proc_state_form(t, p); }

typedef struct {
    ProcTable *t;
    const Val *v;
    const Proc *out;
    Span at;                /* the expression v is the value of (for errors) */
} OfValue;

static void body_of(void *ctx)
{
    OfValue *c = ctx;
    for (int i = 0; c->out->kind == PROC_CALL && i < 1000; i++) c->out = proc_unfold(c->t, c->out);
}

const Proc *proc_body(ProcTable *t, const Proc *p)
{
    if (p->kind != PROC_CALL) return p;   /* nothing to unfold, nothing can fail */
    OfValue c = { t, NULL, p, SPAN_NONE };
    return proc_guard(t, body_of, &c) ? c.out : NULL;
}

const Proc *proc_under_wrappers(ProcTable *t, const Proc *p)
{
    for (int hops = 0; p && hops < 100; hops++) {
        p = proc_body(t, p);
        if (!p || (p->kind != PROC_HIDE && p->kind != PROC_RENAME)) return p;
        p = p->kids[0];
    }
    return p;
}

static void of_value(void *ctx)
{
    OfValue *c = ctx;
    c->out = proc_term(c->t, c->v, c->at);
}

static void state_of(void *ctx)
{
    OfValue *c = ctx;
    c->out = proc_state_form(c->t, c->out);
}

const Proc *proc_state(ProcTable *t, const Proc *p)
{
    /* Calls already unfolded lead to their term with nothing to evaluate,
     * so nothing can fail: no error handler (a wide walk asks this of every
     * component's moves). */
    const Proc *q = p;
    for (int hops = 0; q->kind == PROC_CALL && q->unfolded && q->unfolded != q && hops < 1000; hops++)
        q = q->unfolded;
    if (q->kind != PROC_CALL) return q;
    OfValue c = { t, NULL, p, SPAN_NONE };
    return proc_guard(t, state_of, &c) ? c.out : NULL;
}

const Proc *proc_of_value(ProcTable *t, const Val *v, Span at)
{
    OfValue c = { t, v, NULL, at };
    return proc_guard(t, of_value, &c) ? c.out : NULL;
}

typedef struct {
    ProcTable *t;
    const Val *v;
    const EventSet *out;
} SetOf;

static void set_of(void *ctx)
{
    SetOf *c = ctx;
    c->out = proc_events_of(c->t, c->v, SPAN_NONE);
}

const EventSet *proc_events_of_checked(ProcTable *t, const Val *set)
{
    SetOf c = { t, set, NULL };
    return proc_guard(t, set_of, &c) ? c.out : NULL;
}

typedef struct {
    ProcTable *t;
    const Val *v;
    uint32_t id;
} EventOf;

static void event_of_call(void *ctx)
{
    EventOf *c = ctx;
    c->id = event_of(c->t, c->v, SPAN_NONE);
}

int64_t proc_event_checked(ProcTable *t, const Val *event)
{
    EventOf c = { t, event, 0 };
    bool q = eval_diag(t->E)->quiet;
    eval_diag(t->E)->quiet = true;   /* the caller says what was wrong */
    int before = eval_diag(t->E)->n_errors;
    bool ok = proc_guard(t, event_of_call, &c);
    eval_diag(t->E)->quiet = q;
    eval_diag(t->E)->n_errors = before;
    return ok ? (int64_t)c.id : -1;
}
