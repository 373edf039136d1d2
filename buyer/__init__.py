"""buyer: a procurement compliance assistant for OpenStack clouds."""

__version__ = "0.1.0"
