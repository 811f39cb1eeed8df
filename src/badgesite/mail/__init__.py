"""Telling recipients: the `mail:` settings, the outbox outside the repository, the
messages (from theme templates) and sending them over SMTP.

    settings  badgesite.yaml `mail:` -> model.Mail
    outbox    queued messages and the sent log, in the user's data folder
    compose   one award or revocation -> email.message.EmailMessage
    send      live check of award pages, one SMTP connection per batch, rate limit
"""
