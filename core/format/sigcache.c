// SPDX-License-Identifier: MIT
/* sigcache.c - per-thread signature cache (see sigcache.h). */
#include "sigcache.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

#define SIG_SLOTS 128 /* a power of two */

/*
 * Every field of the event that syn_fingerprint() and p0f_db_match() read,
 * and nothing else, so equal keys give equal answers.  Built zeroed, so
 * whole keys compare and hash as bytes.
 */
struct sig_key {
	uint32_t quirks; /* syn_fp_quirks(): the flags, IP ID, seq, ack... it reads */
	uint16_t mss, win;
	uint8_t family, ttl, olen, doff, wscale, eol_pad, n_opts;
	uint8_t bits; /* SK_TS, SK_DATA */
	uint8_t opt_order[SYNSINK_MAX_OPTS];
} __attribute__((aligned(8)));

#define SK_TS	1 /* a non-zero timestamp (syn_fp_win_multi) */
#define SK_DATA 2 /* a payload (p0f's pclass) */

struct sig_slot {
	struct sig_key key;
	unsigned int gen;	 /* 0: never filled */
	const struct p0f_db *db; /* the label's, or NULL */
	struct syn_sig sig;
};

static _Thread_local struct sig_slot slots[SIG_SLOTS];
/* The entries of older generations are stale; starts at 1 so that a
 * thread's zeroed table holds none. */
static atomic_uint generation = 1;

void syn_sig_forget(void)
{
	atomic_fetch_add(&generation, 1);
}

static void key_of(const struct synsink_event *ev, struct sig_key *k)
{
	memset(k, 0, sizeof(*k));
	k->quirks = syn_fp_quirks(ev);
	k->mss = ev->mss;
	k->win = ev->win;
	k->family = ev->family;
	k->ttl = ev->ttl;
	k->olen = ev->family == AF_INET6 ? 0 : ev->ipopt_len;
	k->doff = ev->doff;
	k->wscale = ev->wscale;
	k->eol_pad = ev->eol_pad;
	k->n_opts = ev->n_opts < SYNSINK_MAX_OPTS ? ev->n_opts : SYNSINK_MAX_OPTS;
	k->bits = (ev->tsval ? SK_TS : 0) | (ev->payload_len ? SK_DATA : 0);
	memcpy(k->opt_order, ev->opt_order, k->n_opts);
}

static uint32_t key_hash(const struct sig_key *k)
{
	uint64_t h = 0x243f6a8885a308d3ull, w;
	size_t i;

	for (i = 0; i + sizeof(w) <= sizeof(*k); i += sizeof(w)) {
		memcpy(&w, (const char *)k + i, sizeof(w));
		h = mix64(h, w);
	}
	return (uint32_t)(h ^ (h >> 32));
}

const struct syn_sig *syn_sig_of(const struct synsink_event *ev, const struct p0f_db *db)
{
	unsigned int gen = atomic_load_explicit(&generation, memory_order_relaxed);
	struct sig_key k;
	struct sig_slot *s;

	key_of(ev, &k);
	s = &slots[key_hash(&k) & (SIG_SLOTS - 1)];
	if (s->gen == gen && s->db == db && !memcmp(&s->key, &k, sizeof(k)))
		return &s->sig;
	s->key = k;
	s->gen = gen;
	s->db = db;
	s->sig.fp_len = syn_fingerprint(ev, s->sig.fp, sizeof(s->sig.fp));
	s->sig.how = P0F_NONE;
	s->sig.label = db ? p0f_db_match(db, ev, &s->sig.how) : NULL;
	return &s->sig;
}
