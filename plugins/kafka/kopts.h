/* SPDX-License-Identifier: MIT */
/* kopts.h - the Kafka sink's options by index, shared by kafka.c (the
 * table) and security.c (TLS and SASL as librdkafka properties). */
#ifndef SYNSINK_KAFKA_KOPTS_H
#define SYNSINK_KAFKA_KOPTS_H

#include <stdatomic.h>
#include <stddef.h>

#include <librdkafka/rdkafka.h>
#include <synsink/plugin.h>

enum {
	OPT_BROKERS,
	OPT_TOPIC,
	OPT_KEY,
	OPT_FORMAT,
	OPT_TLS,
	OPT_CA,
	OPT_CERT,
	OPT_TLS_KEY,
	OPT_SASL_MECHANISM,
	OPT_SASL_USERNAME,
	OPT_SASL_PASSWORD,
	OPT_RDKAFKA,
	N_OPTS
};

/* What OpenSSL found wrong with a broker's certificate, last (its
 * verify callback runs in librdkafka's threads). */
struct ktls_seen {
	atomic_int x509_err; /* 0: nothing */
	atomic_int depth;    /* 0: the broker's own certificate */
};

/* "certificate has expired (the broker's certificate)", or NULL. */
const char *kafka_tls_why(const struct ktls_seen *seen, char *buf, size_t len);

/* sasl_mechanism's choices, by index. */
extern const char *const kafka_sasl_mechanisms[];

/* Sets one librdkafka property; a refused one is one line naming it as
 * PREFIX KEY=VALUE and why, the value hidden when the key names a
 * password.  Returns 0 or -EINVAL. */
int kafka_conf_put(rd_kafka_conf_t *conf, const char *prefix, const char *k, const char *v,
		   const struct synsink_host *host);

/* Sets security.protocol and the ssl.* and sasl.* properties the options
 * ask for, before the rdkafka.* ones (which may override them).  The
 * ca, cert and tls_key files are opened here (safefile.h: never a FIFO)
 * and librdkafka is given their /proc/self/fd names: fds[3], set to -1
 * by the caller, hold them until rd_kafka_new() has read them, and
 * kafka_security_done() closes them.  Returns 0, or -EINVAL after
 * logging one line (a secret's value is never logged). */
int kafka_security_conf(rd_kafka_conf_t *conf, const struct synsink_value *v,
			const struct synsink_host *host, int fds[3]);
void kafka_security_done(int fds[3]);

#endif
