// grammar.y - the CSPM grammar (LANGUAGE.md §1 and §5) for lemon.
// Actions are one line calling an ast_ or parse_ constructor; name checks
// belong to the resolver. Precedence follows LANGUAGE.md §1.6, loosest first.

%name CspLemon
%token_prefix TK_
%token_type {Token}
%default_type {Node *}
%extra_context {Parser *ps}
%syntax_error { parse_syntax_error(ps, &TOKEN, yymajor); }
%stack_overflow { parse_too_deep(ps); }
// Deep enough for the bracketed print (unparse.c) of any tree within AST_MAX_DEPTH
// (3000): a level of it holds at most a rule's 8 symbols and a bracket.
%stack_size 25000

%include {
#include "parse_internal.h"
#define AST (&ps->ast)
}

// Tokens the grammar never shifts but the lexer produces.
%token NL BADTOKEN.

// ---- precedence, loosest first ----
%right ELSE WITHIN AT.
%left BACKSLASH PROJECT.
%left INTERLEAVE.
%nonassoc LPAR LBRACKET.
%left INTCHOICE.
%left EXTCHOICE LSYNC.
%left INTERRUPT LSYNCINT.
%left TIMEOUT.
%left SEMI.
%right ARROW AMP.
%left QUESTION BANG DOLLAR.
%left ATAT.
%right DOT.
%nonassoc COLON.
%left OR.
%left AND.
%right NOT.
%nonassoc EQEQ NE LT GT LE GE.
%left PLUS MINUS.
%left STAR SLASH PERCENT.
%right HASH.
%left CAT.
%left LPAREN LRENAME COLONCOLON.

// ---- files: declarations separated by newlines ----
file ::= sep_opt.
file ::= sep_opt tdecls sep_opt.
sep ::= NL.
sep ::= sep NL.
sep_opt ::= .
sep_opt ::= sep.
tdecls ::= decl(D).                  { parse_add_decl(ps, D); }
tdecls ::= tdecls sep decl(D).       { parse_add_decl(ps, D); }

// Declaration lists inside let, module and Timed build LIST nodes.
%type ldecls {Node *}
ldecls(L) ::= decl(D).               { L = parse_list1(ps, D); }
ldecls(L) ::= ldecls(L1) sep decl(D). { L = ast_append(AST, L1, D); }
mdecls(L) ::= sep.                   { L = parse_list0(ps); }
mdecls(L) ::= sep ldecls(L1) sep_opt. { L = L1; }

// ---- declarations ----
decl(D) ::= exp(L) EQ exp(R).                         { D = parse_binding(ps, L, R); }
decl(D) ::= CHANNEL(K) names(N).                       { D = ast_new(AST, N_CHANNEL, 0, K.span, 2, N, NULL); }
decl(D) ::= CHANNEL(K) names(N) COLON exp(T).          { D = ast_new(AST, N_CHANNEL, 0, K.span, 2, N, T); }
decl(D) ::= DATATYPE(K) ID(I) EQ clauses(C).           { D = parse_named(ps, N_DATATYPE, K.span, &I, C); }
decl(D) ::= SUBTYPE(K) ID(I) EQ clauses(C).            { D = parse_named(ps, N_SUBTYPE, K.span, &I, C); }
decl(D) ::= NAMETYPE(K) ID(I) EQ exp(E).               { D = parse_named(ps, N_NAMETYPE, K.span, &I, parse_list1(ps, E)); }
decl(D) ::= EXTERNAL(K) names(N).                      { D = parse_relist(ps, N_EXTERNAL, K.span, N); }
decl(D) ::= TRANSPARENT(K) names(N).                   { D = parse_relist(ps, N_TRANSPARENT, K.span, N); }
decl(D) ::= exp(E) TYPEANN tscheme(T).                 { D = parse_typesig(ps, parse_list1(ps, E), T); }
decl(D) ::= exp(E) COMMA names(N) TYPEANN tscheme(T).  { D = parse_typesig(ps, parse_prepend(ps, E, N), T); }
decl(D) ::= ASSERT(K) assertion(A).                    { D = ast_new(AST, N_ASSERT, 0, K.span, 1, A); }
decl(D) ::= ASSERT(K) ASSERTNOT assertion(A).                { D = ast_new(AST, N_ASSERT, 1, K.span, 1, A); }
decl(D) ::= PRINT(K) exp(E).                           { D = ast_new(AST, N_PRINT, 0, K.span, 1, E); }
decl(D) ::= MODULE(K) ID(I) modparams(P) mdecls(A) ENDMODULE(E).
    { D = parse_module(ps, K.span, &I, P, A, parse_list0(ps), E.span); }
