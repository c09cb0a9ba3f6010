/* check.c - the assertion checker; see check.h.
 * The assertions themselves: refinement over (normal-form node,
 * implementation state) pairs, deadlock and divergence freedom over one
 * network, determinism over a normal form, and `has trace`; then one
 * assertion from its declaration to its report. Exploring is explore.c,
 * the normal form normal.c, printing report.c.
 */
#define _POSIX_C_SOURCE 200809L
#include "check_internal.h"

#include "event.h"
#include "explain.h"
#include "unparse.h"
#include "workers.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Pair table for refinement: (node, impl state) -> visit index. */
static uint32_t pair_visit(Chk *c, uint32_t node, uint32_t p, uint32_t parent, uint32_t ev, bool *fresh)
{
    uint64_t key = ((uint64_t)node << 32 | p) + 1;
    if (c->n_pairs * 2 >= c->pair_cap) {
        uint32_t ncap = c->pair_cap ? c->pair_cap * 2 : 4096;
        uint64_t *keys = xcalloc(ncap, sizeof *keys);
        uint32_t *vals = xmalloc(ncap * sizeof *vals);
        for (uint32_t i = 0; i < c->pair_cap; i++) {
            if (!c->pair_keys[i]) continue;
            uint32_t j = (uint32_t)(c->pair_keys[i] * 0x9E3779B97F4A7C15u >> 32) & (ncap - 1);
            while (keys[j]) j = (j + 1) & (ncap - 1);
            keys[j] = c->pair_keys[i];
            vals[j] = c->pair_vals[i];
        }
        free(c->pair_keys);
        free(c->pair_vals);
        c->pair_keys = keys;
        c->pair_vals = vals;
        c->pair_cap = ncap;
    }
    uint32_t j = (uint32_t)(key * 0x9E3779B97F4A7C15u >> 32) & (c->pair_cap - 1);
    for (; c->pair_keys[j]; j = (j + 1) & (c->pair_cap - 1))
        if (c->pair_keys[j] == key) {
            *fresh = false;
            return c->pair_vals[j];
        }
    c->pair_keys[j] = key;
    c->pair_vals[j] = c->n_visits;
    c->n_pairs++;
    chk_push_visit(c, p, parent, ev);
    *fresh = true;
    return c->n_visits - 1;
}

/* The first pair of an exploration: (root, state 0), visit 0. Returns the
 * array of each visit's node (it moves as it grows: re-read c->pair_node). */
static uint32_t *start_pairs(Chk *c, uint32_t root)
{
    bool fresh;
    chk_keep_states(c);
    c->pairs = true;
    pair_visit(c, root, 0, UINT32_MAX, EVENT_TAU, &fresh);
    chk_grow_u32(&c->pair_node, &c->pair_node_cap, 0);
    c->pair_node[0] = root;
    return c->pair_node;
}

