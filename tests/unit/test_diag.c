/* test_diag.c - the format of diagnostics (STYLE.md §6, diag.h):
 *   name:LINE:COL: error: message
 *   %5u | the source line
 *         | ^~~ under the whole span, tabs copied
 * Each test writes into a memory stream and compares the exact text.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "arena.h"
#include "diag.h"
#include "parse.h"
#include "src.h"
#include "sym.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static SrcSet *src;
static Diag diag;
static FILE *out;
static char *buf;
static size_t buf_len;

static void setup(void)
{
    src = src_set_new();
    out = open_memstream(&buf, &buf_len);
    diag_init(&diag, src, out);
}

static void teardown(void)
{
    fclose(out);
    free(buf);
    src_set_free(src);
}

TestSuite(diag, .init = setup, .fini = teardown);

/* ---- helpers ---- */

static const char *output(void)
{
    fflush(out);
    return buf ? buf : "";
}

static uint32_t add(const char *text) { return src_add_text(src, "t.csp", text, strlen(text)); }

static Span span(uint32_t file, uint32_t start, uint32_t end)
{
    return (Span){ file, start, end };
}

/* The output with control characters visible, for failure messages. */
static char *visible(const char *s)
{
    char *v;
    size_t n;
    FILE *f = open_memstream(&v, &n);
    for (; *s; s++) {
        if (*s == '\n') fputs("\\n\n", f);
        else if (*s == '\t') fputs("\\t", f);
        else fputc(*s, f);
    }
    fclose(f);
    return v;
}

#define EXPECT_OUTPUT(want) do {                                                      \
        const char *got_ = output();                                                  \
        cr_assert_str_eq(got_, (want), "diagnostic output\n--- got\n%s\n--- want\n%s", \
                         visible(got_), visible(want));                               \
    } while (0)

/* Parses text as file "t.csp" with the test's Diag. */
static void parse_with_diag(const char *text)
{
    SymTable *syms = sym_table_new();
    Arena *arena = arena_new(1 << 16);
    parse_script(src, syms, &diag, arena, add(text));
    arena_free(arena);
    sym_table_free(syms);
}

static int count_lines_with(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
    return n;
}

/* ---- the basic format ---- */

Test(diag, error_with_excerpt_and_carets)
{
    uint32_t f = add("channel coin\nVM = coins -> choc -> VM\n");
    diag_error(&diag, span(f, 18, 23), "undefined channel '%s'", "coins");
    EXPECT_OUTPUT("t.csp:2:6: error: undefined channel 'coins'\n"
                  "    2 | VM = coins -> choc -> VM\n"
                  "      |      ^~~~~\n");
    cr_assert_eq(diag.n_errors, 1);
}

Test(diag, syntax_error_on_line_3)
{
    parse_with_diag("P = STOP\nQ = SKIP\nR = a -> -> STOP\n");
    EXPECT_OUTPUT("t.csp:3:10: error: unexpected '->'\n"
                  "    3 | R = a -> -> STOP\n"
                  "      |          ^~\n");
    cr_assert_eq(diag.n_errors, 1);
}

Test(diag, line_numbers_are_padded_to_five_columns)
{
    char text[20000];
    size_t n = 0;
    for (int i = 0; i < 12344; i++) text[n++] = '\n';
    memcpy(text + n, "x = y\n", 7);
    uint32_t f = add(text);
    diag_error(&diag, span(f, (uint32_t)n + 4, (uint32_t)n + 5), "here");
    EXPECT_OUTPUT("t.csp:12345:5: error: here\n"
                  "12345 | x = y\n"
                  "      |     ^\n");
}

Test(diag, carets_cover_the_whole_span)
{
    uint32_t f = add("P = a -> b -> STOP");
    diag_error(&diag, span(f, 4, 13), "span");
    EXPECT_OUTPUT("t.csp:1:5: error: span\n"
                  "    1 | P = a -> b -> STOP\n"
                  "      |     ^~~~~~~~~\n");
}

