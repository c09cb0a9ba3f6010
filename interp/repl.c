/* repl.c - the interactive prompt; see repl.h. */
#define _POSIX_C_SOURCE 200809L
#include "repl.h"

#include "check.h"
#include "eval.h"
#include "explain.h"
#include "graph.h"
#include "numarg.h"
#include "parse.h"
#include "proc.h"
#include "resolve.h"
#include "run.h"
#include "session.h"
#include "types.h"
#include "unparse.h"

#include <editline/readline.h>
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum { TRACES_MAX = 2000 };

typedef struct {
    char *path;             /* the loaded script, or NULL */
    char *text;             /* its text as loaded: the session's script */
    size_t text_len;
    char **defs;            /* definitions typed at the prompt, in order */
    uint32_t n_defs;
    Session s;              /* s.in is NULL until something loads */
    bool tty;
    uint64_t seed;
    time_t mtime;           /* of the script when loaded */
    time_t told;            /* the change on disk already noted */
    Watch *watch;           /* Ctrl-C and memory, watched while a command runs */
} Repl;

/* A command's view of the session: its handles, copied. Ending a command
 * (close_ctx) frees nothing; the session lives on. */
typedef struct {
    Interp *in;
    Node *script, *decl;
    Eval *E;
    EventTable *ev;
    ProcTable *pt;
} Ctx;

/* The loaded session (session.h) from a script's text and the definitions
 * typed at the prompt, never from the file: alive across commands, so
 * values, events and terms computed once stay computed, and rebuilt only by
 * :load, :reload and a definition. Errors go to stderr unless quiet. false
 * (and *s untouched) when it does not load. */
static bool open_session(Repl *R, const char *name, const char *text, size_t len,
                         char *const *defs, uint32_t n, bool quiet, Session *s)
{
    SessionLimits lim = { .max_steps = SESSION_DEFAULT_MAX_STEPS, .watch = R->watch };
    Session t;
    if (session_open_text(&t, name, text, len, (const char *const *)defs, n, &lim, stderr, quiet) != LOAD_OK) {
        session_close(&t);
        return false;
    }
    *s = t;
    return true;
}

/* Starts a command: fresh error counts and step budget; the expression (if
 * any) parsed and resolved in the session. */
static bool open_ctx(Repl *R, const char *expr, Ctx *c)
{
    memset(c, 0, sizeof *c);
    Session *s = &R->s;
    c->in = s->in;
    c->script = s->script;
    c->E = s->E;
    c->ev = s->events;
    c->pt = s->pt;
    session_begin_command(s);
    if (expr && interp_load_expr(s->in, s->script, expr, &c->decl) != LOAD_OK) return false;
    return true;
}

static void close_ctx(Ctx *c)
{
    (void)c;
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
        if (eval_node(c.E, c.decl->kid[1], &v) == EVAL_OK && eval_print_value(c.E, stdout, v) == EVAL_OK)
            fputc('\n', stdout);
    }
    close_ctx(&c);
}

/* Does definition text `a` define one of the names text `b` defines? */
static bool defines_same(const char *a, const char *b)
{
    Interp *x = interp_new(stderr), *y = interp_new(stderr);
    x->diag.quiet = y->diag.quiet = true;
    Node *sa = NULL, *sb = NULL;
    interp_load_text(x, "<session>", a, strlen(a), &sa);
    interp_load_text(y, "<session>", b, strlen(b), &sb);
    bool same = false;
    for (uint32_t i = 0; i < res_top_count(sa) && !same; i++)
        for (uint32_t j = 0; j < res_top_count(sb) && !same; j++)
            same = strcmp(res_top_def(sa, i)->name->name, res_top_def(sb, j)->name->name) == 0;
    interp_free(x);
    interp_free(y);
    return same;
}

static void check_last_assertion(Repl *R);

/* Builds a session from the script's text and as many of defs[0..*n) as
 * load with it, compacting defs to those kept (in the order they joined).
 * A definition that no longer loads is dropped with one note, unless it is
 * the last and `last_required` (a definition just typed): then nothing is
 * built and its errors are shown. false also when the script itself does
 * not load (its errors shown). Frees nothing: defs' strings stay the
 * caller's. */
