/* fuzz_eval.c - libFuzzer harness: the evaluator and the built-ins.
 * An input is a script. When it loads cleanly, its print statements run,
 * then every top-level value binding is evaluated, forced completely and
 * printed, as `cspi eval` and `cspi test` do, within small limits: 500000
 * evaluation steps (a binding that reaches them leaves the next one a fresh
 * evaluator), 16 MiB of evaluator stack (on a 64 MiB thread), and a
 * watchdog that interrupts after one second of CPU time. Runtime errors and
 * limits are expected results; crashes, sanitizer reports, leaks and
 * libFuzzer's timeouts are findings.
 */
#include "fuzz_common.h"

#include "eval.h"
#include "interp.h"
#include "resolve.h"

#include <stdio.h>
#include <stdlib.h>

enum { STACK_BYTES = 64u << 20, EVAL_STACK = 16u << 20, MAX_STEPS = 500000 };

typedef struct {
    const char *text;
    size_t len;
} Input;

static Eval *new_eval(Interp *in, Node *script)
{
    Eval *E = eval_new(in, script);
    eval_set_limits(E, EVAL_STACK, MAX_STEPS);
    eval_set_watch(E, &fuzz_watch);
    return E;
}

static void evaluate(void *p)
{
    const Input *inp = p;
    Interp *in = interp_new(stderr);
    Node *script;
    if (interp_load_text(in, fuzz_script_path(), inp->text, inp->len, &script) == LOAD_OK) {
        Eval *E = new_eval(in, script);
        if (eval_prints(E, stdout) == EVAL_OK) {
            for (uint32_t i = 0; i < res_top_count(script) && !fuzz_stopped(); i++) {
                const ResDef *d = res_top_def(script, i);
                if (d->kind != RES_DEF_VALUE) continue;
                const Val *v, *full;
                EvalStatus st = eval_def(E, d, &v);
                if (st == EVAL_OK) st = eval_deep(E, v, &full);
                if (st == EVAL_OK) {
                    eval_print(E, stdout, full);
                    fputc('\n', stdout);
                } else if (st == EVAL_LIMIT) {
                    /* The step count is the evaluator's: the next binding gets a new one. */
                    eval_free(E);
                    E = new_eval(in, script);
                }
            }
        }
        eval_free(E);
    }
    interp_free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Input inp = { fuzz_text(data, size), size };
    fuzz_watchdog_start(1.0);
    fuzz_on_big_stack(evaluate, &inp, STACK_BYTES);
    fuzz_watchdog_stop();
    free((char *)inp.text);
    return 0;
}
