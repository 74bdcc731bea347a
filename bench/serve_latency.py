"""How soon the live preview is up to date after a save.

    python bench/serve_latency.py [--edits 10]

Starts `noticegen serve` on a copy of the example project, saves an edit to an activity
file, and times how long until the preview's state shows a new check and render (HTML;
PDFs are made only when asked for). Prints a table; the figures go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


def state(url: str) -> dict:
    with urllib.request.urlopen(url + "__noticegen/state", timeout=10) as response:
        return json.loads(response.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "school"
        project.mkdir()
        for part in ("datamap", "notices", "noticegen.yaml"):
            source = REPOSITORY / part
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / part)
        env = dict(os.environ, PYTHONPATH=str(REPOSITORY), PYTHONUNBUFFERED="1")
        server = subprocess.Popen([sys.executable, "-m", "noticegen", "serve", "--port", "0"],
                                  cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        try:
            url = server.stdout.readline().split(" at ", 1)[1].split()[0]
            activity = project / "datamap" / "activities" / "pupil-records.yaml"
            original = activity.read_text()
            latencies, renders = [], []
            for edit in range(args.edits):
                before = state(url)["generation"]
                activity.write_text(original.replace("purposes:\n", f"purposes:\n  - Edit number {edit}\n", 1))
                started = time.perf_counter()
                while True:
                    now = state(url)
                    if now["generation"] > before:
                        break
                    time.sleep(0.005)
                latencies.append(time.perf_counter() - started)
                renders.append(now["seconds"])
                time.sleep(0.2)
        finally:
            server.terminate()
            server.communicate(timeout=10)
    print("| measurement | median | worst | target |")
    print("|---|---|---|---|")
    print(f"| preview up to date after a save (example, HTML), {args.edits} edits | "
          f"{statistics.median(latencies):.3f} s | {max(latencies):.3f} s | ≤ 0.5 s |")
    print(f"| of which check and render | {statistics.median(renders):.3f} s | {max(renders):.3f} s | |")


if __name__ == "__main__":
    main()