/* SPEC [m= IMPL, exploring (normal-form node, implementation state) pairs. */
static __attribute__((noinline)) bool refines(Chk *c, const Proc *spec, const Proc *impl, Model m,
                                              Counterexample *x)
{
    uint32_t root = nf_initial_node(c, spec);
    chk_space_open(c, &c->impl, impl);
    NfWork nw = { c, m };
    WorkSpec ws;
    nf_work_spec(&nw, root, &ws);
    int decided = chk_explore_workers(c, false, false, &ws, x);
    if (decided >= 0) return decided == 1;
    if (c->n_nodes > 1 || c->nodes[root].succ_done || c->nodes[root].divergent >= 0)
        root = nf_restart(c, spec);   /* the workers learnt some: start afresh */
    uint32_t *nodes = start_pairs(c, root);
    bool fresh;
    bool ok = true;
    for (uint32_t i = 0; i < c->n_visits && ok; i++) {
        uint32_t node = nodes[i];
        uint32_t p = c->v_state[i];
        if (m == MODEL_FD) {
            if (nf_divergent(c, node)) continue;   /* the spec allows anything now */
            if (chk_diverges(c, &c->impl, p)) {
                *x = (Counterexample){ "Divergence", i, 0, node, NULL, false };
                ok = false;
                break;
            }
        }
        if ((m == MODEL_F || m == MODEL_FD) && chk_is_stable(c, &c->impl, p)) {
            nf_acceptances(c, node);
            const EventSet *a = chk_acceptance(c, &c->impl, p);
            bool allowed = false;
            for (uint32_t k = 0; k < c->nodes[node].n_acc && !allowed; k++)
                allowed = chk_subset(c->nodes[node].acc[k], a);
            if (!allowed) {
                *x = (Counterexample){ "Min Acceptance", i, 0, node, a, false };
                ok = false;
                break;
            }
        }
        uint32_t n;
        const NetTrans *ts = chk_trans(c, &c->impl, p, &n);
        /* The array is valid until the next expansion: work on a copy. */
        if (n > c->ts_cap) c->ts_buf = xrealloc(c->ts_buf, (c->ts_cap = 2 * n) * sizeof *c->ts_buf);
        if (n) memcpy(c->ts_buf, ts, n * sizeof *ts);
        ts = c->ts_buf;
        for (uint32_t k = 0; k < n; k++) {
            c->st->transitions++;
            int64_t next = ts[k].event == EVENT_TAU ? node : nf_after(c, node, ts[k].event);
            if (next < 0) {
                *x = (Counterexample){ "Trace", i, ts[k].event, node, NULL, true };
                ok = false;
                break;
            }
            uint32_t v = pair_visit(c, (uint32_t)next, ts[k].next, i, ts[k].event, &fresh);
            if (fresh) {
                chk_grow_u32(&c->pair_node, &c->pair_node_cap, v);
                nodes = c->pair_node;
                nodes[v] = (uint32_t)next;
            }
        }
    }
    return ok;
}

/* Single-process exploration for deadlock and divergence freedom. */
static __attribute__((noinline)) bool explore(Chk *c, const Proc *p, bool deadlock, bool divergence, Counterexample *x)
{
    chk_space_open(c, &c->impl, p);
    int decided = chk_explore_workers(c, deadlock, divergence, NULL, x);
    if (decided >= 0) return decided == 1;
    bool fresh;
    chk_visit(c, 0, UINT32_MAX, EVENT_TAU, &fresh);
    for (uint32_t i = 0; i < c->n_visits; i++) {
        if (i == c->level_end) {   /* a new breadth-first level starts */
            if (c->n_levels == c->cap_levels)
                c->level_start = xrealloc(c->level_start, (c->cap_levels = c->cap_levels ? 2 * c->cap_levels : 64) *
                                          sizeof *c->level_start);
            c->level_start[c->n_levels++] = i;
            c->level_end = c->n_visits;
        }
        uint32_t s = chk_visit_state(c, i), n;
        /* Knowing the next visit, the network works its successors out
         * while this state's are looked up. */
        chk_trans_ahead(c, &c->impl, s, i + 1 < c->n_visits ? chk_visit_state(c, i + 1) : UINT32_MAX, &n);
        c->st->transitions += n;   /* counted before a divergence here stops the search */
        if (divergence && chk_diverges(c, &c->impl, s)) {
            *x = (Counterexample){ "Divergence", i, 0, -1, NULL, false };
            return false;
        }
        const NetTrans *ts = chk_trans(c, &c->impl, s, &n);   /* again: diverges may have asked for others */
        if (deadlock && n == 0 && !net_terminated(c->impl.net, s)) {
            *x = (Counterexample){ "Deadlock", i, 0, -1, proc_eventset(c->t, NULL, 0), false };
            return false;
        }
        for (uint32_t k = 0; k < n; k++) chk_visit(c, ts[k].next, i, ts[k].event, &fresh);
    }
    return true;
}

/* The order a node's successors are tried and visited in: by their
 * events' values (event_order), which does not depend on the order the
 * node's states or the events were numbered in, so that the workers
 * (detwork.h) visit the normal form in the same order. Into c->perm. */
