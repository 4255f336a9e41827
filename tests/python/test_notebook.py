"""The analysis notebook runs top to bottom, headless, and shows its tables and figures."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def executed(models_dir, tmp_path_factory):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(ROOT / "notebooks" / "seeds_analysis.ipynb", as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    out = tmp_path_factory.mktemp("nb")
    # Keep the first figure as a PNG next to the test run, to look at.
    for cell in notebook.cells:
        for o in cell.get("outputs", []):
            if "image/png" in o.get("data", {}):
                (out / "figure.png").write_bytes(base64.b64decode(o["data"]["image/png"]))
                return notebook
    return notebook


def outputs(notebook):
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def test_no_cell_fails(executed):
    errors = [o for o in outputs(executed) if o.output_type == "error"]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]
    assert all(cell.get("execution_count") for cell in executed.cells if cell.cell_type == "code")


def test_figures_and_tables_are_shown(executed):
    images = [o for o in outputs(executed) if "image/png" in o.get("data", {})]
    assert len(images) >= 2, "the heatmap and the bar chart must render"
    html = "\n".join(o["data"]["text/html"] for o in outputs(executed) if "text/html" in o.get("data", {}))
    for expected in ("Marco Rubio", "Nicolás Maduro", "United States", "evidence", "also in"):
        assert expected in html, expected
