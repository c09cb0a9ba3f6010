/* test_eval.c - the evaluator (eval.h; LANGUAGE.md §1.3, §2, §4.4).
 * Each case loads a script (written to a temporary file) or no script with
 * interp_load_with_expr, evaluates the expression with eval_node and
 * compares its printed form (eval_print), or checks that evaluation fails
 * with EVAL_ERROR or EVAL_LIMIT and a message in the diagnostics.
 *
 * Remember that `.` binds looser than `==`: write `(c.1) == (c.1)`.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "eval.h"
#include "fixture.h"
#include "interp.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static Eval *E;
static char *printed;       /* the last result's printed form */
static size_t diag_mark;    /* diagnostics before the last evaluation */

/* Set by tests of the evaluator's own run-time checks on ill-typed values
 * (which the static type checker rejects before they run). */
static bool untyped;

static void setup(void)
{
    fixture_setup();
    untyped = false;
}

static void teardown(void)
{
    eval_free(E);
    E = NULL;
    free(printed);
    printed = NULL;
    fixture_teardown();
}

TestSuite(eval, .init = setup, .fini = teardown);

/* ---- helpers ---- */

/* Enough for every case here; runaway evaluations stop instead of hanging. */
enum { DEFAULT_STEPS = 50000000 };

/* Loads `script` (NULL: none) and `expr`, and leaves a fresh evaluator in E
 * with the given step limit. Returns the expression's node. */
static Node *load(const char *script, const char *expr, uint64_t max_steps)
{
    in->skip_types = untyped;
    char path[] = "/tmp/cspi-test-eval-XXXXXX";
    const char *file = NULL;
    if (script) {
        int fd = mkstemp(path);
        cr_assert_geq(fd, 0, "mkstemp");
        size_t len = strlen(script);
        cr_assert_eq(write(fd, script, len), (ssize_t)len);
        close(fd);
        file = path;
    }
    Node *tree, *decl;
    LoadStatus st = interp_load_with_expr(in, file, expr, &tree, &decl);
    if (file) unlink(path);
    cr_assert_eq(st, LOAD_OK, "cannot load:\n%s\n%s\n---\n%s", script ? script : "", expr,
                 diag_text());
    eval_free(E);
    E = eval_new(in, tree);
    eval_set_limits(E, 0, max_steps);
    return decl->kid[1];
}

/* Evaluates a loaded expression; on success its printed form is in `printed`. */
static EvalStatus run_node(Node *x)
{
    diag_mark = strlen(diag_text());
    const Val *v = NULL;
    EvalStatus st = eval_node(E, x, &v);
    free(printed);
    printed = NULL;
    if (st == EVAL_OK) {
        size_t len;
        FILE *f = open_memstream(&printed, &len);
        eval_print(E, f, v);
        fclose(f);
    }
    return st;
}

static EvalStatus run_limited(const char *script, const char *expr, uint64_t max_steps)
{
    return run_node(load(script, expr, max_steps));
}

static EvalStatus run(const char *script, const char *expr)
{
    return run_limited(script, expr, DEFAULT_STEPS);
}

/* The messages and notes of the last evaluation, without the source
 * excerpts under them (lines that start with a space), so that a message
 * is never found merely because the source line quotes it. */
static const char *new_diag(void)
{
    static char *buf;
    const char *s = diag_text() + diag_mark;
    free(buf);
    buf = malloc(strlen(s) + 1);
    char *o = buf;
    while (*s) {
        const char *eol = strchr(s, '\n');
        size_t len = eol ? (size_t)(eol - s) + 1 : strlen(s);
        if (*s != ' ') {
            memcpy(o, s, len);
            o += len;
        }
        s += len;
    }
    *o = 0;
    return buf;
}

static const char *status_name(EvalStatus st)
{
    return st == EVAL_OK ? "EVAL_OK" : st == EVAL_ERROR ? "EVAL_ERROR" : "EVAL_LIMIT";
}

/* `expr` (in `script`) evaluates to something printed as `want`. */
static void check_in(const char *script, const char *expr, const char *want)
{
    EvalStatus st = run(script, expr);
    cr_assert_eq(st, EVAL_OK, "%s: %s\n%s", expr, status_name(st), new_diag());
    cr_assert_str_eq(printed, want, "%s", expr);
}

static void check(const char *expr, const char *want) { check_in(NULL, expr, want); }

/* `expr` fails with status `want_st` and a message containing `msg`. */
static void check_fail_in(const char *script, const char *expr, EvalStatus want_st,
                          const char *msg)
{
    EvalStatus st = run(script, expr);
    cr_assert_eq(st, want_st, "%s: %s, expected %s (printed %s)\n%s", expr, status_name(st),
                 status_name(want_st), printed ? printed : "nothing", new_diag());
    cr_assert(strstr(new_diag(), msg), "%s: expected \"%s\" in:\n%s", expr, msg, new_diag());
}

