/* test_detwork.c - determinism on several threads (detwork.h) against one
 * thread: for 2 to 4 workers, `cspi check` prints what one worker prints
 * (verdict, visited states and transitions, the counterexample's trace and
 * event, a divergence) for networks that pass, fail after hiding, fail
 * deep, diverge, terminate, and learn new component states level after
 * level (their fields widening); the threads decide (ChkStats.threads)
 * unless the limits could be met on one thread's own terms; and
 * detwork_explore's own results.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "fixture.h"

#include "check.h"
#include "detwork.h"
#include "net.h"
#include "proc.h"
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(detwork);

/* Checks every assertion of script on `workers` threads; returns the
 * printed blocks (caller frees) and the threads the last one used. */
static char *check(const char *script, unsigned workers, uint64_t max_states, unsigned *threads)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    cr_assert_not_null(f);
    Session s;
    cr_assert_eq(session_open_text(&s, "<detwork>", script, strlen(script), NULL, 0, NULL, f, false), LOAD_OK,
                 "%s", script);
    ChkOptions o = { .max_states = max_states, .out = f, .workers = workers };
    for (uint32_t i = 0; i < s.script->n; i++) {
        Node *d = s.script->kid[i];
        if (d->kind != N_ASSERT) continue;
        ChkStats st;
        chk_assertion(s.pt, d, &o, &st);
        *threads = st.threads;
    }
    session_close(&s);
    fclose(f);
    return out;
}

/* The same output on 2 to 4 workers as on one; the threads decided the
 * last assertion. */
static void same_output(const char *script, uint64_t max_states, bool threads_decide)
{
    unsigned threads;
    char *one = check(script, 1, max_states, &threads);
    cr_assert_eq(threads, 1);
    for (unsigned w = 2; w <= 4; w++) {
        char *many = check(script, w, max_states, &threads);
        cr_expect_str_eq(many, one, "%s\n%u workers", script, w);
        cr_expect_eq(threads, threads_decide ? w : 1, "%s: %u workers, %u threads decided", script, w, threads);
        free(many);
    }
    free(one);
}

/* Cells passing values along, as a chain; lossy ones may drop them. */
static const char chain[] =
    "channel c : {0..4}.{0..1}\n"
    "COPY(i) = c.i?x -> c.(i+1)!x -> COPY(i)\n"
    "LOSSY(i) = c.i?x -> (c.(i+1)!x -> LOSSY(i) |~| LOSSY(i))\n"
    "CHAIN = || i : {0..3} @ [{| c.i, c.(i+1) |}] COPY(i)\n"
    "LCHAIN = || i : {0..3} @ [{| c.i, c.(i+1) |}] LOSSY(i)\n"
    "INSIDE = {| c.1, c.2, c.3 |}\n";

Test(detwork, same_output_as_one_thread)
{
    char script[4096];
    /* Every state its own node, then nodes of many states: both pass. */
    snprintf(script, sizeof script, "%sassert CHAIN :[deterministic [F]]\n"
             "assert CHAIN \\ INSIDE :[deterministic [FD]]\n", chain);
    same_output(script, 1000000, true);
    /* Hidden, a lossy cell may or may not pass a value on. */
    snprintf(script, sizeof script, "%sassert LCHAIN \\ INSIDE :[deterministic [F]]\n"
             "assert LCHAIN :[deterministic [FD]]\n", chain);
    same_output(script, 1000000, true);
    /* Fails six events deep: one state refuses a, the other can do it. */
    same_output("channel a, b, t\n"
                "LINE(n) = if n == 0 then a -> b -> STOP else t -> LINE(n - 1)\n"
                "assert LINE(6) ||| (t -> STOP) :[deterministic [F]]\n", 1000000, true);
    /* Diverges after two events ([FD]), deterministic in [F]. */
    same_output("channel a, b, c, d\n"
                "LOOP = c -> LOOP\n"
                "DIV = ((a -> b -> LOOP) ||| (d -> STOP)) \\ {c}\n"
                "assert DIV :[deterministic [FD]]\n"
                "assert DIV :[deterministic [F]]\n", 1000000, true);
    /* Termination, and components learning new states level after level
     * (their fields widen: every key laid out again). */
    same_output("channel tick, c : {0..3}\n"
                "P(i, n) = c.i -> P(i, (n + 1) % 40) [] n == 39 & tick.i -> SKIP\n"
                "assert (||| i : {0..2} @ P(i, 0)) :[deterministic]\n", 1000000, true);
    same_output("channel a, b\n"
                "P = a -> P |~| b -> SKIP\n"
                "assert P ||| (a -> STOP) :[deterministic [FD]]\n", 1000000, true);
}

Test(detwork, limits)
{
    char script[4096];
    /* More nodes than the limit: one thread says which limit it meets
     * first (it numbers the states it meets), as it would have alone. */
    snprintf(script, sizeof script, "%sassert CHAIN :[deterministic [F]]\n", chain);
    same_output(script, 30, false);
    /* Hidden, the chain's 81 states are met again and again in its nodes:
     * at a limit of 81 the threads count them once and decide; at 80 one
     * thread meets the limit. */
    snprintf(script, sizeof script, "%sassert CHAIN \\ INSIDE :[deterministic [FD]]\n", chain);
    same_output(script, 81, true);
    same_output(script, 80, false);
    /* A failure before the limit is decided on the threads. */
    same_output("channel a, b, t\n"
                "LINE(n) = if n == 0 then a -> b -> STOP else t -> LINE(n - 1)\n"
                "assert LINE(3) ||| (t -> STOP) :[deterministic [F]]\n", 40, true);
}

/* detwork_explore alone: counts, a failure's trace, and the threads it
 * ran on. */
Test(detwork, explore)
{
    Loaded l;
    const Proc *p = fixture_load(&l, "<detwork>", "channel a, b, t\n"
                                 "LINE(n) = if n == 0 then a -> b -> STOP else t -> LINE(n - 1)\n"
                                 "S = LINE(2) ||| (t -> STOP)\n");
    for (unsigned w = 1; w <= 3; w++) {
        Net *n = net_new(l.pt, p);
        cr_assert_not_null(n);
        DetOptions o = { .workers = w, .events = proc_events(l.pt) };
        DetStats st;
        cr_assert_eq(detwork_explore(n, &o, &st), DET_FAILED, "%u workers", w);
        cr_expect_eq(st.fail, DET_FAIL_REFUSAL);
        cr_expect_eq(st.trace_len, 2, "%u workers: %u events", w, st.trace_len);
        free(st.trace);
        net_free(n);
    }
    fixture_unload(&l);
}
