"""What kbgen needs to know about the MkDocs theme it renders with.

Everything theme-specific on the Python side lives in one module per theme
(``material.py``); the rest of kbgen speaks in theme-neutral terms (a page
"does without navigation", "is left out of the static search"). A second theme
would be one new module here plus its templates under ``theme/``.
"""
