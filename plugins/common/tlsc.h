/* SPDX-License-Identifier: MIT */
/*
 * tlsc.h - a TLS client connection with OpenSSL, for the sinks that speak
 * TLS themselves (syslog, Redis): the server's certificate checked
 * against a CA and against a name (an address is checked against the IP
 * SANs), an optional client certificate.  The handshake either waits
 * (tlsc_handshake) or is stepped by the caller's own poll loop
 * (tlsc_step), and so is I/O (tlsc_send waits, tlsc_read/tlsc_write do
 * not).  Failures come back as one line in the caller's buffer.
 */
#ifndef SYNSINK_PLUGIN_TLSC_H
#define SYNSINK_PLUGIN_TLSC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct tlsc;

/* The settings: CA file (NULL: the system's), client certificate and key
 * (both or neither), the name to check, and what to call the server in
 * messages ("collector").  Returns NULL with one line in why. */
struct tlsc *tlsc_new(const char *ca, const char *cert, const char *key, const char *name,
		      const char *peer, char *why, size_t len);
void tlsc_free(struct tlsc *t);

/* Begins a handshake on a connected, non-blocking fd.  Returns 0 or
 * -ENOMEM with why. */
int tlsc_begin(struct tlsc *t, int fd, char *why, size_t len);
/* One step of it.  Returns 0 when done, POLLIN or POLLOUT to wait for,
 * or -EPROTO with why (*verify set when the server's certificate was
 * refused: a CA we do not trust, expired, another name); the connection
 * is closed then. */
int tlsc_step(struct tlsc *t, bool *verify, char *why, size_t len);
/* The whole handshake, waiting at most timeout_ms (no TLS answer in time:
 * -EPROTO, "is it a TLS port?"). */
int tlsc_handshake(struct tlsc *t, int fd, int timeout_ms, bool *verify, char *why, size_t len);
/* Right after the handshake, at start: waits wait_ms for the server to
 * refuse us after all (with TLS 1.3 a missing client certificate is
 * refused after the client's side is done).  Returns 0, or -EPROTO with
 * why. */
int tlsc_settled(struct tlsc *t, int fd, int wait_ms, char *why, size_t len);

/* Writes len bytes on a blocking connection (with a send timeout);
 * returns what went out, or -1 with errno (EPIPE for a TLS error). */
ssize_t tlsc_send(struct tlsc *t, const void *buf, size_t len);
/*
 * Non-blocking I/O.  Each returns the bytes moved (> 0), 0 when it has to
 * wait (*want: POLLIN or POLLOUT, which may be the other way round from
 * the call), or -1 with why: the server closed the connection, or a TLS
 * error.  A write that had to wait must be repeated with at least as many
 * bytes (the same bytes first; the buffer may have moved).  A read takes
 * a whole record when len is 16 KiB or more, so what is left is still in
 * the socket, where poll() sees it.
 */
ssize_t tlsc_read(struct tlsc *t, void *buf, size_t len, int *want, char *why, size_t wlen);
ssize_t tlsc_write(struct tlsc *t, const void *buf, size_t len, int *want, char *why, size_t wlen);
/* After a failed write: whether the server had sent an alert that says
 * why (with TLS 1.3 a missing client certificate is refused after the
 * client's side of the handshake is done, and a write then meets only
 * the reset); why is set then. */
bool tlsc_refusal(struct tlsc *t, char *why, size_t len);
/* Ends the connection (a close_notify, not waited for). */
void tlsc_close(struct tlsc *t);

#endif
