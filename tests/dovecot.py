"""A throwaway Dovecot IMAP server on 127.0.0.1 for tests (Debian package dovecot-imapd).

    with Dovecot(tmp_path / "mail") as server:       # or the session fixture `dovecot`
        imaplib.IMAP4(server.host, server.port).login(server.user, server.password)
        ssl.create_default_context(cafile=server.ca_file)  # for server.imaps_port

Everything (config, passwd-file, Maildirs, cert, logs, sockets, pid file) lives under one
directory; listeners are loopback only. Works as root (mail processes then run as `nobody`,
chrooted into the directory: Dovecot refuses root for mail access) and as an ordinary user
(every process runs as that user). `stop()` signals only the pid in the server's own pid file.
Follows ../shared/mail/start-dovecot.sh and stop-dovecot.sh; see their README for pitfalls.
The seeding helpers (append_messages, clear_mailbox, keywords_of, ...) are in imap_seed.py.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

SKIP_REASON = "Dovecot not installed: apt-get install dovecot-imapd"
DEFAULT_USER = "secretariat@example.org"
DEFAULT_PASSWORD = "test-password"
HOST = "127.0.0.1"
LOOPBACK_URL = re.compile(r"^http://(127\.0\.0\.1|localhost|\[::1\]):\d+(/\S*)?$")
UNSAFE_PATH = re.compile(r"[\s\"'$\\{}]")
NAME_OR_PASSWORD = re.compile(r"^[^\s:]+$")


class DovecotUnavailable(RuntimeError):
    """The dovecot binary is not installed."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def find_dovecot() -> str | None:
    """Path of the dovecot binary, or None."""
    for candidate in (shutil.which("dovecot"), "/usr/sbin/dovecot"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _stat(pid: int) -> list[str]:
    """Fields 3.. of /proc/PID/stat (state, ppid, ..., start time at [19]); [] if gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie (a zombie is as good as gone)."""
    fields = _stat(pid)
    return bool(fields) and fields[0] not in ("Z", "X")


def _is_dovecot(pid: int) -> bool:
    """True while `pid` is a live dovecot process."""
    try:
        comm = Path(f"/proc/{pid}/comm").read_text()
    except OSError:
        return False
    return "dovecot" in comm and _alive(pid)


def _children(pid: int) -> list[int]:
    """Pids whose parent is `pid`."""
    pids = (int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit())
    return [child for child in pids if _stat(child)[1:2] == [str(pid)]]


def _identity(pid: int) -> tuple[int, str]:
    """(pid, start time), so that a signal never reaches a recycled pid."""
    fields = _stat(pid)
    return pid, fields[19] if len(fields) > 19 else ""


def _signal(processes: list[tuple[int, str]], sig: int) -> None:
    """Send `sig` to each (pid, start time) that is still that same live process."""
    for pid, started in processes:
        if started and _alive(pid) and _identity(pid) == (pid, started):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass


def _wait_gone(pids: list[int], deadline: float) -> bool:
    """Wait until none of `pids` is alive; False if the deadline passed first."""
    while any(_alive(p) for p in pids):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


def _end(processes: list[tuple[int, str]], timeout: float) -> None:
    """SIGTERM these (pid, start time) processes if still there, then SIGKILL after `timeout`."""
    pids = [pid for pid, _ in processes]
    if _wait_gone(pids, time.monotonic() + 0.2):
        return
    _signal(processes, signal.SIGTERM)
    if not _wait_gone(pids, time.monotonic() + timeout):
        _signal(processes, signal.SIGKILL)
        _wait_gone(pids, time.monotonic() + timeout)


def _greets(host: str, port: int, timeout: float = 2.0) -> bool:
    """True if an IMAP server on host:port sends its `* OK` greeting."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s, s.makefile("rb") as f:
            line = f.readline()
            s.sendall(b"a LOGOUT\r\n")
    except OSError:
        return False
    return line.startswith(b"* OK")


def _nobody_ids() -> tuple[str, str, int, int]:
    """(user, group, uid, gid) for the unprivileged mail owner when running as root."""
    user = pwd.getpwnam("nobody")
    for group_name in ("nogroup", "nobody"):
        try:
            return "nobody", group_name, user.pw_uid, grp.getgrnam(group_name).gr_gid
        except KeyError:
            continue
    return "nobody", grp.getgrgid(user.pw_gid).gr_name, user.pw_uid, user.pw_gid


class Dovecot:
    """A Dovecot IMAP (and optionally IMAPS) server on 127.0.0.1, all state under `directory`.

    Ports default to free ones. `extra_users` maps more user names to passwords;
    `oauth2_introspection_url` (loopback http only) also enables XOAUTH2/OAUTHBEARER.
    `tz` is the server's TZ: Dovecot reports every INTERNALDATE in it (it keeps the instant,
    not the offset given at APPEND). Use POSIX strings ("UTC", "<+0530>-5:30"): as root the
    mail processes are chrooted and cannot read zoneinfo files such as "Europe/Paris".
    """

    def __init__(self, directory, port: int | None = None, imaps_port: int | None = None, *,
                 imaps: bool = True, user: str = DEFAULT_USER, password: str = DEFAULT_PASSWORD,
                 extra_users: dict[str, str] | None = None,
                 oauth2_introspection_url: str | None = None, tz: str = "UTC",
                 start_timeout: float = 20.0, stop_timeout: float = 10.0) -> None:
        binary = find_dovecot()
        if binary is None:
            raise DovecotUnavailable(SKIP_REASON)
        self.binary = binary
        self.directory = Path(directory).absolute()
        if UNSAFE_PATH.search(str(self.directory)):
            raise ValueError(f"directory must not contain spaces, quotes or $: {self.directory}")
        if oauth2_introspection_url and not LOOPBACK_URL.match(oauth2_introspection_url):
            raise ValueError(f"introspection URL must be loopback http: {oauth2_introspection_url}")
        self.users = {user: password, **(extra_users or {})}
        for name, secret in self.users.items():
            if not (NAME_OR_PASSWORD.match(name) and NAME_OR_PASSWORD.match(secret)):
                raise ValueError(f"user names and passwords need no spaces or colons: {name!r}")
        self.host = HOST
        self.user, self.password = user, password
        self._auto_ports = port is None and (imaps_port is None or not imaps)
        self.port = port or free_port()
        self.imaps_port = (imaps_port or free_port()) if imaps else None
        self.oauth2_introspection_url = oauth2_introspection_url
        self.tz = tz
        self.start_timeout, self.stop_timeout = start_timeout, stop_timeout
        self.pid: int | None = None
        self.start_seconds: float | None = None
        self.stop_seconds: float | None = None

    # -- paths --------------------------------------------------------------------------

    @property
    def config_file(self) -> Path:
        return self.directory / "dovecot.conf"

    @property
    def pid_file(self) -> Path:
        return self.directory / "run" / "master.pid"

    @property
    def log_file(self) -> Path:
        return self.directory / "dovecot.log"

    @property
    def ca_file(self) -> Path | None:
        """The self-signed certificate to trust for IMAPS (None without IMAPS)."""
        return self.directory / "cert.pem" if self.imaps_port else None

    @property
    def maildir(self) -> Path:
        """The main user's Maildir."""
        return self.maildir_of(self.user)

    def maildir_of(self, user: str) -> Path:
        """The Maildir of `user` (one of self.users)."""
        return self.directory / "home" / user / "Maildir"

    # -- lifecycle ----------------------------------------------------------------------

    def running_pid(self) -> int | None:
        """The master pid from the pid file if that process is a live dovecot, else None."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _is_dovecot(pid) else None

    def start(self) -> Dovecot:
        """Start the server and wait for its greeting. If one already runs for this directory
        (pid file), adopt it and its ports (from DIR/env) instead."""
        started = time.monotonic()
        self.pid = self.running_pid()
        if self.pid is not None:
            self._adopt_ports()
            return self
        self.pid_file.unlink(missing_ok=True)
        self._prepare()
        for attempt in range(3 if self._auto_ports else 1):
            if attempt:  # a chosen port was taken between choosing and binding it
                self.port = free_port()
                self.imaps_port = free_port() if self.imaps_port else None
            self._write_config()
            error = self._launch()
            if error is None:
                break
            if "in use" not in error:
                raise RuntimeError(error)
        else:
            raise RuntimeError(error)
        self._write_env()
        self.start_seconds = time.monotonic() - started
        return self

    def stop(self) -> None:
        """SIGTERM the pid in the pid file and wait (SIGKILL after stop_timeout); then end its
        children that outlive it (an open IMAP session keeps its imap process ~10 s). Idempotent."""
        started = time.monotonic()
        pid = self.running_pid()
        self.pid = None
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return
        master, children = [_identity(pid)], [_identity(c) for c in _children(pid)]
        _signal(master, signal.SIGTERM)
        if not _wait_gone([pid], time.monotonic() + self.stop_timeout):
            _signal(master, signal.SIGKILL)
            _wait_gone([pid], time.monotonic() + self.stop_timeout)
        _end(children, self.stop_timeout)
        self.pid_file.unlink(missing_ok=True)
        self.stop_seconds = time.monotonic() - started

    def __enter__(self) -> Dovecot:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the server's log, for error messages."""
        parts = []
        for path in (self.directory / "startup.log", self.log_file):
            try:
                parts.append(path.read_text(errors="replace")[-chars:].strip())
            except OSError:
                pass
        return "\n".join(p for p in parts if p) or "(no log)"

    # -- start-up steps -----------------------------------------------------------------

    def _prepare(self) -> None:
        """Directories, passwd-file, Maildirs and (for IMAPS) the certificate."""
        for sub in ("", "run", "state", "home"):
            (self.directory / sub).mkdir(parents=True, exist_ok=True)
            os.chmod(self.directory / sub, 0o755)
        self._write_users()
        if self.imaps_port:
            self._make_certificate()

    def _write_users(self) -> None:
        """passwd-file lines `user:{PLAIN}pass:uid:gid::home`, plus pre-created Maildirs."""
        root = os.geteuid() == 0
        uid, gid = ("", "") if root else (str(os.getuid()), str(os.getgid()))
        home_prefix = "" if root else str(self.directory)  # as root, home is inside the chroot
        lines = []
        for name, secret in self.users.items():
            lines.append(f"{name}:{{PLAIN}}{secret}:{uid}:{gid}::{home_prefix}/home/{name}\n")
            self._make_maildir(name, root)
        users_file = self.directory / "users"
        users_file.write_text("".join(lines))
        os.chmod(users_file, 0o600)

    def _make_maildir(self, name: str, root: bool) -> None:
        """Pre-create a user's Maildir, owned by the mail uid (nobody) when running as root."""
        for sub in ("cur", "new", "tmp"):
            self.maildir_of(name).joinpath(sub).mkdir(parents=True, exist_ok=True)
        if root:
            _, _, uid, gid = _nobody_ids()
            home = self.directory / "home" / name
            for path in [home, *home.rglob("*")]:
                os.chown(path, uid, gid)

    def _make_certificate(self) -> None:
        """A self-signed certificate for localhost / 127.0.0.1 (kept across restarts)."""
        cert, key = self.directory / "cert.pem", self.directory / "key.pem"
        if cert.is_file() and cert.stat().st_size and key.is_file():
            return
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "7",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", str(key), "-out", str(cert)],
            stdin=subprocess.DEVNULL, capture_output=True, check=True, timeout=60)
        os.chmod(key, 0o600)

    def _dh_file(self) -> Path:
        """The packaged DH parameters, else ones generated once under the directory."""
        packaged = Path("/usr/share/dovecot/dh.pem")
        if packaged.is_file() and packaged.stat().st_size:
            return packaged
        own = self.directory / "dh.pem"
        if not own.is_file():
            subprocess.run(["openssl", "dhparam", "-dsaparam", "-out", str(own), "2048"],
                           stdin=subprocess.DEVNULL, capture_output=True, check=True, timeout=120)
        return own

    def _write_config(self) -> None:
        """Write dovecot.conf and check it with `dovecot -n`."""
        self.config_file.write_text(self._config())
        check = subprocess.run([self.binary, "-c", str(self.config_file), "-n"],
                               stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
        if check.returncode != 0:
            raise RuntimeError(f"dovecot config check failed:\n{check.stderr.strip()}")

    def _launch(self) -> str | None:
        """Run dovecot (it daemonises) and wait for the greeting; None on success, else why not."""
        # The daemon keeps the stdout/stderr it is given: never the caller's pipes.
        with open(self.directory / "startup.log", "wb") as out:
            done = subprocess.run([self.binary, "-c", str(self.config_file)],
                                  stdin=subprocess.DEVNULL, stdout=out, stderr=out, timeout=30,
                                  env={**os.environ, "TZ": self.tz})
        if done.returncode != 0:
            return f"dovecot failed to start (status {done.returncode}):\n{self.log_tail()}"
        deadline = time.monotonic() + self.start_timeout
        while not _greets(self.host, self.port):
            pid = self.running_pid()
            if pid is None or time.monotonic() >= deadline:
                why = "exited" if pid is None else f"sent no greeting in {self.start_timeout:.0f} s"
                self.stop()  # don't leave a half-started server behind
                return f"dovecot on {self.host}:{self.port} {why}:\n{self.log_tail()}"
            time.sleep(0.02)
        self.pid = self.running_pid()
        return None

    def _adopt_ports(self) -> None:
        """Take the ports of the server already running here from DIR/env."""
        try:
            lines = (self.directory / "env").read_text().splitlines()
        except OSError:
            return
        values = dict(line.split("=", 1) for line in lines if "=" in line)
        if values.get("IMAP_PORT", "").isdigit():
            self.port = int(values["IMAP_PORT"])
            imaps = values.get("IMAPS_PORT", "")
            self.imaps_port = int(imaps) if imaps.isdigit() else None

    def _write_env(self) -> None:
        """DIR/env with the connection settings, as start-dovecot.sh writes it."""
        values = {"IMAP_HOST": self.host, "IMAP_PORT": self.port,
                  "IMAPS_PORT": self.imaps_port or "", "IMAP_USER": self.user,
                  "IMAP_PASSWORD": self.password, "IMAP_CA_FILE": self.ca_file or "",
                  "MAILDIR": self.maildir}
        (self.directory / "env").write_text("".join(f"{k}={v}\n" for k, v in values.items()))

    # -- configuration text -------------------------------------------------------------

    def _config(self) -> str:
        d = self.directory
        oauth = self.oauth2_introspection_url
        mechanisms = "plain login" + (" xoauth2 oauthbearer" if oauth else "")
        # auth_failure_delay = 0 still leaves ~0.5 s per refused login (Dovecot's check timer)
        return f"""# Throwaway Dovecot config written by tests/dovecot.py -- loopback only.
instance_name = dovecot-test-{self.port}
base_dir = {d}/run
state_dir = {d}/state
protocols = imap
listen = {self.host}
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
{self._privileges_block()}
{self._ssl_block()}
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
auth_failure_delay = 0
mail_location = maildir:~/Maildir
mail_fsync = never
mail_max_userip_connections = 100
imap_max_line_length = 10M
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    auto = subscribe
    special_use = \\Sent
  }}
  mailbox Archive {{
    auto = subscribe
    special_use = \\Archive
  }}
}}
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {d}/users
}}
{self._oauth2_block()}
userdb {{
  driver = passwd-file
  args = username_format=%u {d}/users
}}
service imap-login {{
  {"" if os.geteuid() == 0 else "chroot ="}
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    {f"address = {self.host}" if self.imaps_port else ""}
    port = {self.imaps_port or 0}
    {"ssl = yes" if self.imaps_port else ""}
  }}
}}
service anvil {{
  {"" if os.geteuid() == 0 else "chroot ="}
  unix_listener anvil-auth-penalty {{
    # no per-IP penalty: after a refused login the next one would wait 2-15 s
    mode = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""

    def _privileges_block(self) -> str:
        """As root: mail as nobody chrooted into the directory; else all as the caller."""
        if os.geteuid() == 0:
            user, group, _, _ = _nobody_ids()
            return f"""mail_uid = {user}
mail_gid = {group}
mail_chroot = {self.directory}
valid_chroot_dirs = {self.directory}
service auth {{
  user = root
}}"""
        me = pwd.getpwuid(os.getuid()).pw_name
        my_group = grp.getgrgid(os.getgid()).gr_name
        return f"""default_login_user = {me}
default_internal_user = {me}
default_internal_group = {my_group}
first_valid_uid = {min(os.getuid(), 500)}
service ipc {{
  chroot =
}}"""

    def _ssl_block(self) -> str:
        if not self.imaps_port:
            return "ssl = no"
        d = self.directory
        return f"""ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
ssl_dh = <{self._dh_file()}"""

    def _oauth2_block(self) -> str:
        """An oauth2 passdb asking the introspection URL (POST token=...) about each token."""
        if not self.oauth2_introspection_url:
            return ""
        ext = self.directory / "oauth2.conf.ext"
        ext.write_text(f"""introspection_mode = post
introspection_url = {self.oauth2_introspection_url}
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
""")
        return f"""passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {ext}
}}"""


# -- the session fixture ----------------------------------------------------------------

_session: dict[str, Dovecot] = {}


def _session_server(tmp_path_factory) -> Dovecot:
    """The per-process Dovecot of the session fixture, started on first use."""
    from oauth_stub import OAuthStub

    if "server" not in _session:
        stub = OAuthStub(DEFAULT_USER).start()
        try:
            server = Dovecot(tmp_path_factory.mktemp("dovecot"), oauth2_introspection_url=stub.url)
            server.oauth, server.oauth_token = stub, stub.token
            server.start()
        except Exception:
            stub.stop()
            raise
        _session["server"] = server
    return _session["server"]


@pytest.fixture(scope="session")
def dovecot(tmp_path_factory):
    """One Dovecot for the session (IMAP + IMAPS + XOAUTH2 via an OAuthStub); skips without it.

    Extra attributes: `oauth` (the running OAuthStub) and `oauth_token` (accepted for
    `user`). Cached per process, so importing this fixture in several modules shares one
    server. Tests share its mailboxes: use your own folders, or clear_mailbox first.
    """
    try:
        server = _session_server(tmp_path_factory)
    except DovecotUnavailable as exc:
        pytest.skip(str(exc))
    yield server
    server.stop()
    server.oauth.stop()
