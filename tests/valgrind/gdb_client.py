#!/usr/bin/env python3
"""A GDB remote-protocol client for the valgrind test: connects to a GDB server, sends a short
session (features, registers, memory read and write, a breakpoint, a step, a flash load through
vFlash, detach) and checks each answer. Usage: gdb_client.py PORT; exits non-zero on a wrong
answer."""
import socket
import sys


def checksum(body):
    return b"%02x" % (sum(body) & 0xFF)


class Client:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.buf = b""

    def _byte(self):
        while not self.buf:
            data = self.s.recv(65536)
            if not data:
                raise SystemExit("the server closed the connection")
            self.buf += data
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def ask(self, body):
        self.s.sendall(b"$" + body + b"#" + checksum(body))
        while self._byte() != b"+":
            pass
        reply = self._packet()
        while body.startswith(b"qRcmd,") and reply.startswith(b"O") and reply != b"OK":
            reply = self._packet()  # console output first, then the answer
        return reply

    def _packet(self):
        while self._byte() != b"$":
            pass
        reply = b""
        while True:
            b = self._byte()
            if b == b"#":
                break
            reply += b
        self._byte()
        self._byte()
        self.s.sendall(b"+")
        return reply


def expect(what, got, want=None, prefix=None):
    ok = (want is None or got == want) and (prefix is None or got.startswith(prefix))
    if not ok:
        raise SystemExit("%s: answer %r" % (what, got[:80]))


c = Client(int(sys.argv[1]))
expect("qSupported", c.ask(b"qSupported:multiprocess+;swbreak+;hwbreak+"), prefix=b"PacketSize=")
expect("?", c.ask(b"?"), prefix=b"T")
expect("g", c.ask(b"g"))
expect("qXfer target.xml", c.ask(b"qXfer:features:read:target.xml:0,400"), prefix=(b"m", b"l"))
expect("qXfer memory-map", c.ask(b"qXfer:memory-map:read::0,400"), prefix=(b"m", b"l"))
expect("M", c.ask(b"M20000100,4:01020304"), want=b"OK")
expect("m", c.ask(b"m20000100,4"), want=b"01020304")
expect("vFlashErase", c.ask(b"vFlashErase:08000000,400"), want=b"OK")
data = bytes(range(64))
escaped = b"".join(b"}" + bytes([x ^ 0x20]) if x in b"#$}*" else bytes([x]) for x in data)
expect("vFlashWrite", c.ask(b"vFlashWrite:08000000:" + escaped), want=b"OK")
expect("vFlashDone", c.ask(b"vFlashDone"), want=b"OK")
expect("m flash", c.ask(b"m08000000,40"), want=data.hex().encode())
expect("Z1", c.ask(b"Z1,08000040,2"), want=b"OK")
expect("z1", c.ask(b"z1,08000040,2"), want=b"OK")
expect("P", c.ask(b"P0=78563412"), want=b"OK")
expect("p", c.ask(b"p0"), want=b"78563412")
expect("qRcmd halt", c.ask(b"qRcmd," + b"halt".hex().encode()), want=b"OK")
expect("bad packet", c.ask(b"m2000zzzz"), prefix=b"E")
expect("D", c.ask(b"D"), want=b"OK")
print("gdb session ok")
