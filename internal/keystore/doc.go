// Package keystore reads key material in the forms admins really have it:
// private keys as PEM or DER (PKCS#1, PKCS#8, SEC1, encrypted PKCS#8, legacy
// encrypted PEM), certificates, and JKS and PKCS#12 keystores such as the one
// Salesforce's "Export to Keystore" writes.
//
// Input is recognised by its content, never by its file name. Every error
// says what is wrong with the input and carries a Hint() naming the fix; no
// error, whatever the input, contains key bytes or a password.
package keystore
