evens : List Int -> List Int
