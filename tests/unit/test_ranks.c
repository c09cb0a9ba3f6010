/* test_ranks.c - exploring across processes (ranks.h), with a transport
 * made of threads in this process (each "rank" has a session and network
 * of its own, as a process would): for 2 and 3 ranks, the states and
 * transitions of the whole space are those of one thread (with
 * components learning on the way and fields widening), the first
 * deadlock gives the counts and the trace the threads give (workers.h,
 * which rank like one thread), a divergence and the state limit are
 * found, and an unkeyed network is said to be one; with a specification
 * (refinement), its nodes learnt on the way, the first failure of each
 * kind (trace, acceptance, divergence) is the one thread's, with its
 * counts, trace and node; determinism (detwork.h across ranks) as one
 * thread decides it. MPI itself is tested by tests/mpi.sh.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "fixture.h"

#include "detwork.h"
#include "eval.h"
#include "event.h"
#include "net.h"
#include "proc.h"
#include "ranks.h"
#include "workers.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

TestSuite(ranks);

enum { MAX_RANKS = 4 };

/* The transport: every rank leaves its header and keys in the hub, all
 * meet at a barrier, each copies what is for it, and all meet again. */
typedef struct {
    pthread_barrier_t meet;
    uint64_t hdr[MAX_RANKS][RANKS_HDR_WORDS];
    uint64_t *const *out[MAX_RANKS];
    const uint32_t *n_out[MAX_RANKS];
    uint64_t *recv[MAX_RANKS];
} Hub;

static bool hub_exchange(RankLink *l, const uint64_t *hdr, uint64_t *const *out, const uint32_t *n_out,
                         uint64_t *hdr_in, const uint64_t **got, uint32_t *n_in)
{
    Hub *h = l->ctx;
    unsigned me = l->rank;
    memcpy(h->hdr[me], hdr, sizeof h->hdr[me]);
    h->out[me] = out;
    h->n_out[me] = n_out;
    pthread_barrier_wait(&h->meet);
    size_t total = 0;
    for (unsigned r = 0; r < l->size; r++) total += h->n_out[r][me];
    h->recv[me] = realloc(h->recv[me], (total ? total : 1) * sizeof *h->recv[me]);
    total = 0;
    for (unsigned r = 0; r < l->size; r++) {
        memcpy(hdr_in + (size_t)r * RANKS_HDR_WORDS, h->hdr[r], sizeof h->hdr[r]);
        n_in[r] = h->n_out[r][me];
        if (n_in[r]) memcpy(h->recv[me] + total, h->out[r][me], n_in[r] * sizeof *h->recv[me]);
        total += n_in[r];
    }
    *got = h->recv[me];
    pthread_barrier_wait(&h->meet);
    return true;
}

/* A specification for refinement: at most `most` events named x (any
 * other event, and tick, at any time), one node per number of x's so
 * far, each learnt when first met; from node `wild` on (unless 0), a
 * divergent node (anything goes); with `offer`, a stable state must offer
 * some event; with `fd`, a state that can diverge fails. */
enum { LIMITED_NODES = 64 };
typedef struct {
    EventTable *ev;
    uint32_t most, wild;
    bool offer, fd, fail_learning;
    bool learnt[LIMITED_NODES];
} Limited;

static bool is_x(const Limited *s, uint32_t ev)
{
    char buf[32] = "";
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    event_print(f, s->ev, ev);
    fclose(f);
    return strcmp(buf, "x") == 0;
}

static WorkNodeState limited_state(void *ctx, uint32_t node)
{
    const Limited *s = ctx;
    if (!s->learnt[node]) return WORK_NODE_UNKNOWN;
    return s->wild && node >= s->wild ? WORK_NODE_DIVERGENT : WORK_NODE_READY;
}

static int64_t limited_after(void *ctx, uint32_t node, uint32_t ev)
{
    const Limited *s = ctx;
    if (!is_x(s, ev)) return node;
    return node < s->most ? (int64_t)node + 1 : -1;
}

static bool limited_accepts(void *ctx, uint32_t node, const NetKeyTrans *ts, uint32_t n)
{
    (void)node;
    (void)ts;
    return !((const Limited *)ctx)->offer || n > 0;
}

