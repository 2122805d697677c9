// SPDX-License-Identifier: MIT
/* fingerprint.c - p0f 3 raw signatures of SYNs (see fingerprint.h),
 * written without printf. */
#include "fingerprint.h"

#include <sys/socket.h>

#include "outbuf.h"
#include "util.h"

#define TH_PSH 0x08
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80

unsigned int syn_fp_ittl(unsigned int ttl)
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

const char *const syn_fp_quirk_names[SYN_Q__COUNT] = {
	"df",	 "id+",	  "id-",    "ecn",  "0+",   "flow", "seq-", "ack+", "ack-",
	"uptr+", "urgf+", "pushf+", "ts1-", "ts2+", "opt+", "exws", "bad",
};

#define Q(x) (1u << SYN_Q_##x)

uint32_t syn_fp_quirks(const struct synsink_event *ev)
{
	uint32_t q = 0;
	bool df = ev->flags & SYNSINK_F_IP_DF;

	if (ev->family == AF_INET) {
		q |= df ? Q(DF) | (ev->ip_id ? Q(NZ_ID) : 0) : (ev->ip_id ? 0 : Q(ZERO_ID));
		if (ev->flags & SYNSINK_F_IP_RES)
			q |= Q(NZ_MBZ);
	} else if (ev->flowlabel) {
		q |= Q(FLOW);
	}
	if ((ev->tos & 3) || (ev->tcp_flags & (TH_ECE | TH_CWR)) || (ev->flags & SYNSINK_F_TCP_NS))
		q |= Q(ECN);
	if (!ev->seq)
		q |= Q(ZERO_SEQ);
	if ((ev->ack >> 24) & 1) /* p0f's one bit: see fingerprint.h */
		q |= Q(NZ_ACK);
	if (ev->tcp_flags & TH_URG)
		q |= Q(URG);
	else if (ev->urg_ptr)
		q |= Q(NZ_URG);
	if (ev->tcp_flags & TH_PSH)
		q |= Q(PUSH);
	if (ev->flags & SYNSINK_F_OPT_TS1_ZERO)
		q |= Q(TS1_ZERO);
	if (ev->flags & SYNSINK_F_OPT_TS2_NZ)
		q |= Q(TS2_NZ);
	if (ev->flags & SYNSINK_F_OPT_TRAIL)
		q |= Q(OPT_EOL_NZ);
	if (ev->flags & SYNSINK_F_OPT_EXWS)
		q |= Q(EXWS);
	if (ev->flags & SYNSINK_F_OPT_BAD)
		q |= Q(BAD);
	return q;
}

static void quirks(struct out *b, const struct synsink_event *ev)
{
	uint32_t q = syn_fp_quirks(ev);
	int first = 1;
	unsigned int i;

	for (i = 0; i < SYN_Q__COUNT; i++)
		if (q & (1u << i))
			item(b, &first, syn_fp_quirk_names[i]);
}

/* IPv4 and TCP headers without options, and with IPv6's fixed header. */
#define MIN_TCP4 40u
#define MIN_TCP6 60u

struct win_try {
	unsigned int div;
	bool mtu; /* a multiple of an MTU, not of an MSS */
};

unsigned int syn_fp_win_multi(const struct synsink_event *ev, bool *mtu)
{
	bool v6 = ev->family == AF_INET6, ts = ev->tsval != 0;
	unsigned int hdr = (v6 ? 40u : 20u + ev->ipopt_len) + ev->doff * 4u;
	unsigned int mss = ev->mss, win = ev->win, n = 0, i;
	struct win_try tries[10]; /* what p0f divides the window by, in its order */

	if (!win || mss < 100)
		return 0;
	/* MSSes first... */
	tries[n++] = (struct win_try){ mss, false };
	if (ts) /* some stacks take the timestamp option off */
		tries[n++] = (struct win_try){ mss - 12, false };
	tries[n++] = (struct win_try){ 1500 - MIN_TCP4, false }; /* a 1500-byte MTU's */
	tries[n++] = (struct win_try){ 1500 - MIN_TCP4 - 12, false };
	if (v6) {
		tries[n++] = (struct win_try){ 1500 - MIN_TCP6, false };
		tries[n++] = (struct win_try){ 1500 - MIN_TCP6 - 12, false };
	}
	/* ... then MTUs */
	tries[n++] = (struct win_try){ mss + MIN_TCP4, true };
	tries[n++] = (struct win_try){ mss + hdr, true };
	if (v6)
		tries[n++] = (struct win_try){ mss + MIN_TCP6, true };
	tries[n++] = (struct win_try){ 1500, true };
	for (i = 0; i < n; i++) {
		if (!(win % tries[i].div)) {
			*mtu = tries[i].mtu;
			return win / tries[i].div;
		}
	}
	return 0;
}

size_t syn_fingerprint(const struct synsink_event *ev, char *buf, size_t len)
{
	struct out b = { buf, len, 0 };
	unsigned int dist = syn_fp_ittl(ev->ttl) - ev->ttl, multi;
	bool mtu = false;
	size_t n;

	if (!len)
		return 0;
	put_ch(&b, ev->family == AF_INET6 ? '6' : '4');
	put_ch(&b, ':');
	put_uint(&b, ev->ttl, 0);
	put_ch(&b, '+');
	if (dist > SYN_FP_MAX_DIST)
		put_ch(&b, '?');
	else
		put_uint(&b, dist, 0);
	put_ch(&b, ':');
	put_uint(&b, ev->family == AF_INET6 ? 0u : ev->ipopt_len, 0);
	put_ch(&b, ':');
	put_uint(&b, ev->mss, 0);
	put_ch(&b, ':');
	multi = syn_fp_win_multi(ev, &mtu);
	if (multi) {
		put_str(&b, mtu ? "mtu*" : "mss*");
		put_uint(&b, multi, 0);
	} else {
		put_uint(&b, ev->win, 0);
	}
	put_ch(&b, ',');
	put_uint(&b, ev->wscale, 0);
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
