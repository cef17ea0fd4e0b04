"""The wheel: built from the checkout, installed into a fresh environment outside it, it scores with the
shipped checkpoint (checkpoints and our own data travel as package data)."""

import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BEST = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"


def test_every_package_is_listed_for_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "tgnas").rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml's packages: {sorted(found - listed)}"


@pytest.mark.skipif(shutil.which("uv", path=str(Path(sys.executable).parent)) is None, reason="needs uv")
def test_wheel_installs_and_scores_outside_the_checkout(tmp_path):
    uv = shutil.which("uv", path=str(Path(sys.executable).parent))
    out = tmp_path / "dist"
    subprocess.run(
        [
            uv,
            "build",
            "--python",
            sys.executable,
            "--wheel",
            "--no-build-isolation",
            "-o",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    (wheel,) = out.glob("tgnas-*.whl")
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    py = env / "bin" / "python"
    subprocess.run(
        [uv, "pip", "install", "--no-deps", "--python", str(py), str(wheel)], check=True, capture_output=True
    )
    # the dependencies come from this environment's site-packages (not its editable tgnas: a .pth in a
    # plain folder on sys.path is not processed)
    site = subprocess.run(
        [str(py), "-c", "import site; print(site.getsitepackages()[0])"],
        capture_output=True,
        text=True,
        check=True,
    )
    Path(site.stdout.strip(), "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run = subprocess.run(
        [str(env / "bin" / "tgnas"), "score", BEST, "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TGNAS_CACHE": str(tmp_path / "cache")},
    )
    assert run.returncode == 0, run.stderr
    where = subprocess.run(
        [str(py), "-c", "import tgnas; print(tgnas.__file__)"], capture_output=True, text=True, cwd=tmp_path
    )
    assert str(env) in where.stdout  # the installed copy ran, not the checkout
    import json

    assert 80 < json.loads(run.stdout)["scores"][0]["score"] < 110
