/* test_net.c - the network of a process against its terms: from the
 * initial state, every network state has the transitions of its term, in
 * the same order, to the states whose terms sem gives; and network states
 * are distinct exactly when their terms are. Scripts cover every operator
 * the network compiles (parallel, alphabetised and linked parallel, hiding,
 * renaming), termination inside them, and components that change shape.
 * A NetRun walked in place must list and perform the same transitions as
 * the terms, step by step.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "fixture.h"

#include "eval.h"
#include "event.h"
#include "session.h"
#include "net.h"
#include "netrun.h"
#include "proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(net);

enum { MAX = 5000 };

/* A script loaded for a test, and the process its last declaration binds. */
static const Proc *load(Loaded *l, const char *script)
{
    return proc_state(l->pt, fixture_load(l, "<net>", script));
}

static void unload(Loaded *l) { fixture_unload(l); }

/* Walks the network of the last declaration of script, breadth-first,
 * comparing each state with its term. Returns the number of states. */
static uint32_t compare(const char *script)
{
    Loaded l;
    const Proc *root = load(&l, script);
    ProcTable *pt = l.pt;
    Net *n = net_new(pt, root);
    cr_assert_not_null(n);
    static const Proc *term_of[MAX];
    cr_assert_eq(net_term(n, 0), root, "%s: initial state", script);
    term_of[0] = root;
    uint32_t seen = 1;
    for (uint32_t s = 0; s < seen; s++) {
        uint32_t m, k;
        const Trans *ts = proc_transitions(pt, term_of[s], &m);
        cr_assert_not_null(ts);
        const NetTrans *nt = net_transitions(n, s, &k);
        cr_assert_not_null(nt);
        cr_assert_eq(k, m, "%s: state %u has %u transitions, its term %u", script, s, k, m);
        NetTrans copy[64];
        cr_assert_leq(k, 64);
        memcpy(copy, nt, k * sizeof *nt);
        for (uint32_t i = 0; i < k; i++) {
            cr_assert_eq(copy[i].event, ts[i].event, "%s: state %u transition %u", script, s, i);
            const Proc *want = proc_state(pt, ts[i].next);
            if (copy[i].next == seen) {
                cr_assert_lt(seen, MAX);
                term_of[seen++] = want;
            }
            cr_assert_eq(term_of[copy[i].next], want, "%s: state %u transition %u leads elsewhere",
                         script, s, i);
            for (uint32_t j = 0; j < seen; j++)   /* distinct ids, distinct terms */
                cr_assert(j == copy[i].next || term_of[j] != want, "%s: one term, two states", script);
        }
        cr_assert_eq(net_terminated(n, s), term_of[s]->kind == PROC_OMEGA, "%s: state %u", script, s);
        cr_assert_eq(net_term(n, s), term_of[s], "%s: the term of state %u", script, s);
    }
    net_free(n);
    unload(&l);
    return seen;
}

Test(net, parallels_with_termination)
{
    cr_expect_eq(compare("channel a, b, c\n"
                         "P = (a -> SKIP ||| b -> SKIP) [| {c} |] (c -> SKIP [] a -> STOP)\n"), 8);
    /* 4 states on the left (2 x 2: the sides tick only together, and only
     * with the right, which never can: c is blocked), 2 on the right */
    compare("channel a, b, c\nP = (a -> SKIP [| {a} |] a -> b -> SKIP) ; c -> P\n"
            "Q = (P ||| SKIP) [| {a} |] (a -> SKIP ||| a -> SKIP)\n");
}

