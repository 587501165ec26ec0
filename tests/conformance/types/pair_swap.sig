swap : {fst : a, snd : b} -> {fst : b, snd : a}
