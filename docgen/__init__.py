"""docgen: the paperwork of a Vietnamese cadre-planning round (quy hoạch cán bộ).

Pipeline: load → validate → decide → compose → render → assemble, one module per stage.
"""

__version__ = "0.1.0"