Test(net, nested_alphabets_and_hiding)
{
    compare("N = 3\nchannel pick, drop : {0..N-1}.{0..N-1}\n"
            "PH(i) = pick.i.i -> pick.i.((i+1)%N) -> drop.i.i -> drop.i.((i+1)%N) -> PH(i)\n"
            "F(i) = pick.i.i -> drop.i.i -> F(i) [] pick.((i-1+N)%N).i -> drop.((i-1+N)%N).i -> F(i)\n"
            "A(i) = {pick.i.i, pick.i.((i+1)%N), drop.i.i, drop.i.((i+1)%N)}\n"
            "B(i) = {pick.i.i, pick.((i-1+N)%N).i, drop.i.i, drop.((i-1+N)%N).i}\n"
            "S = (|| i : {0..N-1} @ [union(A(i), B(i))] (PH(i) [A(i) || B(i)] F(i))) \\ {| drop |}\n");
}

Test(net, hiding_renaming_and_links)
{
    compare("channel a, b, c\nP = (a -> P) \\ {a}\n");
    compare("channel a, b, c\nR = a -> b -> R\nP = (R [[ a <- c, a <- b ]] ||| (c -> SKIP)) \\ {b}\n");
    compare("channel l, r : {0..1}\nchannel m : {0..1}\n"
            "C(i, o) = i?x -> o!x -> C(i, o)\n"
            "P = C(l, m) [m <-> l] C(l, r)\n");
    compare("channel a, b, c\nQ = a -> (b -> SKIP ||| c -> SKIP) ; Q\nP = Q [| {b} |] (b -> b -> STOP)\n");
}

/* prioritise and prioritisepo over a parallel are network operators. */
Test(net, priorities_over_parallels)
{
    compare("channel a, b, c\nP = a -> b -> P [] c -> STOP\n"
            "Q = prioritise((P [| {a} |] (a -> SKIP ; P)) \\ {b}, <{c}, {a}>)\n");
    compare("channel a, b, c\nP = a -> b -> P [] c -> STOP\n"
            "Q = prioritisepo((P [| {a} |] (a -> SKIP ; P)) \\ {b}, {a, b, c}, {(c, a)}, {c})\n");
    compare("channel a, b, c, tock\nTimed { P = a -> b -> P [] c -> SKIP\n"
            "R = timed_priority((P ||| P) \\ {b}) }\nQ = R\n");
}

Test(net, interleaving_that_returns)
{
    cr_expect_eq(compare("channel w : {0..9}\nW(i) = w.i -> W(i)\nP = ||| i : {0..9} @ W(i)\n"), 1);
}

Test(net, states_packed_then_widened)
{
    /* Fields grow as components show new local states: packed again while
     * they fit a word, stored as trees from the moment they do not (8
     * components of 300 local states need 72 bits). */
    cr_expect_eq(compare("channel tick\nchannel c : {0..7}\n"
                         "P(i, n) = tick -> P(i, (n + 1) % 20) [] n == 3 & c.i -> P(i, n)\n"
                         "S = || i : {0..3} @ [{tick, c.i}] P(i, 0)\n"), 20);
    cr_expect_eq(compare("channel tick\n"
                         "P(n) = tick -> P((n + 1) % 300)\n"
                         "S = || i : {0..7} @ [{tick}] P(0)\n"), 300);
    compare("channel tick, done\n"
            "P(n) = tick -> P((n + 1) % 300) [] n == 299 & done -> SKIP\n"
            "S = (|| i : {0..7} @ [{tick, done}] P(0)) ; STOP\n");
}

/* Walks script's last declaration in place for `steps` steps (transition
 * k = a pseudo-random pick), checking each state's count and tau count,
 * and each step's event and resulting term, against the terms. */
