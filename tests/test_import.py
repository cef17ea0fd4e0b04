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


def test_parsing_an_architecture_is_light():
    """Every space's string forms parse without torch (EfficientNet block strings included)."""
    code = (
        "import sys; from tgnas.spaces import get_space; s = get_space('anb'); "
        "s.parse('e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2'); "
        "s.parse('r1_k3_e1 r2_k3_e6 r2_k5_e6 r3_k3_e6 r3_k5_e6 r4_k5_e6 r1_k3_e6'); "
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_library_pieces_are_attributes_of_tgnas():
    """``import tgnas`` alone gives ``tgnas.proxies`` and the other pieces (imported on first use), as the
    README's examples use them; a name that is none stays an AttributeError."""
    code = (
        "import sys, tgnas; print('torch' in sys.modules); "
        "print(tgnas.spaces.get_space('nb201').name, callable(tgnas.proxies.score), 'torch' in sys.modules); "
        "print(all(getattr(tgnas, n).__name__ == 'tgnas.' + n for n in sorted(tgnas.SUBMODULES))); "
        "print(hasattr(tgnas, 'nope'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:4] == ["False", "nb201 True True", "True", "False"]
