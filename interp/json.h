/* json.h - writing one JSON document, escaped and with its commas.
 * A JsonWriter writes to a stream as the caller builds the document: open
 * and close objects and arrays, name each member with json_key, and the
 * writer puts the separators (", " and ": ", as cspi has always printed).
 * Strings are escaped (quote, backslash, control characters) and kept
 * valid UTF-8: a byte that is not part of a well-formed sequence becomes
 * U+FFFD, so any text a script holds makes valid JSON. Text another module
 * prints (a value, an event) goes through a capture: print into the stream
 * json_capture_begin returns, and json_capture_end writes it as one string.
 * The writer owns memory only during a capture; it reports no errors (the
 * stream's error flag has them, as for any printing). Depends on stdio.
 */
#ifndef CSP_JSON_H
#define CSP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { JSON_MAX_DEPTH = 16 };   /* nesting of objects and arrays */

typedef struct JsonWriter {
    FILE *out;              /* borrowed */
    uint32_t depth;
    bool has_items[JSON_MAX_DEPTH];   /* a member or element written at this level */
    bool by_line[JSON_MAX_DEPTH];     /* an array with one element per line */
    char closer[JSON_MAX_DEPTH];      /* '}' or ']' */
    bool after_key;         /* the next value is a member's */
    FILE *capture;          /* open between json_capture_begin and _end */
    char *captured;
    size_t captured_len;
} JsonWriter;

void json_init(JsonWriter *j, FILE *out);

void json_object_begin(JsonWriter *j);
void json_object_end(JsonWriter *j);
void json_array_begin(JsonWriter *j);
/* An array whose elements each start a line, indented two spaces. */
void json_array_lines_begin(JsonWriter *j);
void json_array_end(JsonWriter *j);
/* Names the next value; only inside an object. */
void json_key(JsonWriter *j, const char *key);

void json_string(JsonWriter *j, const char *s);
void json_string_n(JsonWriter *j, const char *s, size_t n);
void json_uint(JsonWriter *j, uint64_t n);
/* A number with `decimals` digits after the point (seconds: 3). */
void json_fixed(JsonWriter *j, double x, int decimals);
void json_bool(JsonWriter *j, bool b);

/* A stream to print a string value into (one capture at a time). Memory
 * runs out as for xmalloc: "cspi: out of memory", exit 70. */
FILE *json_capture_begin(JsonWriter *j);
/* Writes what was printed since json_capture_begin as a string. */
void json_capture_end(JsonWriter *j);

/* Closes what is still open, ends the document with a newline, flushes. */
void json_finish(JsonWriter *j);

/* Writes s[0..n) escaped, without the quotes: the escaper on its own. */
void json_escape(FILE *out, const char *s, size_t n);

#endif
