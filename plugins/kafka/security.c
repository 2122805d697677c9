// SPDX-License-Identifier: MIT
/*
 * security.c - TLS and SASL to the brokers, as first-class options:
 *
 *   tls=true            security.protocol SSL (SASL_SSL with SASL)
 *   ca=FILE             ssl.ca.location: the CA that signed the brokers'
 *                       certificates (default: the system's)
 *   cert=FILE,          ssl.certificate.location, ssl.key.location: a
 *   tls_key=FILE        client certificate, when the brokers ask for one
 *   sasl_mechanism=M    PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
 *   sasl_username=U     sasl.username
 *   sasl_password=P     sasl.password; a secret: sasl_password_file=FILE
 *
 * librdkafka checks the broker's name against its certificate
 * (ssl.endpoint.identification.algorithm=https, its default).  SASL
 * without tls=true is refused: it would send the password in the clear.
 */
#include "kopts.h"
#include "safefile.h"
#include "tlsopt.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/x509.h>

const char *const kafka_sasl_mechanisms[] = { "none", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512",
					      NULL };

int kafka_conf_put(rd_kafka_conf_t *conf, const char *prefix, const char *k, const char *v,
		   const struct synsink_host *host)
{
	char err[512];

	if (rd_kafka_conf_set(conf, k, v, err, sizeof(err)) != RD_KAFKA_CONF_OK) {
		host->log(host, SYNSINK_LOG_ERR, "%s%s=%s: %s", prefix, k,
			  strstr(k, "password") ? "(secret)" : v, err);
		return -EINVAL;
	}
	return 0;
}

/* One of ours. */
static int put(rd_kafka_conf_t *conf, const char *k, const char *v, const struct synsink_host *host)
{
	return kafka_conf_put(conf, "", k, v, host);
}

/* The options' combination makes sense; else one line. */
static int check(const struct synsink_value *v, const struct synsink_host *host)
{
	int sasl = v[OPT_SASL_MECHANISM].num != 0;
	const char *why = NULL;
	char tls_why[100];

	if (tlsopt_check(v[OPT_TLS].num, "tls=true", v[OPT_CA].str, v[OPT_CERT].str,
			 v[OPT_TLS_KEY].str, NULL, tls_why, sizeof(tls_why)))
		why = tls_why;
	else if (sasl && !v[OPT_TLS].num)
		why = "sasl_mechanism needs tls=true: SASL without TLS sends the password in the clear";
	else if (sasl && (!v[OPT_SASL_USERNAME].str || !v[OPT_SASL_PASSWORD].str))
		why = "sasl_mechanism needs sasl_username and sasl_password (or sasl_password_file)";
	else if (!sasl && (v[OPT_SASL_USERNAME].str || v[OPT_SASL_PASSWORD].str))
		why = "sasl_username and sasl_password need sasl_mechanism";
	if (why)
		host->log(host, SYNSINK_LOG_ERR, "%s", why);
	return why ? -EINVAL : 0;
}

/* OpenSSL's verdict on each certificate of a broker's chain, unchanged;
 * a failure is kept for open()'s line, since librdkafka says only
 * "certificate verify failed".  Called from librdkafka's threads. */
static int verify_cb(rd_kafka_t *rk, const char *broker, int32_t id, int *x509_error, int depth,
		     const char *buf, size_t size, char *errstr, size_t errlen, void *opaque)
{
	struct ktls_seen *seen = opaque; /* the ksink's first member (ksink.h) */

	(void)rk, (void)broker, (void)id, (void)buf, (void)size;
	if (!*x509_error)
		return 1;
	atomic_store(&seen->depth, depth);
	atomic_store(&seen->x509_err, *x509_error);
	snprintf(errstr, errlen, "%s", X509_verify_cert_error_string(*x509_error));
	return 0;
}

const char *kafka_tls_why(const struct ktls_seen *seen, char *buf, size_t len)
{
	int e = atomic_load(&seen->x509_err);

	if (!e)
		return NULL;
	snprintf(buf, len, "%s (the certificate %s)", X509_verify_cert_error_string(e),
		 atomic_load(&seen->depth) ? "of a CA in the broker's chain" : "of the broker");
	return buf;
}

/* Sets key to the /proc/self/fd name of the checked file path (what names
 * the option), its fd kept in *fd.  Returns 0 or -EINVAL after one line. */
static int put_file(rd_kafka_conf_t *conf, const char *k, const char *what, const char *path,
		    int *fd, const struct synsink_host *host)
{
	char fdpath[SF_FDPATH_LEN];

	*fd = sf_open_fdpath(path, SF_FOLLOW, fdpath);
	if (*fd < 0) {
		host->log(host, SYNSINK_LOG_ERR, "%s %s: %s", what, path, sf_strerror(*fd));
		return -EINVAL;
	}
	return put(conf, k, fdpath, host);
}

void kafka_security_done(int fds[3])
{
	for (int i = 0; i < 3; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

int kafka_security_conf(rd_kafka_conf_t *conf, const struct synsink_value *v,
			const struct synsink_host *host, int fds[3])
{
	int sasl = v[OPT_SASL_MECHANISM].num != 0, tls = v[OPT_TLS].num != 0;
	static const char *const protocols[2][2] = { { "plaintext", "sasl_plaintext" },
						     { "ssl", "sasl_ssl" } };

	if (check(v, host) || put(conf, "security.protocol", protocols[tls][sasl], host))
		return -EINVAL;
	if (v[OPT_CA].str && put_file(conf, "ssl.ca.location", "ca", v[OPT_CA].str, &fds[0], host))
		return -EINVAL;
	if (tls && rd_kafka_conf_set_ssl_cert_verify_cb(conf, verify_cb) != RD_KAFKA_CONF_OK) {
		host->log(host, SYNSINK_LOG_ERR, "tls=true, but this librdkafka has no TLS");
		return -EINVAL;
	}
	if (v[OPT_CERT].str &&
	    (put_file(conf, "ssl.certificate.location", "cert", v[OPT_CERT].str, &fds[1], host) ||
	     put_file(conf, "ssl.key.location", "tls_key", v[OPT_TLS_KEY].str, &fds[2], host)))
		return -EINVAL;
	if (sasl &&
	    (put(conf, "sasl.mechanisms", kafka_sasl_mechanisms[v[OPT_SASL_MECHANISM].num], host) ||
	     put(conf, "sasl.username", v[OPT_SASL_USERNAME].str, host) ||
	     put(conf, "sasl.password", v[OPT_SASL_PASSWORD].str, host)))
		return -EINVAL;
	return 0;
}