static void check_error_in(const char *script, const char *expr, const char *msg)
{
    check_fail_in(script, expr, EVAL_ERROR, msg);
}

static void check_error(const char *expr, const char *msg) { check_error_in(NULL, expr, msg); }

static const char *const channels =
    "channel c : {0..2}.Bool\n"
    "channel d\n"
    "datatype T = A | B.{0..1}\n";

/* ---- union, inter, diff ---- */

Test(eval, union_of_finite_sets)
{
    check("union({1, 2}, {2, 3})", "{1, 2, 3}");
    check("union({}, {})", "{}");
    check("union({(1, 2)}, {(0, 5)})", "{(0, 5), (1, 2)}");
    check("union({1..3}, {4..5}) == {1..5}", "true");
}

Test(eval, union_with_infinite_sets)
{
    check("union({1..}, {-5..0})", "{-5..}");
    check("union(Int, {1})", "Int");
    check("union({5..}, {1..})", "{1..}");
    check("union({1..}, {}) == {1..}", "true");
}

Test(eval, inter_with_infinite_sets)
{
    check("inter(Int, {3, 4})", "{3, 4}");
    check("inter({1..}, {-3..3})", "{1, 2, 3}");
    check("inter({1..}, diff(Int, {5..}))", "{1, 2, 3, 4}");
    check("inter({1..}, diff(Int, {1..}))", "{}");
    check("inter({3..}, {1..})", "{3..}");
}

Test(eval, diff_with_infinite_sets)
{
    check("diff({1..}, {1})", "{2..}");
    check("diff({1..}, {1}) == {2..}", "true");
    check("diff(Int, {0})", "{..-1, 1..}");
    check("diff({1..10}, {3..})", "{1, 2}");
    check("diff({1..3}, Int)", "{}");
    check("diff({\"a\", \"b\"}, {\"a\"})", "{\"b\"}");
}

Test(eval, set_operations_with_infinite_symbolic_sets)
{
    check("inter({<1>, <3>}, Seq({1, 2}))", "{<1>}");
    check("diff({<1>, <3>}, Seq({1, 2}))", "{<3>}");
    check("member(<2>, union(Seq({1}), Seq({2})))", "true");
    check("member(<1, 2>, union(Seq({1}), Seq({2})))", "false");
}

/* BUG: the union of an infinite integer set with a set of other values
 * crashes (val_set_union lists the integers): union({0..}, {true}) gives a
 * segmentation fault; expected a runtime error (or a symbolic set). */
Test(eval, union_of_infinite_ints_and_other_values)
{
    untyped = true;
    EvalStatus st = run(NULL, "union({0..}, {true})");
    cr_assert_neq(st, EVAL_LIMIT);
}

Test(eval, big_union_and_inter)
{
    check("Union({{1, 2}, {5}, {3}})", "{1, 2, 3, 5}");
    check("Union({})", "{}");
    check("Union({{1..}, {0}})", "{0..}");
    check("Inter({{1}, {1, 2}})", "{1}");
    check("Inter({{1..}, {-5..5}})", "{1, 2, 3, 4, 5}");
    check("Inter({{1, 2}})", "{1, 2}");
}

Test(eval, inter_of_no_sets_is_empty_as_in_fdr)
{
    check("Inter({})", "{}");
}

/* ---- member, card, empty ---- */

Test(eval, member_of_infinite_sets)
{
    check("member(5, Int)", "true");
    check("member(-123456789, Int)", "true");
    check("member(-5, {0..})", "false");
    check("member(7, {3..})", "true");
    check("member(2, diff({1..}, {2}))", "false");
    check("member(3, {})", "false");
    check("member('a', Char)", "true");
}

Test(eval, card_and_empty)
{
    check("card({})", "0");
    check("card({1..3})", "3");
    check("card({(1, 2), (1, 2), (2, 1)})", "2");
    check("card({0..999999})", "1000000");
    check("card({5..2})", "0");
    check("empty({})", "true");
    check("empty({1})", "false");
    check("empty({1..})", "false");
    check("empty(Int)", "false");
    check("empty(diff({1..3}, {1..3}))", "true");
    check("empty(Seq({}))", "false");
}

Test(eval, card_of_infinite_sets_is_an_error)
{
    check_error("card(Int)", "infinite");
    check_error("card({1..})", "infinite");
}

/* BUG: the message for listing a symbolic set names it "<SYMSET>":
 * card(Seq({1})) reports "cannot list the infinite set <SYMSET> (needed for
 * card)"; expected the set's printed form, "Seq({1})". */
