/*
 * Target identification: SW-DP IDCODE, CPUID, DBGMCU_IDCODE (at the address the core type
 * implies), the chip table row, F1 clones (ROM-table designer and PARTNO, DP IDCODE, REV_ID) and
 * the flash size register with its fallbacks (docs/chips.md, RM0008 §30.2; the GD32's
 * SRAM size beside it); the flash facts (unit size, driver, protection) come from the
 * family descriptor of the chip row's controller style (flash/family.h).
 */
#include <string.h>

#include "api/dev.h"
#include "arm/cortexm.h"
#include "core/le.h"
#include "flash/family.h"

#define ROM_TABLE 0xE00FF000u

static int read32(struct stflash_dev *dev, uint32_t addr, uint32_t *v)
{
    return dbg_read32(dev_dbg(dev), addr, v);
}

/* JEP106 designer and PARTNO of the ROM table (ADIv5 §10.2.2 PIDR layout). The designer in the
 * chip table's form: continuation count * 0x100 + identity code, STFLASH_JEP106_LEGACY when the
 * JEDEC bit is clear; PARTNO = PIDR0 | PIDR1[3:0] << 8. Both 0 when the table cannot be read. */
static void rom_ids(struct stflash_dev *dev, uint32_t *designer, uint32_t *partno)
{
    /* PIDR4-PIDR7 and PIDR0-PIDR3 are the consecutive words 0xFD0-0xFEC (PIDR5-7 read as
     * zero): one memory read instead of a read per register. */
    uint8_t pidr[32];
    *designer = *partno = 0;
    if (dbg_read(dev_dbg(dev), ROM_TABLE + 0xFD0, pidr, sizeof pidr))
        return;
    uint32_t pidr4 = le32_get(pidr), pidr0 = le32_get(pidr + 0x10), pidr1 = le32_get(pidr + 0x14),
             pidr2 = le32_get(pidr + 0x18);
    uint32_t code = ((pidr1 >> 4) & 0xFu) | ((pidr2 & 7u) << 4);
    uint32_t jep = ((pidr4 & 0xFu) << 8) | code;
    *designer = (pidr2 & 8u) ? jep : (jep | STFLASH_JEP106_LEGACY);
    *partno = (pidr0 & 0xFFu) | ((pidr1 & 0xFu) << 8);
}

static int read_dbgmcu_idcode(struct stflash_dev *dev, uint32_t cpuid, uint32_t *idcode)
{
    const uint32_t *addrs;
    size_t n = stflash_dbgmcu_idcode_addrs(cpuid, &addrs);
    for (size_t i = 0; i < n; i++) {
        uint32_t v;
        if (read32(dev, addrs[i], &v) == 0 && (v & 0xFFFu) != 0 && (v & 0xFFFu) != 0xFFFu) {
            *idcode = v;
            return STFLASH_OK;
        }
    }
    return ctx_fail(dev->ctx, STFLASH_ERR_NOT_FOUND,
                    "no DBGMCU_IDCODE found for CPUID 0x%08x: not an STM32, or its debug "
                    "unit is not clocked",
                    cpuid);
}

static void flash_size(struct stflash_dev *dev, const struct stflash_chip_info *chip)
{
    struct stflash_target_info *t = &dev->target;
    uint32_t raw = 0;
    bool readable = false;
    uint32_t word;
    if (read32(dev, chip->flash_size_reg & ~3u, &word) == 0) {
        readable = true;
        raw = (chip->flash_size_reg & 2u) ? word >> 16 : word & 0xFFFFu;
        if (chip->flags & STFLASH_CHIP_FSZ_LOW_BYTE)
            raw &= 0xFFu;
    }
    t->flash_size_reg_raw = raw;
    t->flash_size_unreadable = !readable;
    uint32_t bytes = raw * 1024u;
    if (chip->flags & STFLASH_CHIP_FSZ_L1_CODED)
        bytes = raw == 0 ? 384u * 1024u : 256u * 1024u;
    bool plausible = readable && raw != 0 && raw != 0xFFFFu && bytes <= chip->flash_size_max;
    if (dev->opts.flash_size_override) {
        t->flash_size = dev->opts.flash_size_override;
    } else if (plausible) {
        t->flash_size = bytes;
    } else {
        t->flash_size = dev->clone && dev->clone->flash_size_fallback
                            ? dev->clone->flash_size_fallback
                            : chip->flash_size_max;
        t->flash_size_assumed = true;
        char why[96];
        if (!readable)
            snprintf(why, sizeof why, "cannot be read");
        else
            snprintf(why, sizeof why, "reads 0x%04x%s", raw,
                     dev->clone ? " (usual on this clone)" : " (implausible)");
        ctx_log(dev->ctx, STFLASH_LOG_WARN,
                "flash-size register at 0x%08x %s; assuming %u KiB for %s%s "
                "(override with --flash-size)",
                chip->flash_size_reg, why, t->flash_size / 1024u,
                dev->clone ? dev->clone->name : chip->name, dev->clone ? "" : ", its largest size");
    }
}

