"""Daily repair of a published roster (DESIGN.md section 7): events, the repair model, suggestions."""
