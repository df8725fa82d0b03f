/* stlink-server protocol client for the stand-in libusb: one request, then one response. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/le.h"
#include "core/net.h"
#include "stlink/stlink_proto.h"
#include "usb_sim.h"

#define DEFAULT_ADDR "127.0.0.1:7184"
#define CONNECT_TIMEOUT_MS 3000
/* A stuck daemon must not hang the client forever; real commands answer in milliseconds. */
#define IO_TIMEOUT_MS 60000
/* Servers reporting API version 1 accept only 1 KiB transfers. */
#define API1_MAX_MSG 1024u

/* Connects to STFLASH_SIM_ADDR ("host:port", "host" or ":port"); -1 when nothing answers. */
static int daemon_connect(void)
{
    const char *env = getenv("STFLASH_SIM_ADDR");
    char addr[256];
    snprintf(addr, sizeof addr, "%s", env && *env ? env : DEFAULT_ADDR);
    char *colon = strrchr(addr, ':');
    const char *port = "7184";
    if (colon) {
        *colon = '\0';
        port = colon + 1;
    }
    const char *host = addr[0] ? addr : "127.0.0.1";
    int fd = -1;
    if (net_connect(host, port, net_now_ms() + CONNECT_TIMEOUT_MS, &fd, NULL) != NET_OK)
        return -1;
    return fd;
}

static bool send_all(int fd, const uint8_t *p, size_t len)
{
    return net_send_all(fd, p, len, net_now_ms() + IO_TIMEOUT_MS) == NET_OK;
}

static bool recv_all(int fd, uint8_t *p, size_t len)
{
    return net_recv_all(fd, p, len, net_now_ms() + IO_TIMEOUT_MS) == NET_OK;
}

static bool exchange(int fd, const uint8_t *req, size_t req_len, uint8_t *resp, size_t resp_len)
{
    return send_all(fd, req, req_len) && recv_all(fd, resp, resp_len);
}

/* GET_SERVER_VERSION: the transfer size limit depends on the server's API version. */
static bool hello(int fd, size_t *max_msg)
{
    uint8_t req[STLINK_SERVER_VERSION_REQ] = {STLINK_SERVER_GET_SERVER_VERSION, 1};
    uint8_t resp[STLINK_SERVER_VERSION_RESP];
    if (!exchange(fd, req, sizeof req, resp, sizeof resp))
        return false;
    *max_msg = le32_get(resp) >= 2 ? STLINK_SERVER_MAX_MSG : API1_MAX_MSG;
    return true;
}

int daemon_list_probes(struct daemon_probe *out, int max)
{
    int fd = daemon_connect();
    if (fd < 0)
        return 0;
    size_t max_msg;
    uint8_t refresh[STLINK_SERVER_REFRESH_REQ] = {STLINK_SERVER_REFRESH_DEVICE_LIST};
    uint8_t nb_req[STLINK_SERVER_GET_NB_DEV_REQ] = {STLINK_SERVER_GET_NB_DEV};
    uint8_t resp[STLINK_SERVER_DEV_INFO_RESP];
    int count = 0;
    if (!hello(fd, &max_msg) || !exchange(fd, refresh, sizeof refresh, resp, 4) ||
        !exchange(fd, nb_req, sizeof nb_req, resp, 4))
        goto done;
    uint32_t nb = le32_get(resp);
    for (uint32_t i = 0; i < nb && count < max && i < 256; i++) {
        uint8_t req[STLINK_SERVER_DEV_INFO_REQ] = {STLINK_SERVER_GET_DEV_INFO, (uint8_t)i};
        le32_put(&req[4], STLINK_SERVER_DEV_INFO_RECORD);
        if (!send_all(fd, req, sizeof req) || !recv_all(fd, resp, 4))
            break;
        if (le32_get(resp) != STLINK_SERVER_OK)
            continue; /* the server sends the status word alone for a bad index */
        if (!recv_all(fd, resp + 4, sizeof resp - 4))
            break;
        struct daemon_probe *p = &out[count++];
        p->device_id = le32_get(&resp[STLINK_SERVER_INFO_DEVICE_ID]);
        memcpy(p->serial, &resp[STLINK_SERVER_INFO_SERIAL], STLINK_SERVER_SERIAL_LEN);
        p->serial[STLINK_SERVER_SERIAL_LEN] = '\0';
        p->vid = le16_get(&resp[STLINK_SERVER_INFO_VID]);
        p->pid = le16_get(&resp[STLINK_SERVER_INFO_PID]);
        p->in_use = resp[STLINK_SERVER_INFO_IN_USE] != 0;
    }
done:
    close(fd);
    return count;
}

