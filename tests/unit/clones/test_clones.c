/*
 * Clones of the STM32F103 on the virtual board: the simulated CKS32F103, GD32F103, APM32F103 and
 * CH32F103 carry the identification facts and the flash behaviours of docs/chips.md
 * (checked here on the simulator itself), and the library identifies each, sizes its
 * flash and writes, verifies and reads it back through the in-process virtual board
 * (--probe sim:CHIP). The APM32's lost half-word is shown to bite a writer that does not poll
 * BSY, and the GD32's word programming to be faster than half-words.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arm/cortexm.h"
#include "f1_map.h"
#include "flash/flash.h"
#include "sim_dbg.h"
#include "stflash/sim.h"
#include "stflash/stflash.h"

#define FLASH_BASE 0x08000000u
#define KEYR (F1_FLASH_REGS + FLASH_KEYR)
#define CR (F1_FLASH_REGS + FLASH_CR)
#define MODEKEYR (F1_FLASH_REGS + FLASH_MODEKEYR)

static uint8_t pattern(uint32_t i, uint32_t seed)
{
    uint32_t x = (i + 1u) * 2654435761u ^ seed * 40503u;
    x ^= x >> 13;
    return (uint8_t)(x * 0x9E3779B1u >> 24);
}

/* ---- the simulated chips ---- */

/* A powered target with the debugger attached, no probe in between. */
static void sim_open(struct sim_target *t, const char *chip)
{
    const struct sim_chip *c = sim_chip_find(chip);
    assert_non_null(c);
    struct sim_target_config cfg = {
        .chip = c,
        .flash_size_reg = UINT32_MAX,
        .nrst_wired = true,
        .voltage_mv = 3300,
    };
    assert_int_equal(sim_target_init(t, &cfg), 0);
}

static uint32_t dbg_rd(struct sim_target *t, uint32_t addr)
{
    uint32_t v = 0;
    assert_int_equal(sim_bus_read(t, addr, 4, &v, SIM_BY_DEBUG), SIM_BUS_OK);
    return v;
}

static enum sim_bus_result dbg_wr(struct sim_target *t, uint32_t addr, unsigned size, uint32_t v)
{
    return sim_bus_write(t, addr, size, v, SIM_BY_DEBUG);
}

static void fpec_unlock(struct sim_target *t)
{
    assert_int_equal(dbg_wr(t, KEYR, 4, FLASH_KEY1), SIM_BUS_OK);
    assert_int_equal(dbg_wr(t, KEYR, 4, FLASH_KEY2), SIM_BUS_OK);
    assert_false(dbg_rd(t, CR) & FLASH_CR_LOCK);
}

/* What a debugger reads to identify each part (docs/chips.md). */
struct ident {
    const char *chip;
    uint32_t dp_idcode, ap_idr, cpuid, dbgmcu_idcode;
    uint8_t pidr[5];   /* ROM table PIDR0..PIDR4 */
    uint32_t fsz_word; /* the word at 0x1FFFF7E0 */
};

static const struct ident idents[] = {
    {"stm32f103c8",
     0x1BA01477u,
     0x14770011u,
     0x411FC231u,
     0x20036410u,
     {0x10, 0x04, 0x0A, 0x00, 0x00},
     0xFFFF0040u},
    /* Designer 0x555 without the JEP106-used bit (PIDR2 bit 3), partno 0x29B, AP revision 2. */
    {"cks32f103c8",
     0x2BA01477u,
     0x24770011u,
     0x412FC231u,
     0x20036410u,
     {0x9B, 0x52, 0x05, 0x00, 0x05},
     0xFFFF0000u},
    /* GigaDevice 0x751, partno 0xF64; flash 64 KiB and SRAM 20 KiB in one word. */
    {"gd32f103c8",
     0x1BA01477u,
     0x24770011u,
     0x412FC231u,
     0x13030410u,
     {0x64, 0x1F, 0x0D, 0x00, 0x07},
     0x00140040u},
    /* Generic Arm ROM table 0x43B / 0x4C3. */
    {"apm32f103c8",
     0x2BA01477u,
     0x24770011u,
     0x412FC231u,
     0x20036410u,
     {0xC3, 0xB4, 0x0B, 0x00, 0x04},
     0xFFFF0040u},
    {"ch32f103c8",
     0x2BA01477u,
     0x24770011u,
     0x412FC231u,
     0x20000410u,
     {0xC3, 0xB4, 0x0B, 0x00, 0x04},
     0xFFFF0000u},
};

