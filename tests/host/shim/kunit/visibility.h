/* SPDX-License-Identifier: GPL-2.0 */
/* host shim: see ../shim_kernel.h (EXPORT_SYMBOL_IF_KUNIT) */
#include "../shim_kernel.h"
