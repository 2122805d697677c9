// SPDX-License-Identifier: MIT
/* Who sent a SYN: cgroup paths to units and containers, the security
 * context table, and the whole lookup on a real loopback connection of
 * this process (sock_diag, the /proc index, the process table), down to
 * the JSON and text it formats to. */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <jansson.h>

#include "cgname.h"
#include "format.h"
#include "owner.h"
#include "procindex.h"
#include "secctx.h"
#include "sockdiag.h"
#include "testev.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void expect_cg(const char *path, const char *unit, const char *id)
{
	char u[128], c[CGNAME_ID_LEN + 1];

	cgname_parse(path, u, sizeof(u), c);
	assert_string_equal(u, unit);
	assert_string_equal(c, id);
}

static void test_cgname(void **state)
{
	(void)state;
	expect_cg("/", "", "");
	expect_cg("/system.slice/nginx.service", "nginx.service", "");
	expect_cg("/user.slice/user-1000.slice/session-2.scope", "session-2.scope", "");
	expect_cg("/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service",
		  "foo.service", "");
	expect_cg("/system.slice/docker-" ID64 ".scope", "docker-" ID64 ".scope", ID64);
	expect_cg("/docker/" ID64, "", ID64);
	expect_cg("/system.slice/crio-" ID64 ".scope", "crio-" ID64 ".scope", ID64);
	expect_cg("/machine.slice/libpod-" ID64 ".scope/container", "libpod-" ID64 ".scope", ID64);
	expect_cg("/machine.slice/libpod-conmon-" ID64 ".scope", "libpod-conmon-" ID64 ".scope",
		  "");
	expect_cg("/libpod_parent/libpod-" ID64, "", ID64);
	expect_cg("/kubepods/burstable/pod1c7d3e6a-0000-4000-8000-000000000001/" ID64, "", ID64);
	expect_cg("/kubepods.slice/kubepods-burstable.slice/"
		  "kubepods-burstable-pod1c7d3e6a_0000_4000_8000_000000000001.slice/"
		  "cri-containerd-" ID64 ".scope",
		  "cri-containerd-" ID64 ".scope", ID64);
	/* Near misses: one hex digit short, upper case, not under docker/. */
	expect_cg("/docker/" ID64 "0", "", "");
	expect_cg("/docker/0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "",
		  "");
	expect_cg("/other/" ID64, "", "");
	expect_cg("/system.slice/docker-" ID64 "x.scope", "docker-" ID64 "x.scope", "");
}

static void test_secctx(void **state)
{
	char longest[SECCTX_MAX_LEN + 2];
	uint16_t a, b;

	(void)state;
	a = secctx_id("system_u:system_r:httpd_t:s0", 28);
	assert_true(a > 0);
	assert_int_equal(secctx_id("system_u:system_r:httpd_t:s0\0", 29), a); /* NUL ends it */
	b = secctx_id("unconfined", 10);
	assert_true(b > 0 && b != a);
	assert_string_equal(secctx_name(a), "system_u:system_r:httpd_t:s0");
	assert_string_equal(secctx_name(b), "unconfined");
	assert_null(secctx_name(0));
	assert_null(secctx_name(9999));
	memset(longest, 'x', sizeof(longest));
	assert_int_equal(secctx_id(longest, SECCTX_MAX_LEN + 1), 0); /* too long */
	assert_true(secctx_id(longest, SECCTX_MAX_LEN) > 0);
	assert_int_equal(secctx_id("a\0b", 3), 0); /* a NUL inside */
	assert_int_equal(secctx_id("", 0), 0);
	assert_int_equal(secctx_dropped(), 3);
}

