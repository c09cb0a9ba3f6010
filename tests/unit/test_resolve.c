/* test_resolve.c - the resolver (LANGUAGE.md §1.2-§1.5, DESIGN.md "Resolver").
 * Each test loads a small script with interp_load_text, so parsing and
 * resolving both run, and checks the error count and message substrings
 * (diagnostics go to a memory stream), or the annotations left on the
 * tree: what each name is bound to and the free variables of closures.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "ast.h"
#include "fixture.h"
#include "interp.h"
#include "resolve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(resolve, .init = fixture_setup, .fini = fixture_teardown);

/* ---- helpers ---- */

/* Loads text; returns the tree and sets *n_errors. */
static Node *load(const char *text, int *n_errors)
{
    Node *script = NULL;
    int before = in->diag.n_errors;
    interp_load_text(in, "test.csp", text, strlen(text), &script);
    *n_errors = in->diag.n_errors - before;
    return script;
}

/* Loads text that must resolve without errors. */
static Node *load_ok(const char *text)
{
    int n;
    Node *s = load(text, &n);
    cr_assert_eq(n, 0, "unexpected errors in:\n%s\n---\n%s", text, diag_text());
    return s;
}

/* Loads text that must give exactly n errors, and checks that the
 * diagnostics contain `want` (NULL: no check). */
static void expect_errors(const char *text, int n, const char *want)
{
    int got;
    load(text, &got);
    cr_assert_eq(got, n, "expected %d errors, got %d, in:\n%s\n---\n%s", n, got, text,
                 diag_text());
    if (want)
        cr_assert(strstr(diag_text(), want), "expected \"%s\" in:\n%s", want, diag_text());
}

static void expect_in_diag(const char *want)
{
    cr_assert(strstr(diag_text(), want), "expected \"%s\" in:\n%s", want, diag_text());
}

/* The first node of kind k in x, preorder. */
static Node *find(Node *x, NodeKind k)
{
    if (!x) return NULL;
    if (x->kind == k) return x;
    for (uint32_t i = 0; i < x->n; i++) {
        Node *f = find(x->kid[i], k);
        if (f) return f;
    }
    return NULL;
}

/* The nth (0-based) VAR named `name` in x, preorder. */
static Node *find_var_nth(Node *x, const char *name, int *nth)
{
    if (!x) return NULL;
    if (x->kind == N_VAR && strcmp(x->name->name, name) == 0 && (*nth)-- == 0) return x;
    for (uint32_t i = 0; i < x->n; i++) {
        Node *f = find_var_nth(x->kid[i], name, nth);
        if (f) return f;
    }
    return NULL;
}

static Node *find_var(Node *x, const char *name, int nth)
{
    Node *v = find_var_nth(x, name, &nth);
    cr_assert_not_null(v, "no VAR '%s'", name);
    return v;
}

/* The right-hand side of the top-level `name = ...` or of the first clause
 * `name(...) = ...`. */
static Node *rhs_of(Node *script, const char *name)
{
    for (uint32_t i = 0; i < script->n; i++) {
        Node *d = script->kid[i];
        if (d->kind == N_PATBIND && d->kid[0]->kind == N_VAR &&
            strcmp(d->kid[0]->name->name, name) == 0)
            return d->kid[1];
        if (d->kind == N_FUNCLAUSE && strcmp(d->name->name, name) == 0) return d->kid[1];
    }
    cr_assert_fail("no definition of '%s'", name);
    return NULL;
}

/* The free variables of a closure node, as "a,b,c". */
static const char *free_names(const Node *x)
{
    static char buf[256];
    cr_assert_not_null(x->res, "node has no annotation");
    cr_assert(x->res->is_closure, "node is not a closure");
    buf[0] = 0;
    for (uint32_t i = 0; i < x->res->n_free; i++) {
        if (i) strcat(buf, ",");
        strcat(buf, x->res->free[i]->name);
        cr_assert_eq(x->res->free[i], x->res->free_defs[i]->name);
    }
    return buf;
}

