#!/usr/bin/env python3
"""Runs a cortex-debug session against `stflash gdbserver` without VS Code.

cortex-debug's debug adapter (dist/debugadapter.js of a built cortex-debug) speaks the Debug
Adapter Protocol on stdin/stdout. This script is the client VS Code would be: it starts the
adapter with node and sends the launch configuration of docs/debugging.md (section "VS Code"),
then the requests VS Code sends when the user sets a breakpoint on a line of
firmware/gdb_target.c, looks at the stack, the variables and the registers, opens the memory
and disassembly views, steps, sets a data breakpoint, pauses, resets and stops the session.
Every message is printed (with the adapter's log of its gdb/MI commands), so the output is the
session's transcript.

    scripts/cortex-debug-session.py ADAPTER [options]

ADAPTER is the path of dist/debugadapter.js in a cortex-debug build (`npm ci`, then webpack).
By default the script starts `build/tools/stflash --probe sim:stm32f103cb gdbserver --port 0`
(the virtual board) and connects the session to the port it prints; --target HOST:PORT uses a
server already running instead. The firmware is the one of the launch configuration,
build/firmware/gdb_target.elf (firmware/gdb_target.c), built by the project's build.

Exit status 0 when every step of the session went as expected, 1 otherwise (the transcript
says which step failed).
"""
import argparse
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import queue
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "firmware", "gdb_target.c")
BREAK_TEXT = "counter += (unsigned int)n;"  # the first line of work()


def source_line(text):
    with open(SOURCE, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if text in line:
                return number
    raise SessionError(f"{SOURCE}: no line with '{text}'")


class SessionError(Exception):
    pass


def docs_launch_config(docs):
    """The first ```json block of the "VS Code" section: the launch.json the docs give."""
    text = open(docs, encoding="utf-8").read()
    section = re.search(r"^## VS Code.*?(?=^## )", text, re.S | re.M)
    block = section and re.search(r"```json\n(.*?)```", section.group(0), re.S)
    if not block:
        raise SessionError(f"{docs}: no ```json block in the section '## VS Code'")
    return json.loads(block.group(1))["configurations"][0]


def substitute(value, workspace):
    if isinstance(value, str):
        return value.replace("${workspaceFolder}", workspace)
    if isinstance(value, list):
        return [substitute(v, workspace) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, workspace) for k, v in value.items()}
    return value


def extension_fields(config, workspace, extension_dir, console_port, log_mode):
    """What the cortex-debug extension adds to a launch configuration before it hands it to the
    adapter (defaults of the options the configuration leaves out, the extension's own settings
    and paths). The adapter expects them; without VS Code, the client gives them."""
    package = json.load(open(os.path.join(extension_dir, "package.json"), encoding="utf-8"))
    added = {
        "cwd": workspace,
        "gdbServerConsolePort": console_port,
        "pvtAvoidPorts": [],
        "pvtVersion": package.get("version", "<unknown version>"),
        "extensionPath": extension_dir,
        "debuggerArgs": [],
        "chainedConfigurations": {"enabled": False},
        "swoConfig": {"enabled": False, "decoders": [], "cpuFrequency": 0, "swoFrequency": 0,
                      "source": "probe"},
        "rttConfig": {"enabled": False, "decoders": []},
        "graphConfig": [],
        "preLaunchCommands": [],
        "postLaunchCommands": [],
        "preAttachCommands": [],
        "postAttachCommands": [],
        "preResetCommands": [],
        "postResetCommands": [],
        "overridePreEndSessionCommands": None,
        "postResetSessionCommands": None,
        "pvtAdapterDebugOptions": {},
        "showDevDebugOutput": log_mode,
        "toolchainPrefix": "arm-none-eabi",
        "registerUseNaturalFormat": True,
        "variableUseNaturalFormat": True,
    }
    return {**added, **config}


