"""The pika-dj single-file build (PyInstaller), started in the background when the run
collects its test (tests/conftest.py) and waited for by the test.

In a parallel run the controller starts it and a worker waits for it: the build leaves its
exit status in a file, which any process can wait for."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from importlib.util import find_spec
from pathlib import Path

from tests.agent.conftest import AGENT_DIR


class AgentBuild:
    def __init__(self, where):
        self.where = Path(where)
        self.process = None
        self.executable = self.where / "dist" / "pika-dj"
        self.status = self.where / "status"

    @classmethod
    def planned(cls):
        """A build (not started) in a temporary directory, or None without PyInstaller."""
        if find_spec("PyInstaller") is None:
            return None
        return cls(tempfile.mkdtemp(prefix="pika-dj-build-"))

    @classmethod
    def start(cls):
        build = cls.planned()
        return build.begin() if build else None

    def begin(self):
        if self.process is None:
            command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                       "--distpath", str(self.where / "dist"), "--workpath", str(self.where / "build"),
                       str(AGENT_DIR / "packaging" / "pika-dj.spec")]
            # Its own process group, so discard() stops PyInstaller's helpers too.
            self.process = subprocess.Popen(
                ["sh", "-c", '"$@" 2>build.log; echo $? >status.part; mv status.part status', "sh", *command],
                stdout=subprocess.DEVNULL, cwd=self.where, start_new_session=True,
            )
        return self

    def wait(self, timeout=600):
        """(exit status, the end of PyInstaller's log)."""
        deadline = time.monotonic() + timeout
        while not self.status.exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"the agent's build did not end within {timeout} s")
            time.sleep(0.2)
        return int(self.status.read_text()), (self.where / "build.log").read_text()[-3000:]

    def discard(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        shutil.rmtree(self.where, ignore_errors=True)
