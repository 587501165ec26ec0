entry : {fst : Int, snd : String}
