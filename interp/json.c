/* json.c - writing one JSON document; see json.h. */
#define _POSIX_C_SOURCE 200809L
#include "json.h"

#include <stdlib.h>
#include <string.h>

void json_init(JsonWriter *j, FILE *out)
{
    memset(j, 0, sizeof *j);
    j->out = out;
}

/* The length of the well-formed UTF-8 sequence at s (n bytes left), or 0
 * (Unicode 15, table 3-7: no overlong forms, surrogates or values past
 * U+10FFFF). */
static size_t utf8_length(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;   /* the range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi) return 0;
    for (size_t k = 2; k < len; k++)
        if (s[k] < 0x80 || s[k] > 0xBF) return 0;
    return len;
}

void json_escape(FILE *out, const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c >= 0x80) {
            size_t len = utf8_length(s + i, n - i);
            if (len) fwrite(s + i, 1, len, out);
            else fputs("\\ufffd", out);   /* not UTF-8: the replacement character */
            i += len ? len : 1;
            continue;
        }
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        default:
            if (c < 0x20 || c == 0x7F) fprintf(out, "\\u%04x", c);
            else fputc(c, out);
        }
        i++;
    }
}

/* Before any value: the separator its position needs. */
static void before_value(JsonWriter *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth == 0) return;
    uint32_t d = j->depth - 1;
    if (j->has_items[d]) fputs(j->by_line[d] ? ",\n  " : ", ", j->out);
    else if (j->by_line[d]) fputs("\n  ", j->out);
    j->has_items[d] = true;
}

static void open_level(JsonWriter *j, char bracket, bool by_line)
{
    before_value(j);
    if (j->depth == JSON_MAX_DEPTH) abort();   /* a bug in the caller: nesting is fixed */
    fputc(bracket, j->out);
    j->has_items[j->depth] = false;
    j->by_line[j->depth] = by_line;
    j->closer[j->depth] = bracket == '{' ? '}' : ']';
    j->depth++;
}

static void close_level(JsonWriter *j, char bracket)
{
    /* a bug in the caller: more closed than opened, or not what was opened */
    if (j->depth == 0 || j->closer[j->depth - 1] != bracket) abort();
    j->depth--;
    if (j->by_line[j->depth] && j->has_items[j->depth]) fputc('\n', j->out);
    fputc(bracket, j->out);
}

void json_object_begin(JsonWriter *j) { open_level(j, '{', false); }
void json_object_end(JsonWriter *j) { close_level(j, '}'); }
void json_array_begin(JsonWriter *j) { open_level(j, '[', false); }
void json_array_lines_begin(JsonWriter *j) { open_level(j, '[', true); }
void json_array_end(JsonWriter *j) { close_level(j, ']'); }

void json_key(JsonWriter *j, const char *key)
{
    before_value(j);
    fputc('"', j->out);
    json_escape(j->out, key, strlen(key));
    fputs("\": ", j->out);
    j->after_key = true;
}

void json_string_n(JsonWriter *j, const char *s, size_t n)
{
    before_value(j);
    fputc('"', j->out);
    json_escape(j->out, s, n);
    fputc('"', j->out);
}

void json_string(JsonWriter *j, const char *s) { json_string_n(j, s, strlen(s)); }

void json_uint(JsonWriter *j, uint64_t n)
{
    before_value(j);
    fprintf(j->out, "%llu", (unsigned long long)n);
}

void json_fixed(JsonWriter *j, double x, int decimals)
{
    before_value(j);
    if (x != x || x > 1e300 || x < -1e300) x = 0;   /* JSON has no NaN or infinity */
    fprintf(j->out, "%.*f", decimals, x);
}

void json_bool(JsonWriter *j, bool b)
{
    before_value(j);
    fputs(b ? "true" : "false", j->out);
}

FILE *json_capture_begin(JsonWriter *j)
{
    j->captured = NULL;
    j->captured_len = 0;
    j->capture = open_memstream(&j->captured, &j->captured_len);
    if (!j->capture) {
        fputs("cspi: out of memory\n", stderr);   /* as xmalloc does */
        exit(70);
    }
    return j->capture;
}

void json_capture_end(JsonWriter *j)
{
    if (fclose(j->capture) != 0 || !j->captured) {
        fputs("cspi: out of memory\n", stderr);
        exit(70);
    }
    j->capture = NULL;
    json_string_n(j, j->captured, j->captured_len);
    free(j->captured);
    j->captured = NULL;
}

void json_finish(JsonWriter *j)
{
    while (j->depth) close_level(j, j->closer[j->depth - 1]);   /* what is still open */
    fputc('\n', j->out);
    fflush(j->out);
}
