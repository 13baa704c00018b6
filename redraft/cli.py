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
    dask: Optional[str] = typer.Option(None, "--dask", metavar="[ADDRESS]", help="Read the submissions on a Dask cluster: alone, a local one (2 worker processes); with an address (tcp://host:8786), an existing one. Needs the 'dask' extra."),
) -> None:
    """Run the consultation flow and write every output into the output folder."""
    from .flows.run import run_consultation
    from .models.notices import Refusal

    out = out or consultation.resolve().parent / "out"
    try:
        summary = run_consultation(consultation, out, decisions, policy, say=_say, dask=dask)
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
    _say_open(summary.get("check", {}), out)
    _say(f"Outputs in {out}")


def _say_open(counts: dict, out: Path) -> None:
    """One line when the table is not complete yet (summary.json `check`)."""
    parts = [text.format(n=counts.get(key, 0)) for key, text in (
        ("undecided", "{n} rows still need a disposition"),
        ("no_rationale", "{n} 'Not accepted' rows need a rationale"),
        ("unreconciled", "{n} sources' counts do not reconcile")) if counts.get(key)]
    if parts:
        _say(f"{'; '.join(parts)}; `redraft check {out}` lists them.")


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


@app.command()
def send(
    out: Path = typer.Argument(..., metavar="DIR", help="A run's output folder (as given to `redraft run --out`)."),
    to: str = typer.Option(..., "--to", help="'members' (everyone on the members list; for a @domain row, "
                                             "the addresses that wrote from it), or addresses separated by commas."),
    with_table: bool = typer.Option(False, "--with-table", help="Also attach the comment-resolution table."),
    table_format: str = typer.Option("docx", "--table-format", help="docx (for circulation) or xlsx."),
    consultation: Optional[Path] = typer.Option(None, "--consultation", help="The consultation file (default: the one the run read)."),
    deliver: bool = typer.Option(False, "--send", help="Really send. Without it: a dry run that only writes DIR/outbox/*.eml."),
    resend: bool = typer.Option(False, "--resend", help="With --send: send again what outbox/sent.csv lists as sent."),
) -> None:
    """E-mail each document's merged draft to members (a dry run into DIR/outbox/ unless --send)."""
    from .flows.send import TABLE_FORMATS, prepare
    from .flows.send import send as send_outbox
    from .models.notices import Refusal

    if table_format not in TABLE_FORMATS:
        _say(f"redraft: --table-format must be {' or '.join(TABLE_FORMATS)}")
        raise typer.Exit(2)
    try:
        outbox = prepare(out, to, consultation, table_format if with_table else None)
        for row in outbox.unreachable:
            _say(f"No mail for {row.organisation} ({row.entry}): {row.reason}.")
        if not deliver:
            for letter in outbox.letters:
                _say(f"Would send to {letter.recipient.address}"
                     f"{f' ({letter.recipient.organisation})' if letter.recipient.organisation else ''}: "
                     f"{letter.filename}")
            _say(f"Dry run: {len(outbox.letters)} messages written to {outbox.folder}; nothing sent. "
                 "Add --send to deliver them.")
            return
        deliveries = send_outbox(outbox, resend=resend)
    except Refusal as refusal:
        _say(f"redraft: {refusal.reason}")
        raise typer.Exit(2)
    for d in deliveries:
        _say(f"{d.status.capitalize()}: {d.letter.recipient.address}{f' — {d.reason}' if d.reason else ''}")
    failed = [d for d in deliveries if d.status not in ("sent", "already sent")]
    _say(f"Sent {sum(d.status == 'sent' for d in deliveries)} of {len(deliveries)} messages "
         f"(record: {outbox.folder / 'sent.csv'}).")
    if failed:
        _say(f"redraft: {len(failed)} messages were not delivered (listed above); "
             "running the same command again sends only those")
        raise typer.Exit(2)


@app.command()
def serve(
    consultation: Path = typer.Argument(..., help="The consultation file (TOML)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output folder: each run writes OUT/<start time>/ and points OUT/latest at it (default: 'out' beside the consultation file)."),
    decisions: Optional[Path] = typer.Option(None, "--decisions", help="A filled-in resolution table every run applies."),
    policy: str = typer.Option("accept-non-conflicting", "--policy", help="accept-non-conflicting | accept-none | accept-all-from=CONSTITUENCY,..."),
) -> None:
    """Keep running: register the consultation as a Prefect deployment, run it at the deadline
    plus [schedule] grace (and every N hours until a date, if set), and on `redraft trigger`."""
    from .flows.deployment import serve as serve_consultation
    from .models.notices import Refusal

    out = out or consultation.resolve().parent / "out"
    try:
        code = serve_consultation(consultation, out, policy, decisions, say=_say)
    except Refusal as refusal:
        _say(f"redraft: {refusal.reason}")
        raise typer.Exit(2)
    raise typer.Exit(code)


