// SPDX-License-Identifier: MIT
/* p0fdb.c - p0f's SYN signature database and its matching (see p0fdb.h). */
#include "p0fdb.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "decode.h"
#include "fingerprint.h"
#include "safefile.h"

#define DB_MAX_BYTES (4u << 20) /* p0f.fp is 36 kB */

enum win_type { WIN_NORMAL, WIN_ANY, WIN_MOD, WIN_MSS, WIN_MTU };

struct p0f_sig {
	int ver;	  /* 4, 6, or -1 for any */
	unsigned int ttl; /* the initial TTL (plus a distance, if given) */
	bool bad_ttl;	  /* "ttl-": a random TTL, only its ceiling counts */
	unsigned int olen;
	long mss; /* -1: any */
	enum win_type win_type;
	unsigned int win;
	long wscale; /* -1: any */
	uint8_t layout[SYN_OPT_WALK_MAX];
	unsigned int n_layout, eol_pad;
	uint32_t quirks;
	int pclass;   /* -1 any, 0, 1 */
	size_t label; /* index into labels */
};

/* The parser's state: where it is in the file. */
struct parse {
	struct p0f_db *db;
	const char *path;
	unsigned int line;
	char *err;
	size_t errlen;
	enum { SECT_NONE, SECT_OTHER, SECT_SYN } sect;
	bool have_label;
};

static int fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parse *p, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%u: %s", p->path, p->line, why);
	return -EINVAL;
}

/* A decimal number of up to 9 digits at *s, at most max; moves *s past. */
static bool number(const char **s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	int n = 0;

	while (**s >= '0' && **s <= '9' && n < 9) {
		v = v * 10 + (unsigned long)(**s - '0');
		(*s)++;
		n++;
	}
	if (!n || (**s >= '0' && **s <= '9') || v > max)
		return false;
	*out = v;
	return true;
}

static bool take(const char **s, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*s, word, n))
		return false;
	*s += n;
	return true;
}

/* "N" or "*" (-1), then sep. */
static bool number_or_any(const char **s, unsigned long max, long *out, char sep)
{
	unsigned long v;

	if (**s == '*') {
		(*s)++;
		*out = -1;
	} else if (number(s, max, &v)) {
		*out = (long)v;
	} else {
		return false;
	}
	return *(*s)++ == sep;
}

static int parse_layout(struct parse *p, const char **s, struct p0f_sig *g)
{
	static const struct {
		const char *name;
		uint8_t kind;
	} names[] = { { "nop", SYNSINK_TCPOPT_NOP },   { "mss", SYNSINK_TCPOPT_MSS },
		      { "ws", SYNSINK_TCPOPT_WSCALE }, { "sok", SYNSINK_TCPOPT_SACKOK },
		      { "sack", SYNSINK_TCPOPT_SACK }, { "ts", SYNSINK_TCPOPT_TS } };
	unsigned long v;
	size_t i;

	while (**s != ':') {
		if (g->n_layout == SYN_OPT_WALK_MAX)
			return fail(p, "more than %d TCP options", SYN_OPT_WALK_MAX);
		if (take(s, "eol+")) {
			if (!number(s, 255, &v) || **s != ':')
				return fail(p, "eol+N must be the last option");
			g->layout[g->n_layout++] = SYNSINK_TCPOPT_EOL;
			g->eol_pad = (unsigned int)v;
			break;
		}
		if (**s == '?') {
			(*s)++;
			if (!number(s, 255, &v))
				return fail(p, "malformed '?' option");
			g->layout[g->n_layout++] = (uint8_t)v;
		} else {
			for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				if (take(s, names[i].name))
					break;
			if (i == sizeof(names) / sizeof(names[0]))
				return fail(p, "unknown TCP option at '%.10s'", *s);
			g->layout[g->n_layout++] = names[i].kind;
		}
		if (**s == ',')
			(*s)++;
		else if (**s != ':')
			return fail(p, "malformed TCP options at '%.10s'", *s);
	}
	(*s)++;
	return 0;
}

