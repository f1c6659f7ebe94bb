"""Reading import files (CSV, JSON, JSON Lines), validating rows and spotting probable duplicates."""