Test(diag, empty_span_gets_one_caret)
{
    uint32_t f = add("P = a b");
    diag_error(&diag, span(f, 5, 5), "empty");
    EXPECT_OUTPUT("t.csp:1:6: error: empty\n"
                  "    1 | P = a b\n"
                  "      |      ^\n");
}

Test(diag, span_over_several_lines_stops_at_end_of_line)
{
    uint32_t f = add("P = (a ->\n  b)\n");
    diag_error(&diag, span(f, 4, 13), "multi");
    EXPECT_OUTPUT("t.csp:1:5: error: multi\n"
                  "    1 | P = (a ->\n"
                  "      |     ^~~~~\n");
}

Test(diag, tabs_are_copied_into_the_caret_line)
{
    uint32_t f = add("\tP =\ta -> b\n");
    diag_error(&diag, span(f, 10, 11), "tabbed");
    EXPECT_OUTPUT("t.csp:1:11: error: tabbed\n"
                  "    1 | \tP =\ta -> b\n"
                  "      | \t   \t     ^\n");
}

Test(diag, span_at_end_of_file)
{
    uint32_t f = add("P = a ->");
    diag_error(&diag, span(f, 8, 8), "unexpected end of file");
    EXPECT_OUTPUT("t.csp:1:9: error: unexpected end of file\n"
                  "    1 | P = a ->\n"
                  "      |         ^\n");
}

Test(diag, parse_error_at_end_of_file)
{
    parse_with_diag("P = a ->");
    const char *o = output();
    cr_assert(strncmp(o, "t.csp:1:9: error: unexpected end of file", 40) == 0, "%s", o);
    cr_assert(strstr(o, "\n    1 | P = a ->\n      |         ^\n") != NULL, "%s", visible(o));
}

Test(diag, crlf_line_is_shown_without_carriage_return)
{
    uint32_t f = add("P = a\r\nQ = b c\r\n");
    diag_error(&diag, span(f, 13, 14), "crlf");
    EXPECT_OUTPUT("t.csp:2:7: error: crlf\n"
                  "    2 | Q = b c\n"
                  "      |       ^\n");
}

/* Regression (fixed): in a CRLF file an error at the end of a line (the newline token)
 * reports a column one greater than the same error in an LF file, because
 * the newline token starts at the '\n' after the '\r'; the caret is drawn
 * at the LF column, so header and caret disagree:
 *   t.csp:1:8: error: unexpected end of line ...   (LF file: 1:7)
 *       1 | Q = (a
 *         |       ^          (column 7) */
Test(diag, crlf_end_of_line_column)
{
    parse_with_diag("Q = (a\r\nR = 1\r\n");
    EXPECT_OUTPUT("t.csp:1:7: error: unexpected end of line; expected ')' to close '(' at 1:5\n"
                  "    1 | Q = (a\n"
                  "      |       ^\n");
}

Test(diag, lf_end_of_line_column)
{
    parse_with_diag("Q = (a\nR = 1\n");
    EXPECT_OUTPUT("t.csp:1:7: error: unexpected end of line; expected ')' to close '(' at 1:5\n"
                  "    1 | Q = (a\n"
                  "      |       ^\n");
}

Test(diag, control_bytes_are_shown_as_question_marks)
{
    uint32_t f = add("x = \x01 y");
    diag_error(&diag, span(f, 6, 7), "ctl");
    EXPECT_OUTPUT("t.csp:1:7: error: ctl\n"
                  "    1 | x = ? y\n"
                  "      |       ^\n");
}

/* ---- non-ASCII text: one caret column per printed character ---- */

Test(diag, utf8_before_the_span)
{
    uint32_t f = add("x = \"\xC3\xA9\" + y");
    diag_error(&diag, span(f, 11, 12), "after e-acute");
    EXPECT_OUTPUT("t.csp:1:12: error: after e-acute\n"
                  "    1 | x = \"\xC3\xA9\" + y\n"
                  "      |           ^\n");
}

Test(diag, utf8_inside_the_span)
{
    uint32_t f = add("x = \"\xC3\xA9\xE2\x86\x92\"");
    diag_error(&diag, span(f, 4, 11), "string");
    EXPECT_OUTPUT("t.csp:1:5: error: string\n"
                  "    1 | x = \"\xC3\xA9\xE2\x86\x92\"\n"
                  "      |     ^~~~\n");
}

