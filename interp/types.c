/* types.c - type terms, unification with classes, schemes, printing, and the
 * built-ins' types as resolve.h's table writes them (see types_internal.h).
 *
 * Unification is the usual one on terms with variables linked in place,
 * plus: a variable carries the classes (Eq, Ord, Set, Complete) it must
 * belong to, checked when it is bound; DYN unifies with everything; dotted
 * types of different lengths unify silently (FDR's dot typing is not
 * complete, and cspi keeps its run-time checks there). Levels implement
 * generalisation: a variable made inside a definition that is not bound to
 * anything outside it becomes generic when the definition is done.
 */
#include "types_internal.h"

#include <stdio.h>
#include <string.h>

Type *ty_new(Types *T, TypeKind k, uint32_t n)
{
    Type *t = ARENA_NEW(T->arena, Type);
    t->kind = (uint8_t)k;
    t->n = n;
    if (n) t->kid = arena_alloc(T->arena, n * sizeof *t->kid);
    return t;
}

Type *ty_var(Types *T, uint32_t level, uint8_t cls)
{
    Type *t = ty_new(T, TT_VAR, 0);
    t->level = level;
    t->cls = cls;
    t->id = T->next_var++;
    return t;
}

Type *ty_base(Types *T, TypeKind k)
{
    Type *t = &T->base[k];   /* childless and never linked: one per Types */
    t->kind = (uint8_t)k;
    return t;
}

Type *ty_one(Types *T, TypeKind k, Type *a)
{
    Type *t = ty_new(T, k, 1);
    t->kid[0] = a;
    return t;
}

Type *ty_two(Types *T, TypeKind k, Type *a, Type *b)
{
    Type *t = ty_new(T, k, 2);
    t->kid[0] = a;
    t->kid[1] = b;
    return t;
}

Type *ty_data(Types *T, const ResDef *d)
{
    Type *t = ty_new(T, TT_DATA, 0);
    t->data = d;
    return t;
}

Type *ty_resolve(Type *t)
{
    while (t->kind == TT_VAR && t->link) t = t->link;
    return t;
}

/* ---- definitions' information ---- */

static uint32_t ptr_hash(const void *p)
{
    return hash_mix((uint64_t)(uintptr_t)p);
}

DefInfo *ty_find(const Types *T, const ResDef *d)
{
    if (!T->cap) return NULL;
    HashSlot *s = (HashSlot *)T->slots;
    uint32_t h = ptr_hash(d), mask = T->cap - 1;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        if (!s[i].item) return NULL;
        DefInfo *di = s[i].item;
        if (di->def == d) return di;
    }
}

DefInfo *ty_info(Types *T, const ResDef *d)
{
    DefInfo *di = ty_find(T, d);
    if (di) return di;
    if ((T->n + 1) * 2 > T->cap) {
        if (!T->cap) {
            T->cap = 64;
            T->slots = xcalloc(T->cap, sizeof(HashSlot));
        } else {
            slots_grow((HashSlot **)&T->slots, &T->cap);
        }
    }
    di = ARENA_NEW(T->arena, DefInfo);
    di->def = d;
    di->unit = UINT32_MAX;
    HashSlot *s = (HashSlot *)T->slots;
    uint32_t h = ptr_hash(d), mask = T->cap - 1, i = h & mask;
    while (s[i].item) i = (i + 1) & mask;
    s[i].hash = h;
    s[i].item = di;
    T->n++;
    return di;
}

/* ---- classes ---- */

const char *ty_class_name(uint8_t cls)
{
    if (cls & C_ORD) return "Ord";
    if (cls & C_EQ) return "Eq";
    if (cls & C_SET) return "Set";
    if (cls & C_COMPLETE) return "Complete";
    return "Yieldable";
}

/* Ord implies Eq implies Set (for what a variable must satisfy). */
static uint8_t closed(uint8_t cls)
{
    if (cls & C_ORD) cls |= C_EQ;
    if (cls & C_EQ) cls |= C_SET;
    return cls;
}

