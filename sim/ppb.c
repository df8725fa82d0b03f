/*
 * The private peripheral bus of the core (0xE0000000-0xE00FFFFF): the system control space
 * (sim/scs.c), FPB/BPU, DWT, ITM, TPIU and ETM identification, the STM32 DBGMCU where the family
 * puts it there, and the CoreSight ROM table. What the core has is its sim_core_model's
 * (sim/cores.c): the ARMv6-M parts (Cortex-M0) lack CYCCNT and FPB remapping. References:
 * ARMv7-M ARM (DDI 0403) C1.6-C1.11; ARMv6-M ARM (DDI 0419) C1.6-C1.8; RM0008 §31, RM0091 §32,
 * RM0316 §33 for DBGMCU and the STM32 ROM table. The Cortex-M7 (DDI 0489) adds FPB version 2
 * (§9.3, ARMv7-M C1.11) and a ROM table above the PPB one (§9.1).
 */
#include "target.h"

#define ITM_BASE 0xE0000000u
#define DWT_BASE 0xE0001000u
#define FPB_BASE 0xE0002000u
#define SCS_BASE 0xE000E000u
#define PPB_DBGMCU 0xE0042000u
#define TPIU_BASE 0xE0040000u
#define ROM_BASE 0xE00FF000u

#define DWT_FUNCTION_MATCHED (1u << 24)

bool ppb_id_register(uint32_t off, uint64_t pidr, uint32_t cidr, uint32_t *val)
{
    if (off >= 0xFD0u && off <= 0xFDCu) {
        *val = off == 0xFD0u ? (uint32_t)(pidr >> 32) & 0xFFu : 0u;
        return true;
    }
    if (off >= 0xFE0u && off <= 0xFECu) {
        *val = (uint32_t)(pidr >> (8u * ((off - 0xFE0u) / 4u))) & 0xFFu;
        return true;
    }
    if (off >= 0xFF0u) {
        *val = (cidr >> (8u * ((off - 0xFF0u) / 4u))) & 0xFFu;
        return true;
    }
    return false;
}

static const struct sim_component *component_at(const struct sim_target *t, uint32_t addr)
{
    for (unsigned i = 0; i < t->cpu->n_components; i++)
        if ((addr & ~0xFFFu) == t->cpu->components[i].base)
            return &t->cpu->components[i];
    return NULL;
}

static uint32_t dwt_cyccnt(struct sim_target *t)
{
    struct cortexm *c = &t->core;
    if (!(c->dwt_ctrl & 1u))
        return c->dwt_cyccnt_base;
    return c->dwt_cyccnt_base + (uint32_t)((t->now - c->dwt_cyccnt_time) / t->cycle_ps);
}

static enum sim_bus_result dwt_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                      const uint32_t *wr)
{
    struct cortexm *c = &t->core;
    if (off >= 0x20 && off < 0x20 + 16u * t->cpu->dwt_comp) {
        unsigned n = (off - 0x20) / 16, reg = (off - 0x20) % 16;
        uint32_t *r = reg == 0   ? &c->dwt_comp[n]
                      : reg == 4 ? &c->dwt_mask[n]
                      : reg == 8 ? &c->dwt_function[n]
                                 : NULL;
        if (rd) {
            *rd = r ? *r : 0;
            if (reg == 8)
                c->dwt_function[n] &= ~DWT_FUNCTION_MATCHED; /* cleared by the read (C1.8.17) */
        } else if (r) {
            if (reg == 8) /* MATCHED is read-only */
                *r = (*wr & ~DWT_FUNCTION_MATCHED) | (*r & DWT_FUNCTION_MATCHED);
            else
                *r = reg == 4 ? *wr & 0x1Fu : *wr; /* MASK: bits [4:0] */
            cortexm_update_watchpoints(t);
        }
        return SIM_BUS_OK;
    }
    switch (off) {
    case 0x00:
        if (rd) {
            *rd = c->dwt_ctrl;
        } else if (t->cpu->arch == SIM_ARMV6M) {
            /* ARMv6-M C1.8.2: DWT_CTRL holds NUMCOMP only; no CYCCNT. */
        } else {
            uint32_t cnt = dwt_cyccnt(t);
            c->dwt_ctrl = (c->dwt_ctrl & 0xF0000000u) | (*wr & 0x007F1FFFu);
            c->dwt_cyccnt_base = cnt;
            c->dwt_cyccnt_time = t->now;
        }
        return SIM_BUS_OK;
    case 0x04:
        if (t->cpu->arch == SIM_ARMV6M) {
            if (rd)
                *rd = 0;
        } else if (rd) {
            *rd = dwt_cyccnt(t);
        } else {
            c->dwt_cyccnt_base = *wr;
            c->dwt_cyccnt_time = t->now;
        }
        return SIM_BUS_OK;
    case 0x1C:
        if (rd)
            uc_reg_read(t->uc, UC_ARM_REG_PC, rd);
        return SIM_BUS_OK;
    default:
        if (rd)
            *rd = 0;
        return SIM_BUS_OK;
    }
}