/* Regression (fixed): for a 3- or 4-byte UTF-8 character before the span, print_excerpt
 * emits one space per continuation byte after the second byte: it tests
 * whether the sequence starting at the *previous* byte is valid, and a
 * continuation byte never starts one. The caret lands one column right per
 * 3-byte character (two per 4-byte one). */
Test(diag, three_byte_utf8_before_the_span)
{
    uint32_t f = add("x = \"\xE2\x86\x92\" + y");
    diag_error(&diag, span(f, 12, 13), "after arrow");
    EXPECT_OUTPUT("t.csp:1:13: error: after arrow\n"
                  "    1 | x = \"\xE2\x86\x92\" + y\n"
                  "      |           ^\n");
}

Test(diag, four_byte_utf8_before_the_span)
{
    /* U+10348 GOTHIC LETTER HWAIR, one column wide. */
    uint32_t f = add("x = \"\xF0\x90\x8D\x88\" + y");
    diag_error(&diag, span(f, 13, 14), "after hwair");
    EXPECT_OUTPUT("t.csp:1:14: error: after hwair\n"
                  "    1 | x = \"\xF0\x90\x8D\x88\" + y\n"
                  "      |           ^\n");
}

/* Regression (fixed): a Windows-1252 byte in 0x80-0xBF (e.g. the curly quotes 0x93/0x94,
 * accepted in strings, LANGUAGE.md §1.1) is printed as '?', one column, but
 * the caret line treats it as a UTF-8 continuation byte and gives it no
 * column: carets after it land one column left, and a span containing such
 * bytes gets too few '~'. */
Test(diag, windows_1252_byte_before_the_span)
{
    uint32_t f = add("x = \"\x93\" + y");
    diag_error(&diag, span(f, 10, 11), "after curly quote");
    EXPECT_OUTPUT("t.csp:1:11: error: after curly quote\n"
                  "    1 | x = \"?\" + y\n"
                  "      |           ^\n");
}

Test(diag, windows_1252_bytes_inside_the_span)
{
    uint32_t f = add("x = \"\x93hi\x94\"");
    diag_error(&diag, span(f, 4, 10), "curly string");
    EXPECT_OUTPUT("t.csp:1:5: error: curly string\n"
                  "    1 | x = \"?hi?\"\n"
                  "      |     ^~~~~~\n");
}

Test(diag, latin1_lead_byte_is_one_column)
{
    /* 0xE9 followed by ASCII is not UTF-8: printed '?', one column. */
    uint32_t f = add("x = \"caf\xE9\" + y");
    diag_error(&diag, span(f, 13, 14), "latin-1");
    EXPECT_OUTPUT("t.csp:1:14: error: latin-1\n"
                  "    1 | x = \"caf?\" + y\n"
                  "      |              ^\n");
}

/* ---- long lines ---- */

static char *long_line(size_t len, size_t bad_at)
{
    char *s = malloc(len + 2);
    for (size_t i = 0; i < len; i++) s[i] = (char)('a' + i % 26);
    memcpy(s + bad_at, "BAD", 3);
    s[len] = '\n';
    s[len + 1] = 0;
    return s;
}

Test(diag, long_line_is_excerpted_on_both_sides)
{
    char *text = long_line(1200, 600);
    uint32_t f = add(text);
    diag_error(&diag, span(f, 600, 603), "deep inside");
    /* 80 bytes before the span's start, 160 in all. */
    char want[1024];
    int n = snprintf(want, sizeof want, "t.csp:1:601: error: deep inside\n    1 | ...%.160s...\n"
                     "      |    %80s^~~\n", text + 520, "");
    cr_assert_lt(n, (int)sizeof want);
    EXPECT_OUTPUT(want);
    cr_assert_lt(strlen(strchr(output(), '\n') + 1), 400, "the excerpt is short");
    free(text);
}