static bool require(Types *T, Type *t, uint8_t cls, uint32_t depth);

/* The classes a datatype belongs to: those all its constructors' fields
 * belong to (a recursive datatype is assumed to while it is asked). */
static uint8_t data_classes(Types *T, const ResDef *d, uint32_t depth)
{
    DefInfo *di = ty_info(T, d);
    if (di->data_cls_known) return di->data_cls;
    if (di->data_busy || depth > 50) return C_EQ | C_SET | C_COMPLETE;
    uint8_t mask = C_EQ | C_SET | C_COMPLETE;
    bool all_typed = true;
    di->data_busy = true;
    for (uint32_t i = 0; i < d->n_members; i++) {
        DefInfo *ci = ty_find(T, d->members[i]);
        if (!ci || ci->state != 2) {
            all_typed = false;
            continue;
        }
        for (uint32_t f = 0; f < ci->n_fields; f++)
            for (uint8_t c = 1; c < C_YIELD; c <<= 1) {
                if (!(mask & c) || c == C_ORD) continue;
                UnifyFail why = T->why;
                if (!require(T, ci->fields[f], c, depth + 1)) mask &= (uint8_t)~c;
                T->why = why;
            }
    }
    di->data_busy = false;
    if (all_typed && depth == 0) {
        di->data_cls = mask;
        di->data_cls_known = true;
    }
    return mask;
}

static bool class_fail(Types *T, Type *t, uint8_t cls)
{
    T->why = UF_CLASS;
    T->why_a = t;
    T->why_cls = cls;
    return false;
}

static bool require_all(Types *T, Type *t, uint8_t cls, uint32_t depth)
{
    for (uint32_t i = 0; i < t->n; i++)
        if (!require(T, t->kid[i], cls, depth + 1)) return false;
    return true;
}

static bool require(Types *T, Type *t, uint8_t cls, uint32_t depth)
{
    t = ty_resolve(t);
    cls &= (uint8_t)~C_YIELD;
    if (!cls || depth > 200) return true;
    switch (t->kind) {
    case TT_VAR:
        if (t->rigid && (closed(cls) & ~t->cls)) return class_fail(T, t, cls);
        t->cls |= closed(cls);
        return true;
    case TT_DYN: case TT_INT: case TT_CHAR:
        return true;
    case TT_BOOL: case TT_EVENT:
        return (cls & C_ORD) ? class_fail(T, t, C_ORD) : true;
    case TT_PROC:
        if (cls & (C_EQ | C_ORD)) return class_fail(T, t, cls & C_ORD ? C_ORD : C_EQ);
        return true;
    case TT_DATA: {
        if (cls & C_ORD) return class_fail(T, t, C_ORD);
        uint8_t have = data_classes(T, t->data, depth);
        uint8_t miss = cls & (uint8_t)~have;
        return miss ? class_fail(T, t, miss) : true;
    }
    case TT_SET: case TT_SEQ:
        if (cls & (C_EQ | C_ORD)) return require(T, t->kid[0], C_EQ, depth + 1);
        return require(T, t->kid[0], cls, depth + 1);
    case TT_MAP:
        if (cls & (C_EQ | C_ORD)) return require_all(T, t, C_EQ, depth);
        return require_all(T, t, cls, depth);
    case TT_TUPLE:
        return require_all(T, t, cls, depth);
    case TT_FUN:
        return class_fail(T, t, cls & C_ORD ? C_ORD : cls & C_EQ ? C_EQ : cls & C_SET ? C_SET : cls);
    case TT_DOT:
        if (cls & C_ORD) return class_fail(T, t, C_ORD);
        return require_all(T, t, cls, depth);
    case TT_DOTABLE:
        if (cls & (C_ORD | C_COMPLETE)) return class_fail(T, t, cls & C_ORD ? C_ORD : C_COMPLETE);
        return true;
    default:
        return true;
    }
}