Test(eval, card_of_symbolic_set_names_the_set)
{
    check_error("card(Seq({1}))", "infinite set Seq({1})");
}

/* ---- set, seq, Set, Seq ---- */

Test(eval, set_and_seq_conversions)
{
    check("set(<3, 1, 3, 2>)", "{1, 2, 3}");
    check("set(<>)", "{}");
    check("seq({3, 1, 2})", "<1, 2, 3>");
    check("seq({})", "<>");
    check("seq({2, 1}) == seq({1, 2})", "true");
    check("seq({\"b\", \"a\"})", "<\"a\", \"b\">");
    check("set(seq({5, 6, 7})) == {5, 6, 7}", "true");
}

Test(eval, seq_of_infinite_set_is_an_error)
{
    check_error("seq({1..})", "infinite");
}

Test(eval, powerset)
{
    check("Set({})", "{{}}");
    check("card(Set({1, 2}))", "4");
    check("Set({1, 2}) == {{}, {1}, {2}, {1, 2}}", "true");
    check("member({1}, Set({1, 2}))", "true");
    check("member({1, 3}, Set({1, 2}))", "false");
    check("Set({\"a\"})", "{{}, {\"a\"}}");
    check("card(Set({1..5}))", "32");
}

/* BUG: sets of integer sets print in the wrong order: Set({1, 2}) prints
 * {{}, {1, 2}, {1}, {2}}; expected {{}, {1}, {1, 2}, {2}} (element-wise
 * order, as FDR and as sets of other values). See val_cmp in test_val.c. */
Test(eval, powerset_prints_in_element_order)
{
    check("Set({1, 2})", "{{}, {1}, {1, 2}, {2}}");
}

/* BUG: the powerset of a set of more than 20 elements is treated as
 * infinite: card(Set({1..21})) fails with "cannot list the infinite set
 * <SYMSET> (needed for card)"; expected 2097152 (or at least a message that
 * does not call a finite set infinite). */
Test(eval, powerset_of_21_elements_is_finite)
{
    check("card(Set({1..21}))", "2097152");
}

Test(eval, powerset_of_infinite_set)
{
    check("member({1, 2}, Set({1..}))", "true");
    check("member({0}, Set({1..}))", "false");
}

Test(eval, seq_membership)
{
    check("member(<1, 2>, Seq({1, 2}))", "true");
    check("member(<1, 3>, Seq({1, 2}))", "false");
    check("member(<>, Seq({}))", "true");
    check("member(<1>, Seq({}))", "false");
    check("member(<0, 1, 1, 0>, Seq({0, 1}))", "true");
    check("Seq({1})", "Seq({1})");
}

/* ---- sequences ---- */

Test(eval, length_and_null)
{
    check("length(<>)", "0");
    check("length(<1, 2, 3>)", "3");
    check("length(\"abc\")", "3");
    check("#<1, 2> + 1", "3");
    check("null(<>)", "true");
    check("null(<1>)", "false");
    check("null(<1..>)", "false");
    check("length(tail(<1..5>))", "4");
}

Test(eval, length_of_infinite_sequence_is_an_error)
{
    check_error("length(<1..>)", "infinite");
}

Test(eval, head_and_tail)
{
    check("head(<5, 6>)", "5");
    check("tail(<5, 6>)", "<6>");
    check("tail(<5>)", "<>");
    check("head(<1..>)", "1");
    check("head(tail(<5..>))", "6");
    check("head(tail(tail(<x * x | x <- <1..>>)))", "9");
    check("head(\"xy\")", "'x'");
}

Test(eval, head_of_empty_sequence_is_an_error)
{
    check_error("head(<>)", "attempt to take the head of the empty sequence");
    check_error("tail(<>)", "attempt to take the tail of the empty sequence");
    check_error("head(tail(<1>))", "attempt to take the head of the empty sequence");
}

Test(eval, concat)
{
    check("concat(<<1, 2>, <>, <3>>)", "<1, 2, 3>");
    check("concat(<>)", "<>");
    check("concat(<<>, <>>)", "<>");
    check("concat(<\"ab\", \"c\">)", "\"abc\"");
    check("<1, 2> ^ <3>", "<1, 2, 3>");
    check("<> ^ <>", "<>");
    check("head(<1..> ^ <0>)", "1");
}

/* BUG: concat is strict: head(concat(<<1..>, <2>>)) fails with "this
 * sequence is infinite (it counts up from 1)"; expected 1, as with
 * head(<1..> ^ <2>) and FDR's lazy concat. */
