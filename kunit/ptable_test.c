// SPDX-License-Identifier: GPL-2.0
/* KUnit suite for the ptable layer (to be written). */
