/* A virtual board: probe + target, client sessions, statistics and the state file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "stlink/stlink_proto.h"

/* Version 2 names the family and the section of the option bytes; version 1 files (F1 boards,
 * before there were families) hold the same bytes and are read as they are. */
#define STATE_MAGIC "stflash-sim-state 2\n"
#define STATE_MAGIC_V1 "stflash-sim-state 1\n"

static double ps_to_s(sim_ps ps)
{
    return (double)ps / (double)SIM_PS_PER_S;
}

static int load_firmware(struct sim_board *b, const char *path, uint32_t addr, char *err,
                         size_t errlen)
{
    struct sim_target *t = &b->target;
    uint32_t base = t->family->flash_base;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open firmware '%s': %s", path, strerror(errno));
        return -1;
    }
    if (addr < base || addr - base >= t->flash_size) {
        fclose(f);
        snprintf(err, errlen, "firmware address 0x%08x is outside the flash (0x%08x, %u KiB)", addr,
                 base, t->flash_size / 1024u);
        return -1;
    }
    uint32_t room = t->flash_size - (addr - base);
    size_t n = fread(&t->flash[addr - base], 1, room, f);
    int extra = fgetc(f);
    fclose(f);
    if (extra != EOF) {
        snprintf(err, errlen,
                 "firmware '%s' does not fit in the flash: more than %u bytes from "
                 "0x%08x",
                 path, room, addr);
        return -1;
    }
    sim_target_code_changed(t, addr, (uint32_t)n);
    return 0;
}

int sim_board_init(struct sim_board *b, const struct sim_board_config *cfg, char *err,
                   size_t errlen)
{
    memset(b, 0, sizeof *b);
    const struct sim_family *fam = cfg->target.chip->family;
    if (cfg->target.rdp_level > fam->max_rdp_level) {
        snprintf(err, errlen,
                 "the %s has no read protection level %d (its levels: 0 to %d); give --rdp 0 "
                 "or 1",
                 cfg->target.chip->name, cfg->target.rdp_level, fam->max_rdp_level);
        return -1;
    }
    if (sim_target_init(&b->target, &cfg->target) != 0) {
        snprintf(err, errlen, "cannot create the simulated %s", cfg->target.chip->name);
        return -1;
    }
    sim_probe_init(&b->probe, &cfg->probe, &b->target);
    b->target.faults = &b->faults;
    b->wait_burst = cfg->probe.wait_burst;
    sim_board_arm_fault(b, &cfg->fault);
    bool loaded = false;
    if (cfg->state_path) {
        b->state_path = strdup(cfg->state_path);
        FILE *f = fopen(cfg->state_path, "rb");
        if (f) {
            fclose(f);
            if (sim_board_load(b, cfg->state_path, err, errlen) != 0)
                goto fail;
            loaded = true;
        }
    }
    if (cfg->firmware_path &&
        load_firmware(b, cfg->firmware_path, cfg->firmware_addr, err, errlen) != 0)
        goto fail;
    sim_target_power_on_reset(&b->target);
    /* The state file's option bytes win over rdp= (they are the board's now): said when they
     * differ, so that a board option is never dropped in silence. */
    if (loaded && cfg->rdp_given &&
        b->target.family->flash->rdp_level(&b->target) != cfg->target.rdp_level)
        snprintf(b->note, sizeof b->note,
                 "board option rdp=%d not applied: the state file '%s' holds this board's option "
                 "bytes (read protection level %d); remove the file to start a new board with "
                 "it, or change the level with 'stflash options' or 'lock'/'unlock'",
                 cfg->target.rdp_level, cfg->state_path,
                 b->target.family->flash->rdp_level(&b->target));
    return 0;
fail:
    sim_board_release(b);
    return -1;
}

void sim_board_release(struct sim_board *b)
{
    sim_target_release(&b->target);
    free(b->state_path);
    b->state_path = NULL;
}

void sim_board_arm_fault(struct sim_board *b, const struct sim_fault_plan *plan)
{
    sim_faults_arm(&b->faults, plan);
    /* WAIT bursts are the probe model's own (--wait-burst). */
    b->probe.cfg.wait_burst = plan->kind == SIM_FAULT_WAIT ? plan->arg : b->wait_burst;
    b->probe.waits_left = 0;
}

void sim_board_session_begin(struct sim_board *b)
{
    memset(&b->session, 0, sizeof b->session);
    b->session.start_ps = b->target.now;
    b->target.stats = &b->session;
    b->in_session = true;
    b->have_last_cmd = false;
}

void sim_board_session_end(struct sim_board *b)
{
    if (!b->in_session)
        return;
    b->last_session = b->session;
    b->last_session.start_ps = b->target.now - b->session.start_ps; /* now: the duration */
    b->target.stats = NULL;
    b->in_session = false;
    b->sessions++;
}

static sim_ps elapsed_ps(const struct timespec *from, const struct timespec *to)
{
    int64_t ns = (int64_t)(to->tv_sec - from->tv_sec) * 1000000000 + (to->tv_nsec - from->tv_nsec);
    return ns > 0 ? (sim_ps)ns * 1000u : 0;
}

