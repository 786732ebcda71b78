print("frenemyd")
