"""Compose: decisions → document contexts, the plain dicts the DOCX templates receive.

One module per document kind; ``common`` holds what every paper shares (header, number and
symbol, date line, signature, recipients).
"""
