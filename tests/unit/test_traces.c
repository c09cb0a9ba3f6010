/* test_traces.c - chk_traces (traces.c) and the limits it is held to: a
 * stop asked for (Ctrl-C, --timeout, memory) is noticed while the normal
 * form works out the successors of a node of a wide process, where each
 * state has thousands of transitions, not only every 1024 states listed.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "fixture.h"

#include "check.h"
#include "proc.h"
#include "resolve.h"
#include "session.h"
#include "watch.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

TestSuite(traces);

/* Counts the traces listed; the first one (<>) asks the watch to stop. */
typedef struct {
    Watch *watch;
    uint32_t listed;
} Counter;

static bool count_and_stop(void *ctx, const uint32_t *trace, uint32_t len)
{
    (void)trace;
    (void)len;
    Counter *c = ctx;
    if (c->listed++ == 0) atomic_store(&c->watch->stop, WATCH_INTERRUPT);
    return true;
}

Test(traces, a_stop_is_noticed_among_wide_successors)
{
    /* 150 counters that never come back, one event hidden: every state
     * has about 300 successors, each new, and each new node's states are
     * closed under tau, which works out their transitions (fewer than the
     * 1024 steps of normalising between two looks at the watch). */
    static const char script[] =
        "channel w : {0..149}.{0..9}\n"
        "W(i, n) = if n == 9 then SKIP else (w.i.n -> W(i, n + 1) [] w.i.(9 - n) -> W(i, n + 1))\n"
        "MAIN = (||| i : {0..149} @ W(i, 0)) \\ {w.0.0}\n";
    Watch watch;
    memset(&watch, 0, sizeof watch);
    SessionLimits lim = { .watch = &watch };
    Session s;
    cr_assert_eq(session_open_text(&s, "<traces>", script, strlen(script), NULL, 0, &lim, stderr, false),
                 LOAD_OK);
    const Val *v;
    const ResDef *d = res_top_lookup(s.script, sym_intern_cstr(s.in->syms, "MAIN"));
    cr_assert_not_null(d);
    cr_assert_eq(eval_def(s.E, d, &v), EVAL_OK);
    const Proc *p = proc_of_value(s.pt, v, d->at);
    cr_assert_not_null(p);
    ChkOptions o = { .max_states = 0, .out = stdout };
    Counter c = { &watch, 0 };
    ChkResult r = chk_traces(s.pt, p, 2, &o, d->at, count_and_stop, &c);
    cr_expect_eq(r, CHK_INTERRUPTED);
    /* Asked to stop after <>: the successors of the first node (300
     * states of 300 transitions each) are not all worked out, nor listed. */
    cr_expect_lt(c.listed, 100, "%u traces listed after the stop", c.listed);
    session_close(&s);
}
