// SPDX-License-Identifier: MIT
/*
 * format.c - the two output formats, written through outbuf.h: every
 * write bounded; once one does not fit, the caller gets 0.
 */
#include "format.h"

#include "fields.h"
#include "fingerprint.h"
#include "outbuf.h"
#include "owner.h"
#include "p0fdb.h"
#include "secctx.h"
#include "sigcache.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define TEXT_PREFIX "A new tcp connection will be established: "

/* The sensor's name, set once at start (syn_format_set_sensor). */
static char sensor[SYN_SENSOR_MAX + 1] = "-";
/* p0f's database, set once at start when loaded (syn_format_set_p0f). */
static const struct p0f_db *p0f;

void syn_format_set_p0f(const struct p0f_db *db)
{
	p0f = db;
	syn_sig_forget();
}

bool syn_sensor_valid(const char *name)
{
	size_t i;

	for (i = 0; name[i]; i++)
		if (i == SYN_SENSOR_MAX || name[i] < 0x21 || name[i] > 0x7e || name[i] == '"' ||
		    name[i] == '\\')
			return false;
	return i > 0;
}

int syn_format_set_sensor(const char *name)
{
	if (!syn_sensor_valid(name))
		return -EINVAL;
	memcpy(sensor, name, strlen(name) + 1);
	return 0;
}

const char *syn_sensor(void)
{
	return sensor;
}

/* IPv4 is written here (glibc's inet_ntop formats it with sprintf, a
 * tenth of the JSON line's cost); IPv6, with its zero-run rules, by
 * inet_ntop. */
static void put_addr(struct out *o, int family, const uint8_t *addr)
{
	char tmp[INET6_ADDRSTRLEN];

	if (family == AF_INET) {
		put_uint(o, addr[0], 0);
		put_ch(o, '.');
		put_uint(o, addr[1], 0);
		put_ch(o, '.');
		put_uint(o, addr[2], 0);
		put_ch(o, '.');
		put_uint(o, addr[3], 0);
		return;
	}
	if (!inet_ntop(family, addr, tmp, sizeof(tmp))) {
		o->spent = 1;
		return;
	}
	put_str(o, tmp);
}

/* addr:port, IPv6 in brackets. */
static void put_endpoint(struct out *o, int family, const uint8_t *addr, unsigned int port)
{
	if (family == AF_INET6)
		put_ch(o, '[');
	put_addr(o, family, addr);
	if (family == AF_INET6)
		put_ch(o, ']');
	put_ch(o, ':');
	put_uint(o, port, 0);
}

/* A name in the text line: what is not a printable, non-space ASCII
 * character becomes '?', so the line stays one line of words. */
static void put_word(struct out *o, const char *s, size_t max)
{
	size_t i;

	for (i = 0; i < max && s[i]; i++)
		put_ch(o, s[i] > ' ' && s[i] < 0x7f ? s[i] : '?');
}

/* With --owner, a SYN sent from this host: " uid=N user=NAME", and with
 * --owner=full " pid=N comm=NAME" (what is known of it). */
static void put_owner_words(struct out *o, const struct synsink_event *ev)
{
	char user[64];

	if (!(ev->owner & SYNSINK_OWN_UID))
		return;
	put_str(o, " uid=");
	put_uint(o, ev->uid, 0);
	if (owner_user(ev->uid, user, sizeof(user))) {
		put_str(o, " user=");
		put_word(o, user, sizeof(user));
	}
	if (ev->owner & SYNSINK_OWN_PID) {
		put_str(o, " pid=");
		put_uint(o, ev->pid, 0);
		put_str(o, " comm=");
		put_word(o, ev->comm, sizeof(ev->comm));
	}
}

size_t syn_format_text(const struct synsink_event *ev, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };

	put_str(&o, TEXT_PREFIX);
	put_endpoint(&o, ev->family, ev->saddr, ev->sport);
	put_str(&o, " -> ");
	put_endpoint(&o, ev->family, ev->daddr, ev->dport);
	if (owner_level() != OWNER_OFF)
		put_owner_words(&o, ev);
	put_ch(&o, '\n');
	return out_finish(&o, buf);
}

/* The length of the well-formed UTF-8 sequence at s (of at most n bytes;
 * s[0] >= 0x80), or 0: RFC 3629's table, so no overlong form, no
 * surrogate, nothing past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, k;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k < len; k++)
		if (s[k] < 0x80 || s[k] > 0xbf)
			return 0;
	return len;
}

/* A JSON string, valid UTF-8 whatever the bytes were (an interface, a
 * process's comm and exe, a cgroup are anyone's bytes): well-formed UTF-8
 * goes out as it is, each byte that is not part of it as U+FFFD, control
 * characters as \u00XX.  Runs that need no escaping, all of most
 * strings, go out in one copy. */
