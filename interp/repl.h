/* repl.h - the interactive prompt (`cspi repl`).
 * Loads a script, evaluates expressions and definitions typed at the
 * prompt, steps through processes, lists traces and initials, runs and
 * checks, draws LTS graphs. With a terminal, libedit gives line editing,
 * history (~/.cspi_history) and completion; otherwise no prompt is
 * printed, so a transcript can be piped in and its output compared.
 * One session (interpreter, evaluator, events, process terms) lives across
 * commands; it is rebuilt from the script's text as loaded only by :load,
 * :reload and definitions typed at the prompt, and a rebuild that fails
 * leaves the old one in place.
 */
#ifndef CSP_REPL_H
#define CSP_REPL_H

#include "watch.h"

#include <stdbool.h>
#include <stdio.h>

/* Runs the prompt until :quit or end of input; returns the exit status.
 * path: a script to load first, or NULL. watch: what stops the command
 * in progress (Ctrl-C, memory), watched only while one runs; NULL: none. */
int repl_main(const char *path, bool tty, Watch *watch);

/* The command a (possibly shortened) name after ':' stands for, or NULL
 * (with *ambiguous set when several commands start that way). */
const char *repl_command_name(const char *word, bool *ambiguous);
/* Does an input line need a continuation line (an open bracket, or a
 * trailing operator or keyword)? */
bool repl_incomplete(const char *line);

#endif
