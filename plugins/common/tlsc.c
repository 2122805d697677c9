// SPDX-License-Identifier: MIT
/* tlsc.c - a TLS client connection with OpenSSL (see tlsc.h). */
#include "tlsc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "safefile.h"

struct tlsc {
	SSL_CTX *ctx;
	SSL *ssl; /* the current connection, or NULL */
	char name[256];
	char peer[32]; /* "collector", "server": for messages */
	bool ip;       /* name is an address: checked against the IP SANs */
};

/* OpenSSL's first queued error, in words (and the queue emptied). */
static const char *ossl_why(void)
{
	static __thread char buf[256];
	unsigned long e = ERR_get_error();

	ERR_clear_error();
	if (!e)
		return "unknown error";
	ERR_error_string_n(e, buf, sizeof(buf));
	return buf;
}

static void close_fds(const int fd[3])
{
	for (int i = 0; i < 3; i++)
		if (fd[i] >= 0)
			close(fd[i]);
}

struct tlsc *tlsc_new(const char *ca, const char *cert, const char *key, const char *name,
		      const char *peer, char *why, size_t len)
{
	struct tlsc *t = calloc(1, sizeof(*t));
	char fdp[3][SF_FDPATH_LEN];
	int fd[3] = { -1, -1, -1 };
	unsigned char addr[16];

	if (!t) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->peer, sizeof(t->peer), "%s", peer);
	t->ip = inet_pton(AF_INET, name, addr) == 1 || inet_pton(AF_INET6, name, addr) == 1;
	t->ctx = SSL_CTX_new(TLS_client_method());
	if (!t->ctx || !SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION)) {
		snprintf(why, len, "TLS: %s", ossl_why());
		goto fail;
	}
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
	/* Blocking use retries by itself; non-blocking use may hand a
	 * write's bytes again from a buffer that has moved (hiredis'). */
	SSL_CTX_set_mode(t->ctx, SSL_MODE_AUTO_RETRY | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
					 SSL_MODE_ENABLE_PARTIAL_WRITE);
	/* OpenSSL opens files by name: it is given the very files checked
	 * (safefile.h), so a FIFO put in their place cannot hang us. */
	if (ca && (fd[0] = sf_open_fdpath(ca, SF_FOLLOW, fdp[0])) < 0) {
		snprintf(why, len, "ca %s: %s", ca, sf_strerror(fd[0]));
		goto fail;
	}
	if (cert && (fd[1] = sf_open_fdpath(cert, SF_FOLLOW, fdp[1])) < 0) {
		snprintf(why, len, "cert %s: %s", cert, sf_strerror(fd[1]));
		goto fail;
	}
	if (cert && (fd[2] = sf_open_fdpath(key, SF_FOLLOW, fdp[2])) < 0) {
		snprintf(why, len, "tls_key %s: %s", key, sf_strerror(fd[2]));
		goto fail;
	}
	if (ca ? !SSL_CTX_load_verify_locations(t->ctx, fdp[0], NULL)
	       : !SSL_CTX_set_default_verify_paths(t->ctx)) {
		snprintf(why, len, "ca %s: %s", ca ? ca : "(the system's)", ossl_why());
		goto fail;
	}
	if (cert && (!SSL_CTX_use_certificate_chain_file(t->ctx, fdp[1]) ||
		     !SSL_CTX_use_PrivateKey_file(t->ctx, fdp[2], SSL_FILETYPE_PEM) ||
		     !SSL_CTX_check_private_key(t->ctx))) {
		snprintf(why, len, "cert %s / tls_key %s: %s", cert, key, ossl_why());
		goto fail;
	}
	close_fds(fd);
	return t;
fail:
	close_fds(fd);
	tlsc_free(t);
	return NULL;
}

void tlsc_free(struct tlsc *t)
{
	if (!t)
		return;
	tlsc_close(t);
	SSL_CTX_free(t->ctx);
	free(t);
}

int tlsc_begin(struct tlsc *t, int fd, char *why, size_t len)
{
	tlsc_close(t);
	t->ssl = SSL_new(t->ctx);
	/* The name to check (and to send as SNI). */
	if (!t->ssl || !SSL_set_fd(t->ssl, fd) ||
	    (t->ip ? !X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl), t->name)
		   : !SSL_set1_host(t->ssl, t->name) ||
			     !SSL_set_tlsext_host_name(t->ssl, t->name))) {
		snprintf(why, len, "TLS: %s", ossl_why());
		tlsc_close(t);
		return -ENOMEM;
	}
	return 0;
}

int tlsc_step(struct tlsc *t, bool *verify, char *why, size_t len)
{
	int r = SSL_connect(t->ssl), e;
	long v;

	*verify = false;
	if (r == 1)
		return 0;
	e = SSL_get_error(t->ssl, r);
	if (e == SSL_ERROR_WANT_READ)
		return POLLIN;
	if (e == SSL_ERROR_WANT_WRITE)
		return POLLOUT;
	v = SSL_get_verify_result(t->ssl);
	if (v != X509_V_OK) {
		*verify = true;
		snprintf(why, len, "TLS: the %s's certificate: %s", t->peer,
			 X509_verify_cert_error_string(v));
	} else if (e == SSL_ERROR_SYSCALL || e == SSL_ERROR_ZERO_RETURN) {
		snprintf(why, len, "TLS handshake: the %s closed the connection%s", t->peer,
			 ERR_peek_error() ? "" : " (is it a TLS port?)");
	} else {
		snprintf(why, len, "TLS handshake: %s", ossl_why());
	}
	ERR_clear_error();
	tlsc_close(t);
	return -EPROTO;
}

