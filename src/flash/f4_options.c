/*
 * F2/F4/F7 option bytes through FLASH_OPTCR: RM0090 §3.7.1 "Description of user option bytes",
 * §3.7.2 "Programming user option bytes", §3.7.3 read protection, §3.9.10-§3.9.11 FLASH_OPTCR
 * and FLASH_OPTCR1; RM0410 §3.4 and §3.7.6 for the F7.
 *
 * The register is the interface: after OPTKEYR unlocks it, the new value is written into OPTCR
 * (and OPTCR1, bank-2 nWRP of the F42x/F43x), OPTSTRT starts the programming and BSY tells when
 * it is done; the values are in force from then on and loaded again at every reset. OPTCR holds
 * RDP [15:8] (0xAA level 0, 0xCC level 2, anything else level 1), nWRP [27:16] (a clear bit
 * write-protects its sector), BOR_LEV [3:2], WDG_SW, nRST_STOP and nRST_STDBY; the other bits
 * (DB1M, SPRMOD, BFB2, the F7's WWDG_SW and IWDG_STOP/STDBY) are kept as they are. The F7's
 * boot addresses (FLASH_OPTCR1 BOOT_ADD0/1) and the F76x/F77x's nDBANK and nDBOOT are read and
 * written as struct stflash_options says. Going from level 1 to level 0 makes the chip mass
 * erase its flash before BSY clears (up to 32 s at x8, DS8626 tME), hence the long deadline.
 */
#include <string.h>

#include "arm/cortexm.h"
#include "flash/f4.h"

/* Option programming without a mass erase: the option sector is erased and written again
 * (16 KiB sector erase time, DS8626), with room to spare. */
#define OPTION_TIMEOUT_MS 8000u

static const char *last_error(struct flash_dev *f)
{
    return f->ctx ? f->ctx->last_error : "";
}

static uint32_t regs_of(const struct flash_dev *f)
{
    return f->map.bank[0].regs;
}

unsigned f4_nwrp_bits(const struct stflash_chip_info *chip)
{
    return chip && chip->dev_id == 0x463 ? 15u : 12u;
}

int f4_rdp_level_of(uint8_t rdp)
{
    return rdp == F4_RDP_LEVEL0 ? 0 : rdp == F4_RDP_LEVEL2 ? 2 : 1;
}

int f4_rdp_byte_of(int level, uint8_t *byte)
{
    static const uint8_t bytes[] = {F4_RDP_LEVEL0, F4_RDP_LEVEL1, F4_RDP_LEVEL2};
    if (level < 0 || level > 2)
        return STFLASH_ERR_INVALID_ARG;
    *byte = bytes[level];
    return STFLASH_OK;
}

static uint32_t field_mask(unsigned bits)
{
    return (1u << bits) - 1u;
}

void f4_options_decode(uint32_t optcr, uint32_t optcr1, bool has_optcr1, unsigned bits,
                       struct stflash_options *o)
{
    memset(o, 0, sizeof *o);
    uint8_t rdp = (uint8_t)(optcr >> F4_OPTCR_RDP_SHIFT);
    o->rdp = rdp;
    o->rdp_level = o->rdp_level_stored = f4_rdp_level_of(rdp);
    o->wdg_sw = optcr & F4_OPTCR_WDG_SW;
    o->nrst_stop = optcr & F4_OPTCR_NRST_STOP;
    o->nrst_stdby = optcr & F4_OPTCR_NRST_STDBY;
    /* Bits the chip does not have read as not protected. */
    uint32_t m = field_mask(bits);
    o->wrp = ~m | ((optcr >> F4_OPTCR_NWRP_SHIFT) & m);
    if (has_optcr1)
        o->wrp = (o->wrp & ~(0xFFFu << 12)) | ((optcr1 >> F4_OPTCR_NWRP_SHIFT) & 0xFFFu) << 12;
    o->wrp_in_force = o->wrp;
    o->wrp_group_size = 0; /* one bit per sector, and sectors differ in size */
    o->has_bor = true;
    /* BOR_LEV: 00 level 3 (highest threshold), 01 level 2, 10 level 1, 11 off (RM0090 §3.7.1). */
    o->bor_level = 3 - (int)((optcr >> F4_OPTCR_BOR_SHIFT) & 3u);
}

