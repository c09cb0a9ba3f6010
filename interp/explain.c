/* explain.c - explaining a failed assertion (see explain.h): after a check
 * failed, its counterexample is rebuilt as a path of the implementation's
 * states with the internal steps (from the exploration's trail, or by
 * following the trace again when the check walked a normal form), each
 * step is split into what each component did (net_explain_step), a
 * divergence gets its tau loop; then it is printed as text, JSON, a replay
 * point or a dot graph. Nothing here runs unless an explanation is asked
 * for.
 */
#define _POSIX_C_SOURCE 200809L
#include "explain.h"

#include "check_internal.h"
#include "ast.h"
#include "eval.h"
#include "resolve.h"
#include "unparse.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>

/* Following a trace again through a network visits at most this many
 * (state, position) pairs; a tau loop is looked for among at most this
 * many states. Beyond, the counterexample is shown without its path. */
enum { EXPL_SEARCH_MAX = 1 << 20 };
/* Events a component's event may become through one renaming, followed. */
enum { EXPL_IMAGES_MAX = 64 };
/* A component's state is printed up to this many characters, then "...";
 * its name, in the lists of who took part in a step, up to the second. */
enum { EXPL_STATE_WIDTH = 100, EXPL_SHORT_WIDTH = 32 };
/* Sets of a node's operator (hidden events ...) show this many events. */
enum { EXPL_SET_SHOWN = 12 };

static void print_node_name(const Explanation *x, FILE *out, uint32_t i);

/* ---- building: states, steps ---- */

/* A path being built: states and events, first to last. */
typedef struct {
    uint32_t *state, *event, n, cap;   /* event[i]: from state[i] to state[i+1] */
} Raw;

static void raw_push(Raw *r, uint32_t state, uint32_t event)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 32;
        r->state = xrealloc(r->state, r->cap * sizeof *r->state);
        r->event = xrealloc(r->event, r->cap * sizeof *r->event);
    }
    r->state[r->n] = state;
    r->event[r->n++] = event;
}

/* A path pushed last state first, with evs[0..n) its events last first
 * (malloc'd, freed here): put in order, first to last. */
static void raw_reverse(Raw *r, uint32_t *evs, uint32_t n)
{
    for (uint32_t a = 0, b = r->n - 1; a < b; a++, b--) {
        uint32_t s = r->state[a];
        r->state[a] = r->state[b];
        r->state[b] = s;
    }
    for (uint32_t k = 0; k < n; k++) r->event[k] = evs[n - 1 - k];
    free(evs);
}

/* The path to visit i of the exploration, with its internal steps. */
static void path_to_visit(Chk *c, uint32_t i, Raw *r)
{
    /* Backwards: (state, event into it), then reversed. */
    uint32_t *evs = NULL, n = 0, cap = 0;
    for (;;) {
        raw_push(r, chk_visit_state(c, i), 0);
        if (i == 0) break;
        uint32_t ev;
        i = chk_parent(c, i, &ev);
        if (n == cap) evs = xrealloc(evs, (cap = cap ? 2 * cap : 32) * sizeof *evs);
        evs[n++] = ev;
    }
    raw_reverse(r, evs, n);
}

/* A hash set of 64-bit keys with a value each, for the searches below. */
typedef struct {
    uint64_t *keys;
    uint32_t *vals, cap, n;
} Map;

static uint32_t *map_slot(Map *m, uint64_t key, bool *found)
{
    if ((m->n + 1) * 2 > m->cap) {
        uint32_t ncap = m->cap ? 2 * m->cap : 1024;
        uint64_t *keys = xcalloc(ncap, sizeof *keys);
        uint32_t *vals = xmalloc(ncap * sizeof *vals);
        for (uint32_t i = 0; i < m->cap; i++) {
            if (!m->keys[i]) continue;
            uint32_t j = (uint32_t)(m->keys[i] * 0x9E3779B97F4A7C15u >> 32) & (ncap - 1);
            while (keys[j]) j = (j + 1) & (ncap - 1);
            keys[j] = m->keys[i];
            vals[j] = m->vals[i];
        }
        free(m->keys);
        free(m->vals);
        m->keys = keys;
        m->vals = vals;
        m->cap = ncap;
    }
    key++;
    uint32_t j = (uint32_t)(key * 0x9E3779B97F4A7C15u >> 32) & (m->cap - 1);
    for (; m->keys[j]; j = (j + 1) & (m->cap - 1))
        if (m->keys[j] == key) {
            *found = true;
            return &m->vals[j];
        }
    m->keys[j] = key;
    m->n++;
    *found = false;
    return &m->vals[j];
}

static void map_free(Map *m)
{
    free(m->keys);
    free(m->vals);
}

/* A shortest path in sp from its initial state doing the visible events
 * tr[0..len) (taus anywhere), ending in state want (UINT32_MAX: any
 * state; want_div: a state that can diverge). false if none is found
 * within EXPL_SEARCH_MAX pairs. */
static bool follow_trace(Chk *c, Space *sp, const uint32_t *tr, uint32_t len, uint32_t want,
                         bool want_div, Raw *r)
{
    typedef struct { uint32_t state, pos, parent, event; } Item;
    Item *q = xmalloc(1024 * sizeof *q);
    uint32_t qn = 0, qcap = 1024;
    Map seen = { 0 };
    bool found;
    *map_slot(&seen, 0, &found) = 0;
    q[qn++] = (Item){ 0, 0, UINT32_MAX, 0 };
    uint32_t hit = UINT32_MAX;
    for (uint32_t i = 0; i < qn && hit == UINT32_MAX; i++) {
        Item it = q[i];
        if (it.pos == len && (want == UINT32_MAX || it.state == want) &&
            (!want_div || chk_diverges(c, sp, it.state))) {
            hit = i;
            break;
        }
        uint32_t n;
        const NetTrans *ts = chk_trans(c, sp, it.state, &n);
        for (uint32_t k = 0; k < n; k++) {
            uint32_t pos = it.pos;
            if (ts[k].event != EVENT_TAU) {
                if (pos == len || ts[k].event != tr[pos]) continue;
                pos++;
            }
            uint64_t key = (uint64_t)pos << 32 | ts[k].next;
            uint32_t *v = map_slot(&seen, key, &found);
            if (found) continue;
            if (qn == EXPL_SEARCH_MAX) break;
            if (qn == qcap) q = xrealloc(q, (qcap *= 2) * sizeof *q);
            *v = qn;
            q[qn++] = (Item){ ts[k].next, pos, i, ts[k].event };
        }
    }
    map_free(&seen);
    if (hit != UINT32_MAX) {
        uint32_t *evs = NULL, ne = 0, cap = 0;
        for (uint32_t i = hit;; i = q[i].parent) {
            raw_push(r, q[i].state, 0);
            if (q[i].parent == UINT32_MAX) break;
            if (ne == cap) evs = xrealloc(evs, (cap = cap ? 2 * cap : 32) * sizeof *evs);
            evs[ne++] = q[i].event;
        }
        raw_reverse(r, evs, ne);
    }
    free(q);
    return hit != UINT32_MAX;
}

/* From the last state of r (which can diverge): the tau steps to a loop
 * and around it. *loop_at: the point the loop returns to. */
