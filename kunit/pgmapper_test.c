// SPDX-License-Identifier: GPL-2.0
/* KUnit suite for the pgmapper layer (to be written). */