decl(D) ::= MODULE(K) ID(I) modparams(P) mdecls(A) EXPORTS mdecls(B) ENDMODULE(E).
    { D = parse_module(ps, K.span, &I, P, A, B, E.span); }
decl(D) ::= INSTANCE(K) ID(I) EQ exp(T).               { D = parse_instance(ps, K.span, &I, T); }
decl(D) ::= TIMED(K) LBRACE tdecls_opt(L) RBRACE(E).   { D = parse_timed(ps, K.span, L, NULL, E.span); }
decl(D) ::= TIMED(K) LPAREN exp(F) RPAREN LBRACE tdecls_opt(L) RBRACE(E). { D = parse_timed(ps, K.span, L, F, E.span); }
// A Timed section may be empty (`Timed(f) { }`, as libcspm allows).
tdecls_opt(L) ::= .                  { L = parse_list0(ps); }
tdecls_opt(L) ::= ldecls(L1).        { L = L1; }

modparams(P) ::= .                                    { P = parse_list0(ps); }
modparams(P) ::= LPAREN exps(E) RPAREN.               { P = E; }

names(N) ::= ID(I).                                    { N = parse_list1(ps, parse_var(ps, &I)); }
names(N) ::= names(N1) COMMA ID(I).                    { N = ast_append(AST, N1, parse_var(ps, &I)); }

clauses(C) ::= clause(X).                              { C = parse_list1(ps, X); }
clauses(C) ::= clauses(C1) BAR clause(X).              { C = ast_append(AST, C1, X); }
clause(C) ::= ID(I).                                   { C = parse_clause(ps, &I, NULL); }
clause(C) ::= ID(I) DOT exp(F).                        { C = parse_clause(ps, &I, F); }

// ---- assertions (LANGUAGE.md §3.1) ----
assertion(A) ::= exp(S) REFINES(R) exp(I) options(O).  { A = ast_new(AST, N_REFINE, (int)R.num, R.span, 3, S, I, O); }
assertion(A) ::= exp(P) LPROP prop(Q) options(O).      { A = parse_property(ps, P, Q, O); }
assertion(A) ::= exp(P) LPROP P_HASTRACE(H) model_opt(M) RPROP exp(T) options(O).
    { A = parse_hastrace(ps, P, &H, M, T, O); }
assertion(A) ::= exp(P) LPROP P_HASTRACE(H) model_opt(M) RPROPCOLON exp(T) options(O).
    { A = parse_hastrace(ps, P, &H, M, T, O); }

%type prop {Token}
prop(Q) ::= P_DEADLOCK(T) model_opt(M) RPROP(R).       { Q = T; Q.num2 = M; Q.span = span_join(T.span, R.span); }
prop(Q) ::= P_DIVERGENCE(T) model_opt(M) RPROP(R).     { Q = T; Q.num2 = M; Q.span = span_join(T.span, R.span); }
prop(Q) ::= P_DETERMINISTIC(T) model_opt(M) RPROP(R).  { Q = T; Q.num2 = M; Q.span = span_join(T.span, R.span); }
%type model_opt {int}
model_opt(M) ::= .                                     { M = MODEL_NONE; }
model_opt(M) ::= MODEL(T).                             { M = (int)T.num; }

