/* mutate.c - write mutated variants of a CSPM script, for tests/fuzz.sh.
 *
 * usage: mutate SEED N IN OUTDIR
 * Reads IN and writes OUTDIR/m_0.csp ... OUTDIR/m_<N-1>.csp. Each mutant is
 * IN after one to four random edits: delete, duplicate or swap byte ranges,
 * insert bytes (NUL, 0x80-0xFF, control bytes, CSPM operators, brackets and
 * keywords), splice in a chunk of another line, truncate, or repeat a bracket
 * 1000 times (sometimes closed again, so the nesting is deep but valid).
 * Mutant i depends only on SEED, i and IN (our own splitmix64, never rand()),
 * so the same arguments give the same files on every machine.
 * Exit status: 0 ok, 1 I/O error, 2 usage. Self-contained C11.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    MAX_LEN = 4 << 20,   /* a mutant never grows past this many bytes */
    STORM = 1000,        /* how many times a bracket storm repeats its bracket */
};

typedef struct {
    unsigned char *p;
    size_t len, cap;
} Buf;

/* splitmix64 (Steele, Lea, Flood 2014): one 64-bit state, good enough mixing. */
static uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* A number in [0, n); 0 when n is 0. */
static size_t rng_below(uint64_t *state, size_t n)
{
    return n ? (size_t)(rng_next(state) % n) : 0;
}

static void *xrealloc(void *p, size_t bytes)
{
    void *q = realloc(p, bytes ? bytes : 1);
    if (!q) {
        fputs("mutate: out of memory\n", stderr);
        exit(1);
    }
    return q;
}

