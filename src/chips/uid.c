/*
 * Where each family keeps its 96-bit unique device ID (factory-programmed, read only; the
 * "Unique device ID register (96 bits)" section of each reference manual, cited per row).
 */
#include "stflash/chip.h"

uint32_t stflash_chip_uid_address(const struct stflash_chip_info *chip)
{
    if (!chip)
        return 0;
    switch (chip->family) {
    case STFLASH_FAMILY_F0: /* RM0091 §33.1 */
    case STFLASH_FAMILY_F3: /* RM0316 §34.1 */
        return 0x1FFFF7ACu;
    case STFLASH_FAMILY_F1: /* RM0008 §30.1 */
        return 0x1FFFF7E8u;
    case STFLASH_FAMILY_F2: /* RM0033 §32.1 */
    case STFLASH_FAMILY_F4: /* RM0090 §39.1 */
        return 0x1FFF7A10u;
    case STFLASH_FAMILY_F7: /* RM0431 (F72x/F73x, DEV_ID 0x452), RM0410 (the others) */
        return chip->dev_id == 0x452 ? 0x1FF07A10u : 0x1FF0F420u;
    case STFLASH_FAMILY_L0: /* RM0377 */
        return 0x1FF80050u;
    case STFLASH_FAMILY_L1: /* RM0038: categories 1 and 2 (DEV_ID 0x416, 0x429) lower */
        return chip->dev_id == 0x416 || chip->dev_id == 0x429 ? 0x1FF80050u : 0x1FF800D0u;
    case STFLASH_FAMILY_L4:  /* RM0351 §49.1 */
    case STFLASH_FAMILY_L4P: /* RM0432 */
    case STFLASH_FAMILY_G0:  /* RM0444 §41.2 */
    case STFLASH_FAMILY_G4:  /* RM0440 §47.1 */
    case STFLASH_FAMILY_WB:  /* RM0434 §39.1.1 */
    case STFLASH_FAMILY_WL:  /* RM0453 */
        return 0x1FFF7590u;
    case STFLASH_FAMILY_C0: /* RM0490 */
        return 0x1FFF7550u;
    case STFLASH_FAMILY_L5: /* RM0438 */
        return 0x0BFA0590u;
    case STFLASH_FAMILY_U5: /* RM0456 */
        return 0x0BFA0700u;
    case STFLASH_FAMILY_H5: /* RM0481 */
        return 0x08FFF800u;
    case STFLASH_FAMILY_H7: /* RM0455 (H7A3/B3/B0, 0x480), RM0477 (H7Rx/Sx, 0x485), RM0433 */
        return chip->dev_id == 0x480 || chip->dev_id == 0x485 ? 0x08FFF800u : 0x1FF1E800u;
    default: /* U0, U3, WBA: not in this table yet */
        return 0;
    }
}
