// SPDX-License-Identifier: MIT
/*
 * udpjson - an out-of-tree synsink sink: each event as one JSON datagram.
 * Built against the installed header only (see Makefile and doc/plugins.md):
 *
 *   synsink --sink udpjson:host=198.18.0.9,port=5140
 */
#include <errno.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <synsink/plugin.h>

enum { OPT_HOST, OPT_PORT, N_OPTS };

static const struct synsink_option options[N_OPTS] = {
	[OPT_HOST] = { .name = "host",
		       .type = SYNSINK_OPT_STRING,
		       .def = "127.0.0.1",
		       .help = "where the datagrams go" },
	[OPT_PORT] = { .name = "port",
		       .type = SYNSINK_OPT_UINT,
		       .def = "5140",
		       .min = 1,
		       .max = 65535,
		       .help = "UDP port" },
};

struct udpjson {
	const struct synsink_host *host;
	int fd;
	atomic_ullong sent, failed; /* stats() reads them from any thread */
	char line[SYNSINK_LINE_MAX];
};

static int uj_open(void **state, const struct synsink_value *v, const struct synsink_host *host)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai;
	struct udpjson *u;
	int ret;

	ret = getaddrinfo(v[OPT_HOST].str, v[OPT_PORT].str, &hints, &ai);
	if (ret) {
		host->log(host, SYNSINK_LOG_ERR, "host %s: %s", v[OPT_HOST].str, gai_strerror(ret));
		return -EINVAL;
	}
	u = calloc(1, sizeof(*u));
	if (!u) {
		freeaddrinfo(ai);
		return -ENOMEM;
	}
	u->host = host;
	u->fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (u->fd < 0 || connect(u->fd, ai->ai_addr, ai->ai_addrlen)) {
		ret = -errno;
		host->log(host, SYNSINK_LOG_ERR, "socket: %s", strerror(errno));
		if (u->fd >= 0)
			close(u->fd);
		free(u);
		freeaddrinfo(ai);
		return ret;
	}
	freeaddrinfo(ai);
	*state = u;
	return 0;
}

/*
 * Each event's outcome goes to the core through host->settle(): a datagram
 * the kernel took is delivered, one it refused failed (UDP: not retried).
 * Outcomes are settled in runs; all of them before write() returns here,
 * but a sink that learns them later (a reply, a delivery report) settles
 * them then, from any thread.
 */
static int uj_write(void *state, const struct synsink_event *ev, size_t n, uint64_t seq)
{
	struct udpjson *u = state;
	size_t i, run = 0;
	int ok = 1;

	for (i = 0; i < n; i++) {
		size_t len = u->host->format_json(u->host, &ev[i], u->line, sizeof(u->line));
		int sent = len && send(u->fd, u->line, len - 1, 0) == (ssize_t)(len - 1);

		if (sent != ok && run) {
			u->host->settle(u->host, seq + i - run, run,
					ok ? SYNSINK_DELIVERED : SYNSINK_FAILED);
			run = 0;
		}
		ok = sent;
		run++;
		if (sent)
			u->sent++;
		else
			u->failed++;
	}
	if (run)
		u->host->settle(u->host, seq + n - run, run,
				ok ? SYNSINK_DELIVERED : SYNSINK_FAILED);
	return SYNSINK_PENDING; /* settled above */
}

static int uj_flush(void *state, int timeout_ms)
{
	(void)state;
	(void)timeout_ms;
	return 0;
}

static void uj_close(void *state)
{
	struct udpjson *u = state;

	close(u->fd);
	free(u);
}

static void uj_stats(void *state, synsink_emit_fn emit, void *arg)
{
	struct udpjson *u = state;

	emit(arg, "sent", u->sent);
	emit(arg, "failed", u->failed);
}

static const struct synsink_plugin udpjson = {
	SYNSINK_PLUGIN_INIT,
	.name = "udpjson",
	.description = "each event as one JSON datagram (an out-of-tree example)",
	.options = options,
	.n_options = N_OPTS,
	.open = uj_open,
	.write = uj_write,
	.flush = uj_flush,
	.close = uj_close,
	.stats = uj_stats,
};

SYNSINK_PLUGIN_DEFINE(udpjson)
