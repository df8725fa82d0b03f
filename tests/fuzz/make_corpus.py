#!/usr/bin/env python3
"""Writes the seed corpora of the fuzzers into tests/fuzz/corpus/<name>/ (run once; the files
are kept in the repository). Each seed is a small valid input, so that the fuzzers start from
the formats' structure."""
import os
import struct
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(name, seed, data):
    d = os.path.join(root, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, seed), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def ihex(count, offset, rtype, data):
    rec = bytes([count, offset >> 8, offset & 0xFF, rtype]) + bytes(data)
    return ":" + (rec + bytes([(-sum(rec)) & 0xFF])).hex().upper() + "\n"


def srec(kind, addr, data):
    alen = {"0": 2, "1": 2, "2": 3, "3": 4, "5": 2, "7": 4, "8": 3, "9": 2}[kind]
    body = bytes([alen + len(data) + 1]) + addr.to_bytes(alen, "big") + bytes(data)
    return "S" + kind + (body + bytes([(~sum(body)) & 0xFF])).hex().upper() + "\n"


def elf(segs):
    hdr = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
    hdr += struct.pack("<HHIIIIIHHHHHH", 2, 40, 1, 0x08000001, 52, 0, 0x05000000, 52, 32,
                       len(segs), 40, 0, 0)
    off = 52 + 32 * len(segs)
    ph, blobs = b"", b""
    for paddr, blob in segs:
        ph += struct.pack("<IIIIIIII", 1, off + len(blobs), paddr, paddr, len(blob), len(blob) + 8,
                          5, 4)
        blobs += blob
    return hdr + ph + blobs


hexfile = (ihex(2, 0, 4, [8, 0]) + ihex(16, 0, 0, range(16)) + ihex(4, 0x10, 0, [1, 2, 3, 4]) +
           ihex(2, 0, 2, [0x10, 0]) + ihex(4, 0xFFFE, 0, [5, 6, 7, 8]) +
           ihex(4, 0, 3, [0, 0, 1, 0]) + ihex(4, 0, 5, [8, 0, 0, 1]) + ihex(0, 0, 1, []))
put("ihex", "linear.hex", hexfile)
put("ihex", "crlf.hex", hexfile.replace("\n", "\r\n"))
srecfile = (srec("0", 0, b"hdr") + srec("1", 0x1000, range(8)) + srec("2", 0x081000, range(8)) +
            srec("3", 0x08000000, range(16)) + srec("5", 3, b"") + srec("7", 0x08000001, b""))
put("srec", "all.srec", srecfile)
put("srec", "s19.s19", srec("1", 0, range(16)) + srec("9", 0, b""))
elffile = elf([(0x08000000, bytes(range(32))), (0x08000100, b"\x01\x02\x03\x04")])
put("elf", "two.elf", elffile)
put("elf", "one.elf", elf([(0x20000000, b"\xaa" * 8)]))
for name, data in [("hex", hexfile), ("srec", srecfile), ("elf", elffile),
                   ("bin", bytes([0x00, 0x50, 0x00, 0x20, 0x41, 0x01, 0x00, 0x08]) * 4),
                   ("utf16", hexfile.encode("utf-16")),
                   ("damaged", b"\x80\x81\n" + hexfile.encode())]:
    put("auto", name, data)


def pkt(p):
    return b"$" + p + b"#" + b"%02x" % (sum(p) & 0xFF)


session = [b"qSupported:multiprocess+", b"QStartNoAckMode", b"?", b"g", b"p0f", b"P0=01000000",
           b"m08000000,40", b"M20000000,4:01020304", b"X20000010,2:ab", b"Z1,08000040,2",
           b"z1,08000040,2", b"s", b"vCont?", b"vCont;s", b"qXfer:features:read:target.xml:0,100",
           b"qXfer:memory-map:read::0,200", b"qRcmd,68616c74", b"qAttached",
           b"vFlashErase:08000000,400", b"vFlashWrite:08000000:\x01\x02", b"vFlashDone", b"D"]
put("gdb_packet", "session", b"+" + b"+".join(pkt(p) for p in session))
put("gdb_packet", "escapes", pkt(b"X20000000,2:}\x03}\x04") + b"\x03" + b"$g#zz")
put("gdb_dispatch", "session", b"".join(pkt(p) + b"+" for p in session))
put("gdb_dispatch", "noack", pkt(b"QStartNoAckMode") + b"+" +
    b"".join(pkt(p) for p in [b"?", b"g", b"G" + b"00" * 68, b"m20000000,10", b"qRcmd,7265736574"]))
for i, text in enumerate(["0x08000000", "64k", "1M", "0x400", "4000", "1.8MHz", "1800k",
                          "under-reset", "hot-plug", "ihex", "srec", "system", "hard",
                          "066DFF", "usb:066DFF", "tcp:127.0.0.1:7184/ABC", "sim:stm32f103c8,rdp=1",
                          "99999999999999999999", "-1", "1e3", "0x"]):
    put("cli_numbers", "s%02d" % i, text)
# Requests (transport/stlink_server_proto.h): REFRESH, GET_NB_DEV, GET_DEV_INFO, OPEN_DEV, a
# SEND_USB_CMD out with 4 data bytes, one in, GET_SERVER_VERSION.
usb_out = bytearray(32)
usb_out[0] = 0x05
usb_out[24] = 0
usb_out[28:32] = struct.pack("<I", 4)
usb_in = bytearray(usb_out)
usb_in[24] = 1
put("server_request", "requests",
    bytes([0x00, 0]) + bytes([0x01]) + bytes([0x02]) + bytes(7) + bytes([0x03]) + bytes(7) +
    bytes(usb_out) + b"\x01\x02\x03\x04" + bytes(usb_in) + bytes([0x06]) + bytes(3))
rec = bytearray(45)
rec[4:8] = struct.pack("<I", 1)
rec[8:20] = b"5354534D0001"
rec[40:42] = struct.pack("<H", 0x0483)
rec[42:44] = struct.pack("<H", 0x3748)
put("tcp_reply", "stlink_v2", bytes(rec))
# The control port (sim/server_control.c): every command, errors, and what is not its protocol.
put("control", "session", "boards\nstatus 0\nstats 0\nadvance 0 5\nfault 0 wait:3\nfault 0 disconnect:random/7\nfault 0 flip:0x08000400\nsave 0\n"
    "status 5354534D0000000000000001\nsave 0 /tmp/elsewhere\nadvance 0 -1\nadvance 0 99999\n"
    "fault 0 nonsense\n\nquit\nstatus 0\n")
put("control", "crlf", "status\r\nadvance 0 1\r\nstats\r\n")
put("control", "http", "POST / HTTP/1.1\r\nHost: localhost\r\n\r\nsave 0 /tmp/x\n")
put("control", "binary", b"status\n\x00\x01\xff\n")
put("control", "long", "status " + "9" * 300 + "\n")
