/*
 * H7 option bytes through the option registers: RM0433 §4.4 "FLASH option bytes" (§4.4.3 option
 * byte modification), §4.5.3 read protection, §4.5.5 write protection, §4.9.7-§4.9.18 FLASH_OPTCR,
 * OPTSR_CUR/PRG, OPTCCR, WPSN_CURxR/PRGxR, BOOT_CURR/PRGR; RM0455 §4.4 for the H7A3/H7B3.
 *
 * One OPTKEYR unlocks FLASH_OPTCR for both banks (the bank-2 offsets are aliases). The new
 * values go into the _PRG registers, OPTSTART programs them and OPTSR_CUR.OPT_BUSY tells when it
 * is done; the _CUR registers show them from then on, no reset needed. OPTSR holds RDP [15:8]
 * (0xAA level 0, 0xCC level 2, anything else level 1), IWDG1_SW, NRST_STOP_D1, NRST_STBY_D1,
 * BOR_LEV, the IWDG freeze bits and SWAP_BANK_OPT; the other bits are kept as they are. A change
 * the controller refuses sets OPTCHANGEERR (cleared through OPTCCR). Going from level 1 to 0
 * makes the chip mass erase both banks before OPT_BUSY clears (tME, DS12110), hence the long
 * deadline.
 */
#include <string.h>
#include <time.h>

#include "arm/cortexm.h"
#include "flash/h7.h"

/* Option programming without a mass erase: well under a second on the part; room to spare. */
#define OPTION_TIMEOUT_MS 5000u

