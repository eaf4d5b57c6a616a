"""Tencent IM REST API. Importing this package registers every command."""

from palaver.api.rest import (  # noqa: F401  (imported to register their commands)
    all_member_push,
    dirty_words,
    group,
    login,
    message_extras,
    message_ops,
    openconfig,
    openim,
    profile,
    recentcontact,
    recentcontact_marks,
    sns,
    sns_groups,
)
from palaver.api.rest.core import REGISTRY, RestApi

__all__ = ["REGISTRY", "RestApi"]