static bool add_tau_loop(Chk *c, Space *sp, Raw *r, uint32_t *loop_at)
{
    typedef struct { uint32_t s, next; } Frame;
    uint32_t s0 = r->state[r->n - 1];
    Frame *st = xmalloc(64 * sizeof *st);
    uint32_t depth = 0, cap = 64;
    Map mark = { 0 };   /* state -> 1 + depth on the stack, or 0 when done */
    bool found;
    *map_slot(&mark, s0, &found) = 1;
    st[depth++] = (Frame){ s0, 0 };
    uint32_t back = UINT32_MAX;
    while (depth && back == UINT32_MAX && mark.n < EXPL_SEARCH_MAX) {
        Frame *f = &st[depth - 1];
        uint32_t n;
        const uint32_t *next = chk_tau_next(c, sp, f->s, &n);
        if (f->next == n) {
            *map_slot(&mark, f->s, &found) = 0;
            depth--;
            continue;
        }
        uint32_t q = next[f->next++];
        uint32_t *m = map_slot(&mark, q, &found);
        if (found && *m) {
            back = *m - 1;   /* the depth of q on the stack */
            break;
        }
        if (found) continue;
        *m = depth + 1;
        if (depth == cap) st = xrealloc(st, (cap *= 2) * sizeof *st);
        st[depth++] = (Frame){ q, 0 };
    }
    map_free(&mark);
    if (back == UINT32_MAX) {
        free(st);
        return false;
    }
    uint32_t base = r->n - 1;
    for (uint32_t d = 1; d < depth; d++) {
        r->event[r->n - 1] = EVENT_TAU;
        raw_push(r, st[d].s, 0);
    }
    r->event[r->n - 1] = EVENT_TAU;
    raw_push(r, st[back].s, 0);
    *loop_at = base + back;
    free(st);
    return true;
}

/* The first transition of from by event ev to state to (UINT32_MAX if none). */
static uint32_t transition_index(Chk *c, Space *sp, uint32_t from, uint32_t ev, uint32_t to)
{
    uint32_t n;
    const NetTrans *ts = net_transitions(sp->net, from, &n);
    if (!ts) chk_bail_eval(c);
    for (uint32_t k = 0; k < n; k++)
        if (ts[k].event == ev && (to == UINT32_MAX || ts[k].next == to)) return k;
    return UINT32_MAX;
}

/* ---- events through the operators ---- */

/* What kid k of node x makes of its event e at x: into out, returns how many. */
static uint32_t up_one(const Explanation *x, uint32_t node, uint32_t k, uint32_t e, uint32_t *out)
{
    const Proc *p = x->nodes[node].term;
    bool visible = e != EVENT_TAU && e != EVENT_TICK;
    switch ((ProcKind)p->kind) {
    case PROC_HIDE: out[0] = visible && proc_in_set(p->set, e) ? EVENT_TAU : e; return 1;
    case PROC_RENAME: {
        uint32_t m = 0;
        if (visible)
            for (uint32_t i = 0; i < p->rel->n && m < EXPL_IMAGES_MAX; i++)
                if (p->rel->pair[2 * i] == e) out[m++] = p->rel->pair[2 * i + 1];
        if (!m) out[m++] = e;
        return m;
    }
    case PROC_LINK:   /* a parallel's tick is its components' joint tick */
        out[0] = visible && proc_rel_has(p->rel, e, (int)k) ? EVENT_TAU : e;
        return 1;
    default: out[0] = e; return 1;
    }
}

/* The first component under node that took part in step s. */
static uint32_t involved_leaf(const Explanation *x, const ExplStep *s, uint32_t node)
{
    const ExplNode *nd = &x->nodes[node];
    for (uint32_t i = nd->first; i < nd->first + nd->n_leaves; i++)
        if (s->did[i] != EXPL_IDLE) return i;
    return EXPL_IDLE;
}

/* Whether event e of kid k of node becomes top at node. */
static bool becomes(const Explanation *x, uint32_t node, uint32_t k, uint32_t e, uint32_t top)
{
    uint32_t out[EXPL_IMAGES_MAX];
    uint32_t m = up_one(x, node, k, e, out);
    for (uint32_t i = 0; i < m; i++)
        if (out[i] == top) return true;
    return false;
}

/* The events node's subtree may show for component leaf's event e. */
static uint32_t lift_to(const Explanation *x, uint32_t leaf, uint32_t e, uint32_t node, uint32_t *out)
{
    uint32_t cur[EXPL_IMAGES_MAX], n = 1;
    cur[0] = e;
    uint32_t at = x->comp_node[leaf];
    while (at != node && x->nodes[at].parent != UINT32_MAX) {
        uint32_t up = x->nodes[at].parent, k = 0;
        while (x->nodes[up].kids[k] != at) k++;
        uint32_t nxt[EXPL_IMAGES_MAX], m = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t tmp[EXPL_IMAGES_MAX];
            uint32_t t = up_one(x, up, k, cur[i], tmp);
            for (uint32_t j = 0; j < t && m < EXPL_IMAGES_MAX; j++) nxt[m++] = tmp[j];
        }
        memcpy(cur, nxt, m * sizeof *cur);
        n = m;
        at = up;
    }
    memcpy(out, cur, n * sizeof *out);
    return n;
}

/* The event at every node of step s, from the top down. */
static void events_at_nodes(Explanation *x, ExplStep *s)
{
    uint32_t *ev = xmalloc(x->n_nodes * sizeof *ev);
    for (uint32_t i = 0; i < x->n_nodes; i++) ev[i] = EXPL_IDLE;
    ev[0] = s->event;
    for (uint32_t i = 0; i < x->n_nodes; i++) {   /* preorder: parents first */
        const ExplNode *nd = &x->nodes[i];
        if (ev[i] == EXPL_IDLE) continue;
        if (!nd->n_kids) {
            ev[i] = s->did[nd->first];
            continue;
        }
        for (uint32_t k = 0; k < nd->n_kids; k++) {
            uint32_t kid = nd->kids[k], leaf = involved_leaf(x, s, kid);
            if (leaf == EXPL_IDLE) continue;
            uint32_t cand[EXPL_IMAGES_MAX];
            uint32_t m = lift_to(x, leaf, s->did[leaf], kid, cand);
            uint32_t pick = cand[0];
            for (uint32_t j = 0; j < m; j++)
                if (becomes(x, i, k, cand[j], ev[i])) {
                    pick = cand[j];
                    break;
                }
            ev[kid] = pick;
        }
    }
    s->at_node = ev;
}

static uint32_t node_event(const ExplStep *s, uint32_t node) { return s->at_node[node]; }

/* ---- building ---- */