static const char *last_error(struct flash_dev *f)
{
    return f->ctx ? f->ctx->last_error : "";
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The bank-1 block, which holds the shared option registers whatever SWAP_BANK says. */
static uint32_t regs1(const struct flash_dev *f)
{
    return f->chip->flash_regs;
}

/* The register block of the map's bank (the other physical bank's when SWAP_BANK is in force,
 * flash/h7.c h7_probe). */
static uint32_t regs_of(const struct flash_dev *f, unsigned bank)
{
    if (bank < f->map.banks)
        return f->map.bank[bank].regs;
    return bank ? regs1(f) + H7_BANK2_OFFSET : regs1(f);
}

static unsigned banks_of(const struct flash_dev *f)
{
    return f->chip->geom.banks > 1 ? 2u : 1u;
}

int h7_rdp_level_of(uint8_t rdp)
{
    return rdp == H7_RDP_LEVEL0 ? 0 : rdp == H7_RDP_LEVEL2 ? 2 : 1;
}

int h7_rdp_byte_of(int level, uint8_t *byte)
{
    static const uint8_t bytes[] = {H7_RDP_LEVEL0, H7_RDP_LEVEL1, H7_RDP_LEVEL2};
    if (level < 0 || level > 2)
        return STFLASH_ERR_INVALID_ARG;
    *byte = bytes[level];
    return STFLASH_OK;
}

/* stflash_options.wrp bits per bank: 8 sectors (H743), or 16 pairs of WPSGN bits (H7A3). */
static unsigned wrp_bits_per_bank(const struct h7_layout *l)
{
    return l->wps_bits > 16 ? 16u : l->wps_bits;
}

static unsigned wps_per_wrp_bit(const struct h7_layout *l)
{
    return l->wps_bits / wrp_bits_per_bank(l);
}

unsigned h7_wrp_bit(const struct h7_layout *l, const struct flash_unit *u)
{
    unsigned wps = (unsigned)u->index_in_bank / l->wps_per_bit;
    return u->bank * wrp_bits_per_bank(l) + wps / wps_per_wrp_bit(l);
}

/* The fields of OPTSR_PRG that stflash_options describes. */
#define DESCRIBED                                                                                  \
    (H7_OPTSR_IWDG1_SW | H7_OPTSR_NRST_STOP | H7_OPTSR_NRST_STBY | 0xFFu << H7_OPTSR_RDP_SHIFT)
/* Read-only status bits of OPTSR_CUR, reserved in OPTSR_PRG. */
#define STATUS_BITS (H7_OPTSR_OPT_BUSY | H7_OPTSR_OPTCHANGEERR)

void h7_options_decode(const struct h7_layout *l, unsigned banks, const struct h7_optregs *r,
                       struct stflash_options *o)
{
    memset(o, 0, sizeof *o);
    uint8_t rdp = (uint8_t)(r->optsr >> H7_OPTSR_RDP_SHIFT);
    o->rdp = rdp;
    o->rdp_level = o->rdp_level_stored = h7_rdp_level_of(rdp);
    o->wdg_sw = r->optsr & H7_OPTSR_IWDG1_SW;
    o->nrst_stop = r->optsr & H7_OPTSR_NRST_STOP;
    o->nrst_stdby = r->optsr & H7_OPTSR_NRST_STBY;
    o->has_bor = true;
    o->bor_level = (int)((r->optsr >> H7_OPTSR_BOR_SHIFT) & 3u); /* 00 off .. 11 level 3 */
    o->has_swap_bank = true;
    o->swap_bank = r->optsr & H7_OPTSR_SWAP_BANK_OPT;
    o->has_boot_add = true;
    o->boot_add_shift = 16;
    o->boot_add0 = (r->boot & 0xFFFFu) << 16;
    o->boot_add1 = r->boot & 0xFFFF0000u;
    unsigned per = wrp_bits_per_bank(l), group = wps_per_wrp_bit(l);
    uint32_t wrp = 0xFFFFFFFFu;
    for (unsigned b = 0; b < banks && b < 2; b++)
        for (unsigned i = 0; i < per; i++) {
            uint32_t m = ((1u << group) - 1u) << (i * group);
            if ((r->wpsn[b] & m) != m) /* a sector of the group protected */
                wrp &= ~(1u << (b * per + i));
        }
    o->wrp = o->wrp_in_force = wrp;
    /* One bit per sector on the H743 (128 KiB), per 64 KiB on the H7A3. */
    o->wrp_group_size = l->wps_per_bit * group * (l->wps_per_bit > 1 ? 8192u : 131072u);
}

int h7_options_encode(const struct h7_layout *l, unsigned banks, const struct stflash_options *o,
                      const struct h7_optregs *cur, struct h7_optregs *out)
{
    uint8_t rdp = 0;
    if (h7_rdp_byte_of(o->rdp_level_stored, &rdp) != STFLASH_OK)
        return STFLASH_ERR_INVALID_ARG;
    uint32_t v = cur->optsr & ~(DESCRIBED | STATUS_BITS);
    v |= (uint32_t)rdp << H7_OPTSR_RDP_SHIFT;
    v |= (o->wdg_sw ? H7_OPTSR_IWDG1_SW : 0u) | (o->nrst_stop ? H7_OPTSR_NRST_STOP : 0u) |
         (o->nrst_stdby ? H7_OPTSR_NRST_STBY : 0u);
    v = o->swap_bank ? v | H7_OPTSR_SWAP_BANK_OPT : v & ~H7_OPTSR_SWAP_BANK_OPT;
    out->optsr = v;
    out->boot = cur->boot;
    unsigned per = wrp_bits_per_bank(l), group = wps_per_wrp_bit(l);
    uint32_t field = l->wps_bits >= 32 ? 0xFFFFFFFFu : (1u << l->wps_bits) - 1u;
    for (unsigned b = 0; b < 2; b++) {
        uint32_t w = cur->wpsn[b] & ~field;
        for (unsigned i = 0; b < banks && i < per; i++)
            if ((o->wrp >> (b * per + i)) & 1u)
                w |= ((1u << group) - 1u) << (i * group);
        out->wpsn[b] = b < banks ? w : cur->wpsn[b];
    }
    return STFLASH_OK;
}

/* The option registers in force (_CUR) or to be programmed (_PRG). */
static int read_regs(struct flash_dev *f, bool prg, struct h7_optregs *r)
{
    r->wpsn[0] = r->wpsn[1] = 0xFFFFFFFFu;
    int rc = dbg_read32(f->dbg, regs1(f) + (prg ? H7_OPTSR_PRG : H7_OPTSR_CUR), &r->optsr);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, regs1(f) + (prg ? H7_BOOT_PRG : H7_BOOT_CUR), &r->boot);
    for (unsigned b = 0; b < banks_of(f) && rc == STFLASH_OK; b++)
        rc = dbg_read32(f->dbg, regs_of(f, b) + (prg ? H7_WPSN_PRG : H7_WPSN_CUR), &r->wpsn[b]);
    if (rc != STFLASH_OK)
        return ctx_fail(
            f->ctx, rc, "cannot read the option registers (FLASH_OPTSR_%s at 0x%08x): %s",
            prg ? "PRG" : "CUR", regs1(f) + (prg ? H7_OPTSR_PRG : H7_OPTSR_CUR), last_error(f));
    return STFLASH_OK;
}

