"""Tencent IM REST API. Importing this package registers every command."""

from palaver.api.rest import (  # noqa: F401  (imported to register their commands)
    dirty_words,
    group,
    login,
    message_ops,
    openim,
    profile,
    recentcontact,
    sns,
)
from palaver.api.rest.core import REGISTRY, RestApi

__all__ = ["REGISTRY", "RestApi"]
