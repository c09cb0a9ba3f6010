/* test_lex.c - the token stream of the lexer (LANGUAGE.md §1.1).
 * Each test lexes a small text with lex_next until end of input and compares
 * the sequence of TK_* codes (printed by name, so a failure shows both
 * streams) and, where it matters, the decoded value of a token.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "grammar.h"
#include "fixture.h"
#include "interp.h"
#include "lex.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(lex, .init = fixture_setup, .fini = fixture_teardown);

/* ---- helpers ---- */

#define TOKEN_NAME(k) [TK_##k] = #k,
static const char *const tk_name[] = {
    TOKEN_NAME(NL) TOKEN_NAME(BADTOKEN) TOKEN_NAME(ELSE) TOKEN_NAME(WITHIN) TOKEN_NAME(AT)
    TOKEN_NAME(BACKSLASH) TOKEN_NAME(PROJECT) TOKEN_NAME(INTERLEAVE) TOKEN_NAME(LPAR)
    TOKEN_NAME(LBRACKET) TOKEN_NAME(INTCHOICE) TOKEN_NAME(EXTCHOICE) TOKEN_NAME(LSYNC)
    TOKEN_NAME(INTERRUPT) TOKEN_NAME(LSYNCINT) TOKEN_NAME(TIMEOUT) TOKEN_NAME(SEMI)
    TOKEN_NAME(ARROW) TOKEN_NAME(AMP) TOKEN_NAME(QUESTION) TOKEN_NAME(BANG) TOKEN_NAME(DOLLAR)
    TOKEN_NAME(ATAT) TOKEN_NAME(DOT) TOKEN_NAME(COLON) TOKEN_NAME(OR) TOKEN_NAME(AND)
    TOKEN_NAME(NOT) TOKEN_NAME(EQEQ) TOKEN_NAME(NE) TOKEN_NAME(LT) TOKEN_NAME(GT)
    TOKEN_NAME(LE) TOKEN_NAME(GE) TOKEN_NAME(PLUS) TOKEN_NAME(MINUS) TOKEN_NAME(STAR)
    TOKEN_NAME(SLASH) TOKEN_NAME(PERCENT) TOKEN_NAME(HASH) TOKEN_NAME(CAT) TOKEN_NAME(LPAREN)
    TOKEN_NAME(LRENAME) TOKEN_NAME(COLONCOLON) TOKEN_NAME(EQ) TOKEN_NAME(CHANNEL)
    TOKEN_NAME(DATATYPE) TOKEN_NAME(ID) TOKEN_NAME(SUBTYPE) TOKEN_NAME(NAMETYPE)
    TOKEN_NAME(EXTERNAL) TOKEN_NAME(TRANSPARENT) TOKEN_NAME(TYPEANN) TOKEN_NAME(COMMA)
    TOKEN_NAME(ASSERT) TOKEN_NAME(ASSERTNOT) TOKEN_NAME(PRINT) TOKEN_NAME(MODULE)
    TOKEN_NAME(ENDMODULE) TOKEN_NAME(EXPORTS) TOKEN_NAME(INSTANCE) TOKEN_NAME(TIMED)
    TOKEN_NAME(LBRACE) TOKEN_NAME(RBRACE) TOKEN_NAME(RPAREN) TOKEN_NAME(BAR)
    TOKEN_NAME(REFINES) TOKEN_NAME(LPROP) TOKEN_NAME(P_HASTRACE) TOKEN_NAME(RPROP)
    TOKEN_NAME(RPROPCOLON) TOKEN_NAME(P_DEADLOCK) TOKEN_NAME(P_DIVERGENCE)
    TOKEN_NAME(P_DETERMINISTIC) TOKEN_NAME(MODEL) TOKEN_NAME(P_TAU) TOKEN_NAME(P_POR)
    TOKEN_NAME(PROPARG) TOKEN_NAME(DARROW) TOKEN_NAME(DARROWSTAR) TOKEN_NAME(LSEQ)
    TOKEN_NAME(RSEQ) TOKEN_NAME(LMAP) TOKEN_NAME(RMAP) TOKEN_NAME(LARROW) TOKEN_NAME(LINK)
    TOKEN_NAME(INT) TOKEN_NAME(CHAR) TOKEN_NAME(STRING) TOKEN_NAME(TRUE) TOKEN_NAME(FALSE)
    TOKEN_NAME(UNDERSCORE) TOKEN_NAME(EMPTYSEQ) TOKEN_NAME(DOTDOT) TOKEN_NAME(LPROD)
    TOKEN_NAME(RPROD) TOKEN_NAME(RRENAME) TOKEN_NAME(IF) TOKEN_NAME(THEN) TOKEN_NAME(LET)
    TOKEN_NAME(RSYNCINT) TOKEN_NAME(RSYNC) TOKEN_NAME(RPAR) TOKEN_NAME(EXCEPTR)
    TOKEN_NAME(PARBARS) TOKEN_NAME(RBRACKET)
};

enum { MAX_TOKS = 512 };

typedef struct {
    int n;                  /* tokens before the end-of-input token */
    Token t[MAX_TOKS];
} Toks;

/* Lexes len bytes of text (which may hold NUL bytes) up to end of input. */
static void lex_all(const char *text, size_t len, Toks *out)
{
    uint32_t file = src_add_text(in->src, "lex.csp", text, len);
    Lexer *lx = lex_new(in->src, in->syms, &in->diag, in->load, file);
    out->n = 0;
    for (;;) {
        Token t;
        lex_next(lx, &t);
        if (t.code == 0) break;
        cr_assert(out->n < MAX_TOKS, "token stream does not end");
        out->t[out->n++] = t;
    }
    lex_free(lx);
}

static void put_name(FILE *f, int code)
{
    if (code > 0 && (size_t)code < sizeof tk_name / sizeof *tk_name && tk_name[code])
        fputs(tk_name[code], f);
    else
        fprintf(f, "#%d", code);
}

/* "ID EQ INT" for a lexed stream. */
static char *codes_of(const Toks *ts)
{
    char *s;
    size_t n;
    FILE *f = open_memstream(&s, &n);
    for (int i = 0; i < ts->n; i++) {
        if (i) fputc(' ', f);
        put_name(f, ts->t[i].code);
    }
    fclose(f);
    return s;
}

/* The same for an expected list ending in 0. */
static char *codes_str(const int *codes)
{
    char *s;
    size_t n;
    FILE *f = open_memstream(&s, &n);
    for (int i = 0; codes[i]; i++) {
        if (i) fputc(' ', f);
        put_name(f, codes[i]);
    }
    fclose(f);
    return s;
}

/* The source with control characters made visible, for failure messages. */
static char *shown(const char *text, size_t len)
{
    char *s;
    size_t n;
    FILE *f = open_memstream(&s, &n);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') fputs("\\n", f);
        else if (c == '\r') fputs("\\r", f);
        else if (c == '\t') fputs("\\t", f);
        else if (c < 0x20 || c >= 0x7F) fprintf(f, "\\x%02X", c);
        else fputc(c, f);
    }
    fclose(f);
    return s;
}

static Toks toks;   /* the last stream lexed by EXPECT_TOKS / LEX */

