/*
 * Parsed configuration descriptors, and the USB 3 / BOS descriptors the probes (USB 2.0 devices)
 * do not have.
 */
#include <stdlib.h>
#include <string.h>

#include "usb_sim.h"

/* One allocation: the configuration, its interface, alternate setting and endpoints. */
struct config_block {
    struct libusb_config_descriptor config;
    struct libusb_interface interface;
    struct libusb_interface_descriptor altsetting;
    struct libusb_endpoint_descriptor endpoints[3];
};

int LIBUSB_CALL libusb_get_config_descriptor(libusb_device *dev, uint8_t config_index,
                                             struct libusb_config_descriptor **config)
{
    if (config_index != 0)
        return LIBUSB_ERROR_NOT_FOUND;
    uint8_t raw[LIBUSB_DT_CONFIG_SIZE + LIBUSB_DT_INTERFACE_SIZE + 3 * LIBUSB_DT_ENDPOINT_SIZE];
    probe_usb_descriptor(&dev->probe, dev->usb, LIBUSB_DT_CONFIG, 0, raw, sizeof raw);
    struct config_block *b = calloc(1, sizeof *b);
    if (!b)
        return LIBUSB_ERROR_NO_MEM;

    const uint8_t *c = raw;
    b->config = (struct libusb_config_descriptor){
        .bLength = c[0],
        .bDescriptorType = c[1],
        .wTotalLength = (uint16_t)(c[2] | c[3] << 8),
        .bNumInterfaces = c[4],
        .bConfigurationValue = c[5],
        .iConfiguration = c[6],
        .bmAttributes = c[7],
        .MaxPower = c[8],
        .interface = &b->interface,
    };
    const uint8_t *i = raw + LIBUSB_DT_CONFIG_SIZE;
    b->altsetting = (struct libusb_interface_descriptor){
        .bLength = i[0],
        .bDescriptorType = i[1],
        .bInterfaceNumber = i[2],
        .bAlternateSetting = i[3],
        .bNumEndpoints = i[4],
        .bInterfaceClass = i[5],
        .bInterfaceSubClass = i[6],
        .bInterfaceProtocol = i[7],
        .iInterface = i[8],
        .endpoint = b->endpoints,
    };
    b->interface.altsetting = &b->altsetting;
    b->interface.num_altsetting = 1;
    for (unsigned k = 0; k < b->altsetting.bNumEndpoints && k < 3; k++) {
        const uint8_t *e = i + LIBUSB_DT_INTERFACE_SIZE + k * LIBUSB_DT_ENDPOINT_SIZE;
        b->endpoints[k] = (struct libusb_endpoint_descriptor){
            .bLength = e[0],
            .bDescriptorType = e[1],
            .bEndpointAddress = e[2],
            .bmAttributes = e[3],
            .wMaxPacketSize = (uint16_t)(e[4] | e[5] << 8),
            .bInterval = e[6],
        };
    }
    *config = &b->config;
    return LIBUSB_SUCCESS;
}

int LIBUSB_CALL libusb_get_active_config_descriptor(libusb_device *dev,
                                                    struct libusb_config_descriptor **config)
{
    return libusb_get_config_descriptor(dev, 0, config);
}

int LIBUSB_CALL libusb_get_config_descriptor_by_value(libusb_device *dev,
                                                      uint8_t bConfigurationValue,
                                                      struct libusb_config_descriptor **config)
{
    if (bConfigurationValue != PROBE_CONFIG_VALUE)
        return LIBUSB_ERROR_NOT_FOUND;
    return libusb_get_config_descriptor(dev, 0, config);
}

void LIBUSB_CALL libusb_free_config_descriptor(struct libusb_config_descriptor *config)
{
    free(config); /* the first member of its config_block */
}

/* Full-speed and high-speed bulk endpoints have no SuperSpeed companion. */
int LIBUSB_CALL libusb_get_ss_endpoint_companion_descriptor(
    libusb_context *ctx, const struct libusb_endpoint_descriptor *endpoint,
    struct libusb_ss_endpoint_companion_descriptor **ep_comp)
{
    return LIBUSB_ERROR_NOT_FOUND;
}

void LIBUSB_CALL libusb_free_ss_endpoint_companion_descriptor(
    struct libusb_ss_endpoint_companion_descriptor *ep_comp)
{
    free(ep_comp);
}

/* bcdUSB 2.00: the device has no BOS descriptor and stalls the request, as real ones do. */
int LIBUSB_CALL libusb_get_bos_descriptor(libusb_device_handle *dev_handle,
                                          struct libusb_bos_descriptor **bos)
{
    return LIBUSB_ERROR_PIPE;
}

void LIBUSB_CALL libusb_free_bos_descriptor(struct libusb_bos_descriptor *bos)
{
    free(bos);
}

/* No BOS descriptor is ever handed out, so there is no capability to parse. */
int LIBUSB_CALL libusb_get_usb_2_0_extension_descriptor(
    libusb_context *ctx, struct libusb_bos_dev_capability_descriptor *dev_cap,
    struct libusb_usb_2_0_extension_descriptor **usb_2_0_extension)
{
    return LIBUSB_ERROR_INVALID_PARAM;
}

void LIBUSB_CALL libusb_free_usb_2_0_extension_descriptor(
    struct libusb_usb_2_0_extension_descriptor *usb_2_0_extension)
{
    free(usb_2_0_extension);
}

int LIBUSB_CALL libusb_get_ss_usb_device_capability_descriptor(
    libusb_context *ctx, struct libusb_bos_dev_capability_descriptor *dev_cap,
    struct libusb_ss_usb_device_capability_descriptor **ss_usb_device_cap)
{
    return LIBUSB_ERROR_INVALID_PARAM;
}

void LIBUSB_CALL libusb_free_ss_usb_device_capability_descriptor(
    struct libusb_ss_usb_device_capability_descriptor *ss_usb_device_cap)
{
    free(ss_usb_device_cap);
}

int LIBUSB_CALL libusb_get_container_id_descriptor(
    libusb_context *ctx, struct libusb_bos_dev_capability_descriptor *dev_cap,
    struct libusb_container_id_descriptor **container_id)
{
    return LIBUSB_ERROR_INVALID_PARAM;
}

void LIBUSB_CALL
libusb_free_container_id_descriptor(struct libusb_container_id_descriptor *container_id)
{
    free(container_id);
}