static int parse_quirks(struct parse *p, const char **s, struct p0f_sig *g)
{
	size_t i;

	while (**s != ':') {
		size_t best = SYN_Q__COUNT, best_len = 0;

		/* the longest name that fits ("id+" before "id") */
		for (i = 0; i < SYN_Q__COUNT; i++) {
			size_t n = strlen(syn_fp_quirk_names[i]);

			if (n > best_len && !strncmp(*s, syn_fp_quirk_names[i], n) &&
			    ((*s)[n] == ',' || (*s)[n] == ':')) {
				best = i;
				best_len = n;
			}
		}
		if (best == SYN_Q__COUNT)
			return fail(p, "unknown quirk at '%.10s'", *s);
		if (g->ver == 6 && (best == SYN_Q_DF || best == SYN_Q_NZ_ID ||
				    best == SYN_Q_ZERO_ID || best == SYN_Q_NZ_MBZ))
			return fail(p, "'%s' is not valid for IPv6", syn_fp_quirk_names[best]);
		if (g->ver == 4 && best == SYN_Q_FLOW)
			return fail(p, "'flow' is not valid for IPv4");
		g->quirks |= 1u << best;
		*s += best_len;
		if (**s == ',')
			(*s)++;
	}
	(*s)++;
	return 0;
}

/* ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass */
static int parse_sig(struct parse *p, const char *s, struct p0f_sig *g)
{
	unsigned long v, add;

	memset(g, 0, sizeof(*g));
	g->label = p->db->n_labels - 1;
	if (s[0] == '4' || s[0] == '6')
		g->ver = s[0] - '0';
	else if (s[0] == '*')
		g->ver = -1;
	else
		return fail(p, "unknown IP version");
	if (s[1] != ':')
		return fail(p, "malformed signature");
	s += 2;
	if (!number(&s, 255, &v) || !v)
		return fail(p, "bad initial TTL");
	g->ttl = (unsigned int)v;
	if (s[0] == '-' && s[1] == ':') {
		g->bad_ttl = true;
		s++;
	} else if (s[0] == '+') {
		s++;
		if (!number(&s, 255, &add) || g->ttl + add > 255)
			return fail(p, "bad initial TTL");
		g->ttl += (unsigned int)add;
	}
	if (*s++ != ':' || !number(&s, 255, &v) || *s++ != ':')
		return fail(p, "bad IP option length");
	g->olen = (unsigned int)v;
	if (!number_or_any(&s, 65535, &g->mss, ':'))
		return fail(p, "bad MSS");
	if (s[0] == '*' && s[1] == ',') {
		g->win_type = WIN_ANY;
		s++;
	} else if (take(&s, "%")) {
		g->win_type = WIN_MOD;
		if (!number(&s, 65535, &v) || v < 2)
			return fail(p, "bad '%%' window");
		g->win = (unsigned int)v;
	} else if (take(&s, "mss*") || take(&s, "mtu*")) {
		g->win_type = s[-3] == 's' ? WIN_MSS : WIN_MTU;
		if (!number(&s, 1000, &v) || !v)
			return fail(p, "bad MSS/MTU multiplier");
		g->win = (unsigned int)v;
	} else {
		g->win_type = WIN_NORMAL;
		if (!number(&s, 65535, &v))
			return fail(p, "bad window size");
		g->win = (unsigned int)v;
	}
	if (*s++ != ',' || !number_or_any(&s, 255, &g->wscale, ':'))
		return fail(p, "bad window scale");
	if (parse_layout(p, &s, g) || parse_quirks(p, &s, g))
		return -EINVAL;
	if (!strcmp(s, "*"))
		g->pclass = -1;
	else if (!strcmp(s, "0") || !strcmp(s, "+"))
		g->pclass = s[0] == '+';
	else
		return fail(p, "bad payload class");
	return 0;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* classes = win,unix,other */
static int parse_classes(struct parse *p, const char *v)
{
	struct p0f_db *db = p->db;

	while (*v) {
		size_t n = strcspn(v, ", \t");
		char **c;

		if (n) {
			c = realloc(db->classes, (db->n_classes + 1) * sizeof(*c));
			if (!c)
				return -ENOMEM;
			db->classes = c;
			if (!(c[db->n_classes] = dup_n(v, n)))
				return -ENOMEM;
			db->n_classes++;
		}
		v += n;
		v += strspn(v, ", \t");
	}
	return db->n_classes ? 0 : fail(p, "empty classes");
}

/* label = g|s:CLASS|!:NAME:FLAVOR */
static int parse_label(struct parse *p, const char *v)
{
	struct p0f_db *db = p->db;
	struct p0f_label *l;
	const char *cls, *name, *flavor;
	size_t i, nc, text_len;

	if ((v[0] != 'g' && v[0] != 's') || v[1] != ':')
		return fail(p, "a label starts with g: or s:");
	cls = v + 2;
	nc = strcspn(cls, ":");
	if (!nc || !cls[nc])
		return fail(p, "malformed label");
	name = cls + nc + 1;
	flavor = strchr(name, ':');
	if (!flavor || flavor == name)
		return fail(p, "malformed label name");
	l = realloc(db->labels, (db->n_labels + 1) * sizeof(*l));
	if (!l)
		return -ENOMEM;
	db->labels = l;
	l += db->n_labels;
	memset(l, 0, sizeof(*l));
	l->generic = v[0] == 'g';
	if (nc == 1 && cls[0] == '!') {
		l->cls = "!";
	} else {
		for (i = 0; i < db->n_classes; i++)
			if (strlen(db->classes[i]) == nc && !strncmp(db->classes[i], cls, nc))
				l->cls = db->classes[i];
		if (!l->cls)
			return fail(p, "unknown class '%.*s'", (int)nc, cls);
	}
	/* "NAME FLAVOR" (or "NAME"): at most the label's text, its ':' a space */
	text_len = strlen(name) + 1;
	l->name = dup_n(name, (size_t)(flavor - name));
	l->flavor = dup_n(flavor + 1, strlen(flavor + 1));
	l->text = malloc(text_len);
	if (!l->name || !l->flavor || !l->text) {
		free(l->name);
		free(l->flavor);
		free(l->text);
		return -ENOMEM;
	}
	snprintf(l->text, text_len, "%s%s%s", l->name, *l->flavor ? " " : "", l->flavor);
	db->n_labels++;
	return 0;
}

static int parse_line(struct parse *p, char *line)
{
	struct p0f_db *db = p->db;
	char *key = line, *v;
	size_t kn;

	if (*line == '[') {
		p->have_label = false;
		p->sect = !strcmp(line, "[tcp:request]") ? SECT_SYN
			  : !strcmp(line, "[mtu]") || !strncmp(line, "[tcp:", 5) ||
					  !strncmp(line, "[http:", 6)
				  ? SECT_OTHER
				  : SECT_NONE;
		return p->sect == SECT_NONE ? fail(p, "unknown section %s", line) : 0;
	}
	kn = strcspn(key, " \t=");
	v = key + kn + strspn(key + kn, " \t");
	if (!kn || *v != '=')
		return fail(p, "expected NAME = VALUE");
	v++;
	v += strspn(v, " \t");
	key[kn] = '\0';
	if (!strcmp(key, "classes"))
		return p->sect == SECT_NONE ? parse_classes(p, v) : fail(p, "misplaced classes");
	if (p->sect != SECT_SYN)
		return 0; /* MTU, SYN+ACK and HTTP signatures: not ours */
	if (!strcmp(key, "label")) {
		p->have_label = true;
		return parse_label(p, v);
	}
	if (!strcmp(key, "sys"))
		return 0; /* which systems a userland tool runs on: not used */
	if (!strcmp(key, "sig")) {
		struct p0f_sig *g;

		if (!p->have_label)
			return fail(p, "a signature before any label");
		g = realloc(db->sigs, (db->n_sigs + 1) * sizeof(*g));
		if (!g)
			return -ENOMEM;
		db->sigs = g;
		if (parse_sig(p, v, &g[db->n_sigs]))
			return -EINVAL;
		db->n_sigs++;
		return 0;
	}
	return fail(p, "unknown field '%s'", key);
}

/* The bucket of an option layout (FNV-1a of its kinds). */
static unsigned int layout_bucket(const uint8_t *kinds, unsigned int n)
{
	uint32_t h = 2166136261u;
	unsigned int i;

	for (i = 0; i < n; i++)
		h = (h ^ kinds[i]) * 16777619u;
	h = (h ^ n) * 16777619u;
	return h % P0F_BUCKETS;
}

/* Buckets the signatures by layout, keeping file order in each: a match
 * looks only at signatures with the event's layout, as p0f's hash does. */
static int index_layouts(struct p0f_db *db)
{
	size_t fill[P0F_BUCKETS] = { 0 }, i, b;

	db->by_layout = calloc(db->n_sigs, sizeof(*db->by_layout));
	if (!db->by_layout)
		return -ENOMEM;
	memset(db->bucket_start, 0, sizeof(db->bucket_start));
	for (i = 0; i < db->n_sigs; i++)
		db->bucket_start[layout_bucket(db->sigs[i].layout, db->sigs[i].n_layout) + 1]++;
	for (b = 0; b < P0F_BUCKETS; b++)
		db->bucket_start[b + 1] += db->bucket_start[b];
	for (i = 0; i < db->n_sigs; i++) {
		b = layout_bucket(db->sigs[i].layout, db->sigs[i].n_layout);
		db->by_layout[db->bucket_start[b] + fill[b]++] = (uint32_t)i;
	}
	return 0;
}

int p0f_db_load(struct p0f_db *db, const char *path, char *err, size_t errlen)
{
	struct parse p = { db, path, 0, err, errlen, SECT_NONE, false };
	char *data, *cur;
	size_t n;
	int ret;

	memset(db, 0, sizeof(*db));
	ret = sf_read(path, DB_MAX_BYTES, SF_FOLLOW, &data, &n, NULL);
	if (ret) {
		snprintf(err, errlen, "p0f database %s: %s", path,
			 ret == -SF_ENOTREG || ret == -EFBIG ? "not a regular file of at most 4 MiB"
							     : sf_strerror(ret));
		return ret == -SF_ENOTREG || ret == -EFBIG ? -EINVAL : ret;
	}
	if (memchr(data, '\0', n)) {
		free(data);
		snprintf(err, errlen, "p0f database %s: a NUL byte", path);
		return -EINVAL;
	}
	for (cur = data; !ret && *cur;) {
		char *eol = cur + strcspn(cur, "\n"), *end = eol;

		p.line++;
		cur += strspn(cur, " \t");
		while (end > cur && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			end--;
		if (*eol)
			*eol++ = '\0';
		*end = '\0';
		if (*cur && *cur != ';')
			ret = parse_line(&p, cur);
		cur = eol;
	}
	free(data);
	if (!ret && db->n_sigs)
		ret = index_layouts(db);
	if (!ret && !db->n_sigs) {
		snprintf(err, errlen, "p0f database %s: no [tcp:request] signatures", path);
		ret = -EINVAL;
	}
	if (ret == -ENOMEM)
		snprintf(err, errlen, "p0f database %s: out of memory", path);
	if (ret)
		p0f_db_free(db);
	return ret;
}

void p0f_db_free(struct p0f_db *db)
{
	size_t i;

	for (i = 0; i < db->n_labels; i++) {
		free(db->labels[i].text);
		free(db->labels[i].name);
		free(db->labels[i].flavor);
	}
	for (i = 0; i < db->n_classes; i++)
		free(db->classes[i]);
	free(db->labels);
	free(db->classes);
	free(db->sigs);
	free(db->by_layout);
	memset(db, 0, sizeof(*db));
}

#define QB(x) (1u << SYN_Q_##x)

const struct p0f_label *p0f_db_match(const struct p0f_db *db, const struct synsink_event *ev,
				     enum p0f_how *how)
{
	const struct p0f_sig *fuzzy_m = NULL, *generic_m = NULL;
	uint32_t q = syn_fp_quirks(ev);
	bool use_mtu = false;
	unsigned int multi = syn_fp_win_multi(ev, &use_mtu);
	unsigned int olen = ev->family == AF_INET6 ? 0 : ev->ipopt_len;
	unsigned int n_opts = ev->n_opts < SYN_OPT_WALK_MAX ? ev->n_opts : SYN_OPT_WALK_MAX;
	unsigned int b = layout_bucket(ev->opt_order, n_opts);
	size_t i;

	*how = P0F_NONE;
	for (i = db->bucket_start[b]; i < db->bucket_start[b + 1]; i++) {
		const struct p0f_sig *g = &db->sigs[db->by_layout[i]];
		uint32_t rq = g->quirks;
		bool fuzzy = false;

		if (g->n_layout != n_opts || memcmp(g->layout, ev->opt_order, n_opts))
			continue;
		/* A signature for either version drops the other's quirks. */
		if (g->ver == -1)
			rq &= ev->family == AF_INET ? ~QB(FLOW)
						    : ~(QB(DF) | QB(NZ_ID) | QB(ZERO_ID));
		if (rq != q) {
			uint32_t deleted = (rq ^ q) & rq, added = (rq ^ q) & q;

			if (fuzzy_m || (deleted & ~(QB(DF) | QB(NZ_ID))) ||
			    (added & ~(QB(ZERO_ID) | QB(ECN))))
				continue;
			fuzzy = true;
		}
		if (g->eol_pad != ev->eol_pad || g->olen != olen)
			continue;
		if (g->bad_ttl) {
			if (g->ttl < ev->ttl)
				continue;
		} else if (g->ttl < ev->ttl || g->ttl - ev->ttl > SYN_FP_MAX_DIST) {
			fuzzy = true;
		}
		if ((g->mss != -1 && g->mss != ev->mss) ||
		    (g->wscale != -1 && g->wscale != ev->wscale) ||
		    (g->pclass != -1 && g->pclass != (ev->payload_len ? 1 : 0)))
			continue;
		if ((g->win_type == WIN_NORMAL && g->win != ev->win) ||
		    (g->win_type == WIN_MOD && ev->win % g->win) ||
		    (g->win_type == WIN_MSS && (use_mtu || g->win != multi)) ||
		    (g->win_type == WIN_MTU && (!use_mtu || g->win != multi)))
			continue;
		if (fuzzy) {
			if (!fuzzy_m)
				fuzzy_m = g;
		} else if (!db->labels[g->label].generic) {
			*how = P0F_EXACT;
			return &db->labels[g->label];
		} else if (!generic_m) {
			generic_m = g;
		}
	}
	if (generic_m) {
		*how = P0F_GENERIC;
		return &db->labels[generic_m->label];
	}
	/* No fuzzy matching for userland tools. */
	if (!fuzzy_m || !strcmp(db->labels[fuzzy_m->label].cls, "!"))
		return NULL;
	*how = P0F_FUZZY;
	return &db->labels[fuzzy_m->label];
}

const char *p0f_how_name(enum p0f_how how)
{
	static const char *const names[] = { "none", "exact", "fuzzy", "generic" };

	return (unsigned int)how < 4 ? names[how] : "none";
}