int daemon_open(struct daemon_link *l, uint32_t device_id)
{
    l->fd = daemon_connect();
    if (l->fd < 0)
        return LIBUSB_ERROR_NO_DEVICE;
    uint8_t req[STLINK_SERVER_OPEN_REQ] = {STLINK_SERVER_OPEN_DEV};
    uint8_t resp[STLINK_SERVER_OPEN_RESP];
    le32_put(&req[4], device_id);
    int rc = LIBUSB_ERROR_IO;
    if (hello(l->fd, &l->max_msg) && send_all(l->fd, req, sizeof req) && recv_all(l->fd, resp, 4)) {
        uint32_t status = le32_get(resp);
        if (status == STLINK_SERVER_OK && recv_all(l->fd, resp + 4, 4)) {
            l->connect_id = le32_get(&resp[4]);
            return LIBUSB_SUCCESS;
        }
        /* The daemon answers BUSY with the full 8 bytes, other refusals with the status only;
         * the connection is dropped either way. */
        if (status == STLINK_SERVER_ERR_BUSY)
            rc = LIBUSB_ERROR_BUSY;
        else if (status == STLINK_SERVER_ERR_OPEN)
            rc = LIBUSB_ERROR_NO_DEVICE;
    }
    close(l->fd);
    l->fd = -1;
    return rc;
}

void daemon_close(struct daemon_link *l)
{
    if (l->fd < 0)
        return;
    uint8_t req[STLINK_SERVER_CLOSE_REQ] = {STLINK_SERVER_CLOSE_DEV};
    uint8_t resp[4];
    le32_put(&req[4], l->connect_id);
    exchange(l->fd, req, sizeof req, resp, sizeof resp);
    close(l->fd);
    l->fd = -1;
}

int daemon_usb_cmd(struct daemon_link *l, const uint8_t cmd[16], uint8_t dir, const uint8_t *out,
                   size_t out_len, uint8_t *in, size_t in_len)
{
    if (l->fd < 0)
        return LIBUSB_ERROR_NO_DEVICE;
    size_t data_len = dir == STLINK_SERVER_DIR_OUT ? out_len : in_len;
    size_t limit = l->max_msg;
    if (dir == STLINK_SERVER_DIR_OUT && l->max_msg == STLINK_SERVER_MAX_MSG)
        limit = STLINK_SERVER_MAX_OUT; /* the daemon takes a write's whole data phase */
    if (data_len > limit)
        return LIBUSB_ERROR_IO;
    uint8_t msg[STLINK_SERVER_USB_CMD_HDR + STLINK_SERVER_MAX_OUT] = {STLINK_SERVER_SEND_USB_CMD};
    le32_put(&msg[STLINK_SERVER_USB_CONNECT_ID], l->connect_id);
    memcpy(&msg[STLINK_SERVER_USB_CMD], cmd, STLINK_CMD_SIZE);
    msg[STLINK_SERVER_USB_DIR] = dir;
    le32_put(&msg[STLINK_SERVER_USB_LEN], (uint32_t)data_len);
    size_t msg_len = STLINK_SERVER_USB_CMD_HDR;
    if (dir == STLINK_SERVER_DIR_OUT && out_len) {
        memcpy(&msg[msg_len], out, out_len);
        msg_len += out_len;
    }
    uint8_t status[4];
    if (!send_all(l->fd, msg, msg_len))
        goto broken;
    int64_t deadline = net_now_ms() + (l->reply_timeout_ms ? l->reply_timeout_ms : IO_TIMEOUT_MS);
    int got = net_recv_all(l->fd, status, sizeof status, deadline);
    if (got == NET_TIMEOUT) {
        close(l->fd);
        l->fd = -1;
        return LIBUSB_ERROR_TIMEOUT;
    }
    if (got != NET_OK)
        goto broken;
    if (le32_get(status) == STLINK_SERVER_ERR_TIMEOUT)
        return LIBUSB_ERROR_TIMEOUT; /* the probe answers nothing (hung firmware) */
    if (le32_get(status) != STLINK_SERVER_OK)
        return LIBUSB_ERROR_IO;
    bool data_in = dir == STLINK_SERVER_DIR_IN || dir == STLINK_SERVER_DIR_TRACE;
    if (data_in && !recv_all(l->fd, in, in_len))
        goto broken;
    return LIBUSB_SUCCESS;
broken:
    close(l->fd);
    l->fd = -1;
    return LIBUSB_ERROR_NO_DEVICE;
}