class Adapter:
    """The adapter process and its messages: Content-Length framed JSON, read by a thread."""

    def __init__(self, adapter_path, timeout):
        self.proc = subprocess.Popen(["node", adapter_path], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.timeout = timeout
        self.seq = 0
        self.inbox = queue.Queue()
        self.backlog = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._stderr, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.inbox.put(json.loads(out.read(length)))

    def _stderr(self):
        for line in self.proc.stderr:
            print(f"   adapter stderr: {line.decode(errors='replace').rstrip()}", flush=True)

    def send(self, command, arguments=None):
        self.seq += 1
        msg = {"seq": self.seq, "type": "request", "command": command}
        if arguments is not None:
            msg["arguments"] = arguments
        print(f"--> {command} {json.dumps(arguments) if arguments is not None else ''}", flush=True)
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return self.seq

    def _next(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise SessionError("timeout waiting for the adapter")
        try:
            msg = self.inbox.get(timeout=left)
        except queue.Empty:
            raise SessionError("timeout waiting for the adapter") from None
        if msg is None:
            raise SessionError("the adapter closed its output")
        show(msg)
        return msg

    def wait(self, match):
        """The first message (earlier ones not yet taken first) for which match is true."""
        for i, msg in enumerate(self.backlog):
            if match(msg):
                return self.backlog.pop(i)
        deadline = time.monotonic() + self.timeout
        while True:
            msg = self._next(deadline)
            if match(msg):
                return msg
            self.backlog.append(msg)

    def request(self, command, arguments=None, ok=True):
        seq = self.send(command, arguments)
        resp = self.wait(lambda m: m["type"] == "response" and m["request_seq"] == seq)
        if ok and not resp["success"]:
            raise SessionError(f"{command} failed: {resp.get('message')}")
        return resp

    def event(self, name):
        return self.wait(lambda m: m["type"] == "event" and m["event"] == name)


def show(msg):
    if msg["type"] == "event" and msg["event"] == "output":
        body = msg["body"]
        for line in body.get("output", "").rstrip("\n").split("\n"):
            print(f"   [{body.get('category', 'console')}] {line}", flush=True)
    elif msg["type"] == "event":
        print(f"<-- event {msg['event']} {json.dumps(msg.get('body', {}))}", flush=True)
    else:
        state = "ok" if msg["success"] else f"FAILED: {msg.get('message')}"
        print(f"<-- {msg['command']} {state} {json.dumps(msg.get('body', {}))}", flush=True)


def start_server(stflash, probe):
    proc = subprocess.Popen([stflash, "--probe", probe, "gdbserver", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    found = re.search(r"listening for gdb on (\S+):(\d+)", line)
    if not found:
        proc.kill()
        raise SessionError(f"{stflash} gdbserver did not start: {line.strip()}")
    print(f"   server: {line.strip()}", flush=True)
    threading.Thread(target=lambda: [print(f"   server: {l.rstrip()}", flush=True)
                                     for l in proc.stdout], daemon=True).start()
    return proc, f"{found.group(1)}:{found.group(2)}"


def console_listener():
    """The extension's gdb-server console: a TCP port the adapter is given (and may write to)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)

    def serve():
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=lambda c=conn: [None for _ in iter(lambda: c.recv(4096), b"")],
                             daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return srv.getsockname()[1]


def on_stop(dap):
    """VS Code's requests after a stop: the threads, then the stack of the stopped thread."""
    stopped = dap.event("stopped")["body"]
    threads = dap.request("threads")["body"]["threads"]
    thread = stopped.get("threadId") or threads[0]["id"]
    frames = dap.request("stackTrace", {"threadId": thread, "startFrame": 0, "levels": 20})
    return stopped, thread, frames["body"]["stackFrames"]


def show_scopes(dap, frame, expect):
    """Scopes of a frame and the variables of each; `expect` maps a scope-name prefix to the
    names that must be in it."""
    scopes = dap.request("scopes", {"frameId": frame["id"]})["body"]["scopes"]
    for scope in scopes:
        variables = dap.request("variables", {"variablesReference": scope["variablesReference"]})
        names = [v["name"] for v in variables["body"]["variables"]]
        for prefix, wanted in expect.items():
            if scope["name"].startswith(prefix):
                missing = [n for n in wanted if n not in names]
                if missing:
                    raise SessionError(f"scope {scope['name']}: no {', '.join(missing)}")


def top(frames, function, line=None):
    if not frames or frames[0].get("name", "").split("@")[0] != function:
        raise SessionError(f"expected to stop in {function}, the stack is {frames}")
    if line is not None and frames[0].get("line") != line:
        raise SessionError(f"expected to stop at line {line}, not {frames[0].get('line')}")


def stop_in(dap, function, tries=1):
    """Waits for a stop in function; a reset or a launch first reports stops of its own."""
    for _ in range(tries):
        stopped, thread, frames = on_stop(dap)
        if frames and frames[0].get("name", "").split("@")[0] == function:
            break
    top(frames, function)
    return stopped, thread, frames


def watch(dap, frame, expression):
    return dap.request("evaluate", {"expression": expression, "frameId": frame["id"],
                                    "context": "watch"})["body"]["result"]


def elf_entry(path):
    """e_entry of a 32-bit little-endian ELF file (offset 24 of the ELF header)."""
    with open(path, "rb") as f:
        header = f.read(28)
    return int.from_bytes(header[24:28], "little")


def session(dap, config):
    break_line = source_line(BREAK_TEXT)
    dap.request("initialize", {"clientID": "vscode", "clientName": "Visual Studio Code",
                               "adapterID": "cortex-debug", "pathFormat": "path",
                               "linesStartAt1": True, "columnsStartAt1": True,
                               "supportsVariableType": True, "supportsVariablePaging": True,
                               "supportsRunInTerminalRequest": False, "locale": "en"})
    dap.request("launch", config)
    dap.event("initialized")
    source = {"path": SOURCE, "name": "gdb_target.c"}
    bps = dap.request("setBreakpoints", {"source": source, "breakpoints": [{"line": break_line}]})
    if not bps["body"]["breakpoints"][0].get("verified"):
        raise SessionError("the breakpoint was not verified")
    dap.request("configurationDone")

    # runToEntryPoint: the adapter reports the stop after the launch commands, then runs to main.
    stopped, thread, frames = stop_in(dap, "main", tries=3)
    show_scopes(dap, frames[0], {"Registers": ["pc", "sp", "xpsr", "msp", "psp", "primask",
                                               "basepri", "faultmask", "control"]})
    # The memory view and the disassembly view: the vector table holds the ELF's entry point.
    mem = dap.request("readMemory", {"memoryReference": "0x08000000", "count": 8})["body"]
    data = base64.b64decode(mem["data"])
    if int.from_bytes(data[4:8], "little") != elf_entry(config["executable"]) | 1:
        raise SessionError(f"reset vector {data[4:8].hex()} is not the ELF's entry point")
    dis = dap.request("disassemble", {"memoryReference": frames[0]["instructionPointerReference"],
                                      "instructionCount": 4})["body"]["instructions"]
    if not dis:
        raise SessionError("no instructions disassembled")

    dap.request("continue", {"threadId": thread})
    stopped, thread, frames = stop_in(dap, "work")
    top(frames, "work", break_line)
    show_scopes(dap, frames[0], {"Local": ["n"]})
    dap.request("next", {"threadId": thread})
    stopped, thread, frames = stop_in(dap, "work")
    top(frames, "work", break_line + 1)

    # A data breakpoint (write) on the global `counter` instead of the line breakpoint.
    dap.request("setBreakpoints", {"source": source, "breakpoints": []})
    scopes = dap.request("scopes", {"frameId": frames[0]["id"]})["body"]["scopes"]
    globals_ref = next(s["variablesReference"] for s in scopes if s["name"] == "Global")
    info = dap.request("dataBreakpointInfo", {"variablesReference": globals_ref,
                                              "name": "counter"})["body"]
    dbp = dap.request("setDataBreakpoints", {"breakpoints": [{"dataId": info["dataId"],
                                                              "accessType": "write"}]})
    if not dbp["body"]["breakpoints"][0].get("verified"):
        raise SessionError("the data breakpoint was not verified")
    before = int(watch(dap, frames[0], "counter"))
    dap.request("continue", {"threadId": thread})
    stopped, thread, frames = stop_in(dap, "work")
    after = int(watch(dap, frames[0], "counter"))
    if stopped.get("reason") != "data breakpoint" or after <= before:
        raise SessionError(f"data breakpoint: stop {stopped}, counter {before} -> {after}")

    # Pause button: the program runs with no breakpoint until the client interrupts it.
    dap.request("setDataBreakpoints", {"breakpoints": []})
    dap.request("continue", {"threadId": thread})
    time.sleep(1)
    dap.request("pause", {"threadId": thread})
    stopped, thread, frames = on_stop(dap)
    if stopped.get("reason") not in ("pause", "user request") or not frames:
        raise SessionError(f"pause: stop {stopped}, stack {frames}")

    # Reset button: reset commands, then runToEntryPoint again. The adapter answers this request
    # only when it fails; the stop at main is the answer.
    dap.send("reset-device", "reset")
    stop_in(dap, "main", tries=3)

    dap.request("disconnect", {"restart": False, "terminateDebuggee": False})
    dap.event("terminated")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("adapter", help="dist/debugadapter.js of a cortex-debug build")
    ap.add_argument("--docs", default=os.path.join(ROOT, "docs", "debugging.md"))
    ap.add_argument("--workspace", default=ROOT, help="${workspaceFolder} (default: this tree)")
    ap.add_argument("--stflash", default=os.path.join(ROOT, "build", "tools", "stflash"))
    ap.add_argument("--probe", default="sim:stm32f103cb")
    ap.add_argument("--target", help="HOST:PORT of a running server (none is started)")
    ap.add_argument("--executable", help="the firmware ELF (default: the configuration's)")
    ap.add_argument("--log", default="raw", help="the adapter's showDevDebugOutput (raw: every "
                    "gdb/MI command and answer in the transcript; none)")
    ap.add_argument("--timeout", type=float, default=30, help="seconds for each answer")
    args = ap.parse_args()

    adapter = os.path.abspath(args.adapter)
    if not os.path.isfile(adapter):
        sys.exit(f"{adapter}: no such file; give the dist/debugadapter.js of a cortex-debug build")
    extension_dir = os.path.dirname(os.path.dirname(adapter))
    if not os.path.isfile(os.path.join(extension_dir, "package.json")):
        sys.exit(f"{extension_dir}: no package.json; ADAPTER is dist/debugadapter.js inside the "
                 "cortex-debug folder it was built in")
    if not args.target and not os.access(args.stflash, os.X_OK):
        sys.exit(f"{args.stflash}: no stflash there; build the project (cmake --build build) or "
                 "give --stflash PATH or --target HOST:PORT")
    if not shutil.which("node"):
        sys.exit("node is not installed: the adapter runs on Node.js (Debian package nodejs)")
    server = None
    try:
        config = substitute(docs_launch_config(args.docs), args.workspace)
        if args.target:
            target = args.target
        else:
            server, target = start_server(args.stflash, args.probe)
        config["gdbTarget"] = target
        if args.executable:
            config["executable"] = os.path.abspath(args.executable)
        config = extension_fields(config, args.workspace, extension_dir, console_listener(),
                                  args.log)
        dap = Adapter(adapter, args.timeout)
        try:
            session(dap, config)
        finally:
            dap.proc.stdin.close()  # the adapter ends when its input does
            try:
                dap.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                dap.proc.kill()
        print(f"   adapter exit status {dap.proc.returncode}")
    except SessionError as e:
        print(f"session failed: {e}", file=sys.stderr)
        return 1
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
