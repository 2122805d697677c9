// SPDX-License-Identifier: MIT
/*
 * The per-thread signature cache gives what computing anew gives: the
 * fingerprint text and p0f's label, for SYNs that differ in one field
 * at a time (a field left out of the key would answer the second SYN with
 * the first one's entry), and never a label of a database it was told to
 * forget.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "fingerprint.h"
#include "p0fdb.h"
#include "sigcache.h"
#include "testev.h"
#include "testp0f.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned int pick(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

#define PICK(a) (a)[pick(sizeof(a) / sizeof((a)[0]))]

/* Option layouts of real stacks (Linux, Windows, macOS), none, and odd ones. */
static const uint8_t layouts[][12] = {
	{ 2, 4, 8, 1, 3 },	{ 2, 1, 3, 1, 1, 4 }, { 2, 1, 3, 1, 1, 8, 4, 0 }, { 0 }, { 2 },
	{ 2, 4, 8, 1, 3, 253 }, { 8, 1, 1, 2, 4, 3 }, { 2, 1, 3, 4, 1, 1, 8 },
};
static const uint8_t layout_len[] = { 5, 6, 8, 0, 1, 6, 6, 7 };

enum field {
	F_FAMILY,
	F_TTL,
	F_WIN,
	F_MSS,
	F_WSCALE,
	F_OPTS,
	F_EOL,
	F_OLEN,
	F_DOFF,
	F_TS,
	F_DATA,
	F_FLAGS,
	F_IPID,
	F_TOS,
	F_TCPF,
	F_SEQ,
	F_ACK,
	F_URG,
	F_FLOW,
	F__COUNT
};

/* A rare value: one time in four. */
#define RARELY(v) (pick(4) ? 0 : (v))

/* Sets the fields of mask to values from small domains, so that equal
 * and nearly equal SYNs come up often, with the quirks p0f's signatures
 * do not expect seldom enough that many SYNs get a label. */
static void fill(struct synsink_event *ev, uint32_t mask)
{
	static const uint8_t ttls[] = { 1, 32, 45, 60, 64, 100, 128, 200, 255 };
	static const uint16_t wins[] = { 0,    8192, 29200, 64240, 65535, 14600,
					 5792, 2896, 3000,  2856,  4044 };
	static const uint16_t msses[] = { 0, 50, 536, 1360, 1440, 1460 };
	static const uint8_t scales[] = { 0, 2, 7, 8, 14, 15 };
	static const uint16_t fl[] = { 0,
				       SYNSINK_F_IP_DF,
				       SYNSINK_F_IP_RES,
				       SYNSINK_F_TCP_NS,
				       SYNSINK_F_OPT_TS1_ZERO,
				       SYNSINK_F_OPT_TS2_NZ,
				       SYNSINK_F_OPT_TRAIL,
				       SYNSINK_F_OPT_EXWS,
				       SYNSINK_F_OPT_BAD,
				       SYNSINK_F_IP_DF | SYNSINK_F_OPT_TS2_NZ };
	static const uint8_t tcpf[] = { 0x02, 0xc2, 0x0a, 0x22, 0x42 };
	unsigned int l;

	if (mask & 1u << F_FAMILY)
		ev->family = pick(4) ? AF_INET : AF_INET6;
	if (mask & 1u << F_TTL)
		ev->ttl = PICK(ttls);
	if (mask & 1u << F_WIN)
		ev->win = PICK(wins);
	if (mask & 1u << F_MSS)
		ev->mss = PICK(msses);
	if (mask & 1u << F_WSCALE)
		ev->wscale = PICK(scales);
	if (mask & 1u << F_OPTS) {
		l = pick(sizeof(layout_len));
		memset(ev->opt_order, 0, sizeof(ev->opt_order));
		memcpy(ev->opt_order, layouts[l], layout_len[l]);
		ev->n_opts = layout_len[l];
	}
	if (mask & 1u << F_EOL)
		ev->eol_pad = (uint8_t)RARELY(1 + pick(2));
	if (mask & 1u << F_OLEN)
		ev->ipopt_len = (uint8_t)RARELY(4 * (1 + pick(2)));
	if (mask & 1u << F_DOFF)
		ev->doff = (uint8_t)(5 + pick(6));
	if (mask & 1u << F_TS)
		ev->tsval = pick(2) ? 12345 : 0;
	if (mask & 1u << F_DATA)
		ev->payload_len = (uint16_t)RARELY(10);
	if (mask & 1u << F_FLAGS)
		ev->flags = pick(2) ? SYNSINK_F_IP_DF : PICK(fl);
	if (mask & 1u << F_IPID)
		ev->ip_id = (uint16_t)(pick(4) ? 1 : 0);
	if (mask & 1u << F_TOS)
		ev->tos = (uint8_t)RARELY(1 + pick(3));
	if (mask & 1u << F_TCPF)
		ev->tcp_flags = pick(4) ? 0x02 : PICK(tcpf);
	if (mask & 1u << F_SEQ)
		ev->seq = pick(4) ? 7 : 0;
	if (mask & 1u << F_ACK)
		ev->ack = RARELY(1u << 24);
	if (mask & 1u << F_URG)
		ev->urg_ptr = (uint16_t)RARELY(1);
	if (mask & 1u << F_FLOW)
		ev->flowlabel = RARELY(5);
}

