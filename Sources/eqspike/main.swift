print("eqspike")
