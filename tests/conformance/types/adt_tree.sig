size : Tree a -> Int
to_list : Tree a -> List a
single : Tree Int
