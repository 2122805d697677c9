/* SPDX-License-Identifier: MIT */
/* raw.h - syngen's crafted-packet modes (raw.c). */
#ifndef SYNGEN_RAW_H
#define SYNGEN_RAW_H

/* syngen raw ...: crafted SYNs, bounded in count and time. */
int sg_raw(int argc, char **argv);
/* syngen odd ...: SYNs of odd shapes, one of each. */
int sg_odd(int argc, char **argv);

#endif
