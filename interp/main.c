/* main.c - the cspi command line: arguments, commands, exit codes.
 * Exit codes (sysexits style, MANUAL.md "Exit codes"): 0 success,
 * 1 an assertion failed, 64 usage, 65 static error in a script, 70 runtime
 * error, 74 I/O error, 75 a limit was reached, 130 interrupted (Ctrl-C).
 * While a command works, the main thread watches its memory and time and
 * a SIGINT handler its Ctrl-C (watch.h); the work runs on a thread of its
 * own with a big stack.
 */
#define _GNU_SOURCE   /* fopencookie (standard output's write errors), open_memstream */
#include "check.h"
#include "compress.h"
#include "eval.h"
#include "interp.h"
#include "json.h"
#include "numarg.h"
#include "proc.h"
#include "repl.h"
#include "resolve.h"
#include "run.h"
#include "session.h"
#include "types.h"
#include "unparse.h"
#include "workers.h"
#ifdef CSPI_MPI
#include "mpilink.h"
#include "ranks.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/resource.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#ifndef CSPI_VERSION
#define CSPI_VERSION "0.1.0"
#endif

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 64, EXIT_STATIC = 65, EXIT_RUNTIME = 70,
       EXIT_IO = 74, EXIT_LIMIT = 75, EXIT_INTERRUPTED = 130 };

/* What stops the work: Ctrl-C, --max-memory, --timeout (watch.h). */
static Watch watch;

/* The main thread looks at the work's memory and clock this often. */
enum { WATCH_EVERY_MS = 10 };

/* --timeout's largest value: about 68 years, so a deadline cannot overflow. */
enum { TIMEOUT_MAX_S = INT32_MAX };

/* Evaluation runs on a thread with a large stack, so deep recursion in a
 * script is limited by "recursion too deep", not by the C stack. */
enum { EVAL_STACK_BYTES = 1u << 30, EVAL_STACK_MARGIN = 4u << 20, EVAL_STACK_MIN = 16u << 20 };

/* The stack the evaluation thread got (0: none, the main thread's). */
static size_t stack_bytes;

static const char usage_main[] =
    "usage: cspi COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "cspi reads CSP scripts in FDR's machine-readable dialect (CSPM).\n"
    "\n"
    "Commands:\n"
    "  parse FILE...     check that scripts parse and every name resolves\n"
    "  eval FILE EXPR... evaluate expressions in a script's scope (FILE '-': none)\n"
    "  test FILE...      check that every binding named test* is true\n"
    "  run FILE [PROC]   run a process (MAIN by default), printing its trace\n"
    "  check FILE        decide the script's assertions (refinement, deadlock, ...)\n"
    "  repl [FILE]       the interactive prompt (also: cspi alone on a terminal)\n"
    "\n"
    "Options:\n"
    "  -h, --help        show this help (also: cspi COMMAND --help)\n"
    "  -V, --version     show the version\n"
    "\n"
    "Exit codes: 0 ok, 1 assertion failed, 64 usage, 65 error in a script,\n"
    "70 runtime error, 74 file unreadable or output unwritable, 75 limit reached,\n"
    "130 interrupted (Ctrl-C). See MANUAL.md.\n";

static const char usage_parse[] =
    "usage: cspi parse [--print | --tree | --types] FILE...\n"
    "\n"
    "Reads each script (following its includes), reports syntax errors, name\n"
    "errors and type errors with their locations, and prints nothing when all\n"
    "is well.\n"
    "\n"
    "Options:\n"
    "  --print           print the script back as canonical, fully bracketed CSPM\n"
    "  --tree            print the syntax tree as s-expressions\n"
    "  --types           print the type of each top-level definition, as FDR's :type\n"
    "  -h, --help        show this help\n";

static const char usage_eval[] =
    "usage: cspi eval [--max-steps N] [--max-memory MB] [--timeout S] FILE|- EXPR...\n"
    "\n"
    "Loads FILE (or nothing, with '-'), runs its print statements, then\n"
    "evaluates each EXPR in the script's scope and prints its value in CSPM\n"
    "syntax, one per line.\n"
    "\n"
    "Options:\n"
    "  --max-steps N     stop an evaluation after N steps (default 2000000000; 0: no limit)\n"
    "  --max-memory MB   stop above MB megabytes (default: half the machine's memory)\n"
    "  --timeout S       stop an expression after S seconds (default: none)\n"
    "  -h, --help        show this help\n";

static const char usage_test[] =
    "usage: cspi test [--max-steps N] [--max-memory MB] [--timeout S] FILE...\n"
    "\n"
    "Runs each script's print statements, then evaluates every top-level\n"
    "binding whose name starts with 'test'; each must be true. Prints each\n"
    "failure and a summary line. Exit status: 0 all true, 1 one is false,\n"
    "70 a runtime error, 75 a limit was reached.\n"
    "\n"
    "Options:\n"
    "  --max-steps N     stop an evaluation after N steps (default 2000000000; 0: no limit)\n"
    "  --max-memory MB   stop above MB megabytes (default: half the machine's memory)\n"
    "  --timeout S       stop a test after S seconds (default: none)\n"
    "  -h, --help        show this help\n";

