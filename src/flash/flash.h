/*
 * The flash engine and the per-family flash drivers. The engine plans the job on the erase map
 * (which units to erase, what to program, what to verify), reports progress and calls a driver
 * with whole erase units and program units only; a driver knows one flash-controller style and
 * is reached through its family descriptor (flash/family.h). Internal.
 */
#ifndef STFLASH_FLASH_FLASH_H
#define STFLASH_FLASH_FLASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arm/dbg.h"
#include "flash/erase_map.h"
#include "stflash/stflash.h"

struct flash_dev;
struct flash_family;
struct flash_clock_recipe;

/* A flash driver: one flash-controller style. The engine calls it with whole erase units of the
 * map and ranges of whole program units only. */
struct flash_driver {
    const char *name;
    /* Optional (may be NULL): called once by flash_dev_init after the map was built from the
     * chip row. Reads what the chip row cannot tell (bank-mode or geometry option bits, a
     * program width that depends on f->volts) and adjusts f->map and the driver's settings.
     * Reads only; errors name the register. */
    int (*probe)(struct flash_dev *f);
    /* Unlocks the controller for erase and program; clears stale error flags. */
    int (*unlock)(struct flash_dev *f);
    /* Locks the controller again; called at the end of every job, also after a failure. */
    int (*lock)(struct flash_dev *f);
    /* Erases one unit (page or sector) of the map. */
    int (*erase_unit)(struct flash_dev *f, const struct flash_unit *u);
    /* Erases every bank. Optional (may be NULL): the engine erases unit by unit then. */
    int (*mass_erase)(struct flash_dev *f);
    /* Optional (may be NULL): called once the erases of a job are done, before anything reads
     * the flash: a controller whose data cache may still hold lines of what was erased empties
     * it (the L4-style controllers, flash/l4.c). */
    int (*after_erase)(struct flash_dev *f);
    /* The datasheet's mass erase takes about the time of one unit erase (F0/F1/F3, L4-style),
     * so that one mass erase may replace several unit erases when the rest of the flash is
     * erased already. Sectored flash (F2/F4/F7: a 1 MiB mass erase takes 8-16 s) leaves it false.
     */
    bool mass_erase_quick;
    /* Optional (may be NULL): whether one mass erase before programming `bytes` would shorten
     * the job on a flash that reads erased everywhere else (it takes the check of that and the
     * mass erase): the programming is faster after one (the L4/G0 fast programming, flash/l4.c).
     */
    bool (*mass_erase_speeds_up)(struct flash_dev *f, uint64_t bytes);
    /* Programs len bytes at addr: both multiples of the program unit, inside one region run
     * without holes, the range erased before. Drivers program through a loader in target SRAM
     * (flash/loader.h). */
    int (*program)(struct flash_dev *f, uint32_t addr, const uint8_t *data, size_t len);
    /* Optional (may be NULL): fails with STFLASH_ERR_PROTECTED, naming the first protected
     * address, when part of [addr, addr+len) cannot be erased or programmed. The engine asks
     * before touching anything, so that a job does not stop half-way with units erased. */
    int (*check_writable)(struct flash_dev *f, uint32_t addr, uint32_t len);
    /* Optional (may be NULL): puts the next piece of the job's first program run
     * (f->stage) into SRAM ahead of its program call, with the loader, while an erase keeps the
     * flash busy (flash_stage_step; flash_loader_stage). Clears *more when nothing is left to
     * put there. */
    int (*stage)(struct flash_dev *f, bool *more);
};

/* The first program run of a write, put into the loader's ring while the erase before it runs:
 * the probe's link is idle during an erase (a 128 KiB F4 sector takes about a second), and the
 * program phase then starts with its ring full. Set by the engine for the erase phase only. */
struct flash_stage {
    bool active;   /* the erase phase of a write is running: staging allowed */
    uint32_t addr; /* the run */
    const uint8_t *data;
    uint32_t len;
    uint32_t ring;   /* where the staged bytes are (the ring of the loader that staged) */
    uint32_t staged; /* bytes [0, staged) of the run are at ring, not yet used */
};

/* What flash/clock.c changed for the routines of the job under way, and must put back. */
#define FLASH_CLOCK_REGS 6
struct flash_clock {
    bool tried;    /* the job's first routine looked at the clock */
    unsigned done; /* steps of the recipe written: to be put back */
    const struct flash_clock_recipe *recipe;
    unsigned n;                       /* registers the recipe touches */
    uint32_t reg[FLASH_CLOCK_REGS];   /* their addresses */
    uint32_t saved[FLASH_CLOCK_REGS]; /* their values before the job */
    uint32_t now[FLASH_CLOCK_REGS];   /* what was last written */
};

