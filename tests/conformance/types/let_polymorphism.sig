ident : a -> a
used_twice : {fst : Int, snd : String}