static bool limited_learn(void *ctx, uint32_t node)
{
    Limited *s = ctx;
    cr_assert_lt(node, LIMITED_NODES);
    s->learnt[node] = !s->fail_learning;
    return s->learnt[node];
}

static WorkSpec limited_spec(Limited *s)
{
    return (WorkSpec){ .ctx = s, .initial = 0, .divergence = s->fd, .acceptances = s->offer,
                       .state = limited_state, .after = limited_after, .accepts = limited_accepts,
                       .learn = limited_learn };
}

typedef struct {
    Loaded l;
    Net *net;
    RankLink link;
    Watch watch;
    WorkOptions o;
    WorkStats st;
    WorkResult r;
    Limited spec;           /* with a specification: this rank's */
    WorkSpec ws;
} Proc1;

static void *rank_main(void *arg)
{
    Proc1 *p = arg;
    p->r = ranks_explore(p->net, &p->link, &p->o, &p->watch, &p->st);
    return NULL;
}

/* A rank's own session and network of script's last process. */
static void open_net(Proc1 *p, const char *script)
{
    const Proc *t = proc_state(p->l.pt, fixture_load(&p->l, "<ranks>", script));
    p->net = net_new(p->l.pt, t);
    cr_assert_not_null(p->net);
}

static void close_net(Proc1 *p)
{
    net_free(p->net);
    fixture_unload(&p->l);
}

/* The events of a trace[0, n) as text, each followed by a space, then
 * the event last unless UINT32_MAX. */
static void events_text(EventTable *ev, const uint32_t *trace, uint32_t n, uint32_t last, char *text, size_t size)
{
    FILE *f = fmemopen(text, size - 1, "w");
    for (uint32_t i = 0; i < n; i++) {
        event_print(f, ev, trace[i]);
        fputc(' ', f);
    }
    if (last != UINT32_MAX) event_print(f, ev, last);
    fclose(f);
}

/* A failure's trace (and a trace failure's event) as text. */
static void trace_text(EventTable *ev, const WorkStats *st, char *text, size_t size)
{
    events_text(ev, st->trace, st->trace_len, st->fail == WORK_FAIL_TRACE ? st->event : UINT32_MAX, text, size);
}

/* script explored by n ranks (against spec, a copy on each rank, unless
 * NULL); rank 0's result and stats, and a failure's trace into text
 * (every rank must agree on the result, the counts and the failure). */
static WorkResult explore_against(const char *script, unsigned n, WorkOptions o, const Limited *spec,
                                  WorkStats *st, char *text, size_t size)
{
    Hub hub = { 0 };
    Proc1 p[MAX_RANKS];
    memset(p, 0, sizeof p);
    pthread_barrier_init(&hub.meet, NULL, n);
    for (unsigned i = 0; i < n; i++) {
        open_net(&p[i], script);
        p[i].link = (RankLink){ .rank = i, .size = n, .exchange = hub_exchange, .ctx = &hub };
        p[i].o = o;
        if (spec) {
            p[i].spec = *spec;
            p[i].spec.ev = proc_events(p[i].l.pt);
            p[i].ws = limited_spec(&p[i].spec);
            p[i].o.spec = &p[i].ws;
        }
    }
    pthread_t th[MAX_RANKS];
    for (unsigned i = 1; i < n; i++) cr_assert_eq(pthread_create(&th[i], NULL, rank_main, &p[i]), 0);
    rank_main(&p[0]);
    for (unsigned i = 1; i < n; i++) pthread_join(th[i], NULL);
    for (unsigned i = 1; i < n; i++) {
        cr_expect_eq(p[i].r, p[0].r, "rank %u", i);
        cr_expect_eq(p[i].st.states, p[0].st.states, "rank %u", i);
        cr_expect_eq(p[i].st.transitions, p[0].st.transitions, "rank %u", i);
        cr_expect_eq(p[i].st.trace_len, p[0].st.trace_len, "rank %u", i);
        if (p[0].r == WORK_FAILED) {
            cr_expect_eq(p[i].st.key, p[0].st.key, "rank %u", i);
            cr_expect_eq(p[i].st.node, p[0].st.node, "rank %u", i);
            cr_expect_eq(p[i].st.fail, p[0].st.fail, "rank %u", i);
        }
        free(p[i].st.trace);
    }
    if (text) {
        text[0] = 0;
        if (p[0].r == WORK_FAILED) trace_text(proc_events(p[0].l.pt), &p[0].st, text, size);
    }
    for (unsigned i = 0; i < n; i++) {
        close_net(&p[i]);
        free(hub.recv[i]);
    }
    pthread_barrier_destroy(&hub.meet);
    *st = p[0].st;
    return p[0].r;
}

