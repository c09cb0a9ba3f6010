/* test_ranks.c - exploring across processes (ranks.h), with a transport
 * made of threads in this process (each "rank" has a session and network
 * of its own, as a process would): for 2 and 3 ranks, the states and
 * transitions of the whole space are those of one thread (with
 * components learning on the way and fields widening), the first
 * deadlock gives the counts and the trace the threads give (workers.h,
 * which rank like one thread), a divergence and the state limit are
 * found, and an unkeyed network is said to be one. MPI itself is tested
 * by tests/mpi.sh.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "fixture.h"

#include "net.h"
#include "proc.h"
#include "ranks.h"
#include "workers.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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

typedef struct {
    Loaded l;
    Net *net;
    RankLink link;
    Watch watch;
    WorkOptions o;
    WorkStats st;
    WorkResult r;
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

/* script explored by n ranks; rank 0's result and stats (every rank must
 * agree on the result and the counts). */
static WorkResult explore(const char *script, unsigned n, WorkOptions o, WorkStats *st)
{
    Hub hub = { 0 };
    Proc1 p[MAX_RANKS];
    memset(p, 0, sizeof p);
    pthread_barrier_init(&hub.meet, NULL, n);
    for (unsigned i = 0; i < n; i++) {
        open_net(&p[i], script);
        p[i].link = (RankLink){ .rank = i, .size = n, .exchange = hub_exchange, .ctx = &hub };
        p[i].o = o;
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
        free(p[i].st.trace);
    }
    for (unsigned i = 0; i < n; i++) {
        close_net(&p[i]);
        free(hub.recv[i]);
    }
    pthread_barrier_destroy(&hub.meet);
    *st = p[0].st;
    return p[0].r;
}

/* The same on threads (workers.h). */
static WorkResult on_threads(const char *script, unsigned w, WorkOptions o, WorkStats *st)
{
    Proc1 p = { 0 };
    open_net(&p, script);
    o.workers = w;
    WorkResult r = workers_explore(p.net, &o, st);
    close_net(&p);
    return r;
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