/* What syn_sig_of() answers is what computing anew gives. */
static void check(const struct synsink_event *ev, const struct p0f_db *d)
{
	const struct syn_sig *s = syn_sig_of(ev, d);
	char fp[SYN_FP_MAX];
	size_t n = syn_fingerprint(ev, fp, sizeof(fp));
	enum p0f_how how = P0F_NONE;
	const struct p0f_label *l = d ? p0f_db_match(d, ev, &how) : NULL;

	assert_true(n > 0);
	assert_int_equal(s->fp_len, n);
	assert_string_equal(s->fp, fp);
	assert_ptr_equal(s->label, l);
	assert_int_equal(s->how, how);
}

/* Pairs of SYNs that differ in one field, each asked for twice in turn. */
static void test_one_field_apart(void **state)
{
	unsigned int i, labelled = 0;

	(void)state;
	for (i = 0; i < 50000; i++) {
		struct synsink_event a = test_event(AF_INET, "198.18.0.10", "198.18.0.1"), b;

		fill(&a, ~0u);
		b = a;
		fill(&b, 1u << pick(F__COUNT));
		check(&a, &db);
		check(&b, &db);
		check(&a, &db);
		check(&b, &db);
		labelled += syn_sig_of(&a, &db)->label != NULL;
	}
	/* The domains reach the database's labels, not only "none". */
	assert_true(labelled > 1000);
}

/* Asked without a database after with one, and the other way round. */
static void test_with_and_without_db(void **state)
{
	struct synsink_event ev = test_event(AF_INET, "198.18.0.10", "198.18.0.1");
	static const uint8_t linux_opts[] = { 2, 4, 8, 1, 3 };

	(void)state;
	ev.ttl = 64;
	ev.flags = SYNSINK_F_IP_DF;
	ev.ip_id = 1;
	ev.seq = 1;
	ev.tcp_flags = 0x02;
	ev.mss = 1460;
	ev.win = 64240;
	ev.wscale = 7;
	ev.tsval = 1;
	ev.doff = 10;
	ev.n_opts = sizeof(linux_opts);
	memcpy(ev.opt_order, linux_opts, sizeof(linux_opts));
	assert_non_null(syn_sig_of(&ev, &db)->label);
	check(&ev, NULL);
	check(&ev, &db);
}

/* A database freed and loaded again at the same address: once told to
 * forget, the cache gives the new one's labels (an old pointer would be
 * one into freed memory, which ASan reports). */
static void test_forget(void **state)
{
	struct synsink_event ev = test_event(AF_INET, "198.18.0.10", "198.18.0.1");
	static struct p0f_db other;
	char err[256];
	unsigned int i;

	(void)state;
	assert_int_equal(p0f_db_load(&other, P0F_DB_DEFAULT, err, sizeof(err)), 0);
	for (i = 0; i < 2000; i++) {
		fill(&ev, ~0u);
		(void)syn_sig_of(&ev, &other);
	}
	p0f_db_free(&other);
	assert_int_equal(p0f_db_load(&other, P0F_DB_DEFAULT, err, sizeof(err)), 0);
	syn_sig_forget();
	rng = 0x9e3779b97f4a7c15ull;
	for (i = 0; i < 2000; i++) {
		fill(&ev, ~0u);
		check(&ev, &other);
	}
	p0f_db_free(&other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_field_apart),
		cmocka_unit_test(test_with_and_without_db),
		cmocka_unit_test(test_forget),
	};

	return cmocka_run_group_tests(tests, load, unload);
}
