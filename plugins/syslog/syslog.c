// SPDX-License-Identifier: MIT
/*
 * syslog.c - the syslog sink: RFC 3164 or RFC 5424, to the local socket
 * (datagram, or stream with newline framing), a UDP collector, or a TCP
 * collector with RFC 6587 octet counting, in the clear or over TLS (RFC
 * 5425; ../common/tlsc.c).
 *
 * Datagram targets (unix, udp) send each message once: a send that fails
 * settles the event failed; while the socket is missing, write() says
 * SYNSINK_RETRY and the core keeps (and spools) the events.  UDP's
 * delivered means handed to the kernel; an ICMP refusal of an earlier
 * datagram, reported by a later send, is counted in refused.
 * The TCP target (and TLS, the same over tlsc.c) takes events only while
 * connected, into a FIFO of what is on its way, and settles them
 * delivered once their frames are written; a connection lost with frames
 * unwritten sends them again after reconnecting.  TCP gives no application acknowledgement: a frame the
 * kernel accepted just before the collector died counts delivered.
 * Before each batch the socket is polled for the peer's close, so a
 * collector that went away between batches is noticed before anything is
 * written to it.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <synsink/plugin.h>

#include "fmtpick.h"
#include "frame.h"
#include "link.h"
#include "outbox.h"
#include "settle.h"
#include "ssink.h"
#include "tlsc.h"
#include "tlsopt.h"

#define CHUNK	      256
#define FRAME_ROOM    24  /* "LEN " in front of a TCP frame */
#define TLS_SETTLE_MS 200 /* at start: time for a collector to refuse us after all */

enum {
	OPT_TARGET,
	OPT_RFC,
	OPT_FACILITY,
	OPT_SEVERITY,
	OPT_TAG,
	OPT_HOSTNAME,
	OPT_FORMAT,
	OPT_MAX_SIZE,
	OPT_CA,
	OPT_CERT,
	OPT_TLS_KEY,
	OPT_TLS_NAME,
	N_OPTS
};

/* Choices by name: an enum value indexes its own string. */
enum { RFC_OPT_AUTO, RFC_OPT_3164, RFC_OPT_5424, N_RFC_OPTS };
enum { FMT_TEXT, FMT_JSON, N_FMTS };

static const char *const rfcs[] = {
	[RFC_OPT_AUTO] = "auto",
	[RFC_OPT_3164] = "3164",
	[RFC_OPT_5424] = "5424",
	[N_RFC_OPTS] = NULL,
};
static const char *const formats[] = { [FMT_TEXT] = "text", [FMT_JSON] = "json", [N_FMTS] = NULL };

static const struct synsink_option options[N_OPTS] = {
	[OPT_TARGET] = { "target", SYNSINK_OPT_STRING, "unix:/dev/log",
			 "unix:PATH, udp:HOST:PORT, tcp:HOST:PORT or tls:HOST:PORT (IPv6 host in brackets)",
			 NULL, 0, 0 },
	[OPT_RFC] = { "rfc", SYNSINK_OPT_ENUM, "auto",
		      "message format; auto: 3164 to a unix socket, 5424 over the network", rfcs, 0,
		      0 },
	[OPT_FACILITY] = { "facility", SYNSINK_OPT_ENUM, "daemon", "syslog facility",
			   syslog_facility_names, 0, 0 },
	[OPT_SEVERITY] = { "severity", SYNSINK_OPT_ENUM, "info", "syslog severity",
			   syslog_severity_names, 0, 0 },
	[OPT_TAG] = { "tag", SYNSINK_OPT_STRING, "synsink", "3164 tag / 5424 APP-NAME", NULL, 0,
		      0 },
	[OPT_HOSTNAME] = { "hostname", SYNSINK_OPT_STRING, NULL,
			   "HOSTNAME field (default: the sensor's name, --sensor; left out of 3164 to a unix socket)",
			   NULL, 0, 0 },
	[OPT_FORMAT] = { "format", SYNSINK_OPT_ENUM, "text",
			 "message text: the origin's line, or the JSON event", formats, 0, 0 },
	[OPT_MAX_SIZE] = { "max_size", SYNSINK_OPT_UINT, "2048",
			   "longest message in bytes; longer ones are cut and counted", NULL, 480,
			   65000 },
	TLSOPT_TABLE("collector"),
	TLSOPT_NAME("collector", "the target's host"),
};

