// SPDX-License-Identifier: MIT
/* fingerprint.c - p0f-style SYN signatures. */
#include "fingerprint.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define TH_PSH 0x08
#define TH_URG 0x20

unsigned int syn_ittl(unsigned int ttl)
{
	if (ttl <= 32)
		return 32;
	if (ttl <= 64)
		return 64;
	if (ttl <= 128)
		return 128;
	return 255;
}

struct fpbuf {
	char *p;
	size_t left;
	int spent;
};

__attribute__((format(printf, 2, 3)))
static void add(struct fpbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->spent)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p, b->left, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->left) {
		b->spent = 1;
		return;
	}
	b->p += n;
	b->left -= (size_t)n;
}

/* A comma-separated list item. */
static void item(struct fpbuf *b, int *first, const char *s)
{
	add(b, "%s%s", *first ? "" : ",", s);
	*first = 0;
}

static void olayout(struct fpbuf *b, const struct syn_event *ev)
{
	int first = 1;
	unsigned int i;
	char tmp[16];

	for (i = 0; i < ev->n_opts && i < SYNSINK_MAX_OPTS; i++) {
		switch (ev->opt_order[i]) {
		case TCPOPT_K_MSS:	item(b, &first, "mss"); break;
		case TCPOPT_K_WSCALE:	item(b, &first, "ws"); break;
		case TCPOPT_K_SACKOK:	item(b, &first, "sok"); break;
		case TCPOPT_K_SACK:	item(b, &first, "sack"); break;
		case TCPOPT_K_TS:	item(b, &first, "ts"); break;
		case TCPOPT_K_NOP:	item(b, &first, "nop"); break;
		case TCPOPT_K_EOL:
			snprintf(tmp, sizeof(tmp), "eol+%u", ev->eol_pad);
			item(b, &first, tmp);
			break;
		default:
			snprintf(tmp, sizeof(tmp), "?%u", ev->opt_order[i]);
			item(b, &first, tmp);
			break;
		}
	}
}

static void quirks(struct fpbuf *b, const struct syn_event *ev)
{
	int first = 1, df = ev->flags & SYN_F_IP_DF;

	if (ev->family == AF_INET) {
		if (df)
			item(b, &first, "df");
		if (df && ev->ip_id)
			item(b, &first, "id+");
		if (!df && !ev->ip_id)
			item(b, &first, "id-");
		if (ev->flags & SYN_F_IP_RES)
			item(b, &first, "0+");
	} else if (ev->flowlabel) {
		item(b, &first, "flow");
	}
	if ((ev->flags & SYN_F_ECN_SETUP) || (ev->tos & 3))
		item(b, &first, "ecn");
	if (!ev->seq)
		item(b, &first, "seq-");
	if (ev->ack)
		item(b, &first, "ack+");
	if (ev->urg_ptr && !(ev->tcp_flags & TH_URG))
		item(b, &first, "uptr+");
	if (ev->tcp_flags & TH_URG)
		item(b, &first, "urgf+");
	if (ev->tcp_flags & TH_PSH)
		item(b, &first, "pushf+");
	if ((ev->opt_present & SYN_OPT_TS) && !ev->tsval)
		item(b, &first, "ts1-");
	if ((ev->opt_present & SYN_OPT_TS) && ev->tsecr)
		item(b, &first, "ts2+");
	if (ev->flags & SYN_F_OPT_TRAIL)
		item(b, &first, "opt+");
	if ((ev->opt_present & SYN_OPT_WSCALE) && ev->wscale > 14)
		item(b, &first, "exws");
	if (ev->flags & SYN_F_OPT_BAD)
		item(b, &first, "bad");
}

size_t syn_fingerprint(const struct syn_event *ev, char *buf, size_t len)
{
	struct fpbuf b = { buf, len, 0 };
	unsigned int ittl = syn_ittl(ev->ttl);
	int has_mss = (ev->opt_present & SYN_OPT_MSS) && ev->mss;

	if (!len)
		return 0;
	add(&b, "%d:%u+%u:%u:", ev->family == AF_INET6 ? 6 : 4, ittl, ittl - ev->ttl,
	    ev->family == AF_INET6 ? 0u : ev->ipopt_len);
	if (ev->opt_present & SYN_OPT_MSS)
		add(&b, "%u:", ev->mss);
	else
		add(&b, "*:");
	if (has_mss && ev->win && ev->win % ev->mss == 0)
		add(&b, "mss*%u,", ev->win / ev->mss);
	else
		add(&b, "%u,", ev->win);
	if (ev->opt_present & SYN_OPT_WSCALE)
		add(&b, "%u:", ev->wscale);
	else
		add(&b, "*:");
	olayout(&b, ev);
	add(&b, ":");
	quirks(&b, ev);
	add(&b, ":%s", ev->payload_len ? "+" : "0");
	if (b.spent) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)(b.p - buf);
}