static const ResDef *def_of(const Node *v)
{
    cr_assert_not_null(v->res, "'%s' is not annotated", v->name->name);
    cr_assert_not_null(v->res->def, "'%s' is not bound", v->name->name);
    return v->res->def;
}

/* ---- valid scripts ---- */

Test(resolve, valid_script_has_no_errors)
{
    load_ok("channel coin, choc\n"
            "datatype T = A | B.{0..1}\n"
            "nametype N = {0..3}\n"
            "VM = coin -> choc -> VM\n"
            "f(A) = 0\n"
            "f(B.x) = x\n"
            "S = {| coin |}\n"
            "assert VM :[deadlock free]\n");
}

Test(resolve, declaration_order_does_not_matter)
{
    load_ok("MAIN = PING\n"
            "PING = ping -> PONG\n"
            "PONG = pong -> PING\n"
            "channel ping, pong\n"
            "datatype D = K.S\n"
            "nametype S = {0..N}\n"
            "N = 2\n");
}

/* Every built-in can be named, those of tock-CSP inside a Timed section
 * (TSTOP and TSKIP are what STOP and SKIP mean there; FDR does not let
 * them be named). */
Test(resolve, every_builtin_is_visible)
{
    char text[8192] = "channel tock\n";
    for (int i = 0; i < RES_BI__COUNT; i++) {
        char line[80];
        if (i == RES_BI_TSTOP || i == RES_BI_TSKIP) continue;
        bool timed = i == RES_BI_WAIT || i == RES_BI_timed_priority;
        snprintf(line, sizeof line, "%sx%d = %s%s\n", timed ? "Timed { " : "", i, res_builtins[i].name,
                 timed ? " }" : "");
        strcat(text, line);
    }
    in->skip_types = true;   /* names only: WAIT outside a Timed section is a type error */
    load_ok(text);
}

Test(resolve, timed_builtins_only_in_timed_sections)
{
    expect_errors("channel tock\nx = WAIT(1)\n", 1, "only defined inside a Timed section");
    expect_errors("channel tock\nTimed { x = TSTOP }\n", 1, "undefined name 'TSTOP'");
    Node *s = load_ok("channel tock\nTimed { x = STOP }\ny = STOP\n");
    Node *section = s->kid[1]->kid[0];
    cr_assert_eq(def_of(find_var(section, "STOP", 0))->index, RES_BI_TSTOP);
    cr_assert_eq(def_of(find_var(rhs_of(s, "y"), "STOP", 0))->index, RES_BI_STOP);
}

Test(resolve, builtin_table_lookup)
{
    cr_assert_eq(res_builtin_lookup("union", 5), RES_BI_union);
    cr_assert_eq(res_builtin_lookup("STOP", 4), RES_BI_STOP);
    cr_assert_eq(res_builtin_lookup("tock", 4), -1);
    cr_assert_eq(res_builtins[RES_BI_normal].cls, RES_BC_TRANSPARENT);
}

Test(resolve, builtin_redefined_by_user_wins)
{
    Node *s = load_ok("union = 2\nx = union + 1\n");
    const ResDef *d = def_of(find_var(rhs_of(s, "x"), "union", 0));
    cr_assert_eq(d->kind, RES_DEF_VALUE);
    cr_assert_eq(d->level, RES_LEVEL_TOP);
}

Test(resolve, builtin_use_is_bound_to_builtin)
{
    Node *s = load_ok("x = card({1})\n");
    const ResDef *d = def_of(find_var(rhs_of(s, "x"), "card", 0));
    cr_assert_eq(d->kind, RES_DEF_BUILTIN);
    cr_assert_eq(d->index, (uint32_t)RES_BI_card);
}

/* ---- undefined names ---- */

Test(resolve, undefined_name_is_located)
{
    expect_errors("channel a\nP = a -> zebra -> STOP\n", 1,
                  "test.csp:2:10: error: undefined name 'zebra'");
    cr_assert_null(strstr(diag_text(), "did you mean"));
}