static void fill_path(Chk *c, Space *sp, Explanation *x, ExplPath *p, const Raw *r)
{
    p->n_steps = r->n ? r->n - 1 : 0;
    p->steps = xcalloc(p->n_steps + 1, sizeof *p->steps);
    p->state = xmalloc((p->n_steps + 1) * sizeof *p->state);
    p->at = xmalloc((size_t)(p->n_steps + 1) * x->n_comp * sizeof *p->at);
    memcpy(p->state, r->state, (p->n_steps + 1) * sizeof *p->state);
    for (uint32_t i = 0; i < p->n_steps; i++) {
        ExplStep *s = &p->steps[i];
        s->event = r->event[i];
        s->did = xmalloc(x->n_comp * sizeof *s->did);
        uint32_t k = transition_index(c, sp, r->state[i], r->event[i], r->state[i + 1]);
        if (k == UINT32_MAX || !net_explain_step(sp->net, r->state[i], k, s->did)) {
            if (k != UINT32_MAX) chk_bail_eval(c);
            for (uint32_t j = 0; j < x->n_comp; j++) s->did[j] = EXPL_IDLE;
        }
        events_at_nodes(x, s);
    }
    size_t n_at = (size_t)(p->n_steps + 1) * x->n_comp;
    p->at_name = xmalloc((n_at ? n_at : 1) * sizeof *p->at_name);
    p->whole = xmalloc((p->n_steps + 1) * sizeof *p->whole);
    for (uint32_t i = 0; i <= p->n_steps; i++)
        if (!(p->whole[i] = net_term(sp->net, r->state[i]))) chk_bail_eval(c);
    for (uint32_t i = 0; i <= p->n_steps; i++)
        for (uint32_t j = 0; j < x->n_comp; j++) {
            const Proc *t = net_component_term(sp->net, r->state[i], j);
            if (!t) chk_bail_eval(c);
            p->at[(size_t)i * x->n_comp + j] = t;
        }
    const Proc **bodies = xmalloc((n_at ? n_at : 1) * sizeof *bodies);
    proc_names_of(x->t, p->at, (uint32_t)n_at, p->at_name, bodies);
    for (size_t i = 0; i < n_at; i++)
        if (!p->at_name[i]) p->at_name[i] = bodies[i];
    free(bodies);
    /* every point's transitions, for the graph */
    uint32_t cap = 64, n = 0;
    p->out_first = xmalloc((p->n_steps + 2) * sizeof *p->out_first);
    p->out_ev = xmalloc(cap * sizeof *p->out_ev);
    p->out_to = xmalloc(cap * sizeof *p->out_to);
    for (uint32_t i = 0; i <= p->n_steps; i++) {
        p->out_first[i] = n;
        uint32_t m;
        const NetTrans *ts = chk_trans(c, sp, r->state[i], &m);
        for (uint32_t k = 0; k < m; k++) {
            if (n == cap) {
                cap *= 2;
                p->out_ev = xrealloc(p->out_ev, cap * sizeof *p->out_ev);
                p->out_to = xrealloc(p->out_to, cap * sizeof *p->out_to);
            }
            p->out_ev[n] = ts[k].event;
            p->out_to[n++] = ts[k].next;
        }
    }
    p->out_first[p->n_steps + 1] = n;
}

/* The k-th process operand of expression e for a term of kind kind with
 * n kids (NULL when they do not correspond). */
static const Node *operand(const Node *e, ProcKind kind, uint32_t n, uint32_t k)
{
    switch (e->kind) {
    case N_GENPAR: return kind == PROC_PAR && n == 2 ? e->kid[2 * k] : NULL;
    case N_ALPHPAR: return kind == PROC_ALPHA && n == 2 ? e->kid[3 * k] : NULL;
    case N_LINKPAR: return kind == PROC_LINK && n == 2 ? e->kid[k ? e->n - 1 : 0] : NULL;
    case N_RENAME: return kind == PROC_RENAME ? e->kid[0] : NULL;
    case N_BINOP:
        if (e->op == OP_HIDE) return kind == PROC_HIDE ? e->kid[0] : NULL;
        if (e->op == OP_INTERLEAVE || e->op == OP_PAR) return kind == PROC_PAR && n == 2 ? e->kid[k] : NULL;
        return NULL;
    default: return NULL;
    }
}

/* A replicated operator's kids: its process expression and each kid's
 * environment (the generator's values over the call's), found again. */
typedef struct {
    Eval *E;
    const Node *rep;
    Env *env;
    Env **envs;
    uint32_t n;
    const Node *body;
} RepKids;

static void rep_kids_call(void *ctx)
{
    RepKids *r = ctx;
    Node *e = (Node *)r->rep;
    Node *stmts = e->kind == N_REP ? e->kid[0] : e->kid[1];
    Env **envs = eval_bindings(r->E, stmts, r->env, &r->n);
    r->envs = xmalloc((r->n ? r->n : 1) * sizeof *r->envs);
    if (r->n) memcpy(r->envs, envs, r->n * sizeof *envs);
    eval_tmp_free(r->E, envs);
}

/* The kids of the replicated parallel or interleaving e evaluated in env
 * (false when e is not one, or evaluating it fails). */
static bool rep_kids(Explanation *x, const Node *e, void *env, RepKids *r)
{
    memset(r, 0, sizeof *r);   /* env NULL: a top-level definition's, with no locals */
    if (e->kind == N_REP && e->op == OP_PAR) r->body = e->kid[1]->kid[1];
    else if (e->kind == N_REP && e->op == OP_INTERLEAVE) r->body = e->kid[1];
    else if (e->kind == N_REPGENPAR) r->body = e->kid[2];
    else return false;
    r->E = proc_eval(x->t);
    r->rep = e;
    r->env = env;
    if (eval_guard(r->E, rep_kids_call, r) != EVAL_OK) {
        free(r->envs);
        return false;
    }
    return true;
}

/* Prints a name written in an environment: its local variables by value. */
typedef struct {
    Eval *E;
    Env *env;
    FILE *out;
    const Node *expr;
} EnvName;

static bool env_var(void *ctx, FILE *out, const Node *var)
{
    EnvName *n = ctx;
    const ResDef *d = var->res ? var->res->def : NULL;
    if (!d || (d->level != RES_LEVEL_LOCAL && d->level != RES_LEVEL_LET)) return false;
    val_print(out, eval_local(n->E, d, n->env, var->span), NULL, NULL);
    return true;
}

static void env_name_call(void *ctx)
{
    EnvName *n = ctx;
    unparse_expr_with(n->out, n->expr, env_var, n);
}

/* Names: a node's own (PHIL(0)), else its place in its parent's
 * expression (the PHIL(i) of PHIL(i) [A || B] FORK(i), with i = 0), else
 * the expression it was built from. */
static void name_nodes(Explanation *x)
{
    const Proc **terms = xmalloc(x->n_nodes * sizeof *terms + 1);
    const Proc **owns = xmalloc(x->n_nodes * sizeof *owns + 1), **bodies = xmalloc(x->n_nodes * sizeof *bodies + 1);
    for (uint32_t i = 0; i < x->n_nodes; i++) terms[i] = x->nodes[i].term;
    proc_names_of(x->t, terms, x->n_nodes, owns, bodies);
    for (uint32_t i = 0; i < x->n_nodes; i++) {   /* preorder: parents first */
        ExplNode *nd = &x->nodes[i];
        const Proc *own = owns[i], *body = bodies[i];
        nd->named = own != NULL;
        /* where it stands in its parent's expression: an operand, or a
         * replicated operator's part, in the parent's context */
        const Node *part = NULL;
        const Proc *part_call = NULL;
        Env *part_env = NULL;
        if (nd->parent != UINT32_MAX) {
            const ExplNode *up = &x->nodes[nd->parent];
            uint32_t k = 0;
            while (up->kids[k] != i) k++;
            if (up->body_expr) {
                part = operand(up->body_expr, (ProcKind)up->term->kind, up->n_kids, k);
                part_call = up->body_call;
                part_env = up->body_env;
            }
            RepKids r;
            Env *env = up->body_env ? up->body_env : up->body_call ? up->body_call->env : NULL;
            if (!part && up->body_expr && rep_kids(x, up->body_expr, env, &r)) {
                if (r.n == up->n_kids) {
                    part = r.body;
                    part_call = NULL;
                    part_env = r.envs[k];
                }
                free(r.envs);
            }
        }
        if (own) {
            nd->name_call = own;
            nd->name_expr = own->node;
        } else if (part) {
            nd->name_call = part_call;
            nd->name_expr = part;
            nd->name_env = part_env;
        } else if (body) {
            nd->name_call = body;
            nd->name_expr = body->node;
        }
        if (body) {
            nd->body_call = body;
            nd->body_expr = body->node;
        } else if (part) {
            nd->body_call = part_call;
            nd->body_expr = part;
            nd->body_env = part_env;
        }
    }
    free(terms);
    free(owns);
    free(bodies);
}

