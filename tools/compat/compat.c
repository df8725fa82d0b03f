/* Shared by the st-info and st-flash compatible front-ends. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat.h"
#if STFLASH_WITH_SIM
#include "sim_plugin.h"
#endif

/* What stlink-tools 1.7.0 prints for each DEV_ID it knows: description, page size, SRAM. */
static const struct compat_chip chips[] = {
    {0x410, "F1xx Medium-density", 0x400, 0x5000},
    {0x411, "F2xx", 0x20000, 0x20000},
    {0x412, "F1 Low-density device", 0x400, 0x2800},
    {0x413, "F4xx", 0x4000, 0x30000},
    {0x414, "F1xx High-density", 0x800, 0x10000},
    {0x415, "L4xx", 0x800, 0x18000},
    {0x416, "L1xx Medium-density", 0x100, 0x4000},
    {0x417, "L0x3", 0x80, 0x2000},
    {0x418, "F1 Connectivity line", 0x800, 0x10000},
    {0x419, "F42x/F43x", 0x4000, 0x40000},
    {0x420, "F1xx Value Line", 0x400, 0x2000},
    {0x421, "F446", 0x20000, 0x20000},
    {0x422, "F3xx", 0x800, 0xa000},
    {0x423, "F4xx (low power)", 0x4000, 0x10000},
    {0x425, "L0xx Category 2", 0x80, 0x2000},
    {0x427, "L1xx Medium-Plus-density", 0x100, 0x8000},
    {0x428, "F1xx High-density value line", 0x800, 0x8000},
    {0x429, "L1xx Cat.2", 0x100, 0x8000},
    {0x430, "F1xx XL-density", 0x800, 0x18000},
    {0x431, "stm32f411re", 0x4000, 0x20000},
    {0x432, "F3xx", 0x800, 0xa000},
    {0x433, "F4xx (Dynamic Efficency)", 0x4000, 0x18000},
    {0x434, "F46x/F47x", 0x4000, 0x40000},
    {0x435, "L43x/L44x", 0x800, 0xc000},
    {0x436, "L1xx High-density", 0x100, 0xc000},
    {0x437, "L152RE", 0x100, 0x14000},
    {0x438, "F334 medium density", 0x800, 0x3000},
    {0x439, "F3xx small", 0x800, 0xa000},
    {0x440, "F0xx", 0x400, 0x2000},
    {0x441, "F412", 0x4000, 0x40000},
    {0x442, "F09X", 0x800, 0x8000},
    {0x444, "F0xx small", 0x400, 0x1000},
    {0x445, "F04x", 0x400, 0x1800},
    {0x446, "F303 high density", 0x800, 0x10000},
    {0x447, "L0xx Category 5", 0x80, 0x5000},
    {0x448, "F07x", 0x800, 0x4000},
    {0x449, "F7xx", 0x800, 0x50000},
    {0x450, "H74x/H75x", 0x20000, 0x20000},
    {0x451, "F76xxx", 0x800, 0x80000},
    {0x452, "F72x/F73x", 0x800, 0x40000},
    {0x457, "L011", 0x80, 0x2000},
    {0x458, "F410", 0x4000, 0x8000},
    {0x460, "G070/G071/G081", 0x800, 0x9000},
    {0x461, "L496x/L4A6x", 0x800, 0x40000},
    {0x462, "L45x/46x", 0x800, 0x20000},
    {0x463, "F413", 0x4000, 0x50000},
    {0x464, "L41x", 0x800, 0xa000},
    {0x466, "G030/G031/G041", 0x800, 0x2000},
    {0x468, "G4 Category-2", 0x800, 0x8000},
    {0x469, "G4 Category-3", 0x800, 0x18000},
    {0x470, "L4Rx", 0x1000, 0xa0000},
    {0x480, "H7Ax/H7Bx", 0x2000, 0x20000},
    {0x483, "H72x/H73x", 0x20000, 0x20000},
    {0x495, "WB55", 0x1000, 0x40000},
};

const struct compat_chip *compat_chip(uint16_t dev_id)
{
    for (size_t i = 0; i < sizeof chips / sizeof chips[0]; i++)
        if (chips[i].dev_id == dev_id)
            return &chips[i];
    return NULL;
}