/* GigaDevice parts keep their SRAM size beside the flash size: the word at the flash-size
 * register holds the flash KiB in [15:0] and the SRAM KiB in [31:16] (docs/chips.md,
 * clones). An implausible value leaves the chip row's size, with a warning. */
#define CLONE_SRAM_MAX_KIB 512u /* the F1 SRAM region with its bit-band alias */

static void clone_sram_size(struct stflash_dev *dev, const struct stflash_chip_info *chip)
{
    struct stflash_target_info *t = &dev->target;
    uint32_t word;
    if (!dev->clone || !(dev->clone->quirks & STFLASH_CLONE_FLASH_SIZE_REG_HAS_SRAM) ||
        (chip->flash_size_reg & 3u) || read32(dev, chip->flash_size_reg, &word))
        return;
    uint32_t kib = word >> 16;
    if (kib == 0 || kib > CLONE_SRAM_MAX_KIB) {
        ctx_log(dev->ctx, STFLASH_LOG_WARN,
                "SRAM size in the flash-size word at 0x%08x reads 0x%04x, not a plausible size "
                "for %s; assuming %u KiB",
                chip->flash_size_reg, kib, dev->clone->name, t->sram_size / 1024u);
        return;
    }
    t->sram_size = kib * 1024u;
}

/* The erase unit at the flash base, whether a driver can program this part (its family exists
 * and handles the clone's quirks), and the protection in force as the family decodes it. */
static void flash_facts(struct stflash_dev *dev, const struct stflash_chip_info *chip)
{
    struct stflash_target_info *t = &dev->target;
    uint32_t quirks = dev->clone ? dev->clone->quirks : 0;
    t->rdp_level = -1;
    struct flash_map map;
    struct flash_map_params mp = {
        .flash_size = t->flash_size,
        .page_size = dev->clone ? dev->clone->page_size : 0,
        .quirks = quirks,
    };
    struct flash_unit u;
    if (flash_map_from_chip(&map, chip, &mp, NULL, 0) == STFLASH_OK &&
        flash_map_unit_at(&map, chip->flash_base, &u))
        t->page_size = u.size;
    const struct flash_family *fam = flash_family_for_chip(chip);
    t->flash_supported = fam && !flash_family_unhandled_quirks(fam, quirks);
    if (!t->flash_supported || !fam->protection)
        return;
    char saved[sizeof dev->ctx->last_error];
    memcpy(saved, dev->ctx->last_error, sizeof saved);
    struct flash_dev f;
    struct flash_dev_params fp = {t->flash_size, dev->clone, dev_flash_volts(dev, chip),
                                  dev->opts.allow_wireless_stack};
    struct flash_protection prot;
    if (flash_dev_init(&f, dev_dbg(dev), chip, &fp) != STFLASH_OK) {
        memcpy(dev->ctx->last_error, saved, sizeof saved);
        return;
    }
    /* The layout the driver read from the chip (a bank mode can change the page size). */
    if (flash_map_unit_at(&f.map, chip->flash_base, &u))
        t->page_size = u.size;
    t->secure_flash_start = f.secure_start;
    if (fam->protection(&f, &prot) == STFLASH_OK) {
        t->rdp_level = prot.rdp_level;
        t->wrp_mask = prot.wrp_mask;
        t->wrp_group_size = prot.wrp_group_size;
    }
    memcpy(dev->ctx->last_error, saved, sizeof saved); /* detection goes on without them */
}

static int use_chip(struct stflash_dev *dev, const struct stflash_chip_info *chip);