options(O) ::= .                                       { O = parse_list0(ps); }
options(O) ::= options(O1) option(X).                  { O = parse_add_option(ps, O1, X); }
option(X) ::= LPROP P_TAU(T) RPROPCOLON exp(E).        { X = ast_new(AST, N_OPTION, T.num ? OPT_TAU_OVER : OPT_TAU, T.span, 1, E); }
option(X) ::= LPROP P_POR(T) RPROP(R).                 { X = ast_new(AST, N_OPTION, OPT_POR, span_join(T.span, R.span), 0); }
option(X) ::= LPROP P_POR(T) PROPARG(M) RPROP(R).      { X = parse_por(ps, &T, &M, &R); }

// ---- type annotations ----
tscheme(T) ::= ttype(X).                                           { T = X; }
tscheme(T) ::= tclass(C) DARROW ttype(X).                          { T = parse_type(ps, TY_SCHEME, 2, parse_list1(ps, C), X); }
tscheme(T) ::= LPAREN tclasses(C) RPAREN DARROW ttype(X).          { T = parse_type(ps, TY_SCHEME, 2, C, X); }
tclasses(L) ::= tclass(C).                                         { L = parse_list1(ps, C); }
tclasses(L) ::= tclasses(L1) COMMA tclass(C).                      { L = ast_append(AST, L1, C); }
tclass(C) ::= ID(K) ID(V).                                         { C = parse_tclass(ps, &K, &V); }
ttype(T) ::= tdot(X).                                              { T = X; }
ttype(T) ::= tdot(L) DARROW ttype(R).                              { T = parse_type(ps, TY_DOTABLE, 2, L, R); }
ttype(T) ::= tdot(L) DARROWSTAR ttype(R).                          { T = parse_type(ps, TY_EXTENDABLE, 2, L, R); }
ttype(T) ::= LPAREN ttypes(A) RPAREN ARROW ttype(R).               { T = parse_type(ps, TY_FUN, 2, A, R); }
ttype(T) ::= LPAREN RPAREN ARROW ttype(R).                         { T = parse_type(ps, TY_FUN, 2, parse_list0(ps), R); }
tdot(T) ::= tatom(X).                                              { T = X; }
tdot(T) ::= tatom(L) DOT tdot(R).                                  { T = parse_type(ps, TY_DOT, 2, L, R); }
tatom(T) ::= tname(X).                                             { T = X; }
tatom(T) ::= LPAREN ttypes(A) RPAREN.                              { T = parse_ttuple(ps, A); }
tatom(T) ::= LBRACE ttype(X) RBRACE.                               { T = parse_type(ps, TY_SET, 1, X); }
tatom(T) ::= LSEQ ttype(X) RSEQ.                                   { T = parse_type(ps, TY_SEQ, 1, X); }
tatom(T) ::= LMAP tdot(K) DARROW ttype(V) RMAP.                    { T = parse_type(ps, TY_MAP, 2, K, V); }
// A type name, qualified by modules or instances: `T`, `M::T`, `M::N::T`.
tname(T) ::= ID(I).                                                { T = parse_tname(ps, &I); }
tname(T) ::= tname(M) COLONCOLON ID(I).                            { T = parse_tqual(ps, M, &I); }
ttypes(L) ::= ttype(X).                                            { L = parse_list1(ps, X); }
ttypes(L) ::= ttypes(L1) COMMA ttype(X).                           { L = ast_append(AST, L1, X); }

// ---- expressions and processes ----
exps(L) ::= exp(E).                                    { L = parse_list1(ps, E); }
exps(L) ::= exps(L1) COMMA exp(E).                     { L = ast_append(AST, L1, E); }

