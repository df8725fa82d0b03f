#!/usr/bin/python3
"""Writes the benchmark results (JSON lines from bench/flash_cases.sh and bench/family_cases.sh)
into docs/benchmarks.md, between its markers, and plots them into docs/benchmarks.png.

    bench/report.py RESULTS [--doc FILE] [--png FILE]

The document keeps everything outside the markers: <!-- bench:NAME begin --> ... <!-- bench:NAME
end -->, NAME one of run (when, at which commit, how loaded the host was: the lines of suite
"run"), targets (the speed targets against stflash's figures), f1 (the F103/F100 cases) and
families (the other families, grouped by chip). The plot needs python3-matplotlib; without it the
tables are still written and the plot is left as it was.
"""
import argparse
import json
import os
import re
import sys

# The speed targets: (case suffix, the figure, its limit, at most (<=) or under (<), text, format).
TARGETS = [
    ("64k", "x_floor", 1.03, "<=", "64 KiB written and verified on a blank chip", "{:.2f}x"),
    ("64k-over", "x_floor", 1.04, "<=", "the same over other firmware", "{:.2f}x"),
    ("64k-page", "virtual_s", 0.10, "<=", "one 1 KiB page changed in the 64 KiB image", "{:.3f} s"),
    ("64k-again", "virtual_s", 0.05, "<=", "the same image again", "{:.3f} s"),
    ("read-64k", "x_floor", 1.10, "<=", "64 KiB read, against the SWD limit at 1800 kHz",
     "{:.2f}x"),
    ("64k", "cpu_s", 0.020, "<", "host CPU of the 64 KiB write (user + system)", "{:.3f} s"),
    ("64k", "rss_mib", 8.0, "<", "peak RSS of the 64 KiB write", "{:.1f} MiB"),
]
CHIPS = ["f103", "f407", "l476", "g071"]
COLUMNS = ("| case | tool | virtual s | floor s | x floor | probe commands | USB bytes | host gaps s "
           "| bytes programmed / units erased / mass erases | host CPU s | peak RSS MiB |")


def load(path):
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if line:
                try:
                    rows.append(json.loads(line))
                except ValueError as e:
                    sys.exit(f"report: {path}:{n}: not JSON: {e}")
    return rows


def is_stflash(r):
    return r["tool"].startswith("stflash")


def table(rows):
    out = [COLUMNS, "|" + "---|" * COLUMNS.count(" | ") + "---|"]
    for r in rows:
        if r["status"] != "ok":
            out.append(f"| {r['case']} | {r['tool']} | {r['status']}: {r.get('message', '')} "
                       "|||||||||")
            continue
        b = "**" if is_stflash(r) else ""
        out.append(
            f"| {r['case']} | {b}{r['tool']}{b} | {b}{r['virtual_s']:.3f}{b} | {r['floor_s']:.3f} "
            f"| {b}{r['x_floor']:.2f}x{b} | {r['commands']} | {r['usb_bytes']} "
            f"| {r['host_gap_s']:.3f} | {r['bytes_programmed']} / {r['units_erased']} / "
            f"{r['mass_erases']} | {r['cpu_s']:.3f} | {r['rss_mib']:.1f} |")
    return "\n".join(out)


def targets_table(rows):
    mine = {r["case"]: r for r in rows if is_stflash(r)}
    out = ["| chip | target | limit | stflash | met |", "|---|---|---|---|---|"]
    for chip in CHIPS:
        for suffix, key, limit, how, text, fmt in TARGETS:
            r = mine.get(f"{chip}-{suffix}")
            if r is None:
                continue
            shown = ("at most " if how == "<=" else "under ") + fmt.format(limit)
            if r["status"] != "ok":
                out.append(f"| {chip} | {text} | {shown} | {r['status']} | **no** |")
                continue
            value = r[key]
            met = value <= limit if how == "<=" else value < limit
            out.append(f"| {chip} | {text} | {shown} | {fmt.format(value)} "
                       f"| {'yes' if met else '**no**'} |")
    return "\n".join(out)


def run_text(meta):
    if not meta:
        return "(no record of the run)"
    return (f"Run of {meta.get('date', '?')} at commit {meta.get('commit', '?')}, on a host of "
            f"{meta.get('cores', '?')} cores with a load average (1 minute) of "
            f"{meta.get('load_start', '?')} at the start and {meta.get('load_end', '?')} at the "
            f"end; {meta.get('minutes', '?')} minutes.")


