/* ast.h - the syntax tree of a CSPM script.
 * One node type for every construct: a kind, an operator or flavour, a byte
 * span, and an array of children whose meaning each kind documents below.
 * Expressions and processes share one tree (in CSPM a process is an
 * expression). Nodes live in the Ast's arena (the script's load lifetime)
 * and are never freed singly. "absent" optional children are NULL.
 * The resolver fills `res` (see resolve.h); nothing else writes a node after
 * the parser built it. Depends on arena.h, src.h, sym.h, diag.h.
 */
#ifndef CSP_AST_H
#define CSP_AST_H

#include "arena.h"
#include "diag.h"
#include "src.h"
#include "sym.h"

#include <stdbool.h>
#include <stdint.h>

/* Node kinds. Children, in order, per kind:
 *  SCRIPT      decls...                      whole file (includes inlined)
 *  LIST        items...                      generic list (args, stmts, names, ...)
 *  INT         -                             num
 *  CHAR        -                             num = Unicode code point
 *  STRING      -                             str/len = UTF-8 bytes
 *  BOOL        -                             num = 0/1 (true/false keywords)
 *  VAR         -                             name
 *  QUAL        qualifier                     name; `M::x` is QUAL(VAR M) x
 *  WILD        -                             `_` (patterns only)
 *  TUPLE       elems... (>= 2)
 *  SEQ         elems...                      `<>` has none
 *  SET         elems...
 *  RANGE       from [to]                     op = RANGE_SEQ or RANGE_SET; `to` absent: infinite
 *  COMP        elems-or-range stmts          op = RANGE_SEQ/RANGE_SET; kid0 a LIST or a RANGE
 *  PROD        LIST(exps) [LIST(stmts)]      `{| ... |}` (stmts absent when no `|`)
 *  MAP         PAIR...                       `(| k => v, ... |)`
 *  PAIR        a b                           map entry, renaming pair (a <- b), link tie (a <-> b)
 *  DOT         left right                    `l.r`
 *  APPLY       fn LIST(args)
 *  LAMBDA      LIST(pats) body
 *  LET         LIST(decls) body
 *  IF          cond then else
 *  BINOP       left right                    op = OP_* (arithmetic, logic, ^, and the
 *                                            binary process operators incl. & and \)
 *  UNOP        operand                       op = OP_NEG, OP_NOT, OP_LEN
 *  ATAT        left right                    `p @@ q` (patterns only)
 *  FIELD       head operand [restriction]    op = FIELD_IN (?), FIELD_OUT (!), FIELD_NDIN ($);
 *                                            a chain `c?x!y` nests on the head
 *  RESTRICT    pat set                       `x : S` in a generator or a field operand
 *  PREFIX      event body                    `e -> P`; event may be a FIELD chain
 *  GEN         pat source                    op = GEN_ARROW (`<-`) or GEN_COLON (`:`); other
 *                                            statements in a stmts LIST are guards (any expr)
 *  GENPAR      P A Q                         `P [| A |] Q`
 *  ALPHPAR     P A B Q                       `P [ A || B ] Q`
 *  EXCEPT      P A Q                         `P [| A |> Q`
 *  SYNCEXT     P A Q                         `P [+ A +] Q`
 *  SYNCINT     P A Q                         `P /+ A +\ Q`
 *  LINKPAR     P LIST(PAIR ties) [LIST(stmts)] Q
 *  RENAME      P LIST(PAIR) [LIST(stmts)]    `P [[ a <- b | stmts ]]`
 *  REP         LIST(stmts) body              op = OP_EXTCHOICE, OP_INTCHOICE, OP_INTERLEAVE,
 *                                            OP_SEQ, OP_PAR (`|| x:S @ [A] P`: body is
 *                                            an ALPHA node)
 *  REPGENPAR   A LIST(stmts) body            `[| A |] x:S @ P`
 *  REPSYNCEXT  A LIST(stmts) body            `[+ A +] x:S @ P`
 *  REPLINK     LIST(ties) [LIST(tstmts)] LIST(stmts) body
 *  ALPHA       A body                        `[A] P`, only as the body of REP OP_PAR
 *  TYPE        ...                           type expressions: op = TY_* (see below)
 *  --- declarations ---
 *  FUNCLAUSE   LIST(LIST(args)...) rhs       name; `f(x)(y) = e` has two arg groups
 *  PATBIND     pat rhs
 *  CHANNEL     LIST(VAR) [type]
 *  DATATYPE    CLAUSE...                     name
 *  SUBTYPE     CLAUSE...                     name
 *  CLAUSE      [fields]                      name; `Node.T.T` has fields T.T
 *  NAMETYPE    exp                           name
 *  EXTERNAL    VAR...
 *  TRANSPARENT VAR...
 *  TYPESIG     LIST(VAR) type
 *  ASSERT      assertion                     op = 1 for `assert not`
 *  REFINE      spec impl LIST(options)       op = MODEL_*
 *  PROPERTY    proc LIST(options)            op = PROP_*, num = MODEL_* (MODEL_NONE if none)
 *  HASTRACE    proc trace LIST(options)      num = MODEL_*
 *  OPTION      [exp]                         op = OPT_TAU (exp) / OPT_TAU_OVER (exp) / OPT_POR
 *                                            (name = mode or NULL)
 *  PRINT       exp
 *  MODULE      LIST(params) LIST(private) LIST(exported)   name
 *  INSTANCE    target [LIST(args)]           name
 *  TIMED       LIST(decls) [fn]
 */