stmts(L) ::= stmt(S).                                  { L = parse_list1(ps, S); }
stmts(L) ::= stmts(L1) COMMA stmt(S).                  { L = ast_append(AST, L1, S); }
stmt(S) ::= exp(E).                                    { S = parse_stmt(ps, E); }
stmt(S) ::= exp(P) LARROW exp(E).                      { S = ast_new(AST, N_GEN, GEN_ARROW, P->span, 2, P, E); }

pairs(L) ::= pair(P).                                  { L = parse_list1(ps, P); }
pairs(L) ::= pairs(L1) COMMA pair(P).                  { L = ast_append(AST, L1, P); }
pair(P) ::= exp(A) LARROW exp(B).                      { P = ast_new(AST, N_PAIR, 0, A->span, 2, A, B); }
ties(L) ::= tie(P).                                    { L = parse_list1(ps, P); }
ties(L) ::= ties(L1) COMMA tie(P).                     { L = ast_append(AST, L1, P); }
tie(P) ::= exp(A) LINK exp(B).                         { P = ast_new(AST, N_PAIR, 0, A->span, 2, A, B); }
mapents(L) ::= mapent(P).                              { L = parse_list1(ps, P); }
mapents(L) ::= mapents(L1) COMMA mapent(P).            { L = ast_append(AST, L1, P); }
mapent(P) ::= exp(A) DARROW exp(B).                    { P = ast_new(AST, N_PAIR, 0, A->span, 2, A, B); }

