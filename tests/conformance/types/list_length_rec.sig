len : List a -> Int
