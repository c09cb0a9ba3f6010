/* repl.c - the interactive prompt; see repl.h. */
#define _POSIX_C_SOURCE 200809L
#include "repl.h"

#include "check.h"
#include "eval.h"
#include "numarg.h"
#include "proc.h"
#include "resolve.h"
#include "run.h"
#include "unparse.h"

#include <editline/readline.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { GRAPH_MAX_STATES = 200, TRACES_MAX = 2000 };

typedef struct {
    char *path;             /* the loaded script, or NULL */
    char *session;          /* definitions typed at the prompt, one per line */
    size_t session_len;
    bool tty;
    uint64_t seed;
    time_t mtime;           /* of the script when loaded */
    Watch *watch;           /* Ctrl-C and memory, watched while a command runs */
} Repl;

/* One evaluation context, rebuilt for each command. */
typedef struct {
    Interp *in;
    Node *script, *decl;
    Eval *E;
    EventTable *ev;
    ProcTable *pt;
} Ctx;

static bool open_ctx(Repl *R, const char *expr, Ctx *c)
{
    memset(c, 0, sizeof *c);
    c->in = interp_new(stderr);
    if (interp_load_session(c->in, R->path, R->session, expr, &c->script, &c->decl) != LOAD_OK)
        return false;
    c->E = eval_new(c->in, c->script);
    eval_set_limits(c->E, 0, 2000000000u);
    eval_set_watch(c->E, R->watch);
    c->ev = event_table_new();
    c->pt = proc_table_new(c->E, c->ev);
    return true;
}

static void close_ctx(Ctx *c)
{
    proc_table_free(c->pt);
    event_table_free(c->ev);
    eval_free(c->E);
    interp_free(c->in);
}

/* The process an expression stands for, or NULL (reported). */
static const Proc *process_of(Repl *R, Ctx *c, const char *expr)
{
    if (!open_ctx(R, expr, c)) return NULL;
    const Val *v;
    if (eval_node(c->E, c->decl->kid[1], &v) != EVAL_OK) return NULL;
    if (v->kind != V_PROC) {
        diag_error(&c->in->diag, c->decl->kid[1]->span, "this is not a process");
        return NULL;
    }
    return proc_of_value(c->pt, v, c->decl->kid[1]->span);
}

/* ---- commands ---- */

static void cmd_eval(Repl *R, const char *line)
{
    Ctx c;
    if (open_ctx(R, line, &c)) {
        const Val *v;
        if (eval_node(c.E, c.decl->kid[1], &v) == EVAL_OK) {
            eval_print(c.E, stdout, v);
            fputc('\n', stdout);
        }
    }
    close_ctx(&c);
}

/* A definition typed at the prompt joins the session if it loads cleanly. */
static void cmd_define(Repl *R, const char *text)
{
    size_t n = strlen(text);
    char *grown = xrealloc(R->session, R->session_len + n + 2);
    memcpy(grown + R->session_len, text, n);
    grown[R->session_len + n] = '\n';
    grown[R->session_len + n + 1] = 0;
    R->session = grown;
    size_t old = R->session_len;
    R->session_len += n + 1;
    Ctx c;
    bool ok = open_ctx(R, NULL, &c);
    if (ok) ok = eval_prints(c.E, stdout) == EVAL_OK || true;
    close_ctx(&c);
    if (!ok) {
        R->session_len = old;   /* the definition is dropped; its error was shown */
        R->session[old] = 0;
    }
}

static void cmd_load(Repl *R, const char *arg)
{
    char *path = arg && *arg ? strdup(arg) : (R->path ? strdup(R->path) : NULL);
    if (!path) {
        fputs("cspi: no script to load; :load FILE\n", stderr);
        return;
    }
    Interp *in = interp_new(stderr);
    Node *script;
    LoadStatus st = interp_load_file(in, path, &script);
    if (st == LOAD_OK) {
        Eval *E = eval_new(in, script);
        eval_set_watch(E, R->watch);
        eval_prints(E, stdout);
        eval_free(E);
        free(R->path);
        R->path = path;
        struct stat sb;
        R->mtime = stat(path, &sb) == 0 ? sb.st_mtime : 0;
        printf("loaded %s\n", path);
    } else {
        free(path);
    }
    interp_free(in);
}