int h7_options_read(struct flash_dev *f, struct stflash_options *out)
{
    struct h7_optregs r;
    int rc = read_regs(f, false, &r);
    if (rc == STFLASH_OK)
        h7_options_decode(h7_layout_of(f->chip->flash_ctrl), banks_of(f), &r, out);
    return rc;
}

int h7_protection(struct flash_dev *f, struct flash_protection *out)
{
    struct stflash_options o;
    int rc = h7_options_read(f, &o);
    if (rc != STFLASH_OK)
        return rc;
    out->rdp_level = o.rdp_level;
    out->wrp_mask = ~o.wrp_in_force;
    out->wrp_group_size = o.wrp_group_size;
    return STFLASH_OK;
}

int h7_rdp_byte(struct flash_dev *f, int level, uint8_t *byte)
{
    if (h7_rdp_byte_of(level, byte) != STFLASH_OK)
        return ctx_fail(f->ctx, STFLASH_ERR_INVALID_ARG,
                        "no read protection level %d: give 0, 1 or 2", level);
    return STFLASH_OK;
}

/* OPTSR_CUR.OPT_BUSY clear (RM0433 §4.9.8), within timeout_ms. */
static int wait_opt_idle(struct flash_dev *f, unsigned timeout_ms, uint32_t *optsr)
{
    uint64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        int rc = dbg_read32(f->dbg, regs1(f) + H7_OPTSR_CUR, optsr);
        if (rc != STFLASH_OK || !(*optsr & H7_OPTSR_OPT_BUSY))
            return rc;
        if (now_ms() > deadline) {
            rc = dbg_read32(f->dbg, regs1(f) + H7_OPTSR_CUR, optsr);
            if (rc != STFLASH_OK)
                return rc;
            return (*optsr & H7_OPTSR_OPT_BUSY) ? STFLASH_ERR_TIMEOUT : STFLASH_OK;
        }
    }
}

/* RM0433 §4.4.3: OPTKEY1 then OPTKEY2 into FLASH_OPTKEYR, once for both banks. */
static int unlock_options(struct flash_dev *f)
{
    uint32_t optcr, optsr;
    int rc = wait_opt_idle(f, H7_IDLE_TIMEOUT_MS, &optsr);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, regs1(f) + H7_OPTCR, &optcr);
    if (rc == STFLASH_OK && (optcr & H7_OPTCR_OPTLOCK)) {
        rc = dbg_write32(f->dbg, regs1(f) + H7_OPTKEYR, H7_OPTKEY1);
        if (rc == STFLASH_OK)
            rc = dbg_write32(f->dbg, regs1(f) + H7_OPTKEYR, H7_OPTKEY2);
        if (rc == STFLASH_OK)
            rc = dbg_read32(f->dbg, regs1(f) + H7_OPTCR, &optcr);
        if (rc == STFLASH_OK && (optcr & H7_OPTCR_OPTLOCK))
            return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                            "cannot unlock the option bytes: OPTLOCK stays set (FLASH_OPTCR "
                            "0x%08x)",
                            optcr);
    }
    if (rc == STFLASH_ERR_TIMEOUT)
        return ctx_fail(f->ctx, rc,
                        "cannot unlock the option bytes: an option change is still "
                        "under way after %u ms (FLASH_OPTSR_CUR 0x%08x)",
                        H7_IDLE_TIMEOUT_MS, optsr);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot unlock the option bytes at 0x%08x: %s",
                        regs1(f) + H7_OPTCR, last_error(f));
    return STFLASH_OK;
}

