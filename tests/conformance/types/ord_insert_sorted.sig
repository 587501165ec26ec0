insert_sorted : Ord a => a -> List a -> List a