Test(eval, concat_is_lazy)
{
    check("head(concat(<<1..>, <2>>))", "1");
    check("head(tail(concat(<<1>, <2..>>)))", "2");
}

Test(eval, elem)
{
    check("elem(3, <1, 2>)", "false");
    check("elem(2, <1, 2>)", "true");
    check("elem(3, <>)", "false");
    check("elem(3, <1..>)", "true");
    check("elem(<1>, <<>, <1>>)", "true");
}

Test(eval, sequence_ranges)
{
    check("<1..4>", "<1, 2, 3, 4>");
    check("<4..1>", "<>");
    check("< -1..1>", "<-1, 0, 1>");
    check("{3..1}", "{}");
}

Test(eval, comprehensions)
{
    check("{x | x <- {0..9}, x % 3 == 0}", "{0, 3, 6, 9}");
    check("{(x, y) | x <- {0..1}, y <- {x..1}}", "{(0, 0), (0, 1), (1, 1)}");
    check("<x | x <- <3, 1, 2>>", "<3, 1, 2>");
    check("<(x, y) | x <- <1..3>, y <- <x..2>>", "<(1, 1), (1, 2), (2, 2)>");
    check("{x | x <- {}}", "{}");
    check("<x | (x, 1) <- <(5, 1), (6, 2), (7, 1)>>", "<5, 7>");
    check("card({x | x <- {0..999}, x % 7 == 0})", "143");
}

/* ---- maps ---- */

Test(eval, map_from_and_to_lists)
{
    check("mapFromList(<(2, \"b\"), (1, \"a\")>)", "(| 1 => \"a\", 2 => \"b\" |)");
    check("mapToList(mapFromList(<(2, 3), (1, 4)>))", "<(1, 4), (2, 3)>");
    check("mapFromList(<(1, 2), (1, 3)>)", "(| 1 => 3 |)");
    check("mapFromList(<>)", "(| |)");
    check("emptyMap", "(| |)");
    check("(| 2 => 3, 1 => 4 |)", "(| 1 => 4, 2 => 3 |)");
}

Test(eval, map_lookup_and_member)
{
    check("mapLookup(mapFromList(<(1, 2)>), 1)", "2");
    check("mapLookup((| (1, 2) => true |), (1, 2))", "true");
    check("mapMember(emptyMap, 1)", "false");
    check("mapMember((| 1 => 2 |), 1)", "true");
}

Test(eval, map_lookup_of_missing_key_is_an_error)
{
    check_error("mapLookup(mapFromList(<(1, 2)>), 5)", "not in the map");
    check_error("mapLookup(emptyMap, \"k\")", "key \"k\"");
}

Test(eval, map_updates)
{
    check("mapUpdate(emptyMap, 1, 2)", "(| 1 => 2 |)");
    check("mapUpdate((| 1 => 2 |), 1, 3)", "(| 1 => 3 |)");
    check("mapDelete((| 1 => 2, 3 => 4 |), 1)", "(| 3 => 4 |)");
    check("mapDelete((| 1 => 2 |), 5)", "(| 1 => 2 |)");
    check("mapUpdateMultiple((| 1 => 2 |), <(1, 5), (2, 6)>)", "(| 1 => 5, 2 => 6 |)");
    check("mapUpdateMultiple(emptyMap, <>)", "(| |)");
}

Test(eval, all_maps)
{
    check("card(Map({1, 2}, {true}))", "4");
    check("member((| 1 => true |), Map({1, 2}, {true}))", "true");
    check("Map({}, {1})", "{(| |)}");
}

/* ---- error, show ---- */

Test(eval, error_reports_its_message)
{
    check_error("error(\"boom\")", "boom");
    check_error_in("f(x) = if x > 0 then x else error(\"not positive\")\n", "f(0)", "not positive");
}

Test(eval, show)
{
    check("show(1)", "\"1\"");
    check("show(-3)", "\"-3\"");
    check("show(true)", "\"true\"");
    check("show(<1, 2>)", "\"<1, 2>\"");
    check("show(<>)", "\"<>\"");
    check("show({2, 1})", "\"{1, 2}\"");
    check("show({})", "\"{}\"");
    check("show((1, true))", "\"(1, true)\"");
    check("show('a')", "\"'a'\"");
    check("length(show(\"ab\"))", "4");
    check("show(Int)", "\"Int\"");
    check("show(emptyMap)", "\"(| |)\"");
    check("\"n=\" ^ show(3)", "\"n=3\"");
}

Test(eval, show_of_events_and_constructors)
{
    check_in(channels, "show(c.1.true)", "\"c.1.true\"");
    check_in(channels, "show(c.1)", "\"c.1\"");
    check_in(channels, "show(B.1)", "\"B.1\"");
    check_in(channels, "show(d)", "\"d\"");
}

