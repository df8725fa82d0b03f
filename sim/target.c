/*
 * The simulated target: memory map, bus access for the core and the debugger, resets and the
 * glue between virtual time and the running core.
 */
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "f1_map.h"
#include "target.h"

_Static_assert(sizeof(((struct sim_target *)0)->sysmem) == F1_SYSMEM_PAGE_SIZE,
               "the system-memory page buffer covers the whole mapped page");

static uint32_t round_up_4k(uint32_t v)
{
    return (v + 0xFFFu) & ~0xFFFu;
}

/* Factory data and option bytes live in the system-memory page; keep the copy the core reads
 * there in step with the option-byte array. */
static void sysmem_sync_optbytes(struct sim_target *t)
{
    for (unsigned i = 0; i < 8; i++)
        le16_put(&t->sysmem[F1_OPTBYTES - F1_SYSMEM_PAGE + 2 * i], t->optbytes[i]);
}

static void sysmem_build(struct sim_target *t)
{
    uint8_t *p = t->sysmem;
    memset(p, 0xFF, F1_SYSMEM_PAGE_SIZE);
    /* A boot ROM stand-in for BOOT0 = 1: vector table, then a WFI loop at 0x1FFFF040. */
    le32_put(&p[0], F1_SRAM_BASE + 0x1000u);
    le32_put(&p[4], F1_SYSMEM_PAGE + 0x40u + 1u);
    le16_put(&p[0x40], 0xBF30); /* wfi */
    le16_put(&p[0x42], 0xE7FD); /* b 0x1FFFF040 */
    /* RM0008 §30.2: flash size in KiB; the upper half-word is reserved and reads 0xFFFF. The
     * GD32 keeps its SRAM size in KiB there (stm32-chip-table.md Table 5). */
    le16_put(&p[F1_FLASH_SIZE_REG - F1_SYSMEM_PAGE], (uint16_t)t->cfg.flash_size_reg);
    le16_put(&p[F1_FLASH_SIZE_REG - F1_SYSMEM_PAGE + 2],
             (t->chip->quirks & SIM_CHIP_FSZ_WORD_SRAM) ? (uint16_t)t->chip->sram_kib : 0xFFFF);
    memcpy(&p[F1_UID_BASE - F1_SYSMEM_PAGE], t->uid, sizeof t->uid);
    sysmem_sync_optbytes(t);
}

void sim_target_optbytes_changed(struct sim_target *t)
{
    sysmem_sync_optbytes(t);
}

/* ---- Unicorn callbacks: the core's view of the memory map ---- */

static uint64_t mmio_read(struct sim_target *t, uint32_t addr, unsigned size)
{
    uint32_t v = 0;
    if (sim_bus_read(t, addr, size, &v, SIM_BY_CPU) != SIM_BUS_OK) {
        t->bus_fault_addr = addr;
        t->stop = SIM_STOP_BUS_FAULT;
        uc_emu_stop(t->uc);
        return 0;
    }
    return v;
}

static void mmio_write(struct sim_target *t, uint32_t addr, unsigned size, uint32_t v)
{
    if (sim_bus_write(t, addr, size, v, SIM_BY_CPU) != SIM_BUS_OK) {
        t->bus_fault_addr = addr;
        t->stop = SIM_STOP_BUS_FAULT;
        uc_emu_stop(t->uc);
    }
}

/* Unicorn passes offsets into a mapped window; each window knows its base address. */
static uint64_t window_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    struct sim_mmio_window *w = user;
    return mmio_read(w->t, w->base + (uint32_t)off, size);
}

static void window_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *user)
{
    struct sim_mmio_window *w = user;
    mmio_write(w->t, w->base + (uint32_t)off, size, (uint32_t)v);
}

static int map_window(struct sim_target *t, unsigned i, uint32_t base, uint32_t size)
{
    t->windows[i] = (struct sim_mmio_window){t, base};
    return uc_mmio_map(t->uc, base, size, window_read, &t->windows[i], window_write,
                       &t->windows[i]) != UC_ERR_OK;
}

