"""The mail-server test tools work: Dovecot lifecycle, logins, seeding, OAuth stub, TCP proxy."""

from __future__ import annotations

import imaplib
import json
import socket
import ssl
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import SMTP

import pytest

from dovecot import Dovecot, dovecot, find_dovecot, SKIP_REASON  # noqa: F401  (session fixture)
from imap_seed import (append_messages, clear_mailbox, imap_login, internaldates_of,
                       keywords_of)
from oauth_stub import OAuthStub
from tcp_proxy import TcpProxy

needs_dovecot = pytest.mark.skipif(find_dovecot() is None, reason=SKIP_REASON)
IST = timezone(timedelta(hours=5, minutes=30))
PST = timezone(timedelta(hours=-8))


def message(subject: str, body_size: int = 200) -> bytes:
    """A small RFC 5322 message whose body is `body_size` bytes of text."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@example.org", "secretariat@example.org", subject
    line = "comment text " * 6 + "\n"
    msg.set_content((line * (body_size // len(line) + 1))[:body_size])
    return msg.as_bytes(policy=SMTP)  # CRLF line ends, as IMAP serves them


def fetch_body(port: int, server, uid: int) -> bytes:
    """Log in through `port` and UID FETCH one message's BODY.PEEK[] (imaplib)."""
    imap = imaplib.IMAP4(server.host, port, timeout=10)
    try:  # not `with`: after an abort its LOGOUT raises and the socket stays open
        imap.login(server.user, server.password)
        imap.select("ToolsProxy", readonly=True)
        typ, data = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
        assert typ == "OK"
        return data[0][1]
    finally:
        imap.shutdown()


