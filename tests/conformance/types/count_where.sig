count_where : (a -> Bool) -> List a -> Int