static const char usage_run[] =
    "usage: cspi run [OPTIONS] FILE [PROCESS]\n"
    "\n"
    "Runs PROCESS (an expression of the script, e.g. 'P(3) [| {| c |} |] Q';\n"
    "MAIN when omitted), printing each visible event as it happens, then one\n"
    "line saying why the run stopped: terminated, deadlock, step limit,\n"
    "livelock or quit.\n"
    "\n"
    "Options:\n"
    "  --seed N            seed of the random scheduler (default 1)\n"
    "  --steps N           stop after N steps, tau included (default 1000)\n"
    "  --schedule MODE     random (default), first (the leftmost component that\n"
    "                      can move moves), or interactive\n"
    "  --interactive       the same as --schedule interactive: choose each event\n"
    "                      from a numbered menu (also: an event's name, back,\n"
    "                      random N, quit)\n"
    "  --show-tau          print tau and tick steps too\n"
    "  --json              print one JSON object: the trace and why it stopped\n"
    "                      (not with --interactive or --quiet)\n"
    "  --quiet, --count    print only the last line (events are counted; not with\n"
    "                      --interactive or --show-tau)\n"
    "  --max-steps N       evaluation step limit (default 2000000000)\n"
    "  --max-memory MB     stop above MB megabytes (default: half the machine's memory)\n"
    "  --timeout S         stop the run after S seconds (default: none)\n"
    "  -h, --help          show this help\n";

static const char usage_check[] =
    "usage: cspi check [OPTIONS] FILE\n"
    "\n"
    "Decides the script's assertions in order: refinement [T= [F= [FD=,\n"
    ":[deadlock free], :[divergence free], :[deterministic], :[has trace].\n"
    "Prints one block per assertion (FDR's layout): Passed or Failed, the\n"
    "states and transitions visited, and for a failure the shortest\n"
    "counterexample. Exit status: 0 every assertion holds, 1 one fails,\n"
    "65/70 an error in the script, 75 a limit was reached.\n"
    "\n"
    "Options:\n"
    "  --assert N          decide only the N-th assertion (from 1)\n"
    "  --format FMT        text (default) or json\n"
    "  --json              the same as --format json\n"
    "  --brief             one line per assertion (not with --json, --time or --explain)\n"
    "  --time              print the time each check took\n"
    "  --verbose           after each assertion, say on stderr what each\n"
    "                      compression it made did (states before and after)\n"
    "  --explain           explain each counterexample: every step, hidden ones\n"
    "                      included, what each component did, where it ended\n"
    "  --max-states N      give up after N states (default 10000000)\n"
    "  --timeout S         give up an assertion after S seconds (default: none)\n"
    "  --max-memory MB     give up an assertion above MB megabytes (default: half\n"
    "                      the machine's memory)\n"
    "  --max-steps N       evaluation step limit (default 2000000000)\n"
    "  --workers N         threads exploring (default: one per core)\n"
#ifdef CSPI_MPI
    "                      (cspi-mpi under mpirun: one thread per process; the\n"
    "                      processes explore together, rank 0 prints)\n"
#endif
    "  -h, --help          show this help\n";

static int usage_error(const char *fmt, const char *arg, const char *help_for)
{
    fprintf(stderr, "cspi: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", help_for ? help_for : "try 'cspi --help'\n");
    return EXIT_USAGE;
}

/* Reads the value of option opt of command cmd into *n, a whole number in
 * [min, max]; false after reporting a usage error (its status in *status). */
static bool option_number(const char *cmd, const char *opt, const char *val, uint64_t min,
                          uint64_t max, uint64_t *n, int *status)
{
    char msg[200];
    if (numarg_parse(opt, val, min, max, n, msg, sizeof msg)) return true;
    fprintf(stderr, "cspi: %s: %s\ntry 'cspi %s --help'\n", cmd, msg, cmd);
    *status = EXIT_USAGE;
    return false;
}

/* ---- JSON documents (MANUAL.md "JSON output") ---- */

static bool json_mode;              /* --json (run), --format json (check) */
static char fail_message[sizeof ((Diag *)0)->last_error];   /* the error a JSON "error" names */

/* Keeps the last error reported in `in` for the JSON document; returns status. */
static int keep_error(Interp *in, int status)
{
    if (status != EXIT_OK) snprintf(fail_message, sizeof fail_message, "%s", in->diag.last_error);
    return status;
}

/* The "error" member: why the command failed, with its exit status. */
static void json_error(JsonWriter *j, int status, const char *message)
{
    json_key(j, "error");
    json_object_begin(j);
    json_key(j, "status");
    json_uint(j, (uint64_t)status);
    json_key(j, "message");
    json_string(j, *message ? message : "see the messages on standard error");
    json_object_end(j);
}

static int cmd_parse(int argc, char **argv)
{
    bool print = false, tree = false, types = false;
    int first_file = argc, n_files = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--print") == 0) print = true;
        else if (strcmp(a, "--tree") == 0) tree = true;
        else if (strcmp(a, "--types") == 0) types = true;
        else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_parse, stdout);
            return EXIT_OK;
        } else if (a[0] == '-' && a[1] && strcmp(a, "--") != 0) {
            return usage_error("parse: unknown option '%s'", a, "try 'cspi parse --help'\n");
        } else {
            if (strcmp(a, "--") == 0) i++;
            first_file = i;
            n_files = argc - i;
            break;
        }
    }
    for (int i = first_file; i < argc; i++)
        if (argv[i][0] == '-' && argv[i][1] && first_file < i)
            return usage_error("parse: options must come before the files ('%s')", argv[i],
                               "try 'cspi parse --help'\n");
    if (n_files == 0) return usage_error("parse: %s", "no script given", "try 'cspi parse --help'\n");
    if (print + tree + types > 1)
        return usage_error("parse: %s", "--print, --tree and --types exclude each other",
                           "try 'cspi parse --help'\n");
    int status = EXIT_OK;
    for (int i = first_file; i < argc; i++) {
        Interp *in = interp_new(stderr);
        Node *script;
        LoadStatus st = interp_load_file(in, argv[i], &script);
        if (st == LOAD_IO_ERROR) {
            if (status == EXIT_OK) status = EXIT_IO;
        } else if (st == LOAD_STATIC_ERROR) {
            status = EXIT_STATIC;
        } else if (print) {
            unparse_script(stdout, script);
        } else if (tree) {
            unparse_tree(stdout, script);
        } else if (types) {
            types_print_script(in, stdout);
        }
        interp_free(in);
    }
    return status;
}

