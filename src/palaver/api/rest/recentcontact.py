"""Tencent IM REST `recentcontact` commands."""
