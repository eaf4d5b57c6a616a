"""Palaver: a self-hosted instant-messaging server, wire-compatible with Tencent Cloud IM.

The package is laid out by layer:

- :mod:`palaver.usersig` - UserSig v1 (ECDSA) and v2 (HMAC-SHA256) signatures.
- :mod:`palaver.settings` - the one typed settings object (TOML file + ``PALAVER_*``).
- :mod:`palaver.storage` - SQLAlchemy Core tables and every SQL query.
- :mod:`palaver.services` - domain services (accounts, messages, friends, ...).
- :mod:`palaver.api` - thin HTTP layers (the Tencent REST API) over the services.
- :mod:`palaver.cli` - the ``palaver`` command.
"""

__version__ = "0.1.0"
