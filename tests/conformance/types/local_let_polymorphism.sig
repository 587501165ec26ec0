tagged : a -> {fst : a, snd : String}