static void compare_run(const char *script, uint32_t steps)
{
    Loaded l;
    const Proc *p = load(&l, script);
    ProcTable *pt = l.pt;
    bool failed;
    NetRun *r = netrun_new(pt, p, 2, &failed);
    cr_assert_not_null(r, "%s: not a network", script);
    uint64_t x = 12345;
    for (uint32_t step = 0; step < steps; step++) {
        uint32_t m;
        const Trans *ts = proc_transitions(pt, p, &m);
        cr_assert_not_null(ts);
        uint64_t taus, n = netrun_count(r, &taus), want_taus = 0;
        for (uint32_t k = 0; k < m; k++) want_taus += ts[k].event == EVENT_TAU;
        cr_assert_eq(n, m, "%s: step %u: %llu transitions, the term has %u", script, step,
                     (unsigned long long)n, m);
        cr_assert_eq(taus, want_taus, "%s: step %u: taus", script, step);
        cr_assert_eq(netrun_terminated(r), p->kind == PROC_OMEGA);
        if (!m) break;
        x = x * 6364136223846793005u + 1442695040888963407u;
        uint32_t k = (uint32_t)((x >> 33) % m), got;
        cr_assert(netrun_step(r, k, &got));
        cr_assert_eq(got, ts[k].event, "%s: step %u: transition %u's event", script, step, k);
        p = proc_state(pt, ts[k].next);
        cr_assert_eq(netrun_term(r), p, "%s: step %u: transition %u leads elsewhere", script, step, k);
    }
    netrun_free(r);
    unload(&l);
}

Test(net, run_in_place)
{
    compare_run("channel a, b, c\n"
                "P = (a -> SKIP ||| b -> SKIP) [| {c} |] (c -> SKIP [] a -> STOP)\n", 10);
    compare_run("channel a, b\nP = (a -> SKIP ||| b -> SKIP) ||| (SKIP ||| a -> b -> SKIP)\n", 20);
    compare_run("N = 4\nchannel pick, drop : {0..N-1}.{0..N-1}\n"
                "PH(i) = pick.i.i -> pick.i.((i+1)%N) -> drop.i.i -> drop.i.((i+1)%N) -> PH(i)\n"
                "F(i) = pick.i.i -> drop.i.i -> F(i) [] pick.((i-1+N)%N).i -> drop.((i-1+N)%N).i -> F(i)\n"
                "A(i) = {pick.i.i, pick.i.((i+1)%N), drop.i.i, drop.i.((i+1)%N)}\n"
                "B(i) = {pick.i.i, pick.((i-1+N)%N).i, drop.i.i, drop.((i-1+N)%N).i}\n"
                "S = (|| i : {0..N-1} @ [union(A(i), B(i))] (PH(i) [A(i) || B(i)] F(i))) \\ {| drop.0 |}\n", 300);
    compare_run("channel a, b, d : {0..3}\nchannel e, f\n"
                "P(i) = a.i -> b.i -> P(i) [] e -> f -> P(i) [] a.i -> (SKIP |~| P(i))\n"
                "P2 = ((||| i : {0..3} @ P(i)) [[ a.1 <- d.1, a.1 <- d.2, e <- f ]]) \\ {| b |}\n", 300);
    compare_run("channel s, t : {0..1}\nchannel w : {0..3}\n"
                "P(i) = w.i -> P(i) [] s?x -> t.x -> P(i) [] t.0 -> SKIP\n"
                "M = [| {| s, t |} |] i : {0..3} @ P(i)\n", 300);
}

/* net_explain_step over every transition of a script's network: each
 * component whose term changed took part; each that took part has a
 * transition by the event it is said to have done; and some part's event
 * becomes the step's event at the top. Returns the steps explained. */
