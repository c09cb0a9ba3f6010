/* watch.h - the limits watched while cspi works: memory, time, Ctrl-C.
 * A Watch is shared by the thread doing the work and a watcher: main.c's
 * watchdog (which reads the clock and the resident memory every few
 * milliseconds, watch_poll) and its SIGINT handler. The watcher sets `stop`;
 * the work looks at it every few thousand steps of whatever it is doing
 * (evaluating, building processes, compiling networks, normalising,
 * exploring), which costs one load, and unwinds with a located message
 * naming the limit (watch_reason). The library never reads the clock or the
 * memory for this itself. Also: how much memory the machine, or the
 * container cspi runs in (cgroup v1 or v2), allows. Base layer: depends on
 * nothing.
 */
#ifndef CSP_WATCH_H
#define CSP_WATCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why the work should stop (WATCH_NONE: it should not). */
typedef enum { WATCH_NONE, WATCH_INTERRUPT, WATCH_MEMORY, WATCH_TIMEOUT } WatchStop;

typedef struct Watch {
    _Atomic int stop;           /* WatchStop, set by the watcher */
    uint64_t max_memory;        /* bytes resident (0: none); set before the work starts */
    uint64_t timeout_ms;        /* per unit of work (0: none); likewise */
    _Atomic bool active;        /* a unit of work is running: memory and time are watched */
    _Atomic int64_t deadline_ns;    /* monotonic clock; 0: none */
    _Atomic int64_t stopped_ns;     /* when stop was set for memory or time */
} Watch;

/* A unit of work starts (an assertion, a command, a REPL line): the clock
 * of --timeout restarts, and a stop for memory or time left from the unit
 * before is forgotten (an interrupt is not). */
void watch_begin(Watch *w);
/* The work is over or waits for input: nothing is watched until watch_begin
 * (an interrupt is forgotten too). */
void watch_end(Watch *w);

/* Is the work asked to stop? One atomic load; w may be NULL. */
static inline WatchStop watch_stopped(const Watch *w)
{
    return w ? (WatchStop)atomic_load_explicit(&((Watch *)w)->stop, memory_order_relaxed) : WATCH_NONE;
}

/* Why, in words for a message: "interrupted", "the memory limit was
 * reached: more than --max-memory 500 MB in use", ... (into buf). */
const char *watch_reason(const Watch *w, char *buf, size_t size);

/* The watcher's look (every few milliseconds): sets stop when the unit in
 * progress is over its time or memory. Returns true when the work has not
 * stopped long after being asked to (a computation that does not watch the
 * limits, or memory still growing far past the limit): the caller then
 * ends the process. */
bool watch_poll(Watch *w);

/* Resident memory of this process, in bytes (0 if unknown). */
uint64_t watch_resident_bytes(void);

/* The memory cspi may use by default: half of the machine's memory (or of
 * its address space limit, ulimit -v, when that is smaller), or 7/8 of its
 * container's limit (cgroup v2 memory.max, cgroup v1 memory.limit_in_bytes,
 * of its own group or any above it) when that is smaller still. 0 if none
 * is known. */
uint64_t watch_default_memory(void);

/* The container's memory limit in bytes (0: none), read from the cgroup
 * file system under root ("/sys/fs/cgroup") for a process whose
 * /proc/self/cgroup says cgroup_text; the smallest limit of its group and
 * the groups above it, v1 or v2. */
uint64_t watch_cgroup_limit(const char *root, const char *cgroup_text);
/* The contents of memory.max or memory.limit_in_bytes: true and the bytes
 * when it is a limit; false for "max", a v1 "no limit" (2^62 and more) or
 * anything that is not a number. */
bool watch_parse_memory_limit(const char *text, uint64_t *bytes);

#endif
