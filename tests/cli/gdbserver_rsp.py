#!/usr/bin/env python3
"""A GDB remote-protocol client for tests/cli/gdbserver_rsp.sh: vCont (c, s, C, S, t), Ctrl-C
during a continue and how soon the stop reply follows it, a second client while one is
connected, and a new connection after the first ends. Prints what it saw, one fact a line;
exits 1 with a message on a failure."""
import sys
import time

from rsp_client import Rsp

GDB_PORT = int(sys.argv[1])

a = Rsp(GDB_PORT)
print("status: " + a.ask("?"))
print("vCont?: " + a.ask("vCont?"))
pc0 = a.pc()
print("vCont;s: " + a.ask("vCont;s:1"))
pc1 = a.pc()
print("s moved: %d" % (pc1 != pc0))
print("vCont;S: " + a.ask("vCont;S05:1"))
print("S moved: %d" % (a.pc() != pc1))

# A continue, then Ctrl-C: the stop reply comes without a polling delay to wait out.
for action in ("c", "C05"):
    a.send("vCont;" + action)
    time.sleep(0.3)
    t0 = time.time()
    a.s.sendall(b"\x03")
    reply = a.packet()
    took = time.time() - t0
    print("vCont;%s then Ctrl-C: %s" % (action, reply))
    print("vCont;%s stopped within 0.25 s: %d" % (action, took < 0.25))
print("vCont;t: " + a.ask("vCont;t:1"))

# A second client while the first is connected: told, then closed; the first goes on.
b = Rsp(GDB_PORT)
print("second: " + b.packet())
print("second closed: %d" % (b.packet() == ""))
print("first still served: " + a.ask("?"))

# The first ends; a new connection is served.
print("detach: " + a.ask("D"))
a.s.close()
time.sleep(0.2)
c = Rsp(GDB_PORT)
print("new client: " + c.ask("?"))
print("new client reads pc: %d" % (c.pc() != 0))
print("new client detach: " + c.ask("D"))