#define EXPECT_TOKS_N(text, len, ...) do {                                            \
        lex_all((text), (len), &toks);                                                \
        char *got_ = codes_of(&toks);                                                 \
        char *want_ = codes_str((const int[]){ __VA_ARGS__, 0 });                     \
        cr_assert_str_eq(got_, want_, "lexing \"%s\"\n  got:  %s\n  want: %s",        \
                         shown((text), (len)), got_, want_);                          \
        free(got_);                                                                   \
        free(want_);                                                                  \
    } while (0)
#define EXPECT_TOKS(text, ...) EXPECT_TOKS_N((text), strlen(text), __VA_ARGS__)

/* The first token with the given code in the last stream (fails if none). */
static const Token *find_tok(int code, int nth)
{
    for (int i = 0; i < toks.n; i++)
        if (toks.t[i].code == code && nth-- == 0) return &toks.t[i];
    cr_assert_fail("no token %s in the stream", tk_name[code]);
    return NULL;
}

static const Token *bad_tok(const char *text, size_t len)
{
    lex_all(text, len, &toks);
    for (int i = 0; i < toks.n; i++)
        if (toks.t[i].code == TK_BADTOKEN) return &toks.t[i];
    char *got = codes_of(&toks);
    cr_assert_fail("no BADTOKEN lexing \"%s\": %s", shown(text, len), got);
    return NULL;
}

#define EXPECT_BAD_N(text, len, substr) do {                                            \
        const Token *b_ = bad_tok((text), (len));                                     \
        cr_assert(b_->msg != NULL, "BADTOKEN without a message");                     \
        cr_assert(strstr(b_->msg, (substr)) != NULL,                                  \
                  "lexing \"%s\": message \"%s\" lacks \"%s\"",                       \
                  shown((text), (len)), b_->msg, (substr));                           \
    } while (0)
#define EXPECT_BAD(text, substr) EXPECT_BAD_N((text), strlen(text), (substr))

/* ---- operators and keywords ---- */

Test(lex, process_operators)
{
    EXPECT_TOKS("a [] b |~| c ||| d || e /\\ f [> g ; h & i |\\ j \\ k",
                TK_ID, TK_EXTCHOICE, TK_ID, TK_INTCHOICE, TK_ID, TK_INTERLEAVE, TK_ID,
                TK_PARBARS, TK_ID, TK_INTERRUPT, TK_ID, TK_TIMEOUT, TK_ID, TK_SEMI, TK_ID,
                TK_AMP, TK_ID, TK_PROJECT, TK_ID, TK_BACKSLASH, TK_ID);
}

Test(lex, expression_operators)
{
    EXPECT_TOKS("a == b != c <= d >= e < f > g + h - i * j / k % l ^ m",
                TK_ID, TK_EQEQ, TK_ID, TK_NE, TK_ID, TK_LE, TK_ID, TK_GE, TK_ID, TK_LT,
                TK_ID, TK_GT, TK_ID, TK_PLUS, TK_ID, TK_MINUS, TK_ID, TK_STAR, TK_ID,
                TK_SLASH, TK_ID, TK_PERCENT, TK_ID, TK_CAT, TK_ID);
}

Test(lex, punctuation)
{
    EXPECT_TOKS("# a , b .. c . d ? e ! f $ g <- h <-> i = j => k =>* l @ m @@ n : o | p",
                TK_HASH, TK_ID, TK_COMMA, TK_ID, TK_DOTDOT, TK_ID, TK_DOT, TK_ID,
                TK_QUESTION, TK_ID, TK_BANG, TK_ID, TK_DOLLAR, TK_ID, TK_LARROW, TK_ID,
                TK_LINK, TK_ID, TK_EQ, TK_ID, TK_DARROW, TK_ID, TK_DARROWSTAR, TK_ID, TK_AT,
                TK_ID, TK_ATAT, TK_ID, TK_COLON, TK_ID, TK_BAR, TK_ID);
}

Test(lex, brackets)
{
    EXPECT_TOKS("( a ) { b } {| c |} [ d ] [| e |] [[ f ]] [+ g +] /+ h +\\ [| i |> (| j |) _",
                TK_LPAREN, TK_ID, TK_RPAREN, TK_LBRACE, TK_ID, TK_RBRACE, TK_LPROD, TK_ID,
                TK_RPROD, TK_LBRACKET, TK_ID, TK_RBRACKET, TK_LPAR, TK_ID, TK_RPAR,
                TK_LRENAME, TK_ID, TK_RRENAME, TK_LSYNC, TK_ID, TK_RSYNC, TK_LSYNCINT, TK_ID,
                TK_RSYNCINT, TK_LPAR, TK_ID, TK_EXCEPTR, TK_LMAP, TK_ID, TK_RMAP,
                TK_UNDERSCORE);
}

Test(lex, operators_without_spaces)
{
    EXPECT_TOKS("a->b[]c|~|d|||e;f[>g/\\h\\{i}",
                TK_ID, TK_ARROW, TK_ID, TK_EXTCHOICE, TK_ID, TK_INTCHOICE, TK_ID,
                TK_INTERLEAVE, TK_ID, TK_SEMI, TK_ID, TK_TIMEOUT, TK_ID, TK_INTERRUPT, TK_ID,
                TK_BACKSLASH, TK_LBRACE, TK_ID, TK_RBRACE);
    EXPECT_TOKS("c?x!y.z$w->P[|{a}|]Q[[a<-b]]",
                TK_ID, TK_QUESTION, TK_ID, TK_BANG, TK_ID, TK_DOT, TK_ID, TK_DOLLAR, TK_ID,
                TK_ARROW, TK_ID, TK_LPAR, TK_LBRACE, TK_ID, TK_RBRACE, TK_RPAR, TK_ID,
                TK_LRENAME, TK_ID, TK_LARROW, TK_ID, TK_RRENAME);
    EXPECT_TOKS("P[A||B]Q[a<->b]R",
                TK_ID, TK_LBRACKET, TK_ID, TK_PARBARS, TK_ID, TK_RBRACKET, TK_ID,
                TK_LBRACKET, TK_ID, TK_LINK, TK_ID, TK_RBRACKET, TK_ID);
}

Test(lex, keywords)
{
    EXPECT_TOKS("channel datatype subtype nametype external transparent module exports "
                "endmodule instance Timed let within if then else and or not print true false",
                TK_CHANNEL, TK_DATATYPE, TK_SUBTYPE, TK_NAMETYPE, TK_EXTERNAL, TK_TRANSPARENT,
                TK_MODULE, TK_EXPORTS, TK_ENDMODULE, TK_INSTANCE, TK_TIMED, TK_LET,
                TK_WITHIN, TK_IF, TK_THEN, TK_ELSE, TK_AND, TK_OR, TK_NOT, TK_PRINT, TK_TRUE,
                TK_FALSE);
    EXPECT_TOKS("assert P", TK_ASSERT, TK_ID);
}

Test(lex, builtin_constants_are_identifiers)
{
    EXPECT_TOKS("True False STOP SKIP Int Bool", TK_ID, TK_ID, TK_ID, TK_ID, TK_ID, TK_ID);
}

