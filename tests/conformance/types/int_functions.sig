inc : Int -> Int
is_pos : Int -> Bool