int detect_target(struct stflash_dev *dev)
{
    struct stflash_target_info *t = &dev->target;
    memset(t, 0, sizeof *t);
    dev->clone = NULL;

    int rc = stlink_read_idcode(&dev->sl, &t->dp_idcode);
    if (rc != 0)
        return rc;
    rc = read32(dev, CM_CPUID, &t->cpuid);
    if (rc != 0)
        return ctx_fail(dev->ctx, rc, "cannot read the CPUID register: %s",
                        stflash_last_error(dev->ctx));
    if (read_dbgmcu_idcode(dev, t->cpuid, &t->dbgmcu_idcode) != 0) {
        if (dev->opts.chip_override) {
            ctx_log(dev->ctx, STFLASH_LOG_WARN, "%s; using %s as the chip override says",
                    stflash_last_error(dev->ctx), dev->opts.chip_override->name);
            return use_chip(dev, dev->opts.chip_override);
        }
        /* Generic Cortex-M access: memory, registers and reset still work. */
        ctx_log(dev->ctx, STFLASH_LOG_WARN, "%s; continuing with generic Cortex-M access",
                stflash_last_error(dev->ctx));
        t->sram_base = 0x20000000u;
        t->rdp_level = -1;
        return STFLASH_OK;
    }
    t->dev_id = (uint16_t)(t->dbgmcu_idcode & 0xFFFu);
    t->rev_id = (uint16_t)(t->dbgmcu_idcode >> 16);
    const struct stflash_chip_info *chip = stflash_chip_identify(t->dbgmcu_idcode, t->cpuid);
    const struct stflash_chip_info *forced = dev->opts.chip_override;
    const struct stflash_clone_info *clone = dev->opts.clone_override;
    if (clone && !forced) {
        /* A clone answers with an ST DEV_ID: the row of that DEV_ID, when the target's is the
         * same or unknown. */
        if (chip && t->dev_id != clone->dev_id)
            return ctx_fail(dev->ctx, STFLASH_ERR_CHIP_MISMATCH,
                            "the chip override %s (a clone answering with DEV_ID 0x%03x) does "
                            "not fit the target, which reports DEV_ID 0x%03x, %s: drop the "
                            "override or name a part with that DEV_ID",
                            clone->name, clone->dev_id, t->dev_id, chip->name);
        if (!chip) {
            chip = stflash_chip_identify(clone->dev_id, t->cpuid);
            if (chip)
                ctx_log(dev->ctx, STFLASH_LOG_WARN,
                        "unknown STM32 DEV_ID 0x%03x (DBGMCU_IDCODE 0x%08x); using %s (%s) as "
                        "the chip override says",
                        t->dev_id, t->dbgmcu_idcode, clone->name, chip->name);
        }
    }
    if (forced && chip && forced != chip) {
        /* The controller style decides which registers are written (include/stflash/chip.h
         * enum stflash_flash_ctrl): another style would program the wrong ones. */
        if (forced->flash_ctrl != chip->flash_ctrl)
            return ctx_fail(dev->ctx, STFLASH_ERR_CHIP_MISMATCH,
                            "the chip override %s (flash controller %s) does not fit the "
                            "target, which reports DEV_ID 0x%03x, %s (flash controller %s): "
                            "its registers would be the wrong ones; drop the override or name "
                            "a part with the %s controller",
                            forced->name, stflash_flash_ctrl_name(forced->flash_ctrl), t->dev_id,
                            chip->name, stflash_flash_ctrl_name(chip->flash_ctrl),
                            stflash_flash_ctrl_name(chip->flash_ctrl));
        ctx_log(dev->ctx, STFLASH_LOG_WARN,
                "the target reports DEV_ID 0x%03x, %s; using %s as the chip override says "
                "(the same %s flash controller)",
                t->dev_id, chip->name, forced->name, stflash_flash_ctrl_name(chip->flash_ctrl));
        chip = forced;
    } else if (forced && !chip) {
        ctx_log(dev->ctx, STFLASH_LOG_WARN,
                "unknown STM32 DEV_ID 0x%03x (DBGMCU_IDCODE 0x%08x); using %s as the chip "
                "override says",
                t->dev_id, t->dbgmcu_idcode, forced->name);
        chip = forced;
    }
    t->chip = chip;
    if (!chip) {
        ctx_log(dev->ctx, STFLASH_LOG_WARN,
                "unknown STM32 DEV_ID 0x%03x (DBGMCU_IDCODE 0x%08x); continuing with generic "
                "Cortex-M access, no flash programming",
                t->dev_id, t->dbgmcu_idcode);
        t->sram_base = 0x20000000u;
        t->rdp_level = -1;
        return STFLASH_OK;
    }
    return use_chip(dev, chip);
}

/* Facts of a known row: clone, flash size and geometry, SRAM. */
static int use_chip(struct stflash_dev *dev, const struct stflash_chip_info *chip)
{
    struct stflash_target_info *t = &dev->target;
    t->chip = chip;
    uint32_t designer, partno;
    rom_ids(dev, &designer, &partno);
    dev->clone = stflash_clone_identify_rom(t->dev_id, t->dp_idcode, designer, partno, t->rev_id);
    const struct stflash_clone_info *forced = dev->opts.clone_override;
    if (forced && forced != dev->clone) {
        ctx_log(dev->ctx, STFLASH_LOG_WARN,
                "the target identifies as %s; using %s as the chip "
                "override says",
                dev->clone ? dev->clone->name : "a genuine ST part", forced->name);
        dev->clone = forced;
    }
    t->clone_name = dev->clone ? dev->clone->name : NULL;
    t->flash_base = chip->flash_base;
    flash_size(dev, chip);
    t->sram_base = chip->sram_base;
    t->sram_size = chip->sram_size;
    clone_sram_size(dev, chip);
    flash_facts(dev, chip);
    return STFLASH_OK;
}