static void cmd_browse(Repl *R)
{
    Ctx c;
    if (open_ctx(R, NULL, &c)) {
        for (uint32_t i = 0; i < res_top_count(c.script); i++) {
            const ResDef *d = res_top_def(c.script, i);
            printf("%-20s %s\n", d->name->name, res_def_kind_name[d->kind]);
        }
    }
    close_ctx(&c);
}

static void print_event_set(EventTable *ev, const Trans *ts, uint32_t n, bool visible_only)
{
    fputc('{', stdout);
    uint32_t shown = 0;
    for (uint32_t k = 0; k < n; k++) {
        if (visible_only && ts[k].event == EVENT_TAU) continue;
        bool dup = false;
        for (uint32_t j = 0; j < k && !dup; j++) dup = ts[j].event == ts[k].event;
        if (dup) continue;
        if (shown++) fputs(", ", stdout);
        event_print(stdout, ev, ts[k].event);
    }
    fputc('}', stdout);
}

static void cmd_initials(Repl *R, const char *arg)
{
    Ctx c;
    const Proc *p = process_of(R, &c, arg);
    uint32_t n;
    const Trans *ts = p ? proc_transitions(c.pt, p, &n) : NULL;
    if (ts) {
        bool tau = false;
        for (uint32_t k = 0; k < n; k++) tau = tau || ts[k].event == EVENT_TAU;
        print_event_set(c.ev, ts, n, true);
        fputs(tau ? " (and τ: it may move internally)\n" : "\n", stdout);
    }
    close_ctx(&c);
}

static void cmd_print(Repl *R, const char *arg)
{
    Ctx c;
    const Proc *p = process_of(R, &c, arg);
    const Proc *body = p ? proc_body(c.pt, p) : NULL;
    if (body) {
        proc_print(stdout, c.pt, body);
        fputc('\n', stdout);
    }
    close_ctx(&c);
}

/* Splits "EXPR N": a last word that starts like a number (a digit, or a
 * sign and a digit) is cut off and read into *n, else *n = otherwise.
 * false, with the message shown, when it is not a whole number up to max. */
static bool trailing_number(char *expr, const char *what, uint64_t otherwise, uint64_t max,
                            uint64_t *n)
{
    *n = otherwise;
    char *sp = strrchr(expr, ' ');
    if (!sp) return true;
    const char *w = sp + 1;
    bool signed_digit = (w[0] == '-' || w[0] == '+') && w[1] >= '0' && w[1] <= '9';
    if (!(w[0] >= '0' && w[0] <= '9') && !signed_digit) return true;
    char msg[200];
    if (!numarg_parse(what, w, 0, max, n, msg, sizeof msg)) {
        printf("%s\n", msg);
        return false;
    }
    *sp = 0;
    return true;
}

/* ---- traces: the normal form walked level by level ---- */

typedef struct {
    const Proc **states;
    uint32_t n;
    uint32_t *trace;
    uint32_t len;
} Level;

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(const void *const *)a, y = (uintptr_t)*(const void *const *)b;
    return (x > y) - (x < y);
}

static bool tau_close(Ctx *c, const Proc ***set, uint32_t *n, uint32_t *cap)
{
    for (uint32_t i = 0; i < *n; i++) {
        uint32_t m;
        const Trans *ts = proc_transitions(c->pt, (*set)[i], &m);
        if (!ts) return false;
        for (uint32_t k = 0; k < m; k++) {
            if (ts[k].event != EVENT_TAU) continue;
            bool seen = false;
            for (uint32_t j = 0; j < *n && !seen; j++) seen = (*set)[j] == ts[k].next;
            if (seen) continue;
            if (*n == *cap) *set = xrealloc(*set, (*cap *= 2) * sizeof **set);
            (*set)[(*n)++] = ts[k].next;
        }
    }
    qsort(*set, *n, sizeof **set, cmp_ptr);
    return true;
}

static void print_trace_line(Ctx *c, const uint32_t *t, uint32_t len)
{
    fputc('<', stdout);
    for (uint32_t i = 0; i < len; i++) {
        if (i) fputs(", ", stdout);
        event_print(stdout, c->ev, t[i]);
    }
    fputs(">\n", stdout);
}

