/* The public semihosting call (include/stflash/semihost.h) over the device's debug access. */
#include "arm/semihost.h"
#include "api/dev.h"

int stflash_semihost_serve(struct stflash_dev *dev, struct stflash_semihost *sh,
                           struct stflash_semihost_result *res)
{
    if (!dev || !sh || !res)
        return STFLASH_ERR_INVALID_ARG;
    return semihost_serve(dev_dbg(dev), sh, res);
}
