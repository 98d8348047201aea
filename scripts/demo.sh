#!/usr/bin/env bash
# make demo: kollenoctl's whole job, end to end, on files made in a temporary
# directory and against sfsim, the local stand-in for Salesforce.
#
#   1. keygen makes a private key and a certificate (Method B);
#   2. inspect shows what they are;
#   3. extract-key takes the key out of a Salesforce keystore export (Method A);
#   4. sfsim plays an org with the certificate uploaded to the External Client
#      App and the integration user's profile assigned; verify passes;
#   5. sfsim plays the same org with Read on Account taken from the profile;
#      verify names the setting to fix and exits 4.
#
# Usage: scripts/demo.sh BIN_DIR (the directory holding kollenoctl and sfsim).
# Everything it makes is removed at the end, also after Ctrl-C.
set -euo pipefail

bin=$(cd "${1:-bin}" && pwd)
PATH=$bin:$PATH
repo=$(cd "$(dirname "$0")/.." && pwd)
keystore=$repo/internal/keystore/testdata/sf-export.jks
keystore_password=kolleno-pass # the fixture's password, from its generate.sh

consumer_key=3MVG9demo.consumer.key.for.kolleno
username=integration@acme-demo.example

work=$(mktemp -d "${TMPDIR:-/tmp}/kollenoctl-demo.XXXXXX")
sim_pid=

stop_sim() {
	if [ -n "$sim_pid" ]; then
		kill "$sim_pid" 2>/dev/null || true
		wait "$sim_pid" 2>/dev/null || true
		sim_pid=
	fi
}

cleanup() {
	stop_sim
	rm -rf "$work"
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted, cleaning up" >&2; exit 130' INT TERM

bold= reset=
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	bold=$'\033[1m' reset=$'\033[0m'
fi

heading() {
	printf '\n%s== %s%s\n' "$bold" "$*" "$reset"
}

# run shows a command, then runs it with its stderr (status lines, hints)
# merged into stdout, so that the two read in order.
run() {
	printf '$ %s\n' "$*"
	"$@" 2>&1
}

# start_sim [SWITCH...] starts sfsim with the demo's certificate uploaded and
# waits until it is listening; $sim_url is then its base URL.
start_sim() {
	rm -f sfsim.ready
	sfsim --cert kolleno.crt --consumer-key "$consumer_key" --username "$username" \
		--ready-file sfsim.ready --log sfsim.log "$@" >/dev/null 2>sfsim.err &
	sim_pid=$!
	for _ in $(seq 200); do
		if [ -s sfsim.ready ]; then
			sim_url=$(cat sfsim.ready)
			echo "sfsim is playing the org at $sim_url${1:+ (with $*)}"
			return
		fi
		if ! kill -0 "$sim_pid" 2>/dev/null; then
			cat sfsim.err >&2
			echo "demo: sfsim did not start" >&2
			exit 1
		fi
		sleep 0.05
	done
	echo "demo: sfsim did not start within 10 seconds" >&2
	exit 1
}

verify() {
	run kollenoctl verify --consumer-key "$consumer_key" --username "$username" \
		--key kolleno.key --cert kolleno.crt --login-url "$sim_url"
}

# stop_sim_and_count stops sfsim, then says how many requests verify made.
stop_sim_and_count() {
	stop_sim
	echo "(verify made $(wc -l <sfsim.log | tr -d ' ') HTTP requests, by sfsim's log)"
	rm -f sfsim.log
}

cd "$work"

heading "1. A private key and a certificate for the External Client App (Method B)"
run kollenoctl keygen

heading "2. What they are"
run kollenoctl inspect kolleno.key kolleno.crt

heading "3. Or: the key out of Salesforce's keystore export (Method A)"
cp "$keystore" export.jks
printf '%s\n' "$keystore_password" >keystore-password.txt
run kollenoctl extract-key export.jks --password-file keystore-password.txt \
	--out exported.key --cert-out exported.crt

heading "4. verify against an org set up as the guide says"
start_sim
verify
stop_sim_and_count

heading "5. verify against an org whose profile lacks Read on Account"
start_sim --no-account-read
status=0
verify || status=$?
stop_sim_and_count
if [ "$status" -ne 4 ]; then
	echo "demo: verify exited with $status; 4 (a permission check failed) was expected" >&2
	exit 1
fi
echo "verify exited with 4: logged in, but a permission check failed."

heading "Done"
echo "Everything the demo made is being removed."
