/* fuzz_common.h - what the libFuzzer harnesses of `make fuzz` share.
 * Each harness (fuzz_parse.c, fuzz_eval.c, fuzz_check.c, fuzz_repl.c)
 * defines LLVMFuzzerTestOneInput and builds everything it uses from the
 * input alone: a fresh Interp (and Eval, tables) per input, freed before it
 * returns, so no state leaks from one input into the next. Diagnostics go to
 * stderr and results to stdout, as in cspi; `make fuzz` discards both
 * (-close_fd_mask=3), a reproducer run shows them.
 * The harnesses must not touch the machine: an input's includes are kept
 * inside one private folder (fuzz_text), and slow inputs are stopped by the
 * evaluator's watch (fuzz_watchdog_*), as Ctrl-C stops them.
 */
#ifndef CSP_FUZZ_COMMON_H
#define CSP_FUZZ_COMMON_H

#include "watch.h"

#include <stddef.h>
#include <stdint.h>

/* The input as a NUL-terminated text (owned by the caller; free it), with
 * each '/' in the file name of an `include "..."` turned into '_': an
 * include can then only name a file in the folder of the text that
 * includes it, never a device or a file elsewhere. */
char *fuzz_text(const uint8_t *data, size_t size);

/* A private folder made for this process (removed at exit), and the path
 * "<folder>/input.csp" that harnesses give their input as its name, so
 * includes resolve inside the folder. */
const char *fuzz_dir(void);
const char *fuzz_script_path(void);

/* The watch handed to evaluators (eval_set_watch, repl_main): nothing but
 * its stop flag is used. fuzz_watchdog_start arms a CPU-time timer: after
 * `seconds` it sets stop to WATCH_INTERRUPT, as Ctrl-C does, and again
 * every 5 ms (the REPL forgets an interrupt after each line).
 * fuzz_watchdog_stop disarms the timer and clears the flag; fuzz_stopped
 * says whether it is set. */
extern Watch fuzz_watch;
bool fuzz_stopped(void);
void fuzz_watchdog_start(double seconds);
void fuzz_watchdog_stop(void);

/* Runs fn(arg) on a thread with a stack of stack_bytes, as cspi runs
 * evaluation on a big stack (main.c); falls back to calling it directly. */
void fuzz_on_big_stack(void (*fn)(void *), void *arg, size_t stack_bytes);

/* Reports a broken invariant on stderr and aborts, so libFuzzer keeps the
 * input as a crash. */
void fuzz_fail(const char *what, const char *detail) __attribute__((noreturn));

#endif
