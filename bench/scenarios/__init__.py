"""The scenarios of ``python -m bench`` (issue 5 §2). Each returns result rows.

Every scenario starts its own server(s) on a fresh data folder (so peak memory
is the scenario's own), pinned to core 0, and one or more load generator
processes pinned to core 1. Sizes come from :class:`Sizes` (full or ``--quick``).

A row is a flat dict: ``scenario``, ``variant`` and the measurements, named
with their unit (``msgs_per_s``, ``p99_ms``, ``server_cpu_us_per_msg``,
``kb_per_conn``...); ``docs/benchmarks.md`` explains how each is taken.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bench.scenarios.c2c import c2c_burst, c2c_burst_tencent, c2c_paced
from bench.scenarios.callbacks import c2c_burst_callbacks
from bench.scenarios.cluster import cluster
from bench.scenarios.common import Ctx, Node, Row, Sizes, pair_users, single_node, summary
from bench.scenarios.group import group_fanout
from bench.scenarios.history import history
from bench.scenarios.idle import idle_conns
from bench.scenarios.media import media
from bench.scenarios.rest import rest_sendmsg
from bench.scenarios.search import search
from bench.scenarios.storms import STORM_PER_HOLDER, login_storm, login_storm_restart

__all__ = [
    "ALIASES",
    "SCENARIOS",
    "STORM_PER_HOLDER",
    "Ctx",
    "Node",
    "Row",
    "Sizes",
    "pair_users",
    "single_node",
    "summary",
]

Scenario = Callable[[Ctx], Awaitable[list[Row]]]
SCENARIOS: dict[str, Scenario] = {
    "c2c_burst": c2c_burst,
    "c2c_paced": c2c_paced,
    "rest_sendmsg": rest_sendmsg,
    "idle_conns": idle_conns,
    "history": history,
    "cluster": cluster,
    "group_fanout": group_fanout,
    "c2c_burst_tencent": c2c_burst_tencent,
    "media": media,
    "c2c_burst_callbacks": c2c_burst_callbacks,
    "login_storm": login_storm,
    "login_storm_restart": login_storm_restart,
    "search": search,
}

ALIASES = {"sendmsg": "rest_sendmsg"}
