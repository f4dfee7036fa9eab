// SPDX-License-Identifier: GPL-2.0
/* tlbflush: pgmapper layer (to be written). */