int f4_options_encode(const struct stflash_options *o, uint32_t optcr, uint32_t optcr1,
                      bool has_optcr1, unsigned bits, uint32_t *new_optcr, uint32_t *new_optcr1)
{
    uint8_t rdp = 0;
    if (f4_rdp_byte_of(o->rdp_level_stored, &rdp) != STFLASH_OK)
        return STFLASH_ERR_INVALID_ARG;
    uint32_t m = field_mask(bits) << F4_OPTCR_NWRP_SHIFT;
    uint32_t v =
        optcr & ~(F4_OPTCR_OPTLOCK | F4_OPTCR_OPTSTRT | F4_OPTCR_WDG_SW | F4_OPTCR_NRST_STOP |
                  F4_OPTCR_NRST_STDBY | 0xFFu << F4_OPTCR_RDP_SHIFT | m);
    v |= (uint32_t)rdp << F4_OPTCR_RDP_SHIFT;
    v |= (o->wdg_sw ? F4_OPTCR_WDG_SW : 0u) | (o->nrst_stop ? F4_OPTCR_NRST_STOP : 0u) |
         (o->nrst_stdby ? F4_OPTCR_NRST_STDBY : 0u);
    v |= (o->wrp << F4_OPTCR_NWRP_SHIFT) & m;
    *new_optcr = v;
    *new_optcr1 = optcr1;
    if (has_optcr1)
        *new_optcr1 = (optcr1 & ~F4_OPTCR_NWRP_MASK) | ((o->wrp >> 12) & 0xFFFu)
                                                           << F4_OPTCR_NWRP_SHIFT;
    return STFLASH_OK;
}

static bool is_f7(const struct stflash_chip_info *chip)
{
    return chip && chip->flash_ctrl == STFLASH_CTRL_F7;
}

/* The F76x/F77x: nDBANK and nDBOOT (RM0410 §3.7.6). */
static bool has_ndbank(const struct stflash_chip_info *chip)
{
    return is_f7(chip) && chip->dual_geom.banks > 1;
}

/* The F7's fields of FLASH_OPTCR and FLASH_OPTCR1 (BOOT_ADD0 [15:0], BOOT_ADD1 [31:16], each
 * the boot address >> 14; RM0410 §3.7.7). */
static void f7_options_decode(const struct stflash_chip_info *chip, uint32_t optcr, uint32_t optcr1,
                              struct stflash_options *o)
{
    if (!is_f7(chip))
        return;
    o->has_boot_add = true;
    o->boot_add_shift = 14;
    o->boot_add0 = (optcr1 & 0xFFFFu) << 14;
    o->boot_add1 = (optcr1 >> 16) << 14;
    if (has_ndbank(chip)) {
        o->has_ndbank = true;
        o->ndbank = optcr & F7_OPTCR_NDBANK;
        o->ndboot = optcr & F7_OPTCR_NDBOOT;
    }
}

/* Only the fields opts says it has: a caller that did not read them keeps them as stored. */
static void f7_options_encode(const struct stflash_chip_info *chip, const struct stflash_options *o,
                              uint32_t *optcr, uint32_t *optcr1)
{
    if (!is_f7(chip))
        return;
    if (o->has_boot_add)
        *optcr1 = (o->boot_add0 >> 14 & 0xFFFFu) | (o->boot_add1 >> 14) << 16;
    if (has_ndbank(chip) && o->has_ndbank)
        *optcr = (*optcr & ~(F7_OPTCR_NDBANK | F7_OPTCR_NDBOOT)) |
                 (o->ndbank ? F7_OPTCR_NDBANK : 0u) | (o->ndboot ? F7_OPTCR_NDBOOT : 0u);
}

/* OPTCR, and OPTCR1 where it holds bank-2 nWRP bits or the F7's boot addresses (0xFFFFFFFF
 * elsewhere). */
static int read_optcr(struct flash_dev *f, uint32_t *optcr, uint32_t *optcr1)
{
    *optcr1 = 0xFFFFFFFFu;
    int rc = dbg_read32(f->dbg, regs_of(f) + F4_OPTCR, optcr);
    if (rc == STFLASH_OK && (f4_has_optcr1_wrp(f->chip) || is_f7(f->chip)))
        rc = dbg_read32(f->dbg, regs_of(f) + F4_OPTCR1, optcr1);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read FLASH_OPTCR at 0x%08x: %s", regs_of(f) + F4_OPTCR,
                        last_error(f));
    return STFLASH_OK;
}

