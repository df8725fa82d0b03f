/* MD5 of an image, for the checksum line st-flash prints before a write, from libcrypto (the
 * library the production log's SHA-256 already uses). */
#include <openssl/evp.h>

#include "compat.h"

int compat_md5(const uint8_t *data, size_t len, uint8_t out[16])
{
    unsigned int n = 0;
    return EVP_Digest(data, len, out, &n, EVP_md5(), NULL) == 1 && n == 16 ? 0 : -1;
}