static void structure(Explanation *x, Net *net)
{
    x->n_nodes = net_nodes(net);
    x->n_comp = net_components(net);
    x->nodes = xcalloc(x->n_nodes, sizeof *x->nodes);
    x->comp_node = xcalloc(x->n_comp ? x->n_comp : 1, sizeof *x->comp_node);
    for (uint32_t i = 0; i < x->n_nodes; i++) x->nodes[i].parent = UINT32_MAX;
    for (uint32_t i = 0; i < x->n_nodes; i++) {
        ExplNode *nd = &x->nodes[i];
        const uint32_t *kids;
        nd->term = net_node(net, i, &kids, &nd->n_kids, &nd->first, &nd->n_leaves);
        nd->kids = xmalloc((nd->n_kids ? nd->n_kids : 1) * sizeof *nd->kids);
        if (nd->n_kids) memcpy(nd->kids, kids, nd->n_kids * sizeof *kids);
        else x->comp_node[nd->first] = i;
    }
    for (uint32_t i = 0; i < x->n_nodes; i++)
        for (uint32_t k = 0; k < x->nodes[i].n_kids; k++) x->nodes[x->nodes[i].kids[k]].parent = i;
    name_nodes(x);
}

/* One path of the explanation from a raw path in sp. */
static void add_path(Chk *c, Space *sp, Explanation *x, Raw *r, const char *title, uint32_t loop_at,
                     bool last_is_error)
{
    ExplPath *p = &x->paths[x->n_paths++];
    p->title = title;
    p->loop_at = loop_at;
    p->last_is_error = last_is_error;
    fill_path(c, sp, x, p, r);
}

static void raw_free(Raw *r)
{
    free(r->state);
    free(r->event);
    memset(r, 0, sizeof *r);
}

/* The stable member of a determinism counterexample's node that refuses ev. */
static uint32_t refusing_member(Chk *c, uint32_t node, uint32_t ev)
{
    NNode *nd = &c->nodes[node];
    for (uint32_t s = 0; s < nd->n; s++) {
        uint32_t q = nd->members[s];
        if (chk_is_stable(c, &c->spec, q) && !proc_in_set(chk_acceptance(c, &c->spec, q), ev)) return q;
    }
    return UINT32_MAX;
}

char **chk_top_names(Chk *c, Space *sp, uint32_t *n)
{
    Explanation x = { .t = c->t };
    *n = 0;
    if (!sp->net) return NULL;
    structure(&x, sp->net);
    uint32_t at = 0;
    while (x.nodes[at].n_kids == 1) at = x.nodes[at].kids[0];   /* hiding, renaming, prioritise */
    ProcKind kind = (ProcKind)x.nodes[at].term->kind;
    char **names = NULL;
    if (x.nodes[at].n_kids && (kind == PROC_PAR || kind == PROC_ALPHA || kind == PROC_LINK)) {
        *n = x.nodes[at].n_kids;
        names = xmalloc(*n * sizeof *names);
        for (uint32_t k = 0; k < *n; k++) {
            size_t len = 0;
            names[k] = NULL;
            FILE *f = open_memstream(&names[k], &len);
            if (f) {
                print_node_name(&x, f, x.nodes[at].kids[k]);
                fclose(f);
            }
            if (!names[k]) names[k] = xcalloc(1, 1);
        }
    }
    for (uint32_t i = 0; i < x.n_nodes; i++) free(x.nodes[i].kids);
    free(x.nodes);
    free(x.comp_node);
    return names;
}

static Explanation *explain(Chk *c, Outcome *r);

/* The assertion is decided: a failure while explaining it (a runtime
 * error, a limit, Ctrl-C; reported as usual) leaves it without an
 * explanation, not undecided. */
Explanation *chk_explain(Chk *c, Outcome *r)
{
    jmp_buf decided;
    memcpy(decided, c->jb, sizeof decided);
    if (!setjmp(c->jb)) {
        explain(c, r);
    } else {
        expl_free(r->expl);
        r->expl = NULL;
    }
    memcpy(c->jb, decided, sizeof decided);
    return r->expl;
}

static Explanation *explain(Chk *c, Outcome *r)
{
    Explanation *x = xcalloc(1, sizeof *x);
    r->expl = x;   /* freed with r if anything below bails */
    x->t = c->t;
    snprintf(x->name, sizeof x->name, "%s", r->name);
    const Counterexample *ce = &r->x;
    bool has_trace = !r->has_x;
    snprintf(x->kind, sizeof x->kind, "%s", has_trace ? "Has Trace" : ce->kind);
    bool determinism = !has_trace && c->pairs && c->impl.net == NULL;
    Space *sp = has_trace || determinism ? &c->spec : &c->impl;
    structure(x, sp->net);
    Raw raw = { 0 };
    uint32_t loop_at = EXPL_IDLE;
    if (has_trace) {
        x->error_event = r->trace[r->trace_fail];
        x->has_error_event = true;
        if (follow_trace(c, sp, r->trace, r->trace_fail, UINT32_MAX, false, &raw))
            add_path(c, sp, x, &raw, "performs", EXPL_IDLE, false);
        raw_free(&raw);
        return x;
    }
    if (determinism) {
        uint32_t n, *rev = chk_trace_to(c, ce->visit, &n);
        uint32_t *tr = xmalloc((n + 1) * sizeof *tr);
        for (uint32_t k = 0; k < n; k++) tr[k] = rev[n - 1 - k];
        free(rev);
        uint32_t node = c->pair_node[ce->visit];
        if (strcmp(ce->kind, "Divergence") == 0) {
            if (follow_trace(c, sp, tr, n, UINT32_MAX, true, &raw) && add_tau_loop(c, sp, &raw, &loop_at))
                add_path(c, sp, x, &raw, "diverges", loop_at, false);
        } else {
            x->error_event = ce->error_event;
            x->has_error_event = true;
            tr[n] = ce->error_event;
            if (follow_trace(c, sp, tr, n + 1, UINT32_MAX, false, &raw))
                add_path(c, sp, x, &raw, "performs the event", EXPL_IDLE, true);
            raw_free(&raw);
            uint32_t q = refusing_member(c, node, ce->error_event);
            if (x->n_paths == 1 && q != UINT32_MAX && follow_trace(c, sp, tr, n, q, false, &raw))
                add_path(c, sp, x, &raw, "refuses the event", EXPL_IDLE, false);
            else x->n_paths = 0;
        }
        free(tr);
        raw_free(&raw);
        return x;
    }
    path_to_visit(c, ce->visit, &raw);
    bool ok = true;
    if (strcmp(ce->kind, "Trace") == 0) {
        x->error_event = ce->error_event;
        x->has_error_event = true;
        uint32_t from = raw.state[raw.n - 1];
        uint32_t k = transition_index(c, sp, from, ce->error_event, UINT32_MAX);
        uint32_t n;
        const NetTrans *ts = net_transitions(sp->net, from, &n);
        if (!ts) chk_bail_eval(c);
        ok = k != UINT32_MAX;
        if (ok) {
            raw.event[raw.n - 1] = ce->error_event;
            raw_push(&raw, ts[k].next, 0);
        }
    } else if (strcmp(ce->kind, "Divergence") == 0) {
        ok = add_tau_loop(c, sp, &raw, &loop_at);
    } else if (strcmp(ce->kind, "Min Acceptance") == 0) {
        x->impl_acc = ce->acceptance;
        nf_acceptances(c, (uint32_t)ce->node);
        NNode *nd = &c->nodes[ce->node];
        x->n_spec_acc = nd->n_acc;
        x->spec_acc = xmalloc((nd->n_acc ? nd->n_acc : 1) * sizeof *x->spec_acc);
        memcpy(x->spec_acc, nd->acc, nd->n_acc * sizeof *x->spec_acc);
        x->spec_diverges = nd->n_acc == 0;
    }
    if (ok) add_path(c, sp, x, &raw, strcmp(ce->kind, "Divergence") == 0 ? "diverges" : "performs",
                     loop_at, strcmp(ce->kind, "Trace") == 0);
    raw_free(&raw);
    return x;
}

