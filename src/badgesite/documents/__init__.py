"""Documents: pure functions from the model to what the standards publish.

- `ob2`: OB 2.0 Issuer, BadgeClass, Assertion, RevocationList and the edubadges extensions;
- `ob3`: the OB 3.0 achievement, credential, DID document and status list credentials
  (unsigned: output/credentials.py signs them);
- `bitstring`: the Bitstring Status List encoding;
- `stats`: the programme's figures;
- `json`: a document as bytes, the same bytes for the same document.
"""
