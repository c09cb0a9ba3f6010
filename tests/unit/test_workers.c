/* test_workers.c - exploring on several threads (workers.h) against one
 * thread: for every number of workers, the same states and transitions
 * when the space is explored to the end (whatever the components learn on
 * the way, and when their fields widen and every key is laid out again);
 * a deadlock (with the counts and the trace one thread gives) or a
 * divergence found when asked for (and taus that do not diverge); the
 * state limit; and a
 * network that stops being keyed.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "fixture.h"

#include "eval.h"
#include "event.h"
#include "interp.h"
#include "net.h"
#include "proc.h"
#include "workers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(workers);

static const Proc *load(Loaded *l, const char *script)
{
    return proc_state(l->pt, fixture_load(l, "<workers>", script));
}

static void unload(Loaded *l) { fixture_unload(l); }

/* States and transitions on one thread, over the network's own ids. */
static void one_thread(const Proc *p, ProcTable *pt, uint64_t *states, uint64_t *transitions)
{
    Net *n = net_new(pt, p);
    cr_assert_not_null(n);
    uint64_t t = 0;
    for (uint32_t s = 0; s < net_states(n); s++) {
        uint32_t m;
        cr_assert_not_null(net_transitions(n, s, &m));
        t += m;
    }
    *states = net_states(n);
    *transitions = t;
    net_free(n);
}

static WorkResult explore(const char *script, unsigned workers, WorkOptions o, WorkStats *st)
{
    Loaded l;
    const Proc *p = load(&l, script);
    Net *n = net_new(l.pt, p);
    cr_assert_not_null(n);
    o.workers = workers;
    WorkResult r = workers_explore(n, &o, st);
    net_free(n);
    unload(&l);
    return r;
}

/* The whole space of script on 1 to 4 workers: as on one thread. */
static void same_counts(const char *script)
{
    Loaded l;
    const Proc *p = load(&l, script);
    uint64_t states, transitions;
    one_thread(p, l.pt, &states, &transitions);
    unload(&l);
    for (unsigned w = 1; w <= 4; w++) {
        WorkStats st;
        cr_assert_eq(explore(script, w, (WorkOptions){ 0 }, &st), WORK_DONE, "%s: %u workers", script, w);
        cr_expect_eq(st.states, states, "%s: %u workers: %llu states, not %llu", script, w,
                     (unsigned long long)st.states, (unsigned long long)states);
        cr_expect_eq(st.transitions, transitions, "%s: %u workers: transitions", script, w);
        /* The same through the buckets, which large sets use (workers.h,
         * WORK_BUCKETS_FROM_SLOTS). */
        cr_assert_eq(explore(script, w, (WorkOptions){ .buckets_from_slots = 1 }, &st), WORK_DONE);
        cr_expect_eq(st.states, states, "%s: %u workers, buckets: %llu states, not %llu", script, w,
                     (unsigned long long)st.states, (unsigned long long)states);
        cr_expect_eq(st.transitions, transitions, "%s: %u workers, buckets: transitions", script, w);
        /* The same with owners named by a few components (owners.h),
         * chosen from a sample of a few dozen states. */
        cr_assert_eq(explore(script, w, (WorkOptions){ .owner_sample = 32 }, &st), WORK_DONE);
        cr_expect_eq(st.states, states, "%s: %u workers, owners: %llu states, not %llu", script, w,
                     (unsigned long long)st.states, (unsigned long long)states);
        cr_expect_eq(st.transitions, transitions, "%s: %u workers, owners: transitions", script, w);
    }
}

/* Whether the owners of script's states, on w workers, are named by a few
 * components once owner_sample states are stored. */
static bool owners_chosen(const char *script, unsigned w, uint32_t owner_sample)
{
    WorkStats st;
    cr_assert_eq(explore(script, w, (WorkOptions){ .owner_sample = owner_sample }, &st), WORK_DONE);
    return st.owner_mask != 0;
}

