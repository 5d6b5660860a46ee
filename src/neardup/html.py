"""Main text from HTML pages, with trafilatura (a dependency of neardup).

trafilatura scores best among open extractors on the Article Extraction Benchmark (F1
0.958 published upstream); neardup runs its plain-text cleaning on the result, so HTML
and plain text share one definition of what an article's text is.
"""

from __future__ import annotations

from typing import Any

from neardup.errors import InputError

HTML_SUFFIXES: tuple[str, ...] = (".html", ".htm")


def _trafilatura() -> Any:
    """trafilatura, imported on first use (it takes a second and most scans need none).

    Raises:
        ImportError: It, or a library it needs, cannot be imported.
    """
    import trafilatura

    return trafilatura


def html_to_text(html: str, path: str = "<html>") -> str:
    """The main text of an HTML page, one paragraph per line, blank lines between blocks.

    Args:
        html: The page's markup.
        path: The file it came from, for error messages.

    Returns:
        The extracted text; empty when the page holds no main text.

    Raises:
        InputError: trafilatura cannot be imported (the message gives Python's reason,
            such as lxml installed without its html_clean part).
    """
    try:
        trafilatura = _trafilatura()
    except ImportError as broken:
        reason = " ".join(str(broken).split())
        raise InputError(
            path, f"cannot read HTML: importing trafilatura failed: {reason}"
        ) from None
    text = trafilatura.extract(
        html,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
        favor_precision=True,
    )
    if not text:
        return ""
    # trafilatura separates blocks with single line breaks; blank lines mark paragraphs
    # for neardup's cleaning and diffing.
    return "\n\n".join(line for line in str(text).splitlines() if line.strip())