bool ty_require(Types *T, Type *t, uint8_t cls)
{
    T->why = UF_OK;
    return require(T, t, cls, 0);
}

/* ---- unification ---- */

/* Whether v occurs in t; lowers the levels of t's variables to v's. */
static bool occurs(Type *v, Type *t, uint32_t depth)
{
    t = ty_resolve(t);
    if (t == v) return true;
    if (depth > 2000) return false;
    if (t->kind == TT_VAR) {
        if (t->level > v->level && t->level != LEVEL_GENERIC) t->level = v->level;
        return false;
    }
    for (uint32_t i = 0; i < t->n; i++)
        if (occurs(v, t->kid[i], depth + 1)) return true;
    return false;
}

static bool bind(Types *T, Type *v, Type *t)
{
    if (occurs(v, t, 0)) {
        T->why = UF_INFINITE;
        T->why_a = v;
        T->why_b = t;
        return false;
    }
    if (v->cls && !require(T, t, v->cls, 0)) return false;
    v->link = t;
    return true;
}

static bool mismatch(Types *T, Type *a, Type *b)
{
    T->why = UF_MISMATCH;
    T->why_a = a;
    T->why_b = b;
    return false;
}

/* Whether a dotable's fields include one of unknown shape (a variable, a
 * dotted value, DYN), which may stand for several fields. */
static bool vague_fields(Type *t)
{
    for (uint32_t i = 0; i + 1 < t->n; i++) {
        Type *f = ty_resolve(t->kid[i]);
        if (f->kind == TT_VAR || f->kind == TT_DYN || f->kind == TT_DOT || f->kind == TT_DATA)
            return true;
    }
    return false;
}

static bool unify(Types *T, Type *a, Type *b, uint32_t depth);

/* A dotable whose result is still a variable (`Int=>a`): with more fields
 * on the other side, the variable takes them (`a = Int=>Event`). */
static bool open_result(Type *t)
{
    Type *r = ty_resolve(t->kid[t->n - 1]);
    return r->kind == TT_VAR && !r->rigid;
}

/* `Int=>a` with a bound to `Int=>Event` is `Int=>Int=>Event`: one dotable. */
static bool nested_result(Type *t)
{
    return ty_resolve(t->kid[t->n - 1])->kind == TT_DOTABLE;
}

static Type *flat_dotable(Types *T, Type *t)
{
    uint32_t n = t->n;
    Type *r = t;
    for (uint32_t depth = 0; nested_result(r) && depth < 64; depth++) {
        r = ty_resolve(r->kid[r->n - 1]);
        n += r->n - 1;
    }
    if (r == t) return t;
    Type *f = ty_new(T, TT_DOTABLE, n);
    uint32_t k = 0;
    for (Type *p = t; ; p = ty_resolve(p->kid[p->n - 1])) {
        bool last = p == r;
        for (uint32_t i = 0; i + (last ? 0 : 1) < p->n; i++) f->kid[k++] = p->kid[i];
        if (last) break;
    }
    return f;
}

/* Dotted values of different lengths, one a pattern's (FDR's x.y.z is
 * x.(y.z)), or dotables of different lengths, the shorter's result open:
 * the parts pair up from the left, and the shorter's last part takes the
 * longer's rest. */
static bool unify_split(Types *T, Type *a, Type *b, uint32_t depth)
{
    Type *s = a->n < b->n ? a : b, *l = s == a ? b : a;
    for (uint32_t i = 0; i + 1 < s->n; i++)
        if (!unify(T, a->kid[i], b->kid[i], depth + 1)) return false;
    Type *rest = ty_new(T, (TypeKind)l->kind, l->n - s->n + 1);
    rest->only_dot = l->only_dot;
    memcpy(rest->kid, l->kid + s->n - 1, rest->n * sizeof *rest->kid);
    Type *last = s->kid[s->n - 1];
    return s == a ? unify(T, last, rest, depth + 1) : unify(T, rest, last, depth + 1);
}

