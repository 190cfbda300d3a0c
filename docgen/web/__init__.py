"""The web page of docgen for office staff (``docgen serve``): a thin Starlette shell over the
library. See docgen.web.app for the URL map and the safety rules, docgen.web.cli for the command.
"""
