// SPDX-License-Identifier: MIT
/*
 * nflog.c - the NFLOG source (source.h): one log group, watched.  The
 * kernel sends a copy of each packet a `log group N` (nftables) or
 * `-j NFLOG --nflog-group N` (iptables) rule logs, and the packet has
 * gone on already: nothing waits for synsink.
 *
 * Read with libmnl, as NFQUEUE is: no new library, the attributes parsed
 * by nflogrx.c against the kernel's own header, and reads batched with
 * recvmmsg (libnetfilter_log reads one datagram per call).  The group is
 * bound alone: the family's logger is never unbound or rebound (which
 * would take a group from another process, as ulogd2 can), and a group
 * another process holds is refused in one line.
 */
#include "nflog_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "log.h"
#include "util.h"

/* The receive buffer when --nflog-rcvbuf does not say: 8 MiB, about
 * 50 000 SYNs of a burst (some 160 bytes each with their attributes). */
#define NFLOG_RCVBUF_DEFAULT (8u << 20)

/* The kernel's table of bound groups, in the reader's namespace. */
#define NFLOG_PROC_PATH "/proc/net/netfilter/nfnetlink_log"

/* A config message for the group, into rx->txbuf (capture_request adds
 * NLM_F_ACK and the sequence number). */
static struct nlmsghdr *config_msg(struct capture *c)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(c->lrx->txbuf);
	struct nfgenmsg *g;

	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	g->res_id = htons(c->queue);
	return nlh;
}

/* Bind, copy mode, batching and sequence numbers in one message: the
 * kernel takes the command first, then the settings. */
static int bind_group(struct capture *c, const struct capture_cfg *cfg)
{
	struct nlmsghdr *nlh = config_msg(c);
	struct nfulnl_msg_config_cmd cmd = { .command = NFULNL_CFG_CMD_BIND };
	struct nfulnl_msg_config_mode mode = { .copy_range = htonl(CAPTURE_COPY_RANGE),
					       .copy_mode = NFULNL_COPY_PACKET };

	mnl_attr_put(nlh, NFULA_CFG_CMD, sizeof(cmd), &cmd);
	mnl_attr_put(nlh, NFULA_CFG_MODE, sizeof(mode), &mode);
	mnl_attr_put_u32(nlh, NFULA_CFG_NLBUFSIZ, htonl(NFLOG_NLBUFSIZ));
	mnl_attr_put_u32(nlh, NFULA_CFG_QTHRESH, htonl(cfg->nflog_qthresh));
	mnl_attr_put_u32(nlh, NFULA_CFG_TIMEOUT, htonl(cfg->nflog_timeout_cs));
	mnl_attr_put_u16(nlh, NFULA_CFG_FLAGS, htons(NFULNL_CFG_F_SEQ | NFULNL_CFG_F_SEQ_GLOBAL));
	return capture_request(c, nlh, c->lrx->bufs[0], NFLOG_SLOT, nflog_datagram);
}

static void nflog_unbind(struct capture *c)
{
	struct nlmsghdr *nlh;
	struct nfulnl_msg_config_cmd cmd = { .command = NFULNL_CFG_CMD_UNBIND };
	int ret;

	if (c->lrx->unbound)
		return;
	nlh = config_msg(c);
	mnl_attr_put(nlh, NFULA_CFG_CMD, sizeof(cmd), &cmd);
	ret = capture_request(c, nlh, c->lrx->bufs[0], NFLOG_SLOT, nflog_datagram);
	if (ret)
		log_msg(SYNSINK_LOG_WARN, "group %u: unbind: %s", c->queue, strerror(-ret));
	c->lrx->unbound = true;
}

/* The netlink port that holds group in this namespace, or 0 when none
 * does: NFLOG_PROC_PATH has a line "group portid ..." for each bound one.
 * The kernel answers a bind of a held group with EPERM (EBUSY on some
 * versions), the same as a missing capability: this tells them apart. */
static uint32_t group_holder(uint16_t group)
{
	FILE *f = fopen(NFLOG_PROC_PATH, "re");
	unsigned int g, port, holder = 0;
	char line[256];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%u %u", &g, &port) == 2 && g == group) {
			holder = port;
			break;
		}
	fclose(f);
	return holder;
}

