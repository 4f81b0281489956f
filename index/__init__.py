"""Ingestion and the persisted hybrid index: load, clean, split, chunk, embed, persist."""