static void put_json_str(struct out *o, const char *s, size_t max)
{
	/* Printable ASCII but the quote and the backslash: what goes out as it is. */
	static const bool plain[256] = { [0x20 ... 0x21] = 1,
					 [0x23 ... 0x5b] = 1,
					 [0x5d ... 0x7e] = 1 };
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, run, n;

	put_ch(o, '"');
	for (;;) {
		unsigned char c;

		for (run = i; i < max && plain[(unsigned char)s[i]]; i++)
			;
		put_mem(o, s + run, i - run);
		if (i == max || !s[i])
			break;
		c = (unsigned char)s[i];
		if (c >= 0x80) {
			n = utf8_len((const unsigned char *)s + i,
				     strnlen(s + i, max - i < 4 ? max - i : 4));
			if (n)
				put_mem(o, s + i, n);
			else
				put_mem(o, "\xef\xbf\xbd", 3); /* U+FFFD */
			i += n ? n : 1;
		} else if (c == '"' || c == '\\') {
			put_ch(o, '\\');
			put_ch(o, (char)c);
			i++;
		} else {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			put_mem(o, esc, sizeof(esc));
			i++;
		}
	}
	put_ch(o, '"');
}

/* Literals go out with their length known at compile time: the JSON line
 * is some forty keys and values, and strlen() on each showed in profiles. */
#define put_lit(o, s) put_mem((o), (s), sizeof(s) - 1)

/* The keys as written, ,"name": from fields.h's one list; put_key's
 * constant index folds to the literal and its length. */
static const struct {
	const char *s;
	unsigned char n;
} json_key[SF_N] = {
#define JSON_KEY(id, name) [SF_##id] = { ",\"" name "\":", sizeof(",\"" name "\":") - 1 },
	SYN_FIELDS(JSON_KEY)
#undef JSON_KEY
};
#define put_key(o, id) put_mem((o), json_key[SF_##id].s, json_key[SF_##id].n)

static inline void put_bool(struct out *o, int v)
{
	if (v)
		put_lit(o, "true");
	else
		put_lit(o, "false");
}

#define put_kuint(o, id, v) (put_key((o), id), put_uint((o), (v), 0))
#define put_kbool(o, id, v) (put_key((o), id), put_bool((o), (v)))

/* Whether the selection (a uint64_t want in scope) has key K: an SF_ name
 * without its prefix (fields.h). */
#define W(k) (want & SF_BIT(SF_##k))
#define SF_OS_KEYS \
	(SF_BIT(SF_OS) | SF_BIT(SF_OS_CLASS) | SF_BIT(SF_OS_FLAVOR) | SF_BIT(SF_OS_MATCH))
#define SF_PROC_KEYS  (SF_ALL & ~(SF_BIT(SF_PID) - 1))
#define SF_OWNER_KEYS (SF_ALL & ~(SF_BIT(SF_UID) - 1))

/* RFC 3339, UTC, microseconds: 2026-11-26T14:08:25.123456Z.  The part up
 * to the second is kept per thread: it changes once a second, gmtime_r()
 * costs more than the rest of the line. */
static void put_ts(struct out *o, uint64_t ts_ns)
{
	static _Thread_local struct {
		time_t sec;
		int valid;
		char txt[sizeof("2026-11-26T14:08:25")];
	} cache;
	time_t sec = (time_t)(ts_ns / 1000000000u);

	if (!cache.valid || cache.sec != sec) {
		struct out c = { cache.txt, sizeof(cache.txt), 0 };
		struct tm tm;

		if (!gmtime_r(&sec, &tm)) {
			o->spent = 1;
			return;
		}
		put_uint(&c, (unsigned long long)tm.tm_year + 1900, 4);
		put_ch(&c, '-');
		put_uint(&c, (unsigned long long)tm.tm_mon + 1, 2);
		put_ch(&c, '-');
		put_uint(&c, (unsigned long long)tm.tm_mday, 2);
		put_ch(&c, 'T');
		put_uint(&c, (unsigned long long)tm.tm_hour, 2);
		put_ch(&c, ':');
		put_uint(&c, (unsigned long long)tm.tm_min, 2);
		put_ch(&c, ':');
		put_uint(&c, (unsigned long long)tm.tm_sec, 2);
		/* A year past 9999 does not fit: write it out the slow way. */
		cache.valid = out_finish(&c, cache.txt) == sizeof(cache.txt) - 1;
		cache.sec = sec;
		if (!cache.valid) {
			o->spent = 1;
			return;
		}
	}
	put_ch(o, '"');
	put_lit(o, cache.txt);
	put_ch(o, '.');
	put_uint(o, ts_ns % 1000000000u / 1000u, 6);
	put_lit(o, "Z\"");
}

