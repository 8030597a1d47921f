"""One way to show a table of results: as aligned text and as HTML (for Jupyter)."""

import html


def text_table(head, rows):
    """Columns aligned with two spaces between them; ``head`` and ``rows`` hold strings."""
    table = [tuple(head), *(tuple(map(str, row)) for row in rows)]
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in table)


def html_table(head, rows):
    """A plain HTML ``<table>`` with escaped cells."""
    cells = lambda row, tag: "".join(f"<{tag}>{html.escape(str(c))}</{tag}>" for c in row)  # noqa: E731
    body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in rows)
    return f"<table><thead><tr>{cells(head, 'th')}</tr></thead><tbody>{body}</tbody></table>"
