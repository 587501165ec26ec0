member : Eq a => a -> List a -> Bool
