"""kbgen: a help center for online shops and marketplaces, built from Markdown."""

__version__ = "0.1.0"