/* ---- dots, events, extensions, productions ---- */

Test(eval, extensions_of_a_two_field_channel)
{
    check_in(channels, "extensions(c)", "{0.false, 0.true, 1.false, 1.true, 2.false, 2.true}");
    check_in(channels, "extensions(c.1)", "{false, true}");
    check_in(channels, "extensions(B)", "{0, 1}");
}

Test(eval, productions_of_a_two_field_channel)
{
    check_in(channels, "productions(c.1)", "{c.1.false, c.1.true}");
    check_in(channels, "productions(c)",
             "{c.0.false, c.0.true, c.1.false, c.1.true, c.2.false, c.2.true}");
    check_in(channels, "productions(c.2.false)", "{c.2.false}");
    check_in(channels, "productions(d)", "{d}");
    check_in(channels, "productions(B)", "{B.0, B.1}");
    check_in(channels, "{| c.1, d |}", "{c.1.false, c.1.true, d}");
    check_in(channels, "{| c.x.true | x <- {0, 2} |}", "{c.0.true, c.2.true}");
}

static const char *const nested =
    "datatype T = A | B.{0..1}\n"
    "channel e : T\n"
    "channel f : T.{0, 1}\n";

Test(eval, events_with_datatype_fields)
{
    check_in(nested, "Events",
             "{e.A, e.B.0, e.B.1, f.A.0, f.A.1, f.B.0.0, f.B.0.1, f.B.1.0, f.B.1.1}");
    check_in(nested, "extensions(e)", "{A, B.0, B.1}");
    check_in(nested, "productions(e.B)", "{e.B.0, e.B.1}");
    check_in(nested, "productions(f.B.1)", "{f.B.1.0, f.B.1.1}");
    check_in(nested, "{| f.A |}", "{f.A.0, f.A.1}");
    untyped = true;
    check_in(nested, "member(e.B, Events)", "false");
    untyped = false;
    check_in(nested, "let h(f.B.x.y) = (x, y) within h(f.B.1.0)", "(1, 0)");
    check_in(nested, "let h(f.x.y) = (x, y) within h(f.B.1.0)", "(B.1, 0)");
    check_in(nested, "{x | f.x.0 <- Events}", "{A, B.0, B.1}");
}

/* BUG: extensions of a prefix that ends in an unfinished constructor field
 * is empty: with `datatype T = A | B.{0..1}` and `channel e : T`,
 * extensions(e.B) gives {} although productions(e.B) is {e.B.0, e.B.1};
 * expected {0, 1}. */
Test(eval, extensions_of_unfinished_datatype_field)
{
    check_in(nested, "extensions(e.B)", "{0, 1}");
    check_in(nested, "extensions(f.B)", "{0.0, 0.1, 1.0, 1.1}");
}

Test(eval, events_of_a_small_script)
{
    check_in(channels, "Events", "{c.0.false, c.0.true, c.1.false, c.1.true, c.2.false, c.2.true, d}");
    check_in(channels, "card(Events)", "7");
    check_in(channels, "member(c.1.true, Events)", "true");
    check_in("channel a, b\n", "Events", "{a, b}");
    check_in("x = 1\n", "Events", "{}");
}

Test(eval, datatype_values)
{
    check_in(channels, "T", "{A, B.0, B.1}");
    check_in(channels, "member(B.1, T)", "true");
    check_in(channels, "seq({B.0, A, B.1})", "<A, B.0, B.1>");
    check_in(channels, "let f(B.x) = x\n    f(A) = 9\nwithin (f(B.1), f(A))", "(1, 9)");
}

static const char *const lists =
    "datatype L = Nil | Cons.Int.L\n"
    "len(Nil) = 0\n"
    "len(Cons._.t) = 1 + len(t)\n"
    "mk(0) = Nil\n"
    "mk(n) = Cons.n.mk(n - 1)\n";

Test(eval, recursive_datatype_values)
{
    check_in(lists, "mk(2)", "Cons.2.Cons.1.Nil");
    check_in(lists, "len(mk(100))", "100");
    check_in(lists, "member(mk(3), L)", "true");
    check_in(lists, "let hd(Cons.x._) = x within hd(mk(5))", "5");
}

/* BUG: matching a dot pattern against a big recursive datatype value fails:
 * with `datatype L = Nil | Cons.Int.L`, len(mk(128)) (a list of 128 cells,
 * 257 atoms once flattened) fails with "dotted value too long to match";
 * expected 128. Lists of up to 127 cells work. The same stops folding a
 * tree of 100 nodes (see bench/eval.sh). */
