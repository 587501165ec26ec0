base : {w : Int, h : Int}
area : Int
