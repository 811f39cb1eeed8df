"""Output: every file of a built site as (path, bytes), made from the model and the theme.

`context` sets up what a build shares, `artifacts` names every file (site-wide and per
award); `theme`/`markup` render pages, `pages`/`feeds`/`cards`/`statsreport` make them,
`bake` embeds assertions in images, `credentials` signs OB 3.0. Nothing here writes a
file or remembers anything between builds: that is write.py and incremental/.
"""
