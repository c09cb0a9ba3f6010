/* fuzz_common.c - see fuzz_common.h. */
#define _DEFAULT_SOURCE
#include "fuzz_common.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

Watch fuzz_watch;

bool fuzz_stopped(void)
{
    return watch_stopped(&fuzz_watch) != WATCH_NONE;
}

char *fuzz_text(const uint8_t *data, size_t size)
{
    char *t = malloc(size + 1);
    if (!t) abort();
    memcpy(t, data, size);
    t[size] = 0;
    /* The lexer's rule: "include" [ \t]+ '"' [^"\n\0]* '"'. Every match of
     * it is covered, and more (an "include" inside a word too). */
    static const char kw[] = "include";
    for (size_t i = 0; i + sizeof kw - 1 <= size; i++) {
        if (memcmp(t + i, kw, sizeof kw - 1) != 0) continue;
        size_t j = i + sizeof kw - 1;
        while (j < size && (t[j] == ' ' || t[j] == '\t')) j++;
        if (j == i + sizeof kw - 1 || j >= size || t[j] != '"') continue;
        for (j++; j < size && t[j] != '"' && t[j] != '\n' && t[j] != 0; j++)
            if (t[j] == '/') t[j] = '_';
    }
    return t;
}

static char dir[256], script_path[300];

static void remove_dir(void)
{
    unlink(script_path);
    rmdir(dir);
}

const char *fuzz_dir(void)
{
    if (!dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/cspi-fuzz.XXXXXX", tmp && *tmp && strlen(tmp) < 200 ? tmp : "/tmp");
        if (!mkdtemp(dir)) {
            perror("fuzz: mkdtemp");
            abort();
        }
        snprintf(script_path, sizeof script_path, "%s/input.csp", dir);
        atexit(remove_dir);
    }
    return dir;
}

const char *fuzz_script_path(void)
{
    fuzz_dir();
    return script_path;
}

static void on_alarm(int sig)
{
    (void)sig;
    atomic_store(&fuzz_watch.stop, WATCH_INTERRUPT);
}

/* A CPU-time timer (SIGPROF: user and system time); libFuzzer's -timeout owns SIGALRM. */
void fuzz_watchdog_start(double seconds)
{
    static int installed;
    if (!installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sa.sa_flags = SA_RESTART;
        sigaction(SIGPROF, &sa, NULL);
        installed = 1;
    }
    atomic_store(&fuzz_watch.stop, WATCH_NONE);
    struct itimerval it = { .it_interval = { 0, 5000 },
                            .it_value = { (time_t)seconds,
                                          (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6) } };
    if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0) it.it_value.tv_usec = 1;
    setitimer(ITIMER_PROF, &it, NULL);
}

void fuzz_watchdog_stop(void)
{
    struct itimerval it;
    memset(&it, 0, sizeof it);
    setitimer(ITIMER_PROF, &it, NULL);
    atomic_store(&fuzz_watch.stop, WATCH_NONE);
}

typedef struct {
    void (*fn)(void *);
    void *arg;
} Job;

static void *run_job(void *p)
{
    Job *j = p;
    j->fn(j->arg);
    return NULL;
}

void fuzz_on_big_stack(void (*fn)(void *), void *arg, size_t stack_bytes)
{
    Job j = { fn, arg };
    pthread_attr_t attr;
    pthread_t th;
    if (pthread_attr_init(&attr) == 0) {
        bool ok = pthread_attr_setstacksize(&attr, stack_bytes) == 0 &&
                  pthread_create(&th, &attr, run_job, &j) == 0;
        pthread_attr_destroy(&attr);
        if (ok) {
            pthread_join(th, NULL);
            return;
        }
    }
    fn(arg);
}

void fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz: %s\n", what);
    if (detail) fprintf(stderr, "----\n%s\n----\n", detail);
    abort();
}