Test(eval, matching_a_long_recursive_datatype_value)
{
    check_in(lists, "len(mk(128))", "128");
    /* Unit tests run on an 8 MB stack, less under ASan (the CLI has 1 GB). */
    check_in(lists, "len(mk(400))", "400");
}

Test(eval, dot_equality_and_flattening)
{
    check_in(channels, "(c.1) == (c.1)", "true");
    check_in(channels, "(c.1.true) == (c.1.false)", "false");
    check_in(channels, "(c.(1.true)) == (c.1.true)", "true");
    check_in(channels, "let f(c.x.y) = x within f(c.1.true)", "1");
    check_in(channels, "c.1.true", "c.1.true");
}

Test(eval, event_outside_channel_type_is_an_error)
{
    untyped = true;
    check_error_in(channels, "c.3.true", "not in the type of field 1 of channel 'c'");
    check_error_in(channels, "B.2", "not in the type of field 1 of constructor 'B'");
}

/* ---- laziness ---- */

Test(eval, unused_errors_do_not_fire)
{
    check("(\\ x @ error(\"no\"))", "(\\_ @ …)");   /* as FDR prints it */
    check("let f(x) = error(\"no\") within 1", "1");
    check("let unused = error(\"no\") within 2", "2");
    check("if true then 1 else error(\"x\")", "1");
    check("true or error(\"x\")", "true");
    check("false and error(\"x\")", "false");
    check("let k(a, b) = a within k(1, error(\"x\"))", "1");
}

Test(eval, tuple_pattern_bindings_are_lazy)
{
    const char *script = "loop = loop\n(s, t) = (1, loop)\n";
    check_in(script, "s + 1 == 2", "true");
    check_error_in(script, "t", "infinite loop");
}

Test(eval, head_of_infinite_comprehension)
{
    check("head(<x | x <- <0..>, x % 2 == 1>)", "1");
    check("head(<(x, y) | x <- <1..>, y <- <0..x>, y == 1>)", "(1, 1)");
}

Test(eval, infinite_sequences_through_user_functions)
{
    const char *script =
        "take(0, _) = <>\n"
        "take(n, <x>^xs) = <x>^take(n - 1, xs)\n"
        "zip(<x>^xs, <y>^ys) = <(x, y)>^zip(xs, ys)\n"
        "zip(_, _) = <>\n"
        "nats(n) = <n>^nats(n + 1)\n";
    check_in(script, "take(3, <10..>)", "<10, 11, 12>");
    check_in(script, "zip(<1..>, <>)", "<>");
    check_in(script, "zip(<1..>, <'a', 'b'>)", "<(1, 'a'), (2, 'b')>");
    check_in(script, "take(4, nats(7))", "<7, 8, 9, 10>");
}

/* ---- arithmetic, comparison ---- */

Test(eval, arithmetic)
{
    check("1 + 2 * 3", "7");
    check("(-20) / 3", "-7");   /* floor division, as FDR 3/4 */
    check("(-20) % 3", "1");
    check("7 % (0-2)", "-1");
    check("7 / 2", "3");
    check("-7 / 2", "-3");
    check("3000000000 * 3000000000", "9000000000000000000");
}

Test(eval, comparisons)
{
    check("<1> < <1, 2>", "true");
    check("<1, 2> < <1, 3>", "false");
    check("<1, 2> <= <1, 2>", "true");
    check("{1} < {1, 2}", "true");
    check("{1, 2} <= {1, 2}", "true");
    check("{1, 2} < {1, 2}", "false");
    check("(1, 2) < (1, 3)", "true");
    check("'a' < 'b'", "true");
    untyped = true;
    check("{1} == {true}", "false");
}

Test(eval, ordering_booleans_is_an_error)
{
    untyped = true;
    check_error("true < false", "cannot be ordered");
}

Test(eval, constants)
{
    check("Bool", "{false, true}");
    check("Int", "Int");
    check("Char", "Char");
    check("(1, <>, {})", "(1, <>, {})");
    check("<<1>, <>>", "<<1>, <>>");
    check("'\\n'", "'\\n'");
    check("\"a\\\"b\"", "\"a\\\"b\"");
    check("True", "true");
}

/* ---- runtime errors ---- */

Test(eval, division_by_zero)
{
    check_error("7 / 0", "attempt to divide by zero");
    check_error("7 % 0", "attempt to divide by zero");
    check_error_in("f(n) = 10 / n\n", "f(0)", "attempt to divide by zero");
}

Test(eval, pattern_match_failures)
{
    check_error("let f(0) = 1 within f(2)", "pattern match failure");
    untyped = true;
    check_error("(\\ (a, b) @ a)(1)", "pattern match failure");
    untyped = false;
    check_error_in("<y> = <1, 2>\n", "y", "pattern match failure");
}

