"""Write the coverage table of the instructor notes from book/coverage.yml.

    .venv/bin/python tools/coverage_table.py           # rewrite the block in book/instructor-notes.md
    .venv/bin/python tools/coverage_table.py --check   # exit 1 if an entry does not resolve or the block is stale

Every item of ``book/coverage.yml`` names the places that teach it (``at``) or why it is left
out (``omitted``). A place is a MyST target label (``(name)=`` above a heading) or the exact
text of a heading anywhere in lessons/, exercises/, solutions/ or book/ (never a file name:
pages are split and renamed). Labels are shown as cross-references; headings as their text.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "book" / "coverage.yml"
NOTES = ROOT / "book" / "instructor-notes.md"
FOLDERS = ("lessons", "exercises", "solutions", "book")
BEGIN = "% BEGIN GENERATED coverage (tools/coverage_table.py writes this block; do not edit it)"
END = "% END GENERATED coverage"

_FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
_LABEL = re.compile(r"^\(([^()\s]+)\)=\s*$")


def _plain(text):
    """A heading as a reader sees it: without inline markup (emphasis, code, roles)."""
    text = re.sub(r"\{[a-z:]+\}`([^`]*)`", r"\1", text)
    return re.sub(r"[*`]", "", text).strip()


def targets(root=ROOT):
    """``(labels, headings)``: every label and every heading text of the book's pages.

    Code blocks (fenced with backticks or tildes) are skipped, so comments in code cells
    are not headings; MyST directives fenced with colons are read (they hold prose).
    """
    labels, headings = {}, {}
    for folder in FOLDERS:
        for path in sorted((root / folder).glob("*.md")):
            fence = None
            for line in path.read_text(encoding="utf-8").splitlines():
                match = _FENCE.match(line)
                if match and not match.group(1).startswith(":"):
                    mark = match.group(1)[0]
                    if fence is None:
                        fence = mark
                    elif fence == mark:
                        fence = None
                    continue
                if fence is not None:
                    continue
                if (m := _LABEL.match(line)):
                    labels.setdefault(m.group(1), path.relative_to(root))
                elif (m := _HEADING.match(line)):
                    headings.setdefault(_plain(m.group(1)), path.relative_to(root))
    return labels, headings


def load(path=DATA):
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))["topics"]


def problems(topics, root=ROOT):
    """Every place that resolves to nothing, and every item without exactly one of at/omitted."""
    labels, headings = targets(root)
    out = []
    for topic in topics:
        for item in topic["items"]:
            name = item.get("item", "?")
            if ("at" in item) == ("omitted" in item):
                out.append(f"{name!r}: give either `at` (places) or `omitted` (a reason)")
            for place in item.get("at", []):
                if place not in labels and place not in headings:
                    out.append(f"{name!r}: no label or heading {place!r} in {', '.join(FOLDERS)}")
            if "omitted" in item and not str(item["omitted"]).strip():
                out.append(f"{name!r}: an omitted item needs its reason")
    return out


def counts(topics):
    items = [i for t in topics for i in t["items"]]
    return len(items), sum("at" in i for i in items)


def _place(place, labels):
    return f"{{ref}}`{place}`" if place in labels else f"*{place}*"


def table(topics, root=ROOT):
    """The Markdown of the block: a summary line and one table per topic."""
    labels, _ = targets(root)
    total, taught = counts(topics)
    lines = [f"The course teaches {taught} of the {total} topics below; the other "
             f"{total - taught} are left out on purpose, each with its reason.", ""]
    for topic in topics:
        lines += [f"**{topic['topic']}**", "", "| topic | where it is taught |", "|---|---|"]
        for item in topic["items"]:
            where = ("; ".join(_place(p, labels) for p in item["at"]) if "at" in item
                     else f"left out: {item['omitted']}")
            lines.append(f"| {item['item']} | {where} |")
        lines.append("")
    return "\n".join(lines).rstrip()


def rendered(notes_text, topics, root=ROOT):
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    if not pattern.search(notes_text):
        raise ValueError(f"book/instructor-notes.md: missing the block markers\n{BEGIN}\n{END}")
    return pattern.sub(lambda m: f"{BEGIN}\n{table(topics, root)}\n{END}", notes_text)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    topics = load()
    found = problems(topics)
    if found:
        print("coverage.yml:\n  " + "\n  ".join(found))
        return 1
    text = NOTES.read_text(encoding="utf-8")
    new = rendered(text, topics)
    if "--check" in argv:
        if new != text:
            print("book/instructor-notes.md: the coverage table is stale; run tools/coverage_table.py")
            return 1
        return 0
    if new != text:
        NOTES.write_text(new, encoding="utf-8")
    total, taught = counts(topics)
    print(f"coverage: {taught} of {total} topics taught")
    return 0


if __name__ == "__main__":
    sys.exit(main())
