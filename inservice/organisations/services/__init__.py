"""Write services of the organisations app: reference data and directory imports."""
