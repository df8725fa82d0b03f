#!/usr/bin/env python3
"""stflash gdbserver against hostile and broken clients. Usage: gdbserver_hostile.py PORT MODE.
MODE "open": an unprotected virtual board; "protected": a read-protected one (load refused)."""
import socket
import sys
import time

port, mode = int(sys.argv[1]), sys.argv[2]
failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)


def frame(payload):
    return b"$" + payload + b"#" + b"%02x" % (sum(payload) & 0xFF)


def connect():
    s = socket.create_connection(("127.0.0.1", port), timeout=15)
    return s


def recv_until(s, pred, timeout=15):
    s.settimeout(timeout)
    data = b""
    end = time.time() + timeout
    while not pred(data) and time.time() < end:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return data


def reply(s, timeout=15):
    """The next packet's payload (acknowledged), skipping acks."""
    data = recv_until(s, lambda d: b"#" in d[d.find(b"$"):] and len(d) >= d.rfind(b"#") + 3 and d.find(b"$") >= 0, timeout)
    start = data.find(b"$")
    if start < 0:
        return None
    end = data.find(b"#", start)
    s.sendall(b"+")
    return data[start + 1:end]


def request(s, payload):
    s.sendall(frame(payload))
    return reply(s)


def closed_within(s, seconds):
    s.settimeout(seconds)
    try:
        while True:
            if not s.recv(4096):
                return True
    except (socket.timeout, ConnectionResetError):
        return False


def server_alive():
    s = connect()
    r = request(s, b"?")
    s.close()
    return r is not None and r.startswith(b"T")


# A malformed checksum: NAK, no crash (it used to shift -1 left, undefined behaviour).
s = connect()
s.sendall(b"$g#zz")
check(recv_until(s, lambda d: b"-" in d, 5).startswith(b"-"), "'$g#zz' answered with a NAK")
s.sendall(b"$g#0\xff")
check(b"-" in recv_until(s, lambda d: b"-" in d, 5), "a non-hex checksum digit: NAK")
check(request(s, b"qSupported") is not None, "the session goes on after malformed packets")

# A packet longer than the announced PacketSize: NAK, then the session goes on.
s.sendall(frame(b"M20000000,10:" + b"0" * 40000))
check(b"-" in recv_until(s, lambda d: b"-" in d, 5), "an oversized packet: NAK")
check(request(s, b"?").startswith(b"T"), "the session goes on after an oversized packet")

# A G packet too short (or too long) for the registers: an error, not OK.
check(request(s, b"G" + b"00" * 8) == b"E01", "a short G packet: E01")
check(request(s, b"G" + b"00" * 4 * 18) == b"E01", "a long G packet: E01")
regs = request(s, b"g")
check(regs is not None and len(regs) == 8 * 17, "g returns the 17 registers")
check(request(s, b"G" + regs) == b"OK", "a whole G packet: OK")

# Bad hex and truncated data in memory and register packets: E01, never a partial write.
check(request(s, b"mzz,4") == b"E01", "m with a bad hex address: E01")
check(request(s, b"m20000000,4g") == b"E01", "m with a bad hex length: E01")
check(request(s, b"M20000000,4:11223344") == b"OK", "a whole M packet: OK")
check(request(s, b"M20000000,4:5566") == b"E01", "M with fewer bytes than its length: E01")
check(request(s, b"M20000000,4:55667x88") == b"E01", "M with a bad hex digit: E01")
check(request(s, b"X20000000,4:\x99\x99") == b"E01", "X with fewer bytes than its length: E01")
check(request(s, b"X20000000,4") == b"E01", "X without its data: E01")
check(request(s, b"m20000000,4") == b"11223344", "the refused writes changed nothing")
check(request(s, b"P0=zz") == b"E01", "P with bad hex: E01")
check(request(s, b"P0=0102") == b"E01", "P with a short value: E01")
check(request(s, b"p999") == b"E01", "p of a register that does not exist: E01")
check(request(s, b"Z2,20000001,4") == b"E01", "a misaligned watchpoint: E01")
check(request(s, b"Z2,20000000,3") == b"E01", "a watchpoint of 3 bytes: E01")
check(request(s, b"qRcmd,7") == b"E01", "qRcmd with an odd number of hex digits: E01")

# A second client while this one is connected: told the server is busy.
t = connect()
busy = recv_until(t, lambda d: b"#" in d, 5)
check(b"E.busy" in busy and b"another gdb" in busy, "a second client is told the server is busy")
t.close()
check(request(s, b"?").startswith(b"T"), "the first client is still served")

# Ctrl-C and noise between packets, then a flood of junk: the server keeps up.
s.sendall(b"\x00\x01+-+++garbage" * 1000)
s.sendall(b"+" * 100000)
check(request(s, b"?").startswith(b"T"), "noise and a 100 KB flood between packets")

# Disconnect in the middle of a packet: the next client is served.
s.sendall(b"$m08000000,")
s.close()
check(server_alive(), "a client gone mid-packet: the next one is served")

# A half-sent packet then silence: dropped after the packet deadline (10 s), not held forever.
s = connect()
request(s, b"qSupported")
s.sendall(b"$m0800")
t0 = time.time()
check(closed_within(s, 20) and time.time() - t0 < 15, "a packet left unfinished: disconnected in 10 s")
s.close()

# A client that connects and says nothing: dropped within 10 s.
s = connect()
t0 = time.time()
check(closed_within(s, 20) and time.time() - t0 < 15, "a silent client: disconnected in 10 s")
s.close()

if mode == "protected":
    # load on a read-protected chip: vFlashDone answers E01 as its reply (no console packet
    # where only a reply may come), and the replies after it stay in step.
    s = connect()
    request(s, b"qSupported")
    check(request(s, b"vFlashErase:08000000,400") == b"OK", "vFlashErase recorded")
    check(request(s, b"vFlashWrite:08000000:" + b"\x11" * 16) == b"OK", "vFlashWrite recorded")
    r = request(s, b"vFlashDone")
    check(r == b"E01", "vFlashDone on a protected chip: E01 (got %r)" % r)
    check(request(s, b"?").startswith(b"T"), "the replies after a failed load are in step")
    check(request(s, b"p0f") is not None and request(s, b"qAttached") == b"1",
          "register and query replies in step after the failed load")
    s.close()

check(server_alive(), "the server survived every case")
sys.exit(1 if failures else 0)