static bool unify(Types *T, Type *a, Type *b, uint32_t depth)
{
    a = ty_resolve(a);
    b = ty_resolve(b);
    if (a == b || a->kind == TT_DYN || b->kind == TT_DYN || depth > 2000) return true;
    if (a->kind == TT_VAR && !a->rigid) return bind(T, a, b);
    if (b->kind == TT_VAR && !b->rigid) return bind(T, b, a);
    if (a->kind == TT_VAR || b->kind == TT_VAR) {
        T->why = UF_RIGID;
        T->why_a = a;
        T->why_b = b;
        return false;
    }
    /* Dotted values: FDR splits and joins them in ways cspi does not follow
     * statically; only same-shaped ones are compared. A pattern's `x.y` is
     * a dotted value, though, and nothing else (FDR: "Couldn't match
     * expected type a.b with actual type Event"). */
    if (a->kind == TT_DOT || b->kind == TT_DOT) {
        if (a->kind != b->kind) {
            Type *d = a->kind == TT_DOT ? a : b, *o = d == a ? b : a;
            /* a dotted value is never a number, a set, a process ...; whether
             * one of unknown head is an event or a datatype value is left open */
            bool single = o->kind != TT_EVENT && o->kind != TT_DATA && o->kind != TT_DOTABLE;
            return d->only_dot || single ? mismatch(T, a, b) : true;
        }
        if (a->n != b->n) return a->only_dot || b->only_dot ? unify_split(T, a, b, depth) : true;
    }
    if (a->kind != b->kind) return mismatch(T, a, b);
    switch (a->kind) {
    case TT_DATA:
        return a->data == b->data && a->inst == b->inst ? true : mismatch(T, a, b);
    case TT_DOTABLE:
        /* different field counts: equal only if some field's shape is unknown */
        if (nested_result(a) || nested_result(b))
            return unify(T, flat_dotable(T, a), flat_dotable(T, b), depth + 1);
        if (a->n != b->n && open_result(a->n < b->n ? a : b))
            return unify_split(T, a, b, depth);
        if (a->n != b->n) return vague_fields(a) || vague_fields(b) ? true : mismatch(T, a, b);
        break;
    case TT_TUPLE: case TT_FUN:
        if (a->n != b->n) return mismatch(T, a, b);
        break;
    default:
        break;
    }
    for (uint32_t i = 0; i < a->n; i++)
        if (!unify(T, a->kid[i], b->kid[i], depth + 1)) return false;
    return true;
}

bool ty_unify(Types *T, Type *expected, Type *found)
{
    T->why = UF_OK;
    return unify(T, expected, found, 0);
}

/* ---- schemes ---- */

typedef struct {
    Type *from[64], *to[64];
    uint32_t n;
    uint32_t level;
    bool rigid;
} Inst;

/* Copy on write: child i of t becomes k in *c, t's copy, made when a
 * child first differs. */
static void set_kid(Types *T, const Type *t, Type **c, uint32_t i, Type *k)
{
    if (!*c && k == t->kid[i]) return;
    if (!*c) {
        *c = ty_new(T, (TypeKind)t->kind, t->n);
        (*c)->data = t->data;
        (*c)->inst = t->inst;
        (*c)->only_dot = t->only_dot;
        memcpy((*c)->kid, t->kid, t->n * sizeof *(*c)->kid);
    }
    (*c)->kid[i] = k;
}

static Type *inst(Types *T, Type *t, Inst *m, uint32_t depth)
{
    t = ty_resolve(t);
    if (t->kind == TT_VAR) {
        if (t->level != LEVEL_GENERIC) return t;
        for (uint32_t i = 0; i < m->n; i++)
            if (m->from[i] == t) return m->to[i];
        Type *v = ty_var(T, m->level, t->cls);
        v->rigid = m->rigid;
        v->name = t->name;
        if (m->n < 64) {
            m->from[m->n] = t;
            m->to[m->n++] = v;
        }
        return v;
    }
    if (!t->n || depth > 500) return t;
    Type *c = NULL;
    for (uint32_t i = 0; i < t->n; i++) set_kid(T, t, &c, i, inst(T, t->kid[i], m, depth + 1));
    return c ? c : t;
}

