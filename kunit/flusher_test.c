// SPDX-License-Identifier: GPL-2.0
/* KUnit suite for the flusher layer (to be written). */
