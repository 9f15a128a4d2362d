"""``pdsa serve``: the app in a browser, one app process per visitor, behind a token.

Imported only by the ``serve`` subcommand: ``pdsa`` itself never loads it, nor the web
server libraries it needs.
"""
