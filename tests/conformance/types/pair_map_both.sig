both : (a -> b) -> {fst : a, snd : a} -> {fst : b, snd : b}
