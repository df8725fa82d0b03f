/* Chip table lookups and the identification helpers around them. */
#include "chip_tables.h"

static const struct chip_table *const tables[] = {
    &chip_table_f0_f1_f3,    &chip_table_f2_f4_f7,        &chip_table_g0_c0_u0, &chip_table_l0_l1,
    &chip_table_l4_g4_wb_wl, &chip_table_l5_u5_u3_wba_h5, &chip_table_h7,
};

#define N_TABLES (sizeof tables / sizeof tables[0])

size_t stflash_chip_count(void)
{
    size_t n = 0;
    for (size_t t = 0; t < N_TABLES; t++)
        n += tables[t]->count;
    return n;
}

const struct stflash_chip_info *stflash_chip_at(size_t i)
{
    for (size_t t = 0; t < N_TABLES; t++) {
        if (i < tables[t]->count)
            return &tables[t]->rows[i];
        i -= tables[t]->count;
    }
    return NULL;
}

const struct stflash_chip_info *stflash_chip_find(uint32_t dev_id)
{
    if (dev_id == 0 || dev_id > 0xFFFu)
        return NULL;
    for (size_t t = 0; t < N_TABLES; t++)
        for (size_t i = 0; i < tables[t]->count; i++)
            if (tables[t]->rows[i].dev_id == dev_id)
                return &tables[t]->rows[i];
    return NULL;
}

/* CPUID part number: bits [15:4] of the register; a bare part number is passed through. */
static uint32_t cpuid_partno(uint32_t cpuid)
{
    return cpuid > 0xFFFu ? (cpuid >> 4) & 0xFFFu : cpuid;
}

/* Cortex-M part numbers (Arm: CPUID PARTNO field). */
#define PARTNO_M0 0xC20u
#define PARTNO_M0P 0xC60u
#define PARTNO_M3 0xC23u
#define PARTNO_M4 0xC24u
#define PARTNO_M7 0xC27u
#define PARTNO_M23 0xD20u
#define PARTNO_M33 0xD21u

enum stflash_core stflash_core_from_cpuid(uint32_t cpuid)
{
    switch (cpuid_partno(cpuid)) {
    case PARTNO_M0:
        return STFLASH_CORE_M0;
    case PARTNO_M0P:
        return STFLASH_CORE_M0P;
    case PARTNO_M3:
        return STFLASH_CORE_M3;
    case PARTNO_M4:
        return STFLASH_CORE_M4;
    case PARTNO_M7:
        return STFLASH_CORE_M7;
    case PARTNO_M33:
        return STFLASH_CORE_M33;
    default:
        return STFLASH_CORE_UNKNOWN;
    }
}

const struct stflash_chip_info *stflash_chip_identify(uint32_t idcode, uint32_t cpuid)
{
    uint32_t dev_id = idcode & 0xFFFu;
    /* F40x revision A silicon reports the F2 DEV_ID 0x411; an F2 is a Cortex-M3, so a
     * Cortex-M4 giving 0x411 is an F40x. */
    if (dev_id == 0x411 && stflash_core_from_cpuid(cpuid) == STFLASH_CORE_M4)
        dev_id = 0x413;
    return stflash_chip_find(dev_id);
}

/* Probe orders (CPU view). Cortex-M7: F7 at 0xE0042000, H7 at 0x5C001000. */
static const uint32_t addrs_m0[] = {STFLASH_DBGMCU_IDCODE_M0};
static const uint32_t addrs_m3_m4[] = {STFLASH_DBGMCU_IDCODE_M3};
static const uint32_t addrs_m7[] = {STFLASH_DBGMCU_IDCODE_M3, STFLASH_DBGMCU_IDCODE_H7};
static const uint32_t addrs_m33[] = {STFLASH_DBGMCU_IDCODE_M33, STFLASH_DBGMCU_IDCODE_H5_ALT};
static const uint32_t addrs_any[] = {STFLASH_DBGMCU_IDCODE_M3, STFLASH_DBGMCU_IDCODE_M33,
                                     STFLASH_DBGMCU_IDCODE_M0, STFLASH_DBGMCU_IDCODE_H7};

#define RETURN_LIST(list)                                                                          \
    do {                                                                                           \
        *addrs = (list);                                                                           \
        return sizeof(list) / sizeof((list)[0]);                                                   \
    } while (0)