static void cmd_traces(Repl *R, const char *arg)
{
    /* ":traces P N": the last word is the length when it is a number. */
    char *expr = strdup(arg);
    uint64_t depth;
    if (!trailing_number(expr, ":traces N", 3, UINT32_MAX, &depth)) {
        free(expr);
        return;
    }
    Ctx c;
    const Proc *p = process_of(R, &c, expr);
    free(expr);
    if (!p) {
        close_ctx(&c);
        return;
    }
    uint32_t cap = 8, n = 1;
    Level *cur = xcalloc(1, sizeof *cur);
    uint32_t n_cur = 1, printed = 0;
    cur[0].states = xmalloc(cap * sizeof *cur[0].states);
    cur[0].states[0] = p;
    cur[0].n = 1;
    bool ok = tau_close(&c, (const Proc ***)&cur[0].states, &cur[0].n, &cap);
    (void)n;
    print_trace_line(&c, NULL, 0);
    printed++;
    for (uint64_t d = 0; ok && d < depth && n_cur; d++) {
        Level *next = NULL;
        uint32_t n_next = 0, cap_next = 0;
        for (uint32_t i = 0; i < n_cur && ok; i++) {
            /* every event any member can do, in order of event number (all
             * of them, however many: gathered, sorted, duplicates dropped) */
            uint32_t n_ev = 0, cap_ev = 16, *evs = xmalloc(cap_ev * sizeof *evs);
            for (uint32_t s = 0; s < cur[i].n && ok; s++) {
                uint32_t m;
                const Trans *ts = proc_transitions(c.pt, cur[i].states[s], &m);
                if (!ts) { ok = false; break; }
                for (uint32_t k = 0; k < m; k++) {
                    if (ts[k].event == EVENT_TAU) continue;
                    if (n_ev == cap_ev) evs = xrealloc(evs, (cap_ev *= 2) * sizeof *evs);
                    evs[n_ev++] = ts[k].event;
                }
            }
            qsort(evs, n_ev, sizeof *evs, cmp_u32);
            uint32_t n_distinct = 0;
            for (uint32_t k = 0; k < n_ev; k++)
                if (n_distinct == 0 || evs[n_distinct - 1] != evs[k]) evs[n_distinct++] = evs[k];
            n_ev = n_distinct;
            for (uint32_t e = 0; e < n_ev && ok; e++) {
                uint32_t scap = 8, sn = 0;
                const Proc **set = xmalloc(scap * sizeof *set);
                for (uint32_t s = 0; s < cur[i].n; s++) {
                    uint32_t m;
                    const Trans *ts = proc_transitions(c.pt, cur[i].states[s], &m);
                    for (uint32_t k = 0; k < m; k++) {
                        if (ts[k].event != evs[e]) continue;
                        if (sn == scap) set = xrealloc(set, (scap *= 2) * sizeof *set);
                        set[sn++] = ts[k].next;
                    }
                }
                ok = tau_close(&c, &set, &sn, &scap);
                if (n_next == cap_next) next = xrealloc(next, (cap_next = cap_next ? cap_next * 2 : 16) * sizeof *next);
                Level *l = &next[n_next++];
                l->states = set;
                l->n = sn;
                l->len = cur[i].len + 1;
                l->trace = xmalloc(l->len * sizeof *l->trace);
                if (cur[i].len) memcpy(l->trace, cur[i].trace, cur[i].len * sizeof *l->trace);
                l->trace[cur[i].len] = evs[e];
                if (printed < TRACES_MAX) print_trace_line(&c, l->trace, l->len);
                printed++;
            }
            free(evs);
        }
        for (uint32_t i = 0; i < n_cur; i++) {
            free(cur[i].states);
            free(cur[i].trace);
        }
        free(cur);
        cur = next;
        n_cur = n_next;
    }
    if (printed > TRACES_MAX) printf("... and %u more traces\n", printed - TRACES_MAX);
    for (uint32_t i = 0; i < n_cur; i++) {
        free(cur[i].states);
        free(cur[i].trace);
    }
    free(cur);
    close_ctx(&c);
}

