bigger : Ord a => a -> a -> a