/* ---- evaluation commands ---- */

typedef struct {
    int argc;
    char **argv;
    int (*body)(int, char **);
    int status;
    sem_t done;
} Job;

static void *run_job(void *p)
{
    Job *j = p;
    j->status = j->body(j->argc, j->argv);
    sem_post(&j->done);
    return NULL;
}

/* The watchdog: until the job is done, the watch's look every few
 * milliseconds. Work that does not stop long after a limit asked it to
 * (a loop that does not look at the watch) ends the process here. */
static void watch_job(Job *j)
{
    for (;;) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += WATCH_EVERY_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        if (sem_timedwait(&j->done, &ts) == 0) return;
        if (errno != ETIMEDOUT && errno != EINTR) return;
        if (watch_poll(&watch)) {
            char why[160];
            fflush(stdout);
            fprintf(stderr, "cspi: error: %s; the computation did not stop when asked, so cspi "
                    "ends here\n", watch_reason(&watch, why, sizeof why));
            _exit(EXIT_LIMIT);
        }
    }
}

/* Runs body(argc, argv) on a thread with a big stack, watched. Under a
 * limit on address space (ulimit -v) the stack may be smaller (the
 * evaluator's recursion limit follows it); if no thread can be had at
 * all, directly, unwatched but for Ctrl-C. */
static int with_big_stack(int (*body)(int, char **), int argc, char **argv)
{
    Job j = { .argc = argc, .argv = argv, .body = body, .status = EXIT_RUNTIME };
    pthread_attr_t attr;
    pthread_t th;
    watch_begin(&watch);
    size_t first = EVAL_STACK_BYTES;
    struct rlimit rl;   /* ulimit -v: an eighth of it at most, the heap needs the rest */
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        while (first > EVAL_STACK_MIN && first > rl.rlim_cur / 8) first /= 2;
    if (sem_init(&j.done, 0, 0) == 0 && pthread_attr_init(&attr) == 0) {
        for (size_t size = first; size >= EVAL_STACK_MIN; size /= 4) {
            if (pthread_attr_setstacksize(&attr, size) != 0) continue;
            stack_bytes = size;
            if (pthread_create(&th, &attr, run_job, &j) != 0) continue;
            watch_job(&j);
            pthread_join(th, NULL);
            pthread_attr_destroy(&attr);
            sem_destroy(&j.done);
            return j.status;
        }
    }
    stack_bytes = 0;   /* the evaluator measures the stack it has */
    return body(argc, argv);
}

/* Ctrl-C asks the work to stop (the REPL: the command in progress). In the
 * other commands a second Ctrl-C ends cspi at once, as usual. */
static void on_sigint(int sig)
{
    (void)sig;
    atomic_store(&watch.stop, WATCH_INTERRUPT);
}

static void catch_sigint(bool again)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = again ? 0 : SA_RESETHAND;
    sigaction(SIGINT, &sa, NULL);
}

static bool was_interrupted(void) { return watch_stopped(&watch) == WATCH_INTERRUPT; }

static int exit_for(EvalStatus st)
{
    if (st != EVAL_LIMIT) return EXIT_RUNTIME;
    return was_interrupted() ? EXIT_INTERRUPTED : EXIT_LIMIT;
}

/* --max-memory MB and --timeout S, shared by every command that works:
 * true when option a is one of them (with its value n). */
static bool watch_option(const char *a, unsigned long long n)
{
    if (strcmp(a, "--max-memory") == 0) watch.max_memory = n < (1ull << 44) ? (uint64_t)n << 20 : UINT64_MAX;
    else if (strcmp(a, "--timeout") == 0) watch.timeout_ms = (uint64_t)n * 1000;
    else return false;
    return true;
}

static bool is_watch_option(const char *a)
{
    return strcmp(a, "--max-memory") == 0 || strcmp(a, "--timeout") == 0;
}

/* The largest value an option takes: --max-memory is in MB (at most 2^64
 * bytes), --timeout in seconds. */
static uint64_t option_max(const char *a)
{
    if (strcmp(a, "--max-memory") == 0) return UINT64_MAX >> 20;
    if (strcmp(a, "--timeout") == 0) return TIMEOUT_MAX_S;
    return UINT64_MAX;
}

/* A command that works starts: the default limits (memory: half the
 * machine, or less in a container; no timeout), Ctrl-C caught. */
static void watch_defaults(bool repl)
{
    memset(&watch, 0, sizeof watch);
    watch.max_memory = watch_default_memory();
    catch_sigint(repl);
}

/* Parses leading options shared by eval and test; returns the index of the
 * first operand, or -1 after a usage error (or help) with *status set. */
