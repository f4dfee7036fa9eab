// SPDX-License-Identifier: GPL-2.0
/* tlbflush: flusher layer (to be written). */