static bool build_keeping(Repl *R, const char *path, const char *text, size_t len, char **defs,
                          uint32_t *n, bool last_required, Session *s)
{
    if (open_session(R, path, text, len, defs, *n, true, s)) return true;
    if (!open_session(R, path, text, len, NULL, 0, false, s)) return false;
    uint32_t total = *n, kept = 0, n_late = 0;
    char *last = last_required ? defs[total - 1] : NULL;
    char **late = xmalloc((total ? total : 1) * sizeof *late);
    for (uint32_t i = 0; i < total; i++) {
        char *d = defs[i];
        if (d == last) continue;
        defs[kept] = d;
        Session t;
        if (open_session(R, path, text, len, defs, kept + 1, true, &t)) {
            session_close(s);
            *s = t;
            kept++;
        } else {
            late[n_late++] = d;   /* may need a later definition: tried again below */
        }
    }
    if (last) {
        defs[kept] = last;
        Session t;
        if (!open_session(R, path, text, len, defs, kept + 1, false, &t)) {
            session_close(s);
            free(late);
            return false;
        }
        session_close(s);
        *s = t;
        kept++;
    }
    for (uint32_t i = 0; i < n_late; i++) {
        defs[kept] = late[i];
        Session t;
        if (open_session(R, path, text, len, defs, kept + 1, true, &t)) {
            session_close(s);
            *s = t;
            kept++;
        } else {
            size_t w = strcspn(late[i], " \t");
            bool decl = (w == 7 && (!strncmp(late[i], "channel", 7) || !strncmp(late[i], "subtype", 7))) ||
                        (w == 8 && (!strncmp(late[i], "datatype", 8) || !strncmp(late[i], "nametype", 8)));
            printf("note: `%s%s` no longer loads with the session: dropped\n", decl ? "" : "let ",
                   late[i]);
        }
    }
    free(late);
    *n = kept;
    return true;
}

/* Makes defs[0..n) the session's definitions, freeing the old ones not among them. */
static void adopt_defs(Repl *R, char **defs, uint32_t n)
{
    for (uint32_t i = 0; i < R->n_defs; i++) {
        bool kept = false;
        for (uint32_t j = 0; j < n && !kept; j++) kept = defs[j] == R->defs[i];
        if (!kept) free(R->defs[i]);
    }
    free(R->defs);
    R->defs = defs;
    R->n_defs = n;
}

/* A definition typed at the prompt joins the session if the session still
 * loads with it; it replaces an earlier one defining the same name (a new
 * `let f(x) = ...` is a new f, never an extra clause of the old), and
 * earlier ones it breaks are dropped with a note. An assertion is decided
 * at once. */
static void cmd_define(Repl *R, const char *text, bool is_assert)
{
    char **defs = xmalloc((R->n_defs + 1) * sizeof *defs);
    uint32_t n = 0;
    for (uint32_t i = 0; i < R->n_defs; i++)
        if (is_assert || !defines_same(R->defs[i], text)) defs[n++] = R->defs[i];
    char *mine = strdup(text);
    defs[n++] = mine;
    Session s;
    if (!build_keeping(R, R->path, R->text, R->text_len, defs, &n, true, &s)) {
        free(mine);   /* the definition is dropped; its error was shown */
        free(defs);
        return;
    }
    session_close(&R->s);
    R->s = s;
    adopt_defs(R, defs, n);
    if (is_assert) check_last_assertion(R);
}

/* :load FILE starts a fresh session (the prompt's definitions go); :reload
 * reads the same file again and keeps them. When the script does not load,
 * the session stays as it was, and the prompt says what is loaded. */
static void cmd_load(Repl *R, const char *arg, bool fresh)
{
    char *path = arg && *arg ? strdup(arg) : (R->path ? strdup(R->path) : NULL);
    if (!path) {
        fputs("cspi: no script to load; :load FILE\n", stderr);
        return;
    }
    size_t len = 0;
    const char *why;
    char *text = src_read_file(path, &len, &why);   /* as cspi parse reads it */
    if (!text) {
        fprintf(stderr, "cspi: error: cannot read '%s': %s\n", path, why);
        free(path);
        return;
    }
    Session s;
    bool ok;
    if (fresh) {
        ok = open_session(R, path, text, len, NULL, 0, false, &s);
        if (ok && R->n_defs)
            printf("(a fresh session: the %u definition%s typed at the prompt went with the old "
                   "one)\n", R->n_defs, R->n_defs == 1 ? "" : "s");
        if (ok) {
            for (uint32_t i = 0; i < R->n_defs; i++) free(R->defs[i]);
            R->n_defs = 0;
        }
    } else {
        char **defs = xmalloc((R->n_defs ? R->n_defs : 1) * sizeof *defs);
        uint32_t n = R->n_defs;
        if (n) memcpy(defs, R->defs, n * sizeof *defs);
        ok = build_keeping(R, path, text, len, defs, &n, false, &s);
        if (ok) adopt_defs(R, defs, n);
        else free(defs);
    }
    if (!ok) {
        if (R->path)
            printf("%s did not load: still using %s as loaded before\n", path, R->path);
        else
            printf("%s did not load: nothing is loaded\n", path);
        free(text);
        free(path);
        return;
    }
    session_close(&R->s);
    R->s = s;
    free(R->text);
    R->text = text;
    R->text_len = len;
    free(R->path);
    R->path = path;
    struct stat sb;
    R->mtime = R->told = stat(path, &sb) == 0 ? sb.st_mtime : 0;
    Ctx c;
    open_ctx(R, NULL, &c);
    eval_prints(c.E, stdout);
    printf("loaded %s\n", path);
}

