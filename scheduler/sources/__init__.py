"""Where instances come from: the field-profile generator and the Curtois–Qu importer."""
