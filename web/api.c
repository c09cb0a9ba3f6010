/* api.c - the playground's C API: what the page asks of cspi, compiled
 * with emscripten into the Web Worker (web/worker.js).
 * One session at a time, as in the REPL: a script's text loaded (parsed,
 * resolved, its evaluator, events and process terms made), then runs,
 * steps, checks and pictures in it, each answering one JSON document
 * (json.h) that stays valid until the next call. Every answer has
 * "diagnostics": what the Diag printed during the call, in the command
 * line's layout (file:line:col: error: ..., the line, a caret), which the
 * page places in its editor. Nothing here decides anything itself: loading
 * is session.c's, running run.c's, checking check.c's, pictures graph.c's.
 * Stopping a long call is the worker's job (the page ends the worker);
 * memory is the browser's, at most 2 GB (MAXIMUM_MEMORY in the Makefile's
 * EMLDFLAGS), and the depth of recursion is bounded by the engine's stack
 * (WEB_MAX_DEPTH below).
 */
#define _POSIX_C_SOURCE 200809L   /* open_memstream */
#include "check.h"
#include "eval.h"
#include "event.h"
#include "interp.h"
#include "json.h"
#include "graph.h"
#include "proc.h"
#include "resolve.h"
#include "run.h"
#include "session.h"

#include <stdlib.h>
#include <string.h>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#define API EMSCRIPTEN_KEEPALIVE
#else
#define API
#endif

/* The name the script's text is known by in messages. */
static const char script_name[] = "script.csp";

/* Recursion. WebAssembly keeps a C function's locals in two places: those
 * whose address is taken on the C stack in linear memory (WEB_STACK_BYTES,
 * the link's TOTAL_STACK), the calls themselves and the other locals on
 * the browser engine's own stack, which a page cannot enlarge, which the
 * evaluator cannot measure, and which runs out long before the C stack
 * does. So the evaluator counts levels instead (eval_set_max_depth): an
 * evaluation nested in another is one (a tail position is none), and the
 * helpers' frames, the process layer's unfoldings and a datatype value's
 * membership check take what their frames cost in such levels
 * (eval.c's *_LEVELS, sem.c's UNFOLD_LEVELS, procbuild.c's BUILD_LEVELS,
 * evaldecl.c's MEMBER_LEVELS).
 * Measured in Chromium 156's worker with bench/webdepth.mjs --frames on
 * `make web-probe` (these limits lifted): the browser's stack holds 2344
 * frames of eval_expr in optimised code (WEBDEPTH_JS_FLAGS=--no-liftoff;
 * 2637 in the baseline compiler, which starts every function), about
 * 430 bytes each of V8's 984 KiB; a level of `f(n) = if n == 0 then 0
 * else 1 + f(n - 1)` is one frame, as are the let, pattern, union and
 * comprehension shapes of web/test. WEB_MAX_DEPTH leaves an eighth of
 * that for the frames below the evaluator and the work at the deepest
 * level (printing the message, a built-in's loop): every shape measured
 * (those, a lazy let, a datatype value, tail calls, a process unfolding
 * or built) stops with the command line's located "recursion too deep"
 * or "process nested too deeply to unfold", in both compilers, and the
 * worker goes on. A recursion through frames not counted, on a browser
 * with a smaller stack, still ends the worker, and worker.js says so in
 * the same words. */
enum { WEB_STACK_BYTES = 32u << 20, WEB_EVAL_STACK_BYTES = WEB_STACK_BYTES - (1u << 20) };
#ifdef CSPI_WEB_PROBE   /* make web-probe: no limit of the evaluator's before the browser's */
enum { WEB_MAX_DEPTH = 0 };
#else
enum { WEB_MAX_DEPTH = 2050 };
#endif
/* A walk stops after this many steps unless told fewer. */
enum { WEB_MAX_RUN_STEPS = 100000 };
/* The components a step shows. */
enum { WEB_COMPONENTS_SHOWN = 16 };

