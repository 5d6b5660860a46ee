"""The ``neardup`` command line: a thin layer over the library.

Results go to stdout; errors and logs to stderr. Library exceptions become messages here,
in one place. Exit codes: 0 success, 2 trouble (bad options, unreadable input).
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from neardup import actions
from neardup._version import __version__
from neardup.config import KEEP_POLICIES, Config
from neardup.diff import diff
from neardup.documents import (
    DEFAULT_INCLUDE,
    STDIN,
    Document,
    ReadResult,
    read_documents,
    read_files,
    selected_files,
)
from neardup.errors import ConfigError, InputError, NeardupError
from neardup.html_report import scan_to_html
from neardup.index import (
    DEFAULT_LOCATION,
    Corpus,
    CorpusIndex,
    Finding,
    Refresh,
    folder_corpus,
    git_corpus,
)
from neardup.pipeline import (
    DedupResult,
    allow_fresh_workers,
    find_duplicates,
    strip_documents,
)
from neardup.report import (
    clusters_to_dicts,
    diff_to_dict,
    diff_to_text,
    dumps,
    explain_lines,
    scan_to_pieces,
    scan_to_text,
    shown,
)
from neardup.segment import Article, split_articles
from neardup.settings import READING_KEYS, find_settings

EXIT_OK = 0
EXIT_TROUBLE = 2

F = TypeVar("F", bound=Callable[..., Any])


def _format_option(*choices: str, help_text: str = "Report format.") -> Callable[[F], F]:
    """The ``--format`` option of a reporting command, text by default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(list(choices)),
        default="text",
        show_default=True,
        help=help_text,
    )