Test(resolve, did_you_mean_points_at_definition)
{
    expect_errors("channel coin, choc\nVM = coins -> choc -> VM\n", 1,
                  "undefined name 'coins'");
    expect_in_diag("test.csp:1:9: note: did you mean 'coin'?");
}

Test(resolve, did_you_mean_a_builtin)
{
    expect_errors("s = <1>\nn = lenght(s)\n", 1, "did you mean 'length' (a built-in)?");
}

Test(resolve, did_you_mean_prefers_closest_then_first)
{
    expect_errors("abcde = 1\nabcxy = 2\nabcdx = 3\nz = abcdz\n", 1,
                  "did you mean 'abcde'?");
}

Test(resolve, did_you_mean_needs_two_characters)
{
    expect_errors("a = 1\nz = b\n", 1, "undefined name 'b'");
    cr_assert_null(strstr(diag_text(), "did you mean"));
}

Test(resolve, every_error_is_reported_at_once_in_order)
{
    expect_errors("P = undefined1\n"
                  "N = 1\n"
                  "N = 2\n"
                  "Q = undefined2\n", 3, NULL);
    const char *t = diag_text();
    const char *a = strstr(t, "undefined1"), *b = strstr(t, "duplicate"),
               *c = strstr(t, "undefined2");
    cr_assert(a && b && c && a < b && b < c, "errors out of order:\n%s", t);
}

/* ---- duplicates ---- */

Test(resolve, duplicate_constant)
{
    expect_errors("N = 1\nM = 2\nN = 3\n", 1, "test.csp:3:1: error: duplicate definition of 'N'");
    expect_in_diag("test.csp:1:1: note: 'N' was first defined here");
}

Test(resolve, consecutive_clauses_form_one_function)
{
    load_ok("f(0) = 1\nf(n) = n * f(n - 1)\n");
}

Test(resolve, separated_clauses_are_a_duplicate)
{
    expect_errors("f(0) = 1\ng = 2\nf(n) = n\n", 1, "3:1: error: duplicate definition of 'f'");
    expect_in_diag("first defined here, as a function");
}

Test(resolve, channel_and_function_clash)
{
    expect_errors("channel go\ngo = STOP\n", 1, "duplicate definition of 'go'");
    expect_in_diag("as a channel");
}

Test(resolve, duplicate_channel_and_constructor)
{
    expect_errors("channel a\nchannel b, a\n", 1, "2:12: error: duplicate definition of 'a'");
    expect_errors("datatype L = Red | Green\ndatatype F = Green | White\n", 1,
                  "duplicate definition of 'Green'");
}

Test(resolve, datatype_clashes_with_value_reported_at_later)
{
    /* The value comes first in the file: the error goes to the datatype. */
    expect_errors("T = 1\ndatatype T = A\n", 1, "2:10: error: duplicate definition of 'T'");
}

/* ---- clause shapes ---- */

Test(resolve, clause_argument_count_mismatch)
{
    expect_errors("f(0) = 1\nf(x, y) = x + y\n", 1,
                  "2:1: error: clause of 'f' has 2 arguments; its first clause has 1");
    expect_in_diag("1:1: note: the first clause of 'f' is here");
}

Test(resolve, clause_currying_mismatch)
{
    expect_errors("h(0)(y) = y\nh(x, y) = x\n", 1,
                  "clause of 'h' has the shape h(_, _); its first clause has h(_)(_)");
}

/* ---- scopes ---- */

Test(resolve, let_bindings_are_mutually_recursive)
{
    load_ok("h(n) = let\n"
            "         isEven(0) = true\n"
            "         isEven(k) = isOdd(k - 1)\n"
            "         isOdd(0) = false\n"
            "         isOdd(k) = isEven(k - 1)\n"
            "       within isEven(n)\n");
}

