/* test_json.c - the JSON writer (json.h): escaping of every kind of byte,
 * UTF-8 kept when well formed and replaced when not, commas and nesting,
 * arrays laid out one element per line, captured text. Each test writes
 * into a memory stream and compares the text.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *buf;
static size_t len;
static FILE *mem;
static JsonWriter jw;

static void setup(void)
{
    buf = NULL;
    len = 0;
    mem = open_memstream(&buf, &len);
    cr_assert(mem != NULL);
    json_init(&jw, mem);
}

static void teardown(void)
{
    if (mem) fclose(mem);
    free(buf);
}

TestSuite(json, .init = setup, .fini = teardown);

/* The text written so far. */
static const char *text(void)
{
    fflush(mem);
    return buf;
}

static const char *escaped(const char *s, size_t n)
{
    json_escape(mem, s, n);
    return text();
}

Test(json, quotes_backslashes_and_controls_are_escaped)
{
    cr_assert_str_eq(escaped("a\"b\\c", 5), "a\\\"b\\\\c");
    cr_assert_str_eq(escaped("\n\r\t\b\f\x01\x1f\x7f", 8), "a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f");
}

Test(json, a_nul_byte_inside_the_text_is_escaped)
{
    cr_assert_str_eq(escaped("a\0b", 3), "a\\u0000b");
}

Test(json, well_formed_utf8_is_kept)
{
    const char *s = "\xc3\xa9t\xc3\xa9 \xe2\x9c\x93 \xcf\x84 \xf0\x9f\x98\x80";   /* été ✓ τ 😀 */
    cr_assert_str_eq(escaped(s, strlen(s)), s);
}

Test(json, bytes_that_are_not_utf8_become_the_replacement_character)
{
    /* a lone continuation byte, an overlong '/', a surrogate, past U+10FFFF,
     * a sequence cut short by the end, an 0xFF */
    const char s[] = "\x80|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xff|\xe2\x9c";
    cr_assert_str_eq(escaped(s, sizeof s - 1),
                     "\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd\\ufffd|"
                     "\\ufffd|\\ufffd\\ufffd");
}

Test(json, members_and_elements_get_their_commas)
{
    json_object_begin(&jw);
    json_key(&jw, "trace");
    json_array_begin(&jw);
    json_string(&jw, "a");
    json_string(&jw, "c.\"hi\"");
    json_array_end(&jw);
    json_key(&jw, "n");
    json_uint(&jw, 18446744073709551615u);
    json_key(&jw, "empty");
    json_array_begin(&jw);
    json_array_end(&jw);
    json_key(&jw, "ok");
    json_bool(&jw, false);
    json_key(&jw, "time");
    json_fixed(&jw, 1.5, 3);
    json_object_end(&jw);
    json_finish(&jw);
    cr_assert_str_eq(text(), "{\"trace\": [\"a\", \"c.\\\"hi\\\"\"], \"n\": 18446744073709551615, "
                             "\"empty\": [], \"ok\": false, \"time\": 1.500}\n");
}

Test(json, an_array_by_lines_puts_each_element_on_a_line)
{
    json_object_begin(&jw);
    json_key(&jw, "results");
    json_array_lines_begin(&jw);
    for (int i = 0; i < 2; i++) {
        json_object_begin(&jw);
        json_key(&jw, "i");
        json_uint(&jw, (uint64_t)i);
        json_object_end(&jw);
    }
    json_array_end(&jw);
    json_object_end(&jw);
    json_finish(&jw);
    cr_assert_str_eq(text(), "{\"results\": [\n  {\"i\": 0},\n  {\"i\": 1}\n]}\n");
}

Test(json, finish_closes_what_is_open)
{
    json_object_begin(&jw);
    json_key(&jw, "a");
    json_array_begin(&jw);
    json_uint(&jw, 1);
    json_finish(&jw);
    cr_assert_str_eq(text(), "{\"a\": [1]}\n");
}

Test(json, captured_text_is_one_escaped_string)
{
    json_array_begin(&jw);
    FILE *f = json_capture_begin(&jw);
    fprintf(f, "c.\"%s\".'\\n'", "x\ty");
    json_capture_end(&jw);
    json_array_end(&jw);
    cr_assert_str_eq(text(), "[\"c.\\\"x\\ty\\\".'\\\\n'\"]");
}
