// SPDX-License-Identifier: MIT
/* tls.c - the syslog sink's TLS (see tls.h). */
#include "tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

struct stls {
	SSL_CTX *ctx;
	SSL *ssl; /* the current connection, or NULL */
	char name[256];
	bool ip; /* name is an address: checked against the IP SANs */
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

struct stls *stls_new(const char *ca, const char *cert, const char *key, const char *name,
		      char *why, size_t len)
{
	struct stls *t = calloc(1, sizeof(*t));
	unsigned char addr[16];

	if (!t) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->ip = inet_pton(AF_INET, name, addr) == 1 || inet_pton(AF_INET6, name, addr) == 1;
	t->ctx = SSL_CTX_new(TLS_client_method());
	if (!t->ctx || !SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION)) {
		snprintf(why, len, "TLS: %s", ossl_why());
		goto fail;
	}
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_mode(t->ctx, SSL_MODE_AUTO_RETRY);
	if (ca ? !SSL_CTX_load_verify_locations(t->ctx, ca, NULL)
	       : !SSL_CTX_set_default_verify_paths(t->ctx)) {
		snprintf(why, len, "ca %s: %s", ca ? ca : "(the system's)", ossl_why());
		goto fail;
	}
	if (cert && (!SSL_CTX_use_certificate_chain_file(t->ctx, cert) ||
		     !SSL_CTX_use_PrivateKey_file(t->ctx, key, SSL_FILETYPE_PEM) ||
		     !SSL_CTX_check_private_key(t->ctx))) {
		snprintf(why, len, "cert %s / tls_key %s: %s", cert, key, ossl_why());
		goto fail;
	}
	return t;
fail:
	stls_free(t);
	return NULL;
}

void stls_free(struct stls *t)
{
	if (!t)
		return;
	stls_close(t);
	SSL_CTX_free(t->ctx);
	free(t);
}

/* A new connection's SSL, with the name to check (and to send as SNI). */
static SSL *new_ssl(struct stls *t, int fd)
{
	SSL *ssl = SSL_new(t->ctx);

	if (!ssl)
		return NULL;
	if (!SSL_set_fd(ssl, fd) ||
	    (t->ip ? !X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), t->name)
		   : !SSL_set1_host(ssl, t->name) || !SSL_set_tlsext_host_name(ssl, t->name))) {
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

int stls_handshake(struct stls *t, int fd, int timeout_ms, bool *verify, char *why, size_t len)
{
	struct pollfd p = { .fd = fd };
	int r;

	*verify = false;
	stls_close(t);
	t->ssl = new_ssl(t, fd);
	if (!t->ssl) {
		snprintf(why, len, "TLS: %s", ossl_why());
		return -ENOMEM;
	}
	while ((r = SSL_connect(t->ssl)) != 1) {
		int e = SSL_get_error(t->ssl, r);
		long v;

		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			p.events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
			if (poll(&p, 1, timeout_ms) == 1)
				continue;
			snprintf(why, len,
				 "TLS handshake: no answer within %d ms (is it a TLS port?)",
				 timeout_ms);
			stls_close(t);
			return -EPROTO;
		}
		v = SSL_get_verify_result(t->ssl);
		if (v != X509_V_OK) {
			*verify = true;
			snprintf(why, len, "TLS: the collector's certificate: %s",
				 X509_verify_cert_error_string(v));
		} else if (e == SSL_ERROR_SYSCALL || e == SSL_ERROR_ZERO_RETURN) {
			snprintf(why, len, "TLS handshake: the collector closed the connection%s",
				 ERR_peek_error() ? "" : " (is it a TLS port?)");
			ERR_clear_error();
		} else {
			snprintf(why, len, "TLS handshake: %s", ossl_why());
		}
		stls_close(t);
		return -EPROTO;
	}
	return 0;
}

int stls_settled(struct stls *t, int fd, int wait_ms, char *why, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int fl = fcntl(fd, F_GETFL), ret = 0, n, e, left = wait_ms;
	struct timespec t0, t1;
	char c;

	/* Non-blocking meanwhile: half a record must not hold the start. */
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK))
		return 0; /* cannot look: the first write will tell */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (left > 0 && poll(&p, 1, left) == 1) {
		n = SSL_read(t->ssl, &c, 1);
		e = n > 0 ? SSL_ERROR_NONE : SSL_get_error(t->ssl, n);
		if (e == SSL_ERROR_NONE || e == SSL_ERROR_WANT_READ) {
			/* data (not what a collector sends, but no refusal), a
			 * session ticket, half a record: look again */
			clock_gettime(CLOCK_MONOTONIC, &t1);
			left = wait_ms - (int)((t1.tv_sec - t0.tv_sec) * 1000 +
					       (t1.tv_nsec - t0.tv_nsec) / 1000000);
			continue;
		}
		if (e == SSL_ERROR_SSL)
			snprintf(why, len, "TLS: the collector refused us: %s", ossl_why());
		else
			snprintf(why, len, "TLS: the collector closed the connection");
		ERR_clear_error();
		stls_close(t);
		ret = -EPROTO;
		break;
	}
	(void)fcntl(fd, F_SETFL, fl);
	return ret;
}

ssize_t stls_send(struct stls *t, const void *buf, size_t len)
{
	int n;

	if (!t->ssl) {
		errno = ENOTCONN;
		return -1;
	}
	n = SSL_write(t->ssl, buf, len > 1u << 30 ? 1 << 30 : (int)len);
	if (n > 0)
		return n;
	if (SSL_get_error(t->ssl, n) != SSL_ERROR_SYSCALL || !errno)
		errno = EPIPE;
	ERR_clear_error();
	return -1;
}

void stls_close(struct stls *t)
{
	if (!t->ssl)
		return;
	(void)SSL_shutdown(t->ssl); /* close_notify, best effort: not waited for */
	ERR_clear_error();
	SSL_free(t->ssl);
	t->ssl = NULL;
}
