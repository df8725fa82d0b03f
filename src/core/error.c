#include "stflash/error.h"

struct error_text {
    int code;
    const char *name;
    const char *text;
};

static const struct error_text error_texts[] = {
    {STFLASH_OK, "STFLASH_OK", "success"},
    {STFLASH_ERR_INVALID_ARG, "STFLASH_ERR_INVALID_ARG", "invalid argument"},
    {STFLASH_ERR_NO_MEMORY, "STFLASH_ERR_NO_MEMORY", "out of memory"},
    {STFLASH_ERR_IO, "STFLASH_ERR_IO", "input/output error"},
    {STFLASH_ERR_FORMAT, "STFLASH_ERR_FORMAT", "malformed data"},
    {STFLASH_ERR_UNSUPPORTED, "STFLASH_ERR_UNSUPPORTED", "not supported"},
    {STFLASH_ERR_NOT_FOUND, "STFLASH_ERR_NOT_FOUND", "not found"},
    {STFLASH_ERR_TIMEOUT, "STFLASH_ERR_TIMEOUT", "timed out"},
    {STFLASH_ERR_PROBE, "STFLASH_ERR_PROBE", "probe error"},
    {STFLASH_ERR_TARGET, "STFLASH_ERR_TARGET", "target not responding or faulted"},
    {STFLASH_ERR_PROTECTED, "STFLASH_ERR_PROTECTED", "protection active"},
    {STFLASH_ERR_VERIFY, "STFLASH_ERR_VERIFY", "verification failed"},
    {STFLASH_ERR_BUSY, "STFLASH_ERR_BUSY", "probe busy"},
    {STFLASH_ERR_ACCESS, "STFLASH_ERR_ACCESS", "permission denied"},
    {STFLASH_ERR_OVERLAP, "STFLASH_ERR_OVERLAP", "overlapping data"},
    {STFLASH_ERR_RANGE, "STFLASH_ERR_RANGE", "address out of range"},
    {STFLASH_ERR_CANCELLED, "STFLASH_ERR_CANCELLED", "interrupted"},
    {STFLASH_ERR_CHIP_MISMATCH, "STFLASH_ERR_CHIP_MISMATCH",
     "chip override does not fit the target"},
};

static const struct error_text *find(int err)
{
    for (unsigned i = 0; i < sizeof error_texts / sizeof error_texts[0]; i++)
        if (error_texts[i].code == err)
            return &error_texts[i];
    return 0;
}

const char *stflash_strerror(int err)
{
    const struct error_text *e = find(err);
    return e ? e->text : "unknown error";
}

const char *stflash_error_name(int err)
{
    const struct error_text *e = find(err);
    return e ? e->name : "STFLASH_ERR_UNKNOWN";
}
