rev2 : List a -> List a