/* The name JSON uses for a TCP option kind ("mss", ..., or NULL if it has
 * none and is written as its number). */
static const char *syn_optname(unsigned int kind)
{
	switch (kind) {
	case SYNSINK_TCPOPT_EOL:
		return "eol";
	case SYNSINK_TCPOPT_NOP:
		return "nop";
	case SYNSINK_TCPOPT_MSS:
		return "mss";
	case SYNSINK_TCPOPT_WSCALE:
		return "wscale";
	case SYNSINK_TCPOPT_SACKOK:
		return "sackok";
	case SYNSINK_TCPOPT_SACK:
		return "sack";
	case SYNSINK_TCPOPT_TS:
		return "ts";
	default:
		return NULL;
	}
}

static void put_opts(struct out *o, const struct synsink_event *ev)
{
	unsigned int i;

	put_key(o, OPTS);
	put_ch(o, '[');
	for (i = 0; i < ev->n_opts && i < SYNSINK_MAX_OPTS; i++) {
		const char *name = syn_optname(ev->opt_order[i]);

		if (i)
			put_ch(o, ',');
		if (name) {
			put_ch(o, '"');
			put_str(o, name);
			put_ch(o, '"');
		} else {
			put_uint(o, ev->opt_order[i], 0);
		}
	}
	put_ch(o, ']');
}

/* The SYN's p0f signature: printable ASCII without quotes or
 * backslashes, so it goes out as it is. */
static void put_fp(struct out *o, const struct syn_sig *sig)
{
	if (!sig->fp_len) {
		o->spent = 1;
		return;
	}
	put_key(o, FP);
	put_ch(o, '"');
	put_mem(o, sig->fp, sig->fp_len);
	put_ch(o, '"');
}

/* A string value, or null. */
static void put_json_str_or_null(struct out *o, const char *s)
{
	if (s)
		put_json_str(o, s, SYNSINK_LINE_MAX);
	else
		put_lit(o, "null");
}

/* The label p0f's database gives the SYN: "os", "os_class", "os_flavor"
 * (null when none matched) and "os_match". */
static void put_os(struct out *o, const struct syn_sig *sig, uint64_t want)
{
	const struct p0f_label *l = sig->label;

	if (W(OS)) {
		put_key(o, OS);
		put_json_str_or_null(o, l ? l->text : NULL);
	}
	if (W(OS_CLASS)) {
		put_key(o, OS_CLASS);
		put_json_str_or_null(o, l ? l->cls : NULL);
	}
	if (W(OS_FLAVOR)) {
		put_key(o, OS_FLAVOR);
		put_json_str_or_null(o, l && *l->flavor ? l->flavor : NULL);
	}
	if (W(OS_MATCH)) {
		put_key(o, OS_MATCH);
		put_ch(o, '"');
		put_str(o, p0f_how_name(sig->how));
		put_ch(o, '"');
	}
}

/* A string from a fixed field or table, null when empty. */
static void put_text_or_null(struct out *o, const char *s, size_t max)
{
	if (s && *s)
		put_json_str(o, s, max);
	else
		put_lit(o, "null");
}

/* Who sent the SYN (--owner): uid, gid, user, secctx, and with
 * --owner=full pid, comm, exe, cgroup, unit, container; null for what is
 * not known (a SYN that was not sent from this host has none of it). */
