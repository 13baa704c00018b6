"""redraft: from e-mailed consultation comments to a new draft."""
__version__ = "0.1.0"