size_t sim_board_command(struct sim_board *b, const uint8_t cmd[16], const uint8_t *out,
                         size_t out_len, uint8_t *reply, size_t cap)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (b->have_last_cmd) {
        sim_ps gap = elapsed_ps(&b->last_cmd_end, &now);
        sim_ps others = b->busy_clock ? *b->busy_clock - b->busy_mark : 0;
        sim_target_charge(&b->target, SIM_COST_HOST_GAP, gap > others ? gap - others : 0);
    }
    size_t n = sim_probe_command(&b->probe, cmd, out, out_len, reply, cap);
    clock_gettime(CLOCK_MONOTONIC, &b->last_cmd_end);
    if (b->busy_clock) {
        *b->busy_clock += elapsed_ps(&now, &b->last_cmd_end);
        b->busy_mark = *b->busy_clock;
    }
    b->have_last_cmd = true;
    b->unsaved = true;
    return n;
}

int sim_board_autosave(struct sim_board *b, unsigned idle_ms, char *err, size_t errlen)
{
    if (!b->state_path || !b->unsaved)
        return 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (elapsed_ps(&b->last_cmd_end, &now) < (sim_ps)idle_ms * SIM_PS_PER_MS)
        return 0;
    int rc = sim_board_save(b, b->state_path, err, errlen);
    b->unsaved = false; /* a failure is reported once per pause, not at every poll */
    return rc;
}

/* ---- state file: a text header, then the option bytes and the flash image ---- */

#define OPTBYTES_SECTION_LEN 16u

/* The options' section: the 8 half-words of the F0/F1/F3 option area, low byte first, or what
 * the family's flash controller keeps (flash ops state_*). */
#define STATE_SECTION_MAX 64u

static const char *section_name(const struct sim_target *t)
{
    return t->family->flash->state_section ? t->family->flash->state_section : SIM_OPTBYTES_SECTION;
}

static unsigned options_section(const struct sim_target *t, uint8_t *out)
{
    const struct sim_flash_ops *ops = t->family->flash;
    if (ops->state_get) {
        ops->state_get(t, out);
        return ops->state_len;
    }
    for (unsigned i = 0; i < 8; i++) {
        out[2 * i] = (uint8_t)t->optbytes[i];
        out[2 * i + 1] = (uint8_t)(t->optbytes[i] >> 8);
    }
    return OPTBYTES_SECTION_LEN;
}

int sim_board_save(struct sim_board *b, const char *path, char *err, size_t errlen)
{
    struct sim_target *t = &b->target;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        snprintf(err, errlen, "cannot write state file '%s': %s", tmp, strerror(errno));
        return -1;
    }
    uint8_t ob[STATE_SECTION_MAX];
    unsigned oblen = options_section(t, ob);
    fprintf(f, STATE_MAGIC "chip %s\nfamily %s\nflash %u\n%s %u\n\n", t->chip->name,
            t->family->name, t->flash_size, section_name(t), oblen);
    /* The data EEPROM of the L0/L1 follows the flash image (its size is the chip's). */
    bool ok = fwrite(ob, 1, oblen, f) == oblen &&
              fwrite(t->flash, 1, t->flash_size, f) == t->flash_size &&
              (!t->eeprom || fwrite(t->eeprom, 1, t->eeprom_size, f) == t->eeprom_size);
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write state file '%s': %s", path, strerror(errno));
        remove(tmp);
        return -1;
    }
    if (b->state_path && strcmp(path, b->state_path) == 0)
        b->unsaved = false;
    return 0;
}

