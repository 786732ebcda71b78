#!/usr/bin/env python3
"""Turns one reference page of docs/ into a man page with pandoc, so the page cannot drift from
the markdown: docs/config.md becomes frenemy.yaml(5), docs/rules.md becomes frenemy-rules(5).

    md2man.py PAGE.md NAME SECTION "one-line description" VERSION DATE > NAME.SECTION

The markdown's title and its table of contents are dropped, the text before the first `##`
becomes DESCRIPTION, each `##` a section and each `###` a subsection; links to the other pages
of docs/ become references to their man pages.
"""

from __future__ import annotations

import re
import subprocess
import sys

# docs/ page -> the man page it becomes (links between them are rewritten to these).
PAGES = {"config.md": "frenemy.yaml(5)", "rules.md": "frenemy-rules(5)"}
SEE_ALSO = ["frenemyd(8)", "frenemyctl(1)", "frenemy.yaml(5)", "frenemy-rules(5)", "journalctl(1)", "systemd.exec(5)"]


def cells(row: str) -> list[str]:
    parts = re.split(r"(?<!\\)\|", row.strip().strip("|"))
    return [p.strip().replace("\\|", "|") for p in parts]


def tables_to_lists(lines: list[str]) -> list[str]:
    """A markdown table becomes a bullet list, one item per row: `first cell (column: cell; ...):
    last cell`. Tables with long cells do not fit a terminal's width; lists reflow."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if (lines[i].lstrip().startswith("|") and i + 1 < len(lines)
                and re.match(r"\s*\|[\s:|-]+\|\s*$", lines[i + 1])):
            header = cells(lines[i])
            i += 2
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                row = cells(lines[i])
                row += [""] * (len(header) - len(row))
                term, rest = row[0], row[1:]
                if len(rest) <= 1:
                    out.append(f"- {term}: {rest[0] if rest else ''}".rstrip(": "))
                else:
                    middle = "; ".join(f"{h}: {c}" for h, c in zip(header[1:-1], rest[:-1]) if c)
                    out.append(f"- {term}" + (f" ({middle})" if middle else "") + f": {rest[-1]}")
                i += 1
            continue
        out.append(lines[i])
        i += 1
    return out


def convert(text: str, name: str, section: str, description: str) -> str:
    lines = tables_to_lists(text.splitlines())
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    out: list[str] = []
    in_code = False
    seen_section = False
    for line in lines:
        if line.startswith("```"):
            in_code = not in_code
        if not in_code:
            if not seen_section and re.match(r"\s*- \[.*\]\(#.*\)\s*$", line):
                continue  # the table of contents: man has its own navigation
            if line.startswith("## "):
                seen_section = True
                line = "# " + line[3:]
            elif line.startswith("### "):
                line = "## " + line[4:]
            elif line.startswith("#### "):
                line = "### " + line[5:]
            for page, man in PAGES.items():
                line = re.sub(rf"\[([^\]]*)\]\({re.escape(page)}(#[^)]*)?\)", rf"\1 ({man})", line)
            line = re.sub(r"\[([^\]]*)\]\(#[^)]*\)", r"\1", line)  # in-page anchors: just the text
        out.append(line)
    body = "\n".join(out).strip("\n")
    see_also = ", ".join(f"**{m.split('(')[0]}**({m.split('(')[1]}" for m in SEE_ALSO if m != f"{name}({section})")
    return (
        f"# NAME\n\n{name} - {description}\n\n# DESCRIPTION\n\n{body}\n\n# SEE ALSO\n\n{see_also}\n\n"
        "The same text, as markdown: /usr/share/doc/frenemy/.\n"
    )


def main() -> int:
    if len(sys.argv) != 7:
        print(__doc__, file=sys.stderr)
        return 2
    page, name, section, description, version, date = sys.argv[1:]
    with open(page, encoding="utf-8") as f:
        markdown = convert(f.read(), name, section, description)
    run = subprocess.run(
        ["pandoc", "--standalone", "--from", "gfm", "--to", "man",
         "--metadata", f"title={name.upper()}", "--metadata", f"section={section}",
         "--metadata", f"date={date}", "--metadata", f"footer=frenemy {version}",
         "--metadata", "header=frenemy manual"],
        input=markdown, capture_output=True, text=True, check=False, timeout=120)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        return 1
    # Ragged right and no hyphenation: long option names and paths then never stretch a line.
    sys.stdout.write(re.sub(r"^(\.TH .*)$", r"\1\n.ad l\n.nh", run.stdout, count=1, flags=re.MULTILINE))
    return 0


if __name__ == "__main__":
    sys.exit(main())