/* The loaded script (session.h: the pipeline every command opens scripts
 * through), and its text, to build it again after a limit. */
static Session S;
static char *S_text;

/* The stepper: the states walked through (history for back) and the
 * events between them. */
typedef struct {
    const Proc **states;
    uint32_t *events;
    uint32_t n, cap;        /* states[0..n): states[n-1] is the current one */
} Steps;

static Steps steps;
static char *answer;        /* the last answer, freed by the next call */

/* ---- answers ---- */

typedef struct {
    char *buf;
    size_t len;
    FILE *out;
    JsonWriter j;
    char *diag_buf;         /* what the Diag printed during the call */
    size_t diag_len;
    FILE *diag;
} Answer;

static FILE *memstream(char **buf, size_t *len)
{
    FILE *f = open_memstream(buf, len);
    if (!f) {
        fputs("cspi: out of memory\n", stderr);
        exit(70);
    }
    return f;
}

static JsonWriter *begin(Answer *a)
{
    free(answer);
    answer = NULL;
    memset(a, 0, sizeof *a);
    a->out = memstream(&a->buf, &a->len);
    a->diag = memstream(&a->diag_buf, &a->diag_len);
    if (S.in) S.in->diag.out = a->diag;
    if (S.E) session_begin_command(&S);
    json_init(&a->j, a->out);
    json_object_begin(&a->j);
    return &a->j;
}

static const char *finish(Answer *a)
{
    fclose(a->diag);
    if (S.in) S.in->diag.out = stderr;
    json_key(&a->j, "diagnostics");
    json_string_n(&a->j, a->diag_buf ? a->diag_buf : "", a->diag_len);
    free(a->diag_buf);
    json_finish(&a->j);
    fclose(a->out);
    answer = a->buf;
    return answer;
}

static void steps_clear(void)
{
    free(steps.states);
    free(steps.events);
    memset(&steps, 0, sizeof steps);
}

static void web_close(void)
{
    steps_clear();
    session_close(&S);
    free(S_text);
    S_text = NULL;
}

/* Builds the session from text (copied); false when it has errors (printed
 * to diag; S.in stays, for the messages, S.E is NULL). */
static bool web_open(const char *text, FILE *diag)
{
    web_close();
    size_t len = strlen(text);
    SessionLimits lim = { .stack_bytes = WEB_EVAL_STACK_BYTES, .max_depth = WEB_MAX_DEPTH };
    if (session_open_text(&S, script_name, text, len, NULL, 0, &lim, diag, false) != LOAD_OK) return false;
    S_text = xmalloc(len + 1);
    memcpy(S_text, text, len + 1);
    return true;
}

/* The process an expression stands for in the session, or NULL (reported). */
static const Proc *process_of(const char *expr)
{
    Node *decl;
    if (interp_load_expr(S.in, S.script, expr, &decl) != LOAD_OK) return NULL;
    const Val *v;
    if (eval_node(S.E, decl->kid[1], &v) != EVAL_OK) return NULL;
    if (v->kind != V_PROC) {
        diag_error(&S.in->diag, decl->kid[1]->span, "this is not a process");
        return NULL;
    }
    return proc_of_value(S.pt, v, decl->kid[1]->span);
}

static void no_session(JsonWriter *j)
{
    json_key(j, "error");
    json_string(j, "no script is loaded: fix the script's errors first");
}

/* ---- loading ---- */

/* The top-level names (no parameters) whose value is a process. */
static void list_processes(JsonWriter *j)
{
    json_key(j, "processes");
    json_array_begin(j);
    for (uint32_t i = 0; i < res_top_count(S.script); i++) {
        const ResDef *d = res_top_def(S.script, i);
        if (d->kind != RES_DEF_VALUE || d->decl->kind != N_PATBIND || d->decl->kid[0]->kind != N_VAR)
            continue;
        bool q = S.in->diag.quiet;
        int before = S.in->diag.n_errors;
        S.in->diag.quiet = true;
        const Val *v;
        EvalStatus st = eval_def(S.E, d, &v);
        S.in->diag.quiet = q;
        S.in->diag.n_errors = before;
        if (st == EVAL_OK && v->kind == V_PROC) json_string(j, d->name->name);
    }
    json_array_end(j);
}