int sim_board_load(struct sim_board *b, const char *path, char *err, size_t errlen)
{
    struct sim_target *t = &b->target;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open state file '%s': %s", path, strerror(errno));
        return -1;
    }
    char magic[64], chip[64], family[16] = "f1", section[16] = SIM_OPTBYTES_SECTION;
    unsigned flash = 0, oblen = OPTBYTES_SECTION_LEN;
    int rc = -1;
    uint8_t ob[STATE_SECTION_MAX];
    const struct sim_flash_ops *ops = t->family->flash;
    unsigned want_len = ops->state_get ? ops->state_len : OPTBYTES_SECTION_LEN;
    bool v1 = false, header_ok = false;
    if (fgets(magic, sizeof magic, f)) {
        v1 = strcmp(magic, STATE_MAGIC_V1) == 0;
        if (v1)
            header_ok = fscanf(f, "chip %63s\nflash %u\n\n", chip, &flash) == 2;
        else if (strcmp(magic, STATE_MAGIC) == 0)
            header_ok = fscanf(f, "chip %63s\nfamily %15s\nflash %u\n%15s %u\n\n", chip, family,
                               &flash, section, &oblen) == 5;
    }
    if (!header_ok) {
        snprintf(err, errlen, "'%s' is not a virtual-board state file (or one of a newer version)",
                 path);
        goto out;
    }
    if (strcmp(family, t->family->name) != 0 || strcmp(section, section_name(t)) != 0 ||
        oblen != want_len) {
        snprintf(err, errlen,
                 "state file '%s' holds a board of the %s family, the board is a %s (%s); remove "
                 "the file or start the board with the same chip",
                 path, family, t->chip->name, t->family->name);
        goto out;
    }
    if (strcmp(chip, t->chip->name) != 0 || flash != t->flash_size) {
        snprintf(err, errlen,
                 "state file '%s' holds a %s with %u bytes of flash, the board is a %s with %u; "
                 "remove the file or start the board with the same chip",
                 path, chip, flash, t->chip->name, t->flash_size);
        goto out;
    }
    if (fread(ob, 1, oblen, f) != oblen || fread(t->flash, 1, flash, f) != flash ||
        (t->eeprom && fread(t->eeprom, 1, t->eeprom_size, f) != t->eeprom_size)) {
        snprintf(err, errlen, "state file '%s' is truncated", path);
        goto out;
    }
    if (ops->state_put)
        ops->state_put(t, ob);
    else
        for (unsigned i = 0; i < 8; i++)
            t->optbytes[i] = (uint16_t)(ob[2 * i] | ob[2 * i + 1] << 8);
    sim_target_optbytes_changed(t);
    sim_target_code_changed(t, t->family->flash_base, t->flash_size);
    if (t->eeprom)
        sim_target_code_changed(t, t->family->eeprom_base, t->eeprom_size);
    rc = 0;
out:
    fclose(f);
    return rc;
}

/* ---- reports ---- */

static const char *cost_names[SIM_COST_COUNT] = {"host_gap_s", "usb_latency_s", "usb_data_s",
                                                 "swd_s", "bsy_wait_s"};

/* Bytes one program operation writes (tprog_ps is per operation). */
void sim_board_write_stats_json(const struct sim_board *b, FILE *out)
{
    const struct sim_stats *s = b->in_session ? &b->session : &b->last_session;
    sim_ps duration = b->in_session ? b->target.now - s->start_ps : s->start_ps;
    fprintf(out, "{\"in_session\": %s, \"sessions\": %u, \"virtual_s\": %.6f",
            b->in_session ? "true" : "false", b->sessions, ps_to_s(duration));
    for (int i = 0; i < SIM_COST_COUNT; i++)
        fprintf(out, ", \"%s\": %.6f", cost_names[i], ps_to_s(s->cost_ps[i]));
    fprintf(out,
            ", \"commands\": %llu, \"bytes_out\": %llu, \"bytes_in\": %llu, "
            "\"halfwords_programmed\": %llu, \"pages_erased\": %llu, \"mass_erases\": %llu, "
            "\"option_erases\": %llu, \"program_ops\": %llu, \"bytes_programmed\": %llu, "
            "\"sectors_erased\": %llu, \"fast_rows\": %llu, \"core_hz_max\": %u, "
            "\"floor_s\": %.6f}\n",
            (unsigned long long)s->commands, (unsigned long long)s->bytes_out,
            (unsigned long long)s->bytes_in, (unsigned long long)s->halfwords_programmed,
            (unsigned long long)s->pages_erased, (unsigned long long)s->mass_erases,
            (unsigned long long)s->option_erases, (unsigned long long)s->program_ops,
            (unsigned long long)s->bytes_programmed, (unsigned long long)s->sectors_erased,
            (unsigned long long)s->fast_rows, s->core_hz_max,
            ps_to_s(b->target.family->flash->floor(&b->target, s)));
}

void sim_board_write_status_json(struct sim_board *b, FILE *out)
{
    struct sim_target *t = &b->target;
    uint32_t pc = 0;
    cortexm_read_core_reg(t, 15, &pc);
    char serial[80];
    sim_probe_serial_text(&b->probe, serial, sizeof serial);
    char fault[48];
    sim_faults_describe(&b->faults, fault, sizeof fault);
    fprintf(
        out,
        "{\"serial\": \"%s\", \"chip\": \"%s\", \"virtual_s\": %.6f, \"halted\": %s, "
        "\"lockup\": %s, \"pc\": \"0x%08x\", \"swd_disabled\": %s, \"rdp_level\": %d, "
        "\"led_%s\": \"%s\", \"led_toggles\": %llu, \"probe_mode\": %u, "
        "\"host_budget_cuts\": %llu, \"watchdog_resets\": %llu, \"window_watchdog_resets\": %llu, "
        "\"fault\": \"%s\"}\n",
        serial, t->chip->name, ps_to_s(t->now), t->core.halted ? "true" : "false",
        t->core.lockup ? "true" : "false", pc, t->swd_disabled ? "true" : "false",
        sim_target_rdp_level(t), t->family->led, t->family->led_on(t) ? "on" : "off",
        (unsigned long long)t->per.led_toggles, b->probe.mode,
        (unsigned long long)t->host_budget_cuts, (unsigned long long)t->iwdg.expiries,
        (unsigned long long)t->wwdg.expiries, fault);
}
