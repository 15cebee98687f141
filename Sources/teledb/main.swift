print("teledb")