/* TPC's philosophers (bench/phils.sh) for N = n. */
#define PHILS(n) \
    "N = " #n "\n" \
    "channel thinks, sits, eats, getsup : {0..N-1}\n" \
    "channel picks, putsdown : {0..N-1}.{0..N-1}\n" \
    "PHIL(i) = thinks.i -> sits.i -> picks.i.i -> picks.i.((i+1)%N) -> eats.i ->\n" \
    "          putsdown.i.((i+1)%N) -> putsdown.i.i -> getsup.i -> PHIL(i)\n" \
    "FORK(i) = picks.i.i -> putsdown.i.i -> FORK(i)\n" \
    "       [] picks.((i-1+N)%N).i -> putsdown.((i-1+N)%N).i -> FORK(i)\n" \
    "AP(i) = {thinks.i, sits.i, picks.i.i, picks.i.((i+1)%N), eats.i,\n" \
    "         putsdown.i.i, putsdown.i.((i+1)%N), getsup.i}\n" \
    "AF(i) = {picks.i.i, picks.((i-1+N)%N).i, putsdown.i.i, putsdown.((i-1+N)%N).i}\n" \
    "SYSTEM = || i : {0..N-1} @ [union(AP(i), AF(i))] (PHIL(i) [AP(i) || AF(i)] FORK(i))\n"
static const char phils[] = PHILS(4);

Test(workers, same_states_and_transitions)
{
    same_counts(phils);
    /* Levels of thousands of successors a worker: its buckets fill and go
     * into its set in the middle of a level (workers.c, PEND_BITS). */
    same_counts(PHILS(5));
    /* There a pair of a philosopher and his fork shares the states out
     * evenly and keeps most moves with their owner: the owners are
     * chosen, and the counts above were made under them. */
    cr_expect(owners_chosen(PHILS(5), 2, 32));
    cr_expect(owners_chosen(PHILS(5), 3, 32));
    cr_expect(!owners_chosen(PHILS(5), 1, 32));
    cr_expect(!owners_chosen(phils, 2, 100000));   /* fewer states than the sample needs */
    /* Components that learn new states level after level, their fields
     * widening (every key laid out again) as they do. */
    same_counts("channel tick\nchannel c : {0..3}\n"
                "P(i, n) = tick -> P(i, (n + 1) % 40) [] c.i -> P(i, (n + i) % 40)\n"
                "S = || i : {0..2} @ [{tick, c.i}] P(i, 0)\n");
    /* Hiding, renaming, termination and a linked parallel. */
    same_counts("channel a, b, c, d\n"
                "P = a -> b -> P [] c -> SKIP\n"
                "Q = (P ||| P) [[ a <- d ]]\n"
                "S = ((Q [| {b} |] P) \\ {c}) ||| (a -> SKIP)\n");
    same_counts("channel l, r, m : {0..2}\n"
                "C = l?x -> r!x -> C\n"
                "S = (C [r <-> l] C) [r <-> l] C\n");
}

