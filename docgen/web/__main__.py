"""``python -m docgen.web [--host H] [--port P] [--workers N]``: the same as ``docgen serve``."""

from docgen.web.cli import serve

serve(prog_name="docgen serve")
