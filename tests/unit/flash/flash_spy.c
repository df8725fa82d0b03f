/* The flash tests' debug seam (flash_spy.h). */
#include "flash_spy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32_loader.h"
#include "crc32_v7m_loader.h"

static struct spy *spy_of(struct dbg *d)
{
    return (struct spy *)d;
}

static int spy_read_mem(struct dbg *d, uint32_t addr, uint8_t *buf, size_t len)
{
    struct spy *s = spy_of(d);
    uint64_t lo = addr, hi = (uint64_t)addr + len;
    uint64_t flo = FLASH_BASE, fhi = (uint64_t)FLASH_BASE + s->fx->size;
    if (hi > 0x1FFFF7E8u && lo < 0x1FFFF7F4u)
        s->uid_reads++;
    if (hi > flo && lo < fhi && len == 4)
        s->flash_words++;
    else if (hi > flo && lo < fhi)
        s->flash_read += (hi < fhi ? hi : fhi) - (lo > flo ? lo : flo);
    return dbg_read(&s->fx->sd.dbg, addr, buf, len);
}

static int spy_write_mem(struct dbg *d, uint32_t addr, const uint8_t *buf, size_t len)
{
    struct spy *s = spy_of(d);
    struct fixture *fx = s->fx;
    enum stflash_phase phase = fx->nev ? fx->ev[fx->nev - 1].p.phase : STFLASH_PHASE_READ;
    if (phase == STFLASH_PHASE_ERASE || phase == STFLASH_PHASE_PROGRAM)
        s->written += len;
    if (s->flip_sram && len >= 256 && addr < s->flip_sram && s->flip_sram - addr < len &&
        (phase == STFLASH_PHASE_ERASE || phase == STFLASH_PHASE_PROGRAM)) {
        uint8_t *copy = malloc(len);
        assert_non_null(copy);
        memcpy(copy, buf, len);
        copy[s->flip_sram - addr] ^= 0x01;
        s->flip_sram = 0;
        int rc = dbg_write(&fx->sd.dbg, addr, copy, len);
        free(copy);
        return rc;
    }
    /* The CRC routine (either build) goes into SRAM at the start of a write, with its job. */
    size_t routine =
        len >= CRC32_LOADER_LEN && memcmp(buf, crc32_loader, CRC32_LOADER_LEN) == 0
            ? CRC32_LOADER_LEN
        : len >= CRC32_V7M_LOADER_LEN && memcmp(buf, crc32_v7m_loader, CRC32_V7M_LOADER_LEN) == 0
            ? CRC32_V7M_LOADER_LEN
            : 0;
    if (routine) {
        s->crc_loads++;
        if (phase == STFLASH_PHASE_PROGRAM || phase == STFLASH_PHASE_VERIFY)
            s->crc_loads_late++;
        if (s->spoil != SPOIL_NONE) {
            uint8_t *bad = malloc(len);
            assert_non_null(bad);
            memcpy(bad, buf, len);
            for (size_t i = 0; i + 1 < routine; i += 2) {
                bad[i] = s->spoil == SPOIL_HANG ? 0xFE : 0x00; /* b . / bkpt #0 */
                bad[i + 1] = s->spoil == SPOIL_HANG ? 0xE7 : 0xBE;
            }
            int rc = dbg_write(&s->fx->sd.dbg, addr, bad, len);
            free(bad);
            return rc;
        }
    }
    return dbg_write(&s->fx->sd.dbg, addr, buf, len);
}

static int spy_read_reg(struct dbg *d, unsigned regsel, uint32_t *val)
{
    struct dbg *in = &spy_of(d)->fx->sd.dbg;
    return in->ops->read_reg(in, regsel, val);
}

static int spy_write_reg(struct dbg *d, unsigned regsel, uint32_t val)
{
    struct dbg *in = &spy_of(d)->fx->sd.dbg;
    return in->ops->write_reg(in, regsel, val);
}

static int spy_set_nrst(struct dbg *d, int asserted)
{
    struct dbg *in = &spy_of(d)->fx->sd.dbg;
    return in->ops->set_nrst(in, asserted);
}

static const struct dbg_ops spy_ops = {
    .read_mem = spy_read_mem,
    .write_mem = spy_write_mem,
    .read_reg = spy_read_reg,
    .write_reg = spy_write_reg,
    .set_nrst = spy_set_nrst,
};

static void spy_log(void *user, enum stflash_log_level level, const char *msg)
{
    struct spy *s = user;
    if (level > STFLASH_LOG_INFO)
        return;
    size_t n = strlen(s->log);
    snprintf(s->log + n, sizeof s->log - n, "%s\n", msg);
}

void spy_install(struct fixture *fx, struct spy *s, struct sim_stats *stats)
{
    memset(s, 0, sizeof *s);
    s->dbg.ops = &spy_ops;
    s->dbg.ctx = fx->ctx;
    s->fx = fx;
    fx->f.dbg = &s->dbg;
    stflash_ctx_set_log(fx->ctx, STFLASH_LOG_INFO, spy_log, s);
    memset(stats, 0, sizeof *stats);
    fx->sd.t.stats = stats;
}

void spy_reset(struct fixture *fx, struct spy *s, struct sim_stats *stats)
{
    s->flash_read = 0;
    s->flash_words = 0;
    s->uid_reads = 0;
    s->crc_loads = 0;
    s->crc_loads_late = 0;
    s->log[0] = 0;
    memset(stats, 0, sizeof *stats);
    fx->nev = 0;
}