/* What a value definition holds: a process, or another value (evaluated
 * quietly, with a small budget: one that fails or takes long is a value). */
static const char *value_kind(Ctx *c, const ResDef *d)
{
    bool was = c->in->diag.quiet;
    c->in->diag.quiet = true;
    eval_set_limits(c->E, 0, 1000000);
    const Val *v;
    bool proc = eval_def(c->E, d, &v) == EVAL_OK && v->kind == V_PROC;
    eval_set_limits(c->E, 0, 2000000000u);
    c->in->diag.quiet = was;
    return proc ? "process" : "value";
}

/* `:browse`: each name with its kind; a channel with its type, a datatype
 * with its constructors; definitions typed at the prompt are marked. */
static void cmd_browse(Repl *R)
{
    Ctx c;
    if (open_ctx(R, NULL, &c)) {
        for (uint32_t i = 0; i < res_top_count(c.script); i++) {
            const ResDef *d = res_top_def(c.script, i);
            printf("%-20s ", d->name->name);
            if (d->kind == RES_DEF_VALUE) {
                fputs(value_kind(&c, d), stdout);
            } else if (d->kind == RES_DEF_FUNCTION) {
                uint32_t args = d->decl && d->decl->n ? d->decl->kid[0]->kid[0]->n : 0;
                printf("function of %u argument%s", args, args == 1 ? "" : "s");
            } else if (d->kind == RES_DEF_CHANNEL && d->decl->n > 1 && d->decl->kid[1]) {
                fputs("channel : ", stdout);
                unparse_expr(stdout, d->decl->kid[1]);
            } else if (d->kind == RES_DEF_DATATYPE) {
                fputs("datatype:", stdout);
                for (uint32_t k = 0; k < d->n_members; k++) {
                    const ResDef *m = d->members[k];
                    printf("%s %s", k ? " |" : "", m->name->name);
                    if (m->decl && m->decl->n && m->decl->kid[0]) {
                        fputc('.', stdout);
                        unparse_expr(stdout, m->decl->kid[0]);
                    }
                }
            } else if (d->kind == RES_DEF_CONSTRUCTOR && d->owner) {
                printf("constructor of %s", d->owner->name->name);
            } else {
                fputs(res_def_kind_name[d->kind], stdout);
            }
            bool typed = d->at.file < src_count(c.in->src) &&
                         strcmp(src_name(c.in->src, d->at.file), "<session>") == 0;
            fputs(typed ? "   (typed at the prompt)\n" : "\n", stdout);
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

/* `:type EXPR`: its type as FDR's :type prints it, `EXPR :: TYPE`. */
static void cmd_type(Repl *R, const char *arg)
{
    Ctx c;
    char type[1024];
    if (open_ctx(R, arg, &c) && types_of_expr(c.in, c.decl->kid[1], type, sizeof type))
        printf("%s :: %s\n", arg, type);
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

static void print_trace_line(Ctx *c, const uint32_t *t, uint32_t len)
{
    fputc('<', stdout);
    for (uint32_t i = 0; i < len; i++) {
        if (i) fputs(", ", stdout);
        event_print(stdout, c->ev, t[i]);
    }
    fputs(">\n", stdout);
}

/* :traces prints each trace the checker lists, up to TRACES_MAX of them. */
typedef struct {
    Ctx *c;
    uint32_t printed;
    bool cut;               /* there were more than TRACES_MAX */
} TracePrinter;

static bool print_listed_trace(void *ctx, const uint32_t *trace, uint32_t len)
{
    TracePrinter *tp = ctx;
    if (tp->printed == TRACES_MAX) {   /* one more than :traces shows: say so */
        tp->cut = true;
        return false;
    }
    print_trace_line(tp->c, trace, len);
    tp->printed++;
    return true;
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
    if (p) {
        TracePrinter tp = { &c, 0, false };
        ChkOptions o = { .max_states = CHK_DEFAULT_MAX_STATES, .out = stdout };
        ChkResult r = chk_traces(c.pt, p, (uint32_t)depth, &o, c.decl->kid[1]->span, print_listed_trace, &tp);
        if (r == CHK_LIMIT || r == CHK_INTERRUPTED)
            printf("-- stopped after %u traces\n", tp.printed);
        else if (tp.cut)
            printf("-- stopped after %u traces, the most :traces shows; ask for shorter ones "
                   "(:traces P N)\n", TRACES_MAX);
    }
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
                         .livelock_after = 10000, .out = stdout, .in = stdin,
                         .tau_cycles = true };
        RunStats st;
        run_walk(c.pt, p, &o, &st);
    }
    close_ctx(&c);
}

/* Is `name` an executable file in a directory of PATH? */
static bool on_path(const char *name)
{
    const char *path = getenv("PATH");
    if (!path) return false;
    char buf[4096];
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ":");
        if (n && n + strlen(name) + 2 < sizeof buf) {
            snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, name);
            if (access(buf, X_OK) == 0) return true;
        }
        p += n + (p[n] == ':');
    }
    return false;
}

