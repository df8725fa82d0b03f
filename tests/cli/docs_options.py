#!/usr/bin/env python3
"""The help, the man page and docs/cli.md name the same commands and options.

The tool's --help texts (tools/stflash/help.c) are what the parser takes; the man page's and the
user guide's synopses and option lists are generated from them (scripts/gen-cli-docs.py), their
prose is written by hand. This check fails when one of them names a command or an option
that another lacks: every command of `stflash --help` has its own --help, a SYNOPSIS line in
stflash(1) and a section in docs/cli.md; every option a command's --help lists is described in
stflash(1) and docs/cli.md; every option the man page's SYNOPSIS shows for a command is one its
--help lists.
"""
import importlib.util
import os
import re
import sys

# The command list and the help texts as scripts/gen-cli-docs.py reads them.
_spec = importlib.util.spec_from_file_location(
    "gen_cli_docs", os.path.join(os.path.dirname(__file__), "../../scripts/gen-cli-docs.py"))
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

stflash, man_path, md_path = sys.argv[1:4]
failures = []


def run_help(*args):
    return gen.help_text(stflash, *args)  # exits naming the command when its --help fails


main_help = run_help()
commands = gen.commands(stflash)
if len(commands) < 15:
    failures.append(f"only {len(commands)} commands found in stflash --help: {commands}")

man = open(man_path, encoding="utf-8").read()
man_text = man.replace("\\-", "-").replace("\\fI", "").replace("\\fR", "").replace("\\fB", "")
md = open(md_path, encoding="utf-8").read()
md_sections = re.findall(r"^### (.+)$", md, re.M)
global_help = main_help.split("Global options", 1)[1]
global_opts = set(re.findall(r"^\s+(?:-\w, )?(--[a-z][a-z0-9-]*)", global_help, re.M))

synopsis = man.split(".SH SYNOPSIS", 1)[1].split(".SH ", 1)[0]
for cmd in commands:
    name = " ".join(cmd)
    text = run_help(*cmd)
    usages = re.findall(r"^(?:Usage:|      ) stflash (.*)$", text, re.M)
    if not any(u.startswith(name) for u in usages):
        failures.append(f"stflash {name} --help has no 'Usage: stflash {name}' line")
        continue
    man_syn = re.search(r"^\.B stflash " + re.escape(name).replace("\\ ", "\\\\?\\ ") + r"\b(.*?)(?=^\.br|\Z)",
                        synopsis, re.M | re.S)
    if not man_syn:
        failures.append(f"stflash(1) SYNOPSIS has no line for '{name}'")
    else:
        shown = set(re.findall(r"(--[a-z][a-z0-9-]*)", man_syn.group(1).replace("\\-", "-")))
        for opt in sorted(shown):
            if opt not in text:
                failures.append(f"stflash(1) SYNOPSIS of '{name}' shows {opt}, which "
                                f"'stflash {name} --help' does not list")
    if not any(cmd[0] in re.split(r"[ ,]+", s.replace("`", "")) for s in md_sections):
        failures.append(f"docs/cli.md has no '### {cmd[0]}' section")
    own = text.split("Global options", 1)[0]
    for opt in sorted(set(re.findall(r"^\s{2,}(?:-\w, )?(--[a-z][a-z0-9-]*)", own, re.M))):
        if opt in global_opts:
            continue
        if opt not in man_text:
            failures.append(f"'stflash {name} --help' lists {opt}; stflash(1) does not describe it")
        if opt not in md:
            failures.append(f"'stflash {name} --help' lists {opt}; docs/cli.md does not describe it")

for opt in sorted(global_opts):
    if opt not in man_text:
        failures.append(f"global option {opt} (stflash --help) is missing from stflash(1)")
    if opt not in md:
        failures.append(f"global option {opt} (stflash --help) is missing from docs/cli.md")

for f in failures:
    print("FAIL:", f)
if failures:
    sys.exit(1)
print(f"ok: {len(commands)} commands, their options and the global options agree in --help, "
      "stflash(1) and docs/cli.md")