/* A loopback connection: *cli is the connecting socket; ev its SYN. */
static void connection(int *lst, int *cli, struct synsink_event *ev)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in l;
	socklen_t len = sizeof(a);

	*lst = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*lst >= 0);
	assert_int_equal(bind(*lst, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(*lst, 4), 0);
	assert_int_equal(getsockname(*lst, (struct sockaddr *)&a, &len), 0);
	*cli = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(*cli, (struct sockaddr *)&a, sizeof(a)), 0);
	len = sizeof(l);
	assert_int_equal(getsockname(*cli, (struct sockaddr *)&l, &len), 0);
	*ev = test_event(AF_INET, "127.0.0.1", "127.0.0.1");
	ev->sport = ntohs(l.sin_port);
	ev->dport = ntohs(a.sin_port);
	ev->uid = getuid();
	ev->gid = getgid();
	ev->owner = SYNSINK_OWN_UID;
	ev->packet_id = ev->sport; /* unique enough for the answer cache */
}

static void test_sockdiag_and_index(void **state)
{
	const struct synsink_event *evp;
	struct synsink_event ev, gone;
	uint32_t inode[2], pid[2], uid[2];
	uint64_t start[2];
	struct procindex pi;
	struct stat st;
	int fd, lst, cli;

	(void)state;
	connection(&lst, &cli, &ev);
	assert_int_equal(fstat(cli, &st), 0);
	fd = sockdiag_open();
	assert_true(fd >= 0);
	gone = ev;
	gone.sport = 1; /* nobody's */
	{
		const struct synsink_event *both[2] = { &ev, &gone };

		assert_int_equal(sockdiag_inodes(fd, both, 2, inode), 0);
	}
	assert_int_equal(inode[0], (uint32_t)st.st_ino);
	assert_int_equal(inode[1], 0);
	evp = &ev;
	assert_int_equal(sockdiag_inodes(fd, &evp, 1, inode), 0); /* again, new seq */
	assert_int_equal(inode[0], (uint32_t)st.st_ino);

	assert_int_equal(procindex_open(&pi, "/proc"), 0);
	uid[0] = uid[1] = getuid();
	inode[1] = 0;
	procindex_find(&pi, inode, uid, 2, pid, start, 1);
	assert_int_equal(pid[0], (uint32_t)getpid());
	assert_int_equal(start[0], procindex_start(pi.proc_fd, (uint32_t)getpid()));
	assert_true(start[0] > 0);
	assert_int_equal(pid[1], 0);
	assert_true(pi.scans > 0);
	/* A new socket with the budget of fd links spent: not found, and
	 * the scan counted as cut; with the budget back, found. */
	{
		struct synsink_event ev2;
		int lst2, cli2;

		connection(&lst2, &cli2, &ev2);
		evp = &ev2;
		assert_int_equal(sockdiag_inodes(fd, &evp, 1, inode), 0);
		pi.all.links = 0;
		pi.all.budget_ns = 1000;
		procindex_find(&pi, inode, uid, 1, pid, start, 1000);
		assert_int_equal(pid[0], 0);
		assert_true(pi.cut > 0);
		procindex_find(&pi, inode, uid, 1, pid, start, 1000 + 1000000000ull);
		assert_int_equal(pid[0], (uint32_t)getpid());
		close(cli2);
		close(lst2);
	}
	procindex_close(&pi);
	close(fd);
	close(cli);
	close(lst);
}

/* A /proc of our own making: PID/stat and PID/fd/N -> "socket:[INODE]",
 * each PID directory owned by its uid.  In the test's working directory
 * (the build tree), not /tmp: a run killed at its timeout leaves nothing
 * outside the build, and the teardown removes it after a failure. */
static char fakeproc[PATH_MAX];

static int rm_fakeproc(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	if (!fakeproc[0])
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fakeproc);
	fakeproc[0] = '\0';
	return system(cmd) == 0 ? 0 : -1;
}

