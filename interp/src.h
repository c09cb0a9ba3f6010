/* src.h - source texts and spans.
 * A SrcSet owns every loaded text (files, REPL lines, the prelude). Each text
 * gets a small file id; a Span is a byte range in one of them. Texts carry a
 * trailing NUL (the lexer relies on it) and live as long as the SrcSet.
 * Line and column are computed only when a position is printed.
 */
#ifndef CSP_SRC_H
#define CSP_SRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct { uint32_t file, start, end; } Span;   /* [start, end) in src_text(file) */

typedef struct SrcSet SrcSet;

SrcSet *src_set_new(void);
void src_set_free(SrcSet *s);

/* The biggest script file read, in bytes (spans are 32-bit; a script
 * that big already takes gigabytes to parse). */
#define SRC_MAX_BYTES ((size_t)64 << 20)
#define SRC_MAX_BYTES_TEXT "64 MiB"
/* A file whose first SRC_SNIFF_BYTES bytes hold SRC_BINARY_NULS NUL bytes
 * is not read as a script. */
#define SRC_SNIFF_BYTES 8192
#define SRC_BINARY_NULS 8

/* Loads a file; returns its id, or -1 when it cannot be read, is not text
 * (see SRC_BINARY_NULS) or is larger than SRC_MAX_BYTES. Then errno is set
 * and src_load_error says why. A leading UTF-8 byte-order mark is dropped. */
int src_load_file(SrcSet *s, const char *path);
/* The file's text as src_load_file reads it (NUL-terminated, a byte-order
 * mark dropped; the caller frees it), with its length in *len; or NULL,
 * errno set, when it cannot be read, is not text or is too big. *why is
 * then the reason for "cannot read 'x': <why>" (static), else NULL. */
char *src_read_file(const char *path, size_t *len, const char **why);
/* Why the last src_load_file failed, for "cannot read 'x': <why>". */
const char *src_load_error(const SrcSet *s);
/* Adds a text under a display name (copied); returns its id. */
uint32_t src_add_text(SrcSet *s, const char *name, const char *text, size_t len);

const char *src_name(const SrcSet *s, uint32_t file);
const char *src_text(const SrcSet *s, uint32_t file);   /* NUL-terminated */
size_t src_len(const SrcSet *s, uint32_t file);
uint32_t src_count(const SrcSet *s);

/* 1-based line and column (in bytes, tabs count 1) of byte offset off. */
void src_position(SrcSet *s, uint32_t file, uint32_t off, uint32_t *line, uint32_t *col);
/* The line containing off: start offset and length without the newline. */
void src_line_bounds(SrcSet *s, uint32_t file, uint32_t off, uint32_t *start, uint32_t *len);

static inline Span span_join(Span a, Span b)
{
    Span r = a;
    if (a.file != b.file) return a;
    if (b.start < r.start) r.start = b.start;
    if (b.end > r.end) r.end = b.end;
    return r;
}

#endif
