/* fuzz_check.c - libFuzzer harness: processes, the checker and runs.
 * An input is a script. When it loads cleanly, its print statements run,
 * then every assertion is decided as `cspi check` decides it, in text,
 * brief or JSON form by turns (the text explained, as --explain, for an
 * input of even length), on one, two or three threads (by the input's
 * length), within small limits: 5000 states, 1000000 evaluation steps (an
 * assertion that reaches a limit leaves the next one a fresh evaluator);
 * then MAIN, when the script defines it as a process, runs 200 random
 * steps as `cspi run` does. A watchdog interrupts after one second of CPU
 * time. Failed assertions, errors and limits are expected; crashes,
 * sanitizer reports, leaks and libFuzzer's timeouts are findings.
 */
#include "fuzz_common.h"

#include "check.h"
#include "eval.h"
#include "interp.h"
#include "json.h"
#include "proc.h"
#include "resolve.h"
#include "run.h"

#include <stdio.h>
#include <stdlib.h>

enum { STACK_BYTES = 64u << 20, EVAL_STACK = 16u << 20, MAX_STEPS = 1000000, MAX_STATES = 5000,
       RUN_STEPS = 200 };

typedef struct {
    const char *text;
    size_t len;
} Input;

typedef struct {
    Eval *E;
    EventTable *events;
    ProcTable *pt;
} Session;

static void open_session(Session *s, Interp *in, Node *script)
{
    s->E = eval_new(in, script);
    eval_set_limits(s->E, EVAL_STACK, MAX_STEPS);
    eval_set_watch(s->E, &fuzz_watch);
    s->events = event_table_new();
    s->pt = proc_table_new(s->E, s->events);
}

static void close_session(Session *s)
{
    proc_table_free(s->pt);
    event_table_free(s->events);
    eval_free(s->E);
}

static void run_main(ProcTable *pt, Interp *in, Node *script)
{
    const ResDef *d = res_top_lookup(script, sym_intern_cstr(in->syms, "MAIN"));
    const Val *v;
    if (!d || d->kind != RES_DEF_VALUE || eval_def(proc_eval(pt), d, &v) != EVAL_OK || v->kind != V_PROC)
        return;
    const Proc *p = proc_of_value(pt, v, d->at);
    if (!p) return;
    RunOptions o = { .schedule = SCHED_RANDOM, .seed = 1, .max_steps = RUN_STEPS,
                     .livelock_after = 1000, .show_tau = true, .out = stdout, .in = NULL };
    RunStats st;
    run_walk(pt, p, &o, &st);
}

static void check(void *p)
{
    const Input *inp = p;
    Interp *in = interp_new(stderr);
    Node *script;
    if (interp_load_text(in, fuzz_script_path(), inp->text, inp->len, &script) == LOAD_OK) {
        Session s;
        open_session(&s, in, script);
        if (eval_prints(s.E, stdout) == EVAL_OK) {
            uint32_t total = chk_count_assertions(script);
            for (uint32_t i = 1; i <= total && !fuzz_stopped(); i++) {
                bool timed;
                Node *a = chk_nth_assertion(script, i, &timed);
                if (timed) continue;
                /* Text, brief or JSON by turns; one, two or three threads
                 * exploring, by the input's length; text explained (as
                 * --explain) for inputs of even length. */
                JsonWriter jw;
                bool json = i % 3 == 2;
                if (json) {
                    json_init(&jw, stdout);
                    json_array_begin(&jw);
                }
                ChkOptions o = { .max_states = MAX_STATES, .json = json ? &jw : NULL,
                                 .brief = i % 3 == 0, .explain = i % 3 == 1 && inp->len % 2 == 0,
                                 .workers = 1 + (unsigned)((inp->len + i) % 3), .out = stdout };
                ChkStats st;
                ChkResult r = chk_assertion(s.pt, a, &o, &st);
                if (json) json_finish(&jw);
                if (r == CHK_LIMIT) {
                    /* The step count is the evaluator's: the next check gets a new one. */
                    close_session(&s);
                    open_session(&s, in, script);
                }
            }
            if (!fuzz_stopped()) run_main(s.pt, in, script);
        }
        close_session(&s);
    }
    interp_free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Input inp = { fuzz_text(data, size), size };
    fuzz_watchdog_start(1.0);
    fuzz_on_big_stack(check, &inp, STACK_BYTES);
    fuzz_watchdog_stop();
    free((char *)inp.text);
    return 0;
}
