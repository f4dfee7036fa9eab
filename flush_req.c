// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: flush requests (ARCHITECTURE.md M4, M5): what a mapper change
 * yields and somebody must consume, by a local flush, an explicit ignore,
 * a merge into a flush-all, or a higher layer (the flusher).
 */
#define pr_fmt(fmt) "tlbflush: " fmt

#include <linux/export.h>

#include "pgmapper_internal.h"
#include "tlbflush/shadow.h"
#include "tlbflush/stats.h"

static void tlbf_req_reset(struct tlbf_flush_req *req)
{
	req->kind = TLBF_REQ_NONE;
	req->va = 0;
	req->nr_pages = 0;
	req->frames = NULL;
}

static void tlbf_req_put_frames(struct tlbf_flush_req *req)
{
	struct tlbf_frame *list = req->frames;

	req->frames = NULL;
	while (list)
		tlbf_frame_put(tlbf_pop(&list));
}

/**
 * tlbf_req_flush_local() - perform a request on this CPU and consume it
 * @req: the request (an empty one is a no-op)
 *
 * PAGE: invlpg; RANGE: invlpg per page up to TLBF_REQ_LOCAL_MAX_PAGES, else
 * a full flush; ALL: full flush. Then the request's frames are put. Call
 * with preemption disabled for "this CPU" to mean anything. Counted in
 * local_flushes, pages_invalidated, full_flushes.
 */
void tlbf_req_flush_local(struct tlbf_flush_req *req)
{
	unsigned long i;

	switch (req->kind) {
	case TLBF_REQ_PAGE:
	case TLBF_REQ_RANGE:
		if (req->nr_pages <= TLBF_REQ_LOCAL_MAX_PAGES) {
			for (i = 0; i < req->nr_pages; i++)
				tlbf_tlb_flush_page(tlbf_page_va(req->va, i));
			tlbf_stat_add(TLBF_STAT_PAGES_INVALIDATED,
				      req->nr_pages);
			tlbf_stat_inc(TLBF_STAT_LOCAL_FLUSHES);
			break;
		}
		fallthrough;
	case TLBF_REQ_ALL:
		/* FL5: a kernel-half page may be global; ALL names no page. */
		tlbf_tlb_flush_all(req->kind == TLBF_REQ_ALL ||
				   !tlbf_va_is_user(req->va));
		tlbf_stat_inc(TLBF_STAT_FULL_FLUSHES);
		tlbf_stat_inc(TLBF_STAT_LOCAL_FLUSHES);
		break;
	case TLBF_REQ_NONE:
		break;
	}
	tlbf_req_put_frames(req);
	tlbf_req_reset(req);
}
EXPORT_SYMBOL_GPL(tlbf_req_flush_local);

/**
 * tlbf_req_ignore() - consume a request without flushing (explicit)
 * @req: the request
 *
 * Like DragonOS PageFlush::ignore(): the caller asserts no TLB can hold the
 * old translation. The request's frames are still put.
 */
void tlbf_req_ignore(struct tlbf_flush_req *req)
{
	tlbf_req_put_frames(req);
	tlbf_req_reset(req);
}
EXPORT_SYMBOL_GPL(tlbf_req_ignore);

/**
 * tlbf_req_merge_all() - fold a request into a flush-all request (M5)
 * @all: becomes (or stays) TLBF_REQ_ALL and takes over @req's frames
 * @req: consumed
 */
void tlbf_req_merge_all(struct tlbf_flush_req *all, struct tlbf_flush_req *req)
{
	struct tlbf_frame *tail;

	if (all != req && req->frames) {
		for (tail = req->frames; tail->next; tail = tail->next)
			;
		tail->next = all->frames;
		all->frames = req->frames;
		req->frames = NULL;
	}
	all->kind = TLBF_REQ_ALL;
	all->va = 0;
	all->nr_pages = 0;
	if (all != req)
		tlbf_req_reset(req);
}
EXPORT_SYMBOL_GPL(tlbf_req_merge_all);

/**
 * tlbf_req_consume() - mark a request consumed by a higher layer
 * @req: the request; its op and frames (and the references on them) now
 *	belong to the caller, e.g. the flusher
 */
void tlbf_req_consume(struct tlbf_flush_req *req)
{
	tlbf_req_reset(req);
}
EXPORT_SYMBOL_GPL(tlbf_req_consume);

/**
 * tlbf_req_cleanup() - scope-exit handler of TLBF_FLUSH_REQ()
 * @req: the request going out of scope
 *
 * A live request here was dropped unconsumed (M4): counted in
 * flush_requests_unconsumed, reported, then flushed locally and its frames
 * put so that nothing leaks.
 */
void tlbf_req_cleanup(struct tlbf_flush_req *req)
{
	if (!tlbf_req_live(req))
		return;
	tlbf_report_misuse(TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED,
			   "flush request declared at %s dropped unconsumed (kind %d va %#lx pages %lu)",
			   req->site ? req->site : "?", req->kind, req->va,
			   req->nr_pages);
	tlbf_req_flush_local(req);
}
EXPORT_SYMBOL_GPL(tlbf_req_cleanup);
