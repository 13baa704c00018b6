"""`redraft run --dask`: the submissions read on a Dask cluster give the default runner's outputs.

Real flow runs (the session's Prefect harness): the samples and an unseen generated
consultation, once with Prefect's default runner and once on a 2-worker local Dask cluster
(processes); and once against a `distributed.LocalCluster` the test starts, by address.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT, SAMPLE
from oracle import pandoc_text
from redraft.cli import app, dask_flag
from redraft.flows.reuse import ResultCache
from redraft.flows.runners import (DaskAddressRefused, DaskUnavailable, _is_dask, batch_count, batches,
                                   is_address, task_runner)

sys.path.insert(0, str(ROOT / "benchmarks"))
from consultation_factory import write_inbox_consultation  # noqa: E402

pytest.importorskip("prefect_dask", reason="the 'dask' extra (prefect-dask) is not installed")

AUDIT_TIMES = ("at", "prev")  # the only fields allowed to differ: when each record was written


# -- the option, the batches, the cache (no Prefect) -----------------------------------------


@pytest.mark.parametrize("argv, expected", [
    (["run", "c.toml", "--dask"], ["run", "c.toml", "--dask=local"]),
    (["run", "--dask", "c.toml"], ["run", "--dask=local", "c.toml"]),
    (["run", "c.toml", "--dask", "--out", "o"], ["run", "c.toml", "--dask=local", "--out", "o"]),
    (["run", "c.toml", "--dask", "tcp://10.0.0.5:8786"], ["run", "c.toml", "--dask", "tcp://10.0.0.5:8786"]),
    (["run", "--dask", "scheduler:8786", "c.toml"], ["run", "--dask", "scheduler:8786", "c.toml"]),
    (["run", "c.toml", "--dask", "local"], ["run", "c.toml", "--dask", "local"]),
    (["run", "c.toml", "--dask=tcp://h:1"], ["run", "c.toml", "--dask=tcp://h:1"]),
    (["run", "c.toml", "--", "--dask"], ["run", "c.toml", "--", "--dask"]),
])
def test_dask_alone_means_a_local_cluster_and_an_address_is_kept(argv, expected):
    assert dask_flag(argv) == expected


def test_addresses():
    assert all(map(is_address, ["tcp://127.0.0.1:8786", "tls://sched.example.org:8786", "sched:8786",
                                "127.0.0.1:8786", "[::1]:8786"]))
    assert not any(map(is_address, ["consultation.toml", "local", "", "--out"]))
    with pytest.raises(DaskAddressRefused):
        task_runner("consultation.toml")


def test_the_option_parses_through_typer(monkeypatch):
    """`--dask` alone and `--dask ADDRESS` reach run_consultation as "local" / the address."""
    seen = []
    monkeypatch.setattr("redraft.flows.run.run_consultation",
                        lambda *args, **kwargs: seen.append(kwargs["dask"]) or _empty_summary())
    for argv, value in ((["run", str(SAMPLE), "--dask"], "local"), (["run", "--dask", str(SAMPLE)], "local"),
                        (["run", str(SAMPLE), "--dask", "tcp://127.0.0.1:1"], "tcp://127.0.0.1:1"),
                        (["run", str(SAMPLE)], None)):
        result = CliRunner().invoke(app, dask_flag(argv))
        assert result.exit_code == 0, result.output
        assert seen[-1] == value


def test_without_the_extra_dask_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "prefect_dask", None)  # import fails as when not installed
    with pytest.raises(DaskUnavailable, match=r"pip install 'redraft\[dask\]'"):
        task_runner("local")
    result = CliRunner().invoke(app, dask_flag(["run", str(SAMPLE), "--out", str(tmp_path), "--dask"]))
    assert result.exit_code == 2
    assert "pip install 'redraft[dask]'" in result.output
    assert not (tmp_path / "summary.json").exists()


def test_batches_keep_every_item_in_order():
    items = list(range(1000))
    for count in (1, 2, 8, 16):
        cut = batches(items, count)
        assert [i for b in cut for i in b] == items
        assert len(cut) == count and max(map(len, cut)) - min(map(len, cut)) <= 1000 // count
    assert batches([1, 2, 3], 8) == [[1], [2], [3]]
    assert batches([], 2) == []


def test_batch_count_per_runner():
    from prefect.task_runners import ThreadPoolTaskRunner

    assert batch_count(ThreadPoolTaskRunner()) == (os.cpu_count() or 1)  # one batch a core on threads
    assert batch_count(ThreadPoolTaskRunner(max_workers=1)) == 1
    assert _is_dask(task_runner("local")) and not _is_dask(ThreadPoolTaskRunner())


def test_the_cache_makes_each_result_once(tmp_path):
    calls = []

    def make(x):
        calls.append(x)
        return {"value": x}

    cache = ResultCache(tmp_path / "c")
    assert cache.get_or_make("k1", make, 1) == {"value": 1}
    assert cache.get_or_make("k1", make, 99) == {"value": 1}
    assert cache.get_or_make("k2", make, 2) == {"value": 2}
    assert calls == [1, 2]
    (tmp_path / "c" / "k2.pickle").write_bytes(b"damaged")
    assert cache.get_or_make("k2", make, 3) == {"value": 3}


def test_what_travels_to_and_from_workers_pickles(tmp_path):
    """A batch (messages, rows, drafts) and each submission's result survive cloudpickle."""
    import cloudpickle

    from redraft.flows import stages
    from redraft.flows.runners import Batch
    from redraft.parsers.consultation import read_consultation

    consultation = read_consultation(SAMPLE)
    drafts = stages.load_drafts(consultation)
    messages, records = stages.intake(consultation, tmp_path / "attachments", stages.fetch(consultation, tmp_path))
    pairs = list(zip(messages, stages.split_records(messages, records)))
    batch = cloudpickle.loads(cloudpickle.dumps(Batch(pairs, consultation, drafts)))
    assert batch.items == pairs and batch.consultation == consultation
    assert {k: (d.text, d.sha256) for k, d in batch.drafts.items()} == {k: (d.text, d.sha256) for k, d in drafts.items()}
    results = [stages.process_submission(m, rows, consultation, drafts) for m, rows in pairs]
    assert sum(len(r.proposals) for r in results) > 20
    assert cloudpickle.loads(cloudpickle.dumps(results)) == results