static Type *subst(Types *T, Type *t, Type *const *from, Type *const *to, uint32_t n,
                   uint32_t depth)
{
    t = ty_resolve(t);
    if (t->kind == TT_VAR) {
        for (uint32_t i = 0; i < n; i++)
            if (from[i] == t) return to[i];
        return t;
    }
    if (t->kind == TT_DATA && !t->inst) {
        for (uint32_t i = 0; i < n; i++)
            if (from[i]->kind == TT_DATA && from[i]->data == t->data) return to[i];
        return t;
    }
    if (!t->n || depth > 500) return t;
    Type *c = NULL;
    for (uint32_t i = 0; i < t->n; i++) set_kid(T, t, &c, i, subst(T, t->kid[i], from, to, n, depth + 1));
    return c ? c : t;
}

Type *ty_subst(Types *T, Type *t, Type *const *from, Type *const *to, uint32_t n)
{
    return n ? subst(T, t, from, to, n, 0) : t;
}

static void free_vars(Type *t, Type **vars, uint32_t *n, uint32_t cap, uint32_t depth)
{
    t = ty_resolve(t);
    if (depth > 500) return;
    if (t->kind == TT_VAR) {
        if (t->level == LEVEL_GENERIC) return;
        for (uint32_t i = 0; i < *n; i++)
            if (vars[i] == t) return;
        if (*n < cap) vars[(*n)++] = t;
        return;
    }
    for (uint32_t i = 0; i < t->n; i++) free_vars(t->kid[i], vars, n, cap, depth + 1);
}

void ty_free_vars(Type *t, Type **vars, uint32_t *n, uint32_t cap)
{
    free_vars(t, vars, n, cap, 0);
}

Type *ty_instantiate(Types *T, Type *scheme, uint32_t level)
{
    Inst m = { .level = level };
    return inst(T, scheme, &m, 0);
}

Type *ty_skolemise(Types *T, Type *scheme, uint32_t level)
{
    Inst m = { .level = level, .rigid = true };
    return inst(T, scheme, &m, 0);
}

void ty_generalise(Type *t, uint32_t level)
{
    t = ty_resolve(t);
    if (t->kind == TT_VAR) {
        if (t->level > level && t->level != LEVEL_GENERIC) {
            t->level = LEVEL_GENERIC;
            t->rigid = false;
        }
        return;
    }
    for (uint32_t i = 0; i < t->n; i++) ty_generalise(t->kid[i], level);
}

/* ---- printing ---- */

typedef struct {
    char *buf;
    size_t cap, used;
    TyNames *names;
} Out;

static void put(Out *o, const char *s)
{
    size_t n = strlen(s);
    if (o->used + n + 1 > o->cap) n = o->cap > o->used + 1 ? o->cap - o->used - 1 : 0;
    memcpy(o->buf + o->used, s, n);
    o->used += n;
    o->buf[o->used] = 0;
}

static char var_name(TyNames *nm, const Type *v)
{
    for (uint32_t i = 0; i < nm->n; i++)
        if (nm->vars[i] == v) return (char)('a' + i);
    if (nm->n < 26) {
        nm->vars[nm->n] = v;
        return (char)('a' + nm->n++);
    }
    return 'z';
}

/* A datatype's name as FDR prints it: M::T inside module M, I::T for
 * instance I's copy. */
static void put_qualified(Out *o, const ResDef *scope, const ResDef *d)
{
    const ResDef *chain[8];
    uint32_t n = 0;
    for (const ResDef *m = scope; m && n < 8; m = m->owner)
        if (m->kind == RES_DEF_MODULE || m->kind == RES_DEF_INSTANCE) chain[n++] = m;
    while (n--) {
        put(o, chain[n]->name->name);
        put(o, "::");
    }
    put(o, d->name->name);
}

