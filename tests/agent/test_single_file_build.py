"""The PyInstaller recipe builds one pika-dj executable that runs without Python:
`--version`, and `doctor` finding VirtualDJ and a server that accepts the token.
Takes about two minutes on a shared 2-core machine, so it is slow-marked."""

import shutil
import subprocess
import sys

import pytest

from tests.agent.conftest import AGENT_DIR, FIXTURES, TOKEN

pytestmark = pytest.mark.slow


def test_the_single_file_executable_runs_version_and_doctor(tmp_path, fake_pika):
    pytest.importorskip("PyInstaller", reason="pip install pyinstaller (a test extra)")
    build = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(tmp_path / "dist"), "--workpath", str(tmp_path / "build"),
         str(AGENT_DIR / "packaging" / "pika-dj.spec")],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    executable = tmp_path / "dist" / "pika-dj"
    home = tmp_path / "home"
    shutil.copytree(FIXTURES / "virtualdj" / "History", home / "Documents" / "VirtualDJ" / "History")
    # No Python and no project on the path: only what is inside the file.
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "PIKA_DJ_CONFIG": str(home / "config.json")}

    version = subprocess.run([executable, "--version"], capture_output=True, text=True, env=env, cwd=home, timeout=60)
    assert (version.returncode, version.stdout) == (0, "pika-dj 0.1.0\n")

    doctor = subprocess.run([executable, "doctor", "--server", fake_pika.url, "--token", TOKEN],
                            capture_output=True, text=True, env=env, cwd=home, timeout=60)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    history = home / "Documents" / "VirtualDJ" / "History"
    assert f"  VirtualDJ  found: {history} (history last written " in doctor.stdout
    assert f"`pika-dj live` follows VirtualDJ ({history}): it is the only DJ program found." in doctor.stdout
    assert doctor.stdout.splitlines()[-1] == f"Server: {fake_pika.url} answers and accepts the token."
    assert doctor.stderr == ""
