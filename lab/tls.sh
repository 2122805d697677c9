# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# lab/tls.sh - a throwaway certificate authority for the lab's TLS tests,
# made with openssl when a test runs (no key is ever committed).  Sourced
# after lab/lib.sh.
#
#   tls_certs DIR   makes in DIR (EC P-256 keys, PKCS#8, unencrypted):
#     ca.pem                      the lab's CA
#     server.pem, server.key      for IP 127.0.0.1 and DNS localhost
#     client.pem, client.key      a client certificate (CN synsink-lab)
#     other.pem, other.key        for DNS other.invalid only: a name mismatch
#     expired.pem, expired.key    for 127.0.0.1, expired a day ago
#     rogue-ca.pem                a CA that signed none of them
#     NAME.bundle                 NAME.key then NAME.pem (a PEM keystore)
#   tls_server DIR NAME PORT      openssl s_server presenting NAME.pem

# tls_leaf DIR NAME SAN [START END]: a key and a certificate signed by
# DIR's CA (valid two days from now unless START/END, openssl's
# YYYYMMDDHHMMSSZ, are given).
tls_leaf() {
	local d=$1 name=$2 san=$3 dates=(-days 2)
	[ $# -ge 5 ] && dates=(-startdate "$4" -enddate "$5")
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$d/$name.key" -out "$d/$name.csr" -subj "/CN=$name" \
		-addext "subjectAltName=$san" 2>/dev/null
	openssl ca -batch -notext -config "$d/ca.cnf" -in "$d/$name.csr" -out "$d/$name.pem" \
		"${dates[@]}" 2>/dev/null
	chmod 600 "$d/$name.key"
	cat "$d/$name.key" "$d/$name.pem" >"$d/$name.bundle"
	chmod 600 "$d/$name.bundle"
}

tls_certs() {
	local d=$1
	mkdir -p "$d/issued"
	: >"$d/index.txt"
	echo 1000 >"$d/serial"
	cat >"$d/ca.cnf" <<EOC
[ca]
default_ca = lab
[lab]
database = $d/index.txt
new_certs_dir = $d/issued
certificate = $d/ca.pem
private_key = $d/ca.key
serial = $d/serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[any]
commonName = supplied
EOC
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$d/ca.key" -out "$d/ca.pem" -days 2 -subj "/CN=synsink lab CA" 2>/dev/null
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$d/rogue.key" -out "$d/rogue-ca.pem" -days 2 -subj "/CN=rogue CA" 2>/dev/null
	tls_leaf "$d" server "IP:127.0.0.1,DNS:localhost"
	tls_leaf "$d" client "DNS:synsink-lab"
	tls_leaf "$d" other "DNS:other.invalid"
	tls_leaf "$d" expired "IP:127.0.0.1,DNS:localhost" \
		"$(date -u -d '-3 days' +%Y%m%d%H%M%SZ)" "$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)"
}

# tls_server DIR NAME PORT: openssl s_server in the server namespace on
# 127.0.0.1:PORT, presenting DIR/NAME.pem, in the background (the
# caller's teardown ends it); returns once it listens, asked of ss: a
# probe connection would keep the one-at-a-time s_server busy.
tls_server() {
	lab_srv openssl s_server -quiet -accept "127.0.0.1:$3" -cert "$1/$2.pem" -key "$1/$2.key" \
		</dev/null >/dev/null 2>&1 &
	lab_busywait 5000 tls_listening "$3"
}
tls_listening() { grep -q LISTEN <<<"$(lab_srv ss -ltnH "sport = :$1")"; }