/* The host memory behind a flash or system-memory address, or NULL. */
static uint8_t *rom_host_ptr(struct sim_target *t, uint32_t addr)
{
    uint32_t boot_size = t->cfg.boot0 ? F1_SYSMEM_PAGE_SIZE : t->flash_size;
    if (addr < boot_size)
        addr += t->cfg.boot0 ? F1_SYSMEM_PAGE : F1_FLASH_BASE;
    if (addr >= F1_FLASH_BASE && addr - F1_FLASH_BASE < t->flash_size)
        return &t->flash[addr - F1_FLASH_BASE];
    if (addr >= F1_SYSMEM_PAGE && addr - F1_SYSMEM_PAGE < F1_SYSMEM_PAGE_SIZE)
        return &t->sysmem[addr - F1_SYSMEM_PAGE];
    return NULL;
}

void sim_target_apply_rom_fixup(struct sim_target *t)
{
    if (!t->rom_fixup.pending)
        return;
    uint8_t *p = rom_host_ptr(t, t->rom_fixup.addr);
    if (p)
        memcpy(p, t->rom_fixup.bytes, t->rom_fixup.size);
    t->rom_fixup.pending = false;
}

/* Stores into flash and system memory (mapped read/execute only) reach the flash controller.
 * Unicorn still performs the store into the mapped buffer after this hook, so the bytes the
 * controller decided on are put back before the next instruction (sim_target_apply_rom_fixup). */
static bool on_write_prot(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
                          int64_t value, void *user)
{
    struct sim_target *t = user;
    sim_target_apply_rom_fixup(t); /* the previous store of a multiple store is done by now */
    enum sim_bus_result r = sim_bus_write(t, (uint32_t)address, (unsigned)size,
                                          (uint32_t)value, SIM_BY_CPU);
    uint8_t *p = rom_host_ptr(t, (uint32_t)address);
    if (p && size >= 1 && size <= 4) {
        t->rom_fixup.pending = true;
        t->rom_fixup.addr = (uint32_t)address;
        t->rom_fixup.size = (unsigned)size;
        memcpy(t->rom_fixup.bytes, p, (size_t)size);
    }
    if (r == SIM_BUS_FAULT) {
        t->bus_fault_addr = (uint32_t)address;
        t->stop = SIM_STOP_BUS_FAULT;
        uc_emu_stop(uc);
    }
    return true;
}

static bool on_unmapped(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
                        int64_t value, void *user)
{
    struct sim_target *t = user;
    t->bus_fault_addr = (uint32_t)address;
    t->stop = SIM_STOP_BUS_FAULT;
    return false;
}

static int map_memory(struct sim_target *t)
{
    uc_engine *uc = t->uc;
    uint32_t rx = UC_PROT_READ | UC_PROT_EXEC;
    uint8_t *boot = t->cfg.boot0 ? t->sysmem : t->flash;
    uint32_t boot_size = t->cfg.boot0 ? F1_SYSMEM_PAGE_SIZE : round_up_4k(t->flash_size);

    if (uc_mem_map_ptr(uc, 0, boot_size, rx, boot) ||
        uc_mem_map_ptr(uc, F1_FLASH_BASE, round_up_4k(t->flash_size), rx, t->flash) ||
        uc_mem_map_ptr(uc, F1_SYSMEM_PAGE, F1_SYSMEM_PAGE_SIZE, rx, t->sysmem) ||
        uc_mem_map_ptr(uc, F1_SRAM_BASE, round_up_4k(t->sram_size), UC_PROT_ALL, t->sram))
        return -1;
    if (map_window(t, 0, F1_SRAM_BITBAND, t->sram_size * 32u) ||
        map_window(t, 1, F1_PERIPH_BASE, F1_PERIPH_END - F1_PERIPH_BASE) ||
        map_window(t, 2, F1_PERIPH_BITBAND, (F1_PERIPH_END - F1_PERIPH_BASE) * 32u) ||
        map_window(t, 3, F1_PPB_BASE, F1_PPB_END - F1_PPB_BASE))
        return -1;
    if (uc_hook_add(uc, &t->hook_wprot, UC_HOOK_MEM_WRITE_PROT, (void *)on_write_prot, t, 1, 0) ||
        uc_hook_add(uc, &t->hook_unmapped, UC_HOOK_MEM_UNMAPPED, (void *)on_unmapped, t, 1, 0))
        return -1;
    return 0;
}

