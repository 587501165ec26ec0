ins : Ord a => a -> Tree a -> Tree a