/* The process an assertion is about: the implementation of a refinement,
 * the process of a property or `has trace`, as written. */
static void assertion_process(JsonWriter *j, Node *decl)
{
    Node *a = decl->kid[0];
    Node *p = a->kind == N_REFINE ? a->kid[1] : a->kid[0];
    const char *text = src_text(S.in->src, p->span.file);
    json_key(j, "process");
    json_string_n(j, text + p->span.start, p->span.end - p->span.start);
}

static void list_assertions(JsonWriter *j)
{
    json_key(j, "assertions");
    json_array_begin(j);
    uint32_t total = chk_count_assertions(S.script);
    for (uint32_t i = 1; i <= total; i++) {
        bool timed;
        Node *d = chk_nth_assertion(S.script, i, &timed);
        char text[CHK_TEXT_MAX];
        chk_assertion_text(S.in->src, d, text, sizeof text);
        json_object_begin(j);
        json_key(j, "text");
        json_string(j, text);
        assertion_process(j, d);
        Span at = d->span;
        json_key(j, "offset");
        json_uint(j, at.file == S.script->span.file ? at.start : 0);
        json_object_end(j);
    }
    json_array_end(j);
}

/* Loads a script: {"ok", "processes", "assertions", "prints"}. */
API const char *web_load(const char *text)
{
    Answer a;
    JsonWriter *j = begin(&a);
    bool ok = web_open(text, a.diag);
    if (ok) {
        S.in->diag.out = a.diag;
        char *pr = NULL;
        size_t pr_len = 0;
        FILE *f = memstream(&pr, &pr_len);
        EvalStatus st = eval_prints(S.E, f);
        fclose(f);
        json_key(j, "prints");
        json_array_begin(j);
        for (size_t at = 0; at < pr_len;) {
            size_t end = at;
            while (end < pr_len && pr[end] != '\n') end++;
            json_string_n(j, pr + at, end - at);
            at = end + 1;
        }
        json_array_end(j);
        free(pr);
        if (st != EVAL_OK) ok = false;
        list_processes(j);
        list_assertions(j);
    }
    json_key(j, "ok");
    json_bool(j, ok);
    return finish(&a);
}

/* ---- running ---- */

/* A walk of expr: cspi run --json's members ("trace", "end", "events",
 * "steps"). first: leftmost-first, else random from seed. */
API const char *web_run(const char *expr, int first, double seed, double max_steps)
{
    Answer a;
    JsonWriter *j = begin(&a);
    if (!S.E) {
        no_session(j);
        return finish(&a);
    }
    const Proc *p = process_of(expr);
    if (p) {
        RunOptions o = { .schedule = first ? SCHED_FIRST : SCHED_RANDOM,
                         .seed = (uint64_t)seed,
                         .max_steps = max_steps >= 1 && max_steps <= WEB_MAX_RUN_STEPS
                                          ? (uint64_t)max_steps : WEB_MAX_RUN_STEPS,
                         .livelock_after = 10000, .json = j, .in = NULL,
                         .tau_cycles = true };
        char *sink = NULL;   /* nothing is printed beside the JSON; a place for it all the same */
        size_t sink_len = 0;
        o.out = memstream(&sink, &sink_len);
        RunStats st;
        run_walk(S.pt, p, &o, &st);
        fclose(o.out);
        free(sink);
    }
    return finish(&a);
}

/* ---- stepping ---- */

