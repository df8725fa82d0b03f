/*
 * The independent watchdog of the F0, F1 and F3 (RM0008 §19, RM0091 §25, RM0316 §27): the key
 * register (0x5555 unlocks PR and RLR, 0xCCCC starts, 0xAAAA reloads), the prescaler and the
 * 12-bit down-counter clocked by the LSI (40 kHz typical: F103 datasheet DS5319 Table 24). When
 * the counter reaches zero the chip resets and RCC_CSR.IWDGRSTF is set. The option bit WDG_SW = 0
 * (USER byte bit 0, PM0075 §2.5) starts it by hardware at every reset. The DBGMCU freeze bit
 * (F1: DBGMCU_CR.DBG_IWDG_STOP, bit 8, RM0008 §31.16.3; F0/F3: DBGMCU_APB1_FZ bit 12, RM0091
 * §32.9.4) stops the counter only while the core is halted: a loader that runs for seconds lets
 * it count. PR and RLR updates take effect at the next reload; IWDG_SR reads 0 (no update in
 * progress). The window watchdog is sim/wwdg.c.
 */
#include "family.h"
#include "target.h"

#define IWDG_KR 0x0u
#define IWDG_PR 0x4u
#define IWDG_RLR 0x8u
#define IWDG_SR 0xCu
#define KEY_ACCESS 0x5555u
#define KEY_RELOAD 0xAAAAu
#define KEY_START 0xCCCCu
#define LSI_TICK_PS (SIM_PS_PER_S / 40000u)

static void reload(struct sim_target *t)
{
    struct sim_iwdg *w = &t->iwdg;
    unsigned pr = w->pr > 6u ? 6u : w->pr; /* PR 6 and 7 both divide by 256 */
    sim_ps tick = (sim_ps)(4u << pr) * LSI_TICK_PS;
    w->expires = t->now + (sim_ps)(w->rlr & 0xFFFu) * tick;
}

void sim_iwdg_reset(struct sim_target *t)
{
    struct sim_iwdg *w = &t->iwdg;
    uint64_t expiries = w->expiries;
    *w = (struct sim_iwdg){.rlr = 0xFFFu, .expiries = expiries};
    /* The USER byte loaded at this reset (low byte of the second option half-word); only the
     * F0/F1/F3 option area has it there, and only their families decode the IWDG. */
    if (t->family->flash == &sim_fpec_ops && !(t->optbytes[1] & 1u)) {
        w->running = true;
        reload(t);
    }
    /* H7: FLASH_OPTSR IWDG1_SW (bit 4) = 0 starts IWDG1 at every reset (RM0433 §4.4.2). */
    if (t->family->flash == &sim_h7_flash_ops && !(t->h7f.optsr_cur & (1u << 4))) {
        w->running = true;
        reload(t);
    }
}

bool sim_iwdg_frozen(const struct sim_target *t)
{
    if (!t->core.halted)
        return false;
    if (t->family->flash == &sim_h7_flash_ops) /* DBGMCU_APB4FZ1 (+0x54) WDGLSD1, RM0433 §60 */
        return (t->per.dbgmcu_h7[0x54 / 4] >> 18) & 1u;
    if (t->family->dbgmcu_freeze)
        return (t->per.dbgmcu_fz[0] >> 12) & 1u;
    return (t->per.dbgmcu_cr >> 8) & 1u;
}

void sim_iwdg_halted_for(struct sim_target *t, sim_ps dt)
{
    if (t->iwdg.running && sim_iwdg_frozen(t))
        t->iwdg.expires += dt;
}

void sim_iwdg_skip(struct sim_target *t, sim_ps dt)
{
    if (t->iwdg.running)
        t->iwdg.expires += dt;
}

sim_ps sim_iwdg_deadline(const struct sim_target *t)
{
    return t->iwdg.running ? t->iwdg.expires : UINT64_MAX;
}

bool sim_iwdg_expired(struct sim_target *t)
{
    struct sim_iwdg *w = &t->iwdg;
    if (!w->running || t->now < w->expires)
        return false;
    w->expiries++;
    return true;
}

enum sim_bus_result sim_iwdg_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                    const uint32_t *wr)
{
    struct sim_iwdg *w = &t->iwdg;
    if (rd) {
        *rd = off == IWDG_PR ? w->pr : off == IWDG_RLR ? w->rlr : 0; /* KR is write-only */
        return SIM_BUS_OK;
    }
    uint32_t v = *wr & 0xFFFFu;
    switch (off) {
    case IWDG_KR:
        w->access = v == KEY_ACCESS;
        if (v == KEY_START && !w->running) {
            w->running = true;
            reload(t);
        } else if (v == KEY_RELOAD || v == KEY_START) {
            reload(t);
        }
        break;
    case IWDG_PR:
        if (w->access)
            w->pr = v & 7u;
        break;
    case IWDG_RLR:
        if (w->access)
            w->rlr = v & 0xFFFu;
        break;
    default:
        break;
    }
    return SIM_BUS_OK;
}
