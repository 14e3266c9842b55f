"""The Secure Processing Environment (SPE): its concept (``requirements``) and, later, its runtime.

Nothing here imports web or CLI code; see ../shared/DESIGN.md.
"""