def _sketch_options(function: F) -> F:
    """Options shared by every command that finds duplicates."""
    defaults = Config()
    options = [
        click.option(
            "--threshold",
            type=float,
            help=f"Jaccard similarity that makes copies. [default: {defaults.threshold}]",
        ),
        click.option(
            "--containment",
            type=float,
            help="Share of the smaller article inside the larger that makes copies. "
            f"[default: {defaults.containment}]",
        ),
        click.option("--no-containment", is_flag=True, help="Turn containment matching off."),
        click.option(
            "--alignment",
            type=float,
            help="Share of the smaller article's words aligned with the other's that makes "
            f"copies (word-alignment matching). [default: {defaults.alignment}]",
        ),
        click.option("--no-alignment", is_flag=True, help="Turn word-alignment matching off."),
        click.option(
            "--num-perm", type=int, help=f"MinHash permutations. [default: {defaults.num_perm}]"
        ),
        click.option(
            "--shingle",
            "shingle_size",
            type=int,
            help=f"Words per shingle. [default: {defaults.shingle_size}]",
        ),
        click.option(
            "--min-shingles",
            type=int,
            help=f"Skip articles with fewer shingles. [default: {defaults.min_shingles}]",
        ),
        click.option("--bands", type=int, help="LSH bands (with --rows) [default: derived]."),
        click.option("--rows", type=int, help="LSH rows per band (with --bands)."),
        click.option(
            "--keep",
            type=click.Choice(KEEP_POLICIES),
            help=f"Which copy to keep. [default: {defaults.keep}]",
        ),
        click.option("--no-split", is_flag=True, help="Do not split multi-article pages."),
        click.option("--seed", type=int, help=f"Hash seed. [default: {defaults.seed}]"),
        click.option(
            "--max-size-ratio",
            type=float,
            help="Largest size ratio at which containment candidates are sought. "
            f"[default: {defaults.max_size_ratio}]",
        ),
        click.option(
            "--max-bucket",
            type=int,
            help=f"LSH bucket size past which pairs are capped. [default: {defaults.max_bucket}]",
        ),
        click.option(
            "--min-repeats",
            type=int,
            help="Lines in this many documents around different text are boilerplate (0: off). "
            f"[default: {defaults.min_repeats}]",
        ),
        click.option(
            "--include",
            multiple=True,
            metavar="GLOB",
            help=f"Files to read in folders (repeatable). [default: {' '.join(DEFAULT_INCLUDE)}]",
        ),
        click.option(
            "--exclude",
            multiple=True,
            metavar="GLOB",
            help="Files or folders to skip (repeatable).",
        ),
        _max_document_bytes_option(),
        click.option(
            "--keep-going", is_flag=True, help="Exit 0 even when some inputs could not be read."
        ),
        click.option("-q", "--quiet", is_flag=True, help="No progress display on stderr."),
        click.option("-v", "--verbose", is_flag=True, help="Log what each stage does on stderr."),
        click.option(
            "--stream",
            is_flag=True,
            help="Read each file's text again whenever it is needed instead of holding every "
            "text in memory, for corpora larger than memory (slower; the same output).",
        ),
        click.option(
            "--jobs",
            type=click.IntRange(min=1),
            default=os.cpu_count() or 1,
            show_default="all cores",
            help="Processes to read and sketch in (the output is the same for any number).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _max_document_bytes_option() -> Callable[[F], F]:
    """The ``--max-document-bytes`` option of a command that reads documents."""
    return click.option(
        "--max-document-bytes",
        type=int,
        metavar="BYTES",
        help="Larger files and JSONL records are errors, never read whole. "
        f"[default: {Config().max_document_bytes:,}]",
    )


def _find(
    paths: tuple[str, ...],
    options: dict[str, Any],
    progress: _ProgressLine | None = None,
    skip: Sequence[Path] = (),
    index: Path | None = None,
    spark_master: str | None = None,
    digests: bool = False,
) -> tuple[DedupResult, ReadResult]:
    """Read PATHS and find duplicates with the options' settings; errors go to stderr.

    The progress line, if any, is left showing the last stage (see :class:`_ProgressLine`).
    Folders in ``skip`` (by identity) are not read. With ``index``, the sketches come from
    that persistent index of the one folder in PATHS, refreshed first. With
    ``spark_master``, the duplicates are found on Spark (``neardup.spark``) at that master.
    The documents have digests with ``digests`` (what acting on their files checks).
    """
    try:
        config = config_from_options(options)
    except ConfigError as bad_setting:
        raise click.UsageError(str(bad_setting)) from bad_setting
    merged = effective_settings(options)
    include, exclude = merged["include"][0], merged["exclude"][0]
    read = read_documents(
        paths,
        include=include,
        exclude=exclude,
        jobs=options["jobs"],
        stream=options["stream"],
        skip=skip,
        max_document_bytes=config.max_document_bytes,
        progress=progress,
        digests=digests,
    )
    if progress is not None:
        progress.clear()
    _report_errors(read.errors)
    if options["verbose"]:
        logging.basicConfig(level=logging.INFO, format="neardup: %(message)s", stream=sys.stderr)
    with _exit_on_trouble(progress):
        if index is not None:
            if len(paths) != 1 or not Path(paths[0]).is_dir():
                raise click.UsageError("--index needs exactly one folder to scan")
            corpus = folder_corpus(paths[0], include=include, exclude=exclude)
            # The scan's own reading reported the files that cannot be read.
            with _refreshed(index, corpus, config, options, show_errors=False) as (stored, _):
                result = stored.duplicates(read.documents)
        elif spark_master is not None:
            result = _find_on_spark(read.documents, config, spark_master)
        else:
            result = find_duplicates(
                read.documents, config, jobs=options["jobs"], progress=progress
            )
    return result, read


def _find_on_spark(documents: Sequence[Document], config: Config, master: str) -> DedupResult:
    """The duplicates among documents, found on a Spark session at ``master``."""
    try:
        from pyspark.sql import SparkSession

        from neardup.spark import find_duplicates_on_spark
    except ImportError as missing:
        raise click.UsageError(
            f"--engine spark needs the spark extra: pip install 'neardup[spark]' ({missing})"
        ) from missing
    # Executors run this Python, which has neardup.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(master)
        .appName("neardup")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        return find_duplicates_on_spark(documents, config, spark=spark)
    finally:
        spark.stop()


@contextlib.contextmanager
def _exit_on_trouble(progress: _ProgressLine | None = None) -> Iterator[None]:
    """Exit with :data:`EXIT_TROUBLE`, printing the :class:`NeardupError` met inside.

    Such as a bad setting, or a file that changed during a streamed scan. The progress
    line, if any, is erased first.
    """
    try:
        yield
    except NeardupError as problem:
        if progress is not None:
            progress.clear()
        _error(problem)
        sys.exit(EXIT_TROUBLE)


def _error(problem: Exception | str) -> None:
    """``neardup: error: ...`` on stderr, with any name in it shown safely."""
    click.echo(f"neardup: error: {shown(str(problem))}", err=True)


def _report_errors(errors: Sequence[InputError]) -> None:
    for input_error in errors:
        _error(input_error)


class _ProgressLine:
    """One line on stderr, ``neardup: STAGE DONE/TOTAL``, redrawn in place.

    A stage's first and last counts are always drawn; counts between them at most
    :attr:`INTERVAL` seconds apart, so a stage of many small steps costs little.
    """

    INTERVAL = 0.1

    def __init__(self) -> None:
        self._stage = ""
        self._drawn_at = 0.0

    @classmethod
    def for_options(cls, options: dict[str, Any]) -> _ProgressLine | None:
        """A progress line, or ``None`` with ``--quiet`` or when stderr is no terminal."""
        return None if options["quiet"] or not sys.stderr.isatty() else cls()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self._stage and done < total and now - self._drawn_at < self.INTERVAL:
            return
        self._stage, self._drawn_at = stage, now
        click.echo(f"\rneardup: {stage} {done:,}/{total:,}\x1b[K", err=True, nl=False)

    def clear(self) -> None:
        """Erase the line (before other messages, and at the end)."""
        click.echo("\r\x1b[K", err=True, nl=False)
        self._stage = ""


def flag_settings(options: dict[str, Any]) -> dict[str, Any]:
    """The settings given as command-line flags (unset flags are left out)."""
    settings: dict[str, Any] = {
        name: options[name]
        for name in (
            "threshold", "containment", "alignment", "num_perm", "shingle_size", "min_shingles",
            "bands", "rows", "keep", "seed", "max_size_ratio", "max_bucket", "min_repeats",
            "max_document_bytes",
        )
        if options.get(name) is not None
    }  # fmt: skip
    if options.get("no_containment"):
        settings["containment"] = None
    if options.get("no_alignment"):
        settings["alignment"] = None
    if options.get("no_split"):
        settings["split"] = False
    for name in READING_KEYS:
        if options.get(name):
            settings[name] = list(options[name])
    return settings


def effective_settings(options: dict[str, Any]) -> dict[str, tuple[Any, str]]:
    """Every setting's value and where it came from: flags over the file over defaults."""
    found = find_settings()
    merged: dict[str, tuple[Any, str]] = {
        **{name: (value, "default") for name, value in Config().to_dict().items()},
        "include": (list(DEFAULT_INCLUDE), "default"),
        "exclude": ([], "default"),
    }
    for name, value in found.values.items():
        merged[name] = (value, found.source or "")
    for name, value in flag_settings(options).items():
        merged[name] = (value, "command line")
    return merged


def config_from_options(options: dict[str, Any]) -> Config:
    """The config the flags, the settings file and the defaults give together."""
    merged = effective_settings(options)
    values = {name: value for name, (value, _) in merged.items() if name not in READING_KEYS}
    return Config.from_mapping(values, source="settings")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="neardup")
def cli() -> None:
    """Find near-duplicate articles in scraped text and show what differs."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@_format_option(
    "text",
    "json",
    "jsonl",
    "html",
    help_text="Report format: text for people, json, jsonl (one cluster a line), html (one page).",
)
@click.option(
    "--diffs", is_flag=True, help="Add each copy's differing segments against the kept copy."
)
@click.option(
    "--index",
    "index_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PATH",
    help="Use and refresh this persistent index of the folder scanned (same clusters).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="Where to find the duplicates: here, or on Spark (needs neardup[spark]).",
)
@click.option(
    "--master",
    default="local[2]",
    show_default=True,
    metavar="URL",
    help="The Spark master for --engine spark.",
)
@_sketch_options
def scan(
    paths: tuple[str, ...],
    output_format: str,
    diffs: bool,
    index_path: Path | None,
    engine: str,
    master: str,
    **options: Any,
) -> None:
    """Report clusters of near-duplicate articles in PATHS.

    PATHS are files, folders (read recursively) or JSONL files of {"id", "text"}
    records; "-" reads JSONL from standard input.
    """
    progress = _ProgressLine.for_options(options)
    if engine == "spark" and index_path is not None:
        raise click.UsageError("--engine spark cannot use --index")
    spark_master = master if engine == "spark" else None
    result, read = _find(paths, options, progress, index=index_path, spark_master=spark_master)
    # A JSON report is written out a piece at a time, each cluster's object made as it is
    # written: neither the objects nor the text are ever held whole. Its progress is then
    # shown only where the report does not go to the terminal too. With diffs, reports
    # read the copies' texts (again, in a streamed scan), which may fail: all is made
    # before anything is written.
    output: Iterable[str]
    streamed = output_format in ("json", "jsonl") and not diffs
    drawing = streamed and not sys.stdout.isatty()  # the progress line, while writing
    shown_progress = None if streamed and not drawing else progress
    with _exit_on_trouble(progress):
        if output_format in ("json", "jsonl"):
            if output_format == "json":
                output = scan_to_pieces(result, read.errors, diffs=diffs, progress=shown_progress)
                output = itertools.chain(output, ["\n"])
            else:
                clusters = clusters_to_dicts(result, diffs, shown_progress)
                output = (dumps(cluster, indent=None) + "\n" for cluster in clusters)
            if not streamed:
                output = list(output)
        elif output_format == "html":
            output = [scan_to_html(result, read.errors, progress=progress)]
        else:
            output = [scan_to_text(result, read.errors, diffs=diffs, progress=progress)]
        if progress is not None and not drawing:
            progress.clear()
        for piece in output:
            click.echo(piece, nl=False)
    if progress is not None:
        progress.clear()
    if read.errors and not options["keep_going"]:
        sys.exit(EXIT_TROUBLE)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@_format_option(
    "text",
    "jsonl",
    help_text="text: the cleaned text; jsonl: one object per document with the dropped spans.",
)
@click.option("--explain", is_flag=True, help="Show every line, dropped ones marked with why.")
@click.option("--no-split", is_flag=True, help="Do not split multi-article pages.")
@click.option(
    "--min-repeats",
    type=int,
    default=Config().min_repeats,
    show_default=True,
    help="Lines in this many documents around different text are boilerplate (0: off).",
)
@click.option("--include", multiple=True, metavar="GLOB", help="Files to read in folders.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Files or folders to skip.")
@_max_document_bytes_option()
@click.option("--keep-going", is_flag=True, help="Exit 0 even when some inputs could not be read.")
def strip(
    paths: tuple[str, ...],
    output_format: str,
    explain: bool,
    no_split: bool,
    min_repeats: int,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    max_document_bytes: int | None,
    keep_going: bool,
) -> None:
    """Print the text of PATHS with page boilerplate removed.

    Lines repeated across the given documents are learnt as boilerplate too, so strip a
    whole folder at once for the best result.
    """
    try:
        # The size limit comes from the flag or the settings file, as for scan.
        limit = effective_settings({"max_document_bytes": max_document_bytes})
        config = Config(
            split=not no_split,
            min_repeats=min_repeats,
            max_document_bytes=limit["max_document_bytes"][0],
        )
    except ConfigError as bad_setting:
        raise click.UsageError(str(bad_setting)) from bad_setting
    read = read_documents(
        paths,
        include=include or DEFAULT_INCLUDE,
        exclude=exclude,
        max_document_bytes=config.max_document_bytes,
    )
    _report_errors(read.errors)
    stripped = strip_documents(read.documents, config)
    several = len(stripped) > 1
    for document, text, dropped in stripped:
        if output_format == "jsonl":
            record = {
                "id": document.id,
                "path": document.path,
                "text": text,
                "dropped": [{"span": list(item.span), "reason": item.reason} for item in dropped],
            }
            click.echo(dumps(record, indent=None))
            continue
        if several:
            click.echo(f"==> {shown(document.id)} <==")
        click.echo(explain_lines(document.text, dropped) if explain else text)
    if read.errors and not keep_going:
        sys.exit(EXIT_TROUBLE)


EXIT_DIFFERENT = 1


@cli.command(name="config")
@_format_option("text", "json")
@_sketch_options
def config_command(output_format: str, **options: Any) -> None:
    """Print the effective settings and where each came from.

    Settings come from flags, then neardup.toml or pyproject.toml [tool.neardup] (the
    first found from the working directory upward), then the defaults.
    """
    try:
        merged = effective_settings(options)
        config_from_options(options)
    except ConfigError as bad_setting:
        raise click.UsageError(str(bad_setting)) from bad_setting
    if output_format == "json":
        click.echo(
            dumps(
                {
                    name: {"value": value, "source": source}
                    for name, (value, source) in merged.items()
                }
            )
        )
        return
    width = max(len(name) for name in merged)
    for name, (value, source) in merged.items():
        click.echo(f"{name:<{width}} = {json.dumps(value)}  ({shown(source)})")


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Copy the kept files and every unique file into this folder; change nothing else.",
)
@click.option(
    "--move-to",
    type=click.Path(file_okay=False, path_type=Path),
    help="Move redundant files into this folder, keeping their relative paths.",
)
@click.option("--delete", is_flag=True, help="Delete redundant files (needs --yes).")
@click.option("--yes", is_flag=True, help="Confirm --delete.")
@_format_option(
    "text",
    "jsonl",
    help_text="text for people; jsonl: one object per redundant file (action, file, status, "
    "the kept copy of each article and the scores).",
)
@_sketch_options
def dedup(
    paths: tuple[str, ...],
    out: Path | None,
    move_to: Path | None,
    delete: bool,
    yes: bool,
    output_format: str,
    **options: Any,
) -> None:
    """Set aside near-duplicate files in PATHS; with no action, say what would be done.

    A file goes only when every article in it lies inside an article of a file that
    stays: at least the containment threshold of the article's shingles are in that
    other article (the threshold itself when containment is off). Files are decided in
    keep order, each going only when its copies are in files already staying: the last
    copy never goes, an excerpt is never kept in place of the text that holds it, and a
    second run finds nothing to do. Records of JSONL files and
    standard input are never acted on. Just before acting, the file and the files
    holding its copies are checked against the scan (identity, size, time, SHA-256);
    anything changed leaves the file alone. A run holds a lock on the folders it acts
    on, and can be stopped at any point and run again.
    """
    chosen = [name for name, value in (("--out", out), ("--move-to", move_to)) if value]
    if delete:
        chosen.append("--delete")
    if len(chosen) > 1:
        raise click.UsageError(f"choose one action (got {', '.join(chosen)})")
    if delete and not yes:
        raise click.UsageError("--delete removes files: add --yes to confirm")
    target = out or move_to
    if target is not None:
        _check_target(target, paths, "--out" if out is not None else "--move-to")
    acting = target is not None or delete
    folders = _folders_of(paths) + ([target] if target is not None else [])
    with _exit_on_trouble(), actions.locked(folders if acting else []):
        journal = _journal(paths, options, move_to, delete)
        decided = journal.load() if journal is not None else None
        errors: list[InputError] = []
        if decided is None:
            progress = _ProgressLine.for_options(options)
            skipped = [target] if target is not None else []
            result, read = _find(paths, options, progress, skip=skipped, digests=True)
            if progress is not None:
                progress.clear()
            decided, errors = actions.plan(result), read.errors
            if journal is not None:
                journal.save(decided)
        else:
            click.echo(
                "neardup: finishing the interrupted run of this command "
                f"({len(decided.redundant):,} files planned)",
                err=True,
            )
        for name in decided.untouchable:
            click.echo(f"neardup: cannot act on {shown(name)}: it has no file of its own", err=True)
        if out is not None:
            outcomes = list(_report(actions.copy_kept(decided, out), decided, output_format))
        elif move_to is not None:
            moves = actions.move_redundant(decided, move_to)
            outcomes = list(_report(moves, decided, output_format))
        elif delete:
            outcomes = list(_report(actions.delete_redundant(decided), decided, output_format))
        else:
            _dry_run(decided, output_format)
            outcomes = []
        if journal is not None:
            journal.remove()
    failed = any(outcome.status == "failed" for outcome in outcomes)
    if failed or (errors and not options["keep_going"]):
        sys.exit(EXIT_TROUBLE)


def _journal(
    paths: tuple[str, ...], options: dict[str, Any], move_to: Path | None, delete: bool
) -> actions.Journal | None:
    """The journal of a run that moves or deletes files (``None`` for other runs)."""
    if move_to is None and not delete:
        return None
    merged = effective_settings(options)
    return actions.Journal(
        {
            # The plan names files by the paths given: relative ones, from the working folder.
            "cwd": (
                os.getcwd()
                if any(given != STDIN and not os.path.isabs(given) for given in paths)
                else None
            ),
            "paths": [given if given == STDIN else os.path.realpath(given) for given in paths],
            "action": "delete" if delete else "move",
            "target": None if move_to is None else os.path.realpath(move_to),
            "settings": {name: value for name, (value, _) in merged.items()},
            "version": __version__,
        }
    )


def _check_target(target: Path, paths: tuple[str, ...], flag: str) -> None:
    """Refuse a target folder that is a scanned folder or holds one (or a scanned file)."""
    resolved = target.resolve()
    for given in paths:
        if given == STDIN:
            continue
        scanned = Path(given).resolve()
        if scanned == resolved or resolved in scanned.parents:
            what = "is" if scanned == resolved else "holds"
            raise click.UsageError(
                f"{flag} {target} {what} the scanned {given}: choose a folder outside it "
                "(a folder inside a scanned folder is fine: it is not scanned)"
            )


def _folders_of(paths: tuple[str, ...]) -> list[str]:
    """The folders a run acts in: each folder given, and the folder of each file given."""
    return [
        given if os.path.isdir(given) else os.path.dirname(os.path.abspath(given))
        for given in paths
        if given != STDIN
    ]


def _copies_text(item: actions.Redundant) -> str:
    """Why a file is redundant, in words: where each of its articles has a copy."""
    if len(item.copies) == 1:
        copy = item.copies[0]
        return (
            f"near-duplicate of {shown(copy.kept)}, jaccard {copy.jaccard:.2f}, "
            f"containment {copy.containment:.2f}"
        )
    parts = "; ".join(
        f"{shown(copy.article)} in {shown(copy.kept)} (jaccard {copy.jaccard:.2f}, "
        f"containment {copy.containment:.2f})"
        for copy in item.copies
    )
    return f"each article has a copy that stays: {parts}"


def _plan_record(
    item: actions.Redundant, action: str, status: str, target: str | None, detail: str = ""
) -> dict[str, Any]:
    """One line of a ``--format jsonl`` plan or report."""
    return {
        "action": action,
        "status": status,
        "id": item.document,
        "file": item.file,
        "target": target,
        "detail": detail,
        "copies": [
            {
                "article": copy.article,
                "kept": copy.kept,
                "kept_path": copy.kept_path,
                "jaccard": round(copy.jaccard, 4),
                "containment": round(copy.containment, 4),
            }
            for copy in item.copies
        ],
    }


def _dry_run(decided: actions.Plan, output_format: str) -> None:
    """Say what a dedup would do, changing nothing."""
    for item in decided.redundant:
        target = str(Path("dupes") / item.relative)
        if output_format == "jsonl":
            click.echo(dumps(_plan_record(item, "move", "planned", target), indent=None))
        else:
            click.echo(
                f"would move {shown(item.document)} -> {shown(target)} ({_copies_text(item)})"
            )
    if output_format == "text":
        click.echo(
            f"{len(decided.redundant):,} of {len(decided.redundant) + len(decided.kept):,} "
            "files are redundant; nothing was changed (use --move-to, --out or --delete --yes)"
        )


def _report(
    outcomes: Iterator[actions.Outcome], decided: actions.Plan, output_format: str
) -> Iterator[actions.Outcome]:
    verbs = {"move": "moved", "delete": "deleted", "copy": "copied"}
    by_file = {item.file: item for item in decided.redundant}
    for outcome in outcomes:
        arrow = f" -> {shown(outcome.target)}" if outcome.target else ""
        item = by_file.get(outcome.source)
        if output_format == "jsonl" and item is not None:
            record = _plan_record(
                item, outcome.kind, outcome.status, outcome.target, outcome.detail
            )
            click.echo(dumps(record, indent=None))
        elif output_format == "jsonl":
            click.echo(
                dumps(
                    {
                        "action": outcome.kind,
                        "status": outcome.status,
                        "file": outcome.source,
                        "target": outcome.target,
                        "detail": outcome.detail,
                    },
                    indent=None,
                )
            )
        elif outcome.status == "done":
            click.echo(f"{verbs[outcome.kind]} {shown(outcome.source)}{arrow}")
        elif outcome.status == "skipped":
            click.echo(f"skipped {shown(outcome.source)}{arrow} ({shown(outcome.detail)})")
        if outcome.status == "failed":
            _error(f"{outcome.source}: {outcome.detail}")
        sys.stdout.flush()
        yield outcome


@cli.command(name="diff")
@click.argument("first", metavar="A")
@click.argument("second", metavar="B")
@_format_option("text", "json")
@click.option("--raw", is_flag=True, help="Diff the texts as they are, without cleaning.")
@click.option("--context", type=int, default=1, show_default=True, help="Paragraphs of context.")
def diff_command(first: str, second: str, output_format: str, raw: bool, context: int) -> None:
    """Show the segments that differ between A and B.

    A and B are files or article ids (PATH#K, the K-th article of a split page). Exit
    status: 0 same content, 1 differences, 2 trouble.
    """
    try:
        article_a, article_b = resolve_article(first), resolve_article(second)
    except NeardupError as problem:
        _error(problem)
        sys.exit(EXIT_TROUBLE)
    result = diff(article_a, article_b, raw=raw, a_name=first, b_name=second)
    if output_format == "json":
        click.echo(dumps(diff_to_dict(result)))
    else:
        click.echo(diff_to_text(result, color=use_color(), context=context), nl=False)
    sys.exit(EXIT_OK if result.same else EXIT_DIFFERENT)


def resolve_article(name: str) -> Article:
    """The article a ``diff`` argument names: a file, or ``PATH#K`` for a page's K-th article.

    Raises:
        InputError: The file cannot be read or is a folder, or the page has no article K.
    """
    path, _, segment = name.rpartition("#")
    if not (path and segment.isdigit() and not os.path.exists(name)):
        path, segment = name, ""
    if os.path.isdir(path):
        raise InputError(name, "is a folder: diff compares two files or two article ids")
    read = read_documents([path])
    if read.errors:
        raise read.errors[0]
    if not read.documents:
        raise InputError(name, "no document in it")
    document = read.documents[0]
    if not segment:
        return split_articles(document, split=False)[0]
    articles = split_articles(document)
    index = int(segment)
    if index >= len(articles):
        raise InputError(name, f"the page holds {len(articles)} article(s), not #{index}")
    return articles[index]


def use_color() -> bool:
    """Colour only on a terminal, and never with ``NO_COLOR`` set."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


EXIT_FOUND = 1


def _index_options(function: F) -> F:
    """The options of the commands that keep the persistent index."""
    options = [
        click.option(
            "--index",
            "index_path",
            type=click.Path(dir_okay=False, path_type=Path),
            metavar="PATH",
            help=f"The index file. [default: {DEFAULT_LOCATION.as_posix()} in the corpus root]",
        ),
        click.option(
            "--rebuild", is_flag=True, help="Delete the index file and make it again from scratch."
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@contextlib.contextmanager
def _refreshed(
    location: Path | None,
    corpus: Corpus,
    config: Config,
    options: dict[str, Any],
    *,
    show_errors: bool = True,
) -> Iterator[tuple[CorpusIndex, Refresh]]:
    """The corpus's index, brought up to date, and what the refresh did.

    Files that cannot be read go to stderr if asked.
    """
    path = location if location is not None else corpus.root / DEFAULT_LOCATION
    progress = _ProgressLine.for_options(options)
    with CorpusIndex(path, corpus.root, config, rebuild=options.get("rebuild", False)) as stored:
        refresh = stored.refresh(corpus.files, jobs=options["jobs"], progress=progress)
        if progress is not None:
            click.echo("\r\x1b[K", err=True, nl=False)
        for input_error in refresh.errors if show_errors else ():
            _error(input_error)
        yield stored, refresh


def _corpus(folder: str | None, options: dict[str, Any]) -> tuple[Corpus, Config]:
    """The corpus (a folder, or the git repository around the working directory)."""
    try:
        config = config_from_options(options)
        merged = effective_settings(options)
    except ConfigError as bad_setting:
        raise click.UsageError(str(bad_setting)) from bad_setting
    include, exclude = merged["include"][0], merged["exclude"][0]
    if folder is not None:
        return folder_corpus(folder, include=include, exclude=exclude), config
    paths = merged.get("paths", ([], "default"))[0]
    corpus = git_corpus(Path.cwd(), include=include, exclude=exclude, paths=paths)
    if corpus is None:
        raise click.UsageError("not inside a git repository: name the corpus folder")
    return corpus, config


@cli.command(name="index")
@click.argument("folder", required=False, type=click.Path(file_okay=False, exists=True))
@_format_option("text", "json")
@_index_options
@_sketch_options
def index_command(folder: str | None, output_format: str, **options: Any) -> None:
    """Build or refresh the persistent index of a corpus.

    The corpus is FOLDER, or else the tracked files of the git repository around the
    working directory. Only new and changed files are read and sketched again.
    """
    corpus, config = _corpus(folder, options)
    with (
        _exit_on_trouble(),
        _refreshed(options["index_path"], corpus, config, options) as (_, refresh),
    ):
        pass
    if output_format == "json":
        click.echo(dumps(refresh.to_dict()))
    else:
        files = "1 file" if refresh.files == 1 else f"{refresh.files:,} files"
        click.echo(
            f"{files} ({refresh.added:,} added, {refresh.changed:,} changed, "
            f"{refresh.removed:,} removed, {refresh.unchanged:,} unchanged), "
            f"{refresh.articles:,} articles, in {refresh.seconds:.2f} s"
        )
    if refresh.errors and not options["keep_going"]:
        sys.exit(EXIT_TROUBLE)


@cli.command()
@click.argument("files", nargs=-1)
@click.option(
    "--corpus",
    "corpus_folder",
    type=click.Path(file_okay=False, exists=True),
    metavar="DIR",
    help="The corpus folder. [default: the git repository's tracked files]",
)
@click.option("--all", "check_all", is_flag=True, help="Check the whole corpus; list every copy.")
@_format_option("text", "json")
@_index_options
@_sketch_options
def check(
    files: tuple[str, ...],
    corpus_folder: str | None,
    check_all: bool,
    output_format: str,
    **options: Any,
) -> None:
    """Report FILES that are near-duplicates of each other or of the corpus (pre-commit).

    The corpus's persistent index is refreshed first. Exit status: 0 none found,
    1 near-duplicates found, 2 trouble.
    """
    corpus, config = _corpus(corpus_folder, options)
    errors: list[InputError] = []
    with (
        _exit_on_trouble(),
        _refreshed(options["index_path"], corpus, config, options) as (stored, refresh),
    ):
        if check_all:
            # Files that cannot be read are the refresh's errors already; JSONL records
            # (which the index leaves out) have no file of their own.
            read = read_files(corpus.root, corpus.files)
            documents = [document for document in read.documents if document.file is not None]
            findings = [
                Finding(member.article.id, cluster.keep.id, member.jaccard, member.containment)
                for cluster in stored.duplicates(documents).clusters
                for member in cluster.members[1:]
            ]
        else:
            documents = []
            for given in _checked(files, corpus, options):
                read = read_documents([given])
                errors.extend(read.errors)
                documents.extend(_relative(document, corpus.root) for document in read.documents)
            findings = stored.check(documents, stored.repeated_lines())
    _report_errors(errors)  # the refresh's own were shown already
    errors = [*refresh.errors, *errors]
    if output_format == "json":
        click.echo(
            dumps(
                {
                    "findings": [
                        {
                            "path": finding.article,
                            "near_duplicate_of": finding.original,
                            "jaccard": round(finding.jaccard, 4),
                            "containment": round(finding.containment, 4),
                        }
                        for finding in findings
                    ],
                    "errors": [{"path": error.path, "error": error.reason} for error in errors],
                }
            )
        )
    else:
        for finding in findings:
            click.echo(shown(str(finding)))
    if errors and not options["keep_going"]:
        sys.exit(EXIT_TROUBLE)
    sys.exit(EXIT_FOUND if findings else EXIT_OK)


def _checked(files: tuple[str, ...], corpus: Corpus, options: dict[str, Any]) -> list[str]:
    """The files to check: those the corpus would hold, and any outside its root.

    A hook is given every staged file, code and settings files too: those are left out.
    """
    merged = effective_settings(options)
    include, exclude = merged["include"][0], merged["exclude"][0]
    prefixes = [path.strip("/") for path in merged.get("paths", ([], "default"))[0]]
    chosen = []
    for given in files:
        try:
            relative = Path(given).resolve().relative_to(corpus.root).as_posix()
        except ValueError:
            chosen.append(given)
            continue
        inside = not prefixes or any(
            relative == prefix or relative.startswith(f"{prefix}/") for prefix in prefixes
        )
        if inside and selected_files([relative], include=include, exclude=exclude):
            chosen.append(given)
    return chosen


def _relative(document: Document, root: Path) -> Document:
    """A document with its id and path relative to the corpus root, where it is inside."""
    try:
        relative = Path(document.path).resolve().relative_to(root).as_posix()
    except ValueError:
        return document
    return dataclasses.replace(document, id=relative, path=relative)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="neardup")
    except SystemExit as exit_:
        if exit_.code is None:
            return EXIT_OK
        return exit_.code if isinstance(exit_.code, int) else EXIT_TROUBLE
    return EXIT_OK


def run() -> None:
    """Console-script entry point.

    A closed pipe on stdout (``neardup strip ... | head -1``) ends the command quietly,
    killed by SIGPIPE as ``cat`` or ``grep`` would be (status 141 in a shell), rather
    than with a message or an exit status that means something else.
    """
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # This module runs nothing when a worker imports it again: large scans may start
    # their workers afresh, which keeps them from holding copies of the documents' pages.
    allow_fresh_workers()
    sys.exit(main())
