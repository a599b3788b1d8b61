"""Column generation over whole rosters per cadre: pricing, labelling, the master LP, the dive."""
