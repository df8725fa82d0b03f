/* The debug-access seam over an ST-LINK. */
#include "arm/dbg_stlink.h"

#include <stdbool.h>

#include "arm/cm_store16.h"
#include "arm/cortexm.h"
#include "core/le.h"

static struct dbg_stlink *self(struct dbg *d)
{
    return (struct dbg_stlink *)d;
}

/* A single aligned word: a register of the core, the debug unit or a peripheral, or the
 * control block of a routine in SRAM. */
static bool one_word(uint32_t addr, size_t len)
{
    return len == 4 && (addr & 3u) == 0;
}

/* Single words go through the debug-register commands: one exchange that carries its status,
 * instead of a memory command and a status query (stlink.h). */
static int read_mem(struct dbg *d, uint32_t addr, uint8_t *buf, size_t len)
{
    if (one_word(addr, len)) {
        uint32_t v;
        int rc = stlink_read_debug32(self(d)->sl, addr, &v);
        if (rc == 0)
            le32_put(buf, v);
        return rc;
    }
    return stlink_read_mem(self(d)->sl, addr, buf, len);
}

/* The SRAM region (ARMv7-M ARM B3.1): byte writes there are as good as half-word writes. */
static bool in_sram_region(uint32_t addr, size_t len)
{
    return addr >= 0x20000000u && (uint64_t)addr + len <= 0x40000000u;
}

/* A half-word the probe cannot write as one: the halted core stores it (cm_store16.c). */
static int store16(struct dbg *d, uint32_t addr, uint16_t val)
{
    bool halted = false;
    int rc = cm_is_halted(d, &halted);
    if (rc != 0)
        return rc;
    if (!halted) {
        char ver[32];
        stlink_version_string(self(d)->sl, ver, sizeof ver);
        return ctx_fail(d->ctx, STFLASH_ERR_UNSUPPORTED,
                        "cannot write the half-word at 0x%08x: probe firmware %s has no 16-bit "
                        "memory access (J26 or later has it) and the core runs, so it cannot "
                        "store it instead; halt the core, or update the probe firmware with "
                        "STM32CubeProgrammer (or ST's ST-LINK upgrade tool, STSW-LINK007)",
                        addr, ver);
    }
    return cm_store16(d, addr, val);
}

/*
 * Without 16-bit memory commands (V2 before J26) the probe would split a half-word into two
 * byte writes, which the F1 flash and option bytes refuse (PM0075 §2.3): outside SRAM, words
 * go as 32-bit commands, half-words are stored by the core, odd bytes stay bytes.
 */
static int write_mem(struct dbg *d, uint32_t addr, const uint8_t *buf, size_t len)
{
    struct stlink *sl = self(d)->sl;
    if (one_word(addr, len))
        return stlink_write_debug32(sl, addr, le32_get(buf));
    if ((sl->features & STLINK_F_MEM16) || in_sram_region(addr, len))
        return stlink_write_mem(sl, addr, buf, len);
    for (size_t off = 0; off < len;) {
        uint32_t a = addr + (uint32_t)off;
        size_t left = len - off, n;
        int rc;
        if (!(a & 1u) && left >= 2 && ((a & 2u) || left < 4)) {
            n = 2;
            rc = store16(d, a, le16_get(buf + off));
        } else {
            n = !(a & 3u) && left >= 4 ? left & ~(size_t)3 : 1;
            rc = stlink_write_mem(sl, a, buf + off, n);
        }
        if (rc != 0)
            return rc;
        off += n;
    }
    return 0;
}

static int read_reg(struct dbg *d, unsigned regsel, uint32_t *val)
{
    return stlink_read_reg(self(d)->sl, regsel, val);
}

static int write_reg(struct dbg *d, unsigned regsel, uint32_t val)
{
    return stlink_write_reg(self(d)->sl, regsel, val);
}

static int set_nrst(struct dbg *d, int asserted)
{
    return stlink_drive_nrst(self(d)->sl, asserted ? STLINK_NRST_LOW : STLINK_NRST_HIGH);
}

static const struct dbg_ops stlink_dbg_ops = {
    .read_mem = read_mem,
    .write_mem = write_mem,
    .read_reg = read_reg,
    .write_reg = write_reg,
    .set_nrst = set_nrst,
};

void dbg_stlink_init(struct dbg_stlink *d, struct stlink *sl)
{
    d->base.ops = &stlink_dbg_ops;
    d->base.ctx = sl->ctx;
    d->sl = sl;
}
