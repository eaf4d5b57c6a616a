"""docs/tencent-client-protocol.md lists every command of Tencent's SDK with what Palaver
does: the table must say "implemented" for exactly the commands that are."""

from __future__ import annotations

import re
from pathlib import Path

from palaver.api.tencent.core import COMMANDS, find

DOC = Path(__file__).resolve().parents[2] / "docs" / "tencent-client-protocol.md"
ROW = re.compile(r"^\| `([a-zA-Z_]+\.[a-zA-Z0-9_]+)` \|[^|]*\| (implemented|refused: (\d+)) \|$")


def table() -> dict[str, str]:
    rows = {}
    for line in DOC.read_text().splitlines():
        m = ROW.match(line)
        if m:
            rows[m.group(1)] = m.group(2)
    return rows


def test_the_command_table_matches_the_code() -> None:
    rows = table()
    assert len(rows) > 100  # the SDK 3.6.6 knows about 150 commands
    wrong = {s: st for s, st in rows.items() if (st == "implemented") != (find(s) is not None)}
    assert not wrong, f"the doc says, the code disagrees: {wrong}"
    missing = set(COMMANDS) - set(rows)
    assert not missing, f"implemented but not in the doc: {sorted(missing)}"
    refused = {st for st in rows.values() if st != "implemented"}
    assert refused == {"refused: 60009"}, refused