static WorkResult explore(const char *script, unsigned n, WorkOptions o, WorkStats *st)
{
    return explore_against(script, n, o, NULL, st, NULL, 0);
}

/* The same on threads (workers.h), against spec unless NULL. */
static WorkResult threads_against(const char *script, unsigned w, WorkOptions o, const Limited *spec,
                                  WorkStats *st, char *text, size_t size)
{
    Proc1 p = { 0 };
    open_net(&p, script);
    o.workers = w;
    if (spec) {
        p.spec = *spec;
        p.spec.ev = proc_events(p.l.pt);
        p.ws = limited_spec(&p.spec);
        o.spec = &p.ws;
    }
    WorkResult r = workers_explore(p.net, &o, st);
    if (text) {
        text[0] = 0;
        if (r == WORK_FAILED) trace_text(proc_events(p.l.pt), st, text, size);
    }
    close_net(&p);
    return r;
}

static WorkResult on_threads(const char *script, unsigned w, WorkOptions o, WorkStats *st)
{
    return threads_against(script, w, o, NULL, st, NULL, 0);
}

/* Philosophers with their forks beside them (not each with his own), so
 * that they deadlock: each picks up his left fork. */
static const char phils[] =
    "N = 4\n"
    "channel pick, drop : {0..N-1}.{0..N-1}\n"
    "channel eat : {0..N-1}\n"
    "PHIL(i) = pick.i.i -> pick.i.((i+1)%N) -> eat.i -> drop.i.((i+1)%N) -> drop.i.i -> PHIL(i)\n"
    "FORK(f) = [] p : {f, (f-1+N)%N} @ pick.p.f -> drop.p.f -> FORK(f)\n"
    "SYS = (||| i : {0..N-1} @ PHIL(i)) [| {| pick, drop |} |] (||| f : {0..N-1} @ FORK(f))\n";

static void same_counts(const char *script)
{
    WorkStats one, st;
    cr_assert_eq(on_threads(script, 1, (WorkOptions){ 0 }, &one), WORK_DONE);
    for (unsigned n = 2; n <= 3; n++) {
        cr_assert_eq(explore(script, n, (WorkOptions){ 0 }, &st), WORK_DONE, "%s: %u ranks", script, n);
        cr_expect_eq(st.states, one.states, "%s: %u ranks: %llu states, not %llu", script, n,
                     (unsigned long long)st.states, (unsigned long long)one.states);
        cr_expect_eq(st.transitions, one.transitions, "%s: %u ranks: transitions", script, n);
        /* The same with owners named by a few components (owners.h),
         * chosen by rank 0 from a sample of a few dozen states. */
        cr_assert_eq(explore(script, n, (WorkOptions){ .owner_sample = 32 }, &st), WORK_DONE);
        cr_expect_eq(st.states, one.states, "%s: %u ranks, owners: %llu states", script, n,
                     (unsigned long long)st.states);
        cr_expect_eq(st.transitions, one.transitions, "%s: %u ranks, owners: transitions", script, n);
    }
}

Test(ranks, same_states_and_transitions)
{
    same_counts(phils);
    /* Components that learn new states level after level, their fields
     * widening (every key laid out again on every rank) as they do. */
    same_counts("channel t\nchannel c : {0..2}\n"
                "Q(i, n) = t -> Q(i, (n + 2) % 50) [] c.i -> Q(i, (n * 3 + 1) % 50)\n"
                "S = || i : {0..2} @ [{t, c.i}] Q(i, 0)\n");
    /* Linked parallel, hiding, sequential composition, renaming. */
    same_counts("channel a, b, e\nchannel l, r : {0..1}\nB = l?x -> r!x -> B\n"
                "P = (a -> b -> SKIP ; P) [] e -> SKIP\n"
                "S = ((B [r <-> l] B) \\ {| r |}) ||| ((P [| {b} |] (b -> P)) [[ a <- e ]])\n");
}

