/*
 * The H5 flash controller through its non-secure registers (flash/h5.h), on the L4-style
 * sequences of flash/l4_ctrl.c: NSKEYR unlock (RM0481 §7.3), sector erase by SNB with BKSEL for
 * the physical bank, bank erase (BER) and mass erase (MER) (§7.3 "Flash memory erase sequences"),
 * quad words programmed through the L5/U5 loader built for the H5's bits
 * (loaders/h5_program.S) and the shared loader runner, the bank swap read from
 * FLASH_OPTSR_CUR.SWAP_BANK at probe time (BKSEL ignores it, so the driver maps the banks), and
 * the ranges this driver cannot write refused before anything is touched: write-protected sector
 * groups (WRPxR_CUR) and, with TrustZone on (OPTSR2.TZEN not 0xC3), the whole flash, which the
 * secure registers own.
 *
 * The family descriptor (flash_family_h5, at the end) ties the driver to the option bytes
 * (flash/h5_options.c).
 */
#include <string.h>

#include "flash/drvutil.h"
#include "flash/family.h"
#include "flash/flash.h"
#include "flash/h5.h"
#include "flash/loaders/loader_abi.h"
#include "h5_program_loader.h"

/* tPROG of a quad word at most, with a margin over the 66 us typical the virtual board uses (not
 * checked against DS14258): the loader runner takes it as the pace of one unit. */
#define TPROG_MAX_US 150u

static const struct l4_ctrl_flag sr_flags[] = {
    {H5_SR_WRPERR, "WRPERR: write protected or secure"},
    {H5_SR_PGSERR, "PGSERR: wrong sequence"},
    {H5_SR_STRBERR, "STRBERR: a byte written twice in the write buffer"},
    {H5_SR_INCERR, "INCERR: inconsistent write"},
    {H5_SR_OPTCHANGEERR, "OPTCHANGEERR: option change refused"},
    {H5_SR_ERRORS, "OBKERR/OBKWERR: option-byte key storage"},
};

/* NSKEYR/NSSR/NSCR with the flags cleared in NSCCR and OPTLOCK in OPTCR (RM0481 §7.11). PROGERR
 * does not exist: a quad word programmed twice shows as an ECC error (FLASH_ECCDETR). */
const struct l4_ctrl h5_ctrl = {
    .sr_name = "FLASH_NSSR",
    .cr_name = "FLASH_NSCR",
    .keyr = H5_NSKEYR,
    .optkeyr = H5_OPTKEYR,
    .sr = H5_NSSR,
    .cr = H5_NSCR,
    .clr = H5_NSCCR,
    .optlock_reg = H5_OPTCR,
    .sr_busy = H5_SR_BUSY,
    .sr_errors = H5_SR_ERRORS,
    .sr_eop = H5_SR_EOP,
    .sr_wrperr = H5_SR_WRPERR,
    .sr_progerr = 0,
    .cr_lock = H5_CR_LOCK,
    .cr_optlock = H5_OPTCR_OPTLOCK,
    .cr_strt = H5_CR_STRT,
    .flags = sr_flags,
    .nflags = sizeof sr_flags / sizeof sr_flags[0],
    .wrperr_what = "write protected or secure",
    .ldr_sr_high = true,
    .idle_ms = H5_IDLE_TIMEOUT_MS,
    .lock_ms = H5_ERASE_TIMEOUT_MS,
};

/* ---- pure functions ---- */

const char *h5_product_state_name(uint8_t ps)
{
    switch (ps) {
    case H5_PS_OPEN:
        return "open";
    case H5_PS_PROVISIONING:
        return "provisioning";
    case H5_PS_IROT_PROVISIONED:
        return "iROT-provisioned";
    case H5_PS_TZ_CLOSED:
        return "TZ-closed";
    case H5_PS_CLOSED:
        return "closed";
    case H5_PS_LOCKED:
        return "locked";
    default:
        return NULL;
    }
}

int h5_product_state_level(uint8_t ps)
{
    return ps == H5_PS_OPEN ? 0 : ps == H5_PS_LOCKED ? 2 : 1;
}

