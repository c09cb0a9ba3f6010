/* numarg.h - whole numbers a person types: option values, REPL arguments.
 * One reading for all of them: decimal digits only (no sign, no blanks, no
 * trailing junk, no wrapping round), a value in [min, max]. A bad one gets a
 * message naming what was being read, for the caller to print:
 *   --assert needs a whole number from 1 to 4294967295, not '4294967297'
 * Depends on nothing.
 */
#ifndef CSP_NUMARG_H
#define CSP_NUMARG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads text (NULL: the value is missing) into *out, or returns false with
 * the message for `what` in msg (always NUL-terminated). */
bool numarg_parse(const char *what, const char *text, uint64_t min, uint64_t max, uint64_t *out,
                  char *msg, size_t msg_size);

#endif
