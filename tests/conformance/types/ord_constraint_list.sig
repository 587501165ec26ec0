largest : Ord a => List a -> a