Test(resolve, let_may_shadow_outer_and_builtin_names)
{
    Node *s = load_ok("a = 1\nb = let a = 2\n        union = 3\n    within a + union\n");
    Node *body = find(rhs_of(s, "b"), N_LET)->kid[1];
    cr_assert_eq(def_of(find_var(body, "a", 0))->level, RES_LEVEL_LET);
    cr_assert_eq(def_of(find_var(body, "union", 0))->level, RES_LEVEL_LET);
}

Test(resolve, duplicate_inside_one_let)
{
    expect_errors("y = let\n      x = 1\n      x = 2\n    within x\n", 1,
                  "3:7: error: duplicate definition of 'x'");
}

Test(resolve, let_binding_not_visible_outside)
{
    expect_errors("a = let tmp = 1 within tmp + 1\nb = tmp * 2\n", 1,
                  "2:5: error: undefined name 'tmp'");
}

Test(resolve, generators_bind_left_to_right)
{
    load_ok("S = {(x, y) | x <- {0..3}, y <- {x..3}, x < y}\n"
            "P = [] x:{0..3}, y:{x..3} @ STOP\n");
    expect_errors("S = {y | y <- {x..3}, x <- {0..3}}\n", 1, "undefined name 'x'");
}

Test(resolve, generator_variables_stay_inside)
{
    expect_errors("S = {x | x <- {0..3}}\nT = x\n", 1, "2:5: error: undefined name 'x'");
}

Test(resolve, input_variables_bind_in_body_and_later_fields)
{
    load_ok("channel d : {0..2}.{0..2}\n"
            "LT = d?x?y:{z | z <- {0..2}, z < x} -> LT\n"
            "E = d?x!x -> E\n"
            "F = d$x?y -> (if x == y then STOP else F)\n");
    expect_errors("channel c : {0..2}\nP = c?x -> STOP\nQ = x\n", 1, "undefined name 'x'");
}

Test(resolve, restriction_does_not_see_its_own_variable)
{
    expect_errors("channel c : {0..2}\nP = c?x:{x} -> STOP\n", 1, "undefined name 'x'");
}

Test(resolve, lambda_parameters_scope_the_body_only)
{
    expect_errors("f = \\ x @ x + y\n", 1, "undefined name 'y'");
}

/* ---- patterns ---- */

Test(resolve, constructor_in_pattern_matches)
{
    Node *s = load_ok("datatype C = Red | Green\nf(Red) = 1\nf(x) = 2\n");
    Node *c1 = s->kid[1], *c2 = s->kid[2];
    Node *red = c1->kid[0]->kid[0]->kid[0], *x = c2->kid[0]->kid[0]->kid[0];
    cr_assert_eq(red->res->role, RES_ROLE_MATCH);
    cr_assert_eq(def_of(red)->kind, RES_DEF_CONSTRUCTOR);
    cr_assert_eq(x->res->role, RES_ROLE_BIND);
    cr_assert_eq(def_of(x)->kind, RES_DEF_PARAM);
    cr_assert_eq(def_of(c1), def_of(c2), "both clauses define one function");
    cr_assert_eq(def_of(c1)->n_clauses, 2);
}

Test(resolve, channel_head_of_dot_pattern_matches)
{
    Node *s = load_ok("channel c : {0..2}\nchannel ev : {| c |}\ng(c.x) = x\n"
                      "P = ev?c.y -> STOP\n");
    Node *c = find_var(s->kid[2], "c", 0);
    cr_assert_eq(c->res->role, RES_ROLE_MATCH);
    cr_assert_eq(def_of(c)->kind, RES_DEF_CHANNEL);
    cr_assert_eq(def_of(find_var(rhs_of(s, "P"), "y", 0))->kind, RES_DEF_INPUT);
}

Test(resolve, non_constructor_name_in_pattern_binds)
{
    /* N is a top-level value, not a constructor: the pattern binds a new N. */
    Node *s = load_ok("N = 5\nf(N) = N + 1\n");
    cr_assert_eq(def_of(find_var(rhs_of(s, "f"), "N", 0))->kind, RES_DEF_PARAM);
}

