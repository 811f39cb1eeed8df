"""Telling recipients: the outbox outside the repository, the messages (from theme
templates) and sending them over SMTP. (config.py reads the `mail:` settings.)

    queue     what award and revoke --notify queue, checked first
    outbox    queued messages and the sent log, in the user's data folder
    compose   one award or revocation -> email.message.EmailMessage
    send      live check of award pages, one SMTP connection per batch, rate limit
    deliver   notify's work: sort the queue, check, make, send; the result as data

The command line is cli/notify.py (with the hooks of award and revoke).
"""

from . import deliver, outbox, queue  # what the commands use (cli/notify.py)