Test(eval, infinite_loop)
{
    check_error_in("x = x + 1\n", "x", "infinite loop");
    check_error("let x = x + 1 within x", "infinite loop: the value of 'x' depends on itself");
}

Test(eval, recursion_too_deep)
{
    check_error("let f(n) = f(n + 1) + 1 within f(0)", "recursion too deep");
}

Test(eval, recursion_too_deep_with_small_stack)
{
    Node *x = load("f(0) = 0\nf(n) = 1 + f(n - 1)\n", "f(100000)", 0);
    eval_set_limits(E, 64 * 1024, 0);
    EvalStatus st = run_node(x);
    cr_assert_eq(st, EVAL_ERROR, "%s", status_name(st));
    cr_assert(strstr(new_diag(), "recursion too deep"), "%s", new_diag());
}

/* eval_set_max_depth: recursion bounded in levels (the playground's bound,
 * web/api.c: Recursion), where an expression waiting on another nests and
 * a tail position (an if's branch, a let's body, a body applied) does not. */
static const char depth_script[] = "f(n) = if n == 0 then 0 else 1 + f(n - 1)\n"
                                   "g(n) = let m = n - 1 within if n == 0 then 7 else g(m)\n";

/* Evaluates expr in depth_script under a bound of 200 levels; NULL if it
 * fails with want in its message, else its printed value. */
static const char *under_200_levels(const char *expr, const char *want)
{
    Node *x = load(depth_script, expr, DEFAULT_STEPS);
    eval_set_max_depth(E, 200);
    EvalStatus st = run_node(x);
    if (!want) {
        cr_assert_eq(st, EVAL_OK, "%s: %s", expr, new_diag());
        return printed;
    }
    cr_assert_eq(st, EVAL_ERROR, "%s", expr);
    cr_assert(strstr(new_diag(), want), "%s: %s", expr, new_diag());
    return NULL;
}

Test(eval, max_depth_bounds_nesting)
{
    cr_assert_str_eq(under_200_levels("f(150)", NULL), "150");
    under_200_levels("f(250)", "recursion too deep");
    /* 190 calls in a tail position nest no evaluation */
    cr_assert_str_eq(under_200_levels("g(190)", NULL), "7");
    /* but are calls all the same: a value can grow with each */
    under_200_levels("g(250)", "recursion too deep (more than 200 nested calls)");
}

Test(eval, charged_levels_are_the_budget)
{
    Node *x = load(depth_script, "f(150)", DEFAULT_STEPS);
    eval_set_max_depth(E, 200);
    cr_assert(eval_charge(E, 100));
    cr_assert_not(eval_charge(E, 101), "only 100 levels are left");
    cr_assert_eq(run_node(x), EVAL_ERROR, "150 levels do not fit in the 100 left");
    cr_assert(strstr(new_diag(), "recursion too deep"), "%s", new_diag());
    /* the error gave back what the evaluation had taken, not the 100 */
    cr_assert_not(eval_charge(E, 101));
    eval_discharge(E, 100);
    cr_assert_eq(run_node(x), EVAL_OK, "%s", new_diag());
    cr_assert_str_eq(printed, "150");
}

Test(eval, integer_overflow)
{
    check_error("9223372036854775807 + 1", "integer overflow");
    check_error("-9223372036854775807 - 2", "integer overflow");
    check_error("4000000000 * 4000000000", "integer overflow");
    check_error("(-9223372036854775807 - 1) / -1", "integer overflow");
    check_error("-(-9223372036854775807 - 1)", "integer overflow");
}

Test(eval, error_inside_calls_names_the_call)
{
    check_error_in("f(n) = g(n)\ng(n) = head(<>)\n", "f(3)", "attempt to take the head of the empty sequence");
    cr_assert(strstr(new_diag(), "in g(_)"), "an unforced argument shows as _:\n%s", new_diag());
    cr_assert(strstr(new_diag(), "in f(3)"), "%s", new_diag());
}

Test(eval, error_can_be_reported_again)
{
    /* A failed binding is not left half-computed: asking again gives the
     * same error, not "infinite loop". */
    Node *x = load("x = 1 / 0\n", "x", DEFAULT_STEPS);
    cr_assert_eq(run_node(x), EVAL_ERROR);
    cr_assert(strstr(new_diag(), "attempt to divide by zero"));
    cr_assert_eq(run_node(x), EVAL_ERROR);
    cr_assert(strstr(new_diag(), "attempt to divide by zero"), "%s", new_diag());
    cr_assert_null(strstr(new_diag(), "infinite loop"), "%s", new_diag());
}

/* ---- limits ---- */