Test(resolve, top_level_tuple_pattern_binds_and_matches)
{
    Node *s = load_ok("datatype T = A | B\n(A, w) = (A, 2)\nv = w\n");
    cr_assert_eq(def_of(find_var(rhs_of(s, "v"), "w", 0))->kind, RES_DEF_VALUE);
}

Test(resolve, variable_bound_twice_in_one_pattern)
{
    expect_errors("f(x, x) = x\n", 1, "1:6: error: 'x' is bound twice in this pattern");
    expect_errors("g(x)(x) = x\n", 1, "bound twice in this pattern");
    expect_errors("channel c : {0..1}.{0..1}\nP = c?x?x -> STOP\n", 1, "bound twice");
    expect_errors("h = \\ (a, a) @ a\n", 1, "bound twice");
}

Test(resolve, malformed_patterns)
{
    expect_errors("f(xs^ys) = xs\n", 1, "at most one part of a '^' pattern");
    expect_errors("g({x, y}) = x\n", 1, "a set pattern may hold at most one element");
    expect_errors("h(x + 1) = x\n", 1, "this is not a pattern");
    expect_errors("k(-true) = 1\n", 1, "'-' in a pattern applies only to an integer literal");
}

Test(resolve, valid_patterns)
{
    load_ok("len(<>) = 0\nlen(<_>^xs) = 1 + len(xs)\n"
            "ends(<x, y>^mid^<z>) = (x, y, z, #mid)\n"
            "only({x}) = x\nneg(-1) = 1\nneg(_) = 0\n"
            "dup(xs @@ <x>^_) = (x, xs)\n");
}

/* ---- pattern-only syntax in expressions ---- */

Test(resolve, wildcard_and_doubleat_outside_patterns)
{
    expect_errors("x = _ + 1\n", 1, "1:5: error: '_' may only appear in a pattern");
    expect_errors("a = 1\nS = {a @@ 2}\n", 1, "'@@' may only appear in a pattern");
    expect_errors("channel c : {0..1}\nP = c!_ -> STOP\n", 1, "'_' may only appear");
}

Test(resolve, field_outside_prefix_event)
{
    expect_errors("channel c : {0..1}\nW = {c?x}\n", 1,
                  "2:6: error: '?' is only allowed in the event of a prefix '->'");
    expect_errors("channel c : {0..1}\nW = {c!1}\n", 1, "'!' is only allowed");
}

Test(resolve, restriction_outside_field_or_generator)
{
    expect_errors("channel c : {0..1}\nV = c!x:{1} -> STOP\n", 1,
                  "':' only restricts an input field or a generator");
}

/* ---- channels ---- */

Test(resolve, not_a_channel_in_prefix)
{
    expect_errors("double(n) = 2 * n\nP = double!1 -> STOP\n", 1,
                  "2:5: error: 'double' is not a channel");
    expect_in_diag("note: 'double' is defined here, as a function");
    expect_errors("N = 5\nQ = N?y -> STOP\n", 1, "'N' is not a channel");
    expect_errors("R = STOP -> STOP\n", 1, "'STOP' is not a channel");
}

Test(resolve, parameters_and_let_names_may_be_events)
{
    load_ok("channel c : {0..1}\n"
            "Do(e, P) = e -> P\n"
            "T = let f = \\ e @ e -> STOP\n        g = c.0\n    within f(c.1) [] g -> STOP\n"
            "ev = c.1\n"
            "U = ev -> STOP\n"
            "V = [] x:{c.0} @ x -> STOP\n");
}

Test(resolve, not_a_channel_in_production)
{
    expect_errors("x = 3\nA = {| x |}\n", 1, "'x' is not a channel or datatype constructor");
    load_ok("channel c : {0..1}\ndatatype T = K.{0..1}\nA = ({| c, c.x | x <- {0} |}, {| K |})\n"
            "F(ch) = {| ch |}\n");
}

/* ---- modules, timed sections, external ---- */