void expl_free(Explanation *x)
{
    if (!x) return;
    for (uint32_t i = 0; i < x->n_nodes; i++) free(x->nodes[i].kids);
    free(x->nodes);
    free(x->comp_node);
    for (uint32_t p = 0; p < 2; p++) {
        ExplPath *q = &x->paths[p];
        for (uint32_t i = 0; q->steps && i < q->n_steps; i++) {
            free(q->steps[i].did);
            free(q->steps[i].at_node);
        }
        free(q->steps);
        free(q->state);
        free(q->at);
        free(q->whole);
        free(q->at_name);
        free(q->out_first);
        free(q->out_ev);
        free(q->out_to);
    }
    free(x->spec_acc);
    free(x);
}

/* ---- printing ---- */

static void print_event(const Explanation *x, FILE *out, uint32_t ev)
{
    event_print(out, proc_events(x->t), ev);
}

/* A term, cut at EXPL_STATE_WIDTH characters. */
static void print_term_cut(const Explanation *x, FILE *out, const Proc *p)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    if (!f) return;
    proc_print(f, x->t, p);
    fclose(f);
    if (len > EXPL_STATE_WIDTH) fprintf(out, "%.*s...", EXPL_STATE_WIDTH, s);
    else fputs(s, out);
    free(s);
}

/* Component c's state at point i of path p: the script's name for it
 * (FORK(0)), else the term itself. */
static void print_state(const Explanation *x, FILE *out, const ExplPath *p, uint32_t i, uint32_t c)
{
    size_t k = (size_t)i * x->n_comp + c;
    print_term_cut(x, out, p->at_name[k] ? p->at_name[k] : p->at[k]);
}

/* Node i's name (see name_nodes), cut at width characters. */
static void print_node_name_cut(const Explanation *x, FILE *out, uint32_t i, int width);

static void print_node_name(const Explanation *x, FILE *out, uint32_t i)
{
    print_node_name_cut(x, out, i, EXPL_STATE_WIDTH);
}

static void print_node_name_cut(const Explanation *x, FILE *out, uint32_t i, int width)
{
    const ExplNode *nd = &x->nodes[i];
    if (i == 0 && !nd->named) {   /* the process checked */
        fputs(x->name, out);
        return;
    }
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    if (!f) return;
    EnvName en = { proc_eval(x->t), nd->name_env, f, nd->name_expr };
    if (nd->name_env && eval_guard(en.E, env_name_call, &en) == EVAL_OK) {
        /* printed in its environment */
    } else if (nd->name_expr && !nd->name_env && nd->name_call) {
        proc_print_part(f, x->t, nd->name_call, nd->name_expr);
    } else {
        proc_print(f, x->t, nd->term);
    }
    fclose(f);
    if (len > (size_t)width) fprintf(out, "%.*s...", width, s);
    else fputs(s, out);
    free(s);
}

static void print_component(const Explanation *x, FILE *out, uint32_t i)
{
    fprintf(out, "#%u ", i);
    print_node_name(x, out, x->comp_node[i]);
}

/* The same, shorter: in the lists of who took part in a step. */
static void print_component_short(const Explanation *x, FILE *out, uint32_t i)
{
    fprintf(out, "#%u ", i);
    print_node_name_cut(x, out, x->comp_node[i], EXPL_SHORT_WIDTH);
}

static void print_set_cut(const Explanation *x, FILE *out, const EventSet *s, uint32_t max)
{
    fputc('{', out);
    for (uint32_t i = 0; i < s->n && i < max; i++) {
        if (i) fputs(", ", out);
        print_event(x, out, s->ev[i]);
    }
    if (s->n > max) fprintf(out, ", ... (%u events)", s->n);
    fputc('}', out);
}

/* The operator of node i in words. */
static void print_operator(const Explanation *x, FILE *out, uint32_t i)
{
    const Proc *p = x->nodes[i].term;
    switch ((ProcKind)p->kind) {
    case PROC_HIDE:
        fputs("hiding ", out);
        print_set_cut(x, out, p->set, EXPL_SET_SHOWN);
        break;
    case PROC_RENAME:
        fputs("renaming [[", out);
        for (uint32_t k = 0; k < p->rel->n && k < EXPL_SET_SHOWN; k++) {
            if (k) fputs(", ", out);
            print_event(x, out, p->rel->pair[2 * k]);
            fputs(" <- ", out);
            print_event(x, out, p->rel->pair[2 * k + 1]);
        }
        if (p->rel->n > EXPL_SET_SHOWN) fprintf(out, ", ... (%u pairs)", p->rel->n);
        fputs("]]", out);
        break;
    case PROC_LINK: fputs("linked parallel", out); break;
    case PROC_PRIO: fputs("prioritise", out); break;
    case PROC_ALPHA: fprintf(out, "alphabetised parallel of %u", p->n); break;
    case PROC_PAR:
        if (p->set->n == 0) fprintf(out, "interleaving of %u", p->n);
        else {
            fprintf(out, "parallel of %u, synchronising on ", p->n);
            print_set_cut(x, out, p->set, EXPL_SET_SHOWN);
        }
        break;
    default: fputs("process", out); break;
    }
}

/* Event e at node i in step s, with where it came from when an operator
 * below changed it: "τ (picks.0.0 hidden)", "b (renamed from a)". */
static void describe(const Explanation *x, FILE *out, const ExplStep *s, uint32_t node)
{
    uint32_t e = node_event(s, node), notes = 0;
    print_event(x, out, e);
    uint32_t at = node;
    for (;;) {
        const ExplNode *nd = &x->nodes[at];
        if (!nd->n_kids) break;
        uint32_t kid = EXPL_IDLE, k2 = EXPL_IDLE;
        for (uint32_t k = 0; k < nd->n_kids; k++)
            if (node_event(s, nd->kids[k]) != EXPL_IDLE) {
                if (kid == EXPL_IDLE) kid = nd->kids[k];
                else if (k2 == EXPL_IDLE) k2 = nd->kids[k];
            }
        if (kid == EXPL_IDLE) break;
        uint32_t ke = node_event(s, kid);
        if (ke != e) {
            ProcKind kind = (ProcKind)nd->term->kind;
            fputs(notes++ ? "; " : " (", out);
            if (kind == PROC_RENAME) fputs("renamed from ", out);
            print_event(x, out, ke);
            if (kind == PROC_HIDE) fputs(" hidden", out);
            else if (kind == PROC_LINK && k2 != EXPL_IDLE) {
                fputs(" linked with ", out);
                print_event(x, out, node_event(s, k2));
            } else if (ke == EVENT_TICK) fputs(": a part terminated", out);
            e = ke;
        }
        at = kid;
    }
    if (notes) fputc(')', out);
}

/* The events a component offers in its state (tau as τ). */
static void print_offers(const Explanation *x, FILE *out, const Proc *p)
{
    uint32_t n;
    const Trans *ts = proc_transitions(x->t, p, &n);
    fputc('{', out);
    uint32_t shown = 0;
    for (uint32_t k = 0; ts && k < n; k++) {
        bool dup = false;
        for (uint32_t j = 0; j < k && !dup; j++) dup = ts[j].event == ts[k].event;
        if (dup) continue;
        if (shown++) fputs(", ", out);
        print_event(x, out, ts[k].event);
    }
    fputc('}', out);
}