static void test_sim_identification(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof idents / sizeof idents[0]; i++) {
        const struct ident *e = &idents[i];
        struct sim_target t;
        sim_open(&t, e->chip);
        uint32_t v;
        assert_int_equal(dap_read(&t, 0xFFFFu, 0x0, &v), 0);
        assert_int_equal(v, e->dp_idcode);
        assert_int_equal(dap_read(&t, 0, 0xFC, &v), 0);
        assert_int_equal(v, e->ap_idr);
        assert_int_equal(dbg_rd(&t, CM_CPUID), e->cpuid);
        assert_int_equal(dbg_rd(&t, 0xE0042000u), e->dbgmcu_idcode);
        for (unsigned k = 0; k < 4; k++)
            assert_int_equal(dbg_rd(&t, 0xE00FFFE0u + 4u * k), e->pidr[k]);
        assert_int_equal(dbg_rd(&t, 0xE00FFFD0u), e->pidr[4]);
        assert_int_equal(dbg_rd(&t, 0x1FFFF7E0u), e->fsz_word);
        /* FLASH_CR after reset: LOCK, and FLOCK on the CH32 only. */
        assert_int_equal(dbg_rd(&t, CR), strcmp(e->chip, "ch32f103c8") == 0 ? 0x8080u : 0x0080u);
        sim_target_release(&t);
    }
}

/* Two half-words back to back with PG set: the F103 stalls the second until BSY clears (the
 * probe retries), the APM32 answers at once and drops it. */
static void test_sim_apm32_drops_halfword_while_busy(void **state)
{
    (void)state;
    const char *chips[] = {"stm32f103c8", "apm32f103c8"};
    for (unsigned i = 0; i < 2; i++) {
        struct sim_target t;
        sim_open(&t, chips[i]);
        fpec_unlock(&t);
        assert_int_equal(dbg_wr(&t, CR, 4, FLASH_CR_PG), SIM_BUS_OK);
        assert_int_equal(dbg_wr(&t, FLASH_BASE, 2, 0x1111), SIM_BUS_OK);
        enum sim_bus_result r = dbg_wr(&t, FLASH_BASE + 2, 2, 0x2222);
        if (i == 0) {
            assert_int_equal(r, SIM_BUS_STALL);
            sim_target_advance(&t, SIM_F1_TPROG_PS);
            assert_int_equal(dbg_wr(&t, FLASH_BASE + 2, 2, 0x2222), SIM_BUS_OK);
            assert_int_equal(t.flash[2] | t.flash[3] << 8, 0x2222);
        } else {
            assert_int_equal(r, SIM_BUS_OK);
            assert_int_equal(t.flash[2] | t.flash[3] << 8, 0xFFFF);         /* lost */
            assert_false(t.fpec.sr & (FLASH_SR_PGERR | FLASH_SR_WRPRTERR)); /* silently */
            /* After BSY clears the next write programs again. */
            sim_target_advance(&t, SIM_F1_TPROG_PS);
            assert_int_equal(dbg_wr(&t, FLASH_BASE + 2, 2, 0x2222), SIM_BUS_OK);
            assert_int_equal(t.flash[2] | t.flash[3] << 8, 0x2222);
        }
        assert_int_equal(t.flash[0] | t.flash[1] << 8, 0x1111);
        sim_target_release(&t);
    }
}

/* A 32-bit store with PG set: one program time for both half-words on the GD32, two on the
 * F103. */
