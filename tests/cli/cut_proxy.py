#!/usr/bin/env python3
"""A TCP relay that plays a probe lost at a chosen moment: it relays clients to a virtual-board
daemon until one sends the given bytes, relays that request and the daemon's answer, then closes
both ends of that connection (as a pulled USB cable ends every later command) and exits.
Usage: cut_proxy.py DAEMON_PORT HEX_BYTES; prints "port N" once listening, "cut" at the end."""
import os
import select
import socket
import sys
import threading

daemon_port, pattern = int(sys.argv[1]), bytes.fromhex(sys.argv[2])


def relay(client):
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
            server.sendall(data)
            seen = (seen + data)[-(len(pattern) + 65536):]
            cut = cut or pattern in seen
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
