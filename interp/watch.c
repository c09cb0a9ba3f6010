/* watch.c - the limits watched while cspi works; see watch.h. */
#define _POSIX_C_SOURCE 200809L
#include "watch.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* A watcher gives up on work that has not stopped this long after being
 * asked to, or whose memory grew half as much again as the limit (one
 * hash table doubling may add a quarter at once: that is not it). */
#define STUCK_NS (3 * (int64_t)1000000000)

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void watch_begin(Watch *w)
{
    if (!w) return;
    int s = atomic_load(&w->stop);
    if (s == WATCH_MEMORY || s == WATCH_TIMEOUT) atomic_compare_exchange_strong(&w->stop, &s, WATCH_NONE);
    atomic_store(&w->stopped_ns, 0);
    atomic_store(&w->deadline_ns, w->timeout_ms ? now_ns() + (int64_t)w->timeout_ms * 1000000 : 0);
    atomic_store(&w->active, true);
}

void watch_end(Watch *w)
{
    if (!w) return;
    atomic_store(&w->active, false);
    atomic_store(&w->stop, WATCH_NONE);
    atomic_store(&w->stopped_ns, 0);
}

const char *watch_reason(const Watch *w, char *buf, size_t size)
{
    switch (watch_stopped(w)) {
    case WATCH_MEMORY:
        snprintf(buf, size, "the memory limit was reached: more than --max-memory %llu MB in use",
                 (unsigned long long)(w->max_memory >> 20));
        break;
    case WATCH_TIMEOUT:
        snprintf(buf, size, "the time limit was reached: more than --timeout %llu s",
                 (unsigned long long)((w->timeout_ms + 999) / 1000));
        break;
    case WATCH_INTERRUPT:
        snprintf(buf, size, "interrupted");
        break;
    default:
        snprintf(buf, size, "no limit was reached");
    }
    return buf;
}

bool watch_poll(Watch *w)
{
    if (!atomic_load(&w->active)) return false;
    int s = atomic_load(&w->stop);
    int64_t now = now_ns();
    uint64_t mem = w->max_memory ? watch_resident_bytes() : 0;
    if (s == WATCH_MEMORY || s == WATCH_TIMEOUT) {
        int64_t since = atomic_load(&w->stopped_ns);
        return (since && now - since > STUCK_NS) ||
               (w->max_memory && mem > w->max_memory + w->max_memory / 2);
    }
    if (s != WATCH_NONE) return false;
    if (w->max_memory && mem > w->max_memory) {
        atomic_store(&w->stopped_ns, now);
        atomic_store(&w->stop, WATCH_MEMORY);
    } else {
        int64_t deadline = atomic_load(&w->deadline_ns);
        if (deadline && now > deadline) {
            atomic_store(&w->stopped_ns, now);
            atomic_store(&w->stop, WATCH_TIMEOUT);
        }
    }
    return false;
}

/* Reads a small file whole into buf (NUL-terminated); false if it cannot. */
static bool read_small(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return false;
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, size - 1 - n);
        if (r <= 0) break;
        n += (size_t)r;
        if (n == size - 1) break;
    }
    close(fd);
    buf[n] = 0;
    return n > 0;
}

uint64_t watch_resident_bytes(void)
{
    char buf[128];
    unsigned long long size, resident;
    if (read_small("/proc/self/statm", buf, sizeof buf) && sscanf(buf, "%llu %llu", &size, &resident) == 2)
        return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGE_SIZE);
    struct rusage ru;   /* no /proc: the peak will do */
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (uint64_t)ru.ru_maxrss * 1024 : 0;
}

bool watch_parse_memory_limit(const char *text, uint64_t *bytes)
{
    const char *p = text;
    while (*p == ' ' || *p == '\t') p++;
    if (*p < '0' || *p > '9') return false;   /* "max", empty, garbage */
    uint64_t v = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - 9) / 10) return false;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    if (*p) return false;
    if (v >= (uint64_t)1 << 62) return false;   /* cgroup v1's "no limit" (2^63 less a page) */
    *bytes = v;
    return true;
}

/* The smallest limit in file `name` of directory root/path and the
 * directories above it up to root (0: none). */
static uint64_t smallest_up(const char *root, const char *path, const char *name)
{
    char dir[4096], file[4200], buf[64];
    snprintf(dir, sizeof dir, "%s%s", root, path);
    uint64_t best = 0;
    size_t root_len = strlen(root);
    for (;;) {
        size_t len = strlen(dir);
        while (len > root_len && dir[len - 1] == '/') dir[--len] = 0;
        snprintf(file, sizeof file, "%s/%s", dir, name);
        uint64_t v;
        if (read_small(file, buf, sizeof buf) && watch_parse_memory_limit(buf, &v) && (!best || v < best))
            best = v;
        if (len <= root_len) break;
        char *slash = strrchr(dir + root_len, '/');
        if (!slash) break;
        *slash = 0;
    }
    return best;
}

uint64_t watch_cgroup_limit(const char *root, const char *cgroup_text)
{
    uint64_t best = 0;
    char v1root[4096];
    snprintf(v1root, sizeof v1root, "%s/memory", root);
    bool seen_v2 = false, seen_v1 = false;
    for (const char *line = cgroup_text; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        /* hierarchy-id:controllers:path */
        const char *c1 = memchr(line, ':', len);
        const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
        if (c2) {
            char ctl[256], path[2048];
            size_t nctl = (size_t)(c2 - c1 - 1), npath = len - (size_t)(c2 + 1 - line);
            if (nctl < sizeof ctl && npath < sizeof path) {
                memcpy(ctl, c1 + 1, nctl);
                ctl[nctl] = 0;
                memcpy(path, c2 + 1, npath);
                path[npath] = 0;
                uint64_t v = 0;
                bool memory = false;
                for (char *tok = ctl; tok; ) {   /* controllers, comma-separated */
                    char *comma = strchr(tok, ',');
                    if (comma) *comma = 0;
                    memory |= strcmp(tok, "memory") == 0;
                    tok = comma ? comma + 1 : NULL;
                }
                if (nctl == 0 && line[0] == '0') {   /* "0::/path": the unified (v2) hierarchy */
                    v = smallest_up(root, path, "memory.max");
                    seen_v2 = true;
                } else if (memory) {
                    v = smallest_up(v1root, path, "memory.limit_in_bytes");
                    seen_v1 = true;
                }
                if (v && (!best || v < best)) best = v;
            }
        }
        line = end ? end + 1 : NULL;
    }
    uint64_t v = 0;   /* no /proc/self/cgroup (or no path in it): the roots alone */
    if (!seen_v2) v = smallest_up(root, "", "memory.max");
    if (v && (!best || v < best)) best = v;
    v = seen_v1 ? 0 : smallest_up(v1root, "", "memory.limit_in_bytes");
    if (v && (!best || v < best)) best = v;
    return best;
}

uint64_t watch_default_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    uint64_t half = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page / 2 : 0;
    struct rlimit rl;   /* ulimit -v: what is resident is at most what is mapped */
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (!half || rl.rlim_cur / 2 < half))
        half = rl.rlim_cur / 2;
    char text[4096];
    uint64_t container = watch_cgroup_limit("/sys/fs/cgroup",
                                          read_small("/proc/self/cgroup", text, sizeof text) ? text : "");
    container -= container / 8;
    if (container && (!half || container < half)) return container;
    return half;
}
