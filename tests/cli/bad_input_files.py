#!/usr/bin/env python3
"""Writes the malformed image files of tests/cli/bad_input.sh into the folder given."""
import os
import struct
import sys

out = sys.argv[1]


def put(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def ihex(count, offset, rtype, data, fix=None):
    rec = bytes([count, offset >> 8, offset & 0xFF, rtype]) + bytes(data)
    cs = (-sum(rec)) & 0xFF if fix is None else fix
    return ":" + (rec + bytes([cs])).hex().upper() + "\n"


def srec(kind, addr, data, fix=None):
    alen = {"0": 2, "1": 2, "2": 3, "3": 4, "5": 2, "7": 4, "8": 3, "9": 2}[kind]
    body = bytes([alen + len(data) + 1]) + addr.to_bytes(alen, "big") + bytes(data)
    cs = (~sum(body)) & 0xFF if fix is None else fix
    return "S" + kind + (body + bytes([cs])).hex().upper() + "\n"


ela = ihex(2, 0, 4, [0x08, 0x00])
d16 = list(range(16))
eof = ihex(0, 0, 1, [])
good_hex = ela + ihex(16, 0, 0, d16) + eof
put("good.hex", good_hex)
put("truncated.hex", ela + ihex(16, 0, 0, d16))
put("cut_line.hex", ela + ihex(16, 0, 0, d16)[:20] + "\n" + eof)
put("checksum.hex", ela + ihex(16, 0, 0, d16, fix=0x42) + eof)
put("type06.hex", ela + ihex(2, 0, 6, [1, 2]) + eof)
put("overlap.hex", ela + ihex(16, 0, 0, d16) + ihex(16, 8, 0, d16) + eof)
put("wrap.hex", ihex(2, 0, 4, [0xFF, 0xFF]) + ihex(16, 0xFFF8, 0, d16) + eof)
put("outside.hex", ihex(2, 0, 4, [0x08, 0x10]) + ihex(16, 0, 0, d16) + eof)
put("garbage.hex", ela + "this is not a record\n" + ihex(16, 0, 0, d16) + eof)
put("crlf_garbage.hex", (ela + ihex(16, 0, 0, d16) + "@@@@\n" + eof).replace("\n", "\r\n"))
put("char.hex", ela + ":10000000G0" + "00" * 15 + "00\n" + eof)
put("odd.hex", ela + ihex(16, 0, 0, d16).strip() + "0\n" + eof)
put("length.hex", ela + ":05000000010203FA\n" + eof)
put("after_eof.hex", good_hex + ihex(16, 0x10, 0, d16))
put("short.hex", ela + ":00\n" + eof)
put("two_starts.hex", ela + ihex(4, 0, 5, [8, 0, 0, 1]) + ihex(4, 0, 5, [8, 0, 0, 9]) + eof)
put("binary_first.hex", bytes(range(200, 256)) + b"\n" + good_hex.encode())
put("utf16_bom.hex", good_hex.replace("\n", "\r\n").encode("utf-16"))
put("utf16.hex", good_hex.replace("\n", "\r\n").encode("utf-16-le"))
put("utf16.txt", good_hex.encode("utf-16-be"))
put("binary_first.img", b"\x80\x81\x82\x00\n" + good_hex.encode())

s0 = srec("0", 0, b"hdr")
s9 = srec("7", 0x08000000, b"")
good_srec = s0 + srec("3", 0x08000000, d16) + s9
put("good.srec", good_srec)
put("checksum.srec", s0 + srec("3", 0x08000000, d16, fix=0) + s9)
put("s4.srec", s0 + "S4050000000FA\n" + s9)
put("count.srec", s0 + srec("3", 0x08000000, d16) + srec("5", 7, b"") + s9)
put("cut_line.srec", s0 + srec("3", 0x08000000, d16)[:17] + "\n" + s9)
put("garbage.srec", s0 + "rubbish\n" + srec("3", 0x08000000, d16) + s9)
put("after_end.srec", good_srec + srec("3", 0x08000100, d16))
put("overlap.srec", s0 + srec("3", 0x08000000, d16) + srec("3", 0x08000004, d16) + s9)
put("wrap.srec", s0 + srec("3", 0xFFFFFFF8, d16) + s9)
put("outside.srec", s0 + srec("3", 0x08100000, d16) + s9)
put("crlf_garbage.s19", (s0 + srec("1", 0x0000, d16) + "%%\n" + s9).replace("\n", "\r\n"))
put("utf16.srec", good_srec.encode("utf-16"))
put("binary_first.srec", b"\xfa\xfb\xfd\x00\x01\n" + good_srec.encode())


def elf(machine=40, cls=1, data=1, etype=2, phoff=52, phnum=None, segs=None, cut=None):
    """ELF32 (or a header claiming otherwise) with PT_LOAD segments (paddr, bytes)."""
    segs = segs if segs is not None else [(0x08000000, bytes(range(64)))]
    phnum = len(segs) if phnum is None else phnum
    hdr = b"\x7fELF" + bytes([cls, data, 1]) + bytes(9)
    body_off = 52 + 32 * len(segs)
    hdr += struct.pack("<HHIIIIIHHHHHH", etype, machine, 1, 0x08000001, phoff, 0, 0x05000000, 52,
                       32, phnum, 40, 0, 0)
    phdrs = b""
    blobs = b""
    for paddr, blob in segs:
        phdrs += struct.pack("<IIIIIIII", 1, body_off + len(blobs), paddr, paddr, len(blob),
                             len(blob), 5, 4)
        blobs += blob
    image = hdr + phdrs + blobs
    return image[:cut] if cut else image


put("good.elf", elf())
put("truncated.elf", elf(cut=40))
put("x86.elf", elf(machine=3))
put("elf64.elf", elf(cls=2))
put("bigendian.elf", elf(data=2))
put("phoff_past_end.elf", elf(phoff=0x100000))
put("phnum_past_end.elf", elf(phnum=200))
put("data_past_end.elf", elf(cut=52 + 32 + 10))
put("overlap.elf", elf(segs=[(0x08000000, bytes(64)), (0x08000020, bytes(64))]))
put("ram_past_end.elf", elf(segs=[(0x20004FE0, bytes(64))]))
put("relocatable.elf", elf(etype=1))
put("no_load.elf", elf(segs=[]))
put("elf_named.s19", elf())
put("oversized.bin", b"")
os.truncate(os.path.join(out, "oversized.bin"), 300 * 1024 * 1024)
put("empty.hex", b"")
put("empty.bin", b"")