static const uint32_t *successor_order(Chk *c, const NNode *nd)
{
    chk_grow_u32(&c->perm, &c->perm_cap, nd->n_succ);
    event_order(c->ev, nd->succ_ev, nd->n_succ, c->perm);
    return c->perm;
}

/* Determinism: the normal form of P, node by node, breadth first, each
 * node's successors in successor_order; the first event a stable state
 * of a node refuses, in that order, is the counterexample's. */
static __attribute__((noinline)) bool deterministic(Chk *c, const Proc *p, Model m, Counterexample *x)
{
    uint32_t root = nf_initial_node(c, p);
    int decided = chk_deterministic_workers(c, m == MODEL_FD, x);
    if (decided >= 0) return decided == 1;
    if (decided == CHK_WORKERS_GAVE_UP) root = nf_restart(c, p);   /* the threads learnt: start afresh */
    /* Visits here are normal-form nodes, keyed through the pair table with state 0. */
    uint32_t *nodes = start_pairs(c, root);
    bool fresh;
    bool ok = true;
    for (uint32_t i = 0; i < c->n_visits && ok; i++) {
        uint32_t node = nodes[i];
        if (m == MODEL_FD && nf_divergent(c, node)) {
            *x = (Counterexample){ "Divergence", i, 0, -1, NULL, false };
            ok = false;
            break;
        }
        nf_successors(c, node);
        const uint32_t *order = successor_order(c, &c->nodes[node]);
        NNode *nd = &c->nodes[node];
        uint32_t n_stable = 0;   /* the acceptances of its stable states */
        if (nd->n > c->acc_cap) c->acc_buf = xrealloc(c->acc_buf, (c->acc_cap = 2 * nd->n) * sizeof *c->acc_buf);
        for (uint32_t s = 0; s < nd->n; s++)
            if (chk_is_stable(c, &c->spec, nd->members[s]))
                c->acc_buf[n_stable++] = chk_acceptance(c, &c->spec, nd->members[s]);
        for (uint32_t e = 0; e < nd->n_succ && ok; e++) {
            uint32_t ev = nd->succ_ev[order[e]];
            for (uint32_t s = 0; s < n_stable && ok; s++)
                if (!proc_in_set(c->acc_buf[s], ev)) {
                    *x = (Counterexample){ "Determinism", i, ev, -1, NULL, true };
                    ok = false;
                }
        }
        for (uint32_t e = 0; e < nd->n_succ && ok; e++) {
            uint32_t k = c->perm[e];
            c->st->transitions++;
            uint32_t v = pair_visit(c, nd->succ_node[k], 0, i, nd->succ_ev[k], &fresh);
            if (fresh) {
                chk_grow_u32(&c->pair_node, &c->pair_node_cap, v);
                nodes = c->pair_node;
                nodes[v] = nd->succ_node[k];
            }
        }
    }
    return ok;
}

static bool has_trace(Chk *c, const Proc *p, const uint32_t *events, uint32_t n_events,
                      uint32_t *failed_at)
{
    /* Walks the normal form: one state per node reached, one transition per event. */
    uint32_t node = nf_initial_node(c, p);
    chk_count_state(c);
    for (uint32_t i = 0; i < n_events; i++) {
        int64_t next = nf_after(c, node, events[i]);
        if (next < 0) {
            *failed_at = i;
            return false;
        }
        node = (uint32_t)next;
        chk_count_state(c);
        c->st->transitions++;
    }
    return true;
}

/* ---- one assertion ---- */

/* The assertion as written, on one line. */
static void assertion_text(Chk *c, Node *decl, char *buf, size_t size)
{
    chk_assertion_text(eval_diag(c->E)->src, decl, buf, size);
}

/* Counts the assertions of a block (a script or a Timed section, whose
 * own sections nest) up to the one numbered want. */