// atoms
exp(A) ::= INT(T).                                     { A = ast_int(AST, N_INT, T.span, T.num); }
exp(A) ::= CHAR(T).                                    { A = ast_int(AST, N_CHAR, T.span, T.num); }
exp(A) ::= STRING(T).                                  { A = ast_string(AST, T.span, T.str, T.len); }
exp(A) ::= TRUE(T).                                    { A = ast_int(AST, N_BOOL, T.span, 1); }
exp(A) ::= FALSE(T).                                   { A = ast_int(AST, N_BOOL, T.span, 0); }
exp(A) ::= ID(T).                                      { A = parse_var(ps, &T); }
exp(A) ::= UNDERSCORE(T).                              { A = ast_new(AST, N_WILD, 0, T.span, 0); }
exp(A) ::= exp(M) COLONCOLON ID(T).                    { A = parse_qual(ps, M, &T); }
exp(A) ::= LPAREN(L) exp(E) RPAREN(R).                 { A = parse_paren(ps, E, L.span, R.span); }
exp(A) ::= LPAREN(L) exp(E) COMMA exps(ES) RPAREN(R).  { A = parse_tuple(ps, E, ES, L.span, R.span); }
exp(A) ::= EMPTYSEQ(T).                                { A = ast_new(AST, N_SEQ, 0, T.span, 0); }
exp(A) ::= LSEQ(L) exps(E) RSEQ(R).                    { A = parse_relist(ps, N_SEQ, span_join(L.span, R.span), E); }
exp(A) ::= LSEQ(L) exp(F) DOTDOT RSEQ(R).              { A = parse_range(ps, RANGE_SEQ, F, NULL, L.span, R.span); }
exp(A) ::= LSEQ(L) exp(F) DOTDOT exp(T) RSEQ(R).       { A = parse_range(ps, RANGE_SEQ, F, T, L.span, R.span); }
exp(A) ::= LSEQ(L) exps(E) BAR stmts(S) RSEQ(R).       { A = parse_comp(ps, RANGE_SEQ, E, S, L.span, R.span); }
exp(A) ::= LSEQ(L) BAR stmts(S) RSEQ(R).               { A = parse_comp(ps, RANGE_SEQ, parse_list0(ps), S, L.span, R.span); }
exp(A) ::= LSEQ(L) exp(F) DOTDOT BAR stmts(S) RSEQ(R). { A = parse_comp(ps, RANGE_SEQ, parse_range(ps, RANGE_SEQ, F, NULL, L.span, L.span), S, L.span, R.span); }
exp(A) ::= LSEQ(L) exp(F) DOTDOT exp(T) BAR stmts(S) RSEQ(R). { A = parse_comp(ps, RANGE_SEQ, parse_range(ps, RANGE_SEQ, F, T, L.span, L.span), S, L.span, R.span); }
exp(A) ::= LBRACE(L) RBRACE(R).                        { A = ast_new(AST, N_SET, 0, span_join(L.span, R.span), 0); }
exp(A) ::= LBRACE(L) exps(E) RBRACE(R).                { A = parse_relist(ps, N_SET, span_join(L.span, R.span), E); }
exp(A) ::= LBRACE(L) exp(F) DOTDOT RBRACE(R).          { A = parse_range(ps, RANGE_SET, F, NULL, L.span, R.span); }
exp(A) ::= LBRACE(L) exp(F) DOTDOT exp(T) RBRACE(R).   { A = parse_range(ps, RANGE_SET, F, T, L.span, R.span); }
exp(A) ::= LBRACE(L) exps(E) BAR stmts(S) RBRACE(R).   { A = parse_comp(ps, RANGE_SET, E, S, L.span, R.span); }
exp(A) ::= LBRACE(L) BAR stmts(S) RBRACE(R).           { A = parse_comp(ps, RANGE_SET, parse_list0(ps), S, L.span, R.span); }
exp(A) ::= LBRACE(L) exp(F) DOTDOT BAR stmts(S) RBRACE(R). { A = parse_comp(ps, RANGE_SET, parse_range(ps, RANGE_SET, F, NULL, L.span, L.span), S, L.span, R.span); }
exp(A) ::= LBRACE(L) exp(F) DOTDOT exp(T) BAR stmts(S) RBRACE(R). { A = parse_comp(ps, RANGE_SET, parse_range(ps, RANGE_SET, F, T, L.span, L.span), S, L.span, R.span); }
exp(A) ::= LPROD(L) RPROD(R).                          { A = parse_prod(ps, parse_list0(ps), NULL, L.span, R.span); }
exp(A) ::= LPROD(L) exps(E) RPROD(R).                  { A = parse_prod(ps, E, NULL, L.span, R.span); }
exp(A) ::= LPROD(L) exps(E) BAR stmts(S) RPROD(R).     { A = parse_prod(ps, E, S, L.span, R.span); }
exp(A) ::= LPROD(L) BAR stmts(S) RPROD(R).             { A = parse_prod(ps, parse_list0(ps), S, L.span, R.span); }
exp(A) ::= LMAP(L) RMAP(R).                            { A = ast_new(AST, N_MAP, 0, span_join(L.span, R.span), 0); }
exp(A) ::= LMAP(L) mapents(E) RMAP(R).                 { A = parse_relist(ps, N_MAP, span_join(L.span, R.span), E); }

// application and renaming (level 0)
exp(A) ::= exp(F) LPAREN RPAREN(R).                    { A = parse_apply(ps, F, parse_list0(ps), R.span); }
exp(A) ::= exp(F) LPAREN exps(E) RPAREN(R).            { A = parse_apply(ps, F, E, R.span); }
exp(A) ::= exp(P) LRENAME RRENAME(R).                  { A = parse_rename(ps, P, parse_list0(ps), NULL, R.span); }
exp(A) ::= exp(P) LRENAME pairs(L) RRENAME(R).         { A = parse_rename(ps, P, L, NULL, R.span); }
exp(A) ::= exp(P) LRENAME pairs(L) BAR stmts(S) RRENAME(R). { A = parse_rename(ps, P, L, S, R.span); }

