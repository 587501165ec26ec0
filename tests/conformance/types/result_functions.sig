safe_div : Int -> Int -> Result Int String
wrap_ok : a -> Result a b