Test(ranks, the_first_deadlock_as_one_thread)
{
    WorkStats one, st;
    /* One thread: the counts at the first deadlock, its trace and state. */
    cr_assert_eq(on_threads(phils, 1, (WorkOptions){ .deadlock = true }, &one), WORK_FAILED);
    cr_assert_gt(one.trace_len, 0);
    for (unsigned n = 2; n <= 3; n++) {
        cr_assert_eq(explore(phils, n, (WorkOptions){ .deadlock = true }, &st), WORK_FAILED, "%u ranks", n);
        cr_expect_eq(st.states, one.states, "%u ranks: %llu states, not %llu", n, (unsigned long long)st.states,
                     (unsigned long long)one.states);
        cr_expect_eq(st.transitions, one.transitions, "%u ranks: transitions", n);
        cr_assert_eq(st.trace_len, one.trace_len, "%u ranks", n);
        cr_expect_eq(memcmp(st.trace, one.trace, one.trace_len * sizeof *one.trace), 0, "%u ranks: the trace", n);
        cr_expect_eq(st.key, one.key, "%u ranks: the state", n);
        free(st.trace);
    }
    free(one.trace);
    /* ... unless the state limit comes first. */
    uint64_t at = one.states;
    cr_expect_eq(explore(phils, 2, (WorkOptions){ .deadlock = true, .max_states = at - 1 }, &st), WORK_LIMIT);
    cr_expect_eq(explore(phils, 2, (WorkOptions){ .deadlock = true, .max_states = at }, &st), WORK_FAILED);
    free(st.trace);
    /* The same under owners named by a few components: two philosophers
     * more, so that the sample finds an even share. */
    static const char phils6[] =
        "N = 6\n"
        "channel pick, drop : {0..N-1}.{0..N-1}\n"
        "channel eat : {0..N-1}\n"
        "PHIL(i) = pick.i.i -> pick.i.((i+1)%N) -> eat.i -> drop.i.((i+1)%N) -> drop.i.i -> PHIL(i)\n"
        "FORK(f) = [] p : {f, (f-1+N)%N} @ pick.p.f -> drop.p.f -> FORK(f)\n"
        "SYS = (||| i : {0..N-1} @ PHIL(i)) [| {| pick, drop |} |] (||| f : {0..N-1} @ FORK(f))\n";
    cr_assert_eq(on_threads(phils6, 1, (WorkOptions){ .deadlock = true }, &one), WORK_FAILED);
    for (unsigned n = 2; n <= 3; n++) {
        cr_assert_eq(explore(phils6, n, (WorkOptions){ .deadlock = true, .owner_sample = 64 }, &st), WORK_FAILED);
        cr_expect_neq(st.owner_mask, 0, "%u ranks", n);
        cr_expect_eq(st.states, one.states, "%u ranks, owners: %llu states, not %llu", n,
                     (unsigned long long)st.states, (unsigned long long)one.states);
        cr_expect_eq(st.transitions, one.transitions, "%u ranks, owners", n);
        cr_assert_eq(st.trace_len, one.trace_len, "%u ranks, owners", n);
        cr_expect_eq(memcmp(st.trace, one.trace, one.trace_len * sizeof *one.trace), 0, "%u ranks, owners", n);
        free(st.trace);
    }
    free(one.trace);
}

Test(ranks, divergence_limits_and_unkeyed)
{
    WorkStats st;
    static const char diverging[] = "channel a, b\nQ = a -> R\nR = (b -> R) \\ {b}\nS = Q ||| (a -> STOP)\n";
    cr_expect_eq(explore(diverging, 2, (WorkOptions){ .divergence = true }, &st), WORK_FOUND);
    cr_expect_eq(explore(diverging, 2, (WorkOptions){ .deadlock = true }, &st), WORK_DONE);
    static const char hidden[] = "channel a, b\nP = a -> b -> P\nS = (P ||| P ||| P) \\ {b}\n";
    cr_expect_eq(explore(hidden, 3, (WorkOptions){ .divergence = true, .deadlock = true }, &st), WORK_DONE);
    cr_expect_eq(st.states, 8);
    cr_expect_eq(st.transitions, 24);
    cr_expect_eq(explore(phils, 2, (WorkOptions){ .max_states = 50 }, &st), WORK_LIMIT);
    cr_expect_gt(st.states, 50);
    cr_expect_eq(explore("channel a : {0..6}.{0..999}\n"
                         "S = ||| i : {0..6} @ a.i?x -> a.i.x -> STOP\n", 2, (WorkOptions){ 0 }, &st),
                 WORK_UNKEYED);
}

