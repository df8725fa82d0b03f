/* MD5 of an image, for the checksum line st-flash prints before a write, from libmd (the
 * library the production log's SHA-256 already uses). */
#include <md5.h>

#include "compat.h"

void compat_md5(const uint8_t *data, size_t len, uint8_t out[16])
{
    MD5_CTX ctx;
    MD5Init(&ctx);
    MD5Update(&ctx, data, len);
    MD5Final(out, &ctx);
}
