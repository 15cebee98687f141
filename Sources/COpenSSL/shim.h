// OpenSSL from Debian's libssl-dev: TLS for the wire server, and PBKDF2, HMAC and SHA-256
// for SCRAM-SHA-256 authentication.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
