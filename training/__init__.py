"""Training the span reader (not imported when answering questions): config, windows, train, export."""
