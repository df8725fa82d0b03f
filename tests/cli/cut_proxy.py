#!/usr/bin/env python3
"""A TCP relay that plays a probe lost at a chosen moment: it relays clients to a virtual-board
daemon until one sends the given bytes (or, with bytes:N, until the clients have sent N bytes in
all, cutting the request where the count ends), relays that request and the daemon's answer
(no answer after a cut request), then closes both ends of that connection (as
a pulled USB cable ends every later command) and exits.
Usage: cut_proxy.py DAEMON_PORT HEX_BYTES|bytes:N; prints "port N" once listening, "cut" at the
end."""
import os
import select
import socket
import sys
import threading

daemon_port = int(sys.argv[1])
if sys.argv[2].startswith("bytes:"):
    pattern, budget = None, int(sys.argv[2][6:])
else:
    pattern, budget = bytes.fromhex(sys.argv[2]), None
sent = 0


def relay(client):
    global sent
    server = socket.create_connection(("127.0.0.1", daemon_port))
    seen = b""
    cut = False
    while True:
        ready, _, _ = select.select([client, server], [], [], 60)
        if not ready:
            break
        if client in ready:
            data = client.recv(65536)
            if not data:
                break
            if budget is not None and sent + len(data) >= budget:
                data = data[:max(budget - sent, 1)]
            server.sendall(data)
            sent += len(data)
            if pattern is not None:
                seen = (seen + data)[-(len(pattern) + 65536):]
                cut = cut or pattern in seen
            elif sent >= budget:
                cut = True
                break  # mid-request: the daemon's answer never comes, as with a pulled cable
        if server in ready:
            data = server.recv(65536)
            if not data:
                break
            client.sendall(data)
            if cut:
                break
    client.close()
    server.close()
    if cut:
        print("cut", flush=True)
        os._exit(0)


lsock = socket.socket()
lsock.bind(("127.0.0.1", 0))
lsock.listen(8)
print("port", lsock.getsockname()[1], flush=True)
while True:
    conn, _ = lsock.accept()
    threading.Thread(target=relay, args=(conn,), daemon=True).start()
