/* SPDX-License-Identifier: MIT */
/*
 * frame.h - syslog messages: RFC 3164 and RFC 5424 headers, RFC 6587
 * octet counting, and truncation.  Pure: no I/O.
 */
#ifndef SYNSINK_SYSLOG_FRAME_H
#define SYNSINK_SYSLOG_FRAME_H

#include <stddef.h>
#include <stdint.h>

enum syslog_rfc { RFC_3164, RFC_5424 };

struct syslog_hdr {
	enum syslog_rfc rfc;
	unsigned int facility; /* 0..23 */
	unsigned int severity; /* 0..7 */
	const char *hostname;  /* NULL: left out (3164 to the local socket) */
	const char *tag;       /* 3164 TAG / 5424 APP-NAME */
	unsigned int pid;
};

/* Facility and severity by name ("daemon", "local3", "info", "warning",
 * ...).  Return the code, or -1 for an unknown name. */
int syslog_facility(const char *name);
int syslog_severity(const char *name);
extern const char *const syslog_facility_names[]; /* NULL-terminated */
extern const char *const syslog_severity_names[];

/*
 * Writes one message: header for the event time ts_ns, then msg (msglen
 * bytes).  When the whole would pass max bytes, msg is cut, never inside a
 * UTF-8 character, and *truncated is set.  Returns the length written (no
 * NUL), or 0 when not even the header fits.
 */
size_t syslog_format(const struct syslog_hdr *h, uint64_t ts_ns, const char *msg, size_t msglen,
		     char *out, size_t max, int *truncated);

/* Whether a message with this header can fit in max bytes at all (a tag
 * or hostname too long for max_size never can).  Returns 0, or -EINVAL
 * with why. */
int syslog_hdr_check(const struct syslog_hdr *h, size_t max, char *why, size_t len);

/* RFC 5424's rule for a header field given by the operator (hostname=:
 * HOSTNAME, at most 255; tag=: APP-NAME, at most 48): 1 to max printable
 * US-ASCII characters, no space.  A newline would forge a second message.
 * Returns 0, or -EINVAL with why naming the option. */
#define SYSLOG_HOSTNAME_MAX 255
#define SYSLOG_APPNAME_MAX  48
int syslog_name_check(const char *opt, const char *s, size_t max, char *why, size_t len);

/* Prefixes msg (len bytes, at out + room) with "LEN " for RFC 6587
 * octet-counted framing: the caller formats the message room bytes into
 * its buffer; this moves nothing, it writes the prefix just before and
 * returns the frame's start (or NULL when room is too small). */
char *syslog_octet_frame(char *msg, size_t len, size_t room, size_t *framelen);

enum target_kind { TARGET_UNIX, TARGET_UDP, TARGET_TCP, TARGET_TLS };

/* TCP and TLS: a stream to a collector, octet-counted frames. */
static inline int target_is_stream_inet(enum target_kind k)
{
	return k == TARGET_TCP || k == TARGET_TLS;
}

struct syslog_target {
	enum target_kind kind;
	char path[108]; /* unix */
	char host[256]; /* udp/tcp/tls, without brackets */
	char port[8];
};

/* Parses "unix:PATH", "udp:HOST:PORT", "tcp:HOST:PORT" or "tls:HOST:PORT"
 * (an IPv6 host in brackets).  Returns 0, or -EINVAL with one line in
 * why. */
int syslog_target_parse(const char *s, struct syslog_target *t, char *why, size_t len);

#endif
