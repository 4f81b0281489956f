"""Shipped model files (package data): reader/ is the trained span reader that newsdesk loads by default."""