Test(lex, identifiers_with_primes_and_keyword_prefixes)
{
    static const char *const names[] = {
        "P'", "P''", "endmoduleX", "letter", "iff", "notx", "Timed2", "channels",
        "elsewhere", "x_1", "endmodule'", "thence", "within_", "orange", "andy", "printer",
        "trueish", "falsey", "include_me",
    };
    EXPECT_TOKS("P' P'' endmoduleX letter iff notx Timed2 channels elsewhere x_1 endmodule' "
                "thence within_ orange andy printer trueish falsey include_me",
                TK_ID, TK_ID, TK_ID, TK_ID, TK_ID, TK_ID, TK_ID, TK_ID, TK_ID, TK_ID, TK_ID,
                TK_ID, TK_ID, TK_ID, TK_ID, TK_ID, TK_ID, TK_ID, TK_ID);
    for (int i = 0; i < toks.n; i++)
        cr_assert_str_eq(toks.t[i].name->name, names[i]);
}

Test(lex, identifiers_are_interned)
{
    EXPECT_TOKS("abc x abc", TK_ID, TK_ID, TK_ID);
    cr_assert(toks.t[0].name == toks.t[2].name);
    cr_assert(toks.t[0].name != toks.t[1].name);
}

Test(lex, integers)
{
    EXPECT_TOKS("0 42 007 9223372036854775807", TK_INT, TK_INT, TK_INT, TK_INT);
    cr_assert_eq(toks.t[0].num, 0);
    cr_assert_eq(toks.t[1].num, 42);
    cr_assert_eq(toks.t[2].num, 7);
    cr_assert_eq(toks.t[3].num, INT64_MAX);
    /* No negative literals: unary minus. */
    EXPECT_TOKS("-3", TK_MINUS, TK_INT);
}

Test(lex, token_spans)
{
    EXPECT_TOKS("ab -> c", TK_ID, TK_ARROW, TK_ID);
    cr_assert_eq(toks.t[0].span.start, 0);
    cr_assert_eq(toks.t[0].span.end, 2);
    cr_assert_eq(toks.t[1].span.start, 3);
    cr_assert_eq(toks.t[1].span.end, 5);
    cr_assert_eq(toks.t[2].span.start, 6);
    cr_assert_eq(toks.t[2].span.end, 7);
}

Test(lex, token_names)
{
    cr_assert_str_eq(lex_token_name(0), "end of file");
    cr_assert_str_eq(lex_token_name(TK_ARROW), "'->'");
    cr_assert_str_eq(lex_token_name(TK_ID), "identifier");
    cr_assert_str_eq(lex_token_name(TK_NL), "end of line");
}

/* ---- comments ---- */

Test(lex, nested_block_comments)
{
    EXPECT_TOKS("a {- x {- y -} z -} b", TK_ID, TK_ID);
    EXPECT_TOKS("a {- {- -} -} b", TK_ID, TK_ID);
    EXPECT_TOKS("a {--} b", TK_ID, TK_ID);
    EXPECT_TOKS("a {- {- {- deep -} -} -}b", TK_ID, TK_ID);
    /* `--` has no meaning inside a block comment. */
    EXPECT_TOKS("a {- -- -} b", TK_ID, TK_ID);
    /* A comment spanning lines hides its newlines. */
    EXPECT_TOKS("a {- one\ntwo\n -} b", TK_ID, TK_ID);
}

Test(lex, line_comments)
{
    EXPECT_TOKS("a -- comment\nb", TK_ID, TK_NL, TK_ID);
    EXPECT_TOKS("a --{- not a block\nb", TK_ID, TK_NL, TK_ID);
    EXPECT_TOKS("-- only a comment", 0);         /* 0: an empty stream */
    EXPECT_TOKS("a -- comment at end of input", TK_ID);
    EXPECT_TOKS("a -- x\n-- y\n\n-- z\nb", TK_ID, TK_NL, TK_ID);
}

/* ---- character and string literals ---- */

#define EXPECT_STRING_TOKEN(tok, bytes) do {                                          \
        const Token *s_ = (tok);                                                      \
        size_t n_ = sizeof(bytes) - 1;                                                \
        cr_assert_eq(s_->len, n_, "decoded length %u, want %zu (\"%s\")",             \
                     s_->len, n_, shown(s_->str, s_->len));                           \
        cr_assert(memcmp(s_->str, (bytes), n_) == 0, "decoded \"%s\", want \"%s\"",   \
                  shown(s_->str, s_->len), shown((bytes), n_));                       \
    } while (0)

Test(lex, string_escapes)
{
    EXPECT_TOKS("\"a\\\"b\\\\c\\n\\t\\r\\q\"", TK_STRING);
    EXPECT_STRING_TOKEN(&toks.t[0], "a\"b\\c\n\t\rq");
    EXPECT_TOKS("\"\"", TK_STRING);
    cr_assert_eq(toks.t[0].len, 0);
    EXPECT_TOKS("\"it's\" 'x'", TK_STRING, TK_CHAR);
    EXPECT_STRING_TOKEN(&toks.t[0], "it's");
    /* A string may hold comment openers and `<`. */
    EXPECT_TOKS("\"{- -- <\"", TK_STRING);
    EXPECT_STRING_TOKEN(&toks.t[0], "{- -- <");
}

Test(lex, char_escapes)
{
    EXPECT_TOKS("'a' '\\n' '\\t' '\\r' '\\\\' '\\'' '\"' '\\q' ' '",
                TK_CHAR, TK_CHAR, TK_CHAR, TK_CHAR, TK_CHAR, TK_CHAR, TK_CHAR, TK_CHAR,
                TK_CHAR);
    static const int64_t want[] = { 'a', '\n', '\t', '\r', '\\', '\'', '"', 'q', ' ' };
    for (int i = 0; i < 9; i++)
        cr_assert_eq(toks.t[i].num, want[i], "char %d: %lld, want %lld", i,
                     (long long)toks.t[i].num, (long long)want[i]);
}

Test(lex, utf8_literals)
{
    EXPECT_TOKS("'\xC3\xA9' \"caf\xC3\xA9\" '\xE2\x86\x92'", TK_CHAR, TK_STRING, TK_CHAR);
    cr_assert_eq(toks.t[0].num, 0xE9);
    EXPECT_STRING_TOKEN(&toks.t[1], "caf\xC3\xA9");
    cr_assert_eq(toks.t[2].num, 0x2192);
}

Test(lex, windows_1252_literals)
{
    /* 0x93/0x94 are curly quotes U+201C/U+201D in Windows-1252. */
    EXPECT_TOKS("\"\x93hi\x94\"", TK_STRING);
    EXPECT_STRING_TOKEN(&toks.t[0], "\xE2\x80\x9Chi\xE2\x80\x9D");
    /* 0x80 is the euro sign; bytes from 0xA0 up are Latin-1. */
    EXPECT_TOKS("\"\x80 caf\xE9\"", TK_STRING);
    EXPECT_STRING_TOKEN(&toks.t[0], "\xE2\x82\xAC caf\xC3\xA9");
    EXPECT_TOKS("'\x93' '\xE9'", TK_CHAR, TK_CHAR);
    cr_assert_eq(toks.t[0].num, 0x201C);
    cr_assert_eq(toks.t[1].num, 0xE9);
    /* Windows-1252 bytes in a comment are skipped. */
    EXPECT_TOKS("a -- \x93quoted\x94\nb {- \x96 -} c", TK_ID, TK_NL, TK_ID, TK_ID);
}

