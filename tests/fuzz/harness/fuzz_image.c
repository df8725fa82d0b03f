/*
 * libFuzzer harness of the image readers: the input is parsed as the format FUZZ_FORMAT names
 * (compiled once per format; AUTO also runs the detection). Every image that parses must keep
 * the promises of stflash/image.h: sorted, non-empty, non-touching segments inside the 32-bit
 * address space, whose lengths add up to total_bytes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "stflash/error.h"
#include "stflash/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (FUZZ_FORMAT == STFLASH_IMAGE_AUTO)
        (void)stflash_image_detect_format(data, size);
    struct stflash_image *img = NULL;
    struct stflash_image_error err;
    int rc = stflash_image_parse_buffer(data, size, FUZZ_FORMAT, 0x08000000u, &img, &err);
    if (rc != STFLASH_OK) {
        if (img != NULL || err.msg[0] == '\0')
            abort(); /* a failure sets no image and always explains itself */
        return 0;
    }
    size_t total = 0;
    for (size_t i = 0; i < img->segment_count; i++) {
        const struct stflash_segment *s = &img->segments[i];
        if (s->len == 0 || (uint64_t)s->addr + s->len > UINT64_C(0x100000000))
            abort();
        if (i > 0) {
            const struct stflash_segment *p = &img->segments[i - 1];
            if ((uint64_t)p->addr + p->len >= s->addr)
                abort(); /* overlapping or touching */
        }
        volatile uint8_t sink = s->data[s->len - 1]; /* the data is really there */
        (void)sink;
        total += s->len;
    }
    if (total != img->total_bytes || img->format == STFLASH_IMAGE_AUTO)
        abort();
    stflash_image_free(img);
    return 0;
}
