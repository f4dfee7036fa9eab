// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the bench's native baseline N1 (ARCHITECTURE.md "Native
 * baselines"): find flush_tlb_kernel_range(), which is not exported, at
 * load time. Where it cannot be found or called, mode `native` says
 * "unavailable" with the reason; nothing is ever substituted for it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": bench: " fmt

#include <linux/kprobes.h>
#include <linux/printk.h>
#include <asm/cpufeature.h>
#include <asm/ibt.h>

#include "bench_internal.h"

typedef unsigned long (*tlbf_kallsyms_fn)(const char *name);

tlbf_native_fn tlbf_bench_native;
const char *tlbf_bench_native_reason = "not resolved yet";

/*
 * With IBT a function may only be reached by an indirect call if it starts
 * with ENDBR64; objtool seals (overwrites) the ENDBR of functions that are
 * never called indirectly, and calling one of those would fault. Without
 * IBT enforcement any function start is callable.
 */
static bool tlbf_indirectly_callable(unsigned long addr)
{
#ifdef CONFIG_X86_KERNEL_IBT
	if (cpu_feature_enabled(X86_FEATURE_IBT))
		return *(u32 *)addr == gen_endbr();
#endif
	return true;
}

/*
 * The address of a kernel symbol through kprobes (which may resolve any
 * symbol): a kprobe is registered on it and removed at once. kprobes place
 * the probe after an ENDBR (or its sealed form), so step back over it to
 * get the function's start.
 */
static unsigned long tlbf_kprobe_lookup(const char *sym)
{
	struct kprobe kp = { .symbol_name = sym };
	unsigned long addr;

	if (register_kprobe(&kp) < 0)
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
#ifdef CONFIG_X86_KERNEL_IBT
	if (addr && is_endbr(*(u32 *)(addr - ENDBR_INSN_SIZE)))
		addr -= ENDBR_INSN_SIZE;
#endif
	return addr;
}

/*
 * Find kallsyms_lookup_name() through a kprobe, ask it for
 * flush_tlb_kernel_range(), and keep the pointer only if it can be called.
 * Sets tlbf_bench_native, or tlbf_bench_native_reason.
 */
void tlbf_bench_resolve_native(void)
{
	unsigned long kln, fn;

	tlbf_bench_native = NULL;
	kln = tlbf_kprobe_lookup("kallsyms_lookup_name");
	if (!kln) {
		tlbf_bench_native_reason = "kallsyms_lookup_name-not-found(kprobes)";
		return;
	}
	if (!tlbf_indirectly_callable(kln)) {
		tlbf_bench_native_reason = "kallsyms_lookup_name-sealed(IBT)";
		return;
	}
	fn = ((tlbf_kallsyms_fn)kln)("flush_tlb_kernel_range");
	if (!fn) {
		tlbf_bench_native_reason = "flush_tlb_kernel_range-not-found";
		return;
	}
	if (!tlbf_indirectly_callable(fn)) {
		tlbf_bench_native_reason = "flush_tlb_kernel_range-sealed(IBT)";
		return;
	}
	tlbf_bench_native = (tlbf_native_fn)fn;
	tlbf_bench_native_reason = NULL;
	pr_info("native flush_tlb_kernel_range at %pS\n", (void *)fn);
}
