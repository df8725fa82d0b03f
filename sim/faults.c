/* Injected faults (sim/faults.h): parsing, and the decisions the probe and flash models ask for. */
#include "faults.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    enum sim_fault_kind kind;
    bool is_address; /* the argument is an address, else a count */
} kinds[] = {
    {"none", SIM_FAULT_NONE, false},        {"disconnect", SIM_FAULT_DISCONNECT, false},
    {"silence", SIM_FAULT_SILENCE, false},  {"wait", SIM_FAULT_WAIT, false},
    {"ap-fault", SIM_FAULT_AP_FAULT, true}, {"reset", SIM_FAULT_RESET, false},
    {"power", SIM_FAULT_POWER, false},      {"pgerr", SIM_FAULT_PGERR, true},
    {"wrprterr", SIM_FAULT_WRPRTERR, true}, {"bsy", SIM_FAULT_BSY, false},
    {"flip", SIM_FAULT_FLIP, true},
};

#define RANDOM_MAX_COUNT 400u

/* xorshift32: the same seed picks the same point on every host. */
static uint32_t draw(uint32_t seed)
{
    uint32_t x = seed ? seed : 0x9E3779B9u;
    for (int i = 0; i < 4; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
    }
    return x;
}

static int parse_u32(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || end == s || *end || *s == '-' || v > UINT32_MAX)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int bad(char *hint, size_t hint_len)
{
    snprintf(hint, hint_len,
             "give none, disconnect:N, silence:N, wait:N, reset:N, power:N, bsy:N (N a count "
             "or random/SEED), ap-fault:ADDR, pgerr:ADDR, wrprterr:ADDR or flip:ADDR");
    return -1;
}

int sim_fault_parse(const char *spec, struct sim_fault_plan *out, char *hint, size_t hint_len)
{
    const char *colon = strchr(spec, ':');
    size_t name_len = colon ? (size_t)(colon - spec) : strlen(spec);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strlen(kinds[i].name) != name_len || strncmp(spec, kinds[i].name, name_len) != 0)
            continue;
        struct sim_fault_plan p = {kinds[i].kind, 0};
        if (p.kind == SIM_FAULT_NONE) {
            if (colon)
                return bad(hint, hint_len);
            *out = p;
            return 0;
        }
        if (!colon)
            return bad(hint, hint_len);
        const char *arg = colon + 1;
        uint32_t seed;
        if (!kinds[i].is_address && strncmp(arg, "random/", 7) == 0) {
            if (parse_u32(arg + 7, &seed) != 0)
                return bad(hint, hint_len);
            p.arg = 1u + draw(seed) % RANDOM_MAX_COUNT;
        } else if (parse_u32(arg, &p.arg) != 0) {
            return bad(hint, hint_len);
        }
        /* A count of 0 would be a fault before anything happened; a burst is at most 1000. */
        if ((!kinds[i].is_address && p.arg == 0) || (p.kind == SIM_FAULT_WAIT && p.arg > 1000))
            return bad(hint, hint_len);
        *out = p;
        return 0;
    }
    return bad(hint, hint_len);
}

void sim_faults_arm(struct sim_faults *f, const struct sim_fault_plan *plan)
{
    memset(f, 0, sizeof *f);
    f->plan = *plan;
}

void sim_faults_describe(const struct sim_faults *f, char *out, size_t cap)
{
    const char *name = "none";
    bool is_address = false;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i].kind == f->plan.kind) {
            name = kinds[i].name;
            is_address = kinds[i].is_address;
        }
    if (f->plan.kind == SIM_FAULT_NONE)
        snprintf(out, cap, "none");
    else
        snprintf(out, cap, is_address ? "%s:0x%08x%s" : "%s:%u%s", name, (unsigned)f->plan.arg,
                 f->fired ? " fired" : "");
}

bool sim_faults_command(struct sim_faults *f)
{
    f->reply_dropped = false;
    if (f->gone)
        return false;
    f->commands++;
    if (f->plan.kind == SIM_FAULT_DISCONNECT && f->commands > f->plan.arg) {
        f->fired = f->gone = true;
        return false;
    }
    if (f->plan.kind == SIM_FAULT_SILENCE && !f->fired && f->commands == f->plan.arg)
        f->fired = f->reply_dropped = true;
    return true;
}

enum sim_fault_reset sim_faults_take_reset(struct sim_faults *f)
{
    enum sim_fault_reset r = f->reset_due;
    f->reset_due = SIM_FAULT_RESET_NO;
    f->programming_lost = false;
    return r;
}

bool sim_faults_ap_fault(struct sim_faults *f, uint32_t addr, uint32_t len)
{
    if (f->plan.kind != SIM_FAULT_AP_FAULT || f->fired || len == 0)
        return false;
    if (f->plan.arg < addr || f->plan.arg - addr >= len)
        return false;
    f->fired = true;
    return true;
}

enum sim_fault_program sim_faults_program(struct sim_faults *f, uint32_t addr, uint16_t *hw)
{
    if (f->programming_lost)
        return SIM_FAULT_PROGRAM_LOST;
    f->halfwords++;
    const struct sim_fault_plan *p = &f->plan;
    if (f->fired)
        return SIM_FAULT_PROGRAM_OK;
    switch (p->kind) {
    case SIM_FAULT_RESET:
    case SIM_FAULT_POWER:
        if (f->halfwords < p->arg)
            break;
        f->fired = f->programming_lost = true;
        f->reset_due = p->kind == SIM_FAULT_RESET ? SIM_FAULT_RESET_SYSTEM : SIM_FAULT_RESET_POWER;
        if (p->kind == SIM_FAULT_RESET)
            return SIM_FAULT_PROGRAM_LOST;
        /* Power fell during tPROG: half of the bits that go to 0 got there. */
        *hw |= (uint16_t)(~*hw & 0xAAAAu);
        return SIM_FAULT_PROGRAM_OK;
    case SIM_FAULT_BSY:
        if (f->halfwords >= p->arg)
            f->fired = f->bsy_stuck = true;
        break;
    case SIM_FAULT_PGERR:
    case SIM_FAULT_WRPRTERR:
        if ((p->arg & ~1u) != addr)
            break;
        f->fired = true;
        return p->kind == SIM_FAULT_PGERR ? SIM_FAULT_PROGRAM_PGERR : SIM_FAULT_PROGRAM_WRPRTERR;
    case SIM_FAULT_FLIP:
        if (addr < (p->arg & ~1u) || *hw == 0xFFFFu)
            break;
        f->fired = true;
        uint16_t zeros = (uint16_t) ~*hw;
        *hw |= (uint16_t)(zeros & (0u - zeros)); /* the lowest 0 bit stays 1 */
        break;
    default:
        break;
    }
    return SIM_FAULT_PROGRAM_OK;
}

void sim_faults_fpec_reset(struct sim_faults *f)
{
    f->bsy_stuck = false;
}
