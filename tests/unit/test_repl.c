/* test_repl.c - the REPL's command parser: command names and their unique
 * prefixes, and when an input line continues on the next. */
#include <criterion/criterion.h>

#include "repl.h"

Test(repl, full_command_names)
{
    bool amb;
    cr_assert_str_eq(repl_command_name("load", &amb), "load");
    cr_assert_str_eq(repl_command_name("traces", &amb), "traces");
    cr_assert_str_eq(repl_command_name("quit", &amb), "quit");
}

Test(repl, unique_prefixes)
{
    bool amb;
    cr_assert_str_eq(repl_command_name("l", &amb), "load");
    cr_assert_str_eq(repl_command_name("b", &amb), "browse");
    cr_assert_str_eq(repl_command_name("st", &amb), "step");
    cr_assert_str_eq(repl_command_name("g", &amb), "graph");
    cr_assert_str_eq(repl_command_name("q", &amb), "quit");
}

Test(repl, ambiguous_prefixes)
{
    bool amb;
    cr_assert_null(repl_command_name("ru", &amb) ? NULL : "run expected");
    cr_assert_str_eq(repl_command_name("r", &amb), "reload");   /* as in GHCi */
    cr_assert_null(repl_command_name("s", &amb) ? NULL : "x");   /* step (unique) */
    cr_assert_null(repl_command_name("", &amb));     /* every command */
    cr_assert(amb);
}

Test(repl, unknown_commands)
{
    bool amb;
    cr_assert_null(repl_command_name("nosuch", &amb));
    cr_assert(!amb);
    cr_assert_null(repl_command_name("loads", &amb));
}

Test(repl, an_exact_name_wins_over_longer_ones)
{
    bool amb;
    cr_assert_str_eq(repl_command_name("run", &amb), "run");
}

Test(repl, open_brackets_continue)
{
    cr_assert(repl_incomplete("{1,"));
    cr_assert(repl_incomplete("f(1, (2"));
    cr_assert(repl_incomplete("let P = [] x : {0..3"));
    cr_assert(!repl_incomplete("{1, 2}"));
    cr_assert(!repl_incomplete("f(1)"));
}

Test(repl, trailing_operators_continue)
{
    cr_assert(repl_incomplete("let P = a ->"));
    cr_assert(repl_incomplete("1 +"));
    cr_assert(repl_incomplete("x ="));
    cr_assert(repl_incomplete("P []"));
    cr_assert(repl_incomplete("if b then"));
    cr_assert(repl_incomplete("true and"));
    cr_assert(!repl_incomplete("a -> STOP"));
    cr_assert(!repl_incomplete("card(x)"));
}

Test(repl, brackets_in_strings_and_comments_do_not_count)
{
    cr_assert(!repl_incomplete("\"(((\""));
    cr_assert(!repl_incomplete("1 -- (("));
}

/* A comment's text is not the line's end: MANUAL's tutorial writes
 * `:traces VMS 4   -- coin, choc, coin, choc, ...`, which is complete. */
Test(repl, a_comment_ending_in_an_operator_does_not_continue)
{
    cr_assert(!repl_incomplete(":traces VMS 4   -- coin, choc, ..."));
    cr_assert(!repl_incomplete("P = a -> STOP -- then ->"));
    cr_assert(repl_incomplete("P = a -> -- more below"));
}
