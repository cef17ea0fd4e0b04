import subprocess
import sys


def test_import_is_light():
    code = (
        "import sys, tgnas, tgnas.spaces, tgnas.benchmarks, tgnas.embed, tgnas.evaluation; "
        "heavy = [m for m in ('torch', 'lightning', 'transformers', 'torch_geometric') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
