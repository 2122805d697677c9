// SPDX-License-Identifier: MIT
/* httpguard.c - an absolute deadline for each /metrics connection (see
 * httpguard.h). */
#include "httpguard.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define TICK_NS (250ull * 1000000ull)

static void *guard(void *arg)
{
	struct httpguard *g = arg;
	struct timespec ts;
	uint64_t now;
	size_t i;

	thread_name("metrics/guard");
	pthread_mutex_lock(&g->lock);
	while (!g->stopping) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += (long)TICK_NS;
		if (ts.tv_nsec >= 1000000000l) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000l;
		}
		pthread_cond_timedwait(&g->cond, &g->lock, &ts);
		now = clock_mono_ns();
		for (i = 0; i < HTTPGUARD_SLOTS; i++) {
			if (g->slot[i].fd < 0 || now - g->slot[i].start_ns < HTTPGUARD_DEADLINE_NS)
				continue;
			(void)shutdown(g->slot[i].fd, SHUT_RDWR);
			g->slot[i].start_ns = UINT64_MAX / 2; /* once */
			g->cut++;
		}
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

int httpguard_start(struct httpguard *g)
{
	pthread_condattr_t ca;
	size_t i;
	int ret;

	for (i = 0; i < HTTPGUARD_SLOTS; i++)
		g->slot[i].fd = -1;
	g->stopping = false;
	atomic_store(&g->cut, 0);
	pthread_mutex_init(&g->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->cond, &ca);
	pthread_condattr_destroy(&ca);
	ret = pthread_create(&g->thread, NULL, guard, g);
	g->running = !ret;
	return -ret;
}

void httpguard_stop(struct httpguard *g)
{
	if (!g->running)
		return;
	pthread_mutex_lock(&g->lock);
	g->stopping = true;
	pthread_cond_signal(&g->cond);
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->thread, NULL);
	g->running = false;
}

void httpguard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
		      enum MHD_ConnectionNotificationCode toe)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct httpguard *g = cls;
	intptr_t slot = (intptr_t)*socket_context - 1; /* 0: none */
	int fd;

	pthread_mutex_lock(&g->lock);
	if (toe == MHD_CONNECTION_NOTIFY_STARTED && ci) {
		for (slot = 0; slot < HTTPGUARD_SLOTS && g->slot[slot].fd >= 0; slot++)
			;
		fd = slot < HTTPGUARD_SLOTS ? fcntl(ci->connect_fd, F_DUPFD_CLOEXEC, 0) : -1;
		if (fd >= 0) { /* else unguarded: the idle timeout still holds */
			g->slot[slot].fd = fd;
			g->slot[slot].start_ns = clock_mono_ns();
			*socket_context = (void *)(slot + 1);
		}
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && slot >= 0 && slot < HTTPGUARD_SLOTS) {
		if (g->slot[slot].fd >= 0)
			close(g->slot[slot].fd);
		g->slot[slot].fd = -1;
		*socket_context = NULL;
	}
	pthread_mutex_unlock(&g->lock);
}