static void print_who(const Explanation *x, FILE *out, const ExplStep *s)
{
    bool first = true;
    for (uint32_t j = 0; j < x->n_comp; j++) {
        if (s->did[j] == EXPL_IDLE) continue;
        fputs(first ? "" : ", ", out);
        first = false;
        print_component_short(x, out, j);
        if (s->did[j] != s->event) {
            fputs(": ", out);
            print_event(x, out, s->did[j]);
        }
    }
    if (first) fputs("(the step could not be split into its components)", out);
}

static void print_steps(const Explanation *x, const ExplPath *p, FILE *out)
{
    for (uint32_t i = 0; i < p->n_steps; i++) {
        if (p->loop_at != EXPL_IDLE && i == p->loop_at)
            fputs("            -- the tau loop starts here --\n", out);
        const ExplStep *s = &p->steps[i];
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (f) {
            describe(x, f, s, 0);
            fclose(f);
        }
        /* padded by what shows: τ and ✓ are one column, more bytes */
        size_t cols = 0;
        for (const char *q = buf; q && *q; q++) cols += ((unsigned char)*q & 0xC0) != 0x80;
        fprintf(out, "            %3u  %s%*s  ", i + 1, buf ? buf : "", cols < 28 ? (int)(28 - cols) : 0, "");
        free(buf);
        print_who(x, out, s);
        if (p->last_is_error && i + 1 == p->n_steps) fputs("   <- the error event", out);
        fputc('\n', out);
    }
    if (p->loop_at != EXPL_IDLE)
        fprintf(out, "            -- back to the state after step %u: the loop repeats forever --\n", p->loop_at);
}

/* Node i's own trace in path p: its events, each with its source. */
static void print_node_trace(const Explanation *x, const ExplPath *p, uint32_t node, FILE *out)
{
    fputc('<', out);
    bool first = true;
    for (uint32_t i = 0; i < p->n_steps; i++) {
        const ExplStep *s = &p->steps[i];
        if (node_event(s, node) == EXPL_IDLE) continue;
        if (!first) fputs(", ", out);
        first = false;
        describe(x, out, s, node);
    }
    fputc('>', out);
}

static void print_tree(const Explanation *x, const ExplPath *p, uint32_t node, int depth, FILE *out)
{
    const ExplNode *nd = &x->nodes[node];
    int ind = 12 + 4 * depth;
    uint32_t end = p->n_steps;
    if (!nd->n_kids) {
        fprintf(out, "%*s", ind, "");
        print_component(x, out, nd->first);
        fprintf(out, "\n%*s  did:    ", ind, "");
        print_node_trace(x, p, node, out);
        const Proc *now = p->at[(size_t)end * x->n_comp + nd->first];
        fprintf(out, "\n%*s  now:    ", ind, "");
        print_state(x, out, p, end, nd->first);
        fprintf(out, "\n%*s  offers: ", ind, "");
        print_offers(x, out, now);
        fputc('\n', out);
        return;
    }
    fprintf(out, "%*s", ind, "");
    if (nd->name_expr) {
        print_node_name(x, out, node);
        fputs(": ", out);
    }
    print_operator(x, out, node);
    fprintf(out, "\n%*s  did:    ", ind, "");
    print_node_trace(x, p, node, out);
    fputc('\n', out);
    for (uint32_t k = 0; k < nd->n_kids; k++) print_tree(x, p, nd->kids[k], depth + 1, out);
}

/* ---- deadlock: who waits for whom ---- */

/* Whether component leaf, in its state at the end of p, offers something
 * that becomes ev at node (an ancestor). */
static bool offers_at(const Explanation *x, const ExplPath *p, uint32_t leaf, uint32_t ev, uint32_t node)
{
    const Proc *now = p->at[(size_t)p->n_steps * x->n_comp + leaf];
    uint32_t n;
    const Trans *ts = proc_transitions(x->t, now, &n);
    for (uint32_t k = 0; ts && k < n; k++) {
        uint32_t out[EXPL_IMAGES_MAX];
        uint32_t m = lift_to(x, leaf, ts[k].event, node, out);
        for (uint32_t i = 0; i < m; i++)
            if (out[i] == ev) return true;
    }
    return false;
}

/* Whether kid k of parallel node must take part in ev (every kid in a
 * tick). */
static bool must_join(const Explanation *x, uint32_t node, uint32_t k, uint32_t ev)
{
    const Proc *t = x->nodes[node].term;
    if (ev == EVENT_TICK) return t->kind == PROC_PAR || t->kind == PROC_ALPHA;
    if (t->kind == PROC_PAR) return proc_in_set(t->set, ev);
    if (t->kind == PROC_ALPHA) return proc_in_set(t->sets[k], ev);
    return false;
}

/* The components under node that must take part in ev (at node) but do
 * not offer it, into who: down through the parallels that synchronise it,
 * and hiding; under an interleaving or a renaming, all of them. */
static void missing(const Explanation *x, const ExplPath *p, uint32_t node, uint32_t ev, uint32_t *who,
                    uint32_t *n)
{
    const ExplNode *nd = &x->nodes[node];
    ProcKind kind = nd->n_kids ? (ProcKind)nd->term->kind : PROC_STOP;
    if (!nd->n_kids) {
        if (!offers_at(x, p, nd->first, ev, node)) who[(*n)++] = nd->first;
        return;
    }
    if (kind == PROC_HIDE || kind == PROC_PRIO) {
        missing(x, p, nd->kids[0], ev, who, n);
        return;
    }
    bool sync = false;
    if (kind == PROC_PAR || kind == PROC_ALPHA)
        for (uint32_t j = 0; j < nd->n_kids; j++) {
            if (!must_join(x, node, j, ev)) continue;
            sync = true;
            missing(x, p, nd->kids[j], ev, who, n);
        }
    if (!sync)
        for (uint32_t l = nd->first; l < nd->first + nd->n_leaves; l++) who[(*n)++] = l;
}

/* The components that keep component leaf's offer e from happening at the
 * end of p: climbing from it, the first parallel whose other side must
 * join in e and has no component offering it. Into who (*n of them);
 * false when nothing under a parallel blocks it (hiding, renaming or
 * linking made it something else first). */
static bool blockers(const Explanation *x, const ExplPath *p, uint32_t leaf, uint32_t e, uint32_t *who,
                     uint32_t *n)
{
    uint32_t at = x->comp_node[leaf], ev = e;
    *n = 0;
    while (x->nodes[at].parent != UINT32_MAX && ev != EVENT_TAU) {
        uint32_t up = x->nodes[at].parent, k = 0;
        const ExplNode *nd = &x->nodes[up];
        while (nd->kids[k] != at) k++;
        uint32_t out[EXPL_IMAGES_MAX];
        if (up_one(x, up, k, ev, out) == 0) return false;
        uint32_t lifted = out[0];
        if ((nd->term->kind == PROC_PAR || nd->term->kind == PROC_ALPHA) && must_join(x, up, k, ev)) {
            for (uint32_t j = 0; j < nd->n_kids; j++) {
                if (j == k || !must_join(x, up, j, ev)) continue;
                missing(x, p, nd->kids[j], ev, who, n);
            }
            if (*n) return true;
        }
        ev = lifted;
        at = up;
    }
    return false;
}

