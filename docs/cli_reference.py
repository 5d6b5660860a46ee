"""Write docs/cli.md, the reference of every command and option, from the command itself.

Run: ``python docs/cli_reference.py > docs/cli.md``. A test checks the page is current.
"""

from __future__ import annotations

import inspect

import click

from neardup.cli import cli

INTRO = """# Command-line reference

Generated from the command by `python docs/cli_reference.py > docs/cli.md`; a test keeps
it current. For a walk through real output see [tour.md](tour.md).

Results go to stdout; errors, progress (on a terminal only, off with `-q`) and logs
(`-v`) to stderr. Settings can also come from `neardup.toml` or `pyproject.toml`
`[tool.neardup]`, found from the working directory upward; flags win over the file, the
file over the defaults (`neardup config` shows which is which). `NO_COLOR` turns colour
off. When stdout is a pipe that closes early (`neardup strip page.txt | head -1`), the
command ends quietly, killed by SIGPIPE as `cat` would be (status 141 in a shell), with no
message.

| command | exit codes |
|---|---|
| `neardup scan` | 0 success, 2 trouble |
| `neardup dedup` | 0 success, 2 trouble |
| `neardup diff` | 0 same content, 1 differences, 2 trouble |
| `neardup strip` | 0 success, 2 trouble |
| `neardup config` | 0 success, 2 trouble |
| `neardup index` | 0 success, 2 trouble |
| `neardup check` | 0 none found, 1 near-duplicates found, 2 trouble |
"""


def option_row(parameter: click.Option) -> str:
    """One option as a table row: its flags, its value, its help and default."""
    names = ", ".join(f"`{name}`" for name in (*parameter.opts, *parameter.secondary_opts))
    if not parameter.is_flag and parameter.metavar:
        names += f" `{parameter.metavar}`"
    elif not parameter.is_flag and isinstance(parameter.type, click.Choice):
        names += " `" + "\\|".join(str(choice) for choice in parameter.type.choices) + "`"
    help_text = (parameter.help or "").replace("|", "\\|")
    if parameter.show_default and parameter.default not in (None, False, ()):
        shown = parameter.show_default
        default = shown if isinstance(shown, str) else parameter.default
        help_text += f" [default: {default}]"
    return f"| {names} | {help_text} |"


def reference() -> str:
    """The whole reference page."""
    parts = [INTRO]
    for name in sorted(cli.commands):
        command = cli.commands[name]
        arguments = " ".join(
            parameter.human_readable_name
            for parameter in command.params
            if isinstance(parameter, click.Argument)
        )
        parts.append(f"## `neardup {name}`\n")
        parts.append(f"```\nneardup {name} [OPTIONS] {arguments}".rstrip() + "\n```\n")
        parts.append(f"{inspect.cleandoc(command.help or '')}\n")
        rows = [option_row(p) for p in command.params if isinstance(p, click.Option)]
        parts.append("| option | meaning |\n|---|---|\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(reference(), end="")
