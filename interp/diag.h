/* diag.h - diagnostics people can act on.
 * A Diag prints located messages to a stream (stderr by default):
 *   file:line:col: error: message
 *      12 | the source line
 *         |      ^~~~~
 * and counts them. Library code reports through a Diag and never exits;
 * only main.c turns counts into exit codes. After DIAG_MAX_ERRORS errors
 * further ones are counted but not printed.
 */
#ifndef CSP_DIAG_H
#define CSP_DIAG_H

#include "src.h"

#include <stdarg.h>
#include <stdio.h>

#define DIAG_MAX_ERRORS 50
/* Messages never flood the terminal: a name (a run of letters, digits, '_'
 * and primes) longer than DIAG_NAME_MAX bytes is shown as its start, "..."
 * and its end; a message longer than DIAG_MESSAGE_MAX bytes after that is
 * cut and ends with "...". (Source excerpts are cut too; see diag.c.) */
#define DIAG_NAME_MAX 100
#define DIAG_MESSAGE_MAX 1000
#define SPAN_NONE ((Span){ UINT32_MAX, 0, 0 })

typedef struct Diag {
    SrcSet *src;        /* borrowed */
    FILE *out;          /* borrowed; stderr unless a test redirects it */
    int n_errors, n_warnings;
    bool quiet;         /* count only (used by speculative parses) */
    char last_error[320];   /* the last error as one line, "file:line:col: message" */
} Diag;

void diag_init(Diag *d, SrcSet *src, FILE *out);
void diag_error(Diag *d, Span at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warn(Diag *d, Span at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A note follows an error: location and message, no excerpt. */
void diag_note(Diag *d, Span at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_verror(Diag *d, Span at, const char *fmt, va_list ap);

/* Copies n bytes of s into out (cap bytes, NUL-terminated) as messages
 * show them: long names shortened, the whole cut with "..." when it does not
 * fit. Returns the length written. For text built before it reaches a
 * message, such as "identifier 'x'". */
size_t diag_shorten(char *out, size_t cap, const char *s, size_t n);

/* "line:col" of a span's start, for messages such as "opened at 3:7". */
void diag_linecol(Diag *d, Span at, char *buf, size_t size);

#endif
