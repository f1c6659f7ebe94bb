"""Demo and bootstrap data: Hanoi places, real standards and sector requirements, a seeded generator."""
