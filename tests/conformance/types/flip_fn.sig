flipped : (a -> b -> c) -> b -> a -> c
