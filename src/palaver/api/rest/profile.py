"""Tencent IM REST `profile` commands."""
