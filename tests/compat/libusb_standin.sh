#!/usr/bin/env bash
# The stand-in libusb seen from an unmodified libusb client (pyusb on Debian's python3): one USB
# device per virtual probe with the descriptors of its ST-LINK model, strings through raw
# GET_DESCRIPTOR requests, ST-LINK command phases over the bulk endpoints, busy probes, and the
# libusb entry points it answers without a device.
. "$(dirname "$0")/lib.sh"
need_pyocd # brings pyusb

start_sim --serial 066DFF485550755187034646 --board --probe v2-1 --serial 0670FF383333464257213729 \
    --board --probe v3 --serial 002F00293037510D35333131

with_usb timeout 60 /usr/bin/python3 - >"$WORK/pyusb.log" 2>&1 <<'PY' || fail "pyusb checks failed"
import ctypes
import usb.core
import usb.util

def check(what, got, want):
    if got != want:
        raise SystemExit(f"{what}: got {got!r}, want {want!r}")

# The stand-in is the libusb that was loaded, and answers what it cannot do with libusb errors.
lib = ctypes.CDLL("libusb-1.0.so.0")
class Version(ctypes.Structure):
    _fields_ = [("major", ctypes.c_uint16), ("minor", ctypes.c_uint16), ("micro", ctypes.c_uint16),
                ("nano", ctypes.c_uint16), ("rc", ctypes.c_char_p), ("describe", ctypes.c_char_p)]
lib.libusb_get_version.restype = ctypes.POINTER(Version)
v = lib.libusb_get_version().contents
check("version", (v.major, v.minor, v.micro), (1, 0, 26))
check("describe", b"stflash-sim" in v.describe, True)
lib.libusb_error_name.restype = ctypes.c_char_p
check("error name", lib.libusb_error_name(-6), b"LIBUSB_ERROR_BUSY")
check("hotplug capability", lib.libusb_has_capability(1), 0)
ctx = ctypes.c_void_p()
check("init", lib.libusb_init(ctypes.byref(ctx)), 0)
handle = ctypes.c_void_p()
check("hotplug", lib.libusb_hotplug_register_callback(ctx, 1, 0, -1, -1, -1, None, None,
                                                      ctypes.byref(handle)), -12)
lib.libusb_exit(ctx)

models = [  # PID, OUT, IN, trace, packet size, speed (libusb: 2 full, 3 high), serial
    (0x3748, 0x02, 0x81, 0x83, 64, 2, "066DFF485550755187034646"),
    (0x374B, 0x01, 0x81, 0x82, 64, 2, "0670FF383333464257213729"),
    (0x374F, 0x01, 0x81, 0x82, 512, 3, "002F00293037510D35333131"),
]
devs = list(usb.core.find(find_all=True))
check("devices", [(d.idVendor, d.idProduct) for d in devs], [(0x0483, m[0]) for m in models])
for d, (pid, ep_out, ep_in, ep_trace, packet, speed, serial) in zip(devs, models):
    check("bcdUSB", d.bcdUSB, 0x0200)
    check("speed", d.speed, speed)
    check("bus", d.bus, 1)
    check("manufacturer", d.manufacturer, "STMicroelectronics")
    check("product", d.product, "STM32 STLink")
    check("serial", d.serial_number, serial)
    cfg = d.get_active_configuration()
    check("configuration", cfg.bConfigurationValue, 1)
    intf = cfg[(0, 0)]
    check("interface class", intf.bInterfaceClass, 0xFF)
    check("endpoints", [(e.bEndpointAddress, e.bmAttributes, e.wMaxPacketSize) for e in intf],
          [(ep_in, 2, packet), (ep_out, 2, packet), (ep_trace, 2, packet)])
    # libstlink reads the language table and the serial with raw GET_DESCRIPTOR requests.
    check("language table", bytes(d.ctrl_transfer(0x80, 6, 0x0300, 0, 255)), b"\x04\x03\x09\x04")
    check("serial descriptor", bytes(d.ctrl_transfer(0x80, 6, 0x0303, 0x0409, 255)),
          bytes([2 + 2 * len(serial), 3]) + serial.encode("utf-16-le"))
    # The debug interface has no vendor requests: the device stalls them.
    try:
        d.ctrl_transfer(0xC1, 0x01, 0, 0, 4)
        raise SystemExit("a vendor request was not stalled")
    except usb.core.USBError as e:
        check("vendor request", e.backend_error_code, -9)  # LIBUSB_ERROR_PIPE

# ST-LINK command phases on the V2: GET_VERSION answers on IN; a write command's data may come in
# several OUT transfers; an IN with no command pending times out.
d = devs[0]
d.set_configuration()
usb.util.claim_interface(d, 0)
def cmd(*b):
    return bytes(b) + bytes(16 - len(b))
check("GET_VERSION", bytes(d.write(0x02, cmd(0xF1)) and d.read(0x81, 64)), bytes.fromhex("294783044837"))
try:
    d.read(0x81, 64, 50)
    raise SystemExit("an IN with no command pending returned data")
except usb.core.USBTimeoutError:
    pass
d.write(0x02, cmd(0xF5))  # GET_CURRENT_MODE, then enter SWD if the probe is not in debug mode
if d.read(0x81, 64)[0] != 2:
    d.write(0x02, cmd(0xF2, 0x30, 0xA3))
    check("enter SWD", d.read(0x81, 64)[0], 0x80)
data = bytes(range(1, 17))
d.write(0x02, cmd(0xF2, 0x08, 0x00, 0x01, 0x00, 0x20, 16, 0))  # WRITEMEM_32BIT 16 bytes @0x20000100
d.write(0x02, data[:8])
d.write(0x02, data[8:])
d.write(0x02, cmd(0xF2, 0x3E))  # GETLASTRWSTATUS2
check("write status", d.read(0x81, 64)[0], 0x80)
d.write(0x02, cmd(0xF2, 0x07, 0x00, 0x01, 0x00, 0x20, 16, 0))  # READMEM_32BIT
check("read back", bytes(d.read(0x81, 64)), data)
# The reply can also be taken in pieces.
d.write(0x02, cmd(0xF2, 0x07, 0x00, 0x01, 0x00, 0x20, 16, 0))
check("split read", bytes(d.read(0x81, 10)) + bytes(d.read(0x81, 64)), data)

# The probe is now in use: it still enumerates and its serial can be read (opening a device
# does not claim it), and configuring it a second time is refused as busy.
again = usb.core.find(idProduct=0x3748)
check("busy probe listed", again is not None, True)
check("busy probe's serial", usb.util.get_string(again, again.iSerialNumber), d.serial_number)
try:
    again.set_configuration()
    raise SystemExit("a probe in use could be opened twice")
except usb.core.USBError as e:
    check("busy", e.backend_error_code, -6)  # LIBUSB_ERROR_BUSY
usb.util.dispose_resources(d)
print("pyusb checks done")
PY
expect_log "$WORK/pyusb.log" "pyusb checks done"
pass "USB identity of V2, V2-1 and V3 probes; strings by GET_DESCRIPTOR; command phases; busy probe"

# Without a daemon the device list is empty.
stop_sim
with_usb timeout 60 /usr/bin/python3 -c 'import usb.core; print(len(list(usb.core.find(find_all=True))))' \
    >"$WORK/none.log" 2>&1 || fail "pyusb failed without a daemon"
[ "$(cat "$WORK/none.log")" = 0 ] || fail "devices listed without a daemon: $(cat "$WORK/none.log")"
pass "no daemon: no devices"
