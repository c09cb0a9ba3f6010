/* numarg.c - whole numbers a person types; see numarg.h. */
#include "numarg.h"

#include <stdio.h>
#include <string.h>

enum { SHOWN_MAX = 40 };   /* bytes of a bad value quoted in the message */

bool numarg_parse(const char *what, const char *text, uint64_t min, uint64_t max, uint64_t *out,
                  char *msg, size_t msg_size)
{
    uint64_t n = 0;
    bool ok = text && *text;
    for (const char *p = text; ok && *p; p++) {
        unsigned digit = (unsigned)(*p - '0');
        if (digit > 9 || n > (UINT64_MAX - digit) / 10) ok = false;   /* junk, or past 2^64 */
        else n = n * 10 + digit;
    }
    if (ok && n >= min && n <= max) {
        *out = n;
        return true;
    }
    int k = snprintf(msg, msg_size, "%s needs a whole number from %llu to %llu", what,
                     (unsigned long long)min, (unsigned long long)max);
    if (text && k >= 0 && (size_t)k < msg_size)
        snprintf(msg + k, msg_size - (size_t)k, ", not '%.*s%s'", SHOWN_MAX, text,
                 strlen(text) > SHOWN_MAX ? "..." : "");
    return false;
}
