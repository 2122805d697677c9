// SPDX-License-Identifier: MIT
/*
 * cmd.c - building XADD / PUBLISH / LPUSH / RPUSH argument vectors.
 *
 * The flattener reads the core's JSON: one object whose values are
 * strings, numbers, true/false, null or one level of array.  Strings are
 * unescaped (the core only writes \" \\ and \u00XX); arrays are kept as
 * JSON text; null fields are left out.
 */
#include "cmd.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct cursor {
	const char *p, *end;
	char *out, *out_end;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A JSON string at c->p (after its opening quote) into c->out.  Sets
 * s and n to the copy.  Returns 0 or -EINVAL / -ENOSPC. */
static int take_string(struct cursor *c, const char **s, size_t *n)
{
	char *start = c->out;

	while (c->p < c->end && *c->p != '"') {
		char ch = *c->p++;

		if (ch == '\\') {
			if (c->p >= c->end)
				return -EINVAL;
			ch = *c->p++;
			if (ch == 'u') {
				int h0, h1, h2, h3;

				if (c->end - c->p < 4)
					return -EINVAL;
				h0 = hexval(c->p[0]);
				h1 = hexval(c->p[1]);
				h2 = hexval(c->p[2]);
				h3 = hexval(c->p[3]);
				if (h0 != 0 || h1 != 0 || h2 < 0 || h3 < 0)
					return -EINVAL; /* the core writes \u00XX only */
				ch = (char)(h2 << 4 | h3);
				c->p += 4;
			} else if (ch != '"' && ch != '\\' && ch != '/') {
				return -EINVAL;
			}
		}
		if (c->out >= c->out_end)
			return -ENOSPC;
		*c->out++ = ch;
	}
	if (c->p >= c->end)
		return -EINVAL;
	c->p++; /* closing quote */
	*s = start;
	*n = (size_t)(c->out - start);
	return 0;
}

/* A bare value (number, true, false, null) or an array, copied as text. */
static int take_raw(struct cursor *c, const char **s, size_t *n)
{
	const char *start = c->p;
	size_t len;

	if (*c->p == '[') {
		int in_str = 0;

		for (; c->p < c->end; c->p++) {
			if (in_str) {
				if (*c->p == '\\')
					c->p++;
				else if (*c->p == '"')
					in_str = 0;
			} else if (*c->p == '"') {
				in_str = 1;
			} else if (*c->p == ']') {
				break;
			}
		}
		if (c->p >= c->end)
			return -EINVAL;
		c->p++;
	} else {
		while (c->p < c->end && *c->p != ',' && *c->p != '}')
			c->p++;
	}
	len = (size_t)(c->p - start);
	if (len == 0)
		return -EINVAL;
	if ((size_t)(c->out_end - c->out) < len)
		return -ENOSPC;
	memcpy(c->out, start, len);
	*s = c->out;
	*n = len;
	c->out += len;
	return 0;
}

static int push(struct redis_cmd *cmd, const char *s, size_t n)
{
	if (cmd->argc >= CMD_MAX_ARGS)
		return -ENOSPC;
	cmd->argv[cmd->argc] = s;
	cmd->argvlen[cmd->argc] = n;
	cmd->argc++;
	return 0;
}

static int push_str(struct redis_cmd *cmd, const char *s)
{
	return push(cmd, s, strlen(s));
}

static int flatten(struct redis_cmd *cmd, const char *line, size_t len)
{
	struct cursor c = { line, line + len, cmd->buf, cmd->buf + sizeof(cmd->buf) };
	int ret;

	if (c.p >= c.end || *c.p++ != '{')
		return -EINVAL;
	while (c.p < c.end && *c.p != '}') {
		const char *k, *v;
		size_t kn, vn;
		bool str;

		if (*c.p++ != '"')
			return -EINVAL;
		ret = take_string(&c, &k, &kn);
		if (ret)
			return ret;
		if (c.p >= c.end || *c.p++ != ':' || c.p >= c.end)
			return -EINVAL;
		str = *c.p == '"';
		if (str) {
			c.p++;
			ret = take_string(&c, &v, &vn);
		} else {
			ret = take_raw(&c, &v, &vn);
		}
		if (ret)
			return ret;
		/* A JSON null is left out; the string "null" is a value. */
		if (str || !(vn == 4 && !memcmp(v, "null", 4))) {
			if (push(cmd, k, kn) || push(cmd, v, vn))
				return -ENOSPC;
		}
		if (c.p < c.end && *c.p == ',')
			c.p++;
	}
	if (c.p >= c.end)
		return -EINVAL;
	return 0;
}

int redis_cmd_build(struct redis_cmd *cmd, enum redis_mode mode, const char *key, uint64_t maxlen,
		    const char *line, size_t len)
{
	static const char *const verbs[] = {
		[MODE_XADD] = "XADD",
		[MODE_PUBLISH] = "PUBLISH",
		[MODE_LPUSH] = "LPUSH",
		[MODE_RPUSH] = "RPUSH",
	};

	if (len && line[len - 1] == '\n')
		len--;
	cmd->argc = 0;
	push_str(cmd, verbs[mode]);
	push_str(cmd, key);
	if (mode != MODE_XADD)
		return push(cmd, line, len);

	if (maxlen) {
		snprintf(cmd->maxlen, sizeof(cmd->maxlen), "%llu", (unsigned long long)maxlen);
		push_str(cmd, "MAXLEN");
		push_str(cmd, "~");
		push_str(cmd, cmd->maxlen);
	}
	push_str(cmd, "*");
	return flatten(cmd, line, len);
}

/* Writes "<prefix><n>\r\n"; returns the bytes written or 0. */
static size_t put_len(char *out, size_t cap, char prefix, size_t n)
{
	char tmp[24];
	size_t i = sizeof(tmp), len;

	do {
		tmp[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	len = sizeof(tmp) - i;
	if (len + 3 > cap)
		return 0;
	out[0] = prefix;
	memcpy(out + 1, tmp + i, len);
	out[len + 1] = '\r';
	out[len + 2] = '\n';
	return len + 3;
}

size_t redis_cmd_resp(const struct redis_cmd *cmd, char *out, size_t cap)
{
	size_t used, n;
	int i;

	used = put_len(out, cap, '*', (size_t)cmd->argc);
	if (!used)
		return 0;
	for (i = 0; i < cmd->argc; i++) {
		n = put_len(out + used, cap - used, '$', cmd->argvlen[i]);
		if (!n || cap - used - n < cmd->argvlen[i] + 2)
			return 0;
		used += n;
		memcpy(out + used, cmd->argv[i], cmd->argvlen[i]);
		used += cmd->argvlen[i];
		out[used++] = '\r';
		out[used++] = '\n';
	}
	return used;
}
