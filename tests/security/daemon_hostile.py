#!/usr/bin/python3
"""Hostile clients against a running stflash-sim daemon: each case must leave the daemon
serving other clients, write no file, and close what is not its protocol.
Usage: daemon_hostile.py PROBE_PORT CONTROL_PORT WORKDIR"""
import os
import socket
import struct
import sys
import time

PROBE, CTL, WORK = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.settimeout(5)
    return s


def ctl(line, timeout=5):
    """One control command on a fresh connection: the reply line."""
    s = connect(CTL)
    s.settimeout(timeout)
    s.sendall(line.encode() + b"\n")
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    return data.decode(errors="replace").strip()


def alive(what):
    """The daemon still answers a control command and a probe-port request promptly."""
    t0 = time.monotonic()
    try:
        st = ctl("status 0", timeout=3)
        p = connect(PROBE)
        p.settimeout(3)
        p.sendall(bytes([0x01]))  # GET_NB_DEV
        n = p.recv(4)
        p.close()
        ok = st.startswith("{") and len(n) == 4 and time.monotonic() - t0 < 3
    except OSError as e:
        ok = False
        print("  (%s)" % e)
    check(ok, "daemon still serves after " + what)


def closed_by_peer(s, timeout=5):
    """True when the daemon closes s (EOF or reset) within the timeout; drains replies."""
    s.settimeout(timeout)
    try:
        while True:
            if not s.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


# 1. save never writes a path a client names
target = os.path.join(WORK, "planted")
r = ctl("save 0 " + target)
check(r.startswith("error") and not os.path.exists(target), "save with a client path refused: " + r)

# 2. an HTTP request (what a web page's cross-site POST sends): closed at its first line,
#    the body never runs
body = "save 0 %s\nquit\n" % target
req = ("POST / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: text/plain\r\n"
       "Content-Length: %d\r\n\r\n%s" % (CTL, len(body), body)).encode()
s = connect(CTL)
s.sendall(req)
check(closed_by_peer(s), "an HTTP request closes the control connection")
s.close()
check(not os.path.exists(target), "the HTTP body wrote no file")
alive("an HTTP request (its body said quit)")

# 3. binary garbage and an endless line on the control port
s = connect(CTL)
s.sendall(b"\x00\x01\x02\xff garbage\n")
check(closed_by_peer(s), "binary garbage closes the control connection")
s.close()
s = connect(CTL)
try:
    s.sendall(b"A" * 100000)
except OSError:
    pass
check(closed_by_peer(s), "a line longer than any command closes the control connection")
s.close()
alive("garbage on the control port")

# 4. advance is bounded
t0 = time.monotonic()
r = ctl("advance 0 1000000", timeout=10)
check(r.startswith("error") and time.monotonic() - t0 < 2, "advance 0 1000000 refused at once: " + r)
r = ctl("advance 0 -5")
check(r.startswith("error"), "advance with a negative count refused: " + r)

# 5. SEND_USB_CMD whose length wraps a 32-bit sum (0xFFFFFFE0 + 32 = 0)
s = connect(PROBE)
hdr = bytearray(32)
hdr[0] = 0x05
struct.pack_into("<I", hdr, 28, 0xFFFFFFE0)
s.sendall(bytes(hdr))
check(closed_by_peer(s), "SEND_USB_CMD with length 0xFFFFFFE0 closes the connection")
s.close()
alive("a wrapping SEND_USB_CMD length")

# 6. unknown request bytes on the probe port
s = connect(PROBE)
s.sendall(b"GET / HTTP/1.1\r\n\r\n")
time.sleep(0.2)
s.close()
alive("an HTTP request on the probe port")

# 7. 40 idle connections (more than the daemon's slots) do not lock others out
idle = [connect(PROBE) for _ in range(40)]
alive("40 idle probe connections")
for c in idle:
    c.close()
idle = [connect(CTL) for _ in range(20)]
alive("20 idle control connections")
for c in idle:
    c.close()

# 8. a client that sends requests and never reads its replies is dropped, others go on
s = connect(PROBE)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.setblocking(False)
sent = 0
deadline = time.monotonic() + 20
req = struct.pack("<BBxxI", 0x02, 0, 0)  # GET_DEV_INFO of board 0: 45-byte replies
dropped = False
while time.monotonic() < deadline:
    try:
        sent += s.send(req * 256)
    except BlockingIOError:
        time.sleep(0.05)
    except (BrokenPipeError, ConnectionResetError):
        dropped = True
        break
    try:
        s.getpeername()
    except OSError:
        dropped = True
        break
    if sent > 64 << 20:
        break
alive("a client that never reads (%d bytes of requests sent)" % sent)
s.close()

# 9. a request left half-sent: others are served meanwhile, and the daemon closes it
s = connect(PROBE)
s.sendall(bytes(hdr[:10]))
alive("a half-sent request")
check(closed_by_peer(s, timeout=15), "a request left half-sent is closed within 15 s")
s.close()

# 10. a flood of valid requests from one client does not starve another
f = connect(PROBE)
f.sendall(bytes([0x01]) * 20000)
alive("a flood of requests")
f.close()

if failures:
    print("daemon_hostile: %d case(s) failed" % len(failures))
    sys.exit(1)
print("daemon_hostile: all cases passed")