static int eval_options(int argc, char **argv, uint64_t *max_steps, const char *cmd,
                        const char *help, int *status)
{
    int i = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(help, stdout);
            *status = EXIT_OK;
            return -1;
        }
        if (strcmp(a, "--max-steps") == 0 || is_watch_option(a)) {
            uint64_t n;
            if (!option_number(cmd, a, i + 1 < argc ? argv[i + 1] : NULL, 0, option_max(a), &n, status))
                return -1;
            if (!watch_option(a, n)) *max_steps = n;
            i++;
            continue;
        }
        if (strcmp(a, "--") == 0) return i + 1;
        if (a[0] == '-' && a[1]) {
            *status = usage_error("unknown option '%s'", a, help);
            return -1;
        }
        break;
    }
    return i;
}

static uint64_t max_steps_opt = SESSION_DEFAULT_MAX_STEPS;

/* The limits of every command's session: the options given, the stack the
 * evaluation thread got. */
static SessionLimits limits(void)
{
    return (SessionLimits){ .stack_bytes = stack_bytes ? stack_bytes - EVAL_STACK_MARGIN : 0,
                            .max_steps = max_steps_opt, .watch = &watch };
}

/* Opens path (NULL: none) with expr (NULL: none), diagnostics to stderr. */
static LoadStatus open_session(Session *s, const char *path, const char *expr)
{
    SessionLimits lim = limits();
    return session_open_file(s, path, expr, &lim, stderr);
}

static int load_failure(LoadStatus st) { return st == LOAD_IO_ERROR ? EXIT_IO : EXIT_STATIC; }

static int eval_body(int argc, char **argv)
{
    const char *path = strcmp(argv[0], "-") == 0 ? NULL : argv[0];
    int status = EXIT_OK;
    for (int i = 1; i < argc && status == EXIT_OK; i++) {
        watch_begin(&watch);   /* --timeout: each expression */
        Session s;
        LoadStatus st = open_session(&s, path, argv[i]);
        if (st != LOAD_OK) {
            status = load_failure(st);
        } else {
            EvalStatus es = i == 1 ? eval_prints(s.E, stdout) : EVAL_OK;
            const Val *v;
            if (es == EVAL_OK) es = eval_node(s.E, s.expr->kid[1], &v);
            if (es == EVAL_OK) es = eval_print_value(s.E, stdout, v);
            if (es == EVAL_OK) {
                fputc('\n', stdout);
            } else {
                status = exit_for(es);
            }
        }
        fflush(stdout);
        session_close(&s);
    }
    return status;
}

static int cmd_eval(int argc, char **argv)
{
    int status;
    watch_defaults(false);
    int first = eval_options(argc, argv, &max_steps_opt, "eval", usage_eval, &status);
    if (first < 0) return status;
    if (argc - first < 2) return usage_error("eval: %s", "expected a script (or -) and an expression",
                                             "try 'cspi eval --help'\n");
    return with_big_stack(eval_body, argc - first, argv + first);
}

static bool is_test_name(const char *name) { return strncmp(name, "test", 4) == 0; }

static int test_file(const char *path)
{
    Session s;
    LoadStatus st = open_session(&s, path, NULL);
    if (st != LOAD_OK) {
        session_close(&s);
        return load_failure(st);
    }
    Interp *in = s.in;
    Node *script = s.script;
    Eval *E = s.E;
    int status = EXIT_OK;
    uint32_t passed = 0, failed = 0, errors = 0;
    EvalStatus ps = eval_prints(E, stdout);
    if (ps != EVAL_OK) status = exit_for(ps);
    for (uint32_t i = 0; i < res_top_count(script) && ps == EVAL_OK && !was_interrupted(); i++) {
        const ResDef *d = res_top_def(script, i);
        if (d->kind != RES_DEF_VALUE || !is_test_name(d->name->name)) continue;
        watch_begin(&watch);   /* --timeout: each test */
        const Val *v;
        EvalStatus es = eval_def(E, d, &v);
        if (es != EVAL_OK) {
            errors++;
            if (status == EXIT_OK || status == EXIT_FAILED) status = exit_for(es);
            continue;
        }
        if (v->kind == V_BOOL && v->num) {
            passed++;
            continue;
        }
        failed++;
        if (status == EXIT_OK) status = EXIT_FAILED;
        uint32_t line, col;
        src_position(in->src, d->at.file, d->at.start, &line, &col);
        printf("%s:%u:%u: %s is ", src_name(in->src, d->at.file), line, col, d->name->name);
        if (v->kind == V_BOOL) fputs("false", stdout);
        else {
            fputs("not a boolean: ", stdout);
            eval_print(E, stdout, v);
        }
        fputc('\n', stdout);
    }
    printf("%s: %u passed, %u failed", path, passed, failed);
    if (errors) printf(", %u error%s", errors, errors == 1 ? "" : "s");
    fputc('\n', stdout);
    fflush(stdout);
    session_close(&s);
    return status;
}

static int test_body(int argc, char **argv)
{
    int status = EXIT_OK;
    for (int i = 0; i < argc && !was_interrupted(); i++) {
        int st = test_file(argv[i]);
        if (st != EXIT_OK && (status == EXIT_OK || (status == EXIT_FAILED && st != EXIT_FAILED)))
            status = st;
    }
    return status;
}

static int cmd_test(int argc, char **argv)
{
    int status;
    watch_defaults(false);
    int first = eval_options(argc, argv, &max_steps_opt, "test", usage_test, &status);
    if (first < 0) return status;
    if (first == argc) return usage_error("test: %s", "no script given", "try 'cspi test --help'\n");
    return with_big_stack(test_body, argc - first, argv + first);
}

/* The script's print statements: to standard output, or with JSON into a
 * "prints" member, a string per line (left out when there are none). */
