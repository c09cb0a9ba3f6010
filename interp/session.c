/* session.c - opening and closing a loaded script; see session.h. */
#include "session.h"

#include <string.h>

static void set_limits(Session *s, const SessionLimits *lim)
{
    s->limits = lim ? *lim : (SessionLimits){ 0 };
    if (!s->limits.max_steps) s->limits.max_steps = SESSION_DEFAULT_MAX_STEPS;
}

/* The evaluator and tables of a script that loaded. */
static void build(Session *s)
{
    s->E = eval_new(s->in, s->script);
    eval_set_limits(s->E, s->limits.stack_bytes, s->limits.max_steps);
    eval_set_max_depth(s->E, s->limits.max_depth);
    if (s->limits.watch) eval_set_watch(s->E, s->limits.watch);
    s->events = event_table_new();
    s->pt = proc_table_new(s->E, s->events);
}

LoadStatus session_open_file(Session *s, const char *path, const char *expr, const SessionLimits *lim,
                             FILE *diag_out)
{
    memset(s, 0, sizeof *s);
    set_limits(s, lim);
    s->in = interp_new(diag_out);
    LoadStatus st = expr ? interp_load_with_expr(s->in, path, expr, &s->script, &s->expr)
                         : interp_load_file(s->in, path, &s->script);
    if (st == LOAD_OK) build(s);
    else s->script = s->expr = NULL;
    return st;
}

LoadStatus session_open_text(Session *s, const char *name, const char *text, size_t len,
                             const char *const *defs, uint32_t n_defs, const SessionLimits *lim,
                             FILE *diag_out, bool quiet)
{
    memset(s, 0, sizeof *s);
    set_limits(s, lim);
    s->in = interp_new(diag_out);
    s->in->diag.quiet = quiet;
    LoadStatus st = interp_load_session_text(s->in, name, text, len, defs, n_defs, &s->script);
    s->in->diag.quiet = false;
    if (st == LOAD_OK) build(s);
    else s->script = NULL;
    return st;
}

void session_begin_command(Session *s)
{
    s->in->diag.n_errors = s->in->diag.n_warnings = 0;
    eval_set_limits(s->E, s->limits.stack_bytes, s->limits.max_steps);
}

void session_close(Session *s)
{
    if (s->pt) proc_table_free(s->pt);
    if (s->events) event_table_free(s->events);
    if (s->E) eval_free(s->E);
    if (s->in) interp_free(s->in);
    memset(s, 0, sizeof *s);
}