static void print(Out *o, const Type *t, uint32_t depth)
{
    t = ty_resolve((Type *)t);
    if (depth > 40) {
        put(o, "...");
        return;
    }
    char one[2] = { 0, 0 };
    switch (t->kind) {
    case TT_VAR: one[0] = var_name(o->names, t); put(o, one); return;
    case TT_DYN: put(o, "?"); return;
    case TT_INT: put(o, "Int"); return;
    case TT_BOOL: put(o, "Bool"); return;
    case TT_CHAR: put(o, "Char"); return;
    case TT_EVENT: put(o, "Event"); return;
    case TT_PROC: put(o, "Proc"); return;
    case TT_DATA: put_qualified(o, t->inst ? t->inst : t->data->owner, t->data); return;
    case TT_SET: put(o, "{"); print(o, t->kid[0], depth + 1); put(o, "}"); return;
    case TT_SEQ: put(o, "<"); print(o, t->kid[0], depth + 1); put(o, ">"); return;
    case TT_MAP:
        put(o, "(| ");
        print(o, t->kid[0], depth + 1);
        put(o, " => ");
        print(o, t->kid[1], depth + 1);
        put(o, " |)");
        return;
    case TT_TUPLE: case TT_FUN: {
        uint32_t n = t->kind == TT_FUN ? t->n - 1 : t->n;
        put(o, "(");
        for (uint32_t i = 0; i < n; i++) {
            if (i) put(o, ", ");
            print(o, t->kid[i], depth + 1);
        }
        put(o, ")");
        if (t->kind == TT_FUN) {
            put(o, " -> ");
            print(o, t->kid[n], depth + 1);
        }
        return;
    }
    case TT_DOT: case TT_DOTABLE: {
        /* FDR's dotted type is a tree nested to the right, x.y.z being
         * x.(y.z), and its '.' associates to the left, so every field but
         * the first two opens a bracket: Bool.(A.Int); '=>' associates
         * to the right and needs none. */
        uint32_t open = 0;
        for (uint32_t i = 0; i < t->n; i++) {
            if (i) put(o, t->kind == TT_DOT ? "." : "=>");
            if (t->kind == TT_DOT && i && i + 1 < t->n) {
                put(o, "(");
                open++;
            }
            const Type *k = ty_resolve(t->kid[i]);
            bool paren = k->kind == TT_FUN || (k->kind == TT_DOTABLE && (i + 1 < t->n ||
                                                  t->kind == TT_DOT));
            if (paren) put(o, "(");
            print(o, k, depth + 1);
            if (paren) put(o, ")");
        }
        while (open--) put(o, ")");
        return;
    }
    default:
        put(o, "?");
    }
}

static void collect_vars(const Type *t, TyNames *nm, uint32_t depth)
{
    t = ty_resolve((Type *)t);
    if (t->kind == TT_VAR) {
        var_name(nm, t);
        return;
    }
    if (depth > 40) return;
    for (uint32_t i = 0; i < t->n; i++) collect_vars(t->kid[i], nm, depth + 1);
}

void ty_print(char *buf, size_t cap, const Type *t, TyNames *names, bool with_classes)
{
    Out o = { buf, cap, 0, names };
    if (cap) buf[0] = 0;
    if (with_classes) {
        uint32_t first = names->n;
        collect_vars(t, names, 0);
        uint32_t n = 0;
        char part[64];
        for (uint32_t i = first; i < names->n; i++) {
            uint8_t c = names->vars[i]->cls;
            const char *shown[3] = { NULL, NULL, NULL };
            if (c & (C_ORD | C_EQ | C_SET)) shown[0] = ty_class_name(c);
            if (c & C_COMPLETE) shown[1] = "Complete";
            if (c & C_YIELD) shown[2] = "Yieldable";
            for (int k = 0; k < 3; k++) {
                if (!shown[k]) continue;
                snprintf(part, sizeof part, "%s%s %c", n ? ", " : "", shown[k], (char)('a' + i));
                if (!n) put(&o, "(");
                put(&o, part);
                n++;
            }
        }
        if (n == 1) {
            memmove(o.buf, o.buf + 1, o.used);   /* "Eq a => " needs no brackets */
            o.used--;
            put(&o, " => ");
        } else if (n) {
            put(&o, ") => ");
        }
    }
    print(&o, t, 0);
}

