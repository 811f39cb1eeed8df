"""Writing content: a new site (`scaffold`), awards appended to the ledger (`awarding`,
from the command line or a spreadsheet: `spreadsheet`), revocations, all through
`ledger_edit`, which changes a ledger file without disturbing the rest of it."""

from . import awarding, ledger_edit, scaffold, spreadsheet  # what the commands use
