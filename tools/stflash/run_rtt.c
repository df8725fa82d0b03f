/*
 * `stflash run --rtt`: what the firmware writes to RTT up channel 0 goes to stdout, beside its
 * semihosting console. The block is looked for while the firmware runs (it sets it up after its
 * start), by the ELF symbol _SEGGER_RTT when the file has one, else in the chip's SRAM; every
 * access is one that does not halt the core (include/stflash/rtt.h).
 */
#include <stdio.h>

#include "run_rtt.h"

/* Between two searches for a block not set up yet: a RAM scan reads the whole SRAM. */
#define SEARCH_INTERVAL_S 0.05

int run_rtt_begin(struct cli *cli, struct run_rtt *r, const char *firmware)
{
    if (!r->on)
        return EXIT_OK;
    int lrc = stflash_elf_symbol(cli->ctx, firmware, "_SEGGER_RTT", &r->addr);
    if (lrc == 0)
        r->have_addr = true;
    else if (lrc != STFLASH_ERR_FORMAT && lrc != STFLASH_ERR_NOT_FOUND)
        return fail_lib(cli, lrc, false);
    /* Not ELF, stripped, or no such symbol: the SRAM is searched instead. */
    return EXIT_OK;
}

int run_rtt_pump(struct cli *cli, struct stflash_dev *dev, struct run_rtt *r)
{
    if (!r->on)
        return EXIT_OK;
    if (!r->found) {
        double now = now_seconds();
        if (now < r->next_search)
            return EXIT_OK;
        int lrc = r->have_addr ? stflash_rtt_at(dev, r->addr, &r->rtt)
                               : stflash_rtt_scan(dev, 0, 0, &r->rtt);
        if (lrc == STFLASH_ERR_NOT_FOUND) {
            r->next_search = now_seconds() + SEARCH_INTERVAL_S;
            return EXIT_OK;
        }
        if (lrc)
            return fail_lib(cli, lrc, false);
        r->found = true;
        if (r->rtt.up_count == 0) {
            out_error("the RTT control block at 0x%08x has no up channel: --rtt has nothing to "
                      "show",
                      r->rtt.addr);
            return EXIT_FAILED;
        }
        out_note(cli, "RTT control block at 0x%08x: up channel 0 on stdout", r->rtt.addr);
    }
    uint8_t buf[1024];
    int n;
    while ((n = stflash_rtt_read(dev, &r->rtt, 0, buf, sizeof buf)) > 0) {
        progress_break();
        fwrite(buf, 1, (size_t)n, stdout);
        fflush(stdout);
    }
    return n < 0 ? fail_lib(cli, n, false) : EXIT_OK;
}

int run_rtt_drain(struct cli *cli, struct stflash_dev *dev, struct run_rtt *r)
{
    r->next_search = 0;
    return run_rtt_pump(cli, dev, r);
}