static void test_sim_gd32_word_program(void **state)
{
    (void)state;
    const char *chips[] = {"stm32f103c8", "gd32f103c8"};
    const sim_ps want[] = {2 * SIM_F1_TPROG_PS, 40ull * SIM_PS_PER_US};
    for (unsigned i = 0; i < 2; i++) {
        struct sim_target t;
        sim_open(&t, chips[i]);
        fpec_unlock(&t);
        assert_int_equal(dbg_wr(&t, CR, 4, FLASH_CR_PG), SIM_BUS_OK);
        sim_ps start = t.now;
        assert_int_equal(dbg_wr(&t, FLASH_BASE + 8, 4, 0x87654321u), SIM_BUS_OK);
        assert_int_equal(t.fpec.busy_until - start, want[i]);
        assert_int_equal(t.flash[8] | t.flash[9] << 8 | t.flash[10] << 16 |
                             (uint32_t)t.flash[11] << 24,
                         0x87654321u);
        /* Over a programmed word: PGERR, nothing written. */
        sim_target_advance(&t, want[i]);
        assert_int_equal(dbg_wr(&t, FLASH_BASE + 8, 4, 0x12345678u), SIM_BUS_OK);
        assert_true(t.fpec.sr & FLASH_SR_PGERR);
        assert_int_equal(t.flash[8], 0x21);
        sim_target_release(&t);
    }
}

/* CH32: FLASH_MODEKEYR clears FLOCK once the FPEC is unlocked; FLOCK is set-only by software.
 * On the F103 bit 15 reads 0 and FLASH_MODEKEYR is reserved. */
static void test_sim_ch32_flock(void **state)
{
    (void)state;
    struct sim_target t;
    sim_open(&t, "ch32f103c8");
    assert_int_equal(dbg_wr(&t, MODEKEYR, 4, FLASH_KEY1), SIM_BUS_OK); /* FPEC still locked */
    assert_int_equal(dbg_wr(&t, MODEKEYR, 4, FLASH_KEY2), SIM_BUS_OK);
    assert_true(dbg_rd(&t, CR) & FLASH_CR_FLOCK);
    fpec_unlock(&t);
    assert_int_equal(dbg_wr(&t, CR, 4, 0), SIM_BUS_OK);
    assert_int_equal(dbg_rd(&t, CR), FLASH_CR_FLOCK); /* writing 0 leaves it set */
    assert_int_equal(dbg_wr(&t, MODEKEYR, 4, FLASH_KEY1), SIM_BUS_OK);
    assert_int_equal(dbg_wr(&t, MODEKEYR, 4, FLASH_KEY2), SIM_BUS_OK);
    assert_int_equal(dbg_rd(&t, CR), 0);
    assert_int_equal(dbg_rd(&t, MODEKEYR), 0); /* write-only */
    /* LOCK and FLOCK set in one write. */
    assert_int_equal(dbg_wr(&t, CR, 4, FLASH_CR_LOCK | FLASH_CR_FLOCK), SIM_BUS_OK);
    assert_int_equal(dbg_rd(&t, CR), FLASH_CR_LOCK | FLASH_CR_FLOCK);
    sim_target_release(&t);

    sim_open(&t, "stm32f103c8");
    fpec_unlock(&t);
    assert_int_equal(dbg_wr(&t, CR, 4, FLASH_CR_FLOCK), SIM_BUS_OK);
    assert_int_equal(dbg_rd(&t, CR), 0);
    sim_target_release(&t);
}

/* ---- the library on the in-process virtual board ---- */

struct board {
    char dir[64];
    char selector[160];
    struct stflash_ctx *ctx;
    struct stflash_dev *dev;
    char warnings[1024];
};

static void on_log(void *user, enum stflash_log_level level, const char *msg)
{
    struct board *b = user;
    if (level != STFLASH_LOG_WARN)
        return;
    size_t used = strlen(b->warnings);
    snprintf(b->warnings + used, sizeof b->warnings - used, "%s\n", msg);
}

/* Opens `chip` on a fresh virtual board (its own state file), halted. */
static void board_open(struct board *b, const char *chip)
{
    memset(b, 0, sizeof *b);
    snprintf(b->dir, sizeof b->dir, "%s/stflash-clones.XXXXXX",
             getenv("TMPDIR") && *getenv("TMPDIR") && strlen(getenv("TMPDIR")) < 32
                 ? getenv("TMPDIR")
                 : "/tmp");
    assert_non_null(mkdtemp(b->dir));
    snprintf(b->selector, sizeof b->selector, "sim:%s,state=%s/board.state", chip, b->dir);
    assert_int_equal(stflash_ctx_new(&b->ctx), STFLASH_OK);
    stflash_ctx_set_log(b->ctx, STFLASH_LOG_WARN, on_log, b);
    struct stflash_open_options o = {.selector = b->selector, .halt = true};
    int rc = stflash_open(b->ctx, &o, &b->dev);
    if (rc != STFLASH_OK)
        fail_msg("open %s: %s", b->selector, stflash_last_error(b->ctx));
}