Test(lex, crlf_line_endings)
{
    EXPECT_TOKS("P = a\r\n  -> P\r\nQ = \"s\" -- c\r\n\r\nR = b\r\n",
                TK_ID, TK_EQ, TK_ID, TK_ARROW, TK_ID, TK_NL, TK_ID, TK_EQ, TK_STRING, TK_NL,
                TK_ID, TK_EQ, TK_ID, TK_NL);
    EXPECT_STRING_TOKEN(find_tok(TK_STRING, 0), "s");
    /* The same stream as with bare newlines. */
    Toks crlf = toks;
    EXPECT_TOKS("P = a\n  -> P\nQ = \"s\" -- c\n\nR = b\n",
                TK_ID, TK_EQ, TK_ID, TK_ARROW, TK_ID, TK_NL, TK_ID, TK_EQ, TK_STRING, TK_NL,
                TK_ID, TK_EQ, TK_ID, TK_NL);
    for (int i = 0; i < toks.n; i++) cr_assert_eq(crlf.t[i].code, toks.t[i].code);
    EXPECT_TOKS("x = {- a\r\nb -} 1\r\n", TK_ID, TK_EQ, TK_INT, TK_NL);
}

/* ---- newline soaking ---- */

Test(lex, newlines_separate_declarations)
{
    EXPECT_TOKS("a = 1\nb = 2", TK_ID, TK_EQ, TK_INT, TK_NL, TK_ID, TK_EQ, TK_INT);
    /* Blank lines collapse; leading newlines vanish; a final one is kept. */
    EXPECT_TOKS("\n\n a\n\n\n b\n", TK_ID, TK_NL, TK_ID, TK_NL);
}

Test(lex, newline_soaked_after_operators)
{
    EXPECT_TOKS("P = a ->\n b", TK_ID, TK_EQ, TK_ID, TK_ARROW, TK_ID);
    EXPECT_TOKS("P =\n a", TK_ID, TK_EQ, TK_ID);
    EXPECT_TOKS("x = (a,\n b)", TK_ID, TK_EQ, TK_LPAREN, TK_ID, TK_COMMA, TK_ID, TK_RPAREN);
    EXPECT_TOKS("P = a []\n b", TK_ID, TK_EQ, TK_ID, TK_EXTCHOICE, TK_ID);
    EXPECT_TOKS("f(\n a)", TK_ID, TK_LPAREN, TK_ID, TK_RPAREN);
    EXPECT_TOKS("x = {\n1}", TK_ID, TK_EQ, TK_LBRACE, TK_INT, TK_RBRACE);
    EXPECT_TOKS("x = a and\n b", TK_ID, TK_EQ, TK_ID, TK_AND, TK_ID);
    EXPECT_TOKS("x = <\n1>", TK_ID, TK_EQ, TK_LSEQ, TK_INT, TK_RSEQ);
    EXPECT_TOKS("x = a <\n b", TK_ID, TK_EQ, TK_ID, TK_LT, TK_ID);
    EXPECT_TOKS("x = let\n y = 1\n within y",
                TK_ID, TK_EQ, TK_LET, TK_ID, TK_EQ, TK_INT, TK_WITHIN, TK_ID);
}

Test(lex, newline_soaked_before_operators)
{
    EXPECT_TOKS("P = a\n -> b", TK_ID, TK_EQ, TK_ID, TK_ARROW, TK_ID);
    EXPECT_TOKS("P = a\n[] b", TK_ID, TK_EQ, TK_ID, TK_EXTCHOICE, TK_ID);
    EXPECT_TOKS("f(a\n)", TK_ID, TK_LPAREN, TK_ID, TK_RPAREN);
    EXPECT_TOKS("x = <1, 2\n>", TK_ID, TK_EQ, TK_LSEQ, TK_INT, TK_COMMA, TK_INT, TK_RSEQ);
    EXPECT_TOKS("x = a\n> b", TK_ID, TK_EQ, TK_ID, TK_GT, TK_ID);
    EXPECT_TOKS("x = if a\nthen b\nelse c",
                TK_ID, TK_EQ, TK_IF, TK_ID, TK_THEN, TK_ID, TK_ELSE, TK_ID);
    EXPECT_TOKS("x = a\n== b", TK_ID, TK_EQ, TK_ID, TK_EQEQ, TK_ID);
    EXPECT_TOKS("x = {1\n}", TK_ID, TK_EQ, TK_LBRACE, TK_INT, TK_RBRACE);
    EXPECT_TOKS("P = Q\n [[a <- b]]", TK_ID, TK_EQ, TK_ID, TK_LRENAME, TK_ID, TK_LARROW,
                TK_ID, TK_RRENAME);
}

Test(lex, newline_kept_before_minus_and_less_than)
{
    EXPECT_TOKS("x = a\n-b", TK_ID, TK_EQ, TK_ID, TK_NL, TK_MINUS, TK_ID);
    EXPECT_TOKS("x = a\n<b>", TK_ID, TK_EQ, TK_ID, TK_NL, TK_LSEQ, TK_ID, TK_RSEQ);
    EXPECT_TOKS("x = a\n< b", TK_ID, TK_EQ, TK_ID, TK_NL, TK_LSEQ, TK_ID);
    /* A newline after `-` is soaked. */
    EXPECT_TOKS("x = 1-\n2", TK_ID, TK_EQ, TK_INT, TK_MINUS, TK_INT);
}

Test(lex, newline_kept_after_closers)
{
    EXPECT_TOKS("x = <1>\ny = 2", TK_ID, TK_EQ, TK_LSEQ, TK_INT, TK_RSEQ, TK_NL, TK_ID,
                TK_EQ, TK_INT);
    EXPECT_TOKS("P = Q[[a <- b]]\nR = S", TK_ID, TK_EQ, TK_ID, TK_LRENAME, TK_ID, TK_LARROW,
                TK_ID, TK_RRENAME, TK_NL, TK_ID, TK_EQ, TK_ID);
    EXPECT_TOKS("x = f(1)\ny = {}\nz = 1", TK_ID, TK_EQ, TK_ID, TK_LPAREN, TK_INT, TK_RPAREN,
                TK_NL, TK_ID, TK_EQ, TK_LBRACE, TK_RBRACE, TK_NL, TK_ID, TK_EQ, TK_INT);
}

/* ---- `<` and `>` ---- */

