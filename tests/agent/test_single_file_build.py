"""The PyInstaller recipe builds one pika-dj executable that runs without Python:
`--version`, and `doctor` finding VirtualDJ and a server that accepts the token.
The build takes about a minute of a core: it starts when the run is collected and this
test runs last (tests/conftest.py), so it is slow-marked but costs the run little."""

import shutil
import subprocess

import pytest

from tests.agent.conftest import FIXTURES, TOKEN

pytestmark = pytest.mark.slow


def test_the_single_file_executable_runs_version_and_doctor(request, tmp_path, fake_pika):
    # Started when the run was collected (tests/conftest.py): it built while the others ran.
    build = request.config.pika_agent_build
    assert build is not None, "PyInstaller is missing: it is a test extra (make install-test)"
    status, log = build.wait()
    assert status == 0, log
    executable = build.executable
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