/* ---- the built-ins' types, as resolve.h writes them ----
 * scheme := ['[' Class var {',' Class var} ']'] type
 * type   := atom ['=>' type]
 * atom   := Int | Bool | Char | Event | Proc | '?' | var (one letter) | '{' type '}'
 *         | '<' type '>' | '(|' type '=>' type '|)' | '(' [type {',' type}] ')' ['->' type] */

typedef struct {
    Types *T;
    const char *p;
    Type *vars[26];
} BParse;

static void skip(BParse *b)
{
    while (*b->p == ' ') b->p++;
}

static bool eat(BParse *b, const char *s)
{
    skip(b);
    size_t n = strlen(s);
    if (strncmp(b->p, s, n) != 0) return false;
    b->p += n;
    return true;
}

static Type *bvar(BParse *b, char c)
{
    int i = c - 'a';
    if (!b->vars[i]) b->vars[i] = ty_var(b->T, LEVEL_GENERIC, 0);
    return b->vars[i];
}

static Type *btype(BParse *b);

static Type *batom(BParse *b)
{
    static const struct { const char *s; TypeKind k; } names[] = {
        { "Int", TT_INT }, { "Bool", TT_BOOL }, { "Char", TT_CHAR }, { "Event", TT_EVENT },
        { "Proc", TT_PROC }, { "?", TT_DYN },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (eat(b, names[i].s)) return ty_base(b->T, names[i].k);
    if (eat(b, "{")) {
        Type *t = ty_one(b->T, TT_SET, btype(b));
        eat(b, "}");
        return t;
    }
    if (eat(b, "<")) {
        Type *t = ty_one(b->T, TT_SEQ, btype(b));
        eat(b, ">");
        return t;
    }
    if (eat(b, "(|")) {
        Type *k = batom(b);
        eat(b, "=>");
        Type *v = btype(b);
        eat(b, "|)");
        return ty_two(b->T, TT_MAP, k, v);
    }
    if (eat(b, "(")) {
        Type *items[8];
        uint32_t n = 0;
        if (!eat(b, ")")) {
            do items[n++] = btype(b); while (n < 8 && eat(b, ","));
            eat(b, ")");
        }
        if (eat(b, "->")) {
            Type *f = ty_new(b->T, TT_FUN, n + 1);
            memcpy(f->kid, items, n * sizeof *items);
            f->kid[n] = btype(b);
            return f;
        }
        if (n == 1) return items[0];
        Type *t = ty_new(b->T, TT_TUPLE, n);
        memcpy(t->kid, items, n * sizeof *items);
        return t;
    }
    skip(b);
    char c = *b->p;
    if (c >= 'a' && c <= 'z') {
        b->p++;
        return bvar(b, c);
    }
    return ty_base(b->T, TT_DYN);   /* unreachable for the table's texts */
}

static Type *btype(BParse *b)
{
    Type *t = batom(b);
    if (eat(b, "=>")) return ty_two(b->T, TT_DOTABLE, t, btype(b));
    return t;
}

Type *ty_parse_builtin(Types *T, const char *text)
{
    BParse b = { .T = T, .p = text };
    if (eat(&b, "[")) {
        do {
            uint8_t c = eat(&b, "Eq") ? C_EQ : eat(&b, "Ord") ? C_ORD : eat(&b, "Set") ? C_SET
                      : eat(&b, "Yieldable") ? C_YIELD : C_COMPLETE;
            skip(&b);
            bvar(&b, *b.p++)->cls |= closed(c);
        } while (eat(&b, ","));
        eat(&b, "]");
    }
    return btype(&b);
}
