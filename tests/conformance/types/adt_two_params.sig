swap_side : Either2 a b -> Either2 b a
