"""The pika-dj single-file build (PyInstaller), started in the background when the run
collects its test (tests/conftest.py) and waited for by the test."""

import shutil
import subprocess
import sys
import tempfile
from importlib.util import find_spec
from pathlib import Path

from tests.agent.conftest import AGENT_DIR


class AgentBuild:
    def __init__(self, where, process, log):
        self.where = where
        self.process = process
        self.log = log
        self.executable = where / "dist" / "pika-dj"

    @classmethod
    def start(cls):
        """The build under way in a temporary directory, or None without PyInstaller."""
        if find_spec("PyInstaller") is None:
            return None
        where = Path(tempfile.mkdtemp(prefix="pika-dj-build-"))
        log = open(where / "build.log", "w")
        process = subprocess.Popen(
            [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
             "--distpath", str(where / "dist"), "--workpath", str(where / "build"),
             str(AGENT_DIR / "packaging" / "pika-dj.spec")],
            stdout=subprocess.DEVNULL, stderr=log, cwd=where,
        )
        return cls(where, process, log)

    def wait(self, timeout=600):
        """(exit status, the end of PyInstaller's log)."""
        status = self.process.wait(timeout=timeout)
        self.log.close()
        return status, (self.where / "build.log").read_text()[-3000:]

    def discard(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()
        shutil.rmtree(self.where, ignore_errors=True)