int tlsc_handshake(struct tlsc *t, int fd, int timeout_ms, bool *verify, char *why, size_t len)
{
	struct pollfd p = { .fd = fd };
	int r;

	*verify = false;
	r = tlsc_begin(t, fd, why, len);
	if (r)
		return r;
	while ((r = tlsc_step(t, verify, why, len)) > 0) {
		p.events = (short)r;
		if (poll(&p, 1, timeout_ms) != 1) {
			snprintf(why, len,
				 "TLS handshake: no answer within %d ms (is it a TLS port?)",
				 timeout_ms);
			tlsc_close(t);
			return -EPROTO;
		}
	}
	return r;
}

/* One byte read after the handshake: 0 when the server has not refused us
 * since (data, which no server of ours sends but is no refusal, a session
 * ticket, half a record, nothing yet); 1 with why when it sent an alert;
 * -1 with why when it closed the connection. */
static int read_refusal(struct tlsc *t, char *why, size_t len)
{
	char c;
	int n = SSL_read(t->ssl, &c, 1), e = n > 0 ? SSL_ERROR_NONE : SSL_get_error(t->ssl, n), ret;

	if (e == SSL_ERROR_NONE || e == SSL_ERROR_WANT_READ)
		return 0;
	if (e == SSL_ERROR_SSL) {
		snprintf(why, len, "TLS: the %s refused us: %s", t->peer, ossl_why());
		ret = 1;
	} else {
		snprintf(why, len, "TLS: the %s closed the connection", t->peer);
		ret = -1;
	}
	ERR_clear_error();
	return ret;
}

int tlsc_settled(struct tlsc *t, int fd, int wait_ms, char *why, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int fl = fcntl(fd, F_GETFL), ret = 0, left = wait_ms;
	struct timespec t0, t1;

	/* Non-blocking meanwhile: half a record must not hold the start. */
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK))
		return 0; /* cannot look: the first write will tell */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (left > 0 && poll(&p, 1, left) == 1) {
		if (read_refusal(t, why, len)) {
			tlsc_close(t);
			ret = -EPROTO;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1); /* look again */
		left = wait_ms -
		       (int)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
	}
	(void)fcntl(fd, F_SETFL, fl);
	return ret;
}

static int clamp(size_t len)
{
	return len > 1u << 30 ? 1 << 30 : (int)len;
}

ssize_t tlsc_send(struct tlsc *t, const void *buf, size_t len)
{
	int n;

	if (!t->ssl) {
		errno = ENOTCONN;
		return -1;
	}
	n = SSL_write(t->ssl, buf, clamp(len));
	if (n > 0)
		return n;
	if (SSL_get_error(t->ssl, n) != SSL_ERROR_SYSCALL || !errno)
		errno = EPIPE;
	ERR_clear_error();
	return -1;
}

/* What a non-blocking SSL_read or SSL_write's result n means (see
 * tlsc.h). */
static ssize_t nb_result(struct tlsc *t, int n, int *want, char *why, size_t wlen)
{
	int e = n > 0 ? SSL_ERROR_NONE : SSL_get_error(t->ssl, n);

	switch (e) {
	case SSL_ERROR_NONE:
		return n;
	case SSL_ERROR_WANT_READ:
		*want = POLLIN;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		*want = POLLOUT;
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		snprintf(why, wlen, "the %s closed the TLS connection", t->peer);
		break;
	case SSL_ERROR_SYSCALL:
		snprintf(why, wlen, "%s",
			 ERR_peek_error() ? ossl_why()
			 : errno	  ? strerror(errno)
					  : "the connection was closed without a TLS close_notify");
		break;
	default:
		if (ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
			snprintf(why, wlen, "the %s closed the connection (no TLS close_notify)",
				 t->peer);
		else
			snprintf(why, wlen, "TLS: %s", ossl_why());
	}
	ERR_clear_error();
	return -1;
}

ssize_t tlsc_read(struct tlsc *t, void *buf, size_t len, int *want, char *why, size_t wlen)
{
	errno = 0;
	return nb_result(t, SSL_read(t->ssl, buf, clamp(len)), want, why, wlen);
}

ssize_t tlsc_write(struct tlsc *t, const void *buf, size_t len, int *want, char *why, size_t wlen)
{
	errno = 0;
	return nb_result(t, SSL_write(t->ssl, buf, clamp(len)), want, why, wlen);
}

bool tlsc_refusal(struct tlsc *t, char *why, size_t len)
{
	char alert[320];

	/* why keeps the failed write's reason unless an alert says more */
	if (!t->ssl || read_refusal(t, alert, sizeof(alert)) != 1)
		return false;
	snprintf(why, len, "%s", alert);
	return true;
}

void tlsc_close(struct tlsc *t)
{
	if (!t->ssl)
		return;
	(void)SSL_shutdown(t->ssl); /* close_notify, best effort: not waited for */
	ERR_clear_error();
	SSL_free(t->ssl);
	t->ssl = NULL;
}