static void print_blockers(const Explanation *x, FILE *out)
{
    const ExplPath *p = &x->paths[0];
    uint32_t *who = xmalloc((x->n_comp ? x->n_comp : 1) * sizeof *who);
    for (uint32_t c = 0; c < x->n_comp; c++) {
        const Proc *now = p->at[(size_t)p->n_steps * x->n_comp + c];
        uint32_t n;
        const Trans *ts = proc_transitions(x->t, now, &n);
        for (uint32_t k = 0; ts && k < n; k++) {
            bool dup = false;
            for (uint32_t j = 0; j < k && !dup; j++) dup = ts[j].event == ts[k].event;
            uint32_t m;
            if (dup || !blockers(x, p, c, ts[k].event, who, &m)) continue;
            fputs("            ", out);
            print_component(x, out, c);
            fputs(" offers ", out);
            print_event(x, out, ts[k].event);
            fputs(", which needs ", out);
            for (uint32_t i = 0; i < m && i < CHK_COMPONENTS_SHOWN; i++) {
                if (i) fputs(i + 1 == m ? " and " : ", ", out);
                print_component(x, out, who[i]);
            }
            if (m > CHK_COMPONENTS_SHOWN) fprintf(out, " (and %u more)", m - CHK_COMPONENTS_SHOWN);
            fputs(m == 1 ? " (not offering it)\n" : " (none offering it)\n", out);
        }
    }
    free(who);
}

/* Why the assertion fails; detail: with the lists (who blocks whom, what
 * is refused from each acceptance), which JSON gives as members. */
static void print_why(const Explanation *x, FILE *out, bool detail)
{
    const ExplPath *p = &x->paths[0];
    fputs("        Why it fails: ", out);
    bool any_offer = false;
    for (uint32_t c = 0; c < x->n_comp && !any_offer; c++) {
        uint32_t n;
        const Trans *ts = proc_transitions(x->t, p->at[(size_t)p->n_steps * x->n_comp + c], &n);
        any_offer = ts && n > 0;
    }
    if (!strcmp(x->kind, "Deadlock") && !any_offer) {
        fprintf(out, "no step is possible at the end: %s offers nothing there.\n",
                x->n_comp == 1 ? "the process" : "no component");
    } else if (!strcmp(x->kind, "Deadlock")) {
        fputs("no step is possible at the end: each event a component offers there needs\n"
              "            another component that does not offer it now", out);
        fputs(detail ? ":\n" : ".\n", out);
        if (detail) print_blockers(x, out);
    } else if (!strcmp(x->kind, "Trace")) {
        fputs("the last step, ", out);
        print_event(x, out, x->error_event);
        fputs(", is one the specification cannot do after the events before it.\n", out);
    } else if (!strcmp(x->kind, "Min Acceptance")) {
        fputs("at the end the implementation is stable and offers only ", out);
        print_set_cut(x, out, x->impl_acc, UINT32_MAX);
        if (x->spec_diverges) {
            fputs(";\n            the specification has no stable state there.\n", out);
            return;
        }
        fputs(";\n            the specification must offer all of one of its minimal acceptances, and\n"
              "            the implementation refuses some event of each", out);
        fputs(detail ? ":\n" : ".\n", out);
        for (uint32_t i = 0; detail && i < x->n_spec_acc; i++) {
            fputs("              ", out);
            print_set_cut(x, out, x->spec_acc[i], UINT32_MAX);
            fputs(": refuses ", out);
            bool first = true;
            for (uint32_t k = 0; k < x->spec_acc[i]->n; k++) {
                uint32_t e = x->spec_acc[i]->ev[k];
                if (proc_in_set(x->impl_acc, e)) continue;
                if (!first) fputs(", ", out);
                first = false;
                print_event(x, out, e);
            }
            fputc('\n', out);
        }
    } else if (!strcmp(x->kind, "Divergence")) {
        if (p->loop_at != EXPL_IDLE)
            fprintf(out, "after step %u the implementation can go round a loop of %u internal\n"
                    "            step%s forever, never offering an event again.\n", p->loop_at,
                    p->n_steps - p->loop_at, p->n_steps - p->loop_at == 1 ? "" : "s");
        else fputs("the implementation can do internal steps forever.\n", out);
    } else if (!strcmp(x->kind, "Determinism")) {
        fputs("after the same trace the process can both perform ", out);
        print_event(x, out, x->error_event);
        fputs(" (first path)\n            and, in a stable state, refuse it (second path).\n", out);
    } else {   /* has trace */
        fputs("after the events above, no component can take part in ", out);
        print_event(x, out, x->error_event);
        fputs(" with the\n            others (see \"offers\").\n", out);
    }
}

void expl_print(const Explanation *x, FILE *out)
{
    fputs("    Explanation:\n", out);
    if (!x->n_paths) {
        fputs("        (no path to show: it is longer than the explanation looks for)\n", out);
        return;
    }
    fprintf(out, "        %s is made of %u component%s, numbered from #0 (below: what each did).\n",
            x->name, x->n_comp, x->n_comp == 1 ? "" : "s");
    for (uint32_t k = 0; k < x->n_paths; k++) {
        const ExplPath *p = &x->paths[k];
        if (x->n_paths > 1) fprintf(out, "        Path %u: %s %s\n", k + 1, x->name, p->title);
        fputs("        Steps (internal ones included; who took part, by which of its own events):\n", out);
        if (!p->n_steps) fputs("              (none: it fails in its initial state)\n", out);
        print_steps(x, p, out);
        fputs("        The process, part by part, at the end:\n", out);
        print_tree(x, p, 0, 0, out);
    }
    print_why(x, out, true);
}

/* ---- replay ---- */

void expl_print_point(const Explanation *x, uint32_t pi, uint32_t i, FILE *out)
{
    const ExplPath *p = &x->paths[pi];
    if (i == 0) fprintf(out, "at the start (0 of %u steps)\n", p->n_steps);
    else {
        const ExplStep *s = &p->steps[i - 1];
        fprintf(out, "step %u of %u: ", i, p->n_steps);
        describe(x, out, s, 0);
        fputs("   by ", out);
        print_who(x, out, s);
        fputc('\n', out);
    }
    if (p->loop_at != EXPL_IDLE && i == p->loop_at) fputs("(the tau loop starts here)\n", out);
    for (uint32_t j = 0; j < x->n_comp; j++) {
        const Proc *t = p->at[(size_t)i * x->n_comp + j];
        bool moved = i > 0 && p->steps[i - 1].did[j] != EXPL_IDLE;
        fputs(moved ? "  * " : "    ", out);
        print_component(x, out, j);
        fputs("\n        now:    ", out);
        print_state(x, out, p, i, j);
        fputs("\n        offers: ", out);
        print_offers(x, out, t);
        fputc('\n', out);
    }
}

/* ---- JSON ---- */

static void json_event(const Explanation *x, struct JsonWriter *j, uint32_t ev)
{
    print_event(x, json_capture_begin(j), ev);
    json_capture_end(j);
}

static void json_state(const Explanation *x, struct JsonWriter *j, const ExplPath *p, uint32_t i, uint32_t c)
{
    print_state(x, json_capture_begin(j), p, i, c);
    json_capture_end(j);
}

/* A step at a node: {"event", and "from" and "how" when an operator changed it}. */
static void json_step_at(const Explanation *x, struct JsonWriter *j, const ExplStep *s, uint32_t node)
{
    json_object_begin(j);
    json_key(j, "event");
    json_event(x, j, node_event(s, node));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f) {
        describe(x, f, s, node);
        fclose(f);
    }
    json_key(j, "text");
    json_string(j, buf ? buf : "");
    free(buf);
    json_object_end(j);
}

