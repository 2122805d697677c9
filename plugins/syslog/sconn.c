// SPDX-License-Identifier: MIT
/* sconn.c - the syslog sink's connection: to a unix socket, or to a UDP,
 * TCP or TLS collector; down and back through link.c. */
#include "ssink.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

void sconn_close(struct ssink *s)
{
	if (s->tls)
		tlsc_close(s->tls);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* A stream write: on the socket, or through TLS. */
ssize_t sconn_send(struct ssink *s, const void *buf, size_t len)
{
	return s->tls ? tlsc_send(s->tls, buf, len) : send(s->fd, buf, len, MSG_NOSIGNAL);
}

/* A send that waits at most SEND_TIMEOUT_S.  Returns 0 or -errno. */
static int set_timeouts(int fd)
{
	struct timeval tv = { SEND_TIMEOUT_S, 0 };

	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ? -errno : 0;
}

int sconn_unix(struct ssink *s)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int type, e;

	memcpy(sun.sun_path, s->target.path, strlen(s->target.path) + 1);
	/* Datagram first (syslogd's /dev/log), then stream. */
	for (type = SOCK_DGRAM;; type = SOCK_STREAM) {
		s->fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
		if (s->fd < 0)
			return -errno;
		if (!connect(s->fd, (struct sockaddr *)&sun, sizeof(sun))) {
			int ret = set_timeouts(s->fd);

			if (ret)
				sconn_close(s);
			s->stream = type == SOCK_STREAM;
			return ret;
		}
		e = errno; /* close() may change it */
		sconn_close(s);
		if (e != EPROTOTYPE || type == SOCK_STREAM)
			return -e;
	}
}

/* Connects with a bounded wait, for udp (immediate) and tcp. */
int sconn_inet(struct ssink *s)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICSERV }, *ai, *a;
	int ret, fl, err = ECONNREFUSED;

	hints.ai_socktype = target_is_stream_inet(s->target.kind) ? SOCK_STREAM : SOCK_DGRAM;
	ret = getaddrinfo(s->target.host, s->target.port, &hints, &ai);
	if (ret)
		return ret == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
	for (a = ai; a; a = a->ai_next) {
		struct pollfd p;

		s->fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (s->fd < 0) {
			err = errno;
			continue;
		}
		if (connect(s->fd, a->ai_addr, a->ai_addrlen) && errno != EINPROGRESS) {
			err = errno;
			sconn_close(s);
			continue;
		}
		p.fd = s->fd;
		p.events = POLLOUT;
		if (poll(&p, 1, 1000) == 1) {
			socklen_t l = sizeof(err);

			if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &l))
				err = errno;
			if (!err)
				break;
		} else {
			err = ETIMEDOUT;
		}
		sconn_close(s);
	}
	freeaddrinfo(ai);
	if (s->fd < 0)
		return -err;
	if (s->tls) { /* still non-blocking: the handshake waits in poll() */
		ret = tlsc_handshake(s->tls, s->fd, SEND_TIMEOUT_S * 1000, &s->verify_failed,
				     s->tls_why, sizeof(s->tls_why));
		if (ret) {
			sconn_close(s);
			return ret;
		}
	}
	/* Back to blocking, with a send timeout: the sink thread may wait,
	 * capture never does. */
	fl = fcntl(s->fd, F_GETFL);
	err = fl < 0 || fcntl(s->fd, F_SETFL, fl & ~O_NONBLOCK) ? errno : -set_timeouts(s->fd);
	if (err) {
		sconn_close(s);
		return -err;
	}
	s->stream = target_is_stream_inet(s->target.kind);
	return 0;
}

/* Why a connection failed, in words: TLS's own reason, or errno's. */
const char *sconn_why(const struct ssink *s, int ret)
{
	return ret == -EPROTO && s->tls ? s->tls_why : strerror(-ret);
}

const char *sconn_target(const struct ssink *s, char *buf, size_t len)
{
	if (s->target.kind == TARGET_UNIX)
		snprintf(buf, len, "%s", s->target.path);
	else
		snprintf(buf, len, "%s:%s:%s",
			 s->target.kind == TARGET_TCP	? "tcp"
			 : s->target.kind == TARGET_TLS ? "tls"
							: "udp",
			 s->target.host, s->target.port);
	return buf;
}

/* Connects when due.  Returns whether there is a connection. */
int sconn_ensure(struct ssink *s)
{
	char t[300];
	int ret;

	if (s->fd >= 0)
		return 1;
	if (!link_may_connect(&s->link))
		return 0;
	ret = s->target.kind == TARGET_UNIX ? sconn_unix(s) : sconn_inet(s);
	if (ret) {
		link_failed(&s->link, "%s: %s", sconn_target(s, t, sizeof(t)), sconn_why(s, ret));
		return 0;
	}
	if (link_up(&s->link)) {
		s->host->log(s->host, SYNSINK_LOG_INFO, "%s: connected again",
			     sconn_target(s, t, sizeof(t)));
		s->host->wake(s->host); /* events it held back can come */
	}
	return 1;
}

void sconn_lost(struct ssink *s, int err)
{
	char t[300];

	sconn_close(s);
	link_lost(&s->link, "%s: %s", sconn_target(s, t, sizeof(t)), strerror(err));
}

/* Whether the stream's peer has closed (or reset) the connection. */
bool sconn_peer_gone(struct ssink *s)
{
	struct pollfd p = { .fd = s->fd, .events = POLLIN | POLLRDHUP };
	char c;

	if (poll(&p, 1, 0) <= 0)
		return false;
	if (p.revents & (POLLRDHUP | POLLHUP | POLLERR))
		return true;
	return recv(s->fd, &c, 1, MSG_DONTWAIT | MSG_PEEK) == 0;
}
