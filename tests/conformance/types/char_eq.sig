is_q : Char -> Bool
