/* SPDX-License-Identifier: MIT */
/*
 * outbuf.h - a tiny append-only writer for the formatters: every write is
 * bounded, and once one does not fit the writer is spent and stays so.
 * No heap, no printf: this is the per-event path.
 */
#ifndef SYNSINK_OUTBUF_H
#define SYNSINK_OUTBUF_H

#include <stddef.h>
#include <string.h>

struct out {
	char *p;
	size_t left; /* bytes left, the NUL included */
	int spent;
};

static inline void put_mem(struct out *o, const char *s, size_t n)
{
	if (o->spent || n >= o->left) {
		o->spent = 1;
		return;
	}
	memcpy(o->p, s, n);
	o->p += n;
	o->left -= n;
}

static inline void put_str(struct out *o, const char *s)
{
	put_mem(o, s, strlen(s));
}

static inline void put_ch(struct out *o, char c)
{
	put_mem(o, &c, 1);
}

/* Decimal, zero-padded to at least width digits (24 at most), two digits
 * a division. */
static inline void put_uint(struct out *o, unsigned long long v, int width)
{
	static const char pairs[] = "00010203040506070809101112131415161718192021222324"
				    "25262728293031323334353637383940414243444546474849"
				    "50515253545556575859606162636465666768697071727374"
				    "75767778798081828384858687888990919293949596979899";
	char tmp[24];
	int i = sizeof(tmp);

	while (v >= 100) {
		i -= 2;
		memcpy(tmp + i, pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		i -= 2;
		memcpy(tmp + i, pairs + 2 * v, 2);
	} else {
		tmp[--i] = (char)('0' + v);
	}
	while ((int)sizeof(tmp) - i < width && i > 0)
		tmp[--i] = '0';
	put_mem(o, tmp + i, sizeof(tmp) - (size_t)i);
}

/* NUL-terminates; returns the length written, or 0 if the writer is spent. */
static inline size_t out_finish(struct out *o, char *buf)
{
	if (o->spent || o->left < 1)
		return 0;
	*o->p = '\0';
	return (size_t)(o->p - buf);
}

#endif
