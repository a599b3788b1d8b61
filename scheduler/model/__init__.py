"""The roster model: calendar, typed variables, one module per rule family, the objective."""