static void put_owner(struct out *o, const struct synsink_event *ev, uint64_t want)
{
	bool ids = ev->owner & SYNSINK_OWN_UID;
	struct owner_proc p;
	char user[64];
	bool proc;

	if (W(UID)) {
		put_key(o, UID);
		ids ? put_uint(o, ev->uid, 0) : put_lit(o, "null");
	}
	if (W(GID)) {
		put_key(o, GID);
		ids ? put_uint(o, ev->gid, 0) : put_lit(o, "null");
	}
	if (W(USER)) {
		put_key(o, USER);
		put_text_or_null(o, ids && owner_user(ev->uid, user, sizeof(user)) ? user : NULL,
				 sizeof(user));
	}
	if (W(SECCTX)) {
		put_key(o, SECCTX);
		put_text_or_null(o, ev->owner & SYNSINK_OWN_SECCTX ? secctx_name(ev->secctx) : NULL,
				 SECCTX_MAX_LEN);
	}
	if (owner_level() != OWNER_FULL || !(want & SF_PROC_KEYS))
		return;
	proc = (want &
		(SF_BIT(SF_EXE) | SF_BIT(SF_CGROUP) | SF_BIT(SF_UNIT) | SF_BIT(SF_CONTAINER))) &&
	       owner_proc_get(ev, &p);
	if (W(PID)) {
		put_key(o, PID);
		ev->owner &SYNSINK_OWN_PID ? put_uint(o, ev->pid, 0) : put_lit(o, "null");
	}
	if (W(COMM)) {
		put_key(o, COMM);
		put_text_or_null(o, ev->owner & SYNSINK_OWN_PID ? ev->comm : NULL,
				 sizeof(ev->comm));
	}
	if (W(EXE)) {
		put_key(o, EXE);
		put_text_or_null(o, proc ? p.exe : NULL, sizeof(p.exe));
	}
	if (W(CGROUP)) {
		put_key(o, CGROUP);
		put_text_or_null(o, proc ? p.cgroup : NULL, sizeof(p.cgroup));
	}
	if (W(UNIT)) {
		put_key(o, UNIT);
		put_text_or_null(o, proc ? p.unit : NULL, sizeof(p.unit));
	}
	if (W(CONTAINER)) {
		put_key(o, CONTAINER);
		put_text_or_null(o, proc ? p.container : NULL, sizeof(p.container));
	}
}

static void put_mac(struct out *o, const struct synsink_event *ev)
{
	static const char hex[] = "0123456789abcdef";
	unsigned int i;

	put_key(o, MAC);
	if (!(ev->flags & SYNSINK_F_HAS_HW)) {
		put_lit(o, "null");
		return;
	}
	put_ch(o, '"');
	for (i = 0; i < ev->hwaddr_len && i < sizeof(ev->hwaddr); i++) {
		if (i)
			put_ch(o, ':');
		put_ch(o, hex[ev->hwaddr[i] >> 4]);
		put_ch(o, hex[ev->hwaddr[i] & 15]);
	}
	put_ch(o, '"');
}

/* An interface's name, or null when there is none. */
static void put_dev(struct out *o, uint32_t ifindex, const char *name)
{
	if (!ifindex) {
		put_lit(o, "null");
		return;
	}
	put_json_str(o, name, SYNSINK_IFNAMSIZ);
}

/* v .. tos, then the family's own: flowlabel and exthdrs, or ip_id and
 * ipopt_len. */
static void put_ip_keys(struct out *o, const struct synsink_event *ev, uint64_t want)
{
	int v6 = ev->family == AF_INET6;

	if (W(V))
		put_kuint(o, V, SYN_JSON_SCHEMA);
	if (W(V_MINOR))
		put_kuint(o, V_MINOR, SYN_JSON_MINOR);
	if (W(TS)) {
		put_key(o, TS);
		put_ts(o, ev->ts_ns);
	}
	if (W(SOURCE)) {
		put_key(o, SOURCE);
		if (ev->flags & SYNSINK_F_NFLOG)
			put_lit(o, "\"nflog\"");
		else if (ev->flags & SYNSINK_F_EBPF)
			put_lit(o, "\"ebpf\"");
		else
			put_lit(o, "\"nfqueue\"");
	}
	if (W(QUEUE))
		put_kuint(o, QUEUE, ev->queue);
	if (W(ID))
		put_kuint(o, ID, ev->packet_id);
	if (W(FAMILY)) {
		put_key(o, FAMILY);
		if (v6)
			put_lit(o, "\"ipv6\"");
		else
			put_lit(o, "\"ipv4\"");
	}
	if (W(SRC)) {
		put_key(o, SRC);
		put_ch(o, '"');
		put_addr(o, ev->family, ev->saddr);
		put_ch(o, '"');
	}
	if (W(SPORT))
		put_kuint(o, SPORT, ev->sport);
	if (W(DST)) {
		put_key(o, DST);
		put_ch(o, '"');
		put_addr(o, ev->family, ev->daddr);
		put_ch(o, '"');
	}
	if (W(DPORT))
		put_kuint(o, DPORT, ev->dport);
	if (W(TTL))
		put_kuint(o, TTL, ev->ttl);
	if (W(TOS))
		put_kuint(o, TOS, ev->tos);
	if (v6) {
		if (W(FLOWLABEL))
			put_kuint(o, FLOWLABEL, ev->flowlabel);
		if (W(EXTHDRS))
			put_kuint(o, EXTHDRS, ev->n_exthdr);
	} else {
		if (W(IP_ID))
			put_kuint(o, IP_ID, ev->ip_id);
		if (W(IPOPT_LEN))
			put_kuint(o, IPOPT_LEN, ev->ipopt_len);
	}
}

