inc : Int -> Int
inc_show : Int -> String
