"""Annotation: spaCy, the gazetteer, headline recasing, amounts and dates."""
