#!/bin/sh
# generate.sh makes the key, certificate and keystore fixtures of
# internal/keystore and of the extract-key and inspect scripts, with the
# tools admins use: keytool (Java 17) and OpenSSL 3. Run it from anywhere;
# it rewrites every fixture in this directory. Keys are new on every run, so
# fingerprints.txt, written by OpenSSL from the same files, is the oracle the
# tests compare against.
#
# rfc9579-*.p12.b64 are not made here: they are the PBMAC1 test vectors of
# RFC 9579 appendix A (password 1234), base64 as the RFC prints them.
#
# Passwords: stores and keys "kolleno-pass" unless a file says otherwise;
# encrypted PEM keys "key-pass"; keypass.jks has key password "other-pass";
# nonascii-latin1.jks "pässwörd-Ä1" and nonascii-wide.jks "zażółć-€uro",
# both written by keytool JKS the way Java writes them (UTF-16 characters).
set -eu
cd "$(dirname "$0")"
export LC_ALL=C.UTF-8

PW=kolleno-pass
KP=key-pass
DAYS=3650
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

kt() { keytool -J-Dfile.encoding=UTF-8 "$@" 2>&1 | grep -v -e 'proprietary format' -e '^Warning:' -e '^$' -e '^Generating' -e '	for:' || true; }

genkey() { # genkey STORE TYPE ALIAS [extra keytool args...]
	store=$1 type=$2 alias=$3
	shift 3
	kt -genkeypair -keystore "$store" -storetype "$type" -storepass "$PW" -keypass "$PW" \
		-alias "$alias" -keyalg RSA -keysize 2048 -validity $DAYS \
		-dname "CN=$alias, OU=00D5e000000Kolleno, O=Salesforce.com, L=San Francisco, ST=CA, C=US" "$@"
}