static EvalStatus run_prints(Eval *E, JsonWriter *j)
{
    if (!j) return eval_prints(E, stdout);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        fputs("cspi: out of memory\n", stderr);
        exit(EXIT_RUNTIME);
    }
    EvalStatus st = eval_prints(E, f);
    fclose(f);
    if (len) {
        json_key(j, "prints");
        json_array_begin(j);
        for (size_t at = 0; at < len;) {   /* each printed value ends with a newline */
            size_t end = at;
            while (end < len && text[end] != '\n') end++;
            json_string_n(j, text + at, end - at);
            at = end + 1;
        }
        json_array_end(j);
    }
    free(text);
    return st;
}

/* ---- cspi run ---- */

static RunOptions run_opts;
static bool run_walked;   /* run_walk wrote the trace (JSON) */

/* Names of top-level definitions whose value is a process, for a hint. */
static void list_processes(Interp *in, Node *script, Eval *E)
{
    fputs("cspi: the script defines no MAIN; name a process to run", stderr);
    uint32_t shown = 0;
    for (uint32_t i = 0; i < res_top_count(script) && shown < 12; i++) {
        const ResDef *d = res_top_def(script, i);
        if (d->kind != RES_DEF_VALUE || d->decl->kind != N_PATBIND || d->decl->kid[0]->kind != N_VAR)
            continue;
        int before = in->diag.n_errors;
        bool q = in->diag.quiet;
        in->diag.quiet = true;
        const Val *v;
        EvalStatus st = eval_def(E, d, &v);
        in->diag.quiet = q;
        in->diag.n_errors = before;
        if (st != EVAL_OK || v->kind != V_PROC) continue;
        fprintf(stderr, "%s %s", shown++ ? "," : ", such as", d->name->name);
    }
    fputs("\n", stderr);
}

static int run_script(int argc, char **argv)
{
    const char *path = argv[0];
    const char *expr = argc > 1 ? argv[1] : "MAIN";
    int status = EXIT_OK;
    Session ss;
    if (argc == 1) {
        /* Without a process named: MAIN if the script has one. */
        LoadStatus st = open_session(&ss, path, NULL);
        if (st != LOAD_OK) {
            status = keep_error(ss.in, load_failure(st));
            session_close(&ss);
            return status;
        }
        bool has_main = res_top_lookup(ss.script, sym_intern_cstr(ss.in->syms, "MAIN"));
        if (!has_main) list_processes(ss.in, ss.script, ss.E);
        session_close(&ss);
        if (!has_main) {
            snprintf(fail_message, sizeof fail_message,
                     "the script defines no MAIN; name a process to run");
            return EXIT_USAGE;
        }
    }
    LoadStatus st = open_session(&ss, path, expr);
    if (st != LOAD_OK) {
        status = keep_error(ss.in, load_failure(st));
        session_close(&ss);
        return status;
    }
    Interp *in = ss.in;
    Node *decl = ss.expr;
    Eval *E = ss.E;
    const Val *v;
    EvalStatus es = run_prints(E, run_opts.json);
    if (es == EVAL_OK) es = eval_node(E, decl->kid[1], &v);
    if (es != EVAL_OK) {
        status = exit_for(es);
    } else if (v->kind != V_PROC) {
        diag_error(&in->diag, decl->kid[1]->span, "this is not a process, so it cannot be run");
        status = EXIT_RUNTIME;
    } else {
        const Proc *p = proc_of_value(ss.pt, v, decl->kid[1]->span);
        RunStats stats;
        run_walked = p != NULL;
        RunEnd end = p ? run_walk(ss.pt, p, &run_opts, &stats) : RUN_ERROR;
        if (end == RUN_ERROR) status = exit_for(eval_failure(E));
        else if (end == RUN_STOPPED) status = was_interrupted() ? EXIT_INTERRUPTED : EXIT_LIMIT;
    }
    keep_error(in, status);
    fflush(stdout);
    session_close(&ss);
    return status;
}

/* A run, as lines or as one JSON object. */
static int run_body(int argc, char **argv)
{
    JsonWriter jw, *j = json_mode ? &jw : NULL;
    run_opts.json = j;
    run_walked = false;
    fail_message[0] = 0;
    if (j) {
        json_init(j, stdout);
        json_object_begin(j);
    }
    int status = run_script(argc, argv);
    if (j) {
        if (!run_walked) {   /* stopped before the run: the same members, for readers */
            json_key(j, "trace");
            json_array_begin(j);
            json_array_end(j);
            json_key(j, "end");
            json_string(j, "error");
            json_key(j, "events");
            json_uint(j, 0);
            json_key(j, "steps");
            json_uint(j, 0);
        }
        if (status != EXIT_OK) json_error(j, status, fail_message);
        json_finish(j);
    }
    return status;
}

/* Parses the option at argv[0]: how many arguments it used (1 or 2), or
 * minus an exit status (usage error, or 0 after --help). */
