/* SPDX-License-Identifier: MIT */
/* ssink.h - one syslog sink instance, shared by syslog.c (the plugin:
 * messages, frames, delivery) and sconn.c (its connection: unix, UDP,
 * TCP, TLS). */
#ifndef SYNSINK_SYSLOG_SSINK_H
#define SYNSINK_SYSLOG_SSINK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <synsink/plugin.h>

#include "frame.h"
#include "link.h"
#include "outbox.h"
#include "tlsc.h"

#define SEND_TIMEOUT_S 2 /* a send waits at most this long; so does a TLS handshake */

struct ssink {
	const struct synsink_host *host;
	struct syslog_target target;
	struct syslog_hdr hdr;
	char hostname[256];
	int json;
	size_t max_size;
	int fd;
	int stream;	    /* tcp, or a unix stream socket */
	struct outbox ob;   /* backoff; and for tcp, the unsent events */
	struct link link;   /* down and back: counted and said */
	struct tlsc *tls;   /* tls: the settings and the connection */
	bool verify_failed; /* the last handshake refused the certificate */
	char tls_why[300];  /* why the last handshake failed */

	/* Counters: stats() reads them from any thread. */
	atomic_ullong sent, failed, truncated, refused;
	char line[SYNSINK_LINE_MAX];
	char *out; /* a chunk of formatted messages */
	size_t out_cap;
};

/* Closes the connection (TLS first). */
void sconn_close(struct ssink *s);
/* A stream write: on the socket, or through TLS. */
ssize_t sconn_send(struct ssink *s, const void *buf, size_t len);
/* Connects to a unix socket (datagram, else stream), or to a UDP, TCP or
 * TLS collector.  Return 0 or -errno (-EPROTO: TLS refused, tls_why). */
int sconn_unix(struct ssink *s);
int sconn_inet(struct ssink *s);
/* Why a connection failed, in words. */
const char *sconn_why(const struct ssink *s, int ret);
/* "tls:HOST:PORT", or the path. */
const char *sconn_target(const struct ssink *s, char *buf, size_t len);
/* Connects when due.  Returns whether there is a connection. */
int sconn_ensure(struct ssink *s);
/* The connection broke (err): closed, counted and said. */
void sconn_lost(struct ssink *s, int err);
/* Whether the stream's peer has closed (or reset) the connection. */
bool sconn_peer_gone(struct ssink *s);

#endif