/* Formats one event's message at out (room bytes before it free for a
 * frame prefix); returns the bytes to send starting at *start, or 0. */
static size_t message(struct ssink *s, const struct synsink_event *ev, char *out, size_t cap,
		      char **start)
{
	size_t len = (s->json ? s->host->format_json : s->host->format_text)(s->host, ev, s->line,
									     sizeof(s->line));
	size_t n, max = s->max_size < cap - FRAME_ROOM - 1 ? s->max_size : cap - FRAME_ROOM - 1;
	int trunc;

	if (!len)
		return 0;
	len--; /* the newline */
	n = syslog_format(&s->hdr, ev->ts_ns, s->line, len, out + FRAME_ROOM, max, &trunc);
	if (!n)
		return 0;
	s->truncated += (unsigned long long)trunc;
	if (target_is_stream_inet(s->target.kind)) {
		*start = syslog_octet_frame(out + FRAME_ROOM, n, FRAME_ROOM, &n);
		return *start ? n : 0;
	}
	*start = out + FRAME_ROOM;
	if (s->stream)
		(*start)[n++] = '\n'; /* unix stream: newline framing */
	return n;
}

/* One message per datagram, each settled as it goes. */
static void send_datagrams(struct ssink *s, const struct synsink_event *ev, size_t n, uint64_t seq)
{
	struct settle_run r = SETTLE_RUN_INIT(s->host);
	size_t i;

	for (i = 0; i < n; i++) {
		char *start;
		size_t len;

		if (!sconn_ensure(s)) {
			/* The socket went during the batch: the rest waits
			 * with the core for it to come back. */
			settle_add(&r, seq + i, SYNSINK_REQUEUE);
			continue;
		}
		len = message(s, &ev[i], s->out, s->out_cap, &start);
		if (!len) {
			s->failed++;
			settle_add(&r, seq + i, SYNSINK_FAILED);
			continue;
		}
		if (send(s->fd, start, len, MSG_NOSIGNAL) == (ssize_t)len) {
			s->sent++;
			settle_add(&r, seq + i, SYNSINK_DELIVERED);
			continue;
		}
		s->failed++;
		settle_add(&r, seq + i, SYNSINK_FAILED);
		if (s->target.kind == TARGET_UDP && errno == ECONNREFUSED) {
			/* An ICMP port unreachable for an earlier datagram
			 * (already counted sent), reported by this send,
			 * which did not go out.  The socket stays. */
			char t[300];

			s->refused++;
			s->host->log(
				s->host, SYNSINK_LOG_WARN,
				"%s: nothing listens there (ICMP port unreachable); counted in refused",
				sconn_target(s, t, sizeof(t)));
			continue;
		}
		if (s->target.kind == TARGET_UNIX || errno == ENOTCONN)
			sconn_lost(s, errno); /* reopen (the socket may be new) */
	}
	settle_end(&r);
}

/* TCP: sends the FIFO's head while the connection lasts. */
static void pump(void *sink)
{
	struct ssink *s = sink;

	while (s->ob.count && sconn_ensure(s)) {
		size_t n = s->ob.count < CHUNK ? s->ob.count : CHUNK, i, used = 0;
		size_t ends[CHUNK], done = 0;
		bool framed[CHUNK];
		ssize_t w = 0;

		if (sconn_peer_gone(s)) {
			sconn_lost(s, ECONNRESET);
			return;
		}
		for (i = 0; i < n; i++) {
			char *start;
			size_t len;

			if (s->out_cap - used < s->max_size + FRAME_ROOM + 2)
				break;
			len = message(s, outbox_at(&s->ob, i), s->out + used, s->out_cap - used,
				      &start);
			framed[i] = len != 0; /* else nothing to send for it */
			if (len) {
				memmove(s->out + used, start, len);
				used += len;
			}
			ends[i] = used;
		}
		n = i;
		while (done < used) {
			w = sconn_send(s, s->out + done, used - done);
			if (w <= 0)
				break;
			done += (size_t)w;
		}
		/* Settle the events whose frames went out whole: each one is
		 * delivered, or failed if it had no frame; never both. */
		for (i = 0; i < n && ends[i] <= done; i++) {
			size_t k = 1;

			while (i + k < n && ends[i + k] <= done && framed[i + k] == framed[i])
				k++;
			if (framed[i])
				s->sent += k;
			else
				s->failed += k;
			outbox_settle(&s->ob, k, framed[i] ? SYNSINK_DELIVERED : SYNSINK_FAILED);
			i += k - 1;
		}
		if (done < used) {
			sconn_lost(s, w < 0 ? errno : EPIPE);
			return;
		}
	}
}