static void fake_pid(uint32_t pid, uint32_t uid, uint32_t first_inode, unsigned n_fds)
{
	char path[PATH_MAX + 64], target[32];
	unsigned i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u", fakeproc, pid);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%u/stat", fakeproc, pid);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%u (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 %u 0 0\n", pid, 1000 + pid);
	fclose(f);
	snprintf(path, sizeof(path), "%s/%u/fd", fakeproc, pid);
	assert_int_equal(mkdir(path, 0755), 0);
	for (i = 0; i < n_fds; i++) {
		snprintf(path, sizeof(path), "%s/%u/fd/%u", fakeproc, pid, i);
		snprintf(target, sizeof(target), "socket:[%u]", first_inode + i);
		assert_int_equal(symlink(target, path), 0);
	}
	snprintf(path, sizeof(path), "%s/%u", fakeproc, pid);
	assert_int_equal(chown(path, uid, uid), 0);
}

/*
 * One user's fd tables and closed sockets must not blind the lookups of
 * another (issue 28): five processes of uid 65534 with 12 000 fds each (60 000: more than a uid may read in a second),
 * whose sockets are asked for and never found (closed at once), asked
 * for every 60 ms; between them, the one socket of a process of uid 1.
 * Each uid spends its own budget, and waits out its own fruitless scans:
 * the victim's is found every time.  (Before: the attacker spent the
 * shared budget, and its fruitless wide scans held everyone's back.)
 * As root only (the PID directories' owners): CI runs it as root.
 */
static void test_fair_budgets(void **state)
{
	uint32_t inode[PROCINDEX_BATCH], uid[PROCINDEX_BATCH], pid[PROCINDEX_BATCH];
	uint64_t start[PROCINDEX_BATCH], now = 1000000000ull;
	struct procindex pi;
	char cwd[PATH_MAX - 32];
	int round, found = 0;
	size_t i;

	(void)state;
	if (geteuid() != 0) {
		print_message("not root: the fake /proc's owners need root (CI)\n");
		return;
	}
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(fakeproc, sizeof(fakeproc), "%s/fakeproc.XXXXXX", cwd);
	assert_non_null(mkdtemp(fakeproc));
	for (i = 0; i < 5; i++)
		fake_pid(100 + (uint32_t)i, 65534, 1000000 + (uint32_t)i * 12000, 12000);
	fake_pid(200, 1, 5000000, 3);
	assert_int_equal(procindex_open(&pi, fakeproc), 0);
	for (round = 0; round < 10; round++, now += 60000000ull) {
		for (i = 0; i < PROCINDEX_BATCH; i++) { /* closed: nowhere */
			inode[i] = 9000000 + (uint32_t)(round * PROCINDEX_BATCH + i);
			uid[i] = 65534;
		}
		procindex_find(&pi, inode, uid, PROCINDEX_BATCH, pid, start, now);
		inode[0] = 5000000 + (uint32_t)(round % 3);
		uid[0] = 1;
		procindex_find(&pi, inode, uid, 1, pid, start, now + 1000000ull);
		found += pid[0] == 200;
		memset(pi.slots, 0,
		       PROCINDEX_SLOTS * sizeof(*pi.slots)); /* a new socket each time */
		pi.used = 0;
	}
	assert_true(pi.cut > 0); /* the attacker was held to its budget */
	assert_int_equal(found, 10);
	assert_int_equal(start[0], 1200);
	procindex_close(&pi);
}

static json_t *json_of(const struct synsink_event *ev)
{
	char buf[SYNSINK_LINE_MAX];
	json_error_t e;
	json_t *j;

	assert_true(syn_format_json(ev, buf, sizeof(buf)) > 0);
	j = json_loads(buf, 0, &e);
	assert_non_null(j);
	return j;
}

