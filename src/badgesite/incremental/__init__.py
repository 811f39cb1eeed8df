"""The incremental build: the one place that decides what is unchanged.

`fingerprints` holds every notion of "the same" (inputs, ledger validation, the base
of every award, pages); `store` the cache folder; `state` the output's state record
(the live build's record, read and written nowhere else); `records` an award as the
cache keeps it; `ledgers` ledger files validated once per content; `loading` the model
for a build; `memos` what saves time only (Markdown, images, compiled templates);
`diff` what changed since the live build; `uptodate` whether anything did at all.
Nothing below this package imports it: what it remembers is given to the layers below.
"""