static void syslog_close(void *state);

/* tls: the settings (ca, cert, tls_key, tls_name); the other targets take
 * none of them.  Returns 0 or -EINVAL with why. */
static int tls_setup(struct ssink *s, const struct synsink_value *v, char *why, size_t len)
{
	if (tlsopt_check(s->target.kind == TARGET_TLS, "a tls: target", v[OPT_CA].str,
			 v[OPT_CERT].str, v[OPT_TLS_KEY].str, v[OPT_TLS_NAME].str, why, len))
		return -EINVAL;
	if (s->target.kind != TARGET_TLS)
		return 0;
	s->tls = tlsc_new(v[OPT_CA].str, v[OPT_CERT].str, v[OPT_TLS_KEY].str,
			  v[OPT_TLS_NAME].str ? v[OPT_TLS_NAME].str : s->target.host, "collector",
			  why, len);
	return s->tls ? 0 : -EINVAL;
}

/* What open sets up before it reaches out: the target, the header, the TLS
 * context (its files read).  0, or a negative errno after one line; s->tls
 * is set only when all went well. */
static int syslog_setup(struct ssink *s, const struct synsink_value *v,
			const struct synsink_host *host)
{
	char why[300];
	int ret;

	s->host = host;
	s->fd = -1;
	if (syslog_target_parse(v[OPT_TARGET].str, &s->target, why, sizeof(why))) {
		host->log(host, SYNSINK_LOG_ERR, "%s", why);
		return -EINVAL; /* a usage error */
	}
	if (syslog_name_check("tag", v[OPT_TAG].str, SYSLOG_APPNAME_MAX, why, sizeof(why)) ||
	    (v[OPT_HOSTNAME].str && syslog_name_check("hostname", v[OPT_HOSTNAME].str,
						      SYSLOG_HOSTNAME_MAX, why, sizeof(why)))) {
		host->log(host, SYNSINK_LOG_ERR, "%s", why);
		return -EINVAL; /* a usage error */
	}
	s->json = v[OPT_FORMAT].num == FMT_JSON;
	if (!fmt_pick(host, s->json))
		return -EINVAL;
	s->max_size = v[OPT_MAX_SIZE].num;
	s->hdr.facility = (unsigned int)v[OPT_FACILITY].num;
	s->hdr.severity = (unsigned int)v[OPT_SEVERITY].num;
	s->hdr.tag = v[OPT_TAG].str;
	s->hdr.pid = (unsigned int)getpid();
	s->hdr.rfc = v[OPT_RFC].num == RFC_OPT_5424   ? RFC_5424
		     : v[OPT_RFC].num == RFC_OPT_3164 ? RFC_3164
		     : s->target.kind == TARGET_UNIX  ? RFC_3164
						      : RFC_5424;
	snprintf(s->hostname, sizeof(s->hostname), "%s",
		 v[OPT_HOSTNAME].str ? v[OPT_HOSTNAME].str : host->sensor);
	/* 3164 to the local socket: the daemon adds the host itself. */
	s->hdr.hostname =
		(s->hdr.rfc == RFC_3164 && s->target.kind == TARGET_UNIX && !v[OPT_HOSTNAME].str)
			? NULL
			: s->hostname;
	if (syslog_hdr_check(&s->hdr, s->max_size, why, sizeof(why))) {
		host->log(host, SYNSINK_LOG_ERR, "%s", why);
		return -EINVAL; /* no event could ever be sent */
	}
	ret = tls_setup(s, v, why, sizeof(why));
	if (ret)
		host->log(host, SYNSINK_LOG_ERR, "%s", why);
	return ret;
}

/* --check-config: the setup alone, nothing connected. */
static int syslog_check(const struct synsink_value *v, const struct synsink_host *host)
{
	struct ssink *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	ret = syslog_setup(s, v, host);
	tlsc_free(s->tls);
	free(s);
	return ret;
}

