/* hugemem.h - memory for large tables probed at random.
 * The checker's table of states is tens of megabytes read at random: with
 * ordinary 4 KiB pages nearly every probe also misses the TLB, and a
 * prefetch waits for the page walk. Blocks from here are zeroed, and from
 * HUGEMEM_FROM bytes on come straight from the system, asking the kernel
 * for transparent huge pages (a hint; without it they are ordinary pages).
 * A block must be resized and freed here, with its size. On exhaustion:
 * "cspi: out of memory", exit 70, as xmalloc. Depends on nothing.
 */
#ifndef CSP_HUGEMEM_H
#define CSP_HUGEMEM_H

#include <stddef.h>

#define HUGEMEM_FROM ((size_t)1 << 21)

void *huge_alloc(size_t bytes);
/* The block grown or shrunk to new_bytes; the contents are kept and any
 * new bytes are zero. */
void *huge_realloc(void *p, size_t old_bytes, size_t new_bytes);
void huge_free(void *p, size_t bytes);

#endif
