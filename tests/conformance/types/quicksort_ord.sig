qs : Ord a => List a -> List a