uint32_t h5_sector_erase_cr(unsigned bank, uint32_t snb, bool swapped)
{
    bool bank2 = (bank != 0) != swapped;
    return H5_CR_SER | (snb << H5_CR_SNB_SHIFT & H5_CR_SNB_MASK) | (bank2 ? H5_CR_BKSEL : 0);
}

uint32_t h5_wrp_mask(const uint32_t wrp[2], uint32_t flash_size)
{
    uint32_t group = flash_size / 32u, bank = flash_size / 2u, sector = 8192u, mask = 0xFFFFFFFFu;
    if (group == 0)
        return mask;
    for (unsigned b = 0; b < 2; b++)
        for (unsigned bit = 0; bit < 32; bit++) {
            uint64_t lo = (uint64_t)b * bank + (uint64_t)bit * H5_WRP_SECTORS_PER_BIT * sector;
            uint64_t hi = lo + H5_WRP_SECTORS_PER_BIT * sector;
            if ((wrp[b] & (1u << bit)) || lo >= (uint64_t)(b + 1) * bank)
                continue;
            for (uint64_t a = lo / group * group; a < hi; a += group)
                mask &= ~(1u << (a / group));
        }
    return mask;
}

/* ---- registers ---- */

static int read_reg(struct flash_dev *f, uint32_t off, uint32_t *v, const char *name)
{
    uint32_t regs = l4_regs(f);
    int rc = dbg_read32(f->dbg, regs + off, v);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read %s at 0x%08x: %s", name, regs + off,
                        drv_last_error(f));
    return STFLASH_OK;
}

/* SWAP_BANK in force: the physical bank 2 at the flash base (RM0481 §7.3 "Flash bank swapping"). */
static int h5_probe(struct flash_dev *f)
{
    if (f->chip->family != STFLASH_FAMILY_H5)
        return ctx_fail(f->ctx, STFLASH_ERR_UNSUPPORTED,
                        "flash writes on the %s are not supported yet", f->chip->name);
    uint32_t optsr;
    int rc = read_reg(f, H5_OPTSR_CUR, &optsr, "FLASH_OPTSR_CUR");
    if (rc == STFLASH_OK)
        f->banks_swapped = f->map.banks > 1 && (optsr & H5_OPTSR_SWAP_BANK);
    return rc;
}

/* RM0481 §7.3: KEY1 then KEY2 into FLASH_NSKEYR while NSCR.LOCK is set. */
int h5_unlock(struct flash_dev *f)
{
    return l4_ctrl_unlock(f, &h5_ctrl);
}

int h5_lock(struct flash_dev *f)
{
    return l4_ctrl_lock(f, &h5_ctrl);
}

/* ---- erase ---- */

static int h5_erase_unit(struct flash_dev *f, const struct flash_unit *u)
{
    uint32_t bits = h5_sector_erase_cr(u->bank, (uint32_t)u->index_in_bank, f->banks_swapped);
    return l4_ctrl_run_op(f, &h5_ctrl, bits, H5_ERASE_TIMEOUT_MS, "erase sector", u->addr);
}

/* MER erases both banks in one operation (RM0481 §7.3 "Mass erase"). */
static int h5_mass_erase(struct flash_dev *f)
{
    return l4_ctrl_run_op(f, &h5_ctrl, H5_CR_MER, H5_MASS_ERASE_TIMEOUT_MS,
                          "mass erase the flash at", flash_map_base(&f->map));
}

/* ---- what may be written ---- */

static int check_trustzone(struct flash_dev *f, uint32_t addr)
{
    uint32_t optsr2;
    int rc = read_reg(f, H5_OPTSR2_CUR, &optsr2, "FLASH_OPTSR2_CUR");
    if (rc != STFLASH_OK)
        return rc;
    uint32_t tzen = optsr2 >> H5_OPTSR2_TZEN_SHIFT;
    if (tzen == H5_TZEN_OFF)
        return STFLASH_OK;
    return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                    "cannot write 0x%08x: TrustZone is on (FLASH_OPTSR2_CUR.TZEN 0x%02x), so the "
                    "flash belongs to the secure registers; stflash programs through the "
                    "non-secure ones only. Program the %s with a secure-aware tool, or go back "
                    "to the open product state with TrustZone off (a regression, which erases "
                    "the flash)",
                    addr, tzen, f->chip->name);
}