#define AST_KINDS(X) \
    X(SCRIPT) X(LIST) X(INT) X(CHAR) X(STRING) X(BOOL) X(VAR) X(QUAL) X(WILD) \
    X(TUPLE) X(SEQ) X(SET) X(RANGE) X(COMP) X(PROD) X(MAP) X(PAIR) X(DOT) X(APPLY) \
    X(LAMBDA) X(LET) X(IF) X(BINOP) X(UNOP) X(ATAT) X(FIELD) X(RESTRICT) X(PREFIX) \
    X(GEN) X(GENPAR) X(ALPHPAR) X(EXCEPT) X(SYNCEXT) X(SYNCINT) X(LINKPAR) X(RENAME) \
    X(REP) X(REPGENPAR) X(REPSYNCEXT) X(REPLINK) X(ALPHA) X(TYPE) \
    X(FUNCLAUSE) X(PATBIND) X(CHANNEL) X(DATATYPE) X(SUBTYPE) X(CLAUSE) X(NAMETYPE) \
    X(EXTERNAL) X(TRANSPARENT) X(TYPESIG) X(ASSERT) X(REFINE) X(PROPERTY) X(HASTRACE) \
    X(OPTION) X(PRINT) X(MODULE) X(INSTANCE) X(TIMED)

#define AST_AS_ENUM(k) N_##k,
typedef enum { AST_KINDS(AST_AS_ENUM) N__COUNT } NodeKind;
extern const char *const ast_kind_name[N__COUNT];

/* Binary and unary operators, with their CSPM spelling. */
#define AST_OPS(X) \
    X(NONE, "") X(ADD, "+") X(SUB, "-") X(MUL, "*") X(DIV, "/") X(MOD, "%") \
    X(EQ, "==") X(NE, "!=") X(LT, "<") X(GT, ">") X(LE, "<=") X(GE, ">=") \
    X(AND, "and") X(OR, "or") X(CAT, "^") X(NEG, "-") X(NOT, "not") X(LEN, "#") \
    X(MAPSTO, "=>") X(EXTCHOICE, "[]") X(INTCHOICE, "|~|") X(INTERLEAVE, "|||") \
    X(SEQ, ";") X(TIMEOUT, "[>") X(INTERRUPT, "/\\") X(GUARD, "&") X(HIDE, "\\") \
    X(PROJECT, "|\\") X(PAR, "||")
#define AST_OP_ENUM(k, s) OP_##k,
typedef enum { AST_OPS(AST_OP_ENUM) OP__COUNT } AstOp;
extern const char *const ast_op_spelling[OP__COUNT];

enum { RANGE_SEQ = 1, RANGE_SET = 2 };
enum { FIELD_IN = 1, FIELD_OUT, FIELD_NDIN };
enum { GEN_ARROW = 1, GEN_COLON };

