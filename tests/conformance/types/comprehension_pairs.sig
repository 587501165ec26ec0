cross : List a -> List b -> List {fst : a, snd : b}
