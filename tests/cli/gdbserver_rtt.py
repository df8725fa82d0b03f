#!/usr/bin/env python3
"""A GDB remote-protocol client for tests/cli/gdbserver_rtt.sh: monitor rtt start, continue,
then the RTT port read and written while the target runs, Ctrl-C, monitor rtt channels and
stop, detach. Prints what it saw, one fact a line; exits 1 with a message on a failure."""
import re
import socket
import sys
import time

GDB_PORT = int(sys.argv[1])
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
        """The next packet's payload, acknowledged."""
        end = time.time() + DEADLINE
        while True:
            m = re.search(rb"\$([^#]*)#[0-9a-fA-F]{2}", self.buf)
            if m:
                self.buf = self.buf[m.end():]
                self.s.sendall(b"+")
                return m.group(1).decode()
            if time.time() > end:
                fail("no packet from the server; got %r" % self.buf)
            self.buf += self.s.recv(4096)

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


def read_until(sock, want, deadline=DEADLINE):
    got = b""
    end = time.time() + deadline
    sock.settimeout(0.2)
    while want not in got:
        if time.time() > end:
            fail("RTT port: %r never came; got %r" % (want, got))
        try:
            chunk = sock.recv(4096)
        except socket.timeout:
            continue
        if not chunk:
            fail("RTT port closed; got %r" % got)
        got += chunk
    return got


g = Rsp(GDB_PORT)
text, reply = g.monitor("rtt start")
m = re.search(r"up channel 0 on 127\.0\.0\.1:(\d+)", text)
if reply != "OK" or not m:
    fail("monitor rtt start answered %r %r" % (text, reply))
print("start: " + text.strip())
rtt = socket.create_connection(("127.0.0.1", int(m.group(1))), timeout=DEADLINE)
g.send("c")
got = read_until(rtt, b"rtt: hello 4\n")
print("up: " + got.decode().replace("\n", "|"))
rtt.sendall(b"ping 7\n")
got = read_until(rtt, b"echo: ping 7\n")
print("echo: " + got.decode().strip())
g.s.sendall(b"\x03")
stop = g.packet()
print("stop: " + stop)
text, reply = g.monitor("rtt channels")
print("channels: " + text.replace("\n", "|") + " " + reply)
text, reply = g.monitor("rtt bogus")
print("bogus: " + text.strip() + " " + reply)
text, reply = g.monitor("rtt start 0x20000102")
print("unaligned: " + text.strip() + " " + reply)
text, reply = g.monitor("rtt stop")
print("stop rtt: " + text.strip() + " " + reply)
try:
    socket.create_connection(("127.0.0.1", int(m.group(1))), timeout=2).close()
    print("port: still open")
except OSError:
    print("port: closed")
g.send("D")
print("detach: " + g.packet())