def _empty_summary():
    return {"messages": 0, "messages_by_status": {}, "documents": {}}


# -- real flow runs ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_flow(consultation_run):
    return lambda consultation, out, dask=None: consultation_run(
        consultation, out, task_runner=None if dask is None else task_runner(dask))


@pytest.fixture(scope="module")
def unseen(tmp_path_factory):
    """A consultation none of the code was written against: 10 e-mails, a 4-page draft."""
    folder = tmp_path_factory.mktemp("unseen")
    counts = write_inbox_consultation(folder, submissions=10, pages=4, seed=5)
    assert counts["copies"] >= 6 and counts["text-only"] >= 2 and counts["re-sent"] >= 1
    return folder / "consultation.toml"


def outputs(out: Path) -> dict[str, bytes]:
    """Every output file (the work dir aside), by path."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".redraft" not in p.relative_to(out).parts}


def audit_without_times(out: Path) -> list[dict]:
    lines = (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    return [{k: v for k, v in json.loads(line).items() if k not in AUDIT_TIMES} for line in lines]


def assert_same_outputs(default: Path, dask: Path, documents: list[str]):
    a, b = outputs(default), outputs(dask)
    assert sorted(a) == sorted(b)
    different = [name for name in a if a[name] != b[name] and name != "audit.jsonl"]
    assert different == [], "outputs differ between the default runner and Dask"
    assert audit_without_times(default) == audit_without_times(dask)
    for key in documents:  # the texts, read by an independent reader (pandoc)
        for name in ("redline.docx", "merged.docx"):
            for view in ("accept", "reject"):
                assert pandoc_text(default / key / name, view) == pandoc_text(dask / key / name, view)
    rows = (default / "resolution.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) > 1 and rows == (dask / "resolution.csv").read_text(encoding="utf-8").splitlines()
    assert (default / "submissions.csv").read_bytes() == (dask / "submissions.csv").read_bytes()


@pytest.mark.flow
@pytest.mark.oracle
def test_samples_on_a_local_dask_cluster_give_the_default_outputs(run_flow, tmp_path):
    default = run_flow(SAMPLE, tmp_path / "default")
    dask = run_flow(SAMPLE, tmp_path / "dask", dask="local")
    assert dask == default
    assert_same_outputs(tmp_path / "default", tmp_path / "dask", ["tor", "guidance"])


@pytest.mark.flow
@pytest.mark.oracle
def test_an_unseen_consultation_on_dask_gives_the_default_outputs(run_flow, unseen, tmp_path):
    default = run_flow(unseen, tmp_path / "default")
    assert default["documents"]["draft"]["proposals"] > 10
    assert default["messages_by_status"].get("duplicate", 0) >= 1
    run_flow(unseen, tmp_path / "dask", dask="local")
    assert_same_outputs(tmp_path / "default", tmp_path / "dask", ["draft"])


@pytest.mark.flow
def test_an_existing_cluster_by_address_and_reruns_reuse_the_results(run_flow, unseen, tmp_path):
    """`--dask tcp://127.0.0.1:PORT` against a cluster started here; a rerun into the same
    folder (batches cut for another runner) reads nothing again and writes the same bytes."""
    from distributed import LocalCluster

    out = tmp_path / "out"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0") as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        run_flow(unseen, out, dask=address)
        first = outputs(out)
        kept = {p.name: p.stat().st_mtime_ns for p in (out / ".redraft" / "submissions").glob("*.pickle")}
        assert len(kept) == 10  # one result per e-mail
        run_flow(unseen, out)  # the default runner: other batches, same per-submission keys
        again = {p.name: p.stat().st_mtime_ns for p in (out / ".redraft" / "submissions").glob("*.pickle")}
        assert again == kept, "a rerun read the submissions again"
        assert {k: v for k, v in outputs(out).items() if k != "audit.jsonl"} == \
               {k: v for k, v in first.items() if k != "audit.jsonl"}
    assert cluster.status.name == "closed"
