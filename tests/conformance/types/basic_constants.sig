ratio : Float
title : String
flag : Bool
letter : Char
