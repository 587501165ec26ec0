only_int : Int -> Int