Test(eval, step_limit)
{
    cr_assert_eq(run_limited(NULL, "card({x | x <- {0..999999}, x % 3 == 0})", 1000), EVAL_LIMIT);
    cr_assert(strstr(new_diag(), "step limit"), "%s", new_diag());
}

Test(eval, step_limit_stops_an_infinite_sequence)
{
    cr_assert_eq(run_limited(NULL, "<x | x <- <0..>, x % 2 == 1>", 100000), EVAL_LIMIT);
    cr_assert(strstr(new_diag(), "step limit"), "%s", new_diag());
}

Test(eval, step_limit_stops_infinite_recursion)
{
    cr_assert_eq(run_limited("f(n) = if n < 0 then 0 else f(n + 1)\n", "f(0)", 10000), EVAL_LIMIT);
}

Test(eval, enough_steps_succeed)
{
    cr_assert_eq(run_limited(NULL, "card({x | x <- {0..99}, x % 3 == 0})", 100000), EVAL_OK);
    cr_assert_str_eq(printed, "34");
}

/* ---- definitions and printing ---- */

Test(eval, functions_and_closures)
{
    const char *script =
        "add(a)(b) = a + b\n"
        "twice(f, x) = f(f(x))\n"
        "fact(0) = 1\n"
        "fact(n) = n * fact(n - 1)\n";
    check_in(script, "add(2)(3)", "5");
    check_in(script, "twice(add(10), 1)", "21");
    check_in(script, "twice(\\ x @ x * x, 3)", "81");
    check_in(script, "fact(20)", "2432902008176640000");
    check_in(script, "add(1)", "add(1)");   /* as FDR prints it */
    check_in(script, "let y = 4 within (\\ x @ x + y)(1)", "5");
}

Test(eval, patterns)
{
    check("let f(<x>^xs) = (x, xs) within f(<1, 2, 3>)", "(1, <2, 3>)");
    check("let f(xs^<x>) = x within f(<1, 2, 3>)", "3");
    check("let f({x}) = x within f({7})", "7");
    check("let f(xs @@ <x>^_) = (x, #xs) within f(<4, 5>)", "(4, 2)");
    check("let f(\"ab\") = 1\n    f(_) = 2\nwithin (f(\"ab\"), f(\"b\"))", "(1, 2)");
    check("let f(-1) = true\n    f(_) = false\nwithin f(-1)", "true");
}

Test(eval, processes_print_as_expressions)
{
    check("STOP", "STOP");
    check_in(channels, "d -> STOP", "d -> STOP");
}

Test(eval, prints_run_in_order)
{
    Node *tree, *decl;
    char path[] = "/tmp/cspi-test-eval-XXXXXX";
    int fd = mkstemp(path);
    const char *text = "print 1 + 1\nprint {2, 1}\nprint \"s\"\n";
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    LoadStatus st = interp_load_with_expr(in, path, "0", &tree, &decl);
    unlink(path);
    cr_assert_eq(st, LOAD_OK, "%s", diag_text());
    E = eval_new(in, tree);
    char *out = NULL;
    size_t len;
    FILE *f = open_memstream(&out, &len);
    cr_assert_eq(eval_prints(E, f), EVAL_OK);
    fclose(f);
    cr_assert_str_eq(out, "2\n{1, 2}\n\"s\"\n");
    free(out);
}

Test(eval, eval_def_of_a_top_level_binding)
{
    const char *text = "n = 6 * 7\nsq(k) = k * k\n";
    Node *tree = NULL;
    cr_assert_eq(interp_load_text(in, "defs.csp", text, strlen(text), &tree), LOAD_OK, "%s",
                 diag_text());
    E = eval_new(in, tree);
    const Val *v;
    cr_assert_eq(eval_def(E, res_top_def(tree, 0), &v), EVAL_OK);
    cr_assert_eq(v, val_int(eval_values(E), 42));
    cr_assert_eq(eval_values(E), in->vals);
    cr_assert_eq(eval_def(E, res_top_def(tree, 1), &v), EVAL_OK);
    cr_assert_eq(v->kind, V_FUNC);
}

Test(eval, deep_forces_streams)
{
    Node *x = load(NULL, "<1..3> ^ <4>", DEFAULT_STEPS);
    cr_assert_eq(run_node(x), EVAL_OK);
    cr_assert_str_eq(printed, "<1, 2, 3, 4>");
    const Val *v, *deep;
    cr_assert_eq(eval_node(E, x, &v), EVAL_OK);
    cr_assert_eq(eval_deep(E, v, &deep), EVAL_OK);
    cr_assert_eq(deep->kind, V_SEQ);
    cr_assert_eq(deep->n, 4);
}