static int run_option(int argc, char **argv)
{
    const char *a = argv[0], *val = argc > 1 ? argv[1] : NULL;
    const char *help = "try 'cspi run --help'\n";
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
        fputs(usage_run, stdout);
        return -EXIT_OK;
    }
    if (strcmp(a, "--seed") == 0 || strcmp(a, "--steps") == 0 || strcmp(a, "--max-steps") == 0 ||
        is_watch_option(a)) {
        uint64_t n;
        int status;
        if (!option_number("run", a, val, 0, option_max(a), &n, &status)) return -status;
        if (watch_option(a, n)) return 2;
        if (strcmp(a, "--seed") == 0) run_opts.seed = n;
        else if (strcmp(a, "--steps") == 0) run_opts.max_steps = n;
        else max_steps_opt = n;
        return 2;
    }
    if (strcmp(a, "--schedule") == 0) {
        if (!val) return -usage_error("run: %s needs a mode", a, help);
        if (strcmp(val, "random") == 0) run_opts.schedule = SCHED_RANDOM;
        else if (strcmp(val, "first") == 0) run_opts.schedule = SCHED_FIRST;
        else if (strcmp(val, "interactive") == 0) run_opts.schedule = SCHED_INTERACTIVE;
        else return -usage_error("run: unknown schedule '%s' (random, first, interactive)", val, help);
        return 2;
    }
    if (strcmp(a, "--interactive") == 0) run_opts.schedule = SCHED_INTERACTIVE;
    else if (strcmp(a, "--show-tau") == 0) run_opts.show_tau = true;
    else if (strcmp(a, "--json") == 0) json_mode = true;
    else if (strcmp(a, "--quiet") == 0 || strcmp(a, "--count") == 0) run_opts.quiet = true;
    else return -usage_error("run: unknown option '%s'", a, help);
    return 1;
}

/* Options that cannot go together (MANUAL.md, cspi run), or NULL. */
static const char *run_conflict(void)
{
    bool interactive = run_opts.schedule == SCHED_INTERACTIVE;
    if (json_mode && interactive) return "--json and --interactive";
    if (json_mode && run_opts.quiet) return "--json and --quiet";
    if (run_opts.quiet && interactive) return "--quiet and --interactive";
    if (run_opts.quiet && run_opts.show_tau) return "--quiet and --show-tau";
    return NULL;
}

static int cmd_run(int argc, char **argv)
{
    run_opts = (RunOptions){ .schedule = SCHED_RANDOM, .seed = 1, .max_steps = 1000,
                             .livelock_after = 10000, .out = stdout, .in = stdin };
    json_mode = false;
    watch_defaults(false);
    char *ops[2];
    int n_ops = 0;
    bool options_done = false;
    for (int i = 0; i < argc;) {
        if (!options_done && strcmp(argv[i], "--") == 0) {
            options_done = true;
            i++;
            continue;
        }
        if (!options_done && argv[i][0] == '-' && argv[i][1]) {
            int used = run_option(argc - i, argv + i);
            if (used <= 0) return -used;
            i += used;
            continue;
        }
        if (n_ops == 2)
            return usage_error("run: %s", "too many operands (FILE [PROCESS])", "try 'cspi run --help'\n");
        ops[n_ops++] = argv[i++];
    }
    if (n_ops == 0) return usage_error("run: %s", "no script given", "try 'cspi run --help'\n");
    const char *conflict = run_conflict();
    if (conflict)
        return usage_error("run: %s exclude each other", conflict, "try 'cspi run --help'\n");
    return with_big_stack(run_body, n_ops, ops);
}

/* ---- cspi check ---- */

static ChkOptions check_opts;
static uint32_t check_only;

/* After an assertion reached a limit: the session is built again from the
 * script, so that what the abandoned assertion made (values, process
 * terms, component states) is given back before the next one. false if the
 * script cannot be loaded again (reported). */
static bool reopen(Session *ss, const char *path, Node **script)
{
    fflush(stdout);
    session_close(ss);
#ifdef __GLIBC__
    malloc_trim(0);   /* free's pages back to the system, so the memory limit sees them go */
#endif
    if (open_session(ss, path, NULL) != LOAD_OK) {
        session_close(ss);
        return false;
    }
    *script = ss->script;
    return true;
}

static bool verbose_opt;

#ifdef CSPI_MPI
/* cspi-mpi: the processes mpirun started (ranks.h). Each runs the same
 * command on the same script; rank 0 alone prints (the others' stdout
 * and stderr are /dev/null), and checks explore across all of them. */
static RankLink mpi_link;

/* Every rank ends each assertion together: a limit or an interrupt one
 * rank met is met by all from here (each rebuilds its session, or stops),
 * so their sessions stay alike for the next assertion. */
static ChkResult end_of_assertion(ChkResult r)
{
    int mine = r == CHK_INTERRUPTED ? 2 : r == CHK_LIMIT ? 1 : 0;
    int worst = ranks_end_unit(&mpi_link, mine, &watch);
    return worst <= mine ? r : worst == 2 ? CHK_INTERRUPTED : CHK_LIMIT;
}

/* Rank 0 alone shows anything. */
static void quiet_unless_rank0(void)
{
    if (mpi_link.rank == 0) return;
    int fd = open("/dev/null", O_WRONLY);
    if (fd < 0) return;
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
}
#endif

/* --verbose: the compressions made since the first `from`, one line each
 * on stderr; returns how many have been reported. */
static uint32_t print_compressions(ProcTable *pt, uint32_t from)
{
    uint32_t n;
    const CompressLog *log = compress_log(pt, &n);
    for (uint32_t i = from; i < n; i++) {
        fprintf(stderr, "cspi: %s(", log[i].name);
        proc_print(stderr, pt, log[i].of);
        fprintf(stderr, "): %u state%s -> %u", log[i].before, log[i].before == 1 ? "" : "s", log[i].after);
        if (log[i].plain != log[i].after) fprintf(stderr, " (%u as plain states)", log[i].plain);
        fputc('\n', stderr);
    }
    return n;
}

