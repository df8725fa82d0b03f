/* Flash and image operations of an opened target: which memory an image's bytes go to, and the
 * flash engine with the driver of the part. */
#include <stdlib.h>
#include <string.h>

#include "api/dev.h"
#include "arm/cortexm.h"
#include "flash/family.h"

int dev_flash_setup(struct stflash_dev *dev, struct flash_dev *f)
{
    const struct stflash_target_info *t = &dev->target;
    const struct stflash_chip_info *chip = t->chip;
    if (!chip)
        return ctx_fail(dev->ctx, STFLASH_ERR_UNSUPPORTED,
                        "cannot program flash: the part (DBGMCU_IDCODE 0x%08x) is not known",
                        t->dbgmcu_idcode);
    if (!flash_family_for_chip(chip))
        return ctx_fail(dev->ctx, STFLASH_ERR_UNSUPPORTED,
                        "flash programming of %s (%s flash controller) is not supported yet; "
                        "memory, registers and reset work",
                        chip->name, stflash_flash_ctrl_name(chip->flash_ctrl));
    /* No part of this DEV_ID has more flash than flash_size_max: a larger --flash-size would lay
     * out units the chip does not have (checked before anything is touched). */
    if (dev->opts.flash_size_override && chip->flash_size_max &&
        dev->opts.flash_size_override > chip->flash_size_max)
        return ctx_fail(dev->ctx, STFLASH_ERR_INVALID_ARG,
                        "--flash-size %u KiB is more than any %s has (%u KiB at most): give the "
                        "chip's real flash size",
                        dev->opts.flash_size_override / 1024u, chip->name,
                        chip->flash_size_max / 1024u);
    /* The family refuses a clone quirk it does not handle, before anything is touched. */
    struct flash_dev_params p = {t->flash_size, dev->clone, dev_flash_volts(dev, chip),
                                 dev->opts.allow_wireless_stack};
    return flash_dev_init(f, dev_dbg(dev), chip, &p);
}

double dev_flash_volts(struct stflash_dev *dev, const struct stflash_chip_info *chip)
{
    const struct flash_family *fam = flash_family_for_chip(chip);
    return fam && fam->uses_volts ? dev_volts(dev) : 0.0;
}

int stflash_flash_unit(struct stflash_dev *dev, uint32_t addr, uint32_t *unit_addr,
                       uint32_t *unit_size)
{
    struct flash_dev f;
    int rc = dev_flash_setup(dev, &f);
    if (rc != 0)
        return rc;
    struct flash_unit u;
    if (!flash_map_unit_at(&f.map, addr, &u))
        return ctx_fail(dev->ctx, STFLASH_ERR_RANGE, "0x%08x is not in the flash of %s", addr,
                        f.chip->name);
    *unit_addr = u.addr;
    *unit_size = u.size;
    return STFLASH_OK;
}

int dev_flash(struct stflash_dev *dev, struct flash_dev *f)
{
    int rc = dev_flash_setup(dev, f);
    /* The loader runs on the core: it must be halted first (it is already after the reset
     * that halts it before a write). */
    return rc ? rc : cm_ensure_halted(dev_dbg(dev));
}

int stflash_flash_erase(struct stflash_dev *dev, uint32_t addr, uint32_t len)
{
    struct flash_dev f;
    int rc = dev_flash(dev, &f);
    if (rc != 0)
        return rc;
    uint32_t bad, base = flash_map_base(&f.map);
    if (!flash_map_covers(&f.map, addr, len, &bad))
        return ctx_fail(dev->ctx, STFLASH_ERR_RANGE,
                        "cannot erase 0x%08x..0x%08x: 0x%08x is not flash (the flash is "
                        "0x%08x..0x%08x%s)",
                        addr, addr + len, bad, base, (uint32_t)flash_map_end(&f.map),
                        f.map.banks > 1 && f.map.regions > 1 &&
                                flash_map_bytes(&f.map) < flash_map_end(&f.map) - base
                            ? ", with a hole between its banks"
                            : "");
    return flash_erase_range(&f, addr, len);
}

int stflash_flash_mass_erase(struct stflash_dev *dev)
{
    struct flash_dev f;
    int rc = dev_flash(dev, &f);
    return rc ? rc : flash_mass_erase(&f);
}

static bool in_flash(const struct stflash_target_info *t, const struct stflash_segment *s)
{
    return t->flash_size && s->addr >= t->flash_base && s->addr - t->flash_base < t->flash_size;
}

/* The data EEPROM of the part (L0/L1: flash/family.h eeprom_range); false when it has none. */
static bool eeprom_of(const struct stflash_dev *dev, uint32_t *base, uint32_t *size)
{
    const struct stflash_chip_info *chip = dev->target.chip;
    const struct flash_family *fam = chip ? flash_family_find(chip->flash_ctrl) : NULL;
    *base = *size = 0;
    if (fam && fam->eeprom_range && fam->eeprom_write)
        fam->eeprom_range(chip, base, size);
    return *size != 0;
}

static bool in_eeprom(const struct stflash_dev *dev, const struct stflash_segment *s)
{
    uint32_t base, size;
    return eeprom_of(dev, &base, &size) && s->addr >= base && s->addr - base < size;
}