/* n ranks counted states and transitions as one thread did. */
static void counted_as_one(const char *script, unsigned n, uint64_t states, uint64_t one_states, uint64_t trans,
                           uint64_t one_trans)
{
    cr_expect_eq(states, one_states, "%s: %u ranks: %llu states, not %llu", script, n, (unsigned long long)states,
                 (unsigned long long)one_states);
    cr_expect_eq(trans, one_trans, "%s: %u ranks: %llu transitions, not %llu", script, n, (unsigned long long)trans,
                 (unsigned long long)one_trans);
}

/* script against spec on 2 and 3 ranks as on one thread: the result,
 * the counts, and a failure's kind, trace and node. */
static void refines_as_one_thread(const char *script, Limited spec, WorkResult expected, uint64_t max_states)
{
    WorkStats one, st;
    char t1[512], tn[512];
    WorkOptions o = { .max_states = max_states };
    cr_assert_eq(threads_against(script, 1, o, &spec, &one, t1, sizeof t1), expected, "%s", script);
    for (unsigned n = 2; n <= 3; n++) {
        cr_assert_eq(explore_against(script, n, o, &spec, &st, tn, sizeof tn), expected, "%s: %u ranks", script, n);
        if (expected != WORK_DONE && expected != WORK_FAILED) continue;
        counted_as_one(script, n, st.states, one.states, st.transitions, one.transitions);
        if (expected != WORK_FAILED) continue;
        cr_expect_eq(st.fail, one.fail, "%s: %u ranks", script, n);
        cr_expect_eq(st.node, one.node, "%s: %u ranks", script, n);
        cr_expect_str_eq(tn, t1, "%s: %u ranks: <%s>, not <%s>", script, n, tn, t1);
        free(st.trace);
    }
    if (expected == WORK_FAILED) free(one.trace);
}

Test(ranks, refinement_as_one_thread)
{
    /* The third x is refused, several levels deep, after ties. */
    static const char xs[] = "channel a, b, x\nP = a -> b -> x -> P\nS = P ||| P ||| (a -> x -> STOP)\n";
    refines_as_one_thread(xs, (Limited){ .most = 2 }, WORK_FAILED, 0);
    refines_as_one_thread(xs, (Limited){ .most = 5 }, WORK_FAILED, 0);
    /* Every node learnt on the way, nothing refused: the whole space; and
     * with components whose fields widen (every pair laid out again). */
    refines_as_one_thread(phils, (Limited){ .most = 0 }, WORK_DONE, 0);
    refines_as_one_thread("channel t, x\nchannel c : {0..2}\n"
                          "Q(i, n) = t -> Q(i, (n + 2) % 50) [] c.i -> Q(i, (n * 3 + 1) % 50)\n"
                          "S = || i : {0..2} @ [{t, c.i}] Q(i, 0)\n", (Limited){ .most = 0 }, WORK_DONE, 0);
    /* From the second x on anything goes: never refused. */
    refines_as_one_thread(xs, (Limited){ .most = 5, .wild = 2 }, WORK_DONE, 0);
    /* A stable state must offer something: STOP fails, before a trace. */
    refines_as_one_thread("channel a, b, x\nS = (a -> b -> STOP) ||| (x -> x -> STOP)\n",
                          (Limited){ .most = 1, .offer = true }, WORK_FAILED, 0);
    /* A divergence after a, in the failures-divergences model. */
    static const char div[] = "channel a, b, x\nQ = (b -> Q) \\ {b}\nS = (a -> x -> Q) ||| (x -> a -> STOP)\n";
    refines_as_one_thread(div, (Limited){ .most = 2, .fd = true }, WORK_FAILED, 0);
    /* ... unless the node is divergent by then. */
    refines_as_one_thread(div, (Limited){ .most = 2, .fd = true, .wild = 1 }, WORK_DONE, 0);
    /* The state limit before the failure; a node that cannot be learnt. */
    refines_as_one_thread(xs, (Limited){ .most = 5 }, WORK_LIMIT, 20);
    refines_as_one_thread(xs, (Limited){ .fail_learning = true }, WORK_ERROR, 0);
}

