// SPDX-License-Identifier: MIT
/* frame.c - syslog message formats. */
#include "frame.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hostport.h"

const char *const syslog_facility_names[] = {
	"kern",	   "user",	   "mail",   "daemon",	 "auth",   "syslog", "lpr",
	"news",	   "uucp",	   "cron",   "authpriv", "ftp",	   "ntp",    "security",
	"console", "solaris-cron", "local0", "local1",	 "local2", "local3", "local4",
	"local5",  "local6",	   "local7", NULL,
};

const char *const syslog_severity_names[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", NULL,
};

static int lookup(const char *const *names, const char *name)
{
	int i;

	for (i = 0; names[i]; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

int syslog_facility(const char *name)
{
	return lookup(syslog_facility_names, name);
}

int syslog_severity(const char *name)
{
	return lookup(syslog_severity_names, name);
}

/* The header; returns its length or 0 if it does not fit in max. */
static size_t header(const struct syslog_hdr *h, uint64_t ts_ns, char *out, size_t max)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t sec = (time_t)(ts_ns / 1000000000u);
	unsigned int pri = h->facility * 8 + h->severity;
	struct tm tm;
	int n;

	if (!gmtime_r(&sec, &tm))
		return 0;
	if (h->rfc == RFC_5424) {
		/* <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG */
		n = snprintf(out, max, "<%u>1 %04d-%02d-%02dT%02d:%02d:%02d.%06uZ %s %s %u syn - ",
			     pri, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			     tm.tm_min, tm.tm_sec, (unsigned int)(ts_ns % 1000000000u / 1000u),
			     h->hostname && *h->hostname ? h->hostname : "-", h->tag, h->pid);
	} else {
		/* <PRI>Mmm dd hh:mm:ss [HOSTNAME ]TAG[PID]: MSG  (UTC) */
		n = snprintf(out, max, "<%u>%s %2d %02d:%02d:%02d %s%s%s[%u]: ", pri,
			     mon[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			     h->hostname ? h->hostname : "", h->hostname ? " " : "", h->tag,
			     h->pid);
	}
	if (n < 0 || (size_t)n >= max)
		return 0;
	return (size_t)n;
}

/* The longest prefix of s (at most n bytes, s[n] existing) that does not
 * end inside a UTF-8 character: back off over continuation bytes. */
static size_t utf8_cut(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

size_t syslog_format(const struct syslog_hdr *h, uint64_t ts_ns, const char *msg, size_t msglen,
		     char *out, size_t max, int *truncated)
{
	size_t hl = header(h, ts_ns, out, max);
	size_t room;

	*truncated = 0;
	if (!hl)
		return 0;
	room = max - hl;
	if (msglen > room) {
		msglen = utf8_cut(msg, room);
		*truncated = 1;
	}
	memcpy(out + hl, msg, msglen);
	return hl + msglen;
}

int syslog_hdr_check(const struct syslog_hdr *h, size_t max, char *why, size_t len)
{
	char buf[65536];
	size_t hl;

	/* Every field but the time has its width fixed at open, and the
	 * time's width never changes: one header tells. */
	hl = header(h, 0, buf, sizeof(buf));
	if (hl && hl < max)
		return 0;
	snprintf(
		why, len,
		"the syslog header alone (%zu bytes with tag '%.40s%s' and hostname '%.40s%s') leaves no room for a message within max_size=%zu",
		hl ? hl : strlen(h->tag), h->tag, strlen(h->tag) > 40 ? "..." : "",
		h->hostname ? h->hostname : "",
		h->hostname && strlen(h->hostname) > 40 ? "..." : "", max);
	return -EINVAL;
}

int syslog_name_check(const char *opt, const char *s, size_t max, char *why, size_t len)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if (s[i] < 33 || s[i] > 126)
			break;
	if (n && n <= max && i == n)
		return 0;
	snprintf(why, len,
		 "%s='%.40s%s': not 1-%zu printable US-ASCII characters without space (RFC 5424)%s",
		 opt, s, n > 40 ? "..." : "", max, i < n ? "" : "; too long");
	/* what was said keeps no control character of the value */
	for (i = 0; why[i]; i++)
		if ((unsigned char)why[i] < 32 || why[i] == 127)
			why[i] = '?';
	return -EINVAL;
}

char *syslog_octet_frame(char *msg, size_t len, size_t room, size_t *framelen)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%zu ", len);

	if (n < 0 || (size_t)n > room)
		return NULL;
	memcpy(msg - n, tmp, (size_t)n);
	*framelen = len + (size_t)n;
	return msg - n;
}

int syslog_target_parse(const char *s, struct syslog_target *t, char *why, size_t len)
{
	uint16_t p;
	int ret;

	memset(t, 0, sizeof(*t));
	if (!strncmp(s, "unix:", 5)) {
		t->kind = TARGET_UNIX;
		if (s[5] != '/' || strlen(s + 5) >= sizeof(t->path)) {
			snprintf(why, len, "target '%s': unix needs an absolute path", s);
			return -EINVAL;
		}
		memcpy(t->path, s + 5, strlen(s + 5) + 1); /* length checked above */
		return 0;
	}
	if (!strncmp(s, "udp:", 4))
		t->kind = TARGET_UDP;
	else if (!strncmp(s, "tcp:", 4))
		t->kind = TARGET_TCP;
	else if (!strncmp(s, "tls:", 4))
		t->kind = TARGET_TLS;
	else
		goto bad;
	ret = hostport_split(s + 4, t->host, sizeof(t->host), &p);
	if (ret == -ERANGE) {
		snprintf(why, len, "target '%s': port '%s' is not in 1-65535", s,
			 strrchr(s, ':') + 1);
		return -EINVAL;
	}
	if (ret)
		goto bad;
	snprintf(t->port, sizeof(t->port), "%u", p);
	return 0;
bad:
	snprintf(why, len,
		 "target '%s' is not unix:PATH, udp:HOST:PORT, tcp:HOST:PORT or tls:HOST:PORT", s);
	return -EINVAL;
}