static void test_enrich_and_format(void **state)
{
	struct synsink_event ev, copy, inbound = test_event(AF_INET, "198.18.0.1", "198.18.0.2");
	char err[256], buf[512], want[512], exe[256] = "", user[64];
	int lst, cli;
	ssize_t n;
	json_t *j;

	(void)state;
	assert_int_equal(prctl(PR_SET_NAME, "owner-test", 0, 0, 0), 0);
	assert_int_equal(owner_open(OWNER_FULL, err, sizeof(err)), 0);
	connection(&lst, &cli, &ev);
	copy = ev;
	owner_enrich(&ev, 1);
	assert_int_equal(ev.owner & SYNSINK_OWN_PID, SYNSINK_OWN_PID);
	assert_int_equal(ev.pid, (uint32_t)getpid());
	assert_string_equal(ev.comm, "owner-test");
	owner_enrich(&copy, 1); /* a second sink's copy: the answer kept */
	assert_memory_equal(&copy, &ev, sizeof(ev));
	owner_enrich(&inbound, 1); /* no uid: not a SYN of this host */
	assert_int_equal(inbound.owner, 0);

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	j = json_of(&ev);
	assert_int_equal(json_integer_value(json_object_get(j, "uid")), getuid());
	assert_int_equal(json_integer_value(json_object_get(j, "pid")), getpid());
	assert_string_equal(json_string_value(json_object_get(j, "comm")), "owner-test");
	assert_string_equal(json_string_value(json_object_get(j, "exe")), exe);
	assert_true(json_is_string(json_object_get(j, "cgroup")));
	assert_true(json_is_null(json_object_get(j, "secctx")));
	json_decref(j);
	j = json_of(&inbound); /* every owner key, null */
	assert_true(json_is_null(json_object_get(j, "uid")));
	assert_true(json_is_null(json_object_get(j, "user")));
	assert_true(json_is_null(json_object_get(j, "pid")));
	assert_true(json_is_null(json_object_get(j, "container")));
	json_decref(j);

	assert_true(syn_format_text(&ev, buf, sizeof(buf)) > 0);
	assert_true(owner_user(getuid(), user, sizeof(user)));
	snprintf(
		want, sizeof(want),
		"A new tcp connection will be established: 127.0.0.1:%u -> 127.0.0.1:%u uid=%u user=%s pid=%d comm=owner-test\n",
		ev.sport, ev.dport, getuid(), user, getpid());
	assert_string_equal(buf, want);
	/* A process gone, or another one under its pid: no exe, no cgroup. */
	ev.pid_start++;
	j = json_of(&ev);
	assert_true(json_is_null(json_object_get(j, "exe")));
	json_decref(j);
	owner_close();
	/* Without --owner: no owner key at all, the text line the origin's. */
	j = json_of(&copy);
	assert_null(json_object_get(j, "uid"));
	json_decref(j);
	close(cli);
	close(lst);
}

/* The longest event with the owner fields the kernel gives at their worst
 * still fits: 2688 bytes.  With --owner=full's at theirs too (comm, exe,
 * cgroup and unit of escaped bytes: about 3900 more), a 255-byte sensor
 * and a p0f label, some 7700: under SYNSINK_LINE_MAX (8192). */
static void test_owner_worst_case_fits(void **state)
{
	struct synsink_event ev = test_event_longest();
	char err[256], ctx[SECCTX_MAX_LEN], buf[SYNSINK_LINE_MAX];

	(void)state;
	assert_int_equal(owner_open(OWNER_SOCKET, err, sizeof(err)), 0);
	memset(ev.comm, 0x01, sizeof(ev.comm));
	memset(ctx, 0x01, sizeof(ctx));
	ev.secctx = secctx_id(ctx, sizeof(ctx));
	assert_true(ev.secctx > 0);
	ev.owner = SYNSINK_OWN_UID | SYNSINK_OWN_SECCTX | SYNSINK_OWN_PID;
	ev.uid = 0;
	assert_true(syn_format_json(&ev, buf, sizeof(buf)) > 0);
	owner_close();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgname),
		cmocka_unit_test(test_secctx),
		cmocka_unit_test(test_sockdiag_and_index),
		cmocka_unit_test_teardown(test_fair_budgets, rm_fakeproc),
		cmocka_unit_test(test_enrich_and_format),
		cmocka_unit_test(test_owner_worst_case_fits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
