/*
 * The simulated target: memory map, bus access for the core and the debugger, resets and the
 * glue between virtual time and the running core.
 */
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "target.h"

#define SIM_SRAM_BITBAND 0x22000000u
#define SIM_PERIPH_BASE 0x40000000u
#define SIM_PERIPH_BITBAND 0x42000000u
#define SIM_PPB_BASE 0xE0000000u
#define SIM_PPB_END 0xE0100000u
#define SIM_SYSMEM_END 0x20000000u

static bool in_range(uint32_t addr, uint32_t base, uint32_t size);

static uint32_t round_up_4k(uint32_t v)
{
    return (v + 0xFFFu) & ~0xFFFu;
}

/* Factory data and option bytes live in system memory; keep the copy the core reads there in
 * step with the option-byte array. */
static void sysmem_sync_optbytes(struct sim_target *t)
{
    if (t->family->flash->optbytes_sync) {
        t->family->flash->optbytes_sync(t);
        return;
    }
    uint32_t off = t->family->optbytes_base - t->family->sysmem_base;
    for (unsigned i = 0; i < 8; i++)
        le16_put(&t->sysmem[off + 2 * i], t->optbytes[i]);
}

static void sysmem_build(struct sim_target *t)
{
    const struct sim_family *fam = t->family;
    uint8_t *p = t->sysmem;
    uint32_t base = fam->sysmem_base;
    memset(p, 0xFF, t->sysmem_size);
    /* A boot ROM stand-in for BOOT0 = 1: vector table, then a WFI loop at base + 0x40. */
    le32_put(&p[0], fam->sram_base + 0x1000u);
    le32_put(&p[4], base + 0x40u + 1u);
    le16_put(&p[0x40], 0xBF30); /* wfi */
    le16_put(&p[0x42], 0xE7FD); /* b base + 0x40 */
    /* RM0008 §30.2, RM0091 §33.2, RM0316 §34.2: flash size in KiB; the upper half-word is
     * reserved and reads 0xFFFF. The GD32 keeps its SRAM size in KiB there (docs/chips.md,
     * clones). */
    if (in_range(fam->flash_size_reg, base, t->sysmem_size - 4u)) { /* the H7A3's is not */
        le16_put(&p[fam->flash_size_reg - base], (uint16_t)t->cfg.flash_size_reg);
        le16_put(&p[fam->flash_size_reg - base + 2],
                 (t->chip->quirks & SIM_CHIP_FSZ_WORD_SRAM) ? (uint16_t)t->chip->sram_kib : 0xFFFF);
    }
    if (in_range(fam->uid_base, base, t->sysmem_size - sizeof t->uid))
        memcpy(&p[fam->uid_base - base], t->uid, sizeof t->uid);
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
    w->t->mmio_seq++;
    return mmio_read(w->t, w->base + (uint32_t)off, size);
}

static void window_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *user)
{
    struct sim_mmio_window *w = user;
    w->t->mmio_seq++;
    mmio_write(w->t, w->base + (uint32_t)off, size, (uint32_t)v);
}

static int map_window(struct sim_target *t, unsigned i, uint32_t base, uint32_t size)
{
    t->windows[i] = (struct sim_mmio_window){t, base};
    return uc_mmio_map(t->uc, base, size, window_read, &t->windows[i], window_write,
                       &t->windows[i]) != UC_ERR_OK;
}

static bool in_range(uint32_t addr, uint32_t base, uint32_t size)
{
    return addr >= base && addr - base < size;
}

/* The memory aliased at address 0 by the boot pins: flash, or system memory with BOOT0 high. */
static uint32_t boot_alias_size(const struct sim_target *t)
{
    return t->cfg.boot0 ? t->sysmem_size : t->flash_size;
}

static uint32_t unalias(const struct sim_target *t, uint32_t addr)
{
    if (in_range(addr, 0, boot_alias_size(t)))
        addr += t->cfg.boot0 ? t->family->sysmem_base : t->family->flash_base;
    return addr;
}

