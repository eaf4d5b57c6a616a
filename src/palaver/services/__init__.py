"""Domain services: the rules of Tencent IM, between the API layers and storage.

Services take Python values (never HTTP requests), raise
:class:`palaver.errors.ImError` with Tencent codes, and reach the database only
through :mod:`palaver.storage`.
"""