/* What writes a graph's dot text: an LTS of terms, or a counterexample. */
typedef struct {
    Ctx *c;
    const Proc *const *states;
    uint32_t n;
    const Explanation *x;
} DotSource;

static void write_source(FILE *out, const DotSource *d)
{
    if (d->x) expl_dot(d->x, out);
    else graph_write_dot(out, d->c->pt, d->states, d->n);
}

/* Writes the dot text to `file`; true when all of it was written. */
static bool save_dot_of(const char *file, const DotSource *d)
{
    FILE *out = fopen(file, "w");
    if (!out) {
        fprintf(stderr, "cspi: error: cannot write '%s': %s\n", file, strerror(errno));
        return false;
    }
    write_source(out, d);
    bool ok = !ferror(out);
    if (fclose(out) != 0) ok = false;
    if (!ok) fprintf(stderr, "cspi: error: cannot write '%s': %s\n", file, strerror(errno));
    return ok;
}

/* Draws the graph into `file` with Graphviz's `dot -T<format>` (no shell
 * between: the file name is one argument); true when dot succeeded. */
static bool draw_with_dot_of(const char *file, const char *format, const DotSource *d)
{
    char tmp[] = "/tmp/cspi-graph-XXXXXX";
    int fd = mkstemp(tmp);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out) {
        fprintf(stderr, "cspi: error: cannot write a temporary file: %s\n", strerror(errno));
        if (fd >= 0) close(fd);
        return false;
    }
    write_source(out, d);
    bool ok = fclose(out) == 0;
    char fmt[32];
    snprintf(fmt, sizeof fmt, "-T%s", format);
    char *argv[] = { "dot", fmt, "-o", (char *)file, tmp, NULL };
    pid_t pid;
    int status = 0;
    fflush(stdout);
    ok = ok && posix_spawnp(&pid, "dot", NULL, NULL, argv, environ) == 0 &&
         waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    unlink(tmp);
    if (!ok) fprintf(stderr, "cspi: error: Graphviz's dot could not draw '%s'\n", file);
    return ok;
}

static bool save_dot(const char *file, Ctx *c, const Proc *const *states, uint32_t n)
{
    DotSource d = { c, states, n, NULL };
    return save_dot_of(file, &d);
}

static bool draw_with_dot(const char *file, const char *format, Ctx *c, const Proc *const *states, uint32_t n)
{
    DotSource d = { c, states, n, NULL };
    return draw_with_dot_of(file, format, &d);
}

/* A counterexample's graph (:debug's `graph`): to stdout, to FILE as dot
 * text, or drawn by dot for FILE.svg, .png, .pdf (the .dot file when dot
 * is not on PATH). */
static void graph_counterexample(const Explanation *x, const char *file)
{
    if (!file || !*file) {
        expl_dot(x, stdout);
        return;
    }
    DotSource d = { NULL, NULL, 0, x };
    const char *base = strrchr(file, '/');
    const char *ext = strrchr(base ? base + 1 : file, '.');
    bool drawn = ext && (!strcmp(ext, ".svg") || !strcmp(ext, ".png") || !strcmp(ext, ".pdf"));
    if (drawn && on_path("dot")) {
        if (draw_with_dot_of(file, ext + 1, &d)) printf("wrote %s (drawn by Graphviz's dot)\n", file);
    } else if (drawn) {
        size_t stem = (size_t)(ext - file);
        char *dotfile = xmalloc(stem + 5);
        memcpy(dotfile, file, stem);
        strcpy(dotfile + stem, ".dot");
        if (save_dot_of(dotfile, &d))
            printf("Graphviz's dot is not on PATH: wrote %s, not %s; draw it with: dot -T%s -o %s %s\n",
                   dotfile, file, ext + 1, file, dotfile);
        free(dotfile);
    } else if (save_dot_of(file, &d)) {
        printf("wrote %s (Graphviz dot text)\n", file);
    }
}

