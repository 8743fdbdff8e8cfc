"""newsgraph: business news in, a temporal knowledge graph of typed facts out."""

__version__ = "0.1.0"