static void cmd_walk(Repl *R, const char *arg, Schedule sched)
{
    char *expr = strdup(arg);
    uint64_t steps = UINT64_MAX;   /* :step: until the person quits */
    if (sched != SCHED_INTERACTIVE && !trailing_number(expr, ":run N", 50, UINT64_MAX, &steps)) {
        free(expr);
        return;
    }
    Ctx c;
    const Proc *p = process_of(R, &c, expr);
    free(expr);
    if (p) {
        RunOptions o = { .schedule = sched, .seed = R->seed++,
                         .max_steps = steps,
                         .livelock_after = 10000, .out = stdout, .in = stdin };
        RunStats st;
        run_walk(c.pt, p, &o, &st);
    }
    close_ctx(&c);
}

static void cmd_graph(Repl *R, const char *arg)
{
    char *expr = strdup(arg), *file = NULL;
    char *sp = strrchr(expr, ' ');
    if (sp && (strstr(sp, ".dot") || strstr(sp, ".svg") || strstr(sp, ".gv"))) {
        file = sp + 1;
        *sp = 0;
    }
    Ctx c;
    const Proc *p = process_of(R, &c, expr);
    if (!p) {
        close_ctx(&c);
        free(expr);
        return;
    }
    const Proc *states[GRAPH_MAX_STATES + 1];
    uint32_t n = 0;
    bool too_big = false, ok = (p = proc_state(c.pt, p)) != NULL;
    if (ok) states[n++] = p;
    for (uint32_t i = 0; i < n && !too_big && ok; i++) {
        uint32_t m;
        const Trans *ts = proc_transitions(c.pt, states[i], &m);
        if (!ts) { ok = false; break; }
        for (uint32_t k = 0; k < m && ok; k++) {
            const Proc *next = proc_state(c.pt, ts[k].next);
            if (!next) { ok = false; break; }
            bool seen = false;
            for (uint32_t j = 0; j < n && !seen; j++) seen = states[j] == next;
            if (seen) continue;
            if (n == GRAPH_MAX_STATES) { too_big = true; break; }
            states[n++] = next;
        }
    }
    if (ok && too_big) {
        printf("%s has more than %d states: too many to draw; try a smaller process\n", expr,
               GRAPH_MAX_STATES);
    } else if (ok) {
        bool svg = file && strstr(file, ".svg");
        FILE *out = stdout;
        if (svg) {
            /* The name quoted for the shell, however long: ' becomes '\'' */
            size_t len = strlen(file), k = 0;
            char *cmd = xmalloc(len * 4 + 32);
            k += (size_t)sprintf(cmd, "dot -Tsvg -o '");
            for (size_t i = 0; i < len; i++) {
                if (file[i] == '\'') {
                    memcpy(cmd + k, "'\\''", 4);
                    k += 4;
                } else {
                    cmd[k++] = file[i];
                }
            }
            strcpy(cmd + k, "'");
            out = popen(cmd, "w");
            free(cmd);
        } else if (file) {
            out = fopen(file, "w");
        }
        if (!out) {
            fprintf(stderr, "cspi: cannot write %s: %s\n", file, strerror(errno));
        } else {
            fputs("digraph LTS {\n  rankdir=LR;\n  node [shape=circle, label=\"\"];\n", out);
            fputs("  s0 [shape=doublecircle];\n", out);
            for (uint32_t i = 0; i < n; i++) {
                uint32_t m;
                const Trans *ts = proc_transitions(c.pt, states[i], &m);
                for (uint32_t k = 0; k < m; k++) {
                    const Proc *next = proc_state(c.pt, ts[k].next);   /* cached by now */
                    uint32_t j = 0;
                    while (j < n && states[j] != next) j++;
                    fprintf(out, "  s%u -> s%u [label=\"", i, j);
                    event_print(out, c.ev, ts[k].event);
                    fputs("\"];\n", out);
                }
            }
            fputs("}\n", out);
            bool written = true;
            if (svg && pclose(out) != 0) {
                fputs("cspi: Graphviz's dot failed; write a .dot file instead\n", stderr);
                written = false;
            } else if (file && !svg) {
                fclose(out);
            }
            if (file && written) printf("wrote %s (%u states)\n", file, n);
        }
    }
    free(expr);
    close_ctx(&c);
}