int sim_target_init(struct sim_target *t, const struct sim_target_config *cfg)
{
    memset(t, 0, sizeof *t);
    t->cfg = *cfg;
    t->chip = cfg->chip;
    t->flash_size = (cfg->flash_kib ? cfg->flash_kib : cfg->chip->flash_kib) * 1024u;
    if (t->cfg.flash_size_reg == UINT32_MAX) /* the chip's own value: 0 on some clones */
        t->cfg.flash_size_reg =
            (cfg->chip->quirks & SIM_CHIP_FSZ_READS_ZERO) ? 0 : t->flash_size / 1024u;
    t->sram_size = cfg->chip->sram_kib * 1024u;
    t->flash = malloc(round_up_4k(t->flash_size));
    t->sram = calloc(1, round_up_4k(t->sram_size));
    if (!t->flash || !t->sram)
        goto fail;
    memset(t->flash, 0xFF, round_up_4k(t->flash_size));
    /* A fixed, chip-specific unique ID (RM0008 §30.1: lot number and wafer coordinates). */
    for (unsigned i = 0; i < sizeof t->uid; i++)
        t->uid[i] = (uint8_t)(0x30 + i * 7 + cfg->chip->dev_id);
    /* Option bytes as shipped: RDP level 0 (0xA5), everything else erased (PM0075 §2.5). */
    for (unsigned i = 0; i < 8; i++)
        t->optbytes[i] = 0x00FF;
    t->optbytes[0] = cfg->rdp_level ? 0x00FF : 0x5AA5;
    t->optbytes[1] = 0x00FF; /* USER: WDG_SW, nRST_STOP, nRST_STDBY set */
    sysmem_build(t);

    if (uc_open(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS, &t->uc))
        goto fail;
    if (uc_ctl_set_cpu_model(t->uc, UC_CPU_ARM_CORTEX_M3) || map_memory(t) || cortexm_attach(t))
        goto fail;
    sim_target_power_on_reset(t);
    return 0;
fail:
    sim_target_release(t);
    return -1;
}

void sim_target_release(struct sim_target *t)
{
    if (t->uc)
        uc_close(t->uc);
    free(t->flash);
    free(t->sram);
    t->uc = NULL;
    t->flash = t->sram = NULL;
}

static void reset_common(struct sim_target *t, bool power_on)
{
    f1_periph_reset(t);
    f1_fpec_reset(t);
    t->swd_disabled = false;
    cortexm_reset(t, power_on);
}

void sim_target_power_on_reset(struct sim_target *t)
{
    dap_reset(t);
    reset_common(t, true);
}

void sim_target_system_reset(struct sim_target *t)
{
    reset_common(t, false);
}

void sim_target_do_reset_request(struct sim_target *t)
{
    int kind = t->reset_request;
    t->reset_request = 0;
    if (kind == 2) {
        sim_target_system_reset(t);
        t->per.rcc[9] |= 1u << 28; /* RCC_CSR SFTRSTF (RM0008 §7.3.10) */
    } else if (kind == 1) {
        cortexm_reset(t, false);
    }
}

void sim_target_set_nrst(struct sim_target *t, bool low)
{
    if (!t->cfg.nrst_wired)
        return;
    if (low) {
        /* Held in reset: peripherals and pins in their reset state, SWD pins restored. */
        t->swd_disabled = false;
        t->core.in_reset = true;
        f1_periph_reset(t);
    } else if (t->core.in_reset) {
        t->core.in_reset = false;
        sim_target_system_reset(t);
        t->per.rcc[9] |= 1u << 26; /* RCC_CSR PINRSTF (RM0008 §7.3.10) */
    }
}

bool sim_target_link_up(const struct sim_target *t)
{
    return t->cfg.voltage_mv >= 1700 && !t->swd_disabled;
}

void sim_target_charge(struct sim_target *t, enum sim_cost kind, sim_ps dt)
{
    if (t->stats)
        t->stats->cost_ps[kind] += dt;
    sim_target_advance(t, dt);
}

void sim_target_advance(struct sim_target *t, sim_ps dt)
{
    sim_target_run_until(t, t->now + dt);
}

void sim_target_run_until(struct sim_target *t, sim_ps deadline)
{
    if (deadline <= t->now)
        return;
    if (t->cfg.voltage_mv < 1700) {
        t->now = deadline;
        return;
    }
    cortexm_run(t, deadline);
    f1_fpec_update(t);
}