Test(diag, long_line_with_span_near_the_start_is_cut_on_the_right)
{
    char *text = long_line(1500, 10);
    uint32_t f = add(text);
    diag_error(&diag, span(f, 10, 13), "near start");
    char want[1024];
    snprintf(want, sizeof want, "t.csp:1:11: error: near start\n    1 | %.160s...\n"
             "      | %10s^~~\n", text, "");
    EXPECT_OUTPUT(want);
    free(text);
}

Test(diag, long_line_with_span_near_the_end_is_cut_on_the_left)
{
    char *text = long_line(1100, 1090);
    uint32_t f = add(text);
    diag_error(&diag, span(f, 1090, 1093), "near end");
    char want[1024];
    /* The excerpt runs from byte 1010 to the end of the line. */
    char line[200];
    snprintf(line, sizeof line, "%.90s", text + 1010);
    snprintf(want, sizeof want, "t.csp:1:1091: error: near end\n    1 | ...%s\n"
             "      |    %80s^~~\n", line, "");
    EXPECT_OUTPUT(want);
    free(text);
}

Test(diag, long_span_carets_stop_at_the_excerpt)
{
    char *text = long_line(1200, 600);
    uint32_t f = add(text);
    diag_error(&diag, span(f, 600, 1100), "wide");
    const char *o = output();
    const char *caret = strstr(o, "^");
    cr_assert(caret != NULL);
    size_t tildes = strspn(caret + 1, "~");
    cr_assert_eq(tildes, 79, "carets end with the excerpt (got %zu '~')", tildes);
    free(text);
}

/* ---- notes, warnings, no location ---- */

Test(diag, notes_have_no_excerpt)
{
    uint32_t f = add("channel coin\nVM = coins -> VM\n");
    diag_error(&diag, span(f, 18, 23), "undefined channel 'coins'");
    diag_note(&diag, span(f, 8, 12), "did you mean 'coin'?");
    EXPECT_OUTPUT("t.csp:2:6: error: undefined channel 'coins'\n"
                  "    2 | VM = coins -> VM\n"
                  "      |      ^~~~~\n"
                  "t.csp:1:9: note: did you mean 'coin'?\n");
    cr_assert_eq(diag.n_errors, 1, "notes are not counted as errors");
}

Test(diag, warnings_have_an_excerpt_and_are_counted)
{
    uint32_t f = add("x = 1\n");
    diag_warn(&diag, span(f, 0, 1), "unused '%s'", "x");
    EXPECT_OUTPUT("t.csp:1:1: warning: unused 'x'\n"
                  "    1 | x = 1\n"
                  "      | ^\n");
    cr_assert_eq(diag.n_warnings, 1);
    cr_assert_eq(diag.n_errors, 0);
}

Test(diag, no_location)
{
    diag_error(&diag, SPAN_NONE, "cannot read '%s'", "x.csp");
    diag_note(&diag, SPAN_NONE, "a note");
    EXPECT_OUTPUT("cspi: error: cannot read 'x.csp'\ncspi: note: a note\n");
}

Test(diag, too_many_errors)
{
    uint32_t f = add("x = 1\n");
    for (int i = 0; i < DIAG_MAX_ERRORS + 10; i++) {
        diag_error(&diag, span(f, 0, 1), "error %d", i + 1);
        diag_note(&diag, span(f, 4, 5), "note %d", i + 1);
    }
    const char *o = output();
    cr_assert_eq(diag.n_errors, DIAG_MAX_ERRORS + 10, "every error is counted");
    cr_assert_eq(count_lines_with(o, ": error: "), DIAG_MAX_ERRORS);
    cr_assert_eq(count_lines_with(o, ": note: "), DIAG_MAX_ERRORS);
    cr_assert_eq(count_lines_with(o, "too many errors"), 1);
    char last[64];
    snprintf(last, sizeof last, "error %d\n", DIAG_MAX_ERRORS);
    const char *tail = strstr(o, "too many errors");
    cr_assert(strstr(o, last) != NULL && strstr(o, last) < tail, "the cap follows error 50");
    cr_assert(strstr(tail, "error 51") == NULL, "error 51 is not shown");
    /* The "too many" line is the last one printed. */
    cr_assert_str_eq(tail, "too many errors; further ones are not shown\n");
}