/* The semantic models of assertions, as written in `[FD=` or `[F]` (the
 * lexer reads them, the checker decides in them). */
#define AST_MODELS(X) X(NONE, "") X(T, "T") X(F, "F") X(FD, "FD") X(R, "R") X(RD, "RD") \
    X(V, "V") X(VD, "VD")
#define AST_MODEL_ENUM(k, s) MODEL_##k,
typedef enum { AST_MODELS(AST_MODEL_ENUM) MODEL__COUNT } Model;
extern const char *const ast_model_name[MODEL__COUNT];

enum { PROP_DEADLOCK = 1, PROP_DIVERGENCE, PROP_DETERMINISTIC };
enum { OPT_TAU = 1, OPT_TAU_OVER, OPT_POR };

/* Type expressions (annotations): op and children.
 *  TY_NAME     [qual]     name (Int, Bool, a, a user type); `M::T` has kid0 = TY_NAME M
 *  TY_TUPLE    types...   TY_SEQ t   TY_SET t   TY_MAP k v
 *  TY_DOT      l r        TY_DOTABLE l r (`=>`)   TY_EXTENDABLE l r (`=>*`)
 *  TY_FUN      LIST(args) result
 *  TY_SCHEME   LIST(TY_CLASS) type      TY_CLASS: name = class, kid0 = TY_NAME var */
enum { TY_NAME = 1, TY_TUPLE, TY_SEQ, TY_SET, TY_MAP, TY_DOT, TY_DOTABLE, TY_EXTENDABLE,
       TY_FUN, TY_SCHEME, TY_CLASS };

struct ResInfo;   /* resolver annotations, defined in resolve.h */

typedef struct Node Node;
struct Node {
    uint8_t kind;       /* NodeKind */
    uint8_t op;         /* AstOp, or the per-kind flavour above */
    uint8_t flags;      /* per-kind flags (unused by most) */
    uint8_t parenthesized; /* written in brackets (not part of equality) */
    uint32_t n;         /* number of children */
    uint32_t cap;       /* capacity of kid (lists grow while parsing) */
    uint32_t depth;     /* 1 + deepest child; bounded by AST_MAX_DEPTH */
    Span span;
    uint32_t len;       /* STRING: byte length of str */
    Node **kid;
    union {
        const Sym *name;
        int64_t num;
        const char *str;    /* STRING: UTF-8 bytes, NUL-terminated */
    };
    struct ResInfo *res;
};
_Static_assert(sizeof(Node) <= 56, "Node stays small: a 10 MB script makes millions");

/* The tree of one script (or REPL input), allocated in `arena`. */
typedef struct Ast {
    Arena *arena;       /* borrowed: the load arena */
    Diag *diag;         /* borrowed */
    bool too_deep;      /* set once "nested too deeply" has been reported */
} Ast;

/* Nesting deeper than this is a syntax error, so every later recursive walk
 * over a tree is bounded (the C stack stays safe). */
#define AST_MAX_DEPTH 3000

/* Builds a node with n children (NULL children allowed and kept). The span
 * is `at` joined with the children's spans. */
Node *ast_new(Ast *a, NodeKind k, int op, Span at, int n, ...);
/* Builds a node from a Vec of children (the Vec is copied). */
Node *ast_from_vec(Ast *a, NodeKind k, int op, Span at, const Vec *kids);
/* Appends a child (lists grow while parsing); returns the list. */
Node *ast_append(Ast *a, Node *list, Node *item);
Node *ast_name(Ast *a, NodeKind k, Span at, const Sym *name);
Node *ast_int(Ast *a, NodeKind k, Span at, int64_t num);
Node *ast_string(Ast *a, Span at, const char *utf8, uint32_t len);

/* Structural equality, ignoring spans and resolver annotations. */
bool ast_equal(const Node *x, const Node *y);

/* `e -> P`: flattens nothing; checks that FIELD chains appear only here. */
Node *ast_prefix(Ast *a, Node *event, Node *body);
/* `P \ A` and `P |\ A` with libcspm's rotation (LANGUAGE.md §1.6). */
Node *ast_hide(Ast *a, int op, Node *p, Node *set);

#endif
