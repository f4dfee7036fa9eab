// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the flusher's two degraded paths (ARCHITECTURE.md FL4, FL7).
 *
 * - No memory for a frame batch at dispatch: every target and this CPU
 *   flush all, global entries too, and are waited for; then the frames are
 *   safe to put whatever the strategy would have done.
 * - tlbf_flusher_finish() with ops or frames left that cannot be
 *   dispatched (IRQs disabled, already reported as misuse): the frames
 *   become orphans, and a work item makes every online CPU flush all
 *   before it puts them. Module exit and quiesce wait for that work.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "flusher_internal.h"
#include "tlbflush/shadow.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"

static DEFINE_RAW_SPINLOCK(tlbf_orphan_lock);
static struct tlbf_frame *tlbf_orphan_frames;
static bool tlbf_orphan_flush;
static void tlbf_orphan_workfn(struct work_struct *work);
static DECLARE_WORK(tlbf_orphan_work, tlbf_orphan_workfn);

static void tlbf_flush_all_global_ipi(void *info)
{
	tlbf_tlb_flush_all(true);
	tlbf_stat_inc(TLBF_STAT_FULL_FLUSHES);
}

/*
 * No memory for a frame batch: every target (and this CPU) flushes all,
 * global entries too, and is waited for; then the frames are safe to put
 * whatever the strategy would have done.
 */
void tlbf_dispatch_fallback(struct tlbf_dispatch *d, struct tlbf_frame *frames)
{
	tlbf_stat_inc(TLBF_STAT_FRAMES_SYNC_FALLBACK);
	smp_call_function_many(d->remote, tlbf_flush_all_global_ipi, NULL,
			       true);
	if (d->local)
		tlbf_flush_all_global_ipi(NULL);
	tlbf_put_frames(frames);
}

/*
 * Take over @frames (a list linked by ->next; may be NULL) of a finish
 * that could not dispatch, and schedule the global flush that puts them.
 */
void tlbf_flusher_orphan(struct tlbf_frame *frames)
{
	unsigned long flags;
	struct tlbf_frame *f;

	raw_spin_lock_irqsave(&tlbf_orphan_lock, flags);
	while (frames) {
		f = frames;
		frames = f->next;
		f->next = tlbf_orphan_frames;
		tlbf_orphan_frames = f;
	}
	tlbf_orphan_flush = true;
	raw_spin_unlock_irqrestore(&tlbf_orphan_lock, flags);
	schedule_work(&tlbf_orphan_work);
}

/* Flush all on every online CPU, then put the orphaned frames. */
static void tlbf_orphan_workfn(struct work_struct *work)
{
	struct tlbf_frame *frames;
	bool flush;

	raw_spin_lock_irq(&tlbf_orphan_lock);
	frames = tlbf_orphan_frames;
	flush = tlbf_orphan_flush;
	tlbf_orphan_frames = NULL;
	tlbf_orphan_flush = false;
	raw_spin_unlock_irq(&tlbf_orphan_lock);
	if (!flush && !frames)
		return;
	on_each_cpu(tlbf_flush_all_global_ipi, NULL, 1);
	tlbf_put_frames(frames);
}

/* Wait for the orphan work (module exit, quiesce). */
void tlbf_flusher_flush_orphans(void)
{
	flush_work(&tlbf_orphan_work);
}