struct flash_dev {
    struct dbg *dbg;
    struct stflash_ctx *ctx;
    const struct stflash_chip_info *chip;
    const struct flash_family *fam;
    const struct flash_driver *drv;
    struct flash_map map; /* the erase map: regions, units, banks and their registers */
    uint32_t sram_base;   /* RAM the loader may use */
    uint32_t sram_size;
    uint32_t quirks; /* enum stflash_clone_quirk of the chip (0 for genuine parts) */
    double volts;    /* target voltage (0: unknown), for families whose program width depends
                        on it (F2/F4/F7 PSIZE) */
    void *drv_state; /* driver-private, freed by the driver's lock() at the latest */
    /* Progress of the program phase of the current job, kept by the engine and advanced by the
     * driver through flash_program_progress(); total 0 outside a job. */
    uint64_t prog_done;
    uint64_t prog_total;
    /* Bytes of the current program call that its loader verified in the pass (flash/loader.h
     * flash_loader_run): the engine zeroes it before each call. */
    uint64_t checked_in_pass;
    /* WB/WL: the first address of the wireless stack's secure area (FLASH_SFR.SFSA), which the
     * driver neither erases nor programs unless allow_secure; 0: no such area. */
    uint32_t secure_start;
    bool allow_secure;
    /* L4/L4+/G4 with SYSCFG_MEMRMP.FB_MODE: bank 2 is mapped first, so the map's bank 0 is the
     * controller's bank 2 (BKER = 1, WRP2xR). */
    bool banks_swapped;
    struct flash_stage stage;
    struct flash_clock clock; /* the core clock of the job's routines (flash/clock.h) */
    /* A write's unlock, done while the CRC routine that compares the flash with the image runs
     * (the probe's link is idle then, flash/crc.c): asked for by the engine (unlock_early), done
     * (unlocked) until the job's lock. */
    bool unlock_early;
    bool unlocked;
    /* Nothing was started on the controller since its unlock, which waited for it to be idle:
     * the lock need not wait (set by the engine for the lock that ends such a job). */
    bool idle_known;
    /* Banks of the map (bit n: f->map.bank[n]) mass-erased in this job with nothing erased or
     * programmed there since: the controller's condition for fast programming (flash/l4.c). */
    uint32_t fresh_banks;
};

/* What flash_dev_init needs beyond the chip row. */
struct flash_dev_params {
    uint32_t flash_size;                    /* bytes in use */
    const struct stflash_clone_info *clone; /* NULL for genuine parts */
    double volts;                           /* 0: unknown */
    bool allow_wireless_stack; /* WB/WL: the secure area may be erased and programmed */
};

/*
 * Fills *f for a chip row: the family descriptor of its controller style (flash/family.h), the
 * erase map (flash_map_from_chip, then the driver's probe), SRAM for the loader (the smallest SRAM
 * of the DEV_ID, sram_size_min). The caller may adjust sram_size afterwards when the exact part
 * is known. Errors: STFLASH_ERR_INVALID_ARG, STFLASH_ERR_UNSUPPORTED (no driver for this
 * controller, or a clone quirk its family does not handle: refused before anything is touched).
 */
int flash_dev_init(struct flash_dev *f, struct dbg *d, const struct stflash_chip_info *chip,
                   const struct flash_dev_params *p);

/* Drivers call this when len bytes at addr are programmed: emits a PROGRAM progress event of the
 * current job (nothing outside a job). */
void flash_program_progress(struct flash_dev *f, uint32_t addr, uint32_t len);

/* Drivers call this between two looks at a busy flash controller during an erase: one piece of
 * the first program run goes to SRAM (the driver's stage op), at most a few milliseconds of link
 * time; nothing outside the erase phase of a write. */
int flash_stage_step(struct flash_dev *f);

/* The engine (flash/engine.c). All of them unlock, work, and lock again even on failure. */
int flash_erase_range(struct flash_dev *f, uint32_t addr, uint32_t len);
int flash_mass_erase(struct flash_dev *f);
/*
 * Programs the flash parts of an image (segments must lie in the flash of the map, holes
 * excluded, else STFLASH_ERR_RANGE before anything is touched); erases the touched units first
 * (or the whole flash when mass_erase), fills unit gaps with the erased value, verifies unless
 * no_verify.
 *
 * Unless full or mass_erase, touched units whose content already matches the image (CRC-32 of
 * the bytes the image defines there, computed on the target: flash/crc.c) are left out of the
 * job; when every unit matches, nothing is erased or programmed and no progress is reported.
 * Unless full, when every unit outside the job reads erased (checked on the target) and the
 * whole flash is writable, one mass erase replaces two or more unit erases.
 *
 * Bytes of a touched unit that the image does not define are preserved: such partially covered
 * units are read back before the erase and their other bytes programmed again with the image's
 * (READ progress events for that read-back). With mass_erase nothing is preserved: the bytes the
 * image leaves out end up erased. Verification covers whole units, preserved bytes included: the
 * loader's CRC-32 of the run's flash computed while it programs (flash/loader.h), else a CRC-32
 * per run computed on the target afterwards, or reading back when that cannot run; with
 * verify_readback, the CRC-32 computed afterwards and the whole range read back. The core must
 * be halted; the SRAM is not preserved.
 */
int flash_write(struct flash_dev *f, const struct stflash_image *img,
                const struct stflash_write_options *opts);
/* Compares the flash with the image (by CRC-32 on the target, reading back the first differing
 * unit only, or by reading everything back when the routine cannot run); STFLASH_ERR_VERIFY
 * names the first differing address. The core must be halted; the SRAM and core registers the
 * CRC routine uses are restored afterwards. */
int flash_verify(struct flash_dev *f, const struct stflash_image *img);

#endif
