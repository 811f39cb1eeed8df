"""The incremental build: the one place that decides what is unchanged.

`fingerprints` holds every notion of "the same" (inputs, ledger validation, the base
of every award, pages); `store` the cache folder; `records` an award as the cache keeps
it; `ledgers` ledger files validated once per content; `loading` the model for a
build; `memos` what saves time only; `diff` what changed since the live build;
`uptodate` whether anything did at all. Nothing below this package imports it.
"""
