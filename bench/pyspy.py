"""``python -m bench.pyspy FILE [N]``: the top functions of a raw py-spy profile.

Reads what :func:`bench.harness.profiled` writes (``py-spy record --format raw``:
one ``frame;frame;...;frame count`` line per distinct stack, outermost first,
a frame being ``function (file:line)``) and prints the ``N`` (30) functions with
the largest inclusive share (% of samples with the function anywhere on the
stack; start-up, CLI and event-loop frames left out) and the largest self share
(% with it innermost; C code called from Python counts as its caller), line
numbers dropped.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

_LINE = re.compile(r":\d+\)$")
#: frames on every stack (start-up, CLI, the loop's and threads' run): not shown
_START = re.compile(
    r"\((<frozen runpy>|click/|palaver/cli\.py|palaver/__main__\.py|palaver/server\.py"
    r"|asyncio/runners\.py|asyncio/base_events\.py|threading\.py)"
)


def load(path: Path) -> list[tuple[list[str], int]]:
    """The stacks of a raw profile with their sample counts (frames without line)."""
    stacks = []
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            frames = [_LINE.sub(")", f.strip()) for f in stack.split(";")]
            stacks.append((frames, int(count)))
    return stacks


def summary(path: Path, top: int = 30) -> str:
    stacks = load(path)
    total = sum(n for _, n in stacks) or 1
    stacks = [([f for f in frames if not _START.search(f)] or frames, n) for frames, n in stacks]
    incl: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for frames, n in stacks:
        for f in set(frames):
            incl[f] += n
        own[frames[-1]] += n
    out = [f"{path.name}: {total:,} samples", "", "inclusive %  function"]
    out += [f"{n / total * 100:10.1f}  {f}" for f, n in incl.most_common(top)]
    out += ["", "self %  function"]
    out += [f"{n / total * 100:6.1f}  {f}" for f, n in own.most_common(top)]
    return "\n".join(out)


if __name__ == "__main__":
    print(summary(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 30))
