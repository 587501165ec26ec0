total : List Int -> Int
