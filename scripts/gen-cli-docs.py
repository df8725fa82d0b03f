#!/usr/bin/env python3
"""Writes the parts of stflash(1) and docs/cli.md that repeat the tool's --help texts.

The --help texts (tools/stflash/help.c) are the one source of every command's synopsis,
description and options, of the global options and of the exit status. The man page and the
user guide hold them between markers, which this script fills in from what the built tool
prints:

    man page:   .\\" generated: KIND [COMMAND...]   ...   .\\" end generated
    Markdown:   <!-- generated: KIND [COMMAND...] -->   ...   <!-- end generated -->

KIND is `synopsis` (every command's usage lines), `commands` (every command: usage,
description, options, notes), `options` (the options of `stflash COMMAND... --help`; without
COMMAND the global options) or `exit-status`. Everything outside the markers is written by
hand.

    scripts/gen-cli-docs.py STFLASH FILE...           rewrite the generated parts of FILEs
    scripts/gen-cli-docs.py --check STFLASH FILE...   exit 1 when a FILE is not up to date
"""
import difflib
import re
import subprocess
import sys

GLOBAL_HEADING = "Global options (before or after the command):"


def help_text(stflash, *args):
    out = subprocess.run([stflash, *args, "--help"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"gen-cli-docs: 'stflash {' '.join(args)} --help' exited with {out.returncode}")
    return out.stdout


def commands(stflash):
    """The commands `stflash --help` lists, in its order: ('write',), ('mem', 'read'), ..."""
    main = help_text(stflash)
    found = []
    for line in main.split("Commands:\n", 1)[1].split("\n\n", 1)[0].splitlines():
        words = line.split()
        if not words:
            continue
        if words[0] == "mem":
            found.append(("mem", words[1]))
        elif len(words) > 2 and words[1] == "|":  # "halt | resume"
            found += [(words[0],), (words[2],)]
        else:
            found.append((words[0],))
    return list(dict.fromkeys(found))


def parse(text):
    """Splits a command's help into usage lines, paragraphs before and after its options, and
    the options as (spec, description) pairs. An option line starts with two spaces and a
    dash; its description follows after two or more spaces, continued on lines indented
    further."""
    own = text.split(GLOBAL_HEADING, 1)[0].split("\nExit status:", 1)[0]
    lines = own.rstrip("\n").split("\n")
    usage = []
    while lines and (lines[0].startswith("Usage: ") or (usage and lines[0].startswith(" "))):
        line = lines.pop(0)
        if line.startswith("Usage: "):
            usage.append(line[len("Usage: "):].strip())
        elif line.strip().startswith("stflash "):
            usage.append(line.strip())
        else:  # a usage line wrapped
            usage[-1] += " " + line.strip()
    before, after, options = [], [], []
    block = []
    for line in lines + [""]:
        if line.strip():
            block.append(line)
            continue
        if not block:
            continue
        if block[0].startswith("  -"):
            for opt_line in block:
                if opt_line.startswith("  -"):
                    m = re.match(r"  (\S.*?)(?:\s{2,}(\S.*))?$", opt_line)
                    options.append([m.group(1), m.group(2) or ""])
                else:
                    options[-1][1] = (options[-1][1] + " " + opt_line.strip()).strip()
        else:
            (after if options else before).append(" ".join(part.strip() for part in block))
        block = []
    return usage, before, options, after


def global_options(stflash):
    main = help_text(stflash)
    block = main.split(GLOBAL_HEADING + "\n", 1)[1].split("\n\n", 1)[0]
    listed = "\n".join(line for line in block.split("\n") if line.startswith(" "))
    return parse(listed + "\n")[2]


def exit_codes(stflash):
    main = help_text(stflash)
    block = main.split("Exit status:\n", 1)[1].split("\n\n", 1)[0]
    return [tuple(line.strip().split(None, 1)) for line in block.splitlines() if line.strip()]


# ---- man page (roff) ----

def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def man_options(options):
    out = []
    for spec, desc in options:
        out += [".TP", ".B " + roff(spec), roff(desc)]
    return out


def man_synopsis(stflash):
    out = []
    for cmd in commands(stflash):
        for usage in parse(help_text(stflash, *cmd))[0]:
            if usage.split()[1:1 + len(cmd)] == list(cmd) and usage not in out:
                out.append(usage)
    lines = [".nh", ".ad l"]  # a long usage wraps at its spaces, left-aligned, unhyphenated
    for usage in out:
        lines += [".B " + roff(usage), ".br"]
    return lines[:-1] + [".ad", ".hy"]


def man_commands(stflash):
    lines, seen = [], set()
    for cmd in commands(stflash):
        text = help_text(stflash, *cmd)
        if text in seen:  # mem read and mem write share one text
            continue
        seen.add(text)
        usage, before, options, after = parse(text)
        names = [" ".join(u.split()[1:1 + len(cmd)]) for u in usage]
        lines += [".SS " + roff(", ".join(dict.fromkeys(names))), ".nh", ".ad l"]
        for u in usage:
            lines += [".B " + roff(u), ".br"]
        lines[-1:] = [".ad", ".hy"]
        for para in before:
            lines += [".PP", roff(para)]
        if options:
            lines += [".RS"] + man_options(options) + [".RE"]
        for para in after:
            lines += [".PP", roff(para)]
    return lines


def man_exit_status(stflash):
    lines = []
    for code, meaning in exit_codes(stflash):
        lines += [".TP", ".B " + code, roff(meaning)]
    return lines


# ---- Markdown ----

def md_cell(text):
    return text.replace("|", "\\|").replace("*", "\\*").replace("<", "&lt;")


def md_options(options):
    lines = ["| option | |", "|---|---|"]
    for spec, desc in options:
        lines.append(f"| `{md_cell(spec)}` | {md_cell(desc)} |")
    return lines


def generate(stflash, kind, args, markdown):
    if kind == "options":
        opts = parse(help_text(stflash, *args))[2] if args else global_options(stflash)
        if not opts:
            sys.exit(f"gen-cli-docs: 'stflash {' '.join(args)} --help' lists no options")
        return md_options(opts) if markdown else man_options(opts)
    if markdown:
        sys.exit(f"gen-cli-docs: '{kind}' is not generated in Markdown")
    if kind == "synopsis":
        return man_synopsis(stflash)
    if kind == "commands":
        return man_commands(stflash)
    if kind == "exit-status":
        return man_exit_status(stflash)
    sys.exit(f"gen-cli-docs: unknown kind '{kind}'")


def rewrite(stflash, path):
    markdown = path.endswith(".md")
    begin = re.compile(r"^<!-- generated: (.*?) -->$" if markdown else r'^\.\\" generated: (.*)$')
    end = "<!-- end generated -->" if markdown else '.\\" end generated'
    old = open(path, encoding="utf-8").read().split("\n")
    new, i, found = [], 0, 0
    while i < len(old):
        new.append(old[i])
        m = begin.match(old[i])
        i += 1
        if not m:
            continue
        found += 1
        words = m.group(1).split()
        new += generate(stflash, words[0], words[1:], markdown)
        while i < len(old) and old[i] != end:
            i += 1
        if i == len(old):
            sys.exit(f"gen-cli-docs: {path}: '{m.group(0)}' has no '{end}'")
        new.append(end)
        i += 1
    if not found:
        sys.exit(f"gen-cli-docs: {path} has no generated part")
    return "\n".join(old), "\n".join(new)


def main():
    args = sys.argv[1:]
    check = args[:1] == ["--check"]
    if check:
        args = args[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    stflash, paths = args[0], args[1:]
    stale = []
    for path in paths:
        old, new = rewrite(stflash, path)
        if old == new:
            continue
        if check:
            stale.append(path)
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                                       path, path + " (from --help)", n=1))
        else:
            open(path, "w", encoding="utf-8").write(new)
            print(f"gen-cli-docs: rewrote {path}")
    if stale:
        print(f"\ngen-cli-docs: not up to date with the --help texts: {' '.join(stale)}; "
              "run scripts/gen-cli-docs.py on the built stflash", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