Test(lex, sequence_brackets)
{
    EXPECT_TOKS("<1,2>", TK_LSEQ, TK_INT, TK_COMMA, TK_INT, TK_RSEQ);
    EXPECT_TOKS("x = <a>", TK_ID, TK_EQ, TK_LSEQ, TK_ID, TK_RSEQ);
    EXPECT_TOKS("<<1>, <2>>", TK_LSEQ, TK_LSEQ, TK_INT, TK_RSEQ, TK_COMMA, TK_LSEQ, TK_INT,
                TK_RSEQ, TK_RSEQ);
    EXPECT_TOKS("f(<a>)", TK_ID, TK_LPAREN, TK_LSEQ, TK_ID, TK_RSEQ, TK_RPAREN);
    EXPECT_TOKS("{<1>}", TK_LBRACE, TK_LSEQ, TK_INT, TK_RSEQ, TK_RBRACE);
    EXPECT_TOKS("<1..3>", TK_LSEQ, TK_INT, TK_DOTDOT, TK_INT, TK_RSEQ);
    EXPECT_TOKS("if b then <1> else <2>", TK_IF, TK_ID, TK_THEN, TK_LSEQ, TK_INT, TK_RSEQ,
                TK_ELSE, TK_LSEQ, TK_INT, TK_RSEQ);
    EXPECT_TOKS("<x>^xs", TK_LSEQ, TK_ID, TK_RSEQ, TK_CAT, TK_ID);
}

Test(lex, comparisons)
{
    EXPECT_TOKS("a < b", TK_ID, TK_LT, TK_ID);
    EXPECT_TOKS("a > b", TK_ID, TK_GT, TK_ID);
    EXPECT_TOKS("(a < b)", TK_LPAREN, TK_ID, TK_LT, TK_ID, TK_RPAREN);
    EXPECT_TOKS("f(x) < 3", TK_ID, TK_LPAREN, TK_ID, TK_RPAREN, TK_LT, TK_INT);
    EXPECT_TOKS("1<2", TK_INT, TK_LT, TK_INT);
    EXPECT_TOKS("s <= t", TK_ID, TK_LE, TK_ID);
    EXPECT_TOKS("<1> < <2>", TK_LSEQ, TK_INT, TK_RSEQ, TK_LT, TK_LSEQ, TK_INT, TK_RSEQ);
    EXPECT_TOKS("#<1> > 0", TK_HASH, TK_LSEQ, TK_INT, TK_RSEQ, TK_GT, TK_INT);
    EXPECT_TOKS("{} < {1}", TK_LBRACE, TK_RBRACE, TK_LT, TK_LBRACE, TK_INT, TK_RBRACE);
    EXPECT_TOKS("true < x", TK_TRUE, TK_LT, TK_ID);
}

Test(lex, greater_than_closes_the_innermost_sequence)
{
    /* FDR's "shortest sequence" rule: the first `>` closes the sequence. */
    EXPECT_TOKS("<x | x <- xs, x > 2>",
                TK_LSEQ, TK_ID, TK_BAR, TK_ID, TK_LARROW, TK_ID, TK_COMMA, TK_ID, TK_RSEQ,
                TK_INT, TK_GT);
    /* Brackets open a new context in which `>` compares. */
    EXPECT_TOKS("<x | x <- xs, (x > 2)>",
                TK_LSEQ, TK_ID, TK_BAR, TK_ID, TK_LARROW, TK_ID, TK_COMMA, TK_LPAREN, TK_ID,
                TK_GT, TK_INT, TK_RPAREN, TK_RSEQ);
    EXPECT_TOKS("<{x | x <- s, x > 1}>",
                TK_LSEQ, TK_LBRACE, TK_ID, TK_BAR, TK_ID, TK_LARROW, TK_ID, TK_COMMA, TK_ID,
                TK_GT, TK_INT, TK_RBRACE, TK_RSEQ);
    EXPECT_TOKS("<x | x <- xs, 2 < x>",
                TK_LSEQ, TK_ID, TK_BAR, TK_ID, TK_LARROW, TK_ID, TK_COMMA, TK_INT, TK_LT,
                TK_ID, TK_RSEQ);
}

Test(lex, greater_equal_is_one_token)
{
    EXPECT_TOKS("a >= b", TK_ID, TK_GE, TK_ID);
    EXPECT_TOKS("<a >= b>", TK_LSEQ, TK_ID, TK_GE, TK_ID, TK_RSEQ);
    EXPECT_TOKS("a>=b", TK_ID, TK_GE, TK_ID);
}

Test(lex, empty_sequence)
{
    EXPECT_TOKS("<>", TK_EMPTYSEQ);
    EXPECT_TOKS("< >", TK_EMPTYSEQ);
    EXPECT_TOKS("<\t>", TK_EMPTYSEQ);
    EXPECT_TOKS("x = <> ^ s", TK_ID, TK_EQ, TK_EMPTYSEQ, TK_CAT, TK_ID);
    EXPECT_TOKS("<<>>", TK_LSEQ, TK_EMPTYSEQ, TK_RSEQ);
    EXPECT_TOKS("s == <>", TK_ID, TK_EQEQ, TK_EMPTYSEQ);
    /* `<>` ends an operand: the next `<` compares. */
    EXPECT_TOKS("<> < s", TK_EMPTYSEQ, TK_LT, TK_ID);
}

Test(lex, arrows_are_not_comparisons)
{
    EXPECT_TOKS("a<-b", TK_ID, TK_LARROW, TK_ID);
    EXPECT_TOKS("a<->b", TK_ID, TK_LINK, TK_ID);
    EXPECT_TOKS("a->b", TK_ID, TK_ARROW, TK_ID);
    /* Longest match: `<-1>` starts with `<-` (write `<(-1)>` or `< -1>`). */
    EXPECT_TOKS("<-1>", TK_LARROW, TK_INT, TK_GT);
    EXPECT_TOKS("< -1>", TK_LSEQ, TK_MINUS, TK_INT, TK_RSEQ);
    EXPECT_TOKS("x<-<1>", TK_ID, TK_LARROW, TK_LSEQ, TK_INT, TK_RSEQ);
}

/* ---- `::`, maps ---- */

Test(lex, colon_colon)
{
    EXPECT_TOKS("M::x", TK_ID, TK_COLONCOLON, TK_ID);
    EXPECT_TOKS("M::N::x", TK_ID, TK_COLONCOLON, TK_ID, TK_COLONCOLON, TK_ID);
    EXPECT_TOKS("f :: Int", TK_ID, TK_TYPEANN, TK_ID);
    EXPECT_TOKS("f ::Int", TK_ID, TK_TYPEANN, TK_ID);
    EXPECT_TOKS("f:: Int", TK_ID, TK_TYPEANN, TK_ID);
    EXPECT_TOKS("f\t::\tInt", TK_ID, TK_TYPEANN, TK_ID);
    EXPECT_TOKS("c?x:S", TK_ID, TK_QUESTION, TK_ID, TK_COLON, TK_ID);
}

Test(lex, map_brackets)
{
    EXPECT_TOKS("(| a => 1 |)", TK_LMAP, TK_ID, TK_DARROW, TK_INT, TK_RMAP);
    EXPECT_TOKS("(| |)", TK_LMAP, TK_RMAP);
    EXPECT_TOKS("(|\n a => 1 |)", TK_LMAP, TK_ID, TK_DARROW, TK_INT, TK_RMAP);
    /* Without a space `(|` is not a map opener. */
    EXPECT_TOKS("(||| x : S @ P)", TK_LPAREN, TK_INTERLEAVE, TK_ID, TK_COLON, TK_ID, TK_AT,
                TK_ID, TK_RPAREN);
    EXPECT_TOKS("(|~| x : S @ P)", TK_LPAREN, TK_INTCHOICE, TK_ID, TK_COLON, TK_ID, TK_AT,
                TK_ID, TK_RPAREN);
    EXPECT_TOKS("(|| x : S @ [A] P)", TK_LPAREN, TK_PARBARS, TK_ID, TK_COLON, TK_ID, TK_AT,
                TK_LBRACKET, TK_ID, TK_RBRACKET, TK_ID, TK_RPAREN);
}

