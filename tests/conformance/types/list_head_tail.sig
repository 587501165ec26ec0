hd : List a -> a
tl : List a -> List a