/* The host memory behind a flash or system-memory address, or NULL. */
/* Where the len bytes at addr live on the host, when they lie in one of flash, system memory or
 * EEPROM; NULL otherwise, also for an unaligned store running past the end of one. */
static uint8_t *rom_host_ptr(struct sim_target *t, uint32_t addr, unsigned len)
{
    addr = unalias(t, addr);
    struct {
        uint8_t *host;
        uint32_t base, size;
    } const regions[] = {
        {t->flash, t->family->flash_base, t->flash_size},
        {t->sysmem, t->family->sysmem_base, t->sysmem_size},
        {t->eeprom, t->family->eeprom_base, t->eeprom ? t->eeprom_size : 0},
    };
    for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
        if (in_range(addr, regions[i].base, regions[i].size))
            return regions[i].size - (addr - regions[i].base) >= len
                       ? &regions[i].host[addr - regions[i].base]
                       : NULL;
    return NULL;
}

void sim_target_apply_rom_fixup(struct sim_target *t)
{
    if (!t->rom_fixup.pending)
        return;
    uint8_t *p = rom_host_ptr(t, t->rom_fixup.addr, t->rom_fixup.size);
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
    enum sim_bus_result r =
        sim_bus_write(t, (uint32_t)address, (unsigned)size, (uint32_t)value, SIM_BY_CPU);
    uint8_t *p = size >= 1 && size <= 4 ? rom_host_ptr(t, (uint32_t)address, (unsigned)size) : NULL;
    if (p) {
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

static bool on_unmapped(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value,
                        void *user)
{
    struct sim_target *t = user;
    t->bus_fault_addr = (uint32_t)address;
    t->stop = SIM_STOP_BUS_FAULT;
    return false;
}

/* The size of the peripheral bit-band region: the family's window at 0x40000000 (ARMv7-M
 * B3.1.3: the alias covers at most 1 MiB). */
static uint32_t periph_bitband_size(const struct sim_target *t)
{
    const struct sim_family *fam = t->family;
    for (unsigned i = 0; i < fam->n_windows; i++)
        if (fam->windows[i].base == SIM_PERIPH_BASE)
            return fam->windows[i].size;
    return 0;
}

static int map_memory(struct sim_target *t)
{
    uc_engine *uc = t->uc;
    const struct sim_family *fam = t->family;
    uint32_t rx = UC_PROT_READ | UC_PROT_EXEC;
    uint8_t *boot = t->cfg.boot0 ? t->sysmem : t->flash;
    uint32_t boot_size = t->cfg.boot0 ? t->sysmem_size : round_up_4k(t->flash_size);

    if (uc_mem_map_ptr(uc, 0, boot_size, rx, boot) ||
        uc_mem_map_ptr(uc, fam->flash_base, round_up_4k(t->flash_size), rx, t->flash) ||
        uc_mem_map_ptr(uc, fam->sysmem_base, t->sysmem_size, rx, t->sysmem) ||
        uc_mem_map_ptr(uc, fam->sram_base, round_up_4k(t->sram_size), UC_PROT_ALL, t->sram))
        return -1;
    /* A CCM on the data bus alone is not executable: a fetch from it ends the run with
     * UC_ERR_FETCH_PROT, an instruction bus error (sim/cortexm.c). */
    uint32_t ccm_prot = fam->ccm_data_only ? UC_PROT_READ | UC_PROT_WRITE : UC_PROT_ALL;
    if (t->ccm && uc_mem_map_ptr(uc, fam->ccm_base, round_up_4k(t->ccm_size), ccm_prot, t->ccm))
        return -1;
    /* The data EEPROM: read like flash, stores go to the flash controller. */
    if (t->eeprom &&
        uc_mem_map_ptr(uc, fam->eeprom_base, round_up_4k(t->eeprom_size), rx, t->eeprom))
        return -1;
    unsigned w = 0;
    for (unsigned i = 0; i < fam->n_windows; i++)
        if (map_window(t, w++, fam->windows[i].base, fam->windows[i].size))
            return -1;
    if (fam->bitband && (map_window(t, w++, SIM_SRAM_BITBAND, t->sram_size * 32u) ||
                         map_window(t, w++, SIM_PERIPH_BITBAND, periph_bitband_size(t) * 32u)))
        return -1;
    if (map_window(t, w++, SIM_PPB_BASE, SIM_PPB_END - SIM_PPB_BASE))
        return -1;
    if (uc_hook_add(uc, &t->hook_wprot, UC_HOOK_MEM_WRITE_PROT, (void *)on_write_prot, t, 1, 0) ||
        uc_hook_add(uc, &t->hook_unmapped, UC_HOOK_MEM_UNMAPPED, (void *)on_unmapped, t, 1, 0))
        return -1;
    return 0;
}

int sim_target_init(struct sim_target *t, const struct sim_target_config *cfg)
{
    memset(t, 0, sizeof *t);
    sim_swo_init(&t->swo);
    t->cfg = *cfg;
    t->chip = cfg->chip;
    t->family = cfg->chip->family;
    t->cpu = t->family->core;
    if (cfg->rdp_level < 0 || cfg->rdp_level > t->family->max_rdp_level)
        return -1;
    t->flash_size = (cfg->flash_kib ? cfg->flash_kib : cfg->chip->flash_kib) * 1024u;
    if (t->cfg.flash_size_reg == UINT32_MAX) /* the chip's own value: 0 on some clones */
        t->cfg.flash_size_reg =
            (cfg->chip->quirks & SIM_CHIP_FSZ_READS_ZERO) ? 0 : t->flash_size / 1024u;
    t->sram_size = cfg->chip->sram_kib * 1024u;
    t->ccm_size = cfg->chip->ccm_kib * 1024u;
    t->sysmem_size = t->family->sysmem_len
                         ? t->family->sysmem_len
                         : (t->family->sysmem_end ? t->family->sysmem_end : SIM_SYSMEM_END) -
                               t->family->sysmem_base;
    if (!t->family->sysmem_len && t->sysmem_size > SIM_SYSMEM_MAX)
        return -1;
    t->eeprom_size = t->family->eeprom_base ? cfg->chip->eeprom_bytes : 0;
    if (t->eeprom_size) {
        t->eeprom = calloc(1, round_up_4k(t->eeprom_size)); /* erased: 0x00 (RM0377 §3.3.1) */
        if (!t->eeprom)
            goto fail;
    }
    t->sysmem = malloc(t->sysmem_size);
    t->flash = malloc(round_up_4k(t->flash_size));
    t->sram = calloc(1, round_up_4k(t->sram_size));
    t->ccm = t->ccm_size ? calloc(1, round_up_4k(t->ccm_size)) : NULL;
    if (!t->sysmem || !t->flash || !t->sram || (t->ccm_size && !t->ccm))
        goto fail;
    memset(t->flash, t->family->erased_zero ? 0x00 : 0xFF, round_up_4k(t->flash_size));
    /* A fixed, chip-specific unique ID (RM0008 §30.1: lot number and wafer coordinates). */
    for (unsigned i = 0; i < sizeof t->uid; i++)
        t->uid[i] = (uint8_t)(0x30 + i * 7 + cfg->chip->dev_id);
    /* Several boards of one daemon are several chips: their IDs differ in the wafer
     * coordinates (the first word), as two chips of one lot would. */
    t->uid[0] = (uint8_t)(t->uid[0] + cfg->uid_index);
    t->uid[1] = (uint8_t)(t->uid[1] + (cfg->uid_index >> 8));
    t->family->flash->optbytes_default(t, cfg->rdp_level);
    if (cfg->wdg_hw) /* USER bit 0 WDG_SW = 0, its complement bit set (PM0075 §2.5) */
        t->optbytes[1] = (uint16_t)((t->optbytes[1] & ~0x0001u) | 0x0100u);
    sysmem_build(t);

    if (uc_open(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS, &t->uc))
        goto fail;
    if (uc_ctl_set_cpu_model(t->uc, t->cpu->uc_model) || map_memory(t) || cortexm_attach(t))
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
    free(t->ccm);
    free(t->sysmem);
    free(t->eeprom);
    free(t->flash_misread_buf);
    t->flash_misread_buf = NULL;
    t->uc = NULL;
    t->flash = t->sram = t->ccm = t->sysmem = t->eeprom = NULL;
}

static void reset_common(struct sim_target *t, bool power_on, bool option_load)
{
    t->family->periph_reset(t);
    t->power_on = power_on;
    t->reset_loads_options = power_on || option_load;
    t->family->flash->reset(t);
    t->reset_loads_options = false;
    sim_iwdg_reset(t); /* after the option bytes load: WDG_SW may start it */
    sim_wwdg_reset(t); /* WDGA is cleared by a reset only (RM0008 §20.2) */
    t->swd_disabled = false;
    /* Level 2 turns the debug port off for good once the options load (RM0091 §3.3.1). */
    t->debug_locked = t->family->flash->rdp_level(t) == 2;
    cortexm_reset(t, power_on);
}

void sim_target_power_on_reset(struct sim_target *t)
{
    dap_reset(t);
    if (t->family->flash == &sim_fpec_ops)
        t->per.rcc[9] = 0; /* F0/F1/F3 RCC_CSR: the flags start afresh (periph_reset keeps them) */
    reset_common(t, true, false);
    t->family->reset_cause(t, (1u << 27) | (1u << 26)); /* PORRSTF | PINRSTF (RM0008 §7.3.10) */
}

void sim_target_system_reset(struct sim_target *t)
{
    reset_common(t, false, false);
}

void sim_target_do_reset_request(struct sim_target *t)
{
    int kind = t->reset_request;
    t->reset_request = SIM_RESET_NONE;
    if (kind == SIM_RESET_SYSTEM) {
        sim_target_system_reset(t);
        t->family->reset_cause(t, 1u << 28); /* RCC_CSR SFTRSTF (RM0008 §7.3.10) */
    } else if (kind == SIM_RESET_OPTION_LOAD) {
        reset_common(t, false, true);
        t->family->reset_cause(t, 1u << 25); /* RCC_CSR OBLRSTF (RM0091 §6.4.10) */
    } else if (kind == SIM_RESET_WWDG) {
        sim_target_system_reset(t);
        t->family->reset_cause(t, 1u << 30); /* RCC_CSR WWDGRSTF (RM0008 §7.3.10) */
    } else if (kind == SIM_RESET_CORE) {
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
        t->family->periph_reset(t);
    } else if (t->core.in_reset) {
        t->core.in_reset = false;
        sim_target_system_reset(t);
        t->family->reset_cause(t, 1u << 26); /* RCC_CSR PINRSTF (RM0008 §7.3.10) */
    }
}

bool sim_target_link_up(const struct sim_target *t)
{
    return t->cfg.voltage_mv >= 1700 && !t->swd_disabled && !t->debug_locked;
}

int sim_target_rdp_level(const struct sim_target *t)
{
    return t->family->flash->rdp_level(t);
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
    /* Run up to the watchdogs' expiry at most, so that their reset comes on time. */
    while (t->now < deadline) {
        sim_ps wdg = sim_iwdg_deadline(t);
        sim_ps wwdg = sim_wwdg_deadline(t);
        if (wwdg < wdg)
            wdg = wwdg;
        cortexm_run(t, wdg > t->now && wdg < deadline ? wdg : deadline);
        t->family->flash->update(t);
        if (t->family->periph_update)
            t->family->periph_update(t);
        if (sim_iwdg_expired(t)) {
            sim_target_system_reset(t);
            t->family->reset_cause(t, 1u << 29); /* RCC_CSR IWDGRSTF (RM0008 §7.3.10) */
        }
        if (sim_wwdg_expired(t)) {
            sim_target_system_reset(t);
            t->family->reset_cause(t, 1u << 30); /* RCC_CSR WWDGRSTF (RM0008 §7.3.10) */
        }
    }
}

void sim_target_code_changed(struct sim_target *t, uint32_t addr, uint32_t len)
{
    uint32_t flash = t->family->flash_base;
    uc_ctl_remove_cache(t->uc, addr, (uint64_t)addr + len);
    if (in_range(addr, flash, t->flash_size) && !t->cfg.boot0)
        uc_ctl_remove_cache(t->uc, addr - flash, (uint64_t)addr - flash + len);
}

/* The core's view of the flash array (and of its alias at 0 when the chip boots from flash):
 * the array, or while the flash is read with too few wait states (sim_target_set_flash_misread)
 * a buffer of all ones, so that code fetched from the flash and constants read from it are
 * wrong the same way every time. Unicorn reads mapped memory without a hook, so the view is
 * swapped by mapping the other buffer. */
void sim_target_remap_flash(struct sim_target *t)
{
    const struct sim_family *fam = t->family;
    uint32_t size = round_up_4k(t->flash_size);
    uint8_t *view = t->flash;
    t->flash_remap_pending = false;
    if (t->flash_misread) {
        if (!t->flash_misread_buf)
            t->flash_misread_buf = malloc(size);
        if (!t->flash_misread_buf)
            return;
        memset(t->flash_misread_buf, 0xFF, size); /* core stores may have reached it */
        view = t->flash_misread_buf;
    }
    uint32_t rx = UC_PROT_READ | UC_PROT_EXEC;
    uc_mem_unmap(t->uc, fam->flash_base, size);
    uc_mem_map_ptr(t->uc, fam->flash_base, size, rx, view);
    if (!t->cfg.boot0) {
        uc_mem_unmap(t->uc, 0, size);
        uc_mem_map_ptr(t->uc, 0, size, rx, view);
    }
    sim_target_code_changed(t, fam->flash_base, t->flash_size);
}

static const int poll_regs[SIM_POLL_REGS] = {
    UC_ARM_REG_R0,  UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3,  UC_ARM_REG_R4,  UC_ARM_REG_R5,
    UC_ARM_REG_R6,  UC_ARM_REG_R7, UC_ARM_REG_R8, UC_ARM_REG_R9,  UC_ARM_REG_R10, UC_ARM_REG_R11,
    UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_XPSR};

/* A loop that polls a busy flag: when the core reads the flag again with every register as at
 * the last read and no other peripheral access in between, each further turn of the loop is the
 * same as this one until the flag changes, so the turns up to `until` (the end of the busy time)
 * are charged in virtual time without being emulated one by one. Bounded by the run's deadline
 * and SysTick's next wrap, so that nothing the firmware could see happens in between. */
void sim_target_poll_busy(struct sim_target *t, sim_ps until)
{
    struct sim_poll *p = &t->poll;
    uint32_t regs[SIM_POLL_REGS];
    if (!t->core.in_run)
        return;
    for (unsigned i = 0; i < SIM_POLL_REGS; i++) {
        regs[i] = 0;
        uc_reg_read(t->uc, poll_regs[i], &regs[i]);
    }
    if (p->seq + 1u == t->mmio_seq && t->now > p->at && memcmp(regs, p->regs, sizeof regs) == 0) {
        sim_ps period = t->now - p->at;
        sim_ps limit = until;
        if (t->run_deadline < limit)
            limit = t->run_deadline;
        if (t->core.syst_next_wrap < limit)
            limit = t->core.syst_next_wrap;
        if (limit > t->now + period)
            t->now += (limit - t->now - 1u) / period * period;
    }
    memcpy(p->regs, regs, sizeof regs);
    p->at = t->now;
    p->seq = t->mmio_seq;
}

void sim_target_set_flash_misread(struct sim_target *t, bool misread)
{
    if (t->flash_misread == misread)
        return;
    t->flash_misread = misread;
    if (!t->uc)
        return;
    if (t->core.in_run) { /* not under the running code's feet: when the run stops */
        t->flash_remap_pending = true;
        uc_emu_stop(t->uc);
        return;
    }
    sim_target_remap_flash(t);
}

void sim_target_drop_all_code(struct sim_target *t)
{
    const struct sim_family *fam = t->family;
    sim_target_code_changed(t, fam->flash_base, t->flash_size);
    uc_ctl_remove_cache(t->uc, fam->sysmem_base, (uint64_t)fam->sysmem_base + t->sysmem_size);
    uc_ctl_remove_cache(t->uc, 0, t->sysmem_size);
    uc_ctl_remove_cache(t->uc, fam->sram_base, (uint64_t)fam->sram_base + t->sram_size);
    if (t->ccm)
        uc_ctl_remove_cache(t->uc, fam->ccm_base, (uint64_t)fam->ccm_base + t->ccm_size);
}

static void on_flash_read(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
                          int64_t value, void *user)
{
    (void)uc, (void)type, (void)size, (void)value;
    struct sim_target *t = user;
    uint32_t addr = unalias(t, (uint32_t)address);
    if (t->family->flash->array_read && in_range(addr, t->family->flash_base, t->flash_size))
        t->family->flash->array_read(t, addr);
}

void sim_target_apply_flash_watch(struct sim_target *t)
{
    if (!t->uc || t->flash_reads_watched == (t->hook_flash_read != 0))
        return;
    if (t->flash_reads_watched) {
        /* The flash and its alias at 0 (the hook's range covers both). */
        uint64_t end = (uint64_t)t->family->flash_base + t->flash_size - 1u;
        if (uc_hook_add(t->uc, &t->hook_flash_read, UC_HOOK_MEM_READ, (void *)on_flash_read, t, 0,
                        end) != UC_ERR_OK)
            t->hook_flash_read = 0;
    } else {
        uc_hook_del(t->uc, t->hook_flash_read);
        t->hook_flash_read = 0;
    }
    sim_target_drop_all_code(t); /* translated code follows the hook's coming or going */
}

void sim_target_watch_flash_reads(struct sim_target *t, bool on)
{
    t->flash_reads_watched = on;
    if (!t->core.in_run) {
        sim_target_apply_flash_watch(t);
    } else if (on && !t->hook_flash_read) {
        /* In place before the next instruction: the run ends there as at its deadline
         * (sim/cortexm.c on_code); stopping Unicorn in a store's hook runs the store again. */
        t->run_deadline = t->now;
    }
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

/* The word and the bit that a bit-band alias address (SRAM or peripherals) stands for; false
 * outside the alias regions. */
static bool bitband_target(const struct sim_target *t, uint32_t addr, uint32_t *word, unsigned *bit)
{
    /* Bit-band alias (ARMv7-M ARM B3.1.3, RM0008 §3.3.2): one word per bit of the region
     * below. The Cortex-M0 has none (ARMv6-M). */
    uint32_t alias, region;
    if (!t->family->bitband) {
        return false;
    } else if (in_range(addr, SIM_SRAM_BITBAND, t->sram_size * 32u)) {
        alias = SIM_SRAM_BITBAND;
        region = t->family->sram_base;
    } else if (in_range(addr, SIM_PERIPH_BITBAND, periph_bitband_size(t) * 32u)) {
        alias = SIM_PERIPH_BITBAND;
        region = SIM_PERIPH_BASE;
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
    enum sim_bus_result r = base >= SIM_PPB_BASE
                                ? ppb_read(t, base, &word, who)
                                : t->family->periph_access(t, base, &word, NULL, who);
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
    if (base >= SIM_ITM_STIM_BASE && base < SIM_ITM_STIM_END && addr == base) {
        /* ITM stimulus ports: the access size is the packet's payload size (sim/swo.h). */
        sim_itm_stimulus(t, (base - SIM_ITM_STIM_BASE) / 4u, size, val);
        return SIM_BUS_OK;
    }
    if (base >= SIM_PPB_BASE) {
        uint32_t word = val;
        if (size < 4) { /* byte-wide PPB registers (priorities) are plain storage: merge */
            uint32_t shift = 8u * (addr & 3u), mask = ((1u << (8u * size)) - 1u) << shift;
            if (ppb_read(t, base, &word, who) != SIM_BUS_OK)
                return SIM_BUS_FAULT;
            word = (word & ~mask) | ((val << shift) & mask);
        }
        return ppb_write(t, base, word, who);
    }
    /* Narrow writes to 32-bit peripheral registers: the bus replicates the data on every lane. */
    uint32_t word = size == 4 ? val : size == 1 ? val * 0x01010101u : (val & 0xFFFFu) * 0x00010001u;
    return t->family->periph_access(t, base, NULL, &word, who);
}

/* Inside one of the family's peripheral windows or the PPB. */
static bool in_registers(const struct sim_target *t, uint32_t addr)
{
    const struct sim_family *fam = t->family;
    for (unsigned i = 0; i < fam->n_windows; i++)
        if (in_range(addr, fam->windows[i].base, fam->windows[i].size))
            return true;
    return in_range(addr, SIM_PPB_BASE, SIM_PPB_END - SIM_PPB_BASE);
}

/* A word of memory Unicorn holds for the core (SRAM, CCM SRAM), or NULL. */
static uint8_t *ram_host_ptr(struct sim_target *t, uint32_t addr, unsigned size)
{
    const struct sim_family *fam = t->family;
    if (in_range(addr, fam->sram_base, t->sram_size) &&
        addr - fam->sram_base + size <= t->sram_size)
        return &t->sram[addr - fam->sram_base];
    if (t->ccm && in_range(addr, fam->ccm_base, t->ccm_size) &&
        addr - fam->ccm_base + size <= t->ccm_size)
        return &t->ccm[addr - fam->ccm_base];
    return NULL;
}

enum sim_bus_result sim_bus_read(struct sim_target *t, uint32_t addr, unsigned size, uint32_t *val,
                                 enum sim_initiator who)
{
    const struct sim_family *fam = t->family;
    addr = unalias(t, addr);
    if (in_range(addr, fam->flash_base, t->flash_size)) {
        /* PM0075 §2.4.1, RM0091 §3.3.1: with read protection active, the debugger cannot read
         * the main flash memory. */
        if (who == SIM_BY_DEBUG && fam->flash->rdp_level(t) > 0)
            return SIM_BUS_FAULT;
        if (fam->flash->array_read)
            fam->flash->array_read(t, addr);
        if (who == SIM_BY_DEBUG && t->now < fam->flash->busy_until(t))
            return SIM_BUS_STALL; /* the flash is busy programming or erasing */
        if (who == SIM_BY_DEBUG && fam->flash->array_hidden && fam->flash->array_hidden(t, addr)) {
            *val = 0;
            return SIM_BUS_OK;
        }
        if (who == SIM_BY_CPU && t->flash_misread) { /* too few wait states: all ones */
            *val = size >= 4 ? UINT32_MAX : (1u << (8u * size)) - 1u;
            return SIM_BUS_OK;
        }
        *val = get_le(&t->flash[addr - fam->flash_base], size);
        return SIM_BUS_OK;
    }
    if (in_range(addr, fam->sysmem_base, t->sysmem_size)) {
        *val = get_le(&t->sysmem[addr - fam->sysmem_base], size);
        return SIM_BUS_OK;
    }
    if (t->eeprom && in_range(addr, fam->eeprom_base, t->eeprom_size)) {
        /* RM0377 §3.4.1: under level 1 the debugger cannot read the data EEPROM either. */
        if (who == SIM_BY_DEBUG && fam->flash->rdp_level(t) > 0)
            return SIM_BUS_FAULT;
        if (who == SIM_BY_DEBUG && t->now < fam->flash->busy_until(t))
            return SIM_BUS_STALL;
        *val = get_le(&t->eeprom[addr - fam->eeprom_base], size);
        return SIM_BUS_OK;
    }
    uint8_t *ram = ram_host_ptr(t, addr, size);
    if (ram) {
        *val = get_le(ram, size);
        return SIM_BUS_OK;
    }
    uint32_t word;
    unsigned bit;
    if (bitband_target(t, addr, &word, &bit))
        return bitband_access(t, word, bit, val, false, who);
    if (in_registers(t, addr))
        return read_word_reg(t, addr, size, val, who);
    return SIM_BUS_FAULT;
}

enum sim_bus_result sim_bus_write(struct sim_target *t, uint32_t addr, unsigned size, uint32_t val,
                                  enum sim_initiator who)
{
    const struct sim_family *fam = t->family;
    addr = unalias(t, addr);
    if (in_range(addr, fam->flash_base, t->flash_size))
        return fam->flash->array_write(t, addr, size, val, who);
    if (t->eeprom && in_range(addr, fam->eeprom_base, t->eeprom_size))
        return fam->flash->array_write(t, addr, size, val, who);
    if (in_range(addr, fam->optbytes_base, fam->optbytes_len ? fam->optbytes_len : 16))
        return fam->flash->optbytes_write(t, addr, size, val, who);
    if (in_range(addr, fam->sysmem_base, t->sysmem_size))
        return SIM_BUS_OK; /* ROM: writes are ignored */
    uint8_t *ram = ram_host_ptr(t, addr, size);
    if (ram) {
        put_le(ram, size, val);
        if (who == SIM_BY_DEBUG)
            sim_target_code_changed(t, addr, size);
        return SIM_BUS_OK;
    }
    uint32_t word;
    unsigned bit;
    if (bitband_target(t, addr, &word, &bit))
        return bitband_access(t, word, bit, &val, true, who);
    if (in_registers(t, addr))
        return write_word_reg(t, addr, size, val, who);
    return SIM_BUS_FAULT;
}

/* DMA stores into RAM where the core may have run code (sim/f1_dma.c overwriting a running
 * loader): removing each stored range from Unicorn's cache as a debugger's write does trips
 * Unicorn 2.0's assertion on its page lists once the core has run into what the stream wrote,
 * so the whole cache is dropped instead, once, before the core runs again. A store during a run
 * (a memory-to-memory channel the core enabled) ends the run after this instruction. Stores to
 * registers are made as a debugger's (no wait on a busy flash controller). */
enum sim_bus_result sim_target_dma_write(struct sim_target *t, uint32_t addr, unsigned size,
                                         uint32_t val)
{
    if (!ram_host_ptr(t, unalias(t, addr), size))
        return sim_bus_write(t, addr, size, val, SIM_BY_DEBUG); /* registers: as before */
    t->code_flush_pending = true;
    if (t->core.in_run)
        t->run_deadline = t->now;
    return sim_bus_write(t, addr, size, val, SIM_BY_CPU);
}

void sim_target_flush_pending_code(struct sim_target *t)
{
    if (t->code_flush_pending && !t->core.in_run) {
        uc_ctl_flush_tlb(t->uc); /* UC_CTL_TB_FLUSH: every translation block */
        t->code_flush_pending = false;
    }
}
