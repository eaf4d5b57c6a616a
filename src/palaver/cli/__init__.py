"""The ``palaver`` command: run the server, manage apps, sign UserSigs, try a demo.

Commands::

    palaver serve                  run a node (settings: options > PALAVER_* > TOML > defaults)
    palaver app create|list|show|set
    palaver usersig gen|verify|dump
    palaver demo                   create a demo app once, print how to call it, serve

``serve``, ``demo`` and every ``app`` command take the same storage options
(``--data-dir``, ``--database-url``, ``--config``), read the same way: an
option wins over its ``PALAVER_*`` variable, which wins over the TOML file.
Secret keys are never printed or logged, except by ``app show --show-key``.

One module per command group: :mod:`.serve`, :mod:`.apps`, :mod:`.usersig`,
:mod:`.demo`, :mod:`.callbacks`, :mod:`.words`, :mod:`.search` and :mod:`.ops`
(backup, restore, migrate, migrate-db, stats, account); what they share (the
storage options, failing, opening the database) is in :mod:`.common`.
"""

from __future__ import annotations

import click

from palaver import __version__
from palaver.cli.apps import app
from palaver.cli.callbacks import callbacks
from palaver.cli.demo import demo
from palaver.cli.ops import register_ops
from palaver.cli.search import search
from palaver.cli.serve import serve
from palaver.cli.usersig import usersig
from palaver.cli.words import words


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="palaver")
def palaver() -> None:
    """Palaver: a self-hosted IM server speaking Tencent Cloud IM's REST API."""


palaver.add_command(usersig)
register_ops(palaver)
for command in (serve, app, callbacks, words, demo, search):
    palaver.add_command(command)


def main() -> None:
    """Entry point of the ``palaver`` console script and ``python -m palaver``."""
    palaver(prog_name="palaver")