/* Does this text parse as an expression (syntax only, nothing printed)? */
static bool parses_as_expr(const char *text)
{
    Interp *scratch = interp_new(stderr);
    scratch->diag.quiet = true;
    uint32_t id = src_add_text(scratch->src, "<expression>", text, strlen(text));
    parse_expr_decl(scratch->src, scratch->syms, &scratch->diag, scratch->load, id,
                    sym_intern_cstr(scratch->syms, "<expression>"));
    bool ok = scratch->diag.n_errors == 0;
    interp_free(scratch);
    return ok;
}

/* Does a word look like a file name: a '/' in it, or an extension? */
static bool looks_like_path(const char *w)
{
    if (strchr(w, '/')) return true;
    const char *dot = strrchr(w, '.');
    if (!dot || dot == w || !dot[1]) return false;
    for (const char *p = dot + 1; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) return false;
    return true;
}

/* `:graph P [FILE]`: the last word is the file when the whole is not an
 * expression, or when it looks like a path and the rest is one. FILE.svg,
 * .png and .pdf are drawn by Graphviz's dot; without dot on PATH, the dot
 * text goes to FILE.dot instead, and the prompt says so. Any other name
 * (with or without an extension) gets the dot text. */
static void cmd_graph(Repl *R, const char *arg)
{
    char *expr = strdup(arg), *file = NULL;
    char *sp = strrchr(expr, ' ');
    if (sp && sp[1]) {
        bool whole = parses_as_expr(expr);
        *sp = 0;
        if (!whole || (looks_like_path(sp + 1) && parses_as_expr(expr)))
            file = sp + 1;
        else
            *sp = ' ';
    }
    Ctx c;
    const Proc *p = process_of(R, &c, expr);
    if (!p) {
        close_ctx(&c);
        free(expr);
        return;
    }
    const Proc *states[GRAPH_MAX_STATES];
    uint32_t n = 0;
    GraphStatus ls = graph_explore(c.pt, p, states, GRAPH_MAX_STATES, &n);
    bool too_big = ls == GRAPH_TOO_BIG, ok = ls != GRAPH_ERROR;
    if (ok && too_big) {
        printf("%s has more than %d states: too many to draw; try a smaller process\n", expr,
               GRAPH_MAX_STATES);
    } else if (ok && !file) {
        graph_write_dot(stdout, c.pt, states, n);
    } else if (ok) {
        const char *base = strrchr(file, '/');
        const char *ext = strrchr(base ? base + 1 : file, '.');
        bool drawn = ext && (!strcmp(ext, ".svg") || !strcmp(ext, ".png") || !strcmp(ext, ".pdf"));
        if (drawn && on_path("dot")) {
            if (draw_with_dot(file, ext + 1, &c, states, n))
                printf("wrote %s (%u states, drawn by Graphviz's dot)\n", file, n);
        } else if (drawn) {
            size_t stem = (size_t)(ext - file);
            char *dotfile = xmalloc(stem + 5);
            memcpy(dotfile, file, stem);
            strcpy(dotfile + stem, ".dot");
            if (save_dot(dotfile, &c, states, n))
                printf("Graphviz's dot is not on PATH: wrote %s (%u states), not %s; "
                       "draw it with: dot -T%s -o %s %s\n",
                       dotfile, n, file, ext + 1, file, dotfile);
            free(dotfile);
        } else if (save_dot(file, &c, states, n)) {
            printf("wrote %s (%u states, Graphviz dot text)\n", file, n);
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
            printf("%3u: %s%s\n", k, text, timed ? "   (in a Timed section)" : "");
        }
        if (total == 0) puts("(no assertions)");
    }
    close_ctx(&c);
}

/* Decides assertion a as `cspi check` does, with its progress line on a
 * terminal. */
static void check_one(Repl *R, Ctx *c, Node *a)
{
    ChkOptions o = { .max_states = CHK_DEFAULT_MAX_STATES, .out = stdout, .progress = R->tty && isatty(2) };
    ChkStats st;
    chk_assertion(c->pt, a, &o, &st);
}

/* Decides the session's last assertion: one typed at the prompt. */
static void check_last_assertion(Repl *R)
{
    Ctx c;
    open_ctx(R, NULL, &c);
    uint32_t total = chk_count_assertions(c.script);
    bool timed;
    Node *a = total ? chk_nth_assertion(c.script, total, &timed) : NULL;
    if (a) check_one(R, &c, a);
    close_ctx(&c);
}