rm -f ./*.jks ./*.p12 ./*.jceks ./*.pem ./*.der ./*.txt ./*.crt ./*.key

# --- JKS, as Salesforce's "Export to Keystore" writes it ---------------------
genkey sf-export.jks JKS kolleno_jwt
genkey multi.jks JKS kolleno_jwt
genkey multi.jks JKS billing_cert
kt -exportcert -keystore sf-export.jks -storepass "$PW" -alias kolleno_jwt -rfc -file "$tmp/ca.crt"
kt -importcert -noprompt -keystore multi.jks -storepass "$PW" -alias partner_ca -file "$tmp/ca.crt"
kt -importcert -noprompt -keystore trusted-only.jks -storetype JKS -storepass "$PW" -alias partner_ca -file "$tmp/ca.crt"
genkey keypass.jks JKS kolleno_jwt
kt -keypasswd -keystore keypass.jks -storepass "$PW" -alias kolleno_jwt -keypass "$PW" -new other-pass
genkey mixedcase.jks CaseExactJKS Kolleno_JWT_Mixed
kt -genkeypair -keystore ec.jks -storetype JKS -storepass "$PW" -keypass "$PW" -alias ec_key \
	-keyalg EC -groupname secp256r1 -validity $DAYS -dname "CN=ec_key"
kt -genkeypair -keystore rsa1024.jks -storetype JKS -storepass "$PW" -keypass "$PW" -alias small_key \
	-keyalg RSA -keysize 1024 -validity $DAYS -dname "CN=small_key"
printf 'pässwörd-Ä1' >"$tmp/latin1"
printf 'zażółć-€uro' >"$tmp/wide"
for n in latin1 wide; do
	kt -genkeypair -keystore nonascii-$n.jks -storetype JKS -storepass:file "$tmp/$n" \
		-keypass:file "$tmp/$n" -alias kolleno_jwt -keyalg RSA -keysize 2048 -validity $DAYS -dname "CN=kolleno_jwt"
done

# A certificate that expired long ago.
kt -genkeypair -keystore expired.jks -storetype JKS -storepass "$PW" -keypass "$PW" -alias old_cert \
	-keyalg RSA -keysize 2048 -startdate 2020/01/01 -validity 30 -dname "CN=old_cert"

# A truncated copy and one with a flipped byte in the certificate.
head -c 1200 sf-export.jks >truncated.jks
cp sf-export.jks corrupt.jks
printf '\125' | dd of=corrupt.jks bs=1 seek=1500 conv=notrunc status=none
: >empty.jks

# --- PKCS#12 and JCEKS ---------------------------------------------------------
# keytool's default store type since Java 9 is PKCS#12, whatever the file name.
kt -genkeypair -keystore keytool-default.jks -storepass "$PW" -keypass "$PW" -alias kolleno_jwt \
	-keyalg RSA -keysize 2048 -validity $DAYS -dname "CN=kolleno_jwt"
kt -importkeystore -srckeystore multi.jks -srcstorepass "$PW" -destkeystore multi.p12 \
	-deststoretype PKCS12 -deststorepass "$PW"
# The same with Java 8's algorithms (3DES keys, RC2-40 certificates, SHA-1 MAC).
kt -J-Dkeystore.pkcs12.legacy -importkeystore -srckeystore multi.jks -srcstorepass "$PW" \
	-destkeystore multi-legacy.p12 -deststoretype PKCS12 -deststorepass "$PW"
genkey store.jceks JCEKS kolleno_jwt

# --- PEM and DER keys, all the same RSA key --------------------------------------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key-pkcs8.pem 2>/dev/null
openssl req -new -x509 -key key-pkcs8.pem -days $DAYS -subj "/CN=kolleno-fixture" -out cert.pem
openssl x509 -in cert.pem -outform DER -out cert.der
openssl pkey -in key-pkcs8.pem -traditional -out key-pkcs1.pem
openssl pkey -in key-pkcs8.pem -aes256 -passout pass:$KP -out key-pkcs8-aes256.pem
openssl pkey -in key-pkcs8.pem -des3 -passout pass:$KP -out key-pkcs8-des3.pem
openssl rsa -in key-pkcs8.pem -des3 -traditional -passout pass:$KP -out key-legacy-des3.pem 2>/dev/null
openssl pkcs8 -topk8 -in key-pkcs8.pem -v1 PBE-SHA1-3DES -passout pass:$KP -out key-pbes1.pem
openssl pkcs8 -topk8 -nocrypt -in key-pkcs8.pem -outform DER -out key-pkcs8.der
openssl pkey -in key-pkcs8.pem -outform DER -out key-pkcs1.der
openssl pkcs8 -topk8 -in key-pkcs8.pem -v2 aes-128-cbc -passout pass:$KP -outform DER -out key-pkcs8-aes128.der
openssl pkcs12 -export -inkey key-pkcs8.pem -in cert.pem -name kolleno_jwt -passout pass:$PW -out openssl.p12
openssl pkcs12 -export -legacy -inkey key-pkcs8.pem -in cert.pem -name kolleno_jwt -passout pass:$PW \
	-out openssl-legacy.p12
openssl pkcs12 -in openssl.p12 -nocerts -nodes -passin pass:$PW -out key-bag-attributes.pem
sed 's/$/\r/' key-pkcs8.pem >key-crlf.pem
printf '\357\273\277' | cat - key-pkcs8.pem >key-bom.pem
cat cert.pem key-pkcs8.pem >key-and-cert.pem
printf '"%s"\n' "$(awk '{printf "%s\\n", $0}' key-pkcs8.pem)" >key-escaped.txt
tr '\n' ' ' <key-pkcs8.pem >key-joined.txt
base64 -w0 key-pkcs8.pem >key-base64.txt

# --- other keys ------------------------------------------------------------------
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem
openssl ecparam -name prime256v1 -genkey -out ec-sec1.pem
openssl genpkey -algorithm ed25519 -out ed25519.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024.pem 2>/dev/null
openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:1024 -out "$tmp/dsa.param" 2>/dev/null
openssl genpkey -paramfile "$tmp/dsa.param" -out dsa.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/other.key" 2>/dev/null
openssl req -new -x509 -key "$tmp/other.key" -days $DAYS -subj "/CN=other" -out other-cert.pem

# --- PKCS#12 variants ------------------------------------------------------------
# OpenSSL's other options: no MAC, PBES2 with 3DES, a SHA-384 MAC, no
# friendlyName (no alias), and RC4-encrypted certificates, which kollenoctl
# does not read.
p12() { openssl pkcs12 -export -inkey key-pkcs8.pem -in cert.pem -passout pass:$PW "$@"; }
p12 -name kolleno_jwt -nomac -out p12-nomac.p12
p12 -name kolleno_jwt -keypbe DES-EDE3-CBC -certpbe DES-EDE3-CBC -out p12-des3.p12
p12 -name kolleno_jwt -macalg sha384 -out p12-sha384.p12
p12 -out p12-noname.p12
p12 -legacy -certpbe PBE-SHA1-RC4-128 -out p12-rc4.p12
# A secret key entry beside the key pair.
genkey secret-key.p12 PKCS12 kolleno_jwt
kt -genseckey -keystore secret-key.p12 -storetype PKCS12 -storepass "$PW" -keypass "$PW" \
	-alias aes_key -keyalg AES -keysize 128
# Damaged copies of keytool-default.jks: cut short; copied as text (LF
# turned into CRLF); a byte changed where its certificate is encrypted.
head -c 1200 keytool-default.jks >truncated.p12
perl -pe 's/\n/\r\n/g' keytool-default.jks >crlf.p12
if cmp -s keytool-default.jks crlf.p12; then
	echo "generate.sh: keytool-default.jks holds no LF byte to turn into CRLF; run it again" >&2
	exit 1
fi
cp keytool-default.jks damaged.p12
printf '\125' | dd of=damaged.p12 bs=1 seek=1500 conv=notrunc status=none

# --- text from files that would act on a terminal ---------------------------------
# A subject with colour and window-title escape codes, an alias that clears
# the screen.
openssl req -new -x509 -key key-pkcs8.pem -days $DAYS -utf8 \
	-subj "/CN=$(printf 'evil\033[31mred\033]0;pwned\007')/O=Acme" -out escapes-cert.pem
openssl pkcs12 -export -inkey key-pkcs8.pem -in escapes-cert.pem -name "$(printf 'evil\033[2Jalias')" \
	-passout pass:$PW -out escapes.p12

# --- Windows encodings ---------------------------------------------------------------
# The key saved as UTF-16 with a byte-order mark (PowerShell 5's Out-File and
# >), little- and big-endian; password files with a UTF-8 BOM (Notepad) and
# in UTF-16LE with a BOM and CRLF (PowerShell 5's echo pw > pw.txt).
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE key-pkcs8.pem; } >key-utf16le.pem
{ printf '\376\377'; iconv -f UTF-8 -t UTF-16BE key-pkcs8.pem; } >key-utf16be.pem
printf '\357\273\277%s\r\n' "$PW" >pw-utf8-bom.txt
{ printf '\377\376'; printf '%s\r\n' "$PW" | iconv -f UTF-8 -t UTF-16LE; } >pw-utf16.txt

# --- the oracle: SHA-256 of each key's public key, as OpenSSL computes it -------
spki() { openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -c1-64 | tr a-f A-F | sed 's/../&:/g; s/:$//'; }
certspki() { openssl x509 -noout -pubkey | spki; }
{
	for f in key-pkcs8.pem ec.pem rsa1024.pem ed25519.pem; do
		echo "$f $(openssl pkey -in "$f" -pubout | spki)"
	done
	echo "cert.pem $(certspki <cert.pem)"
	echo "cert.pem-sha256 $(openssl x509 -in cert.pem -noout -fingerprint -sha256 | cut -d= -f2)"
	echo "cert.pem-sha1 $(openssl x509 -in cert.pem -noout -fingerprint -sha1 | cut -d= -f2)"
	for spec in sf-export.jks:kolleno_jwt multi.jks:kolleno_jwt multi.jks:billing_cert keypass.jks:kolleno_jwt \
		mixedcase.jks:Kolleno_JWT_Mixed ec.jks:ec_key expired.jks:old_cert rsa1024.jks:small_key keytool-default.jks:kolleno_jwt \
		store.jceks:kolleno_jwt secret-key.p12:kolleno_jwt; do
		f=${spec%%:*} a=${spec#*:} type=
		[ "$f" = mixedcase.jks ] && type="-storetype CaseExactJKS"
		# shellcheck disable=SC2086 # $type is empty or two words
		echo "$f:$a $(keytool -exportcert -rfc -keystore "$f" $type -storepass "$PW" -alias "$a" 2>/dev/null | certspki)"
	done
	for n in latin1 wide; do
		echo "nonascii-$n.jks:kolleno_jwt $(keytool -J-Dfile.encoding=UTF-8 -exportcert -rfc -keystore nonascii-$n.jks \
			-storepass:file "$tmp/$n" -alias kolleno_jwt 2>/dev/null | certspki)"
	done
} >fingerprints.txt

# The SHA-256 of nothing means a pipeline above read nothing: fail loudly.
if grep -q 'E3:B0:C4:42:98:FC' fingerprints.txt; then
	echo "generate.sh: a fingerprint was computed from empty input" >&2
	exit 1
fi
