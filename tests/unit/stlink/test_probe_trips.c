/*
 * The probe commands of a write, counted between the library and the virtual board in this
 * process (a back-end that passes every command on to the sim back-end and decodes it), on the
 * STM32F103C8 through an ST-LINK/V2 J37:
 *   - single words (registers, the loader's control block) go as READDEBUGREG/WRITEDEBUGREG,
 *     whose reply carries the status: no 4-byte memory command, and no more status queries
 *     than memory commands; a faulting single-word read or write is still reported, with its
 *     address;
 *   - the loader's ring never runs dry after the first chunk: whenever the host publishes more
 *     data (wp), the loader has not yet programmed everything published before (its rp, read
 *     from the side at that moment, is below the previous wp);
 *   - on a blank chip one routine run finds every touched page blank before programming (the
 *     blank check first), where the comparison and then the blank check took two;
 *   - over other firmware the F1 loader goes into SRAM while the mass erase runs (between the
 *     STRT of FLASH_CR and the FLASH_SR read that finds BSY clear), not between the erase and
 *     the job's control block.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/le.h"
#include "stflash/backend.h"
#include "stflash/image.h"
#include "stflash/sim.h"
#include "stflash/stflash.h"
#include "stlink/stlink_proto.h"

#define FLASH_BASE 0x08000000u
#define SRAM_BASE 0x20000000u
#define IMAGE_LEN 16384u
/* RM0008 §3.3.3, PM0075 §3: the FPEC registers; FLASH_CR STRT, MER; FLASH_SR BSY. */
#define FLASH_SR 0x4002200Cu
#define FLASH_CR 0x40022010u
#define CR_MER (1u << 2)
#define CR_STRT (1u << 6)
#define SR_BSY 1u
/* ARMv7-M C1.6.3: DHCSR, written with DBGKEY, C_DEBUGEN and C_MASKINTS to start a routine. */
#define DHCSR 0xE000EDF0u
#define DHCSR_RUN_MASKED 0xA05F0009u
/* An address with nothing behind it on the F103: the bus answers a fault. */
#define UNMAPPED 0x30000000u
/* The loader's control block (loaders/loader_abi.h): its first words, wp and rp. */
#define CB_REGS 0
#define CB_ADDR 4
#define CB_WP 20
#define CB_RP 24

/* What the counting back-end saw. */
struct counts {
    unsigned by_code[256];   /* DEBUG commands by byte 1 */
    unsigned word_mem_cmds;  /* 32-bit memory commands of exactly 4 bytes */
    unsigned mem_cmds;       /* memory commands of any width */
    unsigned status_queries; /* GETLASTRWSTATUS and GETLASTRWSTATUS2 */
    uint32_t ctrl;           /* the loader's control block, once written (0 before) */
    uint32_t last_wp;        /* the last wp published */
    unsigned wp_updates;     /* wp published after the loader's start */
    unsigned dry;            /* wp published with the ring empty (rp == the previous wp) */
    bool erasing;            /* between a mass erase's STRT and FLASH_SR without BSY */
    bool erased;             /* the erase is over, the loader not started yet */
    unsigned code_in_erase;  /* code written to the start of SRAM during the erase */
    unsigned code_after;     /* ... after it, before the job's control block */
    unsigned runs_before;    /* routines started before the first job (the CRC routine) */
};

static const struct stflash_backend *inner;
static struct counts seen;

static int count_enumerate(struct stflash_ctx *ctx, const char *spec, stflash_probe_found_fn fn,
                           void *user)
{
    return inner->enumerate(ctx, spec, fn, user);
}

static int count_open(struct stflash_ctx *ctx, const char *spec, void **link,
                      struct stflash_probe_info *info)
{
    return inner->open(ctx, spec, link, info);
}

static void count_close(void *link)
{
    inner->close(link);
}

static bool is_mem_cmd(uint8_t op)
{
    return op == STLINK_DEBUG_READMEM_32BIT || op == STLINK_DEBUG_WRITEMEM_32BIT ||
           op == STLINK_DEBUG_READMEM_8BIT || op == STLINK_DEBUG_WRITEMEM_8BIT ||
           op == STLINK_DEBUG_APIV2_READMEM_16BIT || op == STLINK_DEBUG_APIV2_WRITEMEM_16BIT;
}

/* rp of the running loader, read beside the client's commands. */
static uint32_t side_read_rp(void *link)
{
    uint8_t cmd[16] = {STLINK_CMD_DEBUG, STLINK_DEBUG_APIV2_READDEBUGREG}, rep[8];
    le32_put(&cmd[2], seen.ctrl + CB_RP);
    assert_int_equal(inner->xfer(link, cmd, NULL, 0, rep, sizeof rep), STFLASH_OK);
    assert_int_equal(rep[0], STLINK_OK);
    return le32_get(&rep[4]);
}

/* A single word the client writes: (address, value), from WRITEDEBUGREG or a 4-byte memory
 * write. */