static void step_push(const Proc *s, uint32_t ev)
{
    if (steps.n == steps.cap) {
        steps.cap = steps.cap ? steps.cap * 2 : 64;
        steps.states = xrealloc(steps.states, steps.cap * sizeof *steps.states);
        steps.events = xrealloc(steps.events, steps.cap * sizeof *steps.events);
    }
    steps.states[steps.n] = s;
    steps.events[steps.n] = ev;
    steps.n++;
}

static void print_term(JsonWriter *j, const Proc *p)
{
    const Proc *body = proc_body(S.pt, p);
    proc_print(json_capture_begin(j), S.pt, body ? body : p);
    json_capture_end(j);
}

/* The events a term offers, each once, as strings. false after an error. */
static bool offers(JsonWriter *j, const Proc *p)
{
    uint32_t n;
    const Trans *ts = proc_transitions(S.pt, p, &n);
    if (!ts) return false;
    json_array_begin(j);
    for (uint32_t k = 0; k < n; k++) {
        bool dup = false;
        for (uint32_t i = 0; i < k && !dup; i++) dup = ts[i].event == ts[k].event;
        if (dup) continue;
        event_print(json_capture_begin(j), S.events, ts[k].event);
        json_capture_end(j);
    }
    json_array_end(j);
    return true;
}

/* The components of a parallel state, nested parallels opened (a system
 * of philosophers and forks shows each philosopher and each fork): each
 * {"state", "offers"}; past WEB_COMPONENTS_SHOWN only counted in *more. */
static void components(JsonWriter *j, const Proc *p, uint32_t *shown, uint32_t *more)
{
    const Proc *top = proc_under_wrappers(S.pt, p);
    if (!top || (top->kind != PROC_PAR && top->kind != PROC_ALPHA && top->kind != PROC_LINK)) return;
    for (uint32_t i = 0; i < top->n; i++) {
        const Proc *k = proc_under_wrappers(S.pt, top->kids[i]);
        if (k && (k->kind == PROC_PAR || k->kind == PROC_ALPHA || k->kind == PROC_LINK)) {
            components(j, k, shown, more);
            continue;
        }
        if (*shown == WEB_COMPONENTS_SHOWN) {
            ++*more;
            continue;
        }
        ++*shown;
        json_object_begin(j);
        json_key(j, "state");
        print_term(j, top->kids[i]);
        json_key(j, "offers");
        if (!offers(j, top->kids[i])) json_string(j, "(error)");
        json_object_end(j);
    }
}

/* Where the stepper is: {"trace", "choices", "state", "components",
 * "end"}. choices[i] is what web_step_choose(i) takes. */
static void step_state(JsonWriter *j)
{
    json_key(j, "trace");
    json_array_begin(j);
    for (uint32_t i = 0; i + 1 < steps.n; i++) {
        event_print(json_capture_begin(j), S.events, steps.events[i]);
        json_capture_end(j);
    }
    json_array_end(j);
    if (!steps.n) return;
    const Proc *p = steps.states[steps.n - 1];
    uint32_t n;
    const Trans *ts = proc_transitions(S.pt, p, &n);
    if (!ts) return;
    json_key(j, "choices");
    json_array_begin(j);
    for (uint32_t k = 0; k < n; k++) {
        event_print(json_capture_begin(j), S.events, ts[k].event);
        json_capture_end(j);
    }
    json_array_end(j);
    json_key(j, "end");
    if (n) json_string(j, "");
    else json_string(j, p->kind == PROC_OMEGA ? "terminated" : "deadlock");
    json_key(j, "state");
    print_term(j, p);
    json_key(j, "components");
    json_array_begin(j);
    uint32_t shown = 0, more = 0;
    components(j, p, &shown, &more);
    json_array_end(j);
    json_key(j, "more_components");
    json_uint(j, more);
}

