#!/usr/bin/env bash
# fp is p0f's raw_sig, and os p0f's label: tcpdump captures, beside
# synsink, the SYNs it sees (real Linux connections over IPv4 and IPv6, the
# odd-SYN set, and the OS-like and scanner-like SYNs of syngen osfp);
# Debian's p0f 3 reads the capture, and every SYN p0f signs must have
# synsink's event with an fp equal to p0f's raw_sig, byte for byte, and
# the same label (os= or app=, ??? as null) matched the same way (exact,
# generic, fuzzy, none), from the same /etc/p0f/p0f.fp.  The only events without a p0f
# line are the packets p0f does not look at (IPv4 and IPv6 fragments,
# IPv6 extension headers), named here.
. "$(dirname "$0")/lib.sh"
N=10
command -v p0f >/dev/null || e2e_fail "p0f is not installed (ci/install-deps installs it)"
command -v tcpdump >/dev/null || e2e_fail "tcpdump is not installed"
e2e_init
lab_rules_add --queue 1
# -Z root: the capture goes into our 0700 scratch directory; every packet
# is written as it comes (--immediate-mode, -U).  Immediate mode sizes the
# ring's frames by the snapshot length: 512 bytes (every SYN p0f reads
# fits) in 8 MiB keep a burst of crafted SYNs from overflowing it.
ip netns exec "$LAB_SRV" tcpdump -i s0 -n --immediate-mode -U -s 512 -B 8192 -Z root \
	-w "$E2E_TMP/syn.pcap" \
	tcp 2>"$E2E_TMP/tcpdump.err" &
TD_PID=$!
lab_busywait 10000 grep -q "listening on s0" "$E2E_TMP/tcpdump.err" ||
	e2e_fail "tcpdump did not start: $(cat "$E2E_TMP/tcpdump.err")"
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --sink stdout:format=json \
	--p0f-db /etc/p0f/p0f.fp
listen_start 8080 $((2 * N))
connect $LAB_V4_SRV 8080 $N -c 2
connect $LAB_V6_SRV 8080 $N -c 2
odd_set "$E2E_TMP/odd"
ip netns exec "$LAB_CLI" "$SYNGEN" osfp -4 $LAB_V4_SRV -6 $LAB_V6_SRV \
	-S $LAB_V4_CLI -T $LAB_V6_CLI -p 9 >"$E2E_TMP/osfp" || e2e_fail "syngen osfp"
want=$((2 * N + $(grep -c ' event$' "$E2E_TMP/odd") + $(wc -l <"$E2E_TMP/osfp")))
wait_lines "$E2E_TMP/out" "$want"
ss_stop
# p0f_signs N: p0f, reading the capture as it is now, signs N SYNs (all
# events but the six it does not look at): tcpdump has written them all.
p0f_signs() {
	rm -f "$E2E_TMP/p0f.log"
	p0f -r "$E2E_TMP/syn.pcap" -o "$E2E_TMP/p0f.log" >"$E2E_TMP/p0f.out" 2>&1 &&
		[ "$(grep -c ' mod=syn|' "$E2E_TMP/p0f.log")" -ge "$1" ]
}
lab_busywait 10000 p0f_signs $((want - 6)) ||
	e2e_fail "p0f signed $(grep -c ' mod=syn|' "$E2E_TMP/p0f.log" 2>/dev/null) SYNs, expected $((want - 6)): $(tail -n 3 "$E2E_TMP/p0f.out")"
kill -INT "$TD_PID"
wait "$TD_PID" || e2e_fail "tcpdump: $(tail -n 2 "$E2E_TMP/tcpdump.err")"
python3 - "$E2E_TMP/out" "$E2E_TMP/p0f.log" "$E2E_TMP/odd" "$E2E_TMP/osfp" >"$E2E_TMP/cmp" <<'PY' ||
import ipaddress, json, re, sys

events = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    events[(ipaddress.ip_address(e["src"]), e["sport"])] = e
names = {}
for path in sys.argv[3:]:
    for line in open(path):
        f = line.split()
        names[int(f[2])] = f[1]
# p0f's own view of each SYN: "mod=syn|cli=ADDR/PORT|...|os=LABEL (or
# app= for a userland tool)|...|params=...|raw_sig=SIG", as (raw_sig,
# label or None, how it matched).
def how(f):
    params = f["params"].split()
    if f.get("os") == "???":
        return "none"
    return "fuzzy" if "fuzzy" in params else "generic" if "generic" in params else "exact"
p0f = {}
for line in open(sys.argv[2]):
    if "] mod=syn|" not in line:
        continue
    f = dict(kv.split("=", 1) for kv in line.strip().split("] ", 1)[1].split("|"))
    addr, port = f["cli"].rsplit("/", 1)
    label = f.get("os", f.get("app"))
    p0f[(ipaddress.ip_address(addr), int(port))] = (
        f["raw_sig"], None if label == "???" else label, how(f))
# The packets p0f does not fingerprint: fragments and IPv6 extension headers.
skipped = {"ipv4_first_fragment", "ipv6_first_fragment", "ipv6_ext_chain",
           "ipv6_chain_9", "ipv6_chain_41", "ipv6_chain_min_mtu"}
diff = []
labelled = 0
for key, (sig, label, matched) in sorted(p0f.items(), key=str):
    e = events.get(key)
    name = names.get(key[1], "connect")
    if e is None:
        diff.append(f"{key}: p0f signed a SYN synsink did not report: {sig}")
        continue
    if e["fp"] != sig:
        diff.append(f"{name} {key}:\n  synsink {e['fp']}\n  p0f     {sig}")
    if (e["os"], e["os_match"]) != (label, matched):
        diff.append(f"{name} {key}: synsink says {e['os']!r} ({e['os_match']}),"
                    f" p0f {label!r} ({matched})")
    labelled += label is not None
unsigned = sorted(names.get(k[1], str(k)) for k in events if k not in p0f)
if set(unsigned) != skipped:
    diff.append(f"events p0f did not sign: {unsigned}, expected {sorted(skipped)}")
for d in diff:
    print(d)
crafted = sum(1 for k in p0f if k[1] in names)
print(f"compared {len(p0f)} SYNs with p0f's raw_sig and os ({len(p0f) - crafted} connections,"
      f" {crafted} crafted; {labelled} labelled), {len(diff)} differences; {len(unsigned)}"
      f" events p0f does not sign (fragments, IPv6 extension headers)")
sys.exit(1 if diff or not p0f else 0)
PY
	e2e_fail "fp is not p0f's raw_sig:
$(cat "$E2E_TMP/cmp")"
e2e_pass "$(tail -n 1 "$E2E_TMP/cmp")"
