positives_doubled : List Int -> List Int