/* Starts stepping through expr. */
API const char *web_step_start(const char *expr)
{
    Answer a;
    JsonWriter *j = begin(&a);
    steps_clear();
    if (!S.E) {
        no_session(j);
        return finish(&a);
    }
    const Proc *p = process_of(expr);
    if (p) {
        step_push(p, 0);
        step_state(j);
    }
    return finish(&a);
}

/* Takes the k-th of the current choices. */
API const char *web_step_choose(int k)
{
    Answer a;
    JsonWriter *j = begin(&a);
    if (S.E && steps.n) {
        uint32_t n;
        const Trans *ts = proc_transitions(S.pt, steps.states[steps.n - 1], &n);
        if (ts && k >= 0 && (uint32_t)k < n) {
            steps.events[steps.n - 1] = ts[k].event;
            step_push(ts[k].next, 0);
        }
        step_state(j);
    }
    return finish(&a);
}

/* Undoes the last step (nothing at the start). */
API const char *web_step_back(void)
{
    Answer a;
    JsonWriter *j = begin(&a);
    if (S.E && steps.n) {
        if (steps.n > 1) steps.n--;
        step_state(j);
    }
    return finish(&a);
}

/* ---- checking ---- */

/* Decides assertion n (from 1): {"results": [one object as cspi check
 * --json writes it]}; explain: the text block instead, in "text" (FDR's
 * layout, with what each component offers at a deadlock). */
API const char *web_check(int n, double max_states, int explain)
{
    Answer a;
    JsonWriter *j = begin(&a);
    if (!S.E) {
        no_session(j);
        return finish(&a);
    }
    bool timed;
    Node *d = n >= 1 ? chk_nth_assertion(S.script, (uint32_t)n, &timed) : NULL;
    if (!d) {
        json_key(j, "error");
        json_string(j, "there is no such assertion");
        return finish(&a);
    }
    char *text = NULL;
    size_t text_len = 0;
    FILE *tf = explain ? memstream(&text, &text_len) : NULL;
    ChkOptions o = { .max_states = max_states >= 1 ? (uint64_t)max_states : CHK_DEFAULT_MAX_STATES,
                     .json = explain ? NULL : j, .progress = true, .out = explain ? tf : stdout };
    if (!explain) {
        json_key(j, "results");
        json_array_begin(j);
    }
    ChkStats stats;
    ChkResult r = chk_assertion(S.pt, d, &o, &stats);   /* Timed sections' too */
    if (!explain) json_array_end(j);
    if (tf) {
        fclose(tf);
        json_key(j, "text");
        json_string_n(j, text, text_len);
        free(text);
    }
    if (r == CHK_LIMIT) {
        /* What the abandoned check made is given back, as cspi check does:
         * the session is built again from its text. */
        char *again = S_text;
        S_text = NULL;
        FILE *quiet = memstream(&text, &text_len);
        web_open(again, quiet);
        fclose(quiet);
        free(text);
        free(again);
        if (S.in) S.in->diag.out = a.diag;
    }
    return finish(&a);
}

/* ---- pictures ---- */

/* The LTS of expr: {"dot", "states"} or {"too_big"}. */
API const char *web_graph(const char *expr)
{
    Answer a;
    JsonWriter *j = begin(&a);
    if (!S.E) {
        no_session(j);
        return finish(&a);
    }
    const Proc *p = process_of(expr);
    if (p) {
        const Proc **states = xmalloc(GRAPH_MAX_STATES * sizeof *states);
        uint32_t n;
        GraphStatus st = graph_explore(S.pt, p, states, GRAPH_MAX_STATES, &n);
        if (st == GRAPH_TOO_BIG) {
            json_key(j, "too_big");
            json_uint(j, GRAPH_MAX_STATES);
        } else if (st == GRAPH_OK) {
            json_key(j, "dot");
            graph_write_dot(json_capture_begin(j), S.pt, states, n);
            json_capture_end(j);
            json_key(j, "states");
            json_uint(j, n);
        }
        free(states);
    }
    return finish(&a);
}