static void json_tree(const Explanation *x, const ExplPath *p, uint32_t node, struct JsonWriter *j)
{
    const ExplNode *nd = &x->nodes[node];
    json_object_begin(j);
    if (!nd->n_kids) {
        json_key(j, "component");
        json_uint(j, nd->first);
    } else {
        json_key(j, "operator");
        json_string(j, proc_kind_name[nd->term->kind]);
        json_key(j, "text");
        print_operator(x, json_capture_begin(j), node);
        json_capture_end(j);
    }
    json_key(j, "name");
    print_node_name(x, json_capture_begin(j), node);
    json_capture_end(j);
    json_key(j, "trace");
    json_array_begin(j);
    for (uint32_t i = 0; i < p->n_steps; i++)
        if (node_event(&p->steps[i], node) != EXPL_IDLE) json_step_at(x, j, &p->steps[i], node);
    json_array_end(j);
    if (!nd->n_kids) {
        const Proc *now = p->at[(size_t)p->n_steps * x->n_comp + nd->first];
        json_key(j, "state");
        json_state(x, j, p, p->n_steps, nd->first);
        json_key(j, "offers");
        json_array_begin(j);
        uint32_t n;
        const Trans *ts = proc_transitions(x->t, now, &n);
        for (uint32_t k = 0; ts && k < n; k++) {
            bool dup = false;
            for (uint32_t m = 0; m < k && !dup; m++) dup = ts[m].event == ts[k].event;
            if (!dup) json_event(x, j, ts[k].event);
        }
        json_array_end(j);
    } else {
        json_key(j, "kids");
        json_array_begin(j);
        for (uint32_t k = 0; k < nd->n_kids; k++) json_tree(x, p, nd->kids[k], j);
        json_array_end(j);
    }
    json_object_end(j);
}

static void json_path(const Explanation *x, const ExplPath *p, struct JsonWriter *j)
{
    json_object_begin(j);
    json_key(j, "behaviour");
    json_string(j, p->title);
    json_key(j, "steps");
    json_array_begin(j);
    for (uint32_t i = 0; i < p->n_steps; i++) {
        const ExplStep *s = &p->steps[i];
        json_object_begin(j);
        json_key(j, "event");
        json_event(x, j, s->event);
        json_key(j, "text");
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (f) {
            describe(x, f, s, 0);
            fclose(f);
        }
        json_string(j, buf ? buf : "");
        free(buf);
        json_key(j, "moved");
        json_array_begin(j);
        for (uint32_t c = 0; c < x->n_comp; c++) {
            if (s->did[c] == EXPL_IDLE) continue;
            json_object_begin(j);
            json_key(j, "component");
            json_uint(j, c);
            json_key(j, "event");
            json_event(x, j, s->did[c]);
            json_object_end(j);
        }
        json_array_end(j);
        json_object_end(j);
    }
    json_array_end(j);
    if (p->loop_at != EXPL_IDLE) {
        json_key(j, "loop");
        json_object_begin(j);
        json_key(j, "from_step");
        json_uint(j, p->loop_at);
        json_key(j, "length");
        json_uint(j, p->n_steps - p->loop_at);
        json_object_end(j);
    }
    json_key(j, "tree");
    json_tree(x, p, 0, j);
    json_object_end(j);
}

/* A deadlock's "blocked": each component's offer and who does not join it. */
static void json_blocked(const Explanation *x, struct JsonWriter *j)
{
    const ExplPath *p = &x->paths[0];
    uint32_t *who = xmalloc((x->n_comp ? x->n_comp : 1) * sizeof *who);
    json_key(j, "blocked");
    json_array_begin(j);
    for (uint32_t c = 0; c < x->n_comp; c++) {
        const Proc *now = p->at[(size_t)p->n_steps * x->n_comp + c];
        uint32_t n, m;
        const Trans *ts = proc_transitions(x->t, now, &n);
        for (uint32_t k = 0; ts && k < n; k++) {
            bool dup = false;
            for (uint32_t i = 0; i < k && !dup; i++) dup = ts[i].event == ts[k].event;
            if (dup || !blockers(x, p, c, ts[k].event, who, &m)) continue;
            json_object_begin(j);
            json_key(j, "component");
            json_uint(j, c);
            json_key(j, "offers");
            json_event(x, j, ts[k].event);
            json_key(j, "needs");
            json_array_begin(j);
            for (uint32_t i = 0; i < m; i++) json_uint(j, who[i]);
            json_array_end(j);
            json_object_end(j);
        }
    }
    json_array_end(j);
    free(who);
}

void expl_json(const Explanation *x, struct JsonWriter *j)
{
    json_key(j, "explanation");
    json_object_begin(j);
    json_key(j, "components");
    json_array_begin(j);
    for (uint32_t c = 0; c < x->n_comp; c++) {
        print_node_name(x, json_capture_begin(j), x->comp_node[c]);
        json_capture_end(j);
    }
    json_array_end(j);
    json_key(j, "paths");
    json_array_begin(j);
    for (uint32_t k = 0; k < x->n_paths; k++) json_path(x, &x->paths[k], j);
    json_array_end(j);
    if (!strcmp(x->kind, "Min Acceptance")) {
        json_key(j, "implementation_offers");
        json_array_begin(j);
        for (uint32_t i = 0; i < x->impl_acc->n; i++) json_event(x, j, x->impl_acc->ev[i]);
        json_array_end(j);
        json_key(j, "specification_acceptances");
        json_array_begin(j);
        for (uint32_t a = 0; a < x->n_spec_acc; a++) {
            json_array_begin(j);
            for (uint32_t i = 0; i < x->spec_acc[a]->n; i++) json_event(x, j, x->spec_acc[a]->ev[i]);
            json_array_end(j);
        }
        json_array_end(j);
    }
    if (!strcmp(x->kind, "Deadlock") && x->n_paths) json_blocked(x, j);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f) {
        print_why(x, f, false);
        fclose(f);
    }
    /* the sentence without its label, on one line */
    json_key(j, "why");
    const char *w = buf ? strstr(buf, ": ") : NULL;
    char *one = xmalloc(strlen(w ? w : "") + 1), *o = one;
    for (const char *q = w ? w + 2 : ""; *q; q++) {
        if (*q == '\n') {
            while (q[1] == ' ') q++;
            if (q[1]) *o++ = ' ';
            continue;
        }
        *o++ = *q;
    }
    *o = 0;
    json_string(j, one);
    free(one);
    free(buf);
    json_object_end(j);
}

/* ---- dot ---- */

void expl_dot(const Explanation *x, FILE *out)
{
    fputs("digraph Counterexample {\n  rankdir=LR;\n  node [shape=circle, label=\"\"];\n", out);
    for (uint32_t k = 0; k < x->n_paths; k++) {
        const ExplPath *p = &x->paths[k];
        const char *colour = k == 0 ? "red" : "blue";
        for (uint32_t i = 0; i <= p->n_steps; i++)
            fprintf(out, "  s%u [color=%s, penwidth=2%s];\n", p->state[i], colour,
                    i == 0 ? ", shape=doublecircle" : "");
        for (uint32_t i = 0; i <= p->n_steps; i++) {
            bool on_path_done = false;
            for (uint32_t e = p->out_first[i]; e < p->out_first[i + 1]; e++) {
                bool on_path = !on_path_done && i < p->n_steps && p->out_ev[e] == p->steps[i].event &&
                               p->out_to[e] == p->state[i + 1];
                on_path_done |= on_path;
                fprintf(out, "  s%u -> s%u [label=\"", p->state[i], p->out_to[e]);
                char *label = NULL;
                size_t len = 0;
                FILE *f = open_memstream(&label, &len);
                if (f) {
                    if (on_path) describe(x, f, &p->steps[i], 0);   /* with its hidden or renamed source */
                    else print_event(x, f, p->out_ev[e]);
                    fclose(f);
                }
                for (size_t q = 0; label && q < len; q++) {   /* a dot string: " and \ escaped */
                    if (label[q] == '"' || label[q] == '\\') fputc('\\', out);
                    fputc(label[q], out);
                }
                free(label);
                if (on_path) fprintf(out, " (%u)\", color=%s, penwidth=2];\n", i + 1, colour);
                else fputs("\", color=gray];\n", out);
            }
        }
    }
    fputs("}\n", out);
}
