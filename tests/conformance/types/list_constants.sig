nums : List Int
words : List String
nothing_yet : List a
grid : List (List Int)
