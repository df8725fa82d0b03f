/*
 * Leaks LeakSanitizer is told to ignore in every sanitized program of the build: allocations of
 * the Unicorn library's own translation-block bookkeeping that it does not free at uc_close
 * (tb_invalidate_phys_page_fast_arm, when code the emulated CPU ran is overwritten, as a flash
 * loader's SRAM is between jobs). Only that function is named, so a Unicorn instance this
 * project forgets to close is still reported.
 */
const char *__lsan_default_suppressions(void);

const char *__lsan_default_suppressions(void)
{
    return "leak:tb_invalidate_phys_page_fast\n";
}
