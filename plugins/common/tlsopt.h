/* SPDX-License-Identifier: MIT */
/*
 * tlsopt.h - the TLS options the network sinks share, one text for all:
 * ca, cert, tls_key (and tls_name where the sink checks names itself),
 * for a plugin's option table whose enum names OPT_CA, OPT_CERT,
 * OPT_TLS_KEY (and OPT_TLS_NAME); and the check that they make sense.
 * PEER is what the sink calls its server ("collector", "broker").
 */
#ifndef SYNSINK_PLUGIN_TLSOPT_H
#define SYNSINK_PLUGIN_TLSOPT_H

#include <stdbool.h>
#include <stdio.h>

#include <synsink/plugin.h>

#define TLSOPT_TABLE(peer)                                                                                     \
	[OPT_CA] = { "ca",                                                                                     \
		     SYNSINK_OPT_STRING,                                                                       \
		     NULL,                                                                                     \
		     "TLS: PEM file of the CA that signed the " peer "'s certificate (default: the system's)", \
		     NULL,                                                                                     \
		     0,                                                                                        \
		     0 },                                                                                      \
	[OPT_CERT] = { "cert", SYNSINK_OPT_STRING,                                                             \
		       NULL,   "TLS: PEM client certificate (with tls_key)",                                   \
		       NULL,   0,                                                                              \
		       0 },                                                                                    \
	[OPT_TLS_KEY] = {                                                                                      \
		"tls_key", SYNSINK_OPT_STRING, NULL, "TLS: PEM private key of cert", NULL, 0, 0                \
	}

#define TLSOPT_NAME(peer, dflt)                                                            \
	[OPT_TLS_NAME] = {                                                                 \
		"tls_name",                                                                \
		SYNSINK_OPT_STRING,                                                        \
		NULL,                                                                      \
		"TLS: the name the " peer "'s certificate must carry (default: " dflt ")", \
		NULL,                                                                      \
		0,                                                                         \
		0                                                                          \
	}

/*
 * Whether the TLS options given make sense: none of them without TLS
 * (how_on says how to ask for it: "tls=true"), cert and tls_key together.
 * name may be NULL (no tls_name option).  Returns 0, or -1 with one line
 * in why.
 */
static inline int tlsopt_check(bool on, const char *how_on, const char *ca, const char *cert,
			       const char *key, const char *name, char *why, size_t len)
{
	if (!on && (ca || cert || key || name)) {
		snprintf(why, len, "%s need %s",
			 name ? "ca, cert, tls_key and tls_name" : "ca, cert and tls_key", how_on);
		return -1;
	}
	if (!cert != !key) {
		snprintf(why, len, "cert and tls_key go together");
		return -1;
	}
	return 0;
}

#endif