static bool word_write(const uint8_t cmd[16], const uint8_t *out, size_t out_len, uint32_t *addr,
                       uint32_t *val)
{
    if (cmd[1] == STLINK_DEBUG_APIV2_WRITEDEBUGREG) {
        *addr = le32_get(&cmd[2]);
        *val = le32_get(&cmd[6]);
        return true;
    }
    if (cmd[1] == STLINK_DEBUG_WRITEMEM_32BIT && out_len == 4) {
        *addr = le32_get(&cmd[2]);
        *val = le32_get(out);
        return true;
    }
    return false;
}

static void watch_loader(void *link, const uint8_t cmd[16], const uint8_t *out, size_t out_len)
{
    uint32_t addr = le32_get(&cmd[2]), val;
    if (cmd[1] == STLINK_DEBUG_WRITEMEM_32BIT && out_len >= 8 && addr >= SRAM_BASE &&
        le32_get(out + CB_REGS) == 0x40022000u && le32_get(out + CB_ADDR) == FLASH_BASE) {
        seen.ctrl = addr; /* a job's control block, the first data after it */
        seen.last_wp = le32_get(out + CB_WP);
        seen.erased = false;
        return;
    }
    /* Routines go to the start of SRAM: the loader, and the CRC routine before and after. */
    if (cmd[1] == STLINK_DEBUG_WRITEMEM_32BIT && addr == SRAM_BASE) {
        if (seen.erasing)
            seen.code_in_erase++;
        else if (seen.erased)
            seen.code_after++;
    }
    if (word_write(cmd, out, out_len, &addr, &val)) {
        if (addr == FLASH_CR && (val & (CR_MER | CR_STRT)) == (CR_MER | CR_STRT))
            seen.erasing = true;
        if (addr == DHCSR && val == DHCSR_RUN_MASKED && !seen.ctrl)
            seen.runs_before++;
        if (seen.ctrl && addr == seen.ctrl + CB_WP) {
            if (seen.last_wp) {
                seen.wp_updates++;
                if (side_read_rp(link) >= seen.last_wp)
                    seen.dry++;
            }
            seen.last_wp = val;
        }
    }
}

static int count_xfer(void *link, const uint8_t cmd[16], const uint8_t *out, size_t out_len,
                      uint8_t *in, size_t in_len)
{
    if (cmd[0] == STLINK_CMD_DEBUG) {
        uint8_t op = cmd[1];
        seen.by_code[op]++;
        if (is_mem_cmd(op))
            seen.mem_cmds++;
        if ((op == STLINK_DEBUG_READMEM_32BIT || op == STLINK_DEBUG_WRITEMEM_32BIT) &&
            le16_get(&cmd[6]) == 4)
            seen.word_mem_cmds++;
        if (op == STLINK_DEBUG_APIV2_GETLASTRWSTATUS || op == STLINK_DEBUG_APIV2_GETLASTRWSTATUS2)
            seen.status_queries++;
        watch_loader(link, cmd, out, out_len);
    }
    int rc = inner->xfer(link, cmd, out, out_len, in, in_len);
    /* The erase is over when FLASH_SR reads without BSY. */
    if (rc == STFLASH_OK && cmd[0] == STLINK_CMD_DEBUG &&
        cmd[1] == STLINK_DEBUG_APIV2_READDEBUGREG && le32_get(&cmd[2]) == FLASH_SR && in_len >= 8 &&
        in[0] == STLINK_OK && !(le32_get(&in[4]) & SR_BSY))
        seen.erasing = false;
    return rc;
}

static const struct stflash_backend counting = {
    .enumerate = count_enumerate,
    .open = count_open,
    .xfer = count_xfer,
    .close = count_close,
};

struct fixture {
    struct stflash_ctx *ctx;
    char dir[64];
    char selector[160];
    uint8_t image[IMAGE_LEN];
};

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof f);
    inner = stflash_sim_backend();
    assert_non_null(inner);
    assert_int_equal(stflash_register_sim_backend(&counting), STFLASH_OK);
    assert_int_equal(stflash_ctx_new(&f.ctx), STFLASH_OK);
    snprintf(f.dir, sizeof f.dir, "/tmp/stflash-trips.XXXXXX");
    assert_non_null(mkdtemp(f.dir));
    snprintf(f.selector, sizeof f.selector, "sim:stm32f103c8,state=%s/board.state", f.dir);
    /* Something else than erased flash in every half-word. */
    for (size_t i = 0; i < IMAGE_LEN; i++)
        f.image[i] = (uint8_t)(i * 7u + (i >> 8));
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    stflash_ctx_free(f->ctx);
    assert_int_equal(stflash_register_sim_backend(NULL), STFLASH_OK);
    return 0;
}

