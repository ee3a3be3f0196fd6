"""Demo data of the surveys app: questionnaires, campaigns and answers; citizen reviews."""
