"""Accounts of the Portal: local users, roles, publisher bindings, API tokens and web sessions.

The modules: ``models`` (tables), ``validation`` (input rules and :class:`AccountError`),
``passwords`` (argon2id hashing), ``service`` (users, roles, bindings), ``tokens`` (API tokens and
web sessions), ``permissions`` (who may write what). Nothing here imports web code.
"""
