"""Helpers the tests share: real validators, verifiers and a browser, run on 127.0.0.1.

- browser.py: headless Chromium (playwright) and a static file server, with axe-core;
- ob2harness.py: the official 1EdTech OB 2.0 validator, in its own venv;
- vcharness.py: Digital Bazaar's Verifiable Credentials verifier and jsonld.js, with node;
- ob3site.py: every OB 3.0 file of a loaded site, signed in one process (for tests that
  look at what is signed, without a build).
"""