static int options_job(struct flash_dev *f, const struct h7_optregs *v, unsigned timeout_ms)
{
    int rc = unlock_options(f);
    if (rc != STFLASH_OK)
        return rc;
    /* RM0433 §4.4.3: the new values into the _PRG registers, then OPTSTART, then OPT_BUSY. */
    rc = dbg_write32(f->dbg, regs1(f) + H7_OPTSR_PRG, v->optsr);
    for (unsigned b = 0; b < banks_of(f) && rc == STFLASH_OK; b++)
        rc = dbg_write32(f->dbg, regs_of(f, b) + H7_WPSN_PRG, v->wpsn[b]);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, regs1(f) + H7_BOOT_PRG, v->boot);
    uint32_t optcr = 0;
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, regs1(f) + H7_OPTCR, &optcr);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, regs1(f) + H7_OPTCR, optcr | H7_OPTCR_OPTSTART);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot program the option bytes (FLASH_OPTSR_PRG 0x%08x): %s",
                        v->optsr, last_error(f));
    uint32_t optsr = 0;
    rc = wait_opt_idle(f, timeout_ms, &optsr);
    if (rc == STFLASH_ERR_TIMEOUT)
        return ctx_fail(f->ctx, rc,
                        "the option bytes are still being programmed after %u ms "
                        "(FLASH_OPTSR_CUR 0x%08x)",
                        timeout_ms, optsr);
    if (rc != STFLASH_OK && h7_rdp_level_of((uint8_t)(v->optsr >> H7_OPTSR_RDP_SHIFT)) == 2)
        return STFLASH_OK; /* the debug port may be closed already */
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot program the option bytes: %s", last_error(f));
    if (optsr & H7_OPTSR_OPTCHANGEERR) {
        (void)dbg_write32(f->dbg, regs1(f) + H7_OPTCCR, H7_OPTCCR_CLR_OPTCHANGEERR);
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "the chip refused the option change (OPTCHANGEERR; FLASH_OPTSR_PRG "
                        "0x%08x, FLASH_OPTSR_CUR 0x%08x)",
                        v->optsr, optsr);
    }
    if (h7_rdp_level_of((uint8_t)(v->optsr >> H7_OPTSR_RDP_SHIFT)) == 2)
        return STFLASH_OK;
    struct h7_optregs got;
    rc = read_regs(f, false, &got);
    if (rc != STFLASH_OK)
        return rc;
    bool same = (got.optsr & DESCRIBED) == (v->optsr & DESCRIBED);
    for (unsigned b = 0; b < banks_of(f); b++)
        same = same && got.wpsn[b] == v->wpsn[b];
    if (!same)
        return ctx_fail(f->ctx, STFLASH_ERR_VERIFY,
                        "the option registers read back FLASH_OPTSR_CUR 0x%08x, WPSN 0x%08x "
                        "0x%08x instead of 0x%08x, 0x%08x 0x%08x after programming",
                        got.optsr, got.wpsn[0], got.wpsn[1], v->optsr, v->wpsn[0], v->wpsn[1]);
    return STFLASH_OK;
}

int h7_options_write(struct flash_dev *f, const struct stflash_options *o)
{
    struct h7_optregs cur, v;
    int rc = read_regs(f, false, &cur);
    if (rc != STFLASH_OK)
        return rc;
    uint8_t rdp = (uint8_t)(cur.optsr >> H7_OPTSR_RDP_SHIFT);
    if (h7_rdp_level_of(rdp) == 2)
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "the option bytes hold read protection level 2 (RDP 0x%02x): they can "
                        "never be changed again",
                        rdp);
    const struct h7_layout *l = h7_layout_of(f->chip->flash_ctrl);
    struct stflash_options now_o;
    h7_options_decode(l, banks_of(f), &cur, &now_o);
    if (o->boot_add0 != now_o.boot_add0 || o->boot_add1 != now_o.boot_add1)
        return ctx_fail(f->ctx, STFLASH_ERR_UNSUPPORTED,
                        "the H7 boot addresses (FLASH_BOOT_PRG BOOT_ADD0/1) are not written here: "
                        "leave out --boot-add0 and --boot-add1");
    if (h7_options_encode(l, banks_of(f), o, &cur, &v) != STFLASH_OK) {
        uint8_t b;
        return h7_rdp_byte(f, o->rdp_level_stored, &b); /* names the problem */
    }
    /* Leaving level 1 for level 0 mass erases both banks first. */
    bool mass = h7_rdp_level_of(rdp) != 0 && o->rdp_level_stored == 0;
    rc = options_job(f, &v, mass ? H7_MASS_ERASE_TIMEOUT_MS : OPTION_TIMEOUT_MS);
    /* OPTLOCK again, whatever happened; the first failure's message is kept. */
    uint32_t now;
    if (dbg_read32(f->dbg, regs1(f) + H7_OPTCR, &now) == STFLASH_OK)
        (void)dbg_write32(f->dbg, regs1(f) + H7_OPTCR,
                          (now & ~H7_OPTCR_OPTSTART) | H7_OPTCR_OPTLOCK);
    return rc;
}

int h7_options_load(struct flash_dev *f)
{
    /* In force once programmed (the _CUR registers follow at once); the reset gives the firmware
     * a clean start with them. */
    return cm_reset(f->dbg, CM_RESET_SYSTEM, true);
}