static enum sim_bus_result fpb_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                      const uint32_t *wr)
{
    struct cortexm *c = &t->core;
    if (off == 0x000) {
        if (rd)
            *rd = c->fp_ctrl;
        else if (*wr & 2u) /* KEY must be written as one */
            c->fp_ctrl = (c->fp_ctrl & ~1u) | (*wr & 1u);
    } else if (off == 0x004) {
        /* ARMv6-M's BPU has no remapping: BP_REMAP is reserved; an FPBv2 without remapping
         * (the Cortex-M7's, RMPSPT = 0) reads FP_REMAP as zero. */
        bool remap = t->cpu->arch != SIM_ARMV6M && t->cpu->fpb_rev == 0;
        if (rd)
            *rd = remap ? c->fp_remap : 0;
        else if (remap)
            c->fp_remap = *wr & 0x1FFFFFE0u;
    } else if (off >= 0x008 && off < 0x008 + 4u * (t->cpu->fpb_code + t->cpu->fpb_lit)) {
        uint32_t *comp = &c->fp_comp[(off - 0x008) / 4];
        if (rd)
            *rd = *comp;
        else /* FPBv1: COMP[28:2], REPLACE[31:30], ENABLE; FPBv2: BPADDR[31:1], BE */
            *comp = t->cpu->fpb_rev ? *wr : *wr & 0xDFFFFFFDu;
    } else if (rd) {
        *rd = 0;
    }
    if (!rd)
        cortexm_update_breakpoints(t);
    return SIM_BUS_OK;
}

static enum sim_bus_result itm_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                      const uint32_t *wr)
{
    struct cortexm *c = &t->core;
    if (sim_itm_lock_access(t, off, rd, wr))
        return SIM_BUS_OK;
    uint32_t *r = off == 0xE00   ? &c->itm_ter
                  : off == 0xE40 ? &c->itm_tpr
                  : off == 0xE80 ? &c->itm_tcr
                                 : NULL;
    if (rd)
        *rd = r ? *r : off < 0x80 ? 1u /* stimulus port ready */ : 0u;
    else if (r)
        *r = *wr;
    return SIM_BUS_OK;
}

/* DBGMCU (RM0008 §31.16, RM0091 §32.9, RM0316 §33.16): IDCODE, CR, and on the F0/F3 the
 * APB1/APB2 freeze registers. The family says where it is and whether the core sees IDCODE. */
enum sim_bus_result dbgmcu_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                  const uint32_t *wr, enum sim_initiator who)
{
    if (off == 0x0) {
        if (rd) {
            /* F1 errata (ES0340 §2.3?): the core reads zero unless a debugger is attached. */
            bool visible =
                !t->family->dbgmcu_core_zero || who == SIM_BY_DEBUG || (t->core.dhcsr_ctrl & 1u);
            uint32_t idcode =
                t->cfg.dev_id ? (t->chip->idcode & ~0xFFFu) | t->cfg.dev_id : t->chip->idcode;
            *rd = visible ? idcode : 0;
        }
        return SIM_BUS_OK;
    }
    if (off == 0x4) {
        if (rd)
            *rd = t->per.dbgmcu_cr;
        else
            t->per.dbgmcu_cr = *wr & 0x001FFFE7u;
        return SIM_BUS_OK;
    }
    uint32_t fz = t->family->dbgmcu_fz_off ? t->family->dbgmcu_fz_off : 0x8u;
    if ((off == fz || off == fz + 4u) && t->family->dbgmcu_freeze) {
        if (rd)
            *rd = t->per.dbgmcu_fz[(off - fz) / 4];
        else
            t->per.dbgmcu_fz[(off - fz) / 4] = *wr;
        return SIM_BUS_OK;
    }
    return SIM_BUS_FAULT;
}

