compose : (a -> b) -> (b -> c) -> a -> c
