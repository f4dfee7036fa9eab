// SPDX-License-Identifier: GPL-2.0
/* tlbflush: ptable layer (to be written). */
