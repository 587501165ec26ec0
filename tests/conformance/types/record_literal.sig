pt : {x : Int, y : Int}
person : {name : String, tags : List String}