void sim_target_code_changed(struct sim_target *t, uint32_t addr, uint32_t len)
{
    uc_ctl_remove_cache(t->uc, addr, (uint64_t)addr + len);
    if (addr >= F1_FLASH_BASE && addr < F1_FLASH_BASE + t->flash_size && !t->cfg.boot0)
        uc_ctl_remove_cache(t->uc, addr - F1_FLASH_BASE, (uint64_t)addr - F1_FLASH_BASE + len);
}

void sim_target_drop_all_code(struct sim_target *t)
{
    sim_target_code_changed(t, F1_FLASH_BASE, t->flash_size);
    uc_ctl_remove_cache(t->uc, F1_SYSMEM_PAGE, (uint64_t)F1_SYSMEM_PAGE + F1_SYSMEM_PAGE_SIZE);
    uc_ctl_remove_cache(t->uc, 0, F1_SYSMEM_PAGE_SIZE);
    uc_ctl_remove_cache(t->uc, F1_SRAM_BASE, (uint64_t)F1_SRAM_BASE + t->sram_size);
}

/* ---- the bus ---- */

static uint32_t get_le(const uint8_t *p, unsigned size)
{
    return size == 4 ? le32_get(p) : size == 2 ? le16_get(p) : p[0];
}

static void put_le(uint8_t *p, unsigned size, uint32_t v)
{
    if (size == 4)
        le32_put(p, v);
    else if (size == 2)
        le16_put(p, (uint16_t)v);
    else
        p[0] = (uint8_t)v;
}

/* Bit-band alias (ARMv7-M ARM B3.1.3, RM0008 §3.3.2): one word per bit of the region below. */
static bool in_range(uint32_t addr, uint32_t base, uint32_t size)
{
    return addr >= base && addr - base < size;
}

/* The word and the bit that a bit-band alias address (SRAM or peripherals) stands for; false
 * outside the alias regions. */
static bool bitband_target(const struct sim_target *t, uint32_t addr, uint32_t *word,
                           unsigned *bit)
{
    uint32_t alias, region;
    if (in_range(addr, F1_SRAM_BITBAND, t->sram_size * 32u)) {
        alias = F1_SRAM_BITBAND;
        region = F1_SRAM_BASE;
    } else if (in_range(addr, F1_PERIPH_BITBAND, (F1_PERIPH_END - F1_PERIPH_BASE) * 32u)) {
        alias = F1_PERIPH_BITBAND;
        region = F1_PERIPH_BASE;
    } else {
        return false;
    }
    uint32_t off = addr - alias;
    *word = region + ((off >> 5) & ~3u);
    *bit = (off >> 2) & 31u;
    return true;
}

/* One bit of a word through its bit-band alias: a read gives the bit in *val, a write sets or
 * clears it by a read-modify-write of the whole word. */
static enum sim_bus_result bitband_access(struct sim_target *t, uint32_t word, unsigned bit,
                                          uint32_t *val, bool write, enum sim_initiator who)
{
    uint32_t w;
    if (sim_bus_read(t, word, 4, &w, who) != SIM_BUS_OK)
        return SIM_BUS_FAULT;
    if (!write) {
        *val = (w >> bit) & 1u;
        return SIM_BUS_OK;
    }
    w = (*val & 1u) ? (w | (1u << bit)) : (w & ~(1u << bit));
    return sim_bus_write(t, word, 4, w, who);
}

/* Word-wide peripheral and PPB registers: narrow reads take the addressed lanes. */
static enum sim_bus_result read_word_reg(struct sim_target *t, uint32_t addr, unsigned size,
                                         uint32_t *val, enum sim_initiator who)
{
    uint32_t word = 0, base = addr & ~3u;
    enum sim_bus_result r = base >= F1_PPB_BASE ? scs_read(t, base, &word, who)
                                                : f1_periph_read(t, base, &word);
    if (r != SIM_BUS_OK)
        return r;
    word >>= 8u * (addr & 3u);
    *val = size == 4 ? word : word & ((1u << (8u * size)) - 1u);
    return SIM_BUS_OK;
}

