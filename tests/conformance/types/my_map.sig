my_map : (a -> b) -> List a -> List b