size_t stflash_dbgmcu_idcode_addrs(uint32_t cpuid, const uint32_t **addrs)
{
    switch (cpuid_partno(cpuid)) {
    case PARTNO_M0:
    case PARTNO_M0P:
    case PARTNO_M23: /* Cortex-M23 STM32 look-alikes keep the M0 address */
        RETURN_LIST(addrs_m0);
    case PARTNO_M3:
    case PARTNO_M4:
        RETURN_LIST(addrs_m3_m4);
    case PARTNO_M7:
        RETURN_LIST(addrs_m7);
    case PARTNO_M33:
        RETURN_LIST(addrs_m33);
    default:
        RETURN_LIST(addrs_any);
    }
}

uint32_t stflash_geometry_sectored_size(const struct stflash_flash_geometry *geom)
{
    uint32_t sum = 0;
    if (geom == NULL || geom->page_size != 0)
        return 0;
    for (size_t i = 0; i < STFLASH_CHIP_MAX_SECTOR_RUNS && geom->sectors[i].count != 0; i++)
        sum += geom->sectors[i].size * geom->sectors[i].count;
    return sum * geom->banks;
}

const char *stflash_family_name(enum stflash_family family)
{
    static const char *const names[STFLASH_FAMILY_COUNT] = {
        [STFLASH_FAMILY_UNKNOWN] = "unknown", [STFLASH_FAMILY_F0] = "STM32F0",
        [STFLASH_FAMILY_F1] = "STM32F1",      [STFLASH_FAMILY_F2] = "STM32F2",
        [STFLASH_FAMILY_F3] = "STM32F3",      [STFLASH_FAMILY_F4] = "STM32F4",
        [STFLASH_FAMILY_F7] = "STM32F7",      [STFLASH_FAMILY_G0] = "STM32G0",
        [STFLASH_FAMILY_G4] = "STM32G4",      [STFLASH_FAMILY_H5] = "STM32H5",
        [STFLASH_FAMILY_H7] = "STM32H7",      [STFLASH_FAMILY_L0] = "STM32L0",
        [STFLASH_FAMILY_L1] = "STM32L1",      [STFLASH_FAMILY_L4] = "STM32L4",
        [STFLASH_FAMILY_L4P] = "STM32L4+",    [STFLASH_FAMILY_L5] = "STM32L5",
        [STFLASH_FAMILY_U5] = "STM32U5",      [STFLASH_FAMILY_WB] = "STM32WB",
        [STFLASH_FAMILY_WL] = "STM32WL",      [STFLASH_FAMILY_C0] = "STM32C0",
        [STFLASH_FAMILY_U0] = "STM32U0",      [STFLASH_FAMILY_U3] = "STM32U3",
        [STFLASH_FAMILY_WBA] = "STM32WBA",
    };
    if ((unsigned)family >= STFLASH_FAMILY_COUNT || names[family] == NULL)
        return "unknown";
    return names[family];
}

const char *stflash_core_name(enum stflash_core core)
{
    switch (core) {
    case STFLASH_CORE_M0:
        return "Cortex-M0";
    case STFLASH_CORE_M0P:
        return "Cortex-M0+";
    case STFLASH_CORE_M3:
        return "Cortex-M3";
    case STFLASH_CORE_M4:
        return "Cortex-M4";
    case STFLASH_CORE_M7:
        return "Cortex-M7";
    case STFLASH_CORE_M33:
        return "Cortex-M33";
    case STFLASH_CORE_UNKNOWN:
        break;
    }
    return "unknown";
}

const char *stflash_flash_ctrl_name(enum stflash_flash_ctrl ctrl)
{
    switch (ctrl) {
    case STFLASH_CTRL_F0_F1_F3:
        return "F0_F1_F3";
    case STFLASH_CTRL_F2_F4:
        return "F2_F4";
    case STFLASH_CTRL_F7:
        return "F7";
    case STFLASH_CTRL_L0_L1:
        return "L0_L1";
    case STFLASH_CTRL_L4_STYLE:
        return "L4_STYLE";
    case STFLASH_CTRL_L5_U5:
        return "L5_U5";
    case STFLASH_CTRL_H5:
        return "H5";
    case STFLASH_CTRL_H7:
        return "H7";
    case STFLASH_CTRL_H7AB:
        return "H7AB";
    case STFLASH_CTRL_H7RS:
        return "H7RS";
    case STFLASH_CTRL_UNKNOWN:
        break;
    }
    return "unknown";
}