Test(resolve, modules_and_instances)
{
    load_ok("channel up, down\n"
            "module Counter(Max)\n"
            "  C(n) = n < Max & up -> C(n + 1)\n"
            "exports\n"
            "  Start = C(0)\n"
            "  limit = Max\n"
            "endmodule\n"
            "instance C2 = Counter(2)\n"
            "MAIN = C2::Start\n"
            "big = C2::limit\n");
}

Test(resolve, module_member_must_be_exported)
{
    expect_errors("module M\n  Hidden = 1\nexports\n  Shown = Hidden + 1\nendmodule\n"
                  "x = M::Hidden\n", 1, "6:8: error: 'Hidden' is not exported by module 'M'");
    expect_in_diag("2:3: note: 'Hidden' is defined here, but not exported");
}

Test(resolve, module_qualifier_must_be_a_module)
{
    expect_errors("channel up\ny = up::x\n", 1, "'up' is not a module");
    expect_errors("module M(a)\nexports\n  X = a\nendmodule\ninstance I = M\n", 1,
                  "module 'M' takes 1 argument; this instance gives 0");
}

Test(resolve, timed_section_definitions_are_top_level)
{
    Node *s = load_ok("channel tock, press\ndelay(_) = 1\n"
                      "Timed(delay) {\n  BUTTON = press -> WAIT(2) ; BUTTON\n}\n"
                      "SYSTEM = BUTTON\n");
    cr_assert_eq(def_of(find_var(rhs_of(s, "SYSTEM"), "BUTTON", 0))->level, RES_LEVEL_TOP);
}

Test(resolve, external_names_must_be_builtins)
{
    load_ok("external prioritise, loop\ntransparent normal\nchannel a\n"
            "P = normal(loop(a -> SKIP))\n");
    expect_errors("external frobnicate\n", 1, "'frobnicate' is not a built-in external function");
}

Test(resolve, subtype_clauses_name_constructors)
{
    load_ok("datatype Cell = Empty | Wall.{0..3}\nsubtype Low = Empty | Wall.{0, 1}\n");
    expect_errors("channel c\ndatatype D = A\nsubtype S = c\n", 1,
                  "'c' is not a datatype constructor");
}

/* ---- free variables ---- */

Test(resolve, lambda_free_variables_are_outer_locals_only)
{
    Node *s = load_ok("N = 1\nf(a, b) = \\ x @ x + b + a + N + card({}) + b\n");
    cr_assert_str_eq(free_names(find(rhs_of(s, "f"), N_LAMBDA)), "b,a");
}

Test(resolve, nested_lambda_free_variables)
{
    Node *s = load_ok("k = \\ x @ \\ y @ x + y\n");
    Node *outer = rhs_of(s, "k"), *inner = find(outer->kid[1], N_LAMBDA);
    cr_assert_str_eq(free_names(outer), "");
    cr_assert_str_eq(free_names(inner), "x");
    cr_assert_eq(def_of(find_var(inner->kid[1], "x", 0))->kind, RES_DEF_PARAM);
}

Test(resolve, let_free_variables_and_let_clauses)
{
    Node *s = load_ok("f(n, m) = let\n"
                      "    g(k) = if k == 0 then n else g(k - 1) + h\n"
                      "    h = m\n"
                      "  within g(n)\n");
    Node *let = rhs_of(s, "f");
    cr_assert_str_eq(free_names(let), "n,m");
    Node *g = let->kid[0]->kid[0], *h = let->kid[0]->kid[1];
    cr_assert_str_eq(free_names(g), "n,g,h", "a let clause captures its siblings");
    cr_assert_str_eq(free_names(h), "m");
    cr_assert_eq(let->res->n_defs, 2);
}

Test(resolve, replicated_body_captures_generator_variables)
{
    Node *s = load_ok("channel c : {0..3}\nP(n) = [] x:{0..n} @ c!x -> P(n)\n");
    Node *rep = rhs_of(s, "P");
    cr_assert_eq(rep->kind, N_REP);
    cr_assert_str_eq(free_names(rep), "x,n");
}

