/* SPDX-License-Identifier: GPL-2.0 */
/* host shim: glibc includes <linux/errno.h> itself, so pass it through. */
#include_next <linux/errno.h>
