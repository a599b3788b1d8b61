"""Exports of a roster for HR and home units (csv, xlsx, ics) and the command-centre HTML report."""
