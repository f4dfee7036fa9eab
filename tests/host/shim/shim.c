// SPDX-License-Identifier: GPL-2.0
/* State of the host shim (see shim_kernel.h). */
#include "shim_kernel.h"
#include "tlbflush/arch.h"

unsigned long shim_warn_count;
unsigned long shim_pr_err_count;
bool shim_quiet;
unsigned long shim_vmalloc_fail;
__thread unsigned int shim_cpu;

unsigned long shim_flush_page_calls;
unsigned long shim_flush_all_calls;
unsigned long shim_flush_all_global_calls;
unsigned int shim_va_bits = 48;
unsigned long shim_flush_log[SHIM_FLUSH_LOG];

static struct rcu_head *rcu_head_list;
static struct rcu_head **rcu_tail = &rcu_head_list;
static unsigned long rcu_nr;

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	head->func = func;
	head->next = NULL;
	*rcu_tail = head;
	rcu_tail = &head->next;
	rcu_nr++;
}

/* Run every queued callback (those queued meanwhile too), FIFO. */
void rcu_barrier(void)
{
	while (rcu_head_list) {
		struct rcu_head *h = rcu_head_list;

		rcu_head_list = h->next;
		if (!rcu_head_list)
			rcu_tail = &rcu_head_list;
		rcu_nr--;
		h->func(h);
	}
}

unsigned long shim_rcu_queued(void)
{
	return rcu_nr;
}
