/* diag.c - formatting of located messages; see diag.h. */
#include "diag.h"

#include <stdio.h>
#include <string.h>

/* Source excerpts show at most this many bytes around the span's start. */
enum { EXCERPT_MAX = 160 };

void diag_init(Diag *d, SrcSet *src, FILE *out)
{
    memset(d, 0, sizeof *d);
    d->src = src;
    d->out = out ? out : stderr;
}

static bool has_location(const Diag *d, Span at)
{
    return at.file != UINT32_MAX && at.file < src_count(d->src);
}

/* Length of the valid UTF-8 sequence at p (before e), or 0. */
static int utf8_len(const unsigned char *p, const unsigned char *e)
{
    int n = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3
          : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || e - p < n) return 0;
    for (int i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    return n;
}

/* Prints [p, e) so that a terminal shows it safely: control bytes and bytes
 * that are not UTF-8 become '?', tabs stay (the caret line copies them). */
static void print_text(FILE *out, const unsigned char *p, const unsigned char *e)
{
    while (p < e) {
        int n = utf8_len(p, e);
        if (n == 0 || (n == 1 && p[0] < 0x20 && p[0] != '\t') || p[0] == 0x7F) {
            fputc('?', out);
            p++;
        } else {
            fwrite(p, 1, (size_t)n, out);
            p += n;
        }
    }
}

static void print_excerpt(Diag *d, Span at)
{
    const char *text = src_text(d->src, at.file);
    uint32_t line, col, ls, llen;
    src_position(d->src, at.file, at.start, &line, &col);
    src_line_bounds(d->src, at.file, at.start, &ls, &llen);
    uint32_t from = ls, to = ls + llen;
    bool cut_left = false, cut_right = false;
    if (llen > EXCERPT_MAX) {
        if (at.start > ls + EXCERPT_MAX / 2) {
            from = at.start - EXCERPT_MAX / 2;
            cut_left = true;
        }
        if (to - from > EXCERPT_MAX) {
            to = from + EXCERPT_MAX;
            cut_right = true;
        }
    }
    fprintf(d->out, "%5u | %s", line, cut_left ? "..." : "");
    print_text(d->out, (const unsigned char *)text + from, (const unsigned char *)text + to);
    fprintf(d->out, "%s\n      | %s", cut_right ? "..." : "", cut_left ? "   " : "");
    /* Walk the line in the units print_text shows (one column per character
     * or stray byte), so the caret lines up whatever the encoding. */
    const unsigned char *u = (const unsigned char *)text;
    uint32_t start = at.start < from ? from : at.start;
    uint32_t end = at.end < to ? at.end : to;
    uint32_t i = from;
    while (i < start && i < to) {
        int n = utf8_len(u + i, u + to);
        fputc(u[i] == '\t' ? '\t' : ' ', d->out);
        i += n ? (uint32_t)n : 1;
    }
    fputc('^', d->out);
    i += i < to ? (utf8_len(u + i, u + to) ? (uint32_t)utf8_len(u + i, u + to) : 1) : 1;
    while (i < end) {
        int n = utf8_len(u + i, u + to);
        fputc('~', d->out);
        i += n ? (uint32_t)n : 1;
    }
    fputc('\n', d->out);
}

static void report(Diag *d, Span at, const char *kind, bool excerpt, const char *fmt, va_list ap)
{
    if (has_location(d, at)) {
        uint32_t line, col;
        src_position(d->src, at.file, at.start, &line, &col);
        fprintf(d->out, "%s:%u:%u: %s: ", src_name(d->src, at.file), line, col, kind);
    } else {
        fprintf(d->out, "cspi: %s: ", kind);
    }
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
    if (excerpt && has_location(d, at)) print_excerpt(d, at);
}

void diag_verror(Diag *d, Span at, const char *fmt, va_list ap)
{
    d->n_errors++;
    size_t n = 0;
    if (has_location(d, at)) {
        uint32_t line, col;
        src_position(d->src, at.file, at.start, &line, &col);
        int k = snprintf(d->last_error, sizeof d->last_error, "%s:%u:%u: ", src_name(d->src, at.file), line, col);
        n = k < 0 ? 0 : (size_t)k < sizeof d->last_error ? (size_t)k : sizeof d->last_error - 1;
    }
    va_list copy;
    va_copy(copy, ap);
    vsnprintf(d->last_error + n, sizeof d->last_error - n, fmt, copy);
    va_end(copy);
    if (d->quiet) return;
    if (d->n_errors == DIAG_MAX_ERRORS + 1)
        fprintf(d->out, "cspi: too many errors; further ones are not shown\n");
    if (d->n_errors > DIAG_MAX_ERRORS) return;
    report(d, at, "error", true, fmt, ap);
}

void diag_error(Diag *d, Span at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_verror(d, at, fmt, ap);
    va_end(ap);
}

void diag_warn(Diag *d, Span at, const char *fmt, ...)
{
    d->n_warnings++;
    if (d->quiet) return;
    va_list ap;
    va_start(ap, fmt);
    report(d, at, "warning", true, fmt, ap);
    va_end(ap);
}

void diag_note(Diag *d, Span at, const char *fmt, ...)
{
    if (d->quiet || d->n_errors > DIAG_MAX_ERRORS) return;
    va_list ap;
    va_start(ap, fmt);
    report(d, at, "note", false, fmt, ap);
    va_end(ap);
}

void diag_linecol(Diag *d, Span at, char *buf, size_t size)
{
    uint32_t line = 0, col = 0;
    if (has_location(d, at)) src_position(d->src, at.file, at.start, &line, &col);
    snprintf(buf, size, "%u:%u", line, col);
}
