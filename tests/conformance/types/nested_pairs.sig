reassoc : {fst : {fst : a, snd : b}, snd : c} -> {fst : a, snd : {fst : b, snd : c}}