Test(workers, found_and_limits)
{
    WorkStats st;
    /* The philosophers deadlock; with no deadlock asked about, they do not stop. */
    /* The philosophers deadlock: on any number of workers, the counts at
     * the first deadlock one thread meets (1301 states, 4020 transitions:
     * cspi check --workers 1) and its trace of 12 events. */
    for (unsigned w = 2; w <= 4; w++) {
        cr_expect_eq(explore(phils, w, (WorkOptions){ .deadlock = true }, &st), WORK_FAILED);
        cr_expect_eq(st.states, 1301, "%u workers: %llu states", w, (unsigned long long)st.states);
        cr_expect_eq(st.transitions, 4020, "%u workers", w);
        cr_expect_eq(st.trace_len, 12, "%u workers", w);
        free(st.trace);
        /* The same through the buckets, whose levels are stored in the
         * order of their slots and expanded in about the order found. */
        cr_expect_eq(explore(phils, w, (WorkOptions){ .deadlock = true, .buckets_from_slots = 1 }, &st), WORK_FAILED);
        cr_expect_eq(st.states, 1301, "%u workers, buckets: %llu states", w, (unsigned long long)st.states);
        cr_expect_eq(st.transitions, 4020, "%u workers, buckets", w);
        cr_expect_eq(st.trace_len, 12, "%u workers, buckets", w);
        free(st.trace);
        /* The same with owners named by a few components. */
        cr_expect_eq(explore(PHILS(5), w, (WorkOptions){ .deadlock = true }, &st), WORK_FAILED);
        uint64_t states = st.states, transitions = st.transitions;
        uint32_t len = st.trace_len;
        free(st.trace);
        cr_expect_eq(explore(PHILS(5), w, (WorkOptions){ .deadlock = true, .owner_sample = 32 }, &st), WORK_FAILED);
        if (w <= 3) cr_expect_neq(st.owner_mask, 0, "%u workers", w);   /* four shares: not even enough */
        cr_expect_eq(st.states, states, "%u workers, owners: %llu states", w, (unsigned long long)st.states);
        cr_expect_eq(st.transitions, transitions, "%u workers, owners", w);
        cr_expect_eq(st.trace_len, len, "%u workers, owners", w);
        free(st.trace);
    }
    /* ... unless the state limit comes first. */
    cr_expect_eq(explore(phils, 2, (WorkOptions){ .deadlock = true, .max_states = 1300 }, &st), WORK_LIMIT);
    cr_expect_eq(explore(phils, 2, (WorkOptions){ .deadlock = true, .max_states = 1301 }, &st), WORK_FAILED);
    free(st.trace);
    cr_expect_eq(explore(phils, 3, (WorkOptions){ .divergence = true }, &st), WORK_DONE);
    cr_expect_eq(explore(phils, 2, (WorkOptions){ .max_states = 500 }, &st), WORK_LIMIT);
    cr_expect_gt(st.states, 500);
    /* A divergence after a; none where taus lead on to visible events. */
    static const char diverging[] = "channel a, b\nQ = a -> R\nR = (b -> R) \\ {b}\nS = Q ||| (a -> STOP)\n";
    cr_expect_eq(explore(diverging, 2, (WorkOptions){ .divergence = true }, &st), WORK_FOUND);
    cr_expect_eq(explore(diverging, 2, (WorkOptions){ .deadlock = true }, &st), WORK_DONE);
    static const char hidden[] = "channel a, b\nP = a -> b -> P\nS = (P ||| P ||| P) \\ {b}\n";
    for (unsigned w = 1; w <= 3; w++) {
        cr_expect_eq(explore(hidden, w, (WorkOptions){ .divergence = true, .deadlock = true }, &st), WORK_DONE);
        cr_expect_eq(st.states, 8);
        cr_expect_eq(st.transitions, 24);
    }
    /* Seven components of a thousand states each do not fit 64 bits. */
    cr_expect_eq(explore("channel a : {0..6}.{0..999}\n"
                         "S = ||| i : {0..6} @ a.i?x -> a.i.x -> STOP\n", 2, (WorkOptions){ 0 }, &st),
                 WORK_UNKEYED);
}

/* ---- with a specification (refinement) ----
 * A one-node specification that allows the events named in `allowed`
 * (tick too) and accepts every stable state, unless `refuse` names an
 * event a stable state must offer. */
typedef struct {
    EventTable *ev;
    const char *allowed;    /* names, each between spaces: " a c " */
    const char *refuse;     /* NULL, or " x ": a stable state must offer x */
    bool learnt, fail_learning;
} OneNode;

static bool named(const OneNode *o, const char *names, uint32_t ev)
{
    char buf[64] = " ";
    FILE *f = fmemopen(buf + 1, sizeof buf - 2, "w");
    event_print(f, o->ev, ev);
    fclose(f);
    strcat(buf, " ");
    return strstr(names, buf) != NULL;
}

static WorkNodeState one_state(void *ctx, uint32_t node)
{
    (void)node;
    return ((OneNode *)ctx)->learnt ? WORK_NODE_READY : WORK_NODE_UNKNOWN;
}

static int64_t one_after(void *ctx, uint32_t node, uint32_t ev)
{
    (void)node;
    return ev == EVENT_TICK || named(ctx, ((OneNode *)ctx)->allowed, ev) ? 0 : -1;
}

