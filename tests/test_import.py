import subprocess
import sys


def printed(*statements: str) -> list[str]:
    """The lines a fresh interpreter prints running ``statements``."""
    done = subprocess.run(
        [sys.executable, "-c", "; ".join(statements)], capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def test_import_is_light():
    assert printed(
        "import sys, tgnas, tgnas.spaces, tgnas.benchmarks, tgnas.embed, tgnas.evaluation",
        "heavy = [m for m in ('torch', 'lightning', 'transformers', 'torch_geometric') if m in sys.modules]",
        "print(','.join(heavy))",
    ) == [""]


def test_parsing_an_architecture_is_light():
    """Every space's string forms parse without torch (EfficientNet block strings included)."""
    assert printed(
        "import sys; from tgnas.spaces import get_space; s = get_space('anb')",
        "s.parse('e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2')",
        "s.parse('r1_k3_e1 r2_k3_e6 r2_k5_e6 r3_k3_e6 r3_k5_e6 r4_k5_e6 r1_k3_e6')",
        "print('torch' in sys.modules)",
    ) == ["False"]


def test_the_library_pieces_are_attributes_of_tgnas():
    """``import tgnas`` alone gives ``tgnas.proxies`` and the other pieces (imported on first use), as the
    README's examples use them; a name that is none stays an AttributeError."""
    assert printed(
        "import sys, tgnas; print('torch' in sys.modules)",
        "print(tgnas.spaces.get_space('nb201').name, callable(tgnas.proxies.score), 'torch' in sys.modules)",
        "print(all(getattr(tgnas, n).__name__ == 'tgnas.' + n for n in sorted(tgnas.SUBMODULES)))",
        "print(hasattr(tgnas, 'nope'))",
    ) == ["False", "nb201 True True", "True", "False"]
