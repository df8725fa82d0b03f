#include "mock_transport.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/le.h"
#include "stlink/stlink_proto.h"

void mock_pattern_fill(uint8_t *data, size_t n, uint32_t addr)
{
    for (size_t i = 0; i < n; i++)
        data[i] = mock_pattern(addr + (uint32_t)i);
}

void mock_assert_pattern(const uint8_t *data, size_t n, uint32_t addr)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(data[i], mock_pattern(addr + (uint32_t)i));
}

static int mock_xfer(struct transport *t, const uint8_t cmd[16], const uint8_t *out, size_t out_len,
                     uint8_t *in, size_t in_len)
{
    struct mock *m = (struct mock *)t;
    if (m->pos >= m->count)
        fail_msg("unexpected command %02x %02x %02x %02x %02x %02x %02x %02x after the script",
                 cmd[0], cmd[1], cmd[2], cmd[3], cmd[4], cmd[5], cmd[6], cmd[7]);
    const struct mock_step *s = &m->steps[m->pos];
    if (memcmp(s->cmd, cmd, 16) != 0) {
        char want[64] = "", got[64] = "";
        for (int i = 0; i < 10; i++) {
            snprintf(want + strlen(want), sizeof want - strlen(want), " %02x", s->cmd[i]);
            snprintf(got + strlen(got), sizeof got - strlen(got), " %02x", cmd[i]);
        }
        fail_msg("step %zu: expected command%s, got%s", m->pos, want, got);
    }
    assert_int_equal(out_len, s->out_len);
    assert_int_equal(in_len, s->in_len);
    if (s->out_pattern)
        mock_assert_pattern(out, out_len, s->addr);
    m->pos++;
    if (s->rc != STFLASH_OK)
        return ctx_fail(t->ctx, s->rc, "mock probe disconnected");
    if (s->in_pattern)
        mock_pattern_fill(in, in_len, s->addr);
    else
        for (size_t i = 0; i < in_len; i++)
            in[i] = i < sizeof s->reply ? s->reply[i] : 0;
    return STFLASH_OK;
}

static void mock_close(struct transport *t)
{
    (void)t;
}

static const struct transport_ops mock_ops = {mock_xfer, mock_close};

void mock_init(struct mock *m, struct stflash_ctx *ctx)
{
    memset(m, 0, sizeof *m);
    m->base.ops = &mock_ops;
    m->base.ctx = ctx;
    snprintf(m->base.info.transport, sizeof m->base.info.transport, "mock");
}

void mock_release(struct mock *m)
{
    free(m->steps);
    m->steps = NULL;
    m->count = m->cap = m->pos = 0;
}

void mock_done(struct mock *m)
{
    if (m->pos != m->count)
        fail_msg("%zu of %zu scripted commands were not sent", m->count - m->pos, m->count);
}

void mock_cmd(uint8_t cmd[16], size_t n, const uint8_t *bytes)
{
    memset(cmd, 0, 16);
    memcpy(cmd, bytes, n);
}

struct mock_step *mock_expect(struct mock *m, const uint8_t cmd[16], size_t in_len,
                              const uint8_t *reply, size_t reply_len)
{
    if (m->count == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->steps = realloc(m->steps, m->cap * sizeof *m->steps);
        assert_non_null(m->steps);
    }
    struct mock_step *s = &m->steps[m->count++];
    memset(s, 0, sizeof *s);
    memcpy(s->cmd, cmd, 16);
    s->in_len = in_len;
    if (reply)
        memcpy(s->reply, reply, reply_len < sizeof s->reply ? reply_len : sizeof s->reply);
    return s;
}

void mock_expect_bytes(struct mock *m, size_t cmd_n, const uint8_t *cmd_bytes, size_t in_len,
                       size_t reply_n, const uint8_t *reply)
{
    uint8_t cmd[16];
    mock_cmd(cmd, cmd_n, cmd_bytes);
    mock_expect(m, cmd, in_len, reply, reply_n);
}

void mock_expect_mem(struct mock *m, uint8_t op, uint32_t addr, uint16_t len)
{
    uint8_t cmd[16] = {STLINK_CMD_DEBUG, op};
    le32_put(&cmd[2], addr);
    le16_put(&cmd[6], len);
    struct stlink_phase ph;
    assert_int_equal(stlink_cmd_phase(cmd, 2, &ph), 0);
    struct mock_step *s = mock_expect(m, cmd, ph.dir == STLINK_PHASE_IN ? ph.len : 0, NULL, 0);
    s->addr = addr;
    if (ph.dir == STLINK_PHASE_IN) {
        s->in_pattern = true;
    } else {
        s->out_len = len;
        s->out_pattern = true;
    }
}

void mock_expect_status2(struct mock *m, uint8_t status, uint32_t fault)
{
    uint8_t reply[12] = {status};
    le32_put(&reply[4], fault);
    mock_expect_bytes(m, 2,
                      (const uint8_t[]){STLINK_CMD_DEBUG, STLINK_DEBUG_APIV2_GETLASTRWSTATUS2}, 12,
                      sizeof reply, reply);
}
