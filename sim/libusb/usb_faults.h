/*
 * USB faults the stand-in libusb injects on request, for testing what a client does when the
 * cable misbehaves. STFLASH_SIM_USB_FAULT=stall:N makes the Nth bulk IN transfer of the process
 * stall (LIBUSB_ERROR_PIPE; the reply it would have carried is lost); short:N makes it a short
 * read (half the reply arrives, the rest is lost). Counted over the whole process; once.
 * ST-LINK/V1: csw-tag:N gives the Nth status wrapper another command's tag, csw-sig:N breaks its
 * signature, csw-phase:N makes it report a phase error (counted over the status wrappers).
 */
#ifndef STFLASH_USB_SIM_USB_FAULTS_H
#define STFLASH_USB_SIM_USB_FAULTS_H

enum usb_fault {
    USB_FAULT_NONE,
    USB_FAULT_STALL,
    USB_FAULT_SHORT,
    USB_FAULT_CSW_TAG,
    USB_FAULT_CSW_SIGNATURE,
    USB_FAULT_CSW_PHASE,
};

/* What happens to the bulk IN transfer starting now. Call with the stand-in's lock held. */
enum usb_fault usb_fault_next_in(void);
/* What happens to the ST-LINK/V1 status wrapper sent now. Call with the lock held. */
enum usb_fault usb_fault_next_csw(void);

#endif