static int check_body(int argc, char **argv)
{
    (void)argc;
    JsonWriter jw, *j = json_mode ? &jw : NULL;
    check_opts.json = j;
    if (j) {
        json_init(j, stdout);
        json_object_begin(j);
    }
    Session ss;
    LoadStatus st = open_session(&ss, argv[0], NULL);
    if (st != LOAD_OK) {
        int status = load_failure(st);
        if (j) {
            json_key(j, "results");
            json_array_begin(j);
            json_array_end(j);
            json_error(j, status, ss.in->diag.last_error);
            json_finish(j);
        }
        session_close(&ss);
        return status;
    }
    Node *script = ss.script;
    ProcTable *pt = ss.pt;
    compress_set_max_states(pt, check_opts.max_states);
    uint32_t n_logged = 0;   /* compressions reported so far (--verbose) */
    int status = EXIT_OK;
    EvalStatus es = run_prints(ss.E, j);
    if (es != EVAL_OK) status = exit_for(es);
    uint32_t n_assert = 0, n_failed = 0, n_passed = 0, n_untried = 0;
    if (j) {
        json_key(j, "results");
        json_array_lines_begin(j);
    }
    uint32_t total = chk_count_assertions(script);
    /* A write error stops the checks: their results could not be seen. */
    for (uint32_t i = 1; i <= total && es == EVAL_OK && !ferror(stdout); i++) {
        bool timed;   /* in a Timed section: decided like any other (tock-CSP) */
        Node *d = chk_nth_assertion(script, i, &timed);
        n_assert++;
        if (check_only && n_assert != check_only) continue;
        ChkStats stats;
        ChkResult r = chk_assertion(pt, d, &check_opts, &stats);
#ifdef CSPI_MPI
        r = end_of_assertion(r);
#endif
        if (!j && !check_opts.brief) fputc('\n', stdout);
        fflush(stdout);
        if (verbose_opt) {
            n_logged = print_compressions(pt, n_logged);
            if (r == CHK_PASSED || r == CHK_FAILED)
                fprintf(stderr, "cspi: assertion %u explored on %u thread%s\n", n_assert, stats.threads,
                        stats.threads == 1 ? "" : "s");
        }
        if (r == CHK_PASSED) n_passed++;
        else if (r == CHK_FAILED) {
            n_failed++;
            if (status == EXIT_OK) status = EXIT_FAILED;
        } else if (r == CHK_INTERRUPTED) {
            status = EXIT_INTERRUPTED;
            n_untried = check_only ? 0 : total - i;
            break;
        } else {
            int code = r == CHK_LIMIT ? EXIT_LIMIT : EXIT_RUNTIME;
            if (status == EXIT_OK || status == EXIT_FAILED) status = code;
        }
        if (r == CHK_LIMIT && i < total && !reopen(&ss, argv[0], &script)) {
            n_untried = total - i;   /* the script cannot be read again */
            break;
        }
        if (pt != ss.pt) {
            compress_set_max_states(ss.pt, check_opts.max_states);
            n_logged = 0;
        }
        pt = ss.pt;
    }
    if (j) json_array_end(j);
    if (check_only && check_only > total && es == EVAL_OK) {
        char msg[120];
        snprintf(msg, sizeof msg, "the script has %u assertion%s; there is no assertion %u", total,
                 total == 1 ? "" : "s", check_only);
        fprintf(stderr, "cspi: %s\n", msg);
        status = EXIT_USAGE;
        if (j) json_error(j, status, msg);
    } else if (j && es != EVAL_OK) {
        json_error(j, status, ss.in->diag.last_error);
    } else if (!j && !check_only) {
        n_assert += n_untried;
        printf("%u assertion%s: %u passed, %u failed", n_assert, n_assert == 1 ? "" : "s",
               n_passed, n_failed);
        if (n_assert > n_passed + n_failed) printf(", %u not decided", n_assert - n_passed - n_failed);
        putchar('\n');
    }
    if (status == EXIT_INTERRUPTED && !j)
        printf("interrupted (Ctrl-C): %u assertion%s decided, %u not tried\n", n_passed + n_failed,
               n_passed + n_failed == 1 ? "" : "s", n_untried);
    if (j) json_finish(j);
    fflush(stdout);
    session_close(&ss);
    return status;
}

static int cmd_check(int argc, char **argv)
{
    /* Defaults that protect the machine: half its memory (watch_defaults). */
    watch_defaults(false);
    check_opts = (ChkOptions){ .max_states = CHK_DEFAULT_MAX_STATES, .out = stdout, .progress = isatty(2) };
#ifdef CSPI_MPI
    check_opts.ranks = &mpi_link;
#endif
    check_only = 0;
    json_mode = false;
    verbose_opt = false;
    const char *help = "try 'cspi check --help'\n";
    char *file = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_check, stdout);
            return EXIT_OK;
        } else if (strcmp(a, "--assert") == 0 || strcmp(a, "--max-states") == 0 ||
                   strcmp(a, "--timeout") == 0 || strcmp(a, "--max-steps") == 0 ||
                   strcmp(a, "--max-memory") == 0) {
            bool is_assert = strcmp(a, "--assert") == 0;
            uint64_t n;
            int status;
            if (!option_number("check", a, val, is_assert ? 1 : 0, is_assert ? UINT32_MAX : option_max(a),
                               &n, &status))
                return status;
            if (is_assert) check_only = (uint32_t)n;
            else if (strcmp(a, "--max-states") == 0) check_opts.max_states = n;
            else if (!watch_option(a, n)) max_steps_opt = n;
            i++;
        } else if (strcmp(a, "--workers") == 0) {
            uint64_t n;
            int status;
            if (!option_number("check", a, val, 1, WORKERS_MAX, &n, &status)) return status;
            check_opts.workers = (unsigned)n;
            i++;
        } else if (strcmp(a, "--format") == 0) {
            if (!val || (strcmp(val, "json") != 0 && strcmp(val, "text") != 0))
                return usage_error("check: %s takes text or json", a, help);
            json_mode = strcmp(val, "json") == 0;
            i++;
        } else if (strcmp(a, "--json") == 0) {
            json_mode = true;
        } else if (strcmp(a, "--brief") == 0) {
            check_opts.brief = true;
        } else if (strcmp(a, "--time") == 0) {
            check_opts.show_time = true;
        } else if (strcmp(a, "--verbose") == 0) {
            verbose_opt = true;
        } else if (strcmp(a, "--explain") == 0) {
            check_opts.explain = true;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("check: unknown option '%s'", a, help);
        } else if (file) {
            return usage_error("check: %s", "one script at a time", help);
        } else {
            file = argv[i];
        }
    }
    if (!file) return usage_error("check: %s", "no script given", help);
    if (json_mode && check_opts.brief)
        return usage_error("check: %s", "--json and --brief exclude each other", help);
    if (check_opts.brief && check_opts.show_time)
        return usage_error("check: %s", "--brief and --time exclude each other", help);
    if (check_opts.brief && check_opts.explain)
        return usage_error("check: %s", "--brief and --explain exclude each other", help);
    return with_big_stack(check_body, 1, &file);
}