static void cmd_assertions(Repl *R)
{
    Ctx c;
    if (open_ctx(R, NULL, &c)) {
        uint32_t total = chk_count_assertions(c.script);
        for (uint32_t k = 1; k <= total; k++) {
            bool timed;
            Node *a = chk_nth_assertion(c.script, k, &timed);
            char text[CHK_TEXT_MAX];
            chk_assertion_text(c.in->src, a, text, sizeof text);
            printf("%3u: %s%s\n", k, text, timed ? "   (Timed section: not supported yet)" : "");
        }
        if (total == 0) puts("(no assertions)");
    }
    close_ctx(&c);
}

static void cmd_check(Repl *R, const char *arg)
{
    Ctx c;
    if (open_ctx(R, NULL, &c)) {
        uint32_t total = chk_count_assertions(c.script);
        bool timed;
        uint64_t want;
        char msg[200];
        if (total == 0) {
            puts("the script has no assertions");
        } else if (!numarg_parse(":check N", arg, 1, total, &want, msg, sizeof msg)) {
            printf("%s (:assertions lists them)\n", msg);
        } else {
            Node *a = chk_nth_assertion(c.script, (uint32_t)want, &timed);
            if (timed) {
                diag_error(&c.in->diag, a->span, "%s", chk_timed_message);
            } else {
                ChkOptions o = { .max_states = 10000000, .out = stdout };
                ChkStats st;
                chk_assertion(c.pt, a, &o, &st);
            }
        }
    }
    close_ctx(&c);
}

/* ---- the command table ---- */

typedef struct {
    const char *name, *args, *help;
} Command;

static const Command commands[] = {
    { "assertions", "", "list the script's assertions, numbered" },
    { "browse", "", "list the names defined, with their kinds" },
    { "check", "N", "decide assertion N (see :assertions)" },
    { "graph", "P [FILE]", "the LTS of P in Graphviz dot (FILE.svg: drawn by dot)" },
    { "help", "[COMMAND]", "this list, or one command's help" },
    { "initials", "P", "the events P can do now (and whether it can move internally)" },
    { "load", "FILE", "load a script (its print statements run)" },
    { "print", "P", "the structure of process P" },
    { "quit", "", "leave (also: end of input, Ctrl-D)" },
    { "reload", "", "load the current script again" },
    { "run", "P [N]", "a random run of P, N steps (default 50), as cspi run" },
    { "step", "P", "walk P one event at a time: pick by number or name; back, random N, trace, state, quit" },
    { "traces", "P [N]", "every trace of P up to length N (default 3)" },
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static void help(const char *which)
{
    for (int i = 0; i < N_COMMANDS; i++) {
        if (which && *which && strncmp(commands[i].name, which, strlen(which)) != 0) continue;
        printf("  :%-11s %-10s %s\n", commands[i].name, commands[i].args, commands[i].help);
    }
    if (!which || !*which)
        puts("  EXPR                   evaluate and print an expression\n"
             "  let NAME(...) = EXPR   add a definition (also channel, datatype, nametype)\n"
             "Commands may be shortened to a unique prefix (:l, :b ...); :r is :reload.");
}

/* The command a (possibly shortened) name stands for, or NULL. */
static const Command *find_command(const char *word, size_t len, bool *ambiguous)
{
    const Command *found = NULL;
    *ambiguous = false;
    if (len == 1 && word[0] == 'r') word = "reload", len = 6;   /* as in GHCi: :r reloads */
    for (int i = 0; i < N_COMMANDS; i++) {
        if (strncmp(commands[i].name, word, len) != 0) continue;
        if (strlen(commands[i].name) == len) return &commands[i];
        if (found) *ambiguous = true;
        found = &commands[i];
    }
    return *ambiguous ? NULL : found;
}

const char *repl_command_name(const char *word, bool *ambiguous)
{
    const Command *c = find_command(word, strlen(word), ambiguous);
    return c ? c->name : NULL;
}

/* Returns false to quit. */
static bool command(Repl *R, char *line)
{
    char *word = line + 1;
    size_t len = strcspn(word, " \t");
    char *arg = word + len;
    while (*arg == ' ' || *arg == '\t') arg++;
    bool ambiguous;
    const Command *cmd = find_command(word, len, &ambiguous);
    if (!cmd) {
        printf("%s command ':%.*s'; :help lists them\n", ambiguous ? "ambiguous" : "unknown",
               (int)len, word);
        return true;
    }
    const char *n = cmd->name;
    bool needs_arg = cmd->args[0] && cmd->args[0] != '[';
    if (needs_arg && !*arg) {
        printf("usage: :%s %s\n", n, cmd->args);
        return true;
    }
    if (strcmp(n, "quit") == 0) return false;
    if (strcmp(n, "help") == 0) help(arg);
    else if (strcmp(n, "load") == 0) cmd_load(R, arg);
    else if (strcmp(n, "reload") == 0) cmd_load(R, NULL);
    else if (strcmp(n, "browse") == 0) cmd_browse(R);
    else if (strcmp(n, "initials") == 0) cmd_initials(R, arg);
    else if (strcmp(n, "print") == 0) cmd_print(R, arg);
    else if (strcmp(n, "traces") == 0) cmd_traces(R, arg);
    else if (strcmp(n, "run") == 0) cmd_walk(R, arg, SCHED_RANDOM);
    else if (strcmp(n, "step") == 0) cmd_walk(R, arg, SCHED_INTERACTIVE);
    else if (strcmp(n, "graph") == 0) cmd_graph(R, arg);
    else if (strcmp(n, "assertions") == 0) cmd_assertions(R);
    else if (strcmp(n, "check") == 0) cmd_check(R, arg);
    return true;
}

static bool starts_with_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    return strncmp(s, w, n) == 0 && (s[n] == ' ' || s[n] == '\t');
}

