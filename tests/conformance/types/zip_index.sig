numbered : List Int -> List (List Int)
