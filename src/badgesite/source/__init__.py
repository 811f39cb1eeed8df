"""Sources: the only package that reads the user's files.

YAML with a position for every value (`yaml/`), typed field access with did-you-mean
(`fields`), badge files with front-matter (`badges`, `frontmatter`), ledger files
(`ledger`), images checked before they are published (`images`), keys.yaml (`keyfile`)
and the scan for private keys (`leaks`). Every problem is a Diagnostic with its place.
"""