static void board_close(struct board *b)
{
    stflash_close(b->dev);
    stflash_ctx_free(b->ctx);
    DIR *d = opendir(b->dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char path[sizeof b->dir + 256];
            snprintf(path, sizeof path, "%s/%s", b->dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(b->dir);
}

struct expect_target {
    const char *chip;
    const char *clone_name; /* NULL: genuine */
    uint32_t flash_size;
    bool assumed; /* the flash-size register reads 0: the clone's fallback, with a warning */
    uint32_t sram_size;
};

static const struct expect_target targets[] = {
    {"stm32f103c8", NULL, 64u * 1024u, false, 20u * 1024u},
    {"cks32f103c8", "CKS32F103/CS32F103", 128u * 1024u, true, 20u * 1024u},
    {"gd32f103c8", "GD32F103", 64u * 1024u, false, 20u * 1024u},
    {"apm32f103c8", "APM32F103", 64u * 1024u, false, 20u * 1024u},
    {"ch32f103c8", "CH32F103", 64u * 1024u, true, 20u * 1024u},
};

static void test_identify(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        const struct expect_target *e = &targets[i];
        struct board b;
        board_open(&b, e->chip);
        struct stflash_target_info t;
        assert_int_equal(stflash_target_info(b.dev, &t), STFLASH_OK);
        assert_non_null(t.chip);
        assert_int_equal(t.dev_id, 0x410);
        if (e->clone_name) {
            if (!t.clone_name || strcmp(t.clone_name, e->clone_name) != 0)
                fail_msg("%s identified as %s, expected %s", e->chip,
                         t.clone_name ? t.clone_name : "a genuine part", e->clone_name);
        } else {
            assert_null(t.clone_name);
        }
        assert_int_equal(t.flash_size, e->flash_size);
        assert_int_equal(t.flash_size_assumed, e->assumed);
        assert_int_equal(t.sram_size, e->sram_size);
        assert_int_equal(t.page_size, 1024);
        assert_true(t.flash_supported);
        if (e->assumed) {
            /* The warning names the clone and the size it assumes. */
            char want[128];
            snprintf(want, sizeof want, "assuming %u KiB for %s", e->flash_size / 1024u,
                     e->clone_name);
            if (!strstr(b.warnings, "reads 0x0000") || !strstr(b.warnings, want))
                fail_msg("%s: warnings \"%s\" lack \"%s\"", e->chip, b.warnings, want);
        } else {
            assert_string_equal(b.warnings, "");
        }
        board_close(&b);
    }
}

/* An image over several pages plus a piece at the top of the flash. */
static void make_image(struct stflash_image *img, struct stflash_segment segs[2], uint32_t size,
                       uint32_t seed)
{
    const uint32_t addr[2] = {FLASH_BASE + 0x100u, FLASH_BASE + size - 0x300u};
    const size_t len[2] = {5000, 0x300};
    memset(img, 0, sizeof *img);
    for (unsigned i = 0; i < 2; i++) {
        segs[i].addr = addr[i];
        segs[i].len = len[i];
        segs[i].data = malloc(len[i]);
        assert_non_null(segs[i].data);
        for (size_t k = 0; k < len[i]; k++)
            segs[i].data[k] = pattern((uint32_t)k + i * 7919u, seed);
        img->total_bytes += len[i];
    }
    img->segments = segs;
    img->segment_count = 2;
    img->format = STFLASH_IMAGE_BIN;
}

static void test_write_verify_read(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        const struct expect_target *e = &targets[i];
        struct board b;
        board_open(&b, e->chip);
        struct stflash_image img;
        struct stflash_segment segs[2];
        make_image(&img, segs, e->flash_size, (uint32_t)i + 1u);
        int rc = stflash_write_image(b.dev, &img, NULL);
        if (rc != STFLASH_OK)
            fail_msg("%s: write: %s", e->chip, stflash_last_error(b.ctx));
        rc = stflash_verify_image(b.dev, &img);
        if (rc != STFLASH_OK)
            fail_msg("%s: verify: %s", e->chip, stflash_last_error(b.ctx));
        for (unsigned k = 0; k < 2; k++) {
            uint8_t *back = malloc(segs[k].len);
            assert_non_null(back);
            assert_int_equal(stflash_mem_read(b.dev, segs[k].addr, back, segs[k].len), STFLASH_OK);
            assert_memory_equal(back, segs[k].data, segs[k].len);
            free(back);
            free(segs[k].data);
        }
        /* The controller is locked again; the CH32 keeps its fast mode locked too. */
        uint32_t cr;
        assert_int_equal(stflash_read32(b.dev, CR, &cr), STFLASH_OK);
        assert_int_equal(cr, strcmp(e->chip, "ch32f103c8") == 0 ? 0x8080u : 0x0080u);
        board_close(&b);
    }
}