static struct stflash_dev *open_dev(struct fixture *f)
{
    struct stflash_open_options o = {.selector = f->selector, .halt = true};
    struct stflash_dev *dev = NULL;
    int rc = stflash_open(f->ctx, &o, &dev);
    if (rc != STFLASH_OK)
        fail_msg("open: %s", stflash_last_error(f->ctx));
    return dev;
}

/* Writes `data` (IMAGE_LEN bytes) at the start of the flash, counting from a clean slate. */
static void write_counted(struct fixture *f, struct stflash_dev *dev, uint8_t *data)
{
    struct stflash_segment seg = {FLASH_BASE, IMAGE_LEN, data};
    struct stflash_image img = {.segments = &seg, .segment_count = 1, .total_bytes = IMAGE_LEN};
    memset(&seen, 0, sizeof seen);
    int rc = stflash_write_image(dev, &img, NULL);
    if (rc != STFLASH_OK)
        fail_msg("write: %s", stflash_last_error(f->ctx));
}

static void test_single_words_carry_their_status(void **state)
{
    struct fixture *f = *state;
    struct stflash_dev *dev = open_dev(f);
    write_counted(f, dev, f->image);
    /* Every register and control-block word went as a debug-register command. */
    assert_int_equal(seen.word_mem_cmds, 0);
    assert_true(seen.by_code[STLINK_DEBUG_APIV2_READDEBUGREG] > 0);
    assert_true(seen.by_code[STLINK_DEBUG_APIV2_WRITEDEBUGREG] > 0);
    /* A status query only after a memory command: the debug-register replies carry their own. */
    assert_true(seen.status_queries <= seen.mem_cmds);
    assert_true(seen.status_queries > 0);
    stflash_close(dev);
}

static void test_single_word_faults_are_reported(void **state)
{
    struct fixture *f = *state;
    struct stflash_dev *dev = open_dev(f);
    uint32_t v = 0;
    memset(&seen, 0, sizeof seen);
    assert_int_equal(stflash_read32(dev, UNMAPPED, &v), STFLASH_ERR_TARGET);
    assert_non_null(strstr(stflash_last_error(f->ctx), "0x30000000"));
    assert_non_null(strstr(stflash_last_error(f->ctx), "fault"));
    assert_int_equal(seen.by_code[STLINK_DEBUG_APIV2_READDEBUGREG], 1);
    assert_int_equal(seen.status_queries, 0);

    memset(&seen, 0, sizeof seen);
    assert_int_equal(stflash_write32(dev, UNMAPPED + 4u, 0x12345678u), STFLASH_ERR_TARGET);
    assert_non_null(strstr(stflash_last_error(f->ctx), "0x30000004"));
    assert_non_null(strstr(stflash_last_error(f->ctx), "fault"));
    assert_int_equal(seen.by_code[STLINK_DEBUG_APIV2_WRITEDEBUGREG], 1);

    /* The link works on: a good word after the faults. */
    assert_int_equal(stflash_read32(dev, 0xE0042000u, &v), STFLASH_OK);
    assert_int_equal(v & 0xFFFu, 0x410u); /* DBGMCU_IDCODE DEV_ID of the F103 (RM0008 §31.6.1) */
    stflash_close(dev);
}

static void test_ring_never_runs_dry(void **state)
{
    struct fixture *f = *state;
    struct stflash_dev *dev = open_dev(f);
    write_counted(f, dev, f->image);
    assert_true(seen.ctrl >= SRAM_BASE);
    assert_true(seen.wp_updates >= 3); /* the ramp: more than one chunk after the first */
    assert_int_equal(seen.dry, 0);
    stflash_close(dev);
}

static void test_blank_chip_checked_once(void **state)
{
    struct fixture *f = *state;
    struct stflash_dev *dev = open_dev(f);
    write_counted(f, dev, f->image);
    assert_int_equal(seen.runs_before, 1);
    assert_true(seen.ctrl != 0); /* programmed */
    /* Written again: the pages hold data, the comparison finds them unchanged, in one run. */
    write_counted(f, dev, f->image);
    assert_int_equal(seen.runs_before, 1);
    assert_int_equal(seen.ctrl, 0); /* nothing programmed */
    stflash_close(dev);
}

static void test_loader_loaded_during_the_erase(void **state)
{
    struct fixture *f = *state;
    struct stflash_dev *dev = open_dev(f);
    /* Other firmware in every page first, then the image over it: one mass erase. */
    uint8_t *other = malloc(IMAGE_LEN);
    assert_non_null(other);
    for (size_t i = 0; i < IMAGE_LEN; i++)
        other[i] = (uint8_t)~f->image[i];
    write_counted(f, dev, other);
    write_counted(f, dev, f->image);
    free(other);
    assert_int_equal(seen.code_in_erase, 1);
    assert_int_equal(seen.code_after, 0);
    stflash_close(dev);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_single_words_carry_their_status),
        T(test_single_word_faults_are_reported),
        T(test_ring_never_runs_dry),
        T(test_blank_chip_checked_once),
        T(test_loader_loaded_during_the_erase),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