/* df .. opt_bad: the IP flags and the TCP header with its options. */
static void put_tcp_keys(struct out *o, const struct synsink_event *ev, uint64_t want)
{
	if (W(DF))
		put_kbool(o, DF, ev->flags & SYNSINK_F_IP_DF);
	if (W(FRAG))
		put_kbool(o, FRAG, ev->flags & SYNSINK_F_IP_MF);
	if (W(WIN))
		put_kuint(o, WIN, ev->win);
	if (W(SEQ))
		put_kuint(o, SEQ, ev->seq);
	if (W(FLAGS))
		put_kuint(o, FLAGS, ev->tcp_flags);
	if (W(ECN))
		put_kbool(o, ECN, ev->flags & SYNSINK_F_ECN_SETUP);
	if (W(PAYLOAD))
		put_kuint(o, PAYLOAD, ev->payload_len);
	if (W(TRUNCATED))
		put_kbool(o, TRUNCATED, ev->flags & SYNSINK_F_TRUNC);
	if (W(MSS) && (ev->opt_present & SYNSINK_HAS_MSS))
		put_kuint(o, MSS, ev->mss);
	if (W(WSCALE) && (ev->opt_present & SYNSINK_HAS_WSCALE))
		put_kuint(o, WSCALE, ev->wscale);
	if (W(SACKOK))
		put_kbool(o, SACKOK, ev->opt_present & SYNSINK_HAS_SACKOK);
	if (ev->opt_present & SYNSINK_HAS_TS) {
		if (W(TSVAL))
			put_kuint(o, TSVAL, ev->tsval);
		if (W(TSECR))
			put_kuint(o, TSECR, ev->tsecr);
	}
	if (W(OPTS))
		put_opts(o, ev);
	if (W(OPT_BAD))
		put_kbool(o, OPT_BAD, ev->flags & SYNSINK_F_OPT_BAD);
}

/* fp .. host: what synsink adds to the packet. */
static void put_context_keys(struct out *o, const struct synsink_event *ev,
			     const struct syn_sig *sig, uint64_t want)
{
	if (W(FP))
		put_fp(o, sig);
	if (W(HOPS))
		put_kuint(o, HOPS, syn_fp_ittl(ev->ttl) - ev->ttl);
	if (W(RETX))
		put_kbool(o, RETX, ev->flags & SYNSINK_F_RETX);
	if (W(IN)) {
		put_key(o, IN);
		put_dev(o, ev->indev, ev->indev_name);
	}
	if (W(OUT)) {
		put_key(o, OUT);
		put_dev(o, ev->outdev, ev->outdev_name);
	}
	if (W(MARK))
		put_kuint(o, MARK, ev->mark);
	if (W(MAC))
		put_mac(o, ev);
	if (W(HOST)) {
		put_key(o, HOST); /* valid names need no escaping */
		put_ch(o, '"');
		put_str(o, sensor);
		put_ch(o, '"');
	}
}

size_t syn_format_json_sel(const struct synsink_event *ev, char *buf, size_t len, uint64_t want)
{
	struct out o = { buf, len, 0 };
	const struct syn_sig *sig = NULL;
	size_t n;

	if (W(FP) || (p0f && (want & SF_OS_KEYS)))
		sig = syn_sig_of(ev, p0f);
	/* Every key is written with a comma before it; the first one's
	 * becomes the brace at the end. */
	put_ip_keys(&o, ev, want);
	put_tcp_keys(&o, ev, want);
	put_context_keys(&o, ev, sig, want);
	if (p0f && (want & SF_OS_KEYS))
		put_os(&o, sig, want);
	if (owner_level() != OWNER_OFF && (want & SF_OWNER_KEYS))
		put_owner(&o, ev, want);
	if (o.p == buf) /* none of the keys selected is in this event */
		put_ch(&o, ',');
	put_lit(&o, "}\n");
	n = out_finish(&o, buf);
	if (n)
		buf[0] = '{';
	return n;
}

size_t syn_format_json(const struct synsink_event *ev, char *buf, size_t len)
{
	return syn_format_json_sel(ev, buf, len, SF_ALL);
}

unsigned int syn_format_features(void)
{
	int lv = owner_level();

	return (p0f ? SF_FEAT_P0F : 0) | (lv != OWNER_OFF ? SF_FEAT_OWNER : 0) |
	       (lv == OWNER_FULL ? SF_FEAT_OWNER_FULL : 0);
}
