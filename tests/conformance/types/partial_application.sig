add3 : Int -> Int -> Int -> Int
add_ten : Int -> Int