/* Does this input need another line (an open bracket, or a trailing
 * operator that soaks the newline)? */
bool repl_incomplete(const char *s)
{
    int depth = 0;
    bool in_str = false;
    for (const char *p = s; *p; p++) {
        if (in_str) {
            if (*p == '\\' && p[1]) p++;
            else if (*p == '"') in_str = false;
            continue;
        }
        if (*p == '"') in_str = true;
        else if (*p == '-' && p[1] == '-') break;
        else if (*p == '(' || *p == '[' || *p == '{') depth++;
        else if (*p == ')' || *p == ']' || *p == '}') depth--;
    }
    if (depth > 0) return true;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n == 0) return false;
    static const char *const tails[] = { "->", "[]", "|~|", "|||", ";", "&", "=", ",", "\\", "^",
                                         "+", "*", "/", "%", ".", "?", "!", "$", "@", ":", "||",
                                         "[>", "/\\", " and", " or", " not", " if", " then",
                                         " else", " let", " within", "<-" };
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        size_t k = strlen(tails[i]);
        if (n >= k && strncmp(s + n - k, tails[i], k) == 0) return true;
    }
    return false;
}

static void handle(Repl *R, char *line)
{
    char *s = line;
    while (*s == ' ' || *s == '\t') s++;
    if (!*s || (s[0] == '-' && s[1] == '-')) return;
    if (R->path) {
        struct stat sb;
        if (stat(R->path, &sb) == 0 && sb.st_mtime != R->mtime && R->tty)
            printf("(%s changed on disk: :reload to see it)\n", R->path);
    }
    if (s[0] == ':') {
        command(R, s);   /* :quit is seen by repl_main before it gets here */
        return;
    }
    if (starts_with_word(s, "let")) cmd_define(R, s + 3);
    else if (starts_with_word(s, "channel") || starts_with_word(s, "datatype") ||
             starts_with_word(s, "nametype") || starts_with_word(s, "subtype") ||
             starts_with_word(s, "assert")) cmd_define(R, s);
    else cmd_eval(R, s);
}

/* ---- line input ---- */

static Repl *completing;