/* The assertion `:check N` or `:debug N` (what) names, or NULL (said why). */
static Node *numbered_assertion(Ctx *c, const char *what, const char *arg)
{
    uint32_t total = chk_count_assertions(c->script);
    bool timed;
    uint64_t want;
    char msg[200];
    if (total == 0) {
        puts("the script has no assertions");
        return NULL;
    }
    if (!numarg_parse(what, arg, 1, total, &want, msg, sizeof msg)) {
        printf("%s (:assertions lists them)\n", msg);
        return NULL;
    }
    return chk_nth_assertion(c->script, (uint32_t)want, &timed);
}

static void cmd_check(Repl *R, const char *arg)
{
    Ctx c;
    Node *a = open_ctx(R, NULL, &c) ? numbered_assertion(&c, ":check N", arg) : NULL;
    if (a) check_one(R, &c, a);
    close_ctx(&c);
}

static const char debug_help[] =
    "  next (or n, step, or an empty line)  the next step      back (b)   the step before\n"
    "  walk                           go on from here with :step (any event, not only the counterexample's)\n"
    "  start, end                     the first or last point    path 2 (determinism: the other)\n"
    "  graph [FILE]                   the counterexample's states in Graphviz dot (.svg, .png, .pdf: drawn)\n"
    "  explain                        the whole explanation again    quit (q)   back to the prompt";

/* Walks a counterexample forward and back, showing each component. */
static void debug_walk(const Explanation *x)
{
    uint32_t path = 0, at = 0;
    char *line = NULL;
    size_t cap = 0;
    puts("-- replaying the counterexample: next, back, start, end, walk, graph [FILE], explain, quit (help: ?)");
    expl_print_point(x, path, at, stdout);
    for (;;) {
        fputs("debug> ", stdout);
        fflush(stdout);
        if (getline(&line, &cap, stdin) < 0) {
            fputc('\n', stdout);
            break;
        }
        char *w = line + strspn(line, " \t");
        w[strcspn(w, "\r\n")] = 0;
        const ExplPath *p = &x->paths[path];
        if (!strcmp(w, "quit") || !strcmp(w, "q")) break;
        if (!*w || !strcmp(w, "next") || !strcmp(w, "n") || !strcmp(w, "step") || !strcmp(w, "s")) {
            if (at == p->n_steps) {
                if (p->loop_at != EXPL_IDLE)
                    printf("(the end: the tau loop goes back to the point after step %u; `back` steps back)\n",
                           p->loop_at);
                else puts("(the end of the counterexample; `back` steps back)");
                continue;
            }
            at++;
        } else if (!strcmp(w, "back") || !strcmp(w, "b")) {
            if (at == 0) {
                puts("(at the start already)");
                continue;
            }
            at--;
        } else if (!strcmp(w, "start")) {
            at = 0;
        } else if (!strcmp(w, "end")) {
            at = p->n_steps;
        } else if (!strncmp(w, "path", 4)) {
            uint32_t want = (uint32_t)atoi(w + 4);
            if (want < 1 || want > x->n_paths) {
                printf("this counterexample has %u path%s\n", x->n_paths, x->n_paths == 1 ? "" : "s");
                continue;
            }
            path = want - 1;
            at = 0;
        } else if (!strncmp(w, "graph", 5) && (!w[5] || w[5] == ' ')) {
            graph_counterexample(x, w[5] ? w + 6 + strspn(w + 6, " ") : NULL);
            continue;
        } else if (!strcmp(w, "explain")) {
            expl_print(x, stdout);
            continue;
        } else if (!strcmp(w, "walk")) {
            puts("-- :step from this point of the counterexample (quit comes back here)");
            RunOptions o = { .schedule = SCHED_INTERACTIVE, .max_steps = UINT64_MAX,
                             .livelock_after = 10000, .out = stdout, .in = stdin, .tau_cycles = true };
            RunStats st;
            run_walk(x->t, p->whole[at], &o, &st);
            expl_print_point(x, path, at, stdout);
            continue;
        } else {
            puts(debug_help);
            continue;
        }
        expl_print_point(x, path, at, stdout);
    }
    free(line);
}

/* `:debug N`: decides assertion N; when it fails, its counterexample
 * explained, then replayed step by step. */
static void cmd_debug(Repl *R, const char *arg)
{
    Ctx c;
    Node *a = open_ctx(R, NULL, &c) ? numbered_assertion(&c, ":debug N", arg) : NULL;
    if (a) {
        Explanation *x = NULL;
        ChkOptions o = { .max_states = CHK_DEFAULT_MAX_STATES, .out = stdout,
                         .progress = R->tty && isatty(2), .explain = true, .keep = &x };
        ChkStats st;
        ChkResult res = chk_assertion(c.pt, a, &o, &st);
        if (x && x->n_paths) {
            expl_print(x, stdout);
            debug_walk(x);
        } else if (x) {
            expl_print(x, stdout);
        } else if (res == CHK_PASSED) {
            puts("-- it passes: no counterexample to debug");
        }
        expl_free(x);
    }
    close_ctx(&c);
}

