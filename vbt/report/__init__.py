"""Reports of an analysed set: JSON, a readable table, and (with capture) plots and annotated video."""
