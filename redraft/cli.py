"""The `redraft` command. Exit codes: 0 done, 2 input refused (reason printed), 1 a bug."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn a consultation's e-mailed comments into a redline, a merged draft and a "
                       "comment-resolution table.")


def _say(message: str) -> None:
    typer.echo(message, err=True)


@app.command()
def run(
    consultation: Path = typer.Argument(..., help="The consultation file (TOML)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output folder (default: 'out' beside the consultation file)."),
    decisions: Optional[Path] = typer.Option(None, "--decisions", help="The resolution table (.xlsx or .csv) with the secretariat's dispositions filled in."),
    policy: str = typer.Option("accept-non-conflicting", "--policy", help="accept-non-conflicting | accept-none | accept-all-from=CONSTITUENCY,..."),
) -> None:
    """Run the consultation flow and write every output into the output folder."""
    from .flows.run import run_consultation
    from .models.notices import Refusal

    out = out or consultation.resolve().parent / "out"
    try:
        summary = run_consultation(consultation, out, decisions, policy, say=_say)
    except Refusal as refusal:  # unusable input: say why; anything else is a bug
        _say(f"redraft: {refusal.reason}")
        raise typer.Exit(2)
    messages = summary["messages_by_status"]
    _say(f"Read {summary['messages']} e-mails ({', '.join(f'{n} {s}' for s, n in messages.items())}).")
    for key, doc in summary["documents"].items():
        _say(f"{key}: {doc['proposals']} comments and proposals, {doc['applied']} applied, "
             f"{doc['conflicts']} conflicts.")
    if summary.get("flagged"):
        _say(f"Marked {summary['flagged']} e-mails in the mailbox as processed.")
    if summary.get("flag_problem"):
        _say(f"The e-mails could not be marked as processed ({summary['flag_problem']}); "
             "the next run reads them again.")
    _say(f"Outputs in {out}")


@app.command()
def admit(
    consultation: Path = typer.Argument(..., help="The consultation file (TOML)."),
    address: str = typer.Argument(..., help="The sender's address, or @domain for a whole organisation."),
    organisation: Optional[str] = typer.Option(None, "--organisation", help="Who the address speaks for (default: the address)."),
    constituency: str = typer.Option("", "--constituency", help="e.g. Governments, Workers, UN agency."),
) -> None:
    """Admit a held sender: add the address to the consultation's members list for the next run."""
    from .models.consultation import Member
    from .models.notices import Refusal
    from .parsers.consultation import read_consultation
    from .parsers.members import admit_member

    try:
        spec = read_consultation(consultation)
        if spec.members_file is None:
            _say("redraft: this consultation has no members list: every sender counts already")
            raise typer.Exit(2)
        address = address.strip().lower()
        if "@" not in address or address.endswith("@"):
            _say(f"redraft: '{address}' is not an e-mail address or @domain")
            raise typer.Exit(2)
        admit_member(spec.members_file, Member(address, (organisation or address).strip(), constituency.strip()))
    except Refusal as refusal:
        _say(f"redraft: {refusal.reason}")
        raise typer.Exit(2)
    _say(f"Added {address} to {spec.members_file.name}; the next run reads its e-mails.")


@app.command()
def read(
    file: Path = typer.Argument(..., help="A Word file (.docx)."),
    as_json: bool = typer.Option(False, "--json", help="Print the model as JSON instead of a listing."),
) -> None:
    """Print what redraft reads in a Word file: blocks, tracked changes, comments, warnings."""
    import json

    from .outputs.document_view import document_listing, document_to_dict
    from .parsers.docx import DocxRefused, read_docx

    try:
        data = file.read_bytes()
    except OSError as exc:
        _say(f"redraft: cannot read {file}: {exc.strerror or exc}")
        raise typer.Exit(2)
    try:
        doc = read_docx(data, source=file.name)
    except DocxRefused as refusal:
        _say(f"redraft: {file.name}: {refusal.reason}")
        raise typer.Exit(2)
    if as_json:
        typer.echo(json.dumps(document_to_dict(doc), ensure_ascii=False, indent=1))
    else:
        typer.echo(document_listing(doc), nl=False)


@app.command()
def analyse(
    draft: Path = typer.Argument(..., help="The draft the comments are about (.docx)."),
    comments: Path = typer.Argument(..., help='Comments, one JSON object per line: {"id": ..., "text": ...}.'),
    out: Optional[Path] = typer.Option(None, "--out", help="Write the JSON lines to this file instead of the screen."),
) -> None:
    """Place, type and group comments on a draft: one JSON line per comment (section, method,
    candidates, references, type, intent, proposal, group)."""
    import json

    from .analyse_command import AnalyseRefused, run_analyse

    try:
        lines = run_analyse(draft, comments)
    except AnalyseRefused as refusal:
        _say(f"redraft analyse: {refusal}")
        raise typer.Exit(2)
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        _say(f"{len(lines)} comment(s) analysed: {out}")
    errors = [line for line in lines if "error" in line]
    for line in errors:
        _say(f"redraft analyse: {line['error']}")
    if errors:
        raise typer.Exit(1)


@app.command()
def server(
    port: int = typer.Option(4200, "--port", help="Port of the local Prefect server and its UI."),
) -> None:
    """Start a persistent local Prefect server with its UI; later runs use it and start faster."""
    import os
    import subprocess

    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    _say(f"Prefect UI and API on http://127.0.0.1:{port} (Ctrl+C stops it). "
         f"`redraft run` uses it while it runs.")
    if port != 4200:
        _say(f"Set REDRAFT_SERVER_PORT={port} for `redraft run` to find it.")
    raise typer.Exit(subprocess.call([sys.executable, "-m", "prefect", "server", "start",
                                      "--host", "127.0.0.1", "--port", str(port)], env=env))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