/* ---- the command table ---- */

typedef struct {
    const char *name, *args, *help;
} Command;

static const Command commands[] = {
    { "assertions", "", "list the assertions (the script's, then those typed), numbered" },
    { "browse", "", "list the names defined: process, function, value, channel and type..." },
    { "check", "N", "decide assertion N (see :assertions)" },
    { "debug", "N", "decide assertion N; explain its counterexample and replay it step by step" },
    { "graph", "P [FILE]", "the LTS of P in Graphviz dot (to FILE; FILE.svg, .png, .pdf: drawn by dot)" },
    { "help", "[COMMAND]", "this list, or one command's help" },
    { "initials", "P", "the events P can do now (and whether it can move internally)" },
    { "load", "FILE", "load a script afresh (its print statements run; typed definitions go)" },
    { "print", "P", "the structure of process P" },
    { "quit", "", "leave (also: end of input, Ctrl-D)" },
    { "reload", "", "read the script again (after editing it), keeping typed definitions" },
    { "run", "P [N]", "a random run of P, N steps (default 50), as cspi run" },
    { "step", "P", "walk P one event at a time: pick by number or name; back, random N, trace, state, quit" },
    { "traces", "P [N]", "every trace of P up to length N (default 3)" },
    { "type", "EXPR", "the type of EXPR, as FDR prints it (:t for short)" },
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static const Command *find_command(const char *word, size_t len, bool *ambiguous);

static const char help_input[] =
    "  EXPR                   evaluate and print an expression\n"
    "  let NAME(...) = EXPR   add a definition, replacing one of the same name typed before\n"
    "                         (also channel, datatype, nametype, subtype lines)\n"
    "  assert ...             add an assertion and decide it at once (:assertions lists it)";

/* `:help`: every command; `:help CMD` (CMD as at the prompt: shortened,
 * with or without its colon) that command, or those it may stand for. */
static void help(const char *which)
{
    if (which && *which == ':') which++;
    size_t len = which ? strcspn(which, " \t") : 0;
    bool ambiguous;
    const Command *one = len ? find_command(which, len, &ambiguous) : NULL;
    if (one) {
        printf("  :%-11s %-10s %s\n", one->name, one->args, one->help);
        return;
    }
    if (len && (!strncmp(which, "let", len) || !strncmp(which, "assert", len) ||
                !strncmp(which, "channel", len) || !strncmp(which, "datatype", len))) {
        puts(help_input);
        return;
    }
    bool any = false;
    for (int i = 0; i < N_COMMANDS; i++) {
        if (len && strncmp(commands[i].name, which, len) != 0) continue;
        printf("  :%-11s %-10s %s\n", commands[i].name, commands[i].args, commands[i].help);
        any = true;
    }
    if (!any) {
        printf("no command ':%.*s'; :help lists them\n", (int)len, which);
        return;
    }
    if (!len)
        printf("%s\nCommands may be shortened to a unique prefix (:l, :b ...); :r is :reload,\n"
               ":t is :type.\n",
               help_input);
}

/* The command a (possibly shortened) name stands for, or NULL. */
static const Command *find_command(const char *word, size_t len, bool *ambiguous)
{
    const Command *found = NULL;
    *ambiguous = false;
    if (len == 1 && word[0] == 'r') word = "reload", len = 6;   /* as in GHCi: :r reloads */
    if (len == 1 && word[0] == 't') word = "type", len = 4;     /* as in GHCi and FDR */
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
    else if (strcmp(n, "load") == 0) cmd_load(R, arg, true);
    else if (strcmp(n, "reload") == 0) cmd_load(R, NULL, false);
    else if (strcmp(n, "browse") == 0) cmd_browse(R);
    else if (strcmp(n, "initials") == 0) cmd_initials(R, arg);
    else if (strcmp(n, "print") == 0) cmd_print(R, arg);
    else if (strcmp(n, "type") == 0) cmd_type(R, arg);
    else if (strcmp(n, "traces") == 0) cmd_traces(R, arg);
    else if (strcmp(n, "run") == 0) cmd_walk(R, arg, SCHED_RANDOM);
    else if (strcmp(n, "step") == 0) cmd_walk(R, arg, SCHED_INTERACTIVE);
    else if (strcmp(n, "graph") == 0) cmd_graph(R, arg);
    else if (strcmp(n, "assertions") == 0) cmd_assertions(R);
    else if (strcmp(n, "check") == 0) cmd_check(R, arg);
    else if (strcmp(n, "debug") == 0) cmd_debug(R, arg);
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
    size_t n = strlen(s);   /* where the line's text ends: before a comment */
    for (const char *p = s; *p; p++) {
        if (in_str) {
            if (*p == '\\' && p[1]) p++;
            else if (*p == '"') in_str = false;
            continue;
        }
        if (*p == '"') in_str = true;
        else if (*p == '-' && p[1] == '-') {
            n = (size_t)(p - s);
            break;
        }
        else if (*p == '[' && (strncmp(p + 1, "T=", 2) == 0 || strncmp(p + 1, "F=", 2) == 0 ||
                               strncmp(p + 1, "FD=", 3) == 0 || p[1] == '>'))
            p++;   /* refinement and interrupt operators open no bracket */
        else if (*p == '|' && p[1] == '>') depth--, p++;   /* closes `[| A |>` */
        else if (*p == '(' || *p == '[' || *p == '{') depth++;
        else if (*p == ')' || *p == ']' || *p == '}') depth--;
    }
    if (depth > 0) return true;
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

/* Cuts a command line's trailing comment: `--` at the start or after a
 * blank, outside a string literal, to the end of the line (the lexer's
 * rule, so that `:traces P 4  -- comment` means what the same text means
 * in a script; a path such as `my--file.csp` keeps its dashes). */
static void cut_comment(char *s)
{
    bool in_string = false;
    for (char *p = s; *p; p++) {
        if (in_string) {
            if (*p == '\\' && p[1]) p++;
            else if (*p == '"') in_string = false;
        } else if (*p == '"') {
            in_string = true;
        } else if (p[0] == '-' && p[1] == '-' && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
            while (p > s && (p[-1] == ' ' || p[-1] == '\t')) p--;
            *p = 0;
            return;
        }
    }
}

static void handle(Repl *R, char *line)
{
    char *s = line;
    while (*s == ' ' || *s == '\t') s++;
    if (!*s || (s[0] == '-' && s[1] == '-')) return;
    bool amb;
    const Command *cmd = s[0] == ':' ? find_command(s + 1, strcspn(s + 1, " \t"), &amb) : NULL;
    bool loading = cmd && (!strcmp(cmd->name, "load") || !strcmp(cmd->name, "reload"));
    if (R->path && !loading) {
        struct stat sb;
        if (stat(R->path, &sb) == 0 && sb.st_mtime != R->mtime && sb.st_mtime != R->told) {
            R->told = sb.st_mtime;   /* said once per change */
            printf("(%s changed on disk; the session still has it as loaded: :reload to "
                   "load it again)\n", R->path);
        }
    }
    if (s[0] == ':') {
        cut_comment(s);
        command(R, s);   /* :quit is seen by repl_main before it gets here */
        return;
    }
    /* `let ... within ...` is an expression, as at FDR's prompt; `let`
     * followed by definitions only defines. */
    if (starts_with_word(s, "let") && !parses_as_expr(s)) cmd_define(R, s + 4, false);
    else if (starts_with_word(s, "assert")) cmd_define(R, s, true);
    else if (starts_with_word(s, "channel") || starts_with_word(s, "datatype") ||
             starts_with_word(s, "nametype") || starts_with_word(s, "subtype"))
        cmd_define(R, s, false);
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
    /* defined names (the session's), then built-ins */
    const Node *script = completing->s.script;
    uint32_t top = res_top_count(script);
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
    open_session(&R, NULL, NULL, 0, NULL, 0, false, &R.s);   /* no script yet */
    char *hist = tty ? history_path() : NULL;
    if (tty) {
        completing = &R;
        rl_attempted_completion_function = complete;
        if (hist) read_history(hist);
        puts("cspi 0.1.0: :help for commands, :quit to leave");
    }
    if (path) {
        watch_begin(watch);
        cmd_load(&R, path, true);
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
        /* Continuation lines while the input is incomplete (never after
         * `:help WORD`: `:help let` is whole). */
        const char *h = line + strspn(line, " \t");
        bool amb_h;
        const Command *hc = h[0] == ':' ? find_command(h + 1, strcspn(h + 1, " \t"), &amb_h) : NULL;
        while (!(hc && strcmp(hc->name, "help") == 0) && repl_incomplete(line)) {
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
    session_close(&R.s);
    for (uint32_t i = 0; i < R.n_defs; i++) free(R.defs[i]);
    free(R.defs);
    free(R.text);
    free(R.path);
    return 0;
}