// expression operators
exp(A) ::= exp(L) CAT exp(R).                          { A = parse_binop(ps, OP_CAT, L, R); }
exp(A) ::= HASH(T) exp(E).                             { A = parse_unop(ps, OP_LEN, &T, E); }
exp(A) ::= exp(L) STAR exp(R).                         { A = parse_binop(ps, OP_MUL, L, R); }
exp(A) ::= exp(L) SLASH exp(R).                        { A = parse_binop(ps, OP_DIV, L, R); }
exp(A) ::= exp(L) PERCENT exp(R).                      { A = parse_binop(ps, OP_MOD, L, R); }
exp(A) ::= exp(L) PLUS exp(R).                         { A = parse_binop(ps, OP_ADD, L, R); }
exp(A) ::= exp(L) MINUS exp(R).                        { A = parse_binop(ps, OP_SUB, L, R); }
exp(A) ::= MINUS(T) exp(E).                            { A = parse_unop(ps, OP_NEG, &T, E); }
exp(A) ::= exp(L) EQEQ exp(R).                         { A = parse_binop(ps, OP_EQ, L, R); }
exp(A) ::= exp(L) NE exp(R).                           { A = parse_binop(ps, OP_NE, L, R); }
exp(A) ::= exp(L) LT exp(R).                           { A = parse_binop(ps, OP_LT, L, R); }
exp(A) ::= exp(L) GT exp(R).                           { A = parse_binop(ps, OP_GT, L, R); }
exp(A) ::= exp(L) LE exp(R).                           { A = parse_binop(ps, OP_LE, L, R); }
exp(A) ::= exp(L) GE exp(R).                           { A = parse_binop(ps, OP_GE, L, R); }
exp(A) ::= NOT(T) exp(E).                              { A = parse_unop(ps, OP_NOT, &T, E); }
exp(A) ::= exp(L) AND exp(R).                          { A = parse_binop(ps, OP_AND, L, R); }
exp(A) ::= exp(L) OR exp(R).                           { A = parse_binop(ps, OP_OR, L, R); }
exp(A) ::= exp(L) COLON exp(R).                        { A = ast_new(AST, N_RESTRICT, 0, L->span, 2, L, R); }
exp(A) ::= exp(L) DOT exp(R).                          { A = ast_new(AST, N_DOT, 0, L->span, 2, L, R); }
exp(A) ::= exp(L) ATAT exp(R).                         { A = ast_new(AST, N_ATAT, 0, L->span, 2, L, R); }
exp(A) ::= exp(H) QUESTION exp(X).                     { A = parse_field(ps, FIELD_IN, H, X); }
exp(A) ::= exp(H) BANG exp(X).                         { A = parse_field(ps, FIELD_OUT, H, X); }
exp(A) ::= exp(H) DOLLAR exp(X).                       { A = parse_field(ps, FIELD_NDIN, H, X); }

// binding forms (level 10): the body extends as far right as possible
exp(A) ::= IF(T) exp(C) THEN exp(X) ELSE exp(Y).       { A = ast_new(AST, N_IF, 0, T.span, 3, C, X, Y); }
exp(A) ::= LET(T) ldecls(D) WITHIN exp(E).             { A = parse_let(ps, &T, D, E); }
exp(A) ::= BACKSLASH(T) exps(P) AT exp(E). [AT]        { A = ast_new(AST, N_LAMBDA, 0, T.span, 2, P, E); }

