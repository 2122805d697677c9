// SPDX-License-Identifier: MIT
/* fingerprint.c - p0f-style SYN signatures, written without printf. */
#include "fingerprint.h"

#include <sys/socket.h>

#include "outbuf.h"

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

/* A comma-separated list item. */
static void item(struct out *b, int *first, const char *s)
{
	if (!*first)
		put_ch(b, ',');
	put_str(b, s);
	*first = 0;
}

static void olayout(struct out *b, const struct synsink_event *ev)
{
	int first = 1;
	unsigned int i;

	for (i = 0; i < ev->n_opts && i < SYNSINK_MAX_OPTS; i++) {
		switch (ev->opt_order[i]) {
		case SYNSINK_TCPOPT_MSS:
			item(b, &first, "mss");
			break;
		case SYNSINK_TCPOPT_WSCALE:
			item(b, &first, "ws");
			break;
		case SYNSINK_TCPOPT_SACKOK:
			item(b, &first, "sok");
			break;
		case SYNSINK_TCPOPT_SACK:
			item(b, &first, "sack");
			break;
		case SYNSINK_TCPOPT_TS:
			item(b, &first, "ts");
			break;
		case SYNSINK_TCPOPT_NOP:
			item(b, &first, "nop");
			break;
		case SYNSINK_TCPOPT_EOL:
			item(b, &first, "eol+");
			put_uint(b, ev->eol_pad, 0);
			break;
		default:
			item(b, &first, "?");
			put_uint(b, ev->opt_order[i], 0);
			break;
		}
	}
}

static void quirks(struct out *b, const struct synsink_event *ev)
{
	int first = 1, df = ev->flags & SYNSINK_F_IP_DF;

	if (ev->family == AF_INET) {
		if (df)
			item(b, &first, "df");
		if (df && ev->ip_id)
			item(b, &first, "id+");
		if (!df && !ev->ip_id)
			item(b, &first, "id-");
		if (ev->flags & SYNSINK_F_IP_RES)
			item(b, &first, "0+");
	} else if (ev->flowlabel) {
		item(b, &first, "flow");
	}
	if ((ev->flags & SYNSINK_F_ECN_SETUP) || (ev->tos & 3))
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
	if ((ev->opt_present & SYNSINK_HAS_TS) && !ev->tsval)
		item(b, &first, "ts1-");
	if ((ev->opt_present & SYNSINK_HAS_TS) && ev->tsecr)
		item(b, &first, "ts2+");
	if (ev->flags & SYNSINK_F_OPT_TRAIL)
		item(b, &first, "opt+");
	if ((ev->opt_present & SYNSINK_HAS_WSCALE) && ev->wscale > 14)
		item(b, &first, "exws");
	if (ev->flags & SYNSINK_F_OPT_BAD)
		item(b, &first, "bad");
}

size_t syn_fingerprint(const struct synsink_event *ev, char *buf, size_t len)
{
	struct out b = { buf, len, 0 };
	unsigned int ittl = syn_ittl(ev->ttl);
	int has_mss = (ev->opt_present & SYNSINK_HAS_MSS) && ev->mss;
	size_t n;

	if (!len)
		return 0;
	put_ch(&b, ev->family == AF_INET6 ? '6' : '4');
	put_ch(&b, ':');
	put_uint(&b, ittl, 0);
	put_ch(&b, '+');
	put_uint(&b, ittl - ev->ttl, 0);
	put_ch(&b, ':');
	put_uint(&b, ev->family == AF_INET6 ? 0u : ev->ipopt_len, 0);
	put_ch(&b, ':');
	if (ev->opt_present & SYNSINK_HAS_MSS)
		put_uint(&b, ev->mss, 0);
	else
		put_ch(&b, '*');
	put_ch(&b, ':');
	if (has_mss && ev->win && ev->win % ev->mss == 0) {
		put_str(&b, "mss*");
		put_uint(&b, ev->win / ev->mss, 0);
	} else {
		put_uint(&b, ev->win, 0);
	}
	put_ch(&b, ',');
	if (ev->opt_present & SYNSINK_HAS_WSCALE)
		put_uint(&b, ev->wscale, 0);
	else
		put_ch(&b, '*');
	put_ch(&b, ':');
	olayout(&b, ev);
	put_ch(&b, ':');
	quirks(&b, ev);
	put_ch(&b, ':');
	put_ch(&b, ev->payload_len ? '+' : '0');
	n = out_finish(&b, buf);
	if (!n)
		buf[0] = '\0';
	return n;
}
