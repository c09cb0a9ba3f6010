/* test_watch.c - the limits' bookkeeping (watch.h): reading the memory a
 * container allows from cgroup files (v1 and v2, a group and those above
 * it), and the stop flag's life over units of work.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

TestSuite(watch);

Test(watch, parses_a_limit)
{
    uint64_t v = 0;
    cr_assert(watch_parse_memory_limit("1073741824\n", &v));
    cr_assert_eq(v, 1073741824u);
    cr_assert(watch_parse_memory_limit("  536870912  ", &v));
    cr_assert_eq(v, 536870912u);
}

Test(watch, no_limit_is_max_or_a_huge_number)
{
    uint64_t v = 7;
    cr_assert_not(watch_parse_memory_limit("max\n", &v));
    cr_assert_not(watch_parse_memory_limit("9223372036854771712\n", &v));   /* cgroup v1's none */
    cr_assert_not(watch_parse_memory_limit("", &v));
    cr_assert_not(watch_parse_memory_limit("12abc", &v));
    cr_assert_not(watch_parse_memory_limit("-5", &v));
    cr_assert_not(watch_parse_memory_limit("99999999999999999999999", &v));
    cr_assert_eq(v, 7u);
}

/* A fake cgroup file system under a temporary root. */
static char root[64];

static void put(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {   /* mkdir -p */
        *p = 0;
        mkdir(path, 0700);
        *p = '/';
    }
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
}

static void make_root(void)
{
    strcpy(root, "/tmp/cspi_cgroup_XXXXXX");
    cr_assert(mkdtemp(root));
}

static void remove_root(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    cr_assert_eq(system(cmd), 0);
}

Test(watch, cgroup_v2_takes_the_smallest_of_the_group_and_above)
{
    make_root();
    put("memory.max", "max\n");
    put("box/memory.max", "2147483648\n");
    put("box/job/memory.max", "max\n");
    cr_assert_eq(watch_cgroup_limit(root, "0::/box/job\n"), 2147483648u);
    put("box/job/memory.max", "1073741824\n");
    cr_assert_eq(watch_cgroup_limit(root, "0::/box/job\n"), 1073741824u);
    remove_root();
}

Test(watch, cgroup_v2_without_a_limit)
{
    make_root();
    put("memory.max", "max\n");
    cr_assert_eq(watch_cgroup_limit(root, "0::/\n"), 0u);
    cr_assert_eq(watch_cgroup_limit(root, ""), 0u);
    remove_root();
}

Test(watch, cgroup_v1_memory_controller)
{
    make_root();
    put("memory/memory.limit_in_bytes", "9223372036854771712\n");
    put("memory/docker/abc/memory.limit_in_bytes", "536870912\n");
    const char *text = "12:pids:/docker/abc\n4:cpu,memory:/docker/abc\n1:name=systemd:/docker/abc\n";
    cr_assert_eq(watch_cgroup_limit(root, text), 536870912u);
    remove_root();
}

Test(watch, cgroup_inside_a_container_sees_only_its_root)
{
    /* The path in /proc/self/cgroup is the host's; inside the container the
     * group is mounted as the root: the root's own file counts. */
    make_root();
    put("memory/memory.limit_in_bytes", "268435456\n");
    cr_assert_eq(watch_cgroup_limit(root, "4:memory:/process_api/1fa9\n"), 268435456u);
    remove_root();
    make_root();
    put("memory.max", "805306368\n");
    cr_assert_eq(watch_cgroup_limit(root, "0::/some/host/path\n"), 805306368u);
    remove_root();
}

Test(watch, no_cgroup_files_no_limit)
{
    make_root();
    cr_assert_eq(watch_cgroup_limit(root, "0::/x\n4:memory:/y\n"), 0u);
    remove_root();
}

Test(watch, default_memory_is_at_most_half_the_machine)
{
    uint64_t d = watch_default_memory();
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    cr_assert(d > 0);
    cr_assert_leq(d, (uint64_t)pages * (uint64_t)page / 2);
}

Test(watch, a_unit_forgets_a_memory_stop_but_not_an_interrupt)
{
    Watch w;
    memset(&w, 0, sizeof w);
    cr_assert_eq(watch_stopped(&w), WATCH_NONE);
    cr_assert_eq(watch_stopped(NULL), WATCH_NONE);
    atomic_store(&w.stop, WATCH_MEMORY);
    watch_begin(&w);
    cr_assert_eq(watch_stopped(&w), WATCH_NONE);
    atomic_store(&w.stop, WATCH_INTERRUPT);
    watch_begin(&w);
    cr_assert_eq(watch_stopped(&w), WATCH_INTERRUPT);
    watch_end(&w);
    cr_assert_eq(watch_stopped(&w), WATCH_NONE);
}

Test(watch, the_clock_runs_out)
{
    Watch w;
    memset(&w, 0, sizeof w);
    w.timeout_ms = 1;
    watch_begin(&w);
    nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
    cr_assert_not(watch_poll(&w));
    cr_assert_eq(watch_stopped(&w), WATCH_TIMEOUT);
    char buf[160];
    cr_assert_str_eq(watch_reason(&w, buf, sizeof buf), "the time limit was reached: more than --timeout 1 s");
    watch_end(&w);
    cr_assert_not(watch_poll(&w));   /* nothing watched between units */
    cr_assert_eq(watch_stopped(&w), WATCH_NONE);
}
