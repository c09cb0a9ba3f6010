/* diag.c - formatting of located messages; see diag.h. */
#include "diag.h"

#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Source excerpts show at most this many bytes around the span's start. */
enum { EXCERPT_MAX = 160 };

/* A shortened name shows this many bytes of its start and of its end. */
enum { NAME_HEAD = 60, NAME_TAIL = 20 };
_Static_assert(NAME_HEAD + 3 + NAME_TAIL <= DIAG_NAME_MAX, "a shortened name is shorter");

static bool is_name_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '\'';
}

/* Appends [p, p + n) to out (used of cap, NUL kept); false when it did not fit. */
static bool put_bytes(char *out, size_t cap, size_t *used, const char *p, size_t n)
{
    if (*used + n + 1 > cap) return false;
    memcpy(out + *used, p, n);
    *used += n;
    out[*used] = 0;
    return true;
}

size_t diag_shorten(char *out, size_t cap, const char *s, size_t n)
{
    static const char cut[] = "...";
    size_t used = 0;
    if (cap == 0) return 0;
    out[0] = 0;
    for (size_t i = 0; i < n;) {
        size_t run = 0;   /* a name: it may end with primes, not start with one */
        if (s[i] != '\'')
            while (i + run < n && is_name_byte((unsigned char)s[i + run])) run++;
        bool fits;
        if (run > DIAG_NAME_MAX) {
            fits = put_bytes(out, cap, &used, s + i, NAME_HEAD) &&
                   put_bytes(out, cap, &used, cut, 3) &&
                   put_bytes(out, cap, &used, s + i + run - NAME_TAIL, NAME_TAIL);
            i += run;
        } else {
            size_t k = run ? run : 1;
            fits = put_bytes(out, cap, &used, s + i, k);
            i += k;
        }
        if (!fits) {
            /* Out of room: end with "...", on a UTF-8 character boundary. */
            size_t keep = cap > sizeof cut ? cap - sizeof cut : 0;
            if (used > keep) used = keep;
            while (used > 0 && ((unsigned char)out[used] & 0xC0) == 0x80) used--;
            out[used] = 0;
            put_bytes(out, cap, &used, cut, cap > sizeof cut ? 3 : 0);
            return used;
        }
    }
    return used;
}

/* The message of fmt/ap, shortened (diag_shorten) into out. */
static void format_message(char *out, size_t cap, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    char small[512];
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    if (n < 0) {
        out[0] = 0;
        return;
    }
    if ((size_t)n < sizeof small) {
        diag_shorten(out, cap, small, (size_t)n);
        return;
    }
    char *big = xmalloc((size_t)n + 1);
    va_copy(copy, ap);
    vsnprintf(big, (size_t)n + 1, fmt, copy);
    va_end(copy);
    diag_shorten(out, cap, big, (size_t)n);
    free(big);
}

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
    char msg[DIAG_MESSAGE_MAX + 1];
    format_message(msg, sizeof msg, fmt, ap);
    if (has_location(d, at)) {
        uint32_t line, col;
        src_position(d->src, at.file, at.start, &line, &col);
        fprintf(d->out, "%s:%u:%u: %s: ", src_name(d->src, at.file), line, col, kind);
    } else {
        fprintf(d->out, "cspi: %s: ", kind);
    }
    fputs(msg, d->out);
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
    format_message(d->last_error + n, sizeof d->last_error - n, fmt, ap);
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