/* ---- cspi repl ---- */

static const char *repl_path;

static int repl_body(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return repl_main(repl_path, isatty(0) && isatty(1), &watch);
}

static int cmd_repl(int argc, char **argv)
{
    repl_path = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs("usage: cspi repl [FILE]\n\nThe interactive prompt: evaluate expressions, "
                  "add definitions, step through\nprocesses. :help at the prompt lists the "
                  "commands.\n", stdout);
            return EXIT_OK;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return usage_error("repl: unknown option '%s'", argv[i], "try 'cspi repl --help'\n");
        if (repl_path) return usage_error("repl: %s", "one script at a time", NULL);
        repl_path = argv[i];
    }
    watch_defaults(true);   /* Ctrl-C stops the computation in progress, not the REPL */
    return with_big_stack(repl_body, 0, NULL);
}

/* ---- standard output: a write that fails is exit 74 ---- */

/* Standard output goes through a stream of ours that writes to fd 1 and
 * keeps the first write error's errno: by the time a command is done, the
 * stream's error flag is all stdio still knows (a flush in the middle of a
 * command already met the error). SIGPIPE is ignored, so a closed pipe is
 * the error EPIPE, not a silent death. */
static int stdout_errno;

static ssize_t write_fd1(void *cookie, const char *buf, size_t n)
{
    (void)cookie;
    size_t done = 0;
    while (done < n) {
        ssize_t k = write(1, buf + done, n - done);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            if (!stdout_errno) stdout_errno = errno;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)k;
    }
    return (ssize_t)done;
}

static void watch_stdout(void)
{
    signal(SIGPIPE, SIG_IGN);
    /* A terminal keeps the plain stream: libedit needs its file descriptor,
     * and a terminal that fails is still caught, though its reason may be lost. */
    if (isatty(1)) return;
    FILE *f = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = write_fd1 });
    if (!f) return;   /* the same */
    setvbuf(f, NULL, _IOFBF, BUFSIZ);
    stdout = f;
}

/* Checks standard output once, when a command is done: output that could
 * not be written (a full disk, a closed pipe) is exit 74 whatever the
 * command's status was. */
static int finish_output(int status)
{
    errno = 0;
    bool failed = fflush(stdout) != 0 || ferror(stdout);
    int err = stdout_errno ? stdout_errno : errno ? errno : EIO;
    if (fclose(stdout) != 0 && !failed) {
        failed = true;
        err = stdout_errno ? stdout_errno : errno ? errno : EIO;
    }
    if (!failed) return status;
    fprintf(stderr, "cspi: writing output: %s\n", strerror(err));
    return EXIT_IO;
}

static int command(int argc, char **argv)
{
    if (argc < 2) {
        if (isatty(0) && isatty(1)) return cmd_repl(0, NULL);
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("cspi %s\n", CSPI_VERSION);
        return EXIT_OK;
    }
    if (strcmp(cmd, "parse") == 0) return cmd_parse(argc - 2, argv + 2);
    if (strcmp(cmd, "eval") == 0) return cmd_eval(argc - 2, argv + 2);
    if (strcmp(cmd, "test") == 0) return cmd_test(argc - 2, argv + 2);
    if (strcmp(cmd, "run") == 0) return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "check") == 0) return cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "repl") == 0) return cmd_repl(argc - 2, argv + 2);
    return usage_error("unknown command '%s'", cmd, NULL);
}

int main(int argc, char **argv)
{
#ifdef CSPI_MPI
    /* mpirun ends the job on Ctrl-C, but hands SIGUSR1 on to every rank:
     * it interrupts as Ctrl-C does one process (kill -USR1 MPIRUN_PID). */
    struct sigaction usr1;
    memset(&usr1, 0, sizeof usr1);
    usr1.sa_handler = on_sigint;
    sigaction(SIGUSR1, &usr1, NULL);
    if (!mpilink_open(&argc, &argv, &mpi_link)) return EXIT_RUNTIME;
    quiet_unless_rank0();
    watch_stdout();
    int status = finish_output(command(argc, argv));
    mpilink_close(&mpi_link);
    return status;
#else
    watch_stdout();
    return finish_output(command(argc, argv));
#endif
}
