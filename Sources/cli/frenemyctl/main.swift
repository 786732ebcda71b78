print("frenemyctl")