static enum sim_bus_result write_word_reg(struct sim_target *t, uint32_t addr, unsigned size,
                                          uint32_t val, enum sim_initiator who)
{
    uint32_t base = addr & ~3u;
    if (base >= F1_PPB_BASE) {
        uint32_t word = val;
        if (size < 4) { /* byte-wide PPB registers (priorities) are plain storage: merge */
            uint32_t shift = 8u * (addr & 3u), mask = ((1u << (8u * size)) - 1u) << shift;
            if (scs_read(t, base, &word, who) != SIM_BUS_OK)
                return SIM_BUS_FAULT;
            word = (word & ~mask) | ((val << shift) & mask);
        }
        return scs_write(t, base, word, who);
    }
    return f1_periph_write(t, addr, size, val, who);
}

enum sim_bus_result sim_bus_read(struct sim_target *t, uint32_t addr, unsigned size,
                                 uint32_t *val, enum sim_initiator who)
{
    uint32_t boot_size = t->cfg.boot0 ? F1_SYSMEM_PAGE_SIZE : t->flash_size;

    if (in_range(addr, 0, boot_size))
        addr += t->cfg.boot0 ? F1_SYSMEM_PAGE : F1_FLASH_BASE;
    if (in_range(addr, F1_FLASH_BASE, t->flash_size)) {
        /* RM0008 §2.3.? / PM0075 §2.4.1: with read protection active, the debugger cannot read
         * the main flash memory. */
        if (who == SIM_BY_DEBUG && f1_read_protected(t))
            return SIM_BUS_FAULT;
        if (who == SIM_BY_DEBUG && (t->fpec.sr & FLASH_SR_BSY) && t->now < t->fpec.busy_until)
            return SIM_BUS_STALL;
        *val = get_le(&t->flash[addr - F1_FLASH_BASE], size);
        return SIM_BUS_OK;
    }
    if (in_range(addr, F1_SYSMEM_PAGE, F1_SYSMEM_PAGE_SIZE)) {
        *val = get_le(&t->sysmem[addr - F1_SYSMEM_PAGE], size);
        return SIM_BUS_OK;
    }
    if (in_range(addr, F1_SRAM_BASE, t->sram_size)) {
        *val = get_le(&t->sram[addr - F1_SRAM_BASE], size);
        return SIM_BUS_OK;
    }
    uint32_t word;
    unsigned bit;
    if (bitband_target(t, addr, &word, &bit))
        return bitband_access(t, word, bit, val, false, who);
    if (in_range(addr, F1_PERIPH_BASE, F1_PERIPH_END - F1_PERIPH_BASE) ||
        in_range(addr, F1_PPB_BASE, F1_PPB_END - F1_PPB_BASE))
        return read_word_reg(t, addr, size, val, who);
    return SIM_BUS_FAULT;
}

enum sim_bus_result sim_bus_write(struct sim_target *t, uint32_t addr, unsigned size,
                                  uint32_t val, enum sim_initiator who)
{
    uint32_t boot_size = t->cfg.boot0 ? F1_SYSMEM_PAGE_SIZE : t->flash_size;

    if (in_range(addr, 0, boot_size))
        addr += t->cfg.boot0 ? F1_SYSMEM_PAGE : F1_FLASH_BASE;
    if (in_range(addr, F1_FLASH_BASE, t->flash_size))
        return f1_flash_write(t, addr, size, val, who);
    if (in_range(addr, F1_OPTBYTES, 16))
        return f1_optbytes_write(t, addr, size, val, who);
    if (in_range(addr, F1_SYSMEM_PAGE, F1_SYSMEM_PAGE_SIZE))
        return SIM_BUS_OK; /* ROM: writes are ignored */
    if (in_range(addr, F1_SRAM_BASE, t->sram_size)) {
        put_le(&t->sram[addr - F1_SRAM_BASE], size, val);
        if (who == SIM_BY_DEBUG)
            sim_target_code_changed(t, addr, size);
        return SIM_BUS_OK;
    }
    uint32_t word;
    unsigned bit;
    if (bitband_target(t, addr, &word, &bit))
        return bitband_access(t, word, bit, &val, true, who);
    if (in_range(addr, F1_PERIPH_BASE, F1_PERIPH_END - F1_PERIPH_BASE) ||
        in_range(addr, F1_PPB_BASE, F1_PPB_END - F1_PPB_BASE))
        return write_word_reg(t, addr, size, val, who);
    return SIM_BUS_FAULT;
}
