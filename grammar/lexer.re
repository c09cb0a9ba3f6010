/* lexer.re - the CSPM lexer (LANGUAGE.md §1.1), compiled by re2c into
 * build/gen/lexer.c. See lex.h for what the token stream guarantees.
 * The raw scanner (scan) produces every token including newlines and
 * classifies `<`/`>`; lex_next filters out soaked newlines.
 */
#define _XOPEN_SOURCE 700
#include "lex.h"

#include "ast.h"         /* Model: the models of [T= and [F] */
#include "grammar.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_INCLUDE_DEPTH = 64 };
enum { CTX_SEQ = 1, CTX_OTHER = 2 };          /* open-bracket kinds on the context stack */
enum { SOAK_BEFORE = 1, SOAK_AFTER = 2 };
enum { NL_NONE, NL_SOFT, NL_HARD };

/* Where each block comment of a text ends, worked out in one pass once a
 * `{-` was found unclosed: then every `{-` read as `{` (before a digit,
 * see MANUAL §6) would scan to the end of the text again, and 80,000
 * lines `S = {-1}` took 90 s. */
typedef struct {
    uint32_t *open, *end;   /* offsets of each `{-` after the first unclosed one, in
                             * order, and of the end of its comment (NO_END: none) */
    uint32_t n, cap;
    bool built;
} CommentEnds;
#define NO_END UINT32_MAX

typedef struct {
    uint32_t file;
    const unsigned char *base, *cur, *lim;   /* lim points at the trailing NUL */
    char *real;                              /* realpath, for include cycles */
    CommentEnds comments;
} Frame;

struct Lexer {
    SrcSet *src;
    SymTable *syms;
    Diag *diag;
    Arena *arena;
    Frame frames[MAX_INCLUDE_DEPTH];
    int depth;
    bool in_prop;           /* inside `:[ ... ]` */
    int prev;               /* last non-newline token the scanner produced */
    bool nl_seen;           /* a newline since prev */
    bool hard_nl;           /* the newline just scanned is an include boundary */
    uint8_t *ctx;           /* open brackets, innermost last */
    uint32_t n_ctx, cap_ctx;
    uint32_t ctx_base;      /* n_ctx before the last token was scanned */
    int last_emitted;       /* filter state */
    int pending_nl;
    Span nl_span;
    bool have_peek;
    Token peek;
    bool at_line_start;
    char *buf;              /* literal decoding */
    size_t buf_len, buf_cap;
};

/* ---- helpers ---- */

static Span span_of(Lexer *lx, const unsigned char *from, const unsigned char *to)
{
    Frame *f = &lx->frames[lx->depth - 1];
    return (Span){ f->file, (uint32_t)(from - f->base), (uint32_t)(to - f->base) };
}