static void size_rcvbuf(struct capture *c, uint32_t want)
{
	int fd = mnl_socket_get_fd(c->nl);
	int bytes = (int)(want ? want : NFLOG_RCVBUF_DEFAULT);

	/* FORCE needs CAP_NET_ADMIN, which the bind needs too; a size asked
	 * for on purpose (a small one, to see losses counted) is set as is. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) < 0)
		log_msg(SYNSINK_LOG_WARN,
			"group %u: receive buffer of %d bytes: %s; a burst may overflow it (enobufs, lost)",
			c->queue, bytes, strerror(errno));
}

/* Reads every datagram waiting (capture_drain); the walk hands the
 * pending events on whenever they fill. */
static int read_available(struct capture *c)
{
	return capture_drain(c, c->lrx->msgs, NFLOG_BATCH, nflog_datagram, NULL);
}

/*
 * The stop.  The kernel numbers the group's packets until the unbind and
 * flushes what it batched as it unbinds; the count of what it numbered is
 * not to be had otherwise, so a batch lost after the last one read would
 * be lost unseen.  Hence: read the socket dry first, so the flushed batch
 * and the ack land in an empty buffer; unbind; read the flush.  Should
 * the buffer overrun all the same (a flood refilling a small buffer in
 * between), that is said: the tail is not countable.
 */
static void nflog_finish(struct capture *c)
{
	unsigned long long overruns;

	read_available(c);
	capture_emit(c);
	overruns = stat_get(&c->st.enobufs);
	nflog_unbind(c);
	read_available(c);
	capture_emit(c);
	if (stat_get(&c->st.enobufs) != overruns)
		log_msg(SYNSINK_LOG_WARN,
			"group %u: receive buffer overrun at the stop: the kernel's last batch (up to %u packets) may be lost, uncounted",
			c->queue, c->lrx->qthresh);
}

static void nflog_close(struct capture *c)
{
	if (c->nl) {
		nflog_unbind(c);
		mnl_socket_close(c->nl);
		c->nl = NULL;
	}
	retx_free(&c->out.retx);
	free(c->lrx);
	c->lrx = NULL;
	c->batch = NULL;
}

const struct capture_ops nflog_ops = {
	.noun = "group",
	.thread = "nflog",
	.fd = capture_nl_fd,
	.read = read_available,
	.publish = capture_emit,
	.finish = nflog_finish,
	.close = nflog_close,
};

int nflog_open(struct capture *c, uint16_t group, const struct capture_cfg *cfg,
	       struct sink_set *_Atomic *sinks, size_t ring_idx, char *err, size_t errlen)
{
	int i, ret;

	memset(c, 0, sizeof(*c));
	c->kind = CAPTURE_NFLOG;
	c->ops = &nflog_ops;
	c->queue = group;
	c->stop_fd = -1;
	c->kfd = -1;
	c->out.sinks = sinks;
	c->out.ring_idx = ring_idx;
	c->out.dedup = cfg->dedup;
	c->lrx = calloc(1, sizeof(*c->lrx));
	if (!c->lrx) {
		snprintf(err, errlen, "group %u: out of memory", group);
		return -ENOMEM;
	}
	c->batch = &c->lrx->b;
	c->lrx->qthresh = cfg->nflog_qthresh;
	ret = retx_init(&c->out.retx, cfg->retx_table, cfg->retx_window_ns);
	if (ret) {
		snprintf(err, errlen, "group %u: retransmit table: %s", group, strerror(-ret));
		goto out_free;
	}
	for (i = 0; i < NFLOG_BATCH; i++) {
		c->lrx->iov[i].iov_base = c->lrx->bufs[i];
		c->lrx->iov[i].iov_len = NFLOG_SLOT;
		c->lrx->msgs[i].msg_hdr.msg_iov = &c->lrx->iov[i];
		c->lrx->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	c->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!c->nl || mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		snprintf(err, errlen, "group %u: netlink socket: %s", group, strerror(errno));
		goto out_close;
	}
	c->portid = mnl_socket_get_portid(c->nl);
	size_rcvbuf(c, cfg->nflog_rcvbuf);
	ret = bind_group(c, cfg);
	if (ret) {
		uint32_t holder = group_holder(group);

		if ((ret == -EBUSY || ret == -EPERM) && holder && holder != c->portid)
			snprintf(
				err, errlen,
				"nflog group %u is already bound by another process (netlink port %u; ulogd2?)",
				group, holder);
		else if (ret == -EPERM)
			snprintf(
				err, errlen,
				"nflog group %u: permission denied (binding a group needs CAP_NET_ADMIN)",
				group);
		else
			snprintf(err, errlen, "nflog group %u: bind: %s", group, strerror(-ret));
		c->lrx->unbound = true;
		goto out_close;
	}
	return 0;

out_close:
	if (c->nl)
		mnl_socket_close(c->nl);
	c->nl = NULL;
out_free:
	retx_free(&c->out.retx);
	free(c->lrx);
	c->lrx = NULL;
	c->batch = NULL;
	return ret;
}
