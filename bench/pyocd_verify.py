#!/usr/bin/python3
"""pyOCD 0.13 has no verify-only command: this compares the target's memory with an image through
its Python API (the flash read back over SWD, compared on the host), as a user of pyOCD would.

    pyocd_verify.py TARGET KHZ IMAGE ADDR      exit 0 when equal, 1 when not
"""
import sys

from pyocd.core.helpers import ConnectHelper


def main():
    target, khz, image, addr = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4], 0)
    data = open(image, "rb").read()
    with ConnectHelper.session_with_chosen_probe(target_override=target,
                                                 frequency=khz * 1000) as session:
        back = bytes(session.board.target.read_memory_block8(addr, len(data)))
    for i, (a, b) in enumerate(zip(data, back)):
        if a != b:
            print(f"verify: differs at 0x{addr + i:08x}: 0x{b:02x}, expected 0x{a:02x}")
            return 1
    print(f"verify: {len(data)} bytes at 0x{addr:08x} match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