/* Writes the image's data EEPROM segments through the family (after the flash). */
static int write_eeprom(struct stflash_dev *dev, const struct stflash_image *img)
{
    struct flash_dev f;
    bool setup = false;
    int rc = STFLASH_OK;
    for (size_t i = 0; rc == 0 && i < img->segment_count; i++) {
        const struct stflash_segment *s = &img->segments[i];
        if (!in_eeprom(dev, s))
            continue;
        if (dev->target.rdp_level > 0)
            return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED,
                            "cannot write the data EEPROM: " RDP_HINT);
        if (!setup) {
            rc = dev_flash(dev, &f);
            setup = rc == 0;
        }
        if (rc == 0)
            rc = f.fam->eeprom_write(&f, s->addr, s->data, s->len);
    }
    return rc;
}

/* Refuses data outside flash and SRAM before anything is touched. */
static int check_image(struct stflash_dev *dev, const struct stflash_image *img)
{
    const struct stflash_target_info *t = &dev->target;
    struct stflash_image_region regions[3];
    size_t n = 0;
    if (t->flash_size)
        regions[n++] = (struct stflash_image_region){t->flash_base, t->flash_size, "flash"};
    if (t->sram_size)
        regions[n++] = (struct stflash_image_region){t->sram_base, t->sram_size, "SRAM"};
    uint32_t ee_base, ee_size;
    if (eeprom_of(dev, &ee_base, &ee_size))
        regions[n++] = (struct stflash_image_region){ee_base, ee_size, "data EEPROM"};
    struct stflash_image_error err;
    int rc = stflash_image_check_regions(img, regions, n, &err);
    if (rc != 0)
        return ctx_fail(dev->ctx, rc, "%s", err.msg);
    return STFLASH_OK;
}

/* The image's flash segments as an image of their own (the segments stay the caller's). */
static int flash_part(struct stflash_dev *dev, const struct stflash_image *img,
                      struct stflash_image *part)
{
    memset(part, 0, sizeof *part);
    part->segments = calloc(img->segment_count ? img->segment_count : 1, sizeof *part->segments);
    if (!part->segments)
        return STFLASH_ERR_NO_MEMORY;
    for (size_t i = 0; i < img->segment_count; i++)
        if (in_flash(&dev->target, &img->segments[i])) {
            part->segments[part->segment_count++] = img->segments[i];
            part->total_bytes += img->segments[i].len;
        }
    part->format = img->format;
    return STFLASH_OK;
}

int stflash_write_image(struct stflash_dev *dev, const struct stflash_image *img,
                        const struct stflash_write_options *opts)
{
    static const struct stflash_write_options defaults;
    if (!opts)
        opts = &defaults;
    if (opts->report)
        *opts->report = (struct stflash_write_report){0};
    int rc = check_image(dev, img);
    if (rc != 0)
        return rc;
    struct stflash_image part;
    rc = flash_part(dev, img, &part);
    if (rc != 0)
        return rc;
    if (part.segment_count && dev->target.rdp_level > 0) {
        free(part.segments);
        return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED, "cannot write the flash: " RDP_HINT);
    }
    if (part.segment_count || opts->mass_erase) {
        struct flash_dev f;
        rc = dev_flash(dev, &f);
        if (rc == 0 && opts->mass_erase)
            rc = flash_mass_erase(&f);
        if (rc == 0 && part.segment_count) {
            struct stflash_write_options o = *opts;
            o.mass_erase = false;                /* done above */
            o.full = o.full || opts->mass_erase; /* all erased: nothing to compare */
            rc = flash_write(&f, &part, &o);
        }
    }
    free(part.segments);
    if (rc == 0)
        rc = write_eeprom(dev, img);
    for (size_t i = 0; rc == 0 && i < img->segment_count; i++) {
        const struct stflash_segment *s = &img->segments[i];
        if (!in_flash(&dev->target, s) && !in_eeprom(dev, s))
            rc = stlink_write_mem(&dev->sl, s->addr, s->data, s->len);
    }
    return rc;
}

int stflash_verify_image(struct stflash_dev *dev, const struct stflash_image *img)
{
    int rc = check_image(dev, img);
    if (rc != 0)
        return rc;
    struct stflash_image part;
    rc = flash_part(dev, img, &part);
    if (rc != 0)
        return rc;
    if (part.segment_count && dev->target.rdp_level > 0)
        rc = ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED, "cannot verify the flash: " RDP_HINT);
    else if (part.segment_count) {
        struct flash_dev f;
        rc = dev_flash(dev, &f);
        if (rc == 0)
            rc = flash_verify(&f, &part);
    }
    free(part.segments);
    for (size_t i = 0; rc == 0 && i < img->segment_count; i++) {
        const struct stflash_segment *s = &img->segments[i];
        if (in_flash(&dev->target, s))
            continue;
        uint8_t *buf = malloc(s->len ? s->len : 1);
        if (!buf)
            return STFLASH_ERR_NO_MEMORY;
        rc = stlink_read_mem(&dev->sl, s->addr, buf, s->len);
        for (size_t k = 0; rc == 0 && k < s->len; k++)
            if (buf[k] != s->data[k])
                rc = ctx_fail(dev->ctx, STFLASH_ERR_VERIFY,
                              "verification failed at 0x%08x: read 0x%02x, expected 0x%02x",
                              s->addr + (uint32_t)k, buf[k], s->data[k]);
        free(buf);
    }
    return rc;
}