def refuses(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return True
    return False


# -- Dovecot lifecycle ------------------------------------------------------------------

@needs_dovecot
def test_start_and_stop_twice_are_idempotent(tmp_path):
    import dovecot as module

    server = Dovecot(tmp_path / "dv", imaps=False, tz="<+0530>-5:30",
                     extra_users={"clerk@example.org": "clerk-pw"})
    sent = datetime(2024, 7, 5, 14, 7, 9, tzinfo=PST)
    pids = []
    for _round in range(2):
        pid = server.start().pid
        pids.append(pid)
        assert server.start().pid == pid
        twin = Dovecot(tmp_path / "dv", imaps=False).start()  # adopts it, ports from DIR/env
        assert (twin.pid, twin.port) == (pid, server.port)
        clear_mailbox(server)
        append_messages(server, [(message("zone"), sent)])
        [got] = internaldates_of(server).values()  # the instant, in the server's zone
        assert got == sent and got.utcoffset() == IST.utcoffset(None)
        with imap_login(server, "clerk@example.org") as imap:
            assert imap.state == "AUTH"
        family = [pid, *module._children(pid)]
        server.stop()
        server.stop()
        twin.stop()
        assert not any(module._alive(p) for p in family)
        assert server.running_pid() is None and not server.pid_file.exists()
        assert refuses(server.host, server.port)
    assert pids[0] != pids[1]


def test_missing_binary_is_reported(monkeypatch, tmp_path):
    import dovecot as module

    monkeypatch.setattr(module, "find_dovecot", lambda: None)
    with pytest.raises(module.DovecotUnavailable, match="apt-get install dovecot-imapd"):
        module.Dovecot(tmp_path)


# -- logins -----------------------------------------------------------------------------

def test_imap_login(dovecot):
    with imap_login(dovecot) as imap:
        assert imap.state == "AUTH"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_imaps_login_verifies_the_certificate(dovecot, host):
    context = ssl.create_default_context(cafile=str(dovecot.ca_file))
    with imaplib.IMAP4_SSL(host, dovecot.imaps_port, ssl_context=context, timeout=10) as imap:
        assert imap.login(dovecot.user, dovecot.password)[0] == "OK"
    with pytest.raises(ssl.SSLCertVerificationError):
        imaplib.IMAP4_SSL(host, dovecot.imaps_port, ssl_context=ssl.create_default_context(),
                          timeout=10)


def test_wrong_password_is_refused(dovecot):
    with imaplib.IMAP4(dovecot.host, dovecot.port, timeout=10) as imap:
        with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
            imap.login(dovecot.user, "not-the-password")


def test_xoauth2_login_through_the_stub(dovecot):
    imap_tools = pytest.importorskip("imap_tools")
    with imap_tools.MailBoxUnencrypted(dovecot.host, dovecot.port) as box:
        box.xoauth2(dovecot.user, dovecot.oauth_token)
        assert box.login_result[0] == "OK"
    context = ssl.create_default_context(cafile=str(dovecot.ca_file))
    with imap_tools.MailBox(dovecot.host, dovecot.imaps_port, ssl_context=context) as box:
        assert box.xoauth2(dovecot.user, dovecot.oauth_token).login_result[0] == "OK"
    box = imap_tools.MailBoxUnencrypted(dovecot.host, dovecot.port)
    try:
        with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
            box.xoauth2(dovecot.user, "forged")
    finally:
        box.client.shutdown()
    assert dovecot.oauth.requests[-1] == "forged"


def test_oauth_stub_answers_introspection():
    before = threading.active_count()
    with OAuthStub("someone@example.org", token="good") as stub:
        def ask(token):
            request = urllib.request.Request(stub.url, data=f"token={token}".encode())
            with urllib.request.urlopen(request, timeout=5) as answer:
                return json.load(answer)

        assert ask("good") == {"active": True, "username": "someone@example.org"}
        assert ask("bad") == {"active": False}
        assert stub.requests == ["good", "bad"]
    stub.stop()
    assert threading.active_count() == before


# -- seeding ----------------------------------------------------------------------------

def test_append_sets_internaldate_exactly(dovecot):
    clear_mailbox(dovecot, "ToolsAppend")
    dates = [datetime(2024, 3, 5, 14, 7, 9, tzinfo=IST),
             datetime(2024, 12, 31, 23, 59, 59, tzinfo=PST),
             datetime(2025, 1, 1, 0, 0, 1, tzinfo=timezone.utc)]
    uids = append_messages(dovecot, [(message(f"m{i}"), d) for i, d in enumerate(dates)],
                           "ToolsAppend")
    got = internaldates_of(dovecot, "ToolsAppend")
    assert [got[uid] for uid in uids] == dates  # the same instants, to the second
    assert {d.utcoffset() for d in got.values()} == {timedelta(0)}  # in the server's zone (UTC)
    assert keywords_of(dovecot, "ToolsAppend") == {uid: set() for uid in uids}
    [flagged] = append_messages(dovecot, [(message("seen"), dates[0])], "ToolsAppend",
                                flags=["\\Seen", "$Redraft"])
    assert keywords_of(dovecot, "ToolsAppend")[flagged] == {"\\Seen", "$Redraft"}
    assert clear_mailbox(dovecot, "ToolsAppend") == 4
    assert keywords_of(dovecot, "ToolsAppend") == {}


def test_append_refuses_ambiguous_dates(dovecot):
    with pytest.raises(ValueError, match="timezone-aware"):
        append_messages(dovecot, [(message("naive"), datetime(2024, 1, 1))], "ToolsAppend")
    with pytest.raises(ValueError, match="whole seconds"):
        append_messages(dovecot, [(message("us"), datetime(2024, 1, 1, 0, 0, 0, 5, tzinfo=IST))],
                        "ToolsAppend")


# -- TCP proxy --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def big_message(dovecot):
    """(uid, raw) of a ~150 kB message in the ToolsProxy folder."""
    clear_mailbox(dovecot, "ToolsProxy")
    raw = message("big", 150_000)
    [uid] = append_messages(dovecot, [(raw, datetime(2024, 1, 1, tzinfo=timezone.utc))],
                            "ToolsProxy")
    return uid, raw


def test_proxy_passes_traffic(dovecot, big_message):
    uid, raw = big_message
    with TcpProxy(dovecot.port) as proxy:
        assert fetch_body(proxy.port, dovecot, uid) == raw
    assert (proxy.connections, proxy.cuts) == (1, 0)


@pytest.mark.parametrize("reset", [False, True])
def test_proxy_cuts_a_fetch(dovecot, big_message, reset):
    uid, _ = big_message
    with TcpProxy(dovecot.port, cut_after=60_000, cut_with_reset=reset) as proxy:
        with pytest.raises(ConnectionResetError if reset else imaplib.IMAP4.abort):
            fetch_body(proxy.port, dovecot, uid)
    assert proxy.cuts == 1 and proxy.bytes_to_client == 60_000


def test_proxy_cuts_only_max_cuts_connections(dovecot, big_message):
    uid, raw = big_message
    with TcpProxy(dovecot.port, cut_after=60_000, max_cuts=1) as proxy:
        with pytest.raises(imaplib.IMAP4.abort):
            fetch_body(proxy.port, dovecot, uid)
        assert fetch_body(proxy.port, dovecot, uid) == raw  # the retry gets through
    assert (proxy.connections, proxy.cuts) == (2, 1)


def test_proxy_slows_transfer(dovecot, big_message):
    uid, raw = big_message
    with TcpProxy(dovecot.port, bytes_per_second=500_000) as proxy:
        started = time.monotonic()
        assert fetch_body(proxy.port, dovecot, uid) == raw
        elapsed = time.monotonic() - started
    assert 0.25 < elapsed < 3  # ~150 kB at 500 kB/s
    assert proxy.bytes_to_client > len(raw)


def test_proxy_stop_closes_open_connections_and_threads(dovecot):
    before = threading.active_count()
    proxy = TcpProxy(dovecot.port, bytes_per_second=100).start()
    client = socket.create_connection((proxy.host, proxy.port), timeout=5)
    assert client.recv(1)  # a connection is open and paced
    proxy.stop()
    proxy.stop()
    assert threading.active_count() == before
    while client.recv(4096):  # closed from the proxy side: EOF, not a timeout
        pass
    client.close()