/* ---- determinism across ranks (detwork.h with DetOptions.ranks) ---- */

typedef struct {
    Proc1 p;
    DetOptions o;
    DetStats st;
    DetResult r;
} DetRank;

static void *det_rank_main(void *arg)
{
    DetRank *d = arg;
    d->r = detwork_explore(d->p.net, &d->o, &d->st);
    ranks_end_unit(&d->p.link, d->r == DET_STOPPED, &d->p.watch);   /* as main.c ends an assertion */
    return NULL;
}

/* A determinism failure's trace and event (a refusal's) as text. */
static void det_text(EventTable *ev, const DetStats *st, char *text, size_t size)
{
    events_text(ev, st->trace, st->trace_len, st->fail == DET_FAIL_REFUSAL ? st->event : UINT32_MAX, text, size);
    free(st->trace);
}

/* Sets a watch's stop a little after it starts. */
static void *stop_soon(void *arg)
{
    nanosleep(&(struct timespec){ .tv_nsec = 50 * 1000 * 1000 }, NULL);
    atomic_store(&((Watch *)arg)->stop, WATCH_TIMEOUT);
    return NULL;
}

/* script's determinism on n ranks (each with its own session, its
 * evaluator watched by the rank's watch; rank `stopped`'s watch stops
 * soon after they start, unless it is n or more); rank 0's result and
 * stats and a failure's text (every rank must agree). */
static DetResult det_on_ranks_stopping(const char *script, unsigned n, unsigned stopped, DetOptions o, DetStats *st,
                                       char *text, size_t size)
{
    Hub hub = { 0 };
    DetRank d[MAX_RANKS];
    memset(d, 0, sizeof d);
    pthread_barrier_init(&hub.meet, NULL, n);
    for (unsigned i = 0; i < n; i++) {
        open_net(&d[i].p, script);
        d[i].p.link = (RankLink){ .rank = i, .size = n, .exchange = hub_exchange, .ctx = &hub };
        d[i].o = o;
        d[i].o.ranks = &d[i].p.link;
        d[i].o.watch = &d[i].p.watch;
        eval_set_watch(proc_eval(d[i].p.l.pt), &d[i].p.watch);
        d[i].o.events = proc_events(d[i].p.l.pt);
    }
    pthread_t th[MAX_RANKS];
    pthread_t stopper;
    if (stopped < n) cr_assert_eq(pthread_create(&stopper, NULL, stop_soon, &d[stopped].p.watch), 0);
    for (unsigned i = 1; i < n; i++) cr_assert_eq(pthread_create(&th[i], NULL, det_rank_main, &d[i]), 0);
    det_rank_main(&d[0]);
    for (unsigned i = 1; i < n; i++) pthread_join(th[i], NULL);
    if (stopped < n) pthread_join(stopper, NULL);
    char mine[512];
    text[0] = 0;
    for (unsigned i = 0; i < n; i++) {
        cr_expect_eq(d[i].r, d[0].r, "rank %u", i);
        cr_expect_eq(d[i].st.states, d[0].st.states, "rank %u", i);
        cr_expect_eq(d[i].st.transitions, d[0].st.transitions, "rank %u", i);
        if (d[i].r != DET_FAILED) continue;
        det_text(proc_events(d[i].p.l.pt), &d[i].st, i ? mine : text, i ? sizeof mine : size);
        if (i) cr_expect_str_eq(mine, text, "rank %u", i);
    }
    for (unsigned i = 0; i < n; i++) {
        close_net(&d[i].p);
        free(hub.recv[i]);
    }
    pthread_barrier_destroy(&hub.meet);
    *st = d[0].st;
    return d[0].r;
}

static DetResult det_on_ranks(const char *script, unsigned n, DetOptions o, DetStats *st, char *text, size_t size)
{
    return det_on_ranks_stopping(script, n, n, o, st, text, size);
}

