/* test_types.c - the static type checker's contracts (types.h, MANUAL 5.12).
 * What a user sees of each rule is pinned by tests/golden/types; here: the
 * built-ins' type table reads completely, types_of_expr prints FDR's
 * notation, one error per broken definition and their count, results kept
 * for the next expression, and the REPL's skip switch for evaluator tests.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "fixture.h"
#include "interp.h"
#include "resolve.h"
#include "types.h"

#include <stdio.h>
#include <string.h>

TestSuite(types, .init = fixture_setup, .fini = fixture_teardown);

static Node *script;

/* Loads text; returns the number of errors it reported. */
static int load(const char *text)
{
    int before = in->diag.n_errors;
    interp_load_text(in, "test.csp", text, strlen(text), &script);
    return in->diag.n_errors - before;
}

/* The type of expr in the script loaded last, as :type prints it. */
static const char *type_of(const char *expr)
{
    static char buf[512];
    Node *decl;
    cr_assert_eq(interp_load_expr(in, script, expr, &decl), LOAD_OK, "%s:\n%s", expr,
                 diag_text());
    cr_assert(types_of_expr(in, decl->kid[1], buf, sizeof buf), "%s", expr);
    return buf;
}

static void expect_type(const char *expr, const char *want)
{
    cr_assert_str_eq(type_of(expr), want, "%s", expr);
}

Test(types, every_builtin_has_a_complete_type)
{
    cr_assert_eq(load(""), 0);
    for (int i = 0; i < RES_BI__COUNT; i++) {
        if (i == RES_BI_WAIT || i == RES_BI_TSTOP || i == RES_BI_TSKIP || i == RES_BI_timed_priority)
            continue;   /* only inside Timed sections */
        const char *t = type_of(res_builtins[i].name);
        bool vague = i == RES_BI_extensions || i == RES_BI_productions;
        cr_assert(vague || !strchr(t, '?'), "%s :: %s", res_builtins[i].name, t);
    }
    expect_type("union", "Set a => ({a}, {a}) -> {a}");
    expect_type("member", "Eq a => (a, {a}) -> Bool");
    expect_type("mapLookup", "Set a => ((| a => b |), a) -> b");
    expect_type("relational_image", "(Eq a, Set b) => ({(a, b)}) -> (a) -> {b}");
}

Test(types, fdr_notation)
{
    cr_assert_eq(load("channel c : {0..2}.Bool\ndatatype T = A.Int | B\n"
                      "nametype N = {0..1}.Bool\n"), 0);
    expect_type("c", "Int=>Bool=>Event");
    expect_type("c.1", "Bool=>Event");
    expect_type("c.1.true", "Event");
    expect_type("A", "Int=>T");
    expect_type("A.1", "T");
    expect_type("T", "{T}");
    expect_type("N", "{Int.Bool}");
    expect_type("1.true", "Int.Bool");
    expect_type("{| c |}", "{Event}");
    expect_type("\\ x, y @ x < y", "Ord a => (a, a) -> Bool");
    expect_type("(| 1 => <'a'> |)", "(| Int => <Char> |)");
    expect_type("\\ f @ f(1)", "((Int) -> a) -> a");
    expect_type("(STOP, {SKIP})", "(Proc, {Proc})");
}

Test(types, generalised_at_top_level_not_in_let)
{
    cr_assert_eq(load("id(x) = x\nt = (id(1), id(true))\n"), 0);
    expect_type("id", "(a) -> a");
    expect_type("t", "(Int, Bool)");
    cr_assert_eq(load("f = let id(x) = x within (id(1), id(true))\n"), 1);
    cr_assert_eq(load("f = let\n  id :: (a) -> a\n  id(x) = x\nwithin (id(1), id(true))\n"), 0);
}

Test(types, one_error_per_broken_definition)
{
    cr_assert_eq(load("channel a, b\nP = a -> b [] a\nQ = a [] b\nx = 1 + true + {}\n"
                      "y = x + 1\n"), 3);
    cr_assert(strstr(diag_text(), "test.csp:2:10: error: expected a process (Proc), "
                                  "found an event (Event)"), "%s", diag_text());
    cr_assert(strstr(diag_text(), "did you mean 'a -> b -> STOP'?"), "%s", diag_text());
}

Test(types, errors_are_sorted_by_position)
{
    /* g is checked before f (f uses it) but reported after */
    cr_assert_eq(load("f(x) = g(x) and true\ng(x) = x + not 1\n"), 1);
    size_t mark = strlen(diag_text());
    cr_assert_eq(load("f = 1 + true\ng = true + 1\n"), 2);
    const char *t = diag_text() + mark;
    const char *first = strstr(t, "test.csp:1:"), *second = strstr(t, "test.csp:2:");
    cr_assert(first && second && first < second, "%s", t);
}

Test(types, script_types_printed_in_order)
{
    cr_assert_eq(load("channel c : Bool\nf(x) = c!x -> STOP\nn = 3\n"), 0);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    types_print_script(in, f);
    fclose(f);
    cr_assert_str_eq(out, "c :: Bool=>Event\nf :: (Bool) -> Proc\nn :: Int\n");
    free(out);
}

Test(types, skip_types_leaves_ill_typed_scripts_to_run_time)
{
    in->skip_types = true;
    cr_assert_eq(load("x = 1 + true\n"), 0);
    in->skip_types = false;
    cr_assert_eq(load("x = 1 + true\n"), 1);
}

/* Each instance reads its module's members with its own arguments, and
 * has its own copies of the module's datatypes; a later expression sees
 * the instances' maps kept with the results. */
Test(types, instances_type_members_with_their_arguments)
{
    cr_assert_eq(load("module M(X)\nexports\n  datatype T = A.{X} | B\n  get(A.x) = x\n"
                      "  same(y) = y == X\nendmodule\ninstance I = M(1)\ninstance J = M(true)\n"),
                 0, "%s", diag_text());
    expect_type("I::get", "(I::T) -> Int");
    expect_type("J::same", "(Bool) -> Bool");
    expect_type("J::A", "Bool=>J::T");
    expect_type("I::B", "I::T");
}

/* A pattern x.y is a dotted value (FDR's a.b); the shorter of two dotted
 * values takes the longer's rest in its last part. */
Test(types, dot_patterns_are_dotted_values)
{
    cr_assert_eq(load("fst(x.y) = x\nsnd(x.y) = y\nchannel b : Int\n"), 0, "%s", diag_text());
    expect_type("fst", "(a.b) -> a");
    expect_type("snd(1.true.2)", "Bool.Int");
    cr_assert_eq(load("fst(x.y) = x\nchannel b : Int\nt = fst(b.0)\n"), 1);
}
