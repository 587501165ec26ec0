count_eq : Eq a => a -> List a -> Int
