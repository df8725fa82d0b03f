/* The core clock for the routines in target SRAM (flash/clock.h). */
#include <time.h>

#include "arm/dbg.h"
#include "flash/clock.h"
#include "flash/family.h"

#define RCC_CR_OFF 0x0u
#define RCC_CFGR_OFF 0x4u
#define CR_PLLON (1u << 24)
#define CR_PLLRDY (1u << 25)
#define CFGR_SW_MASK 3u
#define CFGR_SW_PLL 2u
#define CFGR_SWS_MASK (3u << 2)
#define CFGR_HPRE_MASK (0xFu << 4)
/* PLLSRC (16), PLLXTPRE (17), PLLMUL (21:18): HSI/2 in, x16 (1110), x12 (1010), x9 (0111), x6
 * (0100). */
#define CFGR_PLL_MASK 0x003F0000u
#define CFGR_PLLMUL_X16 (14u << 18)
#define CFGR_PLLMUL_X12 (10u << 18)
#define CFGR_PLLMUL_X9 (7u << 18)
#define CFGR_PLLMUL_X6 (4u << 18)
#define CFGR_PPRE1_MASK (7u << 8)
#define CFGR_PPRE1_DIV2 (4u << 8)
#define ACR_LATENCY_MASK 7u
#define ACR_PRFTBE (1u << 4)
#define F0_F1_F3_RCC 0x40021000u
/* PLL lock takes at most 200 µs (DS5319 Table 36 tLOCK); the switch a few cycles. The deadline
 * covers probe round trips and a loaded host. */
#define CLOCK_DEADLINE_MS 50u

/* F100 (value line): 24 MHz at most (RM0041 §6.2), zero wait states (its FLASH_ACR has no
 * LATENCY). Every other F1: HSI/2 x 9 = 36 MHz, one wait state above 24 MHz and the prefetch
 * buffer on (RM0008 §3.3.3). Not more: the F101 (36 MHz at most) answers with the DEV_ID of the
 * F103 and cannot be told apart from it, and x9 is a multiplier the connectivity line (F105/F107,
 * whose PLLMUL lacks x16) has too (RM0008 §8.3.2). F0: 48 MHz at most (RM0091 §6.2), one wait state
 * above 24 MHz (RM0091 §3.5.1). F3: 64 MHz, two wait states above 48 MHz (RM0316 §4.5.1), APB1 at
 * most 36 MHz (RM0316 §9.2). */
#define ACR_FAST (ACR_LATENCY_MASK | ACR_PRFTBE)
const struct flash_clock_recipe flash_clock_fpec[] = {
    {STFLASH_FAMILY_F1, 0x420, F0_F1_F3_RCC, CFGR_PLL_MASK, CFGR_PLLMUL_X6, 0, 0, 24000000u},
    {STFLASH_FAMILY_F1, 0x428, F0_F1_F3_RCC, CFGR_PLL_MASK, CFGR_PLLMUL_X6, 0, 0, 24000000u},
    {STFLASH_FAMILY_F1, 0, F0_F1_F3_RCC, CFGR_PLL_MASK, CFGR_PLLMUL_X9, ACR_FAST, 1u | ACR_PRFTBE,
     36000000u},
    {STFLASH_FAMILY_F0, 0, F0_F1_F3_RCC, CFGR_PLL_MASK, CFGR_PLLMUL_X12, ACR_FAST, 1u | ACR_PRFTBE,
     48000000u},
    {STFLASH_FAMILY_F3, 0, F0_F1_F3_RCC, CFGR_PLL_MASK | CFGR_PPRE1_MASK,
     CFGR_PLLMUL_X16 | CFGR_PPRE1_DIV2, ACR_FAST, 2u | ACR_PRFTBE, 64000000u},
    {STFLASH_FAMILY_UNKNOWN, 0, 0, 0, 0, 0, 0, 0},
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const struct flash_clock_recipe *recipe_for(const struct flash_dev *f)
{
    if (!f->fam || !f->fam->clock_recipes || !f->chip)
        return NULL;
    for (const struct flash_clock_recipe *r = f->fam->clock_recipes;
         r->family != STFLASH_FAMILY_UNKNOWN; r++)
        if (r->family == f->chip->family && (!r->dev_id || r->dev_id == f->chip->dev_id))
            return r;
    return NULL;
}

/* Polls the register at addr until (value & mask) == want or the deadline passes: 1 when it
 * came, 0 when not, or the probe's error. */
static int wait_bits(struct flash_dev *f, uint32_t addr, uint32_t mask, uint32_t want)
{
    uint64_t deadline = now_ms() + CLOCK_DEADLINE_MS;
    for (;;) {
        uint32_t v = 0;
        int rc = dbg_read32(f->dbg, addr, &v);
        if (rc != STFLASH_OK)
            return rc;
        if ((v & mask) == want)
            return 1;
        if (now_ms() > deadline)
            return 0;
    }
}

/* Puts the saved registers back: SYSCLK to HSI (the saved SW), waited for, then RCC_CR (the PLL
 * off), RCC_CFGR (the PLL configuration is writable again), FLASH_ACR last. */
static int put_back(struct flash_dev *f, const struct flash_clock_recipe *r)
{
    struct flash_clock *c = &f->clock;
    uint32_t acr = f->chip->flash_regs;
    uint32_t raised_cfgr = (c->cfgr & ~r->cfgr_mask) | r->cfgr_bits;
    int rc = dbg_write32(f->dbg, r->rcc + RCC_CFGR_OFF, raised_cfgr & ~CFGR_SW_MASK);
    if (rc == STFLASH_OK) {
        rc = wait_bits(f, r->rcc + RCC_CFGR_OFF, CFGR_SWS_MASK, 0);
        if (rc == 0)
            rc = ctx_fail(f->ctx, STFLASH_ERR_TIMEOUT,
                          "the core clock did not switch back to HSI within %u ms",
                          CLOCK_DEADLINE_MS);
        else if (rc == 1)
            rc = STFLASH_OK;
    }
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, r->rcc + RCC_CR_OFF, c->cr);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, r->rcc + RCC_CFGR_OFF, c->cfgr);
    if (rc == STFLASH_OK && r->acr_mask)
        rc = dbg_write32(f->dbg, acr, c->acr);
    return rc;
}

