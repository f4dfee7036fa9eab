// SPDX-License-Identifier: GPL-2.0
/* The example strategy with its deliberate bug (see tlbf_example.c). */
#define TLBF_EXAMPLE_BROKEN
#include "tlbf_example.c"
