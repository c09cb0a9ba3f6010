/* lex.h - bytes to tokens (body generated from grammar/lexer.re).
 * A Lexer reads one script and the files it includes, and yields the token
 * stream the grammar expects: newlines that a neighbouring token soaks are
 * dropped (LANGUAGE.md §1.1), `<`/`>` are told apart as sequence brackets or
 * comparisons, `assert not` and the assertion sub-language are recognised.
 * Malformed input becomes a TK_BADTOKEN whose `msg` says what is wrong; the
 * parser reports it. Include problems (missing file, cycle) are reported to
 * the Diag directly. Token strings live in the arena given to lex_new.
 */
#ifndef CSP_LEX_H
#define CSP_LEX_H

#include "arena.h"
#include "diag.h"
#include "src.h"
#include "sym.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct Token {
    int code;           /* TK_* from grammar.h; 0 at end of input */
    Span span;
    union {
        const Sym *name;            /* TK_ID, TK_PROPARG */
        int64_t num;                /* TK_INT, TK_CHAR, TK_REFINES/TK_MODEL (Model, ast.h), TK_P_TAU (1: over) */
        struct { const char *str; uint32_t len; };  /* TK_STRING (UTF-8) */
        const char *msg;            /* TK_BADTOKEN */
    };
    int64_t num2;       /* parser scratch (model of a property) */
} Token;

typedef struct Lexer Lexer;

/* Lexes text `file` of src. `syms` interns identifiers; `arena` keeps
 * decoded strings. All are borrowed and must outlive the lexer. */
Lexer *lex_new(SrcSet *src, SymTable *syms, Diag *diag, Arena *arena, uint32_t file);
void lex_free(Lexer *lx);
/* The next token of the filtered stream. */
void lex_next(Lexer *lx, Token *out);
/* True when the last token returned began a line (its file's column 1). */
bool lex_at_line_start(const Lexer *lx);
/* Human name of a token code: "'->'", "identifier", "end of file". */
const char *lex_token_name(int code);

#endif