def by_chip(rows):
    """The rows of each chip together (f407-64k, f407-64k-page, ...), in the order chips first
    appear, each chip's rows in their order."""
    chips = []
    for r in rows:
        chip = r["case"].split("-")[0]
        if chip not in chips:
            chips.append(chip)
    return sorted(rows, key=lambda r: chips.index(r["case"].split("-")[0]))


def replace_between(doc, name, body):
    pattern = re.compile(r"(<!-- bench:%s begin -->\n).*?(<!-- bench:%s end -->)" % (name, name),
                         re.S)
    if not pattern.search(doc):
        sys.exit(f"report: the document has no <!-- bench:{name} begin/end --> markers")
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), doc)


def tool_name(r):
    """The tool and its version without target or transport: "pyOCD 0.13", "stflash"."""
    words = r["tool"].split(" (")[0].split()
    return " ".join(words[:2]) if len(words) > 1 and words[1][:1].isdigit() else words[0]


def plot(rows, path):
    try:
        import matplotlib
    except ImportError:
        print("report: python3-matplotlib is not installed: the plot is left as it was "
              "(scripts/install-deps.sh --bench)", file=sys.stderr)
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    suites = [s for s in ("f1", "families") if any(r["suite"] == s for r in rows)]
    tools = []  # one bar and colour per tool, whichever target or transport it used
    for r in rows:
        if tool_name(r) not in tools:
            tools.append(tool_name(r))
    colours = dict(zip(tools, plt.get_cmap("tab10").colors))
    heights = [max(2, len({r["case"] for r in rows if r["suite"] == s})) for s in suites]
    fig, axes = plt.subplots(len(suites), 1, figsize=(12, 1.2 + 0.55 * sum(heights)),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, suite in zip(axes[:, 0], suites):
        mine = [r for r in rows if r["suite"] == suite]
        cases = []
        for r in mine:
            if r["case"] not in cases:
                cases.append(r["case"])
        step = 0.8 / max(1, len(tools))
        missing = []  # (y, status) of the jobs a tool failed or has no command for
        for i, case in enumerate(cases):
            floor = None
            for j, tool in enumerate(tools):
                r = next((x for x in mine if x["case"] == case and tool_name(x) == tool), None)
                y = i - 0.4 + step * (j + 0.5)
                if r is not None and r["status"] != "ok":
                    missing.append((y, r["status"], colours[tool]))
                if r is None or r["status"] != "ok":
                    continue
                known = ax.get_legend_handles_labels()[1]
                ax.barh(y, r["virtual_s"], height=step * 0.9, color=colours[tool],
                        label=None if tool in known else tool)
                floor = r["floor_s"]
            if floor:
                ax.plot([floor, floor], [i - 0.45, i + 0.45], color="black", linewidth=2,
                        label="floor" if "floor" not in ax.get_legend_handles_labels()[1] else None)
        ax.set_yticks(range(len(cases)))
        ax.set_yticklabels(cases)
        ax.set_ylim(len(cases) - 0.5, -0.5)  # the first case on top, no empty margin
        ax.set_xscale("log")
        left = ax.get_xlim()[0]
        for y, status, colour in missing:
            ax.text(left * 1.05, y, status, va="center", fontsize="x-small", color=colour)
        ax.set_xlabel("virtual seconds (log scale)")
        ax.set_title("F103 and F100" if suite == "f1" else "F407, L476, G071, H743, U575")
        ax.grid(axis="x", which="both", alpha=0.3)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    fig.suptitle("Time per tool and job on the virtual board (the black mark: the job's floor)")
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    fig.savefig(path, dpi=80)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--doc", default=os.path.normpath(os.path.join(here, "..", "docs",
                                                                    "benchmarks.md")))
    ap.add_argument("--png", default=os.path.normpath(os.path.join(here, "..", "docs",
                                                                    "benchmarks.png")))
    args = ap.parse_args()
    rows = load(args.results)
    meta = {}
    for r in rows:
        if r["suite"] == "run":
            meta.update(r)
    rows = by_chip([r for r in rows if r["suite"] != "run"])
    if not rows:
        sys.exit(f"report: {args.results} holds no results")
    with open(args.doc) as f:
        doc = f.read()
    doc = replace_between(doc, "run", run_text(meta))
    doc = replace_between(doc, "targets", targets_table(rows))
    for suite in ("f1", "families"):
        doc = replace_between(doc, suite, table([r for r in rows if r["suite"] == suite]))
    with open(args.doc, "w") as f:
        f.write(doc)
    plotted = plot(rows, args.png)
    print(f"report: {len(rows)} results into {args.doc}" + (f" and {args.png}" if plotted else ""))


if __name__ == "__main__":
    main()