static Node *each_assertion_in(const Node *list, bool in_timed, uint32_t want, bool *timed,
                               uint32_t *count)
{
    for (uint32_t i = 0; i < list->n; i++) {
        Node *a = list->kid[i];
        if (a->kind == N_TIMED) {
            Node *found = each_assertion_in(a->kid[0], true, want, timed, count);
            if (found) return found;
            continue;
        }
        if (a->kind != N_ASSERT) continue;
        if (++*count == want) {
            *timed = in_timed;
            return a;
        }
    }
    return NULL;
}

/* The assertion numbered want (from 1), and the count of all of them (when
 * want is 0 or past the end). */
static Node *each_assertion(const Node *script, uint32_t want, bool *timed, uint32_t *count)
{
    *count = 0;
    return each_assertion_in(script, false, want, timed, count);
}

uint32_t chk_count_assertions(const Node *script)
{
    bool timed;
    uint32_t n;
    each_assertion(script, 0, &timed, &n);
    return n;
}

Node *chk_nth_assertion(const Node *script, uint32_t n, bool *timed)
{
    uint32_t count;
    *timed = false;
    return n ? each_assertion(script, n, timed, &count) : NULL;
}


static const Proc *process(Chk *c, Node *e)
{
    const Val *v;
    if (eval_node(c->E, e, &v) != EVAL_OK) chk_bail_eval(c);
    if (v->kind != V_PROC) {
        diag_error(eval_diag(c->E), e->span, "this is not a process");
        chk_bail(c, CHK_ERROR);
    }
    const Proc *p = proc_of_value(c->t, v, e->span);
    if (!p) chk_bail_eval(c);
    return p;
}

static const char *impl_name(Node *e, char *buf, size_t size)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    if (f) {
        unparse_expr(f, e);
        fclose(f);
    }
    /* Long names are cut, visibly: CHK_NAME_MAX. */
    if (s && strlen(s) >= size) snprintf(buf, size, "%.*s...", (int)size - 4, s);
    else snprintf(buf, size, "%s", s ? s : "the process");
    free(s);
    return buf;
}

static bool unsupported_model(Chk *c, int64_t m, Span at)
{
    if (m == MODEL_R || m == MODEL_RD || m == MODEL_V || m == MODEL_VD) {
        diag_error(eval_diag(c->E), at, "unsupported model [%s]: cspi checks the traces [T], "
                   "stable failures [F] and failures-divergences [FD] models", ast_model_name[m]);
        return true;
    }
    return false;
}

/* The `:[tau priority]: A` option of an assertion, into c->tau_pri. */
static void read_options(Chk *c, Node *a)
{
    Node *opts = a->kind == N_REFINE ? a->kid[2] : a->kind == N_PROPERTY ? a->kid[1] : a->kid[2];
    for (uint32_t i = 0; i < opts->n; i++) {
        Node *op = opts->kid[i];
        if (op->op == OPT_POR) continue;   /* partial order reduction: same verdict */
        const Val *v;
        if (eval_node(c->E, op->kid[0], &v) != EVAL_OK) chk_bail_eval(c);
        c->tau_pri = proc_events_of_checked(c->t, v);
        if (!c->tau_pri) chk_bail_eval(c);
    }
}

/* `has trace`: the trace as event numbers, into r (errors bail). */
static void read_trace(Chk *c, Node *expr, Outcome *r)
{
    const Val *tv;
    if (eval_node(c->E, expr, &tv) != EVAL_OK) chk_bail_eval(c);
    if (tv->kind != V_SEQ) {
        diag_error(eval_diag(c->E), expr->span, "has trace needs a sequence of events");
        chk_bail(c, CHK_ERROR);
    }
    r->trace_len = tv->n;
    r->trace = xmalloc((tv->n ? tv->n : 1) * sizeof *r->trace);
    for (uint32_t i = 0; i < tv->n; i++) {
        int64_t id = proc_event_checked(c->t, tv->items[i]);
        if (id < 0) {
            diag_error(eval_diag(c->E), expr->span, "the trace holds something that is "
                       "not an event (item %u)", i + 1);
            chk_bail(c, CHK_ERROR);
        }
        r->trace[i] = (uint32_t)id;
    }
}