int flash_clock_raise(struct flash_dev *f)
{
    struct flash_clock *c = &f->clock;
    if (c->tried)
        return STFLASH_OK;
    c->tried = true;
    const struct flash_clock_recipe *r = recipe_for(f);
    if (!r)
        return STFLASH_OK;
    uint32_t acr_addr = f->chip->flash_regs; /* FLASH_ACR at +0 */
    uint32_t cr = 0, cfgr = 0, acr = 0;
    int rc = dbg_read32(f->dbg, r->rcc + RCC_CR_OFF, &cr);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, r->rcc + RCC_CFGR_OFF, &cfgr);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, acr_addr, &acr);
    if (rc != STFLASH_OK)
        return rc;
    /* The reset clock: SYSCLK from HSI undivided, the PLL off. Anything else is the firmware's
     * choice, left as it is. */
    if ((cfgr & (CFGR_SWS_MASK | CFGR_SW_MASK | CFGR_HPRE_MASK)) || (cr & (CR_PLLON | CR_PLLRDY))) {
        ctx_log(f->ctx, STFLASH_LOG_INFO,
                "the core clock is not the reset clock (RCC_CR 0x%08x, RCC_CFGR 0x%08x): the "
                "routines in SRAM run at the firmware's clock",
                cr, cfgr);
        return STFLASH_OK;
    }
    c->cr = cr;
    c->cfgr = cfgr;
    c->acr = acr;
    /* Wait states first: the flash must keep up at the new clock from its first cycle. */
    uint32_t raised_cfgr = (cfgr & ~r->cfgr_mask) | r->cfgr_bits;
    if (r->acr_mask)
        rc = dbg_write32(f->dbg, acr_addr, (acr & ~r->acr_mask) | r->acr_bits);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, r->rcc + RCC_CFGR_OFF, raised_cfgr);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, r->rcc + RCC_CR_OFF, cr | CR_PLLON);
    c->raised = true; /* from here on, the end of the job puts the registers back */
    int got = rc == STFLASH_OK ? wait_bits(f, r->rcc + RCC_CR_OFF, CR_PLLRDY, CR_PLLRDY) : rc;
    if (got == 1) {
        rc = dbg_write32(f->dbg, r->rcc + RCC_CFGR_OFF, raised_cfgr | CFGR_SW_PLL);
        got = rc == STFLASH_OK
                  ? wait_bits(f, r->rcc + RCC_CFGR_OFF, CFGR_SWS_MASK, CFGR_SW_PLL << 2)
                  : rc;
    }
    if (got == 1) {
        ctx_log(f->ctx, STFLASH_LOG_INFO,
                "core clock %u MHz (PLL from HSI/2, %u flash wait states) for the routines in SRAM",
                r->hz / 1000000u, r->acr_bits & ACR_LATENCY_MASK);
        return STFLASH_OK;
    }
    if (got < 0)
        return got; /* the probe failed: the job ends and its end tries to put things back */
    ctx_log(f->ctx, STFLASH_LOG_INFO,
            "the PLL did not lock within %u ms: the routines in SRAM run at the reset clock",
            CLOCK_DEADLINE_MS);
    c->raised = false;
    return put_back(f, r);
}

int flash_clock_restore(struct flash_dev *f)
{
    struct flash_clock *c = &f->clock;
    bool raised = c->raised;
    c->tried = false;
    c->raised = false;
    const struct flash_clock_recipe *r = recipe_for(f);
    if (!raised || !r)
        return STFLASH_OK;
    return put_back(f, r);
}