static char *complete_word(const char *text, int state)
{
    static int i;
    static size_t len;
    if (!state) {
        i = 0;
        len = strlen(text);
    }
    /* commands after ':' */
    if (rl_line_buffer && rl_line_buffer[0] == ':' && !strchr(rl_line_buffer, ' ')) {
        while (i < N_COMMANDS) {
            const char *n = commands[i++].name;
            if (strncmp(n, text + (text[0] == ':'), len - (text[0] == ':')) == 0) {
                char *r = malloc(strlen(n) + 2);
                if (r) sprintf(r, ":%s", n);
                return r;
            }
        }
        return NULL;
    }
    /* defined names, then built-ins */
    static Interp *in;
    static Node *script;
    static uint32_t top;
    if (!state) {
        if (in) interp_free(in);
        in = interp_new(fopen("/dev/null", "w"));
        script = NULL;
        interp_load_session(in, completing->path, completing->session, NULL, &script, NULL);
        top = script ? res_top_count(script) : 0;
    }
    while ((uint32_t)i < top) {
        const ResDef *d = res_top_def(script, (uint32_t)i++);
        if (strncmp(d->name->name, text, len) == 0) return strdup(d->name->name);
    }
    while ((uint32_t)i - top < RES_BI__COUNT) {
        const char *n = res_builtins[(uint32_t)i++ - top].name;
        if (strncmp(n, text, len) == 0) return strdup(n);
    }
    return NULL;
}

static char **complete(const char *text, int start, int end)
{
    (void)end;
    if (start > 0 && strncmp(rl_line_buffer, ":l", 2) == 0 && strchr(rl_line_buffer, ' '))
        return NULL;   /* libedit completes file names after :load */
    rl_attempted_completion_over = 1;
    rl_completion_append_character = '\0';   /* `card` is usually followed by `(` */
    return rl_completion_matches(text, complete_word);
}

static char *read_line(Repl *R, const char *prompt)
{
    if (R->tty) return readline(prompt);
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n = getline(&buf, &cap, stdin);
    if (n < 0) {
        free(buf);
        return NULL;
    }
    size_t len = (size_t)n;
    if (len && buf[len - 1] == '\n') buf[--len] = 0;
    if (memchr(buf, 0, len)) {   /* the line would be cut there, silently */
        fputs("cspi: error: a NUL byte in this input line; the line is ignored\n", stderr);
        buf[0] = 0;
    }
    return buf;
}

static char *history_path(void)
{
    const char *home = getenv("HOME");
    if (!home) return NULL;
    char *p = malloc(strlen(home) + 20);
    if (p) sprintf(p, "%s/.cspi_history", home);
    return p;
}

int repl_main(const char *path, bool tty, Watch *watch)
{
    Repl R = { .tty = tty, .seed = 1, .watch = watch };
    R.session = xcalloc(1, 1);
    char *hist = tty ? history_path() : NULL;
    if (tty) {
        completing = &R;
        rl_attempted_completion_function = complete;
        if (hist) read_history(hist);
        puts("cspi 0.1.0: :help for commands, :quit to leave");
    }
    if (path) {
        watch_begin(watch);
        cmd_load(&R, path);
    }
    char prompt[64];
    for (;;) {
        const char *base = R.path ? strrchr(R.path, '/') : NULL;
        snprintf(prompt, sizeof prompt, "%s> ", R.path ? (base ? base + 1 : R.path) : "cspi");
        watch_end(watch);   /* waiting for a line: nothing to watch */
        char *line = read_line(&R, prompt);
        if (!line) {
            if (watch_stopped(watch) == WATCH_INTERRUPT && tty) {   /* Ctrl-C at the prompt: a fresh line */
                putchar('\n');
                continue;
            }
            break;
        }
        /* Continuation lines while the input is incomplete. */
        while (repl_incomplete(line)) {
            char *more = read_line(&R, "...> ");
            if (!more) break;
            char *joined = malloc(strlen(line) + strlen(more) + 2);
            sprintf(joined, "%s\n%s", line, more);
            free(line);
            free(more);
            line = joined;
        }
        if (tty && line[0]) add_history(line);
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        bool quit = false;
        if (s[0] == ':') {
            size_t len = strcspn(s + 1, " \t");
            bool amb;
            const Command *c = find_command(s + 1, len, &amb);
            quit = c && strcmp(c->name, "quit") == 0;
        }
        watch_begin(watch);
        if (!quit) handle(&R, line);
        free(line);
        fflush(stdout);
        if (quit || ferror(stdout)) break;   /* output lost: main.c reports it */
    }
    if (hist) {
        write_history(hist);
        free(hist);
    }
    free(R.path);
    free(R.session);
    return 0;
}
