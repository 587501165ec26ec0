apply_twice : (a -> a) -> a -> a
