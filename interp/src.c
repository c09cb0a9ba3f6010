/* src.c - loading texts and mapping offsets to lines; see src.h. */
#include "src.h"

#include "arena.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *name;
    char *text;          /* len bytes + NUL */
    size_t len;
    uint32_t *line_starts; /* computed on first position query */
    uint32_t n_lines;
} SrcFile;

struct SrcSet {
    SrcFile *files;
    uint32_t n, cap;
    const char *why;     /* why the last src_load_file failed */
};

/* A file is read in blocks of this size; the first one is sniffed. */
enum { READ_BLOCK = 1 << 16 };

static const char *const why_binary =
    "not a text file (it has NUL bytes near its start: a binary file, or text in "
    "UTF-16; cspi reads UTF-8)";
static const char *const why_too_big =
    "larger than " SRC_MAX_BYTES_TEXT ", the most a script may have";

/* Whether the first bytes of a file show it is not text: several NUL bytes
 * (one stray NUL in a script is reported where it is, by the lexer). */
static bool looks_binary(const char *buf, size_t len)
{
    size_t n = len < SRC_SNIFF_BYTES ? len : SRC_SNIFF_BYTES, nuls = 0;
    for (size_t i = 0; i < n; i++) nuls += buf[i] == 0;
    return nuls >= SRC_BINARY_NULS;
}

SrcSet *src_set_new(void) { return xcalloc(1, sizeof(SrcSet)); }

void src_set_free(SrcSet *s)
{
    if (!s) return;
    for (uint32_t i = 0; i < s->n; i++) {
        free(s->files[i].name);
        free(s->files[i].text);
        free(s->files[i].line_starts);
    }
    free(s->files);
    free(s);
}

static uint32_t add(SrcSet *s, const char *name, char *text, size_t len)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->files = xrealloc(s->files, s->cap * sizeof *s->files);
    }
    SrcFile *f = &s->files[s->n];
    size_t nl = strlen(name);
    f->name = xmalloc(nl + 1);
    memcpy(f->name, name, nl + 1);
    f->text = text;
    f->len = len;
    f->line_starts = NULL;
    f->n_lines = 0;
    return s->n++;
}

static char *read_failed(FILE *fp, char *buf, int err, const char *why, const char **why_out)
{
    free(buf);
    fclose(fp);
    *why_out = why ? why : strerror(err);
    errno = err;
    return NULL;
}

char *src_read_file(const char *path, size_t *len_out, const char **why)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        *why = strerror(errno);
        return NULL;
    }
    /* Read block by block, so that an endless or binary input (/dev/zero,
     * a FIFO fed forever, an executable) is refused early. */
    size_t cap = READ_BLOCK, len = 0;
    char *buf = xmalloc(cap + 1);
    for (;;) {
        size_t want = cap - len < READ_BLOCK ? cap - len : READ_BLOCK;
        size_t got = fread(buf + len, 1, want, fp);
        if (len == 0 && looks_binary(buf, got)) return read_failed(fp, buf, EILSEQ, why_binary, why);
        len += got;
        if (got < want) {
            if (ferror(fp)) return read_failed(fp, buf, errno ? errno : EIO, NULL, why);
            break;
        }
        if (len > SRC_MAX_BYTES) return read_failed(fp, buf, EFBIG, why_too_big, why);
        if (len == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap + 1);
        }
    }
    fclose(fp);
    if (cap - len > len / 8) buf = xrealloc(buf, len + 1);   /* many small includes */
    buf[len] = 0;
    /* A UTF-8 byte-order mark is not part of the script: dropping it keeps
     * columns as an editor shows them. */
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        memmove(buf, buf + 3, len - 3 + 1);
        len -= 3;
    }
    *why = NULL;
    *len_out = len;
    return buf;
}

int src_load_file(SrcSet *s, const char *path)
{
    size_t len;
    char *buf = src_read_file(path, &len, &s->why);
    return buf ? (int)add(s, path, buf, len) : -1;
}

const char *src_load_error(const SrcSet *s) { return s->why ? s->why : "unknown error"; }

uint32_t src_add_text(SrcSet *s, const char *name, const char *text, size_t len)
{
    char *buf = xmalloc(len + 1);
    memcpy(buf, text, len);
    buf[len] = 0;
    return add(s, name, buf, len);
}

const char *src_name(const SrcSet *s, uint32_t file) { return s->files[file].name; }
const char *src_text(const SrcSet *s, uint32_t file) { return s->files[file].text; }
size_t src_len(const SrcSet *s, uint32_t file) { return s->files[file].len; }
uint32_t src_count(const SrcSet *s) { return s->n; }

static void index_lines(SrcFile *f)
{
    uint32_t cap = 64, n = 0;
    uint32_t *starts = xmalloc(cap * sizeof *starts);
    starts[n++] = 0;
    for (size_t i = 0; i < f->len; i++) {
        if (f->text[i] == '\n') {
            if (n == cap) {
                cap *= 2;
                starts = xrealloc(starts, cap * sizeof *starts);
            }
            starts[n++] = (uint32_t)(i + 1);
        }
    }
    f->line_starts = starts;
    f->n_lines = n;
}

static uint32_t line_index(SrcFile *f, uint32_t off)
{
    if (!f->line_starts) index_lines(f);
    uint32_t lo = 0, hi = f->n_lines;   /* last start <= off */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (f->line_starts[mid] <= off) lo = mid; else hi = mid;
    }
    return lo;
}

void src_position(SrcSet *s, uint32_t file, uint32_t off, uint32_t *line, uint32_t *col)
{
    SrcFile *f = &s->files[file];
    if (off > f->len) off = (uint32_t)f->len;
    uint32_t li = line_index(f, off);
    *line = li + 1;
    *col = off - f->line_starts[li] + 1;
}

void src_line_bounds(SrcSet *s, uint32_t file, uint32_t off, uint32_t *start, uint32_t *len)
{
    SrcFile *f = &s->files[file];
    if (off > f->len) off = (uint32_t)f->len;
    uint32_t li = line_index(f, off);
    uint32_t st = f->line_starts[li];
    uint32_t en = li + 1 < f->n_lines ? f->line_starts[li + 1] - 1 : (uint32_t)f->len;
    if (en > st && f->text[en - 1] == '\r') en--;
    *start = st;
    *len = en - st;
}