/* Decides assertion a (refinement, property or has trace) into r. Runtime
 * errors and limits unwind to chk_assertion's setjmp. */
static void decide(Chk *c, Node *a, Outcome *r)
{
    switch (a->kind) {
    case N_REFINE: {
        if (unsupported_model(c, a->op, a->span)) chk_bail(c, CHK_ERROR);
        const Proc *spec = process(c, a->kid[0]), *impl = process(c, a->kid[1]);
        impl_name(a->kid[1], r->name, sizeof r->name);
        r->holds = refines(c, spec, impl, (Model)a->op, &r->x);
        r->has_x = !r->holds;
        return;
    }
    case N_PROPERTY: {
        Model m = a->num == MODEL_NONE ? MODEL_FD : (Model)a->num;
        if (unsupported_model(c, m, a->span)) chk_bail(c, CHK_ERROR);
        if (m == MODEL_T && a->op != PROP_DIVERGENCE) {
            diag_error(eval_diag(c->E), a->span, "this property needs the [F] or [FD] model");
            chk_bail(c, CHK_ERROR);
        }
        const Proc *p = process(c, a->kid[0]);
        impl_name(a->kid[0], r->name, sizeof r->name);
        if (a->op == PROP_DEADLOCK) r->holds = explore(c, p, true, m == MODEL_FD, &r->x);
        else if (a->op == PROP_DIVERGENCE) r->holds = explore(c, p, false, true, &r->x);
        else r->holds = deterministic(c, p, m, &r->x);
        r->has_x = !r->holds;
        return;
    }
    default: {   /* has trace */
        if (unsupported_model(c, a->num, a->span)) chk_bail(c, CHK_ERROR);
        const Proc *p = process(c, a->kid[0]);
        impl_name(a->kid[0], r->name, sizeof r->name);
        read_trace(c, a->kid[1], r);
        uint32_t failed_at = 0;
        r->holds = has_trace(c, p, r->trace, r->trace_len, &failed_at);
        r->trace_fail = failed_at;
        return;
    }
    }
}

ChkResult chk_assertion(ProcTable *t, Node *decl, const ChkOptions *o, ChkStats *stats)
{
    Node *a = decl->kid[0];
    Chk *c = chk_open(t, o, stats, a->span);
    struct timespec t0 = c->t0, t1;
    eval_diag(c->E)->last_error[0] = 0;   /* the reason, if this one is not decided */
    char text[CHK_TEXT_MAX];
    assertion_text(c, decl, text, sizeof text);
    Outcome *r = xcalloc(1, sizeof *r);
    r->x.node = -1;
    volatile ChkResult result = CHK_ERROR;
    if (setjmp(c->jb)) {
        result = (ChkResult)c->failure;
        if (result == CHK_LIMIT && watch_stopped(eval_watch(c->E)) == WATCH_INTERRUPT) result = CHK_INTERRUPTED;
    } else {
        read_options(c, a);
        decide(c, a, r);
        result = r->holds != (decl->op != 0) ? CHK_PASSED : CHK_FAILED;
        if (o->explain && result == CHK_FAILED && !r->holds && (r->has_x || r->trace)) chk_explain(c, r);
    }
    if (c->progress_shown) fputs("\r\033[K", stderr);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (result == CHK_ERROR || result == CHK_LIMIT || result == CHK_INTERRUPTED) {
        const char *message = eval_diag(c->E)->last_error;
        chk_print_undecided(o, text, result, *message ? message : "see the messages above");
    } else if (o->json) {
        chk_report_json(c, text, result, r);
    } else {
        chk_report_text(c, text, result, r);
    }
    if (o->keep && result == CHK_FAILED) *o->keep = r->expl;
    else expl_free(r->expl);
    free(r->trace);
    free(r);
    chk_close(c);
    return result;
}

