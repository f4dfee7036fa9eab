/* SPDX-License-Identifier: GPL-2.0 */
/* host shim: see ../../shim_kernel.h */
#include "../../shim_kernel.h"