// process operators
exp(A) ::= exp(E) ARROW exp(P).                        { A = ast_prefix(AST, E, P); }
exp(A) ::= exp(B) AMP exp(P).                          { A = parse_binop(ps, OP_GUARD, B, P); }
exp(A) ::= exp(L) SEMI exp(R).                         { A = parse_binop(ps, OP_SEQ, L, R); }
exp(A) ::= exp(L) TIMEOUT exp(R).                      { A = parse_binop(ps, OP_TIMEOUT, L, R); }
exp(A) ::= exp(L) INTERRUPT exp(R).                    { A = parse_binop(ps, OP_INTERRUPT, L, R); }
exp(A) ::= exp(L) LSYNCINT exp(S) RSYNCINT exp(R).     { A = ast_new(AST, N_SYNCINT, 0, L->span, 3, L, S, R); }
exp(A) ::= exp(L) EXTCHOICE exp(R).                    { A = parse_binop(ps, OP_EXTCHOICE, L, R); }
exp(A) ::= exp(L) LSYNC exp(S) RSYNC exp(R).           { A = ast_new(AST, N_SYNCEXT, 0, L->span, 3, L, S, R); }
exp(A) ::= exp(L) INTCHOICE exp(R).                    { A = parse_binop(ps, OP_INTCHOICE, L, R); }
exp(A) ::= exp(L) LPAR exp(S) RPAR exp(R).             { A = ast_new(AST, N_GENPAR, 0, L->span, 3, L, S, R); }
exp(A) ::= exp(L) LPAR exp(S) EXCEPTR exp(R).          { A = ast_new(AST, N_EXCEPT, 0, L->span, 3, L, S, R); }
exp(A) ::= exp(L) LBRACKET exp(X) PARBARS exp(Y) RBRACKET exp(R). { A = ast_new(AST, N_ALPHPAR, 0, L->span, 4, L, X, Y, R); }
exp(A) ::= exp(L) LBRACKET ties(T) RBRACKET exp(R).    { A = ast_new(AST, N_LINKPAR, 0, L->span, 4, L, T, NULL, R); }
exp(A) ::= exp(L) LBRACKET ties(T) BAR stmts(S) RBRACKET exp(R). { A = ast_new(AST, N_LINKPAR, 0, L->span, 4, L, T, S, R); }
exp(A) ::= exp(L) INTERLEAVE exp(R).                   { A = parse_binop(ps, OP_INTERLEAVE, L, R); }
exp(A) ::= exp(P) BACKSLASH exp(S).                    { A = ast_hide(AST, OP_HIDE, P, S); }
exp(A) ::= exp(P) PROJECT exp(S).                      { A = ast_hide(AST, OP_PROJECT, P, S); }

// replicated operators (level 10)
exp(A) ::= EXTCHOICE(T) stmts(S) AT exp(P). [AT]       { A = ast_new(AST, N_REP, OP_EXTCHOICE, T.span, 2, S, P); }
exp(A) ::= INTCHOICE(T) stmts(S) AT exp(P). [AT]       { A = ast_new(AST, N_REP, OP_INTCHOICE, T.span, 2, S, P); }
exp(A) ::= INTERLEAVE(T) stmts(S) AT exp(P). [AT]      { A = ast_new(AST, N_REP, OP_INTERLEAVE, T.span, 2, S, P); }
exp(A) ::= SEMI(T) stmts(S) AT exp(P). [AT]            { A = ast_new(AST, N_REP, OP_SEQ, T.span, 2, S, P); }
exp(A) ::= PARBARS(T) stmts(S) AT LBRACKET exp(X) RBRACKET exp(P). [AT]
    { A = ast_new(AST, N_REP, OP_PAR, T.span, 2, S, ast_new(AST, N_ALPHA, 0, X->span, 2, X, P)); }
exp(A) ::= LPAR(T) exp(X) RPAR stmts(S) AT exp(P). [AT] { A = ast_new(AST, N_REPGENPAR, 0, T.span, 3, X, S, P); }
exp(A) ::= LSYNC(T) exp(X) RSYNC stmts(S) AT exp(P). [AT] { A = ast_new(AST, N_REPSYNCEXT, 0, T.span, 3, X, S, P); }
exp(A) ::= LBRACKET(T) ties(L) RBRACKET stmts(S) AT exp(P). [AT]
    { A = ast_new(AST, N_REPLINK, 0, T.span, 4, L, NULL, S, P); }
exp(A) ::= LBRACKET(T) ties(L) BAR stmts(G) RBRACKET stmts(S) AT exp(P). [AT]
    { A = ast_new(AST, N_REPLINK, 0, T.span, 4, L, G, S, P); }
