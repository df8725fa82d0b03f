#!/usr/bin/env python3
"""A GDB remote-protocol client for tests/cli/gdbserver_rtt.sh: monitor rtt start, continue,
then the RTT port read and written while the target runs, Ctrl-C, monitor rtt channels and
stop, detach. Prints what it saw, one fact a line; exits 1 with a message on a failure."""
import re
import socket
import sys
import time

from rsp_client import DEADLINE, Rsp, fail

GDB_PORT = int(sys.argv[1])
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
