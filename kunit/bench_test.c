// SPDX-License-Identifier: GPL-2.0
/* KUnit suite for the bench layer (to be written). */
