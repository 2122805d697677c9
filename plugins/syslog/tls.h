/* SPDX-License-Identifier: MIT */
/*
 * tls.h - syslog over TLS (RFC 5425) with OpenSSL: the collector's
 * certificate checked against a CA and against its name (the target's
 * host, or tls_name=), an optional client certificate.
 */
#ifndef SYNSINK_SYSLOG_TLS_H
#define SYNSINK_SYSLOG_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct stls;

/* The settings: CA file (NULL: the system's), client certificate and key
 * (both or neither), the name to check.  Returns NULL with one line in
 * why. */
struct stls *stls_new(const char *ca, const char *cert, const char *key, const char *name,
		      char *why, size_t len);
void stls_free(struct stls *t);

/* The handshake on a connected, non-blocking fd, waiting at most
 * timeout_ms.  Returns 0, or -EPROTO with why (*verify set when the
 * collector's certificate was refused: a CA we do not trust, expired,
 * another name; or no TLS answer in time), or -errno. */
int stls_handshake(struct stls *t, int fd, int timeout_ms, bool *verify, char *why, size_t len);
/* Right after the handshake, at start: waits wait_ms for the collector
 * to refuse us after all (with TLS 1.3 a missing client certificate is
 * refused after the client's side is done).  Returns 0, or -EPROTO with
 * why. */
int stls_settled(struct stls *t, int fd, int wait_ms, char *why, size_t len);
/* Writes len bytes on the (blocking, with a send timeout) connection;
 * returns what went out, or -1 with errno (EPIPE for a TLS error). */
ssize_t stls_send(struct stls *t, const void *buf, size_t len);
/* Ends the connection (a close_notify, not waited for). */
void stls_close(struct stls *t);

#endif