static void buf_reserve(Buf *b, size_t extra)
{
    if (b->len + extra <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

/* Insert n bytes of src at pos (src must not point into b). */
static void buf_insert(Buf *b, size_t pos, const void *src, size_t n)
{
    if (n == 0 || b->len + n > MAX_LEN)
        return;
    buf_reserve(b, n);
    memmove(b->p + pos + n, b->p + pos, b->len - pos);
    memcpy(b->p + pos, src, n);
    b->len += n;
}

static void buf_erase(Buf *b, size_t pos, size_t n)
{
    if (n == 0)
        return;
    memmove(b->p + pos, b->p + pos + n, b->len - pos - n);
    b->len -= n;
}

/* A range length for a buffer with max bytes left: mostly short, sometimes long. */
static size_t pick_len(uint64_t *rng, size_t max)
{
    if (max == 0)
        return 0;
    size_t cap;
    switch (rng_below(rng, 4)) {
    case 0: case 1: cap = 8; break;
    case 2: cap = 64; break;
    default: cap = max; break;
    }
    if (cap > max)
        cap = max;
    return 1 + rng_below(rng, cap);
}

static const char *const tokens[] = {
    "[|", "|]", "<-", "->", "<->", "{", "}", "<", ">", "(", ")", "[", "]",
    "[[", "]]", "{|", "|}", "(|", "(| ", "|)", "[]", "|~|", "|||", "||",
    "/\\", "\\", "[>", "|>", "[|{a}|>", "[+", "+]", "/+", "+\\", ";", "&",
    "@", "?", "!", "$", ".", "..", ",", ":", "::", " :: ", "=", "==", "!=",
    "<=", ">=", "+", "-", "*", "/", "%", "^", "#", "=>", "=>*", "@@", "_",
    "'", "''", "P'", "--", "{-", "-}", "{-{-", "\"", "\"\\", "'\\", "\\n",
    "\n", "\r\n", "\r", " ", "\t", "\f", "\v", "channel ", "datatype ",
    "nametype ", "subtype ", " let ", " within ", " if ", " then ", " else ",
    "\ninclude ", "\ninclude \"m_0.csp\"\n", "\ninclude \".\"\n",
    "\ninclude \"no such file.csp\"\n", "\nassert ", " not ", " and ", " or ",
    "\nmodule M\n", "\nexports\n", "\nendmodule\n", "instance I = M(1)",
    "Timed(et) {", "\nprint ", "external ", "transparent ", "STOP", "SKIP",
    "DIV", "[T=", "[F=", "[FD=", "[R=", ":[", "]:", "deadlock free",
    "divergence-free", "deterministic", "has trace", "tau priority", "[T]",
    "[FD]", "0", "-1", "2147483647", "2147483648", "9223372036854775807",
    "9223372036854775808", "99999999999999999999999999", "true", "false",
    "Int", "Events", "Proc", "x", "P", "c.1", "c?x", "c!1", "<>", "< >",
    "{}", "\xEF\xBB\xBF", "\xC3\xA9", "\xC0\x80", "\xF4\x90\x80\x80",
    "\xE2\x80\xA8",
};

static const char *const openers[] = { "(", "[", "{", "<", "{|", "[|", "[[", "(| ", "{-" };
static const char *const closers[] = { ")", "]", "}", ">", "|}", "|]", "]]", "|)", "-}" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* One random byte from a class the lexer must survive. */
static unsigned char random_byte(uint64_t *rng)
{
    switch (rng_below(rng, 5)) {
    case 0: return 0;
    case 1: return (unsigned char)(0x80 + rng_below(rng, 0x80));
    case 2: return (unsigned char)rng_below(rng, 0x20);
    case 3: return 0x7F;
    default: return (unsigned char)(0x20 + rng_below(rng, 0x5F));
    }
}

static void op_delete(Buf *b, uint64_t *rng)
{
    size_t pos = rng_below(rng, b->len + 1);
    buf_erase(b, pos, pick_len(rng, b->len - pos));
}

static void op_duplicate(Buf *b, uint64_t *rng)
{
    size_t pos = rng_below(rng, b->len + 1);
    size_t n = pick_len(rng, b->len - pos);
    if (n == 0 || b->len + n > MAX_LEN)
        return;
    unsigned char *copy = xrealloc(NULL, n);
    memcpy(copy, b->p + pos, n);
    buf_insert(b, rng_below(rng, b->len + 1), copy, n);
    free(copy);
}

/* Exchange two disjoint ranges [s1, s1+n1) and [s2, s2+n2), s1+n1 <= s2. */
static void op_swap(Buf *b, uint64_t *rng)
{
    if (b->len < 2)
        return;
    size_t s1 = rng_below(rng, b->len);
    size_t n1 = pick_len(rng, b->len - s1);
    size_t rest = b->len - (s1 + n1);
    if (rest == 0)
        return;
    size_t s2 = s1 + n1 + rng_below(rng, rest);
    size_t n2 = pick_len(rng, b->len - s2);
    size_t span = s2 + n2 - s1;
    unsigned char *tmp = xrealloc(NULL, span);
    size_t at = 0;
    memcpy(tmp + at, b->p + s2, n2);
    at += n2;
    memcpy(tmp + at, b->p + s1 + n1, s2 - (s1 + n1));
    at += s2 - (s1 + n1);
    memcpy(tmp + at, b->p + s1, n1);
    memcpy(b->p + s1, tmp, span);
    free(tmp);
}

static void op_insert(Buf *b, uint64_t *rng)
{
    size_t pos = rng_below(rng, b->len + 1);
    size_t count = 1 + rng_below(rng, 6);
    for (size_t k = 0; k < count; k++) {
        if (rng_below(rng, 3) == 0) {
            unsigned char c = random_byte(rng);
            buf_insert(b, pos, &c, 1);
        } else {
            const char *t = tokens[rng_below(rng, COUNT(tokens))];
            buf_insert(b, pos, t, strlen(t));
        }
    }
}

/* Copy part of a random line to a random place, inserting or overwriting. */
static void op_splice_line(Buf *b, uint64_t *rng)
{
    if (b->len == 0)
        return;
    size_t from = rng_below(rng, b->len);
    while (from > 0 && b->p[from - 1] != '\n')
        from--;
    size_t end = from;
    while (end < b->len && b->p[end] != '\n')
        end++;
    if (end == from)
        return;
    size_t start = from + rng_below(rng, end - from);
    size_t n = pick_len(rng, end - start);
    unsigned char *chunk = xrealloc(NULL, n);
    memcpy(chunk, b->p + start, n);
    size_t pos = rng_below(rng, b->len + 1);
    if (rng_below(rng, 2))
        buf_erase(b, pos, pick_len(rng, b->len - pos));
    buf_insert(b, pos, chunk, n);
    free(chunk);
}

static void op_truncate(Buf *b, uint64_t *rng)
{
    b->len = rng_below(rng, b->len + 1);
}

/* A bracket repeated STORM times; a third of the time closed again around x. */
static void op_bracket_storm(Buf *b, uint64_t *rng)
{
    size_t which = rng_below(rng, COUNT(openers));
    int closed = rng_below(rng, 3) == 0;
    const char *bracket = rng_below(rng, 2) || closed ? openers[which] : closers[which];
    size_t blen = strlen(bracket);
    Buf storm = { 0 };
    for (int k = 0; k < STORM; k++)
        buf_insert(&storm, storm.len, bracket, blen);
    if (closed) {
        const char *close = closers[which];
        buf_insert(&storm, storm.len, "x", 1);
        for (int k = 0; k < STORM; k++)
            buf_insert(&storm, storm.len, close, strlen(close));
    }
    buf_insert(b, rng_below(rng, b->len + 1), storm.p, storm.len);
    free(storm.p);
}

typedef void (*Mutation)(Buf *, uint64_t *);

/* Repeats weight the choice: inserts and deletes are the most useful edits. */
static const Mutation mutations[] = {
    op_delete, op_delete, op_duplicate, op_swap, op_insert, op_insert, op_insert,
    op_splice_line, op_splice_line, op_truncate, op_bracket_storm,
};

static int parse_count(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9')
        return 0;
    *out = strtoull(s, &end, 10);
    return errno == 0 && *end == '\0';
}

static int read_file(const char *path, Buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf_reserve(b, n);
        memcpy(b->p + b->len, chunk, n);
        b->len += n;
    }
    int ok = !ferror(f);
    fclose(f);
    return ok;
}

static int write_file(const char *path, const Buf *b)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    int ok = fwrite(b->p, 1, b->len, f) == b->len;
    return fclose(f) == 0 && ok;
}

int main(int argc, char **argv)
{
    unsigned long long seed, count;
    if (argc != 5 || !parse_count(argv[1], &seed) || !parse_count(argv[2], &count)) {
        fputs("usage: mutate SEED N IN OUTDIR\n", stderr);
        return 2;
    }
    const char *in_path = argv[3], *out_dir = argv[4];

    Buf orig = { 0 };
    if (!read_file(in_path, &orig)) {
        fprintf(stderr, "mutate: cannot read %s: %s\n", in_path, strerror(errno));
        return 1;
    }

    Buf m = { 0 };
    size_t path_len = strlen(out_dir) + 32;
    char *path = xrealloc(NULL, path_len);
    for (unsigned long long i = 0; i < count; i++) {
        uint64_t rng = (uint64_t)seed ^ ((uint64_t)i * UINT64_C(0xD1B54A32D192ED03));
        rng_next(&rng);
        m.len = 0;
        buf_reserve(&m, orig.len);
        if (orig.len)
            memcpy(m.p, orig.p, orig.len);
        m.len = orig.len;
        size_t n_edits = 1 + rng_below(&rng, 4);
        for (size_t k = 0; k < n_edits; k++)
            mutations[rng_below(&rng, COUNT(mutations))](&m, &rng);

        snprintf(path, path_len, "%s/m_%llu.csp", out_dir, i);
        if (!write_file(path, &m)) {
            fprintf(stderr, "mutate: cannot write %s: %s\n", path, strerror(errno));
            return 1;
        }
    }
    free(path);
    free(m.p);
    free(orig.p);
    return 0;
}