static int syslog_open(void **state, const struct synsink_value *v, const struct synsink_host *host)
{
	struct ssink *s = calloc(1, sizeof(*s));
	char why[300];
	int ret;

	if (!s)
		return -ENOMEM;
	ret = syslog_setup(s, v, host);
	if (ret) {
		free(s);
		return ret;
	}
	s->out_cap = CHUNK * ((size_t)s->max_size + FRAME_ROOM + 2);
	s->out = malloc(s->out_cap);
	if (!s->out ||
	    outbox_init(&s->ob, target_is_stream_inet(s->target.kind) ? OUTBOX_CAP : 0, host)) {
		free(s->out);
		tlsc_free(s->tls);
		free(s);
		return -ENOMEM;
	}
	link_init(&s->link, &s->ob, host);
	/* A target that is not there yet is retried, not fatal: syslog
	 * daemons restart, and the local socket may come later.  A collector
	 * that answers and refuses our TLS (its certificate, not trusted,
	 * expired or for another name; or no TLS at all) is: one line. */
	ret = s->target.kind == TARGET_UNIX ? sconn_unix(s) : sconn_inet(s);
	if (!ret && s->tls)
		ret = tlsc_settled(s->tls, s->fd, TLS_SETTLE_MS, s->tls_why, sizeof(s->tls_why));
	if (ret == -EPROTO && s->tls) {
		host->log(host, SYNSINK_LOG_ERR, "%s: %s", sconn_target(s, why, sizeof(why)),
			  s->tls_why);
		syslog_close(s);
		return -EACCES;
	}
	if (ret) {
		host->log(host, SYNSINK_LOG_WARN, "%s: %s; will retry",
			  sconn_target(s, why, sizeof(why)), sconn_why(s, ret));
		link_mark_down(&s->link);
		outbox_connection_lost(&s->ob);
	}
	*state = s;
	return 0;
}

static int syslog_write(void *state, const struct synsink_event *ev, size_t n, uint64_t seq)
{
	struct ssink *s = state;

	if (!sconn_ensure(s))
		return SYNSINK_RETRY; /* the core keeps them meanwhile */
	if (!target_is_stream_inet(s->target.kind)) {
		send_datagrams(s, ev, n, seq);
		return SYNSINK_PENDING; /* settled above */
	}
	if (outbox_room(&s->ob) < n)
		pump(s);
	if (outbox_room(&s->ob) < n)
		return SYNSINK_RETRY;
	outbox_add(&s->ob, ev, n, seq);
	pump(s);
	return SYNSINK_PENDING;
}

static int syslog_flush(void *state, int timeout_ms)
{
	struct ssink *s = state;
	int ret;

	if (s->link.down)
		sconn_ensure(s); /* the core may hold events for us */
	if (!target_is_stream_inet(s->target.kind))
		return 0;
	ret = outbox_drain(&s->ob, timeout_ms, pump, s);
	if (ret && timeout_ms > 0)
		s->host->log(s->host, SYNSINK_LOG_WARN, "%zu events undelivered at the deadline",
			     s->ob.count);
	return ret;
}

static void syslog_close(void *state)
{
	struct ssink *s = state;

	sconn_close(s);
	outbox_requeue_all(&s->ob); /* unwritten frames: the core spools them */
	outbox_free(&s->ob);
	tlsc_free(s->tls);
	free(s->out);
	free(s);
}

static void syslog_stats(void *state, synsink_emit_fn emit, void *arg)
{
	struct ssink *s = state;

	emit(arg, "sent", s->sent);
	emit(arg, "failed", s->failed);
	emit(arg, "truncated", s->truncated);
	link_stats(&s->link, emit, arg, "send_errors");
	emit(arg, "refused", s->refused);
}

static const struct synsink_plugin syslog_plugin = {
	SYNSINK_PLUGIN_INIT,
	.flags = SYNSINK_PLUGIN_TEXT,
	.name = "syslog",
	.description =
		"syslog, RFC 3164 or 5424: local socket, UDP, or TCP or TLS with octet counting",
	.options = options,
	.n_options = N_OPTS,
	.open = syslog_open,
	.write = syslog_write,
	.flush = syslog_flush,
	.close = syslog_close,
	.stats = syslog_stats,
	.check = syslog_check,
};

SYNSINK_PLUGIN_DEFINE(syslog_plugin)
