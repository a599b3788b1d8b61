"""The search for rosters: budget, settings, the CP-SAT runner and the first-roster strategies."""