/* A writer that does not poll BSY: PG set, then 64 bytes in one memory write through the probe.
 * The F103 stalls each half-word until the previous one is programmed (the probe retries WAIT),
 * so all arrive; the APM32 drops those that arrive while BSY is set. The library's own write,
 * whose loader polls BSY after every half-word, then succeeds on the same APM32. */
static void test_apm32_writer_without_bsy_polling(void **state)
{
    (void)state;
    const char *chips[] = {"stm32f103c8", "apm32f103c8"};
    uint8_t data[64], back[64];
    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = pattern(i, 99);
    for (unsigned c = 0; c < 2; c++) {
        struct board b;
        board_open(&b, chips[c]);
        assert_int_equal(stflash_write32(b.dev, KEYR, FLASH_KEY1), STFLASH_OK);
        assert_int_equal(stflash_write32(b.dev, KEYR, FLASH_KEY2), STFLASH_OK);
        assert_int_equal(stflash_write32(b.dev, CR, FLASH_CR_PG), STFLASH_OK);
        assert_int_equal(stflash_mem_write(b.dev, FLASH_BASE, data, sizeof data), STFLASH_OK);
        assert_int_equal(stflash_write32(b.dev, CR, FLASH_CR_LOCK), STFLASH_OK);
        assert_int_equal(stflash_mem_read(b.dev, FLASH_BASE, back, sizeof back), STFLASH_OK);
        unsigned lost = 0;
        for (unsigned k = 0; k < sizeof data; k += 2) {
            if (memcmp(back + k, data + k, 2) == 0)
                continue;
            /* Lost, not corrupted: still erased. */
            assert_int_equal(back[k] & back[k + 1], 0xFF);
            lost++;
        }
        if (c == 0) {
            assert_int_equal(lost, 0);
        } else {
            if (lost == 0)
                fail_msg("the simulated APM32 kept every half-word written without BSY polling");
            assert_true(lost < sizeof data / 2); /* the first one at least was programmed */

            struct stflash_segment seg = {FLASH_BASE, sizeof data, data};
            struct stflash_image img = {&seg, 1, sizeof data, false, 0, STFLASH_IMAGE_BIN};
            int rc = stflash_write_image(b.dev, &img, NULL);
            if (rc != STFLASH_OK)
                fail_msg("APM32 write: %s", stflash_last_error(b.ctx));
            assert_int_equal(stflash_mem_read(b.dev, FLASH_BASE, back, sizeof back), STFLASH_OK);
            assert_memory_equal(back, data, sizeof data);
        }
        board_close(&b);
    }
}

/* ---- GD32 word programming through the flash driver ---- */

/* The clone row of that name. */
static const struct stflash_clone_info *clone_named(const char *name)
{
    for (size_t i = 0; i < stflash_clone_count(); i++)
        if (strcmp(stflash_clone_at(i)->name, name) == 0)
            return stflash_clone_at(i);
    fail_msg("no clone row named %s", name);
    return NULL;
}