void compat_log(enum compat_level level, const char *where, const char *fmt, ...)
{
    static const char *const names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
    char stamp[32] = "";
    time_t now = time(NULL);
    struct tm tm;
    if (localtime_r(&now, &tm))
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    fflush(stdout);
    fprintf(stderr, "%s %s %s: ", stamp, names[level], where);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

void compat_describe(struct stflash_dev *dev, struct compat_target *out)
{
    memset(out, 0, sizeof *out);
    if (stflash_target_info(dev, &out->info) != 0)
        return;
    const struct stflash_target_info *t = &out->info;
    out->ok = true;
    out->chip_id = t->dev_id;
    /* stlink-tools shows the flash-size register as it reads, even when it reads 0. */
    out->flash_size = t->flash_size_assumed ? t->flash_size_reg_raw * 1024u : t->flash_size;
    const struct compat_chip *c = compat_chip(t->dev_id);
    if (c) {
        out->descr = c->descr;
        out->page_size = c->page_size;
        out->sram_size = c->sram_size;
    } else {
        out->page_size = t->page_size;
        out->sram_size = t->sram_size;
    }
}

void compat_version(const struct stflash_probe_details *d, char *buf, size_t cap)
{
    /* The V2 version word has one field for SWIM (V2) or mass storage (V2-1): "S" either way. */
    unsigned s =
        d->hw_version >= 3 ? d->swim_version : (d->swim_version ? d->swim_version : d->msd_version);
    if (s)
        snprintf(buf, cap, "V%uJ%uS%u", d->hw_version, d->jtag_version, s);
    else
        snprintf(buf, cap, "V%uJ%u", d->hw_version, d->jtag_version);
}

static void log_library(void *user, enum stflash_log_level level, const char *msg)
{
    (void)user;
    enum compat_level l = level == STFLASH_LOG_ERROR  ? CL_ERROR
                          : level == STFLASH_LOG_WARN ? CL_WARN
                          : level == STFLASH_LOG_INFO ? CL_INFO
                                                      : CL_DEBUG;
    compat_log(l, "stflash", "%s", msg);
}

int compat_init(struct compat *c, const char *prog, const char *serial, bool debug)
{
    memset(c, 0, sizeof *c);
    c->debug = debug;
    const char *env = getenv("STFLASH_PROBE");
    int n = 0;
    if (env && *env && serial) {
        if (strncmp(env, "tcp", 3) == 0 && (env[3] == '\0' || env[3] == ':')) {
            const char *slash = strchr(env, '/');
            int keep = slash ? (int)(slash - env) : (int)strlen(env);
            n = snprintf(c->selector, sizeof c->selector, "%.*s%s/%s", keep, env, env[3] ? "" : ":",
                         serial);
        } else if (strncmp(env, "sim", 3) == 0) {
            n = snprintf(c->selector, sizeof c->selector, "%s", env);
        } else {
            n = snprintf(c->selector, sizeof c->selector, "usb:%s", serial);
        }
        c->have_selector = true;
    } else if (env && *env) {
        n = snprintf(c->selector, sizeof c->selector, "%s", env);
        c->have_selector = true;
    } else if (serial) {
        n = snprintf(c->selector, sizeof c->selector, "usb:%s", serial);
        c->have_selector = true;
    }
    if (n < 0 || (size_t)n >= sizeof c->selector) {
        fprintf(stderr, "%s: the probe selector (STFLASH_PROBE, --serial) is too long\n", prog);
        return -1;
    }
#if STFLASH_WITH_SIM
    tools_sim_register(); /* STFLASH_PROBE=sim...: the virtual board, loaded on first use */
#endif
    int rc = stflash_ctx_new(&c->ctx);
    if (rc != 0) {
        fprintf(stderr, "%s: cannot start: %s\n", prog, stflash_strerror(rc));
        return -1;
    }
    stflash_ctx_set_log(c->ctx, debug ? STFLASH_LOG_DEBUG : STFLASH_LOG_WARN, log_library, c);
    return 0;
}

void compat_done(struct compat *c)
{
    stflash_ctx_free(c->ctx);
    c->ctx = NULL;
}

void compat_log_failure(struct compat *c, int rc)
{
    const char *msg = stflash_last_error(c->ctx);
    compat_log(CL_ERROR, "stflash", "%s", msg && *msg ? msg : stflash_strerror(rc));
}

int compat_open(struct compat *c, enum stflash_connect connect, uint32_t khz, uint32_t flash_size,
                bool halt, struct stflash_dev **out)
{
    struct stflash_open_options o;
    memset(&o, 0, sizeof o);
    o.selector = c->have_selector ? c->selector : NULL;
    o.swd_khz = khz;
    o.connect = connect;
    o.halt = halt;
    o.flash_size_override = flash_size;
    int rc = stflash_open(c->ctx, &o, out);
    if (rc == 0)
        return 0;
    switch (rc) {
    case STFLASH_ERR_NOT_FOUND:
        compat_log(CL_WARN, "usb.c", "Couldn't find any ST-Link devices");
        if (c->have_selector)
            compat_log_failure(c, rc);
        break;
    case STFLASH_ERR_TARGET:
    case STFLASH_ERR_TIMEOUT:
        compat_log(CL_ERROR, "common.c",
                   "Can not connect to target. Please use 'connect under reset' and try again");
        compat_log_failure(c, rc);
        break;
    default:
        compat_log_failure(c, rc);
        break;
    }
    return rc;
}

int compat_parse_freq(const char *text, uint32_t *khz)
{
    char *end;
    unsigned long v = strtoul(text, &end, 10);
    if (end == text)
        return -1;
    if (*end == 'k' || *end == 'K')
        end++;
    else if (*end == 'm' || *end == 'M') {
        v *= 1000;
        end++;
    }
    if (*end || v == 0 || v > 100000)
        return -1;
    *khz = (uint32_t)v;
    return 0;
}