static bool one_accepts(void *ctx, uint32_t node, const NetKeyTrans *ts, uint32_t n)
{
    (void)node;
    const OneNode *o = ctx;
    if (!o->refuse) return true;
    for (uint32_t k = 0; k < n; k++)
        if (named(o, o->refuse, ts[k].event)) return true;
    return false;
}

static bool one_learn(void *ctx, uint32_t node)
{
    (void)node;
    OneNode *o = ctx;
    o->learnt = !o->fail_learning;
    return o->learnt;
}

/* Explores script's last process against the one node; the trace into
 * text (events between spaces). */
static WorkResult against(const char *script, unsigned workers, uint32_t buckets, OneNode *o, WorkStats *st,
                          char *text, size_t size)
{
    Loaded l;
    const Proc *p = load(&l, script);
    Net *n = net_new(l.pt, p);
    cr_assert_not_null(n);
    o->ev = proc_events(l.pt);
    o->learnt = false;
    WorkSpec spec = { .ctx = o, .initial = 0, .acceptances = o->refuse != NULL, .state = one_state,
                      .after = one_after, .accepts = one_accepts, .learn = one_learn };
    WorkOptions wo = { .workers = workers, .spec = &spec, .buckets_from_slots = buckets };
    WorkResult r = workers_explore(n, &wo, st);
    text[0] = 0;
    if (r == WORK_FAILED) {
        FILE *f = fmemopen(text, size, "w");
        for (uint32_t i = 0; i < st->trace_len; i++) {
            event_print(f, o->ev, st->trace[i]);
            fputc(' ', f);
        }
        if (st->fail == WORK_FAIL_TRACE) event_print(f, o->ev, st->event);
        fclose(f);
        free(st->trace);
    }
    net_free(n);
    unload(&l);
    return r;
}

Test(workers, refinement_ties_as_one_thread)
{
    /* Two failures at the same depth: one thread meets b after a first
     * (3 states, 3 transitions: cspi check --workers 1); swapped, d after c. */
    static const char ab[] = "channel a, b, c, d\nS = (a -> b -> STOP) ||| (c -> d -> STOP)\n";
    static const char cd[] = "channel a, b, c, d\nS = (c -> d -> STOP) ||| (a -> b -> STOP)\n";
    for (unsigned i = 0; i < 8; i++) {
        /* Each number of workers, without and with the buckets. */
        unsigned w = i / 2 + 1;
        uint32_t b = i % 2;
        WorkStats st;
        char text[256];
        OneNode o = { .allowed = " a c " };
        cr_expect_eq(against(ab, w, b, &o, &st, text, sizeof text), WORK_FAILED, "%u workers", w);
        cr_expect_eq(st.fail, WORK_FAIL_TRACE);
        cr_expect_str_eq(text, "a b", "%u workers: %s", w, text);
        cr_expect_eq(st.states, 3, "%u workers: %llu states", w, (unsigned long long)st.states);
        cr_expect_eq(st.transitions, 3, "%u workers", w);
        cr_expect_eq(against(cd, w, b, &o, &st, text, sizeof text), WORK_FAILED);
        cr_expect_str_eq(text, "c d", "%u workers: %s", w, text);
        /* Everything allowed: the whole space, 9 states and 12 transitions. */
        OneNode all = { .allowed = " a b c d " };
        cr_expect_eq(against(ab, w, b, &all, &st, text, sizeof text), WORK_DONE);
        cr_expect_eq(st.states, 9);
        cr_expect_eq(st.transitions, 12);
        /* A stable state must offer a or c: the first that does not is
         * after <a, c> (b and d then), before any trace failure. */
        OneNode acc = { .allowed = " a b c d ", .refuse = " a c " };
        cr_expect_eq(against(ab, w, b, &acc, &st, text, sizeof text), WORK_FAILED);
        cr_expect_eq(st.fail, WORK_FAIL_ACCEPTANCE);
        cr_expect_str_eq(text, "a c ", "%u workers: %s", w, text);
        /* A node that cannot be learnt: the workers give up. */
        OneNode bad = { .allowed = " a c ", .fail_learning = true };
        cr_expect_eq(against(ab, w, b, &bad, &st, text, sizeof text), WORK_ERROR);
    }
}