/* ---- assertions ---- */

Test(lex, assert_not)
{
    EXPECT_TOKS("assert not P [T= Q", TK_ASSERT, TK_ASSERTNOT, TK_ID, TK_REFINES, TK_ID);
    EXPECT_TOKS("assert\n  not P [T= Q", TK_ASSERT, TK_ASSERTNOT, TK_ID, TK_REFINES, TK_ID);
    EXPECT_TOKS("assert {- c -} not P [T= Q", TK_ASSERT, TK_ASSERTNOT, TK_ID, TK_REFINES,
                TK_ID);
    EXPECT_TOKS("assert P [T= Q", TK_ASSERT, TK_ID, TK_REFINES, TK_ID);
    /* Elsewhere `not` is the boolean operator. */
    EXPECT_TOKS("x = not b", TK_ID, TK_EQ, TK_NOT, TK_ID);
    EXPECT_TOKS("assert not not b :[deterministic]", TK_ASSERT, TK_ASSERTNOT, TK_NOT, TK_ID,
                TK_LPROP, TK_P_DETERMINISTIC, TK_RPROP);
}

Test(lex, refinement_tokens)
{
    static const struct { const char *text; Model m; } cases[] = {
        { "P [T= Q", MODEL_T }, { "P [F= Q", MODEL_F }, { "P [FD= Q", MODEL_FD },
        { "P [R= Q", MODEL_R }, { "P [RD= Q", MODEL_RD }, { "P [V= Q", MODEL_V },
        { "P [VD= Q", MODEL_VD },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        EXPECT_TOKS(cases[i].text, TK_ID, TK_REFINES, TK_ID);
        cr_assert_eq(toks.t[1].num, cases[i].m, "%s: model %lld", cases[i].text,
                     (long long)toks.t[1].num);
    }
    EXPECT_TOKS("P[FD=Q", TK_ID, TK_REFINES, TK_ID);
    cr_assert_eq(toks.t[1].num, MODEL_FD);
}

Test(lex, deadlock_free)
{
    EXPECT_TOKS("assert P :[deadlock free]", TK_ASSERT, TK_ID, TK_LPROP, TK_P_DEADLOCK,
                TK_RPROP);
    EXPECT_TOKS("assert P :[deadlock-free]", TK_ASSERT, TK_ID, TK_LPROP, TK_P_DEADLOCK,
                TK_RPROP);
    EXPECT_TOKS("assert P :[ deadlock  free ]", TK_ASSERT, TK_ID, TK_LPROP, TK_P_DEADLOCK,
                TK_RPROP);
    EXPECT_TOKS("assert P :[deadlock free [FD]]", TK_ASSERT, TK_ID, TK_LPROP, TK_P_DEADLOCK,
                TK_MODEL, TK_RPROP);
    cr_assert_eq(find_tok(TK_MODEL, 0)->num, MODEL_FD);
}