int f4_protection(struct flash_dev *f, struct flash_protection *out)
{
    struct stflash_options o;
    int rc = f4_options_read(f, &o);
    if (rc != STFLASH_OK)
        return rc;
    out->rdp_level = o.rdp_level;
    out->wrp_mask = ~o.wrp_in_force;
    out->wrp_group_size = 0;
    return STFLASH_OK;
}

int f4_options_read(struct flash_dev *f, struct stflash_options *out)
{
    uint32_t optcr, optcr1;
    int rc = read_optcr(f, &optcr, &optcr1);
    if (rc == STFLASH_OK) {
        f4_options_decode(optcr, optcr1, f4_has_optcr1_wrp(f->chip), f4_nwrp_bits(f->chip), out);
        f7_options_decode(f->chip, optcr, optcr1, out);
    }
    return rc;
}

int f4_rdp_byte(struct flash_dev *f, int level, uint8_t *byte)
{
    if (f4_rdp_byte_of(level, byte) != STFLASH_OK)
        return ctx_fail(f->ctx, STFLASH_ERR_INVALID_ARG,
                        "no read protection level %d: give 0, 1 or 2", level);
    return STFLASH_OK;
}

/* RM0090 §3.6.2 "Unlocking the option control register": OPTKEY1 then OPTKEY2. */
static int unlock_options(struct flash_dev *f)
{
    uint32_t optcr, sr;
    int rc = f4_wait_idle(f, F4_IDLE_TIMEOUT_MS, &sr);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, regs_of(f) + F4_OPTCR, &optcr);
    if (rc == STFLASH_OK && (optcr & F4_OPTCR_OPTLOCK)) {
        rc = dbg_write32(f->dbg, regs_of(f) + F4_OPTKEYR, F4_OPTKEY1);
        if (rc == STFLASH_OK)
            rc = dbg_write32(f->dbg, regs_of(f) + F4_OPTKEYR, F4_OPTKEY2);
        if (rc == STFLASH_OK)
            rc = dbg_read32(f->dbg, regs_of(f) + F4_OPTCR, &optcr);
        if (rc == STFLASH_OK && (optcr & F4_OPTCR_OPTLOCK))
            return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                            "cannot unlock the option bytes: OPTLOCK stays set (FLASH_OPTCR "
                            "0x%08x)",
                            optcr);
    }
    if (rc == STFLASH_ERR_TIMEOUT)
        return ctx_fail(f->ctx, rc,
                        "cannot unlock the option bytes: the flash controller is "
                        "still busy after %u ms",
                        F4_IDLE_TIMEOUT_MS);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot unlock the option bytes at 0x%08x: %s",
                        regs_of(f) + F4_OPTCR, last_error(f));
    return STFLASH_OK;
}

/* The fields stflash_options describes, for the read-back check. */
static uint32_t described(unsigned bits)
{
    return F4_OPTCR_WDG_SW | F4_OPTCR_NRST_STOP | F4_OPTCR_NRST_STDBY |
           0xFFu << F4_OPTCR_RDP_SHIFT | field_mask(bits) << F4_OPTCR_NWRP_SHIFT;
}

