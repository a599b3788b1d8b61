"""From a solve to the roster file: composition, shortfall reasons in words, pre-solve warnings."""
