/* session.h - one loaded script, ready to evaluate, run and check.
 * A Session owns everything the pipeline builds for a script: the Interp
 * (sources, names, diagnostics, syntax trees, values), the evaluator, the
 * event table and the process table, with the limits they run under.
 * `cspi eval|test|run|check`, the REPL and the unit tests open scripts only
 * through here, so every command sees the same pipeline and the same
 * default limits. Depends on interp.h, eval.h, event.h, proc.h.
 */
#ifndef CSP_SESSION_H
#define CSP_SESSION_H

#include "eval.h"
#include "event.h"
#include "interp.h"
#include "proc.h"
#include "watch.h"

#include <stdio.h>

/* Evaluation steps one command may take unless told otherwise
 * (--max-steps; the REPL's budget per command). */
#define SESSION_DEFAULT_MAX_STEPS 2000000000u

/* The limits a session's evaluation runs under. */
typedef struct SessionLimits {
    size_t stack_bytes;     /* the evaluator's recursion budget in bytes; 0: it measures its stack */
    uint32_t max_depth;     /* and in levels (eval_set_max_depth); 0: none */
    uint64_t max_steps;     /* evaluation steps per command (0: SESSION_DEFAULT_MAX_STEPS) */
    Watch *watch;           /* memory, time and Ctrl-C; NULL: none */
} SessionLimits;

typedef struct Session {
    Interp *in;             /* always set once opened, even when loading failed */
    Node *script;           /* the resolved script (NULL if it did not load) */
    Node *expr;             /* the expression loaded with it: a PATBIND `<expression> = e`, or NULL */
    Eval *E;                /* NULL if it did not load */
    EventTable *events;
    ProcTable *pt;
    SessionLimits limits;
} Session;

/* Loads the script at path (NULL: no script) and, when expr is not NULL,
 * one expression that sees its names (s->expr). Diagnostics go to
 * diag_out. On LOAD_OK the evaluator and the tables are ready; otherwise
 * only s->in is (its diag says what went wrong). Either way the caller ends
 * with session_close. */
LoadStatus session_open_file(Session *s, const char *path, const char *expr, const SessionLimits *lim,
                             FILE *diag_out);

/* The same for a script held in memory (the REPL's text as loaded, a unit
 * test's script): name is its path (includes are found next to it), NULL
 * for none; defs[0..n_defs) are extra definitions, each its own text named
 * "<session>". quiet: report nothing (the caller is only trying). */
LoadStatus session_open_text(Session *s, const char *name, const char *text, size_t len,
                             const char *const *defs, uint32_t n_defs, const SessionLimits *lim,
                             FILE *diag_out, bool quiet);

/* A new command starts in an open session: error counts cleared, a fresh
 * step budget. */
void session_begin_command(Session *s);

/* Frees all of it (nothing if never opened); *s is zeroed. */
void session_close(Session *s);

#endif