@app.command()
def trigger(
    consultation: Path = typer.Argument(..., help="The consultation file (TOML) a `redraft serve` is running for."),
    decisions: Optional[Path] = typer.Option(None, "--decisions", help="Apply this filled-in resolution table in this run."),
    policy: Optional[str] = typer.Option(None, "--policy", help="Use this policy in this run (default: serve's)."),
    wait: bool = typer.Option(True, "--wait/--no-wait", help="Wait for the run to finish and print its folder (default) or return at once."),
) -> None:
    """Run the consultation's deployment now (the `redraft serve` process runs it)."""
    from .flows.deployment import RunFailed
    from .flows.deployment import trigger as trigger_run
    from .models.notices import Refusal

    try:
        if decisions is not None:
            from .parsers.decisions import read_decisions

            read_decisions(decisions)
        trigger_run(consultation, policy, decisions, wait, say=_say)
    except Refusal as refusal:
        _say(f"redraft: {refusal.reason}")
        raise typer.Exit(2)
    except RunFailed as failed:
        _say(f"redraft: {failed}")
        raise typer.Exit(1)


@app.command()
def check(
    out: Path = typer.Argument(..., help="A run's output folder (its resolution.csv and audit.jsonl)."),
    final: bool = typer.Option(False, "--final", help="Treat every problem as an error (exit status 2)."),
) -> None:
    """List rows without a disposition, 'Not accepted' without a rationale, and source files
    whose rows do not add up to what was extracted (exit 2 with --final if any)."""
    import json

    from .consolidate.completeness import check as check_table
    from .models.notices import Refusal
    from .parsers.resolution_table import read_resolution_rows

    table, log = out / "resolution.csv", out / "audit.jsonl"
    missing = [p.name for p in (table, log) if not p.is_file()]
    if missing:
        _say(f"redraft: {out} has no {' and no '.join(missing)}: is it the output folder of `redraft run`?")
        raise typer.Exit(2)
    try:
        rows = read_resolution_rows(out)
    except Refusal as refusal:
        _say(f"redraft: {refusal.reason}")
        raise typer.Exit(2)
    audit = []
    for line in log.read_bytes().split(b"\n"):
        try:
            audit.append(json.loads(line))
        except ValueError:  # `redraft audit verify` reports damaged lines
            continue
    report = check_table(rows, [r for r in audit if isinstance(r, dict)])
    counts = report.counts()
    typer.echo(f"{table}: {counts['rows']} rows; {counts['undecided']} without a disposition, "
               f"{counts['no_rationale']} 'Not accepted' without a rationale, "
               f"{counts['unreconciled']} source(s) whose counts do not reconcile.")
    for problem in report.problems:
        typer.echo(f"- {problem}")
    if report.problems and final:
        _say(f"redraft: the table is not final: {len(report.problems)} problem(s), listed above")
        raise typer.Exit(2)


audit_app = typer.Typer(no_args_is_help=True, help="The audit log (audit.jsonl).")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    out: Path = typer.Argument(..., help="A run's output folder (its audit.jsonl)."),
    head: str = typer.Option("", "--head", help="A head sha256 printed by an earlier verify and kept elsewhere: "
                                                 "fail unless that record is still in the log."),
) -> None:
    """Check the audit log's chain and head: 0 if intact, 2 naming each changed record."""
    from .outputs.audit_verify import verify_log

    result = verify_log(out / "audit.jsonl", head)
    for note in result.notes:
        typer.echo(f"note: {note}")
    if result.ok:
        typer.echo(f"{out / 'audit.jsonl'}: {result.records} records, chain and head intact; "
                   f"head sha256 {result.head}")
        return
    for problem in result.problems:
        typer.echo(f"- {problem}")
    _say(f"redraft: {out / 'audit.jsonl'} fails verification: {len(result.problems)} problem(s), listed above")
    raise typer.Exit(2)


def dask_flag(argv: list[str]) -> list[str]:
    """`--dask` alone means a local cluster: typer options cannot be "flag or value", so a
    `--dask` not followed by "local" or a scheduler address becomes `--dask=local`."""
    from .flows.runners import LOCAL, is_address

    out, args = [], list(argv)
    for i, arg in enumerate(args):
        if arg == "--":
            return out + args[i:]
        following = args[i + 1] if i + 1 < len(args) else ""
        if arg == "--dask" and not (following == LOCAL or is_address(following)):
            arg = f"--dask={LOCAL}"
        out.append(arg)
    return out


def main() -> None:
    app(args=dask_flag(sys.argv[1:]))


if __name__ == "__main__":
    main()
