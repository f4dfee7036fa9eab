// SPDX-License-Identifier: GPL-2.0
/* tlbflush: bench layer (to be written). */