static uint32_t explain_all(const char *script)
{
    Loaded l;
    const Proc *root = load(&l, script);
    Net *n = net_new(l.pt, root);
    cr_assert_not_null(n);
    uint32_t comps = net_components(n), steps = 0;
    uint32_t *did = malloc(comps * sizeof *did);
    for (uint32_t s = 0; s < net_states(n) && s < MAX; s++) {
        uint32_t k;
        const NetTrans *nt = net_transitions(n, s, &k);
        cr_assert_not_null(nt);
        NetTrans copy[64];
        cr_assert_leq(k, 64);
        memcpy(copy, nt, k * sizeof *nt);
        for (uint32_t i = 0; i < k; i++) {
            cr_assert(net_explain_step(n, s, i, did), "%s: state %u transition %u", script, s, i);
            bool top = false;
            for (uint32_t c = 0; c < comps; c++) {
                const Proc *before = net_component_term(n, s, c), *after = net_component_term(n, copy[i].next, c);
                if (did[c] == NET_IDLE) {
                    cr_assert_eq(before, after, "%s: state %u transition %u: component %u moved unseen",
                                 script, s, i, c);
                    continue;
                }
                uint32_t lifted[64];
                uint32_t m = net_lift(n, c, did[c], 0, lifted, 64);
                for (uint32_t j = 0; j < m; j++) top |= lifted[j] == copy[i].event;
                if (did[c] == EVENT_TICK && after->kind == PROC_OMEGA) continue;
                uint32_t nl;
                const Trans *lt = proc_transitions(l.pt, before, &nl);
                bool has = false;
                for (uint32_t j = 0; j < nl && !has; j++) has = lt[j].event == did[c];
                cr_assert(has, "%s: state %u transition %u: component %u cannot do what it did",
                          script, s, i, c);
            }
            cr_assert(top || copy[i].event == EVENT_TAU, "%s: state %u transition %u: no part's event "
                      "becomes the step's", script, s, i);
            steps++;
        }
    }
    free(did);
    net_free(n);
    unload(&l);
    return steps;
}

Test(net, explained_steps)
{
    cr_expect_gt(explain_all("channel a, b, c\n"
                             "P = (a -> SKIP ||| b -> SKIP) [| {c} |] (c -> SKIP [] a -> STOP)\n"), 0);
    cr_expect_gt(explain_all("channel a, b, c, d\nchannel w : {0..1}\n"
                             "IN = w.0 -> d -> c -> IN\n"
                             "L1 = (IN [| {| w |} |] (w?i -> d -> STOP)) \\ {| w |}\n"
                             "L2 = (L1 [[ d <- b ]]) \\ {c}\n"
                             "P = L2 [[ b <- a, b <- c ]]\n"), 0);
    cr_expect_gt(explain_all("channel a, b : {0..2}\n"
                             "L = a?x -> b!x -> L\nR = b?x -> a!x -> R\n"
                             "P = L [b <-> a] R\n"), 0);
}

/* One step in detail: a synchronised, hidden event is each component's own. */
Test(net, explained_hidden_sync)
{
    Loaded l;
    const Proc *root = load(&l, "channel a, b\n"
                                "P = ((a -> b -> STOP) [| {a} |] (a -> STOP)) \\ {a}\n");
    Net *n = net_new(l.pt, root);
    uint32_t k, did[2];
    const NetTrans *nt = net_transitions(n, 0, &k);
    cr_assert_eq(k, 1);
    cr_assert_eq(nt[0].event, EVENT_TAU);
    cr_assert(net_explain_step(n, 0, 0, did));
    cr_expect_neq(did[0], EVENT_TAU);
    cr_expect_eq(did[0], did[1], "both components did the hidden a");
    uint32_t up[4];
    cr_expect_eq(net_lift(n, 0, did[0], 0, up, 4), 1);
    cr_expect_eq(up[0], EVENT_TAU);
    net_free(n);
    unload(&l);
}

/* Children whose slices are too wide to index directly (two components
 * of 100 states in step under one parallel: 14 bits) keep their compiled
 * slices hashed; the root synchronises them with a third child
 * (netplan.c). */
Test(net, wide_children_through_the_root_plan)
{
    cr_expect_eq(compare("channel a : {0..99}\nchannel sync, b\n"
                         "C(n) = a.n -> C((n + 1) % 100) [] n % 10 == 0 & sync -> C(n)\n"
                         "D(n) = a.n -> D((n + 1) % 100) [] b -> D(n)\n"
                         "T = sync -> T [] sync -> STOP\n"
                         "S = (C(0) [| {| a |} |] D(0)) [| {sync} |] T\n"), 200);
}
