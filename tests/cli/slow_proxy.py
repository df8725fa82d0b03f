#!/usr/bin/env python3
"""A TCP relay to a virtual-board daemon whose every answer arrives late, as on a host so loaded
that the daemon's process gets the processor only now and then: each chunk from the daemon is
held for DELAY_MS before it goes on. Usage: slow_proxy.py DAEMON_PORT DELAY_MS; prints "port N"
once listening."""
import select
import socket
import sys
import threading
import time

daemon_port = int(sys.argv[1])
delay = int(sys.argv[2]) / 1000.0


def relay(client):
    server = socket.create_connection(("127.0.0.1", daemon_port))
    while True:
        ready, _, _ = select.select([client, server], [], [], 120)
        if not ready:
            break
        if client in ready:
            data = client.recv(65536)
            if not data:
                break
            server.sendall(data)
        if server in ready:
            data = server.recv(65536)
            if not data:
                break
            time.sleep(delay)
            try:
                client.sendall(data)
            except OSError:
                break
    client.close()
    server.close()


lsock = socket.socket()
lsock.bind(("127.0.0.1", 0))
lsock.listen(8)
print("port", lsock.getsockname()[1], flush=True)
while True:
    conn, _ = lsock.accept()
    threading.Thread(target=relay, args=(conn,), daemon=True).start()