Test(resolve, prefix_body_captures_input_variables)
{
    Node *s = load_ok("channel c : {0..3}\nP(n) = c?x -> c!n -> P(x)\nQ = c?y -> Q\n");
    Node *pre = rhs_of(s, "P");
    cr_assert_str_eq(free_names(pre), "n,x");
    cr_assert_str_eq(free_names(pre->kid[1]), "x");
    cr_assert_str_eq(free_names(rhs_of(s, "Q")), "", "top-level names are never free");
}

/* ---- API for later stages ---- */

Test(resolve, top_level_definitions_listed_in_order)
{
    Node *s = load_ok("N = 1\nchannel a, b\ndatatype T = X | Y\nf(0) = 0\nf(n) = n\n"
                      "nametype S = {0}\n");
    const char *names[] = { "N", "a", "b", "T", "X", "Y", "f", "S" };
    ResDefKind kinds[] = { RES_DEF_VALUE, RES_DEF_CHANNEL, RES_DEF_CHANNEL, RES_DEF_DATATYPE,
                           RES_DEF_CONSTRUCTOR, RES_DEF_CONSTRUCTOR, RES_DEF_FUNCTION,
                           RES_DEF_NAMETYPE };
    cr_assert_eq(res_top_count(s), 8);
    for (uint32_t i = 0; i < 8; i++) {
        const ResDef *d = res_top_def(s, i);
        cr_assert_str_eq(d->name->name, names[i]);
        cr_assert_eq(d->kind, kinds[i], "%s", names[i]);
        cr_assert_eq(d->index, i);
    }
    cr_assert_str_eq(res_def_kind_name[res_top_def(s, 4)->kind], "datatype constructor");
    cr_assert_eq(res_top_lookup(s, res_top_def(s, 6)->name), res_top_def(s, 6));
}

Test(resolve, deep_nesting_is_safe)
{
    enum { DEPTH = 1900 };   /* near the parser's limit for a '->' chain */
    size_t cap = DEPTH * 8 + 64;
    char *text = malloc(cap);
    strcpy(text, "channel a\nP = ");
    for (int i = 0; i < DEPTH; i++) strcat(text, "a -> ");
    strcat(text, "P\n");
    load_ok(text);
    free(text);
}

/* ---- one expression against a loaded script (the REPL's session) ---- */

Test(resolve, expression_against_a_loaded_script)
{
    Node *script = load_ok("channel a\nP = a -> P\nf(x) = x + 1\n");
    const ResDef *P = res_top_lookup(script, sym_intern_cstr(in->syms, "P"));
    Node *d = NULL;
    cr_assert_eq(interp_load_expr(in, script, "\\ y @ f(y) + card({| a |})", &d), LOAD_OK, "%s",
                 diag_text());
    cr_assert_not_null(d);
    /* the lambda's y is its own, not free; f and a are the script's */
    cr_assert_str_eq(free_names(d->kid[1]), "");
    cr_assert_eq(def_of(find_var(d->kid[1], "f", 0))->level, RES_LEVEL_TOP);
    cr_assert_eq(interp_load_expr(in, script, "P [] a -> STOP", &d), LOAD_OK);
    cr_assert_eq(def_of(find_var(d->kid[1], "P", 0)), P);
    /* the script is left as it was: still three top-level definitions */
    cr_assert_eq(res_top_count(script), 3);
}

Test(resolve, expression_errors_are_located_in_the_expression)
{
    Node *script = load_ok("channel a\nP = a -> P\n");
    Node *d = NULL;
    cr_assert_eq(interp_load_expr(in, script, "Q [] P", &d), LOAD_STATIC_ERROR);
    expect_in_diag("<expression>:1:1: error: undefined name 'Q'");
    cr_assert_eq(interp_load_expr(in, script, "P [] ", &d), LOAD_STATIC_ERROR);
    cr_assert_null(d);
}