Test(diag, quiet_counts_without_printing)
{
    uint32_t f = add("x = 1\n");
    diag.quiet = true;
    diag_error(&diag, span(f, 0, 1), "hidden");
    diag_warn(&diag, span(f, 0, 1), "hidden");
    diag_note(&diag, span(f, 0, 1), "hidden");
    EXPECT_OUTPUT("");
    cr_assert_eq(diag.n_errors, 1);
    cr_assert_eq(diag.n_warnings, 1);
}

Test(diag, linecol)
{
    uint32_t f = add("a\nbc\n  def\n");
    char b[32];
    diag_linecol(&diag, span(f, 7, 8), b, sizeof b);
    cr_assert_str_eq(b, "3:3");
    diag_linecol(&diag, span(f, 0, 1), b, sizeof b);
    cr_assert_str_eq(b, "1:1");
    diag_linecol(&diag, SPAN_NONE, b, sizeof b);
    cr_assert_str_eq(b, "0:0");
}

Test(diag, unclosed_bracket_names_the_opener)
{
    parse_with_diag("P = STOP\nQ = (a -> STOP\n");
    EXPECT_OUTPUT("t.csp:2:15: error: unexpected end of line; expected ')' to close '(' at 2:5\n"
                  "    2 | Q = (a -> STOP\n"
                  "      |               ^\n");
}

Test(diag, lexer_error_through_the_parser)
{
    parse_with_diag("x = 1\ny = \"abc");
    EXPECT_OUTPUT("t.csp:2:5: error: unterminated string literal\n"
                  "    2 | y = \"abc\n"
                  "      |     ^~~~\n");
}

/* ---- long names and long messages are cut, visibly ---- */

/* n copies of c, in a fresh buffer. */
static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    memset(s, c, n);
    s[n] = 0;
    return s;
}

Test(diag, long_name_in_message_is_shortened)
{
    char *name = repeat('a', 1 << 20);
    name[(1 << 20) - 1] = 'z';
    uint32_t f = add("P = x\n");
    diag_error(&diag, span(f, 4, 5), "undefined name '%s'", name);
    char *head = repeat('a', 60), *tail = repeat('a', 18);
    char want[512];
    snprintf(want, sizeof want, "t.csp:1:5: error: undefined name '%s...%sz'\n", head, tail);
    cr_assert(strncmp(output(), want, strlen(want)) == 0, "got:\n%s", visible(output()));
    cr_assert(strlen(output()) < 400, "the whole report stays short");
    cr_assert(strstr(diag.last_error, "...") != NULL, "last_error: %s", diag.last_error);
    free(head);
    free(tail);
    free(name);
}

Test(diag, long_message_is_cut_with_dots)
{
    char *words = malloc(20001);
    for (size_t i = 0; i < 20000; i++) words[i] = i % 5 == 4 ? ' ' : 'w';
    words[20000] = 0;
    diag_error(&diag, SPAN_NONE, "%s", words);
    const char *o = output();
    size_t len = strlen(o);
    cr_assert(len <= strlen("cspi: error: ") + DIAG_MESSAGE_MAX + 1, "%zu bytes", len);
    cr_assert(strcmp(o + len - 4, "...\n") == 0, "ends with ...: %s", visible(o + len - 20));
    free(words);
}

Test(diag, shorten_keeps_short_text_and_utf8)
{
    char out_[32];
    cr_assert(diag_shorten(out_, sizeof out_, "short 'x'", 9) == 9);
    cr_assert_str_eq(out_, "short 'x'");
    /* Cut to fit (with room for "..." and the NUL), never inside a UTF-8
     * character: "é" is 2 bytes. */
    const char *s = "abcdefghijkl\xC3\xA9\xC3\xA9\xC3\xA9";
    diag_shorten(out_, 16, s, strlen(s));
    cr_assert_str_eq(out_, "abcdefghijkl...");
    diag_shorten(out_, 17, s, strlen(s));
    cr_assert_str_eq(out_, "abcdefghijkl...");
    diag_shorten(out_, 18, s, strlen(s));
    cr_assert_str_eq(out_, "abcdefghijkl\xC3\xA9...");
}