Test(lex, divergence_free)
{
    static const char *const texts[] = {
        "assert P :[livelock free]", "assert P :[livelock-free]",
        "assert P :[divergence free]", "assert P :[divergence-free]",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        EXPECT_TOKS(texts[i], TK_ASSERT, TK_ID, TK_LPROP, TK_P_DIVERGENCE, TK_RPROP);
}

Test(lex, deterministic_and_models)
{
    static const struct { const char *text; Model m; } cases[] = {
        { "assert P :[deterministic [T]]", MODEL_T },
        { "assert P :[deterministic [F]]", MODEL_F },
        { "assert P :[deterministic [FD]]", MODEL_FD },
        { "assert P :[deterministic [R]]", MODEL_R },
        { "assert P :[deterministic [RD]]", MODEL_RD },
        { "assert P :[deterministic [V]]", MODEL_V },
        { "assert P :[deterministic [VD]]", MODEL_VD },
        { "assert P :[deterministic [ FD ]]", MODEL_FD },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        EXPECT_TOKS(cases[i].text, TK_ASSERT, TK_ID, TK_LPROP, TK_P_DETERMINISTIC, TK_MODEL,
                    TK_RPROP);
        cr_assert_eq(toks.t[4].num, cases[i].m, "%s: model %lld", cases[i].text,
                     (long long)toks.t[4].num);
    }
    EXPECT_TOKS("assert P :[deterministic]", TK_ASSERT, TK_ID, TK_LPROP, TK_P_DETERMINISTIC,
                TK_RPROP);
}

Test(lex, has_trace)
{
    EXPECT_TOKS("assert P :[has trace]: <a>", TK_ASSERT, TK_ID, TK_LPROP, TK_P_HASTRACE,
                TK_RPROPCOLON, TK_LSEQ, TK_ID, TK_RSEQ);
    EXPECT_TOKS("assert P :[has trace [T]]: <a, b>", TK_ASSERT, TK_ID, TK_LPROP,
                TK_P_HASTRACE, TK_MODEL, TK_RPROPCOLON, TK_LSEQ, TK_ID, TK_COMMA, TK_ID,
                TK_RSEQ);
    cr_assert_eq(find_tok(TK_MODEL, 0)->num, MODEL_T);
    EXPECT_TOKS("assert P :[has-trace]: <>", TK_ASSERT, TK_ID, TK_LPROP, TK_P_HASTRACE,
                TK_RPROPCOLON, TK_EMPTYSEQ);
}

Test(lex, tau_priority)
{
    EXPECT_TOKS("assert P [T= Q :[tau priority]: {tock}", TK_ASSERT, TK_ID, TK_REFINES, TK_ID,
                TK_LPROP, TK_P_TAU, TK_RPROPCOLON, TK_LBRACE, TK_ID, TK_RBRACE);
    cr_assert_eq(find_tok(TK_P_TAU, 0)->num, 0);
    EXPECT_TOKS("assert P [T= Q :[tau priority over]: {tock}", TK_ASSERT, TK_ID, TK_REFINES,
                TK_ID, TK_LPROP, TK_P_TAU, TK_RPROPCOLON, TK_LBRACE, TK_ID, TK_RBRACE);
    cr_assert_eq(find_tok(TK_P_TAU, 0)->num, 1);
    EXPECT_TOKS("assert P [T= Q :[tau-priority-over]: {tock}", TK_ASSERT, TK_ID, TK_REFINES,
                TK_ID, TK_LPROP, TK_P_TAU, TK_RPROPCOLON, TK_LBRACE, TK_ID, TK_RBRACE);
    cr_assert_eq(find_tok(TK_P_TAU, 0)->num, 1);
}

Test(lex, partial_order_reduce)
{
    EXPECT_TOKS("assert P :[deadlock free] :[partial order reduce]", TK_ASSERT, TK_ID,
                TK_LPROP, TK_P_DEADLOCK, TK_RPROP, TK_LPROP, TK_P_POR, TK_RPROP);
    EXPECT_TOKS("assert P :[deadlock free]:[partial order reduce [diamond]]", TK_ASSERT, TK_ID,
                TK_LPROP, TK_P_DEADLOCK, TK_RPROP, TK_LPROP, TK_P_POR, TK_PROPARG, TK_RPROP);
    cr_assert_str_eq(find_tok(TK_PROPARG, 0)->name->name, "diamond");
    EXPECT_TOKS("assert P :[deadlock free] :[partial-order-reduce]", TK_ASSERT, TK_ID,
                TK_LPROP, TK_P_DEADLOCK, TK_RPROP, TK_LPROP, TK_P_POR, TK_RPROP);
}

Test(lex, prop_state_ends_at_bracket)
{
    /* After `]` the normal lexer resumes: newlines separate again, and
     * `deadlock` is an identifier. */
    EXPECT_TOKS("assert P :[deterministic]\ndeadlock = a", TK_ASSERT, TK_ID, TK_LPROP,
                TK_P_DETERMINISTIC, TK_RPROP, TK_NL, TK_ID, TK_EQ, TK_ID);
    /* `]:` followed by an expression, `] :[` followed by another option. */
    EXPECT_TOKS("assert P [T= Q :[tau priority]:{a} :[partial order reduce]",
                TK_ASSERT, TK_ID, TK_REFINES, TK_ID, TK_LPROP, TK_P_TAU, TK_RPROPCOLON,
                TK_LBRACE, TK_ID, TK_RBRACE, TK_LPROP, TK_P_POR, TK_RPROP);
    EXPECT_TOKS("assert P :[has trace] : <a>", TK_ASSERT, TK_ID, TK_LPROP, TK_P_HASTRACE,
                TK_RPROPCOLON, TK_LSEQ, TK_ID, TK_RSEQ);
    /* Outside the property state the phrases are plain identifiers. */
    EXPECT_TOKS("deadlock free", TK_ID, TK_ID);
}

Test(lex, prop_state_comments_and_newlines)
{
    EXPECT_TOKS("assert P :[ {- c -} deadlock free -- x\n [F] ]", TK_ASSERT, TK_ID, TK_LPROP,
                TK_P_DEADLOCK, TK_MODEL, TK_RPROP);
}

Test(lex, bad_property)
{
    EXPECT_BAD("assert P :[deadlock]", "assertion property");
}

/* ---- malformed input ---- */

Test(lex, unterminated_string)
{
    EXPECT_BAD("x = \"abc", "unterminated string literal");
    cr_assert_eq(toks.t[0].code, TK_ID);
    cr_assert_eq(toks.t[2].code, TK_BADTOKEN);
    cr_assert_eq(toks.t[2].span.start, 4);
}

Test(lex, newline_in_string)
{
    EXPECT_BAD("x = \"ab\ncd\"\n", "newline in string literal");
    EXPECT_BAD("x = \"ab\r\ncd\"\r\n", "newline in string literal");
}

Test(lex, bad_char_literals)
{
    EXPECT_BAD("x = 'a", "unterminated character literal");
    EXPECT_BAD("x = 'ab'", "exactly one character");
}

Test(lex, stray_backtick)
{
    EXPECT_BAD("a ` b", "unexpected character '`'");
    EXPECT_TOKS("a ` b", TK_ID, TK_BADTOKEN, TK_ID);
    cr_assert_eq(toks.t[1].span.start, 2);
    cr_assert_eq(toks.t[1].span.end, 3);
}

Test(lex, non_ascii_outside_literals)
{
    EXPECT_BAD("P = a \xE2\x86\x92 P", "non-ASCII byte 0xE2");
    EXPECT_BAD("P = \x93", "non-ASCII byte 0x93");
}

Test(lex, nul_byte)
{
    static const char text[] = "a \0 b";
    EXPECT_BAD_N(text, 5, "NUL");
    EXPECT_TOKS_N(text, 5, TK_ID, TK_BADTOKEN, TK_ID);
    static const char in_string[] = "x = \"a\0b\"";
    /* One error at the NUL itself (not "unterminated string"), then lexing
     * goes on after it. */
    EXPECT_TOKS_N(in_string, 9, TK_ID, TK_EQ, TK_BADTOKEN, TK_ID, TK_BADTOKEN);
    EXPECT_BAD_N(in_string, 9, "NUL byte in a string literal");
    static const char in_char[] = "c = 'a\0'";
    EXPECT_BAD_N(in_char, 8, "NUL byte in a character literal");
    static const char in_comment[] = "P -- a\0b\nQ";
    EXPECT_BAD_N(in_comment, 10, "NUL byte in a comment");
    static const char comment_at_end[] = "P -- no newline";
    EXPECT_TOKS_N(comment_at_end, sizeof comment_at_end - 1, TK_ID);
}

Test(lex, unterminated_comment)
{
    EXPECT_BAD("a {- b", "unterminated comment");
    EXPECT_BAD("a {- {- b -}", "unterminated comment");
    EXPECT_TOKS("a {- {- b -}", TK_ID, TK_BADTOKEN);
}

Test(lex, unclosed_brace_minus_digit_is_a_set)
{
    /* MANUAL.md: `{-1, 2}` with no `-}` after it reads as a set. */
    EXPECT_TOKS("x = {-1, 2}", TK_ID, TK_EQ, TK_LBRACE, TK_MINUS, TK_INT, TK_COMMA, TK_INT,
                TK_RBRACE);
}

Test(lex, comment_ends_after_an_unclosed_brace_minus)
{
    /* After the first unclosed `{-`, later ones are looked up in a table
     * built in one pass; it must agree with scanning each one afresh. The
     * `{- c -}` nested in the first one's scan still closes on its own. */
    EXPECT_TOKS("x = {-1}\ny = {- c -} 2\nz = {-3}",
                TK_ID, TK_EQ, TK_LBRACE, TK_MINUS, TK_INT, TK_RBRACE, TK_NL,
                TK_ID, TK_EQ, TK_INT, TK_NL,
                TK_ID, TK_EQ, TK_LBRACE, TK_MINUS, TK_INT, TK_RBRACE);
    /* `{-2 ... -}` closes though `{-1` before it does not. */
    EXPECT_TOKS("x = {-1}\n{-2 -}\ny = 3", TK_ID, TK_EQ, TK_LBRACE, TK_MINUS, TK_INT,
                TK_RBRACE, TK_NL, TK_ID, TK_EQ, TK_INT);
    /* An unclosed `{-` that is not before a digit is still an error. */
    EXPECT_BAD("x = {-1}\ny = {- z", "unterminated comment");
}

Test(lex, integer_overflow)
{
    EXPECT_BAD("x = 9223372036854775808", "integer literal too large");
    EXPECT_BAD("x = 99999999999999999999999", "integer literal too large");
    EXPECT_TOKS("x = 9223372036854775807", TK_ID, TK_EQ, TK_INT);
    cr_assert_eq(toks.t[2].num, INT64_MAX);
}

Test(lex, bad_tokens_do_not_write_diagnostics)
{
    /* The parser reports a BADTOKEN; the lexer itself stays silent. */
    EXPECT_BAD("a ` b", "unexpected");
    cr_assert_eq(in->diag.n_errors, 0);
}

/* ---- more soaking, brackets and line starts ---- */

Test(lex, newline_soaking_keywords_and_separators)
{
    EXPECT_TOKS("x = if a then\n b else\n c", TK_ID, TK_EQ, TK_IF, TK_ID, TK_THEN, TK_ID,
                TK_ELSE, TK_ID);
    EXPECT_TOKS("datatype T = A\n  | B\n  | C", TK_DATATYPE, TK_ID, TK_EQ, TK_ID, TK_BAR,
                TK_ID, TK_BAR, TK_ID);
    EXPECT_TOKS("P = [] x : S @\n  a -> P", TK_ID, TK_EQ, TK_EXTCHOICE, TK_ID, TK_COLON, TK_ID,
                TK_AT, TK_ID, TK_ARROW, TK_ID);
    EXPECT_TOKS("assert\n P\n [T= Q", TK_ASSERT, TK_ID, TK_REFINES, TK_ID);
    EXPECT_TOKS("assert P\n  :[deadlock free]\nx = 1", TK_ASSERT, TK_ID, TK_LPROP,
                TK_P_DEADLOCK, TK_RPROP, TK_NL, TK_ID, TK_EQ, TK_INT);
    EXPECT_TOKS("f\n  :: Int", TK_ID, TK_TYPEANN, TK_ID);
    EXPECT_TOKS("P = Q\n  \\ {a}", TK_ID, TK_EQ, TK_ID, TK_BACKSLASH, TK_LBRACE, TK_ID,
                TK_RBRACE);
    EXPECT_TOKS("P = Q [|\n A\n |] R", TK_ID, TK_EQ, TK_ID, TK_LPAR, TK_ID, TK_RPAR, TK_ID);
    EXPECT_TOKS("x = c\n  .1", TK_ID, TK_EQ, TK_ID, TK_DOT, TK_INT);
}

Test(lex, productions_inside_parallel)
{
    EXPECT_TOKS("P [| {| c |} |] Q", TK_ID, TK_LPAR, TK_LPROD, TK_ID, TK_RPROD, TK_RPAR, TK_ID);
    EXPECT_TOKS("P[|{|c|}|]Q", TK_ID, TK_LPAR, TK_LPROD, TK_ID, TK_RPROD, TK_RPAR, TK_ID);
    EXPECT_TOKS("{| c.x | x <- S |}", TK_LPROD, TK_ID, TK_DOT, TK_ID, TK_BAR, TK_ID, TK_LARROW,
                TK_ID, TK_RPROD);
}

Test(lex, sequences_inside_process_brackets)
{
    /* `>` inside `[| |]` within a sequence compares; the last one closes. */
    EXPECT_TOKS("<P [| {x | x <- A, x > 0} |] Q>", TK_LSEQ, TK_ID, TK_LPAR, TK_LBRACE, TK_ID,
                TK_BAR, TK_ID, TK_LARROW, TK_ID, TK_COMMA, TK_ID, TK_GT, TK_INT, TK_RBRACE,
                TK_RPAR, TK_ID, TK_RSEQ);
    EXPECT_TOKS("[c.x <-> d.x | x <- <1,2>] y : <1> @ P", TK_LBRACKET, TK_ID, TK_DOT, TK_ID,
                TK_LINK, TK_ID, TK_DOT, TK_ID, TK_BAR, TK_ID, TK_LARROW, TK_LSEQ, TK_INT,
                TK_COMMA, TK_INT, TK_RSEQ, TK_RBRACKET, TK_ID, TK_COLON, TK_LSEQ, TK_INT,
                TK_RSEQ, TK_AT, TK_ID);
}

Test(lex, primes_next_to_char_literals)
{
    EXPECT_TOKS("g(x') = 'c'", TK_ID, TK_LPAREN, TK_ID, TK_RPAREN, TK_EQ, TK_CHAR);
    cr_assert_str_eq(toks.t[2].name->name, "x'");
    cr_assert_eq(toks.t[5].num, 'c');
    EXPECT_TOKS("f(')', ',')", TK_ID, TK_LPAREN, TK_CHAR, TK_COMMA, TK_CHAR, TK_RPAREN);
}

Test(lex, at_line_start)
{
    uint32_t file = src_add_text(in->src, "lex.csp", "a\n  b\nc\n", 8);
    Lexer *lx = lex_new(in->src, in->syms, &in->diag, in->load, file);
    Token t;
    lex_next(lx, &t);
    cr_assert_eq(t.code, TK_ID);
    cr_assert(lex_at_line_start(lx), "'a' starts line 1");
    lex_next(lx, &t);
    cr_assert_eq(t.code, TK_NL);
    lex_next(lx, &t);
    cr_assert_eq(t.code, TK_ID);
    cr_assert(!lex_at_line_start(lx), "'b' is indented");
    lex_next(lx, &t);
    cr_assert_eq(t.code, TK_NL);
    lex_next(lx, &t);
    cr_assert_eq(t.code, TK_ID);
    cr_assert(lex_at_line_start(lx), "'c' starts line 3");
    lex_free(lx);
}

Test(lex, include_must_start_a_line)
{
    EXPECT_BAD("x = 1 include \"f.csp\"", "'include' must start a line");
    EXPECT_BAD("include\n", "file name in double quotes");
}

Test(lex, missing_include_is_reported_and_skipped)
{
    EXPECT_TOKS("include \"no/such/dir/file.csp\"\nx = 1", TK_ID, TK_EQ, TK_INT);
    cr_assert_eq(in->diag.n_errors, 1);
    cr_assert(strstr(diag_text(), "cannot read included file 'no/such/dir/file.csp'") != NULL,
              "diagnostic: %s", diag_text());
}

/* Regression (fixed): the lexer's bracket-context stack survives a declaration boundary.
 * An unclosed `<` in one definition (a syntax error, reported) leaves a
 * sequence context open, so the first `>` of the next definition lexes as
 * a sequence closer and the parser reports a second, spurious error
 * ("unexpected '>'"). Expected: the newline that ends a declaration (one
 * that is not soaked) resets the context, and `y = a > b` lexes with TK_GT. */
Test(lex, unclosed_sequence_does_not_leak_into_next_declaration)
{
    EXPECT_TOKS("x = <1, 2\ny = a > b", TK_ID, TK_EQ, TK_LSEQ, TK_INT, TK_COMMA, TK_INT,
                TK_NL, TK_ID, TK_EQ, TK_ID, TK_GT, TK_ID);
}

/* Regression (fixed): `]]` is missing from ends_operand, so a `<` after a renaming opens a
 * sequence instead of comparing (LANGUAGE.md §1.1: `<` compares after a
 * token that can end an operand). The canonical printer drops the brackets
 * of `(P[[a <- b]]) < Q` (a renaming is atomic), so that tree does not
 * survive a round trip: the printed `P[[a <- b]] < Q` is a syntax error. */
Test(lex, less_than_after_renaming_compares)
{
    EXPECT_TOKS("P[[a <- b]] < Q", TK_ID, TK_LRENAME, TK_ID, TK_LARROW, TK_ID, TK_RRENAME,
                TK_LT, TK_ID);
}