/* script's determinism on 2 and 3 ranks as on one thread: the result,
 * the counts, and a failure's kind and text. */
static void det_as_one_thread(const char *script, DetOptions o, DetResult expected)
{
    Proc1 one = { 0 };
    open_net(&one, script);
    DetOptions o1 = o;
    o1.workers = 1;
    o1.events = proc_events(one.l.pt);
    DetStats st1, st;
    char t1[512] = "", tn[512];
    cr_assert_eq(detwork_explore(one.net, &o1, &st1), expected, "%s", script);
    if (expected == DET_FAILED) det_text(proc_events(one.l.pt), &st1, t1, sizeof t1);
    close_net(&one);
    for (unsigned n = 2; n <= 3; n++) {
        cr_assert_eq(det_on_ranks(script, n, o, &st, tn, sizeof tn), expected, "%s: %u ranks", script, n);
        if (expected != DET_HOLDS && expected != DET_FAILED) continue;
        counted_as_one(script, n, st.states, st1.states, st.transitions, st1.transitions);
        if (expected != DET_FAILED) continue;
        cr_expect_eq(st.fail, st1.fail, "%s: %u ranks", script, n);
        cr_expect_str_eq(tn, t1, "%s: %u ranks: <%s>, not <%s>", script, n, tn, t1);
    }
}

Test(ranks, determinism_as_one_thread)
{
    /* Every state its own node; and components whose fields widen as
     * they learn (every node laid out again on every rank). */
    det_as_one_thread(phils, (DetOptions){ 0 }, DET_HOLDS);
    det_as_one_thread("channel t\nchannel c : {0..2}\n"
                      "Q(i, n) = t -> Q(i, (n + 2) % 50) [] c.i -> Q(i, (n * 3 + 1) % 50)\n"
                      "S = || i : {0..2} @ [{t, c.i}] Q(i, 0)\n", (DetOptions){ 0 }, DET_HOLDS);
    /* After hiding, a node of several states; nondeterminism several
     * levels deep among many nodes of a level (ties ranked). */
    det_as_one_thread("channel a, b, x\nP = a -> b -> P\nS = (P ||| P ||| P) \\ {b}\n", (DetOptions){ 0 },
                      DET_HOLDS);
    static const char deep[] = "channel a, b, t\n"
                               "LINE(n) = if n == 0 then a -> b -> STOP else t -> LINE(n - 1)\n"
                               "S = (a -> b -> a -> STOP) ||| LINE(4) ||| (t -> STOP)\n";
    det_as_one_thread(deep, (DetOptions){ 0 }, DET_FAILED);
    /* A divergence in [FD]; in [F], a refusal further on. */
    static const char div[] = "channel a, b, x\nQ = (b -> Q) \\ {b}\nS = (a -> x -> Q) ||| (x -> a -> STOP)\n";
    det_as_one_thread(div, (DetOptions){ .divergence = true }, DET_FAILED);
    det_as_one_thread(div, (DetOptions){ 0 }, DET_FAILED);
    /* Near the state limit one process decides; well before it, the limit. */
    det_as_one_thread(deep, (DetOptions){ .max_states = 12 }, DET_ONE_THREAD);
    det_as_one_thread(phils, (DetOptions){ .max_states = 30 }, DET_ONE_THREAD);
}

/* A limit met by one rank while it works out what a node needs (its
 * evaluator stopped by its watch, about 50 ms in, while each step of F
 * takes much longer to work out) stops every rank, with that limit. */
Test(ranks, determinism_stopped_while_learning)
{
    static const char slow[] = "channel a : {0..3}\nchannel b\nheavy(n) = card({x * 2 | x <- {0..n}})\n"
                               "F(n) = if n == 3 then b -> STOP else a.n -> F(n + 1 + heavy(300000) - 300001)\n"
                               "S = F(0) ||| F(1)\n";
    DetStats st;
    char text[64];
    for (unsigned who = 0; who < 2; who++) {
        cr_expect_eq(det_on_ranks_stopping(slow, 2, who, (DetOptions){ 0 }, &st, text, sizeof text), DET_STOPPED,
                     "rank %u stopped", who);
    }
}