static int options_job(struct flash_dev *f, uint32_t optcr, uint32_t v, uint32_t v1,
                       unsigned timeout_ms)
{
    bool has1 = f4_has_optcr1_wrp(f->chip) || is_f7(f->chip);
    int rc = unlock_options(f);
    if (rc != STFLASH_OK)
        return rc;
    /* RM0090 §3.7.2: the new values into OPTCR (and OPTCR1), then OPTSTRT, then wait for BSY. */
    if (has1)
        rc = dbg_write32(f->dbg, regs_of(f) + F4_OPTCR1, v1);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, regs_of(f) + F4_OPTCR, v);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, regs_of(f) + F4_OPTCR, v | F4_OPTCR_OPTSTRT);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot write FLASH_OPTCR (0x%08x, was 0x%08x): %s", v, optcr,
                        last_error(f));
    uint32_t sr;
    rc = f4_wait_idle(f, timeout_ms, &sr);
    if (rc == STFLASH_ERR_TIMEOUT)
        return ctx_fail(f->ctx, rc,
                        "the option bytes are still being programmed after %u ms "
                        "(FLASH_OPTCR 0x%08x)",
                        timeout_ms, v);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot program the option bytes: %s", last_error(f));
    if (sr & F4_SR_ERRORS) {
        (void)dbg_write32(f->dbg, regs_of(f) + F4_SR, F4_SR_EOP | F4_SR_ERRORS);
        return ctx_fail(f->ctx, (sr & F4_SR_WRPERR) ? STFLASH_ERR_PROTECTED : STFLASH_ERR_TARGET,
                        "cannot program the option bytes (FLASH_OPTCR 0x%08x): FLASH_SR 0x%08x", v,
                        sr);
    }
    if (f4_rdp_level_of((uint8_t)(v >> F4_OPTCR_RDP_SHIFT)) == 2)
        return STFLASH_OK; /* the debug port may be closed already */
    uint32_t got, got1;
    rc = read_optcr(f, &got, &got1);
    if (rc != STFLASH_OK)
        return rc;
    uint32_t m = described(f4_nwrp_bits(f->chip));
    uint32_t m1 = is_f7(f->chip) ? 0xFFFFFFFFu : F4_OPTCR_NWRP_MASK;
    if (has_ndbank(f->chip))
        m |= F7_OPTCR_NDBANK | F7_OPTCR_NDBOOT;
    if ((got & m) != (v & m) || (has1 && (got1 & m1) != (v1 & m1)))
        return ctx_fail(f->ctx, STFLASH_ERR_VERIFY,
                        "FLASH_OPTCR reads back 0x%08x instead of 0x%08x after programming", got,
                        v);
    return STFLASH_OK;
}

int f4_options_write(struct flash_dev *f, const struct stflash_options *o)
{
    uint32_t optcr, optcr1, v, v1;
    int rc = read_optcr(f, &optcr, &optcr1);
    if (rc != STFLASH_OK)
        return rc;
    uint8_t rdp = (uint8_t)(optcr >> F4_OPTCR_RDP_SHIFT);
    if (f4_rdp_level_of(rdp) == 2)
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "the option bytes hold read protection level 2 (RDP 0x%02x): they can "
                        "never be changed again",
                        rdp);
    if (f4_options_encode(o, optcr, optcr1, f4_has_optcr1_wrp(f->chip), f4_nwrp_bits(f->chip), &v,
                          &v1) != STFLASH_OK) {
        uint8_t b;
        return f4_rdp_byte(f, o->rdp_level_stored, &b); /* names the problem */
    }
    if (is_f7(f->chip) && o->has_boot_add &&
        ((o->boot_add0 | o->boot_add1) & 0x3FFFu || (o->boot_add0 | o->boot_add1) >= 1u << 30))
        return ctx_fail(f->ctx, STFLASH_ERR_INVALID_ARG,
                        "boot addresses 0x%08x and 0x%08x: each must be a multiple of 16 KiB "
                        "(0x4000) below 0x40000000 (RM0410 §3.4.1 BOOT_ADDx)",
                        o->boot_add0, o->boot_add1);
    f7_options_encode(f->chip, o, &v, &v1);
    /* Leaving level 1 for level 0 mass erases the flash first. */
    bool mass = f4_rdp_level_of(rdp) != 0 && o->rdp_level_stored == 0;
    rc = options_job(f, optcr, v, v1, mass ? F4_MASS_ERASE_TIMEOUT_MS : OPTION_TIMEOUT_MS);
    /* OPTLOCK again, whatever happened; the first failure's message is kept. */
    uint32_t now;
    if (dbg_read32(f->dbg, regs_of(f) + F4_OPTCR, &now) == STFLASH_OK)
        (void)dbg_write32(f->dbg, regs_of(f) + F4_OPTCR,
                          (now & ~F4_OPTCR_OPTSTRT) | F4_OPTCR_OPTLOCK);
    return rc;
}

int f4_options_load(struct flash_dev *f)
{
    /* In force once programmed; the reset gives the firmware a clean start with them (they are
     * loaded again at every reset, RM0090 §3.7.1). */
    return cm_reset(f->dbg, CM_RESET_SYSTEM, true);
}
