"""notebooks/quickstart.ipynb runs end to end (its code cells, in order, in one namespace)."""

import json
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "quickstart.ipynb"


def test_quickstart_notebook_executes(capsys):
    nb = json.loads(NOTEBOOK.read_text())
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(cells) >= 5
    namespace: dict = {}
    for k, source in enumerate(cells):
        exec(compile(source, f"{NOTEBOOK.name}[code cell {k}]", "exec"), namespace)  # noqa: S102
    out = capsys.readouterr().out
    assert "Kendall tau" in out and "withheld: ['cifar10']" in out and "Genotype(normal=" in out
    assert "read as: nb201 |" in out  # the network module, read back into its cell
    assert namespace["result"].notes["labels_used"] == 156
