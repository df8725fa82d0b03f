"""The GDB remote-protocol client of the gdbserver tests (gdbserver_rsp.py, gdbserver_rtt.py):
packets with their checksums, acknowledged, every wait bounded by DEADLINE."""
import re
import socket
import sys
import time

DEADLINE = 10.0


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


class Rsp:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
        self.buf = b""

    def send(self, payload):
        data = payload.encode()
        self.s.sendall(b"$%s#%02x" % (data, sum(data) & 0xFF))

    def packet(self):
        """The next packet's payload, acknowledged; "" when the server closed the connection."""
        end = time.time() + DEADLINE
        while True:
            m = re.search(rb"\$([^#]*)#[0-9a-fA-F]{2}", self.buf)
            if m:
                self.buf = self.buf[m.end():]
                self.s.sendall(b"+")
                return m.group(1).decode()
            if time.time() > end:
                fail("no packet from the server; got %r" % self.buf)
            data = self.s.recv(4096)
            if not data:
                return ""
            self.buf += data

    def ask(self, payload):
        self.send(payload)
        return self.packet()

    def pc(self):
        """The program counter (register 15)."""
        return int.from_bytes(bytes.fromhex(self.ask("p0f")), "little")

    def monitor(self, cmd):
        """Console text and the final reply of qRcmd."""
        self.send("qRcmd," + cmd.encode().hex())
        text = ""
        while True:
            p = self.packet()
            if p.startswith("O") and p != "OK":
                text += bytes.fromhex(p[1:]).decode()
            else:
                return text, p
