lift : (a -> b) -> Result a c -> Result b c
bump : Result Int a -> Result Int a
