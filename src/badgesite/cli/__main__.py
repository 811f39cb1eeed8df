"""`python -m badgesite.cli`: the same as the `badgesite` command."""
import sys

from . import main

sys.exit(main())