/* ROM table entries (ADIv5 §10.2.1): signed offsets from the table base, present bit set; a
 * zero entry ends the table. */
static enum sim_bus_result rom_read(struct sim_target *t, uint32_t off, uint32_t *val)
{
    if (off / 4 <= t->cpu->n_components) {
        unsigned n = off / 4;
        bool absent = (t->cpu->ppb_rom_absent >> n) & 1u;
        *val = n < t->cpu->n_components
                   ? (t->cpu->components[n].base - ROM_BASE) | (absent ? 2u : 3u)
                   : 0u;
        return SIM_BUS_OK;
    }
    if (off == 0xFCC) {
        *val = 1u; /* MEMTYPE: system memory present */
        return SIM_BUS_OK;
    }
    uint64_t pidr = t->cpu->n_rom_tables ? t->cpu->ppb_rom_pidr : t->chip->rom_pidr;
    if (ppb_id_register(off, pidr, 0xB105100Du, val))
        return SIM_BUS_OK;
    *val = 0;
    return SIM_BUS_OK;
}

/* A ROM table above the PPB one (sim_rom_table): its entries, MEMTYPE and IDs. */
static bool upper_rom_read(struct sim_target *t, uint32_t block, uint32_t off, uint32_t *val)
{
    for (unsigned i = 0; i < t->cpu->n_rom_tables; i++) {
        const struct sim_rom_table *r = &t->cpu->rom_tables[i];
        if (r->base != block)
            continue;
        if (off < sizeof r->entries)
            *val = r->entries[off / 4];
        else if (off == 0xFCC)
            *val = 1u; /* MEMTYPE: system memory present */
        else if (!ppb_id_register(off, r->pidr ? r->pidr : t->chip->rom_pidr, 0xB105100Du, val))
            *val = 0;
        return true;
    }
    return false;
}

static enum sim_bus_result ppb_access(struct sim_target *t, uint32_t addr, uint32_t *rd,
                                      const uint32_t *wr, enum sim_initiator who)
{
    uint32_t block = addr & ~0xFFFu, off = addr & 0xFFFu;

    if (block == SCS_BASE)
        return rd ? scs_reg_read(t, off, rd) : scs_reg_write(t, off, *wr, who);
    if (block == t->family->dbgmcu_base) /* 0xE0042000, or 0xE0044000 on the Cortex-M33 parts */
        return dbgmcu_access(t, off, rd, wr, who);
    if (block == ROM_BASE)
        return rd ? rom_read(t, off, rd) : SIM_BUS_OK;
    if (t->cpu->n_rom_tables && rd && upper_rom_read(t, block, off, rd))
        return SIM_BUS_OK;
    const struct sim_component *comp = component_at(t, addr);
    if (!comp)
        return SIM_BUS_FAULT;
    if (rd && ppb_id_register(off, comp->pidr, comp->cidr, rd))
        return SIM_BUS_OK;
    switch (block) {
    case DWT_BASE:
        return dwt_access(t, off, rd, wr);
    case FPB_BASE:
        return fpb_access(t, off, rd, wr);
    case ITM_BASE:
        return itm_access(t, off, rd, wr);
    case TPIU_BASE:
        if (sim_tpiu_access(t, off, rd, wr))
            return SIM_BUS_OK;
        if (rd)
            *rd = 0;
        return SIM_BUS_OK;
    default: /* TPIU, ETM: present, configuration not modelled */
        if (rd)
            *rd = 0;
        return SIM_BUS_OK;
    }
}

enum sim_bus_result ppb_read(struct sim_target *t, uint32_t addr, uint32_t *val,
                             enum sim_initiator who)
{
    return ppb_access(t, addr, val, NULL, who);
}

enum sim_bus_result ppb_write(struct sim_target *t, uint32_t addr, uint32_t val,
                              enum sim_initiator who)
{
    return ppb_access(t, addr, NULL, &val, who);
}