/* The simulated GD32F103 driven as the GD32F103 it is (word programming), or as a genuine F1
 * (clone NULL: half-words). */
static void gd32_open(struct sim_dbg *sd, struct stflash_ctx **ctx, struct flash_dev *f,
                      const struct stflash_clone_info *clone)
{
    assert_int_equal(stflash_ctx_new(ctx), STFLASH_OK);
    assert_int_equal(sim_dbg_open(sd, "gd32f103c8", *ctx, NULL), 0);
    struct flash_dev_params p = {.flash_size = sd->t.flash_size, .clone = clone};
    assert_int_equal(flash_dev_init(f, &sd->dbg, stflash_chip_find(0x410), &p), STFLASH_OK);
    assert_true(!clone || (f->quirks & STFLASH_CLONE_PROGRAM_32BIT));
}

static void gd32_close(struct sim_dbg *sd, struct stflash_ctx *ctx)
{
    sim_dbg_close(sd);
    stflash_ctx_free(ctx);
}

/* The same 32 KiB image with the half-word loader and with the word loader: the same flash
 * content, in clearly less virtual time with words. */
static void test_gd32_words_faster(void **state)
{
    (void)state;
    const uint32_t len = 32u * 1024u;
    uint8_t *data = malloc(len);
    assert_non_null(data);
    for (uint32_t i = 0; i < len; i++)
        data[i] = pattern(i, 5);
    struct stflash_segment seg = {FLASH_BASE, len, data};
    struct stflash_image img = {&seg, 1, len, false, 0, STFLASH_IMAGE_BIN};
    double took[2];
    const struct stflash_clone_info *as[2] = {NULL, clone_named("GD32F103")};
    for (unsigned i = 0; i < 2; i++) {
        struct sim_dbg sd;
        struct stflash_ctx *ctx;
        struct flash_dev f;
        gd32_open(&sd, &ctx, &f, as[i]);
        double start = sim_dbg_seconds(&sd);
        int rc = flash_write(&f, &img, NULL);
        if (rc != STFLASH_OK)
            fail_msg("write: %s", stflash_last_error(ctx));
        took[i] = sim_dbg_seconds(&sd) - start;
        assert_memory_equal(sd.t.flash, data, len);
        gd32_close(&sd, ctx);
    }
    /* Erase, transfer and verify are the same; programming takes half as long. */
    if (!(took[1] < 0.8 * took[0]))
        fail_msg("words %.3f s, half-words %.3f s: no gain", took[1], took[0]);
    free(data);
}

/* The word loader's failure report: the word, and what it holds. */
static void test_gd32_word_pgerr(void **state)
{
    (void)state;
    struct sim_dbg sd;
    struct stflash_ctx *ctx;
    struct flash_dev f;
    gd32_open(&sd, &ctx, &f, clone_named("GD32F103"));
    memset(sd.t.flash + 0x400, 0x5A, 0x400); /* old content, the erase deliberately skipped */
    uint8_t data[64];
    memset(data, 0xFF, sizeof data);
    data[8] = 0x78; /* 0x08000408: the first word that is not 0xFFFFFFFF */
    assert_int_equal(f.drv->unlock(&f), STFLASH_OK);
    int rc = f.drv->program(&f, FLASH_BASE + 0x400u, data, sizeof data);
    assert_int_equal(f.drv->lock(&f), STFLASH_OK);
    assert_int_equal(rc, STFLASH_ERR_TARGET);
    assert_string_equal(stflash_last_error(ctx),
                        "cannot program 0x08000408: not erased, holds 0x5a5a5a5a (PGERR)");
    gd32_close(&sd, ctx);
}

int main(void)
{
    stflash_sim_register(); /* "sim:CHIP" selectors */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sim_identification),
        cmocka_unit_test(test_sim_apm32_drops_halfword_while_busy),
        cmocka_unit_test(test_sim_gd32_word_program),
        cmocka_unit_test(test_sim_ch32_flock),
        cmocka_unit_test(test_identify),
        cmocka_unit_test(test_write_verify_read),
        cmocka_unit_test(test_apm32_writer_without_bsy_polling),
        cmocka_unit_test(test_gd32_words_faster),
        cmocka_unit_test(test_gd32_word_pgerr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