static int bad(Lexer *lx, Token *t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(Lexer *lx, Token *t, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    t->msg = arena_strndup(lx->arena, msg, strlen(msg));
    return TK_BADTOKEN;
}

static void ctx_push(Lexer *lx, uint8_t kind)
{
    if (lx->n_ctx == lx->cap_ctx) {
        lx->cap_ctx = lx->cap_ctx ? lx->cap_ctx * 2 : 64;
        lx->ctx = xrealloc(lx->ctx, lx->cap_ctx);
    }
    lx->ctx[lx->n_ctx++] = kind;
}

static void ctx_pop(Lexer *lx)
{
    if (lx->n_ctx) lx->n_ctx--;
}

static bool in_seq(const Lexer *lx)
{
    return lx->n_ctx && lx->ctx[lx->n_ctx - 1] == CTX_SEQ;
}

/* Tokens after which `<` is a comparison rather than an opening bracket. */
static bool ends_operand(int code)
{
    switch (code) {
    case TK_ID: case TK_INT: case TK_CHAR: case TK_STRING: case TK_TRUE: case TK_FALSE:
    case TK_RPAREN: case TK_RBRACE: case TK_RPROD: case TK_RSEQ: case TK_EMPTYSEQ:
    case TK_RMAP: case TK_UNDERSCORE: case TK_RRENAME:
        return true;
    default:
        return false;
    }
}

/* Which side of a token a newline may be soaked on (LANGUAGE.md §1.1). */
static unsigned soaks(int code)
{
    switch (code) {
    case TK_ARROW: case TK_LARROW: case TK_LINK: case TK_EXTCHOICE: case TK_INTCHOICE:
    case TK_INTERLEAVE: case TK_PARBARS: case TK_INTERRUPT: case TK_TIMEOUT: case TK_EXCEPTR:
    case TK_SEMI: case TK_AMP: case TK_PROJECT: case TK_EQEQ: case TK_NE: case TK_LE:
    case TK_GE: case TK_PLUS: case TK_STAR: case TK_SLASH: case TK_PERCENT: case TK_CAT:
    case TK_COMMA: case TK_DOTDOT: case TK_DOT: case TK_QUESTION: case TK_BANG:
    case TK_DOLLAR: case TK_EQ: case TK_DARROW: case TK_DARROWSTAR: case TK_AT: case TK_ATAT:
    case TK_BACKSLASH: case TK_LRENAME: case TK_LPAR: case TK_RPAR:
    case TK_LBRACKET: case TK_RBRACKET: case TK_LSYNC: case TK_RSYNC: case TK_LSYNCINT:
    case TK_RSYNCINT: case TK_BAR: case TK_COLON: case TK_COLONCOLON: case TK_TYPEANN:
    case TK_REFINES: case TK_LPROP: case TK_RPROPCOLON: case TK_AND: case TK_OR: case TK_NOT:
    case TK_IF: case TK_THEN: case TK_ELSE: case TK_LET: case TK_WITHIN:
        return SOAK_BEFORE | SOAK_AFTER;
    case TK_LPAREN: case TK_LBRACE: case TK_LPROD: case TK_LMAP: case TK_LSEQ: case TK_LT:
    case TK_MINUS: case TK_HASH: case TK_ASSERT: case TK_ASSERTNOT: case TK_CHANNEL:
    case TK_DATATYPE: case TK_SUBTYPE: case TK_NAMETYPE: case TK_EXTERNAL: case TK_TRANSPARENT:
        return SOAK_AFTER;
    case TK_RPAREN: case TK_RBRACE: case TK_RPROD: case TK_RMAP: case TK_GT: case TK_RSEQ:
    case TK_RRENAME:    /* `]]` may end a definition, so it soaks only before */
        return SOAK_BEFORE;
    default:
        return 0;
    }
}

/* Windows-1252 code points for bytes 0x80-0x9F (others map to Latin-1). */
static const uint16_t cp1252[32] = {
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
};

static void buf_put(Lexer *lx, const char *p, size_t n)
{
    if (lx->buf_len + n > lx->buf_cap) {
        lx->buf_cap = (lx->buf_len + n) * 2 + 64;
        lx->buf = xrealloc(lx->buf, lx->buf_cap);
    }
    memcpy(lx->buf + lx->buf_len, p, n);
    lx->buf_len += n;
}

static void buf_put_cp(Lexer *lx, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) { u[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { u[0] = (char)(0xC0 | cp >> 6); u[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    buf_put(lx, u, n);
}

/* Length of a valid UTF-8 sequence at p (before e) and its code point; 0 if invalid. */
static int utf8_seq(const unsigned char *p, const unsigned char *e, uint32_t *cp)
{
    int n;
    uint32_t c = p[0], min;
    if (c < 0x80) { *cp = c; return 1; }
    if ((c & 0xE0) == 0xC0) { n = 2; c &= 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { n = 3; c &= 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { n = 4; c &= 0x07; min = 0x10000; }
    else return 0;
    if (e - p < n) return 0;
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        c = c << 6 | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return n;
}

/* Decodes the body of a literal [s, e) into lx->buf as UTF-8: escapes
 * \n \t \r, any other escaped character stands for itself; bytes that are
 * not UTF-8 are read as Windows-1252. Returns the number of characters. */
static size_t decode_literal(Lexer *lx, const unsigned char *s, const unsigned char *e,
                             uint32_t *first)
{
    size_t n_chars = 0;
    lx->buf_len = 0;
    while (s < e) {
        uint32_t cp;
        if (*s == '\\' && s + 1 < e) {
            s++;
            if (*s == 'n') { cp = '\n'; s++; }
            else if (*s == 't') { cp = '\t'; s++; }
            else if (*s == 'r') { cp = '\r'; s++; }
            else goto plain;
        } else {
        plain:;
            int k = utf8_seq(s, e, &cp);
            if (k) s += k;
            else { cp = *s < 0xA0 ? cp1252[*s - 0x80] : *s; s++; }
        }
        if (n_chars == 0) *first = cp;
        n_chars++;
        buf_put_cp(lx, cp);
    }
    return n_chars;
}

/* A literal's body stopped at p without its closing quote: the NUL byte
 * that stopped it (p, or just after an escaping backslash), or NULL when
 * it stopped at a line end or the end of the text. For a character
 * literal, also looks a few bytes further (`'a<NUL>'`). */
static const unsigned char *nul_in_literal(const Frame *f, const unsigned char *p, char quote)
{
    enum { CHAR_LOOKAHEAD = 8 };   /* an escape and a 4-byte character, with room */
    const unsigned char *stop = quote == '"' ? p + 2 : p + CHAR_LOOKAHEAD;
    for (; p < f->lim && p < stop; p++) {
        if (*p == 0) return p;
        if (*p == '\n' || *p == (unsigned char)quote) return NULL;
    }
    return NULL;
}

static bool starts_line(const Frame *f, const unsigned char *tok)
{
    const unsigned char *p = tok;
    while (p > f->base && (p[-1] == ' ' || p[-1] == '\t')) p--;
    return p == f->base || p[-1] == '\n';
}

/* Pushes an included file; reports and returns false when it cannot. */
static bool push_include(Lexer *lx, const unsigned char *name, size_t len, Span at)
{
    Frame *cur = &lx->frames[lx->depth - 1];
    const char *from = src_name(lx->src, cur->file);
    const char *slash = strrchr(from, '/');
    size_t dir_len = (name[0] == '/' || !slash) ? 0 : (size_t)(slash - from + 1);
    char *path = xmalloc(dir_len + len + 1);
    memcpy(path, from, dir_len);
    memcpy(path + dir_len, name, len);
    path[dir_len + len] = 0;
    if (lx->depth == MAX_INCLUDE_DEPTH) {
        diag_error(lx->diag, at, "includes nested more than %d deep", MAX_INCLUDE_DEPTH);
        free(path);
        return false;
    }
    char *real = realpath(path, NULL);
    for (int i = 0; real && i < lx->depth; i++) {
        if (lx->frames[i].real && strcmp(lx->frames[i].real, real) == 0) {
            diag_error(lx->diag, at, "include cycle: '%s' is already being read", path);
            free(real);
            free(path);
            return false;
        }
    }
    int id = real ? src_load_file(lx->src, path) : -1;
    if (id < 0) {
        diag_error(lx->diag, at, "cannot read included file '%s': %s", path,
                   real ? src_load_error(lx->src) : strerror(errno));
        free(real);
        free(path);
        return false;
    }
    free(path);
    Frame *f = &lx->frames[lx->depth++];
    f->file = (uint32_t)id;
    f->base = f->cur = (const unsigned char *)src_text(lx->src, (uint32_t)id);
    f->lim = f->base + src_len(lx->src, (uint32_t)id);
    f->real = real;
    return true;
}

static int keyword_or_id(Lexer *lx, Token *t, const unsigned char *s, const unsigned char *e)
{
    t->name = sym_intern(lx->syms, (const char *)s, (size_t)(e - s));
    return TK_ID;
}

/* Skips a nested block comment whose `{-` ends at p; returns the position
 * after it, or NULL when it is not closed. */
static const unsigned char *skip_block_comment(const unsigned char *p, const unsigned char *lim)
{
    int depth = 1;
    while (p < lim) {
        if (p[0] == '{' && p[1] == '-') { depth++; p += 2; }
        else if (p[0] == '-' && p[1] == '}') { p += 2; if (--depth == 0) return p; }
        else p++;
    }
    return NULL;
}


static void comment_ends_free(CommentEnds *c)
{
    free(c->open);
    free(c->end);
    memset(c, 0, sizeof *c);
}

/* Matches every `{-` from `from` on with its `-}` as skip_block_comment
 * would (a `-}` closes the innermost open one), in one pass with a stack. */
static void comment_ends_build(Frame *f, const unsigned char *from)
{
    CommentEnds *c = &f->comments;
    uint32_t *stack = NULL, depth = 0, cap_stack = 0;
    c->built = true;
    for (const unsigned char *p = from; p < f->lim;) {
        if (p[0] == '{' && p[1] == '-') {
            if (c->n == c->cap) {
                c->cap = c->cap ? c->cap * 2 : 64;
                c->open = xrealloc(c->open, c->cap * sizeof *c->open);
                c->end = xrealloc(c->end, c->cap * sizeof *c->end);
            }
            if (depth == cap_stack) {
                cap_stack = cap_stack ? cap_stack * 2 : 64;
                stack = xrealloc(stack, cap_stack * sizeof *stack);
            }
            c->open[c->n] = (uint32_t)(p - f->base);
            c->end[c->n] = NO_END;
            stack[depth++] = c->n++;
            p += 2;
        } else if (p[0] == '-' && p[1] == '}') {
            p += 2;
            if (depth) c->end[stack[--depth]] = (uint32_t)(p - f->base);
        } else {
            p++;
        }
    }
    free(stack);
}

/* The end of the block comment opened by the `{-` at tok, or NULL when it
 * is never closed. */
static const unsigned char *block_comment_end(Frame *f, const unsigned char *tok)
{
    CommentEnds *c = &f->comments;
    uint32_t at = (uint32_t)(tok - f->base), lo = 0, hi = c->n;
    while (lo < hi) {   /* the `{-` at tok in the table, if it is there */
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->open[mid] < at) lo = mid + 1; else hi = mid;
    }
    if (lo < c->n && c->open[lo] == at)
        return c->end[lo] == NO_END ? NULL : f->base + c->end[lo];
    const unsigned char *e = skip_block_comment(tok + 2, f->lim);
    if (!e && !c->built) comment_ends_build(f, tok);
    return e;
}

/* The prop state: inside `:[ ... ]` of an assertion (LANGUAGE.md §3.1). */
static int scan_prop(Lexer *lx, Token *t, const unsigned char **cursor)
{
    Frame *f = &lx->frames[lx->depth - 1];
    const unsigned char *YYCURSOR = *cursor, *YYMARKER = YYCURSOR, *tok;
    int code;
loop:
    tok = YYCURSOR;
    /*!re2c
        re2c:define:YYCTYPE = "unsigned char";
        re2c:yyfill:enable = 0;
        ws = [ \t\r\f\v\n];
        sp = [ \t]+ | [ \t]* "-" [ \t]*;
        "\x00"   { if (tok >= f->lim) { YYCURSOR = tok; code = 0; goto done; }
                   code = bad(lx, t, "unexpected NUL byte"); goto done; }
        ws* "\n" / [A-Za-z] {
                   /* A name at the start of a line begins the next declaration:
                    * the property was never closed. */
                   lx->in_prop = false;
                   code = bad(lx, t, "expected ']' to close the assertion property");
                   YYCURSOR--; goto done; }
        ws+      { goto loop; }
        "--" [^\n\x00]* { goto loop; }
        "{-"     { const unsigned char *e = skip_block_comment(YYCURSOR, f->lim);
                   if (!e) { YYCURSOR = f->lim; code = bad(lx, t, "unterminated comment '{-'"); goto done; }
                   YYCURSOR = e; goto loop; }
        "deadlock" sp "free"                     { code = TK_P_DEADLOCK; goto done; }
        ("livelock" | "divergence") sp "free"    { code = TK_P_DIVERGENCE; goto done; }
        "deterministic"                          { code = TK_P_DETERMINISTIC; goto done; }
        "has" sp "trace"                         { code = TK_P_HASTRACE; goto done; }
        "tau" sp "priority"                      { t->num = 0; code = TK_P_TAU; goto done; }
        "tau" sp "priority" sp "over"            { t->num = 1; code = TK_P_TAU; goto done; }
        "partial" sp "order" sp "reduce"         { code = TK_P_POR; goto done; }
        "[" ws* "T" ws* "]"     { t->num = MODEL_T; code = TK_MODEL; goto done; }
        "[" ws* "F" ws* "]"     { t->num = MODEL_F; code = TK_MODEL; goto done; }
        "[" ws* "FD" ws* "]"    { t->num = MODEL_FD; code = TK_MODEL; goto done; }
        "[" ws* "R" ws* "]"     { t->num = MODEL_R; code = TK_MODEL; goto done; }
        "[" ws* "RD" ws* "]"    { t->num = MODEL_RD; code = TK_MODEL; goto done; }
        "[" ws* "V" ws* "]"     { t->num = MODEL_V; code = TK_MODEL; goto done; }
        "[" ws* "VD" ws* "]"    { t->num = MODEL_VD; code = TK_MODEL; goto done; }
        "[" ws* [A-Za-z_]+ ws* "]" {
                   const unsigned char *s = tok + 1, *e = YYCURSOR - 1;
                   while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
                   while (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r') e--;
                   t->name = sym_intern(lx->syms, (const char *)s, (size_t)(e - s));
                   code = TK_PROPARG; goto done; }
        "]" [ \t]* ":" / [^[] { lx->in_prop = false; code = TK_RPROPCOLON; goto done; }
        "]"      { lx->in_prop = false; code = TK_RPROP; goto done; }
        *        { code = bad(lx, t, "unexpected %s in an assertion property; expected "
                              "'deadlock free', 'divergence free', 'deterministic', 'has trace', "
                              "'tau priority', 'partial order reduce', a model such as [FD], or ']'",
                              *tok >= 0x20 && *tok < 0x7F ? "character" : "byte");
                   goto done; }
    */
done:
    t->span = span_of(lx, tok, YYCURSOR);
    *cursor = YYCURSOR;
    return code;
}

/* The normal state. Classifies `<` and `>` with lx->prev and the bracket stack. */
static int scan_normal(Lexer *lx, Token *t, const unsigned char **cursor)
{
    Frame *f = &lx->frames[lx->depth - 1];
    const unsigned char *YYCURSOR = *cursor, *YYMARKER = YYCURSOR, *tok;
    int code;
loop:
    tok = YYCURSOR;
    /*!re2c
        re2c:define:YYCTYPE = "unsigned char";
        re2c:yyfill:enable = 0;
        id = [A-Za-z][A-Za-z0-9_]* "'"*;
        chr = [^'\\\n\x00] | "\\" [^\n\x00];
        str = [^"\\\n\x00] | "\\" [^\n\x00];

        "\x00"   { if (tok >= f->lim) { YYCURSOR = tok; code = 0; goto done; }
                   code = bad(lx, t, "unexpected NUL byte"); goto done; }
        [ \t\r\f\v]+        { goto loop; }
        "\r"? "\n"         { code = TK_NL; goto done; }
        "--" [^\n\x00]*     { goto loop; }
        "--" [^\n\x00]* "\x00" {
                   if (YYCURSOR > f->lim) { YYCURSOR--; goto loop; }   /* the end of the text */
                   tok = YYCURSOR - 1;
                   code = bad(lx, t, "NUL byte in a comment"); goto done; }
        "{-"     { const unsigned char *e = block_comment_end(f, tok);
                   if (e) { YYCURSOR = e; goto loop; }
                   if (*YYCURSOR >= '0' && *YYCURSOR <= '9') {
                       /* `{-1, 2}` with no `-}` anywhere after: read it as a set of
                        * numbers (FDR reports an unterminated comment; MANUAL.md). */
                       YYCURSOR = tok + 1; ctx_push(lx, CTX_OTHER); code = TK_LBRACE; goto done; }
                   YYCURSOR = f->lim; code = bad(lx, t, "unterminated comment '{-'"); goto done; }
        "include" [ \t]+ "\"" [^"\n\x00]* "\"" {
                   if (!starts_line(f, tok)) {
                       code = bad(lx, t, "'include' must start a line"); goto done; }
                   const unsigned char *name = tok + 7;
                   while (*name != '"') name++;
                   name++;
                   Span at = span_of(lx, tok, YYCURSOR);
                   *cursor = YYCURSOR;
                   t->span = at;
                   if (push_include(lx, name, (size_t)(YYCURSOR - 1 - name), at)) {
                       lx->hard_nl = true;
                       return TK_NL;
                   }
                   goto loop; }

        "channel"      { code = TK_CHANNEL; goto done; }
        "datatype"     { code = TK_DATATYPE; goto done; }
        "subtype"      { code = TK_SUBTYPE; goto done; }
        "nametype"     { code = TK_NAMETYPE; goto done; }
        "external"     { code = TK_EXTERNAL; goto done; }
        "transparent"  { code = TK_TRANSPARENT; goto done; }
        "assert"       { code = TK_ASSERT; goto done; }
        "module"       { code = TK_MODULE; goto done; }
        "exports"      { code = TK_EXPORTS; goto done; }
        "endmodule"    { code = TK_ENDMODULE; goto done; }
        "instance"     { code = TK_INSTANCE; goto done; }
        "Timed"        { code = TK_TIMED; goto done; }
        "let"          { code = TK_LET; goto done; }
        "within"       { code = TK_WITHIN; goto done; }
        "if"           { code = TK_IF; goto done; }
        "then"         { code = TK_THEN; goto done; }
        "else"         { code = TK_ELSE; goto done; }
        "and"          { code = TK_AND; goto done; }
        "or"           { code = TK_OR; goto done; }
        "not"          { code = lx->prev == TK_ASSERT ? TK_ASSERTNOT : TK_NOT; goto done; }
        "print"        { code = TK_PRINT; goto done; }
        "true"         { code = TK_TRUE; goto done; }
        "false"        { code = TK_FALSE; goto done; }
        "include"      { code = bad(lx, t, "expected a file name in double quotes after 'include'"); goto done; }
        id             { code = keyword_or_id(lx, t, tok, YYCURSOR); goto done; }
        [0-9]+ {
                   int64_t v = 0;
                   for (const unsigned char *p = tok; p < YYCURSOR; p++) {
                       if (v > (INT64_MAX - (*p - '0')) / 10) {
                           code = bad(lx, t, "integer literal too large"); goto done; }
                       v = v * 10 + (*p - '0');
                   }
                   t->num = v; code = TK_INT; goto done; }
        "'" chr+ "'" {
                   uint32_t cp = 0;
                   size_t n = decode_literal(lx, tok + 1, YYCURSOR - 1, &cp);
                   if (n != 1) { code = bad(lx, t, "a character literal holds exactly one character"); goto done; }
                   t->num = cp; code = TK_CHAR; goto done; }
        "'"      { const unsigned char *nul = nul_in_literal(f, YYCURSOR, '\'');
                   if (nul) { tok = nul; YYCURSOR = nul + 1;
                              code = bad(lx, t, "NUL byte in a character literal"); goto done; }
                   code = bad(lx, t, "unterminated character literal"); goto done; }
        "\"" str* "\"" {
                   uint32_t first;
                   decode_literal(lx, tok + 1, YYCURSOR - 1, &first);
                   t->str = arena_strndup(lx->arena, lx->buf, lx->buf_len);
                   t->len = (uint32_t)lx->buf_len;
                   code = TK_STRING; goto done; }
        "\"" str* {
                   const unsigned char *nul = nul_in_literal(f, YYCURSOR, '"');
                   if (nul) { tok = nul; YYCURSOR = nul + 1;
                              code = bad(lx, t, "NUL byte in a string literal"); goto done; }
                   code = bad(lx, t, *YYCURSOR == '\n' ? "newline in string literal"
                                                        : "unterminated string literal");
                   goto done; }

        "[T="    { t->num = MODEL_T; code = TK_REFINES; goto done; }
        "[F="    { t->num = MODEL_F; code = TK_REFINES; goto done; }
        "[FD="   { t->num = MODEL_FD; code = TK_REFINES; goto done; }
        "[R="    { t->num = MODEL_R; code = TK_REFINES; goto done; }
        "[RD="   { t->num = MODEL_RD; code = TK_REFINES; goto done; }
        "[V="    { t->num = MODEL_V; code = TK_REFINES; goto done; }
        "[VD="   { t->num = MODEL_VD; code = TK_REFINES; goto done; }
        ":["     { lx->in_prop = true; code = TK_LPROP; goto done; }
        "[|"     { ctx_push(lx, CTX_OTHER); code = TK_LPAR; goto done; }
        "|]"     { ctx_pop(lx); code = TK_RPAR; goto done; }
        "|>"     { ctx_pop(lx); code = TK_EXCEPTR; goto done; }
        "[["     { ctx_push(lx, CTX_OTHER); code = TK_LRENAME; goto done; }
        "]]"     { ctx_pop(lx); code = TK_RRENAME; goto done; }
        "[+"     { ctx_push(lx, CTX_OTHER); code = TK_LSYNC; goto done; }
        "+]"     { ctx_pop(lx); code = TK_RSYNC; goto done; }
        "/+"     { ctx_push(lx, CTX_OTHER); code = TK_LSYNCINT; goto done; }
        "+\\"    { ctx_pop(lx); code = TK_RSYNCINT; goto done; }
        "[]"     { code = TK_EXTCHOICE; goto done; }
        "[>"     { code = TK_TIMEOUT; goto done; }
        "["      { ctx_push(lx, CTX_OTHER); code = TK_LBRACKET; goto done; }
        "]"      { ctx_pop(lx); code = TK_RBRACKET; goto done; }
        "(|" / [ \t\r\n] { ctx_push(lx, CTX_OTHER); code = TK_LMAP; goto done; }
        "|)"     { ctx_pop(lx); code = TK_RMAP; goto done; }
        "("      { ctx_push(lx, CTX_OTHER); code = TK_LPAREN; goto done; }
        ")"      { ctx_pop(lx); code = TK_RPAREN; goto done; }
        "{|"     { ctx_push(lx, CTX_OTHER); code = TK_LPROD; goto done; }
        "|}"     { ctx_pop(lx); code = TK_RPROD; goto done; }
        "{"      { ctx_push(lx, CTX_OTHER); code = TK_LBRACE; goto done; }
        "}"      { ctx_pop(lx); code = TK_RBRACE; goto done; }
        "|~|"    { code = TK_INTCHOICE; goto done; }
        "|||"    { code = TK_INTERLEAVE; goto done; }
        "||"     { code = TK_PARBARS; goto done; }
        "|\\"    { code = TK_PROJECT; goto done; }
        "|"      { code = TK_BAR; goto done; }
        "/\\"    { code = TK_INTERRUPT; goto done; }
        "/"      { code = TK_SLASH; goto done; }
        "->"     { code = TK_ARROW; goto done; }
        "-"      { code = TK_MINUS; goto done; }
        "<->"    { code = TK_LINK; goto done; }
        "<-"     { code = TK_LARROW; goto done; }
        "<" [ \t]* ">" { code = TK_EMPTYSEQ; goto done; }
        "<="     { if (ends_operand(lx->prev) && !lx->nl_seen) { code = TK_LE; goto done; }
                   YYCURSOR = tok + 1; ctx_push(lx, CTX_SEQ); code = TK_LSEQ; goto done; }
        "<"      { if (ends_operand(lx->prev) && !lx->nl_seen) { code = TK_LT; goto done; }
                   ctx_push(lx, CTX_SEQ); code = TK_LSEQ; goto done; }
        ">="     { code = TK_GE; goto done; }     /* longest match, even inside a sequence */
        ">"      { if (in_seq(lx)) { ctx_pop(lx); code = TK_RSEQ; goto done; }
                   code = TK_GT; goto done; }
        "=="     { code = TK_EQEQ; goto done; }
        "=>*"    { code = TK_DARROWSTAR; goto done; }
        "=>"     { code = TK_DARROW; goto done; }
        "="      { code = TK_EQ; goto done; }
        "!="     { code = TK_NE; goto done; }
        "!"      { code = TK_BANG; goto done; }
        "::"     { bool spaced = (tok > f->base && (tok[-1] == ' ' || tok[-1] == '\t')) ||
                                 *YYCURSOR == ' ' || *YYCURSOR == '\t';
                   code = spaced ? TK_TYPEANN : TK_COLONCOLON; goto done; }
        ":"      { code = TK_COLON; goto done; }
        "@@"     { code = TK_ATAT; goto done; }
        "@"      { code = TK_AT; goto done; }
        "&"      { code = TK_AMP; goto done; }
        ";"      { code = TK_SEMI; goto done; }
        ","      { code = TK_COMMA; goto done; }
        ".."     { code = TK_DOTDOT; goto done; }
        "."      { code = TK_DOT; goto done; }
        "?"      { code = TK_QUESTION; goto done; }
        "$"      { code = TK_DOLLAR; goto done; }
        "*"      { code = TK_STAR; goto done; }
        "%"      { code = TK_PERCENT; goto done; }
        "^"      { code = TK_CAT; goto done; }
        "#"      { code = TK_HASH; goto done; }
        "+"      { code = TK_PLUS; goto done; }
        "\\"     { code = TK_BACKSLASH; goto done; }
        "_"      { code = TK_UNDERSCORE; goto done; }
        [\x80-\xff] {
                   code = bad(lx, t, "non-ASCII byte 0x%02X outside a string, character or comment", *tok);
                   goto done; }
        *        { code = bad(lx, t, "unexpected character '%c'", *tok >= 0x20 && *tok < 0x7F ? *tok : '?');
                   goto done; }
    */
done:
    t->span = span_of(lx, tok, YYCURSOR);
    *cursor = YYCURSOR;
    return code;
}

/* The raw stream: every token including newlines, across include frames. */
static void scan(Lexer *lx, Token *t)
{
    for (;;) {
        Frame *f = &lx->frames[lx->depth - 1];
        lx->hard_nl = false;
        lx->ctx_base = lx->n_ctx;
        memset(t, 0, sizeof *t);
        int code = lx->in_prop ? scan_prop(lx, t, &f->cur) : scan_normal(lx, t, &f->cur);
        f = &lx->frames[lx->depth - 1];     /* an include may have pushed a frame */
        if (code == 0 && lx->depth > 1) {
            /* End of an included file: an implicit newline, then the includer. */
            free(f->real);
            comment_ends_free(&f->comments);
            lx->depth--;
            lx->in_prop = false;
            t->code = TK_NL;
            lx->hard_nl = true;
            lx->nl_seen = true;
            return;
        }
        t->code = code;
        if (code == TK_NL) lx->nl_seen = true;
        else {
            lx->prev = code;
            lx->nl_seen = false;
        }
        return;
    }
}

Lexer *lex_new(SrcSet *src, SymTable *syms, Diag *diag, Arena *arena, uint32_t file)
{
    Lexer *lx = xcalloc(1, sizeof *lx);
    lx->src = src;
    lx->syms = syms;
    lx->diag = diag;
    lx->arena = arena;
    Frame *f = &lx->frames[lx->depth++];
    f->file = file;
    f->base = f->cur = (const unsigned char *)src_text(src, file);
    f->lim = f->base + src_len(src, file);
    f->real = realpath(src_name(src, file), NULL);
    lx->prev = TK_NL;
    lx->last_emitted = TK_NL;
    return lx;
}

void lex_free(Lexer *lx)
{
    if (!lx) return;
    for (int i = 0; i < lx->depth; i++) {
        free(lx->frames[i].real);
        comment_ends_free(&lx->frames[i].comments);
    }
    free(lx->ctx);
    free(lx->buf);
    free(lx);
}

static bool token_starts_line(Lexer *lx, const Token *t)
{
    if (t->span.file == UINT32_MAX || t->code == 0) return true;
    const char *text = src_text(lx->src, t->span.file);
    return t->span.start == 0 || text[t->span.start - 1] == '\n';
}

/* A declaration starts here (a kept newline, then column 1): brackets left
 * open by a broken declaration must not change how `>` reads from now on.
 * Only what the peeked token itself opened survives. */
static void forget_contexts(Lexer *lx)
{
    uint32_t keep = lx->n_ctx > lx->ctx_base ? lx->n_ctx - lx->ctx_base : 0;
    if (keep) memmove(lx->ctx, lx->ctx + lx->n_ctx - keep, keep);
    lx->n_ctx = keep;
}

void lex_next(Lexer *lx, Token *out)
{
    for (;;) {
        Token t;
        if (lx->have_peek) {
            t = lx->peek;
            lx->have_peek = false;
        } else {
            scan(lx, &t);
            if (t.code == TK_NL) {
                int kind = lx->hard_nl ? NL_HARD : NL_SOFT;
                if (kind > lx->pending_nl) lx->pending_nl = kind;
                lx->nl_span = t.span;
                continue;
            }
        }
        if (lx->pending_nl) {
            bool drop = lx->last_emitted == TK_NL ||
                        (lx->pending_nl == NL_SOFT &&
                         ((soaks(lx->last_emitted) & SOAK_AFTER) || (soaks(t.code) & SOAK_BEFORE)));
            lx->pending_nl = NL_NONE;
            if (!drop) {
                if (token_starts_line(lx, &t)) forget_contexts(lx);
                lx->peek = t;
                lx->have_peek = true;
                memset(out, 0, sizeof *out);
                out->code = TK_NL;
                out->span = lx->nl_span;
                lx->last_emitted = TK_NL;
                lx->at_line_start = false;
                return;
            }
        }
        if (t.code == 0 && t.span.start > 0 &&
            src_text(lx->src, t.span.file)[t.span.start - 1] == '\n')
            t.span.start = t.span.end = t.span.start - 1;   /* show the last line */
        *out = t;
        lx->last_emitted = t.code;
        lx->at_line_start = token_starts_line(lx, &t);
        return;
    }
}

bool lex_at_line_start(const Lexer *lx) { return lx->at_line_start; }

const char *lex_token_name(int code)
{
    switch (code) {
    case 0: return "end of file";
    case TK_NL: return "end of line";
    case TK_BADTOKEN: return "invalid token";
    case TK_ID: return "identifier";
    case TK_INT: return "integer";
    case TK_CHAR: return "character literal";
    case TK_STRING: return "string literal";
    case TK_TRUE: return "'true'";
    case TK_FALSE: return "'false'";
    case TK_UNDERSCORE: return "'_'";
    case TK_LPAREN: return "'('";
    case TK_RPAREN: return "')'";
    case TK_LBRACE: return "'{'";
    case TK_RBRACE: return "'}'";
    case TK_LPROD: return "'{|'";
    case TK_RPROD: return "'|}'";
    case TK_LMAP: return "'(|'";
    case TK_RMAP: return "'|)'";
    case TK_LSEQ: return "'<'";
    case TK_RSEQ: return "'>'";
    case TK_EMPTYSEQ: return "'<>'";
    case TK_LBRACKET: return "'['";
    case TK_RBRACKET: return "']'";
    case TK_LRENAME: return "'[['";
    case TK_RRENAME: return "']]'";
    case TK_LPAR: return "'[|'";
    case TK_RPAR: return "'|]'";
    case TK_EXCEPTR: return "'|>'";
    case TK_LSYNC: return "'[+'";
    case TK_RSYNC: return "'+]'";
    case TK_LSYNCINT: return "'/+'";
    case TK_RSYNCINT: return "'+\\'";
    case TK_COMMA: return "','";
    case TK_DOT: return "'.'";
    case TK_DOTDOT: return "'..'";
    case TK_QUESTION: return "'?'";
    case TK_BANG: return "'!'";
    case TK_DOLLAR: return "'$'";
    case TK_ARROW: return "'->'";
    case TK_LARROW: return "'<-'";
    case TK_LINK: return "'<->'";
    case TK_AT: return "'@'";
    case TK_ATAT: return "'@@'";
    case TK_AMP: return "'&'";
    case TK_BACKSLASH: return "'\\'";
    case TK_PROJECT: return "'|\\'";
    case TK_SEMI: return "';'";
    case TK_EXTCHOICE: return "'[]'";
    case TK_INTCHOICE: return "'|~|'";
    case TK_INTERLEAVE: return "'|||'";
    case TK_PARBARS: return "'||'";
    case TK_INTERRUPT: return "'/\\'";
    case TK_TIMEOUT: return "'[>'";
    case TK_BAR: return "'|'";
    case TK_COLON: return "':'";
    case TK_COLONCOLON: return "'::'";
    case TK_TYPEANN: return "' :: '";
    case TK_DARROW: return "'=>'";
    case TK_DARROWSTAR: return "'=>*'";
    case TK_EQ: return "'='";
    case TK_EQEQ: return "'=='";
    case TK_NE: return "'!='";
    case TK_LT: return "'<'";
    case TK_GT: return "'>'";
    case TK_LE: return "'<='";
    case TK_GE: return "'>='";
    case TK_PLUS: return "'+'";
    case TK_MINUS: return "'-'";
    case TK_STAR: return "'*'";
    case TK_SLASH: return "'/'";
    case TK_PERCENT: return "'%'";
    case TK_CAT: return "'^'";
    case TK_HASH: return "'#'";
    case TK_CHANNEL: return "'channel'";
    case TK_DATATYPE: return "'datatype'";
    case TK_SUBTYPE: return "'subtype'";
    case TK_NAMETYPE: return "'nametype'";
    case TK_EXTERNAL: return "'external'";
    case TK_TRANSPARENT: return "'transparent'";
    case TK_ASSERT: return "'assert'";
    case TK_ASSERTNOT: return "'not'";
    case TK_MODULE: return "'module'";
    case TK_EXPORTS: return "'exports'";
    case TK_ENDMODULE: return "'endmodule'";
    case TK_INSTANCE: return "'instance'";
    case TK_TIMED: return "'Timed'";
    case TK_LET: return "'let'";
    case TK_WITHIN: return "'within'";
    case TK_IF: return "'if'";
    case TK_THEN: return "'then'";
    case TK_ELSE: return "'else'";
    case TK_AND: return "'and'";
    case TK_OR: return "'or'";
    case TK_NOT: return "'not'";
    case TK_PRINT: return "'print'";
    case TK_REFINES: return "a refinement such as '[T='";
    case TK_LPROP: return "':['";
    case TK_RPROP: return "']'";
    case TK_RPROPCOLON: return "']:'";
    case TK_P_DEADLOCK: return "'deadlock free'";
    case TK_P_DIVERGENCE: return "'divergence free'";
    case TK_P_DETERMINISTIC: return "'deterministic'";
    case TK_P_HASTRACE: return "'has trace'";
    case TK_P_TAU: return "'tau priority'";
    case TK_P_POR: return "'partial order reduce'";
    case TK_MODEL: return "a model such as '[FD]'";
    case TK_PROPARG: return "an option in brackets";
    default: return "token";
    }
}