/* The write-protected sector groups of both banks (RM0481 §7.5 "Write protection"). */
static int h5_check_writable(struct flash_dev *f, uint32_t addr, uint32_t len)
{
    int rc = check_trustzone(f, addr);
    static const uint32_t offs[2] = {H5_WRP1R_CUR, H5_WRP2R_CUR};
    for (unsigned pb = 0; pb < 2 && rc == STFLASH_OK && f->map.banks > 1; pb++) {
        uint32_t wrp;
        rc = read_reg(f, offs[pb], &wrp, pb ? "FLASH_WRP2R_CUR" : "FLASH_WRP1R_CUR");
        unsigned mb = pb ^ (f->banks_swapped ? 1u : 0u); /* where the physical bank is mapped */
        const struct flash_bank *b = &f->map.bank[mb];
        uint32_t span = H5_WRP_SECTORS_PER_BIT * 8192u, first;
        for (unsigned bit = 0; bit < 32 && rc == STFLASH_OK; bit++) {
            if (wrp & (1u << bit))
                continue;
            uint32_t area = bit << 16 | bit; /* one group as a one-unit area of `span` bytes */
            if (l4_area_overlap(area, 0x7Fu, b->base, span, addr, len, &first))
                rc = ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                              "cannot write 0x%08x: write protected by the option bytes "
                              "(sectors %u to %u of bank %u, FLASH_WRP%uR_CUR 0x%08x)",
                              first, bit * 4u, bit * 4u + 3u, pb + 1u, pb + 1u, wrp);
        }
    }
    return rc;
}

/* ---- program ---- */

/* A read-back difference on the H5 is most often a quad word programmed twice: its ECC no
 * longer matches (RM0481 §7.3 "Error correction code"), which FLASH_ECCDETR shows. */
static int loader_failure(struct flash_dev *f, const struct flash_loader_stop *st,
                          const uint8_t *data, uint32_t job_addr)
{
    uint32_t eccd = 0;
    if (st->status == LDR_ERR_READBACK &&
        dbg_read32(f->dbg, l4_regs(f) + H5_ECCDETR, &eccd) == STFLASH_OK && (eccd >> 31))
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "cannot program 0x%08x: the quad word was programmed already since its "
                        "last erase, and its ECC no longer matches (FLASH_ECCDETR 0x%08x): erase "
                        "the sector first",
                        st->addr, eccd);
    return l4_ctrl_loader_failure(f, &h5_ctrl, st, data, job_addr);
}

static const struct drv_program h5_prog = {
    .code = h5_program_loader,
    .code_len = H5_PROGRAM_LOADER_LEN,
    .code_max = H5_PROGRAM_LOADER_LEN,
    .unit = 16,
    .unit_us = TPROG_MAX_US,
    .crc = true,
    .failure = loader_failure,
};

/* One job per bank, as the engine's ranges may run across the bank boundary. */
static int h5_program(struct flash_dev *f, uint32_t addr, const uint8_t *data, size_t len)
{
    return drv_program_banks(f, &h5_prog, addr, data, len);
}

/* During sector erases: the loader and the first data into SRAM (flash/flash.h). */
static int h5_stage(struct flash_dev *f, bool *more)
{
    return drv_stage(f, &h5_prog, more);
}

static const struct flash_driver flash_driver_h5 = {
    .name = "stm32 h5",
    .probe = h5_probe,
    .unlock = h5_unlock,
    .lock = h5_lock,
    .erase_unit = h5_erase_unit,
    .mass_erase = h5_mass_erase,
    .program = h5_program,
    .check_writable = h5_check_writable,
    .stage = h5_stage,
};

const struct flash_family flash_family_h5 = {
    .name = "H5",
    .ctrl = STFLASH_CTRL_H5,
    .driver = &flash_driver_h5,
    .protection = h5_protection,
    .options_read = h5_options_read,
    .options_write = h5_options_write,
    .options_load = h5_options_load,
    .options_rdp_byte = h5_rdp_byte,
};
